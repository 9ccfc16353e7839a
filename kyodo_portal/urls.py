from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from accounts import views as account_views
from kyodo_portal import views
from kyodo_portal.page_cache import cache_public_page
from outreach.views import home

admin.site.site_header = "協働ポータル 管理画面"
admin.site.site_title = "協働ポータル 管理画面"
admin.site.index_title = "県職員の業務"

urlpatterns = [
    path("", cache_public_page(home), name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("login/", account_views.LoginView.as_view(), name="login"),
    path("logout/", account_views.LogoutView.as_view(), name="logout"),
    path("", include("accounts.urls")),
    path("cso/", include("cso_registry.urls")),
    path("", include("cso_registry.account_urls")),
    path("", include("proposals.urls")),
    path("", include("evaluations.urls")),
    path("", include("outreach.urls")),
    path("my/advisor-requests/", include("advisors.urls")),
    path("account/2fa/", include("kyodo_portal.two_factor")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
