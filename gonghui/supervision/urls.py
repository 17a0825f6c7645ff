from django.urls import path

from . import lists_views, meetings_views, pairings_views, plans_views, reminders_views, tasks_views

app_name = "supervision"
urlpatterns = [
    # 工作计划与任务 (tasks helper)
    path("plans/", plans_views.WorkPlanListView.as_view(), name="plan-list"),
    path("plans/add/", plans_views.WorkPlanEditView.as_view(), name="plan-add"),
    path("plans/<int:pk>/", plans_views.WorkPlanDetailView.as_view(), name="plan-detail"),
    path("plans/<int:pk>/edit/", plans_views.WorkPlanEditView.as_view(), name="plan-edit"),
    path("plans/<int:plan_pk>/points/add/", plans_views.PointAddView.as_view(), name="point-add"),
    path("points/<int:pk>/edit/", plans_views.PointEditView.as_view(), name="point-edit"),
    path("points/<int:pk>/decompose/", plans_views.DecomposeView.as_view(), name="point-decompose"),
    path("departments/", plans_views.DepartmentListView.as_view(), name="department-list"),
    path("departments/add/", plans_views.DepartmentEditView.as_view(), name="department-add"),
    path("departments/seed/", plans_views.SeedDepartmentsView.as_view(), name="department-seed"),
    path("departments/<int:pk>/edit/", plans_views.DepartmentEditView.as_view(), name="department-edit"),
    path("tasks/", tasks_views.TaskListView.as_view(), name="task-list"),
    path("tasks/<int:pk>/", tasks_views.TaskDetailView.as_view(), name="task-detail"),
    path("tasks/<int:pk>/progress/", tasks_views.ProgressView.as_view(), name="task-progress"),
    path("tasks/<int:pk>/evidence/", tasks_views.EvidenceUploadView.as_view(), name="task-evidence"),
    path("tasks/<int:pk>/submit/", tasks_views.SubmitView.as_view(), name="task-submit"),
    path("tasks/<int:pk>/accept/", tasks_views.AcceptView.as_view(), name="task-accept"),
    path("tasks/<int:pk>/return/", tasks_views.ReturnView.as_view(), name="task-return"),
    path("tasks/<int:pk>/reopen/", tasks_views.ReopenView.as_view(), name="task-reopen"),
    path("evidence/<int:pk>/", tasks_views.EvidenceDownloadView.as_view(), name="evidence-download"),
    # 三清单与挂图作战 (lists helper)
    path("problems/", lists_views.ProblemListView.as_view(), name="problem-list"),
    path("problems/add/", lists_views.ProblemEditView.as_view(), name="problem-add"),
    path("problems/<int:pk>/", lists_views.ProblemDetailView.as_view(), name="problem-detail"),
    path("problems/<int:pk>/edit/", lists_views.ProblemEditView.as_view(), name="problem-edit"),
    path(
        "problems/<int:pk>/responsibilities/",
        lists_views.ResponsibilityAddView.as_view(),
        name="problem-responsibility",
    ),
    path("problems/<int:pk>/tasks/", lists_views.ProblemTaskAddView.as_view(), name="problem-task"),
    path("problems/<int:pk>/close/", lists_views.ProblemCloseView.as_view(), name="problem-close"),
    path("problems/<int:pk>/reopen/", lists_views.ProblemReopenView.as_view(), name="problem-reopen"),
    path("board/", lists_views.BoardView.as_view(), name="board"),
    path("lists/<int:pk>/export/", lists_views.ListsExportView.as_view(), name="lists-export"),
    # 对口联系 (pairings helper)
    path("pairings/", pairings_views.PairingListView.as_view(), name="pairing-list"),
    path("pairings/add/", pairings_views.PairingAddView.as_view(), name="pairing-add"),
    path("pairings/coverage/", pairings_views.CoverageView.as_view(), name="pairing-coverage"),
    path("pairings/<int:pk>/", pairings_views.PairingDetailView.as_view(), name="pairing-detail"),
    path("pairings/<int:pk>/edit/", pairings_views.PairingEditView.as_view(), name="pairing-edit"),
    path("pairings/<int:pk>/delete/", pairings_views.PairingDeleteView.as_view(), name="pairing-delete"),
    path("pairings/<int:pk>/visit/", pairings_views.VisitView.as_view(), name="pairing-visit"),
    # 会议台账与督导提醒 (meetings helper)
    path("meetings/", meetings_views.MeetingListView.as_view(), name="meeting-list"),
    path("meetings/add/", meetings_views.MeetingEditView.as_view(), name="meeting-add"),
    path("meetings/<int:pk>/", meetings_views.MeetingDetailView.as_view(), name="meeting-detail"),
    path("meetings/<int:pk>/edit/", meetings_views.MeetingEditView.as_view(), name="meeting-edit"),
    path("meetings/<int:pk>/delete/", meetings_views.MeetingDeleteView.as_view(), name="meeting-delete"),
    path("meetings/<int:pk>/minutes/", meetings_views.MinutesDownloadView.as_view(), name="meeting-minutes"),
    path("reminders/panel/<int:pk>/", reminders_views.ReminderPanelView.as_view(), name="reminder-panel"),
]
