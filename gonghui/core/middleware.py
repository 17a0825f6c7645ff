"""Deny by default, at the door: a signed-in user who governs no node gets 403 on every page that
needs a login, except those that say ``open_without_node`` (the home page, which tells them why)."""

from __future__ import annotations

from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import PermissionDenied

from .scope import home_node

NO_NODE = "您的账号尚未分配所属工会，不能查看或办理业务。请联系安全管理员分配所属工会。"


class NodeRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        view_class = getattr(view_func, "view_class", None)
        login_page = view_class is not None and issubclass(view_class, AccessMixin)
        if (
            login_page
            and not getattr(view_class, "open_without_node", False)
            and request.user.is_authenticated
            and home_node(request.user) is None
        ):
            raise PermissionDenied(NO_NODE)
        return None


class ForbiddenAuditMiddleware:
    """A signed-in user refused a page (HTTP 403) is audited: who asked for what, from where. Probing
    sensitive pages one lacks the right to see is what an auditor looks for. Anonymous requests are not
    written (they are sent to the login page; a CSRF failure of the public form would only fill the log)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if response.status_code == 403 and user is not None and user.is_authenticated:
            from .audit import record
            from .models import AuditEvent

            path = request.get_full_path()[:500]
            record(request, AuditEvent.Action.FORBIDDEN, detail=f"拒绝访问：{request.method} {path}")
        return response


class NationalModeMiddleware:
    """In national mode (settings.GONGHUI_MODE) the instance holds no personal data: the registry's pages
    answer 404 and only the URL namespaces in settings.GONGHUI_NATIONAL_PAGES (login, home, the roll-up)
    are served. Core names no app: the list is the deployment's. In province mode this does nothing."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        from django.conf import settings
        from django.http import Http404

        if getattr(settings, "GONGHUI_MODE", "province") != "national":
            return None
        match = request.resolver_match
        namespace = match.namespaces[0] if match is not None and match.namespaces else ""
        if namespace not in settings.GONGHUI_NATIONAL_PAGES and not request.path.startswith("/static/"):
            raise Http404("全国汇总实例不保存个人信息，不提供此页面")
        return None
