/* tests/test_main.c - the CUnit runner: registers every suite listed in suites.h (generated
 * by the Makefile from tests/test_*.c), runs them, exits non-zero on any failure.
 * Usage: run [suite ...]   (no argument = all suites)
 * SG_TEST_NO_SKIP=1 turns a skipped suite into a failure: where a suite must run (the GPU machine,
 * the host emulation of CUDA), "skipped" would otherwise read as success. */
/* SPDX-License-Identifier: MIT */
#include <CUnit/Basic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hdf5.h>

#include "sg_test.h"
#include "spikegpu.h"

#define X(name) extern const sg_test_suite sg_suite_##name;
#include "suites.h"
#undef X

static const sg_test_suite *const all_suites[] = {
#define X(name) &sg_suite_##name,
#include "suites.h"
#undef X
};

int sg_test_quick(void) {
  const char *q = getenv("SG_TEST_QUICK");
  return q && *q && strcmp(q, "0") != 0;
}

/* $SG_PYTHON (make sets it), else the first of the Makefile's candidates that imports h5py and
 * numpy (a python3 first on PATH may lack them), else "python3": the callers then report a skip. */
const char *sg_test_python(void) {
  static char found[256];
  const char *p = getenv("SG_PYTHON");
  if (p && *p) return p;
  if (!found[0]) {
    static const char *const cand[] = {"python3", "/usr/bin/python3", "python3.14", "python3.13",
                                       "python3.12", "python3.11", "python3.10", "python3.9"};
    snprintf(found, sizeof found, "python3");
    for (size_t i = 0; i < sizeof cand / sizeof cand[0]; ++i) {
      char cmd[320];
      snprintf(cmd, sizeof cmd, "%s -c 'import h5py, numpy' >/dev/null 2>&1", cand[i]);
      if (system(cmd) == 0) {
        snprintf(found, sizeof found, "%s", cand[i]);
        break;
      }
    }
  }
  return found;
}

sg_sim *sg_test_cpu_sim(double h, uint64_t seed, int threads, const char *output_dir) {
  sg_config cfg;
  sg_config_default(&cfg);
  cfg.resolution_ms = h;
  cfg.seed = seed;
  cfg.backend = SG_BACKEND_CPU;
  cfg.threads = threads;
  cfg.verbose = 0;
  cfg.output_dir = output_dir;
  sg_sim *sim = NULL;
  char err[256] = "";
  if (sg_sim_new(&cfg, &sim, err, sizeof err) != SG_OK) fprintf(stderr, "\n  sg_sim_new: %s\n", err);
  return sim;
}

FILE *sg_test_open_data(const char *name) {
  char path[1024];
  const char *dir = getenv("SG_TEST_DATA");
  snprintf(path, sizeof path, "%s/%s", dir && *dir ? dir : "tests/data", name);
  FILE *f = fopen(path, "r");
  if (!f) fprintf(stderr, "\n  cannot open %s (run from the repository root or set SG_TEST_DATA)\n", path);
  return f;
}

char *sg_test_network_json(int64_t file) {
  hid_t d = H5Dopen2((hid_t)file, "/metadata/network_json", H5P_DEFAULT);
  if (d < 0) return NULL;
  hid_t mt = H5Tcopy(H5T_C_S1);
  H5Tset_size(mt, H5T_VARIABLE);
  H5Tset_cset(mt, H5T_CSET_UTF8);
  char *s = NULL, *copy = NULL;
  if (H5Dread(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, &s) >= 0 && s) {
    copy = strdup(s);
    H5free_memory(s);
  }
  H5Tclose(mt);
  H5Dclose(d);
  return copy;
}

char *sg_test_network_json_path(const char *path) {
  hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f < 0) return NULL;
  char *js = sg_test_network_json(f);
  H5Fclose(f);
  return js;
}

void sg_test_threads_and_metadata(sg_test_net_run run, size_t cap, size_t min_spikes, const char *file,
                                  const char *model, const char *const *params, size_t n_params) {
  double *t1 = malloc(cap * sizeof *t1), *t2 = malloc(cap * sizeof *t2);
  uint64_t *s1 = malloc(cap * sizeof *s1), *s2 = malloc(cap * sizeof *s2);
  CU_ASSERT_FATAL(t1 && t2 && s1 && s2);
  char dir[256];
  const char *tmp = getenv("TMPDIR");
  snprintf(dir, sizeof dir, "%s/sg_net_XXXXXX", tmp && *tmp ? tmp : "/tmp");
  CU_ASSERT_FATAL(mkdtemp(dir) != NULL);
  size_t n1 = 0, n2 = 0;
  CU_ASSERT_EQUAL_FATAL(run(1, dir, t1, s1, cap, &n1), 0);
  CU_ASSERT_EQUAL_FATAL(run(2, NULL, t2, s2, cap, &n2), 0);
  if (!(n1 > min_spikes && n1 < cap)) fprintf(stderr, "\n  %zu / %zu spikes", n1, n2);
  CU_ASSERT(n1 > min_spikes && n1 < cap);   /* active, and not saturated */
  CU_ASSERT_EQUAL(n1, n2);
  CU_ASSERT(n1 == n2 && memcmp(t1, t2, n1 * sizeof *t1) == 0 && memcmp(s1, s2, n1 * sizeof *s1) == 0);
  char path[512], want[128];
  snprintf(path, sizeof path, "%s/%s", dir, file);
  char *js = sg_test_network_json_path(path);
  CU_ASSERT_PTR_NOT_NULL(js);
  if (js) {
    char want2[128];
    snprintf(want, sizeof want, "\"model\": \"%s\"", model);
    snprintf(want2, sizeof want2, "\"model\":\"%s\"", model);
    CU_ASSERT(strstr(js, want) || strstr(js, want2));
    for (size_t k = 0; k < n_params; ++k) {
      snprintf(want, sizeof want, "\"%s\"", params[k]);
      CU_ASSERT(strstr(js, want) != NULL);
    }
    if (!strstr(js, model)) fprintf(stderr, "\n  network_json: %.300s", js);
    free(js);
  }
  char cmd[600];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  CU_ASSERT_EQUAL(system(cmd), 0);
  free(t1); free(t2); free(s1); free(s2);
}

static int wanted(const char *name, int argc, char **argv) {
  if (argc < 2) return 1;
  for (int i = 1; i < argc; ++i)
    if (strcmp(argv[i], name) == 0) return 1;
  return 0;
}

int main(int argc, char **argv) {
  if (CU_initialize_registry() != CUE_SUCCESS) return 2;
  CU_set_fail_on_inactive(CU_FALSE);
  unsigned n_skipped = 0;
  for (size_t i = 0; i < sizeof all_suites / sizeof all_suites[0]; ++i) {
    const sg_test_suite *s = all_suites[i];
    if (!wanted(s->name, argc, argv)) continue;
    CU_pSuite cs = CU_add_suite(s->name, NULL, NULL);
    if (!cs) { CU_cleanup_registry(); return 2; }
    for (CU_TestInfo *t = s->tests; t->pName; ++t)
      if (!CU_add_test(cs, t->pName, t->pTestFunc)) { CU_cleanup_registry(); return 2; }
    char why[256] = "";
    if (s->available && !s->available(why, sizeof why)) {
      printf("suite %s: skipped: %s\n", s->name, why);
      CU_set_suite_active(cs, CU_FALSE);
      ++n_skipped;
    }
  }
  CU_basic_set_mode(CU_BRM_VERBOSE);
  CU_basic_run_tests();
  unsigned failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
  CU_ErrorCode err = CU_get_error();
  CU_cleanup_registry();
  if (n_skipped) printf("%u suite(s) skipped (shown as Inactive above)\n", n_skipped);
  const char *no_skip = getenv("SG_TEST_NO_SKIP");
  if (n_skipped && no_skip && *no_skip && strcmp(no_skip, "0") != 0) {
    printf("SG_TEST_NO_SKIP is set: a skipped suite counts as a failure\n");
    return 1;
  }
  return (failed || err) ? 1 : 0;
}
