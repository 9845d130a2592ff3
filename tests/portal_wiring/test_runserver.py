"""The development server (scripts/run.sh's) stops on SIGTERM with its exit hooks run: the
readers' counts a process holds (portal.batching) are written at exit, and were lost."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

SERVER = """
import atexit, sys
import django
django.setup()
atexit.register(lambda: open(sys.argv[1], "w").write("exit hooks ran"))
from django.core.management import call_command
call_command("runserver", f"127.0.0.1:{sys.argv[2]}", "--noreload", "--skip-checks")
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serving(port: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("the development server did not start")


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_the_development_server_runs_its_exit_hooks_when_stopped(tmp_path, stop):
    marker, port = tmp_path / "exited", free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings.test"}
    server = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(marker), str(port)],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        # As a background job of a non-interactive shell (scripts/run.sh) is started.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
    )
    try:
        serving(port)
        server.send_signal(stop)
        assert server.wait(timeout=30) == 0
    finally:
        server.kill()
        server.wait()
    assert marker.read_text() == "exit hooks ran"
