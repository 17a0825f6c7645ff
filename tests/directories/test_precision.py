"""Matching precision on a directory built from the demo workplaces (issue 12's quality bar).

Every demo workplace is written as a directory row without its USCC, under a variant of its name
(city or county prefix, another company form, a place in brackets, spaces, full-width letters), in its
own county; decoys are added: names nobody registered, and real names placed in another county.
Automatic name links must be 100 % right; ≥ 95 % of the variants must be linked or offered with the
right candidate; a decoy in another county must never be linked."""

import csv
import random

import pytest

from gonghui.demo.loader import DemoSize, load_demo
from gonghui.directories.models import DirectoryEntry, MatchMethod
from gonghui.orgs.models import Workplace
from gonghui.regions.models import Region
from tests.factories import load_regions

pytestmark = pytest.mark.django_db

FULL_WIDTH = str.maketrans({chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)})


def variant(name: str, county: Region, rnd: random.Random) -> str:
    kind = rnd.randrange(7)
    if kind == 0:
        return "芜湖市" + name
    if kind == 1:
        return f"安徽省芜湖市{county.name}{name}"
    if kind == 2 and name.endswith("有限公司"):
        return name.removesuffix("有限公司") + rnd.choice(["有限责任公司", "股份有限公司"])
    if kind == 3 and name.endswith("有限公司"):
        return name.removesuffix("有限公司") + "（芜湖）有限公司"
    if kind == 4:
        return " ".join([name[:2], name[2:]])
    if kind == 5:
        return name.translate(FULL_WIDTH)
    return name


def test_demo_directory_precision_and_recall(tmp_path, django_user_model, capsys):
    load_regions()
    load_demo(DemoSize(grassroots=40, workplaces=400, members=300))
    from django.core.management import call_command

    django_user_model.objects.create_superuser("t-root", password="x-Secret-123456")
    rnd = random.Random(12)
    counties = {r.code: r for r in Region.objects.filter(level=Region.Level.COUNTY, code__startswith="3402")}
    workplaces = list(Workplace.objects.select_related("region").order_by("pk"))
    truth: dict[str, int] = {}
    rows = []
    for w in workplaces:
        county = counties[w.region.code[:6]]
        name = variant(w.name, county, rnd)
        truth[name] = w.pk
        rows.append([name, county.code, 50])
    others = [c for c in counties.values()]
    decoys = []
    for w in rnd.sample(workplaces, 40):  # a real name in another county: never linked
        county = rnd.choice([c for c in others if c.code != w.region.code[:6]])
        decoys.append(w.name)
        rows.append([w.name, county.code, 10])
    for i in range(40):  # names nobody registered
        rows.append([f"从未登记过的第{i}号商贸有限公司", rnd.choice(others).code, 5])
    path = tmp_path / "demo-directory.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["企业名称", "所属区县", "从业人数"])
        writer.writerows(rows)
    call_command("import_directory", str(path), "--source", "市场监管", "--as-of", "2026-06-30")

    entries = {e.name: e for e in DirectoryEntry.objects.prefetch_related("candidates")}
    from gonghui.core.normalize import clean_text

    auto = right_auto = offered = 0
    for typed, pk in truth.items():
        entry = entries.get(clean_text(typed))
        assert entry is not None, typed
        if entry.match_method == MatchMethod.NAME:
            auto += 1
            right_auto += entry.workplace_id == pk
        elif entry.match_method == MatchMethod.UNCERTAIN:
            offered += any(c.workplace_id == pk for c in entry.candidates.all())
    decoy_links = DirectoryEntry.objects.filter(match_method=MatchMethod.NAME, name__in=decoys)
    wrong_decoys = [e for e in decoy_links if e.workplace.region.code[:6] != e.region.code]
    recall = (right_auto + offered) / len(truth)
    with capsys.disabled():
        print(
            f"\n名录匹配（演示数据 {len(truth)} 个单位的名称变体）：自动链接 {auto}（正确 {right_auto}），"
            f"待确认且含正确候选 {offered}，链接或提供正确候选 {recall:.1%}"
        )
    assert right_auto == auto > 0  # automatic name links: 100 % right
    assert recall >= 0.95
    assert not wrong_decoys
    assert not DirectoryEntry.objects.filter(name__startswith="从未登记过", workplace__isnull=False).exists()
