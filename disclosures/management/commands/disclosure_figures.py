"""Print the key figures of a filing in 万元: `manage.py disclosure_figures --department 茂县信访局 --year 2019 --kind final`."""

import json

from django.core.management.base import BaseCommand, CommandError

from disclosures.models import Filing, FundingSource
from disclosures.money import format_percent, format_wan
from disclosures.selectors.figures import FilingFigures, figures_as_dict, filing_figures


def figures_text(f: FilingFigures) -> list[str]:
    stage = "决算数" if f.is_final else "预算数"
    lines = [f"{f.department} {f.year}年{'部门决算' if f.is_final else '部门预算'}（{stage}，单位：万元）", ""]
    lines.append(
        f"收入总计 {format_wan(f.income.grand_total.amount)}：本年收入合计 {format_wan(f.income.total.amount)}，"
        f"年初结转和结余 {format_wan(f.income.opening.amount)}"
    )
    for source in FundingSource:
        amount = f.income.by_source[source.value].amount
        if amount:
            lines.append(f"  收入 {source.label} {format_wan(amount)}")
    lines.append(
        f"支出总计 {format_wan((f.expense.total + f.income.closing).amount)}：本年支出合计 {format_wan(f.expense.total.amount)}，"
        f"年末结转和结余 {format_wan(f.income.closing.amount)}"
    )
    lines.append(
        f"  基本支出 {format_wan(f.expense.basic.amount)}（人员经费 {format_wan(f.expense.personnel.amount)}，"
        f"日常公用经费 {format_wan(f.expense.public.amount)}），项目支出 {format_wan(f.expense.project.amount)}"
    )
    for split in f.expense.by_source.values():
        if split.total.amount:
            lines.append(
                f"  支出 {split.label} {format_wan(split.total.amount)}（基本 {format_wan(split.basic.amount)}，"
                f"项目 {format_wan(split.project.amount)}）"
            )
    lines += ["", f"一般公共预算财政拨款支出 {format_wan(f.gpb.total.amount)}"]
    for row in f.gpb.function_rows:
        if row.level == 2:
            continue
        indent = "  " if row.level == 1 else "    "
        completion = f"，预算 {format_wan(row.total.budget)}，完成 {format_percent(row.total.completion)}" if f.is_final else ""
        lines.append(f"{indent}{row.code} {row.name} {format_wan(row.total.amount)}{completion}")
    tp = f.three_public
    lines += [
        "",
        f"“三公”经费 {format_wan(tp.total.amount)}：因公出国（境） {format_wan(tp.overseas.amount)}，"
        f"公务用车购置 {format_wan(tp.vehicle_purchase.amount)}，公务用车运行维护 {format_wan(tp.vehicle_operation.amount)}，"
        f"公务接待 {format_wan(tp.reception.amount)}",
        f"机关运行经费 {format_wan(f.operating_costs.total.amount)}",
        f"政府采购 {format_wan(f.procurement.total)}："
        + "，".join(f"{r.label} {format_wan(r.amount)}" for r in f.procurement.rows)
        + f"；中小企业 {format_wan(f.procurement.sme)}（{format_percent(f.procurement.sme_share)}）",
        f"项目 {len(f.projects.rows)} 个，合计 {format_wan(f.projects.declared_total.amount)}",
    ]
    changes = [(key, f.change(key)) for key in ("total", "gpb_expense", "three_public.total", "operating_costs")]
    for key, change in changes:
        if change is not None:
            lines.append(f"与上年比 {key}：{change.delta_wan:+.2f}（{format_percent(change.pct)}）")
    return lines


class Command(BaseCommand):
    help = "打印一个填报的关键数字（万元，两位小数）。"

    def add_arguments(self, parser):
        parser.add_argument("--department", required=True, help="部门名称")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--kind", choices=Filing.Kind.values, required=True)
        parser.add_argument("--format", choices=("json", "text"), default="text")

    def handle(self, *args, department, year, kind, format, **options):
        filing = (
            Filing.objects.filter(department__name=department, fiscal_year__year=year, kind=kind)
            .select_related("department", "fiscal_year")
            .order_by("-version")
            .first()
        )
        if filing is None:
            raise CommandError(f"没有找到{department}{year}年的{Filing.Kind(kind).label}。")
        figures = filing_figures(filing=filing)
        if format == "json":
            self.stdout.write(json.dumps(figures_as_dict(figures), ensure_ascii=False, indent=2))
        else:
            self.stdout.write("\n".join(figures_text(figures)))
