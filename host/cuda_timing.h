/* host/cuda_timing.h - per-kernel timing of the cuda backend, a measuring switch for bench/ and the
 * GPU check (never on in tests of results): SG_CUDA_KERNEL_TIMING=n times the next n steps of a
 * simulation kernel by kernel. Those steps are launched one by one (no graph) with a CUDA event
 * after every launch and the stream synchronised once per step, so the per-step launch gaps are
 * included in the first kernel's time and the figures are an upper bound of each kernel's share
 * in graph replay. The results do not change: the same kernels run in the same order.
 * The table goes to stderr, followed by one JSON line {"kernel_timing": ...} that
 * bench/gpu_report.py reads. CUDA builds only (host/backend_cuda.c). */
/* SPDX-License-Identifier: MIT */
#ifndef SG_HOST_CUDA_TIMING_H
#define SG_HOST_CUDA_TIMING_H

#include <stdint.h>

#include <cuda_runtime_api.h>

#define SG_CU_TIMING_MAX 48   /* launches per step that are timed separately; more are summed into the last */

typedef struct sg_cu_timing {
  uint64_t want, done;            /* windows (launch sequences) to time, timed so far           */
  uint64_t steps;                 /* steps of the windows timed (a window: 1 step or more)      */
  int finished;                   /* reported: later steps run untimed                          */
  unsigned n_marks, n_kernels;    /* launches marked in the current step; per step (fixed)     */
  int n_events;                   /* events created                                             */
  cudaEvent_t ev[SG_CU_TIMING_MAX + 1];
  const char *name[SG_CU_TIMING_MAX];
  double ms[SG_CU_TIMING_MAX];
} sg_cu_timing;

/* Reads SG_CUDA_KERNEL_TIMING once it is set; returns 1 while steps remain to be timed. */
int sg_cu_timing_wanted(sg_cu_timing *t);
/* Before a step's first launch: events made on first use, the step's start recorded. */
cudaError_t sg_cu_timing_begin_step(sg_cu_timing *t, cudaStream_t s);
/* After each launch of the step: the event that ends it. */
cudaError_t sg_cu_timing_mark(sg_cu_timing *t, const char *kernel, cudaStream_t s);
/* After the step: waits for it and adds each kernel's time. */
cudaError_t sg_cu_timing_end_step(sg_cu_timing *t, uint32_t steps);
/* The table and the JSON line on stderr (once, when the wanted steps are done or at release). */
void sg_cu_timing_report(sg_cu_timing *t, const char *device);
void sg_cu_timing_free(sg_cu_timing *t);

#endif
