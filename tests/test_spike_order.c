/* tests/test_spike_order.c - sg_i_order_spikes (host/spike_order.c), the cuda backend's ordering of
 * a batch of recorded spikes, against qsort by (stamp, row): every path (insertion sort, radix sort
 * with 1 to 4 passes, a step larger than the second buffer, input not grouped by stamp); and
 * sg_i_order_window_spikes, for batches of windows whose steps interleave. */
/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "sg_test.h"

static int cmp_ref(const void *a, const void *b) {
  const sg_spike_ev *x = a, *y = b;
  if (x->stamp != y->stamp) return x->stamp < y->stamp ? -1 : 1;
  return (x->row > y->row) - (x->row < y->row);
}

static uint64_t lcg(uint64_t *s) {
  *s = *s * 6364136223846793005ull + 1442695040888963407ull;
  return *s >> 17;
}

/* A batch as the record kernel leaves it: steps ascending, each step's distinct rows (below
 * row_lim) in a shuffled order, multiplicities that identify each entry. */
static uint64_t make_batch(sg_spike_ev *ev, const uint64_t *per_step, int n_steps, uint64_t row_lim, uint64_t *seed) {
  uint64_t n = 0;
  for (int s = 0; s < n_steps; ++s) {
    const uint64_t m = per_step[s];
    for (uint64_t i = 0; i < m; ++i) {   /* distinct rows (m <= row_lim): drawn until new */
      uint64_t r, dup;
      do {
        r = lcg(seed) % row_lim;
        dup = 0;
        for (uint64_t j = n; j < n + i && !dup; ++j) dup = ev[j].row == r;
      } while (dup);
      ev[n + i] = (sg_spike_ev){.stamp = 1000u + 3u * (uint64_t)s, .row = (uint32_t)r,
                                .mult = (uint32_t)(lcg(seed) & 0xFFFFu) + 1u};
    }
    for (uint64_t i = m; i > 1; --i) {   /* shuffle the step */
      const uint64_t j = lcg(seed) % i;
      const sg_spike_ev t = ev[n + i - 1];
      ev[n + i - 1] = ev[n + j];
      ev[n + j] = t;
    }
    n += m;
  }
  return n;
}

/* in[0..n) ordered by sg_i_order_spikes, or by sg_i_order_window_spikes given a window table
 * (win: n_win windows from step k0), equals qsort's order */
static void check_order(const sg_spike_ev *in, uint64_t n, uint64_t tmp_cap, uint64_t k0, const uint32_t *win,
                        uint64_t n_win) {
  sg_spike_ev *got = malloc((n + 1) * sizeof *got), *want = malloc((n + 1) * sizeof *want);
  sg_spike_ev *tmp = malloc((tmp_cap + 1) * sizeof *tmp);
  CU_ASSERT_FATAL(got && want && tmp);
  memcpy(got, in, n * sizeof *in);
  memcpy(want, in, n * sizeof *in);
  qsort(want, n, sizeof *want, cmp_ref);
  if (win) sg_i_order_window_spikes(got, n, tmp, tmp_cap, k0, win, n_win);
  else sg_i_order_spikes(got, n, tmp, tmp_cap);
  CU_ASSERT(memcmp(got, want, n * sizeof *got) == 0);
  free(got);
  free(want);
  free(tmp);
}
static void check(const sg_spike_ev *in, uint64_t n, uint64_t tmp_cap) { check_order(in, n, tmp_cap, 0, NULL, 0); }

static void test_order_paths(void) {
  static const uint64_t sizes[] = {0, 1, 2, 31, 32, 33, 200, 1, 5000, 0, 64, 777};
  const int n_steps = (int)(sizeof sizes / sizeof sizes[0]);
  static const uint64_t limits[] = {200, 5001, 70000, 20000000, 4000000000u};   /* 1, 2, 3, 4 radix passes */
  uint64_t total = 0;
  for (int s = 0; s < n_steps; ++s) total += sizes[s];
  sg_spike_ev *ev = malloc(total * sizeof *ev);
  CU_ASSERT_FATAL(ev != NULL);
  uint64_t seed = 12345;
  for (size_t l = 0; l < sizeof limits / sizeof limits[0]; ++l) {
    uint64_t sz[sizeof sizes / sizeof sizes[0]];
    for (int s = 0; s < n_steps; ++s) sz[s] = sizes[s] < limits[l] ? sizes[s] : limits[l];
    const uint64_t n = make_batch(ev, sz, n_steps, limits[l], &seed);
    check(ev, n, 5000);   /* every step fits the second buffer */
    check(ev, n, 100);    /* the large steps do not: qsort for them */
    check(ev, n, 0);
  }
  /* not grouped by ascending stamps: sorted whole */
  const uint64_t two[] = {40, 40};
  const uint64_t n = make_batch(ev, two, 2, 1000, &seed);
  for (uint64_t i = 0; i < 40; ++i) {
    const sg_spike_ev t = ev[i];
    ev[i] = ev[i + 40];
    ev[i + 40] = t;
  }
  check(ev, n, 100);
  free(ev);
}

/* Windows: steps k0 + 1 .. of consecutive stamps, grouped into windows of win[j] steps whose
 * entries are shuffled together (the record kernel appends a window's steps in any order). */
static void test_order_windows(void) {
  static const uint32_t win[] = {1, 3, 32, 2, 7, 1, 15};
  const uint64_t n_win = sizeof win / sizeof win[0], k0 = 500;
  uint64_t steps = 0;
  for (uint64_t j = 0; j < n_win; ++j) steps += win[j];
  uint64_t *per_step = malloc(steps * sizeof *per_step), seed = 777, total = 0;
  CU_ASSERT_FATAL(per_step != NULL);
  for (uint64_t s = 0; s < steps; ++s) total += per_step[s] = lcg(&seed) % 3 == 0 ? 0 : lcg(&seed) % 90;
  sg_spike_ev *ev = malloc((total + 1) * sizeof *ev);
  CU_ASSERT_FATAL(ev != NULL);
  uint64_t n = 0, s = 0;
  for (uint64_t j = 0; j < n_win; ++j) {   /* each window's steps, then the window shuffled */
    const uint64_t a = n;
    for (uint32_t w = 0; w < win[j]; ++w, ++s) {
      n += make_batch(ev + n, &per_step[s], 1, 100000, &seed);
      for (uint64_t q = n - per_step[s]; q < n; ++q) ev[q].stamp = k0 + s + 1;
    }
    for (uint64_t i = n - a; i > 1; --i) {
      const uint64_t x = lcg(&seed) % i;
      const sg_spike_ev t = ev[a + i - 1];
      ev[a + i - 1] = ev[a + x];
      ev[a + x] = t;
    }
  }
  CU_ASSERT_FATAL(n == total && s == steps);
  check_order(ev, n, 32u * 90u, k0, win, n_win);   /* every window fits the second buffer */
  check_order(ev, n, 100, k0, win, n_win);          /* the long ones do not: the general path */
  check_order(ev, n, 32u * 90u, k0 + 1, win, n_win);   /* a table that does not match the batch */
  const uint32_t ones[] = {1, 1, 1};
  check_order(ev, n, 32u * 90u, k0, ones, 3);       /* nor does this one: the rest is sorted whole */
  free(ev);
  free(per_step);
}

static CU_TestInfo tests[] = {
  {"a batch of recorded spikes ordered by (stamp, sender) = qsort, every path", test_order_paths},
  {"a batch of windows whose steps interleave ordered by (stamp, sender) = qsort", test_order_windows},
  CU_TEST_INFO_NULL,
};

const sg_test_suite sg_suite_spike_order = {"spike_order", NULL, tests};
