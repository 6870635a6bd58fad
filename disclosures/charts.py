"""Charts of the public pages as inline SVG, drawn on the server (no JavaScript, no CDN).

Each function takes a series of (label, amount in 元) and returns safe SVG markup that scales to the
width of its container (viewBox), so the charts work on phones. Amounts are shown in 万元 with two
decimals and shares with the largest-remainder method, as in the published texts.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from disclosures.money import format_wan, largest_remainder_percentages, to_wan

PALETTE = ("#b4232a", "#2563eb", "#d97706", "#059669", "#7c3aed", "#db2777", "#0891b2", "#65a30d", "#92400e", "#475569")
FONT = 'font-family="Noto Sans CJK SC, Noto Sans SC, Microsoft YaHei, PingFang SC, sans-serif"'


def _amounts(series: Sequence[Sequence]) -> list[tuple[str, Decimal]]:
    return [(str(label), Decimal(str(value or "0"))) for label, value in series]


def _empty(title: str) -> SafeString:
    return mark_safe(
        f'<svg class="chart" viewBox="0 0 600 60" role="img" aria-label="{escape(title)}" {FONT}>'
        f'<text x="300" y="35" text-anchor="middle" font-size="14" fill="#616e7c">{escape(title)}：无数据</text></svg>'
    )


def bar_chart(series: Sequence[Sequence], *, title: str) -> SafeString:
    """Horizontal bars, one per item, labelled with 万元 and the share of the whole."""
    items = [(label, amount) for label, amount in _amounts(series) if amount]
    if not items:
        return _empty(title)
    shares = largest_remainder_percentages([amount for _, amount in items])
    biggest = max(amount for _, amount in items)
    row, top, label_w, bar_w = 34, 30, 230, 250
    height = top + row * len(items) + 10
    parts = [
        f'<svg class="chart" viewBox="0 0 600 {height}" role="img" aria-label="{escape(title)}" {FONT}>',
        f'<title>{escape(title)}</title>',
        f'<text x="0" y="18" font-size="15" font-weight="700" fill="#1f2933">{escape(title)}（万元）</text>',
    ]
    for i, ((label, amount), share) in enumerate(zip(items, shares, strict=True)):
        y = top + i * row
        width = max(1.0, float(amount / biggest) * bar_w)
        short = label if len(label) <= 14 else label[:13] + "…"
        parts.append(
            f'<g><title>{escape(label)}：{format_wan(amount)}万元（{share}%）</title>'
            f'<text x="{label_w - 6}" y="{y + 19}" text-anchor="end" font-size="13" fill="#1f2933">{escape(short)}</text>'
            f'<rect x="{label_w}" y="{y + 6}" width="{width:.1f}" height="18" rx="2" fill="{PALETTE[i % len(PALETTE)]}"/>'
            f'<text x="{label_w + width + 6:.1f}" y="{y + 19}" font-size="12" fill="#1f2933">{format_wan(amount)}（{share}%）</text></g>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def donut_chart(series: Sequence[Sequence], *, title: str) -> SafeString:
    """A ring of shares with a legend; the shares add up to exactly 100%."""
    items = [(label, amount) for label, amount in _amounts(series) if amount]
    if not items:
        return _empty(title)
    total = sum((amount for _, amount in items), Decimal(0))
    shares = largest_remainder_percentages([amount for _, amount in items])
    cx, cy, r, stroke = 110, 125, 75, 38
    circumference = 2 * math.pi * r
    legend_h = 26 * len(items)
    height = max(250, 40 + legend_h)
    parts = [
        f'<svg class="chart" viewBox="0 0 600 {height}" role="img" aria-label="{escape(title)}" {FONT}>',
        f'<title>{escape(title)}</title>',
        f'<text x="0" y="18" font-size="15" font-weight="700" fill="#1f2933">{escape(title)}</text>',
    ]
    offset = 0.0
    for i, (label, amount) in enumerate(items):
        fraction = float(amount / total)
        length = fraction * circumference
        parts.append(
            f'<circle cx="{cx}" cy="{cy}" r="{r}" fill="none" stroke="{PALETTE[i % len(PALETTE)]}" stroke-width="{stroke}" '
            f'stroke-dasharray="{length:.2f} {circumference - length:.2f}" stroke-dashoffset="{-offset:.2f}" '
            f'transform="rotate(-90 {cx} {cy})"><title>{escape(label)}：{format_wan(amount)}万元</title></circle>'
        )
        offset += length
    parts.append(
        f'<text x="{cx}" y="{cy - 2}" text-anchor="middle" font-size="13" fill="#616e7c">合计（万元）</text>'
        f'<text x="{cx}" y="{cy + 18}" text-anchor="middle" font-size="15" font-weight="700" fill="#1f2933">{format_wan(total)}</text>'
    )
    for i, ((label, amount), share) in enumerate(zip(items, shares, strict=True)):
        y = 40 + i * 26
        short = label if len(label) <= 16 else label[:15] + "…"
        parts.append(
            f'<rect x="250" y="{y}" width="14" height="14" fill="{PALETTE[i % len(PALETTE)]}"/>'
            f'<text x="270" y="{y + 12}" font-size="13" fill="#1f2933">{escape(short)} {format_wan(amount)}（{share}%）</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def comparison_chart(rows: Sequence[Sequence], *, title: str, last_label: str, this_label: str) -> SafeString:
    """Pairs of bars (last year, this year) per figure; a missing last-year figure is left out."""
    items = [(str(label), Decimal(str(last)) if last not in (None, "") else None, Decimal(str(now or "0"))) for label, last, now in rows]
    items = [item for item in items if item[1] or item[2]]
    if not items:
        return _empty(title)
    biggest = max(max(last or 0, now) for _, last, now in items) or Decimal(1)
    group, top, label_w, bar_w = 56, 50, 190, 280
    height = top + group * len(items) + 6
    parts = [
        f'<svg class="chart" viewBox="0 0 600 {height}" role="img" aria-label="{escape(title)}" {FONT}>',
        f'<title>{escape(title)}</title>',
        f'<text x="0" y="18" font-size="15" font-weight="700" fill="#1f2933">{escape(title)}（万元）</text>',
        f'<rect x="{label_w}" y="28" width="12" height="12" fill="#9aa5b1"/><text x="{label_w + 16}" y="39" font-size="12">{escape(last_label)}</text>',
        f'<rect x="{label_w + 110}" y="28" width="12" height="12" fill="#b4232a"/><text x="{label_w + 126}" y="39" font-size="12">{escape(this_label)}</text>',
    ]
    for i, (label, last, now) in enumerate(items):
        y = top + i * group
        parts.append(f'<text x="{label_w - 6}" y="{y + 26}" text-anchor="end" font-size="13" fill="#1f2933">{escape(label)}</text>')
        for j, (value, colour) in enumerate(((last, "#9aa5b1"), (now, "#b4232a"))):
            by = y + 4 + j * 22
            if value is None:
                parts.append(f'<text x="{label_w}" y="{by + 14}" font-size="12" fill="#616e7c">（无上年数）</text>')
                continue
            width = max(1.0, float(value / biggest) * bar_w) if value else 1.0
            parts.append(
                f'<rect x="{label_w}" y="{by}" width="{width:.1f}" height="18" rx="2" fill="{colour}"/>'
                f'<text x="{label_w + width + 6:.1f}" y="{by + 14}" font-size="12" fill="#1f2933">{to_wan(value):.2f}</text>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))
