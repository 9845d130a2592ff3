from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import DictionaryWord, SynonymGroup
from .text import invalidate_segmenter


@receiver([post_save, post_delete], sender=DictionaryWord)
@receiver([post_save, post_delete], sender=SynonymGroup)
def dictionary_changed(sender, instance, **kwargs) -> None:
    from .tasks import reindex_for_dictionary_change

    # This process sees the change at once; the others within DICTIONARY_RECHECK_SECONDS.
    invalidate_segmenter()
    words = [instance.word] if sender is DictionaryWord else list(instance.normalized_words())
    transaction.on_commit(lambda: reindex_for_dictionary_change.delay(words))
