from django.urls import path

from cso_registry import views
from kyodo_portal.page_cache import cache_public_page

app_name = "cso_registry"

urlpatterns = [
    path("", cache_public_page(views.cso_list), name="list"),
    path("<int:pk>/", cache_public_page(views.cso_detail), name="detail"),
    path("export.csv", views.export_csv, name="export_csv"),
    path("export.json", views.export_json, name="export_json"),
    path("export/", cache_public_page(views.export_columns), name="export_columns"),
]
