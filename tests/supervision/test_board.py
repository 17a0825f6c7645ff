"""挂图作战: counts per county-level union on a hand-built tree (townships count for their county, the
city's own tasks for nobody), overdue derived on the day asked, the same figures as the naive loop, a
fixed number of queries however many counties, links that drill down to lists of the same size."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from gonghui.orgs.models import UnionKind, UnionOrg
from gonghui.supervision import problems, tasks
from gonghui.supervision.board import build_board, naive_board
from gonghui.supervision.models import Problem
from tests.supervision.lists_helpers import close_task, make_problem
from tests.supervision.tasks_helpers import build_sup

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(registry):
    """鸠江区: a closed problem (its one task done) and an open one with an overdue task and a task not
    yet due; 镜湖区: two plan copies (one started) and a plan copy for its street union; 芜湖市 keeps a
    plan copy of its own (on no county's row)."""
    today = timezone.localdate()
    sup = build_sup(registry)  # plan copies: 镜湖区 ×2, 鸠江区 ×1, deadline in 30 days
    closed = make_problem(registry, "jiujiang", n_tasks=1)
    close_task(registry, closed.tasks.get())
    problems.close_problem(closed, actor=registry.users["wuhu"])
    late = make_problem(registry, "jiujiang", n_tasks=0)
    problems.add_problem_task(
        late, actor=registry.users["wuhu"], title="逾期任务", deadline=today - dt.timedelta(1)
    )
    problems.add_problem_task(
        late, actor=registry.users["wuhu"], title="未到期任务", deadline=today + dt.timedelta(5)
    )
    tasks.add_progress(sup.tasks["jinghu"], actor=registry.users["jinghu"], on_date=today, note="已部署")
    from gonghui.supervision import plans

    # 镜湖区 passes the point on to its street union (a county's own decomposition).
    tasks.create_task(
        issuer=registry.unions["jinghu"],
        assignee=registry.unions["jinghu_street"],
        plan_task=sup.organising,
        title="开展组织员培训",
        deadline=today - dt.timedelta(3),
    )
    plans.decompose(
        sup.organising,
        [plans.Assignment(registry.unions["wuhu"], today - dt.timedelta(3))],
        actor=registry.users["wuhu"],
    )
    return {"closed": closed, "late": late, "sup": sup}


def figures(board):
    return {row.union.name: row.figures() for row in board.rows}


def test_counts_per_county_with_overdue(registry, world):
    board = build_board(registry.unions["province"])
    got = figures(board)
    assert list(got) == ["镜湖区总工会", "鸠江区总工会", "芜湖经济技术开发区总工会"]
    assert got["鸠江区总工会"] == {
        "problems": {"open": 1, "closed": 1, "overdue": 1},
        "tasks": {"not_started": 2, "in_progress": 0, "submitted": 0, "done": 1, "overdue": 1},
    }
    # 镜湖区: its two copies (one 推进中) and its street's overdue copy.
    assert got["镜湖区总工会"]["tasks"] == {
        "not_started": 1,
        "in_progress": 1,
        "submitted": 0,
        "done": 0,
        "overdue": 1,
    }
    assert got["芜湖经济技术开发区总工会"] == {
        "problems": {"open": 0, "closed": 0, "overdue": 0},
        "tasks": {"not_started": 0, "in_progress": 0, "submitted": 0, "done": 0, "overdue": 0},
    }
    assert board.total.tasks["overdue"] == board.overdue_count == 2  # 芜湖市's own late copy is not counted
    assert [(i.county.name, i.task.title, i.days) for i in board.overdue] == [
        ("镜湖区总工会", "开展组织员培训", 3),
        ("鸠江区总工会", "逾期任务", 1),
    ]
    assert [r.figures() for r in naive_board(registry.unions["province"])] == [
        r.figures() for r in board.rows
    ]


def test_overdue_is_derived_on_the_day_asked(registry, world):
    later = timezone.localdate() + dt.timedelta(days=40)
    got = figures(build_board(registry.unions["wuhu"], as_of=later))
    assert got["鸠江区总工会"]["tasks"] == {
        "not_started": 0,
        "in_progress": 0,
        "submitted": 0,
        "done": 1,
        "overdue": 3,
    }
    assert got["鸠江区总工会"]["problems"]["overdue"] == 1


def test_a_county_root_shows_its_own_row_only(registry, world):
    board = build_board(registry.unions["jinghu"])
    assert [row.union.name for row in board.rows] == ["镜湖区总工会"]


def test_a_fixed_number_of_queries_however_many_counties(registry, world):
    root = registry.unions["province"]
    with CaptureQueriesContext(connection) as few:
        build_board(root)
    for i in range(6):
        county = UnionOrg.objects.create(
            name=f"合肥测试{i}区总工会", kind=UnionKind.COUNTY, parent=registry.unions["hefei"],
            region=registry.unions["hefei"].region,
        )  # fmt: skip
        problems.register_problem(
            union=county,
            source=Problem.Source.RESEARCH,
            description="调研发现",
            found_on=timezone.localdate(),
        )
    with CaptureQueriesContext(connection) as many:
        board = build_board(root)
    assert len(board.rows) == 9 and len(many) == len(few) <= 5


def test_every_count_links_to_a_list_of_that_size(as_user, registry, world):
    client = as_user("wuhu")
    page = client.get(reverse("supervision:board")).content.decode()
    jiujiang = registry.unions["jiujiang"].pk
    overdue_tasks = f"{reverse('supervision:task-list')}?status=overdue&amp;assignee={jiujiang}"
    assert overdue_tasks in page
    listing = client.get(overdue_tasks.replace("&amp;", "&")).content.decode()
    assert "逾期任务" in listing and "未到期任务" not in listing
    overdue_problems = f"{reverse('supervision:problem-list')}?overdue=true&amp;county={jiujiang}"
    assert overdue_problems in page
    listing = client.get(overdue_problems.replace("&amp;", "&"))
    assert [p.pk for p in listing.context["table"].data] == [world["late"].pk]


def test_a_county_board_shows_no_sibling(as_user, registry, world):
    page = as_user("jinghu").get(reverse("supervision:board")).content.decode()
    assert "镜湖区总工会" in page and "鸠江区总工会" not in page and ">逾期任务<" not in page
