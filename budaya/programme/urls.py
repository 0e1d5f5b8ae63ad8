from django.urls import path

from budaya.programme import views

app_name = "programme"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("<slug:slug>/", views.programme_list, name="list"),
    path("<slug:slug>/new/", views.programme_create, name="create"),
    path("<slug:slug>/checklist-items/", views.checklist_items, name="checklist_items"),
    path(
        "<slug:slug>/checklist-items/<int:pk>/",
        views.checklist_item_edit,
        name="checklist_item_edit",
    ),
    path("<slug:slug>/<int:pk>/", views.programme_detail, name="detail"),
    path("<slug:slug>/<int:pk>/edit/", views.programme_edit, name="edit"),
    # The steps of the stages of the programme's rulebook
    path("<slug:slug>/<int:pk>/steps/<str:stage>/", views.step_edit, name="stage"),
    path("<slug:slug>/<int:pk>/steps/<str:stage>/<str:step>/", views.step_edit, name="step"),
    path("<slug:slug>/<int:pk>/sensitive-areas/new/", views.area_create, name="area_create"),
    path(
        "<slug:slug>/<int:pk>/sensitive-areas/<int:area>/delete/",
        views.area_delete,
        name="area_delete",
    ),
    # Scorecard, T Lampiran II II.1.e
    path("<slug:slug>/<int:pk>/scorecard/", views.scorecard, name="scorecard"),
    path("<slug:slug>/<int:pk>/scorecard.xlsx", views.scorecard_export, name="scorecard_export"),
    path("<slug:slug>/<int:pk>/scorecard/new/", views.item_create, name="item_create"),
    path("<slug:slug>/<int:pk>/scorecard/<int:item>/edit/", views.item_edit, name="item_edit"),
    path(
        "<slug:slug>/<int:pk>/scorecard/<int:item>/delete/", views.item_delete, name="item_delete"
    ),
    path(
        "<slug:slug>/<int:pk>/scorecard/<int:item>/results/",
        views.result_create,
        name="result_create",
    ),
    path(
        "<slug:slug>/<int:pk>/results/<int:result>/delete/",
        views.result_delete,
        name="result_delete",
    ),
    # Implementation, T Lampiran II II.2
    path("<slug:slug>/<int:pk>/declaration/", views.declaration_edit, name="declaration"),
    path(
        "<slug:slug>/<int:pk>/events/new/<str:kind>/",
        views.engagement_create,
        name="engagement_create",
    ),
    path(
        "<slug:slug>/<int:pk>/events/<int:engagement>/",
        views.engagement_edit,
        name="engagement_edit",
    ),
    path(
        "<slug:slug>/<int:pk>/events/<int:engagement>/delete/",
        views.engagement_delete,
        name="engagement_delete",
    ),
    path(
        "<slug:slug>/<int:pk>/institutionalisation/new/",
        views.change_create,
        name="change_create",
    ),
    path(
        "<slug:slug>/<int:pk>/institutionalisation/<int:change>/",
        views.change_edit,
        name="change_edit",
    ),
    path(
        "<slug:slug>/<int:pk>/institutionalisation/<int:change>/delete/",
        views.change_delete,
        name="change_delete",
    ),
    # Evidence (files and links of budaya/activities)
    path("<slug:slug>/<int:pk>/evidence/", views.evidence_add, name="evidence_add"),
    path(
        "<slug:slug>/<int:pk>/evidence/<int:link>/remove/",
        views.evidence_remove,
        name="evidence_remove",
    ),
    # Checklists, T Lampiran II II.2.d and IV
    path("<slug:slug>/<int:pk>/checklists/", views.checklist, name="checklist"),
]
