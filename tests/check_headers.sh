#!/bin/sh
# tests/check_headers.sh - every shared header compiles alone, in both languages it is used from:
#   C11 with gcc  (-std=c11 -Wall -Wextra -Werror -ffp-contract=off)
#   CUDA C++17 with nvcc (-x cu -std=c++17 -fmad=false, warnings are errors), from a __global__ kernel
# For the numeric core (math.h, philox.h, rng.h, fixed.h) and the index helpers (ring.h, csr.h) the test
# translation unit calls every public function, on the host (C) and from the kernel (CUDA); other
# headers are included alone.
# nvcc is skipped, and said so, when it is not found (NVCC=/path/to/nvcc picks one; NVCC= skips it).
#
# Usage: tests/check_headers.sh [header ...]     (default: include/sg/*.h include/sg/*/*.h)
# Exit status: 0 all compiled, 1 something failed.
# SPDX-License-Identifier: MIT
set -u
cd "$(dirname "$0")/.." || exit 1

CC=${CC:-gcc}
if [ -z "${NVCC+x}" ]; then
  NVCC=$(command -v nvcc 2>/dev/null || true)
  [ -z "$NVCC" ] && [ -n "${CUDA_HOME:-}" ] && [ -x "$CUDA_HOME/bin/nvcc" ] && NVCC=$CUDA_HOME/bin/nvcc
  [ -z "$NVCC" ] && [ -x /usr/local/cuda/bin/nvcc ] && NVCC=/usr/local/cuda/bin/nvcc
fi
CFLAGS_CHECK="-std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror -Wno-unused-function -ffp-contract=off -Iinclude"
NVFLAGS_CHECK="-x cu -std=c++17 -fmad=false -Xcompiler -Wall,-Wextra,-ffp-contract=off --Werror all-warnings -Iinclude"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/sg_check_headers.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

if [ $# -gt 0 ]; then headers="$*"; else headers=$(ls include/sg/*.h include/sg/*/*.h 2>/dev/null); fi

# body that uses every public function of a header; variables: x, y (double), i (uint32_t),
# outputs o[] (double), u[] (uint32_t), l[] (int64_t), 16 each; the template uses all of them
body_for() {
  case "$1" in
    include/sg/math.h)
      echo 'o[0] = sg_exp(x); o[1] = sg_exp_fast(x); o[2] = sg_log(x); o[3] = sg_expm1(x);
            o[4] = sg_pow(x, y); o[5] = sg_nextafter(x, y);' ;;
    include/sg/philox.h)
      echo 'sg_ctr4 c = sg_philox4x32_10(sg_ctr4_make(i, 1u, 2u, 3u), 4u, 5u);
            u[0] = c.c[0]; u[1] = c.c[3];' ;;
    include/sg/rng.h)
      echo 'sg_rng_cursor c; sg_ctr4 b, k;
            sg_rng_cursor_init(&c, 1u, SG_STREAM_NOISE, i, 2u);
            o[0] = sg_uniform(&c); o[1] = sg_normal(&c);
            u[0] = sg_poisson(&c, x, y); u[1] = sg_poisson(&c, 30.0 + x, 1e-13);
            o[2] = sg_u01_53(i, 7u); o[3] = sg_rng_u01(1u, SG_STREAM_FIRING, i, 4u, 0u);
            b = sg_rng_block(1u, SG_STREAM_CONNECT, sg_rng_elem(3u, i), 4u, 5u); u[2] = b.c[0];
            k = sg_rng_counter(SG_STREAM_POISSON, sg_rng_elem(2u, i), 3u, 4u); u[3] = k.c[1];' ;;
    include/sg/fixed.h)
      echo 'int64_t v = sg_fx_from_double(x); o[0] = sg_fx_to_double(v);
            l[0] = sg_fx_mul_count(v, i); l[1] = sg_fx_add(v, SG_FX_ONE); u[0] = (uint32_t)sg_fx_in_range(x);
            o[1] = SG_FX_MAX_ABS_SUM + SG_FX_FRAC_BITS;' ;;
    include/sg/ring.h)
      echo 'int64_t r[8] = {0}; const uint32_t R = sg_ring_len(i), m = sg_ring_mask(R);
            int64_t *s = sg_ring_slot(r, i + 3u, m & 3u, 2u); const int64_t *t = sg_ring_slot_const(r, i, 3u, 2u);
            u[0] = R; l[0] = (int64_t)sg_ring_index(i, m, 5u) + (s - r) + (t - r);' ;;
    include/sg/csr.h)
      echo 'const uint64_t rs[3] = {0, 2, 3}, se[3] = {4, 6, 9}; const uint32_t sd[3] = {1, 2, 3};
            l[0] = (int64_t)(sg_csr_seg_begin(se, i % 3u) + sg_csr_seg_end(se, i % 3u) + sg_csr_span_len(se, 0, 2));
            l[1] = (int64_t)(sg_csr_row_begin(rs, se, i % 2u) + sg_csr_row_len(rs, se, i % 2u));
            l[2] = (int64_t)sg_csr_seg_of(se, 0, 3, i % 9u); u[0] = sg_csr_delay_of(se, sd, 0, 3, i % 9u);' ;;
    *) echo '/* included alone */' ;;
  esac
}

fail=0
nv_note=""
[ -z "$NVCC" ] && nv_note=" (nvcc not found: CUDA check skipped)"
echo "check_headers: $CC${NVCC:+ + $NVCC}$nv_note"
for h in $headers; do
  # glif_cond's CPU block step is part of glif_cond.h (included at its end, host only; the lanes
  # template once per lane width): checked through glif_cond.h, which gcc compiles alone
  case "$h" in
    include/sg/models/glif_cond_block.h|include/sg/models/glif_cond_lanes.h)
      printf '  %-40s part of glif_cond.h (checked with it)\n' "$h"
      continue ;;
  esac
  inc=${h#include/}
  base=$(echo "$inc" | tr '/.' '__')
  body=$(body_for "$h")
  cat > "$tmp/$base.c" <<EOF
#include "$inc"
#include <stdint.h>
void sg_check_use(const double *in, double *o, uint32_t *u, int64_t *l);
void sg_check_use(const double *in, double *o, uint32_t *u, int64_t *l) {
  double x = in[0], y = in[1];
  uint32_t i = (uint32_t)in[2];
  $body
  o[15] = x + y; u[15] = i; l[15] = 1;
}
EOF
  if $CC $CFLAGS_CHECK -c "$tmp/$base.c" -o "$tmp/$base.o" 2> "$tmp/$base.c.log"; then
    c_res=ok
  else
    c_res=FAIL; fail=1
  fi
  nv_res=skipped
  if [ -n "$NVCC" ]; then
    cat > "$tmp/$base.cu" <<EOF
#include "$inc"
#include <stdint.h>
__global__ void sg_check_kernel(const double *in, double *o, uint32_t *u, int64_t *l) {
  double x = in[threadIdx.x], y = in[threadIdx.x + 1];
  uint32_t i = threadIdx.x;
  $body
  o[15] = x + y; u[15] = i; l[15] = 1;
}
EOF
    if "$NVCC" $NVFLAGS_CHECK -c "$tmp/$base.cu" -o "$tmp/$base.cu.o" 2> "$tmp/$base.cu.log"; then
      nv_res=ok
    else
      nv_res=FAIL; fail=1
    fi
  fi
  printf '  %-40s gcc %-4s  nvcc %s\n' "$h" "$c_res" "$nv_res"
  [ "$c_res" = FAIL ] && sed 's/^/      /' "$tmp/$base.c.log" | head -20
  [ "$nv_res" = FAIL ] && sed 's/^/      /' "$tmp/$base.cu.log" | head -20
done
[ $fail -eq 0 ] && echo "check_headers: all headers compile alone" || echo "check_headers: FAILED"
exit $fail
