/* kernels/sg_cu_device.h - device helpers shared by the .cu files (CUDA C++ only): warp-uniform
 * grid-stride loops, warp-aggregated append, fixed-point ring addition, the grid heuristic. */
/* SPDX-License-Identifier: MIT */
#ifndef SG_KERNELS_SG_CU_DEVICE_H
#define SG_KERNELS_SG_CU_DEVICE_H

#ifndef __CUDACC__
#  error "sg_cu_device.h is CUDA C++ only"
#endif

#include <cuda_runtime.h>

#include "sg_cuda.h"

#define SG_CU_FULL_MASK 0xffffffffu

/* Appends for every lane with pred set one slot of *counter and returns its index (lanes without
 * pred get UINT32_MAX). One atomicAdd per warp (warp-aggregated atomics). Every lane of the warp
 * must call it: the loops that use it are warp-uniform (see SG_CU_WARP_LOOP) and block sizes are
 * multiples of 32 (sg_config checks that). */
static __device__ __forceinline__ uint32_t sg_cu_warp_append(bool pred, uint32_t *counter) {
  const unsigned lane = threadIdx.x & 31u;
  const unsigned mask = __ballot_sync(SG_CU_FULL_MASK, pred);
  if (mask == 0u) return UINT32_MAX;
  const int leader = __ffs((int)mask) - 1;
  uint32_t base = 0;
  if ((int)lane == leader) base = atomicAdd(counter, (uint32_t)__popc((int)mask));
  base = __shfl_sync(SG_CU_FULL_MASK, base, leader);
  return pred ? base + (uint32_t)__popc((int)(mask & ((1u << lane) - 1u))) : UINT32_MAX;
}

/* Entries of the step's spike list that exist: spk_n counts every append, also those that found
 * the list full (they set SG_CU_FAULT_SPIKE_LIST; the host stops the run with an error after the
 * batch), so readers stop at the capacity and never read past the list meanwhile. */
static __device__ __forceinline__ uint32_t sg_cu_spike_count(const sg_cu_ctl *ctl, const sg_cu_spikes &sp) {
  const uint32_t n = ctl->spk_n;
  return n < sp.cap ? n : sp.cap;
}

/* Same with a 64-bit counter. */
static __device__ __forceinline__ uint64_t sg_cu_warp_append64(bool pred, uint64_t *counter) {
  const unsigned lane = threadIdx.x & 31u;
  const unsigned mask = __ballot_sync(SG_CU_FULL_MASK, pred);
  if (mask == 0u) return UINT64_MAX;
  const int leader = __ffs((int)mask) - 1;
  unsigned long long base = 0;
  if ((int)lane == leader) base = atomicAdd((unsigned long long *)counter, (unsigned long long)__popc((int)mask));
  base = __shfl_sync(SG_CU_FULL_MASK, base, leader);
  return pred ? (uint64_t)base + (uint64_t)__popc((int)(mask & ((1u << lane) - 1u))) : UINT64_MAX;
}

/* Warp-uniform grid-stride loops: the warp's first index starts here and steps by the grid's
 * thread count, so all 32 lanes make the same number of trips (lane l handles first + l and
 * checks it against the bound); the collectives above can then be used inside. */
static __device__ __forceinline__ uint64_t sg_cu_warp_first(void) {
  return (uint64_t)blockIdx.x * blockDim.x + (threadIdx.x & ~31u);
}
static __device__ __forceinline__ uint64_t sg_cu_grid_threads(void) { return (uint64_t)gridDim.x * blockDim.x; }

/* Plain grid-stride loop (no warp collectives inside). */
#define SG_CU_GRID_LOOP(idx, n) \
  for (uint64_t idx = (uint64_t)blockIdx.x * blockDim.x + threadIdx.x; idx < (n); idx += (uint64_t)gridDim.x * blockDim.x)

/* want capped at the kernel's maxThreadsPerBlock, rounded down to a multiple of 32; 0 on error. */
static inline unsigned sg_cu_cap_block(const void *kernel, unsigned want) {
  cudaFuncAttributes fa;
  if (cudaFuncGetAttributes(&fa, kernel) != cudaSuccess) return 0;
  const unsigned maxb = (unsigned)fa.maxThreadsPerBlock & ~31u;
  return want < maxb ? want : maxb;
}

/* Adds a Q31.32 value into a ring slot. Integer addition is associative and commutative, so the
 * order in which threads add can never change the result (determinism: bit-exact, run to run and
 * against the CPU backend). Two's complement wrap-around of intermediate sums is harmless. */
static __device__ __forceinline__ void sg_cu_ring_add(int64_t *p, int64_t v) {
  atomicAdd((unsigned long long *)p, (unsigned long long)v);
}

#endif
