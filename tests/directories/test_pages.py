"""The 名录 pages: lists, edition detail, the confirm page's answers, scope, and the workplace badge."""

import csv

import pytest
from django.urls import reverse

from gonghui.accounts.models import Role, User
from gonghui.core.models import AuditEvent
from gonghui.directories.models import (
    DirectoryEdition,
    DirectoryEntry,
    DirectorySource,
    MatchCandidate,
    MatchMethod,
)
from gonghui.directories.services import create_directory_job
from gonghui.imports.jobs import run_job
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

HEADER = ["统一社会信用代码", "企业名称", "登记状态", "从业人数", "所属区县"]


def import_rows(tmp_path, user, rows, as_of="2026-06-30"):
    import datetime as dt

    path = tmp_path / "名录.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)
    job = create_directory_job(
        user, path, path.name, DirectorySource.objects.get(code="market"), dt.date.fromisoformat(as_of)
    )
    return run_job(job, dry_run=False)


@pytest.fixture
def imported(registry, tmp_path):
    """A 鸠江区 import by the county admin: one code match (鸠江乙公司, 注销), one question (two 鸠江
    workplaces share the normalised name 未建会公司), one new entry."""
    w = registry.workplaces
    from gonghui.orgs.models import Workplace

    Workplace.objects.create(
        name="芜湖鸠江未建会公司",
        region=w["jiujiang_none"].region,
        governing_union=registry.unions["jiujiang"],
    )
    result = import_rows(
        tmp_path,
        registry.users["jiujiang"],
        [
            [w["jiujiang_b"].uscc, "鸠江乙公司", "注销", 60, "鸠江区"],
            ["", "鸠江未建会公司", "存续", 40, "鸠江区"],
            ["", "全新名录单位", "存续", 12, "340207"],
        ],
    )
    assert result.committed and result.extra["uncertain"] == 1
    return DirectoryEntry.objects.get(name="鸠江未建会公司")


def test_pages_render_for_the_county(client, as_user, imported, registry):
    as_user("jiujiang")
    edition = DirectoryEdition.objects.get()
    for url in (
        reverse("directories:entry-list"),
        reverse("directories:edition-list"),
        edition.get_absolute_url(),
        imported.get_absolute_url(),
        reverse("directories:confirm"),
        reverse("directories:confirm") + f"?edition={edition.pk}",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
    body = client.get(reverse("directories:confirm")).content.decode()
    assert "鸠江未建会公司" in body and "芜湖鸠江未建会公司" in body
    assert "全新名录单位" not in body  # a new entry is no question


def test_confirm_page_answer_links_and_audits(client, as_user, imported, registry):
    as_user("jiujiang")
    candidate = imported.candidates.get(workplace=registry.workplaces["jiujiang_none"])
    response = client.post(
        reverse("directories:candidate-confirm", args=[candidate.pk]), {"next": "https://evil.example/"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("directories:confirm")
    imported.refresh_from_db()
    assert (
        imported.workplace == registry.workplaces["jiujiang_none"]
        and imported.match_method == MatchMethod.MANUAL
    )
    assert imported.confirmed_by == registry.users["jiujiang"]
    assert not imported.candidates.filter(decision=MatchCandidate.Decision.PENDING).exists()
    assert (
        AuditEvent.objects.filter(
            object_type="directories.directoryentry", object_id=str(imported.pk)
        ).count()
        == 1
    )


def test_reject_then_new(client, as_user, imported, registry):
    as_user("jiujiang")
    first, second = imported.candidates.order_by("pk")
    client.post(reverse("directories:candidate-reject", args=[first.pk]))
    imported.refresh_from_db()
    assert imported.match_method == MatchMethod.UNCERTAIN  # one candidate still open
    client.post(reverse("directories:entry-new", args=[imported.pk]))
    imported.refresh_from_db()
    second.refresh_from_db()
    assert imported.match_method == MatchMethod.NEW and imported.confirmed_at is not None
    assert second.decision == MatchCandidate.Decision.REJECTED


def test_readonly_and_other_county_cannot_answer(client, as_user, imported, registry):
    candidate = imported.candidates.first()
    as_user("viewer")  # 芜湖市, read-only role
    assert client.post(reverse("directories:candidate-confirm", args=[candidate.pk])).status_code == 403
    client.logout()
    as_user("jinghu")  # another county
    assert client.post(reverse("directories:candidate-confirm", args=[candidate.pk])).status_code == 404
    assert client.post(reverse("directories:entry-new", args=[imported.pk])).status_code == 404
    assert client.get(reverse("directories:confirm")).content.decode().count("confirm-entry") == 0
    imported.refresh_from_db()
    assert imported.match_method == MatchMethod.UNCERTAIN and imported.workplace is None
    assert not MatchCandidate.objects.exclude(decision=MatchCandidate.Decision.PENDING).exists()


def test_township_sees_only_its_territory(client, registry, tmp_path):
    """An entry matched to a workplace a township governs hangs under that township; the township sees
    it and nothing of the county's other entries."""
    w = registry.workplaces
    import_rows(
        tmp_path,
        registry.users["wuhu"],
        [
            [w["jinghu_a"].uscc, "镜湖甲公司", "存续", 120, "镜湖区"],
            ["", "镜湖县级名录单位", "存续", 30, "镜湖区"],
        ],
    )
    township = User.objects.create_user(
        "t-street", password=PASSWORD, union=registry.unions["jinghu_street"], role=Role.GRASSROOTS_ADMIN
    )
    assert DirectoryEntry.objects.get(name="镜湖甲公司").territory == registry.unions["jinghu_street"]
    assert list(DirectoryEntry.objects.visible_to(township).values_list("name", flat=True)) == ["镜湖甲公司"]
    county = registry.users["jinghu"]
    assert DirectoryEntry.objects.visible_to(county).count() == 2
    assert DirectoryEntry.objects.visible_to(registry.users["jiujiang"]).count() == 0
    assert DirectoryEntry.objects.visible_to(registry.users["nounion"]).count() == 0
    client.force_login(township)
    body = client.get(reverse("directories:entry-list")).content.decode()
    assert "镜湖甲公司" in body and "镜湖县级名录单位" not in body


def test_closed_entry_puts_a_badge_on_the_workplace(client, as_user, imported, registry):
    as_user("jiujiang")
    body = client.get(registry.workplaces["jiujiang_b"].get_absolute_url()).content.decode()
    assert "object-badge" in body and "市场监管名录显示注销" in body
    body = client.get(registry.workplaces["jiujiang_none"].get_absolute_url()).content.decode()
    assert "object-badge" not in body


def test_upload_page_takes_source_and_date(client, as_user, registry, tmp_path):
    as_user("jiujiang")
    url = reverse("imports:upload-directory")
    body = client.get(url).content.decode()
    assert "名录来源" in body and "截至日期" in body and "默认工会" not in body
    path = tmp_path / "d.csv"
    path.write_text("企业名称,所属区县\n页面上传单位,鸠江区\n", encoding="utf-8")
    with open(path, "rb") as handle:
        response = client.post(
            url, {"file": handle, "as_of": "2999-01-01", "source": DirectorySource.objects.get(code="tax").pk}
        )
    assert response.status_code == 200 and "截至日期不能晚于今天" in response.content.decode()
    with open(path, "rb") as handle:
        response = client.post(
            url, {"file": handle, "as_of": "2026-06-30", "source": DirectorySource.objects.get(code="tax").pk}
        )
    assert response.status_code == 302
    from gonghui.imports.models import ImportJob

    job = ImportJob.objects.get(kind="directory")
    assert job.options == {"source": "tax", "as_of": "2026-06-30"}
    result = run_job(job, dry_run=False)
    assert result.committed
    edition = DirectoryEdition.objects.get()
    assert (edition.source.code, edition.file_name, edition.sha256, edition.import_job) == (
        "tax",
        "d.csv",
        job.sha256,
        job,
    )
    # The job's import row (file, SHA-256, counts) committed with the entries, as for every import kind.
    from gonghui.core.models import AuditEvent

    row = AuditEvent.objects.get(action=AuditEvent.Action.IMPORT, object_id=str(job.pk))
    assert "d.csv" in row.detail and job.sha256 in row.detail and "新增 1 行" in row.detail
    # …and the new registrant, without a union, is on 鸠江区's list at once (not at the next hourly refresh).
    from gonghui.directories.models import ListItem

    assert ListItem.objects.filter(entry__name="页面上传单位", territory=registry.unions["jiujiang"]).exists()


def test_api_reads_are_scoped(imported, registry):
    from tests.api.test_api import bearer, issue

    own = bearer(issue("t-jiujiang"))
    names = {e["name"] for e in own.get("/api/v1/directory-entries?limit=500").json()["items"]}
    assert names == {"鸠江乙公司", "鸠江未建会公司", "全新名录单位"}
    assert own.get(f"/api/v1/directory-entries/{imported.pk}").json()["match_method"] == "uncertain"
    edition = DirectoryEdition.objects.get()
    assert own.get(f"/api/v1/directory-editions/{edition.pk}").json()["uncertain"] == 1
    other = bearer(issue("t-jinghu"))
    assert other.get("/api/v1/directory-entries?limit=500").json()["items"] == []
    assert other.get(f"/api/v1/directory-entries/{imported.pk}").status_code == 404
    assert other.get(f"/api/v1/directory-editions/{edition.pk}").status_code == 404
