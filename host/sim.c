/* host/sim.c - simulation lifecycle: configuration, backend choice, populations, errors,
 * and sg_simulate's outer loop (chunks between recorder flushes, progress line). */
/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <float.h>
#include <math.h>
#include <omp.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

static const char *const status_names[] = {
#define X(code, text) #code ": " text,
  SG_STATUS_LIST(X)
#undef X
};

const char *sg_status_str(sg_status code) {
  if ((int)code < 0 || code >= SG_STATUS_COUNT) return "SG_ERR_?: unknown status code";
  return status_names[code];
}

const char *sg_version(void) {
#ifdef SG_HAVE_CUDA
  return "0.1.0 (cuda + cpu build)";
#else
  return "0.1.0 (cpu-only build)";
#endif
}

sg_status sg_i_fail(sg_sim *sim, sg_status code, const char *fmt, ...) {
  if (sim) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sim->msg, sizeof sim->msg, fmt, ap);
    va_end(ap);
  }
  return code;
}

const char *sg_errmsg(const sg_sim *sim) { return sim ? sim->msg : "sim is NULL"; }
const char *sg_backend_used(const sg_sim *sim) { return sim && sim->backend ? sim->backend->name : "none"; }
const char *sg_backend_reason(const sg_sim *sim) { return sim ? sim->backend_reason : ""; }
double sg_time(const sg_sim *sim) { return sim ? (double)sim->step * sim->h : 0.0; }
uint64_t sg_steps(const sg_sim *sim) { return sim ? sim->step : 0; }

void sg_config_default(sg_config *cfg) {
  if (!cfg) return;
  memset(cfg, 0, sizeof *cfg);
  cfg->resolution_ms = 0.1;
  cfg->seed = 143202461u;
  cfg->backend = SG_BACKEND_AUTO;
  cfg->threads = 0;
  cfg->output_dir = NULL;
  cfg->keep_in_memory = 1;
  cfg->progress = 0;
  cfg->flush_interval_ms = 100.0;
  cfg->cuda_block_size = 0;
  cfg->verbose = 1;
  cfg->overwrite_files = 0;
}

/* The shortest "%.Ng" text of v that reads back as v (0.15, not 0.14999999999999999), for
 * messages that quote a user's value. */
static const char *num(double v, char *buf, size_t len) {
  for (int prec = 6; prec <= 17; ++prec) {
    snprintf(buf, len, "%.*g", prec, v);
    if (!isfinite(v) || strtod(buf, NULL) == v) break;
  }
  return buf;
}

sg_status sg_i_errout(char *err, size_t len, sg_status code, const char *fmt, ...) {
  if (err && len) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, len, fmt, ap);
    va_end(ap);
  }
  return code;
}

static int mkdir_p(const char *path) {
  char tmp[4096];
  if (snprintf(tmp, sizeof tmp, "%s", path) >= (int)sizeof tmp) return ENAMETOOLONG;
  for (char *p = tmp + 1; *p; ++p)
    if (*p == '/') {
      *p = 0;
      if (mkdir(tmp, 0777) && errno != EEXIST) return errno;
      *p = '/';
    }
  if (mkdir(tmp, 0777) && errno != EEXIST) return errno;
  struct stat st;
  if (stat(tmp, &st) || !S_ISDIR(st.st_mode)) return ENOTDIR;
  return 0;
}

sg_status sg_sim_new(const sg_config *cfg_in, sg_sim **out, char *err, size_t errlen) {
  if (!out) return sg_i_errout(err, errlen, SG_ERR_ARG, "sg_sim_new: out is NULL");
  *out = NULL;
  sg_config cfg;
  if (cfg_in) cfg = *cfg_in; else sg_config_default(&cfg);
  const double h = cfg.resolution_ms;
  char nb[40];
  if (!(h > 0.0) || !isfinite(h))
    return sg_i_errout(err, errlen, SG_ERR_ARG, "resolution_ms = %s: allowed > 0 and finite, a multiple of the tic (0.001 ms)", num(h, nb, sizeof nb));
  if (h > 1e6)
    return sg_i_errout(err, errlen, SG_ERR_ARG, "resolution_ms = %s: allowed at most 1e6 ms", num(h, nb, sizeof nb));
  /* Time is a whole number of tics per step (sim->tics_per_step), so h must be one: up to the
   * rounding of its decimal text (0.1 is 0.1000000000000000055..., 0.1 * 3 is 0.30000000000000004),
   * nothing else. A value further off (0.1000000001) is refused, not rounded: with it sg_time(),
   * the propagators and the tic grid of spike and delay times would disagree. */
  const double tics = floor(h * SG_TICS_PER_MS + 0.5);
  if (tics < 1.0)
    return sg_i_errout(err, errlen, SG_ERR_ARG,
                  "resolution_ms = %s: allowed a positive multiple of the tic (0.001 ms)", num(h, nb, sizeof nb));
  if (fabs(h - tics / SG_TICS_PER_MS) > 4.0 * DBL_EPSILON * h) {
    char nb2[40];
    return sg_i_errout(err, errlen, SG_ERR_ARG,
                  "resolution_ms = %s: allowed a multiple of the tic (0.001 ms), as time is kept in whole tics per step; the nearest is %s ms",
                  num(h, nb, sizeof nb), num(tics / SG_TICS_PER_MS, nb2, sizeof nb2));
  }
  if (cfg.backend != SG_BACKEND_AUTO && cfg.backend != SG_BACKEND_CPU && cfg.backend != SG_BACKEND_CUDA)
    return sg_i_errout(err, errlen, SG_ERR_ARG, "backend = %d: allowed SG_BACKEND_AUTO (0), SG_BACKEND_CPU (1), SG_BACKEND_CUDA (2)", (int)cfg.backend);
  if (cfg.threads < 0 || cfg.threads > 4096)
    return sg_i_errout(err, errlen, SG_ERR_ARG, "threads = %d: allowed 0 (OpenMP default) .. 4096", cfg.threads);
  /* bounded like every time (9e12 ms = 9e15 tics): flush_interval_ms / h becomes a step count */
  if (!(cfg.flush_interval_ms > 0.0) || !(cfg.flush_interval_ms <= 9e12))
    return sg_i_errout(err, errlen, SG_ERR_ARG, "flush_interval_ms = %s: allowed > 0, finite and at most 9e12 ms", num(cfg.flush_interval_ms, nb, sizeof nb));
  if (cfg.cuda_block_size < 0 || cfg.cuda_block_size > 1024 || (cfg.cuda_block_size % 32) != 0)
    return sg_i_errout(err, errlen, SG_ERR_ARG, "cuda_block_size = %d: allowed 0 (default) or a multiple of 32 up to 1024", cfg.cuda_block_size);
  if (cfg.report_double != 0 && cfg.report_double != 1)
    return sg_i_errout(err, errlen, SG_ERR_ARG, "report_double = %d: allowed 0 or 1", cfg.report_double);
  if (cfg.keep_in_memory != 0 && cfg.keep_in_memory != 1)
    return sg_i_errout(err, errlen, SG_ERR_ARG, "keep_in_memory = %d: allowed 0 or 1", cfg.keep_in_memory);
  if (cfg.overwrite_files != 0 && cfg.overwrite_files != 1)
    return sg_i_errout(err, errlen, SG_ERR_ARG, "overwrite_files = %d: allowed 0 or 1", cfg.overwrite_files);
  if (cfg.output_dir && (strlen(cfg.output_dir) == 0 || strlen(cfg.output_dir) >= 3800))
    return sg_i_errout(err, errlen, SG_ERR_ARG, "output_dir is %zu characters long: allowed 1 .. 3799 (or NULL for no files)", strlen(cfg.output_dir));
  if (!cfg.output_dir && !cfg.keep_in_memory)
    return sg_i_errout(err, errlen, SG_ERR_ARG, "keep_in_memory = 0 needs an output_dir: recordings would be lost");

  /* backend choice: once, with the reason kept */
  const sg_backend_ops *backend = &sg_i_cpu_backend;
  char why[256] = "", reason[300];
  if (cfg.backend == SG_BACKEND_CPU) {
    snprintf(reason, sizeof reason, "cpu: requested");
  } else {
    int ok = sg_cuda_available(why, sizeof why);
    if (ok) {
      backend = &sg_i_cuda_backend;
      snprintf(reason, sizeof reason, "cuda: %s", why);
    } else if (cfg.backend == SG_BACKEND_CUDA) {
      return sg_i_errout(err, errlen, SG_ERR_NO_DEVICE, "backend cuda requested but %s", why);
    } else {
      snprintf(reason, sizeof reason, "cpu (cuda: %s)", why);
    }
  }

  if (cfg.output_dir) {
    int e = mkdir_p(cfg.output_dir);
    if (e) return sg_i_errout(err, errlen, SG_ERR_IO, "output_dir '%s' cannot be created: %s: allowed a directory that exists or can be made, and written to", cfg.output_dir, strerror(e));
    /* files are created at the first sg_simulate: say now, not after the network is built */
    if (access(cfg.output_dir, W_OK | X_OK) != 0) {
      e = errno;
      return sg_i_errout(err, errlen, SG_ERR_IO, "output_dir '%s' is not writable: %s: allowed a directory that can be written to", cfg.output_dir, strerror(e));
    }
  }
  /* the folder for this run alone: a second writer is refused here, not after the network is built */
  sg_out_claim claim = {.fd = -1};
  if (cfg.output_dir) {
    sg_status cs = sg_i_output_claim(cfg.output_dir, cfg.overwrite_files, cfg.verbose, &claim, err, errlen);
    if (cs) return cs;
  }

  sg_sim *sim = calloc(1, sizeof *sim);
  if (!sim) {
    sg_i_output_release(&claim, cfg.output_dir);
    return sg_i_errout(err, errlen, SG_ERR_NOMEM, "sg_sim_new: out of memory");
  }
  sim->out_claim = claim;
  sim->cfg = cfg;
  if (cfg.output_dir) {
    snprintf(sim->output_dir, sizeof sim->output_dir, "%s", cfg.output_dir);
    sim->cfg.output_dir = sim->output_dir;
  }
  sim->tics_per_step = (int64_t)tics;   /* 1 .. 1e9 (h <= 1e6 ms) */
  sim->h = (double)sim->tics_per_step / SG_TICS_PER_MS;   /* the grid value: h itself for 0.1, 0.25, ... */
  sim->cfg.resolution_ms = sim->h;
  sim->backend = backend;
  snprintf(sim->backend_reason, sizeof sim->backend_reason, "%s", reason);
  sim->dirty = 1;
  if (cfg.verbose) fprintf(stderr, "spikegpu: backend %s\n", reason);
  *out = sim;
  return SG_OK;
}

void sg_i_pop_free(sg_pop *pop) {
  if (!pop) return;
  const sg_model_desc *m = pop->model;
  for (uint32_t p = 0; p < m->n_params; ++p) free(pop->params[p].each);
  for (uint32_t v = 0; v < m->n_vecs; ++v) {
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

void sg_sim_free(sg_sim *sim) {
  if (!sim) return;
  sg_i_record_flush(sim, 1);
  if (sim->backend && sim->backend->release) sim->backend->release(sim);
  sg_i_record_free(sim);
  sg_i_output_release(&sim->out_claim, sim->output_dir);   /* after the files are closed */
  sg_i_stim_free(sim);
  for (size_t i = 0; i < sim->n_pops; ++i) sg_i_pop_free(sim->pops[i]);
  free(sim->pops);
  sg_i_edges_free(&sim->edges);
  sg_i_csr_free(&sim->csr);
  sg_i_csr_free(&sim->gen_csr);
  free(sim->rec_row);
  free(sim->rec_idx);
  free(sim->abs_w_sum);
  free(sim->ring);
  free(sim->spk_buf);
  free(sim->spk_mult);
  free(sim);
}

/* ---- populations ------------------------------------------------------------------------ */
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
  const int mm = model->id == SG_MODEL_multimeter;
  if (!mm && model->id != SG_MODEL_spike_recorder) return SG_OK;
  char file[2 * SG_NAME_LEN + 32], a[2 * SG_NAME_LEN + 48], b[2 * SG_NAME_LEN + 48];
  for (size_t v = 0; v < (mm ? n_vars : 1); ++v) {
    const file_family mine = {name, n, mm ? vars[v] : NULL};
    for (size_t p = 0; p < sim->n_pops; ++p) {
      const sg_pop *o = sim->pops[p];
      const int omm = o->model->id == SG_MODEL_multimeter;
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
  return sg_i_check_files(sim, "sg_create", NULL, name, m, n, NULL, 0);
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

  sg_pop *pop = calloc(1, sizeof *pop);
  if (!pop) return sg_i_fail(sim, SG_ERR_NOMEM, "sg_create: out of memory");
  pop->model = m;
  pop->first = sim->n_nodes + 1;
  pop->n = n;
  pop->index = (uint32_t)sim->n_pops;
  snprintf(pop->name, sizeof pop->name, "%s", name ? name : dflt);
  pop->params = calloc(m->n_params ? m->n_params : 1, sizeof *pop->params);
  pop->vecs = calloc(m->n_vecs ? m->n_vecs : 1, sizeof *pop->vecs);
  if (!pop->params || !pop->vecs) { sg_i_pop_free(pop); return sg_i_fail(sim, SG_ERR_NOMEM, "sg_create: out of memory"); }
  for (uint32_t p = 0; p < m->n_params; ++p) pop->params[p].uniform = m->params[p].def;
  if (m->vec_default)
    for (uint32_t v = 0; v < m->n_vecs; ++v)
      if (m->vec_default(v, &pop->vecs[v].uniform)) { sg_i_pop_free(pop); return sg_i_fail(sim, SG_ERR_NOMEM, "sg_create: out of memory"); }
  st = sg_i_pop_alloc_state(sim, pop);
  if (st) { sg_i_pop_free(pop); return st; }
  if (m->init_state)
    for (uint64_t i = 0; i < n; ++i) m->init_state(pop, i);
  sim->pops[sim->n_pops++] = pop;
  sim->n_nodes += n;
  sim->dirty = 1;
  out->first = pop->first;
  out->n = n;
  return SG_OK;
}

sg_status sg_node_model(sg_sim *sim, uint64_t node_id, const char **model, sg_nodes *population) {
  if (!sim) return SG_ERR_ARG;
  sg_pop *pop = sg_i_pop_of(sim, node_id);
  if (!pop) return sg_i_fail(sim, SG_ERR_ARG, "sg_node_model: node id %llu out of range: allowed 1..%llu", (unsigned long long)node_id, (unsigned long long)sim->n_nodes);
  if (model) *model = pop->model->name;
  if (population) { population->first = pop->first; population->n = pop->n; }
  return SG_OK;
}

/* ---- running ---------------------------------------------------------------------------- */
/* Ctrl-C. The first sg_simulate to start (of any simulation, in any thread) installs on_sigint
 * and keeps the handler it replaced; the last one to end puts that handler back. sigint_lock
 * guards the count and the saved handler, so concurrent runs in several threads cannot leave
 * on_sigint installed. The handler only counts SIGINTs: a run notes the count when it starts
 * and is interrupted once the count has changed, so one Ctrl-C reaches every simulation running
 * at that moment and none of them consumes it for the others. */
static pthread_mutex_t sigint_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned sigint_users;            /* running sg_simulate calls; under sigint_lock */
static struct sigaction sigint_prev;     /* the handler before the first of them         */
static atomic_ulong sigint_count;        /* SIGINTs received while installed             */
_Static_assert(ATOMIC_LONG_LOCK_FREE == 2, "the SIGINT counter must be lock-free to be used in a signal handler");
static void on_sigint(int sig) { (void)sig; atomic_fetch_add_explicit(&sigint_count, 1ul, memory_order_relaxed); }

/* Installs on_sigint for one more run; returns the SIGINT count at its start. */
static unsigned long sigint_acquire(void) {
  pthread_mutex_lock(&sigint_lock);
  if (sigint_users++ == 0) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sa.sa_flags = SA_RESTART;   /* system calls of the HDF5 writer are not cut short */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &sigint_prev);
  }
  const unsigned long c = atomic_load(&sigint_count);
  pthread_mutex_unlock(&sigint_lock);
  return c;
}

static void sigint_release(void) {
  pthread_mutex_lock(&sigint_lock);
  if (--sigint_users == 0) sigaction(SIGINT, &sigint_prev, NULL);
  pthread_mutex_unlock(&sigint_lock);
}

static int sigint_since(unsigned long c0) { return atomic_load(&sigint_count) != c0; }

/* Steps of the next sub-run: what takes SG_SUBRUN_S of wall time at the rate of the last one
 * (n steps in dt s), at least 1 and at most 8x the current size, so that one fast sub-run (a
 * quiet phase, timer noise) cannot make the next one overshoot much. SIGINT is checked after
 * every sub-run: SG_SUBRUN_S = 0.05 keeps the reaction well within 0.1 s. */
#define SG_SUBRUN_S 0.05
static uint64_t subrun_steps(uint64_t cur, uint64_t n, double dt) {
  const double cap = 8.0 * (double)(cur > n ? cur : n);
  double want = dt > 0.0 ? (double)n * (SG_SUBRUN_S / dt) : cap;
  if (!(want < cap)) want = cap;
  if (want > 1099511627776.0) want = 1099511627776.0;   /* 2^40: never more steps than a run has */
  return want < 1.0 ? 1 : (uint64_t)want;
}

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Multimeter memory of the coming run, checked before it starts: an upper bound of the rows each
 * multimeter takes (every due stamp in (step, step + n_steps], at most one per interval), kept
 * all (keep_in_memory) or one flush chunk at a time. Spike counts cannot be known in advance;
 * sg_i_srec_push refuses growth beyond the available memory instead. */
static sg_status check_record_memory(sg_sim *sim, uint64_t n_steps, uint64_t chunk) {
  double need = 0.0;
  for (size_t j = 0; j < sim->n_mm; ++j) {
    const sg_multimeter *m = &sim->mm[j];
    if (!m->n_targets || !m->n_vars || m->interval < 1) continue;
    const double span = (double)(sim->cfg.keep_in_memory ? n_steps : (chunk < n_steps ? chunk : n_steps));
    const double rows = floor(span / (double)m->interval) + 1.0 + (sim->cfg.keep_in_memory ? (double)m->n_rows : 0.0);
    const double row_bytes = 8.0 + 8.0 * (double)m->n_targets * (double)m->n_vars;
    const double have = (double)m->cap_rows * row_bytes;
    const double want = rows * row_bytes;
    if (want > have) need += want - have;
  }
  const uint64_t avail = sg_i_host_mem_available();
  if (avail && need > 0.9 * (double)avail)
    return sg_i_fail(sim, SG_ERR_NOMEM, "sg_simulate: the multimeters' samples of this run need up to %.2f GiB of host memory, %.2f GiB available: allowed shorter runs, a longer interval, fewer recorded nodes, or keep_in_memory = 0 with an output_dir",
                     need / 1073741824.0, (double)avail / 1073741824.0);
  return SG_OK;
}

/* Largest time accepted anywhere, ms: times are kept in int64 tics (9e15 tics < 2^63). */
#define SG_MAX_TIME_MS 9e12

sg_status sg_simulate(sg_sim *sim, double t_ms) {
  if (!sim) return SG_ERR_ARG;
  char nb[40];
  if (sim->poisoned)
    return sg_i_fail(sim, SG_ERR_STATE, "sg_simulate: an earlier error left this simulation unusable (%s); recorded data up to it was kept", sim->backend_reason);
  if (!(t_ms >= 0.0) || !isfinite(t_ms))
    return sg_i_fail(sim, SG_ERR_ARG, "sg_simulate: t = %s ms: allowed >= 0 and finite, a multiple of the resolution %g ms", num(t_ms, nb, sizeof nb), sim->h);
  const double max_steps = (double)((uint64_t)1 << 40) - 1.0 - (double)sim->step;
  if (t_ms > SG_MAX_TIME_MS || t_ms / sim->h > max_steps + 0.5)
    return sg_i_fail(sim, SG_ERR_ARG, "sg_simulate: t = %s ms at t = %g ms would pass 2^40 steps (%g ms at resolution %g ms), the limit of the random-number counters: allowed at most %g ms more",
                     num(t_ms, nb, sizeof nb), sg_time(sim), (double)((uint64_t)1 << 40) * sim->h, sim->h, max_steps * sim->h);
  const int64_t tics = sg_ms_to_tics(t_ms);
  if (fabs((double)tics - t_ms * SG_TICS_PER_MS) > 1e-6 * (1.0 + fabs(t_ms * SG_TICS_PER_MS)) || tics % sim->tics_per_step)
    return sg_i_fail(sim, SG_ERR_ARG, "sg_simulate: t = %s ms: allowed a multiple of the resolution %g ms", num(t_ms, nb, sizeof nb), sim->h);
  const uint64_t n_steps = (uint64_t)(tics / sim->tics_per_step);
  if (sim->step + n_steps >= ((uint64_t)1 << 40))
    return sg_i_fail(sim, SG_ERR_ARG, "sg_simulate: t = %s ms at t = %g ms would pass 2^40 steps (%g ms at resolution %g ms), the limit of the random-number counters: allowed at most %g ms more",
                     num(t_ms, nb, sizeof nb), sg_time(sim), (double)((uint64_t)1 << 40) * sim->h, sim->h, max_steps * sim->h);
  if (sim->cfg.threads > 0) omp_set_num_threads(sim->cfg.threads);
  sg_status st = SG_OK;
  if (sim->dirty) {
    st = sg_i_prepare(sim);
    if (st) return st;
    st = sim->backend->prepare(sim);
    if (st) return st;
    sim->dirty = 0;
  }
  if (n_steps == 0) return SG_OK;

  /* flush_interval_ms <= 9e12 (sg_sim_new): the quotient fits; a chunk never exceeds 2^40 steps */
  const double chunk_d = floor(sim->cfg.flush_interval_ms / sim->h + 0.5);
  const uint64_t chunk = chunk_d < 1.0 ? 1 : chunk_d >= 1099511627776.0 ? ((uint64_t)1 << 40) : (uint64_t)chunk_d;
  if ((st = check_record_memory(sim, n_steps, chunk))) return st;

  /* The recorders flush every `chunk` steps. Within a chunk the backend runs sub-runs of about
   * SG_SUBRUN_S wall time each (results do not depend on how runs are split), and SIGINT is
   * checked after each: it ends the run at that step boundary, after flushing what was recorded. */
  const unsigned long sigint0 = sigint_acquire();
  const double t0 = now_s();
  double last_print = t0;
  const uint64_t start_step = sim->step, end_step = sim->step + n_steps;
  const uint64_t updates0 = sim->stats.neuron_updates;
  uint64_t sub = 1;
  int interrupted = 0;
  while (sim->step < end_step) {
    uint64_t todo = end_step - sim->step;
    if (todo > chunk) todo = chunk;
    const uint64_t chunk_end = sim->step + todo;
    while (sim->step < chunk_end) {
      const uint64_t n = chunk_end - sim->step < sub ? chunk_end - sim->step : sub;
      const double ts = now_s();
      if ((st = sim->backend->run(sim, n))) break;
      const double t = now_s();
      sub = subrun_steps(sub, n, t - ts);
      if (sim->cfg.progress && t - last_print > 1.0 && t - t0 > 2.0) {
        const double done = (double)(sim->step - start_step) / (double)n_steps;
        const double rtf = (double)(sim->step - start_step) * sim->h * 1e-3 / (t - t0);
        fprintf(stderr, "\rspikegpu: t = %.1f ms  %5.1f%%  %.3g x real time  %.3g updates/s   ",
                sg_time(sim), 100.0 * done, rtf,
                (double)(sim->stats.neuron_updates - updates0) / (t - t0));
        last_print = t;
      }
      if ((interrupted = sigint_since(sigint0))) break;
    }
    if (st) {
      /* keep what was recorded up to the failure: flush it (the run's error is reported) */
      char msg[SG_MSG_LEN];
      memcpy(msg, sim->msg, sizeof msg);
      sg_i_record_flush(sim, 0);
      memcpy(sim->msg, msg, sizeof msg);
      break;
    }
    st = sg_i_record_flush(sim, 0);
    if (st) break;
    if (interrupted) {
      st = sg_i_fail(sim, SG_ERR_INTERRUPTED, "sg_simulate: interrupted (SIGINT) at t = %g ms (step %llu); recordings up to it were flushed",
                     sg_time(sim), (unsigned long long)sim->step);
      break;
    }
  }
  /* a SIGINT during the last sub-run still ends the caller's loop: it is not swallowed */
  if (st == SG_OK && sigint_since(sigint0))
    st = sg_i_fail(sim, SG_ERR_INTERRUPTED, "sg_simulate: interrupted (SIGINT) at t = %g ms (step %llu), the end of this run; recordings up to it were flushed",
                   sg_time(sim), (unsigned long long)sim->step);
  const double t1 = now_s();
  if (sim->cfg.progress && t1 - t0 > 2.0) fprintf(stderr, "\n");
  sim->stats.wall_s += t1 - t0;
  sigint_release();
  return st;
}

sg_status sg_run_stats_get(sg_sim *sim, sg_run_stats *out) {
  if (!sim) return SG_ERR_ARG;
  if (!out) return sg_i_fail(sim, SG_ERR_ARG, "sg_run_stats_get: out is NULL");
  *out = sim->stats;
  return SG_OK;
}

/* MemAvailable, read at most every 50 ms: connect and create ask several times per call, and a
 * read of /proc/meminfo costs tens of microseconds of kernel time. */
static _Atomic uint64_t mem_cached;
static _Atomic int64_t mem_cached_at_ns = -1;

static uint64_t host_mem_read(void);
uint64_t sg_i_host_mem_available(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  const int64_t now = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
  const int64_t at = mem_cached_at_ns;
  if (at >= 0 && now - at < 50000000) return mem_cached;
  const uint64_t v = host_mem_read();
  mem_cached = v;
  mem_cached_at_ns = now;
  return v;
}

static uint64_t host_mem_read(void) {
  long pages = sysconf(_SC_AVPHYS_PAGES), psize = sysconf(_SC_PAGESIZE);
  FILE *f = fopen("/proc/meminfo", "r");
  if (f) {
    char line[256];
    unsigned long long kb;
    while (fgets(line, sizeof line, f))
      if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1) { fclose(f); return (uint64_t)kb * 1024u; }
    fclose(f);
  }
  return (pages > 0 && psize > 0) ? (uint64_t)pages * (uint64_t)psize : 0;
}
