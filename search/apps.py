from django.apps import AppConfig


class SearchConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "search"
    verbose_name = "搜索"

    def ready(self):
        from . import signals  # noqa: F401

        self._promotions_keyed_like_counts()

    @staticmethod
    def _promotions_keyed_like_counts() -> None:
        """Wagtail stores a promotion's query (and looks queries up in its chooser) only
        lower-cased; readers' searches are counted under search.querylog.query_key (黨建 →
        党建, ＡＩ → ai, quotes dropped). Its models and views read the module-level
        normalise_query_string, with no setting to change it, so it is pointed at ours: a
        promotion typed as 紅船學院 is the 红船学院 the report counts."""
        from wagtail.contrib.search_promotions import models
        from wagtail.contrib.search_promotions.views import settings as views

        from .querylog import query_key

        models.normalise_query_string = query_key
        views.normalise_query_string = query_key
