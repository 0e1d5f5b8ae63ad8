from django.urls import path

from budaya.surveys import participation_views, views

app_name = "surveys"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("me/", views.me, name="me"),
    path("me/commitment/", views.sign, name="sign"),
    path("me/twibbon/", views.twibbon, name="twibbon"),
    path("national-index/", views.national, name="national"),
    path("<slug:slug>/", views.index, name="index"),
    path("<slug:slug>/new/", views.create, name="create"),
    path("<slug:slug>/thresholds/", views.policy, name="policy"),
    path("<slug:slug>/questionnaires/", views.questionnaires, name="questionnaires"),
    path(
        "<slug:slug>/participation/<int:unit>/",
        participation_views.not_yet,
        name="participation",
    ),
    path("<slug:slug>/questionnaires/<int:pk>/", views.questionnaire, name="questionnaire"),
    path(
        "<slug:slug>/questionnaires/<int:pk>/items/<int:item>/",
        views.item_edit,
        name="item_edit",
    ),
    path("<slug:slug>/<int:pk>/", views.detail, name="detail"),
    path("<slug:slug>/<int:pk>/results.xlsx", views.export, name="export"),
    path("<slug:slug>/<int:pk>/answer/", views.answer, name="answer"),
    path("<slug:slug>/<int:pk>/<str:to>/", views.move, name="move"),
]
