from django.urls import path

from . import worklist_views as views

app_name = "worklist"
urlpatterns = [
    path("", views.ListItemListView.as_view(), name="item-list"),
    path("overdue/", views.OverdueListView.as_view(), name="overdue"),
    path("numbers/", views.NumbersView.as_view(), name="numbers"),
    path("refresh/", views.RefreshView.as_view(), name="refresh"),
    path("items/<int:pk>/", views.ListItemDetailView.as_view(), name="item-detail"),
    path("items/<int:pk>/claim/", views.ClaimView.as_view(), name="item-claim"),
    path("items/<int:pk>/assign/", views.AssignView.as_view(), name="item-assign"),
    path("items/<int:pk>/visit/", views.VisitView.as_view(), name="item-visit"),
    path("items/<int:pk>/close/", views.CloseView.as_view(), name="item-close"),
    path("visits/<int:pk>/attachment/", views.VisitAttachmentView.as_view(), name="visit-attachment"),
    path("panel/<int:pk>/", views.FunnelPanelView.as_view(), name="funnel-panel"),
]
