from django.conf import settings
from django.conf.urls.i18n import i18n_patterns  # noqa: F401 - language is chosen by cookie, not URL
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from django.views.i18n import JavaScriptCatalog

from mosprom import home
from mosprom.api import api
from mosprom.core.views import api_not_found

handler403 = "mosprom.core.views.error_403"
handler404 = "mosprom.core.views.error_404"
handler500 = "mosprom.core.views.error_500"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("api/v1/", api.urls),
    path("api/docs", RedirectView.as_view(url="/api/v1/docs", permanent=False)),
    path("api/", RedirectView.as_view(url="/api/v1/docs", permanent=False)),
    re_path(r"^api/", api_not_found),
    path("", home.home, name="home"),
    path("accounts/welcome/", home.after_login, name="after_login"),
    path("", include("mosprom.core.urls")),
    path("", include("mosprom.registry.urls")),
    path("tours/", include("mosprom.tours.urls")),
    path("partnerships/", include("mosprom.partnerships.urls")),
    path("analytics/", include("mosprom.analytics.urls")),
    path("intake/", include("mosprom.intake.urls")),
    path("companies/", include("mosprom.companies.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
