"""Exceptions of spikegpu: one class per C status code, all derived from :class:`Error`.

Every failing C call raises the subclass of its ``sg_status`` with the C library's message
(``sg_errmsg``), which names the parameter, the bad value and what is allowed::

    try:
        nrn.set(C_m=-1.0)
    except spikegpu.ArgumentError as e:
        print(e.status_name, e.message)   # SG_ERR_ARG  sg_set: gl_exp.C_m = -1: allowed > 0 ...

Each class also derives from the closest built-in exception (``ArgumentError`` is a
``ValueError``, ``UnknownNameError`` a ``LookupError``, ``OutOfMemoryError`` a ``MemoryError``,
``FileIOError`` an ``OSError``, ``SimulationInterrupted`` a ``KeyboardInterrupt``), so generic
handlers keep working.
"""
from __future__ import annotations

from . import _capi


class Error(Exception):
    """Base class of every spikegpu error.

    Attributes: ``status`` (the C status code, an int), ``status_name`` (e.g. ``"SG_ERR_ARG"``),
    ``status_text`` (e.g. ``"invalid argument"``) and ``message`` (the C library's explanation).
    """

    status_name = "SG_ERR"
    status_text = "error"

    def __init__(self, message, status_name=None):
        if status_name is not None:
            self.status_name = status_name
        self.status = _capi.STATUS.get(self.status_name, -1)
        self.message = message
        super().__init__(message)

    def __str__(self):
        return f"{self.message} [{self.status_name}]"


class ArgumentError(Error, ValueError):
    """SG_ERR_ARG: a value is out of range, of the wrong shape or type."""
    status_name, status_text = "SG_ERR_ARG", "invalid argument"


class UnknownNameError(Error, LookupError):
    """SG_ERR_UNKNOWN: unknown model, parameter, recordable, rule or synapse model."""
    status_name, status_text = "SG_ERR_UNKNOWN", "unknown name"


class OutOfMemoryError(Error, MemoryError):
    """SG_ERR_NOMEM: host or device memory exhausted (or the request would exceed it)."""
    status_name, status_text = "SG_ERR_NOMEM", "out of memory"


class CudaError(Error):
    """SG_ERR_CUDA: a CUDA call failed."""
    status_name, status_text = "SG_ERR_CUDA", "CUDA error"


class NoDeviceError(Error):
    """SG_ERR_NO_DEVICE: backend="cuda" was asked for but no usable CUDA device exists."""
    status_name, status_text = "SG_ERR_NO_DEVICE", "no usable CUDA device"


class HDF5Error(Error):
    """SG_ERR_HDF5: the HDF5 library failed."""
    status_name, status_text = "SG_ERR_HDF5", "HDF5 error"


class FileIOError(Error, OSError):
    """SG_ERR_IO: a file or folder could not be created, written or read."""
    status_name, status_text = "SG_ERR_IO", "I/O error"


class StateError(Error, RuntimeError):
    """SG_ERR_STATE: the call is not allowed now (e.g. a closed simulation, a connected
    multimeter's record_from, events with keep_in_memory=False)."""
    status_name, status_text = "SG_ERR_STATE", "call not allowed in this state"


class NumericOverflowError(Error, ArithmeticError):
    """SG_ERR_OVERFLOW: a numeric or buffer overflow."""
    status_name, status_text = "SG_ERR_OVERFLOW", "numeric or buffer overflow"


class ModelError(Error):
    """SG_ERR_MODEL: a model's update failed (e.g. the ODE solver of glif_cond)."""
    status_name, status_text = "SG_ERR_MODEL", "model error"


class SimulationInterrupted(Error, KeyboardInterrupt):
    """SG_ERR_INTERRUPTED: Ctrl-C during simulate(); recordings up to that point are kept."""
    status_name, status_text = "SG_ERR_INTERRUPTED", "interrupted"


class NotSupportedError(ArgumentError, NotImplementedError):
    """A NEST feature spikegpu does not have (raised by :mod:`spikegpu.nest`): the message reads
    "not supported by spikegpu: <feature>; <the closest alternative>". An ArgumentError (so a
    ValueError) and a NotImplementedError."""

    def __init__(self, feature, alternative=None):
        super().__init__(f"not supported by spikegpu: {feature}" + (f"; {alternative}" if alternative else ""))


BY_STATUS = {cls.status_name: cls for cls in (
    ArgumentError, UnknownNameError, OutOfMemoryError, CudaError, NoDeviceError, HDF5Error,
    FileIOError, StateError, NumericOverflowError, ModelError, SimulationInterrupted)}


def from_status(code, message):
    """The exception for C status ``code`` with ``message``."""
    name = _capi.STATUS_NAMES[code] if 0 <= code < len(_capi.STATUS_NAMES) else f"status {code}"
    cls = BY_STATUS.get(name, Error)
    if not message:
        message = _capi.dec(_capi.lib().sg_status_str(code))
    return cls(message, name)
