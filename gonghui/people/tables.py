import django_tables2 as tables

from gonghui.core.tables import DateColumn

from .models import UnionWorker


class UnionWorkerTable(tables.Table):
    """Masked ID and phone only; the full values are revealed one record at a time (audited)."""

    name = tables.Column(linkify=True, attrs={"td": {"class": "text-nowrap"}})
    id_masked = tables.Column(verbose_name="身份证号", orderable=False, attrs={"td": {"class": "masked"}})
    phone_masked = tables.Column(verbose_name="手机号", orderable=False, attrs={"td": {"class": "masked"}})
    union = tables.Column(verbose_name="所在工会", orderable=False)
    post = tables.Column(verbose_name="岗位", orderable=False)
    employer = tables.Column(verbose_name="劳动合同单位", orderable=False)
    start_date = DateColumn(format="Y-m-d", attrs={"td": {"class": "text-nowrap"}})
    grade = tables.Column(
        verbose_name="补贴档次",
        orderable=False,
        accessor="grade__name",
        attrs={"td": {"class": "text-nowrap"}},
    )

    status = tables.Column(attrs={"td": {"class": "text-nowrap"}})

    class Meta:
        model = UnionWorker
        fields = (
            "name",
            "id_masked",
            "phone_masked",
            "union",
            "post",
            "employer",
            "start_date",
            "grade",
            "status",
        )
        order_by = ("-start_date",)
