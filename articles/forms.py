from django import forms
from django.utils.translation import gettext_lazy as _

from .models.comments import COMMENT_MAX_LENGTH, NICKNAME_MAX_LENGTH


class CommentForm(forms.Form):
    nickname = forms.CharField(
        label=_("昵称（选填）"), required=False, max_length=NICKNAME_MAX_LENGTH * 4
    )
    content = forms.CharField(
        label=_("评论内容"),
        required=False,  # emptiness is refused by the service, with its own message
        max_length=COMMENT_MAX_LENGTH * 4,  # the service says the real limit, in 字
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": COMMENT_MAX_LENGTH}),
    )
    # Honeypot: hidden from people by CSS and aria-hidden; bots fill every field.
    website = forms.CharField(label=_("网址"), required=False)
