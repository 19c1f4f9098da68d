#!/usr/bin/env bash
# The xborder test command: everything CI checks, in order.
#
#   scripts/test.sh           full run (what CI runs)
#   scripts/test.sh --quick   skip clang-tidy and the AddressSanitizer build
#
# Steps: dependencies, format, layers, build (preset ci), clang-tidy,
# PostgreSQL test server, ctest (preset ci), web build, web tests against a
# live server, AddressSanitizer build + ctest (preset asan).
#
# Environment:
#   XB_SKIP_TIDY=1     skip clang-tidy
#   XB_SKIP_DEPS=1     do not run scripts/install-deps.sh
#   XB_TEST_PG_URL     use this PostgreSQL instead of starting a throwaway one
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

quick=0
for arg in "$@"; do
  case "$arg" in
    --quick) quick=1 ;;
    -h | --help)
      sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//'
      exit 0
      ;;
    *)
      echo "usage: $0 [--quick]" >&2
      exit 2
      ;;
  esac
done

# ccache: same cache keys for clones in different folders.
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$repo_root}"
# Browser tests use Debian's chromium; npm packages must not try to download one.
export PUPPETEER_SKIP_DOWNLOAD="${PUPPETEER_SKIP_DOWNLOAD:-1}"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD="${PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD:-1}"
if chromium_bin="$(command -v chromium)"; then
  export XB_CHROMIUM="${XB_CHROMIUM:-$chromium_bin}"
  export CHROME_BIN="${CHROME_BIN:-$chromium_bin}"
  export PUPPETEER_EXECUTABLE_PATH="${PUPPETEER_EXECUTABLE_PATH:-$chromium_bin}"
fi

# --- step bookkeeping and cleanup -------------------------------------------

results=()
current_step=""
step_started=0
step_number=0
run_started=$SECONDS
pg_started=0
server_pid=""
server_log=""
work_tmp=""

begin_step() {
  step_number=$((step_number + 1))
  current_step="$1"
  step_started=$SECONDS
  echo
  echo "==> [$step_number] $1"
}

end_step() {
  results+=("$(printf '  %-44s %-8s %5ss' "$current_step" ok $((SECONDS - step_started)))")
  current_step=""
}

skip_step() {
  step_number=$((step_number + 1))
  echo
  echo "==> [$step_number] $1: skipped ($2)"
  results+=("$(printf '  %-44s %-8s (%s)' "$1" skipped "$2")")
}

stop_server() {
  [[ -n "$server_pid" ]] || return 0
  if kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do
      kill -0 "$server_pid" 2>/dev/null || break
      sleep 0.2
    done
    kill -9 "$server_pid" 2>/dev/null || true
  fi
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
}

on_exit() {
  local rc=$?
  set +e
  if [[ -n "$current_step" && -n "$server_log" && -s "$server_log" ]]; then
    echo "--- last lines of the xborder server log ($server_log) ---"
    tail -n 40 "$server_log"
  fi
  stop_server
  if ((pg_started)); then
    bash scripts/pg-test-server.sh stop 2>/dev/null
  fi
  [[ -n "$work_tmp" ]] && rm -rf "$work_tmp"

  if [[ -n "$current_step" ]]; then
    results+=("$(printf '  %-44s %-8s %5ss' "$current_step" FAILED $((SECONDS - step_started)))")
  fi
  echo
  echo "==> Summary"
  printf '%s\n' "${results[@]}"
  local total=$((SECONDS - run_started))
  if ((rc == 0)); then
    printf 'xborder tests: PASSED in %dm%02ds\n' $((total / 60)) $((total % 60))
  else
    printf 'xborder tests: FAILED (step: %s, exit %d) after %dm%02ds\n' \
      "${current_step:-?}" "$rc" $((total / 60)) $((total % 60))
  fi
  exit "$rc"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

free_port() {
  local port
  for _ in $(seq 1 100); do
    port=$((20000 + RANDOM % 20000))
    if ! port_in_use "$port"; then
      echo "$port"
      return 0
    fi
  done
  echo "test.sh: no free TCP port found" >&2
  return 1
}

# --- steps ------------------------------------------------------------------

if [[ "${XB_SKIP_DEPS:-0}" == 1 ]]; then
  skip_step "install dependencies" "XB_SKIP_DEPS=1"
else
  begin_step "install dependencies"
  bash scripts/install-deps.sh
  end_step
fi

begin_step "format check (clang-format)"
bash scripts/check-format.sh
end_step

begin_step "layer check"
bash scripts/check-layers.sh
end_step

begin_step "build (preset ci)"
cmake --preset ci
cmake --build --preset ci
end_step

if ((quick)); then
  skip_step "clang-tidy" "--quick"
elif [[ "${XB_SKIP_TIDY:-0}" == 1 ]]; then
  skip_step "clang-tidy" "XB_SKIP_TIDY=1"
else
  begin_step "clang-tidy"
  bash scripts/check-tidy.sh build/ci
  end_step
fi

begin_step "PostgreSQL test server"
if [[ -n "${XB_TEST_PG_URL:-}" ]]; then
  echo "using XB_TEST_PG_URL from the environment"
else
  pg_started=1
  XB_TEST_PG_URL="$(bash scripts/pg-test-server.sh start)"
fi
export XB_TEST_PG_URL
echo "XB_TEST_PG_URL=$XB_TEST_PG_URL"
end_step

begin_step "ctest (preset ci)"
ctest --preset ci --output-on-failure --no-tests=error
end_step

if [[ ! -f web/package.json ]]; then
  skip_step "web build" "no web/package.json"
  skip_step "web tests" "no web/package.json"
else
  begin_step "web build"
  (cd web && npm ci --no-audit --no-fund && npm run build)
  end_step

  begin_step "web tests against a live server"
  work_tmp="$(mktemp -d "${TMPDIR:-/tmp}/xborder-test.XXXXXX")"
  server_bin="build/ci/src/apps/xborder/xborder"
  [[ -x "$server_bin" ]] || {
    echo "test.sh: $server_bin was not built" >&2
    exit 1
  }
  port="$(free_port)"
  server_log="$work_tmp/server.log"
  "$server_bin" serve --db "sqlite:$work_tmp/web.db" --port "$port" \
    --admin-key-file "$work_tmp/admin.key" </dev/null >"$server_log" 2>&1 &
  server_pid=$!
  base_url="http://127.0.0.1:$port"
  echo "server pid $server_pid on $base_url (log: $server_log)"
  deadline=$((SECONDS + 60))
  until curl -fsS --max-time 2 "$base_url/healthz" >/dev/null 2>&1 &&
    [[ -s "$work_tmp/admin.key" ]]; do
    if ! kill -0 "$server_pid" 2>/dev/null; then
      echo "test.sh: the server exited before becoming healthy" >&2
      exit 1
    fi
    if ((SECONDS > deadline)); then
      echo "test.sh: no healthy server (GET /healthz) with an admin key within 60s" >&2
      exit 1
    fi
    sleep 0.3
  done
  export XB_BASE_URL="$base_url"
  XB_API_KEY="$(<"$work_tmp/admin.key")"
  export XB_API_KEY
  (cd web && npm test)
  stop_server
  unset XB_BASE_URL XB_API_KEY
  end_step
fi

if ((quick)); then
  skip_step "AddressSanitizer build + ctest" "--quick"
else
  begin_step "AddressSanitizer build + ctest (preset asan)"
  cmake --preset asan
  cmake --build --preset asan
  ctest --preset asan --output-on-failure --no-tests=error
  end_step
fi

if ((pg_started)); then
  begin_step "stop PostgreSQL test server"
  bash scripts/pg-test-server.sh stop
  pg_started=0
  end_step
fi
