/* examples/gl_phi - the GL tutorial's measurement of the firing-rate function Phi(V).
 *
 *   build/examples/gl_phi [--time T_ms] [--replicas M] [--seed S] [--threads n] [--backend B]
 *                         [--out DIR] [--no-plot]
 *
 * NESTML GL tutorial, experiment (a) (docs/models.md §1.3): gl_exp neurons are clamped at 12
 * voltages linspace(-60, -45, 12) (tau_m = 1e99 so V never moves, no reset at a spike:
 * reset_after_spike = 0, a = 1.2 mV, b = 27, V_b = -51.3 mV), h = 1 ms, 25 s. The firing
 * probability per step is 1e-3 h Phi(V), so the spike count of a neuron is
 * Binomial(T/h, 1e-3 h Phi(V)) and count / T estimates Phi(V) = exp((V - V_b) / a) / b.
 * The tutorial simulates the 12 neurons one after another; here all of them (and, with
 * --replicas M, M neurons per voltage) run at once, which is equivalent since every neuron
 * draws its own random numbers (Philox stream keyed by its id).
 *
 * Prints one line per voltage with the measured rate, its exact Poisson 95 % interval and
 * the theory, then a machine-readable summary:
 *   PHI V=<mV> count=<n> expected=<mean count> phi=<Hz> theory=<Hz> lo=<Hz> hi=<Hz>
 *   SUMMARY gl_phi voltages=12 in_ci95=<k> v_fixed=<0|1> time_ms=<T> replicas=<M>
 * Writes DIR/spikes.h5 (SONATA, population "gl_neurons") and DIR/gl_phi.png. */
/* SPDX-License-Identifier: MIT */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spikegpu.h"

/* The Python for the plot: $SG_PYTHON (make sets it to one with h5py and matplotlib), else python3. */
static const char *sg_python(void) {
  const char *p = getenv("SG_PYTHON");
  return p && *p ? p : "python3";
}

#define NV 12

#define CHECK(call)                                                                         \
  do {                                                                                      \
    sg_status st_ = (call);                                                                 \
    if (st_ != SG_OK) {                                                                     \
      fprintf(stderr, "error: %s\n  %s\n", sg_status_str(st_), sim ? sg_errmsg(sim) : "");   \
      sg_sim_free(sim);                                                                     \
      free(times); free(senders); free(vm); free(counts);                                   \
      return 1;                                                                             \
    }                                                                                       \
  } while (0)

static void usage(void) {
  printf("gl_phi: measure the GL firing-rate function Phi(V) at 12 clamped voltages (NESTML tutorial)\n\n"
         "  --time T       simulated time in ms (default 25000, the tutorial's 25 s)\n"
         "  --replicas M   neurons per voltage, pooled (default 1, as in the tutorial)\n"
         "  --seed S       random seed (default 143202461)\n"
         "  --out DIR      output folder (default build/examples_out/gl_phi)\n"
         "  --threads n    cpu threads (default 1: the network is tiny; 0 = all)\n"
         "  --backend B    auto (default), cpu or cuda\n"
         "  --no-plot      do not run the plotting script\n");
}

/* P(X <= k) for X ~ Poisson(mu), summed in log space (k is at most a few thousand here). */
static double poisson_cdf(long k, double mu) {
  if (k < 0) return 0.0;
  if (mu <= 0.0) return 1.0;
  double s = 0.0;
  for (long j = 0; j <= k; ++j) s += exp(-mu + (double)j * log(mu) - lgamma((double)j + 1.0));
  return s > 1.0 ? 1.0 : s;
}

/* Exact (Garwood) two-sided interval for a Poisson mean given an observed count k. */
static void poisson_ci(long k, double conf, double *lo, double *hi) {
  const double alpha = 1.0 - conf;
  double a, b;
  if (k == 0) *lo = 0.0;
  else { /* P(X >= k | lo) = alpha/2  <=>  cdf(k-1, lo) = 1 - alpha/2; cdf decreases in mu */
    a = 0.0; b = (double)k;
    for (int it = 0; it < 200; ++it) { double m = 0.5 * (a + b); if (poisson_cdf(k - 1, m) > 1.0 - alpha / 2) a = m; else b = m; }
    *lo = 0.5 * (a + b);
  }
  a = (double)k; b = (double)k + 10.0 + 10.0 * sqrt((double)k + 1.0);
  for (int it = 0; it < 200; ++it) { double m = 0.5 * (a + b); if (poisson_cdf(k, m) > alpha / 2) a = m; else b = m; }
  *hi = 0.5 * (a + b);
}

int main(int argc, char **argv) {
  sg_sim *sim = NULL;
  double *times = NULL, *vm = NULL;
  uint64_t *senders = NULL;
  long *counts = NULL;
  double T = 25000.0;
  unsigned long long seed = 143202461ULL, M = 1;
  int plot = 1, threads = 1;
  const char *out = "build/examples_out/gl_phi", *backend = "auto";
  for (int a = 1; a < argc; ++a) {
    const char *v = a + 1 < argc ? argv[a + 1] : NULL;
    if (!strcmp(argv[a], "--help") || !strcmp(argv[a], "-h")) { usage(); return 0; }
    else if (!strcmp(argv[a], "--no-plot")) plot = 0;
    else if (v && !strcmp(argv[a], "--time")) { T = atof(v); ++a; }
    else if (v && !strcmp(argv[a], "--replicas")) { M = strtoull(v, NULL, 10); ++a; }
    else if (v && !strcmp(argv[a], "--threads")) { threads = atoi(v); ++a; }
    else if (v && !strcmp(argv[a], "--seed")) { seed = strtoull(v, NULL, 10); ++a; }
    else if (v && !strcmp(argv[a], "--out")) { out = v; ++a; }
    else if (v && !strcmp(argv[a], "--backend")) { backend = v; ++a; }
    else { fprintf(stderr, "unknown or incomplete option '%s' (see --help)\n", argv[a]); return 2; }
  }
  if (!(T >= 1.0) || T != floor(T) || M < 1) { fprintf(stderr, "need --time >= 1 (whole ms) and --replicas >= 1\n"); return 2; }

  /* the tutorial's parameters */
  const double a_ = 1.2, b_ = 27.0, V_b = -51.3, h = 1.0;
  double V[NV];
  for (int i = 0; i < NV; ++i) V[i] = -60.0 + 15.0 * (double)i / (double)(NV - 1);

  sg_config cfg;
  sg_config_default(&cfg);
  cfg.resolution_ms = h;
  cfg.seed = seed;
  cfg.output_dir = out;
  cfg.overwrite_files = 1;   /* an example replaces the files of its previous run */
  cfg.verbose = 0;
  cfg.threads = threads;
  cfg.backend = !strcmp(backend, "cpu") ? SG_BACKEND_CPU : !strcmp(backend, "cuda") ? SG_BACKEND_CUDA : SG_BACKEND_AUTO;
  char err[512];
  if (sg_sim_new(&cfg, &sim, err, sizeof err) != SG_OK) { fprintf(stderr, "error: %s\n", err); return 2; }

  const uint64_t n = (uint64_t)NV * M;   /* neuron j clamps voltage j % 12 */
  vm = malloc(n * sizeof *vm);
  counts = calloc(NV, sizeof *counts);
  if (!vm || !counts) { fprintf(stderr, "out of memory\n"); sg_sim_free(sim); free(vm); free(counts); return 1; }
  for (uint64_t j = 0; j < n; ++j) vm[j] = V[j % NV];

  sg_nodes nrn, sr;
  CHECK(sg_create_named(sim, "gl_exp", n, "gl_neurons", &nrn));
  CHECK(sg_set(sim, nrn, "reset_after_spike", 0.0));
  CHECK(sg_set(sim, nrn, "a", a_));
  CHECK(sg_set(sim, nrn, "b", b_));
  CHECK(sg_set(sim, nrn, "V_b", V_b));
  CHECK(sg_set(sim, nrn, "tau_m", 1e99));
  CHECK(sg_set_each(sim, nrn, "V_m", vm));
  CHECK(sg_create_named(sim, "spike_recorder", 1, "spikes", &sr));
  CHECK(sg_connect(sim, nrn, sr, NULL, NULL));
  printf("gl_phi: %d voltages x %llu neurons, h = %g ms, %.0f ms, seed %llu, backend ", NV, M, h, T, seed);
  CHECK(sg_simulate(sim, T));
  printf("%s\n", sg_backend_used(sim));

  /* the tutorial asserts V_m did not move (tau_m = 1e99 gives P == 1 exactly) */
  int v_fixed = 1;
  for (uint64_t j = 0; j < n; ++j) {
    double v;
    CHECK(sg_get(sim, nrn.first + j, "V_m", &v));
    if (v != vm[j]) { v_fixed = 0; fprintf(stderr, "warning: neuron %llu: V_m moved from %.17g to %.17g\n", (unsigned long long)j, vm[j], v); }
  }
  size_t ns = 0;
  CHECK(sg_spikes(sim, sr.first, NULL, NULL, 0, &ns));
  times = malloc((ns ? ns : 1) * sizeof *times);
  senders = malloc((ns ? ns : 1) * sizeof *senders);
  if (!times || !senders) { fprintf(stderr, "out of memory\n"); sg_sim_free(sim); free(times); free(senders); free(vm); free(counts); return 1; }
  CHECK(sg_spikes(sim, sr.first, times, senders, ns, &ns));
  for (size_t e = 0; e < ns; ++e) counts[(senders[e] - nrn.first) % NV] += 1;
  sg_sim_free(sim);
  sim = NULL;

  const double Ts = T * 1e-3 * (double)M;   /* neuron-seconds per voltage */
  printf("%10s %14s %8s %12s %12s %25s\n", "V (mV)", "Phi theory(Hz)", "spikes", "expected", "Phi meas(Hz)", "95% interval (Hz)");
  int in_ci = 0;
  for (int i = 0; i < NV; ++i) {
    const double phi_th = exp((V[i] - V_b) / a_) / b_;
    /* exact expectation of the Binomial count: steps x min(1, p) */
    const double p = fmin(1.0, 1e-3 * h * phi_th);
    const double expected = floor(T / h + 0.5) * (double)M * p;
    double lo, hi;
    poisson_ci(counts[i], 0.95, &lo, &hi);
    const int inside = expected >= lo && expected <= hi;
    in_ci += inside;
    printf("%10.4f %14.4e %8ld %12.4f %12.4e   [%10.4e, %10.4e] %s\n", V[i], phi_th, counts[i], expected,
           (double)counts[i] / Ts, lo / Ts, hi / Ts, inside ? "" : "(theory outside)");
  }
  for (int i = 0; i < NV; ++i) {
    const double phi_th = exp((V[i] - V_b) / a_) / b_;
    const double expected = floor(T / h + 0.5) * (double)M * fmin(1.0, 1e-3 * h * phi_th);
    double lo, hi;
    poisson_ci(counts[i], 0.95, &lo, &hi);
    printf("PHI V=%.6f count=%ld expected=%.9g phi=%.9g theory=%.9g lo=%.9g hi=%.9g\n", V[i], counts[i],
           expected, (double)counts[i] / Ts, phi_th, lo / Ts, hi / Ts);
  }
  printf("SUMMARY gl_phi voltages=%d in_ci95=%d v_fixed=%d time_ms=%.0f replicas=%llu spikes=%zu\n", NV, in_ci,
         v_fixed, T, M, ns);
  printf("output: %s/spikes.h5\n", out);
  free(times); free(senders); free(vm); free(counts);
  fflush(stdout);
  if (plot) {
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "%s examples/gl_phi/plot.py '%s/spikes.h5' '%s/gl_phi.png' %.17g %llu", sg_python(), out, out, T, M);
    if (system(cmd) == 0) printf("figure: %s/gl_phi.png\n", out);
    else { fprintf(stderr, "plotting failed (needs python3-h5py, python3-matplotlib): %s\n", cmd); return 3; }
  }
  return 0;
}
