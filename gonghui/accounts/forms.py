"""User management form: the union inside the actor's subtree, a role no higher than the actor's, and
查看敏感信息 only granted by someone who holds it."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.validators import MaxValueValidator

from gonghui.core.forms import ScopedModelForm, autocomplete_field

from . import services
from .models import SEPARATED_NO_SENSITIVE, SEPARATED_ROLES, Role, User
from .roles import grantable_roles, may_manage


class UserForm(ScopedModelForm):
    autocomplete = {"union": "unions"}
    audited_by_service = True  # save() goes through services.save_user, which writes the audit row

    password1 = forms.CharField(label="密码", widget=forms.PasswordInput, required=False, strip=False)
    password2 = forms.CharField(label="确认密码", widget=forms.PasswordInput, required=False, strip=False)
    view_sensitive = forms.BooleanField(
        label="查看敏感信息（完整身份证号、手机号；每次查看记入审计日志）", required=False
    )

    class Meta:
        model = User
        fields = ["username", "full_name", "union", "role", "is_active"]
        labels = {"is_active": "启用"}
        help_texts = {
            "username": "登录用；字母、数字和 @ . + - _",
            "is_active": "停用后不能登录；以停用代替删除，保留审计记录",
        }

    def __init__(self, *args, ip: str | None = None, **kwargs):
        self.ip = ip
        super().__init__(*args, **kwargs)
        actor = self.user
        self.fields["union"].required = True
        self.fields["union"].help_text = "用户管辖该工会及其全部下级；只能选择您管辖范围内的工会"
        roles = grantable_roles(actor)
        self.fields["role"].choices = [(r.value, r.label) for r in roles]
        self.fields[
            "role"
        ].help_text = (
            "不能高于您自己的角色；系统管理员、安全管理员、审计管理员只能由安全管理员授予，且不能查看敏感信息"
        )
        creating = self.instance.pk is None
        self.fields["password1"].required = creating
        self.fields["password2"].required = creating
        if not creating:
            self.fields["password1"].help_text = "留空表示不修改密码"
        if actor.can_view_sensitive:
            self.fields["view_sensitive"].initial = (
                not creating and self.instance.user_permissions.filter(codename="view_sensitive").exists()
            )
        else:
            # Nobody grants what they do not hold; the target's current permission stays as it is.
            del self.fields["view_sensitive"]
        if self.instance.pk == actor.pk:
            # One's own role, scope and activation are changed by a higher administrator.
            for name in ("union", "role", "is_active"):
                self.fields[name].disabled = True

    def clean_role(self):
        role = self.cleaned_data["role"]
        if role not in {r.value for r in grantable_roles(self.user)}:
            if role in SEPARATED_ROLES:
                raise forms.ValidationError("系统管理员、安全管理员和审计管理员只能由安全管理员授予")
            raise forms.ValidationError("不能授予高于您自己的角色")
        return role

    def clean(self):
        data = super().clean()
        if data.get("role") in SEPARATED_ROLES and data.get("view_sensitive"):
            self.add_error("view_sensitive", SEPARATED_NO_SENSITIVE)
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 or p2:
            if p1 != p2:
                self.add_error("password2", "两次输入的密码不一致")
            else:
                try:
                    validate_password(p1, self.instance)
                except forms.ValidationError as exc:
                    self.add_error("password1", exc)
        return data

    def save(self, commit: bool = True) -> User:
        """Through ``services.save_user``, which writes the audit event (no second one from the view)."""
        skip = ("password1", "password2", "view_sensitive")
        return services.save_user(
            super().save(commit=False),
            actor=self.user,
            password=self.cleaned_data.get("password1") or "",
            view_sensitive=self.cleaned_data["view_sensitive"] if "view_sensitive" in self.fields else None,
            changed=[self.change_text(name) for name in self.changed_data if name not in skip],
            ip=self.ip,
        )

    def change_text(self, name: str) -> str:
        """A changed field for the audit row: its Chinese label, and for what decides a user's rights
        (role, union, 启用) the old and the new value, as the auditor needs them."""
        label = str(self.fields[name].label)
        old = self.initial.get(name)
        if self.instance._state.adding or name not in ("role", "union", "is_active") or old is None:
            return label
        new = self.cleaned_data.get(name)
        if name == "role":
            return f"{label}：{Role(old).label} → {Role(new).label}"
        if name == "union":
            unions = User._meta.get_field("union").related_model._base_manager
            before = unions.filter(pk=getattr(old, "pk", old)).first()
            return f"{label}：{before or '无'} → {new or '无'}"
        return f"{label}：{'是' if old else '否'} → {'是' if new else '否'}"


class OTPCodeForm(forms.Form):
    """The six digits an authenticator app shows (spaces people type between groups are dropped)."""

    code = forms.CharField(
        label="动态验证码",
        max_length=12,
        error_messages={"required": "请输入动态验证码", "max_length": "动态验证码是 6 位数字"},
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "pattern": "[0-9 ]*",
                "class": "form-control form-control-lg text-center",
                "autofocus": True,
            }
        ),
    )

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].replace(" ", "")
        if len(code) != 6 or not code.isascii() or not code.isdigit():
            raise forms.ValidationError("动态验证码是手机验证器上显示的 6 位数字")
        return code


class TokenIssueForm(forms.Form):
    """A new API token: its use and validity (at most GONGHUI_API_TOKEN_DAYS days). On 令牌
    (``for_others``) the security administrator also picks whose token it is (a user it manages) and may
    grant write scope; elsewhere the token is the actor's own and read-only."""

    name = forms.CharField(label="用途", max_length=100, help_text="例如「人社部门对接」，便于日后辨认")
    days = forms.IntegerField(label="有效天数", min_value=1)
    owner = forms.ModelChoiceField(label="令牌所属用户", queryset=User.objects.none(), required=False)
    can_write = forms.BooleanField(
        label="允许写操作（仅授予有修改权限的用户；每次授予记入审计日志）", required=False
    )

    def __init__(self, *args, actor: User, for_others: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        max_days = settings.GONGHUI_API_TOKEN_DAYS
        self.fields["days"].max_value = max_days
        self.fields["days"].validators.append(MaxValueValidator(max_days, f"有效天数不能超过 {max_days} 天"))
        self.fields["days"].initial = max_days
        self.fields["days"].widget.attrs["max"] = max_days
        self.fields["days"].help_text = f"1 至 {max_days} 天"
        if for_others and actor.is_security_admin:
            # An autocomplete over the subtree's users (a province holds thousands): source "token-owners".
            self.fields["owner"] = autocomplete_field(
                "token-owners",
                actor,
                label="令牌所属用户",
                required=False,
                help_text="留空表示签发给自己；输入用户名查找您管辖范围内的用户",
            )
        else:
            # Users issue their own tokens, read-only; write scope is the security administrator's grant.
            del self.fields["owner"]
            del self.fields["can_write"]
        for field in self.fields.values():
            css = "form-check-input" if isinstance(field.widget, forms.CheckboxInput) else "form-control"
            field.widget.attrs.setdefault("class", css)
        if "owner" in self.fields:
            self.fields["owner"].widget.attrs["class"] = "form-select"

    def clean(self):
        data = super().clean()
        owner = data.get("owner") or self.actor
        if owner != self.actor and not may_manage(self.actor, owner):
            self.add_error("owner", "不能为该用户签发令牌")
        if data.get("can_write") and not owner.can_edit:
            self.add_error("can_write", f"用户「{owner.username}」没有修改数据的权限，其令牌只能只读")
        data["owner"] = owner
        return data


__all__ = ["OTPCodeForm", "Role", "TokenIssueForm", "UserForm"]
