"""Shared fixtures of the Python test suite.

Run from the repository root after `make lib` (the Makefile's `test` target sets SG_LIB,
SG_BUILD and PYTHONPATH):

    SG_LIB=$PWD/build/libspikegpu.so PYTHONPATH=python python3 -m pytest -q python/tests
"""
import os
import shutil
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(REPO, "python"))

import spikegpu  # noqa: E402


@pytest.fixture
def sim():
    """A small cpu simulation, one thread (fast and deterministic), closed afterwards."""
    with spikegpu.Simulator(resolution=0.1, seed=12345, backend="cpu", threads=1) as s:
        yield s


@pytest.fixture(scope="session")
def repo():
    return REPO


@pytest.fixture(scope="session")
def cc():
    """A C compiler invocation that builds a program against the loaded libspikegpu.so."""
    gcc = shutil.which(os.environ.get("CC", "gcc")) or shutil.which("cc")
    if not gcc:
        pytest.skip("no C compiler")
    libdir = os.path.dirname(os.path.abspath(spikegpu.library_path()))

    def build(src, out):
        cmd = [gcc, "-std=c11", "-O1", "-I", os.path.join(REPO, "include"), src, "-o", out,
               "-L", libdir, "-Wl,-rpath," + libdir, "-lspikegpu", "-lm"]
        r = subprocess.run(cmd, capture_output=True, text=True)
        assert r.returncode == 0, f"{' '.join(cmd)}\n{r.stderr}"
        return out

    return build
