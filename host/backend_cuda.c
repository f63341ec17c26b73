/* host/backend_cuda.c - the cuda backend's host side: device probe, device memory, orchestration.
 * In a CPU-only build (no nvcc) only the probe exists and says why there is no cuda.
 *
 * The device runs the step loop of host/backend_cpu.c with the kernels of kernels/ (see
 * kernels/sg_cuda.h): the same SG_HD model, generator and fixed-point code, integer atomics into
 * an int64 ring, so results are bit-identical to the cpu backend (docs/design.md §2.1).
 *
 * prepare: device memory is counted first and compared with what the device has free (a clear
 *   "needs X GiB, Y GiB free" error, nothing allocated); then everything is uploaded and one window
 *   is captured as a CUDA graph (plus one of SG_CU_UNROLL windows). A window is a step, or up to
 *   the shortest delay's steps where no generator needs the steps one by one (window_max,
 *   plan_windows; docs/gpu.md §2). The step index and the window's length live in device memory
 *   (sg_cu_ctl.step, .win), so the same graph is replayed for every window. The ring keeps its pending
 *   events when it grows, like the cpu backend's. Poisson generators (lambda < 10) into neurons
 *   are drawn by the target's update (the Poisson drive, kernels/update.cu), not by the generator
 *   launches; before a later prepare replaces their tables, the drive still due is flushed into
 *   the ring (flush_poisson_drive), so the ring then holds the cpu backend's pending input.
 * run(n): batches of steps without host synchronisation inside a batch; a batch ends when the
 *   run's steps are done, the multimeter buffer is full, or the device halts it because the
 *   spike-recorder buffer could not take one more window of every recorded sender (so batches are
 *   planned from the recent spike rate, not the worst case, and never overflow). Two batches are
 *   in flight (double recording buffers): while the device runs one, the control block, the
 *   spike-recorder entries and the multimeter samples of the one before come back through pinned
 *   memory on a second stream; spikes are sorted by (stamp, sender) (host/spike_order.c: by stamp
 *   within a window, a radix sort per step) and handed to sg_i_srec_push, samples to sg_i_mm_row, in the cpu backend's
 *   order, so record.c, sg_spikes, sg_samples and the HDF5 writer see exactly what the cpu backend
 *   gives them.
 * sync: state and generator runtime state back into the host arrays (sg_get, a later prepare).
 * Errors: every CUDA call and launch is checked; a failure becomes SG_ERR_CUDA with the error name
 *   and the call. An error while steps run, or a sticky (context-destroying) error, poisons the
 *   simulation (sim->poisoned): recordings up to the last completed batch are kept.
 * Environment: SG_CUDA_GRAPHS=0 launches the kernels one by one instead of replaying graphs (the
 *   results are the same; for debugging and compute-sanitizer). SG_CUDA_KERNEL_TIMING=n times the
 *   next n steps kernel by kernel (host/cuda_timing.h; a table on stderr). SG_CUDA_TEST_REC_CAP and
 *   SG_CUDA_TEST_MM_CAP shrink the recording buffers (entries) so tests cross many batch
 *   boundaries; SG_CUDA_TEST_SPK_CAP shrinks the step's spike list (entries), so tests see the
 *   overflow error. Build with -DSG_DEBUG_SYNC (and SG_CUDA_GRAPHS=0) to synchronise after every step. */
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
const sg_backend_ops sg_i_cuda_backend = {"cuda", NULL, stub_prepare, stub_run, stub_sync, stub_release};

#else

#define SG_CU_FILE "backend_cuda.c"
#include "backend_cuda.h"

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
      } else if ((e = sg_cuda_probe_image()) != cudaSuccess) {
        /* e.g. a T4 (7.5) or an A100 (8.0) running a build made for sm_90 only: without this check
         * `auto` would pick cuda and fail at the first launch */
        (void)cudaGetLastError();
        snprintf(reason, sizeof reason, "CUDA device 0 (%.100s, compute capability %d.%d) cannot run this build's kernels: %s (%s); rebuild with CUDA_GENCODE for sm_%d%d",
                 prop.name, prop.major, prop.minor, cudaGetErrorString(e), cudaGetErrorName(e), prop.major, prop.minor);
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
sg_status sg_i_cu_fail(sg_sim *sim, cudaError_t e, const char *call, const char *file, int line, int running) {
  const int poison = running || is_sticky(e);
  char what[SG_MSG_LEN];
  snprintf(what, sizeof what, "%s (%s) in %.160s [%s:%d]", cudaGetErrorName(e), cudaGetErrorString(e), call, file, line);
  if (!poison) (void)cudaGetLastError();   /* clear a non-sticky error */
  if (poison) {
    sim->poisoned = 1;
    snprintf(sim->backend_reason, sizeof sim->backend_reason, "cuda: stopped by %.200s", what);
    return sg_i_fail(sim, SG_ERR_CUDA, "cuda backend: %s; the simulation stopped at t = %g ms and cannot continue (recordings up to there are kept)",
                     what, (double)sim->step * sim->h);
  }
  return sg_i_fail(sim, SG_ERR_CUDA, "cuda backend: %s", what);
}

/* Frees a device pointer; a failure is reported in the message (release returns nothing), except
 * after a device fault: then every call fails, and the message must keep the fault itself. */
void sg_i_cu_free(sg_sim *sim, void *p, const char *what) {
  if (!p) return;
  const cudaError_t e = cudaFree(p);
  if (e != cudaSuccess && !sim->poisoned)
    sg_i_fail(sim, SG_ERR_CUDA, "cuda backend: %s (%s) in cudaFree(%s)", cudaGetErrorName(e), cudaGetErrorString(e), what);
}
void sg_i_cu_free_host(sg_sim *sim, void *p, const char *what) {
  if (!p) return;
  const cudaError_t e = cudaFreeHost(p);
  if (e != cudaSuccess && !sim->poisoned)
    sg_i_fail(sim, SG_ERR_CUDA, "cuda backend: %s (%s) in cudaFreeHost(%s)", cudaGetErrorName(e), cudaGetErrorString(e), what);
}

static void destroy_graphs(sg_sim *sim, cu_data *d) {
  cudaGraphExec_t g[2] = {d->graph1, d->graphU};
  for (int i = 0; i < 2; ++i)
    if (g[i]) {
      const cudaError_t e = cudaGraphExecDestroy(g[i]);
      if (e != cudaSuccess && !sim->poisoned) sg_i_fail(sim, SG_ERR_CUDA, "cuda backend: %s in cudaGraphExecDestroy", cudaGetErrorName(e));
    }
  d->graph1 = d->graphU = NULL;
}

/* Everything the network defines (not the ring, the control block or the stream). */
static void release_network(sg_sim *sim, cu_data *d) {
  destroy_graphs(sim, d);
  for (size_t p = 0; p < d->n_pops; ++p) { FREE_D(d->pops[p].d_state); FREE_D(d->pops[p].d_coef); }
  free(d->pops); d->pops = NULL; d->n_pops = 0; d->n_neurons = 0;
  for (size_t u = 0; u < d->n_upd; ++u) FREE_D(d->upd[u].d_pops);
  free(d->upd); d->upd = NULL; d->n_upd = 0;
  FREE_D(d->d_spk_row); FREE_D(d->d_spk_mult); FREE_D(d->d_spk_w); FREE_D(d->d_prefix);
  FREE_D(d->d_win); FREE_H(d->h_win);
  d->wmax = 1;
  FREE_D(d->d_row_ptr); FREE_D(d->d_row_seg); FREE_D(d->d_seg_end); FREE_D(d->d_seg_delay);
  FREE_D(d->d_target); FREE_D(d->d_weight);
  for (size_t j = 0; j < d->n_proc; ++j) FREE_D(d->d_count[j]);
  free(d->d_count); d->d_count = NULL;
  free(d->proc); d->proc = NULL; d->n_proc = 0;
  FREE_D(d->d_gens); FREE_D(d->d_gs_gen); FREE_D(d->d_gs_j); FREE_D(d->d_gs_delay); FREE_D(d->d_gs_input);
  FREE_D(d->d_gs_weight); FREE_D(d->d_pois_row); FREE_D(d->d_ps_gen); FREE_D(d->d_ps_j); FREE_D(d->d_ps_delay);
  FREE_D(d->d_ps_input); FREE_D(d->d_ps_weight); FREE_D(d->d_ev_t); FREE_D(d->d_ev_w); FREE_D(d->d_ev_m); FREE_D(d->d_vals);
  FREE_D(d->d_has_rec); FREE_D(d->d_rec); FREE_H(d->h_rec);
  free(d->rec_need); d->rec_need = NULL;
  free(d->h_rec_tmp); d->h_rec_tmp = NULL;
  FREE_D(d->d_mm_addr); FREE_D(d->d_mm_idx); FREE_D(d->d_mm_first); FREE_D(d->d_due); FREE_H(d->h_due);
  FREE_D(d->d_mm_buf); FREE_H(d->h_mm_buf);
  for (size_t j = 0; j < d->n_mm; ++j) free(d->mm[j].tgt);
  free(d->mm); d->mm = NULL; d->n_mm = 0;
  d->n_syn = d->n_gens = d->n_gs = d->n_ps = d->n_ev = d->n_vals = 0;
  d->gens_serial = 0;
  d->n_rec_src = d->rec_cap = d->n_mm_ent = d->due_steps = d->mm_cap = 0;
  if (d->hooks) d->hooks->release(sim, d);
  d->ready = 0;
}

void sg_i_cu_release(sg_sim *sim) {
  cu_data *d = sim->backend_data;
  if (!d) return;
  if (d->stream) (void)cudaStreamSynchronize(d->stream);
  if (d->copy) (void)cudaStreamSynchronize(d->copy);
  release_network(sim, d);
  sg_cu_timing_report(&d->timing, d->dev_name);   /* a run that ended before the timed steps did */
  sg_cu_timing_free(&d->timing);
  FREE_D(d->d_ring);
  FREE_D(d->d_ctl);
  FREE_H(d->h_ctl);
  for (int h = 0; h < 2; ++h)
    if (d->batch_done[h]) (void)cudaEventDestroy(d->batch_done[h]);
  if (d->copy) (void)cudaStreamDestroy(d->copy);
  if (d->stream) {
    const cudaError_t e = cudaStreamDestroy(d->stream);
    if (e != cudaSuccess && !sim->poisoned) sg_i_fail(sim, SG_ERR_CUDA, "cuda backend: %s in cudaStreamDestroy", cudaGetErrorName(e));
  }
  free(d);
  sim->backend_data = NULL;
}

/* ---- device state back to the host ------------------------------------------------------------- */
/* Neuron state and generator runtime state (spike_generator read position, noise values, next
 * draw, modulation) into the host arrays. for_prepare: sg_i_prepare has already rebuilt the
 * generator table from stale host values, so the noise carry-over of host/stim.c is redone here
 * with the device's values (matched by gid); the other fields were recomputed from sim->step. */
sg_status sg_i_cu_pull_state(sg_sim *sim, cu_data *d, int for_prepare) {
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
      for (uint64_t g = 0; g < d->n_gens; ++g) {   /* what sg_gen_advance carries between steps */
        const sg_gen *D = &gens[g].g;
        sim->gens[g].ev_pos = D->ev_pos; sim->gens[g].next_draw = D->next_draw;
        sim->gens[g].y0 = D->y0; sim->gens[g].y1 = D->y1;
      }
      if (d->n_vals) memcpy(sim->gen_vals, vals, d->n_vals * sizeof *vals);
    } else {
      uint64_t q = 0;   /* both tables are in gid order */
      for (size_t g = 0; g < sim->n_gens; ++g) {
        sg_gen *G = &sim->gens[g];
        while (q < d->n_gens && gens[q].g.gid < G->gid) ++q;
        if (q == d->n_gens || gens[q].g.gid != G->gid || G->model != SG_MODEL_noise_generator) continue;
        const sg_gen *D = &gens[q].g;
        G->next_draw = D->next_draw;
        if (D->val_n == G->val_n) {
          if (G->val_n) memcpy(sim->gen_vals + G->val_off, vals + D->val_off, G->val_n * sizeof(double));
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

sg_status sg_i_cu_sync(sg_sim *sim) {
  cu_data *d = sim->backend_data;
  if (!d || !d->ready || !sim->state_on_device) { sim->state_on_device = 0; return SG_OK; }
  const sg_status st = sg_i_cu_pull_state(sim, d, 0);
  if (st == SG_OK) sim->state_on_device = 0;
  return st;
}

/* ---- one step on the stream ------------------------------------------------------------------- */
/* tm: NULL, or the kernel timing, which then gets an event after every launch */
#define LAUNCHED(kernel)                                                                              \
  do {                                                                                                \
    if (tm && (e = sg_cu_timing_mark(tm, kernel, d->stream)) != cudaSuccess) return e;               \
  } while (0)
static cudaError_t enqueue_step(cu_data *d, uint64_t seed, sg_cu_timing *tm) {
  cudaError_t e;
  const unsigned *b = d->blk;
  if (d->gens_serial) {   /* Poisson into neurons needs neither launch: the update draws it */
    if ((e = sg_cuda_prepare_generators(&d->gen_args, d->grid_gens, b[SG_CU_K_PREPARE_GENS], d->stream)) != cudaSuccess) return e;
    LAUNCHED("prepare_generators");
  }
  if (d->n_gs) {
    if ((e = sg_cuda_stimulate_targets(&d->gen_args, &d->gen_syn, d->grid_gs, b[SG_CU_K_STIMULATE], d->stream)) != cudaSuccess)
      return e;
    LAUNCHED("stimulate_targets");
  }
  /* the step's last launch ends it (sg_cu_step_end) when it samples or records; else advance_step */
  const int end_in_sample = d->n_mm_ent != 0, end_in_record = !end_in_sample && d->n_rec_src;
  for (size_t u = 0; u < d->n_upd; ++u) {
    const cu_upd *up = &d->upd[u];
    const sg_cu_update_args a = {.pops = up->d_pops, .n_pops = up->n_pops, .ring = d->d_ring, .n_inputs = d->ni,
                                 .seed = seed, .mask = sg_ring_mask(d->R), .spk_cap = d->spk_cap,
                                 .syn_bits = d->spk.syn_bits, .ctl = d->d_ctl, .spk_row = d->d_spk_row,
                                 .spk_mult = d->d_spk_mult, .spk_w = d->d_spk_w, .spk_prefix = d->d_prefix, .row_ptr = d->d_row_ptr,
                                 .pois_row = d->n_ps ? d->d_pois_row : NULL, .pois = d->pois_syn, .gens = d->d_gens};
    if ((e = sg_cuda_update_neurons(up->model, &a, up->grid, up->block, d->stream)) != cudaSuccess) return e;
    LAUNCHED(up->label);
  }
  if (d->rk) return d->hooks->enqueue_tail(d, tm);   /* MPI ranks: delivery after the window's exchange */
  if (d->n_syn) {
    if ((e = sg_cuda_deliver_spikes(d->d_ctl, d->csr, d->spk, d->d_ring, d->ni, sg_ring_mask(d->R), d->grid_deliver,
                                    b[SG_CU_K_DELIVER], d->stream)) != cudaSuccess)
      return e;
    LAUNCHED("deliver_spikes");
  }
  for (size_t j = 0; j < d->n_proc; ++j) {
    if ((e = sg_cuda_deliver_proc(d->d_ctl, &d->proc[j], d->d_count[j], d->spk, d->d_ring, d->ni, sg_ring_mask(d->R),
                                  0, UINT64_MAX, d->grid_proc, b[SG_CU_K_PROC], d->stream)) != cudaSuccess)
      return e;
    LAUNCHED("deliver_proc");
  }
  if (d->n_rec_src) {
    if ((e = sg_cuda_record_spikes(d->d_ctl, d->d_has_rec, d->spk, d->d_rec, d->rec_cap, end_in_record, d->grid_rec,
                                   b[SG_CU_K_RECORD], d->stream)) != cudaSuccess)
      return e;
    LAUNCHED("record_spikes");
  }
  if (d->n_mm_ent) {
    if ((e = sg_cuda_sample_multimeters(d->d_ctl, d->mm_args, d->spk, end_in_sample, d->grid_mm, b[SG_CU_K_SAMPLE],
                                        d->stream)) != cudaSuccess)
      return e;
    LAUNCHED("sample_multimeters");
  }
  if (!end_in_sample && !end_in_record) {
    if ((e = sg_cuda_advance_step(d->d_ctl, d->spk, d->stream)) != cudaSuccess) return e;
    LAUNCHED("advance_step");
  }
  return cudaSuccess;
}
#undef LAUNCHED

/* One window (of `steps` steps) with kernel timing (host/cuda_timing.h): launched one by one,
 * waited for. */
static cudaError_t timed_step(cu_data *d, uint64_t seed, uint32_t steps) {
  cudaError_t e = sg_cu_timing_begin_step(&d->timing, d->stream);
  if (e == cudaSuccess) e = enqueue_step(d, seed, &d->timing);
  if (e == cudaSuccess) e = sg_cu_timing_end_step(&d->timing, steps);
  if (e == cudaSuccess && !sg_cu_timing_wanted(&d->timing)) sg_cu_timing_report(&d->timing, d->dev_name);
  return e;
}

/* Captures `steps` steps into an executable graph. */
static sg_status capture(sg_sim *sim, cu_data *d, int steps, cudaGraphExec_t *out) {
  sg_status st = SG_OK;
  const int running = 0;
  cudaGraph_t g = NULL;
  CU_TRY(cudaStreamBeginCapture(d->stream, cudaStreamCaptureModeThreadLocal));
  cudaError_t e = cudaSuccess;
  for (int s = 0; s < steps && e == cudaSuccess; ++s) e = enqueue_step(d, sim->cfg.seed, NULL);
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
    if (e3 != cudaSuccess && st == SG_OK) st = sg_i_cu_fail(sim, e3, "cudaGraphDestroy(g)", SG_CU_FILE, __LINE__, 0);
  }
  return st;
}

/* cudaMalloc of every array of the table (at least 8 bytes, so that an empty table still has a
 * valid pointer), then the copies of those with host data on the backend's stream (nothing for 0
 * bytes). Host sources may be freed on return: copies from pageable memory are staged by then. */
sg_status sg_i_cu_alloc_upload(sg_sim *sim, cu_data *d, const cu_array *a, size_t n) {
  cudaError_t e = cudaSuccess;
  const char *what = "cudaMalloc";
  size_t i = 0;   /* after a failure: one past the failed array */
  for (; i < n && e == cudaSuccess; ++i) e = cudaMalloc(a[i].dev, a[i].bytes != 0 ? a[i].bytes : 8u);
  if (e == cudaSuccess)
    for (i = 0, what = "cudaMemcpyAsync"; i < n && e == cudaSuccess; ++i)
      if (a[i].src && a[i].bytes)
        e = cudaMemcpyAsync(*a[i].dev, a[i].src, a[i].bytes, cudaMemcpyHostToDevice, d->stream);
  if (e == cudaSuccess) return SG_OK;
  char call[160];
  snprintf(call, sizeof call, "%s(%s, %zu bytes)", what, a[i - 1].name, a[i - 1].bytes);
  return sg_i_cu_fail(sim, e, call, SG_CU_FILE, __LINE__, 0);
}

/* Steps per run() call from sg_simulate (the flush interval). */
static uint64_t chunk_steps(const sg_sim *sim) {
  const double steps = sim->cfg.flush_interval_ms / sim->h + 0.5;   /* bounded before converting */
  if (!(steps < (double)((uint64_t)1 << 40))) return (uint64_t)1 << 40;
  return steps < 1.0 ? 1 : (uint64_t)steps;
}

static sg_status cu_init(sg_sim *sim, cu_data **out) {
  sg_status st = SG_OK;
  const int running = 0;
  cu_data *d = calloc(1, sizeof *d);
  if (!d) return sg_i_fail(sim, SG_ERR_NOMEM, "cuda backend: out of memory");
  d->block = sim->cfg.cuda_block_size ? sim->cfg.cuda_block_size : 256;
  const char *gr = getenv("SG_CUDA_GRAPHS");
  d->use_graph = !(gr && strcmp(gr, "0") == 0);
  int dev = 0;
  struct cudaDeviceProp prop;
  CU_TRY(cudaSetDevice(0));
  CU_TRY(cudaGetDevice(&dev));
  CU_TRY(cudaGetDeviceProperties(&prop, dev));
  d->n_sm = prop.multiProcessorCount;
  d->P = sg_mpi_size();
  d->rank = sg_mpi_rank();
  snprintf(d->dev_name, sizeof d->dev_name, "%.200s", prop.name);
  CU_TRY(cudaStreamCreateWithFlags(&d->stream, cudaStreamNonBlocking));
  CU_TRY(cudaStreamCreateWithFlags(&d->copy, cudaStreamNonBlocking));
  CU_TRY(cudaEventCreate(&d->batch_done[0]));
  CU_TRY(cudaEventCreate(&d->batch_done[1]));
  CU_TRY(cudaMalloc((void **)&d->d_ctl, 3 * sizeof(sg_cu_ctl)));
  CU_TRY(cudaMallocHost((void **)&d->h_ctl, sizeof(sg_cu_ctl)));
  memset(d->h_ctl, 0, sizeof *d->h_ctl);
  sim->backend_data = d; *out = d;
  return SG_OK;
fail:   /* nothing half made stays behind: a later prepare starts over instead of using it */
  if (d->d_ctl) (void)cudaFree(d->d_ctl);
  for (int h = 0; h < 2; ++h)
    if (d->batch_done[h]) (void)cudaEventDestroy(d->batch_done[h]);
  if (d->copy) (void)cudaStreamDestroy(d->copy);
  if (d->stream) (void)cudaStreamDestroy(d->stream);
  free(d);
  return st;
}

/* Multimeter gather list: per multimeter and target, the values to copy, as (population, offset in
 * its device state) pairs: the device addresses exist only once the state is allocated. */
static sg_status build_mm(sg_sim *sim, cu_data *d, uint64_t **addr_out, uint32_t **idx_out, uint64_t **first_out) {
  uint64_t *addr = NULL;   /* population index << 40 | offset in doubles */
  uint32_t *idx = NULL;
  uint64_t *first = NULL;
  uint64_t n = 0;
  d->mm = calloc(sim->n_mm ? sim->n_mm : 1, sizeof *d->mm);
  first = malloc((sim->n_mm ? sim->n_mm : 1) * sizeof *first);
  if (!d->mm || !first) goto nomem;
  d->n_mm = sim->n_mm;   /* only with d->mm: release_network frees d->mm[0 .. n_mm).tgt */
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
  *addr_out = addr; *idx_out = idx; *first_out = first;
  return SG_OK;
nomem:
  free(addr); free(idx); free(first);
  return sg_i_fail(sim, SG_ERR_NOMEM, "cuda backend: out of memory (multimeters)");
}

/* Whether the device's CSR packs each synapse's delay with its input (sg_csr_pack_bits): from the
 * ring inputs and the largest delay. Test hook (tests/test_cuda_equiv.c): SG_CUDA_TEST_PACK_BITS=b
 * (1 .. 31) makes the word b bits wide, so that small networks take the unpacked path too. */
static void plan_packing(const sg_sim *sim, cu_plan *pl) {
  const sg_csr *c = &sim->csr;
  uint32_t max_delay = 0, budget = 32;
  for (uint64_t s = 0; s < pl->n_seg; ++s) max_delay = c->seg_delay[s] > max_delay ? c->seg_delay[s] : max_delay;
  const char *tb = getenv("SG_CUDA_TEST_PACK_BITS");
  const unsigned long b = tb && *tb ? strtoul(tb, NULL, 10) : 0;
  if (b > 0 && b < 32) budget = (uint32_t)b;
  pl->input_bits = sg_csr_pack_bits(sim->n_inputs, max_delay, budget);
}

/* The longest window (docs/gpu.md §2, "Windows"): a launch sequence runs W steps, each thread all W
 * of its neuron, when no spike made in the window can arrive in it (W <= the shortest delay of the
 * neuron CSR and of the procedural projections) and nothing else needs the steps one by one: every
 * generator a poisson_generator drawn in the update (the others advance step by step in
 * prepare_generators_kernel; upload_generators checks again), one process (MPI ranks exchange
 * after every step's update: host/backend_cuda_ranks.c). At most SG_CU_WIN_MAX steps, and as many
 * as a spike list of SG_CU_SPK_BUDGET entries holds for every neuron in every step (but 1).
 * Test hook SG_CUDA_TEST_WIN=w: at most w steps (the equivalence suite's short windows). */
static uint32_t window_max(const sg_sim *sim, const cu_data *d, const cu_plan *pl) {
  if (d->P > 1 || pl->n_neurons == 0) return 1;
  for (size_t g = 0; g < sim->n_gens; ++g) {
    const sg_gen *G = &sim->gens[g];
    if (G->model != SG_MODEL_poisson_generator || (G->has_targets && !sg_gen_poisson_small(G))) return 1;
  }
  uint32_t W = SG_CU_WIN_MAX;
  for (uint64_t s = 0; s < pl->n_seg; ++s)
    if (sim->csr.seg_delay[s] < W) W = sim->csr.seg_delay[s];
  for (size_t j = 0; j < sim->n_proc; ++j)
    if (sim->proc[j].d.d_min < W) W = sim->proc[j].d.d_min;
  if ((uint64_t)W * pl->n_neurons > SG_CU_SPK_BUDGET) W = (uint32_t)(SG_CU_SPK_BUDGET / pl->n_neurons);
  if ((uint64_t)W * pl->n_neurons > UINT32_MAX) W = (uint32_t)(UINT32_MAX / pl->n_neurons);
  const char *tw = getenv("SG_CUDA_TEST_WIN");
  if (tw && *tw && strtoul(tw, NULL, 10) > 0 && strtoul(tw, NULL, 10) < W) W = (uint32_t)strtoul(tw, NULL, 10);
  return W >= 1 ? W : 1;
}

/* Counts and device bytes of the network's parts (the recording buffers: plan_recording). */
static sg_status plan_network(sg_sim *sim, const cu_data *d, cu_plan *pl) {
  const sg_csr *c = &sim->csr, *gc = &sim->gen_csr;
  cu_sizes *sz = &pl->sz;
  memset(pl, 0, sizeof *pl);
  pl->n_nodes = sim->n_nodes;
  for (size_t p = 0; p < sim->n_pops; ++p) {
    const sg_pop *pop = sim->pops[p];
    if (pop->model->kind != SG_KIND_NEURON) continue;
    if (!sg_cuda_has_update(pop->model->id))
      return sg_i_fail(sim, SG_ERR_MODEL, "cuda backend: model %s has no update kernel in this build (kernels/update.cu is built from SG_NEURON_LIST)", pop->model->name);
    ++pl->n_neuron_pops;
    pl->n_neurons += pop->n;
    for (uint32_t r = 0; r < pop->model->n_state; ++r) sz->state += 8.0 * (double)pop->width[r] * (double)pop->n;
    sz->coef += (double)pop->model->coef_size * (double)(pop->coef_per_node ? pop->n : 1);
  }
  pl->n_syn = c->row_seg ? c->n_syn : 0; pl->n_seg = c->row_seg ? c->n_seg : 0;
  pl->wmax = window_max(sim, d, pl);
  pl->spk_cap = (pl->n_neurons ? pl->n_neurons : 1) * pl->wmax;
  /* test hook (tests/test_cuda_equiv.c): a spike list smaller than the neurons, to check that a
   * list over capacity stops the run with an error instead of losing or inventing spikes */
  const char *tsc = getenv("SG_CUDA_TEST_SPK_CAP");
  if (tsc && *tsc && strtoull(tsc, NULL, 10) > 0 && strtoull(tsc, NULL, 10) < pl->spk_cap) {
    pl->spk_cap = strtoull(tsc, NULL, 10);
    pl->wmax = 1;
  }
  sz->spikes = 18.0 * (double)pl->spk_cap;
  /* one word counts a window's spike-list entries (<= wmax x the neurons: each appends once per
   * step) and their synapses (<= wmax x n_syn): both must fit (64 bits hold any network a device
   * memory holds one step at a time; windows are shortened if they would not) */
  unsigned ebits, syn_bits;
  for (;;) {
    ebits = syn_bits = 1;
    while (ebits < 64 && ((pl->n_neurons * pl->wmax) >> ebits) != 0) ++ebits;
    while (syn_bits < 64 && ((pl->n_syn * pl->wmax) >> syn_bits) != 0) ++syn_bits;
    if (ebits + syn_bits <= 64 || pl->wmax == 1) break;
    pl->wmax = 1;
    pl->spk_cap = pl->n_neurons ? pl->n_neurons : 1;
    sz->spikes = 18.0 * (double)pl->spk_cap;
  }
  pl->syn_bits = syn_bits;
  if (ebits + pl->syn_bits > 64)
    return sg_i_fail(sim, SG_ERR_OVERFLOW, "cuda backend: %llu neurons and %llu synapses do not fit the device's spike counter (%u + %u bits > 64)",
                     (unsigned long long)pl->n_neurons, (unsigned long long)pl->n_syn, ebits, pl->syn_bits);
  plan_packing(sim, pl);
  sz->csr = 8.0 * (double)(pl->n_nodes + 1) + 8.0 * (double)pl->n_syn;
  if (pl->input_bits == SG_CSR_UNPACKED) sz->csr += 8.0 * (double)(pl->n_nodes + 1) + 12.0 * (double)pl->n_seg;
  for (size_t j = 0; j < sim->n_proc; ++j)   /* procedural: per-source counts only */
    if (sim->proc[j].count) sz->csr += 4.0 * (double)sim->proc[j].d.npre;
  for (size_t g = 0; g < sim->n_gens; ++g) pl->n_gs += sg_i_csr_row_len(gc, sim->gens[g].gid - 1);
  sz->gens = (double)sim->n_gens * (double)sizeof(sg_cu_gen) + 20.0 * (double)pl->n_gs + 20.0 * (double)sim->n_gen_ev +
             8.0 * (double)sim->n_gen_vals + (pl->n_gs ? 4.0 * (double)(pl->n_nodes + 1) : 0.0);   /* + the drive's rows */
  pl->R = sim->ring_len; pl->ni = sim->n_inputs;
  pl->ring_new = !d->d_ring || pl->R != d->R || pl->ni != d->ni;
  if (pl->ring_new) sz->ring = 8.0 * (double)pl->R * (double)(pl->ni ? pl->ni : 1);
  if (sim->rec_row && sim->n_srec && c->n_rows)   /* senders with a spike recorder */
    for (uint64_t r = 0; r < c->n_rows && r < pl->n_nodes; ++r)
      if (sim->rec_row[r + 1] > sim->rec_row[r]) ++pl->n_rec_src;
  if (d->P > 1) pl->n_rec_src = 0;   /* MPI ranks: the host records the exchanged spikes */
  pl->chunk = chunk_steps(sim);
  return SG_OK;
}

/* Per kernel the configured block size capped at what the compiled kernel can launch; the populations, each
 * with its state rows laid out in one device block (component-major, as on the host) and its update's launch. */
static sg_status plan_kernels_and_pops(sg_sim *sim, cu_data *d, const cu_plan *pl) {
  sg_status st = SG_OK;
  const int running = 0;
  for (int k = 1; k < SG_CU_K_COUNT; ++k)   /* SG_CU_K_UPDATE (0) is per model: below */
    if (!(d->blk[k] = sg_cuda_block_for(k, 0, (unsigned)d->block))) {
      CU_TRY(cudaGetLastError());
      return sg_i_fail(sim, SG_ERR_CUDA, "cuda backend: no launch configuration for kernel %d", k);
    }
  d->pops = calloc(pl->n_neuron_pops ? pl->n_neuron_pops : 1, sizeof *d->pops);
  d->upd = calloc(pl->n_neuron_pops ? pl->n_neuron_pops : 1, sizeof *d->upd);
  if (!d->pops || !d->upd) return sg_i_fail(sim, SG_ERR_NOMEM, "cuda backend: out of memory");
  for (size_t p = 0; p < sim->n_pops; ++p) {
    sg_pop *pop = sim->pops[p];
    if (pop->model->kind != SG_KIND_NEURON) continue;
    cu_pop *cp = &d->pops[d->n_pops++];
    *cp = (cu_pop){.pop = pop, .model = pop->model->id, .n = pop->n, .n_state = pop->model->n_state,
                   .coef_per_node = pop->coef_per_node};
    cu_upd *up = d->upd;   /* the model's launch, or a new one */
    while (up < d->upd + d->n_upd && up->model != cp->model) ++up;
    if (up == d->upd + d->n_upd) {
      *up = (cu_upd){.model = cp->model};
      snprintf(up->label, sizeof up->label, "update_%s", pop->model->name);   /* model names are identifiers */
      if (!(up->block = sg_cuda_block_for(SG_CU_K_UPDATE, cp->model, (unsigned)d->block))) {
        CU_TRY(cudaGetLastError());
        return sg_i_fail(sim, SG_ERR_CUDA, "cuda backend: no launch configuration for the %s update", pop->model->name);
      }
      ++d->n_upd;
    }
    sg_mpi_share_of(pop->n, d->rank, d->P, &cp->lo, &cp->hi);   /* all of it in one process */
    cp->grid = sg_cuda_grid(cp->hi - cp->lo, up->block, d->n_sm);
    if ((uint64_t)up->grid + cp->grid > 2147483647u)
      return sg_i_fail(sim, SG_ERR_CUDA, "cuda backend: the %s update needs more than 2^31 - 1 blocks", pop->model->name);
    up->grid += cp->grid;
    ++up->n_pops;
    uint64_t off = 0;
    for (uint32_t r = 0; r < cp->n_state; ++r) {
      cp->width[r] = pop->width[r];
      cp->host_row[r] = pop->state[r];
      cp->row_off[r] = off;
      off += (uint64_t)pop->width[r] * pop->n;
    }
    cp->n_doubles = off;
  }
  return SG_OK;
fail:
  return st;
}

/* Recording buffers of a batch (after build_mm): room for a whole run() call, within a budget, but
 * never less than one step needs (every recorded sender spikes, every multimeter samples). */
static void plan_recording(const sg_sim *sim, const cu_data *d, cu_plan *pl) {
  const uint64_t chunk = pl->chunk, n_rec_src = pl->n_rec_src;
  uint64_t mm_step_max = 0, mm_chunk = 0, rec_cap = 0, mm_cap = 0;
  for (size_t j = 0; j < sim->n_mm; ++j) {
    const uint64_t iv = sim->mm[j].interval > 0 ? (uint64_t)sim->mm[j].interval : 1;
    mm_step_max += d->mm[j].n;
    mm_chunk += d->mm[j].n * (chunk / iv + 1);
  }
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
  /* test hooks (tests/test_cuda_equiv.c): small recording buffers force many batch boundaries;
   * SG_CUDA_TEST_REC_CAP=xM sizes the spike buffer for M steps of every recorded sender and plans
   * batches without the spike rate, so the device halts most of them */
  const char *tr = getenv("SG_CUDA_TEST_REC_CAP"), *tm = getenv("SG_CUDA_TEST_MM_CAP");
  uint64_t test_rec = tr && *tr ? strtoull(tr, NULL, 10) : 0;
  const uint64_t test_mm = tm && *tm ? strtoull(tm, NULL, 10) : 0;
  pl->rec_unplanned = tr && *tr == 'x';
  if (pl->rec_unplanned && n_rec_src) test_rec = n_rec_src * strtoull(tr + 1, NULL, 10);
  if (tr && *tr && n_rec_src) rec_cap = test_rec < n_rec_src ? n_rec_src : test_rec;
  if (tm && *tm && mm_step_max) mm_cap = test_mm < mm_step_max ? mm_step_max : test_mm;
  pl->rec_cap = rec_cap; pl->mm_cap = mm_cap;
  /* a window's spikes must fit the buffer whatever the rate (the batch halts between windows) */
  if (n_rec_src && rec_cap / n_rec_src < pl->wmax) pl->wmax = (uint32_t)(rec_cap / n_rec_src);
  pl->sz.rec = (double)pl->n_nodes + 2.0 * 16.0 * (double)rec_cap;   /* two halves (cu_run) */
  pl->sz.rec += 2.0 * 4.0 * (double)(chunk + 1);   /* window tables (when windows run) */
  pl->sz.mm = 12.0 * (double)d->n_mm_ent + 8.0 * (double)sim->n_mm * (1.0 + 2.0 * (double)chunk) + 2.0 * 8.0 * (double)mm_cap;
}

/* The memory check before any allocation: a clear error, nothing allocated. */
static sg_status check_fits(sg_sim *sim, const cu_data *d, cu_sizes *sz) {
  sg_status st = SG_OK;
  const int running = 0;
  sz->total = sz->state + sz->coef + sz->spikes + sz->csr + sz->gens + sz->ring + sz->rec + sz->mm;
  size_t free_b = 0, total_b = 0;
  CU_TRY(cudaMemGetInfo(&free_b, &total_b));
  if (sz->total + SG_CU_RESERVE > (double)free_b)
    return sg_i_fail(sim, SG_ERR_NOMEM,
                     "cuda backend: the network needs %.2f GiB of device memory (synapses %.2f, ring buffer %.2f, state %.2f, "
                     "recording %.2f, other %.2f) plus %.2f GiB reserve, %.2f GiB free of %.2f GiB on %s",
                     sz->total / GIB, sz->csr / GIB, sz->ring / GIB, (sz->state + sz->coef) / GIB,
                     (sz->rec + sz->mm) / GIB, (sz->spikes + sz->gens) / GIB, SG_CU_RESERVE / GIB, (double)free_b / GIB,
                     (double)total_b / GIB, d->dev_name);
  return SG_OK;
fail:
  return st;
}

/* A new ring for another slot or input count, keeping the pending events: slots k = step .. step + oldR - 1 move
 * from (k & (oldR-1)) to (k & (R-1)); runs of consecutive slots in both are copied as one 2-D copy. */
static sg_status relayout_ring(sg_sim *sim, cu_data *d, uint32_t R, uint64_t ni) {
  sg_status st = SG_OK;
  const int running = 0;
  int64_t *new_ring = NULL;
  const uint64_t ni1 = ni ? ni : 1;
  CU_ALLOC(new_ring, (uint64_t)R * ni1 * sizeof(int64_t));
  CU_TRY(cudaMemsetAsync(new_ring, 0, (size_t)R * ni1 * sizeof(int64_t), d->stream));
  if (d->d_ring && d->R && d->ni) {
    uint64_t k = sim->step, left = d->R;
    const uint64_t oldR = d->R, old_ni = d->ni, cp_ni = old_ni < ni ? old_ni : ni;
    const uint64_t old_mask = sg_ring_mask(d->R), new_mask = sg_ring_mask(R);
    while (left && cp_ni) {
      const uint64_t os = k & old_mask, ns = k & new_mask;
      uint64_t run = oldR - os;
      if ((uint64_t)R - ns < run) run = (uint64_t)R - ns;
      if (left < run) run = left;
      CU_TRY(cudaMemcpy2DAsync(sg_ring_slot(new_ring, k, new_mask, ni1), ni1 * sizeof(int64_t),
                               sg_ring_slot(d->d_ring, k, old_mask, old_ni),
                               old_ni * sizeof(int64_t), cp_ni * sizeof(int64_t), run, cudaMemcpyDeviceToDevice,
                               d->stream));
      k += run;
      left -= run;
    }
  }
  CU_TRY(cudaStreamSynchronize(d->stream));
  FREE_D(d->d_ring);
  d->d_ring = new_ring; d->R = R; d->ni = ni;
  return SG_OK;
fail:
  if (new_ring) (void)cudaFree(new_ring);
  return st;
}

/* Each model's population table (sg_cu_upd_pop: coefficients, state rows, ids, its blocks). */
static sg_status upload_update_tables(sg_sim *sim, cu_data *d) {
  sg_status st = SG_OK;
  sg_cu_upd_pop *t = malloc((d->n_pops ? d->n_pops : 1) * sizeof *t);
  if (!t) return sg_i_fail(sim, SG_ERR_NOMEM, "cuda backend: out of memory");
  for (size_t u = 0; u < d->n_upd && st == SG_OK; ++u) {
    cu_upd *up = &d->upd[u];
    uint32_t n = 0, block0 = 0;
    for (size_t p = 0; p < d->n_pops; ++p) {
      const cu_pop *cp = &d->pops[p];
      if (cp->model != up->model) continue;
      t[n++] = (sg_cu_upd_pop){.coef = cp->d_coef, .coef_stride = cp->coef_per_node ? 1u : 0u, .view = cp->view,
                               .first_id = cp->pop->first, .n = cp->n, .begin = cp->lo, .end = cp->hi,
                               .input_base = cp->pop->input_base, .in_lo = cp->pop->in_lo, .in_gap = cp->pop->in_gap,
                               .fed_ports = cp->pop->fed_ports,
                               .block0 = block0, .blocks = cp->grid};
      block0 += cp->grid;
    }
    const cu_array table[] = {DEV_ARRAY(up->d_pops, t, n)};
    st = ALLOC_UPLOAD(table);
  }
  free(t);
  return st;
}

/* Neurons: state (component-major rows, as on the host) and coefficients; the step's spike list. */
static sg_status upload_populations(sg_sim *sim, cu_data *d, const cu_plan *pl) {
  sg_status st = SG_OK;
  const int running = 0;
  d->n_neurons = pl->n_neurons;
  for (size_t p = 0; p < d->n_pops; ++p) {
    cu_pop *cp = &d->pops[p];
    sg_pop *pop = cp->pop;
    CU_ALLOC(cp->d_state, cp->n_doubles * sizeof(double));
    memset(&cp->view, 0, sizeof cp->view);
    for (uint32_t r = 0; r < cp->n_state; ++r) {
      const size_t bytes = (size_t)cp->width[r] * cp->n * sizeof(double);
      cp->view.s[r] = cp->d_state + cp->row_off[r];
      if (bytes) CU_TRY(cudaMemcpyAsync(cp->view.s[r], pop->state[r], bytes, cudaMemcpyHostToDevice, d->stream));
    }
    const cu_array coef[] = {{&cp->d_coef, pop->coef, pop->model->coef_size * (size_t)(pop->coef_per_node ? pop->n : 1),
                              "cp->d_coef"}};
    if ((st = ALLOC_UPLOAD(coef))) return st;
  }
  if ((st = upload_update_tables(sim, d))) return st;
  d->spk_cap = (uint32_t)pl->spk_cap;
  d->wmax = pl->wmax;
  const cu_array spikes[] = {DEV_ARRAY(d->d_spk_row, NULL, pl->spk_cap), DEV_ARRAY(d->d_spk_mult, NULL, pl->spk_cap),
                             DEV_ARRAY(d->d_spk_w, NULL, pl->spk_cap), DEV_ARRAY(d->d_prefix, NULL, pl->spk_cap)};
  if ((st = ALLOC_UPLOAD(spikes))) return st;
  d->spk = (sg_cu_spikes){.row = d->d_spk_row, .mult = d->d_spk_mult, .w = d->d_spk_w, .prefix = d->d_prefix,
                          .cap = d->spk_cap, .syn_bits = pl->syn_bits};
  return SG_OK;
fail:
  return st;
}

/* The packed targets (sg_csr_pack) of the CSR's synapses into d->d_target, in slices staged on the
 * host (a pageable source: each copy has read it when it returns). */
static sg_status upload_packed(sg_sim *sim, cu_data *d, uint32_t input_bits) {
  sg_status st = SG_OK;
  const int running = 0;
  const sg_csr *c = &sim->csr;
  const size_t SLICE = (size_t)1 << 20;
  uint32_t *buf = malloc((c->n_syn < SLICE ? c->n_syn : SLICE) * sizeof *buf);
  if (!buf) return sg_i_fail(sim, SG_ERR_NOMEM, "cuda backend: out of memory");
  uint64_t done = 0;   /* synapses uploaded */
  size_t fill = 0;
  for (uint64_t s = 0; s < c->n_seg; ++s)
    for (uint64_t j = sg_csr_seg_begin(c->seg_end, s); j < sg_csr_seg_end(c->seg_end, s); ++j) {
      buf[fill++] = sg_csr_pack(c->input[j], c->seg_delay[s], input_bits);
      if (fill < SLICE && j + 1 < c->n_syn) continue;
      CU_TRY(cudaMemcpyAsync(d->d_target + done, buf, fill * sizeof *buf, cudaMemcpyHostToDevice, d->stream));
      done += fill;
      fill = 0;
    }
fail:
  free(buf);
  return st;
}

/* Neuron -> neuron synapses: the host CSR plus the first synapse of every row; the targets packed
 * (input and delay) or, when they do not fit, the plain inputs and the segments (plan_packing). */
static sg_status upload_csr(sg_sim *sim, cu_data *d, const cu_plan *pl) {
  sg_status st = SG_OK;
  const sg_csr *c = &sim->csr;
  const uint64_t n_nodes = pl->n_nodes, n_syn = pl->n_syn, n_seg = pl->n_seg;
  const int packed = pl->input_bits != SG_CSR_UNPACKED;
  uint64_t *row_ptr = malloc((n_nodes + 1) * sizeof *row_ptr), *row_seg = malloc((n_nodes + 1) * sizeof *row_seg);
  if (!row_ptr || !row_seg) { st = sg_i_fail(sim, SG_ERR_NOMEM, "cuda backend: out of memory"); goto done; }
  for (uint64_t r = 0; r <= n_nodes; ++r) {   /* rows past the CSR's are empty, at its end */
    const int in_csr = n_syn && r <= c->n_rows;
    row_seg[r] = in_csr ? c->row_seg[r] : n_seg;
    row_ptr[r] = !in_csr ? n_syn : sg_csr_seg_begin(c->seg_end, row_seg[r]);
  }
  d->n_syn = n_syn;
  /* without synapses the host arrays may be absent: allocated only; packed targets: uploaded below */
  const cu_array syn[] = {DEV_ARRAY(d->d_row_ptr, row_ptr, n_nodes + 1),
                          DEV_ARRAY(d->d_target, n_syn && !packed ? c->input : NULL, n_syn),
                          DEV_ARRAY(d->d_weight, n_syn ? c->weight : NULL, n_syn)};
  const cu_array segs[] = {DEV_ARRAY(d->d_row_seg, row_seg, n_nodes + 1),
                           DEV_ARRAY(d->d_seg_end, n_syn ? c->seg_end : NULL, n_seg),
                           DEV_ARRAY(d->d_seg_delay, n_syn ? c->seg_delay : NULL, n_seg)};
  if ((st = ALLOC_UPLOAD(syn)) || (!packed && (st = ALLOC_UPLOAD(segs)))) goto done;
  if (packed && n_syn && (st = upload_packed(sim, d, pl->input_bits))) goto done;
  d->csr = (sg_cu_csr){.row_ptr = d->d_row_ptr, .target = d->d_target, .weight = d->d_weight,
                       .input_bits = pl->input_bits, .row_seg = d->d_row_seg, .seg_end = d->d_seg_end,
                       .seg_delay = d->d_seg_delay};
  d->grid_deliver = sg_cuda_grid(n_syn, d->blk[SG_CU_K_DELIVER], d->n_sm);
  /* test hook (tests/test_cuda_equiv.c): fewer delivery blocks, so that each warp makes many trips */
  const char *tg = getenv("SG_CUDA_TEST_DELIVER_GRID");
  const unsigned long g = tg && *tg ? strtoul(tg, NULL, 10) : 0;
  if (g > 0 && g < d->grid_deliver) d->grid_deliver = (unsigned)g;
  /* procedural projections: descriptors on the host (kernel arguments), counts on the device */
  if (sim->n_proc) {
    d->proc = malloc(sim->n_proc * sizeof *d->proc);
    d->d_count = calloc(sim->n_proc, sizeof *d->d_count);
    if (!d->proc || !d->d_count) { st = sg_i_fail(sim, SG_ERR_NOMEM, "cuda backend: out of memory"); goto done; }
    d->n_proc = sim->n_proc;
    for (size_t j = 0; j < sim->n_proc; ++j) {
      d->proc[j] = sim->proc[j].d;
      if (!sim->proc[j].count) continue;
      const cu_array cnt[] = {DEV_ARRAY(d->d_count[j], sim->proc[j].count, sim->proc[j].d.npre)};
      if ((st = ALLOC_UPLOAD(cnt))) goto done;
    }
    d->grid_proc = sg_cuda_grid((uint64_t)pl->n_neurons * 64u, d->blk[SG_CU_K_PROC], d->n_sm);
  }
done:
  free(row_ptr); free(row_seg);
  return st;
}

/* Host copies of the generator tables as the kernels read them: one entry per generator, and one per
 * generator synapse (its generator, index in the generator's row, delay, input, weight), in two
 * tables: the Poisson drive (synapses into neurons of poisson_generators whose counts need no PTRS,
 * lambda < 10, grouped by target node: the update draws them, kernels/update.cu) and the rest
 * (stimulate_targets_kernel). */
typedef struct gen_table { uint32_t *gen, *j, *delay, *input; float *weight; uint64_t n; } gen_table;
typedef struct gen_stage {
  sg_cu_gen *gens;
  gen_table rest, pois;      /* pois: in generator order until sorted by target                 */
  uint64_t *pois_node;       /* [pois.n] target row (global id - 1), until sorted               */
  uint32_t *pois_row;        /* [n_nodes + 1] first drive synapse of each node                   */
} gen_stage;

static int gen_table_alloc(gen_table *t, size_t n) {
  t->gen = malloc(n * sizeof *t->gen); t->j = malloc(n * sizeof *t->j); t->delay = malloc(n * sizeof *t->delay);
  t->input = malloc(n * sizeof *t->input); t->weight = malloc(n * sizeof *t->weight);
  t->n = 0;
  return t->gen && t->j && t->delay && t->input && t->weight;
}
static void gen_table_free(gen_table *t) { free(t->gen); free(t->j); free(t->delay); free(t->input); free(t->weight); }
static void gen_table_put(gen_table *t, uint64_t at, uint32_t g, uint32_t j, uint32_t delay, uint32_t input, float w) {
  t->gen[at] = g; t->j[at] = j; t->delay[at] = delay; t->input[at] = input; t->weight[at] = w;
}

/* The neuron that generator input `in` feeds (the generator CSR numbers inputs as one process
 * does: input_gbase, host/csr.c), as its row (global id - 1), or UINT64_MAX: a binary search over
 * the neuron populations sorted by input_gbase (by[0 .. n)). */
static uint64_t neuron_row_of_input(sg_pop *const *by, size_t n, uint64_t in) {
  size_t lo = 0, hi = n;   /* first population with input_gbase > in */
  while (lo < hi) {
    const size_t mid = lo + (hi - lo) / 2;
    if (by[mid]->input_gbase <= in) lo = mid + 1; else hi = mid;
  }
  if (lo == 0) return UINT64_MAX;
  const sg_pop *p = by[lo - 1];
  if (p->n == 0 || in - p->input_gbase >= (uint64_t)p->n_ports * p->n) return UINT64_MAX;
  return p->first - 1u + (in - p->input_gbase) % p->n;
}
static int cmp_input_base(const void *a, const void *b) {
  const uint64_t x = (*(sg_pop *const *)a)->input_gbase, y = (*(sg_pop *const *)b)->input_gbase;
  return x < y ? -1 : x > y;
}

static sg_status stage_generators(sg_sim *sim, const cu_data *d, const cu_plan *pl, gen_stage *s) {
  const sg_csr *gc = &sim->gen_csr;
  const uint64_t n_gs = pl->n_gs;
  const size_t n1 = n_gs ? n_gs : 1;
  gen_table tmp = {0};
  sg_pop **by = malloc((d->n_pops ? d->n_pops : 1) * sizeof *by);
  s->gens = calloc(sim->n_gens ? sim->n_gens : 1, sizeof *s->gens);
  s->pois_node = malloc(n1 * sizeof *s->pois_node);
  s->pois_row = calloc(pl->n_nodes + 2, sizeof *s->pois_row);
  sg_status st = SG_OK;
  if (!by || !s->gens || !s->pois_node || !s->pois_row || !gen_table_alloc(&s->rest, n1) || !gen_table_alloc(&tmp, n1)) {
    st = sg_i_fail(sim, SG_ERR_NOMEM, "cuda backend: out of memory (generators)");
    goto done;
  }
  for (size_t p = 0; p < d->n_pops; ++p) by[p] = d->pops[p].pop;
  qsort(by, d->n_pops, sizeof *by, cmp_input_base);
  uint64_t e = 0;
  for (size_t g = 0; g < sim->n_gens; ++g) {
    const sg_gen *G = &sim->gens[g];
    const uint64_t row = G->gid - 1;
    s->gens[g].g = *G;   /* the record itself; its step (now) starts at 0 (calloc) */
    if (!G->has_targets) continue;
    const uint64_t s0 = gc->row_seg[row], s1 = gc->row_seg[row + 1];
    const uint64_t first_syn = sg_csr_seg_begin(gc->seg_end, s0);
    for (uint64_t seg = s0, j = first_syn; seg < s1; ++seg)
      for (; j < gc->seg_end[seg]; ++j, ++e) {
        const int drive = G->model == SG_MODEL_poisson_generator && sg_gen_poisson_small(G);
        const uint64_t node = drive || d->P > 1 ? neuron_row_of_input(by, d->n_pops, gc->input[j]) : UINT64_MAX;
        if (d->P > 1 && node != UINT64_MAX && !sg_i_rank_owns(sim, node + 1)) continue;   /* another rank's target */
        /* the target's input in this rank's ring (the CSR's is the network's numbering) */
        const uint32_t in = d->P > 1 ? sg_i_local_input(sim, gc->input[j]) : gc->input[j];
        if (in == SG_NO_INPUT) continue;
        gen_table *t = drive && node < pl->n_nodes ? &tmp : &s->rest;
        if (t == &tmp) { s->pois_node[tmp.n] = node; s->pois_row[node + 2]++; }
        gen_table_put(t, t->n++, (uint32_t)g, (uint32_t)(j - first_syn), gc->seg_delay[seg], in, gc->weight[j]);
      }
  }
  if (e != n_gs) {
    st = sg_i_fail(sim, SG_ERR_STATE, "cuda backend: generator synapse count mismatch (%llu != %llu)", (unsigned long long)e, (unsigned long long)n_gs);
    goto done;
  }
  if (tmp.n > UINT32_MAX) {   /* the update indexes the drive with 32 bits (registers) */
    st = sg_i_fail(sim, SG_ERR_OVERFLOW, "cuda backend: %llu Poisson generator synapses, the device handles at most 2^32 - 1",
                   (unsigned long long)tmp.n);
    goto done;
  }
  /* counting sort by target: pois_row[r + 2] counted node r; prefix sums shift that to r + 1, and
   * placing advances pois_row[r + 1] from node r's first to its end, which is node r + 1's first */
  for (uint64_t r = 2; r <= pl->n_nodes + 1; ++r) s->pois_row[r] += s->pois_row[r - 1];
  if (!gen_table_alloc(&s->pois, tmp.n ? tmp.n : 1)) { st = sg_i_fail(sim, SG_ERR_NOMEM, "cuda backend: out of memory (generators)"); goto done; }
  s->pois.n = tmp.n;
  for (uint64_t x = 0; x < tmp.n; ++x)
    gen_table_put(&s->pois, s->pois_row[s->pois_node[x] + 1]++, tmp.gen[x], tmp.j[x], tmp.delay[x], tmp.input[x], tmp.weight[x]);
done:
  gen_table_free(&tmp);
  free(by);
  return st;
}

/* Generators: their table, their synapses (stimulate_targets_kernel's and the update's Poisson
 * drive), spike/current events, noise values. */
static sg_status upload_generators(sg_sim *sim, cu_data *d, const cu_plan *pl) {
  sg_status st;
  gen_stage s = {0};
  d->n_gens = sim->n_gens;
  d->n_ev = sim->n_gen_ev; d->n_vals = sim->n_gen_vals;
  if ((st = stage_generators(sim, d, pl, &s))) goto done;
  d->n_gs = s.rest.n; d->n_ps = s.pois.n;
  d->gens_serial = d->n_gs != 0;
  for (size_t g = 0; g < sim->n_gens; ++g) d->gens_serial |= sim->gens[g].model != SG_MODEL_poisson_generator;
  if (d->gens_serial) d->wmax = 1;   /* generator launches advance one step each (window_max) */
  const cu_array gens[] = {DEV_ARRAY(d->d_gens, s.gens, d->n_gens)};
  const cu_array targets[] = {DEV_ARRAY(d->d_gs_gen, s.rest.gen, d->n_gs), DEV_ARRAY(d->d_gs_j, s.rest.j, d->n_gs),
                              DEV_ARRAY(d->d_gs_delay, s.rest.delay, d->n_gs), DEV_ARRAY(d->d_gs_input, s.rest.input, d->n_gs),
                              DEV_ARRAY(d->d_gs_weight, s.rest.weight, d->n_gs)};
  const cu_array drive[] = {DEV_ARRAY(d->d_pois_row, d->n_ps ? s.pois_row : NULL, d->n_ps ? pl->n_nodes + 1 : 0),
                            DEV_ARRAY(d->d_ps_gen, s.pois.gen, d->n_ps), DEV_ARRAY(d->d_ps_j, s.pois.j, d->n_ps),
                            DEV_ARRAY(d->d_ps_delay, s.pois.delay, d->n_ps), DEV_ARRAY(d->d_ps_input, s.pois.input, d->n_ps),
                            DEV_ARRAY(d->d_ps_weight, s.pois.weight, d->n_ps)};
  const cu_array events[] = {DEV_ARRAY(d->d_ev_t, sim->gen_t, d->n_ev), DEV_ARRAY(d->d_ev_w, sim->gen_w, d->n_ev),
                             DEV_ARRAY(d->d_ev_m, sim->gen_m, d->n_ev)};
  const cu_array noise[] = {DEV_ARRAY(d->d_vals, sim->gen_vals, d->n_vals)};
  if ((st = ALLOC_UPLOAD(gens)) || (st = ALLOC_UPLOAD(targets)) || (st = ALLOC_UPLOAD(drive)) ||
      (st = ALLOC_UPLOAD(events)) || (st = ALLOC_UPLOAD(noise)))
    goto done;
  d->gen_args = (sg_cu_gen_args){.gens = d->d_gens, .n_gens = d->n_gens, .ev_t = d->d_ev_t, .ev_w = d->d_ev_w,
                                 .ev_m = d->d_ev_m, .vals = d->d_vals, .ring = d->d_ring, .n_inputs = d->ni,
                                 .seed = sim->cfg.seed, .mask = sg_ring_mask(d->R), .ctl = d->d_ctl};
  d->gen_syn = (sg_cu_gen_syn){.gen = d->d_gs_gen, .j = d->d_gs_j, .delay = d->d_gs_delay, .input = d->d_gs_input,
                               .weight = d->d_gs_weight, .n = d->n_gs};
  d->pois_syn = (sg_cu_gen_syn){.gen = d->d_ps_gen, .j = d->d_ps_j, .delay = d->d_ps_delay, .input = d->d_ps_input,
                                .weight = d->d_ps_weight, .n = d->n_ps};
  d->pois_from = sim->step;
  d->grid_gens = sg_cuda_grid(d->n_gens, d->blk[SG_CU_K_PREPARE_GENS], d->n_sm);
  d->grid_gs = sg_cuda_grid(d->n_gs, d->blk[SG_CU_K_STIMULATE], d->n_sm);
  d->grid_ps = sg_cuda_grid(d->n_ps, d->blk[SG_CU_K_FLUSH_POISSON], d->n_sm);
done:
  free(s.gens); free(s.pois_node); free(s.pois_row);
  gen_table_free(&s.rest); gen_table_free(&s.pois);
  return st;
}

/* Recording: the senders with a spike recorder and its batch buffer; the multimeters' gather list (build_mm's,
 * with device addresses now that the state exists), due table (a row per step of a batch) and sample buffer. */
static sg_status setup_recording(sg_sim *sim, cu_data *d, const cu_plan *pl, const uint64_t *mm_at,
                                 const uint32_t *mm_idx, const uint64_t *mm_first) {
  sg_status st = SG_OK;
  const int running = 0;
  const uint64_t n_nodes = pl->n_nodes;
  uint8_t *has_rec = NULL;
  const double **mm_addr = NULL;
  d->n_rec_src = pl->n_rec_src; d->rec_cap = pl->rec_cap; d->rec_rate = pl->n_rec_src;
  d->rec_unplanned = pl->rec_unplanned;
  if (d->n_rec_src) {
    has_rec = calloc(n_nodes ? n_nodes : 1, 1);
    d->rec_need = calloc(sim->n_srec ? sim->n_srec : 1, sizeof *d->rec_need);
    d->h_rec_tmp = malloc(d->n_rec_src * d->wmax * sizeof *d->h_rec_tmp);   /* a window's spikes */
    if (!has_rec || !d->rec_need || !d->h_rec_tmp) { st = sg_i_fail(sim, SG_ERR_NOMEM, "cuda backend: out of memory"); goto fail; }
    for (uint64_t r = 0; r < sim->csr.n_rows && r < n_nodes; ++r) has_rec[r] = sim->rec_row[r + 1] > sim->rec_row[r];
    const cu_array senders[] = {DEV_ARRAY(d->d_has_rec, has_rec, n_nodes)};
    if ((st = ALLOC_UPLOAD(senders))) goto fail;
    CU_ALLOC(d->d_rec, 2u * d->rec_cap * sizeof(sg_cu_rec_ev));   /* two halves: cu_run */
    CU_TRY(cudaMallocHost((void **)&d->h_rec, d->rec_cap * sizeof(sg_cu_rec_ev)));
  }
  d->grid_rec = sg_cuda_grid(pl->spk_cap, d->blk[SG_CU_K_RECORD], d->n_sm);
  d->mm_cap = pl->mm_cap; d->due_steps = pl->chunk;
  if (d->wmax > 1) {   /* the window lengths of a batch, per half (+ 1: the last window's end reads one more) */
    CU_ALLOC(d->d_win, 2u * (d->due_steps + 1u) * sizeof(uint32_t));
    CU_TRY(cudaMallocHost((void **)&d->h_win, 2u * (d->due_steps + 1u) * sizeof(uint32_t)));
  }
  if (d->n_mm_ent) {
    mm_addr = malloc(d->n_mm_ent * sizeof *mm_addr);
    if (!mm_addr) { st = sg_i_fail(sim, SG_ERR_NOMEM, "cuda backend: out of memory (multimeters)"); goto fail; }
    for (uint64_t e = 0; e < d->n_mm_ent; ++e)
      mm_addr[e] = d->pops[mm_at[e] >> 40].d_state + (mm_at[e] & (((uint64_t)1 << 40) - 1));
    const cu_array gather[] = {DEV_ARRAY(d->d_mm_addr, mm_addr, d->n_mm_ent),
                               DEV_ARRAY(d->d_mm_idx, mm_idx, d->n_mm_ent),
                               DEV_ARRAY(d->d_mm_first, mm_first, d->n_mm)};
    if ((st = ALLOC_UPLOAD(gather))) goto fail;
    CU_ALLOC(d->d_due, 2u * d->due_steps * d->n_mm * sizeof(uint64_t));
    CU_TRY(cudaMallocHost((void **)&d->h_due, 2u * d->due_steps * d->n_mm * sizeof(uint64_t)));
    CU_ALLOC(d->d_mm_buf, 2u * d->mm_cap * sizeof(double));
    CU_TRY(cudaMallocHost((void **)&d->h_mm_buf, d->mm_cap * sizeof(double)));
  }
  d->mm_args = (sg_cu_mm_args){.addr = d->d_mm_addr, .mm = d->d_mm_idx, .first = d->d_mm_first, .due = d->d_due,
                               .n_entries = d->n_mm_ent, .n_mm = d->n_mm, .due_steps = d->due_steps,
                               .cap = d->mm_cap, .buf = d->d_mm_buf};
  d->grid_mm = sg_cuda_grid(d->n_mm_ent, d->blk[SG_CU_K_SAMPLE], d->n_sm);
fail:
  free(has_rec); free((void *)mm_addr);
  return st;
}

/* Before the tables go: the Poisson drive that the update of a later step would have drawn with
 * them (steps from pois_from whose events fall due at sim->step or later) into the ring, where
 * stimulate_targets_kernel would have put it; so the ring holds the cpu backend's pending input
 * whatever the next tables are (a rate set, a generator or connection added). Nothing to do for
 * a network that never became ready. A failure poisons the simulation: the ring would lack input. */
static sg_status flush_poisson_drive(sg_sim *sim, cu_data *d) {
  sg_status st = SG_OK;
  const int running = 1;
  if (!d->ready || !d->n_ps || sim->poisoned) return SG_OK;
  CU_TRY(sg_cuda_flush_poisson(&d->gen_args, &d->pois_syn, d->pois_from, sim->step, d->grid_ps,
                               d->blk[SG_CU_K_FLUSH_POISSON], d->stream));
  CU_TRY(cudaStreamSynchronize(d->stream));
  d->n_ps = 0;   /* flushed once: a failed prepare after this must not flush again */
fail:
  return st;
}

/* Sizes and the memory check first (nothing allocated when the network does not fit), then the
 * uploads, then the step as graphs (one step, SG_CU_UNROLL steps). A failure releases the network
 * (the ring and its pending events stay). */
sg_status sg_i_cu_prepare(sg_sim *sim, const cu_rank_hooks *hooks) {
  sg_status st = SG_OK;
  const int running = 0;
  cu_data *d = sim->backend_data;
  cu_plan plan;
  uint64_t *mm_at = NULL, *mm_first = NULL;   /* the multimeters' gather list, until it is uploaded */
  uint32_t *mm_idx = NULL;
  if (!d && (st = cu_init(sim, &d))) return st;
  d->hooks = hooks;
  /* the device holds the current state: bring it back before anything is rebuilt from the host */
  if (sim->state_on_device && d->ready) {
    if ((st = sg_i_cu_pull_state(sim, d, 1))) return st;
    sim->state_on_device = 0;
  }
  if ((st = flush_poisson_drive(sim, d))) return st;
  CU_TRY(cudaStreamSynchronize(d->stream));
  release_network(sim, d);
  if ((st = plan_network(sim, d, &plan))) goto fail;
  if ((st = plan_kernels_and_pops(sim, d, &plan))) goto fail;
  if ((st = build_mm(sim, d, &mm_at, &mm_idx, &mm_first))) goto fail;
  plan_recording(sim, d, &plan);
  if (d->P > 1 && (st = hooks->plan(sim, d, &plan))) goto fail;
  if ((st = check_fits(sim, d, &plan.sz))) goto fail;
  if (plan.ring_new && (st = relayout_ring(sim, d, plan.R, plan.ni))) goto fail;
  if ((st = upload_populations(sim, d, &plan))) goto fail;
  if ((st = upload_csr(sim, d, &plan))) goto fail;
  if ((st = upload_generators(sim, d, &plan))) goto fail;
  if ((st = setup_recording(sim, d, &plan, mm_at, mm_idx, mm_first))) goto fail;
  if (d->P > 1 && (st = hooks->setup(sim, d, &plan))) goto fail;
  CU_TRY(cudaStreamSynchronize(d->stream));
  if (d->use_graph) {
    if ((st = capture(sim, d, 1, &d->graph1))) goto fail;
    if ((st = capture(sim, d, SG_CU_UNROLL, &d->graphU))) goto fail;
  }
  d->ready = 1;
fail:
  free(mm_at); free(mm_idx); free(mm_first);
  if (st != SG_OK) release_network(sim, d);
  return st;
}

/* ---- run ----------------------------------------------------------------------------------- */
/* Steps of the next batch (>= 1) from step `start`: at most `remaining`, the due table's rows,
 * what the spike buffer likely holds (below), and what the sample buffer holds. Fills the due
 * table `due` (due_steps x n_mm); *mm_used = doubles of samples in the batch. */
uint64_t sg_i_cu_plan_batch(const sg_sim *sim, cu_data *d, uint64_t start, uint64_t remaining, uint64_t *mm_used,
                           uint64_t *due) {
  uint64_t S = remaining < d->due_steps ? remaining : d->due_steps;
  if (d->n_rec_src) {
    /* rec_cap / n_rec_src steps fit even if every recorded sender spikes in every step; the device
     * halts a longer batch where the buffer could not take one more step (sg_cu_advance, rec_halt),
     * so plan for twice the last batch's rate: few steps launched past the halt, few batches */
    uint64_t r = d->rec_cap / d->n_rec_src;
    const uint64_t likely = (d->rec_cap - d->n_rec_src * d->wmax) / (2u * d->rec_rate + 1u) + 1u;
    if (likely > r) r = likely;
    if (r < S && !d->rec_unplanned) S = r;
  }
  uint64_t used = 0, s = 0;
  if (d->n_mm_ent) {
    for (; s < S; ++s) {
      const uint64_t stamp = start + s + 1;
      uint64_t need = 0;
      for (size_t j = 0; j < d->n_mm; ++j)
        if (d->mm[j].n && sg_i_mm_due(&sim->mm[j], stamp)) need += d->mm[j].n;
      if (used + need > d->mm_cap) break;
      for (size_t j = 0; j < d->n_mm; ++j) {
        const int is_due = d->mm[j].n && sg_i_mm_due(&sim->mm[j], stamp);
        due[s * d->n_mm + j] = is_due ? used : SG_CU_NOT_DUE;
        if (is_due) used += d->mm[j].n;
      }
    }
    S = s;
  }
  *mm_used = used;
  return S;
}

/* The windows of a batch of S steps from `start` (due: its due table): as long as d->wmax allows,
 * each ending at a step where a multimeter samples (the sample kernel runs after the window) and
 * the last at the batch's end. Fills win[0 .. n) and win[n] = 1 (read by the last window's end,
 * sg_cu_advance); returns n. */
static uint64_t plan_windows(const cu_data *d, uint64_t S, const uint64_t *due, uint32_t *win) {
  uint64_t n = 0;
  for (uint64_t s = 0; s < S; ++n) {
    uint32_t W = S - s < d->wmax ? (uint32_t)(S - s) : d->wmax;
    for (uint32_t w = 0; w + 1 < W && d->n_mm_ent; ++w) {
      int due_here = 0;
      for (size_t j = 0; j < d->n_mm; ++j) due_here |= due[(s + w) * d->n_mm + j] != SG_CU_NOT_DUE;
      if (due_here) { W = w + 1; break; }
    }
    win[n] = W;
    s += W;
  }
  win[n] = 1;
  return n;
}

/* Room in the spike recorders for n recorded spikes (senders without a recorder need none). */
sg_status sg_i_cu_reserve_spikes(sg_sim *sim, cu_data *d, const sg_cu_rec_ev *ev, uint64_t n) {
  sg_status st = SG_OK;
  if (!n || !sim->n_srec || !sim->rec_row) return SG_OK;
  memset(d->rec_need, 0, sim->n_srec * sizeof *d->rec_need);
  for (uint64_t q = 0; q < n; ++q)
    if (ev[q].row < sim->csr.n_rows)
      for (uint64_t r = sim->rec_row[ev[q].row]; r < sim->rec_row[ev[q].row + 1]; ++r) d->rec_need[sim->rec_idx[r]] += ev[q].mult;
  for (size_t j = 0; j < sim->n_srec && st == SG_OK; ++j)
    if (d->rec_need[j]) st = sg_i_srec_reserve(sim, &sim->srec[j], (size_t)d->rec_need[j]);
  return st;
}

/* Room in the host recorders for one batch's recordings, made before any of them is stored. */
static sg_status reserve_batch(sg_sim *sim, cu_data *d, uint64_t S, uint64_t n_rec, const uint64_t *due) {
  sg_status st = sg_i_cu_reserve_spikes(sim, d, d->h_rec, n_rec);
  if (d->n_mm_ent)
    for (size_t j = 0; j < d->n_mm && st == SG_OK; ++j) {
      size_t rows = 0;
      for (uint64_t s = 0; s < S; ++s) rows += due[s * d->n_mm + j] != SG_CU_NOT_DUE;
      if (rows) st = sg_i_mm_reserve(sim, &sim->mm[j], rows);
    }
  return st;
}

/* n spikes, sorted by (stamp, sender), the cpu backend's order, to the spike recorders. */
sg_status sg_i_cu_push_spikes(sg_sim *sim, const sg_cu_rec_ev *ev, uint64_t n) {
  sg_status st = SG_OK;
  if (!n || !sim->n_srec || !sim->rec_row) return SG_OK;
  for (uint64_t q = 0; q < n && st == SG_OK; ++q) {
    const uint64_t row = ev[q].row;
    if (row >= sim->csr.n_rows) continue;
    for (uint64_t r = sim->rec_row[row]; r < sim->rec_row[row + 1] && st == SG_OK; ++r)
      st = sg_i_srec_push(sim, &sim->srec[sim->rec_idx[r]], ev[q].stamp, row + 1, ev[q].mult);
  }
  return st;
}

/* Multimeter j's row from its sample block blk (device values of its targets). Targets whose
 * model derives its recordables on the host: the sampled state of the node goes into the host
 * arrays (stale while the state is on the device, and overwritten by the next sync) and the model
 * is asked, exactly as the cpu backend does. With MPI ranks (ranks != 0) other ranks' targets get
 * all-zero bits: sg_i_rank_merge_samples fills them in. */
void sg_i_cu_fill_mm_row(sg_sim *sim, const cu_data *d, size_t j, const double *blk, double *row, int ranks) {
  const sg_multimeter *m = &sim->mm[j];
  const cu_mm *cm = &d->mm[j];
  for (size_t t = 0; t < m->n_targets; ++t) {
    const cu_mm_tgt *tg = &cm->tgt[t];
    if (ranks && !sg_i_rank_owns(sim, m->targets[t])) {
      memset(row + t * m->n_vars, 0, m->n_vars * sizeof *row);
      continue;
    }
    if (!tg->snapshot) {
      for (size_t v = 0; v < m->n_vars; ++v) row[t * m->n_vars + v] = blk[tg->off + v];
      continue;
    }
    sg_pop *tp = sg_i_pop_of(sim, m->targets[t]);
    const uint64_t i = m->targets[t] - tp->first;
    uint64_t q = tg->off;
    for (uint32_t r = 0; r < tp->model->n_state; ++r)
      for (uint32_t cc = 0; cc < tp->width[r]; ++cc) tp->state[r][(uint64_t)cc * tp->n + i] = blk[q++];
    for (size_t v = 0; v < m->n_vars; ++v)
      row[t * m->n_vars + v] = tp->model->recordable_value(tp, m->target_rec[t * m->n_vars + v], i);
  }
}

/* Hands one batch's recordings to the host recorders, in the cpu backend's order. */
static sg_status deliver_records(sg_sim *sim, cu_data *d, uint64_t step0, uint64_t S, uint64_t n_rec,
                                 const uint64_t *due) {
  sg_status st = sg_i_cu_push_spikes(sim, d->h_rec, n_rec);
  if (d->n_mm_ent)
    for (uint64_t s = 0; s < S && st == SG_OK; ++s)
      for (size_t j = 0; j < d->n_mm && st == SG_OK; ++j) {
        const uint64_t off = due[s * d->n_mm + j];
        if (off == SG_CU_NOT_DUE) continue;
        double *row;
        if ((st = sg_i_mm_row(sim, &sim->mm[j], step0 + s + 1, &row))) break;
        sg_i_cu_fill_mm_row(sim, d, j, d->h_mm_buf + off, row, 0);
      }
  return st;
}

/* Launches n steps on the stream: the first ones timed kernel by kernel while SG_CUDA_KERNEL_TIMING
 * asks, then the long graph, the one-step graph, or (SG_CUDA_GRAPHS=0) launch by launch. */
/* n windows on the main stream (win: their lengths; NULL: one step each): graph replays of
 * SG_CU_UNROLL windows and of one, or launches one by one (kernel timing, no graphs) */
sg_status sg_i_cu_launch_steps(sg_sim *sim, cu_data *d, uint64_t n, const uint32_t *win) {
  sg_status st = SG_OK;
  const int running = 1;
  uint64_t left = n;
  for (; left && sg_cu_timing_wanted(&d->timing); --left) CU_TRY(timed_step(d, sim->cfg.seed, win ? win[n - left] : 1u));
  if (d->use_graph) {
    for (; left >= SG_CU_UNROLL; left -= SG_CU_UNROLL) CU_TRY(cudaGraphLaunch(d->graphU, d->stream));
    for (; left; --left) CU_TRY(cudaGraphLaunch(d->graph1, d->stream));
  } else {
    for (; left; --left) {
      CU_TRY(enqueue_step(d, sim->cfg.seed, NULL));
#ifdef SG_DEBUG_SYNC
      CU_TRY(cudaStreamSynchronize(d->stream));
#endif
    }
  }
fail:
  return st;
}

/* A batch of steps in flight (cu_run): where it starts, its length, its windows (as many as the
 * steps without windows), the doubles of samples it writes, the half of the recording buffers it
 * writes. */
typedef struct cu_batch {
  uint64_t step0, S, n_win, mm_used;
  uint32_t half;
} cu_batch;

static uint64_t *due_half(const cu_data *d, uint32_t half) { return d->h_due + (uint64_t)half * d->due_steps * d->n_mm; }
static uint32_t *win_half(const cu_data *d, uint32_t half) { return d->h_win + (uint64_t)half * (d->due_steps + 1u); }

/* Plans the batch from step `start` and enqueues it on the main stream: its start (the control
 * block reset on the device, sg_cuda_begin_batch), its due table, its steps, a copy of the control
 * block at its end (d_ctl[1 + half]) and the event the downloads wait for. */
static sg_status enqueue_batch(sg_sim *sim, cu_data *d, cu_batch *b, uint64_t start, uint64_t remaining, uint32_t half) {
  sg_status st = SG_OK;
  const int running = 1;
  b->step0 = start;
  b->half = half;
  b->S = sg_i_cu_plan_batch(sim, d, start, remaining, &b->mm_used, due_half(d, half));
  b->n_win = b->S;
  const uint32_t *d_win = NULL;
  if (d->wmax > 1) {
    b->n_win = plan_windows(d, b->S, due_half(d, half), win_half(d, half));
    d_win = d->d_win + (uint64_t)half * (d->due_steps + 1u);
    CU_TRY(cudaMemcpyAsync((void *)d_win, win_half(d, half), (b->n_win + 1u) * sizeof(uint32_t), cudaMemcpyHostToDevice,
                           d->stream));
  }
  if (d->n_mm_ent)
    CU_TRY(cudaMemcpyAsync(d->d_due + (uint64_t)half * d->due_steps * d->n_mm, due_half(d, half),
                           b->S * d->n_mm * sizeof(uint64_t), cudaMemcpyHostToDevice, d->stream));
  /* rec_halt: a window's end halts the batch when fewer entries are left than a window can fill */
  CU_TRY(sg_cuda_begin_batch(d->d_ctl, start, half, d->pois_from,
                             d->n_rec_src ? d->rec_cap - d->n_rec_src * d->wmax + 1u : 0u, d_win, d->stream));
  if ((st = sg_i_cu_launch_steps(sim, d, b->n_win, d_win ? win_half(d, half) : NULL))) return st;
  CU_TRY(cudaMemcpyAsync(d->d_ctl + 1 + half, d->d_ctl, sizeof *d->d_ctl, cudaMemcpyDeviceToDevice, d->stream));
  CU_TRY(cudaEventRecord(d->batch_done[half], d->stream));
fail:
  return st;
}

/* A device fault in steps step0 .. step0 + n - 1 (fault: the control block's SG_CU_FAULT_* bits;
 * rec_over: more recorded entries than `rec_buf`, the buffer they go to, holds; out_of_sequence:
 * the step counter or the half is not where the batch left them): the simulation stops for good,
 * with every recording up to step0 kept. One message for one process and MPI ranks. */
sg_status sg_i_cu_device_fault(sg_sim *sim, const cu_data *d, unsigned fault, uint64_t step0, uint64_t n, int rec_over,
                               int out_of_sequence, const char *rec_buf) {
  char spk_msg[160], rec_msg[96];
  snprintf(spk_msg, sizeof spk_msg, " spike list overflow (more spikes in one window of steps than its %u entries)",
           d->spk_cap);
  snprintf(rec_msg, sizeof rec_msg, " %s overflow", rec_buf);
  sim->poisoned = 1;
  snprintf(sim->backend_reason, sizeof sim->backend_reason, "cuda: stopped by a device fault (flags 0x%x)", fault);
  return sg_i_fail(sim, SG_ERR_OVERFLOW,
                   "cuda backend: device fault in steps %llu..%llu (flags 0x%x:%s%s%s%s); the simulation stopped at t = %g ms and cannot continue (recordings up to there are kept)",
                   (unsigned long long)step0, (unsigned long long)(step0 + n - 1), fault,
                   (fault & SG_CU_FAULT_SPIKE_LIST) ? spk_msg : "", (fault & SG_CU_FAULT_REC_BUF) || rec_over ? rec_msg : "",
                   (fault & SG_CU_FAULT_MM_BUF) ? " multimeter buffer overflow" : "",
                   out_of_sequence ? " step counter out of sequence" : "", (double)step0 * sim->h);
}

/* Waits for batch b (not for what follows it on the main stream), downloads its control block,
 * samples and spikes on the copy stream, checks them and hands its recordings to the host
 * recorders; sim->step moves to where the device got (all of the batch, or up to a halt). */
static sg_status finish_batch(sg_sim *sim, cu_data *d, const cu_batch *b) {
  sg_status st = SG_OK;
  const int running = 1;
  const uint64_t step0 = b->step0, S = b->S;
  CU_TRY(cudaStreamWaitEvent(d->copy, d->batch_done[b->half], 0));
  CU_TRY(cudaMemcpyAsync(d->h_ctl, d->d_ctl + 1 + b->half, sizeof *d->h_ctl, cudaMemcpyDeviceToHost, d->copy));
  if (b->mm_used)
    CU_TRY(cudaMemcpyAsync(d->h_mm_buf, d->d_mm_buf + (uint64_t)b->half * d->mm_cap, b->mm_used * sizeof(double),
                           cudaMemcpyDeviceToHost, d->copy));
  CU_TRY(cudaStreamSynchronize(d->copy));
  const sg_cu_ctl ctl = *d->h_ctl;
  /* steps that ran: all S, or fewer when the recorder buffer halted the batch */
  const uint64_t ran = ctl.step - step0;
  const int in_sequence = ctl.halted ? ctl.step > step0 && ctl.step <= step0 + S : ctl.step == step0 + S;
  if (ctl.fault == SG_CU_FAULT_NONFINITE && in_sequence && ctl.bad_key != UINT64_MAX)
    return sg_i_nonfinite_error(sim, (uint32_t)(ctl.bad_key & 0xFFFFFFFFu), step0 + (ctl.bad_key >> 32));
  if (ctl.fault || !in_sequence || ctl.rec_n > d->rec_cap || ctl.half != b->half)
    return sg_i_cu_device_fault(sim, d, ctl.fault, step0, S, ctl.rec_n > d->rec_cap, !in_sequence || ctl.half != b->half,
                                "spike-recorder buffer");
  d->rec_rate = (ctl.rec_n + ran - 1u) / ran;
  if (ctl.rec_n) {
    CU_TRY(cudaMemcpyAsync(d->h_rec, d->d_rec + (uint64_t)b->half * d->rec_cap, ctl.rec_n * sizeof *d->h_rec,
                           cudaMemcpyDeviceToHost, d->copy));
    CU_TRY(cudaStreamSynchronize(d->copy));
    /* a window's entries (a step's without windows) come in atomic order */
    if (d->wmax > 1)
      sg_i_order_window_spikes(d->h_rec, ctl.rec_n, d->h_rec_tmp, d->n_rec_src * d->wmax, step0, win_half(d, b->half),
                               b->n_win);
    else
      sg_i_order_spikes(d->h_rec, ctl.rec_n, d->h_rec_tmp, d->n_rec_src);
  }
  /* The batch has run on the device and cannot be run again: if its recordings find no room on
   * the host, the simulation stops here, like after a device fault, with every recording
   * complete up to the batch's first step (reserving for every batch in advance could ask for
   * as much host memory as the device's whole recording buffer). */
  if ((st = reserve_batch(sim, d, ran, ctl.rec_n, due_half(d, b->half)))) {
    char why[SG_MSG_LEN / 2];
    snprintf(why, sizeof why, "%.400s", sim->msg);
    sim->poisoned = 1;
    snprintf(sim->backend_reason, sizeof sim->backend_reason, "cuda: stopped: no host memory for the recordings of steps %llu..%llu",
             (unsigned long long)step0, (unsigned long long)(step0 + ran - 1));
    return sg_i_fail(sim, st, "cuda backend: the recordings of steps %llu..%llu found no room (%s); the simulation stopped at t = %g ms and cannot continue (recordings up to there are kept)",
                     (unsigned long long)step0, (unsigned long long)(step0 + ran - 1), why, (double)step0 * sim->h);
  }
  sim->step = step0 + ran;
  sim->stats.neuron_updates += ran * d->n_neurons;
  sim->stats.spikes += ctl.n_spikes;
  sim->stats.syn_events += ctl.n_events;
  return deliver_records(sim, d, step0, ran, ctl.rec_n, due_half(d, b->half));
fail:
  return st;
}

/* Batches of steps, two in flight: while the device runs one, the host downloads, orders and
 * records the one before it (the halves of the recording buffers alternate). A batch the device
 * halted early (sg_cu_advance) leaves the one enqueued behind it doing nothing (it finds the step
 * short of its start: sg_cuda_begin_batch); the next is planned from where the device stopped. */
sg_status sg_i_cu_run(sg_sim *sim, uint64_t n_steps) {
  sg_status st = SG_OK;
  const int running = 1;
  cu_data *d = sim->backend_data;
  if (!d || !d->ready) return sg_i_fail(sim, SG_ERR_STATE, "cuda backend: run before a successful prepare");
  sim->state_on_device = 1;
  const uint64_t end = sim->step + n_steps;
  *d->h_ctl = (sg_cu_ctl){.step = sim->step, .bad_key = UINT64_MAX};   /* the device's step counter */
  CU_TRY(cudaMemcpyAsync(d->d_ctl, d->h_ctl, sizeof *d->h_ctl, cudaMemcpyHostToDevice, d->stream));
  cu_batch q[2];
  int nq = 0;
  uint32_t half = 0;
  uint64_t next = sim->step;   /* where the next batch starts if the ones in flight run whole */
  while (nq || next < end) {
    if (nq < 2 && next < end) {
      if ((st = enqueue_batch(sim, d, &q[nq], next, end - next, half))) return st;
      next += q[nq++].S;
      half ^= 1u;
      if (nq < 2 && next < end) continue;   /* a second batch in flight before the first is read */
    }
    if (q[0].step0 == sim->step) {   /* else: behind a halted batch, it did nothing */
      if ((st = finish_batch(sim, d, &q[0]))) return st;
      if (sim->step < q[0].step0 + q[0].S) next = sim->step;   /* halted: plan again from there */
    }
    q[0] = q[1];
    --nq;
  }
  return SG_OK;
fail:
  return st;
}

#endif
