#!/usr/bin/env bash
# bench/gpu_bundle.sh - links the portable GPU bundle (../shared/notes/gpu-machine.md): called by
# `make gpu-bundle` (which first builds the objects with PORTABLE=1 and sm_90 + compute_90 PTX and
# passes the build's variables as SG_*), never by hand.
#
# Output folder (default bundle/, ignored by git):
#   bin/run            the CUnit runner (all suites; `bin/run cuda_equiv` for one)
#   bin/bench/<name>   the bench programs of bench/*.c
#   tests/data/, tests/*.py   reference data and helper scripts the suites read (relative paths)
#   run-all.sh LOGDIR [env|cunit|sanitize|scale|gpu|bench|all]   runs everything, logs into LOGDIR
#   BUILD-INFO         how and when it was built
# HDF5 (+ szip/aec/zlib), CUnit, cudart and libgomp are linked statically, so the binaries need only
# libc, libm, libgcc_s and libstdc++ (checked with ldd below), and start without a driver.
# SPDX-License-Identifier: MIT
set -euo pipefail

out=${1:-bundle}
: "${SG_CC:?run through make gpu-bundle}" "${SG_BUILD:?}" "${SG_CUDA_TOP:?}" "${SG_TEST_OBJ:?}" "${SG_LIB_A:?}"

die() { echo "gpu_bundle: $*" >&2; exit 1; }
need_file() { [ -f "$1" ] || die "missing $1 ($2)"; echo "$1"; }

multiarch=$($SG_CC -print-multiarch 2>/dev/null || true)
libdir=/usr/lib/${multiarch:-x86_64-linux-gnu}
hdf5_libdir=$(printf '%s\n' $SG_HDF5_LIBS | sed -n 's/^-L//p' | head -n1)
[ -n "$hdf5_libdir" ] || hdf5_libdir=$(pkg-config --variable=libdir hdf5 2>/dev/null || true)
[ -n "$hdf5_libdir" ] || hdf5_libdir=$libdir

hdf5_a=$(need_file "$hdf5_libdir/libhdf5.a" "Debian libhdf5-dev")
sz_a=$(need_file "$libdir/libsz.a" "Debian libaec-dev")
aec_a=$(need_file "$libdir/libaec.a" "Debian libaec-dev")
z_a=$(need_file "$libdir/libz.a" "Debian zlib1g-dev")
cunit_a=$(need_file "$libdir/libcunit.a" "Debian libcunit1-dev")
cudart_a=$(need_file "$SG_CUDA_TOP/lib64/libcudart_static.a" "CUDA toolkit")
gomp_a=$($SG_CC -print-file-name=libgomp.a)

static_libs=("$hdf5_a" "$sz_a" "$aec_a" "$z_a" "$cudart_a")
sys_libs=(-lm -ldl -lpthread -lrt)

# OpenMP: the static libgomp when it links into a PIE, else the shared one (present wherever gcc is)
omp_link=(-fopenmp)
if [ -f "$gomp_a" ] && [ "$gomp_a" != libgomp.a ]; then
  probe=$(mktemp -d)
  printf '#include <omp.h>\nint main(void){int n=0;\n#pragma omp parallel\n{\n#pragma omp atomic\nn++;}\nreturn n>0?0:1;}\n' >"$probe/p.c"
  if $SG_CC -fopenmp -c "$probe/p.c" -o "$probe/p.o" 2>/dev/null &&
     $SG_CC -o "$probe/p" "$probe/p.o" "$gomp_a" -lpthread 2>/dev/null && "$probe/p"; then
    omp_link=("$gomp_a" -lpthread)
  fi
  rm -rf "$probe"
fi

link() {   # link OUTPUT OBJECTS...
  local o=$1; shift
  $SG_CC -o "$o" "$@" "$SG_LIB_A" "$cunit_a" "${static_libs[@]}" "${omp_link[@]}" \
    -static-libstdc++ -static-libgcc -Wl,-Bstatic -lstdc++ -Wl,-Bdynamic "${sys_libs[@]}"
}

rm -rf "$out"
mkdir -p "$out/bin/bench" "$out/tests"

echo "gpu_bundle: linking the test runner"
link "$out/bin/run" $SG_TEST_OBJ

bench_built=()
for src in $SG_BENCH_SRC; do
  name=$(basename "$src" .c)
  obj=$SG_BUILD/bundle-bench/$name.o
  mkdir -p "$(dirname "$obj")"
  echo "gpu_bundle: bench $name"
  $SG_CC $SG_CPPFLAGS $SG_CFLAGS -c "$src" -o "$obj"
  link "$out/bin/bench/$name" "$obj"
  bench_built+=("$name")
done

strip "$out/bin/run" "$out"/bin/bench/* 2>/dev/null || true
cp -r tests/data "$out/tests/data"
cp tests/*.py "$out/tests/"   # helper scripts some suites run (h5_kill_check.py, sonata_check.py)

cat >"$out/BUILD-INFO" <<EOF
spikegpu GPU bundle
built:     $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(hostname) ($(uname -m))
git:       $(git rev-parse --short HEAD 2>/dev/null || echo "no commit") $(git status --porcelain 2>/dev/null | wc -l | tr -d ' ') changed files
host code: $SG_CC $SG_CFLAGS
device:    sm_90 SASS + compute_90 PTX, -fmad=false (GPU_GENCODE of the Makefile)
nvcc:      $("$SG_CUDA_TOP/bin/nvcc" --version 2>/dev/null | tail -n1)
static:    $(basename -a "$hdf5_a" "$sz_a" "$aec_a" "$z_a" "$cunit_a" "$cudart_a" | tr '\n' ' ') ${omp_link[0]##*/}
benches:   ${bench_built[*]:-(none)}
EOF

cat >"$out/run-all.sh" <<'EOF'
#!/usr/bin/env bash
# run-all.sh LOGDIR [env|cunit|sanitize|scale|gpu|bench|all ...] - everything this bundle can check on a GPU
# machine, one log per step in LOGDIR, a summary at the end (summary.txt). Steps run in the order
# given (default all). Each step is limited to SG_STEP_TIMEOUT seconds (default 540), so a step
# fits one 10-minute remote command.
#   env       nvidia-smi, which compute-sanitizer, nvcc --version, BUILD-INFO
#   cunit     the whole CUnit suite (bin/run), then cuda_equiv alone (its verbose output)
#   sanitize  compute-sanitizer memcheck, racecheck, initcheck on cuda_equiv (SG_TEST_QUICK=1:
#             small sizes, two device variants)
#   scale     cpu (all cores) and cuda runs of the benchmark networks at sizes the unit suite cannot
#             reach, with --hash: the hashes of spikes and final state must be equal (bit-identity)
#   gpu       issue 6's figures: network b at 1e6 neurons x 1000 synapses (1 s after 0.1 s warm-up),
#             network a at 1e6 and 1e7, network a at 1000 neurons (per-step overhead), and the same
#             1e6 x 1000 network on the cpu backend with all cores (0.1 s) for the ratio
#   bench     every program in bin/bench with its defaults
# JSON lines of scale and gpu go to LOGDIR/results.jsonl (bench/gpu_report.py makes the tables).
# cuda_equiv runs with SG_TEST_NO_SKIP=1: on the GPU machine a skipped GPU suite is a failure.
# Plan for a 10-minute command limit and a remote side that returns at most 8 files: keep LOGDIR
# outside $OUT and set SG_LOG_TARBALL=$OUT/logs.tgz (refreshed after every step, so a command
# killed at its limit still returns what ran), e.g. call 1 `env cunit`, call 2 `sanitize`, call 3
# `scale gpu`, each with SG_STEP_TIMEOUT below the time left in the call.
set -u
here=$(cd "$(dirname "$0")" && pwd)
logs=${1:?usage: run-all.sh LOGDIR [env|cunit|sanitize|scale|gpu|bench|all ...]}
shift
steps=("$@")
[ ${#steps[@]} -eq 0 ] && steps=(all)
mkdir -p "$logs"
logs=$(cd "$logs" && pwd)
cd "$here"
tmo=${SG_STEP_TIMEOUT:-540}
summary=$logs/summary.txt
: >>"$summary"

run() {   # run NAME CMD... : log to LOGDIR/NAME.log, record the exit status
  local name=$1; shift
  local t0=$(date +%s)
  echo "== $name: $*" | tee -a "$summary"
  { echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) $*"; timeout "$tmo" "$@"; local rc_=$?; echo; echo "# exit $rc_"; } >"$logs/$name.log" 2>&1
  local rc=$(tail -n1 "$logs/$name.log" | sed -n 's/^# exit //p')
  [ "$rc" = 124 ] && rc="124 (timed out after $tmo s)"
  echo "   exit ${rc:-?} after $(( $(date +%s) - t0 )) s -> $name.log" | tee -a "$summary"
  tail -n 12 "$logs/$name.log" | sed 's/^/   | /'
  save_logs
}

save_logs() {   # the whole LOGDIR as one tarball, when SG_LOG_TARBALL names one
  [ -n "${SG_LOG_TARBALL:-}" ] || return 0
  tar czf "$SG_LOG_TARBALL.tmp" -C "$(dirname "$logs")" "$(basename "$logs")" && mv "$SG_LOG_TARBALL.tmp" "$SG_LOG_TARBALL"
}

find_cs() {
  command -v compute-sanitizer 2>/dev/null && return
  for c in /usr/local/cuda/bin/compute-sanitizer /usr/local/cuda-*/bin/compute-sanitizer \
           /usr/local/cuda/compute-sanitizer/compute-sanitizer /opt/nvidia/*/compute-sanitizer/compute-sanitizer; do
    [ -x "$c" ] && { echo "$c"; return; }
  done
}

want() { local s; for s in "${steps[@]}"; do [ "$s" = all ] || [ "$s" = "$1" ] && return 0; done; return 1; }

if want env; then
  {
    echo "## date"; date -u
    echo "## uname"; uname -a
    echo "## nvidia-smi"; nvidia-smi 2>&1
    echo "## nvidia-smi -L"; nvidia-smi -L 2>&1
    echo "## which compute-sanitizer"; find_cs || echo "(not found)"
    echo "## nvcc --version"; (nvcc --version || /usr/local/cuda/bin/nvcc --version) 2>&1
    echo "## BUILD-INFO"; cat BUILD-INFO
    echo "## ldd bin/run"; ldd bin/run
  } >"$logs/env.log" 2>&1
  echo "== env -> env.log" | tee -a "$summary"
  grep -A3 "## nvidia-smi -L\|## which compute" "$logs/env.log" | sed 's/^/   | /'
  save_logs
fi

if want cunit; then
  run cunit ./bin/run   # examples is skipped (the bundle has no example programs); the rest must pass
  run cuda_equiv env SG_TEST_NO_SKIP=1 ./bin/run cuda_equiv
fi

if want sanitize; then
  cs=$(find_cs)
  if [ -z "$cs" ]; then
    echo "== sanitize: compute-sanitizer not found, skipped" | tee -a "$summary"
  else
    export SG_TEST_QUICK=1 SG_TEST_NO_SKIP=1
    run memcheck "$cs" --tool memcheck --leak-check full --error-exitcode 99 ./bin/run cuda_equiv
    run racecheck "$cs" --tool racecheck --error-exitcode 99 ./bin/run cuda_equiv
    run initcheck "$cs" --tool initcheck --error-exitcode 99 ./bin/run cuda_equiv
    unset SG_TEST_QUICK SG_TEST_NO_SKIP
  fi
fi

tp=./bin/bench/throughput
cores=$(nproc 2>/dev/null || echo 1)
jsonl=$logs/results.jsonl
tp_run() {   # tp_run NAME ARGS... : one throughput run, its JSON line appended to results.jsonl
  local name=$1; shift
  run "$name" "$tp" "$@"
  grep '^{' "$logs/$name.log" >>"$jsonl" || true
}
hash_of() { grep -o '"hash": "[0-9a-f]*"' "$logs/$1.log" | cut -d'"' -f4; }

if want scale; then
  # "net n k ms" per configuration (SG_SCALE_CONFIGS overrides, ';'-separated, for a dry run)
  IFS=';' read -r -a cfgs <<<"${SG_SCALE_CONFIGS:-b 100000 1000 200;b 300000 1000 100;a 1000000 0 200;c 100000 0 100}"
  for cfg in "${cfgs[@]}"; do
    set -- $cfg
    args=(--net "$1" --n "$2" --time "$4" --hash --record)
    [ "$3" != 0 ] && args+=(--k "$3")
    tp_run "scale_cpu_$1_$2" "${args[@]}" --backend cpu --threads "$cores"
    tp_run "scale_cuda_$1_$2" "${args[@]}" --backend cuda
    hc=$(hash_of "scale_cpu_$1_$2"); hg=$(hash_of "scale_cuda_$1_$2")
    if [ -n "$hc" ] && [ "$hc" = "$hg" ]; then verdict="EQUAL"; else verdict="DIFFERENT"; fi
    echo "   net $1 n $2: cpu hash ${hc:-?} cuda hash ${hg:-?}: $verdict" | tee -a "$summary"
    save_logs
  done
fi

if want gpu; then
  tp_run gpu_b_1e6 --net b --n 1000000 --k 1000 --time 1000 --warmup 100 --backend cuda
  tp_run gpu_b_1e6_rec --net b --n 1000000 --k 1000 --time 200 --warmup 100 --backend cuda --record
  tp_run gpu_a_1e6 --net a --n 1000000 --time 1000 --backend cuda
  tp_run gpu_a_1e7 --net a --n 10000000 --time 200 --backend cuda
  tp_run gpu_a_1e3 --net a --n 1000 --time 1000 --backend cuda
  tp_run gpu_c_1e6 --net c --n 1000000 --time 100 --backend cuda
  tp_run cpu_b_1e6 --net b --n 1000000 --k 1000 --time 100 --warmup 10 --backend cpu --threads "$cores"
fi

if want bench; then
  for b in bin/bench/*; do
    [ -x "$b" ] || continue
    run "bench_$(basename "$b")" "$b"
  done
fi
echo "logs in $logs (summary.txt)"
EOF
chmod +x "$out/run-all.sh"

# ---- checks: dependencies and size ------------------------------------------------------------
bad=0
for f in "$out/bin/run" "$out"/bin/bench/*; do
  [ -f "$f" ] || continue
  extra=$(ldd "$f" | awk '{print $1}' | grep -v -E '^(linux-vdso\.so|/lib64/ld-linux-x86-64\.so|libc\.so|libm\.so|libgcc_s\.so|libstdc\+\+\.so|libgomp\.so|libdl\.so|libpthread\.so|librt\.so)' || true)
  if [ -n "$extra" ]; then echo "gpu_bundle: $f needs $extra" >&2; bad=1; fi
done
size=$(du -sb "$out" | cut -f1)
echo "gpu_bundle: $out is $((size / 1048576)) MiB ($size bytes)"
[ "$size" -lt $((64 * 1048576)) ] || { echo "gpu_bundle: larger than 64 MiB" >&2; bad=1; }
echo "gpu_bundle: ldd $out/bin/run:"
ldd "$out/bin/run" | sed 's/^/  /'
exit $bad
