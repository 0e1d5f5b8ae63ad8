from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language

from budaya import views
from budaya.accounts.views import SignInView

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("menu/", views.menu, name="menu"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("login/", SignInView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("budaya.accounts.urls")),
    path("frameworks/", include("budaya.frameworks.urls")),
    path("governments/", include("budaya.org.urls")),
    path("teams/", include("budaya.teams.urls")),
    path("programme/", include("budaya.programme.urls")),
    path("activities/", include("budaya.activities.urls")),
    path("monev/", include("budaya.monev.urls")),
    path("rulebook/", include("budaya.rulebook.urls")),
    path("problems/", include("budaya.problems.urls")),
    path("competitions/", include("budaya.competitions.urls")),
    path("notifications/", include("budaya.notifications.urls")),
    path("surveys/", include("budaya.surveys.urls")),
    path("dashboard/", include("budaya.dashboard.urls")),
]

if settings.DEBUG:
    from django.contrib import admin

    urlpatterns.append(path("django-admin/", admin.site.urls))
