from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
PORTAL_SERVE_MEDIA = True  # no web server in front (portal/urls.py), with or without DEBUG
# Serve static files straight from the apps: no collectstatic on the embedded set-up.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
