"""Spike-time reliability of Galves-Loecherbach neurons under constant and under frozen Poisson
input, as in the NESTML GL tutorial's ``evaluate_neuron`` experiment (our own code, PyNEST
style). With NEST, change the first import line to ``import nest`` and load a NESTML build of
the model (NEST 3.10 itself has no GL neuron).

50 gl_exp neurons, one per trial, start from one common V_m and get either a constant current
(I_e = 550 pA) or one frozen 2 kHz Poisson train through a parrot neuron (+1 mV per spike,
delay 1 ms). Constant input: the stochastic trials drift apart and the PSTH is flat; frozen
input: they fire at reproducible times and the PSTH has sharp peaks.

    PYTHONPATH=python python3 examples/pynest/gl_reliability.py
"""
import spikegpu.nest as nest
import numpy as np
import matplotlib.pyplot as plt

neuron_model = "gl_exp"
n_trials = 50
neuron_params = {"tau_m": 10.0, "t_ref": 2.0, "C_m": 250.0, "V_r": -65.0, "V_reset": -65.0,
                 "a": 1.2, "b": 27.0, "V_b": -51.3}
V_m_init = np.random.default_rng(1000).uniform(-65.0, -50.0)   # one start for all trials


def evaluate_neuron(neuron_name, neuron_parms=None, stimulus_type="constant", mu=550.0, t_sim=500.0):
    nest.ResetKernel()
    nest.resolution = 0.1
    nest.rng_seed = 1000

    neuron = nest.Create(neuron_name, n_trials)
    if neuron_parms:
        for key, value in neuron_parms.items():
            nest.SetStatus(neuron, key, value)
    neuron.V_m = V_m_init

    multimeter = nest.Create("multimeter")
    multimeter.set({"record_from": ["V_m"], "interval": 0.1})
    sr = nest.Create("spike_recorder")

    if stimulus_type == "constant":
        nest.SetStatus(neuron, "I_e", mu)
    else:
        pg = nest.Create("poisson_generator", params={"rate": 2000.0})
        parrot = nest.Create("parrot_neuron")
        nest.Connect(pg, parrot)
        nest.Connect(parrot, neuron)          # every trial receives the same spikes

    nest.Connect(multimeter, neuron)
    nest.Connect(neuron, sr)
    nest.Simulate(t_sim)

    dmm = nest.GetStatus(multimeter)[0]
    voltages = dmm["events"]["V_m"]
    tv = dmm["events"]["times"]
    dsd = nest.GetStatus(sr, keys="events")[0]
    return {"times": dsd["times"], "senders": dsd["senders"], "tv": tv, "V_m": voltages,
            "vm_senders": dmm["events"]["senders"], "first": neuron[0].global_id}


t_sim = 500.0
bins = np.arange(0.0, t_sim + 1e-9, 5.0)
results = {}
fig, axes = plt.subplots(3, 2, sharex=True)
for col, stimulus in enumerate(["constant", "poisson"]):
    res = evaluate_neuron(neuron_model, neuron_params, stimulus, t_sim=t_sim)
    results[stimulus] = res
    counts, _ = np.histogram(res["times"], bins)
    rate = counts / n_trials / 5e-3
    late = bins[:-1] >= 100.0
    print(f"{stimulus:9s}: {len(res['times'])} spikes, mean rate {rate[late].mean():.1f} Hz, "
          f"PSTH peak/mean {rate[late].max() / rate[late].mean():.2f}")
    for trial in range(3):
        mine = res["vm_senders"] == res["first"] + trial
        axes[0, col].plot(res["tv"][mine], res["V_m"][mine], lw=0.7)
    axes[1, col].plot(res["times"], res["senders"] - res["first"], "k.", ms=2)
    axes[2, col].bar(bins[:-1], rate, width=5.0, align="edge")
    axes[0, col].set_title(f"{stimulus} input")
axes[2, 0].set_xlabel("time (ms)")
plt.show()
