from django.urls import path

from budaya.activities import views

app_name = "activities"
urlpatterns = [
    path("", views.start, name="start"),
    # Evidence files: served only after a scope check (docs/evidence.md).
    path("evidence/<int:pk>/", views.evidence_file, name="evidence_file"),
    path("evidence/<int:pk>/thumbnail/", views.evidence_thumbnail, name="evidence_thumbnail"),
    # The activity log of a government
    path("<slug:slug>/", views.activity_list, name="list"),
    path("<slug:slug>/export.xlsx", views.activity_export, name="export"),
    path("<slug:slug>/new/", views.activity_create, name="create"),
    path("<slug:slug>/gallery/", views.gallery, name="gallery"),
    path("<slug:slug>/calendar/", views.activity_calendar, name="calendar"),
    path("<slug:slug>/compliance/", views.compliance, name="compliance"),
    path("<slug:slug>/forms/", views.form_list, name="form_list"),
    path("<slug:slug>/forms/<int:pk>/", views.form_edit, name="form_edit"),
    path("<slug:slug>/obligations/", views.obligation_list, name="obligation_list"),
    path("<slug:slug>/obligations/new/", views.obligation_create, name="obligation_create"),
    path("<slug:slug>/obligations/<int:pk>/", views.obligation_edit, name="obligation_edit"),
    path("<slug:slug>/<int:pk>/", views.activity_detail, name="detail"),
    path("<slug:slug>/<int:pk>/edit/", views.activity_edit, name="edit"),
    path("<slug:slug>/<int:pk>/delete/", views.activity_delete, name="delete"),
]
