"""Issue 21, item 3: spikegpu.nest, PyNEST's interface over spikegpu. Each PyNEST habit works as
in NEST 3.10 (the forms were checked against NEST 3.10 itself), and what spikegpu does not have
raises "not supported by spikegpu: ..." naming the closest alternative; nothing is ignored."""
import json

import numpy as np
import pytest

import spikegpu
import spikegpu.nest as nest


@pytest.fixture(autouse=True)
def fresh_kernel():
    nest.ResetKernel()
    nest.local_num_threads = 1
    yield
    nest.ResetKernel()


# ---- kernel ----------------------------------------------------------------------------------------
def test_kernel_attributes_take_effect():
    assert nest.resolution == 0.1 and nest.rng_seed == 143202461 and nest.local_num_threads == 1
    assert nest.print_time is False and nest.biological_time == 0.0 and nest.network_size == 0
    nest.resolution = 1.0
    nest.rng_seed = 5
    assert nest.GetKernelStatus("resolution") == 1.0 and nest.GetKernelStatus(["rng_seed"]) == (5,)
    n = nest.Create("gl_exp", 2)
    nest.Simulate(10.0)
    assert nest.GetKernelStatus("biological_time") == 10.0
    assert n.simulator.steps == 10                       # h = 1 ms in the run
    assert nest.network_size == 2


def test_set_kernel_status_forms_and_atomicity():
    nest.SetKernelStatus({"resolution": 0.5, "rng_seed": 9, "local_num_threads": 2, "print_time": False})
    assert nest.GetKernelStatus(["resolution", "rng_seed", "local_num_threads", "total_num_virtual_procs"]) == (0.5, 9, 2, 2)
    nest.set(resolution=0.25)
    assert nest.get("resolution") == 0.25
    with pytest.raises(spikegpu.ArgumentError, match="seed"):
        nest.SetKernelStatus({"resolution": 1.0, "rng_seed": -1})
    assert nest.resolution == 0.25 and nest.rng_seed == 9             # all or nothing
    with pytest.raises(spikegpu.UnknownNameError, match="'resoltion' is not a kernel parameter.*resolution"):
        nest.SetKernelStatus({"resoltion": 1.0})
    with pytest.raises(spikegpu.NotSupportedError, match="not supported by spikegpu: kernel parameter 'use_wfr'"):
        nest.SetKernelStatus({"use_wfr": False})
    with pytest.raises(spikegpu.ArgumentError, match="read-only"):
        nest.SetKernelStatus({"network_size": 3})
    d = nest.GetKernelStatus()
    assert {"resolution", "rng_seed", "local_num_threads", "print_time", "biological_time",
            "network_size", "num_connections", "data_path", "overwrite_files"} <= set(d)


def test_kernel_settings_refused_once_nodes_exist():
    nest.Create("gl_exp")
    for key, value in (("resolution", 1.0), ("rng_seed", 3), ("local_num_threads", 2)):
        with pytest.raises(spikegpu.StateError, match="before the first node"):
            setattr(nest, key, value)
    assert nest.resolution == 0.1 and nest.rng_seed == 143202461
    nest.print_time = True                               # takes effect at any time, as in NEST
    assert nest.print_time


def test_module_attribute_guard():
    with pytest.raises(AttributeError, match="Cannot set attribute 'resoltion'"):
        nest.resoltion = 1.0
    with pytest.raises(AttributeError, match="read-only"):
        nest.network_size = 5
    with pytest.raises(AttributeError, match="no attribute 'Foo'"):
        nest.Foo
    assert not hasattr(nest, "Foo")


def test_reset_kernel_forgets_everything():
    nest.resolution = 0.5
    nest.CopyModel("gl_exp", "my_gl", {"I_e": 100.0})
    nest.SetDefaults("gl_exp", {"C_m": 200.0})
    old = nest.Create("gl_exp", 3)
    nest.ResetKernel()
    assert nest.resolution == 0.1 and nest.network_size == 0
    assert "my_gl" not in nest.Models() and nest.GetDefaults("gl_exp", "C_m") == 250.0
    with pytest.raises(spikegpu.StateError, match="ResetKernel"):
        nest.Connect(old, old)
    with pytest.raises(spikegpu.StateError, match="ResetKernel"):
        old.V_m


def test_print_time_progress(capsys):
    def run(print_time):
        nest.ResetKernel()
        nest.local_num_threads = 1
        nest.print_time = print_time
        n = nest.Create("gl_exp", 20, {"I_e": 900.0})
        sr = nest.Create("spike_recorder")
        nest.Connect(n, sr)
        nest.Simulate(300.0)
        assert nest.biological_time == 300.0
        return sr.events
    quiet = run(False)
    assert capsys.readouterr().out == ""
    loud = run(True)
    out = capsys.readouterr().out
    assert "[ 100% ] Model time: 300.0 ms, Real-time factor:" in out
    np.testing.assert_array_equal(quiet["times"], loud["times"])      # the pieces change nothing
    np.testing.assert_array_equal(quiet["senders"], loud["senders"])


def test_prepare_run_cleanup():
    with pytest.raises(spikegpu.StateError, match="Run called without calling Prepare"):
        nest.Run(1.0)
    with pytest.raises(spikegpu.StateError, match="Cleanup called without calling Prepare"):
        nest.Cleanup()
    n = nest.Create("gl_exp", 5, {"I_e": 900.0})
    sr = nest.Create("spike_recorder")
    nest.Connect(n, sr)
    nest.Prepare()
    with pytest.raises(spikegpu.StateError, match="Prepare called twice"):
        nest.Prepare()
    with pytest.raises(spikegpu.StateError, match="Simulate called between Prepare and Cleanup"):
        nest.Simulate(1.0)
    for _ in range(10):
        nest.Run(10.0)
    nest.Cleanup()
    with nest.RunManager():
        nest.Run(50.0)
    split = sr.events
    nest.ResetKernel()
    nest.local_num_threads = 1
    n = nest.Create("gl_exp", 5, {"I_e": 900.0})
    sr = nest.Create("spike_recorder")
    nest.Connect(n, sr)
    nest.Simulate(150.0)
    np.testing.assert_array_equal(split["times"], sr.events["times"])   # runs = one Simulate
    np.testing.assert_array_equal(split["senders"], sr.events["senders"])


def test_verbosity():
    nest.set_verbosity("M_ERROR")
    assert nest.get_verbosity() == nest.VerbosityLevel.ERROR
    nest.verbosity = nest.VerbosityLevel.WARNING
    assert nest.verbosity == nest.VerbosityLevel.WARNING
    with pytest.raises(spikegpu.ArgumentError, match="M_WARNING"):
        nest.set_verbosity("M_LOUD")


# ---- Create, models, defaults -------------------------------------------------------------------------
def test_create_forms():
    a = nest.Create("gl_exp", 3, params={"I_e": [100.0, 200.0, 300.0], "C_m": 200.0})
    assert a.I_e == (100.0, 200.0, 300.0) and a.C_m == (200.0,) * 3 and a[1].I_e == 200.0
    b = nest.Create("gl_exp", 2, params=[{"V_m": -70.0}, {"V_m": -60.0}])
    assert b.V_m == (-70.0, -60.0)
    c = nest.Create("gl_exp", 1000, params={"V_m": nest.random.uniform(-70.0, -60.0)})
    v = np.array(c.V_m)
    assert v.min() >= -70.0 and v.max() < -60.0 and len(np.unique(v)) == 1000
    assert isinstance(nest.Create("parrot_neuron"), nest.NodeCollection)
    with pytest.raises(spikegpu.ArgumentError, match="n = 0"):
        nest.Create("gl_exp", 0)


def test_failed_create_leaves_no_nodes():
    nest.Create("gl_exp", 2)
    with pytest.raises(spikegpu.ArgumentError, match="C_m"):
        nest.Create("gl_exp", 1000, params={"C_m": -1.0})
    with pytest.raises(spikegpu.ArgumentError):
        nest.Create("gl_exp", 2, params=[{"V_m": -70.0}, {"C_m": -1.0}])
    with pytest.raises(spikegpu.UnknownNameError, match="foo"):
        nest.Create("gl_exp", 5, params={"foo": 1.0})
    assert nest.network_size == 2
    assert nest.Create("gl_exp").global_id == 3


def test_unknown_model_is_named():
    with pytest.raises(spikegpu.NotSupportedError,
                       match="not supported by spikegpu: model 'aeif_cond_alpha'; models: .*gl_exp"):
        nest.Create("aeif_cond_alpha")
    with pytest.raises(spikegpu.ArgumentError, match="synapse model"):
        nest.Create("static_synapse")


def test_copy_model_and_defaults():
    nest.CopyModel("gl_exp", "fast_gl", {"tau_m": 5.0})
    nest.SetDefaults("fast_gl", {"I_e": 10.0})
    nest.SetDefaults("gl_exp", "C_m", 300.0)
    n = nest.Create("fast_gl", 2)
    assert n.tau_m == (5.0, 5.0) and n.I_e == (10.0, 10.0) and n.C_m == (300.0, 300.0)
    assert n.model == "fast_gl" and n.get("model") == ("fast_gl", "fast_gl")
    assert nest.GetStatus(n[0], "model") == ("fast_gl",)
    d = nest.GetDefaults("fast_gl")
    assert d["tau_m"] == 5.0 and d["I_e"] == 10.0 and d["element_type"] == "neuron"
    assert d["recordables"] == ["V_m", "refr_tick", "I_stim"]
    assert nest.GetDefaults("gl_exp", ["C_m", "tau_m"]) == [300.0, 10.0]
    assert json.loads(nest.GetDefaults("gl_exp", "C_m", output="json")) == 300.0
    assert "fast_gl" in nest.Models("nodes") and "static_synapse" in nest.Models("synapses")
    assert "fast_gl" in nest.node_models
    assert nest.GetDefaults("spike_recorder")["element_type"] == "recorder"
    assert nest.GetDefaults("poisson_generator")["element_type"] == "stimulator"
    # checked when given, not when used
    with pytest.raises(spikegpu.ArgumentError, match="C_m"):
        nest.SetDefaults("gl_exp", {"C_m": -5.0})
    with pytest.raises(spikegpu.UnknownNameError, match="nope"):
        nest.CopyModel("gl_exp", "x", {"nope": 1.0})
    with pytest.raises(spikegpu.ArgumentError, match="exists already"):
        nest.CopyModel("gl_exp", "fast_gl")
    assert nest.GetDefaults("gl_exp", "C_m") == 300.0 and "x" not in nest.Models()


def test_synapse_models():
    nest.CopyModel("static_synapse", "exc", {"weight": 2.5, "delay": 1.5})
    nest.SetDefaults("static_synapse", {"weight": 0.5})
    a = nest.Create("gl_exp", 3)
    b = nest.Create("gl_exp", 2)
    nest.Connect(a, b, syn_spec="exc")
    nest.Connect(b, a)
    nest.Connect(a, a, "one_to_one", {"synapse_model": "exc", "weight": 4.0})
    assert nest.GetDefaults("exc")["num_connections"] == 9
    assert nest.GetDefaults("static_synapse")["num_connections"] == 6
    c = nest.GetConnections(a, b)
    assert c.weight == [2.5] * 6 and c.delay == [1.5] * 6
    assert nest.GetConnections(b, a).weight == [0.5] * 6
    with pytest.raises(spikegpu.NotSupportedError, match="synapse model 'stdp_synapse'.*static_synapse"):
        nest.Connect(a, b, syn_spec={"synapse_model": "stdp_synapse"})
    with pytest.raises(spikegpu.NotSupportedError, match="synapse parameter 'tau_plus'"):
        nest.Connect(a, b, syn_spec={"tau_plus": 20.0})
    with pytest.raises(spikegpu.ArgumentError, match="delay"):
        nest.CopyModel("static_synapse", "bad", {"delay": -1.0})


def test_help_prints_the_model(capsys):
    nest.help("glif_cond" if "glif_cond" in spikegpu.models() else "gl_exp")
    out = capsys.readouterr().out
    assert "recordables:" in out and "V_m" in out
    assert "static" in nest.help("static_synapse", return_text=True)
    assert "import spikegpu.nest as nest" in nest.help(return_text=True)


# ---- NodeCollection ---------------------------------------------------------------------------------
def test_node_collection():
    n = nest.Create("gl_exp", 5)
    assert len(n) == 5 and n.tolist() == [1, 2, 3, 4, 5] and n.global_id == (1, 2, 3, 4, 5)
    parts = list(n)
    assert all(isinstance(p, nest.NodeCollection) and len(p) == 1 for p in parts)
    assert parts[2].global_id == 3 and n[2] == parts[2] and n[-1].global_id == 5
    assert n[1:3].tolist() == [2, 3] and n.index(4) == 3 and 3 in n and n[1] in n
    m = nest.Create("parrot_neuron", 2)
    both = n + m
    assert len(both) == 7 and both.model == ("gl_exp", "parrot_neuron")
    assert nest.NodeCollection([2, 3, 4]) == n[1:4]
    assert n[::2].tolist() == [1, 3, 5] and (n[0] + n[2]).tolist() == [1, 3]
    assert nest.NodeCollection([1, 3]) == n[[0, 2]] and n[::2].index(5) == 2
    assert "step=2" in repr(n[::2]) and n[::2][1] in n and n[[1, 3]] not in n[::2]
    with pytest.raises(spikegpu.ArgumentError, match="strictly ascending"):
        nest.NodeCollection([3, 1])
    with pytest.raises(spikegpu.ArgumentError, match="strictly ascending"):
        nest.NodeCollection([1, 1])
    assert "size=5" in repr(n) and "model=gl_exp" in repr(n)


def test_get_and_set_forms():
    n = nest.Create("gl_exp", 3)
    assert n.get("V_m") == (-65.0,) * 3 and n[0].get("V_m") == -65.0
    assert n.get(["V_m", "C_m"]) == {"V_m": (-65.0,) * 3, "C_m": (250.0,) * 3}
    full = n[0].get()
    assert full["global_id"] == 1 and full["model"] == "gl_exp" and full["element_type"] == "neuron"
    assert full["recordables"] == ["V_m", "refr_tick", "I_stim"]
    assert json.loads(n.get("V_m", output="json")) == [-65.0] * 3
    n.set(V_m=-70.0)
    n.set({"I_e": [1.0, 2.0, 3.0]})
    n.set([{"C_m": 100.0}, {"C_m": 200.0}, {"C_m": 300.0}])
    n.tau_m = 12.0
    assert n.V_m == (-70.0,) * 3 and n.I_e == (1.0, 2.0, 3.0) and n.C_m == (100.0, 200.0, 300.0)
    assert n.tau_m == (12.0,) * 3
    n.set(V_m=nest.random.normal(-60.0, 1.0))
    assert len(set(n.V_m)) == 3
    with pytest.raises(spikegpu.UnknownNameError, match="foo"):
        n.set(foo=1.0)
    with pytest.raises(AttributeError, match="foo"):
        n.foo
    with pytest.raises(spikegpu.ArgumentError, match="read-only"):
        n.set(global_id=3)
    assert n.C_m == (100.0, 200.0, 300.0)


def test_get_status_set_status_forms():
    n = nest.Create("gl_exp", 2)
    assert nest.GetStatus(n, "V_m") == (-65.0, -65.0)
    assert nest.GetStatus(n, ["V_m", "C_m"]) == ((-65.0, 250.0), (-65.0, 250.0))
    st = nest.GetStatus(n)
    assert isinstance(st, tuple) and st[1]["global_id"] == 2 and st[0]["C_m"] == 250.0
    nest.SetStatus(n, "V_m", -60.0)
    nest.SetStatus(n, {"I_e": 5.0})
    nest.SetStatus(n, [{"C_m": 1.0}, {"C_m": 2.0}])
    nest.SetStatus(n, {"tau_m": [3.0, 4.0]})
    assert nest.GetStatus(n, ["V_m", "I_e", "C_m", "tau_m"]) == ((-60.0, 5.0, 1.0, 3.0), (-60.0, 5.0, 2.0, 4.0))
    with pytest.raises(spikegpu.ArgumentError, match="C_m"):
        nest.SetStatus(n, {"C_m": -1.0})


def test_recorders_events_and_n_events():
    n = nest.Create("gl_exp", 4, {"I_e": 1000.0})
    sr = nest.Create("spike_recorder")
    mm = nest.Create("multimeter", params={"record_from": ["V_m"], "interval": 1.0})
    vm = nest.Create("voltmeter")
    nest.Connect(n, sr)
    nest.Connect(mm, n)
    nest.Connect(vm, n[0])
    nest.Simulate(100.0)
    ev = sr.events
    assert ev["senders"].dtype == np.int64 and len(ev["times"]) == sr.n_events > 0
    assert nest.GetStatus(sr, "events")[0]["times"].tolist() == ev["times"].tolist()
    assert nest.GetStatus(sr, keys="events")[0]["senders"].tolist() == ev["senders"].tolist()
    assert nest.GetStatus(mm)[0]["events"]["V_m"].shape == (400,)
    assert sr.get("events", "times").tolist() == ev["times"].tolist()
    assert set(sr.get()) >= {"events", "n_events", "record_to", "label", "start", "stop", "origin"}
    assert vm.get("record_from") == ["V_m"] and len(vm.events["V_m"]) == 100
    (sr + mm).get("n_events")                        # a tuple, one per recorder
    sr.n_events = 0                                  # clears, as in NEST
    assert sr.n_events == 0 and len(sr.events["times"]) == 0
    nest.Simulate(50.0)
    assert sr.n_events > 0 and sr.events["times"].min() > 100.0
    with pytest.raises(spikegpu.ArgumentError, match="allowed 0"):
        sr.n_events = 3
    with pytest.raises(spikegpu.NotSupportedError, match="record_to 'screen'"):
        sr.set(record_to="screen")
    with pytest.raises(spikegpu.UnknownNameError, match="recorders only"):
        n.n_events


# ---- Connect, GetConnections ------------------------------------------------------------------------
def test_connect_forms():
    a = nest.Create("gl_exp", 10)
    b = nest.Create("gl_exp", 10)
    nest.Connect(a, b)                                              # all_to_all
    nest.Connect(a, b, "one_to_one")
    nest.Connect(a, b, {"rule": "fixed_indegree", "indegree": 3})
    nest.Connect(a, b, {"rule": "fixed_outdegree", "outdegree": 2}, {"weight": 2.0, "delay": 2.0})
    nest.Connect(a, b, {"rule": "fixed_total_number", "N": 7}, {"weight": nest.random.uniform(1.0, 2.0)})
    nest.Connect(a, b, {"rule": "pairwise_bernoulli", "p": 0.5, "allow_autapses": False},
                 {"delay": nest.math.redraw(nest.random.normal(2.0, 0.5), min=1.0, max=3.0)})
    sc = nest.Connect(a[0], b[0], syn_spec={"weight": 9.0}, return_synapsecollection=True)
    assert isinstance(sc, nest.SynapseCollection) and 9.0 in sc.weight
    total = 100 + 10 + 30 + 20 + 7
    c = nest.GetConnections(a, b)
    assert len(c) > total and nest.num_connections == len(c)
    assert nest.GetKernelStatus("max_delay") <= 3.0 and nest.min_delay == 1.0
    w = np.array(nest.GetConnections(a, b).get("weight"))
    assert ((w >= 1.0) & (w < 2.0)).sum() >= 7
    one = c[0]
    assert len(one) == 1 and set(one.get()) >= {"source", "target", "weight", "delay", "receptor"}
    assert nest.GetStatus(c[:3], "weight") == tuple(c[:3].weight)


def test_connect_unsupported():
    a = nest.Create("gl_exp", 3)
    with pytest.raises(spikegpu.NotSupportedError, match="rule 'symmetric_pairwise_bernoulli'"):
        nest.Connect(a, a, {"rule": "symmetric_pairwise_bernoulli", "p": 0.1})
    with pytest.raises(spikegpu.NotSupportedError, match="make_symmetric"):
        nest.Connect(a, a, {"rule": "one_to_one", "make_symmetric": True})
    with pytest.raises(spikegpu.NotSupportedError, match="spatial"):
        nest.Connect(a, a, {"rule": "pairwise_bernoulli", "p": 0.1, "mask": {}})
    with pytest.raises(spikegpu.NotSupportedError, match="Disconnect"):
        nest.Disconnect(a, a)
    with pytest.raises(spikegpu.NotSupportedError, match="changing connections"):
        nest.SetStatus(nest.GetConnections(), {"weight": 2.0})
    with pytest.raises(spikegpu.NotSupportedError, match="uniform_int"):
        nest.random.uniform_int(5)
    with pytest.raises(spikegpu.NotSupportedError, match="positions"):
        nest.Create("gl_exp", 2, positions=object())
    with pytest.raises(spikegpu.NotSupportedError, match="spatial"):
        nest.spatial.grid
    with pytest.raises(spikegpu.NotSupportedError, match="Install"):
        nest.Install("mymodule")
    with pytest.raises(spikegpu.NotSupportedError, match="time_in_steps"):
        nest.Create("spike_recorder", params={"time_in_steps": True})
    assert nest.network_size == 3 and nest.num_connections == 0


def test_get_connections_synapse_model_filter():
    nest.CopyModel("static_synapse", "exc")
    a = nest.Create("gl_exp", 2)
    nest.Connect(a, a, syn_spec="exc")
    assert len(nest.GetConnections(synapse_model="exc")) == 4
    assert len(nest.GetConnections(synapse_model="static_synapse")) == 0
    assert nest.GetConnections().synapse_model == ["exc"] * 4
    nest.Connect(a, a)
    with pytest.raises(spikegpu.NotSupportedError, match="several synapse models"):
        nest.GetConnections(synapse_model="exc")


# ---- record_to "ascii", data_path ---------------------------------------------------------------------
def test_record_to_ascii(tmp_path):
    nest.data_path = str(tmp_path)
    nest.data_prefix = "run1-"
    n = nest.Create("gl_exp", 3, {"I_e": 1000.0})
    sr = nest.Create("spike_recorder", params={"record_to": "ascii", "label": "exc"})
    mm = nest.Create("multimeter", params={"record_to": "ascii", "record_from": ["V_m"], "interval": 5.0})
    nest.Connect(n, sr)
    nest.Connect(mm, n)
    nest.Simulate(50.0)
    nest.Simulate(50.0)
    lines = (tmp_path / f"run1-exc-{sr.global_id}-0.dat").read_text().splitlines()
    assert lines[2] == "sender\ttime_ms" and len(lines) == 3 + sr.n_events
    assert lines[3] == f"{sr.events['senders'][0]}\t{sr.events['times'][0]:.3f}"
    mlines = (tmp_path / f"run1-multimeter-{mm.global_id}-0.dat").read_text().splitlines()
    assert mlines[2] == "sender\ttime_ms\tV_m" and len(mlines) == 3 + 3 * 20
    assert (tmp_path / "exc.h5").exists()          # spikegpu's SONATA file of the same recorder
    # an ascii file of an earlier run is not overwritten unless overwrite_files is set (as NEST)
    nest.ResetKernel()
    other = tmp_path / "other"
    other.mkdir()
    (other / "exc-2-0.dat").write_text("# an earlier run\n")
    nest.data_path = str(other)
    nest.Create("gl_exp")
    nest.Create("spike_recorder", params={"record_to": "ascii", "label": "exc"})
    with pytest.raises(spikegpu.FileIOError, match="exc-2-0.dat exists already.*overwrite_files"):
        nest.Simulate(1.0)
    assert nest.biological_time == 0.0
    # spikegpu's own files: a folder with .h5 files of an earlier run needs overwrite_files too
    nest.ResetKernel()
    with pytest.raises(spikegpu.StateError, match="exc.h5.*overwrite_files"):
        nest.data_path = str(tmp_path)
    nest.SetKernelStatus({"data_path": str(tmp_path), "overwrite_files": True})
    assert nest.data_path == str(tmp_path)
    with pytest.raises(spikegpu.FileIOError, match="does not exist"):
        nest.ResetKernel() or setattr(nest, "data_path", str(tmp_path / "no" / "such"))


# ---- plots ----------------------------------------------------------------------------------------
def test_raster_and_voltage_trace(tmp_path):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    n = nest.Create("gl_exp", 10, {"I_e": 1000.0})
    sr = nest.Create("spike_recorder")
    vm = nest.Create("voltmeter", params={"interval": 0.5})
    nest.Connect(n, sr)
    nest.Connect(vm, n[:3])
    nest.Simulate(200.0)
    ax1, ax2 = nest.raster_plot.from_device(sr, hist=True)
    assert len(ax1.lines[0].get_xdata()) == sr.n_events
    ax = nest.voltage_trace.from_device(vm)
    assert len(ax.lines) == 3 and len(ax.lines[0].get_xdata()) == 400
    spikegpu.plot.raster_from_data(sr.events, sel=[1, 2], time=(0.0, 100.0))
    with pytest.raises(spikegpu.ArgumentError, match="spike_recorder"):
        nest.raster_plot.from_device(vm)
    plt.close("all")
