"""Routes of background jobs (included under /jobs/ by disclosures/urls.py)."""

from django.urls import path

from .views import jobs

urlpatterns = [
    path("<int:pk>/", jobs.job_status, name="job_status"),
]
