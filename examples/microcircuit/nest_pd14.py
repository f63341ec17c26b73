#!/usr/bin/env python3
"""The Potjans & Diesmann (2014) microcircuit in NEST 3.10, built exactly as
examples/microcircuit/main.c builds it for spikegpu (same numbers, same scaling, same
statistics), run for several seeds; writes per-population rates and ISI CVs, mean and spread
over the seeds, to a CSV file (tests/data/pd14_nest_scale0.1.csv is its output).

Usage: nest_pd14.py [--scale 0.1] [--kscale 0.1] [--presim 100] [--time 500] [--seeds 1,2,3,4,5]
                    [--threads 1] [--out tests/data/pd14_nest_scale0.1.csv] [--json]
       nest_pd14.py --merge A.csv B.csv [--out OUT.csv]
--json: the first seed only, one line of bench/throughput's JSON fields (network "pd14", for
bench/run.py) instead of the CSV file.
Needs nest-simulator 3.10 and numpy (python3.11 -m venv v && v/bin/pip install nest-simulator==3.10.0 numpy).
"""
# SPDX-License-Identifier: MIT
import argparse
import math
import os
import time

import numpy as np

POPS = ["L23E", "L23I", "L4E", "L4I", "L5E", "L5I", "L6E", "L6I"]
N_FULL = np.array([20683, 5834, 21915, 5479, 4850, 1065, 14395, 2948], dtype=float)
# connection probabilities, rows: target, columns: source (paper, Table 5)
CONN_P = np.array([
    [0.1009, 0.1689, 0.0437, 0.0818, 0.0323, 0.0, 0.0076, 0.0],
    [0.1346, 0.1371, 0.0316, 0.0515, 0.0755, 0.0, 0.0042, 0.0],
    [0.0077, 0.0059, 0.0497, 0.1350, 0.0067, 0.0003, 0.0453, 0.0],
    [0.0691, 0.0029, 0.0794, 0.1597, 0.0033, 0.0, 0.1057, 0.0],
    [0.1004, 0.0622, 0.0505, 0.0057, 0.0831, 0.3726, 0.0204, 0.0],
    [0.0548, 0.0269, 0.0257, 0.0022, 0.0600, 0.3158, 0.0086, 0.0],
    [0.0156, 0.0066, 0.0211, 0.0166, 0.0572, 0.0197, 0.0396, 0.2252],
    [0.0364, 0.0010, 0.0034, 0.0005, 0.0277, 0.0080, 0.0658, 0.1443]])
K_EXT = np.array([1600, 1500, 2100, 1900, 2000, 1900, 2900, 2100], dtype=float)
FULL_RATE = np.array([0.943, 3.026, 4.368, 5.882, 7.733, 8.664, 1.096, 7.851])
C_M, TAU_M, TAU_SYN, PSP, G = 250.0, 10.0, 0.5, 0.15, -4.0
BG_RATE, W_SD, D_EXC, D_INH, D_SD = 8.0, 0.1, 1.5, 0.75, 0.5
H = 0.1


def psp_per_pa():
    a = 1.0 / TAU_SYN - 1.0 / TAU_M
    tp = math.log(TAU_M / TAU_SYN) / a
    return TAU_SYN / (C_M * (1.0 - TAU_SYN / TAU_M)) * (math.exp(-tp / TAU_M) - math.exp(-tp / TAU_SYN))


def derived(scale, kscale):
    n = np.maximum(np.rint(N_FULL * scale), 1).astype(int)
    w_psc = PSP / psp_per_pa()
    with np.errstate(divide="ignore"):
        k_total = np.where(CONN_P > 0, np.log(1 - CONN_P) / np.log(1 - 1 / np.outer(N_FULL, N_FULL)), 0.0)
    indeg = k_total / N_FULL[:, None]
    n_syn = np.rint(k_total * scale * kscale).astype(int)
    w = np.tile(np.where(np.arange(8) % 2 == 0, 1.0, G) * w_psc, (8, 1))
    w[0, 2] *= 2.0
    rec = (w * indeg * FULL_RATE).sum(axis=1)
    i_dc = 1e-3 * TAU_SYN * (1 - math.sqrt(kscale)) * (rec + w_psc * BG_RATE * K_EXT)   # Poisson input
    return n, n_syn, w, w_psc, i_dc


def stats(times, senders, first, n, t0, T):
    """Rate (Hz) and mean ISI CV over neurons with >= 3 spikes in (t0, t0 + T], as main.c."""
    sel = times > t0
    t, s = times[sel], senders[sel].astype(np.int64) - first
    rate = t.size / n / (T * 1e-3)
    o = np.lexsort((t, s))
    t, s = t[o], s[o]
    same = np.diff(s) == 0
    isi, who = np.diff(t)[same], s[1:][same]
    cnt = np.bincount(who, minlength=n)
    s1, s2 = np.bincount(who, isi, minlength=n), np.bincount(who, isi * isi, minlength=n)
    ok = cnt >= 2
    m = s1[ok] / cnt[ok]
    cv = np.sqrt(np.maximum(s2[ok] / cnt[ok] - m * m, 0.0)) / m
    return rate, (cv.mean() if cv.size else float("nan")), int(ok.sum())


def run(seed, scale, kscale, t0, T, threads):
    import nest
    nest.set_verbosity("M_ERROR")
    nest.ResetKernel()
    nest.resolution = H
    nest.local_num_threads = threads
    nest.rng_seed = seed
    n, n_syn, w, w_psc, i_dc = derived(scale, kscale)
    ws = 1.0 / math.sqrt(kscale)
    tb = time.time()
    pops, srs = [], []
    for i in range(8):
        p = nest.Create("iaf_psc_exp", n[i], params={
            "E_L": -65.0, "V_reset": -65.0, "V_th": -50.0, "C_m": C_M, "tau_m": TAU_M,
            "tau_syn_ex": TAU_SYN, "tau_syn_in": TAU_SYN, "t_ref": 2.0, "I_e": i_dc[i]})
        p.V_m = nest.random.normal(mean=-58.0, std=10.0)
        pops.append(p)
        sr = nest.Create("spike_recorder")
        nest.Connect(p, sr)
        srs.append(sr)
    for i in range(8):
        for j in range(8):
            if n_syn[i, j] == 0:
                continue
            m = w[i, j] * ws
            d = D_EXC if j % 2 == 0 else D_INH
            wd = nest.random.normal(mean=m, std=W_SD * abs(m))
            wd = nest.math.redraw(wd, min=0.0, max=np.inf) if m > 0 else nest.math.redraw(wd, min=-np.inf, max=0.0)
            dd = nest.math.redraw(nest.random.normal(mean=d, std=D_SD * d), min=H, max=np.inf)
            nest.Connect(pops[j], pops[i], {"rule": "fixed_total_number", "N": int(n_syn[i, j])},
                         {"synapse_model": "static_synapse", "weight": wd, "delay": dd})
        pg = nest.Create("poisson_generator", params={"rate": BG_RATE * np.rint(K_EXT[i] * kscale)})
        nest.Connect(pg, pops[i], "all_to_all", {"weight": w_psc * ws, "delay": D_EXC})
    nest.Simulate(0.1)   # NEST builds its connection tables here; that step is not measured
    tbuild = time.time() - tb
    ts, cs = time.time(), time.process_time()
    nest.Simulate(t0 + T - 0.1)
    tsim, csim = time.time() - ts, time.process_time() - cs   # CPU time: all threads, steadier when busy
    run.last = dict(neurons=int(n.sum()), synapses=int(n_syn.sum()),
                    spikes=int(sum(sr.n_events for sr in srs)), sim_cpu_s=csim)
    out = []
    for i in range(8):
        ev = srs[i].events
        out.append(stats(np.asarray(ev["times"]), np.asarray(ev["senders"]), pops[i][0].global_id, n[i], t0, T))
    return out, tbuild, tsim


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", type=float, default=0.1)
    ap.add_argument("--kscale", type=float, default=0.1)
    ap.add_argument("--presim", type=float, default=100.0)
    ap.add_argument("--time", type=float, default=500.0)
    ap.add_argument("--seeds", default="1,2,3,4,5,6,7,8")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--out", default="tests/data/pd14_nest_scale0.1.csv")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--merge", nargs="+", metavar="CSV",
                    help="write --out from CSV files of this script for the same model and disjoint seeds "
                         "(exact pooled means and sds), instead of running NEST")
    a = ap.parse_args()
    if a.merge:
        return merge(a.merge, a.out)
    seeds = [int(s) for s in a.seeds.split(",")]
    if a.json:
        return bench_json(a, seeds[0])
    res = []
    for s in seeds:
        r, tb, tsim = run(s, a.scale, a.kscale, a.presim, a.time, a.threads)
        res.append(r)
        print(f"seed {s}: build {tb:.2f} s, simulate {tsim:.2f} s (rtf {tsim / ((a.presim + a.time) * 1e-3):.2f}); "
              + " ".join(f"{p} {x[0]:.3f}/{x[1]:.3f}" for p, x in zip(POPS, r)), flush=True)
    arr = np.array([[[x[0], x[1], x[2]] for x in r] for r in res])   # seed, pop, (rate, cv, ncv)
    import nest
    with open(a.out, "w") as f:
        f.write(f"# NEST {nest.__version__}, Potjans & Diesmann 2014 microcircuit as examples/microcircuit builds it: "
                f"scale {a.scale}, kscale {a.kscale}, Poisson input, h {H} ms, statistics over ({a.presim:g}, "
                f"{a.presim + a.time:g}] ms, seeds {a.seeds}\n")
        f.write("# written by examples/microcircuit/nest_pd14.py; sd = standard deviation over seeds (ddof 1); "
                "cv = mean ISI CV over neurons with >= 3 spikes, ncv their number\n")
        f.write("population,n,rate_mean,rate_sd,cv_mean,cv_sd,ncv_mean,seeds\n")
        n = derived(a.scale, a.kscale)[0]
        for i, p in enumerate(POPS):
            f.write(f"{p},{n[i]},{arr[:, i, 0].mean():.5f},{arr[:, i, 0].std(ddof=1):.5f},"
                    f"{np.nanmean(arr[:, i, 1]):.5f},{np.nanstd(arr[:, i, 1], ddof=1):.5f},{arr[:, i, 2].mean():.1f},{len(seeds)}\n")
    print(open(a.out).read())


def merge(files, out):
    """Pools CSV files of this script (same model, disjoint seeds) into one: the mean and sd (ddof 1)
    over all seeds follow exactly from each file's per-population mean, sd and seed count."""
    heads, rows = [], []
    for fn in files:
        with open(fn) as f:
            lines = f.read().splitlines()
        heads.append(lines[0])
        rows.append([l.split(",") for l in lines[3:] if l])
    base = [h.rsplit(", seeds ", 1) for h in heads]
    if len({b[0] for b in base}) != 1:
        raise SystemExit("merge: the files describe different runs:\n  " + "\n  ".join(heads))
    seeds = [s for b in base for s in b[1].split(",")]
    if len(set(seeds)) != len(seeds):
        raise SystemExit("merge: seeds repeat: " + ",".join(seeds))

    def pooled(ms, sds, ns):
        N = sum(ns)
        m = sum(mi * ni for mi, ni in zip(ms, ns)) / N
        ss = sum((ni - 1) * si * si + ni * (mi - m) ** 2 for mi, si, ni in zip(ms, sds, ns))
        return m, math.sqrt(ss / (N - 1))

    with open(out, "w") as f:
        f.write(f"{base[0][0]}, seeds {','.join(seeds)}\n")
        f.write("# written by examples/microcircuit/nest_pd14.py --merge " + " ".join(
            os.path.basename(x) for x in files) + " (runs of disjoint seeds pooled); sd = standard deviation over "
            "seeds (ddof 1); cv = mean ISI CV over neurons with >= 3 spikes, ncv their number\n")
        f.write("population,n,rate_mean,rate_sd,cv_mean,cv_sd,ncv_mean,seeds\n")
        for parts in zip(*rows):
            ns = [int(p[7]) for p in parts]
            rm, rs = pooled([float(p[2]) for p in parts], [float(p[3]) for p in parts], ns)
            cm, cs = pooled([float(p[4]) for p in parts], [float(p[5]) for p in parts], ns)
            nc = sum(float(p[6]) * n for p, n in zip(parts, ns)) / sum(ns)
            f.write(f"{parts[0][0]},{parts[0][1]},{rm:.5f},{rs:.5f},{cm:.5f},{cs:.5f},{nc:.1f},{sum(ns)}\n")
    print(open(out).read())


def bench_json(a, seed):
    """One run, reported with bench/throughput's fields (whole run; the build excludes nothing
    but the Python import). syn_events_per_s counts recurrent deliveries only: spikes of each
    source population times its mean out-degree (Poisson input not counted)."""
    import json
    import resource
    import nest
    r, tb, tsim = run(seed, a.scale, a.kscale, a.presim, a.time, a.threads)
    n, n_syn = derived(a.scale, a.kscale)[:2]
    rates = np.array([x[0] for x in r])
    T = a.presim + a.time
    ev = float((rates * a.time * 1e-3 * n * n_syn.sum(axis=0) / n).sum())   # measured window only
    ev *= T / a.time if a.time > 0 else 1.0
    L = run.last
    print(json.dumps({
        "simulator": "nest", "version": nest.__version__, "backend": "cpu", "threads": a.threads, "network": "pd14",
        "scale": a.scale, "kscale": a.kscale, "neurons": L["neurons"], "synapses": L["synapses"], "h_ms": H,
        "t_sim_ms": T, "record": True, "build_s": round(tb, 6), "wall_s": round(tsim, 6), "rtf": tsim / (T * 1e-3),
        "x_real_time": T * 1e-3 / tsim, "neuron_updates_per_s": L["neurons"] * round(T / H) / tsim,
        "syn_events_per_s": ev / tsim, "spikes": L["spikes"], "rate_hz": L["spikes"] / L["neurons"] / (T * 1e-3),
        "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        "sim_cpu_s": round(L["sim_cpu_s"], 6)}))


if __name__ == "__main__":
    main()
