#!/usr/bin/env bash
# tests/check_standalone.sh - the repository stands alone: no file of it may point at documents
# outside it. Fails (exit 1) listing file:line for every tracked (or new, not ignored) file, other
# than this script, that mentions a path or document name of the project's private notes. What the
# code relies on is written in docs/ (see docs/README.md); cite that instead.
# Called by `make test`. Outside a git checkout it says so and passes.
# SPDX-License-Identifier: MIT
set -u
cd "$(dirname "$0")/.." || exit 2
if ! git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  echo "check_standalone: not a git checkout, skipped"
  exit 0
fi
self=tests/check_standalone.sh
# the forbidden strings, assembled so that this file does not match itself if the exclusion fails
patterns=("../sha""red" "/wo""rk/" "nest-behav""iour.md" "DES""IGN.md" "toolch""ain.md")
args=()
for p in "${patterns[@]}"; do args+=(-e "$p"); done
# tracked files as they are in the working tree, plus new files that are not ignored
hits=$(git grep -nIF --untracked "${args[@]}" -- . ":(exclude)$self" 2>/dev/null)
if [ -n "$hits" ]; then
  echo "check_standalone: FAIL: these lines point outside the repository (write it into docs/ and cite docs/ instead):"
  printf '%s\n' "$hits" | cut -c1-200
  exit 1
fi
echo "check_standalone: ok (no references outside the repository)"
