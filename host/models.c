/* host/models.c - the model list: every model header's tables expanded into the descriptors
 * that the parameter API, sg_model_info, the HDF5 writer and the docs read.
 * Neuron models: one descriptor per line of SG_NEURON_LIST, generated below from the model's
 * header (SG_NEURON_DESC); nothing here changes when a model is added. Devices have no step
 * function and their descriptors are written out here. */
/* SPDX-License-Identifier: MIT */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "models.h"
#include "sg/models/all.h"
#include "sg/stim/dc_generator.h"
#include "sg/stim/noise_generator.h"
#include "sg/stim/poisson_generator.h"
#include "sg/stim/recorders.h"
#include "sg/stim/spike_generator.h"
#include "sg/stim/step_current_generator.h"

/* ---- recordables ---------------------------------------------------------------------- */
static uint32_t n_recordables(const sg_pop *pop) {
  return pop->model->n_recordables ? pop->model->n_recordables(pop) : pop->model->n_state;
}
static void recordable_name(const sg_pop *pop, uint32_t q, char *buf, size_t len) {
  if (pop->model->recordable_name) pop->model->recordable_name(pop, q, buf, len);
  else snprintf(buf, len, "%s", pop->model->state[q].name);
}

uint32_t sg_i_recordable_find(const sg_pop *pop, const char *name) {
  char buf[SG_NAME_LEN];
  const uint32_t nr = n_recordables(pop);
  for (uint32_t q = 0; q < nr; ++q) {
    recordable_name(pop, q, buf, sizeof buf);
    if (strcmp(buf, name) == 0) return q;
  }
  return UINT32_MAX;
}

size_t sg_i_recordable_names(const sg_pop *pop, const char *sep, char *buf, size_t cap) {
  char name[SG_NAME_LEN];
  const uint32_t nr = n_recordables(pop);
  size_t need = 0;
  if (cap) buf[0] = 0;
  for (uint32_t q = 0; q < nr; ++q) {
    recordable_name(pop, q, name, sizeof name);
    const int k = snprintf(need < cap ? buf + need : NULL, need < cap ? cap - need : 0, "%s%s", q ? sep : "", name);
    need += k > 0 ? (size_t)k : 0;
  }
  return need;
}

void sg_i_recordable_list(const sg_pop *pop, char *list, size_t len) {
  if (sg_i_recordable_names(pop, ", ", list, len) == 0) snprintf(list, len, "(none)");
}

/* ---- receptors ------------------------------------------------------------------------ */
static uint32_t no_ports(const sg_pop *pop) { (void)pop; return 0; }
static int spike_port0_if_r0(const sg_pop *pop, int r, double w) { (void)pop; (void)w; return r == 0 ? 0 : -1; }
static int no_spike_port(const sg_pop *pop, int r, double w) { (void)pop; (void)r; (void)w; return -1; }
static int no_port(const sg_pop *pop, int r) { (void)pop; (void)r; return -1; }

/* ---- neuron models: one descriptor per line of the list ------------------------------------
 * From the header of model m (sg/model.h lists the contract): the SG_<M>_PARAMS and _STATE
 * tables, sg_<m>_coef and sg_<m>_prepare, the port map sg_<m>_n_ports / _spike_port /
 * _current_port, and SG_<M>_HOOKS, designated initialisers of the optional hooks (check,
 * vectors, recordables, state access, the CPU block step; empty for none). The tables get a
 * zero row at the end so that a model without parameters still has a valid array. */
#define SG_NEURON_DESC(m, M)                                                                            \
  static const sg_param_row m##_params_[] = {SG_##M##_PARAMS(SG_PARAM_ROW){0}};                         \
  static const sg_state_row m##_state_[] = {SG_##M##_STATE(SG_STATE_ROW){0}};                           \
  static void m##_prepare_(const double *p, const sg_vec *v, double h, int64_t tps, void *coef) {       \
    sg_##m##_prepare(p, v, h, tps, (sg_##m##_coef *)coef);                                              \
  }                                                                                                     \
  const sg_model_desc sg_i_model_##m = {                                                                \
    .name = #m, .kind = SG_KIND_NEURON, .id = SG_MODEL_##m,                                             \
    .params = m##_params_, .n_params = SG_##M##_N_PARAMS,                                               \
    .state = m##_state_, .n_state = SG_##M##_N_STATE,                                                   \
    .coef_size = sizeof(sg_##m##_coef), .prepare = m##_prepare_,                                        \
    .n_ports = sg_##m##_n_ports, .spike_port = sg_##m##_spike_port,                                     \
    .current_port = sg_##m##_current_port,                                                              \
    SG_##M##_HOOKS                                                                                      \
  };
SG_NEURON_LIST(SG_NEURON_DESC)
#undef SG_NEURON_DESC

/* ---- devices ---------------------------------------------------------------------------- */
static const sg_param_row sg_params[] = {SG_SPIKE_GENERATOR_PARAMS(SG_PARAM_ROW)};
static const sg_vec_row sg_vecs[] = {SG_SPIKE_GENERATOR_VECS(SG_VEC_ROW)};
static int spike_generator_check(const double *p, const sg_vec *v, char *msg, size_t len) {
  const sg_vec *t = &v[SG_SPIKE_GENERATOR_V_spike_times];
  const sg_vec *w = &v[SG_SPIKE_GENERATOR_V_spike_weights];
  const sg_vec *m = &v[SG_SPIKE_GENERATOR_V_spike_multiplicities];
  if (w->len && w->len != t->len) {
    snprintf(msg, len, "spike_weights has %zu values but spike_times has %zu: allowed empty or the same length", w->len, t->len);
    return 1;
  }
  if (m->len && m->len != t->len) {
    snprintf(msg, len, "spike_multiplicities has %zu values but spike_times has %zu: allowed empty or the same length", m->len, t->len);
    return 1;
  }
  for (size_t i = 0; i < t->len; ++i)
    if (t->v[i] > SG_I_MAX_TIME_MS) {
      snprintf(msg, len, "spike_times[%zu] = %g ms: allowed at most %g ms (times are kept in integer tics)", i, t->v[i], SG_I_MAX_TIME_MS);
      return 1;
    }
  for (size_t i = 1; i < t->len; ++i)
    if (t->v[i] < t->v[i - 1]) {
      snprintf(msg, len, "spike_times[%zu] = %g < spike_times[%zu] = %g: spike times must be sorted in non-descending order", i, t->v[i], i - 1, t->v[i - 1]);
      return 1;
    }
  if (p[SG_SPIKE_GENERATOR_P_precise_times] != 0.0 &&
      (p[SG_SPIKE_GENERATOR_P_allow_offgrid_times] != 0.0 || p[SG_SPIKE_GENERATOR_P_shift_now_spikes] != 0.0)) {
    snprintf(msg, len, "precise_times = 1 cannot be combined with allow_offgrid_times or shift_now_spikes");
    return 1;
  }
  if (p[SG_SPIKE_GENERATOR_P_shift_now_spikes] == 0.0)
    for (size_t i = 0; i < t->len; ++i)
      if (t->v[i] == 0.0) {
        snprintf(msg, len, "spike_times[%zu] = 0: spike time cannot be 0 (allowed > 0, or set shift_now_spikes)", i);
        return 1;
      }
  return 0;
}
const sg_model_desc sg_i_model_spike_generator = {
  .name = "spike_generator", .kind = SG_KIND_GENERATOR, .id = SG_MODEL_spike_generator,
  .params = sg_params, .n_params = SG_SPIKE_GENERATOR_N_PARAMS,
  .vecs = sg_vecs, .n_vecs = SG_SPIKE_GENERATOR_N_VECS, .check = spike_generator_check,
  .n_ports = no_ports, .spike_port = no_spike_port, .current_port = no_port,
};

static const sg_param_row pg_params[] = {SG_POISSON_GENERATOR_PARAMS(SG_PARAM_ROW)};
const sg_model_desc sg_i_model_poisson_generator = {
  .name = "poisson_generator", .kind = SG_KIND_GENERATOR, .id = SG_MODEL_poisson_generator,
  .params = pg_params, .n_params = SG_POISSON_GENERATOR_N_PARAMS,
  .n_ports = no_ports, .spike_port = no_spike_port, .current_port = no_port,
};

static const sg_param_row scg_params[] = {SG_STEP_CURRENT_GENERATOR_PARAMS(SG_PARAM_ROW)};
static const sg_vec_row scg_vecs[] = {SG_STEP_CURRENT_GENERATOR_VECS(SG_VEC_ROW)};
static int step_current_check(const double *p, const sg_vec *v, char *msg, size_t len) {
  (void)p;
  const sg_vec *t = &v[SG_STEP_CURRENT_GENERATOR_V_amplitude_times];
  const sg_vec *a = &v[SG_STEP_CURRENT_GENERATOR_V_amplitude_values];
  /* one of the two may still be empty while the other is being set (sg_set_vec sets one at a
   * time); sg_simulate refuses a generator whose lengths still differ */
  if (t->len != a->len && t->len && a->len) {
    snprintf(msg, len, "amplitude_times has %zu values but amplitude_values has %zu: they must have the same length", t->len, a->len);
    return 1;
  }
  for (size_t i = 0; i < t->len; ++i)
    if (t->v[i] > SG_I_MAX_TIME_MS) {
      snprintf(msg, len, "amplitude_times[%zu] = %g ms: allowed at most %g ms (times are kept in integer tics)", i, t->v[i], SG_I_MAX_TIME_MS);
      return 1;
    }
  for (size_t i = 1; i < t->len; ++i)
    if (!(t->v[i] > t->v[i - 1])) {
      snprintf(msg, len, "amplitude_times[%zu] = %g <= amplitude_times[%zu] = %g: times must be strictly increasing", i, t->v[i], i - 1, t->v[i - 1]);
      return 1;
    }
  return 0;
}
const sg_model_desc sg_i_model_step_current_generator = {
  .name = "step_current_generator", .kind = SG_KIND_GENERATOR, .id = SG_MODEL_step_current_generator,
  .params = scg_params, .n_params = SG_STEP_CURRENT_GENERATOR_N_PARAMS,
  .vecs = scg_vecs, .n_vecs = SG_STEP_CURRENT_GENERATOR_N_VECS, .check = step_current_check,
  .n_ports = no_ports, .spike_port = no_spike_port, .current_port = no_port,
};

static const sg_param_row dc_params[] = {SG_DC_GENERATOR_PARAMS(SG_PARAM_ROW)};
const sg_model_desc sg_i_model_dc_generator = {
  .name = "dc_generator", .kind = SG_KIND_GENERATOR, .id = SG_MODEL_dc_generator,
  .params = dc_params, .n_params = SG_DC_GENERATOR_N_PARAMS,
  .n_ports = no_ports, .spike_port = no_spike_port, .current_port = no_port,
};

static const sg_param_row ng_params[] = {SG_NOISE_GENERATOR_PARAMS(SG_PARAM_ROW)};
static int noise_check(const double *p, const sg_vec *v, char *msg, size_t len) {
  (void)v;
  if (p[SG_NOISE_GENERATOR_P_std_mod] > p[SG_NOISE_GENERATOR_P_std]) {
    snprintf(msg, len, "std_mod = %g > std = %g: allowed 0 <= std_mod <= std", p[SG_NOISE_GENERATOR_P_std_mod], p[SG_NOISE_GENERATOR_P_std]);
    return 1;
  }
  return 0;
}
const sg_model_desc sg_i_model_noise_generator = {
  .name = "noise_generator", .kind = SG_KIND_GENERATOR, .id = SG_MODEL_noise_generator,
  .params = ng_params, .n_params = SG_NOISE_GENERATOR_N_PARAMS, .check = noise_check,
  .n_ports = no_ports, .spike_port = no_spike_port, .current_port = no_port,
};

static const sg_param_row sr_params[] = {SG_SPIKE_RECORDER_PARAMS(SG_PARAM_ROW)};
const sg_model_desc sg_i_model_spike_recorder = {
  .name = "spike_recorder", .kind = SG_KIND_RECORDER, .id = SG_MODEL_spike_recorder,
  .params = sr_params, .n_params = SG_SPIKE_RECORDER_N_PARAMS,
  .n_ports = no_ports, .spike_port = spike_port0_if_r0, .current_port = no_port,
};

static const sg_param_row mm_params[] = {SG_MULTIMETER_PARAMS(SG_PARAM_ROW)};
static int multimeter_check(const double *p, const sg_vec *v, char *msg, size_t len) {
  (void)v;
  if (p[SG_MULTIMETER_P_interval] <= 0.0) {
    snprintf(msg, len, "interval = %g: allowed >= resolution", p[SG_MULTIMETER_P_interval]);
    return 1;
  }
  return 0;
}
const sg_model_desc sg_i_model_multimeter = {
  .name = "multimeter", .kind = SG_KIND_RECORDER, .id = SG_MODEL_multimeter,
  .params = mm_params, .n_params = SG_MULTIMETER_N_PARAMS, .check = multimeter_check,
  .n_ports = no_ports, .spike_port = no_spike_port, .current_port = no_port,
};
/* the same parameters; sg_create sets its record_from to {V_m} */
const sg_model_desc sg_i_model_voltmeter = {
  .name = "voltmeter", .kind = SG_KIND_RECORDER, .id = SG_MODEL_voltmeter,
  .params = mm_params, .n_params = SG_MULTIMETER_N_PARAMS, .check = multimeter_check,
  .n_ports = no_ports, .spike_port = no_spike_port, .current_port = no_port,
};

/* ---- the list --------------------------------------------------------------------------- */
const sg_model_desc *const sg_i_models[] = {
#define X(name, NAME) &sg_i_model_##name,
  SG_MODEL_LIST(X)
#undef X
};
const size_t sg_i_n_models = sizeof sg_i_models / sizeof sg_i_models[0];

const sg_model_desc *sg_i_model_find(const char *name) {
  if (!name) return NULL;
  for (size_t i = 0; i < sg_i_n_models; ++i)
    if (strcmp(sg_i_models[i]->name, name) == 0) return sg_i_models[i];
  return NULL;
}

sg_status sg_i_nonfinite_error(sg_sim *sim, uint32_t row, uint64_t step) {
  const uint64_t gid = (uint64_t)row + 1;
  const sg_pop *pop = sg_i_pop_of(sim, gid);
  char params[SG_MSG_LEN * 3 / 4] = "";
  if (pop) {
    size_t len = 0;
    for (uint32_t p = 0; p < pop->model->n_params && len + 40 < sizeof params; ++p)
      len += (size_t)snprintf(params + len, sizeof params - len, "%s%s = %.17g", p ? ", " : "", pop->model->params[p].name,
                              sg_i_param(pop, p, gid - pop->first));
  }
  sim->poisoned = 1;
  snprintf(sim->backend_reason, sizeof sim->backend_reason, "the state of node %llu became non-finite", (unsigned long long)gid);
  return sg_i_fail(sim, SG_ERR_OVERFLOW,
                   "sg_simulate: the state of node %llu (%s %s) became non-finite (NaN or infinite) in the update from t = %g ms to %g ms; the simulation stopped and cannot continue (recordings up to there are kept). Its parameters: %s",
                   (unsigned long long)gid, pop ? pop->model->name : "?", pop ? pop->name : "?", (double)step * sim->h,
                   (double)(step + 1) * sim->h, params);
}
