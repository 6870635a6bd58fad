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
# MEDIA_ROOT is never served as static files, not even with DEBUG=1: it holds draft documents, and
# documents are only ever served through views that check who may read them.
