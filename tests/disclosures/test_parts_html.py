"""A printed form's HTML, built in Python (disclosures.parts.html) for every template that includes
templates/disclosures/parts/_grid.html: the markup the template wrote, every text escaped."""

from decimal import Decimal

from django.template.loader import render_to_string

from disclosures.parts import Grid, grid_from_dict, placed_rows
from disclosures.parts.grid import head, label, num, text


def _grid() -> Grid:
    grid = Grid('<b>"表"</b>', "（2024年度）", [12, 10.5], footer="A & B's note", filename="f")
    grid.add(label("名称", 2))
    grid.add(head("指标", rowspan=2), text("<script>x</script>"))
    grid.add(num(Decimal("1234.5")))
    return grid


def test_the_form_is_escaped_and_spanned_like_the_template_wrote_it():
    grid = _grid()
    html = render_to_string("disclosures/parts/_grid.html", {"grid": grid, "rows": placed_rows(grid)})
    assert html == (
        '<table class="form-grid">\n'
        '  <caption><span class="grid-title">&lt;b&gt;&quot;表&quot;&lt;/b&gt;</span><span class="grid-subtitle">（2024年度）</span></caption>\n'
        '  <colgroup><col style="width: 12ch"><col style="width: 10.5ch"></colgroup>\n'
        '  <tr><td class="label" colspan="2">名称</td></tr>\n'
        '  <tr><td class="head" rowspan="2">指标</td><td class="value">&lt;script&gt;x&lt;/script&gt;</td></tr>\n'
        '  <tr><td class="num">1234.50</td></tr>\n'
        "  \n"
        "</table>\n"
        '<p class="grid-footer">A &amp; B&#x27;s note</p>\n'
    )


def test_a_stored_form_prints_its_widths_as_stored():
    """The snapshot keeps widths as floats: printed 12.0ch, as the template printed them."""
    grid = grid_from_dict(_grid().to_dict())
    grid.footer, grid.subtitle = "", ""
    html = render_to_string("disclosures/parts/_grid.html", {"grid": grid, "rows": placed_rows(grid)})
    assert '<col style="width: 12.0ch"><col style="width: 10.5ch">' in html
    assert '<span class="grid-subtitle">' not in html and html.endswith("</table>\n\n")
