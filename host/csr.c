/* host/csr.c - sg_i_build_csr: sim->edges (as sg_connect made them) turned into the compressed
 * rows the backends deliver through: sim->csr (neuron sources), sim->gen_csr (generator
 * sources), sim->rec_row / rec_idx (neuron -> spike_recorder) and the multimeters' target lists.
 *
 * LAYOUT (docs/design.md §3.3). Rows are all nodes (n_rows = n_nodes, row = gid - 1). A row's synapses
 * are sorted by (delay, input), stably (connection order within equal pairs), and cut into
 * segments of equal delay: segments row_seg[r] .. row_seg[r+1]-1, segment s holds synapses
 * seg_end[s-1] (0 for s = 0) .. seg_end[s]-1 with delay seg_delay[s] steps. A synapse is
 * input (uint32) and weight (float): 8 bytes. The input of a neuron synapse is the target's in this
 * rank's ring (sg_i_ring_input: target_pop->input_base + port * target_pop->n + target index in one
 * process); a generator synapse's is in the network's numbering (target_pop->input_gbase + port *
 * target_pop->n + target index), the same on every rank, so that a generator's row (and the draws
 * keyed by a target's place in it) does not depend on the ranks. Recorder edges (port 0xFFFF) become rec_row[n_nodes + 1] / rec_idx (index
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

/* ---- sg_i_build_csr, phase by phase ------------------------------------------------------ */
/* What the phases of one build share. Every buffer starts NULL; build_free frees whatever is
 * left, after a failure and after commit_build alike (commit_build takes what it keeps and
 * leaves NULL behind), so every path out of the build goes through it. */
typedef struct csr_build {
  sg_sim *sim;
  const sg_edges *E;
  uint64_t n_rows;
  size_t ne;                  /* new edges */
  int T;                      /* threads */
  int nch;                    /* chunks of the edge list */
  const sg_csr *oc[2];        /* the CSRs of earlier builds: neuron, generator sources */
  uint8_t *is_gen;            /* the CSR a row belongs to: 1 = generator source */
  uint64_t *cnt;              /* [nch][n_rows] new synapses per (chunk, row) */
  uint64_t *bpos;             /* [2][nch][nb] first-pass write positions */
  uint64_t *rec_cnt;          /* [n_rows + 1] spike-recorder entries per row (then next free slot) */
  uint64_t *srec_tab, *mm_tab;   /* (gid, index) of the recorders, sorted by gid */
  uint64_t *rec_row;          /* [n_rows + 1] new spike-recorder rows */
  uint32_t *rec_idx;          /* their entries: index into sim->srec */
  size_t *mm_add;             /* per multimeter: new targets (then next free slot) */
  uint64_t **mm_new;          /* per multimeter: its new target list, NULL if unchanged */
  bucket_scratch *BS;         /* per thread, second pass */
  size_t **dev, *n_dev;       /* per chunk: indices of recorder edges */
  new_csr N[2];
  uint64_t nb;                /* buckets */
  int bshift;                 /* a bucket is 2^bshift rows */
} csr_build;

static sg_status build_nomem(csr_build *b) {
  return sg_i_fail(b->sim, SG_ERR_NOMEM, "building the connectivity: out of memory (%zu new connections)", b->ne);
}

/* Chunks: as many as threads while the count table stays small next to the edges; the build
 * is refused up front when its memory estimate exceeds 90% of what is available. */
static sg_status plan_chunks(csr_build *b) {
  const uint64_t n_rows = b->n_rows;
  const size_t ne = b->ne;
  const int T = b->T;
  int nch = T;
  while (nch > 1 && (double)nch * (double)n_rows * 8.0 > (double)ne * 4.0 + 67108864.0) --nch;
  if ((uint64_t)nch > ne) nch = (int)ne;
  b->nch = nch;
  double bytes = (double)n_rows * (1.0 + 8.0 * nch + 8.0 * 2 + 8.0 * 2 + 8.0 * 3) + (double)ne * 12.0;
  for (int k = 0; k < 2; ++k) bytes += (double)b->oc[k]->n_syn * 8.0 + (double)b->oc[k]->n_seg * 12.0;
  bytes += (double)T * 4.0 * 1048576.0;   /* scratch */
  const uint64_t avail = sg_i_host_mem_available();
  if (avail && bytes > 0.9 * (double)avail)
    return sg_i_fail(b->sim, SG_ERR_NOMEM, "building the connectivity of %zu new connections (and %llu existing synapses) needs %.2f GiB of host memory, %.2f GiB available",
                     ne, (unsigned long long)(b->oc[0]->n_syn + b->oc[1]->n_syn), bytes / GIB, (double)avail / GIB);
  return SG_OK;
}

/* Per-row tables, and which rows are generator sources. */
static sg_status alloc_rows(csr_build *b) {
  const sg_sim *sim = b->sim;
  const uint64_t n_rows = b->n_rows;
  new_csr *N = b->N;
  b->is_gen = calloc((size_t)n_rows, 1);
  b->cnt = calloc((size_t)b->nch * (size_t)n_rows, sizeof *b->cnt);
  b->rec_cnt = calloc((size_t)n_rows + 1, sizeof *b->rec_cnt);
  for (int k = 0; k < 2; ++k) {
    N[k].off = calloc((size_t)n_rows + 1, sizeof(uint64_t));
    N[k].row_seg = calloc((size_t)n_rows + 1, sizeof(uint64_t));
  }
  if (!b->is_gen || !b->cnt || !b->rec_cnt || !N[0].off || !N[1].off || !N[0].row_seg || !N[1].row_seg) return build_nomem(b);
  for (size_t p = 0; p < sim->n_pops; ++p) {
    const sg_pop *pop = sim->pops[p];
    if (pop->model->kind == SG_KIND_GENERATOR) memset(b->is_gen + pop->first - 1, 1, (size_t)pop->n);
  }
  return SG_OK;
}

/* Recorder tables: (gid, index) sorted by gid. */
static sg_status recorder_tables(csr_build *b) {
  const sg_sim *sim = b->sim;
  b->srec_tab = malloc((sim->n_srec ? sim->n_srec : 1) * 2 * sizeof *b->srec_tab);
  b->mm_tab = malloc((sim->n_mm ? sim->n_mm : 1) * 2 * sizeof *b->mm_tab);
  b->mm_add = calloc(sim->n_mm ? sim->n_mm : 1, sizeof *b->mm_add);
  b->mm_new = calloc(sim->n_mm ? sim->n_mm : 1, sizeof *b->mm_new);
  if (!b->srec_tab || !b->mm_tab || !b->mm_add || !b->mm_new) return build_nomem(b);
  for (size_t j = 0; j < sim->n_srec; ++j) { b->srec_tab[2 * j] = sim->srec[j].gid; b->srec_tab[2 * j + 1] = j; }
  for (size_t j = 0; j < sim->n_mm; ++j) { b->mm_tab[2 * j] = sim->mm[j].gid; b->mm_tab[2 * j + 1] = j; }
  qsort(b->srec_tab, sim->n_srec, 2 * sizeof *b->srec_tab, cmp_u64pair);
  qsort(b->mm_tab, sim->n_mm, 2 * sizeof *b->mm_tab, cmp_u64pair);
  return SG_OK;
}

/* 1. counts: synapses per (chunk, row); recorder edges listed (few), in edge order */
static sg_status count_edges(csr_build *b) {
  const sg_edges *E = b->E;
  const uint64_t n_rows = b->n_rows;
  const size_t ne = b->ne;
  const int nch = b->nch;
  uint64_t *cnt = b->cnt;
  b->dev = calloc((size_t)nch, sizeof *b->dev);
  b->n_dev = calloc((size_t)nch, sizeof *b->n_dev);
  if (!b->dev || !b->n_dev) return build_nomem(b);
  size_t **dev = b->dev, *n_dev = b->n_dev;
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
  if (oom) return build_nomem(b);
  if (bad) return sg_i_fail(b->sim, SG_ERR_STATE, "building the connectivity: an edge refers to a node id > %llu", (unsigned long long)n_rows);
  return SG_OK;
}

/* 1 (continued). Recorder edges: each names a recorder with a record; counted per spike-recorder
 * row and per multimeter. */
static sg_status count_recorder_edges(csr_build *b) {
  sg_sim *sim = b->sim;
  const sg_edges *E = b->E;
  const uint64_t n_rows = b->n_rows;
  for (int c = 0; c < b->nch; ++c)
    for (size_t q = 0; q < b->n_dev[c]; ++q) {
      const size_t i = b->dev[c][q];
      if (E->tgt[i] >= n_rows)
        return sg_i_fail(sim, SG_ERR_STATE, "building the connectivity: an edge refers to a node id > %llu", (unsigned long long)n_rows);
      if (E->port[i] == SG_PORT_SPIKE_RECORDER) {
        if (find_gid(b->srec_tab, sim->n_srec, (uint64_t)E->tgt[i] + 1) < 0)
          return sg_i_fail(sim, SG_ERR_STATE, "building the connectivity: spike_recorder %llu has no record (sg_i_record_alloc must run first)", (unsigned long long)E->tgt[i] + 1);
        b->rec_cnt[E->src[i] + 1]++;
      } else {
        const int64_t j = find_gid(b->mm_tab, sim->n_mm, (uint64_t)E->src[i] + 1);
        if (j < 0)
          return sg_i_fail(sim, SG_ERR_STATE, "building the connectivity: multimeter %llu has no record (sg_i_record_alloc must run first)", (unsigned long long)E->src[i] + 1);
        b->mm_add[j]++;
      }
    }
  return SG_OK;
}

/* 2. row offsets of both CSRs (a row's old synapses, then its new ones) */
static sg_status row_offsets(csr_build *b) {
  const uint64_t n_rows = b->n_rows;
  const int nch = b->nch;
  for (int k = 0; k < 2; ++k) {
    new_csr *C = &b->N[k];
    uint64_t acc = 0;
    for (uint64_t r = 0; r < n_rows; ++r) {
      C->off[r] = acc;
      if (b->is_gen[r] != k) continue;
      acc += sg_i_csr_row_len(b->oc[k], r);
      for (int c = 0; c < nch; ++c) acc += b->cnt[(size_t)c * n_rows + r];
    }
    C->off[n_rows] = acc;
    C->n_syn = acc;
    if (acc > SIZE_MAX / 12) return build_nomem(b);
  }
  return SG_OK;
}

/* Rows r0 .. r1-1 of bucket bk. */
static void bucket_rows(const csr_build *b, uint64_t bk, uint64_t *r0, uint64_t *r1) {
  const uint64_t step = (uint64_t)1 << b->bshift;
  *r0 = bk << b->bshift;
  *r1 = *r0 + step < b->n_rows ? *r0 + step : b->n_rows;
}

/* 2 (continued). buckets of 2^bshift rows holding about BUCKET_SYNAPSES synapses each; the
 *    arrays of both new CSRs */
static sg_status make_buckets(csr_build *b) {
  const uint64_t n_rows = b->n_rows;
  new_csr *N = b->N;
  int bshift = 0;
  const double avg = (double)(N[0].n_syn + N[1].n_syn) / (double)(n_rows ? n_rows : 1);
  while (bshift < 16 && (double)((uint64_t)2 << bshift) * avg <= BUCKET_SYNAPSES) ++bshift;
  while (bshift < 16 && ((n_rows + ((uint64_t)1 << bshift) - 1) >> bshift) > MAX_BUCKETS) ++bshift;
  b->bshift = bshift;
  const uint64_t nb = b->nb = (n_rows + ((uint64_t)1 << bshift) - 1) >> bshift;
  b->bpos = calloc(2 * (size_t)b->nch * (size_t)nb + 1, sizeof *b->bpos);
  if (!b->bpos) return build_nomem(b);
  for (int k = 0; k < 2; ++k) {
    const size_t ns = (size_t)(N[k].n_syn ? N[k].n_syn : 1);
    N[k].input = malloc(ns * sizeof *N[k].input);
    N[k].weight = malloc(ns * sizeof *N[k].weight);
    N[k].rd = malloc(ns * sizeof *N[k].rd);   /* only the new synapses' pages are touched */
    N[k].bseg_end = calloc((size_t)nb, sizeof *N[k].bseg_end);
    N[k].bseg_delay = calloc((size_t)nb, sizeof *N[k].bseg_delay);
    if (!N[k].input || !N[k].weight || !N[k].rd || !N[k].bseg_end || !N[k].bseg_delay) return build_nomem(b);
  }
  return SG_OK;
}

/* 2 (continued). first-pass positions: bucket b of CSR k starts after its rows' old synapses;
 *    chunks follow each other inside it. The counts are not needed after this. Cannot fail. */
static sg_status bucket_positions(csr_build *b) {
  const uint64_t n_rows = b->n_rows, nb = b->nb;
  const int nch = b->nch;
  for (int k = 0; k < 2; ++k) {
    uint64_t *bp = b->bpos + (size_t)k * nch * nb;
    for (uint64_t bk = 0; bk < nb; ++bk) {
      uint64_t r0, r1;
      bucket_rows(b, bk, &r0, &r1);
      uint64_t pos = b->N[k].off[r0];
      for (uint64_t r = r0; r < r1; ++r)
        if (b->is_gen[r] == k) pos += sg_i_csr_row_len(b->oc[k], r);
      for (int c = 0; c < nch; ++c) {
        uint64_t n = 0;
        for (uint64_t r = r0; r < r1; ++r)
          if (b->is_gen[r] == k) n += b->cnt[(size_t)c * n_rows + r];
        bp[(size_t)c * nb + bk] = pos;
        pos += n;
      }
    }
  }
  free(b->cnt); b->cnt = NULL;
  return SG_OK;
}

/* 3. first pass: each chunk appends its edges to the buckets (few write streams at a time) */
static sg_status scatter_edges(csr_build *b) {
  const sg_sim *sim = b->sim;
  const sg_edges *E = b->E;
  const size_t ne = b->ne;
  const int nch = b->nch, bshift = b->bshift;
  const uint64_t nb = b->nb;
  const uint8_t *is_gen = b->is_gen;
  uint64_t *bpos = b->bpos;
  new_csr *N = b->N;
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
      const int k = is_gen[s];
      const uint64_t i_tg = tp ? tg - tp->first : 0;
      /* generator synapses: the network's numbering (every rank holds them); neuron synapses:
       * this rank's ring, which holds their targets (it stores only those, docs/mpi.md §3) */
      if (!tp || !tp->inputs_assigned || port >= tp->n_ports ||
          tp->input_gbase + (uint64_t)tp->n_ports * tp->n > 0x100000000ull ||
          (!k && (i_tg < tp->in_lo || i_tg - tp->in_lo >= tp->n - tp->in_gap))) {
        bad = 1;
        if (tg > bad_tgt) bad_tgt = tg;
        continue;
      }
      const uint64_t p = bp[k][s >> bshift]++;
      N[k].input[p] = (uint32_t)(k ? tp->input_gbase + (uint64_t)port * tp->n + i_tg : sg_i_ring_input(tp, port, i_tg));
      N[k].weight[p] = E->weight[i];
      N[k].rd[p] = ((s & (((uint32_t)1 << bshift) - 1)) << 16) | (E->delay[i] & 0xFFFFu);
    }
  }
  if (bad) {
    const sg_pop *tp = sg_i_pop_of(sim, bad_tgt);
    return sg_i_fail(b->sim, SG_ERR_STATE, "building the connectivity: target %llu (%s) has no ring-buffer input for its port on this rank (inputs assigned %d, %u ports): sg_i_prepare must assign inputs first, and a rank stores only neuron synapses into its own nodes",
                     (unsigned long long)bad_tgt, tp ? tp->name : "?", tp ? tp->inputs_assigned : 0, tp ? tp->n_ports : 0);
  }
  return SG_OK;
}

/* 4. second pass, bucket by bucket: rows gathered, sorted by (delay, input), segmented */
static sg_status sort_buckets(csr_build *b) {
  const int T = b->T;
  b->BS = calloc((size_t)T, sizeof *b->BS);
  if (!b->BS) return build_nomem(b);
  int bad = 0;
  const int64_t nbi = (int64_t)b->nb;
#pragma omp parallel num_threads(T) reduction(| : bad)
  {
    bucket_scratch *B = &b->BS[omp_get_thread_num()];
#pragma omp for schedule(dynamic, 1)
    for (int64_t bk = 0; bk < nbi; ++bk) {
      uint64_t r0, r1;
      bucket_rows(b, (uint64_t)bk, &r0, &r1);
      for (int k = 0; k < 2 && !bad; ++k)
        if (finish_bucket(&b->N[k], b->oc[k], b->is_gen, k, (uint64_t)bk, r0, r1, B)) bad = 1;
    }
  }
  for (int t = 0; t < T; ++t) bucket_scratch_free(&b->BS[t]);
  if (bad) return build_nomem(b);
  for (int k = 0; k < 2; ++k) { free(b->N[k].rd); b->N[k].rd = NULL; }
  return SG_OK;
}

/* 5. segments into place */
static sg_status place_segments(csr_build *b) {
  const uint64_t n_rows = b->n_rows;
  for (int k = 0; k < 2; ++k) {
    new_csr *C = &b->N[k];
    for (uint64_t r = 0; r < n_rows; ++r) C->row_seg[r + 1] += C->row_seg[r];
    C->n_seg = C->row_seg[n_rows];
    C->seg_end = malloc((size_t)(C->n_seg ? C->n_seg : 1) * sizeof *C->seg_end);
    C->seg_delay = malloc((size_t)(C->n_seg ? C->n_seg : 1) * sizeof *C->seg_delay);
    if (!C->seg_end || !C->seg_delay) return build_nomem(b);
    uint32_t md = 0;
    const int64_t nbi = (int64_t)b->nb;
#pragma omp parallel for schedule(dynamic, 16) num_threads(b->T) reduction(max : md)
    for (int64_t bk = 0; bk < nbi; ++bk) {
      uint64_t r0, r1;
      bucket_rows(b, (uint64_t)bk, &r0, &r1);
      const uint64_t s0 = C->row_seg[r0], s1 = C->row_seg[r1];
      if (s1 > s0) {
        memcpy(C->seg_end + s0, C->bseg_end[bk], (size_t)(s1 - s0) * sizeof *C->seg_end);
        memcpy(C->seg_delay + s0, C->bseg_delay[bk], (size_t)(s1 - s0) * sizeof *C->seg_delay);
        for (uint64_t s = s0; s < s1; ++s) if (C->seg_delay[s] > md) md = C->seg_delay[s];
      }
      free(C->bseg_end[bk]); C->bseg_end[bk] = NULL;
      free(C->bseg_delay[bk]); C->bseg_delay[bk] = NULL;
    }
    C->max_delay = md;
  }
  return SG_OK;
}

/* 6. spike-recorder rows: old entries, then new ones in connection order */
static sg_status recorder_rows(csr_build *b) {
  const sg_sim *sim = b->sim;
  const sg_edges *E = b->E;
  const uint64_t n_rows = b->n_rows;
  uint64_t *rec_cnt = b->rec_cnt;
  const uint64_t old_rows = sim->rec_row ? sim->csr.n_rows : 0;
  for (uint64_t r = 0; r < n_rows; ++r)
    rec_cnt[r + 1] += r < old_rows ? sim->rec_row[r + 1] - sim->rec_row[r] : 0;
  for (uint64_t r = 0; r < n_rows; ++r) rec_cnt[r + 1] += rec_cnt[r];
  b->rec_row = malloc(((size_t)n_rows + 1) * sizeof *b->rec_row);
  b->rec_idx = malloc((size_t)(rec_cnt[n_rows] ? rec_cnt[n_rows] : 1) * sizeof *b->rec_idx);
  if (!b->rec_row || !b->rec_idx) return build_nomem(b);
  uint32_t *rec_idx = b->rec_idx;
  memcpy(b->rec_row, rec_cnt, ((size_t)n_rows + 1) * sizeof *b->rec_row);
  for (uint64_t r = 0; r < n_rows; ++r) {
    uint64_t p = rec_cnt[r];
    if (r < old_rows)
      for (uint64_t q = sim->rec_row[r]; q < sim->rec_row[r + 1]; ++q) rec_idx[p++] = sim->rec_idx[q];
    rec_cnt[r] = p;   /* next free slot of row r */
  }
  for (int c = 0; c < b->nch; ++c)
    for (size_t q = 0; q < b->n_dev[c]; ++q) {
      const size_t i = b->dev[c][q];
      if (E->port[i] == SG_PORT_SPIKE_RECORDER)
        rec_idx[rec_cnt[E->src[i]]++] = (uint32_t)find_gid(b->srec_tab, sim->n_srec, (uint64_t)E->tgt[i] + 1);
    }
  return SG_OK;
}

/* 7. multimeter targets: new arrays (old targets, then new ones) */
static sg_status multimeter_targets(csr_build *b) {
  const sg_sim *sim = b->sim;
  const sg_edges *E = b->E;
  size_t *mm_add = b->mm_add;
  uint64_t **mm_new = b->mm_new;
  for (size_t j = 0; j < sim->n_mm; ++j) {
    if (!mm_add[j]) continue;
    const size_t n = sim->mm[j].n_targets + mm_add[j];
    mm_new[j] = malloc(n * sizeof **mm_new);
    if (!mm_new[j]) return build_nomem(b);
    if (sim->mm[j].n_targets) memcpy(mm_new[j], sim->mm[j].targets, sim->mm[j].n_targets * sizeof **mm_new);
    mm_add[j] = sim->mm[j].n_targets;   /* now: next free slot */
  }
  for (int c = 0; c < b->nch; ++c)
    for (size_t q = 0; q < b->n_dev[c]; ++q) {
      const size_t i = b->dev[c][q];
      if (E->port[i] == SG_PORT_MULTIMETER) {
        const int64_t j = find_gid(b->mm_tab, sim->n_mm, (uint64_t)E->src[i] + 1);
        mm_new[j][mm_add[j]++] = (uint64_t)E->tgt[i] + 1;
      }
    }
  return SG_OK;
}

/* 8. commit: nothing can fail from here on. What sim keeps is taken out of b (NULL left
 *    behind), the rest is build_free's. */
static void commit_build(csr_build *b) {
  sg_sim *sim = b->sim;
  sg_csr *dst[2] = {&sim->csr, &sim->gen_csr};
  for (int k = 0; k < 2; ++k) {
    new_csr *N = &b->N[k];
    sg_i_csr_free(dst[k]);
    sg_csr *c = dst[k];
    c->n_rows = b->n_rows;
    c->row_seg = N->row_seg;
    c->seg_delay = N->seg_delay;
    c->seg_end = N->seg_end;
    c->input = N->input;
    c->weight = N->weight;
    c->n_seg = N->n_seg;
    c->n_syn = N->n_syn;
    c->max_delay = N->max_delay;
    N->row_seg = NULL; N->seg_delay = NULL; N->seg_end = NULL;
    N->input = NULL; N->weight = NULL;
  }
  free(sim->rec_row);
  free(sim->rec_idx);
  sim->rec_row = b->rec_row;
  sim->rec_idx = b->rec_idx;
  b->rec_row = NULL; b->rec_idx = NULL;
  for (size_t j = 0; j < sim->n_mm; ++j)
    if (b->mm_new[j]) {
      free(sim->mm[j].targets);
      sim->mm[j].targets = b->mm_new[j];
      sim->mm[j].n_targets = b->mm_add[j];
      b->mm_new[j] = NULL;
    }
  sg_i_edges_free(&sim->edges);
}

/* The one cleanup of a build: frees what is left in b. */
static void build_free(csr_build *b) {
  for (int k = 0; k < 2; ++k) new_csr_free(&b->N[k], b->nb);
  if (b->mm_new)
    for (size_t j = 0; j < b->sim->n_mm; ++j) free(b->mm_new[j]);
  free(b->is_gen); free(b->cnt); free(b->rec_cnt); free(b->srec_tab); free(b->mm_tab); free(b->mm_add); free(b->mm_new);
  free(b->rec_row); free(b->rec_idx); free(b->bpos); free(b->BS);
  free_dev(b->dev, b->n_dev, b->nch);
  memset(b, 0, sizeof *b);
}

/* The phases up to the commit, in order; the first that fails ends the build (it has set the
 * error). */
static sg_status (*const build_phases[])(csr_build *) = {
  plan_chunks, alloc_rows, recorder_tables, count_edges, count_recorder_edges, row_offsets,
  make_buckets, bucket_positions, scatter_edges, sort_buckets, place_segments, recorder_rows,
  multimeter_targets,
};

sg_status sg_i_build_csr(sg_sim *sim) {
  const sg_edges *E = &sim->edges;
  const uint64_t n_rows = sim->n_nodes;
  if (E->n == 0) return extend_rows(sim);
  if (n_rows > 0xFFFFFFFFull)
    return sg_i_fail(sim, SG_ERR_OVERFLOW, "building the connectivity: %llu nodes: allowed < 2^32", (unsigned long long)n_rows);
  csr_build b;
  memset(&b, 0, sizeof b);
  b.sim = sim;
  b.E = E;
  b.n_rows = n_rows;
  b.ne = E->n;
  b.T = threads_of(sim);
  b.oc[0] = &sim->csr;
  b.oc[1] = &sim->gen_csr;
  sg_status st = SG_OK;
  for (size_t i = 0; !st && i < sizeof build_phases / sizeof *build_phases; ++i) st = build_phases[i](&b);
  if (!st) commit_build(&b);
  build_free(&b);
  return st;
}
