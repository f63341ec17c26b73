/* host/spike_order.c - recorded spikes of a batch into the order the spike recorders take them:
 * by stamp, then by sender, the cpu backend's order (its spike list is in id order, steps in time
 * order).
 *
 * The cuda backend's record kernel appends a step's spikes with atomics, so a step's entries come
 * in no particular order, but the steps themselves run one after the other: a batch is a run of
 * contiguous steps, stamps ascending. Only each step's entries need sorting, by sender row, and
 * those rows are distinct (one entry per sender and step). A comparison sort of the whole batch
 * costs O(n log n) with a call per comparison, about 1 s per simulated second at 10^6 recorded
 * neurons and 8 Hz (8 x 10^6 spikes), more than the device's step; an LSD radix sort per step,
 * 8 bits of the row per pass (3 passes below 2^24 neurons), is O(n). Few entries take an
 * insertion sort. Input that is not grouped by ascending stamps (no caller gives it) is sorted
 * whole with qsort, so the result is always the same order. tests/test_spike_order.c checks it
 * against qsort.
 *
 * With windows (several steps per launch sequence, docs/gpu.md §2) a window's entries come
 * together but its steps interleave: sg_i_order_window_spikes first groups each window's entries
 * by stamp (a counting sort over its W <= 32 steps, stable, O(n)), then orders rows as above. */
/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int sg_i_spike_ev_cmp(const void *a, const void *b) {
  const sg_spike_ev *x = a, *y = b;
  if (x->stamp != y->stamp) return x->stamp < y->stamp ? -1 : 1;
  return (x->row > y->row) - (x->row < y->row);
}

static void insertion_by_row(sg_spike_ev *ev, uint64_t m) {
  for (uint64_t i = 1; i < m; ++i) {
    const sg_spike_ev e = ev[i];
    uint64_t j = i;
    for (; j > 0 && ev[j - 1].row > e.row; --j) ev[j] = ev[j - 1];
    ev[j] = e;
  }
}

/* ev[0..m) by row, stable, through tmp (m entries); every row < 2^(8 passes). */
static void radix_by_row(sg_spike_ev *ev, uint64_t m, sg_spike_ev *tmp, unsigned passes) {
  sg_spike_ev *from = ev, *to = tmp;
  for (unsigned p = 0; p < passes; ++p) {
    uint64_t count[257] = {0};
    const unsigned shift = 8u * p;
    for (uint64_t i = 0; i < m; ++i) ++count[((from[i].row >> shift) & 0xFFu) + 1u];
    for (unsigned b = 1; b < 257; ++b) count[b] += count[b - 1];
    for (uint64_t i = 0; i < m; ++i) to[count[(from[i].row >> shift) & 0xFFu]++] = from[i];
    sg_spike_ev *t = from;
    from = to;
    to = t;
  }
  if (from != ev) memcpy(ev, from, m * sizeof *ev);
}

void sg_i_order_spikes(sg_spike_ev *ev, uint64_t n, sg_spike_ev *tmp, uint64_t tmp_cap) {
  for (uint64_t i = 1; i < n; ++i)
    if (ev[i].stamp < ev[i - 1].stamp) {
      qsort(ev, n, sizeof *ev, sg_i_spike_ev_cmp);
      return;
    }
  for (uint64_t a = 0; a < n;) {
    uint64_t b = a + 1;
    uint32_t top = ev[a].row;
    for (; b < n && ev[b].stamp == ev[a].stamp; ++b) top |= ev[b].row;
    const uint64_t m = b - a;
    unsigned passes = 1;
    while (passes < 4 && (top >> (8u * passes)) != 0u) ++passes;
    if (m <= 32) insertion_by_row(ev + a, m);
    else if (m <= tmp_cap) radix_by_row(ev + a, m, tmp, passes);
    else qsort(ev + a, m, sizeof *ev, sg_i_spike_ev_cmp);
    a = b;
  }
}

/* ev[0..m) grouped by stamp, stamps k0 + 1 .. k0 + W, stable, through tmp (m entries) */
static void bucket_by_stamp(sg_spike_ev *ev, uint64_t m, sg_spike_ev *tmp, uint64_t k0, uint32_t W) {
  uint64_t count[33] = {0};
  for (uint64_t i = 0; i < m; ++i) ++count[ev[i].stamp - k0];   /* 1 .. W */
  for (uint32_t b = 1; b <= W; ++b) count[b] += count[b - 1];   /* count[b - 1]: first of stamp k0 + b */
  for (uint64_t i = 0; i < m; ++i) tmp[count[ev[i].stamp - k0 - 1]++] = ev[i];
  memcpy(ev, tmp, m * sizeof *ev);
}

void sg_i_order_window_spikes(sg_spike_ev *ev, uint64_t n, sg_spike_ev *tmp, uint64_t tmp_cap, uint64_t k0,
                              const uint32_t *win, uint64_t n_win) {
  uint64_t a = 0, k = k0;
  for (uint64_t j = 0; j < n_win && a < n; ++j) {
    const uint64_t end = k + win[j];   /* the window's stamps: k + 1 .. end */
    uint64_t b = a;
    int inside = 1;
    for (; b < n && ev[b].stamp <= end; ++b) inside &= ev[b].stamp > k;
    if (!inside || win[j] > 32u || b - a > tmp_cap) break;   /* not windows as described: the general path */
    if (win[j] > 1u && b - a > 1u) bucket_by_stamp(ev + a, b - a, tmp, k, win[j]);
    a = b;
    k = end;
  }
  sg_i_order_spikes(ev, n, tmp, tmp_cap);   /* stamps ascend now (or it sorts the rest whole) */
}
