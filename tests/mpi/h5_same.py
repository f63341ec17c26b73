"""tests/mpi/h5_same.py DIR_A DIR_B - the HDF5 files of two runs hold the same datasets and
attributes (docs/mpi.md): same file names, same objects, every dataset equal in dtype, shape
and bytes, every attribute equal, except /metadata/run_id (one per run by design). HDF5's own
bookkeeping (object timestamps, free space, the byte layout) is not compared."""
import os
import sys

import h5py
import numpy as np

SKIP_ATTRS = {"run_id"}


def objects(f):
    out = {}
    f.visititems(lambda name, obj: out.__setitem__(name, obj))
    out[""] = f
    return out


def same_value(a, b):
    a, b = np.asarray(a), np.asarray(b)
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


def compare(pa, pb):
    bad = []
    with h5py.File(pa, "r") as fa, h5py.File(pb, "r") as fb:
        oa, ob = objects(fa), objects(fb)
        if sorted(oa) != sorted(ob):
            return [f"objects differ: {sorted(set(oa) ^ set(ob))}"]
        for name in sorted(oa):
            a, b = oa[name], ob[name]
            if sorted(a.attrs) != sorted(b.attrs):
                bad.append(f"{name}: attributes {sorted(a.attrs)} vs {sorted(b.attrs)}")
            for k in a.attrs:
                if k in SKIP_ATTRS:
                    continue
                if not same_value(a.attrs[k], b.attrs[k]):
                    bad.append(f"{name} attribute {k}: {a.attrs[k]!r} vs {b.attrs[k]!r}")
            if isinstance(a, h5py.Dataset) and not same_value(a[()], b[()]):
                bad.append(f"{name}: dataset differs")
    return bad


def main():
    da, db = sys.argv[1], sys.argv[2]
    fa = sorted(x for x in os.listdir(da) if x.endswith(".h5"))
    fb = sorted(x for x in os.listdir(db) if x.endswith(".h5"))
    if not fa or fa != fb:
        print(f"h5_same: files differ: {fa} vs {fb}")
        return 1
    bad = [f"{x}: {m}" for x in fa for m in compare(os.path.join(da, x), os.path.join(db, x))]
    for m in bad:
        print("h5_same:", m)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
