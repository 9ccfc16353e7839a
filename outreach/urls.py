from django.urls import path

from kyodo_portal.page_cache import cache_public_page
from outreach import views

app_name = "outreach"

urlpatterns = [
    path("events/", cache_public_page(views.event_list), name="event_list"),
    path("events/calendar.ics", cache_public_page(views.event_calendar), name="event_calendar"),
    path("events/<int:pk>/", cache_public_page(views.event_detail), name="event_detail"),
    path("events/<int:pk>/register/", views.event_register, name="event_register"),
    path("events/<int:pk>/cancel/", views.event_cancel_mine, name="event_cancel_mine"),
    path("events/<int:pk>/event.ics", cache_public_page(views.event_ics), name="event_ics"),
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
    path("news/", cache_public_page(views.news_list), name="news_list"),
    path("news/feed/", cache_public_page(views.NewsFeed()), name="news_feed"),
    path("news/<int:pk>/", cache_public_page(views.news_detail), name="news_detail"),
    path("contacts/", cache_public_page(views.contacts), name="contacts"),
    path("guideline/", cache_public_page(views.guideline), name="guideline"),
    path("privacy/", cache_public_page(views.privacy), name="privacy"),
    path("terms/", cache_public_page(views.terms), name="terms"),
]
