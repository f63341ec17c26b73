#!/usr/bin/env python3
"""Rasters and PSTHs of the gl_reliability runs (constant current vs frozen Poisson input).
Usage: plot.py OUT_DIR out.png T_ms V0_mV"""
import os
import sys

import h5py
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

out, png, T, v0 = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
BIN, T0 = 5.0, 100.0
runs = [("constant", "constant input: $I_e$ = 550 pA"),
        ("frozen", "frozen Poisson input: 2000 Hz $\\times$ 1 mV, the same train in every trial")]
fig, axes = plt.subplots(2, 2, figsize=(13, 7.5), sharex=True, gridspec_kw={"height_ratios": [3, 2]})
ymax = 0.0
psth_axes = []
for col, (tag, label) in enumerate(runs):
    with h5py.File(os.path.join(out, f"spikes_{tag}.h5"), "r") as f:
        g = f[f"spikes/gl_{tag}"]
        t, ids = g["timestamps"][:], g["node_ids"][:]
        seed = int(f.attrs.get("seed", 0))
    n_trials = None
    with h5py.File(os.path.join(out, f"vm_{tag}_V_m.h5"), "r") as f:
        n_trials = f[f"report/gl_{tag}/data"].shape[1]
    ax_r, ax_p = axes[0, col], axes[1, col]
    sel = t >= T0
    ax_r.plot(t[sel], ids[sel], "|", ms=4, mew=0.8, color="tab:blue" if col == 0 else "tab:red")
    ax_r.set_ylim(-1, n_trials)
    ax_r.set_ylabel("trial (neuron)")
    ax_r.set_title(label, fontsize=11)
    edges = np.arange(0.0, T + BIN / 2, BIN)
    h, _ = np.histogram(t, edges)
    rate = h / n_trials / (BIN * 1e-3)
    keep = edges[:-1] >= T0
    r = rate[keep]
    ptm = r.max() / r.mean() if r.mean() > 0 else 0.0
    ax_p.stairs(r, edges[edges >= T0], fill=True,
                color="tab:blue" if col == 0 else "tab:red", alpha=0.75, label=f"PSTH, {BIN:g} ms bins")
    ax_p.axhline(r.mean(), color="k", ls="--", lw=1, label=f"mean {r.mean():.1f} Hz (peak/mean {ptm:.2f})")
    ax_p.set_xlabel("time (ms)")
    ax_p.set_ylabel("rate (Hz)")
    ax_p.legend(loc="upper right", fontsize=9)
    ymax = max(ymax, r.max())
    psth_axes.append(ax_p)
for ax in psth_axes:
    ax.set_ylim(0, ymax * 1.25)
axes[0, 0].set_xlim(T0, T)
fig.suptitle(f"GL neuron spike-time reliability: {n_trials} trials, common initial $V_m$ = {v0:.2f} mV "
             f"(h = 0.1 ms, seed {seed})", fontsize=13)
fig.tight_layout()
fig.savefig(png, dpi=110)
