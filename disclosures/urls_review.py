"""Routes of a filing's explanatory text and checks, included under /workspace/ by disclosures/urls.py."""

from django.urls import path

from .views import checks, text

urlpatterns = [
    path("filings/<int:pk>/text/", text.filing_text, name="filing_text"),
    path("filings/<int:pk>/unit/", text.filing_amount_unit, name="filing_amount_unit"),
    path("filings/<int:pk>/checks/", checks.filing_checks, name="filing_checks"),
]
