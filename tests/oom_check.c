/* tests/oom_check.c - out-of-memory injection (`make check-oom`): the N-th allocation that the
 * library makes inside a public call fails, for every N of a scripted run, each N in a child
 * process of its own. A program, not a CUnit suite (it has its own main and is linked with
 * -Wl,--wrap=malloc,calloc,realloc,aligned_alloc,free against the library objects, so only the
 * library's and this file's calls are counted; HDF5's and OpenMP's own allocations are not).
 *
 * Two scripts (tables below), each run once per N:
 *   network  sg_sim_new; sg_create of every model kind; sg_set, sg_set_each, sg_set_vec (whole
 *            and part of a population), sg_set_vecs, sg_set_strs; sg_connect with every rule and
 *            every kind of weight/delay value; a first sg_simulate, changes (a parameter, a
 *            longer delay, a new population with its recorders), a second run, split runs, a
 *            run after nodes were added;
 *   files    the same kinds of recorders writing HDF5 files to a temporary folder (flushed every
 *            2 ms), with a network change between runs; the files are read back at the end.
 * then the digest reads (sg_num_connections, sg_get_connections, sg_spikes, sg_samples, sg_get,
 * sg_get_vec, sg_run_stats_get) and sg_sim_free. Every one of these calls runs "armed" (its
 * allocations counted, the N-th failing).
 *
 * What must hold for every N (the child exits 1 otherwise, saying which call and why):
 *   - no crash;
 *   - a call that fails returns SG_ERR_NOMEM with a message of its own (not the one before);
 *   - it changed nothing the API shows (every parameter, vector and state value, connections,
 *     spike counts, time: compared with the run without injection before that call), except a
 *     run that failed after it moved the time;
 *   - the same call again, without injection, succeeds. For sg_simulate the retry asks for the
 *     time left to the end the failed call aimed at: a run that fails stops at a step boundary
 *     with its recordings complete up to sg_time(), and split runs equal one run;
 *   - the digest at the end (connections, spikes, samples, final state of a few neurons, run
 *     statistics, time) equals the digest of the run without injection;
 *   - the HDF5 files, read back after sg_sim_free, equal the recordings held in memory;
 *   - every block the library allocated was freed again (a count kept by the wraps).
 * With 2 threads an allocation made inside a parallel region (sg_connect, the CSR build) may be
 * the N-th in one run and the (N+1)-th in another: each N still fails one allocation.
 * --backend cuda (make check-cuda-emu-oom, under the CUDA emulation): the same, except that a
 * run whose recordings find no host memory after the device ran their batch stops for good
 * ("cannot continue", as after a device fault); then its recordings must be those of the run
 * without injection up to its time, and nothing else.
 *
 * Usage: oom_check [--script network|files] [--backend cpu|cuda] [--threads T] [--jobs J]
 *                  [--every S] [--from A] [--only N] [-v|-vv]
 *   per script: the number of allocations of its run, one line per failing N (the first five
 *   with their log), a tally of the failed calls; exit 0 when every N passed. --only N (with
 *   --script) runs one N in this process, for a debugger, and prints its log. Test harness only. */
/* SPDX-License-Identifier: MIT */
#include <dirent.h>
#include <errno.h>
#include <hdf5.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "spikegpu.h"
#include "sg_specs.h"

/* ---- the allocator wraps ------------------------------------------------------------------- */
#ifdef SG_OOM_WRAPPED_LIB
/* The library objects alone were wrapped (ld -r --wrap, the cuda emulation build: the emulated
 * CUDA runtime's own allocations must not fail): here the real functions are the plain ones. */
#define REAL(f) f
#else
#define REAL(f) __real_##f
void *__real_malloc(size_t n);
void *__real_calloc(size_t a, size_t b);
void *__real_realloc(void *p, size_t n);
void *__real_aligned_alloc(size_t al, size_t n);
void __real_free(void *p);
#endif
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t a, size_t b);
void *__wrap_realloc(void *p, size_t n);
void *__wrap_aligned_alloc(size_t al, size_t n);
void __wrap_free(void *p);

static atomic_int g_armed;     /* inside a library call of the script                  */
static atomic_long g_count;    /* allocations made while armed                          */
static long g_fail_at;         /* the one to fail (0: none)                             */
static atomic_int g_injected;  /* it happened (reset before each call)                   */
static atomic_int g_hit;       /* it happened in this run                               */
static atomic_long g_live;     /* blocks allocated through the wraps and not yet freed  */

static int inject(void) {
  if (!atomic_load_explicit(&g_armed, memory_order_relaxed)) return 0;
  if (atomic_fetch_add(&g_count, 1) + 1 != g_fail_at) return 0;
  atomic_store(&g_injected, 1);
  atomic_store(&g_hit, 1);
  return 1;
}
void *__wrap_malloc(size_t n) {
  void *p = inject() ? NULL : REAL(malloc)(n);
  if (p) atomic_fetch_add(&g_live, 1);
  return p;
}
void *__wrap_calloc(size_t a, size_t b) {
  void *p = inject() ? NULL : REAL(calloc)(a, b);
  if (p) atomic_fetch_add(&g_live, 1);
  return p;
}
void *__wrap_aligned_alloc(size_t al, size_t n) {
  void *p = inject() ? NULL : REAL(aligned_alloc)(al, n);
  if (p) atomic_fetch_add(&g_live, 1);
  return p;
}
void *__wrap_realloc(void *p, size_t n) {
  if (inject()) return NULL;
  void *q = REAL(realloc)(p, n);
  if (!p && q) atomic_fetch_add(&g_live, 1);
  else if (p && !n && !q) atomic_fetch_sub(&g_live, 1);   /* glibc: realloc(p, 0) frees p */
  return q;
}
void __wrap_free(void *p) {
  if (p) atomic_fetch_sub(&g_live, 1);
  REAL(free)(p);
}

/* ---- the child's log and its verdict ------------------------------------------------------- */
static int g_verbose;
static char g_failed_calls[4096];   /* "name: message" of each injected failure, for the tally */

static void say(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  fflush(stdout);
}

static const char *g_dir;   /* the run's output folder, removed also when it fails */
static void remove_dir(const char *dir);

static _Noreturn void bad(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  printf("FAIL: ");
  vprintf(fmt, ap);
  printf("\n");
  va_end(ap);
  fflush(stdout);
  if (g_dir) remove_dir(g_dir);
  _exit(1);
}

/* ---- the network and the script ------------------------------------------------------------- */
static sg_backend g_backend = SG_BACKEND_CPU;
#define N_EXC 120
typedef struct ctx {
  sg_sim *sim;
  int threads;
  char dir[256];
  double t_goal;   /* where the runs of the script have got to */
  int stopped;     /* the cuda backend stopped for good ("cannot continue") */
  sg_nodes a, g, par, pg, sgen, scg, ng, sr, mm, vm, b, sr2, mm2, c;
} ctx;

typedef struct step {
  const char *name;
  sg_status (*fn)(ctx *);
  double run_to;   /* > 0: a run, to this time */
} step;

/* A script: its calls, whether it writes HDF5 files (then read back), where its runs end. */
typedef struct script_def {
  const char *name;
  const step *steps;
  size_t n;
  int files;
  double t_end;
} script_def;
static const script_def *g_sc;   /* the one being run */

static sg_status op_new(ctx *x) {
  sg_config cfg;
  sg_config_default(&cfg);
  cfg.seed = 4242;
  cfg.backend = g_backend;
  cfg.threads = x->threads;
  cfg.verbose = 0;
  cfg.output_dir = g_sc->files ? x->dir : NULL;
  cfg.keep_in_memory = 1;
  cfg.flush_interval_ms = 2.0;   /* several flushes per run */
  cfg.report_double = 1;         /* files hold the in-memory values bit for bit */
  char err[512] = "";
  const sg_status st = sg_sim_new(&cfg, &x->sim, err, sizeof err);
  if (st && !err[0]) bad("sg_sim_new failed (%s) without a message", sg_status_str(st));
  if (st) snprintf(g_failed_calls + strlen(g_failed_calls), sizeof g_failed_calls - strlen(g_failed_calls), "sg_sim_new: %.200s\n", err);
  return st;
}

static sg_syn_spec syn(sg_value w, sg_value d) { return sg_test_syn(w, d, 0); }
static sg_conn_spec rule(const char *r) { return sg_test_rule(r, 0); }

#define CREATE(field, model, n, name) \
  static sg_status op_create_##field(ctx *x) { return sg_create_named(x->sim, model, n, name, &x->field); }
CREATE(a, "gl_exp", N_EXC, "exc")
CREATE(g, "glif_cond", 12, "glif")
CREATE(par, "parrot_neuron", 10, "parrots")
CREATE(pg, "poisson_generator", 2, NULL)
CREATE(sgen, "spike_generator", 2, NULL)
CREATE(scg, "step_current_generator", 1, NULL)
CREATE(ng, "noise_generator", 1, NULL)
CREATE(sr, "spike_recorder", 2, "spikes")
CREATE(mm, "multimeter", 1, "mm")
CREATE(vm, "voltmeter", 1, NULL)
CREATE(b, "gl_exp", 30, "late")
CREATE(sr2, "spike_recorder", 1, "spikes2")
CREATE(mm2, "multimeter", 1, "mm2")
CREATE(c, "gl_exp", 5, "last")

/* Each step is one library call, so that repeating a failed step repeats exactly that call. */
static sg_status op_set_ie(ctx *x) { return sg_set(x->sim, x->a, "I_e", 100.0); }
static sg_status op_set_each(ctx *x) {
  double v[20];
  for (int i = 0; i < 20; ++i) v[i] = 150.0 + 5.0 * i;
  return sg_set_each(x->sim, sg_slice(x->a, 10, 20), "I_e", v);
}
static sg_status op_set_part(ctx *x) { return sg_set(x->sim, sg_slice(x->a, 40, 10), "tau_m", 12.0); }
static sg_status op_set_glif(ctx *x) { return sg_set(x->sim, x->g, "V_m", -70.0); }
static sg_status op_set_rate(ctx *x) { return sg_set(x->sim, x->pg, "rate", 8000.0); }
static sg_status op_set_times(ctx *x) {
  const double t[] = {0.5, 1.2, 2.5, 4.0, 7.1, 9.0};
  return sg_set_vec(x->sim, x->sgen, "spike_times", t, 6);
}
static sg_status op_set_weights(ctx *x) {
  const double w[] = {1.0, 2.0, 1.0, 3.0, 1.0, 1.0};
  return sg_set_vec(x->sim, x->sgen, "spike_weights", w, 6);
}
static sg_status op_set_times_part(ctx *x) {   /* one node of two: per-node vectors */
  const double t[] = {0.8, 3.0, 6.0, 8.8, 10.5, 12.0};
  return sg_set_vec(x->sim, sg_slice(x->sgen, 1, 1), "spike_times", t, 6);
}
static sg_status op_set_mult(ctx *x) {
  const double m[] = {1, 2, 1, 1, 3, 1};
  return sg_set_vec(x->sim, x->sgen, "spike_multiplicities", m, 6);
}
static sg_status op_set_steps(ctx *x) {
  const double t[] = {1.0, 3.0, 6.0}, a[] = {200.0, -50.0, 100.0};
  const char *names[] = {"amplitude_times", "amplitude_values"};
  const double *vals[] = {t, a};
  const size_t lens[] = {3, 3};
  return sg_set_vecs(x->sim, x->scg, 2, names, vals, lens);
}
static sg_status op_set_std(ctx *x) { return sg_set(x->sim, x->ng, "std", 80.0); }
static sg_status op_set_mean(ctx *x) { return sg_set(x->sim, x->ng, "mean", 20.0); }
static sg_status op_set_dt(ctx *x) { return sg_set(x->sim, x->ng, "dt", 0.5); }
static sg_status op_set_receptors(ctx *x) {   /* 3 receptors: state rows change width */
  const double e[] = {0.0, -85.0, -70.0}, tau[] = {0.2, 2.0, 1.0};
  const char *names[] = {"E_rev", "tau_syn"};
  const double *vals[] = {e, tau};
  const size_t lens[] = {3, 3};
  return sg_set_vecs(x->sim, x->g, 2, names, vals, lens);
}
static sg_status op_set_tau_part(ctx *x) {
  const double tau[] = {0.5, 1.5, 1.0};
  return sg_set_vec(x->sim, sg_slice(x->g, 4, 5), "tau_syn", tau, 3);
}
static sg_status op_set_asc_on(ctx *x) { return sg_set(x->sim, x->g, "after_spike_currents", 1.0); }
static sg_status op_set_asc(ctx *x) {   /* a vector state, set per node */
  const double asc[] = {5.0, -3.0};
  return sg_set_vec(x->sim, sg_slice(x->g, 0, 3), "ASCurrents", asc, 2);
}
static sg_status op_record_from(ctx *x) {
  const char *v[] = {"V_m"};
  return sg_set_strs(x->sim, x->mm, "record_from", v, 1);
}
static sg_status op_mm_interval(ctx *x) { return sg_set(x->sim, x->mm, "interval", 0.5); }

static sg_status op_conn_indeg(ctx *x) {
  sg_conn_spec c = rule("fixed_indegree");
  c.indegree = 20;
  sg_syn_spec s = syn(sg_random_normal(1.0, 0.5), sg_random_uniform(0.5, 3.0));
  return sg_connect(x->sim, x->a, x->a, &c, &s);
}
static sg_status op_conn_bern(ctx *x) {
  sg_conn_spec c = rule("pairwise_bernoulli");
  c.p = 0.05;
  c.allow_autapses = 0;
  sg_syn_spec s = syn(sg_random_exponential(0.5), sg_random_normal_clipped(1.5, 0.5, 0.2, 3.0));
  return sg_connect(x->sim, x->a, x->a, &c, &s);
}
static sg_status op_conn_outdeg(ctx *x) {
  sg_conn_spec c = rule("fixed_outdegree");
  c.outdegree = 3;
  c.allow_multapses = 0;
  sg_syn_spec s = syn(sg_random_lognormal(0.0, 0.5), sg_scalar(1.0));
  s.receptor_type = 2;
  return sg_connect(x->sim, x->a, x->g, &c, &s);
}
static sg_status op_conn_total(ctx *x) {
  sg_conn_spec c = rule("fixed_total_number");
  c.N = 50;
  sg_syn_spec s = syn(sg_random_uniform(-20.0, 20.0), sg_random_uniform(0.1, 2.0));
  return sg_connect(x->sim, x->g, x->a, &c, &s);
}
static sg_status op_conn_array(ctx *x) {
  const double w[] = {10.0, 20.0, 30.0, 40.0}, d[] = {0.3, 0.7, 1.1, 1.9};
  sg_conn_spec c = rule("one_to_one");
  sg_syn_spec s = syn(sg_array(w, 4), sg_array(d, 4));
  return sg_connect(x->sim, sg_slice(x->a, 0, 4), sg_slice(x->a, 60, 4), &c, &s);
}
static sg_status op_conn_pg_a(ctx *x) {
  sg_syn_spec s = syn(sg_scalar(0.5), sg_scalar(1.0));
  return sg_connect(x->sim, sg_slice(x->pg, 0, 1), x->a, NULL, &s);
}
static sg_status op_conn_pg_g(ctx *x) {
  sg_syn_spec s = syn(sg_scalar(4.0), sg_scalar(1.0));
  s.receptor_type = 1;
  return sg_connect(x->sim, sg_slice(x->pg, 1, 1), x->g, NULL, &s);
}
static sg_status op_conn_sgen_par(ctx *x) {
  sg_conn_spec c = rule("one_to_one");
  return sg_connect(x->sim, x->sgen, sg_slice(x->par, 0, 2), &c, NULL);
}
static sg_status op_conn_pg_par(ctx *x) { return sg_connect(x->sim, sg_slice(x->pg, 0, 1), sg_slice(x->par, 2, 8), NULL, NULL); }
static sg_status op_conn_par_a(ctx *x) {
  sg_conn_spec k = rule("fixed_indegree");
  k.indegree = 2;
  k.allow_multapses = 0;
  sg_syn_spec s = syn(sg_scalar(6.0), sg_scalar(0.4));
  return sg_connect(x->sim, x->par, x->a, &k, &s);
}
static sg_status op_conn_scg(ctx *x) {
  sg_syn_spec s = syn(sg_scalar(1.0), sg_scalar(0.5));
  return sg_connect(x->sim, x->scg, x->g, NULL, &s);
}
static sg_status op_conn_ng(ctx *x) {
  sg_syn_spec s = syn(sg_scalar(1.0), sg_scalar(0.5));
  return sg_connect(x->sim, x->ng, sg_slice(x->a, 0, 10), NULL, &s);
}
static sg_status op_conn_sr0(ctx *x) { return sg_connect(x->sim, sg_slice(x->a, 0, 40), sg_slice(x->sr, 0, 1), NULL, NULL); }
static sg_status op_conn_sr1(ctx *x) { return sg_connect(x->sim, sg_slice(x->a, 20, 40), sg_slice(x->sr, 1, 1), NULL, NULL); }
static sg_status op_conn_sr1_g(ctx *x) { return sg_connect(x->sim, x->g, sg_slice(x->sr, 1, 1), NULL, NULL); }
static sg_status op_conn_sr1_par(ctx *x) { return sg_connect(x->sim, x->par, sg_slice(x->sr, 1, 1), NULL, NULL); }
static sg_status op_conn_mm_a(ctx *x) { return sg_connect(x->sim, x->mm, sg_slice(x->a, 0, 4), NULL, NULL); }
static sg_status op_conn_mm_g(ctx *x) { return sg_connect(x->sim, x->mm, sg_slice(x->g, 2, 3), NULL, NULL); }
static sg_status op_conn_vm(ctx *x) { return sg_connect(x->sim, x->vm, sg_slice(x->g, 0, 3), NULL, NULL); }
static sg_status op_conn_vm_a(ctx *x) { return sg_connect(x->sim, x->vm, sg_slice(x->a, 5, 3), NULL, NULL); }
static sg_status op_conn_late(ctx *x) {   /* a longer delay: the ring grows */
  sg_conn_spec c = rule("fixed_indegree");
  c.indegree = 5;
  sg_syn_spec s = syn(sg_scalar(12.0), sg_scalar(6.0));
  return sg_connect(x->sim, x->a, x->a, &c, &s);
}
static sg_status op_set_late(ctx *x) { return sg_set(x->sim, x->a, "I_e", 120.0); }
static sg_status op_conn_b(ctx *x) {
  sg_syn_spec s = syn(sg_scalar(3.0), sg_scalar(1.0));
  return sg_connect(x->sim, x->b, x->a, NULL, &s);
}
static sg_status op_set_b_ie(ctx *x) { return sg_set(x->sim, x->b, "I_e", 1000.0); }
static sg_status op_set_b_vm(ctx *x) { return sg_set(x->sim, x->b, "V_m", -38.0); }
static sg_status op_conn_b_sr2(ctx *x) { return sg_connect(x->sim, x->b, x->sr2, NULL, NULL); }
static sg_status op_record_from2(ctx *x) {
  const char *v[] = {"V_m", "I_stim"};
  return sg_set_strs(x->sim, x->mm2, "record_from", v, 2);
}
static sg_status op_conn_mm2(ctx *x) { return sg_connect(x->sim, x->mm2, sg_slice(x->b, 0, 3), NULL, NULL); }
static sg_status op_set_noise2(ctx *x) { return sg_set(x->sim, x->ng, "std", 40.0); }

/* runs: the retry asks for the time left to x->t_goal */
static sg_status op_run(ctx *x) { return sg_simulate(x->sim, x->t_goal - sg_time(x->sim)); }

/* "network": every kind of call, no files (HDF5 costs most of a run's time) */
static const step script_network[] = {
  {"sg_create exc", op_create_a, 0}, {"sg_create glif", op_create_g, 0},
  {"sg_create parrots", op_create_par, 0}, {"sg_create poisson", op_create_pg, 0},
  {"sg_create spike_generator", op_create_sgen, 0}, {"sg_create step_current", op_create_scg, 0},
  {"sg_create noise", op_create_ng, 0}, {"sg_create spike_recorder", op_create_sr, 0},
  {"sg_create multimeter", op_create_mm, 0}, {"sg_create voltmeter", op_create_vm, 0},
  {"sg_set I_e", op_set_ie, 0}, {"sg_set_each I_e", op_set_each, 0}, {"sg_set tau_m part", op_set_part, 0},
  {"sg_set glif V_m", op_set_glif, 0}, {"sg_set rate", op_set_rate, 0},
  {"sg_set_vec spike_times", op_set_times, 0}, {"sg_set_vec spike_weights", op_set_weights, 0},
  {"sg_set_vec spike_times part", op_set_times_part, 0}, {"sg_set_vec multiplicities", op_set_mult, 0},
  {"sg_set_vecs amplitudes", op_set_steps, 0}, {"sg_set std", op_set_std, 0}, {"sg_set mean", op_set_mean, 0},
  {"sg_set dt", op_set_dt, 0}, {"sg_set_vecs receptors", op_set_receptors, 0},
  {"sg_set_vec tau_syn part", op_set_tau_part, 0}, {"sg_set after_spike_currents", op_set_asc_on, 0},
  {"sg_set_vec ASCurrents", op_set_asc, 0}, {"sg_set_strs record_from", op_record_from, 0},
  {"sg_set interval", op_mm_interval, 0},
  {"sg_connect fixed_indegree", op_conn_indeg, 0}, {"sg_connect pairwise_bernoulli", op_conn_bern, 0},
  {"sg_connect fixed_outdegree", op_conn_outdeg, 0}, {"sg_connect fixed_total_number", op_conn_total, 0},
  {"sg_connect one_to_one arrays", op_conn_array, 0}, {"sg_connect poisson exc", op_conn_pg_a, 0},
  {"sg_connect poisson glif", op_conn_pg_g, 0}, {"sg_connect spike_generator parrots", op_conn_sgen_par, 0},
  {"sg_connect poisson parrots", op_conn_pg_par, 0}, {"sg_connect parrots exc", op_conn_par_a, 0},
  {"sg_connect step_current", op_conn_scg, 0}, {"sg_connect noise", op_conn_ng, 0},
  {"sg_connect spike_recorder 0", op_conn_sr0, 0}, {"sg_connect spike_recorder 1", op_conn_sr1, 0},
  {"sg_connect spike_recorder glif", op_conn_sr1_g, 0}, {"sg_connect spike_recorder parrots", op_conn_sr1_par, 0},
  {"sg_connect multimeter exc", op_conn_mm_a, 0}, {"sg_connect multimeter glif", op_conn_mm_g, 0},
  {"sg_connect voltmeter", op_conn_vm, 0},
  {"sg_simulate first", op_run, 5.0},
  {"sg_set after run", op_set_late, 0}, {"sg_connect longer delay", op_conn_late, 0},
  {"sg_create late", op_create_b, 0}, {"sg_create spike_recorder 2", op_create_sr2, 0},
  {"sg_connect late", op_conn_b, 0}, {"sg_set late I_e", op_set_b_ie, 0}, {"sg_set late V_m", op_set_b_vm, 0},
  {"sg_connect spike_recorder 2", op_conn_b_sr2, 0}, {"sg_create multimeter 2", op_create_mm2, 0},
  {"sg_set_strs record_from 2", op_record_from2, 0}, {"sg_connect multimeter 2", op_conn_mm2, 0},
  {"sg_simulate second", op_run, 9.0}, {"sg_simulate split 1", op_run, 10.0},
  {"sg_set noise after run", op_set_noise2, 0}, {"sg_simulate split 2", op_run, 12.5},
  {"sg_create last", op_create_c, 0}, {"sg_simulate after create", op_run, 13.0},
};

/* "files": recorders writing HDF5 files, flushed every 2 ms, with a network change between runs */
static const step script_files[] = {
  {"sg_create exc", op_create_a, 0}, {"sg_set I_e", op_set_ie, 0}, {"sg_create poisson", op_create_pg, 0},
  {"sg_set rate", op_set_rate, 0}, {"sg_create spike_recorder", op_create_sr, 0},
  {"sg_create multimeter", op_create_mm, 0}, {"sg_create voltmeter", op_create_vm, 0},
  {"sg_set_strs record_from", op_record_from, 0}, {"sg_set interval", op_mm_interval, 0},
  {"sg_connect fixed_indegree", op_conn_indeg, 0}, {"sg_connect poisson exc", op_conn_pg_a, 0},
  {"sg_connect spike_recorder 0", op_conn_sr0, 0}, {"sg_connect spike_recorder 1", op_conn_sr1, 0},
  {"sg_connect multimeter exc", op_conn_mm_a, 0}, {"sg_connect voltmeter exc", op_conn_vm_a, 0},
  {"sg_simulate first", op_run, 3.0},
  {"sg_create late", op_create_b, 0}, {"sg_create spike_recorder 2", op_create_sr2, 0},
  {"sg_connect late", op_conn_b, 0}, {"sg_set late I_e", op_set_b_ie, 0}, {"sg_set late V_m", op_set_b_vm, 0},
  {"sg_connect spike_recorder 2", op_conn_b_sr2, 0}, {"sg_create multimeter 2", op_create_mm2, 0},
  {"sg_set_strs record_from 2", op_record_from2, 0}, {"sg_connect multimeter 2", op_conn_mm2, 0},
  {"sg_simulate second", op_run, 6.0}, {"sg_simulate split", op_run, 7.0},
};

static const script_def scripts[] = {
  {"network", script_network, sizeof script_network / sizeof *script_network, 0, 13.0},
  {"files", script_files, sizeof script_files / sizeof *script_files, 1, 7.0},
};

/* ---- "leaves the simulation as it was" ------------------------------------------------------- */
static uint64_t fnv(uint64_t h, const void *p, size_t n) {
  const unsigned char *c = p;
  for (size_t i = 0; i < n; ++i) { h ^= c[i]; h *= 1099511628211ull; }
  return h;
}

/* What the public API shows of the network: every parameter, vector and state value of every
 * node, the connections, the spike counts, the time. Taken without injection. */
static uint64_t state_digest(ctx *x) {
  sg_sim *sim = x->sim;
  uint64_t h = 1469598103934665603ull;
  const char *model;
  sg_nodes pop;
  for (uint64_t id = 1; sg_node_model(sim, id, &model, &pop) == SG_OK; ++id) {
    const sg_entry_info *e = NULL;
    size_t ne = 0;
    sg_model_info(model, &e, &ne);
    h = fnv(h, model, strlen(model));
    for (size_t k = 0; k < ne; ++k) {
      double v[64];
      size_t len = 0;
      if (e[k].kind == SG_ENTRY_PARAM) len = sg_get(sim, id, e[k].name, v) ? 0 : 1;
      else if (e[k].kind != SG_ENTRY_RECORDABLE && sg_get_vec(sim, id, e[k].name, v, 64, &len)) len = 0;
      if (len > 64) len = 64;
      h = fnv(h, &len, sizeof len);
      h = fnv(h, v, len * sizeof *v);
    }
    size_t n = 0;
    if (!strcmp(model, "spike_recorder") && sg_spikes(sim, id, NULL, NULL, 0, &n) == SG_OK) h = fnv(h, &n, sizeof n);
  }
  const sg_nodes all = {0, 0, NULL};
  uint64_t n = 0;
  sg_num_connections(sim, all, all, &n);
  uint64_t *src = malloc((n + 1) * 8), *tgt = malloc((n + 1) * 8);
  double *w = malloc((n + 1) * 8), *d = malloc((n + 1) * 8);
  int *r = malloc((n + 1) * sizeof *r);
  size_t got = 0;
  if (sg_get_connections(sim, all, all, src, tgt, w, d, r, n, &got) == SG_OK) {
    h = fnv(h, src, got * 8); h = fnv(h, tgt, got * 8); h = fnv(h, w, got * 8); h = fnv(h, d, got * 8); h = fnv(h, r, got * sizeof *r);
  }
  free(src); free(tgt); free(w); free(d); free(r);
  const uint64_t steps = sg_steps(sim);
  return fnv(h, &steps, sizeof steps);
}

/* The run without injection says what the state was before each call (step i of the script,
 * n: before the digest reads); the runs with injection get the table from the parent
 * (fork) and compare after a failed call. */
#define N_STATES 128
static uint64_t g_ref_state[N_STATES];
static int g_have_ref, g_is_ref;

/* A message that no call of the script gives: set before each call, so a failed call must
 * have written its own. */
static const char *sentinel(sg_sim *sim) {
  sg_set(sim, (sg_nodes){0, 0, NULL}, "sentinel", 0.0);
  return sg_errmsg(sim);
}

/* One call of the script, armed; a failure must be SG_ERR_NOMEM with a message of its own, and
 * the call repeated without injection must succeed. */
/* The state after a failed call (step `idx`) must be the state before it; a run that failed
 * after it moved the time is the exception (it stops at a step boundary, see the top). */
static void check_unchanged(ctx *x, int idx, const char *name, uint64_t steps_before) {
  if (!g_have_ref || idx < 0 || idx >= N_STATES || !x->sim || sg_steps(x->sim) != steps_before) return;
  char msg[1100];
  snprintf(msg, sizeof msg, "%s", sg_errmsg(x->sim));
  if (state_digest(x) != g_ref_state[idx])
    bad("%s failed (%s) but changed the network (parameters, state, connections or recordings differ from before the call)", name, msg);
}

static void call(ctx *x, int idx, const char *name, sg_status (*fn)(ctx *)) {
  char before[1100] = "";
  if (g_verbose > 1) say("  %s\n", name);
  if (g_is_ref && x->sim && idx >= 0 && idx < N_STATES) say("state %d %016llx\n", idx, (unsigned long long)state_digest(x));
  if (x->sim) snprintf(before, sizeof before, "%s", sentinel(x->sim));
  const uint64_t steps_before = x->sim ? sg_steps(x->sim) : 0;
  atomic_store(&g_injected, 0);
  atomic_store(&g_armed, 1);
  sg_status st = fn(x);
  atomic_store(&g_armed, 0);
  if (st == SG_OK) return;
  if (!atomic_load(&g_injected)) bad("%s failed without an injected failure: %s: %s", name, sg_status_str(st), x->sim ? sg_errmsg(x->sim) : "");
  if (x->sim) {
    const char *msg = sg_errmsg(x->sim);
    if (!msg[0] || !strcmp(msg, before)) bad("%s failed (%s) without a message of its own", name, sg_status_str(st));
    snprintf(g_failed_calls + strlen(g_failed_calls), sizeof g_failed_calls - strlen(g_failed_calls), "%s: %.200s\n", name, msg);
  }
  if (st != SG_ERR_NOMEM) bad("%s: %s: %s: allowed SG_ERR_NOMEM", name, sg_status_str(st), x->sim ? sg_errmsg(x->sim) : "");
  if (g_verbose) say("  %s failed: %s\n", name, x->sim ? sg_errmsg(x->sim) : "");
  /* The cuda backend cannot run a batch again once the device has run it: when the batch's
   * recordings find no host memory it stops for good, keeping the recordings up to the batch
   * (checked against the run without injection at the end, see one_run). */
  if (g_backend == SG_BACKEND_CUDA && x->sim && strstr(sg_errmsg(x->sim), "cannot continue")) {
    x->stopped = 1;
    return;
  }
  check_unchanged(x, idx, name, steps_before);
  st = fn(x);
  if (st != SG_OK) bad("%s: the retry without injection failed: %s: %s", name, sg_status_str(st), x->sim ? sg_errmsg(x->sim) : "");
}

/* ---- the digest ----------------------------------------------------------------------------- */
/* recordings kept for the comparison with the files */
typedef struct spikes { uint64_t gid; size_t n; double *t; uint64_t *s; } spikes;
typedef struct samples { uint64_t gid; const char *var; size_t n; double *t; uint64_t *s; double *v; } samples;
#define N_SPK 3
#define N_SMP 4
typedef struct digest {
  uint64_t h;
  uint64_t n_conn;
  spikes spk[N_SPK];
  samples smp[N_SMP];
} digest;

/* A read of the digest: armed like every call, retried once without injection. */
#define READ(x, name, expr)                                                                       \
  do {                                                                                            \
    atomic_store(&g_injected, 0);                                                                 \
    atomic_store(&g_armed, 1);                                                                    \
    sg_status st_ = (expr);                                                                       \
    atomic_store(&g_armed, 0);                                                                    \
    if (st_ != SG_OK) {                                                                           \
      if (st_ != SG_ERR_NOMEM || !atomic_load(&g_injected))                                       \
        bad("%s: %s: %s", name, sg_status_str(st_), sg_errmsg((x)->sim));                         \
      check_unchanged((x), (int)g_sc->n, name, sg_steps((x)->sim));                              \
      snprintf(g_failed_calls + strlen(g_failed_calls), sizeof g_failed_calls - strlen(g_failed_calls), "%s: %.200s\n", name, sg_errmsg((x)->sim)); \
      if ((st_ = (expr)) != SG_OK) bad("%s: the retry failed: %s: %s", name, sg_status_str(st_), sg_errmsg((x)->sim)); \
    }                                                                                             \
  } while (0)

static void take_digest(ctx *x, digest *D) {
  sg_sim *sim = x->sim;
  uint64_t h = 1469598103934665603ull;
  const sg_nodes all = {0, 0, NULL};
  uint64_t n = 0;
  READ(x, "sg_num_connections", sg_num_connections(sim, all, all, &n));
  uint64_t *src = malloc((n + 1) * 8), *tgt = malloc((n + 1) * 8);
  double *w = malloc((n + 1) * 8), *d = malloc((n + 1) * 8);
  int *r = malloc((n + 1) * sizeof *r);
  size_t got = 0;
  READ(x, "sg_get_connections", sg_get_connections(sim, all, all, src, tgt, w, d, r, n, &got));
  if (got != n) bad("sg_get_connections gave %zu of %llu connections", got, (unsigned long long)n);
  h = fnv(h, &n, 8); h = fnv(h, src, n * 8); h = fnv(h, tgt, n * 8); h = fnv(h, w, n * 8); h = fnv(h, d, n * 8); h = fnv(h, r, n * sizeof *r);
  free(src); free(tgt); free(w); free(d); free(r);
  D->n_conn = n;
  /* recorders the script did not make are left empty (gid 0) */
  const uint64_t recs[N_SPK] = {x->sr.first, x->sr.n ? x->sr.first + 1 : 0, x->sr2.first};
  for (int i = 0; i < N_SPK; ++i) {
    spikes *S = &D->spk[i];
    S->gid = recs[i];
    if (!S->gid) continue;
    READ(x, "sg_spikes", sg_spikes(sim, recs[i], NULL, NULL, 0, &S->n));
    S->t = malloc((S->n + 1) * 8);
    S->s = malloc((S->n + 1) * 8);
    READ(x, "sg_spikes", sg_spikes(sim, recs[i], S->t, S->s, S->n, &S->n));
    h = fnv(h, &S->n, sizeof S->n); h = fnv(h, S->t, S->n * 8); h = fnv(h, S->s, S->n * 8);
  }
  const uint64_t mms[N_SMP] = {x->mm.first, x->vm.first, x->mm2.first, x->mm2.first};
  const char *vars[N_SMP] = {"V_m", "V_m", "V_m", "I_stim"};
  for (int i = 0; i < N_SMP; ++i) {
    samples *M = &D->smp[i];
    M->gid = mms[i];
    M->var = vars[i];
    if (!M->gid) continue;
    READ(x, "sg_samples", sg_samples(sim, mms[i], vars[i], NULL, NULL, NULL, 0, &M->n));
    M->t = malloc((M->n + 1) * 8);
    M->s = malloc((M->n + 1) * 8);
    M->v = malloc((M->n + 1) * 8);
    READ(x, "sg_samples", sg_samples(sim, mms[i], vars[i], M->t, M->s, M->v, M->n, &M->n));
    h = fnv(h, &M->n, sizeof M->n); h = fnv(h, M->t, M->n * 8); h = fnv(h, M->s, M->n * 8); h = fnv(h, M->v, M->n * 8);
  }
  const struct { sg_nodes p; uint64_t i; } nodes[] = {{x->a, 0}, {x->a, 17}, {x->a, N_EXC - 1}, {x->b, 2}, {x->c, 0}, {x->g, 0}, {x->g, 7}};
  for (size_t i = 0; i < sizeof nodes / sizeof *nodes; ++i) {
    double v = 0.0;
    if (!nodes[i].p.n) continue;
    READ(x, "sg_get", sg_get(sim, nodes[i].p.first + nodes[i].i, "V_m", &v));
    h = fnv(h, &v, 8);
  }
  double gv[8] = {0};
  size_t len = 0;
  if (x->g.n) READ(x, "sg_get_vec", sg_get_vec(sim, x->g.first + 5, "g", gv, 8, &len));
  h = fnv(h, &len, sizeof len); h = fnv(h, gv, sizeof gv);
  sg_run_stats rs;
  READ(x, "sg_run_stats_get", sg_run_stats_get(sim, &rs));
  const uint64_t c3[3] = {rs.neuron_updates, rs.spikes, rs.syn_events};
  const uint64_t steps = sg_steps(sim);
  h = fnv(h, c3, sizeof c3); h = fnv(h, &steps, 8);
  D->h = h;
  if (g_verbose)
    say("  %llu connections; spikes %zu %zu %zu; samples %zu %zu %zu %zu; %llu spikes, %llu events in the run\n",
        (unsigned long long)n, D->spk[0].n, D->spk[1].n, D->spk[2].n, D->smp[0].n, D->smp[1].n, D->smp[2].n, D->smp[3].n,
        (unsigned long long)rs.spikes, (unsigned long long)rs.syn_events);
}

static void digest_free(digest *D) {
  for (int i = 0; i < N_SPK; ++i) { free(D->spk[i].t); free(D->spk[i].s); }
  for (int i = 0; i < N_SMP; ++i) { free(D->smp[i].t); free(D->smp[i].s); free(D->smp[i].v); }
}

/* ---- a stopped run: its recordings are the reference's up to its time ------------------------- */
static char g_ref_file[320];   /* the reference run's recordings (written by it, read by a stopped run) */

static void ref_write(const digest *D) {
  FILE *f = fopen(g_ref_file, "wb");
  if (!f) bad("cannot write %s: %s", g_ref_file, strerror(errno));
  for (int i = 0; i < N_SPK; ++i) {
    fwrite(&D->spk[i].n, sizeof(size_t), 1, f);
    fwrite(D->spk[i].t, 8, D->spk[i].n, f);
    fwrite(D->spk[i].s, 8, D->spk[i].n, f);
  }
  for (int i = 0; i < N_SMP; ++i) {
    fwrite(&D->smp[i].n, sizeof(size_t), 1, f);
    fwrite(D->smp[i].t, 8, D->smp[i].n, f);
    fwrite(D->smp[i].s, 8, D->smp[i].n, f);
    fwrite(D->smp[i].v, 8, D->smp[i].n, f);
  }
  fclose(f);
}

/* Events (times t, n of them, sorted by time) of the reference's list that lie at or before t_end,
 * compared with the stopped run's: they must be the same, and the run must have no others. */
static void prefix_check(const char *what, int i, size_t n, const double *t, const uint64_t *s, const double *v,
                         size_t rn, const double *rt, const uint64_t *rs, const double *rv, double t_end) {
  size_t k = 0;
  while (k < rn && rt[k] <= t_end + 1e-9) ++k;
  if (n != k) bad("stopped at t = %g ms with %zu %s in list %d; the run without injection has %zu up to then", t_end, n, what, i, k);
  for (size_t q = 0; q < n; ++q)
    if (t[q] != rt[q] || s[q] != rs[q] || (v && memcmp(&v[q], &rv[q], 8) != 0))
      bad("stopped at t = %g ms: %s %zu of list %d differs from the run without injection", t_end, what, q, i);
}

static void check_stopped(const ctx *x, const digest *D) {
  FILE *f = fopen(g_ref_file, "rb");
  if (!f) bad("cannot read %s: %s", g_ref_file, strerror(errno));
  const double t_end = sg_time(x->sim);
  int ok = 1;
  for (int i = 0; i < N_SPK + N_SMP && ok; ++i) {
    const int smp = i >= N_SPK;
    size_t rn = 0;
    ok = fread(&rn, sizeof rn, 1, f) == 1;
    double *rt = malloc((rn + 1) * 8), *rv = malloc((rn + 1) * 8);
    uint64_t *rs = malloc((rn + 1) * 8);
    ok = ok && fread(rt, 8, rn, f) == rn && fread(rs, 8, rn, f) == rn && (!smp || fread(rv, 8, rn, f) == rn);
    if (ok && !smp) prefix_check("spikes", i, D->spk[i].n, D->spk[i].t, D->spk[i].s, NULL, rn, rt, rs, NULL, t_end);
    if (ok && smp) {
      const samples *M = &D->smp[i - N_SPK];
      prefix_check("samples", i - N_SPK, M->n, M->t, M->s, M->v, rn, rt, rs, rv, t_end);
    }
    free(rt); free(rv); free(rs);
  }
  fclose(f);
  if (!ok) bad("cannot read %s", g_ref_file);
}

/* ---- the files read back -------------------------------------------------------------------- */
typedef struct h5name { const char *name; uint64_t first; } h5name;

/* Dataset <top>/<pop>/<ds> as doubles or uint64 (mt); *n = its rows. */
static void *read_1d(hid_t f, const char *top, const char *pop, const char *ds, hid_t mt, size_t *n) {
  const size_t size = 8;
  char path[256];
  snprintf(path, sizeof path, "%s/%s/%s", top, pop, ds);
  hid_t d = H5Dopen2(f, path, H5P_DEFAULT);
  if (d < 0) bad("files: cannot open %s", path);
  hid_t sp = H5Dget_space(d);
  hsize_t dims[2] = {0, 0};
  const int rank = H5Sget_simple_extent_dims(sp, dims, NULL);
  const size_t total = rank == 2 ? (size_t)(dims[0] * dims[1]) : (size_t)dims[0];
  void *buf = malloc((total + 1) * size);
  if (total && H5Dread(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0) bad("files: cannot read %s", path);
  H5Sclose(sp);
  H5Dclose(d);
  *n = rank == 2 ? (size_t)dims[0] : total;
  return buf;
}

typedef struct ev { double t; uint64_t gid; double v; } ev;
static int cmp_ev(const void *a, const void *b) {
  const ev *x = a, *y = b;
  if (x->t != y->t) return x->t < y->t ? -1 : 1;
  if (x->gid != y->gid) return x->gid < y->gid ? -1 : 1;
  return 0;
}

static uint64_t first_of(const h5name *pops, size_t n_pops, const char *name) {
  for (size_t i = 0; i < n_pops; ++i)
    if (!strcmp(pops[i].name, name)) return pops[i].first;
  bad("files: unknown population '%s'", name);
}

/* the names of the groups under top (the populations of a file) */
typedef struct walk { char names[16][64]; int n; } walk;
static void list_group(hid_t f, const char *top, walk *w) {
  H5G_info_t info;
  w->n = 0;
  if (H5Gget_info_by_name(f, top, &info, H5P_DEFAULT) < 0) bad("files: no group %s", top);
  for (hsize_t i = 0; i < info.nlinks && w->n < 16; ++i)
    if (H5Lget_name_by_idx(f, top, H5_INDEX_NAME, H5_ITER_INC, i, w->names[w->n], 64, H5P_DEFAULT) > 0) w->n++;
}

/* A file of the run, open for reading, and the populations under top. */
static hid_t open_file(const char *path, const char *top, walk *w) {
  hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f < 0) bad("files: cannot open %s", path);
  list_group(f, top, w);
  return f;
}

/* The spikes of one file, all its populations, sorted like sg_spikes: equal to S. */
static void check_spike_file(const char *path, const spikes *S, const h5name *pops, size_t n_pops) {
  walk w;
  hid_t f = open_file(path, "/spikes", &w);
  ev *all = malloc((S->n + 1) * sizeof *all);
  size_t k = 0;
  for (int p = 0; p < w.n; ++p) {
    size_t nt, ni;
    double *t = read_1d(f, "/spikes", w.names[p], "timestamps", H5T_NATIVE_DOUBLE, &nt);
    uint64_t *id = read_1d(f, "/spikes", w.names[p], "node_ids", H5T_NATIVE_UINT64, &ni);
    if (nt != ni) bad("%s: population %s: %zu timestamps, %zu node_ids", path, w.names[p], nt, ni);
    if (k + nt > S->n) bad("%s: more spikes in the file than the %zu in memory", path, S->n);
    const uint64_t first = first_of(pops, n_pops, w.names[p]);
    for (size_t i = 0; i < nt; ++i) all[k++] = (ev){t[i], id[i] + first, 0.0};
    free(t);
    free(id);
  }
  H5Fclose(f);
  if (k != S->n) bad("%s: %zu spikes in the file, %zu in memory", path, k, S->n);
  qsort(all, k, sizeof *all, cmp_ev);
  for (size_t i = 0; i < k; ++i)
    if (all[i].t != S->t[i] || all[i].gid != S->s[i])
      bad("%s: spike %zu is (%.17g, %llu) in the file, (%.17g, %llu) in memory", path, i, all[i].t,
          (unsigned long long)all[i].gid, S->t[i], (unsigned long long)S->s[i]);
  free(all);
}

/* The samples of one report file, all its populations, sorted like sg_samples: equal to M. */
static void check_report_file(const char *path, const samples *M, const h5name *pops, size_t n_pops) {
  walk w;
  hid_t f = open_file(path, "/report", &w);
  ev *all = malloc((M->n + 1) * sizeof *all);
  size_t k = 0;
  for (int p = 0; p < w.n; ++p) {
    size_t rows, n_ids, n_tm;
    uint64_t *id = read_1d(f, "/report", w.names[p], "mapping/node_ids", H5T_NATIVE_UINT64, &n_ids);
    double *tm = read_1d(f, "/report", w.names[p], "mapping/time", H5T_NATIVE_DOUBLE, &n_tm);
    double *v = read_1d(f, "/report", w.names[p], "data", H5T_NATIVE_DOUBLE, &rows);
    const size_t stop_rows = (size_t)floor((tm[1] - tm[0]) / tm[2] + 0.5);
    if (stop_rows != rows) bad("%s: population %s: %zu rows, mapping/time says %zu", path, w.names[p], rows, stop_rows);
    if (k + rows * n_ids > M->n) bad("%s: more samples in the file than the %zu in memory", path, M->n);
    const uint64_t first = first_of(pops, n_pops, w.names[p]);
    for (size_t r = 0; r < rows; ++r)
      for (size_t c = 0; c < n_ids; ++c) all[k++] = (ev){tm[0] + (double)r * tm[2], id[c] + first, v[r * n_ids + c]};
    free(id);
    free(tm);
    free(v);
  }
  H5Fclose(f);
  if (k != M->n) bad("%s: %zu samples in the file, %zu in memory", path, k, M->n);
  /* times in the file are start + r step: round them to the memory's grid before sorting */
  for (size_t i = 0; i < k; ++i) all[i].t = floor(all[i].t * 1e6 + 0.5);
  qsort(all, k, sizeof *all, cmp_ev);
  for (size_t i = 0; i < k; ++i)
    if (all[i].t != floor(M->t[i] * 1e6 + 0.5) || all[i].gid != M->s[i] || memcmp(&all[i].v, &M->v[i], 8) != 0)
      bad("%s: sample %zu is (%.17g, %llu, %.17g) in the file, (%.17g, %llu, %.17g) in memory", path, i, all[i].t * 1e-6,
          (unsigned long long)all[i].gid, all[i].v, M->t[i], (unsigned long long)M->s[i], M->v[i]);
  free(all);
}

/* The files of the recorders the run made (a run that stopped early made fewer). */
static void check_files(const ctx *x, const digest *D) {
  const h5name pops[] = {{"exc", x->a.first}, {"glif", x->g.first}, {"parrots", x->par.first}, {"late", x->b.first}};
  const size_t np = sizeof pops / sizeof *pops;
  char p[512];
  if (x->sr.n) {
    snprintf(p, sizeof p, "%s/spikes_0.h5", x->dir);
    check_spike_file(p, &D->spk[0], pops, np);
    snprintf(p, sizeof p, "%s/spikes_1.h5", x->dir);
    check_spike_file(p, &D->spk[1], pops, np);
  }
  if (x->sr2.n) {
    snprintf(p, sizeof p, "%s/spikes2.h5", x->dir);
    check_spike_file(p, &D->spk[2], pops, np);
  }
  if (x->mm.n) {
    snprintf(p, sizeof p, "%s/mm_V_m.h5", x->dir);
    check_report_file(p, &D->smp[0], pops, np);
  }
  if (x->vm.n) {
    snprintf(p, sizeof p, "%s/voltmeter_%llu_V_m.h5", x->dir, (unsigned long long)x->vm.first);
    check_report_file(p, &D->smp[1], pops, np);
  }
  if (x->mm2.n) {
    snprintf(p, sizeof p, "%s/mm2_V_m.h5", x->dir);
    check_report_file(p, &D->smp[2], pops, np);
    snprintf(p, sizeof p, "%s/mm2_I_stim.h5", x->dir);
    check_report_file(p, &D->smp[3], pops, np);
  }
}

static void remove_dir(const char *dir) {
  DIR *d = opendir(dir);
  if (d) {
    struct dirent *e;
    char p[600];
    while ((e = readdir(d)))
      if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        unlink(p);
      }
    closedir(d);
  }
  rmdir(dir);
}

/* ---- one run ------------------------------------------------------------------------------- */
/* The script with the fail_at-th allocation failing (0: none). Prints "digest <hex> allocations
 * <k> injected <0|1>" and, per failed call, "call <name>: <message>". Exits 1 on a violation. */
static int one_run(int threads, long fail_at) {
  g_fail_at = fail_at;
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  const long live0 = atomic_load(&g_live);
  ctx x;
  memset(&x, 0, sizeof x);
  x.threads = threads;
  if (g_sc->files) {   /* $TMPDIR, else memory (/dev/shm): a run writes 7 small files, a sweep thousands */
    const char *tmp = getenv("TMPDIR");
    if (!tmp || !*tmp) tmp = access("/dev/shm", W_OK | X_OK) == 0 ? "/dev/shm" : "/tmp";
    snprintf(x.dir, sizeof x.dir, "%s/sg_oom_XXXXXX", tmp);
    if (!mkdtemp(x.dir)) bad("mkdtemp(%s): %s", x.dir, strerror(errno));
    g_dir = x.dir;
  }
  call(&x, -1, "sg_sim_new", op_new);
  for (size_t i = 0; i < g_sc->n; ++i) {
    const step *sp = &g_sc->steps[i];
    if (sp->run_to > 0) x.t_goal = sp->run_to;
    call(&x, (int)i, sp->name, sp->fn);
    if (x.stopped) break;
  }
  if (!x.stopped && fabs(sg_time(x.sim) - g_sc->t_end) > 1e-9) bad("the runs ended at t = %g ms, not %g ms", sg_time(x.sim), g_sc->t_end);
  if (g_is_ref) say("state %d %016llx\n", (int)g_sc->n, (unsigned long long)state_digest(&x));
  digest D;
  memset(&D, 0, sizeof D);
  take_digest(&x, &D);
  if (g_is_ref) ref_write(&D);
  if (x.stopped) check_stopped(&x, &D);
  /* sg_sim_free cannot report anything: a failure in its last flush shows in the files */
  atomic_store(&g_injected, 0);
  atomic_store(&g_armed, 1);
  sg_sim_free(x.sim);
  atomic_store(&g_armed, 0);
  if (atomic_load(&g_injected)) snprintf(g_failed_calls + strlen(g_failed_calls), sizeof g_failed_calls - strlen(g_failed_calls), "sg_sim_free: (no status)\n");
  x.sim = NULL;
  if (g_sc->files) {
    check_files(&x, &D);
    remove_dir(x.dir);
    g_dir = NULL;
  }
  const uint64_t h = D.h;
  digest_free(&D);
  const long leaked = atomic_load(&g_live) - live0;
  if (leaked) bad("%ld block(s) allocated through malloc/calloc/realloc/aligned_alloc were not freed", leaked);
  say("digest %016llx allocations %ld injected %d stopped %d\n", (unsigned long long)h, atomic_load(&g_count), atomic_load(&g_hit), x.stopped);
  if (g_failed_calls[0]) say("%s", g_failed_calls);
  return 0;
}

/* ---- the driver: one child per N ------------------------------------------------------------ */
typedef struct child { pid_t pid; int fd; long n; char *out; size_t len, cap; } child;

static void spawn(child *c, int threads, long n) {
  int p[2];
  if (pipe(p)) { perror("pipe"); exit(2); }
  fflush(stdout);
  const pid_t pid = fork();
  if (pid < 0) { perror("fork"); exit(2); }
  if (pid == 0) {
    close(p[0]);
    dup2(p[1], 1);
    dup2(p[1], 2);
    close(p[1]);
    exit(one_run(threads, n));   /* exit, not _exit: LeakSanitizer runs at exit */
  }
  close(p[1]);
  c->pid = pid;
  c->fd = p[0];
  c->n = n;
  c->len = 0;
}

/* Reads the child's output to the end and waits for it; returns its exit status (128 + signal). */
static int reap(child *c) {
  for (;;) {
    if (c->cap - c->len < 4096) {
      c->cap = c->cap ? 2 * c->cap : 65536;
      c->out = realloc(c->out, c->cap);
    }
    const ssize_t k = read(c->fd, c->out + c->len, c->cap - c->len - 1);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) break;
    c->len += (size_t)k;
  }
  c->out[c->len] = 0;
  close(c->fd);
  int ws = 0;
  while (waitpid(c->pid, &ws, 0) < 0 && errno == EINTR) {}
  return WIFEXITED(ws) ? WEXITSTATUS(ws) : WIFSIGNALED(ws) ? 128 + WTERMSIG(ws) : 255;
}

/* tally of the failed calls: "name" -> count */
typedef struct tally { char name[64]; long n; } tally;
static tally g_tally[128];
static int g_n_tally;
static void count_calls(const char *out) {
  for (const char *l = out; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
    if (!strncmp(l, "digest ", 7) || !strncmp(l, "state ", 6) || !strncmp(l, "FAIL", 4)) continue;
    const char *colon = strchr(l, ':');
    const char *nl = strchr(l, '\n');
    if (!colon || (nl && colon > nl)) continue;
    char name[64];
    snprintf(name, sizeof name, "%.*s", (int)(colon - l < 63 ? colon - l : 63), l);
    int i = 0;
    while (i < g_n_tally && strcmp(g_tally[i].name, name)) ++i;
    if (i == g_n_tally && g_n_tally < 128) snprintf(g_tally[g_n_tally++].name, 64, "%s", name);
    if (i < 128) g_tally[i].n++;
  }
}

/* The sweep of script g_sc: the run without injection, then one child per N. 0 if all passed. */
static int sweep(int threads, int jobs, long every, long from, long only) {
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  /* the reference (no injection), also in a child: the parent never starts OpenMP */
  child ref = {0};
  const char *tmp = getenv("TMPDIR");
  if (!tmp || !*tmp) tmp = access("/dev/shm", W_OK | X_OK) == 0 ? "/dev/shm" : "/tmp";
  snprintf(g_ref_file, sizeof g_ref_file, "%s/sg_oom_ref_%ld_%s.bin", tmp, (long)getpid(), g_sc->name);
  g_is_ref = 1;
  spawn(&ref, threads, 0);
  g_is_ref = 0;
  if (reap(&ref) != 0 || !strstr(ref.out, "digest ")) {
    printf("oom_check: %s: the run without injection failed:\n%s", g_sc->name, ref.out);
    unlink(g_ref_file);
    free(ref.out);
    return 1;
  }
  char want[17];
  long total = 0;
  int inj = 0;
  sscanf(strstr(ref.out, "digest "), "digest %16s allocations %ld injected %d", want, &total, &inj);
  memset(g_ref_state, 0, sizeof g_ref_state);
  for (const char *l = strstr(ref.out, "state "); l; l = strstr(l + 1, "\nstate ")) {
    int i;
    unsigned long long v;
    if (*l == '\n') ++l;
    if (sscanf(l, "state %d %llx", &i, &v) == 2 && i >= 0 && i < N_STATES) g_ref_state[i] = v;
  }
  g_have_ref = 1;
  free(ref.out);
  if (only >= 0) {   /* one N, here, with its log */
    g_verbose = g_verbose > 1 ? 2 : 1;
    const int r = one_run(threads, only);
    unlink(g_ref_file);
    return r;
  }
  printf("oom_check: %s, %d thread(s): %ld allocations in the run; failing N = %ld..%ld in turn (every %ld), %d runs at a time\n",
         g_sc->name, threads, total, from, total + 1, every, jobs);
  fflush(stdout);
  child *c = calloc((size_t)jobs, sizeof *c);
  long next = from, n_run = 0, n_bad = 0, n_not_reached = 0, n_stopped = 0;
  int running = 0;
  g_n_tally = 0;
  memset(g_tally, 0, sizeof g_tally);
  /* every N up to the count, then the count + 1, which no run reaches */
  const long last = total + 1;
  while (next <= last || running) {
    while (running < jobs && next <= last) {
      int slot = 0;
      while (c[slot].pid) ++slot;
      spawn(&c[slot], threads, next);
      next = next + every > last && next < last ? last : next + every;
      ++running;
    }
    /* wait for the oldest */
    int slot = -1;
    for (int j = 0; j < jobs; ++j)
      if (c[j].pid && (slot < 0 || c[j].n < c[slot].n)) slot = j;
    const int rc = reap(&c[slot]);
    const long n = c[slot].n;
    c[slot].pid = 0;
    --running;
    ++n_run;
    char got[17] = "";
    long cnt = 0;
    int injected = 0, stopped = 0;
    const char *dl = strstr(c[slot].out, "digest ");
    if (dl) sscanf(dl, "digest %16s allocations %ld injected %d stopped %d", got, &cnt, &injected, &stopped);
    n_stopped += stopped;
    const char *why = rc >= 128 ? "crashed" : rc ? "failed" : !dl ? "no digest" : !stopped && strcmp(got, want) ? "digest differs" : NULL;
    /* with 1 thread the count is exact; with more it may vary a little near the end */
    if (!why && !injected) {
      if (n <= total && threads == 1) why = "no allocation failed";
      else ++n_not_reached;
    }
    if (why) {
      ++n_bad;
      if (n_bad <= 5) {
        printf("N = %ld: %s (exit %d); its log:\n%s", n, why, rc, c[slot].out);
        if (rc >= 128) printf("  (signal %d: rerun with --script %s --threads %d --only %ld -vv)\n", rc - 128, g_sc->name, threads, n);
      } else if (n_bad == 6) {
        printf("(more failing N follow, listed by number only)\n");
      }
      if (n_bad > 5) printf("N = %ld: %s\n", n, why);
    } else if (g_verbose) {
      printf("N = %ld: ok\n", n);
    }
    count_calls(c[slot].out);
    fflush(stdout);
  }
  clock_gettime(CLOCK_MONOTONIC, &t1);
  printf("oom_check: %s: failed calls (how many runs saw each fail and recover):\n", g_sc->name);
  for (int i = 0; i < g_n_tally; ++i) printf("  %6ld  %s\n", g_tally[i].n, g_tally[i].name);
  char stops[64] = "";
  if (g_backend == SG_BACKEND_CUDA) snprintf(stops, sizeof stops, ", %ld stopped for good", n_stopped);
  printf("oom_check: %s, %s, %d thread(s): %ld runs, %ld not reaching N (past the end)%s, %ld failed, %.1f s\n", g_sc->name,
         g_backend == SG_BACKEND_CUDA ? "cuda" : "cpu", threads, n_run, n_not_reached, stops, n_bad,
         (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec));
  unlink(g_ref_file);
  for (int j = 0; j < jobs; ++j) free(c[j].out);
  free(c);
  return n_bad ? 1 : 0;
}

int main(int argc, char **argv) {
  /* Idle OpenMP threads sleep instead of spinning: with two runs of two threads at a time on a
   * shared machine, spinning workers take the cores their masters need (a run took seconds
   * instead of a fifth of one). libgomp reads the variable when it is loaded: start again. */
  if (!getenv("OMP_WAIT_POLICY")) {
    setenv("OMP_WAIT_POLICY", "passive", 1);
    execv("/proc/self/exe", argv);
  }
  int threads = 1, jobs = 2;
  long every = 1, from = 1, only = -1;
  const char *which = NULL;
  for (int i = 1; i < argc; ++i) {
    if (!strcmp(argv[i], "--threads") && i + 1 < argc) threads = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--jobs") && i + 1 < argc) jobs = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--every") && i + 1 < argc) every = atol(argv[++i]);
    else if (!strcmp(argv[i], "--from") && i + 1 < argc) from = atol(argv[++i]);
    else if (!strcmp(argv[i], "--only") && i + 1 < argc) only = atol(argv[++i]);
    else if (!strcmp(argv[i], "--script") && i + 1 < argc) which = argv[++i];
    else if (!strcmp(argv[i], "--backend") && i + 1 < argc) g_backend = strcmp(argv[++i], "cuda") ? SG_BACKEND_CPU : SG_BACKEND_CUDA;
    else if (!strcmp(argv[i], "-v")) g_verbose = 1;
    else if (!strcmp(argv[i], "-vv")) g_verbose = 2;
    else {
      fprintf(stderr, "usage: %s [--script network|files] [--backend cpu|cuda] [--threads T] [--jobs J] [--every S] [--from A] [--only N] [-v|-vv]\n", argv[0]);
      return 2;
    }
  }
  if (jobs < 1) jobs = 1;
  if (every < 1) every = 1;
  /* sg_model_info keeps its tables for the process: make them before any run counts blocks */
  for (size_t i = 0; i < sg_model_count(); ++i) {
    const sg_entry_info *e;
    size_t ne;
    sg_model_info(sg_model_name(i), &e, &ne);
  }
  int bad_any = 0, ran = 0;
  for (size_t k = 0; k < sizeof scripts / sizeof *scripts; ++k) {
    if (which && strcmp(which, scripts[k].name)) continue;
    if (only >= 0 && !which) { fprintf(stderr, "--only needs --script\n"); return 2; }
    g_sc = &scripts[k];
    ++ran;
    bad_any |= sweep(threads, jobs, every, from, only);
  }
  if (!ran) { fprintf(stderr, "oom_check: no script '%s': allowed network, files\n", which); return 2; }
  return bad_any;
}
