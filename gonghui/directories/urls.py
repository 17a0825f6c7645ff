from django.urls import path

from . import views

app_name = "directories"
urlpatterns = [
    path("", views.EntryListView.as_view(), name="entry-list"),
    path("entries/<int:pk>/", views.EntryDetailView.as_view(), name="entry-detail"),
    path("entries/<int:pk>/new/", views.MarkNewView.as_view(), name="entry-new"),
    path("editions/", views.EditionListView.as_view(), name="edition-list"),
    path("editions/<int:pk>/", views.EditionDetailView.as_view(), name="edition-detail"),
    path("confirm/", views.ConfirmView.as_view(), name="confirm"),
    path(
        "candidates/<int:pk>/confirm/", views.AnswerView.as_view(action="confirm"), name="candidate-confirm"
    ),
    path("candidates/<int:pk>/reject/", views.AnswerView.as_view(action="reject"), name="candidate-reject"),
]
