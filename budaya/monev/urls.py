from django.urls import path

from budaya.monev import drafting_views, views

app_name = "monev"

urlpatterns = [
    path("", views.start, name="start"),
    path("<slug:slug>/", views.period_list, name="period_list"),
    path("<slug:slug>/periods/new/", views.period_create, name="period_create"),
    path("<slug:slug>/periods/<int:pk>/", views.board, name="board"),
    path("<slug:slug>/periods/<int:pk>/edit/", views.period_edit, name="period_edit"),
    path(
        "<slug:slug>/periods/<int:pk>/maturity/",
        views.maturity_overview,
        name="maturity_overview",
    ),
    path(
        "<slug:slug>/periods/<int:pk>/maturity.<str:fmt>",
        views.maturity_overview,
        name="maturity_overview_export",
    ),
    path("<slug:slug>/periods/<int:pk>/start/", views.report_start, name="report_start"),
    path("<slug:slug>/periods/<int:pk>/consolidate/", views.consolidate, name="consolidate"),
    path("<slug:slug>/overdue/", views.overdue, name="overdue"),
    path("<slug:slug>/instrument/", views.instrument, name="instrument"),
    path("<slug:slug>/reports/<int:pk>/", views.report_detail, name="report"),
    path("<slug:slug>/reports/<int:pk>/pick/", drafting_views.report_pick, name="report_pick"),
    path("<slug:slug>/reports/<int:pk>/rows/new/", drafting_views.row_edit, name="row_create"),
    path("<slug:slug>/reports/<int:pk>/rows/<int:row>/", drafting_views.row_edit, name="row_edit"),
    path(
        "<slug:slug>/reports/<int:pk>/evidence/",
        drafting_views.evidence_picker,
        name="evidence_picker",
    ),
    path(
        "<slug:slug>/reports/<int:pk>/rows/<int:row>/delete/", views.row_delete, name="row_delete"
    ),
    path("<slug:slug>/reports/<int:pk>/signature/", views.signatory, name="signatory"),
    path("<slug:slug>/reports/<int:pk>/maturity/", views.maturity, name="maturity"),
    path("<slug:slug>/reports/<int:pk>/move/", views.transition, name="transition"),
    path("<slug:slug>/reports/<int:pk>/versions/", views.versions, name="versions"),
    path(
        "<slug:slug>/reports/<int:pk>/versions/<int:number>/",
        views.version_detail,
        name="version",
    ),
    path(
        "<slug:slug>/reports/<int:pk>/export.<str:fmt>", views.report_export, name="report_export"
    ),
    path("<slug:slug>/city/<int:pk>/", views.city_detail, name="city"),
    path("<slug:slug>/city/<int:pk>/move/", views.city_move, name="city_move"),
    path("<slug:slug>/city/<int:pk>/signatory/", views.city_signatory, name="city_signatory"),
    path("<slug:slug>/city/<int:pk>/export.<str:fmt>", views.city_export, name="city_export"),
    path("<slug:slug>/follow-ups/", views.follow_ups, name="follow_ups"),
    path("<slug:slug>/follow-ups/<int:pk>/", views.follow_up, name="follow_up"),
]
