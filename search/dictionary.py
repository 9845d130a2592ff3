"""The editors' dictionary as the segmenter sees it."""

from __future__ import annotations

from django.db.models import Count, Max

from .models import DictionaryWord, SynonymGroup
from .text import Dictionary


def current_version() -> str:
    """Changes whenever a word or synonym group is added, edited or deleted."""
    words = DictionaryWord.objects.aggregate(n=Count("pk"), t=Max("updated_at"))
    groups = SynonymGroup.objects.aggregate(n=Count("pk"), t=Max("updated_at"))
    return f"{words['n']}:{words['t']}|{groups['n']}:{groups['t']}"


def load_dictionary(version: str) -> Dictionary:
    words = tuple(DictionaryWord.objects.values_list("word", flat=True))
    groups = tuple(group.normalized_words() for group in SynonymGroup.objects.all())
    return Dictionary(words=words, synonym_groups=groups, version=version)
