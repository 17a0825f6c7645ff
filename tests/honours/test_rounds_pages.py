"""The pages of rounds and nominations: a province round created from its form, a county's nomination
with its checklist, the city's batch forward with the share warning acknowledged, the province's
selection, 公示 and naming; evidence upload and the audited download; the kinds page; who sees what."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from gonghui.core.models import AuditEvent
from gonghui.honours.models import Nomination, Round, Title
from tests.honours.helpers import add_model_union

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_round_pages_from_creation_to_naming(registry, as_user):
    reg = registry
    good = add_model_union(reg)
    province, wuhu, jiujiang, jinghu = (
        as_user(k, Client()) for k in ("province", "wuhu", "jiujiang", "jinghu")
    )

    assert "市级模范职工之家" in province.get("/honours/kinds/").content.decode()
    form = province.get("/honours/rounds/new/").content.decode()
    assert "安徽省模范职工之家" in form and "市级模范职工之家" not in form  # only the province's kinds
    kind = Round._meta.get_field("kind").related_model.objects.get(code="province-private-demo-site")
    data = {
        "kind": kind.pk,
        "year": TODAY.year,
        "title": f"{TODAY.year}年安徽省民营企业工会规范化建设示范点",
        "criteria_date": TODAY.isoformat(),
        "deadline": (TODAY + dt.timedelta(days=20)).isoformat(),
    }
    bad = province.post("/honours/rounds/new/", {**data, "deadline": "明天"})
    assert bad.status_code == 200 and "请填写正确的推荐截止日期" in bad.content.decode()
    created = province.post("/honours/rounds/new/", data)
    rnd = Round.objects.get()
    assert created.url == f"/honours/rounds/{rnd.pk}/" and rnd.quota == 50
    assert wuhu.post("/honours/rounds/new/", data).status_code == 200  # refused on the form, not a 500

    # 鸠江区 nominates two workplaces of its subtree; 镜湖区 cannot pick one of them.
    page = f"/honours/rounds/{rnd.pk}/nominate/"
    assert jinghu.post(page, {"subject": reg.workplaces["jiujiang_b"].pk}).status_code == 200
    assert not Nomination.objects.exists()
    for workplace in (reg.workplaces["model"], reg.workplaces["jiujiang_b"]):
        jiujiang.post(page, {"subject": workplace.pk, "summary": "规范化建设成效明显"})
    model, other = Nomination.objects.order_by("pk")
    detail = jiujiang.get(f"/honours/nominations/{model.pk}/").content.decode()
    assert "会员 4 人，覆盖单位职工 4 人，入会率 100.0%" in detail and "以佐证材料审核" in detail
    pdf = SimpleUploadedFile("规范化建设材料.pdf", b"%PDF-1.4 x", content_type="application/pdf")
    jiujiang.post(f"/honours/nominations/{model.pk}/evidence/", {"file": pdf, "criterion": "standard"})
    exe = SimpleUploadedFile("材料.pdf", b"MZ\x90\x00", content_type="application/pdf")
    refused = jiujiang.post(f"/honours/nominations/{model.pk}/evidence/", {"file": exe}, follow=True)
    assert any("扩展名与内容不符" in m for m in messages_of(refused))
    evidence = model.evidence.get()
    assert jinghu.get(f"/honours/nomination-evidence/{evidence.pk}/").status_code == 404
    assert wuhu.get(f"/honours/nomination-evidence/{evidence.pk}/").status_code == 200
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DOWNLOAD, object_id=str(model.pk)).count() == 1

    for n in (model, other):
        jiujiang.post(f"/honours/nominations/{n.pk}/submit/", {})
    # 芜湖市 forwards both at once; recorded as state enterprises, 民营企业 is 0 of 2: a warning first.
    Nomination.objects.update(ownership="state")
    batch = f"/honours/rounds/{rnd.pk}/batch/"
    warned = wuhu.post(batch, {"nominations": [model.pk, other.pk]}, follow=True)
    assert any("民营企业 0/2，占 0%，低于要求的 50%" in m for m in messages_of(warned))
    assert Nomination.objects.filter(at_unit=reg.unions["wuhu"]).count() == 2
    wuhu.post(batch, {"nominations": [model.pk, other.pk], "acknowledge_shares": "on"})
    assert Nomination.objects.filter(at_unit=reg.unions["province"]).count() == 2

    jinghu_view = jinghu.get(f"/honours/rounds/{rnd.pk}/").content.decode()
    assert "模范50号公司" not in jinghu_view and "鸠江" not in jinghu_view  # the round, not 鸠江区's rows
    province.post(f"/honours/nominations/{other.pk}/reject/", {"reason": "工会经费拨缴不足"})
    province.post(batch, {"nominations": [model.pk], "acknowledge_shares": "on"})
    province.post(
        f"/honours/rounds/{rnd.pk}/notice/",
        {
            "start": (TODAY - dt.timedelta(days=7)).isoformat(),
            "end": (TODAY - dt.timedelta(days=1)).isoformat(),
        },
    )
    province.post(
        f"/honours/rounds/{rnd.pk}/name/", {"document_number": "皖工发〔2026〕9号", "named_on": TODAY}
    )
    title = Title.objects.get()
    assert (title.workplace, title.document_number, title.kind) == (
        reg.workplaces["model"],
        "皖工发〔2026〕9号",
        kind,
    )
    page = province.get(f"/honours/rounds/{rnd.pk}/").content.decode()
    assert "已命名" in page and "工会经费拨缴不足" in page
    assert "皖工发〔2026〕9号" in jiujiang.get(f"/honours/nominations/{model.pk}/").content.decode()
    listing = jiujiang.get("/honours/rounds/").content.decode()
    assert rnd.title in listing
    assert good.pk
