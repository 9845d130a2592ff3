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
