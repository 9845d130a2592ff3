from django.apps import AppConfig


class SearchConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "search"
    verbose_name = "搜索"

    def ready(self):
        from . import signals  # noqa: F401

        self._promotions_keyed_like_counts()
        self._promotion_lists_searched_like_counts()

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

        from django.core.exceptions import ValidationError
        from wagtail.contrib.search_promotions.forms import QueryForm

        def clean_query_string(form):
            # A term of only marks (！！) is stored as "" and matches no reader's search.
            value = form.cleaned_data["query_string"]
            if not query_key(value):
                raise ValidationError("搜索词只有标点或空白：请填写读者会搜索的词语。")
            return value

        QueryForm.clean_query_string = clean_query_string

    @staticmethod
    def _promotion_lists_searched_like_counts() -> None:
        """The 推广搜索结果 list and the 搜索词报告 hold queries in that normalised form, and
        their search boxes compare what the editor types (icontains): 紅船學院 or ＡＩ found
        nothing. The typed text is normalised first; the views are Wagtail's, registered by
        its own hooks, so their search method is wrapped (as the function above is pointed)."""
        from wagtail.contrib.search_promotions.views.reports import SearchTermsReportView
        from wagtail.contrib.search_promotions.views.settings import IndexView

        from .querylog import query_key

        for view in (IndexView, SearchTermsReportView):
            searched_as_typed = view.search_queryset

            def search_queryset(self, queryset, _searched_as_typed=searched_as_typed):
                if self.is_searching:
                    self.search_query = query_key(self.search_query) or self.search_query
                return _searched_as_typed(self, queryset)

            view.search_queryset = search_queryset
