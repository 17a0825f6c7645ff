from gonghui.imports.management.commands._base import ImportCommand


class Command(ImportCommand):
    help = "批量导入工会组织台账"
    kind = "unions"
