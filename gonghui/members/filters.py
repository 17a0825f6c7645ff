import django_filters
from django.db.models import Q

from gonghui.core import crypto
from gonghui.core.filters import ScopedFilterSet
from gonghui.core.normalize import InvalidValue, clean_text, compact, normalize_phone, normalize_resident_id
from gonghui.orgs.filters import SubtreeFilter

from .models import Member, MemberStatus, NewFormGroup, Sex


class MemberFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(label="姓名 / 身份证号 / 手机号", method="search")
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

    class Meta:
        model = Member
        fields = []

    def search(self, qs, name, value):
        """Names by prefix; ID numbers and phones only by exact match, through their keyed hashes."""
        text = compact(value).upper()
        if len(text) in (15, 18) and text[:-1].isdigit():
            try:
                number = normalize_resident_id(text).number
            except InvalidValue:
                return qs.none()
            return qs.filter(id_hash=crypto.lookup_hash("ric", number))
        if text.lstrip("+").isdigit() and len(text) >= 7:
            try:
                phone = normalize_phone(text)
            except InvalidValue:
                return qs.none()
            return qs.filter(phone_hash=crypto.lookup_hash("phone", phone))
        return qs.filter(name__startswith=clean_text(value))

    def filter_new_form(self, qs, name, value):
        if value is None:
            return qs
        return qs.filter(~Q(new_form_group=None) if value else Q(new_form_group=None))
