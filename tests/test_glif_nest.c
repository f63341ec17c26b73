/* tests/test_glif_nest.c - glif_cond against NEST 3.10, through the public API only
 * (sg_create / sg_set / sg_connect / sg_simulate / sg_spikes / sg_samples, cpu backend).
 * Scenarios and numbers: NEST 3.10 reference scenarios T1-det, T2, T3, T5, T6 (M1, M2, M11,
 * M12, M13) and NEST's glif_cond example (deterministic part); reference files in tests/data
 * (written by tests/data/gen_nest_refs.py from NEST 3.10, format in tests/data/README.md).
 * Every comparison is exact: doubles with ==, spike times as step indices (round(t / h)).
 * spikegpu's multimeter has every sample up to T, NEST's stops at T - min_delay: the common
 * prefix is compared. */
/* SPDX-License-Identifier: MIT */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sg_test.h"
#include "spikegpu.h"

/* ---- small helpers ------------------------------------------------------------------------- */
#define TRY(call)                                                                              \
  do {                                                                                         \
    sg_status st_ = (call);                                                                    \
    if (st_ != SG_OK) {                                                                        \
      fprintf(stderr, "\n  %s:%d: %s -> %s: %s\n", __FILE__, __LINE__, #call, sg_status_str(st_), \
              sim ? sg_errmsg(sim) : "");                                                      \
      CU_FAIL(#call);                                                                          \
      goto done;                                                                               \
    }                                                                                          \
  } while (0)

static sg_sim *new_sim(double h) {
  sg_config cfg;
  sg_config_default(&cfg);
  cfg.resolution_ms = h;
  cfg.backend = SG_BACKEND_CPU;
  cfg.threads = 1;
  cfg.output_dir = NULL;
  cfg.keep_in_memory = 1;
  cfg.verbose = 0;
  sg_sim *sim = NULL;
  char err[512] = "";
  if (sg_sim_new(&cfg, &sim, err, sizeof err) != SG_OK) {
    fprintf(stderr, "\n  sg_sim_new failed: %s\n", err);
    return NULL;
  }
  return sim;
}

#define syn sg_test_syn_scalar

static sg_status connect1(sg_sim *sim, sg_nodes pre, sg_nodes post, double w, double d, int receptor) {
  const sg_syn_spec s = syn(w, d, receptor);
  return sg_connect(sim, pre, post, NULL, &s);
}

static const int LEVELS[5][3] = {{0, 0, 0}, {1, 0, 0}, {0, 1, 0}, {1, 1, 0}, {1, 1, 1}};

static sg_status glif(sg_sim *sim, int level, sg_nodes *out) {
  sg_status st = sg_create(sim, "glif_cond", 1, out);
  if (!st) st = sg_set(sim, *out, "spike_dependent_threshold", LEVELS[level][0]);
  if (!st) st = sg_set(sim, *out, "after_spike_currents", LEVELS[level][1]);
  if (!st) st = sg_set(sim, *out, "adapting_threshold", LEVELS[level][2]);
  return st;
}

static long step_of(double t, double h) { return lround(t / h); }

/* All samples of one variable (sorted by time, then sender), malloc'd. */
typedef struct samples { double *t, *v; uint64_t *s; size_t n; } samples;
static void samples_free(samples *x) { free(x->t); free(x->v); free(x->s); memset(x, 0, sizeof *x); }
static sg_status get_samples(sg_sim *sim, uint64_t mm, const char *var, samples *x) {
  memset(x, 0, sizeof *x);
  size_t n = 0;
  sg_status st = sg_samples(sim, mm, var, NULL, NULL, NULL, 0, &n);
  if (st) return st;
  x->t = malloc((n + 1) * sizeof(double));
  x->v = malloc((n + 1) * sizeof(double));
  x->s = malloc((n + 1) * sizeof(uint64_t));
  if (!x->t || !x->v || !x->s) return SG_ERR_NOMEM;
  st = sg_samples(sim, mm, var, x->t, x->s, x->v, n, &x->n);
  if (x->n > n) x->n = n;
  return st;
}

/* Spike stamps (steps) of one sender, in time order; returns the count. */
static size_t spike_steps_of(sg_sim *sim, uint64_t sr, uint64_t sender, double h, long *out, size_t cap) {
  size_t n = 0, k = 0;
  if (sg_spikes(sim, sr, NULL, NULL, 0, &n) != SG_OK) return 0;
  double *t = malloc((n + 1) * sizeof(double));
  uint64_t *s = malloc((n + 1) * sizeof(uint64_t));
  size_t got = 0;
  if (t && s && sg_spikes(sim, sr, t, s, n, &got) == SG_OK)
    for (size_t j = 0; j < got && j < n; ++j)
      if (s[j] == sender) {
        if (k < cap) out[k] = step_of(t[j], h);
        ++k;
      }
  free(t);
  free(s);
  return k;
}

/* ---- reference files ------------------------------------------------------------------------ */

/* timing_micro.csv / glif_cond_T2.csv style: "a,b,c,n,v1,...": the values of the record whose
 * first fields match (fields == NULL are not compared); returns the count (<= cap) */
static size_t record_values(const char *file, int n_keys, const char *k0, const char *k1, const char *k2,
                            double *out, size_t cap) {
  FILE *f = sg_test_open_data(file);
  if (!f) return 0;
  static char line[1 << 20];
  const char *keys[3] = {k0, k1, k2};
  size_t n = 0;
  while (fgets(line, sizeof line, f)) {
    if (line[0] == '#') continue;
    char *save = NULL, *tok = strtok_r(line, ",\n", &save);
    int match = 1;
    for (int q = 0; q < n_keys && match; ++q) {
      if (q) tok = strtok_r(NULL, ",\n", &save);
      match = tok && strcmp(tok, keys[q]) == 0;
    }
    if (!match) continue;
    tok = strtok_r(NULL, ",\n", &save);   /* count */
    while ((tok = strtok_r(NULL, ",\n", &save)) && n < cap) out[n++] = strtod(tok, NULL);
    break;
  }
  fclose(f);
  return n;
}
static size_t micro(const char *id, const char *cas, const char *qty, double *out, size_t cap) {
  return record_values("timing_micro.csv", 3, id, cas, qty, out, cap);
}

/* Compares one neuron's recording with the files <base>.csv (step,time_ms,neuron,vars...),
 * <base>_spikes.csv (neuron,step,time_ms) and <base>_summary.csv (per variable over ALL of
 * NEST's samples: count and the left-to-right double sum, bit for bit). */
static void compare_neuron(sg_sim *sim, uint64_t mm, uint64_t sr, uint64_t gid, int neuron, double h,
                           const char *base, const char *const *vars, int n_vars) {
  char name[256], line[4096];
  long mismatches = 0, rows_checked = 0;
  samples x[8];
  memset(x, 0, sizeof x);
  for (int q = 0; q < n_vars; ++q)
    if (get_samples(sim, mm, vars[q], &x[q]) != SG_OK) {
      fprintf(stderr, "\n  %s: sg_samples(%s): %s\n", base, vars[q], sg_errmsg(sim));
      CU_FAIL("sg_samples");
      goto done;
    }
  /* this sender's samples, index = step - 1 (every step recorded, interval h) */
  size_t n_mine = 0;
  double *mine[8] = {0};
  for (int q = 0; q < n_vars; ++q) mine[q] = malloc((x[q].n + 1) * sizeof(double));
  for (size_t j = 0; j < x[0].n; ++j) {
    if (x[0].s[j] != gid) continue;
    const long st = step_of(x[0].t[j], h);
    if (st != (long)n_mine + 1) {   /* must be h, 2h, 3h, ... */
      fprintf(stderr, "\n  %s neuron %d: sample %zu at %.17g ms, expected step %zu\n", base, neuron, n_mine, x[0].t[j], n_mine + 1);
      CU_FAIL("sample times");
      break;
    }
    for (int q = 0; q < n_vars; ++q) mine[q][n_mine] = x[q].v[j];
    ++n_mine;
  }
  /* 1. the selected rows */
  snprintf(name, sizeof name, "%s.csv", base);
  FILE *f = sg_test_open_data(name);
  CU_ASSERT_PTR_NOT_NULL(f);
  while (f && fgets(line, sizeof line, f)) {
    if (line[0] == '#') continue;
    char *save = NULL;
    const long st = strtol(strtok_r(line, ",\n", &save), NULL, 10);
    strtok_r(NULL, ",\n", &save);   /* time_ms */
    const char *nt = strtok_r(NULL, ",\n", &save);
    if (!nt || atoi(nt) != neuron) continue;
    ++rows_checked;
    if (st < 1 || (size_t)st > n_mine) { ++mismatches; continue; }
    for (int q = 0; q < n_vars; ++q) {
      const char *tok = strtok_r(NULL, ",\n", &save);
      const double ref = tok ? strtod(tok, NULL) : NAN;
      if (mine[q][st - 1] != ref) {
        if (mismatches < 5)
          fprintf(stderr, "\n  %s neuron %d step %ld %s: %.17g, NEST %.17g", base, neuron, st, vars[q], mine[q][st - 1], ref);
        ++mismatches;
      }
    }
  }
  if (f) fclose(f);
  CU_ASSERT(rows_checked > 0);
  CU_ASSERT_EQUAL(mismatches, 0);
  /* 2. all samples through the summary: count, then the sequential sum bit for bit */
  snprintf(name, sizeof name, "%s_summary.csv", base);
  f = sg_test_open_data(name);
  CU_ASSERT_PTR_NOT_NULL(f);
  int summaries = 0;
  while (f && fgets(line, sizeof line, f)) {
    if (line[0] == '#') continue;
    char var[64], fsum[64], seq[64];
    int nn;
    long ns, first, last;
    if (sscanf(line, "%d,%63[^,],%ld,%ld,%ld,%63[^,],%63[^,]", &nn, var, &ns, &first, &last, fsum, seq) != 7 || nn != neuron) continue;
    for (int q = 0; q < n_vars; ++q) {
      if (strcmp(var, vars[q])) continue;
      ++summaries;
      CU_ASSERT(first == 1 && (size_t)last <= n_mine);
      if (first != 1 || (size_t)last > n_mine) {
        fprintf(stderr, "\n  %s neuron %d %s: NEST has samples %ld..%ld, spikegpu %zu\n", base, neuron, var, first, last, n_mine);
        continue;
      }
      double s = 0.0;
      for (long k = 0; k < last; ++k) s += mine[q][k];
      const double ref = strtod(seq, NULL);
      if (s != ref) fprintf(stderr, "\n  %s neuron %d %s: sum of %ld samples %a, NEST %a\n", base, neuron, var, last, s, ref);
      CU_ASSERT(s == ref);
    }
  }
  if (f) fclose(f);
  CU_ASSERT_EQUAL(summaries, n_vars);
  /* 3. spikes */
  snprintf(name, sizeof name, "%s_spikes.csv", base);
  f = sg_test_open_data(name);
  CU_ASSERT_PTR_NOT_NULL(f);
  static long ref_steps[4096], got_steps[4096];
  size_t n_ref = 0;
  while (f && fgets(line, sizeof line, f)) {
    int nn;
    long st;
    if (line[0] != '#' && sscanf(line, "%d,%ld", &nn, &st) == 2 && nn == neuron && n_ref < 4096) ref_steps[n_ref++] = st;
  }
  if (f) fclose(f);
  const size_t n_got = spike_steps_of(sim, sr, gid, h, got_steps, 4096);
  CU_ASSERT_EQUAL(n_got, n_ref);
  size_t agree = 0;
  while (agree < n_ref && agree < n_got && got_steps[agree] == ref_steps[agree]) ++agree;
  const int same = n_got == n_ref && agree == n_ref;
  if (!same) fprintf(stderr, "\n  %s neuron %d: %zu spikes, NEST %zu (first difference at index %zu)\n", base, neuron, n_got, n_ref, agree);
  CU_ASSERT(same);
  for (int q = 0; q < n_vars; ++q) free(mine[q]);
done:
  for (int q = 0; q < n_vars; ++q) samples_free(&x[q]);
}

static const char *const ALL8[8] = {"V_m", "I", "g_1", "g_2", "threshold", "threshold_spike",
                                    "threshold_voltage", "ASCurrents_sum"};

/* ---- T5: five levels, step current + two spike generators, every recordable, h = 0.1/0.05/0.01 */
static void t5(double h, const char *tag) {
  sg_sim *sim = new_sim(h);
  CU_ASSERT_PTR_NOT_NULL_FATAL(sim);
  sg_nodes n[5], cg, e, inh, mm, sr;
  for (int l = 0; l < 5; ++l) TRY(glif(sim, l, &n[l]));
  TRY(sg_create(sim, "step_current_generator", 1, &cg));
  const double at[3] = {5.0, 150.0, 250.0}, av[3] = {300.0, 150.0, 500.0};
  TRY(sg_set_vec(sim, cg, "amplitude_times", at, 3));
  TRY(sg_set_vec(sim, cg, "amplitude_values", av, 3));
  TRY(sg_set(sim, cg, "start", 0.0));
  TRY(sg_set(sim, cg, "stop", 350.0));
  TRY(sg_create(sim, "spike_generator", 1, &e));
  const double et[5] = {2.0, 60.0, 60.0, 200.3, 370.0}, ew[5] = {10.0, 20.0, 5.0, 30.0, 15.0};
  TRY(sg_set_vec(sim, e, "spike_times", et, 5));
  TRY(sg_set_vec(sim, e, "spike_weights", ew, 5));
  TRY(sg_create(sim, "spike_generator", 1, &inh));
  const double it[4] = {3.0, 100.0, 201.0, 380.0}, iw[4] = {10.0, 40.0, 20.0, 25.0};
  TRY(sg_set_vec(sim, inh, "spike_times", it, 4));
  TRY(sg_set_vec(sim, inh, "spike_weights", iw, 4));
  TRY(sg_create(sim, "multimeter", 1, &mm));
  TRY(sg_set(sim, mm, "interval", h));
  TRY(sg_set_strs(sim, mm, "record_from", ALL8, 8));
  TRY(sg_create(sim, "spike_recorder", 1, &sr));
  for (int l = 0; l < 5; ++l) {
    TRY(connect1(sim, cg, n[l], 1.0, h, 0));
    TRY(connect1(sim, e, n[l], 1.0, h, 1));
    TRY(connect1(sim, inh, n[l], 1.0, 2 * h, 2));
    TRY(connect1(sim, mm, n[l], 1.0, h, 0));
    TRY(connect1(sim, n[l], sr, 1.0, 1.0, 0));
  }
  TRY(sg_simulate(sim, 400.0));
  char base[64];
  snprintf(base, sizeof base, "glif_cond_T5_h%s", tag);
  for (int l = 0; l < 5; ++l) compare_neuron(sim, mm.first, sr.first, n[l].first, l + 1, h, base, ALL8, 8);
  /* the NEST 3.10 numbers of scenario T5 (h = 0.1, tests/data/README.md): spike counts per level */
  if (h == 0.1) {
    const size_t counts[5] = {21, 32, 11, 12, 11};
    long tmp[64];
    for (int l = 0; l < 5; ++l) CU_ASSERT_EQUAL(spike_steps_of(sim, sr.first, n[l].first, h, tmp, 64), counts[l]);
  }
done:
  sg_sim_free(sim);
}
static void test_glif_nest_T5_h01(void) { t5(0.1, "0.1"); }
static void test_glif_nest_T5_h005(void) { t5(0.05, "0.05"); }
static void test_glif_nest_T5_h001(void) { t5(0.01, "0.01"); }

/* T5's NEST 3.10 samples (tests/data/README.md), h = 0.1, as quoted: level 1 and 5 */
static void test_glif_nest_T5_quoted(void) {
  const double h = 0.1;
  sg_sim *sim = new_sim(h);
  CU_ASSERT_PTR_NOT_NULL_FATAL(sim);
  sg_nodes n[5], cg, e, inh, mm;
  samples V = {0}, th = {0};
  for (int l = 0; l < 5; ++l) TRY(glif(sim, l, &n[l]));
  TRY(sg_create(sim, "step_current_generator", 1, &cg));
  const double at[3] = {5.0, 150.0, 250.0}, av[3] = {300.0, 150.0, 500.0};
  TRY(sg_set_vec(sim, cg, "amplitude_times", at, 3));
  TRY(sg_set_vec(sim, cg, "amplitude_values", av, 3));
  TRY(sg_set(sim, cg, "stop", 350.0));
  TRY(sg_create(sim, "spike_generator", 1, &e));
  const double et[5] = {2.0, 60.0, 60.0, 200.3, 370.0}, ew[5] = {10.0, 20.0, 5.0, 30.0, 15.0};
  TRY(sg_set_vec(sim, e, "spike_times", et, 5));
  TRY(sg_set_vec(sim, e, "spike_weights", ew, 5));
  TRY(sg_create(sim, "spike_generator", 1, &inh));
  const double it[4] = {3.0, 100.0, 201.0, 380.0}, iw[4] = {10.0, 40.0, 20.0, 25.0};
  TRY(sg_set_vec(sim, inh, "spike_times", it, 4));
  TRY(sg_set_vec(sim, inh, "spike_weights", iw, 4));
  TRY(sg_create(sim, "multimeter", 1, &mm));
  TRY(sg_set(sim, mm, "interval", h));
  const char *rf[2] = {"V_m", "threshold"};
  TRY(sg_set_strs(sim, mm, "record_from", rf, 2));
  for (int l = 0; l < 5; ++l) {
    TRY(connect1(sim, cg, n[l], 1.0, h, 0));
    TRY(connect1(sim, e, n[l], 1.0, h, 1));
    TRY(connect1(sim, inh, n[l], 1.0, 2 * h, 2));
    TRY(connect1(sim, mm, n[l], 1.0, h, 0));
  }
  TRY(sg_simulate(sim, 400.0));
  TRY(get_samples(sim, mm.first, "V_m", &V));
  TRY(get_samples(sim, mm.first, "threshold", &th));
  CU_ASSERT_EQUAL_FATAL(V.n, 4000 * 5);
  /* sample at step s of neuron l: index (s - 1) * 5 + l */
#define AT(x, t, l) (x).v[(step_of(t, h) - 1) * 5 + (l)]
  SG_ASSERT_DBL_EXACT(AT(V, 2.5, 0), -74.75088553528678);
  SG_ASSERT_DBL_EXACT(AT(V, 12.0, 0), -61.72855220010895);
  SG_ASSERT_DBL_EXACT(AT(V, 201.5, 0), -78.85);
  SG_ASSERT_DBL_EXACT(AT(V, 349.9, 0), -61.89153303814504);
  SG_ASSERT_DBL_EXACT(AT(V, 399.9, 0), -79.52222014417225);
  SG_ASSERT_DBL_EXACT(AT(V, 60.5, 4), -54.57053431641292);
  SG_ASSERT_DBL_EXACT(AT(V, 360.0, 4), -90.1301667962467);
  SG_ASSERT_DBL_EXACT(AT(th, 360.0, 4), -49.293968765234354);
  SG_ASSERT_DBL_EXACT(AT(th, 399.9, 4), -50.74369806315399);
#undef AT
done:
  samples_free(&V);
  samples_free(&th);
  sg_sim_free(sim);
}

/* ---- T1-det: NEST's test_glif_cond.py without the Poisson part, h = 0.01, 1000 ms ---------- */
static void test_glif_nest_T1det(void) {
  const double h = 0.01;
  for (int l = 0; l < 5; ++l) {
    sg_sim *sim = new_sim(h);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sim);
    sg_nodes nrn, es, is, pg, pn, cg, sr, mm;
    TRY(glif(sim, l, &nrn));
    TRY(sg_set(sim, nrn, "V_m", -78.85));
    TRY(sg_create(sim, "spike_generator", 1, &es));
    const double et[4] = {10.0, 100.0, 400.0, 700.0}, it[4] = {15.0, 99.0, 300.0, 800.0};
    TRY(sg_set_vec(sim, es, "spike_times", et, 4));
    TRY(sg_create(sim, "spike_generator", 1, &is));
    TRY(sg_set_vec(sim, is, "spike_times", it, 4));
    TRY(sg_create(sim, "poisson_generator", 1, &pg));
    TRY(sg_set(sim, pg, "rate", 1000.0));
    TRY(sg_set(sim, pg, "start", 200.0));
    TRY(sg_set(sim, pg, "stop", 200.0));   /* the deterministic variant: never active */
    TRY(sg_create(sim, "parrot_neuron", 1, &pn));
    TRY(sg_create(sim, "step_current_generator", 1, &cg));
    const double at[1] = {600.0}, av[1] = {100.0};
    TRY(sg_set_vec(sim, cg, "amplitude_times", at, 1));
    TRY(sg_set_vec(sim, cg, "amplitude_values", av, 1));
    TRY(sg_set(sim, cg, "start", 600.0));
    TRY(sg_set(sim, cg, "stop", 900.0));
    TRY(sg_create(sim, "spike_recorder", 1, &sr));
    TRY(sg_create(sim, "multimeter", 1, &mm));
    const char *rf[1] = {"V_m"};
    TRY(sg_set_strs(sim, mm, "record_from", rf, 1));
    TRY(sg_set(sim, mm, "interval", h));
    TRY(connect1(sim, es, nrn, 1.0, 1.0, 1));
    TRY(connect1(sim, is, nrn, 1.0, 1.0, 2));
    TRY(connect1(sim, pg, pn, 1.0, 1.0, 0));
    TRY(connect1(sim, pn, nrn, 22.0, 1.0, 1));
    TRY(connect1(sim, pn, nrn, 10.0, 1.0, 2));
    TRY(connect1(sim, cg, nrn, 3.0, 1.0, 0));
    TRY(connect1(sim, nrn, sr, 1.0, 1.0, 0));
    TRY(connect1(sim, mm, nrn, 1.0, 1.0, 0));
    TRY(sg_simulate(sim, 1000.0));
    compare_neuron(sim, mm.first, sr.first, nrn.first, l + 1, h, "glif_cond_T1det", ALL8, 1);
    /* NEST's own assertion: V_m[0] (t = 0.01) == -78.85 to 7 places */
    samples V;
    if (get_samples(sim, mm.first, "V_m", &V) == SG_OK && V.n > 0) CU_ASSERT_DOUBLE_EQUAL(V.v[0], -78.85, 1e-7);
    samples_free(&V);
  done:
    sg_sim_free(sim);
  }
}

/* ---- T2: multiplicity, one receptor ------------------------------------------------------ */
static void test_glif_nest_T2(void) {
  sg_sim *sim = new_sim(0.1);
  CU_ASSERT_PTR_NOT_NULL_FATAL(sim);
  sg_nodes n1, n2, sg1, sg2, sg3, mm;
  samples V = {0}, g = {0};
  double ref[8], tr_t[128], tr_V1[128], tr_g1[128];
  const double tau[1] = {1.0}, erev[1] = {-85.0}, t5[1] = {5.0}, m2[1] = {2.0};
  TRY(sg_create(sim, "glif_cond", 1, &n1));
  TRY(sg_create(sim, "glif_cond", 1, &n2));
  /* one receptor: fewer receptors, so tau_syn first (E_rev may be longer meanwhile) */
  TRY(sg_set_vec(sim, n1, "tau_syn", tau, 1));
  TRY(sg_set_vec(sim, n1, "E_rev", erev, 1));
  TRY(sg_set_vec(sim, n2, "tau_syn", tau, 1));
  TRY(sg_set_vec(sim, n2, "E_rev", erev, 1));
  {
    const double two[2] = {1.0, 2.0};
    CU_ASSERT_NOT_EQUAL(sg_set_vec(sim, n2, "tau_syn", two, 2), SG_OK);   /* E_rev has 1 value */
  }
  TRY(sg_create(sim, "spike_generator", 1, &sg1));
  TRY(sg_create(sim, "spike_generator", 1, &sg2));
  TRY(sg_create(sim, "spike_generator", 1, &sg3));
  TRY(sg_set_vec(sim, sg1, "spike_times", t5, 1));
  TRY(sg_set_vec(sim, sg2, "spike_times", t5, 1));
  TRY(sg_set_vec(sim, sg3, "spike_times", t5, 1));
  TRY(sg_set_vec(sim, sg3, "spike_multiplicities", m2, 1));
  TRY(connect1(sim, sg1, n1, 1.0, 1.0, 1));
  TRY(connect1(sim, sg2, n1, 1.0, 1.0, 1));
  TRY(connect1(sim, sg3, n2, 1.0, 1.0, 1));
  TRY(sg_create(sim, "multimeter", 1, &mm));
  TRY(sg_set(sim, mm, "interval", 0.1));
  const char *rf[2] = {"V_m", "g_1"};
  TRY(sg_set_strs(sim, mm, "record_from", rf, 2));
  TRY(connect1(sim, mm, n1, 1.0, 1.0, 0));
  TRY(connect1(sim, mm, n2, 1.0, 1.0, 0));
  double v1 = 0, v2 = 0;
  TRY(sg_get(sim, n1.first, "V_m", &v1));
  TRY(sg_get(sim, n2.first, "V_m", &v2));
  SG_ASSERT_DBL_EXACT(v1, -78.85);
  SG_ASSERT_DBL_EXACT(v2, v1);
  TRY(sg_simulate(sim, 8.0));
  TRY(sg_get(sim, n1.first, "V_m", &v1));
  TRY(sg_get(sim, n2.first, "V_m", &v2));
  CU_ASSERT(record_values("glif_cond_T2.csv", 2, "status", "n1.V_m", NULL, ref, 1) == 1);
  SG_ASSERT_DBL_EXACT(v1, ref[0]);
  SG_ASSERT_DBL_EXACT(v1, -79.13559410046145);
  SG_ASSERT_DBL_EXACT(v2, -79.13559410046145);
  double gv[4], dgv[4];
  size_t len = 0;
  for (int k = 0; k < 2; ++k) {
    const uint64_t id = k ? n2.first : n1.first;
    TRY(sg_get_vec(sim, id, "g", gv, 4, &len));
    CU_ASSERT_EQUAL(len, 1);
    SG_ASSERT_DBL_EXACT(gv[0], 1.4715178236154975);
    CU_ASSERT_DOUBLE_EQUAL(gv[0], 1.47151782, 5e-9);
    TRY(sg_get_vec(sim, id, "dg", dgv, 4, &len));
    SG_ASSERT_DBL_EXACT(dgv[0], 0.7357588678930136);
  }
  /* the traces (NEST has 0.1 ... 7.0: min_delay 1.0) */
  const size_t nt = record_values("glif_cond_T2.csv", 2, "trace", "n1.time_ms", NULL, tr_t, 128);
  CU_ASSERT(record_values("glif_cond_T2.csv", 2, "trace", "n1.V_m", NULL, tr_V1, 128) == nt);
  CU_ASSERT(record_values("glif_cond_T2.csv", 2, "trace", "n1.g_1", NULL, tr_g1, 128) == nt);
  CU_ASSERT(nt == 70);
  TRY(get_samples(sim, mm.first, "V_m", &V));
  TRY(get_samples(sim, mm.first, "g_1", &g));
  CU_ASSERT_FATAL(V.n >= 2 * nt && g.n == V.n);
  for (size_t j = 0; j < nt; ++j)
    for (int k = 0; k < 2; ++k) {   /* rows: (time, n1), (time, n2) */
      CU_ASSERT_EQUAL(step_of(V.t[2 * j + k], 0.1), step_of(tr_t[j], 0.1));
      SG_ASSERT_DBL_EXACT(V.v[2 * j + k], tr_V1[j]);
      SG_ASSERT_DBL_EXACT(g.v[2 * j + k], tr_g1[j]);
    }
done:
  samples_free(&V);
  samples_free(&g);
  sg_sim_free(sim);
}

/* ---- T3: one 50 ms run == 50 runs of 1 ms (state incl. the carried RKF45 step persists) ---- */
static void t3_run(int split, samples *out, long *spk, size_t *n_spk) {
  sg_sim *sim = new_sim(0.1);
  CU_ASSERT_PTR_NOT_NULL_FATAL(sim);
  sg_nodes nrn, pg, mm, sr;
  TRY(sg_create(sim, "glif_cond", 1, &nrn));
  TRY(sg_set(sim, nrn, "spike_dependent_threshold", 1.0));
  TRY(sg_set(sim, nrn, "after_spike_currents", 1.0));
  TRY(sg_set(sim, nrn, "adapting_threshold", 1.0));
  TRY(sg_create(sim, "poisson_generator", 1, &pg));
  TRY(sg_set(sim, pg, "rate", 1e4));
  TRY(sg_create(sim, "multimeter", 1, &mm));
  TRY(sg_set(sim, mm, "interval", 0.1));
  TRY(sg_set_strs(sim, mm, "record_from", ALL8, 8));
  TRY(sg_create(sim, "spike_recorder", 1, &sr));
  TRY(connect1(sim, pg, nrn, 1.0, 1.0, 1));
  TRY(connect1(sim, mm, nrn, 1.0, 1.0, 0));
  TRY(connect1(sim, nrn, sr, 1.0, 1.0, 0));
  if (split)
    for (int k = 0; k < 50; ++k) TRY(sg_simulate(sim, 1.0));
  else
    TRY(sg_simulate(sim, 50.0));
  for (int q = 0; q < 8; ++q) TRY(get_samples(sim, mm.first, ALL8[q], &out[q]));
  *n_spk = spike_steps_of(sim, sr.first, nrn.first, 0.1, spk, 4096);
done:
  sg_sim_free(sim);
}
static void test_glif_nest_T3_split_runs(void) {
  samples a[8], b[8];
  memset(a, 0, sizeof a);
  memset(b, 0, sizeof b);
  static long sa[4096], sb[4096];
  size_t na = 0, nb = 0;
  t3_run(0, a, sa, &na);
  t3_run(1, b, sb, &nb);
  for (int q = 0; q < 8; ++q) {
    CU_ASSERT_EQUAL(a[q].n, 500);
    CU_ASSERT_EQUAL(a[q].n, b[q].n);
    if (a[q].n == b[q].n && a[q].n) {
      CU_ASSERT(memcmp(a[q].t, b[q].t, a[q].n * sizeof(double)) == 0);
      CU_ASSERT(memcmp(a[q].v, b[q].v, a[q].n * sizeof(double)) == 0);
    }
    samples_free(&a[q]);
    samples_free(&b[q]);
  }
  CU_ASSERT_EQUAL(na, nb);
  CU_ASSERT(na == nb && memcmp(sa, sb, na * sizeof(long)) == 0);
}

/* ---- M1 / M2: a 10 nS event, delays 0.1 / 0.5 / 1.0 / 2.0; weights multiply -------------- */
static void m1_case(double d, const char *cas, double spike_weight, double conn_weight, const char *id) {
  sg_sim *sim = new_sim(0.1);
  CU_ASSERT_PTR_NOT_NULL_FATAL(sim);
  sg_nodes nrn, sg, mm;
  samples V = {0}, g = {0};
  TRY(sg_create(sim, "glif_cond", 1, &nrn));
  TRY(sg_create(sim, "spike_generator", 1, &sg));
  const double t10[1] = {10.0}, w[1] = {spike_weight};
  TRY(sg_set_vec(sim, sg, "spike_times", t10, 1));
  if (spike_weight != 1.0) TRY(sg_set_vec(sim, sg, "spike_weights", w, 1));
  TRY(connect1(sim, sg, nrn, conn_weight, d, 1));
  TRY(sg_create(sim, "multimeter", 1, &mm));
  TRY(sg_set(sim, mm, "interval", 0.1));
  const char *rf[2] = {"V_m", "g_1"};
  TRY(sg_set_strs(sim, mm, "record_from", rf, 2));
  TRY(connect1(sim, mm, nrn, 1.0, 1.0, 0));
  TRY(sg_simulate(sim, 20.0));
  TRY(get_samples(sim, mm.first, "V_m", &V));
  TRY(get_samples(sim, mm.first, "g_1", &g));
  CU_ASSERT_FATAL(V.n == 200 && g.n == 200);
  double ref[128], tt[128], tv[128], tg[128];
  /* first non-zero g_1, peak */
  size_t first = 0, peak = 0;
  while (first < g.n && g.v[first] == 0.0) ++first;
  for (size_t j = 0; j < g.n; ++j) if (g.v[j] > g.v[peak]) peak = j;
  if (micro(id, cas, "first_nonzero_g_1_time", ref, 1) == 1) CU_ASSERT_EQUAL(step_of(g.t[first], 0.1), step_of(ref[0], 0.1));
  CU_ASSERT(micro(id, cas, "peak_time", ref, 1) == 1);
  CU_ASSERT_EQUAL(step_of(g.t[peak], 0.1), step_of(ref[0], 0.1));
  CU_ASSERT(micro(id, cas, "peak_g_1", ref, 1) == 1);
  SG_ASSERT_DBL_EXACT(g.v[peak], ref[0]);
  SG_ASSERT_DBL_EXACT(g.v[peak], 10.00010246047677);
  CU_ASSERT_EQUAL(step_of(g.t[peak], 0.1), step_of(10.0 + d + 0.2, 0.1));
  const size_t nt = micro(id, cas, "trace_t", tt, 128);
  if (nt) {
    CU_ASSERT(micro(id, cas, "trace_V_m", tv, 128) == nt);
    CU_ASSERT(micro(id, cas, "trace_g_1", tg, 128) == nt);
    for (size_t j = 0; j < nt; ++j) {
      const long s = step_of(tt[j], 0.1);
      CU_ASSERT_FATAL(s >= 1 && (size_t)s <= V.n);
      SG_ASSERT_DBL_EXACT(V.v[s - 1], tv[j]);
      SG_ASSERT_DBL_EXACT(g.v[s - 1], tg[j]);
    }
  }
  if (micro(id, cas, "first_V_change_time", ref, 1) == 1) {   /* M2 */
    size_t fv = 0;
    while (fv < V.n && V.v[fv] == -78.85) ++fv;
    CU_ASSERT_EQUAL(step_of(V.t[fv], 0.1), step_of(ref[0], 0.1));
    CU_ASSERT(micro(id, cas, "V_change", ref, 1) == 1);
    SG_ASSERT_DBL_EXACT(V.v[fv] - -78.85, ref[0]);
    SG_ASSERT_DBL_EXACT(V.v[fv] - -78.85, 0.6519541376150215);
  }
done:
  samples_free(&V);
  samples_free(&g);
  sg_sim_free(sim);
}
static void test_glif_nest_M1(void) {
  m1_case(0.1, "d=0.1", 1.0, 10.0, "M1");
  m1_case(0.5, "d=0.5", 1.0, 10.0, "M1");
  m1_case(1.0, "d=1.0", 1.0, 10.0, "M1");
  m1_case(2.0, "d=2.0", 1.0, 10.0, "M1");
}
static void test_glif_nest_M2(void) { m1_case(0.1, "-", 5.0, 2.0, "M2"); }

/* ---- M11: GLIF2 driven by 1000 pA at h = 0.1 / 0.05 / 0.01 ------------------------------- */
static void test_glif_nest_M11(void) {
  const double hs[3] = {0.1, 0.05, 0.01};
  const char *cases[3] = {"h=0.1", "h=0.05", "h=0.01"};
  for (int q = 0; q < 3; ++q) {
    const double h = hs[q];
    sg_sim *sim = new_sim(h);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sim);
    sg_nodes nrn, cg, mm, sr;
    samples V = {0}, ts = {0};
    TRY(glif(sim, 1, &nrn));
    TRY(sg_create(sim, "step_current_generator", 1, &cg));
    const double at[1] = {h}, av[1] = {1000.0};
    TRY(sg_set_vec(sim, cg, "amplitude_times", at, 1));
    TRY(sg_set_vec(sim, cg, "amplitude_values", av, 1));
    TRY(sg_create(sim, "multimeter", 1, &mm));
    TRY(sg_set(sim, mm, "interval", h));
    const char *rf[2] = {"V_m", "threshold_spike"};
    TRY(sg_set_strs(sim, mm, "record_from", rf, 2));
    TRY(sg_create(sim, "spike_recorder", 1, &sr));
    TRY(connect1(sim, cg, nrn, 1.0, h, 0));
    TRY(connect1(sim, mm, nrn, 1.0, h, 0));
    TRY(connect1(sim, nrn, sr, 1.0, 1.0, 0));
    TRY(sg_simulate(sim, 20.0));
    TRY(get_samples(sim, mm.first, "V_m", &V));
    TRY(get_samples(sim, mm.first, "threshold_spike", &ts));
    double sp_ref[64], vprev[8], vreset[8], hold[8], ts1[1];
    long got[64];
    const size_t nsp = micro("M11", cases[q], "spike_times", sp_ref, 64);
    const size_t ngot = spike_steps_of(sim, sr.first, nrn.first, h, got, 64);
    CU_ASSERT(nsp >= 4);
    CU_ASSERT_EQUAL(ngot, nsp);
    for (size_t j = 0; j < nsp && j < ngot; ++j) CU_ASSERT_EQUAL(got[j], step_of(sp_ref[j], h));
    const size_t nv = micro("M11", cases[q], "V_reset", vreset, 8);
    CU_ASSERT(nv == 4 && micro("M11", cases[q], "V_prev", vprev, 8) == nv && micro("M11", cases[q], "hold_samples", hold, 8) == nv);
    for (size_t j = 0; j < nv && j < ngot; ++j) {
      const long s = got[j];   /* spike sample index s - 1 */
      CU_ASSERT_FATAL(s >= 2 && (size_t)s + (size_t)hold[j] <= V.n);
      SG_ASSERT_DBL_EXACT(V.v[s - 2], vprev[j]);
      SG_ASSERT_DBL_EXACT(V.v[s - 1], vreset[j]);
      long held = 0;
      while ((size_t)(s + held) < V.n && V.v[s + held] == V.v[s - 1]) ++held;
      CU_ASSERT_EQUAL(held, (long)hold[j]);
    }
    CU_ASSERT(micro("M11", cases[q], "threshold_spike_after_first", ts1, 1) == 1);
    if (ngot) SG_ASSERT_DBL_EXACT(ts.v[got[0] - 1], ts1[0]);
    if (q == 0 && ngot) SG_ASSERT_DBL_EXACT(V.v[got[0] - 1], -55.01576256403456);
  done:
    samples_free(&V);
    samples_free(&ts);
    sg_sim_free(sim);
  }
}

/* ---- M12: a negative weight gives a negative conductance (depolarising at E_rev -85) ------ */
static void test_glif_nest_M12(void) {
  const double ws[2] = {-20.0, 20.0};
  const char *cases[2] = {"w=-20.0", "w=20.0"};
  for (int q = 0; q < 2; ++q) {
    sg_sim *sim = new_sim(0.05);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sim);
    sg_nodes nrn, sg, mm, sr;
    samples V = {0}, g = {0};
    TRY(sg_create(sim, "glif_cond", 1, &nrn));
    TRY(sg_create(sim, "spike_generator", 1, &sg));
    const double t99[1] = {99.0};
    TRY(sg_set_vec(sim, sg, "spike_times", t99, 1));
    TRY(connect1(sim, sg, nrn, ws[q], 0.05, 2));
    TRY(sg_create(sim, "multimeter", 1, &mm));
    TRY(sg_set(sim, mm, "interval", 0.05));
    const char *rf[2] = {"V_m", "g_2"};
    TRY(sg_set_strs(sim, mm, "record_from", rf, 2));
    TRY(connect1(sim, mm, nrn, 1.0, 0.05, 0));
    TRY(sg_create(sim, "spike_recorder", 1, &sr));
    TRY(connect1(sim, nrn, sr, 1.0, 1.0, 0));
    TRY(sg_simulate(sim, 150.0));
    TRY(get_samples(sim, mm.first, "V_m", &V));
    TRY(get_samples(sim, mm.first, "g_2", &g));
    /* NEST: samples 0.05 ... 149.95 (2999); compare over those */
    const size_t n = V.n < 2999 ? V.n : 2999;
    CU_ASSERT(V.n >= 2999);
    size_t imax = 0, imin = 0, gmax = 0, gmin = 0;
    for (size_t j = 0; j < n; ++j) {
      if (V.v[j] > V.v[imax]) imax = j;
      if (V.v[j] < V.v[imin]) imin = j;
      if (g.v[j] > g.v[gmax]) gmax = j;
      if (g.v[j] < g.v[gmin]) gmin = j;
    }
    double r[2];
    if (micro("M12", cases[q], "V_max", r, 1)) SG_ASSERT_DBL_EXACT(V.v[imax], r[0]);
    if (micro("M12", cases[q], "V_max_time", r, 1)) CU_ASSERT_EQUAL(step_of(V.t[imax], 0.05), step_of(r[0], 0.05));
    if (micro("M12", cases[q], "V_min", r, 1)) SG_ASSERT_DBL_EXACT(V.v[imin], r[0]);
    if (micro("M12", cases[q], "g_2_min", r, 1)) SG_ASSERT_DBL_EXACT(g.v[gmin], r[0]);
    if (micro("M12", cases[q], "g_2_max", r, 1)) SG_ASSERT_DBL_EXACT(g.v[gmax], r[0]);
    if (micro("M12", cases[q], "spike_count", r, 1)) {
      long tmp[8];
      CU_ASSERT_EQUAL(spike_steps_of(sim, sr.first, nrn.first, 0.05, tmp, 8), (size_t)r[0]);
    }
    if (q == 0) {
      SG_ASSERT_DBL_EXACT(V.v[imax], -66.82209185880704);
      SG_ASSERT_DBL_EXACT(g.v[gmin], -20.000000000907864);
    } else {
      SG_ASSERT_DBL_EXACT(V.v[imin], -82.19898532413453);
    }
  done:
    samples_free(&V);
    samples_free(&g);
    sg_sim_free(sim);
  }
}

/* ---- M13: ASCurrents = [3, 4] set at creation (GLIF3), no input --------------------------- */
static void test_glif_nest_M13(void) {
  sg_sim *sim = new_sim(0.1);
  CU_ASSERT_PTR_NOT_NULL_FATAL(sim);
  sg_nodes nrn, mm;
  samples A = {0}, V = {0};
  TRY(glif(sim, 2, &nrn));
  const double asc[2] = {3.0, 4.0};
  TRY(sg_set_vec(sim, nrn, "ASCurrents", asc, 2));
  TRY(sg_create(sim, "multimeter", 1, &mm));
  TRY(sg_set(sim, mm, "interval", 0.1));
  const char *rf[2] = {"ASCurrents_sum", "V_m"};
  TRY(sg_set_strs(sim, mm, "record_from", rf, 2));
  TRY(connect1(sim, mm, nrn, 1.0, 1.0, 0));
  TRY(sg_simulate(sim, 5.0));
  TRY(get_samples(sim, mm.first, "ASCurrents_sum", &A));
  TRY(get_samples(sim, mm.first, "V_m", &V));
  double rt[32], ra[32], rv[32];
  const size_t n = micro("M13", "-", "trace_t", rt, 32);
  CU_ASSERT(n == 20 && micro("M13", "-", "trace_ASCurrents_sum", ra, 32) == n && micro("M13", "-", "trace_V_m", rv, 32) == n);
  CU_ASSERT_FATAL(A.n >= n && V.n >= n);
  for (size_t j = 0; j < n; ++j) {
    CU_ASSERT_EQUAL(step_of(A.t[j], 0.1), step_of(rt[j], 0.1));
    SG_ASSERT_DBL_EXACT(A.v[j], ra[j]);
    SG_ASSERT_DBL_EXACT(V.v[j], rv[j]);
  }
  CU_ASSERT_DOUBLE_EQUAL(A.v[0], 6.97961655, 5e-9);
  CU_ASSERT_DOUBLE_EQUAL(A.v[1], 6.93911449, 5e-9);
  SG_ASSERT_DBL_EXACT(V.v[0], -78.85);
  CU_ASSERT_DOUBLE_EQUAL(V.v[1], -78.83820867, 5e-9);
  /* ASCurrents is only settable with after_spike_currents on, with len(asc_decay) values */
  sg_nodes lif;
  TRY(sg_create(sim, "glif_cond", 1, &lif));
  CU_ASSERT_NOT_EQUAL(sg_set_vec(sim, lif, "ASCurrents", asc, 2), SG_OK);
  CU_ASSERT_NOT_EQUAL(sg_set_vec(sim, nrn, "ASCurrents", asc, 1), SG_OK);
  CU_ASSERT_NOT_EQUAL(sg_set(sim, lif, "threshold_spike", 1.0), SG_OK);
  CU_ASSERT_NOT_EQUAL(sg_set(sim, lif, "threshold_voltage", 1.0), SG_OK);
done:
  samples_free(&A);
  samples_free(&V);
  sg_sim_free(sim);
}

/* ---- NEST's pynest example glif_cond_neuron.py, deterministic part (h = 0.05, 1000 ms) ---- */
static void test_glif_nest_example_det(void) {
  const double h = 0.05;
  sg_sim *sim = new_sim(h);
  CU_ASSERT_PTR_NOT_NULL_FATAL(sim);
  sg_nodes n[5], es, is, cg, pg, pn, mm, sr;
  for (int l = 0; l < 5; ++l) TRY(glif(sim, l, &n[l]));
  TRY(sg_create(sim, "spike_generator", 1, &es));
  const double et[3] = {10.0, 100.0, 150.0}, ew[3] = {20.0, 20.0, 20.0};
  TRY(sg_set_vec(sim, es, "spike_times", et, 3));
  TRY(sg_set_vec(sim, es, "spike_weights", ew, 3));
  TRY(sg_create(sim, "spike_generator", 1, &is));
  const double it[3] = {15.0, 99.0, 150.0}, iw[3] = {-20.0, -20.0, -20.0};
  TRY(sg_set_vec(sim, is, "spike_times", it, 3));
  TRY(sg_set_vec(sim, is, "spike_weights", iw, 3));
  TRY(sg_create(sim, "step_current_generator", 1, &cg));
  const double at[1] = {200.0}, av[1] = {400.0};
  TRY(sg_set_vec(sim, cg, "amplitude_times", at, 1));
  TRY(sg_set_vec(sim, cg, "amplitude_values", av, 1));
  TRY(sg_set(sim, cg, "start", 200.0));
  TRY(sg_set(sim, cg, "stop", 500.0));
  TRY(sg_create(sim, "poisson_generator", 1, &pg));   /* rate 0: the deterministic variant */
  TRY(sg_set(sim, pg, "start", 600.0));
  TRY(sg_set(sim, pg, "stop", 900.0));
  TRY(sg_create(sim, "parrot_neuron", 1, &pn));
  TRY(sg_create(sim, "multimeter", 1, &mm));
  TRY(sg_set(sim, mm, "interval", h));
  TRY(sg_set_strs(sim, mm, "record_from", ALL8, 8));
  TRY(sg_create(sim, "spike_recorder", 1, &sr));
  TRY(connect1(sim, pg, pn, 1.0, h, 0));
  for (int l = 0; l < 5; ++l) {
    TRY(connect1(sim, cg, n[l], 1.0, h, 0));
    TRY(connect1(sim, es, n[l], 1.0, h, 1));
    TRY(connect1(sim, is, n[l], 1.0, h, 2));
    TRY(connect1(sim, pn, n[l], 1.0, h, 1));
    TRY(connect1(sim, mm, n[l], 1.0, 1.0, 0));
    TRY(connect1(sim, n[l], sr, 1.0, 1.0, 0));
  }
  TRY(sg_simulate(sim, 1000.0));
  for (int l = 0; l < 5; ++l) compare_neuron(sim, mm.first, sr.first, n[l].first, l + 1, h, "glif_cond_example_det", ALL8, 8);
done:
  sg_sim_free(sim);
}

/* ---- parameters through the API: E_L bookkeeping, absolute V_m, receptor ports ------------- */
static void test_glif_nest_params(void) {
  sg_sim *sim = new_sim(0.1);
  CU_ASSERT_PTR_NOT_NULL_FATAL(sim);
  sg_nodes nrn, sg;
  double v = 0;
  TRY(sg_create(sim, "glif_cond", 1, &nrn));
  TRY(sg_get(sim, nrn.first, "V_m", &v));
  SG_ASSERT_DBL_EXACT(v, -78.85);
  TRY(sg_get(sim, nrn.first, "threshold", &v));
  SG_ASSERT_DBL_EXACT(v, -51.68);
  /* E_L changed alone: V_m, V_th, V_reset keep their absolute values (docs/models.md §2.2) */
  TRY(sg_set(sim, nrn, "E_L", -70.0));
  TRY(sg_get(sim, nrn.first, "V_m", &v));
  SG_ASSERT_DBL_EXACT(v, -78.85);
  TRY(sg_get(sim, nrn.first, "V_th", &v));
  SG_ASSERT_DBL_EXACT(v, -51.68);
  TRY(sg_get(sim, nrn.first, "V_reset", &v));
  SG_ASSERT_DBL_EXACT(v, -78.85);
  TRY(sg_set(sim, nrn, "V_m", -60.0));
  TRY(sg_get(sim, nrn.first, "V_m", &v));
  SG_ASSERT_DBL_EXACT(v, -60.0);
  /* rejected values leave everything as it was */
  CU_ASSERT_NOT_EQUAL(sg_set(sim, nrn, "V_reset", -40.0), SG_OK);
  CU_ASSERT_NOT_EQUAL(sg_set(sim, nrn, "adapting_threshold", 1.0), SG_OK);
  CU_ASSERT_NOT_EQUAL(sg_set(sim, nrn, "g", 1.0), SG_OK);
  CU_ASSERT_NOT_EQUAL(sg_set(sim, nrn, "C_m", 0.0), SG_OK);
  TRY(sg_get(sim, nrn.first, "adapting_threshold", &v));
  SG_ASSERT_DBL_EXACT(v, 0.0);
  const double bad_tau[2] = {1.0, -1.0}, three[3] = {1.0, 2.0, 3.0};
  CU_ASSERT_NOT_EQUAL(sg_set_vec(sim, nrn, "tau_syn", bad_tau, 2), SG_OK);
  CU_ASSERT_NOT_EQUAL(sg_set_vec(sim, nrn, "tau_syn", three, 3), SG_OK);   /* E_rev has 2 */
  /* receptors: spikes 1..n, current 0 */
  TRY(sg_create(sim, "spike_generator", 1, &sg));
  {
    const sg_syn_spec s0 = syn(1.0, 1.0, 0), s3 = syn(1.0, 1.0, 3);
    CU_ASSERT_NOT_EQUAL(sg_connect(sim, sg, nrn, NULL, &s0), SG_OK);
    CU_ASSERT_NOT_EQUAL(sg_connect(sim, sg, nrn, NULL, &s3), SG_OK);
  }
  TRY(connect1(sim, sg, nrn, 1.0, 1.0, 2));
  /* the recordables, in NEST's order */
  {
    const char *names[8] = {"ASCurrents_sum", "I", "V_m", "g_1", "g_2", "threshold", "threshold_spike", "threshold_voltage"};
    sg_nodes mm;
    TRY(sg_create(sim, "multimeter", 1, &mm));
    TRY(sg_set_strs(sim, mm, "record_from", names, 8));
    TRY(connect1(sim, mm, nrn, 1.0, 1.0, 0));
    const char *bad[1] = {"g_3"};
    sg_nodes mm2;
    TRY(sg_create(sim, "multimeter", 1, &mm2));
    TRY(sg_set_strs(sim, mm2, "record_from", bad, 1));
    const sg_status st = connect1(sim, mm2, nrn, 1.0, 1.0, 0);
    if (st == SG_OK) CU_ASSERT_NOT_EQUAL(sg_simulate(sim, 1.0), SG_OK);   /* checked at connect or at the first run */
  }
done:
  sg_sim_free(sim);
}

static CU_TestInfo tests[] = {
  {"T5 h=0.1 every recordable and spike exact", test_glif_nest_T5_h01},
  {"T5 h=0.05 every recordable and spike exact", test_glif_nest_T5_h005},
  {"T5 h=0.01 every recordable and spike exact", test_glif_nest_T5_h001},
  {"T5 samples quoted from NEST 3.10", test_glif_nest_T5_quoted},
  {"T1-det five levels h=0.01", test_glif_nest_T1det},
  {"T2 multiplicity", test_glif_nest_T2},
  {"T3 one run == 50 runs", test_glif_nest_T3_split_runs},
  {"M1 delays and the conductance peak", test_glif_nest_M1},
  {"M2 weights multiply", test_glif_nest_M2},
  {"M11 GLIF2 reset and refractory hold", test_glif_nest_M11},
  {"M12 negative conductance", test_glif_nest_M12},
  {"M13 ASCurrents set at creation", test_glif_nest_M13},
  {"NEST glif_cond example, deterministic part", test_glif_nest_example_det},
  {"parameters, state and ports through the API", test_glif_nest_params},
  CU_TEST_INFO_NULL,
};

const sg_test_suite sg_suite_glif_nest = {"glif_nest", NULL, tests};
