from django.urls import path

from budaya.rulebook import views

app_name = "rulebook"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("schema.json", views.schema, name="schema"),
    path("starter.yaml", views.starter, name="starter"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/import/", views.upload, name="import"),
    path("<slug:slug>/v<int:number>/", views.version_detail, name="version"),
    path("<slug:slug>/v<int:number>/export.yaml", views.export, name="export"),
]
