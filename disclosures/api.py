"""Read-only JSON API of the published disclosures (公开数据接口). Published filings only.

Everything comes from the frozen snapshots (selectors.public), so the API shows exactly what the
public pages show. The cells of `tables` are printed as published, in the filing's unit (`unit`: "wan"
or "yuan", `unit_label`: 万元 or 元); `figures` are 万元 strings; `charts` and `key_figures` are in 元
(strings, two decimals).
"""

from __future__ import annotations

from django.http import JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from disclosures.money import unit_label
from disclosures.selectors.public import public_filing_get, public_filing_list, public_years

JSON_OPTIONS = {"ensure_ascii": False}


def _json(data, status: int = 200) -> JsonResponse:
    response = JsonResponse(data, status=status, json_dumps_params=JSON_OPTIONS, safe=not isinstance(data, list))
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def api_years(request):
    return _json({"years": public_years()})


@require_GET
def api_filings(request):
    year = request.GET.get("year", "").strip()
    if year and not year.isdigit():
        return _json({"error": "year 应为四位年份"}, status=400)
    rows = public_filing_list(year=int(year) if year else None, department=request.GET.get("department", "").strip())
    return _json(
        {
            "filings": [
                {
                    "id": r.pk,
                    "department": r.department,
                    "department_code": r.department_code,
                    "year": r.year,
                    "kind": r.kind,
                    "kind_display": r.kind_display,
                    "version": r.version,
                    "corrected": r.corrected,
                    "published_at": r.published_at.isoformat() if r.published_at else None,
                    "url": request.build_absolute_uri(reverse("disclosures:api_filing", args=[r.pk])),
                    "page": request.build_absolute_uri(reverse("disclosures:public_filing", args=[r.pk])),
                }
                for r in rows
            ]
        }
    )


@require_GET
def api_filing(request, pk: int):
    public = public_filing_get(pk=pk)
    snapshot = public.snapshot
    unit = snapshot["filing"].get("unit") or public.filing.amount_unit  # snapshots from before the unit was stored
    return _json(
        {
            "id": public.filing.pk,
            **snapshot["filing"],
            "unit": unit,
            "unit_label": unit_label(unit),
            "published_at": snapshot.get("published_at"),
            "superseded_by": public.newer.pk if public.newer else None,
            "correction": snapshot.get("correction"),
            "key_figures": snapshot.get("key_figures", []),
            "figures": snapshot.get("figures", {}),
            "tables": snapshot.get("tables", []),
            "sections": snapshot.get("sections", []),
            "projects": snapshot.get("projects", []),
            "charts": snapshot.get("charts", {}),
            "downloads": {fmt: request.build_absolute_uri(reverse("disclosures:public_document", args=[pk, fmt])) for fmt in public.documents},
        }
    )
