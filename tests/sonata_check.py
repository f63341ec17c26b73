#!/usr/bin/env python3
"""Optional check that libsonata (PyPI `libsonata`) reads spikegpu's SONATA output: every spike
population through libsonata.SpikeReader and every report population through
libsonata.ElementReportReader, compared bit for bit with what h5py reads from the same file.
Not part of `make test` (libsonata is not a dependency). tests/test_h5out.c runs it on its
round-trip files when SG_SONATA_PYTHON names a Python that has libsonata, h5py and numpy:
    python3 -m venv /tmp/sonvenv && /tmp/sonvenv/bin/pip install libsonata h5py numpy
    SG_SONATA_PYTHON=/tmp/sonvenv/bin/python build/tests/run h5out
or by hand on any output: sonata_check.py FILE.h5 [FILE.h5 ...] (a file with /spikes is read as
spikes, one with /report as a report). Exit 0: ok; 1: mismatch or libsonata error; 77: libsonata,
h5py or numpy not importable."""
import sys

try:
    import h5py
    import libsonata
    import numpy as np
except ImportError as e:
    print(f"skipped libsonata check: {e}")
    sys.exit(77)


def bits_equal(a, b):
    a, b = np.ascontiguousarray(a, dtype=np.float64), np.ascontiguousarray(b, dtype=np.float64)
    return a.shape == b.shape and np.array_equal(a.view(np.uint64), b.view(np.uint64))


def check_spikes(path, bad):
    reader = libsonata.SpikeReader(path)
    with h5py.File(path, "r") as f:
        names = sorted(f["spikes"].keys())
        if sorted(reader.get_population_names()) != names:
            bad.append(f"{path}: populations {reader.get_population_names()} vs {names}")
            return 0
        for name in names:
            g = f["spikes"][name]
            ts, ids = g["timestamps"][()], g["node_ids"][()]
            pop = reader[name]
            d = pop.get_dict()
            if not (bits_equal(d["timestamps"], ts) and np.array_equal(np.asarray(d["node_ids"]), ids)):
                bad.append(f"{path}: {name}: libsonata spikes differ from h5py")
            if pop.sorting != "by_time":
                bad.append(f"{path}: {name}: sorting {pop.sorting!r}")
            if len(ts) and tuple(pop.times) != (ts[0], ts[-1]):
                bad.append(f"{path}: {name}: times {pop.times} vs {(ts[0], ts[-1])}")
            if pop.time_units != "ms":
                bad.append(f"{path}: {name}: time_units {pop.time_units!r}")
            print(f"  libsonata SpikeReader {name}: {len(ts)} spikes, sorting {pop.sorting}")
    return len(names)


def check_report(path, bad):
    reader = libsonata.ElementReportReader(path)
    with h5py.File(path, "r") as f:
        names = sorted(f["report"].keys())
        if sorted(reader.get_population_names()) != names:
            bad.append(f"{path}: populations {reader.get_population_names()} vs {names}")
            return 0
        for name in names:
            g = f["report"][name]
            data, time = g["data"][()], g["mapping/time"][()]
            node_ids = g["mapping/node_ids"][()]
            n = int(round((time[1] - time[0]) / time[2]))
            pop = reader[name]
            if not bits_equal(pop.times, time):
                bad.append(f"{path}: {name}: times {pop.times} vs {time.tolist()}")
            if pop.time_units != "ms" or pop.data_units != g["data"].attrs["units"]:
                bad.append(f"{path}: {name}: units {pop.time_units!r} {pop.data_units!r}")
            if not np.array_equal(np.asarray(pop.get_node_ids()), node_ids):
                bad.append(f"{path}: {name}: node ids differ")
            if data.dtype != np.float32:
                bad.append(f"{path}: {name}: data is {data.dtype}; libsonata's ElementReportReader "
                           "reads float32 only (write it with sg_h5_meta.report_float32 = 1)")
                continue
            frame = pop.get()
            got = np.asarray(frame.data)
            cols = [int(np.nonzero(node_ids == nid)[0][0]) for nid, _ in np.asarray(frame.ids)]
            if got.shape != (n, len(node_ids)) or not bits_equal(got, data[:n][:, cols]):
                bad.append(f"{path}: {name}: libsonata data {got.shape} differ from h5py {data.shape}")
            times = np.asarray(frame.times)  # libsonata accumulates t += step: close, not exact
            if len(times) != n or (n and np.max(np.abs(times - (time[0] + np.arange(n) * time[2]))) > 1e-6):
                bad.append(f"{path}: {name}: {len(times)} sample times, want {n}")
            print(f"  libsonata ElementReportReader {name}: {got.shape[0]} x {got.shape[1]} values, "
                  f"times {tuple(pop.times)}, sorted {pop.sorted}")
    return len(names)


def main(paths):
    bad, n = [], 0
    for path in paths:
        with h5py.File(path, "r") as f:
            kind = "spikes" if "spikes" in f else "report" if "report" in f else None
        try:
            if kind == "spikes":
                n += check_spikes(path, bad)
            elif kind == "report":
                n += check_report(path, bad)
            else:
                bad.append(f"{path}: neither /spikes nor /report")
        except Exception as e:  # libsonata raises SonataError / RuntimeError on a bad file
            bad.append(f"{path}: libsonata: {type(e).__name__}: {e}")
    if bad:
        print("libsonata check FAILED:\n  " + "\n  ".join(bad))
        return 1
    print(f"libsonata check ok: {n} population(s) in {len(paths)} file(s) equal h5py bit for bit")
    return 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        print(__doc__)
        sys.exit(2)
    sys.exit(main(sys.argv[1:]))
