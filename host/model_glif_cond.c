/* host/model_glif_cond.c - the glif_cond descriptor: the header's tables as rows, the
 * receptor/port map, state widths from the vector lengths, NEST's recordables (V_m and
 * threshold absolute), state access with NEST's rules, and the E_L bookkeeping.
 * The model itself (check, prepare, step) is include/sg/models/glif_cond.h. */
/* SPDX-License-Identifier: MIT */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "models.h"
#include "sg/models/glif_cond.h"

#define GC_PARAM_ROW(name, unit, def, chk, doc) {#name, unit, def, chk, doc},
#define GC_VEC_ROW(name, unit, chk, doc) {#name, unit, chk, doc},
#define GC_STATE_ROW(name, unit, init, chk, doc) {#name, unit, init, chk, doc},

static const sg_param_row gc_params[] = {SG_GLIF_COND_PARAMS(GC_PARAM_ROW)};
static const sg_vec_row gc_vecs[] = {SG_GLIF_COND_VECS(GC_VEC_ROW)};
static const sg_state_row gc_state[] = {SG_GLIF_COND_STATE(GC_STATE_ROW)};

/* ---- parameters ----------------------------------------------------------------------------- */
static int gc_vec_default(uint32_t v, sg_vec *out) {
  const double *vals;
  const size_t n = sg_glif_cond_vec_default_values(v, &vals);
  out->v = NULL;
  out->len = n;
  if (n) {
    out->v = malloc(n * sizeof(double));
    if (!out->v) { out->len = 0; return 1; }
    memcpy(out->v, vals, n * sizeof(double));
  }
  return 0;
}

static void gc_unpack(const sg_vec *vecs, const double **v, size_t *len) {
  for (uint32_t k = 0; k < SG_GLIF_COND_N_VECS; ++k) { v[k] = vecs[k].v; len[k] = vecs[k].len; }
}

static int gc_check(const double *p, const sg_vec *vecs, char *msg, size_t len) {
  /* t_ref becomes an int64 step count (sg_ms_to_steps_ceil): bounded like every device time */
  if (p[SG_GLIF_COND_P_t_ref] > SG_I_MAX_TIME_MS) {
    snprintf(msg, len, "t_ref = %g ms: allowed at most %g ms (times are kept in integer tics)", p[SG_GLIF_COND_P_t_ref], SG_I_MAX_TIME_MS);
    return 1;
  }
  const double *v[SG_GLIF_COND_N_VECS];
  size_t l[SG_GLIF_COND_N_VECS];
  gc_unpack(vecs, v, l);
  return sg_glif_cond_check(p, v, l, msg, len);
}

static void gc_prepare(const double *p, const sg_vec *vecs, double h, int64_t tps, void *coef) {
  const double *v[SG_GLIF_COND_N_VECS];
  size_t l[SG_GLIF_COND_N_VECS];
  gc_unpack(vecs, v, l);
  sg_glif_cond_prepare(p, v, l, h, tps, (sg_glif_cond_coef *)coef);
}

/* Receptor and ASC counts are equal across a population (sg_set_vec refuses a length change
 * for part of it), so node 0 speaks for all. */
static uint32_t gc_n_rec(const sg_pop *pop) {
  return (uint32_t)sg_i_vec(pop, SG_GLIF_COND_V_tau_syn, 0)->len;
}
static uint32_t gc_n_asc(const sg_pop *pop) {
  return (uint32_t)sg_i_vec(pop, SG_GLIF_COND_V_asc_decay, 0)->len;
}

/* ---- ports: spike receptors 1..n -> ports 0..n-1, current receptor 0 -> port n --------------- */
static uint32_t gc_n_ports(const sg_pop *pop) { return sg_glif_cond_n_ports(gc_n_rec(pop)); }
static int gc_spike_port(const sg_pop *pop, int r) {
  return r >= 1 && (uint32_t)r <= gc_n_rec(pop) ? r - 1 : -1;
}
static int gc_current_port(const sg_pop *pop, int r) { return r == 0 ? (int)gc_n_rec(pop) : -1; }

static uint32_t gc_state_width(const sg_pop *pop, uint32_t row) {
  switch (row) {
  case SG_GLIF_COND_S_dg:
  case SG_GLIF_COND_S_g: return gc_n_rec(pop);
  case SG_GLIF_COND_S_ASCurrents: return gc_n_asc(pop);
  default: return 1;
  }
}

/* ---- recordables, in NEST's order: ASCurrents_sum, I, V_m, g_1..g_n, threshold,
 *      threshold_spike, threshold_voltage ------------------------------------------------------ */
enum { GC_R_ASC_SUM = 0, GC_R_I = 1, GC_R_V_M = 2, GC_R_G = 3 };

static uint32_t gc_n_recordables(const sg_pop *pop) { return 6 + gc_n_rec(pop); }

static void gc_recordable_name(const sg_pop *pop, uint32_t j, char *buf, size_t len) {
  const uint32_t nr = gc_n_rec(pop);
  static const char *const tail[3] = {"threshold", "threshold_spike", "threshold_voltage"};
  if (j == GC_R_ASC_SUM) snprintf(buf, len, "ASCurrents_sum");
  else if (j == GC_R_I) snprintf(buf, len, "I");
  else if (j == GC_R_V_M) snprintf(buf, len, "V_m");
  else if (j < GC_R_G + nr) snprintf(buf, len, "g_%u", j - GC_R_G + 1);
  else if (j < GC_R_G + nr + 3) snprintf(buf, len, "%s", tail[j - GC_R_G - nr]);
  else if (len) buf[0] = '\0';
}

static double gc_recordable_value(const sg_pop *pop, uint32_t j, uint64_t i) {
  const uint32_t nr = gc_n_rec(pop);
  const double E_L = sg_i_param(pop, SG_GLIF_COND_P_E_L, i);
  if (j == GC_R_ASC_SUM) return pop->state[SG_GLIF_COND_S_ASCurrents_sum][i];
  if (j == GC_R_I) return pop->state[SG_GLIF_COND_S_I][i];
  if (j == GC_R_V_M) return pop->state[SG_GLIF_COND_S_V_m][i] + E_L;
  if (j < GC_R_G + nr) return pop->state[SG_GLIF_COND_S_g][(uint64_t)(j - GC_R_G) * pop->n + i];
  switch (j - GC_R_G - nr) {
  case 0: return pop->state[SG_GLIF_COND_S_threshold][i] + E_L;
  case 1: return pop->state[SG_GLIF_COND_S_threshold_spike][i];
  case 2: return pop->state[SG_GLIF_COND_S_threshold_voltage][i];
  default: return NAN;
  }
}

/* ---- state access ------------------------------------------------------------------------------ */
static double gc_get_state(const sg_pop *pop, uint32_t row, uint64_t i) {
  const double *s = pop->state[row];
  if (row == SG_GLIF_COND_S_V_m || row == SG_GLIF_COND_S_threshold)
    return s[i] + sg_i_param(pop, SG_GLIF_COND_P_E_L, i);
  if (pop->width[row] != 1) return NAN;   /* vector rows: sg_get_vec */
  return s[i];
}

/* 1 if flag parameter k is off for node i (or, with i == UINT64_MAX, for any node). */
static int gc_flag_off(const sg_pop *pop, uint32_t k, uint64_t i, uint64_t *which) {
  if (i != UINT64_MAX) { *which = i; return sg_i_param(pop, k, i) == 0.0; }
  if (!pop->params[k].each) { *which = 0; return pop->params[k].uniform == 0.0; }
  for (uint64_t q = 0; q < pop->n; ++q)
    if (pop->params[k].each[q] == 0.0) { *which = q; return 1; }
  return 0;
}

/* Settable as in NEST: V_m (absolute), threshold_spike (R only), threshold_voltage (A only);
 * ASCurrents (ASC only) through sg_set_vec. The rest is read-only. i == UINT64_MAX: only check. */
static int gc_set_state(sg_pop *pop, uint32_t row, uint64_t i, double value, char *msg, size_t len) {
  uint64_t q;
  switch (row) {
  case SG_GLIF_COND_S_V_m:
    if (i != UINT64_MAX) pop->state[row][i] = value - sg_i_param(pop, SG_GLIF_COND_P_E_L, i);
    return 0;
  case SG_GLIF_COND_S_threshold_spike:
    if (gc_flag_off(pop, SG_GLIF_COND_P_spike_dependent_threshold, i, &q)) {
      snprintf(msg, len, "the threshold spike component is not supported or settable: spike_dependent_threshold is off (node %llu)",
               (unsigned long long)(pop->first + q));
      return 1;
    }
    if (i != UINT64_MAX) pop->state[row][i] = value;
    return 0;
  case SG_GLIF_COND_S_threshold_voltage:
    if (gc_flag_off(pop, SG_GLIF_COND_P_adapting_threshold, i, &q)) {
      snprintf(msg, len, "the threshold voltage component is not supported or settable: adapting_threshold is off (node %llu)",
               (unsigned long long)(pop->first + q));
      return 1;
    }
    if (i != UINT64_MAX) pop->state[row][i] = value;
    return 0;
  case SG_GLIF_COND_S_ASCurrents:
    snprintf(msg, len, "ASCurrents is a vector of %u values: use sg_set_vec", gc_n_asc(pop));
    return 1;
  default:
    snprintf(msg, len, "read-only: allowed to set V_m, threshold_spike (spike_dependent_threshold on), "
             "threshold_voltage (adapting_threshold on), ASCurrents (after_spike_currents on, sg_set_vec)");
    return 1;
  }
}

/* Vector state: only ASCurrents (ASC on, length len(asc_decay)). Checks before writing. */
static int gc_set_state_vec(sg_pop *pop, uint32_t row, uint64_t i, const double *v, size_t len,
                            char *msg, size_t mlen) {
  if (row != SG_GLIF_COND_S_ASCurrents) {
    snprintf(msg, mlen, "read-only: only ASCurrents is a settable vector state");
    return 1;
  }
  if (sg_i_param(pop, SG_GLIF_COND_P_after_spike_currents, i) == 0.0) {
    snprintf(msg, mlen, "after spike currents are not supported or settable: after_spike_currents is off (node %llu)",
             (unsigned long long)(pop->first + i));
    return 1;
  }
  const uint32_t n_asc = gc_n_asc(pop);
  if (len != n_asc) {
    snprintf(msg, mlen, "%zu values: after spike current values must have the same size (%u) as asc_decay", len, n_asc);
    return 1;
  }
  for (size_t j = 0; j < len; ++j)
    if (!isfinite(v[j])) {
      snprintf(msg, mlen, "ASCurrents[%zu] = %g: allowed any finite number", j, v[j]);
      return 1;
    }
  for (uint32_t j = 0; j < n_asc; ++j) pop->state[row][(uint64_t)j * pop->n + i] = v[j];
  return 0;
}

/* NEST: changing E_L alone keeps V_m absolute (the relative value moves by -delta E_L);
 * V_th and V_reset are parameters stored absolute here, so they keep theirs by construction. */
static void gc_params_changed(sg_pop *pop, uint64_t i, const double *old_p, const double *new_p) {
  const double d = new_p[SG_GLIF_COND_P_E_L] - old_p[SG_GLIF_COND_P_E_L];
  if (d != 0.0) pop->state[SG_GLIF_COND_S_V_m][i] -= d;
}

/* A fresh node: V_m = E_L (relative 0), threshold = V_th, ASCurrents = asc_init (spikegpu's
 * documented deviation; NEST keeps zeros), everything else 0 (integration_step 0 = h). */
static void gc_init_state(sg_pop *pop, uint64_t i) {
  const uint64_t n = pop->n;
  double *const *s = pop->state;
  const double E_L = sg_i_param(pop, SG_GLIF_COND_P_E_L, i);
  s[SG_GLIF_COND_S_V_m][i] = 0.0;
  s[SG_GLIF_COND_S_threshold][i] = sg_i_param(pop, SG_GLIF_COND_P_V_th, i) - E_L;
  s[SG_GLIF_COND_S_threshold_spike][i] = 0.0;
  s[SG_GLIF_COND_S_threshold_voltage][i] = 0.0;
  s[SG_GLIF_COND_S_refractory_steps][i] = 0.0;
  s[SG_GLIF_COND_S_integration_step][i] = 0.0;
  s[SG_GLIF_COND_S_I][i] = 0.0;
  for (uint32_t r = 0; r < pop->width[SG_GLIF_COND_S_dg]; ++r) {
    s[SG_GLIF_COND_S_dg][(uint64_t)r * n + i] = 0.0;
    s[SG_GLIF_COND_S_g][(uint64_t)r * n + i] = 0.0;
  }
  const sg_vec *init = sg_i_vec(pop, SG_GLIF_COND_V_asc_init, i);
  const int asc_on = sg_i_param(pop, SG_GLIF_COND_P_after_spike_currents, i) != 0.0;
  double sum = 0.0;
  for (uint32_t j = 0; j < pop->width[SG_GLIF_COND_S_ASCurrents]; ++j) {
    const double a = j < init->len ? init->v[j] : 0.0;
    s[SG_GLIF_COND_S_ASCurrents][(uint64_t)j * n + i] = a;
    sum += a;
  }
  s[SG_GLIF_COND_S_ASCurrents_sum][i] = asc_on ? sum : 0.0;
}

const sg_model_desc sg_i_model_glif_cond = {
  .name = "glif_cond", .kind = SG_KIND_NEURON, .id = SG_MODEL_glif_cond,
  .params = gc_params, .n_params = SG_GLIF_COND_N_PARAMS,
  .vecs = gc_vecs, .n_vecs = SG_GLIF_COND_N_VECS,
  .state = gc_state, .n_state = SG_GLIF_COND_N_STATE,
  .coef_size = sizeof(sg_glif_cond_coef),
  .vec_default = gc_vec_default, .check = gc_check, .prepare = gc_prepare,
  .n_ports = gc_n_ports, .spike_port = gc_spike_port, .current_port = gc_current_port,
  .state_width = gc_state_width,
  .n_recordables = gc_n_recordables, .recordable_name = gc_recordable_name,
  .recordable_value = gc_recordable_value,
  .set_state = gc_set_state, .get_state = gc_get_state, .set_state_vec = gc_set_state_vec,
  .params_changed = gc_params_changed, .init_state = gc_init_state,
};
