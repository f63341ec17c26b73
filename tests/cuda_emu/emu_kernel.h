/* tests/cuda_emu/emu_kernel.h - the CUDA C++ kernel language, as much of it as kernels/ uses, for the
 * host emulation (emu.cpp). Force-included (-include) into every kernel file after `make
 * check-cuda-emu` has rewritten its launches `k<<<grid, block, smem, stream>>>(args)` into
 * `emu::launch(emu::cfg(grid, block, smem, stream), k, args)`.
 *
 * Every CUDA thread becomes a fiber (emu.cpp). Atomics are plain read-modify-writes: a fiber runs
 * until it reaches a warp collective, __syncthreads or its end, so nothing can interleave inside
 * one. cuRAND's device header is included before the thread-index macros because its host path
 * declares `blockDim` and `threadIdx` itself. Test harness only. */
/* SPDX-License-Identifier: MIT */
#pragma once
#include <cstdint>
#include <functional>

#include "cuda_runtime_api.h"

/* cuRAND's headers bring the toolkit's own definitions of the qualifiers: replaced below */
#ifdef SG_EMU_WITH_CURAND
#include <library_types.h>
#include <vector_types.h>
/* vector_functions.h would pull in the toolkit's runtime API next to ours; curand needs only this */
static inline uint4 make_uint4(unsigned x, unsigned y, unsigned z, unsigned w) { uint4 v = {x, y, z, w}; return v; }
#include <curand_kernel.h>
#endif
#undef __global__
#undef __device__
#undef __host__
#undef __forceinline__
#undef __noinline__
#undef __shared__
#undef __restrict__
#define __global__
#define __device__
#define __host__
#define __forceinline__ inline __attribute__((always_inline))
#define __noinline__ __attribute__((noinline))
#define __shared__ static
#define __restrict__ __restrict


struct emu_dim3 { unsigned x, y, z; };
namespace emu {
extern emu_dim3 thread_idx, block_idx, block_dim, grid_dim;
struct cfg_t { unsigned grid, block; cudaStream_t stream; };
inline cfg_t cfg(unsigned grid, unsigned block, size_t = 0, cudaStream_t s = 0) { return {grid, block, s}; }
/* kernel: the kernel's address, for the launch profile (SG_EMU_PROFILE_FILE) */
void launch_fn(unsigned grid, unsigned block, cudaStream_t stream, std::function<void()> body,
               const void *kernel = nullptr);
template <class K, class... A> void launch(cfg_t c, K kernel, A... args) {   /* arguments by value, as CUDA */
  launch_fn(c.grid, c.block, c.stream, [=]() { kernel(args...); }, (const void *)kernel);
}
/* kind: 0 ballot, 1 shfl, 2 shfl_up (per warp), 3 __syncthreads (per block) */
unsigned long long collective(int kind, unsigned long long value, int arg);
}  // namespace emu
#define threadIdx emu::thread_idx
#define blockIdx emu::block_idx
#define blockDim emu::block_dim
#define gridDim emu::grid_dim

inline unsigned __ballot_sync(unsigned, bool p) { return (unsigned)emu::collective(0, p ? 1 : 0, 0); }
template <class T> inline T __shfl_sync(unsigned, T v, int src) {
  return (T)emu::collective(1, (unsigned long long)v, src);
}
template <class T> inline T __shfl_up_sync(unsigned, T v, unsigned d) {
  return (T)emu::collective(2, (unsigned long long)v, (int)d);
}
inline void __syncthreads() { (void)emu::collective(3, 0, 0); }
/* blocks run one after another on one host thread: every write is visible to the next block */
inline void __threadfence() {}
inline int __ffs(int x) { return __builtin_ffs(x); }
inline int __popc(int x) { return __builtin_popcount((unsigned)x); }
inline unsigned atomicAdd(unsigned *p, unsigned v) { const unsigned o = *p; *p = o + v; return o; }
inline unsigned long long atomicAdd(unsigned long long *p, unsigned long long v) {
  const unsigned long long o = *p; *p = o + v; return o;
}
inline unsigned atomicOr(unsigned *p, unsigned v) { const unsigned o = *p; *p = o | v; return o; }
inline unsigned long long atomicMin(unsigned long long *p, unsigned long long v) {
  const unsigned long long o = *p; *p = v < o ? v : o; return o;
}
