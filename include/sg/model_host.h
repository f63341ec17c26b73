/* sg/model_host.h - what a model header's host section may use of the host: the table rows its
 * X-macros expand to, the time limit, and read/write access to one population. A population
 * (struct sg_pop) stays opaque to models; host/pop.c implements the accessors. Host only (C):
 * model headers include it under #if !defined(__CUDACC__). */
/* SPDX-License-Identifier: MIT */
#ifndef SG_MODEL_HOST_H
#define SG_MODEL_HOST_H

#include <stddef.h>
#include <stdint.h>

#include "sg/model.h"

/* Largest time accepted anywhere, ms: times are kept in int64 tics of 1 us, and 9e12 ms = 9e15
 * tics (< 2^63) leaves room for sums of origin, start and stop. Messages quote it as written
 * here with SG_I_STR(SG_I_MAX_TIME_MS) ("9e12"). */
#define SG_I_MAX_TIME_MS 9e12
#define SG_I_STR_(x) #x
#define SG_I_STR(x) SG_I_STR_(x)

/* The rows of a model's tables as the API, the HDF5 writer and the docs read them, and the
 * X-macro expansions that make them from SG_<M>_PARAMS / _VECS / _STATE. */
typedef struct sg_param_row { const char *name, *unit; double def; int check; const char *doc; } sg_param_row;
typedef struct sg_vec_row { const char *name, *unit; int check; const char *doc; } sg_vec_row;
typedef struct sg_state_row { const char *name, *unit; double init; int check; const char *doc; } sg_state_row;
#define SG_PARAM_ROW(name, unit, def, chk, doc) {#name, unit, def, chk, doc},
#define SG_VEC_ROW(name, unit, chk, doc) {#name, unit, chk, doc},
#define SG_STATE_ROW(name, unit, init, chk, doc) {#name, unit, init, chk, doc},

/* One population as a model's host hooks see it: n nodes with global ids first .. first+n-1,
 * parameter p and vector parameter v of node i (uniform or per node), and state row r: width(r)
 * components of n doubles each, component-major (row[c * n + i]). */
struct sg_pop;
uint64_t sg_pop_size(const struct sg_pop *pop);
uint64_t sg_pop_first(const struct sg_pop *pop);
double sg_pop_param(const struct sg_pop *pop, uint32_t p, uint64_t i);
const sg_vec *sg_pop_vec(const struct sg_pop *pop, uint32_t v, uint64_t i);
double *sg_pop_state(const struct sg_pop *pop, uint32_t row);
uint32_t sg_pop_state_width(const struct sg_pop *pop, uint32_t row);

#endif
