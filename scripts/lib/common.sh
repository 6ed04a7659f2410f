# Shared bootstrap for scripts/dev and scripts/test: tools, Postgres packages, local clusters.
# Sourced, not run. Every step is idempotent: a second run only checks and moves on.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
LOCAL="$ROOT/.local"
PG_BIN="/usr/lib/postgresql/15/bin"
PG_PACKAGES="postgresql-15 postgresql-15-cron postgresql-15-pgtap postgresql-15-plpgsql-check libtap-parser-sourcehandler-pgtap-perl"
export PATH="$ROOT/node_modules/.bin:$PATH"
export DENO_NO_UPDATE_CHECK=1

say() { printf '\033[1m==>\033[0m %s\n' "$*" >&2; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

# Installs the pinned npm dev tools (deno, supabase, postgres-meta) when missing or stale.
ensure_npm_tools() {
  command -v npm >/dev/null || die "npm is required (Node.js 20+): install Node.js first"
  local stamp="$ROOT/node_modules/.package-lock.json"
  # A node_modules that links to another checkout's is that checkout's to update: npm ci through the
  # link would empty the other checkout's tools while they may be in use.
  if [ -L "$ROOT/node_modules" ] && [ -x "$ROOT/node_modules/.bin/deno" ] && [ -x "$ROOT/node_modules/.bin/supabase" ]; then
    return 0
  fi
  if [ ! -x "$ROOT/node_modules/.bin/deno" ] || [ ! -x "$ROOT/node_modules/.bin/supabase" ] ||
    [ ! -f "$stamp" ] || [ "$ROOT/package-lock.json" -nt "$stamp" ]; then
    say "installing dev tools from package-lock.json"
    # npm's summary goes to stderr with the rest of the bootstrap: stdout is the tool's own (scripts/gen_types
    # > file, ./scripts/deno task chat | grep).
    (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error >&2) || die "npm ci failed"
  fi
}

# Installs Debian's Postgres 15 with pg_cron, pgTAP and plpgsql_check, or says how to.
ensure_pg_packages() {
  local missing=0
  [ -x "$PG_BIN/postgres" ] || missing=1
  [ -f /usr/share/postgresql/15/extension/pg_cron.control ] || missing=1
  [ -f /usr/share/postgresql/15/extension/pgtap.control ] || missing=1
  [ -f /usr/share/postgresql/15/extension/plpgsql_check.control ] || missing=1
  command -v pg_prove >/dev/null || missing=1
  [ "$missing" = 0 ] && return 0
  if [ "$(id -u)" = 0 ]; then
    say "installing $PG_PACKAGES"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $PG_PACKAGES >/dev/null ||
      die "apt-get install failed"
  else
    die "Postgres 15 packages are missing; run: sudo apt-get update && sudo apt-get install -y $PG_PACKAGES"
  fi
}

# Installs Debian's prometheus (prometheus and promtool: the metrics, rule and dashboard checks), or
# says how to. Fast when both binaries are there.
ensure_prometheus() {
  command -v promtool >/dev/null && command -v prometheus >/dev/null && return 0
  if [ "$(id -u)" = 0 ]; then
    say "installing prometheus (Debian's package: prometheus and promtool)"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null ||
      die "apt-get install prometheus failed"
    # The package starts a system service on :9090; the checks start their own on a free port.
    if command -v systemctl >/dev/null && systemctl is-active --quiet prometheus 2>/dev/null; then
      systemctl stop prometheus >/dev/null 2>&1 || true
    fi
  else
    die "prometheus is missing; run: sudo apt-get update && sudo apt-get install -y --no-install-recommends prometheus"
  fi
}

# Runs a Postgres server binary as a user it accepts (initdb and postgres refuse root). From /, as
# the current folder may be one that user cannot enter; every path given is absolute.
as_pg_user() {
  if [ "$(id -u)" = 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

# Where cluster data lives. Postgres runs as its own user when we are root, and that user must be
# able to enter every folder above its data: a checkout in root's home (mode 700) or in a mktemp -d
# folder is not reachable. Then the data goes to /var/lib/voucher-agents/<hash of the checkout's
# path> (/var/lib, not /var/tmp, whose files systemd-tmpfiles ages out: the dev database must last),
# which keeps each clone's clusters apart; logs and everything else stay in .local. The answer only
# depends on the path, so a second ./scripts/dev finds the same data. Prints the folder.
pg_home() {
  if [ "$(id -u)" != 0 ] || as_pg_user test -x "$LOCAL"; then
    echo "$LOCAL"
    return 0
  fi
  local home
  home="${VOUCHER_AGENTS_PG_HOME:-/var/lib/voucher-agents}/$(printf %s "$ROOT" | sha256sum | cut -c1-12)"
  mkdir -p "$home" && chmod 755 "$home" "$(dirname "$home")" || die "cannot create $home for the Postgres data"
  as_pg_user test -x "$home" ||
    die "the postgres user cannot enter $home: make its parent folders traversable (chmod o+x) or set VOUCHER_AGENTS_PG_HOME to a folder it can reach"
  # Says which checkout the data belongs to, for whoever cleans /var/lib/voucher-agents up.
  echo "$ROOT" >"$home/checkout"
  echo "$home"
}

# The dev cluster's folder: .local/pg, or a folder pg_home chose with .local/pg a link to it, so that
# `.local/pg/postgres.log` and the runbook's commands still name it. Prints the real folder.
dev_pg_dir() {
  local home
  home="$(pg_home)" || exit 1
  if [ "$home" != "$LOCAL" ]; then
    mkdir -p "$LOCAL"
    if [ ! -L "$LOCAL/pg" ] && [ -d "$LOCAL/pg" ] && [ ! -f "$LOCAL/pg/data/PG_VERSION" ]; then rm -rf "$LOCAL/pg"; fi
    [ -e "$LOCAL/pg" ] && [ ! -L "$LOCAL/pg" ] && die ".local/pg holds data the postgres user cannot reach: move it away (mv .local/pg .local/pg.old) and run again"
    ln -sfn "$home/pg" "$LOCAL/pg"
  fi
  echo "$home/pg"
}

# Creates (when new) and starts a cluster. Args: data_dir port cron_db fsync(on|off).
# Returns once the server accepts connections; 1 when the port is taken, 2 when it fails otherwise.
start_cluster() {
  local dir="$1" port="$2" cron_db="$3" fsync="$4"
  mkdir -p "$dir"
  if [ "$(id -u)" = 0 ]; then chown postgres: "$dir"; fi
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    local pw="$dir/.pw"
    echo postgres >"$pw" && chmod 644 "$pw"
    as_pg_user "$PG_BIN/initdb" -D "$dir/data" -U postgres --pwfile="$pw" -E UTF8 --locale=C.UTF-8 \
      --auth-local=trust --auth-host=scram-sha-256 >"$dir/initdb.log" 2>&1 || {
      if grep -q "Permission denied" "$dir/initdb.log"; then
        die "the postgres user cannot reach $dir: make every folder above it traversable (chmod o+x) or clone elsewhere"
      fi
      cat "$dir/initdb.log" >&2
      die "initdb failed in $dir"
    }
    rm -f "$pw"
    as_pg_user mkdir -p "$dir/run"
    cat >>"$dir/data/postgresql.conf" <<CONF
# voucher-agents local cluster (the port is given at start)
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir/run'
shared_preload_libraries = 'pg_cron,pg_stat_statements'
cron.database_name = '$cron_db'
pg_stat_statements.track = all
fsync = $fsync
synchronous_commit = off
full_page_writes = $fsync
max_connections = 100
log_min_messages = warning
CONF
  fi
  # pg_cron runs jobs in background workers: over a connection it would need the password and the
  # port the job was scheduled on. Clusters created before this line gain it at their next start.
  grep -q "^cron.use_background_workers" "$dir/data/postgresql.conf" ||
    echo "cron.use_background_workers = on" | as_pg_user tee -a "$dir/data/postgresql.conf" >/dev/null
  as_pg_user "$PG_BIN/pg_ctl" -D "$dir/data" status >/dev/null 2>&1 && return 0
  port_free "$port" || return 1
  if ! as_pg_user "$PG_BIN/pg_ctl" -D "$dir/data" -o "-p $port" -l "$dir/postgres.log" -w -t 30 start >/dev/null; then
    # Another cluster may have bound the port between the check and the start.
    grep -q "Address already in use" "$dir/postgres.log" 2>/dev/null && return 1
    tail -20 "$dir/postgres.log" >&2
    return 2
  fi
}

stop_cluster() {
  as_pg_user "$PG_BIN/pg_ctl" -D "$1/data" -m fast -w stop >/dev/null 2>&1 || true
}

port_free() {
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# psql against a database of the cluster on PORT as postgres.
psql_at() {
  local port="$1" db="$2"
  shift 2
  PGOPTIONS="-c client_min_messages=warning" PGPASSWORD=postgres psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres -d "$db" "$@"
}

# Makes a database look like Supabase's (roles, schemas, auth helpers), then applies the migrations.
# Args: port db. Returns 0; sets NEW_DATABASE=1 when the database had no migrations before.
migrate_db() {
  local port="$1" db="$2"
  psql_at "$port" "$db" -f "$ROOT/scripts/sql/supabase_setup.sql" >/dev/null || die "Supabase setup SQL failed on $db"
  NEW_DATABASE=0
  if [ "$(psql_at "$port" "$db" -tAc "select to_regclass('supabase_migrations.schema_migrations') is null")" = t ]; then
    NEW_DATABASE=1
  fi
  (cd "$ROOT" && supabase migration up --db-url "postgresql://postgres:postgres@127.0.0.1:$port/$db?sslmode=disable" >"$LOCAL/migrate-$port.log" 2>&1) ||
    { cat "$LOCAL/migrate-$port.log" >&2; die "migrations failed on $db"; }
}

# Marks a local database as development (app_settings.environment), which tools that write test
# rows (the evals) require. Only this bootstrap writes the key, never a migration, so a production
# database is never marked. Args: port db.
mark_development() {
  psql_at "$1" "$2" -c "insert into public.app_settings (key, value, description)
    values ('environment', '\"development\"', 'Set by scripts/dev and scripts/test (never by a migration): a local database that the evals may write to.')
    on conflict (key) do update set value = excluded.value" >/dev/null || die "could not mark $2 as a development database"
}

# First free TCP port on 127.0.0.1 from $1 upward.
free_port() {
  local port="$1"
  while ! port_free "$port"; do port=$((port + 1)); done
  echo "$port"
}

# A throwaway cluster on a free port, its data under pg_home, with pg_cron's database $1 (not created
# here). Sets TEST_PG_DIR and TEST_PG_PORT; stop_test_cluster removes it.
start_throwaway_cluster() {
  mkdir -p "$LOCAL"
  local home
  home="$(pg_home)" || exit 1
  TEST_PG_DIR="$(mktemp -d "$home/test-pg.XXXXXX")"
  chmod 755 "$TEST_PG_DIR"
  local attempt status
  for attempt in 1 2 3 4 5 6 7 8; do
    # A random start keeps clones that test at the same time from racing for one port.
    TEST_PG_PORT="$(free_port $((55432 + RANDOM % 2000)))"
    status=0
    start_cluster "$TEST_PG_DIR" "$TEST_PG_PORT" "$1" off || status=$?
    [ "$status" = 1 ] || break
  done
  [ "$status" = 0 ] || die "the test cluster did not start (log: $TEST_PG_DIR/postgres.log)"
  export TEST_PG_PORT
}

restart_test_cluster() {
  as_pg_user "$PG_BIN/pg_ctl" -D "$TEST_PG_DIR/data" -o "-p $TEST_PG_PORT" -l "$TEST_PG_DIR/postgres.log" -w -t 30 -m fast \
    restart >/dev/null ||
    die "test cluster did not restart"
}

# pg_cron can only be created in the cluster's cron.database_name, and its worker runs the jobs of that
# database (a database it is connected to cannot be cloned): a restart applies a new one. Args: db.
set_cron_database() {
  psql_at "$TEST_PG_PORT" postgres -c "alter system set cron.database_name = '$1'" >/dev/null
  restart_test_cluster
}

# A throwaway cluster for one test run, on a free port, with a migrated template database
# (TEST_TEMPLATE_DB) that tests clone: the template is the cron database while it is migrated, then the
# cluster restarts with the worker on `postgres`. Sets TEST_PG_DIR, TEST_PG_PORT, TEST_TEMPLATE_DB.
start_test_cluster() {
  TEST_TEMPLATE_DB=voucher_template
  start_throwaway_cluster "$TEST_TEMPLATE_DB"
  psql_at "$TEST_PG_PORT" postgres -c "create database $TEST_TEMPLATE_DB" >/dev/null
  migrate_db "$TEST_PG_PORT" "$TEST_TEMPLATE_DB"
  mark_development "$TEST_PG_PORT" "$TEST_TEMPLATE_DB"
  set_cron_database postgres
  export TEST_PG_PORT TEST_TEMPLATE_DB
}

# An empty database $1 on the throwaway cluster that looks like Supabase's and is pg_cron's database,
# ready for supabase/schemas (scripts/schema/apply.ts, or the migration generator).
prepare_schema_db() {
  psql_at "$TEST_PG_PORT" postgres -c "drop database if exists $1" -c "create database $1" >/dev/null
  set_cron_database "$1"
  psql_at "$TEST_PG_PORT" "$1" -f "$ROOT/scripts/sql/supabase_setup.sql" >/dev/null || die "Supabase setup SQL failed on $1"
}

# Database $1 built from supabase/schemas instead of the migrations, marked as the template is, for the
# drift test (scripts/schema/drift_test.ts). pg_cron's worker goes back to `postgres` either way.
# Exports TEST_SCHEMAS_DB; returns 1 when a schema statement fails.
build_schema_db() {
  local status=0
  prepare_schema_db "$1"
  deno run "${DENO_RUN_FLAGS[@]}" "$ROOT/scripts/schema/apply.ts" \
    --db-url "postgresql://postgres:postgres@127.0.0.1:$TEST_PG_PORT/$1" || status=1
  [ "$status" = 1 ] || mark_development "$TEST_PG_PORT" "$1"
  set_cron_database postgres
  TEST_SCHEMAS_DB="$1"
  export TEST_SCHEMAS_DB
  return "$status"
}

stop_test_cluster() {
  [ -n "${TEST_PG_DIR:-}" ] || return 0
  stop_cluster "$TEST_PG_DIR"
  rm -rf "$TEST_PG_DIR"
  # The checkout's folder outside the clone goes too when nothing else is in it (no dev cluster, no
  # other test run): rmdir leaves a folder that is not empty alone.
  local home
  home="$(dirname "$TEST_PG_DIR")"
  if [ "$home" != "$LOCAL" ]; then
    rm -f "$home/checkout"
    rmdir "$home" 2>/dev/null || echo "$ROOT" >"$home/checkout"
  fi
}

# Creates database $1 as a copy of the migrated template.
clone_template() {
  psql_at "$TEST_PG_PORT" postgres -c "drop database if exists $1" -c "create database $1 template $TEST_TEMPLATE_DB" >/dev/null
}

ENV_FILE="$ROOT/supabase/functions/.env"

# Writes supabase/functions/.env from .env.example when missing, with fresh secrets for "generate".
ensure_env_file() {
  [ -f "$ENV_FILE" ] && return 0
  say "writing supabase/functions/.env with generated dev secrets"
  local line key
  while IFS= read -r line || [ -n "$line" ]; do
    if [[ "$line" =~ ^([A-Z0-9_]+)=generate$ ]]; then
      key="${BASH_REMATCH[1]}"
      printf '%s=%s\n' "$key" "$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')"
    else
      printf '%s\n' "$line"
    fi
  done <"$ROOT/supabase/functions/.env.example" >"$ENV_FILE"
  chmod 600 "$ENV_FILE"
}

# Exports the variables of supabase/functions/.env that the environment does not already set.
load_env_file() {
  local line key value
  while IFS= read -r line || [ -n "$line" ]; do
    [[ "$line" =~ ^([A-Z0-9_]+)=(.*)$ ]] || continue
    key="${BASH_REMATCH[1]}"
    value="${BASH_REMATCH[2]}"
    [ -n "${!key+x}" ] || export "$key=$value"
  done <"$ENV_FILE"
}

# Reads one variable's value from supabase/functions/.env (for the hints scripts print).
env_file_value() {
  sed -n "s/^$1=//p" "$ENV_FILE" | head -1
}

DENO_RUN_FLAGS=(--allow-net --allow-env --allow-read --allow-sys --allow-write="$ROOT/.local")
