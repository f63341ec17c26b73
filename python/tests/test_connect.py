"""connect: NEST's rule and synapse-spec forms, counts, arrays, distributions, errors."""
import numpy as np
import pytest

import spikegpu
from spikegpu import random as rnd


@pytest.fixture
def pops(sim):
    return sim.create("gl_exp", 6), sim.create("gl_exp", 4)


def conns(sim, pre=None, post=None):
    return sim.get_connections(pre, post)


def test_get_connections_dtypes(sim, pops):
    a, b = pops
    sim.connect(a, b)
    c = conns(sim)
    assert set(c) == {"source", "target", "weight", "delay", "receptor"}
    assert c["source"].dtype == np.uint64 and c["target"].dtype == np.uint64
    assert c["weight"].dtype == np.float64 and c["delay"].dtype == np.float64
    assert c["receptor"].dtype == np.int32
    assert all(v.shape == (24,) for v in c.values())
    # defaults: static_synapse, weight 1, delay 1 ms, receptor 0; (source, target) order
    assert np.all(c["weight"] == 1.0) and np.all(c["delay"] == 1.0) and np.all(c["receptor"] == 0)
    order = np.lexsort((c["target"], c["source"]))
    np.testing.assert_array_equal(order, np.arange(24))
    e = conns(sim, pre=a, post=b)
    assert len(e["source"]) == 24
    assert len(conns(sim, post=a)["source"]) == 0
    assert sim.num_connections() == 24 and sim.num_connections(a[0], b) == 4


def test_empty_get_connections(sim, pops):
    c = conns(sim)
    assert all(v.size == 0 for v in c.values())


def test_all_to_all_and_one_to_one(sim, pops):
    a, b = pops
    sim.connect(a, b, "all_to_all")
    assert sim.num_connections(a, b) == 24
    sim.connect(a[0:4], b, "one_to_one")
    c = conns(sim, a[0:4], b)
    one = c["weight"].size - 16
    assert one == 4
    sim.connect(a, a, {"rule": "all_to_all", "allow_autapses": False})
    c = conns(sim, a, a)
    assert c["source"].size == 30 and np.all(c["source"] != c["target"])


def test_fixed_indegree(sim, pops):
    a, b = pops
    sim.connect(a, b, {"rule": "fixed_indegree", "indegree": 3})
    c = conns(sim, a, b)
    assert c["source"].size == 12
    assert np.all(np.bincount(c["target"].astype(int))[b.first:] == 3)
    sim.connect(a, a, {"rule": "fixed_indegree", "indegree": 5, "allow_autapses": False,
                       "allow_multapses": False})
    c = conns(sim, a, a)
    assert c["source"].size == 30 and np.all(c["source"] != c["target"])
    pairs = set(zip(c["source"].tolist(), c["target"].tolist()))
    assert len(pairs) == 30


def test_fixed_outdegree(sim, pops):
    a, b = pops
    sim.connect(a, b, {"rule": "fixed_outdegree", "outdegree": 2})
    c = conns(sim, a, b)
    assert c["source"].size == 12
    assert np.all(np.bincount(c["source"].astype(int))[a.first:] == 2)


def test_fixed_total_number(sim, pops):
    a, b = pops
    sim.connect(a, b, {"rule": "fixed_total_number", "N": 17})
    assert sim.num_connections(a, b) == 17


def test_pairwise_bernoulli(sim, pops):
    a, b = pops
    sim.connect(a, b, {"rule": "pairwise_bernoulli", "p": 1.0})
    assert sim.num_connections(a, b) == 24
    sim.connect(b, a, {"rule": "pairwise_bernoulli", "p": 0.0})
    assert sim.num_connections(b, a) == 0
    big = sim.create("parrot_neuron", 100)
    sim.connect(big, big, {"rule": "pairwise_bernoulli", "p": 0.3})
    assert 2500 < sim.num_connections(big, big) < 3500


def test_integer_valued_floats_accepted(sim, pops):
    a, b = pops
    sim.connect(a, b, {"rule": "fixed_indegree", "indegree": 2.0})
    assert sim.num_connections(a, b) == 8


def test_syn_spec_scalars_and_receptor(sim, pops):
    a, b = pops
    sim.connect(a[0], b[0], syn_spec={"weight": -2.5, "delay": 1.5, "receptor_type": 0,
                                      "synapse_model": "static_synapse"})
    sim.connect(a[1], b[0], syn_spec="static_synapse")
    c = conns(sim)
    np.testing.assert_array_equal(c["weight"], [-2.5, 1.0])
    np.testing.assert_array_equal(c["delay"], [1.5, 1.0])


def test_delay_rounds_to_steps(sim, pops):
    a, b = pops
    sim.connect(a[0], b[0], syn_spec={"delay": 0.26})
    assert conns(sim)["delay"][0] == pytest.approx(0.3)


def test_weight_array_all_to_all_order(sim, pops):
    a, b = pops
    w = np.arange(24, dtype=float).reshape(len(b), len(a))     # (post, pre), NEST's shape
    sim.connect(a, b, "all_to_all", {"weight": w, "delay": np.full((4, 6), 2.0)})
    c = conns(sim, a, b)
    expect = w[(c["target"] - b.first).astype(int), (c["source"] - a.first).astype(int)]
    np.testing.assert_array_equal(c["weight"], expect)
    assert np.all(c["delay"] == 2.0)


def test_weight_array_one_to_one_and_list(sim, pops):
    a, b = pops
    sim.connect(a[0:4], b, "one_to_one", {"weight": [1, 2, 3, 4]})
    c = conns(sim)
    np.testing.assert_array_equal(c["weight"][np.argsort(c["target"])], [1, 2, 3, 4])


def test_weight_array_wrong_length(sim, pops):
    a, b = pops
    with pytest.raises(spikegpu.ArgumentError) as ei:
        sim.connect(a, b, "all_to_all", {"weight": np.ones(5)})
    assert "weight" in str(ei.value) and "array[5]" in str(ei.value) and "24" in str(ei.value)
    assert sim.num_connections() == 0


def test_distributions(sim):
    a = sim.create("parrot_neuron", 40)
    cases = [
        (rnd.uniform(min=0.5, max=1.5), lambda w: (w.min() >= 0.5) & (w.max() < 1.5)),
        (rnd.normal(mean=2.0, std=0.5), lambda w: abs(w.mean() - 2.0) < 0.1),
        (rnd.normal_clipped(mean=0.0, std=1.0, min=-0.5, max=0.5),
         lambda w: (w.min() >= -0.5) & (w.max() <= 0.5)),
        (rnd.lognormal(mean=0.0, std=0.5), lambda w: w.min() > 0),
        (rnd.exponential(beta=2.0), lambda w: (w.min() >= 0) & (abs(w.mean() - 2.0) < 0.3)),
    ]
    for dist, ok in cases:
        b = sim.create("gl_exp", 40)
        sim.connect(a, b, "all_to_all", {"weight": dist, "delay": rnd.uniform(1.0, 3.0)})
        c = conns(sim, a, b)
        w, d = c["weight"], c["delay"]
        assert w.size == 1600
        assert ok(w), dist
        assert np.unique(w).size > 100, dist
        assert d.min() >= 1.0 and d.max() <= 3.0 and np.unique(d).size > 1


def test_same_seed_same_connections():
    def build(seed):
        with spikegpu.Simulator(seed=seed, backend="cpu", threads=1) as s:
            n = s.create("gl_exp", 30)
            s.connect(n, n, {"rule": "fixed_indegree", "indegree": 5},
                      {"weight": rnd.normal(0.5, 0.2)})
            return s.get_connections()
    c1, c2, c3 = build(1), build(1), build(2)
    for k in c1:
        np.testing.assert_array_equal(c1[k], c2[k])
    assert not np.array_equal(c1["source"], c3["source"])


@pytest.mark.parametrize("conn, syn, exc, words", [
    ("all_to_al", None, spikegpu.UnknownNameError, ["all_to_al", "fixed_indegree"]),
    ({"rule": "fixed_indegree"}, None, spikegpu.ArgumentError, ["indegree"]),
    ({"rule": "fixed_indegree", "indegree": -1}, None, spikegpu.ArgumentError, ["indegree", "-1"]),
    ({"rule": "fixed_indegree", "indegree": 2.5}, None, spikegpu.ArgumentError, ["indegree", "2.5"]),
    ({"rule": "fixed_indegree", "indegree": 2, "p": 0.1}, None, spikegpu.ArgumentError, ["'p'"]),
    ({"rule": "pairwise_bernoulli", "p": 1.5}, None, spikegpu.ArgumentError, ["p = 1.5"]),
    ({"rule": "all_to_all", "colour": 1}, None, spikegpu.ArgumentError, ["colour"]),
    ({"rule": "all_to_all", "allow_autapses": 2}, None, spikegpu.ArgumentError, ["allow_autapses"]),
    ({"rule": "fixed_total_number", "N": 3, "allow_multapses": False}, None,
     spikegpu.ArgumentError, ["allow_multapses"]),
    ({"rule": "fixed_indegree", "indegree": 9, "allow_multapses": False}, None,
     spikegpu.ArgumentError, ["indegree = 9"]),
    ("one_to_one", None, spikegpu.ArgumentError, ["one_to_one", "6", "4"]),
    (None, "stdp_synapse", spikegpu.UnknownNameError, ["stdp_synapse", "static_synapse"]),
    (None, {"weight": 1.0, "tau_plus": 3.0}, spikegpu.ArgumentError, ["tau_plus"]),
    (None, {"delay": 0.0}, spikegpu.ArgumentError, ["delay"]),
    (None, {"delay": -1.0}, spikegpu.ArgumentError, ["delay", "-1"]),
    (None, {"weight": float("nan")}, spikegpu.ArgumentError, ["weight", "nan"]),
    (None, {"receptor_type": 1}, spikegpu.ArgumentError, ["receptor"]),
    (None, {"receptor_type": 1.5}, spikegpu.ArgumentError, ["receptor_type", "1.5"]),
    (None, {"weight": "heavy"}, spikegpu.ArgumentError, ["weight", "heavy"]),
    (5, None, spikegpu.ArgumentError, ["conn_spec"]),
    (None, 5, spikegpu.ArgumentError, ["syn_spec"]),
])
def test_connect_errors(sim, pops, conn, syn, exc, words):
    a, b = pops
    with pytest.raises(exc) as ei:
        sim.connect(a, b, conn, syn)
    msg = str(ei.value)
    for w in words:
        assert w in msg, msg
    assert sim.num_connections() == 0


def test_connect_needs_node_collections(sim, pops):
    a, b = pops
    with pytest.raises(spikegpu.ArgumentError, match="NodeCollection"):
        sim.connect([1, 2], b)
    with spikegpu.Simulator(backend="cpu", threads=1) as other:
        x = other.create("gl_exp")
        with pytest.raises(spikegpu.ArgumentError, match="another Simulator"):
            sim.connect(a, x)
