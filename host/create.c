/* host/create.c - sg_create: model lookup, population names and the output files they give,
 * memory check, a new population; sg_node_model. The first step of the flow
 * create/set -> connect -> CSR -> prepare -> step -> record -> HDF5. */
/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "sg/ring.h"

/* ---- names and the output files they give ------------------------------------------------- */
/* The files of one recorder population and variable (host/record.c names them): node i writes
 * <name>[_<i> when n > 1][_<var> for a multimeter].h5 in the output folder. */
typedef struct file_family {
  const char *name;
  uint64_t n;
  const char *var;   /* NULL: spike_recorder */
} file_family;

static void family_file(const file_family *f, uint64_t i, char *buf, size_t len) {
  char idx[24] = "";
  if (f->n > 1) snprintf(idx, sizeof idx, "_%llu", (unsigned long long)i);
  snprintf(buf, len, "%s%s%s%s.h5", f->name, idx, f->var ? "_" : "", f->var ? f->var : "");
}

/* Is s one of f's files? The index is a maximal digit run without leading zeros (a '_' or '.'
 * follows it), so the parse is unambiguous. */
static int family_has(const file_family *f, const char *s) {
  const size_t ln = strlen(f->name);
  if (strncmp(s, f->name, ln) != 0) return 0;
  s += ln;
  if (f->n > 1) {
    if (s[0] != '_' || s[1] < '0' || s[1] > '9' || (s[1] == '0' && s[2] >= '0' && s[2] <= '9')) return 0;
    uint64_t i = 0;
    for (++s; *s >= '0' && *s <= '9'; ++s) {
      if (i >= f->n) return 0;
      i = 10 * i + (uint64_t)(*s - '0');
    }
    if (i >= f->n) return 0;
  }
  if (f->var) {
    const size_t lv = strlen(f->var);
    if (s[0] != '_' || strncmp(s + 1, f->var, lv) != 0) return 0;
    s += 1 + lv;
  }
  return strcmp(s, ".h5") == 0;
}

/* A file both families write, into file; 0 if none. */
static int families_meet(const file_family *a, const file_family *b, char *file, size_t len) {
  const size_t la = strlen(a->name), lb = strlen(b->name);
  if (strncmp(a->name, b->name, la < lb ? la : lb) != 0) return 0;   /* files start with the name */
  if (a->n > b->n) { const file_family *t = a; a = b; b = t; }
  for (uint64_t i = 0; i < a->n; ++i) {
    family_file(a, i, file, len);
    if (family_has(b, file)) return 1;
  }
  return 0;
}

static void family_what(const file_family *f, const char *model, char *buf, size_t len) {
  if (f->var) snprintf(buf, len, "%s '%s' recording %s", model, f->name, f->var);
  else snprintf(buf, len, "%s '%s'", model, f->name);
}

sg_status sg_i_check_files(sg_sim *sim, const char *fn, const sg_pop *self, const char *name,
                           const sg_model_desc *model, uint64_t n, const char *const *vars, size_t n_vars) {
  const int mm = sg_i_is_multimeter(model);
  if (!mm && model->id != SG_MODEL_spike_recorder) return SG_OK;
  char file[2 * SG_NAME_LEN + 32], a[2 * SG_NAME_LEN + 48], b[2 * SG_NAME_LEN + 48];
  for (size_t v = 0; v < (mm ? n_vars : 1); ++v) {
    const file_family mine = {name, n, mm ? vars[v] : NULL};
    for (size_t p = 0; p < sim->n_pops; ++p) {
      const sg_pop *o = sim->pops[p];
      const int omm = sg_i_is_multimeter(o->model);
      if (o == self || (!omm && o->model->id != SG_MODEL_spike_recorder)) continue;
      for (size_t q = 0; q < (omm ? o->n_record_from : 1); ++q) {
        const file_family other = {o->name, o->n, omm ? o->record_from[q] : NULL};
        if (!families_meet(&mine, &other, file, sizeof file)) continue;
        family_what(&mine, model->name, a, sizeof a);
        family_what(&other, o->model->name, b, sizeof b);
        return sg_i_fail(sim, SG_ERR_ARG, "%s: %s would write %s, the output file of %s (nodes %llu..%llu): allowed names whose files differ (a spike_recorder writes <name>.h5, a multimeter <name>_<variable>.h5, with _<index> after the name when n > 1): choose another name",
                         fn, a, file, b, (unsigned long long)o->first, (unsigned long long)(o->first + o->n - 1));
      }
    }
  }
  return SG_OK;
}

/* A population name: 1..SG_NAME_LEN-1 characters, no '/' or spaces, not "." or ".." (HDF5
 * paths), not another population's default name <model>_<digits> (only its own default). */
static sg_status check_name(sg_sim *sim, const sg_model_desc *m, uint64_t first, uint64_t n, const char *name) {
  if (strlen(name) == 0 || strlen(name) >= SG_NAME_LEN || strpbrk(name, "/ \t\n"))
    return sg_i_fail(sim, SG_ERR_ARG, "sg_create: name '%s': allowed 1..%d characters, no '/' or spaces", name, SG_NAME_LEN - 1);
  if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
    return sg_i_fail(sim, SG_ERR_ARG, "sg_create: name '%s': allowed a name other than '.' and '..' (they are paths in HDF5 files)", name);
  char own[SG_NAME_LEN + 24];
  snprintf(own, sizeof own, "%s_%llu", m->name, (unsigned long long)first);
  for (size_t i = 0; i < sg_i_n_models && strcmp(name, own) != 0; ++i) {
    const size_t l = strlen(sg_i_models[i]->name);
    if (strncmp(name, sg_i_models[i]->name, l) == 0 && name[l] == '_' && name[l + 1] &&
        strspn(name + l + 1, "0123456789") == strlen(name + l + 1))
      return sg_i_fail(sim, SG_ERR_ARG, "sg_create: name '%s' has the form of a default name (%s_<first id>, given to unnamed %s populations): allowed another name, or '%s' (this population's own default)",
                       name, sg_i_models[i]->name, sg_i_models[i]->name, own);
  }
  for (size_t i = 0; i < sim->n_pops; ++i)
    if (strcmp(sim->pops[i]->name, name) == 0)
      return sg_i_fail(sim, SG_ERR_ARG, "sg_create: name '%s' is already used by nodes %llu..%llu", name,
                       (unsigned long long)sim->pops[i]->first, (unsigned long long)(sim->pops[i]->first + sim->pops[i]->n - 1));
  static const char *const voltmeter_vars[] = {"V_m"};   /* a voltmeter's files from the start */
  const int vm = m->id == SG_MODEL_voltmeter;
  return sg_i_check_files(sim, "sg_create", NULL, name, m, n, vm ? voltmeter_vars : NULL, vm ? 1 : 0);
}

sg_status sg_create(sg_sim *sim, const char *model, uint64_t n, sg_nodes *out) {
  return sg_create_named(sim, model, n, NULL, out);
}

sg_status sg_create_named(sg_sim *sim, const char *model, uint64_t n, const char *name, sg_nodes *out) {
  if (!sim) return SG_ERR_ARG;
  if (!model) return sg_i_fail(sim, SG_ERR_ARG, "sg_create: model is NULL");
  if (!out) return sg_i_fail(sim, SG_ERR_ARG, "sg_create: out is NULL");
  const sg_model_desc *m = sg_i_model_find(model);
  if (!m) {
    char list[512] = "";
    for (size_t i = 0; i < sg_i_n_models; ++i) {
      strncat(list, sg_i_models[i]->name, sizeof list - strlen(list) - 3);
      if (i + 1 < sg_i_n_models) strncat(list, ", ", sizeof list - strlen(list) - 1);
    }
    return sg_i_fail(sim, SG_ERR_UNKNOWN, "sg_create: unknown model '%s': allowed %s", model, list);
  }
  if (n == 0 || n > ((uint64_t)1 << 32) - 1 - sim->n_nodes)
    return sg_i_fail(sim, SG_ERR_ARG, "sg_create: n = %llu: allowed 1 .. %llu (at most 2^32 - 1 nodes in all)",
                     (unsigned long long)n, (unsigned long long)(((uint64_t)1 << 32) - 1 - sim->n_nodes));
  char dflt[SG_NAME_LEN];
  snprintf(dflt, sizeof dflt, "%s_%llu", m->name, (unsigned long long)(sim->n_nodes + 1));
  sg_status st = check_name(sim, m, sim->n_nodes + 1, n, name ? name : dflt);
  if (st) return st;
  const double need = (double)n * (8.0 * (m->n_state + 2) + 8.0);
  const uint64_t avail = sg_i_host_mem_available();
  if (avail && need > 0.9 * (double)avail)
    return sg_i_fail(sim, SG_ERR_NOMEM, "sg_create: %llu %s nodes need %.2f GiB, %.2f GiB available",
                     (unsigned long long)n, model, need / 1073741824.0, (double)avail / 1073741824.0);
  if (sim->n_pops == sim->cap_pops) {
    size_t cap = sim->cap_pops ? 2 * sim->cap_pops : 8;
    sg_pop **p = realloc(sim->pops, cap * sizeof *p);
    if (!p) return sg_i_fail(sim, SG_ERR_NOMEM, "sg_create: out of memory");
    sim->pops = p;
    sim->cap_pops = cap;
  }
  double *absw = realloc(sim->abs_w_sum, (sim->n_nodes + n) * sizeof(double));
  if (!absw) return sg_i_fail(sim, SG_ERR_NOMEM, "sg_create: out of memory");
  sim->abs_w_sum = absw;
  memset(absw + sim->n_nodes, 0, n * sizeof(double));

  sg_pop *pop = sg_i_pop_new(m, n);
  if (!pop) return sg_i_fail(sim, SG_ERR_NOMEM, "sg_create: out of memory");
  pop->first = sim->n_nodes + 1;
  pop->index = (uint32_t)sim->n_pops;
  snprintf(pop->name, sizeof pop->name, "%s", name ? name : dflt);
  st = sg_i_pop_alloc_state(sim, pop);
  if (st) { sg_i_pop_free(pop); return st; }
  if (m->init_state)
    for (uint64_t i = 0; i < n; ++i) m->init_state(pop, i);
  if (m->id == SG_MODEL_voltmeter) {   /* NEST's voltmeter: a multimeter recording V_m */
    pop->record_from = calloc(1, sizeof *pop->record_from);
    if (!pop->record_from) { sg_i_pop_free(pop); return sg_i_fail(sim, SG_ERR_NOMEM, "sg_create: out of memory"); }
    snprintf(pop->record_from[0], sizeof pop->record_from[0], "V_m");
    pop->n_record_from = 1;
  }
  /* new neurons add ring inputs: with the longest delay so far the ring must still fit, by the
   * rule of sg_connect's check and sg_i_prepare (0.8 x available memory), refused here rather than
   * at sg_simulate */
  if (m->kind == SG_KIND_NEURON && sim->max_delay > 0) {
    const uint64_t avail_now = sg_i_host_mem_available();
    const uint32_t R = sg_ring_len(sim->max_delay);
    const double inputs = sg_i_ring_inputs(sim) + (double)m->n_ports(pop) * (double)n, bytes = (double)R * inputs * 8.0;
    if (avail_now && bytes > 0.8 * (double)avail_now) {
      sg_i_pop_free(pop);
      return sg_i_fail(sim, SG_ERR_NOMEM, "sg_create: %llu %s nodes: with the longest delay so far (%u steps, %g ms) the ring buffer would need %u slots x %.0f inputs x 8 bytes = %.2f GiB, more than 80%% of the %.2f GiB of host memory available: allowed fewer nodes, or shorter delays",
                       (unsigned long long)n, model, sim->max_delay, (double)((int64_t)sim->max_delay * sim->tics_per_step) / SG_TICS_PER_MS,
                       R, inputs, bytes / 1073741824.0, (double)avail_now / 1073741824.0);
    }
  }
  sim->pops[sim->n_pops++] = pop;
  sim->n_nodes += n;
  sim->dirty = 1;
  out->first = pop->first;
  out->n = n;
  out->ids = NULL;
  return SG_OK;
}

/* The last population goes again, as if never created: only while nothing refers to it, i.e.
 * no connection (its edges, pending until the CSR build, are the only place one would be) and
 * no sg_i_prepare (which sizes rings, CSR rows, generators and recorders by the node count). */
sg_status sg_create_undo(sg_sim *sim, sg_nodes nodes) {
  static const char fn[] = "sg_create_undo";
  if (!sim) return SG_ERR_ARG;
  sg_pop *pop = sim->n_pops ? sim->pops[sim->n_pops - 1] : NULL;
  if (!pop)
    return sg_i_fail(sim, SG_ERR_ARG, "%s: nodes %llu..%llu: no population exists: allowed the last population created",
                     fn, (unsigned long long)nodes.first, (unsigned long long)(nodes.first + nodes.n - 1));
  if (nodes.ids && nodes.n == pop->n && nodes.n && nodes.ids[0] == pop->first && nodes.ids[nodes.n - 1] == pop->first + pop->n - 1) {
    sg_status st = sg_i_nodes_norm(sim, fn, "nodes", &nodes);   /* the population as an id list */
    if (st) return st;
  }
  if (nodes.ids)
    return sg_i_fail(sim, SG_ERR_ARG, "%s: nodes are an id list of %llu ids: allowed only the last population created, %s (nodes %llu..%llu)",
                     fn, (unsigned long long)nodes.n, pop->name, (unsigned long long)pop->first,
                     (unsigned long long)(pop->first + pop->n - 1));
  if (nodes.first != pop->first || nodes.n != pop->n)
    return sg_i_fail(sim, SG_ERR_ARG, "%s: nodes {first %llu, n %llu}: allowed only the last population created, %s (nodes %llu..%llu)",
                     fn, (unsigned long long)nodes.first, (unsigned long long)nodes.n, pop->name,
                     (unsigned long long)pop->first, (unsigned long long)(pop->first + pop->n - 1));
  if (pop->prepared)
    return sg_i_fail(sim, SG_ERR_STATE, "%s: %s (nodes %llu..%llu) has been simulated: allowed only a population created since the last sg_simulate",
                     fn, pop->name, (unsigned long long)pop->first, (unsigned long long)(pop->first + pop->n - 1));
  const uint64_t lo = pop->first - 1, hi = lo + pop->n;   /* edge node indices are id - 1 */
  int connected = pop->has_connections || pop->has_device_connections || pop->has_remote_edges;
  for (size_t e = 0; e < sim->edges.n && !connected; ++e)
    connected = (sim->edges.src[e] >= lo && sim->edges.src[e] < hi) || (sim->edges.tgt[e] >= lo && sim->edges.tgt[e] < hi);
  if (connected)
    return sg_i_fail(sim, SG_ERR_STATE, "%s: %s (nodes %llu..%llu) has connections: allowed only a population without any",
                     fn, pop->name, (unsigned long long)pop->first, (unsigned long long)(pop->first + pop->n - 1));
  sim->n_pops--;
  sim->n_nodes -= pop->n;
  sim->dirty = 1;
  sg_i_pop_free(pop);
  return SG_OK;
}

sg_status sg_node_model(sg_sim *sim, uint64_t node_id, const char **model, sg_nodes *population) {
  if (!sim) return SG_ERR_ARG;
  sg_pop *pop = sg_i_pop_of(sim, node_id);
  if (!pop) return sg_i_fail(sim, SG_ERR_ARG, "sg_node_model: node id %llu out of range: allowed 1..%llu", (unsigned long long)node_id, (unsigned long long)sim->n_nodes);
  if (model) *model = pop->model->name;
  if (population) { population->first = pop->first; population->n = pop->n; population->ids = NULL; }
  return SG_OK;
}
