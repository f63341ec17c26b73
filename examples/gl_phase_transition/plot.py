#!/usr/bin/env python3
"""The gl_phase_transition figure: rho(W) against the mean field for mu = 0 and mu = 0.5, the
avalanche size and duration distributions at W_c against the critical branching exponents, and the
dynamic-gain runs settling near Gamma_c.
Usage: plot.py OUT_DIR out.png --neurons N --indegree K --gain-steps T --tau-gain tau --u u --A A"""
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
for name, typ in [("neurons", int), ("indegree", int), ("gain-steps", int), ("tau-gain", float), ("u", float),
                  ("A", float)]:
    p.add_argument("--" + name, type=typ, required=True)
a = p.parse_args()
N, K = a.neurons, a.indegree


# ---- mean field (docs/models.md §3.3-3.4): Gamma = 1, r = 1, V_T = V_reset = I_ext = 0 ----
def phi(x):
    return min(max(x, 0.0), 1.0)


def isi_mean(rho, W, mu):
    U, S, tot = 0.0, 1.0, 1.0
    U_inf = W * rho / (1.0 - mu)
    for k in range(1, 1000000):
        S *= 1.0 - phi(U)
        tot += S
        if S < 1e-18:
            return tot
        U = mu * U + W * rho
        if k > 2 and abs(U - U_inf) <= 1e-15 * U_inf:
            q = phi(U_inf)
            return tot + S * (1.0 - q) / q if q > 0 else np.inf
    return tot


def rho_star(W, mu):
    lo, hi = 1e-12, 1.0
    if 1.0 / isi_mean(lo, W, mu) - lo <= 0:
        return 0.0
    for _ in range(100):
        m = 0.5 * (lo + hi)
        if 1.0 / isi_mean(m, W, mu) - m > 0:
            lo = m
        else:
            hi = m
    return 0.5 * (lo + hi)


fig = plt.figure(figsize=(15, 9.5))
gs = fig.add_gridspec(2, 3, hspace=0.33, wspace=0.28)

# ---- (a) rho(W) ----
sw = np.genfromtxt(os.path.join(a.out, "sweep.tsv"), names=True, delimiter="\t")
ax = fig.add_subplot(gs[0, :2])
colors = {0.0: "tab:blue", 0.5: "tab:orange"}
for mu in sorted(set(sw["mu"])):
    s = sw[sw["mu"] == mu]
    Wg = np.linspace(0.0, max(s["W"].max(), 2.4), 400)
    th = [rho_star(W, mu) for W in Wg]
    label = "mean field: $(W-1)/W$, then 1/2 (saturated)" if mu == 0 else "mean field, age-structured (docs §3.4)"
    ax.plot(Wg, th, "-", color=colors.get(mu, "k"), lw=1.5, label=f"$\\mu$ = {mu:g}: {label}")
    ax.errorbar(s["W"], s["rho"], yerr=s["sd"] / np.sqrt(100), fmt="o", color=colors.get(mu, "k"), ms=6, capsize=3,
                label=f"$\\mu$ = {mu:g}: simulation (mean over 100 steps)")
    ax.axvline(1.0 - mu, color=colors.get(mu, "k"), ls=":", lw=1)
    ax.text(1.0 - mu - 0.06, 0.36, f"$W_c = (1-\\mu)/\\Gamma$ = {1 - mu:g}", color=colors.get(mu, "k"), fontsize=9,
            rotation=90, va="bottom")
ax.axvspan(2.0, 2.45, color="0.9", zorder=0)
ax.text(2.02, 0.53, "$\\Gamma W > 2$: $\\Phi$ saturates,\nperiod-2 map", fontsize=8.5, color="0.3")
ax.set_xlim(0, 2.45)
ax.set_ylim(-0.02, 0.6)
ax.set_xlabel("coupling $W$ (weights $W/K$; $\\Gamma$ = 1)")
ax.set_ylabel("stationary activity $\\rho$ (fraction firing per step)")
ax.set_title(f"gl_discrete, N = {N}, K = {K}: absorbing phase transition against the mean field "
             "$\\rho' = (1-\\rho)\\,\\Phi(W\\rho)$", fontsize=11)
ax.legend(loc="lower right", fontsize=8.5)
ax.grid(alpha=0.25)

# ---- (b) avalanche sizes and (c) durations at W_c ----
av = np.genfromtxt(os.path.join(a.out, "avalanches.tsv"), names=True, delimiter="\t")
for col, (key, expo, xl) in enumerate([("size", -1.5, "avalanche size $s$ (spikes)"),
                                        ("duration", -2.0, "avalanche duration $d$ (steps)")]):
    axh = fig.add_subplot(gs[1, col])
    x = av[key].astype(float)
    x = x[x >= 1]
    bins = np.unique(np.round(np.geomspace(1, max(x.max(), 2) + 1, 30)))
    h, e = np.histogram(x, bins=bins)
    width = np.diff(e)
    dens = h / width / len(x)
    c = np.sqrt(e[:-1] * (e[1:] - 1).clip(min=e[:-1]))   # geometric centre of the integers in a bin
    ok = h > 0
    axh.loglog(c[ok], dens[ok], "o", color="tab:red", ms=5, label=f"{len(x)} avalanches at $W_c$ = 1")
    xs = np.geomspace(1, x.max(), 50)
    k = ok.sum() // 2   # the reference line through the middle of the data
    anchor = dens[ok][k] * (c[ok][k] ** -expo)
    axh.loglog(xs, anchor * xs ** expo, "--", color="k", lw=1.2,
               label=f"mean field (critical branching): $\\propto {key[0]}^{{{expo:g}}}$")
    axh.set_xlabel(xl)
    axh.set_ylabel("probability density")
    axh.legend(fontsize=8.5, loc="lower left")
    axh.grid(alpha=0.25, which="both")
    if col == 0:
        axh.set_title("avalanches seeded by single spikes into the quiescent network", fontsize=10)

# ---- (d) dynamic gains ----
axg = fig.add_subplot(gs[0, 2])
axr = fig.add_subplot(gs[1, 2])
g_star = (a.A + a.u * a.tau_gain) / (1.0 + a.u * a.tau_gain)
rho_g = (a.A - 1.0) / (a.A + a.u * a.tau_gain)
with h5py.File(os.path.join(a.out, "gains_gain.h5"), "r") as f:
    for name, col, g0 in [("above", "tab:purple", a.A), ("below", "tab:green", 0.5)]:
        if f"report/{name}" not in f:
            continue
        r = f[f"report/{name}"]
        t0, t1, dt = r["mapping/time"][:]
        d = r["data"][:]
        t = t0 + dt * np.arange(d.shape[0])
        axg.plot(t, d.mean(axis=1), "-", color=col, lw=1.2,
                 label=f"gains from {g0:g} (mean of {d.shape[1]} neurons)")
with h5py.File(os.path.join(a.out, "gains_spikes.h5"), "r") as f:
    T = a.gain_steps
    for name, col, g0 in [("above", "tab:purple", a.A), ("below", "tab:green", 0.5)]:
        if f"spikes/{name}" not in f:
            continue
        ts = f[f"spikes/{name}/timestamps"][:]
        cnt = np.bincount(np.round(ts).astype(int) - 1, minlength=T)[:T]
        win = 20
        sm = np.convolve(cnt / N, np.ones(win) / win, mode="same")
        axr.semilogy(np.arange(T) + 1, np.maximum(sm, 1e-6), "-", color=col, lw=1, label=f"gains from {g0:g}")
axg.axhline(1.0, color="k", lw=1, ls=":", label="$\\Gamma_c = 1/W$ = 1")
axg.axhline(g_star, color="tab:red", lw=1, ls="--", label=f"mean field $\\Gamma^*$ = {g_star:.4f}")
axg.set_xlabel("time (steps)")
axg.set_ylabel("mean gain $\\Gamma_i$ (1/mV)")
axg.set_title(f"dynamic gains: $\\tau$ = {a.tau_gain:g} steps, u = {a.u:g}, A = {a.A:g}", fontsize=10)
axg.legend(fontsize=8)
axg.grid(alpha=0.25)
axr.axhline(rho_g, color="tab:red", lw=1, ls="--", label=f"mean field $\\rho^*$ = {rho_g:.4f}")
axr.set_xlabel("time (steps)")
axr.set_ylabel("activity $\\rho$ (20-step mean)")
axr.set_title("activity with dynamic gains (seeds 0.01 Hz per neuron)", fontsize=10)
axr.legend(fontsize=8)
axr.grid(alpha=0.25, which="both")
fig.savefig(a.png, dpi=100, bbox_inches="tight")
