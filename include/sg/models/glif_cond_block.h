/* sg/models/glif_cond_block.h - glif_cond's CPU block step (host only): SG_GLIF_LANES neurons per
 * vector, the same bits as sg_glif_cond_step node by node (docs/models.md §2.6, "the CPU fast path").
 * The lane template is glif_cond_lanes.h; it is instantiated here for 4 lanes (AVX2) and 8 lanes
 * (AVX-512), and the backend's hook uses the width of the build's widest vector unit.
 * tests/test_twins.c compares both widths with the scalar step. */
/* SPDX-License-Identifier: MIT */
#ifndef SG_MODELS_GLIF_COND_BLOCK_H
#define SG_MODELS_GLIF_COND_BLOCK_H

#if defined(__CUDACC__)
#error "glif_cond_block.h is host only"
#endif

#include <string.h>
#if defined(__AVX__)
#include <immintrin.h>
#endif

#define SG_GLIF_LANE_CAP 1000            /* vector trials per step before a lane goes scalar   */
/* a lane that would exhaust the scalar solver's budget must reach the cap first (and go scalar) */
SG_STATIC_ASSERT(SG_GLIF_LANE_CAP < SG_GLIF_MAX_EVOLVE, "glif_cond: the lane cap must be below the solver budget");
#if defined(__AVX512F__)
#define SG_GLIF_LANES 8
#else
#define SG_GLIF_LANES 4
#endif
/* vectors in flight: the block step integrates SG_GLIF_GROUPS independent groups of SG_GLIF_LANES
 * neurons at once, their operations interleaved stage by stage (one group's division latency hides
 * behind the other's work); the bits are those of one group at a time (each lane is its own neuron) */
#ifndef SG_GLIF_GROUPS
#define SG_GLIF_GROUPS 2
#endif
#define SG_GLIF_GMAX SG_GLIF_GROUPS
SG_STATIC_ASSERT(SG_GLIF_GROUPS >= 1 && SG_GLIF_GROUPS <= 4, "glif_cond: 1 to 4 groups in flight");

/* The helpers pass vectors by value but are always inlined: no call ABI is involved. GCC reports
 * -Wpsabi (wide vectors without AVX) at the end of the translation unit, where a push/pop pair
 * around these lines no longer applies, so the note stays off for the rest of the includer. */
#pragma GCC diagnostic ignored "-Wpsabi"
#define SG_GLIF_W 4
#define SG_GLIF_SFX _4
#include "sg/models/glif_cond_lanes.h"
#undef SG_GLIF_W
#undef SG_GLIF_SFX
#define SG_GLIF_W 8
#define SG_GLIF_SFX _8
#include "sg/models/glif_cond_lanes.h"
#undef SG_GLIF_W
#undef SG_GLIF_SFX

#define SG_GLIF_BLOCK_CAT_(a, b) a##b
#define SG_GLIF_BLOCK_CAT(a, b) SG_GLIF_BLOCK_CAT_(a, b)
/* the build's width: sg_glif_cond_step_block_4 or _8 */
#define sg_glif_cond_step_block SG_GLIF_BLOCK_CAT(sg_glif_cond_step_block_, SG_GLIF_LANES)

#endif
