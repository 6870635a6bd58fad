"""The forms of the explanatory text (说明), shared by the workspace's text page and the admin:

- `ReasonsForm`: one labelled field per reason slot of the drafted text (Filing.reasons), each with the
  sentence of the 说明 that needs it as its help text; never the JSON, never its keys.
- `PriorFiguresForm`: last year's comparison figures (PriorYearFigure) in labelled fields (上年收支总计,
  上年“三公”经费合计 …), in the filing's unit; read-only when last year's filing is in the system.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms

from disclosures.models import Filing
from disclosures.amount_fields import AmountField, AmountInput
from disclosures.money import AmountUnit, amount_input_text
from disclosures.narrative import Section, draft_sections
from disclosures.selectors.facts import filing_facts
from disclosures.selectors.figures import PRIOR_KEYS, PriorFigures, prior_figures
from disclosures.services.reasons import MAX_REASON_LENGTH, prior_label

REASON_PREFIX = "reason:"
PRIOR_PREFIX = "prior:"


class ReasonsForm(forms.Form):
    """A field `reason:<key>` per reason slot, labelled in Chinese, in the order the text asks for them."""

    def __init__(self, *args, filing: Filing, sections: list[Section] | None = None, disabled: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.filing = filing
        self.sections = sections if sections is not None else draft_sections(filing=filing)
        for section in self.sections:
            for slot in section.reasons:
                self.fields[REASON_PREFIX + slot.key] = forms.CharField(
                    label=slot.label + ("（必填）" if slot.required else "（选填）"),
                    required=False,
                    max_length=MAX_REASON_LENGTH,
                    initial=slot.value,
                    help_text=section.sentences.get(slot.key, ""),
                    disabled=disabled,
                    widget=forms.Textarea(attrs={"rows": 2, "id": f"r-{slot.key}", "class": "reason-input"}),
                )

    def reasons(self) -> dict[str, str]:
        """The cleaned reasons by key (Filing.reasons) of the fields the request sent (a field not sent is
        left as stored), for services.reasons.filing_reasons_update."""
        return {
            name[len(REASON_PREFIX) :]: value for name, value in self.cleaned_data.items() if name.startswith(REASON_PREFIX) and name in self.data
        }

    def by_section(self) -> list[tuple[Section, list[forms.BoundField]]]:
        """(section, its bound reason fields) for the template: the fields beside their paragraphs."""
        return [(section, [self[REASON_PREFIX + slot.key] for slot in section.reasons]) for section in self.sections]


class PriorFiguresForm(forms.Form):
    """Last year's figures in labelled fields, typed in the filing's unit (万元 as last year's document
    prints them, or 元) and stored in 元. `locked` when last year's filing is in the system."""

    def __init__(self, *args, filing: Filing, prior: PriorFigures | None = None, disabled: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.filing = filing
        self.prior = prior if prior is not None else prior_figures(facts=filing_facts(filing=filing))
        self.unit = AmountUnit(filing.amount_unit)
        self.locked = self.prior.origin == "filing"
        for key, meaning in PRIOR_KEYS.items():
            self.fields[PRIOR_PREFIX + key] = AmountField(
                unit=self.unit,
                label=f"{prior_label(key)}（{self.unit.label}）",
                required=False,
                initial=amount_input_text(self.prior.get(key), self.unit),  # in the unit, as typed
                help_text=meaning if prior_label(key) != "上年" + meaning else "",
                disabled=disabled or self.locked,
                widget=AmountInput(unit=self.unit, attrs={"id": f"p-{key.replace('.', '-')}"}),
            )

    def figures(self) -> dict[str, Decimal | None]:
        """The cleaned figures in 元 by key of the fields the request sent, for
        services.reasons.filing_prior_figures_update."""
        return {name[len(PRIOR_PREFIX) :]: value for name, value in self.cleaned_data.items() if name.startswith(PRIOR_PREFIX) and name in self.data}
