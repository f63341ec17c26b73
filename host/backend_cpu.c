/* host/backend_cpu.c - the reference backend: the step loop of docs/design.md §4 in plain C + OpenMP.
 *
 * Step k: (1) generators add their events for stamp k+1 into slots k + d; (2) every neuron
 * population runs its SG_HD step on slot k (read and cleared) and lists its spikes; (3) the
 * spikes are delivered through the CSR into slots k + d; (4) recorders store spikes stamped
 * k+1 and multimeters sample.
 *
 * Determinism: inputs are Q31.32 integers, so the order in which threads add them cannot
 * change a bit (integer addition is associative); spikes are recorded in id order whatever the
 * thread count (each thread updates a contiguous id range of every population and the lists are
 * read population by population, thread by thread). Random numbers are counter-based (no state),
 * so the thread count does not matter either.
 *
 * THREADS AND WINDOWS. One OpenMP parallel region per sg_simulate chunk (sim.c: up to a recorder
 * flush), not per step. The steps run in windows of W <= min_delay steps (run_window: each thread
 * runs all W steps of one block of its nodes, with the block's Poisson events, before the next
 * block), then:
 *     barrier
 *     the window's spikes are delivered, step by step, into the inputs the thread OWNS;
 *     master: statistics, spike recorders and multimeters, step by step
 *     barrier
 * Windows end at every multimeter sample. With spike, step current or noise generators that have
 * targets (state that advances step by step) W = 1 and a step is: [master: those generators; barrier] Poisson counts of
 * a share of each generator's targets + updates of a share of each population; barrier; Poisson
 * events and deliveries into the owned inputs, master records; barrier.
 * Ownership: thread t owns the ring inputs [split[t], split[t+1]) (the same range in every slot), so
 * no two threads ever add to the same int64 and no atomics are needed. The split points balance
 * the synapses per thread (a sample of the CSR's target inputs) and are multiples of 8 inputs (one
 * cache line). A CSR segment's inputs ascend (csr.c), so each thread finds the synapses it owns in
 * a spike's row by binary search and reads only those. The barrier is our own (spin briefly, then
 * yield), see barrier(). With one thread there is no parallel region, no barrier and no filter.
 * bench/RESULTS.md has the measurements behind these choices.
 *
 * VECTORISED HOT LOOPS (identical bits to the scalar definitions; in host/cpu_fast.h and gl_exp.h,
 * checked twin by twin against them by tests/test_twins.c, end to end by tests/test_engine.c and
 * the bench --hash runs):
 *   - Philox4x32-10 for 8 counters per AVX-512 instruction (vpmuludq gives the 32x32->64 bit
 *     products; the high words of the 64-bit lanes are never looked at), scalar sg_rng_block
 *     otherwise;
 *   - gl_exp through sg_gl_exp_step_block (include/sg/models/gl_exp.h), which needs no exp
 *     except for the few nodes whose uniform lies below a cheap upper bound of p;
 *   - Poisson counts for lambda < 10 by the inversion table F_0, F_1, ... that sg_poisson's loop
 *     computes (the same operations in the same order, once per generator and run): the count is
 *     the number of F_j below u, up to the point where F stalls, which is exactly sg_poisson's k;
 *   - weights float -> Q31.32 by a branch-free form of sg_fx_from_double (same result for every
 *     float, including the saturating and NaN cases).
 */
/* SPDX-License-Identifier: MIT */
#define _DEFAULT_SOURCE 1   /* madvise */
#if defined(__GNUC__) && !defined(__clang__) && defined(__AVX512F__)
#pragma GCC target("prefer-vector-width=512")   /* the hot loops below: 8 doubles per instruction */
#endif
#include <math.h>
#include <omp.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "internal.h"
#include "ranks.h"
#include "sg/csr.h"
#include "sg/fixed.h"
#include "sg/proc.h"
#include "sg/models/all.h"
#include "sg/ring.h"
#include "sg/stim/advance.h"
#include "sg/stim/noise_generator.h"
#include "sg/stim/poisson_generator.h"
#include "cpu_fast.h"   /* fast twins: Philox words, Q31.32 adds, Poisson table */

#define BLK 256              /* nodes, targets or synapses handled per inner block */

SG_STATIC_ASSERT(BLK == SG_GL_EXP_BLOCK, "gl_exp block size");

/* per-thread data, one allocation each (no false sharing) */
typedef struct thr_data {
  uint32_t *spk, *mul;       /* spikes of this thread's nodes in this step or window: gid - 1, multiplicity */
  uint16_t *stp;             /* and their step within the window (0 outside windows) */
  size_t n_spk, cap;
  size_t *pop_end;           /* [n_pops]: end of each population's spikes in spk */
  uint64_t events;           /* synaptic events (thread 0 counts them all) */
  uint64_t proc_events;      /* events of procedural projections this thread added (its own inputs) */
  uint32_t w0[BLK + 16], w1[BLK + 16], idx[BLK + 16];
  uint32_t ci[BLK + 16];     /* compacted inputs */
  float cw[BLK + 16];        /* compacted weights */
  uint32_t cc[BLK + 16];     /* compacted Poisson counts */
  int64_t cv[BLK + 16];      /* values to add */
  int64_t *pp[BLK + 16];     /* procedural delivery: where each value of cv goes */
  uint32_t pc[BLK + 16];     /* Poisson counts of a block (windows) */
  struct dblk *bl;           /* delivery: the step's synapse blocks */
  uint64_t bad_step;         /* first step whose update made a node non-finite (UINT64_MAX: none) */
  uint32_t bad_row;          /* and the lowest such node of this thread (gid - 1) */
} thr_data;

/* a block of at most BLK synapses of one row segment: they all go to one slot */
typedef struct dblk {
  int64_t *slot;
  const uint32_t *in;
  const float *w;
  uint32_t n, mult;
} dblk;
#define DBLK_CAP 1024
#define STOP_REMOTE (-2)     /* cpu_data.stop: another MPI rank stopped the run */

typedef struct cpu_data {
  uint32_t R;                /* ring slots allocated */
  uint64_t n_inputs;         /* inputs per slot allocated */
  int n_thr;                 /* threads the per-thread data was made for */
  thr_data **th;
  size_t n_pops;
  /* ownership: prefix sums of a sample of CSR target inputs (n_inputs + 1), split for split_T */
  uint32_t *own_prefix;
  int split_T;
  uint32_t *split;           /* [split_T + 1] */
  uint64_t *rec_src;         /* [n_srec]: neuron -> spike recorder connections of each recorder */
  /* Poisson */
  ptab *ptab;                /* [n_gens] */
  uint32_t **pcnt;           /* [n_gens]: counts per target of this step (NULL: not Poisson) */
  size_t n_gens;
  int has_serial;            /* spike / step current / noise generators with targets exist */
  int idle_gens;             /* other generators without targets (spike generators advance) */
  int windows;               /* steps may run in windows (see run_window) */
  int drive;                 /* windows draw the Poisson drive in the target's update (poisson_drive) */
  uint64_t pois_from;        /* the step the current Poisson tables took effect: earlier emissions
                              * are in the ring (emitted, or flushed by cpu_flush_drive) */
  uint32_t min_delay;        /* smallest delay of the neuron CSR, steps (WIN_MAX if none) */
  uint32_t wmax;             /* longest window the spike lists allow */
  volatile int stop;         /* status of a failed record, seen by all after the barrier */
  /* MPI ranks (docs/mpi.md; P = 1 without them): this rank's share of each population, the
   * spikes of all ranks after a window's exchange (one list per rank, in rank order), the
   * exchange buffers (sized once for the most spikes a window can hold) and the bytes moved */
  int P, rank;
  uint64_t *share_lo, *share_hi;   /* [n_pops] */
  thr_data **rx;             /* [P]: lists into rx_spk/rx_mul/rx_stp */
  uint32_t *rx_spk, *rx_mul; uint16_t *rx_stp;
  uint32_t *sbuf, *rbuf;     /* wire: (source row, multiplicity, step in window) per spike */
  size_t xcap;               /* spikes the buffers hold */
  int64_t *hdr_all;          /* [P]: every rank's spikes in the window */
  int *xcnt, *xdsp;          /* [P] */
  uint32_t *gen_in;          /* [gen_csr.n_syn]: each generator synapse's input in this rank's ring,
                              * SG_NO_INPUT for other ranks' nodes (the CSR's inputs are the
                              * network's, host/csr.c); NULL in one process (they are the same) */
  uint64_t run_events;       /* this rank's synaptic events of the current run (summed at its end) */
  _Alignas(64) atomic_uint bar_count;   /* the step loop's barrier (see barrier()) */
  _Alignas(64) atomic_uint bar_gen;
} cpu_data;

/* The barrier between the phases of the step loop: spins a little (a few microseconds, the usual
 * imbalance), then yields the core. On a machine shared with other work the partner thread may be
 * waiting for this very core: OpenMP's barrier spins for up to a few hundred microseconds first,
 * which made two threads several times slower than one whenever the machine was loaded. Memory
 * order: every thread's writes before the barrier happen before every thread's reads after it
 * (release/acquire through the counter and the generation). */
static void barrier(cpu_data *d, int T) {
  const unsigned g = atomic_load_explicit(&d->bar_gen, memory_order_acquire);
  if (atomic_fetch_add_explicit(&d->bar_count, 1u, memory_order_acq_rel) == (unsigned)T - 1u) {
    atomic_store_explicit(&d->bar_count, 0u, memory_order_relaxed);
    atomic_fetch_add_explicit(&d->bar_gen, 1u, memory_order_release);
    return;
  }
  for (unsigned i = 0; atomic_load_explicit(&d->bar_gen, memory_order_acquire) == g; ++i) {
    if (i < 256) {
#if defined(__x86_64__) || defined(__i386__)
      __builtin_ia32_pause();
#endif
    } else if (d->P > 1) {
      /* MPI ranks: the master thread may be in a collective that needs another rank's process on
       * this core; a yield keeps competing for it, a short sleep gives it up */
      const struct timespec ts = {0, 20000};
      nanosleep(&ts, NULL);
    } else {
      sched_yield();
    }
  }
}

static void free_thread_table(thr_data **th, int n) {
  if (th)
    for (int t = 0; t < n; ++t)
      if (th[t]) { free(th[t]->spk); free(th[t]->mul); free(th[t]->pop_end); free(th[t]->bl); free(th[t]->stp); free(th[t]); }
  free(th);
}

static void free_threads(cpu_data *d) {
  free_thread_table(d->th, d->n_thr);
  d->th = NULL;
  d->n_thr = 0;
}

static void free_gens(cpu_data *d) {
  if (d->pcnt)
    for (size_t g = 0; g < d->n_gens; ++g) free(d->pcnt[g]);
  free(d->pcnt); free(d->ptab);
  d->pcnt = NULL; d->ptab = NULL; d->n_gens = 0;
}

static void free_exchange(cpu_data *d) {
  if (d->rx)
    for (int r = 0; r < d->P; ++r) free(d->rx[r] ? d->rx[r]->pop_end : NULL), free(d->rx[r]);
  free(d->rx); free(d->rx_spk); free(d->rx_mul); free(d->rx_stp); free(d->sbuf); free(d->rbuf);
  free(d->hdr_all); free(d->xcnt); free(d->xdsp); free(d->gen_in);
  free(d->share_lo); free(d->share_hi);
  d->rx = NULL; d->rx_spk = d->rx_mul = d->sbuf = d->rbuf = NULL; d->rx_stp = NULL;
  d->hdr_all = NULL; d->xcnt = d->xdsp = NULL; d->gen_in = NULL;
  d->share_lo = d->share_hi = NULL; d->xcap = 0;
}

static void cpu_release(sg_sim *sim) {
  cpu_data *d = sim->backend_data;
  if (!d) return;
  free_threads(d);
  free_gens(d);
  free(d->own_prefix); free(d->split); free(d->rec_src);
  free_exchange(d);
  free(d);
  sim->backend_data = NULL;
}

static uint64_t neuron_total(const sg_sim *sim, size_t *n_neuron_pops) {
  uint64_t total = 0;
  size_t np = 0;
  for (size_t p = 0; p < sim->n_pops; ++p)
    if (sim->pops[p]->model->kind == SG_KIND_NEURON) { total += sim->pops[p]->n; ++np; }
  if (n_neuron_pops) *n_neuron_pops = np;
  return total;
}

/* Longest window (steps) for a network of n neurons: its spike lists hold W n entries at most. */
#define WIN_MAX 32u
#define WIN_ENTRIES 4000000u
static uint32_t win_max(uint64_t n) {
  const uint64_t w = n ? WIN_ENTRIES / n : WIN_MAX;
  return w < 1 ? 1u : w > WIN_MAX ? WIN_MAX : (uint32_t)w;
}

/* Per-thread data for T threads: spike lists large enough for every neuron (any split), in
 * every step of a window. */
static sg_status ensure_threads(sg_sim *sim, cpu_data *d, int T) {
  const uint64_t nt = neuron_total(sim, NULL);
  const size_t cap = (size_t)(nt * win_max(nt)) + 16;
  if (d->th && T <= d->n_thr && d->n_pops == sim->n_pops && d->th[0]->cap >= cap) {
    d->wmax = win_max(nt);
    return SG_OK;
  }
  /* The new table is made aside and replaces the old one only when complete: the early return
   * above trusts every entry of a table it finds, so a half-made one must never be left in d. */
  thr_data **th = calloc((size_t)T, sizeof *th);
  if (!th) return sg_i_fail(sim, SG_ERR_NOMEM, "cpu backend: out of memory");
  for (int t = 0; t < T; ++t) {
    thr_data *h = aligned_alloc(64, (sizeof(thr_data) + 63) & ~(size_t)63);
    if (!h) goto nomem;
    memset(h, 0, sizeof *h);
    th[t] = h;
    h->cap = cap;
    h->spk = malloc(cap * sizeof *h->spk);
    h->mul = malloc(cap * sizeof *h->mul);
    h->stp = calloc(cap, sizeof *h->stp);
    h->pop_end = calloc(sim->n_pops + 1, sizeof *h->pop_end);
    h->bl = malloc(DBLK_CAP * sizeof *h->bl);
    if (!h->spk || !h->mul || !h->stp || !h->pop_end || !h->bl) goto nomem;
  }
  free_threads(d);
  d->th = th;
  d->n_thr = T;
  d->n_pops = sim->n_pops;
  d->wmax = win_max(nt);
  return SG_OK;
nomem:
  free_thread_table(th, T);
  return sg_i_fail(sim, SG_ERR_NOMEM, "cpu backend: out of memory");
}

/* Per spike recorder, how many neuron -> recorder connections feed it: in a step each of them
 * records at most one spike of multiplicity 1 (any neuron model but parrot_neuron, which relays
 * its input count), so rec_src[j] x W entries hold a window of W steps. */
static sg_status count_rec_sources(sg_sim *sim, cpu_data *d) {
  uint64_t *c = calloc(sim->n_srec ? sim->n_srec : 1, sizeof *c);
  if (!c) return sg_i_fail(sim, SG_ERR_NOMEM, "cpu backend: out of memory");
  if (sim->rec_row)
    for (uint64_t q = 0; q < sim->rec_row[sim->csr.n_rows]; ++q)
      if (sim->rec_idx[q] < sim->n_srec) c[sim->rec_idx[q]]++;
  free(d->rec_src);
  d->rec_src = c;
  return SG_OK;
}

/* Recorder memory for the window of W steps from k, made before the window runs: once a window
 * has moved the state, its spikes and samples must be stored (they cannot be made again), so a
 * failure is reported here, where the run can stop at a step boundary with its recordings
 * complete up to it and a later sg_simulate continues exactly. */
static sg_status reserve_records(sg_sim *sim, const cpu_data *d, uint64_t k, uint32_t W) {
  sg_status st = SG_OK;
  for (size_t j = 0; j < sim->n_srec && st == SG_OK; ++j)
    if (d->rec_src[j]) st = sg_i_srec_reserve(sim, &sim->srec[j], (size_t)(d->rec_src[j] * W));
  for (size_t j = 0; j < sim->n_mm && st == SG_OK; ++j)   /* windows end at a sample: one row */
    if (sg_i_mm_due(&sim->mm[j], k + W)) st = sg_i_mm_reserve(sim, &sim->mm[j], 1);
  return st;
}

/* The targets t0 .. t1 - 1 of procedural projection j that are this rank's nodes (all in one
 * process): the only ones with inputs here (docs/mpi.md §3). */
static void proc_local_targets(const sg_sim *sim, size_t j, uint64_t *t0, uint64_t *t1) {
  const sg_proc *P = &sim->proc[j].d;
  const sg_pop *tp = sim->proc[j].tpop;
  const uint64_t base = P->post0 - P->pop_first;   /* target t is node base + t */
  const uint64_t lo = tp->own_lo > base ? tp->own_lo - base : 0, hi = tp->own_hi > base ? tp->own_hi - base : 0;
  *t0 = lo < P->npost ? lo : P->npost;
  *t1 = hi < P->npost ? hi : P->npost;
}

/* The generator synapses' inputs in this rank's ring (SG_NO_INPUT: another rank's node). */
static inline const uint32_t *gen_inputs(const sg_sim *sim, const cpu_data *d) {
  return d->gen_in ? d->gen_in : sim->gen_csr.input;
}

/* Ownership sample: every s-th synapse of the neuron CSR counts for its target input. */
static sg_status make_own_prefix(sg_sim *sim, cpu_data *d) {
  free(d->own_prefix);
  free(d->split);
  d->own_prefix = NULL;
  d->split = NULL;
  d->split_T = 0;
  const uint64_t ni = sim->n_inputs;
  d->own_prefix = calloc((size_t)ni + 1, sizeof *d->own_prefix);
  if (!d->own_prefix) return sg_i_fail(sim, SG_ERR_NOMEM, "cpu backend: out of memory");
  const sg_csr *c = &sim->csr;
  if (c->input && c->n_syn) {
    const uint64_t stride = c->n_syn > (1u << 20) ? c->n_syn >> 20 : 1;
    for (uint64_t j = 0; j < c->n_syn; j += stride)
      if (c->input[j] < ni) d->own_prefix[c->input[j] + 1]++;
  }
  /* procedural projections: one count for each input they can reach (the port of each weight sign
   * they can draw), so that their inputs are shared out too */
  for (size_t j = 0; j < sim->n_proc; ++j) {
    const sg_proc *P = &sim->proc[j].d;
    const int pos = !(P->w_fixed && P->w_val < 0.0f), neg = !(P->w_fixed && P->w_val >= 0.0f);
    for (int sgn = 0; sgn < 2; ++sgn) {
      if (!(sgn ? neg : pos) || (sgn && P->port_neg == P->port && pos)) continue;
      uint64_t t0, t1;
      proc_local_targets(sim, j, &t0, &t1);
      for (uint64_t t = t0; t < t1; ++t) {
        const uint64_t a = P->input_base + (uint64_t)(sgn ? P->port_neg : P->port) * (P->pop_n - P->in_gap) + (P->post0 + t - P->pop_first - P->in_lo);
        if (a < ni) d->own_prefix[a + 1]++;
      }
    }
  }
  for (uint64_t i = 0; i < ni; ++i) d->own_prefix[i + 1] += d->own_prefix[i];
  return SG_OK;
}

/* Split points for T threads: equal shares of the sample (or of the inputs without synapses). */
static sg_status make_split(sg_sim *sim, cpu_data *d, int T) {
  if (d->split && d->split_T == T) return SG_OK;
  free(d->split);
  d->split = malloc(((size_t)T + 1) * sizeof *d->split);
  if (!d->split) return sg_i_fail(sim, SG_ERR_NOMEM, "cpu backend: out of memory");
  const uint64_t ni = sim->n_inputs;
  const uint64_t total = d->own_prefix ? d->own_prefix[ni] : 0;
  d->split[0] = 0;
  for (int t = 1; t < T; ++t) {
    uint64_t x;
    if (total == 0) x = ni * (uint64_t)t / (uint64_t)T;
    else {   /* first input whose prefix reaches t/T of the sample */
      const uint64_t want = total * (uint64_t)t / (uint64_t)T;
      uint64_t lo = 0, hi = ni;
      while (lo < hi) {
        const uint64_t mid = (lo + hi) / 2;
        if (d->own_prefix[mid] < want) lo = mid + 1; else hi = mid;
      }
      x = lo;
    }
    x = (x + 7) & ~(uint64_t)7;
    if (x > ni) x = ni;
    if (x < d->split[t - 1]) x = d->split[t - 1];
    d->split[t] = (uint32_t)x;
  }
  d->split[T] = (uint32_t)ni;
  d->split_T = T;
  return SG_OK;
}

/* MPI ranks: this rank's block of every population (all of it on one rank) and, with several
 * ranks, the exchange buffers for the most spikes a window can hold (every neuron in every step
 * of the longest window: the exchange cannot run out of room half-way, when the other ranks are
 * already waiting in it) and the map of the inputs this rank owns. */
static sg_status make_ranks(sg_sim *sim, cpu_data *d) {
  free_exchange(d);
  d->P = sg_mpi_size();
  d->rank = sg_mpi_rank();
  const size_t np = sim->n_pops;
  d->share_lo = calloc(np + 1, sizeof *d->share_lo);
  d->share_hi = calloc(np + 1, sizeof *d->share_hi);
  if (!d->share_lo || !d->share_hi) return sg_i_fail(sim, SG_ERR_NOMEM, "cpu backend: out of memory");
  for (size_t p = 0; p < np; ++p) sg_mpi_share_of(sim->pops[p]->n, d->rank, d->P, &d->share_lo[p], &d->share_hi[p]);
  if (d->P == 1) return SG_OK;
  const uint64_t nt = neuron_total(sim, NULL);
  const size_t cap = (size_t)(nt * win_max(nt)) + 16;
  for (size_t p = 0; p < np; ++p)   /* cpu_sync gathers a population's state rows in 32-bit words */
    if ((double)sim->pops[p]->n * 2.0 > 2147483647.0)
      return sg_i_fail(sim, SG_ERR_OVERFLOW, "MPI ranks: population %s has %llu nodes: allowed at most 2^30 per population with several ranks",
                       sim->pops[p]->name, (unsigned long long)sim->pops[p]->n);
  if ((double)cap * 3.0 > 2147483647.0)
    return sg_i_fail(sim, SG_ERR_OVERFLOW, "MPI ranks: %llu neurons x %u steps per window exceed the exchange's 2^31 words: allowed fewer neurons per simulation",
                     (unsigned long long)nt, win_max(nt));
  d->xcap = cap;
  d->rx = calloc((size_t)d->P, sizeof *d->rx);
  d->rx_spk = malloc(cap * sizeof *d->rx_spk);
  d->rx_mul = malloc(cap * sizeof *d->rx_mul);
  d->rx_stp = malloc(cap * sizeof *d->rx_stp);
  d->sbuf = malloc(3 * cap * sizeof *d->sbuf);
  d->rbuf = malloc(3 * cap * sizeof *d->rbuf);
  d->hdr_all = malloc((size_t)d->P * sizeof *d->hdr_all);
  d->xcnt = malloc((size_t)d->P * sizeof *d->xcnt);
  d->xdsp = malloc((size_t)d->P * sizeof *d->xdsp);
  const sg_csr *gc = &sim->gen_csr;
  const uint64_t n_gsyn = gc->row_seg ? gc->n_syn : 0;
  d->gen_in = malloc((n_gsyn ? n_gsyn : 1) * sizeof *d->gen_in);
  if (!d->rx || !d->rx_spk || !d->rx_mul || !d->rx_stp || !d->sbuf || !d->rbuf || !d->hdr_all || !d->xcnt ||
      !d->xdsp || !d->gen_in)
    return sg_i_fail(sim, SG_ERR_NOMEM, "cpu backend: out of memory for the MPI spike exchange");
  for (int r = 0; r < d->P; ++r) {
    d->rx[r] = calloc(1, sizeof *d->rx[r]);
    if (!d->rx[r] || !(d->rx[r]->pop_end = calloc(np + 1, sizeof *d->rx[r]->pop_end)))
      return sg_i_fail(sim, SG_ERR_NOMEM, "cpu backend: out of memory for the MPI spike exchange");
  }
  for (uint64_t j = 0; j < n_gsyn; ++j) d->gen_in[j] = sg_i_local_input(sim, gc->input[j]);
  return SG_OK;
}

static sg_status cpu_prepare(sg_sim *sim) {
  cpu_data *d = sim->backend_data;
  if (!d) {
    d = aligned_alloc(64, (sizeof *d + 63) & ~(size_t)63);
    if (!d) return sg_i_fail(sim, SG_ERR_NOMEM, "cpu backend: out of memory");
    memset(d, 0, sizeof *d);
    sim->backend_data = d;
  }
  /* ring: keep pending events when the slot count or the input count grows */
  const uint32_t R = sim->ring_len;
  const uint64_t ni = sim->n_inputs;
  if (R != d->R || ni != d->n_inputs || !sim->ring) {
    /* 2 MiB aligned and huge pages where the kernel gives them: the adds of a delivery are random
     * over a slot, and a slot of 10^5 inputs spans 200 small pages */
    const size_t bytes = (((size_t)R * (ni ? ni : 1) * sizeof(int64_t)) + 2097151) & ~(size_t)2097151;
    int64_t *ring = aligned_alloc(2097152, bytes);
    if (!ring) return sg_i_fail(sim, SG_ERR_NOMEM, "ring buffer: cannot allocate %.2f GiB", (double)R * (double)ni * 8.0 / 1073741824.0);
#ifdef MADV_HUGEPAGE
    madvise(ring, bytes, MADV_HUGEPAGE);
#endif
    memset(ring, 0, bytes);
    if (sim->ring && d->R) {
      for (uint64_t k = sim->step; k < sim->step + d->R; ++k) {
        const int64_t *src = sg_ring_slot_const(sim->ring, k, sg_ring_mask(d->R), d->n_inputs);
        memcpy(sg_ring_slot(ring, k, sg_ring_mask(R), ni), src, d->n_inputs * sizeof *ring);
      }
    }
    free(sim->ring);
    sim->ring = ring;
    d->R = R;
    d->n_inputs = ni;
  }
  sg_status st = ensure_threads(sim, d, omp_get_max_threads());
  if (st) return st;
  if ((st = make_own_prefix(sim, d))) return st;
  if ((st = count_rec_sources(sim, d))) return st;
  if ((st = make_ranks(sim, d))) return st;
  /* generators: Poisson count arrays, and whether any other generator runs */
  d->drive = 0;   /* flushed (sg_simulate calls cpu_flush_drive before sg_i_prepare) */
  free_gens(d);
  d->has_serial = 0;
  d->idle_gens = 0;
  int ordered = 1;
  if (sim->n_gens) {
    d->ptab = calloc(sim->n_gens, sizeof *d->ptab);
    d->pcnt = calloc(sim->n_gens, sizeof *d->pcnt);
    if (!d->ptab || !d->pcnt) return sg_i_fail(sim, SG_ERR_NOMEM, "cpu backend: out of memory");
    d->n_gens = sim->n_gens;
    const sg_csr *c = &sim->gen_csr;
    for (size_t g = 0; g < sim->n_gens; ++g) {
      const sg_gen *G = &sim->gens[g];
      const uint64_t row = G->gid - 1;
      if (G->model != SG_MODEL_poisson_generator) {
        if (G->has_targets) d->has_serial = 1; else d->idle_gens = 1;
        continue;
      }
      if (!G->has_targets) continue;
      const uint64_t s0 = c->row_seg[row], s1 = c->row_seg[row + 1];
      const uint64_t n = sg_csr_span_len(c->seg_end, s0, s1);
      d->pcnt[g] = malloc((size_t)(n + BLK) * sizeof(uint32_t));
      if (!d->pcnt[g]) return sg_i_fail(sim, SG_ERR_NOMEM, "cpu backend: out of memory");
      d->ptab[g].lambda = NAN;
      /* windows need each Poisson generator's targets in input order (all_to_all gives that) */
      const uint64_t first = sg_csr_seg_begin(c->seg_end, s0);
      for (uint64_t j = first + 1; j < first + n; ++j)
        if (c->input[j] < c->input[j - 1]) { ordered = 0; break; }
    }
  }
  d->min_delay = WIN_MAX;
  for (uint64_t sgm = 0; sgm < sim->csr.n_seg; ++sgm)
    if (sim->csr.seg_delay[sgm] < d->min_delay) d->min_delay = sim->csr.seg_delay[sgm];
  for (size_t j = 0; j < sim->n_proc; ++j)
    if (sim->proc[j].d.d_min < d->min_delay) d->min_delay = sim->proc[j].d.d_min;
  d->windows = !d->has_serial && ordered;
  d->drive = d->windows;
  d->pois_from = sim->step;
  return SG_OK;
}

/* The host arrays are the state. With MPI ranks each rank advanced only its share, so the
 * shares are gathered (sg_i_rank_gather_state). Collective: sg_simulate calls it on every rank at
 * the end of each call. */
static sg_status cpu_sync(sg_sim *sim) {
  cpu_data *d = sim->backend_data;
  if (!d || d->P == 1) return SG_OK;
  return sg_i_rank_gather_state(sim);
}

/* ---- vector building blocks ------------------------------------------------------------------- */
/* Keeps the entries whose input lies in [lo, lo + len): inputs to ci, weights to cw (and, when
 * cnt is not NULL, counts to cc, dropping zero counts). Returns how many were kept. */
static inline uint32_t compact(const uint32_t *SG_RESTRICT in, const float *SG_RESTRICT w,
                               const uint32_t *SG_RESTRICT cnt, uint32_t n, uint32_t lo, uint32_t len,
                               uint32_t *SG_RESTRICT ci, float *SG_RESTRICT cw, uint32_t *SG_RESTRICT cc) {
  uint32_t c = 0, j = 0;
#if SG_CPU_AVX512
  const __m512i vlo = _mm512_set1_epi32((int)lo), vlen = _mm512_set1_epi32((int)len);
  for (; j + 16 <= n; j += 16) {
    const __m512i x = _mm512_loadu_si512(in + j);
    __mmask16 k = _mm512_cmplt_epu32_mask(_mm512_sub_epi32(x, vlo), vlen);
    __m512i vc = _mm512_setzero_si512();
    if (cnt) {
      vc = _mm512_loadu_si512(cnt + j);
      k &= _mm512_test_epi32_mask(vc, vc);
    }
    if (!k) continue;
    _mm512_storeu_si512(ci + c, _mm512_maskz_compress_epi32(k, x));
    _mm512_storeu_ps(cw + c, _mm512_maskz_compress_ps(k, _mm512_loadu_ps(w + j)));
    if (cnt) _mm512_storeu_si512(cc + c, _mm512_maskz_compress_epi32(k, vc));
    c += (uint32_t)__builtin_popcount(k);
  }
#endif
  for (; j < n; ++j) {
    const uint32_t x = in[j];
    ci[c] = x;
    cw[c] = w[j];
    uint32_t keep = x - lo < len;
    if (cnt) { cc[c] = cnt[j]; keep &= cnt[j] != 0; }
    c += keep;
  }
  return c;
}

/* ---- (1) generators ------------------------------------------------------------------------- */

/* spike, step current and noise generators (master only, nobody else touches the ring then):
 * sg_gen_advance (include/sg/stim/advance.h, also the cuda backend's) moves each to step k and
 * says what the step sends; the generator's targets get it here. */
static void run_serial_generators(sg_sim *sim, const cpu_data *d, uint64_t k) {
  const sg_csr *c = &sim->gen_csr;
  const uint32_t *in = gen_inputs(sim, d);   /* SG_NO_INPUT: another rank's node */
  const uint32_t mask = sg_ring_mask(sim->ring_len);
  const uint64_t ni = sim->n_inputs;
  for (size_t g = 0; g < sim->n_gens; ++g) {
    sg_gen *G = &sim->gens[g];
    if (G->model == SG_MODEL_poisson_generator) continue;   /* nothing serial: the threads draw its counts */
    const sg_gen_step now = sg_gen_advance(G, sim->gen_t, sim->gen_w, (int64_t)k);
    if (!now.active) continue;   /* generators without targets end here, their state moved */
    const uint64_t row = G->gid - 1;
    const uint64_t s0 = c->row_seg[row], s1 = c->row_seg[row + 1];
    const uint64_t first_syn = sg_csr_seg_begin(c->seg_end, s0);
    switch (G->model) {
    case SG_MODEL_spike_generator:
      for (uint64_t e = G->ev_off + now.e0; e < G->ev_off + now.e1; ++e) {
        if (!sg_gen_spike_sends(G, sim->gen_t, sim->gen_m, e, (int64_t)k)) continue;
        for (uint64_t s = s0, j = first_syn; s < s1; ++s) {
          int64_t *slot = sg_ring_slot(sim->ring, k + c->seg_delay[s], mask, ni);
          for (; j < c->seg_end[s]; ++j)
            if (in[j] != SG_NO_INPUT) slot[in[j]] += sg_fx_mul_count(sg_fx_from_double((double)c->weight[j] * sim->gen_w[e]), sim->gen_m[e]);
        }
      }
      break;
    case SG_MODEL_step_current_generator:
      for (uint64_t s = s0, j = first_syn; s < s1; ++s) {
        int64_t *slot = sg_ring_slot(sim->ring, k + c->seg_delay[s], mask, ni);
        for (; j < c->seg_end[s]; ++j)
          if (in[j] != SG_NO_INPUT) slot[in[j]] += sg_fx_from_double(now.amp * (double)c->weight[j]);
      }
      break;
    case SG_MODEL_noise_generator: {
      double *vals = sim->gen_vals + G->val_off;
      if (now.draw) {
        const sg_noise_coef nc = sg_gen_noise_coef(G);
        for (uint64_t j = 0; j < G->val_n; ++j) vals[j] = sg_noise_generator_draw(&nc, sim->cfg.seed, G->gid, j, k, G->y1);
      }
      for (uint64_t s = s0, j = first_syn; s < s1; ++s) {
        int64_t *slot = sg_ring_slot(sim->ring, k + c->seg_delay[s], mask, ni);
        for (; j < c->seg_end[s]; ++j)
          if (in[j] != SG_NO_INPUT) slot[in[j]] += sg_fx_from_double(vals[j - first_syn] * (double)c->weight[j]);
      }
      break;
    }
    default: break;
    }
  }
}

static inline int poisson_active(const sg_sim *sim, const cpu_data *d, size_t g, uint64_t k) {
  return d->pcnt[g] && sg_gen_poisson_active(&sim->gens[g], (int64_t)k);
}

/* Counts of targets jr .. jr + n - 1 (n <= BLK, relative to the generator's first target) in step k. */
static void poisson_counts(const sg_sim *sim, const sg_gen *G, const ptab *P, uint64_t k, uint64_t jr, uint32_t n,
                           uint32_t *SG_RESTRICT cb, thr_data *me) {
  if (!P->valid) {
    const sg_poisson_coef pc = sg_gen_poisson_coef(G);
    for (uint32_t j = 0; j < n; ++j) cb[j] = sg_poisson_generator_count(&pc, sim->cfg.seed, G->gid, jr + j, k);
    return;
  }
  philox_w01(sim->cfg.seed, ctr_x(k), ctr_y(SG_STREAM_POISSON, k), (G->gid << 32) + jr, n, me->w0, me->w1);
  ptab_counts(P, me->w0, me->w1, n, cb);
}

/* One thread: counts and events of every active Poisson generator, block by block. */
static void poisson_single(sg_sim *sim, cpu_data *d, thr_data *me, uint64_t k) {
  const sg_csr *c = &sim->gen_csr;
  const uint32_t *in = gen_inputs(sim, d);   /* SG_NO_INPUT (another rank's node) is outside [0, ni) */
  const uint32_t mask = sg_ring_mask(sim->ring_len);
  const uint32_t ni = (uint32_t)sim->n_inputs;
  for (size_t g = 0; g < d->n_gens; ++g) {
    if (!poisson_active(sim, d, g, k)) continue;
    const sg_gen *G = &sim->gens[g];
    const uint64_t row = G->gid - 1, s0 = c->row_seg[row], s1 = c->row_seg[row + 1];
    const uint64_t first = sg_csr_seg_begin(c->seg_end, s0);
    uint32_t *cnt = d->pcnt[g];
    for (uint64_t s = s0; s < s1; ++s) {
      int64_t *slot = sg_ring_slot(sim->ring, k + c->seg_delay[s], mask, sim->n_inputs);
      const uint64_t jb = sg_csr_seg_begin(c->seg_end, s), je = c->seg_end[s];
      for (uint64_t b = jb; b < je; b += BLK) {
        const uint32_t n = (uint32_t)(je - b < BLK ? je - b : BLK);
        poisson_counts(sim, G, &d->ptab[g], k, b - first, n, cnt, me);
        const uint32_t m = compact(in + b, c->weight + b, cnt, n, 0, ni, me->ci, me->cw, me->cc);
        add_counts(slot, me->ci, me->cw, me->cc, m, me->cv);
      }
    }
  }
}

/* Several threads, P2: counts of targets [J t / T, J (t+1) / T) of every active generator */
static void poisson_draw(sg_sim *sim, cpu_data *d, thr_data *me, uint64_t k, int t, int T) {
  const sg_csr *c = &sim->gen_csr;
  for (size_t g = 0; g < d->n_gens; ++g) {
    if (!poisson_active(sim, d, g, k)) continue;
    const sg_gen *G = &sim->gens[g];
    const uint64_t row = G->gid - 1, s0 = c->row_seg[row], s1 = c->row_seg[row + 1];
    const uint64_t J = sg_csr_span_len(c->seg_end, s0, s1);
    const uint64_t jlo = J * (uint64_t)t / (uint64_t)T, jhi = J * (uint64_t)(t + 1) / (uint64_t)T;
    for (uint64_t b = jlo; b < jhi; b += BLK)
      poisson_counts(sim, G, &d->ptab[g], k, b, (uint32_t)(jhi - b < BLK ? jhi - b : BLK), d->pcnt[g] + b, me);
  }
}

/* P3: the Poisson events into the inputs this thread owns */
static void poisson_apply(sg_sim *sim, cpu_data *d, thr_data *me, uint64_t k, uint32_t lo, uint32_t len) {
  const sg_csr *c = &sim->gen_csr;
  const uint32_t *in = gen_inputs(sim, d);   /* SG_NO_INPUT (another rank's node) is outside every [lo, lo + len) */
  const uint32_t mask = sg_ring_mask(sim->ring_len);
  for (size_t g = 0; g < d->n_gens; ++g) {
    if (!poisson_active(sim, d, g, k)) continue;
    const sg_gen *G = &sim->gens[g];
    const uint64_t row = G->gid - 1, s0 = c->row_seg[row], s1 = c->row_seg[row + 1];
    const uint64_t first = sg_csr_seg_begin(c->seg_end, s0);
    const uint32_t *cnt = d->pcnt[g];
    for (uint64_t s = s0; s < s1; ++s) {
      int64_t *slot = sg_ring_slot(sim->ring, k + c->seg_delay[s], mask, sim->n_inputs);
      const uint64_t jb = sg_csr_seg_begin(c->seg_end, s), je = c->seg_end[s];
      for (uint64_t b = jb; b < je; b += BLK) {
        const uint32_t n = (uint32_t)(je - b < BLK ? je - b : BLK);
        const uint32_t m = compact(in + b, c->weight + b, cnt + (b - first), n, lo, len, me->ci, me->cw, me->cc);
        add_counts(slot, me->ci, me->cw, me->cc, m, me->cv);
      }
    }
  }
}

/* ---- (2) neuron updates ----------------------------------------------------------------------- */
static inline void push_spike(thr_data *me, uint32_t node, uint32_t m, uint32_t w) {
  me->spk[me->n_spk] = node;
  me->mul[me->n_spk] = m;
  me->stp[me->n_spk] = (uint16_t)w;
  me->n_spk++;
}

/* a node whose state became non-finite (SG_STEP_NONFINITE): the earliest step, lowest node */
static inline void note_nonfinite(thr_data *me, uint64_t step, uint32_t row) {
  if (step < me->bad_step || (step == me->bad_step && row < me->bad_row)) {
    me->bad_step = step;
    me->bad_row = row;
  }
}

/* the spk list of a block step from node b (cpu_block_step): spikes and non-finite nodes */
static inline void push_block(thr_data *me, const sg_pop *pop, uint64_t b, uint32_t ns, uint64_t step, uint32_t wstep) {
  for (uint32_t q = 0; q < ns; ++q) {
    const uint32_t e = me->idx[q], node = (uint32_t)(pop->first - 1 + b + (e & ~SG_STEP_NONFINITE));
    if (e & SG_STEP_NONFINITE) note_nonfinite(me, step, node);
    else push_spike(me, node, 1, wstep);
  }
}

#define UPDATE_SCALAR(M)                                                                       \
  do {                                                                                         \
    const sg_##M##_coef *cbase = (const sg_##M##_coef *)pop->coef;                             \
    const uint64_t stride = pop->coef_per_node ? 1u : 0u;                                      \
    for (uint64_t i = lo; i < hi; ++i) {                                                       \
      const uint32_t m = sg_##M##_step(cbase + i * stride, &view, i, slot, &ctx);             \
      if (m == SG_STEP_NONFINITE) note_nonfinite(me, ctx.step, (uint32_t)(pop->first - 1 + i)); \
      else if (m) push_spike(me, (uint32_t)(pop->first - 1 + i), m, wstep);                   \
    }                                                                                          \
  } while (0)

static void update_neurons(sg_sim *sim, const cpu_data *d, thr_data *me, uint64_t k, int t, int T) {
  int64_t *slot_k = sg_ring_slot(sim->ring, k, sg_ring_mask(sim->ring_len), sim->n_inputs);
  const uint32_t wstep = 0;
  me->n_spk = 0;
  for (size_t p = 0; p < sim->n_pops; ++p) {
    sg_pop *pop = sim->pops[p];
    if (pop->model->kind != SG_KIND_NEURON) { me->pop_end[p] = me->n_spk; continue; }
    const uint64_t n = pop->n;
    const uint64_t a = d->share_lo[p], share_n = d->share_hi[p] - a;   /* as in run_window */
    const uint64_t lo = a + share_n * (uint64_t)t / (uint64_t)T, hi = a + share_n * (uint64_t)(t + 1) / (uint64_t)T;
    sg_view view;
    memset(&view, 0, sizeof view);
    for (uint32_t r = 0; r < pop->model->n_state; ++r) view.s[r] = pop->state[r];
    const sg_step_ctx ctx = {sim->cfg.seed, k, pop->first, n, pop->fed_ports, pop->in_gap, pop->in_lo};
    int64_t *slot = slot_k + pop->input_base;
    if (pop->model->cpu_block_step && !pop->coef_per_node) {
      const int draws = pop->model->cpu_block_draws;
      for (uint64_t b = lo; b < hi; b += BLK) {
        const uint32_t cnt = (uint32_t)(hi - b < BLK ? hi - b : BLK);
        if (draws) philox_w01(sim->cfg.seed, ctr_x(k), ctr_y(SG_STREAM_FIRING, k), pop->first + b, cnt, me->w0, me->w1);
        const uint32_t ns = pop->model->cpu_block_step(pop->coef, &view, b, cnt, slot, &ctx, draws ? me->w0 : NULL,
                                                       draws ? me->w1 : NULL, me->idx);
        push_block(me, pop, b, ns, k, 0);
      }
    } else {
      switch (pop->model->id) {
#define X(M, M_UPPER) case SG_MODEL_##M: UPDATE_SCALAR(M); break;
        SG_NEURON_LIST(X)
#undef X
      default: break;
      }
    }
    me->pop_end[p] = me->n_spk;
  }
}

/* ---- (3) delivery ------------------------------------------------------------------------------ */
/* The blocks bl[0 .. nb-1], software-pipelined: while block i is added, the slot lines of block
 * i+1 are prefetched for writing (the adds are random over a region that left the cache since the
 * slot was last used R steps ago) and the synapses of block i+2 are prefetched (a spike's row is
 * somewhere in memory). */
static void deliver_blocks(thr_data *SG_RESTRICT me, const dblk *bl, size_t nb) {
  for (size_t i = 0; i < nb; ++i) {
    if (i + 2 < nb) {
      const char *pi = (const char *)bl[i + 2].in, *pw = (const char *)bl[i + 2].w;
      for (uint32_t o = 0; o < bl[i + 2].n * 4u; o += 64) { __builtin_prefetch(pi + o, 0, 3); __builtin_prefetch(pw + o, 0, 3); }
    }
    if (i + 1 < nb) {
      const dblk *B = &bl[i + 1];
      for (uint32_t j = 0; j < B->n; ++j) __builtin_prefetch(B->slot + B->in[j], 1, 3);
    }
    add_events(bl[i].slot, bl[i].in, bl[i].w, bl[i].n, bl[i].mult, me->cv);
  }
}

/* First position in in[a, b) (ascending) whose value is >= x. */
static inline uint64_t lower_bound_u32(const uint32_t *in, uint64_t a, uint64_t b, uint32_t x) {
  while (a < b) {
    const uint64_t m = a + (b - a) / 2;
    if (in[m] < x) a = m + 1; else b = m;
  }
  return a;
}

/* Delivers the spikes in the lists of all threads (all of them, or with `owned` only into the
 * inputs [lo, lo + len) this thread owns), step by step of the window (W steps from k): the spikes
 * of one step mostly go to one slot, which then stays in the cache while they are added. A
 * segment's inputs ascend (csr.c), so the owned synapses of a segment are one run, found by two
 * binary searches: a thread reads only its own synapses. */
static void deliver_window(const sg_sim *sim, thr_data *me, thr_data *const *lists, int n_lists, uint64_t k,
                           uint32_t W, uint32_t lo, uint32_t len, int owned, int count) {
  const sg_csr *c = &sim->csr;
  const uint32_t mask = sg_ring_mask(sim->ring_len);
  const uint64_t ni = sim->n_inputs;
  uint64_t events = 0;
  size_t nb = 0;
  for (uint32_t w = 0; w < W; ++w)
    for (int ql = 0; ql < n_lists; ++ql)
    for (size_t q = 0; q < lists[ql]->n_spk; ++q) {
      const thr_data *src = lists[ql];
      if (src->stp[q] != w) continue;
      const uint64_t row = src->spk[q];
      const uint32_t mult = src->mul[q];
      const uint64_t s0 = c->row_seg[row], s1 = c->row_seg[row + 1];
      if (s0 == s1) continue;
      if (count) events += sg_csr_span_len(c->seg_end, s0, s1);
      for (uint64_t s = s0; s < s1; ++s) {
        int64_t *slot = sg_ring_slot(sim->ring, k + w + c->seg_delay[s], mask, ni);
        uint64_t jb = sg_csr_seg_begin(c->seg_end, s), je = c->seg_end[s];
        if (owned) {
          jb = lower_bound_u32(c->input, jb, je, lo);
          je = lower_bound_u32(c->input, jb, je, lo + len);
        }
        for (uint64_t b = jb; b < je; b += BLK) {
          if (nb == DBLK_CAP) { deliver_blocks(me, me->bl, nb); nb = 0; }
          dblk *B = &me->bl[nb++];
          B->slot = slot;
          B->in = c->input + b;
          B->w = c->weight + b;
          B->n = (uint32_t)(je - b < BLK ? je - b : BLK);
          B->mult = mult;
        }
      }
    }
  deliver_blocks(me, me->bl, nb);
  me->events += events;
}

/* Procedural projections (sg/proc.h): the rows of the window's spikes are drawn again, step by
 * step, and each synapse is added into slot k + w + d. With `owned` a thread adds only into its
 * inputs [lo, lo + len) and skips the units whose targets it owns none of (all_to_all and
 * pairwise_bernoulli units are blocks of targets); single-pick units are drawn by every thread.
 * The adds are batched (BLK at a time: all their ring lines prefetched, then added), so the cache
 * misses of a batch overlap. Each thread counts the synapses it adds (events). */
static void proc_flush(thr_data *me, uint32_t n) {
  for (uint32_t j = 0; j < n; ++j) __builtin_prefetch(me->pp[j], 1, 3);
  for (uint32_t j = 0; j < n; ++j) *me->pp[j] += me->cv[j];
}

static int unit_owned(const sg_proc *P, uint64_t s, uint64_t u, uint64_t tl0, uint64_t tl1, uint32_t lo, uint32_t len) {
  uint64_t t0, t1;
  sg_proc_unit_span(P, s, u, &t0, &t1);
  if (t0 < tl0) t0 = tl0;   /* this rank's targets of the unit */
  if (t1 > tl1) t1 = tl1;
  if (t0 >= t1) return 0;
  const uint64_t a = P->post0 + t0 - P->pop_first - P->in_lo, b = P->post0 + t1 - P->pop_first - P->in_lo;
  for (int neg = 0; neg < 2; ++neg) {
    const uint64_t base = P->input_base + (uint64_t)(neg ? P->port_neg : P->port) * (P->pop_n - P->in_gap);
    if (base + a < (uint64_t)lo + len && base + b > lo) return 1;
  }
  return 0;
}

static void deliver_proc(const sg_sim *sim, thr_data *me, thr_data *const *lists, int n_lists, uint64_t k,
                         uint32_t W, uint32_t lo, uint32_t len, int owned) {
  const uint32_t mask = sg_ring_mask(sim->ring_len);
  const uint64_t ni = sim->n_inputs;
  uint64_t events = 0;
  uint32_t nb = 0;
  for (size_t j = 0; j < sim->n_proc; ++j) {
    const sg_proc *P = &sim->proc[j].d;
    const uint32_t *count = sim->proc[j].count;
    uint64_t tl0, tl1;   /* this rank's targets: the only ones with inputs here */
    proc_local_targets(sim, j, &tl0, &tl1);
    for (uint32_t w = 0; w < W; ++w)
      for (int ql = 0; ql < n_lists; ++ql)
        for (size_t q = 0; q < lists[ql]->n_spk; ++q) {
          const thr_data *src = lists[ql];
          if (src->stp[q] != w) continue;
          const uint64_t sg = (uint64_t)src->spk[q] + 1;
          if (sg < P->pre0 || sg - P->pre0 >= P->npre) continue;
          const uint64_t s = sg - P->pre0, U = sg_proc_units(P, count, s);
          const uint32_t mult = src->mul[q];
          for (uint64_t u = 0; u < U; ++u) {
            if (owned && !unit_owned(P, s, u, tl0, tl1, lo, len)) continue;
            sg_proc_it it;
            uint64_t t, ke, ks, input;
            float wt;
            uint32_t d;
            sg_proc_unit_begin(P, s, u, &it);
            while (sg_proc_unit_target(P, &it, &t, &ke, &ks)) {
              if (t - tl0 >= tl1 - tl0) continue;   /* another rank's target */
              sg_proc_synapse(P, t, ke, ks, &input, &wt, &d);
              if (owned && input - lo >= len) continue;
              me->pp[nb] = sg_ring_slot(sim->ring, k + w + d, mask, ni) + input;
              me->cv[nb] = sg_fx_mul_count(fx_of_float(wt), mult);
              if (++nb == BLK) { proc_flush(me, nb); nb = 0; }
              ++events;
            }
          }
        }
  }
  proc_flush(me, nb);
  me->proc_events += events;
}

/* ---- (4) recorders -------------------------------------------------------------------------------- */
/* Spikes from the lists (this rank's threads, or every rank's lists after an exchange): population
 * by population, list by list, which is id order (threads and ranks hold ascending blocks). */
static sg_status record_step(sg_sim *sim, const cpu_data *d, thr_data *const *lists, int n_lists, uint64_t k, uint32_t w) {
  sg_status st = SG_OK;
  if (sim->rec_row && sim->n_srec)
    for (size_t p = 0; p < sim->n_pops && st == SG_OK; ++p)
      for (int t = 0; t < n_lists && st == SG_OK; ++t) {
        const thr_data *h = lists[t];
        for (size_t q = p ? h->pop_end[p - 1] : 0; q < h->pop_end[p] && st == SG_OK; ++q) {
          if (h->stp[q] != w) continue;
          const uint64_t row = h->spk[q];
          for (uint64_t r = sim->rec_row[row]; r < sim->rec_row[row + 1] && st == SG_OK; ++r)
            st = sg_i_srec_push(sim, &sim->srec[sim->rec_idx[r]], k + 1, row + 1, h->mul[q]);
        }
      }
  for (size_t j = 0; j < sim->n_mm && st == SG_OK; ++j) {
    sg_multimeter *m = &sim->mm[j];
    if (!sg_i_mm_due(m, k + 1)) continue;
    double *row;
    if ((st = sg_i_mm_row(sim, m, k + 1, &row))) break;
    for (size_t t = 0; t < m->n_targets; ++t) {
      const sg_pop *tp = sg_i_pop_of(sim, m->targets[t]);
      const uint64_t i = m->targets[t] - tp->first;
      if (i < d->share_lo[tp->index] || i >= d->share_hi[tp->index]) {   /* another rank's node: */
        memset(row + t * m->n_vars, 0, m->n_vars * sizeof *row);           /* all-zero bits, or'ed */
        continue;                                                          /* in by merge_samples */
      }
      for (size_t v = 0; v < m->n_vars; ++v) {
        const uint32_t r = m->target_rec[t * m->n_vars + v];
        row[t * m->n_vars + v] = tp->model->recordable_value ? tp->model->recordable_value(tp, r, i) : tp->state[r][i];
      }
    }
  }
  return st;
}

/* ---- windows of steps ------------------------------------------------------------------------- */
/* A spike of step k arrives at k + d, d >= min_delay (the smallest delay of the neuron CSR), so in a
 * window of W <= min_delay steps no spike made in the window is read in it. Each thread then runs
 * all W steps of one block of BLK of its nodes before the next block, so the block's state and ring
 * inputs stay in the cache instead of streaming the whole network through it every step, and draws
 * the block's Poisson drive in its update (poisson_drive; found by input: a generator's targets are
 * in input order, checked at prepare). The spikes of all W steps are delivered after the window and recorded step by step,
 * in id order. Windows end at every multimeter sample, and are not used with spike, step current or
 * noise generators (their state advances step by step): then W = 1, the plain step loop.
 * Every operation on every value is the one of the plain loop, only in another order where the order
 * cannot matter (different nodes, or integer sums). */
static uint32_t window_len(const sg_sim *sim, const cpu_data *d, uint64_t k, uint64_t left) {
  if (!d->windows) return 1;
  uint32_t W = d->min_delay < d->wmax ? d->min_delay : d->wmax;
  if (W > left) W = (uint32_t)left;
  if (W < 1) W = 1;
  for (uint32_t w = 0; w + 1 < W; ++w)
    for (size_t j = 0; j < sim->n_mm; ++j)
      if (sg_i_mm_due(&sim->mm[j], k + w + 1)) return w + 1;
  return W;
}

static uint64_t lower_input(const uint32_t *in, uint64_t lo, uint64_t hi, uint64_t x) {
  while (lo < hi) {
    const uint64_t mid = lo + (hi - lo) / 2;
    if (in[mid] < x) lo = mid + 1; else hi = mid;
  }
  return lo;
}

/* The Poisson drive of nodes [b, b + cnt) of pop: the events that the poisson_generator synapses
 * into them (delay dd) emit in steps e >= pois_from, e < e_end, arriving in slots a_lo <= e + dd <
 * a_hi, added into their slots. In a window (cpu_run: a_lo = kk, a_hi = kk + 1) that is the drive
 * the update of step kk reads right after, drawn with the counters of its emission step kk - dd:
 * the same Q31.32 events as emitting them in step e into slot e + dd (the step loop does that), so
 * the same integer sums, without writing a slot that left the cache and reading it back dd steps
 * later. cpu_flush_drive (a_lo = step, e_end = step) puts the events still due into the ring. */
static void poisson_drive(sg_sim *sim, cpu_data *d, thr_data *me, const sg_pop *pop, uint64_t b, uint32_t cnt,
                          uint64_t a_lo, uint64_t a_hi, uint64_t e_end) {
  const sg_csr *c = &sim->gen_csr;
  const uint32_t *in = gen_inputs(sim, d);   /* nodes b .. b + cnt - 1 are this rank's: all have inputs */
  const uint32_t mask = sg_ring_mask(sim->ring_len);
  for (size_t g = 0; g < d->n_gens; ++g) {
    if (!d->pcnt[g]) continue;   /* not a Poisson generator with targets */
    const sg_gen *G = &sim->gens[g];
    const uint64_t row = G->gid - 1, s0 = c->row_seg[row], s1 = c->row_seg[row + 1];
    const uint64_t first = sg_csr_seg_begin(c->seg_end, s0), end = c->seg_end[s1 - 1];
    for (uint32_t q = 0; q < pop->n_ports; ++q) {
      const uint64_t a = pop->input_gbase + (uint64_t)q * pop->n + b;   /* the CSR's numbering */
      if (a + cnt <= c->input[first] || a > c->input[end - 1]) continue;   /* no target here: skip the searches */
      const uint64_t ja = lower_input(c->input, first, end, a), jb = lower_input(c->input, ja, end, a + cnt);
      if (ja == jb) continue;
      for (uint64_t s = s0; s < s1; ++s) {
        const uint64_t sb = sg_csr_seg_begin(c->seg_end, s), se = c->seg_end[s];
        const uint64_t x0 = sb > ja ? sb : ja, x1 = se < jb ? se : jb;
        if (x0 >= x1) continue;
        const uint64_t dd = c->seg_delay[s];
        if (a_hi <= d->pois_from + dd) continue;   /* nothing emitted since pois_from arrives yet */
        uint64_t e = a_lo > d->pois_from + dd ? a_lo - dd : d->pois_from;
        const uint64_t e1 = a_hi - dd < e_end ? a_hi - dd : e_end;
        for (; e < e1; ++e) {
          if (!sg_gen_poisson_active(G, (int64_t)e)) continue;
          int64_t *slot = sg_ring_slot(sim->ring, e + dd, mask, sim->n_inputs);
          for (uint64_t x = x0; x < x1; x += BLK) {
            const uint32_t n = (uint32_t)(x1 - x < BLK ? x1 - x : BLK);
            poisson_counts(sim, G, &d->ptab[g], e, x - first, n, me->pc, me);
            add_counts(slot, in + x, c->weight + x, me->pc, n, me->cv);   /* within the block: no compaction */
          }
        }
      }
    }
  }
}

/* Before sg_i_prepare replaces the tables (rates, generators, connections): the drive that the
 * updates of later steps would have drawn with the current ones goes into the ring, where the step
 * loop would have put it, so the ring holds the same pending input whatever comes next (the cuda
 * backend does the same, flush_poisson_drive). This rank's nodes only (nobody reads the others'). */
static void cpu_flush_drive(sg_sim *sim) {
  cpu_data *d = sim->backend_data;
  if (!d || !d->drive || sim->poisoned) return;
  d->drive = 0;   /* once: a failed prepare after this must not flush again */
  thr_data *me = d->th[0];
  for (size_t p = 0; p < sim->n_pops; ++p) {
    const sg_pop *pop = sim->pops[p];
    if (pop->model->kind != SG_KIND_NEURON || p >= d->n_pops) continue;
    for (uint64_t b = d->share_lo[p]; b < d->share_hi[p]; b += BLK) {
      const uint32_t cnt = (uint32_t)(d->share_hi[p] - b < BLK ? d->share_hi[p] - b : BLK);
      poisson_drive(sim, d, me, pop, b, cnt, sim->step, UINT64_MAX, sim->step);
    }
  }
}

/* W steps from k of this thread's share of every population, block by block */
static void run_window(sg_sim *sim, cpu_data *d, thr_data *me, uint64_t k, uint32_t W, int t, int T) {
  const uint32_t mask = sg_ring_mask(sim->ring_len);
  me->n_spk = 0;
  for (size_t p = 0; p < sim->n_pops; ++p) {
    sg_pop *pop = sim->pops[p];
    if (pop->model->kind != SG_KIND_NEURON) { me->pop_end[p] = me->n_spk; continue; }
    const uint64_t n = pop->n;
    /* this thread's part of this rank's share (the whole population on one rank) */
    const uint64_t a = d->share_lo[p], share_n = d->share_hi[p] - a;
    const uint64_t tlo = a + share_n * (uint64_t)t / (uint64_t)T, thi = a + share_n * (uint64_t)(t + 1) / (uint64_t)T;
    sg_view view;
    memset(&view, 0, sizeof view);
    for (uint32_t r = 0; r < pop->model->n_state; ++r) view.s[r] = pop->state[r];
    const int vec = pop->model->cpu_block_step && !pop->coef_per_node, draws = pop->model->cpu_block_draws;
    for (uint64_t b = tlo; b < thi; b += BLK) {
      const uint32_t cnt = (uint32_t)(thi - b < BLK ? thi - b : BLK);
      for (uint32_t wstep = 0; wstep < W; ++wstep) {
        const uint64_t kk = k + wstep;
        if (d->n_gens) poisson_drive(sim, d, me, pop, b, cnt, kk, kk + 1, UINT64_MAX);
        const sg_step_ctx ctx = {sim->cfg.seed, kk, pop->first, n, pop->fed_ports, pop->in_gap, pop->in_lo};
        int64_t *slot = sg_ring_slot(sim->ring, kk, mask, sim->n_inputs) + pop->input_base;
        if (vec) {
          if (draws) philox_w01(sim->cfg.seed, ctr_x(kk), ctr_y(SG_STREAM_FIRING, kk), pop->first + b, cnt, me->w0, me->w1);
          const uint32_t ns = pop->model->cpu_block_step(pop->coef, &view, b, cnt, slot, &ctx, draws ? me->w0 : NULL,
                                                         draws ? me->w1 : NULL, me->idx);
          push_block(me, pop, b, ns, kk, wstep);
        } else {
          const uint64_t lo = b, hi = b + cnt;
          switch (pop->model->id) {
#define X(M, M_UPPER) case SG_MODEL_##M: UPDATE_SCALAR(M); break;
            SG_NEURON_LIST(X)
#undef X
          default: break;
          }
        }
      }
    }
    me->pop_end[p] = me->n_spk;
  }
}

/* ---- MPI ranks: the spike exchange of a window (docs/mpi.md) ------------------------------------- */
/* Master thread, after every thread of this rank has updated its nodes for the window: the
 * window's spikes of this rank, population by population and thread by thread (id order), as
 * (source row, multiplicity, step in the window), go to every rank (MPI_Allgatherv sized by an
 * MPI_Allgather of one count per rank); d->rx[r] then lists rank r's spikes in its order, so
 * that delivery and the recorders see the same spikes in the same order on every rank, the order
 * of the single-process run. The population boundaries of a list are not sent: its sources
 * ascend population by population, so the receiver finds them from the ids. */
static void exchange(sg_sim *sim, cpu_data *d, int T) {
  const size_t np = sim->n_pops;
  size_t n = 0;
  for (size_t p = 0; p < np; ++p)
    for (int t = 0; t < T; ++t) {
      const thr_data *h = d->th[t];
      for (size_t q = p ? h->pop_end[p - 1] : 0; q < h->pop_end[p]; ++q, ++n) {
        uint32_t *x = d->sbuf + 3 * n;
        x[0] = h->spk[q]; x[1] = h->mul[q]; x[2] = h->stp[q];
      }
    }
  sg_i_rank_exchange(sim, d->sbuf, n, d->rbuf, d->hdr_all, d->xcnt, d->xdsp);   /* every count <= xcap (make_ranks) */
  for (int r = 0; r < d->P; ++r) {
    thr_data *h = d->rx[r];
    const size_t e0 = (size_t)d->xdsp[r] / 3, cnt = (size_t)d->xcnt[r] / 3;
    h->spk = d->rx_spk + e0; h->mul = d->rx_mul + e0; h->stp = d->rx_stp + e0;
    h->n_spk = cnt;
    const uint32_t *x = d->rbuf + d->xdsp[r];
    for (size_t q = 0; q < cnt; ++q) {
      h->spk[q] = x[3 * q]; h->mul[q] = x[3 * q + 1]; h->stp[q] = (uint16_t)x[3 * q + 2];
    }
    size_t q = 0;   /* population ends: past the last source of each population (rows ascend by population) */
    for (size_t p = 0; p < np; ++p) {
      const uint64_t end_row = sim->pops[p]->first - 1 + sim->pops[p]->n;
      while (q < cnt && h->spk[q] < end_row) ++q;
      h->pop_end[p] = q;
    }
  }
}

/* ---- the step loop --------------------------------------------------------------------------------- */
static void run_steps(sg_sim *sim, cpu_data *d, uint64_t n_steps, int t, int T) {
  thr_data *me = d->th[t];
  const uint64_t k0 = sim->step;
  const uint32_t lo = d->split[t], len = d->split[t + 1] - d->split[t];
  const int owned = T > 1;   /* deliver into the owned inputs only */
  const int P = d->P;        /* MPI ranks: deliver and record every rank's spikes (exchange) */
  thr_data *const *lists = P > 1 ? d->rx : d->th;
  const int n_lists = P > 1 ? P : T;
  uint64_t s = 0;
  while (s < n_steps) {
    const uint64_t k = k0 + s;
    const uint32_t W = window_len(sim, d, k, n_steps - s);   /* the same in every thread */
    if (d->windows) {
      run_window(sim, d, me, k, W, t, T);
      if (T > 1) barrier(d, T);
    } else {
      if (d->has_serial) {
        if (t == 0) run_serial_generators(sim, d, k);
        if (T > 1) barrier(d, T);
      }   /* else only generators without targets: run after the step (above) */
      if (T == 1) poisson_single(sim, d, me, k);
      else poisson_draw(sim, d, me, k, t, T);
      update_neurons(sim, d, me, k, t, T);
      if (T > 1) {
        barrier(d, T);
        poisson_apply(sim, d, me, k, lo, len);
      }
    }
    if (P > 1) {   /* the window's spikes of every rank (after this rank's updates: barrier above) */
      if (t == 0) exchange(sim, d, T);
      if (T > 1) barrier(d, T);
    }
    if (sim->csr.row_seg) deliver_window(sim, me, lists, n_lists, k, W, lo, len, owned, t == 0);
    if (sim->n_proc) deliver_proc(sim, me, lists, n_lists, k, W, lo, len, owned);
    if (t == 0) {
      /* generators without targets: spike generators move their read position to step k + W - 1
       * (the same position as step by step; nothing else happens) */
      if (d->idle_gens && !d->has_serial) run_serial_generators(sim, d, k + W - 1);
      uint64_t spikes = 0;
      for (int q = 0; q < n_lists; ++q) spikes += lists[q]->n_spk;
      for (size_t p = 0; p < sim->n_pops; ++p)
        if (sim->pops[p]->model->kind == SG_KIND_NEURON) sim->stats.neuron_updates += sim->pops[p]->n * W;
      sim->stats.spikes += spikes;
      d->run_events += me->events;   /* this rank's targets' events: summed over ranks in cpu_run */
      me->events = 0;
      sg_status st = SG_OK;
      for (uint32_t w = 0; w < W && st == SG_OK; ++w) st = record_step(sim, d, lists, n_lists, k + w, w);
      if (P > 1) sg_i_rank_merge_samples(sim, k + W);
      sim->step = k + W;
      if (st) {
        /* only a parrot_neuron's multiplicity can need more than reserve_records made room for:
         * spikes of this window are lost, so the simulation cannot go on as if they were not */
        sim->poisoned = 1;
        snprintf(sim->backend_reason, sizeof sim->backend_reason, "cpu: the recordings of steps %llu..%llu are incomplete: %.200s",
                 (unsigned long long)k, (unsigned long long)(k + W - 1), sim->msg);
        d->stop = (int)st;
      }
      for (int q = 0; q < T; ++q)   /* every thread has finished this window's updates */
        if (d->th[q]->bad_step != UINT64_MAX && !d->stop) d->stop = -1;
      /* the next window's recorder memory, while the others wait at the barrier */
      if (!d->stop && s + W < n_steps && (st = reserve_records(sim, d, k + W, window_len(sim, d, k + W, n_steps - s - W))))
        d->stop = (int)st;
      if (P > 1) {   /* the collective check of the window: a stop anywhere stops every rank here */
        int64_t any = d->stop != 0;
        sg_mpi_max_i64(&any, 1);
        if (any && !d->stop) d->stop = STOP_REMOTE;
      }
    }
    if (T > 1) barrier(d, T);
    if (d->stop) break;
    s += W;
  }
}

/* MPI ranks: how a stopped run ends on every rank alike (sg_i_rank_stop), from this rank's first
 * non-finite node (earliest step, then lowest id) if it has one. */
static sg_status resolve_stop(sg_sim *sim, cpu_data *d, int T) {
  uint64_t step = UINT64_MAX;
  uint32_t row = UINT32_MAX;
  if (d->stop == -1)
    for (int q = 0; q < T; ++q)
      if (d->th[q]->bad_step < step || (d->th[q]->bad_step == step && d->th[q]->bad_row < row))
        step = d->th[q]->bad_step, row = d->th[q]->bad_row;
  return sg_i_rank_stop(sim, step, row, d->stop > 0 ? d->stop : 0, "cpu");
}

static sg_status cpu_run(sg_sim *sim, uint64_t n_steps) {
  cpu_data *d = sim->backend_data;
  const int T = omp_get_max_threads();
  sg_status st = ensure_threads(sim, d, T);
  if (st == SG_OK) st = make_split(sim, d, T);
  if (st == SG_OK)
    for (size_t g = 0; g < d->n_gens; ++g) {
      const sg_gen *G = &sim->gens[g];
      if (d->pcnt[g] && (d->ptab[g].lambda != G->lambda || d->ptab[g].emlambda != G->emlambda))
        make_ptab(&d->ptab[g], G->lambda, G->emlambda);
    }
  if (d->P > 1) {
    /* windows: the shortest delay of the whole network, not of this rank's synapses */
    uint64_t md = d->min_delay;
    sg_mpi_min_u64(&md, 1);
    d->min_delay = (uint32_t)md;
  }
  if (st == SG_OK) st = reserve_records(sim, d, sim->step, window_len(sim, d, sim->step, n_steps));
  if (d->P > 1) st = (sg_status)sg_mpi_agree((int)st, sim->msg, sizeof sim->msg);
  if (st) return st;
  d->stop = 0;
  d->run_events = 0;
  for (int q = 0; q < T; ++q) d->th[q]->bad_step = UINT64_MAX, d->th[q]->bad_row = UINT32_MAX;
  atomic_store(&d->bar_count, 0u);
  atomic_store(&d->bar_gen, 0u);
  if (T == 1) {
    run_steps(sim, d, n_steps, 0, 1);
  } else {
    int bad = 0;
#pragma omp parallel num_threads(T)
    {
      if (omp_get_num_threads() != T) {   /* fewer threads than asked: run on one */
#pragma omp single
        bad = 1;
      } else {
        run_steps(sim, d, n_steps, omp_get_thread_num(), T);
      }
    }
    if (bad) {
      if ((st = make_split(sim, d, 1))) return st;
      run_steps(sim, d, n_steps, 0, 1);
    }
  }
  for (int q = 0; q < T; ++q) {   /* procedural events, counted by the thread that added them */
    d->run_events += d->th[q]->proc_events;
    d->th[q]->proc_events = 0;
  }
  uint64_t events = d->run_events;   /* every rank's, to the statistics of the whole network */
  sg_mpi_sum_u64(&events, 1);
  sim->stats.syn_events += events;
  if (d->P > 1 && d->stop) return resolve_stop(sim, d, T);
  if (d->stop == -1) {   /* a node's state became non-finite: the first such node of the run */
    uint64_t step = UINT64_MAX;
    uint32_t row = UINT32_MAX;
    for (int q = 0; q < T; ++q)
      if (d->th[q]->bad_step < step || (d->th[q]->bad_step == step && d->th[q]->bad_row < row))
        step = d->th[q]->bad_step, row = d->th[q]->bad_row;
    return sg_i_nonfinite_error(sim, row, step);
  }
  return (sg_status)d->stop;
}

const sg_backend_ops sg_i_cpu_backend = {"cpu", cpu_flush_drive, cpu_prepare, cpu_run, cpu_sync, cpu_release};
