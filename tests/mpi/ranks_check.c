/* tests/mpi/ranks_check.c - one network per case, simulated by however many MPI ranks this was
 * started with (tests/mpi/run.sh starts it under mpirun -np 1..4, threads 1 and 2) and reduced
 * to one hash that must not depend on the number of ranks or threads (docs/mpi.md):
 *
 *   multi    every connection rule (pairwise_bernoulli, fixed_indegree, fixed_outdegree,
 *            fixed_total_number, all_to_all, one_to_one) with drawn weights and delays, a
 *            procedural projection, Poisson input: the windowed step loop
 *   serial   spike, step current and noise generators and parrot neurons: the step-by-step loop
 *   glif     two glif_cond populations (GLIF5 with 2 receptors, GLIF1 with 3, one of them fed by
 *            nothing) with Poisson drive, a dc current into one (the step-by-step loop),
 *            recurrent connections between and within them; both sampled by the multimeter
 *   nonfinite  one node (owned by one rank only) becomes non-finite: every rank must stop with
 *            the same status and message, none may hang
 *   connerr  an sg_connect whose |w| bound fails for the last rank's target only (each rank
 *            draws and checks its own targets): every rank must fail it with that message
 *
 * Hashed: every recorded spike (sg_spikes), every multimeter sample (sg_samples: V_m; glif also
 * g_1 and I), the final V_m of every neuron (sg_get), the run statistics and the synapse count.
 * Every rank prints
 *   rank R/P case C threads T hash H
 * (or the status and message for nonfinite and connerr); run.sh compares the lines with the
 * one-rank run. --backend cuda runs the cuda backend (run.sh: the emulated build).
 * --out DIR makes the recorders write files there (rank 0 writes them; run.sh compares them).
 * --ring adds a line "ring rank R/P bytes B": this rank's ring buffer (sg_memory_report), which
 * holds only its own nodes' inputs, so the ranks' B sum to the one process's (run.sh checks it). */
/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spikegpu.h"
#include "../sg_specs.h"

static sg_sim *sim;
#define CHECK(call)                                                                          \
  do {                                                                                       \
    const sg_status st_ = (call);                                                            \
    if (st_ != SG_OK) {                                                                      \
      fprintf(stderr, "ranks_check: %s: %s: %s\n", #call, sg_status_str(st_), sg_errmsg(sim)); \
      exit(1);                                                                               \
    }                                                                                        \
  } while (0)

static uint64_t fnv(uint64_t h, const void *p, size_t n) {
  const unsigned char *b = p;
  for (size_t i = 0; i < n; ++i) h = (h ^ b[i]) * 0x100000001B3ull;
  return h;
}

static sg_syn_spec syn(sg_value w, sg_value d) { return sg_test_syn(w, d, 0); }

static void conn(sg_nodes a, sg_nodes b, const char *rule, uint64_t k, double p, int procedural, sg_syn_spec s) {
  sg_conn_spec c;
  sg_conn_spec_default(&c);
  c.rule = rule;
  c.indegree = c.outdegree = c.N = k;
  c.p = p;
  c.procedural = procedural;
  CHECK(sg_connect(sim, a, b, &c, &s));
}

static sg_nodes neurons[4];
static int n_neuron_pops, n_vm_pops;   /* the first n_vm_pops have a V_m */
static int n_mm_pops = 1;              /* the first n_mm_pops are sampled by the multimeter */
static const char *mm_vars[3] = {"V_m"};   /* what it samples */
static int n_mm_vars = 1;
static sg_nodes srec, mm;

static void build_multi(void) {
  sg_nodes e, i, g, pg;
  CHECK(sg_create(sim, "iaf_psc_exp", 157, &e));
  CHECK(sg_create(sim, "iaf_psc_alpha", 41, &i));
  CHECK(sg_create(sim, "gl_exp", 63, &g));
  neurons[0] = e; neurons[1] = i; neurons[2] = g;
  n_neuron_pops = n_vm_pops = 3;
  CHECK(sg_set(sim, e, "I_e", 300.0));
  const sg_value v0 = sg_random_uniform(-70.0, -55.0);
  CHECK(sg_set_value(sim, e, "V_m", &v0));
  CHECK(sg_create(sim, "poisson_generator", 1, &pg));
  CHECK(sg_set(sim, pg, "rate", 8000.0));
  conn(pg, e, "all_to_all", 0, 0, 0, syn(sg_scalar(20.0), sg_scalar(1.0)));
  conn(pg, g, "all_to_all", 0, 0, 0, syn(sg_scalar(5.0), sg_scalar(1.0)));
  conn(e, e, "pairwise_bernoulli", 0, 0.1, 0, syn(sg_random_normal(40.0, 8.0), sg_random_uniform(0.5, 3.0)));
  conn(e, i, "fixed_indegree", 20, 0, 0, syn(sg_random_uniform(20.0, 60.0), sg_scalar(1.5)));
  conn(i, e, "fixed_outdegree", 30, 0, 0, syn(sg_random_normal_clipped(-80.0, 20.0, -200.0, -1.0), sg_random_uniform(0.8, 2.0)));
  conn(e, g, "fixed_total_number", 900, 0, 0, syn(sg_random_lognormal(0.5, 0.3), sg_random_normal_clipped(1.5, 0.5, 0.5, 3.0)));
  conn(g, i, "all_to_all", 0, 0, 0, syn(sg_scalar(2.0), sg_scalar(0.7)));
  conn(sg_slice(e, 0, 41), i, "one_to_one", 0, 0, 0, syn(sg_random_uniform(10.0, 30.0), sg_random_uniform(0.5, 1.5)));
  conn(i, g, "fixed_outdegree", 5, 0, 1, syn(sg_scalar(-3.0), sg_scalar(1.0)));   /* procedural */
}

static void build_serial(void) {
  sg_nodes e, par, spg, scg, ng;
  CHECK(sg_create(sim, "iaf_psc_delta", 77, &e));
  CHECK(sg_create(sim, "parrot_neuron", 13, &par));
  neurons[0] = e; neurons[1] = par;
  n_neuron_pops = 2;
  n_vm_pops = 1;
  CHECK(sg_create(sim, "spike_generator", 1, &spg));
  const double times[] = {1.0, 1.0, 2.5, 7.0, 12.3, 20.0};
  CHECK(sg_set_vec(sim, spg, "spike_times", times, 6));
  CHECK(sg_create(sim, "step_current_generator", 1, &scg));
  const double at[] = {3.0, 15.0}, amp[] = {500.0, 150.0};
  CHECK(sg_set_vec(sim, scg, "amplitude_times", at, 2));
  CHECK(sg_set_vec(sim, scg, "amplitude_values", amp, 2));
  CHECK(sg_create(sim, "noise_generator", 1, &ng));
  CHECK(sg_set(sim, ng, "std", 200.0));
  CHECK(sg_set(sim, ng, "dt", 0.5));
  conn(spg, par, "all_to_all", 0, 0, 0, syn(sg_scalar(1.0), sg_scalar(1.0)));
  conn(scg, e, "all_to_all", 0, 0, 0, syn(sg_scalar(1.0), sg_scalar(1.0)));
  conn(ng, e, "all_to_all", 0, 0, 0, syn(sg_scalar(1.0), sg_scalar(1.0)));
  conn(par, e, "fixed_indegree", 4, 0, 0, syn(sg_random_uniform(0.5, 3.0), sg_random_uniform(1.0, 4.0)));
  conn(e, e, "pairwise_bernoulli", 0, 0.2, 0, syn(sg_scalar(0.8), sg_scalar(2.0)));
}

static sg_syn_spec syn_r(sg_value w, sg_value d, int r) { return sg_test_syn(w, d, r); }

/* glif_cond's steps (scalar and vector block) take their inputs through the step context, so a
 * rank's ring holds its own nodes' inputs only (the --ring check) and a port nothing feeds (b's
 * receptor 2, b's current) is neither read nor cleared */
static void build_glif(void) {
  sg_nodes a, b, pg, dc;
  CHECK(sg_create(sim, "glif_cond", 97, &a));
  CHECK(sg_create(sim, "glif_cond", 45, &b));
  neurons[0] = a; neurons[1] = b;
  n_neuron_pops = n_vm_pops = n_mm_pops = 2;
  mm_vars[1] = "g_1";   /* the spike input of receptor 1, and the current input (I) */
  mm_vars[2] = "I";
  n_mm_vars = 3;
  CHECK(sg_set(sim, a, "spike_dependent_threshold", 1.0));   /* GLIF5 */
  CHECK(sg_set(sim, a, "after_spike_currents", 1.0));
  CHECK(sg_set(sim, a, "adapting_threshold", 1.0));
  const double tau[] = {0.5, 1.0, 3.0}, erev[] = {0.0, -85.0, -70.0};   /* b: GLIF1, 3 receptors */
  CHECK(sg_set_vec(sim, b, "E_rev", erev, 3));
  CHECK(sg_set_vec(sim, b, "tau_syn", tau, 3));
  const sg_value v0 = sg_random_uniform(-78.0, -55.0);
  CHECK(sg_set_value(sim, a, "V_m", &v0));
  CHECK(sg_set_value(sim, b, "V_m", &v0));
  CHECK(sg_create(sim, "poisson_generator", 1, &pg));
  CHECK(sg_set(sim, pg, "rate", 6000.0));
  CHECK(sg_create(sim, "dc_generator", 1, &dc));
  CHECK(sg_set(sim, dc, "amplitude", 120.0));
  conn(pg, a, "all_to_all", 0, 0, 0, syn_r(sg_scalar(1.5), sg_scalar(1.0), 1));
  conn(pg, b, "all_to_all", 0, 0, 0, syn_r(sg_scalar(1.2), sg_scalar(1.0), 1));
  conn(dc, a, "all_to_all", 0, 0, 0, syn_r(sg_scalar(1.0), sg_scalar(1.0), 0));   /* a's current port */
  conn(a, a, "fixed_indegree", 10, 0, 0, syn_r(sg_random_uniform(0.5, 3.0), sg_random_uniform(0.5, 3.0), 1));
  conn(a, b, "pairwise_bernoulli", 0, 0.1, 0, syn_r(sg_random_uniform(1.0, 4.0), sg_scalar(1.5), 1));
  conn(b, a, "fixed_outdegree", 12, 0, 0, syn_r(sg_random_uniform(2.0, 6.0), sg_random_uniform(0.8, 2.0), 2));
  conn(b, b, "fixed_indegree", 5, 0, 0, syn_r(sg_scalar(2.0), sg_scalar(1.2), 3));   /* b's receptor 2: nothing */
}

int main(int argc, char **argv) {
  const char *cas = "multi", *out = NULL;
  int threads = 1, ring = 0;
  sg_backend backend = SG_BACKEND_CPU;
  for (int a = 1; a < argc; ++a) {
    if (!strcmp(argv[a], "--case") && a + 1 < argc) cas = argv[++a];
    else if (!strcmp(argv[a], "--threads") && a + 1 < argc) threads = atoi(argv[++a]);
    else if (!strcmp(argv[a], "--out") && a + 1 < argc) out = argv[++a];
    else if (!strcmp(argv[a], "--ring")) ring = 1;
    else if (!strcmp(argv[a], "--backend") && a + 1 < argc && !strcmp(argv[a + 1], "cpu")) backend = SG_BACKEND_CPU, ++a;
    else if (!strcmp(argv[a], "--backend") && a + 1 < argc && !strcmp(argv[a + 1], "cuda")) backend = SG_BACKEND_CUDA, ++a;
    else { fprintf(stderr, "usage: ranks_check [--case multi|serial|glif|nonfinite|connerr] [--threads T] [--out DIR] [--backend cpu|cuda] [--ring]\n"); return 2; }
  }
  sg_config cfg;
  sg_config_default(&cfg);
  cfg.backend = backend;
  cfg.threads = threads;
  cfg.verbose = 0;
  cfg.seed = 20261207;
  cfg.output_dir = out;
  cfg.overwrite_files = 1;
  cfg.report_double = 1;
  cfg.flush_interval_ms = 10.0;
  char err[1024];
  if (sg_sim_new(&cfg, &sim, err, sizeof err)) { fprintf(stderr, "ranks_check: %s\n", err); return 1; }
  sg_mpi_info mi;
  CHECK(sg_mpi_info_get(sim, &mi));

  if (!strcmp(cas, "nonfinite")) {   /* tests/test_nonfinite.c's network: node 27 fails at 6 ms */
    sg_nodes good, bad, spg;
    sg_syn_spec s = syn(sg_scalar(5.0), sg_scalar(1.0));
    s.receptor_type = 1;
    CHECK(sg_create(sim, "glif_cond", 20, &good));
    CHECK(sg_create_named(sim, "glif_cond", 10, "bad", &bad));
    CHECK(sg_set(sim, sg_slice(bad, 5, 1), "C_m", 1e-7));
    CHECK(sg_create(sim, "spike_generator", 1, &spg));
    const double times[] = {5.0};
    CHECK(sg_set_vec(sim, spg, "spike_times", times, 1));
    CHECK(sg_connect(sim, spg, bad, NULL, &s));
    const sg_status st = sg_simulate(sim, 40.0);
    char msg[1024];
    snprintf(msg, sizeof msg, "%s", sg_errmsg(sim));
    const sg_status again = sg_simulate(sim, 1.0);
    printf("rank %d/%d case %s threads %d status %s time %g again %s message %s\n", mi.rank, mi.ranks, cas, threads,
           sg_status_str(st), sg_time(sim), sg_status_str(again), msg);
    sg_sim_free(sim);
    return 0;
  }
  if (!strcmp(cas, "connerr")) {   /* the |w| bound fails for the last target only (the last rank's) */
    sg_nodes a, b;
    sg_conn_spec cs;
    sg_conn_spec_default(&cs);
    cs.rule = "all_to_all";
    const sg_syn_spec s = syn(sg_scalar(6e8), sg_scalar(1.0));
    CHECK(sg_create(sim, "iaf_psc_exp", 1, &a));
    CHECK(sg_create(sim, "iaf_psc_exp", 10, &b));
    CHECK(sg_connect(sim, a, sg_slice(b, 9, 1), &cs, &s));
    const sg_status st = sg_connect(sim, a, b, &cs, &s);
    char msg[1024];
    snprintf(msg, sizeof msg, "%s", sg_errmsg(sim));
    const sg_status after = sg_simulate(sim, 2.0);   /* the failed call left nothing behind */
    printf("rank %d/%d case %s threads %d status %s message %s then %s\n", mi.rank, mi.ranks, cas, threads,
           sg_status_str(st), msg, sg_status_str(after));
    sg_sim_free(sim);
    return 0;
  }
  if (!strcmp(cas, "multi")) build_multi();
  else if (!strcmp(cas, "serial")) build_serial();
  else if (!strcmp(cas, "glif")) build_glif();
  else { fprintf(stderr, "ranks_check: --case %s: allowed multi, serial, glif, nonfinite, connerr\n", cas); return 2; }

  CHECK(sg_create_named(sim, "spike_recorder", 1, "spikes", &srec));
  CHECK(sg_create_named(sim, "multimeter", 1, "mm", &mm));
  CHECK(sg_set(sim, mm, "interval", 0.5));
  CHECK(sg_set_strs(sim, mm, "record_from", mm_vars, (size_t)n_mm_vars));
  for (int p = 0; p < n_neuron_pops; ++p) {
    CHECK(sg_connect(sim, neurons[p], srec, NULL, NULL));
    if (p < n_mm_pops) CHECK(sg_connect(sim, mm, neurons[p], NULL, NULL));
  }
  CHECK(sg_simulate(sim, 17.3));   /* two calls: the state carries over between them */
  CHECK(sg_simulate(sim, 22.7));

  uint64_t h = 0xCBF29CE484222325ull;
  size_t n = 0, got = 0;
  CHECK(sg_spikes(sim, srec.first, NULL, NULL, 0, &n));
  double *t = malloc((n + 1) * sizeof *t);
  uint64_t *s = malloc((n + 1) * sizeof *s);
  if (!t || !s) return 1;
  CHECK(sg_spikes(sim, srec.first, t, s, n, &got));
  h = fnv(fnv(fnv(h, &n, sizeof n), t, n * sizeof *t), s, n * sizeof *s);
  const size_t n_spikes = n;
  free(t); free(s);
  size_t n_samples = 0;
  for (int q = 0; q < n_mm_vars; ++q) {
    CHECK(sg_samples(sim, mm.first, mm_vars[q], NULL, NULL, NULL, 0, &n));
    t = malloc((n + 1) * sizeof *t);
    s = malloc((n + 1) * sizeof *s);
    double *x = malloc((n + 1) * sizeof *x);
    if (!t || !s || !x) return 1;
    CHECK(sg_samples(sim, mm.first, mm_vars[q], t, s, x, n, &got));
    h = fnv(fnv(fnv(fnv(h, &n, sizeof n), t, n * sizeof *t), s, n * sizeof *s), x, n * sizeof *x);
    n_samples += n;
    free(t); free(s); free(x);
  }
  for (int p = 0; p < n_vm_pops; ++p)
    for (uint64_t i = 0; i < neurons[p].n; ++i) {
      double v;
      CHECK(sg_get(sim, neurons[p].first + i, "V_m", &v));
      h = fnv(h, &v, sizeof v);
    }
  sg_run_stats rs;
  CHECK(sg_run_stats_get(sim, &rs));
  h = fnv(fnv(fnv(h, &rs.neuron_updates, 8), &rs.spikes, 8), &rs.syn_events, 8);
  CHECK(sg_mpi_info_get(sim, &mi));
  printf("rank %d/%d case %s threads %d hash %016llx spikes %zu samples %zu events %llu\n", mi.rank, mi.ranks, cas,
         threads, (unsigned long long)h, n_spikes, n_samples, (unsigned long long)rs.syn_events);
  if (ring) {   /* this rank's ring buffer: its own nodes' inputs only (run.sh sums the ranks') */
    sg_memory mem;
    CHECK(sg_memory_report(sim, &mem));
    printf("ring rank %d/%d bytes %llu\n", mi.rank, mi.ranks, (unsigned long long)mem.ring_bytes);
  }
  fprintf(stderr, "ranks_check: rank %d/%d: %llu windows exchanged, %llu bytes sent, %llu received\n", mi.rank, mi.ranks,
          (unsigned long long)mi.windows, (unsigned long long)mi.bytes_sent, (unsigned long long)mi.bytes_received);
  sg_sim_free(sim);
  return 0;
}
