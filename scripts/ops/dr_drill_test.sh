#!/usr/bin/env bash
# The disaster-recovery drill (RUNBOOK.md, "Backup, restore and disaster recovery"), on clusters of its own:
# 1 seed, 2 WhatsApp traffic, 3 back up, 4 destroy the cluster, 5 restore into a fresh one, 6 verify,
# 7 serve a WhatsApp turn and a lookup on the restored database (no second reply to what was answered
# before the backup). Then what restore must refuse or catch: a non-empty target (unless --force), a
# tampered manifest, a missing table. Prints each step's time and one line per check; ends "DR drill: N/M checks passed".
set -uo pipefail
source "$(dirname "$0")/../lib/common.sh"
cd "$ROOT"

PASSED=0
TOTAL=0
ok() { # name command...: one check
  local name="$1"
  shift
  TOTAL=$((TOTAL + 1))
  if "$@"; then PASSED=$((PASSED + 1)); echo "ok - $name"; else echo "not ok - $name"; fi
}
STEP_STARTED=0
step() { STEP_STARTED=$(date +%s%N); say "DR drill: $1"; }
took() { echo "step $1 took $(((($(date +%s%N) - STEP_STARTED) / 1000000)))ms" | tee -a "$WORK/timings"; }
# Checks a drill's Deno step printed count too.
count_lines() {
  TOTAL=$((TOTAL + $(grep -c '^\(not \)\?ok - ' "$1")))
  PASSED=$((PASSED + $(grep -c '^ok - ' "$1")))
}

mkdir -p "$LOCAL"
HOME_DIR="$(pg_home)" || exit 1
WORK="$(mktemp -d "$LOCAL/drill.XXXXXX")"
OLD_DIR="$(mktemp -d "$HOME_DIR/drill-a.XXXXXX")"
NEW_DIR="$(mktemp -d "$HOME_DIR/drill-b.XXXXXX")"
chmod 755 "$OLD_DIR" "$NEW_DIR"
cleanup() {
  stop_cluster "$OLD_DIR"
  stop_cluster "$NEW_DIR"
  rm -rf "$OLD_DIR" "$NEW_DIR" "$WORK"
  if [ "$HOME_DIR" != "$LOCAL" ]; then
    rm -f "$HOME_DIR/checkout"
    rmdir "$HOME_DIR" 2>/dev/null || echo "$ROOT" >"$HOME_DIR/checkout"
  fi
}
trap cleanup EXIT

# A cluster as production has it: the application and pg_cron in the database `postgres`.
start_fresh() { # dir: starts a new cluster on a free port, prints the port
  local port status
  for _ in 1 2 3 4 5; do
    port="$(free_port $((58000 + RANDOM % 2000)))"
    status=0
    start_cluster "$1" "$port" postgres off || status=$?
    [ "$status" = 1 ] || break
  done
  [ "$status" = 0 ] && echo "$port"
}
url() { echo "postgresql://postgres:postgres@127.0.0.1:$1/${2:-postgres}"; }

step "1. seed"
OLD_PORT="$(start_fresh "$OLD_DIR")" || exit 1
migrate_db "$OLD_PORT" postgres
psql_at "$OLD_PORT" postgres -f supabase/seed.sql >/dev/null
# A Vault secret, whose value must not reach the backup (only its name, to say what to set again).
psql_at "$OLD_PORT" postgres -c "select vault.create_secret('drill-vault-value-0123', 'whatsapp_drain_secret')" >/dev/null
ok "the cluster is migrated and seeded" test "$(psql_at "$OLD_PORT" postgres -tAc "select count(*) > 40 from public.customers")" = t
took "1 seed"

step "2. WhatsApp traffic"
deno run "${DENO_RUN_FLAGS[@]}" scripts/ops/dr_drill.ts traffic --db-url "$(url "$OLD_PORT")" \
  --state "$WORK/state.json" | tee "$WORK/traffic.txt"
count_lines "$WORK/traffic.txt"
took "2 traffic"

step "3. back up"
BACKUP="$WORK/drill.backup"
# Under writes: a row a second commits into request_log while the backup runs, so a manifest read
# outside pg_dump's snapshot would not match the dump (step 5 verifies it does).
log_rows() { psql_at "$OLD_PORT" postgres -tAc "select count(*) from public.request_log"; }
ROWS_BEFORE=$(log_rows)
psql_at "$OLD_PORT" postgres -c "do \$\$ begin for i in 1..400 loop
    insert into public.request_log (function_name, method, status, duration_ms) values ('dr-drill', 'POST', 200, 1);
    commit; perform pg_sleep(0.005); end loop; end \$\$" >/dev/null &
WRITER=$!
until [ "$(log_rows)" -gt "$ROWS_BEFORE" ]; do sleep 0.05; done
BACKUP_STARTED=$(date +%s%N)
ok "./scripts/backup writes a backup" ./scripts/backup --db-url "$(url "$OLD_PORT")" --out "$BACKUP" >/dev/null
echo "./scripts/backup alone took $((($(date +%s%N) - BACKUP_STARTED) / 1000000))ms" | tee -a "$WORK/timings"
wait "$WRITER"
tar -xOf "$BACKUP" manifest.json >"$WORK/manifest.json"
manifest_rows() { jq -r --arg t "$1" '.tables[] | select(.table == $t) | .rows' "$WORK/manifest.json"; }
during_writes() {
  local at_backup
  at_backup=$(manifest_rows public.request_log)
  echo "request_log: $ROWS_BEFORE rows before the writes, $at_backup in the backup, $(log_rows) after"
  [ "$at_backup" -gt "$ROWS_BEFORE" ] && [ "$at_backup" -lt "$(log_rows)" ]
}
ok "the backup was taken while rows were being written" during_writes
ok "the manifest counts the messages the database holds" \
  test "$(manifest_rows public.messages)" = "$(psql_at "$OLD_PORT" postgres -tAc "select count(*) from public.messages")"
ok "the manifest has the pg_cron jobs" \
  test "$(jq '.cron_jobs | length' "$WORK/manifest.json")" = "$(psql_at "$OLD_PORT" postgres -tAc "select count(*) from cron.job")"
no_secret_value() {
  tar -xOf "$BACKUP" database.dump | pg_restore -f - >"$WORK/dump.sql" &&
    jq -e '.vault_secrets == ["whatsapp_drain_secret"]' "$WORK/manifest.json" >/dev/null &&
    ! grep -q drill-vault-value "$WORK/dump.sql" "$WORK/manifest.json"
}
ok "the backup names the Vault secret and holds no Vault value" no_secret_value
took "3 back up (with the writes around it)"

step "4. destroy the cluster"
stop_cluster "$OLD_DIR"
rm -rf "$OLD_DIR"
ok "the cluster is gone" bash -c "[ ! -e '$OLD_DIR' ] && ! (exec 3<>/dev/tcp/127.0.0.1/$OLD_PORT) 2>/dev/null"
took "4 destroy"

step "5. restore into a fresh cluster"
NEW_PORT="$(start_fresh "$NEW_DIR")" || exit 1
ok "./scripts/restore restores into the empty database" ./scripts/restore "$BACKUP" --db-url "$(url "$NEW_PORT")"
took "5 restore"

step "6. verify counts and checksums"
ok "the restored database matches the manifest (./scripts/restore --verify)" \
  ./scripts/restore "$BACKUP" --verify --db-url "$(url "$NEW_PORT")"
cron_jobs_equal() {
  psql_at "$NEW_PORT" postgres -tAc "select jobname, schedule, active from cron.job order by jobname" >"$WORK/cron.txt"
  jq -r ".cron_jobs[] | \"\(.name)|\(.schedule)|\(if .active then \"t\" else \"f\" end)\"" "$WORK/manifest.json" | diff - "$WORK/cron.txt"
}
ok "the pg_cron jobs are scheduled again, as they were" cron_jobs_equal
migrations_applied() {
  local files listed
  files=$(find supabase/migrations -name '*.sql' | wc -l)
  listed=$(supabase migration list --db-url "$(url "$NEW_PORT")?sslmode=disable" 2>/dev/null |
    grep -cE '^ *`([0-9]+)` \| `\1` ')
  [ "$files" = "$listed" ]
}
ok "supabase migration list shows every migration applied" migrations_applied
took "6 verify"

step "7. serve on the restored database"
deno run "${DENO_RUN_FLAGS[@]}" scripts/ops/dr_drill.ts serve --db-url "$(url "$NEW_PORT")" --state "$WORK/state.json" |
  tee "$WORK/serve.txt"
count_lines "$WORK/serve.txt"
took "7 serve"

say "DR drill: what restore refuses"
refuses() { # expected-status command...
  local want="$1" status=0
  shift
  "$@" >"$WORK/refused.txt" 2>&1 || status=$?
  [ "$status" = "$want" ] || { cat "$WORK/refused.txt" >&2; return 1; }
}
ok "restore refuses a database that is not empty (exit 2)" refuses 2 ./scripts/restore "$BACKUP" --db-url "$(url "$NEW_PORT")"
mkdir -p "$WORK/tampered"
tar -xf "$BACKUP" -C "$WORK/tampered"
jq '(.tables[] | select(.table == "public.vouchers") | .rows) += 1' "$WORK/manifest.json" >"$WORK/tampered/manifest.json"
tar -cf "$WORK/tampered.backup" -C "$WORK/tampered" manifest.json database.dump
psql_at "$NEW_PORT" postgres -c "create database tampered" -c "create database damaged" >/dev/null
ok "restore exits 1 when the manifest was tampered with" \
  refuses 1 ./scripts/restore "$WORK/tampered.backup" --db-url "$(url "$NEW_PORT" tampered)"
ok "restore names the table that differs" grep -q "public.vouchers: .* rows, the backup has" "$WORK/refused.txt"
./scripts/restore "$BACKUP" --db-url "$(url "$NEW_PORT" damaged)" >/dev/null 2>&1
psql_at "$NEW_PORT" damaged -c "drop table public.eval_runs" >/dev/null
missing_table_caught() {
  local out status=0
  out="$(./scripts/restore "$BACKUP" --verify --db-url "$(url "$NEW_PORT" damaged)" 2>&1)" || status=$?
  [ "$status" = 1 ] && grep -q "public.eval_runs: missing" <<<"$out"
}
ok "verify exits 1 when a table is missing, and names it" missing_table_caught
ok "restore --force replaces what a database holds, and verifies" \
  ./scripts/restore "$BACKUP" --force --db-url "$(url "$NEW_PORT" damaged)"

cat "$WORK/timings"
echo "DR drill: $PASSED/$TOTAL checks passed"
[ "$PASSED" = "$TOTAL" ]
