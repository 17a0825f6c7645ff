"""What reporting registers with core (called from ``ReportingConfig.ready()``): the menu entries, the
report list's export columns, the figure providers, the daily reminder task and the bulletin's
sign-off gate (``reports.release``)."""

from __future__ import annotations

from gonghui.core import console, exports, navigation
from gonghui.core.exports import attr, fk

REPORT_EXPORT = [
    ("报告", lambda report, full: str(report)),
    ("报送单位", fk("node")),
    ("报送截止日期", attr("due_date")),
    ("状态", lambda report, full: report.get_status_display()),
    ("提交时间", attr("submitted_at")),
]


def register() -> None:
    from gonghui.reports import release

    from . import bulletins, figures, links, tasks  # tasks: registers the daily reminder run
    from .models import Report

    figures.register_defaults()
    links.register()  # the 年报's figures and submission checks; the evaluation's report_on_time source
    console.register_task_label(tasks.send_report_reminders_task, "发送报告报送提醒")
    release.register(bulletins)  # the quarterly bulletin: 拟稿 → 审核 → 签发 before ranked units see it
    # 定期报告: orders 66–68 (after the statistics and bulletins).
    navigation.register("报送日历", "reporting:calendar", "bi-calendar-check", 66, section="报送与考核")
    navigation.register("定期报告", "reporting:report-list", "bi-journal-text", 67, section="报送与考核")
    navigation.register("报告类型", "reporting:type-list", "bi-ui-checks", 68, section="报送与考核")
    exports.register(Report, REPORT_EXPORT, related=("node", "report_type"))
