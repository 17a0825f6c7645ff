"""Mark failed the imports whose process died (no heartbeat for IMPORT_STALE_SECONDS). The job pages do
this whenever they are read; run this from cron or a systemd timer so that it happens unattended too."""

from gonghui.imports.jobs import reap_stale_jobs

from ._base import JsonExitCommand


class Command(JsonExitCommand):
    help = "把进程已终止（长时间没有心跳）的导入标记为失败"

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="最后一行输出 JSON 结果")

    def handle(self, *args, **options):
        marked = reap_stale_jobs()
        self.stderr.write(
            f"已将 {len(marked)} 个进程已终止的导入标记为失败" if marked else "没有进程已终止的导入"
        )
        self.emit({"failed": marked})
