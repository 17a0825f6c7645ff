"""The declarative scoring rules with known answers."""

from decimal import Decimal as D

from gonghui.evaluation import scoring


def test_linear_to_the_threshold():
    assert scoring.score("linear", D(15), D(80), D(60))[0] == D("11.25")  # 15 × 60 ÷ 80
    assert scoring.score("linear", D(15), D(80), D(80))[0] == D(15)
    assert scoring.score("linear", D(15), D(80), D("95.5"))[0] == D(15)  # capped at full marks
    assert scoring.score("linear", D(10), D(90), D(0))[0] == D(0)
    _score, how = scoring.score("linear", D(15), D(80), D(60))
    assert how == "线性至达标线：15 × 60 ÷ 80 = 11.25"


def test_full_marks_at_the_threshold_or_nothing():
    assert scoring.score("threshold", D(5), D(1), D(1))[0] == D(5)
    assert scoring.score("threshold", D(5), D(1), D(3))[0] == D(5)
    score, how = scoring.score("threshold", D(5), D(1), D(0))
    assert score == D(0) and "未达标" in how


def test_proportional_to_a_rate():
    assert scoring.score("proportional", D(5), None, D(50))[0] == D("2.50")
    assert scoring.score("proportional", D(10), None, D("33.3"))[0] == D("3.33")
    assert scoring.score("proportional", D(5), None, D(120))[0] == D(5)  # never above full marks


def test_no_value_scores_nothing():
    score, how = scoring.score("linear", D(15), D(80), None)
    assert score is None and "不计分" in how
    assert scoring.score("linear", D(15), None, D(50))[0] is None  # a threshold rule without a threshold


def test_automatic_veto_below_the_threshold():
    assert scoring.vetoes(D(100), D("99.9"))[0] is True
    assert scoring.vetoes(D(100), D(100))[0] is False
    assert scoring.vetoes(D(100), None) == (False, "无来源数值，系统不作否决判断")
