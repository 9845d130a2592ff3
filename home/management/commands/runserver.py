"""Django's development server (with staticfiles' serving), stopped by SIGTERM as by Ctrl-C.

`scripts/run.sh` (and any supervisor) stops the server with SIGTERM, and a background job of
a non-interactive shell has SIGINT ignored. Python's default on SIGTERM ends the process at
once, without its exit hooks: readers' view and search counts still held in memory
(portal.batching writes them every 30 s and at exit) were lost. Here SIGTERM ends the server
as Ctrl-C does, so the exit hooks run. Gunicorn, in production, has signal handling of its
own and never runs this command.
"""

from __future__ import annotations

import signal
import sys

from django.contrib.staticfiles.management.commands.runserver import Command as StaticCommand


def _stop(signum, frame):
    sys.exit(0)


class Command(StaticCommand):
    def handle(self, *args, **options):
        signal.signal(signal.SIGTERM, _stop)
        if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
            signal.signal(signal.SIGINT, signal.default_int_handler)
        return super().handle(*args, **options)
