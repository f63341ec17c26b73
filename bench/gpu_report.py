#!/usr/bin/env python3
"""bench/gpu_report.py - turns what the GPU check returns (gpucheck/check.sh: the tarball, or its
logs folder) into the Markdown of bench/RESULTS.md's GPU section: the steps and their verdicts, the
figures against the docs/design.md §9 floor, the per-kernel timing, and the cpu-vs-cuda hashes.

    python3 bench/gpu_report.py gpucheck.tgz [--bandwidth 3.0e12]
    python3 bench/gpu_report.py LOGDIR

The floor: a gl_exp neuron update moves 20-40 bytes (state, ring slot read and clear), a synaptic
event about 8 bytes plus one 8-byte atomic; bandwidth is the device-to-device rate (about
3.0 TB/s on an H100). Printed, not written: paste what is right, with the date and the command.
Standard library only, so it runs under any Python 3.
"""
import argparse
import io
import json
import os
import sys
import tarfile


def read_logs(path):
    """{file name: text} of the logs folder or tarball (names without the folder)."""
    files = {}
    if os.path.isdir(path):
        for name in os.listdir(path):
            p = os.path.join(path, name)
            if os.path.isfile(p):
                with open(p, errors="replace") as f:
                    files[name] = f.read()
    else:
        with tarfile.open(path) as tar:
            for m in tar.getmembers():
                if m.isfile():
                    files[os.path.basename(m.name)] = tar.extractfile(m).read().decode(errors="replace")
    return files


def jsonl(text):
    return [json.loads(line) for line in io.StringIO(text or "") if line.strip().startswith("{")]


def label(r):
    k = r["synapses"] / max(r["neurons"], 1)
    return f"{r['network']} {r['neurons']:.0e}" + (f" x {k:.0f}" if k >= 1 else "")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("logs", help="gpucheck.tgz or the logs folder")
    ap.add_argument("--bandwidth", type=float, default=3.0e12, help="device-to-device bytes/s (read + write)")
    a = ap.parse_args()
    files = read_logs(a.logs)
    if "summary.txt" not in files:
        sys.exit(f"gpu_report: no summary.txt in {a.logs}")
    lines = files.get("env.log", "").splitlines()

    def after(header, skip=0):   # the line `skip` lines after the header, unless it is another header
        for i, l in enumerate(lines):
            if l.startswith(header) and i + 1 + skip < len(lines) and not lines[i + 1 + skip].startswith("##"):
                return lines[i + 1 + skip].strip()
        return ""
    device = after("## nvidia-smi query", 1) or after("## probe")
    print(f"Device: {device or '(no env step)'}\n")

    print("| step | status | s | detail |\n|---|---|---|---|")
    for s in jsonl(files.get("steps.jsonl")):
        print(f"| {s['step']} | {s['status']} | {s['seconds']} | {s['detail'][:160]} |")

    rows = jsonl(files.get("results.jsonl"))
    bw = a.bandwidth
    floor_upd = bw / 40.0, bw / 20.0
    if rows:
        print(f"\nFloor at {bw / 1e12:.1f} TB/s: {floor_upd[0] / 1e9:.0f}-{floor_upd[1] / 1e9:.0f} G neuron updates/s, "
              f"{bw / 16 / 1e9:.0f} G events/s by bytes (atomics may bound it lower).\n")
        print("| step | network | backend | threads | sim ms | wall s | RTF | updates/s | % of floor (40 B) | events/s | rate Hz | device GiB | build s |")
        print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
        for r in rows:
            pct = f"{100.0 * r['neuron_updates_per_s'] / floor_upd[0]:.0f}%" if r["backend"] == "cuda" else ""
            print(f"| {r.get('step', '')} | {label(r)}{' rec' if r.get('record') else ''} | {r['backend']} | {r['threads']} "
                  f"| {r['t_sim_ms']:g} | {r['wall_s']:.3f} | {r['rtf']:.3g} | {r['neuron_updates_per_s']:.3g} | {pct} "
                  f"| {r['syn_events_per_s']:.3g} | {r['rate_hz']:.2f} | {r.get('device_bytes', 0) / 2**30:.2f} | {r['build_s']:.1f} |")
        for r in rows:
            if r["backend"] == "cuda" and r["network"] == "a" and r["neurons"] <= 1000:
                print(f"\nPer-step fixed cost (network a, {r['neurons']} neurons): "
                      f"{1e6 * r['wall_s'] / (r['t_sim_ms'] / r['h_ms']):.2f} us per step (target <= 5 us)")
        for r in rows:
            if r["backend"] == "cuda" and r["network"] == "pd14":
                print(f"\nMicrocircuit ({r.get('step', '')}, scale {r['scale']:g}, {'every spike recorded' if r.get('record') else 'no recording'}): "
                      f"RTF {r['rtf']:.3g} (target <= 0.1 at full scale), build {r['build_s']:.1f} s")
        pair = {}
        for r in rows:
            if r.get("hash"):
                pair.setdefault((r["network"], r["neurons"], r["t_sim_ms"]), {})[r["backend"]] = r
        for key, p in sorted(pair.items()):
            if "cpu" in p and "cuda" in p:
                c, g = p["cpu"], p["cuda"]
                verdict = "EQUAL" if c["hash"] == g["hash"] else f"DIFFERENT ({c['hash']} / {g['hash']})"
                print(f"\nHashes, network {key[0]} at {key[1]} neurons, {key[2]:g} ms: {verdict}; "
                      f"cpu ({c['threads']} threads) {c['wall_s']:.3f} s, cuda {g['wall_s']:.3f} s, {c['wall_s'] / g['wall_s']:.1f}x")

    for t in jsonl(files.get("kernel_timing.jsonl")):
        kt = t["kernel_timing"]
        print(f"\nKernel timing ({t.get('step', '')}, {kt['steps']} steps, launched one by one): "
              f"{kt['total_us_per_step']:.2f} us per step\n")
        print("| kernel | us per step | share |\n|---|---|---|")
        for k in sorted(kt["kernels"], key=lambda k: -k["us_per_step"]):
            share = 100.0 * k["us_per_step"] / kt["total_us_per_step"] if kt["total_us_per_step"] else 0.0
            print(f"| {k['kernel']} | {k['us_per_step']:.2f} | {share:.1f}% |")


if __name__ == "__main__":
    main()
