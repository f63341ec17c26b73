/* tests/test_curand_host.c - our Philox (and sg_rng_block's counter layout) against cuRAND's host
 * generator, word by word. libcurand is loaded with dlopen at test time, so the test binary neither
 * links nor needs it; without it the suite is reported "skipped: libcurand not found", not passed.
 *
 * cuRAND's host Philox generator (curandCreateGeneratorHost, CURAND_RNG_PSEUDO_PHILOX4_32_10, default
 * ordering) lays its output out as 65536 virtual threads, each on its own subsequence:
 *   word 4b + i = Philox(ctr = {b / 65536, 0, b % 65536, 0}, key = {lo32(seed), hi32(seed)}).c[i]
 * With stream 0 and draw 0 that counter is exactly sg_rng_counter(0, element = b % 65536,
 * step = b / 65536, 0), so the same words also check the layout of sg/rng.h (docs/rng.md).
 *
 * curandSetGeneratorOffset(g, o) shifts that output by o words: block b then has the counter above
 * for b + o / 4, i.e. ctr.x, ctr.y = the 64-bit number (b + o/4) / 65536. The second test uses this
 * to reach the step's upper bits and the draw field of ctr.y (o < 2^64 allows (ctr.y, ctr.x) < 2^46:
 * draw blocks 0..63, kind 0), with carries from ctr.x into ctr.y. The host generator cannot reach
 * ctr.w != 0 or a stream kind != 0 (ctr.y >= 2^16); those, connect streams included, are covered by
 * the device's curand_init in the philox cases of tests/test_cuda_equiv.c (on a GPU and under the
 * CUDA emulation). */
/* SPDX-License-Identifier: MIT */
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sg_test.h"
#include "sg/philox.h"
#include "sg/rng.h"

/* the few cuRAND host API entries, declared here (curand.h is not needed) */
typedef struct curand_generator_st *sg_curand_gen;    /* curandGenerator_t */
typedef int (*sg_curand_create_fn)(sg_curand_gen *, int);
typedef int (*sg_curand_seed_fn)(sg_curand_gen, unsigned long long);
typedef int (*sg_curand_generate_fn)(sg_curand_gen, unsigned int *, size_t);
typedef int (*sg_curand_destroy_fn)(sg_curand_gen);
typedef int (*sg_curand_offset_fn)(sg_curand_gen, unsigned long long);
#define SG_CURAND_RNG_PSEUDO_PHILOX4_32_10 161

static void *curand_lib;
static char curand_path[512];

static void *try_open(const char *p) {
  void *h = dlopen(p, RTLD_NOW | RTLD_LOCAL);
  if (h) snprintf(curand_path, sizeof curand_path, "%s", p);
  return h;
}

static void *open_curand(void) {
  char buf[512];
  const char *home = getenv("CUDA_HOME");
  if (curand_lib) return curand_lib;
  if ((curand_lib = try_open("libcurand.so"))) return curand_lib;
  if ((curand_lib = try_open("libcurand.so.10"))) return curand_lib;
  if (home && *home) {
    snprintf(buf, sizeof buf, "%s/lib64/libcurand.so", home);
    if ((curand_lib = try_open(buf))) return curand_lib;
  }
  curand_lib = try_open("/usr/local/cuda/lib64/libcurand.so");
  return curand_lib;
}

static int curand_available(char *why, size_t len) {
  if (open_curand()) return 1;
  snprintf(why, len, "libcurand not found (tried libcurand.so, libcurand.so.10, $CUDA_HOME/lib64, /usr/local/cuda/lib64)");
  return 0;
}

static void test_curand_host_philox_words(void) {
  const unsigned long long seed = 0x123456789ABCDEF0ull;
  const size_t n = sg_test_quick() ? (size_t)1 << 18 : (size_t)1 << 22;   /* 4.2M words (>= 1e6) */
  sg_curand_create_fn create;
  sg_curand_seed_fn set_seed;
  sg_curand_generate_fn generate;
  sg_curand_destroy_fn destroy;
  sg_curand_gen g = NULL;
  unsigned int *w;
  size_t i, bad = 0, bad_layout = 0;
  int st;
  if (!open_curand()) {
    printf("\n    skipped: libcurand not found");
    CU_FAIL("skipped: libcurand not found");
    return;
  }
  create = (sg_curand_create_fn)dlsym(curand_lib, "curandCreateGeneratorHost");
  set_seed = (sg_curand_seed_fn)dlsym(curand_lib, "curandSetPseudoRandomGeneratorSeed");
  generate = (sg_curand_generate_fn)dlsym(curand_lib, "curandGenerate");
  destroy = (sg_curand_destroy_fn)dlsym(curand_lib, "curandDestroyGenerator");
  CU_ASSERT_PTR_NOT_NULL_FATAL(create);
  CU_ASSERT_PTR_NOT_NULL_FATAL(set_seed);
  CU_ASSERT_PTR_NOT_NULL_FATAL(generate);
  CU_ASSERT_PTR_NOT_NULL_FATAL(destroy);
  w = (unsigned int *)malloc(n * sizeof *w);
  CU_ASSERT_PTR_NOT_NULL_FATAL(w);
  st = create(&g, SG_CURAND_RNG_PSEUDO_PHILOX4_32_10);
  CU_ASSERT_EQUAL(st, 0);
  if (st == 0) {
    CU_ASSERT_EQUAL(set_seed(g, seed), 0);
    st = generate(g, w, n);
    CU_ASSERT_EQUAL(st, 0);
    if (st == 0) {
      for (i = 0; i < n / 4; ++i) {
        uint32_t b = (uint32_t)i;
        sg_ctr4 r = sg_philox4x32_10(sg_ctr4_make(b / 65536u, 0, b % 65536u, 0), (uint32_t)seed, (uint32_t)(seed >> 32));
        sg_ctr4 q = sg_rng_block(seed, 0, b % 65536u, b / 65536u, 0);
        for (int j = 0; j < 4; ++j) {
          bad += r.c[j] != w[4 * i + j];
          bad_layout += q.c[j] != w[4 * i + j];
        }
      }
      printf("\n    cuRAND host Philox (%s), seed %#llx: %zu words, %zu mismatches (sg_rng_block layout: %zu)\n   ",
             curand_path, seed, n, bad, bad_layout);
      CU_ASSERT_EQUAL(bad, 0);
      CU_ASSERT_EQUAL(bad_layout, 0);
    }
    destroy(g);
  }
  free(w);
}

/* Offsets into the host generator's stream against sg_rng_block(seed, 0, z, step, draw): steps next
 * to 2^32 and 2^40 (carries from ctr.x into ctr.y and from the step into the draw field), draw
 * blocks up to 63. */
static void test_curand_host_offset_layout(void) {
  const unsigned long long seed = 0x123456789ABCDEF0ull;
  static const uint64_t v0[] = {0xFFFFFFF0ull, (0x2Aull << 40) | 0xFFFFFFFEull, (1ull << 40) - 1,
                                (0x3Full << 40) | (0xFFFFFFFFFFull - 1), (0x3FFFull << 32) | 77u};
  const size_t n = (size_t)1 << 16;   /* 16384 blocks per offset, starting at element 65000 */
  size_t bad = 0, blocks = 0;
  if (!open_curand()) {
    printf("\n    skipped: libcurand not found");
    CU_FAIL("skipped: libcurand not found");
    return;
  }
  sg_curand_create_fn create = (sg_curand_create_fn)dlsym(curand_lib, "curandCreateGeneratorHost");
  sg_curand_seed_fn set_seed = (sg_curand_seed_fn)dlsym(curand_lib, "curandSetPseudoRandomGeneratorSeed");
  sg_curand_offset_fn set_offset = (sg_curand_offset_fn)dlsym(curand_lib, "curandSetGeneratorOffset");
  sg_curand_generate_fn generate = (sg_curand_generate_fn)dlsym(curand_lib, "curandGenerate");
  sg_curand_destroy_fn destroy = (sg_curand_destroy_fn)dlsym(curand_lib, "curandDestroyGenerator");
  CU_ASSERT_PTR_NOT_NULL_FATAL(create);
  CU_ASSERT_PTR_NOT_NULL_FATAL(set_seed);
  CU_ASSERT_PTR_NOT_NULL_FATAL(set_offset);
  CU_ASSERT_PTR_NOT_NULL_FATAL(generate);
  CU_ASSERT_PTR_NOT_NULL_FATAL(destroy);
  unsigned int *w = (unsigned int *)malloc(n * sizeof *w);
  CU_ASSERT_PTR_NOT_NULL_FATAL(w);
  for (size_t c = 0; c < sizeof v0 / sizeof v0[0]; ++c) {
    const uint64_t b0 = v0[c] * 65536u + 65000u;   /* < 2^62: 4 * b0 fits the 64-bit offset */
    sg_curand_gen g = NULL;
    CU_ASSERT_EQUAL_FATAL(create(&g, SG_CURAND_RNG_PSEUDO_PHILOX4_32_10), 0);
    CU_ASSERT_EQUAL(set_seed(g, seed), 0);
    CU_ASSERT_EQUAL(set_offset(g, 4ull * b0), 0);
    CU_ASSERT_EQUAL(generate(g, w, n), 0);
    for (size_t i = 0; i < n / 4; ++i, ++blocks) {
      const uint64_t b = b0 + i, v = b / 65536u;
      const sg_ctr4 q = sg_rng_block(seed, 0, b % 65536u, v & ((1ull << SG_RNG_STEP_BITS) - 1), (uint32_t)(v >> SG_RNG_STEP_BITS));
      for (int j = 0; j < 4; ++j) bad += q.c[j] != w[4 * i + j];
    }
    destroy(g);
  }
  printf("\n    cuRAND host Philox with offsets (ctr.y up to 0x3FFF): %zu blocks, %zu mismatching words\n   ", blocks, bad);
  CU_ASSERT_EQUAL(bad, 0);
  free(w);
}

static CU_TestInfo tests[] = {
    {"philox_equals_curand_host_generator", test_curand_host_philox_words},
    {"offsets_reach_step_and_draw_fields", test_curand_host_offset_layout},
    CU_TEST_INFO_NULL,
};

const sg_test_suite sg_suite_curand_host = {"curand_host", curand_available, tests};
