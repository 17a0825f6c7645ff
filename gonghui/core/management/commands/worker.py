"""``manage.py worker``: django-tasks-db's ``db_worker`` that rides out a database failover (issue 17).

The upstream worker stops on the first database error other than a locked SQLite file: a primary killed
under it (kill -9, a crashed server) ends the process, and a task that failed while the database was
away stays 运行中 in the queue. This one closes the broken connection, waits for the database to answer
again (the multi-host DATABASE_URL reaches the promoted standby) and goes on; a task's outcome that could
not be recorded is recorded once the database is back. Same options as ``db_worker``.
"""

from __future__ import annotations

import logging
import time

from django.db import InterfaceError, OperationalError, connections
from django_tasks_db.management.commands import db_worker as upstream

from gonghui.core import failover

log = logging.getLogger("gonghui.worker")


class ResilientWorker(upstream.Worker):
    def run(self) -> None:
        pause = 0.5
        while True:
            try:
                return super().run()
            except (OperationalError, InterfaceError) as exc:
                if not failover.connection_lost(exc) or not self.running:
                    raise
                log.warning("后台任务进程：数据库连接中断，%.1f 秒后重连：%s", pause, exc)
                for conn in connections.all(initialized_only=True):
                    failover.drop_broken(conn.alias)
                time.sleep(pause)
                pause = min(pause * 2, 5.0)
                self.startup_delay = False

    def run_task(self, db_task_result) -> None:
        try:
            super().run_task(db_task_result)
        except (OperationalError, InterfaceError) as exc:
            # The task ran (or failed) but its result could not be written: write "failed" on the new
            # primary, so the queue does not show it running for ever.
            if not failover.connection_lost(exc):
                raise
            error = exc
            failover.retry_after_failover(lambda: db_task_result.set_failed(error))


class Command(upstream.Command):
    help = "运行后台任务（导入、导出、定时任务）；数据库主备切换后自动重连"

    def handle(self, *args, **options) -> None:
        # The upstream command builds its Worker by module-level name; this process runs ours.
        upstream.Worker = ResilientWorker  # type: ignore[misc]
        super().handle(*args, **options)
