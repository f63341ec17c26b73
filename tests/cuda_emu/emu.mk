# tests/cuda_emu/emu.mk - `make check-cuda-emu`: the cuda backend (kernels/*.cu, host/backend_cuda.c)
# built against the host emulation of the CUDA runtime in this folder and checked by the
# equivalence suite (tests/test_cuda_equiv.c) on a machine without a GPU. Included by the Makefile.
# Needs g++ and the CUDA toolkit's headers (cuRAND's device header, for the Philox self-test);
# nvcc itself is not used.
EMU_DIR     := $(BUILD)/emu
EMU_CUDA_INC ?= $(firstword $(if $(CUDA_TOP),$(CUDA_TOP)/include) $(wildcard /usr/local/cuda/include))
EMU_CPPFLAGS := -DSG_TEST_MODELS -Itests/cuda_emu/include -Iinclude -Ihost -D_POSIX_C_SOURCE=200809L -DSG_HAVE_CUDA=1 $(HDF5_CFLAGS)
EMU_CFLAGS  := -O2 -g -ffp-contract=off -fno-math-errno -fopenmp -Wall -Wextra -Wno-unused-function $(SG_EMU_SAN)
# the kernels as C++: every launch rewritten to emu::launch, emu_kernel.h force-included
EMU_CXXFLAGS := -std=c++17 -O2 -g -ffp-contract=off -fno-math-errno -Wall -Wno-unused-function -D__CUDACC__ -DSG_TEST_MODELS -Itests \
                -DSG_EMU_WITH_CURAND -Itests/cuda_emu/include -include tests/cuda_emu/emu_kernel.h -idirafter $(EMU_CUDA_INC) $(SG_EMU_SAN)
# the negative control: the same math kernel with contraction into FMA, as nvcc -fmad=true does
EMU_FMAD_FLAGS := -ffp-contract=fast -mfma

EMU_KERN_SRC := $(wildcard kernels/*.cu kernels/*.h) $(wildcard kernels_fmad/*.cu)
EMU_KERN_GEN := $(EMU_KERN_SRC:%=$(EMU_DIR)/src/%)
EMU_KERN_OBJ := $(patsubst %.cu,$(EMU_DIR)/%.o,$(wildcard kernels/*.cu kernels_fmad/*.cu))
EMU_RUN      := $(EMU_DIR)/run
.SECONDARY: $(EMU_KERN_GEN)

$(EMU_DIR)/src/%: % tests/cuda_emu/emu.mk
	@mkdir -p $(dir $@)
	@test -n "$(EMU_CUDA_INC)" -a -f "$(EMU_CUDA_INC)/curand_kernel.h" || \
	  { echo "check-cuda-emu: no CUDA headers (curand_kernel.h) found; set EMU_CUDA_INC=<toolkit>/include"; exit 1; }
	sed -E 's/([A-Za-z_0-9#]+)<<<([^;]*)>>>\(/emu::launch(emu::cfg(\2), \1, /' $< > $@

$(EMU_DIR)/kernels/%.o: $(EMU_DIR)/src/kernels/%.cu $(EMU_KERN_GEN) tests/cuda_emu/emu_kernel.h
	@mkdir -p $(dir $@)
	$(CXX) $(EMU_CXXFLAGS) -MMD -MP -I$(EMU_DIR)/src/kernels -Iinclude -Ihost -x c++ -c $< -o $@

$(EMU_DIR)/kernels_fmad/%.o: $(EMU_DIR)/src/kernels_fmad/%.cu $(EMU_KERN_GEN) tests/cuda_emu/emu_kernel.h
	@mkdir -p $(dir $@)
	$(CXX) $(filter-out -ffp-contract=off,$(EMU_CXXFLAGS)) $(EMU_FMAD_FLAGS) -Iinclude -Ihost -x c++ -c $< -o $@

$(EMU_DIR)/emu.o: tests/cuda_emu/emu.cpp tests/cuda_emu/emu_kernel.h tests/cuda_emu/include/cuda_runtime_api.h
	@mkdir -p $(dir $@)
	$(CXX) -std=c++17 -O2 -g -Wall -Wextra -Itests/cuda_emu/include -Itests/cuda_emu -c $< -o $@ $(SG_EMU_SAN)

# every C file of the emulated programs (host/, tests/, bench/) with the same command
EMU_CC := $(CC) $(EMU_CPPFLAGS) -I$(EMU_DIR)/tests -Itests -std=c11 $(EMU_CFLAGS)
$(EMU_DIR)/%.o: %.c $(EMU_DIR)/tests/suites.h
	@mkdir -p $(dir $@)
	$(EMU_CC) -MMD -MP -c $< -o $@

$(EMU_DIR)/tests/suites.h:
	@mkdir -p $(dir $@)
	echo 'X(cuda_equiv)' > $@

# header dependencies of the emulated objects (a changed header rebuilds what includes it)
-include $(wildcard $(EMU_DIR)/host/*.d $(EMU_DIR)/kernels/*.d $(EMU_DIR)/tests/*.d $(EMU_DIR)/tests/cuda_emu/*.d $(EMU_DIR)/bench/*.d)

# the library under emulation, and the link of a program against it
EMU_LIB_OBJ := $(HOST_SRC:%.c=$(EMU_DIR)/%.o) $(EMU_KERN_OBJ) $(EMU_DIR)/emu.o
EMU_LINK = $(CXX) -fopenmp -rdynamic -o $@ $^ $(CUNIT_LIBS) $(HDF5_LIBS) $(MPI_LIBS) -lm -ldl -lpthread $(SG_EMU_SAN)
# MPI ranks as in the plain build (only host/ranks.c sees <mpi.h>), so that tests/mpi/run.sh can
# run the emulated cuda backend on ranks
$(EMU_DIR)/host/ranks.o: EMU_CC += $(if $(MPI_LIBS),-DSG_HAVE_MPI=1 $(MPI_CFLAGS))

$(EMU_RUN): $(EMU_DIR)/tests/test_cuda_equiv.o $(EMU_DIR)/tests/test_nonfinite.o $(EMU_DIR)/tests/test_main.o $(EMU_LIB_OBJ)
	$(EMU_LINK)

# bench/throughput against the emulation: the benchmark networks, cpu vs emulated cuda, by hash
EMU_TP := $(EMU_DIR)/throughput
$(EMU_TP): $(EMU_DIR)/bench/throughput.o $(EMU_LIB_OBJ)
	$(EMU_LINK)
EMU_HASH_NETS := "--net a --n 3000 --time 30" "--net b --n 4000 --k 200 --time 40" "--net c --n 300 --time 20"

# tests/mpi/ranks_check against the emulation: the MPI suite's every-rule, generator and glif_cond networks
# on the cuda backend (tests/mpi/run.sh, given EMU_DIR)
EMU_RANKS := $(EMU_DIR)/ranks_check
$(EMU_RANKS): $(EMU_DIR)/tests/mpi/ranks_check.o $(EMU_LIB_OBJ)
	$(EMU_LINK)

# tests/mpi/run.sh runs the emulated cuda backend on ranks too, where MPI and the CUDA headers are
# there (its third argument: the emulated programs' folder; empty: skipped with a line saying why).
# Not in the SAN=1 build (check-asan): the emulated objects would be built once more without it.
MPI_EMU := $(if $(and $(MPIRUN),$(EMU_CUDA_INC),$(wildcard $(EMU_CUDA_INC)/curand_kernel.h),$(if $(filter 1,$(SAN)),,y)),$(EMU_DIR))
check-mpi: $(if $(MPI_EMU),$(EMU_TP) $(EMU_RANKS))

# examples/microcircuit against the emulation: eight iaf_psc_exp populations with a Poisson
# generator each (the per-step launch count of a many-population network), small scale
EMU_MC := $(EMU_DIR)/microcircuit
$(EMU_MC): $(EMU_DIR)/examples/microcircuit/main.o $(EMU_LIB_OBJ)
	$(EMU_LINK)
EMU_MC_ARGS := --scale 0.02 --kscale 0.1 --presim 0 --time 20 --no-plot

# exits 0 when the CUDA headers the emulation needs are there (.ci/run skips the stage otherwise)
.PHONY: cuda-emu-headers
cuda-emu-headers:
	@test -n "$(EMU_CUDA_INC)" -a -f "$(EMU_CUDA_INC)/curand_kernel.h"

# the device probe against a device without a kernel image for this build (probe_check.c)
EMU_PROBE := $(EMU_DIR)/probe_check
$(EMU_PROBE): $(EMU_DIR)/tests/cuda_emu/probe_check.o $(EMU_LIB_OBJ)
	$(EMU_LINK)

.PHONY: check-cuda-emu
check-cuda-emu: $(EMU_RUN) $(EMU_TP) $(EMU_PROBE) $(EMU_MC)
	@echo "== the device probe: a device that runs the kernels, and one without a kernel image for them =="
	$(EMU_PROBE) image
	SG_EMU_NO_KERNEL_IMAGE=1 $(EMU_PROBE) no-image
	@echo "== cuda_equiv under the host emulation of CUDA ($(EMU_RUN)) =="
	SG_BUILD=$(BUILD) SG_TEST_NO_SKIP=1 $(EMU_RUN)
	@echo "== again (quick sizes) with kernels that cannot launch more than 96 threads per block =="
	SG_BUILD=$(BUILD) SG_TEST_NO_SKIP=1 SG_TEST_QUICK=1 SG_EMU_MAX_BLOCK=96 $(EMU_RUN)
	@echo "== benchmark networks: cpu vs emulated cuda, hashes of spikes and final state =="
	@for a in $(EMU_HASH_NETS); do \
	  c=$$($(EMU_TP) $$a --hash --record --backend cpu 2>/dev/null | grep -o '"hash": "[0-9a-f]*"'); \
	  g=$$($(EMU_TP) $$a --hash --record --backend cuda 2>/dev/null | grep -o '"hash": "[0-9a-f]*"'); \
	  echo "  $$a: cpu $$c, cuda $$g"; \
	  [ -n "$$c" ] && [ "$$c" = "$$g" ] || { echo "  MISMATCH"; exit 1; }; done
	@echo "== microcircuit ($(EMU_MC_ARGS)): cpu vs emulated cuda, every recorded spike (h5diff) =="
	@rm -rf $(EMU_DIR)/mc-cpu $(EMU_DIR)/mc-cuda
	$(EMU_MC) $(EMU_MC_ARGS) --backend cpu --out $(EMU_DIR)/mc-cpu > $(EMU_DIR)/mc-cpu.txt
	$(EMU_MC) $(EMU_MC_ARGS) --backend cuda --out $(EMU_DIR)/mc-cuda > $(EMU_DIR)/mc-cuda.txt
	@grep -q 'backend cuda' $(EMU_DIR)/mc-cuda.txt && grep '^pop' $(EMU_DIR)/mc-cuda.txt | awk '$$7 > 0 { n++ } END { exit !(n >= 4) }' || \
	  { echo "  the emulated cuda microcircuit did not run on cuda or stayed silent"; exit 1; }
	h5diff $(EMU_DIR)/mc-cpu/spikes.h5 $(EMU_DIR)/mc-cuda/spikes.h5 /spikes /spikes
	@grep '^pop' $(EMU_DIR)/mc-cpu.txt > $(EMU_DIR)/mc-cpu.pop && grep '^pop' $(EMU_DIR)/mc-cuda.txt > $(EMU_DIR)/mc-cuda.pop
	@cmp $(EMU_DIR)/mc-cpu.pop $(EMU_DIR)/mc-cuda.pop && echo "  identical spikes, rates and CVs"

# make check-cuda-emu-gpucheck: the GPU check script (bench/gpu_check.sh) end to end against the
# emulated device, with tiny networks (SG_GPUCHECK_SMALL=1) and tests/cuda_emu/fake_tool.sh standing
# in for compute-sanitizer and ncu: every step must pass, so the one real GPU call is not spent on a
# broken script. The script's caps are four times longer here (SG_GPUCHECK_SMALL), and so is the
# deadline: emulated kernels run on the host's cores, and CI machines are shared.
EMU_GC := $(EMU_DIR)/gpucheck
.PHONY: check-cuda-emu-gpucheck
check-cuda-emu-gpucheck: $(EMU_RUN) $(EMU_TP) $(EMU_MC)
	@rm -rf $(EMU_GC) && mkdir -p $(EMU_GC)/bin/bench $(EMU_DIR)/fakebin
	cp $(EMU_RUN) $(EMU_GC)/bin/run && cp $(EMU_TP) $(EMU_GC)/bin/bench/throughput && cp $(EMU_MC) $(EMU_GC)/bin/microcircuit && cp bench/gpu_check.sh $(EMU_GC)/check.sh
	echo "emulated GPU check folder (make check-cuda-emu-gpucheck)" > $(EMU_GC)/BUILD-INFO
	ln -sf $(abspath tests/cuda_emu/fake_tool.sh) $(EMU_DIR)/fakebin/compute-sanitizer
	ln -sf $(abspath tests/cuda_emu/fake_tool.sh) $(EMU_DIR)/fakebin/ncu
	SG_GPUCHECK_SMALL=1 PATH=$(abspath $(EMU_DIR)/fakebin):$$PATH $(EMU_GC)/check.sh --deadline 1600 \
	  --logs $(EMU_DIR)/gpucheck-logs --tarball $(EMU_DIR)/gpucheck-logs.tgz
	@test "$$(grep -c '"status": "pass"' $(EMU_DIR)/gpucheck-logs/steps.jsonl)" = "$$($(EMU_GC)/check.sh --list | wc -l)" || \
	  { echo "check-cuda-emu-gpucheck: every step must pass"; exit 1; }
	@grep -q '"step": "pd14", .*"network": "pd14", .*"record": false' $(EMU_DIR)/gpucheck-logs/results.jsonl
	@grep -q '^hash1e5 .*EQUAL' $(EMU_DIR)/gpucheck-logs/summary.txt
	@tar tzf $(EMU_DIR)/gpucheck-logs.tgz | grep -q 'gpucheck-logs/kernel_timing.jsonl'

# make check-cuda-emu-mutants: the suite must fail on every deliberate bug of mutants.txt
.PHONY: check-cuda-emu-mutants
check-cuda-emu-mutants: $(EMU_RUN)
	EMU_LIBS="$(CUNIT_LIBS) $(HDF5_LIBS) $(MPI_LIBS) -lm -ldl -lpthread $(SG_EMU_SAN)" \
	  tests/cuda_emu/mutants.sh $(EMU_DIR) "$(CXX) $(EMU_CXXFLAGS)" "$(EMU_CC)"

# make check-cuda-emu-asan: the same suite with the emulation, kernels and host code under ASan +
# UBSan: device buffers are heap blocks there, so an out-of-bounds kernel access is reported (the
# host stand-in for compute-sanitizer's memcheck; the emulation announces every fiber switch to
# ASan, so the fibers' stacks are checked too).
.PHONY: check-cuda-emu-asan
check-cuda-emu-asan:
	$(MAKE) --no-print-directory BUILD=$(BUILD)/emu-san \
	  SG_EMU_SAN="-fsanitize=address,undefined,float-cast-overflow -fno-sanitize-recover=all -fno-omit-frame-pointer" check-cuda-emu

# make check-cuda-emu-faults: every fallible CUDA call of a small run (prepares, uploads, graph
# capture and launches, recording downloads, state downloads) fails once in turn, and every third
# as a device fault: tests/cuda_emu/fault_check.c says what must hold. EMU_FAULT_EVERY=k tries
# only every k-th call (.ci/run: every call, 1,253 runs, about 6 minutes on 2 cores).
EMU_FAULT := $(EMU_DIR)/fault_check
EMU_FAULT_EVERY ?= 1
$(EMU_FAULT): $(EMU_DIR)/tests/cuda_emu/fault_check.o $(EMU_LIB_OBJ)
	$(EMU_LINK)

.PHONY: check-cuda-emu-faults
check-cuda-emu-faults: $(EMU_FAULT)
	tests/cuda_emu/faults.sh $(EMU_FAULT) $(EMU_DIR)/faults $(EMU_FAULT_EVERY)

# make cuda-profile-emu: kernel launches, graph launches and host waits per simulated step of the
# cuda backend on the benchmark networks, counted under the emulation (bench/cuda_profile_emu.sh)
.PHONY: cuda-profile-emu
cuda-profile-emu: $(EMU_TP) $(EMU_MC)
	bench/cuda_profile_emu.sh $(EMU_TP) $(EMU_MC)

# make check-cuda-emu-oom: tests/oom_check.c (make check-oom) against the cuda backend under the
# emulation: the N-th host allocation of the library fails (backend_cuda.c's own and everything
# else host/ does), for every N of both scripts. Only the library objects are wrapped (ld -r
# --wrap: the emulated runtime's device and pinned memory comes from malloc too, and its failures
# are check-cuda-emu-faults' matter). OOM_EVERY=k tries every k-th N.
EMU_OOM       := $(EMU_DIR)/oom_check
EMU_OOM_EVERY ?= 1
$(EMU_DIR)/host_oom.o: $(HOST_SRC:%.c=$(EMU_DIR)/%.o)
	ld -r --wrap=malloc --wrap=calloc --wrap=realloc --wrap=aligned_alloc --wrap=free -o $@ $^
$(EMU_DIR)/tests/oom_check_emu.o: tests/oom_check.c $(EMU_DIR)/tests/suites.h
	@mkdir -p $(dir $@)
	$(EMU_CC) -DSG_OOM_WRAPPED_LIB -MMD -MP -c $< -o $@
$(EMU_OOM): $(EMU_DIR)/tests/oom_check_emu.o $(EMU_DIR)/host_oom.o $(EMU_KERN_OBJ) $(EMU_DIR)/emu.o
	$(EMU_LINK)

.PHONY: check-cuda-emu-oom
check-cuda-emu-oom: $(EMU_OOM)
	$(EMU_OOM) --backend cuda --every $(EMU_OOM_EVERY)
