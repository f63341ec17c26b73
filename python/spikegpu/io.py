"""Recordings as Neo objects and NWB files, so that Elephant and NWB tools need no glue.

Neo (``pip install neo``, which brings quantities) and pynwb (``pip install pynwb``) are
optional: this module imports them only when a function needs them, and says what to install if
they are missing. A source is either a recorder of an open simulation (a NodeCollection of one
spike_recorder, multimeter or voltmeter, after ``simulate``) or the path of a spikegpu HDF5 file
(a spike file or a report file; reading files needs h5py)::

    import spikegpu, spikegpu.io
    trains = spikegpu.io.spiketrains(sr)          # [neo.SpikeTrain], one per recorded neuron
    signals = spikegpu.io.analogsignals(mm)       # [neo.AnalogSignal], one per variable
    block = spikegpu.io.to_neo(sr, mm)            # neo.Block: one Segment holding both
    spikegpu.io.to_nwb("run.nwb", sr, mm)         # Units table and TimeSeries (pynwb)

    import elephant.statistics
    rates = [elephant.statistics.mean_firing_rate(st) for st in trains]

What the objects carry:

* SpikeTrain: times in ms, ``t_start``/``t_stop`` = the span in which the recorder listened: for
  a file, its ``t_start`` attribute and ``/t_stop`` dataset (docs/output.md section 4); for a
  recorder in memory, the simulated time at which it was created and the simulation's time now.
  Every spike lies in (t_start, t_stop]. Annotations: ``source_id`` (global node id),
  ``population``, ``recorder``. Neurons that did not spike get empty trains: in memory, every
  neuron connected to the recorder; from a file, every neuron of each population in the file (a
  file does not say which neurons of a population were connected: pass ``ids`` to choose).
* AnalogSignal: one per recorded variable, shape (samples, nodes), float64, the variable's unit
  (mV, pA, nS, ...), ``sampling_period`` = the multimeter's interval, ``t_start`` = its first
  sample; ``array_annotations["channel_ids"]`` = the global node ids of the columns (ascending).
* NWB: spike times and sample times in seconds (NWB's convention); each unit's observation
  interval is [t_start, t_stop]; samples are stored as recorded, with NWB's ``conversion`` factor
  to SI units.
"""
from __future__ import annotations

import datetime
import os
import uuid
import warnings

import numpy as np

from .errors import ArgumentError

__all__ = ["spiketrains", "analogsignals", "to_neo", "to_nwb"]

_SPIKE_RECORDERS = ("spike_recorder",)
_MULTIMETERS = ("multimeter", "voltmeter")
# unit text of the model tables -> (NWB's SI unit, factor from the recorded unit to it)
_SI = {"mV": ("volts", 1e-3), "pA": ("amperes", 1e-12), "nS": ("siemens", 1e-9),
       "ms": ("seconds", 1e-3), "1/ms": ("hertz", 1e3), "": ("", 1.0)}


def _neo():
    try:
        import neo
        import quantities as pq
    except ImportError as e:
        raise ImportError("spikegpu.io needs neo for Neo objects (pip install neo; it brings "
                          f"quantities): {e}") from e
    return neo, pq


def _pynwb():
    try:
        import pynwb
    except ImportError as e:
        raise ImportError(f"spikegpu.io.to_nwb needs pynwb (pip install pynwb): {e}") from e
    return pynwb


# ---- reading a source into plain arrays ------------------------------------------------------
class _Spikes:
    """Spikes of one recorder: times (ms), senders, the listened span, ids with their population."""

    def __init__(self, times, senders, t_start, t_stop, ids, pops, recorder, meta):
        self.times, self.senders = times, senders
        self.t_start, self.t_stop = t_start, t_stop
        self.ids, self.pops, self.recorder, self.meta = ids, pops, recorder, meta


class _Samples:
    """Samples of one variable: values (samples x nodes), first sample time, interval (ms)."""

    def __init__(self, var, values, ids, pops, t0, dt, unit, t_stop, recorder, meta):
        self.var, self.values, self.ids, self.pops = var, values, ids, pops
        self.t0, self.dt, self.unit, self.t_stop = t0, dt, unit, t_stop
        self.recorder, self.meta = recorder, meta


def _is_path(src):
    return isinstance(src, (str, bytes, os.PathLike))


def _recorder(src, what):
    """(pop, model) of a NodeCollection that is one recorder; ArgumentError otherwise."""
    from .simulator import NodeCollection
    if not isinstance(src, NodeCollection):
        raise ArgumentError(f"{what}: source = {src!r}: allowed a NodeCollection of one recorder "
                            "(spike_recorder, multimeter, voltmeter) or the path of a spikegpu "
                            "HDF5 file")
    if len(src) != 1:
        raise ArgumentError(f"{what}: the NodeCollection holds {len(src)} nodes: allowed one "
                            "recorder (convert several one by one, or pass each to to_neo)")
    sim = src.simulator
    return sim._pop_of(src.first), sim


def _file_kind(path, what):
    from . import hdf5
    with hdf5._open(path) as f:
        kinds = [k for k in ("spikes", "report") if k in f]
    if len(kinds) != 1:
        raise ValueError(f"{what}: {os.fspath(path)!s} is not a spikegpu spike or report file "
                         "(no /spikes or /report group)")
    return kinds[0]


def _populations(meta):
    return [(int(p["first_id"]), int(p["n"]), str(p["name"])) for p in meta.get("populations", [])]


def _name_ids(ids, pops):
    """The population name of each global id, from [(first, n, name)]."""
    out = np.empty(len(ids), dtype=object)
    out[:] = ""
    for first, n, name in pops:
        out[(ids >= first) & (ids < first + n)] = name
    return out


def _span(t_start, t_stop, given_start, given_stop, what):
    a = float(t_start if given_start is None else _ms(given_start, "t_start"))
    b = float(t_stop if given_stop is None else _ms(given_stop, "t_stop"))
    if not (np.isfinite(a) and np.isfinite(b) and a <= b):
        raise ArgumentError(f"{what}: t_start = {a} ms, t_stop = {b} ms: allowed finite times "
                            "with t_start <= t_stop")
    return a, b


def _ms(v, name):
    """A time in ms from a number or a quantities Quantity."""
    if hasattr(v, "rescale"):
        v = float(v.rescale("ms").magnitude)
    try:
        return float(v)
    except (TypeError, ValueError):
        raise ArgumentError(f"{name} = {v!r}: allowed a time in ms (a number or a Quantity)") from None


def _read_spikes(src, ids, t_start, t_stop, what):
    from . import hdf5
    if _is_path(src):
        if _file_kind(src, what) != "spikes":
            raise ValueError(f"{what}: {os.fspath(src)!s} is a report file: allowed a spike file "
                             "(use analogsignals for reports)")
        ev = hdf5.read_spikes(src)
        try:
            a, b = hdf5.time_span(src)
        except ValueError:
            if t_start is None or t_stop is None:
                raise ValueError(f"{what}: {os.fspath(src)!s} stores no t_start/t_stop (a file of "
                                 "an older spikegpu): pass t_start and t_stop") from None
            a = b = 0.0
        net = hdf5.network(src)
        pops = _populations(net)
        with hdf5._open(src) as f:
            in_file = set(f["spikes"])
            meta = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in f.attrs.items()}
        if ids is None:   # every neuron of the populations in the file
            ids = np.concatenate([np.arange(first, first + n, dtype=np.uint64)
                                  for first, n, name in pops if name in in_file] or
                                 [np.empty(0, np.uint64)])
        recorder = os.path.splitext(os.path.basename(os.fspath(src)))[0]
    else:
        p, sim = _recorder(src, what)
        if p.model not in _SPIKE_RECORDERS:
            raise ArgumentError(f"{what}: node {src.first} is a {p.model}: allowed a spike_recorder "
                                "(use analogsignals for a multimeter)")
        ev = src.events
        a, b = p.created, sim.time
        if ids is None:
            ids = np.unique(sim.get_connections(post=src)["source"])
        pops = [(q.first, q.n, q.name) for q in sim._pops]
        meta = {"resolution_ms": sim.resolution, "seed": sim.seed, "backend": sim.backend}
        recorder = p.name
    a, b = _span(a, b, t_start, t_stop, what)
    ids = np.unique(np.asarray(ids, dtype=np.uint64).ravel())
    t, s = np.asarray(ev["times"], np.float64), np.asarray(ev["senders"], np.uint64)
    if t.size and (t.min() <= a - 1e-9 or t.max() > b + 1e-9):
        bad = t[(t <= a - 1e-9) | (t > b + 1e-9)]
        raise ArgumentError(f"{what}: a spike at {bad[0]} ms lies outside (t_start, t_stop] = "
                            f"({a}, {b}] ms")
    return _Spikes(t, s, a, b, ids, pops, recorder, meta)


def _read_samples(src, what):
    """[_Samples], one per variable."""
    from . import hdf5
    if _is_path(src):
        if _file_kind(src, what) != "report":
            raise ValueError(f"{what}: {os.fspath(src)!s} is a spike file: allowed a report file "
                             "(use spiketrains for spikes)")
        net = hdf5.network(src)
        pops = _populations(net)
        first = {name: f for f, n, name in pops}
        with hdf5._open(src) as f:
            meta = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in f.attrs.items()}
            cols, ids, t0s, dts, rows, unit = [], [], set(), set(), [], ""
            for name in f["report"]:
                g = f["report"][name]
                t0, t1, dt = (float(x) for x in g["mapping/time"][:])
                n = max(0, min(g["data"].shape[0], int(np.rint((t1 - t0) / dt))))
                cols.append(np.asarray(g["data"][:n], np.float64))
                ids.append(g["mapping/node_ids"][:].astype(np.uint64) + np.uint64(first[name]))
                t0s.add(t0), dts.add(dt), rows.append(n)
                u = g["data"].attrs.get("units", "")
                unit = u.decode() if isinstance(u, bytes) else str(u)
            t_stop = float(f["t_stop"][()]) if "t_stop" in f else None
        if len(t0s) > 1 or len(dts) > 1 or len(set(rows)) > 1:
            raise ValueError(f"{what}: {os.fspath(src)!s}: its populations have different time "
                             "axes; convert them one by one")
        base = os.path.splitext(os.path.basename(os.fspath(src)))[0]
        var = base.rsplit("_", 1)[-1] if "_" in base else base
        for rf in _recordable_names():   # the variable is the longest known suffix (g_1, V_m, ...)
            if base.endswith("_" + rf) and len(rf) > len(var):
                var = rf
        recorder = base[: -len(var) - 1] if base.endswith("_" + var) else base
        if not cols:
            return []
        values = np.concatenate(cols, axis=1)
        allids = np.concatenate(ids)
        order = np.argsort(allids, kind="stable")
        return [_Samples(var, values[:, order], allids[order], pops, t0s.pop(), dts.pop(), unit,
                         t_stop, recorder, meta)]
    p, sim = _recorder(src, what)
    if p.model not in _MULTIMETERS:
        raise ArgumentError(f"{what}: node {src.first} is a {p.model}: allowed a multimeter or a "
                            "voltmeter (use spiketrains for a spike_recorder)")
    ev = src.events
    dt = float(src.get("interval"))
    pops = [(q.first, q.n, q.name) for q in sim._pops]
    meta = {"resolution_ms": sim.resolution, "seed": sim.seed, "backend": sim.backend}
    out = []
    times = np.asarray(ev["times"], np.float64)
    senders = np.asarray(ev["senders"], np.uint64)
    ids = np.unique(senders)
    ut = np.unique(times)
    if ids.size and times.size != ut.size * ids.size:
        raise ValueError(f"{what}: multimeter {src.first}: {times.size} samples are not "
                         f"{ut.size} times x {ids.size} nodes")
    for var in p.record_from:
        values = np.asarray(ev[var], np.float64).reshape(ut.size, ids.size) if ids.size else \
            np.empty((0, 0))
        out.append(_Samples(var, values, ids, pops, float(ut[0]) if ut.size else p.created + dt,
                            dt, _unit_of(sim, ids, var), sim.time, p.name, meta))
    return out


def _recordable_names():
    from .simulator import models, recordables
    names = set()
    for m in models("neuron"):
        names.update(recordables(m))
    return sorted(names)


def _unit_of(sim, ids, var):
    """The unit of variable var in the models of the nodes ids (one unit, or ValueError)."""
    from .simulator import model_info
    units = set()
    for m in {sim._pop_of(int(i)).model for i in ids}:
        for e in model_info(m):
            if e["name"] == var:
                units.add(e["unit"])
    if len(units) > 1:
        raise ValueError(f"{var} has different units in the recorded models: {sorted(units)}")
    return units.pop() if units else ""


def _quantity_units(pq, unit):
    try:
        return pq.Quantity(1.0, unit).units
    except Exception:   # quantities raises LookupError, ValueError, ...
        warnings.warn(f"spikegpu.io: unit '{unit}' is unknown to quantities: dimensionless used",
                      stacklevel=3)
        return pq.dimensionless


# ---- Neo -------------------------------------------------------------------------------------
def spiketrains(source, ids=None, t_start=None, t_stop=None):
    """One ``neo.SpikeTrain`` per neuron of a spike recorder or spike file, in ascending node id.

    source: a NodeCollection of one spike_recorder (of an open simulation, with keep_in_memory)
    or the path of a spikegpu spike file. ids: the global ids to make trains for (default: the
    neurons connected to the recorder; from a file, every neuron of its populations); spikes of
    other senders are left out. t_start, t_stop (ms or Quantity): override the recorded span.
    """
    neo, pq = _neo()
    r = _read_spikes(source, ids, t_start, t_stop, "spiketrains")
    order = np.argsort(r.senders, kind="stable")   # within a sender, still by time
    s, t = r.senders[order], r.times[order]
    lo = np.searchsorted(s, r.ids, "left")
    hi = np.searchsorted(s, r.ids, "right")
    names = _name_ids(r.ids, r.pops)
    return [neo.SpikeTrain(t[a:b], units=pq.ms, t_start=r.t_start * pq.ms,
                           t_stop=r.t_stop * pq.ms, name=f"{names[k]} {int(gid)}",
                           source_id=int(gid), population=str(names[k]), recorder=r.recorder)
            for k, (gid, a, b) in enumerate(zip(r.ids, lo, hi))]


def analogsignals(source):
    """One ``neo.AnalogSignal`` per recorded variable of a multimeter (or voltmeter), or the one
    variable of a report file: shape (samples, nodes), columns in ascending global node id
    (``array_annotations["channel_ids"]``), units from the model table."""
    neo, pq = _neo()
    out = []
    for x in _read_samples(source, "analogsignals"):
        names = _name_ids(x.ids, x.pops)
        sig = neo.AnalogSignal(x.values, units=_quantity_units(pq, x.unit), t_start=x.t0 * pq.ms,
                               sampling_period=x.dt * pq.ms, name=x.var,
                               array_annotations={"channel_ids": x.ids.astype(np.int64),
                                                  "population": names.astype(str)},
                               recorder=x.recorder, variable=x.var)
        if x.t_stop is not None:
            sig.annotate(complete_until_ms=float(x.t_stop))
        out.append(sig)
    return out


def to_neo(*sources, name=None):
    """A ``neo.Block`` with one ``Segment`` holding the spike trains of every spike source and
    the analog signals of every multimeter source (recorders or file paths, mixed)."""
    neo, pq = _neo()
    if not sources:
        raise ArgumentError("to_neo: no source: allowed recorders or spikegpu HDF5 file paths")
    seg = neo.Segment(name="spikegpu run")
    meta = {}
    for src in sources:
        if _is_spike_source(src, "to_neo"):
            seg.spiketrains.extend(spiketrains(src))
            meta.update(_read_meta(src))
        else:
            seg.analogsignals.extend(analogsignals(src))
            meta.update(_read_meta(src))
    block = neo.Block(name=name or "spikegpu", **{k: v for k, v in meta.items() if v is not None})
    block.segments.append(seg)
    return block


def _is_spike_source(src, what):
    if _is_path(src):
        return _file_kind(src, what) == "spikes"
    p, _ = _recorder(src, what)
    if p.model not in _SPIKE_RECORDERS + _MULTIMETERS:
        raise ArgumentError(f"{what}: node {src.first} is a {p.model}: allowed a spike_recorder, "
                            "a multimeter or a voltmeter")
    return p.model in _SPIKE_RECORDERS


def _read_meta(src):
    """Run metadata (resolution_ms, seed, backend, version, run_id) of a source."""
    if _is_path(src):
        from . import hdf5
        with hdf5._open(src) as f:
            return {k: (v.decode() if isinstance(v, bytes) else
                        (v.item() if hasattr(v, "item") else v))
                    for k, v in f.attrs.items() if k in ("resolution_ms", "seed", "backend",
                                                         "version", "run_id")}
    from .simulator import library_version
    sim = src.simulator
    return {"resolution_ms": sim.resolution, "seed": sim.seed, "backend": sim.backend,
            "version": library_version()}


# ---- NWB -------------------------------------------------------------------------------------
def to_nwb(path, *sources, session_description="spikegpu simulation", identifier=None,
           session_start_time=None, overwrite=False):
    """Writes the recordings of `sources` (recorders or spikegpu HDF5 file paths) to the NWB file
    `path` with pynwb and returns the path.

    Spike sources go to the Units table: one unit per neuron, ``spike_times`` in seconds,
    ``obs_intervals`` = [[t_start, t_stop]] in seconds, and the columns ``node_id`` (global id),
    ``population`` and ``recorder``. Each recorded variable becomes a TimeSeries in acquisition,
    named ``<recorder>_<variable>``: data (samples x nodes) as recorded, ``unit`` the SI unit with
    ``conversion`` to it (mV: volts, 1e-3), ``starting_time`` in s, ``rate`` in Hz; its columns'
    node ids are in the table ``<recorder>_<variable>_nodes`` of the processing module
    "spikegpu". identifier defaults to the run's run_id (files) or a random UUID; the file is not
    replaced unless overwrite=True.
    """
    pynwb = _pynwb()
    from hdmf.common import DynamicTable, VectorData
    path = os.fspath(path)
    if not sources:
        raise ArgumentError("to_nwb: no source: allowed recorders or spikegpu HDF5 file paths")
    if os.path.exists(path) and not overwrite:
        raise FileExistsError(f"to_nwb: {path} exists: allowed overwrite=True to replace it")
    spikes, samples, meta = [], [], {}
    for src in sources:
        meta.update(_read_meta(src))
        if _is_spike_source(src, "to_nwb"):
            spikes.append(_read_spikes(src, None, None, None, "to_nwb"))
        else:
            samples.extend(_read_samples(src, "to_nwb"))
    nwb = pynwb.NWBFile(
        session_description=session_description,
        identifier=str(identifier or meta.get("run_id") or uuid.uuid4()),
        session_start_time=session_start_time or datetime.datetime.now(datetime.timezone.utc),
        notes="; ".join(f"{k} = {v}" for k, v in sorted(meta.items())))
    if spikes:
        nwb.add_unit_column("node_id", "global node id in the spikegpu simulation")
        nwb.add_unit_column("population", "population of the node")
        nwb.add_unit_column("recorder", "the spike recorder (or spike file) it comes from")
        for r in spikes:
            order = np.argsort(r.senders, kind="stable")
            s, t = r.senders[order], r.times[order]
            lo, hi = np.searchsorted(s, r.ids, "left"), np.searchsorted(s, r.ids, "right")
            names = _name_ids(r.ids, r.pops)
            for gid, a, b, pop in zip(r.ids, lo, hi, names):
                nwb.add_unit(spike_times=t[a:b] * 1e-3, obs_intervals=[[r.t_start * 1e-3, r.t_stop * 1e-3]],
                             node_id=int(gid), population=str(pop), recorder=r.recorder)
    if samples:
        mod = nwb.create_processing_module("spikegpu", "node ids of the recorded signals' columns")
        for x in samples:
            si, factor = _SI.get(x.unit, (x.unit, 1.0))
            name = f"{x.recorder}_{x.var}"
            nwb.add_acquisition(pynwb.TimeSeries(
                name=name, data=x.values, unit=si or "n.a.", conversion=factor,
                starting_time=x.t0 * 1e-3, rate=1e3 / x.dt,
                description=f"{x.var} ({x.unit or 'no unit'}) of {x.ids.size} nodes; column j is "
                            f"node_id[j] of processing/spikegpu/{name}_nodes"))
            names = _name_ids(x.ids, x.pops)
            mod.add(DynamicTable(name=f"{name}_nodes", description=f"the columns of {name}",
                                 columns=[VectorData(name="node_id", description="global node id",
                                                     data=x.ids.astype(np.int64).tolist()),
                                          VectorData(name="population", description="population",
                                                     data=[str(n) for n in names])]))
    with pynwb.NWBHDF5IO(path, "w") as io:
        io.write(nwb)
    return path
