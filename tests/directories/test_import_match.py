"""Importing a directory and matching it to the registry (issue 12, points 1, 2 and 7)."""

import csv
import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from gonghui.core.models import AuditEvent
from gonghui.directories import services
from gonghui.directories.models import DirectoryEdition, DirectoryEntry, MatchCandidate, MatchMethod
from gonghui.orgs.models import Workplace
from tests.factories import make_uscc

pytestmark = pytest.mark.django_db

HEADER = [
    "统一社会信用代码",
    "企业名称",
    "法定代表人",
    "登记状态",
    "成立日期",
    "从业人数",
    "住所",
    "所属区县",
    "行业",
]


def write_csv(path, rows):
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def run(path, *args, as_of="2026-06-30", source="市场监管"):
    out = io.StringIO()
    code = 0
    try:
        call_command("import_directory", str(path), "--source", source, "--as-of", as_of, "--json", *args,
                     stdout=out, stderr=io.StringIO())  # fmt: skip
    except SystemExit as exc:
        code = exc.code
    return code, json.loads(out.getvalue().strip().splitlines()[-1])


def row(name, county="鸠江区", uscc="", status="存续", employees=30):
    return [uscc, name, "张三", status, "2019-06-01", employees, "芜湖市某路1号", county, "制造业"]


@pytest.fixture
def superuser(registry):
    from gonghui.accounts.models import User

    return User.objects.create_superuser("t-root", password="x-Secret-123456")


def test_uscc_exact_match_links_that_workplace(registry, superuser, tmp_path):
    w = registry.workplaces["jiujiang_b"]
    code, out = run(write_csv(tmp_path / "d.csv", [row("完全不同的名字", uscc=w.uscc)]))
    assert code == 0 and out["matched_code"] == 1 and out["committed"]
    entry = DirectoryEntry.objects.get()
    assert (entry.workplace, entry.match_method, entry.match_confidence) == (w, MatchMethod.CODE, 100)


def test_name_variant_in_same_county_links_by_name(registry, superuser, tmp_path):
    # 鸠江未建会公司 registered without a USCC; the directory writes it with the city prefix and a space.
    code, out = run(
        write_csv(tmp_path / "d.csv", [row("芜湖市 鸠江未建会公司", uscc=make_uscc(77, "340207"))])
    )
    assert code == 0 and out["matched_name"] == 1
    entry = DirectoryEntry.objects.get()
    assert entry.workplace == registry.workplaces["jiujiang_none"]
    assert entry.match_method == MatchMethod.NAME and entry.match_confidence == 85


def test_same_name_in_another_county_is_never_linked(registry, superuser, tmp_path):
    code, out = run(write_csv(tmp_path / "d.csv", [row("鸠江未建会公司", county="镜湖区")]))
    assert code == 0 and out["matched_name"] == 0 and out["uncertain"] == 1
    entry = DirectoryEntry.objects.get()
    assert entry.workplace is None and entry.match_method == MatchMethod.UNCERTAIN
    candidate = entry.candidates.get()
    assert candidate.workplace == registry.workplaces["jiujiang_none"] and candidate.confidence == 50


def test_ambiguous_name_goes_to_the_confirm_page(registry, superuser, tmp_path):
    Workplace.objects.create(
        name="鸠江未建会有限公司", region=registry.workplaces["jiujiang_none"].region,
        governing_union=registry.unions["jiujiang"],
    )  # fmt: skip
    Workplace.objects.create(
        name="芜湖鸠江未建会有限责任公司", region=registry.workplaces["jiujiang_none"].region,
        governing_union=registry.unions["jiujiang"],
    )  # fmt: skip
    _code, out = run(write_csv(tmp_path / "d.csv", [row("鸠江未建会股份有限公司")]))
    assert out["uncertain"] == 1 and out["matched_name"] == 0
    assert DirectoryEntry.objects.get().candidates.count() == 2


def test_closed_entry_is_flagged(registry, superuser, tmp_path):
    _code, out = run(
        write_csv(
            tmp_path / "d.csv",
            [
                row("某某注销公司", status="注销"),
                row("某某吊销公司", status="吊销，未注销"),
                row("某某存续公司"),
            ],
        )
    )
    assert out["closed"] == 2
    assert set(DirectoryEntry.objects.filter(is_closed=True).values_list("name", flat=True)) == {
        "某某注销公司",
        "某某吊销公司",
    }


def test_duplicate_uscc_in_file_first_row_used(registry, superuser, tmp_path):
    code_value = make_uscc(55, "340207")
    path = write_csv(tmp_path / "d.csv", [row("第一家", uscc=code_value), row("第二家", uscc=code_value)])
    report = tmp_path / "out.csv"
    code, out = run(path, "--report", str(report))
    assert code == 0 and out["rows"] == 2 and out["errors"] == 0
    assert list(DirectoryEntry.objects.values_list("name", flat=True)) == ["第一家"]
    with open(report, encoding="utf-8-sig") as handle:
        lines = list(csv.reader(handle))
    assert lines[0][-5:] == ["匹配结果", "匹配单位编号", "置信度", "是否注销", "错误原因"]
    assert [line[-5] for line in lines[1:]] == ["新单位", "重复"]


def test_row_errors_reported_and_exit_1(registry, superuser, tmp_path):
    bad = make_uscc(1, "340207")[:-1] + ("0" if make_uscc(1, "340207")[-1] != "0" else "1")
    path = write_csv(
        tmp_path / "d.csv", [row("好单位"), row("坏代码", uscc=bad), row(""), row("无区县", county="火星区")]
    )
    report = tmp_path / "out.xlsx"
    code, out = run(path, "--report", str(report))
    assert code == 1 and out["errors"] == 3 and out["committed"]
    assert list(DirectoryEntry.objects.values_list("name", flat=True)) == ["好单位"]
    assert report.stat().st_size > 0


def test_dry_run_writes_nothing(registry, superuser, tmp_path):
    code, out = run(write_csv(tmp_path / "d.csv", [row("某单位")]), "--dry-run")
    assert code == 0 and out["new"] == 1 and not out["committed"]
    assert not DirectoryEntry.objects.exists() and not DirectoryEdition.objects.exists()


def test_bad_arguments_exit_2(registry, superuser, tmp_path):
    path = write_csv(tmp_path / "d.csv", [row("某单位")])
    with pytest.raises(CommandError):
        call_command("import_directory", str(path), "--source", "火星局", "--as-of", "2026-06-30")
    with pytest.raises(CommandError):
        call_command("import_directory", str(path), "--source", "市场监管", "--as-of", "2026-13-30")
    assert not DirectoryEntry.objects.exists()


def test_reimport_is_idempotent_and_newer_edition_unlists(registry, superuser, tmp_path):
    rows = [row("甲单位", uscc=make_uscc(61, "340207")), row("乙单位"), row("丙单位", county="镜湖区")]
    path = write_csv(tmp_path / "d.csv", rows)
    run(path)
    run(path)
    assert DirectoryEntry.objects.count() == 3 and DirectoryEdition.objects.count() == 1
    newer = write_csv(
        tmp_path / "d2.csv",
        [row("甲单位（更名）", uscc=make_uscc(61, "340207"), employees=99), row("丙单位", county="镜湖区")],
    )
    code, _out = run(newer, as_of="2026-09-30")
    assert code == 0 and DirectoryEntry.objects.count() == 3 and DirectoryEdition.objects.count() == 2
    jia = DirectoryEntry.objects.get(uscc=make_uscc(61, "340207"))
    assert (jia.name, jia.employees, jia.is_listed) == ("甲单位(更名)", 99, True)
    assert jia.first_edition.as_of == dt.date(2026, 6, 30) and jia.last_edition.as_of == dt.date(2026, 9, 30)
    assert DirectoryEntry.objects.get(name="乙单位").is_listed is False


def test_confirm_reject_and_new_are_audited_and_stand(registry, superuser, tmp_path):
    path = write_csv(
        tmp_path / "d.csv", [row("鸠江未建会公司", county="镜湖区"), row("鸠江乙公司", county="镜湖区")]
    )
    run(path)
    first = DirectoryEntry.objects.get(name="鸠江未建会公司")
    second = DirectoryEntry.objects.get(name="鸠江乙公司")
    user = registry.users["wuhu"]
    services.confirm_candidate(first.candidates.get(), actor=user)
    services.mark_new(second, actor=user)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (
        first.workplace == registry.workplaces["jiujiang_none"] and first.match_method == MatchMethod.MANUAL
    )
    assert (
        second.match_method == MatchMethod.NEW and not second.candidates.filter(decision="pending").exists()
    )
    assert AuditEvent.objects.filter(object_type="directories.directoryentry", action="update").count() == 2
    run(path)  # the users' answers stand through a re-import
    first.refresh_from_db()
    second.refresh_from_db()
    assert (
        first.match_method == MatchMethod.MANUAL and first.workplace == registry.workplaces["jiujiang_none"]
    )
    assert (
        second.match_method == MatchMethod.NEW
        and not MatchCandidate.objects.filter(decision="pending").exists()
    )


def test_county_user_cannot_confirm_a_workplace_outside_their_scope(registry, superuser, tmp_path):
    run(write_csv(tmp_path / "d.csv", [row("鸠江未建会公司", county="镜湖区")]))
    entry = DirectoryEntry.objects.get()
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.confirm_candidate(entry.candidates.get(), actor=registry.users["jinghu"])
    entry.refresh_from_db()
    assert entry.workplace is None and entry.candidates.get().decision == "pending"


def test_older_edition_after_a_newer_one_overwrites_nothing(registry, superuser, tmp_path):
    jia_uscc = make_uscc(62, "340207")
    newer = write_csv(tmp_path / "new.csv", [row("甲单位（新）", uscc=jia_uscc, employees=99)])
    run(newer, as_of="2026-09-30")
    older = write_csv(
        tmp_path / "old.csv",
        [row("甲单位（旧）", uscc=jia_uscc, employees=12), row("丁单位"), row("戊单位", county="镜湖区")],
    )
    code, _out = run(older, as_of="2026-06-30")
    assert code == 0 and DirectoryEdition.objects.count() == 2
    jia = DirectoryEntry.objects.get(uscc=jia_uscc)
    assert (jia.name, jia.employees, jia.is_listed) == ("甲单位(新)", 99, True)
    assert jia.last_edition.as_of == dt.date(2026, 9, 30)
    # 鸠江区 was covered by the newer edition, which did not list 丁单位; 镜湖区 it did not cover.
    assert DirectoryEntry.objects.get(name="丁单位").is_listed is False
    assert DirectoryEntry.objects.get(name="戊单位").is_listed is True
    # The newer edition again: still the same data, and 丁单位 stays unlisted.
    run(
        write_csv(tmp_path / "new2.csv", [row("甲单位（新）", uscc=jia_uscc, employees=100)]),
        as_of="2026-10-31",
    )
    jia.refresh_from_db()
    assert jia.employees == 100 and jia.last_edition.as_of == dt.date(2026, 10, 31)


def test_confirm_page_answers_reach_the_list_at_once(registry, superuser, tmp_path):
    from gonghui.directories.models import ListItem

    names = ["鸠江未建会公司", "鸠江乙公司", "鸠江小微1号店", "鸠江小微2号店"]
    run(write_csv(tmp_path / "d.csv", [row(n, county="镜湖区") for n in names]))  # other county: questions
    entries = {n: DirectoryEntry.objects.get(name=n) for n in names}
    assert all(e.match_method == MatchMethod.UNCERTAIN for e in entries.values())
    assert not ListItem.objects.exists()  # a question is not listable
    user = registry.users["wuhu"]

    services.confirm_candidate(entries["鸠江未建会公司"].candidates.get(), actor=user)  # no union
    services.confirm_candidate(entries["鸠江乙公司"].candidates.get(), actor=user)  # has a committee
    services.reject_candidate(entries["鸠江小微1号店"].candidates.get(), actor=user)  # → 新单位
    services.mark_new(entries["鸠江小微2号店"], actor=user)

    listed = set(ListItem.objects.values_list("entry__name", flat=True))
    assert listed == {"鸠江未建会公司", "鸠江小微1号店", "鸠江小微2号店"}
    item = ListItem.objects.get(entry=entries["鸠江未建会公司"])
    assert item.status == ListItem.Status.OPEN and item.events.get().action == "列入清单"
    # The entry's territory: the directory put it in 镜湖区, whose union works the item.
    assert item.territory_id == registry.unions["jinghu"].pk
    # The hourly refresh finds nothing left to do.
    from gonghui.directories import worklist

    assert worklist.refresh_list().listed == 0 and ListItem.objects.count() == 3
