"""spikegpu.io: recordings as Neo objects (SpikeTrain, AnalogSignal with units, t_start, t_stop)
and NWB files. The Neo and NWB tests need neo (and quantities) or pynwb, optional packages: where
they are missing those tests are skipped, saying so (make test-py prints skip reasons); the
tests of the messages for a missing package always run."""
import os
import shutil
import sys

import numpy as np
import pytest

import spikegpu
import spikegpu.io as sio


def _net(out, report_double=True, **kw):
    sim = spikegpu.Simulator(seed=5, backend="cpu", threads=1, output=out,
                             report_double=report_double, **kw)
    n = sim.create("gl_exp", 10, {"I_e": 650.0}, name="exc")
    q = sim.create("gl_exp", 3, {"I_e": 0.0}, name="quiet")   # never spikes
    sr = sim.create("spike_recorder", name="sr")
    mm = sim.create("multimeter", params={"interval": 0.5, "record_from": ["V_m", "I_stim"]},
                    name="mm")
    sim.connect(n + q, sr)
    sim.connect(mm, n[2:5])
    sim.connect(mm, q[:1])
    return sim, n, q, sr, mm


def _converted(tmp_path, t_ms, report_double=True):
    """_net run for t_ms; its events and their conversions, made while the simulation is open."""
    sim, n, q, sr, mm = _net(tmp_path, report_double)
    with sim:
        sim.simulate(t_ms)
        return dict(n=n, q=q, ev=sr.events, sm=mm.events, trains=sio.spiketrains(sr),
                    sigs=sio.analogsignals(mm))


@pytest.fixture
def neo_pq():
    """(neo, quantities); the test is skipped, saying why, without them or h5py."""
    neo = pytest.importorskip("neo", reason="neo is not installed (pip install neo)")
    pq = pytest.importorskip("quantities", reason="quantities is not installed (pip install neo)")
    pytest.importorskip("h5py", reason="h5py is not installed (reads the files)")
    return neo, pq


def test_missing_packages_are_named(monkeypatch, tmp_path):
    with spikegpu.Simulator(backend="cpu", threads=1) as sim:
        sr = sim.create("spike_recorder")
        monkeypatch.setitem(sys.modules, "neo", None)
        with pytest.raises(ImportError, match="pip install neo"):
            sio.spiketrains(sr)
        monkeypatch.setitem(sys.modules, "pynwb", None)
        with pytest.raises(ImportError, match="pip install pynwb"):
            sio.to_nwb(tmp_path / "x.nwb", sr)


def test_spiketrains_from_memory_and_file(tmp_path, neo_pq):
    neo, pq = neo_pq
    r = _converted(tmp_path, 120.0)
    n, q, ev, mem = r["n"], r["q"], r["ev"], r["trains"]
    assert [st.annotations["source_id"] for st in mem] == list(range(n.first, q.last + 1))
    assert [len(st) for st in mem[-3:]] == [0, 0, 0]    # silent neurons have (empty) trains
    assert sum(len(st) for st in mem) == ev["times"].size > 20
    for st in mem:
        assert isinstance(st, neo.SpikeTrain) and st.units == pq.ms
        assert st.t_start == 0.0 * pq.ms and st.t_stop == 120.0 * pq.ms
        gid = st.annotations["source_id"]
        np.testing.assert_array_equal(st.magnitude, ev["times"][ev["senders"] == gid])
        assert st.annotations["population"] == ("exc" if gid in n else "quiet")
        assert st.annotations["recorder"] == "sr"
    files = sio.spiketrains(tmp_path / "sr.h5")
    assert len(files) == len(mem)
    for a, b in zip(mem, files):
        assert a.annotations == b.annotations and a.name == b.name
        np.testing.assert_array_equal(a.magnitude, b.magnitude)
        assert (a.t_start, a.t_stop) == (b.t_start, b.t_stop)


def test_spiketrains_span_ids_and_overrides(tmp_path, neo_pq):
    pq = neo_pq[1]
    import h5py
    sim, n, q, sr, mm = _net(tmp_path)
    with sim:
        sim.simulate(50.0)
        late = sim.create("spike_recorder", name="late")  # listens from 50 ms
        sim.connect(n[:4], late)
        sim.simulate(30.0)
        tr = sio.spiketrains(late)
        assert len(tr) == 4 and all(st.t_start == 50.0 * pq.ms and st.t_stop == 80.0 * pq.ms for st in tr)
        assert all((st.magnitude > 50.0).all() for st in tr)
        sub = sio.spiketrains(sr, ids=[n[1].first, n[0].first], t_start=0.0, t_stop=100.0 * pq.ms)
        assert [st.annotations["source_id"] for st in sub] == [n.first, n.first + 1]
        assert sub[0].t_stop == 100.0 * pq.ms
        with pytest.raises(spikegpu.ArgumentError, match="outside"):
            sio.spiketrains(sr, t_stop=1.0)
        with pytest.raises(spikegpu.ArgumentError, match="t_start <= t_stop"):
            sio.spiketrains(sr, t_start=90.0, t_stop=80.0)
        with pytest.raises(spikegpu.ArgumentError, match="allowed a time in ms"):
            sio.spiketrains(sr, t_stop="late")
    tf = sio.spiketrains(tmp_path / "late.h5")   # the file: every neuron of its population
    assert len(tf) == len(n) and tf[0].t_start == 50.0 * pq.ms and tf[0].t_stop == 80.0 * pq.ms
    # a file of an older spikegpu (no t_start, t_stop): refused unless they are given
    old = tmp_path / "old.h5"
    shutil.copy(tmp_path / "sr.h5", old)
    with h5py.File(old, "r+") as f:
        del f.attrs["t_start"]
        del f["t_stop"]
    with pytest.raises(ValueError, match="pass t_start and t_stop"):
        sio.spiketrains(old)
    assert sio.spiketrains(old, t_start=0.0, t_stop=80.0)[0].t_stop == 80.0 * pq.ms


def test_analogsignals_from_memory_and_file(tmp_path, neo_pq):
    neo, pq = neo_pq
    r = _converted(tmp_path, 40.0)
    n, q, ev, sigs = r["n"], r["q"], r["sm"], r["sigs"]
    assert [s.name for s in sigs] == ["V_m", "I_stim"]
    ids = [n.first + 2, n.first + 3, n.first + 4, q.first]
    for s in sigs:
        assert isinstance(s, neo.AnalogSignal) and s.shape == (80, 4)
        assert s.sampling_period == 0.5 * pq.ms and s.t_start == 0.5 * pq.ms
        assert s.t_stop == 40.5 * pq.ms        # Neo's t_stop: one period past the last sample
        np.testing.assert_array_equal(s.array_annotations["channel_ids"], ids)
        assert list(s.array_annotations["population"]) == ["exc", "exc", "exc", "quiet"]
        np.testing.assert_array_equal(s.magnitude.ravel(), ev[s.name])
    assert sigs[0].units == pq.mV and sigs[1].units == pq.pA
    for s in sigs:   # report_double: the files hold every bit
        (f,) = sio.analogsignals(tmp_path / f"mm_{s.name}.h5")
        assert f.name == s.name and f.units == s.units and f.annotations["recorder"] == "mm"
        assert f.annotations["complete_until_ms"] == 40.0
        np.testing.assert_array_equal(f.magnitude, s.magnitude)
        np.testing.assert_array_equal(f.array_annotations["channel_ids"], ids)
        assert (f.t_start, f.sampling_period) == (s.t_start, s.sampling_period)


def test_analogsignals_float32_files(tmp_path, neo_pq):
    mem = _converted(tmp_path, 20.0, report_double=False)["sigs"][0]
    (f,) = sio.analogsignals(tmp_path / "mm_V_m.h5")
    assert f.dtype == np.float64
    np.testing.assert_array_equal(f.magnitude, mem.magnitude.astype(np.float32))


def test_to_neo_and_elephant(tmp_path, neo_pq):
    neo, pq = neo_pq
    sim, n, q, sr, mm = _net(tmp_path)
    with sim:
        sim.simulate(200.0)
        blk = sio.to_neo(sr, mm, name="demo")
    assert isinstance(blk, neo.Block) and blk.name == "demo" and len(blk.segments) == 1
    seg = blk.segments[0]
    assert len(seg.spiketrains) == 13 and [s.name for s in seg.analogsignals] == ["V_m", "I_stim"]
    assert blk.annotations["seed"] == 5 and blk.annotations["backend"] == "cpu"
    fb = sio.to_neo(tmp_path / "sr.h5", tmp_path / "mm_V_m.h5")
    assert len(fb.segments[0].spiketrains) == 13 and len(fb.segments[0].analogsignals) == 1
    assert len(fb.annotations["run_id"]) == 32
    try:
        import elephant.statistics as es
    except ImportError:
        pytest.skip("elephant is not installed (pip install elephant): the Neo part passed")
    for st in seg.spiketrains:   # Elephant takes them as they are
        rate = es.mean_firing_rate(st)
        assert abs(float(rate.rescale(1 / pq.s).magnitude) - len(st) / 0.2) < 1e-9


def test_bad_sources(tmp_path, neo_pq):
    import h5py
    sim, n, q, sr, mm = _net(tmp_path)
    with sim:
        sim.simulate(10.0)
        with pytest.raises(spikegpu.ArgumentError, match="node 1 is a gl_exp: allowed a spike_recorder"):
            sio.spiketrains(n[:1])
        with pytest.raises(spikegpu.ArgumentError, match="holds 2 nodes"):
            sio.spiketrains(sr + mm)
        with pytest.raises(spikegpu.ArgumentError, match="allowed a multimeter"):
            sio.analogsignals(sr)
        with pytest.raises(spikegpu.ArgumentError, match="allowed a NodeCollection of one recorder"):
            sio.spiketrains(42)
        with pytest.raises(spikegpu.ArgumentError, match="no source"):
            sio.to_neo()
    with pytest.raises(ValueError, match="is a report file"):
        sio.spiketrains(tmp_path / "mm_V_m.h5")
    with pytest.raises(ValueError, match="is a spike file"):
        sio.analogsignals(tmp_path / "sr.h5")
    with h5py.File(tmp_path / "other.h5", "w") as f:
        f["x"] = 1
    with pytest.raises(ValueError, match="not a spikegpu spike or report file"):
        sio.spiketrains(tmp_path / "other.h5")
    with spikegpu.Simulator(backend="cpu", threads=1, output=tmp_path / "k", keep_in_memory=False) as s2:
        r = s2.create("spike_recorder")
        s2.simulate(1.0)
        with pytest.raises(spikegpu.StateError, match="read the spikes from the HDF5 file"):
            sio.spiketrains(r)


def test_to_nwb(tmp_path):
    pynwb = pytest.importorskip("pynwb", reason="pynwb is not installed (pip install pynwb)")
    pytest.importorskip("h5py")
    sim, n, q, sr, mm = _net(tmp_path)
    with sim:
        sim.simulate(60.0)
        ev, sm = sr.events, mm.events
        path = sio.to_nwb(tmp_path / "run.nwb", sr, mm, session_description="test run")
        with pytest.raises(FileExistsError, match="overwrite=True"):
            sio.to_nwb(tmp_path / "run.nwb", sr)
        sio.to_nwb(tmp_path / "run.nwb", sr, mm, overwrite=True, identifier="again")
    assert path == os.fspath(tmp_path / "run.nwb")
    with pynwb.NWBHDF5IO(path, "r") as io:
        f = io.read()
        assert f.identifier == "again" and f.session_description == "spikegpu simulation"
        units = f.units.to_dataframe()
        assert list(units["node_id"]) == list(range(n.first, q.last + 1))
        for _, u in units.iterrows():
            want = ev["times"][ev["senders"] == u["node_id"]] * 1e-3
            np.testing.assert_array_equal(np.asarray(u["spike_times"]), want)
            np.testing.assert_array_equal(np.asarray(u["obs_intervals"]), [[0.0, 0.06]])
            assert u["recorder"] == "sr"
        ts = f.acquisition["mm_V_m"]
        assert ts.unit == "volts" and ts.conversion == 1e-3 and ts.rate == 2000.0
        assert ts.starting_time == 0.0005 and ts.data.shape == (120, 4)
        np.testing.assert_array_equal(np.asarray(ts.data[:]).ravel(), sm["V_m"])
        assert f.acquisition["mm_I_stim"].unit == "amperes"
        nodes = f.processing["spikegpu"]["mm_V_m_nodes"].to_dataframe()
        assert list(nodes["node_id"]) == [n.first + 2, n.first + 3, n.first + 4, q.first]
    # from the files: the run's id is the NWB identifier
    p2 = sio.to_nwb(tmp_path / "files.nwb", tmp_path / "sr.h5", tmp_path / "mm_V_m.h5")
    with pynwb.NWBHDF5IO(p2, "r") as io:
        f = io.read()
        assert len(f.identifier) == 32 and len(f.units) == 13 and "mm_V_m" in f.acquisition
