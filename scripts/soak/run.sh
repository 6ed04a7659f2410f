#!/usr/bin/env bash
# deno task soak [--profile short|long] [--seed N] [--record [--out FILE]]: the soak (scripts/soak/soak.ts) on a
# throwaway Postgres cluster of its own, which it stops for a few seconds mid-run. Ends with "Soak result: N passed, N failed".
set -uo pipefail
source "$(dirname "$0")/../lib/common.sh"
cd "$ROOT"
ensure_npm_tools
ensure_pg_packages
start_test_cluster
trap stop_test_cluster EXIT
clone_template soak
SOAK_DB_URL="postgresql://postgres:postgres@127.0.0.1:$TEST_PG_PORT/soak" SOAK_PG_DATA="$TEST_PG_DIR/data" \
  SOAK_PG_PORT="$TEST_PG_PORT" SOAK_PG_LOG="$TEST_PG_DIR/postgres.log" \
  deno run --allow-all scripts/soak/soak.ts "$@"
