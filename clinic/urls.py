from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from education.sitemaps import SITEMAPS
from education.views import robots_txt

from .views import healthz

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", robots_txt, name="robots"),
    path("healthz", healthz, name="healthz"),
]
urlpatterns += i18n_patterns(
    path("", include("education.urls")), path("", include("feedback.urls")), path("", include("glossary.urls"))
)
handler500 = "clinic.views.server_error"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

if not settings.DEBUG and settings.LOCAL_HTTP:
    # `make serve` on 127.0.0.1 only (settings refuse DJANGO_LOCAL_HTTP for any other host): no object storage or
    # web server is in front, so Django itself serves the uploaded media files there.
    from django.urls import re_path
    from django.views.static import serve

    urlpatterns += [re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT})]
