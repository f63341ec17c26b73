/* host/csr.c - sg_i_build_csr: sim->edges (as sg_connect made them) turned into the compressed
 * rows the backends deliver through: sim->csr (neuron sources), sim->gen_csr (generator
 * sources), sim->rec_row / rec_idx (neuron -> spike_recorder) and the multimeters' target lists.
 *
 * LAYOUT (docs/design.md §3.3). Rows are all nodes (n_rows = n_nodes, row = gid - 1). A row's synapses
 * are sorted by (delay, input), stably (connection order within equal pairs), and cut into
 * segments of equal delay: segments row_seg[r] .. row_seg[r+1]-1, segment s holds synapses
 * seg_end[s-1] (0 for s = 0) .. seg_end[s]-1 with delay seg_delay[s] steps. A synapse is
 * input (uint32: target_pop->input_base + port * target_pop->n + target index) and weight
 * (float): 8 bytes. Recorder edges (port 0xFFFF) become rec_row[n_nodes + 1] / rec_idx (index
 * into sim->srec of the recorder, found by gid); multimeter edges (port 0xFFFE) append their
 * target gids to sim->mm[j].targets in connection order.
 *
 * MERGING. A CSR built by an earlier sg_simulate is merged with the new edges row by row: a
 * row's old synapses (already sorted, and all older than any new edge) followed by its new
 * edges, then stably sorted by (delay, input), is exactly the row that building everything at
 * once gives. Old input indices are kept as they are: a population's input range never moves once
 * assigned (prepare.c), and ports of a population with connections cannot change (params.c).
 *
 * DETERMINISM AND SPEED. The edges are split into contiguous chunks, one per thread. (1) Each
 * chunk counts its synapses per row; prefix sums give every row its place (old synapses first)
 * and every (chunk, bucket) its place inside a bucket, a bucket being 2^bshift consecutive rows
 * with ~256 Ki synapses. (2) First pass: each chunk appends its edges to the buckets, writing
 * input, weight and (row in bucket, delay) straight into the final arrays, a few hundred write
 * streams at a time instead of one per row (a direct scatter by row costs a cache and TLB miss
 * per synapse). (3) Second pass, bucket by bucket in parallel: the bucket's rows are gathered in
 * a cache-sized scratch (old synapses, then new ones in chunk order = connection order),
 * stably sorted by (delay, input) (rows already in order, e.g. fixed_indegree with a scalar delay,
 * are only scanned; others get a stable LSD radix sort over the bytes that differ), segmented,
 * and written back in place.
 * Every step is a stable counting sort, so the result is identical for any thread count.
 * Fresh memory is 12 B per new synapse (the CSR's 8 B and the row/delay word, freed after the
 * build), next to the edges' 20 B; the edge arrays are freed after a successful build, leaving
 * ~8 B per synapse. Measured on the 2-core development VM (shared, load ~6): 1e8 synapses
 * (100,000 gl_exp, fixed_indegree 1000) connect in ~1.5 s and build in ~2 s
 * (bench/build_net.c); most of that is first-touch page faults (~1 s per GiB on that VM).
 * Nothing of sim changes when the build fails.
 */
/* SPDX-License-Identifier: MIT */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "sg/csr.h"
#include "sg/model_list.h"
#ifndef SG_PORT_SPIKE_RECORDER
#define SG_PORT_SPIKE_RECORDER 0xFFFFu   /* neuron -> spike_recorder */
#define SG_PORT_MULTIMETER 0xFFFEu       /* multimeter -> neuron      */
#endif

#define GIB 1073741824.0

void sg_i_csr_free(sg_csr *c) {
  if (!c) return;
  free(c->row_seg); free(c->seg_delay); free(c->seg_end); free(c->input); free(c->weight);
  memset(c, 0, sizeof *c);
}

uint64_t sg_i_csr_row_len(const sg_csr *c, uint64_t row) {
  if (!c->row_seg || row >= c->n_rows) return 0;
  return sg_csr_row_len(c->row_seg, c->seg_end, row);
}

static int threads_of(const sg_sim *sim) {
  return sim->cfg.threads > 0 ? sim->cfg.threads : omp_get_max_threads();
}

/* No new edges: the rows only grow to n_nodes (nodes created since the last build). */
static sg_status extend_rows(sg_sim *sim) {
  const uint64_t n = sim->n_nodes;
  sg_csr *cs[2] = {&sim->csr, &sim->gen_csr};
  uint64_t *nr[2] = {NULL, NULL}, *rr = NULL;
  for (int k = 0; k < 2; ++k) {
    nr[k] = malloc((size_t)(n + 1) * sizeof(uint64_t));
    if (!nr[k]) goto nomem;
  }
  rr = malloc((size_t)(n + 1) * sizeof *rr);
  if (!rr) goto nomem;
  for (int k = 0; k < 2; ++k) {
    const sg_csr *c = cs[k];
    const uint64_t old = c->row_seg ? c->n_rows : 0;
    if (old) memcpy(nr[k], c->row_seg, (size_t)(old + 1) * sizeof(uint64_t));
    else nr[k][0] = 0;
    for (uint64_t r = old; r < n; ++r) nr[k][r + 1] = nr[k][old];
  }
  {
    const uint64_t old = sim->rec_row ? sim->csr.n_rows : 0;
    if (old) memcpy(rr, sim->rec_row, (size_t)(old + 1) * sizeof *rr);
    else rr[0] = 0;
    for (uint64_t r = old; r < n; ++r) rr[r + 1] = rr[old];
  }
  for (int k = 0; k < 2; ++k) {
    free(cs[k]->row_seg);
    cs[k]->row_seg = nr[k];
    cs[k]->n_rows = n;
  }
  free(sim->rec_row);
  sim->rec_row = rr;
  return SG_OK;
nomem:
  free(nr[0]); free(nr[1]); free(rr);
  return sg_i_fail(sim, SG_ERR_NOMEM, "building the connectivity: out of memory for %llu rows", (unsigned long long)n);
}

/* ---- per-row stable sort by (delay, input) -------------------------------------------- */
typedef struct sort_scratch { uint32_t *in; float *w; uint16_t *d; size_t cap; } sort_scratch;

static int scratch_grow(sort_scratch *S, size_t n) {
  if (n <= S->cap) return 0;
  free(S->in); free(S->w); free(S->d);
  S->in = malloc(n * sizeof *S->in);
  S->w = malloc(n * sizeof *S->w);
  S->d = malloc(n * sizeof *S->d);
  S->cap = (S->in && S->w && S->d) ? n : 0;
  return S->cap ? 0 : 1;
}

/* One stable counting-sort pass of (in, w, d) from a to b on byte `shift / 8` of the input
 * (by_delay 0) or of the delay (by_delay 1). */
static void radix_pass(const uint32_t *ai, const float *aw, const uint16_t *ad, uint32_t *bi, float *bw, uint16_t *bd,
                       size_t n, int by_delay, int shift) {
  size_t cnt[257];
  memset(cnt, 0, sizeof cnt);
  if (by_delay)
    for (size_t i = 0; i < n; ++i) cnt[((ad[i] >> shift) & 0xFF) + 1]++;
  else
    for (size_t i = 0; i < n; ++i) cnt[((ai[i] >> shift) & 0xFF) + 1]++;
  for (int b = 0; b < 256; ++b) cnt[b + 1] += cnt[b];
  for (size_t i = 0; i < n; ++i) {
    const size_t q = cnt[((by_delay ? (uint32_t)ad[i] : ai[i]) >> shift) & 0xFF]++;
    bi[q] = ai[i]; bw[q] = aw[i]; bd[q] = ad[i];
  }
}

static inline int key_le(uint16_t d0, uint32_t i0, uint16_t d1, uint32_t i1) { return d0 < d1 || (d0 == d1 && i0 <= i1); }

/* Sorts [0, n) of (in, w, d) stably by (d, in): by delay for the segments, and by input within a
 * segment, so that a thread owning a range of inputs finds its synapses of a segment as one run
 * (backend_cpu.c's delivery with several threads). Rows that are already in order (fixed_indegree
 * visits targets in order) are only scanned. Returns 1 on allocation failure. */
static int sort_row(uint32_t *in, float *w, uint16_t *d, size_t n, sort_scratch *S) {
  size_t k = 1;
  while (k < n && key_le(d[k - 1], in[k - 1], d[k], in[k])) ++k;
  if (k >= n) return 0;
  if (n <= 48) {   /* insertion sort */
    for (size_t i = 1; i < n; ++i) {
      const uint32_t ti = in[i];
      const float tw = w[i];
      const uint16_t td = d[i];
      size_t j = i;
      while (j > 0 && !key_le(d[j - 1], in[j - 1], td, ti)) { in[j] = in[j - 1]; w[j] = w[j - 1]; d[j] = d[j - 1]; --j; }
      in[j] = ti; w[j] = tw; d[j] = td;
    }
    return 0;
  }
  if (scratch_grow(S, n)) return 1;
  /* LSD radix: the input bytes that differ within the row, then the delay bytes that differ */
  uint32_t in_or = 0, in_and = ~0u;
  uint16_t d_or = 0, d_and = 0xFFFF;
  for (size_t i = 0; i < n; ++i) { in_or |= in[i]; in_and &= in[i]; d_or |= d[i]; d_and &= d[i]; }
  const uint32_t in_vary = in_or ^ in_and, d_vary = (uint32_t)(d_or ^ d_and);
  uint32_t *ai = in, *bi = S->in;
  float *aw = w, *bw = S->w;
  uint16_t *ad = d, *bd = S->d;
  for (int pass = 0; pass < 6; ++pass) {
    const int by_delay = pass >= 4, shift = 8 * (by_delay ? pass - 4 : pass);
    if ((((by_delay ? d_vary : in_vary) >> shift) & 0xFF) == 0) continue;
    radix_pass(ai, aw, ad, bi, bw, bd, n, by_delay, shift);
    uint32_t *ti = ai; ai = bi; bi = ti;
    float *tw = aw; aw = bw; bw = tw;
    uint16_t *td = ad; ad = bd; bd = td;
  }
  if (ai != in) {
    memcpy(in, ai, n * sizeof *in);
    memcpy(w, aw, n * sizeof *w);
    memcpy(d, ad, n * sizeof *d);
  }
  return 0;
}

/* Buckets of the two-pass scatter: about this many synapses each (the second pass sorts one
 * bucket in a per-thread scratch of ~10 B per synapse: 2.5 MiB, cache-sized) and at most this
 * many buckets (the first pass writes 3 streams per bucket; ~1200 pages stay in the TLB). */
#define BUCKET_SYNAPSES 262144.0
#define MAX_BUCKETS 1024

/* ---- the build -------------------------------------------------------------------------- */
typedef struct new_csr {
  uint64_t *off;        /* [n_rows + 1] first synapse of each row (rows of this CSR only)  */
  uint32_t *input; float *weight;
  uint32_t *rd;         /* new synapses between the passes: row in bucket << 16 | delay    */
  uint64_t n_syn;
  uint64_t *row_seg, *seg_end; uint32_t *seg_delay; uint64_t n_seg;
  uint32_t max_delay;
  uint64_t **bseg_end; uint32_t **bseg_delay;   /* per bucket, until copied into place */
} new_csr;

/* Per-thread scratch of the second pass: one bucket's rows, and the radix sort's buffers. */
typedef struct bucket_scratch {
  uint32_t *in; float *w; uint16_t *d; size_t cap;
  uint64_t *fill; size_t cap_fill;
  sort_scratch sort;
} bucket_scratch;

static int bucket_scratch_grow(bucket_scratch *B, size_t n, size_t rows) {
  if (n > B->cap) {
    free(B->in); free(B->w); free(B->d);
    B->in = malloc(n * sizeof *B->in);
    B->w = malloc(n * sizeof *B->w);
    B->d = malloc(n * sizeof *B->d);
    B->cap = (B->in && B->w && B->d) ? n : 0;
    if (!B->cap) return 1;
  }
  if (rows > B->cap_fill) {
    free(B->fill);
    B->fill = malloc(rows * sizeof *B->fill);
    B->cap_fill = B->fill ? rows : 0;
    if (!B->fill) return 1;
  }
  return 0;
}

static void bucket_scratch_free(bucket_scratch *B) {
  free(B->in); free(B->w); free(B->d); free(B->fill);
  free(B->sort.in); free(B->sort.w); free(B->sort.d);
  memset(B, 0, sizeof *B);
}

static void new_csr_free(new_csr *c, uint64_t nb) {
  free(c->off); free(c->input); free(c->weight); free(c->rd);
  free(c->row_seg); free(c->seg_end); free(c->seg_delay);
  if (c->bseg_end) for (uint64_t b = 0; b < nb; ++b) free(c->bseg_end[b]);
  if (c->bseg_delay) for (uint64_t b = 0; b < nb; ++b) free(c->bseg_delay[b]);
  free(c->bseg_end); free(c->bseg_delay);
  memset(c, 0, sizeof *c);
}

/* Target lookup for the scatter: population of a gid with a one-entry cache. */
typedef struct tcache { const sg_pop *pop; uint64_t first, end; } tcache;

static inline const sg_pop *pop_cached(const sg_sim *sim, tcache *c, uint64_t gid) {
  if (gid >= c->first && gid < c->end) return c->pop;
  const sg_pop *p = sg_i_pop_of(sim, gid);
  if (p) { c->pop = p; c->first = p->first; c->end = p->first + p->n; }
  return p;
}

static int cmp_u64pair(const void *a, const void *b) {
  const uint64_t *x = a, *y = b;
  return x[0] < y[0] ? -1 : x[0] > y[0];
}

/* Index of gid in a sorted (gid, index) table, or -1. */
static int64_t find_gid(const uint64_t *tab, size_t n, uint64_t gid) {
  size_t lo = 0, hi = n;
  while (lo < hi) {
    const size_t mid = (lo + hi) / 2;
    if (tab[2 * mid] < gid) lo = mid + 1; else hi = mid;
  }
  return lo < n && tab[2 * lo] == gid ? (int64_t)tab[2 * lo + 1] : -1;
}

static void free_dev(size_t **dev, size_t *n_dev, int nch) {
  if (dev)
    for (int c = 0; c < nch; ++c) free(dev[c]);
  free(dev);
  free(n_dev);
}

/* Second pass for one bucket (rows r0 .. r1-1) of CSR k: the rows' old synapses, then the new
 * ones in connection order, gathered per row in scratch, stably sorted by (delay, input), written back
 * in place, their segments kept in the bucket's own lists. Returns 1 on allocation failure. */
static int finish_bucket(new_csr *C, const sg_csr *old, const uint8_t *is_gen, int k, uint64_t b,
                         uint64_t r0, uint64_t r1, bucket_scratch *B) {
  const uint64_t a0 = C->off[r0], a1 = C->off[r1];
  if (a1 == a0) return 0;
  const size_t n = (size_t)(a1 - a0), rows = (size_t)(r1 - r0);
  if (bucket_scratch_grow(B, n, rows)) return 1;
  /* old synapses first, each row at its place in scratch */
  uint64_t n_old = 0;
  for (uint64_t r = r0; r < r1; ++r) {
    uint64_t q = C->off[r] - a0;
    if (is_gen[r] == k && old->row_seg && r < old->n_rows)
      for (uint64_t s = old->row_seg[r]; s < old->row_seg[r + 1]; ++s) {
        const uint64_t x = sg_csr_seg_begin(old->seg_end, s), y = sg_csr_seg_end(old->seg_end, s);
        memcpy(B->in + q, old->input + x, (size_t)(y - x) * sizeof *B->in);
        memcpy(B->w + q, old->weight + x, (size_t)(y - x) * sizeof *B->w);
        for (uint64_t i = 0; i < y - x; ++i) B->d[q + i] = (uint16_t)old->seg_delay[s];
        q += y - x;
        n_old += y - x;
      }
    B->fill[r - r0] = q;
  }
  /* new synapses: after the old ones in the region (chunk order = connection order) */
  for (uint64_t p = a0 + n_old; p < a1; ++p) {
    const uint32_t rd = C->rd[p];
    const uint64_t q = B->fill[rd >> 16]++;
    B->in[q] = C->input[p];
    B->w[q] = C->weight[p];
    B->d[q] = (uint16_t)(rd & 0xFFFFu);
  }
  /* sort each row, count segments */
  uint64_t n_seg = 0;
  for (uint64_t r = r0; r < r1; ++r) {
    const uint64_t x = C->off[r] - a0, y = C->off[r + 1] - a0;
    if (y == x) continue;
    if (sort_row(B->in + x, B->w + x, B->d + x, (size_t)(y - x), &B->sort)) return 1;
    uint64_t ns = 1;
    for (uint64_t q = x + 1; q < y; ++q) ns += B->d[q] != B->d[q - 1];
    C->row_seg[r + 1] = ns;
    n_seg += ns;
  }
  C->bseg_end[b] = malloc((size_t)n_seg * sizeof **C->bseg_end);
  C->bseg_delay[b] = malloc((size_t)n_seg * sizeof **C->bseg_delay);
  if (!C->bseg_end[b] || !C->bseg_delay[b]) return 1;
  /* segment ends: a delay change or a row end */
  uint64_t s = 0;
  uint64_t r = r0;
  while (r < r1 && C->off[r + 1] == C->off[r]) ++r;
  for (uint64_t q = 0; q < n; ++q) {
    while (C->off[r + 1] - a0 <= q) ++r;   /* row of q */
    const int row_end = q + 1 == C->off[r + 1] - a0;
    if (row_end || B->d[q + 1] != B->d[q]) {
      C->bseg_end[b][s] = a0 + q + 1;
      C->bseg_delay[b][s] = B->d[q];
      ++s;
    }
  }
  memcpy(C->input + a0, B->in, n * sizeof *B->in);
  memcpy(C->weight + a0, B->w, n * sizeof *B->w);
  return 0;
}

sg_status sg_i_build_csr(sg_sim *sim) {
  const sg_edges *E = &sim->edges;
  const uint64_t n_rows = sim->n_nodes;
  if (E->n == 0) return extend_rows(sim);
  if (n_rows > 0xFFFFFFFFull)
    return sg_i_fail(sim, SG_ERR_OVERFLOW, "building the connectivity: %llu nodes: allowed < 2^32", (unsigned long long)n_rows);
  const size_t ne = E->n;
  const int T = threads_of(sim);
  const sg_csr *oc[2] = {&sim->csr, &sim->gen_csr};
  sg_status st = SG_OK;

  uint8_t *is_gen = NULL;     /* the CSR a row belongs to: 1 = generator source */
  uint64_t *cnt = NULL;       /* [nch][n_rows] new synapses per (chunk, row) */
  uint64_t *bpos = NULL;      /* [2][nch][nb] first-pass write positions */
  uint64_t *rec_cnt = NULL, *srec_tab = NULL, *mm_tab = NULL, *rec_row = NULL;
  uint32_t *rec_idx = NULL;
  size_t *mm_add = NULL;
  uint64_t **mm_new = NULL;
  bucket_scratch *BS = NULL;
  size_t **dev = NULL, *n_dev = NULL;   /* per chunk: indices of recorder edges */
  new_csr N[2];
  memset(N, 0, sizeof N);
  uint64_t nb = 0;

  /* chunks: as many as threads while the count table stays small next to the edges */
  int nch = T;
  while (nch > 1 && (double)nch * (double)n_rows * 8.0 > (double)ne * 4.0 + 67108864.0) --nch;
  if ((uint64_t)nch > ne) nch = (int)ne;
  {
    double bytes = (double)n_rows * (1.0 + 8.0 * nch + 8.0 * 2 + 8.0 * 2 + 8.0 * 3) + (double)ne * 12.0;
    for (int k = 0; k < 2; ++k) bytes += (double)oc[k]->n_syn * 8.0 + (double)oc[k]->n_seg * 12.0;
    bytes += (double)T * 4.0 * 1048576.0;   /* scratch */
    const uint64_t avail = sg_i_host_mem_available();
    if (avail && bytes > 0.9 * (double)avail)
      return sg_i_fail(sim, SG_ERR_NOMEM, "building the connectivity of %zu new connections (and %llu existing synapses) needs %.2f GiB of host memory, %.2f GiB available",
                       ne, (unsigned long long)(oc[0]->n_syn + oc[1]->n_syn), bytes / GIB, (double)avail / GIB);
  }

  is_gen = calloc((size_t)n_rows, 1);
  cnt = calloc((size_t)nch * (size_t)n_rows, sizeof *cnt);
  rec_cnt = calloc((size_t)n_rows + 1, sizeof *rec_cnt);
  for (int k = 0; k < 2; ++k) {
    N[k].off = calloc((size_t)n_rows + 1, sizeof(uint64_t));
    N[k].row_seg = calloc((size_t)n_rows + 1, sizeof(uint64_t));
  }
  if (!is_gen || !cnt || !rec_cnt || !N[0].off || !N[1].off || !N[0].row_seg || !N[1].row_seg) goto nomem;
  for (size_t p = 0; p < sim->n_pops; ++p) {
    const sg_pop *pop = sim->pops[p];
    if (pop->model->kind == SG_KIND_GENERATOR) memset(is_gen + pop->first - 1, 1, (size_t)pop->n);
  }

  /* recorder tables: (gid, index) sorted by gid */
  srec_tab = malloc((sim->n_srec ? sim->n_srec : 1) * 2 * sizeof *srec_tab);
  mm_tab = malloc((sim->n_mm ? sim->n_mm : 1) * 2 * sizeof *mm_tab);
  mm_add = calloc(sim->n_mm ? sim->n_mm : 1, sizeof *mm_add);
  mm_new = calloc(sim->n_mm ? sim->n_mm : 1, sizeof *mm_new);
  if (!srec_tab || !mm_tab || !mm_add || !mm_new) goto nomem;
  for (size_t j = 0; j < sim->n_srec; ++j) { srec_tab[2 * j] = sim->srec[j].gid; srec_tab[2 * j + 1] = j; }
  for (size_t j = 0; j < sim->n_mm; ++j) { mm_tab[2 * j] = sim->mm[j].gid; mm_tab[2 * j + 1] = j; }
  qsort(srec_tab, sim->n_srec, 2 * sizeof *srec_tab, cmp_u64pair);
  qsort(mm_tab, sim->n_mm, 2 * sizeof *mm_tab, cmp_u64pair);

  /* 1. counts: synapses per (chunk, row); recorder edges listed (few), in edge order */
  dev = calloc((size_t)nch, sizeof *dev);
  n_dev = calloc((size_t)nch, sizeof *n_dev);
  if (!dev || !n_dev) goto nomem;
  {
    int bad = 0, oom = 0;
#pragma omp parallel for schedule(static, 1) num_threads(nch) reduction(| : bad, oom)
    for (int c = 0; c < nch; ++c) {
      const size_t i0 = ne * (size_t)c / (size_t)nch, i1 = ne * (size_t)(c + 1) / (size_t)nch;
      uint64_t *my = cnt + (size_t)c * n_rows;
      size_t cap = 0;
      for (size_t i = i0; i < i1; ++i) {
        const uint32_t s = E->src[i];
        if (s >= n_rows) { bad = 1; continue; }
        if (E->port[i] < SG_PORT_MULTIMETER) { my[s]++; continue; }
        if (n_dev[c] == cap) {
          cap = cap ? 2 * cap : 1024;
          size_t *d = realloc(dev[c], cap * sizeof *d);
          if (!d) { oom = 1; break; }
          dev[c] = d;
        }
        dev[c][n_dev[c]++] = i;
      }
    }
    if (oom) goto nomem;
    if (bad) { st = sg_i_fail(sim, SG_ERR_STATE, "building the connectivity: an edge refers to a node id > %llu", (unsigned long long)n_rows); goto fail; }
  }
  for (int c = 0; c < nch; ++c)
    for (size_t q = 0; q < n_dev[c]; ++q) {
      const size_t i = dev[c][q];
      if (E->tgt[i] >= n_rows) {
        st = sg_i_fail(sim, SG_ERR_STATE, "building the connectivity: an edge refers to a node id > %llu", (unsigned long long)n_rows);
        goto fail;
      }
      if (E->port[i] == SG_PORT_SPIKE_RECORDER) {
        if (find_gid(srec_tab, sim->n_srec, (uint64_t)E->tgt[i] + 1) < 0) {
          st = sg_i_fail(sim, SG_ERR_STATE, "building the connectivity: spike_recorder %llu has no record (sg_i_record_alloc must run first)", (unsigned long long)E->tgt[i] + 1);
          goto fail;
        }
        rec_cnt[E->src[i] + 1]++;
      } else {
        const int64_t j = find_gid(mm_tab, sim->n_mm, (uint64_t)E->src[i] + 1);
        if (j < 0) {
          st = sg_i_fail(sim, SG_ERR_STATE, "building the connectivity: multimeter %llu has no record (sg_i_record_alloc must run first)", (unsigned long long)E->src[i] + 1);
          goto fail;
        }
        mm_add[j]++;
      }
    }

  /* 2. row offsets of both CSRs (a row's old synapses, then its new ones) and buckets of
   *    2^bshift rows holding about BUCKET_SYNAPSES synapses each */
  for (int k = 0; k < 2; ++k) {
    uint64_t acc = 0;
    for (uint64_t r = 0; r < n_rows; ++r) {
      N[k].off[r] = acc;
      if (is_gen[r] != k) continue;
      acc += sg_i_csr_row_len(oc[k], r);
      for (int c = 0; c < nch; ++c) acc += cnt[(size_t)c * n_rows + r];
    }
    N[k].off[n_rows] = acc;
    N[k].n_syn = acc;
    if (acc > SIZE_MAX / 12) goto nomem;
  }
  int bshift = 0;
  {
    const double avg = (double)(N[0].n_syn + N[1].n_syn) / (double)(n_rows ? n_rows : 1);
    while (bshift < 16 && (double)((uint64_t)2 << bshift) * avg <= BUCKET_SYNAPSES) ++bshift;
    while (bshift < 16 && ((n_rows + ((uint64_t)1 << bshift) - 1) >> bshift) > MAX_BUCKETS) ++bshift;
  }
  nb = (n_rows + ((uint64_t)1 << bshift) - 1) >> bshift;
  bpos = calloc(2 * (size_t)nch * (size_t)nb + 1, sizeof *bpos);
  if (!bpos) goto nomem;
  for (int k = 0; k < 2; ++k) {
    const size_t ns = (size_t)(N[k].n_syn ? N[k].n_syn : 1);
    N[k].input = malloc(ns * sizeof *N[k].input);
    N[k].weight = malloc(ns * sizeof *N[k].weight);
    N[k].rd = malloc(ns * sizeof *N[k].rd);   /* only the new synapses' pages are touched */
    N[k].bseg_end = calloc((size_t)nb, sizeof *N[k].bseg_end);
    N[k].bseg_delay = calloc((size_t)nb, sizeof *N[k].bseg_delay);
    if (!N[k].input || !N[k].weight || !N[k].rd || !N[k].bseg_end || !N[k].bseg_delay) goto nomem;
  }
  /* first-pass positions: bucket b of CSR k starts after its rows' old synapses; chunks follow
   * each other inside it */
  for (int k = 0; k < 2; ++k) {
    uint64_t *bp = bpos + (size_t)k * nch * nb;
    for (uint64_t b = 0; b < nb; ++b) {
      const uint64_t r0 = b << bshift, r1 = r0 + ((uint64_t)1 << bshift) < n_rows ? r0 + ((uint64_t)1 << bshift) : n_rows;
      uint64_t pos = N[k].off[r0];
      for (uint64_t r = r0; r < r1; ++r)
        if (is_gen[r] == k) pos += sg_i_csr_row_len(oc[k], r);
      for (int c = 0; c < nch; ++c) {
        uint64_t n = 0;
        for (uint64_t r = r0; r < r1; ++r)
          if (is_gen[r] == k) n += cnt[(size_t)c * n_rows + r];
        bp[(size_t)c * nb + b] = pos;
        pos += n;
      }
    }
  }
  free(cnt); cnt = NULL;

  /* 3. first pass: each chunk appends its edges to the buckets (few write streams at a time) */
  {
    int bad = 0;
    uint64_t bad_tgt = 0;
#pragma omp parallel for schedule(static, 1) num_threads(nch) reduction(| : bad) reduction(max : bad_tgt)
    for (int c = 0; c < nch; ++c) {
      const size_t i0 = ne * (size_t)c / (size_t)nch, i1 = ne * (size_t)(c + 1) / (size_t)nch;
      uint64_t *bp[2] = {bpos + (size_t)c * nb, bpos + ((size_t)nch + (size_t)c) * nb};
      tcache tc = {NULL, 1, 0};
      for (size_t i = i0; i < i1; ++i) {
        const uint16_t port = E->port[i];
        if (port >= SG_PORT_MULTIMETER) continue;
        const uint32_t s = E->src[i];
        const uint64_t tg = (uint64_t)E->tgt[i] + 1;
        const sg_pop *tp = pop_cached(sim, &tc, tg);
        if (!tp || !tp->inputs_assigned || port >= tp->n_ports ||
            tp->input_base + (uint64_t)tp->n_ports * tp->n > 0x100000000ull) {
          bad = 1;
          if (tg > bad_tgt) bad_tgt = tg;
          continue;
        }
        const int k = is_gen[s];
        const uint64_t p = bp[k][s >> bshift]++;
        N[k].input[p] = (uint32_t)(tp->input_base + (uint64_t)port * tp->n + (tg - tp->first));
        N[k].weight[p] = E->weight[i];
        N[k].rd[p] = ((s & (((uint32_t)1 << bshift) - 1)) << 16) | (E->delay[i] & 0xFFFFu);
      }
    }
    if (bad) {
      const sg_pop *tp = sg_i_pop_of(sim, bad_tgt);
      st = sg_i_fail(sim, SG_ERR_STATE, "building the connectivity: target %llu (%s) has no ring-buffer input for its port (inputs assigned %d, %u ports): sg_i_prepare must assign inputs first",
                     (unsigned long long)bad_tgt, tp ? tp->name : "?", tp ? tp->inputs_assigned : 0, tp ? tp->n_ports : 0);
      goto fail;
    }
  }

  /* 4. second pass, bucket by bucket: rows gathered, sorted by (delay, input), segmented */
  BS = calloc((size_t)T, sizeof *BS);
  if (!BS) goto nomem;
  {
    int bad = 0;
    const int64_t nbi = (int64_t)nb;
#pragma omp parallel num_threads(T) reduction(| : bad)
    {
      bucket_scratch *B = &BS[omp_get_thread_num()];
#pragma omp for schedule(dynamic, 1)
      for (int64_t b = 0; b < nbi; ++b) {
        const uint64_t r0 = (uint64_t)b << bshift;
        const uint64_t r1 = r0 + ((uint64_t)1 << bshift) < n_rows ? r0 + ((uint64_t)1 << bshift) : n_rows;
        for (int k = 0; k < 2 && !bad; ++k)
          if (finish_bucket(&N[k], oc[k], is_gen, k, (uint64_t)b, r0, r1, B)) bad = 1;
      }
    }
    for (int t = 0; t < T; ++t) bucket_scratch_free(&BS[t]);
    if (bad) goto nomem;
  }
  for (int k = 0; k < 2; ++k) { free(N[k].rd); N[k].rd = NULL; }

  /* 5. segments into place */
  for (int k = 0; k < 2; ++k) {
    new_csr *C = &N[k];
    for (uint64_t r = 0; r < n_rows; ++r) C->row_seg[r + 1] += C->row_seg[r];
    C->n_seg = C->row_seg[n_rows];
    C->seg_end = malloc((size_t)(C->n_seg ? C->n_seg : 1) * sizeof *C->seg_end);
    C->seg_delay = malloc((size_t)(C->n_seg ? C->n_seg : 1) * sizeof *C->seg_delay);
    if (!C->seg_end || !C->seg_delay) goto nomem;
    uint32_t md = 0;
    const int64_t nbi = (int64_t)nb;
#pragma omp parallel for schedule(dynamic, 16) num_threads(T) reduction(max : md)
    for (int64_t b = 0; b < nbi; ++b) {
      const uint64_t r0 = (uint64_t)b << bshift;
      const uint64_t r1 = r0 + ((uint64_t)1 << bshift) < n_rows ? r0 + ((uint64_t)1 << bshift) : n_rows;
      const uint64_t s0 = C->row_seg[r0], s1 = C->row_seg[r1];
      if (s1 > s0) {
        memcpy(C->seg_end + s0, C->bseg_end[b], (size_t)(s1 - s0) * sizeof *C->seg_end);
        memcpy(C->seg_delay + s0, C->bseg_delay[b], (size_t)(s1 - s0) * sizeof *C->seg_delay);
        for (uint64_t s = s0; s < s1; ++s) if (C->seg_delay[s] > md) md = C->seg_delay[s];
      }
      free(C->bseg_end[b]); C->bseg_end[b] = NULL;
      free(C->bseg_delay[b]); C->bseg_delay[b] = NULL;
    }
    C->max_delay = md;
  }

  /* 6. spike-recorder rows: old entries, then new ones in connection order */
  {
    const uint64_t old_rows = sim->rec_row ? sim->csr.n_rows : 0;
    for (uint64_t r = 0; r < n_rows; ++r)
      rec_cnt[r + 1] += r < old_rows ? sim->rec_row[r + 1] - sim->rec_row[r] : 0;
    for (uint64_t r = 0; r < n_rows; ++r) rec_cnt[r + 1] += rec_cnt[r];
    rec_row = malloc(((size_t)n_rows + 1) * sizeof *rec_row);
    rec_idx = malloc((size_t)(rec_cnt[n_rows] ? rec_cnt[n_rows] : 1) * sizeof *rec_idx);
    if (!rec_row || !rec_idx) goto nomem;
    memcpy(rec_row, rec_cnt, ((size_t)n_rows + 1) * sizeof *rec_row);
    for (uint64_t r = 0; r < n_rows; ++r) {
      uint64_t p = rec_cnt[r];
      if (r < old_rows)
        for (uint64_t q = sim->rec_row[r]; q < sim->rec_row[r + 1]; ++q) rec_idx[p++] = sim->rec_idx[q];
      rec_cnt[r] = p;   /* next free slot of row r */
    }
    for (int c = 0; c < nch; ++c)
      for (size_t q = 0; q < n_dev[c]; ++q) {
        const size_t i = dev[c][q];
        if (E->port[i] == SG_PORT_SPIKE_RECORDER)
          rec_idx[rec_cnt[E->src[i]]++] = (uint32_t)find_gid(srec_tab, sim->n_srec, (uint64_t)E->tgt[i] + 1);
      }
  }

  /* 7. multimeter targets: new arrays (old targets, then new ones) */
  for (size_t j = 0; j < sim->n_mm; ++j) {
    if (!mm_add[j]) continue;
    const size_t n = sim->mm[j].n_targets + mm_add[j];
    mm_new[j] = malloc(n * sizeof **mm_new);
    if (!mm_new[j]) goto nomem;
    if (sim->mm[j].n_targets) memcpy(mm_new[j], sim->mm[j].targets, sim->mm[j].n_targets * sizeof **mm_new);
    mm_add[j] = sim->mm[j].n_targets;   /* now: next free slot */
  }
  for (int c = 0; c < nch; ++c)
    for (size_t q = 0; q < n_dev[c]; ++q) {
      const size_t i = dev[c][q];
      if (E->port[i] == SG_PORT_MULTIMETER) {
        const int64_t j = find_gid(mm_tab, sim->n_mm, (uint64_t)E->src[i] + 1);
        mm_new[j][mm_add[j]++] = (uint64_t)E->tgt[i] + 1;
      }
    }

  /* 8. commit: nothing can fail from here on */
  {
    sg_csr *dst[2] = {&sim->csr, &sim->gen_csr};
    for (int k = 0; k < 2; ++k) {
      sg_i_csr_free(dst[k]);
      sg_csr *c = dst[k];
      c->n_rows = n_rows;
      c->row_seg = N[k].row_seg;
      c->seg_delay = N[k].seg_delay;
      c->seg_end = N[k].seg_end;
      c->input = N[k].input;
      c->weight = N[k].weight;
      c->n_seg = N[k].n_seg;
      c->n_syn = N[k].n_syn;
      c->max_delay = N[k].max_delay;
      N[k].row_seg = NULL; N[k].seg_delay = NULL; N[k].seg_end = NULL;
      N[k].input = NULL; N[k].weight = NULL;
      new_csr_free(&N[k], nb);
    }
    free(sim->rec_row);
    free(sim->rec_idx);
    sim->rec_row = rec_row;
    sim->rec_idx = rec_idx;
    for (size_t j = 0; j < sim->n_mm; ++j)
      if (mm_new[j]) {
        free(sim->mm[j].targets);
        sim->mm[j].targets = mm_new[j];
        sim->mm[j].n_targets = mm_add[j];
      }
    sg_i_edges_free(&sim->edges);
  }
  free(is_gen); free(rec_cnt); free(srec_tab); free(mm_tab); free(mm_add); free(mm_new);
  free(bpos); free(BS);
  free_dev(dev, n_dev, nch);
  return SG_OK;

nomem:
  st = sg_i_fail(sim, SG_ERR_NOMEM, "building the connectivity: out of memory (%zu new connections)", ne);
fail:
  for (int k = 0; k < 2; ++k) new_csr_free(&N[k], nb);
  if (mm_new)
    for (size_t j = 0; j < sim->n_mm; ++j) free(mm_new[j]);
  free(is_gen); free(cnt); free(rec_cnt); free(srec_tab); free(mm_tab); free(mm_add); free(mm_new);
  free(rec_row); free(rec_idx); free(bpos); free(BS);
  free_dev(dev, n_dev, nch);
  return st;
}
