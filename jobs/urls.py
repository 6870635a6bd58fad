"""Routes of background jobs, under /jobs/ (namespace "jobs")."""

from django.urls import path

from . import views

app_name = "jobs"

urlpatterns = [
    path("<int:pk>/", views.job_status, name="job_status"),
    path("progress/", views.jobs_progress, name="jobs_progress"),
]
