/* examples/gl_phase_transition - the absorbing phase transition of the discrete-time GL network
 * (gl_discrete, Brochini et al. 2016) against its mean field: the stationary activity rho(W),
 * avalanches at the critical coupling W_c, and dynamic gains that tune the network to criticality.
 *
 *   build/examples/gl_phase_transition [--neurons N] [--indegree K] [--nw n] [--avalanches A]
 *                                      [--gain-steps T] [--seed S] [--threads n] [--backend B]
 *                                      [--out DIR] [--no-plot]
 *
 * Every network: N gl_discrete neurons (Phi monomial, r = 1, V_T = 0, V_reset = 0, I_ext = 0),
 * fixed in-degree K (no autapses), weight W/K, delay 1 step, resolution h = 1 ms (one step of the
 * paper's map per millisecond). Defaults N = 10^4, K = 10^3 (10^7 synapses per network).
 *  1. rho(W): for mu = 0 (n couplings W in [0.5, 2.3]) and mu = 0.5 (n in [0.25, 1.15]) one network
 *     each with Gamma = 1, started at rest where at step 1 a random 30 % of the neurons fire; rho
 *     is the mean fraction firing per step over steps 60..159. Mean field (docs/models.md §3):
 *     rho* = (W - 1)/W for 1 < W <= 2 and 1/2 above (Phi saturates), 0 below W_c = 1; with
 *     mu = 0.5 the transition moves to W_c = (1 - mu)/Gamma = 0.5.
 *  2. Avalanches at W_c = 1 (mu = 0): the quiescent network gets one forced spike (a spike
 *     generator, 1000 mV, into one of 64 fixed neurons in turn); the run goes on step by step until
 *     a step without spikes (with mu = 0 silence is final), then the next seed. Size = all spikes of
 *     the avalanche, duration = its steps. Mean field: a critical branching process, P(s) ~ s^-3/2,
 *     P(d) ~ d^-2.
 *  3. Dynamic gains (tau_gain = 100 steps, u = 0.2, A = 1.5, W = 1): two networks, gains starting at
 *     1.5 (supercritical) and at 0.5 (subcritical), driven by forced spikes at 0.01 Hz per neuron
 *     (about one seed per 10 steps, which only restarts activity after it died out). The mean gain
 *     settles slightly above Gamma_c = 1/W = 1: the mean field of a self-sustained state gives
 *     Gamma* = (A + u tau / W) / (1 + u tau) = 1.0238 (docs/models.md §3.6).
 *
 * Prints the tables, then machine-readable lines
 *   SWEEP mu=<mu> W=<W> rho=<rho> sd=<sd of the per-step fraction> theory=<rho*>
 *   AVAL n=<count> mean_size=<s> max_size=<s> mean_duration=<d> alpha=<MLE exponent, s >= 5> frac_ge10=<P(s >= 10)>
 *   GAIN start=<Gamma0> mean_gain=<mean over the last half> rho=<activity, last half> theory=<Gamma*>
 *   SUMMARY gl_phase_transition ...
 * and writes DIR/sweep.tsv, DIR/avalanches.tsv, DIR/gains_spikes.h5, DIR/gains_gain.h5 (SONATA) and
 * the figure DIR/gl_phase_transition.png. About 1.5 minutes of one core at the defaults (90 s of CPU
 * measured on a busy 2-core machine; the results do not depend on --threads). */
/* SPDX-License-Identifier: MIT */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spikegpu.h"

#define MAX_W 64
#define RHO0 0.3
#define T0 60    /* transient, steps */
#define TW 100   /* window, steps */
#define N_SEEDS 64

static const char *g_backend = "auto";
static int g_threads = 0;

static sg_sim *new_sim(uint64_t seed, const char *out) {
  sg_config cfg;
  sg_config_default(&cfg);
  cfg.resolution_ms = 1.0;
  cfg.seed = seed;
  cfg.threads = g_threads;
  cfg.output_dir = out;
  cfg.overwrite_files = 1;
  cfg.verbose = 0;
  cfg.backend = !strcmp(g_backend, "cpu") ? SG_BACKEND_CPU : !strcmp(g_backend, "cuda") ? SG_BACKEND_CUDA : SG_BACKEND_AUTO;
  sg_sim *sim = NULL;
  char err[512];
  if (sg_sim_new(&cfg, &sim, err, sizeof err) != SG_OK) { fprintf(stderr, "error: %s\n", err); return NULL; }
  return sim;
}

#define TRY(call)                                                                   \
  do {                                                                              \
    sg_status st_ = (call);                                                         \
    if (st_ != SG_OK) {                                                             \
      fprintf(stderr, "error: %s\n  %s\n  %s\n", #call, sg_status_str(st_), sg_errmsg(sim)); \
      goto fail;                                                                    \
    }                                                                               \
  } while (0)

/* N neurons with fixed in-degree K, weight W/K, delay 1 step. */
static sg_status make_net(sg_sim *sim, uint64_t N, uint64_t K, double W, const char *name, sg_nodes *nn) {
  sg_conn_spec cs;
  sg_syn_spec syn;
  sg_status st = sg_create_named(sim, "gl_discrete", N, name, nn);
  sg_conn_spec_default(&cs);
  cs.rule = "fixed_indegree";
  cs.indegree = K;
  cs.allow_autapses = 0;
  sg_syn_spec_default(&syn);
  syn.weight = sg_scalar(W / (double)K);
  syn.delay = sg_scalar(1.0);
  return st ? st : sg_connect(sim, *nn, *nn, &cs, &syn);
}

/* ---- mean field (docs/models.md §3.3-3.4), Gamma = 1, r = 1, V_T = V_reset = I_ext = 0 ---------- */
static double mf_phi(double x) { return x > 0.0 ? (x < 1.0 ? x : 1.0) : 0.0; }
static double mf_isi(double rho, double W, double mu) {
  double U = 0.0, S = 1.0, tot = 1.0;
  const double U_inf = W * rho / (1.0 - mu);
  for (int k = 1; k < 1000000; ++k) {
    const double p = mf_phi(U);
    S *= 1.0 - p;
    tot += S;
    if (S < 1e-18) return tot;
    U = mu * U + W * rho;
    if (k > 2 && fabs(U - U_inf) <= 1e-15 * U_inf) {
      const double q = mf_phi(U_inf);
      return q > 0.0 ? tot + S * (1.0 - q) / q : INFINITY;
    }
  }
  return tot;
}
static double mf_rho_star(double W, double mu) {
  double lo = 1e-12, hi = 1.0;
  if (1.0 / mf_isi(lo, W, mu) - lo <= 0.0) return 0.0;
  for (int it = 0; it < 200; ++it) {
    const double m = 0.5 * (lo + hi);
    if (1.0 / mf_isi(m, W, mu) - m > 0.0) lo = m; else hi = m;
  }
  return 0.5 * (lo + hi);
}

/* ---- 1. rho(W) ------------------------------------------------------------------------------- */
static int sweep_point(uint64_t N, uint64_t K, double W, double mu, uint64_t seed, double *rho, double *sd) {
  sg_sim *sim = new_sim(seed, NULL);
  double *t = NULL;
  uint64_t *snd = NULL, *cnt = NULL;
  size_t n = 0;
  if (!sim) return 1;
  sg_nodes nn, g, sr;
  sg_conn_spec cb;
  sg_syn_spec sb;
  const double t1 = 1.0;
  TRY(make_net(sim, N, K, W, "net", &nn));
  TRY(sg_set(sim, nn, "mu", mu));
  TRY(sg_create(sim, "spike_generator", 1, &g));
  TRY(sg_set_vec(sim, g, "spike_times", &t1, 1));
  sg_conn_spec_default(&cb);
  cb.rule = "pairwise_bernoulli";
  cb.p = RHO0;
  sg_syn_spec_default(&sb);
  sb.weight = sg_scalar(1000.0);   /* Phi = 1: the neuron fires in step 1 */
  TRY(sg_connect(sim, g, nn, &cb, &sb));
  TRY(sg_create(sim, "spike_recorder", 1, &sr));
  TRY(sg_set(sim, sr, "start", (double)T0));   /* spikes of steps T0 .. (stamped T0 + 1 ..) */
  TRY(sg_connect(sim, nn, sr, NULL, NULL));
  TRY(sg_simulate(sim, (double)(T0 + TW)));
  TRY(sg_spikes(sim, sr.first, NULL, NULL, 0, &n));
  t = malloc((n ? n : 1) * sizeof *t);
  snd = malloc((n ? n : 1) * sizeof *snd);
  cnt = calloc(TW, sizeof *cnt);
  if (!t || !snd || !cnt) { fprintf(stderr, "out of memory\n"); goto fail; }
  TRY(sg_spikes(sim, sr.first, t, snd, n, &n));
  for (size_t e = 0; e < n; ++e) {
    const long k = lround(t[e]) - 1 - T0;
    if (k >= 0 && k < TW) cnt[k]++;
  }
  double m = 0.0, v = 0.0;
  for (int k = 0; k < TW; ++k) m += (double)cnt[k] / (double)N / TW;
  for (int k = 0; k < TW; ++k) v += ((double)cnt[k] / (double)N - m) * ((double)cnt[k] / (double)N - m) / (TW - 1);
  *rho = m;
  *sd = sqrt(v);
  free(t); free(snd); free(cnt);
  sg_sim_free(sim);
  return 0;
fail:
  free(t); free(snd); free(cnt);
  sg_sim_free(sim);
  return 1;
}

/* ---- 2. avalanches at W_c ---------------------------------------------------------------------- */
static int avalanches(uint64_t N, uint64_t K, uint64_t A, uint64_t seed, uint64_t *size, uint32_t *dur) {
  sg_sim *sim = new_sim(seed, NULL);
  if (!sim) return 1;
  sg_nodes nn, g[N_SEEDS];
  sg_syn_spec sb;
  sg_syn_spec_default(&sb);
  sb.weight = sg_scalar(1000.0);
  sg_run_stats rs;
  TRY(make_net(sim, N, K, 1.0, "net", &nn));
  for (int j = 0; j < N_SEEDS; ++j) {   /* seed targets spread over the population */
    TRY(sg_create(sim, "spike_generator", 1, &g[j]));
    TRY(sg_connect(sim, g[j], sg_slice(nn, (uint64_t)j * N / N_SEEDS, 1), NULL, &sb));
  }
  TRY(sg_simulate(sim, 1.0));
  for (uint64_t a = 0; a < A; ++a) {
    /* a spike at now + 1 ms is emitted in the next step and read one step later */
    const double ts = sg_time(sim) + 1.0;
    TRY(sg_set_vec(sim, g[a % N_SEEDS], "spike_times", &ts, 1));
    TRY(sg_simulate(sim, 1.0));
    TRY(sg_run_stats_get(sim, &rs));
    uint64_t before = rs.spikes, s = 0;
    uint32_t d = 0;
    for (;;) {   /* until a step without spikes: then nothing can ever fire again (mu = 0) */
      TRY(sg_simulate(sim, 1.0));
      TRY(sg_run_stats_get(sim, &rs));
      if (rs.spikes == before) break;
      s += rs.spikes - before;
      before = rs.spikes;
      ++d;
    }
    size[a] = s;
    dur[a] = d;
  }
  sg_sim_free(sim);
  return 0;
fail:
  sg_sim_free(sim);
  return 1;
}

/* ---- 3. dynamic gains -------------------------------------------------------------------------- */
#define G_A 1.5
#define G_TAU 100.0
#define G_U 0.2
#define G_SEED_HZ 0.01
#define G_INTERVAL 10.0
static int dynamic_gains(uint64_t N, uint64_t K, int T, uint64_t seed, const char *out, double *gain_end, double *rho_end) {
  sg_sim *sim = new_sim(seed, out);
  double *tt = NULL, *vv = NULL;
  uint64_t *ss = NULL;
  if (!sim) return 1;
  static const double g0[2] = {G_A, 0.5};
  static const char *const names[2] = {"above", "below"};
  sg_nodes nn[2], pg, sr, mm;
  sg_syn_spec sb;
  sg_syn_spec_default(&sb);
  sb.weight = sg_scalar(1000.0);
  const uint64_t n_rec = N < 1000 ? N : 1000;
  TRY(sg_create_named(sim, "poisson_generator", 1, "seeds", &pg));
  TRY(sg_set(sim, pg, "rate", G_SEED_HZ));
  TRY(sg_create_named(sim, "spike_recorder", 1, "gains_spikes", &sr));
  TRY(sg_create_named(sim, "multimeter", 1, "gains", &mm));
  TRY(sg_set(sim, mm, "interval", G_INTERVAL));
  const char *var = "gain";
  TRY(sg_set_strs(sim, mm, "record_from", &var, 1));
  for (int p = 0; p < 2; ++p) {
    TRY(make_net(sim, N, K, 1.0, names[p], &nn[p]));
    TRY(sg_set(sim, nn[p], "A", G_A));
    TRY(sg_set(sim, nn[p], "tau_gain", G_TAU));
    TRY(sg_set(sim, nn[p], "u", G_U));
    TRY(sg_set(sim, nn[p], "Gamma", g0[p]));
    TRY(sg_connect(sim, pg, nn[p], NULL, &sb));
    TRY(sg_connect(sim, nn[p], sr, NULL, NULL));
    TRY(sg_connect(sim, mm, sg_slice(nn[p], 0, n_rec), NULL, NULL));
  }
  TRY(sg_simulate(sim, (double)T));
  /* the mean gain and the activity over the second half */
  size_t n = 0;
  TRY(sg_samples(sim, mm.first, "gain", NULL, NULL, NULL, 0, &n));
  tt = malloc((n ? n : 1) * sizeof *tt);
  vv = malloc((n ? n : 1) * sizeof *vv);
  ss = malloc((n ? n : 1) * sizeof *ss);
  if (!tt || !vv || !ss) { fprintf(stderr, "out of memory\n"); goto fail; }
  TRY(sg_samples(sim, mm.first, "gain", tt, ss, vv, n, &n));
  double gs[2] = {0, 0}, gn[2] = {0, 0};
  for (size_t e = 0; e < n; ++e)
    if (tt[e] > T / 2.0) {
      const int p = ss[e] >= nn[1].first;
      gs[p] += vv[e];
      gn[p] += 1.0;
    }
  free(tt); free(vv); free(ss);
  tt = NULL; vv = NULL; ss = NULL;
  TRY(sg_spikes(sim, sr.first, NULL, NULL, 0, &n));
  tt = malloc((n ? n : 1) * sizeof *tt);
  ss = malloc((n ? n : 1) * sizeof *ss);
  if (!tt || !ss) { fprintf(stderr, "out of memory\n"); goto fail; }
  TRY(sg_spikes(sim, sr.first, tt, ss, n, &n));
  double cnt[2] = {0, 0};
  for (size_t e = 0; e < n; ++e)
    if (tt[e] > T / 2.0) cnt[ss[e] >= nn[1].first] += 1.0;
  for (int p = 0; p < 2; ++p) {
    gain_end[p] = gn[p] > 0 ? gs[p] / gn[p] : NAN;
    rho_end[p] = cnt[p] / (double)N / (T / 2.0);
  }
  free(tt); free(ss);
  sg_sim_free(sim);
  return 0;
fail:
  free(tt); free(vv); free(ss);
  sg_sim_free(sim);
  return 1;
}

static void usage(void) {
  printf("gl_phase_transition: rho(W) of gl_discrete networks against the mean field, avalanches at W_c,\n"
         "and dynamic gains settling near criticality\n\n"
         "  --neurons N      neurons per network (default 10000)\n"
         "  --indegree K     inputs per neuron, weight W/K (default 1000)\n"
         "  --nw n           couplings per sweep (default 10, at most 64)\n"
         "  --avalanches A   avalanches at W_c (default 5000)\n"
         "  --gain-steps T   steps of the dynamic-gain run (default 4000)\n"
         "  --seed S         first seed (default 1)\n"
         "  --threads n      cpu threads (default: all)\n"
         "  --backend B      auto (default), cpu or cuda\n"
         "  --out DIR        output folder (default build/examples_out/gl_phase_transition)\n"
         "  --no-plot        do not run the plotting script\n");
}

int main(int argc, char **argv) {
  unsigned long long N = 10000, K = 1000, A = 5000, seed = 1;
  int nw = 10, T_gain = 4000, plot = 1;
  const char *out = "build/examples_out/gl_phase_transition";
  for (int a = 1; a < argc; ++a) {
    const char *v = a + 1 < argc ? argv[a + 1] : NULL;
    if (!strcmp(argv[a], "--help") || !strcmp(argv[a], "-h")) { usage(); return 0; }
    else if (!strcmp(argv[a], "--no-plot")) plot = 0;
    else if (v && !strcmp(argv[a], "--neurons")) { N = strtoull(v, NULL, 10); ++a; }
    else if (v && !strcmp(argv[a], "--indegree")) { K = strtoull(v, NULL, 10); ++a; }
    else if (v && !strcmp(argv[a], "--nw")) { nw = atoi(v); ++a; }
    else if (v && !strcmp(argv[a], "--avalanches")) { A = strtoull(v, NULL, 10); ++a; }
    else if (v && !strcmp(argv[a], "--gain-steps")) { T_gain = atoi(v); ++a; }
    else if (v && !strcmp(argv[a], "--seed")) { seed = strtoull(v, NULL, 10); ++a; }
    else if (v && !strcmp(argv[a], "--threads")) { g_threads = atoi(v); ++a; }
    else if (v && !strcmp(argv[a], "--backend")) { g_backend = v; ++a; }
    else if (v && !strcmp(argv[a], "--out")) { out = v; ++a; }
    else { fprintf(stderr, "unknown or incomplete option '%s' (see --help)\n", argv[a]); return 2; }
  }
  if (N < 100 || K < 1 || K >= N || nw < 2 || nw > MAX_W || A < 1 || T_gain < 100) {
    fprintf(stderr, "need --neurons >= 100, 1 <= --indegree < neurons, 2 <= --nw <= %d, --avalanches >= 1, --gain-steps >= 100\n", MAX_W);
    return 2;
  }
  char path[1024];
  snprintf(path, sizeof path, "mkdir -p '%s'", out);
  if (system(path) != 0) { fprintf(stderr, "cannot create %s\n", out); return 1; }

  /* 1. rho(W) */
  printf("gl_phase_transition: N = %llu, K = %llu, weights W/K, h = 1 ms; start: %.0f %% fire at step 1; "
         "rho over steps %d..%d\n", N, K, 100 * RHO0, T0, T0 + TW - 1);
  printf("%6s %6s %10s %10s %10s\n", "mu", "W", "rho", "sd/step", "mean field");
  snprintf(path, sizeof path, "%s/sweep.tsv", out);
  FILE *f = fopen(path, "w");
  if (!f) { fprintf(stderr, "cannot write %s\n", path); return 1; }
  fprintf(f, "mu\tW\trho\tsd\ttheory\n");
  static const double mus[2] = {0.0, 0.5}, w_lo[2] = {0.5, 0.25}, w_hi[2] = {2.3, 1.15};
  double max_dev_above = 0.0, rho_below_max = 0.0;
  for (int m = 0; m < 2; ++m)
    for (int i = 0; i < nw; ++i) {
      const double W = w_lo[m] + (w_hi[m] - w_lo[m]) * i / (nw - 1), th = mf_rho_star(W, mus[m]);
      double rho = 0.0, sd = 0.0;
      if (sweep_point(N, K, W, mus[m], seed + (uint64_t)(m * MAX_W + i), &rho, &sd)) { fclose(f); return 1; }
      printf("%6.2f %6.3f %10.5f %10.5f %10.5f\n", mus[m], W, rho, sd, th);
      printf("SWEEP mu=%g W=%.6g rho=%.6g sd=%.6g theory=%.6g\n", mus[m], W, rho, sd, th);
      fprintf(f, "%g\t%.6g\t%.8g\t%.8g\t%.8g\n", mus[m], W, rho, sd, th);
      fflush(stdout);
      /* away from W_c (where relaxation is slow), above: agreement; below: silence */
      const double Wc = 1.0 - mus[m];
      if (W > 1.15 * Wc) max_dev_above = fmax(max_dev_above, fabs(rho - th));
      if (W < 0.85 * Wc) rho_below_max = fmax(rho_below_max, rho);
    }
  fclose(f);

  /* 2. avalanches at W_c */
  uint64_t *size = malloc(A * sizeof *size);
  uint32_t *dur = malloc(A * sizeof *dur);
  if (!size || !dur) { fprintf(stderr, "out of memory\n"); return 1; }
  printf("avalanches at W_c = 1 (mu = 0): %llu single-spike seeds into the quiescent network\n", A);
  fflush(stdout);
  if (avalanches(N, K, A, seed + 1000, size, dur)) return 1;
  snprintf(path, sizeof path, "%s/avalanches.tsv", out);
  f = fopen(path, "w");
  if (!f) { fprintf(stderr, "cannot write %s\n", path); return 1; }
  fprintf(f, "size\tduration\n");
  double ms = 0.0, md = 0.0, lsum = 0.0;
  uint64_t smax = 0, n_tail = 0, n10 = 0;
  const double s_min = 5.0;   /* discrete power-law MLE (Clauset et al. 2009, eq. 3.7) above s_min */
  for (uint64_t a = 0; a < A; ++a) {
    fprintf(f, "%llu\t%u\n", (unsigned long long)size[a], dur[a]);
    ms += (double)size[a] / (double)A;
    md += (double)dur[a] / (double)A;
    if (size[a] > smax) smax = size[a];
    if (size[a] >= 10) ++n10;
    if ((double)size[a] >= s_min) { lsum += log((double)size[a] / (s_min - 0.5)); ++n_tail; }
  }
  fclose(f);
  const double alpha = n_tail ? 1.0 + (double)n_tail / lsum : NAN;
  printf("AVAL n=%llu mean_size=%.4g max_size=%llu mean_duration=%.4g alpha=%.4g frac_ge10=%.4g\n", A, ms,
         (unsigned long long)smax, md, alpha, (double)n10 / (double)A);
  printf("  (critical branching: P(s) ~ s^-1.5, P(s >= 10) ~ 0.25 for Poisson(1) offspring)\n");
  free(size); free(dur);

  /* 3. dynamic gains */
  const double g_star = (G_A + G_U * G_TAU) / (1.0 + G_U * G_TAU);
  printf("dynamic gains: tau_gain = %g steps, u = %g, A = %g, W = 1, %d steps, seeds %g Hz per neuron\n", G_TAU, G_U, G_A,
         T_gain, G_SEED_HZ);
  fflush(stdout);
  double gain_end[2], rho_end[2];
  if (dynamic_gains(N, K, T_gain, seed + 2000, out, gain_end, rho_end)) return 1;
  printf("GAIN start=%g mean_gain=%.5g rho=%.5g theory=%.5g\n", G_A, gain_end[0], rho_end[0], g_star);
  printf("GAIN start=%g mean_gain=%.5g rho=%.5g theory=%.5g\n", 0.5, gain_end[1], rho_end[1], g_star);
  printf("SUMMARY gl_phase_transition nw=%d max_dev_above=%.4g rho_below_max=%.4g alpha=%.4g gain_above=%.5g "
         "gain_below=%.5g gain_theory=%.5g\n", nw, max_dev_above, rho_below_max, alpha, gain_end[0], gain_end[1], g_star);
  printf("output: %s/sweep.tsv, %s/avalanches.tsv, %s/gains_spikes.h5, %s/gains_gain.h5\n", out, out, out, out);
  fflush(stdout);
  if (plot) {
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 examples/gl_phase_transition/plot.py '%s' '%s/gl_phase_transition.png' "
             "--neurons %llu --indegree %llu --gain-steps %d --tau-gain %g --u %g --A %g",
             out, out, N, K, T_gain, G_TAU, G_U, G_A);
    if (system(cmd) == 0) printf("figure: %s/gl_phase_transition.png\n", out);
    else { fprintf(stderr, "plotting failed (needs python3-h5py, python3-matplotlib): %s\n", cmd); return 3; }
  }
  return 0;
}
