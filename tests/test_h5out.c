/* tests/test_h5out.c - the SONATA writer (host/h5out.c): bit-exact round trips read back with
 * the HDF5 C API, attributes, megabyte metadata, every error path (bad arguments, unwritable
 * paths, an injected failure at every write, a genuinely full filesystem) and the kill tests
 * that prove a killed run keeps exactly its flushed blocks (recovery: `h5clear -s`).
 * Files go to a mkdtemp directory that each test removes. */
/* SPDX-License-Identifier: MIT */
#include <CUnit/CUnit.h>
#include <dirent.h>
#include <errno.h>
#include <float.h>
#include <hdf5.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "h5out.h"
#include "sg_test.h"

/* ---- helpers -------------------------------------------------------------------------- */

#define ERRLEN 512

static uint64_t splitmix(uint64_t *s) {
  uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

static int make_tmp(char *dir, size_t len) {
  const char *t = getenv("TMPDIR");
  snprintf(dir, len, "%s/sg_h5out_XXXXXX", t && *t ? t : "/tmp");
  if (!mkdtemp(dir)) {
    fprintf(stderr, "\n  mkdtemp(%s): %s\n", dir, strerror(errno));
    return -1;
  }
  return 0;
}

/* rm -r (no symlinks are followed: lstat) */
static void remove_tree(const char *path) {
  struct stat st;
  if (lstat(path, &st) != 0) return;
  if (S_ISDIR(st.st_mode)) {
    chmod(path, 0700);
    DIR *d = opendir(path);
    if (d) {
      struct dirent *e;
      while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        char sub[1024];
        snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
        remove_tree(sub);
      }
      closedir(d);
    }
    rmdir(path);
  } else {
    unlink(path);
  }
}

static void join(char *out, size_t len, const char *dir, const char *name) {
  int n = snprintf(out, len, "%s/%s", dir, name);
  if (n < 0 || (size_t)n >= len) out[0] = '\0'; /* never with our short temp paths */
}

static int file_exists(const char *path) {
  struct stat st;
  return stat(path, &st) == 0;
}

/* No HDF5 file, group, dataset or attribute left open by the writer or the test. */
static void assert_no_open_ids(void) {
  ssize_t n = H5Fget_obj_count((hid_t)H5F_OBJ_ALL, H5F_OBJ_ALL);
  if (n != 0) fprintf(stderr, "\n  %zd HDF5 objects still open\n", n);
  CU_ASSERT_EQUAL(n, 0);
}

/* Prints the message of an unexpected failure so a red test says why. */
#define ASSERT_OK(call)                                                                      \
  do {                                                                                       \
    sg_status st_ = (call);                                                                  \
    if (st_ != SG_OK) fprintf(stderr, "\n  %s:%d: %s -> %d: %s\n", __FILE__, __LINE__, #call, \
                              (int)st_, err);                                                \
    CU_ASSERT_EQUAL(st_, SG_OK);                                                             \
  } while (0)

/* Reads the first min(max_rows, rows) rows (all columns) of a rank 1 or 2 dataset as memory
 * type mt. dims receives the dataset's full extent (dims[1] = 1 for rank 1); *got the rows
 * read. NULL if the read fails. After a kill, reading only the committed rows matters: the
 * in-flight tail may lie past the file's end-of-allocation mark. */
static void *read_rows(hid_t f, const char *name, hid_t mt, hsize_t max_rows, hsize_t dims[2],
                       hsize_t *got) {
  void *buf = NULL;
  dims[0] = dims[1] = 0;
  *got = 0;
  hid_t d = H5Dopen2(f, name, H5P_DEFAULT);
  if (d < 0) return NULL;
  hid_t sp = H5Dget_space(d), ms = H5I_INVALID_HID;
  int rank = H5Sget_simple_extent_ndims(sp);
  if (rank >= 1 && rank <= 2) {
    H5Sget_simple_extent_dims(sp, dims, NULL);
    if (rank == 1) dims[1] = 1;
    hsize_t start[2] = {0, 0}, count[2] = {dims[0] < max_rows ? dims[0] : max_rows, dims[1]};
    size_t n = (size_t)(count[0] * count[1]);
    buf = malloc(n ? n * H5Tget_size(mt) : 1);
    if (buf && n) {
      ms = H5Screate_simple(rank, count, NULL);
      if (H5Sselect_hyperslab(sp, H5S_SELECT_SET, start, NULL, count, NULL) < 0 ||
          H5Dread(d, mt, ms, sp, H5P_DEFAULT, buf) < 0) {
        free(buf);
        buf = NULL;
      }
    }
    if (buf) *got = count[0];
  }
  if (ms >= 0) H5Sclose(ms);
  H5Sclose(sp);
  H5Dclose(d);
  return buf;
}

/* Reads a whole dataset (rank 1 or 2) as memory type mt; dims[1] = 1 for rank 1. */
static void *read_all(hid_t f, const char *name, hid_t mt, hsize_t dims[2]) {
  hsize_t got;
  return read_rows(f, name, mt, (hsize_t)-1, dims, &got);
}

/* 1 if attribute `name` of object `obj` is a variable-length UTF-8 string equal to want. */
static int attr_str_is(hid_t f, const char *obj, const char *name, const char *want) {
  int ok = 0;
  hid_t a = H5Aopen_by_name(f, obj, name, H5P_DEFAULT, H5P_DEFAULT);
  if (a < 0) return 0;
  hid_t ft = H5Aget_type(a), mt = H5Tcopy(H5T_C_S1);
  H5Tset_size(mt, H5T_VARIABLE);
  H5Tset_cset(mt, H5T_CSET_UTF8);
  char *s = NULL;
  if (H5Tis_variable_str(ft) > 0 && H5Tget_cset(ft) == H5T_CSET_UTF8 &&
      H5Aread(a, mt, &s) >= 0 && s) {
    ok = strcmp(s, want) == 0;
    if (!ok) fprintf(stderr, "\n  %s@%s = '%s', want '%s'\n", obj, name, s, want);
  }
  if (s) H5free_memory(s);
  H5Tclose(mt);
  H5Tclose(ft);
  H5Aclose(a);
  return ok;
}

/* Reads a scalar numeric attribute; returns 0 on success. */
static int attr_num(hid_t f, const char *obj, const char *name, hid_t mt, void *out) {
  hid_t a = H5Aopen_by_name(f, obj, name, H5P_DEFAULT, H5P_DEFAULT);
  if (a < 0) return -1;
  int r = H5Aread(a, mt, out) < 0 ? -1 : 0;
  H5Aclose(a);
  return r;
}

/* The sorting attribute: enum over uint8 {none = 0, by_id = 1, by_time = 2}, value by_time. */
static void check_sorting(hid_t f, const char *group) {
  hid_t a = H5Aopen_by_name(f, group, "sorting", H5P_DEFAULT, H5P_DEFAULT);
  CU_ASSERT_FATAL(a >= 0);
  hid_t t = H5Aget_type(a);
  CU_ASSERT_EQUAL(H5Tget_class(t), H5T_ENUM);
  hid_t base = H5Tget_super(t);
  CU_ASSERT_EQUAL(H5Tget_size(base), 1);
  CU_ASSERT_EQUAL(H5Tget_sign(base), H5T_SGN_NONE);
  CU_ASSERT_EQUAL(H5Tget_nmembers(t), 3);
  const char *names[3] = {"none", "by_id", "by_time"};
  for (unsigned i = 0; i < 3; ++i) {
    char *nm = H5Tget_member_name(t, i);
    uint8_t v = 255;
    H5Tget_member_value(t, i, &v);
    CU_ASSERT(nm && strcmp(nm, names[i]) == 0);
    CU_ASSERT_EQUAL(v, i);
    if (nm) H5free_memory(nm);
  }
  uint8_t val = 0;
  CU_ASSERT(H5Aread(a, t, &val) >= 0);
  CU_ASSERT_EQUAL(val, 2);
  H5Tclose(base);
  H5Tclose(t);
  H5Aclose(a);
}

/* Checks that a dataset is chunked and unlimited along dim 0, without filters. */
static void check_extendable(hid_t f, const char *name) {
  hid_t d = H5Dopen2(f, name, H5P_DEFAULT);
  CU_ASSERT_FATAL(d >= 0);
  hid_t pl = H5Dget_create_plist(d), sp = H5Dget_space(d);
  hsize_t dims[2], maxd[2];
  H5Sget_simple_extent_dims(sp, dims, maxd);
  CU_ASSERT_EQUAL(H5Pget_layout(pl), H5D_CHUNKED);
  CU_ASSERT_EQUAL(H5Pget_nfilters(pl), 0);
  CU_ASSERT(maxd[0] == H5S_UNLIMITED);
  H5Sclose(sp);
  H5Pclose(pl);
  H5Dclose(d);
}

/* Runs a shell command; returns its exit status or -1. */
static int run_cmd(const char *cmd) {
  fflush(stdout);
  fflush(stderr);
  int r = system(cmd);
  return (r != -1 && WIFEXITED(r)) ? WEXITSTATUS(r) : -1;
}

/* tests/<script> next to this source file (the runner is started from the repository root). */
static int script_path(char *out, size_t len, const char *script) {
  char dir[512];
  snprintf(dir, sizeof dir, "%s", __FILE__);
  char *slash = strrchr(dir, '/');
  if (slash) *slash = '\0';
  else snprintf(dir, sizeof dir, ".");
  snprintf(out, len, "%s/%s", dir, script);
  if (access(out, R_OK) == 0) return 0;
  snprintf(out, len, "tests/%s", script);
  return access(out, R_OK) == 0 ? 0 : -1;
}

/* Optional libsonata cross-check (SG_SONATA_PYTHON = a python with libsonata, h5py, numpy). */
static void sonata_check(const char *path) {
  const char *py = getenv("SG_SONATA_PYTHON");
  char script[600], cmd[2400];
  if (!py || !*py) {
    printf("\n    (libsonata check skipped: set SG_SONATA_PYTHON, see tests/sonata_check.py) ");
    return;
  }
  if (script_path(script, sizeof script, "sonata_check.py") < 0) {
    printf("\n    libsonata check skipped: tests/sonata_check.py not found ");
    return;
  }
  snprintf(cmd, sizeof cmd, "'%s' '%s' '%s'", py, script, path);
  printf("\n");
  int r = run_cmd(cmd);
  if (r == 77) return;
  CU_ASSERT_EQUAL(r, 0);
}

static const sg_h5_meta test_meta = {0.1, 0xFEDCBA9876543210ull, "cpu", "0.1.0 (test)",
                                     "{\"populations\": [\"exc\", \"inh\"]}", 0,
                                     "0123456789abcdef0123456789abcdef", 0.0};

/* A scalar float64 dataset (e.g. /t_stop); 0 on success. */
static int read_scalar(hid_t f, const char *name, double *out) {
  hid_t d = H5Dopen2(f, name, H5P_DEFAULT);
  if (d < 0) return -1;
  hid_t sp = H5Dget_space(d);
  const int scalar = sp >= 0 && H5Sget_simple_extent_type(sp) == H5S_SCALAR;
  if (sp >= 0) H5Sclose(sp);
  const herr_t e = H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, out);
  H5Dclose(d);
  return scalar && e >= 0 ? 0 : -1;
}

/* ---- round trips ---------------------------------------------------------------------- */

typedef struct spikes_ref {
  double *t;
  uint64_t *id;
  size_t n, cap;
} spikes_ref;

static void ref_push(spikes_ref *r, const double *t, const uint64_t *id, size_t n) {
  if (r->n + n > r->cap) {
    r->cap = 2 * (r->n + n);
    r->t = (double *)realloc(r->t, r->cap * sizeof *r->t);
    r->id = (uint64_t *)realloc(r->id, r->cap * sizeof *r->id);
  }
  memcpy(r->t + r->n, t, n * sizeof *t);
  memcpy(r->id + r->n, id, n * sizeof *id);
  r->n += n;
}

static void check_spike_pop(hid_t f, const char *grp, const spikes_ref *r, uint64_t first) {
  char ts[128], ids[128];
  snprintf(ts, sizeof ts, "%s/timestamps", grp);
  snprintf(ids, sizeof ids, "%s/node_ids", grp);
  hsize_t d1[2], d2[2];
  double *t = (double *)read_all(f, ts, H5T_NATIVE_DOUBLE, d1);
  uint64_t *id = (uint64_t *)read_all(f, ids, H5T_NATIVE_UINT64, d2);
  CU_ASSERT_FATAL(t && id);
  CU_ASSERT_EQUAL(d1[0], r->n);
  CU_ASSERT_EQUAL(d2[0], r->n);
  if (d1[0] == r->n && d2[0] == r->n && r->n) {
    CU_ASSERT(memcmp(t, r->t, r->n * sizeof *t) == 0);
    CU_ASSERT(memcmp(id, r->id, r->n * sizeof *id) == 0);
  }
  free(t);
  free(id);
  CU_ASSERT(attr_str_is(f, ts, "units", "ms"));
  check_sorting(f, grp);
  uint64_t fg = 0;
  CU_ASSERT(attr_num(f, grp, "first_global_id", H5T_NATIVE_UINT64, &fg) == 0);
  CU_ASSERT_EQUAL(fg, first);
  check_extendable(f, ts);
  check_extendable(f, ids);
}

static void check_root_meta(hid_t f, const sg_h5_meta *m) {
  double res = 0;
  uint64_t seed = 0;
  CU_ASSERT(attr_num(f, "/", "resolution_ms", H5T_NATIVE_DOUBLE, &res) == 0);
  SG_ASSERT_DBL_EXACT(res, m->resolution_ms);
  CU_ASSERT(attr_num(f, "/", "seed", H5T_NATIVE_UINT64, &seed) == 0);
  CU_ASSERT_EQUAL(seed, m->seed);
  CU_ASSERT(attr_str_is(f, "/", "backend", m->backend));
  CU_ASSERT(attr_str_is(f, "/", "version", m->version));
  if (m->run_id) CU_ASSERT(attr_str_is(f, "/", "run_id", m->run_id));
}

/* A file appears under its own name only once it is in SWMR mode (sg_h5_flush), so an SWMR
 * reader can open it at any moment, as after a kill before the first block (here: while the
 * writer still holds it, which is the state a kill leaves on disk). */
static void test_h5out_swmr_from_creation(void) {
  char dir[256], sp[512], partial[512], rp[512], err[ERRLEN] = "";
  if (make_tmp(dir, sizeof dir)) { CU_FAIL("mkdtemp"); return; }
  join(sp, sizeof sp, dir, "s.h5");
  join(partial, sizeof partial, dir, ".s.h5.partial");
  join(rp, sizeof rp, dir, "r.h5");
  sg_h5 *f = NULL, *r = NULL;
  int p = -1, q = -1;
  const uint64_t ids[2] = {0, 1};
  ASSERT_OK(sg_h5_spikes_create(sp, &test_meta, &f, err, sizeof err));
  ASSERT_OK(sg_h5_spikes_population(f, "exc", 1, &p, err, sizeof err));
  CU_ASSERT(!file_exists(sp) && file_exists(partial));  /* not yet readable: not there */
  ASSERT_OK(sg_h5_flush(f, err, sizeof err));
  CU_ASSERT(file_exists(sp) && !file_exists(partial));
  ASSERT_OK(sg_h5_report_create(rp, &test_meta, &r, err, sizeof err));
  ASSERT_OK(sg_h5_report_population(r, "exc", ids, 2, 0.1, 0.1, "mV", &q, err, sizeof err));
  ASSERT_OK(sg_h5_flush(r, err, sizeof err));
  const char *paths[2] = {sp, rp};
  for (int k = 0; k < 2; ++k) {
    hid_t h = H5Fopen(paths[k], H5F_ACC_RDONLY | H5F_ACC_SWMR_READ, H5P_DEFAULT);
    CU_ASSERT(h >= 0);
    if (h < 0) continue;
    check_root_meta(h, &test_meta);
    hsize_t d[2] = {9, 9};
    void *v = read_all(h, k ? "/report/exc/data" : "/spikes/exc/timestamps", H5T_NATIVE_DOUBLE, d);
    CU_ASSERT(d[0] == 0);   /* the empty datasets are there */
    free(v);
    H5Fclose(h);
  }
  ASSERT_OK(sg_h5_close(f, err, sizeof err));
  ASSERT_OK(sg_h5_close(r, err, sizeof err));
  /* a file closed without any flush or append is put under its name too */
  ASSERT_OK(sg_h5_spikes_create(sp, NULL, &f, err, sizeof err));
  ASSERT_OK(sg_h5_close(f, err, sizeof err));
  CU_ASSERT(file_exists(sp) && !file_exists(partial));
  assert_no_open_ids();
  remove_tree(dir);
}

/* t_start (root attribute, fixed at creation) and t_stop (root dataset, moved by
 * sg_h5_set_t_stop, readable by an SWMR reader while the file is written, and across the
 * close/reopen that a late population causes). */
static void test_h5out_t_start_stop(void) {
  char dir[256], sp[512], rp[512], err[ERRLEN] = "";
  if (make_tmp(dir, sizeof dir)) { CU_FAIL("mkdtemp"); return; }
  join(sp, sizeof sp, dir, "s.h5");
  join(rp, sizeof rp, dir, "r.h5");
  sg_h5_meta meta = test_meta;
  meta.t_start_ms = 12.5;
  sg_h5 *f = NULL, *r = NULL;
  int p = -1, q = -1;
  ASSERT_OK(sg_h5_spikes_create(sp, &meta, &f, err, sizeof err));
  ASSERT_OK(sg_h5_spikes_population(f, "exc", 1, &p, err, sizeof err));
  ASSERT_OK(sg_h5_flush(f, err, sizeof err));
  /* expected: {t_start, t_stop} as an SWMR reader sees them now */
  double want[2] = {12.5, 12.5};
  for (int step = 0; step < 4; ++step) {
    if (step == 1) {
      const double t[2] = {13.0, 20.0};
      const uint64_t id[2] = {3, 4};
      ASSERT_OK(sg_h5_spikes_append(f, p, t, id, 2, err, sizeof err));
      ASSERT_OK(sg_h5_set_t_stop(f, 20.0, err, sizeof err));   /* a spike at t_stop is in */
      want[1] = 20.0;
    } else if (step == 2) {   /* a late population: the file is closed and reopened */
      int p2 = -1;
      ASSERT_OK(sg_h5_spikes_population(f, "inh", 101, &p2, err, sizeof err));
      ASSERT_OK(sg_h5_set_t_stop(f, 30.0, err, sizeof err));
      want[1] = 30.0;
    } else if (step == 3) {   /* refused: earlier, not finite; equal: no-op */
      CU_ASSERT_EQUAL(sg_h5_set_t_stop(f, 29.5, err, sizeof err), SG_ERR_ARG);
      CU_ASSERT(strstr(err, "t_ms = 29.5") && strstr(err, ">= the file's t_stop, 30 ms"));
      CU_ASSERT_EQUAL(sg_h5_set_t_stop(f, NAN, err, sizeof err), SG_ERR_ARG);
      CU_ASSERT_EQUAL(sg_h5_set_t_stop(f, INFINITY, err, sizeof err), SG_ERR_ARG);
      CU_ASSERT_EQUAL(sg_h5_set_t_stop(NULL, 40.0, err, sizeof err), SG_ERR_ARG);
      ASSERT_OK(sg_h5_set_t_stop(f, 30.0, err, sizeof err));
    }
    hid_t h = H5Fopen(sp, H5F_ACC_RDONLY | H5F_ACC_SWMR_READ, H5P_DEFAULT);
    CU_ASSERT_FATAL(h >= 0);
    double got[2] = {-1.0, -1.0};
    CU_ASSERT(attr_num(h, "/", "t_start", H5T_NATIVE_DOUBLE, &got[0]) == 0);
    CU_ASSERT(read_scalar(h, "/t_stop", &got[1]) == 0);
    CU_ASSERT(attr_str_is(h, "/t_stop", "units", "ms"));
    SG_ASSERT_DBL_EXACT(got[0], want[0]);
    SG_ASSERT_DBL_EXACT(got[1], want[1]);
    H5Fclose(h);
  }
  ASSERT_OK(sg_h5_close(f, err, sizeof err));
  hid_t h = H5Fopen(sp, H5F_ACC_RDONLY, H5P_DEFAULT);   /* closed: a plain reader */
  double ts = -1.0, t0 = -1.0;
  CU_ASSERT(h >= 0 && read_scalar(h, "/t_stop", &ts) == 0 && ts == 30.0);
  CU_ASSERT(attr_num(h, "/", "t_start", H5T_NATIVE_DOUBLE, &t0) == 0 && t0 == 12.5);
  check_root_meta(h, &meta);
  H5Fclose(h);
  /* without metadata: t_start = t_stop = 0; a report file moves it the same way */
  const uint64_t ids[1] = {0};
  const double row[1] = {-70.0};
  ASSERT_OK(sg_h5_report_create(rp, NULL, &r, err, sizeof err));
  ASSERT_OK(sg_h5_report_population(r, "v", ids, 1, 0.1, 0.1, "mV", &q, err, sizeof err));
  ASSERT_OK(sg_h5_report_append(r, q, row, 1, err, sizeof err));
  ASSERT_OK(sg_h5_set_t_stop(r, 0.1, err, sizeof err));
  ASSERT_OK(sg_h5_close(r, err, sizeof err));
  h = H5Fopen(rp, H5F_ACC_RDONLY, H5P_DEFAULT);
  CU_ASSERT(h >= 0 && attr_num(h, "/", "t_start", H5T_NATIVE_DOUBLE, &t0) == 0 && t0 == 0.0);
  CU_ASSERT(read_scalar(h, "/t_stop", &ts) == 0 && ts == 0.1);
  H5Fclose(h);
  meta.t_start_ms = NAN;   /* a t_start that is no time is refused */
  CU_ASSERT_EQUAL(sg_h5_spikes_create(sp, &meta, &f, err, sizeof err), SG_ERR_ARG);
  CU_ASSERT(f == NULL && strstr(err, "t_start_ms"));
  assert_no_open_ids();
  remove_tree(dir);
}

static void test_h5out_spikes_roundtrip(void) {
  char dir[256], path[512], err[ERRLEN] = "";
  if (make_tmp(dir, sizeof dir)) { CU_FAIL("mkdtemp"); return; }
  join(path, sizeof path, dir, "spikes.h5");
  sg_h5 *f = NULL;
  int exc = -1, inh = -1;
  ASSERT_OK(sg_h5_spikes_create(path, &test_meta, &f, err, sizeof err));
  CU_ASSERT_FATAL(f != NULL);
  ASSERT_OK(sg_h5_spikes_population(f, "exc", 1, &exc, err, sizeof err));
  CU_ASSERT_EQUAL(exc, 0);
  /* block sizes around the 16 Ki-element chunk, an empty block, and a large one */
  static const size_t sizes[] = {1, 16383, 0, 16385, 7, 40000, 100000, 3};
  spikes_ref re = {0}, ri = {0};
  uint64_t s = 42;
  double t = 0.1;
  size_t maxn = 100000;
  double *tb = (double *)malloc(maxn * sizeof *tb);
  uint64_t *ib = (uint64_t *)malloc(maxn * sizeof *ib);
  for (size_t b = 0; b < sizeof sizes / sizeof sizes[0]; ++b) {
    for (size_t i = 0; i < sizes[b]; ++i) {
      uint64_t r = splitmix(&s);
      t += (double)(r & 3) * 0.1; /* equal times happen (r & 3 == 0) */
      tb[i] = t;
      ib[i] = (r >> 8) % 3 == 0 ? UINT64_MAX - (r & 7) : r >> 2; /* full 64-bit ids */
    }
    ASSERT_OK(sg_h5_spikes_append(f, exc, tb, ib, sizes[b], err, sizeof err));
    ref_push(&re, tb, ib, sizes[b]);
    if (b == 2) /* a population added after appends (the file leaves SWMR mode and re-enters) */
      ASSERT_OK(sg_h5_spikes_population(f, "inh", 801, &inh, err, sizeof err));
    if (inh >= 0) {
      double ti[3] = {(double)b, (double)b, (double)b + 0.5};
      uint64_t ii[3] = {b, 0, 199};
      ASSERT_OK(sg_h5_spikes_append(f, inh, ti, ii, 3, err, sizeof err));
      ref_push(&ri, ti, ii, 3);
    }
  }
  CU_ASSERT_EQUAL(inh, 1);
  ASSERT_OK(sg_h5_flush(f, err, sizeof err));
  ASSERT_OK(sg_h5_close(f, err, sizeof err));

  hid_t h = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  CU_ASSERT_FATAL(h >= 0);
  check_spike_pop(h, "/spikes/exc", &re, 1);
  check_spike_pop(h, "/spikes/inh", &ri, 801);
  check_root_meta(h, &test_meta);
  char *js = sg_test_network_json(h);
  CU_ASSERT(js && strcmp(js, test_meta.network_json) == 0);
  free(js);
  H5Fclose(h);
  sonata_check(path);
  free(tb);
  free(ib);
  free(re.t);
  free(re.id);
  free(ri.t);
  free(ri.id);
  assert_no_open_ids();
  remove_tree(dir);
}

/* Report values: every bit pattern is fair game (NaN payloads, -0, inf, subnormals). */
static double report_value(uint64_t *s, size_t k) {
  static const double special[] = {0.0, -0.0, INFINITY, -INFINITY, DBL_MIN / 4, DBL_MAX, -65.0};
  uint64_t r = splitmix(s);
  if (k % 11 == 3) return special[r % 7];
  double d;
  memcpy(&d, &r, sizeof d);
  return d;
}

/* float64 data must equal what was appended bit for bit; float32 data (report_float32) must
 * equal each value rounded to float by C's conversion (NaN stays NaN). */
static void check_report_pop(hid_t f, const char *grp, const double *ref, size_t n_rows,
                             const uint64_t *ids, size_t n_nodes, double t0, double dt,
                             const char *unit, uint8_t sorted, int f32) {
  char p[160];
  hsize_t d[2];
  snprintf(p, sizeof p, "%s/data", grp);
  hid_t dd = H5Dopen2(f, p, H5P_DEFAULT), dty = H5Dget_type(dd);
  CU_ASSERT(H5Tget_class(dty) == H5T_FLOAT && H5Tget_size(dty) == (f32 ? 4u : 8u));
  H5Tclose(dty);
  H5Dclose(dd);
  if (!f32) {
    double *data = (double *)read_all(f, p, H5T_NATIVE_DOUBLE, d);
    CU_ASSERT_FATAL(data != NULL);
    CU_ASSERT(d[0] == n_rows && d[1] == n_nodes);
    if (d[0] == n_rows && d[1] == n_nodes && n_rows)
      CU_ASSERT(memcmp(data, ref, n_rows * n_nodes * sizeof *data) == 0);
    free(data);
  } else {
    float *data = (float *)read_all(f, p, H5T_NATIVE_FLOAT, d);
    CU_ASSERT_FATAL(data != NULL);
    CU_ASSERT(d[0] == n_rows && d[1] == n_nodes);
    size_t bad = 0;
    for (size_t i = 0; d[0] == n_rows && d[1] == n_nodes && i < n_rows * n_nodes; ++i) {
      float want = (float)ref[i];
      if (isnan(ref[i]) ? !isnan(data[i]) : memcmp(&data[i], &want, sizeof want) != 0) {
        if (bad++ < 3) fprintf(stderr, "\n  %s[%zu]: %a -> %a, want %a\n", p, i, ref[i],
                               (double)data[i], (double)want);
      }
    }
    CU_ASSERT_EQUAL(bad, 0);
    free(data);
  }
  CU_ASSERT(attr_str_is(f, p, "units", unit));
  check_extendable(f, p);
  snprintf(p, sizeof p, "%s/mapping/node_ids", grp);
  uint64_t *nid = (uint64_t *)read_all(f, p, H5T_NATIVE_UINT64, d);
  CU_ASSERT(nid && d[0] == n_nodes && memcmp(nid, ids, n_nodes * sizeof *ids) == 0);
  free(nid);
  uint8_t so = 9;
  CU_ASSERT(attr_num(f, p, "sorted", H5T_NATIVE_UINT8, &so) == 0);
  CU_ASSERT_EQUAL(so, sorted);
  snprintf(p, sizeof p, "%s/mapping/index_pointers", grp);
  uint64_t *ip = (uint64_t *)read_all(f, p, H5T_NATIVE_UINT64, d);
  CU_ASSERT(ip && d[0] == n_nodes + 1);
  for (size_t i = 0; ip && i <= n_nodes && d[0] == n_nodes + 1; ++i) CU_ASSERT_EQUAL(ip[i], i);
  free(ip);
  snprintf(p, sizeof p, "%s/mapping/element_ids", grp);
  hid_t ed = H5Dopen2(f, p, H5P_DEFAULT), et = H5Dget_type(ed);
  CU_ASSERT(H5Tget_size(et) == 4 && H5Tget_sign(et) == H5T_SGN_NONE);
  H5Tclose(et);
  H5Dclose(ed);
  uint32_t *el = (uint32_t *)read_all(f, p, H5T_NATIVE_UINT32, d);
  CU_ASSERT(el && d[0] == n_nodes);
  for (size_t i = 0; el && i < n_nodes && d[0] == n_nodes; ++i) CU_ASSERT_EQUAL(el[i], 0);
  free(el);
  snprintf(p, sizeof p, "%s/mapping/time", grp);
  double *tm = (double *)read_all(f, p, H5T_NATIVE_DOUBLE, d);
  CU_ASSERT_FATAL(tm && d[0] == 3);
  SG_ASSERT_DBL_EXACT(tm[0], t0);
  SG_ASSERT_DBL_EXACT(tm[1], t0 + (double)n_rows * dt);
  SG_ASSERT_DBL_EXACT(tm[2], dt);
  free(tm);
  CU_ASSERT(attr_str_is(f, p, "units", "ms"));
}

static void report_roundtrip(int f32) {
  char dir[256], path[512], err[ERRLEN] = "";
  if (make_tmp(dir, sizeof dir)) { CU_FAIL("mkdtemp"); return; }
  join(path, sizeof path, dir, "mm_V_m.h5");
  sg_h5 *f = NULL;
  int vm = -1, wide = -1;
  sg_h5_meta m = test_meta;
  m.report_float32 = f32;
  ASSERT_OK(sg_h5_report_create(path, &m, &f, err, sizeof err));
  CU_ASSERT_FATAL(f != NULL);
  const uint64_t ids5[5] = {4, 0, 3, 1, 2}; /* not sorted: attribute sorted = 0 */
  ASSERT_OK(sg_h5_report_population(f, "exc", ids5, 5, 0.1, 0.1, "mV", &vm, err, sizeof err));
  /* wider than one chunk column (16 Ki nodes) */
  const size_t nw = 20000;
  uint64_t *idw = (uint64_t *)malloc(nw * sizeof *idw);
  for (size_t i = 0; i < nw; ++i) idw[i] = 3 * i;
  ASSERT_OK(sg_h5_report_population(f, "wide", idw, nw, 0.0, 0.5, "pA", &wide, err, sizeof err));
  static const size_t rows_vm[] = {1, 3, 0, 10000, 26215};
  size_t n_vm = 0, n_w = 0;
  for (size_t b = 0; b < 5; ++b) n_vm += rows_vm[b];
  double *ref_vm = (double *)malloc(n_vm * 5 * sizeof *ref_vm);
  double *ref_w = (double *)malloc(3 * 2 * nw * sizeof *ref_w);
  uint64_t s = 7;
  size_t at = 0;
  for (size_t b = 0; b < 5; ++b) {
    for (size_t k = 0; k < rows_vm[b] * 5; ++k) ref_vm[at * 5 + k] = report_value(&s, k);
    ASSERT_OK(sg_h5_report_append(f, vm, ref_vm + at * 5, rows_vm[b], err, sizeof err));
    at += rows_vm[b];
    if (b < 3) {
      for (size_t k = 0; k < 2 * nw; ++k) ref_w[n_w * nw + k] = report_value(&s, k);
      ASSERT_OK(sg_h5_report_append(f, wide, ref_w + n_w * nw, 2, err, sizeof err));
      n_w += 2;
    }
  }
  ASSERT_OK(sg_h5_close(f, err, sizeof err));

  hid_t h = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  CU_ASSERT_FATAL(h >= 0);
  check_report_pop(h, "/report/exc", ref_vm, n_vm, ids5, 5, 0.1, 0.1, "mV", 0, f32);
  check_report_pop(h, "/report/wide", ref_w, n_w, idw, nw, 0.0, 0.5, "pA", 1, f32);
  check_root_meta(h, &test_meta);
  H5Fclose(h);
  if (f32) sonata_check(path); /* libsonata reads float32 report data only */
  free(ref_vm);
  free(ref_w);
  free(idw);
  assert_no_open_ids();
  remove_tree(dir);
}

static void test_h5out_report_roundtrip(void) { report_roundtrip(0); }
static void test_h5out_report_roundtrip_float32(void) { report_roundtrip(1); }

static void test_h5out_large_json(void) {
  char dir[256], path[512], err[ERRLEN] = "";
  if (make_tmp(dir, sizeof dir)) { CU_FAIL("mkdtemp"); return; }
  join(path, sizeof path, dir, "spikes.h5");
  size_t len = ((size_t)1 << 20) + 123, at = 0; /* a bit over 1 MiB */
  char *js = (char *)malloc(len + 64);
  at += (size_t)sprintf(js, "{\"connections\": [");
  for (unsigned i = 0; at < len - 40; ++i)
    at += (size_t)sprintf(js + at, "{\"w\": %u, \"u\": \"\xc2\xb5S\"}, ", i); /* UTF-8 "µS" */
  at += (size_t)sprintf(js + at, "{}]}");
  sg_h5_meta m = test_meta;
  m.network_json = js;
  sg_h5 *f = NULL;
  ASSERT_OK(sg_h5_spikes_create(path, &m, &f, err, sizeof err));
  ASSERT_OK(sg_h5_close(f, err, sizeof err));
  hid_t h = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  CU_ASSERT_FATAL(h >= 0);
  char *back = sg_test_network_json(h);
  CU_ASSERT(back && strlen(back) == at && strcmp(back, js) == 0);
  check_root_meta(h, &m);
  free(back);
  H5Fclose(h);
  /* no metadata at all is fine too */
  ASSERT_OK(sg_h5_report_create(path, NULL, &f, err, sizeof err));
  ASSERT_OK(sg_h5_close(f, err, sizeof err));
  h = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  CU_ASSERT(h >= 0 && H5Aexists(h, "seed") == 0 && H5Lexists(h, "/metadata", H5P_DEFAULT) == 0);
  H5Fclose(h);
  free(js);
  assert_no_open_ids();
  remove_tree(dir);
}

/* ---- errors --------------------------------------------------------------------------- */

static void test_h5out_bad_args(void) {
  char dir[256], path[512], err[ERRLEN] = "";
  if (make_tmp(dir, sizeof dir)) { CU_FAIL("mkdtemp"); return; }
  join(path, sizeof path, dir, "spikes.h5");
  sg_h5 *f = (sg_h5 *)1, *r = NULL;
  int p = -1, q = -1;
  CU_ASSERT_EQUAL(sg_h5_spikes_create(NULL, NULL, &f, err, sizeof err), SG_ERR_ARG);
  CU_ASSERT(f == NULL && strstr(err, "path"));
  CU_ASSERT_EQUAL(sg_h5_spikes_create("", NULL, &f, NULL, 0), SG_ERR_ARG);
  ASSERT_OK(sg_h5_spikes_create(path, NULL, &f, err, sizeof err));
  CU_ASSERT_EQUAL(sg_h5_spikes_population(f, "", 0, &p, err, sizeof err), SG_ERR_ARG);
  CU_ASSERT_EQUAL(sg_h5_spikes_population(f, "a/b", 0, &p, err, sizeof err), SG_ERR_ARG);
  CU_ASSERT(strstr(err, "a/b") != NULL);
  ASSERT_OK(sg_h5_spikes_population(f, "a", 0, &p, err, sizeof err));
  CU_ASSERT_EQUAL(sg_h5_spikes_population(f, "a", 0, &q, err, sizeof err), SG_ERR_ARG);
  CU_ASSERT(strstr(err, "already exists") != NULL);
  CU_ASSERT_EQUAL(sg_h5_report_population(f, "r", (const uint64_t[]){0}, 1, 0, 1, "mV", &q, err,
                                          sizeof err), SG_ERR_ARG); /* wrong file kind */
  double t[3] = {1.0, 2.0, 1.5};
  uint64_t id[3] = {0, 1, 2};
  CU_ASSERT_EQUAL(sg_h5_spikes_append(f, 7, t, id, 1, err, sizeof err), SG_ERR_ARG);
  CU_ASSERT_EQUAL(sg_h5_spikes_append(f, p, NULL, id, 1, err, sizeof err), SG_ERR_ARG);
  CU_ASSERT_EQUAL(sg_h5_spikes_append(f, p, t, id, 3, err, sizeof err), SG_ERR_ARG);
  CU_ASSERT(strstr(err, "times_ms[2]") != NULL);
  ASSERT_OK(sg_h5_spikes_append(f, p, t, id, 2, err, sizeof err));
  CU_ASSERT_EQUAL(sg_h5_spikes_append(f, p, t, id, 1, err, sizeof err), SG_ERR_ARG); /* 1.0 < 2.0 */
  double nan = NAN;
  CU_ASSERT_EQUAL(sg_h5_spikes_append(f, p, &nan, id, 1, err, sizeof err), SG_ERR_ARG);
  ASSERT_OK(sg_h5_spikes_append(f, p, t + 1, id, 1, err, sizeof err)); /* equal time: fine */
  ASSERT_OK(sg_h5_spikes_append(f, p, t, id, 0, err, sizeof err));     /* empty: no-op */
  ASSERT_OK(sg_h5_close(f, err, sizeof err));
  hid_t h = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT); /* rejected calls wrote nothing */
  hsize_t d[2];
  double *back = (double *)read_all(h, "/spikes/a/timestamps", H5T_NATIVE_DOUBLE, d);
  CU_ASSERT(back && d[0] == 3 && back[0] == 1.0 && back[1] == 2.0 && back[2] == 2.0);
  free(back);
  H5Fclose(h);

  ASSERT_OK(sg_h5_report_create(path, NULL, &r, err, sizeof err));
  const uint64_t ids[2] = {0, 1};
  CU_ASSERT_EQUAL(sg_h5_report_population(r, "v", ids, 0, 0, 0.1, "mV", &q, err, sizeof err),
                  SG_ERR_ARG);
  CU_ASSERT_EQUAL(sg_h5_report_population(r, "v", ids, 2, 0, 0.0, "mV", &q, err, sizeof err),
                  SG_ERR_ARG);
  CU_ASSERT_EQUAL(sg_h5_report_population(r, "v", NULL, 2, 0, 0.1, "mV", &q, err, sizeof err),
                  SG_ERR_ARG);
  CU_ASSERT_EQUAL(sg_h5_report_population(r, "v", ids, 2, NAN, 0.1, "mV", &q, err, sizeof err),
                  SG_ERR_ARG);
  CU_ASSERT_EQUAL(sg_h5_spikes_population(r, "s", 0, &q, err, sizeof err), SG_ERR_ARG);
  ASSERT_OK(sg_h5_report_population(r, "v", ids, 2, 0, 0.1, NULL, &q, err, sizeof err));
  CU_ASSERT_EQUAL(sg_h5_report_append(r, q, NULL, 1, err, sizeof err), SG_ERR_ARG);
  const double row[2] = {1.0, 2.0};
  CU_ASSERT_EQUAL(sg_h5_report_append(r, q + 1, row, 1, err, sizeof err), SG_ERR_ARG);
  CU_ASSERT_EQUAL(sg_h5_spikes_append(r, q, t, id, 1, err, sizeof err), SG_ERR_ARG);
  ASSERT_OK(sg_h5_close(r, err, sizeof err));
  ASSERT_OK(sg_h5_close(NULL, err, sizeof err));
  CU_ASSERT_EQUAL(sg_h5_flush(NULL, err, sizeof err), SG_ERR_ARG);
  assert_no_open_ids();
  remove_tree(dir);
}

static void test_h5out_unwritable_path(void) {
  char dir[256], path[512], file[512], err[ERRLEN] = "";
  if (make_tmp(dir, sizeof dir)) { CU_FAIL("mkdtemp"); return; }
  sg_h5 *f = NULL;
  /* a path under a regular file: fails for root too */
  join(file, sizeof file, dir, "afile");
  FILE *fp = fopen(file, "w");
  CU_ASSERT_FATAL(fp != NULL);
  fclose(fp);
  join(path, sizeof path, file, "x.h5");
  CU_ASSERT_EQUAL(sg_h5_spikes_create(path, NULL, &f, err, sizeof err), SG_ERR_IO);
  CU_ASSERT(f == NULL && strstr(err, path) && strstr(err, "H5Fcreate"));
  printf("\n    under a file: %s", err);
  /* a parent that does not exist */
  join(path, sizeof path, dir, "no/such/dir/x.h5");
  CU_ASSERT_EQUAL(sg_h5_report_create(path, NULL, &f, err, sizeof err), SG_ERR_IO);
  CU_ASSERT(f == NULL && strstr(err, path) && strstr(err, "No such file"));
  printf("\n    no parent:    %s", err);
  /* a read-only directory (root ignores the mode, so only as a normal user) */
  char ro[512];
  join(ro, sizeof ro, dir, "ro");
  CU_ASSERT_FATAL(mkdir(ro, 0555) == 0);
  join(path, sizeof path, ro, "x.h5");
  if (geteuid() != 0) {
    CU_ASSERT_EQUAL(sg_h5_spikes_create(path, NULL, &f, err, sizeof err), SG_ERR_IO);
    CU_ASSERT(f == NULL && strstr(err, "Permission denied"));
    printf("\n    read-only:    %s", err);
  } else {
    printf("\n    read-only directory case skipped: running as root (mode 0555 does not stop root)");
  }
  /* an injected failure of the very first write: no handle, no half-made file */
  join(path, sizeof path, dir, "inj.h5");
  sg_h5_fail_after(1);
  CU_ASSERT_EQUAL(sg_h5_spikes_create(path, NULL, &f, err, sizeof err), SG_ERR_HDF5);
  CU_ASSERT(f == NULL && strstr(err, "injected") && strstr(err, path));
  CU_ASSERT(!file_exists(path));
  sg_h5_fail_after(1 + 2); /* H5Fcreate, H5Gcreate2 pass; the first attribute fails */
  CU_ASSERT_EQUAL(sg_h5_spikes_create(path, &test_meta, &f, err, sizeof err), SG_ERR_HDF5);
  CU_ASSERT(f == NULL && !file_exists(path));
  sg_h5_fail_after(0);
  printf("\n    ");
  assert_no_open_ids();
  remove_tree(dir);
}

/* Spike block b of the injection and kill tests: spike i = b * n + j has time i / 8 and id
 * i * 2654435761 mod 100003 (tests/h5_kill_check.py computes the same). */
static void kill_spike(uint64_t i, double *t, uint64_t *id) {
  *t = (double)i * 0.125;
  *id = (i * 2654435761ull) % 100003ull;
}
static double kill_value(uint64_t row, uint64_t k) { return (double)row * 1000.0 + (double)k + 0.25; }

static void fill_spikes(uint64_t first, size_t n, double *t, uint64_t *id) {
  for (size_t j = 0; j < n; ++j) kill_spike(first + j, &t[j], &id[j]);
}
static void fill_rows(uint64_t first_row, size_t n_rows, size_t n_nodes, double *v) {
  for (size_t r = 0; r < n_rows; ++r)
    for (size_t k = 0; k < n_nodes; ++k) v[r * n_nodes + k] = kill_value(first_row + r, k);
}

/* Number of spikes of /spikes/<pop> if the file holds exactly spikes 0..n-1 of kill_spike(),
 * timestamps and node_ids alike; else -1 (a mismatch is printed). */
static long spikes_prefix(hid_t h, const char *pop) {
  char p1[128], p2[128];
  snprintf(p1, sizeof p1, "/spikes/%s/timestamps", pop);
  snprintf(p2, sizeof p2, "/spikes/%s/node_ids", pop);
  hsize_t d1[2], d2[2];
  double *t = (double *)read_all(h, p1, H5T_NATIVE_DOUBLE, d1);
  uint64_t *id = (uint64_t *)read_all(h, p2, H5T_NATIVE_UINT64, d2);
  long n = (t && id && d1[0] == d2[0]) ? (long)d1[0] : -1;
  for (long i = 0; i < n; ++i) {
    double wt;
    uint64_t wid;
    kill_spike((uint64_t)i, &wt, &wid);
    if (memcmp(&t[i], &wt, sizeof wt) != 0 || id[i] != wid) {
      fprintf(stderr, "\n  %s: spike %ld differs\n", pop, i);
      n = -1;
    }
  }
  if (n < 0 && t && id) fprintf(stderr, "\n  %s: %llu timestamps, %llu node_ids\n", pop,
                                (unsigned long long)d1[0], (unsigned long long)d2[0]);
  free(t);
  free(id);
  return n;
}

/* Rows of /report/<pop> that mapping/time's stop makes visible if they all equal
 * kill_value() and the data holds at least that many rows; else -1. *extra = data rows
 * beyond stop (an interrupted append can leave some: readers ignore them). */
static long report_prefix(hid_t h, const char *pop, size_t n_nodes, double t0, double dt,
                          long *extra) {
  char p[128];
  hsize_t d[2] = {0, 0}, dt_[2], got = 0;
  snprintf(p, sizeof p, "/report/%s/mapping/time", pop);
  double *tm = (double *)read_all(h, p, H5T_NATIVE_DOUBLE, dt_);
  double *v = NULL;
  long n = -1;
  *extra = 0;
  if (tm && dt_[0] == 3 && tm[0] == t0 && tm[2] == dt) {
    n = lround((tm[1] - t0) / dt);
    snprintf(p, sizeof p, "/report/%s/data", pop);
    v = (double *)read_rows(h, p, H5T_NATIVE_DOUBLE, (hsize_t)(n > 0 ? n : 0), d, &got);
    if (tm[1] != t0 + (double)n * dt || !v || d[1] != n_nodes || got != (hsize_t)n) {
      fprintf(stderr, "\n  %s: stop %.17g (%ld rows) but %llu data rows (%llu read)\n", pop,
              tm[1], n, (unsigned long long)d[0], (unsigned long long)got);
      n = -1;
    }
  }
  for (long r = 0; r < n; ++r)
    for (size_t k = 0; k < n_nodes; ++k) {
      double w = kill_value((uint64_t)r, k);
      if (memcmp(&v[(size_t)r * n_nodes + k], &w, sizeof w) != 0) {
        fprintf(stderr, "\n  %s: value [%ld][%zu] differs\n", pop, r, k);
        n = -1;
        r = LONG_MAX - 1;
        break;
      }
    }
  if (n >= 0) *extra = (long)d[0] - n;
  free(v);
  free(tm);
  return n;
}

/* Writes into a spike file and a report file, with an injected failure at write number
 * `inject` (0 = none). Returns how many writes failed; checks after each run that the files
 * hold exactly the blocks whose appends succeeded, that a failed append can be retried at once
 * (counted in *retried; only a failed switch to SWMR mode is sticky and refuses the rest), and
 * (under valgrind) that no path leaks. */
static int inject_run(const char *dir, int inject, int *retried) {
  enum { B = 5000, NN = 3, R = 20 };
  char sp[512], rp[512], err[ERRLEN] = "";
  join(sp, sizeof sp, dir, "inj_spikes.h5");
  join(rp, sizeof rp, dir, "inj_report.h5");
  remove(sp);
  remove(rp);
  static double t[B], v[R * NN];
  static uint64_t id[B];
  const uint64_t nids[NN] = {10, 11, 12};
  long ok_sp[2] = {0, 0}, ok_rows[2] = {0, 0};
  int failures = 0, a = -1, b = -1, ra = -1, rb = -1, t_stop_ok = 0;
  sg_h5 *f = NULL, *r = NULL;
  sg_h5_fail_after(inject);

  sg_status st = sg_h5_spikes_create(sp, &test_meta, &f, err, sizeof err);
  if (st != SG_OK) {
    ++failures;
    CU_ASSERT(st == SG_ERR_HDF5 && strstr(err, "injected") && strstr(err, sp));
    CU_ASSERT(!f && !file_exists(sp));
  } else {
    int sticky = 0;
    if (sg_h5_spikes_population(f, "a", 1, &a, err, sizeof err) != SG_OK) ++failures, a = -1;
    for (int blk = 0; blk < 4; ++blk) {
      if (blk == 2 && sg_h5_spikes_population(f, "b", 9, &b, err, sizeof err) != SG_OK) {
        if (sticky) {
          CU_ASSERT(strstr(err, "earlier failure") != NULL);
        } else {
          ++failures;
        }
        b = -1;
      }
      for (int w = 0; w < 2; ++w) {
        int pop = w ? b : a;
        if (pop < 0) continue;
        fill_spikes((uint64_t)ok_sp[w], B, t, id);
        st = sg_h5_spikes_append(f, pop, t, id, B, err, sizeof err);
        if (st != SG_OK && !sticky) {
          ++failures;
          CU_ASSERT(st == SG_ERR_HDF5 && strstr(err, "injected") && strstr(err, sp));
          st = sg_h5_spikes_append(f, pop, t, id, B, err, sizeof err); /* the same block again */
          if (st == SG_OK) ++*retried;
          else sticky = 1;
        }
        if (st == SG_OK) {
          CU_ASSERT(!sticky);
          ok_sp[w] += B;
        } else {
          CU_ASSERT(strstr(err, "earlier failure") != NULL);
          sticky = 1;
        }
      }
      if (!sticky) {   /* the file is complete up to "time" blk + 1 */
        st = sg_h5_set_t_stop(f, (double)(blk + 1), err, sizeof err);
        if (st != SG_OK) {
          ++failures;
          CU_ASSERT(st == SG_ERR_HDF5 && strstr(err, "injected") && strstr(err, sp));
          st = sg_h5_set_t_stop(f, (double)(blk + 1), err, sizeof err);
          if (st == SG_OK) ++*retried;
          else sticky = 1;
        }
        if (st == SG_OK) t_stop_ok = blk + 1;
      }
    }
    st = sg_h5_close(f, err, sizeof err);
    if (st != SG_OK) ++failures;
    hid_t h = H5Fopen(sp, H5F_ACC_RDONLY, H5P_DEFAULT);
    CU_ASSERT_FATAL(h >= 0);
    /* t_stop: the last value set, or the one whose failed flush a later flush wrote out */
    double ts = -1.0;
    CU_ASSERT(read_scalar(h, "/t_stop", &ts) == 0);
    CU_ASSERT(ts == (double)t_stop_ok || (sticky && ts == (double)t_stop_ok + 1.0));
    if (a >= 0) CU_ASSERT_EQUAL(spikes_prefix(h, "a"), ok_sp[0]);
    if (b >= 0) CU_ASSERT_EQUAL(spikes_prefix(h, "b"), ok_sp[1]);
    if (b < 0) CU_ASSERT(H5Lexists(h, "/spikes/b", H5P_DEFAULT) == 0); /* no half population */
    H5Fclose(h);
  }

  st = sg_h5_report_create(rp, NULL, &r, err, sizeof err);
  if (st != SG_OK) {
    ++failures;
    CU_ASSERT(!r && !file_exists(rp));
  } else {
    int sticky = 0;
    if (sg_h5_report_population(r, "a", nids, NN, 0.1, 0.1, "mV", &ra, err, sizeof err) != SG_OK)
      ++failures, ra = -1;
    for (int blk = 0; blk < 4; ++blk) {
      if (blk == 2 &&
          sg_h5_report_population(r, "b", nids, NN, 0.1, 0.1, "mV", &rb, err, sizeof err) != SG_OK) {
        if (sticky) {
          CU_ASSERT(strstr(err, "earlier failure") != NULL);
        } else {
          ++failures;
        }
        rb = -1;
      }
      for (int w = 0; w < 2; ++w) {
        int pop = w ? rb : ra;
        if (pop < 0) continue;
        fill_rows((uint64_t)ok_rows[w], R, NN, v);
        st = sg_h5_report_append(r, pop, v, R, err, sizeof err);
        if (st != SG_OK && !sticky) {
          ++failures;
          CU_ASSERT(st == SG_ERR_HDF5 && strstr(err, "injected") && strstr(err, rp));
          st = sg_h5_report_append(r, pop, v, R, err, sizeof err); /* the same rows again */
          if (st == SG_OK) ++*retried;
          else sticky = 1;
        }
        if (st == SG_OK) {
          CU_ASSERT(!sticky);
          ok_rows[w] += R;
        } else {
          CU_ASSERT(strstr(err, "earlier failure") != NULL);
          sticky = 1;
        }
      }
    }
    if (sg_h5_close(r, err, sizeof err) != SG_OK) ++failures;
    hid_t h = H5Fopen(rp, H5F_ACC_RDONLY, H5P_DEFAULT);
    CU_ASSERT_FATAL(h >= 0);
    long extra = 0;
    if (ra >= 0) CU_ASSERT_EQUAL(report_prefix(h, "a", NN, 0.1, 0.1, &extra), ok_rows[0]);
    CU_ASSERT_EQUAL(extra, 0);
    if (rb >= 0) CU_ASSERT_EQUAL(report_prefix(h, "b", NN, 0.1, 0.1, &extra), ok_rows[1]);
    CU_ASSERT_EQUAL(extra, 0);
    H5Fclose(h);
  }
  sg_h5_fail_after(0);
  return failures;
}

static void test_h5out_injected_failures(void) {
  char dir[256];
  if (make_tmp(dir, sizeof dir)) { CU_FAIL("mkdtemp"); return; }
  H5E_auto2_t fn;
  void *data;
  H5Eget_auto2(H5E_DEFAULT, &fn, &data);
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  int retried = 0, in_append = 0;
  CU_ASSERT_EQUAL(inject_run(dir, 0, &retried), 0);
  int n = 1, points = 0;
  /* every write of the scenario fails once: exactly one failure per run, until n runs past the
   * last write. A failed append is retried at once and must then succeed, the file holding every
   * block exactly once (a full disk that is freed again); only the SWMR switch stays refused. */
  for (; n < 1000; ++n) {
    const int before = retried;
    int fails = inject_run(dir, n, &retried);
    if (fails == 0) break;
    CU_ASSERT_EQUAL(fails, 1); /* the one injected failure; nothing else fails */
    points += fails;
    in_append += retried > before;
  }
  printf("\n    %d injection points, each leaving the files readable up to the last good block; "
         "%d failed appends succeeded when retried ", n - 1, in_append);
  CU_ASSERT(n > 100 && n < 1000);
  CU_ASSERT(in_append > 50); /* most injection points are inside appends */
  H5Eset_auto2(H5E_DEFAULT, fn, data);
  assert_no_open_ids();
  remove_tree(dir);
  (void)points;
}

/* A file of `kib` KiB (space to free later). */
static void make_filler(const char *path, int kib) {
  static char buf[1024];
  FILE *fp = fopen(path, "wb");
  CU_ASSERT_FATAL(fp != NULL);
  for (int i = 0; i < kib; ++i) CU_ASSERT_EQUAL(fwrite(buf, 1, sizeof buf, fp), sizeof buf);
  CU_ASSERT_EQUAL(fclose(fp), 0);
}

/* A genuinely full filesystem: a 1 MiB tmpfs (needs root and mount; else skipped). Not 256 KiB:
 * the first 128 KiB chunks of timestamps and node_ids alone fill that, so no block would fit.
 * Once the disk is full, space is freed (a filler file removed) and the failed block is
 * appended again: it must succeed and the file hold every block exactly once. */
static void test_h5out_full_filesystem(void) {
  char dir[256], mnt[512], sp[512], rp[512], err[ERRLEN] = "";
  if (make_tmp(dir, sizeof dir)) { CU_FAIL("mkdtemp"); return; }
  join(mnt, sizeof mnt, dir, "tiny");
  CU_ASSERT_FATAL(mkdir(mnt, 0700) == 0);
  if (mount("tmpfs", mnt, "tmpfs", 0, "size=1m") != 0) {
    printf("\n    skipped tiny-fs test: mount -t tmpfs -o size=1m: %s (the injection test "
           "covers write failures) ", strerror(errno));
    assert_no_open_ids();
    remove_tree(dir);
    return;
  }
  join(sp, sizeof sp, mnt, "spikes.h5");
  join(rp, sizeof rp, mnt, "report.h5");
  char filler[512];
  join(filler, sizeof filler, mnt, "filler");
  make_filler(filler, 320); /* more than the next chunks of timestamps and node_ids (2 x 128 KiB) */
  enum { B = 1000, NN = 50, R = 20 };
  static double t[B], v[R * NN];
  static uint64_t id[B];
  uint64_t nids[NN];
  for (int k = 0; k < NN; ++k) nids[k] = (uint64_t)k;
  sg_h5 *f = NULL, *r = NULL;
  int p = -1, q = -1;
  long good = 0, rows = 0;
  sg_status st = SG_OK;
  ASSERT_OK(sg_h5_spikes_create(sp, &test_meta, &f, err, sizeof err));
  ASSERT_OK(sg_h5_spikes_population(f, "a", 1, &p, err, sizeof err));
  for (int i = 0; i < 10000 && st == SG_OK; ++i) {
    fill_spikes((uint64_t)good, B, t, id);
    st = sg_h5_spikes_append(f, p, t, id, B, err, sizeof err);
    if (st == SG_OK) good += B;
  }
  printf("\n    spikes: %ld written, then: %s", good, err);
  CU_ASSERT(st == SG_ERR_IO || st == SG_ERR_HDF5);
  CU_ASSERT(strstr(err, sp) != NULL);
  CU_ASSERT(good > 0);
  /* space freed: the same block again, then one more */
  CU_ASSERT_EQUAL(unlink(filler), 0);
  for (int i = 0; i < 2; ++i) {
    if (i) fill_spikes((uint64_t)good, B, t, id);
    st = sg_h5_spikes_append(f, p, t, id, B, err, sizeof err);
    if (st) printf("\n    retry after freeing space: %s", err);
    CU_ASSERT_EQUAL(st, SG_OK);
    if (st == SG_OK) good += B;
  }
  printf("\n    space freed: %ld spikes in the file", good);
  sg_status cst = sg_h5_close(f, err, sizeof err);
  if (cst != SG_OK) printf("\n    close: %s", err);
  if (cst != SG_OK) { /* the superblock may still say "open": the documented recovery */
    char cmd[700];
    snprintf(cmd, sizeof cmd, "h5clear -s '%s'", sp);
    CU_ASSERT_EQUAL(run_cmd(cmd), 0);
  }
  hid_t h = H5Fopen(sp, H5F_ACC_RDONLY, H5P_DEFAULT);
  CU_ASSERT(h >= 0);
  if (h >= 0) {
    CU_ASSERT_EQUAL(spikes_prefix(h, "a"), good);
    H5Fclose(h);
  }
  /* a report file next to it, on the now nearly full filesystem */
  remove(sp);
  make_filler(filler, 192);
  st = sg_h5_report_create(rp, NULL, &r, err, sizeof err);
  if (st == SG_OK) st = sg_h5_report_population(r, "a", nids, NN, 0.0, 0.1, "mV", &q, err, sizeof err);
  CU_ASSERT_EQUAL(st, SG_OK);
  for (int i = 0; i < 10000 && st == SG_OK; ++i) {
    fill_rows((uint64_t)rows, R, NN, v);
    st = sg_h5_report_append(r, q, v, R, err, sizeof err);
    if (st == SG_OK) rows += R;
  }
  printf("\n    report: %ld rows written, then: %s", rows, err);
  CU_ASSERT(st == SG_ERR_IO || st == SG_ERR_HDF5);
  CU_ASSERT(strstr(err, rp) != NULL);
  CU_ASSERT(rows > 0);
  CU_ASSERT_EQUAL(unlink(filler), 0);
  for (int i = 0; i < 2; ++i) {
    if (i) fill_rows((uint64_t)rows, R, NN, v);
    st = sg_h5_report_append(r, q, v, R, err, sizeof err);
    if (st) printf("\n    retry after freeing space: %s", err);
    CU_ASSERT_EQUAL(st, SG_OK);
    if (st == SG_OK) rows += R;
  }
  printf("\n    space freed: %ld rows in the file", rows);
  cst = sg_h5_close(r, err, sizeof err);
  if (cst != SG_OK) {
    printf("\n    close: %s", err);
    char cmd[700];
    snprintf(cmd, sizeof cmd, "h5clear -s '%s'", rp);
    CU_ASSERT_EQUAL(run_cmd(cmd), 0);
  }
  h = H5Fopen(rp, H5F_ACC_RDONLY, H5P_DEFAULT);
  CU_ASSERT(h >= 0);
  if (h >= 0) {
    long extra = -1;
    CU_ASSERT_EQUAL(report_prefix(h, "a", NN, 0.0, 0.1, &extra), rows);
    CU_ASSERT_EQUAL(extra, 0);
    H5Fclose(h);
  }
  printf("\n    ");
  if (umount(mnt) != 0) {
    fprintf(stderr, "\n  umount %s: %s\n", mnt, strerror(errno));
    CU_FAIL("umount");
  }
  assert_no_open_ids();
  remove_tree(dir);
}

/* ---- kill tests ----------------------------------------------------------------------- */

enum { KB = 1000, KROWS = 10, KNODES = 4 }; /* spikes and report rows per block */
#define KT0 0.1
#define KDT 0.1

/* Child: writes blocks until killed. Reports "ready" and then each committed block count
 * through fd; with stop_after > 0 it kills itself after that many blocks. */
static void kill_child(const char *sp, const char *rp, int fd, int stop_after) {
  char err[ERRLEN];
  static double t[KB], v[KROWS * KNODES];
  static uint64_t id[KB];
  const uint64_t nids[KNODES] = {0, 1, 2, 3};
  sg_h5 *f = NULL, *r = NULL;
  int p, q;
  if (sg_h5_spikes_create(sp, &test_meta, &f, err, sizeof err) ||
      sg_h5_spikes_population(f, "kill", 1, &p, err, sizeof err) ||
      sg_h5_report_create(rp, &test_meta, &r, err, sizeof err) ||
      sg_h5_report_population(r, "kill", nids, KNODES, KT0, KDT, "mV", &q, err, sizeof err) ||
      /* published under their names before "ready", as record.c does: else a kill before the
       * first append left the previous trial's files there, read as this trial's */
      sg_h5_flush(f, err, sizeof err) || sg_h5_flush(r, err, sizeof err)) {
    fprintf(stderr, "kill child: %s\n", err);
    _exit(3);
  }
  uint32_t blocks = 0;
  if (write(fd, &blocks, sizeof blocks) != (ssize_t)sizeof blocks) _exit(4);
  for (;;) {
    fill_spikes((uint64_t)blocks * KB, KB, t, id);
    fill_rows((uint64_t)blocks * KROWS, KROWS, KNODES, v);
    if (stop_after > 0 && blocks == (uint32_t)stop_after) raise(SIGKILL); /* block 6 pending */
    if (sg_h5_spikes_append(f, p, t, id, KB, err, sizeof err) ||
        sg_h5_report_append(r, q, v, KROWS, err, sizeof err)) {
      fprintf(stderr, "kill child: %s\n", err);
      _exit(5);
    }
    ++blocks;
    if (write(fd, &blocks, sizeof blocks) != (ssize_t)sizeof blocks) _exit(4);
  }
}

/* Forks the child, kills it (after `stop_after` blocks, or after `delay_us` when
 * stop_after = 0), and returns the number of blocks it had committed, or -1. */
static long run_killed_child(const char *sp, const char *rp, int stop_after, long delay_us) {
  int fds[2];
  if (pipe(fds) != 0) return -1;
  fflush(stdout);
  fflush(stderr);
  pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    close(fds[0]);
    kill_child(sp, rp, fds[1], stop_after);
  }
  close(fds[1]);
  uint32_t msg, last = 0;
  int ready = read(fds[0], &msg, sizeof msg) == (ssize_t)sizeof msg;
  if (ready && stop_after == 0) {
    struct timespec ts = {delay_us / 1000000, (delay_us % 1000000) * 1000};
    nanosleep(&ts, NULL);
    kill(pid, SIGKILL);
  }
  while (read(fds[0], &msg, sizeof msg) == (ssize_t)sizeof msg) last = msg; /* until EOF */
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (!ready || !WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL) {
    fprintf(stderr, "\n  kill child: ready %d, status %#x\n", ready, status);
    return -1;
  }
  return (long)last;
}

static int have_h5py(void) {
  char cmd[512];
  snprintf(cmd, sizeof cmd, "'%s' -c 'import h5py, numpy' 2>/dev/null", sg_test_python());
  return run_cmd(cmd) == 0;
}

static void h5py_check(const char *mode, const char *sp, const char *rp, long blocks) {
  char script[600], cmd[2400];
  if (!have_h5py()) {
    printf("\n    skipped h5py check (%s): %s with h5py and numpy not available", mode, sg_test_python());
    return;
  }
  CU_ASSERT_FATAL(script_path(script, sizeof script, "h5_kill_check.py") == 0);
  snprintf(cmd, sizeof cmd, "'%s' '%s' %s '%s' '%s' %ld %ld %d %.17g %.17g", sg_test_python(), script, mode, sp, rp,
           blocks * KB, blocks * KROWS, KNODES, KT0, KDT);
  printf("\n    ");
  int r = run_cmd(cmd);
  if (r == 77) return;
  CU_ASSERT_EQUAL(r, 0);
}

static void test_h5out_kill(void) {
  char dir[256], sp[512], rp[512], cmd[1200];
  if (make_tmp(dir, sizeof dir)) { CU_FAIL("mkdtemp"); return; }
  join(sp, sizeof sp, dir, "spikes.h5");
  join(rp, sizeof rp, dir, "report.h5");
  long blocks = run_killed_child(sp, rp, 5, 0);
  CU_ASSERT_EQUAL_FATAL(blocks, 5);
  H5E_auto2_t fn;
  void *data;
  H5Eget_auto2(H5E_DEFAULT, &fn, &data);
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  /* 1. A plain open fails: the superblock still says "open for SWMR writing". */
  hid_t h = H5Fopen(sp, H5F_ACC_RDONLY, H5P_DEFAULT);
  CU_ASSERT(h < 0);
  if (h >= 0) H5Fclose(h);
  /* 2. An SWMR reader opens it as it is. */
  h = H5Fopen(sp, H5F_ACC_RDONLY | H5F_ACC_SWMR_READ, H5P_DEFAULT);
  CU_ASSERT(h >= 0);
  if (h >= 0) {
    CU_ASSERT_EQUAL(spikes_prefix(h, "kill"), 5 * KB);
    H5Fclose(h);
  }
  h5py_check("--swmr", sp, rp, blocks);
  /* 3. The documented recovery: h5clear -s, then every reader opens it. */
  snprintf(cmd, sizeof cmd, "h5clear -s '%s' && h5clear -s '%s'", sp, rp);
  int rc = run_cmd(cmd);
  if (rc != 0) fprintf(stderr, "\n  '%s' -> %d (h5clear is in Debian's hdf5-tools)\n", cmd, rc);
  CU_ASSERT_EQUAL_FATAL(rc, 0);
  h = H5Fopen(sp, H5F_ACC_RDONLY, H5P_DEFAULT);
  CU_ASSERT_FATAL(h >= 0);
  CU_ASSERT_EQUAL(spikes_prefix(h, "kill"), 5 * KB); /* exactly the 5 flushed blocks */
  check_sorting(h, "/spikes/kill");
  check_root_meta(h, &test_meta);
  H5Fclose(h);
  h = H5Fopen(rp, H5F_ACC_RDONLY, H5P_DEFAULT);
  CU_ASSERT_FATAL(h >= 0);
  long extra = -1;
  CU_ASSERT_EQUAL(report_prefix(h, "kill", KNODES, KT0, KDT, &extra), 5 * KROWS);
  CU_ASSERT_EQUAL(extra, 0);
  H5Fclose(h);
  H5Eset_auto2(H5E_DEFAULT, fn, data);
  h5py_check("", sp, rp, blocks);
  printf("\n    ");
  assert_no_open_ids();
  remove_tree(dir);
}

/* Kills at random moments, also inside an append or its flush. Every committed block must
 * be there, exact; the block in flight may be partly there (one dataset a block longer than
 * the other, or report rows past mapping/time's stop), never more than one block. */
static void test_h5out_kill_random(void) {
  char dir[256], sp[512], rp[512], cmd[1200];
  if (make_tmp(dir, sizeof dir)) { CU_FAIL("mkdtemp"); return; }
  join(sp, sizeof sp, dir, "spikes.h5");
  join(rp, sizeof rp, dir, "report.h5");
  H5E_auto2_t fn;
  void *data;
  H5Eget_auto2(H5E_DEFAULT, &fn, &data);
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  int trials = sg_test_quick() ? 3 : 12, torn_spikes = 0, torn_report = 0;
  long committed = 0;
  uint64_t s = (uint64_t)time(NULL);
  for (int i = 0; i < trials; ++i) {
    long delay = 2000 + (long)(splitmix(&s) % 60000);
    long blocks = run_killed_child(sp, rp, 0, delay);
    CU_ASSERT_FATAL(blocks >= 0);
    snprintf(cmd, sizeof cmd, "h5clear -s '%s' && h5clear -s '%s'", sp, rp);
    CU_ASSERT_EQUAL_FATAL(run_cmd(cmd), 0);
    hid_t h = H5Fopen(sp, H5F_ACC_RDONLY, H5P_DEFAULT);
    CU_ASSERT_FATAL(h >= 0);
    hsize_t d1[2], d2[2], g1, g2, need = (hsize_t)blocks * KB;
    double *t = (double *)read_rows(h, "/spikes/kill/timestamps", H5T_NATIVE_DOUBLE, need, d1, &g1);
    uint64_t *id = (uint64_t *)read_rows(h, "/spikes/kill/node_ids", H5T_NATIVE_UINT64, need, d2,
                                         &g2);
    CU_ASSERT_FATAL(t && id);
    hsize_t n = d1[0] < d2[0] ? d1[0] : d2[0];
    /* `blocks` is what the child had reported; the kill may fall after a block was committed
     * and before its report reached the pipe, with the next block in flight: up to two more */
    if (!(n >= need && d1[0] <= need + 2 * KB && d2[0] <= need + 2 * KB))
      fprintf(stderr, "\n  kill %d: %ld blocks reported, %llu / %llu spike rows", i, blocks,
              (unsigned long long)d1[0], (unsigned long long)d2[0]);
    CU_ASSERT(n >= need && d1[0] <= need + 2 * KB && d2[0] <= need + 2 * KB);
    CU_ASSERT(g1 == need && g2 == need);
    int same = 1;
    for (hsize_t j = 0; j < need && j < g1 && j < g2; ++j) {
      double wt;
      uint64_t wid;
      kill_spike(j, &wt, &wid);
      same &= memcmp(&t[j], &wt, sizeof wt) == 0 && id[j] == wid;
    }
    CU_ASSERT(same);
    torn_spikes += d1[0] != d2[0];
    free(t);
    free(id);
    H5Fclose(h);
    h = H5Fopen(rp, H5F_ACC_RDONLY, H5P_DEFAULT);
    CU_ASSERT_FATAL(h >= 0);
    long extra = -1, rows = report_prefix(h, "kill", KNODES, KT0, KDT, &extra);
    /* the report is appended after the spikes: it holds `blocks`, or one or two blocks more
     * (a committed block whose report had not reached the pipe, and the block in flight) */
    if (!(rows >= blocks * KROWS && rows <= (blocks + 2) * KROWS && rows % KROWS == 0))
      fprintf(stderr, "\n  kill %d: %ld blocks reported, %ld report rows", i, blocks, rows);
    CU_ASSERT(rows >= blocks * KROWS && rows <= (blocks + 2) * KROWS && rows % KROWS == 0);
    CU_ASSERT(extra >= 0 && extra <= KROWS);
    torn_report += extra > 0;
    committed += blocks;
    H5Fclose(h);
  }
  printf("\n    %d random kills after %ld committed blocks in all: every committed block "
         "intact; in-flight block torn in %d spike / %d report files ", trials, committed,
         torn_spikes, torn_report);
  H5Eset_auto2(H5E_DEFAULT, fn, data);
  assert_no_open_ids();
  remove_tree(dir);
}

static CU_TestInfo tests[] = {
    {"spikes_roundtrip", test_h5out_spikes_roundtrip},
    {"t_start_stop", test_h5out_t_start_stop},
    {"report_roundtrip", test_h5out_report_roundtrip},
    {"report_roundtrip_float32", test_h5out_report_roundtrip_float32},
    {"large_json", test_h5out_large_json},
    {"bad_args", test_h5out_bad_args},
    {"unwritable_path", test_h5out_unwritable_path},
    {"swmr_from_creation", test_h5out_swmr_from_creation},
    {"injected_failures", test_h5out_injected_failures},
    {"full_filesystem", test_h5out_full_filesystem},
    {"kill", test_h5out_kill},
    {"kill_random", test_h5out_kill_random},
    CU_TEST_INFO_NULL,
};

const sg_test_suite sg_suite_h5out = {"h5out", NULL, tests};
