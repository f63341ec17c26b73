"""tests/mpi/py_ranks.py - the Python front end under mpirun (docs/mpi.md): one script, run as a
plain process and under mpirun -np N by tests/mpi/run.sh, prints one line per rank with a hash of
the recorded spikes, the multimeter samples and the final V_m; every line must equal the plain
run's (rank numbers aside)."""
import hashlib
import sys

import numpy as np

import spikegpu

with spikegpu.Simulator(seed=11, backend="cpu", threads=1, verbose=False) as sim:
    e = sim.create("iaf_psc_exp", 90, {"I_e": 350.0})
    i = sim.create("iaf_psc_alpha", 31)
    pg = sim.create("poisson_generator", params={"rate": 6000.0})
    sim.connect(pg, e, syn_spec={"weight": 15.0})
    sim.connect(e, i, {"rule": "fixed_indegree", "indegree": 12},
                {"weight": spikegpu.random.uniform(20.0, 50.0), "delay": 1.5})
    sim.connect(i, e, {"rule": "fixed_outdegree", "outdegree": 20},
                {"weight": -60.0, "delay": spikegpu.random.uniform(0.5, 2.0)})
    sr = sim.create("spike_recorder")
    mm = sim.create("multimeter", params={"record_from": ["V_m"], "interval": 1.0})
    sim.connect(e + i, sr)
    sim.connect(mm, i)
    sim.simulate(30.0)
    ev, smp = sr.events, mm.events
    vm = np.asarray(e.get("V_m"), dtype=np.float64)
    h = hashlib.sha256()
    for a in (ev["times"], ev["senders"], smp["times"], smp["senders"], smp["V_m"], vm):
        h.update(np.ascontiguousarray(a).tobytes())
    m = sim.mpi()
    # one write per line: mpirun forwards each rank's writes as they come
    sys.stdout.write(f"rank {m['rank']}/{m['ranks']} python spikes {len(ev['times'])} hash {h.hexdigest()[:16]}\n")
    sys.stdout.flush()
