#!/usr/bin/env python3
"""bench/run.py - the throughput benchmarks of bench/RESULTS.md: spikegpu (bench/throughput, one process
per configuration) side by side with NEST 3.10.0 and Brian2 2.9.0 (cpp_standalone + OpenMP) on the same
machine, in the same run, at the same thread counts.

    make bench                 # = python3 bench/run.py --build build          (< 20 min on 2 cores)
    make bench-full            # = ... --full: 1 s of simulated time everywhere, more sizes
    python3 bench/run.py --build build [--full] [--no-peers] [--only b] [--threads 1,2]
                         [--budget-min 18] [--out bench/results.jsonl] [--plot bench/throughput.png]
    python3 bench/run.py --report [--session ID]   # markdown tables of a session from results.jsonl

Every run prints one line and appends one JSON object to bench/results.jsonl: the fields of
bench/throughput.c (simulator, backend, threads, network, neurons, synapses, h_ms, t_sim_ms, build_s,
wall_s, cpu_s, rtf (wall / simulated time, NEST's real-time factor), x_real_time (simulated / wall),
neuron_updates_per_s, syn_events_per_s, spikes, rate_hz, peak_rss_bytes,
host_bytes, device_bytes, bytes_per_synapse, record) plus session, date, cpu_model, cores, load_before,
load_after (1-minute load average), commit and cmd.

Peers are installed on first use into virtual environments beside the build (BUILD/bench-venv-nest:
nest-simulator==3.10.0; BUILD/bench-venv-brian2: brian2==2.9.0, numpy<2.4) with pip from PyPI. If PyPI
cannot be reached the peers are skipped with a message, and so is every peer run once the time budget
(--budget-min, default 15 min quick / 600 full) would be exceeded. Peers run only up to 10^5 neurons
(quick mode: the sweep's peers up to 10^4, and peers of (a), (c), the sweep and (e) at 1 thread only).
Part (e), `--only pd14`, runs the Potjans & Diesmann (2014) microcircuit of examples/microcircuit at
scale 0.1 with full in-degrees on both spikegpu and NEST (examples/microcircuit/nest_pd14.py --json).
"""
import argparse
import datetime
import json
import os
import platform
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
NEST_PIN = ["nest-simulator==3.10.0"]
BRIAN_PIN = ["brian2==2.9.0", "numpy<2.4"]


def log(msg):
    print(msg, flush=True)


def cpu_model():
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
        for line in out.splitlines():
            if line.startswith("Model name:"):
                return line.split(":", 1)[1].strip()
    except Exception:
        pass
    return platform.processor() or "unknown"


def load1():
    try:
        return os.getloadavg()[0]
    except OSError:
        return None


def git_commit():
    try:
        c = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
        d = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, capture_output=True,
                           text=True).stdout.strip()
        return c + ("+dirty" if d else "")
    except Exception:
        return None


def venv(path, pins, probe):
    """Python of a venv with pins installed, or None (with the reason printed)."""
    py = os.path.join(path, "bin", "python")
    if os.path.exists(py) and subprocess.run([py, "-c", probe], capture_output=True).returncode == 0:
        return py
    log("bench: installing %s into %s (pip, PyPI) ..." % (" ".join(pins), path))
    try:
        if not os.path.exists(py):
            subprocess.run([sys.executable, "-m", "venv", path], check=True, capture_output=True, timeout=300)
        r = subprocess.run([py, "-m", "pip", "install", "-q", "--disable-pip-version-check"] + pins,
                           capture_output=True, text=True, timeout=900)
        if r.returncode != 0:
            log("bench: SKIP peer: pip install %s failed (PyPI unreachable?):\n%s" % (" ".join(pins), r.stderr[-1500:]))
            return None
    except Exception as e:  # noqa: BLE001
        log("bench: SKIP peer: cannot set up %s: %s" % (path, e))
        return None
    if subprocess.run([py, "-c", probe], capture_output=True).returncode != 0:
        log("bench: SKIP peer: %s installed but '%s' fails" % (path, probe))
        return None
    return py


def glif_available(build):
    exe = os.path.join(build, "examples", "model_docs")
    try:
        out = subprocess.run([exe], capture_output=True, text=True, timeout=60).stdout
        return "glif_cond" in out
    except Exception:
        return False


class Bench:
    def __init__(self, args):
        self.a = args
        self.t0 = time.time()
        self.session = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        self.cpu = cpu_model()
        self.cores = os.cpu_count()
        self.commit = git_commit()
        self.results = []

    def elapsed_min(self):
        return (time.time() - self.t0) / 60.0

    def run(self, cmd, timeout, env=None, k=0):
        lb = load1()
        t = time.time()
        try:
            r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env, cwd=ROOT)
        except subprocess.TimeoutExpired:
            log("  TIMEOUT after %d s: %s" % (timeout, " ".join(cmd)))
            return None
        la = load1()
        line = None
        for ln in r.stdout.splitlines():
            if ln.startswith("{"):
                line = ln
        if r.returncode != 0 or line is None:
            log("  FAILED (%d): %s\n%s" % (r.returncode, " ".join(cmd), (r.stderr or r.stdout)[-2000:]))
            return None
        res = json.loads(line)
        if "skip" in res:
            log("  skip: %s" % res["skip"])
            return None
        res.update(k=k, session=self.session, date=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
                   cpu_model=self.cpu, cores=self.cores, load_before=lb, load_after=la, commit=self.commit,
                   cmd=" ".join(os.path.relpath(c, ROOT) if os.path.isabs(c) else c for c in cmd),
                   process_s=round(time.time() - t, 3))
        self.results.append(res)
        with open(self.a.out, "a") as f:
            f.write(json.dumps(res) + "\n")
        log("  %-8s %-15s net %s n %-8d thr %d rec %d  T %6.0f ms  wall %8.3f s  build %7.2f s  rtf %8.4f (%7.3g x real time)  "
            "upd/s %9.3g  ev/s %9.3g  rate %5.2f Hz  rss %6.0f MiB  load %.1f" % (
                res["simulator"], res["backend"], res["network"], res["neurons"], res["threads"], res["record"],
                res["t_sim_ms"], res["wall_s"], res["build_s"], res["rtf"], 1.0 / res["rtf"],
                res["neuron_updates_per_s"],
                res["syn_events_per_s"], res["rate_hz"], res["peak_rss_bytes"] / 1048576.0, lb or -1))
        return res

    def spikegpu(self, net, n, T, thr, k=1000, record=False, timeout=1200):
        cmd = [os.path.join(self.a.build, "bench", "throughput"), "--net", net, "--n", str(n), "--k", str(k),
               "--time", str(T), "--threads", str(thr), "--backend", self.a.backend]
        if record:
            cmd.append("--record")
        return self.run(cmd, timeout, k=k if net == "b" else 0)

    def peer(self, which, py, net, n, T, thr, k=1000, record=False, timeout=1200):
        if py is None:
            return None
        if self.elapsed_min() > self.a.budget_min:
            log("  skip %s %s n=%d threads=%d: time budget of %.0f min used up" % (which, net, n, thr, self.a.budget_min))
            return None
        script = os.path.join(HERE, "peers", "nest_net.py" if which == "nest" else "brian2_net.py")
        cmd = [py, script, "--net", net, "--n", str(n), "--k", str(k), "--time", str(T), "--threads", str(thr)]
        if which == "brian2":
            cmd += ["--dir", os.path.join(os.path.abspath(self.a.build), "bench-brian2")]
        if record:
            cmd.append("--record")
        env = dict(os.environ, OMP_NUM_THREADS=str(thr))
        return self.run(cmd, timeout, env, k=k if net == "b" else 0)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default="build")
    ap.add_argument("--full", action="store_true")
    ap.add_argument("--no-peers", action="store_true")
    ap.add_argument("--only", default="", help="comma-separated parts to run (b,build,a,c,sweep,pd14)")
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--backend", default="cpu")
    ap.add_argument("--budget-min", type=float, default=None, help="skip peer runs after this many minutes")
    ap.add_argument("--out", default=os.path.join(HERE, "results.jsonl"))
    ap.add_argument("--plot", default=os.path.join(HERE, "throughput.png"))
    ap.add_argument("--report", action="store_true")
    ap.add_argument("--session", default=None)
    a = ap.parse_args()
    if a.report:
        return report(a)
    if a.budget_min is None:
        a.budget_min = 600.0 if a.full else 15.0
    a.build = os.path.abspath(a.build)
    threads = [int(x) for x in a.threads.split(",") if x]
    only = set(x for x in a.only.split(",") if x)
    want = lambda net: not only or net in only  # noqa: E731
    exe = os.path.join(a.build, "bench", "throughput")
    if not os.path.exists(exe):
        sys.exit("bench: %s not found: run make first" % exe)
    B = Bench(a)
    log("bench: session %s, %s, %d cores, load %.2f, commit %s, %s mode" % (
        B.session, B.cpu, B.cores, load1() or -1, B.commit, "full" if a.full else "quick"))
    nest_py = brian_py = None
    if not a.no_peers:
        nest_py = venv(os.path.join(a.build, "bench-venv-nest"), NEST_PIN, "import nest")
        brian_py = venv(os.path.join(a.build, "bench-venv-brian2"), BRIAN_PIN, "import brian2")
        if brian_py and not shutil.which("g++"):
            log("bench: SKIP Brian2: cpp_standalone needs g++")
            brian_py = None
    # simulated time: spikegpu always 1 s (10^6 neurons: 0.2 s quick); peers 1 s up to 10^4 neurons,
    # 0.1 s at 10^5 in quick mode (NEST alone needs 1-3 min to connect 10^8 synapses on 2 cores);
    # every run starts from rest, so short runs include the same start-up transient
    Tp = lambda n: 1000.0 if (a.full or n <= 10000) else 100.0  # noqa: E731
    pthreads = threads if a.full else threads[:1]   # quick mode: peers of (a), (c), (d) at 1 thread

    # (b) E/I network, K = 1000: the headline comparison
    if want("b"):
        log("== (b) E/I 80/20, fixed in-degree 800 + 200, delay 1.5 ms, Poisson drive")
        for n in (10000, 100000):
            for thr in threads:
                B.spikegpu("b", n, 1000.0, thr)
                B.spikegpu("b", n, 1000.0, thr, record=True)
                if Tp(n) != 1000.0:      # the peers' simulated time too: the same start-up transient
                    B.spikegpu("b", n, Tp(n), thr)
                B.peer("nest", nest_py, "b", n, Tp(n), thr)
                B.peer("brian2", brian_py, "b", n, Tp(n), thr)
    # network construction: 10^5 gl_exp x fixed in-degree 1000 = 10^8 synapses (bench/build_net.c)
    if want("build"):
        log("== construction of 10^8 synapses (bench/build_net: sg_connect + CSR build)")
        build_net(B, threads)
    # (a) unconnected, Poisson drive
    if want("a"):
        log("== (a) unconnected gl_exp population, independent Poisson drive per neuron")
        for thr in threads:
            B.spikegpu("a", 100000, 1000.0, thr)
            if Tp(100000) != 1000.0:
                B.spikegpu("a", 100000, Tp(100000), thr)
            if thr in pthreads:
                B.peer("nest", nest_py, "a", 100000, Tp(100000), thr)
                B.peer("brian2", brian_py, "a", 100000, Tp(100000), thr)
    # (c) glif_cond lif_r_asc_a
    if want("c"):
        if glif_available(a.build):
            log("== (c) glif_cond lif_r_asc_a population, Poisson drive on receptor 1")
            nc = 10000 if a.full else 2000
            for thr in threads:
                B.spikegpu("c", nc, 1000.0, thr)
                if thr in pthreads:
                    B.peer("nest", nest_py, "c", nc, 1000.0, thr)
        else:
            log("== (c) skipped: glif_cond is not in %s/examples/model_docs (model not built yet)" % a.build)
    # (d) size sweep: network (b) with K = 100 (weights x 10), 10^3 .. 10^6 neurons
    if want("sweep"):
        log("== (d) size sweep: network (b) with in-degree 100 (weights x 10)")
        sizes = (1000, 10000, 100000, 1000000)
        for n in sizes:
            for thr in threads:
                B.spikegpu("b", n, 1000.0 if (a.full or n < 1000000) else 200.0, thr, k=100)
                if (n <= 10000 or (a.full and n <= 100000)) and thr in pthreads:
                    B.peer("nest", nest_py, "b", n, Tp(n), thr, k=100)
                    B.peer("brian2", brian_py, "b", n, Tp(n), thr, k=100)
    # (e) the Potjans & Diesmann (2014) microcircuit of examples/microcircuit: scale 0.1 (7,717
    # iaf_psc_exp neurons) with full in-degrees (~3·10^7 synapses), Poisson input, every spike
    # recorded, 1 s from the initial state; NEST runs examples/microcircuit/nest_pd14.py, the same model
    if want("pd14"):
        log("== (e) Potjans & Diesmann 2014 microcircuit, scale 0.1, full in-degrees, 1 s")
        mc = os.path.join(a.build, "examples", "microcircuit")
        for thr in threads:
            B.run([mc, "--scale", "0.1", "--presim", "0", "--time", "1000", "--threads", str(thr), "--backend",
                   a.backend, "--no-plot", "--json", "--out", os.path.join(a.build, "bench-pd14")], 1200)
            if nest_py and thr in pthreads:
                if B.elapsed_min() > a.budget_min:
                    log("  skip nest pd14 threads=%d: time budget of %.0f min used up" % (thr, a.budget_min))
                else:
                    B.run([nest_py, os.path.join(ROOT, "examples", "microcircuit", "nest_pd14.py"), "--scale", "0.1",
                           "--kscale", "1", "--presim", "0", "--time", "1000", "--seeds", "55", "--threads", str(thr),
                           "--json"], 1200, dict(os.environ, OMP_NUM_THREADS=str(thr)))
    log("bench: %d runs in %.1f min, appended to %s" % (len(B.results), B.elapsed_min(), a.out))
    summary(B.results)
    if a.plot:
        plot(B.results, a.plot)


def build_net(B, threads):
    exe = os.path.join(B.a.build, "bench", "build_net")
    lb = load1()
    try:
        r = subprocess.run([exe, "--threads", ",".join(str(t) for t in threads)], capture_output=True, text=True,
                           timeout=600, cwd=ROOT)
    except Exception as e:  # noqa: BLE001
        log("  build_net failed: %s" % e)
        return
    for ln in r.stdout.splitlines():
        # threads 1: connect 1.234 s  csr build 2.345 s  total 3.579 s  8.00 bytes/synapse  100000000 synapses ...
        if not ln.startswith("threads "):
            continue
        f = ln.replace(":", " ").split()
        try:
            thr, conn, csr, tot, bps, nsyn = int(f[1]), float(f[3]), float(f[7]), float(f[10]), float(f[12]), int(f[14])
        except (ValueError, IndexError):
            continue
        res = {"simulator": "spikegpu", "version": None, "backend": "cpu", "threads": thr, "network": "build",
               "neurons": 100000, "synapses": nsyn, "h_ms": 0.1, "t_sim_ms": 0.0, "warmup_ms": 0, "record": False,
               "build_s": tot, "connect_s": conn, "csr_s": csr, "wall_s": tot, "cpu_s": None, "rtf": None, "x_real_time": None,
               "neuron_updates_per_s": None, "syn_events_per_s": None, "spikes": 0, "rate_hz": None,
               "peak_rss_bytes": None, "host_bytes": None, "device_bytes": 0, "bytes_per_synapse": bps,
               "session": B.session, "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
               "cpu_model": B.cpu, "cores": B.cores, "load_before": lb, "load_after": load1(), "commit": B.commit,
               "cmd": "build/bench/build_net --threads %s" % ",".join(str(t) for t in threads)}
        B.results.append(res)
        with open(B.a.out, "a") as fo:
            fo.write(json.dumps(res) + "\n")
        log("  spikegpu build_net thr %d: connect %.2f s + CSR %.2f s = %.2f s for %d synapses, %.2f B/synapse, load %.1f"
            % (thr, conn, csr, tot, nsyn, bps, lb or -1))
    if "identical CSR" in r.stdout:
        log("  " + [l for l in r.stdout.splitlines() if "identical CSR" in l][0])


def key(r):
    return (r["network"], r["neurons"], r.get("k", 0), r["threads"], r["record"])


def summary(results):
    """spikegpu / peer ratios of wall time per simulated second, same network, size and threads."""
    results = [r for r in results if r["network"] != "build"]
    sg, sgT = {}, {}
    for r in results:
        if r["simulator"] == "spikegpu":
            sgT[key(r) + (r["t_sim_ms"],)] = r
            if key(r) not in sg or r["t_sim_ms"] > sg[key(r)]["t_sim_ms"]:
                sg[key(r)] = r            # the longest run of a configuration
    lines = []
    for r in results:
        if r["simulator"] == "spikegpu" and r["record"]:
            base = sgT.get(key(r)[:4] + (False, r["t_sim_ms"]))
            if base:
                lines.append("  recording every spike: net %s n %-7d thr %d: %+.1f%% wall time (%.3f s vs %.3f s)" % (
                    r["network"], r["neurons"], r["threads"], 100.0 * (r["wall_s"] / base["wall_s"] - 1.0), r["wall_s"],
                    base["wall_s"]))
        if r["simulator"] == "spikegpu":
            continue
        s = sgT.get(key(r) + (r["t_sim_ms"],)) or sg.get(key(r))   # the same simulated time if there is one
        if not s:
            continue
        ps = r["wall_s"] / (r["t_sim_ms"] * 1e-3)
        ss = s["wall_s"] / (s["t_sim_ms"] * 1e-3)
        lines.append("  %-7s net %s n %-7d K %-4d thr %d T %4.0f/%4.0f ms: %s %8.2f s per simulated s (%.2f Hz), "
                     "spikegpu %7.3f s (%.2f Hz): %6.1fx" % (
                         r["simulator"], r["network"], r["neurons"], r.get("k", 0), r["threads"], r["t_sim_ms"],
                         s["t_sim_ms"], r["simulator"], ps, r["rate_hz"], ss, s["rate_hz"], ps / ss))
    if lines:
        log("== recording cost, and speed-up of spikegpu over the peers (wall time per simulated second)")
        for ln in lines:
            log(ln)


def plot(results, path):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except Exception as e:  # noqa: BLE001
        log("bench: no plot (matplotlib missing: %s)" % e)
        return
    series = {}
    for r in results:
        if r["network"] != "b" or r["record"]:
            continue
        k = r["synapses"] // max(r["neurons"], 1)
        k = r.get("k", 1000 if k >= 900 else 100)
        label = "%s%s, %d thread%s, K=%d" % (r["simulator"], "" if r["simulator"] != "spikegpu" else " (%s)" % r["backend"],
                                            r["threads"], "" if r["threads"] == 1 else "s", k)
        pts = series.setdefault(label, {})
        if r["neurons"] not in pts or r["t_sim_ms"] > pts[r["neurons"]][0]:   # the longest run of a size
            pts[r["neurons"]] = (r["t_sim_ms"], r["neuron_updates_per_s"], r["syn_events_per_s"])
    series = {lb: [(n, v[1], v[2]) for n, v in pts.items()] for lb, pts in series.items()}
    if not series:
        return
    fig, ax = plt.subplots(1, 2, figsize=(12, 4.8))
    colors = {"spikegpu": "tab:blue", "nest": "tab:orange", "brian2": "tab:green"}
    for label, pts in sorted(series.items()):
        pts.sort()
        sim = label.split(" ")[0].rstrip(",")
        ls = "-" if "1 thread," in label else "--"
        big = label.endswith("K=1000")
        for i in (0, 1):
            ax[i].plot([p[0] for p in pts], [p[1 + i] for p in pts], ls, marker="s" if big else "o",
                       color=colors.get(sim, "k"), alpha=0.55 if big else 1.0, markersize=7 if big else 5, label=label)
    for i, t in enumerate(("neuron updates / s", "synaptic events / s")):
        ax[i].set_xscale("log")
        ax[i].set_yscale("log")
        ax[i].set_xlabel("neurons")
        ax[i].set_ylabel(t)
        ax[i].grid(True, which="both", alpha=0.3)
    ax[0].legend(fontsize=7)
    fig.suptitle("E/I network (b), GL neurons, Poisson drive, h = 0.1 ms; circles: in-degree 100 (size sweep), "
                 "squares: in-degree 1000; solid 1 thread, dashed 2 threads\n%s, %s cores, session %s" % (
                     results[0]["cpu_model"], results[0]["cores"], results[0]["session"]), fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    log("bench: plot %s" % path)


def report(a):
    rows = [json.loads(l) for l in open(a.out) if l.strip()]
    if not rows:
        return
    sess = a.session or rows[-1]["session"]
    rows = [r for r in rows if r["session"] == sess]
    print("session %s, %s, %d cores, commit %s" % (sess, rows[0]["cpu_model"], rows[0]["cores"], rows[0]["commit"]))
    print()
    print("| simulator | net | neurons | K | threads | record | T (ms) | build (s) | wall (s) | rtf | x real time | "
          "updates/s | events/s | rate (Hz) | peak RSS (MiB) | B/syn | load |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        if r["network"] == "build":
            print("| %s | build | %d | 1000 | %d | - | - | %.2f (connect %.2f + CSR %.2f) | - | - | - | - | - | - | - | %.2f | %.1f |" % (
                r["simulator"], r["neurons"], r["threads"], r["build_s"], r["connect_s"], r["csr_s"], r["bytes_per_synapse"],
                r["load_before"] or -1))
            continue
        k = r["synapses"] // max(r["neurons"], 1)
        print("| %s | %s | %d | %d | %d | %s | %.0f | %.2f | %.3f | %.3f | %.4g | %.3g | %.3g | %.2f | %.0f | %s | %.1f |" % (
            r["simulator"], r["network"], r["neurons"], r.get("k", k if r["network"] == "b" else 0), r["threads"],
            "yes" if r["record"] else "no", r["t_sim_ms"], r["build_s"], r["wall_s"], r["rtf"],
            1.0 / r["rtf"], r["neuron_updates_per_s"], r["syn_events_per_s"], r["rate_hz"], r["peak_rss_bytes"] / 1048576.0,
            "%.1f" % r["bytes_per_synapse"] if r.get("bytes_per_synapse") else "-", r["load_before"] or -1))
    summary(rows)


if __name__ == "__main__":
    main()
