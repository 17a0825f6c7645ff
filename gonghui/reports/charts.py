"""Chart images for bulletins (matplotlib, Agg), in Noto CJK so that Chinese labels print."""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
from matplotlib import font_manager
from matplotlib import pyplot as plt

CJK_CANDIDATES = [
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
]


@cache
def cjk_font() -> font_manager.FontProperties:
    for candidate in CJK_CANDIDATES:
        if Path(candidate).exists():
            font_manager.fontManager.addfont(candidate)
            return font_manager.FontProperties(fname=candidate)
    # Without fonts-noto-cjk the labels would print as boxes: say how to fix it.
    raise RuntimeError("缺少中文字体 Noto CJK：请运行 make system-deps（安装 fonts-noto-cjk）")


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=150, bbox_inches="tight")
    plt.close(fig)
    return buf.getvalue()


def completion_bar(figures: dict) -> bytes:
    """Member-target completion % by row, with the time-elapsed line."""
    font = cjk_font()
    code = next((m["code"] for m in figures["metrics"] if m["source"] == "members_net"), None)
    rows = [r for r in figures["rows"] if r["score"] is not None]
    rows.sort(key=lambda r: r["score"], reverse=True)
    names = [r["name"].removesuffix("总工会") for r in rows]
    values = [(r["cells"][code]["pct"] if code else r["score"]) or 0 for r in rows]
    elapsed = figures["elapsed_pct"]
    fig, ax = plt.subplots(figsize=(7.5, 3.6))
    colors = ["#c0392b" if v < elapsed * 0.9 else "#2e86c1" for v in values]
    ax.bar(range(len(values)), values, color=colors)
    ax.axhline(elapsed, color="#333", linestyle="--", linewidth=1)
    ax.text(
        len(values) - 0.5,
        elapsed,
        f"时间进度 {elapsed}%",
        fontproperties=font,
        ha="right",
        va="bottom",
        fontsize=9,
    )
    ax.set_xticks(range(len(values)))
    ax.set_xticklabels(names, fontproperties=font, rotation=30, ha="right", fontsize=9)
    ax.set_ylabel("会员数完成率（%）", fontproperties=font)
    for i, v in enumerate(values):
        ax.text(i, v, f"{v:.0f}", ha="center", va="bottom", fontsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    return _png(fig)


def monthly_line(monthly: dict) -> bytes:
    font = cjk_font()
    fig, ax = plt.subplots(figsize=(7.5, 3.0))
    labels = [label[-2:] + "月" for label in monthly["labels"]]
    ax.plot(labels, monthly["net"], marker="o", color="#c0392b")
    for x, y in zip(labels, monthly["net"], strict=True):
        ax.text(x, y, str(y), ha="center", va="bottom", fontsize=8)
    ax.set_xticks(range(len(labels)))
    ax.set_xticklabels(labels, fontproperties=font)
    ax.set_ylabel("会员净增（人）", fontproperties=font)
    ax.axhline(0, color="#999", linewidth=0.6)
    ax.spines[["top", "right"]].set_visible(False)
    return _png(fig)
