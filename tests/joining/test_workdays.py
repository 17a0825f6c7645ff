"""Deadlines in working days across National Day and Spring Festival, make-up days included."""

import datetime as dt

import pytest

from gonghui.core.models import Setting
from gonghui.joining import workdays
from gonghui.joining.workdays import add_working_days, is_workday, working_days_between

D = dt.date


def test_make_up_working_days_are_workdays_and_holidays_are_not():
    assert is_workday(D(2026, 9, 20))  # Sunday, made up for National Day 2026
    assert is_workday(D(2026, 10, 10))  # Saturday, made up
    assert not is_workday(D(2026, 10, 5))  # Monday inside the holiday
    assert is_workday(D(2026, 2, 14))  # Saturday before Spring Festival 2026
    assert is_workday(D(2026, 2, 28))
    assert not is_workday(D(2026, 2, 17))  # 初一
    assert is_workday(D(2025, 9, 28))  # Sunday, made up for National Day 2025
    assert not is_workday(D(2025, 10, 8))  # 2025's holiday ran to 8 October (Mid-Autumn joined it)
    assert is_workday(D(2025, 10, 11))  # Saturday, made up


def test_one_working_day_after_the_last_day_before_national_day():
    assert add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 8)
    assert add_working_days(D(2026, 9, 30), 3) == D(2026, 10, 10)  # the make-up Saturday counts


def test_fifteen_working_days_across_national_day_2026():
    # 9/29 9/30 | 10/8 10/9 10/10(Sat, make-up) | 10/12–16 | 10/19–23 → 15 on 23 October
    assert add_working_days(D(2026, 9, 28), 15) == D(2026, 10, 23)


def test_fifteen_working_days_across_national_day_2025():
    # 9/26(Fri) 9/28(Sun, make-up) 9/29 9/30 | 10/9 10/10 10/11(Sat, make-up) | 10/13–17 | 10/20 10/21 10/22
    assert add_working_days(D(2025, 9, 25), 15) == D(2025, 10, 22)


def test_fifteen_working_days_across_spring_festival_2026():
    # 2/11 2/12 2/13 2/14(Sat, make-up) | holiday 2/15–2/23 | 2/24–2/27 2/28(Sat, make-up) | 3/2–3/6 | 3/9
    assert add_working_days(D(2026, 2, 10), 15) == D(2026, 3, 9)


def test_fifteen_working_days_across_spring_festival_2025():
    # 2025: holiday 1/28–2/4, make-up Sun 1/26 and Sat 2/8.
    # 1/23(1) 1/24(2) 1/26(3) 1/27(4) | 2/5(5) 2/6(6) 2/7(7) 2/8(8) | 2/10–14 (9–13) | 2/17(14) 2/18(15)
    assert add_working_days(D(2025, 1, 22), 15) == D(2025, 2, 18)


def test_working_days_between_is_the_inverse():
    start = D(2026, 9, 28)
    assert working_days_between(start, D(2026, 10, 23)) == 15
    assert working_days_between(D(2026, 10, 23), start) == -15
    assert working_days_between(D(2026, 10, 1), D(2026, 10, 7)) == 0


def test_urgency():
    deadline = D(2026, 10, 23)
    assert workdays.urgency(deadline, D(2026, 10, 24)) == "overdue"
    assert workdays.urgency(deadline, D(2026, 10, 20)) == "due_soon"  # 3 working days left
    assert workdays.urgency(deadline, D(2026, 10, 16)) == ""  # 5 left
    assert workdays.urgency(D(2026, 10, 8), D(2026, 9, 30)) == "due_soon"  # 1 working day over the holiday


@pytest.mark.django_db
def test_deadline_configurable_per_federation(joinreg, monkeypatch):
    monkeypatch.setattr(workdays, "SETTING_CACHE_SECONDS", 0)  # read every change at once here
    newform = joinreg.unions["jiujiang_newform"]
    start = D(2026, 2, 10)
    assert workdays.review_deadline(newform, start) == D(2026, 3, 9)  # default 15
    Setting.put(workdays.REVIEW_KEY, 10)  # the whole deployment
    assert workdays.review_deadline(newform, start) == add_working_days(start, 10)
    Setting.put(f"{workdays.REVIEW_KEY}.{joinreg.unions['wuhu'].pk}", 5)  # the city federation
    assert workdays.review_deadline(newform, start) == add_working_days(start, 5)
    # another city keeps the deployment's value
    assert workdays.review_deadline(joinreg.unions["hefei"], start) == add_working_days(start, 10)
    Setting.put(f"{workdays.TRANSFER_KEY}.{joinreg.unions['jiujiang'].pk}", 3)
    assert workdays.transfer_deadline(joinreg.unions["jiujiang_b"], start) == add_working_days(start, 3)
