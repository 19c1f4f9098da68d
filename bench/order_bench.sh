#!/usr/bin/env bash
# Order intake over HTTP: `xborder serve` on a fresh SQLite file (WAL, each commit fdatasynced
# before its answer, decision 0008: an order is answered only once its group commit is on disk), driven by wrk on 127.0.0.1. Each request is
# a new order (its own channel order number and buyer identity): validate, tax, quota, route,
# reserve, persist order + lines + timeline + quota entry + queued declaration + event.
#   1. throughput: a bonded warehouse with 100,000,000 units, wrk -t2 -cCONNECTIONS -dDURATION;
#   2. oversell: a second SKU with STOCK units (default 20,000) and (given enough DURATION) more
#      orders than units; afterwards reserved + available = STOCK, never more reserved (when the
#      run sent more orders than units: exactly STOCK reserved, the rest backordered);
#   3. quota: HOT identities (default 20) send orders of 200.00 until far past the annual limit;
#      afterwards each identity's year total is exactly 26,000.00 (130 orders), never more.
# Prints orders/s, p99, the server's CPU per order and non-2xx counts, then the checks; exits 1 if
# one fails. Environment: DURATION (10s), CONNECTIONS (128), SERVER_THREADS (2), STOCK (20000),
# HOT (20), SKIP_BUILD=1, XBORDER=path/to/xborder (with SKIP_BUILD=1: another build),
# SERVER_WRAP (words put before the server's command, e.g. "env LD_PRELOAD=/path/libjemalloc.so.2"),
# CALLGRIND=FILE: the server runs under callgrind, instrumented only during the first run (use few
# CONNECTIONS, e.g. 8, and a longer DURATION); prints instructions per order and leaves FILE for
# callgrind_annotate; the other runs and the checks are skipped.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DURATION="${DURATION:-10s}"
CONNECTIONS="${CONNECTIONS:-128}"
SERVER_THREADS="${SERVER_THREADS:-2}"
STOCK="${STOCK:-20000}"
HOT="${HOT:-20}"
HOST=127.0.0.1  # never anything else

command -v wrk >/dev/null || { echo "order_bench.sh: wrk is not installed (apt-get install wrk)" >&2; exit 1; }
command -v curl >/dev/null || { echo "order_bench.sh: curl is not installed" >&2; exit 1; }
cd "$ROOT"
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  cmake --preset release >/dev/null
  cmake --build --preset release --target xborder
fi
XBORDER="${XBORDER:-$ROOT/build/release/src/apps/xborder/xborder}"

TMP="$(mktemp -d "${TMPDIR:-/tmp}/xb_order_bench.XXXXXX")"
PID=""
cleanup() {
  if [[ -n "$PID" ]] && kill -0 "$PID" 2>/dev/null; then kill -TERM "$PID"; wait "$PID" || true; fi
  rm -rf "$TMP"
}
trap cleanup EXIT

WRAP=(${SERVER_WRAP:-})
if [[ -n "${CALLGRIND:-}" ]]; then
  command -v valgrind >/dev/null || { echo "order_bench.sh: valgrind is not installed" >&2; exit 1; }
  WRAP+=(valgrind --tool=callgrind --instr-atstart=no "--callgrind-out-file=$CALLGRIND")
fi
"${WRAP[@]}" "$XBORDER" serve --db "sqlite:$TMP/bench.db" --address "$HOST" --port 0 --threads "$SERVER_THREADS" \
  --admin-key-file "$TMP/key" >"$TMP/out.log" 2>"$TMP/err.log" &
PID=$!
PORT=""
for _ in $(seq 1 1200); do
  PORT="$(grep -oE "$HOST:[0-9]+" "$TMP/out.log" "$TMP/err.log" 2>/dev/null | head -1 | cut -d: -f3 || true)"
  [[ -n "$PORT" && -s "$TMP/key" ]] && break
  kill -0 "$PID" 2>/dev/null || { cat "$TMP/err.log" >&2; exit 1; }
  sleep 0.05
done
[[ -n "$PORT" ]] || { echo "order_bench.sh: server did not start" >&2; cat "$TMP/err.log" >&2; exit 1; }
KEY="$(cat "$TMP/key")"
BASE="http://$HOST:$PORT/api/v1"
api() {  # api METHOD PATH [BODY]
  curl -sS --fail-with-body -X "$1" -H "Authorization: Bearer $KEY" -H "Content-Type: application/json" \
    ${3:+-d "$3"} "$BASE$2"
}
id_of() { grep -oE '"id":[0-9]+' | head -1 | cut -d: -f2; }
CHANNEL="$(api POST /channels '{"code":"TMALL","name":"Tmall Global","platform":"tmall_global"}' | id_of)"
WH="$(api POST /warehouses '{"code":"BW1","name":"Ningbo bonded","kind":"bonded","country":"CN","operator":"self","customs_area_code":"3105","account_book_no":"T3105W000001"}' | id_of)"
BIN="$(api POST "/warehouses/$WH/bins" '{"code":"A1","name":"A1","kind":"storage"}' | id_of)"
SKUS=()
for s in 1 2; do
  SKUS+=("$(api POST /skus "{\"code\":\"MILK$s\",\"name\":\"Infant formula $s\",\"category\":\"maternal_infant\",\"hs_code\":\"19011010\",\"legal_unit\":\"kg\",\"legal_quantity\":\"0.8\",\"positive_list\":true,\"origin_country\":\"NZ\"}" | id_of)")
done
api POST /adjustments "{\"warehouse_id\":$WH,\"bin_id\":$BIN,\"sku_id\":${SKUS[0]},\"quantity\":100000000,\"reason_code\":\"initial\"}" >/dev/null
api POST /adjustments "{\"warehouse_id\":$WH,\"bin_id\":$BIN,\"sku_id\":${SKUS[1]},\"quantity\":$STOCK,\"reason_code\":\"initial\"}" >/dev/null

cpu_ticks() { awk '{print $14 + $15}' "/proc/$PID/stat"; }
TICK=$(getconf CLK_TCK)
run() {  # run NAME SKU PREFIX HOT
  local c0 c1 out n
  c0=$(cpu_ticks)
  out="$(XB_BENCH_KEY="$KEY" XB_BENCH_SKU="$2" XB_BENCH_CHANNEL="$CHANNEL" XB_BENCH_PREFIX="$3" \
           XB_BENCH_HOT="$4" wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency \
           -s "$ROOT/bench/order_intake.lua" "$BASE/orders")"
  c1=$(cpu_ticks)
  n=$(echo "$out" | awk '/requests in/ {print $1}')
  printf '| %s | %s | %s | %s µs | %s |\n' "$1" \
    "$(echo "$out" | awk '/Requests\/sec/ {print $2}')" \
    "$(echo "$out" | awk '$1 == "99%" {print $2}')" \
    "$(( (c1 - c0) * 1000000 / TICK / n ))" \
    "$(echo "$out" | awk '/Non-2xx/ {print $5}')"
}
if [[ -n "${CALLGRIND:-}" ]]; then
  callgrind_control -i on "$PID" >/dev/null
  out="$(XB_BENCH_KEY="$KEY" XB_BENCH_SKU="${SKUS[0]}" XB_BENCH_CHANNEL="$CHANNEL" XB_BENCH_PREFIX=A \
           XB_BENCH_HOT=0 wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --timeout 30s \
           -s "$ROOT/bench/order_intake.lua" "$BASE/orders")"
  callgrind_control -i off "$PID" >/dev/null
  kill -TERM "$PID"
  wait "$PID" || true
  PID=""
  n=$(echo "$out" | awk '/requests in/ {print $1}')
  ir=$(awk '/^totals:/ {print $2; exit}' "$CALLGRIND")
  echo "$out"
  echo "callgrind: $n orders, $ir instructions in the server, $((ir / n)) per order ($CALLGRIND)"
  exit 0
fi
echo "| request | orders/s | p99 | server CPU per order | non-2xx |"
echo "|---|---|---|---|---|"
run "POST /api/v1/orders (new identity each, plenty of stock)" "${SKUS[0]}" A 0
run "POST /api/v1/orders ($STOCK units, oversubscribed)" "${SKUS[1]}" B 0
run "POST /api/v1/orders ($HOT identities past the annual limit)" "${SKUS[0]}" C "$HOT"

failed=0
summary="$(api GET "/stock/summary?sku_id=${SKUS[1]}")"
reserved="$(echo "$summary" | grep -oE '"reserved":[0-9]+' | head -1 | cut -d: -f2)"
available="$(echo "$summary" | grep -oE '"available":-?[0-9]+' | head -1 | cut -d: -f2)"
echo
echo "oversell check: stock $STOCK, reserved $reserved, available $available"
if (( reserved > STOCK || available < 0 || reserved + available != STOCK )); then
  echo "order_bench.sh: OVERSELL CHECK FAILED" >&2
  failed=1
elif (( available == 0 )); then
  echo "oversell check: passed (exactly $STOCK reserved, the rest backordered)"
else
  echo "oversell check: passed (no oversell; the run did not exhaust the stock: raise DURATION or lower STOCK)"
fi

# The identities of the quota run, as bench/order_intake.lua makes them (persons 0 .. HOT-1).
identity() {  # identity N
  python3 - "$1" <<'PY'
import sys, datetime
n = int(sys.argv[1])
day = (datetime.date(1950, 1, 1) + datetime.timedelta(days=(n // 900) % 18000)).strftime("%Y%m%d")
body = "110101" + day + str(100 + n % 900)
w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
print(body + "10X98765432"[sum(int(c) * k for c, k in zip(body, w)) % 11])
PY
}
YEAR="$(date -u +%Y)"
over=0
full=0
for p in $(seq 0 $((HOT - 1))); do
  used="$(api POST /customs/quota/lookup "{\"id_type\":\"id_card\",\"id_number\":\"$(identity "$p")\",\"year\":$YEAR}" |
          grep -oE '"used":"[0-9.]+"' | cut -d'"' -f4)"
  if awk -v u="$used" 'BEGIN { exit !(u > 26000.00) }'; then over=$((over + 1)); fi
  if [[ "$used" == "26000.00" ]]; then full=$((full + 1)); fi
done
echo "quota check: $HOT identities, $full at exactly 26000.00, $over over the limit"
if [[ "$over" != 0 ]]; then
  echo "order_bench.sh: QUOTA CHECK FAILED" >&2
  failed=1
else
  echo "quota check: passed (no identity over 26000.00)"
fi
exit "$failed"
