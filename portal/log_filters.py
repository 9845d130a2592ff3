"""Logging filters (wired in portal.settings.base LOGGING)."""

import logging


class UnreachableEngineWithoutTraceback(logging.Filter):
    """opensearch-py logs a request that failed below HTTP (refused, reset, timed out) with
    its traceback. While the engine is down that is every save and every search; the one-line
    message (method, URL, status N/A, duration) says it all, since the portal answers from
    the database and records the update for replay (search.backends.opensearch)."""

    def filter(self, record: logging.LogRecord) -> bool:
        # opensearch-py attaches a traceback only to failures below HTTP (refused, reset,
        # timed out: urllib3's errors, OSError), logged inside its except block; a refused
        # query is logged with its status and no traceback.
        from urllib3.exceptions import HTTPError

        if record.exc_info and isinstance(record.exc_info[1], HTTPError | OSError):
            record.exc_info = None
            record.exc_text = None
        return True


class BrokerWithoutHostname(logging.Filter):
    """kombu warns "No hostname was supplied. Reverting to default 'localhost'" whenever it
    connects to a broker URL without a host. The embedded default's `filesystem://` broker has
    none by design, so each command that queues a task (an import, load_demo) ended with it."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("No hostname was supplied.")


def _lost_connection(exc: BaseException) -> bool:
    """A connection refused, reset or timed out, whichever library raised it (redis-py's and
    kombu's errors are not OSErrors)."""
    names = {cls.__name__ for cls in type(exc).__mro__}
    return isinstance(exc, OSError) or bool(
        names & {"ConnectionError", "TimeoutError", "OperationalError"}
    )


class LostConnectionInOneLine(logging.Filter):
    """Celery beat logs a task it could not send, Redis being down, with its traceback and
    the whole call stack in the message: 577 lines in 30 s. The one line says what happened;
    the sweep's next run (10 s) sends again."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if exc is not None and _lost_connection(exc):
            record.exc_info = None
            record.exc_text = None
            if isinstance(record.msg, str) and record.msg.startswith("Message Error"):
                record.msg, record.args = "Message Error: %s", (exc,)
        return True


class WithoutTraceback(logging.Filter):
    """A request for a host not in ALLOWED_HOSTS (scanners, or a site added in the admin and
    not yet listed): Django logs it with a 15-line traceback; its message names the host and
    the setting, which is all an operator needs (manage.py check lists unlisted sites)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.exc_info = None
        record.exc_text = None
        return True
