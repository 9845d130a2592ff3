from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from .models import DictionaryWord, SynonymGroup
from .reindex import queue_reindex
from .text import invalidate_segmenter


def _words(instance) -> list[str]:
    return (
        [instance.word]
        if isinstance(instance, DictionaryWord)
        else list(instance.normalized_words())
    )


@receiver(pre_save, sender=DictionaryWord)
@receiver(pre_save, sender=SynonymGroup)
def remember_words_before_edit(sender, instance, **kwargs) -> None:
    """An edited word's old form: the articles holding it are segmented differently now too."""
    old = sender.objects.filter(pk=instance.pk).first() if instance.pk else None
    instance._portal_words_before = _words(old) if old else []


@receiver([post_save, post_delete], sender=DictionaryWord)
@receiver([post_save, post_delete], sender=SynonymGroup)
def dictionary_changed(sender, instance, **kwargs) -> None:
    # This process sees the change at once; the others within DICTIONARY_RECHECK_SECONDS.
    invalidate_segmenter()
    words = list(dict.fromkeys([*_words(instance), *getattr(instance, "_portal_words_before", [])]))
    transaction.on_commit(lambda: queue_reindex(words))
