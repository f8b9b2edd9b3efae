#!/usr/bin/env bash
# Compares the eviction policies of src/cache/eviction.h (LRU, S3-FIFO) on a
# synthetic storefront trace and prints the Markdown tables of
# docs/caching-eviction.md. No server, no database.
#
#   bench/eviction.sh [--quick] [--requests N] [--seed N] [--reps N] [--variants]
#
# Builds only the simulator (target wh_eviction_bench) in the Release build
# directory of run.sh, then runs it; the full run takes a few minutes.
source "$(dirname "$0")/../scripts/common.sh"

ensure_packages
DIR="$ROOT/build/release"
[ -f "$DIR/CMakeCache.txt" ] || cmake -S "$ROOT" -B "$DIR" -DCMAKE_BUILD_TYPE=Release -DWH_BUILD_TESTS=OFF >/dev/null
log "building wh_eviction_bench (Release)"
cmake --build "$DIR" --target wh_eviction_bench -j "$(nproc)" >/dev/null
log "replaying the trace"
"$DIR/wh_eviction_bench" "$@"
