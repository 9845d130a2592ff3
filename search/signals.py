from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from portal import broker

from .models import DictionaryWord, PendingDictionaryReindex, SynonymGroup
from .text import DICTIONARY_RECHECK_SECONDS, invalidate_segmenter


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
    from .tasks import reindex_for_dictionary_change

    # This process sees the change at once; the others within DICTIONARY_RECHECK_SECONDS.
    invalidate_segmenter()
    words = list(dict.fromkeys([*_words(instance), *getattr(instance, "_portal_words_before", [])]))

    def enqueue() -> None:
        try:
            broker.send(reindex_for_dictionary_change, args=(words,))
            # Once more when every process has read the new dictionary: an article another
            # process indexed meanwhile with the old one is re-indexed then.
            broker.send(
                reindex_for_dictionary_change,
                args=(words,),
                countdown=2 * DICTIONARY_RECHECK_SECONDS,
            )
        except broker.BrokerUnavailable:
            # Kept for the beat's replay once Redis answers: before, the save ended in an
            # exception (the editor's 500) and the word found nothing until someone ran
            # update_index. Not run here: a scan of every indexed object (7.5 s for 13,000
            # articles) would hold the editor's request, past gunicorn's timeout on a large site.
            PendingDictionaryReindex.objects.create(words=words)

    transaction.on_commit(enqueue)
