"""Node sets (non-contiguous NodeCollections) and parameters drawn per node.

Set algebra against Python's own sets (many random cases, fixed seeds); connecting over a set
gives the same synapses as connecting the same ids range by range (all_to_all, one_to_one);
drawn parameters: the same at 1 and 2 threads, keyed by node id, within their distributions
(Kolmogorov-Smirnov, fixed seed, alpha = 0.001); bad input refused with nothing changed."""
import math
import random

import numpy as np
import pytest

import spikegpu
import spikegpu.nest as nest


def _sim(threads=1, seed=12345):
    return spikegpu.Simulator(backend="cpu", threads=threads, seed=seed)


def _runs(ids):
    """Maximal runs of consecutive ids: (first, n)."""
    return list(spikegpu.simulator._ranges_of_ids(ids))


def test_set_algebra_against_python_sets():
    rng = random.Random(20261207)
    with _sim() as sim:
        pops = [sim.create("parrot_neuron", 17), sim.create("gl_exp", 23), sim.create("parrot_neuron", 9)]
        every = pops[0] + pops[1] + pops[2]
        ids = list(range(1, 50))
        assert every.tolist() == ids
        for _ in range(400):
            a_ids = sorted(rng.sample(ids, rng.randint(1, 30)))
            b_ids = sorted(rng.sample([g for g in ids if g not in a_ids], rng.randint(1, 10)))
            a = every[[g - 1 for g in a_ids]]
            b = every[[g - 1 for g in b_ids]]
            assert a.tolist() == a_ids and len(a) == len(a_ids)
            assert list(a.ids) == a_ids and a.first == a_ids[0] and a.last == a_ids[-1]
            assert (a + b).tolist() == sorted(set(a_ids) | set(b_ids)) == (b + a).tolist()
            for g in range(0, 52):
                assert (g in a) == (g in set(a_ids))
            start, stop, step = rng.randint(-5, 30), rng.randint(-5, 35), rng.randint(1, 6)
            sl = a_ids[start:stop:step]
            if sl:
                assert a[start:stop:step].tolist() == sl
            else:
                with pytest.raises(spikegpu.ArgumentError, match="empty"):
                    a[start:stop:step]
            pos = sorted(rng.sample(range(len(a_ids)), rng.randint(1, len(a_ids))))
            assert a[pos].tolist() == [a_ids[p] for p in pos]
            i = rng.randrange(len(a_ids))
            assert a[i].global_id == a_ids[i] and a[i - len(a_ids)].global_id == a_ids[i]
            assert a == every[[g - 1 for g in a_ids]] and hash(a) == hash(every[[g - 1 for g in a_ids]])
            if set(a_ids) & set(b_ids) == set() and len(a_ids) > 1:
                with pytest.raises(spikegpu.ArgumentError, match="share node"):
                    a + a[0]
            assert a._ranges == tuple(_runs(a_ids))   # kept as runs, a range stays one


def test_set_and_get_over_a_set_spanning_populations():
    with _sim() as sim:
        a = sim.create("gl_exp", 10)
        sim.create("spike_recorder")
        b = sim.create("gl_exp", 10)
        s = a[::3] + b[1::4]
        s.set(I_e=100.0)
        s.set(V_m=np.arange(len(s), dtype=float) - 70.0)
        every = a + b
        want_ie = [100.0 if g in s else 0.0 for g in every.tolist()]
        np.testing.assert_array_equal(every.get("I_e"), want_ie)
        np.testing.assert_array_equal(s.get("V_m"), np.arange(len(s)) - 70.0)
        with pytest.raises(spikegpu.UnknownNameError):
            (s + sim.nodes()[1][0] if hasattr(sim, "nodes") else s + _one(sim, 11)).set(I_e=5.0)
        np.testing.assert_array_equal(every.get("I_e"), want_ie)   # nothing changed


def _one(sim, gid):
    return spikegpu.simulator.NodeCollection(sim, gid, 1)


def _conns(sim):
    c = sim.get_connections()
    return sorted(zip(c["source"].tolist(), c["target"].tolist(), c["weight"].tolist(), c["delay"].tolist()))


@pytest.mark.parametrize("rule", ["all_to_all", "one_to_one"])
def test_connect_over_sets_equals_range_by_range(rule):
    rng = random.Random(7)
    for case in range(20):
        made = []
        for build in ("set", "ranges"):
            sim = _sim()
            a = sim.create("iaf_psc_alpha", 30)
            sim.create("spike_recorder")
            b = sim.create("iaf_psc_alpha", 30)
            every = a + b
            r2 = random.Random(case)
            k = r2.randint(1, 15)
            pre_ids = sorted(r2.sample(every.tolist(), k))
            post_ids = sorted(r2.sample(every.tolist(), k if rule == "one_to_one" else r2.randint(1, 15)))
            spec = {"weight": 1.5, "delay": 2.0}
            if build == "set":
                pre = spikegpu.simulator.NodeCollection._of_ranges(sim, _runs(pre_ids))
                post = spikegpu.simulator.NodeCollection._of_ranges(sim, _runs(post_ids))
                sim.connect(pre, post, rule, spec)
                assert sim.num_connections(pre, post) == (k if rule == "one_to_one" else len(pre_ids) * len(post_ids))
            elif rule == "all_to_all":
                for f, n in _runs(pre_ids):
                    for g, m in _runs(post_ids):
                        sim.connect(spikegpu.simulator.NodeCollection(sim, f, n),
                                    spikegpu.simulator.NodeCollection(sim, g, m), rule, spec)
            else:
                for s_id, t_id in zip(pre_ids, post_ids):
                    sim.connect(_one(sim, s_id), _one(sim, t_id), rule, spec)
            made.append(_conns(sim))
            sim.close()
        assert made[0] == made[1] and len(made[0]) > 0
    del rng


def test_random_rules_over_sets_threads_and_statistics():
    res = []
    for threads in (1, 2):
        with _sim(threads, seed=99) as sim:
            n = sim.create("iaf_psc_alpha", 400)
            pre, post = n[::2], n[1::3]
            sim.connect(pre, post, {"rule": "fixed_indegree", "indegree": 7},
                        {"weight": spikegpu.random.normal(1.0, 0.1)})
            sim.connect(n[::5], n[100:300], {"rule": "pairwise_bernoulli", "p": 0.2})
            c = sim.get_connections()
            res.append(c)
            src, tgt = c["source"].tolist(), c["target"].tolist()
            k1 = 7 * len(post)
            assert set(src[i] for i in range(len(src)) if tgt[i] in post) >= set()
            ind = {}
            for s, t in zip(src, tgt):
                if s in pre and t in post:
                    ind[t] = ind.get(t, 0) + 1
            assert sorted(ind) == post.tolist() or len(ind) == len(post)
            nb = sim.num_connections(n[::5], n[100:300])
            pairs = 80 * 200 - 40     # nodes in both (multiples of 5 in 101..300): autapses allowed, counted
            mean, sd = 0.2 * (80 * 200), math.sqrt(80 * 200 * 0.2 * 0.8)
            assert abs(nb - mean) < 5 * sd, (nb, mean, sd, pairs)
            assert sim.num_connections(pre, post) >= k1
    for key in res[0]:
        np.testing.assert_array_equal(res[0][key], res[1][key])


def _ks(x, cdf):
    x = np.sort(x)
    n = len(x)
    f = np.array([cdf(v) for v in x])
    return max(np.max(f - np.arange(n) / n), np.max(np.arange(1, n + 1) / n - f))


def test_drawn_parameters_distribution_threads_and_keys():
    n = 20000
    vals = []
    for threads in (1, 2):
        with _sim(threads, seed=4242) as sim:
            p = sim.create("iaf_psc_alpha", n, params={"V_m": spikegpu.random.uniform(-70.0, -55.0)})
            p[::2].set(C_m=spikegpu.random.lognormal(5.5, 0.1), tau_m=spikegpu.random.normal_clipped(10, 3, 5, 20))
            vals.append((p.get("V_m"), p.get("C_m"), p.get("tau_m")))
    for a, b in zip(vals[0], vals[1]):
        np.testing.assert_array_equal(a, b)
    vm, cm, tm = vals[0]
    crit = 1.95 / math.sqrt(n)                     # KS at alpha = 0.001
    assert _ks(vm, lambda v: (v + 70.0) / 15.0) < crit
    cm_drawn = cm[::2]
    assert np.all(cm[1::2] == 250.0)               # the other half kept the default
    assert _ks(np.log(cm_drawn), lambda v: 0.5 * math.erfc(-(v - 5.5) / (0.1 * math.sqrt(2)))) < 1.95 / math.sqrt(n / 2)
    t = tm[::2]
    assert t.min() >= 5 and t.max() <= 20
    z = 0.5 * math.erfc(-(5 - 10) / (3 * math.sqrt(2))), 0.5 * math.erfc(-(20 - 10) / (3 * math.sqrt(2)))
    assert _ks(t, lambda v: (0.5 * math.erfc(-(v - 10) / (3 * math.sqrt(2))) - z[0]) / (z[1] - z[0])) < 1.95 / math.sqrt(n / 2)
    # keyed by node id: the same first call on a subset gives those nodes' values
    with _sim(1, seed=4242) as sim:
        p = sim.create("iaf_psc_alpha", n)
        p[[3, 77, 19999]].set(V_m=spikegpu.random.uniform(-70.0, -55.0))
        np.testing.assert_array_equal(p[[3, 77, 19999]].get("V_m"), vm[[3, 77, 19999]])


def test_drawn_parameter_refused_changes_nothing():
    with _sim() as sim:
        p = sim.create("iaf_psc_alpha", 50)
        with pytest.raises(spikegpu.ArgumentError, match=r"C_m.*allowed > 0.*node \d+.*drawn from normal\(5, 100\)"):
            p.set(C_m=spikegpu.random.normal(5.0, 100.0))
        assert p.get("C_m") == 250.0
        with pytest.raises(spikegpu.ArgumentError, match="allowed finite min < max"):
            p.set(V_m=spikegpu.random.uniform(3.0, 1.0))
        with pytest.raises(spikegpu.ArgumentError):   # a refused create leaves nothing behind
            sim.create("iaf_psc_alpha", 5, params={"C_m": spikegpu.random.normal(5.0, 100.0)})
        assert sim.create("parrot_neuron", 1).first == 51


def test_pynest_random_parameters_and_sets():
    nest.ResetKernel()
    nest.rng_seed = 5
    n = nest.Create("iaf_psc_alpha", 1000, params={"V_m": nest.random.uniform(-70.0, -60.0)})
    v = np.array(n.get("V_m"))
    assert v.min() >= -70.0 and v.max() < -60.0 and len(set(v.tolist())) == 1000
    sub = n[::10]
    sub.set(I_e=nest.random.normal(500.0, 10.0))    # above rheobase (375 pA): these fire
    ie = np.array(n.get("I_e"))
    assert np.all(ie[1::10] == 0.0) and abs(ie[::10].mean() - 500.0) < 5 * 10 / math.sqrt(100)
    sr = nest.Create("spike_recorder")
    nest.Connect(sub, sr)
    nest.Simulate(50.0)
    senders = set(sr.get("events")["senders"].tolist())
    assert senders == set(sub.tolist())               # every driven node fired, no other did
    nest.ResetKernel()
    nest.rng_seed = 5
    n2 = nest.Create("iaf_psc_alpha", 1000, params={"V_m": nest.random.uniform(-70.0, -60.0)})
    assert np.array_equal(np.array(n2.get("V_m")), v)   # the same seed, the same draws


def test_recorders_over_sets():
    with _sim() as sim:
        n = sim.create("iaf_psc_alpha", 12, params={"I_e": 500.0})
        mm = sim.create("multimeter", params={"record_from": ["V_m"], "interval": 1.0})
        sr = sim.create("spike_recorder")
        picked = n[1::4] + n[[0]]
        sim.connect(mm, picked)
        sim.connect(n[::3], sr)
        sim.simulate(60.0)
        assert sorted(set(mm.events["senders"].tolist())) == picked.tolist() == [1, 2, 6, 10]
        assert len(mm.events["V_m"]) == 4 * 60
        assert sorted(set(sr.events["senders"].tolist())) == [1, 4, 7, 10]
        assert sim.num_connections(n[::3], sr) == 4 and sim.num_connections(mm, picked) == 4
