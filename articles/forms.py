from django import forms
from django.utils.translation import gettext_lazy as _

from .models.comments import COMMENT_MAX_LENGTH, NICKNAME_MAX_LENGTH


class _Text(forms.CharField):
    """Text whose limits the comment service checks and explains (in 字, with the count):
    no max_length here, and control characters (NUL, ESC …; spaces and line breaks stay)
    are dropped rather than refused with Django's generic message, or sent back raw in the
    form of a refused comment."""

    def __init__(self, **kwargs):
        # Kept as typed (the service trims it): a refused text is shown again as it was.
        super().__init__(strip=False, **kwargs)

    def to_python(self, value):
        text = super().to_python(value)
        return "".join(ch for ch in text if ch.isprintable() or ch.isspace())


class CommentForm(forms.Form):
    nickname = _Text(
        label=_("昵称（选填）"),
        required=False,
        widget=forms.TextInput(attrs={"maxlength": NICKNAME_MAX_LENGTH}),
    )
    content = _Text(
        label=_("评论内容"),
        required=False,  # emptiness is refused by the service, with its own message
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": COMMENT_MAX_LENGTH}),
    )
    # Honeypot: hidden from people by CSS and aria-hidden; bots fill every field.
    website = forms.CharField(label=_("网址"), required=False)
