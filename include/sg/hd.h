/* sg/hd.h - the host+device qualifier used by every shared header.
 * Shared headers compile as C11 (gcc) and as CUDA C++ (nvcc); SG_HD carries the storage class. */
/* SPDX-License-Identifier: MIT */
#ifndef SG_HD_H
#define SG_HD_H

#include <stdint.h>
#include <string.h>

#ifdef __CUDACC__
#  define SG_HD static __host__ __device__ __forceinline__
#  define SG_RESTRICT __restrict__
#  define SG_STATIC_ASSERT(c, msg) static_assert(c, msg)
#else
#  define SG_HD static inline
#  define SG_RESTRICT restrict
#  define SG_STATIC_ASSERT(c, msg) _Static_assert(c, msg)
#endif

#ifdef __cplusplus
#  define SG_EXTERN_C_BEGIN extern "C" {
#  define SG_EXTERN_C_END }
#else
#  define SG_EXTERN_C_BEGIN
#  define SG_EXTERN_C_END
#endif

/* Bit casts that work in device code too (memcpy is allowed there). */
SG_HD double sg_bits2d(uint64_t u) { double d; memcpy(&d, &u, sizeof d); return d; }
SG_HD uint64_t sg_d2bits(double d) { uint64_t u; memcpy(&u, &d, sizeof u); return u; }

#endif
