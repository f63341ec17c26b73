/* tests/cuda_emu/include/cuda_runtime.h - the host emulation's stand-in for CUDA's runtime header
 * (see tests/cuda_emu/emu.cpp). Test harness only: never on the include path of a real build. */
/* SPDX-License-Identifier: MIT */
#include "cuda_runtime_api.h"
