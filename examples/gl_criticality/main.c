/* examples/gl_criticality - phase transition of a Galves-Loecherbach network: a scan of the
 * excitatory coupling shows an absorbing silent phase and a self-sustained active phase.
 *
 *   build/examples/gl_criticality [--neurons N] [--indegree K] [--wmin W0] [--wmax W1] [--nw n]
 *                                 [--seeds S] [--time T] [--kick-time Tk] [--kick-rate R]
 *                                 [--v-reset V] [--seed S0] [--threads n] [--backend B] [--out DIR]
 *                                 [--no-plot]
 *
 * For each of nw couplings w in linspace(W0, W1, nw) one network of N gl_exp neurons is
 * connected by fixed_indegree K excitatory synapses of weight w mV (no autapses; delays drawn
 * uniformly from 1-20 ms). All nw networks run side by side in one simulation (separate
 * populations, no links between them). An independent Poisson kick (R Hz x 1 mV per neuron,
 * default 2 kHz) during the first Tk ms (default 50) drives every network out of rest; after
 * the kick there is no external input at all. The stationary rate is measured over the last
 * 200 ms, for S seeds (independent connectivity, delays and firing draws).
 *
 * Neuron: the tutorial's gl_exp (tau_m 10 ms, t_ref 2 ms, V_r -65 mV, a 1.2 mV, b 27,
 * V_b -51.3 mV) except for a deep after-spike reset, V_reset = -300 mV by default. Why: in the
 * NESTML GL model no input is ever lost (spikes arriving during refractoriness are added to the
 * held V) and a neuron can fire again while refractory, so with V_reset = V_r a neuron's spike
 * count simply multiplies by K w / (V_th - V_reset) per generation (V_th ~ -45 mV, where
 * Phi h ~ 1e-3): the network dies out below K w ~ 20 mV and explodes to one spike per step
 * (10 kHz) above it. The deep reset is a relative refractory period: after a spike the neuron
 * needs tens of ms to climb back, which caps the rate and gives the active phase moderate,
 * asynchronous rates (30-200 Hz) between K w ~ 125 mV and K w ~ 270 mV; the broad delays keep
 * the kick's first volley from locking the network into synchronous bursts.
 * At rest Phi(-65 mV) ~ 4e-7 Hz, so the silent state is absorbing in practice.
 *
 * Prints a table (w, K w, mean rate and its standard deviation over seeds, networks still
 * active at the end), then machine-readable lines
 *   CRIT w=<mV> Kw=<mV> rate=<Hz> sd=<Hz> active=<k>/<S>
 *   SUMMARY gl_criticality nw=<n> seeds=<S> rate_first=<Hz> rate_last=<Hz> w_c=<mV> monotone=<0|1> wall_s=<s>
 * (w_c: the weakest coupling at which every seed is still active, -1 if none; monotone: the
 * mean rate never falls by more than 1 Hz from one coupling to the next).
 * Writes DIR/spikes_seed<k>.h5 (the whole run of the first 100 neurons of every network) and
 * DIR/tail_seed<k>.h5 (every neuron, last 200 ms), SONATA, one population w<i> per coupling,
 * and DIR/gl_criticality.png. */
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

#define MAX_W 64
#define MAX_SEEDS 32
#define TAIL_MS 200.0

static void usage(void) {
  printf("gl_criticality: silent and self-sustained phases of a GL network across its coupling\n\n"
         "  --neurons N     neurons per network (default 2000)\n"
         "  --indegree K    excitatory inputs per neuron (default 100)\n"
         "  --wmin W0       weakest coupling in mV (default 0.4)\n"
         "  --wmax W1       strongest coupling in mV (default 2.4)\n"
         "  --nw n          number of couplings (default 12, at most 64)\n"
         "  --seeds S       independent repetitions (default 3, at most 32)\n"
         "  --time T        simulated time in ms (default 1000, >= 400); rate from the last 200 ms\n"
         "  --kick-time Tk  duration of the Poisson kick in ms (default 50)\n"
         "  --kick-rate R   rate of the kick, Hz per neuron, 1 mV per spike (default 2000)\n"
         "  --v-reset V     reset potential in mV (default -300, see the source header)\n"
         "  --seed S0       first seed (default 1); repetition j uses S0 + j\n"
         "  --threads n     cpu threads (default: all)\n"
         "  --backend B     auto (default), cpu or cuda\n"
         "  --out DIR       output folder (default build/examples_out/gl_criticality)\n"
         "  --no-plot       do not run the plotting script\n");
}

int main(int argc, char **argv) {
  unsigned long long N = 2000, K = 100, S = 3, seed0 = 1;
  int nw = 12, threads = 0, plot = 1;
  double w0 = 0.4, w1 = 2.4, T = 1000.0, Tk = 50.0, kick_rate = 2000.0, v_reset = -300.0;
  const char *out = "build/examples_out/gl_criticality", *backend = "auto";
  for (int a = 1; a < argc; ++a) {
    const char *v = a + 1 < argc ? argv[a + 1] : NULL;
    if (!strcmp(argv[a], "--help") || !strcmp(argv[a], "-h")) { usage(); return 0; }
    else if (!strcmp(argv[a], "--no-plot")) plot = 0;
    else if (v && !strcmp(argv[a], "--neurons")) { N = strtoull(v, NULL, 10); ++a; }
    else if (v && !strcmp(argv[a], "--indegree")) { K = strtoull(v, NULL, 10); ++a; }
    else if (v && !strcmp(argv[a], "--wmin")) { w0 = atof(v); ++a; }
    else if (v && !strcmp(argv[a], "--wmax")) { w1 = atof(v); ++a; }
    else if (v && !strcmp(argv[a], "--nw")) { nw = atoi(v); ++a; }
    else if (v && !strcmp(argv[a], "--seeds")) { S = strtoull(v, NULL, 10); ++a; }
    else if (v && !strcmp(argv[a], "--time")) { T = atof(v); ++a; }
    else if (v && !strcmp(argv[a], "--kick-time")) { Tk = atof(v); ++a; }
    else if (v && !strcmp(argv[a], "--kick-rate")) { kick_rate = atof(v); ++a; }
    else if (v && !strcmp(argv[a], "--v-reset")) { v_reset = atof(v); ++a; }
    else if (v && !strcmp(argv[a], "--seed")) { seed0 = strtoull(v, NULL, 10); ++a; }
    else if (v && !strcmp(argv[a], "--threads")) { threads = atoi(v); ++a; }
    else if (v && !strcmp(argv[a], "--backend")) { backend = v; ++a; }
    else if (v && !strcmp(argv[a], "--out")) { out = v; ++a; }
    else { fprintf(stderr, "unknown or incomplete option '%s' (see --help)\n", argv[a]); return 2; }
  }
  if (N < 10 || K < 1 || K >= N || nw < 2 || nw > MAX_W || S < 1 || S > MAX_SEEDS || !(T >= 400.0) ||
      !(Tk > 0.0) || Tk > T - TAIL_MS - 100.0 || !(kick_rate >= 0.0) || !(w1 > w0)) {
    fprintf(stderr, "need --neurons >= 10, 1 <= --indegree < neurons, 2 <= --nw <= %d, 1 <= --seeds <= %d,\n"
                    "--time >= 400, 0 < --kick-time <= time - 300, --kick-rate >= 0, --wmax > --wmin\n", MAX_W, MAX_SEEDS);
    return 2;
  }
  const sg_backend be = !strcmp(backend, "cpu") ? SG_BACKEND_CPU : !strcmp(backend, "cuda") ? SG_BACKEND_CUDA : SG_BACKEND_AUTO;
  const double h = 0.1, t_tail = T - TAIL_MS, kick_w = 1.0, d_min = 1.0, d_max = 20.0;
  const uint64_t n_show = N < 100 ? N : 100;
  double w[MAX_W], rate[MAX_W][MAX_SEEDS];
  int alive[MAX_W][MAX_SEEDS];
  for (int i = 0; i < nw; ++i) w[i] = w0 + (w1 - w0) * (double)i / (double)(nw - 1);

  printf("gl_criticality: %d networks of %llu gl_exp neurons, K = %llu, w = %g..%g mV, V_reset = %g mV, "
         "%llu seed(s), %.0f ms (h = %g ms), kick %g Hz x %g mV for %g ms, rate over %.0f-%.0f ms\n",
         nw, N, K, w0, w1, v_reset, S, T, h, kick_rate, kick_w, Tk, t_tail, T);
  fflush(stdout);
  double wall = 0.0;
  for (unsigned long long s = 0; s < S; ++s) {
    sg_config cfg;
    sg_config_default(&cfg);
    cfg.resolution_ms = h;
    cfg.seed = seed0 + s;
    cfg.threads = threads;
    cfg.output_dir = out;
    cfg.overwrite_files = 1;   /* an example replaces the files of its previous run */
    cfg.verbose = 0;
    cfg.backend = be;
    char err[512], name[64];
    sg_sim *sim = NULL;
    double *tt = NULL;
    uint64_t *snd = NULL;
    if (sg_sim_new(&cfg, &sim, err, sizeof err) != SG_OK) { fprintf(stderr, "error: %s\n", err); return 1; }
#define TRY(call)                                                                          \
  do {                                                                                     \
    sg_status st_ = (call);                                                                \
    if (st_ != SG_OK) {                                                                    \
      fprintf(stderr, "error: %s\n  %s\n", sg_status_str(st_), sg_errmsg(sim));            \
      sg_sim_free(sim); free(tt); free(snd);                                               \
      return 1;                                                                            \
    }                                                                                      \
  } while (0)
    sg_nodes pop[MAX_W], kick, sr_all, sr_tail;
    TRY(sg_create_named(sim, "poisson_generator", 1, "kick", &kick));
    TRY(sg_set(sim, kick, "rate", kick_rate));
    TRY(sg_set(sim, kick, "stop", Tk));
    /* two recorders: the whole run of the first 100 neurons, every neuron in the last 200 ms */
    snprintf(name, sizeof name, "spikes_seed%llu", seed0 + s);
    TRY(sg_create_named(sim, "spike_recorder", 1, name, &sr_all));
    snprintf(name, sizeof name, "tail_seed%llu", seed0 + s);
    TRY(sg_create_named(sim, "spike_recorder", 1, name, &sr_tail));
    TRY(sg_set(sim, sr_tail, "start", t_tail));
    static const char *const keys[] = {"tau_m", "t_ref", "C_m", "V_r", "a", "b", "V_b", "V_m"};
    static const double vals[] = {10.0, 2.0, 250.0, -65.0, 1.2, 27.0, -51.3, -65.0};
    for (int i = 0; i < nw; ++i) {
      sg_conn_spec cs;
      sg_syn_spec ss;
      snprintf(name, sizeof name, "w%02d", i);
      TRY(sg_create_named(sim, "gl_exp", N, name, &pop[i]));
      for (size_t k = 0; k < sizeof vals / sizeof vals[0]; ++k) TRY(sg_set(sim, pop[i], keys[k], vals[k]));
      TRY(sg_set(sim, pop[i], "V_reset", v_reset));
      sg_conn_spec_default(&cs);
      cs.rule = "fixed_indegree";
      cs.indegree = K;
      cs.allow_autapses = 0;
      sg_syn_spec_default(&ss);
      ss.weight = sg_scalar(w[i]);
      ss.delay = sg_random_uniform(d_min, d_max);
      TRY(sg_connect(sim, pop[i], pop[i], &cs, &ss));
      sg_syn_spec_default(&ss);
      ss.weight = sg_scalar(kick_w);
      ss.delay = sg_scalar(h);
      TRY(sg_connect(sim, kick, pop[i], NULL, &ss));
      TRY(sg_connect(sim, sg_slice(pop[i], 0, n_show), sr_all, NULL, NULL));
      TRY(sg_connect(sim, pop[i], sr_tail, NULL, NULL));
    }
    TRY(sg_simulate(sim, T));
    sg_run_stats rs;
    TRY(sg_run_stats_get(sim, &rs));
    wall += rs.wall_s;
    size_t n = 0;
    TRY(sg_spikes(sim, sr_tail.first, NULL, NULL, 0, &n));
    tt = malloc((n ? n : 1) * sizeof *tt);
    snd = malloc((n ? n : 1) * sizeof *snd);
    if (!tt || !snd) { fprintf(stderr, "out of memory\n"); sg_sim_free(sim); free(tt); free(snd); return 1; }
    TRY(sg_spikes(sim, sr_tail.first, tt, snd, n, &n));
    uint64_t cnt[MAX_W] = {0}, late[MAX_W] = {0};
    for (size_t e = 0; e < n; ++e) {
      const uint64_t i = (snd[e] - pop[0].first) / N;   /* populations are contiguous, N each */
      if (i < (uint64_t)nw) { ++cnt[i]; if (tt[e] > T - 50.0) ++late[i]; }
    }
    for (int i = 0; i < nw; ++i) {
      rate[i][s] = (double)cnt[i] / (double)N / (TAIL_MS * 1e-3);
      alive[i][s] = late[i] > 0;
    }
    free(tt); free(snd);
    sg_sim_free(sim);
    printf("  seed %llu done (%.1f s wall)\n", seed0 + s, rs.wall_s);
    fflush(stdout);
#undef TRY
  }
  printf("%8s %9s %12s %10s %8s\n", "w (mV)", "K w (mV)", "rate (Hz)", "sd (Hz)", "active");
  double mean[MAX_W], sd[MAX_W];
  int act[MAX_W], monotone = 1, ic = -1;
  for (int i = 0; i < nw; ++i) {
    double m = 0.0, v = 0.0;
    act[i] = 0;
    for (unsigned long long s = 0; s < S; ++s) { m += rate[i][s] / (double)S; act[i] += alive[i][s]; }
    for (unsigned long long s = 0; s < S; ++s) v += (rate[i][s] - m) * (rate[i][s] - m);
    mean[i] = m;
    sd[i] = S > 1 ? sqrt(v / (double)(S - 1)) : 0.0;
    if (i > 0 && m < mean[i - 1] - 1.0) monotone = 0;
    if (ic < 0 && act[i] == (int)S) ic = i;
    printf("%8.4f %9.2f %12.4f %10.4f %5d/%llu\n", w[i], (double)K * w[i], m, sd[i], act[i], S);
  }
  for (int i = 0; i < nw; ++i)
    printf("CRIT w=%.6g Kw=%.6g rate=%.6g sd=%.6g active=%d/%llu\n", w[i], (double)K * w[i], mean[i], sd[i], act[i], S);
  printf("SUMMARY gl_criticality nw=%d seeds=%llu rate_first=%.6g rate_last=%.6g w_c=%.6g monotone=%d wall_s=%.3f\n",
         nw, S, mean[0], mean[nw - 1], ic >= 0 ? w[ic] : -1.0, monotone, wall);
  printf("output: %s/spikes_seed*.h5, %s/tail_seed*.h5\n", out, out);
  fflush(stdout);
  if (plot) {
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "%s examples/gl_criticality/plot.py '%s' '%s/gl_criticality.png' "
             "--time %.17g --neurons %llu --indegree %llu --seed %llu --seeds %llu --wmin %.17g --wmax %.17g --nw %d "
             "--v-reset %.17g --kick-time %.17g --kick-rate %.17g", sg_python(),
             out, out, T, N, K, seed0, S, w0, w1, nw, v_reset, Tk, kick_rate);
    if (system(cmd) == 0) printf("figure: %s/gl_criticality.png\n", out);
    else { fprintf(stderr, "plotting failed (needs python3-h5py, python3-matplotlib): %s\n", cmd); return 3; }
  }
  return 0;
}
