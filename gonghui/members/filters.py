import django_filters
from django import forms
from django.db.models import Q

from gonghui.core import audit, crypto
from gonghui.core.filters import ScopedFilterSet
from gonghui.core.masking import mask_id_number, mask_phone
from gonghui.core.models import AuditEvent
from gonghui.core.normalize import InvalidValue, compact, normalize_phone, normalize_resident_id
from gonghui.core.search import name_contains
from gonghui.orgs.filters import SubtreeFilter

from .models import Member, MemberStatus, NewFormGroup, Sex


class MemberFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(
        label="姓名 / 身份证号 / 手机号",
        method="search",
        widget=forms.TextInput(
            attrs={
                "placeholder": "姓名或完整号码",
                "title": "姓名 1–2 个字按开头查找，3 个字及以上按包含查找；身份证号、手机号须输入完整",
            }
        ),
    )
    union = SubtreeFilter(label="所在工会", path_lookup="union__path")
    status = django_filters.ChoiceFilter(label="会籍状态", choices=MemberStatus.choices)
    is_migrant_worker = django_filters.BooleanFilter(label="农民工")
    new_form = django_filters.BooleanFilter(label="新就业形态", method="filter_new_form")
    new_form_group = django_filters.ModelChoiceFilter(
        label="新就业形态群体", queryset=NewFormGroup.objects.all()
    )
    sex = django_filters.ChoiceFilter(label="性别", choices=Sex.choices)
    joined_from = django_filters.DateFilter(label="入会日期起", field_name="join_date", lookup_expr="gte")
    joined_to = django_filters.DateFilter(label="入会日期止", field_name="join_date", lookup_expr="lte")

    scope_label = ""
    notice = ""  # why a search found nothing by design (a partial ID number …), shown above the table

    class Meta:
        model = Member
        fields = []

    def search(self, qs, name, value):
        """Names by keyword (contains); ID numbers and phones only by exact match, through their keyed
        hashes — a partial number cannot be searched, and the page says so instead of finding nothing."""
        text = compact(value).upper()
        if len(text) in (15, 18) and text[:-1].isdigit():
            try:
                number = normalize_resident_id(text).number
            except InvalidValue as exc:
                self.notice = f"身份证号「{mask_id_number(text)}」有误：{exc}"
                return qs.none()
            if not self.may_search_numbers(f"身份证号 {mask_id_number(number)}"):
                return qs.none()
            return qs.filter(id_hash=crypto.lookup_hash("ric", number))
        digits = text.removeprefix("+86").removeprefix("+")
        if digits.rstrip("X").isdigit() and len(digits) >= 7:
            try:
                phone = normalize_phone(text)
            except InvalidValue:
                self.notice = (
                    "请输入完整的 18 位身份证号（或 15 位旧号）后查询"
                    if len(digits) > 11 or digits.endswith("X")
                    else "请输入完整的 11 位手机号或 18 位身份证号后查询"
                ) + f"（收到 {len(digits)} 位）；为保护个人信息，不支持按部分号码查询"
                return qs.none()
            if not self.may_search_numbers(f"手机号 {mask_phone(phone)}"):
                return qs.none()
            return qs.filter(phone_hash=crypto.lookup_hash("phone", phone))
        if text.isdigit():
            self.notice = "按号码查询须输入完整的 18 位身份证号（或 15 位旧号）或 11 位手机号；姓名请输入汉字"
            return qs.none()
        # Ten million names: 1–2 characters match the start of the name (张伟 → 张伟、张伟明), 3 or more
        # anywhere in it (pg_trgm); see core.search.
        return name_contains(qs, "name", value, short_by_prefix=True)

    def may_search_numbers(self, what: str) -> bool:
        """An exact-number search answers "is this the number behind that mask?": with the birth year
        beside a masked ID, some thirty tries would rebuild it. So only holders of 查看敏感信息 search by
        number, and each such search is audited like a reveal."""
        user = getattr(self.request, "user", None)
        if user is None or not user.can_view_sensitive:
            self.notice = (
                "按身份证号、手机号查询需要「查看敏感信息」权限（以免由查询结果推出脱敏的号码）；请按姓名查询"
            )
            return False
        audit.record(self.request, AuditEvent.Action.REVEAL, detail=f"按{what}查询会员")
        return True

    def filter_new_form(self, qs, name, value):
        if value is None:
            return qs
        return qs.filter(~Q(new_form_group=None) if value else Q(new_form_group=None))
