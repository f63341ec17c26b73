#!/usr/bin/env bash
# bench/gpu_check.sh - the GPU check: everything a lent GPU must tell us, in one call of about five
# minutes. `make gpu-check` copies it as check.sh into the self-contained folder gpucheck/ (static
# binaries, bench/gpu_check_build.sh), which travels to the GPU machine; run it there:
#
#   gpucheck/check.sh [--deadline S] [--only STEP,...] [--logs DIR] [--tarball FILE] [--list]
#
#   --deadline S   global deadline in seconds (default 300): each step runs under
#                  min(its own cap, time left - 8 s); a step that cannot get 10 s is skipped
#   --only STEPS   run only these steps (comma- or space-separated), e.g. after a fix:
#                  --only memcheck,b1e6
#   --logs DIR     logs folder (default /tmp/spikegpu-gpucheck, emptied first)
#   --tarball F    the logs as one tarball, rewritten after every step, so a call cut off at its
#                  limit still returns what ran (default $OUT/gpucheck.tgz when $OUT is set,
#                  else DIR.tgz)
#   --list         the steps with their caps
#   SG_GPUCHECK_SMALL=1 (environment): tiny networks, to test this script itself
#
# Steps, in order of value (cap in seconds):
#   env        15  nvidia-smi, driver, the probe (throughput --probe), tool paths, BUILD-INFO
#   equiv      60  the CPU/GPU equivalence suite on the device, skipping forbidden
#   memcheck   75  compute-sanitizer memcheck (+ leak check) over the equivalence networks,
#                  kernels launched one by one (SG_EQUIV_SANITIZER=1, quick sizes)
#   synccheck  40  compute-sanitizer synccheck, the same run
#   racecheck  35  compute-sanitizer racecheck (shared-memory hazards), the same run
#   b1e6      150  network b at 10^6 x 1000 (10^9 synapses): 0.1 s warm-up, 1 s measured, then 100
#                  steps timed kernel by kernel; built once
#   pd14      150  the PD14 microcircuit at full scale (77,169 iaf_psc_exp neurons, ~3 x 10^8
#                  synapses, Poisson background), 1 s without spike recording (the field's RTF)
#   proc1e7    60  network b at 10^7 x 1000 with procedural pairwise_bernoulli synapses (10^10, none
#                  stored; what examples/gl_large runs with --backend cuda), 0.2 s
#   a1e7       45  network a at 10^7 neurons for 0.2 s (update bandwidth)
#   a1e3       25  network a at 10^3 neurons for 1 s (per-step fixed cost)
#   hash1e5    60  network b at 10^5 x 1000 for 0.2 s on cpu (all cores) and cuda, --hash
#                  --record: the hashes must be equal (bit-identity at scale)
#   b1e6rec    70  optional: network b at 10^6 x 1000 with every spike recorded, 0.2 s
#   pd14rec   150  optional: the microcircuit of pd14 with every spike recorded
#   ncu        45  optional: bytes and time per kernel with Nsight Compute, network b at 10^5
#
# Without a usable device the device steps say "skipped: no CUDA device (<why>)"; without
# compute-sanitizer or ncu their steps say so. Exit 0 when no step failed (skipped steps are not
# failures but are listed as such), 1 otherwise.
#
# What comes back (LOGDIR, also in the tarball): summary.txt (one line per step), steps.jsonl
# (step, status, seconds, detail), results.jsonl (the throughput JSON lines, with "step"),
# kernel_timing.jsonl, <step>.log for every step. bench/gpu_report.py turns them into the tables
# of bench/RESULTS.md.
# SPDX-License-Identifier: MIT
set -u

here=$(cd "$(dirname "$0")" && pwd)
deadline=300
only=""
logs=/tmp/spikegpu-gpucheck
tarball=""

STEPS="env equiv memcheck synccheck racecheck b1e6 pd14 proc1e7 a1e7 a1e3 hash1e5 b1e6rec pd14rec ncu"
cap_of() {
  case $1 in
    env) echo 15 ;; equiv) echo 60 ;; memcheck) echo 75 ;; synccheck) echo 40 ;; racecheck) echo 35 ;;
    b1e6) echo 150 ;; proc1e7) echo 60 ;; a1e7) echo 45 ;; a1e3) echo 25 ;; hash1e5) echo 60 ;; pd14) echo 150 ;;
    b1e6rec) echo 70 ;; pd14rec) echo 150 ;; ncu) echo 45 ;; *) echo 0 ;;
  esac
}
# cap STEP: its cap, times cap_scale (SG_GPUCHECK_SMALL: the emulated device runs kernels on the
# host's cores, tens of times slower than a GPU; the caps guard a real device's budget)
cap_scale=1
[ "${SG_GPUCHECK_SMALL:-0}" = 1 ] && cap_scale=4
cap() { echo $(( $(cap_of "$1") * cap_scale )); }

while [ $# -gt 0 ]; do
  case $1 in
    --deadline) deadline=${2:?--deadline needs seconds}; shift 2 ;;
    --only) only="$only ${2:?--only needs steps}"; shift 2 ;;
    --logs) logs=${2:?--logs needs a folder}; shift 2 ;;
    --tarball) tarball=${2:?--tarball needs a file}; shift 2 ;;
    --list) for s in $STEPS; do printf '%-10s %4s s\n' "$s" "$(cap_of "$s")"; done; exit 0 ;;
    -h|--help) sed -n '2,44p' "$0"; exit 0 ;;
    *) echo "check.sh: unknown argument '$1' (--help lists them)" >&2; exit 2 ;;
  esac
done
case $deadline in '' | *[!0-9]*) echo "check.sh: --deadline '$deadline': allowed a whole number of seconds" >&2; exit 2 ;; esac
only=$(echo "$only" | tr ',' ' ')
for s in $only; do
  [ "$(cap_of "$s")" != 0 ] || { echo "check.sh: --only: unknown step '$s': allowed $STEPS" >&2; exit 2; }
done
[ -n "$tarball" ] || tarball=${OUT:+$OUT/gpucheck.tgz}
[ -n "$tarball" ] || tarball=$logs.tgz

rm -rf "$logs"
mkdir -p "$logs" || exit 2
logs=$(cd "$logs" && pwd)
mkdir -p "$(dirname "$tarball")" && tarball=$(cd "$(dirname "$tarball")" && pwd)/$(basename "$tarball")
cd "$here" || exit 2
t_start=$(date +%s)
summary=$logs/summary.txt
failed=0

left() { echo $((deadline - ($(date +%s) - t_start))); }

save() {   # the whole logs folder as one tarball, replaced atomically
  tar czf "$tarball.tmp" -C "$(dirname "$logs")" "$(basename "$logs")" 2>/dev/null && mv -f "$tarball.tmp" "$tarball"
}

json_str() { printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g' | tr '\n\t' '  '; }

# result STEP STATUS SECONDS DETAIL: one line in summary.txt and steps.jsonl, then the tarball
result() {
  printf '%-10s %-8s %4s s  %s\n' "$1" "$2" "$3" "$4" | tee -a "$summary"
  printf '{"step": "%s", "status": "%s", "seconds": %s, "detail": "%s"}\n' "$1" "$2" "$3" "$(json_str "$4")" >>"$logs/steps.jsonl"
  if [ "$2" = fail ] || [ "$2" = timeout ]; then failed=1; fi
  save
}

failure() { if [ "$1" = timeout ]; then echo timeout; else echo fail; fi; }

wanted() {
  [ -z "$only" ] && return 0
  local s
  for s in $only; do [ "$s" = "$1" ] && return 0; done
  return 1
}

# run STEP CMD...: CMD under the step's time limit, output in STEP.log; sets rc and secs
run() {
  local step=$1; shift
  local cap lim t0
  cap=$(cap "$step")
  lim=$(( $(left) - 8 ))
  [ "$lim" -gt "$cap" ] && lim=$cap
  t0=$(date +%s)
  { echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) limit ${lim} s: $*"; } >>"$logs/$step.log"
  timeout -k 5 "$lim" "$@" >>"$logs/$step.log" 2>&1
  rc=$?
  secs=$(( $(date +%s) - t0 ))
  echo "# exit $rc after $secs s" >>"$logs/$step.log"
  [ "$rc" = 124 ] || [ "$rc" = 137 ] && rc=timeout
  return 0
}

# begin STEP [needs...]: 0 when the step is to run now; otherwise it has been reported
begin() {
  local step=$1 need
  shift
  wanted "$step" || return 1
  for need in "$@"; do
    case $need in
      device) [ "$have_device" = 1 ] || { result "$step" skipped 0 "no CUDA device ($device_why)"; return 1; } ;;
      cs) [ -n "$cs" ] || { result "$step" skipped 0 "compute-sanitizer not found"; return 1; } ;;
      ncu) [ -n "$ncu" ] || { result "$step" skipped 0 "ncu (Nsight Compute) not found"; return 1; } ;;
    esac
  done
  if [ "$(left)" -lt 18 ]; then
    result "$step" skipped 0 "deadline: $(left) s left of $deadline s"
    return 1
  fi
  echo "== $step (cap $(cap "$step") s, $(left) s left)"
  return 0
}

find_tool() {   # find_tool NAME: on PATH or in the usual CUDA toolkit folders
  command -v "$1" 2>/dev/null && return
  local c
  for c in /usr/local/cuda/bin/"$1" /usr/local/cuda-*/bin/"$1" /usr/local/cuda/"$1"/"$1" /opt/nvidia/*/"$1"/"$1"; do
    [ -x "$c" ] && { echo "$c"; return; }
  done
}

# network sizes and times; SG_GPUCHECK_SMALL=1 shrinks them all (and the equivalence suite's), which
# is how `make check-cuda-emu` runs this script end to end against the emulated device
N_B=1000000 K_B=1000 N_P=10000000 N_A7=10000000 N_A3=1000 N_H=100000 T_WARM=100 T_B=1000 T_SHORT=200
MC_SCALE=1 MC_K=1
if [ "${SG_GPUCHECK_SMALL:-0}" = 1 ]; then
  N_B=3000 K_B=100 N_P=3000 N_A7=4000 N_A3=100 N_H=2000 T_WARM=2 T_B=10 T_SHORT=5 MC_SCALE=0.02 MC_K=0.1
  export SG_TEST_QUICK=1
fi

tp=./bin/bench/throughput
cs=$(find_tool compute-sanitizer)
ncu=$(find_tool ncu)
probe=$($tp --probe 2>&1)
probe_rc=$?
if [ "$probe_rc" = 0 ]; then have_device=1; device_why=${probe#cuda: usable: }; else have_device=0; device_why=${probe#cuda: not usable: }; fi
cores=$(nproc 2>/dev/null || echo 1)

: >"$summary"
echo "spikegpu GPU check: deadline $deadline s, logs $logs, tarball $tarball" | tee -a "$summary"
echo "probe: $probe" | tee -a "$summary"
save

if begin env; then
  {
    echo "## date"; date -u
    echo "## uname"; uname -a
    echo "## nproc"; nproc
    echo "## probe"; echo "$probe"
    echo "## nvidia-smi"; timeout 10 nvidia-smi 2>&1
    echo "## nvidia-smi query"
    timeout 10 nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm,clocks.max.mem,power.limit,compute_cap --format=csv 2>&1
    echo "## compute-sanitizer"; echo "${cs:-(not found)}"
    echo "## ncu"; echo "${ncu:-(not found)}"
    echo "## BUILD-INFO"; cat BUILD-INFO
    echo "## ldd bin/run"; ldd bin/run
  } >"$logs/env.log" 2>&1
  result env pass 0 "$(grep -m1 -A1 'name, driver' "$logs/env.log" | tail -n1 | tr -s ' ')"
fi

if begin equiv device; then
  run equiv env SG_TEST_NO_SKIP=1 ./bin/run cuda_equiv
  tally=$(grep -E '^ +(tests|asserts) ' "$logs/equiv.log" | tr -s ' ' | tr '\n' ';')
  if [ "$rc" = 0 ]; then result equiv pass "$secs" "$tally"
  else result equiv "$(failure "$rc")" "$secs" "exit $rc; $tally"
  fi
fi

sanitize() {   # sanitize STEP TOOL-ARGS...
  local step=$1; shift
  run "$step" env SG_TEST_NO_SKIP=1 SG_TEST_QUICK=1 SG_EQUIV_SANITIZER=1 SG_CUDA_GRAPHS=0 \
    "$cs" "$@" --error-exitcode 99 --print-limit 40 ./bin/run cuda_equiv
  local errs
  errs=$(grep -m1 -E 'ERROR SUMMARY|RACECHECK SUMMARY|LEAK SUMMARY' "$logs/$step.log" | tr -s ' ')
  if [ "$rc" = 0 ]; then result "$step" pass "$secs" "${errs:-no errors}"
  elif [ "$rc" = timeout ]; then result "$step" timeout "$secs" "cut off at its limit; ${errs:-no summary}"
  else result "$step" fail "$secs" "exit $rc; ${errs:-see $step.log}; first report: $(grep -m1 -E '^=+ +(Invalid|Race|Barrier|Uninit|Leaked|Error)' "$logs/$step.log" | tr -s ' ')"
  fi
}
if begin memcheck device cs; then sanitize memcheck --tool memcheck --leak-check full --show-backtrace device; fi
if begin synccheck device cs; then sanitize synccheck --tool synccheck; fi
if begin racecheck device cs; then sanitize racecheck --tool racecheck; fi

# measured STEP CMD...: one run of a program printing bench/throughput's JSON line, which goes to
# results.jsonl with "step"; throughput STEP ARGS...: measured with bench/throughput
throughput() { local step=$1; shift; measured "$step" "$tp" "$@"; }
measured() {
  local step=$1; shift
  run "$step" "$@"
  grep '^{"simulator"' "$logs/$step.log" | sed "s/^{/{\"step\": \"$step\", /" >>"$logs/results.jsonl"
  grep '^{"kernel_timing"' "$logs/$step.log" | sed "s/^{/{\"step\": \"$step\", /" >>"$logs/kernel_timing.jsonl"
  local line
  line=$(grep -m1 '^{"simulator"' "$logs/$step.log" | grep -o '"rtf": [^,]*\|"wall_s": [^,]*\|"build_s": [^,]*\|"syn_events_per_s": [^,]*\|"neuron_updates_per_s": [^,]*' | tr '\n' ' ')
  if [ "$rc" = 0 ] && [ -n "$line" ]; then result "$step" pass "$secs" "$line"
  else result "$step" "$(failure "$rc")" "$secs" "exit $rc; $(tail -n 2 "$logs/$step.log" | head -n 1 | cut -c1-300)"
  fi
}

if begin b1e6 device; then
  throughput b1e6 --net b --n "$N_B" --k "$K_B" --warmup "$T_WARM" --time "$T_B" --backend cuda --kernel-timing 100
fi
# the microcircuit: all host cores build it; no transient (--presim 0), so RTF is over the 1 s
mc_out=$(mktemp -d 2>/dev/null || echo /tmp/spikegpu-gpucheck-pd14)
mc=(./bin/microcircuit --scale "$MC_SCALE" --kscale "$MC_K" --presim 0 --time "$T_B" --backend cuda --no-plot --json
    --out "$mc_out")
if begin pd14 device; then measured pd14 "${mc[@]}" --no-record; fi
if begin proc1e7 device; then throughput proc1e7 --net b --n "$N_P" --k "$K_B" --procedural --time "$T_SHORT" --backend cuda; fi
if begin a1e7 device; then throughput a1e7 --net a --n "$N_A7" --time "$T_SHORT" --backend cuda; fi
if begin a1e3 device; then throughput a1e3 --net a --n "$N_A3" --time "$T_B" --backend cuda; fi

if begin hash1e5 device; then
  run hash1e5 "$tp" --net b --n "$N_H" --k "$K_B" --time "$T_SHORT" --hash --record --backend cpu --threads "$cores"
  rc_cpu=$rc; s_cpu=$secs
  run hash1e5 "$tp" --net b --n "$N_H" --k "$K_B" --time "$T_SHORT" --hash --record --backend cuda
  grep '^{"simulator"' "$logs/hash1e5.log" | sed 's/^{/{"step": "hash1e5", /' >>"$logs/results.jsonl"
  hashes=$(grep -o '"hash": "[0-9a-f]*"' "$logs/hash1e5.log" | cut -d'"' -f4 | tr '\n' ' ')
  set -- $hashes
  if [ "$rc_cpu" = 0 ] && [ "$rc" = 0 ] && [ $# = 2 ] && [ "$1" = "$2" ]; then
    result hash1e5 pass $((s_cpu + secs)) "cpu and cuda hashes EQUAL ($1)"
  else
    result hash1e5 fail $((s_cpu + secs)) "exit cpu $rc_cpu cuda $rc; hashes: ${hashes:-none} (must be two, equal)"
  fi
fi

if begin b1e6rec device; then
  throughput b1e6rec --net b --n "$N_B" --k "$K_B" --warmup "$T_WARM" --time "$T_SHORT" --backend cuda --record
fi

if begin pd14rec device; then measured pd14rec "${mc[@]}"; fi
rm -rf "$mc_out"

if begin ncu device ncu; then
  run ncu env SG_CUDA_GRAPHS=0 "$ncu" --csv --launch-skip 200 --launch-count 40 \
    --metrics gpu__time_duration.sum,dram__bytes_read.sum,dram__bytes_write.sum,lts__t_bytes.sum \
    "$tp" --net b --n "$N_H" --k "$K_B" --time 5 --backend cuda
  if [ "$rc" = 0 ]; then result ncu pass "$secs" "per-kernel metrics in ncu.log (CSV)"
  else result ncu "$(failure "$rc")" "$secs" "exit $rc; $(grep -m1 -i 'error' "$logs/ncu.log" | cut -c1-200)"
  fi
fi

count() { grep -c -E "\"status\": \"($1)\"" "$logs/steps.jsonl" 2>/dev/null || true; }
echo "== done in $(( $(date +%s) - t_start )) s of $deadline s: $(count pass) passed, $(count skipped) skipped, $(count 'fail|timeout') failed" | tee -a "$summary"
save
exit $failed
