/* kernels/selftest.cu - device halves of the cuda self-tests in tests/test_cuda_equiv.c: Philox words
 * through our SG_HD code and through cuRAND's device API, the samplers of sg/rng.h, and the math grid
 * (compiled here with the library's -fmad=false; kernels_fmad/ holds the -fmad=true twin).
 * Launchers are synchronous and take host arrays (tests only, never on the simulation path). */
/* SPDX-License-Identifier: MIT */
#include <cuda_runtime.h>
#include <curand_kernel.h>

#include "sg/philox.h"
#include "sg/rng.h"
#include "sg_cu_device.h"
#include "sg_cu_math.h"

SG_CU_MATH_DEFINE(compute_math_kernel, sg_cuda_test_math)

/* counter i of a test run: element elem + i / 4096, x = x0 + (i mod 4096) * 977, y fixed */
__global__ void generate_philox_kernel(int which, uint64_t seed, uint64_t elem, uint32_t x0, uint32_t y, uint64_t n,
                                       uint32_t *out) {
  SG_CU_GRID_LOOP(i, n) {
    const uint64_t el = elem + i / 4096u;
    const uint32_t x = x0 + (uint32_t)(i % 4096u) * 977u;
    uint32_t w0, w1, w2, w3;
    if (which == 0) {
      const sg_ctr4 b = sg_philox4x32_10(sg_ctr4_make(x, y, (uint32_t)el, (uint32_t)(el >> 32)), (uint32_t)seed,
                                         (uint32_t)(seed >> 32));
      w0 = b.c[0]; w1 = b.c[1]; w2 = b.c[2]; w3 = b.c[3];
    } else {
      curandStatePhilox4_32_10_t st;
      curand_init((unsigned long long)seed, (unsigned long long)el,
                  4ull * (((unsigned long long)y << 32) | (unsigned long long)x), &st);
      const uint4 v = curand4(&st);
      w0 = v.x; w1 = v.y; w2 = v.z; w3 = v.w;
    }
    out[4 * i + 0] = w0;
    out[4 * i + 1] = w1;
    out[4 * i + 2] = w2;
    out[4 * i + 3] = w3;
  }
}

__global__ void generate_samples_kernel(uint64_t seed, uint64_t step, uint64_t n, const double *lambda,
                                        const double *emlambda, double *out_u, uint32_t *out_p, double *out_n) {
  SG_CU_GRID_LOOP(i, n) {
    out_u[i] = sg_rng_u01(seed, SG_STREAM_FIRING, i, step, 0);
    sg_rng_cursor c;
    sg_rng_cursor_init(&c, seed, SG_STREAM_POISSON, i, step);
    out_p[i] = sg_poisson(&c, lambda[i], emlambda[i]);
    sg_rng_cursor_init(&c, seed, SG_STREAM_NOISE, i, step);
    out_n[i] = sg_normal(&c);
  }
}

static unsigned test_grid(uint64_t n) {
  const uint64_t b = (n + 255) / 256;
  return (unsigned)(b == 0 ? 1 : b < 65536 ? b : 65536);
}

extern "C" cudaError_t sg_cuda_test_philox(int which, uint64_t seed, uint64_t elem, uint32_t ctr_x0, uint32_t ctr_y,
                                           uint64_t n, uint32_t *out) {
  uint32_t *d = NULL;
  cudaError_t e = cudaMalloc((void **)&d, 4 * n * sizeof(uint32_t));
  if (e == cudaSuccess) {
    generate_philox_kernel<<<test_grid(n), 256>>>(which, seed, elem, ctr_x0, ctr_y, n, d);
    e = cudaGetLastError();
  }
  if (e == cudaSuccess) e = cudaMemcpy(out, d, 4 * n * sizeof(uint32_t), cudaMemcpyDeviceToHost);
  const cudaError_t f = cudaFree(d);
  return e != cudaSuccess ? e : f;
}

extern "C" cudaError_t sg_cuda_test_samplers(uint64_t seed, uint64_t step, uint64_t n, const double *lambda,
                                             const double *emlambda, double *out_u, uint32_t *out_p, double *out_n) {
  double *dl = NULL, *de = NULL, *du = NULL, *dn = NULL;
  uint32_t *dp = NULL;
  cudaError_t e = cudaMalloc((void **)&dl, n * sizeof(double));
  if (e == cudaSuccess) e = cudaMalloc((void **)&de, n * sizeof(double));
  if (e == cudaSuccess) e = cudaMalloc((void **)&du, n * sizeof(double));
  if (e == cudaSuccess) e = cudaMalloc((void **)&dn, n * sizeof(double));
  if (e == cudaSuccess) e = cudaMalloc((void **)&dp, n * sizeof(uint32_t));
  if (e == cudaSuccess) e = cudaMemcpy(dl, lambda, n * sizeof(double), cudaMemcpyHostToDevice);
  if (e == cudaSuccess) e = cudaMemcpy(de, emlambda, n * sizeof(double), cudaMemcpyHostToDevice);
  if (e == cudaSuccess) {
    generate_samples_kernel<<<test_grid(n), 256>>>(seed, step, n, dl, de, du, dp, dn);
    e = cudaGetLastError();
  }
  if (e == cudaSuccess) e = cudaMemcpy(out_u, du, n * sizeof(double), cudaMemcpyDeviceToHost);
  if (e == cudaSuccess) e = cudaMemcpy(out_p, dp, n * sizeof(uint32_t), cudaMemcpyDeviceToHost);
  if (e == cudaSuccess) e = cudaMemcpy(out_n, dn, n * sizeof(double), cudaMemcpyDeviceToHost);
  const cudaError_t f[5] = {cudaFree(dl), cudaFree(de), cudaFree(du), cudaFree(dn), cudaFree(dp)};
  for (int i = 0; i < 5 && e == cudaSuccess; ++i) e = f[i];
  return e;
}
