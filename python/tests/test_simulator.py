"""Simulator: configuration, lifetime, properties, simulate, memory/stats, HDF5 output."""
import gc

import numpy as np
import pytest

import spikegpu


def test_defaults_and_properties():
    with spikegpu.Simulator(backend="cpu", threads=1) as sim:
        assert sim.resolution == 0.1
        assert sim.seed == 143202461           # NEST's default
        assert sim.time == 0.0 and sim.steps == 0
        assert sim.backend == "cpu"
        assert "requested" in sim.backend_reason
        assert sim.output is None and sim.num_nodes == 0
        assert "Simulator" in repr(sim)
        assert not sim.closed
    assert sim.closed
    assert "closed" in repr(sim)


def test_auto_backend_reason():
    with spikegpu.Simulator(threads=1) as sim:
        assert sim.backend in ("cpu", "cuda")
        assert sim.backend_reason.startswith(sim.backend)


def test_cuda_backend_without_device():
    ok, why = spikegpu.cuda_available()
    if ok:
        with spikegpu.Simulator(backend="cuda") as sim:
            assert sim.backend == "cuda"
    else:
        with pytest.raises(spikegpu.NoDeviceError) as ei:
            spikegpu.Simulator(backend="cuda")
        assert ei.value.status_name == "SG_ERR_NO_DEVICE"
        assert "cuda" in ei.value.message


@pytest.mark.parametrize("kw, words", [
    ({"resolution": -0.1}, ["resolution_ms", "-0.1"]),
    ({"resolution": 0.0005}, ["resolution_ms", "0.0005"]),
    ({"threads": -1}, ["threads", "-1"]),
    ({"flush_interval": 0.0}, ["flush_interval_ms", "0"]),
    ({"cuda_block_size": 33}, ["cuda_block_size", "33"]),
    ({"keep_in_memory": False}, ["keep_in_memory", "output_dir"]),
    ({"backend": "gpu"}, ["backend", "gpu"]),
    ({"seed": -1}, ["seed", "-1"]),
    ({"seed": 1.5}, ["seed", "1.5"]),
    ({"resolution": "fine"}, ["resolution", "fine"]),
])
def test_bad_config(kw, words):
    with pytest.raises(spikegpu.ArgumentError) as ei:
        spikegpu.Simulator(**kw)
    for w in words:
        assert w in str(ei.value)


def test_unwritable_output(tmp_path):
    f = tmp_path / "file"
    f.write_text("x")
    with pytest.raises(spikegpu.FileIOError) as ei:
        spikegpu.Simulator(output=f / "sub")
    assert "output_dir" in str(ei.value)


def test_closed_simulator_raises(sim):
    n = sim.create("gl_exp", 2)
    sim.close()
    sim.close()                            # idempotent
    for call in (lambda: sim.simulate(1.0), lambda: sim.time, lambda: n.V_m,
                 lambda: n.set(V_m=1.0), lambda: sim.create("gl_exp"), lambda: sim.connect(n, n),
                 lambda: sim.memory(), lambda: sim.get_connections()):
        with pytest.raises(spikegpu.StateError, match="closed"):
            call()


def test_garbage_collected_simulator_frees_handle():
    sim = spikegpu.Simulator(backend="cpu", threads=1)
    fin = sim._finalizer
    del sim
    gc.collect()
    assert not fin.alive


def test_simulate_time_and_steps(sim):
    sim.create("gl_exp", 3)
    sim.simulate(10.0)
    sim.simulate(2.5)
    assert sim.time == pytest.approx(12.5)
    assert sim.steps == 125
    sim.simulate(0)
    assert sim.steps == 125


@pytest.mark.parametrize("t, words", [(0.05, ["0.05", "resolution"]), (-1.0, ["-1"]),
                                      (float("inf"), ["inf"])])
def test_simulate_bad_time(sim, t, words):
    sim.create("gl_exp")
    with pytest.raises(spikegpu.ArgumentError) as ei:
        sim.simulate(t)
    for w in words:
        assert w in str(ei.value)
    assert sim.time == 0.0


def test_memory_and_stats(sim):
    n = sim.create("gl_exp", 20, {"I_e": 600.0})
    sim.connect(n, n, {"rule": "fixed_indegree", "indegree": 4})
    sim.simulate(50.0)
    m = sim.memory()
    assert set(m) == {"n_nodes", "n_synapses", "csr_bytes", "ring_bytes", "state_bytes",
                      "record_bytes", "total_bytes", "bytes_per_synapse"}
    assert m["n_nodes"] == 20 and m["n_synapses"] == 80
    assert isinstance(m["total_bytes"], int) and isinstance(m["bytes_per_synapse"], float)
    s = sim.stats()
    assert set(s) == {"wall_s", "neuron_updates", "spikes", "syn_events", "rtf", "x_real_time"}
    # issue 21: NEST's real-time factor is wall / simulated time (not its inverse)
    assert s["rtf"] == pytest.approx(s["wall_s"] / 0.050)
    assert s["x_real_time"] == pytest.approx(0.050 / s["wall_s"])
    assert s["neuron_updates"] == 20 * 500
    assert s["spikes"] > 0 and s["syn_events"] > 0 and s["wall_s"] > 0


def test_hdf5_output_matches_events(tmp_path):
    h5py = pytest.importorskip("h5py")
    out = tmp_path / "out"
    with spikegpu.Simulator(seed=3, backend="cpu", threads=1, output=out) as sim:
        n = sim.create("gl_exp", 10, {"I_e": 600.0}, name="exc")
        sr = sim.create("spike_recorder", name="spikes")
        mm = sim.create("multimeter", params={"interval": 1.0, "record_from": ["V_m"]}, name="vm")
        sim.connect(n, sr)
        sim.connect(mm, n[0:4])
        sim.simulate(100.0)
        ev, vm = sr.events, mm.events
        assert sim.output == str(out)
    assert len(ev["times"]) > 0
    with h5py.File(out / "spikes.h5", "r") as f:
        g = f["spikes/exc"]
        t = g["timestamps"][:]
        ids = g["node_ids"][:] + g.attrs["first_global_id"]
        assert f.attrs["seed"] == 3
    np.testing.assert_array_equal(t, ev["times"])
    np.testing.assert_array_equal(ids, ev["senders"])
    with h5py.File(out / "vm_V_m.h5", "r") as f:
        data = f["report/exc/data"][:]           # samples x nodes, float32 (libsonata's type)
        assert data.dtype == np.float32 and data.shape == (100, 4)
        np.testing.assert_array_equal(data.ravel(), vm["V_m"].astype(np.float32))


def test_hdf5_report_double_is_bit_exact(tmp_path):
    h5py = pytest.importorskip("h5py")
    with spikegpu.Simulator(seed=3, backend="cpu", threads=1, output=tmp_path, report_double=True) as sim:
        n = sim.create("gl_exp", 3, {"I_e": 600.0}, name="exc")
        mm = sim.create("multimeter", params={"interval": 0.5, "record_from": ["V_m"]}, name="vm")
        sim.connect(mm, n)
        sim.simulate(20.0)
        vm = mm.events
    with h5py.File(tmp_path / "vm_V_m.h5", "r") as f:
        data = f["report/exc/data"][:]
        assert data.dtype == np.float64 and data.shape == (40, 3)
        np.testing.assert_array_equal(data.ravel(), vm["V_m"])


def test_keep_in_memory_false(tmp_path):
    with spikegpu.Simulator(backend="cpu", threads=1, output=tmp_path, keep_in_memory=False) as sim:
        n = sim.create("gl_exp", 2, {"I_e": 600.0})
        sr = sim.create("spike_recorder")
        sim.connect(n, sr)
        sim.simulate(10.0)
        with pytest.raises(spikegpu.StateError) as ei:
            sr.events
        assert "keep_in_memory" in str(ei.value) and str(tmp_path) in str(ei.value)


def test_progress_and_verbose_flags(capfd):
    with spikegpu.Simulator(backend="cpu", threads=1, progress=True, verbose=True) as sim:
        sim.create("gl_exp")
        sim.simulate(1.0)
    err = capfd.readouterr().err
    assert "backend cpu" in err


def test_create(sim):
    a = sim.create("gl_exp", 3)
    b = sim.create("parrot_neuron", name="parrots")
    assert (a.first, a.last, len(a)) == (1, 3, 3)
    assert (b.first, len(b)) == (4, 1)
    assert sim.num_nodes == 4
    assert sim.populations == [a, b]
    for bad in (0, -2, 1.5, True):
        with pytest.raises(spikegpu.ArgumentError, match="n ="):
            sim.create("gl_exp", bad)
    with pytest.raises(spikegpu.UnknownNameError) as ei:
        sim.create("iaf_cond_alpha")
    assert "iaf_cond_alpha" in ei.value.message and "gl_exp" in ei.value.message
    with pytest.raises(spikegpu.ArgumentError, match="parrots"):
        sim.create("gl_exp", name="parrots")
    with pytest.raises(spikegpu.ArgumentError, match="bad name"):
        sim.create("gl_exp", name="bad name")
    assert sim.num_nodes == 4                    # failed creates changed nothing


def test_create_with_params(sim):
    n = sim.create("gl_exp", 3, {"I_e": [1.0, 2.0, 3.0], "tau_m": 12.0})
    np.testing.assert_array_equal(n.I_e, [1.0, 2.0, 3.0])
    assert n.tau_m == 12.0
    m = sim.create("gl_exp", 2, [{"V_m": -60.0}, {"V_m": -61.0}])
    np.testing.assert_array_equal(m.V_m, [-60.0, -61.0])
    with pytest.raises(spikegpu.ArgumentError):
        sim.create("gl_exp", 2, [{"V_m": -60.0}])


def test_hdf5_readers(tmp_path):
    pytest.importorskip("h5py")
    from spikegpu import hdf5
    with spikegpu.Simulator(seed=5, backend="cpu", threads=1, output=tmp_path) as sim:
        sim.create("parrot_neuron", 2)
        a = sim.create("gl_exp", 6, {"I_e": 650.0}, name="a")
        b = sim.create("gl_exp", 4, {"I_e": 700.0}, name="b")
        sr = sim.create("spike_recorder", name="sr")
        mm = sim.create("multimeter", params={"interval": 0.1, "record_from": ["V_m"]}, name="mm")
        sim.connect(a + b, sr)
        sim.connect(mm, a[3:] + b[:2])
        sim.simulate(60.0)
        ev, vm = sr.events, mm.events
    sp = hdf5.read_spikes(tmp_path / "sr.h5")
    assert ev["times"].size > 10
    for k in ev:
        np.testing.assert_array_equal(sp[k], ev[k])
        assert sp[k].dtype == ev[k].dtype
    assert set(hdf5.read_spikes(tmp_path / "sr.h5", "b")["senders"].tolist()) <= set(b)
    sm = hdf5.read_samples(tmp_path / "mm_V_m.h5")
    assert sm["unit"] == "mV"
    np.testing.assert_array_equal(sm["senders"], vm["senders"])
    np.testing.assert_array_equal(sm["times"], vm["times"])
    # float32 in the file (libsonata's type; report_double=True keeps float64)
    np.testing.assert_array_equal(sm["values"], vm["V_m"].astype(np.float32))
    net = hdf5.network(tmp_path / "sr.h5")
    assert [p["name"] for p in net["populations"]][1:] == ["a", "b", "sr", "mm"]


def test_hdf5_time_span(tmp_path):
    """Every file stores t_start (root attribute) and t_stop (dataset /t_stop), in ms: t_stop
    moves with each flush (visible to an SWMR reader while the simulation is open), every event
    lies in (t_start, t_stop], and a recorder created after the first run starts at that time."""
    h5py = pytest.importorskip("h5py")
    from spikegpu import hdf5
    with spikegpu.Simulator(seed=5, backend="cpu", threads=1, output=tmp_path,
                            flush_interval=5.0) as sim:
        n = sim.create("gl_exp", 8, {"I_e": 700.0}, name="n")
        sr = sim.create("spike_recorder", name="sr")
        mm = sim.create("multimeter", params={"interval": 2.0, "record_from": ["V_m"]}, name="mm")
        sim.connect(n, sr)
        sim.connect(mm, n)
        sim.simulate(12.5)
        for name in ("sr.h5", "mm_V_m.h5"):
            assert hdf5.time_span(tmp_path / name) == (0.0, 12.5)
        late = sim.create("spike_recorder", name="late")
        sim.connect(n, late)
        sim.simulate(7.5)
        assert hdf5.time_span(tmp_path / "sr.h5") == (0.0, 20.0)
        assert hdf5.time_span(tmp_path / "late.h5") == (12.5, 20.0)
        ev = late.events
        samples = mm.events
    assert ev["times"].size and ev["times"].min() > 12.5 and ev["times"].max() <= 20.0
    assert samples["times"].max() == 20.0          # a sample at t_stop is in
    with h5py.File(tmp_path / "sr.h5", "r") as f:  # closed: a plain reader; the stored layout
        assert f.attrs["t_start"].dtype == np.float64 and f["t_stop"].shape == ()
        assert f["t_stop"].attrs["units"] in ("ms", b"ms")
    with h5py.File(tmp_path / "old.h5", "w") as f:
        f.create_group("spikes")
    with pytest.raises(ValueError, match="no t_start"):
        hdf5.time_span(tmp_path / "old.h5")


def test_voltmeter_is_a_multimeter_of_V_m(tmp_path):
    """NEST's voltmeter: record_from starts as ["V_m"], interval 1 ms; samples equal a
    multimeter's; it writes <name>_V_m.h5."""
    h5py = pytest.importorskip("h5py")
    out = tmp_path / "out"
    with spikegpu.Simulator(seed=5, backend="cpu", threads=1, output=out) as sim:
        n = sim.create("gl_exp", 6, {"I_e": 500.0}, name="exc")
        vm = sim.create("voltmeter", name="volt")
        mm = sim.create("multimeter", params={"record_from": ["V_m"]}, name="mm")
        assert vm.get("record_from") == ["V_m"] and vm.get("interval") == 1.0
        sim.connect(vm, n)
        sim.connect(mm, n)
        sim.simulate(30.0)
        a, b = vm.events, mm.events
    assert len(a["times"]) == 30 * 6 and a["times"][0] == 1.0
    for k in ("times", "senders", "V_m"):
        np.testing.assert_array_equal(a[k], b[k])
    with h5py.File(out / "volt_V_m.h5", "r") as f:
        assert f["report/exc/data"].shape == (30, 6)


# ---- issue 21, item 1: every settable attribute takes effect or raises ---------------------------
def test_settings_take_effect_while_empty():
    with spikegpu.Simulator(backend="cpu", threads=1) as sim:
        sim.resolution = 1.0
        sim.seed = 5
        assert sim.resolution == 1.0 and sim.seed == 5
        assert "resolution=1.0" in repr(sim) and "seed=5" in repr(sim)
        n = sim.create("gl_exp", 3)
        sim.simulate(10.0)
        assert sim.steps == 10                       # h = 1 ms in the run, not 0.1
        assert n.V_m == -65.0


def test_seed_set_later_gives_the_run_of_that_seed():
    def spikes(sim):
        n = sim.create("gl_exp", 50, {"I_e": 600.0})
        sr = sim.create("spike_recorder")
        sim.connect(n, sr)
        sim.simulate(100.0)
        return sr.events["times"], sr.events["senders"]
    with spikegpu.Simulator(backend="cpu", threads=1, seed=7) as a:
        ref = spikes(a)
    with spikegpu.Simulator(backend="cpu", threads=1) as b:
        b.seed = 7
        got = spikes(b)
    assert np.array_equal(ref[0], got[0]) and np.array_equal(ref[1], got[1])


@pytest.mark.parametrize("name, value", [("resolution", 0.5), ("seed", 3), ("threads", 2),
                                         ("progress", True), ("backend", "cpu")])
def test_settings_refused_once_nodes_exist(sim, name, value):
    before = getattr(sim, name)
    sim.create("gl_exp")
    with pytest.raises(spikegpu.StateError) as ei:
        setattr(sim, name, value)
    assert name in str(ei.value) and "before the first node" in str(ei.value)
    assert getattr(sim, name) == before


def test_settings_refused_after_simulate(sim):
    sim.simulate(1.0)
    with pytest.raises(spikegpu.StateError):
        sim.resolution = 1.0
    assert sim.resolution == 0.1


def test_bad_setting_value_leaves_the_simulation_as_it_was(tmp_path):
    with spikegpu.Simulator(backend="cpu", threads=1, output=tmp_path / "o") as sim:
        with pytest.raises(spikegpu.ArgumentError) as ei:
            sim.resolution = 0.0005
        assert "resolution" in str(ei.value) and "0.0005" in str(ei.value)
        assert sim.resolution == 0.1 and sim.output == str(tmp_path / "o")
        sim.overwrite_files = True                   # the folder is released and taken again
        assert sim.overwrite_files
        n = sim.create("gl_exp", 2)
        sim.simulate(1.0)
        assert sim.time == 1.0 and len(n) == 2


def test_unknown_or_read_only_attribute_cannot_be_set(sim):
    with pytest.raises(AttributeError, match="no setting 'resoltion'.*resolution"):
        sim.resoltion = 1.0
    with pytest.raises(AttributeError, match="read-only"):
        sim.time = 5.0
    assert sim.resolution == 0.1 and sim.time == 0.0
    assert not hasattr(sim, "__dict__")
