# Dated registry for the indicators (issue 9 point 5): a workplace's 登记日期 / 注销日期 and the dated
# history of its indicator-relevant attributes (WorkplaceState).
#
# Backfill: 登记日期 = the date the row was created; one state per workplace holding its current values,
# valid from the date of its last change (updated_at) — before that date the values it had are not known,
# so a figure as of an earlier date says 不提供 instead of using today's values. A workplace never edited
# since it was created is known from its registration on.

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models
from django.db.models.functions import TruncDate

STATE_FIELDS = (
    "governing_union_id", "ownership", "is_legal_entity", "employee_count",
    "has_workers_congress", "workers_congress_since", "has_open_affairs", "open_affairs_since",
    "has_employee_director", "employee_director_since", "has_employee_supervisor", "employee_supervisor_since",
)  # fmt: skip


def backfill(apps, schema_editor):
    Workplace = apps.get_model("orgs", "Workplace")
    WorkplaceState = apps.get_model("orgs", "WorkplaceState")
    Workplace.objects.update(registered_on=TruncDate("created_at"))
    rows = (
        Workplace.objects.annotate(changed_on=TruncDate("updated_at"))
        .values("id", "registered_on", "changed_on", *STATE_FIELDS)
        .order_by("id")
        .iterator(chunk_size=5000)
    )
    batch = []
    for row in rows:
        start = max(row.pop("registered_on"), row.pop("changed_on"))
        batch.append(WorkplaceState(workplace_id=row.pop("id"), valid_from=start, **row))
        if len(batch) >= 5000:
            WorkplaceState.objects.bulk_create(batch)
            batch = []
    WorkplaceState.objects.bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0002_unionorg_founded_covering"),
    ]

    operations = [
        migrations.AddField(
            model_name="workplace",
            name="closed_on",
            field=models.DateField(
                blank=True,
                help_text="单位注销、撤销或迁出本系统台账的日期；此后不再计入各项指标",
                null=True,
                verbose_name="注销日期",
            ),
        ),
        migrations.AddField(
            model_name="workplace",
            name="registered_on",
            field=models.DateField(
                default=django.utils.timezone.localdate,
                help_text="单位列入本系统台账的日期",
                verbose_name="登记日期",
            ),
        ),
        migrations.CreateModel(
            name="WorkplaceState",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("valid_from", models.DateField(verbose_name="起始日期")),
                ("valid_to", models.DateField(blank=True, null=True, verbose_name="截止日期（不含）")),
                (
                    "ownership",
                    models.CharField(
                        choices=[
                            ("state", "国有及国有控股企业"),
                            ("collective", "集体企业"),
                            ("private", "私营及其他非公有制企业"),
                            ("foreign", "外商及港澳台投资企业"),
                            ("institution", "事业单位"),
                            ("government", "机关"),
                            ("social", "社会组织"),
                            ("other", "其他"),
                        ],
                        max_length=16,
                        verbose_name="单位性质",
                    ),
                ),
                ("is_legal_entity", models.BooleanField(verbose_name="法人单位")),
                ("employee_count", models.PositiveIntegerField(verbose_name="职工人数")),
                ("has_workers_congress", models.BooleanField(verbose_name="已建立职代会制度")),
                (
                    "workers_congress_since",
                    models.DateField(blank=True, null=True, verbose_name="职代会建立日期"),
                ),
                ("has_open_affairs", models.BooleanField(verbose_name="已实行厂务公开")),
                (
                    "open_affairs_since",
                    models.DateField(blank=True, null=True, verbose_name="厂务公开建立日期"),
                ),
                ("has_employee_director", models.BooleanField(verbose_name="已设职工董事")),
                (
                    "employee_director_since",
                    models.DateField(blank=True, null=True, verbose_name="职工董事设立日期"),
                ),
                ("has_employee_supervisor", models.BooleanField(verbose_name="已设职工监事")),
                (
                    "employee_supervisor_since",
                    models.DateField(blank=True, null=True, verbose_name="职工监事设立日期"),
                ),
                ("recorded_at", models.DateTimeField(auto_now_add=True, verbose_name="记录时间")),
                (
                    "governing_union",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="orgs.unionorg",
                        verbose_name="属地工会",
                    ),
                ),
                (
                    "workplace",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="states",
                        to="orgs.workplace",
                        verbose_name="单位",
                    ),
                ),
            ],
            options={
                "verbose_name": "单位登记信息变更记录",
                "verbose_name_plural": "单位登记信息变更记录",
                "ordering": ["workplace", "valid_from"],
                "indexes": [
                    models.Index(
                        fields=["governing_union", "valid_from"], name="orgs_workpl_governi_c737d4_idx"
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("workplace", "valid_from"), name="workplace_state_one_per_day"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("valid_to__isnull", True),
                            ("valid_to__gt", models.F("valid_from")),
                            _connector="OR",
                        ),
                        name="workplace_state_valid_range",
                        violation_error_message="截止日期应晚于起始日期",
                    ),
                ],
            },
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
