from gonghui.imports.management.commands._base import ImportCommand


class Command(ImportCommand):
    help = "批量导入会员台账"
    kind = "members"
