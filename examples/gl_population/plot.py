#!/usr/bin/env python3
"""Raster of a subset and population rate of the gl_population run, from its SONATA spike file.
Usage: plot.py spikes.h5 out.png T_ms"""
import sys

import h5py
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

path, png, T = sys.argv[1], sys.argv[2], float(sys.argv[3])
fig, (ax_r, ax_p) = plt.subplots(2, 1, figsize=(10, 7), sharex=True, gridspec_kw={"height_ratios": [3, 1]})
colors = {"excitatory": "tab:blue", "inhibitory": "tab:red"}
total, n_total = None, 0
cvs = []


def isi_cv(t, ids, t_from):
    """Coefficient of variation of the inter-spike intervals after t_from, per neuron with >= 5."""
    sel = t > t_from
    t, ids = t[sel], ids[sel].astype(np.int64)
    o = np.lexsort((t, ids))
    t, ids = t[o], ids[o]
    same = np.diff(ids) == 0
    isi, nid = np.diff(t)[same], ids[1:][same]
    if nid.size == 0:
        return np.zeros(0)
    cnt, s1, s2 = np.bincount(nid), np.bincount(nid, isi), np.bincount(nid, isi * isi)
    ok = cnt >= 5
    m = s1[ok] / cnt[ok]
    return np.sqrt(np.maximum(s2[ok] / cnt[ok] - m * m, 0.0)) / m


bins = np.arange(0.0, T + 1.0, 1.0)
with h5py.File(path, "r") as f:
    n_meta = {p["name"]: p["n"] for p in __import__("json").loads(f["metadata/network_json"].asstr()[()])["populations"]}
    offset = 0
    for name in ("excitatory", "inhibitory"):
        if name not in f["spikes"]:
            continue
        t = f["spikes"][name]["timestamps"][:]
        ids = f["spikes"][name]["node_ids"][:]
        show = 400 if name == "excitatory" else 100
        sel = ids < show
        ax_r.plot(t[sel], ids[sel] + offset, ".", ms=1.5, color=colors[name], label=f"{name} (first {show} of {n_meta[name]})")
        offset += show
        cvs.append(isi_cv(t, ids, min(100.0, T / 2)))
        h, _ = np.histogram(t, bins)
        total = h if total is None else total + h
        n_total += n_meta[name]
ax_r.set_ylabel("neuron")
ax_r.set_title(f"gl_exp E/I network, {n_total} neurons: raster (subset)")
ax_r.legend(loc="upper right", markerscale=6)
rate = total / n_total / 1e-3
ax_p.plot(bins[:-1], rate, color="k", lw=0.8)
ax_p.set_xlabel("time (ms)")
ax_p.set_ylabel("rate (Hz)")
t_st = min(100.0, T / 2)
cv = np.concatenate(cvs) if cvs else np.zeros(0)
cv_txt = f", median ISI CV {np.median(cv):.2f}" if cv.size else ""
ax_p.set_title(f"population rate, 1 ms bins: mean {rate.mean():.2f} Hz ({rate[bins[:-1] >= t_st].mean():.2f} Hz "
               f"after {t_st:.0f} ms){cv_txt}")
ax_p.set_xlim(0, T)
fig.tight_layout()
fig.savefig(png, dpi=110)
