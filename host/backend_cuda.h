/* host/backend_cuda.h - what the cuda backend's two files share: its data, the plan of a prepare,
 * the error and allocation macros, and the functions one file calls in the other. Internal to
 * host/backend_cuda.c (probe, prepare, run, sync) and host/backend_cuda_ranks.c (MPI ranks,
 * docs/mpi.md §9); included only where SG_HAVE_CUDA is set. */
/* SPDX-License-Identifier: MIT */
#ifndef SG_BACKEND_CUDA_H
#define SG_BACKEND_CUDA_H

#include <cuda_runtime_api.h>

#include "internal.h"

#include "../kernels/sg_cuda.h"
#include "cuda_timing.h"
#include "ranks.h"
#include "sg/csr.h"
#include "sg/model_list.h"
#include "sg/ring.h"

#define GIB 1073741824.0
#define SG_CU_UNROLL 16                      /* windows per replay of the long graph           */
#define SG_CU_WIN_MAX 32u                    /* longest window (steps), as the cpu backend's    */
#define SG_CU_SPK_BUDGET ((uint64_t)1 << 25) /* spike-list entries (18 B) windows may use: a
                                                window's list holds W steps of every neuron     */
#define SG_CU_REC_BUDGET ((uint64_t)1 << 23) /* spike-recorder entries (16 B) a batch may use;
                                                the buffers are double (cu_run): 256 MiB in all */
#define SG_CU_MM_BUDGET ((uint64_t)1 << 24)  /* multimeter doubles a batch may use (x 2 too)    */
#define SG_CU_RESERVE (256.0 * 1048576.0)    /* device memory left free (context, graphs, ...)  */

/* ---- the backend's data ------------------------------------------------------------------ */
typedef struct cu_pop {
  sg_pop *pop;
  int model;
  uint64_t n;
  uint32_t n_state;
  uint32_t width[SG_MAX_STATE_ROWS];
  double *host_row[SG_MAX_STATE_ROWS];   /* host arrays at upload time: a row reallocated since
                                            (fresh state after a width change) is not pulled back */
  uint64_t row_off[SG_MAX_STATE_ROWS];   /* offset of row r in d_state (doubles)            */
  double *d_state;
  uint64_t n_doubles;
  void *d_coef;
  int coef_per_node;
  sg_view view;                          /* device row pointers                              */
  unsigned grid;                         /* blocks of its model's update launch it gets      */
  uint64_t lo, hi;                       /* the nodes it updates: this rank's block (all: 0, n) */
} cu_pop;

/* One update launch: every population of a model (kernels/update.cu), its table on the device. */
typedef struct cu_upd {
  int model;
  uint32_t n_pops;
  unsigned grid, block;                  /* grid: the populations' blocks together           */
  sg_cu_upd_pop *d_pops;
  char label[64];                        /* "update_<model>" for the kernel timing           */
} cu_upd;

typedef struct cu_mm_tgt {
  uint64_t off;       /* first value of this target in the multimeter's sample block           */
  int snapshot;       /* 1: the node's whole state (the model computes its recordables on the
                         host with recordable_value); 0: one value per recorded variable       */
} cu_mm_tgt;

typedef struct cu_mm {
  uint64_t first, n;  /* gather entries of this multimeter (n = values per sample)             */
  cu_mm_tgt *tgt;     /* [n_targets]                                                           */
} cu_mm;

typedef struct cu_data {
  int block, n_sm, use_graph;
  char dev_name[256];
  cudaStream_t stream;
  sg_cu_ctl *d_ctl, *h_ctl;    /* d_ctl[0]: the control block; d_ctl[1 + half]: its copy at the end
                                  of the last batch that wrote that half (sg_i_cu_run)             */
  cudaStream_t copy;           /* downloads of a finished batch, beside the next batch's steps     */
  cudaEvent_t batch_done[2];   /* per half: its batch's steps and control-block copy are done      */
  /* ring: kept across prepares */
  int64_t *d_ring;
  uint32_t R;
  uint64_t ni;
  /* neurons */
  cu_pop *pops;
  size_t n_pops;
  cu_upd *upd;                 /* one per model with neurons, in order of first appearance */
  size_t n_upd;
  uint64_t n_neurons;
  uint32_t *d_spk_row, *d_spk_mult;
  uint16_t *d_spk_w;
  uint64_t *d_prefix;
  uint32_t spk_cap;
  /* windows (sg_cu_ctl.win): wmax steps at most (1: a step at a time); per half of the batch
   * buffers a table of the batch's window lengths (due_steps + 1 entries) */
  uint32_t wmax;
  uint32_t *d_win, *h_win;
  /* neuron -> neuron synapses */
  uint64_t *d_row_ptr, *d_row_seg, *d_seg_end;
  uint32_t *d_seg_delay, *d_target;   /* d_row_seg, d_seg_*: unpacked targets only (upload_csr) */
  float *d_weight;
  uint64_t n_syn;
  /* procedural projections (sg/proc.h): the descriptors, and each one's per-source counts */
  sg_proc *proc;
  uint32_t **d_count;          /* [n_proc]: device counts, NULL for rules without them   */
  size_t n_proc;
  unsigned grid_proc;
  /* generators */
  sg_cu_gen *d_gens;
  uint64_t n_gens;
  uint32_t *d_gs_gen, *d_gs_j, *d_gs_delay, *d_gs_input;   /* synapses stimulate_targets_kernel serves */
  float *d_gs_weight;
  uint64_t n_gs;
  int gens_serial;             /* prepare_generators runs: a generator other than a poisson_generator,
                                  or a Poisson synapse that is not in the update's drive         */
  /* the Poisson drive (kernels/update.cu): poisson_generator synapses into neurons, by target */
  uint32_t *d_pois_row;        /* [n_nodes + 1]                                                   */
  uint32_t *d_ps_gen, *d_ps_j, *d_ps_delay, *d_ps_input;
  float *d_ps_weight;
  uint64_t n_ps;
  uint64_t pois_from;          /* the step these tables were prepared at (sg_cu_ctl.pois_from)    */
  int64_t *d_ev_t;
  double *d_ev_w;
  uint32_t *d_ev_m;
  double *d_vals;
  uint64_t n_ev, n_vals;
  /* spike recorders */
  uint8_t *d_has_rec;
  uint64_t n_rec_src, rec_cap;
  uint64_t rec_rate;           /* recorded spikes per step of the last batch, rounded up (plan_batch) */
  int rec_unplanned;           /* test hook: batches planned without the rate, so most are halted */
  uint64_t *rec_need;          /* [sim->n_srec]: spikes of the batch per spike recorder (reserve_batch) */
  sg_cu_rec_ev *d_rec, *h_rec;
  sg_cu_rec_ev *h_rec_tmp;     /* [n_rec_src x wmax]: the sorts' second buffer (sg_i_order_spikes)  */
  /* multimeters */
  const double **d_mm_addr;
  uint32_t *d_mm_idx;
  uint64_t *d_mm_first;
  uint64_t n_mm_ent;
  cu_mm *mm;
  size_t n_mm;
  uint64_t *d_due, *h_due;
  uint64_t due_steps;
  double *d_mm_buf, *h_mm_buf;
  uint64_t mm_cap;
  /* launch configuration of the step: per kernel the configured block size capped at what the
   * compiled kernel can launch (sg_cuda_block_for) */
  unsigned blk[SG_CU_K_COUNT];
  unsigned grid_gens, grid_gs, grid_ps, grid_deliver, grid_rec, grid_mm;
  sg_cu_gen_args gen_args;
  sg_cu_gen_syn gen_syn, pois_syn;
  sg_cu_csr csr;
  sg_cu_spikes spk;
  sg_cu_mm_args mm_args;
  cudaGraphExec_t graph1, graphU;
  sg_cu_timing timing;       /* SG_CUDA_KERNEL_TIMING (host/cuda_timing.h)                         */
  int ready;
  /* MPI ranks (docs/mpi.md): P ranks, this one `rank`; with P > 1 the window's exchange and
   * deferred delivery (host/backend_cuda_ranks.c), NULL in one process */
  int P, rank;
  struct cu_ranks *rk;
  const struct cu_rank_hooks *hooks;   /* the ranks section's part (set by sg_i_cu_prepare)       */
} cu_data;
typedef struct cu_rank_hooks cu_rank_hooks;

/* ---- prepare --------------------------------------------------------------------------------- */
typedef struct cu_sizes { double state, coef, spikes, csr, gens, ring, rec, mm, total; } cu_sizes;

/* What prepare derives from the network before it allocates anything on the device. */
typedef struct cu_plan {
  uint64_t n_nodes, n_neurons, n_neuron_pops, spk_cap, n_gs;   /* n_gs: generator synapses              */
  uint64_t n_syn, n_seg;       /* neuron -> neuron CSR (0 without one)                                */
  uint32_t input_bits;         /* of the device's packed targets, or SG_CSR_UNPACKED (plan_packing)   */
  uint32_t syn_bits;           /* the low bits of sg_cu_ctl.spk_acc: a window's synapses              */
  uint32_t wmax;               /* longest window (plan_windows): 1 without windows                    */
  uint64_t ni, n_rec_src;      /* ring inputs; senders with a spike recorder                          */
  uint32_t R; int ring_new;    /* ring slots; 1: first prepare or another ring shape (a new ring)     */
  uint64_t chunk, rec_cap, mm_cap;   /* steps per run() call; recording buffers (entries, doubles)    */
  int rec_unplanned;                 /* test hook SG_CUDA_TEST_REC_CAP=xM (plan_recording)              */
  cu_sizes sz;                 /* device bytes                                                        */
} cu_plan;

/* sg_i_cu_alloc_upload's table entry: where the device pointer goes, the host data (NULL: allocated only),
 * the bytes, and the array's name for error messages. */
typedef struct cu_array { void **dev; const void *src; size_t bytes; const char *name; } cu_array;
#define DEV_ARRAY(ptr, src, count) {(void **)&(ptr), (src), (size_t)(count) * sizeof *(ptr), #ptr}
#define ALLOC_UPLOAD(table) sg_i_cu_alloc_upload(sim, d, (table), sizeof(table) / sizeof *(table))

/* Turns a CUDA error into SG_ERR_CUDA with its name and the call (file:line); poisons the
 * simulation when steps were running (`running`) or the error is sticky. CU_TRY names the file
 * SG_CU_FILE, which each including file defines first. */
sg_status sg_i_cu_fail(sg_sim *sim, cudaError_t e, const char *call, const char *file, int line, int running);
/* Every CUDA call goes through CU_TRY: needs `sg_status st`, `int running` and a `fail:` label. */
#define CU_TRY(call)                                                   \
  do {                                                                 \
    const cudaError_t cu_e_ = (call);                                  \
    if (cu_e_ != cudaSuccess) {                                        \
      st = sg_i_cu_fail(sim, cu_e_, #call, SG_CU_FILE, __LINE__, running);   \
      goto fail;                                                       \
    }                                                                  \
  } while (0)

/* cudaMalloc of at least 8 bytes (so that an empty table still has a valid pointer) */
#define CU_ALLOC(ptr, bytes)                                                   \
  do {                                                                         \
    const size_t cu_b_ = (size_t)(bytes);                                      \
    CU_TRY(cudaMalloc((void **)&(ptr), cu_b_ != 0 ? cu_b_ : 8u));              \
  } while (0)

/* Frees a device (pinned host) pointer; a failure is reported in the message. */
void sg_i_cu_free(sg_sim *sim, void *p, const char *what);
void sg_i_cu_free_host(sg_sim *sim, void *p, const char *what);
#define FREE_D(p) do { sg_i_cu_free(sim, (void *)(p), #p); (p) = NULL; } while (0)
#define FREE_H(p) do { sg_i_cu_free_host(sim, (void *)(p), #p); (p) = NULL; } while (0)

/* host/backend_cuda.c, for the MPI ranks section too */
sg_status sg_i_cu_alloc_upload(sg_sim *sim, cu_data *d, const cu_array *a, size_t n);
sg_status sg_i_cu_pull_state(sg_sim *sim, cu_data *d, int for_prepare);
uint64_t sg_i_cu_plan_batch(const sg_sim *sim, cu_data *d, uint64_t start, uint64_t remaining, uint64_t *mm_used,
                            uint64_t *due);
sg_status sg_i_cu_reserve_spikes(sg_sim *sim, cu_data *d, const sg_cu_rec_ev *ev, uint64_t n);
sg_status sg_i_cu_push_spikes(sg_sim *sim, const sg_cu_rec_ev *ev, uint64_t n);
void sg_i_cu_fill_mm_row(sg_sim *sim, const cu_data *d, size_t j, const double *blk, double *row, int ranks);
sg_status sg_i_cu_launch_steps(sg_sim *sim, cu_data *d, uint64_t n, const uint32_t *win);
sg_status sg_i_cu_device_fault(sg_sim *sim, const cu_data *d, unsigned fault, uint64_t step0, uint64_t n, int rec_over,
                               int out_of_sequence, const char *rec_buf);

/* The MPI ranks section's part in prepare, a step and release (host/backend_cuda_ranks.c). Its
 * backend table (sg_i_cuda_backend) hands these to sg_i_cu_prepare, which keeps them in cu_data:
 * the ranks section builds on this file, never the other way round (tests/check_layering.sh). */
struct cu_rank_hooks {
  sg_status (*plan)(sg_sim *sim, cu_data *d, cu_plan *pl);          /* window buffers: device bytes  */
  sg_status (*setup)(sg_sim *sim, cu_data *d, const cu_plan *pl);   /* and their allocation          */
  cudaError_t (*enqueue_tail)(cu_data *d, sg_cu_timing *tm);        /* a step after the updates      */
  void (*release)(sg_sim *sim, cu_data *d);
};

/* host/backend_cuda.c: the backend of one process, which the ranks section's table calls (with
 * P > 1 it runs and syncs itself, after sg_i_cu_prepare) */
sg_status sg_i_cu_prepare(sg_sim *sim, const cu_rank_hooks *hooks);
sg_status sg_i_cu_run(sg_sim *sim, uint64_t n_steps);
sg_status sg_i_cu_sync(sg_sim *sim);
void sg_i_cu_release(sg_sim *sim);

#endif
