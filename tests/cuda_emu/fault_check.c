/* tests/cuda_emu/fault_check.c - what the cuda backend does when a CUDA call fails, checked under
 * the host emulation (tests/cuda_emu/emu.cpp fails the SG_EMU_FAIL_AT-th fallible call;
 * `make check-cuda-emu-faults` runs this program once per call of a run).
 *
 * The run: a small gl_exp network with a Poisson generator, random delays, recurrence, a spike
 * recorder and a multimeter, simulated in segments with changes between them (a parameter, a
 * late connection with a longer delay, a new noise generator), so prepare runs several times.
 * A failed sg_simulate is retried (up to three times per segment). The reference is the same
 * schedule on the cpu backend without faults.
 *
 * What must hold (exit 1 otherwise, with the reason):
 *   - no crash, and every failure is SG_ERR_CUDA with a message that names the CUDA error;
 *   - a failure outside running steps (prepare, uploads, the state download of sg_get) leaves the
 *     simulation usable: the retry succeeds and the whole run equals the reference bit for bit
 *     (spikes, samples, final V_m);
 *   - a failure while steps run, or a device fault (SG_EMU_FAIL_STICKY=1), stops the simulation
 *     for good ("cannot continue"); what was recorded until then is exactly the reference's
 *     prefix: nothing lost, nothing invented.
 * Prints one line: the outcome. Test harness only (linked against the emulation). */
/* SPDX-License-Identifier: MIT */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spikegpu.h"

#define N_NEURONS 40
#define T_SEGMENT 3.0
#define N_SEGMENTS 5

typedef struct record {
  size_t n_spk, n_smp;
  double *spk_t, *smp_t, *smp_v;
  uint64_t *spk_s, *smp_s;
  double v_end[N_NEURONS];
  double t_end;
  int poisoned, failures;
  char first_error[600];
} record;

static int fail_setup(const char *what, sg_sim *sim) {
  fprintf(stderr, "fault_check: setup failed at %s: %s\n", what, sim ? sg_errmsg(sim) : "");
  return 1;
}

/* A failed call: must be SG_ERR_CUDA naming the CUDA error (exit 1 otherwise); the first is kept.
 * Returns 1 when the message says the simulation stopped for good. */
static int cuda_failure(record *r, sg_sim *sim, sg_status st) {
  if (!r->failures++) snprintf(r->first_error, sizeof r->first_error, "%s: %s", sg_status_str(st), sg_errmsg(sim));
  if (st != SG_ERR_CUDA || !strstr(sg_errmsg(sim), "cudaError")) {
    printf("FAIL: a failure that is not SG_ERR_CUDA naming the CUDA error: %s: %s\n", sg_status_str(st), sg_errmsg(sim));
    exit(1);
  }
  return strstr(sg_errmsg(sim), "cannot continue") != NULL;
}

/* The schedule; returns 0 or 1 (a setup call failed: not a cuda matter, the harness is wrong). */
static int run(sg_backend backend, record *r) {
  memset(r, 0, sizeof *r);
  sg_config cfg;
  sg_config_default(&cfg);
  cfg.backend = backend;
  cfg.verbose = 0;
  cfg.seed = 77;
  cfg.flush_interval_ms = 1.7;   /* several recording batches per segment */
  sg_sim *sim = NULL;
  char err[512];
  if (sg_sim_new(&cfg, &sim, err, sizeof err)) { fprintf(stderr, "fault_check: %s\n", err); return 1; }
  sg_nodes n, pg, sr, mm, ng;
  sg_syn_spec s;
  sg_syn_spec_default(&s);
  s.weight = sg_scalar(0.6);
  s.delay = sg_random_uniform(0.1, 2.0);
  const char *vars[] = {"V_m"};
  if (sg_create(sim, "gl_exp", N_NEURONS, &n) || sg_set(sim, n, "I_e", 380.0)) return fail_setup("neurons", sim);
  if (sg_create(sim, "poisson_generator", 1, &pg) || sg_set(sim, pg, "rate", 3000.0) ||
      sg_connect(sim, pg, n, NULL, &s) || sg_connect(sim, n, n, NULL, &s))
    return fail_setup("connections", sim);
  if (sg_create(sim, "spike_recorder", 1, &sr) || sg_connect(sim, n, sr, NULL, NULL)) return fail_setup("recorder", sim);
  if (sg_create(sim, "multimeter", 1, &mm) || sg_set(sim, mm, "interval", 0.5) ||
      sg_set_strs(sim, mm, "record_from", vars, 1) || sg_connect(sim, mm, sg_slice(n, 0, 6), NULL, NULL))
    return fail_setup("multimeter", sim);
  for (int seg = 0; seg < N_SEGMENTS && !r->poisoned; ++seg) {
    const double target = T_SEGMENT * (seg + 1);
    for (int attempt = 0; attempt < 4 && sg_time(sim) < target - 1e-9; ++attempt) {
      const sg_status st = sg_simulate(sim, target - sg_time(sim));
      if (st == SG_OK) continue;
      if (st == SG_ERR_STATE && r->failures && strstr(sg_errmsg(sim), "unusable")) {   /* said so before */
        r->poisoned = 1;
        break;
      }
      if (cuda_failure(r, sim, st)) { r->poisoned = 1; break; }
    }
    if (r->poisoned) break;
    if (sg_time(sim) < target - 1e-9) {
      printf("FAIL: a failure that did not stop the simulation, but retries do not get past t = %g ms: %s\n",
             sg_time(sim), r->first_error);
      exit(1);
    }
    /* changes between runs: each makes the next sg_simulate prepare again */
    if (seg == 0 && sg_set(sim, sg_slice(n, 0, 10), "I_e", 420.0)) return fail_setup("set", sim);
    if (seg == 1) {
      sg_syn_spec late = s;
      late.delay = sg_scalar(6.0);   /* a longer delay: the ring grows */
      if (sg_connect(sim, sg_slice(n, 0, 5), sg_slice(n, 5, 10), NULL, &late)) return fail_setup("late connect", sim);
    }
    if (seg == 2 && (sg_create(sim, "noise_generator", 1, &ng) || sg_set(sim, ng, "std", 50.0) ||
                     sg_connect(sim, ng, n, NULL, NULL)))
      return fail_setup("noise generator", sim);
  }
  r->t_end = sg_time(sim);
  /* recordings: must be readable whatever happened */
  if (sg_spikes(sim, sr.first, NULL, NULL, 0, &r->n_spk) || sg_samples(sim, mm.first, "V_m", NULL, NULL, NULL, 0, &r->n_smp))
    return fail_setup("reading the recordings", sim);
  r->spk_t = malloc((r->n_spk + 1) * sizeof(double));
  r->spk_s = malloc((r->n_spk + 1) * sizeof(uint64_t));
  r->smp_t = malloc((r->n_smp + 1) * sizeof(double));
  r->smp_s = malloc((r->n_smp + 1) * sizeof(uint64_t));
  r->smp_v = malloc((r->n_smp + 1) * sizeof(double));
  size_t got = 0;
  if (sg_spikes(sim, sr.first, r->spk_t, r->spk_s, r->n_spk, &got) ||
      sg_samples(sim, mm.first, "V_m", r->smp_t, r->smp_s, r->smp_v, r->n_smp, &got))
    return fail_setup("reading the recordings", sim);
  if (!r->poisoned)
    for (uint64_t i = 0; i < N_NEURONS; ++i) {
      /* reading the state downloads it: a transient failure there is reported, and a retry works */
      sg_status st = sg_get(sim, n.first + i, "V_m", &r->v_end[i]);
      if (st != SG_OK) {
        if (cuda_failure(r, sim, st)) { r->poisoned = 1; break; }   /* a device fault */
        st = sg_get(sim, n.first + i, "V_m", &r->v_end[i]);
      }
      if (st != SG_OK) {
        printf("FAIL: sg_get still fails after a transient failure: %s\n", sg_errmsg(sim));
        exit(1);
      }
    }
  sg_sim_free(sim);
  return 0;
}

static void record_free(record *r) {
  free(r->spk_t); free(r->spk_s); free(r->smp_t); free(r->smp_s); free(r->smp_v);
}

/* Events of the reference up to and including time t (ms). */
static size_t prefix(const double *t, size_t n, double t_end) {
  size_t k = 0;
  while (k < n && t[k] <= t_end + 1e-9) ++k;
  return k;
}

int main(void) {
  record ref, got;
  if (run(SG_BACKEND_CPU, &ref)) return 2;
  if (ref.failures || ref.t_end < T_SEGMENT * N_SEGMENTS - 1e-9 || ref.n_spk < 50) {
    printf("FAIL: the reference run is not what the check needs (%zu spikes, t = %g)\n", ref.n_spk, ref.t_end);
    return 1;
  }
  if (run(SG_BACKEND_CUDA, &got)) return 2;
  int bad = 0;
  const int complete = got.t_end >= T_SEGMENT * N_SEGMENTS - 1e-9;
  if (!complete && !got.poisoned) { printf("FAIL: stopped early without saying it cannot continue\n"); bad = 1; }
  /* spikes and samples: the reference's prefix up to the stop (the whole reference when complete) */
  const size_t want_spk = complete ? ref.n_spk : prefix(ref.spk_t, ref.n_spk, got.t_end);
  const size_t want_smp = complete ? ref.n_smp : prefix(ref.smp_t, ref.n_smp, got.t_end);
  if (got.n_spk != want_spk || got.n_smp != want_smp) {
    printf("FAIL: %zu spikes and %zu samples kept up to t = %g ms, the reference has %zu and %zu\n", got.n_spk, got.n_smp,
           got.t_end, want_spk, want_smp);
    bad = 1;
  }
  for (size_t i = 0; i < got.n_spk && i < want_spk && !bad; ++i)
    if (got.spk_t[i] != ref.spk_t[i] || got.spk_s[i] != ref.spk_s[i]) {
      printf("FAIL: spike %zu: (%.17g, %llu), reference (%.17g, %llu)\n", i, got.spk_t[i], (unsigned long long)got.spk_s[i],
             ref.spk_t[i], (unsigned long long)ref.spk_s[i]);
      bad = 1;
    }
  for (size_t i = 0; i < got.n_smp && i < want_smp && !bad; ++i)
    if (got.smp_t[i] != ref.smp_t[i] || got.smp_s[i] != ref.smp_s[i] ||
        memcmp(&got.smp_v[i], &ref.smp_v[i], sizeof(double)) != 0) {
      printf("FAIL: sample %zu: (%.17g, %llu, %.17g), reference (%.17g, %llu, %.17g)\n", i, got.smp_t[i],
             (unsigned long long)got.smp_s[i], got.smp_v[i], ref.smp_t[i], (unsigned long long)ref.smp_s[i], ref.smp_v[i]);
      bad = 1;
    }
  if (complete && !got.poisoned)
    for (int i = 0; i < N_NEURONS && !bad; ++i)
      if (memcmp(&got.v_end[i], &ref.v_end[i], sizeof(double)) != 0) {
        printf("FAIL: final V_m of neuron %d: %.17g, reference %.17g\n", i, got.v_end[i], ref.v_end[i]);
        bad = 1;
      }
  if (!bad) {
    if (!got.failures) printf("ok: no failure reached the backend\n");
    else if (complete && !got.poisoned) printf("ok: recovered after %d failure(s), identical to the reference; first: %.200s\n", got.failures, got.first_error);
    else printf("ok: stopped at t = %g ms with %zu spikes and %zu samples kept (a prefix of the reference); %.200s\n", got.t_end,
                got.n_spk, got.n_smp, got.first_error);
  }
  record_free(&ref);
  record_free(&got);
  return bad;
}
