"""The workspace's line editor (明细录入): a grid per sheet with inline add, edit and delete, catalog
lookup, paste from Excel and running totals; and the 三公经费 form.

The grid page is a normal page; rows, totals, lookups and the paste preview are htmx fragments. Access:
disclosures.access (404 for another department's filing, 403 when the filing may not be edited now);
writes: disclosures.services.grid, which goes through the line services and the filing's write lock.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from disclosures import access
from disclosures.imports.apply import ImportFailed
from disclosures.models import Filing, Project, Unit
from disclosures.money import AmountUnit
from disclosures.selectors.grid import (
    SHEETS,
    GridColumn,
    Sheet,
    blank_row,
    catalog_matches,
    grid_columns,
    grid_page,
    grid_totals,
    row_from_input,
    row_of,
    typed_row_deltas,
)
from disclosures.selectors.grid import three_public_form as three_public_form_of
from disclosures.services import grid as grid_services

#: The response header that tells the totals panel to reload after a row was saved or deleted.
CHANGED_EVENT = "grid-changed"
INVALID = 422


def _sheet(key: str) -> Sheet:
    sheet = SHEETS.get(key)
    if sheet is None:
        raise Http404("没有这张表。")
    return sheet


def _unit(request, filing: Filing) -> str:
    unit = request.GET.get("unit", "")
    return unit if unit in AmountUnit.values else filing.amount_unit


def _columns(*, sheet: Sheet, filing: Filing, unit: str) -> list[GridColumn]:
    units = Unit.objects.filter(department_id=filing.department_id)
    projects = Project.objects.filter(filing=filing).only("code", "name") if sheet.key == "expense" else ()
    return grid_columns(sheet=sheet, filing=filing, unit=unit, units=units, projects=projects)


def _base_context(request, filing: Filing, sheet: Sheet, unit: str) -> dict:
    return {
        "filing": filing,
        "sheet": sheet,
        "sheets": SHEETS.values(),
        "unit": unit,
        "unit_label": AmountUnit(unit).label,
        "other_unit": AmountUnit.YUAN if unit == AmountUnit.WAN else AmountUnit.WAN,
        "can_edit": access.can_edit_filing(request.user, filing),
        "is_final": filing.kind == Filing.Kind.FINAL,
    }


def _grid_for_writing(request, pk: int, sheet: str) -> tuple[Filing, Sheet, str]:
    """The filing the user may write (404 otherwise), its grid sheet (404 for the 三公 form) and the unit typed in."""
    filing = access.get_filing_for_user(request.user, pk, write=True)
    current = _sheet(sheet)
    if not current.is_grid:
        raise Http404("没有这张表。")
    return filing, current, _unit(request, filing)


@login_required
@require_GET
def line_editor(request, pk: int, sheet: str = "expense"):
    """A sheet of the editor: a page of rows (PAGE_SIZE), the new row, the paste box and the totals."""
    filing = access.get_filing_for_user(request.user, pk)
    current = _sheet(sheet)
    unit = _unit(request, filing)
    if not current.is_grid:
        return redirect(reverse("disclosures:three_public_form", args=[filing.pk]) + f"?unit={unit}")
    context = _base_context(request, filing, current, unit)
    columns = _columns(sheet=current, filing=filing, unit=unit)
    page, rows = grid_page(sheet=current, filing=filing, columns=columns, unit=unit, page=request.GET.get("page"))
    context.update(
        columns=columns,
        page=page,
        rows=rows,
        new_row_list=[blank_row(columns)],
        totals=grid_totals(filing=filing),
        row_count=page.paginator.count,
        paste_order="、".join(column.header for column in columns),
        catalog_kinds=sorted({column.catalog_kind for column in columns if column.catalog_kind}),
    )
    return render(request, "disclosures/entry/lines.html", context)


def _row_response(request, *, filing: Filing, sheet: Sheet, unit: str, rows: list, status: int = 200) -> HttpResponse:
    context = _base_context(request, filing, sheet, unit)
    context["rows"] = rows
    response = render(request, "disclosures/entry/_grid_rows.html", context, status=status)
    if status == 200:
        response["HX-Trigger"] = CHANGED_EVENT
    return response


@login_required
@require_POST
def line_row_save(request, pk: int, sheet: str, row: int | None = None):
    """Save one row (add when `row` is None): the saved row, or the typed row with the messages beside its
    cells (422, nothing saved). After an add, a new blank row follows the saved one."""
    filing, current, unit = _grid_for_writing(request, pk, sheet)
    try:
        result = grid_services.grid_row_save(filing=filing, sheet=current, pk=row, data=request.POST, unit=unit, user=request.user)
    except ObjectDoesNotExist:
        raise Http404("该行不存在或已被删除。") from None
    columns = _columns(sheet=current, filing=filing, unit=unit)  # after the save: a new unit shows in the selects
    number = request.POST.get("_number", "")
    if not result.ok:
        typed = row_from_input(pk=row, data=request.POST, columns=columns, errors=result.errors)
        typed.number = int(number) if number.isdigit() else None
        return _row_response(request, filing=filing, sheet=current, unit=unit, rows=[typed], status=INVALID)
    saved = row_of(result.instance, columns, unit)
    saved.number = int(number) if number.isdigit() else None
    rows = [saved] if row is not None else [saved, blank_row(columns)]
    return _row_response(request, filing=filing, sheet=current, unit=unit, rows=rows)


@login_required
@require_POST
def line_row_delete(request, pk: int, sheet: str, row: int):
    """Delete one row: an empty answer removes it; a refusal (a unit still in use) shows on the row (422)."""
    filing, current, unit = _grid_for_writing(request, pk, sheet)
    try:
        instance = current.queryset(filing).get(pk=row)
        grid_services.grid_row_delete(filing=filing, sheet=current, pk=row, user=request.user)
    except ObjectDoesNotExist:
        raise Http404("该行不存在或已被删除。") from None
    except ValidationError as error:
        shown = row_of(instance, _columns(sheet=current, filing=filing, unit=unit), unit)
        shown.errors = list(error.messages)
        return _row_response(request, filing=filing, sheet=current, unit=unit, rows=[shown], status=INVALID)
    response = HttpResponse("")
    response["HX-Trigger"] = CHANGED_EVENT
    return response


@login_required
@require_http_methods(["GET", "POST"])
def line_totals(request, pk: int, sheet: str):
    """The totals panel: of the stored lines (GET), or as they will be with the row being typed (POST)."""
    filing = access.get_filing_for_user(request.user, pk)
    current = _sheet(sheet)
    unit = _unit(request, filing)
    deltas = []
    if request.method == "POST":
        row = request.POST.get("_row", "")
        deltas = typed_row_deltas(sheet=current, filing=filing, pk=int(row) if row.isdigit() else None, data=request.POST, unit=unit)
    context = _base_context(request, filing, current, unit)
    context.update(
        totals=grid_totals(filing=filing, deltas=deltas), typing=bool(deltas), row_count=current.queryset(filing).count() if current.is_grid else None
    )
    return render(request, "disclosures/entry/_grid_totals.html", context)


@login_required
@require_POST
def line_paste(request, pk: int, sheet: str):
    """Rows pasted from Excel: `preview` shows each row's status and errors; `apply` saves them all in one
    transaction (or none, with the messages)."""
    filing, current, unit = _grid_for_writing(request, pk, sheet)
    text = request.POST.get("text", "")
    context = _base_context(request, filing, current, unit)
    context["text"] = text
    if request.POST.get("action") == "apply":
        try:
            summary = grid_services.grid_paste_apply(filing=filing, sheet=current, text=text, unit=unit, user=request.user)
        except ImportFailed as failed:
            context["apply_errors"] = failed.messages
            return render(request, "disclosures/entry/_paste_preview.html", context, status=INVALID)
        except ValidationError as error:
            context["apply_errors"] = list(error.messages)
            return render(request, "disclosures/entry/_paste_preview.html", context, status=INVALID)
        messages.success(request, f"粘贴的行已保存：{summary}。")
        response = HttpResponse("")
        response["HX-Redirect"] = reverse("disclosures:line_editor", args=[filing.pk, current.key]) + f"?unit={unit}"
        return response
    pasted = grid_services.grid_paste_preview(filing=filing, sheet=current, text=text, unit=unit)
    context["pasted"] = pasted
    context["preview"] = pasted.preview
    context["pasted_unit_label"] = AmountUnit(pasted.unit).label
    context["error_rows"] = pasted.preview.count("error")
    return render(request, "disclosures/entry/_paste_preview.html", context, status=200 if pasted.ok else INVALID)


@login_required
@require_GET
def catalog_lookup(request, pk: int):
    """Codes of the filing's year matching a typed code or name: <option>s for the grid's datalist, or JSON
    (`?format=json`)."""
    filing = access.get_filing_for_user(request.user, pk)
    kind = request.GET.get("kind", "")
    field = request.GET.get("field", "")
    text = request.GET.get("q") or (request.GET.get(field, "") if field else "")
    items = catalog_matches(filing=filing, kind=kind, text=text)
    if request.GET.get("format") == "json":
        return JsonResponse({"year": filing.fiscal_year.year, "matches": [{"code": i.code, "name": i.name} for i in items]})
    return render(request, "disclosures/entry/_catalog_options.html", {"items": items})


# --- 三公经费 -----------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def three_public_form(request, pk: int):
    """The 三公 counts and the entered 三公 预算数 per item, beside the items' lines (预算 and 决算)."""
    filing = access.get_filing_for_user(request.user, pk, write=request.method == "POST")
    sheet = SHEETS["three_public"]
    unit = _unit(request, filing)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        errors = grid_services.three_public_save(filing=filing, data=request.POST, unit=unit, user=request.user)
        if not errors:
            messages.success(request, "“三公”经费已保存。")
            return redirect(reverse("disclosures:three_public_form", args=[filing.pk]) + f"?unit={unit}")
    form = three_public_form_of(filing=filing, unit=unit, posted=request.POST, errors=errors)
    context = _base_context(request, filing, sheet, unit)
    context.update(
        count_fields=form.count_fields,
        items=form.items,
        form_errors=errors.get("__all__", []),
        has_errors=bool(errors),
    )
    return render(request, "disclosures/entry/three_public.html", context, status=INVALID if errors else 200)
