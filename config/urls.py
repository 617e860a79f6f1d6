from django.contrib import admin
from django.urls import include, path, register_converter

from apps.core.export import FormatConverter

register_converter(FormatConverter, "export_format")  # docx|pdf, in the apps' export URLs

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("config.api_urls")),
    path("", include("config.feed_urls")),
    path("", include("apps.search.urls")),
    path("", include("apps.documents.urls")),
    path("", include("apps.policies.urls")),
]

handler400 = "config.views.bad_request"
handler404 = "config.views.page_not_found"
handler500 = "config.views.server_error"
