/* host/record.c - spike_recorder and multimeter data: in memory (sg_spikes, sg_samples) and
 * streamed to SONATA HDF5 files in blocks, one flush per block (host/h5out.c writes them).
 *
 * Files in the output folder: <spike recorder name>.h5 (/spikes/<population>/...) and
 * <multimeter name>_<variable>.h5 (/report/<population>/...). Several spike recorders may
 * watch the same neurons with different windows, hence one spike file per recorder.
 * Memory stays bounded with keep_in_memory = 0: flushed blocks are dropped. */
/* SPDX-License-Identifier: MIT */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "h5out.h"
#include "internal.h"
#include "ranks.h"
#include "sg/stim/recorders.h"

/* ---- the output folder: one run at a time ------------------------------------------------- */
/* A run holds an exclusive flock() on <output_dir>/.spikegpu.lock from sg_sim_new to
 * sg_sim_free. flock belongs to the open file description, so the kernel drops it when the
 * process dies in any way (kill -9 included), and unlike a POSIX record lock it is not lost when
 * some other descriptor of the file closes. It also conflicts within one process (a second
 * open), but the registry below says so clearly and covers file systems without flock. */
#define LOCK_NAME ".spikegpu.lock"

typedef struct claimed_dir { uint64_t dev, ino; } claimed_dir;
static pthread_mutex_t g_claims_mu = PTHREAD_MUTEX_INITIALIZER;
static claimed_dir *g_claims;
static size_t g_n_claims, g_cap_claims;

/* Adds (dev, ino) to the registry; 0 if it was already there. */
static int registry_add(uint64_t dev, uint64_t ino) {
  int added = 0;
  pthread_mutex_lock(&g_claims_mu);
  size_t i = 0;
  while (i < g_n_claims && !(g_claims[i].dev == dev && g_claims[i].ino == ino)) ++i;
  if (i == g_n_claims) {
    if (g_n_claims == g_cap_claims) {
      size_t cap = g_cap_claims ? 2 * g_cap_claims : 8;
      claimed_dir *c = realloc(g_claims, cap * sizeof *c);
      if (!c) { pthread_mutex_unlock(&g_claims_mu); return -1; }
      g_claims = c;
      g_cap_claims = cap;
    }
    g_claims[g_n_claims++] = (claimed_dir){dev, ino};
    added = 1;
  }
  pthread_mutex_unlock(&g_claims_mu);
  return added;
}

static void registry_remove(uint64_t dev, uint64_t ino) {
  pthread_mutex_lock(&g_claims_mu);
  for (size_t i = 0; i < g_n_claims; ++i)
    if (g_claims[i].dev == dev && g_claims[i].ino == ino) {
      g_claims[i] = g_claims[--g_n_claims];
      break;
    }
  if (!g_n_claims) { free(g_claims); g_claims = NULL; g_cap_claims = 0; }
  pthread_mutex_unlock(&g_claims_mu);
}

/* 32 hex digits: 128 random bits, or (no getrandom) pid, time and a counter. */
static void make_run_id(char out[33]) {
  unsigned char b[16];
  if (getrandom(b, sizeof b, GRND_NONBLOCK) != (ssize_t)sizeof b) {
    static _Atomic unsigned counter;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    const uint64_t x = ((uint64_t)getpid() << 32) ^ (uint64_t)counter++, y = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
    memcpy(b, &x, 8);
    memcpy(b + 8, &y, 8);
  }
  for (int i = 0; i < 16; ++i) snprintf(out + 2 * i, 3, "%02x", b[i]);
}

/* The name of the first (by name) "*.h5" file in dir and how many there are. */
static size_t find_h5(const char *dir, char *first, size_t len) {
  DIR *d = opendir(dir);
  size_t n = 0;
  first[0] = 0;
  if (!d) return 0;
  struct dirent *e;
  char path[4200];
  while ((e = readdir(d))) {
    const size_t l = strlen(e->d_name);
    if (l < 4 || strcmp(e->d_name + l - 3, ".h5") != 0) continue;
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) continue;
    if (!n++ || strcmp(e->d_name, first) < 0) snprintf(first, len, "%s", e->d_name);
  }
  closedir(d);
  return n;
}

sg_status sg_i_output_claim(const char *dir, int overwrite, int verbose, sg_out_claim *out, char *err, size_t errlen) {
  out->fd = -1;
  out->dev = out->ino = 0;
  make_run_id(out->run_id);
  struct stat ds;
  if (stat(dir, &ds) != 0)
    return sg_i_errout(err, errlen, SG_ERR_IO, "output_dir '%s': %s", dir, strerror(errno));
  const int added = registry_add((uint64_t)ds.st_dev, (uint64_t)ds.st_ino);
  if (added < 0) return sg_i_errout(err, errlen, SG_ERR_NOMEM, "output_dir '%s': out of memory", dir);
  if (!added)
    return sg_i_errout(err, errlen, SG_ERR_STATE, "output_dir '%s' is in use by another simulation of this process (pid %ld) until its sg_sim_free: allowed a folder no other run writes to",
                     dir, (long)getpid());
  char lp[4200];
  snprintf(lp, sizeof lp, "%s/%s", dir, LOCK_NAME);
  sg_status st = SG_OK;
  int fd = -1;
  /* the lock file is unlinked at release: retry when it was replaced between open and flock */
  for (int tries = 0; tries < 100 && fd < 0 && st == SG_OK; ++tries) {
    fd = open(lp, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (fd < 0) {
      st = sg_i_errout(err, errlen, SG_ERR_IO, "output_dir '%s': cannot create the lock file %s: %s: allowed a folder that can be written to", dir, lp, strerror(errno));
      break;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
      const int e = errno;
      if (e == EWOULDBLOCK || e == EINTR) {
        char holder[256] = "";
        const ssize_t k = pread(fd, holder, sizeof holder - 1, 0);
        holder[k > 0 ? k : 0] = 0;
        holder[strcspn(holder, "\n")] = 0;
        st = sg_i_errout(err, errlen, SG_ERR_STATE, "output_dir '%s' is in use by another run (%s; lock file %s): allowed a folder no other run writes to",
                       dir, holder[0] ? holder : "holder unknown", lp);
        close(fd);
        fd = -1;
        break;
      }
      /* no flock on this file system (some NFS or FUSE mounts): the registry still guards this process */
      if (verbose) fprintf(stderr, "spikegpu: output_dir '%s': flock not available (%s): other processes are not kept out\n", dir, strerror(e));
    }
    struct stat a, b;
    if (fstat(fd, &a) != 0 || stat(lp, &b) != 0 || a.st_ino != b.st_ino || a.st_dev != b.st_dev) {
      close(fd);   /* released and unlinked by its holder meanwhile: take the new one */
      fd = -1;
    }
  }
  if (st == SG_OK && fd < 0)
    st = sg_i_errout(err, errlen, SG_ERR_IO, "output_dir '%s': the lock file %s keeps changing: allowed a folder no other run writes to", dir, lp);
  /* files of an earlier, finished run (NEST's overwrite_files) */
  char first[256];
  const size_t n_h5 = st == SG_OK ? find_h5(dir, first, sizeof first) : 0;
  if (n_h5 && !overwrite)
    st = sg_i_errout(err, errlen, SG_ERR_STATE, "output_dir '%s' already holds %s/%s%s from an earlier run: allowed overwrite_files = 1 to replace such files, or a folder without .h5 files",
                   dir, dir, first, n_h5 > 1 ? " and more .h5 files" : "");
  if (st != SG_OK) {
    if (fd >= 0) close(fd);
    registry_remove((uint64_t)ds.st_dev, (uint64_t)ds.st_ino);
    return st;
  }
  /* who holds it, for the message of a refused second run */
  char host[128] = "?", info[320];
  if (gethostname(host, sizeof host) != 0) snprintf(host, sizeof host, "?");
  host[sizeof host - 1] = 0;
  const int len = snprintf(info, sizeof info, "pid %ld on %s, run_id %s\n", (long)getpid(), host, out->run_id);
  if (ftruncate(fd, 0) != 0 || pwrite(fd, info, (size_t)len, 0) != len) { /* the lock holds without the text */ }
  out->fd = fd;
  out->dev = (uint64_t)ds.st_dev;
  out->ino = (uint64_t)ds.st_ino;
  return SG_OK;
}

void sg_i_output_release(sg_out_claim *c, const char *dir) {
  if (!c || (c->fd < 0 && !c->dev && !c->ino)) return;
  if (c->fd >= 0) {
    char lp[4200];
    snprintf(lp, sizeof lp, "%s/%s", dir, LOCK_NAME);
    struct stat a, b;
    /* still ours under that name: remove it while locked (a claim that opened it meanwhile
     * sees the name gone and retries) */
    if (fstat(c->fd, &a) == 0 && stat(lp, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev) unlink(lp);
    close(c->fd);
  }
  registry_remove(c->dev, c->ino);
  c->fd = -1;
  c->dev = c->ino = 0;
}

/* ---- setup ------------------------------------------------------------------------------- */
static int64_t steps_of(const sg_sim *sim, double ms) {
  return ms == INFINITY ? INT64_MAX : sg_ms_to_tics(ms) / sim->tics_per_step;
}

sg_status sg_i_record_alloc(sg_sim *sim) {
  size_t n_sr = 0, n_mm = 0;
  for (size_t p = 0; p < sim->n_pops; ++p) {
    const sg_pop *pop = sim->pops[p];
    if (pop->model->id == SG_MODEL_spike_recorder) n_sr += pop->n;
    if (sg_i_is_multimeter(pop->model)) n_mm += pop->n;
  }
  if (n_sr > sim->n_srec) {
    sg_spike_rec *r = realloc(sim->srec, n_sr * sizeof *r);
    if (!r) return sg_i_fail(sim, SG_ERR_NOMEM, "spike recorders: out of memory");
    memset(r + sim->n_srec, 0, (n_sr - sim->n_srec) * sizeof *r);
    sim->srec = r;
  }
  if (n_mm > sim->n_mm) {
    sg_multimeter *m = realloc(sim->mm, n_mm * sizeof *m);
    if (!m) return sg_i_fail(sim, SG_ERR_NOMEM, "multimeters: out of memory");
    memset(m + sim->n_mm, 0, (n_mm - sim->n_mm) * sizeof *m);
    sim->mm = m;
  }
  /* recorders are numbered in id order; populations are created in id order, so existing
   * entries keep their index */
  size_t js = 0, jm = 0;
  for (size_t p = 0; p < sim->n_pops; ++p) {
    const sg_pop *pop = sim->pops[p];
    for (uint64_t i = 0; i < pop->n && pop->model->kind == SG_KIND_RECORDER; ++i) {
      if (pop->model->id == SG_MODEL_spike_recorder) {
        if (js >= sim->n_srec) sim->srec[js].gid = pop->first + i;
        ++js;
      } else {
        if (jm >= sim->n_mm) { sim->mm[jm].gid = pop->first + i; sim->mm[jm].created_step = (int64_t)sim->step; }
        ++jm;
      }
    }
  }
  sim->n_srec = n_sr;
  sim->n_mm = n_mm;
  return SG_OK;
}

/* s as the inside of a JSON string (RFC 8259 §7): '"' and '\' escaped, control characters
 * as \uXXXX (\b \f \n \r \t by name); other bytes (UTF-8 included) as they are. out holds at
 * least 6 * strlen(s) + 1 bytes. */
static const char *json_escape(const char *s, char *out) {
  static const char hex[] = "0123456789abcdef";
  char *o = out;
  for (const unsigned char *p = (const unsigned char *)s; *p; ++p) {
    const char *named = *p == '"' ? "\\\"" : *p == '\\' ? "\\\\" : *p == '\b' ? "\\b" : *p == '\f' ? "\\f"
                      : *p == '\n' ? "\\n" : *p == '\r' ? "\\r" : *p == '\t' ? "\\t" : NULL;
    if (named) { memcpy(o, named, 2); o += 2; }
    else if (*p < 0x20 || *p == 0x7f) { memcpy(o, "\\u00", 4); o[4] = hex[*p >> 4]; o[5] = hex[*p & 15]; o += 6; }
    else *o++ = (char)*p;
  }
  *o = '\0';
  return out;
}

static sg_h5_meta make_meta(sg_sim *sim, char **json_out) {
  /* the network as JSON: populations with their uniform parameters */
  size_t cap = 4096, len = 0;
  char *js = malloc(cap);
#define APPEND(...)                                                                      \
  do {                                                                                   \
    if (!js) break;                                                                      \
    int k_ = snprintf(js + len, cap - len, __VA_ARGS__);                                 \
    if (k_ < 0) break;                                                                   \
    if ((size_t)k_ >= cap - len) {                                                       \
      cap = 2 * (cap + (size_t)k_);                                                      \
      char *n_ = realloc(js, cap);                                                       \
      if (!n_) { free(js); js = NULL; break; }                                           \
      js = n_;                                                                           \
      snprintf(js + len, cap - len, __VA_ARGS__);                                        \
    }                                                                                    \
    len += (size_t)k_;                                                                   \
  } while (0)
  APPEND("{\"resolution_ms\": %.17g, \"seed\": %llu, \"populations\": [", sim->h, (unsigned long long)sim->cfg.seed);
  for (size_t p = 0; p < sim->n_pops; ++p) {
    const sg_pop *pop = sim->pops[p];
    char esc[6 * SG_NAME_LEN + 1];
    APPEND("%s{\"name\": \"%s\", \"model\": \"%s\", \"first_id\": %llu, \"n\": %llu, \"params\": {",
           p ? ", " : "", json_escape(pop->name, esc), pop->model->name, (unsigned long long)pop->first, (unsigned long long)pop->n);
    for (uint32_t k = 0; k < pop->model->n_params; ++k) {
      const double v = pop->params[k].uniform;
      if (pop->params[k].each) APPEND("%s\"%s\": \"per node\"", k ? ", " : "", pop->model->params[k].name);
      else if (isinf(v)) APPEND("%s\"%s\": \"%sinf\"", k ? ", " : "", pop->model->params[k].name, v < 0 ? "-" : "");
      else APPEND("%s\"%s\": %.17g", k ? ", " : "", pop->model->params[k].name, v);
    }
    APPEND("}}");
  }
  APPEND("], \"n_synapses\": %llu}", (unsigned long long)(sim->csr.n_syn + sim->gen_csr.n_syn + sim->n_syn_remote));
#undef APPEND
  *json_out = js;
  sg_h5_meta meta;
  memset(&meta, 0, sizeof meta);   /* fields not named here keep their documented defaults (0) */
  meta.resolution_ms = sim->h;
  meta.seed = sim->cfg.seed;
  meta.backend = sim->backend ? sim->backend->name : "";
  meta.version = sg_version();
  meta.run_id = sim->out_claim.run_id;
  meta.network_json = js;
  meta.t_start_ms = (double)sim->step * sim->h;   /* files are made before the run that fills them */
  /* libsonata reads report data only as float32; float64 keeps every bit (config choice) */
  meta.report_float32 = sim->cfg.report_double ? 0 : 1;
  return meta;
}

/* The first stamp >= from at which multimeter m samples (NEST's grid, see sg/stim/recorders.h). */
static int64_t first_due(const sg_multimeter *m, int64_t from) {
  const int64_t I = m->interval;
  int64_t s = from > m->t_min + 1 ? from : m->t_min + 1;
  if (m->offset == 0) {
    if (s <= m->created_step) s = m->created_step + 1;
    return ((s + I - 1) / I) * I;
  }
  if (s <= m->created_step + 1) s = m->created_step + 2;
  if (s <= m->offset) return m->offset;
  return m->offset + ((s - m->offset + I - 1) / I) * I;
}

/* End mark of sg_spike_rec.h5_pop (one slot per population, the array grows with them). */
#define H5POP_END (-2)
/* End mark of sg_multimeter.target_rec: one entry past n_targets * n_vars (backends read only
 * the entries before it), so the length it had when recording started can be told later. */
#define TARGET_REC_END UINT32_MAX

/* Targets per stored row: those of the last successful prepare (target_rec), which may be fewer
 * than m->n_targets when connections added after recording started were refused by the prepare
 * (the CSR builder has appended them already). */
static size_t rows_targets(const sg_multimeter *m) {
  if (!m->target_rec || !m->n_vars) return m->n_targets;
  size_t had = 0;
  while (m->target_rec[had] != TARGET_REC_END) ++had;
  return had / m->n_vars < m->n_targets ? had / m->n_vars : m->n_targets;
}

/* An open output file as record.c keeps it (sg_spike_rec.h5 and sg_multimeter.h5[v] point to
 * one; no other file looks inside): the h5out handle, and per slot (spike files: per neuron
 * population; report files: one) how many events or rows of the unflushed block the file has
 * already taken. A flush that fails for one file or population after others took the block
 * retries only what is missing there, so no file gets a block twice. */
typedef struct rec_file {
  sg_h5 *f;
  size_t n_slots;
  size_t *ahead;
  uint64_t t_stop_step;   /* the file's t_stop as last written (sg_h5_set_t_stop), in steps */
} rec_file;

static rec_file *rec_file_new(sg_h5 *f, size_t n_slots) {
  rec_file *x = calloc(1, sizeof *x);
  if (!x) return NULL;
  x->ahead = calloc(n_slots ? n_slots : 1, sizeof *x->ahead);
  if (!x->ahead) { free(x); return NULL; }
  x->f = f;
  x->n_slots = n_slots;
  x->t_stop_step = UINT64_MAX;   /* = t_start: nothing written yet */
  return x;
}

static int rec_file_slots(rec_file *x, size_t n_slots) {
  if (n_slots <= x->n_slots) return 0;
  size_t *a = realloc(x->ahead, n_slots * sizeof *a);
  if (!a) return 1;
  memset(a + x->n_slots, 0, (n_slots - x->n_slots) * sizeof *a);
  x->ahead = a;
  x->n_slots = n_slots;
  return 0;
}

static void rec_file_close(void *p) {
  rec_file *x = p;
  if (!x) return;
  sg_h5_close(x->f, NULL, 0);
  free(x->ahead);
  free(x);
}

static void close_mm_files(sg_multimeter *m) {
  if (!m->h5) return;
  for (size_t v = 0; v < m->n_vars; ++v) rec_file_close(m->h5[v]);
  free(m->h5);
  m->h5 = NULL;
}

/* Report populations of multimeter m's files: one per target population. */
static size_t n_report_pops(const sg_sim *sim, const sg_multimeter *m) {
  size_t n = 0;
  for (size_t t = 0; t < m->n_targets; ++t) {
    const sg_pop *tp = sg_i_pop_of(sim, m->targets[t]);
    int seen = 0;
    for (size_t q = 0; q < t && !seen; ++q) seen = sg_i_pop_of(sim, m->targets[q]) == tp;
    n += !seen;
  }
  return n;
}

/* Every neuron population connected to an open spike file gets its (empty) population now,
 * before the file goes to SWMR mode, rather than at its first spike. */
static sg_status make_spike_pops(sg_sim *sim, char *err, size_t errlen) {
  if (!sim->rec_row) return SG_OK;
  for (uint64_t row = 0; row < sim->csr.n_rows; ++row) {
    if (sim->rec_row[row + 1] == sim->rec_row[row]) continue;
    const sg_pop *pop = sg_i_pop_of(sim, row + 1);
    if (!pop) continue;
    for (uint64_t k = sim->rec_row[row]; k < sim->rec_row[row + 1]; ++k) {
      sg_spike_rec *r = &sim->srec[sim->rec_idx[k]];
      if (!r->h5 || r->h5_pop[pop->index] >= 0) continue;
      const sg_status st = sg_h5_spikes_population(((rec_file *)r->h5)->f, pop->name, pop->first, &r->h5_pop[pop->index], err, errlen);
      if (st) return sg_i_fail(sim, st, "spike_recorder %llu: %s", (unsigned long long)r->gid, err);
    }
  }
  return SG_OK;
}

static sg_status open_files(sg_sim *sim) {
  if (!sim->cfg.output_dir || sg_mpi_rank() != 0) return SG_OK;   /* one writer rank (docs/mpi.md) */
  char *json = NULL;
  sg_h5_meta meta = make_meta(sim, &json);
  char path[4200], err[SG_MSG_LEN - 64];
  sg_status st = SG_OK;
  for (size_t j = 0; j < sim->n_srec && st == SG_OK; ++j) {
    sg_spike_rec *r = &sim->srec[j];
    if (r->h5) {
      /* populations created since the file was opened need handle slots too */
      size_t had = 0;
      while (r->h5_pop[had] != H5POP_END) ++had;
      if (had < sim->n_pops) {
        int *hp = realloc(r->h5_pop, (sim->n_pops + 1) * sizeof(int));
        if (!hp || rec_file_slots(r->h5, sim->n_pops)) {
          if (hp) r->h5_pop = hp;
          st = sg_i_fail(sim, SG_ERR_NOMEM, "recorders: out of memory");
          break;
        }
        for (size_t p = had; p < sim->n_pops; ++p) hp[p] = -1;
        hp[sim->n_pops] = H5POP_END;
        r->h5_pop = hp;
      }
      continue;
    }
    const sg_pop *pop = sg_i_pop_of(sim, r->gid);
    if (pop->n == 1) snprintf(path, sizeof path, "%s/%s.h5", sim->cfg.output_dir, pop->name);
    else snprintf(path, sizeof path, "%s/%s_%llu.h5", sim->cfg.output_dir, pop->name, (unsigned long long)(r->gid - pop->first));
    sg_h5 *f = NULL;
    st = sg_h5_spikes_create(path, &meta, &f, err, sizeof err);
    if (st) { st = sg_i_fail(sim, st, "spike_recorder %llu: %s", (unsigned long long)r->gid, err); break; }
    r->h5_pop = malloc((sim->n_pops + 1) * sizeof(int));
    rec_file *x = r->h5_pop ? rec_file_new(f, sim->n_pops) : NULL;
    if (!x) {
      sg_h5_close(f, NULL, 0);
      free(r->h5_pop);
      r->h5_pop = NULL;
      st = sg_i_fail(sim, SG_ERR_NOMEM, "recorders: out of memory");
      break;
    }
    r->h5 = x;
    for (size_t p = 0; p < sim->n_pops; ++p) r->h5_pop[p] = -1;
    r->h5_pop[sim->n_pops] = H5POP_END;
  }
  for (size_t j = 0; j < sim->n_mm && st == SG_OK; ++j) {
    sg_multimeter *m = &sim->mm[j];
    if (m->h5 || m->n_vars == 0 || m->n_targets == 0) continue;
    const sg_pop *pop = sg_i_pop_of(sim, m->gid);
    m->h5 = calloc(m->n_vars, sizeof(void *));
    if (!m->h5) { st = sg_i_fail(sim, SG_ERR_NOMEM, "recorders: out of memory"); break; }
    for (size_t v = 0; v < m->n_vars && st == SG_OK; ++v) {
      const char *var = pop->record_from[v];
      if (pop->n == 1) snprintf(path, sizeof path, "%s/%s_%s.h5", sim->cfg.output_dir, pop->name, var);
      else snprintf(path, sizeof path, "%s/%s_%llu_%s.h5", sim->cfg.output_dir, pop->name, (unsigned long long)(m->gid - pop->first), var);
      sg_h5 *f = NULL;
      st = sg_h5_report_create(path, &meta, &f, err, sizeof err);
      if (st) { st = sg_i_fail(sim, st, "multimeter %llu: %s", (unsigned long long)m->gid, err); break; }
      if (!(m->h5[v] = rec_file_new(f, n_report_pops(sim, m)))) {
        sg_h5_close(f, NULL, 0);
        st = sg_i_fail(sim, SG_ERR_NOMEM, "recorders: out of memory");
        break;
      }
      /* one report population per target population, nodes in connection order */
      size_t t = 0;
      while (t < m->n_targets && st == SG_OK) {
        const sg_pop *tp = sg_i_pop_of(sim, m->targets[t]);
        size_t cnt = 0;
        uint64_t *ids = malloc(m->n_targets * sizeof *ids);
        if (!ids) { st = sg_i_fail(sim, SG_ERR_NOMEM, "recorders: out of memory"); break; }
        int seen = 0;
        for (size_t q = 0; q < t; ++q) if (sg_i_pop_of(sim, m->targets[q]) == tp) seen = 1;
        if (!seen) {
          for (size_t q = 0; q < m->n_targets; ++q)
            if (sg_i_pop_of(sim, m->targets[q]) == tp) ids[cnt++] = m->targets[q] - tp->first;
          int handle;
          const char *unit = "";
          for (uint32_t q = 0; q < tp->model->n_state; ++q)
            if (strcmp(tp->model->state[q].name, var) == 0) unit = tp->model->state[q].unit;
          st = sg_h5_report_population(f, tp->name, ids, cnt, (double)first_due(m, (int64_t)sim->step + 1) * sim->h,
                                       (double)m->interval * sim->h, unit, &handle, err, sizeof err);
          if (st) st = sg_i_fail(sim, st, "multimeter %llu: %s", (unsigned long long)m->gid, err);
        }
        free(ids);
        ++t;
      }
    }
    if (st) close_mm_files(m);
  }
  free(json);
  if (st == SG_OK) st = make_spike_pops(sim, err, sizeof err);
  /* every file made: to SWMR mode, flushed and under its own name, so an SWMR reader can open
   * it from now on even if the run is killed before its first block */
  for (size_t j = 0; j < sim->n_srec && st == SG_OK; ++j)
    if (sim->srec[j].h5 && (st = sg_h5_flush(((rec_file *)sim->srec[j].h5)->f, err, sizeof err)))
      st = sg_i_fail(sim, st, "spike_recorder %llu: %s", (unsigned long long)sim->srec[j].gid, err);
  for (size_t j = 0; j < sim->n_mm && st == SG_OK; ++j)
    for (size_t v = 0; sim->mm[j].h5 && v < sim->mm[j].n_vars && st == SG_OK; ++v)
      if (sim->mm[j].h5[v] && (st = sg_h5_flush(((rec_file *)sim->mm[j].h5[v])->f, err, sizeof err)))
        st = sg_i_fail(sim, st, "multimeter %llu: %s", (unsigned long long)sim->mm[j].gid, err);
  return st;
}

sg_status sg_i_record_prepare(sg_sim *sim) {
  for (size_t j = 0; j < sim->n_srec; ++j) {
    sg_spike_rec *r = &sim->srec[j];
    const sg_pop *pop = sg_i_pop_of(sim, r->gid);
    const uint64_t i = r->gid - pop->first;
    const int64_t origin = steps_of(sim, sg_i_param(pop, SG_SPIKE_RECORDER_P_origin, i));
    r->t_min = origin + steps_of(sim, sg_i_param(pop, SG_SPIKE_RECORDER_P_start, i));
    const double stop = sg_i_param(pop, SG_SPIKE_RECORDER_P_stop, i);
    if (stop < sg_i_param(pop, SG_SPIKE_RECORDER_P_start, i))
      return sg_i_fail(sim, SG_ERR_ARG, "spike_recorder node %llu: stop = %g ms < start = %g ms: allowed stop >= start",
                       (unsigned long long)r->gid, stop, sg_i_param(pop, SG_SPIKE_RECORDER_P_start, i));
    r->t_max = stop == INFINITY ? INT64_MAX : origin + steps_of(sim, stop);
  }
  for (size_t j = 0; j < sim->n_mm; ++j) {
    sg_multimeter *m = &sim->mm[j];
    sg_pop *pop = sg_i_pop_of(sim, m->gid);
    const uint64_t i = m->gid - pop->first;
    const int64_t origin = steps_of(sim, sg_i_param(pop, SG_MULTIMETER_P_origin, i));
    m->t_min = origin + steps_of(sim, sg_i_param(pop, SG_MULTIMETER_P_start, i));
    const double stop = sg_i_param(pop, SG_MULTIMETER_P_stop, i);
    if (stop < sg_i_param(pop, SG_MULTIMETER_P_start, i))
      return sg_i_fail(sim, SG_ERR_ARG, "multimeter node %llu: stop = %g ms < start = %g ms: allowed stop >= start",
                       (unsigned long long)m->gid, stop, sg_i_param(pop, SG_MULTIMETER_P_start, i));
    m->t_max = stop == INFINITY ? INT64_MAX : origin + steps_of(sim, stop);
    m->interval = steps_of(sim, sg_i_param(pop, SG_MULTIMETER_P_interval, i));
    m->offset = steps_of(sim, sg_i_param(pop, SG_MULTIMETER_P_offset, i));
    if (m->interval < 1)
      return sg_i_fail(sim, SG_ERR_ARG, "multimeter %llu: interval = %g ms: allowed >= resolution %g ms",
                       (unsigned long long)m->gid, sg_i_param(pop, SG_MULTIMETER_P_interval, i), sim->h);
    const size_t nv = pop->n_record_from;
    /* recording has started once a row was stored (n_rows drops back to 0 after each flush when
     * keep_in_memory = 0, the buffer does not) */
    const int started = m->cap_rows > 0;
    if (started && (nv != m->n_vars || !m->target_rec))
      return sg_i_fail(sim, SG_ERR_STATE, "multimeter %llu: record_from changed after recording started", (unsigned long long)m->gid);
    /* resolve each (target, variable) to the target model's recordable index */
    uint32_t *tr = malloc((m->n_targets * nv + 1) * sizeof *tr);
    if (!tr) return sg_i_fail(sim, SG_ERR_NOMEM, "multimeter: out of memory");
    for (size_t t = 0; t < m->n_targets; ++t) {
      const sg_pop *tp = sg_i_pop_of(sim, m->targets[t]);
      for (size_t v = 0; v < nv; ++v) {
        const uint32_t found = sg_i_recordable_find(tp, pop->record_from[v]);
        if (found == UINT32_MAX) {
          char list[512];
          sg_i_recordable_list(tp, list, sizeof list);
          free(tr);
          return sg_i_fail(sim, SG_ERR_UNKNOWN, "multimeter %llu: %s node %llu has no recordable '%s': allowed %s",
                           (unsigned long long)m->gid, tp->model->name, (unsigned long long)m->targets[t],
                           pop->record_from[v], list);
        }
        tr[t * nv + v] = found;
      }
    }
    tr[m->n_targets * nv] = TARGET_REC_END;
    if (started && m->target_rec) {
      size_t had = 0;
      while (m->target_rec[had] != TARGET_REC_END) ++had;
      if (had != m->n_targets * nv || memcmp(tr, m->target_rec, had * sizeof *tr) != 0) {
        free(tr);
        return sg_i_fail(sim, SG_ERR_STATE, "multimeter %llu: its targets changed after recording started: allowed only before the first sample (create a new multimeter)", (unsigned long long)m->gid);
      }
    }
    /* files opened before the first sample describe the targets of then: make them anew */
    if (!started) close_mm_files(m);
    free(m->target_rec);
    m->target_rec = tr;
    m->n_vars = nv;
  }
  return open_files(sim);
}

void sg_i_record_free(sg_sim *sim) {
  for (size_t j = 0; j < sim->n_srec; ++j) {
    sg_spike_rec *r = &sim->srec[j];
    rec_file_close(r->h5);
    free(r->h5_pop); free(r->stamp); free(r->sender);
  }
  for (size_t j = 0; j < sim->n_mm; ++j) {
    sg_multimeter *m = &sim->mm[j];
    close_mm_files(m);
    free(m->targets); free(m->target_rec); free(m->stamp); free(m->values);
  }
  free(sim->srec); sim->srec = NULL; sim->n_srec = 0;
  free(sim->mm); sim->mm = NULL; sim->n_mm = 0;
}

/* ---- recording -------------------------------------------------------------------------- */
sg_status sg_i_srec_reserve(sg_sim *sim, sg_spike_rec *r, size_t extra) {
  if (r->cap - r->n >= extra) return SG_OK;
  if (extra > SIZE_MAX / 32 - r->n)
    return sg_i_fail(sim, SG_ERR_NOMEM, "spike_recorder %llu: %zu + %zu spikes: too many to hold", (unsigned long long)r->gid, r->n, extra);
  size_t cap = r->cap ? 2 * r->cap : 1024;
  while (cap < r->n + extra) cap *= 2;
  if (cap > 1048576) {   /* big growth: say how much is needed rather than die in realloc */
    const uint64_t avail = sg_i_host_mem_available();
    const double need = (double)(cap - r->cap) * 2.0 * sizeof(uint64_t);
    if (avail && need > 0.9 * (double)avail)
      return sg_i_fail(sim, SG_ERR_NOMEM, "spike_recorder %llu: recording more than %zu spikes needs %.2f GiB more host memory, %.2f GiB available: allowed fewer recorded neurons, a shorter window (start/stop), or keep_in_memory = 0 with an output_dir",
                       (unsigned long long)r->gid, r->n, need / 1073741824.0, (double)avail / 1073741824.0);
  }
  /* either array may be the larger one after a failure: cap is what both hold */
  uint64_t *s = realloc(r->stamp, cap * sizeof *s);
  if (!s) return sg_i_fail(sim, SG_ERR_NOMEM, "spike_recorder %llu: out of memory after %zu spikes", (unsigned long long)r->gid, r->n);
  r->stamp = s;
  uint64_t *d = realloc(r->sender, cap * sizeof *d);
  if (!d) return sg_i_fail(sim, SG_ERR_NOMEM, "spike_recorder %llu: out of memory after %zu spikes", (unsigned long long)r->gid, r->n);
  r->sender = d;
  r->cap = cap;
  return SG_OK;
}

sg_status sg_i_srec_push(sg_sim *sim, sg_spike_rec *r, uint64_t stamp, uint64_t sender, uint32_t mult) {
  if (!sg_window_spike(r->t_min, r->t_max, (int64_t)stamp)) return SG_OK;
  sg_status st = sg_i_srec_reserve(sim, r, mult);
  if (st) return st;
  for (uint32_t q = 0; q < mult; ++q) {
    r->stamp[r->n] = stamp;
    r->sender[r->n] = sender;
    r->n++;
  }
  return SG_OK;
}

int sg_i_mm_due(const sg_multimeter *m, uint64_t stamp) {
  return m->n_targets && m->n_vars &&
         sg_multimeter_due(m->interval, m->offset, m->created_step, m->t_min, m->t_max, (int64_t)stamp);
}

sg_status sg_i_mm_reserve(sg_sim *sim, sg_multimeter *m, size_t rows) {
  if (m->cap_rows - m->n_rows >= rows) return SG_OK;
  const size_t w = m->n_targets * m->n_vars;
  size_t cap = m->cap_rows ? 2 * m->cap_rows : 256;
  while (cap < m->n_rows + rows) cap *= 2;
  /* either array may be the larger one after a failure: cap_rows is what both hold */
  uint64_t *s = realloc(m->stamp, cap * sizeof *s);
  if (!s) return sg_i_fail(sim, SG_ERR_NOMEM, "multimeter %llu: out of memory after %zu samples", (unsigned long long)m->gid, m->n_rows);
  m->stamp = s;
  double *v = realloc(m->values, cap * w * sizeof *v);
  if (!v) return sg_i_fail(sim, SG_ERR_NOMEM, "multimeter %llu: out of memory after %zu samples", (unsigned long long)m->gid, m->n_rows);
  m->values = v;
  m->cap_rows = cap;
  return SG_OK;
}

sg_status sg_i_mm_row(sg_sim *sim, sg_multimeter *m, uint64_t stamp, double **row) {
  const size_t w = m->n_targets * m->n_vars;
  sg_status st = sg_i_mm_reserve(sim, m, 1);
  if (st) return st;
  m->stamp[m->n_rows] = stamp;
  *row = m->values + m->n_rows * w;
  m->n_rows++;
  return SG_OK;
}

/* ---- flushing to HDF5 --------------------------------------------------------------------- */
/* A rank that writes no files and keeps nothing in memory drops what the writer rank wrote. */
static int not_writer_drops(const sg_sim *sim) {
  return sg_mpi_rank() != 0 && sim->cfg.output_dir && !sim->cfg.keep_in_memory;
}

static sg_status flush_srec(sg_sim *sim, sg_spike_rec *r) {
  if (not_writer_drops(sim)) r->n = r->n_flushed = 0;
  if (!r->h5 || r->n_flushed == r->n) return SG_OK;
  char err[SG_MSG_LEN - 64];
  /* group the block by source population, keeping time order */
  const size_t lo = r->n_flushed, n = r->n - lo;
  double *t = malloc(n * sizeof *t);
  uint64_t *id = malloc(n * sizeof *id);
  if (!t || !id) { free(t); free(id); return sg_i_fail(sim, SG_ERR_NOMEM, "spike_recorder: out of memory"); }
  sg_status st = SG_OK;
  for (size_t p = 0; p < sim->n_pops && st == SG_OK; ++p) {
    const sg_pop *pop = sim->pops[p];
    size_t k = 0;
    for (size_t q = lo; q < r->n; ++q)
      if (r->sender[q] >= pop->first && r->sender[q] < pop->first + pop->n) {
        t[k] = (double)r->stamp[q] * sim->h;
        id[k] = r->sender[q] - pop->first;
        ++k;
      }
    rec_file *x = r->h5;
    const size_t done = p < x->n_slots ? x->ahead[p] : 0;   /* taken by an earlier, failed flush */
    if (k <= done) continue;
    if (r->h5_pop[p] < 0) {
      st = sg_h5_spikes_population(x->f, pop->name, pop->first, &r->h5_pop[p], err, sizeof err);
      if (st) break;
    }
    st = sg_h5_spikes_append(x->f, r->h5_pop[p], t + done, id + done, k - done, err, sizeof err);
    if (st == SG_OK && p < x->n_slots) x->ahead[p] = k;
  }
  free(t); free(id);
  if (st) return sg_i_fail(sim, st, "spike_recorder %llu: writing spikes failed (kept in memory, written at the next flush): %s", (unsigned long long)r->gid, err);
  memset(((rec_file *)r->h5)->ahead, 0, ((rec_file *)r->h5)->n_slots * sizeof(size_t));
  r->n_flushed = r->n;
  if (!sim->cfg.keep_in_memory) { r->n = r->n_flushed = 0; }
  return SG_OK;
}

static sg_status flush_mm(sg_sim *sim, sg_multimeter *m) {
  if (not_writer_drops(sim)) m->n_rows = m->n_flushed_rows = 0;
  if (!m->h5 || m->n_flushed_rows == m->n_rows) return SG_OK;
  char err[SG_MSG_LEN - 64];
  const size_t nt = rows_targets(m);   /* the targets the stored rows have */
  const size_t rows = m->n_rows - m->n_flushed_rows, w = nt * m->n_vars;
  double *buf = malloc((rows * nt != 0 ? rows * nt : 1) * sizeof *buf);
  if (!buf) return sg_i_fail(sim, SG_ERR_NOMEM, "multimeter: out of memory");
  sg_status st = SG_OK;
  for (size_t v = 0; v < m->n_vars && st == SG_OK; ++v) {
    rec_file *x = m->h5[v];
    int handle = 0;
    for (size_t t = 0; t < nt && st == SG_OK; ++t) {
      const sg_pop *tp = sg_i_pop_of(sim, m->targets[t]);
      int seen = 0;
      for (size_t q = 0; q < t; ++q) if (sg_i_pop_of(sim, m->targets[q]) == tp) seen = 1;
      if (seen) continue;
      /* rows this population took in an earlier, failed flush (one slot per population) */
      const size_t done = (size_t)handle < x->n_slots ? x->ahead[handle] : 0;
      if (done >= rows) { ++handle; continue; }
      size_t cnt = 0;
      for (size_t q = 0; q < nt; ++q)
        if (sg_i_pop_of(sim, m->targets[q]) == tp) {
          for (size_t r = done; r < rows; ++r)
            buf[(r - done) * nt + cnt] = m->values[(m->n_flushed_rows + r) * w + q * m->n_vars + v];
          ++cnt;
        }
      /* compact the rows to cnt columns */
      if (cnt != nt)
        for (size_t r = 0; r < rows - done; ++r) memmove(buf + r * cnt, buf + r * nt, cnt * sizeof *buf);
      st = sg_h5_report_append(x->f, handle, buf, rows - done, err, sizeof err);
      if (st == SG_OK && (size_t)handle < x->n_slots) x->ahead[handle] = rows;
      ++handle;
    }
  }
  free(buf);
  if (st) return sg_i_fail(sim, st, "multimeter %llu: writing samples failed (kept in memory, written at the next flush): %s", (unsigned long long)m->gid, err);
  for (size_t v = 0; v < m->n_vars; ++v) {
    rec_file *x = m->h5[v];
    memset(x->ahead, 0, x->n_slots * sizeof *x->ahead);
  }
  m->n_flushed_rows = m->n_rows;
  if (!sim->cfg.keep_in_memory) m->n_rows = m->n_flushed_rows = 0;
  return SG_OK;
}

/* After a successful flush of its data: the file is complete up to now (its t_stop). */
static sg_status file_complete(sg_sim *sim, rec_file *x, const char *what, uint64_t gid) {
  if (!x || x->t_stop_step == sim->step) return SG_OK;
  char err[SG_MSG_LEN - 64];
  const sg_status st = sg_h5_set_t_stop(x->f, (double)sim->step * sim->h, err, sizeof err);
  if (st) return sg_i_fail(sim, st, "%s %llu: writing t_stop failed (written at the next flush): %s", what, (unsigned long long)gid, err);
  x->t_stop_step = sim->step;
  return SG_OK;
}

sg_status sg_i_record_flush(sg_sim *sim, int complete) {
  /* once a run chunk failed, recordings may miss steps after the last complete flush: t_stop
   * stays where it was (a lower bound is always correct) */
  if (!complete) sim->rec_gap = 1;
  sg_status first = SG_OK;
  for (size_t j = 0; j < sim->n_srec; ++j) {
    sg_spike_rec *r = &sim->srec[j];
    sg_status st = flush_srec(sim, r);
    if (st == SG_OK && !sim->rec_gap) st = file_complete(sim, r->h5, "spike_recorder", r->gid);
    if (st && !first) first = st;
  }
  for (size_t j = 0; j < sim->n_mm; ++j) {
    sg_multimeter *m = &sim->mm[j];
    sg_status st = flush_mm(sim, m);
    for (size_t v = 0; st == SG_OK && !sim->rec_gap && m->h5 && v < m->n_vars; ++v)
      st = file_complete(sim, m->h5[v], "multimeter", m->gid);
    if (st && !first) first = st;
  }
  return first;
}

/* ---- reading back -------------------------------------------------------------------------- */
sg_status sg_spikes(sg_sim *sim, uint64_t recorder, double *times, uint64_t *senders, size_t cap, size_t *n) {
  if (!sim) return SG_ERR_ARG;
  if (!n) return sg_i_fail(sim, SG_ERR_ARG, "sg_spikes: n is NULL");
  if (cap && (!times || !senders)) return sg_i_fail(sim, SG_ERR_ARG, "sg_spikes: times or senders is NULL with cap = %zu", cap);
  const sg_pop *pop = sg_i_pop_of(sim, recorder);
  if (!pop || pop->model->id != SG_MODEL_spike_recorder)
    return sg_i_fail(sim, SG_ERR_ARG, "sg_spikes: node %llu is %s: allowed a spike_recorder", (unsigned long long)recorder,
                     pop ? pop->model->name : "out of range");
  if (!sim->cfg.keep_in_memory)
    return sg_i_fail(sim, SG_ERR_STATE, "sg_spikes: keep_in_memory = 0: read the spikes from the HDF5 file in %s", sim->cfg.output_dir);
  *n = 0;
  for (size_t j = 0; j < sim->n_srec; ++j) {
    const sg_spike_rec *r = &sim->srec[j];
    if (r->gid != recorder) continue;
    *n = r->n;
    for (size_t q = 0; q < r->n && q < cap; ++q) {
      times[q] = (double)r->stamp[q] * sim->h;
      senders[q] = r->sender[q];
    }
  }
  return SG_OK;
}

typedef struct { uint64_t stamp, sender; double value; } sample_t;
static int cmp_sample(const void *a, const void *b) {
  const sample_t *x = a, *y = b;
  if (x->stamp != y->stamp) return x->stamp < y->stamp ? -1 : 1;
  return (x->sender > y->sender) - (x->sender < y->sender);
}

sg_status sg_samples(sg_sim *sim, uint64_t multimeter, const char *var, double *times, uint64_t *senders,
                     double *values, size_t cap, size_t *n) {
  if (!sim) return SG_ERR_ARG;
  if (!n) return sg_i_fail(sim, SG_ERR_ARG, "sg_samples: n is NULL");
  if (!var) return sg_i_fail(sim, SG_ERR_ARG, "sg_samples: var is NULL");
  if (cap && (!times || !senders || !values)) return sg_i_fail(sim, SG_ERR_ARG, "sg_samples: an output array is NULL with cap = %zu", cap);
  const sg_pop *pop = sg_i_pop_of(sim, multimeter);
  if (!pop || !sg_i_is_multimeter(pop->model))
    return sg_i_fail(sim, SG_ERR_ARG, "sg_samples: node %llu is %s: allowed a multimeter", (unsigned long long)multimeter,
                     pop ? pop->model->name : "out of range");
  if (!sim->cfg.keep_in_memory)
    return sg_i_fail(sim, SG_ERR_STATE, "sg_samples: keep_in_memory = 0: read the samples from the HDF5 files in %s", sim->cfg.output_dir);
  size_t v = SIZE_MAX;
  for (size_t q = 0; q < pop->n_record_from; ++q)
    if (strcmp(pop->record_from[q], var) == 0) v = q;
  if (v == SIZE_MAX) {
    char list[512] = "";
    for (size_t q = 0; q < pop->n_record_from; ++q) {
      strncat(list, pop->record_from[q], sizeof list - strlen(list) - 3);
      if (q + 1 < pop->n_record_from) strncat(list, ", ", sizeof list - strlen(list) - 1);
    }
    return sg_i_fail(sim, SG_ERR_UNKNOWN, "sg_samples: multimeter %llu does not record '%s': allowed %s",
                     (unsigned long long)multimeter, var, pop->n_record_from ? list : "(record_from is empty)");
  }
  *n = 0;
  for (size_t j = 0; j < sim->n_mm; ++j) {
    const sg_multimeter *m = &sim->mm[j];
    if (m->gid != multimeter || v >= m->n_vars) continue;
    const size_t nt = rows_targets(m);   /* the targets the stored rows have */
    const size_t total = m->n_rows * nt, w = nt * m->n_vars;
    *n = total;
    if (!cap) return SG_OK;
    sample_t *tmp = malloc((nt ? nt : 1) * sizeof *tmp);
    if (!tmp) return sg_i_fail(sim, SG_ERR_NOMEM, "sg_samples: out of memory");
    size_t k = 0;
    for (size_t r = 0; r < m->n_rows && k < cap; ++r) {
      for (size_t t = 0; t < nt; ++t)
        tmp[t] = (sample_t){m->stamp[r], m->targets[t], m->values[r * w + t * m->n_vars + v]};
      qsort(tmp, nt, sizeof *tmp, cmp_sample);
      for (size_t t = 0; t < nt && k < cap; ++t, ++k) {
        times[k] = (double)tmp[t].stamp * sim->h;
        senders[k] = tmp[t].sender;
        values[k] = tmp[t].value;
      }
    }
    free(tmp);
  }
  return SG_OK;
}
