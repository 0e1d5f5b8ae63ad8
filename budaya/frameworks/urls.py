from django.urls import path

from budaya.frameworks import views

app_name = "frameworks"
urlpatterns = [
    path("", views.framework_list, name="list"),
    path("<slug:slug>/", views.framework_detail, name="detail"),
    path("<slug:slug>/v<int:number>/", views.version_detail, name="version"),
]
