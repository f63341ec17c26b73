#!/usr/bin/env python3
"""Stationary rate vs coupling of the gl_criticality scan (with the mean-field branches), and
rasters of the networks just below and just above the transition.
Usage: plot.py OUT_DIR out.png --time T --neurons N --indegree K --seed S0 --seeds S
               --wmin W0 --wmax W1 --nw n --v-reset V --kick-time Tk --kick-rate R"""
import argparse
import os

import h5py
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

p = argparse.ArgumentParser()
p.add_argument("out")
p.add_argument("png")
for name, typ in [("time", float), ("neurons", int), ("indegree", int), ("seed", int), ("seeds", int),
                  ("wmin", float), ("wmax", float), ("nw", int), ("v-reset", float), ("kick-time", float),
                  ("kick-rate", float)]:
    p.add_argument("--" + name, type=typ, required=True)
A = p.parse_args()
T, N, K, TAIL = A.time, A.neurons, A.indegree, 200.0
w = np.linspace(A.wmin, A.wmax, A.nw)
# neuron parameters (as in main.c)
a, b, V_b, V_r, tau, t_ref, V_reset = 1.2, 27.0, -51.3, -65.0, 10.0, 2.0, A.v_reset

# ---- measured stationary rates: every neuron's spikes in the last 200 ms ----
rates = np.zeros((A.nw, A.seeds))
for s in range(A.seeds):
    with h5py.File(os.path.join(A.out, f"tail_seed{A.seed + s}.h5"), "r") as f:
        for i in range(A.nw):
            key = f"spikes/w{i:02d}"
            n = f[key]["timestamps"].shape[0] if key in f else 0
            rates[i, s] = n / N / (TAIL * 1e-3)
mean, sd = rates.mean(axis=1), rates.std(axis=1, ddof=1) if A.seeds > 1 else np.zeros(A.nw)


# ---- mean-field: a neuron driven by the drift K w r (mV/ms), reset to V_reset, V held (inputs
# still added) for t_ref, hazard Phi(V) also while refractory; r = 1 / E[ISI] self-consistently ----
def transfer(r, Kw, dt=0.1, tmax=400.0):
    """1/E[ISI] (1/ms) for an array of rates r (1/ms) at coupling Kw (mV); the survival beyond
    tmax is added analytically (V has settled at mu there)."""
    t = np.arange(0.0, tmax, dt)[None, :]
    I = (Kw * r)[:, None]
    V1 = V_reset + I * t_ref
    mu = V_r + tau * I
    V = np.where(t < t_ref, V_reset + I * t, mu + (V1 - mu) * np.exp(-(t - t_ref) / tau))
    haz = np.exp(np.minimum((V - V_b) / a, 50.0)) / b * 1e-3
    surv = np.exp(-np.cumsum(haz, axis=1) * dt)
    h_inf = np.exp(np.minimum((mu[:, 0] - V_b) / a, 50.0)) / b * 1e-3
    return 1.0 / (surv.sum(axis=1) * dt + surv[:, -1] / h_inf)


r_grid = np.geomspace(1e-4, 0.6, 300)          # 0.1 Hz .. 600 Hz, in 1/ms
kw_grid = np.linspace(K * A.wmin, K * A.wmax, 100)
stable, unstable = np.full(kw_grid.size, np.nan), np.full(kw_grid.size, np.nan)
for k, Kw in enumerate(kw_grid):
    g = transfer(r_grid, Kw) - r_grid
    for j in np.where(np.diff(np.sign(g)) != 0)[0]:
        r0 = 1e3 * (r_grid[j] - g[j] * (r_grid[j + 1] - r_grid[j]) / (g[j + 1] - g[j]))
        if g[j] > 0:
            stable[k] = r0 if np.isnan(stable[k]) else max(stable[k], r0)   # f crosses from above
        elif np.isnan(unstable[k]):
            unstable[k] = r0
# join the two branches at the saddle-node so the curve is continuous there
first = np.where(~np.isnan(stable))[0]

fig = plt.figure(figsize=(14, 6.5))
gs = fig.add_gridspec(2, 2, width_ratios=[1.25, 1], hspace=0.35, wspace=0.22)
ax = fig.add_subplot(gs[:, 0])
for s in range(A.seeds):
    ax.plot(K * w, rates[:, s], ".", color="0.55", ms=5, label="single seeds" if s == 0 else None, zorder=2)
small = " (bars smaller than the markers)" if A.seeds > 1 and sd.max() < 0.015 * max(mean.max(), 1.0) else ""
ax.errorbar(K * w, mean, yerr=sd, fmt="o", color="tab:red", capsize=4, ms=6, zorder=3,
            label=f"simulation: mean $\\pm$ sd over {A.seeds} seeds{small}\n(rate over the last {TAIL:.0f} ms)")
ax.plot(kw_grid, np.zeros_like(kw_grid), "-", color="tab:blue", lw=3, alpha=0.35, zorder=1,
        label="mean field: silent state (stable everywhere)")
ax.plot(kw_grid, stable, "-", color="tab:blue", lw=1.5, zorder=1, label="mean field: active state (stable)")
ax.plot(kw_grid, unstable, "--", color="tab:blue", lw=1.2, zorder=1,
        label="mean field: unstable state (ignition threshold)")
if len(first) and first[0] > 0:
    k0 = first[0]
    ax.plot([kw_grid[k0], kw_grid[k0]], [unstable[k0], stable[k0]], ":", color="tab:blue", lw=1)
ax.axhline(0.0, color="k", lw=0.6)
ax.set_xlabel("total coupling $K\\,w$ (mV)")
ax.set_ylabel("stationary firing rate (Hz)")
top = max(mean.max() * 1.3, 10.0)
ax.set_ylim(-0.04 * top, top)
ax.set_xlim(K * (A.wmin - 0.04 * (A.wmax - A.wmin)), K * (A.wmax + 0.04 * (A.wmax - A.wmin)))
sec = ax.secondary_xaxis("top", functions=(lambda x: x / K, lambda x: x * K))
sec.set_xlabel("synaptic weight $w$ (mV)")
ax.set_title(f"GL network phase transition: {N} gl_exp neurons, K = {K}, $V_{{reset}}$ = {V_reset:g} mV;\n"
             f"kick {A.kick_rate:g} Hz $\\times$ 1 mV for {A.kick_time:g} ms, then no input", fontsize=11, pad=10)
ax.legend(loc="upper left", fontsize=8.5)
ax.grid(alpha=0.25)

# ---- rasters: the strongest silent and the weakest active coupling of the first seed ----
active = np.where(mean > 0.0)[0]
i_hi = active[0] if len(active) else A.nw - 1
i_lo = max(i_hi - 1, 0)
with h5py.File(os.path.join(A.out, f"spikes_seed{A.seed}.h5"), "r") as f:
    for row, i in enumerate((i_lo, i_hi)):
        axr = fig.add_subplot(gs[row, 1])
        key = f"spikes/w{i:02d}"
        t = f[key]["timestamps"][:] if key in f else np.zeros(0)
        ids = f[key]["node_ids"][:] if key in f else np.zeros(0)
        axr.plot(t, ids, "|", ms=2.5, mew=0.5, color="tab:red" if mean[i] > 0 else "0.3")
        axr.axvspan(0, A.kick_time, color="gold", alpha=0.3, label="Poisson kick")
        axr.axvspan(T - TAIL, T, color="tab:blue", alpha=0.08, label="rate measured")
        n_show = min(N, 100)
        axr.set_ylim(-1, n_show)
        axr.set_xlim(0, T)
        axr.set_ylabel(f"neuron (first {n_show})")
        state = "self-sustained" if mean[i] > 0 else "dies out"
        axr.set_title(f"K w = {K * w[i]:.1f} mV (w = {w[i]:.3f} mV): {state}, "
                      f"{rates[i, 0]:.1f} Hz (seed {A.seed})", fontsize=10)
        if row == 1:
            axr.set_xlabel("time (ms)")
        axr.legend(loc="upper right", fontsize=8, framealpha=0.9)
fig.savefig(A.png, dpi=110, bbox_inches="tight")
