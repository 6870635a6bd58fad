from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from opendata.urls import api_urlpatterns

admin.site.site_header = "公开 · 部门预决算公开与绩效自评"
admin.site.site_title = "公开"
admin.site.index_title = "管理"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("jobs/", include("jobs.urls")),
    path("", include("opendata.urls")),
    path("", include(api_urlpatterns)),
    path("", include("disclosures.urls")),
    path("evaluations/", include("evaluations.urls")),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
