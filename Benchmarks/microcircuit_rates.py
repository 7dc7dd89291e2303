#!/usr/bin/env python3
"""Mean rates of the microcircuit's eight populations in a run directory, beside NEST 3.10's at
full scale (DESIGN section 7, from the issue that asked for this comparison).

    python3 Benchmarks/microcircuit_rates.py RUN_DIR [--from MS]

Counts each population's spikes in spikes.csv from --from (default 0) to the end of the run
and prints its rate, NEST's, their ratio and whether it is within 10 %. Exit status 1 if any
population is not.
"""
import argparse
import csv
import json
import os
import sys

NEST = {"L23E": 0.88, "L23I": 2.94, "L4E": 4.41, "L4I": 5.86, "L5E": 7.56, "L5I": 8.62, "L6E": 1.11, "L6I": 7.82}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("run")
    parser.add_argument("--from", dest="start", type=float, default=0.0, help="ms; spikes before it are not counted")
    args = parser.parse_args()
    summary = json.load(open(os.path.join(args.run, "summary.json")))
    duration = summary["duration_ms"]
    counts = {name: 0 for name in NEST}
    with open(os.path.join(args.run, "spikes.csv")) as f:
        for row in csv.DictReader(f):
            if row["population"] in counts and float(row["time_ms"]) >= args.start:
                counts[row["population"]] += 1
    seconds = (duration - args.start) / 1000.0
    ok = True
    print("%-6s %10s %10s %8s  (%s arithmetic, %g-%g ms)" % ("pop", "rate (Hz)", "NEST (Hz)", "ratio", summary["arithmetic"], args.start, duration))
    for name, nest in NEST.items():
        rate = counts[name] / summary["populations"][name]["size"] / seconds
        within = abs(rate / nest - 1) <= 0.10
        ok = ok and within
        print("%-6s %10.3f %10.2f %8.3f  %s" % (name, rate, nest, rate / nest, "ok" if within else "beyond 10 %"))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
