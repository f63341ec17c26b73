/* bench/throughput.c - simulation throughput of the fixed benchmark networks (bench/RESULTS.md):
 * builds one network, simulates it, prints one JSON line with what was measured. bench/run.py runs
 * it once per configuration (so ru_maxrss is the peak of that network alone) next to NEST and
 * Brian2.
 *
 *   throughput [--net a|b|c] [--n N] [--k K] [--time T_ms] [--threads n] [--backend cpu|cuda|auto]
 *              [--record] [--h5 DIR] [--seed S] [--hash] [--warmup T_ms] [--mm interval_ms]
 *              [--kernel-timing STEPS] [--level L] [--bernoulli] [--procedural]
 *   throughput --probe     says whether the cuda backend can run here, and why (exit 0: yes, 3: no)
 *
 * --kernel-timing S: after the measured run, S more steps with the cuda backend's per-kernel
 * timing (SG_CUDA_KERNEL_TIMING, host/cuda_timing.h: a table and a {"kernel_timing": ...} line on
 * stderr), on the same network, so a large network is built once for both.
 *
 * Networks (h = 0.1 ms; gl_exp with a = 1.2 mV, b = 27, V_b = -51.3 mV, V_r = V_reset = -65 mV,
 * tau_m = 10 ms, t_ref = 2 ms; every neuron starts at V_m = -65 mV):
 *   a  N unconnected gl_exp neurons, each driven by its own Poisson train (one poisson_generator,
 *      all_to_all: NEST draws independently per target) of 3.85 kHz x 0.5 mV, delay 0.1 ms.
 *   b  E/I network, 80% E / 20% I, fixed in-degree K (80% from E, 20% from I; default 800 + 200),
 *      w_E = +0.1 mV, w_I = -0.45 mV (both times 1000 / K, so the mean input does not depend on K),
 *      delay 1.5 ms; Poisson drive 3.9 kHz x 0.5 mV per neuron.
 *   c  N glif_cond neurons, level lif_r_asc_a (all three switches on, NEST defaults otherwise;
 *      --level 1..5 picks GLIF1 lif .. GLIF5 lif_r_asc_a),
 *      each driven by its own Poisson train of 3.8 kHz x 2.0 nS on receptor 1 (E_rev 0 mV).
 * --bernoulli (b only): pairwise_bernoulli with p = K_E / N_E from E and K_I / N_I from I instead of
 *      fixed_indegree (the same mean in-degrees, binomial instead of fixed); --procedural: the same
 *      rule with procedural = 1 (docs/procedural.md: no synapse stored, rows drawn at every spike).
 * --record connects every neuron to one spike_recorder (in memory; with --h5 DIR also to HDF5).
 * --mm I adds a multimeter sampling V_m of the first 10 neurons every I ms (hashed with --hash).
 * --hash adds a hash of the recorded spikes and the final V_m / refractory state of every neuron
 * (used to check that an optimisation changed no bit). With no argument the program runs a short
 * default set on the auto backend (the GPU bundle runs every bench program that way).
 *
 * JSON fields: simulator, backend, threads, network, neurons, synapses, h_ms, t_sim_ms, build_s,
 * wall_s, cpu_s (user + system time of all threads during the run), rtf (the real-time factor:
 * wall / simulated time, the convention of NEST and the literature, lower is faster),
 * x_real_time (its inverse: simulated / wall time), neuron_updates_per_s, syn_events_per_s, spikes, rate_hz,
 * peak_rss_bytes (getrusage ru_maxrss), host_bytes and bytes_per_synapse (sg_memory_report),
 * device_bytes (cuda backend: the device copy; 0 on cpu), record, warmup_ms, hash (with --hash); under
 * mpirun with several ranks also rank, ranks and the spike exchange of the timed run: x_windows,
 * x_bytes_sent (this rank's contribution), x_bytes_received (from the other ranks). */
/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "spikegpu.h"

#define CHECK(x)                                                                              \
  do {                                                                                        \
    sg_status st_ = (x);                                                                      \
    if (st_ != SG_OK) {                                                                       \
      fprintf(stderr, "throughput: %s:%d: %s: %s: %s\n", __FILE__, __LINE__, #x,              \
              sg_status_str(st_), sim ? sg_errmsg(sim) : "");                                 \
      exit(1);                                                                                \
    }                                                                                         \
  } while (0)

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double cpu_s(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return (double)ru.ru_utime.tv_sec + 1e-6 * (double)ru.ru_utime.tv_usec + (double)ru.ru_stime.tv_sec +
         1e-6 * (double)ru.ru_stime.tv_usec;
}

static uint64_t fnv(uint64_t h, const void *p, size_t n) {
  const unsigned char *b = p;
  for (size_t i = 0; i < n; ++i) { h ^= b[i]; h *= 0x100000001B3ull; }
  return h;
}

typedef struct opts {
  char net;
  uint64_t n, k, seed;
  double t_ms, warmup_ms;
  int threads, record, hash;
  int bernoulli, procedural;   /* net b: pairwise_bernoulli p = K / N, stored or procedural        */
  double mm;                 /* > 0: a multimeter samples V_m of the first 10 neurons at this interval */
  unsigned long long kernel_timing;   /* steps timed kernel by kernel after the measured run     */
  const char *backend, *h5;
  int level;                 /* net c: GLIF level 1..5 (default 5, lif_r_asc_a) */
} opts;

/* net c: the three switches of each GLIF level (spike_dependent_threshold, after_spike_currents,
 * adapting_threshold); the Python peer (bench/peers/nest_net.py) uses the same table */
static const double glif_levels[6][3] = {{0, 0, 0}, {0, 0, 0}, {1, 0, 0}, {0, 1, 0}, {1, 1, 0}, {1, 1, 1}};

/* rates and weights of the drive (see the header); the Python peers use the same numbers */
#ifndef A_RATE
#define A_RATE 3850.0
#endif
#ifndef A_W
#define A_W 0.5
#endif
#ifndef B_RATE
#define B_RATE 3900.0
#endif
#ifndef B_W
#define B_W 0.5
#endif
#ifndef B_WE
#define B_WE 0.1
#endif
#ifndef B_WI
#define B_WI (-0.45)
#endif
#ifndef C_RATE
#define C_RATE 3800.0
#endif
#ifndef C_W
#define C_W 2.0
#endif

static int run(const opts *o) {
  sg_config cfg;
  sg_config_default(&cfg);
  cfg.resolution_ms = 0.1;
  cfg.seed = o->seed;
  cfg.threads = o->threads;
  cfg.verbose = 0;
  cfg.output_dir = o->h5;
  cfg.keep_in_memory = 1;
  cfg.backend = !strcmp(o->backend, "cpu") ? SG_BACKEND_CPU : !strcmp(o->backend, "cuda") ? SG_BACKEND_CUDA : SG_BACKEND_AUTO;
  sg_sim *sim = NULL;
  char err[512];
  if (sg_sim_new(&cfg, &sim, err, sizeof err) != SG_OK) { fprintf(stderr, "throughput: %s\n", err); return 1; }

  const double t0 = now_s();
  sg_nodes pops[2], drive, sr = {0, 0, NULL};
  int n_pops = 0;
  const char *model = o->net == 'c' ? "glif_cond" : "gl_exp";
  sg_syn_spec ss;
  sg_conn_spec cs;
  sg_syn_spec_default(&ss);
  sg_conn_spec_default(&cs);
  if (o->net == 'b') {
    const uint64_t nE = o->n * 4 / 5, nI = o->n - nE, KE = o->k * 4 / 5, KI = o->k - KE;
    CHECK(sg_create_named(sim, "gl_exp", nE, "E", &pops[0]));
    CHECK(sg_create_named(sim, "gl_exp", nI, "I", &pops[1]));
    n_pops = 2;
    cs.rule = o->bernoulli ? "pairwise_bernoulli" : "fixed_indegree";
    cs.procedural = o->procedural;
    ss.delay = sg_scalar(1.5);
    const double scale = 1000.0 / (double)o->k;   /* the same mean input for any K */
    cs.indegree = KE;
    cs.p = (double)KE / (double)nE;
    ss.weight = sg_scalar(B_WE * scale);
    CHECK(sg_connect(sim, pops[0], pops[0], &cs, &ss));
    CHECK(sg_connect(sim, pops[0], pops[1], &cs, &ss));
    cs.indegree = KI;
    cs.p = (double)KI / (double)nI;
    ss.weight = sg_scalar(B_WI * scale);
    CHECK(sg_connect(sim, pops[1], pops[0], &cs, &ss));
    CHECK(sg_connect(sim, pops[1], pops[1], &cs, &ss));
  } else {
    CHECK(sg_create_named(sim, model, o->n, "neurons", &pops[0]));
    n_pops = 1;
  }
  if (o->net == 'c') {
    CHECK(sg_set(sim, pops[0], "spike_dependent_threshold", glif_levels[o->level][0]));
    CHECK(sg_set(sim, pops[0], "after_spike_currents", glif_levels[o->level][1]));
    CHECK(sg_set(sim, pops[0], "adapting_threshold", glif_levels[o->level][2]));
  } else {
    for (int p = 0; p < n_pops; ++p) {
      CHECK(sg_set(sim, pops[p], "a", 1.2));
      CHECK(sg_set(sim, pops[p], "b", 27.0));
      CHECK(sg_set(sim, pops[p], "V_b", -51.3));
      CHECK(sg_set(sim, pops[p], "V_r", -65.0));
      CHECK(sg_set(sim, pops[p], "V_reset", -65.0));
      CHECK(sg_set(sim, pops[p], "tau_m", 10.0));
      CHECK(sg_set(sim, pops[p], "t_ref", 2.0));
      CHECK(sg_set(sim, pops[p], "V_m", -65.0));
    }
  }
  CHECK(sg_create_named(sim, "poisson_generator", 1, "drive", &drive));
  CHECK(sg_set(sim, drive, "rate", o->net == 'a' ? A_RATE : o->net == 'b' ? B_RATE : C_RATE));
  sg_syn_spec ds;
  sg_syn_spec_default(&ds);
  ds.weight = sg_scalar(o->net == 'a' ? A_W : o->net == 'b' ? B_W : C_W);
  ds.delay = sg_scalar(0.1);
  if (o->net == 'c') ds.receptor_type = 1;
  for (int p = 0; p < n_pops; ++p) CHECK(sg_connect(sim, drive, pops[p], NULL, &ds));
  sg_nodes mm = {0, 0, NULL};
  if (o->mm > 0.0) {
    const char *vars[] = {"V_m"};
    CHECK(sg_create(sim, "multimeter", 1, &mm));
    CHECK(sg_set(sim, mm, "interval", o->mm));
    CHECK(sg_set_strs(sim, mm, "record_from", vars, 1));
    CHECK(sg_connect(sim, mm, sg_slice(pops[0], 0, pops[0].n < 10 ? pops[0].n : 10), NULL, NULL));
  }
  if (o->record) {
    CHECK(sg_create_named(sim, "spike_recorder", 1, "spikes", &sr));
    for (int p = 0; p < n_pops; ++p) CHECK(sg_connect(sim, pops[p], sr, NULL, NULL));
  }
  CHECK(sg_simulate(sim, 0.0));   /* builds the CSR and moves the network to the backend */
  const double build_s = now_s() - t0;

  sg_memory mem;
  CHECK(sg_memory_report(sim, &mem));
  sg_run_stats r0, r1;
  if (o->warmup_ms > 0.0) CHECK(sg_simulate(sim, o->warmup_ms));
  CHECK(sg_run_stats_get(sim, &r0));
  sg_mpi_info x0, x1;   /* MPI ranks: the spike exchange of the timed run (docs/mpi.md) */
  CHECK(sg_mpi_info_get(sim, &x0));
  const double c0 = cpu_s();
  CHECK(sg_simulate(sim, o->t_ms));
  const double cpu = cpu_s() - c0;
  CHECK(sg_run_stats_get(sim, &r1));
  CHECK(sg_mpi_info_get(sim, &x1));
  const double wall = r1.wall_s - r0.wall_s;
  const uint64_t upd = r1.neuron_updates - r0.neuron_updates, ev = r1.syn_events - r0.syn_events;
  const uint64_t spikes = r1.spikes - r0.spikes;

  uint64_t hash = 0xCBF29CE484222325ull;
  if (o->hash) {
    if (o->record) {
      size_t n = 0, got = 0;
      CHECK(sg_spikes(sim, sr.first, NULL, NULL, 0, &n));
      double *t = malloc((n + 1) * sizeof *t);
      uint64_t *s = malloc((n + 1) * sizeof *s);
      if (!t || !s) { fprintf(stderr, "throughput: out of memory\n"); return 1; }
      CHECK(sg_spikes(sim, sr.first, t, s, n, &got));
      hash = fnv(fnv(fnv(hash, &n, sizeof n), t, n * sizeof *t), s, n * sizeof *s);
      free(t);
      free(s);
    }
    if (o->mm > 0.0) {
      size_t n = 0, got = 0;
      CHECK(sg_samples(sim, mm.first, "V_m", NULL, NULL, NULL, 0, &n));
      double *t = malloc((n + 1) * sizeof *t), *x = malloc((n + 1) * sizeof *x);
      uint64_t *s = malloc((n + 1) * sizeof *s);
      if (!t || !s || !x) { fprintf(stderr, "throughput: out of memory\n"); return 1; }
      CHECK(sg_samples(sim, mm.first, "V_m", t, s, x, n, &got));
      hash = fnv(fnv(fnv(fnv(hash, &n, sizeof n), t, n * sizeof *t), s, n * sizeof *s), x, n * sizeof *x);
      free(t);
      free(s);
      free(x);
    }
    const char *vars[2] = {"V_m", o->net == 'c' ? "refractory_steps" : "refr_tick"};
    for (int p = 0; p < n_pops; ++p)
      for (uint64_t i = 0; i < pops[p].n; ++i)
        for (int v = 0; v < 2; ++v) {
          double x;
          CHECK(sg_get(sim, pops[p].first + i, vars[v], &x));
          hash = fnv(hash, &x, sizeof x);
        }
  }
  const int cuda = !strcmp(sg_backend_used(sim), "cuda");
  if (o->kernel_timing) {
    if (cuda) {
      char steps[32];
      snprintf(steps, sizeof steps, "%llu", o->kernel_timing);
      setenv("SG_CUDA_KERNEL_TIMING", steps, 1);
      CHECK(sg_simulate(sim, (double)o->kernel_timing * 0.1));
      unsetenv("SG_CUDA_KERNEL_TIMING");
    } else {
      fprintf(stderr, "throughput: --kernel-timing: skipped, the backend is %s (%s)\n", sg_backend_used(sim), sg_backend_reason(sim));
    }
  }
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  const double rate = (double)spikes / (double)o->n / (o->t_ms * 1e-3);
  char net[8] = {o->net, 0};
  printf("{\"simulator\": \"spikegpu\", \"version\": \"%s\", \"backend\": \"%s\", \"threads\": %d, "
         "\"network\": \"%s\", \"neurons\": %llu, \"synapses\": %llu, \"h_ms\": 0.1, \"t_sim_ms\": %.17g, "
         "\"warmup_ms\": %.17g, \"record\": %s, \"build_s\": %.6f, \"wall_s\": %.6f, \"cpu_s\": %.6f, \"rtf\": %.6g, \"x_real_time\": %.6g, "
         "\"neuron_updates_per_s\": %.6g, \"syn_events_per_s\": %.6g, \"spikes\": %llu, \"rate_hz\": %.4f, "
         "\"peak_rss_bytes\": %lld, \"host_bytes\": %llu, \"device_bytes\": %llu, \"bytes_per_synapse\": %.4f, "
         "\"rule\": \"%s\", \"ring_bytes\": %llu, \"state_bytes\": %llu, \"csr_bytes\": %llu",
         sg_version(), sg_backend_used(sim), o->threads, net, (unsigned long long)o->n,
         (unsigned long long)mem.n_synapses, o->t_ms, o->warmup_ms, o->record ? "true" : "false", build_s,
         wall, cpu, wall / (o->t_ms * 1e-3), o->t_ms * 1e-3 / wall, (double)upd / wall, (double)ev / wall, (unsigned long long)spikes, rate,
         (long long)ru.ru_maxrss * 1024LL, (unsigned long long)mem.total_bytes,
         (unsigned long long)(cuda ? mem.total_bytes : 0), mem.bytes_per_synapse,
         o->net != 'b' ? "none" : o->procedural ? "pairwise_bernoulli procedural" : o->bernoulli ? "pairwise_bernoulli" : "fixed_indegree",
         (unsigned long long)mem.ring_bytes, (unsigned long long)mem.state_bytes, (unsigned long long)mem.csr_bytes);
  if (o->hash) printf(", \"hash\": \"%016llx\"", (unsigned long long)hash);
  if (x1.ranks > 1)
    printf(", \"rank\": %d, \"ranks\": %d, \"x_windows\": %llu, \"x_bytes_sent\": %llu, \"x_bytes_received\": %llu", x1.rank,
           x1.ranks, (unsigned long long)(x1.windows - x0.windows), (unsigned long long)(x1.bytes_sent - x0.bytes_sent),
           (unsigned long long)(x1.bytes_received - x0.bytes_received));
  printf("}\n");
  fflush(stdout);
  sg_sim_free(sim);
  return 0;
}

int main(int argc, char **argv) {
  opts o = {'b', 10000, 1000, 12345, 1000.0, 0.0, 0, 0, 0, 0, 0, 0.0, 0, "auto", NULL, 5};
  if (argc == 2 && !strcmp(argv[1], "--probe")) {
    char why[256];
    const int usable = sg_cuda_available(why, sizeof why);
    printf("cuda: %s: %s\n", usable ? "usable" : "not usable", why);
    return usable ? 0 : 3;
  }
  if (argc == 1) {   /* default set: short runs of a and b on the auto backend */
    const char nets[] = {'a', 'b', 'b'};
    const uint64_t ns[] = {100000, 10000, 100000};
    int rc = 0;
    for (int i = 0; i < 3; ++i) {
      o.net = nets[i];
      o.n = ns[i];
      o.t_ms = 200.0;
      rc |= run(&o);
    }
    return rc;
  }
  for (int i = 1; i < argc; ++i) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!strcmp(a, "--record")) o.record = 1;
    else if (!strcmp(a, "--hash")) o.hash = 1;
    else if (!strcmp(a, "--bernoulli")) o.bernoulli = 1;
    else if (!strcmp(a, "--procedural")) o.bernoulli = o.procedural = 1;
    else if (v && !strcmp(a, "--net")) { o.net = v[0]; ++i; }
    else if (v && !strcmp(a, "--n")) { o.n = strtoull(v, NULL, 10); ++i; }
    else if (v && !strcmp(a, "--k")) { o.k = strtoull(v, NULL, 10); ++i; }
    else if (v && !strcmp(a, "--seed")) { o.seed = strtoull(v, NULL, 10); ++i; }
    else if (v && !strcmp(a, "--time")) { o.t_ms = atof(v); ++i; }
    else if (v && !strcmp(a, "--warmup")) { o.warmup_ms = atof(v); ++i; }
    else if (v && !strcmp(a, "--threads")) { o.threads = atoi(v); ++i; }
    else if (v && !strcmp(a, "--backend")) { o.backend = v; ++i; }
    else if (v && !strcmp(a, "--h5")) { o.h5 = v; ++i; }
    else if (v && !strcmp(a, "--mm")) { o.mm = atof(v); ++i; }
    else if (v && !strcmp(a, "--level")) { o.level = atoi(v); ++i; }
    else if (v && !strcmp(a, "--kernel-timing")) { o.kernel_timing = strtoull(v, NULL, 10); ++i; }
    else {
      fprintf(stderr, "usage: %s [--net a|b|c] [--n N] [--k K] [--time ms] [--warmup ms] [--threads n]\n"
                      "          [--backend cpu|cuda|auto] [--record] [--h5 DIR] [--seed S] [--hash] [--mm ms]\n"
                      "          [--kernel-timing STEPS] [--level 1..5] [--bernoulli] [--procedural]\n       %s --probe\n", argv[0], argv[0]);
      return 2;
    }
  }
  if ((o.net != 'a' && o.net != 'b' && o.net != 'c') || o.n < 10 || (o.net == 'b' && o.k < 5) || o.level < 1 ||
      o.level > 5) {
    fprintf(stderr, "throughput: need --net a|b|c, --n >= 10, (b) --k >= 5 and --level 1..5 (got %d)\n", o.level);
    return 2;
  }
  return run(&o);
}
