"""The list's pages: scope (a township sees and works only its own territory), assignment to a
township, the overdue list, the joining feed, visit attachments sealed and audited, numbers, API."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from gonghui.accounts.models import Role, User
from gonghui.core.models import AuditEvent
from gonghui.core.normalize import normalize_resident_id
from gonghui.directories import worklist, worklist_stats
from gonghui.directories.models import DirectoryEntry, ListItem, ListItemEvent, Visit
from gonghui.joining import services as joining
from gonghui.joining.models import ApplicationStatus, RoutingRule
from gonghui.regions.models import Region
from tests.directories.worklist_helpers import make_entry
from tests.factories import PASSWORD, make_id, make_uscc

pytestmark = pytest.mark.django_db


@pytest.fixture
def lists(registry):
    """鸠江区 holds two new entries; 镜湖区 one, which its county assigns to 方村街道."""
    items = {}
    for name, county, employees in (
        ("鸠江大厂有限公司", "jiujiang", 400),
        ("鸠江小店", "jiujiang", 12),
        ("镜湖新开公司", "jinghu", 60),
    ):
        make_entry(registry, name, county=county, employees=employees)
    worklist.refresh_list()
    for item in ListItem.objects.select_related("entry"):
        key = {"鸠江大厂有限公司": "big", "鸠江小店": "small", "镜湖新开公司": "jinghu"}[item.entry.name]
        items[key] = item
    registry.users["street"] = User.objects.create_user(
        "t-street", password=PASSWORD, union=registry.unions["jinghu_street"], role=Role.COUNTY_ADMIN
    )
    return items


def test_list_is_scoped_sorted_by_employees_with_band_counts(client, as_user, registry, lists):
    as_user("jiujiang")
    response = client.get(reverse("worklist:item-list"))
    body = response.content.decode()
    assert response.status_code == 200
    assert body.index("鸠江大厂有限公司") < body.index("鸠江小店") and "镜湖新开公司" not in body
    assert [(label, n) for label, n, _code in response.context["bands"]][:3] == [
        ("全部", 2),
        ("25人以上", 1),
        ("100人以上", 1),
    ]
    only_small = client.get(reverse("worklist:item-list"), {"band": "25", "status": "open"})
    assert "鸠江小店" not in only_small.content.decode()


def test_a_township_sees_and_claims_only_its_territory(client, as_user, registry, lists):
    item = lists["jinghu"]
    as_user("street")
    assert client.get(item.get_absolute_url()).status_code == 404  # the county's item, not assigned yet

    foreign = lists["big"]
    before = ListItemEvent.objects.count()
    response = client.post(reverse("worklist:item-claim", args=[foreign.pk]), {"due_on": ""})
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.status == ListItem.Status.OPEN and foreign.claimed_by is None
    assert ListItemEvent.objects.count() == before
    assert not AuditEvent.objects.filter(object_type="directories.listitem").exists()


def test_a_county_assigns_to_a_township_which_then_holds_it(client, as_user, registry, lists):
    item = lists["jinghu"]
    street = registry.unions["jinghu_street"]
    due = timezone.localdate() + dt.timedelta(days=20)
    as_user("jinghu")
    response = client.post(
        reverse("worklist:item-assign", args=[item.pk]), {"to": street.pk, "due_on": due.isoformat()}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.claimed_by, item.territory, item.due_on) == ("claimed", street, street, due)
    assert item.assigned_by == registry.users["jinghu"]

    street_client = as_user("street", client.__class__())
    page = street_client.get(item.get_absolute_url())
    assert page.status_code == 200 and "派给镜湖区方村街道总工会" in page.content.decode()
    # 鸠江区 cannot hand its own item to a township of 镜湖区.
    jiujiang = as_user("jiujiang", client.__class__())
    jiujiang.post(reverse("worklist:item-assign", args=[lists["big"].pk]), {"to": street.pk})
    lists["big"].refresh_from_db()
    assert (
        lists["big"].status == ListItem.Status.OPEN and lists["big"].territory == registry.unions["jiujiang"]
    )


def test_close_as_not_eligible_without_a_reason_changes_nothing(client, as_user, registry, lists):
    item = lists["small"]
    as_user("jiujiang")
    response = client.post(
        reverse("worklist:item-close", args=[item.pk]), {"outcome": "not_eligible"}, follow=True
    )
    assert "不具备建会条件的须选择原因" in response.content.decode()
    item.refresh_from_db()
    assert item.status == ListItem.Status.OPEN and item.events.count() == 1
    client.post(
        reverse("worklist:item-close", args=[item.pk]),
        {"outcome": "not_eligible", "reason": "moved", "note": "迁往合肥"},
    )
    item.refresh_from_db()
    assert (item.outcome, item.ineligible_reason, item.reason_note) == ("not_eligible", "moved", "迁往合肥")


def test_overdue_claims_are_listed_for_the_county_and_the_city(client, as_user, registry, lists):
    user = registry.users["jiujiang"]
    worklist.claim(lists["big"], actor=user, due_on=timezone.localdate() + dt.timedelta(days=5))
    worklist.claim(lists["small"], actor=user, due_on=timezone.localdate() + dt.timedelta(days=5))
    ListItem.objects.filter(pk=lists["big"].pk).update(due_on=timezone.localdate() - dt.timedelta(days=1))
    for who, sees in (("jiujiang", True), ("wuhu", True), ("jinghu", False)):
        body = as_user(who, client.__class__()).get(reverse("worklist:overdue")).content.decode()
        assert ("鸠江大厂有限公司" in body) is sees, who
        assert "鸠江小店" not in body  # claimed, not yet due
    rows = {r.name: r for r in worklist_stats.funnel(registry.unions["wuhu"])}
    assert rows["鸠江区总工会"].overdue == 1 and rows["鸠江区总工会"].claimed == 2


def test_visit_attachment_is_sealed_and_its_download_audited(client, as_user, registry, lists):
    item = lists["big"]
    as_user("jiujiang")
    secret = "走访记录：企业负责人同意下月召开建会大会".encode()
    response = client.post(
        reverse("worklist:item-visit", args=[item.pk]),
        {
            "visited_on": timezone.localdate().isoformat(),
            "visitors": "李干事",
            "outcome": "agreed",
            "note": "面谈",
            "attachment": SimpleUploadedFile("走访.txt", secret, content_type="text/plain"),
        },
    )
    assert response.status_code == 302
    visit = Visit.objects.get(item=item)
    stored = (settings.PRIVATE_FILES_ROOT / visit.attachment.name).read_bytes()
    assert secret not in stored  # encrypted at rest
    url = reverse("worklist:visit-attachment", args=[visit.pk])
    assert as_user("jinghu", client.__class__()).get(url).status_code == 404
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.DOWNLOAD).exists()
    download = client.get(url)
    assert b"".join(download.streaming_content) == secret
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DOWNLOAD, object_id=str(item.pk)).count() == 1


def test_a_visit_in_the_future_is_refused(client, as_user, registry, lists):
    as_user("jiujiang")
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    client.post(
        reverse("worklist:item-visit", args=[lists["big"].pk]),
        {"visited_on": tomorrow.isoformat(), "visitors": "李干事", "outcome": "agreed"},
    )
    assert not Visit.objects.exists()


def test_joining_feeds_the_county_list(registry):
    region = Region.objects.get(code="340207")
    RoutingRule.objects.create(region=region, new_form_group=None, union=registry.unions["jiujiang"])

    def apply(seq: int, employer: str, uscc: str = ""):
        return joining.submit(
            joining.ApplicationInput(
                name=f"申请人{seq}",
                resident_id=normalize_resident_id(make_id("340207", dt.date(1995, 5, 5), 600 + seq)),
                phone=f"139{seq:08d}",
                district=region,
                employer_name=employer,
                employer_uscc=uscc,
                consent_constitution=True,
                consent_personal_data=True,
            )
        )

    named = apply(1, "芜湖星河物流有限公司", make_uscc(777, "340207"))
    apply(2, "芜湖星河物流有限公司", make_uscc(777, "340207"))  # a colleague: the same employer
    apply(3, "无固定单位")
    refused = apply(4, "鸠江拒绝公司")
    refused.status = ApplicationStatus.REJECTED
    refused.save(update_fields=["status"])

    result = worklist.refresh_list()

    entries = DirectoryEntry.objects.filter(source__code="joining")
    assert result.fed == 1 and [e.name for e in entries] == ["芜湖星河物流有限公司"]
    entry = entries.get()
    assert entry.uscc == named.employer_uscc and entry.territory == registry.unions["jiujiang"]
    assert entry.list_item.territory == registry.unions["jiujiang"]
    assert worklist.refresh_list().fed == 0


def test_numbers_say_which_denominator(client, as_user, registry, lists):
    rates = {b.code: b for b in worklist_stats.band_rates(registry.unions["jiujiang"])}
    # 鸠江区's registry: 鸠江乙 (60, covered), three small covered shops, 鸠江未建会公司 (40) → 5 workplaces;
    # its directory lists only the two new registrants: the registry is the better denominator in all.
    assert rates["all"].source == "单位台账" and rates["all"].rate == 80.0
    assert rates["100"].directory_total == 1 and rates["100"].source == "名录" and rates["100"].rate == 0.0
    assert rates["above"].directory_total is None and rates["above"].source == "单位台账"
    as_user("wuhu")
    body = client.get(reverse("worklist:numbers")).content.decode()
    assert "分母来源" in body and "鸠江区总工会" in body
    panel = client.get(reverse("worklist:funnel-panel", args=[registry.unions["wuhu"].pk])).content.decode()
    assert "未建会底数" in panel and "镜湖区总工会" in panel


def test_api_lists_the_items_of_the_callers_scope(client, as_user, registry, lists):
    as_user("jiujiang")
    body = client.get("/api/v1/worklist/items").json()
    assert {i["name"] for i in body["items"]} == {"鸠江大厂有限公司", "鸠江小店"}
    assert client.get(f"/api/v1/worklist/items/{lists['jinghu'].pk}").status_code == 404
    one = client.get(f"/api/v1/worklist/items/{lists['big'].pk}").json()
    assert one["employees"] == 400 and one["source"] == "市场监管"


def test_list_page_queries_do_not_grow_with_its_rows(client, as_user, registry, lists):
    """The list page and the item page keep a query ceiling: 3 items or 33, the same number of queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    as_user("jiujiang")

    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    few = count(reverse("worklist:item-list"))
    for n in range(30):
        make_entry(registry, f"鸠江批量{n}号有限公司", employees=n + 30)
    worklist.refresh_list()
    assert count(reverse("worklist:item-list")) == few
    item = lists["big"]
    user = registry.users["jiujiang"]
    worklist.claim(item, actor=user)
    one = count(item.get_absolute_url())
    for day in range(5):
        worklist.record_visit(
            item,
            worklist.VisitInput(timezone.localdate() - dt.timedelta(days=day), "李干事", "contacted"),
            actor=user,
        )
    assert count(item.get_absolute_url()) == one
