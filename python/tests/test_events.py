"""Recorders: events layout, dtypes, order, equality with the raw C API, determinism."""
import ctypes

import numpy as np
import pytest

import spikegpu
from spikegpu import _capi


def network(sim, n=20):
    nrn = sim.create("gl_exp", n, {"I_e": np.linspace(400.0, 700.0, n), "V_m": -58.0})
    pg = sim.create("poisson_generator", params={"rate": 2000.0})
    sr = sim.create("spike_recorder")
    mm = sim.create("multimeter", params={"interval": 0.5, "record_from": ["V_m", "I_stim"]})
    sim.connect(pg, nrn, syn_spec={"weight": 0.5})
    sim.connect(nrn, nrn, {"rule": "fixed_indegree", "indegree": 3}, {"weight": -0.3, "delay": 1.5})
    sim.connect(nrn, sr)
    sim.connect(mm, nrn[0:5])
    return nrn, sr, mm


def test_spike_events_layout_and_order(sim):
    nrn, sr, mm = network(sim)
    sim.simulate(100.0)
    ev = sr.events
    assert set(ev) == {"senders", "times"}
    assert ev["senders"].dtype == np.uint64 and ev["times"].dtype == np.float64
    assert ev["senders"].shape == ev["times"].shape and ev["times"].ndim == 1
    assert ev["times"].size > 50
    order = np.lexsort((ev["senders"], ev["times"]))
    np.testing.assert_array_equal(order, np.arange(ev["times"].size))
    assert np.all(np.isin(ev["senders"], nrn.ids))
    assert ev["times"].min() > 0 and ev["times"].max() <= 100.0
    assert sr.n_events == ev["times"].size
    assert sr.get("events")["times"].size == ev["times"].size
    assert sim.stats()["spikes"] == ev["times"].size


def test_multimeter_events_layout(sim):
    nrn, sr, mm = network(sim)
    sim.simulate(20.0)
    ev = mm.events
    assert set(ev) == {"senders", "times", "V_m", "I_stim"}
    assert ev["V_m"].dtype == np.float64 and ev["senders"].dtype == np.uint64
    assert ev["V_m"].shape == ev["times"].shape == (40 * 5,)
    np.testing.assert_array_equal(np.unique(ev["times"]), np.arange(1, 41) * 0.5)
    np.testing.assert_array_equal(ev["senders"][:5], nrn.ids[:5])
    order = np.lexsort((ev["senders"], ev["times"]))
    np.testing.assert_array_equal(order, np.arange(ev["times"].size))
    assert mm.n_events == 200


def test_multimeter_without_record_from(sim):
    n = sim.create("gl_exp")
    mm = sim.create("multimeter")
    sim.connect(mm, n)
    sim.simulate(5.0)
    ev = mm.events
    assert set(ev) == {"senders", "times"} and ev["times"].size == 0
    assert mm.n_events == 0


def test_events_of_several_recorders(sim):
    n = sim.create("gl_exp", 3, {"I_e": 700.0})
    srs = sim.create("spike_recorder", 2)
    sim.connect(n[0], srs[0])
    sim.connect(n[1:3], srs[1])
    sim.simulate(50.0)
    evs = srs.events
    assert isinstance(evs, list) and len(evs) == 2
    assert set(evs[0]["senders"].tolist()) <= {1}
    assert set(evs[1]["senders"].tolist()) <= {2, 3}
    np.testing.assert_array_equal(srs.n_events, [e["times"].size for e in evs])


def test_events_of_non_recorder(sim):
    n = sim.create("gl_exp")
    with pytest.raises(spikegpu.ArgumentError, match="gl_exp"):
        n.events


def raw_spikes(sim, gid):
    L = _capi.lib()
    n = ctypes.c_size_t()
    assert L.sg_spikes(sim._handle, gid, None, None, 0, ctypes.byref(n)) == 0
    t = (ctypes.c_double * n.value)()
    s = (ctypes.c_uint64 * n.value)()
    assert L.sg_spikes(sim._handle, gid, t, s, n.value, ctypes.byref(n)) == 0
    return list(t), list(s)


def raw_samples(sim, gid, var):
    L = _capi.lib()
    n = ctypes.c_size_t()
    assert L.sg_samples(sim._handle, gid, var.encode(), None, None, None, 0, ctypes.byref(n)) == 0
    t = (ctypes.c_double * n.value)()
    s = (ctypes.c_uint64 * n.value)()
    v = (ctypes.c_double * n.value)()
    assert L.sg_samples(sim._handle, gid, var.encode(), t, s, v, n.value, ctypes.byref(n)) == 0
    return list(t), list(s), list(v)


def test_events_equal_raw_c_api(sim):
    nrn, sr, mm = network(sim)
    sim.simulate(60.0)
    t, s = raw_spikes(sim, sr.first)
    ev = sr.events
    assert ev["times"].tolist() == t and ev["senders"].tolist() == s
    ev = mm.events
    for var in ("V_m", "I_stim"):
        t, s, v = raw_samples(sim, mm.first, var)
        assert ev["times"].tolist() == t and ev["senders"].tolist() == s
        assert ev[var].tolist() == v


def test_split_simulate_equals_one_run():
    def run(chunks):
        with spikegpu.Simulator(seed=9, backend="cpu", threads=1) as s:
            _, sr, mm = network(s)
            for c in chunks:
                s.simulate(c)
            return sr.events, mm.events
    a, am = run([50.0])
    b, bm = run([10.0] * 5)
    for k in a:
        np.testing.assert_array_equal(a[k], b[k])
    for k in am:
        np.testing.assert_array_equal(am[k], bm[k])


def test_seed_determinism():
    def run(seed):
        with spikegpu.Simulator(seed=seed, backend="cpu", threads=1) as s:
            _, sr, _ = network(s)
            s.simulate(50.0)
            return sr.events
    a, b, c = run(5), run(5), run(6)
    np.testing.assert_array_equal(a["times"], b["times"])
    np.testing.assert_array_equal(a["senders"], b["senders"])
    assert a["times"].size != c["times"].size or not np.array_equal(a["times"], c["times"])


def test_spike_generator_through_parrot(sim):
    g = sim.create("spike_generator", params={"spike_times": [1.0, 2.5, 7.0]})
    p = sim.create("parrot_neuron")
    sr = sim.create("spike_recorder")
    sim.connect(g, p, syn_spec={"delay": 0.5})
    sim.connect(p, sr)
    sim.simulate(10.0)
    ev = sr.events
    np.testing.assert_allclose(ev["times"], [1.5, 3.0, 7.5])
    np.testing.assert_array_equal(ev["senders"], [p.first] * 3)


def test_data_after_more_simulate_accumulates(sim):
    n = sim.create("gl_exp", 5, {"I_e": 700.0})
    sr = sim.create("spike_recorder")
    sim.connect(n, sr)
    sim.simulate(30.0)
    k = sr.n_events
    sim.simulate(30.0)
    assert sr.n_events >= k
    assert np.all(np.diff(sr.events["times"]) >= 0)


def test_create_after_simulate(sim):
    a = sim.create("gl_exp", 2, {"I_e": 700.0})
    sim.simulate(10.0)
    b = sim.create("gl_exp", 2, {"I_e": 700.0})
    sr = sim.create("spike_recorder")
    sim.connect(a + b, sr)
    sim.simulate(50.0)
    assert sr.events["times"].min() > 10.0


@pytest.mark.skipif(not spikegpu.cuda_available()[0], reason="no usable CUDA device")
def test_cpu_and_cuda_identical():
    def run(backend):
        with spikegpu.Simulator(seed=4, backend=backend, threads=1) as s:
            _, sr, mm = network(s, n=200)
            s.simulate(100.0)
            assert s.backend == backend
            return sr.events, mm.events
    (a, am), (b, bm) = run("cpu"), run("cuda")
    for k in a:
        np.testing.assert_array_equal(a[k], b[k])
    for k in am:
        np.testing.assert_array_equal(am[k], bm[k])
