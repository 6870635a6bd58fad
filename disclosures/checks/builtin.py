"""The built-in checks: arithmetic the seeds get wrong, reasons the text needs, codes the lines need.

Every message says in Chinese what is wrong (with the figures) and how to fix it. Amounts are compared
in 元; where the published 万元 figures are rounded separately, a rounding difference is a warning that
explains itself rather than an error.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal


from disclosures.models import FISCAL_APPROPRIATION_SOURCES, ExpenseKind, Filing, FundingSource, IncomeLine
from disclosures.money import AmountUnit, format_wan, to_wan

from .registry import ERROR, WARNING, CheckContext, Location, Problem, register

FINAL = (Filing.Kind.FINAL,)
PERSONNEL_ECONOMIC_CLASSES = ("301", "303")
ROUNDING_FIX = (
    "元数据是一致的，差异来自各数分别四舍五入到万元。不要手工改动分项凑数；生成的公开表已在表下自动注明"
    "“本表数据因四舍五入，合计数与分项之和可能存在尾差”。也可改为以元为单位公开。"
)


def _w(amount: Decimal) -> str:
    return f"{format_wan(amount)}万元"


def _stage(ctx: CheckContext) -> str:
    return "决算数" if ctx.figures.is_final else "预算数"


def _table(ctx: CheckContext, budget_name: str, final_name: str) -> str:
    return final_name if ctx.figures.is_final else budget_name


def _line_label(line) -> str:
    economic = f"，{line.dept_economic_item.code} {line.dept_economic_item.name}" if line.dept_economic_item else ""
    return f"{line.function_item.code} {line.function_item.name}{economic}，{line.get_expense_kind_display()}，{line.get_funding_source_display()}"


def _main(ctx: CheckContext, line) -> Decimal:
    return line.actual_amount if ctx.figures.is_final else line.effective_budget


# ------------------------------------------------------------------------------------------ 收支平衡


@register("balance", severity=ERROR, title="收支平衡")
def balance(ctx: CheckContext) -> Iterable[Problem]:
    f = ctx.figures
    opening_label = "年初结转和结余" if f.is_final else "上年结转"
    closing_label = "年末结转和结余" if f.is_final else "结转下年"
    used, distribution = f.income.balance_used.amount, f.income.distribution.amount
    income = f.income.total.amount + used + f.income.opening.amount
    expense = f.expense.total.amount + distribution + f.income.closing.amount
    if income != expense:
        used_text = f"＋使用非财政拨款结余{_w(used)}" if used else ""
        distribution_text = f"＋结余分配{_w(distribution)}" if distribution else ""
        yield Problem(
            location=Location(table=_table(ctx, "部门收支总表", "收入支出决算总表"), cell="收入总计 / 支出总计"),
            message=(
                f"收入总计{_w(income)}（本年收入{_w(f.income.total.amount)}{used_text}＋{opening_label}{_w(f.income.opening.amount)}）"
                f"不等于支出总计{_w(expense)}（本年支出{_w(f.expense.total.amount)}{distribution_text}＋{closing_label}{_w(f.income.closing.amount)}），"
                f"相差{income - expense:.2f}元。"
            ),
            fix=f"核对收入明细和支出明细：本年收入＋{opening_label}应等于本年支出＋{closing_label}。差额常见于漏填的支出明细或未填{closing_label}。",
        )


@register("fiscal_source_balance", severity=ERROR, title="财政拨款收支总表：每项财政拨款收支平衡")
def fiscal_source_balance(ctx: CheckContext) -> Iterable[Problem]:
    """公开04 / 财政拨款收支总表 lists 年初, 收入, 支出 and 年末 by source: each source balances on its own.

    The overall balance can hold while a source does not (income entered under 一般公共预算 that was spent
    from another source), and the published table then does not add up."""
    f = ctx.figures
    opening_label = "年初财政拨款结转和结余" if f.is_final else "上年结转"
    closing_label = "年末财政拨款结转和结余" if f.is_final else "结转下年"
    table = _table(ctx, "财政拨款收支总表", "财政拨款收入支出决算总表")
    for source in FISCAL_APPROPRIATION_SOURCES:
        opening = f.income.opening_by_source[source].amount
        income = f.income.by_source[source].amount
        expense = f.expense.by_source[source].total.amount
        closing = f.income.closing_by_source[source].amount
        if opening + income == expense + closing:
            continue
        label = FundingSource(source).label
        yield Problem(
            location=Location(table=table, cell=label),
            message=(
                f"{label}：{opening_label}{_w(opening)}＋本年收入{_w(income)}＝{_w(opening + income)}，"
                f"而本年支出{_w(expense)}＋{closing_label}{_w(closing)}＝{_w(expense + closing)}，"
                f"相差{opening + income - expense - closing:.2f}元，{table}中该项收支不平衡。"
            ),
            fix=(
                f"核对{label}的收入明细、{opening_label}、{closing_label}和支出明细的资金来源：每项财政拨款应单独平衡"
                f"（{opening_label}＋本年收入＝本年支出＋{closing_label}）。常见原因是支出明细的资金来源填错，"
                "或收入明细把其他资金记入了财政拨款。"
            ),
        )


@register("income_function_codes", severity=WARNING, title="收入明细填写功能分类科目")
def income_function_codes(ctx: CheckContext) -> Iterable[Problem]:
    """公开02 / 部门收入总表 list income by 功能分类; lines entered before income carried a code have none."""
    table = _table(ctx, "部门收入总表", "收入决算表")
    for line in ctx.income_lines:
        if line.function_item_id is not None or line.category != IncomeLine.Category.INCOME:
            continue
        amount = line.actual_amount if ctx.figures.is_final else line.effective_budget
        if not amount:
            continue
        yield Problem(
            location=Location(table=table, cell=f"收入明细#{line.pk}"),
            message=(
                f"收入明细#{line.pk}（{line.unit.name}，{line.get_category_display()}，{line.get_source_display()}，{_w(amount)}）"
                f"没有支出功能分类科目，{table}只能把它列为“未列功能分类”。"
            ),
            fix="在收入明细中填写该收入安排支出的功能分类项级科目（7位编码，本填报年度）；收入涉及多个科目时按科目拆成多行。",
        )


# ------------------------------------------------------------------------------------------ rounding


@register("basic_split_rounding", severity=WARNING, title="基本支出＝人员经费＋日常公用经费（按万元公开数）")
def basic_split_rounding(ctx: CheckContext) -> Iterable[Problem]:
    if ctx.filing.amount_unit == AmountUnit.YUAN:
        return  # nothing is rounded in 元
    f = ctx.figures
    tables = (
        ("", f.expense, _table(ctx, "部门支出总表", "支出决算表")),
        ("一般公共预算财政拨款", f.gpb, _table(ctx, "一般公共预算基本支出表", "一般公共预算财政拨款基本支出决算表")),
    )
    for label, fund, table in tables:
        basic, personnel, public = to_wan(fund.basic.amount), to_wan(fund.personnel.amount), to_wan(fund.public.amount)
        if basic != personnel + public:
            yield Problem(
                location=Location(table=table, cell="基本支出合计"),
                message=(
                    f"{label}基本支出公开为{basic}万元，而人员经费{personnel}万元＋日常公用经费{public}万元＝"
                    f"{personnel + public}万元，相差{basic - personnel - public:+.2f}万元。按元计算两者相等"
                    f"（{fund.basic.amount}元＝{fund.personnel.amount}元＋{fund.public.amount}元）。"
                ),
                fix=ROUNDING_FIX,
            )


@register("table_rounding", severity=WARNING, title="合计、小计＝各分项之和（按公开数，尾差）")
def table_rounding(ctx: CheckContext) -> Iterable[Problem]:
    """Every table with subtotals, as generated: a printed subtotal that is not the sum of its printed items.

    A warning, not an error: the 元 figures agree, and the generator prints the 尾差 note under the table
    by itself (disclosures.tables.rounding), so nothing has to be done; the department sees where it is.
    """
    for table in ctx.tables:
        for difference in table.rounding:
            yield Problem(
                location=Location(table=f"表{table.number} {table.title}", cell=difference.cell),
                message=difference.message,
                fix=ROUNDING_FIX,
            )


# ------------------------------------------------------------------------------------------ projects


@register("projects_total", severity=ERROR, title="项目合计＝项目支出")
def projects_total(ctx: CheckContext) -> Iterable[Problem]:
    f = ctx.figures
    declared = f.projects.declared_total.amount
    lines = f.expense.project.amount
    if not f.projects.rows or declared == lines:
        return
    difference = lines - declared
    message = f"所列{len(f.projects.rows)}个项目的{_stage(ctx)}合计{_w(declared)}，而支出明细中的项目支出为{_w(lines)}，相差{_w(abs(difference))}。"
    unattributed = [line for line in ctx.expense_lines if line.expense_kind == ExpenseKind.PROJECT and line.project_id is None]
    location = Location(table=_table(ctx, "部门支出总表", "支出决算表"), cell="项目支出")
    if unattributed:
        message += (
            "未归属任何项目的项目支出明细："
            + "；".join(f"#{line.pk} {line.function_item.code} {line.function_item.name} {_w(_main(ctx, line))}" for line in unattributed)
            + "。"
        )
        exact = [line for line in unattributed if _main(ctx, line) == difference]
        if exact:
            line = exact[0]
            location = Location(table=location.table, line_id=line.pk, cell=f"{line.function_item.code} {line.function_item.name}")
            message += (
                f"其中支出明细#{line.pk}（{line.function_item.code} {line.function_item.name}，{_w(_main(ctx, line))}）恰好等于差额，未列入任何项目。"
            )
    yield Problem(
        location=location,
        message=message,
        fix="为未归属的项目支出补录项目（或归入已有项目），或更正项目金额，使各项目合计等于项目支出。",
    )


@register("project_lines", severity=ERROR, title="项目金额＝所关联的支出明细")
def project_lines(ctx: CheckContext) -> Iterable[Problem]:
    for p in ctx.figures.projects.rows:
        location = Location(table="项目支出", project_code=p.code)
        if not p.line_count:
            yield Problem(
                location=location,
                severity=WARNING,
                message=f"项目“{p.name}”（{_w(p.declared.amount)}）没有关联任何支出明细，无法核对其金额。",
                fix="在支出明细中把该项目的项目支出关联到此项目。",
            )
        elif p.declared.amount != p.lines.amount:
            yield Problem(
                location=location,
                message=(
                    f"项目“{p.name}”填报的{_stage(ctx)}为{_w(p.declared.amount)}，而关联的{p.line_count}条支出明细合计"
                    f"{_w(p.lines.amount)}，相差{_w(abs(p.declared.amount - p.lines.amount))}。"
                ),
                fix="更正项目金额或支出明细，使两者相等。",
            )


@register("spending_plan", severity=ERROR, title="项目支出计划逐期不减并在12月底达到100%")
def spending_plan(ctx: CheckContext) -> Iterable[Problem]:
    labels = ("3月底", "6月底", "10月底", "12月底")
    for p in ctx.figures.projects.rows:
        if all(v is None for v in p.plan):
            continue
        location = Location(table="项目支出绩效目标表", cell="资金支出计划（累计进度%）", project_code=p.code)
        missing = [label for label, v in zip(labels, p.plan) if v is None]
        if missing:
            yield Problem(
                location=location, message=f"项目“{p.name}”的支出计划缺少{'、'.join(missing)}的累计进度。", fix="补齐四个时点的累计支出进度。"
            )
            continue
        drops = [f"{labels[i]}{p.plan[i]}%→{labels[i + 1]}{p.plan[i + 1]}%" for i in range(3) if p.plan[i + 1] < p.plan[i]]
        if drops:
            yield Problem(
                location=location,
                message=f"项目“{p.name}”的累计支出进度出现下降：{'；'.join(drops)}。",
                fix="累计进度应逐期不减，请按累计数（而非当期数）填写。",
            )
        if p.plan[3] != 100:
            yield Problem(
                location=location,
                message=f"项目“{p.name}”12月底累计支出进度为{p.plan[3]}%，应为100%。",
                fix="把12月底的累计支出进度改为100%，或调整项目预算。",
            )


@register("percentages", severity=ERROR, title="百分比在0–100%之间")
def percentages(ctx: CheckContext) -> Iterable[Problem]:
    f = ctx.figures
    for p in f.projects.rows:
        for label, value in zip(("3月底", "6月底", "10月底", "12月底"), p.plan):
            if value is not None and not (0 <= value <= 100):
                yield Problem(
                    location=Location(table="项目支出绩效目标表", cell=f"{label}累计进度", project_code=p.code),
                    message=f"项目“{p.name}”{label}累计进度为{value}%，超出0–100%。",
                    fix="填写0到100之间的百分数。",
                )
        if p.fiscal > p.declared.budget:
            yield Problem(
                location=Location(table="项目支出", cell="其中财政拨款", project_code=p.code),
                message=f"项目“{p.name}”其中财政拨款{_w(p.fiscal)}超过全年预算{_w(p.declared.budget)}（占比超过100%）。",
                fix="其中财政拨款不能大于全年预算数，请更正。",
            )
    if f.is_final:
        for row in f.procurement.rows:
            if row.sme > row.actual:
                yield Problem(
                    location=Location(table="政府采购", cell=f"{row.label}·授予中小企业合同金额"),
                    message=f"政府采购{row.label}授予中小企业合同金额{_w(row.sme)}大于采购支出{_w(row.actual)}（占比超过100%）。",
                    fix="中小企业合同金额是采购支出的一部分，不能大于采购支出。",
                )


# ------------------------------------------------------------------------------------------ codes


@register("economic_codes", severity=ERROR, title="支出明细的经济分类与支出类型一致")
def economic_codes(ctx: CheckContext) -> Iterable[Problem]:
    """A basic line needs an economic code of the right group. (Codes of another year are refused by a
    database trigger, migration 0003, so they cannot reach a check.)"""
    table = "支出明细"
    for line in ctx.expense_lines:
        location = Location(table=table, line_id=line.pk, cell=_line_label(line))
        economic = line.dept_economic_item
        if line.expense_kind in (ExpenseKind.PERSONNEL, ExpenseKind.PUBLIC) and economic is None:
            yield Problem(
                location=location,
                message=f"基本支出明细#{line.pk}没有部门预算经济分类科目。",
                fix="为基本支出填写部门预算支出经济分类（款级，如30101 基本工资）。",
            )
            continue
        if economic is None:
            continue
        personnel_code = economic.code[:3] in PERSONNEL_ECONOMIC_CLASSES
        if line.expense_kind == ExpenseKind.PERSONNEL and not personnel_code:
            yield Problem(
                location=location,
                message=f"支出明细#{line.pk}标为人员经费，但经济分类{economic.code} {economic.name}不属于工资福利支出（301）或对个人和家庭的补助（303）。",
                fix="把支出类型改为日常公用经费，或更正经济分类。",
            )
        elif line.expense_kind == ExpenseKind.PUBLIC and personnel_code:
            yield Problem(
                location=location,
                message=f"支出明细#{line.pk}标为日常公用经费，但经济分类{economic.code} {economic.name}属于人员经费。",
                fix="把支出类型改为人员经费，或更正经济分类。",
            )


# ------------------------------------------------------------------------------------------ reasons


@register("text_reasons", severity=WARNING, title="说明中须说明的原因（变动、决算数与预算数的差异）")
def text_reasons(ctx: CheckContext) -> Iterable[Problem]:
    """Every reason the drafted 说明 asks for and the department has not written: a headline change, a “三公”
    increase, a 决算 below or above its budget (功能分类项, project, 三公 item). The rule of when a reason is
    needed is written once, in the text (narrative.sections); this check only reports the slots it left open,
    where their figures are printed."""
    for section in ctx.sections:
        for slot in section.reasons:
            if slot.key not in section.missing_reasons:
                continue
            location = Location(table=slot.table or "说明", cell=slot.cell or section.title, project_code=slot.project_code, reason=slot.key)
            message = f"{slot.finding}，未说明原因。" if slot.finding else f"说明“{section.title}”需要填写：{slot.label}。"
            yield Problem(location=location, message=message, fix="在“说明”页填写原因（只写原因，数字由系统生成）。")


# ------------------------------------------------------------------------------------------ consistency


@register("vehicle_counts", severity=WARNING, title="公务用车保有量与国有资产中的车辆数一致")
def vehicle_counts(ctx: CheckContext) -> Iterable[Problem]:
    f = ctx.figures
    owned, assets = f.three_public.counts.vehicles_owned, f.assets.vehicles
    if owned != assets:
        yield Problem(
            location=Location(table="国有资产占用 / “三公”经费数量信息", cell="车辆数"),
            message=f"“三公”经费说明中的公务用车保有量为{owned}辆，国有资产占用中的车辆合计为{assets:.0f}辆。",
            fix="核对车辆数，使两处一致。",
        )


@register("vehicle_costs_without_vehicles", severity=WARNING, title="有公务用车运行维护费的须有公务用车")
def vehicle_costs_without_vehicles(ctx: CheckContext) -> Iterable[Problem]:
    """Seeds 001 and 002 print 公务用车运行维护费 while their departments own no 公务用车."""
    f = ctx.figures
    running = f.three_public.vehicle_operation
    amount = running.actual if f.is_final else running.amount
    owned, assets = f.three_public.counts.vehicles_owned, f.assets.vehicles
    if amount and not owned and not assets:
        yield Problem(
            location=Location(table=_table(ctx, "一般公共预算“三公”经费支出表", "一般公共预算财政拨款“三公”经费支出决算表"), cell="公务用车运行费"),
            message=(f"公务用车运行维护费{_stage(ctx)}{_w(amount)}，但公务用车保有量为0辆，国有资产占用中也没有车辆。"),
            fix="填写公务用车保有量和资产中的车辆；若无公务用车，相关费用（如租车、交通补贴）应列其他交通费用（30239）等科目。",
        )
