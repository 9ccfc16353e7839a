"""Sign-up and the CSO member's pages under /my/ (included at the site root)."""

from django.urls import path

from cso_registry import account_views as views

app_name = "account"

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("my/", views.home, name="home"),
    path("my/cso/new/", views.cso_register, name="cso_register"),
    path("my/cso/join/", views.cso_join, name="cso_join"),
    path("my/cso/<int:pk>/", views.cso_overview, name="cso"),
    path("my/cso/<int:pk>/edit/", views.cso_edit, name="cso_edit"),
    path("my/cso/<int:pk>/survey/", views.cso_survey, name="cso_survey"),
    path("my/cso/<int:pk>/members/", views.cso_members, name="cso_members"),
    path(
        "my/cso/<int:pk>/members/<int:membership_pk>/<slug:action>/",
        views.member_action,
        name="member_action",
    ),
    path("my/cso/<int:pk>/leave/", views.cso_leave, name="cso_leave"),
    path("my/cso/<int:pk>/confirm/", views.cso_confirm, name="cso_confirm"),
    path("my/cso/<int:pk>/history/", views.cso_history, name="cso_history"),
    path("my/cso/<int:pk>/sheet/", views.cso_sheet, name="cso_sheet"),
    path("my/cso/<int:pk>/join/", views.cso_join_request, name="cso_join_request"),
]
