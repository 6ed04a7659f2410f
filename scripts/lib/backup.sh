# Shared by scripts/backup and scripts/restore: the pinned tools, then the Deno helper named in $1.
# Sourced, not run.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# Runs scripts/$1.ts with the remaining arguments; pg_dump, pg_restore and psql come from the PATH
# (Debian's wrappers pick the newest installed client, which must not be older than the server).
run_backup_tool() {
  local tool="$1"
  shift
  ensure_npm_tools
  command -v pg_dump >/dev/null && command -v pg_restore >/dev/null && command -v psql >/dev/null ||
    die "pg_dump, pg_restore and psql are required: apt-get install postgresql-client (or ./scripts/dev installs Postgres 15)"
  exec deno run --allow-net --allow-env --allow-read --allow-write --allow-run --allow-sys "$ROOT/scripts/ops/$tool.ts" "$@"
}
