#!/usr/bin/env bash
# The cluster bootstrap works from any folder a user may clone into, root's mode-700 home included:
# copies the checkout into a fresh mktemp -d folder (mode 700, which Postgres' own user cannot
# enter when we are root) and there starts a test cluster, migrates it, queries it, stops it and
# checks nothing is left; checks the dev cluster keeps its data across two starts in the same
# place; and that a folder Postgres cannot reach is reported in one line. Run by ./scripts/test.
set -euo pipefail
SRC="$(cd "$(dirname "$0")/../.." && pwd)"
TMP="$(mktemp -d)"
COPY="$TMP/voucher-agents"
trap 'rm -rf "$TMP"' EXIT

fail() {
  echo "any_folder_test: $*" >&2
  exit 1
}

mkdir "$COPY"
(cd "$SRC" && git ls-files -z --cached --others --exclude-standard -- scripts supabase package.json package-lock.json |
  tar --null --ignore-failed-read -T - -cf - 2>/dev/null) | tar -C "$COPY" -xf -
ln -s "$SRC/node_modules" "$COPY/node_modules"
[ "$(stat -c %a "$TMP")" = 700 ] || fail "mktemp -d did not make a mode-700 folder"

cd "$COPY"
# shellcheck source=lib/common.sh
source scripts/lib/common.sh
if [ "$(id -u)" = 0 ] && as_pg_user test -x "$LOCAL"; then
  fail "the postgres user can enter $LOCAL: this test would prove nothing"
fi

# A test cluster: start, migrate (start_test_cluster does both), query, stop, nothing left.
start_test_cluster >/dev/null
dir="$TEST_PG_DIR"
case "$dir" in "$COPY"/*) [ "$(id -u)" != 0 ] || fail "as root the cluster data must live outside the checkout: $dir" ;; esac
marker="$(psql_at "$TEST_PG_PORT" "$TEST_TEMPLATE_DB" -tAc "select value #>> '{}' from public.app_settings where key = 'environment'")"
[ "$marker" = development ] || fail "the template is not marked as development (got '$marker')"
[ "$(psql_at "$TEST_PG_PORT" "$TEST_TEMPLATE_DB" -tAc "select count(*) from supabase_migrations.schema_migrations")" = \
  "$(find supabase/migrations -name '*.sql' | wc -l)" ] || fail "not every migration was applied"
stop_test_cluster
[ ! -e "$dir" ] || fail "stop_test_cluster left $dir behind"
[ "$(dirname "$dir")" = "$LOCAL" ] || [ ! -e "$(dirname "$dir")" ] || fail "stop_test_cluster left $(dirname "$dir") behind"

# The dev cluster: the same folder on every run, its data kept from one start to the next.
pg_dir="$(dev_pg_dir)"
[ "$(dev_pg_dir)" = "$pg_dir" ] || fail "dev_pg_dir gave two different folders"
home="$(pg_home)"
trap 'stop_cluster "$pg_dir"; [ "$home" = "$LOCAL" ] || rm -rf "$home"; rm -rf "$TMP"' EXIT
# Starts the dev cluster on a free port; another clone's test may take the port first: try again.
start_dev() {
  local attempt status
  for attempt in 1 2 3 4 5 6 7 8; do
    port="$(free_port $((56432 + RANDOM % 2000)))"
    status=0
    start_cluster "$pg_dir" "$port" postgres off || status=$?
    [ "$status" = 1 ] || break
  done
  [ "$status" = 0 ] || fail "the dev cluster did not start (log: $pg_dir/postgres.log)"
}
start_dev
psql_at "$port" postgres -c "create table kept (n integer); insert into kept values (42)"
stop_cluster "$pg_dir"
start_dev
[ "$(psql_at "$port" postgres -tAc "select n from kept")" = 42 ] || fail "the dev data did not survive a restart"
stop_cluster "$pg_dir"
[ -f "$LOCAL/pg/data/PG_VERSION" ] || fail ".local/pg does not lead to the dev data"

# What cannot work says what to do, in one line.
if [ "$(id -u)" = 0 ]; then
  mkdir -m 700 "$TMP/closed"
  out="$(VOUCHER_AGENTS_PG_HOME="$TMP/closed/pg" bash -c "source scripts/lib/common.sh && pg_home" 2>&1)" &&
    fail "pg_home accepted a folder postgres cannot enter"
  [ "$(wc -l <<<"$out")" = 1 ] && [[ "$out" == ERROR:*VOUCHER_AGENTS_PG_HOME* ]] ||
    fail "an unreachable folder was not reported in one line: $out"
fi
echo "any_folder_test: ok"
