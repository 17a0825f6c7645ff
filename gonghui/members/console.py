"""新就业形态群体 as reference data on the system administrator's console (core.console)."""

from __future__ import annotations

from django import forms

from gonghui.core import console

from .models import NewFormGroup


class NewFormGroupForm(console.ReferenceCodeForm):
    """Name, order and 启用 are editable; the code only when the group is created: it is the key the
    seeding command (members.reference) finds a group by, so a changed code would make the next seed add
    the standard group a second time. A group in use is stopped (启用 off), never deleted: applications,
    members and routing rules refer to it."""

    class Meta:
        model = NewFormGroup
        fields = ["code", "name", "order", "is_active"]
        help_texts = {
            "code": "英文字母、数字或下划线，创建后不能修改",
            "is_active": "停用后，入会申请和分配规则不再提供此群体，已有会员不受影响",
        }

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("请填写名称")
        return name


def register() -> None:
    console.register_reference(
        console.ReferenceSpec(
            slug="new-form-groups",
            label="新就业形态群体",
            model=NewFormGroup,
            form_class=NewFormGroupForm,
            columns=[
                ("名称", lambda g: g.name),
                ("排序", lambda g: g.order),
                ("启用", lambda g: "是" if g.is_active else "否"),
            ],
            note="群体被会员、入会申请和分配规则引用，不能删除；不再使用的群体请停用。代码创建后不能修改。",
            order=10,
        )
    )
