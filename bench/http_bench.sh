#!/usr/bin/env bash
# HTTP throughput of `xborder serve` (SQLite, demo data) against the ceiling of the same HTTP stack
# (xb_http_hello), measured with wrk on 127.0.0.1 in one run:
#   hello      GET /                                    (xb_http_hello)
#   sku_by_id  GET /api/v1/skus/{random 1..2000}        (xborder, authenticated)
#   sku_list   GET /api/v1/skus?category=cosmetics&limit=20
# Prints machine facts and a markdown table with requests/s, p99 latency, the ratio to hello and
# the server's CPU time per request.
#
# Environment: DURATION (wrk -d, default 10s), WARMUP (default 2s), CONNECTIONS (default 64),
# WRK_THREADS (default 2), SERVER_THREADS (default 2), ROUNDS (default 3; the table shows the
# median round of each endpoint), SKIP_BUILD=1 to use the binaries already built, and
# BASELINE_XBORDER=/path/to/an/older/xborder to measure it too (on a copy of the same database),
# interleaved with the current build, for before/after comparisons in one run.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DURATION="${DURATION:-10s}"
WARMUP="${WARMUP:-2s}"
CONNECTIONS="${CONNECTIONS:-64}"
WRK_THREADS="${WRK_THREADS:-2}"
SERVER_THREADS="${SERVER_THREADS:-2}"
ROUNDS="${ROUNDS:-3}"
SKUS=2000
HOST=127.0.0.1  # never anything else

command -v wrk >/dev/null || { echo "http_bench.sh: wrk is not installed (apt-get install wrk)" >&2; exit 1; }
command -v curl >/dev/null || { echo "http_bench.sh: curl is not installed" >&2; exit 1; }

START_TIME=$(date +%s)
cd "$ROOT"
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  cmake --preset release >/dev/null
  cmake --build --preset release --target xborder xb_http_hello
fi
XBORDER="$ROOT/build/release/src/apps/xborder/xborder"
HELLO="$ROOT/build/release/bench/xb_http_hello"

TMP="$(mktemp -d "${TMPDIR:-/tmp}/xb_http_bench.XXXXXX")"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
    fi
  done
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Waits until the server's log shows the port it listens on and prints that port.
wait_for_port() {
  local log="$1" pid="$2" pattern="$3" port=""
  for _ in $(seq 1 200); do
    port="$(awk -v p="$pattern" '(i = index($0, p)) > 0 {
              s = substr($0, i + length(p))
              if (match(s, /^[0-9]+/)) { print substr(s, 1, RLENGTH); exit } }' "$log")"
    [[ -n "$port" ]] && { echo "$port"; return 0; }
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  echo "http_bench.sh: server did not start; its log:" >&2
  cat "$log" >&2
  return 1
}

# Share of CPU time idle over one second: other work on the machine skews every figure.
idle_percent() {
  local a b
  read -ra a < <(awk '/^cpu / {print $5 + $6, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9}' /proc/stat)
  sleep 1
  read -ra b < <(awk '/^cpu / {print $5 + $6, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9}' /proc/stat)
  echo $(( 100 * (b[0] - a[0]) / (b[1] - a[1]) ))
}
IDLE_BEFORE="$(idle_percent)"
if (( IDLE_BEFORE < 90 )); then
  echo "http_bench.sh: warning: the CPUs are only $IDLE_BEFORE% idle; other work will skew the figures" >&2
fi

echo "== Preparing the demo database" >&2
"$XBORDER" demo --db "sqlite:$TMP/bench.db" --skus "$SKUS" --load-only \
  --admin-key-file "$TMP/key" >"$TMP/demo.log" 2>&1 || { cat "$TMP/demo.log" >&2; exit 1; }
KEY="$(tr -d '[:space:]' <"$TMP/key")"

"$XBORDER" --log-level warn serve --db "sqlite:$TMP/bench.db" --address "$HOST" --port 0 \
  --threads "$SERVER_THREADS" >"$TMP/xborder.log" 2>&1 &
PIDS+=($!)
API_PID=$!
API_PORT="$(wait_for_port "$TMP/xborder.log" "${PIDS[-1]}" "serving on http://$HOST:")"
"$HELLO" --port 0 --threads "$SERVER_THREADS" >"$TMP/hello.log" 2>&1 &
PIDS+=($!)
HELLO_PID=$!
HELLO_PORT="$(wait_for_port "$TMP/hello.log" "${PIDS[-1]}" "listening on $HOST:")"

if [[ -n "${BASELINE_XBORDER:-}" ]]; then
  cp "$TMP/bench.db" "$TMP/baseline.db"
  "$BASELINE_XBORDER" --log-level warn serve --db "sqlite:$TMP/baseline.db" --address "$HOST" \
    --port 0 --threads "$SERVER_THREADS" >"$TMP/baseline.log" 2>&1 &
  PIDS+=($!)
  BASE_PID=$!
  BASE_PORT="$(wait_for_port "$TMP/baseline.log" "${PIDS[-1]}" "serving on http://$HOST:")"
fi

AUTH="Authorization: Bearer $KEY"
LIST_PATH="/api/v1/skus?category=cosmetics&limit=20"
for url in "http://$HOST:$HELLO_PORT/" "http://$HOST:$API_PORT/api/v1/skus/1" \
           "http://$HOST:$API_PORT$LIST_PATH" ${BASE_PORT:+"http://$HOST:$BASE_PORT/api/v1/skus/1"}; do
  code="$(curl -s -o /dev/null -w '%{http_code}' -H "$AUTH" "$url")"
  [[ "$code" == 200 ]] || { echo "http_bench.sh: $url answered $code" >&2; exit 1; }
done

# Latency text from wrk ("850.00us", "2.51ms", "1.02s") in milliseconds.
to_ms() {
  awk -v v="$1" 'BEGIN {
    n = v + 0
    if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n = n; else if (v ~ /m$/) n *= 60000;
    else if (v ~ /s$/) n *= 1000
    printf "%.2f", n }'
}

# CPU time (user + system) a process has used, in clock ticks.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
TICKS_PER_SECOND="$(getconf CLK_TCK)"

# run NAME SERVER_PID URL [wrk args...]: warm-up, then the measured run; appends
# "NAME RPS P99_MS SERVER_CPU_US_PER_REQUEST" to the results.
run() {
  local name="$1" pid="$2" url="$3"
  shift 3
  wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"$WARMUP" "$@" "$url" >/dev/null
  local before after
  before="$(cpu_ticks "$pid")"
  wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$@" "$url" >"$TMP/$name.out"
  after="$(cpu_ticks "$pid")"
  local rps p99 requests errors cpu_us
  rps="$(awk '/^Requests\/sec:/ {print $2}' "$TMP/$name.out")"
  p99="$(awk '$1 == "99%" {print $2}' "$TMP/$name.out")"
  requests="$(awk '/requests in/ {print $1}' "$TMP/$name.out")"
  errors="$(awk '/Non-2xx or 3xx responses:/ {print $NF} /Socket errors:/ {print}' "$TMP/$name.out")"
  if [[ -z "$rps" || -z "$p99" || -z "$requests" ]]; then
    echo "http_bench.sh: could not parse wrk output for $name:" >&2
    cat "$TMP/$name.out" >&2
    exit 1
  fi
  if [[ -n "$errors" ]]; then
    echo "http_bench.sh: $name had errors: $errors" >&2
    cat "$TMP/$name.out" >&2
    exit 1
  fi
  cpu_us="$(awk -v t=$((after - before)) -v hz="$TICKS_PER_SECOND" -v n="$requests" \
    'BEGIN {printf "%.1f", t / hz * 1e6 / n}')"
  echo "$name $rps $(to_ms "$p99") $cpu_us" >>"$TMP/results"
  printf '  %-10s %10.0f req/s  p99 %7s ms  server CPU %6s us/request\n' "$name" "$rps" \
    "$(to_ms "$p99")" "$cpu_us" >&2
}

export XB_BENCH_KEY="$KEY" XB_BENCH_SKUS="$SKUS"
: >"$TMP/results"
for round in $(seq 1 "$ROUNDS"); do
  echo "== Round $round of $ROUNDS (wrk -t$WRK_THREADS -c$CONNECTIONS -d$DURATION, warm-up $WARMUP)" >&2
  run hello "$HELLO_PID" "http://$HOST:$HELLO_PORT/" -H "$AUTH"
  run sku_by_id "$API_PID" "http://$HOST:$API_PORT" -s "$ROOT/bench/sku_by_id.lua"
  run sku_list "$API_PID" "http://$HOST:$API_PORT$LIST_PATH" -H "$AUTH"
  if [[ -n "${BASE_PORT:-}" ]]; then
    run base_by_id "$BASE_PID" "http://$HOST:$BASE_PORT" -s "$ROOT/bench/sku_by_id.lua"
    run base_list "$BASE_PID" "http://$HOST:$BASE_PORT$LIST_PATH" -H "$AUTH"
  fi
done

SQLITE_VERSION="$(dpkg-query -W -f '${Version}' libsqlite3-0 2>/dev/null || echo unknown)"
JOURNAL_MODE="$(command -v sqlite3 >/dev/null && sqlite3 "$TMP/bench.db" 'PRAGMA journal_mode;' || echo unknown)"
CPU_MODEL="$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)"
cat <<INFO

Machine: $(nproc) CPUs ($CPU_MODEL), Linux $(uname -r); CPU idle before the run: $IDLE_BEFORE%
Tools: $(wrk -v 2>&1 | head -n 1 | cut -d' ' -f1-2), $(c++ --version | head -n 1), SQLite $SQLITE_VERSION
Servers: xborder serve and xb_http_hello, $SERVER_THREADS I/O threads each; wrk and the servers share the same CPUs.
Durability: SQLite journal_mode=$JOURNAL_MODE, each commit fdatasynced before its answer (decision 0008; these reads commit nothing and do not sync).
Load: wrk -t$WRK_THREADS -c$CONNECTIONS -d$DURATION --latency after a $WARMUP warm-up, $ROUNDS round(s); the table shows each endpoint's median round by req/s.

INFO

# The median round of each endpoint by req/s; the ratio is against hello's median.
awk '
  { rps[$1, ++n[$1]] = $2; p99[$1, n[$1]] = $3; cpu[$1, n[$1]] = $4 }
  function median(name,   i, j, k, t, idx) {
    k = n[name]
    for (i = 1; i <= k; i++) idx[i] = i
    for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++)
      if (rps[name, idx[j]] < rps[name, idx[i]]) { t = idx[i]; idx[i] = idx[j]; idx[j] = t }
    return idx[int((k + 1) / 2)]
  }
  END {
    h = median("hello")
    print "| Endpoint | Requests/s | p99 latency | vs hello (req/s) | Server CPU per request |"
    print "|---|---:|---:|---:|---:|"
    count = split("hello sku_by_id sku_list base_by_id base_list", names, " ")
    label["hello"] = "hello (`xb_http_hello`, same HTTP stack)"
    label["sku_by_id"] = "`GET /api/v1/skus/{id}`"
    label["sku_list"] = "`GET /api/v1/skus?category=cosmetics&limit=20`"
    label["base_by_id"] = "`GET /api/v1/skus/{id}` (baseline build)"
    label["base_list"] = "`GET /api/v1/skus?category=cosmetics&limit=20` (baseline build)"
    for (i = 1; i <= count; i++) {
      if (!((names[i], 1) in rps)) continue
      m = median(names[i])
      printf "| %s | %.0f | %.2f ms | %.0f%% | %.1f µs |\n", label[names[i]], rps[names[i], m],
             p99[names[i], m], 100 * rps[names[i], m] / rps["hello", h], cpu[names[i], m]
    }
  }' "$TMP/results"

echo
echo "Took $(( $(date +%s) - START_TIME )) s." >&2
