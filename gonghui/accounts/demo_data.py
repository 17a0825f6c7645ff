"""Demo accounts added by the accounts app: the three separated administrators (三员分立) — a system and a
security administrator at the provincial federation, an audit administrator at the city federation. None
holds 查看敏感信息."""

from gonghui.accounts.models import Role, User


def load(builder, built) -> dict[str, int]:
    for username, full_name, union, role in (
        ("demo-sysadmin", "省总工会系统管理员", built.unions["province"], Role.SYSTEM_ADMIN),
        ("demo-secadmin", "省总工会安全管理员", built.unions["province"], Role.SECURITY_ADMIN),
        ("demo-auditor", "芜湖市总工会审计管理员", built.unions["wuhu"], Role.AUDITOR),
    ):
        User.objects.create_user(
            username, password=builder.password, full_name=full_name, union=union, role=role
        )
    return {"auditors": 1, "system_admins": 1, "security_admins": 1}
