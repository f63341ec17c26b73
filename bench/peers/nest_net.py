"""bench/peers/nest_net.py - the benchmark networks of bench/throughput.c in NEST 3.10 (run by
bench/run.py inside its NEST venv; prints one JSON line like bench/throughput).

The GL neuron (gl_exp) is NEST's pp_psc_delta as a GL surrogate (docs/models.md
§1.4): c_1 = 0, c_2 = exp((V_r - V_b) / a) / b, c_3 = 1 / a, V_m relative to rest (V_r), dead_time =
t_ref, with_reset. Differences that remain (input before the hazard, hazard 1 - exp(-rate h),
no firing and integration during dead time) shift rates a little: run.py prints every
simulator's rate so the comparison can be judged.

    python nest_net.py --net a|b|c --n N [--k K] [--time ms] [--threads T] [--record] [--seed S] [--level L]
"""
import argparse
import json
import math
import resource
import sys
import time

# the same numbers as bench/throughput.c
A_RATE, A_W = 3850.0, 0.5
B_RATE, B_W, B_WE, B_WI = 3900.0, 0.5, 0.1, -0.45
C_RATE, C_W = 3800.0, 2.0
# net c: the switches of GLIF levels 1..5 (as bench/throughput.c)
GLIF_LEVELS = {1: (False, False, False), 2: (True, False, False), 3: (False, True, False),
               4: (True, True, False), 5: (True, True, True)}
GL = dict(a=1.2, b=27.0, V_b=-51.3, V_r=-65.0, tau_m=10.0, t_ref=2.0, C_m=250.0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--net", default="b")
    ap.add_argument("--n", type=int, default=10000)
    ap.add_argument("--k", type=int, default=1000)
    ap.add_argument("--time", type=float, default=1000.0)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--record", action="store_true")
    ap.add_argument("--seed", type=int, default=12345)
    ap.add_argument("--level", type=int, default=5, choices=range(1, 6), help="net c: GLIF level 1..5")
    o = ap.parse_args()

    t0 = time.perf_counter()
    import nest
    try:
        nest.verbosity = nest.VerbosityLevel.ERROR
    except AttributeError:
        nest.set_verbosity("M_ERROR")
    nest.ResetKernel()
    nest.SetKernelStatus({"resolution": 0.1, "local_num_threads": o.threads, "rng_seed": o.seed,
                          "print_time": False})
    t_import = time.perf_counter() - t0
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024

    t0 = time.perf_counter()
    if o.net == "c":
        r, asc, a = GLIF_LEVELS[o.level]
        pops = [nest.Create("glif_cond", o.n, params={"spike_dependent_threshold": r,
                                                      "after_spike_currents": asc,
                                                      "adapting_threshold": a})]
    else:
        pp = dict(tau_m=GL["tau_m"], C_m=GL["C_m"], dead_time=GL["t_ref"], dead_time_random=False,
                  with_reset=True, c_1=0.0, c_2=math.exp((GL["V_r"] - GL["V_b"]) / GL["a"]) / GL["b"],
                  c_3=1.0 / GL["a"], I_e=0.0, V_m=0.0)
        if o.net == "b":
            nE = o.n * 4 // 5
            pops = [nest.Create("pp_psc_delta", nE, params=pp), nest.Create("pp_psc_delta", o.n - nE, params=pp)]
        else:
            pops = [nest.Create("pp_psc_delta", o.n, params=pp)]
    if o.net == "b":
        KE = o.k * 4 // 5
        KI = o.k - KE
        E, I = pops
        scale = 1000.0 / o.k            # weights scale with 1000 / K: the same mean input for any K
        for pre, K, w in ((E, KE, B_WE * scale), (I, KI, B_WI * scale)):
            for post in (E, I):
                nest.Connect(pre, post, {"rule": "fixed_indegree", "indegree": K},
                             {"synapse_model": "static_synapse", "weight": w, "delay": 1.5})
    rate = {"a": A_RATE, "b": B_RATE, "c": C_RATE}[o.net]
    w = {"a": A_W, "b": B_W, "c": C_W}[o.net]
    drive = nest.Create("poisson_generator", params={"rate": rate})
    syn = {"weight": w, "delay": 0.1}
    if o.net == "c":
        syn["receptor_type"] = 1
    for p in pops:
        nest.Connect(drive, p, "all_to_all", syn)
    if o.record:
        sr = nest.Create("spike_recorder")
        for p in pops:
            nest.Connect(p, sr)
    nest.Prepare()        # builds NEST's connection infrastructure (part of the build)
    nest.Cleanup()
    build_s = time.perf_counter() - t0
    n_syn = nest.GetKernelStatus("num_connections")

    c0 = time.process_time()
    t0 = time.perf_counter()
    nest.Simulate(o.time)
    wall = time.perf_counter() - t0
    cpu = time.process_time() - c0
    spikes = int(nest.GetKernelStatus("local_spike_counter"))
    ru = resource.getrusage(resource.RUSAGE_SELF)
    steps = int(round(o.time / 0.1))
    k_out = o.k if o.net == "b" else 0
    res = {
        "simulator": "nest", "version": nest.__version__, "backend": "nest", "threads": o.threads,
        "network": o.net, "neurons": o.n, "synapses": int(n_syn), "h_ms": 0.1, "t_sim_ms": o.time,
        "warmup_ms": 0, "record": bool(o.record), "build_s": build_s, "wall_s": wall, "cpu_s": cpu,
        "rtf": wall / (o.time * 1e-3), "x_real_time": o.time * 1e-3 / wall, "neuron_updates_per_s": o.n * steps / wall,
        "syn_events_per_s": spikes * k_out / wall, "spikes": spikes,
        "rate_hz": spikes / o.n / (o.time * 1e-3), "peak_rss_bytes": ru.ru_maxrss * 1024,
        "host_bytes": None, "device_bytes": 0,
        # peak memory above the bare kernel's, per synapse (neurons and buffers included)
        "bytes_per_synapse": (ru.ru_maxrss * 1024 - rss0) / n_syn if n_syn else None, "import_s": t_import,
    }
    print(json.dumps(res))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
