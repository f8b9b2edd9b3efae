#!/usr/bin/env bash
# The edge Worker's tests (ctest entry EdgeWorker, run by ./test.sh): installs
# edge/node_modules from the lockfile when it changed (npm ci), then
# `npm test` (esbuild bundle, tsc, node --test with miniflare against
# $WH_TEST_BINARY). Needs Node.js >= 18 (scripts/common.sh ensure_node).
set -euo pipefail
EDGE="$(cd "$(dirname "$0")/../edge" && pwd)"
command -v node >/dev/null && command -v npm >/dev/null || {
  echo "edge_test: node and npm are needed (./test.sh installs them)" >&2
  exit 1
}
# One installer at a time (parallel test runs share edge/node_modules).
exec 9>"$EDGE/.npm-install.lock"
flock 9
STAMP="$EDGE/node_modules/.wh-lock-sha256"
WANT="$(sha256sum "$EDGE/package-lock.json" | cut -d' ' -f1)"
if [ "$(cat "$STAMP" 2>/dev/null)" != "$WANT" ]; then
  npm ci --prefix "$EDGE" --no-audit --no-fund --loglevel=error
  echo "$WANT" >"$STAMP"
fi
flock -u 9
cd "$EDGE"
exec npm test --silent
