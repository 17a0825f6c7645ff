"""The declarative scoring rules of automatic items, applied: a score and the words saying how."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

TWO = Decimal("0.01")


def _fmt(value: Decimal) -> str:
    text = f"{value.normalize():f}"
    return text


def _q(value: Decimal) -> Decimal:
    return value.quantize(TWO, rounding=ROUND_HALF_UP)


def score(
    rule: str, max_score: Decimal, threshold: Decimal | None, value: Decimal | None
) -> tuple[Decimal | None, str]:
    """``(score, explanation)`` of ``value`` under ``rule``; no value → no score."""
    if value is None:
        return None, "无来源数值，不计分"
    m, v = Decimal(max_score), Decimal(value)
    if rule == "proportional":
        raw = min(m * v / 100, m) if v > 0 else Decimal(0)
        return _q(raw), f"按比率：{_fmt(m)} × {_fmt(v)}% = {_fmt(_q(raw))}（不超过满分）"
    if threshold is None or Decimal(threshold) <= 0:
        return None, "未设达标线，不能计分"
    t = Decimal(threshold)
    if rule == "threshold":
        got = m if v >= t else Decimal(0)
        verdict = "达标" if v >= t else "未达标"
        return _q(
            got
        ), f"达标得满分：{_fmt(v)} {'≥' if v >= t else '<'} {_fmt(t)}，{verdict}，得 {_fmt(_q(got))} 分"
    if rule == "linear":
        if v >= t:
            return _q(m), f"线性至达标线：{_fmt(v)} ≥ {_fmt(t)}，得满分 {_fmt(m)}"
        raw = m * max(v, Decimal(0)) / t
        return _q(raw), f"线性至达标线：{_fmt(m)} × {_fmt(v)} ÷ {_fmt(t)} = {_fmt(_q(raw))}"
    return None, "未设计分规则，不能计分"


def vetoes(threshold: Decimal | None, value: Decimal | None) -> tuple[bool, str]:
    """An automatic 一票否决 item: vetoed when the value is below the threshold; no value → not decided
    by the system (the issuer may still veto by hand)."""
    if value is None or threshold is None:
        return False, "无来源数值，系统不作否决判断"
    if Decimal(value) < Decimal(threshold):
        return True, f"{_fmt(Decimal(value))} < {_fmt(Decimal(threshold))}，未达到要求"
    return False, f"{_fmt(Decimal(value))} ≥ {_fmt(Decimal(threshold))}，达到要求"
