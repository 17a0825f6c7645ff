from gonghui.imports.management.commands._base import ImportCommand


class Command(ImportCommand):
    help = "批量导入单位台账"
    kind = "workplaces"
