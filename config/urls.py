from django.contrib import admin
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path
from django.views.decorators.http import require_GET

from opendata.urls import api_urlpatterns

admin.site.site_header = "公开 · 部门预决算公开与绩效自评"
admin.site.site_title = "公开"
admin.site.index_title = "管理"


@require_GET
def favicon(request):
    """Browsers ask for /favicon.ico where a page does not link one (a PDF, a JSON answer)."""
    return redirect(static("favicon.ico"))


urlpatterns = [
    path("admin/", admin.site.urls),
    path("favicon.ico", favicon, name="favicon"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("jobs/", include("jobs.urls")),
    path("", include("opendata.urls")),
    path("", include(api_urlpatterns)),
    path("", include("disclosures.urls")),
    path("evaluations/", include("evaluations.urls")),
]
# MEDIA_ROOT is never served as static files, not even with DEBUG=1: it holds draft documents, and
# documents are only ever served through views that check who may read them.

handler400 = "config.errors.bad_request"
handler403 = "config.errors.permission_denied"
handler404 = "config.errors.page_not_found"
handler500 = "config.errors.server_error"
