/* host/stim.c - turns generator nodes into the flat sg_gen records both backends run:
 * spike times and amplitude times converted to steps with NEST's grid rules, Poisson and
 * noise constants computed once per run with libm (host only). Runtime state that must
 * survive between sg_simulate calls (noise draws, next draw step) is carried over. */
/* SPDX-License-Identifier: MIT */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif
#include "models.h"
#include "sg/stim/noise_generator.h"
#include "sg/stim/poisson_generator.h"
#include "sg/stim/spike_generator.h"
#include "sg/stim/step_current_generator.h"

void sg_i_stim_free(sg_sim *sim) {
  free(sim->gens); sim->gens = NULL; sim->n_gens = 0;
  free(sim->gen_t); sim->gen_t = NULL;
  free(sim->gen_w); sim->gen_w = NULL;
  free(sim->gen_m); sim->gen_m = NULL;
  free(sim->gen_vals); sim->gen_vals = NULL;
  sim->n_gen_ev = sim->n_gen_vals = 0;
}

static int64_t steps_of(const sg_sim *sim, double ms) {
  if (ms == INFINITY) return INT64_MAX;
  return sg_ms_to_tics(ms) / sim->tics_per_step;   /* validated to be on the grid */
}

/* A device time to a grid step (spec 6.1): nearest tic; a grid point is taken as is; else
 * error, or up to the end of its step when allowed (precise_times rounds up as well). */
static sg_status time_to_grid(sg_sim *sim, const sg_pop *pop, uint64_t i, const char *what,
                              size_t idx, double t, int round_up, int64_t *out) {
  const int64_t tics = sg_ms_to_tics(t);
  if (tics % sim->tics_per_step == 0) { *out = tics / sim->tics_per_step; return SG_OK; }
  if (round_up) { *out = tics / sim->tics_per_step + 1; return SG_OK; }
  return sg_i_fail(sim, SG_ERR_ARG,
                   "%s node %llu: %s[%zu] = %.17g ms is not representable at resolution %g ms: allowed multiples of the resolution (or set allow_offgrid_times)",
                   pop->model->name, (unsigned long long)(pop->first + i), what, idx, t, sim->h);
}

static uint64_t row_len(const sg_csr *c, uint64_t row) {
  if (!c->row_seg || row >= c->n_rows) return 0;
  const uint64_t s0 = c->row_seg[row], s1 = c->row_seg[row + 1];
  if (s0 == s1) return 0;
  const uint64_t start = s0 == 0 ? 0 : c->seg_end[s0 - 1];
  return c->seg_end[s1 - 1] - start;
}

sg_status sg_i_stim_prepare(sg_sim *sim) {
  size_t n_gens = 0;
  uint64_t n_ev = 0, n_vals = 0;
  for (size_t p = 0; p < sim->n_pops; ++p) {
    const sg_pop *pop = sim->pops[p];
    if (pop->model->kind != SG_KIND_GENERATOR) continue;
    n_gens += pop->n;
    for (uint64_t i = 0; i < pop->n; ++i) {
      if (pop->model->id == SG_MODEL_spike_generator)
        n_ev += sg_i_vec(pop, SG_SPIKE_GENERATOR_V_spike_times, i)->len;
      else if (pop->model->id == SG_MODEL_step_current_generator)
        n_ev += sg_i_vec(pop, SG_STEP_CURRENT_GENERATOR_V_amplitude_times, i)->len;
      else if (pop->model->id == SG_MODEL_noise_generator)
        n_vals += row_len(&sim->gen_csr, pop->first + i - 1);
    }
  }
  sg_gen *gens = calloc(n_gens ? n_gens : 1, sizeof *gens);
  int64_t *gt = malloc((n_ev ? n_ev : 1) * sizeof *gt);
  double *gw = malloc((n_ev ? n_ev : 1) * sizeof *gw);
  uint32_t *gm = malloc((n_ev ? n_ev : 1) * sizeof *gm);
  double *gv = calloc(n_vals ? n_vals : 1, sizeof *gv);
  if (!gens || !gt || !gw || !gm || !gv) {
    free(gens); free(gt); free(gw); free(gm); free(gv);
    return sg_i_fail(sim, SG_ERR_NOMEM, "generators: out of memory");
  }
  const double h = sim->h;
  size_t g = 0;
  uint64_t ev = 0, vals = 0;
  sg_status st = SG_OK;
  for (size_t p = 0; p < sim->n_pops && st == SG_OK; ++p) {
    const sg_pop *pop = sim->pops[p];
    if (pop->model->kind != SG_KIND_GENERATOR) continue;
    const int id = pop->model->id;
    for (uint64_t i = 0; i < pop->n && st == SG_OK; ++i, ++g) {
      sg_gen *G = &gens[g];
      G->gid = pop->first + i;
      G->model = id;
      const int64_t origin = steps_of(sim, sg_i_param(pop, 0, i));   /* device rows come first */
      const int64_t start = steps_of(sim, sg_i_param(pop, 1, i));
      const double stop_ms = sg_i_param(pop, 2, i);
      if (stop_ms < sg_i_param(pop, 1, i)) {
        st = sg_i_fail(sim, SG_ERR_ARG, "%s node %llu: stop = %g ms < start = %g ms: allowed stop >= start",
                       pop->model->name, (unsigned long long)G->gid, stop_ms, sg_i_param(pop, 1, i));
        break;
      }
      G->t_min = origin + start;
      G->t_max = stop_ms == INFINITY ? INT64_MAX : origin + steps_of(sim, stop_ms);
      if (id == SG_MODEL_poisson_generator) {
        G->lambda = sg_i_param(pop, SG_POISSON_GENERATOR_P_rate, i) * h * 1e-3;
        G->emlambda = exp(-G->lambda);
      } else if (id == SG_MODEL_noise_generator) {
        const double dt = sg_i_param(pop, SG_NOISE_GENERATOR_P_dt, i);
        G->dt_steps = dt == 0.0 ? 10 : steps_of(sim, dt);
        if (G->dt_steps < 1) {
          st = sg_i_fail(sim, SG_ERR_ARG, "noise_generator node %llu: dt = %g ms: allowed >= resolution %g ms", (unsigned long long)G->gid, dt, h);
          break;
        }
        const double sd = sg_i_param(pop, SG_NOISE_GENERATOR_P_std, i);
        const double sm = sg_i_param(pop, SG_NOISE_GENERATOR_P_std_mod, i);
        G->mean = sg_i_param(pop, SG_NOISE_GENERATOR_P_mean, i);
        G->std2 = sd * sd;
        G->std_mod2 = sm * sm;
        const double omega = 2.0 * M_PI * sg_i_param(pop, SG_NOISE_GENERATOR_P_frequency, i) / 1000.0;
        const double phi = sg_i_param(pop, SG_NOISE_GENERATOR_P_phase, i) * 2.0 * M_PI / 360.0;
        const double t = (double)sim->step * h;
        G->y0 = cos(omega * t + phi);
        G->y1 = sin(omega * t + phi);
        G->cos_wh = cos(omega * h);
        G->sin_wh = sin(omega * h);
        G->val_off = vals;
        const uint64_t nt = row_len(&sim->gen_csr, G->gid - 1);
        G->val_n = nt;
        vals += nt;
        G->next_draw = 0;
        /* carry the drawn values and the draw grid over from the previous run */
        for (size_t q = 0; q < sim->n_gens; ++q)
          if (sim->gens[q].gid == G->gid) {
            G->next_draw = sim->gens[q].next_draw;
            if (sim->gens[q].val_n == nt) memcpy(gv + G->val_off, sim->gen_vals + sim->gens[q].val_off, nt * sizeof(double));
            else G->next_draw = 0;
            break;
          }
      } else if (id == SG_MODEL_spike_generator) {
        const sg_vec *t = sg_i_vec(pop, SG_SPIKE_GENERATOR_V_spike_times, i);
        const sg_vec *w = sg_i_vec(pop, SG_SPIKE_GENERATOR_V_spike_weights, i);
        const sg_vec *m = sg_i_vec(pop, SG_SPIKE_GENERATOR_V_spike_multiplicities, i);
        const int up = sg_i_param(pop, SG_SPIKE_GENERATOR_P_allow_offgrid_times, i) != 0.0 ||
                       sg_i_param(pop, SG_SPIKE_GENERATOR_P_precise_times, i) != 0.0;
        const int shift = sg_i_param(pop, SG_SPIKE_GENERATOR_P_shift_now_spikes, i) != 0.0;
        G->ev_off = ev;
        G->ev_n = t->len;
        for (size_t j = 0; j < t->len && st == SG_OK; ++j) {
          int64_t s = 0;
          st = time_to_grid(sim, pop, i, "spike_times", j, t->v[j], up, &s);
          s += origin;
          if (shift && s == (int64_t)sim->step) s += 1;
          gt[ev + j] = s;
          gw[ev + j] = w->len ? w->v[j] : 1.0;
          gm[ev + j] = m->len ? (uint32_t)m->v[j] : 1u;
        }
        /* spikes whose stamp is not in the future are skipped (NEST) */
        G->ev_pos = 0;
        while (G->ev_pos < G->ev_n && gt[ev + G->ev_pos] <= (int64_t)sim->step) G->ev_pos++;
        ev += t->len;
      } else if (id == SG_MODEL_step_current_generator) {
        const sg_vec *t = sg_i_vec(pop, SG_STEP_CURRENT_GENERATOR_V_amplitude_times, i);
        const sg_vec *a = sg_i_vec(pop, SG_STEP_CURRENT_GENERATOR_V_amplitude_values, i);
        const int up = sg_i_param(pop, SG_STEP_CURRENT_GENERATOR_P_allow_offgrid_times, i) != 0.0;
        if (t->len != a->len) {
          st = sg_i_fail(sim, SG_ERR_ARG, "step_current_generator node %llu: amplitude_times has %zu values but amplitude_values has %zu: they must have the same length",
                         (unsigned long long)G->gid, t->len, a->len);
          break;
        }
        G->ev_off = ev;
        G->ev_n = t->len;
        for (size_t j = 0; j < t->len && st == SG_OK; ++j) {
          st = time_to_grid(sim, pop, i, "amplitude_times", j, t->v[j], up, &gt[ev + j]);
          gw[ev + j] = a->v[j];
          gm[ev + j] = 1u;
          if (st == SG_OK && j > 0 && gt[ev + j] <= gt[ev + j - 1])
            st = sg_i_fail(sim, SG_ERR_ARG, "step_current_generator node %llu: amplitude_times[%zu] = %g ms falls on the same step as the previous time: allowed strictly increasing after grid conversion",
                           (unsigned long long)G->gid, j, t->v[j]);
        }
        ev += t->len;
      }
    }
  }
  if (st) {
    free(gens); free(gt); free(gw); free(gm); free(gv);
    return st;
  }
  sg_i_stim_free(sim);
  sim->gens = gens; sim->n_gens = n_gens;
  sim->gen_t = gt; sim->gen_w = gw; sim->gen_m = gm; sim->gen_vals = gv;
  sim->n_gen_ev = n_ev; sim->n_gen_vals = n_vals;
  return SG_OK;
}
