"""A column chart of figures across years, in the style of disclosures.charts (server-side SVG, same
font, palette and width, no JavaScript). disclosures.charts.bar_chart labels each bar with its share of
the whole, which is right for a breakdown but wrong for a time series, hence this one addition."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from disclosures.charts import FONT, WIDTH, _empty
from disclosures.money import format_wan

#: Fill colours with at least 3:1 contrast against white (WCAG 1.4.11 for graphics).
SERIES_COLOURS = ("#9a1f25", "#1d4ed8", "#b45309", "#047857")


def series_chart(years: Sequence[int], series: Sequence[tuple[str, Sequence[Decimal | None]]], *, title: str) -> SafeString:
    """Grouped columns: for every year one column per series (e.g. 预算 and 决算), labelled in 万元;
    a missing value is marked 未公开 instead of drawn as zero."""
    values = [v for _name, points in series for v in points if v is not None]
    if not years or not values:
        return _empty(title)
    biggest = max(values) or Decimal(1)
    top, bottom, left, plot_h = 52, 28, 8, 150
    group_w = (WIDTH - left * 2) / len(years)
    column_w = min(48.0, (group_w - 16) / max(1, len(series)))
    height = top + plot_h + bottom
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{escape(title)}" {FONT}>',
        f"<title>{escape(title)}</title>",
        f'<text x="0" y="18" font-size="16" font-weight="700" fill="#1f2933">{escape(title)}（万元）</text>',
    ]
    for i, (name, _points) in enumerate(series):
        legend_x = i * 90
        parts.append(
            f'<rect x="{legend_x}" y="29" width="13" height="13" fill="{SERIES_COLOURS[i % len(SERIES_COLOURS)]}"/>'
            f'<text x="{legend_x + 18}" y="41" font-size="13" fill="#1f2933">{escape(name)}</text>'
        )
    base = top + plot_h
    parts.append(f'<line x1="0" y1="{base}" x2="{WIDTH}" y2="{base}" stroke="#616e7c" stroke-width="1"/>')
    for g, year in enumerate(years):
        gx = left + g * group_w + (group_w - column_w * len(series)) / 2
        for s, (name, points) in enumerate(series):
            value = points[g] if g < len(points) else None
            x = gx + s * column_w
            cx = x + column_w / 2
            if value is None:
                parts.append(f'<text x="{cx:.1f}" y="{base - 6}" text-anchor="middle" font-size="11" fill="#616e7c">未公开</text>')
                continue
            h = max(1.0, float(value / biggest) * (plot_h - 24))
            parts.append(
                f"<g><title>{year}年{escape(name)}：{format_wan(value)}万元</title>"
                f'<rect x="{x + 2:.1f}" y="{base - h:.1f}" width="{column_w - 4:.1f}" height="{h:.1f}" rx="2" fill="{SERIES_COLOURS[s % len(SERIES_COLOURS)]}"/>'
                f'<text x="{cx:.1f}" y="{base - h - 5:.1f}" text-anchor="middle" font-size="12" fill="#1f2933">{format_wan(value)}</text></g>'
            )
        parts.append(
            f'<text x="{left + g * group_w + group_w / 2:.1f}" y="{base + 19}" text-anchor="middle" font-size="14" fill="#1f2933">{year}年</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))
