/* examples/microcircuit - the cortical microcircuit of Potjans & Diesmann (2014): 77 169
 * iaf_psc_exp neurons in eight populations (layers 2/3, 4, 5, 6, excitatory and inhibitory each)
 * with about 3·10^8 synapses and Poisson (or DC) background input, at h = 0.1 ms.
 *
 *   build/examples/microcircuit [--scale s] [--kscale k] [--time T] [--presim T0] [--input poisson|dc]
 *                               [--backend auto|cpu|cuda] [--seed S] [--threads n] [--out DIR]
 *                               [--no-plot] [--json]
 *
 * Model (numbers from the paper and its public descriptions; the code is our own):
 *  - neurons iaf_psc_exp, C_m 250 pF, tau_m 10 ms, tau_syn 0.5 ms, t_ref 2 ms, E_L = V_reset
 *    = -65 mV, V_th -50 mV; initial V_m ~ normal(-58 mV, 10 mV), drawn here from --seed;
 *  - connection probabilities C (Table 5 of the paper) turned into synapse numbers
 *    K = log(1 - C) / log(1 - 1/(N_pre N_post)) of the full-scale network; a projection gets
 *    round(K · scale · kscale) synapses (half to even), one fixed_total_number connection
 *    (autapses and multapses allowed), as the reference implementation scales them;
 *  - weights: a mean PSP of 0.15 mV turned into the PSC amplitude of iaf_psc_exp (87.81 pA),
 *    relative spread 0.1, normal redrawn to keep the sign; inhibitory g = -4; L4E -> L23E doubled;
 *  - delays normal(1.5, 0.75) ms excitatory, normal(0.75, 0.375) ms inhibitory, redrawn below
 *    the resolution 0.1 ms;
 *  - background: per population one poisson_generator of rate 8 Hz x K_ext, K_ext = (1600, 1500,
 *    2100, 1900, 2000, 1900, 2900, 2100), weight 87.81 pA, delay 1.5 ms; or (--input dc) the
 *    equivalent constant current I_e = 8 Hz K_ext w tau_syn;
 *  - --scale s multiplies the neuron numbers, --kscale k the in-degrees (recurrent and external).
 *    For k < 1 the weights are multiplied by 1/sqrt(k), which keeps the variance of the input,
 *    and the mean input lost is given back as a DC current per population,
 *    I_dc += 1e-3 tau_syn (1 - sqrt(k)) (sum_j w_ij K_ij r_j + [Poisson] w 8 Hz K_ext,i),
 *    with r_j the full-scale rates (0.943, 3.026, 4.368, 5.882, 7.733, 8.664, 1.096, 7.851 Hz),
 *    the compensation the reference implementation uses. --scale alone needs no compensation.
 *    The recurrent mean input is net inhibitory, so with --input dc that compensation lowers the
 *    DC: at --kscale 0.1 it leaves all populations but L6I below threshold and the network stays
 *    in a silent state (seen at scale 0.1); --input dc is meant for --kscale 1, Poisson for both.
 *
 * Prints the network size, the build time, the real-time factor (wall / simulated time, lower is
 * better) and per population the rate and the mean ISI CV over [T0, T0 + T] (lines
 * "pop <name> N <n> rate <Hz> cv <cv> ncv <neurons with >= 3 spikes>"); with --json also one
 * line of bench/throughput's JSON fields (network "pd14", for bench/run.py); writes DIR/spikes.h5
 * (SONATA) and draws DIR/microcircuit.png (raster and rates per population). */
/* SPDX-License-Identifier: MIT */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "spikegpu.h"

#define NPOP 8

static const char *const pop_name[NPOP] = {"L23E", "L23I", "L4E", "L4I", "L5E", "L5I", "L6E", "L6I"};
static const double n_full[NPOP] = {20683, 5834, 21915, 5479, 4850, 1065, 14395, 2948};
/* connection probabilities, rows: target, columns: source (Potjans & Diesmann 2014, Table 5) */
static const double conn_p[NPOP][NPOP] = {
  {0.1009, 0.1689, 0.0437, 0.0818, 0.0323, 0.0,    0.0076, 0.0},
  {0.1346, 0.1371, 0.0316, 0.0515, 0.0755, 0.0,    0.0042, 0.0},
  {0.0077, 0.0059, 0.0497, 0.1350, 0.0067, 0.0003, 0.0453, 0.0},
  {0.0691, 0.0029, 0.0794, 0.1597, 0.0033, 0.0,    0.1057, 0.0},
  {0.1004, 0.0622, 0.0505, 0.0057, 0.0831, 0.3726, 0.0204, 0.0},
  {0.0548, 0.0269, 0.0257, 0.0022, 0.0600, 0.3158, 0.0086, 0.0},
  {0.0156, 0.0066, 0.0211, 0.0166, 0.0572, 0.0197, 0.0396, 0.2252},
  {0.0364, 0.0010, 0.0034, 0.0005, 0.0277, 0.0080, 0.0658, 0.1443}};
static const double k_ext[NPOP] = {1600, 1500, 2100, 1900, 2000, 1900, 2900, 2100};
static const double full_rate[NPOP] = {0.943, 3.026, 4.368, 5.882, 7.733, 8.664, 1.096, 7.851};

static const double C_m = 250.0, tau_m = 10.0, tau_syn = 0.5, psp_mean = 0.15, g_inh = -4.0;
static const double bg_rate = 8.0, w_rel_sd = 0.1, d_exc = 1.5, d_inh = 0.75, d_rel_sd = 0.5;
static const double v0_mean = -58.0, v0_sd = 10.0, h = 0.1;

static const char *sg_python(void) {
  const char *p = getenv("SG_PYTHON");
  return p && *p ? p : "python3";
}

#define CHECK(call)                                                                    \
  do {                                                                                 \
    sg_status st_ = (call);                                                            \
    if (st_ != SG_OK) {                                                                \
      fprintf(stderr, "error: %s\n  %s\n", sg_status_str(st_), sim ? sg_errmsg(sim) : ""); \
      sg_sim_free(sim);                                                                \
      return 1;                                                                        \
    }                                                                                  \
  } while (0)

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* user + system time of the process (all threads) */
static double cpu_s(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return (double)ru.ru_utime.tv_sec + 1e-6 * (double)ru.ru_utime.tv_usec + (double)ru.ru_stime.tv_sec +
         1e-6 * (double)ru.ru_stime.tv_usec;
}

/* splitmix64 and Box-Muller: the initial membrane potentials, reproducible from --seed */
static uint64_t sm_next(uint64_t *s) {
  uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}
static double sm_u01(uint64_t *s) { return ((double)(sm_next(s) >> 11) + 0.5) * 0x1p-53; }
static double sm_normal(uint64_t *s) {
  return sqrt(-2.0 * log(sm_u01(s))) * cos(6.283185307179586 * sm_u01(s));
}

/* Peak of the PSP of a unit exponential current in iaf_psc_exp, mV/pA: the PSC giving a PSP. */
static double psp_per_pA(void) {
  const double a = 1.0 / tau_syn - 1.0 / tau_m;
  const double t_peak = log(tau_m / tau_syn) / a;
  return tau_syn / (C_m * (1.0 - tau_syn / tau_m)) * (exp(-t_peak / tau_m) - exp(-t_peak / tau_syn));
}

static void usage(void) {
  printf("microcircuit: the Potjans & Diesmann (2014) cortical microcircuit\n\n"
         "  --scale s        neuron numbers x s (default 1: 77169 neurons)\n"
         "  --kscale k       in-degrees x k, with DC compensation of the mean input (default 1)\n"
         "  --time T         measured time in ms (default 1000)\n"
         "  --presim T0      transient simulated first and left out of the statistics (default 500)\n"
         "  --input I        poisson (default) or dc background\n"
         "  --backend B      auto (default), cpu or cuda\n"
         "  --seed S         random seed (default 55)\n"
         "  --threads n      cpu threads (default: all)\n"
         "  --out DIR        output folder (default build/microcircuit)\n"
         "  --no-plot        do not run the plotting script\n"
         "  --no-record      no spike recorder (the GPU check's headline run): rates from the run's\n"
         "                   spike count only, no CVs, no file, no figure\n"
         "  --json           also print one JSON line with bench/throughput's fields (bench/run.py)\n");
}

int main(int argc, char **argv) {
  sg_sim *sim = NULL;
  double scale = 1.0, kscale = 1.0, T = 1000.0, T0 = 500.0;
  unsigned long long seed = 55;
  int threads = 0, plot = 1, poisson = 1, json = 0, record = 1;
  const char *out = "build/microcircuit", *backend = "auto";
  for (int a = 1; a < argc; ++a) {
    const char *v = a + 1 < argc ? argv[a + 1] : NULL;
    if (!strcmp(argv[a], "--help") || !strcmp(argv[a], "-h")) { usage(); return 0; }
    else if (!strcmp(argv[a], "--no-plot")) plot = 0;
    else if (!strcmp(argv[a], "--json")) json = 1;
    else if (!strcmp(argv[a], "--no-record")) { record = 0; plot = 0; }
    else if (v && !strcmp(argv[a], "--scale")) { scale = atof(v); ++a; }
    else if (v && !strcmp(argv[a], "--kscale")) { kscale = atof(v); ++a; }
    else if (v && !strcmp(argv[a], "--time")) { T = atof(v); ++a; }
    else if (v && !strcmp(argv[a], "--presim")) { T0 = atof(v); ++a; }
    else if (v && !strcmp(argv[a], "--input")) { poisson = strcmp(v, "dc") != 0; if (strcmp(v, "dc") && strcmp(v, "poisson")) { fprintf(stderr, "--input poisson|dc\n"); return 2; } ++a; }
    else if (v && !strcmp(argv[a], "--seed")) { seed = strtoull(v, NULL, 10); ++a; }
    else if (v && !strcmp(argv[a], "--threads")) { threads = atoi(v); ++a; }
    else if (v && !strcmp(argv[a], "--out")) { out = v; ++a; }
    else if (v && !strcmp(argv[a], "--backend")) { backend = v; ++a; }
    else { fprintf(stderr, "unknown or incomplete option '%s' (see --help)\n", argv[a]); return 2; }
  }
  if (!(scale > 0.0 && scale <= 1.0) || !(kscale > 0.0 && kscale <= 1.0) || !(T > 0.0) || !(T0 >= 0.0)) {
    fprintf(stderr, "need 0 < --scale <= 1, 0 < --kscale <= 1, --time > 0, --presim >= 0\n");
    return 2;
  }

  /* derived numbers */
  uint64_t n_pop[NPOP], n_syn[NPOP][NPOP];
  double w_mean[NPOP][NPOP], indeg_full[NPOP][NPOP], i_dc[NPOP];
  const double w_psc = psp_mean / psp_per_pA();   /* 87.81 pA */
  const double wscale = 1.0 / sqrt(kscale);
  uint64_t n_total = 0;
  for (int i = 0; i < NPOP; ++i) {
    n_pop[i] = (uint64_t)rint(n_full[i] * scale);   /* half to even, as numpy's round */
    if (n_pop[i] < 1) n_pop[i] = 1;
    n_total += n_pop[i];
  }
  for (int i = 0; i < NPOP; ++i) {            /* target */
    double rec = 0.0;
    for (int j = 0; j < NPOP; ++j) {          /* source */
      const double np = n_full[i] * n_full[j];
      const double k_total = conn_p[i][j] > 0.0 ? log(1.0 - conn_p[i][j]) / log(1.0 - 1.0 / np) : 0.0;
      indeg_full[i][j] = k_total / n_full[i];
      n_syn[i][j] = (uint64_t)rint(k_total * scale * kscale);
      w_mean[i][j] = (j % 2 == 0 ? 1.0 : g_inh) * w_psc;
      if (i == 0 && j == 2) w_mean[i][j] *= 2.0;    /* L4E -> L23E */
      rec += w_mean[i][j] * indeg_full[i][j] * full_rate[j];
    }
    i_dc[i] = poisson ? 0.0 : 1e-3 * tau_syn * bg_rate * k_ext[i] * w_psc;
    i_dc[i] += 1e-3 * tau_syn * (1.0 - sqrt(kscale)) * (rec + (poisson ? w_psc * bg_rate * k_ext[i] : 0.0));
  }

  sg_config cfg;
  sg_config_default(&cfg);
  cfg.resolution_ms = h;
  cfg.seed = seed;
  cfg.threads = threads;
  cfg.output_dir = out;
  cfg.overwrite_files = 1;
  cfg.keep_in_memory = 1;      /* the statistics below read the spikes back */
  cfg.progress = 1;
  cfg.backend = !strcmp(backend, "cpu") ? SG_BACKEND_CPU : !strcmp(backend, "cuda") ? SG_BACKEND_CUDA : SG_BACKEND_AUTO;
  char err[512];
  if (sg_sim_new(&cfg, &sim, err, sizeof err) != SG_OK) { fprintf(stderr, "error: %s\n", err); return 2; }

  const double t0 = now_s();
  sg_nodes pop[NPOP], bg[NPOP], sr = {0};
  uint64_t vseed = seed ^ 0x6d6963726f636972ull;
  for (int i = 0; i < NPOP; ++i) {
    CHECK(sg_create_named(sim, "iaf_psc_exp", n_pop[i], pop_name[i], &pop[i]));
    CHECK(sg_set(sim, pop[i], "E_L", -65.0));     /* E_L first: the other voltages are absolute */
    CHECK(sg_set(sim, pop[i], "V_reset", -65.0));
    CHECK(sg_set(sim, pop[i], "V_th", -50.0));
    CHECK(sg_set(sim, pop[i], "C_m", C_m));
    CHECK(sg_set(sim, pop[i], "tau_m", tau_m));
    CHECK(sg_set(sim, pop[i], "tau_syn_ex", tau_syn));
    CHECK(sg_set(sim, pop[i], "tau_syn_in", tau_syn));
    CHECK(sg_set(sim, pop[i], "t_ref", 2.0));
    CHECK(sg_set(sim, pop[i], "I_e", i_dc[i]));
    double *v0 = malloc(n_pop[i] * sizeof *v0);
    if (!v0) { sg_sim_free(sim); return 1; }
    for (uint64_t k = 0; k < n_pop[i]; ++k) v0[k] = v0_mean + v0_sd * sm_normal(&vseed);
    sg_status st = sg_set_each(sim, pop[i], "V_m", v0);
    free(v0);
    CHECK(st);
  }
  if (poisson)
    for (int i = 0; i < NPOP; ++i) {
      char name[32];
      snprintf(name, sizeof name, "bg_%s", pop_name[i]);
      CHECK(sg_create_named(sim, "poisson_generator", 1, name, &bg[i]));
      CHECK(sg_set(sim, bg[i], "rate", bg_rate * rint(k_ext[i] * kscale)));   /* integer in-degree */
    }
  if (record) CHECK(sg_create_named(sim, "spike_recorder", 1, "spikes", &sr));

  sg_conn_spec cs;
  sg_syn_spec ss;
  uint64_t n_syn_total = 0;
  for (int i = 0; i < NPOP; ++i)
    for (int j = 0; j < NPOP; ++j) {
      if (n_syn[i][j] == 0) continue;
      sg_conn_spec_default(&cs);
      cs.rule = "fixed_total_number";
      cs.N = n_syn[i][j];
      sg_syn_spec_default(&ss);
      const double w = w_mean[i][j] * wscale, d = j % 2 == 0 ? d_exc : d_inh;
      ss.weight = w > 0 ? sg_random_normal_clipped(w, w_rel_sd * w, 0.0, INFINITY)
                        : sg_random_normal_clipped(w, -w_rel_sd * w, -INFINITY, 0.0);
      ss.delay = sg_random_normal_clipped(d, d_rel_sd * d, h, INFINITY);
      CHECK(sg_connect(sim, pop[j], pop[i], &cs, &ss));
      n_syn_total += n_syn[i][j];
    }
  for (int i = 0; i < NPOP; ++i) {
    if (poisson) {
      sg_syn_spec_default(&ss);
      ss.weight = sg_scalar(w_psc * wscale);
      ss.delay = sg_scalar(d_exc);
      CHECK(sg_connect(sim, bg[i], pop[i], NULL, &ss));
    }
    if (record) CHECK(sg_connect(sim, pop[i], sr, NULL, NULL));
  }
  CHECK(sg_simulate(sim, 0.0));     /* builds the CSR and moves the network to the backend */
  const double t_build = now_s() - t0;

  sg_memory mem;
  CHECK(sg_memory_report(sim, &mem));
  printf("spikegpu %s, backend %s (%s)\n", sg_version(), sg_backend_used(sim), sg_backend_reason(sim));
  printf("network: Potjans & Diesmann 2014 microcircuit, scale %g, kscale %g, %llu iaf_psc_exp neurons, "
         "%llu recurrent synapses, %s background (w = %.2f pA)\n", scale, kscale, (unsigned long long)n_total,
         (unsigned long long)n_syn_total, poisson ? "Poisson" : "DC", w_psc * wscale);
  printf("build time %.2f s, memory %.1f MiB (%.2f bytes/synapse; ring buffer %llu bytes on this rank)\n", t_build,
         (double)mem.total_bytes / 1048576.0, mem.bytes_per_synapse, (unsigned long long)mem.ring_bytes);

  const double cpu0 = cpu_s();
  if (T0 > 0.0) CHECK(sg_simulate(sim, T0));
  CHECK(sg_simulate(sim, T));
  const double cpu_sim = cpu_s() - cpu0;   /* all threads; on a busy machine steadier than wall time */
  sg_run_stats rs;
  CHECK(sg_run_stats_get(sim, &rs));
  const double T_all = T0 + T;
  sg_mpi_info mi;   /* under mpirun: what this rank's spike exchange moved (docs/mpi.md) */
  CHECK(sg_mpi_info_get(sim, &mi));
  if (mi.ranks > 1)
    printf("mpi rank %d/%d: %llu windows exchanged, %llu bytes sent, %llu bytes received in %.0f ms simulated\n", mi.rank, mi.ranks,
           (unsigned long long)mi.windows, (unsigned long long)mi.bytes_sent, (unsigned long long)mi.bytes_received, T_all);
  printf("simulated %.0f ms in %.2f s wall (%.2f s cpu): real-time factor %.3f (%.3g x real time, %s)\n", T_all, rs.wall_s, cpu_sim,
         rs.wall_s / (T_all * 1e-3), T_all * 1e-3 / rs.wall_s,
         rs.wall_s <= T_all * 1e-3 ? "faster than real time" : "slower than real time");

  if (record) {
    /* per population: rate and mean ISI CV in (T0, T0 + T] */
    size_t n_sp = 0;
    CHECK(sg_spikes(sim, sr.first, NULL, NULL, 0, &n_sp));
    double *t = malloc((n_sp + 1) * sizeof *t);
    uint64_t *id = malloc((n_sp + 1) * sizeof *id);
    double *last = malloc(n_total * sizeof *last), *s1 = calloc(n_total, sizeof *s1), *s2 = calloc(n_total, sizeof *s2);
    uint32_t *cnt = calloc(n_total, sizeof *cnt);
    if (!t || !id || !last || !s1 || !s2 || !cnt) { fprintf(stderr, "out of memory\n"); sg_sim_free(sim); return 1; }
    CHECK(sg_spikes(sim, sr.first, t, id, n_sp, &n_sp));
    const uint64_t id0 = pop[0].first;
    for (size_t k = 0; k < n_sp; ++k) {   /* sorted by time: ISIs per neuron as they come */
      if (t[k] <= T0) continue;
      const uint64_t n = id[k] - id0;
      if (cnt[n] > 0) { const double isi = t[k] - last[n]; s1[n] += isi; s2[n] += isi * isi; }
      last[n] = t[k];
      ++cnt[n];
    }
    printf("population   neurons   rate (Hz)   ISI CV (neurons with >= 3 spikes)\n");
    double all = 0.0;
    for (int i = 0; i < NPOP; ++i) {
      uint64_t spikes = 0, ncv = 0;
      double cv_sum = 0.0;
      for (uint64_t k = pop[i].first - id0; k < pop[i].first - id0 + pop[i].n; ++k) {
        spikes += cnt[k];
        if (cnt[k] >= 3) {
          const double m = s1[k] / (cnt[k] - 1), var = s2[k] / (cnt[k] - 1) - m * m;
          cv_sum += sqrt(var > 0.0 ? var : 0.0) / m;
          ++ncv;
        }
      }
      all += (double)spikes;
      const double rate = (double)spikes / (double)pop[i].n / (T * 1e-3);
      printf("pop %-5s N %6llu rate %8.4f cv %.4f ncv %llu\n", pop_name[i], (unsigned long long)pop[i].n, rate,
             ncv ? cv_sum / (double)ncv : NAN, (unsigned long long)ncv);
    }
    printf("mean rate %.3f Hz\n", all / (double)n_total / (T * 1e-3));
    free(t); free(id); free(last); free(s1); free(s2); free(cnt);
  } else {   /* no recorder: the whole run's spike count, transient included */
    printf("mean rate %.3f Hz (no spike recorder: over the whole run, no CVs)\n",
           (double)rs.spikes / (double)n_total / (T_all * 1e-3));
  }
  if (json) {   /* whole run (transient included), as bench/throughput reports it */
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("{\"simulator\": \"spikegpu\", \"version\": \"%s\", \"backend\": \"%s\", \"threads\": %d, "
           "\"network\": \"pd14\", \"scale\": %.17g, \"kscale\": %.17g, \"neurons\": %llu, \"synapses\": %llu, "
           "\"h_ms\": %.17g, \"t_sim_ms\": %.17g, \"record\": %s, \"build_s\": %.6f, \"wall_s\": %.6f, \"rtf\": %.6g, "
           "\"x_real_time\": %.6g, \"neuron_updates_per_s\": %.6g, \"syn_events_per_s\": %.6g, \"spikes\": %llu, "
           "\"rate_hz\": %.4f, \"peak_rss_bytes\": %lld, \"host_bytes\": %llu, \"bytes_per_synapse\": %.4f, \"sim_cpu_s\": %.6f}\n",
           sg_version(), sg_backend_used(sim), threads, scale, kscale, (unsigned long long)n_total,
           (unsigned long long)n_syn_total, h, T_all, record ? "true" : "false", t_build, rs.wall_s, rs.wall_s / (T_all * 1e-3),
           T_all * 1e-3 / rs.wall_s, (double)rs.neuron_updates / rs.wall_s, (double)rs.syn_events / rs.wall_s,
           (unsigned long long)rs.spikes, (double)rs.spikes / (double)n_total / (T_all * 1e-3),
           (long long)ru.ru_maxrss * 1024LL, (unsigned long long)mem.total_bytes, mem.bytes_per_synapse, cpu_sim);
  }
  sg_sim_free(sim);
  sim = NULL;
  if (record) printf("output: %s/spikes.h5\n", out);
  if (plot) {
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "%s examples/microcircuit/plot.py %s/spikes.h5 %s/microcircuit.png %.17g %.17g", sg_python(),
             out, out, T0, T);
    if (system(cmd) == 0) printf("figure: %s/microcircuit.png\n", out);
    else fprintf(stderr, "plotting failed (needs python3-h5py, python3-matplotlib): %s\n", cmd);
  }
  return 0;
}
