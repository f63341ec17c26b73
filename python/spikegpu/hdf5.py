"""Reading spikegpu's SONATA HDF5 output back as ``events``-style dicts (needs h5py).

With ``Simulator(output="out")`` a spike recorder named "sr" writes ``out/sr.h5`` and a
multimeter named "mm" one ``out/mm_<variable>.h5`` per recorded variable (unnamed devices:
"<model>_<id>"). Layout (SONATA):

* spike file: ``/spikes/<population>/timestamps`` (float64, ms) and ``node_ids`` (uint64,
  0-based within the population; attribute ``first_global_id`` of the group gives the offset),
  sorted by time;
* report file: ``/report/<population>/data`` (float64, n_samples x n_nodes, attribute units),
  ``mapping/node_ids`` (0-based), ``mapping/time`` = [t_start, t_stop (exclusive), dt] (ms);
* both: root attributes resolution_ms, seed, backend, version, run_id (32 hex digits, one per
  run: files of different runs are told apart by it), and ``/metadata/network_json``
  (populations with name, model, first_id, n, params);
* both: the span of simulated time the file covers, the root attribute ``t_start`` (ms, when
  the file began) and the scalar dataset ``/t_stop`` (ms, up to when the file is complete: moved
  forward at each flush, so right at every instant); :func:`time_span` reads them.

Files are in HDF5's SWMR write mode from their creation and flushed block by block during the
run, so they can be read at any time: while a run is writing them, and after a run was killed
(even before its first block). The readers here open such a file as an SWMR reader
(``h5py.File(path, "r", swmr=True)``) when a plain open is refused.
"""
from __future__ import annotations

import json

import numpy as np

__all__ = ["read_spikes", "read_samples", "network", "time_span"]


def _h5py():
    try:
        import h5py
    except ImportError as e:  # pragma: no cover
        raise ImportError("spikegpu.hdf5 needs h5py (Debian: python3-h5py; pip: h5py)") from e
    return h5py


def _open(path):
    """Opens read-only; a file still being written, or left by a killed run, as an SWMR reader."""
    h5py = _h5py()
    try:
        return h5py.File(path, "r")
    except OSError:
        return h5py.File(path, "r", swmr=True)


def network(path):
    """The network description stored in a spikegpu HDF5 file (a dict)."""
    with _open(path) as f:
        return json.loads(f["metadata/network_json"].asstr()[()])


def time_span(path):
    """``(t_start, t_stop)`` of a spikegpu HDF5 file, in ms: the file began at simulated time
    t_start and holds every event with time <= t_stop (docs/output.md section 4). Raises
    ValueError for a file without them (written before spikegpu stored them)."""
    with _open(path) as f:
        if "t_start" not in f.attrs or "t_stop" not in f:
            raise ValueError(f"{path}: no t_start attribute or /t_stop dataset (a file of an "
                             "older spikegpu, or not a spikegpu file)")
        return float(f.attrs["t_start"]), float(f["t_stop"][()])


def read_spikes(path, population=None):
    """Spikes of a spike file as ``{"senders": uint64 global ids, "times": float64 ms}``, sorted
    by (time, sender) like ``recorder.events``. population: one population name, or None = all."""
    senders, times = [], []
    with _open(path) as f:
        pops = [population] if population is not None else list(f["spikes"])
        for name in pops:
            g = f["spikes"][name]
            times.append(g["timestamps"][:].astype(np.float64))
            senders.append(g["node_ids"][:].astype(np.uint64) + np.uint64(g.attrs["first_global_id"]))
    t = np.concatenate(times) if times else np.empty(0, np.float64)
    s = np.concatenate(senders) if senders else np.empty(0, np.uint64)
    order = np.lexsort((s, t))
    return {"senders": s[order], "times": t[order]}


def read_samples(path, population=None):
    """Samples of a report file (one multimeter variable) as ``{"senders", "times", "values"}``,
    sorted by (time, sender) like ``multimeter.events``; also ``"unit"`` (a str)."""
    first_ids = {p["name"]: p["first_id"] for p in network(path)["populations"]}
    senders, times, values, unit = [], [], [], ""
    with _open(path) as f:
        pops = [population] if population is not None else list(f["report"])
        for name in pops:
            g = f["report"][name]
            # row k holds time t0 + k dt, for t0 <= t < t1 (a multimeter's window and interval
            # cannot change once it has recorded, so one axis holds every row); rows past t1
            # are a block a killed run had not committed yet
            t0, t1, dt = g["mapping/time"][:]
            data = g["data"][: max(0, min(g["data"].shape[0], int(np.rint((t1 - t0) / dt))))]
            unit = g["data"].attrs.get("units", unit)
            if isinstance(unit, bytes):
                unit = unit.decode()
            ids = g["mapping/node_ids"][:].astype(np.uint64) + np.uint64(first_ids[name])
            # sample times are whole steps; computed as step * h they equal events["times"] bits
            h = float(f.attrs["resolution_ms"])
            t = np.rint((t0 + np.arange(data.shape[0], dtype=np.float64) * dt) / h) * h
            times.append(np.repeat(t, data.shape[1]))
            senders.append(np.tile(ids, data.shape[0]))
            values.append(data.reshape(-1))
    t = np.concatenate(times) if times else np.empty(0, np.float64)
    s = np.concatenate(senders) if senders else np.empty(0, np.uint64)
    v = np.concatenate(values) if values else np.empty(0, np.float64)
    order = np.lexsort((s, t))
    return {"senders": s[order], "times": t[order], "values": v[order], "unit": str(unit)}
