/* tests/test_fuzz.c - random sequences of API calls with random, mostly invalid arguments
 * (suite "fuzz"). Fixed seeds, so every run makes the same calls.
 *
 * Each step picks an entry point (create, set, set_each, set_vec, set_vecs, set_strs, get,
 * get_vec, node_model, connect, num_connections, get_connections, simulate of 0-2 ms, spikes,
 * samples, memory_report, run_stats, model tables, slices, a NULL handle, or a new simulation
 * with a random config) and draws its arguments from pools mixing valid values with NaN, +-inf,
 * zero, negative, off-grid, out-of-range, NULL and unknown names. Networks stay tiny (<= ~200
 * nodes, delays <= 5 ms, rates <= 1e5 Hz where valid), so 1e6 calls (1e5 with SG_TEST_QUICK)
 * take about 5 s (40 s under ASan); values that are valid but huge (1e9 nodes, 1e11 synapses)
 * are drawn only where they must be refused up front on any machine. Half of the calls draw
 * only valid-looking arguments, so networks grow and runs happen (~3% of the calls run steps).
 *
 * Checked after every call: the status is a defined sg_status; an error on a live handle comes
 * with a non-empty message; a failed call leaves the node count and the time unchanged (and, for
 * one call in 32, the full observable state, hashed as in test_badinput.c); sg_create numbers
 * ids contiguously; valid probes keep working (a successful sg_simulate followed only by failed
 * calls must be repeatable; sg_create / sg_connect of fresh parrots succeed). The suite runs
 * clean under ASan/UBSan (make check-asan) and valgrind (make valgrind-quick, fewer calls).
 *
 * SG_FUZZ_CALLS=n overrides the number of calls; on a failure the seed and the last calls are
 * printed, so a run can be repeated exactly. */
/* SPDX-License-Identifier: MIT */
#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <math.h>
#include <omp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sg_test.h"
#include "spikegpu.h"

/* ---- random numbers (splitmix64) ---------------------------------------------------------- */
static uint64_t g_rng;
static uint64_t rnd(void) {
  uint64_t z = (g_rng += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}
static uint64_t rn(uint64_t n) { return n ? rnd() % n : 0; }
static double ru(void) { return (double)(rnd() >> 11) * 0x1p-53; }
static int chance(int one_in) { return rn((uint64_t)one_in) == 0; }
#define PICK(arr) (arr[rn(sizeof arr / sizeof arr[0])])
/* Per call: 1 = draw only valid-looking arguments (so networks grow and runs happen), 0 = mixed. */
static int g_valid;
/* SG_FUZZ_TRACE=1: print every call as it is made (to find the call a sanitizer stops at). */
static int g_trace;

/* ---- the fuzzer's view of the simulation ---------------------------------------------------- */
typedef struct fpop { uint64_t first, n; const char *model; } fpop;
typedef struct fz {
  sg_sim *sim;
  double h;
  fpop pops[128];
  int n_pops;
  uint64_t n_nodes;
  int last_sim_ok;      /* the last sg_simulate succeeded and nothing changed since */
  char dir[256];        /* output folder of this sim ("" = none) */
  long calls, errors, sims, hashed, by_status[SG_STATUS_COUNT];
  long ok_connect, ok_run, steps_run;
  char trail[16][160];  /* the last calls, for the failure report */
  int trail_pos;
  uint64_t seed;
  int failed;
} fz;

static void note(fz *z, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(fz *z, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(z->trail[z->trail_pos], sizeof z->trail[0], fmt, ap);
  va_end(ap);
  if (g_trace) fprintf(stderr, "fuzz %ld: %s\n", z->calls, z->trail[z->trail_pos]);
  z->trail_pos = (z->trail_pos + 1) % 16;
}

static void report(fz *z, const char *what) {
  if (z->failed++ > 5) return;   /* the first few are enough */
  fprintf(stderr, "\n  fuzz seed %llu, call %ld: %s\n  last calls:\n", (unsigned long long)z->seed, z->calls, what);
  for (int k = 0; k < 16; ++k) {
    const char *t = z->trail[(z->trail_pos + k) % 16];
    if (t[0]) fprintf(stderr, "    %s\n", t);
  }
}
#define CHECK(cond, ...) do { if (!(cond)) { char b_[300]; snprintf(b_, sizeof b_, __VA_ARGS__); report(z, b_); } } while (0)

/* ---- value pools ------------------------------------------------------------------------------ */
static const double BAD[] = {NAN, INFINITY, -INFINITY, -1.0, 0.0, -0.0, 1e300, -1e300, 0.5, 2.0, 5e-324, 1e13, -0.1};
static const double TIMES[] = {0.0, 0.1, 0.2, 0.5, 1.0, 1.5, 2.0, 3.0, 0.15, 0.05, 1e-4, -1.0, NAN, INFINITY, 1e13, 9e12, 0.123};
static const double RATES[] = {0.0, 100.0, 1e4, 1e5, -1.0, NAN, INFINITY, 1e14, 1e300};
static const double WEIGHTS[] = {1.0, 0.5, -2.0, 0.0, 10.0, NAN, INFINITY, -INFINITY, 1e39, 0x1p30, 1e9, 1e-300, -7.5};
static const double DELAYS[] = {0.1, 0.2, 1.0, 2.5, 5.0, 0.04, 0.0, -1.0, NAN, INFINITY, 1e9, 0.15, -1e300};
static const double SIM_T[] = {0.0, 0.1, 0.5, 1.0, 2.0, 0.1, 1.0, 0.15, -1.0, NAN, INFINITY, 1e300, 1e13, 0x1p40, 1e-7};
static const char *const BAD_NAMES[] = {NULL, "", "nope", "V_m ", "record_from", "tau_m\n", "g_1",
                                        "a_very_long_name_that_is_longer_than_any_name_the_tables_have_at_all_x"};
static const char *const RULES[] = {"all_to_all", "one_to_one", "fixed_indegree", "fixed_outdegree", "fixed_total_number",
                                    "pairwise_bernoulli", NULL, "nope", ""};
static const char *const RECORDABLES[] = {"V_m", "I_stim", "refr_tick", "g_1", "g_2", "I", "ASCurrents_sum",
                                          "threshold", "nope", ""};

static double value_for(const sg_entry_info *e) {
  if (!g_valid && chance(3)) return PICK(BAD);
  if (strcmp(e->name, "rate") == 0) return PICK(RATES);
  if (strcmp(e->unit, "ms") == 0) return PICK(TIMES);
  if (strcmp(e->allowed, "0 or 1") == 0) return (double)rn(2);
  if (strstr(e->allowed, "integer")) return (double)rn(4);
  const double d = isfinite(e->def) ? e->def : 1.0;
  return d == 0.0 ? -10.0 + 20.0 * ru() : d * (0.5 + 1.5 * ru());
}

static const char *model_of(const fz *z, uint64_t id) {
  for (int i = 0; i < z->n_pops; ++i)
    if (id >= z->pops[i].first && id < z->pops[i].first + z->pops[i].n) return z->pops[i].model;
  return NULL;
}

/* A node range: mostly a valid slice of one population, else a bad one. */
static sg_nodes nodes_any(const fz *z) {
  if (z->n_pops && (g_valid || !chance(4))) {
    const fpop *p = &z->pops[rn((uint64_t)z->n_pops)];
    const uint64_t a = rn(p->n), n = 1 + rn(p->n - a);
    return (sg_nodes){p->first + a, chance(3) ? p->n - a : n, NULL};
  }
  const uint64_t N = z->n_nodes;
  const sg_nodes bad[] = {{0, 0, NULL}, {0, 1, NULL}, {N + 1, 1, NULL}, {1, 0, NULL}, {2, UINT64_MAX, NULL}, {UINT64_MAX, 1, NULL},
                          {1, N ? N : 1, NULL}, {1 + rn(N + 1), 1 + rn(5), NULL}, {N, 2, NULL}};
  return PICK(bad);
}
static uint64_t id_any(const fz *z) {
  if (z->n_nodes && (g_valid || !chance(5))) return 1 + rn(z->n_nodes);
  const uint64_t bad[] = {0, z->n_nodes + 1, UINT64_MAX, (uint64_t)1 << 32};
  return PICK(bad);
}
/* An entry of node id's model (or a bad name). */
static const sg_entry_info *entry_of(const fz *z, uint64_t id, const char **name) {
  const char *m = model_of(z, id);
  const sg_entry_info *e = NULL;
  size_t n = 0;
  if (m && (g_valid || !chance(6)) && sg_model_info(m, &e, &n) == SG_OK && n) {
    const sg_entry_info *x = &e[rn(n)];
    *name = x->name;
    return x;
  }
  *name = PICK(BAD_NAMES);
  return NULL;
}

static sg_value value_spec(const fz *z, int delay, uint64_t array_len) {
  (void)z;
  const double *pool = delay ? DELAYS : WEIGHTS;
  const size_t np = delay ? sizeof DELAYS / sizeof *DELAYS : sizeof WEIGHTS / sizeof *WEIGHTS;
  static double arr[512];
  if (g_valid) {
    static const double VW[] = {1.0, 0.5, -2.0, 0.0, 10.0, -7.5, 3.0};
    static const double VD[] = {0.1, 0.2, 1.0, 2.5, 5.0, 1.5};
    if (chance(4)) return delay ? sg_random_uniform(0.5, 3.0) : sg_random_normal(0.0, 2.0);
    return sg_scalar(delay ? PICK(VD) : PICK(VW));
  }
  switch (rn(12)) {
  case 0: {
    const uint64_t len = chance(3) ? rn(10) : array_len;
    for (size_t i = 0; i < 512; ++i) arr[i] = chance(20) ? pool[rn(np)] : (delay ? 0.1 * (double)(1 + rn(20)) : ru() - 0.5);
    if (len > 512) return sg_array(chance(2) ? NULL : arr, (size_t)len);   /* refused: length or NULL */
    return sg_array(chance(10) ? NULL : arr, (size_t)len);
  }
  case 1: return delay ? sg_random_uniform(0.1 + rn(3), 1.0 + rn(5)) : sg_random_uniform(pool[rn(np)], pool[rn(np)]);
  case 2: return sg_random_normal(delay ? 2.0 : pool[rn(np)], chance(2) ? 0.5 : pool[rn(np)]);
  case 3: return sg_random_normal_clipped(delay ? 2.0 : 0.0, 1.0, chance(2) ? 0.1 : pool[rn(np)], chance(2) ? 4.0 : pool[rn(np)]);
  case 4: return sg_random_lognormal(chance(2) ? 0.0 : pool[rn(np)], chance(2) ? 0.3 : pool[rn(np)]);
  case 5: return sg_random_exponential(chance(2) ? 1.0 : pool[rn(np)]);
  case 6: { sg_value v = sg_scalar(1.0); v.kind = (sg_value_kind)(int)(rn(20) - 5); return v; }
  default: return sg_scalar(pool[rn(np)]);
  }
}

/* ---- state hash (as in test_badinput.c, generic over models) --------------------------------- */
static uint64_t fnv(uint64_t h, const void *p, size_t n) {
  const unsigned char *b = p;
  for (size_t i = 0; i < n; ++i) { h ^= b[i]; h *= 1099511628211ull; }
  return h;
}
#define HV(x) (h = fnv(h, &(x), sizeof(x)))
static uint64_t state_hash(sg_sim *sim) {
  uint64_t h = 14695981039346656037ull;
  sg_memory mem;
  sg_status st = sg_memory_report(sim, &mem);
  HV(st); HV(mem.n_nodes); HV(mem.n_synapses);
  const uint64_t steps = sg_steps(sim);
  HV(steps);
  for (uint64_t id = 1; id <= mem.n_nodes; ++id) {
    const char *model = NULL;
    if (sg_node_model(sim, id, &model, NULL) || !model) continue;
    const sg_entry_info *e;
    size_t ne;
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
    if (strcmp(model, "spike_recorder") == 0) {
      size_t n = 0;
      st = sg_spikes(sim, id, NULL, NULL, 0, &n);
      HV(st); HV(n);
    }
  }
  const sg_nodes any = {0, 0, NULL};
  uint64_t nc = 0;
  st = sg_num_connections(sim, any, any, &nc);
  HV(st); HV(nc);
  return h;
}

static int rm_cb(const char *p, const struct stat *s, int flag, struct FTW *f) {
  (void)s; (void)flag; (void)f;
  return remove(p);
}

/* ---- a new simulation with a random config ---------------------------------------------------- */
static void new_sim(fz *z, const char *root) {
  if (z->sim) sg_sim_free(z->sim);
  z->sim = NULL;
  z->n_pops = 0;
  z->n_nodes = 0;
  z->last_sim_ok = 0;
  z->dir[0] = 0;
  for (int attempt = 0; !z->sim; ++attempt) {
    sg_config c;
    sg_config_default(&c);
    c.verbose = 0;
    c.backend = SG_BACKEND_CPU;
    c.seed = rnd();
    c.threads = 1;   /* 2 threads spin in OpenMP barriers (and under valgrind crawl); thread counts are tested elsewhere */
    (void)chance(16);
    const double H[] = {0.1, 0.1, 0.5, 1.0, 0.05, 0.0, -0.1, NAN, 0.1234567, 1e-4, INFINITY};
    const int bad = attempt < 3 && chance(3);
    if (bad) {
      switch (rn(6)) {
      case 0: c.resolution_ms = PICK(H); break;
      case 1: c.threads = (int)rn(3) - 1 + (chance(2) ? 5000 : 0); break;
      case 2: c.flush_interval_ms = PICK(BAD); break;
      case 3: c.cuda_block_size = (int)rn(100); break;
      case 4: c.keep_in_memory = (int)rn(4) - 1; break;
      default: c.backend = (sg_backend)(int)rn(6); break;
      }
    } else {
      c.resolution_ms = H[rn(5)];
    }
    char dir[300];
    if (chance(8)) {
      snprintf(dir, sizeof dir, "%s/s%ld", root, z->sims);
      c.output_dir = dir;
      c.flush_interval_ms = chance(2) ? 0.5 : 1.0;
      c.keep_in_memory = chance(3) ? 0 : 1;
    }
    char err[512] = "";
    const sg_status st = sg_sim_new(&c, &z->sim, err, sizeof err);
    note(z, "sg_sim_new(h %g, threads %d, dir %s) -> %d", c.resolution_ms, c.threads, c.output_dir ? c.output_dir : "-", (int)st);
    CHECK((unsigned)st < SG_STATUS_COUNT, "sg_sim_new status %d", (int)st);
    CHECK(st == SG_OK || err[0], "sg_sim_new failed without a message");
    CHECK(st == SG_OK || z->sim == NULL, "sg_sim_new failed but returned a handle");
    CHECK(st != SG_OK || z->sim != NULL, "sg_sim_new succeeded without a handle");
    if (st == SG_OK && z->sim) {
      z->h = c.resolution_ms;
      if (c.output_dir) snprintf(z->dir, sizeof z->dir, "%s", c.output_dir);
    } else {
      z->sim = NULL;
    }
    z->by_status[(unsigned)st < SG_STATUS_COUNT ? st : 0]++;
    z->calls++;
  }
  z->sims++;
}

/* ---- one random call ------------------------------------------------------------------------------ */
static const char *const MODELS_BAD[] = {NULL, "", "nope", "gl_exp ", "GL_EXP"};

static void one_call(fz *z, const char *root) {
  sg_sim *sim = z->sim;
  const int null_sim = chance(60);
  sg_sim *S = null_sim ? NULL : sim;
  const uint64_t nodes_before = z->n_nodes, steps_before = sg_steps(sim);
  const int deep = !null_sim && chance(32);
  const uint64_t h_before = deep ? state_hash(sim) : 0;
  sg_status st = SG_OK;
  int mutating = 1, is_sim = 0;
  double B[512], B2[64];
  uint64_t U[64], U2[64];
  int I[64];
  size_t zn = 0;
  const uint64_t op = rn(100);
  g_valid = chance(2);
  if (op < 8) {                                                       /* create */
    const char *m = !g_valid && chance(6) ? PICK(MODELS_BAD) : sg_model_name(rn(sg_model_count()));
    const uint64_t ns[] = {1, 1, 2, 3, 5, 20, 0, (uint64_t)1 << 32, UINT64_MAX, ((uint64_t)1 << 32) - z->n_nodes};
    const uint64_t n = g_valid ? ns[rn(6)] : PICK(ns);
    sg_nodes out = {0, 0, NULL};
    const int named = chance(4);
    char name[80];
    snprintf(name, sizeof name, "%s", chance(3) ? "p/q" : chance(2) ? "pop" : "");
    if (named) st = sg_create_named(S, m, n, chance(5) ? NULL : name, chance(30) ? NULL : &out);
    else st = sg_create(S, m, n, chance(30) ? NULL : &out);
    note(z, "sg_create%s(%s, %s, %llu) -> %d", named ? "_named" : "", S ? "sim" : "NULL", m ? m : "(null)", (unsigned long long)n, (int)st);
    if (st == SG_OK) {
      CHECK(out.first == z->n_nodes + 1 && out.n == n, "sg_create gave ids %llu+%llu after %llu nodes",
            (unsigned long long)out.first, (unsigned long long)out.n, (unsigned long long)z->n_nodes);
      if (z->n_pops < 128) z->pops[z->n_pops++] = (fpop){out.first, out.n, m};
      z->n_nodes += n;
    }
  } else if (op < 30) {                                               /* set / set_each */
    const sg_nodes x = nodes_any(z);
    const char *name;
    const sg_entry_info *e = entry_of(z, x.first, &name);
    if (chance(3) && x.n <= 512) {
      for (uint64_t i = 0; i < x.n; ++i) B[i] = e ? value_for(e) : PICK(BAD);
      st = sg_set_each(S, x, name, chance(30) ? NULL : B);
      note(z, "sg_set_each({%llu,%llu}, %s) -> %d", (unsigned long long)x.first, (unsigned long long)x.n, name ? name : "(null)", (int)st);
    } else {
      const double v = e ? value_for(e) : PICK(BAD);
      st = sg_set(S, x, name, v);
      note(z, "sg_set({%llu,%llu}, %s, %g) -> %d", (unsigned long long)x.first, (unsigned long long)x.n, name ? name : "(null)", v, (int)st);
    }
  } else if (op < 38) {                                               /* set_vec / set_vecs */
    const sg_nodes x = nodes_any(z);
    const char *name;
    const sg_entry_info *e = entry_of(z, x.first, &name);
    const size_t lens[] = {0, 1, 2, 2, 3, 5, (size_t)1 << 29};
    size_t len = PICK(lens);
    double t = 0.0;
    for (size_t i = 0; i < 64; ++i) {
      if (e && strcmp(e->unit, "ms") == 0 && !chance(8)) { t += 0.1 * (double)rn(8); B[i] = t; }
      else if (e && !chance(5)) B[i] = e->def_vec && e->def_len ? e->def_vec[i % e->def_len] * (0.5 + ru()) : (double)rn(3);
      else B[i] = PICK(BAD);
    }
    if (chance(2)) {
      st = sg_set_vec(S, x, name, chance(20) ? NULL : B, len > 64 && !chance(3) ? 3 : len);
      note(z, "sg_set_vec({%llu,%llu}, %s, len %zu) -> %d", (unsigned long long)x.first, (unsigned long long)x.n, name ? name : "(null)", len, (int)st);
    } else {
      const char *names[3];
      const double *vals[3] = {B, B + 16, B + 32};
      size_t ls[3];
      const size_t counts[] = {0, 1, 2, 2, 3, 17};
      size_t cnt = PICK(counts);
      for (int q = 0; q < 3; ++q) { entry_of(z, x.first, &names[q]); ls[q] = len > 16 ? 2 : len; }
      if (cnt == 17) {   /* refused before the arrays are read */
        st = sg_set_vecs(S, x, cnt, names, vals, ls);
      } else {
        st = sg_set_vecs(S, x, cnt, chance(20) ? NULL : names, vals, ls);
      }
      note(z, "sg_set_vecs({%llu,%llu}, %zu) -> %d", (unsigned long long)x.first, (unsigned long long)x.n, cnt, (int)st);
    }
  } else if (op < 42) {                                               /* set_strs */
    const sg_nodes x = nodes_any(z);
    const char *v[4];
    const size_t len = rn(5);
    for (size_t i = 0; i < len; ++i) v[i] = !g_valid && chance(10) ? NULL : g_valid ? RECORDABLES[rn(3)] : PICK(RECORDABLES);
    const char *name = !g_valid && chance(6) ? PICK(BAD_NAMES) : "record_from";
    st = sg_set_strs(S, x, name, chance(20) ? NULL : v, len);
    note(z, "sg_set_strs({%llu,%llu}, %s, %zu) -> %d", (unsigned long long)x.first, (unsigned long long)x.n, name ? name : "(null)", len, (int)st);
  } else if (op < 52) {                                               /* get / get_vec / node_model */
    mutating = 0;
    const uint64_t id = id_any(z);
    const char *name;
    entry_of(z, id, &name);
    if (chance(2)) {
      double v;
      st = sg_get(S, id, name, chance(30) ? NULL : &v);
      note(z, "sg_get(%llu, %s) -> %d", (unsigned long long)id, name ? name : "(null)", (int)st);
    } else if (chance(2)) {
      const size_t caps[] = {0, 1, 3, 64};
      const size_t cap = PICK(caps);
      st = sg_get_vec(S, id, name, chance(20) ? NULL : B, cap, chance(30) ? NULL : &zn);
      note(z, "sg_get_vec(%llu, %s, cap %zu) -> %d", (unsigned long long)id, name ? name : "(null)", cap, (int)st);
    } else {
      const char *m = NULL;
      sg_nodes p;
      st = sg_node_model(S, id, chance(5) ? NULL : &m, chance(5) ? NULL : &p);
      note(z, "sg_node_model(%llu) -> %d", (unsigned long long)id, (int)st);
    }
  } else if (op < 68) {                                               /* connect */
    const sg_nodes pre = nodes_any(z), post = nodes_any(z);
    sg_conn_spec cs;
    sg_conn_spec_default(&cs);
    cs.rule = g_valid ? RULES[rn(6)] : PICK(RULES);
    const uint64_t Ks[] = {0, 1, 2, 3, 5, (uint64_t)1 << 33, 100000000000ull, 1000000000000ull, (uint64_t)1 << 41};
    cs.indegree = cs.outdegree = cs.N = g_valid ? Ks[rn(5)] : PICK(Ks);
    const double ps[] = {0.0, 0.1, 0.5, 1.0, -0.1, 1.5, NAN, INFINITY};
    cs.p = g_valid ? ps[rn(4)] : PICK(ps);
    cs.allow_autapses = !g_valid && chance(8) ? (int)rn(4) - 1 : (int)rn(2);
    cs.allow_multapses = !g_valid && chance(8) ? (int)rn(4) - 1 : (int)rn(2);
    sg_syn_spec ss;
    sg_syn_spec_default(&ss);
    uint64_t alen = pre.n * post.n;
    if (cs.rule && strcmp(cs.rule, "one_to_one") == 0) alen = pre.n;
    ss.weight = value_spec(z, 0, alen);
    ss.delay = value_spec(z, 1, alen);
    const int recs[] = {0, 0, 0, 1, 2, 3, -1, 70000};
    ss.receptor_type = g_valid ? (chance(4) ? 1 : 0) : PICK(recs);
    if (!g_valid && chance(30)) ss.model = chance(2) ? "stdp_synapse" : NULL;
    st = sg_connect(S, pre, post, chance(8) ? NULL : &cs, chance(8) ? NULL : &ss);
    z->ok_connect += st == SG_OK;
    note(z, "sg_connect({%llu,%llu} -> {%llu,%llu}, %s K %llu p %g, w kind %d (%g %g %g), d kind %d (%g %g %g), r %d) -> %d",
         (unsigned long long)pre.first, (unsigned long long)pre.n, (unsigned long long)post.first, (unsigned long long)post.n,
         cs.rule ? cs.rule : "(null)", (unsigned long long)cs.indegree, cs.p, (int)ss.weight.kind, ss.weight.value, ss.weight.a,
         ss.weight.b, (int)ss.delay.kind, ss.delay.value, ss.delay.a, ss.delay.b, ss.receptor_type, (int)st);
  } else if (op < 72) {                                               /* connection queries */
    mutating = 0;
    const sg_nodes any = {0, 0, NULL};
    const sg_nodes pre = chance(2) ? any : nodes_any(z), post = chance(2) ? any : nodes_any(z);
    if (chance(2)) {
      uint64_t n;
      st = sg_num_connections(S, pre, post, chance(30) ? NULL : &n);
    } else {
      const size_t caps[] = {0, 1, 16, 64};
      const size_t cap = PICK(caps);
      const int nul = chance(6);
      st = sg_get_connections(S, pre, post, nul ? NULL : U, U2, chance(3) ? NULL : B2, B, nul ? NULL : I, cap, chance(30) ? NULL : &zn);
    }
    note(z, "connection query -> %d", (int)st);
  } else if (op < 76) {                                               /* simulate */
    is_sim = 1;
    const double t = g_valid ? z->h * (double)rn((uint64_t)(2.0 / z->h) + 1) : PICK(SIM_T);
    st = sg_simulate(S, t);
    if (st == SG_OK && S) { z->ok_run += sg_steps(sim) > steps_before; z->steps_run += (long)(sg_steps(sim) - steps_before); }
    note(z, "sg_simulate(%g) -> %d", t, (int)st);
  } else if (op < 82) {                                               /* recordings */
    mutating = 0;
    const uint64_t id = id_any(z);
    const size_t caps[] = {0, 1, 8, 64};
    const size_t cap = PICK(caps);
    if (chance(2)) {
      st = sg_spikes(S, id, chance(20) ? NULL : B, U, cap, chance(30) ? NULL : &zn);
      note(z, "sg_spikes(%llu, cap %zu) -> %d", (unsigned long long)id, cap, (int)st);
    } else {
      const char *var = chance(10) ? NULL : PICK(RECORDABLES);
      st = sg_samples(S, id, var, B, U, chance(20) ? NULL : B2, cap, chance(30) ? NULL : &zn);
      note(z, "sg_samples(%llu, %s, cap %zu) -> %d", (unsigned long long)id, var ? var : "(null)", cap, (int)st);
    }
  } else if (op < 86) {                                               /* diagnostics */
    mutating = 0;
    if (chance(2)) { sg_memory m; st = sg_memory_report(S, chance(20) ? NULL : &m); }
    else { sg_run_stats r; st = sg_run_stats_get(S, chance(20) ? NULL : &r); }
    note(z, "diagnostics -> %d", (int)st);
  } else if (op < 94) {                                               /* tables, slices, strings */
    mutating = 0;
    const sg_entry_info *e;
    size_t n;
    const char *m = chance(4) ? PICK(MODELS_BAD) : sg_model_name(rn(sg_model_count() + 2));
    const sg_status s2 = sg_model_info(m, chance(20) ? NULL : &e, &n);
    CHECK((unsigned)s2 < SG_STATUS_COUNT, "sg_model_info status %d", (int)s2);
    (void)sg_model_kind(m);
    const char *txt = sg_status_str((sg_status)(int)(rn(20) - 5));
    CHECK(txt && txt[0], "sg_status_str empty");
    const sg_nodes x = nodes_any(z);
    const sg_nodes s = sg_slice(x, rn(x.n + 2), rn(x.n + 2));
    CHECK(s.n == 0 || (s.first >= x.first && s.first + s.n <= x.first + x.n), "sg_slice out of its range");
    CHECK(sg_errmsg(S) != NULL && sg_backend_used(S) != NULL && sg_backend_reason(S) != NULL, "string getters NULL");
    note(z, "tables/slices");
    z->calls++;
    return;
  } else if (op < 95) {                                               /* a new simulation */
    if (z->dir[0]) nftw(z->dir, rm_cb, 8, FTW_DEPTH | FTW_PHYS);
    new_sim(z, root);
    return;
  } else {                                                            /* probes: must succeed */
    mutating = 0;
    if (z->last_sim_ok && !chance(3)) {
      st = sg_simulate(sim, z->h);
      note(z, "probe sg_simulate(h) -> %d", (int)st);
      CHECK(st == SG_OK, "a simulation that ran, followed only by failed calls, no longer runs: %s: %s",
            sg_status_str(st), sg_errmsg(sim));
      z->calls++;
      z->by_status[(unsigned)st < SG_STATUS_COUNT ? st : 0]++;
      return;
    }
    sg_nodes a, b;
    st = sg_create(sim, "parrot_neuron", 2, &a);
    CHECK(st == SG_OK, "probe sg_create failed: %s", sg_errmsg(sim));
    if (st == SG_OK) {
      if (z->n_pops < 128) z->pops[z->n_pops++] = (fpop){a.first, a.n, "parrot_neuron"};
      z->n_nodes += a.n;
      CHECK(a.n == 2, "probe sg_create gave %llu nodes", (unsigned long long)a.n);
      /* a -> b, not all to all: two parrots that feed each other and themselves double any
       * multiplicity every delay, which sg_simulate refuses (fixed-point headroom) */
      b = sg_slice(a, 1, 1);
      a = sg_slice(a, 0, 1);
      st = sg_connect(sim, a, b, NULL, NULL);
      CHECK(st == SG_OK, "probe sg_connect failed: %s", sg_errmsg(sim));
    }
    note(z, "probe create+connect -> %d", (int)st);
    z->last_sim_ok = 0;
    z->calls += 2;
    return;
  }
  z->calls++;
  z->by_status[(unsigned)st < SG_STATUS_COUNT ? st : 0]++;
  CHECK((unsigned)st < SG_STATUS_COUNT, "undefined status %d", (int)st);
  if (null_sim) {
    CHECK(st == SG_ERR_ARG, "a NULL handle gave %d", (int)st);
    return;
  }
  if (st != SG_OK) {
    z->errors++;
    CHECK(sg_errmsg(sim)[0] != 0, "status %s without a message", sg_status_str(st));
    /* errors of a running simulation keep the steps that ran: I/O, interrupts, memory, and a
     * neuron whose state became non-finite (the run stops there for good) */
    const int io = st == SG_ERR_IO || st == SG_ERR_HDF5 || st == SG_ERR_INTERRUPTED || st == SG_ERR_NOMEM ||
                   (st == SG_ERR_OVERFLOW && strstr(sg_errmsg(sim), "became non-finite"));
    if (!is_sim || !io) CHECK(sg_steps(sim) == steps_before, "a failed call moved the time (%s: %s)", sg_status_str(st), sg_errmsg(sim));
    sg_memory m;
    CHECK(sg_memory_report(sim, &m) == SG_OK && m.n_nodes == nodes_before, "a failed call changed the node count");
    if (deep && !io) {
      z->hashed++;
      CHECK(state_hash(sim) == h_before, "a failed call changed the state (%s: %s)", sg_status_str(st), sg_errmsg(sim));
    }
    if (is_sim && io) z->last_sim_ok = 0;
  } else if (is_sim) {
    /* sg_simulate(0) runs no step, so it vouches for nothing set since the last run */
    if (sg_steps(sim) > steps_before) z->last_sim_ok = 1;
  } else if (mutating) {
    z->last_sim_ok = 0;
  }
  /* keep the network tiny: a big one makes each later call slower */
  sg_memory m;
  if (sg_memory_report(sim, &m) == SG_OK && (m.n_nodes > 200 || m.n_synapses > 20000 || sg_time(sim) > 200.0)) {
    if (z->dir[0]) nftw(z->dir, rm_cb, 8, FTW_DEPTH | FTW_PHYS);
    new_sim(z, root);
  }
}

static long fuzz_calls_total(void) {
  const char *e = getenv("SG_FUZZ_CALLS");
  if (e && *e) return atol(e);
  return sg_test_quick() ? 100000 : 1000000;
}

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void test_fuzz_random_calls(void) {
  const int threads0 = omp_get_max_threads();
  omp_set_num_threads(1);   /* regions outside sg_simulate (CSR build) follow the default */
  g_trace = getenv("SG_FUZZ_TRACE") && atoi(getenv("SG_FUZZ_TRACE")) > 0;
  char root[] = "/tmp/sg_fuzz_XXXXXX";
  CU_ASSERT_FATAL(mkdtemp(root) != NULL);
  const uint64_t seeds[] = {1, 2, 3, 20240601};
  const long total = fuzz_calls_total(), per_seed = total / 4 + 1;
  long calls = 0, errors = 0, sims = 0, hashed = 0, by_status[SG_STATUS_COUNT] = {0}, ok_connect = 0, ok_run = 0, steps = 0;
  int failures = 0;
  const double t0 = now_s();
  for (size_t k = 0; k < 4; ++k) {
    fz *z = calloc(1, sizeof *z);
    CU_ASSERT_FATAL(z != NULL);
    z->seed = seeds[k];
    g_rng = seeds[k];
    new_sim(z, root);
    while (z->calls < per_seed) one_call(z, root);
    sg_sim_free(z->sim);
    calls += z->calls; errors += z->errors; sims += z->sims; hashed += z->hashed;
    ok_connect += z->ok_connect; ok_run += z->ok_run; steps += z->steps_run;
    for (int q = 0; q < SG_STATUS_COUNT; ++q) by_status[q] += z->by_status[q];
    failures += z->failed;
    free(z);
  }
  const double t1 = now_s();
  nftw(root, rm_cb, 8, FTW_DEPTH | FTW_PHYS);
  omp_set_num_threads(threads0);
  printf("\n    %ld calls (%ld errors, %ld simulations, %ld failed calls checked by state hash; %ld connects and %ld runs"
         " (%ld steps) succeeded) in %.1f s; by status:", calls, errors, sims, hashed, ok_connect, ok_run, steps, t1 - t0);
  for (int q = 0; q < SG_STATUS_COUNT; ++q)
    if (by_status[q]) printf(" %s %ld", sg_status_str((sg_status)q), by_status[q]);
  printf("\n    ");
  CU_ASSERT_EQUAL(failures, 0);
  CU_ASSERT(calls >= total);
}

static CU_TestInfo tests[] = {
  {"random API calls with random arguments", test_fuzz_random_calls},
  CU_TEST_INFO_NULL,
};

const sg_test_suite sg_suite_fuzz = {"fuzz", NULL, tests};
