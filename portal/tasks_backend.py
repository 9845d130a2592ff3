"""A django-tasks backend that runs Wagtail's background tasks on Celery.

Wagtail 8 queues its background work (reference index, image focal points, file deletion,
frontend cache purges …) through django-tasks, often from inside a transaction. This backend
sends each task to Celery only once the transaction commits, so a worker never looks for a
row that is not there yet (or never will be, after a rollback).

    TASKS = {"default": {"BACKEND": "portal.tasks_backend.CeleryBackend"}}

Hand-written because the packaged bridge (django-tasks-celery) needs Django 6 / Python 3.12.
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks.backends.base import BaseTaskBackend
from django_tasks.base import Task, TaskContext, TaskResult, TaskResultStatus
from django_tasks.utils import get_module_path, get_random_id, normalize_json

from portal import broker

logger = logging.getLogger(__name__)


class CeleryBackend(BaseTaskBackend):
    supports_defer = True  # run_after becomes the Celery ETA
    supports_priority = False

    def enqueue(self, task: Task, args, kwargs) -> TaskResult:
        self.validate_task(task)
        result = TaskResult(
            task=task,
            id=get_random_id(),
            status=TaskResultStatus.READY,
            enqueued_at=None,
            started_at=None,
            last_attempted_at=None,
            finished_at=None,
            args=normalize_json(list(args)),
            kwargs=normalize_json(dict(kwargs)),
            backend=self.alias,
            errors=[],
            worker_ids=[],
        )
        path = get_module_path(task.func)
        message = {
            "args": [path, result.id, result.args, result.kwargs],
            "eta": task.run_after,
            "queue": None if task.queue_name == "default" else task.queue_name,
        }

        def send():
            try:
                broker.send(
                    run_django_task,
                    **{k: v for k, v in message.items() if v is not None},
                    retry_policy={"max_retries": 1, "interval_start": 0, "interval_step": 0.2},
                )
            except broker.BrokerUnavailable:  # the outage is logged once, there
                run_here(path, result, task.run_after)

        object.__setattr__(result, "enqueued_at", timezone.now())
        transaction.on_commit(send, robust=True)
        return result


def run_here(path: str, result: TaskResult, run_after) -> None:
    """The broker is unreachable: run the task in this process now, as Django's immediate
    backend would, rather than lose it (a reference-index update, a file deletion). Wagtail
    queues none for later; one that was can only be reported."""
    if run_after is not None and run_after > timezone.now():
        logger.error("broker unreachable; %s (due %s) not run", path, run_after.isoformat())
        return
    logger.debug("broker unreachable; %s run in this process", path)
    run_django_task(path, result.id, result.args, result.kwargs)


@shared_task(name="portal.run_django_task", acks_late=True)
def run_django_task(path: str, result_id: str, args: list, kwargs: dict):
    """Run one django-tasks task (by its module path) in a Celery worker."""
    task = import_string(path)
    if not isinstance(task, Task):  # the plain function: find the Task wrapping it
        raise TypeError(f"{path} is not a django-tasks task")
    if task.takes_context:
        now = timezone.now()
        result = TaskResult(
            task=task, id=result_id, status=TaskResultStatus.RUNNING, enqueued_at=None,
            started_at=now, last_attempted_at=now, finished_at=None, args=args, kwargs=kwargs,
            backend=task.backend, errors=[], worker_ids=[],
        )  # fmt: skip
        return normalize_json(task.call(TaskContext(task_result=result), *args, **kwargs))
    return normalize_json(task.call(*args, **kwargs))
