/* sg/models/all.h - every neuron model header, for the backends' per-model dispatch. */
/* SPDX-License-Identifier: MIT */
#ifndef SG_MODELS_ALL_H
#define SG_MODELS_ALL_H
#include "sg/model_list.h"
#include "sg/models/gl_exp.h"
#include "sg/models/parrot_neuron.h"
#if defined(__has_include)
#  if __has_include("sg/models/glif_cond.h")
#    include "sg/models/glif_cond.h"
#  endif
#endif
#endif
