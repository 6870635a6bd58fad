"""Routes of the workflow (submit, correct), the bureau's pages, the public site and the JSON API.

Included once at the root by disclosures/urls.py; the site root "/" is the public home.
"""

from django.urls import path

from . import api
from .views import bureau, public, workflow

urlpatterns = [
    path("", public.public_home, name="public_home"),
    path("public/years/<int:year>/", public.public_year, name="public_year"),
    path("public/filings/<int:pk>/", public.public_filing, name="public_filing"),
    path("public/filings/<int:pk>/download/<str:format>/", public.public_document, name="public_document"),
    path("public/filings/<int:pk>/tables/<int:number>.xlsx", public.public_table_xlsx, name="public_table_xlsx"),
    path("workspace/filings/<int:pk>/submit/", workflow.filing_submit, name="filing_submit"),
    path("workspace/filings/<int:pk>/correct/", workflow.filing_correct, name="filing_correct"),
    path("bureau/", bureau.bureau_dashboard, name="bureau_dashboard"),
    path("bureau/filings/<int:pk>/", bureau.bureau_filing, name="bureau_filing"),
    path("bureau/filings/<int:pk>/<str:action>/", bureau.bureau_filing_action, name="bureau_filing_action"),
    path("bureau/bulk/", bureau.bureau_bulk, name="bureau_bulk"),
    path("api/years/", api.api_years, name="api_years"),
    path("api/filings/", api.api_filings, name="api_filings"),
    path("api/filings/<int:pk>/", api.api_filing, name="api_filing"),
]
