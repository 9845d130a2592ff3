#!/usr/bin/env bash
# The README's test command: installs and starts everything the tests need, then runs the
# checks and the whole suite on the embedded SQLite default and on PostgreSQL.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"

ensure_debian_packages postgresql redis-server chromium chromium-driver
# OpenSearch comes from Maven Central (scripts/opensearch.sh); Maven is on these machines,
# Debian's package where it is not. Java 21+ must be (Debian 12 packages only 17).
command -v mvn >/dev/null || ensure_debian_packages maven
ensure_venv "[test]"
# axe-core (accessibility checks injected into Chromium), pinned in package-lock.json.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "npm ci（axe-core，npm registry）"
  command -v npm >/dev/null || ensure_debian_packages npm
  npm ci --no-audit --no-fund --silent
fi
start_postgres
start_redis
# Assigned, then exported: `export X="$(…)"` would hide a failed start from `set -e`.
PORTAL_TEST_OPENSEARCH_URL="$(bash scripts/opensearch.sh start)"
export PORTAL_TEST_OPENSEARCH_URL
if [ "${PORTAL_KEEP_SERVICES:-}" != "1" ]; then
  trap 'stop_redis; stop_postgres; bash scripts/opensearch.sh stop' EXIT
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

# modelsearch's own backend test suite, against this project's backend (its own settings).
# Deselected: tests needing records the peer fixture (modelsearch 1.1.1) lacks; the stock
# backends fail them identically with this fixture (README, "Peer test suite").
PEER_DESELECT='not (test_get_ancestors_filter or test_get_children_filter or test_get_descendants_filter or test_get_root_nodes_filter or test_get_siblings_filter or test_search_on_nested_related_fields)'
PEER_ARGS=(--noconftest --ds=tests.peer.settings tests/peer -p no:cacheprovider -q
  -k "$PEER_DESELECT" -W "ignore:The Boost query is not supported:RuntimeWarning")
log "modelsearch peer suite on SQLite"
"$VENV/bin/pytest" "${PEER_ARGS[@]}"
log "modelsearch peer suite on PostgreSQL"
DATABASE_URL="$PORTAL_TEST_DATABASE_URL" "$VENV/bin/pytest" "${PEER_ARGS[@]}"
