#!/usr/bin/env bash
# tests/mpi/run.sh BUILD MPIRUN - results identical for any number of MPI ranks (docs/mpi.md).
#
# Every case runs once as a plain process (the reference) and then under mpirun -np 1..4 with 1
# and 2 threads per rank; every rank's line must equal the reference's (rank numbers aside):
#   - bench/throughput --hash on the networks a, b and c (spikes, multimeter samples, final state);
#   - tests/mpi/ranks_check --case multi (every connection rule, drawn weights and delays, a
#     procedural projection), --case serial (spike, step current, noise generators, parrots),
#     --case glif (glif_cond populations, Poisson and dc drive, recurrent, a port nothing feeds;
#     V_m, g_1 and I sampled);
#   - --case connerr: an sg_connect whose |w| bound fails on the last rank's target only fails on
#     every rank with that message, and the network stays usable;
#   - --case nonfinite: a node of one rank turns non-finite; every rank stops with the same
#     status and message (no hang: every mpirun runs under a timeout); an output folder that
#     only the writer rank tries to make fails on every rank with its message;
#   - the output files of --case multi on 3 ranks equal those of 1 process (datasets and
#     attributes, tests/mpi/h5_same.py), written by rank 0 alone;
#   - the Python front end: tests/mpi/py_ranks.py on 2 and 3 ranks.
#   - each rank's ring buffer holds only its own nodes' inputs: the ranks' ring bytes sum to the
#     one process's (ranks_check --ring, multi, serial and glif on 2..4 ranks).
#   - the cuda backend on ranks that share one device, under the host emulation of CUDA
#     (tests/cuda_emu; EMU_DIR, the third argument, holds the emulated throughput and
#     ranks_check): networks a, b, c, --case multi, serial, glif and nonfinite on a few rank counts
#     (small sizes: emulated kernels run on the host's cores) against the plain cpu process.
# Without MPI (MPIRUN empty) it prints "skipped: no MPI" and passes nothing.
set -u
BUILD=${1:-build}
MPIRUN=${2:-}
EMU=${3:-}
if [ -z "$MPIRUN" ]; then
  echo "mpi ranks: skipped: no MPI in this build (make SG_MPI=1 with libopenmpi-dev installed)"
  exit 0
fi
# root in CI, 2 cores: OpenMPI needs to be told both; no binding (threads of 4 ranks share 2 cores)
MPI=("$MPIRUN" --oversubscribe --allow-run-as-root --bind-to none -np)
export OMPI_MCA_rmaps_base_oversubscribe=1
fail=0 runs=0
TMO=120

# compare: NAME REF_LINE CMD... ; the command's stdout lines, rank prefix removed, sorted & unique
check() {
  local name=$1 ref=$2; shift 2
  local out
  # ranks' lines can reach mpirun's output interleaved: split at every "rank R/P " prefix
  out=$(timeout $TMO "$@" 2>/tmp/sg_mpi_err.$$ | sed -E 's/rank [0-9]+\/[0-9]+ /\n/g' | grep -v '^$' | sort -u)
  local rc=$?
  runs=$((runs + 1))
  if [ "$out" != "$ref" ]; then
    echo "FAIL $name"; echo "  expected: $ref"; echo "  got:      $out"; sed 's/^/  stderr: /' /tmp/sg_mpi_err.$$ | head -5
    fail=$((fail + 1))
  fi
  rm -f /tmp/sg_mpi_err.$$
  return $rc
}

TP=(--n 4000 --k 200 --time 40 --hash --record --mm 1 --backend cpu)
for net in a b c; do
  ref=$("$BUILD"/bench/throughput --net $net "${TP[@]}" --threads 1 | grep -o '"hash": "[0-9a-f]*"')
  [ -n "$ref" ] || { echo "FAIL throughput $net: no reference hash"; fail=$((fail + 1)); continue; }
  for np in 1 2 3 4; do for t in 1 2; do
    check "throughput net $net np $np threads $t" "$ref" \
      bash -c "${MPI[*]} $np $BUILD/bench/throughput --net $net ${TP[*]} --threads $t | grep -o '\"hash\": \"[0-9a-f]*\"'"
  done; done
  echo "mpi ranks: network $net: hash $ref on 1..4 ranks x 1..2 threads"
done

for cas in multi serial glif; do
  ref=$(SG_MPI=0 "$BUILD"/tests/mpi/ranks_check --case $cas --threads 1 2>/dev/null | sed -E 's/^rank [0-9]+\/[0-9]+ //; s/threads [0-9]+/threads T/')
  [ -n "$ref" ] || { echo "FAIL ranks_check $cas: no reference"; fail=$((fail + 1)); continue; }
  for np in 1 2 3 4; do for t in 1 2; do
    check "ranks_check $cas np $np threads $t" "$ref" \
      bash -c "${MPI[*]} $np $BUILD/tests/mpi/ranks_check --case $cas --threads $t | sed -E 's/threads [0-9]+/threads T/'"
  done; done
  echo "mpi ranks: case $cas: $ref"
done

# each rank's ring buffer holds its own nodes' inputs only (docs/mpi.md §3): the ranks' ring bytes
# sum to the one process's, each rank's smaller than it (a ring of the whole network on every rank
# would sum to P times it)
for cas in multi serial glif; do
  one=$(SG_MPI=0 "$BUILD"/tests/mpi/ranks_check --case $cas --ring 2>/dev/null | sed -n 's/^ring rank 0\/1 bytes //p')
  for np in 2 3 4; do
    got=$(timeout $TMO "${MPI[@]}" $np "$BUILD"/tests/mpi/ranks_check --case $cas --ring 2>/dev/null | grep -o 'ring rank [0-9]*/[0-9]* bytes [0-9]*')
    runs=$((runs + 1))
    sum=0 each=1 n=0
    for b in $(echo "$got" | sed 's/.* bytes //'); do sum=$((sum + b)); n=$((n + 1)); [ "$b" -lt "${one:-0}" ] || each=0; done
    if [ -n "$one" ] && [ "$n" = "$np" ] && [ "$sum" = "$one" ] && [ $each = 1 ]; then
      echo "mpi ranks: case $cas: ring bytes per rank on $np ranks:" $(echo "$got" | sed 's/.* bytes //') "(one process: $one)"
    else
      echo "FAIL ring bytes of case $cas on $np ranks: $(echo $got) against one process's $one"; fail=$((fail + 1))
    fi
  done
done

ref=$(SG_MPI=0 "$BUILD"/tests/mpi/ranks_check --case nonfinite --threads 1 2>/dev/null | sed -E 's/^rank [0-9]+\/[0-9]+ //')
case "$ref" in *SG_ERR_OVERFLOW*"node 26"*) ;; *) echo "FAIL nonfinite reference: $ref"; fail=$((fail + 1));; esac
for np in 2 3 4; do
  check "nonfinite np $np" "$ref" "${MPI[@]}" $np "$BUILD"/tests/mpi/ranks_check --case nonfinite --threads 1
done
echo "mpi ranks: a non-finite node on one rank stops every rank with: ${ref:0:90}..."

# an sg_connect error that only the last rank's own targets show (each rank draws its targets)
ref=$(SG_MPI=0 "$BUILD"/tests/mpi/ranks_check --case connerr 2>/dev/null | sed -E 's/^rank [0-9]+\/[0-9]+ //')
case "$ref" in *SG_ERR_OVERFLOW*"target 11"*"then SG_OK"*) ;; *) echo "FAIL connerr reference: $ref"; fail=$((fail + 1));; esac
for np in 2 3 4; do
  check "connerr np $np" "$ref" "${MPI[@]}" $np "$BUILD"/tests/mpi/ranks_check --case connerr
done
echo "mpi ranks: an sg_connect error on the last rank's target fails the call on every rank: ${ref:0:80}..."

# an error that only the writer rank sees (its output folder cannot be made) reaches every rank
n=$(timeout $TMO "${MPI[@]}" 3 "$BUILD"/tests/mpi/ranks_check --case multi --out /dev/null/sg_x 2>&1 | grep -c "output_dir '/dev/null/sg_x' cannot be created")
runs=$((runs + 1))
if [ "$n" = 3 ]; then echo "mpi ranks: the writer rank's output folder error reaches all 3 ranks"
else echo "FAIL output folder error: $n of 3 ranks reported it"; fail=$((fail + 1)); fi

# output files: one process vs 3 ranks (rank 0 writes)
PY=${SG_PYTHON:-python3}
if "$PY" -c 'import h5py, numpy' 2>/dev/null; then
  d1=$(mktemp -d) d3=$(mktemp -d)
  SG_MPI=0 "$BUILD"/tests/mpi/ranks_check --case multi --out "$d1" >/dev/null 2>&1
  timeout $TMO "${MPI[@]}" 3 "$BUILD"/tests/mpi/ranks_check --case multi --out "$d3" >/dev/null 2>&1
  runs=$((runs + 1))
  if "$PY" "$(dirname "$0")/h5_same.py" "$d1" "$d3"; then echo "mpi ranks: output files of 3 ranks equal those of 1 process"
  else echo "FAIL output files differ"; fail=$((fail + 1)); fi
  rm -rf "$d1" "$d3"
else
  echo "mpi ranks: output files: skipped: no h5py for $PY"
fi

# the Python front end: the same script as a plain process and on 2 and 3 ranks
if "$PY" -c 'import numpy' 2>/dev/null && [ -f "$BUILD/libspikegpu.so" ]; then
  export SG_LIB=$(cd "$BUILD" && pwd)/libspikegpu.so PYTHONPATH=$(cd "$(dirname "$0")/../../python" && pwd)
  ref=$(SG_MPI=0 "$PY" "$(dirname "$0")/py_ranks.py" | sed -E 's/^rank [0-9]+\/[0-9]+ //')
  [ -n "$ref" ] || { echo "FAIL python: no reference"; fail=$((fail + 1)); }
  for np in 2 3; do
    check "python np $np" "$ref" "${MPI[@]}" $np "$PY" "$(dirname "$0")/py_ranks.py"
  done
  echo "mpi ranks: python front end: $ref on 1, 2 and 3 ranks"
else
  echo "mpi ranks: python front end: skipped: no numpy for $PY or no $BUILD/libspikegpu.so"
fi

# the cuda backend (emulated) on ranks sharing one device: the plain cpu process's results.
# emu_case NAME REF_CMD CMD NPS: CMD (bash) under mpirun -np N for each N of NPS must print REF_CMD's line
emu_case() {
  local name=$1 refcmd=$2 cmd=$3 nps=$4 ref np
  ref=$(bash -c "$refcmd")
  [ -n "$ref" ] || { echo "FAIL cuda (emulated) $name: no reference"; fail=$((fail + 1)); return; }
  for np in $nps; do check "cuda (emulated) $name np $np" "$ref" bash -c "${MPI[*]} $np $cmd"; done
  echo "mpi ranks: cuda (emulated) $name on $nps ranks: ${ref:0:70}"
}
if [ -n "$EMU" ]; then
  HASH="grep -o '\"hash\": \"[0-9a-f]*\"'"
  LINE="sed -E 's/^rank [0-9]+\/[0-9]+ //; s/threads [0-9]+/threads T/'"
  for spec in "a --n 1000 --time 20|1 2 3" "b --n 1000 --k 100 --time 20|2" "c --n 300 --time 20|1 2 3"; do
    net=${spec%%|*} args="--hash --record --mm 1"
    emu_case "network $net" "$BUILD/bench/throughput --net $net $args --backend cpu --threads 1 | $HASH" \
      "$EMU/throughput --net $net $args --backend cuda | $HASH" "${spec#*|}"
  done
  # multi on 2 and 3 ranks only: one rank is the single-process path that make check-cuda-emu
  # compares, and the emulated multi network takes about 15 s a run
  # nonfinite: where a cuda run stops (sg_time after the failed run) is the start of the device
  # batch in which the node turned non-finite, and how a run is cut into batches depends on the
  # wall clock (sub-runs): the status and the message (node, step) are compared, not that time
  NOTIME="sed -E 's/ time [^ ]+ / time (batch) /'"
  for spec in "multi|2 3" "serial|1 2 3" "glif|2 3" "nonfinite|2 3"; do
    cas=${spec%%|*} mask=cat
    [ "$cas" = nonfinite ] && mask=$NOTIME
    emu_case "case $cas" "SG_MPI=0 $BUILD/tests/mpi/ranks_check --case $cas --threads 1 2>/dev/null | $LINE | $mask" \
      "$EMU/ranks_check --case $cas --backend cuda | $LINE | $mask" "${spec#*|}"
  done
else
  echo "mpi ranks: cuda backend on ranks: skipped: no emulated build given (it needs the CUDA headers; none in the SAN=1 build)"
fi

if [ $fail -ne 0 ]; then echo "mpi ranks: $fail of $runs runs FAILED"; exit 1; fi
echo "mpi ranks: all $runs runs identical to the single-process run"
