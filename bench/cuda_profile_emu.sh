#!/usr/bin/env bash
# bench/cuda_profile_emu.sh EMU_THROUGHPUT [EMU_MICROCIRCUIT] - kernel launches and host waits per simulated step of
# the cuda backend, counted without a GPU: bench/throughput built against the CUDA emulation
# (tests/cuda_emu, SG_EMU_PROFILE_FILE) runs each network for T1 and for T2 > T1 simulated ms,
# and the difference of the counts over the difference of the steps is the steady-state cost of
# a step (setup, uploads and the final download cancel out). SG_SUBRUN_STEPS makes each run one
# sub-run, as on a GPU, where a sub-run lasts ~0.05 s of wall time (tens to thousands of steps;
# host/sim.c): emulated steps are so slow that every sub-run would be one step, with its own wait.
# EMU_MICROCIRCUIT (examples/microcircuit against the emulation) adds the microcircuit at a small
# scale: eight populations, each with its own Poisson generator, every spike recorded.
# `make cuda-profile-emu` runs it.
# Prints a markdown table and writes JSON lines to $SG_PROFILE_OUT (default build/emu/profile.jsonl).
set -eu
tp=${1:?usage: cuda_profile_emu.sh EMU_THROUGHPUT [EMU_MICROCIRCUIT]}
mc=${2:-}
out=${SG_PROFILE_OUT:-$(dirname "$tp")/profile.jsonl}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
: > "$out"
# name | program arguments | T1 | T2 (ms; h = 0.1 ms)
nets='a|--net a --n 3000|10|30
b|--net b --n 4000 --k 200|10|30
c|--net c --n 300|5|15'
mc_args='--scale 0.02 --kscale 0.1 --presim 0 --no-plot'
[ -n "$mc" ] && nets="$nets
microcircuit|$mc_args|1.6|8"   # whole graphs of 16 steps: the counts per step are exact
count() {   # args: file key
  sed -n "s/.*\"$2\": \([0-9]*\).*/\1/p" "$1"
}
printf '| network | recording | launches/step | graph launches/step | host waits/step | D2H bytes/step |\n'
printf '|---|---|---|---|---|---|\n'
echo "$nets" | while IFS='|' read -r name args t1 t2; do
  prog=$tp recs='none --record'
  [ "$name" = microcircuit ] && prog=$mc recs='--record'   # it records every spike, always
  for rec in $recs; do
    [ "$rec" = none ] && rec=""
    for t in "$t1" "$t2"; do
      extra=$rec
      [ "$name" = microcircuit ] && extra="--out $tmp/mc"
      # shellcheck disable=SC2086
      SG_SUBRUN_STEPS=1000000 SG_EMU_PROFILE_FILE="$tmp/$t.json" "$prog" $args --time "$t" --backend cuda $extra >/dev/null 2>"$tmp/err" ||
        { cat "$tmp/err" >&2; exit 1; }
    done
    steps=$(awk -v a="$t1" -v b="$t2" 'BEGIN { printf "%d", (b - a) * 10 + 0.5 }')
    row=""
    for key in kernel_executions graph_launches host_waits d2h_bytes; do
      a=$(count "$tmp/$t1.json" "$key"); b=$(count "$tmp/$t2.json" "$key")
      row="$row $(awk -v a="$a" -v b="$b" -v s="$steps" 'BEGIN { printf "%.2f", (b - a) / s }')"
    done
    set -- $row
    printf '| %s | %s | %s | %s | %s | %s |\n' "$name" "${rec:+every spike}" "$1" "$2" "$3" "$4"
    printf '{"network": "%s", "args": "%s", "record": %s, "steps": %d, "launches_per_step": %s, "graph_launches_per_step": %s, "host_waits_per_step": %s, "d2h_bytes_per_step": %s, "kernels_T2": %s}\n' \
      "$name" "$args" "$([ -n "$rec" ] && echo true || echo false)" "$steps" "$1" "$2" "$3" "$4" \
      "$(sed -n 's/.*"kernels": \({.*}\)}/\1/p' "$tmp/$t2.json")" >> "$out"
  done
done
echo "JSON lines: $out"
