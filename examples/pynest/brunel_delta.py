"""Brunel's (2000) random network of excitatory and inhibitory integrate-and-fire neurons with
delta synapses, written for PyNEST in the structure of NEST's example
``pynest/examples/brunel_delta_nest.py`` (our own code, at a fifth of its size: order 500, so
2,500 neurons and 0.6 million synapses). It runs under NEST 3.10 with ``import nest`` instead of
the first import line below; tests/data/pynest_brunel_delta.csv holds NEST's figures for it.

Each neuron receives CE = 200 excitatory and CI = 50 inhibitory inputs (fixed in-degree, delay
1.5 ms, J = 0.1 mV, g = 5) and independent Poisson input at eta = 2 times the threshold rate.
Spikes of 50 neurons of each population are recorded (also to NEST's ASCII files).

    PYTHONPATH=python python3 examples/pynest/brunel_delta.py
"""
import spikegpu.nest as nest
import time
import matplotlib.pyplot as plt

nest.ResetKernel()
startbuild = time.time()

dt = 0.1           # resolution (ms)
simtime = 1000.0   # simulated time (ms)
delay = 1.5        # synaptic delay (ms)
g = 5.0            # inhibitory weight relative to excitatory
eta = 2.0          # external rate relative to the threshold rate
epsilon = 0.1      # connection probability

order = 500
NE = 4 * order     # excitatory neurons
NI = 1 * order     # inhibitory neurons
N_neurons = NE + NI
N_rec = 50         # neurons recorded per population

CE = int(epsilon * NE)   # excitatory inputs per neuron
CI = int(epsilon * NI)   # inhibitory inputs per neuron
C_tot = CE + CI

tauMem = 20.0      # membrane time constant (ms)
theta = 20.0       # threshold (mV)
J = 0.1            # PSP amplitude (mV)
J_ex = J
J_in = -g * J_ex

nu_th = theta / (J * CE * tauMem)   # external rate that reaches threshold on average (1/ms)
nu_ex = eta * nu_th
p_rate = 1000.0 * nu_ex * CE        # Hz, one Poisson source standing for CE external neurons

nest.resolution = dt
nest.print_time = True
nest.overwrite_files = True

print("Building network")
neuron_params = {"C_m": 1.0, "tau_m": tauMem, "t_ref": 2.0, "E_L": 0.0, "V_reset": 0.0,
                 "V_m": 0.0, "V_th": theta}
nodes_ex = nest.Create("iaf_psc_delta", NE, params=neuron_params)
nodes_in = nest.Create("iaf_psc_delta", NI, params=neuron_params)
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
conn_params_ex = {"rule": "fixed_indegree", "indegree": CE}
nest.Connect(nodes_ex, nodes_ex + nodes_in, conn_params_ex, "excitatory")
conn_params_in = {"rule": "fixed_indegree", "indegree": CI}
nest.Connect(nodes_in, nodes_ex + nodes_in, conn_params_in, "inhibitory")
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
