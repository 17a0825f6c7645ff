from django.urls import path

from . import views

app_name = "joining"
urlpatterns = [
    # public, no login
    path("", views.ApplyView.as_view(), name="apply"),
    path("workplaces.json", views.workplace_search, name="workplace-search"),
    path("status/", views.StatusView.as_view(), name="status"),
    path("transfer/", views.PublicTransferView.as_view(), name="public-transfer"),
    # reviewers
    path("review/", views.QueueView.as_view(), name="queue"),
    path("review/overdue/", views.OverdueView.as_view(), name="overdue"),
    path("review/<int:pk>/", views.ApplicationDetailView.as_view(), name="application-detail"),
    path("transfers/", views.TransferListView.as_view(), name="transfer-list"),
    path("transfers/new/", views.TransferCreateView.as_view(), name="transfer-new"),
    path("transfers/<int:pk>/", views.TransferDetailView.as_view(), name="transfer-detail"),
    # administrators
    path("rules/", views.RoutingRuleListView.as_view(), name="rule-list"),
    path("rules/add/", views.RoutingRuleEditView.as_view(), name="rule-add"),
    path("rules/<int:pk>/edit/", views.RoutingRuleEditView.as_view(), name="rule-edit"),
    path("rules/<int:pk>/delete/", views.RoutingRuleDeleteView.as_view(), name="rule-delete"),
]
