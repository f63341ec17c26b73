#!/usr/bin/env python3
"""Measures the firing-rate function Phi(V) of the Galves-Loecherbach neuron gl_exp.

spikegpu translation of the NESTML GL tutorial's ``measure_numerical_Phi_function``
(docs/models.md §1.3 a): for each of 12 voltages in linspace(-60, -45) one gl_exp
neuron is clamped (tau_m = 1e99, no reset at a spike) and recorded for 25 s at h = 1 ms, without
resetting the kernel in between; the rate n_spikes / 25 s is compared with the theory
Phi(V) = exp((V - V_b) / a) / b.

    python3 examples/python/gl_phi.py [--time 25000] [--voltages 12] [--out build/python-examples]

Writes <out>/gl_phi.png and prints one line per voltage.
"""
import argparse
import os
import sys

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "python"))
import spikegpu  # noqa: E402

ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
ap.add_argument("--time", type=float, default=25000.0, help="ms per voltage (default 25000)")
ap.add_argument("--voltages", type=int, default=12, help="number of voltages in [-60, -45] (default 12)")
ap.add_argument("--seed", type=int, default=None, help="random seed (default: NEST's 143202461)")
ap.add_argument("--out", default="build/python-examples", help="output folder for the figure")
ap.add_argument("--backend", default="auto", choices=["auto", "cpu", "cuda"])
ap.add_argument("--threads", type=int, default=1, help="cpu threads (default 1: a dozen neurons)")
args = ap.parse_args()
os.makedirs(args.out, exist_ok=True)

a, b, V_b = 1.2, 27.0, -51.3


def Phi(V):
    """The theoretical firing rate (Hz) at membrane potential V (mV)."""
    return np.exp((V - V_b) / a) / b


def measure_numerical_Phi_function(neuron_model_name, V_m_range, t_sim=25000.0):
    sim = spikegpu.Simulator(resolution=1.0, seed=args.seed, backend=args.backend,
                             threads=args.threads)
    rates = []
    for V_m in V_m_range:
        neuron = sim.create(neuron_model_name)
        neuron.reset_after_spike = False
        neuron.a = a
        neuron.b = b
        neuron.V_b = V_b
        neuron.tau_m = 1e99      # V_m never moves: the propagator is exactly 1
        neuron.V_m = V_m

        sr = sim.create("spike_recorder")
        sim.connect(neuron, sr)

        assert neuron.V_m == V_m
        sim.simulate(t_sim)
        assert neuron.V_m == V_m

        rate = len(sr.events["times"]) / (t_sim / 1000.0)
        rates.append(rate)
    backend = sim.backend
    sim.close()
    return np.array(rates), backend


V_m_range = np.linspace(-60.0, -45.0, args.voltages)
rates, backend = measure_numerical_Phi_function("gl_exp", V_m_range, t_sim=args.time)

print(f"gl_phi: {len(V_m_range)} voltages x {args.time:g} ms, backend {backend}")
print(f"{'V (mV)':>10} {'Phi theory (Hz)':>16} {'measured (Hz)':>14} {'spikes':>7} {'expected':>9}")
for V, r in zip(V_m_range, rates):
    print(f"{V:10.4f} {Phi(V):16.4e} {r:14.4e} {round(r * args.time / 1000.0):7d} "
          f"{Phi(V) * args.time / 1000.0:9.3f}")

fig, ax = plt.subplots(figsize=(6, 4.5))
V_fine = np.linspace(-60.0, -45.0, 100)
ax.semilogy(V_fine, Phi(V_fine), label="theory")
ok = rates > 0
ax.semilogy(V_m_range[ok], rates[ok], "o", label="measured")
ax.set_xlabel("$V_m$ (mV)")
ax.set_ylabel(r"$\Phi(V_m)$ (Hz)")
ax.set_title(f"gl_exp firing-rate function, {args.time / 1000.0:g} s per voltage")
ax.legend()
ax.grid(True, which="both", alpha=0.3)
fig.tight_layout()
png = os.path.join(args.out, "gl_phi.png")
fig.savefig(png, dpi=100)
print(f"figure: {png}")
