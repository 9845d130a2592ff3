# Shared helpers for scripts/run.sh and scripts/test.sh (sourced, not run).
# Everything is installed from the registries this project may use: Debian packages for
# PostgreSQL and Redis, PyPI for Python packages.

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$REPO_ROOT/.venv"
PY="$VENV/bin/python"
STATE_DIR="${PORTAL_STATE_DIR:-$REPO_ROOT/var/services}"

log() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31mxx\033[0m %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    die "需要 root 权限安装系统软件包：$*"
  fi
}

# Debian packages: always refreshed in CI (a new machine), otherwise only when missing.
ensure_debian_packages() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if [ "${CI:-}" = "true" ] || [ ${#missing[@]} -gt 0 ]; then
    log "apt-get install $*"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
  fi
}

# The virtual environment at .venv, with every dependency at its pinned version.
ensure_venv() {
  local extras="${1:-}"
  local python="${PORTAL_PYTHON:-python3.11}"
  command -v "$python" >/dev/null || python=python3
  "$python" -c 'import sys; assert sys.version_info[:2] == (3, 11), sys.version' \
    || die "需要 Python 3.11"
  [ -x "$PY" ] || { log "创建虚拟环境 .venv"; "$python" -m venv "$VENV"; }
  local stamp="$VENV/.portal-installed$extras"
  if [ ! -f "$stamp" ] || [ "$REPO_ROOT/pyproject.toml" -nt "$stamp" ] \
      || [ "$REPO_ROOT/requirements/constraints.txt" -nt "$stamp" ]; then
    log "安装 Python 依赖（PyPI，版本见 requirements/constraints.txt）"
    "$PY" -m pip install -q --upgrade pip
    # The project is run from its folder (it installs no package of its own): only its
    # pinned dependencies are installed, not an editable copy (pip's editable build warned
    # at length about folders shadowing packages).
    "$PY" -m pip install -q -c "$REPO_ROOT/requirements/constraints.txt" "$REPO_ROOT$extras"
    touch "$stamp"
  fi
}

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

# A throwaway PostgreSQL cluster on 127.0.0.1:$PG_PORT, owned by the postgres user.
start_postgres() {
  PG_PORT="${PG_PORT:-54329}"
  local bin; bin="$(pg_bin)"; [ -n "$bin" ] || die "PostgreSQL 未安装"
  local data="$STATE_DIR/postgres"
  mkdir -p "$STATE_DIR"
  if [ ! -f "$data/PG_VERSION" ]; then
    log "初始化 PostgreSQL 数据目录 $data"
    rm -rf "$data"; mkdir -p "$data"; chown postgres:postgres "$data"
    runuser -u postgres -- "$bin/initdb" -D "$data" -U postgres -A trust -E UTF8 \
      --locale=C.UTF-8 >/dev/null
  fi
  chown -R postgres:postgres "$data"
  if ! runuser -u postgres -- "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    log "启动 PostgreSQL（端口 $PG_PORT）"
    runuser -u postgres -- "$bin/pg_ctl" -D "$data" -w -l "$data/server.log" \
      -o "-p $PG_PORT -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null \
      || { cat "$data/server.log" >&2; die "PostgreSQL 启动失败"; }
  fi
  runuser -u postgres -- "$bin/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -qtAc \
    "SELECT 1 FROM pg_roles WHERE rolname='portal'" | grep -q 1 \
    || runuser -u postgres -- "$bin/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc \
      "CREATE ROLE portal LOGIN SUPERUSER PASSWORD 'portal'"
  runuser -u postgres -- "$bin/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -qtAc \
    "SELECT 1 FROM pg_database WHERE datname='portal'" | grep -q 1 \
    || runuser -u postgres -- "$bin/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres -O portal portal
  export PORTAL_TEST_DATABASE_URL="postgres://portal:portal@127.0.0.1:$PG_PORT/portal"
}

stop_postgres() {
  local bin; bin="$(pg_bin)"
  [ -n "$bin" ] && [ -f "$STATE_DIR/postgres/PG_VERSION" ] && \
    runuser -u postgres -- "$bin/pg_ctl" -D "$STATE_DIR/postgres" -m fast stop >/dev/null 2>&1 || true
}

# Redis on 127.0.0.1:$REDIS_PORT, its data kept under var/.
start_redis() {
  REDIS_PORT="${REDIS_PORT:-63799}"
  command -v redis-server >/dev/null || die "Redis 未安装"
  mkdir -p "$STATE_DIR/redis"
  if ! redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; then
    log "启动 Redis（端口 $REDIS_PORT）"
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --daemonize yes \
      --dir "$STATE_DIR/redis" --pidfile "$STATE_DIR/redis/redis.pid" \
      --logfile "$STATE_DIR/redis/redis.log" --save "" --appendonly no
    for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
    redis-cli -p "$REDIS_PORT" ping >/dev/null || die "Redis 启动失败"
  fi
  export PORTAL_TEST_REDIS_URL="redis://127.0.0.1:$REDIS_PORT/15"
}

stop_redis() {
  redis-cli -p "${REDIS_PORT:-63799}" shutdown nosave >/dev/null 2>&1 || true
}
