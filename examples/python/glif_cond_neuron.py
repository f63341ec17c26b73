#!/usr/bin/env python3
"""The five GLIF levels of glif_cond driven by spikes, a current step and Poisson input.

spikegpu translation of NEST's example ``pynest/examples/glif_cond_neuron.py`` (same network,
same parameters, see docs/models.md §2.11): one glif_cond neuron per level (lif, lif_r,
lif_asc, lif_r_asc, lif_r_asc_a), excitatory and inhibitory spike generators on receptors 1 and
2, a 400 pA current step from 200 to 500 ms, 15 kHz Poisson input through a parrot neuron from
600 to 900 ms, a multimeter and a spike recorder; h = 0.05 ms, 1000 ms.

    python3 examples/python/glif_cond_neuron.py [--time 1000] [--out build/python-examples]

Writes one figure per level, <out>/glif_cond_<level>.png (membrane potential with threshold and
spikes; threshold components; currents; conductances), and prints the spike counts.
"""
import argparse
import os
import sys

import matplotlib
matplotlib.use("Agg")
import matplotlib.gridspec as gridspec  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "python"))
import spikegpu  # noqa: E402

ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
ap.add_argument("--time", type=float, default=1000.0, help="simulated time in ms (default 1000)")
ap.add_argument("--out", default="build/python-examples", help="output folder for the figures")
ap.add_argument("--backend", default="auto", choices=["auto", "cpu", "cuda"])
ap.add_argument("--threads", type=int, default=1, help="cpu threads (default 1: 5 neurons)")
args = ap.parse_args()
os.makedirs(args.out, exist_ok=True)

if "glif_cond" not in spikegpu.models():
    sys.exit("this libspikegpu has no glif_cond model yet")

resolution = 0.05
sim = spikegpu.Simulator(resolution=resolution, backend=args.backend, threads=args.threads)

# the five levels: (spike_dependent_threshold, after_spike_currents, adapting_threshold)
n_lif = sim.create("glif_cond", params={"spike_dependent_threshold": False,
                                        "after_spike_currents": False,
                                        "adapting_threshold": False})
n_lif_r = sim.create("glif_cond", params={"spike_dependent_threshold": True,
                                          "after_spike_currents": False,
                                          "adapting_threshold": False})
n_lif_asc = sim.create("glif_cond", params={"spike_dependent_threshold": False,
                                            "after_spike_currents": True,
                                            "adapting_threshold": False})
n_lif_r_asc = sim.create("glif_cond", params={"spike_dependent_threshold": True,
                                              "after_spike_currents": True,
                                              "adapting_threshold": False})
n_lif_r_asc_a = sim.create("glif_cond", params={"spike_dependent_threshold": True,
                                                "after_spike_currents": True,
                                                "adapting_threshold": True})

# stimulation: excitatory and inhibitory spikes, a current step, Poisson input through a parrot
espikes = sim.create("spike_generator", params={"spike_times": [10.0, 100.0, 150.0],
                                                "spike_weights": [20.0] * 3})
ispikes = sim.create("spike_generator", params={"spike_times": [15.0, 99.0, 150.0],
                                                "spike_weights": [-20.0] * 3})
cg = sim.create("step_current_generator", params={"amplitude_values": [400.0],
                                                  "amplitude_times": [200.0],
                                                  "start": 200.0, "stop": 500.0})
pg = sim.create("poisson_generator", params={"rate": 15000.0, "start": 600.0, "stop": 900.0})
pn = sim.create("parrot_neuron")

# recording
mm = sim.create("multimeter", params={"interval": resolution,
                                      "record_from": ["V_m", "I", "g_1", "g_2",
                                                      "threshold", "threshold_spike",
                                                      "threshold_voltage", "ASCurrents_sum"]})
sr = sim.create("spike_recorder")

# the neurons are created one after another, so their ids form one contiguous collection
neurons = n_lif + n_lif_r + n_lif_asc + n_lif_r_asc + n_lif_r_asc_a

# receptor 1: excitatory (E_rev 0 mV, tau 0.2 ms); receptor 2: inhibitory (E_rev -85 mV, tau 2 ms)
sim.connect(espikes, neurons, syn_spec={"delay": resolution, "receptor_type": 1})
sim.connect(ispikes, neurons, syn_spec={"delay": resolution, "receptor_type": 2})
sim.connect(cg, neurons, syn_spec={"delay": resolution})
sim.connect(pg, pn, syn_spec={"delay": resolution})
sim.connect(pn, neurons, syn_spec={"delay": resolution, "receptor_type": 1})
sim.connect(mm, neurons)
sim.connect(neurons, sr)

sim.simulate(args.time)

data = mm.events
senders = data["senders"]
spike_data = sr.events
spike_senders = spike_data["senders"]
spikes = spike_data["times"]

glif_models = ["lif", "lif_r", "lif_asc", "lif_r_asc", "lif_r_asc_a"]
for i, glif_model in enumerate(glif_models):
    node_id = neurons[i].global_id
    sel = senders == node_id
    t = data["times"][senders == neurons[0].global_id]
    fig = plt.figure(glif_model, figsize=(8, 9))
    gs = gridspec.GridSpec(4, 1, height_ratios=[2, 1, 1, 1])

    ax1 = fig.add_subplot(gs[0])
    ax1.plot(t, data["V_m"][sel], "b")
    ax1.plot(t, data["threshold"][sel], "b--")
    spike_times = spikes[spike_senders == node_id]
    top = max(data["threshold"][sel]) * 0.95 if sel.any() else 0.0
    ax1.plot(spike_times, [top] * len(spike_times), "b.")
    ax1.legend(["V_m", "threshold", "spike"])
    ax1.set_ylabel("V (mV)")
    ax1.set_title(f"glif_cond {glif_model}: {len(spike_times)} spikes")

    ax2 = fig.add_subplot(gs[1], sharex=ax1)
    ax2.plot(t, data["threshold_spike"][sel], "b")
    ax2.plot(t, data["threshold_voltage"][sel], "b--")
    ax2.legend(["threshold_spike", "threshold_voltage"])
    ax2.set_ylabel("V (mV)")

    ax3 = fig.add_subplot(gs[2], sharex=ax1)
    ax3.plot(t, data["I"][sel], "--")
    ax3.plot(t, data["ASCurrents_sum"][sel], "-.")
    ax3.legend(["I_e", "ASCurrents_sum"])
    ax3.set_ylabel("I (pA)")

    ax4 = fig.add_subplot(gs[3], sharex=ax1)
    ax4.plot(t, data["g_1"][sel], "-")
    ax4.plot(t, data["g_2"][sel], ":")
    ax4.legend(["G_1", "G_2"])
    ax4.set_ylabel("G (nS)")
    ax4.set_xlabel("time (ms)")

    fig.tight_layout()
    png = os.path.join(args.out, f"glif_cond_{glif_model}.png")
    fig.savefig(png, dpi=90)
    plt.close(fig)
    print(f"{glif_model:12s} spikes={len(spike_times):4d} samples={int(sel.sum())} figure: {png}")

print(f"backend {sim.backend} ({sim.backend_reason}), simulated {sim.time:g} ms")
sim.close()
