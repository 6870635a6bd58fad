"""The public page of a filing published in 元 (seed 001, 山海关) prints 元 everywhere it prints an amount:
the key-figure cards, the charts, the tables' unit line; the API says which unit its tables are in."""

import re

from django.core.cache import cache
from django.urls import reverse


def page(client, filing) -> str:
    cache.clear()
    return client.get(reverse("disclosures:public_filing", args=[filing.pk])).content.decode()


def figures_and_charts(html: str) -> str:
    """The key-figure cards and the charts (the 说明 may say 万元 in its own words, e.g. 单价50万元以上)."""
    start = html.index('aria-label="主要数字"')
    return html[start : html.index('class="narrative"')]


def test_key_figures_and_charts_in_yuan(client, open_demo):
    html = page(client, open_demo.shanhaiguan.filing)
    part = figures_and_charts(html)
    assert "万元" not in part
    assert '<span class="value">3,828,602.02<small>元</small></span>' in part  # 收支总计
    assert '<span class="value">145,950.50<small>元</small></span>' in part  # “三公”经费 as seed 001 prints it
    assert "本年支出按功能分类（元）" in part and "“三公”经费（元）" in part and "本年收入结构（元）" in part
    assert "公务用车运行维护费：126,000.00元" in part
    # every table: 表号, then 单位：元
    lines = re.findall(r'class="unit">([^<]*)</td>', html)
    assert lines[:2] == ["预算01表\u3000单位：元", "预算02表\u3000单位：元"] and len(lines) == 9


def test_a_filing_in_wan_keeps_wan(client, open_demo):
    part = figures_and_charts(page(client, open_demo.ziyang.filing))
    assert '<span class="value">230.06<small>万元</small></span>' in part
    assert "本年支出按功能分类（万元）" in part and ">元<" not in part


def test_api_names_the_unit(client, open_demo):
    body = client.get(reverse("disclosures:api_filing", args=[open_demo.shanhaiguan.filing.pk])).json()
    assert (body["unit"], body["unit_label"]) == ("yuan", "元")
    assert body["tables"][0]["unit_label"] == "元"
    body = client.get(reverse("disclosures:api_filing", args=[open_demo.ziyang.filing.pk])).json()
    assert (body["unit"], body["unit_label"]) == ("wan", "万元")
