"""Run a failed import again from its stored upload, in the mode it failed in (a preview, or the
confirmed import with the same 跳过错误行 choice), in the foreground. Exit codes as the import commands."""

from django.core.management.base import CommandError

from gonghui.imports.jobs import reap_stale_jobs
from gonghui.imports.models import ImportJob
from gonghui.imports.services import retry_job

from ._base import ImportCommand, resolve_user


class Command(ImportCommand):
    help = "重试一次失败的导入（从保存的上传文件重新运行）"

    def add_arguments(self, parser):
        parser.add_argument("job", type=int, help="导入记录编号")
        parser.add_argument("--report", help="把错误报告另存为此 .xlsx 文件")
        parser.add_argument("--json", action="store_true", help="最后一行输出 JSON 结果")
        parser.add_argument("--user", help="以该用户身份操作（须能看到这条导入记录）；默认为唯一的超级管理员")

    def handle(self, *args, **options):
        user = resolve_user(options["user"])
        reap_stale_jobs()  # a job whose process just died is failed first, then retried
        job = (
            ImportJob.objects.visible_to(user)
            .select_related("user", "default_union", "scope")
            .filter(pk=options["job"])
            .first()
        )
        if job is None:
            raise CommandError(
                f"找不到编号为 {options['job']} 的导入记录（或不在您的管辖范围内）", returncode=2
            )
        if refusal := job.retry_refusal():
            raise CommandError(refusal, returncode=2)
        retry_job(job, user=user)
        self.run_and_report(job, dry_run=job.confirmed_at is None, options=options)
