"""The five GLIF levels of glif_cond under spike, current-step and Poisson input, written for
PyNEST: the same network as NEST's example ``pynest/examples/glif_cond_neuron.py`` (our own
code). It runs under NEST 3.10 with ``import nest`` instead of the first import line below.

One glif_cond neuron per level (lif, lif_r, lif_asc, lif_r_asc, lif_r_asc_a); excitatory and
inhibitory spike generators on receptors 1 and 2; a 400 pA current step from 200 to 500 ms;
15 kHz Poisson input through a parrot neuron from 600 to 900 ms; a multimeter (8 variables every
0.05 ms) and a spike recorder; h = 0.05 ms, 1000 ms. Everything before 600 ms is deterministic
and equals NEST's numbers bit for bit (python/tests/test_pynest.py).

    PYTHONPATH=python python3 examples/pynest/glif_cond_neuron.py
"""
import spikegpu.nest as nest
import matplotlib.pyplot as plt
import matplotlib.gridspec as gridspec

nest.ResetKernel()
resolution = 0.05
nest.resolution = resolution

# (spike_dependent_threshold, after_spike_currents, adapting_threshold) of the five levels
levels = {
    "lif": (False, False, False),
    "lif_r": (True, False, False),
    "lif_asc": (False, True, False),
    "lif_r_asc": (True, True, False),
    "lif_r_asc_a": (True, True, True),
}
cells = {}
for level, (r, asc, a) in levels.items():
    cells[level] = nest.Create("glif_cond", params={"spike_dependent_threshold": r,
                                                    "after_spike_currents": asc,
                                                    "adapting_threshold": a})

excitatory = nest.Create("spike_generator", params={"spike_times": [10.0, 100.0, 150.0],
                                                    "spike_weights": [20.0, 20.0, 20.0]})
inhibitory = nest.Create("spike_generator", params={"spike_times": [15.0, 99.0, 150.0],
                                                    "spike_weights": [-20.0, -20.0, -20.0]})
step = nest.Create("step_current_generator", params={"amplitude_values": [400.0],
                                                     "amplitude_times": [200.0],
                                                     "start": 200.0, "stop": 500.0})
poisson = nest.Create("poisson_generator", params={"rate": 15000.0, "start": 600.0, "stop": 900.0})
parrot = nest.Create("parrot_neuron")

variables = ["V_m", "I", "g_1", "g_2", "threshold", "threshold_spike", "threshold_voltage",
             "ASCurrents_sum"]
mm = nest.Create("multimeter", params={"interval": resolution, "record_from": variables})
sr = nest.Create("spike_recorder")

# the five neurons were created one after the other: one collection holds them all
neurons = cells["lif"] + cells["lif_r"] + cells["lif_asc"] + cells["lif_r_asc"] + cells["lif_r_asc_a"]

# receptor 1: E_rev 0 mV, tau_syn 0.2 ms; receptor 2: E_rev -85 mV, tau_syn 2 ms
nest.Connect(excitatory, neurons, syn_spec={"delay": resolution, "receptor_type": 1})
nest.Connect(inhibitory, neurons, syn_spec={"delay": resolution, "receptor_type": 2})
nest.Connect(step, neurons, syn_spec={"delay": resolution})
nest.Connect(poisson, parrot, syn_spec={"delay": resolution})
nest.Connect(parrot, neurons, syn_spec={"delay": resolution, "receptor_type": 1})
nest.Connect(mm, neurons)
nest.Connect(neurons, sr)

nest.Simulate(1000.0)

data = mm.events
spikes = sr.events
for i, level in enumerate(levels):
    node_id = neurons[i].global_id
    mine = data["senders"] == node_id
    t = data["times"][mine]
    spike_times = spikes["times"][spikes["senders"] == node_id]
    print(f"{level:12s} node {node_id}: {len(spike_times):3d} spikes, {mine.sum()} samples")

    fig = plt.figure(level, figsize=(8, 9))
    rows = gridspec.GridSpec(4, 1, height_ratios=[2, 1, 1, 1])
    ax = fig.add_subplot(rows[0])
    ax.plot(t, data["V_m"][mine], "b", label="V_m")
    ax.plot(t, data["threshold"][mine], "b--", label="threshold")
    ax.plot(spike_times, [data["threshold"][mine].max() * 0.95] * len(spike_times), "b.", label="spike")
    ax.set_ylabel("V (mV)")
    ax.set_title(f"glif_cond {level}")
    ax.legend()
    ax2 = fig.add_subplot(rows[1], sharex=ax)
    ax2.plot(t, data["threshold_spike"][mine], "b", label="threshold_spike")
    ax2.plot(t, data["threshold_voltage"][mine], "b--", label="threshold_voltage")
    ax2.set_ylabel("V (mV)")
    ax2.legend()
    ax3 = fig.add_subplot(rows[2], sharex=ax)
    ax3.plot(t, data["I"][mine], "--", label="I")
    ax3.plot(t, data["ASCurrents_sum"][mine], "-.", label="ASCurrents_sum")
    ax3.set_ylabel("I (pA)")
    ax3.legend()
    ax4 = fig.add_subplot(rows[3], sharex=ax)
    ax4.plot(t, data["g_1"][mine], "-", label="g_1")
    ax4.plot(t, data["g_2"][mine], ":", label="g_2")
    ax4.set_ylabel("G (nS)")
    ax4.set_xlabel("time (ms)")
    ax4.legend()

plt.show()
