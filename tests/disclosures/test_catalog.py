"""The starter catalog (2020 edition), official imports (all-or-nothing, Chinese row errors), load_catalog."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from disclosures.models import CatalogItem
from disclosures.services.catalog import (
    STARTER_EDITION,
    CatalogImportError,
    catalog_import_file,
    catalog_load_starter,
)

F, D, G = CatalogItem.Kind.FUNCTION, CatalogItem.Kind.DEPT_ECONOMIC, CatalogItem.Kind.GOV_ECONOMIC

# Every 功能分类 项 the seeds use (seed 003's 决算 and the demo's budgets).
SEED_FUNCTION_CODES = {
    "2010301": "行政运行",
    "2010302": "一般行政管理事务",
    "2010308": "信访事务",
    "2010350": "事业运行",
    "2013602": "一般行政管理事务",
    "2040202": "一般行政管理事务",
    "2080505": "机关事业单位基本养老保险缴费支出",
    "2080506": "机关事业单位职业年金缴费支出",
    "2101101": "行政单位医疗",
    "2101102": "事业单位医疗",
    "2210201": "住房公积金",
    "2210203": "购房补贴",
    "2130599": "其他扶贫支出",
}


def item(year, kind, code):
    return CatalogItem.objects.get(fiscal_year=year, kind=kind, code=code)


@pytest.fixture
def catalog_2020(year_2020):
    catalog_load_starter(fiscal_year=year_2020)
    return year_2020


def test_starter_catalog_covers_the_seed_codes_with_their_parents(catalog_2020):
    for code, name in SEED_FUNCTION_CODES.items():
        found = item(catalog_2020, F, code)
        assert found.name == name
        assert found.parent.code == code[:5] and found.parent.parent.code == code[:3]
    assert item(catalog_2020, F, "20103").name == "政府办公厅（室）及相关机构事务"
    assert item(catalog_2020, F, "20136").name == "其他共产党事务支出"
    assert item(catalog_2020, F, "21305").name == "扶贫"
    for code in ("201", "204", "205", "207", "208", "210", "212", "213", "221", "229"):
        assert item(catalog_2020, F, code).parent is None
    assert catalog_2020.catalog_edition.startswith(STARTER_EDITION)


@pytest.mark.parametrize(
    "dept, gov, institution",
    [
        ("30101", "50101", "50501"),
        ("30108", "50102", "50501"),
        ("30113", "50103", "50501"),
        ("30199", "50199", "50501"),
        ("30201", "50201", "50502"),
        ("30215", "50202", "50502"),
        ("30216", "50203", "50502"),
        ("30217", "50206", "50502"),
        ("30212", "50207", "50502"),
        ("30231", "50208", "50502"),
        ("30213", "50209", "50502"),
        ("30227", "50205", "50502"),
        ("30299", "50299", "50502"),
        ("30302", "50905", "50905"),
        ("30305", "50901", "50901"),
        ("31013", "50403", "50602"),
        ("30913", "50303", "50601"),
        ("39999", "59999", "59999"),
    ],
)
def test_dept_economic_items_map_to_their_gov_economic_item(catalog_2020, dept, gov, institution):
    found = item(catalog_2020, D, dept)
    assert found.gov_economic.code == gov
    assert found.gov_economic_institution.code == institution
    assert found.parent.code == dept[:3]


def test_every_dept_economic_kuan_of_the_main_classes_is_mapped(catalog_2020):
    kuan = CatalogItem.objects.filter(fiscal_year=catalog_2020, kind=D, code__regex=r"^[0-9]{5}$")
    for prefix in ("301", "302", "303", "307", "309", "310", "399"):
        assert kuan.filter(code__startswith=prefix).exists()
    assert not kuan.filter(gov_economic__isnull=True).exists()


def test_loading_the_starter_catalog_twice_changes_nothing(catalog_2020):
    before = CatalogItem.objects.filter(fiscal_year=catalog_2020).count()
    results = catalog_load_starter(fiscal_year=catalog_2020)
    assert CatalogItem.objects.filter(fiscal_year=catalog_2020).count() == before
    assert [r.created for r in results] == [0, 0, 0]
    assert sum(r.unchanged for r in results) == before


def test_each_year_has_its_own_catalog(catalog_2020, year_2019):
    catalog_load_starter(fiscal_year=year_2019)
    assert item(year_2019, F, "2010308").pk != item(catalog_2020, F, "2010308").pk
    assert item(year_2019, D, "30231").gov_economic.fiscal_year == year_2019


def xlsx(rows):
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_official_xlsx_import_renames_adds_and_records_the_edition(catalog_2020):
    # Excel stores codes as numbers: 2010308.0 must read as "2010308".
    content = xlsx(
        [
            ["科目编码", "科目名称"],
            [201, "一般公共服务支出"],
            [20103, "政府办公厅（室）及相关机构事务"],
            [2010308.0, "信访事务（更名）"],
            [2010310, "新增项"],
        ]
    )
    result = catalog_import_file(fiscal_year=catalog_2020, kind=F, content=content, filename="2021.xlsx", edition="《2021年政府收支分类科目》")
    assert (result.created, result.updated, result.unchanged) == (1, 1, 2)
    assert item(catalog_2020, F, "2010308").name == "信访事务（更名）"
    assert item(catalog_2020, F, "2010310").parent == item(catalog_2020, F, "20103")
    catalog_2020.refresh_from_db()
    assert catalog_2020.catalog_edition == "《2021年政府收支分类科目》"


def test_import_is_all_or_nothing_with_chinese_row_errors(catalog_2020):
    csv_text = "\n".join(
        [
            "科目编码,科目名称",
            "2010308,信访事务（应不写入）",
            "20103x,字母",
            "2010399,",
            "2010308,重复",
            "2019,四位",
            "9990101,没有上级",
        ]
    ).encode("utf-8")
    with pytest.raises(CatalogImportError) as caught:
        catalog_import_file(fiscal_year=catalog_2020, kind=F, content=csv_text, filename="bad.csv")
    messages = caught.value.messages
    assert "第3行：科目编码“20103x”只能由数字组成。" in messages
    assert "第4行：科目名称为空。" in messages
    assert "第5行：科目编码“2010308”与第2行重复。" in messages
    assert any(m.startswith("第6行：支出功能分类的科目编码应为3、5、7位") for m in messages)
    assert "第7行：上级科目“99901”在文件和2020年支出功能分类中都不存在。" in messages
    assert item(catalog_2020, F, "2010308").name == "信访事务"


def test_mapping_must_exist_in_the_same_years_gov_economic_catalog(catalog_2020, year_2019):
    content = "科目编码,科目名称,对应政府经济分类编码\n302,商品和服务支出,\n30201,办公费,50201\n".encode()
    with pytest.raises(CatalogImportError) as caught:
        catalog_import_file(fiscal_year=year_2019, kind=D, content=content, filename="dept.csv")
    assert caught.value.messages == ["第3行：对应政府经济分类编码“50201”在2019年政府预算支出经济分类中不存在，请先导入政府经济分类。"]
    bad = "科目编码,科目名称,对应政府经济分类编码\n201,一般公共服务支出,50101\n".encode()
    with pytest.raises(CatalogImportError) as caught:
        catalog_import_file(fiscal_year=catalog_2020, kind=F, content=bad, filename="f.csv")
    assert "只有部门预算支出经济分类可以填写对应政府经济分类编码" in caught.value.messages[0]


def test_a_file_without_mapping_columns_keeps_the_loaded_mapping(catalog_2020):
    content = "科目编码,科目名称\n302,商品和服务支出\n30231,公务用车运行维护费（新名）\n".encode()
    catalog_import_file(fiscal_year=catalog_2020, kind=D, content=content, filename="names.csv")
    found = item(catalog_2020, D, "30231")
    assert found.name == "公务用车运行维护费（新名）"
    assert found.gov_economic.code == "50208"


def test_wrong_header_and_file_type_are_refused(catalog_2020):
    with pytest.raises(CatalogImportError, match="表头必须包含“科目编码”和“科目名称”"):
        catalog_import_file(fiscal_year=catalog_2020, kind=F, content="编码,名称\n201,x\n".encode(), filename="a.csv")
    with pytest.raises(CatalogImportError, match="不支持的文件类型"):
        catalog_import_file(fiscal_year=catalog_2020, kind=F, content=b"x", filename="a.xls")


def test_gb18030_csv_is_read(catalog_2020):
    content = "科目编码,科目名称\n229,其他支出\n22999,其他支出\n2299901,其他支出（GBK）\n".encode("gb18030")
    catalog_import_file(fiscal_year=catalog_2020, kind=F, content=content, filename="gbk.csv")
    assert item(catalog_2020, F, "2299901").name == "其他支出（GBK）"


def test_load_catalog_command(db, tmp_path):
    out = io.StringIO()
    call_command("load_catalog", "--year", "2021", stdout=out)
    assert "2021年支出功能分类：新增" in out.getvalue()
    path = tmp_path / "function.csv"
    path.write_text("科目编码,科目名称\n201,一般公共服务支出\n20103,政府办公厅（室）及相关机构事务\n2010308,信访事务\n", encoding="utf-8")
    out = io.StringIO()
    call_command("load_catalog", "--year", "2021", "--kind", "function", "--file", str(path), "--edition", "《2021年政府收支分类科目》", stdout=out)
    assert "未变 3" in out.getvalue() and "《2021年政府收支分类科目》" in out.getvalue()
    path.write_text("科目编码,科目名称\n2010308,\n", encoding="utf-8")
    with pytest.raises(CommandError, match="第2行：科目名称为空"):
        call_command("load_catalog", "--year", "2021", "--kind", "function", "--file", str(path))
    with pytest.raises(CommandError, match="须同时指定"):
        call_command("load_catalog", "--year", "2021", "--kind", "function")
