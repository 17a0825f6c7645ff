from django.db import migrations, models
from django.db.models import Count


def refuse_duplicates(apps, schema_editor):
    """Two open applications for one ID (left by the race this constraint closes) must be settled by a
    reviewer first: the migration says so instead of failing with the database's own message."""
    JoinApplication = apps.get_model("joining", "JoinApplication")
    duplicated = (
        JoinApplication.objects.filter(status__in=["submitted", "forwarded"])
        .values("id_hash")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    numbers = list(
        JoinApplication.objects.filter(
            status__in=["submitted", "forwarded"], id_hash__in=duplicated.values("id_hash")
        )
        .order_by("id_hash", "submitted_at")
        .values_list("number", flat=True)
    )
    if numbers:
        raise RuntimeError(
            "以下入会申请属于同一身份证号且都在办理中，请先由审核员驳回或撤回重复的申请，再执行迁移："
            + "、".join(numbers)
        )


class Migration(migrations.Migration):
    dependencies = [("joining", "0006_rate_counter")]

    operations = [
        migrations.RunPython(refuse_duplicates, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="joinapplication",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status__in", ["submitted", "forwarded"])),
                fields=("id_hash",),
                name="joining_one_open_application_per_id",
                violation_error_message="该身份证号已有一份正在办理的入会申请，请勿重复提交；可凭申请编号和身份证号查询进度。如果这份申请不是您本人提交的，请携带身份证到工作单位所在地的县（市、区）总工会核实处理",
            ),
        ),
    ]
