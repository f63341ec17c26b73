#!/usr/bin/env python3
"""Generate spikegpu's NEST reference files for iaf_psc_delta, iaf_psc_exp and
iaf_psc_alpha (tests/data/iaf_*.csv), driven by dc_generator and spike_generator
and recorded with multimeter, voltmeter and spike_recorder.

Our own code (spikegpu project, MIT).  Needs PyNEST; it is *not* needed to run the
spikegpu test suite, only to regenerate these files:

    python3.11 -m venv /tmp/nestvenv
    /tmp/nestvenv/bin/pip install nest-simulator==3.10.0 numpy
    /tmp/nestvenv/bin/python tests/data/gen_nest_iaf_refs.py

Options:  --outdir DIR   write there instead of the directory of this script
          --only LIST    comma list of scenario names (see SCENARIOS below)
          --summary      print a design summary (spike steps, inputs that arrive while
                         the neuron is refractory) to stderr

File format: the common text format of tests/data/README.md ('#' header lines,
'# key: value' lines, comma separated records, hex floats from float.hex()).
Every file of a scenario carries the complete network description in its header
(lines '# node: ...' and '# connection: ...', see README.md section "iaf_psc_*
scenarios"), so that a test can rebuild the network from the header alone.
"""

import argparse
import textwrap
import os
import sys

import numpy as np

import nest

FORMAT_VERSION = 1
GENERATOR = "tests/data/gen_nest_iaf_refs.py"
RNG_SEED = 12345
HS = [(0.1, "0.1"), (0.01, "0.01")]
MODELS = ["iaf_psc_delta", "iaf_psc_exp", "iaf_psc_alpha"]

# Parameters listed for each model (the complete user-settable parameter set that
# influences the dynamics; GetDefaults also lists plasticity/archiving keys such as
# tau_minus, which play no role here).
MODEL_PARAMS = {
    "iaf_psc_delta": ["C_m", "E_L", "I_e", "V_m", "V_min", "V_reset", "V_th",
                      "refractory_input", "t_ref", "tau_m"],
    "iaf_psc_exp": ["C_m", "E_L", "I_e", "V_m", "V_reset", "V_th", "delta", "rho",
                    "t_ref", "tau_m", "tau_syn_ex", "tau_syn_in"],
    "iaf_psc_alpha": ["C_m", "E_L", "I_e", "V_m", "V_min", "V_reset", "V_th", "t_ref",
                      "tau_m", "tau_syn_ex", "tau_syn_in"],
}
DEVICE_PARAMS = {
    "dc_generator": ["amplitude", "origin", "start", "stop"],
    "spike_generator": ["spike_times", "spike_weights", "spike_multiplicities", "origin",
                        "start", "stop", "allow_offgrid_times", "precise_times",
                        "shift_now_spikes"],
    "multimeter": ["interval", "offset", "origin", "start", "stop", "record_from"],
    "voltmeter": ["interval", "offset", "origin", "start", "stop", "record_from"],
    "spike_recorder": ["origin", "start", "stop"],
}

# Kick weights: pA for the current-based synapses of iaf_psc_exp / iaf_psc_alpha,
# mV (jump of V_m) for iaf_psc_delta.  'x' is not a multiple of 2^-32 (12.3, 1.23);
# all other weights are dyadic, so sums of them are exact in any order.
WEIGHTS = {
    "pA": {"a": 87.5, "b": -60.25, "c": 300.0, "x": 12.3, "B": -1500.0},
    "mV": {"a": 1.75, "b": -1.25, "c": 3.0, "x": 1.23, "B": -25.0},
}


# --------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------

def hx(x):
    return float(x).hex()


def fmt_value(v):
    """header value: doubles as hex, ints decimal, bools true/false, lists ';'-joined,
    strings as they are; empty list = '-'."""
    if isinstance(v, (bool, np.bool_)):
        return "true" if v else "false"
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        return hx(v)
    if isinstance(v, str):
        return v
    v = list(v)
    if not v:
        return "-"
    return ";".join(fmt_value(x) for x in v)


def step_of(t, h):
    return int(round(float(t) / h))


class Out:
    """A reference file being written."""

    def __init__(self, outdir, name, scenario, kind):
        self.path = os.path.join(outdir, name)
        self.name = name
        self.lines = [
            f"# spikegpu NEST reference data, format {FORMAT_VERSION}",
            f"# file: {name}",
            f"# generator: {GENERATOR}",
            f"# nest_version: {nest.__version__}",
            f"# scenario: {scenario}",
            f"# kind: {kind}",
        ]

    def comment(self, text):
        for line in text.strip("\n").split("\n"):
            self.lines.append("# " + line if line else "#")

    def row(self, *fields):
        self.lines.append(",".join(str(f) for f in fields))

    def close(self):
        with open(self.path, "w") as f:
            f.write("\n".join(self.lines) + "\n")
        print(f"wrote {self.name}: {os.path.getsize(self.path)} bytes", file=sys.stderr)


# --------------------------------------------------------------------------------------
# scenario definitions
# --------------------------------------------------------------------------------------
#
# A scenario is a dict:
#   name, model, T (ms covered by the files), description (text),
#   neuron: dict of parameters passed to nest.Create (others default),
#   inputs: list of (device_model, device_params, syn_spec) in creation order,
#   voltmeter: bool, windows: list of (t0, t1) ms kept at full resolution at h = 0.01,
#   grid001: keep every n-th sample at h = 0.01.

def kick_inputs(unit, strong_inhibition=False):
    """The spike_generator set of the 'kicks' family (times in ms; see README)."""
    w = WEIGHTS[unit]
    ins = [
        # sg A: single kicks 'a' (delay 1.0); 30.0 and 80.0 coincide with sg B
        ("spike_generator", {"spike_times": [10.0, 30.0, 44.0, 60.0, 61.0, 62.0, 63.0, 64.0,
                                             65.0, 80.0, 80.5, 81.0, 81.5, 82.0]},
         {"weight": w["a"], "delay": 1.0}),
        # sg B: a second generator sending 'a' at the same times as sg A (30, 80)
        ("spike_generator", {"spike_times": [30.0, 80.0]},
         {"weight": w["a"], "delay": 1.0}),
        # sg C: big kicks 'c' with delay 1.5; 29.5 + 1.5 arrives with sg A/B's 30.0 + 1.0
        ("spike_generator", {"spike_times": [29.5, 45.0, 85.0, 86.0, 87.0]},
         {"weight": w["c"], "delay": 1.5}),
        # sg D: inhibitory kicks 'b'
        ("spike_generator", {"spike_times": [20.0, 32.0, 46.5, 70.0]},
         {"weight": w["b"], "delay": 1.0}),
        # sg E: multiplicities (3 and 2 events of 'a' in one SpikeEvent), delay 1.5
        ("spike_generator", {"spike_times": [40.0, 50.0], "spike_multiplicities": [3, 2]},
         {"weight": w["a"], "delay": 1.5}),
        # sg F: the non-dyadic weight 'x', always alone in its arrival step
        ("spike_generator", {"spike_times": [55.0, 75.0, 88.2]},
         {"weight": w["x"], "delay": 1.0}),
        # sg G: spike_weights (connection weight 1.0): 'c' and 'b' in the same step from
        # one generator (routed to ex and in), then 'c' alone
        ("spike_generator", {"spike_times": [90.0, 90.0, 92.0],
                             "spike_weights": [w["c"], w["b"], w["c"]]},
         {"weight": 1.0, "delay": 1.0}),
    ]
    if strong_inhibition:
        # sg H: one strong inhibitory kick 'B' (drives V_m to V_min where the model has one)
        ins.append(("spike_generator", {"spike_times": [66.0]}, {"weight": w["B"], "delay": 1.0}))
    return ins


def input_times(inputs):
    """times (ms) at which inputs reach the neuron: spike time + delay for spike_generators,
    origin + start + delay and origin + stop + delay for dc_generators."""
    out = set()
    for dm, dp, syn in inputs:
        d = syn["delay"]
        if dm == "spike_generator":
            out.update(round(t + d, 9) for t in dp["spike_times"])
        else:
            o = dp.get("origin", 0.0)
            out.update((round(o + dp["start"] + d, 9), round(o + dp["stop"] + d, 9)))
    return sorted(out)


def dc_inputs():
    return [
        ("dc_generator", {"amplitude": 450.0, "start": 20.0, "stop": 120.0, "origin": 0.0},
         {"weight": 1.0, "delay": 1.0}),
        ("dc_generator", {"amplitude": -100.0, "start": 50.0, "stop": 60.0, "origin": 10.0},
         {"weight": 1.0, "delay": 1.0}),
    ]


def unit_of(model):
    return "mV" if model == "iaf_psc_delta" else "pA"


def windows_around(times, before=0.05, after=0.05):
    return [(t - before, t + after) for t in times]


def build_scenarios():
    sc = []
    for m in MODELS:
        short = m.replace("iaf_psc_", "")
        sc.append(dict(
            name=f"iaf_psc_{short}_dc", model=m, T=200.0, neuron={}, inputs=dc_inputs(),
            voltmeter=True, grid001=20,
            windows=windows_around(input_times(dc_inputs()), 0.05, 0.1),
            description=(
                f"dc: one {m} with default parameters driven by two dc_generators (node 2: "
                "450 pA, origin 0, start 20, stop 120; node 3: -100 pA, origin 10, start 50, "
                "stop 60, i.e. a window of 60..70 ms in absolute time), both weight 1, delay "
                "1 ms, receptor 0.  Multimeter with interval h (all recordables), voltmeter "
                "(defaults: interval 1 ms, record_from V_m) and spike_recorder.")))
    for m in MODELS:
        short = m.replace("iaf_psc_", "")
        unit = unit_of(m)
        variants = [("", {"I_e": 325.0})]
        if m == "iaf_psc_delta":
            variants.append(("_refrin", {"I_e": 325.0, "refractory_input": True}))
        for suffix, par in variants:
            sc.append(dict(
                name=f"iaf_psc_{short}_kicks{suffix}", model=m, T=100.0, neuron=par,
                inputs=kick_inputs(unit), voltmeter=False, grid001=20,
                windows=windows_around(input_times(kick_inputs(unit))),
                description=(
                    f"kicks: one {m} with I_e = 325 pA (V_m relaxes from E_L = -70 towards "
                    f"-57 mV, 2 mV below V_th)"
                    + (", refractory_input = true" if "refractory_input" in par else "")
                    + f", driven by seven spike_generators (nodes 2-8) with weights in {unit}: "
                    f"a = {WEIGHTS[unit]['a']!r}, b = {WEIGHTS[unit]['b']!r}, "
                    f"c = {WEIGHTS[unit]['c']!r} (dyadic) and the non-dyadic "
                    f"x = {WEIGHTS[unit]['x']!r} (never coincident with another input), delays "
                    "1.0 and 1.5 ms: coincident events from two generators (nodes 2 and 3 at 30 "
                    "and 80 ms), from different delays (node 4 at 29.5 + 1.5 ms together with "
                    "nodes 2 and 3 at 30 + 1 ms), spike_multiplicities 3 and 2 (node 6), "
                    "spike_weights with an excitatory and an inhibitory event in the same step "
                    "(node 8), and inputs that arrive while the neuron is refractory.")))
    # singular and near-singular propagators
    sing = [
        ("iaf_psc_exp", "singular", {"tau_syn_ex": 10.0, "tau_syn_in": 10.0},
         "tau_syn_ex = tau_syn_in = tau_m = 10 ms (exactly singular: P21 from the h/C_m e^(-h/tau_m) branch)"),
        ("iaf_psc_exp", "nearsingular", {"tau_syn_ex": 10.0 * (1.0 + 1e-12), "tau_syn_in": 10.0003},
         "tau_syn_ex = 10*(1+1e-12) (computed in double), tau_syn_in = 10.0003, tau_m = 10"),
        ("iaf_psc_alpha", "singular", {"tau_syn_ex": 10.0},
         "tau_syn_ex = tau_m = 10 ms (singular), tau_syn_in = 2 ms (regular)"),
        ("iaf_psc_alpha", "nearsingular", {"tau_syn_ex": 10.0 * (1.0 + 1e-12), "tau_syn_in": 10.0003},
         "tau_syn_ex = 10*(1+1e-12) (computed in double), tau_syn_in = 10.0003, tau_m = 10"),
    ]
    for m, kind, par, doc in sing:
        short = m.replace("iaf_psc_", "")
        p = dict(par)
        p["I_e"] = 100.0
        ins = [("dc_generator", {"amplitude": 180.0, "start": 5.0, "stop": 60.0},
                {"weight": 1.0, "delay": 1.0})] + kick_inputs("pA")
        sc.append(dict(
            name=f"iaf_psc_{short}_{kind}", model=m, T=100.0, neuron=p, inputs=ins,
            voltmeter=False, grid001=20,
            windows=windows_around(input_times(ins)),
            description=(
                f"{kind}: one {m} with {doc}, I_e = 100 pA, driven by a dc_generator (node 2: "
                "180 pA, start 5, stop 60, delay 1) and the spike_generators of the kicks "
                "scenario (here nodes 3-9, pA weights).")))
    # parameter sweep
    sweep = {
        "iaf_psc_delta": {"C_m": 180.0, "tau_m": 12.5, "t_ref": 2.35, "E_L": -65.3,
                          "V_reset": -68.0, "V_th": -51.5, "V_min": -72.25, "V_m": -60.0,
                          "I_e": 175.0},
        "iaf_psc_exp": {"C_m": 180.0, "tau_m": 12.5, "tau_syn_ex": 1.5, "tau_syn_in": 3.7,
                        "t_ref": 2.31, "E_L": -65.3, "V_reset": -68.0, "V_th": -51.5,
                        "V_m": -60.0, "I_e": 175.0},
        "iaf_psc_alpha": {"C_m": 180.0, "tau_m": 12.5, "tau_syn_ex": 0.8, "tau_syn_in": 3.7,
                          "t_ref": 2.35, "E_L": -65.3, "V_reset": -68.0, "V_th": -51.5,
                          "V_min": -72.25, "V_m": -60.0, "I_e": 175.0},
    }
    for m in MODELS:
        short = m.replace("iaf_psc_", "")
        unit = unit_of(m)
        sc.append(dict(
            name=f"iaf_psc_{short}_sweep", model=m, T=100.0, neuron=sweep[m],
            inputs=kick_inputs(unit, strong_inhibition=True), voltmeter=False, grid001=20,
            windows=windows_around(input_times(kick_inputs(unit, strong_inhibition=True))),
            description=(
                f"sweep: one {m} with non-default parameters (non-dyadic E_L = -65.3; "
                f"t_ref = {sweep[m]['t_ref']!r} ms, not a multiple of h = 0.1; V_m, V_th, V_reset"
                + (", V_min" if "V_min" in sweep[m] else "")
                + " given explicitly in the same call as E_L), I_e = 175 pA (V_m would settle "
                "near -53.15 mV, 1.65 mV below V_th), driven by the spike_generators of the "
                f"kicks scenario (nodes 2-8, weights in {unit}) plus node 9: one strong "
                f"inhibitory kick B = {WEIGHTS[unit]['B']!r} sent at 66 ms (delay 1)"
                + (", which drives V_m to V_min." if "V_min" in sweep[m] else "."))))
    return sc


SCENARIOS = build_scenarios()


# --------------------------------------------------------------------------------------
# running NEST
# --------------------------------------------------------------------------------------

def status_of(node, keys):
    st = node.get(keys)
    return {k: st[k] for k in keys}


def run(sc, h):
    nest.ResetKernel()
    nest.verbosity = nest.VerbosityLevel.ERROR
    nest.local_num_threads = 1
    nest.resolution = h
    nest.rng_seed = RNG_SEED
    model = sc["model"]
    nodes = []  # (id, model, params passed, node collection)
    nrn = nest.Create(model, params=dict(sc["neuron"]) if sc["neuron"] else None)
    nodes.append((nrn.global_id, model, dict(sc["neuron"]), nrn))
    conns = []  # (source, target, syn_spec)
    for dm, dp, syn in sc["inputs"]:
        d = nest.Create(dm, params=dict(dp))
        nodes.append((d.global_id, dm, dict(dp), d))
        nest.Connect(d, nrn, syn_spec=dict(syn))
        conns.append((d.global_id, nrn.global_id, dict(syn)))
    recordables = list(nest.GetDefaults(model)["recordables"])
    mm_par = {"interval": h, "record_from": recordables}
    mm = nest.Create("multimeter", params=mm_par)
    nodes.append((mm.global_id, "multimeter", dict(mm_par), mm))
    nest.Connect(mm, nrn)
    conns.append((mm.global_id, nrn.global_id, {}))
    vm = None
    if sc["voltmeter"]:
        vm = nest.Create("voltmeter")
        nodes.append((vm.global_id, "voltmeter", {}, vm))
        nest.Connect(vm, nrn)
        conns.append((vm.global_id, nrn.global_id, {}))
    sr = nest.Create("spike_recorder")
    nodes.append((sr.global_id, "spike_recorder", {}, sr))
    nest.Connect(nrn, sr)
    conns.append((nrn.global_id, sr.global_id, {}))
    status = {}
    for nid, m, _, nc in nodes:
        keys = MODEL_PARAMS.get(m) or DEVICE_PARAMS[m]
        status[nid] = status_of(nc, keys)
    # actual connection properties as NEST stores them
    cinfo = []
    for s, t, _ in conns:
        c = nest.GetConnections(source=nest.NodeCollection([s]), target=nest.NodeCollection([t]))
        g = c.get(["weight", "delay", "receptor", "synapse_model"])
        cinfo.append((s, t, g["synapse_model"], float(g["weight"]), float(g["delay"]),
                      int(g["receptor"])))
    T = sc["T"]
    min_delay = nest.min_delay
    # multimeter lag: samples of the last min_delay are delivered only by the next
    # Simulate, so run min_delay longer and keep everything stamped <= T.
    T_nest = T + min_delay
    nest.Simulate(T_nest)
    nsteps = step_of(T, h)
    ev = mm.events
    senders = np.asarray(ev["senders"])
    times = np.asarray(ev["times"], dtype=float)
    order = np.argsort(times, kind="stable")
    assert np.all(senders == nrn.global_id)
    mm_rows = []
    for i in order:
        s = step_of(times[i], h)
        if s > nsteps:
            continue
        mm_rows.append((s, float(times[i]), int(senders[i]),
                        [float(ev[v][i]) for v in recordables]))
    assert [r[0] for r in mm_rows] == list(range(1, nsteps + 1)), "multimeter samples missing"
    sev = sr.events
    sp = sorted((int(sn), step_of(t, h), float(t)) for sn, t in zip(sev["senders"], sev["times"]))
    sp = [x for x in sp if x[1] <= nsteps]
    vm_rows = None
    if vm is not None:
        vev = vm.events
        vt = np.asarray(vev["times"], dtype=float)
        vo = np.argsort(vt, kind="stable")
        vm_rows = [(step_of(vt[i], h), float(vt[i]), int(vev["senders"][i]),
                    float(vev["V_m"][i])) for i in vo if step_of(vt[i], h) <= nsteps]
    return dict(nodes=nodes, status=status, conns=cinfo, recordables=recordables,
                min_delay=min_delay, T_nest=T_nest, mm=mm_rows, spikes=sp, vm=vm_rows,
                max_delay=nest.max_delay, neuron_id=nrn.global_id)


# --------------------------------------------------------------------------------------
# writing
# --------------------------------------------------------------------------------------

SETUP_DOC = """\
Network (machine-readable lines, all doubles as C99 hex floats, lists ';'-separated, '-' = empty):
  node: id=<node id> model=<NEST model> <parameter>=<value> ...   one line per node in
      creation order; for the neuron the parameters passed to nest.Create (all others are
      the model defaults, see model_defaults), for devices their complete parameter set;
  node_status: id=<neuron id> <parameter>=<value> ...   GetStatus of the neuron after
      creation (before Simulate), its complete parameter set;
  connection: source=<id> target=<id> synapse=<model> weight=<w> delay=<d ms> receptor=<r>
      as NEST stored it (the devices' connections to the neuron; multimeter/voltmeter ->
      neuron and neuron -> spike_recorder with NEST's defaults);
  model_defaults: <parameter>=<value> ...   nest.GetDefaults(<neuron model>).
Kernel: ResetKernel, local_num_threads 1, resolution h_ms, rng_seed (nothing random is
used), one Simulate call of nest_simulate_ms = simulate_ms + min_delay (so that the
multimeter delivers every sample up to simulate_ms: NEST's multimeter lag, docs/timing.md
section 9.1); the files hold everything stamped <= simulate_ms (a rebuild simulates
simulate_ms)."""


def write_header(o, sc, h, hs, res, extra_doc=""):
    o.comment(f"model: {sc['model']}")
    o.comment(f"h_ms: {h!r}")
    o.comment(f"h_ms_hex: {hx(h)}")
    o.comment(f"simulate_ms: {hx(sc['T'])}")
    o.comment(f"nest_simulate_ms: {hx(res['T_nest'])}")
    o.comment(f"min_delay_ms: {hx(res['min_delay'])}")
    o.comment(f"max_delay_ms: {hx(res['max_delay'])}")
    o.comment(f"rng_seed: {RNG_SEED}")
    o.comment("local_num_threads: 1")
    o.comment(f"neuron_id: {res['neuron_id']}")
    o.comment(f"recordables: {';'.join(res['recordables'])}")
    o.comment(textwrap.fill(sc["description"], 92))
    o.comment(SETUP_DOC)
    for nid, m, par, _ in res["nodes"]:
        if m in MODEL_PARAMS:  # the neuron: the parameters passed to Create
            toks = " ".join(f"{k}={fmt_value(par[k])}" for k in par)
        else:  # devices: their complete parameter set
            st = res["status"][nid]
            toks = " ".join(f"{k}={fmt_value(st[k])}" for k in st)
        o.comment(f"node: id={nid} model={m}" + (" " + toks if toks else ""))
    nid = res["neuron_id"]
    st = res["status"][nid]
    o.comment(f"node_status: id={nid} " + " ".join(f"{k}={fmt_value(st[k])}" for k in st))
    for s, t, syn, w, d, r in res["conns"]:
        o.comment(f"connection: source={s} target={t} synapse={syn} weight={hx(w)} "
                  f"delay={hx(d)} receptor={r}")
    dflt = nest.GetDefaults(sc["model"])
    o.comment("model_defaults: " + " ".join(f"{k}={fmt_value(dflt[k])}"
                                             for k in MODEL_PARAMS[sc["model"]]))
    if extra_doc:
        o.comment(extra_doc)


def write_scenario(outdir, sc, h, hs, res, summary):
    base = f"{sc['name']}_h{hs}"
    nsteps = step_of(sc["T"], h)
    spike_steps = [s for _, s, _ in res["spikes"]]
    # ---- multimeter
    if h >= 0.1 - 1e-12:
        keep = lambda s: True  # noqa: E731
        sel = (f"all samples: steps 1 ... {nsteps} (every step; the sample stamped step*h holds "
               "the state after NEST's update over ((step-1)*h, step*h]).")
    else:
        g = sc["grid001"]
        win = [(int(np.ceil(a / h - 1e-9)), int(np.floor(b / h + 1e-9))) for a, b in sc["windows"]]
        near = set()
        for s in spike_steps:
            near.update((s - 1, s))

        def keep(s, g=g, win=win, near=near):
            return s % g == 0 or s in near or any(a <= s <= b for a, b in win)

        wtxt = ", ".join(f"{a!r}-{b!r}" for a, b in
                         sorted(set((round(a, 6), round(b, 6)) for a, b in sc["windows"])))
        sel = f"""\
a subset of the samples (NEST recorded every step, interval = h; only these rows are kept to
keep the file small): (1) every {g}th step (step % {g} == 0); (2) every step in the windows
(ms, bounds inclusive) {wtxt}; (3) for every spike at step s the rows s-1 and s.  Sample
stamped step*h = state after NEST's update over ((step-1)*h, step*h]."""
    rows = [r for r in res["mm"] if keep(r[0])]
    cols = ["time_ms_hex", "sender"] + [v + "_hex" for v in res["recordables"]]
    o = Out(outdir, base + ".csv", sc["name"], "multimeter")
    write_header(o, sc, h, hs, res)
    o.comment(textwrap.fill("selection of rows: " + " ".join(sel.split()), 92))
    o.comment("time_ms_hex: the sample time exactly as NEST reports it (tics/1000, e.g. "
              "0x1.3333333333334p+4 for 19.200000000000003); the step is round(time/h).  "
              "Columns <recordable>_hex: the recorded values in the order of 'recordables'.")
    o.comment("columns: " + ",".join(cols))
    o.comment(f"rows: {len(rows)}")
    for s, t, snd, vals in rows:
        o.row(hx(t), snd, *[hx(v) for v in vals])
    o.close()
    # ---- spikes
    o = Out(outdir, base + "_spikes.csv", sc["name"], "spike_recorder")
    write_header(o, sc, h, hs, res)
    o.comment("every spike recorded by the spike_recorder with stamp <= simulate_ms; step = "
              "spike stamp (the neuron fired in the update over ((step-1)*h, step*h]); "
              "time_ms_hex = the time NEST reports; sorted by (sender, step).")
    o.comment("columns: sender,step,time_ms_hex")
    o.comment(f"rows: {len(res['spikes'])}")
    for snd, s, t in res["spikes"]:
        o.row(snd, s, hx(t))
    o.close()
    # ---- voltmeter
    if res["vm"] is not None:
        o = Out(outdir, base + "_vm.csv", sc["name"], "voltmeter")
        write_header(o, sc, h, hs, res)
        o.comment("all voltmeter samples with time <= simulate_ms (voltmeter defaults: "
                  "interval 1.0 ms, offset 0, record_from V_m), sorted by time.")
        o.comment("columns: time_ms_hex,sender,V_m_hex")
        o.comment(f"rows: {len(res['vm'])}")
        for s, t, snd, v in res["vm"]:
            o.row(hx(t), snd, hx(v))
        o.close()
    if summary:
        print(f"  {base}: {len(spike_steps)} spikes at steps {spike_steps}", file=sys.stderr)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--outdir", default=os.path.dirname(os.path.abspath(__file__)))
    ap.add_argument("--only", default="")
    ap.add_argument("--summary", action="store_true")
    a = ap.parse_args()
    os.makedirs(a.outdir, exist_ok=True)
    only = set(x for x in a.only.split(",") if x)
    print(f"NEST version {nest.__version__}", file=sys.stderr)
    for sc in SCENARIOS:
        if only and sc["name"] not in only:
            continue
        for h, hs in HS:
            res = run(sc, h)
            write_scenario(a.outdir, sc, h, hs, res, a.summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
