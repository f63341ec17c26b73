/* kernels/sg_cu_math.h - the math self-test shared by the host reference (tests/test_cuda_equiv.c,
 * gcc -ffp-contract=off), the device kernel (kernels/selftest.cu, nvcc -fmad=false) and its
 * negative control (kernels_fmad/math_fmad.cu, nvcc -fmad=true).
 *
 * sg_cu_math_ref computes SG_CU_MATH_N results per point: the shared transcendental functions and
 * two expressions of the kind model code is made of (a*b + c*d, the exact propagator form
 * V P + x_p (1 - P)). The correctly rounded sg_* functions may well give the same bits even with
 * contraction; the plain expressions do not, so the -fmad=true build must show mismatches: that
 * proves the comparison can fail. */
/* SPDX-License-Identifier: MIT */
#ifndef SG_KERNELS_SG_CU_MATH_H
#define SG_KERNELS_SG_CU_MATH_H

#include <math.h>
#include <stdint.h>

#include "sg/hd.h"
#include "sg/math.h"
#include "sg_cuda.h"

SG_HD void sg_cu_math_ref(double x, double y, double *out) {
  const double ax = fabs(x);
  out[0] = sg_exp(x);
  out[1] = sg_log(ax);
  out[2] = sg_expm1(x * 0.01);
  out[3] = sg_pow(ax * 0.01, y);
  out[4] = x * y + (x - y) * 0.3;
  const double P = 1.0 / (1.0 + ax), x_p = y * 3.7 - 65.0;
  out[5] = x * P + x_p * (1.0 - P);
}

#ifdef __CUDACC__
/* Defines a grid-stride kernel over the points and a synchronous extern "C" launcher that copies
 * the inputs in and the results out (the caller's arrays are host memory). */
#define SG_CU_MATH_DEFINE(kernel, launcher)                                                          \
  __global__ void kernel(uint64_t n, const double *x, const double *y, double *out) {               \
    for (uint64_t i = (uint64_t)blockIdx.x * blockDim.x + threadIdx.x; i < n;                        \
         i += (uint64_t)gridDim.x * blockDim.x)                                                      \
      sg_cu_math_ref(x[i], y[i], out + (uint64_t)SG_CU_MATH_N * i);                                  \
  }                                                                                                  \
  extern "C" cudaError_t launcher(uint64_t n, const double *hx, const double *hy, double *hout) {    \
    double *dx = NULL, *dy = NULL, *dout = NULL;                                                     \
    cudaError_t e = cudaMalloc((void **)&dx, n * sizeof(double));                                    \
    if (e == cudaSuccess) e = cudaMalloc((void **)&dy, n * sizeof(double));                          \
    if (e == cudaSuccess) e = cudaMalloc((void **)&dout, n * SG_CU_MATH_N * sizeof(double));         \
    if (e == cudaSuccess) e = cudaMemcpy(dx, hx, n * sizeof(double), cudaMemcpyHostToDevice);        \
    if (e == cudaSuccess) e = cudaMemcpy(dy, hy, n * sizeof(double), cudaMemcpyHostToDevice);        \
    if (e == cudaSuccess) {                                                                          \
      const uint64_t blocks = (n + 255) / 256;                                                       \
      kernel<<<(unsigned)(blocks < 65536 ? (blocks ? blocks : 1) : 65536), 256>>>(n, dx, dy, dout);  \
      e = cudaGetLastError();                                                                        \
    }                                                                                                \
    if (e == cudaSuccess) e = cudaMemcpy(hout, dout, n * SG_CU_MATH_N * sizeof(double), cudaMemcpyDeviceToHost); \
    const cudaError_t f1 = cudaFree(dx), f2 = cudaFree(dy), f3 = cudaFree(dout);                     \
    if (e == cudaSuccess) e = f1 != cudaSuccess ? f1 : f2 != cudaSuccess ? f2 : f3;                  \
    return e;                                                                                        \
  }
#endif

#endif
