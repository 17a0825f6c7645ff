"""django-axes's lockout check, for logins that come through a web request.

Axes refuses to authenticate without a request (``AxesBackendRequestParameterRequired``); an
authentication with no request (the test client's ``login``, a management command) cannot be a remote
guessing attempt, so it is let through to the next backend unchecked instead of failing."""

from axes.backends import AxesStandaloneBackend


class LockoutBackend(AxesStandaloneBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
