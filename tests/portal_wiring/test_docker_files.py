"""docker/: the production image and compose file, checked without a Docker engine (none on
these machines): what they run exists, what they set is read by the settings, and the
example configuration passes Django's deployment checks."""

import re
import secrets
from pathlib import Path

import yaml

from tests.portal_wiring.test_production_settings import manage

REPO = Path(__file__).resolve().parents[2]
DOCKER = REPO / "docker"
READ_BY_SETTINGS = {
    match
    for path in (REPO / "portal" / "settings").glob("*.py")
    for match in re.findall(r'env(?:\.\w+)?\(\s*"([A-Z_]+)"', path.read_text())
} | {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}


def compose() -> dict:
    return yaml.safe_load((DOCKER / "compose.yaml").read_text())


def example_env() -> dict[str, str]:
    lines = (DOCKER / "portal.env.example").read_text().splitlines()
    pairs = [line.split("=", 1) for line in lines if line and not line.startswith("#")]
    return {key: value for key, value in pairs}


def test_the_compose_file_runs_the_portal_its_services_and_one_beat():
    services = compose()["services"]
    assert set(services) == {
        "migrate", "web", "worker", "beat", "proxy", "postgres", "redis", "opensearch"
    }  # fmt: skip
    commands = {name: services[name].get("command") for name in ("migrate", "worker", "beat")}
    # The schema, then 三审 for every site: migrate alone left Wagtail's one-stage default.
    assert commands["migrate"][:2] == ["sh", "-c"]
    assert commands["migrate"][2].split(" && ") == [
        "python manage.py migrate --no-input",
        "python manage.py setup_review",
    ]
    assert commands["worker"][:4] == ["celery", "-A", "portal", "worker"]
    assert commands["beat"][:4] == ["celery", "-A", "portal", "beat"]
    assert "deploy" not in services["beat"]  # one beat: two would queue every sweep twice
    for name in ("web", "worker", "beat"):
        assert services[name]["depends_on"]["migrate"]["condition"] == (
            "service_completed_successfully"
        )
        assert services[name]["restart"] == "always"
    dockerfile = (DOCKER / "Dockerfile").read_text()
    assert '"gunicorn", "portal.wsgi"' in dockerfile and (REPO / "portal" / "wsgi.py").exists()
    # gunicorn 27's control socket goes under $HOME (/app, not the portal user's): refused.
    assert '"--no-control-socket"' in dockerfile
    # The web answers /healthz (portal.health); the proxy waits for it, the worker is pinged.
    probe = services["web"]["healthcheck"]["test"]
    assert probe[:3] == ["CMD", "python", "-c"] and "http://127.0.0.1:8000/healthz" in probe[3]
    compile(probe[3], "healthcheck", "exec")
    assert services["proxy"]["depends_on"]["web"]["condition"] == "service_healthy"
    assert "inspect ping" in services["worker"]["healthcheck"]["test"][1]


def test_what_the_docker_files_set_is_what_the_settings_read():
    portal = compose()["services"]["web"]
    dockerfile = (DOCKER / "Dockerfile").read_text()
    env_block = re.search(r"^ENV (.*?)\n\n", dockerfile, re.S | re.M).group(1)
    portal_in_image = re.findall(r"([A-Z_]+)=", env_block)
    set_for_portal = [*portal["environment"], *example_env(), *portal_in_image]
    not_read = [
        name
        for name in set_for_portal
        if name not in READ_BY_SETTINGS and not name.startswith(("PYTHON", "PIP_", "TZ"))
    ]
    assert not_read == []
    assert portal["environment"]["DJANGO_SETTINGS_MODULE"] == "portal.settings.production"
    for source in re.findall(r"^COPY (\S+(?: \S+)*) \S+$", dockerfile, re.M):
        for path in source.split():
            assert (REPO / path).exists() or path == ".", path


def test_the_example_configuration_passes_the_deployment_checks(tmp_path):
    settings = {**example_env(), "SECRET_KEY": secrets.token_urlsafe(50)}
    settings.update(SECURE_SSL_REDIRECT="true", SECURE_HSTS_SECONDS="31536000",
                    SECURE_HSTS_INCLUDE_SUBDOMAINS="true", SECURE_HSTS_PRELOAD="true")  # fmt: skip
    done = manage(tmp_path, "check", "--deploy", "--fail-level", "WARNING", **settings)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_image_leaves_out_local_state():
    """The build context is the repository root: the virtualenv, var/ (databases, media, the
    broker) and a filled-in portal.env must not go into the image."""
    ignored = (DOCKER / "Dockerfile.dockerignore").read_text().split()
    assert {".venv", "var", "node_modules", ".git", "docker/portal.env"} <= set(ignored)


def test_the_proxy_serves_uploaded_images_but_not_document_files():
    """Django serves no media in production (uploaded images were a 404): nginx serves them
    from the web container's volume; documents stay behind Wagtail's privacy check."""
    services = compose()["services"]
    proxy, web = services["proxy"], services["web"]
    assert "media:/data/media:ro" in proxy["volumes"]
    assert "media:/data/media" in web["volumes"]
    assert "/data/media" in (DOCKER / "Dockerfile").read_text()  # MEDIA_ROOT in the image
    assert "ports" not in web and proxy["ports"] == ["127.0.0.1:8000:80"]
    conf = (DOCKER / "nginx.conf").read_text()
    mount = next(v for v in proxy["volumes"] if v.startswith("./nginx.conf:"))
    assert (DOCKER / mount.split(":")[0]).exists()
    locations = dict(re.findall(r"location ([^{]+?) \{(.*?)\}", conf, re.S))
    assert "return 404" in locations["^~ /media/documents/"]
    assert "return 404" in locations["~ ^/healthz/?$"]  # the probe calls gunicorn directly
    assert "alias /data/media/;" in locations["/media/"]
    # A file opened from /media/ runs no script on the portal's origin.
    assert re.search(
        r"Content-Security-Policy \"[^\"]*\bsandbox\b[^\"]*\" always;", locations["/media/"]
    )
    web_address = re.search(r"set (\$\w+) http://web:8000;", locations["/"])
    assert f"proxy_pass {web_address.group(1)};" in locations["/"]  # looked up again, not once
    assert "resolver 127.0.0.11" in locations["/"]
    assert "$proxy_add_x_forwarded_for" in locations["/"]
    assert services["web"]["environment"]["TRUSTED_PROXY_COUNT"] == "${TRUSTED_PROXY_COUNT:-2}"


def test_the_images_collectstatic_step_loads_the_production_settings(tmp_path):
    """The build runs collectstatic with production settings and only the variables its RUN
    line sets: a variable production newly requires must be given there too."""
    dockerfile = (DOCKER / "Dockerfile").read_text()
    step = re.search(
        r"^RUN ((?:[A-Z_]+=\S+ \\\n\s*)+)python manage.py collectstatic", dockerfile, re.M
    )
    assert step, "the collectstatic step"
    given = dict(re.findall(r"([A-Z_]+)=(\S+)", step.group(1)))
    # Only what the step gives: the test environment's database and Redis taken away.
    environment = {"DATABASE_URL": "", "REDIS_URL": "", **given}
    done = manage(tmp_path, "collectstatic", "--no-input", "--dry-run", "-v", "0",
                  STATIC_ROOT=str(tmp_path / "static"), **environment)  # fmt: skip
    assert done.returncode == 0, done.stderr


WSGI_ECHO = """
def app(environ, start_response):
    body = str(len(environ.get("QUERY_STRING", ""))).encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
"""


def test_the_images_web_server_takes_a_search_of_2000_chinese_characters(tmp_path):
    """A query of 2,000 Chinese characters (the issue's bad input) is an 18 KB request line:
    gunicorn's default limit (4,094 bytes) answered one of 450 characters with an English 414
    before the portal could say anything. The image's gunicorn flags, run here for real (with
    an app that echoes the query's length in place of the portal); nginx.conf's buffers let the
    same line through to it, and answer a longer one with a page in Chinese."""
    import json
    import socket
    import subprocess
    import sys
    import time
    import urllib.error
    import urllib.parse
    import urllib.request

    dockerfile = (DOCKER / "Dockerfile").read_text()
    cmd = json.loads(
        re.search(r"^CMD (\[.*?\])", dockerfile, re.S | re.M).group(1).replace("\\\n", "")
    )
    assert cmd[:2] == ["gunicorn", "portal.wsgi"]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    args = cmd[2:]
    args[args.index("--bind") + 1] = f"127.0.0.1:{port}"
    args[args.index("--workers") + 1] = "1"
    (tmp_path / "echo.py").write_text(WSGI_ECHO)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "echo:app", "--chdir", str(tmp_path), *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        query = urllib.parse.quote("思政" * 1000)
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/search/?q={query}") as r:
                    assert r.status == 200 and r.read() == str(len("q=" + query)).encode()
                break
            except urllib.error.URLError as exc:  # a 414 (an HTTPError) is raised
                if not isinstance(exc.reason, ConnectionError):
                    raise
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
    finally:
        server.terminate()
        server.wait(10)
    conf = (DOCKER / "nginx.conf").read_text()
    count, size = re.search(r"large_client_header_buffers (\d+) (\d+)k;", conf).groups()
    assert int(size) * 1024 > len(f"GET /search/?q={query} HTTP/1.1")
    page = re.search(r"error_page 414 (\S+);", conf).group(1)
    locations = dict(re.findall(r"location ([^{]+?) \{(.*?)\}", conf, re.S))
    assert "internal;" in locations[f"= {page}"] and "网址过长" in locations[f"= {page}"]
