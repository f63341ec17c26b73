/* tests/sg_test.h - the one registry convention of the CUnit runner.
 * Each tests/test_<name>.c defines `const sg_test_suite sg_suite_<name>`; the Makefile lists
 * the files, test_main.c registers them all. A suite whose `available` hook returns 0 is
 * reported "skipped: <reason>" and counted inactive, never passed. */
/* SPDX-License-Identifier: MIT */
#ifndef SG_TEST_H
#define SG_TEST_H

#include <CUnit/CUnit.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sg_specs.h"

typedef struct sg_test_suite {
  const char *name;
  int (*available)(char *why, size_t len);  /* NULL = always available */
  CU_TestInfo *tests;                       /* CU_TEST_INFO_NULL terminated */
} sg_test_suite;

/* splitmix64 step of the state *s: the random inputs of the twin tests (reproducible) */
static inline uint64_t sg_test_splitmix(uint64_t *s) {
  uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

/* Exact double comparison that prints both values on failure. */
#define SG_ASSERT_DBL_EXACT(a, b)                                                        \
  do {                                                                                   \
    double sg_a_ = (a), sg_b_ = (b);                                                     \
    if (!(sg_a_ == sg_b_ || (sg_a_ != sg_a_ && sg_b_ != sg_b_)))                         \
      fprintf(stderr, "\n  %s:%d: %s = %.17g != %.17g\n", __FILE__, __LINE__, #a, sg_a_, \
              sg_b_);                                                                    \
    CU_ASSERT(sg_a_ == sg_b_ || (sg_a_ != sg_a_ && sg_b_ != sg_b_));                     \
  } while (0)

/* Size scale for statistical tests: SG_TEST_QUICK=1 (valgrind runs) shrinks them. */
int sg_test_quick(void);

/* The Python for checks with h5py: $SG_PYTHON (make sets it), else the first Python found that
 * imports h5py and numpy (test_main.c), else "python3". */
const char *sg_test_python(void);

/* A cpu-backend simulation (verbose off; output_dir may be NULL), or NULL with the reason on
 * stderr. */
struct sg_sim;
struct sg_sim *sg_test_cpu_sim(double h, uint64_t seed, int threads, const char *output_dir);
/* tests/data/<name> (or $SG_TEST_DATA/<name>) opened for reading, or NULL with the path on stderr. */
FILE *sg_test_open_data(const char *name);
/* /metadata/network_json of an open HDF5 file (hid_t), malloc'd; NULL if absent. */
char *sg_test_network_json(int64_t file);
/* The same from the HDF5 file at path (opened read-only); NULL if it cannot be read. */
char *sg_test_network_json_path(const char *path);
/* A network run for sg_test_threads_and_metadata: simulates with `threads` threads (output in dir
 * when not NULL) and copies at most cap recorded spikes into t, s, their number into *n; 0 = ok. */
typedef int (*sg_test_net_run)(int threads, const char *dir, double *t, uint64_t *s, size_t cap, size_t *n);
/* Runs it at 1 thread with output and at 2 without: more than min_spikes and fewer than cap
 * spikes, identical at both thread counts, and the file (in the output folder) names the model
 * and each of params in its run metadata. */
void sg_test_threads_and_metadata(sg_test_net_run run, size_t cap, size_t min_spikes, const char *file,
                                  const char *model, const char *const *params, size_t n_params);

#endif
