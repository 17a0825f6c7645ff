"""Server errors (issue 11): the user sees a Chinese 500 page with a request id; the log holds the
traceback under the same id."""

import logging

from django.test import Client, override_settings


@override_settings(ROOT_URLCONF="tests.core.urls_failing", DEBUG=False)
def test_a_failing_view_shows_a_chinese_page_with_the_request_id_and_logs_the_traceback(db, caplog):
    client = Client(raise_request_exception=False)
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get("/failing/")
    assert response.status_code == 500
    page = response.content.decode()
    request_id = response["X-Request-ID"]
    assert len(request_id) == 12
    assert "系统内部错误" in page and request_id in page
    assert "RuntimeError" not in page and "Traceback" not in page
    records = [r for r in caplog.records if r.name == "django.request" and r.levelno == logging.ERROR]
    assert len(records) == 1
    record = records[0]
    assert record.exc_info and isinstance(record.exc_info[1], RuntimeError)
    # The configured handler writes the line with the same id and the whole traceback.
    console = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    assert console.filter(record)
    line = console.format(record)
    assert f"[请求 {request_id}]" in line
    assert "Traceback (most recent call last)" in line and "测试用的故意错误" in line


def test_every_response_has_its_own_request_id(db):
    client = Client()
    first, second = client.get("/accounts/login/"), client.get("/accounts/login/")
    assert first["X-Request-ID"] != second["X-Request-ID"]


def test_a_client_supplied_request_id_is_not_trusted(db):
    response = Client().get("/accounts/login/", headers={"X-Request-ID": "forged"})
    assert response["X-Request-ID"] != "forged"
