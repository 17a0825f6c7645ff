from django.urls import path

from . import views

app_name = "people"
urlpatterns = [
    path("", views.WorkerListView.as_view(), name="worker-list"),
    path("add/", views.WorkerEditView.as_view(), name="worker-add"),
    path("<int:pk>/", views.WorkerDetailView.as_view(), name="worker-detail"),
    path("<int:pk>/edit/", views.WorkerEditView.as_view(), name="worker-edit"),
    path("<int:pk>/reveal/", views.WorkerRevealView.as_view(), name="worker-reveal"),
    path("<int:pk>/probation/", views.ProbationView.as_view(), name="worker-probation"),
    path("<int:pk>/grade/", views.GradeView.as_view(), name="worker-grade"),
    path("<int:pk>/leave/", views.LeaveView.as_view(), name="worker-leave"),
    path("<int:pk>/appraise/", views.AppraiseView.as_view(), name="worker-appraise"),
    path("staffing/", views.StaffingIndexView.as_view(), name="staffing"),
    path("staffing/<int:pk>/", views.StaffingCountyView.as_view(), name="staffing-county"),
]
