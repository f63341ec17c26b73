"""bench/peers/brian2_net.py - the benchmark networks of bench/throughput.c in Brian2 (cpp_standalone,
OpenMP), run by bench/run.py inside its Brian2 venv; prints one JSON line like bench/throughput.

GL neuron: dv/dt = -(v - V_r)/tau_m (unless refractory), threshold 'rand() < dt*Phi(v)' with
Phi = exp((v - V_b)/a)/b (Hz), reset v = V_reset, refractory t_ref: like gl_exp except that a
refractory neuron cannot fire (gl_exp can, with p ~ 4e-11 per step after a reset). Synapses carry a
per-synapse weight w (on_pre: v_post += w), delay 1.5 ms, fixed in-degree drawn with numpy,
weights scaled by 1000 / K as in bench/throughput.c.
Poisson drive: PoissonInput(N=100, rate/100) per neuron, a binomial count per step (Poisson to
within 1/N). glif_cond (network c) has no Brian2 equivalent here: not run.

    python brian2_net.py --net a|b --n N [--k K] [--time ms] [--threads T] [--record] [--dir DIR]
"""
import argparse
import json
import os
import resource
import sys
import time

A_RATE, A_W = 3850.0, 0.5
B_RATE, B_W, B_WE, B_WI = 3900.0, 0.5, 0.1, -0.45


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--net", default="b")
    ap.add_argument("--n", type=int, default=10000)
    ap.add_argument("--k", type=int, default=1000)
    ap.add_argument("--time", type=float, default=1000.0)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--record", action="store_true")
    ap.add_argument("--seed", type=int, default=12345)
    ap.add_argument("--dir", default="/tmp/brian2_bench")
    o = ap.parse_args()
    if o.net not in ("a", "b"):
        print(json.dumps({"skip": "network %s has no Brian2 version" % o.net}))
        return

    t_all = time.perf_counter()
    import numpy as np
    import brian2 as b2
    from brian2 import ms, mV, Hz, second
    b2.set_device("cpp_standalone", directory=os.path.join(o.dir, "%s_%d_%d_%d" % (o.net, o.n, o.threads, int(o.record))),
                  build_on_run=False)
    b2.prefs.devices.cpp_standalone.openmp_threads = o.threads
    b2.prefs.codegen.cpp.extra_compile_args_gcc = ["-O3", "-march=native", "-w"]
    b2.prefs.devices.cpp_standalone.extra_make_args_unix = ["-j%d" % max(2, os.cpu_count() or 2)]
    b2.defaultclock.dt = 0.1 * ms
    b2.seed(o.seed)
    ns = dict(V_r=-65 * mV, V_b=-51.3 * mV, a=1.2 * mV, b=27.0, tau_m=10 * ms, V_reset=-65 * mV)
    eqs = "dv/dt = -(v - V_r)/tau_m : volt (unless refractory)"
    kw = dict(threshold="rand() < dt*exp((v - V_b)/a)/b*Hz", reset="v = V_reset", refractory=2 * ms,
              method="exact", namespace=ns)
    rate, wd = (A_RATE, A_W) if o.net == "a" else (B_RATE, B_W)
    nE = o.n * 4 // 5 if o.net == "b" else o.n
    # separate groups for E and I (synapses from subgroups gave wrong rates with OpenMP, 2 threads)
    groups = [b2.NeuronGroup(nE, eqs, **kw)] + ([b2.NeuronGroup(o.n - nE, eqs, **kw)] if o.net == "b" else [])
    objs = []
    for g in groups:
        g.v = -65 * mV
        objs += [g, b2.PoissonInput(g, "v", 100, rate / 100.0 * Hz, weight=wd * mV)]
    n_syn = 0
    if o.net == "b":
        rng = np.random.default_rng(o.seed)
        KE = o.k * 4 // 5
        KI = o.k - KE
        scale = 1000.0 / o.k            # weights scale with 1000 / K: the same mean input for any K
        for pre, K, wv in ((groups[0], KE, B_WE * scale), (groups[1], KI, B_WI * scale)):
            for post in groups:
                S = b2.Synapses(pre, post, "w : volt", on_pre="v_post += w", delay=1.5 * ms)
                j = np.repeat(np.arange(len(post), dtype=np.int32), K)
                i = rng.integers(0, len(pre), size=len(post) * K, dtype=np.int32)
                S.connect(i=i, j=j)
                S.w = wv * mV
                n_syn += len(post) * K
                objs.append(S)
    mons = [b2.SpikeMonitor(g, record=bool(o.record)) for g in groups]
    objs += mons
    net = b2.Network(*objs)
    net.run(o.time * ms)
    t_gen = time.perf_counter()
    b2.device.build(run=True, compile=True)
    t_end = time.perf_counter()
    run_s = float(b2.device._last_run_time)          # network.run inside the generated program
    spikes = sum(int(m.num_spikes) for m in mons)
    ru_self = resource.getrusage(resource.RUSAGE_SELF)
    ru_child = resource.getrusage(resource.RUSAGE_CHILDREN)   # the compiled program (and the compiler)
    steps = int(round(o.time / 0.1))
    res = {
        "simulator": "brian2", "version": b2.__version__, "backend": "cpp_standalone", "threads": o.threads,
        "network": o.net, "neurons": o.n, "synapses": n_syn, "h_ms": 0.1, "t_sim_ms": o.time,
        "warmup_ms": 0, "record": bool(o.record),
        # everything but the run: Python setup, code generation, compilation, synapse creation
        "build_s": (t_end - t_all) - run_s, "wall_s": run_s, "cpu_s": None,
        "rtf": run_s / (o.time * 1e-3), "x_real_time": o.time * 1e-3 / run_s, "neuron_updates_per_s": o.n * steps / run_s,
        "syn_events_per_s": spikes * (o.k if o.net == "b" else 0) / run_s, "spikes": spikes,
        "rate_hz": spikes / o.n / (o.time * 1e-3),
        "peak_rss_bytes": max(ru_self.ru_maxrss, ru_child.ru_maxrss) * 1024, "host_bytes": None,
        "device_bytes": 0,
        "bytes_per_synapse": (ru_child.ru_maxrss * 1024) / n_syn if n_syn else None,
        "codegen_s": t_gen - t_all, "compile_and_run_s": t_end - t_gen,
    }
    print(json.dumps(res))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
