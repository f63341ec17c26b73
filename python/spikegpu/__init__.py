"""spikegpu: NEST-style Python scripting for the spikegpu simulator (CPU and CUDA backends,
bit-identical).

Pure Python on top of the C library ``libspikegpu.so`` (loaded with ctypes; an installed package
holds its own; set ``SG_LIB`` to use another: see :mod:`spikegpu._capi` for the search order).

Example (the PyNEST equivalent in the comments)::

    import spikegpu

    with spikegpu.Simulator(resolution=0.1, seed=1) as sim:     # nest.ResetKernel(); nest.resolution = 0.1
        n = sim.create("gl_exp", 100, {"I_e": 550.0})          # n = nest.Create("gl_exp", 100, {...})
        sr = sim.create("spike_recorder")                      # sr = nest.Create("spike_recorder")
        sim.connect(n, sr)                                     # nest.Connect(n, sr)
        sim.simulate(1000.0)                                   # nest.Simulate(1000.0)
        ev = sr.events                                         # sr.events
        print(ev["senders"], ev["times"])
"""
from . import hdf5, io, plot, random
from ._capi import LibraryNotFound
from .errors import (ArgumentError, CudaError, Error, FileIOError, HDF5Error, ModelError,
                     NoDeviceError, NotSupportedError, NumericOverflowError, OutOfMemoryError,
                     SimulationInterrupted, StateError, UnknownNameError)
from .simulator import (NodeCollection, Simulator, cuda_available, defaults, library_path,
                        library_version, model_info, model_kind, models, recordables)

__version__ = "0.1.0"

__all__ = [
    "Simulator", "NodeCollection", "models", "model_info", "model_kind", "defaults", "recordables",
    "cuda_available", "library_version", "library_path", "random", "hdf5", "io", "plot", "Error",
    "ArgumentError",
    "UnknownNameError", "OutOfMemoryError", "CudaError", "NoDeviceError", "HDF5Error",
    "FileIOError", "StateError", "NumericOverflowError", "ModelError", "SimulationInterrupted",
    "NotSupportedError",
    "LibraryNotFound", "__version__",
]
