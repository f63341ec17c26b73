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

/* The step's spike list: entries and their synapses, from one word (sg_cu_ctl.spk_acc). */
static __device__ __forceinline__ uint64_t sg_cu_acc_entries(uint64_t acc, uint32_t syn_bits) { return acc >> syn_bits; }
static __device__ __forceinline__ uint64_t sg_cu_acc_synapses(uint64_t acc, uint32_t syn_bits) {
  return acc & (((uint64_t)1 << syn_bits) - 1u);
}

/* Entries of the step's spike list that exist: the count includes every append, also those that
 * found the list full (they set SG_CU_FAULT_SPIKE_LIST; the host stops the run with an error after
 * the batch), so readers stop at the capacity and never read past the list meanwhile. */
static __device__ __forceinline__ uint32_t sg_cu_spike_count(const sg_cu_ctl *ctl, const sg_cu_spikes &sp) {
  const uint64_t n = sg_cu_acc_entries(ctl->spk_acc, sp.syn_bits);
  return n < sp.cap ? (uint32_t)n : sp.cap;
}

/* Synapses of the step's spikes: what delivery runs over. 0 when the list overflowed (the
 * synapses of the entries it could not hold are counted, their rows are not there; the run stops
 * with SG_CU_FAULT_SPIKE_LIST). */
static __device__ __forceinline__ uint64_t sg_cu_syn_total(const sg_cu_ctl *ctl, const sg_cu_spikes &sp) {
  const uint64_t acc = ctl->spk_acc;
  return sg_cu_acc_entries(acc, sp.syn_bits) <= sp.cap ? sg_cu_acc_synapses(acc, sp.syn_bits) : 0u;
}

/* Appends a spike-list entry for every lane with pred set and reserves its len synapses: one 64-bit
 * atomicAdd per warp on *acc (entries << syn_bits | synapses), so every entry gets its list slot
 * (returned; UINT32_MAX without pred) and its first synapse among the step's, the exclusive prefix
 * of the row lengths in list order that delivery searches (*prefix), with no scan over the list.
 * Every lane of the warp must call it: the loops that use it are warp-uniform (sg_cu_warp_first)
 * and block sizes are multiples of 32 (sg_config checks that). */
static __device__ __forceinline__ uint32_t sg_cu_warp_append_spike(bool pred, uint64_t len, uint32_t syn_bits,
                                                                   uint64_t *acc, uint64_t *prefix) {
  const unsigned lane = threadIdx.x & 31u;
  const unsigned mask = __ballot_sync(SG_CU_FULL_MASK, pred);
  if (mask == 0u) return UINT32_MAX;
  if (!pred) len = 0;
  uint64_t x = len;   /* inclusive scan of the lengths over the warp */
  for (unsigned d = 1; d < 32; d <<= 1) {
    const uint64_t y = __shfl_up_sync(SG_CU_FULL_MASK, x, d);
    if (lane >= d) x += y;
  }
  const uint64_t warp_len = __shfl_sync(SG_CU_FULL_MASK, x, 31);
  const int leader = __ffs((int)mask) - 1;
  unsigned long long base = 0;
  if ((int)lane == leader)
    base = atomicAdd((unsigned long long *)acc, ((unsigned long long)__popc((int)mask) << syn_bits) + warp_len);
  base = __shfl_sync(SG_CU_FULL_MASK, base, leader);
  if (!pred) return UINT32_MAX;
  *prefix = sg_cu_acc_synapses(base, syn_bits) + x - len;
  return (uint32_t)sg_cu_acc_entries(base, syn_bits) + (uint32_t)__popc((int)(mask & ((1u << lane) - 1u)));
}

/* Steps of the window being run (sg_cu_ctl.win; 0 or 1: one step). */
static __device__ __forceinline__ uint32_t sg_cu_win(const sg_cu_ctl *ctl) { return ctl->win > 1u ? ctl->win : 1u; }

/* The step of spike-list entry q: the window's first plus the entry's offset in it. */
static __device__ __forceinline__ uint64_t sg_cu_entry_step(uint64_t k, const sg_cu_spikes &sp, uint32_t q) {
  return sp.w ? k + sp.w[q] : k;
}

/* The end of a window (of one step or more): k += its steps, the window's spikes and synapses into
 * the batch statistics, the spike list emptied, the block count reset, the next window's length
 * taken from the batch's table; if the spike-recorder buffer now has less room than one more
 * window could fill, the batch halts (the host sizes batches by the recent spike rate, not by the
 * worst case, and takes up where the device stopped). In a halted window nothing advances.
 * Volatile accesses: the counters were written by other blocks, so no stale L1 line may be read. */
static __device__ __forceinline__ void sg_cu_advance(sg_cu_ctl *ctl, const sg_cu_spikes &sp) {
  volatile sg_cu_ctl *v = ctl;
  if (v->halted) {
    v->blocks_done = 0;
    return;
  }
  const uint64_t acc = v->spk_acc;
  const uint64_t n = sg_cu_acc_entries(acc, sp.syn_bits);
  v->n_spikes = v->n_spikes + (n < sp.cap ? n : sp.cap);
  v->n_events = v->n_events + (n <= sp.cap ? sg_cu_acc_synapses(acc, sp.syn_bits) : 0u);
  v->spk_acc = 0;
  v->blocks_done = 0;
  v->step = v->step + (v->win > 1u ? v->win : 1u);
  if (v->win_tab) {
    const uint32_t at = v->win_at;
    v->win = v->win_tab[at];
    v->win_at = at + 1u;
  }
  if (v->rec_halt != 0u && v->rec_n >= v->rec_halt) v->halted = 1u;
}

/* The end of a step folded into the step's last kernel: every block calls it after its work (all
 * threads: no early return before it); the block that finishes last advances. Each block's thread 0
 * counts the block done after __syncthreads (every thread of the block has finished reading step
 * k's control block and list) and a fence, so the last block advances only when nothing of step k
 * is read any more (the reduction pattern of the CUDA programming guide's __threadfence example). */
static __device__ void sg_cu_step_end(sg_cu_ctl *ctl, const sg_cu_spikes &sp) {
  __syncthreads();
  if (threadIdx.x != 0) return;
  __threadfence();
  if (atomicAdd(&ctl->blocks_done, 1u) != gridDim.x - 1u) return;
  __threadfence();
  sg_cu_advance(ctl, sp);
}

/* Appends for every lane with pred set one slot of *counter and returns its index (lanes without
 * pred get UINT64_MAX). One atomicAdd per warp (warp-aggregated atomics); warp-uniform callers. */
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
