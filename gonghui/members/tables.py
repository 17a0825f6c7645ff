import django_tables2 as tables

from gonghui.core.tables import DateColumn

from .models import Member


class MemberTable(tables.Table):
    """Lists always show masked ID and phone; the full values are revealed one record at a time."""

    name = tables.Column(linkify=True)
    id_masked = tables.Column(verbose_name="身份证号", orderable=False, attrs={"td": {"class": "masked"}})
    phone_masked = tables.Column(verbose_name="手机号", orderable=False, attrs={"td": {"class": "masked"}})
    union = tables.Column(verbose_name="所在工会", orderable=False)
    join_date = DateColumn(format="Y-m-d")
    is_migrant_worker = tables.BooleanColumn(verbose_name="农民工", yesno="是,")
    new_form_group = tables.Column(verbose_name="新就业形态", orderable=False)

    class Meta:
        model = Member
        fields = (
            "name",
            "sex",
            "id_masked",
            "phone_masked",
            "union",
            "join_date",
            "status",
            "is_migrant_worker",
            "new_form_group",
        )
        order_by = ("-join_date",)
