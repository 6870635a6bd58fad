"""Routes of the department workspace (填报工作台), included under /workspace/ by disclosures/urls.py."""

from django.urls import path

from .views import entry

urlpatterns = [
    path("", entry.workspace, name="workspace"),
    path("filings/<int:pk>/", entry.filing_detail, name="filing_detail"),
    path("filings/<int:pk>/import/", entry.filing_import, name="filing_import"),
    path("filings/<int:pk>/import/template/<str:kind>.xlsx", entry.import_template, name="import_template"),
    path("filings/<int:pk>/import/errors/<str:token>.xlsx", entry.filing_import_errors, name="filing_import_errors"),
]
