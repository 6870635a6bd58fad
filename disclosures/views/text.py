"""The explanatory text (说明) of a filing: drafted from the data, with a labelled field for each reason
beside the paragraph that needs it, and last year's comparison figures in labelled fields."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from disclosures import access
from disclosures.money import AmountUnit
from disclosures.narrative import draft_sections
from disclosures.selectors.facts import filing_facts
from disclosures.selectors.figures import prior_figures
from disclosures.services.reasons import filing_prior_figures_update, filing_reasons_update
from disclosures.services.units import filing_amount_unit_update
from disclosures.text_forms import PriorFiguresForm, ReasonsForm


@login_required
@require_http_methods(["GET", "POST"])
def filing_text(request, pk: int):
    filing = access.get_filing_for_user(request.user, pk)
    can_edit = access.can_edit_filing(request.user, filing)
    data = None
    if request.method == "POST":
        filing = access.get_filing_for_user(request.user, pk, write=True)
        data = request.POST
    facts = filing_facts(filing=filing)
    sections = draft_sections(facts=facts)
    reasons = ReasonsForm(data, filing=filing, sections=sections, disabled=not can_edit)
    prior = PriorFiguresForm(data, filing=filing, prior=prior_figures(facts=facts), disabled=not can_edit)
    if data is not None:
        if reasons.is_valid() and prior.is_valid():
            try:
                filing_reasons_update(filing=filing, user=request.user, reasons=reasons.reasons())
                if not prior.locked:
                    filing_prior_figures_update(filing=filing, user=request.user, figures=prior.figures())
            except ValidationError as error:
                messages.error(request, "；".join(error.messages))
            else:
                messages.success(request, "原因已保存，上年对比数一并保存；说明已按新内容重新生成。")
                return redirect("disclosures:filing_text", pk=filing.pk)
        else:
            messages.error(request, "未保存：请改正标出的内容。")
    missing = sum(len(s.missing_reasons) for s in sections)
    return render(
        request,
        "disclosures/text/filing_text.html",
        {
            "filing": filing,
            "reasons_form": reasons,
            "prior_form": prior,
            "can_edit": can_edit,
            "missing": missing,
            "unit_choices": AmountUnit.choices,
        },
    )


@login_required
@require_POST
def filing_amount_unit(request, pk: int):
    """The department chooses whether its tables and text publish in 万元 or 元."""
    filing = access.get_filing_for_user(request.user, pk, write=True)
    try:
        filing = filing_amount_unit_update(filing=filing, user=request.user, unit=request.POST.get("amount_unit", ""))
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        messages.success(request, f"公开表格和说明的金额单位为{filing.get_amount_unit_display()}。")
    return redirect("disclosures:filing_text", pk=filing.pk)
