"""Demo data built from the four seed documents, with the figures as published (`manage.py load_demo`).

- 茂县信访局 2019年部门决算 (seed 003), in 万元 as published. Where the seed disagrees with itself (基本支出
  317.41 in one place, 人员经费 274.26 + 公用经费 43.16 = 317.42 in another), the 元 amounts are chosen so
  that both printed figures are rounding artefacts: 2,742,560.00 + 431,560.00 = 3,174,120.00 → 317.41, while
  274.256 → 274.26 and 43.156 → 43.16. The projects listed add up to 64.5 while 项目支出 is 64.90: the 0.4
  of 扶贫 is a project line linked to no project, the gap the checks must flag.
- 山海关区信访局 2020年部门预算 (seed 001), in 元, projects and indicators exactly as published, mistakes
  included (identical 目标1/目标2, space-padded units and values).
- 资阳区信访局 2020年部门预算 (seed 000).
- 望城区信访局 2020 (seed 002): the 部门整体支出绩效自评表 and a minimal 部门决算 (基本支出 596.68, 项目支出
  156.5), so that the checks can show the self-evaluation counted the 基本支出 only.

The seeds publish totals, not every line: where a split below the published figures is needed (the
economic codes of 人员经费, the 312,000 元 shared by two of 山海关's projects, …) it is invented, and the
comment at that place says so. Every published figure is reproduced.

Idempotent: departments, units, users and rule sets are updated in place; the demo departments' filings
of the demo years and their department targets are deleted and built again, so running twice gives the
same data. All filings are left as drafts; later steps (e.g. the workflow) are listed in POST_BUILD_STEPS.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from types import SimpleNamespace

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils.module_loading import import_string

from disclosures.models import (
    AssetHolding,
    CatalogItem,
    Department,
    DepartmentMembership,
    ExpenseKind,
    ExpenseLine,
    Filing,
    FiscalYear,
    FundingSource,
    IncomeLine,
    PriorYearFigure,
    Procurement,
    Project,
    Province,
    Unit,
)
from disclosures.money import AmountUnit, from_wan
from disclosures.services import lines
from disclosures.services.catalog import catalog_load_starter
from evaluations.models import DepartmentTarget, Indicator, IndicatorResult, RuleSet, SelfEvaluation
from evaluations.rulesets import NATIONAL, SICHUAN, ensure_rule_sets, rule_set_for
from evaluations.services import results_pick_published

#: Steps run after the build, as dotted paths of callables taking the demo namespace, e.g.
#: "demo.workflow.advance_demo" (load_demo runs that one itself, after build_demo).
POST_BUILD_STEPS: list[str] = []

DEMO_YEARS = (2019, 2020)
REVIEWER_GROUP = "财政局审核人"
ACCOUNTANT_GROUP = "部门填报人"

#: (app_label, model, actions) an accountant needs on their own department's data.
ACCOUNTANT_PERMISSIONS = [
    ("disclosures", "expenseline", ("view", "add", "change", "delete")),
    ("disclosures", "incomeline", ("view", "add", "change", "delete")),
    ("disclosures", "project", ("view", "add", "change", "delete")),
    ("disclosures", "procurement", ("view", "add", "change", "delete")),
    ("disclosures", "assetholding", ("view", "add", "change", "delete")),
    ("disclosures", "threepublicstats", ("view", "add", "change", "delete")),
    ("disclosures", "prioryearfigure", ("view", "add", "change", "delete")),
    ("disclosures", "filing", ("view", "change")),
    ("evaluations", "indicator", ("view", "add", "change", "delete")),
    ("evaluations", "selfevaluation", ("view", "change")),
    ("evaluations", "indicatorresult", ("view", "change")),
]

#: Demo users: username → (password, role, department code or None). Printed by load_demo.
DEMO_USERS = {
    "admin": ("Gongkai-Admin-2020", "superuser", None),
    "shenhe": ("Gongkai-Shenhe-2020", "reviewer", None),
    "maoxian": ("Gongkai-Maoxian-2020", "accountant", "513223-XFJ"),
    "shanhaiguan": ("Gongkai-Shanhaiguan-2020", "accountant", "130303-XFJ"),
    "ziyang": ("Gongkai-Ziyang-2020", "accountant", "430902-XFJ"),
    "wangcheng": ("Gongkai-Wangcheng-2020", "accountant", "430112-XFJ"),
}

GPB = FundingSource.GENERAL_PUBLIC_BUDGET
PERSONNEL, PUBLIC, PROJECT = ExpenseKind.PERSONNEL, ExpenseKind.PUBLIC, ExpenseKind.PROJECT
O, E, S = Indicator.Level1.OUTPUT, Indicator.Level1.EFFECT, Indicator.Level1.SATISFACTION
L2 = Indicator.Level2
C = Indicator.Comparator


def Y(amount: str) -> Decimal:
    """An amount in 元 as written here."""
    return Decimal(amount)


W = from_wan  # an amount in 万元 as printed in the seed → 元


# ---------------------------------------------------------------------------------------------- texts

MAOXIAN_DUTIES = "\n".join(
    [
        "1.起草有关信访工作的规范性文件草案。制定信访问题排查化解、风险评估等制度并组织实施，提出改进和加强信访工作的意见和建议。负责本部门依法行政工作。",
        "2.负责向县委、县人民政府反映来信来电来访中提出的重要建议、意见和问题，综合研判信访信息，开展调查研究，提出相关建议。",
        "3.综合协调指导全县信访工作，推动建立健全信访工作的协调配合机制。督促检查县直各部门（单位）和乡镇信访工作，总结推广信访工作先进经验，协调信访工作宣传和信息发布。",
        "4.负责处理县内外群众、境外人士、法人及其他组织通过信访渠道给县委、县人民政府及领导同志的来信来电，接待来访。",
        "5.承担协调处理群众进京到省去州来县集体上访和非正常上访的责任，综合协调处理跨地区、跨部门的重要信访问题。",
        "6.负责落实国家、省、州、县领导批示交办信访事项，受理、交办、转办（送）群众来信、来电、来访、网上信访提出的信访事项，督促检查重要信访事项的处理和落实。",
        "7.加强对信访问题排查化解和社情民意汇集分析，重点开展法律法规政策宣传和思想教育疏导，将信访工作的重点由事后处理转移到事前排查化解，增强信访工作的预见性和针对性。",
        "8.加强对重大信访事项的督查督办，完善信访诉求表达方式，进一步畅通信访渠道，确保信访工作决策部署得到贯彻落实，推动群众信访问题得到妥善解决。",
        "9.建立和完善信访信息汇集分析机制，指导信访信息系统建设和应用。",
        "10.开展网上信访工作，探索“互联网+信访”新模式，推动信访信息化建设。",
        "11.承担县信访工作联席会议、县人民政府信访事项复查复核委员会日常工作，督促落实有关事项。",
        "12.完成县委、县人民政府交办的其他任务。",
    ]
)
MAOXIAN_ORGANISATION = "茂县信访局下属二级单位1个，其中行政单位0个，参照公务员法管理的事业单位0个，其他事业单位1个。"

SHANHAIGUAN_DUTIES = "\n".join(
    [
        "1、负责进京、赴省、到市上访、旅游旺季到北戴河上访等突发性及群体性事件的处理；提供相关服务保障；协助区信访局处理全区群众进京上访；信访事项督查、复查复核、听证；负责上级交办、督办信访事项；负责区委区政府交办的其他事项。",
        "2、拟定信访工作方针政策；调研提出信访工作对策建议；督促检查和指导全区信访工作；机关日常工作。",
    ]
)
SHANHAIGUAN_ORGANISATION = (
    "秦皇岛市山海关区信访局：行政单位，正科级，经费保障形式为财政拨款。山海关区信访局机关及所属事业单位的收支包含在部门预算中。"
)
SHANHAIGUAN_OVERALL_GOAL = (
    "围绕区委总体工作部署，协调区委各部门工作，确保全区各项工作顺利推进；保障全区值班工作规范有效开展，行政中心网络的正常运行,电子党务、电子政务文件正常收发；"
    "加强基层领导班子建设，健全全区党的组织制度，培养锻炼干部，提高干部整体素质；指导全区理论研究、学习、宣传工作，宏观指导精神产品创作生产，规划组织思想政治工作，"
    "指导协调宣传思想文化事业和外宣事业发展，加强舆论舆情引导管理，宏观指导协调互联网宣传和信息内容管理，加强精神文明建设；督促检查和指导全区信访工作，"
    "确保来信来访总量较往年呈下降趋势，进京访、赴省访、到市访总量下降；建立健全党委统一领导、统战部门牵头协调、各有关部门各负其责的“大统战”工作格局，"
    "推进统战系统合署办公；带领和指导区直机关各级党组织抓好党的思想、组织、作风、反腐倡廉和制度建设工作；坚持党建带团建，不断加强自身建设，丰富青少年活动，"
    "引领青少年服务经济发展；团结动员妇女参加经济社会建设，维护妇女儿童合法权益促进妇女儿童发展；加强社区建设，谋划社区重点项目；做好服务接待工作，"
    "更好对外宣传我区；督导、协调旅游旺季工作，圆满完成暑期、旅游旺季任务。"
)

ZIYANG_DUTIES = "\n".join(
    [
        "1.贯彻落实党的群众工作路线，研究部署和指导群众工作；负责接待来访群众，并为区级领导接待上访群众做好服务工作；负责处理各级网上投诉平台和领导信箱的网上信访事项；负责处理人民群众给区委、区人民政府及其领导同志的来信。",
        "2.承办区委、区人民政府领导同志和上级党政领导及主管部门交办、督办的信访事项，督促检查有关单位落实各级领导对群众网上投诉、来信等批示件；负责交办各乡镇街道经开区和区直、驻区部门信访事项，并督促检查处理落实。",
        "3.综合、反映群众来信、来访、网上投诉中提出的重要意见、建议和问题，开展调查研究，研判社情民意，建立风险防范机制，及时为区委、区人民政府提供信访信息和决策依据。",
        "4.协同有关部门处理本区跨地区、跨部门的重大信访问题；协调处理群众来区、到市、赴省、进京上访和异常突发性信访问题；组织开展矛盾纠纷排查调处，从源头上预防和减少信访问题的发生。",
        "5.研究、起草有关信访工作文件；开展信访工作和政策法规宣传和理论研讨；指导全区各级党政机关开展信访工作；负责总结推广信访工作经验，创新信访工作机制，深入推进信访工作制度改革，打造阳光信访、责任信访、法治信访。",
        "6.抓好全区信访工作干部队伍建设，对信访工作中的失职、渎职行为提出处理建议；组织信访干部培训，指导和推广信访工作办公自动化建设。",
        "7.完成区委、区政府交办的其他任务。",
    ]
)
ZIYANG_ORGANISATION = (
    "根据区编委核定，我局内设股室2个，所属事业单位1个，全部纳入2020年部门预算编制范围。"
    "内设股室分别是办公室（信访信息股）、接访股（处信办案股）。所属事业单位是益阳市资阳区社会矛盾纠纷调处中心办公室。"
    "益阳市资阳区信访局机关行政编制5名，机关后勤服务全额拨款事业编制2名；益阳市资阳区社会矛盾纠纷调处中心办公室为股级公益一类事业单位，核定全额事业编制4名。"
)

WANGCHENG_DUTIES = (
    "望城区信访局与望城区处理信访突出问题及群众性事件联席会议办公室、望城区人民来访接待中心合署办公，在望城区联席会议办公室和望城区人民来访接待中心的指导下开展工作。"
    "主要职责为：受理、交办、转送信访人提出的信访事项；承办上级和本级人民政府交由处理的信访事项；协调处理重要信访事项；督促、检查信访事项的处理；"
    "研究、分析信访情况，开展调查研究，及时向区人民政府提出完善政策和改进工作的建议；对区人民政府其他工作部门和各乡镇人民政府信访工作机构的信访工作进行指导和考核；"
    "落实望城区联席会议办公室和望城区人民来访接待中心交办的各项工作任务；完成望城区委、区人民政府交办的其他工作。"
)
WANGCHENG_ORGANISATION = (
    "望城区信访局是我区的行政机关，属全额拨款机关行政单位，内设办公室、接访案件科。其中，区委群工办为区委组织部下属二级机构，归口区信访局管理。"
    "单位定编制13名，其中行政编制9名，工勤编制1名，事业编制3名。实有在职在编人员13人，临聘人员8人，退休人员2人。"
)


# ------------------------------------------------------------------------------------------ building


@dataclass
class FilingBuilder:
    """Writes one filing's lines through the line services, with catalog codes looked up in its year."""

    filing: Filing
    units: dict[str, Unit]
    codes: dict[tuple[str, str], CatalogItem] = field(default_factory=dict)

    def __post_init__(self):
        items = CatalogItem.objects.filter(fiscal_year=self.filing.fiscal_year)
        self.codes = {(item.kind, item.code): item for item in items}

    @property
    def is_final(self) -> bool:
        return self.filing.kind == Filing.Kind.FINAL

    def amounts(self, amount: Decimal) -> dict:
        """A 决算 here completes its budget exactly (seed 003: 完成预算100%); a 预算 has no actual yet."""
        return {"budget_amount": amount, "actual_amount": amount if self.is_final else Decimal("0.00")}

    def line(
        self,
        unit: str,
        function: str,
        economic: str | None,
        kind: str,
        amount: Decimal,
        *,
        project: Project | None = None,
        source: str = GPB,
        note: str = "",
    ) -> ExpenseLine:
        line = ExpenseLine(
            filing=self.filing,
            unit=self.units[unit],
            function_item=self.codes[(CatalogItem.Kind.FUNCTION, function)],
            dept_economic_item=self.codes[(CatalogItem.Kind.DEPT_ECONOMIC, economic)] if economic else None,
            expense_kind=kind,
            project=project,
            funding_source=source,
            note=note,
            **self.amounts(amount),
        )
        return lines.expense_line_save(line=line)

    def project(
        self,
        *,
        unit: str,
        code: str,
        name: str,
        amount: Decimal,
        order: int,
        purpose: str = "",
        plan: tuple[str, str, str, str] | None = None,
        goals: tuple[str, str] = ("", ""),
        result_summary: str = "",
    ) -> Project:
        values = {
            "budget_amount": amount,
            "actual_amount": amount if self.is_final else Decimal("0.00"),
            "fiscal_amount": amount,
        }
        if plan:
            values.update(zip(Project.PLAN_FIELDS, (Decimal(p) for p in plan)))
        project = Project(
            filing=self.filing,
            unit=self.units[unit],
            code=code,
            name=name,
            purpose=purpose,
            order=order,
            goal_1=goals[0],
            goal_2=goals[1],
            result_summary=result_summary,
            **values,
        )
        return lines.project_save(project=project)

    def income_from_lines(self) -> None:
        """本年收入 per unit, source and 功能分类 项 equal to that spending (no carry-overs in the seeds):
        the seeds' 收入决算表 / 部门收入总表 list income by the function it funds, as the spending."""
        totals: dict[tuple[int, str, int], list[Decimal]] = defaultdict(lambda: [Decimal("0.00"), Decimal("0.00")])
        for line in self.filing.expense_lines.all():
            pair = totals[(line.unit_id, line.funding_source, line.function_item_id)]
            pair[0] += line.budget_amount
            pair[1] += line.actual_amount
        units = {u.pk: u for u in self.units.values()}
        functions = {item.pk: item for item in self.codes.values()}
        for (unit_id, source, function_id), (budget, actual) in sorted(totals.items()):
            lines.income_line_save(
                line=IncomeLine(
                    filing=self.filing,
                    unit=units[unit_id],
                    category=IncomeLine.Category.INCOME,
                    source=source,
                    function_item=functions[function_id],
                    budget_amount=budget,
                    actual_amount=actual,
                )
            )

    def prior(self, **amounts: Decimal) -> None:
        """PriorYearFigure rows; keys are those of disclosures.selectors.figures.PRIOR_KEYS (dots as '__')."""
        for key, amount in amounts.items():
            lines.filing_item_save(item=PriorYearFigure(filing=self.filing, key=key.replace("__", "."), amount=amount))


def _department(
    *, code: str, name: str, province: str, region: str, duties: str, organisation: str, units: list[dict]
) -> tuple[Department, dict[str, Unit]]:
    department, _ = Department.objects.update_or_create(
        code=code, defaults={"name": name, "province": province, "region": region, "duties": duties, "organisation": organisation}
    )
    found = {}
    for spec in units:
        spec = dict(spec)
        key = spec.pop("key")
        unit, _ = Unit.objects.update_or_create(department=department, code=spec.pop("code"), defaults=spec)
        unit.full_clean()
        found[key] = unit
    return department, found


def _fresh_filing(*, department: Department, year: FiscalYear, kind: str) -> Filing:
    """Delete the department's filings of that year and kind (corrections first) and create version 1 anew.

    Rebuilding the demo is the one place published filings are deleted: the locked-filing triggers are
    lifted for that deletion only."""
    from disclosures.lock_triggers import lock_triggers_lifted

    with lock_triggers_lifted():
        for old in Filing.objects.filter(department=department, fiscal_year=year, kind=kind).order_by("-version"):
            old.delete()
    return lines.filing_create(department=department, fiscal_year=year, kind=kind)


def _indicator(
    *,
    order: int,
    level1: str,
    level2: str,
    name: str,
    comparator: str = C.QUALITATIVE,
    target_value: str | None = None,
    target_text: str = "",
    unit: str = "",
    description: str = "",
    basis: str = "",
    weight: str | None = None,
    **owner,
) -> Indicator:
    """An indicator stored exactly as published (padding kept: the checks are there to report it)."""
    indicator = Indicator(
        **owner,
        order=order,
        level1=level1,
        level2=level2,
        name=name,
        comparator=comparator,
        target_value=Decimal(target_value.strip()) if target_value else None,
        target_text=target_text,
        unit=unit,
        description=description,
        basis=basis,
        weight=Decimal(weight) if weight else None,
    )
    indicator.full_clean()
    indicator.save()
    return indicator


def _evaluation(**values) -> SelfEvaluation:
    evaluation = SelfEvaluation(**values)
    evaluation.full_clean()
    evaluation.save()
    return evaluation


def _result(**values) -> IndicatorResult:
    result = IndicatorResult(**values)
    result.full_clean()
    result.save()
    return result


# ------------------------------------------------------------------------------- seed 003 (茂县 2019)

#: (name, 预期目标, 实际完成目标, amount in 万元, indicators: (level1, level2, 三级, 预期指标值, 实际完成指标值, comparator, value, unit))
MAOXIAN_PROJECTS = [
    (
        "信访视频会议系统技术服务费",
        "能够联通县信访局到乡镇视频会议，远程接访群众，推动我县信访工作创新发展",
        "联通了县信访局到乡镇会议视频，能够通过视频远程接访群众，推动了我县信访工作信息化建设创新发展",
        "23",
        [
            (
                O,
                L2.QUANTITY,
                "召开视频会议及接待群众数量",
                "召开视频会议4次  远程接访群众50人次",
                "召开了视频会议4次，远程接访群众47人次",
                C.QUALITATIVE,
                None,
                "",
            ),
            (O, L2.QUALITY, "工作完成度", "完成既定的视频会议和远程接访群众", "完成了既定的视频会议和远程接访群众", C.QUALITATIVE, None, ""),
            (O, L2.TIMELINESS, "完成时间", "2019年度", "2019年度", C.QUALITATIVE, None, ""),
            (S, L2.SATISFACTION, "满意度", "≥90%", "≥90%", C.GE, "90", "%"),
        ],
    ),
    (
        "特殊疑难信访问题专项资金",
        "特殊疑难信访问题专项资金的设立和使用是为了解决长期积累、久拖未决、难以划分责任主体或无法追查责任单位的特殊疑难信访问题，"
        "特别是对事关民生的“无头案、钉子案、骨头案”的当事人实施适度救助，达到息访息诉，实现事要解决、案结事了、和谐社会的工作目标，极大限度降低进京赴省到市非正常重复上访量。",
        "解决了安某某、任某某、坤某某、李某某3件4人次长期积累、久拖未决、难以划分责任主体或无法追查责任单位的特殊疑难信访问题，降低了到州、赴省、进京重复访数量。",
        "25",
        [
            (
                O,
                L2.QUANTITY,
                "特殊疑难信访问题化解数量",
                "解决特殊疑难信访问题3件4人次",
                "完成2019年度特殊疑难信访问题化解，息诉息访3件4人次",
                C.QUALITATIVE,
                None,
                "",
            ),
            (O, L2.QUALITY, "工作完成度", "解决了特殊疑难信访问题3件4人次", "全部息诉息访", C.QUALITATIVE, None, ""),
            (O, L2.TIMELINESS, "完成时间", "2019年度", "2019年度", C.QUALITATIVE, None, ""),
            # Published in the 项目完成指标 block (一级 left blank), 二级 满意度指标: stored as 满意度.
            (S, L2.SATISFACTION, "满意度", "≥99%", "≥99%", C.GE, "99", "%"),
        ],
    ),
    (
        "信访维稳工作经费",
        "县驻蓉信访维稳值班，负责对进京、赴省越级上访人员进行思想疏导、接访劝返工作， 积极做好国家重大活动期间信访维稳工作。",
        "完成了2019年驻蓉信访维稳值班工作，接访劝返欲进京、赴省越级上访人员，保证了国家重大活动期间未出现我县非法越级上访人员",
        "16.5",
        [
            (
                O,
                L2.QUANTITY,
                "接访劝返欲进京、赴省越级上访人员数量",
                "驻蓉信访维稳值班工作，接访劝返欲进京、赴省越级上访人员",
                "完成2019年度驻蓉信访维稳值班工作，接访劝返欲进京、赴省越级上访人员21批37人次",
                C.QUALITATIVE,
                None,
                "",
            ),
            (
                O,
                L2.QUALITY,
                "工作完成度",
                "做好驻蓉信访维稳值班工作，接访劝返欲进京、赴省越级上访人员",
                "做好驻蓉信访维稳值班工作，接访劝返欲进京、赴省越级上访人员",
                C.QUALITATIVE,
                None,
                "",
            ),
            (O, L2.TIMELINESS, "完成时间", "2019年度", "2019年度", C.QUALITATIVE, None, ""),
            (S, L2.SATISFACTION, "满意度", "≥90%", "≥90%", C.GE, "90", "%"),
        ],
    ),
]


def build_maoxian(*, year: FiscalYear, rule_set: RuleSet) -> SimpleNamespace:
    department, units = _department(
        code="513223-XFJ",
        name="茂县信访局",
        province=Province.SICHUAN,
        region="茂县",
        duties=MAOXIAN_DUTIES,
        organisation=MAOXIAN_ORGANISATION,
        units=[
            {
                "key": "main",
                "code": "513223001",
                "name": "茂县信访局",
                "is_main": True,
                "nature": Unit.Nature.ADMINISTRATIVE,
                "staff_quota": 7,
                "staff_actual": 11,
            },
            {
                "key": "centre",
                "code": "513223002",
                "name": "茂县信访局群众接待中心",
                "is_main": False,
                "nature": Unit.Nature.PUBLIC_INSTITUTION,
                "staff_quota": 6,
                "staff_actual": 7,
            },
        ],
    )
    filing = _fresh_filing(department=department, year=year, kind=Filing.Kind.FINAL)
    b = FilingBuilder(filing=filing, units=units)

    projects = []
    for order, (name, goal, result, amount, indicators) in enumerate(MAOXIAN_PROJECTS, start=1):
        project = b.project(
            unit="main", code=f"513223-2019-{order:03d}", name=name, amount=W(amount), order=order, goals=(goal, ""), result_summary=result
        )
        evaluation = _evaluation(
            project=project,
            rule_set=rule_set,
            budget_amount=W(amount),
            executed_amount=W(amount),
            fiscal_budget_amount=W(amount),
            fiscal_executed_amount=W(amount),
            goal_result=result,
        )
        for n, (level1, level2, three, target, actual, comparator, value, unit) in enumerate(indicators, start=1):
            indicator = _indicator(
                project=project,
                order=n,
                level1=level1,
                level2=level2,
                name=three,
                comparator=comparator,
                target_value=value,
                target_text=target,
                unit=unit,
            )
            _result(evaluation=evaluation, indicator=indicator, actual_text=actual)
        projects.append(project)
    video, special, stability = projects

    # 基本支出: 人员经费 2,742,560.00 + 公用经费 431,560.00 = 3,174,120.00 (see the module docstring).
    # 行政运行 173.67 = 人员 1,305,160.00 + 公用 431,560.00 (1,736,720.00); the split of 人员经费 by economic
    # code is invented, the 项 totals are the published ones.
    for economic, amount in (("30101", "420000.00"), ("30102", "560000.00"), ("30103", "120000.00"), ("30107", "205160.00")):
        b.line("main", "2010301", economic, PERSONNEL, Y(amount))
    # 公用经费 43.16 = 机关运行经费 43.16 (all in the administrative unit), with the items the seed lists.
    for economic, amount in (
        ("30201", "80000.00"),
        ("30202", "15000.00"),
        ("30206", "12000.00"),
        ("30207", "18000.00"),
        ("30211", "120000.00"),
        ("30213", "20000.00"),
        ("30214", "30000.00"),
        ("30216", "10000.00"),
        ("30217", "18500.00"),
        ("30226", "40000.00"),
        ("30231", "32200.00"),
        ("30239", "35860.00"),
    ):
        b.line("main", "2010301", economic, PUBLIC, Y(amount))
    # 事业运行 66.58: the 群众接待中心's personnel.
    for economic, amount in (("30101", "250000.00"), ("30102", "180000.00"), ("30107", "235800.00")):
        b.line("centre", "2010350", economic, PERSONNEL, Y(amount))
    b.line("main", "2080505", "30108", PERSONNEL, W("25.03"))
    b.line("main", "2080506", "30109", PERSONNEL, W("11.55"))
    b.line("main", "2101101", "30110", PERSONNEL, W("10.45"))
    b.line("centre", "2101102", "30110", PERSONNEL, W("6.12"))
    b.line("main", "2210201", "30113", PERSONNEL, W("22.99"))
    b.line("main", "2210203", "30399", PERSONNEL, W("1.02"), note="种子称“住房补贴”")

    # 项目支出 64.90: the 项 left over once the basic spending is placed are exactly the projects' amounts
    # (一般行政管理事务 23 = 视频会议; 信访事务 34.5 = 疑难 25 + 维稳 9.5; 维稳 also 5 + 2), plus 扶贫 0.4 without a project.
    b.line("main", "2010302", "30227", PROJECT, W("23"), project=video)
    b.line("main", "2010308", "30306", PROJECT, W("25"), project=special)
    b.line("main", "2010308", "30211", PROJECT, W("9.5"), project=stability)
    b.line("main", "2013602", "30299", PROJECT, W("5"), project=stability)
    b.line("main", "2040202", "30299", PROJECT, W("2"), project=stability)
    b.line("main", "2130599", "30299", PROJECT, W("0.4"), note="扶贫支出，未列入项目绩效目标完成情况表")
    b.income_from_lines()

    b.prior(
        total=W("310.17"),
        income=W("310.17"),
        expense=W("310.17"),
        fiscal_total=W("310.17"),
        gpb_expense=W("310.17"),
        three_public__total=W("11.29"),
        three_public__overseas=W("0"),
        three_public__vehicle=W("8.14"),
        three_public__reception=W("3.15"),
        operating_costs=W("50.98"),
    )
    stats = filing.three_public_stats
    stats.reception_batches, stats.reception_people, stats.vehicles_purchased, stats.vehicles_owned = 126, 357, 0, 1
    # the 三公 预算数 as seed 003 prints it: 5.07 万元, 完成预算100%
    stats.budget_overseas, stats.budget_vehicle_purchase = Decimal("0.00"), Decimal("0.00")
    stats.budget_vehicle_operation, stats.budget_reception = W("3.22"), W("1.85")
    lines.filing_item_save(item=stats)
    lines.filing_item_save(
        item=Procurement(
            filing=filing,
            category=Procurement.Category.GOODS,
            budget_amount=W("23"),
            actual_amount=W("23"),
            sme_amount=W("2.3"),
            micro_amount=Decimal("0.00"),
        )
    )
    lines.filing_item_save(item=AssetHolding(filing=filing, kind=AssetHolding.Kind.VEHICLE_OTHER, quantity=Decimal("1")))
    filing.reasons = {
        "change.total": "工资保险变动",
        "change.fiscal_total": "工资保险变动",
        "change.gpb_expense": "工资、保险变动",
        "three_public.vehicle": "出差下乡减少，选择乘坐公共交通工具增多",
        "three_public.reception": "进一步落实“八项规定”要求，严格控制接待标准，厉行节约，减少公务接待支出",
        "change.operating_costs": "厉行勤俭节约，出差下乡减少",
    }
    filing.full_clean()
    filing.save()
    return SimpleNamespace(department=department, units=units, filing=filing, projects=projects)


# ----------------------------------------------------------------------------- seed 001 (山海关 2020)

BASIS = "省市联席办相关要求"

#: Seed 001's projects as published. "amount" None = one of the two projects that share 312,000 元.
SHANHAIGUAN_PROJECTS = [
    {
        "code": "202-3202-YBN-67SQ",
        "name": "旅游旺季北戴河工作经费",
        "amount": "400000.00",
        "purpose": "用于处置旅游旺季期间北戴河各种突发事件和群体性事件，接劝返到北戴河上访人员，慰问公安干警及相关部门等，确保旅游旺季期间北戴河信访稳定。",
        "plan": ("30.00", "60.00", "90.00", "100.00"),
        "goals": ("确保旅游旺季期间不发生到北戴河大规模集体访、群体性事件及个人极端事件。", "实现上访人员“零”登记。"),
        "indicators": [
            (O, L2.QUANTITY, "劝返率", "到北戴河人员及时劝返", C.EQ, "100.00", "%", BASIS),
            (O, L2.QUALITY, "重大事件发生率", "不发生大规模集体访", C.GE, "   95.00 ", "%", BASIS),
            (O, L2.TIMELINESS, "全区旅游旺季信访稳定", "综合排名不进入倒排", C.GE, "95.00", "%", BASIS),
            (E, L2.ECONOMIC, "处置及时", "消除不良影响", C.GE, "95.00", "%", BASIS),
            (E, L2.SOCIAL, "协助公安工作", "依法打击缠访、闹访滋事者", C.GE, "95.00", "%", BASIS),
            (S, L2.SATISFACTION, "满意率", "社会和谐稳定", C.EQ, "100.00", "%", BASIS),
        ],
    },
    {
        "code": "202-3202-YBN-9QYV",
        "name": "全国、省、市两会期间及重点敏感时期驻京、驻石工作经费",
        "amount": "1200000.00",
        "purpose": "全国两会、省、市两会等敏感期，及时处置突发事件和群体性事件、接劝返各类上访人员，确保我区信访稳定。",
        "plan": ("40.00", "60.00", "90.00", "100.00"),
        "goals": (
            "全力做好全国两会、省、市两会、7.1、8.1、10.1及国家重大活动等敏感期信访稳定工作。",
            "及时接劝返赴省、进京及到国家各部委等敏感地，维护国家机关的正常工作秩序，做好稳控。",
        ),
        "indicators": [
            (O, L2.QUALITY, "进京、赴省、到市访率", "综合排名不进入倒排", C.GE, "95.00", "%", BASIS),
            (O, L2.QUANTITY, "劝返率", "及时劝返各类上访人员", C.EQ, "100.00", "%", BASIS),
            (O, L2.TIMELINESS, "重大活动突发事件发生率", "重点敏感时期保零", C.GE, "95.00", "%", BASIS),
            (E, L2.SOCIAL, "进京、赴省、到市访", "逐年下降", C.GE, "95.00", "%", BASIS),
            (S, L2.SATISFACTION, "群众满意度", "满意率100%", C.EQ, "100.00", "%", BASIS),
        ],
    },
    {
        "code": "202-3301-YBN-NQ6M",
        "name": "综合事物管理费",  # sic: the project table; the text calls it 综合事务管理费
        "amount": "1000000.00",
        "purpose": "保证信访局日常办公正常、提供相关服务保障、协助区信访局处理全区群众进京、赴省、到市上访、信访事项督查、复查复核、听证；负责区委区政府交办的其他事项。",
        "plan": ("30.00", "60.00", "90.00", "100.00"),
        "goals": (
            "按时完成上级机关统一部署的各项任务目标，对全区重点设访单位和部门进行指导信访案件的受理、办理程序，规范有效。",
            "按期完成上级交办、督办案件。",
        ),
        "indicators": [
            (O, L2.QUALITY, "购置质量合格率（%）", "及时制定出台信访工作规章制度，不断规范信访工作行为", C.GE, "95.00", "%", BASIS),
            (
                E,
                L2.SOCIAL,
                "各项综合管理工作完成率（%）",
                "在日常常态化盯办基础上，针对重要工作开展专项督查，及时提出改进工作、完善政策和责任查究建议",
                C.GE,
                "95.00",
                "%",
                BASIS,
            ),
            (
                S,
                L2.SATISFACTION,
                "职工或信访人满意度（%）",
                "针对信访问题高发领域和服务保障全区重点工作，定期形成有质量的意见建议",
                C.EQ,
                "100.00",
                "%",
                BASIS,
            ),
        ],
    },
    {
        "code": "202-3301-YBN-Q1IZ",
        "name": "人事代理专项补助",
        # Not published: this and 车辆保险费 share 312,000 元 (2,912,000 − 2,600,000); the split 240,000 / 72,000 is ours.
        "amount": "240000.00",
        "purpose": "发放人事代理专项补助。",
        "plan": ("30.00", "60.00", "90.00", "100.00"),
        "goals": ("人事代理专项补助按月及时发放到位", "人事代理专项补助按月及时发放到位"),
        "indicators": [
            (O, L2.TIMELINESS, "补助覆盖率", "以补助人数占应补助人数的比率", C.GE, "90.00", "%", ""),
            (E, L2.ECONOMIC, "补助金发放率", "实际发放补助金额占计划发放比率", C.GE, "90.00", "     %", ""),
            (S, L2.SATISFACTION, "服务对象满意度", "相关人员对补助发放工作满意度", C.GE, "90.00", "      %", ""),
        ],
    },
    {
        "code": "202-3301-YBN-UL6B",
        "name": "车辆保险费",
        "amount": "72000.00",  # see 人事代理专项补助: our split of the unpublished 312,000 元
        "purpose": "保证信访局日常办公正常、提供相关服务保障、协助区信访局处理全区群众进京、赴省、到时上访、信访事项督查、复查复核、听证；负责区委区政府交办的其他事项。",
        "plan": ("30.00", "60.00", "90.00", "100.00"),
        "goals": (
            "按时完成上级机关统一部署的各项任务目标，对全区重点设防单位和部门进行指导信访案件的受理、办理程序规范有效。",
            "按期完成上级交办。督办案件。",
        ),
        "indicators": [
            (O, L2.QUALITY, "购置质量合格率", "及时制定出台信访工作规章制度，不断规范信访工作行为", C.GE, "95.00", "%", BASIS),
            (
                E,
                L2.SOCIAL,
                "各项综合管理工作完成率",
                "在日常常态化盯办基础上，针对重要工作开展专项督查，及时提出改进工作、完善政策和责任查究建议。",
                C.GE,
                "95.00",
                "%",
                BASIS,
            ),
            (
                S,
                L2.SATISFACTION,
                "职工或信访人满意度",
                "针对信访问题高发领域和服务保障全区重点工作，定期形成有质量的意见建议。",
                C.EQ,
                "100.00",
                "%",
                BASIS,
            ),
        ],
    },
]

#: Economic lines of each project (invented below the published project amounts). 三公 in projects:
#: 30231 42,000 (驻京) + 72,000 (车辆保险费) and 30217 19,300 (北戴河), so that with the basic 12,000 and
#: 650.50 the published 三公 budget holds: 运行维护 126,000, 接待 19,950.50, total 145,950.50.
SHANHAIGUAN_PROJECT_LINES = {
    "202-3202-YBN-67SQ": (("30211", "200000.00"), ("30217", "19300.00"), ("30299", "180700.00")),
    "202-3202-YBN-9QYV": (("30211", "800000.00"), ("30231", "42000.00"), ("30299", "358000.00")),
    "202-3301-YBN-NQ6M": (("30201", "300000.00"), ("30226", "400000.00"), ("30299", "300000.00")),
    "202-3301-YBN-Q1IZ": (("30199", "240000.00"),),
    "202-3301-YBN-UL6B": (("30231", "72000.00"),),
}


def build_shanhaiguan(*, year: FiscalYear) -> SimpleNamespace:
    department, units = _department(
        code="130303-XFJ",
        name="山海关区信访局",
        province=Province.HEBEI,
        region="山海关区",
        duties=SHANHAIGUAN_DUTIES,
        organisation=SHANHAIGUAN_ORGANISATION,
        units=[
            {
                "key": "main",
                "code": "130303001",
                "name": "秦皇岛市山海关区信访局",
                "is_main": True,
                "nature": Unit.Nature.ADMINISTRATIVE,
                "grade": "正科级",
                "funding_form": Unit.FundingForm.FULL,
            }
        ],
    )
    filing = _fresh_filing(department=department, year=year, kind=Filing.Kind.BUDGET)
    b = FilingBuilder(filing=filing, units=units)
    projects = []
    for order, data in enumerate(SHANHAIGUAN_PROJECTS, start=1):
        project = b.project(
            unit="main",
            code=data["code"],
            name=data["name"],
            amount=Y(data["amount"]),
            order=order,
            purpose=data["purpose"],
            plan=data["plan"],
            goals=data["goals"],
        )
        for n, (level1, level2, three, description, comparator, value, unit, basis) in enumerate(data["indicators"], start=1):
            # The value as printed (with its padding) is kept in target_text; the number in target_value.
            _indicator(
                project=project,
                order=n,
                level1=level1,
                level2=level2,
                name=three,
                description=description,
                comparator=comparator,
                target_value=value,
                target_text=value if value != value.strip() else "",
                unit=unit,
                basis=basis,
            )
        for economic, amount in SHANHAIGUAN_PROJECT_LINES[data["code"]]:
            b.line("main", "2010308", economic, PROJECT, Y(amount), project=project)
        projects.append(project)

    # 人员经费 840,105.75: the split by 项 and economic code is invented; the total is the published one.
    for function, economic, amount in (
        ("2010301", "30101", "180000.00"),
        ("2010301", "30102", "260000.00"),
        ("2010301", "30103", "30000.00"),
        ("2010301", "30107", "150000.00"),
        ("2080505", "30108", "80000.00"),
        ("2080506", "30109", "32000.00"),
        ("2101101", "30110", "45105.75"),
        ("2210201", "30113", "63000.00"),
    ):
        b.line("main", function, economic, PERSONNEL, Y(amount))
    # 日常公用经费 76,496.27 = the 机关运行经费 items the seed lists, each on its economic code.
    for economic, amount, note in (
        ("30201", "4725.00", "办公及印刷费"),
        ("30205", "525.00", ""),
        ("30206", "1750.00", ""),
        ("30207", "1750.00", ""),
        ("30209", "875.00", ""),
        ("30211", "5250.00", ""),
        ("30213", "700.00", ""),
        ("30217", "650.50", ""),
        ("30228", "10586.50", ""),
        ("30229", "6666.90", ""),
        ("31002", "700.00", ""),
        ("30231", "12000.00", ""),
        ("30299", "30317.37", "其他费用"),
    ):
        b.line("main", "2010301", economic, PUBLIC, Y(amount), note=note)
    b.income_from_lines()
    # seed 001's 三公 预算 as published (145,950.50 元), entered as the figure of its own it is
    stats = filing.three_public_stats
    stats.budget_overseas, stats.budget_vehicle_purchase = Decimal("0.00"), Decimal("0.00")
    stats.budget_vehicle_operation, stats.budget_reception = Y("126000.00"), Y("19950.50")
    lines.filing_item_save(item=stats)
    filing.reasons = {"change.total": "我单位为2020年新增预算单位，暂无2019年预算数据"}
    filing.other_notes = "无其他需要说明的事项。"
    filing.amount_unit = AmountUnit.YUAN  # seed 001 publishes its tables and text in 元
    filing.full_clean()
    filing.save()

    DepartmentTarget.objects.filter(department=department, fiscal_year=year).delete()
    target = DepartmentTarget(department=department, fiscal_year=year, overall_goal=SHANHAIGUAN_OVERALL_GOAL, budget_amount=Y("3828602.02"))
    target.full_clean()
    target.save()
    return SimpleNamespace(department=department, units=units, filing=filing, projects=projects, target=target)


# ------------------------------------------------------------------------------- seed 000 (资阳 2020)

#: (name, purpose as published, 万元, unit key, economic code — invented)
ZIYANG_PROJECTS = [
    ("信访补助支出", "主要用于解决疑难信访问题，促进社会和谐稳定", "40", "main", "30306"),
    ("群众工作经费支出", "主要用于政策宣传、下访调研、维护群众权益等方面", "4", "main", "30299"),
    ("信访工作联席会议", "主要用于矛盾纠纷排查、信访事项协调、日常工作开支等方面", "4", "main", "30215"),
    ("信访工作经费", "", "40", "main", "30299"),
    ("矛盾纠纷调处中心和网络费用", "主要用于该二级机构正常运行以及网络运行与维护等方面", "5", "centre", "30207"),
    ("接访处访经费", "", "4", "main", "30211"),
    ("接访劝访人员经费", "", "4", "main", "30226"),
    ("重复非正常上访处置备用金", "", "1", "main", "30299"),
]


def build_ziyang(*, year: FiscalYear) -> SimpleNamespace:
    department, units = _department(
        code="430902-XFJ",
        name="资阳区信访局",
        province=Province.HUNAN,
        region="资阳区",
        duties=ZIYANG_DUTIES,
        organisation=ZIYANG_ORGANISATION,
        units=[
            {
                "key": "main",
                "code": "430902001",
                "name": "益阳市资阳区信访局机关",
                "is_main": True,
                "nature": Unit.Nature.ADMINISTRATIVE,
                "staff_quota": 7,
            },
            {
                "key": "centre",
                "code": "430902002",
                "name": "益阳市资阳区社会矛盾纠纷调处中心办公室",
                "is_main": False,
                "nature": Unit.Nature.PUBLIC_INSTITUTION,
                "grade": "股级",
                "staff_quota": 4,
            },
        ],
    )
    filing = _fresh_filing(department=department, year=year, kind=Filing.Kind.BUDGET)
    b = FilingBuilder(filing=filing, units=units)
    projects = []
    for order, (name, purpose, amount, unit, economic) in enumerate(ZIYANG_PROJECTS, start=1):
        project = b.project(unit=unit, code=f"430902-2020-{order:03d}", name=name, amount=W(amount), order=order, purpose=purpose)
        b.line(unit, "2010308", economic, PROJECT, W(amount), project=project)
        projects.append(project)
    # 一般公共预算 基本支出 126.39 = 人员经费 108.47 + 机关运行经费 17.92 (split by code invented).
    for unit, function, economic, amount in (
        ("main", "2010301", "30101", "220000.00"),
        ("main", "2010301", "30102", "260000.00"),
        ("main", "2010301", "30107", "150000.00"),
        ("centre", "2010350", "30101", "80000.00"),
        ("centre", "2010350", "30102", "60000.00"),
        ("centre", "2010350", "30107", "70000.00"),
        ("main", "2080505", "30108", "110000.00"),
        ("main", "2080506", "30109", "44000.00"),
        ("main", "2101101", "30110", "36700.00"),
        ("main", "2210201", "30113", "54000.00"),
    ):
        b.line(unit, function, economic, PERSONNEL, Y(amount))
    for economic, amount in (
        ("30201", "40000.00"),
        ("30207", "15000.00"),
        ("30211", "50000.00"),
        ("30228", "20000.00"),
        ("30229", "24000.00"),
        ("30299", "30200.00"),
    ):
        b.line("main", "2010301", economic, PUBLIC, Y(amount))
    # 230.06 − 228.39 = 1.67 not from 一般公共预算: the seed does not say from which source; 其他收入 here.
    b.line("centre", "2010350", "30201", PUBLIC, W("1.67"), source=FundingSource.OTHER, note="资金来源未公开，暂列其他收入")
    b.income_from_lines()
    # The seed compares 机关运行经费 with 2018 (5.00) although it is the 2020 budget; kept as the prior figure.
    b.prior(total=W("215.04"), income=W("215.04"), expense=W("215.04"), operating_costs=W("5.00"))
    filing.reasons = {
        "change.total": "在职人员工资和社会保险等增加",
        "change.operating_costs": "单位增人增资，运行成本增加",
    }
    filing.full_clean()
    filing.save()
    return SimpleNamespace(department=department, units=units, filing=filing, projects=projects)


# ------------------------------------------------------------- 资阳 2019: a prior year invented for the demo

#: 资阳区信访局's 2019 budget and final accounts are NOT from a seed: they are invented for the demo so
#: that the department's history page shows a series (2019 预算, 2019 决算, 2020 预算) and an 执行率.
#: The 2019 budget is derived from what seed 000 itself prints for the prior year: 收支总计 = 本年收入 =
#: 本年支出 = 215.04万元 and 机关运行经费 5.00万元 (the admin unit's 日常公用经费); everything below those
#: totals (the split of 人员经费 and 项目 by code, the 决算's actual amounts) is made up, scaled from 2020.
ZIYANG_PRIOR_YEAR = 2019
#: (name, unit, economic code, 2019 budget 万元, 2019 actual 万元) — the same projects as 2020, invented amounts.
ZIYANG_2019_PROJECTS = [
    ("信访补助支出", "main", "30306", "42", "40.10"),
    ("群众工作经费支出", "main", "30299", "5", "5"),
    ("信访工作联席会议", "main", "30215", "4", "4"),
    ("信访工作经费", "main", "30299", "42.04", "38.30"),
    ("矛盾纠纷调处中心和网络费用", "centre", "30207", "8", "7.20"),
    ("接访处访经费", "main", "30211", "4", "4"),
    ("接访劝访人员经费", "main", "30226", "3", "3"),
    ("重复非正常上访处置备用金", "main", "30299", "1", "1"),
]
#: 人员经费 2019 (元, budget = actual): 101.00万元, a little below 2020's 108.47 (invented).
ZIYANG_2019_PERSONNEL = (
    ("main", "2010301", "30101", "205000.00"),
    ("main", "2010301", "30102", "240000.00"),
    ("main", "2010301", "30107", "140000.00"),
    ("centre", "2010350", "30101", "75000.00"),
    ("centre", "2010350", "30102", "55000.00"),
    ("centre", "2010350", "30107", "65000.00"),
    ("main", "2080505", "30108", "105000.00"),
    ("main", "2080506", "30109", "42000.00"),
    ("main", "2101101", "30110", "34000.00"),
    ("main", "2210201", "30113", "49000.00"),
)
#: 日常公用经费 of the admin unit 2019 (元): (code, budget, actual); the budget adds up to the seed's 5.00万元.
ZIYANG_2019_PUBLIC = (
    ("30201", "12000.00", "12000.00"),
    ("30207", "8000.00", "8000.00"),
    ("30211", "15000.00", "14000.00"),
    ("30228", "6000.00", "6000.00"),
    ("30229", "5000.00", "5000.00"),
    ("30299", "4000.00", "3600.00"),
)


def build_ziyang_prior_year(*, year: FiscalYear, department: Department, units: dict[str, Unit]) -> SimpleNamespace:
    """资阳区信访局 2019年部门预算 (215.04万元) and 2019年部门决算 (208.46万元), invented for the demo (see above).

    The 2019 部门整体 target and the self-evaluations are entered by demo.workflow before publication, as
    the department would; a rebuild starts them afresh."""
    DepartmentTarget.objects.filter(department=department, fiscal_year=year).delete()
    built = {}
    for kind in (Filing.Kind.BUDGET, Filing.Kind.FINAL):
        filing = _fresh_filing(department=department, year=year, kind=kind)
        b = FilingBuilder(filing=filing, units=units)
        final = kind == Filing.Kind.FINAL
        for order, (name, unit, economic, budget, actual) in enumerate(ZIYANG_2019_PROJECTS, start=1):
            amount = W(actual if final else budget)
            project = b.project(unit=unit, code=f"430902-2019-{order:03d}", name=name, amount=amount, order=order)
            b.line(unit, "2010308", economic, PROJECT, amount, project=project)
        for unit, function, economic, amount in ZIYANG_2019_PERSONNEL:
            b.line(unit, function, economic, PERSONNEL, Y(amount))
        for economic, budget, actual in ZIYANG_2019_PUBLIC:
            b.line("main", "2010301", economic, PUBLIC, Y(actual if final else budget))
        b.income_from_lines()
        filing.full_clean()
        filing.save()
        built[kind] = filing
    return SimpleNamespace(budget=built[Filing.Kind.BUDGET], final=built[Filing.Kind.FINAL])


# ------------------------------------------------------------------------------- seed 002 (望城 2020)

#: The 部门整体支出绩效自评表: (level1, level2, 三级, comparator, target value, target text, unit,
#: actual value, actual text, band, published 分值, published 得分). Shapes as in tests/evaluations/seeds.py.
Q = IndicatorResult.Band
WANGCHENG_INDICATORS = [
    (O, L2.QUANTITY, "接待群众来访", C.QUALITATIVE, None, "全年预计接访量", "", None, "127批 600人", Q.ACHIEVED, "10", "10"),
    (O, L2.QUANTITY, "化解信访积案", C.QUALITATIVE, None, "完成信访积案化解案件", "", None, "32件", Q.ACHIEVED, "10", "10"),
    (O, L2.QUALITY, "办结率", C.GE, "100", "100%", "%", "100", "100%", "", "10", "10"),
    (O, L2.QUALITY, "化解率", C.GE, "100", "100%", "%", "100", "100%", "", "10", "10"),
    # Published with the columns shifted (三级 "1036.03", 指标值 "不超过预算指标数"): a ≤ cost indicator.
    (O, L2.COST, "不超过预算指标数", C.LE, "1036.03", "不超过预算指标数", "万元", "596.68", "596.68", "", "10", "10"),
    (E, L2.SOCIAL, "全年未发生维稳事件。", C.QUALITATIVE, None, "全年未发生维稳事件。", "", None, "100%", Q.ACHIEVED, "10", "10"),
    (E, L2.SOCIAL, "未发生重大群体性事件。", C.QUALITATIVE, None, "未发生重大群体性事件。", "", None, "100%", Q.ACHIEVED, "10", "10"),
    (
        E,
        L2.ECOLOGICAL,
        "化解了陈年积案，减少了进京非访数量，减少45%，有效的维护了社会和谐稳定。",
        C.QUALITATIVE,
        None,
        "化解了陈年积案，减少了进京非访数量，减少45%，有效的维护了社会和谐稳定。",
        "",
        None,
        "非访数量减少45%",
        Q.ACHIEVED,
        "10",
        "10",
    ),
    (E, L2.SUSTAINABLE, "进京“非访”率同比下降。", C.QUALITATIVE, None, "进京“非访”率同比下降。", "", None, "", "", "10", "10"),
    (S, L2.SATISFACTION, "群众理解及满意率97%。", C.GE, "97", "群众理解及满意率97%。", "%", "100", "100%", "", "10", "10"),
]
WANGCHENG_BUDGET = W("1036.03")
WANGCHENG_EXECUTED = W("596.68")
#: The table prints no total: the sum of its 得分 is 6 (执行率) + 10 × 10 = 106, over 100 because 效益指标
#: has four 10-point indicators under a 30-point heading.
WANGCHENG_PUBLISHED_TOTAL = Decimal("106")


def build_wangcheng(*, year: FiscalYear, rule_set: RuleSet) -> SimpleNamespace:
    department, units = _department(
        code="430112-XFJ",
        name="望城区信访局",
        province=Province.HUNAN,
        region="望城区",
        duties=WANGCHENG_DUTIES,
        organisation=WANGCHENG_ORGANISATION,
        units=[
            {
                "key": "main",
                "code": "430112001",
                "name": "长沙市望城区信访局",
                "is_main": True,
                "nature": Unit.Nature.ADMINISTRATIVE,
                "staff_quota": 13,
                "staff_actual": 13,
            }
        ],
    )
    DepartmentTarget.objects.filter(department=department, fiscal_year=year).delete()
    target = DepartmentTarget(
        department=department,
        fiscal_year=year,
        budget_amount=WANGCHENG_BUDGET,
        overall_goal="为完成中央、省、市进京非访指标总量下降的目标，确保我区社会大局稳定和治安秩序良好。",
    )
    target.full_clean()
    target.save()
    evaluation = _evaluation(
        department_target=target,
        rule_set=rule_set,
        budget_amount=WANGCHENG_BUDGET,
        executed_amount=WANGCHENG_EXECUTED,
        fiscal_budget_amount=WANGCHENG_BUDGET,
        fiscal_executed_amount=WANGCHENG_EXECUTED,
        execution_reason="信访工作任务重、时间紧、情况紧急，为更好、更快的完成接访劝访工作，未严格按照预算指标执行。",
        goal_result="完成中央、省、市进京非访指标总量下降的目标，确保了我区社会大局稳定和治安秩序良好。",
        published_execution_score=Decimal("6"),
        published_score=WANGCHENG_PUBLISHED_TOTAL,
    )
    published_points = {}
    for order, row in enumerate(WANGCHENG_INDICATORS, start=1):
        level1, level2, name, comparator, value, text, unit, actual, actual_text, band, points, score = row
        indicator = _indicator(
            department_target=target,
            order=order,
            level1=level1,
            level2=level2,
            name=name,
            comparator=comparator,
            target_value=value,
            target_text=text,
            unit=unit,
            weight=points,
        )
        _result(
            evaluation=evaluation,
            indicator=indicator,
            actual_value=Decimal(actual) if actual else None,
            actual_text=actual_text,
            band=band,
            published_score=Decimal(score),
        )
        published_points[indicator.pk] = Decimal(points)
    # the published 得分 of each qualitative indicator is the score its evaluator picked in the band
    results_pick_published(evaluation=evaluation, published_points=published_points)

    # A minimal 部门决算 2020: 基本支出 596.68 (the 执行数 of the self-evaluation) and 项目支出 156.5, which
    # the self-evaluation left out. Splits by code are invented.
    filing = _fresh_filing(department=department, year=year, kind=Filing.Kind.FINAL)
    b = FilingBuilder(filing=filing, units=units)
    for function, economic, amount in (
        ("2010301", "30101", "1200000.00"),
        ("2010301", "30102", "1500000.00"),
        ("2010301", "30107", "800000.00"),
        ("2080505", "30108", "420000.00"),
        ("2101101", "30110", "200000.00"),
        ("2210201", "30113", "175800.00"),
        ("2080501", "30302", "135000.00"),
    ):
        b.line("main", function, economic, PERSONNEL, Y(amount))
    for economic, amount in (
        ("30201", "300000.00"),
        ("30215", "50000.00"),
        ("30216", "40000.00"),
        ("30226", "300000.00"),
        ("30228", "80000.00"),
        ("30229", "100000.00"),
        ("30231", "120000.00"),
        ("30239", "246000.00"),
        ("30299", "300000.00"),
    ):
        b.line("main", "2010301", economic, PUBLIC, Y(amount))
    project = b.project(
        unit="main",
        code="430112-2020-001",
        name="信访工作专项经费",
        amount=W("156.5"),
        order=1,
        purpose="信访积案化解、接访劝返等专项工作（种子只公开了专项支出合计156.5万元，项目名称为示例）。",
    )
    b.line("main", "2010308", "30299", PROJECT, W("156.5"), project=project)
    b.income_from_lines()
    return SimpleNamespace(department=department, units=units, filing=filing, target=target, evaluation=evaluation, project=project)


# ------------------------------------------------------------------------------------ users, groups


def ensure_groups() -> tuple[Group, Group]:
    reviewer_group, _ = Group.objects.get_or_create(name=REVIEWER_GROUP)
    reviewer_group.permissions.add(
        *Permission.objects.filter(content_type__app_label="disclosures", codename__in=["review_filing", "publish_filing"])
    )
    accountant_group, _ = Group.objects.get_or_create(name=ACCOUNTANT_GROUP)
    wanted = []
    for app_label, model, actions in ACCOUNTANT_PERMISSIONS:
        wanted += list(
            Permission.objects.filter(
                content_type__app_label=app_label, content_type__model=model, codename__in=[f"{action}_{model}" for action in actions]
            )
        )
    accountant_group.permissions.set(wanted)
    return reviewer_group, accountant_group


def ensure_users(*, reviewer_group: Group, accountant_group: Group) -> dict:
    User = get_user_model()
    users = {}
    for username, (password, role, department_code) in DEMO_USERS.items():
        user, _ = User.objects.get_or_create(username=username)
        user.is_staff = True
        user.is_superuser = role == "superuser"
        user.is_active = True
        user.set_password(password)
        user.save()
        if role == "reviewer":
            user.groups.add(reviewer_group)
        if role == "accountant":
            user.groups.add(accountant_group)
            DepartmentMembership.objects.update_or_create(user=user, defaults={"department": Department.objects.get(code=department_code)})
        users[username] = user
    return users


# ----------------------------------------------------------------------------------------- the build


@transaction.atomic
def build_demo() -> SimpleNamespace:
    """Build (or rebuild) all demo data and return a namespace with the main objects."""
    years = {}
    for number in DEMO_YEARS:
        year, _ = FiscalYear.objects.get_or_create(year=number)
        catalog_load_starter(fiscal_year=year)
        years[number] = year
    ensure_rule_sets()
    national = RuleSet.objects.get(name=NATIONAL)
    sichuan = RuleSet.objects.get(name=SICHUAN)

    demo = SimpleNamespace(years=years, national_rule_set=national, sichuan_rule_set=sichuan)
    # the rule set follows the department's province: 茂县 (四川) gets Sichuan's, 望城 (湖南, none of its own) the national
    demo.maoxian = build_maoxian(year=years[2019], rule_set=rule_set_for(fiscal_year=years[2019], province=Province.SICHUAN))
    demo.shanhaiguan = build_shanhaiguan(year=years[2020])
    demo.ziyang = build_ziyang(year=years[2020])
    demo.ziyang_prior = build_ziyang_prior_year(year=years[ZIYANG_PRIOR_YEAR], department=demo.ziyang.department, units=demo.ziyang.units)
    demo.wangcheng = build_wangcheng(year=years[2020], rule_set=rule_set_for(fiscal_year=years[2020], province=Province.HUNAN))

    reviewer_group, accountant_group = ensure_groups()
    demo.users = ensure_users(reviewer_group=reviewer_group, accountant_group=accountant_group)
    demo.passwords = {username: password for username, (password, _, _) in DEMO_USERS.items()}
    demo.accountant = demo.users["maoxian"]
    demo.reviewer = demo.users["shenhe"]
    demo.admin = demo.users["admin"]

    for path in POST_BUILD_STEPS:
        import_string(path)(demo)
    return demo
