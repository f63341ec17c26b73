"""Low-level ctypes bindings of ``include/spikegpu.h`` (private module).

Finds and loads ``libspikegpu.so`` on first use, declares the C structures and the argument and
result types of every public function. Nothing here is part of the public Python API; use
:mod:`spikegpu` instead.

Where the library is searched, first hit wins:

1. the environment variable ``SG_LIB``: the path of ``libspikegpu.so`` or of the folder holding it;
2. ``libspikegpu.so`` inside this package, where a wheel (``make wheel``) and ``pip install
   ./python`` put it (python/setup.py builds it);
3. ``$SG_BUILD/libspikegpu.so`` (the Makefile sets ``SG_BUILD`` for the test suite);
4. ``build/libspikegpu.so`` of the source tree this package lives in (``python/../build``) and of
   the current directory;
5. the system's library path (``ctypes.util.find_library("spikegpu")``, ``LD_LIBRARY_PATH``).
"""
from __future__ import annotations

import ctypes
import ctypes.util
import os
import threading

c_double = ctypes.c_double
c_int = ctypes.c_int
c_size_t = ctypes.c_size_t
c_uint64 = ctypes.c_uint64
c_char_p = ctypes.c_char_p
POINTER = ctypes.POINTER

# ---- status codes (same order as SG_STATUS_LIST in spikegpu.h) ---------------------------------
STATUS_NAMES = (
    "SG_OK", "SG_ERR_ARG", "SG_ERR_UNKNOWN", "SG_ERR_NOMEM", "SG_ERR_CUDA", "SG_ERR_NO_DEVICE",
    "SG_ERR_HDF5", "SG_ERR_IO", "SG_ERR_STATE", "SG_ERR_OVERFLOW", "SG_ERR_MODEL",
    "SG_ERR_INTERRUPTED",
)
STATUS = {name: code for code, name in enumerate(STATUS_NAMES)}
SG_OK = 0

BACKENDS = {"auto": 0, "cpu": 1, "cuda": 2}
ENTRY_KINDS = ("param", "vector", "state", "recordable")
(SG_VALUE_SCALAR, SG_VALUE_ARRAY, SG_DIST_UNIFORM, SG_DIST_NORMAL, SG_DIST_NORMAL_CLIPPED,
 SG_DIST_LOGNORMAL, SG_DIST_EXPONENTIAL) = range(7)


# ---- structures ---------------------------------------------------------------------------------
class sg_config(ctypes.Structure):
    _fields_ = [
        ("resolution_ms", c_double),
        ("seed", c_uint64),
        ("backend", c_int),
        ("threads", c_int),
        ("output_dir", c_char_p),
        ("keep_in_memory", c_int),
        ("progress", c_int),
        ("flush_interval_ms", c_double),
        ("cuda_block_size", c_int),
        ("verbose", c_int),
        ("report_double", c_int),
        ("overwrite_files", c_int),
    ]


class sg_nodes(ctypes.Structure):
    """ids NULL: the range first .. first+n-1; else n strictly ascending ids (the caller keeps
    the array alive for the call)."""
    _fields_ = [("first", c_uint64), ("n", c_uint64), ("ids", ctypes.POINTER(c_uint64))]


class sg_entry_info(ctypes.Structure):
    _fields_ = [
        ("name", c_char_p),
        ("unit", c_char_p),
        ("allowed", c_char_p),
        ("doc", c_char_p),
        ("default", c_double),
        ("kind", c_int),
        ("def_vec", POINTER(c_double)),
        ("def_len", c_size_t),
    ]


class sg_conn_spec(ctypes.Structure):
    _fields_ = [
        ("rule", c_char_p),
        ("indegree", c_uint64),
        ("outdegree", c_uint64),
        ("N", c_uint64),
        ("p", c_double),
        ("allow_autapses", c_int),
        ("allow_multapses", c_int),
        ("procedural", c_int),
    ]


class sg_value(ctypes.Structure):
    _fields_ = [
        ("kind", c_int),
        ("value", c_double),
        ("array", POINTER(c_double)),
        ("len", c_size_t),
        ("a", c_double),
        ("b", c_double),
        ("lo", c_double),
        ("hi", c_double),
    ]


class sg_syn_spec(ctypes.Structure):
    _fields_ = [
        ("model", c_char_p),
        ("weight", sg_value),
        ("delay", sg_value),
        ("receptor_type", c_int),
    ]


class sg_memory(ctypes.Structure):
    _fields_ = [
        ("n_nodes", c_uint64),
        ("n_synapses", c_uint64),
        ("csr_bytes", c_uint64),
        ("ring_bytes", c_uint64),
        ("state_bytes", c_uint64),
        ("record_bytes", c_uint64),
        ("total_bytes", c_uint64),
        ("bytes_per_synapse", c_double),
    ]


class sg_mpi_info(ctypes.Structure):
    _fields_ = [
        ("rank", c_int),
        ("ranks", c_int),
        ("windows", c_uint64),
        ("bytes_sent", c_uint64),
        ("bytes_received", c_uint64),
    ]


class sg_run_stats(ctypes.Structure):
    _fields_ = [
        ("wall_s", c_double),
        ("neuron_updates", c_uint64),
        ("spikes", c_uint64),
        ("syn_events", c_uint64),
    ]


SIM_P = ctypes.c_void_p
P_DOUBLE = POINTER(c_double)
P_UINT64 = POINTER(c_uint64)
P_SIZE = POINTER(c_size_t)
P_INT = POINTER(c_int)

# name: (restype, argtypes)
_PROTOTYPES = {
    "sg_status_str": (c_char_p, [c_int]),
    "sg_version": (c_char_p, []),
    "sg_config_default": (None, [POINTER(sg_config)]),
    "sg_sim_new": (c_int, [POINTER(sg_config), POINTER(SIM_P), ctypes.c_char_p, c_size_t]),
    "sg_sim_free": (None, [SIM_P]),
    "sg_errmsg": (c_char_p, [SIM_P]),
    "sg_backend_used": (c_char_p, [SIM_P]),
    "sg_backend_reason": (c_char_p, [SIM_P]),
    "sg_cuda_available": (c_int, [ctypes.c_char_p, c_size_t]),
    "sg_create": (c_int, [SIM_P, c_char_p, c_uint64, POINTER(sg_nodes)]),
    "sg_create_named": (c_int, [SIM_P, c_char_p, c_uint64, c_char_p, POINTER(sg_nodes)]),
    "sg_create_undo": (c_int, [SIM_P, sg_nodes]),
    "sg_set": (c_int, [SIM_P, sg_nodes, c_char_p, c_double]),
    "sg_set_each": (c_int, [SIM_P, sg_nodes, c_char_p, P_DOUBLE]),
    "sg_set_value": (c_int, [SIM_P, sg_nodes, c_char_p, ctypes.POINTER(sg_value)]),
    "sg_set_vec": (c_int, [SIM_P, sg_nodes, c_char_p, P_DOUBLE, c_size_t]),
    "sg_set_vecs": (c_int, [SIM_P, sg_nodes, c_size_t, ctypes.POINTER(c_char_p),
                            ctypes.POINTER(P_DOUBLE), ctypes.POINTER(c_size_t)]),
    "sg_set_strs": (c_int, [SIM_P, sg_nodes, c_char_p, POINTER(c_char_p), c_size_t]),
    "sg_get": (c_int, [SIM_P, c_uint64, c_char_p, P_DOUBLE]),
    "sg_get_vec": (c_int, [SIM_P, c_uint64, c_char_p, P_DOUBLE, c_size_t, P_SIZE]),
    "sg_node_model": (c_int, [SIM_P, c_uint64, POINTER(c_char_p), POINTER(sg_nodes)]),
    "sg_model_count": (c_size_t, []),
    "sg_model_name": (c_char_p, [c_size_t]),
    "sg_model_kind": (c_char_p, [c_char_p]),
    "sg_model_info": (c_int, [c_char_p, POINTER(POINTER(sg_entry_info)), P_SIZE]),
    "sg_model_recordables": (c_int, [c_char_p, ctypes.c_char_p, c_size_t, P_SIZE]),
    "sg_node_recordables": (c_int, [SIM_P, c_uint64, ctypes.c_char_p, c_size_t, P_SIZE]),
    "sg_conn_spec_default": (None, [POINTER(sg_conn_spec)]),
    "sg_syn_spec_default": (None, [POINTER(sg_syn_spec)]),
    "sg_connect": (c_int, [SIM_P, sg_nodes, sg_nodes, POINTER(sg_conn_spec), POINTER(sg_syn_spec)]),
    "sg_num_connections": (c_int, [SIM_P, sg_nodes, sg_nodes, P_UINT64]),
    "sg_get_connections": (c_int, [SIM_P, sg_nodes, sg_nodes, P_UINT64, P_UINT64, P_DOUBLE,
                                   P_DOUBLE, P_INT, c_size_t, P_SIZE]),
    "sg_simulate": (c_int, [SIM_P, c_double]),
    "sg_time": (c_double, [SIM_P]),
    "sg_steps": (c_uint64, [SIM_P]),
    "sg_spikes": (c_int, [SIM_P, c_uint64, P_DOUBLE, P_UINT64, c_size_t, P_SIZE]),
    "sg_samples": (c_int, [SIM_P, c_uint64, c_char_p, P_DOUBLE, P_UINT64, P_DOUBLE, c_size_t,
                           P_SIZE]),
    "sg_memory_report": (c_int, [SIM_P, POINTER(sg_memory)]),
    "sg_run_stats_get": (c_int, [SIM_P, POINTER(sg_run_stats)]),
    "sg_mpi_info_get": (c_int, [SIM_P, POINTER(sg_mpi_info)]),
}

_lib = None
_lib_path = None
_lock = threading.Lock()


class LibraryNotFound(ImportError):
    """libspikegpu.so could not be found or loaded."""


def _candidates():
    here = os.path.dirname(os.path.abspath(__file__))
    env = os.environ.get("SG_LIB")
    if env:
        # An explicit SG_LIB is the only candidate: silently falling back elsewhere would hide a typo.
        yield os.path.join(env, "libspikegpu.so") if os.path.isdir(env) else env
        return
    yield os.path.join(here, "libspikegpu.so")
    build = os.environ.get("SG_BUILD")
    if build:
        yield os.path.join(build, "libspikegpu.so")
    yield os.path.normpath(os.path.join(here, "..", "..", "build", "libspikegpu.so"))
    yield os.path.join(os.getcwd(), "build", "libspikegpu.so")
    found = ctypes.util.find_library("spikegpu")
    if found:
        yield found
    yield "libspikegpu.so"  # LD_LIBRARY_PATH / ld.so.cache


def _missing_dependency_hint(err):
    """A hint when the library exists but a shared library it needs does not."""
    msg = str(err)
    if "cannot open shared object file" not in msg or msg.startswith("libspikegpu"):
        return ""
    need = msg.split(":", 1)[0].strip()
    return (f"; it needs {need}, which is missing: libspikegpu.so uses the HDF5 C library, "
            "OpenMP (libgomp) and libstdc++ of the system (Debian/Ubuntu: apt-get install "
            "libhdf5-103-1 libgomp1 libstdc++6, or build the package on this system with "
            "pip install ./python)")


def lib():
    """The loaded library (a ctypes.CDLL with prototypes declared); loads it on first call."""
    global _lib, _lib_path
    if _lib is not None:
        return _lib
    with _lock:
        if _lib is not None:
            return _lib
        tried = []
        for path in _candidates():
            if os.sep in path and not os.path.exists(path):
                tried.append(f"{path} (missing)")
                continue
            try:
                handle = ctypes.CDLL(path)
            except OSError as e:
                tried.append(f"{path} ({e}{_missing_dependency_hint(e)})")
                continue
            for name, (res, args) in _PROTOTYPES.items():
                fn = getattr(handle, name)
                fn.restype = res
                fn.argtypes = args
            _lib, _lib_path = handle, path
            return _lib
        raise LibraryNotFound(
            "spikegpu: cannot load libspikegpu.so; build it with `make lib` and/or set SG_LIB to "
            "its path. Tried: " + "; ".join(tried))


def lib_path():
    """Path of the loaded libspikegpu.so (loads it if needed)."""
    lib()
    return _lib_path


def dec(b):
    """bytes from C (may be None) -> str."""
    return "" if b is None else b.decode("utf-8", "replace")


def enc(s, what="name"):
    """str -> bytes for C, refusing what C cannot take with the package's ArgumentError.

    Names (models, parameters, populations, rules, ...) are str only, everywhere: bytes are
    refused rather than passed on undecoded (one rule for every name; decode them first)."""
    from .errors import ArgumentError
    if isinstance(s, (bytes, bytearray)):
        raise ArgumentError(f"{what} = {s!r}: allowed a str (bytes are not accepted: decode them first)")
    if not isinstance(s, str):
        raise ArgumentError(f"{what} = {s!r}: allowed a str, got {type(s).__name__}")
    if "\0" in s:
        raise ArgumentError(f"{what} = {s!r}: contains a NUL character: allowed a str without NUL")
    try:
        return s.encode("utf-8")
    except UnicodeEncodeError as e:
        raise ArgumentError(f"{what} = {s!r}: not encodable as UTF-8 ({e.reason})") from None


# Ranges of the C integer types that cross ctypes: a Python int outside is refused, never
# truncated (ctypes itself keeps the low bits silently: 2**32 + 1 becomes 1 in a c_int).
C_INT_RANGES = {
    "int": (-2**31, 2**31 - 1),
    "uint32": (0, 2**32 - 1),
    "uint64": (0, 2**64 - 1),
    "size_t": (0, 2**(8 * ctypes.sizeof(ctypes.c_size_t)) - 1),
}


def c_integer(what, v, ctype="int", lo=None, hi=None, allowed=None):
    """v as a Python int for a C parameter of type ctype ("int", "uint32", "uint64", "size_t"),
    range-checked (optionally within [lo, hi] as well); bools, non-integers (also 2.0) and
    out-of-range values raise ArgumentError naming the parameter and what is allowed."""
    from .errors import ArgumentError
    import numbers
    tlo, thi = C_INT_RANGES[ctype]
    lo = tlo if lo is None else max(lo, tlo)
    hi = thi if hi is None else min(hi, thi)
    if allowed is None:
        allowed = f"an integer in [{lo}, {hi}]"
    if isinstance(v, bool) or type(v).__name__ == "bool_" or not isinstance(v, numbers.Integral):
        raise ArgumentError(f"{what} = {v!r}: allowed {allowed}")
    v = int(v)
    if not lo <= v <= hi:
        raise ArgumentError(f"{what} = {v!r}: allowed {allowed}")
    return v


def to_double(what, v):
    """v (a real number, not a bool) as a Python float for a C double; ints too large for a
    double and other non-numbers raise ArgumentError naming the parameter."""
    from .errors import ArgumentError
    import numbers
    if v is None or isinstance(v, (str, bytes, bytearray)) or not isinstance(v, numbers.Real):
        raise ArgumentError(f"{what} = {v!r}: allowed a number")
    try:
        return float(v)
    except (OverflowError, TypeError, ValueError) as e:
        raise ArgumentError(f"{what} = {v!r}: allowed a number that fits a double ({e})") from None
