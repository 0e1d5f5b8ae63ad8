from django.urls import path

from budaya.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("read/", views.read, name="read"),
    path("preferences/", views.preferences, name="preferences"),
    path("<slug:slug>/outbox/", views.outbox, name="outbox"),
    path("<slug:slug>/texts/", views.text_list, name="texts"),
    path("<slug:slug>/texts/<str:kind>/<str:language>/", views.text_edit, name="text_edit"),
]
