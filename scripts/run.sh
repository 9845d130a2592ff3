#!/usr/bin/env bash
# The README's run command: sets everything up and runs the portal on the embedded default
# (SQLite, database search, Celery on a filesystem broker) at http://127.0.0.1:8000.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"

HOST="${PORTAL_HOST:-127.0.0.1}"
PORT="${PORTAL_PORT:-8000}"
# Before any setup (the virtual environment too): a portal still running (or anything else)
# on the port is said at once.
python3 -c 'import socket, sys; s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind((sys.argv[1], int(sys.argv[2])))' \
  "$HOST" "$PORT" 2>/dev/null || die "端口 $HOST:$PORT 已被占用（门户已在运行？）；可用 PORTAL_PORT 换一个端口"
ensure_venv ""
export DJANGO_SETTINGS_MODULE=portal.settings.dev
# What readers meet is the product's Chinese error pages, not Django's English debug pages
# (DEBUG=true ./scripts/run.sh for those).
export DEBUG="${DEBUG:-false}"
mkdir -p var/celery-broker/queue var/celery-broker/processed var/media

log "迁移数据库（var/portal.sqlite3）"
"$PY" manage.py migrate --no-input -v 0

# The demo admin's password is made once and kept in var/ so every run can print it.
if [ ! -s var/admin-password ]; then
  "$PY" -c 'import secrets; print(secrets.token_urlsafe(9))' > var/admin-password
  chmod 600 var/admin-password
fi
log "载入演示内容"
PORTAL_ADMIN_PASSWORD="$(cat var/admin-password)" "$PY" manage.py load_demo --port "$PORT"
SEED="$REPO_ROOT/../shared/seed/seed-article.jsonl"
if [ -f "$SEED" ]; then
  log "导入参考文章 $SEED"
  "$PY" manage.py import_articles "$SEED" --progress-every 100
fi

log "启动 Celery worker + beat（嵌入式文件系统 broker，日志 var/celery.log）"
"$VENV/bin/celery" -A portal worker --beat --loglevel INFO --concurrency 1 \
  --schedule var/celerybeat-schedule > var/celery.log 2>&1 &
CELERY_PID=$!
SERVER_PID=""
# Whatever ends this script (Ctrl-C, kill, a supervisor) stops the worker and the server too.
trap 'kill $CELERY_PID $SERVER_PID 2>/dev/null || true; wait 2>/dev/null || true' EXIT

# Django's English "development server" warning is for developers; the banner below says where.
DJANGO_RUNSERVER_HIDE_WARNING=true "$PY" manage.py runserver "$HOST:$PORT" --noreload &
SERVER_PID=$!
# The addresses once the server answers on them (not before: a start that fails says why).
if "$PY" -c 'import socket, sys, time
for _ in range(150):
    try:
        socket.create_connection((sys.argv[1], int(sys.argv[2])), 0.2).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.2)
sys.exit(1)' "$HOST" "$PORT"; then
  cat >&2 <<INFO

  全国门户（默认站点）: http://$HOST:$PORT/
  院校站点:             http://jxvtc.localhost:$PORT/   （或 curl -H 'Host: jxvtc.localhost' http://$HOST:$PORT/）
  管理后台:             http://$HOST:$PORT/admin/
  管理员账号: admin   密码: $(cat var/admin-password)   （若已在后台修改，以修改后的为准）

INFO
fi
wait "$SERVER_PID"
