#!/usr/bin/env bash
# The README's test command: installs and starts everything the tests need, then runs the
# checks and the whole suite on the embedded SQLite default and on PostgreSQL.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"

ensure_debian_packages postgresql redis-server
ensure_venv "[test]"
start_postgres
start_redis
if [ "${PORTAL_KEEP_SERVICES:-}" != "1" ]; then
  trap 'stop_redis; stop_postgres' EXIT
fi

export DJANGO_SETTINGS_MODULE=portal.settings.test
log "manage.py check"
"$PY" manage.py check --fail-level WARNING
log "makemigrations --check"
"$PY" manage.py makemigrations --check --dry-run --no-input
log "ruff"
"$VENV/bin/ruff" check .
"$VENV/bin/ruff" format --check .

log "pytest on SQLite (the embedded default)"
PORTAL_EXPECT_DB_VENDOR=sqlite "$VENV/bin/pytest" "$@"

log "pytest on PostgreSQL"
DATABASE_URL="$PORTAL_TEST_DATABASE_URL" PORTAL_EXPECT_DB_VENDOR=postgresql \
  "$VENV/bin/pytest" "$@"
