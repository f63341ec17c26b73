/* host/params.c - sg_set / sg_get and the model tables as the public sg_model_info.
 * Every set validates into a copy (row class, then the model's cross-parameter check per
 * node) and commits only when everything passed: a failed call changes nothing. */
/* SPDX-License-Identifier: MIT */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

enum { FOUND_NONE = 0, FOUND_PARAM, FOUND_VEC, FOUND_STATE };

static int find_entry(const sg_model_desc *m, const char *name, uint32_t *idx) {
  for (uint32_t i = 0; i < m->n_params; ++i)
    if (strcmp(m->params[i].name, name) == 0) { *idx = i; return FOUND_PARAM; }
  for (uint32_t i = 0; i < m->n_vecs; ++i)
    if (strcmp(m->vecs[i].name, name) == 0) { *idx = i; return FOUND_VEC; }
  for (uint32_t i = 0; i < m->n_state; ++i)
    if (strcmp(m->state[i].name, name) == 0) { *idx = i; return FOUND_STATE; }
  return FOUND_NONE;
}

static sg_status unknown_name(sg_sim *sim, const char *fn, const sg_model_desc *m, const char *name) {
  char list[1024] = "";
  size_t used = 0;
#define ADD(s) do { int k_ = snprintf(list + used, sizeof list - used, "%s%s", used ? ", " : "", s); \
                    if (k_ > 0 && (size_t)k_ < sizeof list - used) used += (size_t)k_; } while (0)
  for (uint32_t i = 0; i < m->n_params; ++i) ADD(m->params[i].name);
  for (uint32_t i = 0; i < m->n_vecs; ++i) ADD(m->vecs[i].name);
  for (uint32_t i = 0; i < m->n_state; ++i) ADD(m->state[i].name);
  if (sg_i_is_multimeter(m)) ADD("record_from");
#undef ADD
  return sg_i_fail(sim, SG_ERR_UNKNOWN, "%s: %s has no parameter '%s': allowed %s", fn, m->name, name ? name : "(null)", list);
}

/* Checks one value against its row's class. 0 = fine, else fills msg. */
static int check_value(const sg_sim *sim, int chk, double v, char *msg, size_t len) {
  const char *why = NULL;
  switch (chk) {   /* the class's own test (sg/model.h); unknown classes accept anything */
#define SG_CHECK_CASE_(name, text, refusal, accepts) \
  case SG_CHK_##name: if (!(accepts)) why = "allowed " refusal; break;
  SG_CHECK_LIST(SG_CHECK_CASE_)
#undef SG_CHECK_CASE_
  default: break;
  }
  /* times, finite and >= 0 by now: kept in integer tics, on the grid */
  if (!why && (chk == SG_CHK_TIME || chk == SG_CHK_TIME_INF) && isfinite(v)) {
    if (v * SG_TICS_PER_MS > SG_I_MAX_TIME_MS * SG_TICS_PER_MS) {
      why = "allowed at most " SG_I_STR(SG_I_MAX_TIME_MS) " ms (times are kept in integer tics)";
    } else {
      const int64_t tics = sg_ms_to_tics(v);
      if (fabs((double)tics - v * SG_TICS_PER_MS) > 1e-6 * (1.0 + fabs(v * SG_TICS_PER_MS)) || tics % sim->tics_per_step) {
        char nb[40];
        snprintf(msg, len, "= %s ms: allowed a multiple of the resolution %g ms", sg_i_num(v, nb, sizeof nb), sim->h);
        return 1;
      }
    }
  }
  if (why) { char nb[40]; snprintf(msg, len, "= %s: %s", sg_i_num(v, nb, sizeof nb), why); return 1; }
  return 0;
}

/* Validation class of state row k, from the model's state table (models with their own
 * set_state check there as well). */
static int state_check(const sg_model_desc *m, uint32_t k) { return m->state[k].check; }

/* Node i's parameters and vectors, with an optional override, for the model's check(). */
static void node_params(const sg_pop *pop, uint64_t i, double *p, sg_vec *vecs) {
  for (uint32_t k = 0; k < pop->model->n_params; ++k) p[k] = sg_i_param(pop, k, i);
  for (uint32_t k = 0; k < pop->model->n_vecs; ++k) vecs[k] = *sg_i_vec(pop, k, i);
}

#define MAX_P 64
#define MAX_V 16

/* Runs the model's cross check for nodes [lo, hi) with param k replaced by values[i-lo]
 * (kind FOUND_PARAM), or vectors vk[0..n_vec) replaced by vec[] (kind FOUND_VEC). */
static sg_status cross_check_n(sg_sim *sim, const char *fn, sg_pop *pop, uint64_t lo, uint64_t hi,
                               int kind, uint32_t k, const double *values, int per_node,
                               const uint32_t *vk, const sg_vec *vec, size_t n_vec) {
  const sg_model_desc *m = pop->model;
  if (!m->check) return SG_OK;
  double p[MAX_P];
  sg_vec v[MAX_V];
  char msg[SG_MSG_LEN - 96];
  for (uint64_t i = lo; i < hi; ++i) {
    node_params(pop, i, p, v);
    if (kind == FOUND_PARAM) p[k] = values[per_node ? i - lo : 0];
    else if (kind == FOUND_VEC)
      for (size_t q = 0; q < n_vec; ++q) v[vk[q]] = vec[q];
    if (m->check(p, v, msg, sizeof msg))
      return sg_i_fail(sim, SG_ERR_ARG, "%s: %s node %llu: %s", fn, m->name,
                       (unsigned long long)(pop->first + i), msg);
    if (!per_node && kind != FOUND_NONE && pop->params && i > lo) {
      /* a uniform value only needs checking once per distinct neighbourhood: all nodes
       * share it unless other parameters are per node */
      int any_each = 0;
      for (uint32_t q = 0; q < m->n_params && !any_each; ++q) any_each = pop->params[q].each != NULL;
      for (uint32_t q = 0; q < m->n_vecs && !any_each; ++q) any_each = pop->vecs[q].each != NULL;
      if (!any_each) break;
    }
  }
  return SG_OK;
}

static sg_status cross_check(sg_sim *sim, const char *fn, sg_pop *pop, uint64_t lo, uint64_t hi,
                             int kind, uint32_t k, const double *values, int per_node,
                             const sg_vec *vec) {
  return cross_check_n(sim, fn, pop, lo, hi, kind, k, values, per_node, &k, vec, vec ? 1 : 0);
}

static sg_status frozen_check(sg_sim *sim, const char *fn, sg_pop *pop, const char *name) {
  if (sg_i_is_multimeter(pop->model) && pop->has_device_connections &&
      (strcmp(name, "interval") == 0 || strcmp(name, "offset") == 0 || strcmp(name, "record_from") == 0))
    return sg_i_fail(sim, SG_ERR_STATE, "%s: multimeter %s: '%s' cannot be changed after the multimeter has been connected", fn, pop->name, name);
  return SG_OK;
}

/* A multimeter that has recorded keeps its window (start, stop, origin): its report files hold
 * one time axis, mapping/time = [start, stop, step], so samples of a moved window could not be
 * placed on it. Setting the value it has is allowed. */
static sg_status window_frozen_check(sg_sim *sim, const char *fn, const sg_pop *pop, uint64_t lo,
                                     uint64_t hi, uint32_t k, const double *values, int per_node) {
  const char *pname = pop->model->params[k].name;
  if (!sg_i_is_multimeter(pop->model) ||
      (strcmp(pname, "start") != 0 && strcmp(pname, "stop") != 0 && strcmp(pname, "origin") != 0))
    return SG_OK;
  for (size_t j = 0; j < sim->n_mm; ++j) {
    const sg_multimeter *mm = &sim->mm[j];
    /* cap_rows: a row was stored once (n_rows drops back to 0 after flushes) */
    if (mm->cap_rows == 0 || mm->gid < pop->first + lo || mm->gid >= pop->first + hi) continue;
    const uint64_t i = mm->gid - pop->first;
    const double was = sg_i_param(pop, k, i), now = values[per_node ? i - lo : 0];
    if (now != was)
      return sg_i_fail(sim, SG_ERR_STATE, "%s: multimeter %s (node %llu): %s = %g ms: cannot change from %g ms after the multimeter has recorded (its report files have one time axis, mapping/time): allowed %g ms; for another window create a new multimeter",
                       fn, pop->name, (unsigned long long)mm->gid, pname, now, was, was);
  }
  return SG_OK;
}

/* sg_set / sg_set_each for a range of one population: every check, then (commit = 1) the write;
 * commit = 0 stops after the checks, so that a collection of several runs is checked whole
 * before any run is written. */
static sg_status set_run(sg_sim *sim, const char *fn, sg_nodes nodes, const char *name,
                         const double *values, int per_node, int commit) {
  sg_pop *pop;
  sg_status st = sg_i_nodes_pop(sim, nodes, fn, &pop);
  if (st) return st;
  const sg_model_desc *m = pop->model;
  uint32_t k;
  int kind = find_entry(m, name, &k);
  if (kind == FOUND_NONE) return unknown_name(sim, fn, m, name);
  if ((st = frozen_check(sim, fn, pop, name))) return st;
  if (kind == FOUND_VEC)
    return sg_i_fail(sim, SG_ERR_ARG, "%s: %s.%s is a vector parameter: use sg_set_vec", fn, m->name, name);
  const uint64_t lo = nodes.first - pop->first, hi = lo + nodes.n;
  const uint64_t nv = per_node ? nodes.n : 1;
  char msg[256];
  const int chk = kind == FOUND_PARAM ? m->params[k].check : state_check(m, k);
  for (uint64_t j = 0; j < nv; ++j)
    if (check_value(sim, chk, values[j], msg, sizeof msg))
      return sg_i_fail(sim, SG_ERR_ARG, "%s: %s.%s%s%s (node %llu)", fn, m->name, name,
                       msg[0] == '=' ? " " : ": ", msg, (unsigned long long)(nodes.first + j));
  if (kind == FOUND_PARAM)   /* limits that depend on the resolution (a Poisson rate per step) */
    for (uint64_t j = 0; j < nv; ++j)
      if (sg_i_stim_param_check(sim, m, k, values[j], msg, sizeof msg))
        return sg_i_fail(sim, SG_ERR_ARG, "%s: %s.%s %s (node %llu)", fn, m->name, name, msg,
                         (unsigned long long)(nodes.first + j));

  if (kind == FOUND_STATE) {
    if (sim->state_on_device && (st = sim->backend->sync(sim))) return st;
    if (m->set_state) {
      /* validate every node first (set_state with msg only checks when i == UINT64_MAX) */
      for (uint64_t j = 0; j < nv; ++j)
        if (m->set_state(pop, k, UINT64_MAX, values[j], msg, sizeof msg))
          return sg_i_fail(sim, SG_ERR_ARG, "%s: %s.%s = %g (node %llu): %s", fn, m->name, name, values[j],
                           (unsigned long long)(nodes.first + j), msg);
      if (!commit) return SG_OK;
      for (uint64_t i = lo; i < hi; ++i) m->set_state(pop, k, i, values[per_node ? i - lo : 0], msg, sizeof msg);
    } else {
      if (pop->width[k] != 1)
        return sg_i_fail(sim, SG_ERR_ARG, "%s: %s.%s is a vector state: use sg_set_vec", fn, m->name, name);
      if (!commit) return SG_OK;
      for (uint64_t i = lo; i < hi; ++i) pop->state[k][i] = values[per_node ? i - lo : 0];
    }
    sim->dirty = 1;
    return SG_OK;
  }

  if ((st = window_frozen_check(sim, fn, pop, lo, hi, k, values, per_node))) return st;
  if ((st = cross_check(sim, fn, pop, lo, hi, kind, k, values, per_node, NULL))) return st;
  if (!commit) return SG_OK;
  /* commit; a model that adjusts state on a parameter change needs the state on the host */
  if (m->params_changed && sim->state_on_device && (st = sim->backend->sync(sim))) return st;
  double *old = NULL;
  if (m->params_changed) {
    old = malloc(sizeof(double) * MAX_P * 2);
    if (!old) return sg_i_fail(sim, SG_ERR_NOMEM, "%s: out of memory", fn);
  }
  sg_pval *pv = &pop->params[k];
  const int whole = lo == 0 && hi == pop->n;
  if (whole && !per_node) {
    if (old) {
      for (uint64_t i = 0; i < pop->n; ++i) {
        double np[MAX_P];
        for (uint32_t q = 0; q < m->n_params; ++q) old[q] = np[q] = sg_i_param(pop, q, i);
        np[k] = values[0];
        m->params_changed(pop, i, old, np);
      }
    }
    free(pv->each);
    pv->each = NULL;
    pv->uniform = values[0];
  } else {
    if (!pv->each) {
      double *e = malloc(pop->n * sizeof(double));
      if (!e) { free(old); return sg_i_fail(sim, SG_ERR_NOMEM, "%s: out of memory", fn); }
      for (uint64_t i = 0; i < pop->n; ++i) e[i] = pv->uniform;
      pv->each = e;
    }
    for (uint64_t i = lo; i < hi; ++i) {
      const double nvv = values[per_node ? i - lo : 0];
      if (old) {
        double np[MAX_P];
        for (uint32_t q = 0; q < m->n_params; ++q) old[q] = np[q] = sg_i_param(pop, q, i);
        np[k] = nvv;
        m->params_changed(pop, i, old, np);
      }
      pv->each[i] = nvv;
    }
  }
  free(old);
  sim->dirty = 1;
  return SG_OK;
}

/* A collection: run by run (consecutive ids of one population), all runs checked before the
 * first is written. A range within one population is one run (the path of every call before
 * node sets). Only a write that runs out of memory could fail after an earlier run was written. */
static sg_status set_values(sg_sim *sim, const char *fn, sg_nodes nodes, const char *name,
                            const double *values, int per_node) {
  if (!sim) return SG_ERR_ARG;
  if (!name) return sg_i_fail(sim, SG_ERR_ARG, "%s: name is NULL", fn);
  if (!values) return sg_i_fail(sim, SG_ERR_ARG, "%s: values is NULL", fn);
  sg_status st = sg_i_nodes_norm(sim, fn, "nodes", &nodes);
  if (st) return st;
  sg_nodes run;
  if (sg_i_nodes_run(sim, nodes, 0, &run) == nodes.n) return set_run(sim, fn, run, name, values, per_node, 1);
  for (int commit = 0; commit <= 1; ++commit)
    for (uint64_t i = 0, next; i < nodes.n; i = next) {
      next = sg_i_nodes_run(sim, nodes, i, &run);
      if ((st = set_run(sim, fn, run, name, per_node ? values + i : values, per_node, commit))) return st;
    }
  return SG_OK;
}

sg_status sg_set(sg_sim *sim, sg_nodes nodes, const char *name, double value) {
  return set_values(sim, "sg_set", nodes, name, &value, 0);
}

sg_status sg_set_each(sg_sim *sim, sg_nodes nodes, const char *name, const double *values) {
  return set_values(sim, "sg_set_each", nodes, name, values, 1);
}

/* ---- values drawn per node (docs/rng.md, SG_STREAM_PARAM) -------------------------------------
 * Node g's value of the randomised call number c (c = sim->n_param_draws, the count of earlier
 * successful calls with a distribution) is drawn by a cursor on sg_rng_block(seed,
 * SG_STREAM_PARAM, sg_rng_elem(c, g), step 0, draw 0, 1, ...): it depends on the seed, c and the
 * node id only, so every backend, thread count and (later) rank count gets the same bits. The
 * values are then set as sg_set_each sets them: all checked first, so a drawn value the
 * parameter does not allow fails the call (naming parameter, value, node and what is allowed)
 * and nothing changes, and c is not used up. */
sg_status sg_set_value(sg_sim *sim, sg_nodes nodes, const char *name, const sg_value *v) {
  static const char fn[] = "sg_set_value";
  if (!sim) return SG_ERR_ARG;
  if (!v) return sg_i_fail(sim, SG_ERR_ARG, "%s: v is NULL", fn);
  if (!name) return sg_i_fail(sim, SG_ERR_ARG, "%s: name is NULL", fn);
  sg_status st = sg_i_nodes_norm(sim, fn, "nodes", &nodes);
  if (st) return st;
  if (v->kind == SG_VALUE_SCALAR) return set_values(sim, fn, nodes, name, &v->value, 0);
  if (v->kind == SG_VALUE_ARRAY) {
    if (v->len != nodes.n || !v->array)
      return sg_i_fail(sim, SG_ERR_ARG, "%s: %s = array[%zu]%s for %llu nodes: allowed one value per node", fn, name,
                       v->len, v->array ? "" : " (NULL)", (unsigned long long)nodes.n);
    return set_values(sim, fn, nodes, name, v->array, 1);
  }
  if ((st = sg_i_dist_check(sim, fn, name, v))) return st;
  if (sim->n_param_draws > UINT32_MAX)
    return sg_i_fail(sim, SG_ERR_OVERFLOW, "%s: %llu randomised sg_set_value calls have succeeded: allowed at most 2^32 (each call's draws are told apart by a 32-bit index, docs/rng.md)",
                     fn, (unsigned long long)sim->n_param_draws);
  double *x = malloc((size_t)nodes.n * sizeof *x);
  if (!x) return sg_i_fail(sim, SG_ERR_NOMEM, "%s: out of memory (%llu values)", fn, (unsigned long long)nodes.n);
  const uint32_t call = (uint32_t)sim->n_param_draws;
  char vt[128];
  sg_i_value_text(v, vt, sizeof vt);
  for (uint64_t i = 0; i < nodes.n; ++i) {
    const uint64_t g = sg_nodes_at(nodes, i);
    sg_rng_cursor c;
    sg_rng_cursor_init(&c, sim->cfg.seed, SG_STREAM_PARAM, sg_rng_elem(call, (uint32_t)g), 0);
    if (sg_i_dist_draw(v, &c, SG_RNG_MAX_DRAWS, &x[i])) {
      free(x);
      return sg_i_fail(sim, SG_ERR_ARG, "%s: %s = %s ran out of its %u random blocks (redraws outside [lo, hi]) for node %llu: allowed bounds that keep more of the distribution",
                       fn, name, vt, SG_RNG_MAX_DRAWS, (unsigned long long)g);
    }
  }
  st = set_values(sim, fn, nodes, name, x, 1);
  free(x);
  if (st) {
    const size_t used = strlen(sim->msg);
    snprintf(sim->msg + used, sizeof sim->msg - used, " (drawn from %s)", vt);
    return st;
  }
  sim->n_param_draws++;
  return SG_OK;
}

/* ---- vector parameters: all allocations first, then a commit that cannot fail --------------- */
/* One vector parameter's change for nodes [lo, hi): made completely aside (copies of the new
 * values, and the per-node array when the parameter was uniform) before anything of pop
 * changes, so that sg_set_vec and sg_set_vecs (several vectors, all or none) leave the
 * population as it was when they fail, also for want of memory. */
typedef struct vec_change {
  uint32_t k;
  int whole;          /* the whole population: a new uniform value                          */
  sg_vec nv;          /* whole: the new value; after commit: nothing (prev holds the old)   */
  sg_vval prev;       /* whole, after commit: the old uniform and per-node values            */
  sg_vec *cp;         /* part: [hi - lo] copies; after commit: the old values of those nodes */
  sg_vec *made_each;  /* part of a uniform parameter: the per-node array made for it         */
} vec_change;

static double *copy_vals(const double *v, size_t len, int *fail) {
  if (!len) return NULL;
  double *c = malloc(len * sizeof *c);
  if (!c) { *fail = 1; return NULL; }
  memcpy(c, v, len * sizeof *c);
  return c;
}

/* 0, or 1 when out of memory (nothing made is left). */
static int vec_make(const sg_pop *pop, uint32_t k, uint64_t lo, uint64_t hi, const double *v, size_t len, vec_change *ch) {
  int fail = 0;
  memset(ch, 0, sizeof *ch);
  ch->k = k;
  ch->whole = lo == 0 && hi == pop->n;
  if (ch->whole) {
    ch->nv.v = copy_vals(v, len, &fail);
    ch->nv.len = len;
    return fail;
  }
  const sg_vval *vv = &pop->vecs[k];
  ch->cp = calloc(hi - lo, sizeof *ch->cp);
  if (!ch->cp) return 1;
  for (uint64_t i = 0; i < hi - lo && !fail; ++i) {
    ch->cp[i].v = copy_vals(v, len, &fail);
    ch->cp[i].len = len;
  }
  if (!fail && !vv->each) {
    ch->made_each = calloc(pop->n, sizeof *ch->made_each);
    fail = !ch->made_each;
    for (uint64_t i = 0; i < pop->n && !fail; ++i) {
      ch->made_each[i].v = copy_vals(vv->uniform.v, vv->uniform.len, &fail);
      ch->made_each[i].len = vv->uniform.len;
    }
  }
  return fail;
}

static void vec_commit(sg_pop *pop, uint64_t lo, uint64_t hi, vec_change *ch) {
  sg_vval *vv = &pop->vecs[ch->k];
  if (ch->whole) {
    ch->prev = *vv;
    vv->uniform = ch->nv;
    vv->each = NULL;
    ch->nv.v = NULL;
    return;
  }
  if (ch->made_each) { vv->each = ch->made_each; ch->made_each = NULL; }
  for (uint64_t i = lo; i < hi; ++i) {
    const sg_vec t = vv->each[i];
    vv->each[i] = ch->cp[i - lo];
    ch->cp[i - lo] = t;
  }
}

/* Undoes vec_commit (then vec_free frees the new values instead of the old ones). */
static void vec_undo(sg_pop *pop, uint64_t lo, uint64_t hi, vec_change *ch, int made_each) {
  sg_vval *vv = &pop->vecs[ch->k];
  if (ch->whole) {
    ch->nv = vv->uniform;
    *vv = ch->prev;
    memset(&ch->prev, 0, sizeof ch->prev);
    return;
  }
  for (uint64_t i = lo; i < hi; ++i) {
    const sg_vec t = vv->each[i];
    vv->each[i] = ch->cp[i - lo];
    ch->cp[i - lo] = t;
  }
  if (made_each) { ch->made_each = vv->each; vv->each = NULL; }
}

static void vec_free(const sg_pop *pop, uint64_t lo, uint64_t hi, vec_change *ch) {
  free(ch->nv.v);
  free(ch->prev.uniform.v);
  if (ch->prev.each) {
    for (uint64_t i = 0; i < pop->n; ++i) free(ch->prev.each[i].v);
    free(ch->prev.each);
  }
  if (ch->cp)
    for (uint64_t i = 0; i < hi - lo; ++i) free(ch->cp[i].v);
  free(ch->cp);
  if (ch->made_each) {
    for (uint64_t i = 0; i < pop->n; ++i) free(ch->made_each[i].v);
    free(ch->made_each);
  }
  memset(ch, 0, sizeof *ch);
}

/* Sets count vector parameters (ks, values, lens) of nodes [lo, hi) of pop, checked already: all
 * of them or, on failure, none. names[0] names the parameter in messages when count is 1. */
static sg_status set_vecs_commit(sg_sim *sim, const char *fn, sg_pop *pop, uint64_t lo, uint64_t hi, size_t count,
                                 const uint32_t *ks, const double *const *values, const size_t *lens, const char *name) {
  const sg_model_desc *m = pop->model;
  vec_change ch[MAX_V];
  int made_each[MAX_V] = {0};
  sg_status st = SG_OK;
  memset(ch, 0, sizeof ch);
  for (size_t q = 0; q < count && st == SG_OK; ++q)
    if (vec_make(pop, ks[q], lo, hi, values[q], lens[q], &ch[q])) st = sg_i_fail(sim, SG_ERR_NOMEM, "%s: out of memory", fn);
  if (st) {
    for (size_t q = 0; q < count; ++q) vec_free(pop, lo, hi, &ch[q]);
    return st;
  }
  /* ports and state widths may depend on vector lengths (receptors of glif_cond) */
  const uint32_t ports_before = m->n_ports(pop);
  uint32_t wb[SG_MAX_STATE_ROWS];
  memcpy(wb, pop->width, sizeof wb);
  for (size_t q = 0; q < count; ++q) {
    made_each[q] = ch[q].made_each != NULL;
    vec_commit(pop, lo, hi, &ch[q]);
  }
  const int whole = lo == 0 && hi == pop->n;
  if (whole) {
    const uint32_t ports_after = m->n_ports(pop);
    if (pop->has_connections && ports_after != ports_before)
      st = sg_i_fail(sim, SG_ERR_STATE, "%s: %s.%s: the neuron has connections, the number of receptor ports (%u) cannot change to %u",
                     fn, m->name, name, ports_before, ports_after);
    else
      st = sg_i_pop_alloc_state(sim, pop);
  }
  if (st) {
    for (size_t q = count; q-- > 0;) vec_undo(pop, lo, hi, &ch[q], made_each[q]);
  } else if (whole && memcmp(wb, pop->width, sizeof wb) && m->init_state) {
    for (uint64_t i = 0; i < pop->n; ++i) m->init_state(pop, i);
  }
  for (size_t q = 0; q < count; ++q) vec_free(pop, lo, hi, &ch[q]);
  if (st == SG_OK) sim->dirty = 1;
  return st;
}

static sg_status set_vec_one(sg_sim *sim, const char *fn, sg_nodes nodes, const char *name,
                             const double *v, size_t len) {
  if (!sim) return SG_ERR_ARG;
  if (!name) return sg_i_fail(sim, SG_ERR_ARG, "%s: name is NULL", fn);
  if (len && !v) return sg_i_fail(sim, SG_ERR_ARG, "%s: v is NULL with len = %zu", fn, len);
  if (len > ((size_t)1 << 28)) return sg_i_fail(sim, SG_ERR_ARG, "%s: len = %zu: allowed at most 2^28", fn, len);
  sg_pop *pop;
  sg_status st = sg_i_nodes_pop(sim, nodes, fn, &pop);
  if (st) return st;
  const sg_model_desc *m = pop->model;
  uint32_t k;
  int kind = find_entry(m, name, &k);
  if (kind == FOUND_NONE) return unknown_name(sim, fn, m, name);
  if (kind == FOUND_STATE && m->set_state_vec) {
    if (sim->state_on_device && (st = sim->backend->sync(sim))) return st;
    char msg[256];
    const uint64_t lo = nodes.first - pop->first;
    /* set_state_vec checks and writes one node at a time: keep the old values of the range so
     * that a node failing late leaves the earlier ones as they were */
    const uint32_t w = pop->width[k];
    const size_t n_old = (size_t)w * nodes.n;
    double *old = malloc((n_old ? n_old : 1) * sizeof *old);
    if (!old) return sg_i_fail(sim, SG_ERR_NOMEM, "%s: out of memory", fn);
    for (uint32_t c = 0; c < w; ++c)
      memcpy(old + (size_t)c * nodes.n, pop->state[k] + (uint64_t)c * pop->n + lo, nodes.n * sizeof *old);
    for (uint64_t i = lo; i < lo + nodes.n; ++i)
      if (m->set_state_vec(pop, k, i, v, len, msg, sizeof msg)) {
        for (uint32_t c = 0; c < w; ++c)
          memcpy(pop->state[k] + (uint64_t)c * pop->n + lo, old + (size_t)c * nodes.n, nodes.n * sizeof *old);
        free(old);
        return sg_i_fail(sim, SG_ERR_ARG, "%s: %s.%s (node %llu): %s", fn, m->name, name, (unsigned long long)(pop->first + i), msg);
      }
    free(old);
    sim->dirty = 1;
    return SG_OK;
  }
  if (kind != FOUND_VEC)
    return sg_i_fail(sim, SG_ERR_ARG, "%s: %s.%s is not a vector parameter: use sg_set", fn, m->name, name);
  char msg[256];
  for (size_t j = 0; j < len; ++j)
    if (check_value(sim, m->vecs[k].check, v[j], msg, sizeof msg))
      return sg_i_fail(sim, SG_ERR_ARG, "%s: %s.%s[%zu] %s", fn, m->name, name, j, msg);
  const uint64_t lo = nodes.first - pop->first, hi = lo + nodes.n;
  sg_vec nv = {(double *)v, len};
  if ((st = cross_check(sim, fn, pop, lo, hi, FOUND_VEC, k, NULL, 0, &nv))) return st;
  if (lo != 0 || hi != pop->n) {
    /* a part of a population may not change a length that sizes state rows */
    const sg_vec *saved = &pop->vecs[k].uniform;
    if (m->state_width && (len != saved->len || pop->vecs[k].each)) {
      int differs = 0;
      for (uint64_t i = 0; i < pop->n && !differs; ++i) differs = sg_i_vec(pop, k, i)->len != len;
      if (differs)
        return sg_i_fail(sim, SG_ERR_ARG, "%s: %s.%s: a length change must apply to the whole population (%llu..%llu)",
                         fn, m->name, name, (unsigned long long)pop->first, (unsigned long long)(pop->first + pop->n - 1));
    }
  }
  return set_vecs_commit(sim, fn, pop, lo, hi, 1, &k, &v, &len, name);
}

sg_status sg_set_vec(sg_sim *sim, sg_nodes nodes, const char *name, const double *v, size_t len) {
  return set_vec_one(sim, "sg_set_vec", nodes, name, v, len);
}

sg_status sg_set_vecs(sg_sim *sim, sg_nodes nodes, size_t count, const char *const *names,
                      const double *const *values, const size_t *lens) {
  static const char fn[] = "sg_set_vecs";
  if (!sim) return SG_ERR_ARG;
  if (count == 0) return SG_OK;
  if (!names || !values || !lens) return sg_i_fail(sim, SG_ERR_ARG, "%s: names, values or lens is NULL", fn);
  if (count > MAX_V) return sg_i_fail(sim, SG_ERR_ARG, "%s: count = %zu: allowed at most %d", fn, count, MAX_V);
  sg_pop *pop;
  sg_status st = sg_i_nodes_pop(sim, nodes, fn, &pop);
  if (st) return st;
  const sg_model_desc *m = pop->model;
  uint32_t ks[MAX_V];
  sg_vec vs[MAX_V];
  char msg[256];
  for (size_t q = 0; q < count; ++q) {
    if (!names[q]) return sg_i_fail(sim, SG_ERR_ARG, "%s: names[%zu] is NULL", fn, q);
    if (lens[q] && !values[q]) return sg_i_fail(sim, SG_ERR_ARG, "%s: values[%zu] is NULL with len %zu", fn, q, lens[q]);
    if (lens[q] > ((size_t)1 << 28)) return sg_i_fail(sim, SG_ERR_ARG, "%s: lens[%zu] = %zu: allowed at most 2^28", fn, q, lens[q]);
    int kind = find_entry(m, names[q], &ks[q]);
    if (kind == FOUND_NONE) return unknown_name(sim, fn, m, names[q]);
    if (kind != FOUND_VEC) return sg_i_fail(sim, SG_ERR_ARG, "%s: %s.%s is not a vector parameter", fn, m->name, names[q]);
    for (size_t r = 0; r < q; ++r)
      if (ks[r] == ks[q]) return sg_i_fail(sim, SG_ERR_ARG, "%s: %s is given twice", fn, names[q]);
    for (size_t j = 0; j < lens[q]; ++j)
      if (check_value(sim, m->vecs[ks[q]].check, values[q][j], msg, sizeof msg))
        return sg_i_fail(sim, SG_ERR_ARG, "%s: %s.%s[%zu] %s", fn, m->name, names[q], j, msg);
    vs[q].v = (double *)values[q];
    vs[q].len = lens[q];
  }
  const uint64_t lo = nodes.first - pop->first, hi = lo + nodes.n;
  if ((st = cross_check_n(sim, fn, pop, lo, hi, FOUND_VEC, 0, NULL, 0, ks, vs, count))) return st;
  /* "all or none": the vectors are committed one by one below, so refuse here what the commit of
   * a later one would refuse after an earlier one went in */
  const int whole = lo == 0 && hi == pop->n;
  if (whole && pop->has_connections) {
    sg_vval saved[MAX_V];
    const uint32_t ports_before = m->n_ports(pop);
    for (size_t q = 0; q < count; ++q) {
      saved[q] = pop->vecs[ks[q]];
      pop->vecs[ks[q]].uniform = vs[q];
      pop->vecs[ks[q]].each = NULL;
    }
    const uint32_t ports_after = m->n_ports(pop);
    for (size_t q = count; q-- > 0;) pop->vecs[ks[q]] = saved[q];
    if (ports_after != ports_before)
      return sg_i_fail(sim, SG_ERR_STATE, "%s: %s: the neuron has connections, the number of receptor ports (%u) cannot change to %u",
                       fn, m->name, ports_before, ports_after);
  }
  if (!whole && m->state_width)
    for (size_t q = 0; q < count; ++q) {
      int differs = 0;
      for (uint64_t i = 0; i < pop->n && !differs; ++i) differs = sg_i_vec(pop, ks[q], i)->len != lens[q];
      if (differs)
        return sg_i_fail(sim, SG_ERR_ARG, "%s: %s.%s: a length change must apply to the whole population (%llu..%llu)",
                         fn, m->name, names[q], (unsigned long long)pop->first, (unsigned long long)(pop->first + pop->n - 1));
    }
  return set_vecs_commit(sim, fn, pop, lo, hi, count, ks, values, lens, names[0]);
}

sg_status sg_set_strs(sg_sim *sim, sg_nodes nodes, const char *name, const char *const *v, size_t len) {
  static const char fn[] = "sg_set_strs";
  if (!sim) return SG_ERR_ARG;
  if (!name) return sg_i_fail(sim, SG_ERR_ARG, "%s: name is NULL", fn);
  if (len && !v) return sg_i_fail(sim, SG_ERR_ARG, "%s: v is NULL with len = %zu", fn, len);
  sg_pop *pop;
  sg_status st = sg_i_nodes_pop(sim, nodes, fn, &pop);
  if (st) return st;
  if (!sg_i_is_multimeter(pop->model) || strcmp(name, "record_from") != 0)
    return sg_i_fail(sim, SG_ERR_UNKNOWN, "%s: %s has no string-list parameter '%s': allowed multimeter.record_from", fn, pop->model->name, name);
  if ((st = frozen_check(sim, fn, pop, name))) return st;
  if (nodes.n != pop->n)
    return sg_i_fail(sim, SG_ERR_ARG, "%s: record_from applies to the whole multimeter population %s (%llu nodes), got %llu",
                     fn, pop->name, (unsigned long long)pop->n, (unsigned long long)nodes.n);
  for (size_t j = 0; j < len; ++j) {
    if (!v[j] || !v[j][0] || strlen(v[j]) >= SG_NAME_LEN)
      return sg_i_fail(sim, SG_ERR_ARG, "%s: record_from[%zu] = '%s': allowed a recordable name of 1..%d characters", fn, j, v[j] ? v[j] : "(null)", SG_NAME_LEN - 1);
    for (size_t q = 0; q < j; ++q)
      if (strcmp(v[q], v[j]) == 0)
        return sg_i_fail(sim, SG_ERR_ARG, "%s: record_from[%zu] = '%s' repeats record_from[%zu]", fn, j, v[j], q);
  }
  if ((st = sg_i_check_files(sim, fn, pop, pop->name, pop->model, pop->n, v, len))) return st;
  char (*names)[SG_NAME_LEN] = NULL;
  if (len) {
    names = calloc(len, sizeof *names);
    if (!names) return sg_i_fail(sim, SG_ERR_NOMEM, "%s: out of memory", fn);
    for (size_t j = 0; j < len; ++j) snprintf(names[j], SG_NAME_LEN, "%s", v[j]);
  }
  free(pop->record_from);
  pop->record_from = names;
  pop->n_record_from = len;
  sim->dirty = 1;
  return SG_OK;
}

sg_status sg_get(sg_sim *sim, uint64_t node_id, const char *name, double *out) {
  static const char fn[] = "sg_get";
  if (!sim) return SG_ERR_ARG;
  if (!name) return sg_i_fail(sim, SG_ERR_ARG, "%s: name is NULL", fn);
  if (!out) return sg_i_fail(sim, SG_ERR_ARG, "%s: out is NULL", fn);
  sg_pop *pop = sg_i_pop_of(sim, node_id);
  if (!pop) return sg_i_fail(sim, SG_ERR_ARG, "%s: node id %llu out of range: allowed 1..%llu", fn, (unsigned long long)node_id, (unsigned long long)sim->n_nodes);
  const sg_model_desc *m = pop->model;
  const uint64_t i = node_id - pop->first;
  uint32_t k;
  int kind = find_entry(m, name, &k);
  if (kind == FOUND_NONE) return unknown_name(sim, fn, m, name);
  if (kind == FOUND_PARAM) { *out = sg_i_param(pop, k, i); return SG_OK; }
  if (kind == FOUND_VEC) return sg_i_fail(sim, SG_ERR_ARG, "%s: %s.%s is a vector: use sg_get_vec", fn, m->name, name);
  sg_status st;
  if (sim->state_on_device && (st = sim->backend->sync(sim))) return st;
  /* before get_state: a vector row has no one value (glif_cond's g, dg, ASCurrents) */
  if (pop->width[k] != 1)
    return sg_i_fail(sim, SG_ERR_ARG, "%s: %s.%s is a vector state of %u values: use sg_get_vec", fn, m->name, name, pop->width[k]);
  if (m->get_state) { *out = m->get_state(pop, k, i); return SG_OK; }
  *out = pop->state[k][i];
  return SG_OK;
}

sg_status sg_get_vec(sg_sim *sim, uint64_t node_id, const char *name, double *out, size_t cap, size_t *len) {
  static const char fn[] = "sg_get_vec";
  if (!sim) return SG_ERR_ARG;
  if (!name) return sg_i_fail(sim, SG_ERR_ARG, "%s: name is NULL", fn);
  if (!len) return sg_i_fail(sim, SG_ERR_ARG, "%s: len is NULL", fn);
  if (cap && !out) return sg_i_fail(sim, SG_ERR_ARG, "%s: out is NULL with cap = %zu", fn, cap);
  sg_pop *pop = sg_i_pop_of(sim, node_id);
  if (!pop) return sg_i_fail(sim, SG_ERR_ARG, "%s: node id %llu out of range: allowed 1..%llu", fn, (unsigned long long)node_id, (unsigned long long)sim->n_nodes);
  const sg_model_desc *m = pop->model;
  const uint64_t i = node_id - pop->first;
  uint32_t k;
  int kind = find_entry(m, name, &k);
  if (kind == FOUND_NONE) return unknown_name(sim, fn, m, name);
  if (kind == FOUND_VEC) {
    const sg_vec *v = sg_i_vec(pop, k, i);
    *len = v->len;
    for (size_t j = 0; j < v->len && j < cap; ++j) out[j] = v->v[j];
    return SG_OK;
  }
  if (kind == FOUND_PARAM) return sg_i_fail(sim, SG_ERR_ARG, "%s: %s.%s is a scalar: use sg_get", fn, m->name, name);
  sg_status st;
  if (sim->state_on_device && (st = sim->backend->sync(sim))) return st;
  const uint32_t w = pop->width[k];
  *len = w;
  for (uint32_t c = 0; c < w && c < cap; ++c) out[c] = pop->state[k][(uint64_t)c * pop->n + i];
  return SG_OK;
}

/* ---- model tables as public info ----------------------------------------------------------- */
size_t sg_model_count(void) { return sg_i_n_models; }
const char *sg_model_name(size_t i) { return i < sg_i_n_models ? sg_i_models[i]->name : NULL; }
const char *sg_model_kind(const char *model) {
  const sg_model_desc *m = sg_i_model_find(model);
  if (!m) return NULL;
  return m->kind == SG_KIND_NEURON ? "neuron" : m->kind == SG_KIND_GENERATOR ? "generator" : "recorder";
}

/* Recordables as a comma-separated list into buf (a too small nonzero cap is refused: a list cut
 * inside a name would look valid). Returns the status; msg gets the reason. */
static sg_status recordables_out(const sg_pop *pop, char *buf, size_t cap, size_t *len, char *msg, size_t msglen) {
  const size_t need = sg_i_recordable_names(pop, ",", NULL, 0);
  if (len) *len = need;
  if (cap == 0) return SG_OK;
  if (!buf) { snprintf(msg, msglen, "buf is NULL with cap = %zu: allowed a buffer, or cap = 0 to ask for the length", cap); return SG_ERR_ARG; }
  if (cap <= need) {
    buf[0] = 0;
    snprintf(msg, msglen, "cap = %zu bytes: allowed at least %zu (the list and its NUL), or 0 to ask for the length", cap, need + 1);
    return SG_ERR_ARG;
  }
  sg_i_recordable_names(pop, ",", buf, cap);
  return SG_OK;
}

sg_status sg_model_recordables(const char *model, char *buf, size_t cap, size_t *len) {
  const sg_model_desc *m = sg_i_model_find(model);
  if (!m) return SG_ERR_UNKNOWN;
  sg_pop *pop = sg_i_pop_new(m, 1);   /* one node with the defaults: the recordables may depend on them */
  if (!pop) return SG_ERR_NOMEM;
  char msg[160];
  const sg_status st = recordables_out(pop, buf, cap, len, msg, sizeof msg);
  sg_i_pop_free(pop);
  return st;
}

sg_status sg_node_recordables(sg_sim *sim, uint64_t node_id, char *buf, size_t cap, size_t *len) {
  static const char fn[] = "sg_node_recordables";
  if (!sim) return SG_ERR_ARG;
  const sg_pop *pop = sg_i_pop_of(sim, node_id);
  if (!pop) return sg_i_fail(sim, SG_ERR_ARG, "%s: node id %llu out of range: allowed 1..%llu", fn, (unsigned long long)node_id, (unsigned long long)sim->n_nodes);
  char msg[160];
  const sg_status st = recordables_out(pop, buf, cap, len, msg, sizeof msg);
  return st ? sg_i_fail(sim, st, "%s: %s", fn, msg) : SG_OK;
}

static sg_entry_info *info_tables[SG_N_MODELS];
static size_t info_counts[SG_N_MODELS];

sg_status sg_model_info(const char *model, const sg_entry_info **entries, size_t *n) {
  const sg_model_desc *m = sg_i_model_find(model);
  if (!m || !entries || !n) return m ? SG_ERR_ARG : SG_ERR_UNKNOWN;
  if (!info_tables[m->id]) {
    size_t cnt = m->n_params + m->n_vecs + m->n_state;
    sg_entry_info *t = calloc(cnt ? cnt : 1, sizeof *t);
    if (!t) return SG_ERR_NOMEM;
    size_t j = 0;
    for (uint32_t i = 0; i < m->n_params; ++i, ++j)
      t[j] = (sg_entry_info){m->params[i].name, m->params[i].unit, sg_check_text(m->params[i].check), m->params[i].doc, m->params[i].def, SG_ENTRY_PARAM, NULL, 0};
    for (uint32_t i = 0; i < m->n_vecs; ++i, ++j) {
      t[j] = (sg_entry_info){m->vecs[i].name, m->vecs[i].unit, sg_check_text(m->vecs[i].check), m->vecs[i].doc, NAN, SG_ENTRY_VECTOR, NULL, 0};
      sg_vec dv = {NULL, 0};
      if (m->vec_default && m->vec_default(i, &dv) == 0) { t[j].def_vec = dv.v; t[j].def_len = dv.len; }
    }
    for (uint32_t i = 0; i < m->n_state; ++i, ++j)
      t[j] = (sg_entry_info){m->state[i].name, m->state[i].unit, sg_check_text(state_check(m, i)), m->state[i].doc, m->state[i].init, SG_ENTRY_STATE, NULL, 0};
    info_counts[m->id] = cnt;
    info_tables[m->id] = t;   /* lives for the process: a static table built once */
  }
  *entries = info_tables[m->id];
  *n = info_counts[m->id];
  return SG_OK;
}
