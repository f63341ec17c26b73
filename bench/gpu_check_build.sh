#!/usr/bin/env bash
# bench/gpu_check_build.sh - links the self-contained GPU check folder: called by `make gpu-check`
# (which first builds the objects with PORTABLE=1, sm_90 + compute_90 PTX and -lineinfo, and
# passes the build's variables as SG_*), never by hand.
#
# Output folder (default gpucheck/, ignored by git):
#   bin/run            the CUnit runner (all suites; `bin/run cuda_equiv` for one)
#   bin/bench/<name>   the bench programs of bench/*.c
#   bin/microcircuit   examples/microcircuit (the PD14 steps)
#   tests/data/, tests/*.py   reference data and helper scripts the suites read (relative paths)
#   check.sh           the one-call GPU check (bench/gpu_check.sh: steps, deadline, tarball)
#   BUILD-INFO         how and when it was built
# HDF5 (+ szip/aec/zlib), CUnit, cudart and libgomp are linked statically, so the binaries need only
# libc, libm, libgcc_s and libstdc++ (checked with ldd below), and start without a driver. Device
# code carries line information (-lineinfo), so compute-sanitizer's reports name source lines.
# SPDX-License-Identifier: MIT
set -euo pipefail

out=${1:-gpucheck}
: "${SG_CC:?run through make gpu-check}" "${SG_BUILD:?}" "${SG_CUDA_TOP:?}" "${SG_TEST_OBJ:?}" "${SG_LIB_A:?}"

die() { echo "gpu_check_build: $*" >&2; exit 1; }
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

echo "gpu_check_build: linking the test runner"
link "$out/bin/run" $SG_TEST_OBJ

bench_built=()
for src in $SG_BENCH_SRC; do
  name=$(basename "$src" .c)
  obj=$SG_BUILD/gpucheck-bench/$name.o
  mkdir -p "$(dirname "$obj")"
  echo "gpu_check_build: bench $name"
  $SG_CC $SG_CPPFLAGS $SG_CFLAGS -c "$src" -o "$obj"
  link "$out/bin/bench/$name" "$obj"
  bench_built+=("$name")
done

# the PD14 microcircuit (examples/microcircuit), the check's pd14 steps
mc_obj=$SG_BUILD/gpucheck-bench/microcircuit.o
echo "gpu_check_build: examples/microcircuit"
$SG_CC $SG_CPPFLAGS $SG_CFLAGS -c examples/microcircuit/main.c -o "$mc_obj"
link "$out/bin/microcircuit" "$mc_obj"

strip "$out/bin/run" "$out/bin/microcircuit" "$out"/bin/bench/* 2>/dev/null || true
cp -r tests/data "$out/tests/data"
cp tests/*.py "$out/tests/"   # helper scripts some suites run (h5_kill_check.py, sonata_check.py)

cat >"$out/BUILD-INFO" <<EOF
spikegpu GPU check folder
built:     $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(hostname) ($(uname -m))
git:       $(git rev-parse --short HEAD 2>/dev/null || echo "no commit") $(git status --porcelain 2>/dev/null | wc -l | tr -d ' ') changed files
host code: $SG_CC $SG_CFLAGS
device:    sm_90 SASS + compute_90 PTX, -fmad=false -lineinfo (GPU_GENCODE of the Makefile)
nvcc:      $("$SG_CUDA_TOP/bin/nvcc" --version 2>/dev/null | tail -n1)
static:    $(basename -a "$hdf5_a" "$sz_a" "$aec_a" "$z_a" "$cunit_a" "$cudart_a" | tr '\n' ' ') ${omp_link[0]##*/}
benches:   ${bench_built[*]:-(none)}
EOF

cp bench/gpu_check.sh "$out/check.sh"
chmod +x "$out/check.sh"

# ---- checks: dependencies and size ------------------------------------------------------------
bad=0
for f in "$out/bin/run" "$out/bin/microcircuit" "$out"/bin/bench/*; do
  [ -f "$f" ] || continue
  extra=$(ldd "$f" | awk '{print $1}' | grep -v -E '^(linux-vdso\.so|/lib64/ld-linux-x86-64\.so|libc\.so|libm\.so|libgcc_s\.so|libstdc\+\+\.so|libgomp\.so|libdl\.so|libpthread\.so|librt\.so)' || true)
  if [ -n "$extra" ]; then echo "gpu_check_build: $f needs $extra" >&2; bad=1; fi
done
size=$(du -sb "$out" | cut -f1)
echo "gpu_check_build: $out is $((size / 1048576)) MiB ($size bytes)"
[ "$size" -lt $((64 * 1048576)) ] || { echo "gpu_check_build: larger than 64 MiB" >&2; bad=1; }
echo "gpu_check_build: ldd $out/bin/run:"
ldd "$out/bin/run" | sed 's/^/  /'
exit $bad
