from django.urls import path

from evaluations import stats, views
from evaluations.feeds import ConcludedAgreementsFeed, PublishedEvaluationsFeed
from kyodo_portal.page_cache import cache_public_page

app_name = "evaluations"

urlpatterns = [
    path("evaluations/", cache_public_page(views.evaluation_list), name="list"),
    path("evaluations/feed/", cache_public_page(PublishedEvaluationsFeed()), name="feed"),
    path("evaluations/export/", cache_public_page(views.export_columns), name="export_columns"),
    path("evaluations/export.csv", views.export_csv, name="export_csv"),
    path("evaluations/export.json", views.export_json, name="export_json"),
    path("evaluations/<int:pk>/", cache_public_page(views.evaluation_detail), name="detail"),
    path("projects/feed/", cache_public_page(ConcludedAgreementsFeed()), name="project_feed"),
    path("departments/<int:pk>/", cache_public_page(views.department_detail), name="department"),
    path("stats/", cache_public_page(stats.stats_page), name="stats"),
    path("my/evaluations/", views.my_evaluation_list, name="my_list"),
    path(
        "my/evaluations/start/<int:agreement_pk>/",
        views.my_evaluation_start,
        name="my_start",
    ),
    path("my/evaluations/<int:pk>/", views.my_evaluation_detail, name="my_detail"),
    path("my/evaluations/<int:pk>/part/", views.my_part_save, name="my_part"),
    path("my/evaluations/<int:pk>/decision/", views.my_decision_propose, name="my_decision"),
    path(
        "my/evaluations/<int:pk>/decision/confirm/",
        views.my_decision_confirm,
        name="my_decision_confirm",
    ),
    path("my/evaluations/<int:pk>/follow-up/", views.my_follow_up, name="my_follow_up"),
]
