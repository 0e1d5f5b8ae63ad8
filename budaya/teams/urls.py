from django.urls import path

from budaya.teams import views

app_name = "teams"
urlpatterns = [
    path("", views.my_teams, name="my_teams"),
    path("rules-schema.json", views.rules_schema, name="rules_schema"),
    path("<slug:slug>/", views.team_list, name="team_list"),
    path("<slug:slug>/new/", views.team_create, name="team_create"),
    path("<slug:slug>/compliance/", views.compliance, name="compliance"),
    path("<slug:slug>/<int:pk>/", views.team_detail, name="team_detail"),
    path("<slug:slug>/<int:pk>/edit/", views.team_edit, name="team_edit"),
    path("<slug:slug>/<int:pk>/chart/", views.team_chart, name="team_chart"),
    path("<slug:slug>/<int:pk>/members/new/", views.member_add, name="member_add"),
    path("<slug:slug>/<int:pk>/members/<int:member>/", views.member_edit, name="member_edit"),
    path("<slug:slug>/<int:pk>/decrees/new/", views.decree_create, name="decree_create"),
    # Decrees (SK)
    path("<slug:slug>/decrees/", views.decree_list, name="decree_list"),
    path("<slug:slug>/decrees/<int:pk>/", views.decree_detail, name="decree_detail"),
    path("<slug:slug>/decrees/<int:pk>/edit/", views.decree_edit, name="decree_edit"),
    path("<slug:slug>/decrees/<int:pk>/draft.docx", views.decree_draft, name="decree_draft"),
    path("<slug:slug>/decrees/<int:pk>/sign/", views.decree_sign, name="decree_sign"),
    path(
        "<slug:slug>/decrees/<int:pk>/supersede/", views.decree_supersede, name="decree_supersede"
    ),
    path("<slug:slug>/decrees/<int:pk>/delete/", views.decree_delete, name="decree_delete"),
    # Kinds, roles, eligibility rules and settings
    path("<slug:slug>/rules/", views.rules, name="rules"),
    path("<slug:slug>/rules/defaults/", views.rules_defaults, name="rules_defaults"),
    path("<slug:slug>/rules/export.yaml", views.rules_export, name="rules_export"),
    path("<slug:slug>/settings/", views.policy_edit, name="policy_edit"),
    path("<slug:slug>/decree-template/", views.template_upload, name="template_upload"),
    path("<slug:slug>/decree-template.docx", views.template_download, name="template_download"),
    # Role models and change agents
    path("<slug:slug>/role-models/", views.designation_list, name="designation_list"),
    path("<slug:slug>/role-models/new/", views.designation_create, name="designation_create"),
    path("<slug:slug>/role-models/<int:pk>/", views.designation_detail, name="designation_detail"),
    path("<slug:slug>/role-models/<int:pk>/move/", views.designation_move, name="designation_move"),
]
