from django.urls import path

from budaya.dashboard import views

app_name = "dashboard"
urlpatterns = [
    path("", views.start, name="start"),
    # Two segments: never taken for a government's short address name (issue 20 item 5).
    path("regions/national/", views.national, name="national"),
    path("regions/<str:code>/", views.province, name="province"),
    path("<slug:slug>/", views.government, name="government"),
    path("<slug:slug>/periods/<int:period>/leadership/", views.report_create, name="report_create"),
    path("<slug:slug>/leadership/<int:pk>/", views.report_detail, name="report"),
    path("<slug:slug>/leadership/<int:pk>/pdf/", views.report_file, name="report_file"),
    path("<slug:slug>/leadership/<int:pk>/retry/", views.report_retry, name="report_retry"),
]
