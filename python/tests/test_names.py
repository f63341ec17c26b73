"""Population names and the files they give, and the time axis of a multimeter's report file
(issue 16, items 4 and 8): names HDF5 cannot hold, default-name look-alikes and colliding file
names are refused at the call that makes them; names with '"', '\\' and control characters
survive /metadata/network_json (parsed with json); read_samples gives the true sample times."""
import numpy as np
import pytest

import spikegpu
from spikegpu import hdf5


def test_names_refused_at_create(sim):
    for bad in (".", ".."):
        with pytest.raises(spikegpu.ArgumentError, match="other than '.' and '..'"):
            sim.create("gl_exp", name=bad)
    with pytest.raises(spikegpu.ArgumentError, match="form of a default name"):
        sim.create("spike_recorder", name="spike_recorder_23")
    mm = sim.create("multimeter", name="mm", params={"record_from": ["V_m"]})
    with pytest.raises(spikegpu.ArgumentError) as ei:
        sim.create("spike_recorder", name="mm_V_m")
    assert "mm_V_m.h5" in ei.value.message and "multimeter 'mm' recording V_m" in ei.value.message
    sr = sim.create("spike_recorder", name="x_V_m")
    x = sim.create("multimeter", name="x")
    with pytest.raises(spikegpu.ArgumentError) as ei:
        x.set(record_from=["V_m"])
    assert "x_V_m.h5" in ei.value.message and "spike_recorder 'x_V_m'" in ei.value.message
    assert sim.num_nodes == len(mm) + len(sr) + len(x)


def test_names_json_escaped(tmp_path):
    names = ['q"uote', "back\\slash", "ctl\x01\x1f\r|", 'sr"\\', "unicode_\u00e9\u4e2d"]
    with spikegpu.Simulator(seed=3, backend="cpu", threads=1, output=tmp_path) as sim:
        pops = [sim.create("gl_exp", 2, {"I_e": 600.0}, name=n) for n in names[:3]]
        sr = sim.create("spike_recorder", name=names[3])
        u = sim.create("parrot_neuron", name=names[4])
        for p in pops:
            sim.connect(p, sr)
        sim.simulate(20.0)
        ev = sr.events
    path = tmp_path / (names[3] + ".h5")
    net = hdf5.network(path)                          # json.loads: raised on unescaped names
    assert [p["name"] for p in net["populations"]] == names
    assert net["populations"][4]["first_id"] == u.first
    sp = hdf5.read_spikes(path)
    np.testing.assert_array_equal(sp["times"], ev["times"])
    np.testing.assert_array_equal(sp["senders"], ev["senders"])


def test_multimeter_window_frozen_and_read_samples(tmp_path):
    with spikegpu.Simulator(seed=3, backend="cpu", threads=1, output=tmp_path) as sim:
        n = sim.create("gl_exp", 2, {"I_e": 300.0}, name="g")
        mm = sim.create("multimeter", params={"interval": 1.0, "stop": 50.0, "record_from": ["V_m"]},
                        name="mm")
        sim.connect(mm, n)
        sim.simulate(100.0)
        # samples at 1..50 ms are in the file: moving the window would put later samples on
        # the wrong times (they were written as [1, 151, 1] for windows 1-50 and 101-200)
        for key, value in (("start", 100.0), ("stop", 200.0), ("origin", 100.0)):
            with pytest.raises(spikegpu.StateError) as ei:
                mm.set({key: value})
            msg = ei.value.message
            assert f"{key} = {value:g} ms" in msg and "mm" in msg and "create a new multimeter" in msg
        mm.set(stop=50.0)                                  # the value it has: no change
        mm2 = sim.create("multimeter", params={"interval": 1.0, "start": 100.0, "stop": 200.0,
                                               "record_from": ["V_m"]}, name="mm2")
        sim.connect(mm2, n)
        sim.simulate(150.0)
        ev, ev2 = mm.events, mm2.events
    for path, e, first, last in ((tmp_path / "mm_V_m.h5", ev, 1.0, 50.0),
                                 (tmp_path / "mm2_V_m.h5", ev2, 101.0, 200.0)):
        s = hdf5.read_samples(path)
        assert s["times"][0] == first and s["times"][-1] == last
        np.testing.assert_array_equal(s["times"], e["times"])
        np.testing.assert_array_equal(s["senders"], e["senders"])
        np.testing.assert_array_equal(s["values"], e["V_m"].astype(np.float32))


def test_read_samples_ignores_rows_past_stop(tmp_path):
    """A killed run can leave a block past mapping/time's stop (written, not committed):
    read_samples gives only the committed rows, at their times."""
    h5py = pytest.importorskip("h5py")
    with spikegpu.Simulator(seed=3, backend="cpu", threads=1, output=tmp_path) as sim:
        n = sim.create("gl_exp", 3, {"I_e": 600.0}, name="g")
        mm = sim.create("multimeter", params={"interval": 0.5, "record_from": ["V_m"]}, name="mm")
        sim.connect(mm, n)
        sim.simulate(10.0)
        ev = mm.events
    path = tmp_path / "mm_V_m.h5"
    with h5py.File(path, "r+") as f:
        d = f["report/g/data"]
        rows = d.shape[0]
        d.resize((rows + 4, d.shape[1]))
        d[rows:] = -1.0
    s = hdf5.read_samples(path)
    assert len(s["times"]) == 3 * rows == len(ev["times"])
    np.testing.assert_array_equal(s["times"], ev["times"])
    np.testing.assert_array_equal(s["values"], ev["V_m"].astype(np.float32))
