#!/usr/bin/env bash
# What one 5 MB image costs the origin on POST /api/upload (issue 15): the
# server's CPU time and resident memory while it reads the multipart body,
# checks the magic bytes and header dimensions (no decoding), hashes it and
# sends it on to ImageKit (a fake on loopback answering at once).
#
#   bench/upload_cost.sh [images=200] [parallel=1,4,16]
#
# Each image is a JPEG header (2000x2000) followed by 5 MB of random bytes,
# sent with force=true (no de-duplication refusal) as the seeded admin.
# Prints, per parallelism: uploads/s, CPU ms per image (the server's
# utime+stime over the run / images), the server's RSS before, at peak
# (sampled every 20 ms) and after, and answers other than 200.
# shellcheck source=scripts/common.sh
source "$(dirname "$0")/../scripts/common.sh"
IMAGES="${1:-200}"
PARALLEL="${2:-1,4,16}"
FAKE_PORT="$(free_port)"
export IMAGEKIT_PRIVATE_KEY=private_bench IMAGEKIT_PUBLIC_KEY=public_bench
export IMAGEKIT_URL_ENDPOINT=https://ik.imagekit.io/bench
export IMAGEKIT_UPLOAD_BASE_URL="http://127.0.0.1:$FAKE_PORT" IMAGEKIT_API_BASE_URL="http://127.0.0.1:$FAKE_PORT"
python3 "$ROOT/bench/fake_imagekit.py" "$FAKE_PORT" &
FAKE_PID=$!
# shellcheck source=bench/common.sh
source "$(dirname "$0")/common.sh" 1 1s
BENCH_PIDS+=("$FAKE_PID")
BASE="http://127.0.0.1:$PORT"

img="$BENCH_TMP/image.jpg"
python3 - "$img" <<'PY'
import os, struct, sys
sof = b"\xff\xc0" + struct.pack(">HBHHB", 17, 8, 2000, 2000, 3) + b"\x01\x22\x00\x02\x11\x01\x03\x11\x01"
with open(sys.argv[1], "wb") as f:
    f.write(b"\xff\xd8" + sof + os.urandom(5 * 1024 * 1024 - 64) + b"\xff\xd9")
PY
token="$(curl -s -X POST "$BASE/api/auth/login" -H 'content-type: application/json' \
  -d '{"email":"admin@wighaven.local","password":"Admin@12345"}' | grep -o '"accessToken":"[^"]*"' | cut -d'"' -f4)"
[ -n "$token" ] || die "admin login failed"

rss_kb() { awk '/^VmRSS/{print $2}' "/proc/$SERVER_PID/status"; }
ticks() { awk '{print $14 + $15}' "/proc/$SERVER_PID/stat"; }
upload() {
  curl -s -o /dev/null -w '%{http_code}\n' -X POST "$BASE/api/upload?type=product&force=true" \
    -H "Authorization: Bearer $token" -F "file=@$img;type=image/jpeg"
}
export -f upload
export BASE token img
hz="$(getconf CLK_TCK)"
upload >/dev/null # first use: connections, statements prepared
for p in ${PARALLEL//,/ }; do
  rss0="$(rss_kb)"
  t0="$(ticks)"
  (while :; do rss_kb; sleep 0.02; done) >"$BENCH_TMP/rss" &
  sampler=$!
  start="$(date +%s.%N)"
  codes="$(seq "$IMAGES" | xargs -P "$p" -I{} bash -c upload)"
  end="$(date +%s.%N)"
  kill "$sampler"
  t1="$(ticks)"
  peak="$(sort -n "$BENCH_TMP/rss" | tail -1)"
  bad="$(grep -vc '^200$' <<<"$codes" || true)"
  awk -v n="$IMAGES" -v p="$p" -v s="$start" -v e="$end" -v t="$((t1 - t0))" -v hz="$hz" -v r0="$rss0" \
    -v pk="$peak" -v r1="$(rss_kb)" -v bad="$bad" 'BEGIN {
      printf "parallel %d: %d images in %.1f s = %.1f uploads/s; server CPU %.1f ms per image; RSS %.1f MB before, %.1f MB peak (+%.1f MB = %.1f MB per image in flight), %.1f MB after; not 200: %d\n",
        p, n, e - s, n / (e - s), t * 1000 / hz / n, r0 / 1024, pk / 1024, (pk - r0) / 1024, (pk - r0) / 1024 / p, r1 / 1024, bad }'
done
