"""Raster plots and voltage traces of recorded events, in the spirit of NEST's ``nest.raster_plot``
and ``nest.voltage_trace`` (matplotlib, imported only when a plot is made).

    import spikegpu.plot as splot
    splot.raster_from_device(sr, hist=True)        # nest.raster_plot.from_device(sr, hist=True)
    splot.voltage_trace_from_device(vm)            # nest.voltage_trace.from_device(vm)
    splot.raster_from_file("out/sr.h5")            # a SONATA spike file written by spikegpu

A recorder is a NodeCollection of one spike_recorder (or multimeter / voltmeter) from
:meth:`spikegpu.Simulator.create` or ``spikegpu.nest.Create``; ``events`` dicts (senders, times,
<variable>) are accepted directly by the ``*_from_data`` functions.
"""
from __future__ import annotations

import numpy as np

from .errors import ArgumentError

__all__ = ["raster", "raster_from_data", "raster_from_device", "raster_from_file", "voltage_trace",
           "voltage_trace_from_device", "voltage_trace_from_file", "extract_events"]


def _plt():
    try:
        import matplotlib.pyplot as plt
    except ImportError as e:   # pragma: no cover - depends on the installation
        raise ImportError("spikegpu.plot needs matplotlib (pip install matplotlib, or Debian's "
                          "python3-matplotlib)") from e
    return plt


def _events(detec, what, kinds):
    """The events dict of one recorder: a NodeCollection (native or spikegpu.nest) or a dict."""
    if isinstance(detec, dict):
        ev = detec
    else:
        model = getattr(detec, "model", None)
        if model not in kinds:
            raise ArgumentError(f"{what}: {detec!r}: allowed a {' or a '.join(kinds)} (one node)")
        if len(detec) != 1:
            raise ArgumentError(f"{what}: {detec!r} holds {len(detec)} recorders: allowed one")
        ev = detec.events
    if "senders" not in ev or "times" not in ev:
        raise ArgumentError(f"{what}: events without 'senders' and 'times': got keys {sorted(ev)}")
    return ev


def extract_events(data, time=None, sel=None):
    """(times, senders) of the events with time in [time[0], time[1]] and sender in sel (NEST's
    ``raster_plot.extract_events``); data is an events dict or an (n, 2) array of (sender, time)."""
    if isinstance(data, dict):
        senders = np.asarray(data["senders"])
        times = np.asarray(data["times"], dtype=np.float64)
    else:
        a = np.asarray(data)
        if a.ndim != 2 or a.shape[1] < 2:
            raise ArgumentError(f"extract_events: data of shape {a.shape}: allowed an events dict or "
                                f"an (n, 2) array of (sender, time)")
        senders, times = a[:, 0], a[:, 1].astype(np.float64)
    keep = np.ones(times.shape, dtype=bool)
    if time is not None:
        keep &= (times >= time[0]) & (times <= time[1])
    if sel is not None:
        keep &= np.isin(senders, np.asarray(list(sel)))
    return times[keep], senders[keep]


def raster(times, senders, hist=False, hist_binwidth=5.0, grayscale=False, title=None,
           xlabel=None, ax=None):
    """Raster plot of spikes (one dot per spike, sender against time) with an optional histogram
    of the population rate below it. Returns the raster's matplotlib Axes (and the histogram's
    as a second element when hist=True)."""
    plt = _plt()
    times = np.asarray(times, dtype=np.float64)
    senders = np.asarray(senders)
    if times.shape != senders.shape:
        raise ArgumentError(f"raster: times {times.shape} and senders {senders.shape}: allowed equal shapes")
    if not hist_binwidth > 0:
        raise ArgumentError(f"raster: hist_binwidth = {hist_binwidth!r}: allowed > 0 (ms)")
    color = "0.0" if grayscale else "tab:blue"
    xlabel = xlabel or "Time (ms)"
    if hist:
        if ax is not None:
            raise ArgumentError("raster: ax with hist=True: allowed ax=None (the figure gets two axes)")
        fig = plt.figure()
        ax1 = fig.add_axes([0.1, 0.3, 0.85, 0.6])
        ax2 = fig.add_axes([0.1, 0.08, 0.85, 0.17], sharex=ax1)
    else:
        ax1 = ax if ax is not None else plt.figure().add_subplot(111)
    ax1.plot(times, senders, ".", color=color, markersize=2)
    ax1.set_ylabel("Neuron ID")
    ax1.set_title(title or "Raster plot")
    if not hist:
        ax1.set_xlabel(xlabel)
        return ax1
    t0 = np.floor(times.min()) if times.size else 0.0
    t1 = np.ceil(times.max()) if times.size else hist_binwidth
    bins = np.arange(t0, t1 + hist_binwidth, hist_binwidth)
    n_senders = max(len(np.unique(senders)), 1)
    counts, edges = np.histogram(times, bins=bins)
    ax2.bar(edges[:-1], counts / n_senders / (hist_binwidth * 1e-3), width=hist_binwidth, align="edge",
            color="0.5" if grayscale else "tab:blue", edgecolor="none")
    ax2.set_ylabel("Rate (Hz)")
    ax2.set_xlabel(xlabel)
    plt.setp(ax1.get_xticklabels(), visible=False)
    return ax1, ax2


def raster_from_data(data, sel=None, time=None, **kwargs):
    """Raster of an events dict (senders, times) or an (n, 2) array; see :func:`raster`."""
    times, senders = extract_events(data, time=time, sel=sel)
    return raster(times, senders, **kwargs)


def raster_from_device(detec, **kwargs):
    """Raster of a spike_recorder's events (``nest.raster_plot.from_device``); see :func:`raster`."""
    ev = _events(detec, "raster_from_device", ("spike_recorder",))
    kwargs.setdefault("title", "Raster plot from device")
    return raster(ev["times"], ev["senders"], **kwargs)


def raster_from_file(path, **kwargs):
    """Raster of a SONATA spike file written by spikegpu (``<output>/<name>.h5``)."""
    from . import hdf5
    ev = hdf5.read_spikes(path)
    kwargs.setdefault("title", str(path))
    return raster(ev["times"], ev["senders"], **kwargs)


def voltage_trace(times, senders, values, neurons=None, title=None, grayscale=False, timeunit="ms",
                  ylabel="Membrane potential (mV)", ax=None):
    """One line per sender (or per id in neurons) of values against time. Returns the Axes."""
    plt = _plt()
    times = np.asarray(times, dtype=np.float64)
    senders = np.asarray(senders)
    values = np.asarray(values, dtype=np.float64)
    if not times.shape == senders.shape == values.shape:
        raise ArgumentError(f"voltage_trace: times {times.shape}, senders {senders.shape} and values "
                            f"{values.shape}: allowed equal shapes")
    scale = {"ms": 1.0, "s": 1e-3}.get(timeunit)
    if scale is None:
        raise ArgumentError(f"voltage_trace: timeunit = {timeunit!r}: allowed 'ms' or 's'")
    ax = ax if ax is not None else plt.figure().add_subplot(111)
    ids = np.unique(senders) if neurons is None else [int(g) for g in neurons]
    for k, gid in enumerate(ids):
        sel = senders == gid
        if not sel.any():
            raise ArgumentError(f"voltage_trace: no samples of node {gid}: allowed the recorded nodes "
                                f"{np.unique(senders).tolist()}")
        kw = {"color": str(0.8 * k / max(len(ids) - 1, 1))} if grayscale else {}
        ax.plot(times[sel] * scale, values[sel], label=f"Neuron {gid}", **kw)
    ax.set_xlabel(f"Time ({timeunit})")
    ax.set_ylabel(ylabel)
    ax.set_title(title or "Membrane potential")
    if 1 < len(ids) <= 10:
        ax.legend()
    return ax


def voltage_trace_from_device(detec, neurons=None, title=None, grayscale=False, timeunit="ms",
                              record_from="V_m", **kwargs):
    """Traces of a multimeter's or voltmeter's variable (default V_m), one line per recorded node
    (``nest.voltage_trace.from_device``); see :func:`voltage_trace`."""
    ev = _events(detec, "voltage_trace_from_device", ("multimeter", "voltmeter"))
    if record_from not in ev:
        raise ArgumentError(f"voltage_trace_from_device: record_from = {record_from!r}: allowed one of "
                            f"the recorded variables {sorted(k for k in ev if k not in ('senders', 'times'))}")
    ylabel = "Membrane potential (mV)" if record_from == "V_m" else record_from
    title = title or ("Membrane potential" if record_from == "V_m" else record_from)
    return voltage_trace(ev["times"], ev["senders"], ev[record_from], neurons=neurons, title=title,
                         grayscale=grayscale, timeunit=timeunit, ylabel=ylabel, **kwargs)


def voltage_trace_from_file(path, neurons=None, **kwargs):
    """Traces from a SONATA report written by spikegpu (``<output>/<name>_<variable>.h5``)."""
    from . import hdf5
    ev = hdf5.read_samples(path)
    kwargs.setdefault("ylabel", f"{path} ({ev['unit']})")
    return voltage_trace(ev["times"], ev["senders"], ev["values"], neurons=neurons, **kwargs)
