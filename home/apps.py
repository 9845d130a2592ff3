import functools
import unicodedata

from django.apps import AppConfig
from django.core.exceptions import ValidationError


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

        # Wagtail reads an upload's size in pixels catching only decompression bombs: a
        # truncated PNG or JPEG raised Pillow's own error there, a 500 in the admin's upload
        # forms and an English line that failed the article in an import. It is refused
        # as Django refuses a broken image (请上传一张有效的图片…).
        from wagtail.images.fields import WagtailImageField

        check = WagtailImageField.check_image_pixel_size
        if not getattr(check, "refuses_broken_images", False):
            WagtailImageField.check_image_pixel_size = broken_images_refused(check)


def broken_images_refused(check):
    @functools.wraps(check)
    def checked(field, f):
        try:
            return check(field, f)
        except ValidationError:
            raise
        except Exception as exc:  # Pillow's many kinds: UnidentifiedImageError, OSError …
            raise ValidationError(
                field.error_messages["invalid_image"], code="invalid_image"
            ) from exc

    checked.refuses_broken_images = True
    return checked
