"""URL map of the disclosures app. Each area keeps its own module of routes."""

from django.urls import include, path

from .views import home

urlpatterns = [
    path("", home.home, name="home"),
    path("jobs/", include("disclosures.urls_jobs")),
    path("workspace/", include("disclosures.urls_entry")),
    path("workspace/", include("disclosures.urls_review")),
    path("", include("disclosures.urls_documents")),
    path("", include("disclosures.urls_publication")),
]
