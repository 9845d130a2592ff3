"""Reading the deployment's environment strictly: a value that cannot be what it names stops
the start with a message naming the variable, what it holds and what it should hold.

django-environ reads everything else it is given as best it can, and that is what hurts in
production: SESSION_COOKIE_SECURE=ture read as false (cookies sent over plain HTTP),
ALLOWED_HOSTS="a.edu.cn, b.edu.cn" giving a host " b.edu.cn" that never matches (every
request to that site a 400), a DATABASE_URL of postgress:// starting and failing at the first
request, PORTAL_COMMENT_RATE="5 per minute" failing at the first comment (a 500). Here each
of these is refused at start-up, before a worker answers anything.

An empty value is taken as not set (the default applies): docker env files write ``X=`` for
"nothing here".
"""

import contextlib
import re
import sys
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured

# What django-environ itself accepts for true, and their opposites.
TRUE_WORDS = frozenset({"true", "on", "ok", "y", "yes", "1"})
FALSE_WORDS = frozenset({"false", "off", "n", "no", "0"})
# $OTHER: the value of another variable (django-environ's proxy).
PROXY = re.compile(r"^\$[A-Za-z_][A-Za-z0-9_]*$")
# Schemes whose address may be a path rather than a host.
PATH_SCHEMES = {"unix", "redis+socket", "filesystem"}
# A host name (or * or .suffix) or a bracketed IPv6 address, as ALLOWED_HOSTS matches them:
# *.a.edu.cn is no pattern there (it never matches; .a.edu.cn is).
HOST = re.compile(r"^(?:\*|\.?[a-z0-9_-]+(?:\.[a-z0-9_-]+)*\.?|\[[0-9a-f:.]+\])$", re.IGNORECASE)
DATABASE_ENGINES = {"django.db.backends.sqlite3", "django.db.backends.postgresql"}
# django-ratelimit's rates as it reads them: a number, a slash, an optional multiplier and a
# unit it takes the first letter of (5/m, 5/minute, 100/2h); no unit is seconds. Lower case
# only: it reads 5/M as five a second. A multiplier of 0 divides by zero at the first comment.
RATE = re.compile(r"^\d+/(?:[1-9]\d*)?(?:[smhd][a-z]*)?$")


class EnvironmentRefused(ImproperlyConfigured):
    """A variable the portal cannot start with; its message is the one line to show."""


def refuse(var, value, expected):
    # The message goes to logs: a URL's password is not repeated there.
    shown = re.sub(r"(://[^:/@]*:)[^@/]*@", r"\1***@", value or "")
    raise EnvironmentRefused(f"环境变量 {var}={shown!r} 无法使用：{expected}")


@contextlib.contextmanager
def refusal_in_one_line():
    """Around a program's start (manage.py, WSGI/ASGI, Celery): a refused variable ends it
    with its one line on stderr instead of a traceback of the settings' import. Exit status
    3, which gunicorn reads as "worker failed to boot" and stops on instead of retrying."""
    try:
        yield
    except EnvironmentRefused as exc:
        sys.stderr.write(f"{exc}\n")
        raise SystemExit(3) from None


class PortalEnv(environ.Env):
    """django-environ's Env, refusing what it would otherwise misread."""

    def get_value(self, var, cast=None, default=environ.Env.NOTSET, parse_default=False):
        """django-environ's, with a blank value read as not set (for every variable, env()
        and env.path() included; ``$OTHER`` still refers to another variable)."""
        value = self.ENVIRON.get(var)
        if value is None or not value.strip():
            return self.unset(var, default)
        if value.startswith("$") and not PROXY.match(value):
            # Not a reference to another variable ($OTHER) but a value that begins with $,
            # as a generated secret may: taken as written (django-environ would look up a
            # variable named after the rest, and print it in its error).
            return self.parse_value(value, cast) if cast else value
        return super().get_value(var, cast=cast, default=default, parse_default=parse_default)

    def secret(self, var, default=environ.Env.NOTSET):
        """A secret as written: never read as a reference to another variable, and never
        repeated in a message."""
        value = self.ENVIRON.get(var)
        if value is None or not value.strip():
            return self.unset(var, default)
        return value

    def raw(self, var):
        """The variable's text ($OTHER resolved, trimmed), or None where blank or not set."""
        value = self.get_value(var, default=None)
        return value.strip() if isinstance(value, str) and value.strip() else None

    def unset(self, var, default):
        if default is environ.Env.NOTSET:
            raise EnvironmentRefused(f"环境变量 {var} 未设置：必须设置")
        return default

    def bool(self, var, default=environ.Env.NOTSET):
        value = self.raw(var)
        if value is None:
            return self.unset(var, default)
        word = value.lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        refuse(var, value, "应为 true 或 false（也可写 1/0、yes/no、on/off）")

    def int(self, var, default=environ.Env.NOTSET, minimum=0):
        value = self.raw(var)
        if value is None:
            return self.unset(var, default)
        try:
            number = int(value)
        except ValueError:
            number = None
        if number is None or number < minimum:
            refuse(var, value, f"应为不小于 {minimum} 的整数")
        return number

    def choice(self, var, default, choices):
        """One of a few names (a class's dotted path); another is refused here, not at the
        first use of it (TASKS_BACKEND=foo.Bar was django-tasks' traceback at `check`)."""
        value = self.raw(var)
        if value is None:
            return default
        if value not in choices:
            refuse(var, value, "应为 " + "、".join(choices) + " 之一")
        return value

    def list(self, var, cast=None, default=environ.Env.NOTSET):
        value = self.raw(var)
        if value is None:
            return self.unset(var, default)
        return [item.strip() for item in value.split(",") if item.strip()]

    def url_value(self, var, default, schemes, example):
        """A URL whose scheme is one of ``schemes`` and which names a host (or a path, for
        unix sockets and the filesystem broker), with a numeric port if any."""
        value = self.raw(var)
        if value is None:
            return default
        parts = urlsplit(value)
        if parts.scheme.lower() not in schemes or not value.lower().startswith(
            f"{parts.scheme.lower()}://"
        ):
            starts = "、".join(f"{scheme}://" for scheme in sorted(schemes))
            refuse(var, value, f"应为 {starts} 开头的地址，例如 {example}")
        check_port(var, value, parts)
        if not parts.hostname and parts.scheme.lower() not in PATH_SCHEMES:
            refuse(var, value, f"地址中缺少主机名，例如 {example}")
        return value

    def db(self, var="DATABASE_URL", default=environ.Env.NOTSET, **kwargs):
        value = self.raw(var)
        url = value or self.unset(var, default)
        check_port(var, url, urlsplit(url))
        try:
            config = self.db_url_config(url)
        except ValueError:
            config = {}
        # PostgreSQL may name everything in a service file instead (postgres:///?service=portal,
        # ~/.pg_service.conf or PGSERVICEFILE), as Django supports.
        service = config.get("ENGINE") == "django.db.backends.postgresql" and (
            config.get("OPTIONS", {}).get("service")
        )
        if config.get("ENGINE") not in DATABASE_ENGINES or not (config.get("NAME") or service):
            refuse(
                var,
                value,
                "应为 postgres://用户:密码@主机:端口/库名、postgres:///?service=服务名"
                " 或 sqlite:////绝对路径/portal.sqlite3",
            )
        return config

    def email_url(self, var="EMAIL_URL", default=environ.Env.NOTSET, **kwargs):
        value = self.raw(var)
        if value is None:
            return self.email_url_config(self.unset(var, default))
        parts = urlsplit(value)
        check_port(var, value, parts)
        # django-environ's smtps:// is STARTTLS (EMAIL_USE_TLS), which hangs on port 465, the
        # implicit-TLS port many Chinese mail services give.
        if parts.scheme in ("smtps", "smtp+tls") and parts.port == 465:
            refuse(var, value, "端口 465 是 SSL 直连端口，应写 smtp+ssl://…:465（STARTTLS 用 587）")
        try:
            config = self.email_url_config(value)
        except (ValueError, ImproperlyConfigured):
            config = None
        smtp = config and config["EMAIL_BACKEND"].endswith("smtp.EmailBackend")
        if not config or (smtp and not config.get("EMAIL_HOST")):
            refuse(
                var,
                value,
                "应为 smtp+tls://（STARTTLS，端口 587）、smtp+ssl://（端口 465）或 smtp:// 开头的"
                "地址，例如 smtp+tls://用户:密码@smtp.example.edu.cn:587",
            )
        return config

    def rate(self, var, default):
        value = self.raw(var) or default
        if not RATE.match(value):
            refuse(
                var,
                value,
                "应为 次数/时间单位（小写），例如 5/m（每分钟 5 次）、100/h、20/10m；"
                "单位为 s、m、h、d",
            )
        return value

    def hosts(self, var, default):
        """Host names as Django's ALLOWED_HOSTS matches them: no scheme, path or port (Django
        drops the request's port before comparing), .a.edu.cn for a.edu.cn and its subdomains."""
        hosts = self.list(var, default=default)
        for host in hosts:
            if not HOST.match(host):
                refuse(
                    var,
                    host,
                    "应只写主机名，不带 http://、路径和端口，多个用逗号分隔，"
                    "例如 www.example.edu.cn,jxvtc.example.edu.cn",
                )
        return hosts

    def origins(self, var):
        """Origins as CSRF_TRUSTED_ORIGINS takes them: Django compares them with the browser's
        Origin header as written, so scheme and host in lower case, a port if any, nothing
        after (a trailing / never matches)."""
        origins = self.list(var, default=[])
        for origin in origins:
            parts = urlsplit(origin)
            try:
                parts.port  # noqa: B018 (raises ValueError on a port that is not a number)
            except ValueError:
                parts = None
            if (
                parts is None
                or parts.scheme not in ("http", "https")
                or not parts.hostname
                or "@" in parts.netloc
                or origin != f"{parts.scheme}://{parts.netloc.lower()}"
            ):
                refuse(
                    var,
                    origin,
                    "应写成 https://主机名[:端口]（小写，带协议，不带路径和结尾的 /），"
                    "多个用逗号分隔，例如 https://www.example.edu.cn",
                )
        return origins


def check_port(var, value, parts):
    try:
        port = parts.port
    except ValueError:
        port = 0
    if port == 0:
        refuse(var, value, "端口应为 1–65535 之间的数字")
