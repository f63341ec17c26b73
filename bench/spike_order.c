/* bench/spike_order.c - the host's share of the cuda backend's spike recording, timed without a
 * GPU: one simulated second of recorded spikes as a batch arrives from the device (steps in order,
 * a step's entries in atomic order), ordered by (stamp, sender) with qsort over the batch (the
 * old way) and with sg_i_order_spikes (host/spike_order.c, a radix sort per step).
 * Usage: spike_order [neurons (1e6)] [spikes per step (770: 7.7 Hz at h = 0.1 ms)] [steps (10000)] */
/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"

static double seconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

int main(int argc, char **argv) {
  const uint64_t N = argc > 1 ? strtoull(argv[1], NULL, 10) : 1000000u;
  const uint64_t per = argc > 2 ? strtoull(argv[2], NULL, 10) : 770u;
  const uint64_t steps = argc > 3 ? strtoull(argv[3], NULL, 10) : 10000u;
  if (N == 0 || per == 0 || per > N || steps == 0) {
    fprintf(stderr, "spike_order: need neurons >= spikes per step >= 1 and steps >= 1\n");
    return 2;
  }
  const uint64_t n = per * steps;
  sg_spike_ev *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b), *tmp = malloc(per * sizeof *tmp);
  if (!a || !b || !tmp) {
    fprintf(stderr, "spike_order: out of memory\n");
    return 1;
  }
  uint64_t seed = 88172645463325252u;
  for (uint64_t k = 0; k < steps; ++k) {
    const uint64_t stride = N / per, start = (seed = seed * 6364136223846793005u + 1u) >> 40;
    for (uint64_t i = 0; i < per; ++i)   /* distinct rows, then shuffled as the atomics leave them */
      a[k * per + i] = (sg_spike_ev){.stamp = k + 1, .row = (uint32_t)((start % stride + i * stride) % N), .mult = 1};
    for (uint64_t i = per; i > 1; --i) {
      seed = seed * 6364136223846793005u + 1u;
      const uint64_t j = (seed >> 33) % i;
      const sg_spike_ev t = a[k * per + i - 1];
      a[k * per + i - 1] = a[k * per + j];
      a[k * per + j] = t;
    }
  }
  memcpy(b, a, n * sizeof *a);
  const double t0 = seconds();
  qsort(a, n, sizeof *a, sg_i_spike_ev_cmp);
  const double t1 = seconds();
  sg_i_order_spikes(b, n, tmp, per);
  const double t2 = seconds();
  const int same = memcmp(a, b, n * sizeof *a) == 0;
  printf("{\"neurons\": %llu, \"spikes_per_step\": %llu, \"steps\": %llu, \"qsort_s\": %.4f, \"radix_per_step_s\": %.4f, "
         "\"ratio\": %.2f, \"same_order\": %s}\n",
         (unsigned long long)N, (unsigned long long)per, (unsigned long long)steps, t1 - t0, t2 - t1,
         (t1 - t0) / (t2 - t1), same ? "true" : "false");
  free(a);
  free(b);
  free(tmp);
  return same ? 0 : 1;
}
