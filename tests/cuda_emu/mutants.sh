#!/usr/bin/env bash
# tests/cuda_emu/mutants.sh - the negative control of the emulated equivalence suite: builds each
# mutant of tests/cuda_emu/mutants.txt (one kernel file, or host/backend_cuda.c, changed;
# everything else as built by `make check-cuda-emu`) and requires the suite (SG_TEST_QUICK=1) to
# FAIL on it. Called by `make check-cuda-emu-mutants`, which passes the emulation's build folder
# and compile commands. Mutants are built and run MUTANT_JOBS at a time (default: the number of
# cores); their results are printed in list order.
# Usage: mutants.sh EMU_DIR "CXX and flags (kernels)" "CC and flags (host)"
set -euo pipefail
emu=$1
cxx=$2
cc=$3
list=tests/cuda_emu/mutants.txt
# the emulated objects whose source still exists (an object of a removed source would be linked
# in beside its successor)
objs=$(for o in "$emu"/host/*.o "$emu"/kernels/*.o "$emu"/kernels_fmad/*.o "$emu"/tests/test_*.o; do
         rel=${o#"$emu"/}; rel=${rel%.o}
         if [ -f "$rel.c" ] || [ -f "$rel.cu" ]; then echo "$o"; fi
       done | sort; echo "$emu/emu.o")
mkdir -p "$emu/mut"
jobs=${MUTANT_JOBS:-$(nproc 2>/dev/null || echo 2)}

# one mutant: built in $emu/mut/N from the list line's file and expression, run; its result line
# goes to $emu/mut/N/result (exit 1: the list is out of date)
one_mutant() {
  local n=$1 file=$2 expr=$3 what=$4
  local m="$emu/mut/$n" rebuilt="" src mutated
  rm -rf "$m" && mkdir -p "$m/kernels"
  if [ "${file#host/}" != "$file" ]; then   # a host file: compiled alone
    sed -E "$expr" "$file" > "$m/$(basename "$file")"
    src=$file
    mutated=$m/$(basename "$file")
    $cc -c "$mutated" -o "$m/$(basename "$file" .c).o"
    rebuilt="host/$(basename "$file" .c)"
  else
    cp "$emu"/src/kernels/* "$m/kernels/"
    sed -E "$expr" "$emu/src/kernels/$file" > "$m/kernels/$file"
    src=$emu/src/kernels/$file
    mutated=$m/kernels/$file
    # the objects that include the changed file are rebuilt from the mutant tree
    for cu in "$m"/kernels/*.cu; do
      base=$(basename "$cu" .cu)
      if [ "$file" = "$base.cu" ] || grep -q "\"$file\"" "$cu"; then
        $cxx -I"$m/kernels" -Iinclude -Ihost -x c++ -c "$cu" -o "$m/$base.o"
        rebuilt="$rebuilt kernels/$base"
      fi
    done
  fi
  if cmp -s "$src" "$mutated"; then
    echo "mutant $n ($what): the expression does not match $file any more; update $list" > "$m/result"
    return 1
  fi
  local link="" o key
  for o in $objs; do
    key="$(basename "$(dirname "$o")")/$(basename "$o" .o)"
    case " $rebuilt " in *" $key "*) o="$m/$(basename "$o")" ;; esac
    link="$link $o"
  done
  ${cxx%% *} -fopenmp -o "$m/run" $link $EMU_LIBS
  local rc=0 how
  # a crash is a catch too; the shell's "Segmentation fault" notice is kept out of the output
  { SG_TEST_QUICK=1 SG_TEST_NO_SKIP=1 "$m/run" cuda_equiv >"$m/log" 2>&1 || rc=$?; } 2>/dev/null
  if [ "$rc" -eq 0 ]; then
    echo "mutant $n NOT caught: $what ($file; log $m/log)" > "$m/result"
  else
    if [ "$rc" -gt 128 ]; then how="the run crashed (signal $((rc - 128)))"
    else how="$(grep -c 'FAILED' "$m/log" || true) tests failed"; fi
    echo "mutant $n caught: $what: $how" > "$m/result"
  fi
}

n=0
pids=()
while IFS='|' read -r file expr what; do
  file=$(echo "$file" | sed 's/^ *//; s/ *$//')
  expr=$(echo "$expr" | sed 's/^ *//; s/ *$//')
  what=$(echo "$what" | sed 's/^ *//; s/ *$//')
  [ -z "$file" ] || [ "${file:0:1}" = "#" ] && continue
  n=$((n + 1))
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n || true; done
  one_mutant "$n" "$file" "$expr" "$what" </dev/null &
  pids+=($!)
done < "$list"
stale=0
for i in "${!pids[@]}"; do wait "${pids[$i]}" || stale=1; done
caught=0
for i in $(seq 1 "$n"); do
  if [ -f "$emu/mut/$i/result" ]; then cat "$emu/mut/$i/result"; else echo "mutant $i: no result (the build failed?)"; fi
  grep -q '^mutant [0-9]* caught:' "$emu/mut/$i/result" 2>/dev/null && caught=$((caught + 1))
done
[ "$stale" -eq 0 ] || exit 1
echo "$caught of $n mutants caught"
[ "$caught" -eq "$n" ]
