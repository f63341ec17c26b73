#!/usr/bin/env python3
"""`make check-wheel`: the wheel of `make wheel` installed into fresh virtual environments.

    python3 tests/check_wheel.py --dist build/dist [--expect-cuda] [--source python]

For every CPython >= 3.8 found (python3, python3.X on PATH, /usr/bin/python3, pyenv's versions),
each installation once: a fresh `python -m venv`, `pip install <wheel>` (numpy comes from the
package index), then, from an empty folder outside the source tree with SG_LIB, SG_BUILD and
PYTHONPATH unset, a small simulation (tests/wheel_smoke.py): the package and its library must come
from the venv, the run must fall back to the cpu backend when there is no usable GPU (saying
why), and every interpreter must give the same spikes.

Without a package index (offline CI), an interpreter that has numpy itself (Debian's python3 with
python3-numpy) is checked in a venv made with --system-site-packages, the wheel installed with
--no-index --no-deps. Interpreters that can do neither are reported as skipped with pip's
reason; if none could be checked at all, the whole check says "skipped" and why (exit 0).

--source DIR also installs the package from the source tree (`pip install DIR`, the C library
built by python/setup.py with make, CPU-only (NVCC=) to save time: the wheel's build has the CUDA
backend) into a --system-site-packages venv of an interpreter with setuptools and numpy, without
build isolation, so it needs no network either.
"""
# SPDX-License-Identifier: MIT
import argparse
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SMOKE = os.path.join(HERE, "wheel_smoke.py")
MIN = (3, 8)
# what `pip install` says when it cannot reach the package index
NET_WORDS = ("NewConnectionError", "Temporary failure in name resolution", "Network is unreachable",
             "No matching distribution found", "Could not find a version", "ConnectTimeout",
             "ReadTimeout", "ProxyError", "Failed to establish a new connection")


def interpreters():
    """[(version tuple, path)] of the CPython >= 3.8 installations that can make venvs (each once:
    pyenv's python3.11 and Debian's are two)."""
    names = ["python3", "/usr/bin/python3"] + [f"python3.{m}" for m in range(8, 20)]
    paths = [shutil.which(n) for n in names]
    try:
        root = subprocess.run(["pyenv", "root"], capture_output=True, text=True, timeout=20).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        root = ""
    if root:
        paths += sorted(glob.glob(os.path.join(root, "versions", "3.*", "bin", "python3")))
    probe = ("import sys, json, venv, ensurepip\n"
             "print(json.dumps([sys.implementation.name, list(sys.version_info[:3]), sys.executable]))")
    seen, out = set(), []
    for p in paths:
        if not p:
            continue
        try:
            r = subprocess.run([p, "-c", probe], capture_output=True, text=True, timeout=60)
        except (OSError, subprocess.SubprocessError):
            continue
        if r.returncode != 0:
            continue  # e.g. a pyenv shim of a version that is not selected, or no venv module
        impl, ver, exe = json.loads(r.stdout.strip().splitlines()[-1])
        exe = os.path.realpath(exe)
        if impl != "cpython" or tuple(ver[:2]) < MIN or exe in seen:
            continue
        seen.add(exe)
        out.append((tuple(ver), p))
    return sorted(out)


def has_modules(py, *mods):
    r = subprocess.run([py, "-c", "import " + ", ".join(mods)], capture_output=True)
    return r.returncode == 0


def clean_env():
    env = {k: v for k, v in os.environ.items()
           if k not in ("SG_LIB", "SG_BUILD", "PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, env=kw.pop("env", clean_env()), **kw)


def tail(text, n=3, width=300):
    s = " | ".join(line.strip() for line in text.strip().splitlines()[-n:])
    return s if len(s) <= width else s[:width] + " ..."


def smoke(venv_py, workdir, expect_cuda):
    """Runs wheel_smoke.py with the venv's python in workdir; returns its JSON result."""
    os.makedirs(workdir, exist_ok=True)
    cmd = [venv_py, SMOKE, "--out", os.path.join(workdir, "out")]
    if expect_cuda:
        cmd.append("--expect-cuda")
    r = run(cmd, cwd=workdir, timeout=600)
    if r.returncode != 0:
        raise RuntimeError(f"the smoke run failed (exit {r.returncode}): {r.stdout[-2000:]}{r.stderr[-3000:]}")
    return json.loads(r.stdout.strip().splitlines()[-1])


def check_one(py, ver, wheel, tmp, expect_cuda, k):
    """('pass', how, result) | ('skip', reason, None); raises on a failure."""
    tag = "py%d.%d.%d-%d" % (ver + (k,))
    venv = os.path.join(tmp, "venv-" + tag)
    r = run([py, "-m", "venv", venv], timeout=300)
    if r.returncode != 0:
        return "skip", f"python -m venv failed: {tail(r.stderr)}", None
    vpy = os.path.join(venv, "bin", "python")
    r = run([vpy, "-m", "pip", "install", "-q", "--retries", "1", "--timeout", "20",
             "--only-binary", "numpy", wheel], timeout=600)
    how = "numpy from the package index"
    if r.returncode != 0:
        why = tail(r.stderr + r.stdout, 1)
        if not any(w in r.stderr + r.stdout for w in NET_WORDS):
            raise RuntimeError(f"pip install {os.path.basename(wheel)} failed: {why}")
        if not has_modules(py, "numpy"):
            return "skip", f"pip cannot install numpy (no package index reachable?): {why}", None
        shutil.rmtree(venv)
        r = run([py, "-m", "venv", "--system-site-packages", venv], timeout=300)
        if r.returncode != 0:
            return "skip", f"python -m venv --system-site-packages failed: {tail(r.stderr)}", None
        r = run([vpy, "-m", "pip", "install", "-q", "--no-index", "--no-deps", wheel], timeout=300)
        if r.returncode != 0:
            raise RuntimeError(f"pip install --no-index {os.path.basename(wheel)} failed: {tail(r.stderr)}")
        how = "offline: numpy of the system (--system-site-packages)"
    return "pass", how, smoke(vpy, os.path.join(tmp, "run-" + tag), expect_cuda)


def check_source(interps, source, tmp):
    """pip install SOURCE (no build isolation, CPU-only library) in a --system-site-packages venv."""
    cands = [sys.executable] + [p for v, p in reversed(interps)]   # first: make's $(PYTHON)
    base = next((p for p in cands if has_modules(p, "numpy", "setuptools")
                 and (has_modules(p, "setuptools.command.bdist_wheel") or has_modules(p, "wheel"))), None)
    if not base:
        return "skip", "no interpreter with numpy, setuptools and wheel for an offline source build", None
    venv = os.path.join(tmp, "venv-source")
    r = run([base, "-m", "venv", "--system-site-packages", venv], timeout=300)
    if r.returncode != 0:
        return "skip", f"python -m venv failed: {tail(r.stderr)}", None
    vpy = os.path.join(venv, "bin", "python")
    env = clean_env()
    env["SPIKEGPU_MAKEFLAGS"] = "NVCC="
    r = run([vpy, "-m", "pip", "install", "--no-build-isolation", "--no-index", "--no-deps",
             os.path.abspath(source)], env=env, timeout=1200)
    if r.returncode != 0:
        raise RuntimeError(f"pip install {source} failed: {r.stdout[-3000:]}{r.stderr[-3000:]}")
    return "pass", f"pip install {source} with {base}, CPU-only library", smoke(vpy, os.path.join(tmp, "run-source"), False)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dist", required=True, help="folder of `make wheel`")
    ap.add_argument("--expect-cuda", action="store_true", help="the wheel's library has the CUDA backend")
    ap.add_argument("--source", help="also `pip install` this source folder (python/)")
    a = ap.parse_args()
    wheels = sorted(glob.glob(os.path.join(a.dist, "spikegpu-*-py3-none-*.whl")))
    if len(wheels) != 1:
        print(f"check_wheel: expected one spikegpu wheel in {a.dist}, found {wheels or 'none'}")
        return 1
    wheel = os.path.abspath(wheels[0])
    interps = interpreters()
    print(f"check_wheel: {os.path.basename(wheel)}; interpreters: "
          + ", ".join("%d.%d.%d %s" % (v + (p,)) for v, p in interps))
    failed, passed, digests = [], [], {}
    tmp = tempfile.mkdtemp(prefix="sg_wheel_")
    try:
        jobs = [("%d.%d.%d %s" % (v + (p,)), lambda v=v, p=p, k=k: check_one(p, v, wheel, tmp, a.expect_cuda, k))
                for k, (v, p) in enumerate(interps)]
        if a.source:
            jobs.append(("source", lambda: check_source(interps, a.source, tmp)))
        for name, job in jobs:
            try:
                status, how, res = job()
            except (RuntimeError, subprocess.SubprocessError, OSError) as e:
                failed.append(name)
                print(f"  FAIL {name}: {e}")
                continue
            if status == "skip":
                print(f"  SKIP {name}: {how}")
                continue
            passed.append(name)
            digests[name] = res["digest"]
            print(f"  PASS {name} ({how}): {res['spikes']} spikes, digest {res['digest']}, backend "
                  f"{res['backend']} ({res['reason']}); {res['version']}; library {res['library']}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if len(set(digests.values())) > 1:
        failed.append("digests")
        print(f"  FAIL: the interpreters' spikes differ: {digests}")
    if failed:
        print(f"check_wheel: FAILED: {', '.join(failed)}")
        return 1
    if not passed:
        print("check_wheel: skipped: no interpreter could install the wheel (reasons above)")
        return 0
    print(f"check_wheel: passed with {', '.join(passed)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
