"""Seeds 001 and 002 as data, for the evaluation tests (helper C's `demo` loads the full documents).

Seed 001: 山海关区信访局 2020年部门预算, five projects with their indicators, typed as published
(including 人事代理专项补助's identical goals and its space-padded units). The seed gives the budgets
of three projects (400000, 1200000, 1000000 元); the other two share 312000 元 without a split, so
they are entered as 0 here rather than invented.
Seed 002: 长沙市望城区信访局 2020年部门整体支出绩效自评表.
"""

from __future__ import annotations

from decimal import Decimal

from disclosures.models import Department, Filing, FiscalYear, Project, Unit
from evaluations.models import DepartmentTarget, Indicator, IndicatorResult, RuleSet, SelfEvaluation
from evaluations.rulesets import NATIONAL

O, E, S = Indicator.Level1.OUTPUT, Indicator.Level1.EFFECT, Indicator.Level1.SATISFACTION
L2 = Indicator.Level2
C = Indicator.Comparator
BASIS = "省市联席办相关要求"

SEED_001 = [
    {
        "code": "202-3202-YBN-67SQ",
        "name": "旅游旺季北戴河工作经费",
        "purpose": "用于处置旅游旺季期间北戴河各种突发事件和群体性事件，接劝返到北戴河上访人员，慰问公安干警及相关部门等，确保旅游旺季期间北戴河信访稳定。",
        "budget": "400000.00",
        "plan": ("30.00", "60.00", "90.00", "100.00"),
        "goals": ("确保旅游旺季期间不发生到北戴河大规模集体访、群体性事件及个人极端事件。", "实现上访人员“零”登记。"),
        "indicators": [
            (O, L2.QUANTITY, "劝返率", "到北戴河人员及时劝返", C.EQ, "100.00", "%", BASIS),
            (O, L2.QUALITY, "重大事件发生率", "不发生大规模集体访", C.GE, "95.00", "%", BASIS),
            (O, L2.TIMELINESS, "全区旅游旺季信访稳定", "综合排名不进入倒排", C.GE, "95.00", "%", BASIS),
            (E, L2.ECONOMIC, "处置及时", "消除不良影响", C.GE, "95.00", "%", BASIS),
            (E, L2.SOCIAL, "协助公安工作", "依法打击缠访、闹访滋事者", C.GE, "95.00", "%", BASIS),
            (S, L2.SATISFACTION, "满意率", "社会和谐稳定", C.EQ, "100.00", "%", BASIS),
        ],
    },
    {
        "code": "202-3202-YBN-9QYV",
        "name": "全国、省、市两会期间及重点敏感时期驻京、驻石工作经费",
        "purpose": "全国两会、省、市两会等敏感期，及时处置突发事件和群体性事件、接劝返各类上访人员，确保我区信访稳定。",
        "budget": "1200000.00",
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
        "name": "综合事物管理费",
        "purpose": "保证信访局日常办公正常、提供相关服务保障、协助区信访局处理全区群众进京、赴省、到市上访、信访事项督查、复查复核、听证；负责区委区政府交办的其他事项。",
        "budget": "1000000.00",
        "plan": ("30.00", "60.00", "90.00", "100.00"),
        "goals": (
            "按时完成上级机关统一部署的各项任务目标，对全区重点设访单位和部门进行指导信访案件的受理、办理程序，规范有效。",
            "按期完成上级交办、督办案件。",
        ),
        "indicators": [
            (O, L2.QUALITY, "购置质量合格率（%）", "及时制定出台信访工作规章制度，不断规范信访工作行为", C.GE, "95.00", "%", BASIS),
            (E, L2.SOCIAL, "各项综合管理工作完成率（%）", "在日常常态化盯办基础上，针对重要工作开展专项督查，及时提出改进工作、完善政策和责任查究建议", C.GE, "95.00", "%", BASIS),
            (S, L2.SATISFACTION, "职工或信访人满意度（%）", "针对信访问题高发领域和服务保障全区重点工作，定期形成有质量的意见建议", C.EQ, "100.00", "%", BASIS),
        ],
    },
    {
        "code": "202-3301-YBN-Q1IZ",
        "name": "人事代理专项补助",
        "purpose": "发放人事代理专项补助。",
        "budget": "0.00",
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
        "purpose": "保证信访局日常办公正常、提供相关服务保障、协助区信访局处理全区群众进京、赴省、到时上访、信访事项督查、复查复核、听证；负责区委区政府交办的其他事项。",
        "budget": "0.00",
        "plan": ("30.00", "60.00", "90.00", "100.00"),
        "goals": (
            "按时完成上级机关统一部署的各项任务目标，对全区重点设防单位和部门进行指导信访案件的受理、办理程序规范有效。",
            "按期完成上级交办。督办案件。",
        ),
        "indicators": [
            (O, L2.QUALITY, "购置质量合格率", "及时制定出台信访工作规章制度，不断规范信访工作行为", C.GE, "95.00", "%", BASIS),
            (E, L2.SOCIAL, "各项综合管理工作完成率", "在日常常态化盯办基础上，针对重要工作开展专项督查，及时提出改进工作、完善政策和责任查究建议。", C.GE, "95.00", "%", BASIS),
            (S, L2.SATISFACTION, "职工或信访人满意度", "针对信访问题高发领域和服务保障全区重点工作，定期形成有质量的意见建议。", C.EQ, "100.00", "%", BASIS),
        ],
    },
]

# seed 002: (level1, level2, 三级, comparator, target, target_text, unit, actual, actual_text, band, published score)
Q = IndicatorResult.Band
SEED_002_INDICATORS = [
    (O, L2.QUANTITY, "接待群众来访", C.QUALITATIVE, None, "全年预计接访量", "", None, "127批 600人", Q.ACHIEVED, "10"),
    (O, L2.QUANTITY, "化解信访积案", C.QUALITATIVE, None, "完成信访积案化解案件", "", None, "32件", Q.ACHIEVED, "10"),
    (O, L2.QUALITY, "办结率", C.GE, "100", "", "%", "100", "", "", "10"),
    (O, L2.QUALITY, "化解率", C.GE, "100", "", "%", "100", "", "", "10"),
    (O, L2.COST, "不超过预算指标数", C.LE, "1036.03", "", "万元", "596.68", "", "", "10"),
    (E, L2.SOCIAL, "全年未发生维稳事件。", C.QUALITATIVE, None, "全年未发生维稳事件。", "", None, "100%", Q.ACHIEVED, "10"),
    (E, L2.SOCIAL, "未发生重大群体性事件。", C.QUALITATIVE, None, "未发生重大群体性事件。", "", None, "100%", Q.ACHIEVED, "10"),
    (E, L2.ECOLOGICAL, "化解了陈年积案，减少了进京非访数量，减少45%，有效的维护了社会和谐稳定。", C.QUALITATIVE, None,
     "化解了陈年积案，减少了进京非访数量，减少45%，有效的维护了社会和谐稳定。", "", None, "非访数量减少45%", Q.ACHIEVED, "10"),
    (E, L2.SUSTAINABLE, "进京“非访”率同比下降。", C.QUALITATIVE, None, "进京“非访”率同比下降。", "", None, "", "", "10"),
    (S, L2.SATISFACTION, "群众理解及满意率97%。", C.GE, "97", "群众理解及满意率97%。", "%", "100", "", "", "10"),
]

SEED_002_DUTIES = (
    "望城区信访局与望城区处理信访突出问题及群众性事件联席会议办公室、望城区人民来访接待中心合署办公，"
    "在望城区联席会议办公室和望城区人民来访接待中心的指导下开展工作。"
)


def make_indicator(owner: dict, order: int, row) -> Indicator:
    level1, level2, name, description, comparator, value, unit, basis = row
    return Indicator.objects.create(
        **owner, level1=level1, level2=level2, name=name, description=description, comparator=comparator,
        target_value=Decimal(value), unit=unit, basis=basis, order=order,
    )


def load_seed_001(*, department: Department, year: FiscalYear) -> list[Project]:
    filing = Filing.objects.create(department=department, fiscal_year=year, kind=Filing.Kind.BUDGET)
    projects = []
    for n, data in enumerate(SEED_001, start=1):
        march, june, october, december = (Decimal(p) for p in data["plan"])
        project = Project.objects.create(
            filing=filing, unit=department.units.get(is_main=True), code=data["code"], name=data["name"],
            purpose=data["purpose"], budget_amount=Decimal(data["budget"]), fiscal_amount=Decimal(data["budget"]),
            plan_march=march, plan_june=june, plan_october=october, plan_december=december,
            goal_1=data["goals"][0], goal_2=data["goals"][1], order=n,
        )
        for order, row in enumerate(data["indicators"], start=1):
            make_indicator({"project": project}, order, row)
        projects.append(project)
    return projects


def load_seed_002(*, department: Department, year: FiscalYear) -> SelfEvaluation:
    department.duties = SEED_002_DUTIES
    department.save()
    target = DepartmentTarget.objects.create(
        department=department, fiscal_year=year, budget_amount=Decimal("10360300.00"),
        overall_goal="为完成中央、省、市进京非访指标总量下降的目标，确保我区社会大局稳定和治安秩序良好。",
    )
    evaluation = SelfEvaluation.objects.create(
        department_target=target, rule_set=RuleSet.objects.get(name=NATIONAL),
        budget_amount=Decimal("10360300.00"), executed_amount=Decimal("5966800.00"),
        fiscal_budget_amount=Decimal("10360300.00"), fiscal_executed_amount=Decimal("5966800.00"),
        execution_reason="信访工作任务重、时间紧、情况紧急，为更好、更快的完成接访劝访工作，未严格按照预算指标执行。",
        goal_result="完成中央、省、市进京非访指标总量下降的目标，确保了我区社会大局稳定和治安秩序良好。",
        published_execution_score=Decimal("6"),
    )
    for order, row in enumerate(SEED_002_INDICATORS, start=1):
        level1, level2, name, comparator, value, text, unit, actual, actual_text, band, published = row
        indicator = Indicator.objects.create(
            department_target=target, level1=level1, level2=level2, name=name, description=text,
            comparator=comparator, target_value=Decimal(value) if value else None, target_text=text, unit=unit, order=order,
        )
        IndicatorResult.objects.create(
            evaluation=evaluation, indicator=indicator, actual_value=Decimal(actual) if actual else None,
            actual_text=actual_text, band=band, published_score=Decimal(published),
        )
    return evaluation
