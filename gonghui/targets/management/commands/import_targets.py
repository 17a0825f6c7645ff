import json

from django.core.management.base import BaseCommand, CommandError

from gonghui.orgs.models import UnionOrg
from gonghui.targets.importer import ImportRefused, import_plan
from gonghui.targets.services import PlanError


class Command(BaseCommand):
    help = "导入目标任务分解表（.xlsx：行为下级组织，列为组建数、会员数等指标，可含合计行）"

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--issuer", type=int, required=True, help="下达单位（工会组织编号）")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--title", default="")
        parser.add_argument("--doc-number", default="", help="文号，如 芜工发〔2023〕1号")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出结果")

    def handle(self, *args, **options):
        issuer = UnionOrg.objects.filter(pk=options["issuer"]).first()
        if issuer is None:
            raise CommandError(f"找不到编号为 {options['issuer']} 的工会组织")
        try:
            plan, table = import_plan(
                options["file"],
                issuer=issuer,
                year=options["year"],
                title=options["title"],
                doc_number=options["doc_number"],
                file_label=options["file"],
            )
        except ImportRefused as exc:
            if options["json"]:
                self.stdout.write(json.dumps({"ok": False, "errors": exc.errors}, ensure_ascii=False))
                raise SystemExit(1) from None
            raise CommandError("导入失败：\n" + "\n".join(exc.errors)) from None
        except PlanError as exc:
            if options["json"]:
                self.stdout.write(json.dumps({"ok": False, "errors": [str(exc)]}, ensure_ascii=False))
                raise SystemExit(1) from None
            raise CommandError(str(exc)) from None
        if options["json"]:
            self.stdout.write(
                json.dumps({"ok": True, "plan_id": plan.pk, **table.as_json()}, ensure_ascii=False)
            )
        else:
            self.stdout.write(
                f"已导入「{plan.title}」：{len(table.rows)} 行，{len(table.metrics)} 个指标项（编号 {plan.pk}）"
            )
