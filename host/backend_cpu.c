/* host/backend_cpu.c - the reference backend: the step loop of DESIGN.md 4 in plain C + OpenMP.
 *
 * Step k: (1) generators add their events for stamp k+1 into slots k + d; (2) every neuron
 * population runs its SG_HD step on slot k (read and cleared) and lists its spikes; (3) the
 * spikes are delivered through the CSR into slots k + d; (4) recorders store spikes stamped
 * k+1 and multimeters sample.
 * Determinism: inputs are Q31.32 integers, so the order in which threads add them cannot
 * change a bit (integer addition is associative); spikes are listed in id order whatever the
 * thread count, because each thread takes a contiguous id range and the lists are joined in
 * thread order. Random numbers are counter-based (no state), so thread count does not matter.
 */
/* SPDX-License-Identifier: MIT */
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "sg/models/all.h"
#include "sg/stim/device.h"
#include "sg/stim/noise_generator.h"
#include "sg/stim/poisson_generator.h"
#include "sg/stim/step_current_generator.h"

typedef struct cpu_data {
  uint32_t R;                 /* ring slots allocated */
  uint64_t n_inputs;          /* inputs per slot allocated */
  int max_threads;
  uint32_t **t_idx, **t_mul;  /* per-thread spike lists (node index in its population) */
  size_t t_cap;               /* capacity of each per-thread list */
  size_t *t_n;
  uint32_t *spk_gid;          /* the step's spikes: node index (gid - 1) and multiplicity */
  uint32_t *spk_mul;
  size_t spk_n, spk_cap;
} cpu_data;

static void free_threads(cpu_data *d) {
  if (d->t_idx)
    for (int t = 0; t < d->max_threads; ++t) { free(d->t_idx[t]); free(d->t_mul[t]); }
  free(d->t_idx); free(d->t_mul); free(d->t_n);
  d->t_idx = d->t_mul = NULL; d->t_n = NULL;
}

static void cpu_release(sg_sim *sim) {
  cpu_data *d = sim->backend_data;
  if (!d) return;
  free_threads(d);
  free(d->spk_gid); free(d->spk_mul);
  free(d);
  sim->backend_data = NULL;
}

static sg_status cpu_prepare(sg_sim *sim) {
  cpu_data *d = sim->backend_data;
  if (!d) {
    d = calloc(1, sizeof *d);
    if (!d) return sg_i_fail(sim, SG_ERR_NOMEM, "cpu backend: out of memory");
    sim->backend_data = d;
  }
  /* ring: keep pending events when the slot count or the input count grows */
  const uint32_t R = sim->ring_len;
  const uint64_t ni = sim->n_inputs;
  if (R != d->R || ni != d->n_inputs || !sim->ring) {
    int64_t *ring = calloc((size_t)R * (ni ? ni : 1), sizeof *ring);
    if (!ring) return sg_i_fail(sim, SG_ERR_NOMEM, "ring buffer: cannot allocate %.2f GiB", (double)R * (double)ni * 8.0 / 1073741824.0);
    if (sim->ring && d->R) {
      for (uint64_t k = sim->step; k < sim->step + d->R; ++k) {
        const int64_t *src = sim->ring + (k & (d->R - 1)) * d->n_inputs;
        memcpy(ring + (k & (R - 1)) * ni, src, d->n_inputs * sizeof *ring);
      }
    }
    free(sim->ring);
    sim->ring = ring;
    d->R = R;
    d->n_inputs = ni;
  }
  /* per-thread spike lists sized for the largest population */
  uint64_t max_n = 1, total = 1;
  for (size_t p = 0; p < sim->n_pops; ++p)
    if (sim->pops[p]->model->kind == SG_KIND_NEURON) {
      if (sim->pops[p]->n > max_n) max_n = sim->pops[p]->n;
      total += sim->pops[p]->n;
    }
  const int T = omp_get_max_threads();
  const size_t cap = (size_t)(max_n / (uint64_t)T + 2);
  if (T != d->max_threads || cap > d->t_cap) {
    free_threads(d);
    d->max_threads = T;
    d->t_cap = cap;
    d->t_idx = calloc((size_t)T, sizeof *d->t_idx);
    d->t_mul = calloc((size_t)T, sizeof *d->t_mul);
    d->t_n = calloc((size_t)T, sizeof *d->t_n);
    if (!d->t_idx || !d->t_mul || !d->t_n) return sg_i_fail(sim, SG_ERR_NOMEM, "cpu backend: out of memory");
    for (int t = 0; t < T; ++t) {
      d->t_idx[t] = malloc(cap * sizeof(uint32_t));
      d->t_mul[t] = malloc(cap * sizeof(uint32_t));
      if (!d->t_idx[t] || !d->t_mul[t]) return sg_i_fail(sim, SG_ERR_NOMEM, "cpu backend: out of memory");
    }
  }
  if (total > d->spk_cap) {
    free(d->spk_gid); free(d->spk_mul);
    d->spk_gid = malloc(total * sizeof(uint32_t));
    d->spk_mul = malloc(total * sizeof(uint32_t));
    d->spk_cap = total;
    if (!d->spk_gid || !d->spk_mul) { d->spk_cap = 0; return sg_i_fail(sim, SG_ERR_NOMEM, "cpu backend: out of memory"); }
  }
  return SG_OK;
}

static sg_status cpu_sync(sg_sim *sim) { (void)sim; return SG_OK; }

/* ---- (1) generators ------------------------------------------------------------------------- */
static inline void ring_add(int64_t *p, int64_t v, int atomic) {
  if (atomic) __atomic_fetch_add(p, v, __ATOMIC_RELAXED);
  else *p += v;
}

static void run_generators(sg_sim *sim, uint64_t k) {
  const sg_csr *c = &sim->gen_csr;
  const uint32_t mask = sim->ring_len - 1;
  const uint64_t ni = sim->n_inputs;
  for (size_t g = 0; g < sim->n_gens; ++g) {
    sg_gen *G = &sim->gens[g];
    const uint64_t row = G->gid - 1;
    if (!c->row_seg || c->row_seg[row] == c->row_seg[row + 1]) {
      /* no targets: spike generators still advance their read position */
      if (G->model == SG_MODEL_spike_generator)
        while (G->ev_pos < G->ev_n && sim->gen_t[G->ev_off + G->ev_pos] <= (int64_t)k + 1) G->ev_pos++;
      continue;
    }
    const uint64_t s0 = c->row_seg[row], s1 = c->row_seg[row + 1];
    const uint64_t first_syn = s0 == 0 ? 0 : c->seg_end[s0 - 1];
    switch (G->model) {
    case SG_MODEL_spike_generator:
      while (G->ev_pos < G->ev_n && sim->gen_t[G->ev_off + G->ev_pos] <= (int64_t)k + 1) {
        const uint64_t e = G->ev_off + G->ev_pos++;
        const int64_t S = sim->gen_t[e];
        if (S != (int64_t)k + 1 || !sg_window_spike(G->t_min, G->t_max, S) || sim->gen_m[e] == 0) continue;
        for (uint64_t s = s0, j = first_syn; s < s1; ++s) {
          int64_t *slot = sim->ring + ((k + c->seg_delay[s]) & mask) * ni;
          for (; j < c->seg_end[s]; ++j)
            slot[c->input[j]] += sg_fx_mul_count(sg_fx_from_double((double)c->weight[j] * sim->gen_w[e]), sim->gen_m[e]);
        }
      }
      break;
    case SG_MODEL_poisson_generator: {
      if (!sg_window_poisson(G->t_min, G->t_max, (int64_t)k) || G->lambda <= 0.0) break;
      const sg_poisson_coef pc = {G->lambda, G->emlambda, G->t_min, G->t_max};
      const uint64_t nsyn = c->seg_end[s1 - 1] - first_syn;
      const int par = nsyn >= 4096 && omp_get_max_threads() > 1;
      for (uint64_t s = s0; s < s1; ++s) {
        int64_t *slot = sim->ring + ((k + c->seg_delay[s]) & mask) * ni;
        const uint64_t jb = s == 0 ? 0 : c->seg_end[s - 1], je = c->seg_end[s];
#pragma omp parallel for schedule(static) if (par)
        for (uint64_t j = jb; j < je; ++j) {
          const uint32_t cnt = sg_poisson_generator_count(&pc, sim->cfg.seed, G->gid, j - first_syn, k);
          if (cnt) ring_add(&slot[c->input[j]], sg_fx_mul_count(sg_fx_from_double((double)c->weight[j]), cnt), par);
        }
      }
      break;
    }
    case SG_MODEL_step_current_generator: {
      if (!sg_window_current(G->t_min, G->t_max, (int64_t)k)) break;
      const double amp = sg_step_current_amplitude(sim->gen_t + G->ev_off, sim->gen_w + G->ev_off, (uint32_t)G->ev_n, (int64_t)k + 1);
      for (uint64_t s = s0, j = first_syn; s < s1; ++s) {
        int64_t *slot = sim->ring + ((k + c->seg_delay[s]) & mask) * ni;
        for (; j < c->seg_end[s]; ++j) slot[c->input[j]] += sg_fx_from_double(amp * (double)c->weight[j]);
      }
      break;
    }
    case SG_MODEL_noise_generator: {
      if (!sg_window_current(G->t_min, G->t_max, (int64_t)k)) break;
      const sg_noise_coef nc = {G->mean, G->std2, G->std_mod2, G->cos_wh, G->sin_wh, G->t_min, G->t_max, G->dt_steps};
      if (G->std_mod2 != 0.0) sg_noise_rotate(&nc, &G->y0, &G->y1);
      double *vals = sim->gen_vals + G->val_off;
      if ((int64_t)k >= G->next_draw) {
        for (uint64_t j = 0; j < G->val_n; ++j) vals[j] = sg_noise_generator_draw(&nc, sim->cfg.seed, G->gid, j, k, G->y1);
        G->next_draw = (int64_t)k + G->dt_steps;
      }
      for (uint64_t s = s0, j = first_syn; s < s1; ++s) {
        int64_t *slot = sim->ring + ((k + c->seg_delay[s]) & mask) * ni;
        for (; j < c->seg_end[s]; ++j) slot[c->input[j]] += sg_fx_from_double(vals[j - first_syn] * (double)c->weight[j]);
      }
      break;
    }
    default: break;
    }
  }
}

/* ---- (2) neuron updates ----------------------------------------------------------------------- */
/* One population: each thread a contiguous id range, spikes joined in thread order. */
#define UPDATE_POP(M)                                                                              \
  do {                                                                                             \
    const sg_##M##_coef *cbase = (const sg_##M##_coef *)pop->coef;                                 \
    const uint64_t stride = pop->coef_per_node ? 1u : 0u;                                          \
    _Pragma("omp parallel")                                                                        \
    {                                                                                              \
      const int t = omp_get_thread_num(), T = omp_get_num_threads();                             \
      const uint64_t lo = n * (uint64_t)t / (uint64_t)T, hi = n * (uint64_t)(t + 1) / (uint64_t)T; \
      uint32_t *my_idx = d->t_idx[t], *my_mul = d->t_mul[t];                                       \
      size_t cnt = 0;                                                                              \
      for (uint64_t i = lo; i < hi; ++i) {                                                         \
        const uint32_t m = sg_##M##_step(cbase + i * stride, &view, i, slot, &ctx);               \
        if (m) { my_idx[cnt] = (uint32_t)i; my_mul[cnt] = m; ++cnt; }                              \
      }                                                                                            \
      d->t_n[t] = cnt;                                                                             \
      _Pragma("omp barrier")                                                                       \
      size_t off = d->spk_n;                                                                       \
      for (int q = 0; q < t; ++q) off += d->t_n[q];                                                \
      for (size_t q = 0; q < cnt; ++q) {                                                           \
        d->spk_gid[off + q] = (uint32_t)(pop->first - 1) + my_idx[q];                              \
        d->spk_mul[off + q] = my_mul[q];                                                           \
      }                                                                                            \
      _Pragma("omp barrier")                                                                       \
      _Pragma("omp single")                                                                        \
      for (int q = 0; q < T; ++q) d->spk_n += d->t_n[q];                                           \
    }                                                                                              \
  } while (0)

static void update_neurons(sg_sim *sim, cpu_data *d, uint64_t k) {
  int64_t *slot_k = sim->ring + (k & (sim->ring_len - 1)) * sim->n_inputs;
  d->spk_n = 0;
  for (size_t p = 0; p < sim->n_pops; ++p) {
    sg_pop *pop = sim->pops[p];
    if (pop->model->kind != SG_KIND_NEURON) continue;
    const uint64_t n = pop->n;
    sg_view view;
    memset(&view, 0, sizeof view);
    for (uint32_t r = 0; r < pop->model->n_state; ++r) view.s[r] = pop->state[r];
    const sg_step_ctx ctx = {sim->cfg.seed, k, pop->first, n};
    int64_t *slot = slot_k + pop->input_base;
    switch (pop->model->id) {
#define X(M) case SG_MODEL_##M: UPDATE_POP(M); break;
      SG_NEURON_LIST(X)
#undef X
    default: break;
    }
    sim->stats.neuron_updates += n;
  }
  sim->stats.spikes += d->spk_n;
}

/* ---- (3) delivery ------------------------------------------------------------------------------ */
static void deliver_spikes(sg_sim *sim, cpu_data *d, uint64_t k) {
  const sg_csr *c = &sim->csr;
  if (!c->row_seg || d->spk_n == 0) return;
  const uint32_t mask = sim->ring_len - 1;
  const uint64_t ni = sim->n_inputs;
  int64_t *ring = sim->ring;
  const int par = omp_get_max_threads() > 1 && d->spk_n > 1;
  uint64_t events = 0;
#pragma omp parallel for schedule(dynamic, 8) reduction(+ : events) if (par)
  for (size_t q = 0; q < d->spk_n; ++q) {
    const uint64_t row = d->spk_gid[q];
    const uint32_t mult = d->spk_mul[q];
    const uint64_t s0 = c->row_seg[row], s1 = c->row_seg[row + 1];
    uint64_t j = s0 == 0 ? 0 : (s0 < s1 ? c->seg_end[s0 - 1] : 0);
    for (uint64_t s = s0; s < s1; ++s) {
      int64_t *slot = ring + ((k + c->seg_delay[s]) & mask) * ni;
      const uint64_t je = c->seg_end[s];
      events += je - j;
      if (par)
        for (; j < je; ++j)
          __atomic_fetch_add(&slot[c->input[j]], sg_fx_mul_count(sg_fx_from_double((double)c->weight[j]), mult), __ATOMIC_RELAXED);
      else
        for (; j < je; ++j) slot[c->input[j]] += sg_fx_mul_count(sg_fx_from_double((double)c->weight[j]), mult);
    }
  }
  sim->stats.syn_events += events;
}

/* ---- (4) recorders -------------------------------------------------------------------------------- */
static sg_status record_step(sg_sim *sim, cpu_data *d, uint64_t k) {
  sg_status st = SG_OK;
  if (sim->rec_row && sim->n_srec)
    for (size_t q = 0; q < d->spk_n && st == SG_OK; ++q) {
      const uint64_t row = d->spk_gid[q];
      for (uint64_t r = sim->rec_row[row]; r < sim->rec_row[row + 1] && st == SG_OK; ++r)
        st = sg_i_srec_push(sim, &sim->srec[sim->rec_idx[r]], k + 1, row + 1, d->spk_mul[q]);
    }
  for (size_t j = 0; j < sim->n_mm && st == SG_OK; ++j) {
    sg_multimeter *m = &sim->mm[j];
    if (!sg_i_mm_due(m, k + 1)) continue;
    double *row;
    if ((st = sg_i_mm_row(sim, m, k + 1, &row))) break;
    for (size_t t = 0; t < m->n_targets; ++t) {
      const sg_pop *tp = sg_i_pop_of(sim, m->targets[t]);
      const uint64_t i = m->targets[t] - tp->first;
      for (size_t v = 0; v < m->n_vars; ++v) {
        const uint32_t r = m->target_rec[t * m->n_vars + v];
        row[t * m->n_vars + v] = tp->model->recordable_value ? tp->model->recordable_value(tp, r, i) : tp->state[r][i];
      }
    }
  }
  return st;
}

static sg_status cpu_run(sg_sim *sim, uint64_t n_steps) {
  cpu_data *d = sim->backend_data;
  for (uint64_t s = 0; s < n_steps; ++s) {
    const uint64_t k = sim->step;
    run_generators(sim, k);
    update_neurons(sim, d, k);
    deliver_spikes(sim, d, k);
    sg_status st = record_step(sim, d, k);
    sim->step = k + 1;
    if (st) return st;
  }
  return SG_OK;
}

const sg_backend_ops sg_i_cpu_backend = {"cpu", cpu_prepare, cpu_run, cpu_sync, cpu_release};
