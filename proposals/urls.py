from django.urls import path

from kyodo_portal.page_cache import cache_public_page
from proposals import views
from proposals.agreements import views as agreement_views
from proposals.feeds import OpenThemesFeed

app_name = "proposals"

urlpatterns = [
    path("themes/", cache_public_page(views.theme_list), name="theme_list"),
    path("themes/feed/", cache_public_page(OpenThemesFeed()), name="theme_feed"),
    path("themes/<int:pk>/", cache_public_page(views.theme_detail), name="theme_detail"),
    path("my/proposals/", views.my_proposal_list, name="my_list"),
    path("my/proposals/new/", views.my_proposal_create, name="my_create"),
    path("my/proposals/<int:pk>/", views.my_proposal_detail, name="my_detail"),
    path("my/proposals/<int:pk>/edit/", views.my_proposal_edit, name="my_edit"),
    path("my/proposals/<int:pk>/submit/", views.my_proposal_submit, name="my_submit"),
    path("my/proposals/<int:pk>/resubmit/", views.my_proposal_resubmit, name="my_resubmit"),
    path("my/proposals/<int:pk>/withdraw/", views.my_proposal_withdraw, name="my_withdraw"),
    path(
        "my/proposals/<int:pk>/pre-consultation/",
        views.my_proposal_pre_consultation,
        name="my_pre_consultation",
    ),
    path("my/proposals/<int:pk>/consultation/", views.my_proposal_consult, name="my_consult"),
    path("my/proposals/<int:pk>/attachments/", views.my_proposal_attach, name="my_attach"),
    path(
        "my/proposals/attachments/<int:pk>/remove/",
        views.my_attachment_remove,
        name="my_attachment_remove",
    ),
    path(
        "my/proposals/attachments/<int:pk>/",
        views.attachment_download,
        name="attachment_download",
    ),
    # agreements (協定書) and collaborations (協働事業)
    path("projects/", cache_public_page(agreement_views.project_list), name="project_list"),
    path(
        "projects/<int:pk>/",
        cache_public_page(agreement_views.project_detail),
        name="project_detail",
    ),
    path("my/agreements/", agreement_views.my_agreement_list, name="my_agreement_list"),
    path(
        "my/agreements/<int:pk>/", agreement_views.my_agreement_detail, name="my_agreement_detail"
    ),
    path(
        "my/agreements/<int:pk>/confirm/",
        agreement_views.my_agreement_confirm,
        name="my_agreement_confirm",
    ),
    path(
        "my/agreements/<int:pk>/request-changes/",
        agreement_views.my_agreement_request_changes,
        name="my_agreement_request_changes",
    ),
    path(
        "my/agreements/<int:pk>/progress/",
        agreement_views.my_agreement_report,
        name="my_agreement_report",
    ),
    path(
        "my/agreements/<int:pk>/document/<int:number>/",
        agreement_views.my_agreement_document,
        name="my_agreement_document",
    ),
    path(
        "my/agreements/progress-files/<int:pk>/",
        agreement_views.progress_attachment_download,
        name="progress_attachment_download",
    ),
]
