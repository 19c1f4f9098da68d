#!/usr/bin/env bash
# Reservations over HTTP: `xborder serve` on a fresh SQLite file (WAL, each commit fdatasynced
# before its answer, decision 0008: a reservation is answered only once its group commit is on disk), driven by wrk on 127.0.0.1.
#   1. throughput: one SKU with 100,000,000 units, wrk -t2 -cCONNECTIONS -dDURATION;
#      GET /api/v1/skus/{id} in the same run as the read-path reference;
#   2. oversell: a second SKU with STOCK units (default 50,000) and more requests than units;
#      afterwards exactly STOCK reservations must exist and nothing be available.
# Prints requests/s, p99 (p99.9 and max for the reservations) and the server's CPU per
# request, then the oversell check; exits 1 if it fails. Environment: DURATION (10s), CONNECTIONS (128), SERVER_THREADS (2), STOCK (50000),
# SKIP_BUILD=1, XBORDER=path/to/xborder (with SKIP_BUILD=1: another build).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DURATION="${DURATION:-10s}"
CONNECTIONS="${CONNECTIONS:-128}"
SERVER_THREADS="${SERVER_THREADS:-2}"
STOCK="${STOCK:-50000}"
HOST=127.0.0.1  # never anything else

command -v wrk >/dev/null || { echo "reserve_bench.sh: wrk is not installed (apt-get install wrk)" >&2; exit 1; }
command -v curl >/dev/null || { echo "reserve_bench.sh: curl is not installed" >&2; exit 1; }
cd "$ROOT"
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  cmake --preset release >/dev/null
  cmake --build --preset release --target xborder
fi
XBORDER="${XBORDER:-$ROOT/build/release/src/apps/xborder/xborder}"

TMP="$(mktemp -d "${TMPDIR:-/tmp}/xb_reserve_bench.XXXXXX")"
PID=""
cleanup() {
  if [[ -n "$PID" ]] && kill -0 "$PID" 2>/dev/null; then kill -TERM "$PID"; wait "$PID" || true; fi
  rm -rf "$TMP"
}
trap cleanup EXIT

"$XBORDER" serve --db "sqlite:$TMP/bench.db" --address "$HOST" --port 0 --threads "$SERVER_THREADS" \
  --admin-key-file "$TMP/key" >"$TMP/out.log" 2>"$TMP/err.log" &
PID=$!
PORT=""
for _ in $(seq 1 200); do
  PORT="$(grep -oE "$HOST:[0-9]+" "$TMP/out.log" "$TMP/err.log" 2>/dev/null | head -1 | cut -d: -f3 || true)"
  [[ -n "$PORT" && -s "$TMP/key" ]] && break
  kill -0 "$PID" 2>/dev/null || { cat "$TMP/err.log" >&2; exit 1; }
  sleep 0.05
done
[[ -n "$PORT" ]] || { echo "reserve_bench.sh: server did not start" >&2; cat "$TMP/err.log" >&2; exit 1; }
KEY="$(cat "$TMP/key")"
BASE="http://$HOST:$PORT/api/v1"
api() {  # api METHOD PATH [BODY]
  curl -sS --fail-with-body -X "$1" -H "Authorization: Bearer $KEY" -H "Content-Type: application/json" \
    ${3:+-d "$3"} "$BASE$2"
}
api POST /warehouses '{"code":"WH1","name":"Bench","kind":"overseas","country":"DE","operator":"self"}' >/dev/null
api POST /warehouses/1/bins '{"code":"A1","name":"A1","kind":"storage"}' >/dev/null
for s in 1 2; do
  api POST /skus "{\"code\":\"S$s\",\"name\":\"Bench $s\",\"category\":\"cosmetics\",\"hs_code\":\"3304990099\",\"legal_unit\":\"piece\",\"legal_quantity\":\"1\",\"origin_country\":\"DE\"}" >/dev/null
done
api POST /adjustments '{"warehouse_id":1,"bin_id":1,"sku_id":1,"quantity":100000000,"reason_code":"initial"}' >/dev/null
api POST /adjustments "{\"warehouse_id\":1,\"bin_id\":1,\"sku_id\":2,\"quantity\":$STOCK,\"reason_code\":\"initial\"}" >/dev/null

cpu_ticks() { awk '{print $14 + $15}' "/proc/$PID/stat"; }
TICK=$(getconf CLK_TCK)
run() {  # run NAME URL [SCRIPT]
  local c0 c1 out n
  c0=$(cpu_ticks)
  out="$(XB_BENCH_KEY="$KEY" XB_BENCH_SKU="$3" XB_BENCH_SKUS=2 wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency \
           -s "$ROOT/bench/$4" "$2")"
  c1=$(cpu_ticks)
  n=$(echo "$out" | awk '/requests in/ {print $1}')
  printf '| %s | %s | %s | %s | %s | %s µs | %s |\n' "$1" \
    "$(echo "$out" | awk '/Requests\/sec/ {print $2}')" \
    "$(echo "$out" | awk '$1 == "99%" {print $2}')" \
    "$(echo "$out" | awk '/^tail:/ {print $3}')" \
    "$(echo "$out" | awk '/^tail:/ {print $5}')" \
    "$(( (c1 - c0) * 1000000 / TICK / n ))" \
    "$(echo "$out" | awk '/Non-2xx/ {print $5}')"
}
echo "| request | requests/s | p99 | p99.9 | max | server CPU per request | non-2xx |"
echo "|---|---|---|---|---|---|---|"
run "GET /api/v1/skus/{id}" "$BASE/skus/1" 1 sku_by_id.lua
run "POST /api/v1/reservations (plenty of stock)" "$BASE/reservations" 1 reserve.lua
run "POST /api/v1/reservations ($STOCK units, oversubscribed)" "$BASE/reservations" 2 reserve.lua

summary="$(api GET '/stock/summary?sku_id=2')"
reserved="$(echo "$summary" | grep -oE '"reserved":[0-9]+' | head -1 | cut -d: -f2)"
available="$(echo "$summary" | grep -oE '"available":-?[0-9]+' | head -1 | cut -d: -f2)"
echo
echo "oversell check: stock $STOCK, reserved $reserved, available $available"
if [[ "$reserved" != "$STOCK" || "$available" != "0" ]]; then
  echo "reserve_bench.sh: OVERSELL CHECK FAILED" >&2
  exit 1
fi
echo "oversell check: passed (exactly $STOCK reserved)"
