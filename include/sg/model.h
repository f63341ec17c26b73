/* sg/model.h - what every model header shares: validation classes, the per-step context handed
 * to a step function, and the input conventions of the ring buffer.
 *
 * The contract of a neuron model header include/sg/models/<m>.h (M = <m> in upper case), whose
 * one line X(<m>, <M>) in sg/model_list.h registers it:
 *   SG_<M>_PARAMS(X)   X(name, unit, default, check, doc)     scalar parameters
 *   SG_<M>_STATE(X)    X(name, unit, initial, check, doc)     scalar state = recordables
 *   SG_<M>_N_PARAMS, SG_<M>_N_STATE, SG_<M>_P_<name>, SG_<M>_S_<name>   their enums
 *   sg_<m>_coef        the per-run coefficients (NEST's Variables_), filled on the host by
 *   sg_<m>_prepare(p, vecs, h, tics_per_step, coef)   once per run (libm allowed: host only)
 *   sg_<m>_step(coef, view, i, slot, ctx)   SG_HD, one neuron, one step; returns the spike
 *                      multiplicity; no libm, no globals, no I/O
 * and a host section (#if !defined(__CUDACC__), may use sg/model_host.h):
 *   sg_<m>_n_ports(pop), sg_<m>_spike_port(pop, receptor, weight), sg_<m>_current_port(pop,
 *                      receptor)   the port map (-1: receptor not accepted; a spike's port may
 *                      depend on the sign of its weight)
 *   SG_<M>_HOOKS       designated initialisers of the optional descriptor fields (host/internal.h,
 *                      sg_model_desc): .check, .vecs/.n_vecs/.vec_default (SG_<M>_VECS tables),
 *                      .state_width, recordables, state access, .init_state, .cpu_block_step (+ .cpu_block_draws);
 *                      empty when there are none.
 * host/models.c generates the descriptor from these (read by the parameter API, the HDF5 writer
 * and the docs); the backends call prepare and step. Devices (include/sg/stim/<d>.h) have the
 * tables only; their descriptors are written out in host/models.c.
 */
/* SPDX-License-Identifier: MIT */
#ifndef SG_MODEL_H
#define SG_MODEL_H

#include "sg/hd.h"
#include "sg/fixed.h"
#include <math.h>

/* Validation classes of a parameter row: the one list. Adding a class is one line here.
 *   X(NAME, text, refusal, accepts)
 *   NAME     the class is SG_CHK_NAME (the first, ANY = 0, is also the class of unknown values)
 *   text     the allowed range as listed to users (sg_check_text: sg_model_info, docs)
 *   refusal  what a refused value's message says after "= <value>: allowed "
 *   accepts  the test, an expression of the double v (host/params.c expands it)
 * Times (TIME, TIME_INF) are further checked against the resolution and the time limit by
 * host/params.c when finite. */
#define SG_CHECK_LIST(X)                                                                                     \
  X(ANY,        "any finite number",                "any finite number",       isfinite(v))                 \
  X(POS,        "> 0",                              "> 0 (finite)",            v > 0.0 && isfinite(v))      \
  X(NONNEG,     ">= 0",                             ">= 0 (finite)",           v >= 0.0 && isfinite(v))     \
  X(UNIT,       "[0, 1]",                           "[0, 1]",                  v >= 0.0 && v <= 1.0)        \
  X(BOOL,       "0 or 1",                           "0 or 1",                  v == 0.0 || v == 1.0)        \
  X(INT_NONNEG, "an integer >= 0",                  "an integer in [0, 2^32)",                                \
    v >= 0.0 && v == floor(v) && !(v > 4294967295.0))                                                        \
  X(INT_POS,    "an integer >= 1",                  "an integer in [1, 2^32)",                                \
    v >= 1.0 && v == floor(v) && !(v > 4294967295.0))                                                        \
  X(TIME,       ">= 0 and a multiple of the resolution",                                                     \
    ">= 0 (finite), a multiple of the resolution",  v >= 0.0 && isfinite(v))                                 \
  X(TIME_INF,   ">= 0 and a multiple of the resolution, or inf",                                             \
    ">= 0, a multiple of the resolution, or inf",   v == INFINITY || (v >= 0.0 && isfinite(v)))              \
  X(ANY_INF,    "any number but NaN",               "any number but NaN",      !isnan(v))                   \
  X(STEPS_INF,  ">= 1 (a number of steps) or inf",  ">= 1 or inf",             v >= 1.0)

enum sg_check {
#define SG_CHECK_ENUM_(name, text, refusal, accepts) SG_CHK_##name,
  SG_CHECK_LIST(SG_CHECK_ENUM_)
#undef SG_CHECK_ENUM_
  SG_CHK_COUNT_   /* number of classes */
};

/* The allowed range of a class as listed to users ("> 0"); unknown classes read as SG_CHK_ANY. */
static inline const char *sg_check_text(int check) {
  static const char *const text[] = {
#define SG_CHECK_TEXT_(name, text, refusal, accepts) text,
      SG_CHECK_LIST(SG_CHECK_TEXT_)
#undef SG_CHECK_TEXT_
  };
  return text[check >= 0 && check < (int)SG_CHK_COUNT_ ? check : (int)SG_CHK_ANY];
}

/* A step function returns the spike multiplicity of the node (0: no spike), or this flag alone when
 * the node's state became non-finite (NaN or infinite): both backends then stop the run with an
 * error naming the node (sg_i_nonfinite_error), instead of going on with a neuron that can never
 * spike again. Checked where a model can blow up (glif_cond's integrator), one comparison a step. */
#define SG_STEP_NONFINITE 0x80000000u

/* A vector parameter's value (glif_cond's per-receptor time constants): len doubles. */
typedef struct sg_vec { double *v; size_t len; } sg_vec;

/* What a step function gets besides its own state. */
typedef struct sg_step_ctx {
  uint64_t seed;       /* Philox key                                          */
  uint64_t step;       /* k: the update advances t_k -> t_{k+1}               */
  uint64_t first_id;   /* global id of the population's node 0                */
  uint64_t n;          /* nodes in the population (port stride of the inputs) */
  uint64_t fed_ports;  /* host block steps: bit p clear = nothing writes port p (its inputs stay 0,
                        * so they need not be read or cleared); all bits set elsewhere */
  uint64_t in_gap;     /* MPI ranks: the slot holds the inputs of nodes in_lo .. in_lo + n - in_gap - 1
                        * only (this rank's block, docs/mpi.md §3); input (port, i) is at      */
  uint64_t in_lo;      /* sg_input_at(ctx, port, i). Both 0 in one process: port * n + i      */
} sg_step_ctx;

/* NEST keeps time in tics of 1 us. ms -> tics rounds to the nearest tic. */
#define SG_TICS_PER_MS 1000.0
SG_HD int64_t sg_ms_to_tics(double ms) { return (int64_t)floor(ms * SG_TICS_PER_MS + 0.5); }
SG_HD int64_t sg_floor_div(int64_t a, int64_t b) { int64_t q = a / b; return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q; }
/* Time(ms = t).get_steps(): nearest tic, then UP to whole steps (refractory and dead times). */
SG_HD int64_t sg_ms_to_steps_ceil(double ms, int64_t tics_per_step) {
  return -sg_floor_div(-sg_ms_to_tics(ms), tics_per_step);
}
/* Delays: nearest tic, then half-up to the nearest step (0.15 ms at h = 0.1 -> 2 steps). */
SG_HD int64_t sg_ms_to_steps_round(double ms, int64_t tics_per_step) {
  return sg_floor_div(sg_ms_to_tics(ms) + tics_per_step / 2, tics_per_step);
}

/* Up to this many state rows per model; a row may be several components wide (glif_cond's
 * per-receptor conductances), stored component-major: row[c * n + i]. */
#define SG_MAX_STATE_ROWS 16
typedef struct sg_view { double *s[SG_MAX_STATE_ROWS]; } sg_view;

/* Ring-buffer inputs of a population are port-major: input (port, i) of slot k is
 * slot[port * n + i], so each port is one contiguous int64 array. A step reads its inputs
 * and clears them (the slot is reused R steps later). With MPI ranks a rank's slot holds its own
 * nodes' inputs only: the port stride is n - in_gap and node i sits at i - in_lo (sg_input_at). */
SG_HD uint64_t sg_input_at(const sg_step_ctx *ctx, uint32_t port, uint64_t i) {
  return (uint64_t)port * (ctx->n - ctx->in_gap) + (i - ctx->in_lo);
}
SG_HD int64_t sg_take_input(int64_t *SG_RESTRICT slot, uint64_t n, uint32_t port, uint64_t i) {
  int64_t v = slot[(uint64_t)port * n + i];
  slot[(uint64_t)port * n + i] = 0;
  return v;
}

/* sg_take_input of a port something may write (ctx->fed_ports); 0 without touching memory for a
 * port nothing feeds, whose inputs stay 0: the same value, 8 bytes less traffic (a gl_exp
 * population without current input, an iaf_psc_exp without current generators). */
SG_HD int64_t sg_take_fed(int64_t *SG_RESTRICT slot, const sg_step_ctx *ctx, uint32_t port, uint64_t i) {
  return port >= 64u || (ctx->fed_ports >> port & 1u) ? sg_take_input(slot, ctx->n - ctx->in_gap, port, i - ctx->in_lo) : 0;
}

#endif
