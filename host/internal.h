/* host/internal.h - the host-side network: populations, parameters, edges, CSR, recorders, and
 * the backend interface. Everything not public but shared between host/ files lives here
 * (prefix sg_i_ for functions). */
/* SPDX-License-Identifier: MIT */
#ifndef SG_INTERNAL_H
#define SG_INTERNAL_H

#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "spikegpu.h"
#include "sg/model.h"
#include "sg/model_list.h"
#include "sg/model_host.h"
#include "sg/spike_ev.h"
#include "sg/proc.h"          /* sg_proc: the procedural projections (host/proc.c) */
#include "sg/rng.h"           /* sg_rng_cursor (host/value.c) */
#include "sg/stim/advance.h"   /* sg_gen: the generator records of sim->gens */

#define SG_MSG_LEN 1024
#define SG_NAME_LEN 64

/* The shortest "%.Ng" text of v that reads back as v (0.15, not 0.14999999999999999), for
 * messages that quote a user's value; returns buf. Inline here: every layer of host/ uses it. */
static inline const char *sg_i_num(double v, char *buf, size_t len) {
  for (int prec = 6; prec <= 17; ++prec) {
    snprintf(buf, len, "%.*g", prec, v);
    if (!isfinite(v) || strtod(buf, NULL) == v) break;
  }
  return buf;
}

/* ---- model descriptors (host/models.c expands the model headers' tables) --------------- */
typedef enum sg_kind { SG_KIND_NEURON = 0, SG_KIND_GENERATOR = 1, SG_KIND_RECORDER = 2 } sg_kind;


struct sg_pop;
typedef struct sg_model_desc {
  const char *name;
  sg_kind kind;
  int id;                                   /* index in the model list                      */
  const sg_param_row *params; uint32_t n_params;
  const sg_vec_row *vecs; uint32_t n_vecs;
  const sg_state_row *state; uint32_t n_state;
  size_t coef_size;
  /* Default value of vector parameter v into out (malloc'd; NULL = all empty). 0 or nonzero on OOM. */
  int (*vec_default)(uint32_t v, sg_vec *out);
  /* Cross-parameter validation of one node's values (NULL = none). Returns 0 or fills msg. */
  int (*check)(const double *p, const sg_vec *vecs, char *msg, size_t len);
  /* Per-run coefficients of one node (neurons; NULL for devices). */
  void (*prepare)(const double *p, const sg_vec *vecs, double h, int64_t tics_per_step, void *coef);
  /* Input ports of a population and the port of a receptor (-1: not accepted). */
  uint32_t (*n_ports)(const struct sg_pop *pop);
  /* The port of a spike of this weight for receptor r (-1: not accepted). A model may route by
   * the weight's sign (NEST's iaf_psc_*: excitatory and inhibitory synapses), by nothing else:
   * sg_connect asks once per (population pair, receptor) with +1 and -1 and routes each edge by
   * the sign of its stored weight (0 and -0 count as positive). */
  int (*spike_port)(const struct sg_pop *pop, int receptor, double weight);
  int (*current_port)(const struct sg_pop *pop, int receptor);
  /* Optional CPU fast path (host/backend_cpu.c) for populations with one coefficient set: steps
   * nodes i0 .. i0 + cnt - 1 in one call, given the firing stream's words w0/w1 of those nodes
   * (made in bulk), and writes the indices (relative to i0) of the nodes that spiked, each with
   * multiplicity 1, into spk (cnt <= 256, the backend's block); returns their number. It gives
   * exactly the bits of cnt calls of the model's SG_HD step (tests/test_twins.c compares them).
   * An entry SG_STEP_NONFINITE | j marks node j's state as non-finite (the step's
   * SG_STEP_NONFINITE). NULL: the scalar step.
   * cpu_block_draws: 1 if the block step reads the firing words w0/w1; 0 (what designated
   * initialisers leave) and the backend neither makes them nor passes them (NULL); a model that
   * draws only in some modes draws those itself. */
  uint32_t (*cpu_block_step)(const void *coef, const sg_view *v, uint64_t i0, uint32_t cnt, int64_t *slot,
                             const sg_step_ctx *ctx, const uint32_t *w0, const uint32_t *w1, uint32_t *spk);
  int cpu_block_draws;
  /* Width of state row r (1 unless the row is a vector, e.g. per receptor). NULL = all 1. */
  uint32_t (*state_width)(const struct sg_pop *pop, uint32_t row);
  /* Recordables: names and how to read one (NULL = the state rows as they are). */
  uint32_t (*n_recordables)(const struct sg_pop *pop);
  void (*recordable_name)(const struct sg_pop *pop, uint32_t j, char *buf, size_t len);
  double (*recordable_value)(const struct sg_pop *pop, uint32_t j, uint64_t i);
  /* Setting a state row may need a transform (glif_cond stores V relative to E_L). NULL = plain. */
  int (*set_state)(struct sg_pop *pop, uint32_t row, uint64_t i, double value, char *msg, size_t len);
  double (*get_state)(const struct sg_pop *pop, uint32_t row, uint64_t i);
  /* Setting a vector state row of node i (e.g. glif_cond's ASCurrents). NULL = not settable. */
  int (*set_state_vec)(struct sg_pop *pop, uint32_t row, uint64_t i, const double *v, size_t len, char *msg, size_t msglen);
  /* Called per node after parameters changed (glif_cond keeps absolute V_m when E_L moves). */
  void (*params_changed)(struct sg_pop *pop, uint64_t i, const double *old_p, const double *new_p);
  /* Initial state of node i from its parameters (NULL: the state rows' initial values). */
  void (*init_state)(struct sg_pop *pop, uint64_t i);
} sg_model_desc;

/* multimeter, or voltmeter (a multimeter whose record_from starts as {V_m}) */
static inline int sg_i_is_multimeter(const sg_model_desc *m) {
  return m->id == SG_MODEL_multimeter || m->id == SG_MODEL_voltmeter;
}

extern const sg_model_desc *const sg_i_models[];
extern const size_t sg_i_n_models;
const sg_model_desc *sg_i_model_find(const char *name);
struct sg_pop;
/* Index of recordable `name` of population pop's model, or UINT32_MAX; the model's recordables
 * (or its state rows) are listed into list as "a, b, c" ("(none)" if there are none). */
uint32_t sg_i_recordable_find(const struct sg_pop *pop, const char *name);
void sg_i_recordable_list(const struct sg_pop *pop, char *list, size_t len);
/* The recordables' names joined by sep into buf (as snprintf: at most cap bytes with the NUL);
 * returns the length of the whole text. */
size_t sg_i_recordable_names(const struct sg_pop *pop, const char *sep, char *buf, size_t cap);

/* ---- populations --------------------------------------------------------------------- */
typedef struct sg_pval { double uniform; double *each; } sg_pval;      /* each == NULL: uniform */
typedef struct sg_vval { sg_vec uniform; sg_vec *each; } sg_vval;

typedef struct sg_pop {
  const sg_model_desc *model;
  char name[SG_NAME_LEN];
  uint64_t first, n;                 /* global ids first .. first+n-1                      */
  uint32_t index;                    /* position in sim->pops                              */
  sg_pval *params;                   /* [model->n_params]                                  */
  sg_vval *vecs;                     /* [model->n_vecs]                                    */
  double *state[SG_MAX_STATE_ROWS];  /* row r: width(r) * n doubles, component-major        */
  uint32_t width[SG_MAX_STATE_ROWS];
  /* filled by sg_i_prepare() */
  uint32_t n_ports;
  int inputs_assigned;               /* the inputs are fixed once assigned (CSRs refer to them) */
  /* Ring inputs (docs/mpi.md §3). This rank's ring holds (port p, node i) for the nodes
   * in_lo .. in_lo + n - in_gap - 1 only, at input_base + p * (n - in_gap) + (i - in_lo)
   * (sg_i_ring_input); the generator CSR numbers every node's inputs as one process does,
   * input_gbase + p * n + i. One process: in_lo = in_gap = 0 and input_base = input_gbase. */
  uint64_t input_base, in_lo, in_gap;
  uint64_t input_gbase;
  uint64_t own_lo, own_hi;           /* this rank's block of the nodes (sg_mpi_share_of)      */
  void *coef;                        /* coef_size each; one per node when coef_per_node      */
  int coef_per_node;
  int has_connections;               /* incoming spike connections exist (ports frozen)     */
  uint64_t fed_ports;                /* bit p: a connection may write port p (a port >= 64
                                      * sets every bit, and is always read); a clear bit means
                                      * the port's inputs stay 0, so steps skip reading them  */
  int has_device_connections;        /* a recorder/generator is connected (device frozen)   */
  int has_remote_edges;              /* MPI: a synapse of it was kept by another rank only  */
  int prepared;                      /* part of an sg_i_prepare (sg_create_undo refuses it) */
  /* multimeter only */
  char (*record_from)[SG_NAME_LEN]; size_t n_record_from;
} sg_pop;

/* Read parameter p of node i (uniform or per node). */
static inline double sg_i_param(const sg_pop *pop, uint32_t p, uint64_t i) {
  return pop->params[p].each ? pop->params[p].each[i] : pop->params[p].uniform;
}
static inline const sg_vec *sg_i_vec(const sg_pop *pop, uint32_t v, uint64_t i) {
  return pop->vecs[v].each ? &pop->vecs[v].each[i] : &pop->vecs[v].uniform;
}

/* ---- ring inputs (numbered by host/prepare.c; the lookups are host/pop.c's) ---------------- */
/* The ring input of (port, node i) of pop on this rank; i must have inputs here. */
static inline uint64_t sg_i_ring_input(const sg_pop *pop, uint32_t port, uint64_t i) {
  return pop->input_base + (uint64_t)port * (pop->n - pop->in_gap) + (i - pop->in_lo);
}
#define SG_NO_INPUT UINT32_MAX   /* a generator synapse into another rank's node: no input here */
/* Step 1 of sg_i_prepare: ring inputs (both numberings) for each neuron population that has
 * none yet or whose port count changed; a range, once assigned, never moves. */
sg_status sg_i_assign_inputs(sg_sim *sim);
/* The ring input on this rank of an input in the generator CSR's numbering (input_gbase), or
 * SG_NO_INPUT when its node is another rank's. */
uint32_t sg_i_local_input(const sg_sim *sim, uint64_t ginput);
/* The node (gid) of an input: in the generator CSR's numbering (global) or this rank's ring
 * (the neuron CSR's); 0 if none. */
uint64_t sg_i_node_of_input(const sg_sim *sim, uint64_t input, int global);

/* ---- edges and CSR --------------------------------------------------------------------- */
/* A connection into port `port` of pop exists (or may: marking too much only costs speed). */
static inline void sg_i_mark_fed(sg_pop *pop, uint32_t port) {
  pop->fed_ports |= port < 64 ? (uint64_t)1 << port : ~(uint64_t)0;
}
#define SG_PORT_SPIKE_RECORDER 0xFFFFu  /* sg_edges.port: neuron -> spike_recorder */
#define SG_PORT_MULTIMETER     0xFFFEu  /* sg_edges.port: multimeter -> neuron */

/* Connections as made by sg_connect, before the CSR exists: 20 bytes each. Node indices are
 * global id - 1 (so at most 2^32 - 1 nodes). */
typedef struct sg_edges {
  uint32_t *src, *tgt; float *weight; uint32_t *delay; uint16_t *port; uint16_t *receptor;
  size_t n, cap;
} sg_edges;

/* Compressed rows by source node: per row, synapses sorted by (delay, input); a row is split
 * into segments of equal delay stored once (seg_delay, seg_end), a segment's inputs ascend. A
 * synapse costs 8 bytes. */
typedef struct sg_csr {
  uint64_t n_rows;
  uint64_t *row_seg;     /* [n_rows+1] segment range of each row                         */
  uint32_t *seg_delay;   /* [n_seg] delay in steps                                        */
  uint64_t *seg_end;     /* [n_seg] end (exclusive) of the segment in the synapse arrays  */
  uint32_t *input;       /* [n_syn] ring-buffer input index                               */
  float *weight;         /* [n_syn]                                                       */
  uint64_t n_seg, n_syn;
  uint32_t max_delay;    /* steps */
} sg_csr;

/* ---- procedural projections (host/proc.c, docs/procedural.md) --------------------------- */
/* A projection whose rows are drawn again at every spike (sg/proc.h): the descriptor both
 * backends walk (its input_base, pop_n, pop_first are set by sg_i_prepare), and what only the
 * host needs. */
typedef struct sg_i_proc {
  sg_proc d;
  sg_pop *tpop;          /* the target population                                      */
  uint32_t *count;       /* fixed_total_number: [npre] synapses of each source; else NULL */
  int receptor;
} sg_i_proc;

/* What sg_connect has checked of a procedural call (rule parameters, receptor, port pair). */
typedef struct sg_i_proc_req {
  int rule;              /* SG_PROC_*                                                   */
  sg_nodes pre, post;
  sg_pop *tpop;
  uint64_t K, N;
  double p, log1mp;
  int autapses, multapses;
  sg_value w, d;
  int receptor;
  uint32_t port, port_neg;
  int unit_weight;
} sg_i_proc_req;

/* ---- recorders ------------------------------------------------------------------------- */
/* One recorder node's data: spikes (time in steps, sender gid) or multimeter samples
 * (time in steps, sender, one value per recorded variable). Kept in memory when
 * keep_in_memory, and streamed to HDF5 in blocks. */
typedef struct sg_spike_rec {
  uint64_t gid;                      /* the recorder's global id                    */
  int64_t t_min, t_max;              /* window in steps: t_min < stamp <= t_max      */
  uint64_t *stamp, *sender; size_t n, cap;       /* in memory (all, or the unflushed block) */
  size_t n_flushed;                  /* events already written to HDF5               */
  void *h5;                          /* open output file (sg_h5 *) or NULL           */
  int *h5_pop;                       /* per neuron population: handle in the file or -1 */
} sg_spike_rec;

typedef struct sg_multimeter {
  uint64_t gid;
  int64_t interval, offset, t_min, t_max, created_step;  /* steps */
  uint64_t *targets; size_t n_targets;                   /* gids, connection order    */
  uint32_t *target_rec;              /* [n_targets * n_vars] recordable index in the target's model */
  size_t n_vars;
  uint64_t *stamp; double *values; size_t n_rows, cap_rows;  /* row = one sample time: n_targets*n_vars values */
  size_t n_flushed_rows;
  void **h5;                         /* per variable: open report file or NULL */
} sg_multimeter;

/* ---- backends -------------------------------------------------------------------------- */
typedef struct sg_backend_ops {
  const char *name;
  /* before sg_i_prepare changes the network: input the backend holds outside the ring (drawn
   * later from the current tables) into the ring; NULL if it holds none */
  void (*flush)(sg_sim *sim);
  sg_status (*prepare)(sg_sim *sim);            /* network changed: (re)build device data */
  sg_status (*run)(sg_sim *sim, uint64_t n_steps);
  sg_status (*sync)(sg_sim *sim);               /* state back to the host arrays          */
  void (*release)(sg_sim *sim);
} sg_backend_ops;

extern const sg_backend_ops sg_i_cpu_backend;
extern const sg_backend_ops sg_i_cuda_backend;  /* stub in CPU-only builds */

/* The output folder held by one run (record.c): the flock'ed lock file, the folder's identity
 * in the in-process registry, and the run identifier written into every file. */
typedef struct sg_out_claim {
  int fd;                            /* <output_dir>/.spikegpu.lock, or -1            */
  uint64_t dev, ino;                 /* the folder (registry key); 0, 0 = none         */
  char run_id[33];                   /* 32 hex digits                                  */
} sg_out_claim;

/* ---- the simulation -------------------------------------------------------------------- */
struct sg_sim {
  sg_config cfg;
  char output_dir[4096];
  sg_out_claim out_claim;            /* held from sg_sim_new to sg_sim_free            */
  double h;                          /* resolution, ms */
  int64_t tics_per_step;
  uint64_t step;                     /* steps simulated so far */
  char msg[SG_MSG_LEN];

  sg_pop **pops; size_t n_pops, cap_pops;
  uint64_t n_nodes;                  /* global ids 1 .. n_nodes */

  sg_edges edges;                    /* connections not yet in the CSR                   */
  double *abs_w_sum;                 /* per node: sum of |w| of incoming events (overflow bound) */
  uint64_t n_connect_calls;          /* successful sg_connect calls: the next call's RNG instance
                                      * (ctr.w, docs/rng.md); call 2^32 is refused            */
  uint64_t n_param_draws;            /* successful sg_set_value calls with a distribution: the
                                      * next one's RNG instance (SG_STREAM_PARAM, docs/rng.md) */
  uint32_t min_delay, max_delay;     /* steps, over all connections (NEST semantics)      */
  uint64_t n_syn_remote;             /* MPI: synapses drawn here but kept by other ranks (connect.c) */
  sg_i_proc *proc; size_t n_proc;    /* procedural projections, in connect order           */

  /* built by sg_i_prepare() */
  int dirty;                         /* network changed since the last prepare            */
  sg_csr csr;                        /* neuron -> neuron synapses, rows = all nodes        */
  sg_csr gen_csr;                    /* generator -> target, rows = all nodes               */
  uint64_t *rec_row; uint32_t *rec_idx;  /* neuron -> spike recorders: rows = all nodes   */
  uint64_t n_inputs;                 /* ring row length: this rank's inputs               */
  uint64_t n_inputs_all;             /* the network's (the generator CSR's numbering)      */
  uint32_t ring_len;                 /* R: power of two > max delay                       */
  int64_t *ring;                     /* [R * n_inputs] (cpu backend; the cuda one has its own) */

  sg_gen *gens; size_t n_gens;       /* sg/stim/advance.h; built by host/stim.c */
  int64_t *gen_t;                    /* spike stamps / amplitude change stamps (steps)      */
  double *gen_w;                     /* spike weight factors / amplitudes                  */
  uint32_t *gen_m;                   /* spike multiplicities                               */
  double *gen_vals;                  /* noise: current value per generator target          */
  uint64_t n_gen_ev, n_gen_vals;

  sg_spike_rec *srec; size_t n_srec;
  sg_multimeter *mm; size_t n_mm;

  const sg_backend_ops *backend;
  char backend_reason[320];
  void *backend_data;
  int state_on_device;               /* host state stale until sync                        */

  sg_run_stats stats;
  sg_mpi_info mpi;                   /* ranks and the spike exchange's counts (backend_cpu.c)  */
  uint32_t *spk_buf; uint32_t *spk_mult; size_t spk_cap; /* per-step spike list (cpu)     */
  int poisoned;                      /* an unrecoverable error happened (e.g. CUDA)       */
  int rec_gap;                       /* a run chunk failed: the files' t_stop stays put    */
};

/* ---- helpers used across host/ (tests/check_layering.sh lists host/'s layers) ---------- */
/* Errors (host/status.c): the message into sim->msg; returns code. */
sg_status sg_i_fail(sg_sim *sim, sg_status code, const char *fmt, ...)
#if defined(__GNUC__)
  __attribute__((format(printf, 3, 4)))
#endif
  ;
/* The same for calls that have no simulation yet (sg_sim_new): the message into err[len]. */
sg_status sg_i_errout(char *err, size_t len, sg_status code, const char *fmt, ...)
#if defined(__GNUC__)
  __attribute__((format(printf, 4, 5)))
#endif
  ;
/* Populations (host/pop.c) */
sg_pop *sg_i_pop_of(const sg_sim *sim, uint64_t gid);         /* NULL if out of range */
/* A node's state became non-finite in the update of `step` (a step function returned
 * SG_STEP_NONFINITE; row = global id - 1): stops the simulation for good (sim->poisoned) with
 * SG_ERR_OVERFLOW naming the node, its population and model, the time and its parameter values.
 * Recordings up to the stop are kept. Both backends report it the same way. */
sg_status sg_i_nonfinite_error(sg_sim *sim, uint32_t row, uint64_t step);   /* host/models.c */
/* Node collections (host/pop.c). sg_i_nodes_norm checks x (non-empty; a range within 1..n_nodes,
 * or strictly ascending ids in it; messages "fn: what ...") and normalises it: first = the first
 * id, and an id list that is dense becomes the range (ids = NULL), so contiguous sets take the
 * range paths. sg_i_nodes_pop: the population of a range within one (a non-contiguous list is
 * refused). sg_i_nodes_run: the longest run of consecutive ids of one population that starts at
 * position i of a normalised x, as a range in *run; returns the position after it. */
sg_status sg_i_nodes_norm(sg_sim *sim, const char *fn, const char *what, sg_nodes *x);
sg_status sg_i_nodes_pop(sg_sim *sim, sg_nodes nodes, const char *what, sg_pop **out);
uint64_t sg_i_nodes_run(const sg_sim *sim, sg_nodes x, uint64_t i, sg_nodes *run);
/* Distributions of sg_value (host/value.c). sg_i_dist_check: the spec's own parameters (finite,
 * std >= 0, min < max, a clipped normal keeping >= 20%), messages "fn: what = uniform(...): allowed
 * ..."; SG_ERR_ARG for a kind that is not a distribution. sg_i_dist_draw: one value from cursor c
 * (positioned at its first draw block) by sg/dist.h's sampler, the one the procedural rows of both
 * backends draw with too; 0 = ok, 1 = it needed draw blocks past `end`. sg_i_proc_val: the spec as
 * sg/proc.h's descriptor holds it. */
void sg_i_value_text(const sg_value *v, char *buf, size_t len);
int sg_i_value_is_dist(const sg_value *v);
sg_status sg_i_dist_check(sg_sim *sim, const char *fn, const char *what, const sg_value *v);
int sg_i_dist_draw(const sg_value *v, sg_rng_cursor *c, uint32_t end, double *out);
sg_proc_val sg_i_proc_val(const sg_value *v);               /* sg_value as sg/proc.h takes it */
/* A population of n nodes of model m with the model's default parameters and vectors, not yet
 * in a simulation (no ids, no state rows: sg_i_pop_alloc_state makes them); NULL if out of memory. */
sg_pop *sg_i_pop_new(const sg_model_desc *m, uint64_t n);
void sg_i_pop_free(sg_pop *pop);
sg_status sg_i_pop_alloc_state(sg_sim *sim, sg_pop *pop);    /* (re)size state rows from widths */
/* Refuses (naming both) output files of recorder population self (NULL: one being created with
 * name, model, n) recording vars that another recorder population also writes (host/create.c). */
/* Ring-buffer inputs that sg_i_prepare would assign now (connect.c): sg_connect and sg_create
 * check with it that the ring (slots x inputs x 8 bytes) still fits before they commit. */
double sg_i_ring_inputs(const sg_sim *sim);
/* What one connection may be (host/limits.c): a delay in ms as whole steps (1 .. 65535), a weight
 * as a finite float; 0 = ok, else msg says why ("delay = ... : allowed ..."). sg_i_check_ring
 * refuses a longest delay of dmax steps whose ring would not fit the host memory. */
#define SG_MAX_DELAY_STEPS 65535u
int sg_i_delay_steps(const sg_sim *sim, double ms, uint32_t *steps, char *msg, size_t len);
int sg_i_weight_float(double w, float *f, char *msg, size_t len);
sg_status sg_i_check_ring(sg_sim *sim, uint32_t dmax);
/* Procedural projections (host/proc.c): validate and commit one (the call's whole work after
 * sg_connect's common checks), free them all, and walk the synapses of source gid sg in one of
 * them whose target lies in post ({0, 0}: any): emit (unless NULL) gets target gid, weight and
 * delay in steps and returns nonzero to stop. Returns the synapses walked. */
sg_status sg_i_proc_connect(sg_sim *sim, const sg_i_proc_req *r);
void sg_i_proc_free(sg_sim *sim);
uint64_t sg_i_proc_walk(const sg_i_proc *q, uint64_t sg, sg_nodes post,
                        int (*emit)(void *ctx, uint64_t tgt, float w, uint32_t d), void *ctx);
sg_status sg_i_check_files(sg_sim *sim, const char *fn, const sg_pop *self, const char *name,
                           const sg_model_desc *model, uint64_t n, const char *const *vars, size_t n_vars);
sg_status sg_i_prepare(sg_sim *sim);                          /* CSR, ports, coefs, ring, recorders */
void sg_i_csr_free(sg_csr *c);
uint64_t sg_i_csr_row_len(const sg_csr *c, uint64_t row);   /* synapses of a row; 0 if absent (csr.c) */
void sg_i_edges_free(sg_edges *e);                            /* host/connect.c: edges' owner */
sg_status sg_i_edges_reserve(sg_sim *sim, sg_edges *e, size_t extra);
/* Build both CSRs from sim->edges (merging any existing CSR back in). connect.c/csr.c */
sg_status sg_i_build_csr(sg_sim *sim);
/* Time helpers: ms -> steps with NEST's rules; error if not on the grid. */
sg_status sg_i_time_to_steps(sg_sim *sim, const char *what, double ms, int64_t *steps);
sg_status sg_i_stim_prepare(sg_sim *sim);                     /* host/stim.c */
/* A parameter value that only a generator's per-step limits can judge (host/stim.c): 0 = fine,
 * else fills msg ("= value: allowed ..."). Called by sg_set / sg_set_each before committing. */
int sg_i_stim_param_check(const sg_sim *sim, const sg_model_desc *m, uint32_t param, double v, char *msg, size_t len);
void sg_i_stim_free(sg_sim *sim);
/* Recorders (record.c) */
sg_status sg_i_record_alloc(sg_sim *sim);     /* one record per recorder node, before the CSR */
sg_status sg_i_record_prepare(sg_sim *sim);
/* Writes what the recorders hold to their files. complete = 1: the recordings are complete up
 * to sg_time(sim), so each file's t_stop moves there; 0 after a failed run chunk: t_stop no
 * longer moves for this simulation (sim->rec_gap). */
sg_status sg_i_record_flush(sg_sim *sim, int complete);
void sg_i_record_free(sg_sim *sim);
sg_status sg_i_srec_push(sg_sim *sim, sg_spike_rec *r, uint64_t stamp, uint64_t sender, uint32_t mult);
/* host/spike_order.c: a batch of recorded spikes, appended step by step in any order within a step,
 * sorted by (stamp, row); tmp holds tmp_cap entries (the largest step needs as many as it has). */
void sg_i_order_spikes(sg_spike_ev *ev, uint64_t n, sg_spike_ev *tmp, uint64_t tmp_cap);
/* The same for entries of consecutive windows from step k0 (window j: win[j] steps, j < n_win),
 * each window's entries together but its steps in any order; tmp holds a window's entries. */
void sg_i_order_window_spikes(sg_spike_ev *ev, uint64_t n, sg_spike_ev *tmp, uint64_t tmp_cap, uint64_t k0,
                              const uint32_t *win, uint64_t n_win);
int sg_i_spike_ev_cmp(const void *a, const void *b);   /* qsort's order: (stamp, row) */
sg_status sg_i_mm_row(sg_sim *sim, sg_multimeter *m, uint64_t stamp, double **row);
/* Room for `extra` more spikes / `rows` more samples, so that the pushes after it cannot fail:
 * the backends reserve before the steps whose recordings it is for (a failure then stops the
 * run cleanly, before the state moved), not after. */
sg_status sg_i_srec_reserve(sg_sim *sim, sg_spike_rec *r, size_t extra);
sg_status sg_i_mm_reserve(sg_sim *sim, sg_multimeter *m, size_t rows);
/* Claims output_dir for one run (lock, in-process registry, overwrite_files check) or says why
 * not; release frees it (also after a failed claim: no-op). record.c */
sg_status sg_i_output_claim(const char *dir, int overwrite, int verbose, sg_out_claim *out, char *err, size_t errlen);
void sg_i_output_release(sg_out_claim *c, const char *dir);
int sg_i_mm_due(const sg_multimeter *m, uint64_t stamp);
/* MPI ranks (docs/mpi.md). sg_i_rank_owns (host/pop.c): whether node gid is in this rank's block
 * of its population (always with one rank). What both backends do alike (host/rank_share.c, all
 * collective): sg_i_rank_exchange: this rank's n spikes of a window, 3 words
 * each, to every rank (rank r's: counts[r] spikes, xcnt[r] words at rbuf + xdsp[r]).
 * sg_i_rank_merge_samples: the multimeter rows of stamp s or-ed over the ranks (each rank filled its
 * own nodes, zero bits elsewhere). sg_i_rank_stop: the status of a stopped run, alike on every rank.
 * sg_i_rank_gather_state: every rank's share of the state to every rank. */
int sg_i_rank_owns(const sg_sim *sim, uint64_t gid);
void sg_i_rank_exchange(sg_sim *sim, const uint32_t *sbuf, size_t n, uint32_t *rbuf, int64_t *counts, int *xcnt, int *xdsp);
void sg_i_rank_merge_samples(sg_sim *sim, uint64_t s);
sg_status sg_i_rank_stop(sg_sim *sim, uint64_t bad_step, uint32_t bad_row, int status, const char *who);
sg_status sg_i_rank_gather_state(sg_sim *sim);
/* Memory accounting (host/mem.c): MemAvailable in bytes, 0 if unknown. */
uint64_t sg_i_host_mem_available(void);

#endif
