import os

from django.core.asgi import get_asgi_application

from portal.settings.environment import refusal_in_one_line

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.production")
with refusal_in_one_line():  # a refused variable: its one line, not a traceback
    application = get_asgi_application()
