#!/usr/bin/env python3
"""Reads the files of tests/test_h5out.c's kill test with h5py and checks that they hold
exactly the flushed blocks, bit for bit (the C side checks the same with the HDF5 C API).

usage: h5_kill_check.py [--swmr] SPIKES REPORT N_SPIKES N_ROWS N_NODES T0 DT
  --swmr   open as an SWMR reader (works on a killed run's file without `h5clear -s`)
exit 0: ok; 1: mismatch; 77: h5py/numpy not importable (the caller prints a skip).
The expected values mirror kill_spike()/kill_value() in tests/test_h5out.c."""
import sys

try:
    import h5py
    import numpy as np
except ImportError as e:  # the C test prints "skipped h5py check"
    print(f"skipped h5py check: {e}", end="")
    sys.exit(77)


def main(argv):
    swmr = "--swmr" in argv
    args = [a for a in argv if a != "--swmr"]
    spikes, report = args[0], args[1]
    n_spikes, n_rows, n_nodes = int(args[2]), int(args[3]), int(args[4])
    t0, dt = float(args[5]), float(args[6])
    bad = []

    with h5py.File(spikes, "r", swmr=swmr) as f:
        g = f["spikes/kill"]
        ts, ids = g["timestamps"][()], g["node_ids"][()]
        i = np.arange(n_spikes, dtype=np.uint64)
        want_t = i.astype(np.float64) * 0.125
        want_id = (i * np.uint64(2654435761)) % np.uint64(100003)
        if ts.shape != (n_spikes,) or ids.shape != (n_spikes,):
            bad.append(f"spike shapes {ts.shape} {ids.shape}, want ({n_spikes},)")
        elif not (np.array_equal(ts.view(np.uint64), want_t.view(np.uint64))
                  and np.array_equal(ids, want_id)):
            bad.append("spike values differ")
        if ts.dtype != np.float64 or ids.dtype != np.uint64:
            bad.append(f"spike dtypes {ts.dtype} {ids.dtype}")
        enum = h5py.check_enum_dtype(g.attrs.get_id("sorting").dtype)
        if enum != {"none": 0, "by_id": 1, "by_time": 2} or int(g.attrs["sorting"]) != 2:
            bad.append(f"sorting {enum} = {g.attrs['sorting']}")
        if g["timestamps"].attrs["units"] != "ms":
            bad.append("timestamps units")

    with h5py.File(report, "r", swmr=swmr) as f:
        g = f["report/kill"]
        data, time = g["data"][()], g["mapping/time"][()]
        r = np.arange(n_rows, dtype=np.float64)[:, None]
        k = np.arange(n_nodes, dtype=np.float64)[None, :]
        want = r * 1000.0 + k + 0.25
        if data.shape != (n_rows, n_nodes):
            bad.append(f"report shape {data.shape}, want ({n_rows}, {n_nodes})")
        elif not np.array_equal(data.view(np.uint64), want.view(np.uint64)):
            bad.append("report values differ")
        want_time = np.array([t0, t0 + n_rows * dt, dt])
        if not np.array_equal(time.view(np.uint64), want_time.view(np.uint64)):
            bad.append(f"mapping/time {time.tolist()}, want {want_time.tolist()}")

    mode = "SWMR reader" if swmr else "after h5clear -s"
    if bad:
        print(f"h5py check ({mode}) FAILED: " + "; ".join(bad), end="")
        return 1
    print(f"h5py check ({mode}) ok: {n_spikes} spikes, {n_rows} x {n_nodes} report values exact",
          end="")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
