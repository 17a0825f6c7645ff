from django.core.management.base import BaseCommand

from gonghui.members.reference import seed_new_form_groups


class Command(BaseCommand):
    help = "载入参考数据（新就业形态群体等），可重复执行"

    def handle(self, *args, **options):
        created = seed_new_form_groups()
        self.stdout.write(f"新就业形态群体：新增 {created}")
