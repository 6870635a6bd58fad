"""Small phrases of the explanatory text: amounts, shares, changes and reason slots."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from disclosures.money import (
    AmountUnit,
    format_amount,
    format_percent,
    format_printed,
    in_unit,
    largest_remainder_percentages,
    percent,
    unit_label,
)
from disclosures.selectors.figures import Change, Figure

CHINESE_NUMERALS = "一二三四五六七八九十"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十 (section numbers)."""
    if n <= 10:
        return CHINESE_NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    return f"{'' if tens == 1 else CHINESE_NUMERALS[tens - 1]}十{CHINESE_NUMERALS[ones - 1] if ones else ''}"


#: The unit of the filing whose text is being drafted (`publishing_in`); every amount phrase reads it, so
#: a sentence prints its amounts with `wan(...)` and never needs to know the unit.
_unit: ContextVar[str] = ContextVar("narrative_amount_unit", default=AmountUnit.WAN)


@contextmanager
def publishing_in(unit: str) -> Iterator[None]:
    """Draft the text inside this block in `unit` (the filing's `amount_unit`: 万元 or 元)."""
    token = _unit.set(AmountUnit(unit))
    try:
        yield
    finally:
        _unit.reset(token)


def wan(amount: Decimal) -> str:
    """An amount as the text prints it, in the filing's unit: '382.31万元', or '145,950.50元' in 元."""
    unit = _unit.get()
    return f"{format_amount(amount, unit)}{unit_label(unit)}"


def _printed_change(change: Change) -> tuple[Decimal, Decimal | None]:
    """A change as the text prints it: the difference of the two printed figures and its rate, in the unit.

    In 万元 these are `Change.delta_wan` and `Change.pct` (a reader recomputes exactly what the text says)."""
    unit = _unit.get()
    if unit == AmountUnit.WAN:
        return change.delta_wan, change.pct
    delta = in_unit(change.current, unit) - in_unit(change.prior, unit)
    return delta, percent(delta, in_unit(change.prior, unit))


def _change_words(change: Change) -> tuple[str, str, str, Decimal | None] | None:
    """(增加/减少, 增长/下降, printed amount, rate), or None when the printed figures are equal."""
    delta, rate = _printed_change(change)
    if not delta:
        return None
    unit = _unit.get()
    verb, noun = ("增加", "增长") if delta > 0 else ("减少", "下降")
    return verb, noun, f"{format_printed(abs(delta), unit)}{unit_label(unit)}", rate


def shares(amounts: Sequence[Decimal], places: int = 1) -> list[str]:
    """Shares of a whole that add up to 100% (largest remainder), as printed: '79.2%'."""
    return [format_percent(v, places) for v in largest_remainder_percentages(list(amounts), places)]


def completion(figure: Figure) -> str:
    """'，完成预算100.0%' — or a note when there was no budget."""
    if not figure.budget:
        return "，年初未安排预算" if figure.actual else ""
    return f"，完成预算{format_percent(figure.completion)}"


def execution_phrase(figure: Figure) -> str:
    """'年初预算为173.67万元，支出决算为173.67万元，完成预算100.0%' — with the 调整预算 where it differs from
    the 年初预算, and the completion against the budget that applies (调整后 where adjusted)."""
    text = f"年初预算为{wan(figure.initial_budget)}" if figure.initial_budget or figure.budget else "年初未安排预算"
    if figure.budget != figure.initial_budget:
        text += f"，调整预算为{wan(figure.budget)}"
    text += f"，支出决算为{wan(figure.actual)}"
    if figure.budget:
        text += f"，完成{'调整' if figure.budget != figure.initial_budget else ''}预算{format_percent(figure.completion)}"
    return text


def change_phrase(change: Change | None, *, prior_year: int, subject: str = "", both: bool = False) -> str:
    """'与2018年相比，收、支总计各增加72.14万元，增长23.3%' ('' when last year is unknown)."""
    if change is None:
        return ""
    each = "各" if both else ""
    words = _change_words(change)
    if words is None:
        return f"与{prior_year}年相比，{subject}持平"
    verb, noun, amount, change_pct = words
    rate = f"，{noun}{format_percent(abs(change_pct))}" if change_pct is not None else ""
    return f"与{prior_year}年相比，{subject}{each}{verb}{amount}{rate}"


def compared_phrase(change: Change | None, *, prior_year: int, subject: str) -> str:
    """'公务接待费支出决算比2018年减少1.30万元，下降41.3%' ('' when unknown or both zero)."""
    if change is None or (not change.current and not change.prior):
        return ""
    words = _change_words(change)
    if words is None:
        return f"{subject}与{prior_year}年持平"
    verb, noun, amount, change_pct = words
    rate = f"，{noun}{format_percent(abs(change_pct))}" if change_pct is not None else ""
    return f"{subject}比{prior_year}年{verb}{amount}{rate}"


@dataclass(frozen=True)
class ReasonSlot:
    """A reason the department writes: its key in Filing.reasons, what it is about, and whether it is needed.

    `table`, `cell` and `project_code` say where the figures that ask for it are printed, and `finding`
    states them ("…决算数34.50万元小于预算数40.00万元（完成86.3%）"): the checks report a missing reason
    from its slot (checks.builtin.text_reasons), so the rule "this difference needs a reason" is written
    once, here in the text.
    """

    key: str
    label: str
    required: bool
    value: str
    table: str = ""
    cell: str = ""
    project_code: str = ""
    finding: str = ""


@dataclass
class SectionWriter:
    """Collects a section's paragraphs and the reasons it asks for."""

    key: str
    title: str
    reasons: dict
    paragraphs: list[str] = field(default_factory=list)
    slots: list[ReasonSlot] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    def add(self, *paragraphs: str) -> None:
        self.paragraphs.extend(p for p in paragraphs if p)

    def reason(
        self, key: str, label: str, *, required: bool = True, table: str = "", cell: str = "", project_code: str = "", finding: str = ""
    ) -> str:
        """The department's reason as a clause, the marker 【待填写：…】 when it is needed and missing, or ''."""
        value = str(self.reasons.get(key) or "").strip()
        if not any(s.key == key for s in self.slots):
            self.slots.append(
                ReasonSlot(key=key, label=label, required=required, value=value, table=table, cell=cell, project_code=project_code, finding=finding)
            )
        if value:
            return clean_reason(value)
        if required:
            if key not in self.missing:
                self.missing.append(key)
            return f"【待填写：{label}】"
        return ""


def clean_reason(text: str) -> str:
    """Strip what the sentence already says ('主要变动原因是', the final 。)."""
    text = re.sub(r"^(主要)?(变动)?原因(是|为|：|:)", "", text.strip())
    return text.rstrip("。；;，, ")


def sentence(*parts: str) -> str:
    """Join clauses with '，' and end with '。' (empty parts skipped)."""
    body = "，".join(p for p in parts if p)
    return f"{body}。" if body else ""


def percent_matches(part: Decimal, whole: Decimal, published: str) -> bool:
    """Whether a printed percentage ('79%', '4.4%') is a correct ROUND_HALF_UP rounding of part/whole at the
    precision it is printed with. The seeds print shares that are not: 16.57/382.31 is 4.3%, not 4.4%."""
    text = published.strip().rstrip("%％")
    places = len(text.split(".")[1]) if "." in text else 0
    exact = percent(part, whole, places=places + 4)
    if exact is None:
        return False
    return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP) == Decimal(text)
