"""URL map of the disclosures app (namespace "disclosures"): the public site at the root, the department
workspace under /workspace/, the bureau under /bureau/ and the JSON API under /api/."""

from django.urls import path

from . import api
from .views import bureau, checks, create, documents, entry, grid, landing, notifications, public, text, workflow

app_name = "disclosures"

urlpatterns = [
    # Public site ("home" and "public_home" both name the site root)
    path("", public.public_home, name="public_home"),
    path("", public.public_home, name="home"),
    path("public/years/<int:year>/", public.public_year, name="public_year"),
    path("public/filings/<int:pk>/", public.public_filing, name="public_filing"),
    path("public/filings/<int:pk>/download/<str:format>/", public.public_document, name="public_document"),
    path("public/filings/<int:pk>/tables/<int:number>.xlsx", public.public_table_xlsx, name="public_table_xlsx"),
    path("start/", landing.landing, name="landing"),
    # Department workspace: entry, text and checks, documents, workflow
    path("workspace/", entry.workspace, name="workspace"),
    path("workspace/filings/new/", create.filing_new, name="filing_new"),
    path("workspace/filings/<int:pk>/", entry.filing_detail, name="filing_detail"),
    path("workspace/filings/<int:pk>/import/", entry.filing_import, name="filing_import"),
    path("workspace/filings/<int:pk>/import/template/<str:kind>.xlsx", entry.import_template, name="import_template"),
    path("workspace/filings/<int:pk>/import/errors/<str:token>.xlsx", entry.filing_import_errors, name="filing_import_errors"),
    # The line editor (明细录入): a grid per sheet, rows and totals as htmx fragments, the 三公经费 form
    path("workspace/filings/<int:pk>/lines/", grid.line_editor, name="line_editor_home"),
    path("workspace/filings/<int:pk>/lines/three_public/", grid.three_public_form, name="three_public_form"),
    path("workspace/filings/<int:pk>/lines/<str:sheet>/", grid.line_editor, name="line_editor"),
    path("workspace/filings/<int:pk>/lines/<str:sheet>/rows/", grid.line_row_save, name="line_row_add"),
    path("workspace/filings/<int:pk>/lines/<str:sheet>/rows/<int:row>/", grid.line_row_save, name="line_row"),
    path("workspace/filings/<int:pk>/lines/<str:sheet>/rows/<int:row>/delete/", grid.line_row_delete, name="line_row_delete"),
    path("workspace/filings/<int:pk>/lines/<str:sheet>/totals/", grid.line_totals, name="line_totals"),
    path("workspace/filings/<int:pk>/lines/<str:sheet>/paste/", grid.line_paste, name="line_paste"),
    path("workspace/filings/<int:pk>/catalog/", grid.catalog_lookup, name="catalog_lookup"),
    path("workspace/filings/<int:pk>/text/", text.filing_text, name="filing_text"),
    path("workspace/filings/<int:pk>/unit/", text.filing_amount_unit, name="filing_amount_unit"),
    path("workspace/filings/<int:pk>/checks/", checks.filing_checks, name="filing_checks"),
    path("workspace/filings/<int:pk>/documents/", documents.filing_documents, name="filing_documents"),
    path("workspace/filings/<int:pk>/documents/<str:format>/", documents.document_download, name="document_download"),
    path("workspace/filings/<int:pk>/submit/", workflow.filing_submit, name="filing_submit"),
    path("workspace/filings/<int:pk>/correct/", workflow.filing_correct, name="filing_correct"),
    # Messages (消息)
    path("messages/", notifications.notification_list, name="notifications"),
    path("messages/read/", notifications.notifications_read, name="notifications_read"),
    path("messages/<int:pk>/", notifications.notification_open, name="notification_open"),
    # Bureau
    path("bureau/", bureau.bureau_dashboard, name="bureau_dashboard"),
    path("bureau/years/<int:year>/generate/", documents.year_generate, name="year_generate"),
    path("bureau/years/<int:year>/publish/", bureau.year_publish, name="year_publish"),
    path("bureau/years/<int:year>/create/", create.bureau_create_missing, name="bureau_create_missing"),
    path("bureau/filings/<int:pk>/", bureau.bureau_filing, name="bureau_filing"),
    path("bureau/filings/<int:pk>/<str:action>/", bureau.bureau_filing_action, name="bureau_filing_action"),
    path("bureau/bulk/", bureau.bureau_bulk, name="bureau_bulk"),
    # JSON API
    path("api/years/", api.api_years, name="api_years"),
    path("api/filings/", api.api_filings, name="api_filings"),
    path("api/filings/<int:pk>/", api.api_filing, name="api_filing"),
]
