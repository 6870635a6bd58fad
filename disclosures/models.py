"""Data of a department's budget and final-accounts disclosure (部门预算 / 部门决算公开).

Models hold data and the invariants the database can enforce. Everything derived (totals, tables,
text, checks) is computed by the selectors and registries, never stored twice, except the frozen
snapshot of a published filing.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce

from disclosures.json_text import JSONTextField
from disclosures.money import AmountUnit

ZERO = Decimal("0.00")


def money_field(verbose_name: str, **kwargs) -> models.DecimalField:
    """An amount in 元 with two decimal places (never a float)."""
    kwargs.setdefault("default", ZERO)
    return models.DecimalField(verbose_name, max_digits=16, decimal_places=2, **kwargs)


#: Field validators for amounts that may not be negative where a table CHECK would force SQLite to rebuild
#: a table (and drop the triggers other migrations put on it).
NON_NEGATIVE = [MinValueValidator(Decimal("0"), message="金额不能为负数。")]


def non_negative(name: str, model: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{name}__gte": 0}) | Q(**{f"{name}__isnull": True}),
        name=f"{model}_{name}_non_negative",
        violation_error_message="金额不能为负数。",
    )


class FiscalYear(models.Model):
    year = models.PositiveSmallIntegerField("年度", unique=True, validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    catalog_edition = models.CharField("分类科目版本", max_length=200, blank=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = verbose_name_plural = "年度"

    def __str__(self) -> str:
        return f"{self.year}年"


class CatalogItem(models.Model):
    """One code of a year's 政府收支分类科目. Parents come from the code prefix (类 3, 款 5, 项 7 digits)."""

    class Kind(models.TextChoices):
        FUNCTION = "function", "支出功能分类"
        DEPT_ECONOMIC = "dept_economic", "部门预算支出经济分类"
        GOV_ECONOMIC = "gov_economic", "政府预算支出经济分类"

    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.CASCADE, related_name="catalog_items", verbose_name="年度")
    kind = models.CharField("科目类别", max_length=20, choices=Kind.choices)
    code = models.CharField("科目编码", max_length=7)
    name = models.CharField("科目名称", max_length=100)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children", verbose_name="上级科目")
    gov_economic = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dept_economic_items",
        verbose_name="对应政府经济分类",
        help_text="部门预算经济分类科目对应的政府预算经济分类科目（对照表）。",
    )
    gov_economic_institution = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dept_economic_items_institution",
        verbose_name="对应政府经济分类（事业单位）",
        help_text="事业单位（不含参公单位）使用的对应科目，如 30101 → 50501；留空则与上一栏相同。",
    )

    class Meta:
        ordering = ["fiscal_year", "kind", "code"]
        verbose_name = verbose_name_plural = "分类科目"
        constraints = [
            models.UniqueConstraint(fields=["fiscal_year", "kind", "code"], name="catalog_code_unique_per_year"),
            models.CheckConstraint(condition=Q(code__regex=r"^[0-9]+$"), name="catalog_code_digits"),
            models.CheckConstraint(
                condition=(Q(kind="function") & Q(code__regex=r"^([0-9]{3}|[0-9]{5}|[0-9]{7})$"))
                | (~Q(kind="function") & Q(code__regex=r"^([0-9]{3}|[0-9]{5})$")),
                name="catalog_code_length_by_kind",
            ),
            models.CheckConstraint(
                condition=Q(gov_economic__isnull=True) | Q(kind="dept_economic"),
                name="catalog_mapping_only_dept_economic",
            ),
            models.CheckConstraint(
                condition=Q(gov_economic_institution__isnull=True) | Q(kind="dept_economic"),
                name="catalog_institution_mapping_only_dept_economic",
            ),
        ]
        indexes = [models.Index(fields=["fiscal_year", "kind", "name"])]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def level(self) -> int:
        """1 = 类, 2 = 款, 3 = 项."""
        return {3: 1, 5: 2, 7: 3}[len(self.code)]


class Province(models.TextChoices):
    """省级行政区 by the short name the finance documents and rule sets use ("四川", "湖南")."""

    BEIJING = "北京", "北京市"
    TIANJIN = "天津", "天津市"
    HEBEI = "河北", "河北省"
    SHANXI = "山西", "山西省"
    INNER_MONGOLIA = "内蒙古", "内蒙古自治区"
    LIAONING = "辽宁", "辽宁省"
    JILIN = "吉林", "吉林省"
    HEILONGJIANG = "黑龙江", "黑龙江省"
    SHANGHAI = "上海", "上海市"
    JIANGSU = "江苏", "江苏省"
    ZHEJIANG = "浙江", "浙江省"
    ANHUI = "安徽", "安徽省"
    FUJIAN = "福建", "福建省"
    JIANGXI = "江西", "江西省"
    SHANDONG = "山东", "山东省"
    HENAN = "河南", "河南省"
    HUBEI = "湖北", "湖北省"
    HUNAN = "湖南", "湖南省"
    GUANGDONG = "广东", "广东省"
    GUANGXI = "广西", "广西壮族自治区"
    HAINAN = "海南", "海南省"
    CHONGQING = "重庆", "重庆市"
    SICHUAN = "四川", "四川省"
    GUIZHOU = "贵州", "贵州省"
    YUNNAN = "云南", "云南省"
    TIBET = "西藏", "西藏自治区"
    SHAANXI = "陕西", "陕西省"
    GANSU = "甘肃", "甘肃省"
    QINGHAI = "青海", "青海省"
    NINGXIA = "宁夏", "宁夏回族自治区"
    XINJIANG = "新疆", "新疆维吾尔自治区"


class Department(models.Model):
    """一级预算单位: the department that files and publishes, with its units (本级 and 二级预算单位).

    `province` (not the county name in `region`) chooses the province's variants: the table set a filing
    publishes (disclosures.tables.registry) and the scoring rule set (evaluations.rulesets). Blank means
    the installation's defaults.
    """

    code = models.CharField("部门编码", max_length=20, unique=True)
    name = models.CharField("部门名称", max_length=100, unique=True)
    region = models.CharField("所属地区", max_length=50, blank=True, help_text="县（市、区）名称，如“茂县”。")
    province = models.CharField(
        "所属省份",
        max_length=10,
        choices=Province.choices,
        blank=True,
        default="",
        help_text="决定公开表格的省级套表和绩效评分规则；留空则用全国通用表格和默认规则。",
    )
    duties = models.TextField("部门职责", blank=True)
    organisation = models.TextField("机构设置", blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True, db_index=True, help_text="部门名称等改动后，公开页面据此重新生成。")

    class Meta:
        ordering = ["code"]
        verbose_name = verbose_name_plural = "部门"

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    class Nature(models.TextChoices):
        ADMINISTRATIVE = "administrative", "行政单位"
        CIVIL_SERVICE_MANAGED = "civil_service_managed", "参照公务员法管理事业单位"
        PUBLIC_INSTITUTION = "public_institution", "事业单位"
        OTHER = "other", "其他"

    class FundingForm(models.TextChoices):
        FULL = "full", "财政全额拨款"
        PARTIAL = "partial", "财政差额拨款"
        SELF = "self", "自收自支"

    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="units", verbose_name="部门")
    code = models.CharField("单位编码", max_length=20)
    name = models.CharField("单位名称", max_length=100)
    is_main = models.BooleanField("部门本级", default=False)
    nature = models.CharField("单位性质", max_length=30, choices=Nature.choices, default=Nature.ADMINISTRATIVE)
    grade = models.CharField("单位级别", max_length=20, blank=True, help_text="如“正科级”“股级”。")
    funding_form = models.CharField("经费保障形式", max_length=20, choices=FundingForm.choices, default=FundingForm.FULL)
    staff_quota = models.PositiveIntegerField("编制人数", default=0)
    staff_actual = models.PositiveIntegerField("实有人数", default=0)

    class Meta:
        ordering = ["department", "-is_main", "code"]
        verbose_name = verbose_name_plural = "预算单位"
        constraints = [
            models.UniqueConstraint(fields=["department", "code"], name="unit_code_unique_per_department"),
            models.UniqueConstraint(fields=["department"], condition=Q(is_main=True), name="one_main_unit_per_department"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def counts_for_operating_costs(self) -> bool:
        """机关运行经费 covers administrative units and 参公 units only."""
        return self.nature in {self.Nature.ADMINISTRATIVE, self.Nature.CIVIL_SERVICE_MANAGED}


class DepartmentMembership(models.Model):
    """A department accountant (部门会计/填报人): the user may file for this department only."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership", verbose_name="用户")
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="members", verbose_name="部门")

    class Meta:
        verbose_name = verbose_name_plural = "部门填报人"

    def __str__(self) -> str:
        return f"{self.user} @ {self.department}"


class FundingSource(models.TextChoices):
    """收入来源. The first three are 财政拨款."""

    GENERAL_PUBLIC_BUDGET = "gpb", "一般公共预算财政拨款"
    GOVERNMENT_FUND = "gov_fund", "政府性基金预算财政拨款"
    STATE_CAPITAL = "state_capital", "国有资本经营预算财政拨款"
    SPECIAL_ACCOUNT = "special_account", "财政专户管理资金"
    SUPERIOR_SUBSIDY = "superior_subsidy", "上级补助收入"
    BUSINESS = "business", "事业收入"
    OPERATING = "operating", "事业单位经营收入"
    AFFILIATE = "affiliate", "附属单位上缴收入"
    OTHER = "other", "其他收入"


FISCAL_APPROPRIATION_SOURCES = (
    FundingSource.GENERAL_PUBLIC_BUDGET,
    FundingSource.GOVERNMENT_FUND,
    FundingSource.STATE_CAPITAL,
)


class Filing(models.Model):
    """One department's budget or final accounts for one year: what is entered, checked, approved and published."""

    class Kind(models.TextChoices):
        BUDGET = "budget", "部门预算"
        FINAL = "final", "部门决算"

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        SUBMITTED = "submitted", "已提交"
        RETURNED = "returned", "已退回"
        APPROVED = "approved", "已审核"
        PUBLISHED = "published", "已公开"

    EDITABLE_STATUSES = (Status.DRAFT, Status.RETURNED)

    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="filings", verbose_name="部门")
    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.PROTECT, related_name="filings", verbose_name="年度")
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    version = models.PositiveSmallIntegerField("版本", default=1)
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by", verbose_name="更正的原版本"
    )
    correction_note = models.TextField("更正说明", blank=True)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.DRAFT)
    duties = models.TextField("部门职责", blank=True)
    organisation = models.TextField("机构设置", blank=True)
    reasons = models.JSONField("变动原因", default=dict, blank=True, help_text="说明中由部门填写的原因，键为说明段落的标识。")
    other_notes = models.TextField("其他需要说明的事项", blank=True)
    amount_unit = models.CharField(
        "金额单位",
        max_length=4,
        choices=AmountUnit.choices,
        default=AmountUnit.WAN,
        help_text="公开表格和说明中金额的单位；金额始终按元保存。",
    )
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    approved_at = models.DateTimeField("批复时间", null=True, blank=True)
    published_at = models.DateTimeField("公开时间", null=True, blank=True)
    published_snapshot = JSONTextField("公开快照", null=True, blank=True, editable=False)
    published_parts = JSONTextField(
        "公开的绩效部分",
        null=True,
        blank=True,
        editable=False,
        help_text="公开时冻结的绩效目标表和自评表（不随填报锁定，故与快照分开保存）。",
    )
    data_revision = models.PositiveIntegerField(
        "数据版本号",
        default=0,
        editable=False,
        help_text="每次修改填报数据（明细、项目、说明、原因、绩效目标、自评）时加1；生成的文件记录所依据的版本号。",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        ordering = ["-fiscal_year__year", "department__code", "kind", "-version"]
        verbose_name = verbose_name_plural = "公开填报"
        # The public pages' stamp (selectors.public.public_stamp) counts and dates the published filings.
        indexes = [models.Index(fields=["status", "published_at"], name="filing_status_published_at")]
        constraints = [
            models.UniqueConstraint(fields=["department", "fiscal_year", "kind", "version"], name="filing_unique_version"),
            models.CheckConstraint(condition=Q(version__gte=1), name="filing_version_positive"),
            models.CheckConstraint(condition=Q(version=1) | Q(supersedes__isnull=False), name="filing_correction_has_original"),
        ]
        permissions = [
            ("review_filing", "审核部门公开"),
            ("publish_filing", "公开部门公开"),
        ]

    def __str__(self) -> str:
        suffix = f"（第{self.version}版）" if self.version > 1 else ""
        return f"{self.department.name}{self.fiscal_year.year}年{self.get_kind_display()}{suffix}"

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE_STATUSES


class PreparedSnapshot(models.Model):
    """The body of an approved filing's snapshot, built ahead of its publication (services.prepared).

    Everything `selectors.snapshot.build_snapshot` computes except what depends on the publication itself
    (its moment, and the performance parts, which rows outside the filing's locked data feed), with what it
    was built from: the filing's data revision, the snapshot schema and a digest of the other rows it read
    (department, units, catalog names, last year's filing, the corrected original). `workflow.filing_publish`
    copies it into the published snapshot when all of these still match, and removes it.
    """

    filing = models.OneToOneField(Filing, on_delete=models.CASCADE, related_name="prepared_snapshot", verbose_name="填报")
    data_revision = models.PositiveIntegerField("数据版本号")
    schema = models.PositiveSmallIntegerField("快照格式版本")
    inputs_digest = models.CharField("其他依据摘要", max_length=64)
    catalog_codes = models.JSONField("科目编码", default=dict, help_text="快照读取的分类科目编码（公开时据此重新核对科目名称）。")
    missing_reasons = models.JSONField("未填写的原因", default=list)
    body = JSONTextField("快照内容")
    created_at = models.DateTimeField("生成时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "预备公开快照"

    def __str__(self) -> str:
        return f"{self.filing_id} r{self.data_revision}"


class PriorYearFigure(models.Model):
    """Last year's figure for a comparison in the text, where last year's filing is not in the system."""

    filing = models.ForeignKey(Filing, on_delete=models.CASCADE, related_name="prior_figures", verbose_name="填报")
    key = models.CharField("指标", max_length=60, help_text="如 total、gpb_expense、three_public.vehicle、operating_costs。")
    amount = money_field("上年金额（元）")

    class Meta:
        verbose_name = verbose_name_plural = "上年对比数"
        constraints = [models.UniqueConstraint(fields=["filing", "key"], name="prior_figure_unique_key")]

    def __str__(self) -> str:
        return f"{self.key}: {self.amount}"


class ExpenseKind(models.TextChoices):
    """支出类型: the columns of 支出决算表 / 部门支出总表 (基本支出 split into its two parts)."""

    PERSONNEL = "personnel", "基本支出-人员经费"
    PUBLIC = "public", "基本支出-日常公用经费"
    PROJECT = "project", "项目支出"
    UPPER = "upper", "上缴上级支出"
    BUSINESS = "business", "经营支出"
    SUBSIDY = "subsidy", "对附属单位补助支出"


#: The kinds of 基本支出 (the only kinds that must carry a 部门预算经济分类 款).
BASIC_EXPENSE_KINDS = (ExpenseKind.PERSONNEL, ExpenseKind.PUBLIC)


class ExpenseLine(models.Model):
    """A line of expenditure: unit × 功能分类项 × 经济分类款 × kind × funding source, in 元."""

    filing = models.ForeignKey(Filing, on_delete=models.CASCADE, related_name="expense_lines", verbose_name="填报")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="expense_lines", verbose_name="预算单位")
    function_item = models.ForeignKey(
        CatalogItem,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="支出功能分类科目",
        limit_choices_to={"kind": CatalogItem.Kind.FUNCTION},
    )
    dept_economic_item = models.ForeignKey(
        CatalogItem,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="部门预算经济分类科目",
        limit_choices_to={"kind": CatalogItem.Kind.DEPT_ECONOMIC},
    )
    gov_economic_item = models.ForeignKey(
        CatalogItem,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="政府预算经济分类科目",
        limit_choices_to={"kind": CatalogItem.Kind.GOV_ECONOMIC},
        help_text="由部门经济分类对照表自动带出。",
    )
    expense_kind = models.CharField("支出类型", max_length=12, choices=ExpenseKind.choices)
    project = models.ForeignKey("Project", null=True, blank=True, on_delete=models.SET_NULL, related_name="expense_lines", verbose_name="项目")
    funding_source = models.CharField("资金来源", max_length=20, choices=FundingSource.choices, default=FundingSource.GENERAL_PUBLIC_BUDGET)
    budget_amount = money_field("年初预算数（元）")
    adjusted_amount = money_field("调整预算数（元）", null=True, blank=True, default=None)
    actual_amount = money_field("决算数（元）")
    note = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        ordering = ["filing", "function_item__code", "dept_economic_item__code", "id"]
        verbose_name = verbose_name_plural = "支出明细"
        constraints = [
            non_negative("budget_amount", "expense"),
            non_negative("adjusted_amount", "expense"),
            non_negative("actual_amount", "expense"),
            models.CheckConstraint(condition=Q(project__isnull=True) | Q(expense_kind="project"), name="expense_project_only_on_project_lines"),
            models.CheckConstraint(
                condition=~Q(expense_kind__in=["personnel", "public"]) | Q(dept_economic_item__isnull=False),
                name="expense_basic_needs_economic_code",
                violation_error_message="基本支出必须填写部门预算经济分类科目。",
            ),
            # An expression index rather than nulls_distinct=False, which SQLite does not support:
            # a missing economic code or project counts as one value, so such lines cannot repeat either.
            models.UniqueConstraint(
                "filing",
                "unit",
                "function_item",
                Coalesce("dept_economic_item", Value(0)),
                "expense_kind",
                "funding_source",
                Coalesce("project", Value(0)),
                name="expense_line_unique",
                violation_error_message="同一单位、科目、支出类型、资金来源和项目的支出明细重复。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.function_item.code} {self.get_expense_kind_display()} {self.budget_amount}"

    @property
    def effective_budget(self):
        return self.adjusted_amount if self.adjusted_amount is not None else self.budget_amount


class IncomeLine(models.Model):
    """Income by funding source and 功能分类 项, and the other rows of the 收支总表, per unit.

    Besides 本年收入 the categories hold what the 收支总表 lists beside it: 年初/年末结转和结余 (预算: 上年结转 /
    结转下年), 使用非财政拨款结余 (a 收入 row) and 结余分配 (a 支出 row), each by source, so that every source
    balances on its own: 年初 + 收入 + 使用结余 = 支出 + 结余分配 + 年末.
    `function_item` is the 支出功能分类 项 the income funds (公开02 / 部门收入总表 list income by function);
    it is empty on lines entered before income carried a code (a check flags them).
    """

    class Category(models.TextChoices):
        INCOME = "income", "本年收入"
        OPENING = "opening", "年初结转和结余"
        CLOSING = "closing", "年末结转和结余"
        BALANCE_USED = "balance_used", "使用非财政拨款结余"
        DISTRIBUTION = "distribution", "结余分配"

    filing = models.ForeignKey(Filing, on_delete=models.CASCADE, related_name="income_lines", verbose_name="填报")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="income_lines", verbose_name="预算单位")
    category = models.CharField("类别", max_length=12, choices=Category.choices, default=Category.INCOME)
    source = models.CharField("收入来源", max_length=20, choices=FundingSource.choices)
    function_item = models.ForeignKey(
        CatalogItem,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="支出功能分类科目",
        limit_choices_to={"kind": CatalogItem.Kind.FUNCTION},
        help_text="收入所安排支出的功能分类项级科目（本填报年度）。",
    )
    budget_amount = money_field("年初预算数（元）")
    adjusted_amount = money_field("调整预算数（元）", null=True, blank=True, default=None)
    actual_amount = money_field("决算数（元）")

    class Meta:
        ordering = ["filing", "unit", "category", "source", "function_item__code"]
        verbose_name = verbose_name_plural = "收入明细"
        constraints = [
            non_negative("budget_amount", "income"),
            non_negative("adjusted_amount", "income"),
            non_negative("actual_amount", "income"),
            # As for expense lines: an expression index, so that a line without a function code counts as one value.
            models.UniqueConstraint(
                "filing",
                "unit",
                "category",
                "source",
                Coalesce("function_item", Value(0)),
                name="income_line_unique",
                violation_error_message="同一单位、类别、收入来源和功能分类科目的收入明细重复。",
            ),
        ]

    def __str__(self) -> str:
        code = f" {self.function_item.code}" if self.function_item_id else ""
        return f"{self.get_category_display()} {self.get_source_display()}{code} {self.budget_amount}"

    @property
    def effective_budget(self):
        return self.adjusted_amount if self.adjusted_amount is not None else self.budget_amount


class ThreePublicStats(models.Model):
    """The counts the 三公 text reports, and the 三公 预算数 of the year by item.

    The 决算数 (and a budget filing's lines) come from the expense lines (30212, 31013, 30231, 30217). The
    预算数 is a figure of its own that the department enters (全年预算, per item): it often differs from
    the budget of those lines. Left empty, an item's 预算数 is its lines' budget (filings from before the
    field existed keep their figures).
    """

    #: item → (the field of its entered 预算数, its 部门经济分类 code)
    BUDGET_ITEMS = {
        "overseas": ("budget_overseas", "30212"),
        "vehicle_purchase": ("budget_vehicle_purchase", "31013"),
        "vehicle_operation": ("budget_vehicle_operation", "30231"),
        "reception": ("budget_reception", "30217"),
    }

    filing = models.OneToOneField(Filing, on_delete=models.CASCADE, related_name="three_public_stats", verbose_name="填报")
    overseas_groups = models.PositiveIntegerField("因公出国（境）团组数", default=0)
    overseas_people = models.PositiveIntegerField("因公出国（境）人次", default=0)
    reception_batches = models.PositiveIntegerField("国内公务接待批次", default=0)
    reception_people = models.PositiveIntegerField("国内公务接待人次", default=0)
    foreign_reception_batches = models.PositiveIntegerField("外事接待批次", default=0)
    foreign_reception_people = models.PositiveIntegerField("外事接待人次", default=0)
    vehicles_purchased = models.PositiveIntegerField("购置公务用车数", default=0)
    vehicles_owned = models.PositiveIntegerField("公务用车保有量", default=0)
    budget_overseas = money_field(
        "因公出国（境）费预算数（元）",
        validators=NON_NEGATIVE,
        null=True,
        blank=True,
        default=None,
        help_text="本年“三公”经费预算数，按批复填写；留空则取30212支出明细的预算数。",
    )
    budget_vehicle_purchase = money_field(
        "公务用车购置费预算数（元）", validators=NON_NEGATIVE, null=True, blank=True, default=None, help_text="留空则取31013支出明细的预算数。"
    )
    budget_vehicle_operation = money_field(
        "公务用车运行维护费预算数（元）", validators=NON_NEGATIVE, null=True, blank=True, default=None, help_text="留空则取30231支出明细的预算数。"
    )
    budget_reception = money_field(
        "公务接待费预算数（元）", validators=NON_NEGATIVE, null=True, blank=True, default=None, help_text="留空则取30217支出明细的预算数。"
    )

    class Meta:
        verbose_name = verbose_name_plural = "“三公”经费数量信息"

    def __str__(self) -> str:
        return f"{self.filing} 三公数量"

    def entered_budget(self, item: str) -> Decimal | None:
        """The entered 预算数 of a 三公 item ("overseas", "vehicle_purchase", …), None where not entered."""
        return getattr(self, self.BUDGET_ITEMS[item][0])


class Procurement(models.Model):
    class Category(models.TextChoices):
        GOODS = "goods", "货物"
        WORKS = "works", "工程"
        SERVICES = "services", "服务"

    filing = models.ForeignKey(Filing, on_delete=models.CASCADE, related_name="procurements", verbose_name="填报")
    category = models.CharField("采购类别", max_length=10, choices=Category.choices)
    budget_amount = money_field("采购预算（元）")
    actual_amount = money_field("采购支出（元）")
    sme_amount = money_field("授予中小企业合同金额（元）")
    micro_amount = money_field("其中授予小微企业合同金额（元）")

    class Meta:
        verbose_name = verbose_name_plural = "政府采购"
        constraints = [
            models.UniqueConstraint(fields=["filing", "category"], name="procurement_unique_category"),
            non_negative("budget_amount", "procurement"),
            non_negative("actual_amount", "procurement"),
            non_negative("sme_amount", "procurement"),
            non_negative("micro_amount", "procurement"),
            models.CheckConstraint(condition=Q(micro_amount__lte=F("sme_amount")), name="procurement_micro_within_sme"),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} {self.actual_amount or self.budget_amount}"


class AssetHolding(models.Model):
    """国有资产占用: vehicles by use and large equipment, as at the end of the year."""

    class Kind(models.TextChoices):
        VEHICLE_LEADER = "vehicle_leader", "主要领导干部用车"
        VEHICLE_CONFIDENTIAL = "vehicle_confidential", "机要通信用车"
        VEHICLE_EMERGENCY = "vehicle_emergency", "应急保障用车"
        VEHICLE_ENFORCEMENT = "vehicle_enforcement", "执法执勤用车"
        VEHICLE_SPECIAL = "vehicle_special", "特种专业技术用车"
        VEHICLE_OTHER = "vehicle_other", "其他用车"
        GENERAL_EQUIPMENT_500K = "general_equipment_500k", "单价50万元以上通用设备"
        SPECIAL_EQUIPMENT_1M = "special_equipment_1m", "单价100万元以上专用设备"
        BUILDING = "building", "房屋（平方米）"

    filing = models.ForeignKey(Filing, on_delete=models.CASCADE, related_name="assets", verbose_name="填报")
    kind = models.CharField("资产类别", max_length=30, choices=Kind.choices)
    quantity = models.DecimalField("数量", max_digits=12, decimal_places=2, default=ZERO)
    value = money_field("价值（元）")

    class Meta:
        verbose_name = verbose_name_plural = "国有资产占用"
        constraints = [
            models.UniqueConstraint(fields=["filing", "kind"], name="asset_unique_kind"),
            non_negative("quantity", "asset"),
            non_negative("value", "asset"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.quantity}"


PROJECT_PLAN_FIELDS = ("plan_march", "plan_june", "plan_october", "plan_december")


class Project(models.Model):
    """项目支出: a project with its purpose, spending plan and goals. Its indicators live in evaluations."""

    filing = models.ForeignKey(Filing, on_delete=models.CASCADE, related_name="projects", verbose_name="填报")
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="projects", verbose_name="预算单位")
    code = models.CharField("项目编码", max_length=40)
    name = models.CharField("项目名称", max_length=200)
    purpose = models.TextField("资金用途", blank=True)
    budget_amount = money_field("全年预算数（元）")
    adjusted_amount = money_field("调整后预算数（元）", null=True, blank=True, default=None)
    actual_amount = money_field("全年执行数（元）")
    fiscal_amount = money_field("其中财政拨款（元）")
    plan_march = models.DecimalField("3月底累计支出进度（%）", max_digits=5, decimal_places=2, null=True, blank=True)
    plan_june = models.DecimalField("6月底累计支出进度（%）", max_digits=5, decimal_places=2, null=True, blank=True)
    plan_october = models.DecimalField("10月底累计支出进度（%）", max_digits=5, decimal_places=2, null=True, blank=True)
    plan_december = models.DecimalField("12月底累计支出进度（%）", max_digits=5, decimal_places=2, null=True, blank=True)
    goal_1 = models.TextField("年度目标1", blank=True)
    goal_2 = models.TextField("年度目标2", blank=True)
    result_summary = models.TextField("实际完成目标", blank=True)
    order = models.PositiveIntegerField("排序", default=0)

    PLAN_FIELDS = PROJECT_PLAN_FIELDS

    class Meta:
        ordering = ["filing", "order", "code"]
        verbose_name = verbose_name_plural = "项目"
        constraints = [
            models.UniqueConstraint(fields=["filing", "code"], name="project_code_unique_per_filing"),
            non_negative("budget_amount", "project"),
            non_negative("adjusted_amount", "project"),
            non_negative("actual_amount", "project"),
            non_negative("fiscal_amount", "project"),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{f}__isnull": True}) | (Q(**{f"{f}__gte": 0}) & Q(**{f"{f}__lte": 100})),
                    name=f"project_{f}_percent",
                    violation_error_message="支出进度应在 0 到 100 之间。",
                )
                for f in PROJECT_PLAN_FIELDS
            ],
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def effective_budget(self):
        return self.adjusted_amount if self.adjusted_amount is not None else self.budget_amount


class ReviewComment(models.Model):
    """A reviewer's comment on a filing, optionally pinned to a table or line."""

    filing = models.ForeignKey(Filing, on_delete=models.CASCADE, related_name="review_comments", verbose_name="填报")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="审核人")
    target = models.CharField("针对", max_length=100, blank=True, help_text="表格或明细，如“表5 一般公共预算支出表”或“支出明细#12”。")
    text = models.TextField("意见")
    created_at = models.DateTimeField("时间", auto_now_add=True)
    resolved = models.BooleanField("已处理", default=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = verbose_name_plural = "审核意见"

    def __str__(self) -> str:
        return self.text[:30]


class AuditEntry(models.Model):
    """Who did what and when: every transition and every change to an approved figure."""

    filing = models.ForeignKey(Filing, null=True, blank=True, on_delete=models.CASCADE, related_name="audit_entries", verbose_name="填报")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="操作人")
    action = models.CharField("操作", max_length=50)
    object_repr = models.CharField("对象", max_length=200, blank=True)
    field = models.CharField("字段", max_length=100, blank=True)
    before = models.TextField("修改前", blank=True)
    after = models.TextField("修改后", blank=True)
    comment = models.TextField("说明", blank=True)
    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = verbose_name_plural = "操作记录"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"


class FilingDocument(models.Model):
    """A generated output of a filing (xlsx workbook, PDF, HTML). Regenerating swaps the file in."""

    class Format(models.TextChoices):
        XLSX = "xlsx", "Excel 表格"
        PDF = "pdf", "PDF"
        HTML = "html", "HTML"

    filing = models.ForeignKey(Filing, on_delete=models.CASCADE, related_name="documents", verbose_name="填报")
    format = models.CharField("格式", max_length=10, choices=Format.choices)
    file = models.FileField("文件", upload_to="filings/%Y/")
    job = models.ForeignKey("jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="documents", verbose_name="任务")
    size = models.PositiveIntegerField("大小（字节）", default=0)
    data_revision = models.PositiveIntegerField("数据版本号", default=0, help_text="生成时填报的数据版本号；小于填报当前的版本号即为已过期。")
    draft = models.BooleanField(
        "草稿水印", null=True, blank=True, help_text="生成时填报尚未审核通过，文件带草稿水印；为空表示未记录（批量生成时重新生成）。"
    )
    generated_at = models.DateTimeField("生成时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "生成文件"
        constraints = [models.UniqueConstraint(fields=["filing", "format"], name="document_unique_format")]

    def __str__(self) -> str:
        return f"{self.filing} {self.get_format_display()}"

    @property
    def is_stale(self) -> bool:
        """Built from older data than the filing holds now (已过期): never shown as 已完成."""
        return self.data_revision < self.filing.data_revision


class PublicationDocument(models.Model):
    """A downloadable document of a publication: frozen with the filing's published snapshot.

    The publication's generation job builds every format from the published (locked) filing and creates
    all of them in one transaction, so a publication has either all its documents or none; the public
    site shows a publication only once they exist (selectors.public.published_filings). Rows are never
    changed afterwards (a database trigger refuses updates): regenerating a published filing's documents
    writes new working documents (FilingDocument), while the public keeps downloading these.
    """

    filing = models.ForeignKey(Filing, on_delete=models.CASCADE, related_name="publication_documents", verbose_name="填报")
    format = models.CharField("格式", max_length=10, choices=FilingDocument.Format.choices)
    file = models.FileField("文件", upload_to="publications/%Y/")
    size = models.PositiveIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64)
    data_revision = models.PositiveIntegerField("数据版本号", default=0, help_text="生成时填报的数据版本号（公开后数据不再变化）。")
    created_at = models.DateTimeField("生成时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "公开文件（已冻结）"
        constraints = [models.UniqueConstraint(fields=["filing", "format"], name="publication_document_unique_format")]
        # The public pages' stamp (selectors.public.public_stamp) reads the newest one.
        indexes = [models.Index(fields=["created_at"], name="publication_document_created")]

    def __str__(self) -> str:
        return f"{self.filing} {self.get_format_display()}（公开版）"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("公开文件已冻结，不能修改。")
        super().save(*args, **kwargs)


class Notification(models.Model):
    """An in-app message (消息) to one user about a filing; emailed too when the user has an address.

    `key` makes a reminder idempotent: a (recipient, key) pair is stored once, so the overdue reminder can
    run every day without repeating itself.
    """

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", "待审核"
        RETURNED = "returned", "已退回"
        APPROVED = "approved", "已审核"
        PUBLISHED = "published", "已公开"
        OVERDUE = "overdue", "公开超期提醒"

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name="接收人")
    filing = models.ForeignKey(Filing, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications", verbose_name="填报")
    kind = models.CharField("类型", max_length=12, choices=Kind.choices)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    link = models.CharField("链接", max_length=200, blank=True)
    key = models.CharField("去重标识", max_length=100, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    read_at = models.DateTimeField("阅读时间", null=True, blank=True)
    emailed_at = models.DateTimeField("邮件发送时间", null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = verbose_name_plural = "消息"
        constraints = [models.UniqueConstraint(fields=["recipient", "key"], condition=~Q(key=""), name="notification_unique_key")]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return self.title
