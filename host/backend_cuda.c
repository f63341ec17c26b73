/* host/backend_cuda.c - the cuda backend's host side: device probe, device memory, orchestration.
 * In a CPU-only build (no nvcc) only the probe exists and says why there is no cuda.
 *
 * The device runs the step loop of host/backend_cpu.c with the kernels of kernels/ (see
 * kernels/sg_cuda.h): the same SG_HD model, generator and fixed-point code, integer atomics into
 * an int64 ring, so results are bit-identical to the cpu backend (DESIGN.md 2.1).
 *
 * prepare: device memory is counted first and compared with what the device has free (a clear
 *   "needs X GiB, Y GiB free" error, nothing allocated); then everything is uploaded and one step is
 *   captured as a CUDA graph (plus one of SG_CU_UNROLL steps). The step index lives in device memory
 *   (sg_cu_ctl.step), so the same graph is replayed for every step. The ring keeps its pending
 *   events when it grows, like the cpu backend's.
 * run(n): batches of steps without host synchronisation inside a batch; a batch ends when the
 *   run's steps are done or the recording buffers could fill (sized so they never overflow). After a
 *   batch the control block, the spike-recorder entries and the multimeter samples come back through
 *   pinned memory; spikes are sorted by (stamp, sender) and handed to sg_i_srec_push, samples to
 *   sg_i_mm_row, in the cpu backend's order, so record.c, sg_spikes, sg_samples and the HDF5 writer
 *   see exactly what the cpu backend gives them.
 * sync: state and generator runtime state back into the host arrays (sg_get, a later prepare).
 * Errors: every CUDA call and launch is checked; a failure becomes SG_ERR_CUDA with the error name
 *   and the call. An error while steps run, or a sticky (context-destroying) error, poisons the
 *   simulation (sim->poisoned): recordings up to the last completed batch are kept.
 * Environment: SG_CUDA_GRAPHS=0 launches the kernels one by one instead of replaying graphs (the
 *   results are the same; for debugging and compute-sanitizer). SG_CUDA_TEST_REC_CAP and
 *   SG_CUDA_TEST_MM_CAP shrink the recording buffers (entries) so tests cross many batch
 *   boundaries. Build with -DSG_DEBUG_SYNC (and SG_CUDA_GRAPHS=0) to synchronise after every step. */
/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#ifndef SG_HAVE_CUDA

int sg_cuda_available(char *why, size_t len) {
  if (why && len) snprintf(why, len, "this build has no CUDA backend (built without nvcc)");
  return 0;
}

static sg_status no_cuda(sg_sim *sim) {
  return sg_i_fail(sim, SG_ERR_NO_DEVICE, "this build has no CUDA backend (built without nvcc)");
}
static sg_status stub_prepare(sg_sim *sim) { return no_cuda(sim); }
static sg_status stub_run(sg_sim *sim, uint64_t n) { (void)n; return no_cuda(sim); }
static sg_status stub_sync(sg_sim *sim) { return no_cuda(sim); }
static void stub_release(sg_sim *sim) { (void)sim; }
const sg_backend_ops sg_i_cuda_backend = {"cuda", stub_prepare, stub_run, stub_sync, stub_release};

#else

#include <cuda_runtime_api.h>

#include "../kernels/sg_cuda.h"
#include "sg/model_list.h"

/* Probes once per process (the first CUDA call), keeps the answer and the reason. */
int sg_cuda_available(char *why, size_t len) {
  static int probed = 0, usable = 0;
  static char reason[256];
  if (!probed) {
    probed = 1;
    int n = 0;
    cudaError_t e = cudaGetDeviceCount(&n);
    if (e != cudaSuccess) {
      snprintf(reason, sizeof reason, "no usable CUDA device: %s (%s)", cudaGetErrorString(e), cudaGetErrorName(e));
    } else if (n == 0) {
      snprintf(reason, sizeof reason, "no CUDA device present");
    } else {
      struct cudaDeviceProp prop;
      if ((e = cudaSetDevice(0)) == cudaSuccess) e = cudaFree(0);
      if (e == cudaSuccess) e = cudaGetDeviceProperties(&prop, 0);
      if (e != cudaSuccess) {
        snprintf(reason, sizeof reason, "CUDA device 0 unusable: %s (%s)", cudaGetErrorString(e), cudaGetErrorName(e));
      } else if (prop.major < 7 || (prop.major == 7 && prop.minor < 5)) {
        snprintf(reason, sizeof reason, "CUDA device 0 (%.100s) has compute capability %d.%d: allowed >= 7.5", prop.name, prop.major, prop.minor);
      } else {
        usable = 1;
        snprintf(reason, sizeof reason, "%.100s (compute capability %d.%d, %.1f GiB)", prop.name, prop.major, prop.minor,
                 (double)prop.totalGlobalMem / 1073741824.0);
      }
    }
  }
  if (why && len) snprintf(why, len, "%s", reason);
  return usable;
}

#define GIB 1073741824.0
#define SG_CU_UNROLL 16                      /* steps per replay of the long graph             */
#define SG_CU_REC_BUDGET ((uint64_t)1 << 24) /* spike-recorder entries (16 B) a batch may use   */
#define SG_CU_MM_BUDGET ((uint64_t)1 << 25)  /* multimeter doubles a batch may use             */
#define SG_CU_RESERVE (256.0 * 1048576.0)    /* device memory left free (context, graphs, ...)  */

/* ---- the backend's data ------------------------------------------------------------------ */
typedef struct cu_pop {
  sg_pop *pop;
  int model;
  uint64_t n;
  uint32_t n_state;
  uint32_t width[SG_MAX_STATE_ROWS];
  double *host_row[SG_MAX_STATE_ROWS];   /* host arrays at upload time: a row reallocated since
                                            (fresh state after a width change) is not pulled back */
  uint64_t row_off[SG_MAX_STATE_ROWS];   /* offset of row r in d_state (doubles)            */
  double *d_state;
  uint64_t n_doubles;
  void *d_coef;
  int coef_per_node;
  sg_view view;                          /* device row pointers                              */
  unsigned grid, block;
} cu_pop;

typedef struct cu_mm_tgt {
  uint64_t off;       /* first value of this target in the multimeter's sample block           */
  int snapshot;       /* 1: the node's whole state (the model computes its recordables on the
                         host with recordable_value); 0: one value per recorded variable       */
} cu_mm_tgt;

typedef struct cu_mm {
  uint64_t first, n;  /* gather entries of this multimeter (n = values per sample)             */
  cu_mm_tgt *tgt;     /* [n_targets]                                                           */
} cu_mm;

typedef struct cu_data {
  int block, n_sm, use_graph;
  char dev_name[256];
  cudaStream_t stream;
  sg_cu_ctl *d_ctl, *h_ctl;
  /* ring: kept across prepares */
  int64_t *d_ring;
  uint32_t R;
  uint64_t ni;
  /* neurons */
  cu_pop *pops;
  size_t n_pops;
  uint64_t n_neurons;
  uint32_t *d_spk_row, *d_spk_mult;
  uint64_t *d_prefix;
  uint32_t spk_cap;
  /* neuron -> neuron synapses */
  uint64_t *d_row_ptr, *d_row_seg, *d_seg_end;
  uint32_t *d_seg_delay, *d_input;
  float *d_weight;
  uint64_t n_syn;
  /* generators */
  sg_cu_gen *d_gens;
  uint64_t n_gens;
  uint32_t *d_gs_gen, *d_gs_j, *d_gs_delay, *d_gs_input;
  float *d_gs_weight;
  uint64_t n_gs;
  int64_t *d_ev_t;
  double *d_ev_w;
  uint32_t *d_ev_m;
  double *d_vals;
  uint64_t n_ev, n_vals;
  /* spike recorders */
  uint8_t *d_has_rec;
  uint64_t n_rec_src, rec_cap;
  sg_cu_rec_ev *d_rec, *h_rec;
  /* multimeters */
  const double **d_mm_addr;
  uint32_t *d_mm_idx;
  uint64_t *d_mm_first;
  uint64_t n_mm_ent;
  cu_mm *mm;
  size_t n_mm;
  uint64_t *d_due, *h_due;
  uint64_t due_steps;
  double *d_mm_buf, *h_mm_buf;
  uint64_t mm_cap;
  /* launch configuration of the step: per kernel the configured block size capped at what the
   * compiled kernel can launch (sg_cuda_block_for) */
  unsigned blk[SG_CU_K_COUNT];
  unsigned grid_gens, grid_gs, grid_deliver, grid_rec, grid_mm;
  sg_cu_gen_args gen_args;
  sg_cu_gen_syn gen_syn;
  sg_cu_csr csr;
  sg_cu_spikes spk;
  sg_cu_mm_args mm_args;
  cudaGraphExec_t graph1, graphU;
  int ready;
} cu_data;

/* ---- errors ------------------------------------------------------------------------------ */
/* Errors after which the context is unusable (every later call returns them). */
static int is_sticky(cudaError_t e) {
  switch (e) {
  case cudaErrorIllegalAddress: case cudaErrorLaunchFailure: case cudaErrorHardwareStackError:
  case cudaErrorIllegalInstruction: case cudaErrorMisalignedAddress: case cudaErrorInvalidAddressSpace:
  case cudaErrorInvalidPc: case cudaErrorAssert: case cudaErrorLaunchTimeout: case cudaErrorECCUncorrectable:
  case cudaErrorUnknown: case cudaErrorContextIsDestroyed: case cudaErrorDevicesUnavailable:
    return 1;
  default:
    return 0;
  }
}

/* Turns a CUDA error into SG_ERR_CUDA with its name and the call; poisons the simulation when
 * steps were running (`running`) or the error is sticky. */
static sg_status cu_fail(sg_sim *sim, cudaError_t e, const char *call, int line, int running) {
  const int poison = running || is_sticky(e);
  char what[SG_MSG_LEN];
  snprintf(what, sizeof what, "%s (%s) in %.160s [backend_cuda.c:%d]", cudaGetErrorName(e), cudaGetErrorString(e), call, line);
  if (!poison) (void)cudaGetLastError();   /* clear a non-sticky error */
  if (poison) {
    sim->poisoned = 1;
    snprintf(sim->backend_reason, sizeof sim->backend_reason, "cuda: stopped by %.200s", what);
    return sg_i_fail(sim, SG_ERR_CUDA, "cuda backend: %s; the simulation stopped at t = %g ms and cannot continue (recordings up to there are kept)",
                     what, (double)sim->step * sim->h);
  }
  return sg_i_fail(sim, SG_ERR_CUDA, "cuda backend: %s", what);
}

/* Every CUDA call goes through CU_TRY: needs `sg_status st`, `int running` and a `fail:` label. */
#define CU_TRY(call)                                                   \
  do {                                                                 \
    const cudaError_t cu_e_ = (call);                                  \
    if (cu_e_ != cudaSuccess) {                                        \
      st = cu_fail(sim, cu_e_, #call, __LINE__, running);              \
      goto fail;                                                       \
    }                                                                  \
  } while (0)

/* cudaMalloc of at least 8 bytes (so that an empty table still has a valid pointer) */
#define CU_ALLOC(ptr, bytes)                                                   \
  do {                                                                         \
    const size_t cu_b_ = (size_t)(bytes);                                      \
    CU_TRY(cudaMalloc((void **)&(ptr), cu_b_ != 0 ? cu_b_ : 8u));              \
  } while (0)
/* host -> device on the backend's stream; nothing for 0 bytes */
#define CU_UP(dst, src, bytes)                                                                              \
  do {                                                                                                      \
    const size_t cu_b_ = (size_t)(bytes);                                                                   \
    if (cu_b_ != 0)                                                                                         \
      CU_TRY(cudaMemcpyAsync((void *)(dst), (const void *)(src), cu_b_, cudaMemcpyHostToDevice, d->stream)); \
  } while (0)

/* Frees a device pointer; the first failure is reported in the message (release returns nothing). */
static void cu_free(sg_sim *sim, void *p, const char *what) {
  if (!p) return;
  const cudaError_t e = cudaFree(p);
  if (e != cudaSuccess) sg_i_fail(sim, SG_ERR_CUDA, "cuda backend: %s (%s) in cudaFree(%s)", cudaGetErrorName(e), cudaGetErrorString(e), what);
}
static void cu_free_host(sg_sim *sim, void *p, const char *what) {
  if (!p) return;
  const cudaError_t e = cudaFreeHost(p);
  if (e != cudaSuccess) sg_i_fail(sim, SG_ERR_CUDA, "cuda backend: %s (%s) in cudaFreeHost(%s)", cudaGetErrorName(e), cudaGetErrorString(e), what);
}
#define FREE_D(p) do { cu_free(sim, (void *)(p), #p); (p) = NULL; } while (0)
#define FREE_H(p) do { cu_free_host(sim, (void *)(p), #p); (p) = NULL; } while (0)

static void destroy_graphs(sg_sim *sim, cu_data *d) {
  cudaGraphExec_t g[2] = {d->graph1, d->graphU};
  for (int i = 0; i < 2; ++i)
    if (g[i]) {
      const cudaError_t e = cudaGraphExecDestroy(g[i]);
      if (e != cudaSuccess) sg_i_fail(sim, SG_ERR_CUDA, "cuda backend: %s in cudaGraphExecDestroy", cudaGetErrorName(e));
    }
  d->graph1 = d->graphU = NULL;
}

/* Everything the network defines (not the ring, the control block or the stream). */
static void release_network(sg_sim *sim, cu_data *d) {
  destroy_graphs(sim, d);
  for (size_t p = 0; p < d->n_pops; ++p) { FREE_D(d->pops[p].d_state); FREE_D(d->pops[p].d_coef); }
  free(d->pops); d->pops = NULL; d->n_pops = 0; d->n_neurons = 0;
  FREE_D(d->d_spk_row); FREE_D(d->d_spk_mult); FREE_D(d->d_prefix);
  FREE_D(d->d_row_ptr); FREE_D(d->d_row_seg); FREE_D(d->d_seg_end); FREE_D(d->d_seg_delay);
  FREE_D(d->d_input); FREE_D(d->d_weight);
  FREE_D(d->d_gens); FREE_D(d->d_gs_gen); FREE_D(d->d_gs_j); FREE_D(d->d_gs_delay); FREE_D(d->d_gs_input);
  FREE_D(d->d_gs_weight); FREE_D(d->d_ev_t); FREE_D(d->d_ev_w); FREE_D(d->d_ev_m); FREE_D(d->d_vals);
  FREE_D(d->d_has_rec); FREE_D(d->d_rec); FREE_H(d->h_rec);
  FREE_D(d->d_mm_addr); FREE_D(d->d_mm_idx); FREE_D(d->d_mm_first); FREE_D(d->d_due); FREE_H(d->h_due);
  FREE_D(d->d_mm_buf); FREE_H(d->h_mm_buf);
  for (size_t j = 0; j < d->n_mm; ++j) free(d->mm[j].tgt);
  free(d->mm); d->mm = NULL; d->n_mm = 0;
  d->n_syn = d->n_gens = d->n_gs = d->n_ev = d->n_vals = 0;
  d->n_rec_src = d->rec_cap = d->n_mm_ent = d->due_steps = d->mm_cap = 0;
  d->ready = 0;
}

static void cu_release(sg_sim *sim) {
  cu_data *d = sim->backend_data;
  if (!d) return;
  if (d->stream) (void)cudaStreamSynchronize(d->stream);
  release_network(sim, d);
  FREE_D(d->d_ring);
  FREE_D(d->d_ctl);
  FREE_H(d->h_ctl);
  if (d->stream) {
    const cudaError_t e = cudaStreamDestroy(d->stream);
    if (e != cudaSuccess) sg_i_fail(sim, SG_ERR_CUDA, "cuda backend: %s in cudaStreamDestroy", cudaGetErrorName(e));
  }
  free(d);
  sim->backend_data = NULL;
}

/* ---- device state back to the host ------------------------------------------------------------- */
/* Neuron state and generator runtime state (spike_generator read position, noise values, next
 * draw, modulation) into the host arrays. for_prepare: sg_i_prepare has already rebuilt the
 * generator table from stale host values, so the noise carry-over of host/stim.c is redone here
 * with the device's values (matched by gid); the other fields were recomputed from sim->step. */
static sg_status pull_state(sg_sim *sim, cu_data *d, int for_prepare) {
  sg_status st = SG_OK;
  const int running = 0;
  sg_cu_gen *gens = NULL;
  double *vals = NULL;
  CU_TRY(cudaStreamSynchronize(d->stream));
  for (size_t p = 0; p < d->n_pops; ++p) {
    const cu_pop *cp = &d->pops[p];
    sg_pop *pop = cp->pop;
    for (uint32_t r = 0; r < cp->n_state; ++r) {
      if (pop->n != cp->n || pop->state[r] != cp->host_row[r] || pop->width[r] != cp->width[r]) continue;
      CU_TRY(cudaMemcpy(pop->state[r], cp->d_state + cp->row_off[r], (size_t)cp->width[r] * cp->n * sizeof(double),
                        cudaMemcpyDeviceToHost));
    }
  }
  if (d->n_gens) {
    gens = malloc(d->n_gens * sizeof *gens);
    vals = malloc((d->n_vals ? d->n_vals : 1) * sizeof *vals);
    if (!gens || !vals) { st = sg_i_fail(sim, SG_ERR_NOMEM, "cuda backend: out of memory reading generator state"); goto fail; }
    CU_TRY(cudaMemcpy(gens, d->d_gens, d->n_gens * sizeof *gens, cudaMemcpyDeviceToHost));
    if (d->n_vals) CU_TRY(cudaMemcpy(vals, d->d_vals, d->n_vals * sizeof *vals, cudaMemcpyDeviceToHost));
    if (!for_prepare) {
      if (sim->n_gens != d->n_gens || sim->n_gen_vals != d->n_vals) {
        st = sg_i_fail(sim, SG_ERR_STATE, "cuda backend: generator table changed while the state was on the device");
        goto fail;
      }
      for (uint64_t g = 0; g < d->n_gens; ++g) {
        sim->gens[g].ev_pos = gens[g].ev_pos;
        sim->gens[g].next_draw = gens[g].next_draw;
        sim->gens[g].y0 = gens[g].y0;
        sim->gens[g].y1 = gens[g].y1;
      }
      if (d->n_vals) memcpy(sim->gen_vals, vals, d->n_vals * sizeof *vals);
    } else {
      uint64_t q = 0;   /* both tables are in gid order */
      for (size_t g = 0; g < sim->n_gens; ++g) {
        sg_gen *G = &sim->gens[g];
        while (q < d->n_gens && gens[q].gid < G->gid) ++q;
        if (q == d->n_gens || gens[q].gid != G->gid || G->model != SG_MODEL_noise_generator) continue;
        G->next_draw = gens[q].next_draw;
        if (gens[q].val_n == G->val_n) {
          if (G->val_n) memcpy(sim->gen_vals + G->val_off, vals + gens[q].val_off, G->val_n * sizeof(double));
        } else {
          G->next_draw = 0;
        }
      }
    }
  }
fail:
  free(gens);
  free(vals);
  return st;
}

static sg_status cu_sync(sg_sim *sim) {
  cu_data *d = sim->backend_data;
  if (!d || !d->ready || !sim->state_on_device) { sim->state_on_device = 0; return SG_OK; }
  const sg_status st = pull_state(sim, d, 0);
  if (st == SG_OK) sim->state_on_device = 0;
  return st;
}

/* ---- one step on the stream ------------------------------------------------------------------- */
static cudaError_t enqueue_step(cu_data *d, uint64_t seed) {
  cudaError_t e;
  const unsigned *b = d->blk;
  if (d->n_gens && (e = sg_cuda_prepare_generators(&d->gen_args, d->grid_gens, b[SG_CU_K_PREPARE_GENS], d->stream)) != cudaSuccess)
    return e;
  if (d->n_gs && (e = sg_cuda_stimulate_targets(&d->gen_args, &d->gen_syn, d->grid_gs, b[SG_CU_K_STIMULATE], d->stream)) != cudaSuccess)
    return e;
  for (size_t p = 0; p < d->n_pops; ++p) {
    const cu_pop *cp = &d->pops[p];
    sg_cu_update_args a;
    a.ring = d->d_ring;
    a.n_inputs = d->ni;
    a.input_base = cp->pop->input_base;
    a.first_id = cp->pop->first;
    a.n = cp->n;
    a.seed = seed;
    a.mask = d->R - 1;
    a.spk_cap = d->spk_cap;
    a.ctl = d->d_ctl;
    a.spk_row = d->d_spk_row;
    a.spk_mult = d->d_spk_mult;
    if ((e = sg_cuda_update_neurons(cp->model, cp->d_coef, cp->coef_per_node, &cp->view, &a, cp->grid, cp->block, d->stream)) !=
        cudaSuccess)
      return e;
  }
  if ((e = sg_cuda_scan_spikes(d->d_ctl, d->d_row_ptr, d->spk, b[SG_CU_K_SCAN], d->stream)) != cudaSuccess) return e;
  if (d->n_syn && (e = sg_cuda_deliver_spikes(d->d_ctl, d->csr, d->spk, d->d_ring, d->ni, d->R - 1, d->grid_deliver,
                                              b[SG_CU_K_DELIVER], d->stream)) != cudaSuccess)
    return e;
  if (d->n_rec_src && (e = sg_cuda_record_spikes(d->d_ctl, d->d_has_rec, d->spk, d->d_rec, d->rec_cap, d->grid_rec,
                                                 b[SG_CU_K_RECORD], d->stream)) != cudaSuccess)
    return e;
  if (d->n_mm_ent && (e = sg_cuda_sample_multimeters(d->d_ctl, d->mm_args, d->grid_mm, b[SG_CU_K_SAMPLE], d->stream)) != cudaSuccess)
    return e;
  return sg_cuda_advance_step(d->d_ctl, d->stream);
}

/* Captures `steps` steps into an executable graph. */
static sg_status capture(sg_sim *sim, cu_data *d, int steps, cudaGraphExec_t *out) {
  sg_status st = SG_OK;
  const int running = 0;
  cudaGraph_t g = NULL;
  CU_TRY(cudaStreamBeginCapture(d->stream, cudaStreamCaptureModeThreadLocal));
  cudaError_t e = cudaSuccess;
  for (int s = 0; s < steps && e == cudaSuccess; ++s) e = enqueue_step(d, sim->cfg.seed);
  const cudaError_t e2 = cudaStreamEndCapture(d->stream, &g);
  if (e == cudaSuccess) e = e2;
  if (e != cudaSuccess) {
    if (g) (void)cudaGraphDestroy(g);
    g = NULL;
    CU_TRY(e);
  }
  CU_TRY(cudaGraphInstantiate(out, g, 0));
fail:
  if (g) {
    const cudaError_t e3 = cudaGraphDestroy(g);
    if (e3 != cudaSuccess && st == SG_OK) st = cu_fail(sim, e3, "cudaGraphDestroy(g)", __LINE__, 0);
  }
  return st;
}

/* ---- prepare --------------------------------------------------------------------------------- */
typedef struct cu_sizes {
  double state, coef, spikes, csr, gens, ring, rec, mm, total;
} cu_sizes;

static uint64_t gen_row_len(const sg_csr *c, uint64_t row) {
  if (!c->row_seg || row >= c->n_rows) return 0;
  const uint64_t s0 = c->row_seg[row], s1 = c->row_seg[row + 1];
  if (s0 == s1) return 0;
  return c->seg_end[s1 - 1] - (s0 == 0 ? 0 : c->seg_end[s0 - 1]);
}

/* Steps per run() call from sg_simulate (the flush interval). */
static uint64_t chunk_steps(const sg_sim *sim) {
  uint64_t chunk = (uint64_t)(sim->cfg.flush_interval_ms / sim->h + 0.5);
  return chunk < 1 ? 1 : chunk;
}

static sg_status cu_init(sg_sim *sim, cu_data **out) {
  sg_status st = SG_OK;
  const int running = 0;
  cu_data *d = calloc(1, sizeof *d);
  if (!d) return sg_i_fail(sim, SG_ERR_NOMEM, "cuda backend: out of memory");
  sim->backend_data = d;
  d->block = sim->cfg.cuda_block_size ? sim->cfg.cuda_block_size : 256;
  const char *gr = getenv("SG_CUDA_GRAPHS");
  d->use_graph = !(gr && strcmp(gr, "0") == 0);
  int dev = 0;
  struct cudaDeviceProp prop;
  CU_TRY(cudaSetDevice(0));
  CU_TRY(cudaGetDevice(&dev));
  CU_TRY(cudaGetDeviceProperties(&prop, dev));
  d->n_sm = prop.multiProcessorCount;
  snprintf(d->dev_name, sizeof d->dev_name, "%.200s", prop.name);
  CU_TRY(cudaStreamCreateWithFlags(&d->stream, cudaStreamNonBlocking));
  CU_TRY(cudaMalloc((void **)&d->d_ctl, sizeof(sg_cu_ctl)));
  CU_TRY(cudaMallocHost((void **)&d->h_ctl, sizeof(sg_cu_ctl)));
  memset(d->h_ctl, 0, sizeof *d->h_ctl);
  *out = d;
  return SG_OK;
fail:
  return st;
}

/* Multimeter gather list: per multimeter and target, the values to copy, as (population, offset in
 * its device state) pairs: the device addresses exist only once the state is allocated. */
static sg_status build_mm(sg_sim *sim, cu_data *d, uint64_t **addr_out, uint32_t **idx_out, uint64_t **first_out) {
  uint64_t *addr = NULL;   /* population index << 40 | offset in doubles */
  uint32_t *idx = NULL;
  uint64_t *first = NULL;
  uint64_t n = 0;
  d->n_mm = sim->n_mm;
  d->mm = calloc(sim->n_mm ? sim->n_mm : 1, sizeof *d->mm);
  first = malloc((sim->n_mm ? sim->n_mm : 1) * sizeof *first);
  if (!d->mm || !first) goto nomem;
  for (int pass = 0; pass < 2; ++pass) {
    n = 0;
    for (size_t j = 0; j < sim->n_mm; ++j) {
      const sg_multimeter *m = &sim->mm[j];
      cu_mm *cm = &d->mm[j];
      if (pass == 1) { first[j] = n; cm->first = n; }
      if (!m->n_targets || !m->n_vars) { cm->n = 0; continue; }
      if (pass == 1 && !cm->tgt && !(cm->tgt = calloc(m->n_targets, sizeof *cm->tgt))) goto nomem;
      const uint64_t start = n;
      for (size_t t = 0; t < m->n_targets; ++t) {
        const sg_pop *tp = sg_i_pop_of(sim, m->targets[t]);
        const cu_pop *cp = NULL;
        for (size_t p = 0; p < d->n_pops && !cp; ++p)
          if (d->pops[p].pop == tp) cp = &d->pops[p];
        if (!cp) {
          free(addr); free(idx); free(first);
          return sg_i_fail(sim, SG_ERR_STATE, "cuda backend: multimeter %llu records node %llu, which is not a neuron",
                           (unsigned long long)m->gid, (unsigned long long)m->targets[t]);
        }
        const uint64_t i = m->targets[t] - tp->first;
        if (tp->model->recordable_value) {
          if (pass == 1) { cm->tgt[t].off = n - start; cm->tgt[t].snapshot = 1; }
          for (uint32_t r = 0; r < cp->n_state; ++r)
            for (uint32_t c = 0; c < cp->width[r]; ++c, ++n)
              if (pass == 1) {
                addr[n] = ((uint64_t)(cp - d->pops) << 40) | (cp->row_off[r] + (uint64_t)c * cp->n + i);
                idx[n] = (uint32_t)j;
              }
        } else {
          if (pass == 1) { cm->tgt[t].off = n - start; cm->tgt[t].snapshot = 0; }
          for (size_t v = 0; v < m->n_vars; ++v, ++n)
            if (pass == 1) {
              const uint32_t r = m->target_rec[t * m->n_vars + v];
              addr[n] = ((uint64_t)(cp - d->pops) << 40) | (cp->row_off[r] + i);
              idx[n] = (uint32_t)j;
            }
        }
      }
      cm->n = n - start;
    }
    if (pass == 0) {
      addr = malloc((n ? n : 1) * sizeof *addr);
      idx = malloc((n ? n : 1) * sizeof *idx);
      if (!addr || !idx) goto nomem;
    }
  }
  d->n_mm_ent = n;
  *addr_out = addr;
  *idx_out = idx;
  *first_out = first;
  return SG_OK;
nomem:
  free(addr); free(idx); free(first);
  return sg_i_fail(sim, SG_ERR_NOMEM, "cuda backend: out of memory (multimeters)");
}

static sg_status cu_prepare(sg_sim *sim) {
  sg_status st = SG_OK;
  const int running = 0;
  cu_data *d = sim->backend_data;
  /* host staging arrays, freed at the end */
  uint64_t *row_ptr = NULL, *row_seg = NULL;
  sg_cu_gen *hg = NULL;
  uint32_t *gs_gen = NULL, *gs_j = NULL, *gs_delay = NULL, *gs_input = NULL;
  float *gs_weight = NULL;
  uint8_t *has_rec = NULL;
  uint64_t *mm_at = NULL;
  const double **mm_addr = NULL;
  uint32_t *mm_idx = NULL;
  uint64_t *mm_first = NULL;
  int64_t *new_ring = NULL;

  if (!d && (st = cu_init(sim, &d))) return st;
  /* the device holds the current state: bring it back before anything is rebuilt from the host */
  if (sim->state_on_device && d->ready) {
    if ((st = pull_state(sim, d, 1))) return st;
    sim->state_on_device = 0;
  }
  CU_TRY(cudaStreamSynchronize(d->stream));
  release_network(sim, d);

  /* ---- 1. sizes, and the memory check before any allocation ---- */
  cu_sizes sz;
  memset(&sz, 0, sizeof sz);
  const sg_csr *c = &sim->csr, *gc = &sim->gen_csr;
  const uint64_t n_nodes = sim->n_nodes;
  uint64_t n_neurons = 0, n_neuron_pops = 0;
  for (size_t p = 0; p < sim->n_pops; ++p) {
    const sg_pop *pop = sim->pops[p];
    if (pop->model->kind != SG_KIND_NEURON) continue;
    if (!sg_cuda_has_update(pop->model->id)) {
      st = sg_i_fail(sim, SG_ERR_MODEL, "cuda backend: model %s has no update kernel in this build (kernels/update.cu is built from SG_NEURON_LIST)", pop->model->name);
      goto fail;
    }
    ++n_neuron_pops;
    n_neurons += pop->n;
    for (uint32_t r = 0; r < pop->model->n_state; ++r) sz.state += 8.0 * (double)pop->width[r] * (double)pop->n;
    sz.coef += (double)pop->model->coef_size * (double)(pop->coef_per_node ? pop->n : 1);
  }
  const uint64_t spk_cap = n_neurons ? n_neurons : 1;
  sz.spikes = 16.0 * (double)spk_cap;
  const uint64_t n_syn = c->row_seg ? c->n_syn : 0, n_seg = c->row_seg ? c->n_seg : 0;
  sz.csr = 16.0 * (double)(n_nodes + 1) + 12.0 * (double)n_seg + 8.0 * (double)n_syn;
  uint64_t n_gs = 0;
  for (size_t g = 0; g < sim->n_gens; ++g) n_gs += gen_row_len(gc, sim->gens[g].gid - 1);
  sz.gens = (double)sim->n_gens * (double)sizeof(sg_cu_gen) + 20.0 * (double)n_gs + 20.0 * (double)sim->n_gen_ev +
            8.0 * (double)sim->n_gen_vals;
  const uint32_t R = sim->ring_len;
  const uint64_t ni = sim->n_inputs;
  const int ring_new = !d->d_ring || R != d->R || ni != d->ni;
  if (ring_new) sz.ring = 8.0 * (double)R * (double)(ni ? ni : 1);
  /* recording: spike sources with a recorder, multimeter gather entries */
  uint64_t n_rec_src = 0;
  const int have_rec = sim->rec_row && sim->n_srec && c->n_rows;
  if (have_rec)
    for (uint64_t r = 0; r < c->n_rows && r < n_nodes; ++r)
      if (sim->rec_row[r + 1] > sim->rec_row[r]) ++n_rec_src;
  const uint64_t chunk = chunk_steps(sim);
  for (int k = 1; k < SG_CU_K_COUNT; ++k)
    if (!(d->blk[k] = sg_cuda_block_for(k, 0, (unsigned)d->block))) {
      CU_TRY(cudaGetLastError());
      st = sg_i_fail(sim, SG_ERR_CUDA, "cuda backend: no launch configuration for kernel %d", k);
      goto fail;
    }
  d->n_pops = 0;
  d->pops = calloc(n_neuron_pops ? n_neuron_pops : 1, sizeof *d->pops);
  if (!d->pops) { st = sg_i_fail(sim, SG_ERR_NOMEM, "cuda backend: out of memory"); goto fail; }
  {
    for (size_t p = 0; p < sim->n_pops; ++p) {
      sg_pop *pop = sim->pops[p];
      if (pop->model->kind != SG_KIND_NEURON) continue;
      cu_pop *cp = &d->pops[d->n_pops++];
      cp->pop = pop;
      cp->model = pop->model->id;
      cp->n = pop->n;
      cp->n_state = pop->model->n_state;
      cp->coef_per_node = pop->coef_per_node;
      uint64_t off = 0;
      for (uint32_t r = 0; r < cp->n_state; ++r) {
        cp->width[r] = pop->width[r];
        cp->host_row[r] = pop->state[r];
        cp->row_off[r] = off;
        off += (uint64_t)pop->width[r] * pop->n;
      }
      cp->n_doubles = off;
      if (!(cp->block = sg_cuda_block_for(SG_CU_K_UPDATE, cp->model, (unsigned)d->block))) {
        CU_TRY(cudaGetLastError());
        st = sg_i_fail(sim, SG_ERR_CUDA, "cuda backend: no launch configuration for the %s update", pop->model->name);
        goto fail;
      }
      cp->grid = sg_cuda_grid(pop->n, cp->block, d->n_sm);
    }
  }
  if ((st = build_mm(sim, d, &mm_at, &mm_idx, &mm_first))) goto fail;
  uint64_t mm_step_max = 0, mm_chunk = 0;
  for (size_t j = 0; j < sim->n_mm; ++j) {
    const uint64_t iv = sim->mm[j].interval > 0 ? (uint64_t)sim->mm[j].interval : 1;
    mm_step_max += d->mm[j].n;
    mm_chunk += d->mm[j].n * (chunk / iv + 1);
  }
  uint64_t rec_cap = 0, mm_cap = 0;
  if (n_rec_src) {
    rec_cap = n_rec_src * chunk;
    const uint64_t budget = n_rec_src > SG_CU_REC_BUDGET ? n_rec_src : SG_CU_REC_BUDGET;
    if (rec_cap / chunk != n_rec_src || rec_cap > budget) rec_cap = budget;
  }
  if (mm_step_max) {
    mm_cap = mm_chunk;
    const uint64_t budget = mm_step_max > SG_CU_MM_BUDGET ? mm_step_max : SG_CU_MM_BUDGET;
    if (mm_cap > budget) mm_cap = budget;
    if (mm_cap < mm_step_max) mm_cap = mm_step_max;
  }
  {
    /* test hooks (tests/test_cuda_equiv.c): small recording buffers force many batch boundaries */
    const char *tr = getenv("SG_CUDA_TEST_REC_CAP"), *tm = getenv("SG_CUDA_TEST_MM_CAP");
    if (tr && *tr && n_rec_src) {
      const uint64_t v = strtoull(tr, NULL, 10);
      rec_cap = v < n_rec_src ? n_rec_src : v;
    }
    if (tm && *tm && mm_step_max) {
      const uint64_t v = strtoull(tm, NULL, 10);
      mm_cap = v < mm_step_max ? mm_step_max : v;
    }
  }
  sz.rec = (double)n_nodes + 16.0 * (double)rec_cap;
  sz.mm = 12.0 * (double)d->n_mm_ent + 8.0 * (double)sim->n_mm * (1.0 + (double)chunk) + 8.0 * (double)mm_cap;
  sz.total = sz.state + sz.coef + sz.spikes + sz.csr + sz.gens + sz.ring + sz.rec + sz.mm;
  {
    size_t free_b = 0, total_b = 0;
    CU_TRY(cudaMemGetInfo(&free_b, &total_b));
    if (sz.total + SG_CU_RESERVE > (double)free_b) {
      st = sg_i_fail(sim, SG_ERR_NOMEM,
                     "cuda backend: the network needs %.2f GiB of device memory (synapses %.2f, ring buffer %.2f, state %.2f, "
                     "recording %.2f, other %.2f) plus %.2f GiB reserve, %.2f GiB free of %.2f GiB on %s",
                     sz.total / GIB, sz.csr / GIB, sz.ring / GIB, (sz.state + sz.coef) / GIB, (sz.rec + sz.mm) / GIB,
                     (sz.spikes + sz.gens) / GIB, SG_CU_RESERVE / GIB, (double)free_b / GIB, (double)total_b / GIB,
                     d->dev_name);
      goto fail;
    }
  }

  /* ---- 2. ring: keep pending events when the slot count or the input count changes ---- */
  if (ring_new) {
    const uint64_t ni1 = ni ? ni : 1;
    CU_ALLOC(new_ring, (uint64_t)R * ni1 * sizeof(int64_t));
    CU_TRY(cudaMemsetAsync(new_ring, 0, (size_t)R * ni1 * sizeof(int64_t), d->stream));
    if (d->d_ring && d->R && d->ni) {
      /* slots k = step .. step + oldR - 1 move from (k & (oldR-1)) to (k & (R-1)); runs of
       * consecutive slots in both are copied as one 2-D copy */
      uint64_t k = sim->step, left = d->R;
      const uint64_t oldR = d->R, old_ni = d->ni, cp_ni = old_ni < ni ? old_ni : ni;
      while (left && cp_ni) {
        const uint64_t os = k & (oldR - 1), ns = k & ((uint64_t)R - 1);
        uint64_t run = oldR - os;
        if ((uint64_t)R - ns < run) run = (uint64_t)R - ns;
        if (left < run) run = left;
        CU_TRY(cudaMemcpy2DAsync(new_ring + ns * ni1, ni1 * sizeof(int64_t), d->d_ring + os * old_ni,
                                 old_ni * sizeof(int64_t), cp_ni * sizeof(int64_t), run, cudaMemcpyDeviceToDevice,
                                 d->stream));
        k += run;
        left -= run;
      }
    }
    CU_TRY(cudaStreamSynchronize(d->stream));
    FREE_D(d->d_ring);
    d->d_ring = new_ring;
    new_ring = NULL;
    d->R = R;
    d->ni = ni;
  }

  /* ---- 3. neurons: state (component-major rows, as on the host) and coefficients ---- */
  d->n_neurons = n_neurons;
  for (size_t p = 0; p < d->n_pops; ++p) {
    cu_pop *cp = &d->pops[p];
    sg_pop *pop = cp->pop;
    CU_ALLOC(cp->d_state, cp->n_doubles * sizeof(double));
    memset(&cp->view, 0, sizeof cp->view);
    for (uint32_t r = 0; r < cp->n_state; ++r) {
      cp->view.s[r] = cp->d_state + cp->row_off[r];
      CU_UP(cp->view.s[r], pop->state[r], (uint64_t)cp->width[r] * cp->n * sizeof(double));
    }
    const size_t cbytes = pop->model->coef_size * (size_t)(pop->coef_per_node ? pop->n : 1);
    CU_ALLOC(cp->d_coef, cbytes);
    CU_UP(cp->d_coef, pop->coef, cbytes);
  }
  d->spk_cap = (uint32_t)spk_cap;
  CU_ALLOC(d->d_spk_row, spk_cap * sizeof(uint32_t));
  CU_ALLOC(d->d_spk_mult, spk_cap * sizeof(uint32_t));
  CU_ALLOC(d->d_prefix, spk_cap * sizeof(uint64_t));
  d->spk.row = d->d_spk_row;
  d->spk.mult = d->d_spk_mult;
  d->spk.prefix = d->d_prefix;

  /* ---- 4. neuron -> neuron synapses: the host CSR plus the first synapse of every row ---- */
  row_ptr = malloc((n_nodes + 1) * sizeof *row_ptr);
  row_seg = malloc((n_nodes + 1) * sizeof *row_seg);
  if (!row_ptr || !row_seg) { st = sg_i_fail(sim, SG_ERR_NOMEM, "cuda backend: out of memory"); goto fail; }
  for (uint64_t r = 0; r <= n_nodes; ++r) {
    if (n_syn && r <= c->n_rows) {
      row_seg[r] = c->row_seg[r];
      row_ptr[r] = row_seg[r] == 0 ? 0 : c->seg_end[row_seg[r] - 1];
    } else {
      row_seg[r] = n_seg;
      row_ptr[r] = n_syn;
    }
  }
  d->n_syn = n_syn;
  CU_ALLOC(d->d_row_ptr, (n_nodes + 1) * sizeof(uint64_t));
  CU_ALLOC(d->d_row_seg, (n_nodes + 1) * sizeof(uint64_t));
  CU_UP(d->d_row_ptr, row_ptr, (n_nodes + 1) * sizeof(uint64_t));
  CU_UP(d->d_row_seg, row_seg, (n_nodes + 1) * sizeof(uint64_t));
  CU_ALLOC(d->d_seg_end, n_seg * sizeof(uint64_t));
  CU_ALLOC(d->d_seg_delay, n_seg * sizeof(uint32_t));
  CU_ALLOC(d->d_input, n_syn * sizeof(uint32_t));
  CU_ALLOC(d->d_weight, n_syn * sizeof(float));
  if (n_syn) {
    CU_UP(d->d_seg_end, c->seg_end, n_seg * sizeof(uint64_t));
    CU_UP(d->d_seg_delay, c->seg_delay, n_seg * sizeof(uint32_t));
    CU_UP(d->d_input, c->input, n_syn * sizeof(uint32_t));
    CU_UP(d->d_weight, c->weight, n_syn * sizeof(float));
  }
  d->csr.row_ptr = d->d_row_ptr;
  d->csr.row_seg = d->d_row_seg;
  d->csr.seg_end = d->d_seg_end;
  d->csr.seg_delay = d->d_seg_delay;
  d->csr.input = d->d_input;
  d->csr.weight = d->d_weight;
  d->grid_deliver = sg_cuda_grid(n_syn, d->blk[SG_CU_K_DELIVER], d->n_sm);

  /* ---- 5. generators: the host table, one entry per generator synapse, events, noise values ---- */
  d->n_gens = sim->n_gens;
  d->n_gs = n_gs;
  d->n_ev = sim->n_gen_ev;
  d->n_vals = sim->n_gen_vals;
  hg = calloc(sim->n_gens ? sim->n_gens : 1, sizeof *hg);
  gs_gen = malloc((n_gs ? n_gs : 1) * sizeof *gs_gen);
  gs_j = malloc((n_gs ? n_gs : 1) * sizeof *gs_j);
  gs_delay = malloc((n_gs ? n_gs : 1) * sizeof *gs_delay);
  gs_input = malloc((n_gs ? n_gs : 1) * sizeof *gs_input);
  gs_weight = malloc((n_gs ? n_gs : 1) * sizeof *gs_weight);
  if (!hg || !gs_gen || !gs_j || !gs_delay || !gs_input || !gs_weight) {
    st = sg_i_fail(sim, SG_ERR_NOMEM, "cuda backend: out of memory (generators)");
    goto fail;
  }
  {
    uint64_t e = 0;
    for (size_t g = 0; g < sim->n_gens; ++g) {
      const sg_gen *G = &sim->gens[g];
      sg_cu_gen *H = &hg[g];
      const uint64_t row = G->gid - 1;
      H->gid = G->gid;
      H->model = G->model;
      H->has_targets = gc->row_seg && row < gc->n_rows && gc->row_seg[row] != gc->row_seg[row + 1];
      H->t_min = G->t_min; H->t_max = G->t_max;
      H->lambda = G->lambda; H->emlambda = G->emlambda;
      H->mean = G->mean; H->std2 = G->std2; H->std_mod2 = G->std_mod2;
      H->cos_wh = G->cos_wh; H->sin_wh = G->sin_wh; H->y0 = G->y0; H->y1 = G->y1;
      H->dt_steps = G->dt_steps; H->next_draw = G->next_draw;
      H->val_off = G->val_off; H->val_n = G->val_n;
      H->ev_off = G->ev_off; H->ev_n = G->ev_n; H->ev_pos = G->ev_pos;
      if (!H->has_targets) continue;
      const uint64_t s0 = gc->row_seg[row], s1 = gc->row_seg[row + 1];
      const uint64_t first_syn = s0 == 0 ? 0 : gc->seg_end[s0 - 1];
      for (uint64_t s = s0, j = first_syn; s < s1; ++s)
        for (; j < gc->seg_end[s]; ++j, ++e) {
          gs_gen[e] = (uint32_t)g;
          gs_j[e] = (uint32_t)(j - first_syn);
          gs_delay[e] = gc->seg_delay[s];
          gs_input[e] = gc->input[j];
          gs_weight[e] = gc->weight[j];
        }
    }
    if (e != n_gs) { st = sg_i_fail(sim, SG_ERR_STATE, "cuda backend: generator synapse count mismatch (%llu != %llu)", (unsigned long long)e, (unsigned long long)n_gs); goto fail; }
  }
  CU_ALLOC(d->d_gens, d->n_gens * sizeof(sg_cu_gen));
  CU_UP(d->d_gens, hg, d->n_gens * sizeof(sg_cu_gen));
  CU_ALLOC(d->d_gs_gen, n_gs * sizeof(uint32_t));
  CU_ALLOC(d->d_gs_j, n_gs * sizeof(uint32_t));
  CU_ALLOC(d->d_gs_delay, n_gs * sizeof(uint32_t));
  CU_ALLOC(d->d_gs_input, n_gs * sizeof(uint32_t));
  CU_ALLOC(d->d_gs_weight, n_gs * sizeof(float));
  CU_UP(d->d_gs_gen, gs_gen, n_gs * sizeof(uint32_t));
  CU_UP(d->d_gs_j, gs_j, n_gs * sizeof(uint32_t));
  CU_UP(d->d_gs_delay, gs_delay, n_gs * sizeof(uint32_t));
  CU_UP(d->d_gs_input, gs_input, n_gs * sizeof(uint32_t));
  CU_UP(d->d_gs_weight, gs_weight, n_gs * sizeof(float));
  CU_ALLOC(d->d_ev_t, d->n_ev * sizeof(int64_t));
  CU_ALLOC(d->d_ev_w, d->n_ev * sizeof(double));
  CU_ALLOC(d->d_ev_m, d->n_ev * sizeof(uint32_t));
  CU_UP(d->d_ev_t, sim->gen_t, d->n_ev * sizeof(int64_t));
  CU_UP(d->d_ev_w, sim->gen_w, d->n_ev * sizeof(double));
  CU_UP(d->d_ev_m, sim->gen_m, d->n_ev * sizeof(uint32_t));
  CU_ALLOC(d->d_vals, d->n_vals * sizeof(double));
  CU_UP(d->d_vals, sim->gen_vals, d->n_vals * sizeof(double));
  d->gen_args.gens = d->d_gens;
  d->gen_args.n_gens = d->n_gens;
  d->gen_args.ev_t = d->d_ev_t;
  d->gen_args.ev_w = d->d_ev_w;
  d->gen_args.ev_m = d->d_ev_m;
  d->gen_args.vals = d->d_vals;
  d->gen_args.ring = d->d_ring;
  d->gen_args.n_inputs = d->ni;
  d->gen_args.seed = sim->cfg.seed;
  d->gen_args.mask = d->R - 1;
  d->gen_args.ctl = d->d_ctl;
  d->gen_syn.gen = d->d_gs_gen;
  d->gen_syn.j = d->d_gs_j;
  d->gen_syn.delay = d->d_gs_delay;
  d->gen_syn.input = d->d_gs_input;
  d->gen_syn.weight = d->d_gs_weight;
  d->gen_syn.n = n_gs;
  d->grid_gens = sg_cuda_grid(d->n_gens, d->blk[SG_CU_K_PREPARE_GENS], d->n_sm);
  d->grid_gs = sg_cuda_grid(n_gs, d->blk[SG_CU_K_STIMULATE], d->n_sm);

  /* ---- 6. spike recorders: which senders have one, and the batch buffer ---- */
  d->n_rec_src = n_rec_src;
  d->rec_cap = rec_cap;
  if (n_rec_src) {
    has_rec = calloc(n_nodes ? n_nodes : 1, 1);
    if (!has_rec) { st = sg_i_fail(sim, SG_ERR_NOMEM, "cuda backend: out of memory"); goto fail; }
    for (uint64_t r = 0; r < c->n_rows && r < n_nodes; ++r) has_rec[r] = sim->rec_row[r + 1] > sim->rec_row[r];
    CU_ALLOC(d->d_has_rec, n_nodes);
    CU_UP(d->d_has_rec, has_rec, n_nodes);
    CU_ALLOC(d->d_rec, rec_cap * sizeof(sg_cu_rec_ev));
    CU_TRY(cudaMallocHost((void **)&d->h_rec, rec_cap * sizeof(sg_cu_rec_ev)));
  }
  d->grid_rec = sg_cuda_grid(spk_cap, d->blk[SG_CU_K_RECORD], d->n_sm);

  /* ---- 7. multimeters: gather list, due table (one row per step of a batch), sample buffer ---- */
  d->mm_cap = mm_cap;
  if (d->n_mm_ent) {
    d->due_steps = chunk;
    mm_addr = malloc(d->n_mm_ent * sizeof *mm_addr);
    if (!mm_addr) { st = sg_i_fail(sim, SG_ERR_NOMEM, "cuda backend: out of memory (multimeters)"); goto fail; }
    for (uint64_t e = 0; e < d->n_mm_ent; ++e)
      mm_addr[e] = d->pops[mm_at[e] >> 40].d_state + (mm_at[e] & (((uint64_t)1 << 40) - 1));
    CU_ALLOC(d->d_mm_addr, d->n_mm_ent * sizeof(double *));
    CU_ALLOC(d->d_mm_idx, d->n_mm_ent * sizeof(uint32_t));
    CU_ALLOC(d->d_mm_first, d->n_mm * sizeof(uint64_t));
    CU_UP(d->d_mm_addr, mm_addr, d->n_mm_ent * sizeof(double *));
    CU_UP(d->d_mm_idx, mm_idx, d->n_mm_ent * sizeof(uint32_t));
    CU_UP(d->d_mm_first, mm_first, d->n_mm * sizeof(uint64_t));
    CU_ALLOC(d->d_due, d->due_steps * d->n_mm * sizeof(uint64_t));
    CU_TRY(cudaMallocHost((void **)&d->h_due, d->due_steps * d->n_mm * sizeof(uint64_t)));
    CU_ALLOC(d->d_mm_buf, mm_cap * sizeof(double));
    CU_TRY(cudaMallocHost((void **)&d->h_mm_buf, mm_cap * sizeof(double)));
  } else {
    d->due_steps = chunk;
  }
  d->mm_args.addr = d->d_mm_addr;
  d->mm_args.mm = d->d_mm_idx;
  d->mm_args.first = d->d_mm_first;
  d->mm_args.due = d->d_due;
  d->mm_args.n_entries = d->n_mm_ent;
  d->mm_args.n_mm = d->n_mm;
  d->mm_args.due_steps = d->due_steps;
  d->mm_args.cap = mm_cap;
  d->mm_args.buf = d->d_mm_buf;
  d->grid_mm = sg_cuda_grid(d->n_mm_ent, d->blk[SG_CU_K_SAMPLE], d->n_sm);

  /* ---- 8. the step as graphs (one step, SG_CU_UNROLL steps) ---- */
  CU_TRY(cudaStreamSynchronize(d->stream));
  if (d->use_graph) {
    if ((st = capture(sim, d, 1, &d->graph1))) goto fail;
    if ((st = capture(sim, d, SG_CU_UNROLL, &d->graphU))) goto fail;
  }
  d->ready = 1;

fail:
  if (new_ring) (void)cudaFree(new_ring);
  free(row_ptr); free(row_seg); free(hg);
  free(gs_gen); free(gs_j); free(gs_delay); free(gs_input); free(gs_weight);
  free(has_rec); free(mm_at); free((void *)mm_addr); free(mm_idx); free(mm_first);
  if (st != SG_OK) release_network(sim, d);
  return st;
}

/* ---- run ----------------------------------------------------------------------------------- */
static int cmp_rec(const void *a, const void *b) {
  const sg_cu_rec_ev *x = a, *y = b;
  if (x->stamp != y->stamp) return x->stamp < y->stamp ? -1 : 1;
  return (x->row > y->row) - (x->row < y->row);
}

/* Steps of the next batch (>= 1): at most `remaining`, the due table's rows, what the spike
 * buffer holds in the worst case (every recorded sender spikes in every step), and what the
 * sample buffer holds. Fills the due table; *mm_used = doubles of samples in the batch. */
static uint64_t plan_batch(const sg_sim *sim, cu_data *d, uint64_t remaining, uint64_t *mm_used) {
  uint64_t S = remaining < d->due_steps ? remaining : d->due_steps;
  if (d->n_rec_src) {
    const uint64_t r = d->rec_cap / d->n_rec_src;
    if (r < S) S = r;
  }
  uint64_t used = 0, s = 0;
  if (d->n_mm_ent) {
    for (; s < S; ++s) {
      const uint64_t stamp = sim->step + s + 1;
      uint64_t need = 0;
      for (size_t j = 0; j < d->n_mm; ++j)
        if (d->mm[j].n && sg_i_mm_due(&sim->mm[j], stamp)) need += d->mm[j].n;
      if (used + need > d->mm_cap) break;
      for (size_t j = 0; j < d->n_mm; ++j) {
        const int due = d->mm[j].n && sg_i_mm_due(&sim->mm[j], stamp);
        d->h_due[s * d->n_mm + j] = due ? used : SG_CU_NOT_DUE;
        if (due) used += d->mm[j].n;
      }
    }
    S = s;
  }
  *mm_used = used;
  return S;
}

/* Hands one batch's recordings to the host recorders, in the cpu backend's order. */
static sg_status deliver_records(sg_sim *sim, cu_data *d, uint64_t step0, uint64_t S, uint64_t n_rec) {
  sg_status st = SG_OK;
  if (n_rec) {
    /* entries come step by step; within a step in atomic order: sort by (stamp, sender) */
    qsort(d->h_rec, n_rec, sizeof *d->h_rec, cmp_rec);
    for (uint64_t q = 0; q < n_rec && st == SG_OK; ++q) {
      const sg_cu_rec_ev *ev = &d->h_rec[q];
      const uint64_t row = ev->row;
      for (uint64_t r = sim->rec_row[row]; r < sim->rec_row[row + 1] && st == SG_OK; ++r)
        st = sg_i_srec_push(sim, &sim->srec[sim->rec_idx[r]], ev->stamp, row + 1, ev->mult);
    }
  }
  if (d->n_mm_ent)
    for (uint64_t s = 0; s < S && st == SG_OK; ++s)
      for (size_t j = 0; j < d->n_mm && st == SG_OK; ++j) {
        const uint64_t off = d->h_due[s * d->n_mm + j];
        if (off == SG_CU_NOT_DUE) continue;
        sg_multimeter *m = &sim->mm[j];
        const cu_mm *cm = &d->mm[j];
        const double *blk = d->h_mm_buf + off;
        double *row;
        if ((st = sg_i_mm_row(sim, m, step0 + s + 1, &row))) break;
        for (size_t t = 0; t < m->n_targets; ++t) {
          const cu_mm_tgt *tg = &cm->tgt[t];
          if (!tg->snapshot) {
            for (size_t v = 0; v < m->n_vars; ++v) row[t * m->n_vars + v] = blk[tg->off + v];
            continue;
          }
          /* the model derives its recordables from its state on the host: put the sampled state of
           * the node into the host arrays (stale while the state is on the device, and overwritten
           * by the next sync) and ask the model, exactly as the cpu backend does */
          sg_pop *tp = sg_i_pop_of(sim, m->targets[t]);
          const uint64_t i = m->targets[t] - tp->first;
          uint64_t q = tg->off;
          for (uint32_t r = 0; r < tp->model->n_state; ++r)
            for (uint32_t cc = 0; cc < tp->width[r]; ++cc) tp->state[r][(uint64_t)cc * tp->n + i] = blk[q++];
          for (size_t v = 0; v < m->n_vars; ++v)
            row[t * m->n_vars + v] = tp->model->recordable_value(tp, m->target_rec[t * m->n_vars + v], i);
        }
      }
  return st;
}

static sg_status cu_run(sg_sim *sim, uint64_t n_steps) {
  sg_status st = SG_OK;
  const int running = 1;
  cu_data *d = sim->backend_data;
  if (!d || !d->ready) return sg_i_fail(sim, SG_ERR_STATE, "cuda backend: run before a successful prepare");
  sim->state_on_device = 1;
  uint64_t done = 0;
  while (done < n_steps) {
    uint64_t mm_used = 0;
    const uint64_t S = plan_batch(sim, d, n_steps - done, &mm_used);
    const uint64_t step0 = sim->step;
    memset(d->h_ctl, 0, sizeof *d->h_ctl);
    d->h_ctl->step = step0;
    d->h_ctl->base = step0;
    CU_TRY(cudaMemcpyAsync(d->d_ctl, d->h_ctl, sizeof *d->h_ctl, cudaMemcpyHostToDevice, d->stream));
    if (d->n_mm_ent)
      CU_TRY(cudaMemcpyAsync(d->d_due, d->h_due, S * d->n_mm * sizeof(uint64_t), cudaMemcpyHostToDevice, d->stream));
    uint64_t left = S;
    if (d->use_graph) {
      for (; left >= SG_CU_UNROLL; left -= SG_CU_UNROLL) CU_TRY(cudaGraphLaunch(d->graphU, d->stream));
      for (; left; --left) CU_TRY(cudaGraphLaunch(d->graph1, d->stream));
    } else {
      for (; left; --left) {
        CU_TRY(enqueue_step(d, sim->cfg.seed));
#ifdef SG_DEBUG_SYNC
        CU_TRY(cudaStreamSynchronize(d->stream));
#endif
      }
    }
    CU_TRY(cudaMemcpyAsync(d->h_ctl, d->d_ctl, sizeof *d->h_ctl, cudaMemcpyDeviceToHost, d->stream));
    if (mm_used)
      CU_TRY(cudaMemcpyAsync(d->h_mm_buf, d->d_mm_buf, mm_used * sizeof(double), cudaMemcpyDeviceToHost, d->stream));
    CU_TRY(cudaStreamSynchronize(d->stream));
    const sg_cu_ctl ctl = *d->h_ctl;
    if (ctl.fault || ctl.step != step0 + S || ctl.rec_n > d->rec_cap) {
      sim->poisoned = 1;
      snprintf(sim->backend_reason, sizeof sim->backend_reason, "cuda: stopped by a device fault (flags 0x%x)", ctl.fault);
      return sg_i_fail(sim, SG_ERR_OVERFLOW,
                       "cuda backend: device fault in steps %llu..%llu (flags 0x%x:%s%s%s%s); the simulation stopped at t = %g ms and cannot continue (recordings up to there are kept)",
                       (unsigned long long)step0, (unsigned long long)(step0 + S - 1), ctl.fault,
                       (ctl.fault & SG_CU_FAULT_SPIKE_LIST) ? " spike list overflow" : "",
                       (ctl.fault & SG_CU_FAULT_REC_BUF) || ctl.rec_n > d->rec_cap ? " spike-recorder buffer overflow" : "",
                       (ctl.fault & SG_CU_FAULT_MM_BUF) ? " multimeter buffer overflow" : "",
                       ctl.step != step0 + S ? " step counter out of sequence" : "", (double)step0 * sim->h);
    }
    if (ctl.rec_n) {
      CU_TRY(cudaMemcpyAsync(d->h_rec, d->d_rec, ctl.rec_n * sizeof *d->h_rec, cudaMemcpyDeviceToHost, d->stream));
      CU_TRY(cudaStreamSynchronize(d->stream));
    }
    sim->step = step0 + S;
    sim->stats.neuron_updates += S * d->n_neurons;
    sim->stats.spikes += ctl.n_spikes;
    sim->stats.syn_events += ctl.n_events;
    if ((st = deliver_records(sim, d, step0, S, ctl.rec_n))) return st;
    done += S;
  }
  return SG_OK;
fail:
  return st;
}

const sg_backend_ops sg_i_cuda_backend = {"cuda", cu_prepare, cu_run, cu_sync, cu_release};

#endif
