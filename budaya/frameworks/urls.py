from django.urls import path

from budaya.frameworks import views

app_name = "frameworks"
urlpatterns = [
    path("", views.framework_list, name="list"),
    path("schema.json", views.schema, name="schema"),
    path("import/", views.framework_import, name="import"),
    path("governments/<slug:government>/adoption/", views.adoption, name="adoption"),
    path("governments/<slug:government>/slogans/", views.slogans, name="slogans"),
    path(
        "governments/<slug:government>/slogans/<int:pk>/delete/",
        views.slogan_delete,
        name="slogan_delete",
    ),
    path("<slug:slug>/", views.framework_detail, name="detail"),
    path("<slug:slug>/v<int:number>/", views.version_detail, name="version"),
    path("<slug:slug>/v<int:number>/export.yaml", views.version_export, name="export"),
    path("<slug:slug>/v<int:number>/publish/", views.version_publish, name="publish"),
    path("<slug:slug>/v<int:number>/copy/", views.version_copy, name="copy"),
]
