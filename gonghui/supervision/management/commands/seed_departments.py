"""python manage.py seed_departments UNION_ID: the provincial federation's departments (DOMAIN.md) added
to a union (those it has are left alone)."""

from django.core.management.base import BaseCommand, CommandError

from gonghui.orgs.models import UnionOrg
from gonghui.supervision.plans import seed_departments


class Command(BaseCommand):
    help = "为工会添加省总工会的部门名单（已有的部门不变）"

    def add_arguments(self, parser):
        parser.add_argument("union_id", type=int, help="工会编号")

    def handle(self, *args, union_id: int, **options):
        union = UnionOrg.objects.filter(pk=union_id).first()
        if union is None:
            raise CommandError(f"找不到编号为 {union_id} 的工会")
        added = seed_departments(union)
        self.stdout.write(f"{union}：新增 {added} 个部门")
