"""A small simulation with an installed spikegpu package (run by tests/check_wheel.py inside a
fresh virtual environment, from a folder outside the source tree, SG_LIB unset). Prints one JSON
line: spikes, a digest of them, the backend and why, the library's path and version. Exits
non-zero (with the reason) when the package or its library does not come from the environment,
or the backend choice is not what the library says about CUDA."""
# SPDX-License-Identifier: MIT
import argparse
import hashlib
import json
import os
import sys

sys.path = [p for p in sys.path if os.path.abspath(p or ".") != os.path.dirname(os.path.abspath(__file__))]
for var in ("SG_LIB", "SG_BUILD"):
    if os.environ.get(var):
        sys.exit(f"wheel_smoke: {var} is set; this check is about the library inside the package")

import numpy as np  # noqa: E402

import spikegpu  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--expect-cuda", action="store_true")
    a = ap.parse_args()
    pkg = os.path.dirname(os.path.abspath(spikegpu.__file__))
    if not pkg.startswith(os.path.abspath(sys.prefix) + os.sep):
        sys.exit(f"wheel_smoke: spikegpu comes from {pkg}, not from the environment {sys.prefix}")
    lib = os.path.abspath(spikegpu.library_path())
    if lib != os.path.join(pkg, "libspikegpu.so"):
        sys.exit(f"wheel_smoke: the library is {lib}, not the package's own")
    version = spikegpu.library_version()
    has_cuda = "cuda" in version
    if a.expect_cuda and not has_cuda:
        sys.exit(f"wheel_smoke: the library was built without CUDA ({version})")
    gpu, why = spikegpu.cuda_available()
    with spikegpu.Simulator(seed=7, output=a.out) as sim:   # backend "auto"
        n = sim.create("gl_exp", 200, {"I_e": 550.0}, name="exc")
        pg = sim.create("poisson_generator", params={"rate": 3000.0})
        sr = sim.create("spike_recorder", name="sr")
        sim.connect(n, n, {"rule": "fixed_indegree", "indegree": 10},
                    {"weight": spikegpu.random.normal(0.5, 0.1), "delay": 1.5})
        sim.connect(pg, n)
        sim.connect(n, sr)
        sim.simulate(200.0)
        ev = sr.events
        backend, reason = sim.backend, sim.backend_reason
    if not gpu and backend != "cpu":
        sys.exit(f"wheel_smoke: no usable GPU ({why}) but backend {backend}")
    if gpu and backend != "cuda":
        sys.exit(f"wheel_smoke: a usable GPU ({why}) but backend {backend}")
    if not os.path.isfile(os.path.join(a.out, "sr.h5")):
        sys.exit("wheel_smoke: no output file sr.h5")
    if not gpu:  # an explicit cuda request is refused, saying why
        try:
            spikegpu.Simulator(backend="cuda").close()
            sys.exit("wheel_smoke: backend='cuda' without a GPU did not raise")
        except spikegpu.NoDeviceError as e:
            if "cuda" not in str(e).lower():
                sys.exit(f"wheel_smoke: NoDeviceError without a reason: {e}")
    if ev["times"].size == 0:
        sys.exit("wheel_smoke: no spikes")
    h = hashlib.sha256(np.ascontiguousarray(ev["times"], np.float64).tobytes()
                       + np.ascontiguousarray(ev["senders"], np.uint64).tobytes()).hexdigest()[:16]
    print(json.dumps({"spikes": int(ev["times"].size), "digest": h, "backend": backend,
                      "reason": reason, "library": lib, "version": version,
                      "python": sys.version.split()[0]}))


if __name__ == "__main__":
    main()
