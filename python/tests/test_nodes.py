"""NodeCollection: sequence protocol, slicing, get/set round trips, attribute access, errors."""
import numpy as np
import pytest

import spikegpu


def test_sequence_protocol(sim):
    n = sim.create("gl_exp", 10)
    assert len(n) == 10
    assert list(n) == list(range(1, 11)) == n.tolist()
    assert 3 in n and 11 not in n and "x" not in n
    assert n.ids.dtype == np.uint64 and n.ids.shape == (10,)
    assert n[0].global_id == 1 and n.global_id == tuple(range(1, 11))
    assert n.model == "gl_exp"
    assert n.simulator is sim
    assert "gl_exp" in repr(n) and "1..10" in repr(n)


def test_slicing(sim):
    sim.create("parrot_neuron", 2)
    n = sim.create("gl_exp", 10)
    s = n[2:5]
    assert (s.first, len(s)) == (5, 3) and list(s) == [5, 6, 7]
    assert n[-1].first == 12 and len(n[-1]) == 1
    assert n[np.int64(3)].first == 6
    assert n[:] == n and n[::1] == n
    assert n[-3:].first == 10
    assert n[5:6:4] == n[5]                      # one element: contiguous whatever the step
    assert n[[2, 3, 4]] == n[2:5]
    assert n[2:5][1:] == n[3:5]
    assert n[::2].tolist() == [3, 5, 7, 9, 11] and n[[1, 3]].tolist() == [4, 6]
    assert n[1::3][1:].tolist() == [7, 10] and n[::2][[0, 4]].tolist() == [3, 11]
    assert 5 in n[::2] and 4 not in n[::2] and n[::2].last == 11
    with pytest.raises(spikegpu.ArgumentError, match="step -1: allowed a step >= 1"):
        n[::-1]
    with pytest.raises(spikegpu.ArgumentError, match="strictly ascending"):
        n[[3, 1]]
    with pytest.raises(spikegpu.ArgumentError, match="strictly ascending"):
        n[[1, 1]]
    with pytest.raises(spikegpu.ArgumentError, match="empty"):
        n[4:4]
    with pytest.raises(IndexError):
        n[10]
    with pytest.raises(IndexError):
        n[[0, 10]]
    with pytest.raises(TypeError):
        n["a"]


def test_add_adjacent(sim):
    a = sim.create("gl_exp", 2)
    b = sim.create("glif_cond", 3) if "glif_cond" in spikegpu.models() else sim.create("parrot_neuron", 3)
    c = sim.create("gl_exp", 1)
    ab = a + b
    assert (ab.first, len(ab)) == (1, 5)
    assert b + a == ab
    assert ab.model == ("gl_exp", b.model)
    ac = a + c
    assert ac.tolist() == [1, 2, 6] and c + a == ac and ac.model == "gl_exp"
    with pytest.raises(spikegpu.ArgumentError, match="share node 2"):
        a + a[1]
    with pytest.raises(TypeError):
        a + 1
    with spikegpu.Simulator(backend="cpu", threads=1) as other:
        d = other.create("gl_exp", 1)
        with pytest.raises(TypeError):
            c + d


def test_equality_and_hash(sim):
    n = sim.create("gl_exp", 4)
    assert n[1:3] == n[1:3] and hash(n[1:3]) == hash(n[1:3])
    assert n[1:3] != n[1:4]
    assert len({n[0], n[0], n[1]}) == 2


def test_get_scalar_uniform_and_per_node(sim):
    n = sim.create("gl_exp", 4)
    assert n.get("C_m") == 250.0 and isinstance(n.get("C_m"), float)
    n.set(I_e=[0.0, 1.0, 2.0, 3.0])
    v = n.get("I_e")
    assert isinstance(v, np.ndarray) and v.dtype == np.float64 and v.shape == (4,)
    np.testing.assert_array_equal(v, [0, 1, 2, 3])
    assert n[2].I_e == 2.0
    np.testing.assert_array_equal(n[1:3].I_e, [1.0, 2.0])
    n[1:3].I_e = 7.0
    np.testing.assert_array_equal(n.I_e, [0, 7, 7, 3])
    n.I_e = np.array([5, 5, 5, 5], dtype=np.int32)        # any numeric dtype
    assert n.I_e == 5.0


def test_get_bool(sim):
    n = sim.create("gl_exp", 3)
    assert n.reset_after_spike is True
    n[1].reset_after_spike = False
    r = n.reset_after_spike
    assert r.dtype == bool
    np.testing.assert_array_equal(r, [True, False, True])
    n.set(reset_after_spike=[0, 1, 0])
    np.testing.assert_array_equal(n.reset_after_spike, [False, True, False])


def test_get_forms(sim):
    n = sim.create("gl_exp", 2)
    d = n.get("C_m", "tau_m")
    assert d == {"C_m": 250.0, "tau_m": 10.0}
    assert n.get(["C_m"]) == {"C_m": 250.0}
    full = n.get()
    assert set(full) == {e["name"] for e in spikegpu.model_info("gl_exp")} | {"recordables"}
    assert full["recordables"] == spikegpu.recordables("gl_exp")
    assert full["V_m"] == -65.0
    assert n.get("global_id") == (1, 2) and n[0].get("model") == "gl_exp"
    with pytest.raises(spikegpu.ArgumentError):
        n.get(3)


def test_set_forms(sim):
    n = sim.create("gl_exp", 2)
    n.set({"C_m": 200.0, "tau_m": 20.0})
    n.set(V_b=-50.0)
    assert (n.C_m, n.tau_m, n.V_b) == (200.0, 20.0, -50.0)
    n.set([{"C_m": 100.0}, {"C_m": 300.0}])
    np.testing.assert_array_equal(n.C_m, [100.0, 300.0])
    with pytest.raises(spikegpu.ArgumentError, match="either"):
        n.set({"C_m": 1.0}, tau_m=1.0)
    with pytest.raises(spikegpu.ArgumentError):
        n.set(5)
    with pytest.raises(spikegpu.ArgumentError):
        n.set([{"C_m": 1.0}])


def test_set_state_round_trip(sim):
    n = sim.create("gl_exp", 3)
    vals = np.array([-70.0, -60.5, -55.25])
    n.V_m = vals
    np.testing.assert_array_equal(n.V_m, vals)
    n.V_m = -61.0
    assert n.V_m == -61.0


def test_vector_params_round_trip(sim):
    g = sim.create("spike_generator", 3)
    g.spike_times = [1.0, 2.5, 7.0]
    np.testing.assert_array_equal(g.spike_times, [1.0, 2.5, 7.0])
    assert g.spike_times.dtype == np.float64
    g.set(spike_times=[[1.0], [2.0, 3.0], []])            # one vector per node
    st = g.spike_times
    assert isinstance(st, list) and len(st) == 3
    np.testing.assert_array_equal(st[1], [2.0, 3.0])
    assert st[2].size == 0
    g[0].set(spike_times=np.array([4.0, 5.0]))
    np.testing.assert_array_equal(g[0].get("spike_times"), [4.0, 5.0])
    g.spike_times = []
    assert g.spike_times.size == 0
    with pytest.raises(spikegpu.ArgumentError, match="vector"):
        g.spike_times = 3.0
    with pytest.raises(spikegpu.ArgumentError) as ei:
        g.spike_times = [3.0, -1.0]
    assert "spike_times" in str(ei.value) and "-1" in str(ei.value)


@pytest.mark.skipif("glif_cond" not in spikegpu.models(), reason="glif_cond not built yet")
def test_glif_cond_vectors_and_state(sim):
    n = sim.create("glif_cond", 2)
    np.testing.assert_array_equal(n.tau_syn, [0.2, 2.0])
    n.tau_syn = [0.5, 3.0]
    np.testing.assert_array_equal(n.tau_syn, [0.5, 3.0])
    np.testing.assert_array_equal(n.get("g"), [0.0, 0.0])        # vector state: one per receptor
    n[1].tau_syn = [0.7, 3.0]
    t = n.tau_syn
    assert isinstance(t, list) and t[1].tolist() == [0.7, 3.0]
    assert n.V_m == n.E_L
    n.V_m = -70.0
    assert n.V_m == -70.0
    assert n.threshold == pytest.approx(n.V_th)


@pytest.mark.skipif("glif_cond" not in spikegpu.models(), reason="glif_cond not built yet")
def test_multi_param_set_is_ordered_and_atomic(sim):
    n = sim.create("glif_cond", 1)
    # V_reset must stay below V_th: set in an order that works, whatever the dict order
    n.set({"V_reset": -45.0, "V_th": -40.0})
    assert (n.V_reset, n.V_th) == (-45.0, -40.0)
    before = n.get()
    with pytest.raises(spikegpu.ArgumentError):
        n.set({"C_m": 100.0, "V_reset": -30.0})      # V_reset > V_th: rejected
    after = n.get()
    assert after["C_m"] == before["C_m"] and after["V_reset"] == before["V_reset"]


def test_multi_param_rollback(sim):
    n = sim.create("gl_exp", 2)
    with pytest.raises(spikegpu.ArgumentError):
        n.set(C_m=100.0, tau_m=-1.0)
    assert n.C_m == 250.0 and n.tau_m == 10.0
    with pytest.raises(spikegpu.UnknownNameError):
        n.set(I_e=[1.0, 2.0], nope=1.0)
    assert n.I_e == 0.0


@pytest.mark.parametrize("name, value, words", [
    ("C_m", -1.0, ["C_m", "-1", "> 0"]),
    ("tau_m", 0.0, ["tau_m", "0", "> 0"]),
    ("reset_after_spike", 0.5, ["reset_after_spike", "0.5", "0 or 1"]),
    ("V_m", float("nan"), ["V_m", "nan"]),
    ("t_ref", float("inf"), ["t_ref", "inf"]),
])
def test_bad_value_names_parameter_and_value(sim, name, value, words):
    n = sim.create("gl_exp", 2)
    before = n.get(name)
    with pytest.raises(spikegpu.ArgumentError) as ei:
        n.set({name: value})
    msg = str(ei.value)
    for w in words:
        assert w in msg, msg
    assert ei.value.status_name == "SG_ERR_ARG" and ei.value.status == 1
    assert n.get(name) == before


def test_bad_types_and_shapes(sim):
    n = sim.create("gl_exp", 3)
    with pytest.raises(spikegpu.ArgumentError) as ei:
        n.C_m = "big"
    assert "C_m" in str(ei.value) and "big" in str(ei.value)
    with pytest.raises(spikegpu.ArgumentError, match=r"2 values .* 3 nodes"):
        n.C_m = [1.0, 2.0]
    n.V_m = spikegpu.random.uniform(-70, -60)    # drawn per node (test_nodesets.py)
    assert all(-70 <= v < -60 for v in n.V_m)
    with pytest.raises(spikegpu.ArgumentError, match="vector parameter"):
        sim.create("glif_cond", 1).set(tau_syn=spikegpu.random.uniform(1, 2))
    with pytest.raises(spikegpu.ArgumentError):
        n.C_m = [[1.0, 2.0, 3.0]]
    with pytest.raises(spikegpu.ArgumentError, match="read-only"):
        n.set(global_id=4)


def test_unknown_parameter(sim):
    n = sim.create("gl_exp", 2)
    with pytest.raises(spikegpu.UnknownNameError) as ei:
        n.set(tau_syn_ex=1.0)
    assert "tau_syn_ex" in str(ei.value) and "tau_m" in str(ei.value)
    with pytest.raises(spikegpu.UnknownNameError, match="tau_syn_ex"):
        n.get("tau_syn_ex")
    with pytest.raises(spikegpu.UnknownNameError, match="tau_syn_ex"):
        n.set(tau_syn_ex=[1.0, 2.0])
    with pytest.raises(AttributeError):
        n.tau_syn_ex
    with pytest.raises(AttributeError):
        n.first = 3


def test_set_across_populations(sim):
    a = sim.create("gl_exp", 2)
    b = sim.create("gl_exp", 3)
    ab = a + b
    ab.set(I_e=[1, 2, 3, 4, 5])
    np.testing.assert_array_equal(a.I_e, [1, 2])
    np.testing.assert_array_equal(b.I_e, [3, 4, 5])
    ab.C_m = 123.0
    assert a.C_m == b.C_m == 123.0
    np.testing.assert_array_equal(ab.I_e, [1, 2, 3, 4, 5])


def test_record_from(sim):
    mm = sim.create("multimeter")
    assert mm.record_from == []
    mm.record_from = ["V_m", "I_stim"]
    assert mm.get("record_from") == ["V_m", "I_stim"]
    with pytest.raises(spikegpu.ArgumentError, match="repeats"):
        mm.record_from = ["V_m", "V_m"]
    assert mm.record_from == ["V_m", "I_stim"]
    with pytest.raises(spikegpu.ArgumentError):
        mm.record_from = "V_m"
    n = sim.create("gl_exp")
    with pytest.raises(spikegpu.UnknownNameError):
        n.record_from = ["V_m"]
    with pytest.raises(spikegpu.UnknownNameError):
        n.get("record_from")
    sim.connect(mm, n)
    with pytest.raises(spikegpu.StateError, match="record_from"):
        mm.record_from = ["V_m"]


def test_get_on_many_nodes_is_reasonably_fast(sim):
    n = sim.create("gl_exp", 20000)
    n.V_m = np.linspace(-70, -50, 20000)
    assert n.V_m.shape == (20000,)


def test_set_receptor_vectors_together(sim):
    """tau_syn and E_rev must keep equal lengths: given together they change the number of
    receptors in one validated step (sg_set_vecs); given alone with a new length they fail."""
    import spikegpu
    if "glif_cond" not in spikegpu.models():
        pytest.skip("glif_cond not built")
    n = sim.create("glif_cond", 2)
    with pytest.raises(spikegpu.ArgumentError, match="E_rev"):
        n.set(tau_syn=[0.5, 1.0, 2.0])
    n.set(tau_syn=[0.5, 1.0, 2.0], E_rev=[0.0, -70.0, -85.0])
    assert list(n[0:1].get("tau_syn")) == [0.5, 1.0, 2.0]
    assert list(n[0:1].get("E_rev")) == [0.0, -70.0, -85.0]


# ---- issue 21, item 4: discoverability and atomic create -------------------------------------------
@pytest.mark.skipif("glif_cond" not in spikegpu.models(), reason="glif_cond not built")
def test_node_recordables_follow_receptors(sim):
    g = sim.create("glif_cond", 2)
    assert g.get("recordables") == spikegpu.recordables("glif_cond")
    g.set(tau_syn=[0.2, 2.0, 5.0], E_rev=[0.0, -85.0, -70.0])
    assert "g_3" in g.get("recordables") and "g_3" in g[1].recordables
    mm = sim.create("multimeter", params={"record_from": g.recordables})   # all recordable
    sim.connect(mm, g)
    sim.simulate(1.0)
    assert set(mm.events) == {"senders", "times"} | set(g.recordables)


def test_recorder_get_includes_events(sim):
    n = sim.create("gl_exp", 3, {"I_e": 1000.0})
    sr = sim.create("spike_recorder")
    mm = sim.create("voltmeter")
    sim.connect(n, sr)
    sim.connect(mm, n)
    sim.simulate(100.0)
    d = sr.get()
    assert {"events", "n_events", "start", "stop", "origin"} <= set(d)
    assert d["n_events"] == len(d["events"]["times"]) > 0
    v = mm.get()
    assert v["record_from"] == ["V_m"] and len(v["events"]["V_m"]) == v["n_events"] == 3 * 100
    assert "recordables" not in d and "events" not in n.get()


def test_failed_create_leaves_no_nodes(sim):
    a = sim.create("gl_exp", 2)
    with pytest.raises(spikegpu.ArgumentError, match="C_m"):
        sim.create("gl_exp", 1000, params={"tau_m": 5.0, "C_m": -1.0})
    with pytest.raises(spikegpu.UnknownNameError, match="no_such"):
        sim.create("parrot_neuron", 10, params={"no_such": 1.0})
    with pytest.raises(spikegpu.ArgumentError):
        sim.create("gl_exp", 3, params=[{"V_m": -70.0}] * 2)                # wrong number of dicts
    assert sim.num_nodes == 2 and len(sim.populations) == 1
    b = sim.create("gl_exp", 3)
    assert b.first == 3                                                      # the ids come again
    sim.connect(a, b)
    sim.simulate(1.0)
    assert sim.memory()["n_nodes"] == 5
