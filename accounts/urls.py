"""The person's own account: confirming an address, recovering a password, /my/account/."""

from django.urls import path

from accounts import data_views, views

app_name = "accounts"

urlpatterns = [
    path("account/confirm/resend/", views.resend_confirmation, name="resend_confirmation"),
    path("account/confirm/<str:token>/", views.confirm_email, name="confirm_email"),
    path("account/password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "account/password/reset/sent/",
        views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "account/password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("my/account/", views.account_settings, name="settings"),
    path("my/account/name/", views.change_name, name="change_name"),
    path("my/account/email/", views.change_email, name="change_email"),
    path("my/account/password/", views.change_password, name="change_password"),
    path("my/account/sessions/<int:pk>/end/", views.end_session, name="end_session"),
    path("my/account/data/", data_views.my_data, name="data"),
    path("my/account/data.json", data_views.my_data_json, name="data_json"),
    path("my/account/close/", data_views.close_account, name="close"),
]
