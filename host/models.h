/* host/models.h - the model descriptors of host/models.c. */
/* SPDX-License-Identifier: MIT */
#ifndef SG_HOST_MODELS_H
#define SG_HOST_MODELS_H

#include "internal.h"
#include "sg/model_list.h"

#define X(name, NAME) extern const sg_model_desc sg_i_model_##name;
SG_MODEL_LIST(X)
#undef X

#endif
