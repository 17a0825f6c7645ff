from django.urls import path

from . import views

app_name = "orgs"
urlpatterns = [
    path("workplaces/", views.WorkplaceListView.as_view(), name="workplace-list"),
    path("workplaces/add/", views.WorkplaceEditView.as_view(), name="workplace-add"),
    path("workplaces/<int:pk>/", views.WorkplaceDetailView.as_view(), name="workplace-detail"),
    path("workplaces/<int:pk>/edit/", views.WorkplaceEditView.as_view(), name="workplace-edit"),
    path("workplaces/<int:pk>/delete/", views.WorkplaceDeleteView.as_view(), name="workplace-delete"),
    path("unions/", views.UnionListView.as_view(), name="union-list"),
    path("unions/tree/", views.UnionTreeView.as_view(), name="union-tree"),
    path("unions/add/", views.UnionEditView.as_view(), name="union-add"),
    path("unions/<int:pk>/", views.UnionDetailView.as_view(), name="union-detail"),
    path("unions/<int:pk>/edit/", views.UnionEditView.as_view(), name="union-edit"),
    path("unions/<int:pk>/delete/", views.UnionDeleteView.as_view(), name="union-delete"),
    path("unions/<int:pk>/children/", views.UnionChildrenView.as_view(), name="union-children"),
    path("unions/<int:pk>/stats/", views.UnionStatsView.as_view(), name="union-stats"),
]
