"""Production: every secret and service address comes from the environment."""

from .base import *  # noqa: F403
from .base import env
from .environment import EnvironmentRefused

DEBUG = False  # whatever DEBUG says (portal.settings.dev reads it)
SECRET_KEY = env.secret("SECRET_KEY")  # no default: refuse to start without one
# An empty, toy or published key (docker/portal.env.example's) signs sessions anyone could
# forge; 50 characters is what Django's own deployment check asks for (security.W009).
if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("change-me"):
    raise EnvironmentRefused(
        f"环境变量 SECRET_KEY 无法使用（{len(SECRET_KEY)} 个字符）：应为至少 50 个字符的随机串，"
        "不能用示例中的占位值；可用 python -c 'import secrets; print(secrets.token_urlsafe(50))' "
        "生成"
    )
# The sites' hostnames, no default: with any host accepted, the links in password-reset and
# review mails follow the Host header a request names (an attacker's), and so do sitemaps,
# robots.txt and the API's absolute URLs.
ALLOWED_HOSTS = env.hosts("ALLOWED_HOSTS", default=[])
if not ALLOWED_HOSTS or "*" in ALLOWED_HOSTS:
    raise EnvironmentRefused(
        "环境变量 ALLOWED_HOSTS 无法使用：应列出各站点的主机名，用逗号分隔，不能用 *，"
        "例如 www.example.edu.cn,jxvtc.example.edu.cn"
    )
# Named, not defaulted: a web server, worker or beat started without one of them would run
# on a SQLite file and a filesystem broker of its own under var/, apart from the others.
for name, example in [
    ("DATABASE_URL", "postgres://用户:密码@主机:5432/库名"),
    ("REDIS_URL", "redis://主机:6379/0"),
]:
    if env.raw(name) is None:
        raise EnvironmentRefused(
            f"环境变量 {name} 未设置：生产环境的 web、worker 和 beat 须使用同一个服务，"
            f"例如 {example}"
        )
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
# Off unless the site is served over HTTPS end to end: HSTS cannot be taken back from browsers
# that saw it, and a redirect loop follows if the proxy does not set X-Forwarded-Proto.
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
# Wagtail's review notifications (三审) and password resets: SMTP, e.g.
# smtp+tls://user:password@smtp.example.edu.cn:587 (django-environ's email URL).
globals().update(env.email_url("EMAIL_URL", default="smtp://localhost:25"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="webmaster@localhost")
# The links in those mails: no development default here, so a deployment without it gets
# Wagtail's own check warning (wagtailadmin.W003) instead of mail pointing at 127.0.0.1:8000.
WAGTAILADMIN_BASE_URL = env.url_value(
    "WAGTAILADMIN_BASE_URL", None, {"http", "https"}, "https://www.example.edu.cn"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
