#!/usr/bin/env bash
# tests/cuda_emu/faults.sh - drives tests/cuda_emu/fault_check.c (see there for what must hold):
# counts the fallible CUDA calls of its run, then fails every EVERY-th of them once (non-sticky),
# and every (3 x EVERY)-th as a device fault (sticky), two runs at a time. Prints a tally of the
# outcomes; any FAIL, crash or leak fails the script. Called by `make check-cuda-emu-faults`.
# Usage: faults.sh FAULT_CHECK_BINARY LOGDIR [EVERY]
set -euo pipefail
bin=$1
logdir=$2
every=${3:-1}
mkdir -p "$logdir"
SG_EMU_COUNT_FILE="$logdir/calls.txt" "$bin" >"$logdir/no_fault.log" 2>&1 || { cat "$logdir/no_fault.log"; exit 1; }
n=$(cat "$logdir/calls.txt")
echo "fault_check: $n fallible CUDA calls in the run; failing every ${every}th once, every $((3 * every))th as a device fault"
: >"$logdir/all.log"
jobs=()
for k in $(seq "$every" "$every" "$n"); do
  jobs+=("$k 0")
  [ $((k % (3 * every))) = 0 ] && jobs+=("$k 1")
done
# each run appends its line with one write, so the two parallel runs never interleave
printf '%s\n' "${jobs[@]}" | xargs -P 2 -L 1 sh -c \
  'out=$(SG_EMU_FAIL_AT=$0 SG_EMU_FAIL_STICKY=$1 "'"$bin"'" 2>&1); rc=$?; out=$(printf "%s" "$out" | tr "\n" " " | cut -c1-900);
   printf "call %s sticky %s rc %s: %s\n" "$0" "$1" "$rc" "$out" >>"'"$logdir/all.log"'"'

echo "outcomes (runs):"
sed -E 's/^call [0-9]+ sticky ([01]) rc ([0-9]+): (ok: [a-z]+|FAIL|).*/  \1 \2 \3/' "$logdir/all.log" | sort | uniq -c |
  awk '{ printf "  %5d  %s, exit %s: %s %s %s\n", $1, ($2 == 1 ? "device fault" : "transient  "), $3, $4, $5, $6 }'
bad=$(grep -c -v ' rc 0: ok' "$logdir/all.log" || true)
if [ "$bad" != 0 ]; then
  grep -v ' rc 0: ok' "$logdir/all.log" | head -5 | cut -c1-400
  echo "$bad fault runs failed (all in $logdir/all.log)"
  exit 1
fi
echo "all $(wc -l <"$logdir/all.log") fault runs passed"
