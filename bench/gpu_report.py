#!/usr/bin/env python3
"""bench/gpu_report.py - turns the JSON lines of a GPU bundle run (run-all.sh LOGDIR scale gpu ->
LOGDIR/results.jsonl) into the Markdown tables of bench/RESULTS.md's GPU section: the issue-6 figures
next to the DESIGN.md section 9 floor, and the cpu-vs-cuda hash table of the scale step.

    python3 bench/gpu_report.py LOGDIR/results.jsonl [--bandwidth 3.0e12] [--device "H100 ..."]

The floor: a gl_exp neuron update moves 30-40 bytes (state, ring slot read and clear), a synaptic
event about 10 bytes plus one 8-byte atomic; bandwidth is the measured device-to-device rate
(about 3.0 TB/s on this workplace's H100, KINDS.md). Printed, not written: paste what is right.
"""
import argparse
import json
import sys


def load(path):
    rows = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line.startswith("{"):
                rows.append(json.loads(line))
    return rows


def label(r):
    return f"{r['network']} {r['neurons']:.0e} x {r['synapses'] / max(r['neurons'], 1):.0f}".replace("e+0", "e")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("jsonl")
    ap.add_argument("--bandwidth", type=float, default=3.0e12, help="device-to-device bytes/s (read + write)")
    ap.add_argument("--device", default="(device from env.log)")
    a = ap.parse_args()
    rows = load(a.jsonl)
    if not rows:
        sys.exit(f"gpu_report: no JSON lines in {a.jsonl}")
    bw = a.bandwidth
    upd_floor = (bw / 40.0, bw / 30.0)   # neuron updates/s
    print(f"GPU: {a.device}; floor from {bw / 1e12:.1f} TB/s: {upd_floor[0] / 1e9:.0f}-{upd_floor[1] / 1e9:.0f} G updates/s\n")
    print("| run | backend | threads | sim ms | wall s | real-time factor | updates/s | % of update floor | events/s | rate Hz | device GiB | build s |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        pct = 100.0 * r["neuron_updates_per_s"] / upd_floor[0] if r["backend"] == "cuda" else float("nan")
        print(f"| {label(r)}{' rec' if r.get('record') else ''} | {r['backend']} | {r['threads']} | {r['t_sim_ms']:g} "
              f"| {r['wall_s']:.3f} | {r['rtf']:.3g} | {r['neuron_updates_per_s']:.3g} | "
              f"{'' if pct != pct else f'{pct:.0f}%'} | {r['syn_events_per_s']:.3g} | {r['rate_hz']:.2f} "
              f"| {r.get('device_bytes', 0) / 2**30:.2f} | {r['build_s']:.1f} |")
    # same network on both backends, same length: the ratio and the hash
    print("\n| network | cpu wall s | cuda wall s | cuda speed-up | hashes |")
    print("|---|---|---|---|---|")
    by = {}
    for r in rows:
        by.setdefault((r["network"], r["neurons"], r["synapses"], r["t_sim_ms"], r.get("record")), {})[r["backend"]] = r
    for k, pair in sorted(by.items(), key=lambda kv: (kv[0][0], kv[0][1])):
        if "cpu" in pair and "cuda" in pair:
            c, g = pair["cpu"], pair["cuda"]
            hc, hg = c.get("hash"), g.get("hash")
            verdict = "-" if not hc or not hg else ("equal" if hc == hg else f"DIFFERENT ({hc} / {hg})")
            print(f"| {label(c)} ({c['t_sim_ms']:g} ms, cpu {c['threads']} threads) | {c['wall_s']:.3f} | {g['wall_s']:.3f} "
                  f"| {c['wall_s'] / g['wall_s']:.1f}x | {verdict} |")
    small = [r for r in rows if r["backend"] == "cuda" and r["network"] == "a" and r["neurons"] <= 1000]
    for r in small:
        steps = r["t_sim_ms"] / r["h_ms"]
        print(f"\nper-step overhead (network a, {r['neurons']} neurons): {1e6 * r['wall_s'] / steps:.2f} us per step")


if __name__ == "__main__":
    main()
