"""spikegpu.nest: PyNEST's interface over spikegpu, so that a PyNEST script runs by changing one
line::

    import nest                        ->     import spikegpu.nest as nest

The kernel (``ResetKernel``, ``SetKernelStatus``/``GetKernelStatus`` and the attributes
``nest.resolution``, ``nest.rng_seed``, ``nest.local_num_threads``, ``nest.print_time``, ...),
``Create``, ``Connect`` (NEST's dict and string forms), ``Simulate``, ``Prepare``/``Run``/
``Cleanup``, ``GetStatus``/``SetStatus``, ``GetConnections``, ``CopyModel``, ``Models``,
``GetDefaults``/``SetDefaults``, ``help``, ``nest.random``, ``nest.raster_plot`` and
``nest.voltage_trace`` behave as in NEST 3.10, and NodeCollections have ``get``/``set``,
attribute access, ``events``, ``n_events``, slicing and ``+``.

Nothing is silently ignored: every setting takes effect or raises, and a NEST feature spikegpu
does not have raises :class:`spikegpu.NotSupportedError` ("not supported by spikegpu: ...",
naming the closest alternative). Differences that remain (all raise or are documented here):

- kernel settings (resolution, rng_seed, local_num_threads, data_path, overwrite_files) can
  change only before the first node is created (NEST allows rng_seed and print_time later;
  print_time does work at any time here);
- random streams are spikegpu's own: Poisson counts, gl_exp firing, random connections and
  random parameters (drawn per node by the C library, keyed by rng_seed and node id, so the
  same on every backend and thread count) agree with NEST statistically, not spike for spike;
  deterministic networks give NEST's spikes;
- a multimeter holds every sample up to the end of a run (NEST holds back the last min_delay);
- ``record_to``: "memory" (default) or "ascii" (NEST's text files, written after each run);
  spikegpu's SONATA HDF5 files are written for every recorder when ``nest.data_path`` is set
  (and a data_path holding .h5 files of an earlier run needs ``overwrite_files``);
- only ``static_synapse`` (and copies of it) connects nodes; weights are stored as float32
  (GetConnections shows 0.10000000149011612 for a weight of 0.1);
- ``import nest.raster_plot`` has no counterpart: ``nest.raster_plot`` is there after the import.

The backend is chosen as spikegpu.Simulator's ``backend="auto"`` does (cuda when a usable device
exists); the environment variable SPIKEGPU_BACKEND (auto, cpu, cuda) or
``nest.SetKernelStatus({"backend": "cpu"})`` picks one. Both give the same bits.
"""
from __future__ import annotations

import contextlib
import enum
import json
import numbers
import os
import sys
import time
import types

import numpy as np

from .. import plot as _plot
from .. import random as _sg_random
from ..errors import (ArgumentError, Error, FileIOError, NotSupportedError, StateError,
                      UnknownNameError)
from ..simulator import NodeCollection as _NativeNodes
from ..simulator import Simulator as _Simulator
from ..simulator import _MULTIMETERS, _RECORDERS, _ranges_of_ids, conn_spec_dict
from ..simulator import defaults as _defaults, model_kind as _model_kind
from ..simulator import models as _models, model_info as _model_info, recordables as _recordables
from . import math, random  # noqa: F401  (nest.math, nest.random)

__all__ = [
    "ResetKernel", "SetKernelStatus", "GetKernelStatus", "Create", "Connect", "Simulate", "Prepare",
    "Run", "Cleanup", "RunManager", "GetStatus", "SetStatus", "GetConnections", "CopyModel", "Models",
    "GetDefaults", "SetDefaults", "help", "NodeCollection", "SynapseCollection", "random", "math",
    "raster_plot", "voltage_trace", "set_verbosity", "get_verbosity", "VerbosityLevel",
    "NumProcesses", "Rank", "GetLocalNodeCollection", "PrintNodes", "NotSupportedError",
]

__version__ = "3.10 (spikegpu)"

_STATIC = "static_synapse"
_SYNAPSE_ALIASES = {"static_synapse_hom_w": _STATIC}   # same dynamics: a static weight
_SYN_KEYS = ("weight", "delay", "receptor_type")
_ELEMENT = {"neuron": "neuron", "generator": "stimulator", "recorder": "recorder"}


class VerbosityLevel(enum.IntEnum):
    """NEST's verbosity levels (``nest.verbosity = nest.VerbosityLevel.WARNING``)."""
    ALL = 0
    DEBUG = 5
    STATUS = 7
    INFO = 10
    DEPRECATED = 18
    WARNING = 20
    ERROR = 30
    FATAL = 40
    QUIET = 100


# ---- the kernel ---------------------------------------------------------------------------------
class _Kernel:
    """Everything ResetKernel resets: the simulation, model copies and defaults, bookkeeping."""

    def __init__(self, backend):
        if backend not in ("auto", "cpu", "cuda"):
            raise ArgumentError(f"SPIKEGPU_BACKEND = {backend!r} (environment): allowed auto, cpu, cuda")
        self.backend = backend
        self.print_time = False
        self.data_prefix = ""
        self.sim = _NestSimulator(resolution=0.1, seed=None, backend=backend, threads=1)
        object.__setattr__(self.sim, "_kernel", self)   # its nodes find their kernel's bookkeeping
        self.node_copies = {}       # new name -> (base model, {param: value})
        self.node_defaults = {}     # model (base or copy) -> {param: value} from SetDefaults
        self.syn_models = {_STATIC: {"weight": 1.0, "delay": 1.0, "receptor_type": 0}}
        self.syn_counts = {_STATIC: 0}   # connections made per synapse model (num_connections)
        self.model_of = {}          # first id of a population -> its model name as the user gave it
        self.prepared = False
        self.labels = {}            # recorder id -> label
        self.record_to = {}         # recorder id -> "memory" | "ascii"
        self.skip = {}              # recorder id -> events cleared by n_events = 0
        self.written = {}           # recorder id -> events already in its ascii file

    def close(self):
        self.sim.close()


_BACKEND = os.environ.get("SPIKEGPU_BACKEND", "auto")
_kernel = None
_verbosity = VerbosityLevel.WARNING    # not reset by ResetKernel


def _k():
    global _kernel
    if _kernel is None:
        _kernel = _Kernel(_BACKEND)
    return _kernel


def ResetKernel():
    """A new, empty kernel with the default settings, models and defaults (NEST's ResetKernel).
    NodeCollections of the old kernel can no longer be used."""
    global _kernel
    if _kernel is not None:
        _kernel.close()
    _kernel = _Kernel(_BACKEND)


# kernel parameters: name -> (getter, setter). A setter is ("sim", setting, check): a setting of
# the Simulator, changed with the others of one call in one step; ("py", check, apply): kept here;
# or None (read-only). check(value) returns the value to use or raises.
def _kernel_params():
    k = _k()
    s = k.sim

    def as_bool(name):
        def f(v):
            if not isinstance(v, (bool, np.bool_)):
                raise ArgumentError(f"{name} = {v!r}: allowed True or False")
            return bool(v)
        return f

    def as_path(v):
        if not isinstance(v, (str, os.PathLike)):
            raise ArgumentError(f"data_path = {v!r}: allowed a folder path ('' = no files)")
        p = os.fspath(v)
        if p and not os.path.isdir(p):
            raise FileIOError(f"data_path = {p!r}: the directory does not exist: allowed an existing "
                              f"directory (as NEST)")
        return p or None

    def as_prefix(v):
        if not isinstance(v, str) or "/" in v:
            raise ArgumentError(f"data_prefix = {v!r}: allowed a str without '/'")
        return v

    def same(v):
        return v

    def set_attr(name):
        return lambda v: setattr(k, name, v)

    conns = None

    def delays():
        nonlocal conns
        if conns is None:
            conns = s.get_connections()["delay"]
        return conns

    return {
        "resolution": (lambda: s.resolution, ("sim", "resolution", same)),
        "rng_seed": (lambda: s.seed, ("sim", "seed", same)),
        "local_num_threads": (lambda: s.threads, ("sim", "threads", same)),
        "total_num_virtual_procs": (lambda: s.threads, ("sim", "threads", same)),
        "overwrite_files": (lambda: s.overwrite_files, ("sim", "overwrite_files", as_bool("overwrite_files"))),
        "data_path": (lambda: s.output or "", ("sim", "output", as_path)),
        "backend": (lambda: s.backend, ("sim", "backend", same)),
        "print_time": (lambda: k.print_time, ("py", as_bool("print_time"), set_attr("print_time"))),
        "data_prefix": (lambda: k.data_prefix, ("py", as_prefix, set_attr("data_prefix"))),
        "biological_time": (lambda: s.time, None),
        "time": (lambda: s.time, None),
        "network_size": (lambda: s.num_nodes, None),
        "num_connections": (lambda: s.num_connections(), None),
        "min_delay": (lambda: float(delays().min()) if len(delays()) else s.resolution, None),
        "max_delay": (lambda: float(delays().max()) if len(delays()) else s.resolution, None),
        "local_spike_counter": (lambda: s.stats()["spikes"], None),
        "node_models": (lambda: _node_models(), None),
        "synapse_models": (lambda: sorted(k.syn_models) + sorted(_SYNAPSE_ALIASES), None),
        "connection_rules": (lambda: list(_RULES), None),
        "num_processes": (lambda: 1, None),
    }


# NEST kernel parameters spikegpu does not have: named in the refusal
_NEST_ONLY_KERNEL = {
    "min_delay": "delays come from the connections", "max_delay": "delays come from the connections",
    "use_wfr": "spikegpu has no waveform relaxation", "tics_per_ms": "the tic is 0.001 ms, fixed",
    "tics_per_step": "set nest.resolution", "dict_miss_is_error": "unknown names always raise",
    "rng_type": "spikegpu uses Philox4x32-10 (docs/rng.md)", "keep_source_table": None,
    "sort_connections_by_source": None, "adaptive_spike_buffers": None,
    "structural_plasticity_update_interval": "spikegpu has no structural plasticity",
    "recording_backends": "record_to 'memory' or 'ascii'; SONATA HDF5 via nest.data_path",
    "eprop_update_interval": None, "eprop_learning_window": None, "eprop_reset_neurons_on_update": None,
}


def SetKernelStatus(params):
    """Sets kernel parameters: resolution, rng_seed, local_num_threads (= total_num_virtual_procs),
    print_time, overwrite_files, data_path, data_prefix, and spikegpu's backend ("auto", "cpu",
    "cuda"). Settings of the simulation itself take effect before the first node is created and
    raise afterwards; print_time and data_prefix at any time. All or nothing: a refused key or
    value changes nothing."""
    if not isinstance(params, dict):
        raise ArgumentError(f"SetKernelStatus: params = {params!r}: allowed a dict")
    table = _kernel_params()
    for key in params:
        _kernel_key(key, table, setting=True)
    sim_changes, py_changes = {}, []
    for key, value in params.items():
        how = table[key][1]
        if how[0] == "sim":
            sim_changes[how[1]] = how[2](value)
        else:
            py_changes.append((how[2], how[1](value)))
    _k().sim.configure(**sim_changes)
    for apply, value in py_changes:
        apply(value)


def _kernel_key(key, table, setting=False):
    if not isinstance(key, str):
        raise ArgumentError(f"kernel parameter {key!r}: allowed a str")
    if key in table and (not setting or table[key][1] is not None):
        return
    if key in table:
        raise ArgumentError(f"kernel parameter '{key}' is read-only: settable "
                            f"{', '.join(k for k, v in table.items() if v[1])}")
    if key in _NEST_ONLY_KERNEL:
        raise NotSupportedError(f"kernel parameter '{key}'", _NEST_ONLY_KERNEL[key] or
                                f"spikegpu's kernel parameters: {', '.join(table)}")
    raise UnknownNameError(f"'{key}' is not a kernel parameter: allowed {', '.join(table)}")


def GetKernelStatus(keys=None):
    """Kernel parameters: a dict of all (keys None), one value (a str) or a tuple (a list)."""
    table = _kernel_params()
    if keys is None:
        return {k: g() for k, (g, _) in table.items()}
    if isinstance(keys, str):
        _kernel_key(keys, table)
        return table[keys][0]()
    if isinstance(keys, (list, tuple)):
        for key in keys:
            _kernel_key(key, table)
        return tuple(table[key][0]() for key in keys)
    raise ArgumentError(f"GetKernelStatus: keys = {keys!r}: allowed None, a str or a list of str")


def set(**kwargs):   # noqa: A001  (nest.set, as PyNEST)
    """``nest.set(resolution=0.1, ...)``: SetKernelStatus with keywords."""
    SetKernelStatus(kwargs)


def get(*keys):
    """``nest.get("resolution")``: GetKernelStatus of one key, a dict for several or all."""
    if len(keys) == 1:
        return GetKernelStatus(keys[0])
    return GetKernelStatus(list(keys)) if keys else GetKernelStatus()


def set_verbosity(level):
    """NEST's ``set_verbosity("M_WARNING")``. spikegpu.nest prints its notes (the backend in use,
    at the first Simulate) at INFO and below; the C library prints nothing else."""
    if isinstance(level, str):
        name = level[2:] if level.startswith("M_") else level
        if name not in VerbosityLevel.__members__:
            raise ArgumentError(f"set_verbosity: {level!r}: allowed "
                                f"{', '.join('M_' + n for n in VerbosityLevel.__members__)}")
        level = VerbosityLevel[name]
    if not isinstance(level, numbers.Integral) or isinstance(level, bool):
        raise ArgumentError(f"set_verbosity: {level!r}: allowed a level name ('M_WARNING') or a "
                            f"VerbosityLevel")
    global _verbosity
    _verbosity = VerbosityLevel(int(level)) if int(level) in VerbosityLevel._value2member_map_ else int(level)


def get_verbosity():
    """The verbosity level (a VerbosityLevel)."""
    return _verbosity


def NumProcesses():
    """1: spikegpu runs in one process (its backends use threads or a GPU)."""
    return 1


def Rank():
    """0: spikegpu runs in one process."""
    return 0


# ---- models: built in, copies, defaults ---------------------------------------------------------
def _node_models():
    return sorted(_models()) + sorted(_k().node_copies)


def _base(model):
    """(base model, {param: value} of the copies and SetDefaults, base first) of a node model."""
    k = _k()
    if not isinstance(model, str):
        raise ArgumentError(f"model = {model!r}: allowed a model name (str)")
    chain = []
    m = model
    while m in k.node_copies:
        chain.append(m)
        m = k.node_copies[m][0]
    if m not in _models():
        if m in k.syn_models or m in _SYNAPSE_ALIASES:
            raise ArgumentError(f"'{model}' is a synapse model: allowed a node model "
                                f"({', '.join(_node_models())})")
        raise NotSupportedError(f"model '{model}'", f"models: {', '.join(_node_models())}")
    params = dict(k.node_defaults.get(m, {}))
    for c in reversed(chain):
        params.update(k.node_copies[c][1])
        params.update(k.node_defaults.get(c, {}))
    return m, params


def _syn_model(name):
    """The defaults dict of a synapse model (static_synapse or a copy)."""
    k = _k()
    if not isinstance(name, str):
        raise ArgumentError(f"synapse_model = {name!r}: allowed a synapse model name (str)")
    name = _SYNAPSE_ALIASES.get(name, name)
    if name in k.syn_models:
        return name, k.syn_models[name]
    if name in _models() or name in k.node_copies:
        raise ArgumentError(f"'{name}' is a node model: allowed a synapse model "
                            f"({', '.join(sorted(k.syn_models))})")
    raise NotSupportedError(f"synapse model '{name}'", f"spikegpu connects with static_synapse and "
                            f"copies of it: {', '.join(sorted(k.syn_models))}")


def _is_synapse_model(name):
    return isinstance(name, str) and (_SYNAPSE_ALIASES.get(name, name) in _k().syn_models)


def _check_syn_params(what, params):
    out = {}
    for key, v in params.items():
        if key in ("synapse_model", "num_connections", "element_type"):
            raise ArgumentError(f"{what}: '{key}' is read-only")
        if key not in _SYN_KEYS:
            raise _unknown_syn_key(what, key)
        if key == "receptor_type":
            if isinstance(v, bool) or not isinstance(v, numbers.Integral) or v < 0:
                raise ArgumentError(f"{what}: receptor_type = {v!r}: allowed an integer >= 0")
            out[key] = int(v)
        elif isinstance(v, _sg_random.Distribution):
            raise ArgumentError(f"{what}: {key} = {v!r}: a default must be a number (give random "
                                f"weights and delays in Connect's syn_spec)")
        elif isinstance(v, bool) or not isinstance(v, numbers.Real) or not np.isfinite(v):
            raise ArgumentError(f"{what}: {key} = {v!r}: allowed a finite number")
        elif key == "delay" and not v > 0:
            raise ArgumentError(f"{what}: delay = {v!r}: allowed > 0 (ms)")
        else:
            out[key] = float(v)
    return out


def _unknown_syn_key(what, key):
    return NotSupportedError(f"{what}: synapse parameter '{key}'",
                             f"static_synapse takes {', '.join(_SYN_KEYS)}")


def _check_node_params(what, model, params):
    """Validates node parameters by applying them to one node of a scratch simulation with the
    kernel's resolution (so a bad default is refused at SetDefaults / CopyModel, not later)."""
    base, _ = _base(model)
    plain = {}
    for key, v in params.items():
        if key in ("label", "record_to", "time_in_steps"):
            _recorder_option(base, key, v)
        elif isinstance(v, _sg_random.Distribution):
            raise ArgumentError(f"{what}: {key} = {v!r}: a default must be a value (give random "
                                f"values in Create's params)")
        else:
            plain[key] = v
    with _Simulator(resolution=_k().sim.resolution, backend="cpu", threads=1) as s:
        s.create(base, 1, params=plain)


def _recorder_option(model, key, value):
    if model not in _RECORDERS:
        raise UnknownNameError(f"{model} has no parameter '{key}' (recorders only)")
    if key == "label" and not isinstance(value, str):
        raise ArgumentError(f"label = {value!r}: allowed a str")
    if key == "record_to" and value not in ("memory", "ascii"):
        if value in ("screen", "sionlib", "mpi"):
            raise NotSupportedError(f"record_to '{value}'", "record_to 'memory' (events) or 'ascii' "
                                    "(NEST's text files); set nest.data_path for SONATA HDF5 files")
        raise ArgumentError(f"record_to = {value!r}: allowed 'memory' or 'ascii'")
    if key == "time_in_steps" and value not in (False, 0):
        raise NotSupportedError("time_in_steps = True", "times are in ms; divide by nest.resolution")


def CopyModel(existing, new, params=None):
    """A new model name for an existing node or synapse model, with other defaults."""
    k = _k()
    params = dict(params or {})
    if not isinstance(new, str) or not new:
        raise ArgumentError(f"CopyModel: new = {new!r}: allowed a new model name (str)")
    if new in _node_models() or new in k.syn_models or new in _SYNAPSE_ALIASES:
        raise ArgumentError(f"CopyModel: a model named '{new}' exists already: allowed a new name")
    if _is_synapse_model(existing):
        name, d = _syn_model(existing)
        k.syn_models[new] = dict(d, **_check_syn_params(f"CopyModel('{existing}', '{new}')", params))
        k.syn_counts[new] = 0
        return
    _check_node_params(f"CopyModel('{existing}', '{new}')", existing, dict(_base(existing)[1], **params))
    k.node_copies[new] = (existing, params)


def SetDefaults(model, params, val=None):
    """Defaults of a model for later Create / Connect calls (``SetDefaults(model, dict)`` or
    ``SetDefaults(model, key, value)``); checked now."""
    if val is not None or isinstance(params, str):
        params = {params: val}
    if not isinstance(params, dict):
        raise ArgumentError(f"SetDefaults: params = {params!r}: allowed a dict, or a key and a value")
    k = _k()
    if _is_synapse_model(model):
        name, d = _syn_model(model)
        d.update(_check_syn_params(f"SetDefaults('{model}')", params))
        return
    _check_node_params(f"SetDefaults('{model}')", model, dict(_base(model)[1], **params))
    k.node_defaults.setdefault(model, {}).update(params)


def GetDefaults(model, keys=None, output=""):
    """Defaults of a model (a dict; one value for a key; a list for a list of keys), with
    ``recordables`` and ``element_type`` as in NEST; synapse models also give num_connections."""
    k = _k()
    if _is_synapse_model(model):
        name, d = _syn_model(model)
        out = dict(d, synapse_model=name, element_type="synapse", num_connections=k.syn_counts[name],
                   has_delay=True)
    else:
        base, params = _base(model)
        out = _defaults(base)
        out.update(params)
        kind = _model_kind(base)
        out.update(model=model, element_type=_ELEMENT[kind])
        if kind == "neuron":
            out["recordables"] = _recordables(base)
        if base in _RECORDERS:
            out.update(record_to="memory", label="", time_in_steps=False, n_events=0)
            out.update({key: v for key, v in params.items() if key in ("record_to", "label")})
        if base in _MULTIMETERS:
            out.setdefault("record_from", ["V_m"] if base == "voltmeter" else [])
    return _output(_select(out, keys, "GetDefaults"), output)


def _select(d, keys, what):
    if keys is None:
        return d
    if isinstance(keys, str):
        if keys not in d:
            raise UnknownNameError(f"{what}: no entry '{keys}': allowed {', '.join(sorted(d))}")
        return d[keys]
    if isinstance(keys, (list, tuple)):
        return [_select(d, key, what) for key in keys]
    raise ArgumentError(f"{what}: keys = {keys!r}: allowed None, a str or a list of str")


def _jsonable(v):
    if isinstance(v, dict):
        return {str(a): _jsonable(b) for a, b in v.items()}
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    if isinstance(v, np.ndarray):
        return v.tolist()
    if isinstance(v, np.generic):
        return v.item()
    if isinstance(v, NodeCollection):
        return v.tolist()
    return v


def _output(v, output):
    if output == "":
        return v
    if output == "json":
        return json.dumps(_jsonable(v))
    if output == "pandas":
        try:
            import pandas
        except ImportError:
            raise NotSupportedError("output='pandas' without pandas installed", "output='json' or ''") from None
        return pandas.DataFrame(v if isinstance(v, dict) and all(isinstance(x, (list, tuple)) for x in v.values())
                                else [v] if isinstance(v, dict) else v)
    raise ArgumentError(f"output = {output!r}: allowed '', 'json' or 'pandas'")


def Models(mtype="all", sel=None):
    """Model names, sorted: mtype "all", "nodes" or "synapses"; sel keeps names containing it."""
    if mtype not in ("all", "nodes", "synapses"):
        raise ArgumentError(f"Models: mtype = {mtype!r}: allowed 'all', 'nodes', 'synapses'")
    names = []
    if mtype in ("all", "nodes"):
        names += _node_models()
    if mtype in ("all", "synapses"):
        names += sorted(_k().syn_models) + sorted(_SYNAPSE_ALIASES)
    if sel is not None:
        names = [n for n in names if sel in n]
    return tuple(sorted(names))


def help(obj=None, return_text=False):   # noqa: A001  (nest.help, as PyNEST)
    """Documentation of a model (its parameters, state and recordables), or of spikegpu.nest."""
    if obj is None:
        text = __doc__
    elif _is_synapse_model(obj):
        name, d = _syn_model(obj)
        text = (f"{obj} ({name}): a static synapse: the weight and delay of each connection never "
                f"change.\nDefaults: {d}")
    else:
        base, params = _base(obj)
        lines = [f"{obj}" + (f" (a copy of {base})" if obj != base else "") +
                 f": spikegpu {_model_kind(base)} model (README.md, 'Models and devices'; "
                 f"docs/models.md)", ""]
        for e in _model_info(base):
            d = params.get(e["name"], e["default"])
            lines.append(f"  {e['name']:<26} {e['kind']:<10} {e['unit']:<6} default {d!s:<14} "
                         f"{e['allowed']:<18} {e['doc']}")
        rec = _recordables(base)
        if rec:
            lines += ["", "recordables: " + ", ".join(rec)]
        text = "\n".join(lines)
    if return_text:
        return text
    print(text)
    return None


# ---- simulation and node collections ------------------------------------------------------------
class _NestSimulator(_Simulator):
    __slots__ = ("_kernel",)

    def _h(self):
        if self._handle is None:
            raise StateError("these nodes belong to a kernel that nest.ResetKernel() has replaced: "
                             "allowed nodes created since")
        return self._handle


class NodeCollection(_NativeNodes):
    """NEST's NodeCollection: sorted, unique ids (a range or any set of them): ``len``,
    iteration (one-node collections), ``nodes[i]``, ``nodes[a:b:step]``, ``nodes[[i, j, ...]]``,
    ``a + b`` (disjoint), ``in``, ``get``/``set`` (``nest.random`` values drawn per node),
    attributes (``nodes.V_m``: a value for one node, a tuple for several), ``events``,
    ``n_events`` (settable to 0, which clears the events), ``tolist``, ``global_id``, ``index``.

    ``nest.NodeCollection([1, 5, 7])`` makes one of existing ids (sorted ascending, no repeats,
    as NEST requires)."""

    __slots__ = ()

    def __init__(self, sim=None, first=None, n=None, ranges=None):
        if isinstance(sim, _Simulator):
            super().__init__(sim, first, n, ranges)
            return
        ids = sim
        if ids is None:
            raise NotSupportedError("an empty NodeCollection", "collections hold at least one node")
        ids = [int(i) for i in (ids if not isinstance(ids, numbers.Integral) else [ids])]
        s = _k().sim
        if not ids:
            raise NotSupportedError("an empty NodeCollection", "collections hold at least one node")
        for a, b in zip(ids, ids[1:]):
            if b <= a:
                raise ArgumentError(f"NodeCollection({ids!r}): id {b} after {a}: allowed strictly "
                                    f"ascending ids (sorted, no repeats), as NEST requires")
        if ids[0] < 1 or ids[-1] > s.num_nodes:
            raise ArgumentError(f"NodeCollection: ids {ids[0]}..{ids[-1]}: allowed 1..{s.num_nodes}")
        super().__init__(s, None, None, _ranges_of_ids(ids))

    # -- NEST's sequence semantics -----------------------------------------------------------------
    def __iter__(self):
        return (type(self)(self._sim, g, 1) for g in self._ids_range())

    def __contains__(self, x):
        if isinstance(x, NodeCollection):
            return x._sim is self._sim and all(self._position(g) is not None for g in x._ids_range())
        return super().__contains__(x)

    def index(self, gid):
        """Position of node id gid in the collection."""
        if gid not in self:
            raise ValueError(f"{gid} is not in {self!r}")
        return self._position(int(gid))

    def __repr__(self):
        models = self._user_models()
        m = models[0] if len(models) == 1 else "/".join(models)
        text = f"NodeCollection(metadata=None, model={m}, size={self._n}, first={self._first}"
        if self._n == 1:
            return text + ")"
        text += f", last={self.last}"
        ids = self._ids_range()
        steps = {b - a for a, b in zip(ids, ids[1:])}
        if len(steps) == 1 and steps != {1}:
            text += f", step={steps.pop()}"
        elif len(steps) > 1:
            text += f", ids=[{self._ids_text()}]"
        return text + ")"

    def _user_models(self):
        k = self._sim._kernel
        return list(dict.fromkeys(k.model_of.get(p.first, p.model) for p, _, _ in self._segs()))

    @property
    def model(self):
        ms = self._user_models()
        return ms[0] if len(ms) == 1 else tuple(ms)

    # -- get ---------------------------------------------------------------------------------------
    def get(self, *params, output=""):
        """NEST's ``get``: ``get("V_m")`` gives a value (one node) or a tuple (several);
        ``get(["V_m", "C_m"])`` a dict of those; ``get()`` a dict of everything;
        ``get("events", "times")`` reaches into a dict; output "json" or "pandas"."""
        if len(params) == 1 and isinstance(params[0], (list, tuple)):
            res = {p: self._nget(p) for p in params[0]}
        elif len(params) == 1:
            res = self._nget(params[0])
        elif params:
            res = self._nget(params[0])
            for p in params[1:]:
                res = (res[p] if self._n == 1 else tuple(r[p] for r in res))
        else:
            res = self._nget_all()
        return _output(res, output)

    def _nget_all(self):
        names = list(super().get().keys())
        names += ["global_id", "model", "element_type"]
        if all(p.model in _RECORDERS for p, _, _ in self._segs()):
            names += ["label", "record_to", "time_in_steps"]
        return {n: self._nget(n) for n in sorted(dict.fromkeys(names))}

    def _nget(self, name):
        if not isinstance(name, str):
            raise ArgumentError(f"get: name = {name!r}: allowed a str")
        k = self._sim._kernel
        if name in ("events", "n_events") or name in ("label", "record_to", "time_in_steps"):
            vals = [self._recorder_value(g, name) for g in self._ids_range()]
            return vals[0] if self._n == 1 else tuple(vals)
        if name == "model":
            vals = [k.model_of.get(p.first, p.model) for p, _, c in self._segs() for _ in range(c)]
            return vals[0] if self._n == 1 else tuple(vals)
        if name == "element_type":
            vals = [_ELEMENT[_model_kind(p.model)] for p, _, c in self._segs() for _ in range(c)]
            return vals[0] if self._n == 1 else tuple(vals)
        if name == "global_id":
            return self._first if self._n == 1 else tuple(self._ids_range())
        if name in ("vp", "thread"):
            return 0 if self._n == 1 else (0,) * self._n
        if name == "local":
            return True if self._n == 1 else (True,) * self._n
        v = super()._get1(name)
        if self._n == 1:
            return v
        # the native get gives one value when the nodes agree: NEST gives one per node
        if name in ("recordables", "record_from"):
            per_node = bool(v) and isinstance(v[0], list)
            return tuple(v) if per_node else tuple(list(v) for _ in range(self._n))
        if isinstance(v, np.ndarray) and v.ndim == 1 and v.shape[0] == self._n and not self._is_vector(name):
            return tuple(x.item() if isinstance(x, np.generic) else x for x in v)
        if isinstance(v, list):
            return tuple(v)
        return (v,) * self._n

    def _is_vector(self, name):
        for p, first, _ in self._segs():
            for e in _model_info(p.model):
                if e["name"] == name and e["kind"] in ("vector", "state"):
                    if e["kind"] == "vector":
                        return True
                    return bool(np.ndim(_NativeNodes(self._sim, first, 1)._get1(name)))
        return False

    def _recorder_value(self, gid, name):
        k = self._sim._kernel
        p = self._sim._pop_of(gid)
        if p.model not in _RECORDERS:
            raise UnknownNameError(f"get: {k.model_of.get(p.first, p.model)} (node {gid}) has no "
                                   f"'{name}' (recorders only)")
        if name == "label":
            return k.labels.get(gid, "")
        if name == "record_to":
            return k.record_to.get(gid, "memory")
        if name == "time_in_steps":
            return False
        one = _NativeNodes(self._sim, gid, 1)
        skip = k.skip.get(gid, 0)
        if name == "n_events":
            return one._n_events_of(gid) - skip
        ev = one._events_of(gid)
        out = {key: v[skip:] for key, v in ev.items()}
        out["senders"] = out["senders"].astype(np.int64)
        return out

    # -- set ---------------------------------------------------------------------------------------
    def set(self, params=None, **kwargs):
        """NEST's ``set``: ``set(V_m=-70.0)``, ``set({"V_m": [..one per node..]})``, a list of
        dicts (one per node), ``nest.random`` values (drawn per node); recorders also take
        ``n_events=0`` (clears the events), ``label`` and ``record_to`` ("memory", "ascii")."""
        if params is not None and kwargs:
            raise ArgumentError("set: pass either a dict or keyword arguments, not both")
        if params is None:
            params = kwargs
        if isinstance(params, (list, tuple)):
            if len(params) == 1 and isinstance(params[0], dict):
                params = params[0]
            else:
                if len(params) != self._n or not all(isinstance(d, dict) for d in params):
                    raise ArgumentError(f"set: a list of parameter dicts needs one dict per node "
                                        f"({self._n}) or one for all, got {len(params)} items")
                for node, d in zip(self, params):
                    node.set(d)
                return
        if not isinstance(params, dict):
            raise ArgumentError(f"set: params = {params!r}: allowed a dict, a list of dicts or keywords")
        plain = {}
        special = {}
        for key, v in params.items():
            if key in ("n_events", "label", "record_to", "time_in_steps"):
                special[key] = v
            elif key in ("global_id", "model", "element_type", "recordables", "events", "vp",
                         "thread", "local"):
                raise ArgumentError(f"set: '{key}' is read-only")
            else:
                plain[key] = v   # a nest.random value is drawn per node by the C library
        for key, v in special.items():     # checked before anything changes
            for p, _, _ in self._segs():
                if key == "n_events":
                    if p.model not in _RECORDERS:
                        raise UnknownNameError(f"set: {p.model} has no parameter 'n_events' (recorders only)")
                    if isinstance(v, bool) or v != 0:
                        raise ArgumentError(f"set: n_events = {v!r}: allowed 0 (which clears the events)")
                else:
                    _recorder_option(p.model, key, v)
            if key == "label" and self._sim.output is not None:
                raise NotSupportedError("changing label after Create while nest.data_path is set",
                                        "give the label in Create's params: it names the HDF5 files")
        if plain:
            super().set(plain)
        k = self._sim._kernel
        for key, v in special.items():
            for g in self._ids_range():
                if key == "n_events":
                    k.skip[g] = _NativeNodes(self._sim, g, 1)._n_events_of(g)
                    k.written[g] = 0
                elif key == "label":
                    k.labels[g] = v
                elif key == "record_to":
                    k.record_to[g] = v

    # -- attributes ----------------------------------------------------------------------------------
    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        if name in ("label", "record_to", "time_in_steps", "element_type", "vp", "thread", "local"):
            return self._nget(name)
        try:
            segs = self._segs()
        except Error:   # a closed kernel
            raise AttributeError(name) from None
        if any(name in {e["name"] for e in _model_info(p.model)} for p, _, _ in segs) or name in (
                "recordables", "record_from", "events", "n_events", "global_id", "model"):
            return self._nget(name)
        raise AttributeError(f"{self!r} has no attribute or parameter '{name}'")

    def __setattr__(self, name, value):
        if name.startswith("_") or isinstance(getattr(type(self), name, None), property) and name not in (
                "n_events",):
            raise AttributeError(f"NodeCollection attribute '{name}' cannot be set")
        self.set({name: value})

    @property
    def events(self):
        """Recorded events: a dict (one recorder) or a tuple of dicts; senders are int64."""
        return self._nget("events")

    @property
    def n_events(self):
        """Number of events (a tuple for several recorders); set it to 0 to clear them."""
        return self._nget("n_events")

    @property
    def spatial(self):
        raise NotSupportedError("spatial NodeCollections", "create nodes without positions")


_NestSimulator._nc = NodeCollection


def _nodes(x, what):
    if not isinstance(x, NodeCollection):
        raise ArgumentError(f"{what} = {x!r}: allowed a NodeCollection from nest.Create")
    if x._sim is not _k().sim:
        raise StateError(f"{what}: {x!r} belongs to a kernel reset since (ResetKernel): allowed nodes "
                         f"of the current kernel")
    return x


def Create(model, n=1, params=None, positions=None):
    """n nodes of a model (built in or a copy), with the model's defaults (SetDefaults), then
    params: a dict (a value for all, a list with one value per node, a nest.random value drawn
    per node) or a list of n dicts. A refused parameter leaves no node behind."""
    if positions is not None:
        raise NotSupportedError("Create(..., positions=...) (spatial networks)",
                                "create the nodes without positions and connect them with a rule")
    k = _k()
    base, defaults = _base(model)
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1:
        raise ArgumentError(f"Create: n = {n!r}: allowed an integer >= 1")
    n = int(n)
    per_node = None
    if isinstance(params, (list, tuple)):
        if len(params) != n or not all(isinstance(d, dict) for d in params):
            raise ArgumentError(f"Create: params as a list needs {n} dicts (one per node), got {len(params)} items")
        per_node, params = list(params), {}
    elif params is None:
        params = {}
    elif not isinstance(params, dict):
        raise ArgumentError(f"Create: params = {params!r}: allowed a dict or a list of dicts")
    merged = dict(defaults, **params)
    options = {key: merged.pop(key) for key in ("label", "record_to", "time_in_steps") if key in merged}
    for key, v in options.items():
        _recorder_option(base, key, v)
    label = options.get("label")
    name = label if label and k.sim.output is not None else None
    nodes = k.sim.create(base, n, params=merged or None, name=name)
    if per_node is not None:
        try:
            nodes.set(per_node)
        except BaseException:
            k.sim._check(k.sim._lib.sg_create_undo(k.sim._h(), nodes._c()))
            k.sim._pops.pop()
            raise
    if model != base:
        k.model_of[nodes.first] = model
    for g in range(nodes.first, nodes.first + n):
        if label is not None:
            k.labels[g] = label
        if "record_to" in options:
            k.record_to[g] = options["record_to"]
    return nodes


def GetLocalNodeCollection(nc):
    """The nodes of nc on this process: all of them (spikegpu runs in one process)."""
    return _nodes(nc, "GetLocalNodeCollection")


def PrintNodes():
    """Prints the id ranges and models of the network."""
    k = _k()
    for p in k.sim._pops:
        last = p.first + p.n - 1
        print(f"{p.first:>4} .. {last:<4} {k.model_of.get(p.first, p.model)}" if p.n > 1 else
              f"{p.first:>12} {k.model_of.get(p.first, p.model)}")


# ---- connections --------------------------------------------------------------------------------
_RULES = tuple(_Simulator._RULE_KEYS)
_NEST_RULES = {"symmetric_pairwise_bernoulli": "pairwise_bernoulli with p (not symmetric)",
               "pairwise_poisson": "pairwise_bernoulli or fixed_total_number",
               "tripartite_bernoulli_with_pool": None, "pairwise_bernoulli_on_source": None,
               "pairwise_bernoulli_on_target": None}


def _conn_spec(spec):
    spec = conn_spec_dict(spec, "Connect")
    if spec is None:
        return None
    rule = spec.get("rule", "all_to_all")
    if rule in _NEST_RULES:
        raise NotSupportedError(f"connection rule '{rule}'", _NEST_RULES[rule] or
                                f"rules: {', '.join(_RULES)}")
    for key in ("mask", "use_on_source", "kernel"):
        if key in spec:
            raise NotSupportedError(f"conn_spec '{key}' (spatial connections)",
                                    f"rules: {', '.join(_RULES)}")
    for key in ("make_symmetric",):
        if key in spec:
            if spec.pop(key):
                raise NotSupportedError("make_symmetric = True", "connect both directions with two calls")
    if isinstance(spec.get("p"), _sg_random.Distribution) or isinstance(spec.get("indegree"), _sg_random.Distribution):
        raise NotSupportedError("random connection-rule parameters", "give a number")
    return spec


def _syn_spec(spec):
    """(synapse model name, native syn_spec dict)."""
    if spec is None:
        spec = {}
    elif isinstance(spec, str):
        spec = {"synapse_model": spec}
    elif type(spec).__name__ == "CollocatedSynapses":
        raise NotSupportedError("CollocatedSynapses", "one Connect call per synapse specification")
    elif not isinstance(spec, dict):
        raise ArgumentError(f"Connect: syn_spec = {spec!r}: allowed None, a synapse model name or a dict")
    spec = dict(spec)
    name, d = _syn_model(spec.pop("synapse_model", _STATIC))
    out = {}
    for key in _SYN_KEYS:
        v = spec.pop(key, d[key])
        if isinstance(v, (list, tuple)) and key != "receptor_type":
            v = np.asarray(v, dtype=np.float64)
        out[key] = v
    if spec:
        key = sorted(spec)[0]
        if key in ("synapse_label", "alpha", "tau_plus", "lambda", "mu_plus", "mu_minus", "Wmax", "U",
                   "tau_rec", "tau_fac", "u", "x"):
            raise _unknown_syn_key("Connect", key)
        raise UnknownNameError(f"Connect: syn_spec has unknown entries {sorted(spec)}: allowed "
                               f"synapse_model, {', '.join(_SYN_KEYS)}")
    return name, out


def Connect(pre, post, conn_spec=None, syn_spec=None, return_synapsecollection=False):
    """Connects pre to post (NEST's Connect): conn_spec None (all_to_all), a rule name or a dict
    (rule, indegree, outdegree, N, p, allow_autapses, allow_multapses); syn_spec None, a synapse
    model name (static_synapse or a copy) or a dict (synapse_model, weight, delay,
    receptor_type; weight and delay a number, an array or a nest.random value)."""
    k = _k()
    pre, post = _nodes(pre, "pre"), _nodes(post, "post")
    cs = _conn_spec(conn_spec)
    name, ss = _syn_spec(syn_spec)
    before = k.sim.num_connections(pre, post)
    k.sim.connect(pre, post, cs, ss)
    k.syn_counts[name] += k.sim.num_connections(pre, post) - before
    if return_synapsecollection:
        return GetConnections(pre, post)
    return None


def Disconnect(*args, **kwargs):
    """Not supported: connections stay once made."""
    raise NotSupportedError("Disconnect", "connections cannot be removed: build the network without them")


def CollocatedSynapses(*args, **kwargs):
    """Not supported."""
    raise NotSupportedError("CollocatedSynapses", "one Connect call per synapse specification")


def Install(module_name):
    """Not supported: spikegpu's models are built in."""
    raise NotSupportedError(f"Install('{module_name}') (extension modules)",
                            f"spikegpu's models are built in: {', '.join(_models('neuron'))}")


class SynapseCollection:
    """Connections from GetConnections: ``len``, ``get``, attributes (``conns.weight``),
    slicing, and GetStatus. Static: ``set`` raises."""

    __slots__ = ("_d", "_model")

    def __init__(self, data, model):
        object.__setattr__(self, "_d", data)
        object.__setattr__(self, "_model", model)

    def __len__(self):
        return len(self._d["source"])

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    def __getitem__(self, key):
        if isinstance(key, numbers.Integral):
            if not -len(self) <= key < len(self):
                raise IndexError(f"index {key} out of range for {len(self)} connections")
            key = slice(key % len(self), key % len(self) + 1)
        return SynapseCollection({k: v[key] for k, v in self._d.items()}, self._model)

    def __repr__(self):
        return f"SynapseCollection({len(self)} connections)"

    def _column(self, name):
        if name == "synapse_model":
            if self._model is None:
                raise NotSupportedError("synapse_model of connections made with several synapse models",
                                        "spikegpu keeps no per-connection model name: filter with "
                                        "source and target")
            col = [self._model] * len(self)
        elif name == "receptor":
            col = self._d["receptor"].tolist()
        elif name in ("source", "target"):
            col = [int(x) for x in self._d[name]]
        elif name in ("weight", "delay"):
            col = self._d[name].tolist()
        elif name in ("port", "target_thread"):
            col = [0] * len(self)
        else:
            raise UnknownNameError(f"connections have no '{name}': allowed delay, receptor, source, "
                                   f"synapse_model, target, weight")
        return col

    _KEYS = ("delay", "receptor", "source", "synapse_model", "target", "weight")

    def get(self, keys=None, output=""):
        """One value per connection (a list; a value for one connection), a dict for a list of
        keys, or a dict of everything."""
        one = len(self) == 1
        if keys is None:
            keys = [key for key in self._KEYS if key != "synapse_model" or self._model is not None]
        if isinstance(keys, str):
            col = self._column(keys)
            res = col[0] if one else col
        elif isinstance(keys, (list, tuple)):
            res = {key: (self._column(key)[0] if one else self._column(key)) for key in keys}
        else:
            raise ArgumentError(f"get: keys = {keys!r}: allowed None, a str or a list of str")
        return _output(res, output)

    def set(self, *args, **kwargs):
        raise NotSupportedError("changing connections after Connect",
                                "give weight and delay in Connect's syn_spec (static synapses)")

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        return self.get(name)

    def __setattr__(self, name, value):
        self.set()


def GetConnections(source=None, target=None, synapse_model=None, synapse_label=None):
    """The connections from source to target (None = any), a SynapseCollection in (source,
    target) order. synapse_model filters only as far as spikegpu can tell (see the error)."""
    k = _k()
    if synapse_label is not None:
        raise NotSupportedError("synapse_label", "filter with source and target")
    a = _nodes(source, "source") if source is not None else None
    b = _nodes(target, "target") if target is not None else None
    used = [m for m, c in k.syn_counts.items() if c]
    model = used[0] if len(used) == 1 else None
    d = k.sim.get_connections(a, b)
    if synapse_model is not None:
        name, _ = _syn_model(synapse_model)
        if name not in used:
            d = {key: v[:0] for key, v in d.items()}
        elif len(used) > 1:
            raise NotSupportedError(f"GetConnections(synapse_model='{synapse_model}') after connecting "
                                    f"with several synapse models ({', '.join(used)})",
                                    "spikegpu keeps no per-connection model name: filter with source and target")
        model = name
    return SynapseCollection(d, model if len(used) <= 1 or synapse_model is not None else None)


# ---- GetStatus / SetStatus ----------------------------------------------------------------------
def GetStatus(nodes, keys=None, output=""):
    """One entry per node or connection (a tuple): a dict of everything (keys None), a value (a
    str key) or a tuple of values (a list of keys). ``GetStatus(mm)[0]["events"]``,
    ``GetStatus(sr, "events")[0]``."""
    if isinstance(nodes, SynapseCollection):
        res = tuple(c.get() if keys is None else c.get(keys) if isinstance(keys, str) else
                    tuple(c.get(key) for key in keys) for c in nodes)
        return _output(res, output)
    nodes = _nodes(nodes, "GetStatus: nodes")
    if keys is None:
        res = tuple(nd.get() for nd in nodes)
    elif isinstance(keys, str):
        res = nodes.get(keys) if len(nodes) > 1 else (nodes.get(keys),)
    elif isinstance(keys, (list, tuple)):
        res = tuple(tuple(nd.get(key) for key in keys) for nd in nodes)
    else:
        raise ArgumentError(f"GetStatus: keys = {keys!r}: allowed None, a str or a list of str")
    return _output(res, output)


def SetStatus(nodes, params, val=None):
    """``SetStatus(nodes, {"V_m": -70.0})``, ``SetStatus(nodes, "V_m", -70.0)``, or a list of
    dicts (one per node). Values may be lists (one per node) or nest.random values."""
    if isinstance(nodes, SynapseCollection):
        nodes.set()
    nodes = _nodes(nodes, "SetStatus: nodes")
    if isinstance(params, str):
        params = {params: val}
    elif val is not None:
        raise ArgumentError("SetStatus: val is given only with a str key")
    nodes.set(params)


# ---- running --------------------------------------------------------------------------------------
def _run(t):
    k = _k()
    s = k.sim
    if not isinstance(t, numbers.Real) or isinstance(t, bool):
        raise ArgumentError(f"Simulate: t = {t!r}: allowed a number of ms")
    _ascii_check(k)
    if _verbosity <= VerbosityLevel.INFO and s.steps == 0:
        print(f"spikegpu.nest: backend {s.backend_reason}")
    steps = int(round(t / s.resolution)) if np.isfinite(t) and t >= 0 else -1
    if not k.print_time or steps < 0 or abs(steps * s.resolution - t) > 1e-9 * max(1.0, abs(t)):
        s.simulate(t)                # (an off-grid t is refused by the library, with its message)
    else:
        # runs in pieces to print between them (ten runs of 100 ms give what one of 1000 ms
        # gives); a piece grows while it takes under 0.1 s, so short pieces cost little
        chunk = max(1, steps // 100)
        t0, done, wall0 = s.time, 0, time.perf_counter()
        while done < steps:
            m = min(chunk, steps - done)
            w = time.perf_counter()
            s.simulate(m * s.resolution)
            done += m
            if time.perf_counter() - w < 0.1:
                chunk *= 2
            wall = time.perf_counter() - wall0
            sim_ms = s.time - t0
            rtf = wall / (sim_ms * 1e-3) if sim_ms > 0 else 0.0
            sys.stdout.write(f"\r[ {100 * done // steps:3d}% ] Model time: {s.time:.1f} ms, "
                             f"Real-time factor: {rtf:.4f}")
            sys.stdout.flush()
        if steps:
            sys.stdout.write("\n")
    _ascii_write(k)


def Simulate(t):
    """Simulates t ms (a multiple of the resolution): Prepare, Run(t), Cleanup."""
    k = _k()
    if k.prepared:
        raise StateError("Simulate called between Prepare and Cleanup: allowed Run there, or Cleanup first")
    _run(t)


def Prepare():
    """Starts a series of Run calls (ends with Cleanup)."""
    k = _k()
    if k.prepared:
        raise StateError("Prepare called twice: allowed once before Run, then Cleanup")
    _ascii_check(k)
    k.prepared = True


def Run(t):
    """Simulates t ms within Prepare ... Cleanup; several Runs give what one Simulate gives."""
    k = _k()
    if not k.prepared:
        raise StateError("Run called without calling Prepare: allowed after Prepare (or use Simulate)")
    _run(t)


def Cleanup():
    """Ends a series of Run calls."""
    k = _k()
    if not k.prepared:
        raise StateError("Cleanup called without calling Prepare")
    k.prepared = False


@contextlib.contextmanager
def RunManager():
    """``with nest.RunManager(): nest.Run(...)``: Prepare on entry, Cleanup on exit."""
    Prepare()
    try:
        yield
    finally:
        Cleanup()


# ---- record_to "ascii": NEST's text files ---------------------------------------------------------
def _ascii_path(k, gid):
    p = k.sim._pop_of(gid)
    base = k.labels.get(gid) or k.model_of.get(p.first, p.model)
    folder = k.sim.output or os.getcwd()
    return os.path.join(folder, f"{k.data_prefix}{base}-{gid}-0.dat")


def _ascii_check(k):
    """Before the first run of an ascii recorder: its file must be new, or overwrite_files set."""
    for gid, how in k.record_to.items():
        if how == "ascii" and gid not in k.written:
            path = _ascii_path(k, gid)
            if os.path.exists(path) and not k.sim.overwrite_files:
                raise FileIOError(f"record_to 'ascii': {path} exists already: allowed "
                                  f"nest.overwrite_files = True, or another data_path / label")


def _ascii_write(k):
    """Appends the events recorded since the last write (NEST's RecordingBackendASCII layout)."""
    for gid, how in k.record_to.items():
        if how != "ascii":
            continue
        nodes = NodeCollection(k.sim, gid, 1)
        ev = nodes._recorder_value(gid, "events")
        cols = ["senders", "times"] + [c for c in ev if c not in ("senders", "times")]
        start = k.written.get(gid)
        path = _ascii_path(k, gid)
        if start is None:
            with open(path, "w") as f:
                f.write("# NEST version: 3.10.0 (spikegpu)\n# RecordingBackendASCII version: 2\n")
                f.write("\t".join(["sender", "time_ms"] + cols[2:]) + "\n")
            start = 0
        with open(path, "a") as f:
            for i in range(start, len(ev["times"])):
                f.write(f"{ev['senders'][i]}\t" + "\t".join(f"{ev[c][i]:.3f}" for c in cols[1:]) + "\n")
        k.written[gid] = len(ev["times"])


# ---- plots: nest.raster_plot, nest.voltage_trace -------------------------------------------------
raster_plot = types.ModuleType("spikegpu.nest.raster_plot", "NEST's raster_plot over spikegpu.plot.")
raster_plot.from_device = _plot.raster_from_device
raster_plot.from_data = _plot.raster_from_data
raster_plot.from_file = _plot.raster_from_file
raster_plot.extract_events = _plot.extract_events
voltage_trace = types.ModuleType("spikegpu.nest.voltage_trace", "NEST's voltage_trace over spikegpu.plot.")
voltage_trace.from_device = _plot.voltage_trace_from_device
voltage_trace.from_file = _plot.voltage_trace_from_file
sys.modules.setdefault("spikegpu.nest.raster_plot", raster_plot)
sys.modules.setdefault("spikegpu.nest.voltage_trace", voltage_trace)


class _NotSupportedModule(types.ModuleType):
    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        raise NotSupportedError(f"{self.__name__.replace('spikegpu.', '')}.{name}", self.__doc__)


spatial = _NotSupportedModule("spikegpu.nest.spatial", "spikegpu has no spatial networks: create nodes "
                              "without positions and connect them with a rule")
spatial_distributions = _NotSupportedModule("spikegpu.nest.spatial_distributions", spatial.__doc__)
logic = _NotSupportedModule("spikegpu.nest.logic", "compute parameter values with numpy")
visualization = _NotSupportedModule("spikegpu.nest.visualization",
                                    "nest.raster_plot and nest.voltage_trace (spikegpu.plot)")


# ---- the module: kernel attributes as in PyNEST (nest.resolution = 0.1) --------------------------
_SETTABLE = ("resolution", "rng_seed", "local_num_threads", "total_num_virtual_procs", "print_time",
             "overwrite_files", "data_path", "data_prefix", "backend")


def _kernel_property(name):
    return property(lambda self: GetKernelStatus(name), lambda self, v: SetKernelStatus({name: v}),
                    doc=f"Kernel parameter {name} (GetKernelStatus / SetKernelStatus).")


class _NestModule(types.ModuleType):
    """spikegpu.nest itself: kernel parameters are attributes; setting anything else raises."""

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        if name in _kernel_params():
            return GetKernelStatus(name)
        if name == "verbosity":
            return get_verbosity()
        raise AttributeError(f"module 'spikegpu.nest' has no attribute '{name}' (not part of "
                             f"spikegpu's PyNEST interface: see help(spikegpu.nest))")

    def __setattr__(self, name, value):
        if name in _SETTABLE:
            SetKernelStatus({name: value})
        elif name == "verbosity":
            set_verbosity(value)
        elif name.startswith("_") or name in self.__dict__:
            super().__setattr__(name, value)
        elif name in _kernel_params():
            raise AttributeError(f"kernel parameter '{name}' is read-only")
        else:
            raise AttributeError(f"Cannot set attribute '{name}' on module 'spikegpu.nest': allowed "
                                 f"the kernel parameters {', '.join(_SETTABLE)} (and verbosity)")


for _name in _SETTABLE:
    setattr(_NestModule, _name, _kernel_property(_name))
_NestModule.verbosity = property(lambda self: get_verbosity(), lambda self, v: set_verbosity(v))
sys.modules[__name__].__class__ = _NestModule
