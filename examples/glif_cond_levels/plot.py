#!/usr/bin/env python3
"""The figure of NEST's glif_cond example for the five GLIF levels, from the SONATA reports
(mm_<var>.h5) and the spike file (spikes.h5) of glif_cond_levels: per level (one column)
  1. V_m with the total threshold and the spikes (dots at 0.95 x max threshold),
  2. threshold_spike and threshold_voltage,
  3. I (external current) and ASCurrents_sum,
  4. g_1 and g_2 (receptor conductances).
Usage: plot.py OUT_DIR out.png"""
import os
import sys

import h5py
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

out, png = sys.argv[1], sys.argv[2]
levels = [("lif", "GLIF1: LIF"), ("lif_r", "GLIF2: LIF_R"), ("lif_asc", "GLIF3: LIF_ASC"),
          ("lif_r_asc", "GLIF4: LIF_R_ASC"), ("lif_r_asc_a", "GLIF5: LIF_R_ASC_A")]
VARS = ["V_m", "I", "g_1", "g_2", "threshold", "threshold_spike", "threshold_voltage", "ASCurrents_sum"]


def report(var, pop):
    with h5py.File(os.path.join(out, f"mm_{var}.h5"), "r") as f:
        g = f[f"report/{pop}"]
        data = g["data"][:, 0]
        t0, _, dt = g["mapping/time"][:]
    return t0 + dt * np.arange(data.size), data


data = {pop: {v: report(v, pop) for v in VARS} for pop, _ in levels}
with h5py.File(os.path.join(out, "spikes.h5"), "r") as f:
    spikes = {pop: (f[f"spikes/{pop}/timestamps"][:] if f"spikes/{pop}" in f else np.zeros(0)) for pop, _ in levels}
    seed = int(f.attrs.get("seed", 0))

fig, axes = plt.subplots(4, 5, figsize=(24, 12.5), sharex=True, gridspec_kw={"height_ratios": [2.2, 1, 1, 1]})
for col, (pop, title) in enumerate(levels):
    d = data[pop]
    t, V = d["V_m"]
    _, th = d["threshold"]
    ax = axes[0, col]
    ax.plot(t, V, color="tab:blue", lw=0.6, label="V_m")
    ax.plot(t, th, color="tab:orange", lw=1.0, ls="--", label="threshold")
    sp = spikes[pop]
    ax.plot(sp, np.full(sp.shape, 0.95 * np.nanmax(th)), ".", color="k", ms=3, label=f"spikes ({sp.size})")
    ax.set_title(title, fontsize=13)
    ax.set_ylabel("voltage (mV)")
    ax.legend(loc="lower right", fontsize=8)

    ax = axes[1, col]
    ax.plot(*d["threshold_spike"], color="tab:purple", lw=1.0, label="threshold_spike")
    ax.plot(*d["threshold_voltage"], color="tab:green", lw=1.0, label="threshold_voltage")
    ax.set_ylabel("threshold\ncomponent (mV)")
    ax.legend(loc="upper right", fontsize=8)

    ax = axes[2, col]
    ax.plot(*d["I"], color="tab:red", lw=1.0, label="I (external)")
    ax.plot(*d["ASCurrents_sum"], color="tab:brown", lw=0.8, label="ASCurrents_sum")
    ax.set_ylabel("current (pA)")
    ax.legend(loc="lower right", fontsize=8)

    ax = axes[3, col]
    ax.plot(*d["g_1"], color="tab:cyan", lw=0.6, label="g_1 (exc., E_rev 0 mV)")
    ax.plot(*d["g_2"], color="tab:olive", lw=0.8, label="g_2 (inh., E_rev -85 mV)")
    ax.set_ylabel("conductance (nS)")
    ax.set_xlabel("time (ms)")
    ax.legend(loc="upper left", fontsize=8)
for ax in axes.flat:
    ax.set_xlim(0, t[-1])
    ax.grid(alpha=0.2)
    for x0, x1, c in ((200, 500, "tab:red"), (600, 900, "tab:cyan")):
        ax.axvspan(x0, x1, color=c, alpha=0.05, lw=0)
fig.suptitle("glif_cond, the five GLIF levels (NEST's glif_cond example): spikes 20 nS (exc.) / -20 nS (inh.) at "
             "10-150 ms, step current 400 pA 200-500 ms, Poisson 15 kHz x 1 nS 600-900 ms"
             f" (h = 0.05 ms, seed {seed})", fontsize=13)
fig.tight_layout(rect=(0, 0, 1, 0.97))
fig.savefig(png, dpi=90)
