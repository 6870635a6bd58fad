"""The sections of the explanatory text (说明) of a budget or final-accounts filing, drafted from its figures.

Every number is computed from `filing_figures`, derived from the filing's facts (selectors.facts) that
the tables are computed from too. Only the reasons are written by people: they live in `Filing.reasons`
under the keys below; a reason that is needed and missing shows as 【待填写：…】 and is listed in the
section's `missing_reasons`.

Reason keys:
- ``change.total``, ``change.fiscal_total``, ``change.gpb_expense``, ``change.operating_costs`` — why a
  headline figure changed against last year (needed whenever it changed);
- ``three_public.total``, ``three_public.overseas``, ``three_public.vehicle``, ``three_public.reception`` —
  why a "三公" figure changed (needed for an increase; optional for a decrease);
- ``execution.<功能分类项 code>`` — why a 项's 决算 is below its budget (final accounts);
- ``project.<project code>`` — why a project spent less than its budget (final accounts).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from disclosures.models import AssetHolding, Filing, FundingSource, Unit
from disclosures.money import format_percent
from disclosures.selectors.facts import FilingFacts, facts_of
from disclosures.selectors.figures import PRIOR_KEYS, FilingFigures, filing_figures

from .phrases import (
    ReasonSlot,
    SectionWriter,
    change_phrase,
    chinese_number,
    clean_reason,
    compared_phrase,
    completion,
    execution_phrase,
    publishing_in,
    sentence,
    shares,
    wan,
)


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    paragraphs: list[str]
    missing_reasons: list[str]  # reason keys (Filing.reasons) needed and not yet written
    reasons: list[ReasonSlot] = field(default_factory=list)  # every reason slot of the section
    sentences: dict[str, str] = field(default_factory=dict)  # reason key → the sentence of the text that needs it


SENTENCE = re.compile(r"[^。]+。?")


def split_sentences(paragraphs: list[str]) -> list[list[str]]:
    """Each paragraph's sentences (up to and with each 。), stripped."""
    return [[text.strip() for text in SENTENCE.findall(paragraph)] for paragraph in paragraphs]


def reason_sentence(paragraphs: list[str], slot: ReasonSlot, *, split: list[list[str]] | None = None) -> str:
    """The sentence of the drafted text that holds the reason (its 【待填写】 marker or its words), else the
    finding that asks for it, else ''. `split`: the paragraphs' split_sentences, when the caller looks up
    several slots in the same text (a large filing's section has hundreds)."""
    needles = [needle for needle in (f"【待填写：{slot.label}】", clean_reason(slot.value) if slot.value else "") if needle]
    for sentences in split_sentences(paragraphs) if split is None else split:
        for n, text in enumerate(sentences):
            if any(needle in text for needle in needles):
                # "主要变动原因是……。" follows the sentence with the change it explains: show both
                return sentences[n - 1] + text if n and text.startswith(("主要", "原因")) else text
    return slot.finding


INCOME_LABELS = {
    FundingSource.GENERAL_PUBLIC_BUDGET: "一般公共预算财政拨款收入",
    FundingSource.GOVERNMENT_FUND: "政府性基金预算财政拨款收入",
    FundingSource.STATE_CAPITAL: "国有资本经营预算财政拨款收入",
    FundingSource.SPECIAL_ACCOUNT: "财政专户管理资金收入",
    FundingSource.SUPERIOR_SUBSIDY: "上级补助收入",
    FundingSource.BUSINESS: "事业收入",
    FundingSource.OPERATING: "经营收入",
    FundingSource.AFFILIATE: "附属单位上缴收入",
    FundingSource.OTHER: "其他收入",
}
#: A budget's words for the same incomes (部门收入总表 of the budget set: 拨款收入, not 财政拨款收入).
BUDGET_INCOME_LABELS = {
    **INCOME_LABELS,
    FundingSource.GENERAL_PUBLIC_BUDGET: "一般公共预算拨款收入",
    FundingSource.GOVERNMENT_FUND: "政府性基金预算拨款收入",
    FundingSource.STATE_CAPITAL: "国有资本经营预算拨款收入",
    FundingSource.OPERATING: "事业单位经营收入",
}

#: Sources every income paragraph names, even when zero (as the published texts do); others only when non-zero.
ALWAYS_LISTED = (
    FundingSource.GENERAL_PUBLIC_BUDGET,
    FundingSource.GOVERNMENT_FUND,
    FundingSource.SUPERIOR_SUBSIDY,
    FundingSource.BUSINESS,
    FundingSource.OPERATING,
    FundingSource.AFFILIATE,
    FundingSource.OTHER,
)

BUDGET_GLOSSARY_TERMS = {
    "财政拨款收入": ("财政拨款收入", "指单位从同级财政部门取得的财政预算资金，包括一般公共预算拨款、政府性基金预算拨款和国有资本经营预算拨款。"),
    "年初结转和结余": ("上年结转", "指以前年度尚未完成、结转到本年仍按原规定用途继续使用的资金。"),
    "年末结转和结余": ("结转下年", "指以前年度预算安排、因客观条件发生变化无法按原计划实施，需延迟到以后年度按原规定用途继续使用的资金。"),
}

GLOSSARY = [
    ("财政拨款收入", "指单位从同级财政部门取得的财政预算资金。"),
    ("事业收入", "指事业单位开展专业业务活动及辅助活动取得的收入。"),
    ("其他收入", "指单位取得的除上述收入以外的各项收入。"),
    ("年初结转和结余", "指以前年度尚未完成、结转到本年按有关规定继续使用的资金。"),
    ("年末结转和结余", "指单位按有关规定结转到下年或以后年度继续使用的资金。"),
    ("基本支出", "指为保障机构正常运转、完成日常工作任务而发生的人员支出和公用支出。"),
    ("项目支出", "指在基本支出之外为完成特定行政任务和事业发展目标所发生的支出。"),
    (
        "“三公”经费",
        "指部门用财政拨款安排的因公出国（境）费、公务用车购置及运行费和公务接待费。其中，因公出国（境）费反映单位公务出国（境）的"
        "国际旅费、国外城市间交通费、住宿费、伙食费、培训费、公杂费等支出；公务用车购置及运行费反映单位公务用车车辆购置支出（含车辆购置税）"
        "及租用费、燃料费、维修费、过路过桥费、保险费等支出；公务接待费反映单位按规定开支的各类公务接待（含外宾接待）支出。",
    ),
    (
        "机关运行经费",
        "指为保障行政单位（含参照公务员法管理的事业单位）运行用于购买货物和服务的各项资金，包括办公及印刷费、邮电费、差旅费、会议费、"
        "福利费、日常维修费、专用材料及一般设备购置费、办公用房水电费、办公用房取暖费、办公用房物业管理费、公务用车运行维护费以及其他费用。",
    ),
]

VEHICLE_KINDS = [k for k in AssetHolding.Kind if k.value.startswith("vehicle_")]


def leftover_label(key: str) -> str:
    """What a stored reason was about, from its key (for reasons no sentence of the text asks for any more)."""
    prefix, _, rest = key.partition(".")
    if prefix == "change":
        return f"{PRIOR_KEYS.get(rest, rest).split('（', 1)[0]}变动情况"
    if prefix == "execution":
        return f"{rest}决算数与预算数的差异"
    if prefix == "project":
        return f"项目{rest}执行数与预算数的差异"
    if prefix == "three_public":
        return f"{PRIOR_KEYS.get(key, key)}变动情况"
    if prefix == "three_public_execution":
        return f"{PRIOR_KEYS.get('three_public.' + rest, rest)}决算数与预算数的差异"
    return key


def _purpose(text: str) -> str:
    """A project's purpose as a clause after '主要用于' (without its own '主要用于' and final 。)."""
    text = text.strip().rstrip("。")
    for lead in ("主要用于", "用于"):
        if text.startswith(lead):
            return text[len(lead) :]
    return text


class _Drafter:
    def __init__(self, filing: Filing, figures: FilingFigures, units: list[Unit]) -> None:
        self.filing = filing
        self.f = figures
        self.units = units
        self.year = figures.year
        self.prior_year = figures.year - 1
        self.final = figures.is_final
        self.stage = "决算" if self.final else "预算"
        self.name = figures.department
        self.sections: list[Section] = []

    def section(self, key: str, title: str) -> SectionWriter:
        return SectionWriter(key=key, title=title, reasons=self.filing.reasons or {})

    def done(self, w: SectionWriter) -> None:
        split = split_sentences(w.paragraphs)
        sentences = {slot.key: reason_sentence(w.paragraphs, slot, split=split) for slot in w.slots}
        self.sections.append(
            Section(key=w.key, title=w.title, paragraphs=w.paragraphs, missing_reasons=w.missing, reasons=w.slots, sentences=sentences)
        )

    def change_reason(self, w: SectionWriter, key: str, label: str) -> str:
        """'主要变动原因是……' for a headline change against last year; when unchanged or last year is unknown,
        the department's note if it wrote one (seed 001: 新增预算单位，暂无上年数据), else ''."""
        change = self.f.change(key)
        if change is None or change.direction == "same":
            return w.reason(f"change.{key}", f"{label}（说明）", required=False)
        return f"主要变动原因是{w.reason(f'change.{key}', label)}"

    # ----------------------------------------------------------------------------------- 部门概况

    def duties(self) -> None:
        w = self.section("duties", "部门职责")
        text = (self.filing.duties or self.filing.department.duties).strip()
        w.add(*(line.strip() for line in text.splitlines() if line.strip())) if text else w.add("【待填写：部门职责（在填报信息中填写）】")
        self.done(w)

    def organisation(self) -> None:
        w = self.section("organisation", "机构设置")
        text = (self.filing.organisation or self.filing.department.organisation).strip()
        w.add(*(line.strip() for line in text.splitlines() if line.strip()))
        subordinate = [u for u in self.units if not u.is_main]
        counts = {n: sum(1 for u in subordinate if u.nature == n) for n in Unit.Nature.values}
        other = counts[Unit.Nature.PUBLIC_INSTITUTION] + counts[Unit.Nature.OTHER]
        computed = (
            f"{self.name}下属二级单位{len(subordinate)}个，其中行政单位{counts[Unit.Nature.ADMINISTRATIVE]}个，"
            f"参照公务员法管理的事业单位{counts[Unit.Nature.CIVIL_SERVICE_MANAGED]}个，其他事业单位{other}个。"
        )
        if computed not in w.paragraphs:
            w.add(computed)
        names = "、".join(f"{u.name}（{u.get_nature_display()}）" for u in self.units)
        w.add(f"纳入{self.name}{self.year}年部门{self.stage}编制范围的单位共{len(self.units)}个：{names}。")
        self.done(w)

    # ----------------------------------------------------------------------------------- 收支

    def overview(self) -> None:
        f = self.f
        if self.final:
            w = self.section("overview", "收入支出决算总体情况说明")
            first = f"{self.year}年度收、支总计{wan(f.income.grand_total.amount)}"
        else:
            w = self.section("overview", "收支预算总体情况")
            first = f"{self.year}年收、支总预算{wan(f.income.grand_total.amount)}"
        w.add(
            sentence(first)
            + sentence(change_phrase(f.change("total"), prior_year=self.prior_year, subject="收、支总计", both=True))
            + sentence(self.change_reason(w, "total", "收支总计变动原因"))
        )
        income_word, expense_word = ("本年收入合计", "本年支出合计") if self.final else ("本年收入预算", "本年支出预算")
        parts = []
        for key, word, amount in (("income", income_word, f.income.total.amount), ("expense", expense_word, f.expense.total.amount)):
            compared = compared_phrase(f.change(key), prior_year=self.prior_year, subject="")
            parts.append(f"{word}{wan(amount)}" + (f"，{compared}" if compared else ""))
        w.add("其中：" + "；".join(parts) + "。")
        if f.income.opening.amount or f.income.closing.amount:
            opening, closing = ("年初结转和结余", "年末结转和结余") if self.final else ("上年结转", "结转下年")
            w.add(
                f"收入包括本年收入{wan(f.income.total.amount)}、{opening}{wan(f.income.opening.amount)}；"
                f"支出包括本年支出{wan(f.expense.total.amount)}、{closing}{wan(f.income.closing.amount)}。"
            )
        self.done(w)

    def income(self) -> None:
        f = self.f
        w = self.section("income", "收入决算情况说明" if self.final else "收入预算情况")
        labels = INCOME_LABELS if self.final else BUDGET_INCOME_LABELS
        items = [(labels[s], f.income.by_source[s.value].amount) for s in FundingSource if s in ALWAYS_LISTED or f.income.by_source[s.value].amount]
        whole = f.income.total.amount
        lead = f"{self.year}年本年收入合计{wan(whole)}" if self.final else f"{self.year}年本年收入预算{wan(whole)}"
        if not self.final and f.income.opening.amount:
            items.insert(0, ("上年结转", f.income.opening.amount))
            whole = f.income.grand_total.amount
            lead = f"{self.year}年收入预算合计{wan(whole)}"
        parts = [f"{label}{wan(amount)}，占{share}" for (label, amount), share in zip(items, shares([a for _, a in items]))]
        w.add(f"{lead}，其中：" + "；".join(parts) + "。")
        self.done(w)

    def expense(self) -> None:
        f = self.f
        w = self.section("expense", "支出决算情况说明" if self.final else "支出预算情况")
        # 上缴上级支出, 经营支出, 对附属单位补助支出: a 决算 names all three as seed 003 does, a budget those it has.
        others = [
            (label, figure.amount)
            for label, figure in (("上缴上级支出", f.expense.upper), ("经营支出", f.expense.business), ("对附属单位补助支出", f.expense.subsidy))
            if self.final or figure.amount
        ]
        basic_share, project_share, *other_shares = shares([f.expense.basic.amount, f.expense.project.amount, *(a for _, a in others)])
        lead = f"{self.year}年本年支出合计{wan(f.expense.total.amount)}" if self.final else f"{self.year}年支出预算{wan(f.expense.total.amount)}"
        basic = f"基本支出{wan(f.expense.basic.amount)}，占{basic_share}"
        if not self.final:
            basic += f"，主要是人员经费{wan(f.expense.personnel.amount)}和日常公用经费{wan(f.expense.public.amount)}"
        project = f"项目支出{wan(f.expense.project.amount)}，占{project_share}"
        if not self.final and f.projects.rows:
            project += "，主要为" + "；".join(
                f"{p.name}{wan(p.declared.amount)}" + (f"，主要用于{_purpose(p.purpose)}" if _purpose(p.purpose) else "") for p in f.projects.rows
            )
        rest = "".join(f"；{label}{wan(amount)}，占{share}" for (label, amount), share in zip(others, other_shares))
        w.add(f"{lead}，其中：{basic}；{project}{rest}。")
        self.done(w)

    def fiscal(self) -> None:
        f = self.f
        w = self.section("fiscal", "财政拨款收入支出决算总体情况说明" if self.final else "财政拨款收支预算总体情况")
        total = f.income.fiscal + f.income.fiscal_opening
        lead = f"{self.year}年财政拨款收、支总计{wan(total.amount)}" if self.final else f"{self.year}年财政拨款收、支总预算{wan(total.amount)}"
        word = "财政拨款" if self.final else "拨款"
        sources = [
            (FundingSource.GENERAL_PUBLIC_BUDGET, f"一般公共预算{word}"),
            (FundingSource.GOVERNMENT_FUND, f"政府性基金预算{word}"),
            (FundingSource.STATE_CAPITAL, f"国有资本经营预算{word}"),
        ]
        parts = "，".join(f"{label}{wan(f.income.by_source[s.value].amount)}" for s, label in sources)
        w.add(
            sentence(lead, f"其中本年收入{parts}")
            + sentence(change_phrase(f.change("fiscal_total"), prior_year=self.prior_year, subject="财政拨款收、支总计", both=True))
            + sentence(self.change_reason(w, "fiscal_total", "财政拨款收支总计变动原因"))
        )
        self.done(w)

    # ----------------------------------------------------------------------------------- 一般公共预算

    def gpb(self) -> None:
        f = self.f
        gpb = f.gpb
        name = "一般公共预算财政拨款支出" if self.final else "一般公共预算拨款支出"
        title = "一般公共预算财政拨款支出决算情况说明" if self.final else "一般公共预算支出预算情况"
        w = self.section("gpb", title)
        share_of_total = (
            f"占本年支出合计的{shares([gpb.total.amount, f.expense.total.amount - gpb.total.amount])[0]}" if f.expense.total.amount else ""
        )
        w.add(f"（一）{name}{self.stage}总体情况")
        w.add(
            sentence(f"{self.year}年{name}{wan(gpb.total.amount)}", share_of_total)
            + sentence(change_phrase(f.change("gpb_expense"), prior_year=self.prior_year, subject=name))
            + sentence(self.change_reason(w, "gpb_expense", f"{name}变动原因"))
        )
        w.add(f"（二）{name}{self.stage}结构情况")
        classes = [r for r in gpb.classes if r.total.amount]
        class_shares = shares([r.total.amount for r in classes])
        parts = [f"{r.label}支出{wan(r.total.amount)}，占{s}" for r, s in zip(classes, class_shares)]
        w.add(f"{self.year}年{name}{wan(gpb.total.amount)}，主要用于以下方面：" + "；".join(parts) + "。" if parts else f"{self.year}年无{name}。")
        w.add(f"（三）{name}{self.stage}具体情况")
        items = [r for r in gpb.items if r.total.amount or r.total.budget]
        table = "一般公共预算财政拨款支出决算表"
        if self.final:
            w.add(f"{self.year}年{name}{execution_phrase(gpb.total)}。其中：")
            for n, r in enumerate(items, 1):
                text = f"{n}.{r.label}：{execution_phrase(r.total)}。"
                text += self.deviation_reason(
                    w, r.total, key=f"execution.{r.code}", subject=f"{r.name}（{r.code}）", table=table, cell=f"{r.code} {r.name}"
                )
                w.add(text)
        else:
            w.add(f"{self.year}年一般公共预算支出预算{wan(gpb.total.amount)}。其中：")
            for n, r in enumerate(items, 1):
                w.add(f"{n}.{r.label}：预算数为{wan(r.total.amount)}。")
        self.done(w)

    def deviation_reason(
        self, w: SectionWriter, figure, *, key: str, subject: str, table: str, cell: str = "", project_code: str = "", spent: str = "决算数"
    ) -> str:
        """'决算数小于（大于）预算数的主要原因是……。' when the 决算 differs from the (调整) budget, else ''.

        Under- and over-spending both need a reason (财政部 决算公开 templates: 决算数大于预算数的主要原因);
        the slot carries the figures, so the check that reports a missing reason reads it from here."""
        if figure.actual == figure.budget:
            return ""
        word = "小于" if figure.actual < figure.budget else "大于"
        done = f"（完成预算{format_percent(figure.completion)}）" if figure.budget else "（年初未安排预算）"
        reason = w.reason(
            key,
            f"{subject}{spent}{word}预算数的原因",
            table=table,
            cell=cell,
            project_code=project_code,
            finding=f"{subject}{spent}{wan(figure.actual)}{word}预算数{wan(figure.budget)}{done}",
        )
        return f"{spent}{word}预算数的主要原因是{reason}。"

    def basic(self) -> None:
        gpb = self.f.gpb
        w = self.section("basic", f"一般公共预算财政拨款基本支出{self.stage}情况说明" if self.final else "一般公共预算基本支出预算情况")
        w.add(f"{self.year}年一般公共预算{'财政' if self.final else ''}拨款基本支出{wan(gpb.basic.amount)}，其中：")
        for group, label in (("personnel", "人员经费"), ("public", "日常公用经费")):
            amount = gpb.personnel.amount if group == "personnel" else gpb.public.amount
            names = "、".join(r.name for r in gpb.economic_items(group))
            w.add(f"{label}{wan(amount)}" + (f"，主要包括：{names}。" if names else "。"))
        self.done(w)

    def three_public(self) -> None:
        f = self.f
        tp = f.three_public
        c = tp.counts
        w = self.section("three_public", f"“三公”经费财政拨款支出{self.stage}情况说明" if self.final else "“三公”经费预算情况")

        table = "一般公共预算财政拨款“三公”经费支出决算表" if self.final else "一般公共预算“三公”经费支出表"

        def reason_for(key: str, label: str) -> str:
            change = f.change(f"three_public.{key}")
            if change is None or change.direction == "same":
                return w.reason(f"three_public.{key}", f"{label}变动原因", required=False)
            increase = change.direction == "increase"
            value = w.reason(
                f"three_public.{key}",
                f"{label}{'增加' if increase else '减少'}原因",
                required=increase,
                table=table,
                cell=label,
                finding=f"{label}比{self.prior_year}年增加{change.delta_wan}万元（{format_percent(change.pct)}）"
                if change.pct is not None
                else f"{label}比{self.prior_year}年增加{change.delta_wan}万元",
            )
            return f"主要原因是{value}" if value else ""

        def execution_for(key: str, label: str, fig) -> str:
            """The reason a 三公 item's 决算 differs from its entered 预算数 (under- or over-spent)."""
            return self.deviation_reason(w, fig, key=f"three_public_execution.{key}", subject=label, table=table, cell=label)

        total_change = f.change("three_public.total")
        if self.final:
            w.add("（一）“三公”经费财政拨款支出决算总体情况说明")
            w.add(
                sentence(f"{self.year}年“三公”经费财政拨款支出预算为{wan(tp.total.budget)}，支出决算为{wan(tp.total.actual)}{completion(tp.total)}")
                + sentence(compared_phrase(total_change, prior_year=self.prior_year, subject="“三公”经费支出决算"))
                + sentence(reason_for("total", "“三公”经费"))
            )
            w.add("（二）“三公”经费财政拨款支出决算具体情况说明")
            items = [("因公出国（境）费", tp.overseas), ("公务用车购置及运行维护费", tp.vehicle), ("公务接待费", tp.reception)]
            item_shares = shares([fig.actual for _, fig in items])
            w.add(
                f"{self.year}年“三公”经费财政拨款支出决算中，"
                + "；".join(f"{label}支出决算{wan(fig.actual)}，占{s}" for (label, fig), s in zip(items, item_shares))
                + "。具体情况如下："
            )
            w.add(
                sentence(f"1.因公出国（境）经费支出{wan(tp.overseas.actual)}{completion(tp.overseas)}")
                + execution_for("overseas", "因公出国（境）费", tp.overseas)
                + sentence(compared_phrase(f.change("three_public.overseas"), prior_year=self.prior_year, subject="因公出国（境）费支出决算"))
                + sentence(reason_for("overseas", "因公出国（境）费"))
                + f"全年安排因公出国（境）团组{c.overseas_groups}个，累计{c.overseas_people}人次。"
            )
            vehicles = "、".join(f"{k.label}{self.f.assets.quantity(k.value):.0f}辆" for k in VEHICLE_KINDS)
            w.add(
                sentence(f"2.公务用车购置及运行维护费支出{wan(tp.vehicle.actual)}{completion(tp.vehicle)}")
                + execution_for("vehicle", "公务用车购置及运行维护费", tp.vehicle)
                + sentence(compared_phrase(f.change("three_public.vehicle"), prior_year=self.prior_year, subject="公务用车购置及运行维护费支出决算"))
                + sentence(reason_for("vehicle", "公务用车购置及运行维护费"))
                + f"其中：公务用车购置支出{wan(tp.vehicle_purchase.actual)}，全年按规定更新购置公务用车{c.vehicles_purchased}辆；"
                f"公务用车运行维护费支出{wan(tp.vehicle_operation.actual)}。"
                f"截至{self.year}年12月底，单位共有公务用车{c.vehicles_owned}辆，其中：{vehicles}。"
            )
            w.add(
                sentence(f"3.公务接待费支出{wan(tp.reception.actual)}{completion(tp.reception)}")
                + execution_for("reception", "公务接待费", tp.reception)
                + sentence(compared_phrase(f.change("three_public.reception"), prior_year=self.prior_year, subject="公务接待费支出决算"))
                + sentence(reason_for("reception", "公务接待费"))
                + f"其中：国内公务接待{c.reception_batches}批次，{c.reception_people}人次（不包括陪同人员），共计支出{wan(tp.reception.actual)}；"
                f"外事接待{c.foreign_reception_batches}批次，{c.foreign_reception_people}人次。"
            )
        else:
            w.add(
                sentence(
                    f"{self.year}年“三公”经费预算数为{wan(tp.total.amount)}，其中：因公出国（境）费{wan(tp.overseas.amount)}，"
                    f"公务用车购置费{wan(tp.vehicle_purchase.amount)}，公务用车运行维护费{wan(tp.vehicle_operation.amount)}，"
                    f"公务接待费{wan(tp.reception.amount)}"
                )
                + sentence(compared_phrase(total_change, prior_year=self.prior_year, subject="“三公”经费预算"))
                + sentence(reason_for("total", "“三公”经费"))
            )
            for key, label, _fig in (
                ("overseas", "因公出国（境）费", tp.overseas),
                ("vehicle", "公务用车购置及运行维护费", tp.vehicle),
                ("reception", "公务接待费", tp.reception),
            ):
                phrase = compared_phrase(f.change(f"three_public.{key}"), prior_year=self.prior_year, subject=f"{label}预算")
                if phrase:
                    w.add(sentence(phrase) + sentence(reason_for(key, label)))
        self.done(w)

    def fund(self, key: str, title: str, label: str) -> None:
        fund = getattr(self.f, key)
        w = self.section(key, title)
        if not fund.total.amount and not fund.total.budget:
            w.add(f"{self.year}年{label}支出{wan(fund.total.amount)}。本部门无{label}安排的支出。")
        else:
            classes = [r for r in fund.classes if r.total.amount]
            parts = [f"{r.label}支出{wan(r.total.amount)}，占{s}" for r, s in zip(classes, shares([r.total.amount for r in classes]))]
            w.add(f"{self.year}年{label}支出{wan(fund.total.amount)}{completion(fund.total) if self.final else ''}，其中：" + "；".join(parts) + "。")
        self.done(w)

    # ----------------------------------------------------------------------------------- 其他重要事项

    def operating_costs(self) -> None:
        oc = self.f.operating_costs
        w = self.section("operating_costs", "机关运行经费支出情况" if self.final else "机关运行经费安排情况")
        lead = (
            f"{self.year}年，{self.name}机关运行经费支出{wan(oc.total.amount)}"
            if self.final
            else f"{self.year}年，{self.name}机关运行经费预算{wan(oc.total.amount)}"
        )
        items = "、".join(f"{i.name}{wan(i.total.amount)}" for i in oc.items if i.total.amount)
        change = self.f.change("operating_costs")
        w.add(
            sentence(lead, compared_phrase(change, prior_year=self.prior_year, subject=""))
            + sentence(self.change_reason(w, "operating_costs", "机关运行经费变动原因"))
            + (f"主要用于：{items}。" if items else "")
        )
        self.done(w)

    def procurement(self) -> None:
        p = self.f.procurement
        w = self.section("procurement", "政府采购支出情况" if self.final else "政府采购预算情况")
        word = "支出" if self.final else "预算"
        parts = "、".join(f"政府采购{r.label}{word}{wan(r.amount)}" for r in p.rows)
        text = f"{self.year}年，{self.name}政府采购{word}总额{wan(p.total)}，其中：{parts}。"
        if self.final:
            sme_share = f"，占政府采购支出总额的{format_percent(p.sme_share)}" if p.sme_share is not None else ""
            micro_share = f"，占政府采购支出总额的{format_percent(p.micro_share)}" if p.micro_share is not None else ""
            text += f"授予中小企业合同金额{wan(p.sme)}{sme_share}，其中：授予小微企业合同金额{wan(p.micro)}{micro_share}。"
        w.add(text)
        self.done(w)

    def assets(self) -> None:
        a = self.f.assets
        w = self.section("assets", "国有资产占用情况")
        date = f"{self.year}年12月31日" if self.final else f"{self.year - 1}年12月31日"
        vehicles = "、".join(f"{k.label}{a.quantity(k.value):.0f}辆" for k in VEHICLE_KINDS)
        w.add(
            f"截至{date}，{self.name}共有车辆{a.vehicles:.0f}辆，其中：{vehicles}；"
            f"单价50万元以上通用设备{a.quantity(AssetHolding.Kind.GENERAL_EQUIPMENT_500K):.0f}台（套），"
            f"单价100万元以上专用设备{a.quantity(AssetHolding.Kind.SPECIAL_EQUIPMENT_1M):.0f}台（套）。"
        )
        self.done(w)

    def performance(self) -> None:
        projects = self.f.projects
        w = self.section("performance", "预算绩效管理情况" if self.final else "绩效目标设置情况")
        if not projects.rows:
            w.add(f"{self.name}{self.year}年无实行绩效目标管理的项目。")
            self.done(w)
            return
        names = "、".join(f"“{p.name}”" for p in projects.rows)
        if self.final:
            w.add(f"{self.name}在{self.year}年度部门决算中反映{names}{len(projects.rows)}个项目绩效目标实际完成情况。")
            for n, p in enumerate(projects.rows, 1):
                d = p.declared
                text = f"（{n}）{p.name}项目绩效目标完成情况综述。项目全年预算数{wan(d.budget)}，执行数为{wan(d.actual)}"
                text += f"，完成预算的{format_percent(d.completion)}。" if d.budget else "。"
                text += self.deviation_reason(
                    w, d, key=f"project.{p.code}", subject=f"项目“{p.name}”", table="项目绩效目标完成情况", project_code=p.code, spent="执行数"
                )
                if p.result_summary:
                    text += p.result_summary.strip().rstrip("。") + "。"
                w.add(text)
        else:
            w.add(f"{self.name}实行绩效目标管理的项目共{len(projects.rows)}个，涉及预算{wan(projects.declared_total.amount)}，分别是{names}。")
            for n, p in enumerate(projects.rows, 1):
                goals = "；".join(g.strip().rstrip("。") for g in (p.goal_1, p.goal_2) if g.strip())
                text = f"（{n}）{p.name}（{p.code}）：预算{wan(p.declared.amount)}"
                text += f"，资金用途：{p.purpose.strip().rstrip('。')}" if p.purpose.strip() else ""
                text += f"；年度目标：{goals}。" if goals else "。"
                w.add(text)
        self.done(w)

    def other(self) -> None:
        """其他需要说明的事项: the department's notes, and every stored reason no sentence above printed (a
        reason written when its figures asked for it, kept after they changed): every stored reason is printed."""
        printed = {slot.key for section in self.sections for slot in section.reasons}
        leftover = [(key, str(text).strip()) for key, text in (self.filing.reasons or {}).items() if key not in printed and str(text).strip()]
        if not (self.filing.other_notes.strip() or leftover):
            return
        w = self.section("other", "其他需要说明的事项")
        w.add(*(line.strip() for line in self.filing.other_notes.splitlines() if line.strip()))
        w.add(*(f"{leftover_label(key)}：{clean_reason(text)}。" for key, text in leftover))
        self.done(w)

    def glossary(self) -> None:
        w = self.section("glossary", "名词解释")
        terms = GLOSSARY if self.final else [BUDGET_GLOSSARY_TERMS.get(term, (term, text)) for term, text in GLOSSARY]
        w.add(*(f"{n}.{term}：{text}" for n, (term, text) in enumerate(terms, 1)))
        self.done(w)

    def draft(self) -> list[Section]:
        self.duties()
        self.organisation()
        self.overview()
        self.income()
        self.expense()
        self.fiscal()
        self.gpb()
        self.basic()
        self.three_public()
        word = "财政拨款" if self.final else "拨款"
        self.fund("gov_fund", f"政府性基金预算支出{self.stage}情况说明", f"政府性基金预算{word}")
        self.fund("state_capital", f"国有资本经营预算支出{self.stage}情况说明", f"国有资本经营预算{word}")
        self.operating_costs()
        self.procurement()
        self.assets()
        self.performance()
        self.other()
        self.glossary()
        return self.sections


def draft_sections(*, filing: Filing | None = None, facts: FilingFacts | None = None) -> list[Section]:
    """The sections of the 说明 of a budget or final-accounts filing, drafted from its facts (given, or read now)."""
    facts = facts_of(filing=filing, facts=facts)
    with publishing_in(facts.filing.amount_unit):
        return _Drafter(facts.filing, filing_figures(facts=facts), facts.units).draft()


def render_text(*, filing: Filing | None = None, facts: FilingFacts | None = None) -> str:
    """The whole 说明 as plain text, sections numbered 一、二、……"""
    facts = facts_of(filing=filing, facts=facts)
    kind = "部门决算" if facts.filing.kind == Filing.Kind.FINAL else "部门预算"
    figures = filing_figures(facts=facts)
    lines = [f"{figures.department}{figures.year}年{kind}情况说明", ""]
    for n, section in enumerate(draft_sections(facts=facts), 1):
        lines.append(f"{chinese_number(n)}、{section.title}")
        lines.extend(section.paragraphs)
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def missing_reasons(*, filing: Filing | None = None, facts: FilingFacts | None = None) -> list[ReasonSlot]:
    """Every reason the text needs and the department has not written yet."""
    sections = draft_sections(filing=filing, facts=facts)
    return [slot for section in sections for slot in section.reasons if slot.key in section.missing_reasons]
