/* host/cuda_timing.c - per-kernel timing of the cuda backend (see cuda_timing.h). */
/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef SG_HAVE_CUDA
#include "cuda_timing.h"

int sg_cu_timing_wanted(sg_cu_timing *t) {
  if (t->finished) return 0;
  if (!t->want) {
    const char *v = getenv("SG_CUDA_KERNEL_TIMING");
    const unsigned long long n = v && *v ? strtoull(v, NULL, 10) : 0;
    t->want = n > 1000000ull ? 1000000ull : n;   /* a measuring switch: a million steps is plenty */
  }
  return t->want > t->done;
}

cudaError_t sg_cu_timing_begin_step(sg_cu_timing *t, cudaStream_t s) {
  cudaError_t e;
  for (; t->n_events < SG_CU_TIMING_MAX + 1; ++t->n_events)
    if ((e = cudaEventCreate(&t->ev[t->n_events])) != cudaSuccess) return e;
  t->n_marks = 0;
  return cudaEventRecord(t->ev[0], s);
}

cudaError_t sg_cu_timing_mark(sg_cu_timing *t, const char *kernel, cudaStream_t s) {
  unsigned i = t->n_marks < SG_CU_TIMING_MAX ? t->n_marks : SG_CU_TIMING_MAX - 1;
  if (t->n_marks < SG_CU_TIMING_MAX) t->name[i] = kernel;
  else t->name[i] = "(other launches)";
  ++t->n_marks;
  return cudaEventRecord(t->ev[i + 1], s);
}

cudaError_t sg_cu_timing_end_step(sg_cu_timing *t, uint32_t steps) {
  const unsigned n = t->n_marks < SG_CU_TIMING_MAX ? t->n_marks : SG_CU_TIMING_MAX;
  cudaError_t e = cudaEventSynchronize(t->ev[n]);
  if (e != cudaSuccess) return e;
  for (unsigned i = 0; i < n; ++i) {
    float ms = 0.0f;
    if ((e = cudaEventElapsedTime(&ms, t->ev[i], t->ev[i + 1])) != cudaSuccess) return e;
    t->ms[i] += ms;
  }
  t->n_kernels = n;
  ++t->done;
  t->steps += steps;
  return cudaSuccess;
}

void sg_cu_timing_report(sg_cu_timing *t, const char *device) {
  if (t->finished || !t->done) return;
  t->finished = 1;
  double total = 0.0;
  for (unsigned i = 0; i < t->n_kernels; ++i) total += t->ms[i];
  const double per = 1e3 / (double)(t->steps ? t->steps : t->done);   /* ms in all -> us per step */
  fprintf(stderr, "spikegpu: kernel timing on %s over %llu steps in %llu windows (launched one by one, CUDA events,\n"
                  "          stream synchronised per window: launch gaps count towards the first kernel)\n"
                  "  %-30s %12s %8s\n", device, (unsigned long long)t->steps, (unsigned long long)t->done, "kernel",
          "us per step", "share");
  unsigned top = 0;
  for (unsigned i = 0; i < t->n_kernels; ++i) {
    fprintf(stderr, "  %-30s %12.2f %7.1f%%\n", t->name[i], t->ms[i] * per, total > 0 ? 100.0 * t->ms[i] / total : 0.0);
    if (t->ms[i] > t->ms[top]) top = i;
  }
  fprintf(stderr, "  %-30s %12.2f\n", "total", total * per);
  if (t->n_kernels) fprintf(stderr, "  dominant: %s\n", t->name[top]);
  fprintf(stderr, "{\"kernel_timing\": {\"device\": \"%s\", \"steps\": %llu, \"windows\": %llu, \"total_us_per_step\": %.4f, \"kernels\": [",
          device, (unsigned long long)t->steps, (unsigned long long)t->done, total * per);
  for (unsigned i = 0; i < t->n_kernels; ++i)
    fprintf(stderr, "%s{\"kernel\": \"%s\", \"us_per_step\": %.4f}", i ? ", " : "", t->name[i], t->ms[i] * per);
  fprintf(stderr, "]}}\n");
}

void sg_cu_timing_free(sg_cu_timing *t) {
  for (int i = 0; i < t->n_events; ++i) (void)cudaEventDestroy(t->ev[i]);
  t->n_events = 0;
}
#endif
