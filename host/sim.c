/* host/sim.c - the top of host/: configuration, backend choice, sg_sim_new/free, and
 * sg_simulate's outer loop (chunks between recorder flushes, SIGINT, progress line, run stats).
 * Errors live in status.c, populations in pop.c and create.c, memory checks in mem.c
 * (tests/check_layering.sh keeps host/ free of circles). */
/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <float.h>
#include <math.h>
#include <omp.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"
#include "ranks.h"

const char *sg_errmsg(const sg_sim *sim) { return sim ? sim->msg : "sim is NULL"; }
const char *sg_backend_used(const sg_sim *sim) { return sim && sim->backend ? sim->backend->name : "none"; }
const char *sg_backend_reason(const sg_sim *sim) { return sim ? sim->backend_reason : ""; }
double sg_time(const sg_sim *sim) { return sim ? (double)sim->step * sim->h : 0.0; }
uint64_t sg_steps(const sg_sim *sim) { return sim ? sim->step : 0; }

void sg_config_default(sg_config *cfg) {
  if (!cfg) return;
  memset(cfg, 0, sizeof *cfg);
  cfg->resolution_ms = 0.1;
  cfg->seed = 143202461u;
  cfg->backend = SG_BACKEND_AUTO;
  cfg->threads = 0;
  cfg->output_dir = NULL;
  cfg->keep_in_memory = 1;
  cfg->progress = 0;
  cfg->flush_interval_ms = 100.0;
  cfg->cuda_block_size = 0;
  cfg->verbose = 1;
  cfg->overwrite_files = 0;
}

static int mkdir_p(const char *path) {
  char tmp[4096];
  if (snprintf(tmp, sizeof tmp, "%s", path) >= (int)sizeof tmp) return ENAMETOOLONG;
  for (char *p = tmp + 1; *p; ++p)
    if (*p == '/') {
      *p = 0;
      if (mkdir(tmp, 0777) && errno != EEXIST) return errno;
      *p = '/';
    }
  if (mkdir(tmp, 0777) && errno != EEXIST) return errno;
  struct stat st;
  if (stat(tmp, &st) || !S_ISDIR(st.st_mode)) return ENOTDIR;
  return 0;
}

sg_status sg_sim_new(const sg_config *cfg_in, sg_sim **out, char *err, size_t errlen) {
  if (!out) return sg_i_errout(err, errlen, SG_ERR_ARG, "sg_sim_new: out is NULL");
  *out = NULL;
  sg_config cfg;
  if (cfg_in) cfg = *cfg_in; else sg_config_default(&cfg);
  const double h = cfg.resolution_ms;
  char nb[40];
  if (!(h > 0.0) || !isfinite(h))
    return sg_i_errout(err, errlen, SG_ERR_ARG, "resolution_ms = %s: allowed > 0 and finite, a multiple of the tic (0.001 ms)", sg_i_num(h, nb, sizeof nb));
  if (h > 1e6)
    return sg_i_errout(err, errlen, SG_ERR_ARG, "resolution_ms = %s: allowed at most 1e6 ms", sg_i_num(h, nb, sizeof nb));
  /* Time is a whole number of tics per step (sim->tics_per_step), so h must be one: up to the
   * rounding of its decimal text (0.1 is 0.1000000000000000055..., 0.1 * 3 is 0.30000000000000004),
   * nothing else. A value further off (0.1000000001) is refused, not rounded: with it sg_time(),
   * the propagators and the tic grid of spike and delay times would disagree. */
  const double tics = floor(h * SG_TICS_PER_MS + 0.5);
  if (tics < 1.0)
    return sg_i_errout(err, errlen, SG_ERR_ARG,
                  "resolution_ms = %s: allowed a positive multiple of the tic (0.001 ms)", sg_i_num(h, nb, sizeof nb));
  if (fabs(h - tics / SG_TICS_PER_MS) > 4.0 * DBL_EPSILON * h) {
    char nb2[40];
    return sg_i_errout(err, errlen, SG_ERR_ARG,
                  "resolution_ms = %s: allowed a multiple of the tic (0.001 ms), as time is kept in whole tics per step; the nearest is %s ms",
                  sg_i_num(h, nb, sizeof nb), sg_i_num(tics / SG_TICS_PER_MS, nb2, sizeof nb2));
  }
  if (cfg.backend != SG_BACKEND_AUTO && cfg.backend != SG_BACKEND_CPU && cfg.backend != SG_BACKEND_CUDA)
    return sg_i_errout(err, errlen, SG_ERR_ARG, "backend = %d: allowed SG_BACKEND_AUTO (0), SG_BACKEND_CPU (1), SG_BACKEND_CUDA (2)", (int)cfg.backend);
  if (cfg.threads < 0 || cfg.threads > 4096)
    return sg_i_errout(err, errlen, SG_ERR_ARG, "threads = %d: allowed 0 (OpenMP default) .. 4096", cfg.threads);
  /* bounded like every time (9e12 ms = 9e15 tics): flush_interval_ms / h becomes a step count */
  if (!(cfg.flush_interval_ms > 0.0) || !(cfg.flush_interval_ms <= SG_I_MAX_TIME_MS))
    return sg_i_errout(err, errlen, SG_ERR_ARG, "flush_interval_ms = %s: allowed > 0, finite and at most " SG_I_STR(SG_I_MAX_TIME_MS) " ms", sg_i_num(cfg.flush_interval_ms, nb, sizeof nb));
  if (cfg.cuda_block_size < 0 || cfg.cuda_block_size > 1024 || (cfg.cuda_block_size % 32) != 0)
    return sg_i_errout(err, errlen, SG_ERR_ARG, "cuda_block_size = %d: allowed 0 (default) or a multiple of 32 up to 1024", cfg.cuda_block_size);
  if (cfg.report_double != 0 && cfg.report_double != 1)
    return sg_i_errout(err, errlen, SG_ERR_ARG, "report_double = %d: allowed 0 or 1", cfg.report_double);
  if (cfg.keep_in_memory != 0 && cfg.keep_in_memory != 1)
    return sg_i_errout(err, errlen, SG_ERR_ARG, "keep_in_memory = %d: allowed 0 or 1", cfg.keep_in_memory);
  if (cfg.overwrite_files != 0 && cfg.overwrite_files != 1)
    return sg_i_errout(err, errlen, SG_ERR_ARG, "overwrite_files = %d: allowed 0 or 1", cfg.overwrite_files);
  if (cfg.output_dir && (strlen(cfg.output_dir) == 0 || strlen(cfg.output_dir) >= 3800))
    return sg_i_errout(err, errlen, SG_ERR_ARG, "output_dir is %zu characters long: allowed 1 .. 3799 (or NULL for no files)", strlen(cfg.output_dir));
  if (!cfg.output_dir && !cfg.keep_in_memory)
    return sg_i_errout(err, errlen, SG_ERR_ARG, "keep_in_memory = 0 needs an output_dir: recordings would be lost");

  /* MPI ranks (docs/mpi.md): started here when the process was launched by mpirun */
  if (sg_mpi_setup(err, errlen)) return SG_ERR_STATE;
  const int ranks = sg_mpi_size(), writer = sg_mpi_rank() == 0;

  /* backend choice: once, with the reason kept. With MPI ranks every rank probes its device 0
   * (ranks on one machine share it, docs/mpi.md) and all take cuda only if every rank can. */
  const sg_backend_ops *backend = &sg_i_cpu_backend;
  char why[256] = "", reason[300];
  if (cfg.backend == SG_BACKEND_CPU) {
    snprintf(reason, sizeof reason, "cpu: requested");
  } else {
    int ok = sg_cuda_available(why, sizeof why);
    if (ranks > 1) {   /* collective: every rank that did not ask for cpu */
      uint64_t all = (uint64_t)ok;
      sg_mpi_min_u64(&all, 1);
      if (ok && !all) snprintf(why, sizeof why, "another MPI rank has no usable CUDA device");
      ok = all != 0;
    }
    if (ok) {
      backend = &sg_i_cuda_backend;
      snprintf(reason, sizeof reason, "cuda: %s", why);
    } else if (cfg.backend == SG_BACKEND_CUDA) {
      return sg_i_errout(err, errlen, SG_ERR_NO_DEVICE, "backend cuda requested but %s", why);
    } else {
      snprintf(reason, sizeof reason, "cpu (cuda: %s)", why);
    }
  }

  /* only the writer rank touches the output folder (docs/mpi.md); every rank gets its verdict */
  sg_out_claim claim = {.fd = -1};
  sg_status cs = SG_OK;
  if (cfg.output_dir && writer) {
    int e = mkdir_p(cfg.output_dir);
    if (e) cs = sg_i_errout(err, errlen, SG_ERR_IO, "output_dir '%s' cannot be created: %s: allowed a directory that exists or can be made, and written to", cfg.output_dir, strerror(e));
    /* files are created at the first sg_simulate: say now, not after the network is built */
    else if (access(cfg.output_dir, W_OK | X_OK) != 0) {
      e = errno;
      cs = sg_i_errout(err, errlen, SG_ERR_IO, "output_dir '%s' is not writable: %s: allowed a directory that can be written to", cfg.output_dir, strerror(e));
    }
    /* the folder for this run alone: a second writer is refused here, not after the network is built */
    else cs = sg_i_output_claim(cfg.output_dir, cfg.overwrite_files, cfg.verbose, &claim, err, errlen);
  }
  if (ranks > 1 && err && errlen) cs = (sg_status)sg_mpi_agree((int)cs, err, errlen);
  if (cs) {
    sg_i_output_release(&claim, cfg.output_dir);
    return cs;
  }

  sg_sim *sim = calloc(1, sizeof *sim);
  if (!sim) {
    sg_i_output_release(&claim, cfg.output_dir);
    return sg_i_errout(err, errlen, SG_ERR_NOMEM, "sg_sim_new: out of memory");
  }
  sim->out_claim = claim;
  sim->cfg = cfg;
  if (cfg.output_dir) {
    snprintf(sim->output_dir, sizeof sim->output_dir, "%s", cfg.output_dir);
    sim->cfg.output_dir = sim->output_dir;
  }
  sim->tics_per_step = (int64_t)tics;   /* 1 .. 1e9 (h <= 1e6 ms) */
  sim->h = (double)sim->tics_per_step / SG_TICS_PER_MS;   /* the grid value: h itself for 0.1, 0.25, ... */
  sim->cfg.resolution_ms = sim->h;
  sim->backend = backend;
  snprintf(sim->backend_reason, sizeof sim->backend_reason, "%s", reason);
  sim->dirty = 1;
  if (cfg.verbose && writer) fprintf(stderr, "spikegpu: backend %s\n", reason);
  *out = sim;
  return SG_OK;
}

void sg_sim_free(sg_sim *sim) {
  if (!sim) return;
  sg_i_record_flush(sim, 1);
  if (sim->backend && sim->backend->release) sim->backend->release(sim);
  sg_i_record_free(sim);
  sg_i_output_release(&sim->out_claim, sim->output_dir);   /* after the files are closed */
  sg_i_stim_free(sim);
  for (size_t i = 0; i < sim->n_pops; ++i) sg_i_pop_free(sim->pops[i]);
  free(sim->pops);
  sg_i_edges_free(&sim->edges);
  sg_i_proc_free(sim);
  sg_i_csr_free(&sim->csr);
  sg_i_csr_free(&sim->gen_csr);
  free(sim->rec_row);
  free(sim->rec_idx);
  free(sim->abs_w_sum);
  free(sim->ring);
  free(sim->spk_buf);
  free(sim->spk_mult);
  free(sim);
}

/* ---- running ---------------------------------------------------------------------------- */
/* Ctrl-C. The first sg_simulate to start (of any simulation, in any thread) installs on_sigint
 * and keeps the handler it replaced; the last one to end puts that handler back. sigint_lock
 * guards the count and the saved handler, so concurrent runs in several threads cannot leave
 * on_sigint installed. The handler only counts SIGINTs: a run notes the count when it starts
 * and is interrupted once the count has changed, so one Ctrl-C reaches every simulation running
 * at that moment and none of them consumes it for the others. */
static pthread_mutex_t sigint_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned sigint_users;            /* running sg_simulate calls; under sigint_lock */
static struct sigaction sigint_prev;     /* the handler before the first of them         */
static atomic_ulong sigint_count;        /* SIGINTs received while installed             */
_Static_assert(ATOMIC_LONG_LOCK_FREE == 2, "the SIGINT counter must be lock-free to be used in a signal handler");
static void on_sigint(int sig) { (void)sig; atomic_fetch_add_explicit(&sigint_count, 1ul, memory_order_relaxed); }

/* Installs on_sigint for one more run; returns the SIGINT count at its start. */
static unsigned long sigint_acquire(void) {
  pthread_mutex_lock(&sigint_lock);
  if (sigint_users++ == 0) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sa.sa_flags = SA_RESTART;   /* system calls of the HDF5 writer are not cut short */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &sigint_prev);
  }
  const unsigned long c = atomic_load(&sigint_count);
  pthread_mutex_unlock(&sigint_lock);
  return c;
}

static void sigint_release(void) {
  pthread_mutex_lock(&sigint_lock);
  if (--sigint_users == 0) sigaction(SIGINT, &sigint_prev, NULL);
  pthread_mutex_unlock(&sigint_lock);
}

static int sigint_since(unsigned long c0) { return atomic_load(&sigint_count) != c0; }

/* Steps of the next sub-run: what takes SG_SUBRUN_S of wall time at the rate of the last one
 * (n steps in dt s), at least 1 and at most 8x the current size, so that one fast sub-run (a
 * quiet phase, timer noise) cannot make the next one overshoot much. SIGINT is checked after
 * every sub-run: SG_SUBRUN_S = 0.05 keeps the reaction well within 0.1 s. */
#define SG_SUBRUN_S 0.05
static uint64_t subrun_steps(uint64_t cur, uint64_t n, double dt) {
  /* a fixed length instead, for counting launches and waits per step under the CUDA emulation,
   * whose steps are slow enough to make every sub-run one step (bench/cuda_profile_emu.sh) */
  const char *fixed = getenv("SG_SUBRUN_STEPS");
  if (fixed && strtoull(fixed, NULL, 10) > 0) return strtoull(fixed, NULL, 10);
  const double cap = 8.0 * (double)(cur > n ? cur : n);
  double want = dt > 0.0 ? (double)n * (SG_SUBRUN_S / dt) : cap;
  if (!(want < cap)) want = cap;
  if (want > 1099511627776.0) want = 1099511627776.0;   /* 2^40: never more steps than a run has */
  return want < 1.0 ? 1 : (uint64_t)want;
}

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Multimeter memory of the coming run, checked before it starts: an upper bound of the rows each
 * multimeter takes (every due stamp in (step, step + n_steps], at most one per interval), kept
 * all (keep_in_memory) or one flush chunk at a time. Spike counts cannot be known in advance;
 * sg_i_srec_push refuses growth beyond the available memory instead. */
static sg_status check_record_memory(sg_sim *sim, uint64_t n_steps, uint64_t chunk) {
  double need = 0.0;
  for (size_t j = 0; j < sim->n_mm; ++j) {
    const sg_multimeter *m = &sim->mm[j];
    if (!m->n_targets || !m->n_vars || m->interval < 1) continue;
    const double span = (double)(sim->cfg.keep_in_memory ? n_steps : (chunk < n_steps ? chunk : n_steps));
    const double rows = floor(span / (double)m->interval) + 1.0 + (sim->cfg.keep_in_memory ? (double)m->n_rows : 0.0);
    const double row_bytes = 8.0 + 8.0 * (double)m->n_targets * (double)m->n_vars;
    const double have = (double)m->cap_rows * row_bytes;
    const double want = rows * row_bytes;
    if (want > have) need += want - have;
  }
  const uint64_t avail = sg_i_host_mem_available();
  if (avail && need > 0.9 * (double)avail)
    return sg_i_fail(sim, SG_ERR_NOMEM, "sg_simulate: the multimeters' samples of this run need up to %.2f GiB of host memory, %.2f GiB available: allowed shorter runs, a longer interval, fewer recorded nodes, or keep_in_memory = 0 with an output_dir",
                     need / 1073741824.0, (double)avail / 1073741824.0);
  return SG_OK;
}

sg_status sg_simulate(sg_sim *sim, double t_ms) {
  if (!sim) return SG_ERR_ARG;
  char nb[40];
  if (sim->poisoned)
    return sg_i_fail(sim, SG_ERR_STATE, "sg_simulate: an earlier error left this simulation unusable (%s); recorded data up to it was kept", sim->backend_reason);
  if (!(t_ms >= 0.0) || !isfinite(t_ms))
    return sg_i_fail(sim, SG_ERR_ARG, "sg_simulate: t = %s ms: allowed >= 0 and finite, a multiple of the resolution %g ms", sg_i_num(t_ms, nb, sizeof nb), sim->h);
  const double max_steps = (double)((uint64_t)1 << 40) - 1.0 - (double)sim->step;
  if (t_ms > SG_I_MAX_TIME_MS || t_ms / sim->h > max_steps + 0.5)
    return sg_i_fail(sim, SG_ERR_ARG, "sg_simulate: t = %s ms at t = %g ms would pass 2^40 steps (%g ms at resolution %g ms), the limit of the random-number counters: allowed at most %g ms more",
                     sg_i_num(t_ms, nb, sizeof nb), sg_time(sim), (double)((uint64_t)1 << 40) * sim->h, sim->h, max_steps * sim->h);
  const int64_t tics = sg_ms_to_tics(t_ms);
  if (fabs((double)tics - t_ms * SG_TICS_PER_MS) > 1e-6 * (1.0 + fabs(t_ms * SG_TICS_PER_MS)) || tics % sim->tics_per_step)
    return sg_i_fail(sim, SG_ERR_ARG, "sg_simulate: t = %s ms: allowed a multiple of the resolution %g ms", sg_i_num(t_ms, nb, sizeof nb), sim->h);
  const uint64_t n_steps = (uint64_t)(tics / sim->tics_per_step);
  if (sim->step + n_steps >= ((uint64_t)1 << 40))
    return sg_i_fail(sim, SG_ERR_ARG, "sg_simulate: t = %s ms at t = %g ms would pass 2^40 steps (%g ms at resolution %g ms), the limit of the random-number counters: allowed at most %g ms more",
                     sg_i_num(t_ms, nb, sizeof nb), sg_time(sim), (double)((uint64_t)1 << 40) * sim->h, sim->h, max_steps * sim->h);
  if (sim->cfg.threads > 0) omp_set_num_threads(sim->cfg.threads);
  const int ranks = sg_mpi_size(), writer = sg_mpi_rank() == 0;
  sg_status st = SG_OK;
  if (sim->dirty) {
    if (sim->backend->flush) sim->backend->flush(sim);
    st = sg_i_prepare(sim);
    if (st == SG_OK) st = sim->backend->prepare(sim);
    if (ranks > 1) st = (sg_status)sg_mpi_agree((int)st, sim->msg, sizeof sim->msg);
    if (st) return st;
    sim->dirty = 0;
  }
  if (n_steps == 0) return SG_OK;

  /* flush_interval_ms <= 9e12 (sg_sim_new): the quotient fits; a chunk never exceeds 2^40 steps */
  const double chunk_d = floor(sim->cfg.flush_interval_ms / sim->h + 0.5);
  const uint64_t chunk = chunk_d < 1.0 ? 1 : chunk_d >= 1099511627776.0 ? ((uint64_t)1 << 40) : (uint64_t)chunk_d;
  st = check_record_memory(sim, n_steps, chunk);
  if (ranks > 1) st = (sg_status)sg_mpi_agree((int)st, sim->msg, sizeof sim->msg);
  if (st) return st;

  /* The recorders flush every `chunk` steps. Within a chunk the backend runs sub-runs of about
   * SG_SUBRUN_S wall time each (results do not depend on how runs are split), and SIGINT is
   * checked after each: it ends the run at that step boundary, after flushing what was recorded. */
  const unsigned long sigint0 = sigint_acquire();
  const double t0 = now_s();
  double last_print = t0;
  const uint64_t start_step = sim->step, end_step = sim->step + n_steps;
  const uint64_t updates0 = sim->stats.neuron_updates;
  uint64_t sub = 1;
  int interrupted = 0;
  while (sim->step < end_step) {
    uint64_t todo = end_step - sim->step;
    if (todo > chunk) todo = chunk;
    const uint64_t chunk_end = sim->step + todo;
    while (sim->step < chunk_end) {
      const uint64_t n = chunk_end - sim->step < sub ? chunk_end - sim->step : sub;
      const double ts = now_s();
      if ((st = sim->backend->run(sim, n))) break;
      const double t = now_s();
      sub = subrun_steps(sub, n, t - ts);
      interrupted = sigint_since(sigint0);
      if (ranks > 1) {   /* every rank runs the same sub-runs and stops at the same step */
        uint64_t v[2] = {sub, interrupted ? 0u : 1u};
        sg_mpi_min_u64(v, 2);
        sub = v[0];
        interrupted = v[1] == 0;
      }
      if (sim->cfg.progress && writer && t - last_print > 1.0 && t - t0 > 2.0) {
        const double done = (double)(sim->step - start_step) / (double)n_steps;
        /* the real-time factor as NEST and the literature define it: wall / simulated time */
        const double sim_s = (double)(sim->step - start_step) * sim->h * 1e-3;
        fprintf(stderr, "\rspikegpu: t = %.1f ms  %5.1f%%  rtf %.3g (%.3g x real time)  %.3g updates/s   ",
                sg_time(sim), 100.0 * done, (t - t0) / sim_s, sim_s / (t - t0),
                (double)(sim->stats.neuron_updates - updates0) / (t - t0));
        last_print = t;
      }
      if (interrupted) break;
    }
    if (st) {
      /* keep what was recorded up to the failure: flush it (the run's error is reported) */
      char msg[SG_MSG_LEN];
      memcpy(msg, sim->msg, sizeof msg);
      sg_i_record_flush(sim, 0);
      memcpy(sim->msg, msg, sizeof msg);
      break;
    }
    st = sg_i_record_flush(sim, 1);
    if (ranks > 1) st = (sg_status)sg_mpi_agree((int)st, sim->msg, sizeof sim->msg);   /* the writer's verdict */
    if (st) break;
    if (interrupted) {
      st = sg_i_fail(sim, SG_ERR_INTERRUPTED, "sg_simulate: interrupted (SIGINT) at t = %g ms (step %llu); recordings up to it were flushed",
                     sg_time(sim), (unsigned long long)sim->step);
      break;
    }
  }
  /* a SIGINT during the last sub-run still ends the caller's loop: it is not swallowed (on
   * every rank, or on none) */
  int late_sigint = sigint_since(sigint0);
  if (ranks > 1 && st == SG_OK) {
    int64_t v = late_sigint;
    sg_mpi_max_i64(&v, 1);
    late_sigint = v != 0;
  }
  if (st == SG_OK && late_sigint)
    st = sg_i_fail(sim, SG_ERR_INTERRUPTED, "sg_simulate: interrupted (SIGINT) at t = %g ms (step %llu), the end of this run; recordings up to it were flushed",
                   sg_time(sim), (unsigned long long)sim->step);
  /* MPI ranks: every rank's share of the state to every rank (collective; docs/mpi.md) */
  if (ranks > 1 && sim->backend->sync) {
    const sg_status ss = sim->backend->sync(sim);
    if (st == SG_OK) st = ss;
  }
  const double t1 = now_s();
  if (sim->cfg.progress && writer && t1 - t0 > 2.0) fprintf(stderr, "\n");
  sim->stats.wall_s += t1 - t0;
  sigint_release();
  return st;
}

sg_status sg_mpi_info_get(sg_sim *sim, sg_mpi_info *out) {
  if (!sim) return SG_ERR_ARG;
  if (!out) return sg_i_fail(sim, SG_ERR_ARG, "sg_mpi_info_get: out is NULL");
  *out = sim->mpi;
  out->rank = sg_mpi_rank();
  out->ranks = sg_mpi_size();
  return SG_OK;
}

sg_status sg_run_stats_get(sg_sim *sim, sg_run_stats *out) {
  if (!sim) return SG_ERR_ARG;
  if (!out) return sg_i_fail(sim, SG_ERR_ARG, "sg_run_stats_get: out is NULL");
  *out = sim->stats;
  return SG_OK;
}
