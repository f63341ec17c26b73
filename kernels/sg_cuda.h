/* kernels/sg_cuda.h - the interface between the cuda backend's host side (host/backend_cuda.c,
 * plain C) and its kernels (the .cu files in kernels/): device records, fault bits and the extern "C"
 * launchers. Every launcher enqueues on the given stream and returns the launch status
 * (cudaGetLastError()), so the host checks every launch. Kernel names: <verb>_<noun>_kernel.
 *
 * The step loop on the device (docs/design.md §4, docs/gpu.md), step k read from sg_cu_ctl.step so
 * that one captured step graph can be replayed (a window of sg_cu_ctl.win steps where the network
 * allows: the update runs them all, the others take each entry's step from the list): (1) prepare_generators_kernel +
 * stimulate_targets_kernel, only for generators other than poisson_generators into neurons, (2)
 * update_<model>_kernel, one launch per model for all its populations (draws their Poisson drive,
 * appends spikes and reserves their synapses: no separate scan), (3)
 * deliver_spikes_kernel, (4) record_spikes_kernel + sample_multimeters_kernel. The end of the
 * step (k += 1, statistics, spike list emptied: sg_cu_step_end) is done by the last block of the
 * step's last kernel when that is a record or sample launch, else by advance_step_kernel (an
 * epilogue after the update's loop costs ptxas ~30 registers in every model, so it has none). */
/* SPDX-License-Identifier: MIT */
#ifndef SG_KERNELS_SG_CUDA_H
#define SG_KERNELS_SG_CUDA_H

#include <stddef.h>
#include <stdint.h>

#include <cuda_runtime_api.h>

#include "sg/model.h"
#include "sg/proc.h"
#include "sg/spike_ev.h"
#include "sg/stim/advance.h"

SG_EXTERN_C_BEGIN

/* Device fault bits (atomicOr into sg_cu_ctl.fault, read by the host once per batch). */
enum {
  SG_CU_FAULT_SPIKE_LIST = 1u,   /* more spikes in one window than the spike list holds   */
  SG_CU_FAULT_REC_BUF = 2u,      /* spike-recorder buffer full                              */
  SG_CU_FAULT_MM_BUF = 4u,       /* multimeter sample outside its buffer                    */
  SG_CU_FAULT_NONFINITE = 8u     /* a node's state became non-finite (SG_STEP_NONFINITE)    */
};

/* Control block: one per simulation, in device memory; the host writes it at the start of a
 * batch of steps and reads it at the end. */
typedef struct sg_cu_ctl {
  uint64_t step;        /* k of the step being run (the end of the step increments it)      */
  uint64_t base;        /* first step of the batch: row 0 of the multimeter due table        */
  uint64_t spk_acc;     /* this step's spike list: entries << syn_bits | their synapses; one
                           64-bit atomicAdd per warp reserves list slots and synapse offsets
                           together (entries count every append, also those past the capacity) */
  uint64_t rec_n;       /* entries in the spike-recorder buffer                               */
  uint64_t n_spikes;    /* statistics over the batch: spike-list entries                      */
  uint64_t n_events;    /* statistics over the batch: synaptic events delivered               */
  uint64_t bad_key;     /* first non-finite node: (step - base) << 32 | row, the smallest
                           (the host sets UINT64_MAX)                                         */
  uint64_t pois_from;   /* the update draws the Poisson drive of steps >= pois_from (the step
                           its tables were prepared at); earlier steps' drive is in the ring   */
  uint64_t rec_halt;    /* 0, or: the end of a step that leaves rec_n >= rec_halt halts the batch
                           (the buffer could not take one more step of every recorded sender)  */
  uint32_t halted;      /* set by that step end: the batch's remaining steps do nothing (every
                           kernel returns, the step is not advanced); the host sees ctl.step   */
  uint32_t half;        /* which half of the double-buffered recording buffers (spikes, samples,
                           due table) the batch writes, while the host reads the other one    */
  uint32_t blocks_done; /* blocks of the step's last kernel that have finished (then reset)  */
  uint32_t fault;       /* SG_CU_FAULT_* bits                                                 */
  /* Windows (docs/gpu.md §2): each launch sequence runs `win` steps from `step` (every delay is at
   * least that long, so no spike of the window is read in it); the batch's window lengths are
   * win_tab[0 ..] (the host plans them: cut at multimeter samples and at the batch's end), the
   * end of a window takes the next one, win_tab[win_at]. win_tab NULL: one step at a time. */
  const uint32_t *win_tab;
  uint32_t win;         /* steps of the window being run (0 is taken as 1)                    */
  uint32_t win_at;      /* index of the next window in win_tab                                */
} sg_cu_ctl;

/* A recorded spike: stamp k+1, sender row (global id - 1), multiplicity (sg/spike_ev.h). */
typedef sg_spike_ev sg_cu_rec_ev;

/* A generator as the device holds it: the record both backends run (include/sg/stim/advance.h)
 * and what prepare_generators_kernel's sg_gen_advance found for this step, which
 * stimulate_targets_kernel reads. */
typedef struct sg_cu_gen {
  sg_gen g;
  sg_gen_step now;
} sg_cu_gen;

/* Generator targets, one entry per generator synapse (all generator kinds together, but for the
 * Poisson drive of neurons, which is a table of the same form grouped by target). */
typedef struct sg_cu_gen_syn {
  const uint32_t *gen;       /* index into the generator table                                 */
  const uint32_t *j;         /* target index within the generator's row (the draw element)     */
  const uint32_t *delay;     /* steps                                                          */
  const uint32_t *input;     /* ring input                                                     */
  const float *weight;
  uint64_t n;
} sg_cu_gen_syn;

/* One population of a model's update launch (a device table per model, in launch order): blocks
 * block0 .. block0 + blocks - 1 of the launch update it, grid-stride over its nodes begin .. end - 1
 * (0 .. n - 1 in one process; this rank's block of them with MPI ranks, docs/mpi.md). */
typedef struct sg_cu_upd_pop {
  const void *coef;          /* the model's coefficient records                               */
  uint64_t coef_stride;      /* 0: one record for the population, 1: one per node             */
  sg_view view;              /* device state rows                                              */
  uint64_t first_id, n;      /* global ids first_id .. first_id + n - 1                        */
  uint64_t begin, end;       /* the nodes this launch updates (indices in the population)      */
  uint64_t input_base;       /* the population's first ring input                              */
  uint64_t in_lo, in_gap;    /* sg_step_ctx's: the nodes with inputs in this rank's ring        */
  uint64_t fed_ports;        /* sg_step_ctx.fed_ports: ports any connection writes             */
  uint32_t block0, blocks;
} sg_cu_upd_pop;

/* Everything a model's update launch needs besides its population table. */
typedef struct sg_cu_update_args {
  const sg_cu_upd_pop *pops; /* [n_pops], block0 ascending                                     */
  uint32_t n_pops;
  int64_t *ring;             /* [R * n_inputs]                                                */
  uint64_t n_inputs;
  uint64_t seed;
  uint32_t mask;             /* R - 1                                                         */
  uint32_t spk_cap, syn_bits;   /* spike list capacity; see sg_cu_ctl.spk_acc                 */
  sg_cu_ctl *ctl;
  uint32_t *spk_row, *spk_mult;  /* spike list: row (global id - 1) and multiplicity          */
  uint16_t *spk_w;           /* and the entry's step in the window                             */
  uint64_t *spk_prefix;      /* first synapse of each entry among the step's (delivery)        */
  const uint64_t *row_ptr;   /* [n_nodes + 1] the CSR's rows: an entry's synapses              */
  /* The Poisson drive: synapses into neurons of poisson_generators with lambda < 10 (no PTRS),
   * grouped by target (pois_row [n_nodes + 1]: each node's first; fewer than 2^32 of them);
   * pois_row NULL when there are none */
  const uint32_t *pois_row;
  sg_cu_gen_syn pois;
  const sg_cu_gen *gens;     /* the generator table (pois.gen indexes it)                      */
} sg_cu_update_args;

typedef struct sg_cu_gen_args {
  sg_cu_gen *gens;
  uint64_t n_gens;
  const int64_t *ev_t;       /* event stamps (steps), host sim->gen_t                           */
  const double *ev_w;        /* spike weight factors / amplitudes, host sim->gen_w              */
  const uint32_t *ev_m;      /* multiplicities, host sim->gen_m                                 */
  double *vals;              /* noise values per target, host sim->gen_vals                     */
  int64_t *ring;
  uint64_t n_inputs, seed;
  uint32_t mask;
  const sg_cu_ctl *ctl;
} sg_cu_gen_args;

/* Neuron -> neuron synapses: the host CSR (rows = all nodes) with row_ptr added, each synapse's
 * delay packed with its input when both fit 32 bits (sg_csr_pack, include/sg/csr.h); else the
 * plain inputs and the segments, which delivery searches for the delay. */
typedef struct sg_cu_csr {
  const uint64_t *row_ptr;   /* [n_rows + 1] first synapse of each row                         */
  const uint32_t *target;    /* [n_syn] input | delay << input_bits, or the input (unpacked)   */
  const float *weight;       /* [n_syn]                                                        */
  uint32_t input_bits;       /* of target; SG_CSR_UNPACKED: plain inputs, segments below       */
  const uint64_t *row_seg;   /* [n_rows + 1] segment range of each row (unpacked only, or NULL) */
  const uint64_t *seg_end;   /* [n_seg] end (exclusive) of each segment (unpacked only)        */
  const uint32_t *seg_delay; /* [n_seg] (unpacked only)                                        */
} sg_cu_csr;

/* The step's spike list. Readers take min(entries, cap) entries (sg_cu_spike_count): entries count every append,
 * also those past the capacity (which set SG_CU_FAULT_SPIKE_LIST and stop the run on the host),
 * so no reader ever touches memory beyond the list. */
typedef struct sg_cu_spikes {
  const uint32_t *row, *mult;
  const uint16_t *w;         /* [cap] the entry's step in the window (its step is ctl.step + w);
                                NULL: every entry is of step ctl.step                          */
  uint64_t *prefix;          /* [cap] exclusive prefix sum of the row lengths (list order)     */
  uint32_t cap;              /* entries the list holds                                         */
  uint32_t syn_bits;         /* synapse bits of sg_cu_ctl.spk_acc                               */
} sg_cu_spikes;

/* Multimeter gather list: entry e copies *addr[e] into the sample buffer at
 * due[(step - base) * n_mm + mm[e]] + e - first[mm[e]] when that is not SG_CU_NOT_DUE. */
#define SG_CU_NOT_DUE UINT64_MAX
typedef struct sg_cu_mm_args {
  const double *const *addr;
  const uint32_t *mm;
  const uint64_t *first;     /* [n_mm] first entry of each multimeter                          */
  const uint64_t *due;       /* [steps * n_mm] sample offset or SG_CU_NOT_DUE                  */
  uint64_t n_entries, n_mm, due_steps, cap;
  double *buf;
} sg_cu_mm_args;

/* ---- launchers (grid 0 = computed from the work size) ------------------------------------ */
/* Grid for a grid-stride kernel over `work` items: enough blocks to fill the device, no more
 * than the work needs. */
unsigned sg_cuda_grid(uint64_t work, unsigned block, int n_sm);

/* Block size actually used for a kernel: `want` (a multiple of 32) capped at what the compiled
 * kernel can launch with (cudaFuncGetAttributes: maxThreadsPerBlock shrinks with its register use,
 * e.g. glif_cond's update cannot run 1024 threads per block). 0 on a CUDA error (the next launch
 * or call reports it). Results never depend on block sizes, so capping is always safe.
 *   which: SG_CU_K_* below; model: the neuron model for SG_CU_K_UPDATE. */
enum { SG_CU_K_UPDATE = 0, SG_CU_K_PREPARE_GENS, SG_CU_K_STIMULATE, SG_CU_K_DELIVER, SG_CU_K_RECORD, SG_CU_K_SAMPLE,
       SG_CU_K_PROC, SG_CU_K_FLUSH_POISSON, SG_CU_K_COUNT };
unsigned sg_cuda_block_for(int which, int model, unsigned want);

/* Whether this model has an update kernel (model list entry with kind neuron). */
int sg_cuda_has_update(int model);
/* One launch for all populations of `model` (a->pops: their table; grid = the sum of their blocks). */
cudaError_t sg_cuda_update_neurons(int model, const sg_cu_update_args *a, unsigned grid, unsigned block, cudaStream_t s);
cudaError_t sg_cuda_prepare_generators(const sg_cu_gen_args *a, unsigned grid, unsigned block, cudaStream_t s);
cudaError_t sg_cuda_stimulate_targets(const sg_cu_gen_args *a, const sg_cu_gen_syn *gs, unsigned grid,
                                      unsigned block, cudaStream_t s);
/* The Poisson drive of table ps for steps from .. to - 1 that the update has not drawn (their
 * events due at step to or later) into the ring (flush_poisson_kernel, kernels/stim.cu). */
cudaError_t sg_cuda_flush_poisson(const sg_cu_gen_args *a, const sg_cu_gen_syn *ps, uint64_t from, uint64_t to,
                                  unsigned grid, unsigned block, cudaStream_t s);
cudaError_t sg_cuda_deliver_spikes(const sg_cu_ctl *ctl, sg_cu_csr csr, sg_cu_spikes sp, int64_t *ring,
                                   uint64_t n_inputs, uint32_t mask, unsigned grid, unsigned block,
                                   cudaStream_t s);
/* The rows of procedural projection P (sg/proc.h; count: its per-source counts on the device, or
 * NULL) for this step's spikes, into the ring: the synapses of targets t_lo <= t < t_hi (indices
 * among P's targets; 0 and UINT64_MAX for all). */
cudaError_t sg_cuda_deliver_proc(sg_cu_ctl *ctl, const sg_proc *P, const uint32_t *count, sg_cu_spikes sp,
                                 int64_t *ring, uint64_t n_inputs, uint32_t mask, uint64_t t_lo, uint64_t t_hi,
                                 unsigned grid, unsigned block, cudaStream_t s);
/* last: the launch ends the step (sg_cu_step_end) */
cudaError_t sg_cuda_record_spikes(sg_cu_ctl *ctl, const uint8_t *has_rec, sg_cu_spikes sp, sg_cu_rec_ev *buf,
                                  uint64_t cap, int last, unsigned grid, unsigned block, cudaStream_t s);
cudaError_t sg_cuda_sample_multimeters(sg_cu_ctl *ctl, sg_cu_mm_args a, sg_cu_spikes sp, int last, unsigned grid,
                                       unsigned block, cudaStream_t s);
/* The end of the step as a launch of its own, when no launch above ends it. */
cudaError_t sg_cuda_advance_step(sg_cu_ctl *ctl, sg_cu_spikes sp, cudaStream_t s);
/* The start of a batch of steps at step `start`, which writes recording half `half`: the batch's
 * counters reset. A batch enqueued behind one that the device halted early finds ctl.step short of
 * `start` and stays halted: every step of it does nothing (the host plans the next one from where
 * the device stopped). */
cudaError_t sg_cuda_begin_batch(sg_cu_ctl *ctl, uint64_t start, uint32_t half, uint64_t pois_from, uint64_t rec_halt,
                                const uint32_t *win_tab, cudaStream_t s);

/* Whether the device can run this build's kernels: cudaFuncGetAttributes on one of them, which
 * fails with cudaErrorNoKernelImageForDevice when the build has no image (SASS or PTX) for the
 * device's architecture. The device probe calls it before it accepts a device. */
cudaError_t sg_cuda_probe_image(void);

/* ---- self-tests (tests/test_cuda_equiv.c): the device's view of the shared headers ------- */
/* out[4 i .. 4 i + 3] = Philox4x32-10 of counter {ctr_x0 + i, ctr_y, lo32(elem), hi32(elem)}
 * (i + ctr_x0 must not carry into y), through our SG_HD code (which = 0) or through cuRAND's
 * curand_init(seed, elem, 4 ((uint64)ctr_y << 32 | ctr_x)) + curand4 (which = 1). Synchronous. */
cudaError_t sg_cuda_test_philox(int which, uint64_t seed, uint64_t elem, uint32_t ctr_x0, uint32_t ctr_y,
                                uint64_t n, uint32_t *out);
/* Samplers of sg/rng.h on the device for element i: out_u[i] = 53-bit uniform of block
 * (seed, stream, i, step, 0), out_p[i] = Poisson count with lambda[i], out_n[i] = normal. */
cudaError_t sg_cuda_test_samplers(uint64_t seed, uint64_t step, uint64_t n, const double *lambda,
                                  const double *emlambda, double *out_u, uint32_t *out_p, double *out_n);
/* Math grid: for every (x[i], y[i]): out[SG_CU_MATH_N i + c] for the SG_CU_MATH_N functions
 * listed in sg_cu_math_ref (kernels/math_kernel.cuh); compiled with -fmad=false (this one) and
 * with -fmad=true (sg_cuda_test_math_fmad, the test's negative control, in kernels_fmad/). */
#define SG_CU_MATH_N 6
cudaError_t sg_cuda_test_math(uint64_t n, const double *x, const double *y, double *out);
cudaError_t sg_cuda_test_math_fmad(uint64_t n, const double *x, const double *y, double *out);

SG_EXTERN_C_END

#endif
