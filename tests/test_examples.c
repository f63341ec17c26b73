/* tests/test_examples.c - suite `examples`: every example program runs at a reduced size and
 * its machine-readable output meets the numbers the example is about (no plotting):
 *   gl_phi            every measured Phi(V) count agrees with Binomial/Poisson theory;
 *   gl_reliability    the PSTH of frozen Poisson input is far peakier than for constant input,
 *                     and the constant-input rate matches the GL renewal theory (16.3 Hz);
 *   gl_criticality    silent at the weakest coupling, self-sustained at the strongest;
 *   gl_phase_transition  rho(W) against the mean field, avalanche exponent near 3/2, gains near 1;
 *   gl_population     the flagship runs at a tiny size and reports a positive rate;
 *   gl_large          procedural synapses at a small size: nothing stored (connectivity < 5% of
 *                     what 2 x 10^6 stored synapses take), the rate of bench network b, the recorded subset's
 *                     rate (the figure's data) within 25% of the whole network's;
 *   glif_cond_levels  all five GLIF levels spike and every sample is recorded;
 *   microcircuit      Potjans & Diesmann (2014) at scale 0.1, in-degrees at 0.1 and full: the
 *                     rate and ISI CV of each population agree with NEST 3.10's over 8 seeds
 *                     (tests/data/pd14_nest_scale0.1{,_k1}.csv, from examples/microcircuit/nest_pd14.py).
 * The binaries are taken from $SG_BUILD/examples (default build/examples) and run with
 * --no-plot --threads 1 into a temporary folder that is removed afterwards. The suite is
 * skipped when the binaries are missing. */
/* SPDX-License-Identifier: MIT */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sg_test.h"

static const char *build_dir(void) {
  const char *b = getenv("SG_BUILD");
  return b && *b ? b : "build";
}

static void exe_path(const char *name, char *buf, size_t len) {
  snprintf(buf, len, "%s/examples/%s", build_dir(), name);
}

static int examples_available(char *why, size_t len) {
  static const char *const names[] = {"gl_phi", "gl_reliability", "gl_criticality", "gl_population",
                                      "microcircuit", "gl_large"};
  char p[1024];
  for (size_t i = 0; i < sizeof names / sizeof names[0]; ++i) {
    exe_path(names[i], p, sizeof p);
    if (access(p, X_OK) != 0) {
      snprintf(why, len, "%s not built (SG_BUILD=%s)", p, build_dir());
      return 0;
    }
  }
  return 1;
}

/* Runs `<build>/examples/<name> <args> --no-plot --out <tmpdir>` and returns its stdout
 * (malloc'd, NUL-terminated) or NULL; *rc receives the exit status. */
static char *run_example(const char *name, const char *args, int *rc) {
  char dir[] = "/tmp/sg_test_examples_XXXXXX";
  *rc = -1;
  if (!mkdtemp(dir)) return NULL;
  char exe[1024], cmd[4096];
  exe_path(name, exe, sizeof exe);
  snprintf(cmd, sizeof cmd, "'%s' %s --no-plot --out '%s/out' 2>&1", exe, args, dir);
  FILE *p = popen(cmd, "r");
  char *buf = NULL;
  size_t len = 0, cap = 0;
  if (p) {
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, p)) > 0) {
      if (len + n + 1 > cap) {
        cap = 2 * (len + n + 1);
        char *nb = realloc(buf, cap);
        if (!nb) { free(buf); buf = NULL; break; }
        buf = nb;
      }
      memcpy(buf + len, chunk, n);
      len += n;
    }
    const int st = pclose(p);
    *rc = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    if (buf) buf[len] = '\0';
  }
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system(cmd) != 0) fprintf(stderr, "\n  could not remove %s\n", dir);
  if (*rc != 0 && buf) fprintf(stderr, "\n  %s %s exited with %d; output:\n%s\n", name, args, *rc, buf);
  return buf;
}

/* The line that starts with `prefix` at or after *from (advances *from past it), or NULL. */
static const char *find_line(const char *text, const char *prefix, const char **from) {
  const char *s = from && *from ? *from : text;
  while (s && *s) {
    if (strncmp(s, prefix, strlen(prefix)) == 0) {
      const char *e = strchr(s, '\n');
      if (from) *from = e ? e + 1 : s + strlen(s);
      return s;
    }
    const char *e = strchr(s, '\n');
    s = e ? e + 1 : NULL;
  }
  return NULL;
}

/* Value of " key=" in the line (up to its end); NAN if absent. */
static double field(const char *line, const char *key) {
  if (!line) return NAN;
  const char *e = strchr(line, '\n');
  const size_t ll = e ? (size_t)(e - line) : strlen(line), kl = strlen(key);
  for (size_t i = 0; i + kl + 1 < ll; ++i)
    if ((i == 0 || line[i - 1] == ' ') && strncmp(line + i, key, kl) == 0 && line[i + kl] == '=')
      return strtod(line + i + kl + 1, NULL);
  return NAN;
}

/* log P(X = j) for X ~ Poisson(mu) */
static double log_pois(long j, double mu) { return -mu + (double)j * log(mu) - lgamma((double)j + 1.0); }

/* Two-sided tail of the observed count k under Poisson(mu): min(P(X <= k), P(X >= k)). */
static double poisson_tail(long k, double mu) {
  if (mu <= 0.0) return k == 0 ? 1.0 : 0.0;
  double lo = 0.0;
  for (long j = 0; j <= k; ++j) lo += exp(log_pois(j, mu));
  const double hi = 1.0 - lo + exp(log_pois(k, mu));
  return lo < hi ? lo : hi;
}

/* gl_phi: the tutorial's 25 s at h = 1 ms, and a pooled run with 200 neurons per voltage in
 * which even the low voltages fire. Every count must pass a 99.9 % two-sided Poisson test
 * against the exact expectation (T/h) p, p = 1e-3 h Phi(V); the program's own 95 % intervals
 * must hold the theory for most voltages, and V_m must not have moved. */
static void check_phi(const char *args, int replicas) {
  int rc;
  char *out = run_example("gl_phi", args, &rc);
  CU_ASSERT_FATAL(out != NULL);
  CU_ASSERT(rc == 0);
  const char *from = NULL, *line;
  int n = 0;
  while ((line = find_line(out, "PHI ", &from)) != NULL) {
    const double V = field(line, "V"), count = field(line, "count"), expected = field(line, "expected");
    const double theory = exp((V + 51.3) / 1.2) / 27.0;
    const double tail = poisson_tail((long)count, expected);
    if (!(tail > 5e-4))
      fprintf(stderr, "\n  gl_phi (replicas %d): V = %.4f mV: %g spikes, expected %g (tail %.2g)\n", replicas, V, count, expected, tail);
    CU_ASSERT(tail > 5e-4);
    CU_ASSERT(fabs(expected - 25000.0 * replicas * 1e-3 * theory) <= 1e-5 * expected);   /* V printed with 6 decimals */
    ++n;
  }
  CU_ASSERT(n == 12);
  const char *s = find_line(out, "SUMMARY gl_phi", NULL);
  CU_ASSERT_FATAL(s != NULL);
  CU_ASSERT(field(s, "v_fixed") == 1.0);
  CU_ASSERT(field(s, "in_ci95") >= 9.0);
  free(out);
}

static void test_phi_tutorial(void) { check_phi("--threads 1", 1); }
static void test_phi_pooled(void) { check_phi("--threads 1 --replicas 200", 200); }

/* gl_reliability at full size (50 trials, 500 ms: a fraction of a second). */
static void test_reliability(void) {
  int rc;
  char *out = run_example("gl_reliability", "--threads 1", &rc);
  CU_ASSERT_FATAL(out != NULL);
  CU_ASSERT(rc == 0);
  const char *s = find_line(out, "SUMMARY gl_reliability", NULL);
  CU_ASSERT_FATAL(s != NULL);
  const double pc = field(s, "ptm_constant"), pf = field(s, "ptm_frozen");
  const double cc = field(s, "cv_constant"), cf = field(s, "cv_frozen");
  const double rc_ = field(s, "rate_constant"), rf = field(s, "rate_frozen");
  fprintf(stderr, "\n  gl_reliability: peak/mean constant %.2f, frozen %.2f; CV %.2f, %.2f; rates %.1f, %.1f Hz ",
          pc, pf, cc, cf, rc_, rf);
  CU_ASSERT(pc > 1.0 && pc < 4.0);
  CU_ASSERT(pf > 2.0 * pc);
  CU_ASSERT(pf > 5.0);
  CU_ASSERT(cf > 2.0 * cc);
  /* renewal theory of the constant run (V from -65 to -43 mV with tau 10 ms after 2 ms held):
   * 16.3 Hz; 50 trials x 0.4 s give ~340 spikes, so +-20 % is > 3 sigma */
  CU_ASSERT(rc_ > 13.0 && rc_ < 20.0);
  CU_ASSERT(rf > 2.0 && rf < 60.0);              /* one frozen train: 4-20 Hz across seeds */
  free(out);
}

/* gl_criticality at a reduced size: three couplings (K w = 60, 140, 220 mV), 500 neurons. */
static void test_criticality(void) {
  int rc;
  char *out = run_example("gl_criticality", "--threads 1 --neurons 500 --nw 3 --wmin 0.6 --wmax 2.2 --seeds 1 --time 500", &rc);
  CU_ASSERT_FATAL(out != NULL);
  CU_ASSERT(rc == 0);
  const char *from = NULL, *line;
  double r[3] = {NAN, NAN, NAN};
  int n = 0;
  while ((line = find_line(out, "CRIT ", &from)) != NULL && n < 3) r[n++] = field(line, "rate");
  CU_ASSERT(n == 3);
  const char *s = find_line(out, "SUMMARY gl_criticality", NULL);
  CU_ASSERT_FATAL(s != NULL);
  fprintf(stderr, "\n  gl_criticality: rates %.2f, %.2f, %.2f Hz ", r[0], r[1], r[2]);
  CU_ASSERT(field(s, "rate_first") == 0.0);     /* absorbed: not a single spike at the end */
  CU_ASSERT(r[1] > 20.0 && r[1] < 100.0);       /* mean field: ~42 Hz at K w = 140 mV */
  CU_ASSERT(r[2] > 60.0 && r[2] < 250.0);       /* mean field: ~118 Hz at K w = 220 mV */
  CU_ASSERT(r[2] > r[1] && r[1] > r[0]);
  CU_ASSERT(field(s, "monotone") == 1.0);
  CU_ASSERT(field(s, "w_c") > 0.6 && field(s, "w_c") <= 1.4 + 1e-9);
  free(out);
}

/* gl_phase_transition at a reduced size (N = 4000, K = 400, 3 couplings per sweep, 300 avalanches,
 * 1000 steps of dynamic gains; ~4 s of one core). Tolerances: rho away from W_c (|W / W_c - 1| >=
 * 0.15) within 0.01 of the mean field (the 100-step means have sd <= 0.002 at N = 4000, and finite K
 * shifts rho* by rho* / K <= 0.001, docs/models.md §3.5); below W_c no spike in the window; the
 * avalanche exponent (maximum likelihood, s >= 5, ~110 avalanches: sd ~0.05) near 3/2 and
 * P(s >= 10) near the 0.25 of a critical Poisson branching process (sd 0.025); the dynamic gains,
 * started at 0.5 and 1.5, both end near the mean field's 1.024 (measured 1.016-1.027 over three
 * seeds; an extinction of the activity lets the gains rise towards A = 1.5 until a seed restarts
 * it, hence the wider upper bound). */
static void test_phase_transition(void) {
  char exe[1024];
  exe_path("gl_phase_transition", exe, sizeof exe);
  if (access(exe, X_OK) != 0) { fprintf(stderr, "\n  %s not built, not checked ", exe); return; }
  int rc;
  char *out = run_example("gl_phase_transition", "--threads 1 --neurons 4000 --indegree 400 --nw 3 --avalanches 300 --gain-steps 1000", &rc);
  CU_ASSERT_FATAL(out != NULL);
  CU_ASSERT(rc == 0);
  const char *from = NULL, *line;
  int n = 0;
  while ((line = find_line(out, "SWEEP ", &from)) != NULL) ++n;
  CU_ASSERT(n == 6);
  const char *s = find_line(out, "SUMMARY gl_phase_transition", NULL);
  CU_ASSERT_FATAL(s != NULL);
  const char *a = find_line(out, "AVAL ", NULL);
  CU_ASSERT_FATAL(a != NULL);
  const double dev = field(s, "max_dev_above"), below = field(s, "rho_below_max"), alpha = field(a, "alpha");
  const double f10 = field(a, "frac_ge10"), ga = field(s, "gain_above"), gb = field(s, "gain_below");
  fprintf(stderr, "\n  gl_phase_transition: max |rho - rho*| %.4f, alpha %.3f, P(s >= 10) %.3f, gains %.3f, %.3f ",
          dev, alpha, f10, ga, gb);
  CU_ASSERT(dev < 0.01);
  CU_ASSERT(below == 0.0);
  CU_ASSERT(alpha > 1.3 && alpha < 1.75);
  CU_ASSERT(f10 > 0.15 && f10 < 0.35);
  CU_ASSERT(ga > 0.97 && ga < 1.15);
  CU_ASSERT(gb > 0.97 && gb < 1.15);
  free(out);
}

/* gl_large at 10^4 neurons x 200 procedural synapses */
static void test_large_small(void) {
  int rc;
  char *out = run_example("gl_large", "--threads 1 --neurons 10000 --indegree 200 --time 200 --record 2000", &rc);
  CU_ASSERT_FATAL(out != NULL);
  CU_ASSERT(rc == 0);
  const char *c = strstr(out, "connectivity ");
  CU_ASSERT_FATAL(c != NULL);
  /* the drive's 10^4 stored synapses and the row tables only: < 5% of the 2 x 10^6 x 8 bytes */
  CU_ASSERT(strtod(c + strlen("connectivity "), NULL) < 0.05 * 8.0 * 2e6 / 1048576.0);
  const char *p = strstr(out, "mean rate "), *r = strstr(out, "neurons: rate ");
  CU_ASSERT_FATAL(p != NULL && r != NULL);
  const double rate = strtod(p + strlen("mean rate "), NULL), rec = strtod(r + strlen("neurons: rate "), NULL);
  fprintf(stderr, "\n  gl_large (10^4 neurons, K = 200, 200 ms): %.2f Hz, recorded subset %.2f Hz ", rate, rec);
  CU_ASSERT(rate > 2.0 && rate < 30.0);
  CU_ASSERT(fabs(rec - rate) < 0.25 * rate);
  free(out);
}

/* the flagship at a tiny size */
static void test_population_tiny(void) {
  int rc;
  char *out = run_example("gl_population", "--threads 1 --neurons 2000 --indegree 100 --time 200", &rc);
  CU_ASSERT_FATAL(out != NULL);
  CU_ASSERT(rc == 0);
  const char *p = strstr(out, "mean rate ");
  CU_ASSERT_FATAL(p != NULL);
  const double rate = strtod(p + strlen("mean rate "), NULL);
  fprintf(stderr, "\n  gl_population (2000 neurons, K = 100, 200 ms): %.2f Hz ", rate);
  CU_ASSERT(rate > 0.0 && rate < 200.0);
  /* issue 21: the real-time factor is NEST's wall / simulated time, its inverse is "x real time" */
  const char *w = strstr(out, " s wall: real-time factor ");
  CU_ASSERT_FATAL(w != NULL);
  const char *line = w;
  while (line > out && line[-1] != '\n') --line;
  double T = 0.0, wall = 0.0, rtf = 0.0, speed = 0.0;
  CU_ASSERT_FATAL(sscanf(line, "simulated %lf ms in %lf s wall: real-time factor %lf (%lf x real time", &T, &wall, &rtf, &speed) == 4);
  CU_ASSERT(T == 200.0);
  CU_ASSERT(fabs(rtf * 0.2 - wall) <= 0.006);   /* wall printed with 2 decimals, rtf with 3 */
  CU_ASSERT(rtf > 0.0 && fabs(rtf * speed - 1.0) < 0.02);
  free(out);
}

/* NEST's glif_cond example: every level fires, 20000 samples (0.05 .. 1000 ms) per variable */
static void test_glif_levels(void) {
  char exe[1024];
  exe_path("glif_cond_levels", exe, sizeof exe);
  if (access(exe, X_OK) != 0) { fprintf(stderr, "\n  %s not built, not checked ", exe); return; }
  int rc;
  char *out = run_example("glif_cond_levels", "--threads 1", &rc);
  CU_ASSERT_FATAL(out != NULL);
  CU_ASSERT(rc == 0);
  const char *s = find_line(out, "SUMMARY glif_cond_levels", NULL);
  CU_ASSERT_FATAL(s != NULL);
  CU_ASSERT(field(s, "samples") == 20000.0);
  const char *sp = strstr(s, "spikes=");
  CU_ASSERT_FATAL(sp != NULL);
  sp += strlen("spikes=");
  long c[5];
  for (int l = 0; l < 5; ++l) {
    char *end;
    c[l] = strtol(sp, &end, 10);
    CU_ASSERT(end != sp && c[l] > 0);
    sp = *end == ',' ? end + 1 : end;
  }
  /* the spike-induced threshold (R) without after-spike currents fires most, the ASC levels least */
  CU_ASSERT(c[1] > c[0] && c[0] > c[2]);
  free(out);
}

/* The microcircuit at scale 0.1 (neurons; in-degrees at 0.1, DC-compensated, or full), 100 ms
 * transient and 500 ms measured, one seed, against NEST 3.10 run for 8 seeds with the same model,
 * numbers and statistics (examples/microcircuit/nest_pd14.py). Criterion, per population: the
 * spikegpu value lies within 4 sd_seeds·sqrt(1 + 1/n_seeds) of NEST's seed mean (the sd of one
 * draw minus a mean of n draws when both simulators sample the same distribution). Rates always;
 * the mean ISI CV where NEST has on average >= 20 neurons with >= 3 spikes (not L23E at kscale
 * 0.1: ~7 at this size and time). The neuron numbers must be NEST's exactly. */
static void microcircuit_vs_nest(const char *csv, const char *args) {
  FILE *f = sg_test_open_data(csv);
  CU_ASSERT_FATAL(f != NULL);
  char name[8][16], line[1024];
  double n_ref[8], r_m[8], r_sd[8], c_m[8], c_sd[8], ncv[8], seeds[8];
  int np = 0;
  while (np < 8 && fgets(line, sizeof line, f)) {
    if (line[0] == '#' || !strncmp(line, "population", 10)) continue;
    if (sscanf(line, "%15[^,],%lf,%lf,%lf,%lf,%lf,%lf,%lf", name[np], &n_ref[np], &r_m[np], &r_sd[np], &c_m[np],
               &c_sd[np], &ncv[np], &seeds[np]) == 8)
      ++np;
  }
  fclose(f);
  CU_ASSERT_FATAL(np == 8);
  int rc;
  char *out = run_example("microcircuit", args, &rc);
  CU_ASSERT_FATAL(out != NULL);
  CU_ASSERT(rc == 0);
  const char *from = out;
  fprintf(stderr, "\n  microcircuit %s vs NEST %s (rate Hz, ISI CV: spikegpu | NEST mean +- sd over seeds)", args, csv);
  for (int i = 0; i < 8; ++i) {
    const char *l = find_line(out, "pop ", &from);
    CU_ASSERT_FATAL(l != NULL);
    char pn[16];
    unsigned long long n = 0, k = 0;
    double r = NAN, c = NAN;
    CU_ASSERT_FATAL(sscanf(l, "pop %15s N %llu rate %lf cv %lf ncv %llu", pn, &n, &r, &c, &k) == 5);
    CU_ASSERT(strcmp(pn, name[i]) == 0);
    CU_ASSERT((double)n == n_ref[i]);
    const double widen = 4.0 * sqrt(1.0 + 1.0 / seeds[i]);
    const int r_ok = fabs(r - r_m[i]) <= widen * r_sd[i];
    const int c_use = ncv[i] >= 20.0, c_ok = !c_use || fabs(c - c_m[i]) <= widen * c_sd[i];
    fprintf(stderr, "\n    %-5s rate %.3f | %.3f +- %.3f%s   cv %.3f | %.3f +- %.3f%s", pn, r, r_m[i], r_sd[i],
            r_ok ? "" : " FAIL", c, c_m[i], c_sd[i], !c_use ? " (not compared)" : c_ok ? "" : " FAIL");
    CU_ASSERT(r_ok);
    CU_ASSERT(c_ok);
  }
  fprintf(stderr, "\n  ");
  free(out);
}

static void test_microcircuit_vs_nest(void) {
  microcircuit_vs_nest("pd14_nest_scale0.1.csv", "--threads 1 --scale 0.1 --kscale 0.1 --presim 100 --time 500 --seed 55");
}

/* full in-degrees (3·10^7 synapses, about 10 s of build and run here): the regime of the benchmark */
static void test_microcircuit_full_indegree_vs_nest(void) {
  microcircuit_vs_nest("pd14_nest_scale0.1_k1.csv", "--threads 2 --scale 0.1 --kscale 1 --presim 100 --time 500 --seed 55");
}

static CU_TestInfo tests[] = {
  {"gl_phi: tutorial run, counts agree with Phi(V)", test_phi_tutorial},
  {"gl_phi: 200 neurons per voltage, counts agree with Phi(V)", test_phi_pooled},
  {"gl_reliability: frozen input far peakier than constant", test_reliability},
  {"gl_criticality: silent when weak, self-sustained when strong", test_criticality},
  {"gl_population: tiny flagship runs with a positive rate", test_population_tiny},
  {"gl_large: procedural synapses, nothing stored, network b's rate", test_large_small},
  {"glif_cond_levels: five levels spike, all samples", test_glif_levels},
  {"microcircuit: scale 0.1 rates and CVs agree with NEST 3.10", test_microcircuit_vs_nest},
  {"microcircuit: scale 0.1, full in-degrees, rates and CVs agree with NEST 3.10", test_microcircuit_full_indegree_vs_nest},
  {"gl_phase_transition: rho(W) against the mean field, critical avalanches, gains near 1", test_phase_transition},
  CU_TEST_INFO_NULL,
};

const sg_test_suite sg_suite_examples = {"examples", examples_available, tests};
