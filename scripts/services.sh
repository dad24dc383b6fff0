#!/usr/bin/env bash
# Throwaway PostgreSQL and S3-compatible (s3s-fs) servers for the tests, on 127.0.0.1 and free
# ports, each in its own temporary folder, stopped and deleted when the calling shell exits.
# Sourced by scripts/test.sh (after install.sh):
#   start_postgres   -> exports FIELDBOOK_TEST_DATABASE_URL (an admin URL; tests make databases)
#   start_s3         -> exports FIELDBOOK_TEST_S3_ENDPOINT, _BUCKET, _ACCESS_KEY, _SECRET_KEY
set -euo pipefail

SERVICES_CLEANUP=()
# Logs shown (their last lines) when the calling shell fails, before the folders go.
SERVICES_LOGS=()
services_cleanup() {
  local status=$? i log
  if [ "$status" -ne 0 ]; then
    for log in "${SERVICES_LOGS[@]}"; do
      [ -s "$log" ] || continue
      echo "---- last lines of $log (kept because the tests failed) ----" >&2
      tail -n 40 "$log" >&2 || true
    done
  fi
  for ((i = ${#SERVICES_CLEANUP[@]} - 1; i >= 0; i--)); do
    eval "${SERVICES_CLEANUP[$i]}" >/dev/null 2>&1 || true
  done
}
trap services_cleanup EXIT

# A port nothing listens on now (bash alone: a fresh Debian may have no python), below Linux's
# ephemeral range (32768 and up), where an outgoing connection may hold it: s3s-fs once failed
# with "Address already in use" on a port nothing listened on.
free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 12000))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
  done
}

pg_bin() {
  local dir
  for dir in /usr/lib/postgresql/*/bin; do
    [ -x "$dir/initdb" ] && { echo "$dir"; return; }
  done
  echo "PostgreSQL is not installed (scripts/install.sh installs it)" >&2
  return 1
}

# Run as the postgres user when we are root (initdb refuses root), as ourselves otherwise.
as_pg_user() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start_postgres() {
  local bin dir port
  bin="$(pg_bin)"
  dir="$(mktemp -d /tmp/fieldbook-pg.XXXXXX)"
  [ "$(id -u)" -eq 0 ] && chown postgres "$dir"
  SERVICES_CLEANUP+=("rm -rf '$dir'")
  port="$(free_port)"
  as_pg_user "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log"
  as_pg_user "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=300 -c fsync=off" start >/dev/null
  SERVICES_CLEANUP+=("as_pg_user '$bin/pg_ctl' -D '$dir/data' -m immediate stop")
  SERVICES_LOGS+=("$dir/postgres.log")
  export FIELDBOOK_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres"
  echo "    PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (data in $dir)"
}

start_s3() {
  local dir port pid try i
  dir="$(mktemp -d /tmp/fieldbook-s3.XXXXXX)"
  SERVICES_CLEANUP+=("rm -rf '$dir'")
  mkdir -p "$dir/root/fieldbook-test"
  export FIELDBOOK_TEST_S3_ACCESS_KEY="fieldbook-test"
  export FIELDBOOK_TEST_S3_SECRET_KEY="fieldbook-test-secret"
  SERVICES_LOGS+=("$dir/s3s-fs.log")
  # Started when it answers; a port taken meanwhile makes it exit, and another is tried.
  for try in 1 2 3 4 5; do
    port="$(free_port)"
    s3s-fs --host 127.0.0.1 --port "$port" --access-key "$FIELDBOOK_TEST_S3_ACCESS_KEY" \
      --secret-key "$FIELDBOOK_TEST_S3_SECRET_KEY" "$dir/root" \
      >"$dir/s3s-fs.log" 2>&1 &
    pid=$!
    for i in $(seq 1 100); do
      kill -0 "$pid" 2>/dev/null || break
      if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        SERVICES_CLEANUP+=("kill $pid")
        export FIELDBOOK_TEST_S3_ENDPOINT="http://127.0.0.1:$port"
        export FIELDBOOK_TEST_S3_BUCKET="fieldbook-test"
        echo "    s3s-fs on $FIELDBOOK_TEST_S3_ENDPOINT (objects in $dir/root)"
        return 0
      fi
      sleep 0.1
    done
    kill "$pid" 2>/dev/null || true
    echo "    s3s-fs did not start on port $port (try $try): $(tail -n 1 "$dir/s3s-fs.log")" >&2
  done
  echo "s3s-fs did not start: see $dir/s3s-fs.log" >&2
  return 1
}
