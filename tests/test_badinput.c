/* tests/test_badinput.c - every public entry point of include/spikegpu.h fed every class of bad
 * argument, table-driven (suite "badinput").
 *
 * Each row of CASES below is one bad call on a fresh fixture (a small network with one node of
 * every model, already run for 5 ms). For each row the test asserts
 *   1. the exact status code;
 *   2. that sg_errmsg names the parameter, the value and what is allowed (up to three strstr
 *      checks per row);
 *   3. that the observable state is unchanged: a hash of every node's parameters and state
 *      (sg_get / sg_get_vec over sg_model_info's entries), every connection, sg_num_connections,
 *      sg_time / sg_steps, sg_memory_report's counts, the recordings and the run statistics,
 *      taken right before and right after the call;
 *   4. that calling on after the error works and is not affected by it: the row's fix (if the
 *      bad input was a setting only sg_simulate could refuse) and sg_simulate(1 ms) succeed, and
 *      the state then hashes equal to a fixture that never saw the bad call (same setup and fix):
 *      so a failed call consumed no random numbers and left nothing behind.
 * Classes: NULL handles and pointers, unknown model / parameter / recordable / rule / synapse
 * names, NaN, +-inf, negative and zero values where not allowed, wrong vector lengths, off-grid
 * times, delays below one step, ids out of range, receptor types that do not exist, wrong
 * connection directions (neuron -> generator, recorder -> neuron, ...), numbers the engine cannot
 * represent (fixed-point headroom, 2^40 steps, 9e12 ms), and resource limits (memory needed vs
 * available, checked before anything is allocated).
 *
 * Calls on a handle after sg_sim_free are not tested: the handle is opaque and freed, so any use
 * is undefined behaviour in C (as for free()); the API documents sg_sim_free(NULL) as a no-op and
 * that is tested instead.
 *
 * API_LIST names every function declared in include/spikegpu.h; a test reads the header and
 * fails if a declared function is missing from the list, so a new entry point cannot go
 * untested silently. */
/* SPDX-License-Identifier: MIT */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sg_test.h"
#include "spikegpu.h"

/* ---- the entry points and where each is exercised --------------------------------------- */
static const char *const API_LIST[][2] = {
  {"sg_status_str", "static_functions"},     {"sg_version", "static_functions"},
  {"sg_config_default", "static_functions"}, {"sg_sim_new", "sim_new_table"},
  {"sg_sim_free", "static_functions"},       {"sg_errmsg", "every row"},
  {"sg_backend_used", "static_functions"},   {"sg_backend_reason", "static_functions"},
  {"sg_cuda_available", "static_functions"}, {"sg_create", "CASES create_*"},
  {"sg_create_named", "CASES create_named_*"}, {"sg_slice", "static_functions"},
  {"sg_set", "CASES set_*"},                 {"sg_set_each", "CASES set_each_*"},
  {"sg_set_vec", "CASES set_vec_*"},         {"sg_set_vecs", "CASES set_vecs_*"},
  {"sg_set_strs", "CASES set_strs_*"},       {"sg_get", "CASES get_*"},
  {"sg_get_vec", "CASES get_vec_*"},         {"sg_node_model", "CASES node_model_*"},
  {"sg_model_count", "static_functions"},    {"sg_model_name", "static_functions"},
  {"sg_model_kind", "static_functions"},     {"sg_model_info", "static_functions"},
  {"sg_scalar", "CASES connect_*"},          {"sg_array", "CASES connect_*_array_*"},
  {"sg_random_uniform", "CASES connect_uniform_*"}, {"sg_random_normal", "CASES connect_normal_*"},
  {"sg_random_normal_clipped", "CASES connect_clipped_*"},
  {"sg_random_lognormal", "CASES connect_lognormal_*"},
  {"sg_random_exponential", "CASES connect_exponential_*"},
  {"sg_conn_spec_default", "static_functions"}, {"sg_syn_spec_default", "static_functions"},
  {"sg_connect", "CASES connect_*"},         {"sg_num_connections", "CASES num_connections_*"},
  {"sg_get_connections", "CASES get_connections_*"}, {"sg_simulate", "CASES simulate_*"},
  {"sg_time", "static_functions + hash"},    {"sg_steps", "static_functions + hash"},
  {"sg_spikes", "CASES spikes_*"},           {"sg_samples", "CASES samples_*"},
  {"sg_memory_report", "CASES memory_report_*"}, {"sg_run_stats_get", "CASES run_stats_*"},
  {"sg_mpi_info_get", "CASES mpi_info_*"},
  {"sg_create_undo", "CASES create_undo_*"}, {"sg_model_recordables", "static_functions"},
  {"sg_node_recordables", "CASES node_recordables_*"},
  {"sg_nodes_list", "CASES set_list_*"},     {"sg_nodes_at", "test_nodesets helpers"},
  {"sg_nodes_find", "test_nodesets helpers"}, {"sg_nodes_check", "CASES nodes_check_*"},
  {"sg_set_value", "CASES set_value_*"},
};
#define N_API (sizeof API_LIST / sizeof API_LIST[0])

/* ---- fixture ------------------------------------------------------------------------------- */
typedef struct fx {
  sg_sim *sim;
  sg_nodes g, c, p, sg, pg, sc, ng, sr, mm, mm2;
  uint64_t N;
} fx;

static int fx_fail(sg_sim *sim, const char *what, sg_status st) {
  fprintf(stderr, "\n  fixture: %s -> %s: %s\n", what, sg_status_str(st), sg_errmsg(sim));
  return 1;
}
#define FX(call) do { sg_status st_ = (call); if (st_) return fx_fail(f->sim, #call, st_); } while (0)

#define syn3 sg_test_syn_scalar

static int fx_make(fx *f) {
  memset(f, 0, sizeof *f);
  sg_config cfg;
  sg_config_default(&cfg);
  cfg.resolution_ms = 0.1;
  cfg.seed = 7;
  cfg.backend = SG_BACKEND_CPU;
  cfg.threads = 1;
  cfg.verbose = 0;
  char err[256];
  if (sg_sim_new(&cfg, &f->sim, err, sizeof err)) { fprintf(stderr, "\n  fixture: %s\n", err); return 1; }
  FX(sg_create_named(f->sim, "gl_exp", 3, "exc", &f->g));        /* 1..3   */
  FX(sg_create(f->sim, "glif_cond", 2, &f->c));                   /* 4..5   */
  FX(sg_create(f->sim, "parrot_neuron", 2, &f->p));               /* 6..7   */
  FX(sg_create(f->sim, "spike_generator", 1, &f->sg));            /* 8      */
  FX(sg_create(f->sim, "poisson_generator", 1, &f->pg));          /* 9      */
  FX(sg_create(f->sim, "step_current_generator", 1, &f->sc));     /* 10     */
  FX(sg_create(f->sim, "noise_generator", 1, &f->ng));            /* 11     */
  FX(sg_create(f->sim, "spike_recorder", 1, &f->sr));             /* 12     */
  FX(sg_create(f->sim, "multimeter", 1, &f->mm));                 /* 13     */
  FX(sg_create(f->sim, "multimeter", 2, &f->mm2));                /* 14..15 */
  f->N = f->mm2.first + f->mm2.n - 1;
  sg_sim *sim = f->sim;
  const double ie[] = {100.0, 150.0, 200.0}, st[] = {1.0, 2.0}, at[] = {1.0}, av[] = {50.0};
  FX(sg_set_each(sim, f->g, "I_e", ie));
  FX(sg_set(sim, f->g, "V_b", -60.0));
  FX(sg_set_vec(sim, f->sg, "spike_times", st, 2));
  FX(sg_set(sim, f->pg, "rate", 2000.0));
  FX(sg_set_vec(sim, f->sc, "amplitude_times", at, 1));
  FX(sg_set_vec(sim, f->sc, "amplitude_values", av, 1));
  FX(sg_set(sim, f->ng, "std", 10.0));
  FX(sg_set(sim, f->mm, "interval", 0.5));
  const char *vars[] = {"V_m"};
  FX(sg_set_strs(sim, f->mm, "record_from", vars, 1));
  sg_conn_spec in2;
  sg_conn_spec_default(&in2);
  in2.rule = "fixed_indegree";
  in2.indegree = 2;
  sg_syn_spec s;
  s = syn3(0.5, 1.0, 0); FX(sg_connect(sim, f->g, f->g, &in2, &s));
  s = syn3(1.0, 0.1, 0); FX(sg_connect(sim, f->pg, f->g, NULL, &s));
  s = syn3(2.0, 0.1, 1); FX(sg_connect(sim, f->pg, f->c, NULL, &s));
  s = syn3(1.0, 0.1, 0); FX(sg_connect(sim, f->sg, f->p, NULL, &s));
  s = syn3(0.5, 0.2, 0); FX(sg_connect(sim, f->p, f->g, NULL, &s));
  s = syn3(1.0, 0.1, 0); FX(sg_connect(sim, f->sc, f->c, NULL, &s));
  s = syn3(1.0, 0.1, 0); FX(sg_connect(sim, f->ng, f->g, NULL, &s));
  FX(sg_connect(sim, f->g, f->sr, NULL, NULL));
  FX(sg_connect(sim, f->c, f->sr, NULL, NULL));
  FX(sg_connect(sim, f->mm, f->g, NULL, NULL));
  FX(sg_simulate(sim, 5.0));
  return 0;
}

/* ---- the observable state, hashed ------------------------------------------------------------ */
static uint64_t fnv(uint64_t h, const void *p, size_t n) {
  const unsigned char *b = p;
  for (size_t i = 0; i < n; ++i) { h ^= b[i]; h *= 1099511628211ull; }
  return h;
}
/* SG_BADINPUT_DUMP=1 prints the hash after each part of the state (to find what a call changed). */
static int g_dump = -1;
static void dump(const char *what, uint64_t h) {
  if (g_dump < 0) g_dump = getenv("SG_BADINPUT_DUMP") && atoi(getenv("SG_BADINPUT_DUMP")) > 0;
  if (g_dump) fprintf(stderr, "  state %-24s %016llx\n", what, (unsigned long long)h);
}
#define HV(x) (h = fnv(h, &(x), sizeof(x)))

typedef struct conn_t { uint64_t s, t; double w, d; int r; } conn_t;
static int cmp_conn(const void *a, const void *b) {
  const conn_t *x = a, *y = b;
  if (x->s != y->s) return x->s < y->s ? -1 : 1;
  if (x->t != y->t) return x->t < y->t ? -1 : 1;
  if (x->d != y->d) return x->d < y->d ? -1 : 1;
  if (x->w != y->w) return x->w < y->w ? -1 : 1;
  return (x->r > y->r) - (x->r < y->r);
}

static uint64_t state_hash(const fx *f) {
  sg_sim *sim = f->sim;
  uint64_t h = 14695981039346656037ull;
  sg_memory mem;
  sg_status st = sg_memory_report(sim, &mem);
  HV(st); HV(mem.n_nodes); HV(mem.n_synapses);
  const double t = sg_time(sim);
  const uint64_t steps = sg_steps(sim);
  HV(t); HV(steps);
  dump("memory, time", h);
  for (uint64_t id = 1; id <= mem.n_nodes; ++id) {
    const char *model = NULL;
    sg_nodes pop = {0, 0, NULL};
    st = sg_node_model(sim, id, &model, &pop);
    HV(st); HV(pop.first); HV(pop.n);
    if (st || !model) continue;
    h = fnv(h, model, strlen(model));
    const sg_entry_info *e = NULL;
    size_t ne = 0;
    if (sg_model_info(model, &e, &ne)) continue;
    for (size_t k = 0; k < ne; ++k) {
      double v[64];
      size_t len = 0;
      if (e[k].kind == SG_ENTRY_VECTOR || sg_get(sim, id, e[k].name, &v[0]) != SG_OK) {
        st = sg_get_vec(sim, id, e[k].name, v, 64, &len);
        HV(st); HV(len);
        h = fnv(h, v, (len < 64 ? len : 64) * sizeof *v);
      } else {
        HV(v[0]);
      }
    }
  }
  dump("parameters and state", h);
  const sg_nodes any = {0, 0, NULL};
  uint64_t nc = 0;
  st = sg_num_connections(sim, any, any, &nc);
  HV(st); HV(nc);
  dump("sg_num_connections", h);
  enum { CAP = 256 };
  uint64_t src[CAP], tgt[CAP];
  double w[CAP], d[CAP];
  int r[CAP];
  size_t n = 0;
  st = sg_get_connections(sim, any, any, src, tgt, w, d, r, CAP, &n);
  HV(st); HV(n);
  n = n < CAP ? n : CAP;
  /* the set of connections: ties within one (source, target) pair have no promised order (the
   * CSR build sorts a row by delay), so the tuples are sorted before hashing */
  conn_t ct[CAP];
  for (size_t i = 0; i < n; ++i) ct[i] = (conn_t){src[i], tgt[i], w[i], d[i], r[i]};
  qsort(ct, n, sizeof *ct, cmp_conn);
  for (size_t i = 0; i < n; ++i) {
    HV(ct[i].s); HV(ct[i].t); HV(ct[i].w); HV(ct[i].d); HV(ct[i].r);
  }
  dump("sg_get_connections", h);
  double tt[CAP], vv[CAP];
  uint64_t ss[CAP];
  st = sg_spikes(sim, f->sr.first, tt, ss, CAP, &n);
  HV(st); HV(n);
  n = n < CAP ? n : CAP;
  h = fnv(h, tt, n * sizeof *tt); h = fnv(h, ss, n * sizeof *ss);
  st = sg_samples(sim, f->mm.first, "V_m", tt, ss, vv, CAP, &n);
  HV(st); HV(n);
  n = n < CAP ? n : CAP;
  h = fnv(h, tt, n * sizeof *tt); h = fnv(h, ss, n * sizeof *ss); h = fnv(h, vv, n * sizeof *vv);
  sg_run_stats rs;
  st = sg_run_stats_get(sim, &rs);
  dump("recordings", h);
  HV(st); HV(rs.neuron_updates); HV(rs.spikes); HV(rs.syn_events);
  dump("run statistics", h);
  return h;
}

/* ---- spec helpers (static storage: one use per expression) ---------------------------------- */
static sg_syn_spec g_syn;
static const sg_syn_spec *SY(double w, double d, int r) { g_syn = syn3(w, d, r); return &g_syn; }
static const sg_syn_spec *SYV(sg_value w, sg_value d) {
  sg_syn_spec_default(&g_syn);
  g_syn.weight = w;
  g_syn.delay = d;
  return &g_syn;
}
static const sg_syn_spec *SYN_MODEL(const char *m) { sg_syn_spec_default(&g_syn); g_syn.model = m; return &g_syn; }
static sg_conn_spec g_conn;
static const sg_conn_spec *CS(const char *rule) { sg_conn_spec_default(&g_conn); g_conn.rule = rule; return &g_conn; }
static const sg_conn_spec *CSK(const char *rule, uint64_t K, int autapses, int multapses) {
  sg_conn_spec_default(&g_conn);
  g_conn.rule = rule;
  g_conn.indegree = g_conn.outdegree = g_conn.N = K;
  g_conn.allow_autapses = autapses;
  g_conn.allow_multapses = multapses;
  return &g_conn;
}
static const sg_conn_spec *CSP(double p) { sg_conn_spec_default(&g_conn); g_conn.rule = "pairwise_bernoulli"; g_conn.p = p; return &g_conn; }
static sg_value KIND(int k) { sg_value v = sg_scalar(1.0); v.kind = (sg_value_kind)k; return v; }
static const double NINE[9] = {1, 1, 1, 1, 1, 1, 1, 1, 1};
#define R17(x) x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x
static const char *const N17[17] = {R17("tau_syn")};
static const double *const V17[17] = {R17(NINE)};
static const size_t L17[17] = {R17(1)};
static double g_arr[9];
static const double *NINE_WITH(int i, double x) { memcpy(g_arr, NINE, sizeof g_arr); g_arr[i] = x; return g_arr; }

#define NS(a, b) ((sg_nodes){(uint64_t)(a), (uint64_t)(b), NULL})
#define ALL NS(0, 0)
#define D_(...) ((const double[]){__VA_ARGS__})
#define NAMES(...) ((const char *const[]){__VA_ARGS__})
#define LS(...) sg_nodes_list((const uint64_t[]){__VA_ARGS__}, sizeof((const uint64_t[]){__VA_ARGS__}) / sizeof(uint64_t))
#define VP(v) (&(sg_value[]){v}[0])
#define VALS(...) ((const double *const[]){__VA_ARGS__})
#define LENS(...) ((const size_t[]){__VA_ARGS__})
#define OK0 SG_OK
#define NOFIX SG_STATUS_COUNT /* the bad setting cannot be undone: skip the run-after check */
#define THEN(a, b) ((tmp_st = (a)) != SG_OK ? tmp_st : (b))
#define ARG SG_ERR_ARG
#define UNK SG_ERR_UNKNOWN
#define STATE SG_ERR_STATE
#define OVF SG_ERR_OVERFLOW
/* a gl_discrete population after the fixture's 15 nodes, driven by its spike generator */
#define GLD NS(16, 2)
#define GLD_SETUP THEN(sg_create(S, "gl_discrete", 2, &on), sg_connect(S, F->sg, GLD, NULL, SY(0.5, 1, 0)))

/* X(name, status, msg1, msg2, msg3, setup, call, fix): msg NULL = no check (NULL sim: no
 * message can be set). S is the fixture's sim, F the fixture. */
#define CASES(X)                                                                                    \
  /* -- NULL handle: every entry point that takes a sim ------------------------------------- */ \
  X(null_sim_create, ARG, 0, 0, 0, OK0, sg_create(NULL, "gl_exp", 1, &on), OK0)                   \
  X(null_sim_create_named, ARG, 0, 0, 0, OK0, sg_create_named(NULL, "gl_exp", 1, "x", &on), OK0)  \
  X(null_sim_set, ARG, 0, 0, 0, OK0, sg_set(NULL, F->g, "tau_m", 5.0), OK0)                        \
  X(null_sim_set_each, ARG, 0, 0, 0, OK0, sg_set_each(NULL, F->g, "V_m", D_(1, 2, 3)), OK0)        \
  X(null_sim_set_vec, ARG, 0, 0, 0, OK0, sg_set_vec(NULL, F->sg, "spike_times", D_(1), 1), OK0)    \
  X(null_sim_set_vecs, ARG, 0, 0, 0, OK0,                                                          \
    sg_set_vecs(NULL, F->c, 1, NAMES("tau_syn"), VALS(D_(1, 2)), LENS(2)), OK0)                    \
  X(null_sim_set_strs, ARG, 0, 0, 0, OK0, sg_set_strs(NULL, F->mm2, "record_from", NAMES("V_m"), 1), OK0) \
  X(null_sim_get, ARG, 0, 0, 0, OK0, sg_get(NULL, 1, "V_m", &od), OK0)                             \
  X(null_sim_get_vec, ARG, 0, 0, 0, OK0, sg_get_vec(NULL, 4, "tau_syn", B, 8, &oz), OK0)           \
  X(null_sim_node_model, ARG, 0, 0, 0, OK0, sg_node_model(NULL, 1, &os, &on), OK0)                 \
  X(null_sim_connect, ARG, 0, 0, 0, OK0, sg_connect(NULL, F->g, F->g, NULL, NULL), OK0)            \
  X(null_sim_num_connections, ARG, 0, 0, 0, OK0, sg_num_connections(NULL, ALL, ALL, &ou), OK0)     \
  X(null_sim_get_connections, ARG, 0, 0, 0, OK0,                                                   \
    sg_get_connections(NULL, ALL, ALL, U, U2, B, B2, I, 8, &oz), OK0)                              \
  X(null_sim_simulate, ARG, 0, 0, 0, OK0, sg_simulate(NULL, 1.0), OK0)                             \
  X(null_sim_spikes, ARG, 0, 0, 0, OK0, sg_spikes(NULL, F->sr.first, B, U, 8, &oz), OK0)           \
  X(null_sim_samples, ARG, 0, 0, 0, OK0, sg_samples(NULL, F->mm.first, "V_m", B, U, B2, 8, &oz), OK0) \
  X(null_sim_memory_report, ARG, 0, 0, 0, OK0, sg_memory_report(NULL, &omem), OK0)                 \
  X(null_sim_run_stats_get, ARG, 0, 0, 0, OK0, sg_run_stats_get(NULL, &ors), OK0)                  \
  X(null_sim_mpi_info_get, ARG, 0, 0, 0, OK0, sg_mpi_info_get(NULL, &ompi), OK0)                   \
  /* -- NULL pointers ------------------------------------------------------------------------ */ \
  X(create_null_model, ARG, "model", "NULL", 0, OK0, sg_create(S, NULL, 1, &on), OK0)              \
  X(create_null_out, ARG, "out", "NULL", 0, OK0, sg_create(S, "gl_exp", 1, NULL), OK0)             \
  X(create_named_null_out, ARG, "out", "NULL", 0, OK0, sg_create_named(S, "gl_exp", 1, "abc", NULL), OK0) \
  X(set_null_name, ARG, "name", "NULL", 0, OK0, sg_set(S, F->g, NULL, 1.0), OK0)                   \
  X(set_each_null_values, ARG, "values", "NULL", 0, OK0, sg_set_each(S, F->g, "V_m", NULL), OK0)   \
  X(set_vec_null_v, ARG, "v is NULL", "len = 3", 0, OK0, sg_set_vec(S, F->sg, "spike_times", NULL, 3), OK0) \
  X(set_vec_null_name, ARG, "name", "NULL", 0, OK0, sg_set_vec(S, F->sg, NULL, D_(1), 1), OK0)      \
  X(set_vecs_null_names, ARG, "names", "NULL", 0, OK0, sg_set_vecs(S, F->c, 1, NULL, VALS(D_(1, 2)), LENS(2)), OK0) \
  X(set_vecs_null_name1, ARG, "names[1]", "NULL", 0, OK0,                                          \
    sg_set_vecs(S, F->c, 2, NAMES("tau_syn", NULL), VALS(D_(1, 2), D_(1, 2)), LENS(2, 2)), OK0)    \
  X(set_vecs_null_values0, ARG, "values[0]", "NULL", "len 2", OK0,                                 \
    sg_set_vecs(S, F->c, 1, NAMES("tau_syn"), VALS(NULL), LENS(2)), OK0)                           \
  X(set_strs_null_v, ARG, "v is NULL", "len = 2", 0, OK0, sg_set_strs(S, F->mm2, "record_from", NULL, 2), OK0) \
  X(set_strs_null_entry, ARG, "record_from[1]", "(null)", "allowed a recordable name", OK0,        \
    sg_set_strs(S, F->mm2, "record_from", NAMES("V_m", NULL), 2), OK0)                             \
  X(set_strs_empty_entry, ARG, "record_from[0]", "''", "allowed a recordable name", OK0,           \
    sg_set_strs(S, F->mm2, "record_from", NAMES(""), 1), OK0)                                      \
  X(set_strs_null_name, ARG, "name", "NULL", 0, OK0, sg_set_strs(S, F->mm2, NULL, NAMES("V_m"), 1), OK0) \
  X(get_null_name, ARG, "name", "NULL", 0, OK0, sg_get(S, 1, NULL, &od), OK0)                      \
  X(get_null_out, ARG, "out", "NULL", 0, OK0, sg_get(S, 1, "V_m", NULL), OK0)                      \
  X(get_vec_null_len, ARG, "len", "NULL", 0, OK0, sg_get_vec(S, 4, "tau_syn", B, 8, NULL), OK0)    \
  X(get_vec_null_out, ARG, "out", "NULL", "cap = 4", OK0, sg_get_vec(S, 4, "tau_syn", NULL, 4, &oz), OK0) \
  X(get_vec_null_name, ARG, "name", "NULL", 0, OK0, sg_get_vec(S, 4, NULL, B, 4, &oz), OK0)        \
  X(num_connections_null_n, ARG, "n", "NULL", 0, OK0, sg_num_connections(S, ALL, ALL, NULL), OK0)  \
  X(get_connections_null_n, ARG, "n", "NULL", 0, OK0,                                              \
    sg_get_connections(S, ALL, ALL, U, U2, B, B2, I, 8, NULL), OK0)                                \
  X(spikes_null_n, ARG, "n", "NULL", 0, OK0, sg_spikes(S, F->sr.first, B, U, 8, NULL), OK0)        \
  X(spikes_null_times, ARG, "NULL", "cap = 5", 0, OK0, sg_spikes(S, F->sr.first, NULL, U, 5, &oz), OK0) \
  X(samples_null_var, ARG, "var", "NULL", 0, OK0, sg_samples(S, F->mm.first, NULL, B, U, B2, 8, &oz), OK0) \
  X(samples_null_n, ARG, "n", "NULL", 0, OK0, sg_samples(S, F->mm.first, "V_m", B, U, B2, 8, NULL), OK0) \
  X(samples_null_values, ARG, "NULL", "cap = 5", 0, OK0, sg_samples(S, F->mm.first, "V_m", B, U, NULL, 5, &oz), OK0) \
  X(memory_report_null_out, ARG, "out", "NULL", 0, OK0, sg_memory_report(S, NULL), OK0)            \
  X(run_stats_null_out, ARG, "out", "NULL", 0, OK0, sg_run_stats_get(S, NULL), OK0)                \
  X(mpi_info_null_out, ARG, "out", "NULL", 0, OK0, sg_mpi_info_get(S, NULL), OK0)                  \
  X(connect_weight_array_null, ARG, "weight", "array[9]", "NULL", OK0,                             \
    sg_connect(S, F->g, F->g, NULL, SYV(sg_array(NULL, 9), sg_scalar(1.0))), OK0)                  \
  X(connect_delay_array_null, ARG, "delay", "array[9]", "NULL", OK0,                               \
    sg_connect(S, F->g, F->g, NULL, SYV(sg_scalar(1.0), sg_array(NULL, 9))), OK0)                  \
  /* -- unknown names ------------------------------------------------------------------------ */ \
  X(create_unknown_model, UNK, "gl_expp", "allowed", "glif_cond", OK0, sg_create(S, "gl_expp", 1, &on), OK0) \
  X(create_named_unknown_model, UNK, "iaf_cond_alpha", "allowed", "multimeter", OK0,               \
    sg_create_named(S, "iaf_cond_alpha", 1, "x", &on), OK0)                                        \
  X(set_unknown_param, UNK, "tau_mm", "allowed", "tau_m", OK0, sg_set(S, F->g, "tau_mm", 1.0), OK0) \
  X(set_each_unknown, UNK, "Vm", "allowed", "V_m", OK0, sg_set_each(S, F->g, "Vm", D_(1, 2, 3)), OK0) \
  X(set_vec_unknown, UNK, "spike_timez", "allowed", "spike_times", OK0,                            \
    sg_set_vec(S, F->sg, "spike_timez", D_(1), 1), OK0)                                            \
  X(set_vecs_unknown, UNK, "tau_sin", "allowed", "tau_syn", OK0,                                   \
    sg_set_vecs(S, F->c, 1, NAMES("tau_sin"), VALS(D_(1, 2)), LENS(2)), OK0)                       \
  X(set_strs_not_multimeter, UNK, "record_from", "gl_exp", "allowed multimeter.record_from", OK0,  \
    sg_set_strs(S, F->g, "record_from", NAMES("V_m"), 1), OK0)                                     \
  X(set_strs_unknown_name, UNK, "record_to", "allowed", "record_from", OK0,                        \
    sg_set_strs(S, F->mm2, "record_to", NAMES("V_m"), 1), OK0)                                     \
  X(get_unknown, UNK, "nope", "allowed", "V_m", OK0, sg_get(S, 1, "nope", &od), OK0)               \
  X(get_vec_unknown, UNK, "nope", "allowed", "tau_syn", OK0, sg_get_vec(S, 4, "nope", B, 8, &oz), OK0) \
  X(connect_unknown_rule, UNK, "all_to_none", "allowed", "pairwise_bernoulli", OK0,                \
    sg_connect(S, F->g, F->g, CS("all_to_none"), NULL), OK0)                                       \
  X(connect_unknown_synapse, UNK, "stdp_synapse", "allowed", "static_synapse", OK0,                \
    sg_connect(S, F->g, F->g, NULL, SYN_MODEL("stdp_synapse")), OK0)                               \
  X(samples_unknown_var, UNK, "g_1", "allowed", "V_m", OK0,                                        \
    sg_samples(S, F->mm.first, "g_1", B, U, B2, 8, &oz), OK0)                                      \
  X(connect_unknown_recordable, UNK, "V_x", "allowed", "V_m",                                      \
    sg_set_strs(S, F->mm2, "record_from", NAMES("V_x"), 1), sg_connect(S, F->mm2, F->g, NULL, NULL), NOFIX) \
  X(connect_mm_targets_after_recording, STATE, "multimeter 13", "already recorded",                \
    "create a new multimeter", OK0, sg_connect(S, F->mm, NS(4, 1), NULL, NULL), OK0)               \
  /* -- NaN, inf, negative, zero ---------------------------------------------------------------- */ \
  X(set_tau_m_nan, ARG, "tau_m", "nan", "allowed > 0", OK0, sg_set(S, F->g, "tau_m", NAN), OK0)    \
  X(set_tau_m_inf, ARG, "tau_m", "inf", "allowed > 0", OK0, sg_set(S, F->g, "tau_m", INFINITY), OK0) \
  X(set_tau_m_neg, ARG, "tau_m", "-1", "allowed > 0", OK0, sg_set(S, F->g, "tau_m", -1.0), OK0)    \
  X(set_tau_m_zero, ARG, "tau_m", "= 0", "allowed > 0", OK0, sg_set(S, F->g, "tau_m", 0.0), OK0)   \
  X(set_C_m_neginf, ARG, "C_m", "-inf", "allowed > 0", OK0, sg_set(S, F->g, "C_m", -INFINITY), OK0) \
  X(set_t_ref_neg, ARG, "t_ref", "-0.5", "allowed >= 0", OK0, sg_set(S, F->g, "t_ref", -0.5), OK0) \
  X(set_V_m_nan, ARG, "V_m", "nan", "allowed any finite", OK0, sg_set(S, F->g, "V_m", NAN), OK0)   \
  X(set_I_e_inf, ARG, "I_e", "inf", "allowed any finite", OK0, sg_set(S, F->g, "I_e", INFINITY), OK0) \
  X(set_bool_half, ARG, "reset_after_spike", "0.5", "allowed 0 or 1", OK0,                         \
    sg_set(S, F->g, "reset_after_spike", 0.5), OK0)                                                \
  X(set_each_nan_middle, ARG, "V_m", "nan", "node 2", OK0, sg_set_each(S, F->g, "V_m", D_(-60, NAN, -70)), OK0) \
  X(set_each_neg_last, ARG, "tau_m", "-1", "node 3", OK0, sg_set_each(S, F->g, "tau_m", D_(5, 6, -1)), OK0) \
  X(set_rate_neg, ARG, "rate", "-5", "allowed >= 0", OK0, sg_set(S, F->pg, "rate", -5.0), OK0)     \
  X(set_rate_nan, ARG, "rate", "nan", "allowed >= 0", OK0, sg_set(S, F->pg, "rate", NAN), OK0)     \
  X(set_noise_std_neg, ARG, "std", "-1", "allowed >= 0", OK0, sg_set(S, F->ng, "std", -1.0), OK0)  \
  X(set_noise_std_mod_gt_std, ARG, "std_mod = 20", "std = 10", "allowed 0 <= std_mod <= std", OK0, \
    sg_set(S, F->ng, "std_mod", 20.0), OK0)                                                        \
  X(set_glif_V_reset_above_V_th, ARG, "V_reset = -40", "V_th = -51.68", "smaller than the threshold", OK0, \
    sg_set(S, F->c, "V_reset", -40.0), OK0)                                                        \
  X(set_glif_C_m_zero, ARG, "C_m", "= 0", "allowed > 0", OK0, sg_set(S, F->c, "C_m", 0.0), OK0)    \
  X(set_gl_refr_tick_half, ARG, "gl_exp.refr_tick", "= 0.5", "allowed an integer in [0, 2^32)", OK0, \
    sg_set(S, F->g, "refr_tick", 0.5), OK0)                                                        \
  X(set_gl_refr_tick_neg, ARG, "gl_exp.refr_tick", "= -1", "allowed an integer", OK0,              \
    sg_set(S, F->g, "refr_tick", -1.0), OK0)                                                       \
  X(set_gl_refr_tick_huge, ARG, "gl_exp.refr_tick", "= 1e+308", "[0, 2^32)", OK0,                  \
    sg_set(S, F->g, "refr_tick", 1e308), OK0)                                                      \
  X(set_each_gl_refr_tick_half, ARG, "refr_tick", "= 0.5", "node 3", OK0,                         \
    sg_set_each(S, F->g, "refr_tick", D_(0, 2, 0.5)), OK0)                                         \
  /* gl_discrete: a population made by the row's setup (ids 16..17) */                              \
  X(set_gld_mu_above_1, ARG, "gl_discrete.mu", "= 1.5", "allowed [0, 1]", GLD_SETUP,                 \
    sg_set(S, GLD, "mu", 1.5), OK0)                                                                \
  X(set_gld_tau_gain_half, ARG, "gl_discrete.tau_gain", "= 0.5", "allowed >= 1 or inf", GLD_SETUP,   \
    sg_set(S, GLD, "tau_gain", 0.5), OK0)                                                          \
  X(set_gld_tau_gain_nan, ARG, "tau_gain", "nan", "allowed >= 1 or inf", GLD_SETUP,                  \
    sg_set(S, GLD, "tau_gain", NAN), OK0)                                                          \
  X(set_gld_r_zero, ARG, "gl_discrete.r", "= 0", "allowed > 0", GLD_SETUP, sg_set(S, GLD, "r", 0.0), OK0) \
  X(set_gld_phi_two, ARG, "gl_discrete.phi", "= 2", "allowed 0 or 1", GLD_SETUP,                     \
    sg_set(S, GLD, "phi", 2.0), OK0)                                                               \
  X(set_gld_u_neg, ARG, "gl_discrete.u", "= -0.5", "allowed [0, 1]", GLD_SETUP,                      \
    sg_set(S, GLD, "u", -0.5), OK0)                                                                \
  X(set_gld_spiked_half, ARG, "gl_discrete.spiked", "= 0.5", "allowed 0 or 1", GLD_SETUP,            \
    sg_set(S, GLD, "spiked", 0.5), OK0)                                                            \
  X(set_each_gld_gain_neg, ARG, "gain", "= -1", "node 17", GLD_SETUP,                                \
    sg_set_each(S, GLD, "gain", D_(1, -1)), OK0)                                                   \
  X(connect_gld_receptor_1, ARG, "receptor_type = 1", "gl_discrete", "allowed 0", GLD_SETUP,         \
    sg_connect(S, F->sg, GLD, NULL, SY(1, 1, 1)), OK0)                                             \
  X(connect_current_gld, ARG, "gl_discrete for current input", "step_current_generator", "allowed none", \
    GLD_SETUP, sg_connect(S, F->sc, GLD, NULL, SY(1, 1, 0)), OK0)                                  \
  X(get_glif_vector_state, ARG, "glif_cond.g", "vector state", "use sg_get_vec", OK0,              \
    sg_get(S, 4, "g", &od), OK0)                                                                   \
  X(set_glif_bool_two, ARG, "spike_dependent_threshold", "= 2", "allowed 0 or 1", OK0,             \
    sg_set(S, F->c, "spike_dependent_threshold", 2.0), OK0)                                        \
  X(set_glif_bad_combination, ARG, "adapting_threshold = 1", "allowed", "GLIF5", OK0,              \
    sg_set(S, F->c, "adapting_threshold", 1.0), OK0)                                               \
  X(set_glif_state_readonly, ARG, "threshold", "read-only", "allowed to set V_m", OK0,             \
    sg_set(S, F->c, "threshold", -50.0), OK0)                                                      \
  X(set_glif_asc_off, ARG, "ASCurrents", "after_spike_currents is off", "node 4", OK0,             \
    sg_set_vec(S, F->c, "ASCurrents", D_(1, 2), 2), OK0)                                           \
  X(set_vec_tau_syn_neg, ARG, "tau_syn[1]", "-1", "allowed > 0", OK0,                              \
    sg_set_vec(S, F->c, "tau_syn", D_(0.5, -1), 2), OK0)                                           \
  X(set_vec_asc_decay_nan, ARG, "asc_decay[0]", "nan", "allowed any finite", OK0,                  \
    sg_set_vec(S, F->c, "asc_decay", D_(NAN, 1), 2), OK0)                                          \
  X(set_vec_spike_times_inf, ARG, "spike_times[1]", "inf", "allowed >= 0", OK0,                    \
    sg_set_vec(S, F->sg, "spike_times", D_(1, INFINITY), 2), OK0)                                  \
  X(set_vec_spike_times_neg, ARG, "spike_times[0]", "-1", "allowed >= 0", OK0,                     \
    sg_set_vec(S, F->sg, "spike_times", D_(-1, 2), 2), OK0)                                        \
  X(set_vec_spike_times_unsorted, ARG, "spike_times[1] = 1", "spike_times[0] = 2", "non-descending", OK0, \
    sg_set_vec(S, F->sg, "spike_times", D_(2, 1), 2), OK0)                                         \
  X(set_vec_spike_times_zero, ARG, "spike_times[0] = 0", "allowed > 0", "shift_now_spikes", OK0,   \
    sg_set_vec(S, F->sg, "spike_times", D_(0, 1), 2), OK0)                                         \
  X(set_vec_spike_times_huge, ARG, "spike_times[0]", "1e+13", "allowed at most 9e+12", OK0,        \
    sg_set_vec(S, F->sg, "spike_times", D_(1e13, 2e13), 2), OK0)                                   \
  X(set_vec_multiplicity_frac, ARG, "spike_multiplicities[0]", "1.5", "allowed an integer", OK0,   \
    sg_set_vec(S, F->sg, "spike_multiplicities", D_(1.5, 1), 2), OK0)                              \
  X(set_vecs_amp_times_repeat, ARG, "amplitude_times[1] = 1", "amplitude_times[0] = 1", "strictly increasing", OK0, \
    sg_set_vecs(S, F->sc, 2, NAMES("amplitude_times", "amplitude_values"), VALS(D_(1, 1), D_(1, 2)), LENS(2, 2)), OK0) \
  X(set_vec_amp_values_nan, ARG, "amplitude_values[0]", "nan", "allowed any finite", OK0,          \
    sg_set_vec(S, F->sc, "amplitude_values", D_(NAN), 1), OK0)                                     \
  X(set_vec_amp_times_huge, ARG, "amplitude_times[0]", "1e+13", "allowed at most 9e+12", OK0,      \
    sg_set_vec(S, F->sc, "amplitude_times", D_(1e13), 1), OK0)                                     \
  X(simulate_nan, ARG, "t = nan", "allowed >= 0", 0, OK0, sg_simulate(S, NAN), OK0)                \
  X(simulate_neg, ARG, "t = -1", "allowed >= 0", 0, OK0, sg_simulate(S, -1.0), OK0)                \
  X(simulate_inf, ARG, "t = inf", "allowed >= 0", 0, OK0, sg_simulate(S, INFINITY), OK0)           \
  X(simulate_huge, ARG, "t = 1e+300", "2^40 steps", "allowed at most", OK0, sg_simulate(S, 1e300), OK0) \
  X(simulate_2_40_steps, ARG, "t = 10995116277", "2^40 steps", "allowed at most", OK0,          \
    sg_simulate(S, 0x1p40 * 0.1), OK0)                                                             \
  X(connect_weight_nan, ARG, "weight = nan", "allowed any finite", 0, OK0,                         \
    sg_connect(S, F->g, F->g, NULL, SY(NAN, 1, 0)), OK0)                                           \
  X(connect_weight_inf, ARG, "weight = inf", "allowed any finite", 0, OK0,                         \
    sg_connect(S, F->g, F->g, NULL, SY(INFINITY, 1, 0)), OK0)                                      \
  X(connect_weight_neginf, ARG, "weight = -inf", "allowed any finite", 0, OK0,                     \
    sg_connect(S, F->g, F->g, NULL, SY(-INFINITY, 1, 0)), OK0)                                     \
  X(connect_weight_float_overflow, ARG, "weight = 1e+39", "allowed |weight| <=", 0, OK0,           \
    sg_connect(S, F->g, F->g, NULL, SY(1e39, 1, 0)), OK0)                                          \
  X(connect_weight_array_nan, ARG, "weight[4]", "nan", "allowed any finite", OK0,                  \
    sg_connect(S, F->g, F->g, NULL, SYV(sg_array(NINE_WITH(4, NAN), 9), sg_scalar(1.0))), OK0)     \
  X(connect_delay_nan, ARG, "delay = nan", "allowed >= resolution", 0, OK0,                        \
    sg_connect(S, F->g, F->g, NULL, SY(1, NAN, 0)), OK0)                                           \
  X(connect_delay_inf, ARG, "delay = inf", "allowed >= resolution", 0, OK0,                        \
    sg_connect(S, F->g, F->g, NULL, SY(1, INFINITY, 0)), OK0)                                      \
  X(connect_delay_zero, ARG, "delay = 0", "resolution (0.1 ms)", 0, OK0,                           \
    sg_connect(S, F->g, F->g, NULL, SY(1, 0.0, 0)), OK0)                                           \
  X(connect_delay_neg, ARG, "delay = -1", "resolution (0.1 ms)", 0, OK0,                           \
    sg_connect(S, F->g, F->g, NULL, SY(1, -1.0, 0)), OK0)                                          \
  X(connect_delay_huge, ARG, "delay = 1e+09", "allowed at most", 0, OK0,                           \
    sg_connect(S, F->g, F->g, NULL, SY(1, 1e9, 0)), OK0)                                           \
  X(connect_p_nan, ARG, "p = nan", "allowed [0, 1]", 0, OK0, sg_connect(S, F->g, F->g, CSP(NAN), NULL), OK0) \
  X(connect_p_big, ARG, "p = 1.5", "allowed [0, 1]", 0, OK0, sg_connect(S, F->g, F->g, CSP(1.5), NULL), OK0) \
  X(connect_p_neg, ARG, "p = -0.1", "allowed [0, 1]", 0, OK0, sg_connect(S, F->g, F->g, CSP(-0.1), NULL), OK0) \
  X(connect_uniform_nan, ARG, "uniform(min = nan", "allowed finite min < max", 0, OK0,             \
    sg_connect(S, F->g, F->g, NULL, SYV(sg_random_uniform(NAN, 1), sg_scalar(1))), OK0)            \
  X(connect_uniform_reversed, ARG, "uniform(min = 2, max = 1)", "allowed finite min < max", 0, OK0, \
    sg_connect(S, F->g, F->g, NULL, SYV(sg_random_uniform(2, 1), sg_scalar(1))), OK0)              \
  X(connect_normal_neg_std, ARG, "normal(mean = 0, std = -1)", "allowed", "std >= 0", OK0,         \
    sg_connect(S, F->g, F->g, NULL, SYV(sg_random_normal(0, -1), sg_scalar(1))), OK0)              \
  X(connect_lognormal_inf, ARG, "lognormal(mu = 0, sigma = inf)", "allowed", "sigma >= 0", OK0,    \
    sg_connect(S, F->g, F->g, NULL, SYV(sg_random_lognormal(0, INFINITY), sg_scalar(1))), OK0)     \
  X(connect_exponential_neg, ARG, "exponential(beta = -1)", "allowed finite beta >= 0", 0, OK0,    \
    sg_connect(S, F->g, F->g, NULL, SYV(sg_scalar(1), sg_random_exponential(-1))), OK0)            \
  X(connect_clipped_empty, ARG, "normal_clipped(mean = 0, std = 1, lo = 5, hi = 6)", "keeps", "allowed bounds", OK0, \
    sg_connect(S, F->g, F->g, NULL, SYV(sg_random_normal_clipped(0, 1, 5, 6), sg_scalar(1))), OK0) \
  X(connect_clipped_nan, ARG, "normal_clipped", "nan", "allowed", OK0,                             \
    sg_connect(S, F->g, F->g, NULL, SYV(sg_random_normal_clipped(0, 1, NAN, 6), sg_scalar(1))), OK0) \
  X(connect_value_kind_bad, ARG, "kind 99", "allowed SG_VALUE_SCALAR", 0, OK0,                     \
    sg_connect(S, F->g, F->g, NULL, SYV(KIND(99), sg_scalar(1))), OK0)                             \
  X(connect_value_kind_neg, ARG, "kind -1", "allowed SG_VALUE_SCALAR", 0, OK0,                     \
    sg_connect(S, F->g, F->g, NULL, SYV(sg_scalar(1), KIND(-1))), OK0)                             \
  X(connect_autapses_two, ARG, "allow_autapses = 2", "allowed 0 or 1", 0, OK0,                     \
    sg_connect(S, F->g, F->g, CSK("all_to_all", 0, 2, 1), NULL), OK0)                              \
  X(connect_multapses_neg, ARG, "allow_multapses = -1", "allowed 0 or 1", 0, OK0,                  \
    sg_connect(S, F->g, F->g, CSK("all_to_all", 0, 1, -1), NULL), OK0)                             \
  X(connect_indegree_no_multapses, ARG, "indegree = 4", "allowed indegree <= 3", 0, OK0,           \
    sg_connect(S, F->g, F->g, CSK("fixed_indegree", 4, 1, 0), NULL), OK0)                          \
  X(connect_indegree_2_33, ARG, "indegree = 8589934592", "allowed at most 2^32", 0, OK0,           \
    sg_connect(S, F->g, F->g, CSK("fixed_indegree", (uint64_t)1 << 33, 1, 1), NULL), OK0)          \
  X(connect_outdegree_only_self, ARG, "outdegree = 1", "only candidate is itself", "allow_autapses = 1", OK0, \
    sg_connect(S, NS(1, 1), NS(1, 1), CSK("fixed_outdegree", 1, 0, 1), NULL), OK0)                 \
  X(connect_total_2_41, ARG, "N = 2199023255552", "allowed at most 2^40", 0, OK0,                  \
    sg_connect(S, F->g, F->g, CSK("fixed_total_number", (uint64_t)1 << 41, 1, 1), NULL), OK0)      \
  X(connect_total_no_multapses, ARG, "fixed_total_number", "allow_multapses = 0", "allowed allow_multapses = 1", OK0, \
    sg_connect(S, F->g, F->g, CSK("fixed_total_number", 5, 1, 0), NULL), OK0)                      \
  X(connect_one_to_one_sizes, ARG, "one_to_one", "pre has 3 nodes, post 2", 0, OK0,                \
    sg_connect(S, F->g, F->p, CS("one_to_one"), NULL), OK0)                                        \
  /* -- wrong vector lengths ------------------------------------------------------------------- */ \
  X(set_vec_weights_len, ARG, "spike_weights has 3 values but spike_times has 2", "allowed empty or the same length", 0, OK0, \
    sg_set_vec(S, F->sg, "spike_weights", D_(1, 2, 3), 3), OK0)                                    \
  X(set_vec_mult_len, ARG, "spike_multiplicities has 1 values but spike_times has 2", "allowed empty or the same length", 0, OK0, \
    sg_set_vec(S, F->sg, "spike_multiplicities", D_(1), 1), OK0)                                   \
  X(set_vecs_receptor_lengths, ARG, "E_rev (2)", "tau_syn (3)", "same size", OK0,                  \
    sg_set_vecs(S, F->c, 2, NAMES("tau_syn", "E_rev"), VALS(D_(1, 2, 3), D_(0, -85)), LENS(3, 2)), OK0) \
  X(set_vecs_receptors_frozen, STATE, "receptor ports (3)", "cannot change to 4", "connections", OK0, \
    sg_set_vecs(S, F->c, 2, NAMES("E_rev", "tau_syn"), VALS(D_(0, -85, -70), D_(1, 2, 3)), LENS(3, 3)), OK0) \
  X(set_vec_receptors_frozen, STATE, "tau_syn", "receptor ports (3)", "cannot change to 2", OK0,   \
    sg_set_vec(S, F->c, "tau_syn", D_(1), 1), OK0)                                                 \
  X(set_vec_part_length_change, ARG, "asc_decay", "length change must apply to the whole population", "4..5", OK0, \
    sg_set_vec(S, NS(4, 1), "asc_decay", D_(1, 2, 3), 3), OK0)                                     \
  X(set_vecs_part_length_change, ARG, "asc_amps", "length change must apply to the whole population", "4..5", OK0, \
    sg_set_vecs(S, NS(5, 1), 2, NAMES("asc_init", "asc_amps"), VALS(D_(0, 0), D_(1, 2, 3)), LENS(2, 3)), OK0) \
  X(set_vec_len_huge, ARG, "len = 536870912", "allowed at most 2^28", 0, OK0,                      \
    sg_set_vec(S, F->sg, "spike_times", B, (size_t)1 << 29), OK0)                                  \
  X(set_vecs_count_17, ARG, "count = 17", "allowed at most 16", 0, OK0,                            \
    sg_set_vecs(S, F->c, 17, N17, V17, L17), OK0)                         \
  X(set_vecs_duplicate, ARG, "tau_syn is given twice", 0, 0, OK0,                                  \
    sg_set_vecs(S, F->c, 2, NAMES("tau_syn", "tau_syn"), VALS(D_(1, 2), D_(1, 2)), LENS(2, 2)), OK0) \
  X(set_vecs_scalar, ARG, "g_m", "not a vector parameter", 0, OK0,                               \
    sg_set_vecs(S, F->c, 1, NAMES("g_m"), VALS(D_(1)), LENS(1)), OK0)                              \
  X(set_strs_duplicate, ARG, "record_from[1] = 'V_m'", "repeats record_from[0]", 0, OK0,           \
    sg_set_strs(S, F->mm2, "record_from", NAMES("V_m", "V_m"), 2), OK0)                            \
  X(set_strs_part, ARG, "whole multimeter population", "2 nodes", "got 1", OK0,                    \
    sg_set_strs(S, NS(F->mm2.first, 1), "record_from", NAMES("V_m"), 1), OK0)                      \
  X(set_vec_amp_lengths, ARG, "amplitude_times has 2 values but amplitude_values has 1", "same length", 0, OK0, \
    sg_set_vec(S, F->sc, "amplitude_times", D_(1, 2), 2), OK0)                                     \
  X(set_scalar_on_vector, ARG, "tau_syn", "vector parameter", "sg_set_vec", OK0, sg_set(S, F->c, "tau_syn", 1.0), OK0) \
  X(set_each_on_vector, ARG, "tau_syn", "vector parameter", "sg_set_vec", OK0,                     \
    sg_set_each(S, F->c, "tau_syn", D_(1, 2)), OK0)                                                \
  X(set_vec_on_scalar, ARG, "tau_m", "not a vector parameter", "sg_set", OK0,                      \
    sg_set_vec(S, F->g, "tau_m", D_(1), 1), OK0)                                                   \
  X(get_on_vector, ARG, "tau_syn", "is a vector", "sg_get_vec", OK0, sg_get(S, 4, "tau_syn", &od), OK0) \
  X(get_vec_on_scalar, ARG, "tau_m", "is a scalar", "sg_get", OK0, sg_get_vec(S, 1, "tau_m", B, 8, &oz), OK0) \
  X(connect_weight_array_len, ARG, "weight = array[4]", "allowed length", "3 x 3 = 9", OK0,        \
    sg_connect(S, F->g, F->g, NULL, SYV(sg_array(NINE, 4), sg_scalar(1))), OK0)                    \
  X(connect_delay_array_bernoulli, ARG, "delay = array[9]", "pairwise_bernoulli", "allowed a scalar", OK0, \
    sg_connect(S, F->g, F->g, CSP(0.5), SYV(sg_scalar(1), sg_array(NINE, 9))), OK0)                \
  /* -- off-grid times ------------------------------------------------------------------------- */ \
  X(set_start_offgrid, ARG, "start", "0.15", "multiple of the resolution 0.1", OK0, sg_set(S, F->sr, "start", 0.15), OK0) \
  X(set_stop_offgrid, ARG, "stop", "0.123", "multiple of the resolution 0.1", OK0, sg_set(S, F->pg, "stop", 0.123), OK0) \
  X(set_origin_offgrid, ARG, "origin", "0.05", "multiple of the resolution 0.1", OK0, sg_set(S, F->sc, "origin", 0.05), OK0) \
  X(set_interval_offgrid, ARG, "interval", "0.05", "multiple of the resolution 0.1", OK0,          \
    sg_set(S, F->mm2, "interval", 0.05), OK0)                                                      \
  X(set_interval_zero, ARG, "interval = 0", "allowed >= resolution", 0, OK0, sg_set(S, F->mm2, "interval", 0.0), OK0) \
  X(set_interval_connected, STATE, "interval", "cannot be changed after", "connected", OK0,        \
    sg_set(S, F->mm, "interval", 1.0), OK0)                                                        \
  X(set_strs_connected, STATE, "record_from", "cannot be changed after", "connected", OK0,         \
    sg_set_strs(S, F->mm, "record_from", NAMES("I_stim"), 1), OK0)                                 \
  X(set_dt_offgrid, ARG, "dt", "0.05", "multiple of the resolution 0.1", OK0, sg_set(S, F->ng, "dt", 0.05), OK0) \
  X(set_start_huge, ARG, "start", "1e+13", "allowed at most 9e12 ms", OK0, sg_set(S, F->sr, "start", 1e13), OK0) \
  X(set_stop_neg, ARG, "stop", "-1", "allowed >= 0", OK0, sg_set(S, F->sr, "stop", -1.0), OK0)     \
  X(simulate_offgrid, ARG, "t = 0.15", "multiple of the resolution 0.1", 0, OK0, sg_simulate(S, 0.15), OK0) \
  X(simulate_subtic, ARG, "t = 1e-05", "multiple of the resolution 0.1", 0, OK0, sg_simulate(S, 1e-5), OK0) \
  X(simulate_spike_times_offgrid, ARG, "spike_times[0]", "6.05", "allowed multiples of the resolution", \
    sg_set_vec(S, F->sg, "spike_times", D_(6.05), 1), sg_simulate(S, 1.0),                          \
    sg_set(S, F->sg, "allow_offgrid_times", 1.0))                                                  \
  X(simulate_amp_times_offgrid, ARG, "amplitude_times[0]", "6.05", "allowed multiples of the resolution", \
    sg_set_vec(S, F->sc, "amplitude_times", D_(6.05), 1), sg_simulate(S, 1.0),                      \
    sg_set(S, F->sc, "allow_offgrid_times", 1.0))                                                  \
  X(simulate_amp_length_mismatch, ARG, "amplitude_times has 1 values but amplitude_values has 0", "same length", 0, \
    sg_set_vec(S, F->sc, "amplitude_values", NULL, 0), sg_simulate(S, 1.0),                        \
    sg_set_vec(S, F->sc, "amplitude_values", D_(50), 1))                                           \
  X(simulate_gen_stop_before_start, ARG, "stop = 1 ms < start = 2 ms", "allowed stop >= start", "poisson_generator", \
    THEN(sg_set(S, F->pg, "stop", 1.0), sg_set(S, F->pg, "start", 2.0)), sg_simulate(S, 1.0),      \
    sg_set(S, F->pg, "stop", 3.0))                                                                 \
  X(simulate_rec_stop_before_start, ARG, "stop = 1 ms < start = 2 ms", "allowed stop >= start", "spike_recorder", \
    THEN(sg_set(S, F->sr, "stop", 1.0), sg_set(S, F->sr, "start", 2.0)), sg_simulate(S, 1.0),      \
    sg_set(S, F->sr, "stop", 3.0))                                                                 \
  /* -- delays below one step ----------------------------------------------------------------- */ \
  X(connect_delay_below_step, ARG, "delay = 0.04", "rounds to 0 steps", "resolution (0.1 ms)", OK0, \
    sg_connect(S, F->g, F->g, NULL, SY(1, 0.04, 0)), OK0)                                          \
  X(connect_delay_dist_below_step, ARG, "delay = ", "uniform(0.01, 0.04)", "resolution (0.1 ms)", OK0, \
    sg_connect(S, F->g, F->g, NULL, SYV(sg_scalar(1), sg_random_uniform(0.01, 0.04))), OK0)        \
  X(connect_delay_array_below_step, ARG, "delay[2]", "0.01", "resolution (0.1 ms)", OK0,           \
    sg_connect(S, F->g, F->g, NULL, SYV(sg_scalar(1), sg_array(NINE_WITH(2, 0.01), 9))), OK0)      \
  /* -- ids out of range ------------------------------------------------------------------------ */ \
  X(get_id_zero, ARG, "node id 0", "out of range", "allowed 1..15", OK0, sg_get(S, 0, "V_m", &od), OK0) \
  X(get_id_past_end, ARG, "node id 16", "out of range", "allowed 1..15", OK0, sg_get(S, 16, "V_m", &od), OK0) \
  X(get_id_max, ARG, "18446744073709551615", "out of range", "allowed 1..15", OK0, sg_get(S, UINT64_MAX, "V_m", &od), OK0) \
  X(get_vec_id_zero, ARG, "node id 0", "out of range", "allowed 1..15", OK0, sg_get_vec(S, 0, "tau_syn", B, 8, &oz), OK0) \
  X(set_first_zero, ARG, "nodes = ids 0..0", "out of range", "allowed 1..15", OK0, sg_set(S, NS(0, 1), "tau_m", 5.0), OK0) \
  X(set_past_end, ARG, "nodes = ids 15..16", "out of range", "allowed 1..15", OK0, sg_set(S, NS(15, 2), "interval", 1.0), OK0) \
  X(set_wrap, ARG, "nodes = ids 2..", "out of range", "allowed 1..15", OK0, sg_set(S, NS(2, UINT64_MAX), "tau_m", 5.0), OK0) \
  X(set_empty, ARG, "n 0", "allowed n >= 1", 0, OK0, sg_set(S, NS(1, 0), "tau_m", 5.0), OK0)       \
  X(set_span, ARG, "C_m", "-50", "(node 3)", OK0, sg_set(S, NS(3, 2), "C_m", -50.0), OK0)            \
  X(set_each_span, UNK, "parrot_neuron has no parameter 'origin'", "allowed", 0, OK0,              \
    sg_set_each(S, NS(7, 2), "origin", D_(1, 1)), OK0)                                             \
  /* -- id lists (sg_nodes.ids) and drawn values (sg_set_value) ----------------------------------- */ \
  X(set_list_dup, ARG, "id 3 at position 2 repeats", "strictly ascending", 0, OK0,                 \
    sg_set(S, LS(1, 3, 3), "V_b", -61.0), OK0)                                                     \
  X(set_list_unsorted, ARG, "id 2 at position 1 is below id 3", "strictly ascending", 0, OK0,      \
    sg_set(S, LS(3, 2), "V_b", -61.0), OK0)                                                        \
  X(set_list_zero, ARG, "id 0", "allowed 1..15", 0, OK0, sg_set(S, LS(0, 2), "V_b", -61.0), OK0)    \
  X(set_list_device, UNK, "V_b", "spike_recorder", 0, OK0, sg_set(S, LS(1, 12), "V_b", -61.0), OK0) \
  X(set_each_list_bad_value, ARG, "C_m", "(node 4)", "allowed", OK0,                               \
    sg_set_each(S, LS(1, 4), "C_m", D_(10, -1)), OK0)                                              \
  X(nodes_check_past_end, ARG, "id 16", "allowed 1..15", 0, OK0, sg_nodes_check(S, LS(2, 16)), OK0) \
  X(connect_list_dup, ARG, "post", "repeats", 0, OK0, sg_connect(S, F->g, LS(1, 1), NULL, NULL), OK0) \
  X(set_value_null, ARG, "v", "NULL", 0, OK0, sg_set_value(S, F->g, "V_m", NULL), OK0)               \
  X(set_value_uniform_empty, ARG, "V_m = uniform(min = 2, max = 1)", "allowed finite min < max", 0, \
    OK0, sg_set_value(S, F->g, "V_m", VP(sg_random_uniform(2, 1))), OK0)                           \
  X(set_value_drawn_refused, ARG, "C_m", "drawn from normal(10, 1000)", "allowed", OK0,            \
    sg_set_value(S, LS(1, 2, 3, 4, 5), "C_m", VP(sg_random_normal(10, 1000))), OK0)                \
  X(set_value_array_len, ARG, "array[2] for 3 nodes", "one value per node", 0, OK0,                \
    sg_set_value(S, F->g, "V_m", VP(sg_array(D_(1, 2), 2))), OK0)                                  \
  X(set_value_vector, ARG, "tau_syn", "vector parameter", 0, OK0,                                  \
    sg_set_value(S, F->c, "tau_syn", VP(sg_random_uniform(1, 2))), OK0)                            \
  X(set_vec_out_of_range, ARG, "nodes = ids 40..40", "out of range", "allowed 1..15", OK0,            \
    sg_set_vec(S, NS(40, 1), "spike_times", D_(1), 1), OK0)                                        \
  X(set_strs_out_of_range, ARG, "out of range", "allowed 1..15", 0, OK0,                           \
    sg_set_strs(S, NS(16, 1), "record_from", NAMES("V_m"), 1), OK0)                                \
  X(node_model_zero, ARG, "node id 0", "out of range", "allowed 1..15", OK0, sg_node_model(S, 0, &os, &on), OK0) \
  X(node_model_past_end, ARG, "node id 99", "out of range", "allowed 1..15", OK0, sg_node_model(S, 99, &os, &on), OK0) \
  X(connect_pre_zero, ARG, "pre = ids 0..0", "out of range", "allowed 1..15", OK0,                 \
    sg_connect(S, NS(0, 1), F->g, NULL, NULL), OK0)                                                \
  X(connect_post_past_end, ARG, "post = ids 15..17", "out of range", "allowed 1..15", OK0,         \
    sg_connect(S, F->g, NS(15, 3), NULL, NULL), OK0)                                               \
  X(connect_pre_empty, ARG, "pre", "n 0", "allowed n >= 1", OK0, sg_connect(S, NS(1, 0), F->g, NULL, NULL), OK0) \
  X(connect_pre_wrap, ARG, "pre = ids 2..", "out of range", "allowed 1..15", OK0,                  \
    sg_connect(S, NS(2, UINT64_MAX), F->g, NULL, NULL), OK0)                                       \
  X(num_connections_out_of_range, ARG, "pre = ids 16..16", "out of range", "allowed 1..15", OK0,   \
    sg_num_connections(S, NS(16, 1), ALL, &ou), OK0)                                               \
  X(num_connections_half_any, ARG, "post = ids 0..4", "out of range", "allowed 1..15", OK0,        \
    sg_num_connections(S, ALL, NS(0, 5), &ou), OK0)                                                \
  X(get_connections_out_of_range, ARG, "post = ids 1..100", "out of range", "allowed 1..15", OK0,  \
    sg_get_connections(S, ALL, NS(1, 100), U, U2, B, B2, I, 8, &oz), OK0)                          \
  X(spikes_not_recorder, ARG, "node 1 is gl_exp", "allowed a spike_recorder", 0, OK0,              \
    sg_spikes(S, 1, B, U, 8, &oz), OK0)                                                            \
  X(spikes_out_of_range, ARG, "node 77", "out of range", "allowed a spike_recorder", OK0,          \
    sg_spikes(S, 77, B, U, 8, &oz), OK0)                                                           \
  X(samples_not_multimeter, ARG, "is spike_recorder", "allowed a multimeter", 0, OK0,              \
    sg_samples(S, F->sr.first, "V_m", B, U, B2, 8, &oz), OK0)                                      \
  X(samples_out_of_range, ARG, "node 0", "out of range", "allowed a multimeter", OK0,              \
    sg_samples(S, 0, "V_m", B, U, B2, 8, &oz), OK0)                                                \
  X(create_n_zero, ARG, "n = 0", "allowed 1 ..", 0, OK0, sg_create(S, "gl_exp", 0, &on), OK0)      \
  X(create_n_2_32, ARG, "n = 4294967296", "allowed 1 ..", "2^32 - 1 nodes", OK0,                   \
    sg_create(S, "gl_exp", (uint64_t)1 << 32, &on), OK0)                                           \
  X(create_n_max, ARG, "n = 18446744073709551615", "allowed 1 ..", 0, OK0, sg_create(S, "parrot_neuron", UINT64_MAX, &on), OK0) \
  X(create_named_empty, ARG, "name ''", "allowed 1..63 characters", 0, OK0,                        \
    sg_create_named(S, "gl_exp", 1, "", &on), OK0)                                                 \
  X(create_named_slash, ARG, "name 'a/b'", "no '/'", 0, OK0, sg_create_named(S, "gl_exp", 1, "a/b", &on), OK0) \
  X(create_named_long, ARG, "allowed 1..63 characters", 0, 0, OK0,                                 \
    sg_create_named(S, "gl_exp", 1, "a123456789b123456789c123456789d123456789e123456789f123456789g123", &on), OK0) \
  X(create_named_duplicate, ARG, "'exc' is already used", "1..3", 0, OK0,                          \
    sg_create_named(S, "gl_exp", 1, "exc", &on), OK0)                                              \
  X(create_named_dot, ARG, "name '.'", "allowed a name other than '.' and '..'", 0, OK0,           \
    sg_create_named(S, "gl_exp", 1, ".", &on), OK0)                                                \
  X(create_named_dotdot, ARG, "name '..'", "allowed a name other than '.' and '..'", 0, OK0,       \
    sg_create_named(S, "spike_recorder", 1, "..", &on), OK0)                                       \
  X(create_named_default_form, ARG, "'spike_recorder_23'", "form of a default name", "'spike_recorder_16'", OK0, \
    sg_create_named(S, "spike_recorder", 1, "spike_recorder_23", &on), OK0)                        \
  X(create_named_file_collision, ARG, "spike_recorder 'multimeter_13_V_m' would write multimeter_13_V_m.h5", \
    "multimeter 'multimeter_13' recording V_m (nodes 13..13)", "allowed names whose files differ", OK0, \
    sg_create_named(S, "spike_recorder", 1, "multimeter_13_V_m", &on), OK0)                        \
  X(set_strs_file_collision, ARG, "multimeter 'multimeter_14' recording V_m would write multimeter_14_1_V_m.h5", \
    "spike_recorder 'multimeter_14_1_V_m' (nodes 16..16)", "allowed names whose files differ",     \
    sg_create_named(S, "spike_recorder", 1, "multimeter_14_1_V_m", &on),                           \
    sg_set_strs(S, F->mm2, "record_from", NAMES("V_m"), 1), OK0)                                   \
  X(set_mm_start_recorded, STATE, "multimeter multimeter_13 (node 13): start = 1 ms", "cannot change from 0 ms after the multimeter has recorded", \
    "create a new multimeter", OK0, sg_set(S, F->mm, "start", 1.0), OK0)                           \
  X(set_mm_stop_recorded, STATE, "stop = 100 ms", "allowed inf ms", "create a new multimeter", OK0, \
    sg_set(S, F->mm, "stop", 100.0), OK0)                                                          \
  X(set_each_mm_origin_recorded, STATE, "origin = 2 ms", "has recorded", "create a new multimeter", OK0, \
    sg_set_each(S, F->mm, "origin", D_(2)), OK0)                                                   \
  /* -- receptor types that do not exist ------------------------------------------------------- */ \
  X(connect_gl_receptor_1, ARG, "receptor_type = 1", "gl_exp", "allowed 0", OK0,                   \
    sg_connect(S, F->g, F->g, NULL, SY(1, 1, 1)), OK0)                                             \
  X(connect_glif_receptor_0, ARG, "receptor_type = 0", "glif_cond", "allowed 1, 2", OK0,           \
    sg_connect(S, F->g, F->c, NULL, SY(1, 1, 0)), OK0)                                             \
  X(connect_glif_receptor_3, ARG, "receptor_type = 3", "glif_cond", "allowed 1, 2", OK0,           \
    sg_connect(S, F->g, F->c, NULL, SY(1, 1, 3)), OK0)                                             \
  X(connect_current_glif_receptor_1, ARG, "receptor_type = 1", "current input", "allowed 0", OK0,  \
    sg_connect(S, F->sc, F->c, NULL, SY(1, 1, 1)), OK0)                                            \
  X(connect_current_gl_receptor_1, ARG, "receptor_type = 1", "noise_generator", "allowed 0", OK0,  \
    sg_connect(S, F->ng, F->g, NULL, SY(1, 1, 1)), OK0)                                            \
  X(connect_receptor_neg, ARG, "receptor_type = -1", "allowed 0..65535", 0, OK0,                   \
    sg_connect(S, F->g, F->g, NULL, SY(1, 1, -1)), OK0)                                            \
  X(connect_receptor_huge, ARG, "receptor_type = 70000", "allowed 0..65535", 0, OK0,               \
    sg_connect(S, F->g, F->g, NULL, SY(1, 1, 70000)), OK0)                                         \
  X(connect_recorder_receptor_1, ARG, "receptor_type = 1", "spike_recorder", "allowed 0", OK0,     \
    sg_connect(S, F->g, F->sr, NULL, SY(1, 1, 1)), OK0)                                            \
  X(connect_mm_receptor_1, ARG, "receptor_type = 1", "multimeter", "allowed 0", OK0,               \
    sg_connect(S, F->mm2, F->g, NULL, SY(1, 1, 1)), OK0)                                           \
  X(connect_parrot_receptor_2, ARG, "receptor_type = 2", "parrot_neuron", "allowed 0, 1", OK0,     \
    sg_connect(S, F->pg, F->p, NULL, SY(1, 1, 2)), OK0)                                            \
  /* -- wrong directions ------------------------------------------------------------------------ */ \
  X(connect_neuron_to_poisson, ARG, "cannot connect gl_exp", "-> poisson_generator", "allowed neuron -> neuron", OK0, \
    sg_connect(S, F->g, F->pg, NULL, NULL), OK0)                                                   \
  X(connect_recorder_to_neuron, ARG, "cannot connect spike_recorder", "-> gl_exp", "allowed", OK0, \
    sg_connect(S, F->sr, F->g, NULL, NULL), OK0)                                                   \
  X(connect_neuron_to_multimeter, ARG, "cannot connect gl_exp", "-> multimeter", "allowed", OK0,   \
    sg_connect(S, F->g, F->mm2, NULL, NULL), OK0)                                                  \
  X(connect_gen_to_gen, ARG, "cannot connect poisson_generator", "-> spike_generator", "allowed", OK0, \
    sg_connect(S, F->pg, F->sg, NULL, NULL), OK0)                                                  \
  X(connect_mm_to_recorder, ARG, "cannot connect multimeter", "-> spike_recorder", "allowed", OK0, \
    sg_connect(S, F->mm2, F->sr, NULL, NULL), OK0)                                                 \
  X(connect_gen_to_recorder, ARG, "cannot connect poisson_generator", "-> spike_recorder", "allowed", OK0, \
    sg_connect(S, F->pg, F->sr, NULL, NULL), OK0)                                                  \
  X(connect_mm_to_gen, ARG, "cannot connect multimeter", "-> noise_generator", "allowed", OK0,     \
    sg_connect(S, F->mm2, F->ng, NULL, NULL), OK0)                                                 \
  X(connect_recorder_to_recorder, ARG, "cannot connect spike_recorder", "-> spike_recorder", "allowed", OK0, \
    sg_connect(S, F->sr, F->sr, NULL, NULL), OK0)                                                  \
  X(connect_mixed_pre_with_recorder, ARG, "cannot connect spike_recorder", "-> gl_exp", "allowed", OK0, \
    sg_connect(S, NS(1, 12), F->g, NULL, NULL), OK0)                                               \
  /* -- numbers that cannot be trusted ---------------------------------------------------------- */ \
  X(connect_weight_2_30, OVF, "target 1", "1073741824 (2^30)", "allowed smaller weights", OK0,     \
    sg_connect(S, F->pg, NS(1, 1), NULL, SY(0x1p30, 1, 0)), OK0)                                   \
  X(connect_weight_sum_2_30, OVF, "target 1", "(2^30)", "allowed smaller weights", sg_connect(S, NS(2, 1), NS(1, 1), NULL, SY(6e8, 1, 0)), \
    sg_connect(S, NS(3, 1), NS(1, 1), NULL, SY(-6e8, 1, 0)), OK0)                                      \
  X(set_poisson_rate_huge, ARG, "poisson_generator.rate = 1e+14 Hz", "allowed rate <= 1e+13 Hz", "per step", OK0, \
    sg_set(S, F->pg, "rate", 1e14), OK0)                                                           \
  X(set_poisson_rate_1e300, ARG, "rate = 1e+300 Hz", "allowed rate <= 1e+13 Hz", "per step", OK0,  \
    sg_set(S, F->pg, "rate", 1e300), OK0)                                                          \
  X(set_each_poisson_rate_huge, ARG, "rate = 2e+13 Hz", "allowed rate <= 1e+13 Hz", "node 9", OK0, \
    sg_set_each(S, F->pg, "rate", D_(2e13)), OK0)                                                  \
  X(simulate_poisson_count_overflow, OVF, "poisson_generator node 9 -> node 1", "(2^30)", "allowed smaller", \
    THEN(sg_connect(S, F->pg, NS(1, 1), NULL, SY(1e5, 1, 0)), sg_set(S, F->pg, "rate", 1e8)),     \
    sg_simulate(S, 1.0), sg_set(S, F->pg, "rate", 2000.0))                                         \
  X(simulate_amplitude_overflow, OVF, "step_current_generator node 10", "(2^30)", "allowed smaller |amplitude_values|", \
    sg_set_vec(S, F->sc, "amplitude_values", D_(1e12), 1), sg_simulate(S, 1.0),                    \
    sg_set_vec(S, F->sc, "amplitude_values", D_(50), 1))                                           \
  X(simulate_spike_weight_overflow, OVF, "spike_generator node 8", "(2^30)", "allowed smaller |spike_weights|", \
    sg_set_vec(S, F->sg, "spike_weights", D_(1e10, 1), 2), sg_simulate(S, 1.0),                    \
    sg_set_vec(S, F->sg, "spike_weights", NULL, 0))                                                \
  X(simulate_multiplicity_overflow, OVF, "spike_generator node 8", "(2^30)", "spike_multiplicities", \
    sg_set_vec(S, F->sg, "spike_multiplicities", D_(4e9, 1), 2), sg_simulate(S, 1.0),              \
    sg_set_vec(S, F->sg, "spike_multiplicities", NULL, 0))                                         \
  X(simulate_parrot_relay_overflow, OVF, "node 1 (gl_exp)", "parrot_neuron relayed multiplicities", "(2^30)", \
    THEN(THEN(sg_connect(S, F->pg, F->p, NULL, SY(1, 0.1, 0)), sg_connect(S, F->p, NS(1, 1), NULL, SY(30, 0.1, 0))), \
         sg_set(S, F->pg, "rate", 5e11)),                                                           \
    sg_simulate(S, 1.0), sg_set(S, F->pg, "rate", 2000.0))                                         \
  X(simulate_noise_overflow, OVF, "noise_generator node 11", "(2^30)", "allowed smaller", sg_set(S, F->ng, "mean", 1e12), \
    sg_simulate(S, 1.0), sg_set(S, F->ng, "mean", 0.0))                                            \
  /* -- a population goes again only while nothing refers to it; recordables never cut ----- */ \
  X(create_undo_null_sim, ARG, 0, 0, 0, OK0, sg_create_undo(NULL, F->mm2), OK0)                    \
  X(create_undo_not_last, ARG, "nodes {first 1, n 3}", "allowed only the last population", "multimeter_14", \
    OK0, sg_create_undo(S, F->g), OK0)                                                             \
  X(create_undo_part_of_last, ARG, "nodes {first 15, n 1}", "allowed only the last population", 0, \
    OK0, sg_create_undo(S, NS(15, 1)), OK0)                                                        \
  X(create_undo_simulated, STATE, "multimeter_14 (nodes 14..15)", "has been simulated", 0, OK0,    \
    sg_create_undo(S, F->mm2), OK0)                                                                \
  X(create_undo_connected, STATE, "gl_exp_16", "has connections", 0,                               \
    THEN(sg_create(S, "gl_exp", 2, &on), sg_connect(S, NS(16, 2), F->g, NULL, NULL)),              \
    sg_create_undo(S, NS(16, 2)), OK0)                                                             \
  X(node_recordables_null_sim, ARG, 0, 0, 0, OK0, sg_node_recordables(NULL, 4, (char *)B, 64, &oz), OK0) \
  X(node_recordables_bad_id, ARG, "node id 16", "allowed 1..15", 0, OK0,                           \
    sg_node_recordables(S, 16, (char *)B, 64, &oz), OK0)                                           \
  X(node_recordables_null_buf, ARG, "buf is NULL", "cap = 8", 0, OK0,                              \
    sg_node_recordables(S, 4, NULL, 8, &oz), OK0)                                                  \
  X(node_recordables_short_buf, ARG, "cap = 8 bytes", "allowed at least 73", 0, OK0,               \
    sg_node_recordables(S, 4, (char *)B, 8, &oz), OK0)

enum {
#define X(name, want, m1, m2, m3, setup, call, fix) C_##name,
  CASES(X)
#undef X
  N_CASES
};

typedef struct row { const char *name; sg_status want; const char *m[3]; const char *setup; } row;
static const row ROWS[N_CASES] = {
#define X(name, want, m1, m2, m3, setup, call, fix) {#name, want, {m1, m2, m3}, #setup},
  CASES(X)
#undef X
};

enum { PHASE_SETUP, PHASE_CALL, PHASE_FIX };

/* Runs phase ph of case id on fixture F. */
static sg_status run_case(int id, int ph, fx *F) {
  sg_sim *S = F->sim;
  sg_nodes on;
  const char *os;
  double od, B[64] = {0}, B2[64];
  uint64_t ou, U[64], U2[64];
  int I[64];
  size_t oz;
  sg_memory omem;
  sg_run_stats ors;
  sg_mpi_info ompi;
  sg_status tmp_st;
  (void)S; (void)on; (void)os; (void)od; (void)B2; (void)ou; (void)U; (void)U2; (void)I; (void)oz;
  (void)omem; (void)ors; (void)ompi; (void)tmp_st;
  switch (id) {
#define X(name, want, m1, m2, m3, setup, call, fix) \
  case C_##name: return ph == PHASE_SETUP ? (setup) : ph == PHASE_CALL ? (call) : (fix);
    CASES(X)
#undef X
  default: return SG_ERR_ARG;
  }
}

static void test_badinput_table(void) {
  int failed_rows = 0;
  for (int id = 0; id < N_CASES; ++id) {
    const row *r = &ROWS[id];
    fx f, ref;
    if (fx_make(&f)) { CU_FAIL("fixture"); sg_sim_free(f.sim); return; }
    sg_status st = run_case(id, PHASE_SETUP, &f);
    if (st) {
      fprintf(stderr, "\n  %s: setup failed: %s: %s\n", r->name, sg_status_str(st), sg_errmsg(f.sim));
      CU_FAIL("setup of a bad-input row failed");
      sg_sim_free(f.sim);
      ++failed_rows;
      continue;
    }
    const uint64_t before = state_hash(&f);
    st = run_case(id, PHASE_CALL, &f);
    char msg[1024];
    snprintf(msg, sizeof msg, "%s", sg_errmsg(f.sim));
    const uint64_t after = state_hash(&f);
    int ok = st == r->want;
    if (st != r->want)
      fprintf(stderr, "\n  %s: status %s, want %s (message: %s)\n", r->name, sg_status_str(st), sg_status_str(r->want), msg);
    for (int k = 0; k < 3; ++k)
      if (r->m[k] && !strstr(msg, r->m[k])) {
        fprintf(stderr, "\n  %s: message lacks \"%s\": %s\n", r->name, r->m[k], msg);
        ok = 0;
      }
    if (r->m[0] && !msg[0]) { fprintf(stderr, "\n  %s: empty message\n", r->name); ok = 0; }
    if (before != after) { fprintf(stderr, "\n  %s: the failed call changed the simulation state\n", r->name); ok = 0; }
    /* calling on after the error: fix, run 1 ms, compare with a fixture that never erred */
    const sg_status fix = run_case(id, PHASE_FIX, &f);
    if (fix == SG_STATUS_COUNT) {
      double v;
      if (sg_get(f.sim, 1, "V_m", &v) != SG_OK) { fprintf(stderr, "\n  %s: sg_get after the error failed\n", r->name); ok = 0; }
    } else if (fix != SG_OK) {
      fprintf(stderr, "\n  %s: fix failed: %s: %s\n", r->name, sg_status_str(fix), sg_errmsg(f.sim));
      ok = 0;
    } else if ((st = sg_simulate(f.sim, 1.0)) != SG_OK) {
      fprintf(stderr, "\n  %s: sg_simulate after the error: %s: %s\n", r->name, sg_status_str(st), sg_errmsg(f.sim));
      ok = 0;
    } else if (fx_make(&ref) == 0) {
      if (run_case(id, PHASE_SETUP, &ref) || run_case(id, PHASE_FIX, &ref) || sg_simulate(ref.sim, 1.0)) {
        fprintf(stderr, "\n  %s: reference run failed: %s\n", r->name, sg_errmsg(ref.sim));
        ok = 0;
      } else if (state_hash(&f) != state_hash(&ref)) {
        fprintf(stderr, "\n  %s: after the error, the run differs from one that never saw the bad call\n", r->name);
        ok = 0;
      }
      sg_sim_free(ref.sim);
    } else {
      ok = 0;
    }
    if (!ok) ++failed_rows;
    CU_ASSERT(ok);
    sg_sim_free(f.sim);
  }
  printf("\n    %d bad-input rows, %d failed ", N_CASES, failed_rows);
  /* a NULL handle cannot carry a message; sg_errmsg(NULL) says so */
  CU_ASSERT_PTR_NOT_NULL(strstr(sg_errmsg(NULL), "NULL"));
}

/* ---- sg_sim_new: every config field ---------------------------------------------------------- */
typedef struct cfg_row { const char *name; sg_status want; const char *m[3]; } cfg_row;
#define CFG_CASES(X)                                                                                \
  X(resolution_nan, ARG, "resolution_ms = nan", "allowed > 0", 0, c.resolution_ms = NAN)            \
  X(resolution_inf, ARG, "resolution_ms = inf", "allowed", 0, c.resolution_ms = INFINITY)           \
  X(resolution_neg, ARG, "resolution_ms = -0.1", "allowed > 0", 0, c.resolution_ms = -0.1)          \
  X(resolution_zero, ARG, "resolution_ms = 0", "allowed > 0", 0, c.resolution_ms = 0.0)             \
  X(resolution_subtic, ARG, "resolution_ms = 0.0001", "multiple of the tic (0.001 ms)", 0, c.resolution_ms = 0.0001) \
  X(resolution_offtic, ARG, "resolution_ms = 0.1234567", "multiple of the tic (0.001 ms)", 0, c.resolution_ms = 0.1234567) \
  X(resolution_huge, ARG, "resolution_ms = 1e+300", "allowed at most 1e6 ms", 0, c.resolution_ms = 1e300) \
  X(backend_bad, ARG, "backend = 7", "allowed SG_BACKEND_AUTO", 0, c.backend = (sg_backend)7)       \
  X(threads_neg, ARG, "threads = -1", "allowed 0", 0, c.threads = -1)                               \
  X(threads_huge, ARG, "threads = 5000", "4096", 0, c.threads = 5000)                               \
  X(flush_zero, ARG, "flush_interval_ms = 0", "allowed > 0", 0, c.flush_interval_ms = 0.0)          \
  X(flush_nan, ARG, "flush_interval_ms = nan", "allowed > 0", 0, c.flush_interval_ms = NAN)         \
  X(flush_inf, ARG, "flush_interval_ms = inf", "finite", 0, c.flush_interval_ms = INFINITY)         \
  X(flush_huge, ARG, "flush_interval_ms = 1e+300", "at most 9e12 ms", 0, c.flush_interval_ms = 1e300) \
  X(resolution_near_tic, ARG, "resolution_ms = 0.10000000001", "multiple of the tic (0.001 ms)", "nearest is 0.1 ms", c.resolution_ms = 0.10000000001) \
  X(resolution_near_tic2, ARG, "resolution_ms = 0.1000000001", "multiple of the tic (0.001 ms)", "nearest is 0.1 ms", c.resolution_ms = 0.1000000001) \
  X(block_33, ARG, "cuda_block_size = 33", "multiple of 32", 0, c.cuda_block_size = 33)             \
  X(block_neg, ARG, "cuda_block_size = -32", "allowed 0", 0, c.cuda_block_size = -32)               \
  X(block_2048, ARG, "cuda_block_size = 2048", "up to 1024", 0, c.cuda_block_size = 2048)           \
  X(keep_2, ARG, "keep_in_memory = 2", "allowed 0 or 1", 0, c.keep_in_memory = 2)                   \
  X(keep_0_no_dir, ARG, "keep_in_memory = 0", "output_dir", 0, c.keep_in_memory = 0)                \
  X(report_double_2, ARG, "report_double = 2", "allowed 0 or 1", 0, c.report_double = 2)            \
  X(overwrite_2, ARG, "overwrite_files = 2", "allowed 0 or 1", 0, c.overwrite_files = 2)            \
  X(overwrite_neg, ARG, "overwrite_files = -1", "allowed 0 or 1", 0, c.overwrite_files = -1)        \
  X(dir_empty, ARG, "output_dir", "allowed 1", 0, c.output_dir = "")                                \
  X(dir_long, ARG, "output_dir is 4000 characters long", "allowed", 0, c.output_dir = long_dir)     \
  X(dir_under_file, SG_ERR_IO, "output_dir", "under_file/out", "Not a directory", c.output_dir = under_file) \
  X(dir_is_file, SG_ERR_IO, "output_dir", "a_file", "Not a directory", c.output_dir = a_file)

static void test_badinput_sim_new(void) {
  static char long_dir[4001];
  memset(long_dir, 'x', 4000);
  long_dir[4000] = 0;
  char tmpl[] = "/tmp/sg_badinput_XXXXXX";
  CU_ASSERT_FATAL(mkdtemp(tmpl) != NULL);
  char a_file[256], under_file[300];
  snprintf(a_file, sizeof a_file, "%s/a_file", tmpl);
  snprintf(under_file, sizeof under_file, "%s/under_file/out", tmpl);
  FILE *fp = fopen(a_file, "w");
  CU_ASSERT_FATAL(fp != NULL);
  fclose(fp);
  char under_src[300];
  snprintf(under_src, sizeof under_src, "%s/under_file", tmpl);
  fp = fopen(under_src, "w");
  CU_ASSERT_FATAL(fp != NULL);
  fclose(fp);
  static const cfg_row rows[] = {
#define X(name, want, m1, m2, m3, mut) {#name, want, {m1, m2, m3}},
    CFG_CASES(X)
#undef X
  };
  int i = 0;
#define X(NAME_, WANT_, M1_, M2_, M3_, mut)                                                          \
  {                                                                                                 \
    sg_config c;                                                                                    \
    sg_config_default(&c);                                                                          \
    c.verbose = 0;                                                                                  \
    c.backend = SG_BACKEND_CPU;                                                                     \
    mut;                                                                                            \
    const cfg_row *r = &rows[i++];                                                                  \
    sg_sim *sim = (sg_sim *)&c; /* must be overwritten with NULL */                                 \
    char err[512] = "";                                                                             \
    sg_status st = sg_sim_new(&c, &sim, err, sizeof err);                                           \
    int ok = st == r->want && sim == NULL && err[0];                                                \
    for (int k = 0; k < 3; ++k) if (r->m[k] && !strstr(err, r->m[k])) ok = 0;                      \
    if (!ok) fprintf(stderr, "\n  sg_sim_new %s: %s, want %s: %s\n", r->name, sg_status_str(st), sg_status_str(r->want), err); \
    CU_ASSERT(ok);                                                                                  \
    if (st == SG_OK) sg_sim_free(sim);                                                              \
    /* the same without an error buffer, and with a tiny one: no crash, same status */              \
    sim = NULL;                                                                                     \
    CU_ASSERT_EQUAL(sg_sim_new(&c, &sim, NULL, 0), r->want);                                        \
    if (sim) sg_sim_free(sim);                                                                      \
    char tiny[4] = "abc";                                                                           \
    sim = NULL;                                                                                     \
    CU_ASSERT_EQUAL(sg_sim_new(&c, &sim, tiny, sizeof tiny), r->want);                              \
    CU_ASSERT(strlen(tiny) < sizeof tiny);                                                          \
    if (sim) sg_sim_free(sim);                                                                      \
  }
  CFG_CASES(X)
#undef X
  /* NULL out: the error buffer says so */
  char err[256] = "";
  CU_ASSERT_EQUAL(sg_sim_new(NULL, NULL, err, sizeof err), SG_ERR_ARG);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "out is NULL"));
  /* NULL config = the defaults (valid) */
  sg_sim *sim = NULL;
  sg_config c;
  sg_config_default(&c);
  c.verbose = 0;
  c.backend = SG_BACKEND_CPU;
  CU_ASSERT_EQUAL(sg_sim_new(&c, &sim, err, sizeof err), SG_OK);
  sg_sim_free(sim);
  /* a read-only output_dir: only meaningful when not root (root writes anywhere) */
  if (geteuid() != 0) {
    char ro[300];
    snprintf(ro, sizeof ro, "%s/ro", tmpl);
    CU_ASSERT_EQUAL_FATAL(mkdir(ro, 0500), 0);
    c.output_dir = ro;
    sim = NULL;
    CU_ASSERT_EQUAL(sg_sim_new(&c, &sim, err, sizeof err), SG_ERR_IO);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "not writable"));
    if (sim) sg_sim_free(sim);
    rmdir(ro);
  } else {
    printf("\n    read-only output_dir: skipped (running as root, which may write anywhere) ");
  }
  remove(a_file);
  remove(under_src);
  rmdir(tmpl);
}

/* ---- functions without a simulation ----------------------------------------------------------- */
static void test_badinput_static_functions(void) {
  CU_ASSERT_PTR_NOT_NULL(strstr(sg_status_str((sg_status)-1), "unknown"));
  CU_ASSERT_PTR_NOT_NULL(strstr(sg_status_str(SG_STATUS_COUNT), "unknown"));
  CU_ASSERT_PTR_NOT_NULL(strstr(sg_status_str((sg_status)12345), "unknown"));
  for (int s = 0; s < SG_STATUS_COUNT; ++s) CU_ASSERT(strncmp(sg_status_str((sg_status)s), "SG_", 3) == 0);
  CU_ASSERT_PTR_NOT_NULL(sg_version());
  sg_config_default(NULL);
  sg_conn_spec_default(NULL);
  sg_syn_spec_default(NULL);
  sg_sim_free(NULL);
  CU_ASSERT_EQUAL(sg_time(NULL), 0.0);
  CU_ASSERT_EQUAL(sg_steps(NULL), 0);
  CU_ASSERT_PTR_NOT_NULL(sg_errmsg(NULL));
  CU_ASSERT_PTR_NOT_NULL(sg_backend_used(NULL));
  CU_ASSERT_PTR_NOT_NULL(sg_backend_reason(NULL));
  (void)sg_cuda_available(NULL, 0);
  char why[2];
  (void)sg_cuda_available(why, sizeof why);
  CU_ASSERT(strlen(why) < sizeof why);
  CU_ASSERT_PTR_NULL(sg_model_name(sg_model_count()));
  CU_ASSERT_PTR_NULL(sg_model_name(SIZE_MAX));
  CU_ASSERT_PTR_NULL(sg_model_kind(NULL));
  CU_ASSERT_PTR_NULL(sg_model_kind("gl_expp"));
  const sg_entry_info *e = NULL;
  size_t n = 7;
  CU_ASSERT_EQUAL(sg_model_info(NULL, &e, &n), SG_ERR_UNKNOWN);
  CU_ASSERT_EQUAL(sg_model_info("nope", &e, &n), SG_ERR_UNKNOWN);
  CU_ASSERT_EQUAL(sg_model_info("gl_exp", NULL, &n), SG_ERR_ARG);
  CU_ASSERT_EQUAL(sg_model_info("gl_exp", &e, NULL), SG_ERR_ARG);
  CU_ASSERT_PTR_NULL(e);
  CU_ASSERT_EQUAL(n, 7);
  char rb[8] = "x";
  size_t rl = 7;
  CU_ASSERT_EQUAL(sg_model_recordables(NULL, rb, sizeof rb, &rl), SG_ERR_UNKNOWN);
  CU_ASSERT_EQUAL(sg_model_recordables("nope", rb, sizeof rb, &rl), SG_ERR_UNKNOWN);
  CU_ASSERT_EQUAL(sg_model_recordables("gl_exp", NULL, 4, &rl), SG_ERR_ARG);
  CU_ASSERT_EQUAL(sg_model_recordables("gl_exp", rb, sizeof rb, &rl), SG_ERR_ARG);   /* 20 bytes needed */
  CU_ASSERT_STRING_EQUAL(rb, "");
  CU_ASSERT_EQUAL(rl, strlen("V_m,refr_tick,I_stim"));
  CU_ASSERT_EQUAL(sg_model_recordables("gl_exp", NULL, 0, NULL), SG_OK);
  const sg_nodes x = {5, 10, NULL};
  sg_nodes s = sg_slice(x, 10, 1);
  CU_ASSERT(s.first == 0 && s.n == 0);
  s = sg_slice(x, 3, 8);
  CU_ASSERT(s.first == 0 && s.n == 0);
  s = sg_slice(x, 3, UINT64_MAX);
  CU_ASSERT(s.first == 0 && s.n == 0);
  s = sg_slice(x, UINT64_MAX, 1);
  CU_ASSERT(s.first == 0 && s.n == 0);
  s = sg_slice(x, 3, 7);
  CU_ASSERT(s.first == 8 && s.n == 7);
  /* every model's table is complete and names what is allowed */
  for (size_t m = 0; m < sg_model_count(); ++m) {
    CU_ASSERT_PTR_NOT_NULL(sg_model_kind(sg_model_name(m)));
    CU_ASSERT_EQUAL_FATAL(sg_model_info(sg_model_name(m), &e, &n), SG_OK);
    for (size_t k = 0; k < n; ++k) CU_ASSERT(e[k].name && e[k].unit && e[k].allowed && e[k].allowed[0]);
  }
}

/* ---- every entry point of the header is in API_LIST ----------------------------------------- */
static void test_badinput_api_list_complete(void) {
  const char *paths[] = {"include/spikegpu.h", "../include/spikegpu.h", "../../include/spikegpu.h"};
  FILE *fp = NULL;
  for (size_t i = 0; i < 3 && !fp; ++i) fp = fopen(paths[i], "r");
  if (!fp) { printf("\n    include/spikegpu.h not found from the working directory: skipped "); return; }
  char line[512];
  int n_found = 0, missing = 0;
  while (fgets(line, sizeof line, fp)) {
    if (line[0] == ' ' || line[0] == '#' || line[0] == '/' || line[0] == '*' || strncmp(line, "typedef", 7) == 0) continue;
    for (char *p = strstr(line, "sg_"); p; p = strstr(p + 1, "sg_")) {
      size_t len = 0;
      while (p[len] == '_' || (p[len] >= 'a' && p[len] <= 'z') || (p[len] >= '0' && p[len] <= '9')) ++len;
      if (p[len] != '(' || (p > line && (p[-1] == '_' || (p[-1] >= 'a' && p[-1] <= 'z')))) continue;
      char name[64];
      snprintf(name, sizeof name, "%.*s", (int)len, p);
      int found = 0;
      for (size_t k = 0; k < N_API; ++k) found |= strcmp(API_LIST[k][0], name) == 0;
      if (!found) { fprintf(stderr, "\n  %s is declared in spikegpu.h but not in API_LIST\n", name); ++missing; }
      ++n_found;
      break;
    }
  }
  fclose(fp);
  CU_ASSERT_EQUAL(missing, 0);
  CU_ASSERT_EQUAL(n_found, (int)N_API);
  printf("\n    %d entry points declared, %zu listed ", n_found, N_API);
}

/* ---- resource limits: refused up front with needed vs available ------------------------------ */
static void test_badinput_resource_limits(void) {
  fx f;
  CU_ASSERT_FATAL(fx_make(&f) == 0);
  sg_sim *sim = f.sim;
  uint64_t h0 = state_hash(&f);
  /* 2^31 gl_exp nodes: about 100 GiB of state (2^32 - 16 on a host with more memory than that;
   * a host where even that would fit is not tested: the call would really allocate it) */
  unsigned long long avail_kb = 0;
  FILE *mi = fopen("/proc/meminfo", "r");
  char line[256];
  while (mi && fgets(line, sizeof line, mi))
    if (sscanf(line, "MemAvailable: %llu kB", &avail_kb) == 1) break;
  if (mi) fclose(mi);
  const double avail = 1024.0 * (double)avail_kb, per_node = 48.0;
  const uint64_t n_big = per_node * 0x1p31 > 1.2 * avail ? (uint64_t)1 << 31 : ((uint64_t)1 << 32) - 16;
  sg_status st;
  if (avail_kb == 0 || per_node * (double)n_big > 1.2 * avail) {
    sg_nodes x;
    st = sg_create(sim, "gl_exp", n_big, &x);
    CU_ASSERT_EQUAL(st, SG_ERR_NOMEM);
    char want[80];
    snprintf(want, sizeof want, "%llu gl_exp nodes need", (unsigned long long)n_big);
    CU_ASSERT_PTR_NOT_NULL(strstr(sg_errmsg(sim), want));
    CU_ASSERT_PTR_NOT_NULL(strstr(sg_errmsg(sim), "GiB available"));
    if (st != SG_ERR_NOMEM) fprintf(stderr, "\n  %llu nodes: %s: %s\n", (unsigned long long)n_big, sg_status_str(st), sg_errmsg(sim));
    CU_ASSERT_EQUAL(state_hash(&f), h0);
  } else {
    printf("\n    too many nodes for memory: skipped (%.0f GiB available, more than 2^32 nodes take) ", avail / 1073741824.0);
  }
  /* 1e12 synapses: all_to_all over 1e6 x 1e6 parrots (24 MB of nodes, 20 TB of synapses) */
  sg_nodes big;
  CU_ASSERT_EQUAL_FATAL(sg_create(sim, "parrot_neuron", 1000000, &big), SG_OK);
  h0 = state_hash(&f);
  st = sg_connect(sim, big, big, NULL, NULL);
  CU_ASSERT_EQUAL(st, SG_ERR_NOMEM);
  CU_ASSERT_PTR_NOT_NULL(strstr(sg_errmsg(sim), "1000000000000 new connections need"));
  CU_ASSERT_PTR_NOT_NULL(strstr(sg_errmsg(sim), "GiB available"));
  if (st != SG_ERR_NOMEM) fprintf(stderr, "\n  1e12 synapses: %s: %s\n", sg_status_str(st), sg_errmsg(sim));
  const sg_conn_spec *cs = CSK("fixed_total_number", 1000000000000ull, 1, 1);
  st = sg_connect(sim, big, big, cs, NULL);
  CU_ASSERT_EQUAL(st, SG_ERR_NOMEM);
  CU_ASSERT_PTR_NOT_NULL(strstr(sg_errmsg(sim), "GiB available"));
  CU_ASSERT_EQUAL(state_hash(&f), h0);
  /* a multimeter recording 1000 neurons every step for 1e8 ms (8e12 bytes): refused before
   * the run starts, time unchanged */
  sg_nodes nrn, mm;
  CU_ASSERT_EQUAL_FATAL(sg_create(sim, "gl_exp", 1000, &nrn), SG_OK);
  CU_ASSERT_EQUAL_FATAL(sg_create(sim, "multimeter", 1, &mm), SG_OK);
  CU_ASSERT_EQUAL_FATAL(sg_set(sim, mm, "interval", 0.1), SG_OK);
  const char *vars[] = {"V_m"};
  CU_ASSERT_EQUAL_FATAL(sg_set_strs(sim, mm, "record_from", vars, 1), SG_OK);
  CU_ASSERT_EQUAL_FATAL(sg_connect(sim, mm, nrn, NULL, NULL), SG_OK);
  CU_ASSERT_EQUAL_FATAL(sg_simulate(sim, 0.0), SG_OK);   /* prepare the changed network */
  h0 = state_hash(&f);
  const double t0 = sg_time(sim);
  st = sg_simulate(sim, 1e8);
  CU_ASSERT_EQUAL(st, SG_ERR_NOMEM);
  CU_ASSERT_PTR_NOT_NULL(strstr(sg_errmsg(sim), "multimeters' samples of this run need"));
  CU_ASSERT_PTR_NOT_NULL(strstr(sg_errmsg(sim), "GiB available"));
  if (st != SG_ERR_NOMEM) fprintf(stderr, "\n  multimeter: %s: %s\n", sg_status_str(st), sg_errmsg(sim));
  CU_ASSERT_EQUAL(sg_time(sim), t0);
  CU_ASSERT_EQUAL(state_hash(&f), h0);
  /* still usable */
  CU_ASSERT_EQUAL(sg_simulate(sim, 1.0), SG_OK);
  sg_sim_free(sim);
}

/* ---- calling after an error: every setup-free bad call in a row on one simulation, then the
 * same valid calls as on a simulation that never saw them: identical results ----------------- */
static void test_badinput_errors_leave_no_trace(void) {
  fx a, b;
  CU_ASSERT_FATAL(fx_make(&a) == 0);
  CU_ASSERT_FATAL(fx_make(&b) == 0);
  int n = 0;
  for (int id = 0; id < N_CASES; ++id) {
    if (strcmp(ROWS[id].setup, "OK0") != 0) continue;
    const sg_status st = run_case(id, PHASE_CALL, &a);
    CU_ASSERT_EQUAL(st, ROWS[id].want);
    if (st != ROWS[id].want) fprintf(stderr, "\n  chain %s: %s: %s\n", ROWS[id].name, sg_status_str(st), sg_errmsg(a.sim));
    ++n;
  }
  CU_ASSERT_EQUAL(state_hash(&a), state_hash(&b));
  for (int k = 0; k < 3; ++k) {
    CU_ASSERT_EQUAL(sg_simulate(a.sim, 2.0), SG_OK);
    CU_ASSERT_EQUAL(sg_simulate(b.sim, 2.0), SG_OK);
    sg_syn_spec s = syn3(0.25, 0.3, 0);
    CU_ASSERT_EQUAL(sg_connect(a.sim, a.g, a.g, CSK("fixed_indegree", 1, 1, 1), &s), SG_OK);
    CU_ASSERT_EQUAL(sg_connect(b.sim, b.g, b.g, CSK("fixed_indegree", 1, 1, 1), &s), SG_OK);
  }
  CU_ASSERT_EQUAL(sg_simulate(a.sim, 2.0), SG_OK);
  CU_ASSERT_EQUAL(sg_simulate(b.sim, 2.0), SG_OK);
  CU_ASSERT_EQUAL(state_hash(&a), state_hash(&b));
  printf("\n    %d bad calls in a row, then runs and connects identical to a clean simulation ", n);
  sg_sim_free(a.sim);
  sg_sim_free(b.sim);
}

static CU_TestInfo tests[] = {
  {"every entry point x every class of bad argument (table)", test_badinput_table},
  {"sg_sim_new: every config field", test_badinput_sim_new},
  {"functions without a simulation", test_badinput_static_functions},
  {"every entry point of spikegpu.h is listed", test_badinput_api_list_complete},
  {"resource limits refused up front", test_badinput_resource_limits},
  {"errors in a row leave no trace", test_badinput_errors_leave_no_trace},
  CU_TEST_INFO_NULL,
};

const sg_test_suite sg_suite_badinput = {"badinput", NULL, tests};
