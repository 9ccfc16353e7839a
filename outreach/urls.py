from django.urls import path

from outreach import views

app_name = "outreach"

urlpatterns = [
    path("events/", views.event_list, name="event_list"),
    path("events/calendar.ics", views.event_calendar, name="event_calendar"),
    path("events/<int:pk>/", views.event_detail, name="event_detail"),
    path("events/<int:pk>/register/", views.event_register, name="event_register"),
    path("events/<int:pk>/cancel/", views.event_cancel_mine, name="event_cancel_mine"),
    path("events/<int:pk>/event.ics", views.event_ics, name="event_ics"),
    path(
        "events/registrations/confirm/<str:token>/",
        views.registration_confirm,
        name="registration_confirm",
    ),
    path(
        "events/registrations/cancel/<str:token>/",
        views.registration_cancel,
        name="registration_cancel",
    ),
    path("news/", views.news_list, name="news_list"),
    path("news/feed/", views.NewsFeed(), name="news_feed"),
    path("news/<int:pk>/", views.news_detail, name="news_detail"),
    path("contacts/", views.contacts, name="contacts"),
    path("guideline/", views.guideline, name="guideline"),
]
