from django.urls import path

from budaya.problems import views

app_name = "problems"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("<slug:slug>/", views.index, name="index"),
    path("<slug:slug>/teams/<int:pk>/", views.team_detail, name="team"),
    path("<slug:slug>/teams/<int:pk>/problems/new/", views.problem_create, name="problem_create"),
    path("<slug:slug>/teams/<int:pk>/meetings/new/", views.meeting_create, name="meeting_create"),
    path("<slug:slug>/teams/<int:pk>/reports/new/", views.report_create, name="report_create"),
    path("<slug:slug>/problems/<int:pk>/", views.problem_detail, name="problem"),
    path("<slug:slug>/problems/<int:pk>/edit/", views.problem_edit, name="problem_edit"),
    path("<slug:slug>/problems/<int:pk>/score/", views.score, name="score"),
    path("<slug:slug>/problems/<int:pk>/choose/", views.choose, name="choose"),
    path("<slug:slug>/problems/<int:pk>/causes/", views.cause_add, name="cause_add"),
    path(
        "<slug:slug>/problems/<int:pk>/causes/<int:cause>/",
        views.cause_edit,
        name="cause_edit",
    ),
    path(
        "<slug:slug>/problems/<int:pk>/causes/<int:cause>/delete/",
        views.cause_delete,
        name="cause_delete",
    ),
    path("<slug:slug>/problems/<int:pk>/fishbone.svg", views.fishbone_svg, name="fishbone"),
    path("<slug:slug>/problems/<int:pk>/root-cause/<int:cause>/", views.root_cause, name="root"),
    path("<slug:slug>/problems/<int:pk>/direction/", views.direction, name="direction"),
    path("<slug:slug>/problems/<int:pk>/actions/new/", views.action_add, name="action_add"),
    path(
        "<slug:slug>/problems/<int:pk>/actions/<int:action>/",
        views.action_edit,
        name="action_edit",
    ),
    path(
        "<slug:slug>/problems/<int:pk>/actions/<int:action>/delete/",
        views.action_delete,
        name="action_delete",
    ),
    path(
        "<slug:slug>/problems/<int:pk>/actions/<int:action>/execution/",
        views.action_execute,
        name="action_execute",
    ),
    path("<slug:slug>/problems/<int:pk>/plan/<str:to>/", views.plan_move, name="plan_move"),
    path("<slug:slug>/problems/<int:pk>/check/", views.check, name="check"),
    path("<slug:slug>/meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path(
        "<slug:slug>/meetings/<int:pk>/minutes.<str:fmt>",
        views.meeting_export,
        name="meeting_export",
    ),
    path("<slug:slug>/reports/<int:pk>/", views.report_detail, name="report"),
]
