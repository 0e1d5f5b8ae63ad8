from django.urls import path

from budaya.org import views

app_name = "org"
urlpatterns = [
    path("", views.government_list, name="government_list"),
    path("new/", views.government_create, name="government_create"),
    path("<slug:slug>/", views.government_detail, name="government_detail"),
    path("<slug:slug>/edit/", views.government_edit, name="government_edit"),
    path("<slug:slug>/logo/", views.government_logo, name="government_logo"),
]
