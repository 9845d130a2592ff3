"""portal.settings.production as an operator starts it: from the environment alone."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def manage(tmp_path, *args, program=("manage.py",), **env):
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "SECURE_", "SECRET_", "WAGTAILADMIN_"))
    }
    environment.update(
        {
            "DJANGO_SETTINGS_MODULE": "portal.settings.production",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "REDIS_URL": "redis://127.0.0.1:1/0",  # named, as production requires; not used
            "ALLOWED_HOSTS": "www.example.edu.cn",
            **env,
        }
    )
    return subprocess.run(
        [sys.executable, *program, *args],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deployment_checks_pass_with_the_documented_https_settings(tmp_path):
    done = manage(
        tmp_path,
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="www.example.edu.cn",
        SECURE_HSTS_SECONDS="31536000",
        SECURE_HSTS_INCLUDE_SUBDOMAINS="true",
        SECURE_HSTS_PRELOAD="true",
        SECURE_SSL_REDIRECT="true",
        EMAIL_URL="smtp+tls://portal:secret@smtp.example.edu.cn:587",
        WAGTAILADMIN_BASE_URL="https://www.example.edu.cn",
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_a_deployment_without_the_admin_base_url_is_warned(tmp_path):
    """Review mails and password resets link to WAGTAILADMIN_BASE_URL: production has no
    default (it was the development server's http://127.0.0.1:8000), so the check says so."""
    done = manage(tmp_path, "check", "--fail-level", "WARNING",
                  SECRET_KEY=secrets.token_urlsafe(50))  # fmt: skip
    assert done.returncode != 0 and "wagtailadmin.W003" in done.stderr + done.stdout
    done = manage(tmp_path, "shell", "-c",
                  "from django.conf import settings; print(settings.WAGTAILADMIN_BASE_URL)",
                  SECRET_KEY=secrets.token_urlsafe(50),
                  WAGTAILADMIN_BASE_URL="https://www.example.edu.cn")  # fmt: skip
    assert done.stdout.splitlines()[-1] == "https://www.example.edu.cn"


def test_mail_goes_to_the_configured_smtp_server(tmp_path):
    done = manage(
        tmp_path,
        "shell",
        "-c",
        "from django.conf import settings as s;"
        "print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_USE_TLS, s.DEFAULT_FROM_EMAIL)",
        SECRET_KEY=secrets.token_urlsafe(50),
        EMAIL_URL="smtp+tls://portal:secret@smtp.example.edu.cn:587",
        DEFAULT_FROM_EMAIL="思政网 <noreply@example.edu.cn>",
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1].split() == [
        "django.core.mail.backends.smtp.EmailBackend",
        "smtp.example.edu.cn",
        "587",
        "True",
        "思政网",
        "<noreply@example.edu.cn>",
    ]


def test_refuses_to_start_without_a_real_secret_key(tmp_path):
    placeholder = (REPO / "docker" / "portal.env.example").read_text().split("SECRET_KEY=")[1]
    # Empty, short, 45 characters (Django's check wants 50), the example's placeholder.
    for key in ["short-key", secrets.token_urlsafe(34), placeholder.splitlines()[0]]:
        done = manage(tmp_path, "check", SECRET_KEY=key)
        assert done.returncode != 0
        # One line, in Chinese, without the key (it was an English traceback).
        assert (
            done.stderr.startswith("环境变量 SECRET_KEY 无法使用（")
            and "应为至少 50 个字符" in done.stderr
        )
        assert len(done.stderr.strip().splitlines()) == 1 and key not in done.stderr
    for unset in [{}, {"SECRET_KEY": " "}]:  # not set at all, or blank
        done = manage(tmp_path, "check", **unset)
        assert done.returncode != 0 and done.stderr == "环境变量 SECRET_KEY 未设置：必须设置\n"
    # A generated key may begin with $: it is the key, not a reference to a variable named
    # after the rest of it (that failed, printing the key in the message).
    key = "$x7#k2!q9(z-+m)w^b&a5r8t@e0u1i3o6p4s=d_f%g*h!j2l9c"
    done = manage(tmp_path, "shell", "-c", "from django.conf import settings as s;"
                  "print(s.SECRET_KEY == '$x7#k2!q9(z-+m)w^b&a5r8t@e0u1i3o6p4s=d_f%g*h!j2l9c')",
                  SECRET_KEY=key)  # fmt: skip
    assert done.returncode == 0 and done.stdout.split()[-1] == "True", done.stderr


def test_refuses_to_start_without_the_sites_hostnames(tmp_path):
    """With any host accepted, a password-reset mail linked to the host the request named."""
    for hosts in ["", "*", "www.example.edu.cn,*"]:
        done = manage(tmp_path, "check", SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS=hosts)
        assert done.returncode != 0
        assert done.stderr.startswith("环境变量 ALLOWED_HOSTS 无法使用：应列出各站点的主机名")
    done = manage(tmp_path, "shell", "-c",
                  "from django.test import Client; from django.core import mail;"
                  "print(Client().post('/admin/password_reset/', {'email': 'a@b.cn'},"
                  " HTTP_HOST='evil.example').status_code)",
                  SECRET_KEY=secrets.token_urlsafe(50), EMAIL_URL="consolemail://")  # fmt: skip
    assert done.stdout.splitlines()[-1] == "400"  # an unknown host is refused
    # In one line naming the host (Django's own was a 15-line traceback).
    assert "Invalid HTTP_HOST header: 'evil.example'" in done.stderr
    assert "Traceback" not in done.stderr


def test_log_lines_say_when_how_bad_and_from_where(tmp_path):
    done = manage(tmp_path, "shell", "-c",
                  "import logging; logging.getLogger('articles.tasks').warning('发布失败')",
                  SECRET_KEY=secrets.token_urlsafe(50))  # fmt: skip
    line = done.stderr.strip().splitlines()[-1]
    assert re.fullmatch(
        r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+0800 WARNING \[articles\.tasks\] \d+ 发布失败", line
    ), line


def test_beat_says_a_lost_connection_in_one_line():
    """Celery beat logged each task it could not send, Redis being down, with a traceback and
    the call stack in its message: 577 lines in 30 s."""
    import logging
    import traceback

    from redis.exceptions import ConnectionError as RedisConnectionError

    from portal.log_filters import LostConnectionInOneLine

    try:
        raise RedisConnectionError("Error 111 connecting to redis:6379. Connection refused.")
    except RedisConnectionError as exc:
        record = logging.LogRecord(
            "celery.beat", logging.ERROR, __file__, 1, "Message Error: %s\n%s",
            (exc, traceback.format_stack()), exc_info=sys.exc_info(),
        )  # fmt: skip
    assert LostConnectionInOneLine().filter(record)
    line = logging.Formatter("%(message)s").format(record)
    assert line == "Message Error: Error 111 connecting to redis:6379. Connection refused."
    other = logging.LogRecord("celery.beat", logging.ERROR, __file__, 1, "x", (), None)
    try:
        raise ValueError("a bug")
    except ValueError:
        other.exc_info = sys.exc_info()
    LostConnectionInOneLine().filter(other)
    assert other.exc_info is not None  # other errors keep their traceback


def test_values_are_read_as_operators_write_them(tmp_path):
    """Spaces after commas, YES/On, an empty value for "the default" (STATIC_ROOT= was the
    working directory), $OTHER for another variable: read as meant. Before,
    " jxvtc.example.edu.cn" was a host no request matched (every request to it a 400)."""
    done = manage(tmp_path, "shell", "-c",
                  "from django.conf import settings as s;"
                  "print(s.ALLOWED_HOSTS, s.CSRF_TRUSTED_ORIGINS, s.SESSION_COOKIE_SECURE,"
                  " s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.PORTAL_COMMENT_RATE,"
                  " s.CELERY_BROKER_URL, str(s.STATIC_ROOT).rsplit('/', 1)[-1])",
                  SECRET_KEY=secrets.token_urlsafe(50),
                  ALLOWED_HOSTS=" www.example.edu.cn, jxvtc.example.edu.cn ,",
                  CSRF_TRUSTED_ORIGINS="https://www.example.edu.cn, https://*.example.edu.cn",
                  SESSION_COOKIE_SECURE="", SECURE_SSL_REDIRECT=" YES ",
                  SECURE_HSTS_SECONDS=" 3600", PORTAL_COMMENT_RATE="5/minute",
                  REDIS_PASSWORD_URL="redis://:pw@redis:6379/0", REDIS_URL="$REDIS_PASSWORD_URL",
                  STATIC_ROOT="")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == (
        "['www.example.edu.cn', 'jxvtc.example.edu.cn'] "
        "['https://www.example.edu.cn', 'https://*.example.edu.cn'] True True 3600 5/minute "
        "redis://:pw@redis:6379/0 static"
    )


def test_a_value_that_cannot_be_meant_stops_the_start_naming_the_variable(tmp_path):
    """SESSION_COOKIE_SECURE=ture was read as false (session cookies over plain HTTP); a bad
    number or URL ended in a traceback saying `invalid literal for int()`, or started and
    failed at the first request or comment."""
    bad = {
        "SESSION_COOKIE_SECURE": "ture",
        "SECURE_SSL_REDIRECT": "是",
        "SECURE_HSTS_SECONDS": "1y",
        "TRUSTED_PROXY_COUNT": "-1",
        "SEARCH_HITS_MAX_AGE": "90 天",
        "ALLOWED_HOSTS": "https://www.example.edu.cn",
        "CSRF_TRUSTED_ORIGINS": "www.example.edu.cn",
        "DATABASE_URL": "postgress://db:5432/portal",
        "SEARCH_URL": "opensearch:9200",
        "REDIS_URL": "redis//redis:6379/0",
        "CELERY_BROKER_URL": "redis://redis:63x9/0",
        "EMAIL_URL": "smtp.example.edu.cn:587",
        "WAGTAILADMIN_BASE_URL": "www.example.edu.cn",
        "PORTAL_COMMENT_RATE": "5 per minute",
        "TASKS_BACKEND": "foo.Bar",
    }
    # Accepted before but never working: a host with its port (Django drops the request's
    # port before comparing: every request a 400), an origin with a trailing / (every admin
    # form a CSRF 403), 5/M (django-ratelimit reads five a second) and 5/0m (a division by
    # zero at the first comment), STARTTLS (smtps://) on the implicit-TLS port 465 (hangs).
    # A bad port in a URL is named as such, and the password is not repeated into the log.
    bad_but_accepted = [
        ("ALLOWED_HOSTS", "www.example.edu.cn:8000"),
        ("ALLOWED_HOSTS", "*.example.edu.cn"),  # Django's pattern is .example.edu.cn
        ("CSRF_TRUSTED_ORIGINS", "https://www.example.edu.cn/"),
        ("PORTAL_COMMENT_RATE", "5/M"),
        ("EMAIL_URL", "smtps://portal:s3cret@smtp.example.edu.cn:465"),
        ("DATABASE_URL", "postgres://portal:s3cret@db:54x2/portal"),
    ]
    for var, value in bad_but_accepted:
        done = manage(tmp_path, "check", SECRET_KEY=secrets.token_urlsafe(50), **{var: value})
        last = done.stderr.strip().splitlines()[-1]
        assert done.returncode != 0 and f"环境变量 {var}=" in last, last
        assert "s3cret" not in done.stderr
    done = manage(tmp_path, "check", SECRET_KEY=secrets.token_urlsafe(50),
                  DATABASE_URL="postgres://portal:s3cret@db:54x2/portal")  # fmt: skip
    assert "端口应为 1–65535 之间的数字" in done.stderr and "portal:***@db" in done.stderr
    for var, value in bad.items():
        done = manage(tmp_path, "check", SECRET_KEY=secrets.token_urlsafe(50), **{var: value})
        assert done.returncode != 0, var
        # One line on stderr, not the traceback of the settings' import before it.
        [last] = done.stderr.strip().splitlines()
        assert last.startswith(f"环境变量 {var}="), last
        assert repr(value.strip()) in last and "应" in last, last


def test_celery_stops_on_a_refused_variable_with_its_one_line(tmp_path):
    """The README says a refused variable stops Celery as it stops manage.py: the worker and
    beat printed a 60-line traceback (Celery reads the settings while parsing its options)
    and exited with status 1."""
    for command in ["worker", "beat"]:
        celery = ("-m", "celery", "-A", "portal")
        done = manage(tmp_path, command, program=celery, SECRET_KEY=secrets.token_urlsafe(50),
                      SESSION_COOKIE_SECURE="ture")  # fmt: skip
        assert done.returncode == 3, done.stderr
        [line] = done.stderr.strip().splitlines()
        assert line.startswith("环境变量 SESSION_COOKIE_SECURE='ture' 无法使用：应为 true"), line


def test_a_postgresql_service_file_names_the_database(tmp_path):
    """postgres:///?service=portal (host, database and user from pg_service.conf, as Django
    supports) was refused as a URL without a database name."""
    show = "from django.conf import settings as s; print(s.DATABASES['default'])"
    done = manage(tmp_path, "shell", "-c", show, SECRET_KEY=secrets.token_urlsafe(50),
                  DATABASE_URL="postgres:///?service=portal")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "'OPTIONS': {'service': 'portal'}" in done.stdout and "'NAME': ''" in done.stdout
    done = manage(tmp_path, "check", SECRET_KEY=secrets.token_urlsafe(50),
                  DATABASE_URL="postgres:///")  # fmt: skip
    assert done.returncode != 0 and "service=服务名" in done.stderr.strip().splitlines()[-1]


def test_celery_beat_logs_as_the_portal_does(tmp_path):
    """Beat never applied the portal's LOGGING: its lines had Celery's format (no +0800) and
    its lost-broker errors came with a traceback and a call stack every 10 s (538 lines in
    55 s of Redis down) whatever the filter on celery.beat said."""
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))},
        "DJANGO_SETTINGS_MODULE": "portal.settings.dev",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "REDIS_URL": "redis://127.0.0.1:1/0",  # nothing listens: beat only starts
    }
    with subprocess.Popen(
        [str(Path(sys.executable).with_name("celery")), "-A", "portal", "beat",
         "--loglevel", "INFO", "-s", str(tmp_path / "schedule")],
        cwd=REPO, env=environment, stderr=subprocess.PIPE, text=True,
    ) as beat:  # fmt: skip
        try:
            for line in beat.stderr:
                if "beat: Starting" in line:
                    break
        finally:
            beat.kill()
    assert re.fullmatch(
        r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+0800 INFO \[celery\.beat\] \d+ beat: Starting\.\.\.",
        line.strip(),
    ), line


def test_production_names_its_database_and_redis_and_ignores_debug(tmp_path):
    """Without DATABASE_URL or REDIS_URL a web server, worker or beat ran on a SQLite file and
    a filesystem broker of its own; DEBUG is not read in production (DEBUG=ture stopped it)."""
    for name in ["DATABASE_URL", "REDIS_URL"]:
        done = manage(tmp_path, "check", SECRET_KEY=secrets.token_urlsafe(50), **{name: ""})
        assert done.returncode != 0 and done.stderr.startswith(f"环境变量 {name} 未设置")
    done = manage(tmp_path, "shell", "-c", "from django.conf import settings as s; print(s.DEBUG)",
                  SECRET_KEY=secrets.token_urlsafe(50), DEBUG="ture")  # fmt: skip
    assert done.returncode == 0 and done.stdout.split()[-1] == "False", done.stderr


def test_the_embedded_cache_is_not_shared_with_a_process_on_another_database(tmp_path):
    """The benchmarks (their own database under var/bench/) and the portal share var/cache/:
    the benchmark's sites, cached by Wagtail for an hour, gave the running portal's canonical,
    sitemap and feed links the benchmark's port (http://localhost/…, which opens nothing)."""
    key = f"portal-test-{secrets.token_hex(8)}"

    def run(database: Path, code: str) -> str:
        done = manage(tmp_path, "shell", "-c", f"from django.core.cache import cache; {code}",
                      DJANGO_SETTINGS_MODULE="portal.settings.dev", REDIS_URL="",
                      DATABASE_URL=f"sqlite:///{database}")  # fmt: skip
        assert done.returncode == 0, done.stderr
        return done.stdout.strip().splitlines()[-1]

    portal, other = tmp_path / "portal.sqlite3", tmp_path / "other.sqlite3"
    assert run(portal, f"cache.set({key!r}, 'portal', 60); print('set')") == "set"
    try:
        assert run(other, f"print(cache.get({key!r}))") == "None"
        assert run(portal, f"print(cache.get({key!r}))") == "portal"  # the worker's, the web's
    finally:
        run(portal, f"cache.delete({key!r}); print('gone')")
