"""Issue 21, item 2: the real-time factor is NEST's wall / simulated time everywhere (bench JSON,
its stored records, stats()); its inverse is reported separately as "x real time"."""
import json
import os
import subprocess

import pytest

import spikegpu

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", ".."))


def test_stats_rtf_is_wall_over_simulated():
    with spikegpu.Simulator(backend="cpu", threads=1) as sim:
        assert sim.stats()["rtf"] is None and sim.stats()["x_real_time"] is None   # nothing run yet
        n = sim.create("gl_exp", 200, {"I_e": 600.0})
        sim.connect(n, n, {"rule": "fixed_indegree", "indegree": 20})
        sim.simulate(100.0)
        s = sim.stats()
        assert s["rtf"] == pytest.approx(s["wall_s"] / 0.1)
        assert s["rtf"] * s["x_real_time"] == pytest.approx(1.0)


def test_throughput_json_rtf():
    exe = os.path.join(os.environ.get("SG_BUILD", os.path.join(REPO, "build")), "bench", "throughput")
    if not os.access(exe, os.X_OK):
        pytest.skip(f"{exe} not built")
    r = subprocess.run([exe, "--net", "b", "--n", "500", "--k", "20", "--time", "50", "--backend", "cpu",
                        "--threads", "1"], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    rec = json.loads([l for l in r.stdout.splitlines() if l.startswith("{")][-1])
    # wall_s is printed with 6 decimals: on a fast run (a few ms) that alone is 1e-4 of it
    t_sim_s = rec["t_sim_ms"] * 1e-3
    assert rec["rtf"] == pytest.approx(rec["wall_s"] / t_sim_s, rel=1e-4, abs=6e-7 / t_sim_s)
    assert rec["x_real_time"] == pytest.approx(1.0 / rec["rtf"], rel=1e-4)


def test_stored_bench_records_use_nests_convention():
    """bench/results.jsonl: every record's rtf is wall / simulated time (older records were
    converted), and x_real_time is its inverse."""
    path = os.path.join(REPO, "bench", "results.jsonl")
    n = 0
    for line in open(path):
        if not line.strip():
            continue
        r = json.loads(line)
        assert "rtf" in r and "x_real_time" in r, r.get("cmd")
        if r["rtf"] is None:
            assert r["x_real_time"] is None
            continue
        assert r["rtf"] == pytest.approx(r["wall_s"] / (r["t_sim_ms"] * 1e-3), rel=1e-4), r.get("cmd")
        assert r["x_real_time"] == pytest.approx(1.0 / r["rtf"], rel=1e-4), r.get("cmd")
        n += 1
    assert n > 0
