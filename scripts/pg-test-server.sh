#!/usr/bin/env bash
# A throwaway PostgreSQL server for tests.
#
#   scripts/pg-test-server.sh start    start (initialising on first use); prints only the URL
#                                      (if already running, just prints its URL)
#   scripts/pg-test-server.sh stop     stop it; safe to call when it is not running
#   scripts/pg-test-server.sh url      print the URL
#   scripts/pg-test-server.sh status   exit 0 if running
#   scripts/pg-test-server.sh reset    stop and delete all its data
#
# Environment:
#   XB_PG_DIR     state directory (default: build/pg-test in the repo)
#   XB_PG_PORT    TCP port on 127.0.0.1 (default: first free port from 55432)
#   XB_PG_USER    role created for the tests (default: xborder)
#   XB_PG_DB      database created for the tests (default: xborder_test)
#   XB_PG_BINDIR  PostgreSQL server binaries (default: newest /usr/lib/postgresql/*/bin)
#
# Layout of XB_PG_DIR: data/ is the cluster (its log is data/postgres.log) and
# port records the port. The server listens on 127.0.0.1 only, has no Unix
# socket, and its pg_hba.conf trusts 127.0.0.1 and nothing else.
#
# PostgreSQL refuses to run as root, so when this script runs as root the
# cluster is owned by and run as the `postgres` system user (created if it is
# missing). If that user cannot reach XB_PG_DIR (say, the repo lives under
# /root), the cluster goes to a private directory under /tmp, data/ is a
# symlink to it, and `stop` deletes it.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
state_dir="${XB_PG_DIR:-build/pg-test}"
[[ "$state_dir" == /* ]] || state_dir="$repo_root/$state_dir"
pg_user="${XB_PG_USER:-xborder}"
pg_db="${XB_PG_DB:-xborder_test}"
default_port=55432
superuser=postgres
log_name=postgres.log

die() {
  echo "pg-test-server: $*" >&2
  exit 1
}
note() { echo "pg-test-server: $*" >&2; }

find_bindir() {
  if [[ -n "${XB_PG_BINDIR:-}" ]]; then
    [[ -x "$XB_PG_BINDIR/initdb" ]] || die "no initdb in XB_PG_BINDIR=$XB_PG_BINDIR"
    echo "$XB_PG_BINDIR"
    return
  fi
  local candidate best=""
  # Pick the highest major version; version-sort keeps 9.6 < 10 < 15 < 16.
  while IFS= read -r candidate; do
    best="$candidate"
  done < <(
    for candidate in /usr/lib/postgresql/*/bin/initdb; do
      [[ -x "$candidate" ]] && echo "${candidate%/initdb}"
    done | sort -V
  )
  if [[ -z "$best" ]] && command -v initdb >/dev/null 2>&1; then
    best="$(dirname "$(command -v initdb)")"
  fi
  [[ -n "$best" ]] || die "PostgreSQL server binaries not found (install the postgresql package)"
  echo "$best"
}

# Runs a command as the user that owns the cluster: ourselves, unless root.
as_owner() {
  if ((EUID == 0)); then
    # Start from / so tools do not complain about an unreadable working dir.
    (cd / && runuser -u "$superuser" -- "$@")
  else
    "$@"
  fi
}

ensure_system_user() {
  ((EUID == 0)) || return 0
  id -u "$superuser" >/dev/null 2>&1 && return 0
  note "creating system user $superuser"
  useradd --system --user-group --home-dir /var/lib/postgresql \
    --shell /usr/sbin/nologin "$superuser" >/dev/null ||
    die "could not create the $superuser system user"
}

# The real (symlink-resolved) data directory, empty if there is none yet.
data_dir() {
  if [[ -e "$state_dir/data" ]]; then
    readlink -f "$state_dir/data"
  fi
}

port_in_use() {
  # Something accepts connections on the port -> in use.
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

pick_port() {
  if [[ -n "${XB_PG_PORT:-}" ]]; then
    [[ "$XB_PG_PORT" =~ ^[0-9]+$ ]] || die "XB_PG_PORT must be a number"
    port_in_use "$XB_PG_PORT" && die "port $XB_PG_PORT on 127.0.0.1 is already in use"
    echo "$XB_PG_PORT"
    return
  fi
  local port
  for ((port = default_port; port < default_port + 100; port++)); do
    if ! port_in_use "$port"; then
      echo "$port"
      return
    fi
  done
  die "no free port in $default_port..$((default_port + 99)); set XB_PG_PORT"
}

is_running() {
  local dir pid
  dir="$(data_dir)"
  [[ -n "$dir" && -f "$dir/PG_VERSION" && -r "$dir/postmaster.pid" ]] || return 1
  pid="$(head -n 1 "$dir/postmaster.pid" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  # A pid file left by a crash or reboot may name a reused pid: check the
  # process really is a postgres before believing it.
  [[ "$(cat "/proc/$pid/comm" 2>/dev/null || true)" == postgres ]] || return 1
  # ...and not a zombie left unreaped by a minimal init.
  [[ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null || true)" != Z ]] || return 1
  as_owner "$bindir/pg_ctl" status -D "$dir" >/dev/null 2>&1
}

# The port of the running server (line 4 of postmaster.pid), else the recorded one.
current_port() {
  local dir port=""
  dir="$(data_dir)"
  if [[ -n "$dir" && -r "$dir/postmaster.pid" ]] && is_running; then
    port="$(sed -n 4p "$dir/postmaster.pid" 2>/dev/null || true)"
  fi
  if [[ -z "$port" && -r "$state_dir/port" ]]; then
    port="$(<"$state_dir/port")"
  fi
  echo "${port:-${XB_PG_PORT:-$default_port}}"
}

print_url() {
  echo "postgresql://${pg_user}@127.0.0.1:$(current_port)/${pg_db}"
}

# Can the cluster owner create and enter directories at this path?
owner_can_use() {
  ((EUID == 0)) || return 0
  runuser -u "$superuser" -- test -x "$1" -a -w "$1" 2>/dev/null
}

init_cluster() {
  local dir old
  mkdir -p "$state_dir"
  if [[ -L "$state_dir/data" ]]; then
    old="$(readlink "$state_dir/data")"
    [[ "$old" == /tmp/xborder-pg-test.* ]] && rm -rf "$old"
  fi
  rm -rf "$state_dir/data"
  if ((EUID == 0)); then
    ensure_system_user
    mkdir -p "$state_dir/data"
    chown "$superuser:" "$state_dir/data"
    chmod 700 "$state_dir/data"
    if owner_can_use "$state_dir/data"; then
      dir="$state_dir/data"
    else
      rm -rf "$state_dir/data"
      dir="$(mktemp -d /tmp/xborder-pg-test.XXXXXX)"
      chown "$superuser:" "$dir"
      chmod 700 "$dir"
      ln -s "$dir" "$state_dir/data"
      note "$superuser cannot reach $state_dir; cluster lives in $dir"
    fi
  else
    mkdir -p "$state_dir/data"
    chmod 700 "$state_dir/data"
    dir="$state_dir/data"
  fi

  as_owner "$bindir/initdb" -D "$dir" -U "$superuser" -E UTF8 --no-locale \
    --auth=trust >"$state_dir/initdb.log" 2>&1 || {
    cat "$state_dir/initdb.log" >&2
    die "initdb failed"
  }

  # Only TCP from 127.0.0.1, trusted; no local socket, no other hosts.
  as_owner tee "$dir/pg_hba.conf" >/dev/null <<'HBA'
# xborder throwaway test server: trust on 127.0.0.1 only.
# TYPE  DATABASE  USER  ADDRESS        METHOD
host    all       all   127.0.0.1/32   trust
HBA
  as_owner tee -a "$dir/postgresql.conf" >/dev/null <<'CONF'

# --- xborder test server ---
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
synchronous_commit = off
logging_collector = off
log_min_messages = warning
CONF
}

cmd_start() {
  local dir port
  if is_running; then
    ensure_role_and_db
    print_url
    return
  fi

  dir="$(data_dir)"
  if [[ -z "$dir" || ! -f "$dir/PG_VERSION" ]] ||
    [[ "$(<"$dir/PG_VERSION")" != "$server_major" ]]; then
    init_cluster
    dir="$(data_dir)"
  fi

  # Not running, so any pid file is stale (crash, reboot).
  as_owner rm -f "$dir/postmaster.pid"
  port="$(pick_port)"
  echo "$port" >"$state_dir/port"
  if ! as_owner "$bindir/pg_ctl" start -D "$dir" -w -t 60 -s \
    -l "$dir/$log_name" -o "-p $port" >/dev/null 2>&1; then
    tail -n 30 "$dir/$log_name" >&2 2>/dev/null || true
    die "server did not start (log: $dir/$log_name)"
  fi
  ensure_role_and_db
  print_url
}

psql_admin() {
  "$psql_bin" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$(current_port)" \
    -U "$superuser" -d postgres "$@"
}

ensure_role_and_db() {
  local exists
  exists="$(psql_admin -tA -c "SELECT 1 FROM pg_roles WHERE rolname = '$pg_user'")"
  if [[ "$exists" != 1 ]]; then
    psql_admin -c "CREATE ROLE \"$pg_user\" LOGIN CREATEDB" >/dev/null
  fi
  exists="$(psql_admin -tA -c "SELECT 1 FROM pg_database WHERE datname = '$pg_db'")"
  if [[ "$exists" != 1 ]]; then
    psql_admin -c "CREATE DATABASE \"$pg_db\" OWNER \"$pg_user\"" >/dev/null
  fi
}

cmd_stop() {
  local dir
  dir="$(data_dir)"
  if [[ -n "$dir" && -f "$dir/PG_VERSION" ]] && is_running; then
    as_owner "$bindir/pg_ctl" stop -D "$dir" -m fast -w -t 60 -s >/dev/null ||
      die "pg_ctl stop failed (log: $dir/$log_name)"
  else
    note "not running"
  fi
  # A cluster parked under /tmp (see the top) is not kept between runs.
  if [[ -L "$state_dir/data" ]]; then
    [[ -n "$dir" && "$dir" == /tmp/xborder-pg-test.* ]] && rm -rf "$dir"
    rm -f "$state_dir/data"
  fi
}

# Stops the server and deletes the whole state directory.
cmd_reset() {
  cmd_stop 2>/dev/null
  rm -rf "$state_dir"
}

bindir="$(find_bindir)"
# "postgres (PostgreSQL) 15.14 (Debian ...)" -> 15; PG_VERSION holds the same.
server_major="$("$bindir/postgres" -V | sed -E 's/^[^0-9]*([0-9]+).*/\1/')"
[[ "$server_major" =~ ^[0-9]+$ ]] || die "cannot tell the PostgreSQL version in $bindir"
psql_bin="$bindir/psql"
if [[ ! -x "$psql_bin" ]]; then
  psql_bin="$(command -v psql || true)"
  [[ -n "$psql_bin" ]] || die "psql not found"
fi

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  url) print_url ;;
  status) is_running ;;
  reset) cmd_reset ;;
  *)
    echo "usage: $0 start|stop|url|status|reset" >&2
    exit 2
    ;;
esac
