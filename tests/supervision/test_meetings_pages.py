"""The meetings register's pages: minutes limits (nothing written on a refusal), the scoped and audited
minutes download, scope (a sibling county neither sees nor changes), the federation's view, the API."""

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gonghui.core.models import AuditEvent
from gonghui.supervision import meetings
from gonghui.supervision.models import Meeting
from tests.supervision.tasks_helpers import PDF, pdf

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 2)


def form(**extra):
    data = {
        "kind": Meeting.Kind.JOINT,
        "held_on": DAY.isoformat(),
        "title": "镜湖区联席会议",
        "participants": "区政府、区总工会",
        "issues_raised": "2",
        "issues_solved": "1",
        "issues": "解决两新组织建会经费",
    }
    data.update(extra)
    return data


def stored_files() -> list[Path]:
    return [p for p in Path(settings.PRIVATE_FILES_ROOT).rglob("*") if p.is_file()]


def text(response) -> str:
    return response.content.decode()


@pytest.mark.parametrize(
    ("file", "message"),
    [
        (SimpleUploadedFile("大.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024)), "超过 10 MB 的上限"),
        (SimpleUploadedFile("程序.exe", b"MZ\x90\x00\x03"), "的类型不允许"),
        (SimpleUploadedFile("表格.xlsx", b"PK\x03\x04rest"), "的类型不允许"),  # not a minutes kind
        (SimpleUploadedFile("改名.pdf", b"MZ\x90\x00\x03\x00\x00\x00"), "扩展名与内容不符"),
    ],
)
def test_minutes_limits_refuse_and_write_nothing(as_user, registry, file, message):
    client = as_user("jinghu")
    files, audits = stored_files(), AuditEvent.objects.filter(action=AuditEvent.Action.CREATE).count()
    response = client.post(reverse("supervision:meeting-add"), form(minutes_file=file))
    assert response.status_code == 200 and message in text(response)
    assert not Meeting.objects.exists()
    assert stored_files() == files
    assert AuditEvent.objects.filter(action=AuditEvent.Action.CREATE).count() == audits


def test_a_county_records_with_minutes_and_the_download_is_scoped_and_audited(as_user, registry, client):
    as_user("jinghu")
    response = client.post(reverse("supervision:meeting-add"), form(minutes_file=pdf("纪要<1>.pdf")))
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert meeting.union == registry.unions["jinghu"] and meeting.minutes_name == "纪要_1_.pdf"
    assert meeting.recorded_by == registry.users["jinghu"]
    # Sealed at rest: the stored bytes are not the PDF.
    assert not Path(meeting.minutes.path).read_bytes().startswith(b"%PDF-")
    url = reverse("supervision:meeting-minutes", args=[meeting.pk])
    downloads = AuditEvent.objects.filter(action=AuditEvent.Action.DOWNLOAD)
    as_user("jiujiang")
    assert client.get(url).status_code == 404 and not downloads.exists()
    for who in ("jinghu", "wuhu"):
        as_user(who)
        response = client.get(url)
        assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    rows = downloads.filter(object_type="supervision.meeting", object_id=str(meeting.pk))
    assert [r.user for r in rows.order_by("pk")] == [registry.users["jinghu"], registry.users["wuhu"]]
    assert "纪要_1_.pdf" in rows.first().detail


def test_a_sibling_neither_sees_nor_changes_and_the_city_sees_but_does_not_record(as_user, registry, client):
    jinghu = registry.unions["jinghu"]
    data = meetings.MeetingInput(kind=Meeting.Kind.OPENNESS, held_on=DAY, title="镜湖区厂务公开领导小组会议")
    meeting = meetings.record_meeting(jinghu, data, actor=registry.users["jinghu"])
    as_user("jiujiang")
    assert client.get(meeting.get_absolute_url()).status_code == 404
    assert "镜湖区厂务公开领导小组会议" not in text(client.get(reverse("supervision:meeting-list")))
    edit = reverse("supervision:meeting-edit", args=[meeting.pk])
    assert client.post(edit, form(title="越权修改")).status_code == 404
    assert client.post(reverse("supervision:meeting-delete", args=[meeting.pk])).status_code == 404
    meeting.refresh_from_db()
    assert meeting.title == "镜湖区厂务公开领导小组会议"
    assert not AuditEvent.objects.filter(action__in=["update", "delete"], object_type="supervision.meeting")
    # The city sees its counties' meetings, filtered by county, kind and year; it records none itself.
    as_user("wuhu")
    listing = reverse("supervision:meeting-list")
    assert "镜湖区厂务公开领导小组会议" in text(client.get(listing, {"union": jinghu.pk, "year": 2026}))
    assert "镜湖区厂务公开领导小组会议" not in text(client.get(listing, {"kind": Meeting.Kind.JOINT}))
    assert "镜湖区厂务公开领导小组会议" not in text(client.get(listing, {"year": 2025}))
    assert reverse("supervision:meeting-add") not in text(client.get(listing))
    assert client.get(edit).status_code == 404
    response = client.post(reverse("supervision:meeting-add"), form(title="市总代登记"))
    assert response.status_code == 200 and "只有县级工会可以登记" in text(response)
    assert Meeting.objects.count() == 1


def test_the_county_edits_and_deletes_its_own(as_user, registry, client, django_capture_on_commit_callbacks):
    as_user("jinghu")
    client.post(reverse("supervision:meeting-add"), form(minutes_file=pdf("纪要.pdf")))
    meeting = Meeting.objects.get()
    old_file = Path(meeting.minutes.path)
    page = text(client.get(meeting.get_absolute_url()))
    assert reverse("supervision:meeting-edit", args=[meeting.pk]) in page
    edit = reverse("supervision:meeting-edit", args=[meeting.pk])
    response = client.post(edit, form(issues_solved="3"))
    assert response.status_code == 200 and "解决问题数不能多于提出问题数" in text(response)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(edit, form(issues_solved="2", minutes_file=pdf("新纪要.pdf"))).status_code == 302
    meeting.refresh_from_db()
    assert meeting.issues_solved == 2 and meeting.minutes_name == "新纪要.pdf"
    assert not old_file.exists()  # the replaced minutes left the disk once committed
    new_file = Path(meeting.minutes.path)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("supervision:meeting-delete", args=[meeting.pk])).status_code == 302
    assert not Meeting.objects.exists() and not new_file.exists()


def test_api_lists_and_reads_in_scope(as_user, registry, client):
    data = meetings.MeetingInput(kind=Meeting.Kind.TRIPARTITE, held_on=DAY, title="鸠江区三方四家会议")
    meeting = meetings.record_meeting(registry.unions["jiujiang"], data)
    as_user("jinghu")
    assert client.get("/api/v1/supervision/meetings").json()["items"] == []
    assert client.get(f"/api/v1/supervision/meetings/{meeting.pk}").status_code == 404
    as_user("wuhu")
    rows = client.get("/api/v1/supervision/meetings", {"kind": "tripartite"}).json()["items"]
    assert [(r["id"], r["kind_label"], r["has_minutes"]) for r in rows] == [
        (meeting.pk, "三方四家会议", False)
    ]
    one = client.get(f"/api/v1/supervision/meetings/{meeting.pk}").json()
    assert one["union"] == "鸠江区总工会" and one["held_on"] == DAY.isoformat()
