/// The control channel on the simulator's side: who said HELLO and READY, what they subscribed,
/// how many control connections are open, and the reply to each message. Not thread-safe;
/// ``LiveSession`` guards it.
struct LiveControlState {
    private struct Client {
        var ready = false
        var subscriptions: [String] = []
    }

    private let welcome: [UInt8]
    /// Clients by ZeroMQ routing id, and the ids in the order they said HELLO.
    private var clients: [[UInt8]: Client] = [:]
    private(set) var order: [[UInt8]] = []
    /// Subscriptions that reached the PUB socket, by prefix (each client's counted once).
    private var subscribed: [String: Int] = [:]
    private var openConnections = 0
    private(set) var counters = LiveCounters.Control()
    /// A client sent STOP.
    private(set) var stopRequested = false
    /// START has gone out; clients that say READY later get it at once.
    var started = false

    init(welcome: LiveWelcome) {
        self.welcome = ControlMessage.welcome(welcome).encoded()
    }

    /// Clients that said READY, in HELLO order.
    var readyClients: [[UInt8]] { order.filter { clients[$0]?.ready == true } }

    /// True once `expected` clients are READY and every subscription they listed has reached the
    /// PUB socket (so nothing published after START is missed).
    func isReady(expected: Int) -> Bool {
        guard counters.clientsReady >= expected else { return false }
        var wanted: [String: Int] = [:]
        for c in clients.values where c.ready { for s in c.subscriptions { wanted[s, default: 0] += 1 } }
        return wanted.allSatisfy { subscribed[$0.key, default: 0] >= $0.value }
    }

    /// Handles one message from the ROUTER (`frames` = routing id, then the body, optionally after
    /// an empty delimiter) and returns the reply body, if any.
    mutating func receive(_ frames: [[UInt8]]) -> [UInt8]? {
        counters.messages += 1
        guard frames.count == 2 || (frames.count == 3 && frames[1].isEmpty) else {
            return refuse("a control message is one frame holding a JSON object")
        }
        let id = frames[0]
        let message: ControlMessage
        switch ControlMessage.decode(frames[frames.count - 1]) {
        case .failure(let error): return refuse(error.description)
        case .success(let m): message = m
        }
        switch message {
        case .hello(let name):
            guard name == SpikeWire.controlProtocol else {
                counters.wrongProtocol += 1
                return error("unsupported protocol \"\(name.prefix(40))\"; this simulator speaks \(SpikeWire.controlProtocol)")
            }
            if clients[id] == nil {
                clients[id] = Client()
                order.append(id)
                counters.clientsWelcomed += 1
            }
            return welcome
        case .ready(let subscriptions):
            guard var client = clients[id] else { return refuse("READY before HELLO") }
            if !client.ready {
                client.ready = true
                client.subscriptions = subscriptions
                clients[id] = client
                counters.clientsReady += 1
            }
            return started ? ControlMessage.start(tick: 0).encoded() : nil
        case .stop:
            guard clients[id] != nil else { return refuse("STOP before HELLO") }
            stopRequested = true
            return nil
        case .error:
            return nil
        case .welcome, .start:
            return refuse("WELCOME and START are sent by the simulator, not by clients")
        }
    }

    /// A message from the XPUB socket: byte 1 then a prefix subscribes; byte 0 unsubscribes.
    mutating func subscription(_ frame: [UInt8]) {
        guard frame.first == 1 else { return }
        subscribed[String(decoding: frame.dropFirst(), as: UTF8.self), default: 0] += 1
    }

    /// Control connections opened and closed (from the socket monitor, all events drained);
    /// returns how many welcomed clients vanished with them.
    mutating func connections(opened: Int, closed: Int) -> Int {
        openConnections += opened - closed
        let believedAlive = counters.clientsWelcomed - counters.clientsVanished
        let vanished = max(0, believedAlive - max(0, openConnections))
        counters.clientsVanished += vanished
        return vanished
    }

    mutating func setRefusedHandshakes(_ n: Int) { counters.refusedHandshakes = n }

    private mutating func refuse(_ why: String) -> [UInt8] {
        counters.malformed += 1
        return error(why)
    }

    private mutating func error(_ message: String) -> [UInt8] {
        counters.errorsSent += 1
        return ControlMessage.error(message: message).encoded()
    }
}
