from django.urls import path

from advisors import views

app_name = "advisors"

urlpatterns = [
    path("", views.request_list, name="list"),
    path("new/", views.request_create, name="create"),
    path("<int:pk>/", views.request_detail, name="detail"),
    path("<int:pk>/withdraw/", views.request_withdraw, name="withdraw"),
]
