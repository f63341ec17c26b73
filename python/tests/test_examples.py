"""The Python examples (examples/python/*.py) run at reduced size and write their figures."""
import os
import subprocess
import sys

import pytest

import spikegpu

pytest.importorskip("matplotlib")

HERE = os.path.dirname(os.path.abspath(__file__))
EXAMPLES = os.path.normpath(os.path.join(HERE, "..", "..", "examples", "python"))


def run_example(name, tmp_path, *args):
    env = dict(os.environ, SG_LIB=spikegpu.library_path(), MPLBACKEND="Agg")
    r = subprocess.run([sys.executable, os.path.join(EXAMPLES, name), "--out", str(tmp_path),
                        "--backend", "cpu", *args], capture_output=True, text=True, env=env,
                       timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    return r.stdout


@pytest.mark.skipif("glif_cond" not in spikegpu.models(), reason="glif_cond not built yet")
def test_glif_cond_neuron(tmp_path):
    out = run_example("glif_cond_neuron.py", tmp_path, "--time", "250")
    for level in ("lif", "lif_r", "lif_asc", "lif_r_asc", "lif_r_asc_a"):
        assert (tmp_path / f"glif_cond_{level}.png").stat().st_size > 10000
        assert level in out
    assert "samples=5000" in out                     # 250 ms at 0.05 ms


def test_gl_phi(tmp_path):
    out = run_example("gl_phi.py", tmp_path, "--time", "2000", "--voltages", "4")
    assert (tmp_path / "gl_phi.png").stat().st_size > 10000
    rows = [l for l in out.splitlines() if l.strip().startswith("-")]
    assert len(rows) == 4


def test_gl_reliability(tmp_path):
    out = run_example("gl_reliability.py", tmp_path, "--trials", "10", "--time", "200")
    assert (tmp_path / "gl_reliability.png").stat().st_size > 10000
    assert "constant" in out and "frozen Poisson" in out
