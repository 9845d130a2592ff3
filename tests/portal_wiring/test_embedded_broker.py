"""The embedded default's Celery broker (kombu's filesystem transport) under a sender and a
worker at once, as beat and the worker of `scripts/run.sh` are."""

import json
import multiprocessing
import time

from kombu import Connection

from tests.portal_wiring.test_production_settings import manage

MESSAGES = 200
PADDING = "思" * 100_000  # a large message: its write takes long enough to be caught midway


def _embedded_broker(tmp_path) -> tuple[str, str | None]:
    """The broker URL and transport the settings give with no REDIS_URL or broker set."""
    done = manage(tmp_path, "shell", "-c",
                  "import json; from django.conf import settings; print(json.dumps("
                  "[settings.CELERY_BROKER_URL, settings.CELERY_BROKER_TRANSPORT]))",
                  DJANGO_SETTINGS_MODULE="portal.settings.dev", REDIS_URL="",
                  CELERY_BROKER_URL="")  # fmt: skip
    assert done.returncode == 0, done.stderr
    url, transport = json.loads(done.stdout.strip().splitlines()[-1])
    return url, transport


def _send(url, transport, options):
    with Connection(url, transport=transport, transport_options=options) as connection:
        queue = connection.SimpleQueue("embedded-race")
        for number in range(MESSAGES):
            queue.put({"number": number, "padding": PADDING})


def test_a_worker_polling_while_messages_are_written_gets_each_whole(tmp_path):
    """kombu wrote into a file already under its final name: a worker polling meanwhile took
    it empty and stopped ("Unrecoverable error: JSONDecodeError"), and the message was lost."""
    url, transport = _embedded_broker(tmp_path)
    assert url.startswith("filesystem://")
    folders = {name: tmp_path / name for name in ("queue", "processed", "control")}
    for folder in folders.values():
        folder.mkdir()
    options = {
        "data_folder_in": str(folders["queue"]),
        "data_folder_out": str(folders["queue"]),
        "processed_folder": str(folders["processed"]),
        "control_folder": str(folders["control"]),
        "store_processed": False,
    }
    received, failures = [], []
    with Connection(url, transport=transport, transport_options=options) as connection:
        queue = connection.SimpleQueue("embedded-race")
        sender = multiprocessing.get_context("spawn").Process(
            target=_send, args=(url, transport, options)
        )
        sender.start()
        deadline = time.monotonic() + 120
        try:
            while (
                len(received) + len(failures) < MESSAGES
                and (sender.is_alive() or any(folders["queue"].iterdir()))
                and time.monotonic() < deadline
            ):
                try:
                    message = queue.get(block=False)
                except queue.Empty:
                    continue
                except ValueError as exc:  # JSONDecodeError: the file taken before its content
                    failures.append(repr(exc))
                    continue
                assert message.payload["padding"] == PADDING
                received.append(message.payload["number"])
                message.ack()
        finally:
            sender.join(60)
    assert sender.exitcode == 0
    assert failures == []
    assert sorted(received) == list(range(MESSAGES))  # each once (names order them by ms only)
