from django.db.models import Count, Prefetch
from django.utils import timezone

from gonghui.core.net import client_ip
from gonghui.core.views import (
    ObjectActionView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    PersonalRevealView,
)

from . import services
from . import settings as mw_settings
from .filters import ModelWorkerFilterSet, ServiceFilterSet, StudioFilterSet
from .forms import ModelWorkerForm, RemoveTitleForm, ServiceForm, StudioForm, TitleForm
from .models import ModelWorker, Service, ServiceKind, Studio, Title
from .tables import ModelWorkerTable, ServiceTable, StudioTable


class PersonalMixin:
    """三员分立: the system, security and audit administrators read no person's record."""

    required_role = "reads_personal_data"
    permission_denied_message = "系统管理员、安全管理员和审计管理员不能查看劳模工匠信息（三员分立）"


class PersonListView(PersonalMixin, ObjectListView):
    model = ModelWorker
    filterset_class = ModelWorkerFilterSet
    table_class = ModelWorkerTable
    title = "劳模工匠人才库"
    add_url_name = "modelworkers:person-add"
    extra_actions_template = "modelworkers/_list_actions.html"

    def get_base_queryset(self):
        titles = Title.objects.select_related("kind").order_by("-year")
        return (
            super().get_base_queryset().select_related("union").prefetch_related(Prefetch("titles", titles))
        )


class PersonDetailView(PersonalMixin, ObjectDetailView):
    model = ModelWorker
    template_name = "modelworkers/person_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("union")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        person = self.object
        context.update(
            titles=person.titles.select_related("kind"),
            studios=person.studios.select_related("leader"),
            services=person.services.select_related("kind"),
            events=person.events.select_related("actor")[:50],
            title_form=TitleForm(),
            service_form=ServiceForm(),
        )
        return context


class PersonEditView(ObjectEditView):
    model = ModelWorker
    form_class = ModelWorkerForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "ip": client_ip(self.request)}

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except services.RegisterError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)


class PersonRevealView(PersonalMixin, PersonalRevealView):
    model = ModelWorker
    template_name = "modelworkers/_revealed.html"
    context_object_name = "person"


class _Step(ObjectActionView):
    model = ModelWorker
    edit_role_required = True
    service_errors = (services.RegisterError,)


class AddTitleView(_Step):
    form_class = TitleForm
    done = "已登记称号"

    def act(self, obj, data, request):
        services.add_title(
            obj,
            services.TitleData(
                data["kind"], data["level"], data["year"], data["document_no"], data["awarded_by"]
            ),
            request.user,
            client_ip(request),
        )


class RemoveTitleView(_Step):
    form_class = RemoveTitleForm
    done = "已撤销称号"

    def act(self, obj, data, request):
        title = obj.titles.filter(pk=data["title"]).first()
        if title is None:
            raise services.RegisterError("该称号不属于此人员")
        services.remove_title(title, request.user, client_ip(request))


class AddServiceView(_Step):
    form_class = ServiceForm
    done = "已登记服务"

    def act(self, obj, data, request):
        services.record_service(
            obj, data["kind"], data["date"], request.user, data["amount"], data["note"], client_ip(request)
        )


# ------------------------------------------------------------------------------------------- studios


class StudioListView(PersonalMixin, ObjectListView):
    model = Studio
    filterset_class = StudioFilterSet
    table_class = StudioTable
    title = "劳模工匠创新工作室"
    add_url_name = "modelworkers:studio-add"
    template_name = "modelworkers/studio_list.html"

    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .select_related("union", "leader")
            .annotate(member_count=Count("members"))
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        scoped = Studio.objects.visible_to(self.request.user)
        context["new_city_studios"] = services.new_studios_by_year(scoped)[:6]
        context["studio_target"] = mw_settings.studio_target()
        return context


class StudioDetailView(PersonalMixin, ObjectDetailView):
    model = Studio
    template_name = "modelworkers/studio_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("union", "leader")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        titles = Title.objects.select_related("kind").order_by("-year")
        context["members"] = self.object.members.select_related("union").prefetch_related(
            Prefetch("titles", titles)
        )
        return context


class StudioEditView(ObjectEditView):
    model = Studio
    form_class = StudioForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "ip": client_ip(self.request)}

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except services.RegisterError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)


# ------------------------------------------------------------------------------------------ services


class ServiceListView(PersonalMixin, ObjectListView):
    model = Service
    filterset_class = ServiceFilterSet
    table_class = ServiceTable
    title = "劳模工匠服务记录"
    template_name = "modelworkers/service_list.html"

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("kind", "person", "person__union")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        this_year = timezone.localdate().year
        years, by_kind = services.service_counts(self.object_list)
        years = years[:5]
        context["counts"] = {
            "years": years,
            "rows": [(kind, [per_year.get(y, 0) for y in years]) for kind, per_year in by_kind],
        }
        this_year_all = services.service_counts(
            Service.objects.visible_to(self.request.user).filter(date__year=this_year)
        )[1]
        context["targets"] = [
            (kind, per_year.get(this_year, 0), kind.yearly_target)
            for kind, per_year in this_year_all
            if kind.yearly_target
        ]
        context["this_year"] = this_year
        context["service_kinds"] = ServiceKind.objects.filter(is_active=True)
        return context
