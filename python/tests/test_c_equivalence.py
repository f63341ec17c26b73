"""The Python front end against the C API: struct layouts, and the same network built in C
(python/tests/c_reference.c, compiled here against the loaded libspikegpu.so) and in Python
gives identical connections, spikes and samples, bit for bit."""
import ctypes
import os
import subprocess

import numpy as np
import pytest

import spikegpu
from spikegpu import _capi
from spikegpu import random as rnd

HERE = os.path.dirname(os.path.abspath(__file__))


def test_struct_layout_matches_header(cc, tmp_path):
    exe = cc(os.path.join(HERE, "c_layout.c"), str(tmp_path / "c_layout"))
    out = subprocess.run([exe], capture_output=True, text=True, check=True).stdout.split("\n")
    rename = {"def": "default"}
    n = 0
    for line in filter(None, out):
        parts = line.split()
        cls = getattr(_capi, parts[1])
        if parts[0] == "size":
            assert ctypes.sizeof(cls) == int(parts[2]), line
        else:
            field = getattr(cls, rename.get(parts[2], parts[2]))
            assert field.offset == int(parts[3]), line
        n += 1
    assert n > 50


def python_twin(seed, n, T, threads):
    """The network of c_reference.c, written with the Python front end."""
    with spikegpu.Simulator(resolution=0.1, seed=seed, backend="cpu", threads=threads) as sim:
        nrn = sim.create("gl_exp", n)
        nrn.t_ref = 2.0
        nrn.V_m = -58.0
        nrn.I_e = 100.0 + 10.0 * np.arange(n)
        pg = sim.create("poisson_generator", params={"rate": 3000.0})
        sg = sim.create("spike_generator", params={"spike_times": [5.0, 12.3, 40.0]})
        sr = sim.create("spike_recorder")
        mm = sim.create("multimeter", params={"interval": 0.5, "record_from": ["V_m"]})
        sim.connect(nrn, nrn, {"rule": "fixed_indegree", "indegree": 5, "allow_autapses": False},
                    {"weight": rnd.normal_clipped(mean=0.5, std=0.3, min=-0.2, max=1.5),
                     "delay": rnd.uniform(min=0.5, max=2.5)})
        sim.connect(pg, nrn, syn_spec={"weight": 0.6, "delay": 0.3})
        sim.connect(sg, nrn, {"rule": "pairwise_bernoulli", "p": 0.5},
                    {"weight": rnd.exponential(beta=2.0), "delay": 1.0})
        sim.connect(nrn, sr)
        sim.connect(mm, nrn[0:3])
        sim.simulate(T / 2)
        sim.simulate(T - T / 2)
        return sim.num_connections(), sr.events, mm.events


def c_run(exe, seed, n, T, threads):
    # passive waiting: OpenMP threads that spin at every step's barrier crawl on a busy machine
    env = dict(os.environ, OMP_WAIT_POLICY="passive")
    r = subprocess.run([exe, str(seed), str(n), repr(T), str(threads)], capture_output=True,
                       text=True, env=env)
    assert r.returncode == 0, r.stderr
    nc, S, M = None, [], []
    for line in r.stdout.splitlines():
        f = line.split()
        if f[0] == "C":
            nc = int(f[1])
        elif f[0] == "S":
            S.append((float(f[1]), int(f[2])))
        elif f[0] == "M":
            M.append((float(f[1]), int(f[2]), float(f[3])))
    return nc, S, M


@pytest.mark.parametrize("seed, n, T, c_threads, py_threads",
                         [(1, 40, 200.0, 1, 1), (777, 25, 120.0, 2, 1)])
def test_python_and_c_give_identical_results(cc, tmp_path, seed, n, T, c_threads, py_threads):
    """Also across thread counts: the result does not depend on them."""
    exe = cc(os.path.join(HERE, "c_reference.c"), str(tmp_path / "c_reference"))
    nc, S, M = c_run(exe, seed, n, T, c_threads)
    pnc, spikes, samples = python_twin(seed, n, T, py_threads)
    assert len(S) > 20, "the network should spike"
    assert pnc == nc
    assert list(zip(spikes["times"].tolist(), spikes["senders"].tolist())) == S
    assert list(zip(samples["times"].tolist(), samples["senders"].tolist(),
                    samples["V_m"].tolist())) == M
    # %.17g round-trips doubles exactly, so equality above is bit equality


def test_other_seed_differs(cc, tmp_path):
    exe = cc(os.path.join(HERE, "c_reference.c"), str(tmp_path / "c_reference"))
    _, S1, _ = c_run(exe, 1, 30, 100.0, 1)
    _, S2, _ = c_run(exe, 2, 30, 100.0, 1)
    assert S1 != S2
