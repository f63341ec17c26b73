/* tests/test_names.c - population names and what they become in the output (suite "names"):
 * names HDF5 cannot hold ("." and ".."), names of the form of another population's default name
 * (<model>_<first id>), names whose recorder files collide (<spike_recorder>.h5,
 * <multimeter>_<variable>.h5), all refused at the call that makes them, naming both sides;
 * names with '"', '\' and control characters escaped in /metadata/network_json; and a
 * multimeter's window (start, stop, origin), frozen once it has recorded so that its report
 * file's time axis (mapping/time) stays true. */
/* SPDX-License-Identifier: MIT */
#define _XOPEN_SOURCE 700   /* nftw */
#include <errno.h>
#include <ftw.h>
#include <hdf5.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sg_test.h"
#include "spikegpu.h"

/* ---- helpers -------------------------------------------------------------------------- */
static int rm_cb(const char *p, const struct stat *s, int flag, struct FTW *f) {
  (void)s; (void)flag; (void)f;
  return remove(p);
}
static void rm_tree(const char *dir) { nftw(dir, rm_cb, 8, FTW_DEPTH | FTW_PHYS); }

static int make_tmp(char *dir, size_t len) {
  const char *t = getenv("TMPDIR");
  snprintf(dir, len, "%s/sg_names_XXXXXX", t && *t ? t : "/tmp");
  if (!mkdtemp(dir)) {
    fprintf(stderr, "\n  mkdtemp(%s): %s\n", dir, strerror(errno));
    return -1;
  }
  return 0;
}

/* A CPU simulation writing to dir (NULL: memory only). */
static sg_sim *new_sim(const char *dir) {
  sg_config cfg;
  sg_config_default(&cfg);
  cfg.resolution_ms = 0.1;
  cfg.seed = 11;
  cfg.backend = SG_BACKEND_CPU;
  cfg.threads = 1;
  cfg.verbose = 0;
  cfg.output_dir = dir;
  sg_sim *sim = NULL;
  char err[256];
  if (sg_sim_new(&cfg, &sim, err, sizeof err)) fprintf(stderr, "\n  sg_sim_new: %s\n", err);
  return sim;
}

#define OK(call)                                                                          \
  do {                                                                                    \
    sg_status st_ = (call);                                                               \
    if (st_) fprintf(stderr, "\n  %s:%d: %s -> %s: %s\n", __FILE__, __LINE__, #call,       \
                     sg_status_str(st_), sg_errmsg(sim));                                  \
    CU_ASSERT_EQUAL_FATAL(st_, SG_OK);                                                    \
  } while (0)

/* call fails with status want and a message holding m1 and m2 (NULL: no check) */
#define REFUSED(want, m1, m2, call)                                                       \
  do {                                                                                    \
    sg_status st_ = (call);                                                               \
    const char *e_ = sg_errmsg(sim), *m1_ = (m1), *m2_ = (m2);                             \
    const int ok_ = st_ == (want) && (!m1_ || strstr(e_, m1_)) && (!m2_ || strstr(e_, m2_)); \
    if (!ok_) fprintf(stderr, "\n  %s:%d: %s -> %s (want %s), message: %s\n", __FILE__, __LINE__, \
                      #call, sg_status_str(st_), sg_status_str(want), st_ ? e_ : "(none)"); \
    CU_ASSERT(ok_);                                                                       \
  } while (0)

static char *read_json(const char *path) {
  hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f < 0) return NULL;
  hid_t d = H5Dopen2(f, "/metadata/network_json", H5P_DEFAULT);
  char *s = NULL, *copy = NULL;
  if (d >= 0) {
    hid_t mt = H5Tcopy(H5T_C_S1);
    H5Tset_size(mt, H5T_VARIABLE);
    H5Tset_cset(mt, H5T_CSET_UTF8);
    if (H5Dread(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, &s) >= 0 && s) {
      copy = strdup(s);
      H5free_memory(s);
    }
    H5Tclose(mt);
    H5Dclose(d);
  }
  H5Fclose(f);
  return copy;
}

/* A minimal RFC 8259 check of a JSON string body: no raw control characters, every backslash
 * starts a valid escape, no unescaped '"' before the end. Returns the end quote or NULL. */
static const char *json_string_end(const char *p) {
  for (; *p; ++p) {
    if ((unsigned char)*p < 0x20) return NULL;
    if (*p == '"') return p;
    if (*p == '\\') {
      ++p;
      if (*p == 'u') {
        for (int k = 1; k <= 4; ++k)
          if (!strchr("0123456789abcdefABCDEF", p[k]) || !p[k]) return NULL;
        p += 4;
      } else if (!*p || !strchr("\"\\/bfnrt", *p)) {
        return NULL;
      }
    }
  }
  return NULL;
}

/* ---- "." and ".." ---------------------------------------------------------------------- */
static void test_names_dots(void) {
  sg_sim *sim = new_sim(NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(sim);
  sg_nodes n;
  REFUSED(SG_ERR_ARG, "name '.'", "allowed", sg_create_named(sim, "gl_exp", 2, ".", &n));
  REFUSED(SG_ERR_ARG, "name '..'", "allowed", sg_create_named(sim, "spike_recorder", 1, "..", &n));
  REFUSED(SG_ERR_ARG, "name '.'", "allowed", sg_create_named(sim, "multimeter", 1, ".", &n));
  /* names that merely contain dots are fine */
  OK(sg_create_named(sim, "gl_exp", 2, ".x", &n));
  OK(sg_create_named(sim, "gl_exp", 2, "a..b", &n));
  OK(sg_create_named(sim, "spike_recorder", 1, "...", &n));
  CU_ASSERT_EQUAL(n.first, 5);
  sg_sim_free(sim);
}

/* ---- default names --------------------------------------------------------------------- */
static void test_names_default_form(void) {
  sg_sim *sim = new_sim(NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(sim);
  sg_nodes a, b, sr, on;
  OK(sg_create(sim, "gl_exp", 2, &a));   /* gl_exp_1 */
  /* the default of a later node's spike_recorder, which an unnamed create would give it */
  REFUSED(SG_ERR_ARG, "'spike_recorder_4'", "'spike_recorder_3' (this population's own default)",
          sg_create_named(sim, "spike_recorder", 1, "spike_recorder_4", &on));
  REFUSED(SG_ERR_ARG, "'spike_recorder_23'", "default name", sg_create_named(sim, "gl_exp", 1, "spike_recorder_23", &on));
  REFUSED(SG_ERR_ARG, "'gl_exp_7'", "'gl_exp_3'", sg_create_named(sim, "gl_exp", 1, "gl_exp_7", &on));
  REFUSED(SG_ERR_ARG, "'glif_cond_0'", "default name", sg_create_named(sim, "gl_exp", 1, "glif_cond_0", &on));
  REFUSED(SG_ERR_ARG, "'multimeter_007'", "default name", sg_create_named(sim, "multimeter", 1, "multimeter_007", &on));
  /* a population's own default is its name anyway */
  OK(sg_create_named(sim, "gl_exp", 3, "gl_exp_3", &b));
  CU_ASSERT_EQUAL(b.first, 3);
  /* names that only look similar */
  OK(sg_create_named(sim, "spike_recorder", 1, "spike_recorder", &on));
  OK(sg_create_named(sim, "spike_recorder", 1, "spike_recorder_x1", &on));
  OK(sg_create_named(sim, "spike_recorder", 1, "spike_recorder_1_", &on));
  OK(sg_create_named(sim, "gl_exp", 1, "my_gl_exp_12", &on));
  /* an unnamed population never meets a name given earlier: the case that used to fail only
   * at sg_simulate, with an HDF5 message */
  OK(sg_create(sim, "spike_recorder", 1, &sr));
  OK(sg_connect(sim, a, sr, NULL, NULL));
  OK(sg_simulate(sim, 2.0));
  sg_sim_free(sim);
}

/* ---- colliding file names ---------------------------------------------------------------- */
static void test_names_file_collisions(void) {
  sg_sim *sim = new_sim(NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(sim);
  const char *vm[] = {"V_m"}, *two[] = {"I_syn", "V_m"};
  sg_nodes g, mm, on, sr3, mm3;
  OK(sg_create_named(sim, "gl_exp", 2, "g", &g));
  OK(sg_create_named(sim, "multimeter", 1, "mm", &mm));
  OK(sg_set_strs(sim, mm, "record_from", vm, 1));
  /* the second call of a colliding pair is refused, naming both and the file */
  REFUSED(SG_ERR_ARG, "spike_recorder 'mm_V_m' would write mm_V_m.h5", "multimeter 'mm' recording V_m",
          sg_create_named(sim, "spike_recorder", 1, "mm_V_m", &on));
  /* the other order: the spike recorder first, then record_from */
  OK(sg_create_named(sim, "spike_recorder", 1, "vm_V_m", &on));
  OK(sg_create_named(sim, "multimeter", 1, "vm", &on));
  REFUSED(SG_ERR_ARG, "multimeter 'vm' recording V_m would write vm_V_m.h5", "spike_recorder 'vm_V_m'",
          sg_set_strs(sim, on, "record_from", two, 2));
  /* multimeter against multimeter: mm_a + b = mm + a_b */
  OK(sg_create_named(sim, "multimeter", 1, "mm_V", &on));
  const char *m_[] = {"m"};
  REFUSED(SG_ERR_ARG, "mm_V_m.h5", "multimeter 'mm' recording V_m", sg_set_strs(sim, on, "record_from", m_, 1));
  /* several nodes: <name>_<index>[_<var>].h5, only indices that exist collide */
  OK(sg_create_named(sim, "spike_recorder", 3, "sr", &sr3));
  REFUSED(SG_ERR_ARG, "would write sr_2.h5", "spike_recorder 'sr' (nodes", sg_create_named(sim, "spike_recorder", 1, "sr_2", &on));
  OK(sg_create_named(sim, "spike_recorder", 1, "sr_3", &on));
  OK(sg_create_named(sim, "spike_recorder", 1, "sr_02", &on));
  OK(sg_create_named(sim, "multimeter", 4, "m4", &mm3));
  OK(sg_set_strs(sim, mm3, "record_from", vm, 1));
  REFUSED(SG_ERR_ARG, "m4_3_V_m.h5", "multimeter 'm4' recording V_m", sg_create_named(sim, "spike_recorder", 1, "m4_3_V_m", &on));
  REFUSED(SG_ERR_ARG, "m4_0_V_m.h5", "multimeter 'm4' recording V_m", sg_create_named(sim, "spike_recorder", 1, "m4_0_V_m", &on));
  OK(sg_create_named(sim, "spike_recorder", 2, "m4_1_V_m", &on));   /* m4_1_V_m_0.h5, m4_1_V_m_1.h5 */
  OK(sg_create_named(sim, "spike_recorder", 1, "m4_4_V_m", &on));
  /* a default name meets a name given earlier: multimeter_<id> recording V_m writes the file of
   * the spike recorder named multimeter_<id>_V_m before it */
  char name[64], want[128];
  OK(sg_create(sim, "gl_exp", 1, &on));
  snprintf(name, sizeof name, "multimeter_%llu_V_m", (unsigned long long)(on.first + 2));
  OK(sg_create_named(sim, "spike_recorder", 1, name, &on));
  OK(sg_create(sim, "multimeter", 1, &on));
  snprintf(want, sizeof want, "the output file of spike_recorder '%s'", name);
  REFUSED(SG_ERR_ARG, "would write multimeter_", want, sg_set_strs(sim, on, "record_from", vm, 1));
  /* neurons and generators write no files of their own */
  OK(sg_create_named(sim, "gl_exp", 1, "mm_I_syn", &on));
  /* a refused record_from left the old one: this multimeter still records only V_m */
  OK(sg_connect(sim, mm, g, NULL, NULL));
  OK(sg_simulate(sim, 2.0));
  size_t n = 0;
  double t[64], v[64];
  uint64_t s[64];
  OK(sg_samples(sim, mm.first, "V_m", t, s, v, 64, &n));
  CU_ASSERT(n > 0);
  sg_sim_free(sim);
}

/* Every population of the refused kinds, written with an output_dir: runs, no HDF5 error. */
static void test_names_files_written(void) {
  char dir[256];
  if (make_tmp(dir, sizeof dir)) { CU_FAIL("mkdtemp"); return; }
  sg_sim *sim = new_sim(dir);
  CU_ASSERT_PTR_NOT_NULL_FATAL(sim);
  const char *vm[] = {"V_m"};
  sg_nodes g, mm, sr, sr2;
  OK(sg_create_named(sim, "gl_exp", 2, "g", &g));
  OK(sg_set(sim, g, "I_e", 600.0));
  OK(sg_create_named(sim, "multimeter", 1, "mm", &mm));
  OK(sg_set_strs(sim, mm, "record_from", vm, 1));
  OK(sg_create_named(sim, "spike_recorder", 1, "mm_V", &sr));
  OK(sg_create_named(sim, "spike_recorder", 2, "mm_V_m_x", &sr2));
  OK(sg_connect(sim, mm, g, NULL, NULL));
  OK(sg_connect(sim, g, sr, NULL, NULL));
  OK(sg_connect(sim, g, sr2, NULL, NULL));
  OK(sg_simulate(sim, 5.0));
  sg_sim_free(sim);
  char path[512];
  const char *files[] = {"mm_V_m.h5", "mm_V.h5", "mm_V_m_x_0.h5", "mm_V_m_x_1.h5"};
  for (size_t i = 0; i < sizeof files / sizeof files[0]; ++i) {
    snprintf(path, sizeof path, "%s/%s", dir, files[i]);
    CU_ASSERT_EQUAL(access(path, R_OK), 0);
  }
  rm_tree(dir);
}

/* ---- names in /metadata/network_json ------------------------------------------------------ */
static void test_names_json_escaped(void) {
  char dir[256];
  if (make_tmp(dir, sizeof dir)) { CU_FAIL("mkdtemp"); return; }
  sg_sim *sim = new_sim(dir);
  CU_ASSERT_PTR_NOT_NULL_FATAL(sim);
  sg_nodes a, b, c, sr;
  OK(sg_create_named(sim, "gl_exp", 1, "q\"uote", &a));
  OK(sg_create_named(sim, "gl_exp", 1, "back\\slash", &b));
  OK(sg_create_named(sim, "gl_exp", 1, "ctl\x01\x1f\r\x7f|", &c));
  OK(sg_create_named(sim, "spike_recorder", 1, "sr\"\\", &sr));
  OK(sg_connect(sim, a, sr, NULL, NULL));
  OK(sg_simulate(sim, 1.0));
  sg_sim_free(sim);
  char path[512];
  snprintf(path, sizeof path, "%s/sr\"\\.h5", dir);
  char *js = read_json(path);
  CU_ASSERT_PTR_NOT_NULL_FATAL(js);
  CU_ASSERT_PTR_NOT_NULL(strstr(js, "\"name\": \"q\\\"uote\""));
  CU_ASSERT_PTR_NOT_NULL(strstr(js, "\"name\": \"back\\\\slash\""));
  CU_ASSERT_PTR_NOT_NULL(strstr(js, "\"name\": \"ctl\\u0001\\u001f\\r\\u007f|\""));
  CU_ASSERT_PTR_NOT_NULL(strstr(js, "\"name\": \"sr\\\"\\\\\""));
  /* every "name" value is one well-formed JSON string followed by the next key */
  int names = 0;
  for (const char *p = strstr(js, "\"name\": \""); p; p = strstr(p, "\"name\": \"")) {
    const char *end = json_string_end(p + 9);
    CU_ASSERT_PTR_NOT_NULL(end);
    if (!end) break;
    CU_ASSERT_EQUAL(strncmp(end, "\", \"model\": ", 12), 0);
    p = end;
    ++names;
  }
  CU_ASSERT_EQUAL(names, 4);
  free(js);
  rm_tree(dir);
}

/* ---- a multimeter's window once it has recorded -------------------------------------------- */
typedef struct axis { double t0, stop, dt; size_t rows; double *data; } axis;

static int read_axis(const char *path, const char *pop, axis *ax) {
  memset(ax, 0, sizeof *ax);
  hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f < 0) return -1;
  char obj[256];
  double tm[3];
  snprintf(obj, sizeof obj, "/report/%s/mapping/time", pop);
  hid_t d = H5Dopen2(f, obj, H5P_DEFAULT);
  int rc = d < 0 || H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, tm) < 0;
  if (d >= 0) H5Dclose(d);
  snprintf(obj, sizeof obj, "/report/%s/data", pop);
  d = rc ? -1 : H5Dopen2(f, obj, H5P_DEFAULT);
  if (d >= 0) {
    hid_t sp = H5Dget_space(d);
    hsize_t dims[2] = {0, 0};
    H5Sget_simple_extent_dims(sp, dims, NULL);
    H5Sclose(sp);
    ax->rows = (size_t)dims[0];
    ax->data = calloc(dims[0] * dims[1] + 1, sizeof(double));
    if (!ax->data || H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, ax->data) < 0) rc = 1;
    H5Dclose(d);
  } else {
    rc = 1;
  }
  H5Fclose(f);
  ax->t0 = tm[0]; ax->stop = tm[1]; ax->dt = tm[2];
  return rc ? -1 : 0;
}

/* The file's time axis against sg_samples (one target: one value per time). */
static void check_axis(sg_sim *sim, const char *dir, const char *mm_name, uint64_t mm_id, size_t want_rows,
                       double want_t0, double want_t1) {
  char path[512];
  snprintf(path, sizeof path, "%s/%s_V_m.h5", dir, mm_name);
  axis ax;
  CU_ASSERT_EQUAL_FATAL(read_axis(path, "g", &ax), 0);
  size_t n = 0;
  double *t = malloc(4096 * sizeof *t), *v = malloc(4096 * sizeof *v);
  uint64_t *s = malloc(4096 * sizeof *s);
  CU_ASSERT_FATAL(t && v && s);
  OK(sg_samples(sim, mm_id, "V_m", t, s, v, 4096, &n));
  CU_ASSERT_EQUAL(n, want_rows);
  CU_ASSERT_EQUAL(ax.rows, want_rows);
  if (n == want_rows && ax.rows == want_rows && n > 0) {
    CU_ASSERT(fabs(t[0] - want_t0) < 1e-9);
    CU_ASSERT(fabs(t[n - 1] - want_t1) < 1e-9);
    /* libsonata: rows at t0 + k dt for t0 <= t < stop */
    SG_ASSERT_DBL_EXACT(floor((ax.stop - ax.t0) / ax.dt + 0.5), (double)n);
    size_t bad = 0;
    for (size_t k = 0; k < n; ++k) {
      const double tk = ax.t0 + (double)k * ax.dt;
      if (fabs(tk - t[k]) > 1e-9 || (float)ax.data[k] != (float)v[k]) ++bad;
    }
    if (bad) fprintf(stderr, "\n  %s: %zu of %zu rows at the wrong time (mapping/time = [%g, %g, %g])\n",
                     path, bad, n, ax.t0, ax.stop, ax.dt);
    CU_ASSERT_EQUAL(bad, 0);
  }
  free(ax.data);
  free(t); free(v); free(s);
}

static void test_names_multimeter_window_frozen(void) {
  char dir[256];
  if (make_tmp(dir, sizeof dir)) { CU_FAIL("mkdtemp"); return; }
  sg_sim *sim = new_sim(dir);
  CU_ASSERT_PTR_NOT_NULL_FATAL(sim);
  const char *vm[] = {"V_m"};
  sg_nodes g, mm, late;
  OK(sg_create_named(sim, "gl_exp", 1, "g", &g));
  OK(sg_set(sim, g, "I_e", 300.0));
  OK(sg_create_named(sim, "multimeter", 1, "mm", &mm));
  OK(sg_set(sim, mm, "interval", 1.0));
  OK(sg_set(sim, mm, "stop", 50.0));
  OK(sg_set_strs(sim, mm, "record_from", vm, 1));
  /* a second multimeter whose window has not begun by the end of the first run */
  OK(sg_create_named(sim, "multimeter", 1, "late", &late));
  OK(sg_set(sim, late, "interval", 1.0));
  OK(sg_set(sim, late, "start", 500.0));
  OK(sg_set_strs(sim, late, "record_from", vm, 1));
  OK(sg_connect(sim, mm, g, NULL, NULL));
  OK(sg_connect(sim, late, g, NULL, NULL));
  OK(sg_simulate(sim, 100.0));
  /* mm has recorded 1..50 ms: moving its window would put samples on a time axis that is not
   * theirs (the old behaviour: rows 1..50 and 101..200 written as [1, 151, 1]) */
  REFUSED(SG_ERR_STATE, "multimeter mm (node 2): start = 100 ms", "create a new multimeter", sg_set(sim, mm, "start", 100.0));
  REFUSED(SG_ERR_STATE, "stop = 200 ms: cannot change from 50 ms", "has recorded", sg_set(sim, mm, "stop", 200.0));
  REFUSED(SG_ERR_STATE, "origin = 100 ms", "create a new multimeter", sg_set(sim, mm, "origin", 100.0));
  REFUSED(SG_ERR_STATE, "origin = 100 ms", "create a new multimeter", sg_set_each(sim, mm, "origin", (const double[]){100.0}));
  /* the value it has is no change */
  OK(sg_set(sim, mm, "stop", 50.0));
  OK(sg_set(sim, mm, "origin", 0.0));
  /* late has not recorded: its window may still move (files made anew at the next run) */
  OK(sg_set(sim, late, "start", 100.0));
  OK(sg_set(sim, late, "stop", 200.0));
  OK(sg_simulate(sim, 100.0));
  OK(sg_simulate(sim, 50.0));
  /* after the runs mm still holds its window, and late's is frozen now */
  REFUSED(SG_ERR_STATE, "multimeter late (node 3): stop = 300 ms", "create a new multimeter", sg_set(sim, late, "stop", 300.0));
  check_axis(sim, dir, "mm", mm.first, 50, 1.0, 50.0);
  check_axis(sim, dir, "late", late.first, 100, 101.0, 200.0);
  sg_sim_free(sim);
  rm_tree(dir);
}

/* spike_recorder: spikes carry their own times, so its window may change between runs and the
 * file still holds exactly the spikes recorded. */
static void test_names_spike_recorder_window_free(void) {
  sg_sim *sim = new_sim(NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(sim);
  sg_nodes sg, p, sr;
  OK(sg_create(sim, "spike_generator", 1, &sg));
  const double times[] = {10.0, 60.0, 120.0, 160.0};
  OK(sg_set_vec(sim, sg, "spike_times", times, 4));
  OK(sg_create(sim, "parrot_neuron", 1, &p));
  OK(sg_create(sim, "spike_recorder", 1, &sr));
  OK(sg_set(sim, sr, "stop", 50.0));
  OK(sg_connect(sim, sg, p, NULL, NULL));
  OK(sg_connect(sim, p, sr, NULL, NULL));
  OK(sg_simulate(sim, 100.0));
  OK(sg_set(sim, sr, "start", 150.0));
  OK(sg_set(sim, sr, "stop", 200.0));
  OK(sg_simulate(sim, 100.0));
  double t[8];
  uint64_t s[8];
  size_t n = 0;
  OK(sg_spikes(sim, sr.first, t, s, 8, &n));
  CU_ASSERT_EQUAL(n, 2);
  if (n == 2) {
    CU_ASSERT(t[0] > 10.0 && t[0] <= 50.0);
    CU_ASSERT(t[1] > 160.0 && t[1] <= 200.0);
  }
  sg_sim_free(sim);
}

static CU_TestInfo tests[] = {
  {"'.' and '..' refused", test_names_dots},
  {"default-name form refused unless one's own", test_names_default_form},
  {"colliding recorder files refused at the second call", test_names_file_collisions},
  {"non-colliding neighbours are written", test_names_files_written},
  {"names escaped in /metadata/network_json", test_names_json_escaped},
  {"multimeter start/stop/origin frozen once recorded", test_names_multimeter_window_frozen},
  {"spike_recorder window may change between runs", test_names_spike_recorder_window_free},
  CU_TEST_INFO_NULL,
};

const sg_test_suite sg_suite_names = {"names", NULL, tests};
