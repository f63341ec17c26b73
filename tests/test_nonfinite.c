/* tests/test_nonfinite.c - a neuron whose state becomes non-finite stops the run with an error
 * (SG_STEP_NONFINITE, sg_i_nonfinite_error), on the cpu backend (1 and 2 threads) and, where a
 * device or the CUDA emulation is there, on the cuda backend (the cuda_equiv suite calls
 * sg_test_nonfinite_case, so that case counts only where a device runs it): the message names the node, its
 * model and population, the time and its parameters; what was recorded before is kept; the
 * simulation refuses to go on. Before this check such a glif_cond neuron (C_m = 1e-7 pF) fell
 * silent while sg_simulate returned success. */
/* SPDX-License-Identifier: MIT */
#include <hdf5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sg_test.h"
#include "spikegpu.h"

#define OKC(call) SG_TEST_OK(sim, call)

/* The file's t_stop while the failed simulation is still open (read as an SWMR reader). */
static void check_t_stop(sg_sim *sim, sg_nodes sr, const char *dir) {
  char path[600];
  snprintf(path, sizeof path, "%s/spikes.h5", dir);
  hid_t f = H5Fopen(path, H5F_ACC_RDONLY | H5F_ACC_SWMR_READ, H5P_DEFAULT);
  CU_ASSERT_FATAL(f >= 0);
  double ts = NAN;
  hid_t d = H5Dopen2(f, "/t_stop", H5P_DEFAULT);
  CU_ASSERT(d >= 0 && H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, &ts) >= 0);
  if (d >= 0) H5Dclose(d);
  if (!(ts >= 4.0 && ts <= 6.0)) fprintf(stderr, "\n  t_stop = %.17g ms, the run stopped at %g ms\n", ts, sg_time(sim));
  CU_ASSERT(ts >= 4.0 && ts <= 6.0);
  /* every spike up to t_stop is in the file */
  size_t n = 0, m = 0;
  sg_spikes(sim, sr.first, NULL, NULL, 0, &n);
  double *tt = malloc((n + 1) * sizeof *tt);
  uint64_t *id = malloc((n + 1) * sizeof *id);
  CU_ASSERT_FATAL(tt && id);
  sg_spikes(sim, sr.first, tt, id, n, &n);
  while (m < n && tt[m] <= ts) ++m;
  hid_t ds = H5Dopen2(f, "/spikes/glif_cond_1/timestamps", H5P_DEFAULT);
  hid_t sp = ds >= 0 ? H5Dget_space(ds) : -1;
  hsize_t have = 0;
  if (sp >= 0) H5Sget_simple_extent_dims(sp, &have, NULL);
  CU_ASSERT(ds >= 0 && have >= m && m > 0);
  if (sp >= 0) H5Sclose(sp);
  if (ds >= 0) H5Dclose(ds);
  free(tt);
  free(id);
  H5Fclose(f);
}

/* 20 healthy glif_cond neurons driven to spike, then node 27 (of a second population, "bad")
 * with C_m = 1e-7 pF, whose integration blows up when its input arrives (sent at 5 ms, delay 1 ms). */
/* With out_dir (NULL = none) the spike recorder writes out_dir/spikes.h5. */
static void nonfinite_case(sg_backend backend, int threads, const char *out_dir) {
  sg_config cfg;
  sg_config_default(&cfg);
  cfg.backend = backend;
  cfg.threads = threads;
  cfg.verbose = 0;
  cfg.flush_interval_ms = 1.0;
  cfg.output_dir = out_dir;
  sg_sim *sim = NULL;
  char err[512];
  CU_ASSERT_FATAL(sg_sim_new(&cfg, &sim, err, sizeof err) == SG_OK);
  sg_nodes good, bad, sg, pg, sr;
  sg_syn_spec s;
  sg_syn_spec_default(&s);
  s.weight = sg_scalar(5.0);
  s.receptor_type = 1;
  OKC(sg_create(sim, "glif_cond", 20, &good));
  OKC(sg_create(sim, "poisson_generator", 1, &pg));
  OKC(sg_set(sim, pg, "rate", 20000.0));
  OKC(sg_connect(sim, pg, good, NULL, &s));
  OKC(sg_create_named(sim, "glif_cond", 10, "bad", &bad));
  OKC(sg_set(sim, sg_slice(bad, 5, 1), "C_m", 1e-7));
  OKC(sg_create(sim, "spike_generator", 1, &sg));
  const double times[] = {5.0};
  OKC(sg_set_vec(sim, sg, "spike_times", times, 1));
  OKC(sg_connect(sim, sg, bad, NULL, &s));
  OKC(sg_create_named(sim, "spike_recorder", 1, "spikes", &sr));
  OKC(sg_connect(sim, good, sr, NULL, NULL));
  OKC(sg_simulate(sim, 4.0));   /* before the input: fine */
  const sg_status st = sg_simulate(sim, 40.0);
  const char *msg = sg_errmsg(sim);
  if (st != SG_ERR_OVERFLOW) fprintf(stderr, "\n  [%s] expected SG_ERR_OVERFLOW, got %s: %s\n", sg_backend_used(sim), sg_status_str(st), msg);
  CU_ASSERT_EQUAL(st, SG_ERR_OVERFLOW);
  if (!strstr(msg, "from t = 6 ms to 6.1 ms")) fprintf(stderr, "\n  [%s] %s\n", sg_backend_used(sim), msg);
  CU_ASSERT_PTR_NOT_NULL(strstr(msg, "node 27 (glif_cond bad)"));
  CU_ASSERT_PTR_NOT_NULL(strstr(msg, "non-finite"));
  CU_ASSERT_PTR_NOT_NULL(strstr(msg, "C_m = 9.9999999999999995e-08"));
  CU_ASSERT_PTR_NOT_NULL(strstr(msg, "from t = 6 ms to 6.1 ms"));
  /* the run stopped at or before the failing step, and what was recorded before it is kept */
  CU_ASSERT(sg_time(sim) >= 4.0 && sg_time(sim) <= 6.1 + 1e-9);
  size_t n = 0;
  OKC(sg_spikes(sim, sr.first, NULL, NULL, 0, &n));
  CU_ASSERT(n > 0);
  CU_ASSERT_EQUAL(sg_simulate(sim, 1.0), SG_ERR_STATE);
  CU_ASSERT_PTR_NOT_NULL(strstr(sg_errmsg(sim), "non-finite"));
  if (out_dir) check_t_stop(sim, sr, out_dir);
  sg_sim_free(sim);
  if (out_dir) {   /* sg_sim_free's flush does not move t_stop past the failure either */
    char path[600];
    snprintf(path, sizeof path, "%s/spikes.h5", out_dir);
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    double ts = NAN;
    hid_t d = f >= 0 ? H5Dopen2(f, "/t_stop", H5P_DEFAULT) : -1;
    CU_ASSERT(d >= 0 && H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, &ts) >= 0);
    CU_ASSERT(ts >= 4.0 && ts <= 6.0);
    if (d >= 0) H5Dclose(d);
    if (f >= 0) H5Fclose(f);
    remove(path);
    snprintf(path, sizeof path, "%s/.spikegpu.lock", out_dir);
    remove(path);
    rmdir(out_dir);
  }
}

void sg_test_nonfinite_case(sg_backend backend, int threads);
void sg_test_nonfinite_case(sg_backend backend, int threads) { nonfinite_case(backend, threads, NULL); }

static void test_nonfinite_cpu(void) {
  sg_test_nonfinite_case(SG_BACKEND_CPU, 1);
  sg_test_nonfinite_case(SG_BACKEND_CPU, 2);
}

/* The files' t_stop (docs/output.md) after a run that stopped with an error: the time of the last
 * chunk that ended well (4 or more: the first sg_simulate ran 4 ms; at most 6: the failure is in
 * the step ending at 6.1 ms), not the time the run reached, and the file holds every spike up to it. */
static void test_nonfinite_t_stop(void) {
  const char *t = getenv("TMPDIR");
  char dir[512];
  snprintf(dir, sizeof dir, "%s/sg_nonfinite_XXXXXX", t && *t ? t : "/tmp");
  CU_ASSERT_FATAL(mkdtemp(dir) != NULL);
  nonfinite_case(SG_BACKEND_CPU, 1, dir);
}

static CU_TestInfo tests[] = {
  {"a non-finite glif_cond state stops the cpu run with an error naming the node", test_nonfinite_cpu},
  {"after that error the files' t_stop stays at the last chunk that ended well", test_nonfinite_t_stop},
  CU_TEST_INFO_NULL,
};

const sg_test_suite sg_suite_nonfinite = {"nonfinite", NULL, tests};
