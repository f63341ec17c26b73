"""Simulator and NodeCollection: NEST-style scripting on top of libspikegpu (ctypes).

A PyNEST script translates line by line::

    nest.ResetKernel()                                sim = spikegpu.Simulator(resolution=0.1, seed=1)
    nest.resolution = 0.1
    n = nest.Create("gl_exp", 100, {"I_e": 550.0})    n = sim.create("gl_exp", 100, {"I_e": 550.0})
    sr = nest.Create("spike_recorder")                sr = sim.create("spike_recorder")
    nest.Connect(n, sr)                               sim.connect(n, sr)
    nest.Simulate(1000.0)                             sim.simulate(1000.0)
    sr.events["times"]                                sr.events["times"]
"""
from __future__ import annotations

import bisect
import ctypes
import math
import numbers
import os
import weakref

import numpy as np

from . import _capi
from .errors import ArgumentError, Error, StateError, UnknownNameError, from_status
from .random import Distribution

__all__ = ["Simulator", "NodeCollection", "models", "model_info", "model_kind", "defaults",
           "recordables", "cuda_available", "library_version", "library_path"]

DEFAULT_SEED = 143202461  # NEST's default rng_seed, as sg_config_default


# ---- model tables -------------------------------------------------------------------------------
_info_cache = {}


def models(kind=None):
    """Names of all models the library provides, in its order.

    kind: None (all), "neuron", "generator" or "recorder".
    """
    L = _capi.lib()
    names = [_capi.dec(L.sg_model_name(i)) for i in range(L.sg_model_count())]
    if kind is None:
        return names
    if kind not in ("neuron", "generator", "recorder"):
        raise ArgumentError(f"models: kind = {kind!r}: allowed None, 'neuron', 'generator', 'recorder'")
    return [m for m in names if model_kind(m) == kind]


def model_kind(model):
    """"neuron", "generator" or "recorder"."""
    k = _capi.lib().sg_model_kind(_capi.enc(model, "model"))
    if k is None:
        raise UnknownNameError(f"unknown model '{model}': allowed {', '.join(models())}")
    return _capi.dec(k)


def model_info(model):
    """Parameters, vectors, state variables and recordables of a model: a list of dicts with keys
    ``name``, ``unit``, ``default`` (a float; a float64 array for vector parameters; None for a
    recordable that is not a table entry), ``allowed`` (e.g. "> 0"), ``doc``, ``kind`` ("param",
    "vector", "state" or "recordable") and ``recordable`` (True if a multimeter can record it).

    Entries of kind "recordable" are recordables that are not themselves parameters or state,
    e.g. glif_cond's ``g_1``, ``g_2`` (one per receptor, elements of the vector state ``g``):
    they can be recorded, not set or read with get(). :func:`recordables` lists every recordable
    in NEST's order. Multimeters additionally take ``record_from`` (a list of recordable names),
    which is not a numeric entry and so is not listed.
    """
    rec = recordables(model)
    out = []
    for e in _entries(model).values():
        d = {k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in e.items()}
        d["recordable"] = e["name"] in rec
        out.append(d)
    table = _entries(model)
    for r in rec:
        if r in table:
            continue
        # NEST's per-receptor names: g_1 is element 1 of the vector state g
        base, _, idx = r.rpartition("_")
        b = table.get(base) if idx.isdigit() else None
        out.append({"name": r, "unit": b["unit"] if b else "", "default": None, "allowed": "",
                    "doc": f"{b['doc']}: element {idx} of {base}" if b else "recordable",
                    "kind": "recordable", "recordable": True})
    return out


def recordables(model):
    """The names a multimeter's ``record_from`` takes for a node of `model` with default
    parameters, in NEST's order (NEST's ``GetDefaults(model, "recordables")``); [] for models
    without any. A node's own list, which follows its vector parameters (glif_cond's g_1 .. g_n
    for n = len(tau_syn)), is ``nodes.get("recordables")``."""
    bmodel = _capi.enc(model, "model")
    L = _capi.lib()
    n = ctypes.c_size_t()
    st = L.sg_model_recordables(bmodel, None, 0, ctypes.byref(n))
    if st == _capi.STATUS["SG_ERR_UNKNOWN"]:
        raise UnknownNameError(f"recordables: unknown model '{model}': allowed {', '.join(models())}")
    if st != _capi.SG_OK:
        raise from_status(st, f"recordables('{model}') failed")
    buf = ctypes.create_string_buffer(n.value + 1)
    st = L.sg_model_recordables(bmodel, buf, len(buf), ctypes.byref(n))
    if st != _capi.SG_OK:
        raise from_status(st, f"recordables('{model}') failed")
    return _split_names(buf.value)


def _split_names(b):
    s = _capi.dec(b)
    return s.split(",") if s else []


def defaults(model):
    """{name: default} of a model's parameters, vectors (arrays) and state (NEST's GetDefaults)."""
    return {n: (e["default"].copy() if isinstance(e["default"], np.ndarray) else e["default"])
            for n, e in _entries(model).items()}


def _entries(model):
    """{name: info dict} of a model, cached."""
    bmodel = _capi.enc(model, "model")   # a str without NUL, or ArgumentError
    got = _info_cache.get(model)
    if got is not None:
        return got
    L = _capi.lib()
    ptr = ctypes.POINTER(_capi.sg_entry_info)()
    n = ctypes.c_size_t()
    st = L.sg_model_info(bmodel, ctypes.byref(ptr), ctypes.byref(n))
    if st != _capi.SG_OK:
        raise from_status(st, f"model_info: unknown model '{model}': allowed {', '.join(models())}"
                          if st == _capi.STATUS["SG_ERR_UNKNOWN"] else f"model_info('{model}') failed")
    out = {}
    for i in range(n.value):
        e = ptr[i]
        kind = _capi.ENTRY_KINDS[e.kind] if 0 <= e.kind < len(_capi.ENTRY_KINDS) else str(e.kind)
        d = float(e.default)
        if kind == "vector":
            # copy: the table is static in C, but a numpy array the caller owns is safer
            d = np.array(e.def_vec[:e.def_len], dtype=np.float64) if e.def_vec else np.empty(0)
        elif math.isnan(d):
            d = None
        out[_capi.dec(e.name)] = {
            "name": _capi.dec(e.name), "unit": _capi.dec(e.unit), "default": d,
            "allowed": _capi.dec(e.allowed), "doc": _capi.dec(e.doc), "kind": kind,
        }
    _info_cache[model] = out
    return out


def cuda_available():
    """(True, reason) if a usable CUDA device exists for this library build, else (False, reason)."""
    buf = ctypes.create_string_buffer(512)
    ok = _capi.lib().sg_cuda_available(buf, len(buf))
    return bool(ok), _capi.dec(buf.value)


def library_version():
    """The C library's version string, e.g. "0.1.0 (cuda)" or "0.1.0 (cpu-only build)"."""
    return _capi.dec(_capi.lib().sg_version())


def library_path():
    """Path of the libspikegpu.so in use."""
    return _capi.lib_path()


# ---- helpers ------------------------------------------------------------------------------------
def _is_scalar(v):
    return isinstance(v, (numbers.Real, np.bool_)) and not isinstance(v, (str, bytes)) or (
        isinstance(v, np.ndarray) and v.ndim == 0)


def _as_float(name, v):
    """A scalar parameter value as float, with an error that names the parameter and value."""
    if isinstance(v, Distribution):
        raise ArgumentError(f"{name} = {v!r}: random distributions are accepted for synapse weight "
                            f"and delay and for scalar node parameters and state only")
    if isinstance(v, (bool, np.bool_)):
        return 1.0 if v else 0.0
    if _is_scalar(v):
        try:
            return float(v)
        except (OverflowError, TypeError, ValueError) as e:
            raise ArgumentError(f"{name} = {v!r}: allowed a number that fits a double ({e})") from None
    raise ArgumentError(f"{name} = {v!r}: allowed a number")


def _as_array(name, v, ndim=1):
    """A sequence as a C-contiguous float64 array, naming the parameter on failure."""
    if isinstance(v, (str, bytes, dict)):
        raise ArgumentError(f"{name} = {v!r}: allowed a number or a sequence of numbers")
    try:
        a = np.ascontiguousarray(v, dtype=np.float64)
    except (TypeError, ValueError, OverflowError) as e:
        raise ArgumentError(f"{name} = {v!r}: allowed numbers ({e})") from None
    if ndim is not None and a.ndim != ndim:
        raise ArgumentError(f"{name}: got an array of shape {a.shape}: allowed {ndim} dimension(s)")
    return a


def _dptr(a):
    return a.ctypes.data_as(_capi.P_DOUBLE)


def _uptr(a):
    return a.ctypes.data_as(_capi.P_UINT64)


def conn_spec_dict(spec, what="connect"):
    """A conn_spec (None, a rule name or a dict) as a new dict, or None."""
    if spec is None:
        return None
    if isinstance(spec, str):
        return {"rule": spec}
    if not isinstance(spec, dict):
        raise ArgumentError(f"{what}: conn_spec = {spec!r}: allowed None, a rule name or a dict")
    return dict(spec)


# ---- simulator ----------------------------------------------------------------------------------
class _Pop:
    __slots__ = ("first", "n", "model", "name", "record_from", "created")

    def __init__(self, first, n, model, name, created=0.0):
        self.first, self.n, self.model, self.name = first, n, model, name
        self.record_from = ["V_m"] if model == "voltmeter" else []
        self.created = created   # simulated time (ms) at creation: a recorder listens from then


class Simulator:
    """One simulation (NEST's kernel after ResetKernel), owning a C ``sg_sim`` handle.

    Parameters
    ----------
    resolution : float
        Time step h in ms (a multiple of 0.001 ms). Default 0.1.
    seed : int or None
        Seed of every random number (Philox key). None: 143202461, NEST's default.
    backend : "auto" | "cpu" | "cuda"
        auto picks cuda when a usable device exists; the choice and the reason are in
        :attr:`backend` and :attr:`backend_reason`. Both backends give the same bits.
    threads : int
        OpenMP threads of the cpu backend; 0 = OpenMP's default.
    output : str or os.PathLike or None
        Folder for SONATA HDF5 output (created); None = no files. Spike recorder "sr" writes
        ``<output>/sr.h5``, multimeter "mm" one ``<output>/mm_<variable>.h5`` per variable.
    keep_in_memory : bool
        Keep recordings readable through ``.events`` (default). False needs ``output`` and keeps
        memory bounded in long runs.
    progress : bool
        Progress line on stderr for runs longer than 2 s wall time.
    flush_interval : float
        Simulated ms between recorder flushes to HDF5 (default 100).
    cuda_block_size : int
        Threads per CUDA block, 0 = default.
    verbose : bool
        Print the backend choice on stderr (default False; see :attr:`backend_reason`).
    report_double : bool
        Write multimeter HDF5 data as float64 (bit-exact) instead of float32, the type
        libsonata reads (default False). ``.events`` are float64 either way.
    overwrite_files : bool
        NEST's ``overwrite_files``: False (default) refuses an ``output`` folder that already
        holds .h5 files of an earlier run (the error names one); True replaces files of the same
        name. A folder another run (any process) is writing to is refused either way.

    Every setting is also an attribute (``sim.resolution``, ``sim.seed``, ...). Setting one
    takes effect while the simulation is empty (no node created, no time simulated), as NEST
    accepts kernel settings only then; afterwards it raises StateError. An attribute that is
    not a setting cannot be set (AttributeError), so a misspelt setting is never ignored.

    Use it as a context manager (``with spikegpu.Simulator() as sim: ...``) or call
    :meth:`close`; either frees the C handle and closes the output files.
    """

    # The constructor's settings, in order. Each is also an attribute: reading it gives the value
    # in use, setting it takes effect (a new C simulation is made with it) while no node exists
    # and no time was simulated, as NEST allows kernel settings only then; later it raises.
    _SETTINGS = ("resolution", "seed", "backend", "threads", "output", "keep_in_memory", "progress",
                 "flush_interval", "cuda_block_size", "verbose", "report_double", "overwrite_files")

    __slots__ = ("_handle", "_lib", "_pops", "_kw", "_used", "_finalizer", "__weakref__")
    _nc = None   # NodeCollection (set below its definition): the class of the collections given out

    def __init__(self, resolution=0.1, seed=None, backend="auto", threads=0, output=None,
                 keep_in_memory=True, progress=False, flush_interval=100.0, cuda_block_size=0,
                 verbose=False, report_double=False, overwrite_files=False):
        object.__setattr__(self, "_handle", None)
        kw = dict(resolution=resolution, seed=seed, backend=backend, threads=threads, output=output,
                  keep_in_memory=keep_in_memory, progress=progress, flush_interval=flush_interval,
                  cuda_block_size=cuda_block_size, verbose=verbose, report_double=report_double,
                  overwrite_files=overwrite_files)
        handle, used = self._new_handle(kw)
        object.__setattr__(self, "_lib", _capi.lib())
        object.__setattr__(self, "_pops", [])
        self._adopt(handle, kw, used)

    @staticmethod
    def _new_handle(kw):
        """A C simulation made with the settings kw; returns (handle, the values in use)."""
        L = _capi.lib()
        cfg = _capi.sg_config()
        L.sg_config_default(ctypes.byref(cfg))
        backend = kw["backend"]
        if not isinstance(backend, str) or backend not in _capi.BACKENDS:
            raise ArgumentError(f"backend = {backend!r}: allowed 'auto', 'cpu', 'cuda'")
        cfg.resolution_ms = _as_float("resolution", kw["resolution"])
        if kw["seed"] is not None:
            cfg.seed = _capi.c_integer("seed", kw["seed"], "uint64", allowed="an integer in [0, 2^64)")
        cfg.backend = _capi.BACKENDS[backend]
        # every integer is range-checked here: ctypes would keep the low bits of 2**32 + 1 silently
        cfg.threads = _capi.c_integer("threads", kw["threads"], "int", 0,
                                      allowed="an integer in [0, 2^31) (0 = OpenMP's default)")
        out = None
        if kw["output"] is not None:
            try:
                out = os.fsdecode(os.fspath(kw["output"]))
            except TypeError:
                raise ArgumentError(f"output = {kw['output']!r}: allowed a path (str or os.PathLike) "
                                    f"or None") from None
            if "\0" in out:
                raise ArgumentError(f"output = {kw['output']!r}: contains a NUL character: allowed a "
                                    f"path without NUL")
            cfg.output_dir = os.fsencode(out)
        cfg.keep_in_memory = 1 if kw["keep_in_memory"] else 0
        cfg.progress = 1 if kw["progress"] else 0
        cfg.flush_interval_ms = _as_float("flush_interval", kw["flush_interval"])
        cfg.cuda_block_size = _capi.c_integer("cuda_block_size", kw["cuda_block_size"], "int",
                                              allowed="an integer (0 or a multiple of 32 up to 1024)")
        cfg.verbose = 1 if kw["verbose"] else 0
        cfg.report_double = 1 if kw["report_double"] else 0
        cfg.overwrite_files = 1 if kw["overwrite_files"] else 0
        err = ctypes.create_string_buffer(1024)
        handle = _capi.SIM_P()
        st = L.sg_sim_new(ctypes.byref(cfg), ctypes.byref(handle), err, len(err))
        if st != _capi.SG_OK:
            raise from_status(st, _capi.dec(err.value))
        used = dict(kw, resolution=float(cfg.resolution_ms), seed=int(cfg.seed), output=out,
                    threads=int(cfg.threads), flush_interval=float(cfg.flush_interval_ms),
                    cuda_block_size=int(cfg.cuda_block_size))
        for k in ("keep_in_memory", "progress", "verbose", "report_double", "overwrite_files"):
            used[k] = bool(kw[k])
        return handle, used

    def _adopt(self, handle, kw, used):
        object.__setattr__(self, "_handle", handle)
        object.__setattr__(self, "_kw", kw)
        object.__setattr__(self, "_used", used)
        object.__setattr__(self, "_finalizer", weakref.finalize(self, self._lib.sg_sim_free, handle))

    def configure(self, **settings):
        """Changes several settings at once (e.g. ``configure(resolution=1.0, seed=5)``), all or
        none: allowed while the simulation is empty, like setting the attributes one by one."""
        for name in settings:
            if name not in self._SETTINGS:
                raise ArgumentError(f"configure: '{name}' is not a setting: allowed {', '.join(self._SETTINGS)}")
        if settings:
            self._reconfigure(settings)

    def _reconfigure(self, changes, value=None):
        """Settings changed (a dict, or one name and its value): a new C simulation with them,
        allowed while the simulation is empty (no node, no simulated time). A refused value
        leaves everything as it was."""
        if isinstance(changes, str):
            changes = {changes: value}
        self._h()
        if self._pops or self.steps:
            what = ", ".join(f"Simulator.{k} = {v!r}" for k, v in changes.items())
            raise StateError(f"{what}: settings can change only before the first "
                             f"node is created and before simulate (now {self.num_nodes} nodes, "
                             f"t = {self.time:g} ms), as in NEST: create a new Simulator "
                             f"(spikegpu.nest: nest.ResetKernel()) to change it")
        kw = dict(self._kw, **changes)
        if kw["output"] is None and self._kw["output"] is None:
            handle, used = self._new_handle(kw)       # raises before the old one is touched
            self._finalizer()
            self._adopt(handle, kw, used)
            return
        # an output folder is held by one simulation at a time: release it first, and take the
        # old settings back if the new ones are refused
        old = self._kw
        self._finalizer()
        object.__setattr__(self, "_handle", None)
        try:
            handle, used = self._new_handle(kw)
        except Error:
            handle, used = self._new_handle(old)
            self._adopt(handle, old, used)
            raise
        self._adopt(handle, kw, used)

    def __setattr__(self, name, value):
        prop = getattr(type(self), name, None)
        if isinstance(prop, property) and prop.fset is not None:
            prop.fset(self, value)
            return
        if isinstance(prop, property):
            raise AttributeError(f"Simulator.{name} is read-only")
        raise AttributeError(f"Simulator has no setting '{name}': allowed {', '.join(self._SETTINGS)}")

    # -- lifetime -------------------------------------------------------------------------------
    def close(self):
        """Frees the C simulation (flushes and closes HDF5 output). Idempotent."""
        if self._handle is not None:
            self._finalizer()
            object.__setattr__(self, "_handle", None)

    @property
    def closed(self):
        """True once :meth:`close` ran."""
        return self._handle is None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def __repr__(self):
        if self.closed:
            return "<spikegpu.Simulator (closed)>"
        return (f"<spikegpu.Simulator backend={self.backend} resolution={self.resolution} ms "
                f"seed={self.seed} nodes={self.num_nodes} t={self.time} ms>")

    def _h(self):
        if self._handle is None:
            raise StateError("this Simulator is closed")
        return self._handle

    def _check(self, st):
        if st != _capi.SG_OK:
            raise from_status(st, _capi.dec(self._lib.sg_errmsg(self._handle)))

    # -- properties -------------------------------------------------------------------------------
    @property
    def time(self):
        """Simulated time so far, ms."""
        return float(self._lib.sg_time(self._h()))

    @property
    def steps(self):
        """Steps simulated so far."""
        return int(self._lib.sg_steps(self._h()))

    @property
    def backend(self):
        """"cpu" or "cuda": the backend in use. Setting it ("auto", "cpu", "cuda"), like every
        setting, takes effect only while the simulation is empty."""
        return _capi.dec(self._lib.sg_backend_used(self._h()))

    @backend.setter
    def backend(self, value):
        self._reconfigure("backend", value)

    @property
    def backend_reason(self):
        """Why this backend was chosen (e.g. "cpu (cuda: no usable CUDA device: ...)")."""
        return _capi.dec(self._lib.sg_backend_reason(self._h()))

    @property
    def resolution(self):
        """Time step h in ms (NEST's ``resolution``)."""
        return self._used["resolution"]

    @resolution.setter
    def resolution(self, value):
        self._reconfigure("resolution", value)

    @property
    def seed(self):
        """Seed of every random number (NEST's ``rng_seed``)."""
        return self._used["seed"]

    @seed.setter
    def seed(self, value):
        self._reconfigure("seed", value)

    @property
    def threads(self):
        """OpenMP threads of the cpu backend, 0 = OpenMP's default."""
        return self._used["threads"]

    @threads.setter
    def threads(self, value):
        self._reconfigure("threads", value)

    @property
    def output(self):
        """The HDF5 output folder, or None."""
        return self._used["output"]

    @output.setter
    def output(self, value):
        self._reconfigure("output", value)

    @property
    def keep_in_memory(self):
        """Recordings readable through ``.events`` (else only in the HDF5 files)."""
        return self._used["keep_in_memory"]

    @keep_in_memory.setter
    def keep_in_memory(self, value):
        self._reconfigure("keep_in_memory", value)

    @property
    def progress(self):
        """Progress line on stderr for runs longer than 2 s wall time (NEST's ``print_time``)."""
        return self._used["progress"]

    @progress.setter
    def progress(self, value):
        self._reconfigure("progress", value)

    @property
    def flush_interval(self):
        """Simulated ms between recorder flushes to HDF5."""
        return self._used["flush_interval"]

    @flush_interval.setter
    def flush_interval(self, value):
        self._reconfigure("flush_interval", value)

    @property
    def cuda_block_size(self):
        """Threads per CUDA block, 0 = default."""
        return self._used["cuda_block_size"]

    @cuda_block_size.setter
    def cuda_block_size(self, value):
        self._reconfigure("cuda_block_size", value)

    @property
    def verbose(self):
        """Print the backend choice on stderr when the simulation is made."""
        return self._used["verbose"]

    @verbose.setter
    def verbose(self, value):
        self._reconfigure("verbose", value)

    @property
    def report_double(self):
        """Multimeter HDF5 data as float64 instead of float32."""
        return self._used["report_double"]

    @report_double.setter
    def report_double(self, value):
        self._reconfigure("report_double", value)

    @property
    def overwrite_files(self):
        """NEST's ``overwrite_files``: replace .h5 files of an earlier run in ``output``."""
        return self._used["overwrite_files"]

    @overwrite_files.setter
    def overwrite_files(self, value):
        self._reconfigure("overwrite_files", value)

    @property
    def num_nodes(self):
        """Number of nodes created so far (ids are 1..num_nodes)."""
        return sum(p.n for p in self._pops)

    @property
    def populations(self):
        """All populations in creation order, as NodeCollections."""
        return [self._nc(self, p.first, p.n) for p in self._pops]

    # -- building -------------------------------------------------------------------------------
    def create(self, model, n=1, params=None, name=None):
        """Creates n nodes of a model (``nest.Create``); returns their NodeCollection.

        params: a dict applied with :meth:`NodeCollection.set` (scalars, per-node sequences of
        length n, :mod:`spikegpu.random` distributions drawn per node, vectors), or a list of n
        dicts, one per node. name: population name used for
        HDF5 groups and file names (default "<model>_<first id>").
        """
        n = _capi.c_integer("create: n", n, "uint64", 1, allowed="an integer in [1, 2^64)")
        bmodel = _capi.enc(model, "create: model")
        out = _capi.sg_nodes()
        if name is None:
            st = self._lib.sg_create(self._h(), bmodel, n, ctypes.byref(out))
        else:
            st = self._lib.sg_create_named(self._h(), bmodel, n, _capi.enc(name, "create: name"),
                                           ctypes.byref(out))
        self._check(st)
        self._pops.append(_Pop(int(out.first), int(out.n), model,
                               name if name is not None else f"{model}_{int(out.first)}",
                               self.time))
        nodes = self._nc(self, int(out.first), int(out.n))
        if params is not None:
            try:
                nodes.set(params)
            except BaseException:
                # a refused parameter: the nodes go again (ids given out again), as if never made
                self._check(self._lib.sg_create_undo(self._h(), out))
                self._pops.pop()
                raise
        return nodes

    def connect(self, pre, post, conn_spec=None, syn_spec=None):
        """Connects pre to post (``nest.Connect``).

        conn_spec: None (all_to_all), a rule name ("all_to_all", "one_to_one") or a dict
        ``{"rule": ..., "indegree" | "outdegree" | "N" | "p": ..., "allow_autapses": bool,
        "allow_multapses": bool, "procedural": bool}`` (rules fixed_indegree, fixed_outdegree,
        fixed_total_number, pairwise_bernoulli). ``"procedural": True`` stores no synapse: a
        spiking source's row is drawn again at every spike (docs/procedural.md; not for
        fixed_indegree, arrays, unbounded delay distributions, or pre / post that are not
        consecutive ids such as ``nodes[::2]``).

        syn_spec: None (static_synapse, weight 1, delay 1 ms), a synapse model name, or a dict
        with ``synapse_model``, ``weight``, ``delay`` (ms) and ``receptor_type``. weight and
        delay may be scalars, arrays with one value per connection (in NEST's order: all_to_all
        shape (len(post), len(pre)); fixed_indegree (len(post), indegree); fixed_outdegree
        (len(pre), outdegree); one_to_one len(pre); fixed_total_number N) or distributions from
        :mod:`spikegpu.random`.
        """
        pre, post = self._coll(pre, "pre"), self._coll(post, "post")
        L = self._lib
        cs = _capi.sg_conn_spec()
        L.sg_conn_spec_default(ctypes.byref(cs))
        ss = _capi.sg_syn_spec()
        L.sg_syn_spec_default(ctypes.byref(ss))
        keep = []  # keeps arrays and strings alive during the call
        self._fill_conn(cs, conn_spec, keep)
        self._fill_syn(ss, syn_spec, keep)
        self._check(L.sg_connect(self._h(), pre._c(), post._c(), ctypes.byref(cs), ctypes.byref(ss)))

    _RULE_KEYS = {"all_to_all": (), "one_to_one": (), "fixed_indegree": ("indegree",),
                  "fixed_outdegree": ("outdegree",), "fixed_total_number": ("N",),
                  "pairwise_bernoulli": ("p",)}

    def _fill_conn(self, cs, spec, keep):
        spec = conn_spec_dict(spec)
        if spec is None:
            return
        rule = spec.pop("rule", "all_to_all")
        if not isinstance(rule, str):
            raise ArgumentError(f"connect: rule = {rule!r}: allowed a rule name")
        b = _capi.enc(rule, "rule")
        keep.append(b)
        cs.rule = b
        needed = self._RULE_KEYS.get(rule)
        if needed is not None:
            for k in needed:
                if k not in spec:
                    raise ArgumentError(f"connect: rule {rule} needs '{k}' in conn_spec")
        for key in ("allow_autapses", "allow_multapses", "procedural"):
            if key in spec:
                v = spec.pop(key)
                if v not in (0, 1, True, False):
                    raise ArgumentError(f"connect: {key} = {v!r}: allowed True or False")
                setattr(cs, key, 1 if v else 0)
        for key in ("indegree", "outdegree", "N"):
            if key in spec:
                v = spec.pop(key)
                if needed is not None and key not in needed:
                    raise ArgumentError(f"connect: '{key}' does not apply to rule {rule}")
                if (isinstance(v, numbers.Real) and not isinstance(v, (bool, np.bool_, numbers.Integral))
                        and math.isfinite(v) and float(v).is_integer()):
                    v = int(v)   # 10.0 is taken as 10 (NEST accepts it)
                setattr(cs, key, _capi.c_integer(f"connect: {key}", v, "uint64",
                                                 allowed="an integer in [0, 2^64)"))
        if "p" in spec:
            v = spec.pop("p")
            if needed is not None and "p" not in needed:
                raise ArgumentError(f"connect: 'p' does not apply to rule {rule}")
            cs.p = _as_float("connect: p", v)
        if spec:
            raise ArgumentError(f"connect: conn_spec has unknown or unused entries {sorted(spec)}: "
                                f"allowed rule, indegree, outdegree, N, p, allow_autapses, allow_multapses, "
                                f"procedural")

    def _fill_syn(self, ss, spec, keep):
        if spec is None:
            return
        if isinstance(spec, str):
            spec = {"synapse_model": spec}
        if not isinstance(spec, dict):
            raise ArgumentError(f"connect: syn_spec = {spec!r}: allowed None, a synapse model name or a dict")
        spec = dict(spec)
        model = spec.pop("synapse_model", None)
        if model is not None:
            b = _capi.enc(model, "synapse_model")
            keep.append(b)
            ss.model = b
        for key in ("weight", "delay"):
            if key in spec:
                self._fill_value(getattr(ss, key), key, spec.pop(key), keep)
        if "receptor_type" in spec:
            v = spec.pop("receptor_type")
            ss.receptor_type = _capi.c_integer("connect: receptor_type", v, "int",
                                               allowed="an integer >= 0 (below 2^31)")
        if spec:
            raise ArgumentError(f"connect: syn_spec has unknown entries {sorted(spec)}: allowed "
                                f"synapse_model, weight, delay, receptor_type")

    @staticmethod
    def _fill_value(v, key, value, keep):
        if isinstance(value, Distribution):
            value._fill(v)
        elif _is_scalar(value) and not isinstance(value, (bool, np.bool_)):
            v.kind = _capi.SG_VALUE_SCALAR
            v.value = _as_float(f"connect: {key}", value)
        else:
            a = _as_array(f"connect: {key}", value, ndim=None).ravel()  # row-major = NEST's order
            keep.append(a)
            v.kind = _capi.SG_VALUE_ARRAY
            v.array = _dptr(a)
            v.len = a.size

    def _coll(self, x, what):
        if not isinstance(x, NodeCollection):
            raise ArgumentError(f"{what} = {x!r}: allowed a NodeCollection (from Simulator.create)")
        if x._sim is not self:
            raise ArgumentError(f"{what}: the NodeCollection belongs to another Simulator")
        return x

    # -- connections ------------------------------------------------------------------------------
    def num_connections(self, pre=None, post=None):
        """Number of connections from pre to post (None = any node)."""
        a = self._coll(pre, "pre")._c() if pre is not None else _capi.sg_nodes(0, 0)
        b = self._coll(post, "post")._c() if post is not None else _capi.sg_nodes(0, 0)
        n = ctypes.c_uint64()
        self._check(self._lib.sg_num_connections(self._h(), a, b, ctypes.byref(n)))
        return int(n.value)

    def get_connections(self, pre=None, post=None):
        """Connections from pre to post (None = any), in (source, target) order, as a dict of
        numpy arrays: source, target (uint64), weight, delay (float64, ms), receptor (int32)."""
        a = self._coll(pre, "pre")._c() if pre is not None else _capi.sg_nodes(0, 0)
        b = self._coll(post, "post")._c() if post is not None else _capi.sg_nodes(0, 0)
        L, h = self._lib, self._h()
        cnt = ctypes.c_uint64()
        self._check(L.sg_num_connections(h, a, b, ctypes.byref(cnt)))
        cap = int(cnt.value)
        src = np.empty(cap, np.uint64)
        tgt = np.empty(cap, np.uint64)
        w = np.empty(cap, np.float64)
        d = np.empty(cap, np.float64)
        r = np.empty(cap, np.int32)
        n = ctypes.c_size_t()
        self._check(L.sg_get_connections(h, a, b, _uptr(src), _uptr(tgt), _dptr(w), _dptr(d),
                                         r.ctypes.data_as(_capi.P_INT), cap, ctypes.byref(n)))
        k = min(cap, int(n.value))
        return {"source": src[:k], "target": tgt[:k], "weight": w[:k], "delay": d[:k],
                "receptor": r[:k]}

    # -- running ----------------------------------------------------------------------------------
    def simulate(self, t):
        """Advances the simulation by t ms (``nest.Simulate``); t is a multiple of the resolution.
        Ten calls of 100 ms give exactly what one of 1000 ms gives."""
        self._check(self._lib.sg_simulate(self._h(), _as_float("simulate: t", t)))

    def memory(self):
        """Memory report: dict with n_nodes, n_synapses, csr_bytes, ring_bytes, state_bytes,
        record_bytes, total_bytes and bytes_per_synapse (valid after the first simulate)."""
        m = _capi.sg_memory()
        self._check(self._lib.sg_memory_report(self._h(), ctypes.byref(m)))
        return {k: (float(getattr(m, k)) if k == "bytes_per_synapse" else int(getattr(m, k)))
                for k, _ in _capi.sg_memory._fields_}

    def mpi(self):
        """MPI ranks (docs/mpi.md): a dict with rank, ranks (0 and 1 in a single process) and what
        this rank's spike exchange moved so far: windows, bytes_sent, bytes_received. Under
        ``mpirun -np N`` the same script runs on every rank and gets the same results."""
        m = _capi.sg_mpi_info()
        self._check(self._lib.sg_mpi_info_get(self._h(), ctypes.byref(m)))
        return {k: int(getattr(m, k)) for k, _ in _capi.sg_mpi_info._fields_}

    def stats(self):
        """Run statistics of all simulate() calls so far: a dict with wall_s, neuron_updates,
        spikes, syn_events, and

        - ``rtf``: the real-time factor, wall_s / simulated seconds, as NEST and the literature
          define it (lower is faster; below 1 is faster than real time);
        - ``x_real_time``: its inverse, simulated seconds / wall_s ("x real time").

        Both are None before any time was simulated."""
        s = _capi.sg_run_stats()
        self._check(self._lib.sg_run_stats_get(self._h(), ctypes.byref(s)))
        out = {k: (float(getattr(s, k)) if k == "wall_s" else int(getattr(s, k)))
               for k, _ in _capi.sg_run_stats._fields_}
        sim_s = self.time * 1e-3
        ok = sim_s > 0.0 and out["wall_s"] > 0.0
        out["rtf"] = out["wall_s"] / sim_s if ok else None
        out["x_real_time"] = sim_s / out["wall_s"] if ok else None
        return out

    # -- internals used by NodeCollection ---------------------------------------------------------
    def _pop_of(self, gid):
        lo, hi = 0, len(self._pops)
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if self._pops[mid].first <= gid:
                lo = mid
            else:
                hi = mid
        return self._pops[lo]

    def _segments(self, first, n):
        """(pop, first id, count) pieces of the id range, one per population."""
        out, gid, end = [], first, first + n
        while gid < end:
            p = self._pop_of(gid)
            k = min(end, p.first + p.n) - gid
            out.append((p, gid, k))
            gid += k
        return out


# ---- node collections ---------------------------------------------------------------------------
# recorders with record_from (a voltmeter is a multimeter that starts with ["V_m"])
_MULTIMETERS = ("multimeter", "voltmeter")
_RECORDERS = ("spike_recorder",) + _MULTIMETERS
_SPECIAL_GET = ("global_id", "model", "events", "n_events", "record_from", "recordables")


def _merge_ranges(ranges):
    """Sorted (first, n) ranges with touching ones joined."""
    out = []
    for f, k in ranges:
        if out and out[-1][0] + out[-1][1] == f:
            out[-1] = (out[-1][0], out[-1][1] + k)
        else:
            out.append((f, k))
    return tuple(out)


def _ranges_of_ids(ids):
    """(first, n) runs of a strictly ascending id sequence."""
    out = []
    for g in ids:
        if out and out[-1][0] + out[-1][1] == g:
            out[-1][1] += 1
        else:
            out.append([g, 1])
    return tuple((f, k) for f, k in out)


class NodeCollection:
    """Node ids of one Simulator (``nest.NodeCollection``): sorted ascending and unique, as in
    NEST; a contiguous range (what ``create`` returns) or any set of ids, kept as a tuple of
    (first, n) ranges, so a range costs what it always did.

    ``len(nodes)``, ``for gid in nodes``, ``gid in nodes``, ``nodes[3]``, ``nodes[2:5]``,
    ``nodes[::10]``, ``nodes[[1, 5, 7]]`` (ascending positions), ``a + b`` (the sorted union of
    disjoint collections), ``nodes.get("V_m")``, ``nodes.set(V_m=-70.0)``,
    ``nodes.set(V_m=spikegpu.random.uniform(-70, -60))`` (drawn per node by the C library),
    ``nodes.V_m`` and ``nodes.V_m = -70.0``; recorders have ``.events``.
    """

    __slots__ = ("_sim", "_first", "_n", "_ranges", "_idarr")

    def __init__(self, sim, first, n, ranges=None):
        object.__setattr__(self, "_sim", sim)
        if ranges is None:
            ranges = ((int(first), int(n)),)
        object.__setattr__(self, "_ranges", tuple(ranges))
        object.__setattr__(self, "_first", self._ranges[0][0])
        object.__setattr__(self, "_n", sum(k for _, k in self._ranges))
        object.__setattr__(self, "_idarr", None)

    @classmethod
    def _of_ranges(cls, sim, ranges):
        return cls(sim, None, None, _merge_ranges(ranges))

    # -- sequence protocol ------------------------------------------------------------------------
    def __len__(self):
        return self._n

    def __iter__(self):
        return iter(self._ids_range())

    def _ids_range(self):
        """The ids in order: a range, or a list for a collection of several ranges."""
        if len(self._ranges) == 1:
            return range(self._first, self._first + self._n)
        return [g for f, k in self._ranges for g in range(f, f + k)]

    def _contiguous(self):
        return len(self._ranges) == 1

    def _pos_starts(self):
        starts, p = [], 0
        for _, k in self._ranges:
            starts.append(p)
            p += k
        return starts

    def _at(self, i):
        """Id at position i (0 <= i < len)."""
        starts = self._pos_starts()
        r = bisect.bisect_right(starts, i) - 1
        return self._ranges[r][0] + (i - starts[r])

    def _position(self, gid):
        """Position of gid, or None."""
        r = bisect.bisect_right([f for f, _ in self._ranges], gid) - 1
        if r < 0:
            return None
        f, k = self._ranges[r]
        return self._pos_starts()[r] + gid - f if gid < f + k else None

    def __contains__(self, gid):
        return (isinstance(gid, (numbers.Integral, np.integer)) and not isinstance(gid, bool)
                and self._position(int(gid)) is not None)

    def __eq__(self, other):
        return (isinstance(other, NodeCollection) and other._sim is self._sim
                and other._ranges == self._ranges)

    def __hash__(self):
        return hash((id(self._sim), self._ranges))

    def _ids_text(self):
        parts = [str(f) if k == 1 else f"{f}..{f + k - 1}" for f, k in self._ranges]
        return ", ".join(parts[:6]) + (f", ... ({len(parts)} ranges)" if len(parts) > 6 else "")

    def __repr__(self):
        if self._n == 1:
            return f"NodeCollection(model={self.model}, id={self._first})"
        if self._contiguous():
            return f"NodeCollection(model={self.model}, ids={self._first}..{self._first + self._n - 1})"
        return f"NodeCollection(model={self.model}, size={self._n}, ids=[{self._ids_text()}])"

    def __getitem__(self, key):
        n = self._n
        if isinstance(key, (numbers.Integral, np.integer)) and not isinstance(key, bool):
            i = int(key)
            if i < 0:
                i += n
            if not 0 <= i < n:
                raise IndexError(f"index {key} out of range for a NodeCollection of {n} nodes")
            return type(self)(self._sim, self._at(i), 1)
        if isinstance(key, slice):
            start, stop, step = key.indices(n)
            if step < 1:
                raise ArgumentError(f"NodeCollection[{key!r}]: step {step}: allowed a step >= 1 "
                                    f"(node collections are sorted ascending, as in NEST)")
            idx = range(start, stop, step)
        else:
            if isinstance(key, (str, bytes)):
                raise TypeError(f"NodeCollection indices must be integers or slices, not {type(key).__name__}")
            try:
                idx = [int(i) + (n if int(i) < 0 else 0) for i in key]
            except TypeError:
                raise TypeError(f"NodeCollection indices must be integers or slices, not "
                                f"{type(key).__name__}") from None
            if any(not 0 <= i < n for i in idx):
                raise IndexError(f"index out of range for a NodeCollection of {n} nodes: {list(key)}")
            if any(b <= a for a, b in zip(idx, idx[1:])):
                raise ArgumentError(f"NodeCollection[{list(key)!r}]: positions must be strictly "
                                    f"ascending (sorted, no repeats): node collections are sorted "
                                    f"and unique, as in NEST")
        if len(idx) == 0:
            raise ArgumentError(f"NodeCollection[{key!r}] is empty: spikegpu node collections hold "
                                f"at least one node")
        if self._contiguous():
            if isinstance(idx, range) and idx.step == 1:
                return type(self)(self._sim, self._first + idx[0], len(idx))
            return self._of_ranges(self._sim, _ranges_of_ids(self._first + i for i in idx))
        ids = self._ids_range()
        return self._of_ranges(self._sim, _ranges_of_ids(ids[i] for i in idx))

    def __add__(self, other):
        if not isinstance(other, NodeCollection) or other._sim is not self._sim:
            return NotImplemented
        ranges = sorted(self._ranges + other._ranges)
        for (f0, k0), (f1, _) in zip(ranges, ranges[1:]):
            if f1 < f0 + k0:
                raise ArgumentError(f"{self!r} + {other!r}: the collections share node {f1}: "
                                    f"allowed disjoint collections (NEST's rule)")
        return self._of_ranges(self._sim, ranges)

    def tolist(self):
        """Global ids as a list of ints."""
        return list(self._ids_range())

    @property
    def ids(self):
        """Global ids as a uint64 numpy array."""
        if self._contiguous():
            return np.arange(self._first, self._first + self._n, dtype=np.uint64)
        firsts = np.array([f for f, _ in self._ranges], dtype=np.int64)
        counts = np.array([k for _, k in self._ranges], dtype=np.int64)
        pos = np.concatenate(([0], np.cumsum(counts)[:-1]))   # position of each range's first id
        return (np.arange(self._n, dtype=np.int64) + np.repeat(firsts - pos, counts)).astype(np.uint64)

    @property
    def global_id(self):
        """The id of a single node (int), else a tuple of ids (as NEST)."""
        return self._first if self._n == 1 else tuple(self._ids_range())

    @property
    def first(self):
        """First global id."""
        return self._first

    @property
    def last(self):
        """Last global id."""
        f, k = self._ranges[-1]
        return f + k - 1

    @property
    def model(self):
        """Model name (a str; a tuple of names if the range spans several models)."""
        ms = tuple(dict.fromkeys(p.model for p, _, _ in self._segs()))
        return ms[0] if len(ms) == 1 else ms

    @property
    def simulator(self):
        """The Simulator these nodes belong to."""
        return self._sim

    def _c(self):
        """The C sg_nodes: a range, or an id list (the array lives as long as the collection)."""
        self._sim._h()
        if self._contiguous():
            return _capi.sg_nodes(_capi.c_integer("nodes: first id", self._first, "uint64"),
                                  _capi.c_integer("nodes: count", self._n, "uint64"))
        if self._idarr is None:
            object.__setattr__(self, "_idarr", np.ascontiguousarray(self.ids))
        return _capi.sg_nodes(self._first, self._n, _uptr(self._idarr))

    def _segs(self):
        """(pop, first id, count) pieces, in id order: one per population and range (one walk
        over ranges and populations together, both sorted by id)."""
        if self._contiguous():
            return self._sim._segments(self._first, self._n)
        pops = self._sim._pops
        j = pops.index(self._sim._pop_of(self._first))
        out = []
        for f, k in self._ranges:
            g, end = f, f + k
            while g < end:
                while g >= pops[j].first + pops[j].n:
                    j += 1
                p = pops[j]
                e = min(end, p.first + p.n)
                out.append((p, g, e - g))
                g = e
        return out

    # -- get ------------------------------------------------------------------------------------
    def get(self, *names, output=""):
        """Parameters and state (``NodeCollection.get``).

        ``get("V_m")``: a float if all nodes share the value, else a float64 array with one
        value per node (booleans as bool); vectors (spike_times, tau_syn, g, ...) as an array, or a
        list of arrays when they differ between nodes. ``get("V_m", "C_m")`` or
        ``get(["V_m", "C_m"])``: a dict. ``get()``: a dict of every entry of the model, with
        "recordables" for neurons and "events" and "n_events" for recorders, as NEST's.
        Also "global_id", "model", "record_from" (multimeters) and "recordables" (the names a
        multimeter can record from these nodes; a list, or a list per node where they differ).
        """
        if output != "":
            raise ArgumentError(f"get: output = {output!r}: allowed ''")
        if len(names) == 1 and isinstance(names[0], (list, tuple)):
            return {n: self._get1(n) for n in names[0]}
        if len(names) == 1:
            return self._get1(names[0])
        if not names:
            keys = []
            for p, _, _ in self._segs():
                for k in _entries(p.model):
                    if k not in keys:
                        keys.append(k)
                extra = (("record_from",) if p.model in _MULTIMETERS else ()) + (
                    ("events", "n_events") if p.model in _RECORDERS else
                    ("recordables",) if model_kind(p.model) == "neuron" else ())
                keys += [k for k in extra if k not in keys]
            return {k: self._get1(k) for k in keys}
        return {n: self._get1(n) for n in names}

    def _get1(self, name):
        if not isinstance(name, str):
            raise ArgumentError(f"get: name = {name!r}: allowed a str")
        sim = self._sim
        h = sim._h()
        if name == "global_id":
            return self.global_id
        if name == "model":
            return self.model
        if name == "events":
            ev = [self._events_of(g) for g in self._ids_range()]
            return ev[0] if self._n == 1 else ev
        if name == "n_events":
            ev = [self._n_events_of(g) for g in self._ids_range()]
            return ev[0] if self._n == 1 else np.array(ev, dtype=np.int64)
        if name == "recordables":
            per_pop = []
            for p, first, k in self._segs():   # a population shares its vector lengths: one node speaks
                n = ctypes.c_size_t()
                sim._check(sim._lib.sg_node_recordables(h, first, None, 0, ctypes.byref(n)))
                buf = ctypes.create_string_buffer(n.value + 1)
                sim._check(sim._lib.sg_node_recordables(h, first, buf, len(buf), ctypes.byref(n)))
                per_pop.append((_split_names(buf.value), k))
            if all(r == per_pop[0][0] for r, _ in per_pop):
                return list(per_pop[0][0])
            return [list(r) for r, k in per_pop for _ in range(k)]
        if name == "record_from":
            segs = self._segs()
            for p, _, _ in segs:
                if p.model not in _MULTIMETERS:
                    raise UnknownNameError(f"get: {p.model} has no parameter 'record_from' "
                                           f"(multimeters and voltmeters only)")
            rf = [list(p.record_from) for p, _, k in segs for _ in range(k)]
            return rf[0] if all(r == rf[0] for r in rf) else rf
        L = sim._lib
        vals = []
        any_vec = False
        boolean = True
        for p, first, k in self._segs():
            info = _entries(p.model).get(name)
            kind = info["kind"] if info else None
            boolean = boolean and info is not None and info["unit"] == "bool"
            vec = kind == "vector"
            if kind in ("state", "recordable"):
                ln = ctypes.c_size_t()
                sim._check(L.sg_get_vec(h, first, _capi.enc(name), None, 0, ctypes.byref(ln)))
                vec = ln.value != 1
            if vec:
                any_vec = True
                for gid in range(first, first + k):
                    vals.append(self._get_vec(h, gid, name))
            else:
                out = ctypes.c_double()
                b = _capi.enc(name)
                for gid in range(first, first + k):
                    sim._check(L.sg_get(h, gid, b, ctypes.byref(out)))
                    vals.append(out.value)
        if any_vec:
            vals = [np.atleast_1d(np.asarray(v, dtype=np.float64)) for v in vals]
            first_v = vals[0]
            if all(v.shape == first_v.shape and np.array_equal(v, first_v, equal_nan=True) for v in vals):
                return first_v
            return vals
        arr = np.array(vals, dtype=np.float64)
        if boolean:
            arr = arr != 0.0
        if arr.size == 1 or np.all((arr == arr[0]) | (np.isnan(arr) & np.isnan(arr[0]))):
            return bool(arr[0]) if boolean else float(arr[0])
        return arr

    def _get_vec(self, h, gid, name):
        L, sim = self._sim._lib, self._sim
        b = _capi.enc(name)
        ln = ctypes.c_size_t()
        sim._check(L.sg_get_vec(h, gid, b, None, 0, ctypes.byref(ln)))
        buf = np.empty(ln.value, np.float64)
        if ln.value:
            sim._check(L.sg_get_vec(h, gid, b, _dptr(buf), ln.value, ctypes.byref(ln)))
        return buf

    # -- set ------------------------------------------------------------------------------------
    def set(self, params=None, **kwargs):
        """Sets parameters or state (``NodeCollection.set``).

        ``set(V_m=-70.0, I_e=[0, 100, 200])`` or ``set({"V_m": -70.0})``: a scalar applies to
        every node, a sequence of len(nodes) numbers gives one value per node, a
        :mod:`spikegpu.random` distribution draws one value per node (in C, keyed by the seed
        and the node id: the same on every backend and thread count; a drawn value the
        parameter does not allow refuses the whole call). Vector parameters
        (spike_times, tau_syn, ...) take a sequence that applies to every node, or a list of
        len(nodes) sequences. ``record_from`` (multimeters) takes a list of names.
        ``set([{...}, {...}, ...])`` sets one dict per node. Booleans may be True/False.

        Several parameters in one call are applied together: if one is rejected, those already
        applied are restored and the error is raised (so the nodes are left as they were);
        an order that passes cross-parameter checks (e.g. V_reset < V_th) is found automatically.
        """
        if params is not None and kwargs:
            raise ArgumentError("set: pass either a dict or keyword arguments, not both")
        if params is None:
            params = kwargs
        if isinstance(params, (list, tuple)):
            if len(params) != self._n or not all(isinstance(d, dict) for d in params):
                raise ArgumentError(f"set: a list of parameter dicts needs one dict per node "
                                    f"({self._n}), got {len(params)} items")
            for gid, d in zip(self._ids_range(), params):
                type(self)(self._sim, gid, 1).set(d)
            return
        if not isinstance(params, dict):
            raise ArgumentError(f"set: params = {params!r}: allowed a dict, a list of dicts or keywords")
        items = list(params.items())
        for k, _ in items:
            if not isinstance(k, str):
                raise ArgumentError(f"set: parameter name {k!r}: allowed a str")
        items = self._set_vectors_together(items)
        if not items:
            return
        if len(items) == 1:
            self._set1(*items[0])
            return
        # several: retry rejected ones after the others, roll back if some never pass
        undo = []
        pending = items
        try:
            while pending:
                failed = []
                first_err = None
                for name, value in pending:
                    saved = self._save(name)
                    try:
                        self._set1(name, value)
                    except ArgumentError as e:
                        failed.append((name, value))
                        first_err = first_err or e
                        continue
                    undo.append((name, saved))
                if len(failed) == len(pending):
                    raise first_err
                pending = failed
        except Error:
            for name, saved in reversed(undo):
                self._restore(name, saved)
            raise

    def _set_vectors_together(self, items):
        """Vector parameters given together with one value for all nodes (e.g. glif_cond's
        tau_syn and E_rev, whose lengths must agree) go through sg_set_vecs, validated as a
        group; returns the remaining items."""
        segs = self._segs()
        vec_items = []
        for name, value in items:
            if name == "record_from" or _is_scalar(value) or isinstance(value, Distribution):
                continue
            if not all((_entries(p.model).get(name) or {}).get("kind") == "vector" for p, _, _ in segs):
                continue
            if (isinstance(value, np.ndarray) and value.ndim != 1) or (
                    isinstance(value, (list, tuple)) and any(not _is_scalar(v) for v in value)):
                continue
            vec_items.append((name, value))
        if len(vec_items) < 2:
            return items
        sim, L, h = self._sim, self._sim._lib, self._sim._h()
        arrays = [_as_array(f"set: {n}", v) for n, v in vec_items]
        names = (ctypes.c_char_p * len(vec_items))(*[_capi.enc(n) for n, _ in vec_items])
        ptrs = (_capi.P_DOUBLE * len(vec_items))(*[_dptr(a) if a.size else None for a in arrays])
        lens = (ctypes.c_size_t * len(vec_items))(*[a.size for a in arrays])
        for _, first, k in segs:
            sim._check(L.sg_set_vecs(h, _capi.sg_nodes(first, k), len(vec_items), names, ptrs, lens))
        done = {n for n, _ in vec_items}
        return [(n, v) for n, v in items if n not in done]

    def _save(self, name):
        if name == "record_from":
            return [list(p.record_from) for p, _, _ in self._segs()]
        try:
            return [NodeCollection(self._sim, f, k).get(name) for _, f, k in self._segs()]
        except Error:
            return None

    def _restore(self, name, saved):
        if saved is None:
            return
        for (_, f, k), v in zip(self._segs(), saved):
            try:
                NodeCollection(self._sim, f, k)._set1(name, v)
            except Error:  # pragma: no cover - best effort
                pass

    def _set1(self, name, value):
        sim = self._sim
        h = sim._h()
        L = sim._lib
        if name == "record_from":
            if isinstance(value, str) or not all(isinstance(s, str) for s in value):
                raise ArgumentError(f"set: record_from = {value!r}: allowed a list of recordable names")
            names = [_capi.enc(s, "record_from") for s in value]
            arr = (ctypes.c_char_p * max(1, len(names)))(*names)
            for p, first, k in self._segs():
                sim._check(L.sg_set_strs(h, _capi.sg_nodes(first, k), b"record_from", arr, len(names)))
                p.record_from = list(value)
            return
        if name in _SPECIAL_GET:
            raise ArgumentError(f"set: '{name}' is read-only")
        bname = _capi.enc(name, "parameter name")
        if isinstance(value, Distribution):   # drawn per node by the C library, all or nothing
            v = _capi.sg_value()
            value._fill(v)
            sim._check(L.sg_set_value(h, self._c(), bname, ctypes.byref(v)))
            return
        segs = self._segs()
        kinds = [(_entries(p.model).get(name) or {}).get("kind") for p, _, _ in segs]
        if "vector" not in kinds and (_is_scalar(value) or "state" not in kinds):
            # scalars and one value per node: one C call for the whole collection, which checks
            # every population's part before it writes any (all or nothing)
            if _is_scalar(value):
                sim._check(L.sg_set(h, self._c(), bname, _as_float(f"set: {name}", value)))
                return
            if None in kinds:
                p = segs[kinds.index(None)][0]
                raise UnknownNameError(f"set: {p.model} has no parameter '{name}': allowed "
                                       f"{', '.join(_entries(p.model))}")
            a = _as_array(f"set: {name}", value, ndim=None)
            if a.ndim != 1 or a.size != self._n:
                raise ArgumentError(f"set: {name}: got {a.size} values (shape {a.shape}) "
                                    f"for {self._n} nodes: allowed a scalar or one value per node")
            sim._check(L.sg_set_each(h, self._c(), bname, _dptr(np.ascontiguousarray(a))))
            return
        per_node_pos = 0
        for p, first, k in segs:
            info = _entries(p.model).get(name)
            kind = info["kind"] if info else None
            c = _capi.sg_nodes(first, k)
            vec = kind == "vector"
            if kind == "state" and not _is_scalar(value):
                ln = ctypes.c_size_t()
                sim._check(L.sg_get_vec(h, first, bname, None, 0, ctypes.byref(ln)))
                vec = ln.value != 1
            if vec:
                self._set_vec(p, c, first, k, name, value, per_node_pos)
            elif info is None and not _is_scalar(value):
                raise UnknownNameError(f"set: {p.model} has no parameter '{name}': allowed "
                                       f"{', '.join(_entries(p.model))}")
            elif _is_scalar(value) or isinstance(value, Distribution):
                sim._check(L.sg_set(h, c, bname, _as_float(f"set: {p.model}.{name}", value)))
            else:
                a = _as_array(f"set: {p.model}.{name}", value, ndim=None)
                if a.ndim != 1 or a.size != self._n:
                    raise ArgumentError(f"set: {p.model}.{name}: got {a.size} values (shape {a.shape}) "
                                        f"for {self._n} nodes: allowed a scalar or one value per node")
                part = np.ascontiguousarray(a[per_node_pos:per_node_pos + k])
                sim._check(L.sg_set_each(h, c, bname, _dptr(part)))
            per_node_pos += k

    def _set_vec(self, p, c, first, k, name, value, pos):
        sim, L, h = self._sim, self._sim._lib, self._sim._h()
        bname = _capi.enc(name)
        if isinstance(value, Distribution) or _is_scalar(value):
            raise ArgumentError(f"set: {p.model}.{name} = {value!r}: {name} is a vector: allowed a "
                                f"sequence of numbers")
        per_node = (isinstance(value, (list, tuple)) and len(value) == self._n and len(value) > 0
                    and all(not _is_scalar(v) for v in value)) or (
            isinstance(value, np.ndarray) and value.ndim == 2 and value.shape[0] == self._n)
        if per_node:
            for j, gid in enumerate(range(first, first + k)):
                a = _as_array(f"set: {p.model}.{name}[{pos + j}]", value[pos + j])
                sim._check(L.sg_set_vec(h, _capi.sg_nodes(gid, 1), bname, _dptr(a), a.size))
        else:
            a = _as_array(f"set: {p.model}.{name}", value)
            sim._check(L.sg_set_vec(h, c, bname, _dptr(a) if a.size else None, a.size))

    # -- attribute access like PyNEST -----------------------------------------------------------
    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            segs = self._segs()
        except Exception:  # pragma: no cover
            raise AttributeError(name) from None
        if name in _SPECIAL_GET or any(name in _entries(p.model) for p, _, _ in segs):
            return self._get1(name)
        raise AttributeError(f"{self!r} has no attribute or parameter '{name}'")

    def __setattr__(self, name, value):
        if name.startswith("_") or name in type(self).__dict__:
            raise AttributeError(f"NodeCollection attribute '{name}' cannot be set")
        self.set({name: value})

    # -- recordings -------------------------------------------------------------------------------
    @property
    def events(self):
        """Recorded events (``recorder.events``): a dict of numpy arrays, sorted by (time, sender)
        as the C API returns them.

        spike_recorder: ``senders`` (uint64), ``times`` (float64, ms).
        multimeter: ``senders``, ``times`` and one float64 array per recorded variable.
        A collection of several recorders gives a list of dicts.
        """
        return self._get1("events")

    @property
    def n_events(self):
        """Number of recorded events (an int; an array for several recorders)."""
        return self._get1("n_events")

    def _kind_of(self, gid):
        p = self._sim._pop_of(gid)
        if p.model not in _RECORDERS:
            raise ArgumentError(f"events: node {gid} is a {p.model}: allowed a spike_recorder, a multimeter or a voltmeter")
        return p

    def _n_events_of(self, gid):
        p = self._kind_of(gid)
        sim, L, h = self._sim, self._sim._lib, self._sim._h()
        n = ctypes.c_size_t()
        if p.model == "spike_recorder":
            sim._check(L.sg_spikes(h, gid, None, None, 0, ctypes.byref(n)))
        elif p.record_from:
            sim._check(L.sg_samples(h, gid, _capi.enc(p.record_from[0]), None, None, None, 0,
                                    ctypes.byref(n)))
        return int(n.value)

    def _events_of(self, gid):
        p = self._kind_of(gid)
        sim, L, h = self._sim, self._sim._lib, self._sim._h()
        n = ctypes.c_size_t()
        if p.model == "spike_recorder":
            sim._check(L.sg_spikes(h, gid, None, None, 0, ctypes.byref(n)))
            cap = n.value
            t = np.empty(cap, np.float64)
            s = np.empty(cap, np.uint64)
            if cap:
                sim._check(L.sg_spikes(h, gid, _dptr(t), _uptr(s), cap, ctypes.byref(n)))
            k = min(cap, n.value)
            return {"senders": s[:k], "times": t[:k]}
        ev = {"senders": np.empty(0, np.uint64), "times": np.empty(0, np.float64)}
        for j, var in enumerate(p.record_from):
            b = _capi.enc(var)
            sim._check(L.sg_samples(h, gid, b, None, None, None, 0, ctypes.byref(n)))
            cap = n.value
            t = np.empty(cap, np.float64)
            s = np.empty(cap, np.uint64)
            v = np.empty(cap, np.float64)
            if cap:
                sim._check(L.sg_samples(h, gid, b, _dptr(t), _uptr(s), _dptr(v), cap, ctypes.byref(n)))
            k = min(cap, n.value)
            if j == 0:
                ev["senders"], ev["times"] = s[:k], t[:k]
            ev[var] = v[:k]
        return ev


Simulator._nc = NodeCollection   # the class of the collections a Simulator gives out
