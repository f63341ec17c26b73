/* kernels_fmad/math_fmad.cu - the negative control of the device math test: the same kernel as
 * sg_cuda_test_math (kernels/selftest.cu) compiled with -fmad=true (see the gpu section at the end of
 * the Makefile). tests/test_cuda_equiv.c asserts that it DOES differ from the host somewhere, which
 * proves that the bit-exact comparison can fail. Linked into the test runner only, never into the
 * library. */
/* SPDX-License-Identifier: MIT */
#include <cuda_runtime.h>

#include "../kernels/sg_cu_math.h"

SG_CU_MATH_DEFINE(compute_math_fmad_kernel, sg_cuda_test_math_fmad)
