/* spikegpu.h - public C API of spikegpu, a simulator for spiking neural networks with a CPU
 * reference backend and a bit-identical CUDA backend. Host-only header (C11).
 *
 * Units are NEST's: ms, mV, pA, nS, pF, Hz. Names of models, parameters, recordables and
 * connection rules are NEST's, so a PyNEST script translates line by line:
 *
 *   sg_config cfg; sg_config_default(&cfg);            nest.ResetKernel(); nest.resolution = 0.1
 *   sg_sim *sim; sg_sim_new(&cfg, &sim, err, sizeof err);
 *   sg_nodes n; sg_create(sim, "gl_exp", 100, &n);     n = nest.Create("gl_exp", 100)
 *   sg_set(sim, n, "I_e", 550.0);                       n.I_e = 550.0
 *   sg_connect(sim, n, sr, NULL, NULL);                 nest.Connect(n, sr)
 *   sg_simulate(sim, 1000.0);                           nest.Simulate(1000.0)
 *
 * Every call returns an sg_status; SG_OK is 0. On failure sg_errmsg(sim) names the parameter,
 * the bad value and what is allowed, and the simulation is left exactly as it was.
 */
/* SPDX-License-Identifier: MIT */
#ifndef SPIKEGPU_H
#define SPIKEGPU_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SG_VERSION_MAJOR 0
#define SG_VERSION_MINOR 1
#define SG_VERSION_PATCH 0

/* ---- status codes ---------------------------------------------------------------------- */
#define SG_STATUS_LIST(X)                                                          \
  X(SG_OK,              "ok")                                                      \
  X(SG_ERR_ARG,         "invalid argument")                                        \
  X(SG_ERR_UNKNOWN,     "unknown name")                                            \
  X(SG_ERR_NOMEM,       "out of memory")                                           \
  X(SG_ERR_CUDA,        "CUDA error")                                              \
  X(SG_ERR_NO_DEVICE,   "no usable CUDA device")                                   \
  X(SG_ERR_HDF5,        "HDF5 error")                                              \
  X(SG_ERR_IO,          "I/O error")                                               \
  X(SG_ERR_STATE,       "call not allowed in this state")                          \
  X(SG_ERR_OVERFLOW,    "numeric or buffer overflow")                              \
  X(SG_ERR_MODEL,       "model error")                                             \
  X(SG_ERR_INTERRUPTED, "interrupted")

typedef enum sg_status {
#define SG_X_ENUM(code, text) code,
  SG_STATUS_LIST(SG_X_ENUM)
#undef SG_X_ENUM
  SG_STATUS_COUNT
} sg_status;

/* Static name of a status code ("SG_ERR_ARG: invalid argument"). Never NULL. */
const char *sg_status_str(sg_status code);
/* "major.minor.patch (cuda|cpu-only build)". */
const char *sg_version(void);

/* ---- simulation ------------------------------------------------------------------------ */
typedef struct sg_sim sg_sim;

typedef enum sg_backend { SG_BACKEND_AUTO = 0, SG_BACKEND_CPU = 1, SG_BACKEND_CUDA = 2 } sg_backend;

typedef struct sg_config {
  double resolution_ms;    /* h, > 0, a multiple of the tic (0.001 ms) up to the rounding of its  */
                           /* decimal text (0.1000000001 is refused, not rounded); default 0.1 */
  uint64_t seed;           /* Philox key; any value; default 143202461 (NEST's default seed)    */
  sg_backend backend;      /* auto (default): cuda when a usable device exists, else cpu        */
  int threads;             /* cpu backend OpenMP threads; 0 = OpenMP default                    */
  const char *output_dir;  /* HDF5 output folder (created); NULL = no files, memory only        */
  int keep_in_memory;      /* 1 (default): recordings stay readable through sg_spikes/sg_samples */
  int progress;            /* 1: progress line on stderr for runs > 2 s wall; default 0          */
  double flush_interval_ms;/* simulated time between recorder flushes to HDF5, > 0 and at most  */
                           /* 9e12 ms; default 100 ms (Ctrl-C is checked every ~0.1 s anyway)   */
  int cuda_block_size;     /* threads per block for the cuda backend; 0 = default (256)          */
  int verbose;             /* 1: print the backend choice and reason on stderr; default 1       */
  int report_double;       /* multimeter HDF5 data as float64 (bit-exact) instead of float32,
                              the type libsonata reads; default 0 (float32). In memory: float64 */
  int overwrite_files;     /* NEST's overwrite_files: 0 (default): sg_sim_new refuses an
                              output_dir that already holds .h5 files (an earlier run's), naming
                              one; 1: this run's files replace those of the same name. Either
                              way a run holds output_dir exclusively until sg_sim_free, and a
                              second run (any process) writing there is refused at sg_sim_new */
} sg_config;

void sg_config_default(sg_config *cfg);

/* Creates a simulation. err (may be NULL) receives the reason on failure, since no handle exists. */
sg_status sg_sim_new(const sg_config *cfg, sg_sim **out, char *err, size_t errlen);
void sg_sim_free(sg_sim *sim);                 /* flushes and closes output; NULL is a no-op */
const char *sg_errmsg(const sg_sim *sim);      /* last error message ("" if none)           */
const char *sg_backend_used(const sg_sim *sim);/* "cpu" or "cuda"                            */
const char *sg_backend_reason(const sg_sim *sim); /* why this backend was chosen              */
/* Probes for a usable CUDA device once per process; 1 if usable, else 0 and the reason. */
int sg_cuda_available(char *why, size_t len);

/* ---- nodes ----------------------------------------------------------------------------- */
/* A node collection (NEST's NodeCollection). ids == NULL (what a {first, n} initialiser gives):
 * the contiguous ids first .. first+n-1, as sg_create returns them (ids start at 1). ids != NULL:
 * the n ids ids[0..n), strictly ascending (sorted, no duplicates, as NEST requires), and first
 * is ignored (calls read ids[0]). The caller owns the array; no call keeps the pointer after it
 * returns. Every call that takes sg_nodes accepts either form unless it says otherwise; an empty
 * collection, an unsorted or duplicated list, or an id 0 or beyond the last node is refused
 * (SG_ERR_ARG) with a message naming the first offending id. Connection rules work over the
 * collection's order: position i of a collection is its i-th smallest id. */
typedef struct sg_nodes { uint64_t first; uint64_t n; const uint64_t *ids; } sg_nodes;

sg_status sg_create(sg_sim *sim, const char *model, uint64_t n, sg_nodes *out);
/* Same with a population name (used for HDF5 groups and files); NULL gives "<model>_<first id>". */
sg_status sg_create_named(sg_sim *sim, const char *model, uint64_t n, const char *name,
                          sg_nodes *out);
/* Removes the population nodes again, as if never created: for a front end whose parameters for
 * a new population were refused, so that a failed create leaves nothing behind. Allowed for the
 * last population created, while no connection involves it and no sg_simulate has run since it
 * was created (SG_ERR_ARG for other nodes, SG_ERR_STATE otherwise); its ids are given out again. */
sg_status sg_create_undo(sg_sim *sim, sg_nodes nodes);   /* a range, or the population's ids as a list */
/* Positions start .. start+n-1 of a collection (NEST's nodes[start:start+n]); of an id list, a
 * view into the same array. {0, 0} when the positions do not lie within the collection. */
sg_nodes sg_slice(sg_nodes nodes, uint64_t start, uint64_t n);
/* A collection of the n ids in ids (strictly ascending; checked by the calls that use it). */
sg_nodes sg_nodes_list(const uint64_t *ids, uint64_t n);
/* The id at position i (0-based) of a collection; 0 when i >= nodes.n. */
uint64_t sg_nodes_at(sg_nodes nodes, uint64_t i);
/* Position of id in a collection (binary search over an id list), or UINT64_MAX if absent. */
uint64_t sg_nodes_find(sg_nodes nodes, uint64_t id);
/* Checks a collection against sim as every call does (non-empty, ascending, unique, 1..last id);
 * SG_OK or SG_ERR_ARG with the message in sg_errmsg. */
sg_status sg_nodes_check(sg_sim *sim, sg_nodes nodes);

/* Parameters and state. Booleans are 0.0/1.0. The nodes may span several populations (each must
 * have the parameter); every node is checked before any changes, so a refused call changes
 * nothing. */
sg_status sg_set(sg_sim *sim, sg_nodes nodes, const char *name, double value);
sg_status sg_set_each(sg_sim *sim, sg_nodes nodes, const char *name, const double *values);
/* Vector parameters and string lists (sg_set_vec, sg_set_vecs, sg_set_strs) take a range within
 * one population; an id list is refused (SG_ERR_ARG) unless it is dense (then it is that range):
 * set them range by range. */
sg_status sg_set_vec(sg_sim *sim, sg_nodes nodes, const char *name, const double *v, size_t len);
/* Several vector parameters at once, validated together (e.g. glif_cond's tau_syn and E_rev,
 * whose lengths must agree): either all are set or none. */
sg_status sg_set_vecs(sg_sim *sim, sg_nodes nodes, size_t count, const char *const *names,
                      const double *const *values, const size_t *lens);
/* A scalar parameter or state from an sg_value (connections' sg_value below): a scalar (as
 * sg_set), an array of one value per node (as sg_set_each) or a distribution drawn per node
 * (NEST's nodes.set(V_m=nest.random.uniform(-70, -60))). Draws come from the counter-based RNG
 * (stream SG_STREAM_PARAM, docs/rng.md): node g's value depends only on the seed, g and the
 * index of this randomised call among the successful ones, never on backend or thread count.
 * A drawn value the parameter does not allow fails the whole call, nothing changes. */
typedef struct sg_value sg_value;
sg_status sg_set_value(sg_sim *sim, sg_nodes nodes, const char *name, const sg_value *v);
/* Multimeter record_from and other string-list parameters. */
sg_status sg_set_strs(sg_sim *sim, sg_nodes nodes, const char *name, const char *const *v,
                      size_t len);
/* One scalar parameter or state value of one node; a vector (a vector parameter, or a state
 * with one value per receptor or after-spike current, e.g. glif_cond's g) is an error naming
 * sg_get_vec. */
sg_status sg_get(sg_sim *sim, uint64_t node_id, const char *name, double *out);
/* Vector parameters: copies at most cap values, *len gets the full length. */
sg_status sg_get_vec(sg_sim *sim, uint64_t node_id, const char *name, double *out, size_t cap,
                     size_t *len);
/* Model name and population of a node. */
sg_status sg_node_model(sg_sim *sim, uint64_t node_id, const char **model, sg_nodes *population);

/* ---- model tables ---------------------------------------------------------------------- */
typedef enum sg_entry_kind {
  SG_ENTRY_PARAM = 0,      /* scalar parameter                                   */
  SG_ENTRY_VECTOR = 1,     /* vector parameter (e.g. spike_times, tau_syn)       */
  SG_ENTRY_STATE = 2,      /* state variable (settable, recordable)              */
  SG_ENTRY_RECORDABLE = 3  /* recordable that is not settable (e.g. g_1)         */
} sg_entry_kind;

typedef struct sg_entry_info {
  const char *name, *unit, *allowed, *doc;  /* allowed: e.g. "> 0", "[0, 1]", "any"   */
  double def;                               /* default (vectors: NAN, see def_vec)     */
  sg_entry_kind kind;
  const double *def_vec; size_t def_len;    /* default of a vector parameter           */
} sg_entry_info;

size_t sg_model_count(void);
const char *sg_model_name(size_t i);
/* "neuron", "generator" or "recorder". */
const char *sg_model_kind(const char *model);
sg_status sg_model_info(const char *model, const sg_entry_info **entries, size_t *n);
/* Recordables, the names a multimeter's record_from takes, in NEST's order, as one
 * comma-separated list ("ASCurrents_sum,I,V_m,g_1,g_2,...") in buf; "" if there are none. *len
 * (may be NULL) gets the list's length without the NUL: pass cap = 0 to ask for it; a buffer of
 * 1..len bytes is refused (SG_ERR_ARG), never cut. sg_model_recordables: a node with the model's
 * defaults (SG_ERR_UNKNOWN for an unknown model); sg_node_recordables: that node, whose vector
 * parameters may differ (glif_cond records g_1 .. g_n for n = len(tau_syn)). */
sg_status sg_model_recordables(const char *model, char *buf, size_t cap, size_t *len);
sg_status sg_node_recordables(sg_sim *sim, uint64_t node_id, char *buf, size_t cap, size_t *len);

/* ---- connections ----------------------------------------------------------------------- */
typedef struct sg_conn_spec {
  const char *rule;        /* all_to_all (default), one_to_one, fixed_indegree, fixed_outdegree,
                              fixed_total_number, pairwise_bernoulli                          */
  uint64_t indegree, outdegree, N;
  double p;
  int allow_autapses;      /* default 1 */
  int allow_multapses;     /* default 1 */
  int procedural;          /* 1: store no synapse, draw a spiking source's row again at every
                              spike (docs/procedural.md); default 0                           */
} sg_conn_spec;

typedef enum sg_value_kind {
  SG_VALUE_SCALAR = 0, SG_VALUE_ARRAY, SG_DIST_UNIFORM, SG_DIST_NORMAL, SG_DIST_NORMAL_CLIPPED,
  SG_DIST_LOGNORMAL, SG_DIST_EXPONENTIAL
} sg_value_kind;

/* A synapse parameter (sg_connect) or a node parameter (sg_set_value): a scalar, one value per
 * connection or node, or a distribution drawn per connection or node.  uniform(min=a, max=b); normal(mean=a, std=b); normal_clipped(mean=a, std=b,
 * lo, hi) redraws outside [lo, hi]; lognormal(mu=a, sigma=b) of the underlying normal;
 * exponential(beta=a). Arrays are ordered as NEST orders them (see README). */
struct sg_value {
  sg_value_kind kind;
  double value;
  const double *array; size_t len;
  double a, b, lo, hi;
};

sg_value sg_scalar(double v);
sg_value sg_array(const double *v, size_t len);
/* NEST's nest.random.uniform / normal / lognormal / exponential (and a clipped normal). */
sg_value sg_random_uniform(double min, double max);
sg_value sg_random_normal(double mean, double std);
sg_value sg_random_normal_clipped(double mean, double std, double lo, double hi);
sg_value sg_random_lognormal(double mu, double sigma);
sg_value sg_random_exponential(double beta);

typedef struct sg_syn_spec {
  const char *model;       /* "static_synapse" (default, the only one for now) */
  sg_value weight;         /* default 1.0                                       */
  sg_value delay;          /* ms, default 1.0; rounded half-up to steps, >= 1 step */
  int receptor_type;       /* default 0                                         */
} sg_syn_spec;

void sg_conn_spec_default(sg_conn_spec *c);
void sg_syn_spec_default(sg_syn_spec *s);
/* NULL specs mean the defaults (all_to_all, static_synapse, weight 1, delay 1 ms). */
sg_status sg_connect(sg_sim *sim, sg_nodes pre, sg_nodes post, const sg_conn_spec *conn,
                     const sg_syn_spec *syn);
/* Number of connections whose source lies in pre and target in post (either may be {0,0} = any). */
sg_status sg_num_connections(sg_sim *sim, sg_nodes pre, sg_nodes post, uint64_t *n);
/* Copy out connections (source, target, weight, delay_ms, receptor) in (source, target) order;
 * connections between the same pair by (delay, receptor, weight), before and after a run alike. */
sg_status sg_get_connections(sg_sim *sim, sg_nodes pre, sg_nodes post, uint64_t *source,
                             uint64_t *target, double *weight, double *delay_ms, int *receptor,
                             size_t cap, size_t *n);

/* ---- running --------------------------------------------------------------------------- */
/* Advances the simulation by t_ms (a multiple of the resolution). Can be called repeatedly;
 * ten runs of 100 ms give exactly what one run of 1000 ms gives. Ctrl-C (SIGINT) ends it at a
 * step boundary within about 0.1 s of wall time, after flushing the recordings, with
 * SG_ERR_INTERRUPTED; it reaches every simulation running at that moment (any thread). While
 * runs are in progress the library's SIGINT handler is installed; the handler before is put
 * back when the last of them ends. A run that fails part-way (e.g. SG_ERR_NOMEM while a recorder
 * grows) stops at a step boundary: sg_time() says where, the recordings are complete up to it,
 * and simulating the time left later gives what one run gives; except that the cuda backend,
 * whose device has already run the steps, then stops for good ("cannot continue"). */
sg_status sg_simulate(sg_sim *sim, double t_ms);
double sg_time(const sg_sim *sim);             /* simulated time so far, ms */
uint64_t sg_steps(const sg_sim *sim);

/* ---- recordings ------------------------------------------------------------------------ */
/* Spikes of a spike_recorder, sorted by (time, sender). Copies at most cap events; *n gets the
 * total. Pass cap = 0 to query the count. */
sg_status sg_spikes(sg_sim *sim, uint64_t recorder, double *times, uint64_t *senders,
                    size_t cap, size_t *n);
/* Samples of one recorded variable of a multimeter, sorted by (time, sender). */
sg_status sg_samples(sg_sim *sim, uint64_t multimeter, const char *var, double *times,
                     uint64_t *senders, double *values, size_t cap, size_t *n);

/* ---- diagnostics ----------------------------------------------------------------------- */
typedef struct sg_memory {
  uint64_t n_nodes, n_synapses;
  uint64_t csr_bytes, ring_bytes, state_bytes, record_bytes, total_bytes;
  double bytes_per_synapse;
} sg_memory;
sg_status sg_memory_report(sg_sim *sim, sg_memory *out);

typedef struct sg_run_stats {
  double wall_s;           /* wall time spent in sg_simulate, all calls */
  uint64_t neuron_updates; /* neuron steps taken                        */
  uint64_t spikes;         /* neuron spikes emitted                     */
  uint64_t syn_events;     /* synaptic events delivered                 */
} sg_run_stats;
sg_status sg_run_stats_get(sg_sim *sim, sg_run_stats *out);

/* MPI ranks (docs/mpi.md): this process's rank, the number of ranks (0 and 1 in a single process
 * or a build without MPI), and what this rank's spike exchange has moved so far: windows
 * exchanged, bytes this rank contributed (sent once to the collective) and bytes it received
 * from the other ranks. */
typedef struct sg_mpi_info {
  int rank, ranks;
  uint64_t windows, bytes_sent, bytes_received;
} sg_mpi_info;
sg_status sg_mpi_info_get(sg_sim *sim, sg_mpi_info *out);

#ifdef __cplusplus
}
#endif
#endif
