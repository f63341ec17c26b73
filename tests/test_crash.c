/* tests/test_crash.c - crash-safe output of a whole simulation (suite "crash").
 *
 *  1. SIGKILL: a child process runs a real simulation (gl_exp network, Poisson drive, a
 *     spike_recorder and a multimeter, output_dir, flush every 10 ms) and is killed mid-run
 *     once its files show flushed blocks. The parent reopens every file with the HDF5 C API
 *     (and with h5py through sg_test_python() when available; a skip is reported) and checks a
 *     consistent prefix: spike times sorted, ids in range, report rows complete up to
 *     mapping/time's stop, the prefix ending on a flush boundary, and every value bit-identical to
 *     an uninterrupted run with the same seed made in the parent.
 *  2. SIGINT: the child gets SIGINT mid-run; sg_simulate must return SG_ERR_INTERRUPTED at a
 *     chunk (step) boundary after flushing, the child exits with the distinctive code 42
 *     without closing anything, and its files hold exactly everything up to the interrupted
 *     step (compared with the uninterrupted run).
 *  3. HDF5 write errors injected mid-run (sg_h5_fail_after): sg_simulate returns SG_ERR_HDF5 /
 *     SG_ERR_IO with a message naming the recorder, the file and the cause; the in-memory
 *     recordings stay valid (equal to a run without files); the file holds a block-complete
 *     prefix of them; later calls and sg_sim_free do not crash.
 *  4. An output_dir that disappears before the first run: a clear SG_ERR_IO, nothing changed,
 *     and the run works once the directory is back.
 *
 * Opening a killed run's files: they are SWMR files (host/h5out.h), so they are opened with
 * H5F_ACC_SWMR_READ (h5py: swmr=True), as documented there; plain H5F_ACC_RDONLY is tried first
 * and the method used is printed.
 *
 * The child is this test binary re-executed (/proc/self/exe) with SG_CRASH_CHILD set, caught
 * by a constructor before CUnit starts: a fork() of a process whose OpenMP runtime has already
 * run parallel regions is not safe to use without exec. */
/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <hdf5.h>
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
#include "spikegpu.h"

#define CHILD_EXIT_INTERRUPTED 42
#define N_NEURONS 1000
#define N_SAMPLED 20
#define FLUSH_MS 10.0
#define MM_INTERVAL 1.0
#define H 0.1
#define SEED 4242

/* ---- the network (child and reference) ------------------------------------------------------ */
typedef struct net { sg_sim *sim; sg_nodes exc, pg, sr, mm; } net;

static int g_keep_in_memory = 1, g_overwrite = 0;   /* config of the next build() */
static int g_quiet_build;                          /* 1: a refused sg_sim_new is expected */
static char g_build_err[512];                      /* sg_sim_new's message of the last build() */

static sg_status build(net *n, const char *dir, double flush_ms, int n_neurons) {
  sg_config c;
  sg_config_default(&c);
  c.resolution_ms = H;
  c.seed = SEED;
  c.backend = SG_BACKEND_CPU;
  c.threads = 1;
  c.verbose = 0;
  c.output_dir = dir;
  c.report_double = 1;   /* float64 reports: the files must equal the in-memory samples bit for bit */
  c.flush_interval_ms = flush_ms;
  c.keep_in_memory = g_keep_in_memory;
  c.overwrite_files = g_overwrite;
  char *err = g_build_err;
  sg_status st = sg_sim_new(&c, &n->sim, err, sizeof g_build_err);
  if (st) {
    if (!g_quiet_build) fprintf(stderr, "\n  sg_sim_new: %s\n", err);
    return st;
  }
  sg_sim *s = n->sim;
  const char *vars[] = {"V_m", "I_stim"};
  sg_conn_spec cs;
  sg_conn_spec_default(&cs);
  cs.rule = "fixed_indegree";
  cs.indegree = 20;
  sg_syn_spec syn;
  sg_syn_spec_default(&syn);
  syn.weight = sg_scalar(0.4);
  syn.delay = sg_random_uniform(0.5, 2.0);
  sg_syn_spec drive;
  sg_syn_spec_default(&drive);
  drive.weight = sg_scalar(1.5);
  drive.delay = sg_scalar(0.1);
  if ((st = sg_create_named(s, "gl_exp", (uint64_t)n_neurons, "exc", &n->exc)) ||
      (st = sg_create(s, "poisson_generator", 1, &n->pg)) || (st = sg_set(s, n->pg, "rate", 1500.0)) ||
      (st = sg_create_named(s, "spike_recorder", 1, "spikes", &n->sr)) ||
      (st = sg_create_named(s, "multimeter", 1, "mm", &n->mm)) ||
      (st = sg_set(s, n->mm, "interval", MM_INTERVAL)) ||
      (st = sg_set_strs(s, n->mm, "record_from", vars, 2)) ||
      (st = sg_connect(s, n->exc, n->exc, &cs, &syn)) || (st = sg_connect(s, n->pg, n->exc, NULL, &drive)) ||
      (st = sg_connect(s, n->exc, n->sr, NULL, NULL)) ||
      (st = sg_connect(s, n->mm, sg_slice(n->exc, 0, N_SAMPLED), NULL, NULL)))
    fprintf(stderr, "\n  build: %s: %s\n", sg_status_str(st), sg_errmsg(s));
  return st;
}

/* ---- child mode: SG_CRASH_CHILD="<kill|int> <dir>" -------------------------------------------- */
__attribute__((constructor)) static void crash_child_main(void) {
  const char *e = getenv("SG_CRASH_CHILD");
  if (!e || !*e) return;
  char mode[8], dir[1024];
  if (sscanf(e, "%7s %1023s", mode, dir) != 2) _exit(3);
  net n;
  if (strcmp(mode, "claim") == 0) {   /* a second run on a folder another process writes to */
    g_quiet_build = 1;
    const sg_status st = build(&n, dir, FLUSH_MS, 50);
    char path[1100];
    snprintf(path, sizeof path, "%s/claim_result.txt", dir);
    FILE *f = fopen(path, "w");
    if (f) { fprintf(f, "%d\n%s\n", (int)st, g_build_err); fclose(f); }
    _exit(st == SG_OK ? 0 : 10 + (int)st);
  }
  /* "early": killed before its first flush (one flush per 1000 s of simulated time) */
  if (build(&n, dir, strcmp(mode, "early") == 0 ? 1e6 : FLUSH_MS, N_NEURONS)) _exit(4);
  const sg_status st = sg_simulate(n.sim, 100000.0);   /* ends by a signal long before */
  char path[1100];
  snprintf(path, sizeof path, "%s/child_result.txt", dir);
  FILE *f = fopen(path, "w");
  if (f) {
    fprintf(f, "%d %llu\n%s\n", (int)st, (unsigned long long)sg_steps(n.sim), sg_errmsg(n.sim));
    fclose(f);
  }
  /* no sg_sim_free: the files must already hold everything (sg_simulate flushed them) */
  _exit(st == SG_ERR_INTERRUPTED ? CHILD_EXIT_INTERRUPTED : 10 + (int)st);
}

/* ---- helpers ------------------------------------------------------------------------------------ */
static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}
static long file_size(const char *p) {
  struct stat st;
  return stat(p, &st) == 0 ? (long)st.st_size : -1;
}
static void sleep_s(double s) {
  struct timespec ts = {(time_t)s, (long)((s - floor(s)) * 1e9)};
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {}
}
static void rm_rf(const char *dir) {
  char cmd[1200];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system(cmd) != 0) fprintf(stderr, "\n  could not remove %s\n", dir);
}

/* Opens a file as it was left: plain first, then as an SWMR reader (h5out.h). */
static hid_t open_left(const char *path, const char **how) {
  H5E_auto2_t fn;
  void *data;
  H5Eget_auto2(H5E_DEFAULT, &fn, &data);
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  *how = "H5F_ACC_RDONLY";
  if (f < 0) {
    f = H5Fopen(path, H5F_ACC_RDONLY | H5F_ACC_SWMR_READ, H5P_DEFAULT);
    *how = "H5F_ACC_RDONLY | H5F_ACC_SWMR_READ";
  }
  H5Eset_auto2(H5E_DEFAULT, fn, data);
  return f;
}

static hsize_t extent(hid_t f, const char *name, hsize_t *dims2) {
  hid_t d = H5Dopen2(f, name, H5P_DEFAULT);
  if (d < 0) return (hsize_t)-1;
  hid_t s = H5Dget_space(d);
  hsize_t dims[2] = {0, 0};
  H5Sget_simple_extent_dims(s, dims, NULL);
  H5Sclose(s);
  H5Dclose(d);
  if (dims2) { dims2[0] = dims[0]; dims2[1] = dims[1]; }
  return dims[0];
}

/* Reads the first `rows` rows (all columns) of dataset `name` into buf. */
static int read_rows(hid_t f, const char *name, hid_t memtype, hsize_t rows, void *buf) {
  if (rows == 0) return 0;
  hid_t d = H5Dopen2(f, name, H5P_DEFAULT);
  if (d < 0) return -1;
  hid_t fs = H5Dget_space(d);
  hsize_t dims[2] = {0, 0};
  const int rank = H5Sget_simple_extent_ndims(fs);
  H5Sget_simple_extent_dims(fs, dims, NULL);
  hsize_t start[2] = {0, 0}, count[2] = {rows, rank > 1 ? dims[1] : 1};
  H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, count, NULL);
  hid_t ms = H5Screate_simple(rank, count, NULL);
  const herr_t e = H5Dread(d, memtype, ms, fs, H5P_DEFAULT, buf);
  H5Sclose(ms);
  H5Sclose(fs);
  H5Dclose(d);
  return e < 0 ? -1 : 0;
}

/* The span a file covers: root attribute t_start, scalar dataset /t_stop (docs/output.md). */
static int read_span(hid_t f, double *t_start, double *t_stop) {
  *t_start = *t_stop = NAN;
  hid_t a = H5Aopen(f, "t_start", H5P_DEFAULT);
  if (a < 0) return -1;
  herr_t e = H5Aread(a, H5T_NATIVE_DOUBLE, t_start);
  H5Aclose(a);
  hid_t d = H5Dopen2(f, "/t_stop", H5P_DEFAULT);
  if (d < 0) return -1;
  if (e >= 0) e = H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, t_stop);
  H5Dclose(d);
  return e < 0 ? -1 : 0;
}

/* What the files hold. */
typedef struct leftover {
  size_t n_spikes;                  /* common prefix of timestamps and node_ids */
  size_t n_ts, n_ids;
  double *t; uint64_t *id;
  size_t rows[2], rows_total[2];    /* per variable: rows up to mapping/time's stop, rows in data */
  size_t cols[2];
  double t0[2], dt[2];
  uint64_t node_ids[2][N_SAMPLED];
  double *data[2];
  double t_start[3], t_stop[3];     /* spikes.h5, mm_V_m.h5, mm_I_stim.h5 */
  const char *how;
  int ok;
} leftover;

static const char *const VARS[2] = {"V_m", "I_stim"};

static void leftover_free(leftover *L) {
  free(L->t); free(L->id); free(L->data[0]); free(L->data[1]);
  memset(L, 0, sizeof *L);
}

static int read_leftover(const char *dir, leftover *L) {
  memset(L, 0, sizeof *L);
  char path[1200];
  snprintf(path, sizeof path, "%s/spikes.h5", dir);
  hid_t f = open_left(path, &L->how);
  if (f < 0) { fprintf(stderr, "\n  %s cannot be opened (plain or SWMR read)\n", path); return -1; }
  L->n_ts = extent(f, "/spikes/exc/timestamps", NULL);
  L->n_ids = extent(f, "/spikes/exc/node_ids", NULL);
  if (L->n_ts == (size_t)-1 || L->n_ids == (size_t)-1) {   /* no spike block flushed yet */
    L->n_ts = L->n_ids = 0;
  }
  L->n_spikes = L->n_ts < L->n_ids ? L->n_ts : L->n_ids;
  int rc = read_span(f, &L->t_start[0], &L->t_stop[0]);
  if (rc) fprintf(stderr, "\n  %s: no t_start attribute or /t_stop dataset\n", path);
  L->t = malloc((L->n_spikes + 1) * sizeof *L->t);
  L->id = malloc((L->n_spikes + 1) * sizeof *L->id);
  if (read_rows(f, "/spikes/exc/timestamps", H5T_NATIVE_DOUBLE, L->n_spikes, L->t) ||
      read_rows(f, "/spikes/exc/node_ids", H5T_NATIVE_UINT64, L->n_spikes, L->id)) {
    fprintf(stderr, "\n  %s: reading the spike prefix (%zu) failed\n", path, L->n_spikes);
    rc = -1;
  }
  H5Fclose(f);
  for (int v = 0; v < 2 && rc == 0; ++v) {
    snprintf(path, sizeof path, "%s/mm_%s.h5", dir, VARS[v]);
    const char *how;
    f = open_left(path, &how);
    if (f < 0) { fprintf(stderr, "\n  %s cannot be opened\n", path); rc = -1; break; }
    hsize_t dims[2];
    L->rows_total[v] = extent(f, "/report/exc/data", dims);
    L->cols[v] = dims[1];
    double tm[3] = {0, 0, 1};
    if (L->rows_total[v] == (size_t)-1 || L->cols[v] != N_SAMPLED ||
        read_rows(f, "/report/exc/mapping/time", H5T_NATIVE_DOUBLE, 3, tm) ||
        read_rows(f, "/report/exc/mapping/node_ids", H5T_NATIVE_UINT64, N_SAMPLED, L->node_ids[v])) {
      fprintf(stderr, "\n  %s: report layout unreadable (rows %zu, cols %zu)\n", path, L->rows_total[v], L->cols[v]);
      rc = -1;
      H5Fclose(f);
      break;
    }
    if (read_span(f, &L->t_start[v + 1], &L->t_stop[v + 1])) {
      fprintf(stderr, "\n  %s: no t_start attribute or /t_stop dataset\n", path);
      rc = -1;
    }
    L->t0[v] = tm[0];
    L->dt[v] = tm[2];
    L->rows[v] = (size_t)llround((tm[1] - tm[0]) / tm[2]);
    if (L->rows[v] > L->rows_total[v]) {
      fprintf(stderr, "\n  %s: mapping/time says %zu rows, data has %zu\n", path, L->rows[v], L->rows_total[v]);
      rc = -1;
    }
    L->data[v] = malloc((L->rows[v] * N_SAMPLED + 1) * sizeof(double));
    if (rc == 0 && read_rows(f, "/report/exc/data", H5T_NATIVE_DOUBLE, L->rows[v], L->data[v])) {
      fprintf(stderr, "\n  %s: reading %zu rows failed\n", path, L->rows[v]);
      rc = -1;
    }
    H5Fclose(f);
  }
  L->ok = rc == 0;
  return rc;
}

/* The uninterrupted reference run, in memory. */
typedef struct ref { size_t n; double *t; uint64_t *s; size_t m[2]; double *st[2]; uint64_t *ss[2]; double *sv[2]; } ref;
static void ref_free(ref *R) {
  free(R->t); free(R->s);
  for (int v = 0; v < 2; ++v) { free(R->st[v]); free(R->ss[v]); free(R->sv[v]); }
}
static int reference(double t_ms, ref *R) {
  memset(R, 0, sizeof *R);
  net n;
  if (build(&n, NULL, FLUSH_MS, N_NEURONS)) { sg_sim_free(n.sim); return -1; }
  sg_status st = sg_simulate(n.sim, t_ms);
  if (st == SG_OK) st = sg_spikes(n.sim, n.sr.first, NULL, NULL, 0, &R->n);
  R->t = malloc((R->n + 1) * sizeof *R->t);
  R->s = malloc((R->n + 1) * sizeof *R->s);
  size_t got;
  if (st == SG_OK) st = sg_spikes(n.sim, n.sr.first, R->t, R->s, R->n, &got);
  for (int v = 0; v < 2 && st == SG_OK; ++v) {
    st = sg_samples(n.sim, n.mm.first, VARS[v], NULL, NULL, NULL, 0, &R->m[v]);
    R->st[v] = malloc((R->m[v] + 1) * sizeof(double));
    R->ss[v] = malloc((R->m[v] + 1) * sizeof(uint64_t));
    R->sv[v] = malloc((R->m[v] + 1) * sizeof(double));
    if (st == SG_OK) st = sg_samples(n.sim, n.mm.first, VARS[v], R->st[v], R->ss[v], R->sv[v], R->m[v], &got);
  }
  if (st) fprintf(stderr, "\n  reference: %s: %s\n", sg_status_str(st), sg_errmsg(n.sim));
  sg_sim_free(n.sim);
  return st ? -1 : 0;
}

/* The files against the reference: the spike prefix and every complete report row identical;
 * if t_full >= 0, the files must hold everything up to t_full exactly. Returns the number of
 * mismatches. */
static int compare(const leftover *L, const ref *R, uint64_t first_id, double t_full) {
  int bad = 0;
  if (L->n_spikes > R->n) { fprintf(stderr, "\n  file has %zu spikes, reference %zu\n", L->n_spikes, R->n); return 1; }
  for (size_t i = 0; i < L->n_spikes; ++i) {
    if (i && (L->t[i] < L->t[i - 1] || (L->t[i] == L->t[i - 1] && L->id[i] <= L->id[i - 1]))) {
      if (bad++ < 3) fprintf(stderr, "\n  spike %zu not in (time, id) order\n", i);
    }
    if (L->id[i] >= N_NEURONS || L->t[i] != R->t[i] || L->id[i] + first_id != R->s[i])
      if (bad++ < 3)
        fprintf(stderr, "\n  spike %zu: file (%.17g, %llu), reference (%.17g, %llu)\n", i, L->t[i],
                (unsigned long long)L->id[i], R->t[i], (unsigned long long)(R->s[i] - first_id));
  }
  /* block-complete: the prefix ends where a flush boundary ends */
  const double t_last = L->n_spikes ? L->t[L->n_spikes - 1] : 0.0;
  const double boundary = ceil(t_last / FLUSH_MS - 1e-9) * FLUSH_MS;
  size_t upto = 0;
  while (upto < R->n && R->t[upto] <= boundary + 1e-9) ++upto;
  if (L->n_spikes && upto != L->n_spikes) {
    fprintf(stderr, "\n  the spike prefix (%zu, last %.17g ms) is not a whole flush block: the reference has %zu up to %g ms\n",
            L->n_spikes, t_last, upto, boundary);
    ++bad;
  }
  if (t_full >= 0.0) {
    size_t want = 0;
    while (want < R->n && R->t[want] <= t_full + 1e-9) ++want;
    if (want != L->n_spikes || L->n_ts != L->n_ids) {
      fprintf(stderr, "\n  files hold %zu spikes (timestamps %zu, node_ids %zu), the run up to %g ms has %zu\n",
              L->n_spikes, L->n_ts, L->n_ids, t_full, want);
      ++bad;
    }
  }
  /* t_start/t_stop: the files began at 0; t_stop is a time up to which the file is complete,
   * at most one flush block behind its data (a kill between a block and its t_stop), and the
   * end of the run when everything was flushed */
  for (int k = 0; k < 3; ++k) {
    const double ts = L->t_stop[k];
    const double have = k == 0 ? boundary : (double)L->rows[k - 1] * MM_INTERVAL;
    size_t need = 0;   /* spikes the file must hold up to its t_stop */
    while (k == 0 && need < R->n && R->t[need] <= ts + 1e-9) ++need;
    const int complete = k == 0 ? need <= L->n_spikes : have >= ts - 1e-9;
    const int lag_ok = ts >= have - FLUSH_MS - 1e-9 && ts >= 0.0;
    const int on_grid = t_full >= 0.0 || fabs(ts / FLUSH_MS - round(ts / FLUSH_MS)) < 1e-9;
    if (L->t_start[k] != 0.0 || !complete || !lag_ok || !on_grid || (t_full >= 0.0 && ts != t_full)) {
      fprintf(stderr, "\n  file %d: t_start %.17g, t_stop %.17g; data up to %g ms (%zu spikes, %zu needed)%s\n", k,
              L->t_start[k], ts, have, L->n_spikes, need, t_full >= 0.0 ? ", the run flushed everything" : "");
      ++bad;
    }
  }
  for (int v = 0; v < 2; ++v) {
    if (L->t0[v] != MM_INTERVAL || L->dt[v] != MM_INTERVAL) {
      fprintf(stderr, "\n  %s: mapping/time start %g step %g\n", VARS[v], L->t0[v], L->dt[v]);
      ++bad;
    }
    if (L->rows[v] * N_SAMPLED > R->m[v]) { fprintf(stderr, "\n  %s: %zu rows, reference %zu samples\n", VARS[v], L->rows[v], R->m[v]); ++bad; continue; }
    /* a run that flushed everything may end between flush blocks (SIGINT acts at any step) */
    if (t_full < 0.0 && L->rows[v] % (size_t)llround(FLUSH_MS / MM_INTERVAL) != 0) {
      fprintf(stderr, "\n  %s: %zu rows is not a whole number of flush blocks\n", VARS[v], L->rows[v]);
      ++bad;
    }
    /* samples at MM_INTERVAL, 2 MM_INTERVAL, ... up to t_full: 239 of them up to 239.7 ms */
    const size_t rows_full = t_full >= 0.0 ? (size_t)floor(t_full / MM_INTERVAL + 1e-9) : 0;
    if (t_full >= 0.0 && L->rows[v] != rows_full) {
      fprintf(stderr, "\n  %s: %zu rows, the run up to %g ms has %zu\n", VARS[v], L->rows[v], t_full, rows_full);
      ++bad;
    }
    for (size_t r = 0; r < L->rows[v]; ++r)
      for (size_t c = 0; c < N_SAMPLED; ++c) {
        /* reference samples are sorted by (time, sender); the file's columns follow node_ids */
        const size_t k = r * N_SAMPLED + (size_t)L->node_ids[v][c];
        const double want = R->sv[v][k], got = L->data[v][r * N_SAMPLED + c];
        if (R->ss[v][k] != first_id + L->node_ids[v][c] || fabs(R->st[v][k] - (double)(r + 1) * MM_INTERVAL) > 1e-9 ||
            !(got == want || (got != got && want != want)))
          if (bad++ < 6)
            fprintf(stderr, "\n  %s row %zu col %zu: file %.17g, reference %.17g (node %llu, t %g)\n", VARS[v], r, c, got,
                    want, (unsigned long long)R->ss[v][k], R->st[v][k]);
      }
  }
  return bad;
}

/* h5py (if present) must read the same prefix. */
static void h5py_check(const char *dir, const leftover *L) {
  const char *py = sg_test_python();
  if (strchr(py, '/') && access(py, X_OK) != 0) { printf("\n    h5py check skipped: %s not found ", py); return; }
  char script[] =
    "import sys\n"
    "try:\n"
    "    import h5py\n"
    "except Exception as e:\n"
    "    print('NOH5PY', e); sys.exit(0)\n"
    "d = sys.argv[1]\n"
    "def op(p):\n"
    "    try:\n"
    "        return h5py.File(p, 'r'), 'plain'\n"
    "    except OSError:\n"
    "        return h5py.File(p, 'r', swmr=True), 'swmr'\n"
    "f, how = op(d + '/spikes.h5')\n"
    "g = f.get('spikes/exc')\n"
    "nt = g['timestamps'].shape[0] if g is not None else 0\n"
    "ni = g['node_ids'].shape[0] if g is not None else 0\n"
    "n = min(nt, ni)\n"
    "ids = int(g['node_ids'][:n].sum()) if n else 0\n"
    "last = repr(float(g['timestamps'][n - 1])) if n else '0'\n"
    "print('SPIKES', how, n, ids, last)\n"
    "for v in ('V_m', 'I_stim'):\n"
    "    f, how = op(d + '/mm_' + v + '.h5')\n"
    "    t = f['report/exc/mapping/time'][:]\n"
    "    rows = int(round((t[1] - t[0]) / t[2]))\n"
    "    last = repr(float(f['report/exc/data'][rows - 1, -1])) if rows else '0'\n"
    "    print('REPORT', v, how, rows, last)\n";
  char cmd[1400], sp[1100];
  snprintf(sp, sizeof sp, "%s/check.py", dir);
  FILE *f = fopen(sp, "w");
  if (!f) return;
  fputs(script, f);
  fclose(f);
  snprintf(cmd, sizeof cmd, "'%s' '%s' '%s' 2>&1", py, sp, dir);
  FILE *p = popen(cmd, "r");
  if (!p) { printf("\n    h5py check skipped: popen failed "); return; }
  char line[512];
  int seen = 0;
  while (fgets(line, sizeof line, p)) {
    char how[16], last[64], var[16];
    unsigned long long n, ids;
    if (strncmp(line, "NOH5PY", 6) == 0) { printf("\n    h5py check skipped: %s", line); pclose(p); return; }
    if (sscanf(line, "SPIKES %15s %llu %llu %63s", how, &n, &ids, last) == 4) {
      unsigned long long want_ids = 0;
      for (size_t i = 0; i < L->n_spikes; ++i) want_ids += L->id[i];
      const double lt = strtod(last, NULL);
      const int ok = n == L->n_spikes && ids == want_ids && (n == 0 || lt == L->t[L->n_spikes - 1]);
      if (!ok) fprintf(stderr, "\n  h5py spikes: %s", line);
      CU_ASSERT(ok);
      ++seen;
    } else if (sscanf(line, "REPORT %15s %15s %llu %63s", var, how, &n, last) == 4) {
      const int v = strcmp(var, "V_m") == 0 ? 0 : 1;
      const double lv = strtod(last, NULL);
      const int ok = n == L->rows[v] && (n == 0 || lv == L->data[v][(n - 1) * N_SAMPLED + N_SAMPLED - 1]);
      if (!ok) fprintf(stderr, "\n  h5py report: %s", line);
      CU_ASSERT(ok);
      ++seen;
    } else {
      fprintf(stderr, "\n  h5py: %s", line);
    }
  }
  const int rc = pclose(p);
  CU_ASSERT_EQUAL(seen, 3);
  CU_ASSERT_EQUAL(rc, 0);
  if (seen == 3) printf("\n    h5py read the same prefix ");
}

/* Starts the child; returns its pid. */
static pid_t spawn(const char *mode, const char *dir) {
  char env[1100], exe[4096];
  snprintf(env, sizeof env, "%s %s", mode, dir);
  /* the binary's own path (valgrind reports the client's here, where exec of /proc/self/exe
   * would start the tool itself) */
  const ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (len <= 0) return -1;
  exe[len] = 0;
  fflush(NULL);
  const pid_t pid = fork();
  if (pid == 0) {
    setenv("SG_CRASH_CHILD", env, 1);
    execl(exe, "sg_crash_child", (char *)NULL);
    _exit(127);
  }
  return pid;
}

/* Waits until the child's files grew after their creation (flushed blocks are in) and min_wall
 * passed, plus a random part of a few flush intervals; 0 if so, -1 on timeout, -2 if the child
 * ended by itself (the caller kills it either way). */
static int wait_for_blocks(const char *dir, pid_t pid, double min_wall, unsigned seed) {
  char sp[1100], rp[1100];
  snprintf(sp, sizeof sp, "%s/spikes.h5", dir);
  snprintf(rp, sizeof rp, "%s/mm_V_m.h5", dir);
  const double t0 = now_s();
  long s0 = -1, r0 = -1;
  int grew = 0;
  while (now_s() - t0 < 60.0) {
    int status;
    if (waitpid(pid, &status, WNOHANG) == pid) { fprintf(stderr, "\n  the child ended early (status %d)\n", status); return -2; }
    const long s = file_size(sp), r = file_size(rp);
    if (s > 0 && s0 < 0) { s0 = s; r0 = r; }
    if (s0 > 0 && (s > s0 || r > r0)) ++grew, s0 = s, r0 = r;   /* a new chunk or metadata block */
    if (grew >= 1 && now_s() - t0 >= min_wall) {
      sleep_s(0.001 * (double)(seed % 50));   /* land anywhere within the next flushes */
      return 0;
    }
    sleep_s(0.005);
  }
  return -1;
}

static void make_dir(char *dir, size_t len) {
  const char *t = getenv("TMPDIR");
  snprintf(dir, len, "%s/sg_crash_XXXXXX", t && *t ? t : "/tmp");
  CU_ASSERT_FATAL(mkdtemp(dir) != NULL);
}

/* ---- 1. SIGKILL ------------------------------------------------------------------------------------ */
static void test_crash_sigkill(void) {
  for (unsigned trial = 0; trial < (sg_test_quick() ? 1u : 2u); ++trial) {
    char dir[256];
    make_dir(dir, sizeof dir);
    const pid_t pid = spawn("kill", dir);
    CU_ASSERT_FATAL(pid > 0);
    const int w = wait_for_blocks(dir, pid, 0.3 + 0.2 * trial, 17 + 31 * trial);
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    CU_ASSERT_EQUAL(w, 0);
    CU_ASSERT(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    leftover L;
    CU_ASSERT_EQUAL(read_leftover(dir, &L), 0);
    if (L.ok) {
      const double t_last = L.n_spikes ? L.t[L.n_spikes - 1] : 0.0;
      const double t_rows = (double)L.rows[0] * MM_INTERVAL;
      const double t_ref = ceil(((t_last > t_rows ? t_last : t_rows) + FLUSH_MS) / FLUSH_MS) * FLUSH_MS;
      printf("\n    killed after %zu spikes (%zu timestamps, %zu node_ids) and %zu / %zu report rows; opened with %s; reference run %g ms ",
             L.n_spikes, L.n_ts, L.n_ids, L.rows[0], L.rows[1], L.how, t_ref);
      CU_ASSERT(L.n_spikes > 0 && L.rows[0] > 0);
      ref R;
      CU_ASSERT_FATAL(reference(t_ref, &R) == 0);
      CU_ASSERT_EQUAL(compare(&L, &R, 1, -1.0), 0);
      h5py_check(dir, &L);
      ref_free(&R);
    }
    leftover_free(&L);
    rm_rf(dir);
  }
}

/* ---- 2. SIGINT ------------------------------------------------------------------------------------- */
static void test_crash_sigint(void) {
  char dir[256];
  make_dir(dir, sizeof dir);
  const pid_t pid = spawn("int", dir);
  CU_ASSERT_FATAL(pid > 0);
  const int w = wait_for_blocks(dir, pid, 0.3, 23);
  kill(pid, SIGINT);
  int status = 0;
  double t0 = now_s();
  while (waitpid(pid, &status, WNOHANG) != pid) {
    if (now_s() - t0 > 30.0) { kill(pid, SIGKILL); waitpid(pid, &status, 0); break; }
    sleep_s(0.005);
  }
  CU_ASSERT_EQUAL(w, 0);
  const int code = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
  if (code != CHILD_EXIT_INTERRUPTED) fprintf(stderr, "\n  the child ended with %d, want exit code %d\n", code, CHILD_EXIT_INTERRUPTED);
  CU_ASSERT_EQUAL(code, CHILD_EXIT_INTERRUPTED);
  char path[300], msg[600] = "";
  int st = -1;
  unsigned long long steps = 0;
  snprintf(path, sizeof path, "%s/child_result.txt", dir);
  FILE *f = fopen(path, "r");
  if (f) {
    if (fscanf(f, "%d %llu\n", &st, &steps) != 2) st = -1;
    if (!fgets(msg, sizeof msg, f)) msg[0] = 0;
    fclose(f);
  }
  CU_ASSERT_EQUAL(st, SG_ERR_INTERRUPTED);
  CU_ASSERT_PTR_NOT_NULL(strstr(msg, "interrupted (SIGINT)"));
  const double t_int = (double)steps * H;
  /* at a step boundary: SIGINT is checked every ~0.05 s of wall time, also inside a flush chunk;
   * what was recorded up to that step is in the files (compared with the reference below) */
  CU_ASSERT(steps > 0);
  leftover L;
  CU_ASSERT_EQUAL(read_leftover(dir, &L), 0);
  if (L.ok && steps > 0) {
    printf("\n    interrupted at t = %g ms (step %llu): %zu spikes and %zu report rows in the files (opened with %s) ",
           t_int, steps, L.n_spikes, L.rows[0], L.how);
    ref R;
    CU_ASSERT_FATAL(reference(t_int, &R) == 0);
    CU_ASSERT_EQUAL(compare(&L, &R, 1, t_int), 0);
    h5py_check(dir, &L);
    ref_free(&R);
  }
  leftover_free(&L);
  rm_rf(dir);
}

/* ---- 3. HDF5 write failures mid-run ------------------------------------------------------------------ */
static void test_crash_hdf5_failure(void) {
  /* The n-th file-modifying HDF5 call fails: small n while the files are created (the next
   * sg_simulate retries), then growing n until failures have hit several blocks in the middle
   * of the run or n passes every write of the run (with today's writer: about 78 writes create
   * the three files, then about 15 per 10 ms block). */
  int mid_run = 0, trials = 0;
  const double T = 100.0;
  ref R;
  CU_ASSERT_FATAL(reference(2 * T, &R) == 0);
  for (int nf = 5, done = 0; !done && trials < 16; nf = nf < 40 ? 40 : nf + 23 + 6 * (trials % 3), ++trials) {
    char dir[256];
    make_dir(dir, sizeof dir);
    net n;
    CU_ASSERT_FATAL(build(&n, dir, FLUSH_MS, N_NEURONS) == SG_OK);
    sg_h5_fail_after(nf);
    const sg_status st = sg_simulate(n.sim, T);
    sg_h5_fail_after(0);
    char msg[600];
    snprintf(msg, sizeof msg, "%s", sg_errmsg(n.sim));
    const double t_fail = sg_time(n.sim);
    CU_ASSERT(st == SG_OK || st == SG_ERR_HDF5 || st == SG_ERR_IO);
    if (st == SG_OK) done = 1;   /* n is past the last write of the run */
    if (st != SG_OK) {
      const int clear = strstr(msg, "injected failure") && (strstr(msg, "spike_recorder") || strstr(msg, "multimeter")) &&
                        strstr(msg, dir) && strstr(msg, ".h5");
      if (!clear) fprintf(stderr, "\n  failure %d: unclear message: %s\n", nf, msg);
      CU_ASSERT(clear);
      if (t_fail > 0.0 && t_fail < T) ++mid_run;
    }
    /* the in-memory recordings stay valid: equal to the run without files */
    size_t m = 0, got = 0;
    CU_ASSERT_EQUAL(sg_spikes(n.sim, n.sr.first, NULL, NULL, 0, &m), SG_OK);
    double *t = malloc((m + 1) * sizeof *t);
    uint64_t *s = malloc((m + 1) * sizeof *s);
    CU_ASSERT_EQUAL(sg_spikes(n.sim, n.sr.first, t, s, m, &got), SG_OK);
    size_t want = 0;
    while (want < R.n && R.t[want] <= t_fail + 1e-9) ++want;
    int same = m == want;
    for (size_t i = 0; i < m && same; ++i) same = t[i] == R.t[i] && s[i] == R.s[i];
    CU_ASSERT(same);
    /* later calls neither crash nor lose the in-memory data */
    const sg_status st2 = sg_simulate(n.sim, T);
    CU_ASSERT(st2 == st || st2 == SG_OK || st2 == SG_ERR_HDF5 || st2 == SG_ERR_IO);
    CU_ASSERT_EQUAL(sg_spikes(n.sim, n.sr.first, NULL, NULL, 0, &m), SG_OK);
    want = 0;
    while (want < R.n && R.t[want] <= sg_time(n.sim) + 1e-9) ++want;
    CU_ASSERT_EQUAL(m, want);
    sg_sim_free(n.sim);
    /* the files: a block-complete prefix of the same data, readable */
    leftover L;
    CU_ASSERT_EQUAL(read_leftover(dir, &L), 0);
    if (L.ok) {
      CU_ASSERT_EQUAL(L.n_ts, L.n_ids);
      CU_ASSERT_EQUAL(compare(&L, &R, 1, st == SG_OK && st2 == SG_OK ? 2 * T : -1.0), 0);
      printf("\n    write %d fails: %s at t = %g ms; files keep %zu spikes, %zu rows ", nf,
             st ? sg_status_str(st) : "no failure", t_fail, L.n_spikes, L.rows[0]);
    }
    leftover_free(&L);
    free(t);
    free(s);
    rm_rf(dir);
    if (mid_run >= 5) done = 1;
  }
  CU_ASSERT(mid_run >= 2);   /* failures in the middle of runs were reached */
  ref_free(&R);
}

/* ---- 4. the output folder disappears before the first run ---------------------------------------- */
static void test_crash_output_dir_gone(void) {
  char dir[256], sub[300];
  make_dir(dir, sizeof dir);
  snprintf(sub, sizeof sub, "%s/out", dir);
  net n;
  CU_ASSERT_FATAL(build(&n, sub, FLUSH_MS, 50) == SG_OK);
  rm_rf(sub);                  /* with the lock file the run holds in it */
  FILE *f = fopen(sub, "w");   /* a regular file where the folder was */
  CU_ASSERT_FATAL(f != NULL);
  fclose(f);
  const sg_status st = sg_simulate(n.sim, 5.0);
  CU_ASSERT(st == SG_ERR_IO || st == SG_ERR_HDF5);
  CU_ASSERT_PTR_NOT_NULL(strstr(sg_errmsg(n.sim), sub));
  CU_ASSERT_EQUAL(sg_steps(n.sim), 0);
  if (st == SG_OK) fprintf(stderr, "\n  a run with its output folder replaced by a file succeeded\n");
  /* back: the run works and writes its files */
  unlink(sub);
  CU_ASSERT_EQUAL_FATAL(mkdir(sub, 0777), 0);
  const sg_status st2 = sg_simulate(n.sim, 5.0);
  if (st2) fprintf(stderr, "\n  after restoring the folder: %s: %s\n", sg_status_str(st2), sg_errmsg(n.sim));
  CU_ASSERT_EQUAL(st2, SG_OK);
  sg_sim_free(n.sim);
  char sp[400];
  snprintf(sp, sizeof sp, "%s/spikes.h5", sub);
  CU_ASSERT(file_size(sp) > 0);
  rm_rf(dir);
}

/* ---- 5. one run per output folder; files of an earlier run (overwrite_files) -------------------- */
static int read_run_id(const char *path, char *out, size_t len) {
  out[0] = 0;
  const char *how;
  hid_t f = open_left(path, &how);
  if (f < 0) return -1;
  int rc = -1;
  hid_t a = H5Aopen(f, "run_id", H5P_DEFAULT);
  if (a >= 0) {
    hid_t t = H5Aget_type(a);
    char *v = NULL;
    if (H5Tis_variable_str(t) > 0 && H5Aread(a, t, &v) >= 0 && v) {
      snprintf(out, len, "%s", v);
      H5free_memory(v);
      rc = 0;
    }
    H5Tclose(t);
    H5Aclose(a);
  }
  H5Fclose(f);
  return rc;
}

static void test_crash_output_lock(void) {
  char dir[256], sp[400];
  make_dir(dir, sizeof dir);
  snprintf(sp, sizeof sp, "%s/spikes.h5", dir);
  const double T = 30.0;
  ref R;
  CU_ASSERT_FATAL(reference(T, &R) == 0);
  net a, b;
  CU_ASSERT_FATAL(build(&a, dir, FLUSH_MS, N_NEURONS) == SG_OK);
  CU_ASSERT_EQUAL(sg_simulate(a.sim, T / 2), SG_OK);
  /* a second simulation of this process: refused at sg_sim_new, naming the folder */
  g_quiet_build = 1;
  sg_status st = build(&b, dir, FLUSH_MS, 50);
  printf("\n    same process: %s", g_build_err);
  CU_ASSERT_EQUAL(st, SG_ERR_STATE);
  CU_ASSERT(b.sim == NULL && strstr(g_build_err, dir) && strstr(g_build_err, "in use by another simulation of this process"));
  g_overwrite = 1;   /* overwrite_files does not open a folder that is in use */
  CU_ASSERT_EQUAL(build(&b, dir, FLUSH_MS, 50), SG_ERR_STATE);
  g_overwrite = 0;
  /* another process: refused too, naming the holder's pid */
  const pid_t pid = spawn("claim", dir);
  CU_ASSERT_FATAL(pid > 0);
  int status = 0;
  waitpid(pid, &status, 0);
  CU_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 10 + SG_ERR_STATE);
  char path[400], msg[600] = "", want_pid[40];
  snprintf(path, sizeof path, "%s/claim_result.txt", dir);
  FILE *f = fopen(path, "r");
  if (f) {
    if (!fgets(msg, sizeof msg, f) || !fgets(msg, sizeof msg, f)) msg[0] = 0;
    fclose(f);
  }
  snprintf(want_pid, sizeof want_pid, "pid %ld", (long)getpid());
  printf("\n    other process: %s", msg);
  CU_ASSERT(strstr(msg, dir) && strstr(msg, "in use by another run") && strstr(msg, want_pid));
  /* the first run goes on unharmed: its files equal the reference */
  CU_ASSERT_EQUAL(sg_simulate(a.sim, T / 2), SG_OK);
  sg_sim_free(a.sim);
  leftover L;
  CU_ASSERT_EQUAL(read_leftover(dir, &L), 0);
  if (L.ok) CU_ASSERT_EQUAL(compare(&L, &R, 1, T), 0);
  leftover_free(&L);
  char id1[64], id2[64];
  CU_ASSERT_EQUAL(read_run_id(sp, id1, sizeof id1), 0);
  CU_ASSERT_EQUAL(strlen(id1), 32);
  /* the run is over: its files stay, and a new run is refused unless overwrite_files = 1 */
  st = build(&b, dir, FLUSH_MS, 50);
  printf("\n    finished run's files: %s", g_build_err);
  CU_ASSERT_EQUAL(st, SG_ERR_STATE);
  CU_ASSERT(b.sim == NULL && strstr(g_build_err, "overwrite_files") && strstr(g_build_err, ".h5") && strstr(g_build_err, dir));
  g_quiet_build = 0;
  g_overwrite = 1;
  CU_ASSERT_FATAL(build(&b, dir, FLUSH_MS, N_NEURONS) == SG_OK);
  g_overwrite = 0;
  CU_ASSERT_EQUAL(sg_simulate(b.sim, T), SG_OK);
  sg_sim_free(b.sim);
  CU_ASSERT_EQUAL(read_run_id(sp, id2, sizeof id2), 0);
  CU_ASSERT(strlen(id2) == 32 && strcmp(id1, id2) != 0);   /* a new run, recognisably */
  CU_ASSERT_EQUAL(read_leftover(dir, &L), 0);
  if (L.ok) CU_ASSERT_EQUAL(compare(&L, &R, 1, T), 0);
  leftover_free(&L);
  /* released at sg_sim_free: no lock file left behind */
  snprintf(path, sizeof path, "%s/.spikegpu.lock", dir);
  CU_ASSERT(access(path, F_OK) != 0);
  ref_free(&R);
  rm_rf(dir);
}

/* ---- 6. a write error (full disk) is retried; nothing recorded is lost ---------------------------- */
/* Runs t1 ms with keep_in_memory = 0 in `dir`, then up to t2 ms more with `fail` (a callback)
 * making writes fail (sg_simulate must stop with the error), then `heal` ends the failure and the
 * run goes on to t_end. The files must then hold the whole run exactly (R: up to t_end). */
typedef struct disk_fault { void (*fail)(void *); void (*heal)(void *); void *arg; double t1, t2, t_end; } disk_fault;
static sg_status run_through_fault(const char *dir, const disk_fault *df, const ref *R) {
  net n;
  g_keep_in_memory = 0;
  const sg_status b = build(&n, dir, FLUSH_MS, N_NEURONS);
  g_keep_in_memory = 1;
  CU_ASSERT_FATAL(b == SG_OK);
  CU_ASSERT_EQUAL(sg_simulate(n.sim, df->t1), SG_OK);
  df->fail(df->arg);
  const sg_status st = sg_simulate(n.sim, df->t2);
  printf("\n    while failing: %s at t = %g ms: %s", sg_status_str(st), sg_time(n.sim), sg_errmsg(n.sim));
  CU_ASSERT(st == SG_ERR_IO || st == SG_ERR_HDF5);
  CU_ASSERT(strstr(sg_errmsg(n.sim), "kept in memory") != NULL);
  df->heal(df->arg);
  /* the next flush writes what was kept, then the run goes on */
  const double t_left = df->t_end - sg_time(n.sim);
  const sg_status st2 = sg_simulate(n.sim, t_left);
  if (st2) fprintf(stderr, "\n  after the failure ended: %s: %s\n", sg_status_str(st2), sg_errmsg(n.sim));
  CU_ASSERT_EQUAL(st2, SG_OK);
  CU_ASSERT(fabs(sg_time(n.sim) - df->t_end) < 1e-9);
  sg_sim_free(n.sim);
  leftover L;
  CU_ASSERT_EQUAL(read_leftover(dir, &L), 0);
  if (L.ok) {
    printf("\n    after the failure ended: %zu spikes, %zu rows in the files (reference: %zu spikes) ", L.n_spikes, L.rows[0], R->n);
    CU_ASSERT_EQUAL(L.n_spikes, R->n);
    CU_ASSERT_EQUAL(compare(&L, R, 1, df->t_end), 0);
  }
  leftover_free(&L);
  return st;
}

static void inject_fail(void *arg) { sg_h5_fail_after(*(int *)arg); }
static void inject_heal(void *arg) { (void)arg; sg_h5_fail_after(0); }

typedef struct fill { char path[600]; } fill;
static void fill_disk(void *arg) {   /* writes a file until the file system is full */
  fill *x = arg;
  FILE *f = fopen(x->path, "wb");
  CU_ASSERT_FATAL(f != NULL);
  static char buf[4096];
  while (fwrite(buf, 1, sizeof buf, f) == sizeof buf && fflush(f) == 0) {}
  fclose(f);
}
static void free_disk(void *arg) { CU_ASSERT_EQUAL(unlink(((fill *)arg)->path), 0); }

static void test_crash_disk_full_retry(void) {
  ref R;
  CU_ASSERT_FATAL(reference(600.0, &R) == 0);
  /* an injected failure of the first writes of the second part (any user, any file system):
   * spikes (5 writes per flush), then V_m's report */
  for (int nf = 1; nf <= 9; nf += 4) {
    char dir[256];
    make_dir(dir, sizeof dir);
    disk_fault df = {inject_fail, inject_heal, &nf, 20.0, 20.0, 600.0};
    run_through_fault(dir, &df, &R);
    rm_rf(dir);
  }
  /* a real full disk: a 4 MiB tmpfs filled up, then space freed (root only). Writes within a
   * chunk already on disk need no space, so the failing part runs until new chunks are due
   * (spikes: 16 Ki per chunk, about 400 ms here). */
  char dir[256], mnt[300];
  make_dir(dir, sizeof dir);
  snprintf(mnt, sizeof mnt, "%s/tiny", dir);
  CU_ASSERT_FATAL(mkdir(mnt, 0700) == 0);
  if (mount("tmpfs", mnt, "tmpfs", 0, "size=4m") != 0) {
    printf("\n    skipped the tmpfs part: mount -t tmpfs: %s (the injected failures above cover it) ", strerror(errno));
  } else {
    char out[400];
    snprintf(out, sizeof out, "%s/out", mnt);
    fill x;
    snprintf(x.path, sizeof x.path, "%s/filler", mnt);
    disk_fault df = {fill_disk, free_disk, &x, 20.0, 560.0, 600.0};
    run_through_fault(out, &df, &R);
    if (umount(mnt) != 0) CU_FAIL("umount");
  }
  rm_rf(dir);
  ref_free(&R);
}

/* ---- 7. killed before the first flush: the files open (SWMR reader, h5py swmr=True) ------------- */
static void test_crash_killed_before_first_flush(void) {
  char dir[256], p[3][400];
  make_dir(dir, sizeof dir);
  snprintf(p[0], sizeof p[0], "%s/spikes.h5", dir);
  snprintf(p[1], sizeof p[1], "%s/mm_V_m.h5", dir);
  snprintf(p[2], sizeof p[2], "%s/mm_I_stim.h5", dir);
  const pid_t pid = spawn("early", dir);
  CU_ASSERT_FATAL(pid > 0);
  const double t0 = now_s();
  int there = 0;
  while (!there && now_s() - t0 < 60.0) {
    there = file_size(p[0]) > 0 && file_size(p[1]) > 0 && file_size(p[2]) > 0;
    sleep_s(0.005);
  }
  sleep_s(0.2);   /* inside the first (and only) chunk of steps */
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  CU_ASSERT(there);
  CU_ASSERT(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
  leftover L;
  CU_ASSERT_EQUAL(read_leftover(dir, &L), 0);
  if (L.ok) {
    printf("\n    killed before its first flush: files open with %s, %zu spikes, %zu rows ", L.how, L.n_spikes, L.rows[0]);
    CU_ASSERT(L.n_spikes == 0 && L.rows[0] == 0 && L.rows[1] == 0);
    h5py_check(dir, &L);
  }
  leftover_free(&L);
  rm_rf(dir);
}

static CU_TestInfo tests[] = {
  {"SIGKILL mid-run: files are a consistent, bit-identical prefix", test_crash_sigkill},
  {"SIGINT mid-run: SG_ERR_INTERRUPTED after flushing, files complete", test_crash_sigint},
  {"HDF5 write failures mid-run (sg_h5_fail_after)", test_crash_hdf5_failure},
  {"output folder gone before the first run", test_crash_output_dir_gone},
  {"one run per output folder (process and in-process lock); overwrite_files; run_id", test_crash_output_lock},
  {"write errors (full disk) retried: nothing recorded lost, keep_in_memory = 0", test_crash_disk_full_retry},
  {"killed before its first flush: the files open as SWMR readers", test_crash_killed_before_first_flush},
  CU_TEST_INFO_NULL,
};

const sg_test_suite sg_suite_crash = {"crash", NULL, tests};
