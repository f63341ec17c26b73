"""connect with "procedural": True: the rows are drawn again (docs/procedural.md)."""
import numpy as np
import pytest

import spikegpu
from spikegpu import random as rnd


def graph(sim, procedural, rule):
    a = sim.create("iaf_psc_exp", 30)
    b = sim.create("iaf_psc_exp", 20)
    spec = dict(rule, procedural=procedural)
    sim.connect(a, b, spec, {"weight": rnd.normal(5.0, 2.0), "delay": rnd.uniform(0.5, 2.0)})
    return sim.get_connections(a, b)


def test_all_to_all_procedural_is_the_stored_graph():
    sims = [spikegpu.Simulator(backend="cpu", seed=4, verbose=False) for _ in range(2)]
    c0 = graph(sims[0], False, {"rule": "all_to_all"})
    c1 = graph(sims[1], True, {"rule": "all_to_all"})
    assert c0["source"].size == 600
    for k in c0:
        np.testing.assert_array_equal(c0[k], c1[k])


def test_bernoulli_procedural_counts():
    sim = spikegpu.Simulator(backend="cpu", seed=4, verbose=False)
    c = graph(sim, True, {"rule": "pairwise_bernoulli", "p": 0.5})
    # 600 pairs, p = 0.5: mean 300, sd 12.2; 5 sd
    assert abs(c["source"].size - 300) < 62
    assert np.all((c["delay"] >= 0.5) & (c["delay"] <= 2.0))
    assert sim.num_connections() == c["source"].size


def test_fixed_indegree_procedural_refused():
    sim = spikegpu.Simulator(backend="cpu", seed=4, verbose=False)
    a = sim.create("iaf_psc_exp", 5)
    with pytest.raises(spikegpu.ArgumentError, match="fixed_indegree cannot be procedural"):
        sim.connect(a, a, {"rule": "fixed_indegree", "indegree": 2, "procedural": True})
    with pytest.raises(spikegpu.ArgumentError, match="procedural"):
        sim.connect(a, a, {"rule": "all_to_all", "procedural": 3})
    assert sim.num_connections() == 0


def test_node_sets_and_procedural():
    """A set that is not consecutive ids is refused with procedural (stored takes it); a slice
    of consecutive ids is a range; queries with sets walk the procedural rows."""
    sims = [spikegpu.Simulator(backend="cpu", seed=6, verbose=False) for _ in range(2)]
    got = []
    for k, sim in enumerate(sims):
        a = sim.create("iaf_psc_exp", 12)
        if k == 0:
            with pytest.raises(spikegpu.ArgumentError, match="not consecutive.*procedural = 0"):
                sim.connect(a[::2], a, {"rule": "all_to_all", "procedural": True})
            with pytest.raises(spikegpu.ArgumentError, match="procedural post is a set"):
                sim.connect(a, a[::3], {"rule": "fixed_outdegree", "outdegree": 2, "procedural": True})
            assert sim.num_connections() == 0
        sim.connect(a[2:7], a, {"rule": "all_to_all", "procedural": k == 0},
                    {"weight": rnd.normal(5.0, 2.0), "delay": rnd.uniform(0.5, 2.0)})
        got.append(sim.get_connections(a[::2], a[1::3]))
    assert got[0]["source"].size == 3 * 4   # sources 3, 5, 7 (ids of a[2:7] at even positions) x 4
    for key in got[0]:
        np.testing.assert_array_equal(got[0][key], got[1][key])
