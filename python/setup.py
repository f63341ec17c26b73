"""Builds the spikegpu Python package with the C library libspikegpu.so inside it.

The package itself is pure Python (ctypes); what makes its wheel platform-specific is the
library, which this file builds with the project's Makefile (`make lib`) and puts next to the
package's modules, where spikegpu._capi finds it first (no SG_LIB needed):

    pip install ./python        from the source tree: the C sources are python/.. (pip >= 21.3
                                builds in place)
    make wheel                  an sdist (python/ plus the C sources in csrc/) and a wheel built
                                from it, in build/dist (python/build_dist.py)
    pip install spikegpu-*.tar.gz    from the sdist: the C sources are csrc/

The library is built with PORTABLE=1 (x86-64-v3 rather than this machine's CPU), and with the
CUDA backend when nvcc is found (CUDA runtime linked statically: it starts without a GPU or a
driver and falls back to the cpu backend, saying why). It needs gcc, make and the HDF5 C library
with its headers (Debian: libhdf5-dev, pkg-config); HDF5 stays a shared library of the system.
With mpicc present it links the system's MPI library too (runs under mpirun, docs/mpi.md); a
wheel meant for machines without MPI is built with SPIKEGPU_MAKEFLAGS="SG_MPI=0".

Environment:
    SPIKEGPU_MAKEFLAGS="..."    extra make arguments, e.g. "NVCC=" (CPU-only), "-j8",
                                "HDF5_CFLAGS=-I<hdf5>/include HDF5_LIBS='-L<hdf5>/lib -lhdf5'"
    SPIKEGPU_BUILD_DIR=DIR      make's object folder (default: build/pip in the C source root;
                                make wheel keeps one in build/, so a second build is incremental)
    SPIKEGPU_LIB=FILE           bundle this libspikegpu.so instead of building one
"""
# SPDX-License-Identifier: MIT
import os
import platform
import shlex
import shutil
import subprocess
import sys

from setuptools import Distribution, setup
from setuptools.command.build_py import build_py
from setuptools.command.sdist import sdist

try:  # setuptools >= 70.1 has its own; before, the wheel package provides it
    from setuptools.command.bdist_wheel import bdist_wheel
except ImportError:  # pragma: no cover
    from wheel.bdist_wheel import bdist_wheel

HERE = os.path.dirname(os.path.abspath(__file__))
LIB = "libspikegpu.so"
# What `make lib` needs, relative to the source root; the sdist carries exactly this in csrc/.
C_SOURCES = ("Makefile", "include", "host", "kernels", "tests/cuda_emu/emu.mk")


class BuildError(RuntimeError):
    pass


def c_root():
    """The folder holding the Makefile and the C sources: csrc/ (sdist) or python/.. (tree)."""
    for root in (os.path.join(HERE, "csrc"), os.path.dirname(HERE)):
        if all(os.path.exists(os.path.join(root, p)) for p in C_SOURCES):
            return root
    raise BuildError(
        "spikegpu: the C sources (Makefile, include/, host/, kernels/) are neither in csrc/ (an "
        "sdist) nor in the folder above python/ (the source tree). Install from the repository "
        "(pip install ./python, pip >= 21.3, which builds in place) or from an sdist made by "
        "`make wheel`; or set SPIKEGPU_LIB to a built libspikegpu.so.")


def check_tools(makeflags):
    missing = [t for t in ("make",) if not shutil.which(t)]
    cc = os.environ.get("CC", "gcc")
    if not shutil.which(cc):
        missing.append(cc)
    if missing:
        raise BuildError(f"spikegpu: building libspikegpu.so needs {', '.join(missing)} "
                         "(Debian: apt-get install build-essential)")
    if any(f.startswith("HDF5_CFLAGS=") for f in makeflags):
        return
    if not shutil.which("pkg-config") or subprocess.run(
            ["pkg-config", "--exists", "hdf5"], capture_output=True).returncode != 0:
        raise BuildError(
            "spikegpu: building libspikegpu.so needs the HDF5 C library and headers, found with "
            "pkg-config (Debian/Ubuntu: apt-get install libhdf5-dev pkg-config; Fedora: dnf "
            "install hdf5-devel pkgconf), or give their flags: SPIKEGPU_MAKEFLAGS=\"HDF5_CFLAGS="
            "-I<hdf5>/include HDF5_LIBS='-L<hdf5>/lib -lhdf5'\"")


def build_library(out_dir):
    """Builds libspikegpu.so with make (or takes $SPIKEGPU_LIB) and copies it into out_dir."""
    given = os.environ.get("SPIKEGPU_LIB")
    os.makedirs(out_dir, exist_ok=True)
    dest = os.path.join(out_dir, LIB)
    if given:
        if not os.path.isfile(given):
            raise BuildError(f"spikegpu: SPIKEGPU_LIB={given} is not a file")
        shutil.copyfile(given, dest)
        return dest
    root = c_root()
    makeflags = shlex.split(os.environ.get("SPIKEGPU_MAKEFLAGS", ""))
    check_tools(makeflags)
    build = os.path.abspath(os.environ.get("SPIKEGPU_BUILD_DIR") or os.path.join(root, "build", "pip"))
    args = ["make", "-C", root, f"BUILD={build}", "SG_CHECK_DEPS=0", f"PYTHON={sys.executable}"]
    if platform.machine() in ("x86_64", "AMD64"):
        args.append("PORTABLE=1")  # -march=x86-64-v3, not the build machine's CPU
    if not any(f.startswith("-j") for f in makeflags):
        args.append(f"-j{min(os.cpu_count() or 1, 8)}")
    args += makeflags + ["lib"]
    print("spikegpu: " + " ".join(shlex.quote(a) for a in args), flush=True)
    if subprocess.run(args).returncode != 0:
        raise BuildError("spikegpu: building libspikegpu.so failed (the make output is above); "
                         "SPIKEGPU_MAKEFLAGS=NVCC= builds without CUDA")
    shutil.copyfile(os.path.join(build, LIB), dest)
    if shutil.which("strip"):  # the debug information of -g: not needed at run time
        subprocess.run(["strip", "--strip-debug", dest], check=False)
    return dest


class BuildPy(build_py):
    """build_py that also builds (or takes) libspikegpu.so into the package."""

    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return  # pip install -e: the package finds the tree's build/libspikegpu.so (make lib)
        build_library(os.path.join(self.build_lib, "spikegpu"))


class Sdist(sdist):
    """sdist that carries the C sources in csrc/, so that the wheel can be built from it."""

    def make_release_tree(self, base_dir, files):
        super().make_release_tree(base_dir, files)
        root = c_root()
        for rel in C_SOURCES:
            src, dst = os.path.join(root, rel), os.path.join(base_dir, "csrc", rel)
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            if os.path.isdir(src):
                shutil.copytree(src, dst)
            else:
                shutil.copy2(src, dst)


class BinaryDistribution(Distribution):
    """The package carries a compiled library: a platform wheel, installed into platlib."""

    def has_ext_modules(self):
        return True


class BdistWheel(bdist_wheel):
    """A wheel for any Python 3 (ctypes: no Python ABI), but for this platform (the library)."""

    def get_tag(self):
        _, _, plat = super().get_tag()
        return "py3", "none", plat


setup(distclass=BinaryDistribution,
      cmdclass={"build_py": BuildPy, "sdist": Sdist, "bdist_wheel": BdistWheel})
