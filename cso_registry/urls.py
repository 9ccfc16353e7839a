from django.urls import path

from cso_registry import views

app_name = "cso_registry"

urlpatterns = [
    path("", views.cso_list, name="list"),
    path("<int:pk>/", views.cso_detail, name="detail"),
    path("export.csv", views.export_csv, name="export_csv"),
    path("export.json", views.export_json, name="export_json"),
    path("export/", views.export_columns, name="export_columns"),
]
