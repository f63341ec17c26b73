/* host/pop.c - population storage: lookup of a node's population, node ranges of one population,
 * state rows and freeing; the ring inputs' lookups (which node an input is, its input on this rank). Ground: uses only status.c (sg_create, which needs the model list and
 * the names, is create.c). */
/* SPDX-License-Identifier: MIT */
#include <stdlib.h>

#include "internal.h"
#include "ranks.h"

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

/* MPI ranks (docs/mpi.md §3): whether node gid is in this rank's block of its population (every
 * node is with one rank). */
int sg_i_rank_owns(const sg_sim *sim, uint64_t gid) {
  const sg_pop *pop = sg_i_pop_of(sim, gid);
  if (!pop || sg_mpi_size() == 1) return 1;
  uint64_t lo, hi;
  sg_mpi_share_of(pop->n, sg_mpi_rank(), sg_mpi_size(), &lo, &hi);
  return gid - pop->first >= lo && gid - pop->first < hi;
}

/* ---- node collections (sg_nodes): a range, or a strictly ascending id list ---------------- */
sg_nodes sg_nodes_list(const uint64_t *ids, uint64_t n) {
  sg_nodes s = {ids && n ? ids[0] : 0, n, ids};
  return s;
}

uint64_t sg_nodes_at(sg_nodes nodes, uint64_t i) {
  if (i >= nodes.n) return 0;
  return nodes.ids ? nodes.ids[i] : nodes.first + i;
}

uint64_t sg_nodes_find(sg_nodes nodes, uint64_t id) {
  if (!nodes.ids) return nodes.n && id >= nodes.first && id - nodes.first < nodes.n ? id - nodes.first : UINT64_MAX;
  uint64_t lo = 0, hi = nodes.n;   /* first position whose id is >= id */
  while (lo < hi) {
    const uint64_t mid = lo + (hi - lo) / 2;
    if (nodes.ids[mid] < id) lo = mid + 1; else hi = mid;
  }
  return lo < nodes.n && nodes.ids[lo] == id ? lo : UINT64_MAX;
}

sg_status sg_i_nodes_norm(sg_sim *sim, const char *fn, const char *what, sg_nodes *x) {
  if (x->n == 0)
    return sg_i_fail(sim, SG_ERR_ARG, "%s: %s = {first %llu, n 0} is empty: allowed n >= 1", fn, what,
                     (unsigned long long)x->first);
  if (!x->ids) {
    if (x->first == 0 || x->first > sim->n_nodes || x->n > sim->n_nodes - x->first + 1)
      return sg_i_fail(sim, SG_ERR_ARG, "%s: %s = ids %llu..%llu out of range: allowed 1..%llu", fn, what,
                       (unsigned long long)x->first, (unsigned long long)(x->first + x->n - 1),
                       (unsigned long long)sim->n_nodes);
    return SG_OK;
  }
  const uint64_t *ids = x->ids;
  for (uint64_t i = 0; i < x->n; ++i) {
    if (ids[i] == 0 || ids[i] > sim->n_nodes)
      return sg_i_fail(sim, SG_ERR_ARG, "%s: %s: id %llu (position %llu of %llu) out of range: allowed 1..%llu", fn, what,
                       (unsigned long long)ids[i], (unsigned long long)i, (unsigned long long)x->n,
                       (unsigned long long)sim->n_nodes);
    if (i > 0 && ids[i] <= ids[i - 1])
      return sg_i_fail(sim, SG_ERR_ARG, "%s: %s: id %llu at position %llu %s id %llu before it: allowed strictly ascending ids (sorted, no duplicates, as NEST's NodeCollection)",
                       fn, what, (unsigned long long)ids[i], (unsigned long long)i,
                       ids[i] == ids[i - 1] ? "repeats" : "is below", (unsigned long long)ids[i - 1]);
  }
  x->first = ids[0];
  if (ids[x->n - 1] - ids[0] == x->n - 1) x->ids = NULL;   /* ascending and dense: a range */
  return SG_OK;
}

sg_status sg_nodes_check(sg_sim *sim, sg_nodes nodes) {
  if (!sim) return SG_ERR_ARG;
  return sg_i_nodes_norm(sim, "sg_nodes_check", "nodes", &nodes);
}

uint64_t sg_i_nodes_run(const sg_sim *sim, sg_nodes x, uint64_t i, sg_nodes *run) {
  const uint64_t g = sg_nodes_at(x, i);
  const sg_pop *pop = sg_i_pop_of(sim, g);
  const uint64_t pop_end = pop->first + pop->n;
  uint64_t j = i + 1;
  if (x.ids) {
    while (j < x.n && x.ids[j] == x.ids[j - 1] + 1 && x.ids[j] < pop_end) ++j;
  } else {
    j = pop_end - x.first < x.n ? pop_end - x.first : x.n;
  }
  run->first = g;
  run->n = j - i;
  run->ids = NULL;
  return j;
}

sg_status sg_i_nodes_pop(sg_sim *sim, sg_nodes nodes, const char *what, sg_pop **out) {
  sg_status st = sg_i_nodes_norm(sim, what, "nodes", &nodes);
  if (st) return st;
  if (nodes.ids)
    return sg_i_fail(sim, SG_ERR_ARG, "%s: nodes are a non-contiguous id list (%llu ids from %llu to %llu): allowed a contiguous id range here; call it once per range",
                     what, (unsigned long long)nodes.n, (unsigned long long)nodes.ids[0],
                     (unsigned long long)nodes.ids[nodes.n - 1]);
  sg_pop *pop = sg_i_pop_of(sim, nodes.first);
  if (nodes.first + nodes.n > pop->first + pop->n)
    return sg_i_fail(sim, SG_ERR_ARG, "%s: node ids %llu..%llu span several populations: allowed ids of one population (%s: %llu..%llu)",
                     what, (unsigned long long)nodes.first, (unsigned long long)(nodes.first + nodes.n - 1),
                     pop->name, (unsigned long long)pop->first, (unsigned long long)(pop->first + pop->n - 1));
  *out = pop;
  return SG_OK;
}

sg_nodes sg_slice(sg_nodes nodes, uint64_t start, uint64_t n) {
  sg_nodes s = {0, 0, NULL};
  if (start >= nodes.n || n > nodes.n - start) return s;
  if (nodes.ids) return sg_nodes_list(nodes.ids + start, n);
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

/* ---- ring inputs (numbered by host/prepare.c, sg_i_assign_inputs) ---------------------------- */
uint32_t sg_i_local_input(const sg_sim *sim, uint64_t ginput) {
  for (size_t p = 0; p < sim->n_pops; ++p) {
    const sg_pop *pop = sim->pops[p];
    if (pop->model->kind != SG_KIND_NEURON || !pop->inputs_assigned || !pop->n) continue;
    if (ginput < pop->input_gbase || ginput >= pop->input_gbase + (uint64_t)pop->n_ports * pop->n) continue;
    const uint64_t rel = ginput - pop->input_gbase, i = rel % pop->n;
    if (i < pop->own_lo || i >= pop->own_hi) return SG_NO_INPUT;
    return (uint32_t)sg_i_ring_input(pop, (uint32_t)(rel / pop->n), i);
  }
  return SG_NO_INPUT;
}

uint64_t sg_i_node_of_input(const sg_sim *sim, uint64_t input, int global) {
  for (size_t p = 0; p < sim->n_pops; ++p) {
    const sg_pop *pop = sim->pops[p];
    if (pop->model->kind != SG_KIND_NEURON || !pop->inputs_assigned || !pop->n) continue;
    const uint64_t base = global ? pop->input_gbase : pop->input_base, w = global ? pop->n : pop->n - pop->in_gap;
    if (w == 0 || input < base || input >= base + (uint64_t)pop->n_ports * w) continue;
    return pop->first + (input - base) % w + (global ? 0 : pop->in_lo);
  }
  return 0;
}
