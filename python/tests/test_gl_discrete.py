"""gl_discrete (the discrete-time GL neuron, docs/models.md §3) from Python: the model is listed
and usable through the generic front end, its checks arrive as exceptions, and a small network
gives exactly the C API's spikes (python/tests/c_gl_discrete.c), at the mean-field rate."""
import math
import os
import subprocess

import numpy as np
import pytest

import spikegpu

HERE = os.path.dirname(os.path.abspath(__file__))


def test_listed_with_its_table():
    assert "gl_discrete" in spikegpu.models("neuron")
    by = {e["name"]: e for e in spikegpu.model_info("gl_discrete")}
    assert list(by) == ["mu", "V_reset", "I_ext", "phi", "Gamma", "V_T", "r", "A", "tau_gain", "u",
                        "V_m", "spiked", "gain"]
    assert by["tau_gain"]["unit"] == "steps" and math.isinf(by["tau_gain"]["default"])
    assert by["tau_gain"]["allowed"] == ">= 1 (a number of steps) or inf"
    assert by["mu"]["allowed"] == "[0, 1]" and by["gain"]["kind"] == "state"


def test_parameters_state_and_checks(sim):
    n = sim.create("gl_discrete", 4, params={"mu": 0.5, "phi": 1, "Gamma": 2.0})
    assert n.get("mu") == 0.5 and n.get("gain") == 2.0   # Gamma sets the gain
    n.Gamma = [1.0, 1.5, 2.0, 2.5]
    assert np.array_equal(n.gain, [1.0, 1.5, 2.0, 2.5])
    n.tau_gain = 100.0
    n.u = 1.0                                             # the paper's u = 1
    assert n.get("spiked") is False                       # a bool state
    with pytest.raises(spikegpu.ArgumentError, match=r"mu.*allowed \[0, 1\]"):
        n.mu = 1.5
    with pytest.raises(spikegpu.ArgumentError, match=r"tau_gain.*allowed >= 1 or inf"):
        n.tau_gain = 0.5
    with pytest.raises(spikegpu.ArgumentError, match="receptor"):
        g = sim.create("spike_generator")
        sim.connect(g, n, syn_spec={"receptor_type": 1})
    assert n.get("mu") == 0.5 and n.get("tau_gain") == 100.0   # the failed calls changed nothing


def python_twin(seed, N, K, W, T, threads):
    with spikegpu.Simulator(resolution=1.0, seed=seed, backend="cpu", threads=threads) as sim:
        nrn = sim.create("gl_discrete", N)
        g = sim.create("spike_generator", params={"spike_times": [1.0]})
        sr = sim.create("spike_recorder")
        sim.connect(nrn, nrn, {"rule": "fixed_indegree", "indegree": K, "allow_autapses": False},
                    {"weight": W / K, "delay": 1.0})
        sim.connect(g, nrn, {"rule": "pairwise_bernoulli", "p": 0.3}, {"weight": 1000.0})
        sim.connect(nrn, sr)
        sim.simulate(T)
        return sim.num_connections(), sr.events


def test_small_network_matches_c_and_the_mean_field(cc, tmp_path):
    seed, N, K, W, T = 5, 2000, 200, 1.5, 100.0
    exe = cc(os.path.join(HERE, "c_gl_discrete.c"), str(tmp_path / "c_gl_discrete"))
    env = dict(os.environ, OMP_WAIT_POLICY="passive")
    r = subprocess.run([exe, str(seed), str(N), str(K), repr(W), repr(T), "2"], capture_output=True, text=True,
                       env=env)
    assert r.returncode == 0, r.stderr
    nc, S = None, []
    for line in r.stdout.splitlines():
        f = line.split()
        if f[0] == "C":
            nc = int(f[1])
        else:
            S.append((float(f[1]), int(f[2])))
    pnc, ev = python_twin(seed, N, K, W, T, 1)
    assert pnc == nc
    assert list(zip(ev["times"].tolist(), ev["senders"].tolist())) == S
    # the rate: steps 30..99 (stamps 31..100) against rho*_K = (W - 1)/W * K/(K - 1), 4 sd of a
    # 70-step mean of the AR(1) deviations (coefficient 2 - W, innovation (1 - rho) q (1 - q) / N)
    counts = np.bincount(np.round(ev["times"]).astype(int) - 1, minlength=int(T))
    rho = counts[30:100].mean() / N
    rs = (W - 1) / W * K / (K - 1)
    phi, q = 2 - W, W * (W - 1) / W
    s2 = (1 - rs) * q * (1 - q) / N
    Tn = 70
    var = s2 / (1 - phi ** 2) * (Tn + 2 * sum((Tn - k) * phi ** k for k in range(1, Tn))) / Tn ** 2
    assert abs(rho - rs) < 4 * math.sqrt(var), (rho, rs, math.sqrt(var))
