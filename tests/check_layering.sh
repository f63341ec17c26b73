#!/usr/bin/env bash
# tests/check_layering.sh [BUILD] - host/ has no include or call circles, and follows its layers.
#
# The call graph between host/ files is read from the object files, which is exact: for every
# build/host/X.o, `nm -g --defined-only` lists what X defines and `nm -u` what X uses from
# elsewhere; "X uses Y" when X needs a symbol that Y defines. Calls through the backends'
# function-pointer table (sim->backend->run) are not symbols and do not count; naming the table
# itself (sg_i_cpu_backend) does. The include graph of host/*.h comes from their #include lines.
# It works for the CPU-only build too (backend_cuda.o is then the stub; kernels/ is not host/).
#
# The layers, bottom to top: a file uses only files of its own layer or below (within a layer
# the cycle check keeps the uses one-way; LAYERS lists each layer's files so that a file uses
# only those before it). They follow the flow create/set -> connect -> CSR -> prepare -> step
# (backends) -> record -> HDF5:
#
#   0 ground   status (errors, sg_i_fail), mem (host memory), ranks (MPI behind a small interface,
#              no-ops without MPI; uses nothing of host/), pop (population storage, lookup,
#              node sets), models (model descriptors, generated from the model headers), value
#              (distributions of sg_value: their checks and draws)
#   1 network  limits (what a delay, a weight and the ring may be), create (sg_create, names),
#              proc (procedural projections), connect (edges), csr (edges -> CSR), stim
#              (generators' limits and tables), params (sg_set/sg_get)
#   2 output   h5out (HDF5 files), record (recorders, output folder), spike_order (a batch of
#              recorded spikes into the recorders' order)
#   3 run      prepare, cuda_timing, rank_share (what both backends do alike with MPI ranks),
#              backend_cpu, backend_cuda, backend_cuda_ranks (the cuda backend's MPI ranks section
#              and its table: it builds on backend_cuda, which reaches it only through hooks)
#   4 top      sim (sg_sim_new/free, sg_simulate)
#
# sg_create is create.c, not pop.c: it needs the model list (models.c), and models.c needs
# sg_i_pop_of for its non-finite-state message, so the two in one file made a circle.
# stim.c sits in the network layer: sg_set asks it whether a generator's value is allowed, and
# it uses only the ground and csr.c. Output sits below run: prepare sets the recorders up and the
# backends push spikes and samples into them, while record.c never calls a backend.
# A file not listed in LAYERS gets a warning (add it to a layer) and still takes part in the
# cycle check.
#
# SG_LAYERING_VERBOSE=1 also lists every use (file -> file, one symbol that makes it).
# Exit 0: no circle and no upward use; 1: a circle (printed with the symbols that make it) or a
# use of a higher layer; 2: no objects (run `make` first).
set -u
LAYERS='
0 status mem ranks pop models value
1 limits create proc connect csr stim params
2 h5out record spike_order
3 prepare cuda_timing rank_share backend_cpu backend_cuda backend_cuda_ranks
4 sim
'
BUILD=${1:-build}
command -v nm >/dev/null || { echo "check_layering: needs nm (binutils)" >&2; exit 2; }
ROOT=$(cd "$(dirname "$0")/.." && pwd)
shopt -s nullglob
objs=("$BUILD"/host/*.o)
if [ ${#objs[@]} -eq 0 ]; then
  echo "check_layering: no objects in $BUILD/host/ (build first: make BUILD=$BUILD lib)" >&2
  exit 2
fi

{
  echo "$LAYERS" | awk 'NF { for (i = 2; i <= NF; ++i) print "L", $i, $1 }'
  for o in "${objs[@]}"; do
    f=$(basename "$o" .o)
    [ -f "$ROOT/host/$f.c" ] || continue   # a stale object of a removed source
    echo "F $f"
    nm -g --defined-only "$o" | awk -v f="$f" 'NF >= 3 { print "D", f, $3 }'
    nm -u "$o" | awk -v f="$f" '{ print "U", f, $NF }'
  done
  for h in "$ROOT"/host/*.h; do
    f=$(basename "$h")
    echo "F $f"
    sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$h" |
      while read -r inc; do [ -f "$ROOT/host/$inc" ] && echo "I $f $inc"; done
  done
} | awk -v verbose="${SG_LAYERING_VERBOSE:-0}" '
function dfs(u,    i, v, k, cyc) {
  color[u] = 1; stack[++sp] = u
  for (i = 1; i <= nout[u]; ++i) {
    v = out[u, i]
    if (color[v] == 1) {                      # back edge: the stack from v to u is a circle
      cyc = ""
      for (k = sp; k >= 1 && stack[k] != v; --k) ;
      for (; k <= sp; ++k) cyc = cyc "  " stack[k] " -> " (k < sp ? stack[k + 1] : v) "  (" why[stack[k], (k < sp ? stack[k + 1] : v)] ")\n"
      printf "check_layering: FAIL: circle in host/:\n%s", cyc
      ++bad
      return 1
    }
    if (!color[v] && dfs(v)) return 1
  }
  color[u] = 2; --sp
  return 0
}
$1 == "L" { layer[$2] = $3; next }
$1 == "F" { file[++nf] = $2; next }
$1 == "D" { def[$3] = $2; next }
$1 == "U" { use[++nu] = $2 SUBSEP $3; next }
$1 == "I" { add($2, $3, "#include \"" $3 "\""); next }
function add(a, b, w) {
  if ((a, b) in why) return
  why[a, b] = w; out[a, ++nout[a]] = b; ++ne
}
END {
  for (i = 1; i <= nu; ++i) {
    split(use[i], p, SUBSEP)
    if ((p[2] in def) && def[p[2]] != p[1]) add(p[1], def[p[2]], p[2])
  }
  bad = 0
  for (i = 1; i <= nf && !bad; ++i) if (!color[file[i]]) { sp = 0; dfs(file[i]) }   # the first circle
  if (verbose) for (i = 1; i <= nf; ++i) for (j = 1; j <= nout[file[i]]; ++j)
    printf "  %s -> %s  (%s)\n", file[i], out[file[i], j], why[file[i], out[file[i], j]]
  for (i = 1; i <= nf; ++i) {
    a = file[i]
    if (a ~ /\.h$/) continue
    if (!(a in layer)) { printf "check_layering: warning: host/%s.c has no layer: add it to LAYERS in tests/check_layering.sh\n", a; continue }
    for (j = 1; j <= nout[a]; ++j) {
      b = out[a, j]
      if ((b in layer) && layer[b] > layer[a]) {
        printf "check_layering: FAIL: %s (layer %d) uses %s (layer %d, above it): %s\n", a, layer[a], b, layer[b], why[a, b]
        ++bad
      }
    }
  }
  if (bad) exit 1
  printf "check_layering: host/ has no include/call circle and follows its layers (%d files, %d uses)\n", nf, ne
}'
