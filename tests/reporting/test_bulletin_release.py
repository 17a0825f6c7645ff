"""The quarterly bulletin: drafted when generated, reviewed, signed off (签发) by the issuer, and only
then visible to the units ranked in it."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gonghui.core.models import AuditEvent
from gonghui.reporting import bulletins
from gonghui.reporting.models import BulletinRelease, BulletinStatus
from gonghui.targets.models import Snapshot
from tests.targets.conftest_helpers import make_plan

pytestmark = pytest.mark.django_db


def test_bulletin_visible_to_ranked_units_only_after_sign_off(client, registry, as_user):
    from django.test import Client

    plan = make_plan(registry)
    city = as_user("wuhu", client)
    city.post(f"/reports/bulletins/plan/{plan.pk}/", {"as_of": "2023-06-30"})
    snap = Snapshot.objects.get(plan=plan)
    release = BulletinRelease.objects.get(snapshot=snap)
    assert release.status == BulletinStatus.DRAFT
    county = as_user("jiujiang", Client())
    page, download = f"/reports/bulletins/{snap.pk}/", f"/reports/bulletins/{snap.pk}/docx/"

    def county_sees() -> bool:
        listed = f'href="{page}"' in county.get("/reports/bulletins/").content.decode()
        codes = {county.get(page).status_code, county.get(download).status_code}
        assert codes in ({200}, {404}) and listed == (codes == {200})
        return codes == {200}

    assert city.get(page).status_code == 200 and 'id="review-form"' in city.get(page).content.decode()
    assert not county_sees()
    # Sign-off needs the review first; the county can neither review nor sign (not its bulletin).
    with pytest.raises(ValidationError):
        bulletins.sign_off(release, actor=registry.users["wuhu"])
    with pytest.raises(PermissionDenied):
        bulletins.review(release, actor=registry.users["jiujiang"])
    assert county.post(f"/reporting/bulletins/{release.pk}/review/").status_code == 404
    city.post(f"/reporting/bulletins/{release.pk}/review/")
    release.refresh_from_db()
    assert release.status == BulletinStatus.REVIEWED and release.reviewed_by == registry.users["wuhu"]
    assert not county_sees()
    city.post(f"/reporting/bulletins/{release.pk}/sign/")
    release.refresh_from_db()
    assert release.status == BulletinStatus.SIGNED and release.signed_at is not None
    assert county_sees()
    assert list(release.events.values_list("action", flat=True)) == ["拟稿", "审核", "签发"]
    details = AuditEvent.objects.filter(object_type="reporting.bulletinrelease").values_list(
        "detail", flat=True
    )
    assert any("签发" in d for d in details) and len(details) == 3


def test_snapshot_from_before_the_workflow_stays_visible(registry, as_user):
    from gonghui.targets.services import snapshot

    snap = snapshot(make_plan(registry), dt.date(2023, 6, 30))
    assert as_user("jiujiang").get(f"/reports/bulletins/{snap.pk}/").status_code == 200
