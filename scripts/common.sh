# Shared by run.sh and test.sh: packages, build, and a private PostgreSQL.
# Source it; every function exits the script on failure.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PG_BIN="/usr/lib/postgresql/15/bin"

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Debian bookworm packages the build, the tests and the local database need.
REQUIRED_PACKAGES=(
  g++ cmake make ccache pkg-config
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libpq-dev postgresql-15 libssl-dev libcrypt-dev zlib1g-dev libbrotli-dev
  libspdlog-dev libfmt-dev libgtest-dev libcsv-dev libkainjow-mustache-dev libhpdf-dev ca-certificates
)

ensure_packages() {
  local missing=()
  for p in "${REQUIRED_PACKAGES[@]}" "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    die "missing packages: ${missing[*]} (run as root, or: sudo apt-get install ${missing[*]})"
  fi
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# ensure_node: Node.js >= 18 and npm for the edge Worker's tests (edge/). Uses
# the machine's node when it is recent enough, else installs Debian's nodejs
# and npm (bookworm: Node 18; edge/package-lock.json pins versions that run
# on 18 and 20).
ensure_node() {
  local major
  major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
  if [ "$major" -ge 18 ] && command -v npm >/dev/null 2>&1; then return 0; fi
  ensure_packages nodejs npm
}

# ensure_promtool: prints the path of Prometheus' promtool (tests check the
# /metrics output with it). Uses one on PATH, else extracts only the binary
# from Debian's `prometheus` package into build/tools: installing the package
# would also set up (and on systemd hosts start) a Prometheus server. Prints
# nothing when it cannot be had; the test then skips.
ensure_promtool() {
  if command -v promtool >/dev/null 2>&1; then command -v promtool; return 0; fi
  local tool="$ROOT/build/tools/promtool"
  if [ ! -x "$tool" ]; then
    local tmp
    tmp="$(mktemp -d)"
    ( cd "$tmp" && { apt-get download prometheus >/dev/null 2>&1 \
        || { [ "$(id -u)" -eq 0 ] && apt-get update -qq && apt-get download prometheus >/dev/null 2>&1; }; } ) \
      && dpkg-deb -x "$tmp"/prometheus_*.deb "$tmp/x" \
      && mkdir -p "$(dirname "$tool")" && cp "$tmp/x/usr/bin/promtool" "$tool" \
      || log "promtool unavailable: the /metrics format test will be skipped"
    rm -rf "$tmp"
  fi
  if [ -x "$tool" ]; then printf '%s\n' "$tool"; fi
  return 0
}

# build <dir> <cmake args...>: configure once, then build incrementally.
build() {
  local dir="$1"; shift
  if [ ! -f "$dir/CMakeCache.txt" ]; then
    cmake -S "$ROOT" -B "$dir" "$@" >/dev/null
  fi
  cmake --build "$dir" -j "$(nproc)"
}

# PostgreSQL refuses to run as root: as root, run its tools as 'postgres'.
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# pg_data_dir <name>: a directory for a cluster under var/, or, when the
# 'postgres' user cannot reach the checkout (e.g. a 0700 temp dir), a
# private directory under /var/tmp linked from var/<name>.
pg_data_dir() {
  local name="$1"
  local dir="$ROOT/var/$name"
  mkdir -p "$ROOT/var"
  if [ "$(id -u)" -eq 0 ] && ! runuser -u postgres -- test -x "$ROOT/var"; then
    local alt
    alt="/var/tmp/wighaven-$(printf '%s' "$ROOT" | md5sum | cut -c1-12)/$name"
    mkdir -p "$alt"
    [ -L "$dir" ] || ln -sfn "$alt" "$dir"
    dir="$alt"
  fi
  mkdir -p "$dir"
  [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$dir"
  printf '%s\n' "$dir"
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

free_port() {
  local p
  for _ in $(seq 1 50); do
    p=$((20000 + RANDOM % 30000))
    port_free "$p" && { echo "$p"; return 0; }
  done
  die "no free port found"
}

# start_pg <data dir> <port>: initialise (once) and start a loopback-only
# cluster with trust auth for local users. Idempotent.
start_pg() {
  local data="$1" port="$2"
  if [ ! -f "$data/PG_VERSION" ]; then
    as_pg "$PG_BIN/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  if as_pg "$PG_BIN/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    return 0
  fi
  as_pg "$PG_BIN/pg_ctl" -D "$data" -l "$data/server.log" -w -t 60 start \
    -o "-p $port -c listen_addresses=127.0.0.1 -k $data -c max_connections=200 -c fsync=off -c full_page_writes=off" >/dev/null \
    || { tail -20 "$data/server.log" >&2; die "PostgreSQL did not start"; }
}

stop_pg() {
  local data="$1"
  as_pg "$PG_BIN/pg_ctl" -D "$data" -m fast -w stop >/dev/null 2>&1 || true
}

# psql_admin <port> <sql>
psql_admin() {
  "/usr/bin/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$1" -U postgres -d postgres -c "$2"
}
