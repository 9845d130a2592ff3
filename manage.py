#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
    from django.core.management import execute_from_command_line

    from portal.settings.environment import refusal_in_one_line

    with refusal_in_one_line():  # a refused variable: its one line, not a traceback
        execute_from_command_line(sys.argv)
