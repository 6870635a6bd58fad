"""Routes of generated documents (included at the site root by disclosures/urls.py)."""

from django.urls import path

from .views import documents

urlpatterns = [
    path("workspace/filings/<int:pk>/documents/", documents.filing_documents, name="filing_documents"),
    path("workspace/filings/<int:pk>/documents/<str:format>/", documents.document_download, name="document_download"),
    path("bureau/years/<int:year>/generate/", documents.year_generate, name="year_generate"),
]
