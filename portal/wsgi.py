import os

from django.core.wsgi import get_wsgi_application

from portal.settings.environment import refusal_in_one_line

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.production")
with refusal_in_one_line():  # a refused variable: its one line, not a traceback
    application = get_wsgi_application()
