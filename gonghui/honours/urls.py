from django.urls import path

from . import (
    grants_views,
    partnerships_views,
    proposals_views,
    reinspection_views,
    rounds_views,
    titles_views,
)

app_name = "honours"
urlpatterns: list = [
    path("titles/", titles_views.TitleListView.as_view(), name="title-list"),
    path("titles/due/", titles_views.TitleDueListView.as_view(), name="title-due"),
    path("titles/add/", titles_views.TitleRegisterView.as_view(), name="title-add"),
    path("titles/naming-list/", titles_views.NamingListExportView.as_view(), name="naming-list"),
    path("titles/<int:pk>/", titles_views.TitleDetailView.as_view(), name="title-detail"),
    path("titles/<int:pk>/edit/", titles_views.TitleEditView.as_view(), name="title-edit"),
    path("titles/<int:pk>/revoke/", titles_views.TitleRevokeView.as_view(), name="title-revoke"),
    path(
        "rounds/<int:pk>/naming-list/",
        titles_views.RoundNamingListExportView.as_view(),
        name="round-naming-list",
    ),
    # 示范点补助
    path("grants/", grants_views.GrantOverviewView.as_view(), name="grant-list"),
    path("grants/<int:pk>/", grants_views.GrantDetailView.as_view(), name="grant-detail"),
    path("grants/<int:pk>/pay/", grants_views.GrantPayView.as_view(), name="grant-pay"),
    path("grants/approve/<int:title_pk>/", grants_views.GrantApproveView.as_view(), name="grant-approve"),
    # 结对共建
    path("partnerships/", partnerships_views.PartnershipListView.as_view(), name="partnership-list"),
    path("partnerships/add/", partnerships_views.PartnershipAddView.as_view(), name="partnership-add"),
    path(
        "partnerships/<int:pk>/",
        partnerships_views.PartnershipDetailView.as_view(),
        name="partnership-detail",
    ),
    path(
        "partnerships/<int:pk>/activity/",
        partnerships_views.ActivityAddView.as_view(),
        name="partnership-activity",
    ),
    path(
        "partnerships/<int:pk>/end/", partnerships_views.PartnershipEndView.as_view(), name="partnership-end"
    ),
    # 职工代表提案
    path("proposals/", proposals_views.ProposalListView.as_view(), name="proposal-list"),
    path("proposals/add/", proposals_views.ProposalAddView.as_view(), name="proposal-add"),
    path("proposals/<int:pk>/", proposals_views.ProposalDetailView.as_view(), name="proposal-detail"),
    path("proposals/<int:pk>/edit/", proposals_views.ProposalEditView.as_view(), name="proposal-edit"),
    # 复查
    path("reinspections/", reinspection_views.ReinspectionListView.as_view(), name="reinspection-list"),
    path("reinspections/add/", reinspection_views.ReinspectionAddView.as_view(), name="reinspection-add"),
    path(
        "reinspections/<int:pk>/",
        reinspection_views.ReinspectionDetailView.as_view(),
        name="reinspection-detail",
    ),
    path(
        "reinspections/records/<int:pk>/result/",
        reinspection_views.ResultView.as_view(),
        name="reinspection-result",
    ),
    # 评选推荐 (s23-rounds)
    path("kinds/", rounds_views.KindListView.as_view(), name="kind-list"),
    path("rounds/", rounds_views.RoundListView.as_view(), name="round-list"),
    path("rounds/new/", rounds_views.RoundCreateView.as_view(), name="round-create"),
    path("rounds/<int:pk>/", rounds_views.RoundDetailView.as_view(), name="round-detail"),
    path("rounds/<int:pk>/quotas/", rounds_views.QuotaView.as_view(), name="round-quotas"),
    path("rounds/<int:pk>/batch/", rounds_views.BatchView.as_view(), name="round-batch"),
    path("rounds/<int:pk>/notice/", rounds_views.NoticeView.as_view(), name="round-notice"),
    path("rounds/<int:pk>/name/", rounds_views.NameView.as_view(), name="round-name"),
    path("rounds/<int:pk>/nominate/", rounds_views.NominationCreateView.as_view(), name="nomination-create"),
    path("nominations/<int:pk>/", rounds_views.NominationDetailView.as_view(), name="nomination-detail"),
    path(
        "nominations/<int:pk>/evidence/",
        rounds_views.EvidenceUploadView.as_view(),
        name="nomination-evidence",
    ),
    path("nominations/<int:pk>/submit/", rounds_views.SubmitView.as_view(), name="nomination-submit"),
    path("nominations/<int:pk>/forward/", rounds_views.ForwardView.as_view(), name="nomination-forward"),
    path("nominations/<int:pk>/select/", rounds_views.SelectView.as_view(), name="nomination-select"),
    path("nominations/<int:pk>/reject/", rounds_views.RejectView.as_view(), name="nomination-reject"),
    path("nominations/<int:pk>/withdraw/", rounds_views.WithdrawView.as_view(), name="nomination-withdraw"),
    path(
        "nomination-evidence/<int:pk>/",
        rounds_views.EvidenceDownloadView.as_view(),
        name="nomination-evidence-download",
    ),
]
