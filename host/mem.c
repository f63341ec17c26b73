/* host/mem.c - host memory available (MemAvailable), for the checks that refuse a network or a
 * run that cannot fit. Ground: uses nothing else in host/. */
/* SPDX-License-Identifier: MIT */
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

/* MemAvailable, read at most every 50 ms: connect and create ask several times per call, and a
 * read of /proc/meminfo costs tens of microseconds of kernel time. */
static _Atomic uint64_t mem_cached;
static _Atomic int64_t mem_cached_at_ns = -1;

static uint64_t host_mem_read(void);
uint64_t sg_i_host_mem_available(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  const int64_t now = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
  const int64_t at = mem_cached_at_ns;
  if (at >= 0 && now - at < 50000000) return mem_cached;
  const uint64_t v = host_mem_read();
  mem_cached = v;
  mem_cached_at_ns = now;
  return v;
}

static uint64_t host_mem_read(void) {
  long pages = sysconf(_SC_AVPHYS_PAGES), psize = sysconf(_SC_PAGESIZE);
  FILE *f = fopen("/proc/meminfo", "r");
  if (f) {
    char line[256];
    unsigned long long kb;
    while (fgets(line, sizeof line, f))
      if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1) { fclose(f); return (uint64_t)kb * 1024u; }
    fclose(f);
  }
  return (pages > 0 && psize > 0) ? (uint64_t)pages * (uint64_t)psize : 0;
}
