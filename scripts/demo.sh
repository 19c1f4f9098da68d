#!/usr/bin/env bash
# Builds xborder (release) and its web UI, then runs the demo server.
#
#   scripts/demo.sh [extra xborder demo flags]
#
# PORT picks the port (default 8080). The server prints its URL and the
# admin key. Data lives in ./xborder-demo.db at the repo root.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

echo "==> installing dependencies"
bash scripts/install-deps.sh

echo "==> building xborder (preset release)"
cmake --preset release
cmake --build --preset release --target xborder

if [[ -f web/package.json ]]; then
  echo "==> building the web UI"
  (cd web && npm ci --no-audit --no-fund && npm run build)
else
  echo "==> no web/package.json: skipping the web UI build"
fi

echo "==> starting the demo"
exec build/release/src/apps/xborder/xborder demo \
  --db sqlite:xborder-demo.db --port "${PORT:-8080}" "$@"
