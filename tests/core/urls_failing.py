"""The project's URLs plus one view that fails, for the 500-page test (tests/core/test_server_errors.py)."""

from django.urls import path

from gonghui.urls import handler400, handler500
from gonghui.urls import urlpatterns as project_urlpatterns

__all__ = ["handler400", "handler500", "urlpatterns"]


def failing_view(request):
    raise RuntimeError("测试用的故意错误")


def database_gone_view(request):
    from django.db import OperationalError

    raise OperationalError("server closed the connection unexpectedly")


urlpatterns = [
    path("failing/", failing_view),
    path("database-gone/", database_gone_view),
    *project_urlpatterns,
]
