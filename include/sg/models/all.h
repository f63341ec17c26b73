/* sg/models/all.h - includes the header of every neuron model of SG_NEURON_LIST (sg/model_list.h),
 * for the backends' per-model dispatch and host/models.c. Nothing to edit here when a model is
 * added: the k-th name of the list is picked by SG_MODEL_NTH and included as a computed include
 * ("sg/models/<name>.h"; test models: "models/<name>.h" under tests/). Up to SG_MODELS_MAX
 * models (4 test models); a list that outgrows it stops the build with an #error below. */
/* SPDX-License-Identifier: MIT */
#ifndef SG_MODELS_ALL_H
#define SG_MODELS_ALL_H
#include "sg/model_list.h"

#define SG_MODELS_MAX 24
/* "name," for each line of a list, then padding: the k-th element of the result is the k-th name */
#define SG_MODEL_NAME_COMMA_(name, NAME) name,
#define SG_MODEL_PAD_ sg_no_model_, sg_no_model_, sg_no_model_, sg_no_model_, sg_no_model_, sg_no_model_, sg_no_model_, sg_no_model_, sg_no_model_, sg_no_model_, sg_no_model_, sg_no_model_, sg_no_model_, sg_no_model_, sg_no_model_, sg_no_model_, sg_no_model_, sg_no_model_, sg_no_model_, sg_no_model_, sg_no_model_, sg_no_model_, sg_no_model_, sg_no_model_, sg_no_model_
#define SG_MODEL_NTH_(k, ...) SG_MODEL_PICK##k##_(__VA_ARGS__)
#define SG_MODEL_NTH(k, LIST) SG_MODEL_NTH_(k, LIST(SG_MODEL_NAME_COMMA_) SG_MODEL_PAD_)
#define SG_MODEL_STR_(x) #x
#define SG_MODEL_STR(x) SG_MODEL_STR_(x)
#define SG_MODEL_COUNT_ONE_(name, NAME) +1

#define SG_MODEL_PICK0_(a0, ...) a0
#define SG_MODEL_PICK1_(a0, a1, ...) a1
#define SG_MODEL_PICK2_(a0, a1, a2, ...) a2
#define SG_MODEL_PICK3_(a0, a1, a2, a3, ...) a3
#define SG_MODEL_PICK4_(a0, a1, a2, a3, a4, ...) a4
#define SG_MODEL_PICK5_(a0, a1, a2, a3, a4, a5, ...) a5
#define SG_MODEL_PICK6_(a0, a1, a2, a3, a4, a5, a6, ...) a6
#define SG_MODEL_PICK7_(a0, a1, a2, a3, a4, a5, a6, a7, ...) a7
#define SG_MODEL_PICK8_(a0, a1, a2, a3, a4, a5, a6, a7, a8, ...) a8
#define SG_MODEL_PICK9_(a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, ...) a9
#define SG_MODEL_PICK10_(a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, ...) a10
#define SG_MODEL_PICK11_(a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, ...) a11
#define SG_MODEL_PICK12_(a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, ...) a12
#define SG_MODEL_PICK13_(a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, ...) a13
#define SG_MODEL_PICK14_(a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, ...) a14
#define SG_MODEL_PICK15_(a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15, ...) a15
#define SG_MODEL_PICK16_(a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15, a16, ...) a16
#define SG_MODEL_PICK17_(a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15, a16, a17, ...) a17
#define SG_MODEL_PICK18_(a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15, a16, a17, a18, ...) a18
#define SG_MODEL_PICK19_(a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15, a16, a17, a18, a19, ...) a19
#define SG_MODEL_PICK20_(a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15, a16, a17, a18, a19, a20, ...) a20
#define SG_MODEL_PICK21_(a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15, a16, a17, a18, a19, a20, a21, ...) a21
#define SG_MODEL_PICK22_(a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15, a16, a17, a18, a19, a20, a21, a22, ...) a22
#define SG_MODEL_PICK23_(a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15, a16, a17, a18, a19, a20, a21, a22, a23, ...) a23
#define SG_MODEL_PICK24_(a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15, a16, a17, a18, a19, a20, a21, a22, a23, a24, ...) a24

#if (0 SG_CORE_NEURON_LIST(SG_MODEL_COUNT_ONE_)) > SG_MODELS_MAX || (0 SG_TEST_NEURON_LIST(SG_MODEL_COUNT_ONE_)) > 4
#error "sg/models/all.h: more models than it has include slots: raise SG_MODELS_MAX and add PICK and include lines"
#endif

#if (0 SG_CORE_NEURON_LIST(SG_MODEL_COUNT_ONE_)) > 0
#include SG_MODEL_STR(sg/models/SG_MODEL_NTH(0, SG_CORE_NEURON_LIST).h)
#endif
#if (0 SG_CORE_NEURON_LIST(SG_MODEL_COUNT_ONE_)) > 1
#include SG_MODEL_STR(sg/models/SG_MODEL_NTH(1, SG_CORE_NEURON_LIST).h)
#endif
#if (0 SG_CORE_NEURON_LIST(SG_MODEL_COUNT_ONE_)) > 2
#include SG_MODEL_STR(sg/models/SG_MODEL_NTH(2, SG_CORE_NEURON_LIST).h)
#endif
#if (0 SG_CORE_NEURON_LIST(SG_MODEL_COUNT_ONE_)) > 3
#include SG_MODEL_STR(sg/models/SG_MODEL_NTH(3, SG_CORE_NEURON_LIST).h)
#endif
#if (0 SG_CORE_NEURON_LIST(SG_MODEL_COUNT_ONE_)) > 4
#include SG_MODEL_STR(sg/models/SG_MODEL_NTH(4, SG_CORE_NEURON_LIST).h)
#endif
#if (0 SG_CORE_NEURON_LIST(SG_MODEL_COUNT_ONE_)) > 5
#include SG_MODEL_STR(sg/models/SG_MODEL_NTH(5, SG_CORE_NEURON_LIST).h)
#endif
#if (0 SG_CORE_NEURON_LIST(SG_MODEL_COUNT_ONE_)) > 6
#include SG_MODEL_STR(sg/models/SG_MODEL_NTH(6, SG_CORE_NEURON_LIST).h)
#endif
#if (0 SG_CORE_NEURON_LIST(SG_MODEL_COUNT_ONE_)) > 7
#include SG_MODEL_STR(sg/models/SG_MODEL_NTH(7, SG_CORE_NEURON_LIST).h)
#endif
#if (0 SG_CORE_NEURON_LIST(SG_MODEL_COUNT_ONE_)) > 8
#include SG_MODEL_STR(sg/models/SG_MODEL_NTH(8, SG_CORE_NEURON_LIST).h)
#endif
#if (0 SG_CORE_NEURON_LIST(SG_MODEL_COUNT_ONE_)) > 9
#include SG_MODEL_STR(sg/models/SG_MODEL_NTH(9, SG_CORE_NEURON_LIST).h)
#endif
#if (0 SG_CORE_NEURON_LIST(SG_MODEL_COUNT_ONE_)) > 10
#include SG_MODEL_STR(sg/models/SG_MODEL_NTH(10, SG_CORE_NEURON_LIST).h)
#endif
#if (0 SG_CORE_NEURON_LIST(SG_MODEL_COUNT_ONE_)) > 11
#include SG_MODEL_STR(sg/models/SG_MODEL_NTH(11, SG_CORE_NEURON_LIST).h)
#endif
#if (0 SG_CORE_NEURON_LIST(SG_MODEL_COUNT_ONE_)) > 12
#include SG_MODEL_STR(sg/models/SG_MODEL_NTH(12, SG_CORE_NEURON_LIST).h)
#endif
#if (0 SG_CORE_NEURON_LIST(SG_MODEL_COUNT_ONE_)) > 13
#include SG_MODEL_STR(sg/models/SG_MODEL_NTH(13, SG_CORE_NEURON_LIST).h)
#endif
#if (0 SG_CORE_NEURON_LIST(SG_MODEL_COUNT_ONE_)) > 14
#include SG_MODEL_STR(sg/models/SG_MODEL_NTH(14, SG_CORE_NEURON_LIST).h)
#endif
#if (0 SG_CORE_NEURON_LIST(SG_MODEL_COUNT_ONE_)) > 15
#include SG_MODEL_STR(sg/models/SG_MODEL_NTH(15, SG_CORE_NEURON_LIST).h)
#endif
#if (0 SG_CORE_NEURON_LIST(SG_MODEL_COUNT_ONE_)) > 16
#include SG_MODEL_STR(sg/models/SG_MODEL_NTH(16, SG_CORE_NEURON_LIST).h)
#endif
#if (0 SG_CORE_NEURON_LIST(SG_MODEL_COUNT_ONE_)) > 17
#include SG_MODEL_STR(sg/models/SG_MODEL_NTH(17, SG_CORE_NEURON_LIST).h)
#endif
#if (0 SG_CORE_NEURON_LIST(SG_MODEL_COUNT_ONE_)) > 18
#include SG_MODEL_STR(sg/models/SG_MODEL_NTH(18, SG_CORE_NEURON_LIST).h)
#endif
#if (0 SG_CORE_NEURON_LIST(SG_MODEL_COUNT_ONE_)) > 19
#include SG_MODEL_STR(sg/models/SG_MODEL_NTH(19, SG_CORE_NEURON_LIST).h)
#endif
#if (0 SG_CORE_NEURON_LIST(SG_MODEL_COUNT_ONE_)) > 20
#include SG_MODEL_STR(sg/models/SG_MODEL_NTH(20, SG_CORE_NEURON_LIST).h)
#endif
#if (0 SG_CORE_NEURON_LIST(SG_MODEL_COUNT_ONE_)) > 21
#include SG_MODEL_STR(sg/models/SG_MODEL_NTH(21, SG_CORE_NEURON_LIST).h)
#endif
#if (0 SG_CORE_NEURON_LIST(SG_MODEL_COUNT_ONE_)) > 22
#include SG_MODEL_STR(sg/models/SG_MODEL_NTH(22, SG_CORE_NEURON_LIST).h)
#endif
#if (0 SG_CORE_NEURON_LIST(SG_MODEL_COUNT_ONE_)) > 23
#include SG_MODEL_STR(sg/models/SG_MODEL_NTH(23, SG_CORE_NEURON_LIST).h)
#endif
#if (0 SG_TEST_NEURON_LIST(SG_MODEL_COUNT_ONE_)) > 0
#include SG_MODEL_STR(models/SG_MODEL_NTH(0, SG_TEST_NEURON_LIST).h)
#endif
#if (0 SG_TEST_NEURON_LIST(SG_MODEL_COUNT_ONE_)) > 1
#include SG_MODEL_STR(models/SG_MODEL_NTH(1, SG_TEST_NEURON_LIST).h)
#endif
#if (0 SG_TEST_NEURON_LIST(SG_MODEL_COUNT_ONE_)) > 2
#include SG_MODEL_STR(models/SG_MODEL_NTH(2, SG_TEST_NEURON_LIST).h)
#endif
#if (0 SG_TEST_NEURON_LIST(SG_MODEL_COUNT_ONE_)) > 3
#include SG_MODEL_STR(models/SG_MODEL_NTH(3, SG_TEST_NEURON_LIST).h)
#endif

#endif
