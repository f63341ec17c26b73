/* sg/model_list.h - every model, in the order sg_model_name() lists them.
 *
 * A neuron model is one line X(name, NAME) of SG_NEURON_LIST: its header is
 * include/sg/models/<name>.h and defines the SG_<NAME>_* tables, sg_<name>_coef, the SG_HD step
 * and the host hooks (sg/model.h lists the contract). From this line alone, sg/models/all.h
 * includes the header, host/models.c builds the model's descriptor (API, HDF5 metadata, docs)
 * and both backends stamp out its update (host/backend_cpu.c, kernels/update.cu).
 * NAME is the upper-case spelling of name (the preprocessor cannot derive it).
 *
 * Test-only models (SG_TEST_NEURON_LIST) live in tests/models/<name>.h and are compiled only
 * where SG_TEST_MODELS is defined: the test runner's build of the files that expand the lists
 * (Makefile: TEST_MODEL_TUS) and the CUDA emulation. The shipped library never defines it, and
 * `make test` checks that its symbols are absent from libspikegpu (tests/check_layering.sh).
 * They come last in the id order, so every other model has the same id in both builds. */
/* SPDX-License-Identifier: MIT */
#ifndef SG_MODEL_LIST_H
#define SG_MODEL_LIST_H

#define SG_CORE_NEURON_LIST(X)   \
  X(gl_exp, GL_EXP)               \
  X(parrot_neuron, PARROT_NEURON) \
  X(glif_cond, GLIF_COND)         \
  X(iaf_psc_delta, IAF_PSC_DELTA) \
  X(iaf_psc_exp, IAF_PSC_EXP)     \
  X(iaf_psc_alpha, IAF_PSC_ALPHA) \
  X(gl_discrete, GL_DISCRETE)

#ifdef SG_TEST_MODELS
#define SG_TEST_NEURON_LIST(X) \
  X(test_sign_neuron, TEST_SIGN_NEURON)
#else
#define SG_TEST_NEURON_LIST(X)
#endif

#define SG_NEURON_LIST(X) SG_CORE_NEURON_LIST(X) SG_TEST_NEURON_LIST(X)

/* Devices: their descriptors are written out in host/models.c (they have no step function). */
#define SG_DEVICE_LIST(X)                             \
  X(spike_generator, SPIKE_GENERATOR)               \
  X(poisson_generator, POISSON_GENERATOR)           \
  X(step_current_generator, STEP_CURRENT_GENERATOR) \
  X(dc_generator, DC_GENERATOR)                     \
  X(noise_generator, NOISE_GENERATOR)               \
  X(spike_recorder, SPIKE_RECORDER)                 \
  X(multimeter, MULTIMETER)                         \
  X(voltmeter, VOLTMETER)

#define SG_MODEL_LIST(X) SG_CORE_NEURON_LIST(X) SG_DEVICE_LIST(X) SG_TEST_NEURON_LIST(X)

enum sg_model_id {
#define X(name, NAME) SG_MODEL_##name,
  SG_MODEL_LIST(X)
#undef X
  SG_N_MODELS
};

#endif
