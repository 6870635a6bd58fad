"""Charts of the public pages as inline SVG, drawn on the server (no JavaScript, no CDN).

Each function takes a series of (label, amount in 元) and returns safe SVG markup that scales to the
width of its container (viewBox), so the charts work on phones. Amounts are shown in the filing's unit
(`unit`: 万元 by default, or 元) with two decimals and shares with the largest-remainder method, as in the
published texts.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from disclosures.money import AmountUnit, format_amount, largest_remainder_percentages, unit_label

PALETTE = ("#b4232a", "#2563eb", "#d97706", "#059669", "#7c3aed", "#db2777", "#0891b2", "#65a30d", "#92400e", "#475569")
#: Width of every chart's coordinate system: small enough that the text stays legible on a phone.
WIDTH = 420
FONT = 'font-family="Noto Sans CJK SC, Noto Sans SC, Microsoft YaHei, PingFang SC, sans-serif"'


def _amounts(series: Sequence[Sequence]) -> list[tuple[str, Decimal]]:
    return [(str(label), Decimal(str(value or "0"))) for label, value in series]


def _bar_width(width: int, unit: str) -> int:
    """The longest bar: shorter in 元, whose figures ('3,828,602.02') need room after the bar."""
    return width if AmountUnit(unit) == AmountUnit.WAN else width - 60


def _empty(title: str) -> SafeString:
    return mark_safe(
        f'<svg class="chart" viewBox="0 0 {WIDTH} 60" role="img" aria-label="{escape(title)}" {FONT}>'
        f'<text x="{WIDTH // 2}" y="35" text-anchor="middle" font-size="15" fill="#616e7c">{escape(title)}：无数据</text></svg>'
    )


def bar_chart(series: Sequence[Sequence], *, title: str, keep_zero: bool = False, unit: str = AmountUnit.WAN) -> SafeString:
    """Horizontal bars, one per item, labelled with the amount in `unit` and the share of the whole. Zero
    items are left out unless `keep_zero` (the four 三公 items are always shown)."""
    items = [(label, amount) for label, amount in _amounts(series) if amount or keep_zero]
    if not any(amount for _, amount in items):
        return _empty(title)
    shares = largest_remainder_percentages([amount for _, amount in items])
    biggest = max(amount for _, amount in items)
    row, top, label_w, bar_w = 32, 34, 140, _bar_width(160, unit)
    height = top + row * len(items) + 10
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{escape(title)}" {FONT}>',
        f"<title>{escape(title)}</title>",
        f'<text x="0" y="18" font-size="16" font-weight="700" fill="#1f2933">{escape(title)}（{unit_label(unit)}）</text>',
    ]
    for i, ((label, amount), share) in enumerate(zip(items, shares, strict=True)):
        y = top + i * row
        width = max(1.0, float(amount / biggest) * bar_w)
        short = label if len(label) <= 9 else label[:8] + "…"
        parts.append(
            f"<g><title>{escape(label)}：{format_amount(amount, unit)}{unit_label(unit)}（{share}%）</title>"
            f'<text x="{label_w - 6}" y="{y + 20}" text-anchor="end" font-size="14" fill="#1f2933">{escape(short)}</text>'
            f'<rect x="{label_w}" y="{y + 6}" width="{width:.1f}" height="20" rx="2" fill="{PALETTE[i % len(PALETTE)]}"/>'
            f'<text x="{label_w + width + 5:.1f}" y="{y + 20}" font-size="13" fill="#1f2933">{format_amount(amount, unit)}（{share}%）</text></g>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def donut_chart(series: Sequence[Sequence], *, title: str, unit: str = AmountUnit.WAN) -> SafeString:
    """A ring of shares with the legend below it; the shares add up to exactly 100%."""
    items = [(label, amount) for label, amount in _amounts(series) if amount]
    if not items:
        return _empty(title)
    total = sum((amount for _, amount in items), Decimal(0))
    shares = largest_remainder_percentages([amount for _, amount in items])
    cx, cy, r, stroke = WIDTH / 2, 120, 70, 34
    total_text = format_amount(total, unit)  # inside the ring: smaller when long ('3,828,602.02' in 元)
    circumference = 2 * math.pi * r
    legend_top = cy + r + stroke / 2 + 22
    height = int(legend_top + 26 * len(items))
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{escape(title)}" {FONT}>',
        f"<title>{escape(title)}</title>",
        f'<text x="0" y="18" font-size="16" font-weight="700" fill="#1f2933">{escape(title)}（{unit_label(unit)}）</text>',
    ]
    offset = 0.0
    for i, (label, amount) in enumerate(items):
        length = float(amount / total) * circumference
        parts.append(
            f'<circle cx="{cx}" cy="{cy}" r="{r}" fill="none" stroke="{PALETTE[i % len(PALETTE)]}" stroke-width="{stroke}" '
            f'stroke-dasharray="{length:.2f} {circumference - length:.2f}" stroke-dashoffset="{-offset:.2f}" '
            f'transform="rotate(-90 {cx} {cy})"><title>{escape(label)}：{format_amount(amount, unit)}{unit_label(unit)}</title></circle>'
        )
        offset += length
    parts.append(
        f'<text x="{cx}" y="{cy - 4}" text-anchor="middle" font-size="13" fill="#616e7c">合计</text>'
        f'<text x="{cx}" y="{cy + 16}" text-anchor="middle" font-size="{17 if len(total_text) <= 9 else 13}" font-weight="700" fill="#1f2933">{total_text}</text>'
    )
    for i, ((label, amount), share) in enumerate(zip(items, shares, strict=True)):
        y = legend_top + i * 26
        short = label if len(label) <= 14 else label[:13] + "…"
        parts.append(
            f'<rect x="10" y="{y - 12}" width="14" height="14" fill="{PALETTE[i % len(PALETTE)]}"/>'
            f'<text x="30" y="{y}" font-size="14" fill="#1f2933">{escape(short)} {format_amount(amount, unit)}（{share}%）</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def comparison_chart(rows: Sequence[Sequence], *, title: str, last_label: str, this_label: str, unit: str = AmountUnit.WAN) -> SafeString:
    """Pairs of bars (last year, this year) per figure; a missing last-year figure is left out."""
    items = [(str(label), Decimal(str(last)) if last not in (None, "") else None, Decimal(str(now or "0"))) for label, last, now in rows]
    items = [item for item in items if item[1] or item[2]]
    if not items:
        return _empty(title)
    biggest = max(max(last or 0, now) for _, last, now in items) or Decimal(1)
    group, top, label_w, bar_w = 54, 52, 140, _bar_width(200, unit)
    height = top + group * len(items) + 6
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{escape(title)}" {FONT}>',
        f"<title>{escape(title)}</title>",
        f'<text x="0" y="18" font-size="16" font-weight="700" fill="#1f2933">{escape(title)}（{unit_label(unit)}）</text>',
        f'<rect x="{label_w}" y="29" width="13" height="13" fill="#9aa5b1"/><text x="{label_w + 18}" y="41" font-size="13">{escape(last_label)}</text>',
        f'<rect x="{label_w + 100}" y="29" width="13" height="13" fill="#b4232a"/><text x="{label_w + 118}" y="41" font-size="13">{escape(this_label)}</text>',
    ]
    for i, (label, last, now) in enumerate(items):
        y = top + i * group
        short = label if len(label) <= 9 else label[:8] + "…"
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 27}" text-anchor="end" font-size="14" fill="#1f2933"><title>{escape(label)}</title>{escape(short)}</text>'
        )
        for j, (value, colour) in enumerate(((last, "#9aa5b1"), (now, "#b4232a"))):
            by = y + 4 + j * 22
            if value is None:
                parts.append(f'<text x="{label_w}" y="{by + 15}" font-size="13" fill="#616e7c">（无上年数）</text>')
                continue
            width = max(1.0, float(value / biggest) * bar_w) if value else 1.0
            parts.append(
                f'<rect x="{label_w}" y="{by}" width="{width:.1f}" height="18" rx="2" fill="{colour}"/>'
                f'<text x="{label_w + width + 5:.1f}" y="{by + 15}" font-size="13" fill="#1f2933">{format_amount(value, unit)}</text>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))
