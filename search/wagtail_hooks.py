"""The editors' search dictionary in the admin: the word and synonym lists, each with a
search box, since a university's dictionary grows to hundreds of entries."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import IndexView, SnippetViewSet

from portal.admin_guards import PermittedChooserViewSet

from .models import DictionaryWord, SynonymGroup
from .text import normalize


class NormalizedSearchIndexView(IndexView):
    """The rows hold words as search normalises them (红船, ai); an editor types 紅船 or ＡＩ.
    Wagtail's ORM search (icontains) compares what was typed, so the query is normalised the
    same way first."""

    def search_queryset(self, queryset):
        if self.is_searching:
            self.search_query = normalize(self.search_query.strip()) or self.search_query
        return super().search_queryset(queryset)


class DictionaryWordViewSet(SnippetViewSet):
    chooser_viewset_class = PermittedChooserViewSet
    model = DictionaryWord
    index_view_class = NormalizedSearchIndexView
    search_fields = ["word", "note"]
    search_backend_name = None  # the database's icontains: a word is found inside a longer one
    list_display = ["word", "note", "updated_at"]
    list_export = ["word", "note"]
    list_per_page = 50
    menu_label = _("搜索词典词语")


class SynonymGroupViewSet(SnippetViewSet):
    chooser_viewset_class = PermittedChooserViewSet
    model = SynonymGroup
    index_view_class = NormalizedSearchIndexView
    search_fields = ["words"]
    search_backend_name = None
    list_display = ["__str__", "updated_at"]
    list_export = ["words"]
    list_per_page = 50
    menu_label = _("同义词组")


register_snippet(DictionaryWordViewSet)
register_snippet(SynonymGroupViewSet)
