#!/usr/bin/env bash
# Installs the Debian packages xborder needs to build, test and run.
#
# Idempotent and fast when everything is already there: packages are checked
# with dpkg-query first, and apt is only touched when something is missing.
# Works as root or as a user with sudo. Debian 12 (bookworm) is the target.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config
  libboost-dev libboost-system-dev
  libsqlite3-dev sqlite3
  libpq-dev postgresql
  nlohmann-json3-dev libcli11-dev libfmt-dev libspdlog-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libssl-dev libeigen3-dev libjemalloc-dev
  clang-format clang-tidy
  chromium fonts-liberation
  wrk curl ca-certificates git
)

# Node: a machine may already carry a node build that bundles npm (and then
# conflicts with Debian's npm package), so Debian's nodejs + npm are only
# requested when there is no npm at all.
if ! command -v npm >/dev/null 2>&1; then
  packages+=(nodejs npm)
fi

is_installed() {
  local status
  status="$(dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null || true)"
  [[ "$status" == ii* ]]
}

missing=()
for pkg in "${packages[@]}"; do
  if ! is_installed "$pkg"; then
    missing+=("$pkg")
  fi
done

if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#packages[@]} packages already installed"
  exit 0
fi

as_root=()
if ((EUID != 0)); then
  if ! command -v sudo >/dev/null 2>&1; then
    echo "install-deps: need root or sudo to install: ${missing[*]}" >&2
    exit 1
  fi
  as_root=(sudo)
fi

apt_opts=(
  -y -q
  --no-install-recommends
  -o DPkg::Lock::Timeout=600
  -o Dpkg::Options::=--force-confdef
  -o Dpkg::Options::=--force-confold
)

echo "install-deps: installing ${missing[*]}"
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
  apt-get -q -o DPkg::Lock::Timeout=600 update
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
  apt-get install "${apt_opts[@]}" "${missing[@]}" </dev/null

# Double-check: apt can exit 0 while leaving a package half-configured.
still_missing=()
for pkg in "${missing[@]}"; do
  is_installed "$pkg" || still_missing+=("$pkg")
done
if ((${#still_missing[@]} > 0)); then
  echo "install-deps: still not installed: ${still_missing[*]}" >&2
  exit 1
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "install-deps: npm is still not on PATH" >&2
  exit 1
fi
echo "install-deps: done"
