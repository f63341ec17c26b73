/* host/pop.c - population storage: lookup of a node's population, node ranges of one population,
 * state rows and freeing. Ground: uses only status.c (sg_create, which needs the model list and
 * the names, is create.c). */
/* SPDX-License-Identifier: MIT */
#include <stdlib.h>

#include "internal.h"

sg_pop *sg_i_pop_new(const sg_model_desc *m, uint64_t n) {
  sg_pop *pop = calloc(1, sizeof *pop);
  if (!pop) return NULL;
  pop->model = m;
  pop->n = n;
  pop->params = calloc(m->n_params ? m->n_params : 1, sizeof *pop->params);
  pop->vecs = calloc(m->n_vecs ? m->n_vecs : 1, sizeof *pop->vecs);
  if (!pop->params || !pop->vecs) { sg_i_pop_free(pop); return NULL; }
  for (uint32_t p = 0; p < m->n_params; ++p) pop->params[p].uniform = m->params[p].def;
  if (m->vec_default)
    for (uint32_t v = 0; v < m->n_vecs; ++v)
      if (m->vec_default(v, &pop->vecs[v].uniform)) { sg_i_pop_free(pop); return NULL; }
  return pop;
}

void sg_i_pop_free(sg_pop *pop) {
  if (!pop) return;
  const sg_model_desc *m = pop->model;
  /* params or vecs is NULL when sg_create ran out of memory making them */
  for (uint32_t p = 0; pop->params && p < m->n_params; ++p) free(pop->params[p].each);
  for (uint32_t v = 0; pop->vecs && v < m->n_vecs; ++v) {
    free(pop->vecs[v].uniform.v);
    if (pop->vecs[v].each) {
      for (uint64_t i = 0; i < pop->n; ++i) free(pop->vecs[v].each[i].v);
      free(pop->vecs[v].each);
    }
  }
  free(pop->params);
  free(pop->vecs);
  for (int r = 0; r < SG_MAX_STATE_ROWS; ++r) free(pop->state[r]);
  free(pop->coef);
  free(pop->record_from);
  free(pop);
}

sg_pop *sg_i_pop_of(const sg_sim *sim, uint64_t gid) {
  if (!sim || gid == 0 || gid > sim->n_nodes) return NULL;
  size_t lo = 0, hi = sim->n_pops;         /* pops are sorted by first id */
  while (hi - lo > 1) {
    size_t mid = (lo + hi) / 2;
    if (sim->pops[mid]->first <= gid) lo = mid; else hi = mid;
  }
  return sim->pops[lo];
}

sg_status sg_i_nodes_pop(sg_sim *sim, sg_nodes nodes, const char *what, sg_pop **out) {
  if (nodes.n == 0)
    return sg_i_fail(sim, SG_ERR_ARG, "%s: nodes {first %llu, n 0} is empty: allowed n >= 1", what, (unsigned long long)nodes.first);
  if (nodes.first == 0 || nodes.first > sim->n_nodes || nodes.n > sim->n_nodes - nodes.first + 1)
    return sg_i_fail(sim, SG_ERR_ARG, "%s: node ids %llu..%llu out of range: allowed 1..%llu",
                     what, (unsigned long long)nodes.first,
                     (unsigned long long)(nodes.first + nodes.n - 1), (unsigned long long)sim->n_nodes);
  sg_pop *pop = sg_i_pop_of(sim, nodes.first);
  if (nodes.first + nodes.n > pop->first + pop->n)
    return sg_i_fail(sim, SG_ERR_ARG, "%s: node ids %llu..%llu span several populations: allowed ids of one population (%s: %llu..%llu)",
                     what, (unsigned long long)nodes.first, (unsigned long long)(nodes.first + nodes.n - 1),
                     pop->name, (unsigned long long)pop->first, (unsigned long long)(pop->first + pop->n - 1));
  *out = pop;
  return SG_OK;
}

sg_nodes sg_slice(sg_nodes nodes, uint64_t start, uint64_t n) {
  sg_nodes s = {0, 0};
  if (start >= nodes.n || n > nodes.n - start) return s;
  s.first = nodes.first + start;
  s.n = n;
  return s;
}

static uint32_t row_width(const sg_pop *pop, uint32_t r) {
  return pop->model->state_width ? pop->model->state_width(pop, r) : 1u;
}

sg_status sg_i_pop_alloc_state(sg_sim *sim, sg_pop *pop) {
  const sg_model_desc *m = pop->model;
  double *fresh[SG_MAX_STATE_ROWS] = {0};
  uint32_t w[SG_MAX_STATE_ROWS] = {0};
  for (uint32_t r = 0; r < m->n_state; ++r) {
    w[r] = row_width(pop, r);
    if (w[r] == pop->width[r] && pop->state[r]) continue;
    fresh[r] = calloc((size_t)(w[r] ? w[r] : 1) * pop->n, sizeof(double));
    if (!fresh[r]) {
      for (uint32_t q = 0; q < r; ++q) free(fresh[q]);
      return sg_i_fail(sim, SG_ERR_NOMEM, "%s: cannot allocate state for %llu nodes", pop->name, (unsigned long long)pop->n);
    }
    for (uint32_t c = 0; c < w[r]; ++c)
      for (uint64_t i = 0; i < pop->n; ++i) fresh[r][c * pop->n + i] = m->state[r].init;
  }
  for (uint32_t r = 0; r < m->n_state; ++r)
    if (fresh[r]) {
      free(pop->state[r]);
      pop->state[r] = fresh[r];
      pop->width[r] = w[r];
    }
  return SG_OK;
}

/* ---- a population as model headers see it (sg/model_host.h) ------------------------------------ */
uint64_t sg_pop_size(const sg_pop *pop) { return pop->n; }
uint64_t sg_pop_first(const sg_pop *pop) { return pop->first; }
double sg_pop_param(const sg_pop *pop, uint32_t p, uint64_t i) { return sg_i_param(pop, p, i); }
const sg_vec *sg_pop_vec(const sg_pop *pop, uint32_t v, uint64_t i) { return sg_i_vec(pop, v, i); }
double *sg_pop_state(const sg_pop *pop, uint32_t row) { return row < SG_MAX_STATE_ROWS ? pop->state[row] : NULL; }
uint32_t sg_pop_state_width(const sg_pop *pop, uint32_t row) { return row < SG_MAX_STATE_ROWS ? pop->width[row] : 0; }
