#!/usr/bin/env python3
"""Spike-time reliability of Galves-Loecherbach neurons: constant vs frozen Poisson input.

spikegpu translation of the NESTML GL tutorial's ``evaluate_neuron`` experiment
(docs/models.md §1.3 b): 50 gl_exp neurons, one per "trial", start from one common
V_m and receive either a constant current (I_e = 550 pA) or the same ("frozen") 2 kHz Poisson
spike train through a parrot neuron (+1 mV per spike). With constant input the stochastic
neurons drift apart and the PSTH is flat; the frozen train makes them fire at reproducible times,
so the PSTH shows sharp peaks.

    python3 examples/python/gl_reliability.py [--trials 50] [--time 500] [--out build/python-examples]

Writes <out>/gl_reliability.png (V_m of a few trials, raster and PSTH of both runs) and prints
the mean rate and the PSTH peak-to-mean ratio of each run.
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
ap.add_argument("--trials", type=int, default=50, help="neurons = trials (default 50)")
ap.add_argument("--time", type=float, default=500.0, help="simulated time in ms (default 500, >= 150)")
ap.add_argument("--seed", type=int, default=1000, help="simulation seed and initial V_m draw (default 1000)")
ap.add_argument("--out", default="build/python-examples", help="output folder for the figure")
ap.add_argument("--backend", default="auto", choices=["auto", "cpu", "cuda"])
ap.add_argument("--threads", type=int, default=1, help="cpu threads (default 1: a tiny network)")
args = ap.parse_args()
if args.time < 150.0:
    sys.exit("--time must be >= 150 ms (the analysis starts at 100 ms)")
os.makedirs(args.out, exist_ok=True)

params = {"tau_m": 10.0, "t_ref": 2.0, "C_m": 250.0, "V_r": -65.0, "V_reset": -65.0,
          "a": 1.2, "b": 27.0, "V_b": -51.3}
# the tutorial draws the common initial V_m from NumPy's unseeded global generator; seeded here
V_m_init = np.random.default_rng(args.seed).uniform(-65.0, -50.0)


def evaluate_neuron(neuron_name, neuron_params, stimulus_type="constant", t_sim=500.0):
    """One run: returns (spike events, multimeter events, backend)."""
    with spikegpu.Simulator(resolution=0.1, seed=args.seed, backend=args.backend,
                            threads=args.threads) as sim:
        neurons = sim.create(neuron_name, args.trials)
        neurons.set(neuron_params)
        neurons.V_m = V_m_init

        multimeter = sim.create("multimeter")
        multimeter.set({"record_from": ["V_m"], "interval": 0.1})
        sr = sim.create("spike_recorder")

        if stimulus_type == "constant":
            neurons.I_e = 550.0
        else:
            pg = sim.create("poisson_generator", params={"rate": 2000.0})
            parrot = sim.create("parrot_neuron")
            sim.connect(pg, parrot)
            sim.connect(parrot, neurons)   # every trial gets the same spike train

        sim.connect(multimeter, neurons)
        sim.connect(neurons, sr)
        sim.simulate(t_sim)
        return sr.events, multimeter.events, neurons.first, sim.backend


bins = np.arange(0.0, args.time + 1e-9, 5.0)
fig, axes = plt.subplots(3, 2, figsize=(11, 8), sharex=True,
                         gridspec_kw={"height_ratios": [1, 2, 1]})
for col, stimulus in enumerate(["constant", "frozen Poisson"]):
    spikes, vm, first, backend = evaluate_neuron("gl_exp", params,
                                                 "constant" if col == 0 else "poisson", args.time)
    times, senders = spikes["times"], spikes["senders"]
    counts, _ = np.histogram(times, bins)
    rate = counts / args.trials / 0.005
    late = bins[:-1] >= 100.0
    mean_rate = rate[late].mean()
    ptm = rate[late].max() / mean_rate if mean_rate > 0 else float("nan")
    print(f"{stimulus:15s} backend {backend}: {len(times)} spikes, mean rate {mean_rate:.1f} Hz, "
          f"PSTH peak/mean {ptm:.2f}")

    ax = axes[0, col]
    for trial in range(min(3, args.trials)):
        sel = vm["senders"] == first + trial
        ax.plot(vm["times"][sel], vm["V_m"][sel], lw=0.7)
    ax.set_ylabel("V_m (mV)")
    ax.set_title(f"{stimulus} input (V_m(0) = {V_m_init:.2f} mV)")

    ax = axes[1, col]
    ax.plot(times, senders - first, "k.", ms=2)
    ax.set_ylabel("trial")

    ax = axes[2, col]
    ax.bar(bins[:-1], rate, width=5.0, align="edge", color="tab:blue")
    ax.set_ylabel("rate (Hz)")
    ax.set_xlabel("time (ms)")
    ax.set_xlim(100.0, args.time)

fig.tight_layout()
png = os.path.join(args.out, "gl_reliability.png")
fig.savefig(png, dpi=90)
print(f"figure: {png}")
