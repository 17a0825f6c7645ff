from typing import cast

from django import forms

from .models import union_model


class UploadForm(forms.Form):
    file = forms.FileField(
        label="台账文件",
        help_text="支持 .xlsx、.xls、.csv（UTF-8 或 GBK）",
        error_messages={"empty": "上传的文件是空文件（0 字节），请选择填好数据的台账文件"},
    )
    default_union: forms.ModelChoiceField = forms.ModelChoiceField(
        label="默认工会",
        queryset=None,  # set per user below
        required=False,
        empty_label="（不指定）",
        help_text="表中「所在工会 / 属地工会 / 上级工会」留空的行归入此工会",
    )

    def __init__(self, *args, user=None, option_fields=None, uses_default_union=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(option_fields or {})  # the kind's own fields (a directory's 来源, 截至日期)
        unions = union_model()
        cast(forms.ModelChoiceField, self.fields["default_union"]).queryset = unions.objects.visible_to(
            user
        ).filter(status=unions.Status.ACTIVE)
        self.fields["file"].widget.attrs.update({"class": "form-control", "accept": ".xlsx,.xls,.csv"})
        self.fields["default_union"].widget.attrs.update({"class": "form-select"})
        if not uses_default_union:  # a kind whose rows name no union the default could fill in
            del self.fields["default_union"]
