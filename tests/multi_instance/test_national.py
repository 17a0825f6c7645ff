"""The national roll-up on three instances (`make national-demo`, deploy/national/national.sh): the
national sums equal the provinces' own figures, a person held in one province is refused in the other
naming the first, and a join reaches the national instance by logical replication (the lag is printed).

Run by `make test-national` (not by `make test`: tests/conftest.py collects tests/cluster only when named)."""

from __future__ import annotations

import json
import os
import random
import subprocess
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "deploy" / "national" / "national.sh"
PORTS = {"p34": 57432, "p32": 57433, "nat": 57434}
HELD = "('active', 'retained')"


def env_of(name: str) -> dict[str, str]:
    out = subprocess.run(
        ["bash", str(SCRIPT), "env", name], capture_output=True, text=True, check=True
    ).stdout
    env = {k: v for k, v in (line.split("=", 1) for line in out.splitlines() if "=" in line)}
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("GONGHUI_", "DATABASE_", "DJANGO_"))}
    return {**clean, **env}


def manage(name: str, *args: str) -> str:
    done = subprocess.run(
        [str(REPO / ".venv" / "bin" / "python"), "manage.py", *args],
        cwd=REPO,
        env=env_of(name),
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def shell(name: str, code: str) -> str:
    return manage(name, "shell", "--no-imports", "-c", code).strip().splitlines()[-1]


def sql(name: str, query: str) -> str:
    return subprocess.run(
        [
            "psql",
            "-h",
            "127.0.0.1",
            "-p",
            str(PORTS[name]),
            "-U",
            "postgres",
            "-d",
            "gonghui",
            "-Atqc",
            query,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def wait_for(predicate, seconds: float = 30.0) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        if predicate():
            return time.perf_counter() - started
        time.sleep(0.05)
    raise AssertionError(f"复制在 {seconds} 秒内未完成")


def caught_up() -> bool:
    """The national copy holds exactly what each province publishes (snapshot rows and digests)."""
    for name in ("p34", "p32"):
        code = name[1:]
        for table in ("national_nodesnapshot", "national_membershiphash"):
            here = sql(name, f"SELECT count(*) FROM {table} WHERE province_code = '{code}'")
            there = sql("nat", f"SELECT count(*) FROM {table} WHERE province_code = '{code}'")
            if here != there:
                return False
    return True


@pytest.fixture(scope="module", autouse=True)
def instances_up():
    done = subprocess.run(["bash", str(SCRIPT), "check"], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.fail(f"全国汇总演示实例未运行：{done.stderr.strip()}（先运行 make national-demo）")
    # The nightly publication, as of now (earlier runs may have joined people since the demo's).
    for name in ("p34", "p32"):
        manage(name, "publish_national")
    waited = wait_for(caught_up)
    print(f"\n发布后全国实例追平用时：{waited:.2f} 秒")


def test_national_rollup_equals_the_sum_of_the_two_provinces():
    national = json.loads(manage("nat", "show_national", "--json"))
    assert set(national["provinces"]) == {"32", "34"}
    members = 0
    for name in ("p34", "p32"):
        code = name[1:]
        top = sql(
            name,
            "SELECT members, grassroots_unions, workplaces_covered FROM national_nodesnapshot "
            f"WHERE province_code = '{code}' AND depth = 0 ORDER BY as_of DESC LIMIT 1",
        ).split("|")
        held = int(sql(name, f"SELECT count(*) FROM members_member WHERE status IN {HELD}"))
        row = national["provinces"][code]
        # The published figure is the province's own register, and the national copy is that figure.
        assert int(top[0]) == held == row["members"] == row["hashes"]
        assert (int(top[1]), int(top[2])) == (row["grassroots_unions"], row["workplaces_covered"])
        members += held
    assert national["total"]["members"] == members == national["total"]["hashes"]
    for field in ("grassroots_unions", "workplaces", "workplaces_covered", "migrant_members", "year_joined"):
        assert national["total"][field] == sum(p[field] for p in national["provinces"].values())
    assert national["provinces"]["34"]["name"] == "安徽省" and national["provinces"]["32"]["name"] == "江苏省"


JOIN = """
import datetime as dt, time
from gonghui.core.normalize import normalize_resident_id
from gonghui.members import services
from gonghui.orgs.models import UnionOrg, GRASSROOTS_KINDS
union = UnionOrg.objects.filter(kind__in=GRASSROOTS_KINDS, status='active').order_by('path').first()
applicant = services.Applicant(resident_id=normalize_resident_id('{number}'), name='跨省测试')
try:
    m = services.join(applicant, union, dt.date.today())
    print('OK', m.pk, time.time())
except services.MembershipError as exc:
    print('REFUSED', exc)
"""

LEAVE = """
import datetime as dt
from gonghui.core import crypto
from gonghui.members import services
from gonghui.members.models import Member
m = Member.objects.get(id_hash=crypto.lookup_hash('ric', '{number}'), status='active')
services.leave(m, dt.date.today(), reason='voluntary')
print('LEFT')
"""

MOVE = """
import datetime as dt
from gonghui.core import crypto
from gonghui.members import services
from gonghui.members.models import Member
m = Member.objects.get(id_hash=crypto.lookup_hash('ric', '{number}'), status='active')
m = services.transfer_out_of_province(m, '{to}', dt.date.today())
print('MOVED', m.status)
"""


def test_a_join_in_one_province_replicates_and_a_duplicate_in_the_other_is_refused(capsys):
    from stdnum.cn import ric

    body = f"340202198{random.randrange(10)}0{random.randrange(1, 10)}1{random.randrange(1, 10)}{random.randrange(1000):03d}"
    number = body + ric.calc_check_digit(body + "0")
    before = int(sql("nat", "SELECT count(*) FROM national_membershiphash WHERE province_code = '34'"))
    out = shell("p34", JOIN.format(number=number))
    assert out.startswith("OK"), out
    committed = float(out.split()[-1])
    wait_for(
        lambda: (
            int(sql("nat", "SELECT count(*) FROM national_membershiphash WHERE province_code = '34'"))
            == before + 1
        )
    )
    lag = time.time() - committed
    p32_members = sql("p32", "SELECT count(*) FROM members_member")
    refused = shell("p32", JOIN.format(number=number))
    assert refused == "REFUSED 该身份证号码已是安徽省工会会员，须由安徽省工会先办理「转出至外省」"
    assert sql("p32", "SELECT count(*) FROM members_member") == p32_members  # nothing written
    # 转出至外省 in 34 (to 32) withdraws the digest; 32 may then take the person.
    assert shell("p34", MOVE.format(number=number, to="32")) == "MOVED transferred"
    wait_for(
        lambda: (
            int(sql("nat", "SELECT count(*) FROM national_membershiphash WHERE province_code = '34'"))
            == before
        )
    )
    accepted = shell("p32", JOIN.format(number=number))
    assert accepted.startswith("OK"), accepted
    assert shell("p32", LEAVE.format(number=number)) == "LEFT"  # leave the demo as it was (one exited row)
    with capsys.disabled():
        print(f"\n复制延迟（省内提交入会 → 全国实例可见，含轮询）：{lag:.2f} 秒")
