"""The firing-rate function Phi(V) of the Galves-Loecherbach neuron, measured as in the NESTML GL
tutorial's ``measure_numerical_Phi_function`` (our own code, PyNEST style). With NEST, change the
first import line to ``import nest`` and load a NESTML build of the model (NEST 3.10 itself has
no GL neuron).

For 12 voltages in [-60, -45] mV one gl_exp neuron is clamped there (tau_m = 1e99, so its
propagator is exactly 1, and no reset at a spike) and its spikes are counted for 25 s at
h = 1 ms, all in one kernel; count / 25 s estimates Phi(V) = exp((V - V_b) / a) / b.

    PYTHONPATH=python python3 examples/pynest/gl_phi.py
"""
import spikegpu.nest as nest
import numpy as np
import matplotlib.pyplot as plt

neuron_model = "gl_exp"
a, b, V_b = 1.2, 27.0, -51.3


def Phi(V):
    """The model's firing rate (Hz) at membrane potential V (mV)."""
    return np.exp((V - V_b) / a) / b


def measure_numerical_Phi_function(neuron_model_name, V_m_range, t_sim=25000.0):
    nest.ResetKernel()
    nest.resolution = 1.0
    rates = []
    for V_m in V_m_range:
        neuron = nest.Create(neuron_model_name)
        neuron.reset_after_spike = False
        neuron.a = a
        neuron.b = b
        neuron.V_b = V_b
        neuron.tau_m = 1e99
        neuron.V_m = V_m

        sr = nest.Create("spike_recorder")
        nest.Connect(neuron, sr)

        nest.Simulate(t_sim)
        assert neuron.V_m == V_m          # clamped: the membrane never moved

        spike_times.append(sr.events["times"])
        rates.append(len(sr.events["times"]) / (t_sim / 1000.0))
    return np.array(rates)


spike_times = []
V_m_range = np.linspace(-60.0, -45.0, 12)
t_sim = 25000.0
rates = measure_numerical_Phi_function(neuron_model, V_m_range, t_sim)

print(f"{'V_m (mV)':>10} {'Phi (Hz)':>12} {'measured (Hz)':>14}")
for V, r in zip(V_m_range, rates):
    print(f"{V:10.3f} {Phi(V):12.4e} {r:14.4e}")

fig, ax = plt.subplots()
V_fine = np.linspace(V_m_range[0], V_m_range[-1], 100)
ax.semilogy(V_fine, Phi(V_fine), label="theory")
ax.semilogy(V_m_range[rates > 0], rates[rates > 0], "o", label="measured")
ax.set_xlabel("$V_m$ (mV)")
ax.set_ylabel(r"$\Phi(V_m)$ (Hz)")
ax.legend()
plt.show()
