#!/usr/bin/env python3
"""A live client for `neurite simulate --live` (protocol neurite-spikes/1, docs/live-io.md).

It connects to the three endpoints, says HELLO, subscribes to every output stream, says READY,
waits for START, then at each tick sends a spike pattern on one input stream (two neurons every
--every ticks, an empty watermark otherwise) and prints, per tick, what it sent and what came back
on every output stream. At the end it closes its input stream and waits for STOP.

    pip install pyzmq
    python3 Examples/live/client.py --ticks 100
    python3 Examples/live/client.py --keys client --server-key sim.pub   # with CURVE (neurite keygen)

Exit status: 0 after STOP, 1 on an ERROR from the simulator or a timeout.
"""
import argparse
import json
import struct
import sys

import zmq

PROTOCOL = "neurite-spikes/1"
MAGIC, VERSION = 0x4B50534E, 0x0100
SPIKES, END_OF_STREAM = 1, 2
HEADER = struct.Struct("<IHBBIQQIQ")  # magic, version, kind, flags, stream id, sequence, tick, count, sent ns


def read_key(path):
    """The key in a key file of `neurite keygen`: its first line that is not blank or a comment."""
    with open(path) as f:
        return next(line.strip() for line in f if line.strip() and not line.startswith("#")).encode()


class Client:
    def __init__(self, args):
        self.timeout_ms = int(args.timeout * 1000)
        self.context = zmq.Context()
        self.control = self.context.socket(zmq.DEALER)
        self.spikes_in = self.context.socket(zmq.PUSH)
        self.spikes_out = self.context.socket(zmq.SUB)
        for s in (self.control, self.spikes_in, self.spikes_out):
            s.linger = 2000
            if args.keys:
                s.curve_serverkey = read_key(args.server_key)
                s.curve_publickey = read_key(args.keys + ".pub")
                s.curve_secretkey = read_key(args.keys + ".key")
        self.control.connect(args.control)
        self.spikes_in.connect(args.spikes_in)
        self.spikes_out.connect(args.spikes_out)
        self.sequence = {}

    def send_control(self, message):
        self.control.send(json.dumps(message).encode())

    def receive_control(self):
        if not self.control.poll(self.timeout_ms):
            sys.exit(f"client: no control message within {self.timeout_ms / 1000} s")
        message = json.loads(self.control.recv_multipart()[-1])
        if message.get("type") == "ERROR":
            sys.exit(f"client: the simulator said: {message.get('message')}")
        return message

    def send_spikes(self, stream, kind, tick, neurons):
        keys = sorted(stream["key_base"] + n for n in neurons)
        seq = self.sequence.get(stream["label"], 0)
        header = HEADER.pack(MAGIC, VERSION, kind, 0, stream["stream_id"], seq, tick, len(keys), 0)
        self.spikes_in.send_multipart([f"in/{stream['label']}".encode(), header, struct.pack(f"<{len(keys)}I", *keys)])
        self.sequence[stream["label"]] = seq + 1

    def receive_spikes(self):
        """(topic, kind, sequence, tick, keys) of the next output message."""
        if not self.spikes_out.poll(self.timeout_ms):
            sys.exit(f"client: no output within {self.timeout_ms / 1000} s")
        topic, header, body = self.spikes_out.recv_multipart()[:3]
        magic, version, kind, _, _, seq, tick, count, _ = HEADER.unpack(header)
        if magic != MAGIC or version >> 8 != VERSION >> 8 or len(body) != 4 * count:
            sys.exit("client: a malformed output message")
        return topic.decode(), kind, seq, tick, list(struct.unpack(f"<{count}I", body))


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--control", default="tcp://127.0.0.1:5560")
    p.add_argument("--spikes-in", default="tcp://127.0.0.1:5561")
    p.add_argument("--spikes-out", default="tcp://127.0.0.1:5562")
    p.add_argument("--stream", help="input stream to drive (default: the first)")
    p.add_argument("--ticks", type=int, help="ticks to drive (default: the run's, or 100)")
    p.add_argument("--every", type=int, default=1, help="send spikes every N ticks (default 1)")
    p.add_argument("--timeout", type=float, default=10.0, help="seconds to wait for the simulator (default 10)")
    p.add_argument("--keys", help="CURVE: this client's key pair, BASE.pub and BASE.key")
    p.add_argument("--server-key", help="CURVE: the simulator's public key file")
    args = p.parse_args()
    if bool(args.keys) != bool(args.server_key):
        p.error("--keys and --server-key go together")

    c = Client(args)
    c.send_control({"type": "HELLO", "protocol": PROTOCOL})
    welcome = c.receive_control()
    if welcome.get("type") != "WELCOME":
        sys.exit(f"client: expected WELCOME, got {welcome}")
    inputs = [s for s in welcome["streams"] if s["direction"] == "in"]
    outputs = {f"out/{s['label']}": s for s in welcome["streams"] if s["direction"] == "out"}
    stream = next((s for s in inputs if s["label"] == args.stream), None) if args.stream else (inputs or [None])[0]
    if args.stream and stream is None:
        sys.exit(f"client: no input stream '{args.stream}' in {[s['label'] for s in inputs]}")
    for topic in outputs:
        c.spikes_out.subscribe(topic.encode())
    c.send_control({"type": "READY", "subscriptions": list(outputs)})
    while (message := c.receive_control())["type"] != "START":
        pass
    ticks = args.ticks if args.ticks is not None else welcome.get("ticks", 100)
    print(f"client: dt {welcome['dt_ns']} ns, {welcome['mode']}, driving "
          f"{'in/' + stream['label'] if stream else 'nothing'} for {ticks} ticks", flush=True)

    # Per tick: send, then read every output stream's message of that tick (one each, in order).
    received = {topic: [] for topic in outputs}   # per output stream, (tick, neurons) not yet printed
    next_sequence = {topic: 0 for topic in outputs}
    ended = set()

    def take(topic, kind, seq, tick, keys):
        if seq != next_sequence[topic]:
            print(f"client: {topic} skipped {seq - next_sequence[topic]} messages", flush=True)
        next_sequence[topic] = seq + 1
        if kind == END_OF_STREAM:
            ended.add(topic)
        else:
            received[topic].append((tick, [k - outputs[topic]["key_base"] for k in keys]))

    for t in range(ticks):
        sent = sorted({t % stream["size"], (7 * t + 3) % stream["size"]}) if stream and t % args.every == 0 else []
        if stream:
            c.send_spikes(stream, SPIKES, t, sent)
        while any(not received[topic] or received[topic][-1][0] < t for topic in outputs if topic not in ended):
            take(*c.receive_spikes())
        parts = []
        for topic in outputs:
            here = [n for tick, ns in received[topic] if tick == t for n in ns]
            received[topic] = [(tick, ns) for tick, ns in received[topic] if tick > t]
            parts.append(f"{topic} {here}")
        print(f"tick {t}: sent {sent} | " + " | ".join(parts), flush=True)
    if stream:
        c.send_spikes(stream, END_OF_STREAM, max(ticks - 1, 0), [])
    while (message := c.receive_control())["type"] != "STOP":
        pass
    print(f"client: STOP after {message.get('ticks')} ticks, complete {str(message.get('complete')).lower()}", flush=True)


if __name__ == "__main__":
    main()
