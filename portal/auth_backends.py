"""django-axes' lockout check, for logins that come with a request."""

from axes.backends import AxesBackend


class LoginAttemptsBackend(AxesBackend):
    """The admin's login form passes its request: that is what password guessing goes
    through, and what is counted and locked. authenticate() called without one (a management
    shell, the test client's login()) is no attempt from outside; django-axes would raise.

    First in AUTHENTICATION_BACKENDS (the lockout is checked before a password is), and a
    ModelBackend (AxesBackend's base) for what code expects of the first backend (get_user:
    Wagtail's test utilities log in with it); it authenticates no one itself."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)
