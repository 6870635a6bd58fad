"""The HTML partial renders one TableResult with the same merged headers."""

import re
from decimal import Decimal

import pytest
from django.template import Context, Template

from disclosures.money import format_amount
from disclosures.narrative.phrases import chinese_number
from disclosures.narrative.sections import Section
from disclosures.parts import DrawnPart, Grid
from disclosures.parts.grid import label, text
from disclosures.tables import compute_table, compute_tables
from disclosures.tables.html import NumberedSection, PrintedTexts, render_document_html, render_table_html


def test_table_partial_has_merged_headers_and_figures(maoxian_2019):
    html = render_table_html(compute_table(filing=maoxian_2019, key="final_gpb_expense"))
    assert '<table class="data disclosure-table"' in html
    assert '<th scope="col" rowspan="2">科目编码</th>' in html
    assert '<th scope="col" colspan="3">本年支出</th>' in html
    assert '<td colspan="2" class="text centre">合计</td><td class="num">382.31</td>' in html
    assert '<td class="text indent-2">行政运行</td><td class="num">173.67</td>' in html
    assert "编制单位：茂县信访局" in html and "单位：万元" in html


def test_empty_table_partial_shows_the_note(maoxian_2019):
    html = render_table_html(compute_table(filing=maoxian_2019, key="final_gov_fund"))
    assert html.index("</table>") < html.index(
        '<p class="table-note empty-note">注：本部门2019年度没有使用政府性基金预算财政拨款安排的支出，故本表无数据。</p>'
    )
    assert "<tbody>" in html and "<td" not in html  # headers only, no body rows


def test_names_are_escaped(maoxian_2019):
    maoxian_2019.department.name = "<script>x</script>局"
    maoxian_2019.department.save()
    html = render_table_html(compute_table(filing=maoxian_2019, key="final_income"))
    assert "<script>" not in html and "&lt;script&gt;" in html


# The page runs of templates/disclosures/documents/disclosure.html as its loops wrote them before they were
# built in Python (disclosures.tables.html._sections_html, _tables_html, _parts_html).
TEMPLATE_LOOPS = """  {% if sections %}
  <div class="part">第一部分 {{ kind_label }}情况说明</div>
  {% for section in sections %}
  <section class="text-section" id="section-{{ section.key }}">
    <h2>{{ section.number }}、{{ section.title }}</h2>
    {% for paragraph in section.paragraphs %}<p>{{ paragraph }}</p>
    {% endfor %}
  </section>
  {% endfor %}
  {% endif %}
  {% for table, table_html in tables %}
  <section class="table-page{% if table.column_count > 16 %} wide{% endif %}">
    {% if forloop.first %}<div class="part">{% if sections %}第二部分 {% endif %}{{ kind_label }}公开表</div>{% endif %}
    {{ table_html }}
  </section>
  {% endfor %}
  {% for part in parts %}
  {% for item in part.drawn %}
  <section class="form-page" id="part-{{ part.key }}-{{ forloop.counter }}">
    {% if forloop.first %}<div class="part">{{ part.title }}</div>
    {% for paragraph in part.paragraphs %}<p>{{ paragraph }}</p>
    {% endfor %}{% endif %}
    {% include "disclosures/parts/_grid.html" with grid=item.grid rows=item.rows %}
  </section>
  {% endfor %}
  {% endfor %}
"""


def _part(key: str, title: str, paragraphs: list[str], forms: int) -> DrawnPart:
    grids = []
    for n in range(forms):
        grid = Grid(f"表<{n}>", "", [12, 10.5], footer="A & B")
        grid.add(label("名称"), text(f"项目'{n}'"))
        grids.append(grid)
    return DrawnPart(key, title, paragraphs, grids)


@pytest.mark.parametrize("with_sections", [True, False])
def test_the_document_pages_are_what_the_template_loops_wrote(maoxian_2019, with_sections):
    """The 说明 sections, the table pages and the parts' form pages are built in Python: byte for byte what the
    template's loops wrote, with texts that need escaping, a part of several forms, one without paragraphs."""
    tables = compute_tables(filing=maoxian_2019)
    sections = [Section("a&b", "收入<支出>", ['他说"是"', "50%'s"], []), Section("c", "其他", [], [])] if with_sections else []
    parts = [_part("p1", "项目<绩效>", ["第一段", "A & B"], 3), _part("p2", "整体", [], 1)]
    html = render_document_html(filing=maoxian_2019, tables=tables, sections=sections, parts=parts)
    numbered = [NumberedSection(chinese_number(i), s.key, s.title, list(s.paragraphs)) for i, s in enumerate(sections, start=1)]
    kind_label = maoxian_2019.get_kind_display()
    printed = PrintedTexts()
    expected = Template(TEMPLATE_LOOPS).render(
        Context({"sections": numbered, "kind_label": kind_label, "tables": [(t, render_table_html(t, printed)) for t in tables], "parts": parts})
    )
    body = html[html.index("</h1>\n") + len("</h1>\n") : html.index("</body>")]
    assert body == expected


def test_amounts_print_as_the_unit_prints_them_even_a_signed_zero(maoxian_2019):
    """Each amount is printed once per document (PrintedTexts): equal amounts share their figure, but a zero keeps
    its sign, as format_amount prints it."""
    table = compute_table(filing=maoxian_2019, key="final_gpb_expense")
    amounts = [Decimal("-0.00"), Decimal("0.00"), Decimal("-40"), Decimal("0"), Decimal("-0"), Decimal("40.00"), Decimal("40")]
    cells = [cell for row in table.rows for cell in row.cells if cell.amount is not None][: len(amounts)]
    for cell, amount in zip(cells, amounts, strict=True):
        cell.amount = amount
    html = render_table_html(table)
    figures = re.findall(r'<td class="num(?: bold)?">([^<]*)</td>', html)[: len(amounts)]
    assert figures == [format_amount(amount, table.unit) for amount in amounts]
    assert figures[:3] == ["-0.00", "0.00", "-0.00"]
