/* host/rank_share.c - what both backends do alike with MPI ranks (docs/mpi.md): the spike exchange
 * of a window, the multimeter rows merged over the ranks, the agreement on a stopped run and the
 * state gathered at the end of sg_simulate. Every function here is collective: every rank calls it
 * at the same point of the run. */
/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "internal.h"
#include "ranks.h"

/* The window's spikes of this rank (n of them, 3 words each at sbuf) to every rank: one
 * MPI_Allgather of the counts (counts[r]: rank r's spikes), then one MPI_Allgatherv of the words,
 * rank r's at rbuf + xdsp[r] (xcnt[r] words). The caller sized rbuf for every rank's spikes of its
 * longest window, so the sums fit an int (checked when the buffers were made). */
void sg_i_rank_exchange(sg_sim *sim, const uint32_t *sbuf, size_t n, uint32_t *rbuf, int64_t *counts, int *xcnt, int *xdsp) {
  const int P = sg_mpi_size(), me = sg_mpi_rank();
  const int64_t mine = (int64_t)n;
  sg_mpi_allgather_i64(&mine, 1, counts);
  int off = 0;
  for (int r = 0; r < P; ++r) {
    xcnt[r] = 3 * (int)counts[r];
    xdsp[r] = off;
    off += xcnt[r];
    if (r != me) sim->mpi.bytes_received += 8u + 4u * (uint64_t)xcnt[r];
  }
  sim->mpi.bytes_sent += 8u + 12u * (uint64_t)n;
  sim->mpi.windows++;
  sg_mpi_allgatherv_u32(sbuf, 3 * (int)n, rbuf, xcnt, xdsp);
}

/* The multimeter rows sampled at stamp s: each rank filled its own nodes' values and all-zero
 * bits elsewhere, so a bitwise or over the ranks gives every value exactly (even -0.0 and NaN
 * payloads), the same row on every rank. */
#define MERGE_CHUNK 4096   /* words per reduction: a rank without the row takes part from a scratch */
void sg_i_rank_merge_samples(sg_sim *sim, uint64_t s) {
  static _Thread_local uint64_t scratch[MERGE_CHUNK];
  for (size_t j = 0; j < sim->n_mm; ++j) {
    sg_multimeter *m = &sim->mm[j];
    if (!sg_i_mm_due(m, s)) continue;
    const size_t w = m->n_targets * m->n_vars;
    /* a rank that failed to take the row (a recorder error: its run stops after this window)
     * still takes part in every reduction, with zeros, so that no rank waits for it */
    const int have = m->n_rows && m->stamp[m->n_rows - 1] == s;
    uint64_t *row = have ? (uint64_t *)(void *)(m->values + (m->n_rows - 1) * w) : NULL;
    for (size_t a = 0; a < w; a += MERGE_CHUNK) {
      const size_t n = w - a < MERGE_CHUNK ? w - a : MERGE_CHUNK;
      if (!have) memset(scratch, 0, n * sizeof *scratch);
      sg_mpi_or_u64(have ? row + a : scratch, n);
    }
  }
}

/* How a stopped run ends on every rank alike. A non-finite state is reported for the first such
 * node of the whole network (earliest step, then lowest id; this rank's first: bad_step, bad_row,
 * UINT64_MAX when it has none), found on every rank; any other stop carries the status and message
 * of the lowest rank that stopped (status: this rank's, 0 if it did not stop). A rank whose
 * recordings are incomplete poisons the simulation on every rank (`who`: the backend's name). */
sg_status sg_i_rank_stop(sg_sim *sim, uint64_t bad_step, uint32_t bad_row, int status, const char *who) {
  uint64_t step = bad_step;
  sg_mpi_min_u64(&step, 1);
  if (step != UINT64_MAX) {
    uint64_t row = bad_step == step ? bad_row : UINT64_MAX;
    sg_mpi_min_u64(&row, 1);
    return sg_i_nonfinite_error(sim, (uint32_t)row, step);
  }
  int64_t poisoned = sim->poisoned;
  sg_mpi_max_i64(&poisoned, 1);
  const int st = sg_mpi_agree(status, sim->msg, sizeof sim->msg);
  if (poisoned && !sim->poisoned) {
    sim->poisoned = 1;
    snprintf(sim->backend_reason, sizeof sim->backend_reason, "%s: another MPI rank's recordings are incomplete: %.200s", who, sim->msg);
  }
  return (sg_status)st;
}

/* Each rank advanced only its share of every population: the shares of every state row
 * (component by component) go to every rank, after which every rank holds the whole network's
 * state and sg_get answers alike everywhere. */
sg_status sg_i_rank_gather_state(sg_sim *sim) {
  const int P = sg_mpi_size();
  if (P == 1) return SG_OK;
  int *cnt = malloc((size_t)P * sizeof *cnt), *dsp = malloc((size_t)P * sizeof *dsp);
  /* every rank must take part in every gather: one without this memory cannot, so it aborts all */
  if (!cnt || !dsp) {
    fprintf(stderr, "spikegpu: rank %d: out of memory gathering the state; aborting every rank\n", sg_mpi_rank());
    abort();
  }
  for (size_t p = 0; p < sim->n_pops; ++p) {
    const sg_pop *pop = sim->pops[p];
    if (pop->model->kind != SG_KIND_NEURON) continue;
    for (int r = 0; r < P; ++r) {   /* words (2 per double) of rank r's share */
      uint64_t lo, hi;
      sg_mpi_share_of(pop->n, r, P, &lo, &hi);
      cnt[r] = (int)(2 * (hi - lo));
      dsp[r] = (int)(2 * lo);
    }
    for (uint32_t row = 0; row < pop->model->n_state; ++row)
      for (uint32_t c = 0; c < pop->width[row]; ++c)
        if (pop->state[row]) sg_mpi_allgatherv_inplace_u32((uint32_t *)(void *)(pop->state[row] + (uint64_t)c * pop->n), cnt, dsp);
  }
  free(cnt); free(dsp);
  return SG_OK;
}
