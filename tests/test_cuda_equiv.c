/* tests/test_cuda_equiv.c - the cuda backend against the cpu backend, bit for bit (docs/design.md §2.1),
 * and the device's view of the shared SG_HD code (Philox words, cuRAND, samplers, math).
 *
 * Networks (gl_exp with and without recurrence, every generator, parrots, glif_cond with all its
 * recordables, long and short rows, several delays, split sg_simulate calls with syncs, state and
 * parameter changes and new connections between them) run on the cpu backend with 1 thread (the
 * reference), with 2 threads, and on the cuda backend with block sizes 32, 128, 256, 1024, without
 * graphs, and with one-step recording batches (that variant also takes the delays from the CSR's
 * segments instead of the packed targets, and delivers in one block). Spike trains (sg_spikes),
 * every multimeter value (sg_samples) and the final state (sg_get_vec of every state row) must be
 * identical: compared as bit patterns (memcmp); the only latitude is that any two NaNs count as
 * equal, since IEEE leaves NaN payloads to the platform. The first mismatches are printed (step,
 * sender / node, both values).
 *
 * Without a usable device the suite is skipped ("no CUDA device (...)"). SG_EQUIV_SELFTEST=1 runs
 * the network matrix anyway with the cpu backend standing in for cuda (2 or 3 threads), which
 * tests the harness itself on machines without a GPU; the device-only tests then say so and pass
 * vacuously (the suite is not counted as a GPU pass in that mode). */
/* SPDX-License-Identifier: MIT */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sg_test.h"
#include "spikegpu.h"

#ifdef SG_HAVE_CUDA
#include "../kernels/sg_cu_math.h"
#include "../kernels/sg_cuda.h"
#include "sg/philox.h"
#include "sg/rng.h"
#endif

#define H 0.1
#define SEED 0x5EEDCAFEF00D1234ull
#define MAX_PRINT 8

static int selftest(void) {
  const char *s = getenv("SG_EQUIV_SELFTEST");
  return s && *s && strcmp(s, "0") != 0;
}

static int device_present(void) {
  char why[256];
  return sg_cuda_available(why, sizeof why);
}

/* ---- what a network script exposes ----------------------------------------------------------- */
typedef struct net_mm {
  uint64_t id;
  const char *vars[16];
  size_t n_vars;
} net_mm;

typedef struct net_out {
  uint64_t rec[8];
  size_t n_rec;
  net_mm mm[4];
  size_t n_mm;
  sg_nodes pops[8];
  size_t n_pops;
} net_out;

typedef void (*net_fn)(sg_sim *sim, net_out *out);

#define OK(call) SG_TEST_OK(sim, call)

#define syn sg_test_syn
#define rule sg_test_rule
static void add_mm(sg_sim *sim, net_out *out, sg_nodes targets, double interval, double offset,
                   const char *const *vars, size_t n_vars) {
  sg_nodes mm;
  OK(sg_create(sim, "multimeter", 1, &mm));
  OK(sg_set(sim, mm, "interval", interval));
  if (offset > 0.0) OK(sg_set(sim, mm, "offset", offset));
  OK(sg_set_strs(sim, mm, "record_from", vars, n_vars));
  OK(sg_connect(sim, mm, targets, NULL, NULL));
  net_mm *m = &out->mm[out->n_mm++];
  m->id = mm.first;
  m->n_vars = n_vars;
  for (size_t v = 0; v < n_vars; ++v) m->vars[v] = vars[v];
}
static sg_nodes add_rec(sg_sim *sim, net_out *out, sg_nodes sources) {
  sg_nodes sr;
  OK(sg_create(sim, "spike_recorder", 1, &sr));
  OK(sg_connect(sim, sources, sr, NULL, NULL));
  out->rec[out->n_rec++] = sr.first;
  return sr;
}
static void gl_drive(sg_sim *sim, sg_nodes n, double i_lo, double i_hi) {
  OK(sg_set(sim, n, "V_b", -55.0));
  OK(sg_set(sim, n, "a", 1.5));
  OK(sg_set(sim, n, "b", 1.0));
  double *ie = malloc(n.n * sizeof *ie);
  CU_ASSERT_FATAL(ie != NULL);
  for (uint64_t i = 0; i < n.n; ++i) ie[i] = i_lo + (i_hi - i_lo) * (double)i / (double)n.n;
  OK(sg_set_each(sim, n, "I_e", ie));
  free(ie);
}

static const char *const GL_VARS[] = {"V_m", "refr_tick", "I_stim"};

/* ---- the networks --------------------------------------------------------------------------- */
/* gl_exp without recurrence: Poisson drive, per-node I_e, a state change between runs. */
static void net_gl_plain(sg_sim *sim, net_out *out) {
  sg_nodes nrn, pg;
  OK(sg_create(sim, "gl_exp", 150, &nrn));
  gl_drive(sim, nrn, 300.0, 450.0);
  OK(sg_create(sim, "poisson_generator", 1, &pg));
  OK(sg_set(sim, pg, "rate", 2000.0));
  sg_syn_spec s = syn(sg_scalar(0.7), sg_scalar(0.5), 0);
  OK(sg_connect(sim, pg, nrn, NULL, &s));
  add_rec(sim, out, nrn);
  add_mm(sim, out, sg_slice(nrn, 0, 40), 0.3, 0.0, GL_VARS, 3);
  out->pops[out->n_pops++] = nrn;
  OK(sg_simulate(sim, 9.7));
  OK(sg_set(sim, sg_slice(nrn, 10, 20), "V_m", -60.0));    /* state on the device: sync, set, re-upload */
  OK(sg_simulate(sim, 10.3));
}

/* gl_exp E/I network with recurrence, random delays (many segments per row), noise and Poisson
 * input, two recorders with windows, two multimeters (one with an offset); between runs: a sync,
 * a parameter change (prepare while the state is on the device) and new longer-delay connections
 * (the ring grows with events pending). */
static void net_gl_recurrent(sg_sim *sim, net_out *out) {
  sg_nodes E, I, ng, pg, sr2;
  OK(sg_create(sim, "gl_exp", 240, &E));
  OK(sg_create(sim, "gl_exp", 60, &I));
  gl_drive(sim, E, 280.0, 400.0);
  gl_drive(sim, I, 350.0, 350.0);
  sg_conn_spec c16 = rule("fixed_indegree", 16), c4 = rule("fixed_indegree", 4);
  sg_syn_spec ee = syn(sg_scalar(0.6), sg_random_uniform(0.1, 3.0), 0);
  sg_syn_spec ei = syn(sg_scalar(0.6), sg_scalar(1.0), 0);
  sg_syn_spec ie = syn(sg_random_normal(-2.5, 0.5), sg_random_uniform(0.5, 1.5), 0);
  sg_syn_spec ii = syn(sg_scalar(-2.5), sg_scalar(0.8), 0);
  OK(sg_connect(sim, E, E, &c16, &ee));
  OK(sg_connect(sim, E, I, &c16, &ei));
  OK(sg_connect(sim, I, E, &c4, &ie));
  OK(sg_connect(sim, I, I, &c4, &ii));
  OK(sg_create(sim, "noise_generator", 1, &ng));
  OK(sg_set(sim, ng, "mean", 30.0));
  OK(sg_set(sim, ng, "std", 80.0));
  OK(sg_set(sim, ng, "dt", 0.3));
  sg_syn_spec sn = syn(sg_scalar(1.0), sg_scalar(0.1), 0);
  OK(sg_connect(sim, ng, E, NULL, &sn));
  OK(sg_create(sim, "poisson_generator", 1, &pg));
  OK(sg_set(sim, pg, "rate", 500.0));
  sg_syn_spec sp = syn(sg_scalar(0.5), sg_scalar(0.2), 0);
  OK(sg_connect(sim, pg, E, NULL, &sp));
  OK(sg_connect(sim, pg, I, NULL, &sp));
  add_rec(sim, out, E);
  sr2 = add_rec(sim, out, I);
  OK(sg_set(sim, sr2, "start", 5.0));
  OK(sg_set(sim, sr2, "stop", 15.0));
  const char *ev[] = {"V_m", "I_stim"}, *iv[] = {"V_m", "refr_tick"};
  add_mm(sim, out, sg_slice(E, 0, 20), 0.1, 0.0, ev, 2);
  add_mm(sim, out, sg_slice(I, 0, 10), 1.0, 0.5, iv, 2);
  out->pops[out->n_pops++] = E;
  out->pops[out->n_pops++] = I;
  double v;
  OK(sg_simulate(sim, 7.3));
  OK(sg_get(sim, E.first + 3, "V_m", &v));                  /* sync, then go on from the device */
  OK(sg_simulate(sim, 4.1));
  OK(sg_set(sim, sg_slice(E, 0, 50), "I_e", 420.0));       /* prepare with the state on the device */
  OK(sg_set(sim, pg, "rate", 900.0));   /* the counts already due (delay 2 steps) keep the old rate */
  OK(sg_simulate(sim, 5.0));
  sg_syn_spec late = syn(sg_scalar(0.3), sg_scalar(6.0), 0);
  OK(sg_connect(sim, sg_slice(E, 0, 10), sg_slice(I, 0, 10), NULL, &late));   /* R 32 -> 64 */
  OK(sg_simulate(sim, 8.6));
}

/* Every generator: spike_generator (multiplicities, weights, one without targets), Poisson at a
 * low and a high rate (inversion and PTRS), step current, noise with modulation and without;
 * parrots (receptor 0 relays, receptor 1 ignored) driving gl_exp; windows on generators and a
 * multimeter; a noise parameter change between runs (noise values carried over via the device). */
static void net_generators(sg_sim *sim, net_out *out) {
  sg_nodes nrn, par, sg1, sg2, pg1, pg2, scg, ng1, ng2;
  OK(sg_create(sim, "gl_exp", 30, &nrn));
  gl_drive(sim, nrn, 250.0, 330.0);
  /* node sets and drawn initial state (host-side draws, SG_STREAM_PARAM): every third neuron
   * starts at a random V_m, and the others' pairs get a set-to-set connection */
  uint64_t third[10], other[10];
  for (uint64_t i = 0; i < 10; ++i) {
    third[i] = nrn.first + 3 * i;
    other[i] = nrn.first + 1 + 3 * (i / 2) + i % 2;
  }
  const sg_value vm = sg_random_uniform(-70.0, -50.0);
  OK(sg_set_value(sim, sg_nodes_list(third, 10), "V_m", &vm));
  sg_syn_spec s_set = syn(sg_scalar(3.0), sg_scalar(0.5), 0);
  sg_conn_spec one = rule("one_to_one", 0);
  OK(sg_connect(sim, sg_nodes_list(third, 10), sg_nodes_list(other, 10), &one, &s_set));
  OK(sg_create(sim, "parrot_neuron", 40, &par));
  OK(sg_create(sim, "spike_generator", 1, &sg1));
  const double t1[] = {0.5, 0.5, 1.0, 2.3, 2.3, 7.7, 15.0}, m1[] = {1, 2, 1, 3, 1, 2, 1}, w1[] = {1, 0.5, 2, 1, 1, -1, 1};
  OK(sg_set_vec(sim, sg1, "spike_times", t1, 7));
  OK(sg_set_vec(sim, sg1, "spike_multiplicities", m1, 7));
  OK(sg_set_vec(sim, sg1, "spike_weights", w1, 7));
  sg_syn_spec s_par = syn(sg_scalar(1.0), sg_scalar(0.4), 0), s_nrn = syn(sg_scalar(2.0), sg_scalar(0.2), 0);
  OK(sg_connect(sim, sg1, sg_slice(par, 0, 20), NULL, &s_par));
  OK(sg_connect(sim, sg1, nrn, NULL, &s_nrn));
  OK(sg_create(sim, "spike_generator", 1, &sg2));            /* no targets: only its position moves */
  const double t2[] = {1.0, 2.0};
  OK(sg_set_vec(sim, sg2, "spike_times", t2, 2));
  OK(sg_create(sim, "poisson_generator", 1, &pg1));
  OK(sg_set(sim, pg1, "rate", 800.0));
  OK(sg_set(sim, pg1, "start", 2.0));
  OK(sg_set(sim, pg1, "stop", 18.0));
  sg_syn_spec s_p1 = syn(sg_scalar(1.0), sg_scalar(0.1), 0), s_p1n = syn(sg_scalar(0.3), sg_scalar(1.0), 0);
  OK(sg_connect(sim, pg1, sg_slice(par, 20, 20), NULL, &s_p1));
  OK(sg_connect(sim, pg1, nrn, NULL, &s_p1n));
  OK(sg_create(sim, "poisson_generator", 1, &pg2));
  OK(sg_set(sim, pg2, "rate", 2e5));                          /* lambda 20: PTRS */
  sg_syn_spec s_p2 = syn(sg_scalar(1.0), sg_scalar(0.3), 0), s_p2i = syn(sg_scalar(1.0), sg_scalar(0.3), 1);
  OK(sg_connect(sim, pg2, sg_slice(par, 0, 5), NULL, &s_p2));
  OK(sg_connect(sim, pg2, sg_slice(par, 5, 5), NULL, &s_p2i));
  OK(sg_create(sim, "step_current_generator", 1, &scg));
  const double at[] = {1.0, 5.5, 9.0}, av[] = {100.0, -50.0, 250.0};
  OK(sg_set_vec(sim, scg, "amplitude_times", at, 3));
  OK(sg_set_vec(sim, scg, "amplitude_values", av, 3));
  sg_syn_spec s_sc = syn(sg_scalar(1.5), sg_scalar(0.1), 0);
  OK(sg_connect(sim, scg, nrn, NULL, &s_sc));
  OK(sg_create(sim, "noise_generator", 1, &ng1));
  OK(sg_set(sim, ng1, "mean", 20.0));
  OK(sg_set(sim, ng1, "std", 50.0));
  OK(sg_set(sim, ng1, "dt", 0.5));
  OK(sg_set(sim, ng1, "std_mod", 30.0));
  OK(sg_set(sim, ng1, "frequency", 37.0));
  OK(sg_set(sim, ng1, "phase", 45.0));
  OK(sg_set(sim, ng1, "start", 1.0));
  sg_syn_spec s_n1 = syn(sg_scalar(1.0), sg_scalar(0.1), 0), s_n2 = syn(sg_scalar(1.0), sg_scalar(0.5), 0);
  OK(sg_connect(sim, ng1, nrn, NULL, &s_n1));
  OK(sg_create(sim, "noise_generator", 1, &ng2));
  OK(sg_set(sim, ng2, "mean", -10.0));
  OK(sg_set(sim, ng2, "std", 40.0));
  OK(sg_connect(sim, ng2, sg_slice(nrn, 0, 10), NULL, &s_n2));
  sg_conn_spec c3 = rule("fixed_outdegree", 3);
  sg_syn_spec s_pn = syn(sg_scalar(0.8), sg_scalar(0.3), 0);
  OK(sg_connect(sim, par, nrn, &c3, &s_pn));
  add_rec(sim, out, par);
  add_rec(sim, out, nrn);
  add_mm(sim, out, nrn, 0.1, 0.0, GL_VARS, 3);
  const char *v1[] = {"V_m"};
  add_mm(sim, out, sg_slice(nrn, 0, 5), 0.5, 0.3, v1, 1);
  OK(sg_set(sim, (sg_nodes){out->mm[1].id, 1, NULL}, "start", 3.0));
  OK(sg_set(sim, (sg_nodes){out->mm[1].id, 1, NULL}, "stop", 12.0));
  out->pops[out->n_pops++] = nrn;
  out->pops[out->n_pops++] = par;
  double v;
  OK(sg_simulate(sim, 3.3));
  OK(sg_get(sim, nrn.first, "V_m", &v));
  OK(sg_simulate(sim, 6.6));
  OK(sg_set(sim, ng1, "std", 70.0));
  OK(sg_simulate(sim, 10.1));
}

/* glif_cond (GLIF5: all three mechanisms) with two receptors, recurrence, a step current and every
 * recordable: the multimeter goes through the model's recordable_value on the host. */
static void net_glif(sg_sim *sim, net_out *out) {
  sg_nodes g, pg1, pg2, scg;
  OK(sg_create(sim, "glif_cond", 50, &g));
  OK(sg_set(sim, g, "spike_dependent_threshold", 1.0));
  OK(sg_set(sim, g, "after_spike_currents", 1.0));
  OK(sg_set(sim, g, "adapting_threshold", 1.0));
  OK(sg_create(sim, "poisson_generator", 1, &pg1));
  OK(sg_set(sim, pg1, "rate", 3000.0));
  OK(sg_create(sim, "poisson_generator", 1, &pg2));
  OK(sg_set(sim, pg2, "rate", 1500.0));
  sg_syn_spec s1 = syn(sg_scalar(4.0), sg_scalar(0.5), 1), s2 = syn(sg_scalar(2.0), sg_scalar(1.0), 2);
  OK(sg_connect(sim, pg1, g, NULL, &s1));
  OK(sg_connect(sim, pg2, g, NULL, &s2));
  sg_conn_spec c5 = rule("fixed_indegree", 5);
  sg_syn_spec sr = syn(sg_scalar(1.0), sg_random_uniform(0.2, 2.0), 2);
  OK(sg_connect(sim, g, g, &c5, &sr));
  OK(sg_create(sim, "step_current_generator", 1, &scg));
  const double at[] = {2.0, 6.0}, av[] = {150.0, 50.0};
  OK(sg_set_vec(sim, scg, "amplitude_times", at, 2));
  OK(sg_set_vec(sim, scg, "amplitude_values", av, 2));
  sg_syn_spec sc = syn(sg_scalar(1.0), sg_scalar(0.1), 0);
  OK(sg_connect(sim, scg, g, NULL, &sc));
  add_rec(sim, out, g);
  const char *vars[] = {"ASCurrents_sum", "I", "V_m", "g_1", "g_2", "threshold", "threshold_spike", "threshold_voltage"};
  add_mm(sim, out, sg_slice(g, 0, 10), 0.2, 0.0, vars, 8);
  out->pops[out->n_pops++] = g;
  double v;
  OK(sg_simulate(sim, 6.1));
  OK(sg_get(sim, g.first + 1, "V_m", &v));
  OK(sg_simulate(sim, 8.9));
}

/* Long rows (3 parrots x 2500 targets, ~20 delays each) next to short ones (37 parrots x 4, one
 * delay) and a sparse recurrent layer; no delay shorter than 2 steps, so the device runs windows
 * of 2 steps (and every delay other than the shortest arrives from either step of a window). */
static void net_rows(sg_sim *sim, net_out *out) {
  sg_nodes pg, src, tgt;
  OK(sg_create(sim, "poisson_generator", 1, &pg));
  OK(sg_set(sim, pg, "rate", 3000.0));
  OK(sg_create(sim, "parrot_neuron", 40, &src));
  OK(sg_create(sim, "gl_exp", 2500, &tgt));
  gl_drive(sim, tgt, 280.0, 320.0);
  sg_syn_spec sp = syn(sg_scalar(1.0), sg_scalar(0.1), 0);
  OK(sg_connect(sim, pg, src, NULL, &sp));
  sg_syn_spec lng = syn(sg_scalar(0.05), sg_random_uniform(0.2, 2.0), 0);   /* shortest 2 steps: windows of 2 */
  OK(sg_connect(sim, sg_slice(src, 0, 3), tgt, NULL, &lng));
  sg_conn_spec c4 = rule("fixed_outdegree", 4), c2 = rule("fixed_indegree", 2);
  sg_syn_spec sh = syn(sg_scalar(0.4), sg_scalar(0.7), 0), rc = syn(sg_scalar(0.2), sg_scalar(1.1), 0);
  OK(sg_connect(sim, sg_slice(src, 3, 37), tgt, &c4, &sh));
  OK(sg_connect(sim, tgt, tgt, &c2, &rc));
  add_rec(sim, out, src);
  add_rec(sim, out, tgt);
  const char *v1[] = {"V_m"};
  add_mm(sim, out, sg_slice(tgt, 0, 25), 0.5, 0.0, v1, 1);   /* every 5 steps: windows end there */
  out->pops[out->n_pops++] = tgt;
  OK(sg_simulate(sim, 6.0));
  OK(sg_simulate(sim, 6.0));
}

/* Procedural projections of every rule (docs/procedural.md) next to stored ones: iaf_psc_exp E/I
 * (weights of both signs: both ports), drawn weights and delays, and between runs a new procedural
 * projection with a longer delay (the ring grows with events pending). */
static void net_procedural(sg_sim *sim, net_out *out) {
  sg_nodes E, I, pg;
  OK(sg_create(sim, "iaf_psc_exp", 400, &E));
  OK(sg_create(sim, "iaf_psc_exp", 100, &I));
  OK(sg_create(sim, "poisson_generator", 1, &pg));
  OK(sg_set(sim, pg, "rate", 9000.0));
  sg_syn_spec sp = syn(sg_scalar(70.0), sg_scalar(0.1), 0);
  OK(sg_connect(sim, pg, E, NULL, &sp));
  OK(sg_connect(sim, pg, I, NULL, &sp));
  sg_conn_spec bern = rule("pairwise_bernoulli", 0), out10 = rule("fixed_outdegree", 10), tot = rule("fixed_total_number", 0);
  sg_conn_spec all = rule("all_to_all", 0), one = rule("one_to_one", 0), in4 = rule("fixed_indegree", 4);
  bern.p = 0.1; tot.N = 3000;
  bern.procedural = out10.procedural = tot.procedural = all.procedural = one.procedural = 1;
  bern.allow_autapses = 0;
  sg_syn_spec ee = syn(sg_random_normal(15.0, 25.0), sg_random_uniform(0.5, 3.0), 0);
  sg_syn_spec ei = syn(sg_scalar(30.0), sg_scalar(1.0), 0);
  sg_syn_spec ie = syn(sg_random_uniform(-80.0, -20.0), sg_random_normal_clipped(1.5, 0.5, 0.5, 3.0), 0);
  sg_syn_spec ii = syn(sg_scalar(-10.0), sg_scalar(0.8), 0);
  sg_syn_spec oo = syn(sg_random_lognormal(2.5, 0.3), sg_scalar(0.6), 0);
  sg_syn_spec st = syn(sg_scalar(12.0), sg_random_uniform(0.2, 1.2), 0);
  OK(sg_connect(sim, E, E, &bern, &ee));
  OK(sg_connect(sim, E, I, &out10, &ei));
  OK(sg_connect(sim, I, E, &tot, &ie));
  OK(sg_connect(sim, I, I, &all, &ii));
  OK(sg_connect(sim, sg_slice(E, 0, 100), I, &one, &oo));
  OK(sg_connect(sim, E, E, &in4, &st));   /* stored, next to them */
  add_rec(sim, out, E);
  add_rec(sim, out, I);
  const char *v1[] = {"V_m"};
  add_mm(sim, out, sg_slice(E, 0, 20), 0.1, 0.0, v1, 1);
  out->pops[out->n_pops++] = E;
  out->pops[out->n_pops++] = I;
  OK(sg_simulate(sim, 12.0));
  sg_syn_spec late = syn(sg_random_normal(5.0, 20.0), sg_random_uniform(3.0, 7.5), 0);
  OK(sg_connect(sim, I, E, &bern, &late));
  OK(sg_simulate(sim, 13.0));
}

/* ---- running a network on one backend and collecting everything ------------------------------ */
typedef struct series {
  char label[96];
  size_t n;
  double *t, *v;      /* v: samples only */
  uint64_t *s;
} series;
typedef struct stval {
  uint64_t gid;
  const char *name;
  uint32_t comp;
  double v;
} stval;
typedef struct result {
  series sp[8], mm[64];
  size_t n_sp, n_mm;
  stval *st;
  size_t n_st;
  sg_run_stats stats;
  uint64_t steps;
} result;

static void result_free(result *r) {
  for (size_t i = 0; i < r->n_sp; ++i) { free(r->sp[i].t); free(r->sp[i].s); }
  for (size_t i = 0; i < r->n_mm; ++i) { free(r->mm[i].t); free(r->mm[i].s); free(r->mm[i].v); }
  free(r->st);
  memset(r, 0, sizeof *r);
}

static void collect(sg_sim *sim, const net_out *out, result *r) {
  for (size_t k = 0; k < out->n_rec; ++k) {
    series *q = &r->sp[r->n_sp++];
    snprintf(q->label, sizeof q->label, "spike_recorder %llu", (unsigned long long)out->rec[k]);
    OK(sg_spikes(sim, out->rec[k], NULL, NULL, 0, &q->n));
    q->t = malloc((q->n ? q->n : 1) * sizeof *q->t);
    q->s = malloc((q->n ? q->n : 1) * sizeof *q->s);
    CU_ASSERT_FATAL(q->t && q->s);
    size_t got = 0;
    OK(sg_spikes(sim, out->rec[k], q->t, q->s, q->n, &got));
  }
  for (size_t k = 0; k < out->n_mm; ++k)
    for (size_t v = 0; v < out->mm[k].n_vars; ++v) {
      series *q = &r->mm[r->n_mm++];
      snprintf(q->label, sizeof q->label, "multimeter %llu %s", (unsigned long long)out->mm[k].id, out->mm[k].vars[v]);
      OK(sg_samples(sim, out->mm[k].id, out->mm[k].vars[v], NULL, NULL, NULL, 0, &q->n));
      q->t = malloc((q->n ? q->n : 1) * sizeof *q->t);
      q->s = malloc((q->n ? q->n : 1) * sizeof *q->s);
      q->v = malloc((q->n ? q->n : 1) * sizeof *q->v);
      CU_ASSERT_FATAL(q->t && q->s && q->v);
      size_t got = 0;
      OK(sg_samples(sim, out->mm[k].id, out->mm[k].vars[v], q->t, q->s, q->v, q->n, &got));
    }
  size_t cap = 1024;
  r->st = malloc(cap * sizeof *r->st);
  CU_ASSERT_FATAL(r->st != NULL);
  for (size_t p = 0; p < out->n_pops; ++p) {
    const char *model = NULL;
    OK(sg_node_model(sim, out->pops[p].first, &model, NULL));
    const sg_entry_info *e = NULL;
    size_t ne = 0;
    CU_ASSERT_FATAL(sg_model_info(model, &e, &ne) == SG_OK);
    for (uint64_t i = 0; i < out->pops[p].n; ++i)
      for (size_t k = 0; k < ne; ++k) {
        if (e[k].kind != SG_ENTRY_STATE) continue;
        double buf[32];
        size_t len = 0;
        OK(sg_get_vec(sim, out->pops[p].first + i, e[k].name, buf, 32, &len));
        for (size_t c = 0; c < len && c < 32; ++c) {
          if (r->n_st == cap) {
            cap *= 2;
            stval *nw = realloc(r->st, cap * sizeof *nw);
            CU_ASSERT_FATAL(nw != NULL);
            r->st = nw;
          }
          stval *sv = &r->st[r->n_st++];
          sv->gid = out->pops[p].first + i;
          sv->name = e[k].name;
          sv->comp = (uint32_t)c;
          sv->v = buf[c];
        }
      }
  }
  OK(sg_run_stats_get(sim, &r->stats));
  r->steps = sg_steps(sim);
}

typedef struct variant {
  const char *name;
  sg_backend backend;
  int threads, block, graphs;
  int tiny_buffers;   /* 1: recording buffers of one step (one-step batches); 2: a spike-recorder
                         buffer of 3 steps' worst case, so the device halts batches planned from
                         the spike rate (sg_cu_advance) */
  int unpacked;   /* delays from the CSR's segments, not packed with the inputs (SG_CUDA_TEST_PACK_BITS),
                     and delivery in one block (SG_CUDA_TEST_DELIVER_GRID): each warp makes many trips */
  const char *win;   /* SG_CUDA_TEST_WIN: windows of at most this many steps (NULL: as long as the
                        delays allow, up to 32 steps) */
} variant;

static const variant REFERENCE = {"cpu, 1 thread", SG_BACKEND_CPU, 1, 0, 1, 0, 0, NULL};
static const variant VARIANTS[] = {
  {"cpu, 2 threads", SG_BACKEND_CPU, 2, 0, 1, 0, 0, NULL},
  {"cuda, block 32", SG_BACKEND_CUDA, 1, 32, 1, 0, 0, NULL},
  {"cuda, block 128", SG_BACKEND_CUDA, 1, 128, 1, 0, 0, NULL},
  {"cuda, block 256", SG_BACKEND_CUDA, 1, 256, 1, 0, 0, NULL},
  {"cuda, block 1024", SG_BACKEND_CUDA, 1, 1024, 1, 0, 0, NULL},
  {"cuda, block 256, kernels launched one by one (no graphs)", SG_BACKEND_CUDA, 1, 256, 0, 0, 0, NULL},
  {"cuda, block 128, one-step recording batches, delays from the segments, one delivery block", SG_BACKEND_CUDA, 1,
   128, 1, 1, 1, NULL},
  {"cuda, block 64, batches halted by the device when the spike buffer is nearly full", SG_BACKEND_CUDA, 1, 64, 1, 2, 0,
   NULL},
  {"cuda, block 96, one step per launch sequence (no windows)", SG_BACKEND_CUDA, 1, 96, 1, 0, 0, "1"},
  {"cuda, block 160, windows of at most 3 steps, batches halted by the device", SG_BACKEND_CUDA, 1, 160, 1, 2, 0, "3"},
};

static void run_variant(const variant *v, net_fn fn, result *r) {
  sg_config cfg;
  sg_config_default(&cfg);
  cfg.resolution_ms = H;
  cfg.seed = SEED;
  cfg.verbose = 0;
  cfg.flush_interval_ms = 1.7;      /* 17-step chunks: many batch boundaries, graph replay remainders */
  cfg.backend = v->backend;
  cfg.threads = v->threads;
  cfg.cuda_block_size = v->block;
  if (v->backend == SG_BACKEND_CUDA && selftest() && !device_present()) {
    cfg.backend = SG_BACKEND_CPU;     /* harness self-test: a cpu stands in for the device */
    cfg.threads = 2 + (v->block / 32) % 2;
  }
  if (!v->graphs) setenv("SG_CUDA_GRAPHS", "0", 1);
  if (v->tiny_buffers == 1) {
    setenv("SG_CUDA_TEST_REC_CAP", "1", 1);
    setenv("SG_CUDA_TEST_MM_CAP", "1", 1);
  }
  if (v->tiny_buffers == 2) setenv("SG_CUDA_TEST_REC_CAP", "x3", 1);
  if (v->win) setenv("SG_CUDA_TEST_WIN", v->win, 1);
  if (v->unpacked) {
    setenv("SG_CUDA_TEST_PACK_BITS", "1", 1);   /* 2 inputs or more never fit 1 bit */
    setenv("SG_CUDA_TEST_DELIVER_GRID", "1", 1);
  }
  sg_sim *sim = NULL;
  char err[512];
  const sg_status st = sg_sim_new(&cfg, &sim, err, sizeof err);
  if (st) fprintf(stderr, "\n  sg_sim_new (%s): %s\n", v->name, err);
  CU_ASSERT_FATAL(st == SG_OK);
  const char *want = cfg.backend == SG_BACKEND_CUDA ? "cuda" : "cpu";
  if (strcmp(sg_backend_used(sim), want) != 0) fprintf(stderr, "\n  %s: backend %s (%s)\n", v->name, sg_backend_used(sim), sg_backend_reason(sim));
  CU_ASSERT_FATAL(strcmp(sg_backend_used(sim), want) == 0);
  net_out out;
  memset(&out, 0, sizeof out);
  fn(sim, &out);
  collect(sim, &out, r);
  sg_sim_free(sim);
  unsetenv("SG_CUDA_GRAPHS");
  unsetenv("SG_CUDA_TEST_REC_CAP");
  unsetenv("SG_CUDA_TEST_MM_CAP");
  unsetenv("SG_CUDA_TEST_PACK_BITS");
  unsetenv("SG_CUDA_TEST_DELIVER_GRID");
  unsetenv("SG_CUDA_TEST_WIN");
}

/* ---- comparison ------------------------------------------------------------------------------- */
/* Same bits, or both NaN. */
static int same_double(double a, double b) {
  if (memcmp(&a, &b, sizeof a) == 0) return 1;
  return a != a && b != b;
}
static uint64_t bits(double x) {
  uint64_t u;
  memcpy(&u, &x, sizeof u);
  return u;
}

static size_t compare_series(const char *net, const char *vname, const series *a, const series *b, int samples) {
  size_t bad = 0, printed = 0;
  if (a->n != b->n) {
    fprintf(stderr, "\n  [%s | %s] %s: %zu %s in the reference, %zu here", net, vname, a->label, a->n,
            samples ? "samples" : "spikes", b->n);
    ++bad;
  }
  const size_t n = a->n < b->n ? a->n : b->n;
  if (n && memcmp(a->t, b->t, n * sizeof *a->t) == 0 && memcmp(a->s, b->s, n * sizeof *a->s) == 0 &&
      (!samples || memcmp(a->v, b->v, n * sizeof *a->v) == 0))
    return bad;
  for (size_t q = 0; q < n; ++q) {
    const int ok = same_double(a->t[q], b->t[q]) && a->s[q] == b->s[q] && (!samples || same_double(a->v[q], b->v[q]));
    if (ok) continue;
    ++bad;
    if (printed++ < MAX_PRINT) {
      if (samples)
        fprintf(stderr, "\n  [%s | %s] %s #%zu: reference step %ld node %llu value %.17g (0x%016llx), here step %ld node %llu value %.17g (0x%016llx)",
                net, vname, a->label, q, lround(a->t[q] / H), (unsigned long long)a->s[q], a->v[q], (unsigned long long)bits(a->v[q]),
                lround(b->t[q] / H), (unsigned long long)b->s[q], b->v[q], (unsigned long long)bits(b->v[q]));
      else
        fprintf(stderr, "\n  [%s | %s] %s #%zu: reference (step %ld, sender %llu), here (step %ld, sender %llu)", net, vname,
                a->label, q, lround(a->t[q] / H), (unsigned long long)a->s[q], lround(b->t[q] / H), (unsigned long long)b->s[q]);
    }
  }
  return bad;
}

static size_t compare_results(const char *net, const char *vname, const result *a, const result *b) {
  size_t bad = 0;
  if (a->steps != b->steps || a->n_sp != b->n_sp || a->n_mm != b->n_mm || a->n_st != b->n_st) {
    fprintf(stderr, "\n  [%s | %s] shape differs: steps %llu/%llu, recorders %zu/%zu, sample series %zu/%zu, state values %zu/%zu",
            net, vname, (unsigned long long)a->steps, (unsigned long long)b->steps, a->n_sp, b->n_sp, a->n_mm, b->n_mm,
            a->n_st, b->n_st);
    return 1;
  }
  for (size_t k = 0; k < a->n_sp; ++k) bad += compare_series(net, vname, &a->sp[k], &b->sp[k], 0);
  for (size_t k = 0; k < a->n_mm; ++k) bad += compare_series(net, vname, &a->mm[k], &b->mm[k], 1);
  size_t printed = 0;
  for (size_t q = 0; q < a->n_st; ++q) {
    const stval *x = &a->st[q], *y = &b->st[q];
    if (x->gid == y->gid && x->comp == y->comp && same_double(x->v, y->v)) continue;
    ++bad;
    if (printed++ < MAX_PRINT)
      fprintf(stderr, "\n  [%s | %s] final state node %llu %s[%u]: reference %.17g (0x%016llx), here %.17g (0x%016llx)", net, vname,
              (unsigned long long)x->gid, x->name, x->comp, x->v, (unsigned long long)bits(x->v), y->v, (unsigned long long)bits(y->v));
  }
  if (a->stats.neuron_updates != b->stats.neuron_updates || a->stats.spikes != b->stats.spikes ||
      a->stats.syn_events != b->stats.syn_events) {
    fprintf(stderr, "\n  [%s | %s] run statistics differ: updates %llu/%llu, spikes %llu/%llu, synaptic events %llu/%llu", net,
            vname, (unsigned long long)a->stats.neuron_updates, (unsigned long long)b->stats.neuron_updates,
            (unsigned long long)a->stats.spikes, (unsigned long long)b->stats.spikes,
            (unsigned long long)a->stats.syn_events, (unsigned long long)b->stats.syn_events);
    ++bad;
  }
  return bad;
}

/* SG_TEST_QUICK=1 (compute-sanitizer runs): two device variants instead of the whole list. */
static const variant QUICK_VARIANTS[] = {
  {"cuda, block 32, batches halted by the device when the spike buffer is nearly full (windows)", SG_BACKEND_CUDA, 1,
   32, 1, 2, 0, NULL},
  {"cuda, block 256, kernels launched one by one, one-step recording batches (so one-step windows), delays from the "
   "segments, one delivery block",
   SG_BACKEND_CUDA, 1, 256, 0, 1, 1, NULL},
};

/* SG_EQUIV_SANITIZER=1 (the GPU check's compute-sanitizer steps): one cuda variant, kernels launched
 * one by one, so that the tool sees every launch and the run stays short under its slow-down. */
static const variant SANITIZER_VARIANTS[] = {
  {"cuda, block 256, kernels launched one by one (no graphs)", SG_BACKEND_CUDA, 1, 256, 0, 0, 0, NULL},
};
static int sanitizer_run(void) {
  const char *s = getenv("SG_EQUIV_SANITIZER");
  return s && *s && strcmp(s, "0") != 0;
}

static void run_matrix(const char *net, net_fn fn) {
  result ref;
  memset(&ref, 0, sizeof ref);
  run_variant(&REFERENCE, fn, &ref);
  size_t total = 0;
  for (size_t s = 0; s < ref.n_sp; ++s) total += ref.sp[s].n;
  CU_ASSERT(total > 0);   /* a network that never spikes would prove little */
  const int quick = sg_test_quick(), sanitize = sanitizer_run();
  const variant *list = sanitize ? SANITIZER_VARIANTS : quick ? QUICK_VARIANTS : VARIANTS;
  const size_t n_list = sanitize ? 1 : quick ? sizeof QUICK_VARIANTS / sizeof QUICK_VARIANTS[0] : sizeof VARIANTS / sizeof VARIANTS[0];
  for (size_t k = 0; k < n_list; ++k) {
    result r;
    memset(&r, 0, sizeof r);
    run_variant(&list[k], fn, &r);
    const size_t bad = compare_results(net, list[k].name, &ref, &r);
    if (bad) fprintf(stderr, "\n  [%s | %s] %zu mismatches\n", net, list[k].name, bad);
    CU_ASSERT_EQUAL(bad, 0);
    result_free(&r);
  }
  result_free(&ref);
}

/* ---- every neuron model of the library, with a generated network ------------------------------ */
/* A new model is covered without editing this suite: for each model whose kind is "neuron"
 * (sg_model_count / sg_model_kind), 60 nodes with default parameters get Poisson drive of both
 * signs on every receptor that accepts it and a step current where the model takes currents, and
 * feed a second population (weights of both signs, random delays); spike recorders, a multimeter on
 * every state or recordable the model lets a multimeter record (probed in a scratch simulation). */
static const char *generic_model;

static int recordable_by_multimeter(const char *model, const char *var) {
  sg_config cfg;
  sg_config_default(&cfg);
  cfg.verbose = 0;
  cfg.backend = SG_BACKEND_CPU;
  sg_sim *sim = NULL;
  char err[256];
  if (sg_sim_new(&cfg, &sim, err, sizeof err)) return 0;
  sg_nodes n, mm;
  int ok = sg_create(sim, model, 1, &n) == SG_OK && sg_create(sim, "multimeter", 1, &mm) == SG_OK &&
           sg_set_strs(sim, mm, "record_from", &var, 1) == SG_OK && sg_connect(sim, mm, n, NULL, NULL) == SG_OK;
  sg_sim_free(sim);
  return ok;
}

static void net_generic(sg_sim *sim, net_out *out) {
  sg_nodes n, pg, scg;
  OK(sg_create(sim, generic_model, 60, &n));
  int first_receptor = -1;
  for (int r = 0; r < 4; ++r)
    for (int sign = 1; sign >= -1; sign -= 2) {
      OK(sg_create(sim, "poisson_generator", 1, &pg));
      OK(sg_set(sim, pg, "rate", 2500.0 + 500.0 * r));
      sg_syn_spec s = syn(sg_scalar(sign * (2.0 + r)), sg_scalar(0.1 * (1 + r)), r);
      if (sg_connect(sim, pg, n, NULL, &s) == SG_OK && first_receptor < 0) first_receptor = r;
    }
  CU_ASSERT_FATAL(first_receptor >= 0);   /* a neuron model takes spikes on some receptor */
  OK(sg_create(sim, "step_current_generator", 1, &scg));
  /* the last phase makes the LIF models (iaf_psc_*: 15 mV below threshold, 375 pA to reach it at
   * their defaults) spike within the run: a network that never spikes would prove little */
  const double at[] = {1.0, 4.0, 6.0}, av[] = {300.0, 80.0, 1200.0};
  OK(sg_set_vec(sim, scg, "amplitude_times", at, 3));
  OK(sg_set_vec(sim, scg, "amplitude_values", av, 3));
  sg_syn_spec sc = syn(sg_scalar(1.0), sg_scalar(0.1), 0);
  (void)sg_connect(sim, scg, n, NULL, &sc);   /* refused by models without a current input */
  /* a second population fed by the first (feed-forward: recurrent parrots would double their
   * multiplicities every delay, which sg_simulate refuses) */
  sg_nodes n2;
  OK(sg_create(sim, generic_model, 40, &n2));
  sg_conn_spec c4 = rule("fixed_indegree", 4);
  sg_syn_spec ff = syn(sg_random_uniform(-1.5, 3.0), sg_random_uniform(0.1, 1.5), first_receptor);
  if (sg_connect(sim, n, n2, &c4, &ff) != SG_OK) {   /* e.g. conductances refuse negative weights */
    ff.weight = sg_random_uniform(0.5, 3.0);
    OK(sg_connect(sim, n, n2, &c4, &ff));
  }
  add_rec(sim, out, n);
  add_rec(sim, out, n2);
  const sg_entry_info *e = NULL;
  size_t ne = 0;
  OK(sg_model_info(generic_model, &e, &ne));
  const char *vars[16];
  size_t nv = 0;
  for (size_t i = 0; i < ne && nv < 16; ++i)
    if ((e[i].kind == SG_ENTRY_STATE || e[i].kind == SG_ENTRY_RECORDABLE) && recordable_by_multimeter(generic_model, e[i].name))
      vars[nv++] = e[i].name;
  if (nv) add_mm(sim, out, sg_slice(n, 0, 12), 0.3, 0.0, vars, nv);
  static const char *said;
  if (said != generic_model) fprintf(stderr, "\n  %s: receptors from %d, %zu recorded variables", generic_model, first_receptor, nv);
  said = generic_model;
  out->pops[out->n_pops++] = n;
  out->pops[out->n_pops++] = n2;
  OK(sg_simulate(sim, 5.3));
  OK(sg_simulate(sim, 6.7));
}

static void test_cuda_equiv_every_model(void) {
  size_t covered = 0;
  for (size_t i = 0; i < sg_model_count(); ++i) {
    if (strcmp(sg_model_kind(sg_model_name(i)), "neuron") != 0) continue;
    generic_model = sg_model_name(i);
    char label[96];
    snprintf(label, sizeof label, "generated network of %s", generic_model);
    run_matrix(label, net_generic);
    ++covered;
  }
  CU_ASSERT(covered >= 3);
}

static void test_cuda_equiv_gl_plain(void) { run_matrix("gl_exp without recurrence", net_gl_plain); }
static void test_cuda_equiv_gl_recurrent(void) { run_matrix("gl_exp recurrent", net_gl_recurrent); }
static void test_cuda_equiv_generators(void) { run_matrix("generators and parrots", net_generators); }
static void test_cuda_equiv_glif(void) { run_matrix("glif_cond", net_glif); }
static void test_cuda_equiv_rows(void) { run_matrix("long and short rows", net_rows); }
static void test_cuda_equiv_procedural(void) { run_matrix("procedural projections", net_procedural); }

/* ---- a spike list over capacity --------------------------------------------------------------- */
/* The device's spike list holds one entry per neuron and step of a window; a smaller one
 * (SG_CUDA_TEST_SPK_CAP, which also turns windows off) must never lose, invent or read past spikes: the run
 * stops with SG_ERR_OVERFLOW naming the spike list, keeps exactly the reference's spikes up to
 * the last complete batch, and refuses to go on. */
static void spk_net(sg_sim *sim, sg_nodes *sr) {
  sg_nodes n;
  OK(sg_create(sim, "gl_exp", 300, &n));
  gl_drive(sim, n, 200.0, 900.0);
  OK(sg_create(sim, "spike_recorder", 1, sr));
  OK(sg_connect(sim, n, *sr, NULL, NULL));
}
static sg_sim *spk_sim(sg_backend backend) {
  sg_config cfg;
  sg_config_default(&cfg);
  cfg.resolution_ms = H;
  cfg.seed = SEED;
  cfg.verbose = 0;
  cfg.flush_interval_ms = 1.0;
  cfg.backend = backend;
  sg_sim *sim = NULL;
  char err[512];
  if (sg_sim_new(&cfg, &sim, err, sizeof err) != SG_OK) fprintf(stderr, "\n  sg_sim_new: %s\n", err);
  return sim;
}
static void test_cuda_equiv_spike_list_overflow(void) {
  if (!device_present()) {
    fprintf(stderr, "\n  (no device: %s not run)", __func__);
    return;
  }
  sg_sim *sim = spk_sim(SG_BACKEND_CPU);
  CU_ASSERT_FATAL(sim != NULL);
  sg_nodes sr;
  spk_net(sim, &sr);
  OK(sg_simulate(sim, 30.0));
  size_t n_ref = 0, got = 0;
  OK(sg_spikes(sim, sr.first, NULL, NULL, 0, &n_ref));
  double *t_ref = malloc((n_ref + 1) * sizeof *t_ref), *t = malloc((n_ref + 1) * sizeof *t);
  uint64_t *s_ref = malloc((n_ref + 1) * sizeof *s_ref), *s = malloc((n_ref + 1) * sizeof *s);
  CU_ASSERT_FATAL(t_ref && t && s_ref && s);
  OK(sg_spikes(sim, sr.first, t_ref, s_ref, n_ref, &got));
  sg_sim_free(sim);
  /* the reference must have steps with more than 4 spikes, and the first such step not at once */
  size_t busiest = 0, first_over = n_ref;
  for (size_t i = 0, j; i < n_ref; i = j) {
    for (j = i; j < n_ref && t_ref[j] == t_ref[i]; ++j) {}
    if (j - i > busiest) busiest = j - i;
    if (j - i > 4 && first_over == n_ref) first_over = i;
  }
  CU_ASSERT_FATAL(busiest > 4);

  setenv("SG_CUDA_TEST_SPK_CAP", "4", 1);
  sim = spk_sim(SG_BACKEND_CUDA);
  CU_ASSERT_FATAL(sim != NULL);
  spk_net(sim, &sr);
  const sg_status st = sg_simulate(sim, 30.0);
  unsetenv("SG_CUDA_TEST_SPK_CAP");
  if (st != SG_ERR_OVERFLOW || !strstr(sg_errmsg(sim), "spike list overflow"))
    fprintf(stderr, "\n  expected SG_ERR_OVERFLOW naming the spike list, got %s: %s\n", sg_status_str(st), sg_errmsg(sim));
  CU_ASSERT_EQUAL(st, SG_ERR_OVERFLOW);
  CU_ASSERT_PTR_NOT_NULL(strstr(sg_errmsg(sim), "spike list overflow"));
  CU_ASSERT_PTR_NOT_NULL(strstr(sg_errmsg(sim), "4 entries"));
  /* what was kept: exactly the reference's spikes up to the stop, and the stop is at or before
   * the first step that overflowed */
  const double t_stop = sg_time(sim);
  CU_ASSERT(first_over == n_ref || t_stop < t_ref[first_over]);
  size_t n_kept = 0;
  OK(sg_spikes(sim, sr.first, NULL, NULL, 0, &n_kept));
  size_t n_want = 0;
  while (n_want < n_ref && t_ref[n_want] <= t_stop) ++n_want;
  CU_ASSERT_EQUAL(n_kept, n_want);
  if (n_kept == n_want && n_kept > 0) {
    OK(sg_spikes(sim, sr.first, t, s, n_kept, &got));
    CU_ASSERT(memcmp(t, t_ref, n_kept * sizeof *t) == 0);
    CU_ASSERT(memcmp(s, s_ref, n_kept * sizeof *s) == 0);
  }
  CU_ASSERT_EQUAL(sg_simulate(sim, 1.0), SG_ERR_STATE);   /* stopped for good */
  sg_sim_free(sim);
  free(t_ref); free(t); free(s_ref); free(s);
}

/* ---- windows of steps that fill the spike-recorder buffer ------------------------------------- */
/* Parrots that spike in almost every step (Poisson drive, lambda 5 per step: 99.3 %), all recorded,
 * feeding gl_exp neurons with 0.5 ms delays: windows of 3 steps (SG_CUDA_TEST_WIN) into a buffer
 * of five steps' worst case (SG_CUDA_TEST_REC_CAP=x5). A batch must halt while one more window of
 * every recorded sender still fits (after the first window here: 2.98 of 5 steps' room used);
 * halting for one step's room would let the second window overflow (5.96 > 5). Every spike
 * equals the cpu backend's, and the run ends without error. */
static void hot_net(sg_sim *sim, sg_nodes *sr) {
  sg_nodes pg, par, n;
  OK(sg_create(sim, "poisson_generator", 1, &pg));
  OK(sg_set(sim, pg, "rate", 5e4));
  OK(sg_create(sim, "parrot_neuron", 60, &par));
  sg_syn_spec sp = syn(sg_scalar(1.0), sg_scalar(0.1), 0);
  OK(sg_connect(sim, pg, par, NULL, &sp));
  OK(sg_create(sim, "gl_exp", 40, &n));
  gl_drive(sim, n, 200.0, 300.0);
  sg_conn_spec c5 = rule("fixed_indegree", 5);
  sg_syn_spec pn = syn(sg_scalar(0.5), sg_scalar(0.5), 0);
  OK(sg_connect(sim, par, n, &c5, &pn));
  OK(sg_create(sim, "spike_recorder", 1, sr));
  OK(sg_connect(sim, par, *sr, NULL, NULL));   /* the parrots only: ~2.98 x 60 entries a window */
}
static void test_cuda_equiv_window_halt(void) {
  if (!device_present()) {
    fprintf(stderr, "\n  (no device: %s not run)", __func__);
    return;
  }
  sg_nodes sr;
  size_t n[2] = {0, 0}, got = 0;
  double *t[2] = {NULL, NULL};
  uint64_t *snd[2] = {NULL, NULL};
  for (int b = 0; b < 2; ++b) {
    if (b) {
      setenv("SG_CUDA_TEST_REC_CAP", "x5", 1);
      setenv("SG_CUDA_TEST_WIN", "3", 1);
    }
    sg_sim *sim = spk_sim(b ? SG_BACKEND_CUDA : SG_BACKEND_CPU);
    CU_ASSERT_FATAL(sim != NULL);
    hot_net(sim, &sr);
    const sg_status st = sg_simulate(sim, 12.0);
    unsetenv("SG_CUDA_TEST_REC_CAP");
    unsetenv("SG_CUDA_TEST_WIN");
    if (st != SG_OK) fprintf(stderr, "\n  %s backend: %s\n", b ? "cuda" : "cpu", sg_errmsg(sim));
    CU_ASSERT_EQUAL_FATAL(st, SG_OK);
    OK(sg_spikes(sim, sr.first, NULL, NULL, 0, &n[b]));
    t[b] = malloc((n[b] + 1) * sizeof *t[b]);
    snd[b] = malloc((n[b] + 1) * sizeof *snd[b]);
    CU_ASSERT_FATAL(t[b] && snd[b]);
    OK(sg_spikes(sim, sr.first, t[b], snd[b], n[b], &got));
    sg_sim_free(sim);
  }
  CU_ASSERT(n[0] > 60u * 100u);   /* the parrots spike in most of the 120 steps */
  CU_ASSERT_EQUAL(n[0], n[1]);
  if (n[0] == n[1]) {
    CU_ASSERT(memcmp(t[0], t[1], n[0] * sizeof *t[0]) == 0);
    CU_ASSERT(memcmp(snd[0], snd[1], n[0] * sizeof *snd[0]) == 0);
  }
  for (int b = 0; b < 2; ++b) { free(t[b]); free(snd[b]); }
}

/* A glif_cond state that becomes non-finite stops the cuda run with the cpu's error
 * (tests/test_nonfinite.c, which runs the cpu cases). */
void sg_test_nonfinite_case(sg_backend backend, int threads);
static void test_cuda_equiv_nonfinite(void) {
  if (!device_present()) {
    fprintf(stderr, "\n  (no device: %s not run)", __func__);
    return;
  }
  sg_test_nonfinite_case(SG_BACKEND_CUDA, 0);
}

/* ---- the device's view of the shared code ------------------------------------------------------- */
#ifdef SG_HAVE_CUDA
#define DEVICE_OR_SKIP()                                                                     \
  do {                                                                                       \
    if (!device_present()) {                                                                 \
      fprintf(stderr, "\n  (no device: %s not run)", __func__);                              \
      return;                                                                                \
    }                                                                                        \
  } while (0)
#define CUDA_OK(call)                                                                        \
  do {                                                                                       \
    const cudaError_t e_ = (call);                                                           \
    if (e_ != cudaSuccess) fprintf(stderr, "\n  %s: %s (%s)\n", #call, cudaGetErrorName(e_), cudaGetErrorString(e_)); \
    CU_ASSERT_FATAL(e_ == cudaSuccess);                                                      \
  } while (0)

/* >= 1e6 counters: device words of our SG_HD Philox and of cuRAND's curand_init(seed,
 * (uint64)ctr.w << 32 | ctr.z, 4 ((uint64)ctr.y << 32 | ctr.x)) + curand4 against the host's
 * sg_philox4x32_10 (the sg_rng layout, docs/rng.md). Case 3 is a connect stream: kind
 * SG_STREAM_CONNECT, draw 200, call indices 2^31 + 5 and 2^31 + 6 in ctr.w (the element range
 * crosses from one call into the next). */
static void test_cuda_equiv_philox(void) {
  DEVICE_OR_SKIP();
  const uint64_t n = (uint64_t)1 << (sg_test_quick() ? 14 : 20);
  struct { uint64_t seed, elem; uint32_t x0, y; } cases[4] = {
    {0x123456789ABCDEF0ull, 0, 0, 0},
    {SEED, ((uint64_t)1 << 32) | 5, 0xFFFFF000u, 0},
    {~0ull, ~0ull - 300, 12345, 0},
    {SEED, 0, 0xFFFFF000u, 0},
  };
  cases[0].y = sg_rng_counter(SG_STREAM_FIRING, 0, 0, 0).c[1];
  cases[1].y = sg_rng_counter(SG_STREAM_POISSON, 0, (uint64_t)0x7F << 32, 3).c[1];
  cases[2].y = sg_rng_counter(SG_STREAM_NOISE, 0, (uint64_t)0xFF << 32, 255).c[1];
  cases[3].y = sg_rng_counter(SG_STREAM_CONNECT, 0, (uint64_t)0xAB << 32, 200).c[1];
  cases[3].elem = sg_rng_elem(0x80000005u, 0xFFFFFF80u);
  uint32_t *ours = malloc(4 * n * sizeof *ours), *cur = malloc(4 * n * sizeof *cur);
  CU_ASSERT_FATAL(ours && cur);
  size_t bad_ours = 0, bad_cur = 0;
  for (int c = 0; c < 4; ++c) {
    CUDA_OK(sg_cuda_test_philox(0, cases[c].seed, cases[c].elem, cases[c].x0, cases[c].y, n, ours));
    CUDA_OK(sg_cuda_test_philox(1, cases[c].seed, cases[c].elem, cases[c].x0, cases[c].y, n, cur));
    for (uint64_t i = 0; i < n; ++i) {
      const uint64_t el = cases[c].elem + i / 4096u;
      const uint32_t x = cases[c].x0 + (uint32_t)(i % 4096u) * 977u;
      const sg_ctr4 b = sg_philox4x32_10(sg_ctr4_make(x, cases[c].y, (uint32_t)el, (uint32_t)(el >> 32)), (uint32_t)cases[c].seed,
                                         (uint32_t)(cases[c].seed >> 32));
      if (memcmp(b.c, ours + 4 * i, 16) && bad_ours++ < MAX_PRINT)
        fprintf(stderr, "\n  case %d counter %llu: host %08x %08x %08x %08x, device sg_philox %08x %08x %08x %08x", c,
                (unsigned long long)i, b.c[0], b.c[1], b.c[2], b.c[3], ours[4 * i], ours[4 * i + 1], ours[4 * i + 2], ours[4 * i + 3]);
      if (memcmp(b.c, cur + 4 * i, 16) && bad_cur++ < MAX_PRINT)
        fprintf(stderr, "\n  case %d counter %llu: host %08x %08x %08x %08x, device curand4 %08x %08x %08x %08x", c,
                (unsigned long long)i, b.c[0], b.c[1], b.c[2], b.c[3], cur[4 * i], cur[4 * i + 1], cur[4 * i + 2], cur[4 * i + 3]);
    }
  }
  fprintf(stderr, "\n  %llu counters: %zu mismatches (device SG_HD Philox), %zu (cuRAND curand_init + curand4) ",
          (unsigned long long)(4 * n), bad_ours, bad_cur);
  CU_ASSERT_EQUAL(bad_ours, 0);
  CU_ASSERT_EQUAL(bad_cur, 0);
  free(ours);
  free(cur);
}

/* The samplers of sg/rng.h: 53-bit uniform, Poisson (inversion and PTRS), normal. */
static void test_cuda_equiv_samplers(void) {
  DEVICE_OR_SKIP();
  const uint64_t n = (uint64_t)1 << (sg_test_quick() ? 12 : 18), step = 123456789;
  double *lam = malloc(n * sizeof *lam), *eml = malloc(n * sizeof *eml), *u = malloc(n * sizeof *u), *nv = malloc(n * sizeof *nv);
  uint32_t *p = malloc(n * sizeof *p);
  CU_ASSERT_FATAL(lam && eml && u && nv && p);
  for (uint64_t i = 0; i < n; ++i) {
    lam[i] = (double)(i % 5001) * 0.01;    /* 0 .. 50: both Poisson branches */
    eml[i] = exp(-lam[i]);
  }
  CUDA_OK(sg_cuda_test_samplers(SEED, step, n, lam, eml, u, p, nv));
  size_t bad = 0;
  for (uint64_t i = 0; i < n; ++i) {
    const double hu = sg_rng_u01(SEED, SG_STREAM_FIRING, i, step, 0);
    sg_rng_cursor c;
    sg_rng_cursor_init(&c, SEED, SG_STREAM_POISSON, i, step);
    const uint32_t hp = sg_poisson(&c, lam[i], eml[i]);
    sg_rng_cursor_init(&c, SEED, SG_STREAM_NOISE, i, step);
    const double hn = sg_normal(&c);
    if (bits(hu) != bits(u[i]) || hp != p[i] || !same_double(hn, nv[i])) {
      if (bad++ < MAX_PRINT)
        fprintf(stderr, "\n  element %llu (lambda %g): host u %a poisson %u normal %a; device u %a poisson %u normal %a",
                (unsigned long long)i, lam[i], hu, hp, hn, u[i], p[i], nv[i]);
    }
  }
  CU_ASSERT_EQUAL(bad, 0);
  free(lam); free(eml); free(u); free(nv); free(p);
}

static const char *const MATH_NAMES[SG_CU_MATH_N] = {"sg_exp", "sg_log", "sg_expm1", "sg_pow", "a*b+c*d", "V*P+x*(1-P)"};

/* A dense grid over the operating range of the shared math, plus edge values. */
static void math_grid(uint64_t n, double *x, double *y) {
  for (uint64_t i = 0; i < n; ++i) {
    x[i] = -750.0 + 1470.0 * ((double)i + 0.5) / (double)n;
    const double g = (double)i * 0.6180339887498949;
    y[i] = -30.0 + 60.0 * (g - floor(g));
  }
  const double edge[] = {0.0, -0.0, 1.0, -1.0, 709.782712893384, -708.3964185322641, -745.1, 1e-300, -1e-300, 0.5,
                         INFINITY, -INFINITY, 2.0, 100.0, 1e-8};
  for (size_t k = 0; k < sizeof edge / sizeof edge[0] && k < n; ++k) x[k] = edge[k];
}

static size_t math_compare(const char *which, uint64_t n, const double *x, const double *y, const double *dev, size_t *per) {
  size_t bad = 0, printed = 0;
  for (int c = 0; c < SG_CU_MATH_N; ++c) per[c] = 0;
  for (uint64_t i = 0; i < n; ++i) {
    double ref[SG_CU_MATH_N];
    sg_cu_math_ref(x[i], y[i], ref);
    for (int c = 0; c < SG_CU_MATH_N; ++c) {
      const double d = dev[(uint64_t)SG_CU_MATH_N * i + c];
      if (same_double(ref[c], d)) continue;
      ++per[c];
      ++bad;
      if (printed++ < MAX_PRINT && which)
        fprintf(stderr, "\n  %s(x = %a, y = %a): host %a, device %a", MATH_NAMES[c], x[i], y[i], ref[c], d);
    }
  }
  return bad;
}

static void test_cuda_equiv_math(void) {
  DEVICE_OR_SKIP();
  const uint64_t n = (uint64_t)1 << (sg_test_quick() ? 14 : 20);
  double *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y), *out = malloc(SG_CU_MATH_N * n * sizeof *out);
  CU_ASSERT_FATAL(x && y && out);
  math_grid(n, x, y);
  CUDA_OK(sg_cuda_test_math(n, x, y, out));
  size_t per[SG_CU_MATH_N];
  const size_t bad = math_compare("fmad=false", n, x, y, out, per);
  fprintf(stderr, "\n  %llu points x %d functions: %zu mismatches ", (unsigned long long)n, SG_CU_MATH_N, bad);
  CU_ASSERT_EQUAL(bad, 0);
  free(x); free(y); free(out);
}

/* Negative control: the same kernel built with -fmad=true must differ somewhere, or the
 * comparison above could not fail. */
static void test_cuda_equiv_fmad_control(void) {
  DEVICE_OR_SKIP();
  const uint64_t n = (uint64_t)1 << (sg_test_quick() ? 14 : 20);
  double *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y), *out = malloc(SG_CU_MATH_N * n * sizeof *out);
  CU_ASSERT_FATAL(x && y && out);
  math_grid(n, x, y);
  CUDA_OK(sg_cuda_test_math_fmad(n, x, y, out));
  size_t per[SG_CU_MATH_N];
  const size_t bad = math_compare(NULL, n, x, y, out, per);
  fprintf(stderr, "\n  -fmad=true build: %zu mismatches (", bad);
  for (int c = 0; c < SG_CU_MATH_N; ++c) fprintf(stderr, "%s%s %zu", c ? ", " : "", MATH_NAMES[c], per[c]);
  fprintf(stderr, ") ");
  CU_ASSERT(bad > 0);
  free(x); free(y); free(out);
}
#else
static void test_cuda_equiv_philox(void) {}
static void test_cuda_equiv_samplers(void) {}
static void test_cuda_equiv_math(void) {}
static void test_cuda_equiv_fmad_control(void) {}
#endif

static int cuda_equiv_available(char *why, size_t len) {
  char reason[256] = "";
  if (sg_cuda_available(reason, sizeof reason)) return 1;
  if (selftest()) {
    fprintf(stderr, "suite cuda_equiv: SG_EQUIV_SELFTEST=1: the cpu backend stands in for cuda (%s)\n", reason);
    return 1;
  }
  snprintf(why, len, "no CUDA device (%.200s)", reason);
  return 0;
}

static CU_TestInfo tests[] = {
  {"device Philox = host sg_rng words = cuRAND curand_init + curand4", test_cuda_equiv_philox},
  {"device samplers (uniform, Poisson, normal) = host", test_cuda_equiv_samplers},
  {"device sg_exp/sg_log/sg_expm1/sg_pow and model arithmetic = host", test_cuda_equiv_math},
  {"negative control: the -fmad=true build differs", test_cuda_equiv_fmad_control},
  {"gl_exp without recurrence", test_cuda_equiv_gl_plain},
  {"gl_exp recurrent, delays, split runs, changes between runs", test_cuda_equiv_gl_recurrent},
  {"every generator, parrots", test_cuda_equiv_generators},
  {"glif_cond, all recordables", test_cuda_equiv_glif},
  {"long and short rows", test_cuda_equiv_rows},
  {"procedural projections of every rule next to stored ones", test_cuda_equiv_procedural},
  {"every neuron model of the list, generated networks", test_cuda_equiv_every_model},
  {"a spike list over capacity stops the run with an error, keeping the exact prefix", test_cuda_equiv_spike_list_overflow},
  {"windows whose every recorded sender spikes halt the batch before the buffer overflows", test_cuda_equiv_window_halt},
  {"a non-finite state stops the run with the cpu's error", test_cuda_equiv_nonfinite},
  CU_TEST_INFO_NULL,
};

const sg_test_suite sg_suite_cuda_equiv = {"cuda_equiv", cuda_equiv_available, tests};
