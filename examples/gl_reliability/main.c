/* examples/gl_reliability - the GL tutorial's spike-time reliability experiment.
 *
 *   build/examples/gl_reliability [--trials N] [--time T_ms] [--seed S] [--threads n] [--backend B]
 *                                 [--out DIR] [--no-plot]
 *
 * NESTML GL tutorial, experiment (b) (docs/models.md §1.3): 50 gl_exp neurons, one per
 * "trial" (tau_m 10 ms, t_ref 2 ms, C_m 250 pF, V_r = V_reset = -65 mV, a 1.2 mV, b 27,
 * V_b -51.3 mV), h = 0.1 ms, 500 ms, all started at one common V_m drawn from
 * uniform(-65, -50) mV (seeded C generator), recorded by a spike recorder and a multimeter
 * (V_m every 0.1 ms). Run 1: constant current I_e = 550 pA. Run 2: one frozen Poisson train
 * (poisson_generator 2000 Hz -> one parrot_neuron -> all neurons, +1 mV per spike, delays 1 ms).
 * With constant input the trials drift apart and the PSTH is flat; the frozen train makes the
 * stochastic neurons fire at reproducible times, so the PSTH shows sharp peaks.
 *
 * PSTH: 5 ms bins, rate = count / trials / 5 ms, analysed over 100-500 ms. Prints the mean rate,
 * the PSTH peak-to-mean ratio and the PSTH coefficient of variation of both runs, then
 *   SUMMARY gl_reliability trials=<N> v0=<mV> rate_constant=<Hz> rate_frozen=<Hz>
 *           ptm_constant=<x> ptm_frozen=<x> cv_constant=<x> cv_frozen=<x>
 * Writes DIR/spikes_constant.h5, DIR/spikes_frozen.h5 (SONATA spikes), DIR/vm_constant_V_m.h5,
 * DIR/vm_frozen_V_m.h5 (SONATA reports) and DIR/gl_reliability.png. */
/* SPDX-License-Identifier: MIT */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spikegpu.h"

/* The Python for the plot: $SG_PYTHON (make sets it to one with h5py and matplotlib), else python3. */
static const char *sg_python(void) {
  const char *p = getenv("SG_PYTHON");
  return p && *p ? p : "python3";
}

#define BIN_MS 5.0
#define T_FROM 100.0

typedef struct result { double rate, ptm, cv; size_t spikes; } result;

static void usage(void) {
  printf("gl_reliability: spike-time reliability of GL neurons, constant vs frozen Poisson input\n\n"
         "  --trials N    neurons = trials (default 50)\n"
         "  --time T      simulated time in ms (default 500, >= 200)\n"
         "  --seed S      seed of the engine and of the initial V_m draw (default 1000)\n"
         "  --out DIR     output folder (default build/examples_out/gl_reliability)\n"
         "  --threads n   cpu threads (default 1: the network is tiny; 0 = all)\n"
         "  --backend B   auto (default), cpu or cuda\n"
         "  --no-plot     do not run the plotting script\n");
}

/* splitmix64: a small seeded C generator for the common initial V_m */
static uint64_t splitmix64(uint64_t *s) {
  uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

/* One run of the experiment. frozen = 0: I_e = 550 pA; frozen = 1: shared Poisson train. */
static int run(const char *tag, int frozen, uint64_t trials, double T, double v0, uint64_t seed,
               const char *out, sg_backend backend, int threads, result *res) {
  sg_config cfg;
  sg_config_default(&cfg);
  cfg.resolution_ms = 0.1;
  cfg.seed = seed;
  cfg.output_dir = out;
  cfg.overwrite_files = 1;   /* an example replaces the files of its previous run */
  cfg.verbose = 0;
  cfg.threads = threads;
  cfg.backend = backend;
  char err[512], name[64];
  sg_sim *sim = NULL;
  double *t = NULL;
  uint64_t *snd = NULL;
  if (sg_sim_new(&cfg, &sim, err, sizeof err) != SG_OK) { fprintf(stderr, "error: %s\n", err); return 1; }
#define TRY(call)                                                                           \
  do {                                                                                      \
    sg_status st_ = (call);                                                                 \
    if (st_ != SG_OK) {                                                                     \
      fprintf(stderr, "error (%s run): %s\n  %s\n", tag, sg_status_str(st_), sg_errmsg(sim)); \
      sg_sim_free(sim); free(t); free(snd);                                                 \
      return 1;                                                                             \
    }                                                                                       \
  } while (0)
  sg_nodes nrn, sr, mm;
  snprintf(name, sizeof name, "gl_%s", tag);
  TRY(sg_create_named(sim, "gl_exp", trials, name, &nrn));
  static const char *const keys[] = {"tau_m", "t_ref", "C_m", "V_r", "V_reset", "a", "b", "V_b"};
  static const double vals[] = {10.0, 2.0, 250.0, -65.0, -65.0, 1.2, 27.0, -51.3};
  for (size_t k = 0; k < sizeof vals / sizeof vals[0]; ++k) TRY(sg_set(sim, nrn, keys[k], vals[k]));
  TRY(sg_set(sim, nrn, "V_m", v0));
  snprintf(name, sizeof name, "vm_%s", tag);
  TRY(sg_create_named(sim, "multimeter", 1, name, &mm));
  TRY(sg_set(sim, mm, "interval", 0.1));
  const char *rec[] = {"V_m"};
  TRY(sg_set_strs(sim, mm, "record_from", rec, 1));
  snprintf(name, sizeof name, "spikes_%s", tag);
  TRY(sg_create_named(sim, "spike_recorder", 1, name, &sr));
  TRY(sg_connect(sim, mm, nrn, NULL, NULL));
  TRY(sg_connect(sim, nrn, sr, NULL, NULL));
  if (!frozen) {
    TRY(sg_set(sim, nrn, "I_e", 550.0));
  } else {
    sg_nodes pg, parrot;
    TRY(sg_create_named(sim, "poisson_generator", 1, "poisson", &pg));
    TRY(sg_set(sim, pg, "rate", 2000.0));
    TRY(sg_create_named(sim, "parrot_neuron", 1, "parrot", &parrot));
    TRY(sg_connect(sim, pg, parrot, NULL, NULL));      /* delay 1 ms, weight ignored */
    TRY(sg_connect(sim, parrot, nrn, NULL, NULL));     /* all_to_all, +1 mV, delay 1 ms */
  }
  TRY(sg_simulate(sim, T));
  size_t n = 0;
  TRY(sg_spikes(sim, sr.first, NULL, NULL, 0, &n));
  t = malloc((n ? n : 1) * sizeof *t);
  snd = malloc((n ? n : 1) * sizeof *snd);
  if (!t || !snd) { fprintf(stderr, "out of memory\n"); sg_sim_free(sim); free(t); free(snd); return 1; }
  TRY(sg_spikes(sim, sr.first, t, snd, n, &n));
  sg_sim_free(sim);
  free(snd);
#undef TRY
  /* PSTH in BIN_MS bins over [T_FROM, T) */
  const int nb_all = (int)floor(T / BIN_MS + 0.5), b0 = (int)(T_FROM / BIN_MS), nb = nb_all - b0;
  double *cnt = calloc((size_t)nb_all, sizeof *cnt);
  if (!cnt) { free(t); return 1; }
  size_t used = 0;
  for (size_t e = 0; e < n; ++e) {
    int b = (int)floor(t[e] / BIN_MS);
    if (b > 0 && t[e] < b * BIN_MS) --b;
    if (t[e] >= (b + 1) * BIN_MS) ++b;
    if (b == nb_all) b = nb_all - 1;                  /* last bin closed, as numpy.histogram */
    if (b < 0 || b >= nb_all) continue;
    cnt[b] += 1.0;
    if (b >= b0) ++used;
  }
  double mean = 0.0, peak = 0.0, var = 0.0;
  for (int b = b0; b < nb_all; ++b) {
    const double r = cnt[b] / (double)trials / (BIN_MS * 1e-3);
    mean += r / nb;
    if (r > peak) peak = r;
  }
  for (int b = b0; b < nb_all; ++b) {
    const double r = cnt[b] / (double)trials / (BIN_MS * 1e-3);
    var += (r - mean) * (r - mean) / nb;
  }
  free(cnt);
  free(t);
  res->rate = mean;
  res->ptm = mean > 0.0 ? peak / mean : 0.0;
  res->cv = mean > 0.0 ? sqrt(var) / mean : 0.0;
  res->spikes = n;
  (void)used;
  return 0;
}

int main(int argc, char **argv) {
  unsigned long long trials = 50, seed = 1000;
  double T = 500.0;
  int plot = 1, threads = 1;
  const char *out = "build/examples_out/gl_reliability", *backend = "auto";
  for (int a = 1; a < argc; ++a) {
    const char *v = a + 1 < argc ? argv[a + 1] : NULL;
    if (!strcmp(argv[a], "--help") || !strcmp(argv[a], "-h")) { usage(); return 0; }
    else if (!strcmp(argv[a], "--no-plot")) plot = 0;
    else if (v && !strcmp(argv[a], "--trials")) { trials = strtoull(v, NULL, 10); ++a; }
    else if (v && !strcmp(argv[a], "--time")) { T = atof(v); ++a; }
    else if (v && !strcmp(argv[a], "--threads")) { threads = atoi(v); ++a; }
    else if (v && !strcmp(argv[a], "--seed")) { seed = strtoull(v, NULL, 10); ++a; }
    else if (v && !strcmp(argv[a], "--out")) { out = v; ++a; }
    else if (v && !strcmp(argv[a], "--backend")) { backend = v; ++a; }
    else { fprintf(stderr, "unknown or incomplete option '%s' (see --help)\n", argv[a]); return 2; }
  }
  if (trials < 1 || !(T >= 200.0) || fmod(T, BIN_MS) != 0.0) {
    fprintf(stderr, "need --trials >= 1 and --time >= 200, a multiple of 5 ms\n");
    return 2;
  }
  const sg_backend be = !strcmp(backend, "cpu") ? SG_BACKEND_CPU : !strcmp(backend, "cuda") ? SG_BACKEND_CUDA : SG_BACKEND_AUTO;
  uint64_t s = seed;
  const double v0 = -65.0 + 15.0 * (double)(splitmix64(&s) >> 11) * 0x1.0p-53;   /* uniform(-65, -50) */
  printf("gl_reliability: %llu trials, h = 0.1 ms, %.0f ms, common initial V_m = %.4f mV, seed %llu\n", trials, T, v0, seed);
  result rc, rf;
  if (run("constant", 0, trials, T, v0, seed, out, be, threads, &rc)) return 1;
  if (run("frozen", 1, trials, T, v0, seed, out, be, threads, &rf)) return 1;
  printf("  constant input (I_e = 550 pA):       %6zu spikes, mean rate %6.2f Hz, PSTH peak/mean %.2f, PSTH CV %.2f\n",
         rc.spikes, rc.rate, rc.ptm, rc.cv);
  printf("  frozen Poisson (2000 Hz x 1 mV):     %6zu spikes, mean rate %6.2f Hz, PSTH peak/mean %.2f, PSTH CV %.2f\n",
         rf.spikes, rf.rate, rf.ptm, rf.cv);
  printf("  (PSTH: %.0f ms bins, %.0f-%.0f ms)\n", BIN_MS, T_FROM, T);
  printf("SUMMARY gl_reliability trials=%llu v0=%.6f rate_constant=%.6g rate_frozen=%.6g ptm_constant=%.6g "
         "ptm_frozen=%.6g cv_constant=%.6g cv_frozen=%.6g\n", trials, v0, rc.rate, rf.rate, rc.ptm, rf.ptm, rc.cv, rf.cv);
  printf("output: %s/spikes_constant.h5, %s/spikes_frozen.h5, %s/vm_*_V_m.h5\n", out, out, out);
  fflush(stdout);
  if (plot) {
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "%s examples/gl_reliability/plot.py '%s' '%s/gl_reliability.png' %.17g %.17g", sg_python(), out, out, T, v0);
    if (system(cmd) == 0) printf("figure: %s/gl_reliability.png\n", out);
    else { fprintf(stderr, "plotting failed (needs python3-h5py, python3-matplotlib): %s\n", cmd); return 3; }
  }
  return 0;
}
