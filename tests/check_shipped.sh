#!/usr/bin/env bash
# tests/check_shipped.sh [BUILD] - the test-only models (SG_TEST_NEURON_LIST in
# include/sg/model_list.h, headers in tests/models/) are in the test runner's library and not in
# the shipped one: for each, the descriptor symbol sg_i_model_<name> must be defined in
# BUILD/libspikegpu-test.a and absent from BUILD/libspikegpu.a and BUILD/libspikegpu.so.
set -u
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
names=$(awk '/^#define SG_TEST_NEURON_LIST\(X\) *\\$/ { on = 1; next } on && /^#/ { exit }
             on && match($0, /X\([a-z_0-9]+,/) { print substr($0, RSTART + 2, RLENGTH - 3) }' "$ROOT/include/sg/model_list.h")
[ -n "$names" ] || { echo "check_shipped: no test models listed in include/sg/model_list.h"; exit 1; }
for lib in "$BUILD/libspikegpu.a" "$BUILD/libspikegpu.so" "$BUILD/libspikegpu-test.a"; do
  [ -f "$lib" ] || { echo "check_shipped: $lib missing (run make first)"; exit 2; }
done
fail=0
for n in $names; do
  for lib in "$BUILD/libspikegpu.a" "$BUILD/libspikegpu.so"; do
    if nm -g --defined-only "$lib" 2>/dev/null | grep -qw "sg_i_model_$n"; then
      echo "check_shipped: test model $n is in the shipped $lib"; fail=1
    fi
  done
  if ! nm -g --defined-only "$BUILD/libspikegpu-test.a" 2>/dev/null | grep -qw "sg_i_model_$n"; then
    echo "check_shipped: test model $n is missing from $BUILD/libspikegpu-test.a"; fail=1
  fi
done
[ $fail = 0 ] && echo "check_shipped: test models ($(echo $names)) only in the test library"
exit $fail
