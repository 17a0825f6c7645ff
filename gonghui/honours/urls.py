from django.urls import path

from . import titles_views

app_name = "honours"
urlpatterns: list = [
    path("titles/", titles_views.TitleListView.as_view(), name="title-list"),
    path("titles/due/", titles_views.TitleDueListView.as_view(), name="title-due"),
    path("titles/add/", titles_views.TitleRegisterView.as_view(), name="title-add"),
    path("titles/naming-list/", titles_views.NamingListExportView.as_view(), name="naming-list"),
    path("titles/<int:pk>/", titles_views.TitleDetailView.as_view(), name="title-detail"),
    path("titles/<int:pk>/edit/", titles_views.TitleEditView.as_view(), name="title-edit"),
    path(
        "rounds/<int:pk>/naming-list/",
        titles_views.RoundNamingListExportView.as_view(),
        name="round-naming-list",
    ),
]
