#!/usr/bin/env bash
# Load benchmark of GET /api/auth/me with a warm principal cache.
#
#   bench/auth_me.sh [connections=1000] [duration=30s]
#
# Logs in as a seeded verified customer, then hammers /api/auth/me with that
# bearer token. Prints requests/s, p50, p99, errors and the DB statements one
# warm request makes (X-DB-Statements). Traffic stays on 127.0.0.1.
# shellcheck source=scripts/common.sh
source "$(dirname "$0")/../scripts/common.sh"
# shellcheck source=bench/common.sh
source "$(dirname "$0")/common.sh"
EMAIL="$(psql -X -tA "$DATABASE_URL" -c "SELECT email FROM users WHERE role='customer' AND email_verified AND is_active ORDER BY email LIMIT 1")"

TOKEN="$(curl -s -X POST "http://127.0.0.1:$PORT/api/auth/login" -H 'content-type: application/json' \
  -d "{\"email\":\"$EMAIL\",\"password\":\"Customer@123\"}" | grep -o '"accessToken":"[^"]*"' | cut -d'"' -f4)"
[ -n "$TOKEN" ] || die "login failed for $EMAIL"
curl -s -o /dev/null "http://127.0.0.1:$PORT/api/auth/me" -H "Authorization: Bearer $TOKEN"
STMTS="$(header X-DB-Statements "http://127.0.0.1:$PORT/api/auth/me" -H "Authorization: Bearer $TOKEN")"

out="$(bench_wrk -H "Authorization: Bearer $TOKEN" \
  "http://127.0.0.1:$PORT/api/auth/me")"
echo "$out" | grep -E "Requests/sec|50%|99%|Socket errors|Non-2xx"
echo "DB statements per warm /api/auth/me: $STMTS"
