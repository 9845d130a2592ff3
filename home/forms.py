"""The admin's login form, in Chinese (settings.WAGTAILADMIN_USER_LOGIN_FORM)."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.auth import LoginForm


class PortalLoginForm(LoginForm):
    """Wagtail's, with the password field's label (it has none, so Django's English field
    name "Password" showed) and a wrong-password message that reads as Chinese (Wagtail's
    translation gives "用户 用户名 密码不匹配，请重试")."""

    error_messages = {
        **LoginForm.error_messages,
        "invalid_login": _("用户名或密码不正确，请重试。"),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].label = _("密码")
