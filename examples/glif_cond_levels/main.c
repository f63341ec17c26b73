/* examples/glif_cond_levels - NEST's glif_cond example (pynest/examples/glif_cond_neuron.py):
 * the five GLIF levels side by side under the same stimulation.
 *
 *   build/examples/glif_cond_levels [--time T_ms] [--seed S] [--no-poisson] [--threads n] [--backend B]
 *                                   [--out DIR] [--no-plot]
 *
 * Five glif_cond neurons (docs/models.md §2.11): "lif" (GLIF1), "lif_r" (GLIF2, spike-dependent
 * threshold), "lif_asc" (GLIF3, after-spike currents), "lif_r_asc" (GLIF4), "lif_r_asc_a"
 * (GLIF5, plus voltage-dependent threshold), all other parameters NEST's defaults (two
 * receptors: tau_syn 0.2 / 2 ms, E_rev 0 / -85 mV). h = 0.05 ms, 1000 ms. Input:
 *   - spike_generator "espikes" at 10, 100, 150 ms, weights 20 -> receptor 1 (excitatory, 20 nS);
 *   - spike_generator "ispikes" at 15, 99, 150 ms, weights -20 -> receptor 2 (a negative
 *     conductance on the inhibitory receptor, which depolarises; NEST's example does exactly this);
 *   - step_current_generator "cg": 400 pA from 200 to 500 ms (receptor 0);
 *   - poisson_generator "pg" 15 kHz from 600 to 900 ms -> parrot_neuron "pn" -> receptor 1, 1 nS
 *     (one shared train);
 * all delays 0.05 ms. A multimeter samples V_m, I, g_1, g_2, threshold, threshold_spike,
 * threshold_voltage and ASCurrents_sum every 0.05 ms; a spike recorder takes the spikes.
 *
 * Prints the spike count of each level in the three stimulation windows and
 *   SUMMARY glif_cond_levels spikes=<lif>,<lif_r>,<lif_asc>,<lif_r_asc>,<lif_r_asc_a> samples=<n per var>
 * Writes DIR/spikes.h5 (SONATA, one population per level), DIR/mm_<var>.h5 (SONATA reports)
 * and DIR/glif_cond_levels.png. */
/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spikegpu.h"

/* The Python for the plot: $SG_PYTHON (make sets it to one with h5py and matplotlib), else python3. */
static const char *sg_python(void) {
  const char *p = getenv("SG_PYTHON");
  return p && *p ? p : "python3";
}

#define NLEV 5

#define CHECK(call)                                                                         \
  do {                                                                                      \
    sg_status st_ = (call);                                                                 \
    if (st_ != SG_OK) {                                                                     \
      fprintf(stderr, "error: %s\n  %s\n", sg_status_str(st_), sim ? sg_errmsg(sim) : "");   \
      sg_sim_free(sim); free(times); free(senders);                                         \
      return 1;                                                                             \
    }                                                                                       \
  } while (0)

static void usage(void) {
  printf("glif_cond_levels: NEST's glif_cond example, the five GLIF levels under the same input\n\n"
         "  --time T       simulated time in ms (default 1000)\n"
         "  --seed S       random seed (Poisson input; default 143202461)\n"
         "  --no-poisson   leave out the Poisson input (deterministic run)\n"
         "  --threads n    cpu threads (default 1: five neurons)\n"
         "  --backend B    auto (default), cpu or cuda\n"
         "  --out DIR      output folder (default build/examples_out/glif_cond_levels)\n"
         "  --no-plot      do not run the plotting script\n");
}

int main(int argc, char **argv) {
  sg_sim *sim = NULL;
  double *times = NULL;
  uint64_t *senders = NULL;
  double T = 1000.0;
  unsigned long long seed = 143202461ULL;
  int plot = 1, poisson = 1, threads = 1;
  const char *out = "build/examples_out/glif_cond_levels", *backend = "auto";
  for (int a = 1; a < argc; ++a) {
    const char *v = a + 1 < argc ? argv[a + 1] : NULL;
    if (!strcmp(argv[a], "--help") || !strcmp(argv[a], "-h")) { usage(); return 0; }
    else if (!strcmp(argv[a], "--no-plot")) plot = 0;
    else if (!strcmp(argv[a], "--no-poisson")) poisson = 0;
    else if (v && !strcmp(argv[a], "--time")) { T = atof(v); ++a; }
    else if (v && !strcmp(argv[a], "--seed")) { seed = strtoull(v, NULL, 10); ++a; }
    else if (v && !strcmp(argv[a], "--threads")) { threads = atoi(v); ++a; }
    else if (v && !strcmp(argv[a], "--backend")) { backend = v; ++a; }
    else if (v && !strcmp(argv[a], "--out")) { out = v; ++a; }
    else { fprintf(stderr, "unknown or incomplete option '%s' (see --help)\n", argv[a]); return 2; }
  }
  if (!(T >= 1.0)) { fprintf(stderr, "need --time >= 1\n"); return 2; }

  sg_config cfg;
  sg_config_default(&cfg);
  cfg.resolution_ms = 0.05;
  cfg.seed = seed;
  cfg.threads = threads;
  cfg.output_dir = out;
  cfg.overwrite_files = 1;   /* an example replaces the files of its previous run */
  cfg.verbose = 0;
  cfg.backend = !strcmp(backend, "cpu") ? SG_BACKEND_CPU : !strcmp(backend, "cuda") ? SG_BACKEND_CUDA : SG_BACKEND_AUTO;
  char err[512];
  if (sg_sim_new(&cfg, &sim, err, sizeof err) != SG_OK) { fprintf(stderr, "error: %s\n", err); return 2; }

  static const char *const names[NLEV] = {"lif", "lif_r", "lif_asc", "lif_r_asc", "lif_r_asc_a"};
  static const char *const titles[NLEV] = {"GLIF1 LIF", "GLIF2 LIF_R", "GLIF3 LIF_ASC", "GLIF4 LIF_R_ASC", "GLIF5 LIF_R_ASC_A"};
  /* (spike_dependent_threshold, after_spike_currents, adapting_threshold), set in this order so
   * that no intermediate combination is one of the three rejected ones */
  static const double sw[NLEV][3] = {{0, 0, 0}, {1, 0, 0}, {0, 1, 0}, {1, 1, 0}, {1, 1, 1}};
  static const char *const swname[3] = {"spike_dependent_threshold", "after_spike_currents", "adapting_threshold"};
  sg_nodes nrn[NLEV], esp, isp, cg, pg, pn, mm, sr;
  for (int l = 0; l < NLEV; ++l) {
    CHECK(sg_create_named(sim, "glif_cond", 1, names[l], &nrn[l]));
    for (int k = 0; k < 3; ++k) CHECK(sg_set(sim, nrn[l], swname[k], sw[l][k]));
  }
  const double et[] = {10.0, 100.0, 150.0}, ew[] = {20.0, 20.0, 20.0};
  const double it[] = {15.0, 99.0, 150.0}, iw[] = {-20.0, -20.0, -20.0};
  CHECK(sg_create_named(sim, "spike_generator", 1, "espikes", &esp));
  CHECK(sg_set_vec(sim, esp, "spike_times", et, 3));
  CHECK(sg_set_vec(sim, esp, "spike_weights", ew, 3));
  CHECK(sg_create_named(sim, "spike_generator", 1, "ispikes", &isp));
  CHECK(sg_set_vec(sim, isp, "spike_times", it, 3));
  CHECK(sg_set_vec(sim, isp, "spike_weights", iw, 3));
  const double at[] = {200.0}, av[] = {400.0};
  CHECK(sg_create_named(sim, "step_current_generator", 1, "cg", &cg));
  CHECK(sg_set_vec(sim, cg, "amplitude_times", at, 1));
  CHECK(sg_set_vec(sim, cg, "amplitude_values", av, 1));
  CHECK(sg_set(sim, cg, "start", 200.0));
  CHECK(sg_set(sim, cg, "stop", 500.0));
  CHECK(sg_create_named(sim, "poisson_generator", 1, "pg", &pg));
  CHECK(sg_set(sim, pg, "rate", poisson ? 15000.0 : 0.0));
  CHECK(sg_set(sim, pg, "start", 600.0));
  CHECK(sg_set(sim, pg, "stop", 900.0));
  CHECK(sg_create_named(sim, "parrot_neuron", 1, "pn", &pn));
  CHECK(sg_create_named(sim, "multimeter", 1, "mm", &mm));
  CHECK(sg_set(sim, mm, "interval", 0.05));
  static const char *const rec[] = {"V_m", "I", "g_1", "g_2", "threshold", "threshold_spike", "threshold_voltage", "ASCurrents_sum"};
  CHECK(sg_set_strs(sim, mm, "record_from", rec, sizeof rec / sizeof rec[0]));
  CHECK(sg_create_named(sim, "spike_recorder", 1, "spikes", &sr));

  sg_syn_spec ss;
  sg_syn_spec_default(&ss);
  ss.delay = sg_scalar(0.05);
  CHECK(sg_connect(sim, pg, pn, NULL, &ss));
  for (int l = 0; l < NLEV; ++l) {
    ss.receptor_type = 0;
    CHECK(sg_connect(sim, cg, nrn[l], NULL, &ss));
    ss.receptor_type = 1;
    CHECK(sg_connect(sim, esp, nrn[l], NULL, &ss));
    ss.receptor_type = 2;
    CHECK(sg_connect(sim, isp, nrn[l], NULL, &ss));
    ss.receptor_type = 1;
    CHECK(sg_connect(sim, pn, nrn[l], NULL, &ss));
  }
  for (int l = 0; l < NLEV; ++l) CHECK(sg_connect(sim, mm, nrn[l], NULL, NULL));
  for (int l = 0; l < NLEV; ++l) CHECK(sg_connect(sim, nrn[l], sr, NULL, NULL));

  printf("glif_cond_levels: 5 glif_cond neurons, h = 0.05 ms, %.0f ms%s, seed %llu, backend ", T,
         poisson ? "" : " (no Poisson input)", seed);
  CHECK(sg_simulate(sim, T));
  printf("%s\n", sg_backend_used(sim));

  size_t ns = 0, nsamp = 0;
  CHECK(sg_spikes(sim, sr.first, NULL, NULL, 0, &ns));
  CHECK(sg_samples(sim, mm.first, "V_m", NULL, NULL, NULL, 0, &nsamp));
  times = malloc((ns ? ns : 1) * sizeof *times);
  senders = malloc((ns ? ns : 1) * sizeof *senders);
  if (!times || !senders) { fprintf(stderr, "out of memory\n"); sg_sim_free(sim); free(times); free(senders); return 1; }
  CHECK(sg_spikes(sim, sr.first, times, senders, ns, &ns));
  sg_sim_free(sim);
  sim = NULL;
  long cnt[NLEV][4] = {{0}};   /* total, step current window, Poisson window, other */
  for (size_t e = 0; e < ns; ++e) {
    int l = 0;
    while (l < NLEV - 1 && senders[e] != nrn[l].first) ++l;
    cnt[l][0]++;
    if (times[e] > 200.0 && times[e] <= 500.1) cnt[l][1]++;
    else if (times[e] > 600.0 && times[e] <= 900.1) cnt[l][2]++;
    else cnt[l][3]++;
  }
  printf("%-20s %8s %16s %18s %8s\n", "level", "spikes", "step 200-500 ms", "Poisson 600-900 ms", "other");
  for (int l = 0; l < NLEV; ++l)
    printf("%-20s %8ld %16ld %18ld %8ld\n", titles[l], cnt[l][0], cnt[l][1], cnt[l][2], cnt[l][3]);
  printf("SUMMARY glif_cond_levels spikes=%ld,%ld,%ld,%ld,%ld samples=%zu\n", cnt[0][0], cnt[1][0], cnt[2][0],
         cnt[3][0], cnt[4][0], nsamp / NLEV);
  printf("output: %s/spikes.h5, %s/mm_<var>.h5\n", out, out);
  free(times); free(senders);
  fflush(stdout);
  if (plot) {
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "%s examples/glif_cond_levels/plot.py '%s' '%s/glif_cond_levels.png'", sg_python(), out, out);
    if (system(cmd) == 0) printf("figure: %s/glif_cond_levels.png\n", out);
    else { fprintf(stderr, "plotting failed (needs python3-h5py, python3-matplotlib): %s\n", cmd); return 3; }
  }
  return 0;
}
