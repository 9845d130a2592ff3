import functools
import re
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

        # A chooser's id that no object can have (a hand-built POST's `abc`, for a 育人号 or a
        # body image) raised ValueError where Wagtail expects only DoesNotExist: a 500 on
        # saving and on every later opening of the draft. It is no object, as a deleted one.
        from wagtail.admin.widgets.chooser import BaseChooser
        from wagtail.blocks.field_block import ChooserBlock

        for cls, name in (
            (BaseChooser, "get_instance"),
            (ChooserBlock, "to_python"),
            (ChooserBlock, "value_from_form"),
        ):
            method = getattr(cls, name)
            if not getattr(method, "bad_ids_are_none", False):
                setattr(cls, name, bad_ids_are_none(method))

        # 设置 → 站点 took http://a.com, c.com/x or d.com:8080 as a hostname, port 0 or 99999,
        # and an article as a site's root: the feeds then gave http://a.com:0/… addresses.
        # Model validators, so Wagtail's own site form (a ModelForm) refuses them.
        from wagtail.models import Site

        fields = {name: Site._meta.get_field(name) for name in ("hostname", "port", "root_page")}
        for name, validator in (
            ("hostname", validate_site_hostname),
            ("port", validate_site_port),
            ("root_page", validate_site_root),
        ):
            if validator not in fields[name].validators:
                fields[name].validators.append(validator)


def bad_ids_are_none(method):
    @functools.wraps(method)
    def looked_up(self, value):
        try:
            return method(self, value)
        except (ValueError, TypeError, OverflowError):  # int("abc"), an id past 2^63
            return None

    looked_up.bad_ids_are_none = True
    return looked_up


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


LABEL = r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?"  # one part of a hostname, between dots
HOSTNAME = re.compile(rf"{LABEL}(\.{LABEL})*", re.IGNORECASE)


def validate_site_hostname(value: str) -> None:
    """A hostname as browsers send it: letters, digits, hyphens and dots (a Chinese domain
    in its xn-- form), without a scheme, a path or a port."""
    if not HOSTNAME.fullmatch(value or ""):
        raise ValidationError(
            "主机名只能由字母、数字、连字符和点组成（如 www.example.edu.cn；中文域名请填写其 "
            "xn-- 形式），不含 http://、路径或端口：端口请填在“端口”一栏。",
            code="invalid_hostname",
        )


def validate_site_port(value: int) -> None:
    if not 1 <= (value or 0) <= 65535:
        raise ValidationError("端口应为 1–65535 之间的整数（网站通常是 80，HTTPS 是 443）。")


def validate_site_root(value) -> None:
    """A site's root is a 首页, not an article or a 栏目 (Wagtail's welcome page, before the
    first import makes the site a portal site, is still taken)."""
    from wagtail.models import Page

    from articles.models import ArticlePage, SectionPage

    page = Page.objects.filter(pk=value).first()
    if page is not None and issubclass(page.specific_class or Page, ArticlePage | SectionPage):
        raise ValidationError("站点的根页面应为首页，不能是文章或栏目。")
