"""A URLconf of portal.urls' media patterns alone, built when (re)loaded."""

from portal.urls import media_patterns

urlpatterns = media_patterns()
