"""The HTML partial renders one TableResult with the same merged headers."""

from disclosures.tables import compute_table
from disclosures.tables.html import render_table_html


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
