/* h5out.c - SONATA spike and report files written with the HDF5 C API (serial 1.10), appended
 * block by block with a flush after each block. The only file of the library that includes
 * hdf5.h; the crash-safety argument and the error contract are in h5out.h. */
/* SPDX-License-Identifier: MIT */
#include "h5out.h"

#include <errno.h>
#include <hdf5.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Chunking, measured on the 2-core build machine (ext4, page cache; blocks of 1e3-1e6 spikes):
 * 16 Ki elements = 128 KiB per chunk. Each flush rewrites the partial last chunk, so larger
 * chunks cost small blocks dearly (1e3-spike blocks: 5e7 spikes/s at 128 KiB, 1.8e7 at 512 KiB,
 * 6e6 at 1 MiB) while blocks >= 1e5 run at 0.8-1.4e8 spikes/s (1.2-2.3 GB/s) for any chunk
 * size, SWMR or not: recording 1e6 spikes/s costs about 1% of the run.
 * The 4 MiB chunk cache per dataset keeps the partial chunk in memory between blocks.
 * No compression: shuffle+deflate(1) shrank synthetic spike data 6.7x but appended 10x slower
 * (1.4e7 spikes/s, i.e. 7% of a run producing 1e6 spikes/s instead of 0.7%), and a compressed
 * chunk that is rewritten moves in the file, so flushed metadata could point at freed space.
 * Users who need small files can run `h5repack -f SHUF -f GZIP=1` on finished output. */
#define SPIKE_CHUNK ((hsize_t)16384)
#define REPORT_CHUNK_BYTES ((size_t)1 << 17)  /* 128 KiB target per report chunk     */
#define REPORT_CHUNK_COLS ((hsize_t)16384)    /* at most 16 Ki nodes per chunk column  */
#define CHUNK_CACHE_BYTES ((size_t)4 << 20)
#define CHUNK_CACHE_SLOTS ((size_t)1009)

enum { KIND_SPIKES = 1, KIND_REPORT = 2 };
enum { SORT_NONE = 0, SORT_BY_ID = 1, SORT_BY_TIME = 2 };

typedef struct h5pop {
  char *path;        /* "/spikes/<name>" or "/report/<name>" */
  hid_t group;
  hid_t d_main;      /* spikes: timestamps; report: data          */
  hid_t d_aux;       /* spikes: node_ids;   report: mapping/time  */
  uint64_t n;        /* spikes or rows in the file after the last successful append */
  uint64_t n_nodes;  /* report only */
  double t_start, dt;
  double last_t;     /* spikes: last appended time (by_time check) */
} h5pop;

struct sg_h5 {
  hid_t file;
  int kind;
  int swmr;          /* 1 once H5Fstart_swmr_write ran (first append); 0 while objects may be created */
  int report_f32;    /* report data stored as float32 (sg_h5_meta.report_float32) */
  char *path;
  char *tmp_path;    /* while non-NULL the file lives under this name, moved to `path` once it
                        is in SWMR mode (or closed): a reader never meets a half-made file */
  hid_t d_tstop;     /* /t_stop: the file is complete up to this simulated time (ms) */
  double t_stop;     /* its value as last flushed */
  sg_status failed;  /* sticky: a failure that leaves the file in an unknown state (SWMR switch,
                        reopen, rollback); refuses the rest. A failed append is not sticky. */
  char failmsg[512];
  h5pop *pops;
  int n_pops, cap_pops;
};

/* ---- errors --------------------------------------------------------------------------- */

/* One public call: where the message goes, the first status, HDF5's saved auto-print. */
typedef struct ctx {
  const char *path;
  char *err;       /* the caller's buffer (may be NULL), filled by ctx_end */
  size_t errlen;
  sg_status st;
  char msg[512];
  H5E_auto2_t old_fn;
  void *old_data;
} ctx;

static int g_fail_after; /* sg_h5_fail_after: countdown, 0 = off */

static void ctx_begin(ctx *c, const char *path, char *err, size_t errlen) {
  c->path = path ? path : "(no file)";
  c->err = err;
  c->errlen = err ? errlen : 0;
  c->st = SG_OK;
  c->msg[0] = '\0';
  if (c->errlen) err[0] = '\0';
  c->old_fn = NULL;
  c->old_data = NULL;
  if (H5Eget_auto2(H5E_DEFAULT, &c->old_fn, &c->old_data) < 0) c->old_fn = NULL;
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
}

static sg_status ctx_end(ctx *c) {
  H5Eset_auto2(H5E_DEFAULT, c->old_fn, c->old_data);
  if (c->errlen) snprintf(c->err, c->errlen, "%s", c->msg);
  return c->st;
}

/* Sets status and message unless an earlier error of this call already did (first wins). */
static void fail_msg(ctx *c, sg_status st, const char *fmt, ...) {
  if (c->st != SG_OK) return;
  c->st = st;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(c->msg, sizeof c->msg, fmt, ap);
  va_end(ap);
}

typedef struct h5stack {
  hid_t maj, min;   /* innermost record */
  char desc[256];
  int io;           /* some record is a low-level I/O or file-open failure */
  int n;
} h5stack;

static herr_t walk_cb(unsigned n, const H5E_error2_t *e, void *data) {
  h5stack *s = (h5stack *)data;
  (void)n;
  s->maj = e->maj_num;
  s->min = e->min_num;
  snprintf(s->desc, sizeof s->desc, "%s", e->desc ? e->desc : "");
  if (e->maj_num == H5E_IO || e->min_num == H5E_CANTOPENFILE || e->min_num == H5E_WRITEERROR ||
      e->min_num == H5E_READERROR || e->min_num == H5E_SEEKERROR || e->min_num == H5E_TRUNCATED)
    s->io = 1;
  s->n++;
  return 0;
}

/* "file write failed: time = ..., errno = 28, error message = 'No space left on device', buf
 * = ..." -> "file write failed: errno = 28, error message = 'No space left on device'". */
static void shorten_desc(char *d) {
  char *e = strstr(d, "errno = ");
  char *colon = strchr(d, ':');
  if (!e || !colon || colon > e) return;
  char *q = strstr(e, "error message = '");
  char *end = q ? strchr(q + 17, '\'') : NULL;
  if (end) end[1] = '\0';
  else {
    char *comma = strchr(e, ',');
    if (comma) *comma = '\0';
  }
  memmove(colon + 2, e, strlen(e) + 1);
  colon[1] = ' ';
}

/* An HDF5 call returned < 0: walk the error stack now, before another call clears it. */
static void fail_h5(ctx *c, const char *obj, const char *call) {
  if (c->st != SG_OK) return;
  h5stack s;
  memset(&s, 0, sizeof s);
  s.maj = s.min = H5I_INVALID_HID;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, walk_cb, &s);
  char maj[96] = "?", min[96] = "?";
  if (s.n) {
    if (H5Eget_msg(s.maj, NULL, maj, sizeof maj) < 0) snprintf(maj, sizeof maj, "?");
    if (H5Eget_msg(s.min, NULL, min, sizeof min) < 0) snprintf(min, sizeof min, "?");
    shorten_desc(s.desc);
  } else {
    snprintf(s.desc, sizeof s.desc, "no HDF5 error record");
  }
  H5Eclear2(H5E_DEFAULT);
  fail_msg(c, s.io ? SG_ERR_IO : SG_ERR_HDF5, "%s: %s: %s failed: %s / %s: %s", c->path, obj, call,
           maj, min, s.desc);
}

static int injected(void) {
  if (g_fail_after <= 0) return 0;
  return --g_fail_after == 0;
}

void sg_h5_fail_after(int n_writes) { g_fail_after = n_writes > 0 ? n_writes : 0; }

/* TRY: any HDF5 call. WTRY: a call that modifies the file (counts for sg_h5_fail_after). */
#define TRY(c, expr, obj, call)                                                                \
  do {                                                                                         \
    if ((expr) < 0) {                                                                          \
      fail_h5((c), (obj), (call));                                                             \
      goto fail;                                                                               \
    }                                                                                          \
  } while (0)
#define WTRY(c, expr, obj, call)                                                               \
  do {                                                                                         \
    if (injected()) {                                                                          \
      fail_msg((c), SG_ERR_HDF5, "%s: %s: %s failed: injected failure (sg_h5_fail_after)",     \
               (c)->path, (obj), (call));                                                      \
      goto fail;                                                                               \
    }                                                                                          \
    TRY(c, expr, obj, call);                                                                   \
  } while (0)

/* Closes any HDF5 id (ignoring errors: used on cleanup paths) and invalidates it. */
static void xclose(hid_t *id) {
  if (*id < 0) return;
  switch (H5Iget_type(*id)) {
    case H5I_FILE: H5Fclose(*id); break;
    case H5I_GROUP: H5Gclose(*id); break;
    case H5I_DATASET: H5Dclose(*id); break;
    case H5I_DATASPACE: H5Sclose(*id); break;
    case H5I_DATATYPE: H5Tclose(*id); break;
    case H5I_ATTR: H5Aclose(*id); break;
    case H5I_GENPROP_LST: H5Pclose(*id); break;
    default: break;
  }
  *id = H5I_INVALID_HID;
}

static char *xstrdup2(const char *a, const char *b) {
  size_t la = strlen(a), lb = b ? strlen(b) : 0;
  char *s = (char *)malloc(la + lb + 1);
  if (!s) return NULL;
  memcpy(s, a, la);
  if (lb) memcpy(s + la, b, lb);
  s[la + lb] = '\0';
  return s;
}

/* ---- small writers -------------------------------------------------------------------- */

static hid_t vlen_utf8(void) {
  hid_t t = H5Tcopy(H5T_C_S1);
  if (t < 0) return t;
  if (H5Tset_size(t, H5T_VARIABLE) < 0 || H5Tset_cset(t, H5T_CSET_UTF8) < 0) {
    H5Tclose(t);
    return H5I_INVALID_HID;
  }
  return t;
}

/* Scalar attribute `name` on `loc` (objpath names loc in messages). */
static int attr_write(ctx *c, hid_t loc, const char *objpath, const char *name, hid_t ftype,
                      hid_t mtype, const void *value) {
  hid_t sp = H5I_INVALID_HID, a = H5I_INVALID_HID;
  TRY(c, sp = H5Screate(H5S_SCALAR), objpath, "H5Screate");
  WTRY(c, a = H5Acreate2(loc, name, ftype, sp, H5P_DEFAULT, H5P_DEFAULT), objpath, "H5Acreate2");
  WTRY(c, H5Awrite(a, mtype, value), objpath, "H5Awrite");
  xclose(&a);
  xclose(&sp);
  return 0;
fail:
  xclose(&a);
  xclose(&sp);
  return -1;
}

static int attr_str(ctx *c, hid_t loc, const char *objpath, const char *name, const char *value) {
  hid_t t = H5I_INVALID_HID;
  TRY(c, t = vlen_utf8(), objpath, "H5Tcopy");
  int r = attr_write(c, loc, objpath, name, t, t, &value);
  xclose(&t);
  return r;
fail:
  return -1;
}

/* Scalar variable-length UTF-8 string dataset (any length: the text goes to the global heap). */
static int str_dataset(ctx *c, hid_t loc, const char *name, const char *objpath, const char *value) {
  hid_t t = H5I_INVALID_HID, sp = H5I_INVALID_HID, d = H5I_INVALID_HID;
  TRY(c, t = vlen_utf8(), objpath, "H5Tcopy");
  TRY(c, sp = H5Screate(H5S_SCALAR), objpath, "H5Screate");
  WTRY(c, d = H5Dcreate2(loc, name, t, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), objpath,
       "H5Dcreate2");
  WTRY(c, H5Dwrite(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, &value), objpath, "H5Dwrite");
  xclose(&d);
  xclose(&sp);
  xclose(&t);
  return 0;
fail:
  xclose(&d);
  xclose(&sp);
  xclose(&t);
  return -1;
}

/* Access properties of the extendable datasets: a chunk cache that holds the partial last
 * chunk between appends; w0 = 1 evicts fully written chunks first. */
static hid_t chunk_dapl(void) {
  hid_t dapl = H5Pcreate(H5P_DATASET_ACCESS);
  if (dapl < 0) return dapl;
  if (H5Pset_chunk_cache(dapl, CHUNK_CACHE_SLOTS, CHUNK_CACHE_BYTES, 1.0) < 0) {
    H5Pclose(dapl);
    return H5I_INVALID_HID;
  }
  return dapl;
}

/* Empty, chunked dataset, extendable along dim 0: rank 1 {0}/{inf}, or rank 2 {0, ncols}/{inf,
 * ncols}. Returns the dataset or H5I_INVALID_HID. */
static hid_t make_ext(ctx *c, hid_t loc, const char *name, const char *objpath, hid_t ftype,
                      int rank, const hsize_t *chunk, hsize_t ncols) {
  hid_t sp = H5I_INVALID_HID, dcpl = H5I_INVALID_HID, dapl = H5I_INVALID_HID;
  hid_t d = H5I_INVALID_HID;
  hsize_t dims[2] = {0, ncols}, maxd[2] = {H5S_UNLIMITED, ncols};
  TRY(c, sp = H5Screate_simple(rank, dims, maxd), objpath, "H5Screate_simple");
  TRY(c, dcpl = H5Pcreate(H5P_DATASET_CREATE), objpath, "H5Pcreate");
  TRY(c, H5Pset_chunk(dcpl, rank, chunk), objpath, "H5Pset_chunk");
  TRY(c, dapl = chunk_dapl(), objpath, "H5Pset_chunk_cache");
  WTRY(c, d = H5Dcreate2(loc, name, ftype, sp, H5P_DEFAULT, dcpl, dapl), objpath, "H5Dcreate2");
fail:
  xclose(&dapl);
  xclose(&dcpl);
  xclose(&sp);
  return d;
}

/* Fixed-size 1-D dataset of n elements, or a scalar for n = AS_SCALAR, written whole
 * (contiguous, or compact when small: a compact dataset lives in its object header, i.e. in
 * HDF5 metadata, which SWMR writing may rewrite). */
#define AS_SCALAR ((hsize_t)0)
static int fixed_1d(ctx *c, hid_t loc, const char *name, const char *objpath, hid_t ftype,
                    hid_t mtype, hsize_t n, const void *data, int compact, hid_t *keep) {
  hid_t sp = H5I_INVALID_HID, dcpl = H5I_INVALID_HID, d = H5I_INVALID_HID;
  if (n == AS_SCALAR) TRY(c, sp = H5Screate(H5S_SCALAR), objpath, "H5Screate");
  else TRY(c, sp = H5Screate_simple(1, &n, NULL), objpath, "H5Screate_simple");
  TRY(c, dcpl = H5Pcreate(H5P_DATASET_CREATE), objpath, "H5Pcreate");
  if (compact) TRY(c, H5Pset_layout(dcpl, H5D_COMPACT), objpath, "H5Pset_layout");
  WTRY(c, d = H5Dcreate2(loc, name, ftype, sp, H5P_DEFAULT, dcpl, H5P_DEFAULT), objpath,
       "H5Dcreate2");
  WTRY(c, H5Dwrite(d, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), objpath, "H5Dwrite");
  xclose(&dcpl);
  xclose(&sp);
  if (keep) *keep = d;
  else xclose(&d);
  return 0;
fail:
  xclose(&d);
  xclose(&dcpl);
  xclose(&sp);
  return -1;
}

/* Writes data[0..count) of a rank-1 or rank-2 dataset at row offset `row` (all columns). */
static int write_rows(ctx *c, hid_t d, const char *objpath, hid_t mtype, hsize_t row,
                      hsize_t count, hsize_t ncols, int rank, const void *data) {
  hid_t fs = H5I_INVALID_HID, ms = H5I_INVALID_HID;
  hsize_t start[2] = {row, 0}, cnt[2] = {count, ncols};
  TRY(c, fs = H5Dget_space(d), objpath, "H5Dget_space");
  TRY(c, H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, cnt, NULL), objpath,
      "H5Sselect_hyperslab");
  TRY(c, ms = H5Screate_simple(rank, cnt, NULL), objpath, "H5Screate_simple");
  WTRY(c, H5Dwrite(d, mtype, ms, fs, H5P_DEFAULT, data), objpath, "H5Dwrite");
  xclose(&ms);
  xclose(&fs);
  return 0;
fail:
  xclose(&ms);
  xclose(&fs);
  return -1;
}

/* ---- files ---------------------------------------------------------------------------- */

/* The latest (1.10) file format, which SWMR writing requires. File locking stays on, but a
 * filesystem without flock (some NFS and Lustre mounts) no longer makes H5Fcreate fail. */
static hid_t latest_fapl(void) {
  hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
  if (fapl < 0) return fapl;
  if (H5Pset_libver_bounds(fapl, H5F_LIBVER_LATEST, H5F_LIBVER_LATEST) < 0
#if H5_VERSION_GE(1, 10, 7)
      || H5Pset_file_locking(fapl, 1, 1) < 0
#endif
  ) {
    H5Pclose(fapl);
    return H5I_INVALID_HID;
  }
  return fapl;
}

/* "<dir>/.<name>.partial": hidden, and not "*.h5", so nothing takes it for output. */
static char *tmp_name(const char *path) {
  const char *slash = strrchr(path, '/');
  const char *base = slash ? slash + 1 : path;
  size_t dl = (size_t)(base - path), bl = strlen(base);
  char *s = (char *)malloc(dl + bl + 10);
  if (!s) return NULL;
  memcpy(s, path, dl);
  s[dl] = '.';
  memcpy(s + dl + 1, base, bl);
  memcpy(s + dl + 1 + bl, ".partial", 9);
  return s;
}

/* Moves the file from its temporary name to its own (atomically replacing an older file). */
static int publish(ctx *c, sg_h5 *f) {
  if (!f->tmp_path) return 0;
  if (rename(f->tmp_path, f->path) != 0) {
    fail_msg(c, SG_ERR_IO, "%s: rename from %s failed: %s", f->path, f->tmp_path, strerror(errno));
    return -1;
  }
  free(f->tmp_path);
  f->tmp_path = NULL;
  return 0;
}

static void free_handle(sg_h5 *f) {
  if (!f) return;
  for (int i = 0; i < f->n_pops; ++i) free(f->pops[i].path);
  free(f->pops);
  free(f->path);
  free(f->tmp_path);
  free(f);
}

static sg_status create_file(const char *path, const sg_h5_meta *meta, int kind, sg_h5 **out,
                             char *err, size_t errlen) {
  ctx c;
  ctx_begin(&c, path, err, errlen);
  sg_h5 *f = NULL;
  hid_t g = H5I_INVALID_HID, fapl = H5I_INVALID_HID;
  const char *top = kind == KIND_SPIKES ? "/spikes" : "/report";
  if (out) *out = NULL;
  if (!path || !*path || !out) {
    fail_msg(&c, SG_ERR_ARG, "sg_h5_%s_create: %s is NULL or empty",
             kind == KIND_SPIKES ? "spikes" : "report", !out ? "out" : "path");
    return ctx_end(&c);
  }
  if (meta && !isfinite(meta->t_start_ms)) {
    fail_msg(&c, SG_ERR_ARG, "%s: meta->t_start_ms = %g: allowed a finite time", path,
             meta->t_start_ms);
    return ctx_end(&c);
  }
  f = (sg_h5 *)calloc(1, sizeof *f);
  if (f) f->file = f->d_tstop = H5I_INVALID_HID;
  if (!f || !(f->path = xstrdup2(path, NULL))) {
    fail_msg(&c, SG_ERR_NOMEM, "%s: out of memory", path);
    goto fail;
  }
  f->kind = kind;
  f->report_f32 = meta && meta->report_float32;
  if (!(f->tmp_path = tmp_name(path))) {
    fail_msg(&c, SG_ERR_NOMEM, "%s: out of memory", path);
    goto fail;
  }
  TRY(&c, fapl = latest_fapl(), "/", "H5Pset_libver_bounds");
  WTRY(&c, f->file = H5Fcreate(f->tmp_path, H5F_ACC_TRUNC, H5P_DEFAULT, fapl), "/", "H5Fcreate");
  xclose(&fapl);
  WTRY(&c, g = H5Gcreate2(f->file, top, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), top,
       "H5Gcreate2");
  xclose(&g);
  /* the span the file covers: t_start (fixed) and t_stop (moved by sg_h5_set_t_stop) */
  f->t_stop = meta ? meta->t_start_ms : 0.0;
  if (attr_write(&c, f->file, "/", "t_start", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &f->t_stop) < 0 ||
      fixed_1d(&c, f->file, "t_stop", "/t_stop", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, AS_SCALAR,
               &f->t_stop, 1, &f->d_tstop) < 0 ||
      attr_str(&c, f->d_tstop, "/t_stop", "units", "ms") < 0)
    goto fail;
  if (meta) {
    if (attr_write(&c, f->file, "/", "resolution_ms", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE,
                   &meta->resolution_ms) < 0 ||
        attr_write(&c, f->file, "/", "seed", H5T_STD_U64LE, H5T_NATIVE_UINT64, &meta->seed) < 0 ||
        (meta->backend && attr_str(&c, f->file, "/", "backend", meta->backend) < 0) ||
        (meta->version && attr_str(&c, f->file, "/", "version", meta->version) < 0) ||
        (meta->run_id && attr_str(&c, f->file, "/", "run_id", meta->run_id) < 0))
      goto fail;
    if (meta->network_json) {
      WTRY(&c, g = H5Gcreate2(f->file, "/metadata", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
           "/metadata", "H5Gcreate2");
      if (str_dataset(&c, g, "network_json", "/metadata/network_json", meta->network_json) < 0)
        goto fail;
      xclose(&g);
    }
  }
  WTRY(&c, H5Fflush(f->file, H5F_SCOPE_LOCAL), "/", "H5Fflush");
  *out = f;
  return ctx_end(&c);
fail:
  xclose(&g);
  xclose(&fapl);
  if (f) xclose(&f->d_tstop);
  if (f && f->file >= 0) {
    xclose(&f->file);
    remove(f->tmp_path); /* do not leave a half-made file behind */
  }
  free_handle(f);
  return ctx_end(&c);
}

sg_status sg_h5_spikes_create(const char *path, const sg_h5_meta *meta, sg_h5 **out, char *err,
                              size_t errlen) {
  return create_file(path, meta, KIND_SPIKES, out, err, errlen);
}

sg_status sg_h5_report_create(const char *path, const sg_h5_meta *meta, sg_h5 **out, char *err,
                              size_t errlen) {
  return create_file(path, meta, KIND_REPORT, out, err, errlen);
}

/* SWMR. Appends run in SWMR write mode, in which HDF5 orders its metadata writes so that the
 * file is consistent at every instant (that is what makes a killed run's file readable).
 * HDF5 1.10 does not support creating objects in that mode, so adding a population after the
 * first append closes the file and reopens it in normal mode; the next append restarts SWMR. */
static int enter_swmr(ctx *c, sg_h5 *f) {
  if (!f->swmr) {
    if (injected()) {
      fail_msg(c, SG_ERR_HDF5, "%s: /: H5Fstart_swmr_write failed: injected failure (sg_h5_fail_after)", c->path);
      goto sticky;
    }
    if (H5Fstart_swmr_write(f->file) < 0) {
      fail_h5(c, "/", "H5Fstart_swmr_write");
      goto sticky;
    }
    f->swmr = 1;
  }
  if (f->tmp_path) { /* first time: flushed in SWMR mode, then under its own name */
    WTRY(c, H5Fflush(f->file, H5F_SCOPE_LOCAL), "/", "H5Fflush");
    if (publish(c, f) < 0) goto fail;
  }
  return 0;
fail: /* the file is in SWMR mode, only not yet flushed or renamed: the next call retries */
  return -1;
sticky:
  f->failed = c->st; /* the file is in an unknown mode: no more appends */
  snprintf(f->failmsg, sizeof f->failmsg, "%s", c->msg);
  return -1;
}

static void close_pop_ids(h5pop *p) {
  xclose(&p->d_aux);
  xclose(&p->d_main);
  xclose(&p->group);
}

static int leave_swmr(ctx *c, sg_h5 *f) {
  hid_t fapl = H5I_INVALID_HID, dapl = H5I_INVALID_HID;
  if (!f->swmr) return 0;
  for (int i = 0; i < f->n_pops; ++i) close_pop_ids(&f->pops[i]);
  xclose(&f->d_tstop);
  hid_t file = f->file;
  f->file = H5I_INVALID_HID;
  TRY(c, H5Fclose(file), "/", "H5Fclose");
  f->swmr = 0;
  TRY(c, fapl = latest_fapl(), "/", "H5Pset_libver_bounds");
  TRY(c, f->file = H5Fopen(f->tmp_path ? f->tmp_path : f->path, H5F_ACC_RDWR, fapl), "/", "H5Fopen");
  TRY(c, dapl = chunk_dapl(), "/", "H5Pset_chunk_cache");
  TRY(c, f->d_tstop = H5Dopen2(f->file, "/t_stop", H5P_DEFAULT), "/t_stop", "H5Dopen2");
  for (int i = 0; i < f->n_pops; ++i) {
    h5pop *p = &f->pops[i];
    int sp = f->kind == KIND_SPIKES;
    TRY(c, p->group = H5Gopen2(f->file, p->path, H5P_DEFAULT), p->path, "H5Gopen2");
    TRY(c, p->d_main = H5Dopen2(p->group, sp ? "timestamps" : "data", dapl), p->path, "H5Dopen2");
    TRY(c, p->d_aux = H5Dopen2(p->group, sp ? "node_ids" : "mapping/time", H5P_DEFAULT), p->path,
        "H5Dopen2");
  }
  xclose(&dapl);
  xclose(&fapl);
  return 0;
fail:
  xclose(&dapl);
  xclose(&fapl);
  f->failed = c->st; /* the handle cannot be used any more */
  snprintf(f->failmsg, sizeof f->failmsg, "%s", c->msg);
  return -1;
}

/* Common checks of the population calls; returns the new (zeroed) slot or NULL. */
static h5pop *new_pop(ctx *c, sg_h5 *f, int kind, const char *name, int *pop, const char *fn) {
  if (!f || !name || !pop) {
    fail_msg(c, SG_ERR_ARG, "%s: %s is NULL", fn, !f ? "file" : !name ? "name" : "pop");
    return NULL;
  }
  if (f->kind != kind) {
    fail_msg(c, SG_ERR_ARG, "%s: %s: not a %s file", fn, f->path,
             kind == KIND_SPIKES ? "spike" : "report");
    return NULL;
  }
  if (!*name || strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, "..")) {
    fail_msg(c, SG_ERR_ARG, "%s: %s: invalid population name '%s' (non-empty, no '/')", fn,
             f->path, name);
    return NULL;
  }
  if (f->failed != SG_OK) {
    fail_msg(c, f->failed, "%s: %s: refused after an earlier failure: %s", fn, f->path, f->failmsg);
    return NULL;
  }
  const char *top = kind == KIND_SPIKES ? "/spikes/" : "/report/";
  for (int i = 0; i < f->n_pops; ++i)
    if (!strcmp(f->pops[i].path + strlen(top), name)) {
      fail_msg(c, SG_ERR_ARG, "%s: %s: population '%s' already exists", fn, f->path, name);
      return NULL;
    }
  if (f->n_pops == f->cap_pops) {
    int cap = f->cap_pops ? 2 * f->cap_pops : 4;
    h5pop *p = (h5pop *)realloc(f->pops, (size_t)cap * sizeof *p);
    if (!p) {
      fail_msg(c, SG_ERR_NOMEM, "%s: %s: out of memory", fn, f->path);
      return NULL;
    }
    f->pops = p;
    f->cap_pops = cap;
  }
  if (leave_swmr(c, f) < 0) return NULL;
  h5pop *p = &f->pops[f->n_pops];
  memset(p, 0, sizeof *p);
  p->group = p->d_main = p->d_aux = H5I_INVALID_HID;
  p->last_t = -INFINITY;
  if (!(p->path = xstrdup2(top, name))) {
    fail_msg(c, SG_ERR_NOMEM, "%s: %s: out of memory", fn, f->path);
    return NULL;
  }
  return p;
}

/* Undoes a half-made population: closes its ids, unlinks its group (best effort). */
static void drop_pop(sg_h5 *f, h5pop *p) {
  if (!p) return;
  close_pop_ids(p);
  if (p->path && f->file >= 0 && H5Lexists(f->file, p->path, H5P_DEFAULT) > 0)
    H5Ldelete(f->file, p->path, H5P_DEFAULT);
  free(p->path);
  p->path = NULL;
}

sg_status sg_h5_spikes_population(sg_h5 *f, const char *name, uint64_t first_global_id, int *pop,
                                  char *err, size_t errlen) {
  ctx c;
  ctx_begin(&c, f ? f->path : NULL, err, errlen);
  hid_t et = H5I_INVALID_HID;
  char obj[300];
  h5pop *p = new_pop(&c, f, KIND_SPIKES, name, pop, "sg_h5_spikes_population");
  if (!p || !f || !pop) return ctx_end(&c); /* f and pop are non-NULL when p is */
  WTRY(&c, p->group = H5Gcreate2(f->file, p->path, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), p->path,
       "H5Gcreate2");
  /* the enum libsonata reads (SpikeReader::Population::Sorting) */
  TRY(&c, et = H5Tenum_create(H5T_STD_U8LE), p->path, "H5Tenum_create");
  uint8_t v[3] = {SORT_NONE, SORT_BY_ID, SORT_BY_TIME};
  TRY(&c, H5Tenum_insert(et, "none", &v[0]), p->path, "H5Tenum_insert");
  TRY(&c, H5Tenum_insert(et, "by_id", &v[1]), p->path, "H5Tenum_insert");
  TRY(&c, H5Tenum_insert(et, "by_time", &v[2]), p->path, "H5Tenum_insert");
  if (attr_write(&c, p->group, p->path, "sorting", et, et, &v[2]) < 0 ||
      attr_write(&c, p->group, p->path, "first_global_id", H5T_STD_U64LE, H5T_NATIVE_UINT64,
                 &first_global_id) < 0)
    goto fail;
  xclose(&et);
  hsize_t chunk = SPIKE_CHUNK;
  snprintf(obj, sizeof obj, "%s/timestamps", p->path);
  if ((p->d_main = make_ext(&c, p->group, "timestamps", obj, H5T_IEEE_F64LE, 1, &chunk, 0)) < 0 ||
      attr_str(&c, p->d_main, obj, "units", "ms") < 0)
    goto fail;
  snprintf(obj, sizeof obj, "%s/node_ids", p->path);
  if ((p->d_aux = make_ext(&c, p->group, "node_ids", obj, H5T_STD_U64LE, 1, &chunk, 0)) < 0)
    goto fail;
  WTRY(&c, H5Fflush(f->file, H5F_SCOPE_LOCAL), p->path, "H5Fflush");
  *pop = f->n_pops++;
  return ctx_end(&c);
fail:
  xclose(&et);
  drop_pop(f, p);
  return ctx_end(&c);
}

sg_status sg_h5_report_population(sg_h5 *f, const char *name, const uint64_t *node_ids,
                                  size_t n_nodes, double t_start_ms, double dt_ms, const char *unit,
                                  int *pop, char *err, size_t errlen) {
  ctx c;
  ctx_begin(&c, f ? f->path : NULL, err, errlen);
  hid_t mg = H5I_INVALID_HID;
  uint64_t *ip = NULL;
  uint32_t *el = NULL;
  char obj[300];
  const char *fn = "sg_h5_report_population";
  if (f && name && pop && (!node_ids || n_nodes == 0 || !isfinite(t_start_ms) ||
                           !isfinite(dt_ms) || !(dt_ms > 0))) {
    fail_msg(&c, SG_ERR_ARG, "%s: %s: population '%s': %s", fn, f->path, name,
             !node_ids ? "node_ids is NULL" : n_nodes == 0 ? "n_nodes must be >= 1"
             : !isfinite(t_start_ms) ? "t_start_ms must be finite" : "dt_ms must be finite and > 0");
    return ctx_end(&c);
  }
  h5pop *p = new_pop(&c, f, KIND_REPORT, name, pop, fn);
  if (!p || !f || !pop) return ctx_end(&c); /* f and pop are non-NULL when p is */
  p->n_nodes = n_nodes;
  p->t_start = t_start_ms;
  p->dt = dt_ms;
  WTRY(&c, p->group = H5Gcreate2(f->file, p->path, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), p->path,
       "H5Gcreate2");
  /* data: chunks of about REPORT_CHUNK_BYTES, whole rows when they fit */
  hsize_t cols = n_nodes < REPORT_CHUNK_COLS ? (hsize_t)n_nodes : REPORT_CHUNK_COLS;
  hid_t ftype = f->report_f32 ? H5T_IEEE_F32LE : H5T_IEEE_F64LE; /* HDF5 converts on write */
  hsize_t rows = REPORT_CHUNK_BYTES / H5Tget_size(ftype) / cols;
  hsize_t chunk[2] = {rows ? rows : 1, cols};
  snprintf(obj, sizeof obj, "%s/data", p->path);
  if ((p->d_main = make_ext(&c, p->group, "data", obj, ftype, 2, chunk, n_nodes)) < 0 ||
      attr_str(&c, p->d_main, obj, "units", unit ? unit : "") < 0)
    goto fail;
  snprintf(obj, sizeof obj, "%s/mapping", p->path);
  WTRY(&c, mg = H5Gcreate2(p->group, "mapping", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), obj,
       "H5Gcreate2");
  ip = (uint64_t *)malloc((n_nodes + 1) * sizeof *ip);
  el = (uint32_t *)calloc(n_nodes, sizeof *el);
  if (!ip || !el) {
    fail_msg(&c, SG_ERR_NOMEM, "%s: %s: out of memory for %zu nodes", fn, f->path, n_nodes);
    goto fail;
  }
  uint8_t sorted = 1;
  for (size_t i = 0; i <= n_nodes; ++i) ip[i] = i;
  for (size_t i = 1; i < n_nodes; ++i)
    if (node_ids[i] <= node_ids[i - 1]) sorted = 0;
  hid_t nd = H5I_INVALID_HID;
  snprintf(obj, sizeof obj, "%s/mapping/node_ids", p->path);
  if (fixed_1d(&c, mg, "node_ids", obj, H5T_STD_U64LE, H5T_NATIVE_UINT64, n_nodes, node_ids, 0,
               &nd) < 0)
    goto fail;
  int r = attr_write(&c, nd, obj, "sorted", H5T_STD_U8LE, H5T_NATIVE_UINT8, &sorted);
  xclose(&nd);
  if (r < 0) goto fail;
  snprintf(obj, sizeof obj, "%s/mapping/index_pointers", p->path);
  if (fixed_1d(&c, mg, "index_pointers", obj, H5T_STD_U64LE, H5T_NATIVE_UINT64, n_nodes + 1, ip, 0,
               NULL) < 0)
    goto fail;
  snprintf(obj, sizeof obj, "%s/mapping/element_ids", p->path);
  if (fixed_1d(&c, mg, "element_ids", obj, H5T_STD_U32LE, H5T_NATIVE_UINT32, n_nodes, el, 0,
               NULL) < 0)
    goto fail;
  /* compact: the 3 numbers live in the object header, i.e. in HDF5 metadata */
  double tm[3] = {t_start_ms, t_start_ms, dt_ms};
  snprintf(obj, sizeof obj, "%s/mapping/time", p->path);
  if (fixed_1d(&c, mg, "time", obj, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 3, tm, 1, &p->d_aux) < 0 ||
      attr_str(&c, p->d_aux, obj, "units", "ms") < 0)
    goto fail;
  xclose(&mg);
  free(ip);
  free(el);
  ip = NULL;
  el = NULL;
  WTRY(&c, H5Fflush(f->file, H5F_SCOPE_LOCAL), p->path, "H5Fflush");
  *pop = f->n_pops++;
  return ctx_end(&c);
fail:
  xclose(&mg);
  free(ip);
  free(el);
  drop_pop(f, p);
  return ctx_end(&c);
}

/* Common checks of the append calls; returns the population or NULL. */
static h5pop *get_pop(ctx *c, sg_h5 *f, int kind, int pop, const char *fn) {
  if (!f) {
    fail_msg(c, SG_ERR_ARG, "%s: file is NULL", fn);
    return NULL;
  }
  if (f->kind != kind || pop < 0 || pop >= f->n_pops) {
    fail_msg(c, SG_ERR_ARG, "%s: %s: no %s population with handle %d", fn, f->path,
             kind == KIND_SPIKES ? "spike" : "report", pop);
    return NULL;
  }
  if (f->failed != SG_OK) {
    fail_msg(c, f->failed, "%s: %s: refused after an earlier failure: %s", fn, f->path,
             f->failmsg);
    return NULL;
  }
  if (enter_swmr(c, f) < 0) return NULL;
  return &f->pops[pop];
}

/* After a failed append: shrink the datasets back to the last good block and flush that state,
 * so the file is the one of the last good block and the next append may retry the block (a
 * full disk is often transient). Only a failed shrink makes the failure sticky. */
static void append_failed(ctx *c, sg_h5 *f, h5pop *p) {
  ctx r; /* a nested context only for its message; auto-print is already off */
  memset(&r, 0, sizeof r);
  r.path = c->path;
  if (f->kind == KIND_SPIKES) {
    hsize_t n = p->n;
    TRY(&r, H5Dset_extent(p->d_main, &n), p->path, "rollback H5Dset_extent");
    TRY(&r, H5Dset_extent(p->d_aux, &n), p->path, "rollback H5Dset_extent");
  } else {
    hsize_t dims[2] = {p->n, p->n_nodes};
    double stop = p->t_start + (double)p->n * p->dt;
    TRY(&r, H5Dset_extent(p->d_main, dims), p->path, "rollback H5Dset_extent");
    if (write_rows(&r, p->d_aux, p->path, H5T_NATIVE_DOUBLE, 1, 1, 0, 1, &stop) < 0) goto fail;
  }
  /* a failed flush here (the disk still full) is left to the next append's flush */
  if (H5Fflush(f->file, H5F_SCOPE_LOCAL) < 0) H5Eclear2(H5E_DEFAULT);
  return;
fail: {
    size_t used = strlen(c->msg);
    snprintf(c->msg + used, sizeof c->msg - used, " (and the rollback failed: %s)", r.msg);
    f->failed = c->st;
    snprintf(f->failmsg, sizeof f->failmsg, "%s", c->msg);
  }
}

sg_status sg_h5_spikes_append(sg_h5 *f, int pop, const double *times_ms, const uint64_t *node_ids,
                              size_t n, char *err, size_t errlen) {
  ctx c;
  ctx_begin(&c, f ? f->path : NULL, err, errlen);
  char obj[300];
  h5pop *p = get_pop(&c, f, KIND_SPIKES, pop, "sg_h5_spikes_append");
  if (!p || n == 0) return ctx_end(&c);
  if (!times_ms || !node_ids) {
    fail_msg(&c, SG_ERR_ARG, "sg_h5_spikes_append: %s: %s is NULL", f->path,
             !times_ms ? "times_ms" : "node_ids");
    return ctx_end(&c);
  }
  double prev = p->last_t;
  for (size_t i = 0; i < n; ++i) {
    double t = times_ms[i];
    if (!(t >= prev) || !isfinite(t)) {
      fail_msg(&c, SG_ERR_ARG, "sg_h5_spikes_append: %s: %s: times_ms[%zu] = %.17g %s", f->path,
               p->path, i, t, !isfinite(t) ? "is not finite"
               : "is earlier than the spike before it (the file is sorted by time)");
      return ctx_end(&c);
    }
    prev = t;
  }
  hsize_t newn = p->n + n;
  snprintf(obj, sizeof obj, "%s/timestamps", p->path);
  WTRY(&c, H5Dset_extent(p->d_main, &newn), obj, "H5Dset_extent");
  if (write_rows(&c, p->d_main, obj, H5T_NATIVE_DOUBLE, p->n, n, 1, 1, times_ms) < 0) goto fail;
  snprintf(obj, sizeof obj, "%s/node_ids", p->path);
  WTRY(&c, H5Dset_extent(p->d_aux, &newn), obj, "H5Dset_extent");
  if (write_rows(&c, p->d_aux, obj, H5T_NATIVE_UINT64, p->n, n, 1, 1, node_ids) < 0) goto fail;
  snprintf(obj, sizeof obj, "%s/{timestamps,node_ids}", p->path);
  WTRY(&c, H5Fflush(f->file, H5F_SCOPE_LOCAL), obj, "H5Fflush");
  p->n = newn;
  p->last_t = prev;
  return ctx_end(&c);
fail:
  append_failed(&c, f, p);
  return ctx_end(&c);
}

sg_status sg_h5_report_append(sg_h5 *f, int pop, const double *rows, size_t n_rows, char *err,
                              size_t errlen) {
  ctx c;
  ctx_begin(&c, f ? f->path : NULL, err, errlen);
  char obj[300];
  h5pop *p = get_pop(&c, f, KIND_REPORT, pop, "sg_h5_report_append");
  if (!p || n_rows == 0) return ctx_end(&c);
  if (!rows) {
    fail_msg(&c, SG_ERR_ARG, "sg_h5_report_append: %s: rows is NULL", f->path);
    return ctx_end(&c);
  }
  hsize_t dims[2] = {p->n + n_rows, p->n_nodes};
  double stop = p->t_start + (double)dims[0] * p->dt;
  snprintf(obj, sizeof obj, "%s/data", p->path);
  WTRY(&c, H5Dset_extent(p->d_main, dims), obj, "H5Dset_extent");
  if (write_rows(&c, p->d_main, obj, H5T_NATIVE_DOUBLE, p->n, n_rows, p->n_nodes, 2, rows) < 0)
    goto fail;
  /* Two flushes: the rows reach the file before the stop time that makes readers use them, so
   * a file cut anywhere in between shows at most extra rows past `stop`, never missing ones. */
  WTRY(&c, H5Fflush(f->file, H5F_SCOPE_LOCAL), obj, "H5Fflush");
  snprintf(obj, sizeof obj, "%s/mapping/time", p->path);
  if (write_rows(&c, p->d_aux, obj, H5T_NATIVE_DOUBLE, 1, 1, 0, 1, &stop) < 0) goto fail;
  WTRY(&c, H5Fflush(f->file, H5F_SCOPE_LOCAL), obj, "H5Fflush");
  p->n = dims[0];
  return ctx_end(&c);
fail:
  append_failed(&c, f, p);
  return ctx_end(&c);
}

sg_status sg_h5_flush(sg_h5 *f, char *err, size_t errlen) {
  ctx c;
  ctx_begin(&c, f ? f->path : NULL, err, errlen);
  if (!f) {
    fail_msg(&c, SG_ERR_ARG, "sg_h5_flush: file is NULL");
    return ctx_end(&c);
  }
  if (f->failed == SG_OK && enter_swmr(&c, f) < 0) return ctx_end(&c);
  WTRY(&c, H5Fflush(f->file, H5F_SCOPE_LOCAL), "/", "H5Fflush");
fail:
  return ctx_end(&c);
}

sg_status sg_h5_set_t_stop(sg_h5 *f, double t_ms, char *err, size_t errlen) {
  ctx c;
  ctx_begin(&c, f ? f->path : NULL, err, errlen);
  if (!f) {
    fail_msg(&c, SG_ERR_ARG, "sg_h5_set_t_stop: file is NULL");
    return ctx_end(&c);
  }
  if (!isfinite(t_ms) || t_ms < f->t_stop) {
    fail_msg(&c, SG_ERR_ARG, "sg_h5_set_t_stop: %s: t_ms = %.17g: allowed a finite time >= the "
             "file's t_stop, %.17g ms", f->path, t_ms, f->t_stop);
    return ctx_end(&c);
  }
  if (f->failed != SG_OK) {
    fail_msg(&c, f->failed, "sg_h5_set_t_stop: %s: refused after an earlier failure: %s", f->path,
             f->failmsg);
    return ctx_end(&c);
  }
  if (t_ms == f->t_stop) return ctx_end(&c);
  if (enter_swmr(&c, f) < 0) return ctx_end(&c);
  /* the caller's appends have flushed the data up to t_ms: this flush publishes t_ms after them */
  WTRY(&c, H5Dwrite(f->d_tstop, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, &t_ms), "/t_stop",
       "H5Dwrite");
  WTRY(&c, H5Fflush(f->file, H5F_SCOPE_LOCAL), "/t_stop", "H5Fflush");
  f->t_stop = t_ms;
fail:
  return ctx_end(&c);
}

sg_status sg_h5_close(sg_h5 *f, char *err, size_t errlen) {
  if (!f) {
    if (err && errlen) err[0] = '\0';
    return SG_OK;
  }
  ctx c;
  ctx_begin(&c, f->path, err, errlen);
  for (int i = 0; i < f->n_pops; ++i) {
    h5pop *p = &f->pops[i];
    if (p->d_aux >= 0 && H5Dclose(p->d_aux) < 0) fail_h5(&c, p->path, "H5Dclose");
    if (p->d_main >= 0 && H5Dclose(p->d_main) < 0) fail_h5(&c, p->path, "H5Dclose");
    if (p->group >= 0 && H5Gclose(p->group) < 0) fail_h5(&c, p->path, "H5Gclose");
  }
  if (f->d_tstop >= 0 && H5Dclose(f->d_tstop) < 0) fail_h5(&c, "/t_stop", "H5Dclose");
  f->d_tstop = H5I_INVALID_HID;
  if (f->file >= 0) {
    if (injected()) fail_msg(&c, SG_ERR_HDF5, "%s: /: H5Fclose failed: injected failure "
                             "(sg_h5_fail_after)", c.path);
    if (H5Fclose(f->file) < 0) fail_h5(&c, "/", "H5Fclose");
    f->file = H5I_INVALID_HID;
  }
  publish(&c, f); /* a file closed before any append or flush: under its own name now */
  sg_status st = ctx_end(&c);
  free_handle(f);
  return st;
}
