#!/usr/bin/env bash
# Starts a release xborder on a fresh SQLite file, makes a warehouse, a SKU and an open receive
# task, then measures device events with wrk on 127.0.0.1: one per request, and batches.
# Environment: DURATION (10s), CONNECTIONS (64), XB_BENCH_BATCH (1000), XB_DB, XBORDER.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
XB="${XBORDER:-$ROOT/build/release/src/apps/xborder/xborder}"
[[ -x "$XB" ]] || { echo "device_bench.sh: build xborder first (cmake --build --preset release --target xborder)" >&2; exit 1; }
D=$(mktemp -d "${TMPDIR:-/tmp}/xb_device_bench.XXXXXX")
"$XB" serve --address 127.0.0.1 --db "${XB_DB:-sqlite:$D/x.db}" --port 0 --admin-key-file "$D/key" > "$D/out" 2> "$D/err" &
PID=$!
trap 'kill $PID; wait $PID 2>/dev/null; rm -rf "$D"' EXIT
for _ in $(seq 100); do grep -q "serving on" "$D/out" 2>/dev/null && break; sleep 0.1; done
PORT=$(grep -o '127.0.0.1:[0-9]*' "$D/out" | head -1 | cut -d: -f2)
KEY=$(cat "$D/key")
c() { curl -s -X POST "http://127.0.0.1:$PORT/api/v1$1" -H "Authorization: Bearer $KEY" -H 'content-type: application/json' -d "$2"; }
WH=$(c /warehouses '{"code":"WH","name":"W","kind":"overseas","country":"DE","operator":"self"}' | python3 -c 'import json,sys;print(json.load(sys.stdin)["id"])')
BIN=$(c /warehouses/$WH/bins '{"code":"RCV","kind":"receiving"}' | python3 -c 'import json,sys;print(json.load(sys.stdin)["id"])')
SKU=$(c /skus '{"code":"B","name":"b","gtin":"09501101020917","hs_code":"39241000","origin_country":"DE","category":"daily_necessities","legal_unit":"piece","legal_quantity":1}' | python3 -c 'import json,sys;print(json.load(sys.stdin)["id"])')
TASK=$(c /tasks/receive "{\"warehouse_id\":$WH,\"receiving_bin_id\":$BIN,\"asn\":{\"ref\":\"A\",\"lines\":[{\"sku_id\":$SKU,\"quantity\":1000000000}]}}" | python3 -c 'import json,sys;print(json.load(sys.stdin)["id"])')
export XB_BENCH_KEY=$KEY XB_BENCH_TASK=$TASK
echo "== load: $(cat /proc/loadavg)"
echo "== one event per request (${CONNECTIONS:-64} connections)"
wrk -t2 -c${CONNECTIONS:-64} -d${DURATION:-10s} --latency -s "$ROOT/bench/device_event.lua" "http://127.0.0.1:$PORT" | grep -E "Requests/sec|99%|50%|non-200|Socket"
echo "== batches of ${XB_BENCH_BATCH:-1000} (8 connections)"
wrk -t2 -c8 -d${DURATION:-10s} --latency -s "$ROOT/bench/device_batch.lua" "http://127.0.0.1:$PORT" | grep -E "Requests/sec|99%|50%|Socket"
curl -s "http://127.0.0.1:$PORT/api/v1/stock/summary?warehouse_id=$WH" -H "Authorization: Bearer $KEY" | python3 -c 'import json,sys;d=json.load(sys.stdin);print("on hand after both runs:", d["items"][0]["on_hand"])'
