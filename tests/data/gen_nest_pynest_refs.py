#!/usr/bin/env python3
"""NEST 3.10 figures for the PyNEST-style scripts in examples/pynest/ (our own code).

Each script starts with ``import spikegpu.nest as nest``; here it runs under NEST with that one
line changed to ``import nest`` (nothing else), which is the claim of spikegpu.nest: a PyNEST
script runs on both by changing the import. Needs PyNEST; the spikegpu test suite does not:

    python3.11 -m venv /tmp/nv && /tmp/nv/bin/pip install nest-simulator==3.10.0 numpy matplotlib
    /tmp/nv/bin/python tests/data/gen_nest_pynest_refs.py [--outdir DIR] [--only brunel_delta,...]

Writes, for brunel_delta.py and brunel_exp.py, tests/data/pynest_<script>.csv: the deterministic
figures of the network (sizes, connection counts per synapse model, weights, delays, in-degrees,
the Poisson rate) and the recorded rates, for the script as it is (NEST's default seed) and for
two more seeds (the script run with ``nest.rng_seed`` set after its ResetKernel), so that the test
can allow for the spread of the rates between seeds (python/tests/test_pynest.py).

glif_cond_neuron.py is run as well and checked, not written: its spikes and samples before
600 ms (when its Poisson input starts) must equal tests/data/glif_cond_example_*.csv, written by
gen_nest_refs.py from NEST's own example. The GL scripts (gl_phi.py, gl_reliability.py) need a
NESTML build of the GL neuron, which NEST 3.10 does not have: they are not run here.
"""
import argparse
import os
import runpy
import statistics
import sys
import tempfile

import numpy as np

os.environ.setdefault("MPLBACKEND", "Agg")

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", ".."))
SCRIPTS = os.path.join(REPO, "examples", "pynest")
IMPORT = "import spikegpu.nest as nest"
SEEDS = (None, 12345, 777)


def run_under_nest(script, seed=None):
    """Runs examples/pynest/<script> with `import nest` (and, for a seed, nest.rng_seed set after
    each ResetKernel); returns its globals and the nest module."""
    import nest
    src = open(os.path.join(SCRIPTS, script)).read()
    assert src.count(IMPORT + "\n") == 1, f"{script}: no line '{IMPORT}'"
    src = src.replace(IMPORT + "\n", "import nest\n")
    if seed is not None:
        assert src.count("nest.ResetKernel()\n") == 1
        src = src.replace("nest.ResetKernel()\n", f"nest.ResetKernel()\nnest.rng_seed = {seed}\n")
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, script)
        with open(path, "w") as f:
            f.write(src)
        cwd = os.getcwd()
        os.chdir(d)
        try:
            g = runpy.run_path(path, run_name="__main__")
        finally:
            os.chdir(cwd)
    return g, nest


def brunel(script, outdir):
    rows = []
    rates = {"rate_ex": [], "rate_in": []}
    for seed in SEEDS:
        g, nest = run_under_nest(script, seed)
        label = "default" if seed is None else str(seed)
        for key in rates:
            rates[key].append(g[key])
            rows.append((f"{key}_seed_{label}", repr(float(g[key]))))
        if seed is not None:
            continue
        rows += [("N_neurons", g["N_neurons"]), ("N_rec", g["N_rec"]), ("CE", g["CE"]), ("CI", g["CI"]),
                 ("network_size", nest.GetKernelStatus("network_size")),
                 ("num_connections", nest.GetKernelStatus("num_connections")),
                 ("num_synapses_ex", g["num_synapses_ex"]), ("num_synapses_in", g["num_synapses_in"]),
                 ("J_ex", repr(float(g["J_ex"]))), ("J_in", repr(float(g["J_in"]))),
                 ("p_rate", repr(float(g["p_rate"]))), ("simtime", repr(float(g["simtime"])))]
        nodes = g["nodes_ex"] + g["nodes_in"]
        conns = nest.GetConnections(target=nodes)
        src = np.array(conns.get("source"))
        tgt = np.array(conns.get("target"))
        w = np.array(conns.get("weight"))
        d = np.array(conns.get("delay"))
        first_in, noise = g["nodes_in"][0].global_id, g["noise"].global_id
        rec = (src != noise)
        deg_ex = np.bincount(tgt[rec & (src < first_in)], minlength=tgt.max() + 1)[nodes.tolist()]
        deg_in = np.bincount(tgt[rec & (src >= first_in)], minlength=tgt.max() + 1)[nodes.tolist()]
        rows += [("indegree_ex_min", int(deg_ex.min())), ("indegree_ex_max", int(deg_ex.max())),
                 ("indegree_in_min", int(deg_in.min())), ("indegree_in_max", int(deg_in.max())),
                 ("weights_distinct", ";".join(repr(float(x)) for x in np.unique(w))),
                 ("delays_distinct", ";".join(repr(float(x)) for x in np.unique(d))),
                 ("noise_connections", int((src == noise).sum()))]
    for key, v in rates.items():
        rows.append((f"{key}_mean", repr(statistics.mean(v))))
        rows.append((f"{key}_sd", repr(statistics.stdev(v))))
    import nest
    name = f"pynest_{script[:-3]}.csv"
    with open(os.path.join(outdir, name), "w") as f:
        f.write("# spikegpu NEST reference data, format 1\n")
        f.write(f"# file: {name}\n# generator: tests/data/gen_nest_pynest_refs.py\n")
        f.write(f"# nest_version: {nest.__version__}\n")
        f.write(f"# script: examples/pynest/{script}, run under NEST with its first import line "
                f"changed to `import nest`\n")
        f.write(f"# seeds: the script's own (NEST's default 143202461), then {SEEDS[1]} and {SEEDS[2]} "
                f"set after its ResetKernel; *_mean and *_sd are over the three\n")
        f.write("# columns: quantity,value\n")
        for k, v in rows:
            f.write(f"{k},{v}\n")
    print(f"{name}: " + ", ".join(f"{k} {v}" for k, v in rows if k.startswith("rate") or k.startswith("num")))


def read_steps(path, h):
    out = {}
    for line in open(path):
        if line.startswith("#") or line.startswith("neuron"):
            continue
        f = line.strip().split(",")
        out.setdefault(int(f[0]), []).append(int(f[1]))
    return out


def glif_check():
    g, nest = run_under_nest("glif_cond_neuron.py")
    h = g["resolution"]
    ref = read_steps(os.path.join(HERE, "glif_cond_example_full_spikes.csv"), h)
    sp = g["spikes"]
    bad = 0
    for node in range(1, 6):
        got = sorted(int(round(t / h)) for t, s in zip(sp["times"], sp["senders"]) if s == node)
        want = ref.get(node, [])
        if [s for s in got if s * h < 600.0] != [s for s in want if s * h < 600.0]:
            bad += 1
    print(f"glif_cond_neuron.py under NEST: spikes before 600 ms {'equal' if not bad else 'DIFFER from'} "
          f"tests/data/glif_cond_example_full_spikes.csv")
    return bad == 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--outdir", default=HERE)
    ap.add_argument("--only", default="brunel_delta,brunel_exp,glif_cond_neuron")
    a = ap.parse_args()
    ok = True
    for part in a.only.split(","):
        if part == "glif_cond_neuron":
            ok &= glif_check()
        else:
            brunel(part + ".py", a.outdir)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
