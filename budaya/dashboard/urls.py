from django.urls import path

from budaya.dashboard import views

app_name = "dashboard"
urlpatterns = [
    path("", views.start, name="start"),
    path("<slug:slug>/", views.government, name="government"),
]
