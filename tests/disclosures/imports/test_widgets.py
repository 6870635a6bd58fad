"""Each upload widget's reading of a cell: text, numbers, blanks, formulas and over-long cells.

A text cell takes a short way through the widgets (clean_text) and the preview calls each column's widget
directly: these pin that every kind of cell still reads, and is refused, with the same message.
"""

from decimal import Decimal

import pytest

from disclosures.imports.context import ImportContext
from disclosures.imports.resources import ExpenseLineResource, ProjectResource
from disclosures.imports.xlsx_reader import Formula, TooLong
from disclosures.models import CatalogItem, ExpenseKind, FundingSource, Unit
from disclosures.money import AmountError, parse_amount, parse_amount_in

pytestmark = pytest.mark.django_db

FORMULA = Formula("=SUM(A1:A2)")
LONG = TooLong(length=2500, head="甲" * 30)


@pytest.fixture
def context(filing):
    return ImportContext.for_filing(filing)


def widget(resource, attribute):
    return resource().fields_by_attribute(attribute).widget


@pytest.mark.parametrize(
    ("resource", "attribute"),
    [
        (ExpenseLineResource, "unit"),
        (ExpenseLineResource, "function_item"),
        (ExpenseLineResource, "dept_economic_item"),
        (ExpenseLineResource, "expense_kind"),
        (ExpenseLineResource, "project"),
        (ExpenseLineResource, "funding_source"),
        (ExpenseLineResource, "budget_amount"),
        (ExpenseLineResource, "adjusted_amount"),
        (ExpenseLineResource, "note"),
        (ProjectResource, "plan_march"),
        (ProjectResource, "order"),
    ],
)
def test_every_widget_refuses_formulas_and_long_cells(context, resource, attribute):
    clean = widget(resource, attribute).clean
    with pytest.raises(ValueError, match=r"^不能是公式（=SUM\(A1:A2\)），请填写数值或文字$"):
        clean(FORMULA, context=context)
    with pytest.raises(ValueError, match="^内容有2500个字符，超过2000个字符的上限$"):
        clean(LONG, context=context)


def test_text_cells_are_stripped_and_numbers_read_as_text(context, filing):
    main = Unit.objects.get(department=filing.department, is_main=True)
    function = CatalogItem.objects.get(fiscal_year=filing.fiscal_year, kind="function", code="2010301")
    assert widget(ExpenseLineResource, "unit").clean(f"  {main.name}\u3000", context=context) == main.code
    assert widget(ExpenseLineResource, "unit").clean("  ", context=context) == main.code
    assert widget(ExpenseLineResource, "function_item").clean(" 2010301 ", context=context) == function.pk
    assert widget(ExpenseLineResource, "function_item").clean(2010301, context=context) == function.pk
    assert widget(ExpenseLineResource, "function_item").clean(2010301.0, context=context) == function.pk
    assert widget(ExpenseLineResource, "expense_kind").clean(f" {ExpenseKind.PERSONNEL.label} ", context=context) == ExpenseKind.PERSONNEL
    assert widget(ExpenseLineResource, "expense_kind").clean("personnel", context=context) == ExpenseKind.PERSONNEL
    assert widget(ExpenseLineResource, "funding_source").clean(None, context=context) == FundingSource.GENERAL_PUBLIC_BUDGET
    assert widget(ExpenseLineResource, "note").clean(" 备注 ", context=context) == "备注"
    assert widget(ExpenseLineResource, "note").clean(12.5, context=context) == "12.5"
    assert widget(ProjectResource, "order").clean(" 7 ", context=context) == 7
    assert widget(ProjectResource, "plan_march").clean("25%", context=context) == Decimal("25.00")


def test_refusals_name_the_value_and_what_is_expected(context):
    messages = {}
    for attribute, value in [
        ("function_item", ""),
        ("function_item", "20103"),
        ("function_item", "2999999"),
        ("dept_economic_item", "3010"),
        ("expense_kind", ""),
        ("expense_kind", "人员"),
        ("note", "=1+1"),
        ("project", "P-404"),
    ]:
        with pytest.raises(ValueError) as refused:
            widget(ExpenseLineResource, attribute).clean(value, context=context)
        messages[attribute, value] = str(refused.value)
    assert messages == {
        ("function_item", ""): "必须填写支出功能分类科目编码",
        ("function_item", "20103"): "“20103”不是7位的支出功能分类科目编码",
        ("function_item", "2999999"): f"科目“2999999”不在{context.year}年支出功能分类中",
        ("dept_economic_item", "3010"): "“3010”不是5位的部门预算支出经济分类科目编码",
        ("expense_kind", ""): "必须填写支出类型",
        ("expense_kind", "人员"): f"“人员”不是有效的支出类型，应为：{'、'.join(str(label) for _, label in ExpenseKind.choices)}",
        ("note", "=1+1"): "文字不能以“=”开头",
        ("project", "P-404"): "项目“P-404”不在本填报的项目中，请先在“项目”表中填写",
    }


def test_amounts(context):
    clean = widget(ExpenseLineResource, "budget_amount").clean
    assert clean(1036.03, context=context) == Decimal("1036.03")
    assert str(clean(" 1,036.1 ", context=context)) == "1036.10"
    assert str(clean(None, context=context)) == "0.00"
    assert widget(ExpenseLineResource, "adjusted_amount").clean("  ", context=context) is None
    with pytest.raises(ValueError, match="超过两位小数"):
        clean(10.125, context=context)
    with pytest.raises(ValueError, match="不能为负数"):
        clean(-5, context=context)


def test_an_amount_is_quantized_to_cents_whatever_its_exponent():
    for text in ("1036.03", "1036.030", "1036.3", "1036", "0", "1E+2", "0.10"):
        number = Decimal(text)
        assert parse_amount(number) == number
        assert parse_amount(number).as_tuple().exponent == -2, text
    assert str(parse_amount("-0.00", allow_negative=True)) == str(Decimal("-0.00").quantize(Decimal("0.01")))


def test_an_amount_in_an_unknown_unit_is_refused_as_before():
    assert parse_amount_in("1.5", "wan") == Decimal("15000.00")
    assert parse_amount_in("1.5", "yuan") == Decimal("1.50")
    with pytest.raises(ValueError, match="is not a valid AmountUnit"):
        parse_amount_in("1.5", "jiao")
    with pytest.raises(AmountError):
        parse_amount_in("1.1234567", "wan")
