/* host/stim.c - turns generator nodes into the flat sg_gen records both backends run
 * (include/sg/stim/advance.h): spike times and amplitude times converted to steps with NEST's
 * grid rules, Poisson and noise constants computed once per run with libm (host only). Runtime
 * state that must survive between sg_simulate calls (noise draws, next draw step) is carried over. */
/* SPDX-License-Identifier: MIT */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "sg/csr.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif
#include "models.h"
#include "sg/stim/noise_generator.h"
#include "sg/stim/poisson_generator.h"
#include "sg/stim/spike_generator.h"
#include "sg/stim/step_current_generator.h"
#include "sg/stim/dc_generator.h"

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

/* A device time to a grid step (docs/timing.md §7.2): nearest tic; a grid point is taken as is; else
 * error, or up to the end of its step when allowed (precise_times rounds up as well). */
static sg_status time_to_grid(sg_sim *sim, const sg_pop *pop, uint64_t i, const char *what,
                              size_t idx, double t, int round_up, int64_t *out) {
  const int64_t tics = sg_ms_to_tics(t);
  if (tics % sim->tics_per_step == 0) { *out = tics / sim->tics_per_step; return SG_OK; }
  if (round_up) { *out = tics / sim->tics_per_step + 1; return SG_OK; }
  char nb[40];
  return sg_i_fail(sim, SG_ERR_ARG,
                   "%s node %llu: %s[%zu] = %s ms is not representable at resolution %g ms: allowed multiples of the resolution (or set allow_offgrid_times)",
                   pop->model->name, (unsigned long long)(pop->first + i), what, idx, sg_i_num(t, nb, sizeof nb), sim->h);
}

/* ---- fixed-point headroom of generator input (docs/fixed-point.md §5.2)---------------------------------
 * Connect bounds sum |w| per target by 2^30 with each connection delivering |w| per step. A
 * generator event delivers more: a Poisson count or a spike multiplicity times the weight factor,
 * an amplitude in pA times the weight. F_g bounds that factor for generator g over any run (a
 * Poisson count: below lambda < 10 the inversion sampler cannot pass the k where P(k) < 2^-60;
 * above, the count exceeds lambda + 11 sqrt(lambda) + 40 with probability < 2^-80 (Chernoff);
 * a normal draw of the sampler is below 13 in magnitude), so a target's input per step is at most
 * abs_w_sum + sum over its generator synapses of (F_g - 1) |w|. A run whose bound passes 2^30 is
 * refused here, before it could wrap the int64 ring slots. */
/* SG_POISSON_LAMBDA_MAX (sg/stim/poisson_generator.h): sg_set refuses larger rates already; the
 * check in sg_i_stim_prepare stays as the last line of defence. */

int sg_i_stim_param_check(const sg_sim *sim, const sg_model_desc *m, uint32_t param, double v, char *msg, size_t len) {
  if (m->id == SG_MODEL_poisson_generator && param == SG_POISSON_GENERATOR_P_rate) {
    const double lambda = v * sim->h * 1e-3, max_rate = SG_POISSON_LAMBDA_MAX / (sim->h * 1e-3);
    if (lambda > SG_POISSON_LAMBDA_MAX) {
      snprintf(msg, len, "= %g Hz is %g spikes per step at resolution %g ms: allowed rate <= %g Hz (at most %g spikes per step, the range of the per-step Poisson counts)",
               v, lambda, sim->h, max_rate, SG_POISSON_LAMBDA_MAX);
      return 1;
    }
  }
  return 0;
}

static double gen_factor(const sg_sim *sim, const sg_gen *G) {
  switch (G->model) {
  case SG_MODEL_poisson_generator: {
    if (!(G->lambda > 0.0)) return 0.0;
    if (G->lambda >= 10.0) return G->lambda + 11.0 * sqrt(G->lambda) + 40.0;
    /* inversion (sg_poisson, lambda < 10) stops where the CDF reaches u <= 1 - 2^-54 or stalls:
     * never past the first k > lambda with P(k) < 2^-60 */
    double p = G->emlambda, k = 0.0;
    while (!(k > G->lambda && p < 0x1p-60) && k < 1000.0) { k += 1.0; p *= G->lambda / k; }
    return k;
  }
  case SG_MODEL_spike_generator: {
    double f = 0.0;
    for (uint64_t e = G->ev_off; e < G->ev_off + G->ev_n; ++e) {
      const double x = fabs(sim->gen_w[e]) * (double)sim->gen_m[e];
      if (x > f) f = x;
    }
    return f;
  }
  case SG_MODEL_step_current_generator: {
    double f = 0.0;
    for (uint64_t e = G->ev_off; e < G->ev_off + G->ev_n; ++e)
      if (fabs(sim->gen_w[e]) > f) f = fabs(sim->gen_w[e]);
    return f;
  }
  case SG_MODEL_noise_generator:
    return fabs(G->mean) + 13.0 * sqrt(G->std2 + G->std_mod2);
  default: return 1.0;
  }
}

/* 1 if some receptor of pop sends spikes of the two signs to different ports (NEST's iaf_psc_*:
 * the excitatory and the inhibitory synapse) */
static int routes_by_sign(const sg_pop *pop) {
  for (int r = 0; r < 256; ++r) {
    const int a = pop->model->spike_port(pop, r, 1.0), b = pop->model->spike_port(pop, r, -1.0);
    if (a >= 0 && a != b) return 1;
  }
  return 0;
}

/* Synapses of CSR row `row`: [*j0, *j1). 0 if the row is empty or absent. */
static int row_range(const sg_csr *c, uint64_t row, uint64_t *j0, uint64_t *j1) {
  if (!c->row_seg || row >= c->n_rows || c->row_seg[row] == c->row_seg[row + 1]) return 0;
  const uint64_t s0 = c->row_seg[row], s1 = c->row_seg[row + 1];
  *j0 = sg_csr_seg_begin(c->seg_end, s0);
  *j1 = c->seg_end[s1 - 1];
  return *j1 > *j0;
}

/* parrot_neuron relays the count of its input spikes as its output multiplicity, and every
 * target of the parrot gets multiplicity x weight: a parrot driven by a Poisson generator passes
 * the count on. A parrot's count per step is at most its own input bound (its incoming weights
 * are stored as 1, so that bound counts spikes). Chains are followed for up to 64 links; a cycle
 * of parrots that still grows after that is not refused here. */
#define PARROT_ROUNDS 64

static int has_parrot_relays(const sg_sim *sim) {
  const sg_csr *c = &sim->csr;
  if (!c->row_seg) return 0;
  for (size_t p = 0; p < sim->n_pops; ++p) {
    const sg_pop *pop = sim->pops[p];
    if (pop->model->id != SG_MODEL_parrot_neuron) continue;
    const uint64_t r0 = pop->first - 1, r1 = pop->first - 1 + pop->n;
    if (r0 < c->n_rows && c->row_seg[r0] != c->row_seg[r1 < c->n_rows ? r1 : c->n_rows]) return 1;
  }
  return 0;
}

/* Uses the gen_t / gen_w / gen_m / gens arrays being built (passed in, not yet in sim). */
static sg_status check_headroom(sg_sim *sim, const sg_gen *gens, size_t n_gens) {
  const sg_csr *c = &sim->gen_csr, *nc = &sim->csr;
  const int parrots = has_parrot_relays(sim);
  if ((!c->row_seg || !n_gens) && !parrots) return SG_OK;
  double base = 0.0, extra = 0.0;
  for (uint64_t i = 0; i < sim->n_nodes; ++i)
    if (sim->abs_w_sum[i] > base) base = sim->abs_w_sum[i];
  double *F = malloc((n_gens ? n_gens : 1) * sizeof *F);
  if (!F) return sg_i_fail(sim, SG_ERR_NOMEM, "generators: out of memory");
  uint64_t j0, j1;
  for (size_t g = 0; g < n_gens; ++g) {
    F[g] = gen_factor(sim, &gens[g]);
    if (F[g] <= 1.0 || !row_range(c, gens[g].gid - 1, &j0, &j1)) continue;
    for (uint64_t j = j0; j < j1; ++j) extra += (F[g] - 1.0) * fabs((double)c->weight[j]);
  }
  if (!parrots && base + extra <= SG_FX_MAX_ABS_SUM) { free(F); return SG_OK; }
  /* the quick bound failed (or parrots relay counts): per target, exactly as stated above */
  const size_t nn = sim->n_nodes ? sim->n_nodes : 1;
  double *add = calloc(nn, sizeof *add);
  if (!add) { free(F); return sg_i_fail(sim, SG_ERR_NOMEM, "generators: out of memory"); }
  sg_status st = SG_OK;
  for (size_t g = 0; g < n_gens && st == SG_OK; ++g) {
    if (F[g] <= 1.0 || !row_range(c, gens[g].gid - 1, &j0, &j1)) continue;
    for (uint64_t j = j0; j < j1; ++j) {
      const uint64_t t = sg_i_node_of_input(sim, c->input[j], 1);
      if (!t) continue;
      add[t - 1] += (F[g] - 1.0) * fabs((double)c->weight[j]);
      const double total = sim->abs_w_sum[t - 1] + add[t - 1];
      if (total > SG_FX_MAX_ABS_SUM) {
        const sg_pop *gp = sg_i_pop_of(sim, gens[g].gid);
        const char *what = gens[g].model == SG_MODEL_poisson_generator ? "rate x h (the mean count per step)"
                         : gens[g].model == SG_MODEL_spike_generator ? "|spike_weights| x spike_multiplicities"
                         : gens[g].model == SG_MODEL_step_current_generator
                             ? (gp && gp->model->id == SG_MODEL_dc_generator ? "|amplitude|" : "|amplitude_values|")
                         : "|mean| + 13 sqrt(std^2 + std_mod^2)";
        st = sg_i_fail(sim, SG_ERR_OVERFLOW,
                       "%s node %llu -> node %llu: events of up to %.6g x weight %g, with the target's other input (sum |w| = %.6g), could reach %.6g per step > %.17g (2^30), which the 64-bit fixed-point input could overflow: allowed smaller %s or weights",
                       gp ? gp->model->name : "generator", (unsigned long long)gens[g].gid, (unsigned long long)t,
                       F[g], (double)c->weight[j], sim->abs_w_sum[t - 1], total, (double)SG_FX_MAX_ABS_SUM, what);
        break;
      }
    }
  }
  free(F);
  if (st || !parrots) { free(add); return st; }
  double *par = calloc(nn, sizeof *par), *nxt = calloc(nn, sizeof *nxt);
  if (!par || !nxt) { free(add); free(par); free(nxt); return sg_i_fail(sim, SG_ERR_NOMEM, "parrot relays: out of memory"); }
  uint64_t worst = 0;
  for (int round = 0; round < PARROT_ROUNDS && !worst; ++round) {
    memset(nxt, 0, nn * sizeof *nxt);
    for (size_t p = 0; p < sim->n_pops; ++p) {
      const sg_pop *pop = sim->pops[p];
      if (pop->model->id != SG_MODEL_parrot_neuron) continue;
      for (uint64_t q = pop->first - 1; q < pop->first - 1 + pop->n; ++q) {
        const double M = sim->abs_w_sum[q] + add[q] + par[q];   /* spikes per step, at most */
        if (M <= 1.0 || !row_range(nc, q, &j0, &j1)) continue;
        for (uint64_t j = j0; j < j1; ++j) {
          const uint64_t t = sg_i_node_of_input(sim, nc->input[j], 0);
          if (t) nxt[t - 1] += (M - 1.0) * fabs((double)nc->weight[j]);
        }
      }
    }
    int changed = 0;
    for (uint64_t i = 0; i < sim->n_nodes; ++i) {
      changed |= nxt[i] != par[i];
      if (!worst && sim->abs_w_sum[i] + add[i] + nxt[i] > SG_FX_MAX_ABS_SUM) worst = i + 1;
    }
    double *tmp = par; par = nxt; nxt = tmp;
    if (!changed) break;
  }
  if (worst) {
    const uint64_t i = worst - 1;
    const sg_pop *tp = sg_i_pop_of(sim, worst);
    st = sg_i_fail(sim, SG_ERR_OVERFLOW,
                   "node %llu (%s): its input in one step could reach %.6g (sum |w| %.6g, generator counts and amplitudes %.6g more, parrot_neuron relayed multiplicities %.6g more) > %.17g (2^30), which the 64-bit fixed-point input could overflow: allowed smaller rates, spike multiplicities or weights before and after parrot_neuron",
                   (unsigned long long)worst, tp ? tp->model->name : "?", sim->abs_w_sum[i] + add[i] + par[i], sim->abs_w_sum[i],
                   add[i], par[i], (double)SG_FX_MAX_ABS_SUM);
  }
  free(add); free(par); free(nxt);
  return st;
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
      else if (pop->model->id == SG_MODEL_dc_generator)
        n_ev += 1;
      else if (pop->model->id == SG_MODEL_noise_generator)
        n_vals += sg_i_csr_row_len(&sim->gen_csr, pop->first + i - 1);
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
      G->has_targets = sg_i_csr_row_len(&sim->gen_csr, G->gid - 1) != 0;
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
      if ((id == SG_MODEL_poisson_generator || id == SG_MODEL_noise_generator) &&
          sg_i_csr_row_len(&sim->gen_csr, G->gid - 1) > (uint64_t)UINT32_MAX + 1) {
        /* its draws tell targets apart by a 32-bit index in ctr.z (docs/rng.md) */
        st = sg_i_fail(sim, SG_ERR_OVERFLOW, "%s node %llu: %llu connections: allowed at most 2^32 per generator (each draws for its own targets, numbered in 32 bits)",
                       pop->model->name, (unsigned long long)G->gid, (unsigned long long)sg_i_csr_row_len(&sim->gen_csr, G->gid - 1));
        break;
      }
      if (id == SG_MODEL_poisson_generator) {
        const double rate = sg_i_param(pop, SG_POISSON_GENERATOR_P_rate, i);
        G->lambda = rate * h * 1e-3;
        if (G->lambda > SG_POISSON_LAMBDA_MAX) {
          st = sg_i_fail(sim, SG_ERR_ARG, "poisson_generator node %llu: rate = %g Hz is %g spikes per step at resolution %g ms: allowed at most %g per step (rate <= %g Hz), the range of the per-step counts",
                         (unsigned long long)G->gid, rate, G->lambda, h, SG_POISSON_LAMBDA_MAX, SG_POISSON_LAMBDA_MAX / (h * 1e-3));
          break;
        }
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
        const uint64_t nt = sg_i_csr_row_len(&sim->gen_csr, G->gid - 1);
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
        if (st) break;   /* the entries after the refused time were not filled */
        /* the port of each connection was chosen by its weight's sign at sg_connect; NEST routes
         * each event by the sign of spike_weights[i] x weight, which a negative spike weight
         * flips: refused where the target routes by sign, rather than sent to the wrong synapse */
        for (size_t j = 0; j < t->len && st == SG_OK; ++j) {
          if (!(gw[ev + j] < 0.0)) continue;
          uint64_t j0, j1;
          if (!row_range(&sim->gen_csr, G->gid - 1, &j0, &j1)) break;
          for (uint64_t q = j0; q < j1; ++q) {
            const uint64_t tg = sg_i_node_of_input(sim, sim->gen_csr.input[q], 1);
            const sg_pop *tp = tg ? sg_i_pop_of(sim, tg) : NULL;
            if (!tp || !routes_by_sign(tp)) continue;
            st = sg_i_fail(sim, SG_ERR_ARG, "spike_generator node %llu: spike_weights[%zu] = %g < 0 with target node %llu (%s), which sends a spike to its excitatory or inhibitory synapse by its sign: spikegpu chooses the synapse by the connection weight's sign at sg_connect, NEST by spike_weights[i] x weight: allowed spike_weights >= 0 for such targets (send the inhibitory events from a second spike_generator, connected with a negative weight)",
                           (unsigned long long)G->gid, j, gw[ev + j], (unsigned long long)tg, tp->model->name);
            break;
          }
          break;   /* one look at the targets is enough */
        }
        if (st) break;
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
      } else if (id == SG_MODEL_dc_generator) {
        /* a step_current_generator whose one amplitude is in force from stamp 0 on: the same
         * window rule and the same per-step code on both backends */
        G->model = SG_MODEL_step_current_generator;
        G->ev_off = ev;
        G->ev_n = 1;
        gt[ev] = 0;
        gw[ev] = sg_i_param(pop, SG_DC_GENERATOR_P_amplitude, i);
        gm[ev] = 1u;
        ev += 1;
      }
    }
  }
  if (st == SG_OK) {
    /* gen_factor reads the event arrays through sim: lend it the new ones */
    double *ow = sim->gen_w;
    uint32_t *om = sim->gen_m;
    sim->gen_w = gw;
    sim->gen_m = gm;
    st = check_headroom(sim, gens, n_gens);
    sim->gen_w = ow;
    sim->gen_m = om;
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
