from django.urls import path

from cso_registry import views

app_name = "cso_registry"

urlpatterns = [
    path("", views.cso_list, name="list"),
    path("<int:pk>/", views.cso_detail, name="detail"),
]
