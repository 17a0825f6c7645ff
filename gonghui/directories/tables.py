import django_tables2 as tables

from gonghui.core.tables import DateColumn, DateTimeColumn

from .models import DirectoryEdition, DirectoryEntry


class DirectoryEntryTable(tables.Table):
    name = tables.Column(linkify=True)
    source = tables.Column(orderable=False)
    region = tables.Column(orderable=False)
    workplace = tables.Column(linkify=True, orderable=False)
    match_method = tables.Column()
    is_closed = tables.BooleanColumn(yesno="是,—")
    is_listed = tables.BooleanColumn(yesno="是,否")

    class Meta:
        model = DirectoryEntry
        fields = (
            "name", "uscc", "source", "region", "employees", "registration_status", "is_closed",
            "is_listed", "match_method", "match_confidence", "workplace",
        )  # fmt: skip
        order_by = ("-employees",)


class DirectoryEditionTable(tables.Table):
    source = tables.Column(linkify=lambda record: record.get_absolute_url(), orderable=False)
    as_of = DateColumn(format="Y-m-d", linkify=lambda record: record.get_absolute_url())
    imported_at = DateTimeColumn(format="Y-m-d H:i")
    scope = tables.Column(orderable=False)

    class Meta:
        model = DirectoryEdition
        fields = (
            "source", "as_of", "file_name", "scope", "rows", "matched_code", "matched_name", "uncertain",
            "new", "closed", "unlisted", "imported_at",
        )  # fmt: skip
        order_by = ("-as_of",)
