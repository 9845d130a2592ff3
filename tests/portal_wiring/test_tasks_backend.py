"""Wagtail's django-tasks run on Celery, and only after the transaction commits."""

import time

import pytest
import redis
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.db import transaction


def test_wagtail_background_tasks_run_on_celery_after_commit(
    celery_worker_on_redis, redis_url, settings, tmp_path
):
    from wagtail.tasks import delete_file_from_storage_task

    settings.TASKS = {"default": {"BACKEND": "portal.tasks_backend.CeleryBackend"}}
    storage = FileSystemStorage(location=str(tmp_path))
    path = storage.save("replaced-image.jpg", ContentFile(b"old rendition"))
    with transaction.atomic():
        result = delete_file_from_storage_task.enqueue(storage.deconstruct(), path)
        time.sleep(1)
        with redis.Redis.from_url(redis_url) as queue:
            assert queue.llen("celery") == 0  # nothing sent while the transaction is open
        assert storage.exists(path)
    assert result.backend == "default"
    deadline = time.monotonic() + 30
    while storage.exists(path) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not storage.exists(path)  # the worker ran Wagtail's task


def test_a_rolled_back_transaction_sends_nothing(
    celery_worker_on_redis, redis_url, settings, tmp_path
):
    from wagtail.tasks import delete_file_from_storage_task

    settings.TASKS = {"default": {"BACKEND": "portal.tasks_backend.CeleryBackend"}}
    storage = FileSystemStorage(location=str(tmp_path))
    path = storage.save("kept.jpg", ContentFile(b"still used"))
    try:
        with transaction.atomic():
            delete_file_from_storage_task.enqueue(storage.deconstruct(), path)
            raise RuntimeError("editor's save failed")
    except RuntimeError:
        pass
    time.sleep(2)
    assert storage.exists(path)


def test_the_embedded_brokers_missing_hostname_is_not_warned_about():
    """kombu warns on every connection to `filesystem://` (no host by design); other kombu
    warnings still show."""
    import logging

    kombu = logging.getLogger("kombu.connection")
    shown: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: shown.append(record.getMessage())
    # Handled here, whatever an earlier test's Celery worker did to propagation, levels or
    # the logger's state; the filter under test sits on the logger itself.
    kombu.addHandler(handler)
    was = kombu.disabled, kombu.level, logging.root.manager.disable
    kombu.disabled, kombu.level = False, logging.WARNING
    logging.disable(logging.NOTSET)
    try:
        kombu.warning("No hostname was supplied. Reverting to default 'localhost'")
        kombu.warning("Connection to broker lost")
    finally:
        kombu.removeHandler(handler)
        kombu.disabled, kombu.level = was[0], was[1]
        logging.disable(was[2])
    assert shown == ["Connection to broker lost"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_task_is_run_here_when_the_broker_is_unreachable(settings, tmp_path, caplog):
    """Wagtail's tasks sent while Redis was down were lost (a reference-index update, a file
    deletion), each with an ERROR and a traceback."""
    import logging

    from wagtail.tasks import delete_file_from_storage_task

    from portal.celery import app

    settings.TASKS = {"default": {"BACKEND": "portal.tasks_backend.CeleryBackend"}}
    working = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:9/0"  # nothing listens there
    app._after_fork()  # producers reconnect with the new URL
    storage = FileSystemStorage(location=str(tmp_path))
    path = storage.save("replaced-image.jpg", ContentFile(b"old rendition"))
    caplog.set_level(logging.WARNING, logger="portal")
    try:
        with transaction.atomic():
            delete_file_from_storage_task.enqueue(storage.deconstruct(), path)
    finally:
        app.conf.broker_url = working
        app._after_fork()
    assert not storage.exists(path)  # run in this process, after the commit
    assert "broker unreachable" in caplog.text
