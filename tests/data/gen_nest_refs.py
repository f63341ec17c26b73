#!/usr/bin/env python3
"""Generate spikegpu's committed NEST reference files (tests/data/*.csv).

Our own code (spikegpu project).  Needs PyNEST; it is *not* needed to run the
spikegpu test suite, only to regenerate these files:

    python3 -m venv /tmp/nestvenv
    /tmp/nestvenv/bin/pip install nest-simulator numpy
    /tmp/nestvenv/bin/python tests/data/gen_nest_refs.py

Options:  --outdir DIR   write there instead of the directory of this script
          --no-check     skip the comparison with the NEST 3.10 numbers recorded
                         when the scenarios were specified (embedded below)

All files share one text format (see README.md in this directory):
  * lines starting with '#' are comments / header ('# key: value');
  * every other line is a comma separated record, no spaces;
  * doubles are written with Python repr() (shortest string that round-trips
    exactly through strtod), hex floats with float.hex() (C99 "%a" syntax,
    readable by strtod).
"""

import argparse
import math
import os
import sys

import numpy as np

import nest

FORMAT_VERSION = 1
LEVELS = [  # (name, spike_dependent_threshold, after_spike_currents, adapting_threshold)
    ("lif", False, False, False),
    ("lif_r", True, False, False),
    ("lif_asc", False, True, False),
    ("lif_r_asc", True, True, False),
    ("lif_r_asc_a", True, True, True),
]
GLIF_VARS = ["V_m", "I", "g_1", "g_2", "threshold", "threshold_spike",
             "threshold_voltage", "ASCurrents_sum"]

CHECK_FAILURES = []
CHECK_COUNT = [0]


# --------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------

def r(x):
    """repr of a python float (exact round trip)."""
    return repr(float(x))


def hx(x):
    return float(x).hex()


def level_flags(i):
    name, R, ASC, A = LEVELS[i]
    return {"spike_dependent_threshold": R, "after_spike_currents": ASC,
            "adapting_threshold": A}


def reset(h=None, seed=None):
    nest.ResetKernel()
    nest.verbosity = nest.VerbosityLevel.ERROR
    if h is not None:
        nest.resolution = h
    if seed is not None:
        nest.rng_seed = seed


def step_of(t, h):
    """time (ms, as NEST reports it) -> integer step index (t = step * h)."""
    return int(round(float(t) / h))


def check(label, got, want):
    CHECK_COUNT[0] += 1
    if isinstance(want, (list, tuple)):
        ok = len(got) == len(want) and all(float(a) == float(b) for a, b in zip(got, want))
    else:
        ok = float(got) == float(want)
    if not ok:
        CHECK_FAILURES.append(f"{label}: got {got!r}, the recorded NEST value is {want!r}")


def check_close(label, got, want, decimals):
    """for recorded NEST values quoted rounded"""
    CHECK_COUNT[0] += 1
    if isinstance(want, (list, tuple)):
        ok = len(got) == len(want) and all(round(float(a), decimals) == round(float(b), decimals)
                                           for a, b in zip(got, want))
    else:
        ok = round(float(got), decimals) == round(float(want), decimals)
    if not ok:
        CHECK_FAILURES.append(f"{label}: got {got!r}, the recorded NEST value is {want!r} "
                              f"(compared to {decimals} decimals)")


class Out:
    """A reference file being written."""

    def __init__(self, outdir, name, scenario, description, columns=None):
        self.path = os.path.join(outdir, name)
        self.name = name
        self.lines = [
            f"# spikegpu NEST reference data, format {FORMAT_VERSION}",
            f"# file: {name}",
            "# generator: tests/data/gen_nest_refs.py",
            f"# nest_version: {nest.__version__}",
            f"# scenario: {scenario}",
        ]
        for line in description.strip("\n").split("\n"):
            self.lines.append("# " + line if line else "#")
        if columns:
            self.lines.append("# columns: " + ",".join(columns))

    def comment(self, text):
        for line in text.strip("\n").split("\n"):
            self.lines.append("# " + line if line else "#")

    def row(self, *fields):
        self.lines.append(",".join(str(f) for f in fields))

    def close(self):
        with open(self.path, "w") as f:
            f.write("\n".join(self.lines) + "\n")
        print(f"wrote {self.name}: {os.path.getsize(self.path)} bytes", file=sys.stderr)


def mm_table(mm, variables, senders_expected, h):
    """multimeter events -> dict sender -> (steps array, times array, {var: array}),
    every sender sorted by time."""
    ev = mm.events
    senders = np.asarray(ev["senders"])
    times = np.asarray(ev["times"], dtype=float)
    res = {}
    for s in senders_expected:
        sel = np.nonzero(senders == s)[0]
        order = sel[np.argsort(times[sel], kind="stable")]
        t = times[order]
        steps = np.array([step_of(x, h) for x in t], dtype=np.int64)
        assert np.all(np.diff(steps) > 0), "duplicate/unsorted sample times"
        res[s] = (steps, t, {v: np.asarray(ev[v], dtype=float)[order] for v in variables})
    return res


def sr_spikes(sr, senders_expected, h):
    ev = sr.events
    senders = np.asarray(ev["senders"])
    times = np.asarray(ev["times"], dtype=float)
    res = {}
    for s in senders_expected:
        t = np.sort(times[senders == s])
        res[s] = [(step_of(x, h), float(x)) for x in t]
    return res


def summary_rows(out, neuron, steps, data, variables):
    for v in variables:
        vals = [float(x) for x in data[v]]  # time order
        seq = 0.0
        for x in vals:
            seq += x
        fs = math.fsum(vals)
        mx = max(abs(x) for x in vals)
        out.row(neuron, v, len(vals), int(steps[0]), int(steps[-1]), hx(fs), hx(seq),
                hx(mx), hx(min(vals)), hx(max(vals)), r(fs), r(mx))


SUMMARY_COLUMNS = ["neuron", "variable", "n_samples", "first_step", "last_step",
                   "fsum_hex", "seqsum_hex", "maxabs_hex", "min_hex", "max_hex",
                   "fsum", "maxabs"]
SUMMARY_DOC = """\
One row per (neuron, variable), computed over ALL multimeter samples NEST returned
(not only the rows kept in the samples file), in increasing time order.
  n_samples, first_step, last_step: number of samples and first/last sample step (t = step*h)
  fsum_hex:   math.fsum of the samples = the correctly rounded exact sum (hex float)
  seqsum_hex: plain left-to-right double sum s=0.0; s+=x in time order (hex float;
              a C loop 'double s=0; for(...) s+=x[k];' reproduces it bit for bit if
              the samples are bitwise equal)
  maxabs_hex, min_hex, max_hex: max |x|, min x, max x (hex floats, exact)
  fsum, maxabs: the same two values as decimal repr (for humans)"""


def write_trace_set(outdir, base, scenario, description, h, table, spikes, variables,
                    keep_steps_fn, selection_doc, neuron_doc):
    """Write <base>.csv (samples), <base>_spikes.csv and <base>_summary.csv."""
    # samples
    o = Out(outdir, base + ".csv", scenario, description,
            ["step", "time_ms", "neuron"] + variables)
    o.comment(f"h_ms: {r(h)}")
    o.comment(neuron_doc)
    o.comment("step: sample step index; the sample with timestamp step*h holds the state after\n"
              "NEST's update over ((step-1)*h, step*h].  time_ms: the timestamp exactly as NEST's\n"
              "multimeter reports it (tics/1000, so e.g. 10.450000000000001).")
    o.comment("rows sorted by (step, neuron).  selection of rows:\n" + selection_doc)
    all_steps = sorted(set().union(*[set(int(s) for s in table[n][0]) for n in table]))
    index = {n: {int(s): i for i, s in enumerate(table[n][0])} for n in table}
    rows = []
    for s in all_steps:
        for n in sorted(table):
            i = index[n].get(s)
            if i is None or not keep_steps_fn(s, n):
                continue
            steps, times, data = table[n]
            rows.append((s, r(times[i]), n, *[r(data[v][i]) for v in variables]))
    o.comment(f"rows: {len(rows)}")
    for row in rows:
        o.row(*row)
    o.close()
    # spikes
    o = Out(outdir, base + "_spikes.csv", scenario, description, ["neuron", "step", "time_ms"])
    o.comment(f"h_ms: {r(h)}")
    o.comment(neuron_doc)
    o.comment("every spike recorded by the spike_recorder; step = spike stamp (time_ms = step*h,\n"
              "the time at the end of the update in which the neuron fired); sorted by (neuron, step).")
    o.comment(f"rows: {sum(len(v) for v in spikes.values())}")
    for n in sorted(spikes):
        o.comment(f"count neuron {n}: {len(spikes[n])}")
    for n in sorted(spikes):
        for s, t in spikes[n]:
            o.row(n, s, r(t))
    o.close()
    # summary
    o = Out(outdir, base + "_summary.csv", scenario, description, SUMMARY_COLUMNS)
    o.comment(f"h_ms: {r(h)}")
    o.comment(neuron_doc)
    o.comment(SUMMARY_DOC)
    o.comment(f"rows: {len(table) * len(variables)}")
    for n in sorted(table):
        steps, times, data = table[n]
        summary_rows(o, n, steps, data, variables)
    o.close()


NEURON_DOC_5 = ("neuron: 1=lif (GLIF1), 2=lif_r (GLIF2), 3=lif_asc (GLIF3), 4=lif_r_asc (GLIF4), "
                "5=lif_r_asc_a (GLIF5)")


# --------------------------------------------------------------------------------------
# (a) the pynest glif_cond example, deterministic variant
# --------------------------------------------------------------------------------------

def build_example(poisson_rate):
    reset(0.05)
    neurons = []
    for i in range(5):
        neurons.append(nest.Create("glif_cond", params=level_flags(i)))
    espikes = nest.Create("spike_generator", params={"spike_times": [10.0, 100.0, 150.0],
                                                     "spike_weights": [20.0] * 3})
    ispikes = nest.Create("spike_generator", params={"spike_times": [15.0, 99.0, 150.0],
                                                     "spike_weights": [-20.0] * 3})
    cg = nest.Create("step_current_generator", params={
        "amplitude_values": [400.0], "amplitude_times": [200.0], "start": 200.0, "stop": 500.0})
    pg = nest.Create("poisson_generator", params={"rate": poisson_rate, "start": 600.0,
                                                  "stop": 900.0})
    pn = nest.Create("parrot_neuron")
    mm = nest.Create("multimeter", params={"interval": 0.05, "record_from": [
        "V_m", "I", "g_1", "g_2", "threshold", "threshold_spike", "threshold_voltage",
        "ASCurrents_sum"]})
    sr = nest.Create("spike_recorder")
    nrn = neurons[0] + neurons[1] + neurons[2] + neurons[3] + neurons[4]
    assert list(nrn.tolist()) == [1, 2, 3, 4, 5]
    nest.Connect(cg, nrn, syn_spec={"delay": 0.05})
    nest.Connect(espikes, nrn, syn_spec={"delay": 0.05, "receptor_type": 1})
    nest.Connect(ispikes, nrn, syn_spec={"delay": 0.05, "receptor_type": 2})
    nest.Connect(pg, pn, syn_spec={"delay": 0.05})
    nest.Connect(pn, nrn, syn_spec={"delay": 0.05, "receptor_type": 1})
    nest.Connect(mm, nrn)
    nest.Connect(nrn, sr)
    nest.Simulate(1000.0)
    return mm, sr


EXAMPLE_DESC = """\
NEST's pynest example glif_cond_neuron.py, rebuilt from its parameters (docs/models.md section 2.11):
ResetKernel, resolution h = 0.05 ms, 1 thread, default seed.  Nodes 1-5: glif_cond
lif, lif_r, lif_asc, lif_r_asc, lif_r_asc_a (only the three level flags set).
Node 6 spike_generator times [10,100,150] spike_weights [20,20,20] -> neurons receptor 1,
node 7 spike_generator times [15,99,150] spike_weights [-20,-20,-20] -> neurons receptor 2,
node 8 step_current_generator amplitude_times [200] values [400] start 200 stop 500 -> neurons
(receptor 0), node 9 poisson_generator start 600 stop 900 -> node 10 parrot_neuron -> neurons
receptor 1; all these connections static_synapse weight 1, delay 0.05 ms.
Node 11 multimeter interval 0.05 (mm -> neurons default delay 1 ms), node 12 spike_recorder
(neurons -> sr default delay 1 ms).  Simulate(1000.0) once.  min_delay 0.05, max_delay 1.0."""


def gen_example(outdir):
    h = 0.05
    # deterministic variant: poisson_generator kept (same node ids and connections, same
    # min/max delay) but rate 0.0 Hz, so it never emits.
    mm, sr = build_example(0.0)
    assert nest.min_delay == 0.05 and nest.max_delay == 1.0
    table = mm_table(mm, GLIF_VARS, [1, 2, 3, 4, 5], h)
    spikes = sr_spikes(sr, [1, 2, 3, 4, 5], h)
    for n in table:
        assert len(table[n][0]) == 19999 and table[n][0][0] == 1 and table[n][0][-1] == 19999
    near_spikes = set()
    for n in spikes:
        for s, _ in spikes[n]:
            near_spikes.update(((s - 1, n), (s, n)))

    def st(t):
        return int(round(t / h))

    windows = [(st(195.0), st(215.0)), (st(495.0), st(505.0)),
               (st(9.95), st(11.0)), (st(14.95), st(17.0)), (st(98.95), st(101.0)),
               (st(149.95), st(152.0))]

    def keep(s, n):
        if s % 20 == 0:
            return True
        if (s, n) in near_spikes:
            return True
        return any(a <= s <= b for a, b in windows)

    sel = """\
  (1) every 20th sample: step % 20 == 0 (t = 1, 2, 3, ... ms);
  (2) full resolution (every step) in the windows 195-215 ms, 495-505 ms (current on/off),
      9.95-11, 14.95-17, 98.95-101, 149.95-152 ms (input spikes), bounds inclusive;
  (3) for every spike of a neuron at step s: that neuron's rows at steps s-1 and s
      (sample before the spike and the spike sample showing the reset).
  Rows of (1) and (2) exist for all five neurons.
  Multimeter lag: NEST returns 19999 samples per neuron (0.05 ... 999.95 ms); the sample
  at 1000.0 ms is not delivered by Simulate(1000) (docs/timing.md section 9.1).  The summary file covers all
  19999 samples."""
    desc = EXAMPLE_DESC + """
DETERMINISTIC VARIANT: the poisson_generator (node 9) is kept with all its connections but its
rate is set to 0.0 Hz (instead of 15000 Hz), so neither it nor the parrot ever emits."""
    write_trace_set(outdir, "glif_cond_example_det", "glif_cond_example_det", desc, h, table,
                    spikes, GLIF_VARS, keep, sel, NEURON_DOC_5)

    # the full (Poisson) variant: spike times only, statistical reference
    mm, sr = build_example(15000.0)
    spikes_full = sr_spikes(sr, [1, 2, 3, 4, 5], h)
    o = Out(outdir, "glif_cond_example_full_spikes.csv", "glif_cond_example_full",
            EXAMPLE_DESC + """
FULL VARIANT (poisson_generator rate 15000 Hz, default rng_seed 143202461, mt19937_64).
STATISTICAL: the spikes from 600 ms on depend on NEST's random stream and cannot be
reproduced exactly by spikegpu; spikes before 600 ms are deterministic and equal to
glif_cond_example_det_spikes.csv.""", ["neuron", "step", "time_ms"])
    o.comment("h_ms: 0.05")
    o.comment(NEURON_DOC_5)
    o.comment(f"rows: {sum(len(v) for v in spikes_full.values())}")
    for n in sorted(spikes_full):
        o.comment(f"count neuron {n}: {len(spikes_full[n])}")
    for n in sorted(spikes_full):
        for s, t in spikes_full[n]:
            o.row(n, s, r(t))
    o.close()
    for n in [1, 2, 3, 4, 5]:
        pre_det = [x for x in spikes[n] if x[0] <= 12000]
        pre_full = [x for x in spikes_full[n] if x[0] <= 12000]
        assert pre_det == pre_full, "example: det and full variants differ before 600 ms"


# --------------------------------------------------------------------------------------
# (b) T5
# --------------------------------------------------------------------------------------

T5_DESC = """\
Scenario T5 (tests/data/README.md): bitwise NEST replica check, all five levels.
ResetKernel, resolution h, 1 thread.  Nodes 1-5 glif_cond lif, lif_r, lif_asc, lif_r_asc,
lif_r_asc_a (only the level flags set, all else default).
step_current_generator amplitude_times [5,150,250] amplitude_values [300,150,500] start 0
stop 350 -> all neurons, receptor 0, weight 1, delay h.
spike_generator E times [2,60,60,200.3,370] spike_weights [10,20,5,30,15] -> all neurons,
receptor 1, weight 1, delay h.
spike_generator I times [3,100,201,380] spike_weights [10,40,20,25] -> all neurons,
receptor 2, weight 1, delay 2h.
multimeter interval h, record_from all 8 recordables, mm -> neurons delay h; spike_recorder
(neurons -> sr, default delay 1 ms).  Simulate(400.0).  min_delay = h, so NEST returns the
samples h ... 400-h (400/h - 1 samples per neuron; the one at 400.0 is not delivered)."""

T5_EXPECTED_SPIKES = {
    0.1: [
        [20.2, 36.0, 51.8, 60.7, 76.5, 92.3, 120.8, 136.6, 201.0, 252.4, 260.7, 269.0, 277.3, 285.6, 293.9, 302.2, 310.5, 318.8, 327.1, 335.4, 343.7],
        [20.2, 27.8, 35.9, 44.4, 53.4, 60.3, 70.3, 80.6, 91.2, 124.0, 134.5, 145.3, 201.2, 252.7, 257.6, 262.6, 267.6, 272.7, 277.9, 283.1, 288.4, 293.7, 299.1, 304.5, 310.0, 315.5, 321.0, 326.6, 332.2, 337.8, 343.5, 349.2],
        [20.2, 50.2, 81.7, 127.1, 253.0, 265.2, 279.1, 293.5, 308.2, 323.2, 338.5],
        [20.2, 50.0, 60.8, 126.9, 253.1, 260.5, 272.7, 285.2, 298.2, 311.7, 325.6, 340.0],
        [21.6, 57.2, 128.0, 253.1, 261.1, 273.7, 286.8, 300.4, 314.5, 329.1, 344.1],
    ],
    0.05: [
        [20.05, 35.8, 51.55, 60.6, 76.35, 92.1, 120.65, 136.4, 200.9, 252.35, 260.6, 268.85, 277.1, 285.35, 293.6, 301.85, 310.1, 318.35, 326.6, 334.85, 343.1],
        [20.05, 27.6, 35.6, 44.05, 52.95, 60.2, 70.05, 80.25, 90.8, 123.9, 134.3, 145.05, 201.1, 252.65, 257.5, 262.4, 267.35, 272.4, 277.5, 282.65, 287.85, 293.1, 298.4, 303.75, 309.15, 314.55, 320.0, 325.5, 331.05, 336.6, 342.2, 347.85],
        [20.05, 50.0, 81.35, 126.9, 252.9, 265.05, 278.9, 293.25, 307.9, 322.8, 338.0],
        [20.05, 49.75, 60.65, 126.75, 253.0, 260.4, 272.45, 284.9, 297.85, 311.25, 325.1, 339.35],
        [21.45, 56.95, 127.8, 253.05, 261.05, 273.5, 286.5, 300.0, 314.0, 328.5, 343.45],
    ],
    0.01: [
        [19.97, 35.71, 51.45, 60.51, 76.25, 91.99, 120.55, 136.29, 200.85, 252.27, 260.5, 268.73, 276.96, 285.19, 293.42, 301.65, 309.88, 318.11, 326.34, 334.57, 342.8],
        [19.97, 27.52, 35.5, 43.93, 52.8, 60.12, 69.92, 80.09, 90.64, 123.8, 134.16, 144.89, 201.05, 252.57, 257.39, 262.27, 267.21, 272.21, 277.27, 282.38, 287.55, 292.77, 298.04, 303.35, 308.71, 314.11, 319.55, 325.03, 330.54, 336.09, 341.67, 347.28],
        [19.97, 49.85, 81.1, 126.75, 252.86, 264.97, 278.8, 293.11, 307.72, 322.61, 337.78],
        [19.97, 49.62, 60.61, 126.67, 252.93, 260.36, 272.33, 284.78, 297.68, 311.04, 324.84, 339.09],
        [21.37, 56.8, 99.95, 252.98, 260.92, 273.3, 286.25, 299.7, 313.64, 328.07, 342.97],
    ],
}

# (t, neuron, {var: value}) recorded from NEST for T5 (h = 0.1); empty g cells = lif row values
_T5_LIF = {
    2.5: (-74.75088553528678, -51.68, 0.0, 0.0, 0.0, 7.357677881119386, 0.0, 0.0),
    3.5: (-73.06197180302979, -51.68, 0.0, 0.0, 0.0, 0.1735106374916492, 3.509470283987965, 0.0),
    5.3: (-75.68035293227553, -51.68, 0.0, 0.0, 0.0, 4.89294548952154e-05, 9.987908971962435, 300.0),
    12.0: (-61.72855220010895, -51.68, 0.0, 0.0, 0.0, 4.271683125811615e-19, 1.4684238789646153, 300.0),
    60.5: (-53.78702912831646, -51.68, 0.0, 0.0, 0.0, 18.39408521463342, 2.8111382133614157e-10, 300.0),
    100.5: (-63.53235071537327, -51.68, 0.0, 0.0, 0.0, 2.550417040461819e-84, 14.03788113595186, 300.0),
    201.5: (-78.85, -51.68, 0.0, 0.0, 0.0, 1.8329927272516002, 7.018940559417061, 150.0),
    349.9: (-61.89153303814504, -51.68, 0.0, 0.0, 0.0, 1.369e-320, 2.0740093607094644e-29, 500.0),
    399.9: (-79.52222014417225, -51.68, 0.0, 0.0, 0.0, 1.178044583538822e-61, 0.03530775251833032, 0.0),
}
_T5_COLS = ["V_m", "threshold", "ASCurrents_sum", "threshold_voltage", "threshold_spike",
            "g_1", "g_2", "I"]
_T5_A = {  # lif_r_asc_a rows; None = blank (take lif's g)
    2.5: (-74.75088553528678, -51.677232416319995, 0.0, 0.0027675836800068465, 0.0, 7.357677881119386, 0.0, 0.0),
    12.0: (-61.72855220010895, -51.36259615068168, 0.0, 0.3174038493183129, 0.0, None, None, 300.0),
    60.5: (-54.57053431641292, -49.62920792309279, -16.660510530211994, 1.4121034990969017, 0.6386885778103031, 18.39408521463342, None, 300.0),
    100.5: (-51.01865364501451, -49.73770379458321, -19.445531916708358, 1.4946885959405622, 0.44760760947622596, None, 14.03788113595186, 300.0),
    149.9: (-55.83630813105795, -49.91248744587339, -54.80000779800112, 1.166050639879807, 0.601461914246805, None, None, 300.0),
    201.5: (-51.88600197739521, -50.48861676338572, -19.07649613496083, 0.813357146218148, 0.3780260903961332, 1.8329927272516002, 7.018940559417061, 150.0),
    349.9: (-55.270976469537814, -48.1870270836788, -287.31382592509783, 1.443906752971989, 2.0490661633492144, None, None, 500.0),
    360.0: (-90.1301667962467, -49.293968765234354, -150.38707355305775, 0.5150104440991258, 1.8710207906665213, None, None, 0.0),
    399.9: (-85.97804339364866, -50.74369806315399, -66.40190115010188, -0.37024033344108664, 1.3065422702870955, 1.178044583538822e-61, 0.03530775251833032, 0.0),
}
T5_EXTRA_TIMES = [2.5, 3.5, 5.3, 12.0, 60.5, 100.5, 149.9, 201.5, 349.9, 360.0, 399.9]


def run_t5(h):
    reset(h)
    nrn = None
    for i in range(5):
        n = nest.Create("glif_cond", params=level_flags(i))
        nrn = n if nrn is None else nrn + n
    assert nrn.tolist() == [1, 2, 3, 4, 5]
    cg = nest.Create("step_current_generator", params={
        "amplitude_times": [5.0, 150.0, 250.0], "amplitude_values": [300.0, 150.0, 500.0],
        "start": 0.0, "stop": 350.0})
    sgE = nest.Create("spike_generator", params={
        "spike_times": [2.0, 60.0, 60.0, 200.3, 370.0],
        "spike_weights": [10.0, 20.0, 5.0, 30.0, 15.0]})
    sgI = nest.Create("spike_generator", params={
        "spike_times": [3.0, 100.0, 201.0, 380.0], "spike_weights": [10.0, 40.0, 20.0, 25.0]})
    mm = nest.Create("multimeter", params={"interval": h, "record_from": GLIF_VARS})
    sr = nest.Create("spike_recorder")
    nest.Connect(cg, nrn, syn_spec={"delay": h})
    nest.Connect(sgE, nrn, syn_spec={"delay": h, "receptor_type": 1})
    nest.Connect(sgI, nrn, syn_spec={"delay": 2 * h, "receptor_type": 2})
    nest.Connect(mm, nrn, syn_spec={"delay": h})
    nest.Connect(nrn, sr)
    nest.Simulate(400.0)
    return mm, sr


def gen_t5(outdir, do_check):
    for h, hs, dec in [(0.1, "0.1", 10), (0.05, "0.05", 20), (0.01, "0.01", 100)]:
        mm, sr = run_t5(h)
        table = mm_table(mm, GLIF_VARS, [1, 2, 3, 4, 5], h)
        spikes = sr_spikes(sr, [1, 2, 3, 4, 5], h)
        nsteps = int(round(400.0 / h))
        for n in table:
            assert len(table[n][0]) == nsteps - 1
        extra = set(int(round(t / h)) for t in T5_EXTRA_TIMES)
        win = [(int(round(200.2 / h)), int(round(201.5 / h))),
               (int(round(59.9 / h)), int(round(60.5 / h)))]
        near = set()
        for n in spikes:
            for s, _ in spikes[n]:
                near.update(((s - 1, n), (s, n)))

        def keep(s, n, dec=dec, extra=extra, win=win, near=near):
            return (s % dec == 0 or s in extra or (s, n) in near
                    or any(a <= s <= b for a, b in win))

        sel = f"""\
  (1) every {dec}th sample: step % {dec} == 0 (t = 1, 2, 3, ... ms, same grid for every h);
  (2) the recorded NEST check times of T5: {', '.join(str(t) for t in T5_EXTRA_TIMES)} ms;
  (3) full resolution in the windows 59.9-60.5 ms and 200.2-201.5 ms (bounds inclusive);
  (4) for every spike of a neuron at step s: that neuron's rows at steps s-1 and s.
  Rows of (1)-(3) exist for all five neurons.  NEST returns {nsteps - 1} samples
  per neuron (h ... 400-h); the summary file covers all of them."""
        write_trace_set(outdir, f"glif_cond_T5_h{hs}", f"glif_cond_T5 h={hs}",
                        T5_DESC.replace("resolution h,", f"resolution h = {hs} ms,"), h, table,
                        spikes, GLIF_VARS, keep, sel, NEURON_DOC_5)
        if do_check:
            for i in range(5):
                check(f"T5 h={hs} spike steps {LEVELS[i][0]}",
                      [st for st, _ in spikes[i + 1]],
                      [int(round(t / h)) for t in T5_EXPECTED_SPIKES[h][i]])
            if h == 0.1:
                for neuron, rows in ((1, _T5_LIF), (5, _T5_A)):
                    steps, times, data = table[neuron]
                    idx = {int(s): k for k, s in enumerate(steps)}
                    for t, vals in rows.items():
                        k = idx[int(round(t / h))]
                        for c, v in zip(_T5_COLS, vals):
                            if v is None:  # blank cell: same as the lif neuron
                                s1, _, d1 = table[1]
                                v = d1[c][{int(q): j for j, q in enumerate(s1)}[int(round(t / h))]]
                            check(f"T5 h=0.1 t={t} neuron {neuron} {c}", data[c][k], v)


# --------------------------------------------------------------------------------------
# (c) T1-det
# --------------------------------------------------------------------------------------

T1_DESC = """\
Scenario T1-det (tests/data/README.md): NEST's testsuite test_glif_cond.py with the
Poisson part disabled.  For each level separately: ResetKernel, resolution 0.01, rng_seed
123456, 1 thread; one glif_cond (level flags, V_m = -78.85, else default);
spike_generator espikes times [10,100,400,700] -> nrn receptor 1;
spike_generator ispikes times [15,99,300,800] -> nrn receptor 2;
poisson_generator rate 1000 Hz start 200 STOP 200 (disabled; original: stop 500) -> parrot;
parrot -> nrn weight 22 receptor 1; parrot -> nrn weight 10 receptor 2;
step_current_generator amplitude_times [600] values [100] start 600 stop 900 -> nrn weight 3;
spike_recorder; multimeter record_from [V_m] interval 0.01.  All connections default delay
1.0 ms (so min_delay = max_delay = 1.0).  Simulate(1000.0).
NEST returns 99900 V_m samples (0.01 ... 999.00 ms): the last min_delay (1 ms) of samples
is not delivered by Simulate(1000) (docs/timing.md section 9.1).
neuron column = level index (each level is a separate kernel in which the neuron is node 1)."""

T1_EXPECTED_SPIKES = [
    [612.99, 628.73, 644.47, 660.21, 675.95, 691.69, 707.14, 722.88, 738.62, 754.36, 770.1, 785.84, 801.85, 817.76, 833.5, 849.24, 864.98, 880.72, 896.46],
    [612.99, 620.53, 628.51, 636.94, 645.81, 655.12, 664.85, 674.98, 685.49, 696.35, 707.03, 718.53, 730.29, 742.27, 754.45, 766.79, 779.28, 791.89, 810.75, 823.14, 835.64, 848.26, 860.98, 873.78, 886.65, 899.57],
    [612.99, 642.87, 675.83, 711.2, 750.45, 793.66, 841.6, 894.71],
    [612.99, 642.64, 676.8, 715.02, 758.95, 817.86, 872.83],
    [614.18, 649.58, 692.73, 748.16, 830.85],
]
T1_EXPECTED_V = {
    50.0: [-78.85373767616088] * 5,
    99.5: [-78.85000131923901] * 5,
    300.5: [-78.85] * 5,
    601.0: [-78.84999999999998] * 5,
    605.0: [-63.771863829177065] * 5,
    650.0: [-70.94029571307273, -54.13305589377529, -74.04490573753102, -60.26645215525723, -54.569539855265354],
    905.0: [-76.85599406479739, -60.11410491793902, -86.0762270102503, -69.11652063392744, -65.00935043410378],
}


def run_t1(level, pg_stop=200.0):
    reset(0.01, 123456)
    p = level_flags(level)
    p["V_m"] = -78.85
    nrn = nest.Create("glif_cond", params=p)
    espikes = nest.Create("spike_generator", params={"spike_times": [10.0, 100.0, 400.0, 700.0]})
    ispikes = nest.Create("spike_generator", params={"spike_times": [15.0, 99.0, 300.0, 800.0]})
    pg = nest.Create("poisson_generator", params={"rate": 1000.0, "start": 200.0, "stop": pg_stop})
    pn = nest.Create("parrot_neuron")
    cg = nest.Create("step_current_generator", params={
        "amplitude_values": [100.0], "amplitude_times": [600.0], "start": 600.0, "stop": 900.0})
    nest.Connect(espikes, nrn, syn_spec={"receptor_type": 1})
    nest.Connect(ispikes, nrn, syn_spec={"receptor_type": 2})
    nest.Connect(pg, pn)
    nest.Connect(pn, nrn, syn_spec={"weight": 22.0, "receptor_type": 1})
    nest.Connect(pn, nrn, syn_spec={"weight": 10.0, "receptor_type": 2})
    nest.Connect(cg, nrn, syn_spec={"weight": 3.0})
    sr = nest.Create("spike_recorder")
    nest.Connect(nrn, sr)
    mm = nest.Create("multimeter", params={"record_from": ["V_m"], "interval": 0.01})
    nest.Connect(mm, nrn)
    nest.Simulate(1000.0)
    assert nest.min_delay == 1.0 and nest.max_delay == 1.0
    t = mm_table(mm, ["V_m"], [1], 0.01)[1]
    sp = sr_spikes(sr, [1], 0.01)[1]
    return t, sp


def gen_t1(outdir, do_check):
    h = 0.01
    table, spikes = {}, {}
    for i in range(5):
        t, sp = run_t1(i)
        assert len(t[0]) == 99900
        table[i + 1] = t
        spikes[i + 1] = sp
    listed = set(int(round(x / h)) for x in T1_EXPECTED_V)
    near = set()
    for n in spikes:
        for s, _ in spikes[n]:
            near.update(((s - 1, n), (s, n)))

    def keep(s, n):
        return s % 500 == 0 or s in listed or (s, n) in near

    sel = """\
  (1) every 500th sample: step % 500 == 0 (t = 5, 10, 15, ... ms);
  (2) the recorded NEST check times of T1-det: 50, 99.5, 300.5, 601, 605, 650, 905 ms;
  (3) for every spike of a level at step s: that level's rows at steps s-1 and s.
  Rows of (1) and (2) exist for all five levels.  The summary covers all 99900
  samples per level."""
    write_trace_set(outdir, "glif_cond_T1det", "glif_cond_T1det", T1_DESC, h, table, spikes,
                    ["V_m"], keep, sel, NEURON_DOC_5.replace("neuron:", "neuron (= level):"))
    if do_check:
        for i in range(5):
            check(f"T1det spike steps {LEVELS[i][0]}", [st for st, _ in spikes[i + 1]],
                  [int(round(t / h)) for t in T1_EXPECTED_SPIKES[i]])
            steps, times, data = table[i + 1]
            idx = {int(s): k for k, s in enumerate(steps)}
            for t, vals in T1_EXPECTED_V.items():
                check(f"T1det V_m t={t} {LEVELS[i][0]}", data["V_m"][idx[int(round(t / h))]],
                      vals[i])


# --------------------------------------------------------------------------------------
# (d) T2 multiplicity
# --------------------------------------------------------------------------------------

def gen_t2(outdir, do_check):
    o = Out(outdir, "glif_cond_T2.csv", "glif_cond_T2 (multiplicity)", """\
Scenario T2 (tests/data/README.md; NEST testsuite
test_neurons_handle_multiplicity.py, glif_cond and parrot cases).
Record format: tag,name,n,v1,...,vn  (n = number of values that follow).
 glif part: ResetKernel (h = 0.1); n1, n2 = glif_cond (GLIF1) each with tau_syn [1.0],
   E_rev [-85.0] (one receptor); sg1, sg2 = spike_generator times [5.0];
   sg3 = spike_generator times [5.0] spike_multiplicities [2]; sg1->n1, sg2->n1, sg3->n2,
   receptor 1, weight 1, delay 1.0.  Simulate(8.0).
   tag 'status': GetStatus values after Simulate(8.0) (name = <neuron>.<key>).
   tag 'trace': the same network with an added multimeter (interval 0.1, record_from
   [V_m, g_1], mm -> n1,n2 delay 1.0): times and values of n1 and n2; NEST returns samples
   0.1 ... 7.0 only (min_delay 1.0; the last 1 ms is delivered by a later Simulate).
 parrot part: ResetKernel (h = 0.1); spike_generator times [1,2,3] spike_multiplicities
   [1,3,2] -> parrot_neuron (default delay 1.0) -> spike_recorder (default delay 1.0);
   Simulate(5.0).  tag 'parrot', name 'recorded_times': spike_recorder times (sorted)."""
              , ["tag", "name", "n", "values..."])

    def net(with_mm):
        reset()
        n1 = nest.Create("glif_cond", params={"tau_syn": [1.0], "E_rev": [-85.0]})
        n2 = nest.Create("glif_cond", params={"tau_syn": [1.0], "E_rev": [-85.0]})
        sg1 = nest.Create("spike_generator", params={"spike_times": [5.0]})
        sg2 = nest.Create("spike_generator", params={"spike_times": [5.0]})
        sg3 = nest.Create("spike_generator", params={"spike_times": [5.0],
                                                     "spike_multiplicities": [2]})
        syn = {"receptor_type": 1}
        nest.Connect(sg1, n1, syn_spec=syn)
        nest.Connect(sg2, n1, syn_spec=syn)
        nest.Connect(sg3, n2, syn_spec=syn)
        mm = None
        if with_mm:
            mm = nest.Create("multimeter", params={"interval": 0.1,
                                                   "record_from": ["V_m", "g_1"]})
            nest.Connect(mm, n1 + n2)
        v0 = (n1.V_m, n2.V_m)
        nest.Simulate(8.0)
        return n1, n2, mm, v0

    n1, n2, _, v0 = net(False)
    o.row("status", "n1.V_m_before", 1, r(v0[0]))
    o.row("status", "n2.V_m_before", 1, r(v0[1]))
    vals = {}
    for nm, n in (("n1", n1), ("n2", n2)):
        st = n.get(["V_m", "g", "dg"])
        vals[nm] = st
        o.row("status", f"{nm}.V_m", 1, r(st["V_m"]))
        o.row("status", f"{nm}.g", len(st["g"]), *[r(x) for x in st["g"]])
        o.row("status", f"{nm}.dg", len(st["dg"]), *[r(x) for x in st["dg"]])
    n1, n2, mm, _ = net(True)
    tab = mm_table(mm, ["V_m", "g_1"], [1, 2], 0.1)
    for nm, s in (("n1", 1), ("n2", 2)):
        steps, times, data = tab[s]
        o.row("trace", f"{nm}.time_ms", len(times), *[r(x) for x in times])
        o.row("trace", f"{nm}.V_m", len(times), *[r(x) for x in data["V_m"]])
        o.row("trace", f"{nm}.g_1", len(times), *[r(x) for x in data["g_1"]])
    # parrot multiplicity
    reset()
    sg = nest.Create("spike_generator", params={"spike_times": [1.0, 2.0, 3.0],
                                                "spike_multiplicities": [1, 3, 2]})
    pn = nest.Create("parrot_neuron")
    sr = nest.Create("spike_recorder")
    nest.Connect(sg, pn)
    nest.Connect(pn, sr)
    nest.Simulate(5.0)
    pt = sorted(float(x) for x in sr.events["times"])
    o.row("parrot", "recorded_times", len(pt), *[r(x) for x in pt])
    o.close()
    if do_check:
        check("T2 V_m n1", vals["n1"]["V_m"], -79.13559410046145)
        check("T2 V_m n2", vals["n2"]["V_m"], -79.13559410046145)
        check_close("T2 g n1", vals["n1"]["g"], [1.47151782], 8)
        check_close("T2 g n2", vals["n2"]["g"], [1.47151782], 8)
        check("T2 parrot", pt, [2.0, 3.0, 3.0, 3.0, 4.0, 4.0])


# --------------------------------------------------------------------------------------
# (e) T6 timing micro-scenarios
# --------------------------------------------------------------------------------------

MICRO_DESC = """\
Timing micro-scenarios M1-M18 of T6 (tests/data/README.md; deterministic ones) plus a
few extra device facts (D*).  Defaults unless stated: ResetKernel, h = 0.1, one glif_cond with
default parameters (GLIF1), static_synapse weight 1.
Record format (one fact per line):   id,case,quantity,n,v1,...,vn
  id: scenario id (M1 ...); case: sub-case label (no commas, '-' if none);
  quantity: name of the recorded quantity; n: number of values; v1..vn: doubles (repr) or
  integers.  Lists of times are sorted ascending.  A quantity named *_trace_t with a partner
  *_trace_<var> (same id/case, same n) gives sample times and values.
MULTIMETER LAG: NEST delivers multimeter samples of the last min_delay slice only during the
next Simulate call, so after Simulate(T) the multimeter holds samples up to T - min_delay
(min_delay counts every connection, device connections included).  The traces below are
exactly what NEST returned; each block's comment line says which min_delay applied.
Spike recorders are not lagged (all spikes with stamp <= T are present)."""


def mm_trace(mm, sender, variables):
    ev = mm.events
    s = np.asarray(ev["senders"])
    t = np.asarray(ev["times"], dtype=float)
    sel = np.nonzero(s == sender)[0]
    order = sel[np.argsort(t[sel], kind="stable")]
    return [float(x) for x in t[order]], {v: [float(x) for x in np.asarray(ev[v])[order]]
                                          for v in variables}


def gen_micro(outdir, do_check):
    o = Out(outdir, "timing_micro.csv", "T6 timing micro-scenarios", MICRO_DESC,
            ["id", "case", "quantity", "n", "values..."])

    def row(id_, case, q, vals):
        if not isinstance(vals, (list, tuple)):
            vals = [vals]
        o.row(id_, case, q, len(vals), *[(str(v) if isinstance(v, (int, np.integer))
                                          and not isinstance(v, bool) else r(v)) for v in vals])

    # ---- M1 / M2
    o.comment("""\
M1: spike_generator [10.0] weight 10 -> glif_cond receptor 1, delay d in {0.1,0.5,1.0,2.0};
    multimeter interval 0.1 [V_m, g_1] (mm delay 1.0); Simulate(20).  min_delay = min(d, 1.0).
    first_nonzero_g_1_time: first sample with g_1 != 0 (the dg jump is one sample earlier);
    peak_time / peak_g_1: sample with the largest g_1; trace: samples 9.0 ... 16.0 ms.""")
    m1 = {}
    for d in (0.1, 0.5, 1.0, 2.0):
        reset()
        n = nest.Create("glif_cond")
        sg = nest.Create("spike_generator", params={"spike_times": [10.0]})
        mm = nest.Create("multimeter", params={"interval": 0.1, "record_from": ["V_m", "g_1"]})
        nest.Connect(sg, n, syn_spec={"weight": 10.0, "delay": d, "receptor_type": 1})
        nest.Connect(mm, n)
        nest.Simulate(20.0)
        t, v = mm_trace(mm, 1, ["V_m", "g_1"])
        g = v["g_1"]
        k0 = next(k for k, x in enumerate(g) if x != 0.0)
        kp = int(np.argmax(g))
        case = f"d={d}"
        row("M1", case, "min_delay", nest.min_delay)
        row("M1", case, "first_nonzero_g_1_time", t[k0])
        row("M1", case, "peak_time", t[kp])
        row("M1", case, "peak_g_1", g[kp])
        sel = [k for k in range(len(t)) if 9.0 - 1e-9 <= t[k] <= 16.0 + 1e-9]
        row("M1", case, "trace_t", [t[k] for k in sel])
        row("M1", case, "trace_g_1", [g[k] for k in sel])
        row("M1", case, "trace_V_m", [v["V_m"][k] for k in sel])
        m1[d] = (t[k0], t[kp], g[kp])
    o.comment("""\
M2: as M1 with d = 0.1 but spike_weights [5.0] and connection weight 2.0 (weights multiply).
    first_V_change_time: first sample with V_m != -78.85; V_change: V_m there minus -78.85""")
    reset()
    n = nest.Create("glif_cond")
    sg = nest.Create("spike_generator", params={"spike_times": [10.0], "spike_weights": [5.0]})
    mm = nest.Create("multimeter", params={"interval": 0.1, "record_from": ["V_m", "g_1"]})
    nest.Connect(sg, n, syn_spec={"weight": 2.0, "delay": 0.1, "receptor_type": 1})
    nest.Connect(mm, n)
    nest.Simulate(20.0)
    t, v = mm_trace(mm, 1, ["V_m", "g_1"])
    kp = int(np.argmax(v["g_1"]))
    kv = next(k for k, x in enumerate(v["V_m"]) if x != -78.85)
    row("M2", "-", "peak_time", t[kp])
    row("M2", "-", "peak_g_1", v["g_1"][kp])
    row("M2", "-", "first_V_change_time", t[kv])
    row("M2", "-", "V_m_at_first_change", v["V_m"][kv])
    row("M2", "-", "V_change", v["V_m"][kv] - (-78.85))
    m2 = (v["g_1"][kp], t[kv], v["V_m"][kv] - (-78.85))

    # ---- M3-M5 step current windows
    o.comment("""\
M3-M5: step_current_generator -> glif_cond (receptor 0, weight 1, delay 0.1); multimeter A
    interval 0.1 [I, V_m] on the neuron; multimeter B interval 0.1 [I] on the generator;
    Simulate(3.0); min_delay 0.1, so samples 0.1 ... 2.9.
    M3: amplitude_times [1.0] values [100], start 0 (stop inf).
    M4: as M3 with start 1.0, stop 2.0.
    M5: amplitude_times [0.3, 1.0] values [100, 200], start 0.5, stop 2.0.
    target_I_trace_t / target_I_trace_I / target_V_trace_V_m: neuron samples;
    gen_I_trace_t / gen_I_trace_I: generator's own I recordable;
    target_I_nonzero_first/last: first/last sample time with target I != 0;
    first_V_change_time: first sample with V_m != -78.85.""")
    m345 = {}
    for id_, par in (("M3", {"amplitude_times": [1.0], "amplitude_values": [100.0], "start": 0.0}),
                     ("M4", {"amplitude_times": [1.0], "amplitude_values": [100.0], "start": 1.0,
                             "stop": 2.0}),
                     ("M5", {"amplitude_times": [0.3, 1.0], "amplitude_values": [100.0, 200.0],
                             "start": 0.5, "stop": 2.0})):
        reset()
        n = nest.Create("glif_cond")
        cg = nest.Create("step_current_generator", params=par)
        mma = nest.Create("multimeter", params={"interval": 0.1, "record_from": ["I", "V_m"]})
        mmb = nest.Create("multimeter", params={"interval": 0.1, "record_from": ["I"]})
        nest.Connect(cg, n, syn_spec={"delay": 0.1})
        nest.Connect(mma, n)
        nest.Connect(mmb, cg)
        nest.Simulate(3.0)
        t, v = mm_trace(mma, 1, ["I", "V_m"])
        tg, vg = mm_trace(mmb, 2, ["I"])
        row(id_, "-", "min_delay", nest.min_delay)
        row(id_, "-", "target_I_trace_t", t)
        row(id_, "-", "target_I_trace_I", v["I"])
        row(id_, "-", "target_V_trace_V_m", v["V_m"])
        row(id_, "-", "gen_I_trace_t", tg)
        row(id_, "-", "gen_I_trace_I", vg["I"])
        nz = [t[k] for k in range(len(t)) if v["I"][k] != 0.0]
        gz = [tg[k] for k in range(len(tg)) if vg["I"][k] != 0.0]
        kv = next(k for k, x in enumerate(v["V_m"]) if x != -78.85)
        row(id_, "-", "target_I_nonzero_first", nz[0])
        row(id_, "-", "target_I_nonzero_last", nz[-1])
        row(id_, "-", "gen_I_nonzero_first", gz[0])
        row(id_, "-", "gen_I_nonzero_last", gz[-1])
        row(id_, "-", "first_V_change_time", t[kv])
        m345[id_] = (t, v, tg, vg, t[kv])

    # ---- M6 (practically deterministic)
    o.comment("""\
M6 (informational; formally random, but at 1e6 Hz the Poisson mean per step is 100, so
    P(no event in a step) = exp(-100)): poisson_generator rate 1e6, start 1.0, stop 2.0 ->
    parrot (delay 0.1 / 0.3) -> spike_recorder; Simulate(5).  distinct_parrot_times: sorted
    distinct recorded times (the multiplicities are random and not stored).""")
    m6 = {}
    for d in (0.1, 0.3):
        reset()
        pg = nest.Create("poisson_generator", params={"rate": 1e6, "start": 1.0, "stop": 2.0})
        pn = nest.Create("parrot_neuron")
        sr = nest.Create("spike_recorder")
        nest.Connect(pg, pn, syn_spec={"delay": d})
        nest.Connect(pn, sr)
        nest.Simulate(5.0)
        ts = sorted(set(float(x) for x in sr.events["times"]))
        row("M6", f"d={d}", "distinct_parrot_times", ts)
        m6[d] = ts

    # ---- M7 spike_generator window
    o.comment("""\
M7: spike_generator times [1.0,1.1,1.5,2.0,2.1] start 1.0 stop 2.0 -> parrot (delay 0.1) ->
    spike_recorder; Simulate(5).  recorded_times = parrot output = emitted stamp + 0.1.""")
    reset()
    sg = nest.Create("spike_generator", params={"spike_times": [1.0, 1.1, 1.5, 2.0, 2.1],
                                                "start": 1.0, "stop": 2.0})
    pn = nest.Create("parrot_neuron")
    sr = nest.Create("spike_recorder")
    nest.Connect(sg, pn, syn_spec={"delay": 0.1})
    nest.Connect(pn, sr)
    nest.Simulate(5.0)
    m7 = sorted(float(x) for x in sr.events["times"])
    row("M7", "-", "recorded_times", m7)

    # ---- M8 spike_generator grid conversion
    o.comment("""\
M8: spike_generator spike_times [1.0, 1.05, 1.9999, 3.0001, 3.04] at h = 0.1.
    case default: 'error' = 1 if SetStatus raised (1.05 not representable).
    case allow_offgrid_times / precise_times: the spike_times GetStatus returns.
    case *_emitted: recorded parrot times (sg -> parrot delay 0.1 -> sr, Simulate 5), i.e.
    emission stamp + 0.1.""")
    times8 = [1.0, 1.05, 1.9999, 3.0001, 3.04]
    reset()
    sg = nest.Create("spike_generator")
    try:
        sg.spike_times = times8
        err = 0
    except Exception:
        err = 1
    row("M8", "default", "error", err)
    m8 = {}
    for flag in ("allow_offgrid_times", "precise_times"):
        reset()
        sg = nest.Create("spike_generator", params={flag: True, "spike_times": times8})
        st = [float(x) for x in sg.spike_times]
        row("M8", flag, "stored_spike_times", st)
        pn = nest.Create("parrot_neuron")
        sr = nest.Create("spike_recorder")
        nest.Connect(sg, pn, syn_spec={"delay": 0.1})
        nest.Connect(pn, sr)
        nest.Simulate(5.0)
        em = sorted(float(x) for x in sr.events["times"])
        row("M8", flag + "_emitted", "recorded_times", em)
        m8[flag] = st

    # ---- M9 spike_recorder window
    o.comment("""\
M9: spike_generator [1.0,1.1,2.0,2.1] -> parrot (delay 0.1; parrot emits 1.1,1.2,2.1,2.2) ->
    spike_recorder start 1.1 stop 2.1; Simulate(5).  Also the unwindowed recorder.""")
    reset()
    sg = nest.Create("spike_generator", params={"spike_times": [1.0, 1.1, 2.0, 2.1]})
    pn = nest.Create("parrot_neuron")
    sr = nest.Create("spike_recorder", params={"start": 1.1, "stop": 2.1})
    sr_all = nest.Create("spike_recorder")
    nest.Connect(sg, pn, syn_spec={"delay": 0.1})
    nest.Connect(pn, sr)
    nest.Connect(pn, sr_all)
    nest.Simulate(5.0)
    m9 = sorted(float(x) for x in sr.events["times"])
    row("M9", "-", "parrot_times_unwindowed", sorted(float(x) for x in sr_all.events["times"]))
    row("M9", "-", "recorded_times", m9)

    # ---- M11 GLIF2 refractoriness
    o.comment("""\
M11: glif_cond lif_r (GLIF2) driven by step_current_generator amplitude_times [h] values
    [1000], delay h; multimeter interval h [V_m, threshold_spike] (delay h); spike_recorder;
    Simulate(20); h in {0.1, 0.05, 0.01}.
    spike_times: all spikes; for the first 4 spikes: V_prev = V_m sample one step before the
    spike sample, V_reset = V_m sample at the spike time, reset_formula = -78.85 +
    0.2*(V_prev + 78.85) + 18.51 evaluated in Python doubles (informational), hold_samples =
    number of samples after the spike sample with V_m identical to V_reset;
    threshold_spike_after_first = threshold_spike sample at the first spike time.""")
    m11 = {}
    for h in (0.1, 0.05, 0.01):
        reset(h)
        n = nest.Create("glif_cond", params=level_flags(1))
        cg = nest.Create("step_current_generator", params={"amplitude_times": [h],
                                                           "amplitude_values": [1000.0]})
        mm = nest.Create("multimeter", params={"interval": h,
                                               "record_from": ["V_m", "threshold_spike"]})
        sr = nest.Create("spike_recorder")
        nest.Connect(cg, n, syn_spec={"delay": h})
        nest.Connect(mm, n, syn_spec={"delay": h})
        nest.Connect(n, sr)
        nest.Simulate(20.0)
        t, v = mm_trace(mm, 1, ["V_m", "threshold_spike"])
        sp = sorted(float(x) for x in sr.events["times"])
        idx = {step_of(x, h): k for k, x in enumerate(t)}
        case = f"h={h}"
        row("M11", case, "spike_times", sp)
        vp, vr, fm, hold = [], [], [], []
        for ts in sp[:4]:
            k = idx[step_of(ts, h)]
            vp.append(v["V_m"][k - 1])
            vr.append(v["V_m"][k])
            fm.append(-78.85 + 0.2 * (v["V_m"][k - 1] - (-78.85)) + 18.51)
            c = 0
            while k + 1 + c < len(t) and v["V_m"][k + 1 + c] == v["V_m"][k]:
                c += 1
            hold.append(c)
        row("M11", case, "V_prev", vp)
        row("M11", case, "V_reset", vr)
        row("M11", case, "reset_formula", fm)
        row("M11", case, "hold_samples", hold)
        row("M11", case, "threshold_spike_after_first", v["threshold_spike"][idx[step_of(sp[0], h)]])
        m11[h] = (sp, vp, vr, hold, v["threshold_spike"][idx[step_of(sp[0], h)]])

    # ---- M12 negative weight
    o.comment("""\
M12: h = 0.05; spike_generator [99.0] -> glif_cond receptor 2 (E_rev -85, tau 2) weight w in
    {-20, +20}, delay 0.05; multimeter interval 0.05 [V_m, g_2] (delay 0.05); Simulate(150).
    V_max/V_min, g_2 extreme (min for -20, max for +20) and their sample times.""")
    m12 = {}
    for w in (-20.0, 20.0):
        reset(0.05)
        n = nest.Create("glif_cond")
        sg = nest.Create("spike_generator", params={"spike_times": [99.0]})
        mm = nest.Create("multimeter", params={"interval": 0.05, "record_from": ["V_m", "g_2"]})
        nest.Connect(sg, n, syn_spec={"weight": w, "delay": 0.05, "receptor_type": 2})
        nest.Connect(mm, n, syn_spec={"delay": 0.05})
        sr = nest.Create("spike_recorder")
        nest.Connect(n, sr)
        nest.Simulate(150.0)
        t, v = mm_trace(mm, 1, ["V_m", "g_2"])
        case = f"w={w}"
        V = v["V_m"]
        g = v["g_2"]
        kvmax, kvmin = int(np.argmax(V)), int(np.argmin(V))
        kgmin, kgmax = int(np.argmin(g)), int(np.argmax(g))
        row("M12", case, "V_max", V[kvmax])
        row("M12", case, "V_max_time", t[kvmax])
        row("M12", case, "V_min", V[kvmin])
        row("M12", case, "V_min_time", t[kvmin])
        row("M12", case, "g_2_min", g[kgmin])
        row("M12", case, "g_2_min_time", t[kgmin])
        row("M12", case, "g_2_max", g[kgmax])
        row("M12", case, "g_2_max_time", t[kgmax])
        row("M12", case, "spike_count", int(len(sr.events["times"])))
        m12[w] = (V[kvmax], V[kvmin], g[kgmin], g[kgmax])

    # ---- M13 ASCurrents initial state
    o.comment("""\
M13: glif_cond lif_asc (GLIF3) created with ASCurrents = [3.0, 4.0], no input; multimeter
    interval 0.1 [ASCurrents_sum, V_m] (delay 1.0 -> min_delay 1.0); Simulate(5); trace of the
    first 20 samples (0.1 ... 2.0).""")
    reset()
    p = level_flags(2)
    p["ASCurrents"] = [3.0, 4.0]
    n = nest.Create("glif_cond", params=p)
    mm = nest.Create("multimeter", params={"interval": 0.1,
                                           "record_from": ["ASCurrents_sum", "V_m"]})
    nest.Connect(mm, n)
    nest.Simulate(5.0)
    t, v = mm_trace(mm, 1, ["ASCurrents_sum", "V_m"])
    row("M13", "-", "trace_t", t[:20])
    row("M13", "-", "trace_ASCurrents_sum", v["ASCurrents_sum"][:20])
    row("M13", "-", "trace_V_m", v["V_m"][:20])
    m13 = (t[:4], v["ASCurrents_sum"][:4], v["V_m"][:2])

    # ---- M14 delay rounding
    o.comment("""\
M14: delay rounding at h = 0.1 (and 0.05 extra): spike_generator -> glif_cond receptor 1 with
    the given delay; stored_delay = GetConnections(...).delay; bad_delay = 1 if Connect raised.""")
    m14 = {}
    for h, delays in ((0.1, [0.14, 0.15, 0.25, 0.16, 0.05, 0.04]),
                      (0.05, [0.07, 0.075, 0.124, 0.125, 0.02])):
        for d in delays:
            reset(h)
            n = nest.Create("glif_cond")
            sg = nest.Create("spike_generator")
            case = f"h={h},d={d}".replace(",", ";")
            try:
                nest.Connect(sg, n, syn_spec={"delay": d, "receptor_type": 1})
                sd = float(nest.GetConnections(sg, n).delay)
                row("M14", case, "stored_delay", sd)
                row("M14", case, "bad_delay", 0)
                m14[(h, d)] = sd
            except Exception:
                row("M14", case, "bad_delay", 1)
                m14[(h, d)] = None

    # ---- M15-M17 multimeter timing
    o.comment("""\
M15-M17: one glif_cond, multimeter [V_m] -> neuron (default delay 1.0, so min_delay 1.0),
    Simulate(5); times = multimeter sample times.
    M15: interval 0.5, offset 0.3, start 0.6, stop 2.3.
    M16: default interval 1.0.
    M17: interval 1.0, offset 0.1 (= h); also case Simulate(10).
    M17b: multimeter created (and connected, delay 0.1: after a Simulate with no connections
    min_delay = max_delay = h is frozen) after Simulate(3.0), interval 1.0, then
    Simulate(5.0) more (quirk: first sample at the first multiple of interval > 3.0).""")
    m15 = {}
    for id_, par, T in (("M15", {"interval": 0.5, "offset": 0.3, "start": 0.6, "stop": 2.3}, 5.0),
                        ("M16", {}, 5.0),
                        ("M17", {"interval": 1.0, "offset": 0.1}, 5.0),
                        ("M17", {"interval": 1.0, "offset": 0.1}, 10.0)):
        reset()
        n = nest.Create("glif_cond")
        par = dict(par)
        par["record_from"] = ["V_m"]
        mm = nest.Create("multimeter", params=par)
        nest.Connect(mm, n)
        nest.Simulate(T)
        ts = sorted(float(x) for x in mm.events["times"])
        row(id_, f"T={T}", "min_delay", nest.min_delay)
        row(id_, f"T={T}", "times", ts)
        m15[(id_, T)] = ts
    reset()
    n = nest.Create("glif_cond")
    nest.Simulate(3.0)
    mm = nest.Create("multimeter", params={"interval": 1.0, "record_from": ["V_m"]})
    nest.Connect(mm, n, syn_spec={"delay": 0.1})
    nest.Simulate(5.0)
    row("M17b", "created_at=3.0;T=8.0", "min_delay", nest.min_delay)
    row("M17b", "created_at=3.0;T=8.0", "times", sorted(float(x) for x in mm.events["times"]))

    # ---- M18 parrot across Simulate calls
    o.comment("""\
M18: spike_generator [1.0, 9.9, 10.0] -> parrot (delay 0.1) -> spike_recorder (delay 1.0);
    Simulate(10) then Simulate(1): recorded times after each call.""")
    reset()
    sg = nest.Create("spike_generator", params={"spike_times": [1.0, 9.9, 10.0]})
    pn = nest.Create("parrot_neuron")
    sr = nest.Create("spike_recorder")
    nest.Connect(sg, pn, syn_spec={"delay": 0.1})
    nest.Connect(pn, sr)
    nest.Simulate(10.0)
    a18 = sorted(float(x) for x in sr.events["times"])
    nest.Simulate(1.0)
    b18 = sorted(float(x) for x in sr.events["times"])
    row("M18", "after_call_1", "recorded_times", a18)
    row("M18", "after_call_2", "recorded_times", b18)

    # ---- extra device facts
    o.comment("""\
D1: multimeter sample counts with the lag (one glif_cond, mm [V_m] interval given):
    case h=0.1;mm_delay=1.0;interval=0.1;T=1000 ; case h=0.1;mm_delay=0.1;interval=0.1;T=10 ;
    case h=0.1;mm_delay=1.0;interval=0.1;T=10 then T=10 again (two calls, count after each).""")
    for mmd, iv, Ts in ((1.0, 0.1, [1000.0]), (0.1, 0.1, [10.0]), (1.0, 0.1, [10.0, 10.0])):
        reset()
        n = nest.Create("glif_cond")
        mm = nest.Create("multimeter", params={"interval": iv, "record_from": ["V_m"]})
        nest.Connect(mm, n, syn_spec={"delay": mmd})
        counts, lasts = [], []
        for T in Ts:
            nest.Simulate(T)
            tt = [float(x) for x in mm.events["times"]]
            counts.append(len(tt))
            lasts.append(max(tt))
        case = f"h=0.1;mm_delay={mmd};interval={iv};T=" + "+".join(str(x) for x in Ts)
        row("D1", case, "n_samples_after_each_call", counts)
        row("D1", case, "last_time_after_each_call", lasts)
    o.comment("""\
D2: spike_generator with origin: times [1.0, 2.0, 3.0], origin 1.0, start 1.0, stop 2.0
    -> parrot delay 0.1 -> sr; Simulate(6).  (emitted iff origin+start < origin+t <= origin+stop)""")
    reset()
    sg = nest.Create("spike_generator", params={"spike_times": [1.0, 2.0, 3.0], "origin": 1.0,
                                                "start": 1.0, "stop": 2.0})
    pn = nest.Create("parrot_neuron")
    sr = nest.Create("spike_recorder")
    nest.Connect(sg, pn, syn_spec={"delay": 0.1})
    nest.Connect(pn, sr)
    nest.Simulate(6.0)
    row("D2", "-", "recorded_times", sorted(float(x) for x in sr.events["times"]))
    o.comment("""\
D3: spike_generator repeated times and multiplicities: times [1.0, 1.0, 2.0] multiplicities
    [2, 1, 3] -> parrot (delay 0.1) -> sr; Simulate(5).""")
    reset()
    sg = nest.Create("spike_generator", params={"spike_times": [1.0, 1.0, 2.0],
                                                "spike_multiplicities": [2, 1, 3]})
    pn = nest.Create("parrot_neuron")
    sr = nest.Create("spike_recorder")
    nest.Connect(sg, pn, syn_spec={"delay": 0.1})
    nest.Connect(pn, sr)
    nest.Simulate(5.0)
    row("D3", "-", "recorded_times", sorted(float(x) for x in sr.events["times"]))
    o.comment("""\
D4: refractory steps: glif_cond lif (GLIF1) with t_ref in {3.75, 2.0, 0.1, 0.05}, driven as in
    M11 (1000 pA from h, delay h), h in {0.1, 0.05}, Simulate(10): spike_times, and
    held_samples = number of samples after the first spike sample whose V_m is identical to
    the spike sample's (reset) V_m, i.e. the refractory step count N_ref.""")
    for h in (0.1, 0.05):
        for tref in (3.75, 2.0, 0.1, 0.05):
            reset(h)
            n = nest.Create("glif_cond", params={"t_ref": tref})
            cg = nest.Create("step_current_generator", params={"amplitude_times": [h],
                                                               "amplitude_values": [1000.0]})
            mm = nest.Create("multimeter", params={"interval": h, "record_from": ["V_m"]})
            sr = nest.Create("spike_recorder")
            nest.Connect(cg, n, syn_spec={"delay": h})
            nest.Connect(mm, n, syn_spec={"delay": h})
            nest.Connect(n, sr)
            nest.Simulate(10.0)
            t, v = mm_trace(mm, 1, ["V_m"])
            sp = sorted(float(x) for x in sr.events["times"])
            idx = {step_of(x, h): k for k, x in enumerate(t)}
            k = idx[step_of(sp[0], h)]
            c = 0
            while k + 1 + c < len(t) and v["V_m"][k + 1 + c] == v["V_m"][k]:
                c += 1
            case = f"h={h};t_ref={tref}"
            row("D4", case, "held_samples", c)
            row("D4", case, "spike_times", sp)
    o.close()

    if do_check:
        want_first = {0.1: 10.2, 0.5: 10.6, 1.0: 11.1, 2.0: 12.1}
        for d in m1:
            check_close(f"M1 d={d} first nonzero g_1", m1[d][0], want_first[d], 9)
            check_close(f"M1 d={d} peak time", m1[d][1], 10 + d + 0.2, 9)
            check(f"M1 d={d} peak value", m1[d][2], 10.00010246047677)
        check("M2 peak", m2[0], 10.00010246047677)
        check_close("M2 first V change time", m2[1], 10.2, 9)
        check("M2 V change", m2[2], 0.6519541376150215)
        for id_, (ti, hi, vlo) in {"M3": (1.1, 2.9, 1.0), "M4": (1.1, 2.0, 1.0),
                                   "M5": (0.6, 2.0, None)}.items():
            t, v, tg, vg, tv = m345[id_]
            nz = [t[k] for k in range(len(t)) if v["I"][k] != 0.0]
            check_close(f"{id_} target I first", nz[0], ti, 9)
            check_close(f"{id_} target I last", nz[-1], hi, 9)
        t, v, tg, vg, tv = m345["M3"]
        check_close("M3 V first change", tv, 1.2, 9)
        gz = [tg[k] for k in range(len(tg)) if vg["I"][k] != 0.0]
        check_close("M3 gen I first", gz[0], 1.0, 9)
        t, v, tg, vg, tv = m345["M4"]
        gz = [tg[k] for k in range(len(tg)) if vg["I"][k] != 0.0]
        check_close("M4 gen I first/last", [gz[0], gz[-1]], [1.0, 1.9], 9)
        t, v, tg, vg, tv = m345["M5"]
        i200 = next(t[k] for k in range(len(t)) if v["I"][k] == 200.0)
        check_close("M5 200 from", i200, 1.1, 9)
        check_close("M6 d=0.1", [m6[0.1][0], m6[0.1][-1], len(m6[0.1])], [1.3, 2.2, 10], 9)
        check_close("M6 d=0.3", [m6[0.3][0], m6[0.3][-1], len(m6[0.3])], [1.5, 2.4, 10], 9)
        check_close("M7", m7, [1.2, 1.6, 2.1], 9)
        check_close("M8 offgrid", m8["allow_offgrid_times"], [1.0, 1.1, 2.0, 3.0, 3.1], 9)
        check_close("M9", m9, [1.2, 2.1], 9)
        want11 = {0.1: [2.1, 6.2, 10.4, 14.6], 0.05: [1.95, 6.0, 10.1, 14.2],
                  0.01: [1.87, 5.9, 9.96, 14.04]}
        hold11 = {0.1: 38, 0.05: 75, 0.01: 375}
        for h in m11:
            sp, vp, vr, hold, ts = m11[h]
            check_close(f"M11 h={h} first spikes", sp[:4], want11[h], 9)
            check(f"M11 h={h} hold", hold, [hold11[h]] * 4)
            check(f"M11 h={h} threshold_spike", ts, 0.37)
        check("M11 h=0.1 reset V (one of the first four)",
              -55.01576256403456 in m11[0.1][2], True)
        check("M11 h=0.1 V_prev (one of the first four)",
              -52.228812820172806 in m11[0.1][1], True)
        check("M12 V max (w=-20)", m12[-20.0][0], -66.82209185880704)
        check("M12 g_2 min (w=-20)", m12[-20.0][2], -20.000000000907864)
        check("M12 V min (w=+20)", m12[20.0][1], -82.19898532413453)
        t, a, vv = m13
        check_close("M13 ASCurrents_sum", a, [6.97961655, 6.93911449, 6.89900676, 6.85928942], 8)
        check("M13 V at 0.1", vv[0], -78.85)
        check_close("M13 V at 0.2", vv[1], -78.83820867, 8)
        check_close("M14", [m14[(0.1, d)] for d in (0.14, 0.15, 0.25, 0.16)],
                    [0.1, 0.2, 0.3, 0.2], 9)
        check("M14 0.04 bad", m14[(0.1, 0.04)] is None, True)
        check_close("M15", m15[("M15", 5.0)], [0.8, 1.3, 1.8, 2.3], 9)
        check_close("M16", m15[("M16", 5.0)], [1.0, 2.0, 3.0, 4.0], 9)
        check_close("M17", m15[("M17", 5.0)], [1.1, 2.1, 3.1], 9)
        check_close("M18 a", a18, [1.1, 10.0], 9)
        check_close("M18 b", b18, [1.1, 10.0, 10.1], 9)


# --------------------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--outdir", default=os.path.dirname(os.path.abspath(__file__)))
    ap.add_argument("--no-check", action="store_true")
    ap.add_argument("--only", default="", help="comma list of: example,t5,t1,t2,micro")
    a = ap.parse_args()
    os.makedirs(a.outdir, exist_ok=True)
    do_check = not a.no_check
    only = set(x for x in a.only.split(",") if x)
    print(f"NEST version {nest.__version__}", file=sys.stderr)
    if not only or "example" in only:
        gen_example(a.outdir)
    if not only or "t5" in only:
        gen_t5(a.outdir, do_check)
    if not only or "t1" in only:
        gen_t1(a.outdir, do_check)
    if not only or "t2" in only:
        gen_t2(a.outdir, do_check)
    if not only or "micro" in only:
        gen_micro(a.outdir, do_check)
    if do_check:
        print(f"checks against recorded NEST values: {CHECK_COUNT[0]} run, "
              f"{len(CHECK_FAILURES)} mismatches", file=sys.stderr)
        for f in CHECK_FAILURES:
            print("MISMATCH " + f, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
