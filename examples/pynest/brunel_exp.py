"""Brunel's (2000) random network with current-based synapses of exponential time course
(iaf_psc_exp), written for PyNEST in the structure of NEST's example
``pynest/examples/brunel_alpha_nest.py`` (our own code, with exponential instead of alpha
currents, at a fifth of its size: order 500). It runs under NEST 3.10 with ``import nest``
instead of the first import line below; tests/data/pynest_brunel_exp.csv holds NEST's figures.

The synaptic current J_ex (pA) is chosen so that one excitatory spike moves the membrane by at
most J = 0.1 mV; the external Poisson rate is eta = 2 times the rate that brings the mean
membrane potential to threshold.

    PYTHONPATH=python python3 examples/pynest/brunel_exp.py
"""
import spikegpu.nest as nest
import math
import time
import matplotlib.pyplot as plt


def psp_peak(tau_m, tau_syn, C_m):
    """Peak (mV) of the membrane's response to a current of 1 pA decaying with tau_syn."""
    t_max = tau_m * tau_syn / (tau_m - tau_syn) * math.log(tau_m / tau_syn)
    return tau_m * tau_syn / (C_m * (tau_m - tau_syn)) * (math.exp(-t_max / tau_m) - math.exp(-t_max / tau_syn))


nest.ResetKernel()
startbuild = time.time()

dt = 0.1
simtime = 1000.0
delay = 1.5
g = 5.0
eta = 2.0
epsilon = 0.1

order = 500
NE = 4 * order
NI = 1 * order
N_neurons = NE + NI
N_rec = 50

CE = int(epsilon * NE)
CI = int(epsilon * NI)
C_tot = CE + CI

tauSyn = 0.5       # synaptic time constant (ms)
CMem = 250.0       # membrane capacitance (pF)
tauMem = 20.0
theta = 20.0
J = 0.1            # largest PSP (mV)

J_ex = J / psp_peak(tauMem, tauSyn, CMem)   # pA
J_in = -g * J_ex

# mean membrane potential from rate nu per input: CE * nu * J_ex * tauSyn * tauMem / CMem
nu_th = theta * CMem / (J_ex * CE * tauSyn * tauMem)
nu_ex = eta * nu_th
p_rate = 1000.0 * nu_ex * CE

nest.resolution = dt
nest.print_time = True
nest.overwrite_files = True

print("Building network")
neuron_params = {"C_m": CMem, "tau_m": tauMem, "tau_syn_ex": tauSyn, "tau_syn_in": tauSyn,
                 "t_ref": 2.0, "E_L": 0.0, "V_reset": 0.0, "V_m": 0.0, "V_th": theta}
nest.SetDefaults("iaf_psc_exp", neuron_params)
nodes_ex = nest.Create("iaf_psc_exp", NE)
nodes_in = nest.Create("iaf_psc_exp", NI)
noise = nest.Create("poisson_generator", params={"rate": p_rate})
espikes = nest.Create("spike_recorder")
ispikes = nest.Create("spike_recorder")
espikes.set(label="brunel-py-ex", record_to="ascii")
ispikes.set(label="brunel-py-in", record_to="ascii")

print("Connecting devices")
nest.CopyModel("static_synapse", "excitatory", {"weight": J_ex, "delay": delay})
nest.CopyModel("static_synapse", "inhibitory", {"weight": J_in, "delay": delay})
nest.Connect(noise, nodes_ex, syn_spec="excitatory")
nest.Connect(noise, nodes_in, syn_spec="excitatory")
nest.Connect(nodes_ex[:N_rec], espikes, syn_spec="excitatory")
nest.Connect(nodes_in[:N_rec], ispikes, syn_spec="excitatory")

print("Connecting network")
nest.Connect(nodes_ex, nodes_ex + nodes_in, {"rule": "fixed_indegree", "indegree": CE}, "excitatory")
nest.Connect(nodes_in, nodes_ex + nodes_in, {"rule": "fixed_indegree", "indegree": CI}, "inhibitory")
endbuild = time.time()

print("Simulating")
nest.Simulate(simtime)
endsimulate = time.time()

events_ex = espikes.n_events
events_in = ispikes.n_events
rate_ex = events_ex / simtime * 1000.0 / N_rec
rate_in = events_in / simtime * 1000.0 / N_rec

num_synapses_ex = nest.GetDefaults("excitatory")["num_connections"]
num_synapses_in = nest.GetDefaults("inhibitory")["num_connections"]
num_synapses = num_synapses_ex + num_synapses_in

build_time = endbuild - startbuild
sim_time = endsimulate - endbuild

print("Brunel network simulation (Python)")
print(f"Number of neurons : {N_neurons}")
print(f"Number of synapses: {num_synapses}")
print(f"       Excitatory : {num_synapses_ex}")
print(f"       Inhibitory : {num_synapses_in}")
print(f"Excitatory rate   : {rate_ex:.2f} Hz")
print(f"Inhibitory rate   : {rate_in:.2f} Hz")
print(f"Building time     : {build_time:.2f} s")
print(f"Simulation time   : {sim_time:.2f} s")

nest.raster_plot.from_device(espikes, hist=True)
plt.show()
