"""What the meetings register and the reminders register with core and targets (called from
``SupervisionConfig.ready()``): the menu entry, the three meeting indicators, the home page's 督导提醒
panel, the daily reminder task and its name on the system administrator's console."""

from __future__ import annotations

from gonghui.core import console, home, navigation


def register() -> None:
    from . import meetings, reminders_tasks

    navigation.register("会议台账", "supervision:meeting-list", "bi-people", 66, section="目标与督导")
    meetings.register_indicators()
    home.register_panel("supervision:reminder-panel", 15)
    console.register_task_label(reminders_tasks.send_reminders_task, "发送督导提醒")
