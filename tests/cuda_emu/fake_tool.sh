#!/usr/bin/env bash
# tests/cuda_emu/fake_tool.sh - stands in for compute-sanitizer and ncu when `make check-cuda-emu`
# runs the GPU check script (bench/gpu_check.sh) against the emulated device: drops the tool's own
# options and runs the program (the first argument that is a path to an executable file), so the
# script's steps, logs and verdicts are exercised without the real tools. Test harness only.
# SPDX-License-Identifier: MIT
while [ $# -gt 0 ]; do
  case $1 in
    */*) [ -x "$1" ] && break ;;
  esac
  shift
done
[ $# -gt 0 ] || { echo "fake_tool: no program to run" >&2; exit 2; }
"$@"
rc=$?
echo "========= ERROR SUMMARY: 0 errors (fake tool of tests/cuda_emu: the program ran unchecked)"
exit $rc
