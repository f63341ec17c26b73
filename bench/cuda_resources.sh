#!/usr/bin/env bash
# bench/cuda_resources.sh - per kernel: registers, stack frame and spills as ptxas reports them for
# sm_90 with the library's flags (`make cuda-resources`). No GPU needed. The registers bound the
# block size a kernel can launch (65536 per SM / registers, rounded down to a multiple of 32; the
# backend caps its block size there, see sg_cu_cap_block), a stack frame means local memory.
# Usage: cuda_resources.sh NVCC "CPPFLAGS"
set -euo pipefail
nvcc=$1
cppflags=$2
printf '%-28s %9s %12s %12s %16s\n' kernel registers "stack (B)" "spills (B)" "max block"
for f in kernels/*.cu; do
  "$nvcc" $cppflags -O3 -std=c++17 -gencode arch=compute_90,code=sm_90 -fmad=false -prec-div=true -prec-sqrt=true \
    -ftz=false --resource-usage -c "$f" -o /dev/null 2>&1
done | awk '
  /Compiling entry function/ { match($0, /_Z[0-9]+[A-Za-z_0-9]*_kernel/); k = substr($0, RSTART, RLENGTH); sub(/^_Z[0-9]+/, "", k) }
  /bytes stack frame/ && k != "" { stack = $1; spill = $5 }
  /Used [0-9]+ registers/ && k != "" {
    for (i = 1; i <= NF; ++i) if ($i == "Used") r = $(i + 1)
    mb = int(65536 / r / 32) * 32; if (mb > 1024) mb = 1024
    if (k !~ /test|generate|compute_math/) printf "%-28s %9d %12d %12d %16d\n", k, r, stack, spill, mb
    k = ""
  }'
