/* host/backend_cuda.c - the cuda backend's host side: device probe, memory, orchestration.
 * In a CPU-only build (no nvcc) only the probe exists and says why there is no cuda. */
/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <string.h>

#include "internal.h"

#ifndef SG_HAVE_CUDA

int sg_cuda_available(char *why, size_t len) {
  if (why && len) snprintf(why, len, "this build has no CUDA backend (built without nvcc)");
  return 0;
}

static sg_status no_cuda(sg_sim *sim) {
  return sg_i_fail(sim, SG_ERR_NO_DEVICE, "this build has no CUDA backend (built without nvcc)");
}
static sg_status stub_prepare(sg_sim *sim) { return no_cuda(sim); }
static sg_status stub_run(sg_sim *sim, uint64_t n) { (void)n; return no_cuda(sim); }
static sg_status stub_sync(sg_sim *sim) { return no_cuda(sim); }
static void stub_release(sg_sim *sim) { (void)sim; }
const sg_backend_ops sg_i_cuda_backend = {"cuda", stub_prepare, stub_run, stub_sync, stub_release};

#else

#include <cuda_runtime.h>

/* Probes once per process (the first CUDA call), keeps the answer and the reason. */
int sg_cuda_available(char *why, size_t len) {
  static int probed = 0, usable = 0;
  static char reason[256];
  if (!probed) {
    probed = 1;
    int n = 0;
    cudaError_t e = cudaGetDeviceCount(&n);
    if (e != cudaSuccess) {
      snprintf(reason, sizeof reason, "no usable CUDA device: %s (%s)", cudaGetErrorString(e), cudaGetErrorName(e));
    } else if (n == 0) {
      snprintf(reason, sizeof reason, "no CUDA device present");
    } else {
      struct cudaDeviceProp prop;
      if ((e = cudaSetDevice(0)) == cudaSuccess) e = cudaFree(0);
      if (e == cudaSuccess) e = cudaGetDeviceProperties(&prop, 0);
      if (e != cudaSuccess) {
        snprintf(reason, sizeof reason, "CUDA device 0 unusable: %s (%s)", cudaGetErrorString(e), cudaGetErrorName(e));
      } else if (prop.major < 7 || (prop.major == 7 && prop.minor < 5)) {
        snprintf(reason, sizeof reason, "CUDA device 0 (%s) has compute capability %d.%d: allowed >= 7.5", prop.name, prop.major, prop.minor);
      } else {
        usable = 1;
        snprintf(reason, sizeof reason, "%s (compute capability %d.%d, %.1f GiB)", prop.name, prop.major, prop.minor,
                 (double)prop.totalGlobalMem / 1073741824.0);
      }
    }
  }
  if (why && len) snprintf(why, len, "%s", reason);
  return usable;
}

/* The orchestration below is filled in by the CUDA backend (kernels/). Until then a usable
 * device still falls back to a clear error rather than a wrong answer. */
static sg_status todo(sg_sim *sim) {
  return sg_i_fail(sim, SG_ERR_CUDA, "cuda backend: not available in this version");
}
static sg_status cu_prepare(sg_sim *sim) { return todo(sim); }
static sg_status cu_run(sg_sim *sim, uint64_t n) { (void)n; return todo(sim); }
static sg_status cu_sync(sg_sim *sim) { return todo(sim); }
static void cu_release(sg_sim *sim) { (void)sim; }
const sg_backend_ops sg_i_cuda_backend = {"cuda", cu_prepare, cu_run, cu_sync, cu_release};

#endif
