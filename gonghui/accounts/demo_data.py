"""Demo account added by the accounts app: an auditor at the city federation."""

from gonghui.accounts.models import Role, User


def load(builder, built) -> dict[str, int]:
    User.objects.create_user(
        "demo-auditor",
        password=builder.password,
        full_name="芜湖市总工会审计员",
        union=built.unions["wuhu"],
        role=Role.AUDITOR,
    )
    return {"auditors": 1}
