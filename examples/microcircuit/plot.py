#!/usr/bin/env python3
"""Raster (a subset of each population) and per-population rates and ISI CVs of the microcircuit
run, from its SONATA spike file. Usage: plot.py spikes.h5 out.png T0_ms T_ms
(statistics over (T0, T0 + T], as examples/microcircuit/main.c prints them)."""
import json
import sys

import h5py
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

path, png, T0, T = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
POPS = ["L23E", "L23I", "L4E", "L4I", "L5E", "L5I", "L6E", "L6I"]


def cv_isi(t, ids):
    """Mean ISI CV over neurons with >= 3 spikes (the definition main.c uses)."""
    o = np.lexsort((t, ids))
    t, ids = t[o], ids[o].astype(np.int64)
    same = np.diff(ids) == 0
    isi, who = np.diff(t)[same], ids[1:][same]
    if who.size == 0:
        return np.nan
    cnt, s1, s2 = np.bincount(who), np.bincount(who, isi), np.bincount(who, isi * isi)
    ok = cnt >= 2
    if not ok.any():
        return np.nan
    m = s1[ok] / cnt[ok]
    return float(np.mean(np.sqrt(np.maximum(s2[ok] / cnt[ok] - m * m, 0.0)) / m))


fig = plt.figure(figsize=(12, 7))
ax_r = fig.add_axes([0.07, 0.08, 0.55, 0.85])
ax_f = fig.add_axes([0.70, 0.55, 0.27, 0.38])
ax_c = fig.add_axes([0.70, 0.08, 0.27, 0.38])
rates, cvs = [], []
with h5py.File(path, "r") as f:
    n_meta = {p["name"]: p["n"] for p in json.loads(f["metadata/network_json"].asstr()[()])["populations"]}
    # window of the raster: the last 200 ms (at most T)
    t_lo = T0 + T - min(200.0, T)
    y, ticks = 0, []
    for k, name in enumerate(POPS):
        n = n_meta[name]
        grp = f["spikes"].get(name)
        t = grp["timestamps"][:] if grp is not None else np.zeros(0)
        ids = grp["node_ids"][:].astype(np.int64) if grp is not None else np.zeros(0, dtype=np.int64)
        sel = t > T0
        rates.append(sel.sum() / n / (T * 1e-3))
        cvs.append(cv_isi(t[sel], ids[sel]))
        show = max(1, int(round(0.05 * n)))   # 5 % of each population, so that sizes stay visible
        s = (ids < show) & (t > t_lo)
        color = "tab:blue" if name.endswith("E") else "tab:red"
        ax_r.plot(t[s], -(y + ids[s]), ".", ms=2.0, color=color)
        ticks.append(-(y + show / 2))
        y += show + max(2, show // 10)
ax_r.set_yticks(ticks, POPS)
ax_r.set_xlim(t_lo, T0 + T)
ax_r.set_xlabel("time (ms)")
ax_r.set_title("raster, 5 % of each population")
colors = ["tab:blue" if p.endswith("E") else "tab:red" for p in POPS]
ax_f.barh(range(8), rates, color=colors)
ax_f.set_yticks(range(8), POPS)
ax_f.invert_yaxis()
ax_f.set_xlabel("rate (Hz)")
ax_f.set_title(f"rates over ({T0:g}, {T0 + T:g}] ms")
ax_c.barh(range(8), np.nan_to_num(cvs), color=colors)
ax_c.set_yticks(range(8), POPS)
ax_c.invert_yaxis()
ax_c.set_xlabel("mean ISI CV (neurons with >= 3 spikes)")
fig.suptitle("Potjans & Diesmann (2014) microcircuit, spikegpu")
fig.savefig(png, dpi=110)
