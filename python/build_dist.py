#!/usr/bin/env python3
"""`make wheel`: the sdist of the Python package and a wheel built from that sdist.

    python3 python/build_dist.py --out build/dist [--objects build/wheel-obj]

1. sdist: spikegpu-<version>.tar.gz, the package plus the C sources in csrc/ (python/setup.py);
2. the wheel, built from the unpacked sdist (so the sdist is proven complete):
   spikegpu-<version>-py3-none-<platform>.whl with spikegpu/libspikegpu.so inside, built by
   `make lib` (PORTABLE=1; the CUDA backend when nvcc is found; SPIKEGPU_MAKEFLAGS adds make
   arguments); --objects keeps make's objects there, so a second run rebuilds only what changed.

It calls setuptools' PEP 517 backend directly, as `pip wheel --no-build-isolation` would: no
download, no pip. The Python running it needs setuptools >= 61 (and the wheel package with a
setuptools older than 70.1); Debian: python3-setuptools python3-wheel.
"""
# SPDX-License-Identifier: MIT
import argparse
import glob
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))


def fail(msg):
    print(f"build_dist: {msg}", file=sys.stderr)
    sys.exit(2)


def check_backend():
    probe = ("import setuptools, sys\n"
             "v = tuple(int(x) for x in setuptools.__version__.split('.')[:2])\n"
             "if v < (61, 0): sys.exit('setuptools ' + setuptools.__version__ + ' is older than 61')\n"
             "try:\n"
             "    from setuptools.command.bdist_wheel import bdist_wheel\n"
             "except ImportError:\n"
             "    from wheel.bdist_wheel import bdist_wheel\n")
    r = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    if r.returncode != 0:
        last = (r.stderr.strip().splitlines() or ["?"])[-1]
        fail(f"{sys.executable} cannot build wheels ({last}); it needs setuptools >= 61 and, "
             "with a setuptools older than 70.1, the wheel package (Debian: apt-get install "
             "python3-setuptools python3-wheel; pip: pip install setuptools wheel); or run "
             "make wheel PYTHON=<a python with them>")


def hook(name, cwd, out, env):
    """Runs setuptools.build_meta.<name>(out) in cwd (a fresh process: setuptools keeps state)."""
    code = ("import sys\nfrom setuptools import build_meta\n"
            f"print('BUILT', build_meta.{name}(sys.argv[1]))\n")
    r = subprocess.run([sys.executable, "-c", code, out], cwd=cwd, env=env,
                       stdout=subprocess.PIPE, text=True)
    sys.stdout.write(r.stdout)
    if r.returncode != 0:
        fail(f"{name} failed in {cwd} (exit {r.returncode}; its output is above)")
    built = [line.split(None, 1)[1] for line in r.stdout.splitlines() if line.startswith("BUILT ")]
    return os.path.join(out, built[-1])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True, help="folder for the sdist and the wheel")
    ap.add_argument("--objects", help="make's object folder for the wheel's library (kept)")
    a = ap.parse_args()
    out = os.path.abspath(a.out)
    os.makedirs(out, exist_ok=True)
    check_backend()
    for old in glob.glob(os.path.join(out, "spikegpu-*")):
        os.remove(old)
    env = dict(os.environ)
    if a.objects:
        env["SPIKEGPU_BUILD_DIR"] = os.path.abspath(a.objects)

    sdist = hook("build_sdist", HERE, out, env)
    src = os.path.join(out, ".sdist-src")
    shutil.rmtree(src, ignore_errors=True)
    with tarfile.open(sdist) as t:
        if hasattr(tarfile, "data_filter"):
            t.extractall(src, filter="data")
        else:  # Python < 3.8.17 / 3.9.17 ...: our own archive, made a moment ago
            t.extractall(src)
    (top,) = os.listdir(src)
    wheel = hook("build_wheel", os.path.join(src, top), out, env)
    shutil.rmtree(src, ignore_errors=True)

    with zipfile.ZipFile(wheel) as z:
        libs = [n for n in z.namelist() if n.endswith("/libspikegpu.so")]
    if libs != ["spikegpu/libspikegpu.so"]:
        fail(f"{wheel} holds {libs or 'no libspikegpu.so'}: expected spikegpu/libspikegpu.so")
    if "-py3-none-" not in os.path.basename(wheel) or wheel.endswith("-any.whl"):
        fail(f"{wheel}: expected the tag py3-none-<platform>")
    print(f"sdist: {sdist}\nwheel: {wheel}")


if __name__ == "__main__":
    main()
