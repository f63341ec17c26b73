/* sg/model_list.h - every model, in the order sg_model_name() lists them. The neuron list
 * drives the per-model dispatch of both backends. */
/* SPDX-License-Identifier: MIT */
#ifndef SG_MODEL_LIST_H
#define SG_MODEL_LIST_H

#define SG_NEURON_LIST(X) \
  X(gl_exp)               \
  X(parrot_neuron)        \
  X(glif_cond)

#define SG_DEVICE_LIST(X)   \
  X(spike_generator)        \
  X(poisson_generator)      \
  X(step_current_generator) \
  X(noise_generator)        \
  X(spike_recorder)         \
  X(multimeter)

#define SG_MODEL_LIST(X) SG_NEURON_LIST(X) SG_DEVICE_LIST(X)

enum sg_model_id {
#define X(name) SG_MODEL_##name,
  SG_MODEL_LIST(X)
#undef X
  SG_N_MODELS
};

#endif
