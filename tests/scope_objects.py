"""What the scope and masking sweeps need to know about each URL pattern. REGISTER YOUR MODELS HERE.

The sweeps (tests/test_scope_sweep.py, tests/test_masking_sweep.py) walk every URL pattern of the
project. For a pattern with a ``<pk>`` they request an object of 鸠江区 as a user of 镜湖区 and expect a
404. They find the pattern's model from the class-based view's ``model`` attribute, or from
``URL_MODELS`` for function views and API routes; then ``OUTSIDE_OBJECTS[model label](registry)`` gives
the 鸠江区 object. A pk route they cannot cover makes the sweep FAIL with a message pointing here.

- ``OUTSIDE_OBJECTS``: model label → function(registry) → an object inside 鸠江区总工会's subtree
  (make it in the function if the registry has none: ``tests.factories.build_registry`` is shared).
- ``URL_MODELS``: "namespace:url-name" → model label, for views without a ``model`` attribute.
- ``URL_KWARGS``: "namespace:url-name" → function(registry) → URL kwargs pointing at a 鸠江区 object, for
  routes whose parameters are not a single pk (tokens, codes).
- ``PUBLIC_URLS``: pages that need no login (login, the public joining pages). Everything else must
  redirect an anonymous visitor to the login page (API: 401).
- ``EXCLUDED_PREFIXES``: URL prefixes the sweeps do not walk, with the reason.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db.models import Model
from django.urls import URLPattern, URLResolver, get_resolver

from gonghui.regions.models import Region
from tests.factories import Registry


def _region_jiujiang(reg: Registry) -> Region:
    return Region.objects.get(code="340207")


def _routing_rule_jiujiang(reg: Registry) -> Model:
    """入会分配规则: 鸠江区's fallback rule, received by 鸠江区总工会."""
    from gonghui.joining.models import RoutingRule

    return RoutingRule.objects.get_or_create(
        region=_region_jiujiang(reg), new_form_group=None, defaults={"union": reg.unions["jiujiang"]}
    )[0]


def _join_application_jiujiang(reg: Registry) -> Model:
    """网上入会 (issue 5): an application routed to 鸠江乙公司工会委员会."""
    import datetime as dt

    from gonghui.core.normalize import normalize_resident_id
    from gonghui.joining import services
    from tests.factories import make_id

    return services.submit(
        services.ApplicationInput(
            name="鸠江申请人",
            resident_id=normalize_resident_id(make_id("340207", dt.date(1997, 7, 7), 901)),
            phone="13912340000",
            workplace=reg.workplaces["jiujiang_b"],
            consent_constitution=True,
            consent_personal_data=True,
        )
    )


def _transfer_request_jiujiang(reg: Registry) -> Model:
    """会籍转接 (issue 5): 王鸠一 from 鸠江乙公司 to the 鸠江 joint union (both sides in 鸠江区)."""
    from gonghui.joining import services

    return services.request_transfer(reg.members["jiujiang_1"], reg.unions["jiujiang_joint"])


def _target_plan_jiujiang(reg: Registry) -> Model:
    """目标任务 (issue 4): a plan issued BY 鸠江区总工会 to its own grassroots union.

    Documented cross-county visibility: a plan issued by the city (芜湖市总工会) is visible, by design, to
    every county ranked in it (aggregate figures only; drill-downs stay scoped). A plan issued by
    鸠江区 is not visible to 镜湖区 — that is what the sweep checks."""
    from gonghui.targets.models import TargetPlan
    from gonghui.targets.services import save_plan

    plan = TargetPlan.objects.filter(issuer=reg.unions["jiujiang"], title="鸠江区扫描用目标").first()
    return plan or save_plan(
        issuer=reg.unions["jiujiang"],
        year=2023,
        title="鸠江区扫描用目标",
        rows=[(reg.unions["jiujiang_b"], {"members": 10, "founded": 1})],
    )


def _snapshot_jiujiang(reg: Registry) -> Model:
    """通报快照 (issue 4): a bulletin snapshot of the 鸠江区 plan."""
    import datetime as dt

    from gonghui.targets.services import snapshot

    return snapshot(_target_plan_jiujiang(reg), dt.date(2023, 6, 30))


def _report_jiujiang(reg: Registry) -> Model:
    """定期报告 (issue 14): 鸠江区's submitted half-year report of 2024 (its approver is 芜湖市)."""
    import datetime as dt

    from gonghui.reporting import services
    from gonghui.reporting.models import Report, ReportType
    from gonghui.reporting.types import seed_report_types

    existing = Report.objects.filter(node=reg.unions["jiujiang"]).first()
    if existing is not None:
        return existing
    seed_report_types()
    rtype = ReportType.objects.get(code="half_year_summary")
    report = services.open_report(
        rtype, reg.unions["jiujiang"], dt.date(2024, 1, 1), actor=reg.users["jiujiang"]
    )
    return services.submit(report, actor=reg.users["jiujiang"])


def _annual_report_jiujiang(reg: Registry) -> Model:
    """年报 (issue 14): 鸠江区's draft 年报 of the statistical year 2022-10-01 … 2023-09-30."""
    import datetime as dt

    from gonghui.reporting import services
    from gonghui.reporting.models import ReportType
    from gonghui.reporting.types import seed_report_types

    seed_report_types()
    rtype = ReportType.objects.get(code="annual_statistics")
    return services.open_report(
        rtype, reg.unions["jiujiang"], dt.date(2022, 10, 1), actor=reg.users["jiujiang"]
    )


def _bulletin_release_jiujiang(reg: Registry) -> Model:
    """通报签发 (issue 14): the draft release of the 鸠江区 plan's bulletin."""
    from gonghui.reporting import bulletins

    return bulletins.draft(_snapshot_jiujiang(reg))


def _import_job_jiujiang(reg: Registry) -> Model:
    """导入记录 (issue 3): a previewed member import made by the 鸠江区 county admin, with a report."""
    import tempfile
    from pathlib import Path

    from gonghui.imports.jobs import run_job
    from gonghui.imports.services import create_job
    from tests.imports.helpers import MEMBER_HEADER, write_xlsx

    with tempfile.TemporaryDirectory() as tmp:
        path = write_xlsx(
            Path(tmp) / "鸠江.xlsx", MEMBER_HEADER, [["某某", "340207199001010000", "", "", "", "", ""]]
        )
        job = create_job(reg.users["jiujiang"], "members", path, path.name)
    run_job(job, dry_run=True)
    return job


def _export_job_jiujiang(reg: Registry) -> Model:
    """导出任务 (issue 3): a finished background export of 鸠江区 members."""
    from gonghui.imports.jobs import run_export_job
    from gonghui.imports.models import ExportJob

    job = ExportJob.objects.create(
        user=reg.users["jiujiang"],
        scope=reg.unions["jiujiang"],
        title="会员",
        view_path="gonghui.members.views.MemberListView",
        fmt="csv",
    )
    run_export_job(job.pk)
    return job


def _api_token_jiujiang(reg):
    """API 令牌 (issue 11): a token of the 鸠江区 administrator."""
    from gonghui.accounts.models import ApiToken

    return ApiToken.issue(reg.users["jiujiang"], "鸠江区数据同步")[0]


def _directory_edition_jiujiang(reg: Registry) -> Model:
    """名录版本 (issue 12): a 市场监管 edition imported by 鸠江区总工会."""
    import datetime as dt

    from gonghui.directories.models import DirectoryEdition, DirectorySource

    return DirectoryEdition.objects.get_or_create(
        source=DirectorySource.objects.get(code="market"),
        sha256="0" * 64,
        scope=reg.unions["jiujiang"],
        defaults={"as_of": dt.date(2026, 6, 30), "file_name": "鸠江名录.xlsx"},
    )[0]


def _directory_entry_jiujiang(reg: Registry) -> Model:
    """名录条目 (issue 12): an uncertain entry of 鸠江区 with 鸠江乙公司 as its pending candidate."""
    from gonghui.directories.models import DirectoryEntry, MatchCandidate, MatchMethod

    edition = _directory_edition_jiujiang(reg)
    entry, _ = DirectoryEntry.objects.get_or_create(
        source=edition.source,
        key="N340207鸠江乙名录公司",
        defaults={
            "name": "鸠江乙名录公司",
            "name_normalized": "乙名录公司",
            "region": _region_jiujiang(reg),
            "territory": reg.unions["jiujiang"],
            "first_edition": edition,
            "last_edition": edition,
            "match_method": MatchMethod.UNCERTAIN,
        },
    )
    MatchCandidate.objects.get_or_create(
        entry=entry, workplace=reg.workplaces["jiujiang_b"], defaults={"confidence": 70, "reason": "同一区县"}
    )
    return entry


def _match_candidate_jiujiang(reg: Registry) -> Model:
    return _directory_entry_jiujiang(reg).candidates.get()


def _user_session_jiujiang(reg):
    """登录会话 (issue 11): a live session of the 鸠江区 administrator."""
    from gonghui.accounts.services import start_session

    return start_session(reg.users["jiujiang"], ip="10.9.9.9")


def _list_item_jiujiang(reg: Registry) -> Model:
    """未建会清单项 (issue 12): a new registrant in 鸠江区's list, with a visit that has an attachment."""
    import datetime as dt

    from django.core.files.uploadedfile import SimpleUploadedFile

    from gonghui.directories import worklist
    from gonghui.directories.models import DirectoryEntry, DirectorySource, ListItem

    item = ListItem.objects.filter(entry__key="N340207鸠江清单扫描公司").first()
    if item is not None:
        return item
    entry = DirectoryEntry.objects.create(
        source=DirectorySource.objects.get(code="market"),
        key="N340207鸠江清单扫描公司",
        name="鸠江清单扫描公司",
        name_normalized="鸠江清单扫描公司",
        legal_representative="鸠江法人",
        employees=30,
        region=_region_jiujiang(reg),
        territory=reg.unions["jiujiang"],
    )
    item = ListItem.objects.create(entry=entry, territory=reg.unions["jiujiang"])
    worklist.record_visit(
        item,
        worklist.VisitInput(
            dt.date(2026, 1, 5), "鸠江干事", "contacted", attachment=SimpleUploadedFile("走访.txt", b"visit")
        ),
        actor=reg.users["jiujiang"],
    )
    return item


def _visit_jiujiang(reg: Registry) -> Model:
    return _list_item_jiujiang(reg).visits.get()


def _work_plan_jiujiang(reg: Registry) -> Model:
    """工作计划 (issue 13): a plan issued by 鸠江区总工会, one point led by its 基层工作部, kept by 鸠江区
    itself (its own task copy) with one evidence file."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from gonghui.core.uploads import check_upload
    from gonghui.supervision import plans, tasks
    from gonghui.supervision.models import Department, PlanTask, WorkPlan

    union = reg.unions["jiujiang"]
    plan = WorkPlan.objects.filter(issuer=union).first()
    if plan is not None:
        return plan
    department = Department.objects.get_or_create(union=union, name="基层工作部")[0]
    plan = WorkPlan.objects.create(issuer=union, year=2026, title="鸠江区总工会工作要点")
    point = PlanTask.objects.create(plan=plan, number="1", content="走访未建会企业")
    point.lead_departments.set([department])
    task = plans.decompose(point, [plans.Assignment(union, None)], actor=reg.users["jiujiang"])[0]
    upload = SimpleUploadedFile("佐证.pdf", b"%PDF-1.4 jiujiang", content_type="application/pdf")
    tasks.add_evidence(task, check_upload(upload), actor=reg.users["jiujiang"])
    return plan


def _plan_task_jiujiang(reg: Registry) -> Model:
    return _work_plan_jiujiang(reg).points.get()


def _task_jiujiang(reg: Registry) -> Model:
    return _plan_task_jiujiang(reg).tasks.get()


def _evidence_jiujiang(reg: Registry) -> Model:
    return _task_jiujiang(reg).evidence.get()


def _problem_jiujiang(reg: Registry) -> Model:
    """问题清单 (issue 13): a 鸠江区 self-check problem with one responsibility and one task (issued by
    芜湖市, the supervisor), all open."""
    import datetime as dt

    from gonghui.supervision import problems
    from gonghui.supervision.models import Problem

    union = reg.unions["jiujiang"]
    found = Problem.objects.filter(union=union).first()
    if found is not None:
        return found
    actor = reg.users["jiujiang"]
    problem = problems.register_problem(
        union=union,
        source=Problem.Source.SELF_CHECK,
        description="鸠江区部分乡镇工会经费未足额到位",
        found_on=dt.date(2026, 3, 1),
        actor=actor,
    )
    problems.add_responsibility(problem, actor=actor, union=union, lead_title="分管副主席")
    problems.add_problem_task(
        problem, actor=actor, title="督促乡镇工会经费到位", deadline=dt.date(2026, 12, 31)
    )
    return problem


def _department_jiujiang(reg: Registry) -> Model:
    return _plan_task_jiujiang(reg).lead_departments.get()


def _score_sheet_jiujiang(reg: Registry) -> Model:
    """考核评分表 (issue 14, 年评价): a 2026 sheet of 鸠江区总工会 with one manual item, not yet used."""
    from decimal import Decimal

    from gonghui.evaluation.models import ScoreSheet
    from gonghui.evaluation.services import ItemSpec, create_sheet

    union = reg.unions["jiujiang"]
    sheet = ScoreSheet.objects.filter(issuer=union, year=2026).first()
    if sheet is None:
        sheet = create_sheet(
            issuer=union, year=2026, title="鸠江区总工会2026年度考核评分表",
            items=[ItemSpec("规范化建设", max_score=Decimal(10))],
        )  # fmt: skip
    return sheet


def _sheet_item_jiujiang(reg: Registry) -> Model:
    return _score_sheet_jiujiang(reg).items.get()


def _evaluation_jiujiang(reg: Registry) -> Model:
    """年度考核评价: 鸠江区总工会's 2025 evaluation of its sub-units, one manual score with evidence."""
    from decimal import Decimal

    from django.core.files.uploadedfile import SimpleUploadedFile

    from gonghui.core.uploads import check_upload
    from gonghui.evaluation import services
    from gonghui.evaluation.models import Evaluation, Score, SheetItem

    union = reg.unions["jiujiang"]
    evaluation = Evaluation.objects.filter(issuer=union, year=2025).first()
    if evaluation is not None:
        return evaluation
    sheet = services.create_sheet(
        issuer=union, year=2025, title="鸠江区总工会2025年度考核评分表",
        items=[
            services.ItemSpec("规范化建设", max_score=Decimal(10)),
            services.ItemSpec("其他否决情形", kind=SheetItem.Kind.VETO),
        ],
    )  # fmt: skip
    evaluation = services.start(sheet, actor=reg.users["jiujiang"])
    score = Score.objects.filter(result__evaluation=evaluation, item__kind="score").order_by("pk").first()
    upload = SimpleUploadedFile("考核佐证.pdf", b"%PDF-1.4 jiujiang", content_type="application/pdf")
    services.score_manual(
        score, value="8", note="台账齐全", upload=check_upload(upload), actor=reg.users["jiujiang"]
    )
    return evaluation


def _score_jiujiang(reg: Registry) -> Model:
    return _evaluation_jiujiang(reg).results.order_by("pk").first().scores.exclude(evidence="").get()


def _pairing_jiujiang(reg: Registry) -> Model:
    """对口联系 (issue 13): 鸠江区总工会 pairs its leader with 鸠江乙公司's union (a key enterprise in a
    campaign), so that 鸠江区 is the issuer (edit and delete are the issuer's) and the target is inside it;
    one visit that raised a problem."""
    import datetime as dt

    from gonghui.supervision import pairings
    from gonghui.supervision.models import Pairing

    pairing = Pairing.objects.filter(issuer=reg.unions["jiujiang"]).first()
    if pairing is not None:
        return pairing
    pairing = pairings.create_pairing(
        issuer=reg.unions["jiujiang"],
        year=2026,
        campaign="重点企业建会",
        contact=pairings.Contact("区总领导 1", Pairing.ContactKind.LEADER),
        target=reg.unions["jiujiang_b"],
    )
    pairings.log_visit(
        pairing,
        visited_on=dt.date(2026, 1, 6),
        visitors="区总领导 1",
        findings="鸠江乙公司职代会未按期召开",
        problem_lines=[pairings.ProblemLine("鸠江乙公司职代会未按期召开")],
        actor=reg.users["jiujiang"],
    )
    return pairing


def _meeting_jiujiang(reg: Registry) -> Model:
    """会议台账 (issue 13): a 联席会议 of 鸠江区总工会 with its minutes (PDF), recorded by 鸠江区."""
    import datetime as dt

    from django.core.files.uploadedfile import SimpleUploadedFile

    from gonghui.core.uploads import check_upload
    from gonghui.supervision import meetings
    from gonghui.supervision.models import Meeting

    union = reg.unions["jiujiang"]
    found = Meeting.objects.filter(union=union).first()
    if found is not None:
        return found
    upload = SimpleUploadedFile("纪要.pdf", b"%PDF-1.4 jiujiang minutes", content_type="application/pdf")
    return meetings.record_meeting(
        union,
        meetings.MeetingInput(
            kind=Meeting.Kind.JOINT, held_on=dt.date(2026, 3, 2), title="鸠江区联席会议", issues_raised=2
        ),
        minutes=check_upload(upload),
        actor=reg.users["jiujiang"],
    )


# --- honours: dynamic management (issue 15, s23-manage) -----------------------------------------------
def _manage_kind(code: str, **values) -> Model:
    from gonghui.honours.models import HonourKind

    return HonourKind.objects.get_or_create(code=code, defaults=values)[0]


def _manage_title_jiujiang(reg: Registry, kind_code: str) -> Model:
    """A title held by 鸠江乙公司工会委员会 (inside 鸠江区), registered through the titles service."""
    import datetime as dt

    from gonghui.honours.models import Title
    from gonghui.honours.titles import Naming, register_title

    kinds = {
        "sweep-site": {"name": "扫描用示范点", "category": "demonstration_site", "level": "province",
                       "subject": "union", "grant_amount": 10000},
        "sweep-home": {"name": "扫描用模范职工之家", "category": "model_home", "level": "county",
                       "subject": "union", "reinspection_years": 3},
    }  # fmt: skip
    kind = _manage_kind(kind_code, **kinds[kind_code])
    union = reg.unions["jiujiang_b"]
    found = Title.objects.filter(kind=kind, union=union).first()
    if found is not None:
        return found
    return register_title(kind, union, Naming(2022, dt.date(2022, 5, 1), "鸠江区总工会", ""))


def _grant_jiujiang(reg: Registry) -> Model:
    """示范点补助: approved (not paid) for 鸠江乙公司's union."""
    import datetime as dt

    from gonghui.honours import grants
    from gonghui.honours.models import Grant

    title = _manage_title_jiujiang(reg, "sweep-site")
    return Grant.objects.filter(holder=title).first() or grants.approve_grant(
        title, approved_on=dt.date(2023, 6, 1), approval_document="皖工发〔2023〕1号"
    )


def _partnership_jiujiang(reg: Registry) -> Model:
    """结对共建: 鸠江乙公司's model home paired with the 鸠江 joint union, one activity."""
    import datetime as dt

    from gonghui.honours import partnerships
    from gonghui.honours.models import Partnership

    holder = _manage_title_jiujiang(reg, "sweep-home")
    found = Partnership.objects.filter(holder=holder).first()
    if found is not None:
        return found
    pairing = partnerships.start(holder, reg.unions["jiujiang_joint"], started_on=dt.date(2024, 3, 1))
    partnerships.log_activity(pairing, on_date=dt.date(2024, 4, 1), content="共建职工书屋", participants=20)
    return pairing


def _proposal_jiujiang(reg: Registry) -> Model:
    """职工代表提案 of 鸠江乙公司, proposed by 王鸠一."""
    from gonghui.honours import proposals
    from gonghui.honours.models import Proposal

    found = Proposal.objects.filter(workplace=reg.workplaces["jiujiang_b"]).first()
    return found or proposals.create_proposal(
        {
            "workplace": reg.workplaces["jiujiang_b"],
            "proposer": reg.members["jiujiang_1"],
            "year": 2024,
            "title": "关于改善鸠江乙公司职工食堂的提案",
            "content": "增加夜班餐。",
        }
    )


def _reinspection_jiujiang(reg: Registry) -> Model:
    """复查 issued by 鸠江区总工会 of its county-level model homes (one holder, 鸠江乙公司's union)."""
    import datetime as dt

    from gonghui.honours import reinspection
    from gonghui.honours.models import Reinspection

    holder = _manage_title_jiujiang(reg, "sweep-home")
    found = Reinspection.objects.filter(issuer=reg.unions["jiujiang"]).first()
    return found or reinspection.create_reinspection(
        issuer=reg.unions["jiujiang"],
        kind=holder.kind,
        named_from=2022,
        named_to=2022,
        as_of=dt.date(2025, 6, 30),
        deadline=dt.date(2025, 12, 31),
    )


def _honour_title_jiujiang(reg: Registry) -> Model:
    """荣誉 (issue 15): 王鸠一 (鸠江乙公司) as 先进个人 — a person holder, so the masking sweep sees a member
    behind the title — and 鸠江乙公司工会委员会 as a model home beside it."""
    from gonghui.honours.models import Title
    from tests.honours.titles_helpers import make_kinds, register

    found = Title.objects.filter(member=reg.members["jiujiang_1"]).first()
    if found is not None:
        return found
    kinds = make_kinds()
    register(kinds["t-national-home"], reg.unions["jiujiang_b"], 2016)
    return register(kinds["t-advanced-person"], reg.members["jiujiang_1"], 2022)


def _honour_round_jiujiang(reg: Registry) -> Model:
    """评选 (issue 15): a 模范职工小家 round issued BY 鸠江区总工会 (a city's round is visible, by design,
    to every county under it — they recommend into it; a county's round is not visible to its sibling)."""
    from gonghui.honours import rounds
    from gonghui.honours.kinds import ensure_honour_kinds
    from gonghui.honours.models import HonourKind, Round, Title

    found = Round.objects.filter(issuer=reg.unions["jiujiang"]).first()
    if found is not None:
        return found
    ensure_honour_kinds()
    round_ = rounds.create_round(
        actor=reg.users["jiujiang"],
        kind=HonourKind.objects.get(code="county-model-small-home"),
        year=2026,
        title="鸠江区模范职工小家评选",
        criteria_date=dt.date(2026, 6, 30),
        deadline=dt.date(2099, 12, 31),
    )
    # The 鸠江区 model home (the titles' sweep object) hangs in it, for the round's naming list.
    _honour_title_jiujiang(reg)
    Title.objects.filter(union=reg.unions["jiujiang_b"]).update(round=round_)
    return round_


def _honour_nomination_jiujiang(reg: Registry) -> Model:
    """推荐 (issue 15): 鸠江乙公司工会委员会 recommended by 鸠江区 in 芜湖市's round (hangs in 鸠江区's subtree)."""
    from gonghui.honours import rounds
    from gonghui.honours.kinds import ensure_honour_kinds
    from gonghui.honours.models import HonourKind, Nomination, Round

    found = Nomination.objects.filter(union=reg.unions["jiujiang_b"]).first()
    if found is not None:
        return found
    ensure_honour_kinds()
    city_round = Round.objects.filter(issuer=reg.unions["wuhu"]).first() or rounds.create_round(
        actor=reg.users["wuhu"],
        kind=HonourKind.objects.get(code="city-model-home"),
        year=2026,
        title="芜湖市模范职工之家评选",
        criteria_date=dt.date(2026, 6, 30),
        deadline=dt.date(2099, 12, 31),
    )
    return rounds.nominate(city_round, actor=reg.users["jiujiang"], union=reg.unions["jiujiang_b"])


def _honour_evidence_jiujiang(reg: Registry) -> Model:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from gonghui.core.uploads import check_upload
    from gonghui.honours import rounds

    nomination = _honour_nomination_jiujiang(reg)
    found = nomination.evidence.first()
    if found is not None:
        return found
    upload = check_upload(SimpleUploadedFile("鸠江推荐材料.pdf", b"%PDF-1.4 jiujiang"))
    return rounds.add_evidence(nomination, upload, actor=reg.users["jiujiang"])


def _union_worker_jiujiang(reg: Registry) -> Model:
    """工会工作者 (issue 16): a 社会化工会工作者 of 鸠江区总工会 with a phone and a 2025 appraisal."""
    from gonghui.people.models import Appraisal, AppraisalGrade, UnionWorker
    from tests.people.helpers import hire

    found = UnionWorker.objects.filter(union=reg.unions["jiujiang"]).first()
    if found is not None:
        return found
    worker = hire(reg.unions["jiujiang"], 701)
    Appraisal.objects.create(
        worker=worker, year=2025, grade=AppraisalGrade.objects.get(code="competent"), appraiser=worker.union
    )
    return worker


def _venue_jiujiang(reg: Registry) -> Model:
    """服务阵地 (issue 16): a 工会驿站 run by 鸠江区总工会."""
    import datetime as dt

    from gonghui.venues import services
    from gonghui.venues.models import Venue, VenueKind

    found = Venue.objects.filter(operator=reg.unions["jiujiang"]).first()
    if found is not None:
        return found
    services.ensure_venue_kinds()
    return services.save_venue(
        Venue(
            name="鸠江区官陡工会驿站",
            kind=VenueKind.objects.get(code="station"),
            operator=reg.unions["jiujiang"],
            region=_region_jiujiang(reg),
            address="芜湖市鸠江区官陡路 1 号",
            opened_on=dt.date(2024, 5, 1),
        )
    )


def _model_worker_jiujiang(reg: Registry) -> Model:
    """劳模工匠 (issue 16): a 市级工匠 kept by 鸠江区总工会, with a 疗休养 and a studio of 鸠江区."""
    import datetime as dt

    from gonghui.modelworkers import services
    from gonghui.modelworkers.models import ModelWorker, ServiceKind, Studio
    from tests.modelworkers.helpers import register

    found = ModelWorker.objects.filter(union=reg.unions["jiujiang"]).first()
    if found is not None:
        return found
    person = register(reg.unions["jiujiang"], 801)
    services.record_service(person, ServiceKind.objects.get(code="recuperation"), dt.date(2025, 5, 1))
    services.save_studio(
        Studio(
            name="鸠江区王工匠创新工作室",
            level="county",
            founded_year=2024,
            union=reg.unions["jiujiang"],
            leader=person,
        ),
        [person],
    )
    return person


def _studio_jiujiang(reg: Registry) -> Model:
    return _model_worker_jiujiang(reg).studios.get()


def _training_session_jiujiang(reg: Registry) -> Model:
    """培训班 (issue 16): a roster session of 鸠江区总工会 with 鸠江区's first member on its list (the line
    written directly, as data already there: the edit sweep counts the session's update audit rows)."""
    from gonghui.core.normalize import normalize_resident_id
    from gonghui.training import services
    from gonghui.training.models import TrainingSession
    from tests.training.helpers import roster_session

    found = TrainingSession.objects.filter(organiser=reg.unions["jiujiang"]).first()
    if found is not None:
        return found
    session = roster_session(reg.unions["jiujiang"])
    member = reg.members["jiujiang_1"]
    person = services.Person(normalize_resident_id(member.id_number), member.name)
    services.build_attendee(session, person, member).save()
    TrainingSession.objects.filter(pk=session.pk).update(person_times=1)
    session.refresh_from_db()
    return session


OUTSIDE_OBJECTS: dict[str, Callable[[Registry], Model]] = {
    "honours.grant": _grant_jiujiang,
    "honours.partnership": _partnership_jiujiang,
    "honours.proposal": _proposal_jiujiang,
    "honours.reinspection": _reinspection_jiujiang,
    "honours.reinspectionrecord": lambda reg: _reinspection_jiujiang(reg).records.get(),
    "honours.round": _honour_round_jiujiang,
    "honours.nomination": _honour_nomination_jiujiang,
    "honours.nominationevidence": _honour_evidence_jiujiang,
    "people.unionworker": _union_worker_jiujiang,
    "venues.venue": _venue_jiujiang,
    "modelworkers.modelworker": _model_worker_jiujiang,
    "modelworkers.studio": _studio_jiujiang,
    "training.trainingsession": _training_session_jiujiang,
    "training.attendee": lambda reg: _training_session_jiujiang(reg).attendees.get(),
    "evaluation.scoresheet": _score_sheet_jiujiang,
    "evaluation.sheetitem": _sheet_item_jiujiang,
    "evaluation.evaluation": _evaluation_jiujiang,
    "evaluation.unitresult": lambda reg: _evaluation_jiujiang(reg).results.order_by("pk").first(),
    "evaluation.score": _score_jiujiang,
    "supervision.pairing": _pairing_jiujiang,
    "supervision.pairingvisit": lambda reg: _pairing_jiujiang(reg).visits.get(),
    "supervision.meeting": _meeting_jiujiang,
    "supervision.workplan": _work_plan_jiujiang,
    "supervision.plantask": _plan_task_jiujiang,
    "supervision.task": _task_jiujiang,
    "supervision.evidence": _evidence_jiujiang,
    "supervision.department": _department_jiujiang,
    "supervision.problem": _problem_jiujiang,
    "directories.directoryedition": _directory_edition_jiujiang,
    "directories.directoryentry": _directory_entry_jiujiang,
    "directories.matchcandidate": _match_candidate_jiujiang,
    "directories.listitem": _list_item_jiujiang,
    "directories.visit": _visit_jiujiang,
    "accounts.apitoken": _api_token_jiujiang,
    "accounts.usersession": _user_session_jiujiang,
    "joining.joinapplication": _join_application_jiujiang,
    "joining.transferrequest": _transfer_request_jiujiang,
    "joining.routingrule": _routing_rule_jiujiang,
    "regions.region": _region_jiujiang,
    "orgs.workplace": lambda reg: reg.workplaces["jiujiang_b"],
    "orgs.unionorg": lambda reg: reg.unions["jiujiang_b"],
    "members.member": lambda reg: reg.members["jiujiang_1"],
    "accounts.user": lambda reg: reg.users["jiujiang"],
    "targets.targetplan": _target_plan_jiujiang,
    "targets.snapshot": _snapshot_jiujiang,
    "reporting.report": _report_jiujiang,
    "reporting.bulletinrelease": _bulletin_release_jiujiang,
    "imports.importjob": _import_job_jiujiang,
    "imports.exportjob": _export_job_jiujiang,
    "honours.title": _honour_title_jiujiang,
}

URL_MODELS: dict[str, str] = {
    "honours:nomination-create": "honours.round",
    "api:get_union_worker": "people.unionworker",
    "api:get_union_staffing": "orgs.unionorg",
    "api:get_venue": "venues.venue",
    "api:get_model_worker": "modelworkers.modelworker",
    "api:get_studio": "modelworkers.studio",
    "api:get_training_session": "training.trainingsession",
    "api:get_union_training_progress": "orgs.unionorg",
    "api:get_union_cadre_training": "orgs.unionorg",
    "api:get_report": "reporting.report",
    "api:get_score_sheet": "evaluation.scoresheet",
    "api:get_evaluation": "evaluation.evaluation",
    "api:get_work_plan": "supervision.workplan",
    "api:get_task": "supervision.task",
    "api:get_problem": "supervision.problem",
    "api:get_pairing": "supervision.pairing",
    "api:get_meeting": "supervision.meeting",
    "api:get_directory_edition": "directories.directoryedition",
    "api:get_directory_entry": "directories.directoryentry",
    "api:get_worklist_item": "directories.listitem",
    "accounts:token-revoke": "accounts.apitoken",
    "accounts:user-otp-reset": "accounts.user",
    "accounts:token-scope": "accounts.apitoken",
    "accounts:session-end": "accounts.usersession",
    "api:get_region": "regions.region",
    "api:get_workplace": "orgs.workplace",
    "api:get_union": "orgs.unionorg",
    "api:get_union_counts": "orgs.unionorg",
    "api:get_member": "members.member",
    "api:reveal_member": "members.member",
    "api:get_target_plan": "targets.targetplan",
    "api:get_union_indicators": "orgs.unionorg",
    "targets:plan-detail": "targets.targetplan",
    "reports:bulletin": "targets.targetplan",
    "reports:snapshot": "targets.snapshot",
    "api:get_title": "honours.title",
    "api:get_round": "honours.round",
}

URL_KWARGS: dict[str, Callable[[Registry], dict[str, Any]]] = {
    # 示范点补助 (issue 15): approve the grant of a 鸠江区 site (a title of a grant-carrying kind).
    "honours:grant-approve": lambda reg: {"title_pk": _manage_title_jiujiang(reg, "sweep-site").pk},
    "supervision:point-add": lambda reg: {"plan_pk": _work_plan_jiujiang(reg).pk},
    "evaluation:item-add": lambda reg: {"sheet_pk": _score_sheet_jiujiang(reg).pk},
    "evaluation:evaluation-export": lambda reg: {"pk": _evaluation_jiujiang(reg).pk, "fmt": "xlsx"},
    # 三清单导出 (issue 13): 鸠江区's own lists, with its problem on them.
    "supervision:lists-export": lambda reg: {"pk": _problem_jiujiang(reg).union_id},
    # 目标任务 drill-down / bulletin download (issue 4): the 鸠江区 plan and its 鸠江区 row.
    "targets:plan-drill": lambda reg: {
        "pk": _target_plan_jiujiang(reg).pk,
        "union_pk": reg.unions["jiujiang_b"].pk,
        "metric": "members",
    },
    # 数据质量 drill-down (issue 9): a 鸠江区 node's list.
    "targets:quality-drill": lambda reg: {"pk": reg.unions["jiujiang"].pk, "check": "zero_employees"},
    "reports:bulletin-download": lambda reg: {"pk": _snapshot_jiujiang(reg).pk, "fmt": "docx"},
    # 年报下载 (issue 14): 鸠江区's 年报.
    "reporting:report-annual-export": lambda reg: {"pk": _annual_report_jiujiang(reg).pk, "fmt": "xlsx"},
}

PUBLIC_URLS: set[str] = {
    "accounts:login",
    "accounts:logout",
    # 网上入会 (issue 5): the applicant's pages need no account.
    "joining:apply",
    "joining:workplace-search",
    "joining:status",
    "joining:public-transfer",
    # The API schema and docs describe endpoints, they hold no data.
    "api:openapi-json",
    "api:openapi-view",
    "api:api-root",
}

EXCLUDED_PREFIXES: dict[str, str] = {
    "admin/": "Django admin：仅限 is_staff 超级管理员，有自己的登录页，不按管辖范围过滤",
    "static/": "静态文件",
}


# --- machinery shared by both sweeps -------------------------------------------------------------

_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>\w+)>")


@dataclass(frozen=True)
class Route:
    route: str  # "members/<int:pk>/edit/"
    name: str  # "members:member-edit"
    callback: Callable

    @property
    def params(self) -> list[str]:
        return [m.group("name") for m in _PARAM.finditer(self.route)]

    @property
    def is_api(self) -> bool:
        return self.route.startswith("api/")

    def url(self, **kwargs: Any) -> str:
        return "/" + _PARAM.sub(lambda m: str(kwargs[m.group("name")]), self.route)

    def model_label(self) -> str | None:
        model = getattr(getattr(self.callback, "view_class", None), "model", None)
        if model is not None:
            return model._meta.label_lower
        return URL_MODELS.get(self.name)


def all_routes() -> list[Route]:
    """Every URL pattern of the project (root resolver, nested includes, the API), minus exclusions."""
    routes: list[Route] = []

    def walk(patterns, prefix: str, namespace: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if any(route.startswith(p) for p in EXCLUDED_PREFIXES):
                continue
            if isinstance(pattern, URLResolver):
                ns = namespace
                if pattern.namespace:
                    ns = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                walk(pattern.url_patterns, route, ns)
            elif isinstance(pattern, URLPattern):
                name = f"{namespace}:{pattern.name}" if namespace else str(pattern.name)
                routes.append(Route(route.lstrip("^"), name, pattern.callback))

    walk(get_resolver().url_patterns, "", "")
    return routes


def outside_url(route: Route, reg: Registry) -> str:
    """The route pointing at a 鸠江区 object; fails the test with instructions if it cannot."""
    if not route.params:
        return route.url()
    if route.name in URL_KWARGS:
        return route.url(**URL_KWARGS[route.name](reg))
    if route.params == ["pk"]:
        label = route.model_label()
        if label is None:
            pytest.fail(
                f"{route.name}（/{route.route}）：无法确定该路由的模型。函数视图或 API 路由请在 "
                f"tests/scope_objects.py 的 URL_MODELS 中登记 '{route.name}': '<app>.<model>'"
            )
        if label not in OUTSIDE_OBJECTS:
            pytest.fail(
                f"{route.name}（/{route.route}）：模型 {label} 没有登记鸠江区的对象。请在 "
                f"tests/scope_objects.py 的 OUTSIDE_OBJECTS 中登记 '{label}': lambda reg: <鸠江区的一个对象>"
            )
        return route.url(pk=OUTSIDE_OBJECTS[label](reg).pk)
    pytest.fail(
        f"{route.name}（/{route.route}）：参数 {route.params} 不是单一 pk。请在 tests/scope_objects.py 的 "
        f"URL_KWARGS 中登记 '{route.name}': lambda reg: {{参数: 指向鸠江区对象的值}}"
    )
