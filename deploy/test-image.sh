#!/usr/bin/env bash
# Builds the Hugging Face Space image (deploy/huggingface/Dockerfile) with
# docker or podman, runs it with the production settings a Space has
# (NODE_ENV=production from the image, ORIGIN_SECRET, JWT_SECRET,
# METRICS_TOKEN) against a database, and checks it: the image's user, port
# and environment; that `serve` refuses production without a trusted client
# IP; /healthz, /readyz, the origin lock-down, the catalog, the in-process
# cache, /metrics; that every process in the container runs as UID 1000; the
# image's HEALTHCHECK; a clean exit on SIGTERM. Prints the image size. Exits
# non-zero, saying what failed, on any failure; removes its containers and
# database on exit. Linux only (host networking). Not part of ./test.sh: it is
# a Release build of the whole server in a container (minutes).
#
#   deploy/test-image.sh [--no-build]      --no-build: test the existing image
#
# Environment (all optional):
#   DATABASE_URL      test against this database (e.g. a Neon branch) instead
#                     of a throwaway local PostgreSQL 15. It is migrated, seeded
#                     only with WH_SEED=1, and must then hold products.
#   DIRECT_URL, DATABASE_TRANSPORT, DATABASE_WS_URL, DATABASE_WS_CA_FILE,
#   DB_POOL_SIZE, DB_STATEMENT_TIMEOUT_MS, DB_PREPARED_STATEMENTS
#                     passed to the container when set (the CA file is
#                     mounted read-only at the same path).
#   CONTAINER_ENGINE  docker or podman (default: docker when its daemon
#                     answers, else podman, installed with apt when missing).
#   WH_IMAGE_TAG      image name (default wighaven-space:test; kept afterwards).
set -euo pipefail
source "$(dirname "$0")/../scripts/common.sh"

TAG="${WH_IMAGE_TAG:-wighaven-space:test}"
BUILD=1
case "${1:-}" in
  "") ;;
  --no-build) BUILD=0 ;;
  -h | --help) sed -n '2,26p' "$0"; exit 0 ;;
  *) die "unknown argument $1 (see --help)" ;;
esac

pass() { printf '  ok  %s\n' "$*" >&2; }

# need <package>...: installs the missing Debian packages (as root) or stops.
need() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    die "missing packages: ${missing[*]} (install them, or run as root on Debian)"
  fi
  log "installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

command -v curl >/dev/null 2>&1 || need curl

# --- the engine ---------------------------------------------------------------

ENGINE="${CONTAINER_ENGINE:-}"
if [ -z "$ENGINE" ]; then
  # podman-docker's `docker` is podman: treat it as such (it needs the settings below).
  if command -v docker >/dev/null 2>&1 && ! docker --version 2>/dev/null | grep -qi podman &&
    docker info >/dev/null 2>&1; then
    ENGINE=docker
  else
    ENGINE=podman
  fi
fi
PODMAN_CONF=""
case "$ENGINE" in
  docker)
    ENGINE_CMD=(docker)
    ;;
  podman)
    command -v podman >/dev/null 2>&1 || need podman
    ENGINE_CMD=(podman)
    # Hosts where podman's defaults fail (containers on CI machines): crun
    # refuses a hybrid cgroup v1/v2 hierarchy (runc does not); the systemd
    # cgroup manager needs systemd as init; the default open-file limit of
    # rootful containers is above a low hard limit of this shell.
    if [ "$(stat -fc %T /sys/fs/cgroup 2>/dev/null)" != cgroup2fs ]; then
      need runc
      ENGINE_CMD+=(--runtime runc)
    fi
    [ -d /run/systemd/system ] || ENGINE_CMD+=(--cgroup-manager cgroupfs)
    hard="$(ulimit -Hn)"
    if [ "$hard" != unlimited ] && [ "$hard" -lt 1048576 ]; then
      PODMAN_CONF="$(mktemp)"
      printf '[containers]\ndefault_ulimits = []\n' >"$PODMAN_CONF"
      ENGINE_CMD=(env CONTAINERS_CONF="$PODMAN_CONF" "${ENGINE_CMD[@]}")
    fi
    ;;
  *) die "CONTAINER_ENGINE must be docker or podman, not $ENGINE" ;;
esac
eng() { "${ENGINE_CMD[@]}" "$@"; }

# --- clean-up -----------------------------------------------------------------

CTR="wighaven-image-test-$$"
WORK="$(mktemp -d)"
DATA=""
PG_PORT=""
BASE_ROOT=""
cleanup() {
  local rc=$?
  set +e
  if [ "$rc" -ne 0 ] && eng container inspect "$CTR" >/dev/null 2>&1; then
    log "the container's last log lines"
    eng logs --tail 40 "$CTR" 2>&1 | sed 's/^/  | /' >&2
  fi
  eng rm -f "$CTR" >/dev/null 2>&1
  eng rm -f "$CTR-refused" >/dev/null 2>&1
  if [ -n "$DATA" ]; then
    stop_pg "$DATA"
    rm -rf "$DATA" "$ROOT/var/image-pg-$PG_PORT"
  fi
  [ -n "$BASE_ROOT" ] && rm -rf "$BASE_ROOT"
  rm -rf "$WORK"
  [ -n "$PODMAN_CONF" ] && rm -f "$PODMAN_CONF"
  if [ "$rc" -ne 0 ]; then printf '\033[1;31mtest-image: FAILED\033[0m\n' >&2; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- the image ----------------------------------------------------------------

# ensure_base: debian:bookworm and debian:bookworm-slim, pulled, or (no
# registry reachable) one minimal Debian made with debootstrap standing in
# for both: the build stage installs everything it needs with apt anyway.
# It is trimmed like Docker's slim image (no package cache or lists, man
# pages, translations or documentation but the copyright files), so that the
# size printed at the end is close to what a Space builds from.
ensure_base() {
  local img missing=()
  for img in debian:bookworm debian:bookworm-slim; do
    eng image inspect "docker.io/library/$img" >/dev/null 2>&1 && continue
    log "pulling $img"
    timeout 300 "${ENGINE_CMD[@]}" pull -q "docker.io/library/$img" >/dev/null 2>&1 || missing+=("$img")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  need debootstrap
  log "no registry: making ${missing[*]} with debootstrap (about 30 s)"
  BASE_ROOT="$(mktemp -d)"
  debootstrap --variant=minbase bookworm "$BASE_ROOT" http://deb.debian.org/debian >/dev/null ||
    die "debootstrap failed"
  rm -rf "$BASE_ROOT"/var/cache/apt/archives/*.deb "$BASE_ROOT"/var/lib/apt/lists/* \
    "$BASE_ROOT"/usr/share/man/* "$BASE_ROOT"/usr/share/info/* "$BASE_ROOT"/usr/share/locale/*
  find "$BASE_ROOT/usr/share/doc" -type f ! -name copyright -delete
  tar -C "$BASE_ROOT" -c . | eng import - "docker.io/library/${missing[0]}" >/dev/null
  rm -rf "$BASE_ROOT"
  BASE_ROOT=""
  for img in "${missing[@]:1}"; do eng tag "docker.io/library/${missing[0]}" "docker.io/library/$img"; done
}

if [ "$BUILD" = 1 ]; then
  ensure_base
  args=(build -f "$ROOT/deploy/huggingface/Dockerfile" -t "$TAG")
  # podman: keep HEALTHCHECK (the OCI format has none), use the host network
  # for apt in RUN steps, and the base images just ensured.
  [ "$ENGINE" = podman ] && args+=(--format docker --network host --pull=never)
  log "building $TAG with $ENGINE (a Release build of the server: several minutes)"
  t0=$SECONDS
  eng "${args[@]}" "$ROOT" || die "the image did not build"
  log "built in $((SECONDS - t0)) s"
fi
eng image inspect "$TAG" >/dev/null 2>&1 || die "no image $TAG (run without --no-build)"

log "checking the image's configuration"
user="$(eng image inspect -f '{{.Config.User}}' "$TAG")"
[ "$user" = 1000 ] || die "the image's user is '$user', expected 1000"
pass "image user 1000"
envs="$(eng image inspect -f '{{range .Config.Env}}{{println .}}{{end}}' "$TAG")"
grep -qx 'PORT=7860' <<<"$envs" || die "the image does not set PORT=7860 (Hugging Face's app_port)"
grep -qx 'NODE_ENV=production' <<<"$envs" || die "the image does not set NODE_ENV=production"
# shellcheck disable=SC2016 # a Go template, not shell
ports="$(eng image inspect -f '{{range $p, $v := .Config.ExposedPorts}}{{$p}} {{end}}' "$TAG")"
grep -qw '7860/tcp' <<<"$ports" || die "the image does not expose 7860 (exposes: ${ports:-nothing})"
pass "PORT=7860, NODE_ENV=production, EXPOSE 7860"

# --- the database ---------------------------------------------------------------

if [ -z "${DATABASE_URL:-}" ]; then
  [ -x "$PG_BIN/initdb" ] || need postgresql-15
  PG_PORT="$(free_port)"
  DATA="$(pg_data_dir "image-pg-$PG_PORT")"
  log "throwaway PostgreSQL on 127.0.0.1:$PG_PORT"
  start_pg "$DATA" "$PG_PORT"
  psql_admin "$PG_PORT" "CREATE DATABASE wighaven"
  export DATABASE_URL="postgresql://postgres@127.0.0.1:$PG_PORT/wighaven"
  export DIRECT_URL="$DATABASE_URL"  # the listener's and migrate's session URL, as on Neon
  SEED=1
else
  log "using the given DATABASE_URL"
  SEED="${WH_SEED:-0}"
fi

# What every run of the image gets. Secrets go by name (-e NAME), never on a
# command line; the checks read them from files.
hex() { od -An -tx1 -N"$1" /dev/urandom | tr -d ' \n'; }
export JWT_SECRET ORIGIN_SECRET METRICS_TOKEN
JWT_SECRET="$(hex 32)"
ORIGIN_SECRET="$(hex 24)"
METRICS_TOKEN="$(hex 16)"
export CURRENCY_API_URL=off  # no call to the rate provider from a test
export WH_THREADS=2          # a free Space's two vCPUs
RUN_ENV=(-e DATABASE_URL -e JWT_SECRET -e CURRENCY_API_URL -e WH_THREADS)
for v in DIRECT_URL DATABASE_TRANSPORT DATABASE_WS_URL DATABASE_WS_CA_FILE DB_POOL_SIZE DB_STATEMENT_TIMEOUT_MS \
  DB_PREPARED_STATEMENTS; do
  if [ -n "${!v:-}" ]; then export "${v?}"; RUN_ENV+=(-e "$v"); fi
done
if [ -n "${DATABASE_WS_CA_FILE:-}" ]; then RUN_ENV+=(-v "$DATABASE_WS_CA_FILE:$DATABASE_WS_CA_FILE:ro"); fi
ONE_OFF=(run --rm --network host --no-healthcheck "${RUN_ENV[@]}")

log "migrating with the image"
eng "${ONE_OFF[@]}" "$TAG" wighaven migrate || die "wighaven migrate failed in the image"
if [ "$SEED" = 1 ]; then
  log "seeding a small shop"
  eng "${ONE_OFF[@]}" "$TAG" wighaven seed --products 60 --categories 6 --customers 10 --orders 30 ||
    die "wighaven seed failed in the image"
fi

# --- production refusal ---------------------------------------------------------

log "checking that serve refuses production without a trusted client IP"
if out="$(timeout 120 "${ENGINE_CMD[@]}" run --rm --name "$CTR-refused" --network host --no-healthcheck \
  "${RUN_ENV[@]}" -e PORT="$(free_port)" "$TAG" 2>&1)"; then
  die "the image served without ORIGIN_SECRET or TRUSTED_PROXIES (is NODE_ENV=production lost?)"
fi
grep -q 'refusing to serve in production' <<<"$out" ||
  die "the image failed without ORIGIN_SECRET, but not with the production refusal: $(tail -5 <<<"$out")"
pass "no ORIGIN_SECRET/TRUSTED_PROXIES: refused to serve"

# --- the server -------------------------------------------------------------------

APP_PORT="$(free_port)"
URL="http://127.0.0.1:$APP_PORT"
# docker runs the image's HEALTHCHECK every 2 s here; podman's timer needs
# systemd, so it is off and the check is run by hand below.
if [ "$ENGINE" = docker ]; then HEALTH=(--health-interval 2s); else HEALTH=(--health-interval disable); fi
log "starting the server on $URL (the image's command: migrate, then serve)"
eng run -d --name "$CTR" --network host "${HEALTH[@]}" "${RUN_ENV[@]}" -e ORIGIN_SECRET -e METRICS_TOKEN \
  -e PORT="$APP_PORT" "$TAG" >/dev/null || die "the container did not start"

code=000
for _ in $(seq 1 240); do
  code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$URL/healthz" || true)"
  [ "$code" = 200 ] && break
  [ "$(eng container inspect -f '{{.State.Running}}' "$CTR" 2>/dev/null)" = true ] ||
    die "the container stopped before /healthz answered"
  sleep 0.5
done
[ "$code" = 200 ] || die "/healthz did not answer 200 within 120 s (last status: $code)"
pass "GET /healthz: 200"

printf 'x-origin-secret: %s\n' "$ORIGIN_SECRET" >"$WORK/origin.h"
printf 'Authorization: Bearer %s\n' "$METRICS_TOKEN" >"$WORK/metrics.h"
# get <path> [curl options]: sets CODE, HEADERS (lower-case names) and BODY.
get() {
  local path="$1"
  shift
  CODE="$(curl -s -o "$WORK/body" -D "$WORK/headers" -w '%{http_code}' --max-time 10 "$@" "$URL$path" || true)"
  HEADERS="$(tr -d '\r' <"$WORK/headers" | awk -F': ' '{ $1 = tolower($1); print }' OFS=': ')"
  BODY="$(cat "$WORK/body")"
}

get /readyz
[ "$CODE" = 200 ] || die "GET /readyz: $CODE (the container cannot reach the database): $BODY"
pass "GET /readyz: 200 (the database answers from inside the container)"

get '/api/products?limit=5'
[ "$CODE" = 403 ] || die "GET /api/products without the origin secret: $CODE, expected 403"
pass "GET /api/products without the origin secret: 403"

get '/api/products?limit=5' -H @"$WORK/origin.h"
[ "$CODE" = 200 ] || die "GET /api/products with the origin secret: $CODE: $(head -c 300 <<<"$BODY")"
if ! grep -Eq '"products":\[[[:space:]]*\{' <<<"$BODY" || ! grep -Eq '"total":[1-9]' <<<"$BODY"; then
  die "GET /api/products returned no products (an external DATABASE_URL needs a catalog, or WH_SEED=1)"
fi
pass "GET /api/products: 200, $(grep -Eo '"total":[0-9]+' <<<"$BODY" | head -1 | cut -d: -f2) products"

hit=""
for _ in 1 2 3; do
  get '/api/products?limit=5' -H @"$WORK/origin.h"
  if grep -qx 'x-cache: HIT' <<<"$HEADERS"; then hit=1; break; fi
  sleep 0.2
done
[ -n "$hit" ] || die "the repeated catalog read was not served from the cache (X-Cache: HIT missing)"
pass "repeated GET /api/products: X-Cache: HIT"

get /metrics -H @"$WORK/origin.h" -H @"$WORK/metrics.h"
[ "$CODE" = 200 ] || die "GET /metrics with METRICS_TOKEN: $CODE"
grep -q '^wh_build_info' <<<"$BODY" || die "GET /metrics has no wh_build_info"
pass "GET /metrics with METRICS_TOKEN: 200"

# --- unprivileged ---------------------------------------------------------------

[ "$(eng exec "$CTR" id -u)" = 1000 ] || die "exec in the container does not run as UID 1000"
procs="$(eng exec "$CTR" sh -c 'cat /proc/[0-9]*/status 2>/dev/null' | awk '/^Name:/ { n = $2 } /^Uid:/ { print n, $2, $3, $4, $5 }' || true)"
grep -qx 'wighaven 1000 1000 1000 1000' <<<"$procs" || die "the server does not run as UID 1000: $procs"
awk '$2 == 0 || $3 == 0 || $4 == 0 || $5 == 0 { bad = 1 } END { exit bad }' <<<"$procs" ||
  die "a process in the container runs as root: $procs"
pid="$(eng container inspect -f '{{.State.Pid}}' "$CTR")"
if [ -r "/proc/$pid/status" ]; then
  host_uid="$(awk '/^Uid:/ { print $2 }' "/proc/$pid/status")"
  [ "$host_uid" != 0 ] || die "the container's main process is root on the host"
  pass "every process runs as UID 1000 (host UID of the main process: $host_uid)"
else
  pass "every process runs as UID 1000"
fi

# --- HEALTHCHECK ----------------------------------------------------------------

if [ "$ENGINE" = docker ]; then
  status=""
  for _ in $(seq 1 60); do
    status="$(eng container inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{end}}' "$CTR")"
    [ -n "$status" ] || die "the image has no HEALTHCHECK"
    [ "$status" = healthy ] && break
    sleep 1
  done
  [ "$status" = healthy ] || die "the image's HEALTHCHECK says $status"
else
  eng healthcheck run "$CTR" >/dev/null || die "the image's HEALTHCHECK failed (or the image has none)"
fi
pass "the image's HEALTHCHECK passes"

BIN_BYTES="$(eng exec "$CTR" stat -c %s /usr/local/bin/wighaven)"

# --- graceful stop ----------------------------------------------------------------

eng stop -t 30 "$CTR" >/dev/null
exit_code="$(eng container inspect -f '{{.State.ExitCode}}' "$CTR")"
[ "$exit_code" = 0 ] || die "after SIGTERM the container exited with $exit_code, expected 0 (the server must be exec'd)"
pass "SIGTERM: drained and exited 0"

# The size with the base it was built on, and without: a base made with
# debootstrap differs from Docker Hub's debian:bookworm-slim.
IMAGE_BYTES="$(eng image inspect -f '{{.Size}}' "$TAG")"
BASE_BYTES="$(eng image inspect -f '{{.Size}}' docker.io/library/debian:bookworm-slim 2>/dev/null || echo 0)"
mb() { awk -v b="$1" 'BEGIN { printf "%.1f MB", b / 1000000 }'; }
log "all checks passed: $TAG ($ENGINE) is $(mb "$IMAGE_BYTES"): debian:bookworm-slim $(mb "$BASE_BYTES")" \
  "+ $(mb $((IMAGE_BYTES - BASE_BYTES))) of runtime libraries, user and the stripped binary ($(mb "$BIN_BYTES"))"
