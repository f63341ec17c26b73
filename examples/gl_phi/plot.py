#!/usr/bin/env python3
"""Measured vs theoretical GL firing-rate function Phi(V), from the gl_phi SONATA spike file.
Usage: plot.py spikes.h5 out.png T_ms replicas"""
import math
import sys

import h5py
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

path, png, T, M = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
A, B, V_B = 1.2, 27.0, -51.3          # the tutorial's Phi parameters
NV = 12
V = np.linspace(-60.0, -45.0, NV)


def phi(v):
    return np.exp((v - V_B) / A) / B


def poisson_cdf(k, mu):
    if k < 0:
        return 0.0
    if mu <= 0.0:
        return 1.0
    return min(1.0, sum(math.exp(-mu + j * math.log(mu) - math.lgamma(j + 1.0)) for j in range(k + 1)))


def poisson_ci(k, conf=0.95):
    """Exact (Garwood) interval for a Poisson mean given the count k."""
    alpha = 1.0 - conf
    lo = 0.0
    if k > 0:
        a, b = 0.0, float(k)
        for _ in range(100):
            m = 0.5 * (a + b)
            a, b = (m, b) if poisson_cdf(k - 1, m) > 1.0 - alpha / 2 else (a, m)
        lo = 0.5 * (a + b)
    a, b = float(k), k + 10.0 + 10.0 * math.sqrt(k + 1.0)
    for _ in range(100):
        m = 0.5 * (a + b)
        a, b = (m, b) if poisson_cdf(k, m) > alpha / 2 else (a, m)
    return lo, 0.5 * (a + b)


with h5py.File(path, "r") as f:
    ids = f["spikes/gl_neurons/node_ids"][:]
    seed = int(f.attrs.get("seed", 0))
    backend = f.attrs.get("backend", "")
    backend = backend.decode() if isinstance(backend, bytes) else str(backend)
counts = np.bincount(ids.astype(np.int64) % NV, minlength=NV)
Ts = T * 1e-3 * M                      # neuron-seconds per voltage
rate = counts / Ts
ci = np.array([poisson_ci(int(k)) for k in counts]) / Ts

fig, ax = plt.subplots(figsize=(8, 5.5))
vv = np.linspace(-60.0, -45.0, 100)
ax.semilogy(vv, phi(vv), "-", color="tab:blue", lw=1.5, label=r"theory $\Phi(V)=\frac{1}{b}e^{(V-V_b)/a}$")
pos = counts > 0
ax.errorbar(V[pos], rate[pos], yerr=[rate[pos] - ci[pos, 0], ci[pos, 1] - rate[pos]], fmt="o", color="tab:red",
            ecolor="tab:red", capsize=3, ms=5, label="measured count / T, exact Poisson 95 % interval")
if (~pos).any():
    ax.plot(V[~pos], ci[~pos, 1], "_", color="tab:red", ms=12, mew=2,
            label="no spike: 95 % upper limit of the rate (arrow)")
    for v, hi in zip(V[~pos], ci[~pos, 1]):
        ax.annotate("", xy=(v, hi / 5.0), xytext=(v, hi),
                    arrowprops=dict(arrowstyle="-|>", color="tab:red", lw=1.2, mutation_scale=12))
ax.axhline(1.0 / Ts, color="0.6", ls=":", lw=1, label=f"one spike in {Ts:g} s" + (" (pooled neuron time)" if M > 1 else ""))
ax.set_xlabel("membrane potential V (mV)")
ax.set_ylabel(r"firing rate $\Phi$ (Hz)")
who = f"{M} neurons per voltage" if M > 1 else "one neuron per voltage"
ax.set_title(f"GL neuron: measured $\\Phi(V)$, h = 1 ms, {T / 1000:g} s, {who}\n"
             f"(a = {A} mV, b = {B:g}, $V_b$ = {V_B} mV; seed {seed}, {backend} backend)")
ax.set_xlim(-60.8, -44.2)
ax.grid(True, which="both", alpha=0.25)
ax.legend(loc="upper left", fontsize=9)
fig.tight_layout()
fig.savefig(png, dpi=110)
