"""The batch path of an upload's apply: the per-row services' rules and messages, all or nothing, updates by
natural key, and a number of queries that does not depend on a query per row."""

import itertools
import json
import math
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, models

from disclosures.imports import apply as apply_module
from disclosures.imports.apply import ImportFailed, apply_rows, import_staged, import_write
from disclosures.imports.context import ImportContext
from disclosures.imports.preview import RowPreview, SheetPreview, StagingError, stage_preview
from disclosures.imports.resources import ExpenseLineResource
from disclosures.models import AuditEntry, CatalogItem, ExpenseKind, ExpenseLine, FundingSource, Project, Unit
from disclosures.services import lines
from tests.disclosures.entry_fixtures import item

pytestmark = pytest.mark.django_db


def expense_rows(filing, count: int, *, amount: str = "100.00") -> list:
    """`count` distinct expense rows in the staged form (what the preview's widgets return)."""
    year = filing.fiscal_year
    unit = Unit.objects.get(department=filing.department, is_main=True)
    functions = CatalogItem.objects.filter(fiscal_year=year, kind="function", code__regex=r"^[0-9]{7}$").values_list("pk", flat=True)
    economic = CatalogItem.objects.filter(
        fiscal_year=year, kind="dept_economic", code__regex=r"^30[12][0-9]{2}$", gov_economic__isnull=False
    ).values_list("pk", "code")
    combos = itertools.product(list(functions), list(economic), [FundingSource.GENERAL_PUBLIC_BUDGET, FundingSource.OTHER])
    rows = []
    for number, (function, (economic_pk, code), source) in enumerate(itertools.islice(combos, count), start=3):
        rows.append(
            (
                number,
                {
                    "unit": unit.code,
                    "function_item": function,
                    "dept_economic_item": economic_pk,
                    "expense_kind": ExpenseKind.PERSONNEL if code.startswith("301") else ExpenseKind.PUBLIC,
                    "project": None,
                    "funding_source": source,
                    "budget_amount": amount,
                    "adjusted_amount": None,
                    "actual_amount": "0.00",
                    "note": "",
                },
            )
        )
    assert len(rows) == count, "the starter catalog has too few codes for this test"
    return rows


def apply(filing, rows):
    """As import_staged does: the whole apply inside the filing's write lock (one lock, one revision bump)."""
    with import_write(filing=filing):
        return apply_rows(resource=ExpenseLineResource(), context=ImportContext.for_filing(filing), rows=rows, user=None)


# --- same rules, same messages as the per-row services ------------------------------------------------


def _line(filing, **changes) -> ExpenseLine:
    year = filing.fiscal_year
    values = {
        "filing": filing,
        "unit": Unit.objects.get(department=filing.department, is_main=True),
        "function_item": item(year, "function", "2010301"),
        "dept_economic_item": item(year, "dept_economic", "30101"),
        "expense_kind": ExpenseKind.PERSONNEL,
        "budget_amount": Decimal("1036.03"),
    }
    values.update(changes)
    return ExpenseLine(**values)


def _cases(filing, other_filing, catalog_2019):
    year = filing.fiscal_year
    other_unit = Unit.objects.get(department=other_filing.department, is_main=True)
    foreign_project = Project.objects.create(filing=other_filing, code="X-1", name="别的填报的项目")
    return {
        "function item of another year": {"function_item": item(catalog_2019, "function", "2010301")},
        "function item is a 款": {"function_item": item(year, "function", "20103")},
        "economic item of the wrong kind": {"dept_economic_item": item(year, "function", "2010301")},
        "unit of another department": {"unit": other_unit},
        "project of another filing": {"project": foreign_project, "expense_kind": ExpenseKind.PROJECT},
        "negative amount": {"budget_amount": Decimal("-5")},
        "three decimals": {"budget_amount": Decimal("1.005")},
        "note too long": {"note": "备" * 201},
        "basic line without economic item": {"dept_economic_item": None},
    }


def test_batch_refuses_what_the_service_refuses_with_the_same_messages(filing, other_filing, catalog_2019):
    for label, changes in _cases(filing, other_filing, catalog_2019).items():
        with pytest.raises(ValidationError) as refused:
            lines.expense_line_save(line=_line(filing, **changes))
        found = lines.line_batch_errors(instance=_line(filing, **changes), filing=filing)
        assert found == refused.value.message_dict, label
    assert not ExpenseLine.objects.exists()


def test_batch_accepts_what_the_service_accepts(filing):
    line = _line(filing)
    assert lines.line_batch_errors(instance=line, filing=filing) == {}
    assert line.gov_economic_item.code == "50101"  # derived from the 对照表, as the service does


def test_batch_rows_report_row_numbers_like_the_per_row_path(filing, catalog_2019):
    rows = expense_rows(filing, 3)
    rows[1][1]["budget_amount"] = "-5"
    rows[2][1]["note"] = "备" * 201
    with pytest.raises(ImportFailed) as failed:
        apply(filing, rows)
    assert failed.value.messages == ["第4行：金额不能为负数。", "第5行“备注”：确保该变量包含不超过 200 字符 (目前字符数 201)。"]
    assert not ExpenseLine.objects.exists()


# --- all or nothing --------------------------------------------------------------------------------------


def test_a_row_refused_by_the_database_leaves_nothing_written(filing, monkeypatch, settings, tmp_path, accountant):
    """The database's constraints stand behind the checks: with the checks switched off, a negative amount
    in the last batch is refused by the database, and the batches written before it are rolled back too."""
    settings.IMPORT_STAGING_DIR = str(tmp_path)
    monkeypatch.setattr(apply_module, "BATCH_ROWS", 2)
    rows = expense_rows(filing, 5)
    rows[-1][1]["budget_amount"] = "-5"
    preview = SheetPreview(kind="expense", title="支出", headers=[])
    preview.rows = [RowPreview(number=n, cells=[], values=v) for n, v in rows]
    token = stage_preview(preview=preview, filing_id=filing.pk, user_id=accountant.pk, filename="a.xlsx")
    monkeypatch.setattr(lines, "line_batch_errors", lambda *, instance, filing: {})
    with pytest.raises(ImportFailed) as failed:
        import_staged(filing=filing, user=accountant, token=token)
    assert failed.value.messages[0].startswith("数据库拒绝保存")
    assert not ExpenseLine.objects.exists()
    assert not AuditEntry.objects.filter(action="导入Excel").exists()


def test_staged_upload_applied_with_progress(filing, settings, tmp_path, accountant):
    settings.IMPORT_STAGING_DIR = str(tmp_path)
    preview = SheetPreview(kind="expense", title="支出", headers=[])
    preview.rows = [RowPreview(number=n, cells=[], values=v) for n, v in expense_rows(filing, 2500)]
    token = stage_preview(preview=preview, filing_id=filing.pk, user_id=accountant.pk, filename="a.xlsx")
    reported = []
    summary = import_staged(filing=filing, user=accountant, token=token, progress=lambda p, m: reported.append((p, m)))
    assert summary.created == 2500
    assert reported == [(5, "正在校验并写入2500行")]  # before the write transaction: what it writes is not seen until it commits
    assert AuditEntry.objects.get(action="导入Excel").comment == "“支出”表新增2500行，更新0行"


def test_each_staged_row_is_checked_once(filing, monkeypatch, settings, tmp_path, accountant):
    """One pass that checks and writes as it streams the staged rows (the apply checked every row twice:
    once outside the transaction, then again while writing)."""
    settings.IMPORT_STAGING_DIR = str(tmp_path)
    preview = SheetPreview(kind="expense", title="支出", headers=[])
    preview.rows = [RowPreview(number=n, cells=[], values=v) for n, v in expense_rows(filing, 1500)]
    token = stage_preview(preview=preview, filing_id=filing.pk, user_id=accountant.pk, filename="a.xlsx")
    checked = []
    check = lines.line_batch_errors
    monkeypatch.setattr(lines, "line_batch_errors", lambda *, instance, filing: checked.append(instance) or check(instance=instance, filing=filing))
    summary = import_staged(filing=filing, user=accountant, token=token)
    assert summary.created == 1500
    assert len(checked) == 1500


def test_a_row_no_longer_valid_at_apply_time_refuses_everything(filing, settings, tmp_path, accountant):
    """The rows are checked against the data as it is under the lock: a unit deleted after the preview
    refuses the whole apply, rows of the batches already written included."""
    settings.IMPORT_STAGING_DIR = str(tmp_path)
    rows = expense_rows(filing, 2500)
    gone = Unit.objects.create(department=filing.department, code="GONE", name="已撤销单位")
    rows[-1][1]["unit"] = gone.code
    preview = SheetPreview(kind="expense", title="支出", headers=[])
    preview.rows = [RowPreview(number=n, cells=[], values=v) for n, v in rows]
    token = stage_preview(preview=preview, filing_id=filing.pk, user_id=accountant.pk, filename="a.xlsx")
    gone.delete()
    with pytest.raises(ImportFailed) as failed:
        import_staged(filing=filing, user=accountant, token=token)
    assert failed.value.messages == ["第2502行：预算单位“GONE”已不存在（预览之后被删除），请重新上传文件"]
    assert not ExpenseLine.objects.filter(filing=filing).exists()
    assert not AuditEntry.objects.filter(action="导入Excel").exists()


def test_locked_filing_refused_once_not_per_row(filing):
    filing.status = "submitted"
    filing.save()
    with pytest.raises(ImportFailed) as failed:
        apply(filing, expense_rows(filing, 3))
    assert len(failed.value.messages) == 1
    assert "不能修改" in failed.value.messages[0]


# --- updates ---------------------------------------------------------------------------------------------


def test_existing_lines_are_updated_in_place(filing):
    first = apply(filing, expense_rows(filing, 40))
    assert (first.created, first.updated) == (40, 0)
    before = dict(ExpenseLine.objects.values_list("pk", "gov_economic_item_id"))
    rows = expense_rows(filing, 50, amount="250.50")
    rows[0][1]["note"] = "已调整"
    second = apply(filing, rows)
    assert (second.created, second.updated) == (10, 40)
    assert ExpenseLine.objects.count() == 50
    assert set(ExpenseLine.objects.values_list("budget_amount", flat=True)) == {Decimal("250.50")}
    after = dict(ExpenseLine.objects.values_list("pk", "gov_economic_item_id"))
    assert {pk: after[pk] for pk in before} == before  # same rows, 政府经济分类 kept
    assert ExpenseLine.objects.get(pk=min(before)).note == "已调整"


# --- queries ---------------------------------------------------------------------------------------------


def _write_statements(rows: int) -> int:
    """An INSERT, a savepoint and its release per batch: a batch is one statement (PostgreSQL: UNNEST of one
    array per column; SQLite: 12 parameters a row, 32,766 a statement since SQLite 3.32)."""
    return 3 * math.ceil(rows / apply_module.BATCH_ROWS)


@pytest.mark.parametrize("count", [300, 3000])
def test_queries_do_not_grow_per_row(filing, django_assert_max_num_queries, count):
    """Lookups once, then one INSERT statement per batch of rows. The per-row services took ~26 queries per row."""
    rows = expense_rows(filing, count)
    fixed = 10
    with django_assert_max_num_queries(fixed + _write_statements(count)):
        summary = apply(filing, rows)
    assert summary.created == count
    assert ExpenseLine.objects.filter(filing=filing).count() == count
    assert fixed + _write_statements(count) < count / 10


def test_a_repeated_key_is_refused_as_the_preview_refuses_it(filing):
    rows = expense_rows(filing, 2)
    rows.append((9, dict(rows[0][1])))
    with pytest.raises(ImportFailed) as failed:
        apply(filing, rows)
    assert failed.value.messages == ["第9行：与第3行重复（同一预算单位、支出功能分类科目、部门预算经济分类科目、支出类型、资金来源、项目只能有一行）"]
    assert not ExpenseLine.objects.exists()


@pytest.mark.parametrize("change", ["amount", "added row"])
def test_staged_rows_changed_since_the_preview_refuse_the_whole_apply(filing, settings, tmp_path, accountant, change):
    """The apply streams the staged rows and writes them as it goes; rows that are not the ones previewed
    (the staged file edited in the staging folder) are found once read, and the batches already written
    are rolled back."""
    settings.IMPORT_STAGING_DIR = str(tmp_path)
    preview = SheetPreview(kind="expense", title="支出", headers=[])
    preview.rows = [RowPreview(number=n, cells=[], values=v) for n, v in expense_rows(filing, 2500)]
    token = stage_preview(preview=preview, filing_id=filing.pk, user_id=accountant.pk, filename="a.xlsx")
    path = tmp_path / f"{token}.json"
    text = path.read_text(encoding="utf-8")
    if change == "amount":
        text = text.replace('"budget_amount": "100.00"', '"budget_amount": "999.00"', 1)
    else:
        extra = expense_rows(filing, 2501)[-1]
        text += json.dumps([9999, extra[1]], ensure_ascii=False) + "\n"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(StagingError, match="预览之后暂存的数据已被改动"):
        import_staged(filing=filing, user=accountant, token=token)
    assert not ExpenseLine.objects.filter(filing=filing).exists()
    assert not AuditEntry.objects.filter(action="导入Excel").exists()


# --- the INSERTs ---------------------------------------------------------------------------------------------


def _varied_rows(filing) -> list:
    """Rows with every kind of value a line can have: project lines, no 经济分类, adjusted amounts or none,
    a large amount, zero, notes with quotes, backslashes and Chinese text."""
    Project.objects.create(filing=filing, code="P-1", name="信访工作经费")
    rows = expense_rows(filing, 40)
    project_function = CatalogItem.objects.get(fiscal_year=filing.fiscal_year, kind="function", code="2010350")
    for index, (_number, values) in enumerate(rows):
        values["budget_amount"] = ["0.00", "1234567890123.45", "1036.03", "0.01"][index % 4]
        values["adjusted_amount"] = None if index % 3 else f"{index}.50"
        values["note"] = ["", 'O\'Brien "引号" 反斜杠\\', "备注；第二行", "%s %(x)s ?"][index % 4]
    rows.append(
        (
            99,
            {
                **rows[0][1],
                "function_item": project_function.pk,
                "dept_economic_item": None,
                "expense_kind": ExpenseKind.PROJECT,
                "project": "P-1",
                "funding_source": FundingSource.OTHER,
            },
        )
    )
    return rows


def _stored(filing) -> list[tuple]:
    columns = [f.attname for f in ExpenseLine._meta.concrete_fields if f.name not in ("id", "filing", "project")]
    return sorted(ExpenseLine.objects.filter(filing=filing).values_list(*columns, "project__code"), key=repr)


def test_the_rows_written_are_the_ones_bulk_create_writes(filing):
    """The batch path builds its INSERTs itself (the insert compiler was most of a large apply's CPU): every
    column of every line is what bulk_create() writes for the same objects."""
    resource = ExpenseLineResource()
    final = lines.filing_create(department=filing.department, fiscal_year=filing.fiscal_year, kind="final")
    written = {}
    for target, write in ((filing, "batch path"), (final, "bulk_create")):
        rows = _varied_rows(target)
        context = ImportContext.for_filing(target)
        instances = [resource.batch_instance(resource.restore(values), context) for _, values in rows]
        assert all(lines.line_batch_errors(instance=line, filing=target) == {} for line in instances)
        if write == "batch path":
            lines.lines_bulk_write(filing=target, model=ExpenseLine, new=instances, changed=[], fields=[])
        else:
            ExpenseLine.objects.bulk_create(instances)
        written[write] = _stored(target)
    assert len(written["batch path"]) == 41
    assert written["batch path"] == written["bulk_create"]
    assert {row[-1] for row in written["batch path"]} == {None, "P-1"}


def test_a_batch_larger_than_a_statement_takes_is_split(filing, monkeypatch):
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL sends one array per column whatever the number of rows")
    from django.test.utils import CaptureQueriesContext

    fields = len([f for f in ExpenseLine._meta.concrete_fields if not f.primary_key])
    monkeypatch.setattr(lines, "_sqlite_max_parameters", lambda connection: fields * 7 + 3)  # 7 rows a statement
    rows = expense_rows(filing, 30)
    with CaptureQueriesContext(connection) as queries:
        summary = apply(filing, rows)
    assert summary.created == 30
    assert sum(query["sql"].startswith("INSERT") for query in queries.captured_queries) == 5  # 7 + 7 + 7 + 7 + 2
    assert ExpenseLine.objects.filter(filing=filing).count() == 30


def test_a_batch_instance_is_the_one_new_instance_and_assign_build(filing):
    """batch_instance() gives Model.__init__ every field by position: the same field values as an instance
    built by keyword (new_instance + assign), defaults included, and the related objects cached."""
    resource = ExpenseLineResource()
    context = ImportContext.for_filing(filing)
    for _, values in _varied_rows(filing):
        values = resource.restore(values)
        built = resource.batch_instance(values, context)
        expected = resource.new_instance(context)
        resource.assign(expected, values, context)
        fields = [f.attname for f in ExpenseLine._meta.concrete_fields]
        assert [getattr(built, name) for name in fields] == [getattr(expected, name) for name in fields]
        assert built._state.adding and built.pk is None
        for name in ("filing", "unit", "function_item", "dept_economic_item", "project"):
            field = ExpenseLine._meta.get_field(name)
            assert field.get_cached_value(built, None) == getattr(expected, name), name


def test_the_compiled_check_constraints_decide_as_the_constraints_do(filing):
    """line_batch_errors() checks the CheckConstraints through predicates compiled once per model: for
    every combination of the values they read, the messages are those of the constraints' own validate()."""
    year = filing.fiscal_year
    project = Project.objects.create(filing=filing, code="P-1", name="信访工作经费")
    economic = item(year, "dept_economic", "30101")
    amounts = [Decimal("-1"), Decimal("0"), Decimal("5.5"), None]
    checks = [c for c in ExpenseLine._meta.constraints if isinstance(c, models.CheckConstraint)]
    combinations = itertools.product(amounts, amounts, [None, project], ExpenseKind.values, [None, economic])
    for budget, adjusted, linked, kind, economic_item in combinations:
        line = _line(filing, budget_amount=budget, adjusted_amount=adjusted, project=linked, expense_kind=kind, dept_economic_item=economic_item)
        expected = []
        for constraint in checks:
            try:
                constraint.validate(ExpenseLine, line)
            except ValidationError as error:
                expected.extend(error.messages)
        assert lines._check_constraint_errors(line) == expected, (budget, adjusted, linked, kind, economic_item)
