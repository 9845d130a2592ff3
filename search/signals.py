from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import DictionaryWord, SynonymGroup
from .text import invalidate_segmenter


@receiver([post_save, post_delete], sender=DictionaryWord)
@receiver([post_save, post_delete], sender=SynonymGroup)
def dictionary_changed(**kwargs) -> None:
    # This process sees the change at once; the others within DICTIONARY_RECHECK_SECONDS.
    invalidate_segmenter()
