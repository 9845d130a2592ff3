import unicodedata

from django.apps import AppConfig


def _han(text: str) -> bool:
    return any(unicodedata.name(ch, "").startswith("CJK UNIFIED IDEOGRAPH") for ch in text)


def chinese_full_name(user) -> str:
    """姓名 as Chinese writes it, family name first and no space (赵运维); a Latin name as
    Django writes it (first last)."""
    first, last = user.first_name.strip(), user.last_name.strip()
    if _han(first + last):
        return f"{last}{first}"
    return f"{first} {last}".strip()


class HomeConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "home"
    verbose_name = "站点"

    def ready(self):
        from django.contrib.auth import get_user_model

        from . import (
            checks,  # noqa: F401 (registers the system checks)
            sites,  # noqa: F401 (its receivers note a change of the sites)
        )

        # Wagtail names people by get_full_name() everywhere (history, 工作流, locks, the
        # users list, report filters); Django's puts the given name first: 运维 赵. Django
        # has no setting for the order, and a custom user model cannot replace auth.User
        # after the first migration without moving every table that refers to it.
        get_user_model().get_full_name = chinese_full_name
