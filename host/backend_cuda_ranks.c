/* host/backend_cuda_ranks.c - the cuda backend with MPI ranks sharing one device (docs/mpi.md §9):
 * the window's stash, exchange and deferred delivery, the collective checks, the state gather;
 * and the backend's table (sg_i_cuda_backend), which runs one process through host/backend_cuda.c
 * and hands it this section's part of prepare, a step and release as hooks (cu_rank_hooks), so
 * that calls go one way only. What the two files share is host/backend_cuda.h. */
/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#ifdef SG_HAVE_CUDA

#define SG_CU_FILE "backend_cuda_ranks.c"
#include "backend_cuda.h"

/* ---- MPI ranks (docs/mpi.md §9) ----------------------------------------------------------------
 * With P > 1 ranks (processes that may share one device) each rank's device updates only its
 * block of every population (cu_pop.lo .. hi, the cpu backend's blocks), holds only the synapses
 * into its nodes (host/connect.c kept only those), and its generators serve only its nodes (the
 * Poisson drive is drawn by the target's update anyway). A step on the device is then: generators,
 * updates, the step's spikes appended to the window's stash (record_spikes_kernel with every sender
 * marked), the multimeters. Delivery waits for the end of the window, which is at most the whole
 * network's shortest delay long, so that no spike of the window falls due inside it: the window's
 * spikes of this rank come back to the host and go to every rank (sg_i_rank_exchange, the cpu
 * backend's exchange); every rank's spikes, sorted by (step, sender), go up again and are delivered
 * step by step by deliver_spikes_kernel and deliver_proc_kernel (procedural projections add only
 * into this rank's targets) into this rank's ring. Spike recorders get the same sorted list on the
 * host (every rank records every spike); multimeter rows are filled for this rank's nodes, zero
 * bits elsewhere, and or-ed over the ranks. One process never comes here. */
#define RK_WIN_MAX 32u             /* the cpu backend's longest window (backend_cpu.c WIN_MAX)  */
#define RK_WIN_ENTRIES 4000000u    /* and its bound on the spikes a window's lists hold        */

typedef struct cu_ranks {
  uint32_t wmax;                  /* longest window the buffers hold (steps)                     */
  uint32_t min_delay;             /* this rank's shortest delay (RK_WIN_MAX without synapses)     */
  int windows;                    /* 0: windows of one step, where the cpu backend has them      */
  uint64_t cap_mine, cap_all;     /* spikes of a window: of this rank, of every rank             */
  uint8_t *d_all;                 /* [n_nodes] all ones: every sender goes to the stash          */
  sg_cu_rec_ev *d_stash, *h_stash;   /* this rank's spikes of the window (cap_mine)            */
  uint32_t *d_xrow, *d_xmult;     /* every rank's spikes of the window by step (cap_all)         */
  uint64_t *d_xprefix;
  sg_cu_ctl *d_xctl, *h_xctl;     /* [wmax] per step of the window: its step and spike count     */
  uint32_t *h_xrow, *h_xmult;
  uint64_t *h_xprefix;
  sg_cu_rec_ev *ev;               /* every rank's spikes of the window, sorted (cap_all)         */
  uint64_t *first;                /* [wmax + 1]: each step's first spike in ev                   */
  uint32_t *sbuf, *rbuf;          /* the wire: (row, multiplicity, step in the window) a spike   */
  int64_t *counts;                /* [P] */
  int *xcnt, *xdsp;               /* [P] */
  uint64_t *t_lo, *t_hi;          /* [n_proc]: this rank's targets of each procedural projection */
} cu_ranks;

static void release_ranks(sg_sim *sim, cu_data *d) {
  cu_ranks *x = d->rk;
  if (!x) return;
  FREE_D(x->d_all); FREE_D(x->d_stash); FREE_H(x->h_stash); FREE_D(x->d_xrow); FREE_D(x->d_xmult);
  FREE_D(x->d_xprefix); FREE_D(x->d_xctl); FREE_H(x->h_xctl);
  free(x->h_xrow); free(x->h_xmult); free(x->h_xprefix); free(x->ev); free(x->first); free(x->sbuf); free(x->rbuf);
  free(x->counts); free(x->xcnt); free(x->xdsp); free(x->t_lo); free(x->t_hi);
  free(x);
  d->rk = NULL;
  free(d->rec_need);   /* made by setup_ranks when no device spike recorder made it */
  d->rec_need = NULL;
}

/* The window buffers' sizes (the same on every rank) and their device bytes, before the memory check. */
static void rank_caps(const cu_data *d, const cu_plan *pl, uint32_t *wmax, uint64_t *mine, uint64_t *all) {
  const uint64_t n = pl->n_neurons;
  const uint64_t w = n ? RK_WIN_ENTRIES / n : RK_WIN_MAX;
  *wmax = w < 1 ? 1u : w > RK_WIN_MAX ? RK_WIN_MAX : (uint32_t)w;
  uint64_t local = 0;
  for (size_t p = 0; p < d->n_pops; ++p) local += d->pops[p].hi - d->pops[p].lo;
  *mine = (local ? local : 1) * *wmax;
  *all = (n ? n : 1) * *wmax;
}

static sg_status plan_ranks(sg_sim *sim, cu_data *d, struct cu_plan *pl) {
  uint32_t wmax;
  uint64_t mine, all;
  rank_caps(d, pl, &wmax, &mine, &all);
  if ((double)all * 3.0 > 2147483647.0)
    return sg_i_fail(sim, SG_ERR_OVERFLOW, "MPI ranks: %llu neurons x %u steps per window exceed the exchange's 2^31 words: allowed fewer neurons per simulation",
                     (unsigned long long)pl->n_neurons, wmax);
  pl->sz.rec += (double)pl->n_nodes + 16.0 * (double)mine + 16.0 * (double)all + (double)sizeof(sg_cu_ctl) * wmax;
  return SG_OK;
}

/* The window buffers (device, pinned and host), the stash's all-ones sender table, this rank's
 * targets of each procedural projection and its shortest delay. */
static sg_status setup_ranks(sg_sim *sim, cu_data *d, const struct cu_plan *pl) {
  sg_status st = SG_OK;
  const int running = 0;
  cu_ranks *x = calloc(1, sizeof *x);
  if (!x) return sg_i_fail(sim, SG_ERR_NOMEM, "cuda backend: out of memory for the MPI spike exchange");
  d->rk = x;
  rank_caps(d, pl, &x->wmax, &x->cap_mine, &x->cap_all);
  const size_t P = (size_t)d->P, np = d->n_proc ? d->n_proc : 1;
  x->h_xrow = malloc(x->cap_all * sizeof *x->h_xrow); x->h_xmult = malloc(x->cap_all * sizeof *x->h_xmult);
  x->h_xprefix = malloc(x->cap_all * sizeof *x->h_xprefix); x->ev = malloc(x->cap_all * sizeof *x->ev);
  x->first = malloc((x->wmax + 1u) * sizeof *x->first);
  x->sbuf = malloc(3 * x->cap_mine * sizeof *x->sbuf); x->rbuf = malloc(3 * x->cap_all * sizeof *x->rbuf);
  x->counts = malloc(P * sizeof *x->counts); x->xcnt = malloc(P * sizeof *x->xcnt); x->xdsp = malloc(P * sizeof *x->xdsp);
  x->t_lo = malloc(np * sizeof *x->t_lo); x->t_hi = malloc(np * sizeof *x->t_hi);
  if (!d->rec_need) d->rec_need = calloc(sim->n_srec ? sim->n_srec : 1, sizeof *d->rec_need);
  if (!x->h_xrow || !x->h_xmult || !x->h_xprefix || !x->ev || !x->first || !x->sbuf || !x->rbuf || !x->counts || !x->xcnt ||
      !x->xdsp || !x->t_lo || !x->t_hi || !d->rec_need)
    return sg_i_fail(sim, SG_ERR_NOMEM, "cuda backend: out of memory for the MPI spike exchange");
  const cu_array bufs[] = {DEV_ARRAY(x->d_all, NULL, pl->n_nodes), DEV_ARRAY(x->d_stash, NULL, x->cap_mine),
                           DEV_ARRAY(x->d_xrow, NULL, x->cap_all), DEV_ARRAY(x->d_xmult, NULL, x->cap_all),
                           DEV_ARRAY(x->d_xprefix, NULL, x->cap_all), DEV_ARRAY(x->d_xctl, NULL, x->wmax)};
  if ((st = ALLOC_UPLOAD(bufs))) return st;
  CU_TRY(cudaMemsetAsync(x->d_all, 1, pl->n_nodes ? pl->n_nodes : 1, d->stream));
  CU_TRY(cudaMallocHost((void **)&x->h_stash, x->cap_mine * sizeof *x->h_stash));
  CU_TRY(cudaMallocHost((void **)&x->h_xctl, x->wmax * sizeof *x->h_xctl));
  x->min_delay = RK_WIN_MAX;
  for (uint64_t q = 0; q < sim->csr.n_seg && sim->csr.row_seg; ++q)
    if (sim->csr.seg_delay[q] < x->min_delay) x->min_delay = sim->csr.seg_delay[q];
  for (size_t j = 0; j < d->n_proc; ++j) {
    const sg_proc *Q = &d->proc[j];
    uint64_t lo, hi;
    sg_mpi_share_of(Q->pop_n, d->rank, d->P, &lo, &hi);
    const uint64_t base = Q->post0 - Q->pop_first;   /* target t is node base + t of its population */
    x->t_lo[j] = lo > base ? lo - base : 0;
    x->t_hi[j] = hi > base ? hi - base : 0;
    if (Q->d_min < x->min_delay) x->min_delay = Q->d_min;
  }
  /* the cpu backend's windows (backend_cpu.c window_len), so that a run stops at the same step:
   * one step with spike, step current or noise generators that have targets, or with a Poisson
   * generator whose targets are not in input order */
  x->windows = 1;
  for (size_t g = 0; g < sim->n_gens && x->windows; ++g) {
    const sg_gen *G = &sim->gens[g];
    const sg_csr *gc = &sim->gen_csr;
    if (!G->has_targets) continue;
    if (G->model != SG_MODEL_poisson_generator) { x->windows = 0; break; }
    const uint64_t s0 = gc->row_seg[G->gid - 1], s1 = gc->row_seg[G->gid];
    const uint64_t first = sg_csr_seg_begin(gc->seg_end, s0), end = first + sg_csr_span_len(gc->seg_end, s0, s1);
    for (uint64_t j = first + 1; j < end; ++j)
      if (gc->input[j] < gc->input[j - 1]) { x->windows = 0; break; }
  }
  return SG_OK;
fail:
  return st;
}

#define LAUNCHED(kernel)                                                                              \
  do {                                                                                                \
    if (tm && (e = sg_cu_timing_mark(tm, kernel, d->stream)) != cudaSuccess) return e;               \
  } while (0)
static cudaError_t enqueue_rank_tail(cu_data *d, sg_cu_timing *tm) {
  cudaError_t e;
  const cu_ranks *x = d->rk;
  if ((e = sg_cuda_record_spikes(d->d_ctl, x->d_all, d->spk, x->d_stash, x->cap_mine, d->n_mm_ent == 0, d->grid_rec,
                                 d->blk[SG_CU_K_RECORD], d->stream)) != cudaSuccess)
    return e;
  LAUNCHED("record_spikes");
  if (d->n_mm_ent) {
    if ((e = sg_cuda_sample_multimeters(d->d_ctl, d->mm_args, d->spk, 1, d->grid_mm, d->blk[SG_CU_K_SAMPLE], d->stream)) != cudaSuccess)
      return e;
    LAUNCHED("sample_multimeters");
  }
  return cudaSuccess;
}
#undef LAUNCHED

/* The window from step k (at most `left` steps): the cpu backend's (backend_cpu.c window_len):
 * wmax steps, one step without windows, and a window ends at every multimeter sample. */
static uint32_t rank_window_len(const sg_sim *sim, const cu_ranks *x, uint32_t wmax, uint64_t k, uint64_t left) {
  if (!x->windows) return 1;
  uint32_t W = left < wmax ? (uint32_t)left : wmax;
  for (uint32_t w = 0; w + 1 < W; ++w)
    for (size_t j = 0; j < sim->n_mm; ++j)
      if (sg_i_mm_due(&sim->mm[j], k + w + 1)) return w + 1;
  return W;
}

/* W steps of this rank on the device, then its spikes of the window back (*n_mine of them, in the
 * stash) and the stash emptied. A device fault stops the run: a non-finite node is kept in
 * *bad_step, *bad_row for the agreement of every rank; any other fault is this rank's error. */
static sg_status rank_window_steps(sg_sim *sim, cu_data *d, uint64_t W, uint64_t *n_mine, uint64_t *bad_step, uint32_t *bad_row) {
  sg_status st = SG_OK;
  const int running = 1;
  cu_ranks *x = d->rk;
  sg_cu_ctl *h = d->h_ctl;
  *n_mine = 0;
  if ((st = sg_i_cu_launch_steps(sim, d, W, NULL))) return st;
  CU_TRY(cudaMemcpyAsync(h, d->d_ctl, sizeof *h, cudaMemcpyDeviceToHost, d->stream));
  CU_TRY(cudaStreamSynchronize(d->stream));
  if (h->fault == SG_CU_FAULT_NONFINITE && h->bad_key != UINT64_MAX) {
    *bad_step = h->base + (h->bad_key >> 32);
    *bad_row = (uint32_t)(h->bad_key & 0xFFFFFFFFu);
  } else if (h->fault || h->rec_n > x->cap_mine) {
    return sg_i_cu_device_fault(sim, d, h->fault, sim->step, W, h->rec_n > x->cap_mine, 0, "window's spike stash");
  }
  *n_mine = h->rec_n;
  if (*n_mine) {
    CU_TRY(cudaMemcpyAsync(x->h_stash, x->d_stash, *n_mine * sizeof *x->h_stash, cudaMemcpyDeviceToHost, d->stream));
    CU_TRY(cudaStreamSynchronize(d->stream));
  }
  CU_TRY(cudaMemsetAsync(&d->d_ctl->rec_n, 0, sizeof d->d_ctl->rec_n, d->stream));
  return SG_OK;
fail:
  return st;
}

/* The window's spikes of this rank (n of them, from step k) to every rank; every rank's, sorted by
 * (stamp, sender), into x->ev, each step's first in x->first. Returns how many there are. */
static uint64_t rank_exchange(sg_sim *sim, cu_data *d, uint64_t k, uint32_t W, uint64_t n) {
  cu_ranks *x = d->rk;
  for (uint64_t q = 0; q < n; ++q) {
    uint32_t *w = x->sbuf + 3 * q;
    w[0] = x->h_stash[q].row; w[1] = x->h_stash[q].mult; w[2] = (uint32_t)(x->h_stash[q].stamp - 1 - k);
  }
  sg_i_rank_exchange(sim, x->sbuf, n, x->rbuf, x->counts, x->xcnt, x->xdsp);
  uint64_t total = 0;
  for (int r = 0; r < d->P; ++r) total += (uint64_t)x->counts[r];
  for (uint64_t q = 0; q < total; ++q) {
    const uint32_t *w = x->rbuf + 3 * q;
    x->ev[q] = (sg_cu_rec_ev){.stamp = k + w[2] + 1, .row = w[0], .mult = w[1]};
  }
  qsort(x->ev, total, sizeof *x->ev, sg_i_spike_ev_cmp);
  uint64_t q = 0;
  for (uint32_t s = 0; s <= W; ++s) {
    while (q < total && x->ev[q].stamp < k + s + 1) ++q;
    x->first[s] = q;
  }
  return total;
}

/* Every rank's spikes of the window (x->ev), step by step, through this rank's synapses and
 * procedural projections into its ring; *events: the synapses this rank's targets received. */
static sg_status rank_deliver(sg_sim *sim, cu_data *d, uint64_t k, uint32_t W, uint64_t *events) {
  sg_status st = SG_OK;
  const int running = 1;
  cu_ranks *x = d->rk;
  const sg_csr *c = &sim->csr;
  const uint64_t total = x->first[W];
  if (!total || (!d->n_syn && !d->n_proc)) return SG_OK;
  for (uint32_t w = 0; w < W; ++w) {
    uint64_t syn = 0;
    for (uint64_t q = x->first[w]; q < x->first[w + 1]; ++q) {
      const uint64_t row = x->ev[q].row;
      x->h_xrow[q] = x->ev[q].row;
      x->h_xmult[q] = x->ev[q].mult;
      x->h_xprefix[q] = syn;
      if (d->n_syn && row < c->n_rows) syn += sg_csr_span_len(c->seg_end, c->row_seg[row], c->row_seg[row + 1]);
    }
    *events += syn;
    x->h_xctl[w] = (sg_cu_ctl){.step = k + w, .spk_acc = (x->first[w + 1] - x->first[w]) << d->spk.syn_bits | syn};
  }
  CU_TRY(cudaMemcpyAsync(x->d_xrow, x->h_xrow, total * sizeof *x->h_xrow, cudaMemcpyHostToDevice, d->stream));
  CU_TRY(cudaMemcpyAsync(x->d_xmult, x->h_xmult, total * sizeof *x->h_xmult, cudaMemcpyHostToDevice, d->stream));
  CU_TRY(cudaMemcpyAsync(x->d_xprefix, x->h_xprefix, total * sizeof *x->h_xprefix, cudaMemcpyHostToDevice, d->stream));
  CU_TRY(cudaMemcpyAsync(x->d_xctl, x->h_xctl, W * sizeof *x->h_xctl, cudaMemcpyHostToDevice, d->stream));
  const uint32_t mask = sg_ring_mask(d->R);
  for (uint32_t w = 0; w < W; ++w) {
    const uint64_t f = x->first[w], n = x->first[w + 1] - f;
    if (!n) continue;
    const sg_cu_spikes sp = {.row = x->d_xrow + f, .mult = x->d_xmult + f, .prefix = x->d_xprefix + f, .cap = (uint32_t)n,
                             .syn_bits = d->spk.syn_bits};
    if (d->n_syn)
      CU_TRY(sg_cuda_deliver_spikes(x->d_xctl + w, d->csr, sp, d->d_ring, d->ni, mask, d->grid_deliver, d->blk[SG_CU_K_DELIVER], d->stream));
    for (size_t pj = 0; pj < d->n_proc; ++pj)
      CU_TRY(sg_cuda_deliver_proc(x->d_xctl + w, &d->proc[pj], d->d_count[pj], sp, d->d_ring, d->ni, mask, x->t_lo[pj], x->t_hi[pj],
                                  d->grid_proc, d->blk[SG_CU_K_PROC], d->stream));
  }
  if (d->n_proc) {   /* the procedural synapses the launches added (their counts in n_events) */
    CU_TRY(cudaMemcpyAsync(x->h_xctl, x->d_xctl, W * sizeof *x->h_xctl, cudaMemcpyDeviceToHost, d->stream));
    CU_TRY(cudaStreamSynchronize(d->stream));
    for (uint32_t w = 0; w < W; ++w) *events += x->h_xctl[w].n_events;
  }
  return SG_OK;
fail:
  return st;
}

/* The multimeter rows of steps step0 .. step0 + S - 1 (the batch's sample buffer, downloaded when
 * ok), this rank's targets filled, merged over the ranks stamp by stamp. A rank that is not ok (or
 * fails to take a row) still takes part in every merge. */
static sg_status rank_samples(sg_sim *sim, cu_data *d, uint64_t step0, uint64_t S, uint64_t mm_used, int ok) {
  sg_status st = SG_OK;
  const int running = 1;
  if (!d->n_mm_ent) return SG_OK;
  if (ok && mm_used) {
    CU_TRY(cudaMemcpyAsync(d->h_mm_buf, d->d_mm_buf, mm_used * sizeof(double), cudaMemcpyDeviceToHost, d->stream));
    CU_TRY(cudaStreamSynchronize(d->stream));
  }
fail:
  for (uint64_t s = 0; s < S; ++s) {
    for (size_t j = 0; j < d->n_mm && ok && st == SG_OK; ++j) {
      const uint64_t off = d->h_due[s * d->n_mm + j];
      double *row;
      if (off == SG_CU_NOT_DUE) continue;
      if ((st = sg_i_mm_row(sim, &sim->mm[j], step0 + s + 1, &row))) break;
      sg_i_cu_fill_mm_row(sim, d, j, d->h_mm_buf + off, row, 1);
    }
    sg_i_rank_merge_samples(sim, step0 + s + 1);
  }
  return st;
}

/* cu_run with MPI ranks: batches as in one process (sg_i_cu_plan_batch: the same on every rank), each in
 * windows of at most the whole network's shortest delay; after each window the exchange, the
 * delivery, the spike recorders and the collective check (one stop anywhere stops every rank
 * there, after the window). Every rank takes part in every collective, also after its own error. */
static sg_status run_ranks(sg_sim *sim, uint64_t n_steps) {
  sg_status st = SG_OK;
  const int running = 1;
  cu_data *d = sim->backend_data;
  cu_ranks *x = d->rk;
  uint64_t md = x->min_delay, events = 0, bad_step = UINT64_MAX, done = 0;
  uint32_t bad_row = UINT32_MAX;
  int stop = 0;
  sg_mpi_min_u64(&md, 1);   /* the whole network's, not this rank's */
  const uint32_t wmax = md < x->wmax ? (uint32_t)(md ? md : 1) : x->wmax;
  sim->state_on_device = 1;
  while (done < n_steps && !stop) {
    uint64_t mm_used = 0, s = 0;
    const uint64_t S = sg_i_cu_plan_batch(sim, d, sim->step, n_steps - done, &mm_used, d->h_due), step0 = sim->step;
    *d->h_ctl = (sg_cu_ctl){.step = step0, .base = step0, .bad_key = UINT64_MAX, .pois_from = d->pois_from};
    if (st == SG_OK) {
      CU_TRY(cudaMemcpyAsync(d->d_ctl, d->h_ctl, sizeof *d->h_ctl, cudaMemcpyHostToDevice, d->stream));
      if (d->n_mm_ent)
        CU_TRY(cudaMemcpyAsync(d->d_due, d->h_due, S * d->n_mm * sizeof(uint64_t), cudaMemcpyHostToDevice, d->stream));
    }
  fail:
    if (st == SG_OK && d->n_mm_ent) {   /* the batch's rows, before any of them is taken */
      for (size_t j = 0; j < d->n_mm && st == SG_OK; ++j) {
        size_t rows = 0;
        for (uint64_t q = 0; q < S; ++q) rows += d->h_due[q * d->n_mm + j] != SG_CU_NOT_DUE;
        if (rows) st = sg_i_mm_reserve(sim, &sim->mm[j], rows);
      }
    }
    while (s < S && !stop) {
      const uint64_t k = sim->step;
      const uint32_t W = rank_window_len(sim, x, wmax, k, S - s);
      uint64_t n_mine = 0;
      if (st == SG_OK) st = rank_window_steps(sim, d, W, &n_mine, &bad_step, &bad_row);
      const uint64_t total = rank_exchange(sim, d, k, W, st == SG_OK ? n_mine : 0);
      if (st == SG_OK) st = rank_deliver(sim, d, k, W, &events);
      if (st == SG_OK && (st = sg_i_cu_reserve_spikes(sim, d, x->ev, total)) == SG_OK) st = sg_i_cu_push_spikes(sim, x->ev, total);
      sim->stats.spikes += total;
      sim->stats.neuron_updates += W * d->n_neurons;
      sim->step = k + W;
      s += W;
      int64_t any = st != SG_OK || bad_step != UINT64_MAX;   /* the collective check of the window */
      sg_mpi_max_i64(&any, 1);
      stop = any != 0;
    }
    const sg_status ss = rank_samples(sim, d, step0, s, mm_used, st == SG_OK);
    if (st == SG_OK) st = ss;
    done += s;
    if (!stop) {   /* a failure in the samples: the next batch's check, or the last one below */
      int64_t any = st != SG_OK;
      sg_mpi_max_i64(&any, 1);
      stop = any != 0;
    }
  }
  sg_mpi_sum_u64(&events, 1);   /* every rank's targets' events */
  sim->stats.syn_events += events;
  if (stop) {
    if (st != SG_OK && !sim->poisoned) {   /* a window has moved the state but its recordings are incomplete */
      sim->poisoned = 1;
      snprintf(sim->backend_reason, sizeof sim->backend_reason, "cuda: stopped: %.200s", sim->msg);
    }
    return sg_i_rank_stop(sim, bad_step, bad_row, st, "cuda");
  }
  return SG_OK;
}

/* sync with MPI ranks: this rank's device state back, then every rank's share to every rank
 * (collective: every rank gathers, also one whose download failed). */
static sg_status rank_sync(sg_sim *sim, cu_data *d) {
  sg_status st = SG_OK;
  if (d->ready && sim->state_on_device) st = sg_i_cu_pull_state(sim, d, 0);
  sim->state_on_device = 0;   /* never again alone: a later sync would gather on this rank only */
  const sg_status gs = sg_i_rank_gather_state(sim);
  return st != SG_OK ? st : gs;
}

/* ---- the backend's table --------------------------------------------------------------------- */
static const cu_rank_hooks hooks = {plan_ranks, setup_ranks, enqueue_rank_tail, release_ranks};

static sg_status cu_prepare(sg_sim *sim) { return sg_i_cu_prepare(sim, &hooks); }   /* flushes too */
static sg_status cu_run(sg_sim *sim, uint64_t n_steps) {
  const cu_data *d = sim->backend_data;
  return d && d->ready && d->P > 1 ? run_ranks(sim, n_steps) : sg_i_cu_run(sim, n_steps);
}
static sg_status cu_sync(sg_sim *sim) {
  cu_data *d = sim->backend_data;
  return d && d->P > 1 ? rank_sync(sim, d) : sg_i_cu_sync(sim);
}

/* The cuda backend (host/backend_cuda.c; in a build without CUDA its stub is there). */
const sg_backend_ops sg_i_cuda_backend = {"cuda", NULL, cu_prepare, cu_run, cu_sync, sg_i_cu_release};

#endif
