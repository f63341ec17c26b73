/* host/status.c - the ground of host/: status codes and their text, the version, and the error
 * message of a call (sg_i_fail into sim->msg, sg_i_errout where there is no simulation yet).
 * Uses nothing else in host/. */
/* SPDX-License-Identifier: MIT */
#include <stdio.h>

#include "internal.h"

static const char *const status_names[] = {
#define X(code, text) #code ": " text,
  SG_STATUS_LIST(X)
#undef X
};

const char *sg_status_str(sg_status code) {
  if ((int)code < 0 || code >= SG_STATUS_COUNT) return "SG_ERR_?: unknown status code";
  return status_names[code];
}

const char *sg_version(void) {
#ifdef SG_HAVE_CUDA
  return "0.1.0 (cuda + cpu build)";
#else
  return "0.1.0 (cpu-only build)";
#endif
}

sg_status sg_i_fail(sg_sim *sim, sg_status code, const char *fmt, ...) {
  if (sim) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sim->msg, sizeof sim->msg, fmt, ap);
    va_end(ap);
  }
  return code;
}

sg_status sg_i_errout(char *err, size_t len, sg_status code, const char *fmt, ...) {
  if (err && len) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, len, fmt, ap);
    va_end(ap);
  }
  return code;
}
