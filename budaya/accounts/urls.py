from django.urls import path

from budaya.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/code/", views.sign_in_code, name="sign_in_code"),
    path("password-reset/", views.password_reset, name="password_reset"),
    path("password-reset/sent/", views.password_reset_done, name="password_reset_done"),
    path(
        "password-reset/<uidb64>/<token>/",
        views.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path("password-reset/done/", views.password_reset_complete, name="password_reset_complete"),
    path("account/", views.account, name="account"),
    path("account/password/", views.password_change, name="password_change"),
    path("account/password/done/", views.password_change_done, name="password_change_done"),
    path("account/two-factor/", views.two_factor, name="two_factor"),
    path("account/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("users/", views.user_list, name="user_list"),
    path("users/invite/", views.user_invite, name="user_invite"),
    path("users/<int:pk>/", views.user_detail, name="user_detail"),
    path("users/<int:pk>/grants/<int:grant>/revoke/", views.grant_revoke, name="grant_revoke"),
    path("users/<int:pk>/grants/<int:grant>/office/", views.grant_office, name="grant_office"),
    path("audit/", views.audit_list, name="audit_list"),
    path("audit/sign-ins/", views.sign_in_attempts, name="sign_in_attempts"),
    path(
        "audit/object/<str:object_type>/<str:object_id>/", views.audit_object, name="audit_object"
    ),
]
