# spikegpu - build, test, run, bench.
#
#   make            library (libspikegpu.a/.so), tests, examples, bench programs
#   make run        installs missing packages, builds, runs the flagship example
#   make test       builds and runs every test (CUnit, then the Python side)
#   make bench      throughput benchmarks (bench/RESULTS.md explains them)
#   make clean
#
#   make NVCC=                  CPU-only build (no CUDA backend)
#   make NVCC=/x/bin/nvcc       use that CUDA toolkit
#   make PORTABLE=1             -march=x86-64-v3 instead of -march=native (binaries that travel)
#   make SAN=1                  AddressSanitizer + UBSan build (see check-asan)
#   make SG_MPI=0               build without MPI (default: with it, OpenMPI from Debian; docs/mpi.md)
#   make check-oom              every allocation of a scripted run failed in turn (tests/oom_check.c)
#
#   make check-cuda-emu         the cuda backend under a host emulation of CUDA (no GPU needed);
#        check-cuda-emu-mutants, check-cuda-emu-faults, check-cuda-emu-asan: tests/cuda_emu/emu.mk
#   make check-io               spikegpu.io's tests with neo, pynwb and elephant (a venv of them)
#   make wheel                  the Python package's sdist and wheel (libspikegpu.so inside) in
#                               build/dist; make check-wheel installs the wheel into fresh venvs
#   make gpu-check              the GPU check folder gpucheck/ (portable binaries + check.sh, one
#                               device call of ~5 min; bench/gpu_check.sh); gpu-check-dry runs it here

CC        ?= gcc
BUILD     ?= build
PORTABLE  ?= 0
SAN       ?= 0

CUDA_HOME ?= $(patsubst %/bin/nvcc,%,$(shell command -v nvcc 2>/dev/null))
NVCC      ?= $(or $(wildcard $(CUDA_HOME)/bin/nvcc),$(shell command -v nvcc 2>/dev/null))

# ---- dependencies: Debian packages, installed when we can (root + apt-get), else the command --
# SG_CHECK_DEPS=0 skips this (python/setup.py's `make lib`, which checks for HDF5 itself and
# must not install system packages, and systems without dpkg).
SG_CHECK_DEPS ?= 1
# SG_MPI=1 (default): MPI ranks through OpenMPI (docs/mpi.md); SG_MPI=0 builds and tests without it
SG_MPI    ?= 1
DEB_PKGS  := pkg-config libhdf5-dev libcunit1-dev hdf5-tools python3-h5py python3-numpy python3-matplotlib python3-pytest
# MPI is optional: when its packages cannot be installed the build goes on without it (MPI OFF,
# the MPI suite says "skipped: no MPI")
MPI_PKGS  ?= $(if $(filter 1,$(SG_MPI)),libopenmpi-dev openmpi-bin)
ifeq ($(filter clean help,$(MAKECMDGOALS))$(filter-out 1,$(SG_CHECK_DEPS)),)
DEPS_MISSING := $(shell for p in $(DEB_PKGS); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null \
                  | grep -q 'install ok installed' || printf '%s ' $$p; done)
ifneq ($(strip $(DEPS_MISSING)),)
  ifeq ($(shell id -u 2>/dev/null)-$(shell command -v apt-get >/dev/null 2>&1 && echo apt),0-apt)
    $(info spikegpu: installing missing Debian packages: $(DEPS_MISSING))
    DEPS_LOG := $(shell (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
                  $(DEPS_MISSING)) >$(BUILD).deps.log 2>&1 || echo FAILED)
    ifneq ($(DEPS_LOG),)
      $(error package installation failed, see $(BUILD).deps.log)
    endif
  else
    $(error missing Debian packages: $(DEPS_MISSING). Run: sudo apt-get install -y $(DEPS_MISSING))
  endif
endif
MPI_MISSING := $(shell for p in $(MPI_PKGS); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null \
                 | grep -q 'install ok installed' || printf '%s ' $$p; done)
ifneq ($(strip $(MPI_MISSING)),)
  ifeq ($(shell id -u 2>/dev/null)-$(shell command -v apt-get >/dev/null 2>&1 && echo apt),0-apt)
    $(info spikegpu: installing missing Debian packages for MPI: $(MPI_MISSING))
    MPI_DEPS_LOG := $(shell (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
                      $(MPI_MISSING)) >$(BUILD).mpi-deps.log 2>&1 || echo FAILED)
    ifneq ($(MPI_DEPS_LOG),)
      $(warning spikegpu: the MPI packages could not be installed (see $(BUILD).mpi-deps.log): building without MPI)
      override SG_MPI := 0
      export SG_MPI
    endif
  else
    $(info spikegpu: no MPI packages ($(MPI_MISSING)): building without MPI; sudo apt-get install -y $(MPI_MISSING) to have it)
  endif
endif
endif

# ---- the Python of the Python suites, the plots and `make docs` ----------------------------------
# The first of PY_CANDIDATES that imports numpy, h5py and pytest (a pyenv python3 first on PATH may
# lack Debian's packages); none: a virtual environment in $(BUILD)/pyenv, made with pip on first
# use. `make PYTHON=...` overrides. Tests and examples get it as SG_PYTHON.
PY_CANDIDATES ?= python3 /usr/bin/python3 python3.14 python3.13 python3.12 python3.11 python3.10 python3.9
ifndef PYTHON
  PYTHON := $(shell for p in $(PY_CANDIDATES); do q=$$(command -v $$p 2>/dev/null) && \
              $$q -c 'import numpy, h5py, pytest' >/dev/null 2>&1 && { echo $$q; break; }; done)
  ifeq ($(PYTHON),)
    PYTHON := $(abspath $(BUILD))/pyenv/bin/python
    PY_VENV := $(PYTHON)
    # the venv's base: the first candidate that can make one
    PY_BASE := $(shell for p in $(PY_CANDIDATES); do q=$$(command -v $$p 2>/dev/null) && \
                 $$q -c 'import venv, ensurepip' >/dev/null 2>&1 && { echo $$q; break; }; done)
  endif
endif
export SG_PYTHON := $(PYTHON)
$(abspath $(BUILD))/pyenv/bin/python:
	@echo "spikegpu: no Python with numpy, h5py and pytest among $(PY_CANDIDATES): making $(BUILD)/pyenv"
	@test -n "$(PY_BASE)" || { echo "spikegpu: none of $(PY_CANDIDATES) can make a virtual environment (Debian: apt-get install python3-venv)"; exit 2; }
	$(PY_BASE) -m venv $(BUILD)/pyenv
	$(BUILD)/pyenv/bin/pip install -q numpy h5py pytest matplotlib

HDF5_CFLAGS := $(shell pkg-config --cflags hdf5 2>/dev/null)
HDF5_LIBS   := $(shell pkg-config --libs hdf5 2>/dev/null)
CUNIT_LIBS  := $(shell pkg-config --libs cunit 2>/dev/null)

# ---- flags: no fast-math, no contraction, so both backends give the same bits (docs/design.md §2.5)
ARCH      := $(if $(filter 1,$(PORTABLE)),-march=x86-64-v3,-march=native)
OPT       ?= -O3 $(ARCH)
WARN      := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wundef -Wno-unused-function
CPPFLAGS  += -Iinclude -Ihost -D_POSIX_C_SOURCE=200809L $(HDF5_CFLAGS)
CFLAGS    ?= $(OPT) -g
CFLAGS    += -std=c11 -ffp-contract=off -fno-math-errno -fopenmp -fPIC $(WARN) -MMD -MP
LDLIBS    += $(HDF5_LIBS) -lm -ldl -lpthread
LDFLAGS   += -fopenmp
ifeq ($(SAN),1)
  CFLAGS  += -fsanitize=address,undefined,float-cast-overflow -fno-sanitize-recover=all -fno-omit-frame-pointer
  LDFLAGS += -fsanitize=address,undefined,float-cast-overflow
  override BUILD := $(BUILD)/san
endif
# Python loading an ASan-built library needs the sanitizer runtimes preloaded.
PY_SAN_ENV := $(if $(filter 1,$(SAN)),LD_PRELOAD="$(shell $(CC) -print-file-name=libasan.so) $(shell $(CC) -print-file-name=libubsan.so)" ASAN_OPTIONS=detect_leaks=0)

CUDA_GENCODE ?= -gencode arch=compute_80,code=sm_80 -gencode arch=compute_90,code=[sm_90,compute_90]
NVCCFLAGS ?= -O3 -std=c++17 $(CUDA_GENCODE) -fmad=false -prec-div=true -prec-sqrt=true -ftz=false \
             -Xcompiler -ffp-contract=off,-fPIC -Xcompiler -Wall --Werror all-warnings
NVCCFLAGS += $(NVCC_EXTRA)

HOST_SRC  := $(wildcard host/*.c)
# MPI: only host/ranks.c sees <mpi.h>; everything links libmpi (mpicc's own flags)
MPICC     ?= $(shell command -v mpicc 2>/dev/null)
ifeq ($(SG_MPI)-$(if $(strip $(MPICC)),y),1-y)
  MPI_CFLAGS := $(shell $(MPICC) --showme:compile 2>/dev/null)
  MPI_LIBS   := $(shell $(MPICC) --showme:link 2>/dev/null)
  LDLIBS     += $(MPI_LIBS)
  MPI_MSG    := ON  (mpicc = $(MPICC))
  MPIRUN     ?= $(shell command -v mpirun 2>/dev/null)
else
  MPI_MSG    := OFF
  MPIRUN     :=
endif
$(BUILD)/host/ranks.o: CPPFLAGS += $(if $(MPI_LIBS),-DSG_HAVE_MPI=1 $(MPI_CFLAGS))
KERN_SRC  := $(wildcard kernels/*.cu)
ifneq ($(strip $(NVCC)),)
  CUDA_TOP  := $(shell $(NVCC) --dryrun -x cu -c /dev/null -o /dev/null 2>&1 | sed -n 's/^#\$$ TOP=//p')
  CPPFLAGS  += -DSG_HAVE_CUDA=1 -I$(CUDA_TOP)/include
  KERN_OBJ  := $(KERN_SRC:%.cu=$(BUILD)/%.o)
  LDLIBS    += -L$(CUDA_TOP)/lib64 -lcudart_static -lstdc++ -lrt
  CUDA_MSG  := ON  (nvcc = $(NVCC))
else
  KERN_OBJ  :=
  CUDA_MSG  := OFF (CPU-only build)
endif
ifeq ($(filter clean help print-nvcc,$(MAKECMDGOALS)),)
  $(info spikegpu: CUDA backend $(CUDA_MSG))
  $(info spikegpu: MPI ranks $(MPI_MSG))
endif

HOST_OBJ  := $(HOST_SRC:%.c=$(BUILD)/%.o)
LIB_OBJ   := $(HOST_OBJ) $(KERN_OBJ)
LIB_A     := $(BUILD)/libspikegpu.a
LIB_SO    := $(BUILD)/libspikegpu.so

# tests/oom_check.c is a program of its own (make check-oom), not a suite of the runner
TEST_SRC  := $(filter-out tests/oom_check.c,$(wildcard tests/*.c))
TEST_OBJ  := $(TEST_SRC:%.c=$(BUILD)/%.o)
TEST_BIN  := $(BUILD)/tests/run
OOM_BIN   := $(BUILD)/tests/oom_check

# The test runner's library: the shipped objects, except the files that expand the model list
# (found by grep), rebuilt in $(BUILD)/testlib with -DSG_TEST_MODELS -Itests so that the
# test-only models of tests/models/ are in (include/sg/model_list.h). Test models come last in
# the id order, so the objects shared with the shipped library agree on every other id.
PAREN_ := (
TEST_MODEL_TUS := $(shell grep -l 'SG_NEURON_LIST$(PAREN_)\|SG_MODEL_LIST$(PAREN_)\|SG_N_MODELS' $(HOST_SRC) $(if $(KERN_OBJ),$(KERN_SRC)))
TEST_MODEL_OBJ := $(patsubst %.cu,$(BUILD)/testlib/%.o,$(TEST_MODEL_TUS:%.c=$(BUILD)/testlib/%.o))
TEST_LIB_A     := $(BUILD)/libspikegpu-test.a
TEST_LIB_OBJ   := $(filter-out $(patsubst %.cu,$(BUILD)/%.o,$(TEST_MODEL_TUS:%.c=$(BUILD)/%.o)),$(LIB_OBJ)) $(TEST_MODEL_OBJ)
SUITES_H  := $(BUILD)/tests/suites.h

EX_SRC    := $(wildcard examples/*/main.c)
EX_BIN    := $(patsubst examples/%/main.c,$(BUILD)/examples/%,$(EX_SRC))
BENCH_SRC := $(wildcard bench/*.c)
BENCH_BIN := $(BENCH_SRC:bench/%.c=$(BUILD)/bench/%)

.PHONY: all lib test test-py run bench bench-full clean check-asan check-headers check-oom docs help valgrind-quick print-nvcc
all: lib $(TEST_LIB_A) $(TEST_BIN) $(EX_BIN) $(BENCH_BIN) $(OOM_BIN)
lib: $(LIB_A) $(LIB_SO)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(BUILD)/kernels/%.o: kernels/%.cu
	@mkdir -p $(dir $@)
	$(NVCC) $(CPPFLAGS) $(NVCCFLAGS) -MMD -MP -c $< -o $@

$(LIB_A): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(LIB_SO): $(LIB_OBJ)
	$(CC) -shared $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/testlib/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -DSG_TEST_MODELS -Itests $(CFLAGS) -c $< -o $@
$(BUILD)/testlib/kernels/%.o: kernels/%.cu
	@mkdir -p $(dir $@)
	$(NVCC) $(CPPFLAGS) -DSG_TEST_MODELS -Itests $(NVCCFLAGS) -MMD -MP -c $< -o $@
$(TEST_LIB_A): $(TEST_LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

# Test suites are found by file name: tests/test_<name>.c defines `sg_suite_<name>`.
$(SUITES_H): $(TEST_SRC)
	@mkdir -p $(dir $@)
	@for f in $(sort $(filter tests/test_%.c,$(TEST_SRC))); do n=$${f#tests/test_}; n=$${n%.c}; \
	  [ "$$n" = main ] || echo "X($$n)"; done > $@.tmp && mv $@.tmp $@
$(BUILD)/tests/test_main.o: $(SUITES_H)
$(BUILD)/tests/test_main.o: CPPFLAGS += -I$(BUILD)/tests

$(TEST_BIN): $(TEST_OBJ) $(TEST_LIB_A)
	$(CC) $(LDFLAGS) -o $@ $(TEST_OBJ) $(TEST_LIB_A) $(CUNIT_LIBS) $(LDLIBS)

$(BUILD)/examples/%: examples/%/main.c $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIB_A) $(LDLIBS)

$(BUILD)/bench/%: bench/%.c $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIB_A) $(LDLIBS)

# MPI ranks: results identical on 1..4 ranks x 1..2 threads (tests/mpi/run.sh; docs/mpi.md).
# Under SAN=1 the sanitizer runtimes are preloaded (the Python case) and leak checks are off
# there (OpenMPI's own allocations); the CUnit suites keep them.
MPI_CHECK_BIN := $(BUILD)/tests/mpi/ranks_check
$(MPI_CHECK_BIN): tests/mpi/ranks_check.c $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIB_A) $(LDLIBS)
all: $(MPI_CHECK_BIN)
.PHONY: check-mpi
check-mpi: $(MPI_CHECK_BIN) $(BENCH_BIN)
	@echo "== MPI ranks (tests/mpi/run.sh) =="
	$(PY_SAN_ENV) tests/mpi/run.sh $(BUILD) "$(MPIRUN)" "$(MPI_EMU)"

test: all
	@echo "== CUnit suites ($(TEST_BIN)) =="
	SG_BUILD=$(BUILD) $(TEST_BIN)
	$(MAKE) --no-print-directory check-mpi
	tests/check_standalone.sh
	tests/check_layering.sh $(BUILD)
	tests/check_shipped.sh $(BUILD)
	$(MAKE) --no-print-directory check-oom-quick
	@echo "== Python suites (pytest) =="
	$(MAKE) --no-print-directory test-py

test-py: lib $(PY_VENV)
	@echo "spikegpu: Python suites with $(PYTHON)"
	$(PY_SAN_ENV) SG_LIB=$(abspath $(LIB_SO)) SG_BUILD=$(abspath $(BUILD)) PYTHONPATH=$(abspath python) \
	  $(PYTHON) -m pytest -q -rs -p no:cacheprovider python/tests

run: all $(PY_VENV)
	$(BUILD)/examples/gl_population --out $(BUILD)/run

bench: all $(PY_VENV)
	$(PYTHON) bench/run.py --build $(BUILD)

bench-full: all $(PY_VENV)
	$(PYTHON) bench/run.py --build $(BUILD) --full

# The README's model reference is generated from the model tables (examples/model_docs).
docs: $(BUILD)/examples/model_docs $(PY_VENV)
	@$(PYTHON) -c "import sys,subprocess; r=open('README.md').read(); a='<!-- models:begin -->'; b='<!-- models:end -->'; \
	t=subprocess.run(['$(BUILD)/examples/model_docs'],capture_output=True,text=True,check=True).stdout; \
	i=r.index(a)+len(a); j=r.index(b); open('README.md','w').write(r[:i]+'\n'+t+r[j:])"
	@echo "README.md model reference regenerated"

# Every shared header compiles alone as C11 (gcc) and as CUDA C++ (nvcc, if present).
check-headers:
	tests/check_headers.sh

check-asan:
	$(MAKE) SAN=1 test

# make check-oom: out-of-memory injection (tests/oom_check.c), linked with --wrap for the
# allocation functions against the library objects: a scripted run (every kind of public call,
# HDF5 output) once per N with its N-th allocation failing, each N in a child process; a failed
# call must return SG_ERR_NOMEM with its message and change nothing, its retry must succeed, and
# the end (digest, files read back, freed blocks) must equal the run without injection.
#   check-oom        every N at 1 and at 2 threads (~1,950 runs, ~50 s of CPU: 45-70 s on the
#                    2-core development machine under its usual load)
#   check-oom-quick  (make test) every N once: odd N at 1 thread, even N at 2 threads (25-40 s);
#                    under SAN=1 every 8th N (about 20 s)
OOM_WRAP  := -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=aligned_alloc,--wrap=free -Wl,-z,now
OOM_JOBS  ?= 2
OOM_QUICK ?= $(if $(filter 1,$(SAN)),8,2)
$(OOM_BIN): tests/oom_check.c $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) $(OOM_WRAP) -o $@ $< $(LIB_A) $(LDLIBS)
.PHONY: check-oom-quick
check-oom: $(OOM_BIN)
	$(OOM_BIN) --threads 1 --jobs $(OOM_JOBS)
	$(OOM_BIN) --threads 2 --jobs $(OOM_JOBS)
check-oom-quick: $(OOM_BIN)
	$(OOM_BIN) --threads 1 --jobs $(OOM_JOBS) --every $(OOM_QUICK) --from 1
	$(OOM_BIN) --threads 2 --jobs $(OOM_JOBS) --every $(OOM_QUICK) --from $(shell echo $$(( $(OOM_QUICK) / 2 + 1 )))

clean:
	rm -rf $(BUILD) $(BUILD).deps.log

help:
	@sed -n '1,/^$$/p' Makefile

print-nvcc:
	@echo $(strip $(NVCC))

-include $(LIB_OBJ:.o=.d) $(TEST_OBJ:.o=.d) $(TEST_MODEL_OBJ:.o=.d) $(OOM_BIN).d

# make check-cuda-emu: the cuda backend under a host emulation of the CUDA runtime (no GPU needed)
include tests/cuda_emu/emu.mk

# ---- cuda: the -fmad=true negative control of tests/test_cuda_equiv.c, and the GPU bundle --------
# kernels_fmad/*.cu: the device math self-test compiled WITH contraction (-fmad=true); linked into
# the test runner only, never into the library. The test asserts that it differs from the host.
ifneq ($(strip $(NVCC)),)
  FMAD_OBJ := $(patsubst %.cu,$(BUILD)/%.o,$(wildcard kernels_fmad/*.cu))
  TEST_OBJ += $(FMAD_OBJ)
  $(TEST_BIN): $(FMAD_OBJ)
  -include $(FMAD_OBJ:.o=.d)
endif
$(BUILD)/kernels_fmad/%.o: kernels_fmad/%.cu
	@mkdir -p $(dir $@)
	$(NVCC) $(CPPFLAGS) $(subst -fmad=false,-fmad=true,$(NVCCFLAGS)) -MMD -MP -c $< -o $@

# make gpu-check: the self-contained GPU check folder (gpucheck/, ignored by git) for a GPU machine
# without packages: host code -march=x86-64-v3, device code sm_90 + compute_90 PTX with -lineinfo,
# HDF5/CUnit/cudart (and libgomp) linked statically; the test runner, the bench programs and
# check.sh, the one-call check with a global deadline (bench/gpu_check.sh, bench/gpu_check_build.sh).
# `make gpu-check-dry` also runs check.sh here: without a GPU every device step says "skipped".
GPU_BUILD   ?= build-gpu
GPU_BUNDLE  ?= gpucheck
GPU_GENCODE ?= -gencode arch=compute_90,code=sm_90 -gencode arch=compute_90,code=compute_90
# SG_MPI=0: the folder's binaries are static but for libc/libm, and the GPU machine has no MPI
GPU_MAKE     = $(MAKE) BUILD=$(GPU_BUILD) PORTABLE=1 SG_MPI=0 CUDA_GENCODE="$(GPU_GENCODE)" NVCC_EXTRA=-lineinfo
.PHONY: gpu-check gpu-check-dry gpu-bundle-link
gpu-check:
	@test -n "$(strip $(NVCC))" || { echo "gpu-check: skipped: no CUDA toolkit (nvcc) on this machine"; exit 2; }
	$(GPU_MAKE) $(GPU_BUILD)/libspikegpu.a $(GPU_BUILD)/tests/run
	$(GPU_MAKE) --no-print-directory GPU_BUNDLE=$(GPU_BUNDLE) gpu-bundle-link
gpu-check-dry: gpu-check
	$(GPU_BUNDLE)/check.sh --deadline 120 --logs $(GPU_BUILD)/check-logs --tarball $(GPU_BUILD)/check-logs.tgz
	@tar tzf $(GPU_BUILD)/check-logs.tgz | grep -q 'check-logs/summary.txt' || { echo "gpu-check-dry: no summary in the tarball"; exit 1; }
	@if ! $(GPU_BUNDLE)/bin/bench/throughput --probe >/dev/null 2>&1; then \
	  grep -q '^equiv .*skipped .*no CUDA device' $(GPU_BUILD)/check-logs/summary.txt || \
	  { echo "gpu-check-dry: without a device the equiv step must say skipped: no CUDA device"; exit 1; }; fi
# make cuda-resources: registers, stack frame, spills and the largest launchable block per kernel
.PHONY: cuda-resources
cuda-resources:
	@test -n "$(strip $(NVCC))" || { echo "cuda-resources needs nvcc"; exit 2; }
	@bench/cuda_resources.sh "$(NVCC)" "$(CPPFLAGS)"

gpu-bundle-link:
	@test -n "$(strip $(NVCC))" || { echo "gpu-check needs nvcc"; exit 2; }
	SG_CC="$(CC)" SG_CPPFLAGS="$(CPPFLAGS)" SG_CFLAGS="$(CFLAGS)" SG_BUILD="$(BUILD)" SG_CUDA_TOP="$(CUDA_TOP)" \
	  SG_TEST_OBJ="$(TEST_OBJ)" SG_LIB_A="$(LIB_A)" SG_HDF5_LIBS="$(HDF5_LIBS)" SG_BENCH_SRC="$(BENCH_SRC)" \
	  bash bench/gpu_check_build.sh $(GPU_BUNDLE)

# ---- the Python package: make wheel, make check-wheel ------------------------------------------
# make wheel: the sdist (python/ plus the C sources in csrc/) and a wheel built from it, in
# WHEEL_DIR: spikegpu-<version>-py3-none-linux_<arch>.whl, with libspikegpu.so inside, built by
# python/setup.py with `make lib` (PORTABLE=1, the CUDA backend when nvcc is found, cudart static;
# HDF5 stays the system's shared library), so it runs with no SG_LIB. No download: setuptools of
# $(PYTHON) (python/build_dist.py). make's objects are kept in $(BUILD)/wheel-obj.
# make check-wheel: that wheel in fresh venvs of every CPython >= 3.8 found, a small simulation
# run from outside the tree with SG_LIB unset, plus `pip install ./python` (tests/check_wheel.py;
# numpy from the package index, else offline from a system numpy, else skipped saying why).
WHEEL_DIR ?= $(BUILD)/dist
.PHONY: wheel check-wheel
wheel: $(PY_VENV)
	$(PYTHON) python/build_dist.py --out $(WHEEL_DIR) --objects $(abspath $(BUILD))/wheel-obj
check-wheel: wheel
	SPIKEGPU_BUILD_DIR=$(abspath $(BUILD))/pip-obj \
	  $(PYTHON) tests/check_wheel.py --dist $(WHEEL_DIR) --source python $(if $(strip $(NVCC)),--expect-cuda)

# make check-io: python/tests/test_io.py (spikegpu.io: Neo, NWB, Elephant) in a venv that has neo,
# pynwb and elephant from the package index ($(BUILD)/io-venv, kept); without an index it says
# "skipped" and why (make test-py runs the same tests, skipped where those packages are missing).
IO_VENV := $(abspath $(BUILD))/io-venv
.PHONY: check-io
check-io: lib $(PY_VENV)
	@if ! $(IO_VENV)/bin/python -c 'import neo, pynwb, elephant, h5py, pytest' >/dev/null 2>&1; then \
	  rm -rf $(IO_VENV) && $(PYTHON) -m venv $(IO_VENV) && \
	  $(IO_VENV)/bin/pip install -q --disable-pip-version-check --retries 1 --timeout 20 \
	    numpy h5py pytest neo pynwb elephant || \
	  { echo "check-io: skipped: pip could not install neo, pynwb and elephant (no package index reachable?)"; exit 0; }; \
	fi; \
	SG_LIB=$(abspath $(LIB_SO)) SG_BUILD=$(abspath $(BUILD)) PYTHONPATH=$(abspath python) \
	  $(IO_VENV)/bin/python -m pytest -q -rs -p no:cacheprovider python/tests/test_io.py

# ---- valgrind-quick: the CUnit runner under valgrind memcheck, at quick sizes -----------------
# A CPU-only build at -march=x86-64-v3 in $(VG_BUILD) (valgrind 3.19 decodes no AVX-512, which
# -march=native may emit), then SG_TEST_QUICK=1 (statistical suites at reduced size, the fuzz
# suite at 1e5 calls) over VG_SUITES. Errors and definitely-lost blocks fail the run (exit 99).
# About 1.5 min with the build on a loaded 2-core machine (.ci/run prints each stage's time).
# OMP_WAIT_POLICY=passive: idle OpenMP threads sleep instead of spinning (valgrind runs one
# thread at a time). tests/valgrind.supp holds the suppressions of known bugs, each with its
# report. Left out: crash (a child process and long reference runs; check-asan runs it), the GPU
# suites (cuda_equiv; curand_host dlopens the CUDA toolkit's libcurand), and math, whose
# references are x87 long double, which valgrind computes in double.
VG_BUILD  ?= $(BUILD)-vg
VG_SUITES ?= badinput fuzz engine connect csr rng philox fixed glif_cond glif_nest h5out
VALGRIND  ?= valgrind
valgrind-quick:
	@command -v $(VALGRIND) >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "spikegpu: installing valgrind"; apt-get install -y -qq valgrind >/dev/null; \
	  else echo "valgrind-quick needs valgrind. Run: sudo apt-get install -y valgrind"; exit 2; fi; }
	$(MAKE) --no-print-directory NVCC= PORTABLE=1 SAN=0 BUILD=$(VG_BUILD) $(VG_BUILD)/tests/run
	SG_TEST_QUICK=1 SG_BUILD=$(VG_BUILD) OMP_WAIT_POLICY=passive $(VALGRIND) -q --error-exitcode=99 \
	  --leak-check=full --show-leak-kinds=definite --errors-for-leak-kinds=definite --suppressions=tests/valgrind.supp \
	  $(VG_BUILD)/tests/run $(VG_SUITES)
