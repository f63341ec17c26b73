/* tests/cuda_emu/probe_check.c - the device probe against a device that cannot run this build's
 * kernels, under the host emulation (`make check-cuda-emu` runs it twice):
 *   probe_check image      the emulated device runs the kernels: `auto` picks cuda;
 *   probe_check no-image   SG_EMU_NO_KERNEL_IMAGE=1, as on a T4 or an A100 running a build with
 *                          sm_90 images only: sg_cuda_available says no and why (the CUDA error
 *                          cudaErrorNoKernelImageForDevice), `auto` falls back to cpu with that
 *                          reason and runs, and an explicit `cuda` is refused with it.
 * The probe runs once per process, hence one process per mode. Prints "ok: ..." or "FAIL: ...".
 * Test harness only (linked against the emulation). */
/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spikegpu.h"

static int fail(const char *what, const char *detail) {
  printf("FAIL: %s: %s\n", what, detail);
  return 1;
}

static sg_status new_sim(sg_backend backend, sg_sim **sim, char *err, size_t len) {
  sg_config cfg;
  sg_config_default(&cfg);
  cfg.backend = backend;
  cfg.verbose = 0;
  return sg_sim_new(&cfg, sim, err, len);
}

int main(int argc, char **argv) {
  const int want_image = argc > 1 && strcmp(argv[1], "image") == 0;
  const char *no_image = getenv("SG_EMU_NO_KERNEL_IMAGE");
  if (want_image == (no_image && *no_image && strcmp(no_image, "0") != 0))
    return fail("usage", "probe_check image (without SG_EMU_NO_KERNEL_IMAGE) | probe_check no-image (with SG_EMU_NO_KERNEL_IMAGE=1)");
  char why[256] = "", err[512] = "";
  const int usable = sg_cuda_available(why, sizeof why);
  sg_sim *sim = NULL;
  if (new_sim(SG_BACKEND_AUTO, &sim, err, sizeof err) != SG_OK) return fail("sg_sim_new(auto)", err);
  char used[16], reason[400];   /* copies: the simulation is freed before they are printed */
  snprintf(used, sizeof used, "%s", sg_backend_used(sim));
  snprintf(reason, sizeof reason, "%s", sg_backend_reason(sim));
  if (want_image) {
    if (!usable) return fail("the emulated device should be usable", why);
    if (strcmp(used, "cuda") != 0) return fail("auto should pick cuda", reason);
    sg_sim_free(sim);
    printf("ok: image: auto picks cuda (%s)\n", reason);
    return 0;
  }
  if (usable) return fail("a device without a kernel image was accepted", why);
  if (!strstr(why, "cudaErrorNoKernelImageForDevice") || !strstr(why, "cannot run this build's kernels"))
    return fail("the probe's reason does not name the missing kernel image", why);
  if (strcmp(used, "cpu") != 0) return fail("auto should fall back to cpu", used);
  if (!strstr(reason, "cudaErrorNoKernelImageForDevice")) return fail("the fallback reason does not say why", reason);
  /* the fallback runs */
  sg_nodes n;
  if (sg_create(sim, "gl_exp", 10, &n) || sg_simulate(sim, 5.0)) return fail("a cpu run after the fallback", sg_errmsg(sim));
  sg_sim_free(sim);
  sim = NULL;
  const sg_status st = new_sim(SG_BACKEND_CUDA, &sim, err, sizeof err);
  if (st != SG_ERR_NO_DEVICE || sim) return fail("backend cuda should be refused with SG_ERR_NO_DEVICE", err);
  if (!strstr(err, "cudaErrorNoKernelImageForDevice")) return fail("the refusal does not say why", err);
  printf("ok: no-image: auto falls back to %s\n", reason);
  return 0;
}
