"""What the widgets need to know about the filing an upload goes into: year, catalog, units, projects.

The catalog of one kind and year is loaded once (one query), not per row.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from disclosures.models import CatalogItem, Department, Filing, FiscalYear, Project, Unit


class GoneSincePreview(KeyError):
    """A unit or project a staged row names no longer exists (deleted after the preview); args[0] is Chinese."""


@dataclass
class ImportContext:
    department: Department
    fiscal_year: FiscalYear
    filing: Filing | None = None
    _catalog: dict[str, dict[str, int]] = field(default_factory=dict)
    _units: dict[str, Unit] = field(default_factory=dict)
    _unit_names: dict[str, str] = field(default_factory=dict)
    _pending_units: dict[str, str] = field(default_factory=dict)
    main_unit_code: str | None = None
    project_codes: set[str] = field(default_factory=set)
    _projects: dict[str, Project] = field(default_factory=dict)
    _items: dict[int, CatalogItem] = field(default_factory=dict)

    @classmethod
    def for_filing(cls, filing: Filing) -> ImportContext:
        context = cls(department=filing.department, fiscal_year=filing.fiscal_year, filing=filing)
        context.refresh()
        return context

    @property
    def year(self) -> int:
        return self.fiscal_year.year

    def refresh(self) -> None:
        """Reload units and projects (after a workbook's 单位 or 项目 sheet has been applied)."""
        self._units = {u.code: u for u in Unit.objects.filter(department=self.department)} if self.department.pk else {}
        self._unit_names = {u.name: u.code for u in self._units.values()}
        main = next((u for u in self._units.values() if u.is_main), None)
        if main is not None:
            self.main_unit_code = main.code
        if self.filing is not None and self.filing.pk:
            self._projects = {p.code: p for p in Project.objects.filter(filing=self.filing)}
            self.project_codes |= set(self._projects)

    def add_pending_unit(self, *, code: str, name: str, is_main: bool) -> None:
        """A unit that the same workbook creates (its 单位 sheet)."""
        self._pending_units[code] = code
        self._unit_names.setdefault(name, code)
        if is_main:
            self.main_unit_code = code

    def unit_code(self, text: str) -> str | None:
        if text in self._units or text in self._pending_units:
            return text
        return self._unit_names.get(text)

    def unit_names(self) -> list[str]:
        return list(self._unit_names)

    def unit_by_code(self, code: str) -> Unit:
        if code not in self._units:
            self.refresh()
        if code not in self._units:
            raise GoneSincePreview(f"预算单位“{code}”已不存在（预览之后被删除），请重新上传文件")
        return self._units[code]

    def project_by_code(self, code: str) -> Project:
        if code not in self._projects:
            self.refresh()
        if code not in self._projects:
            raise GoneSincePreview(f"项目“{code}”已不存在（预览之后被删除），请重新上传文件")
        return self._projects[code]

    def catalog_pk(self, kind: str, code: str) -> int | None:
        if kind not in self._catalog:
            self._catalog[kind] = dict(CatalogItem.objects.filter(fiscal_year=self.fiscal_year, kind=kind).values_list("code", "pk"))
        return self._catalog[kind].get(code)

    def catalog_item(self, pk: int) -> CatalogItem:
        """The item with what the line service reads from it (its year and 对照表) joined in, cached."""
        if pk not in self._items:
            items = CatalogItem.objects.filter(fiscal_year=self.fiscal_year).select_related("fiscal_year", "gov_economic", "gov_economic_institution")
            self._items.update((item.pk, item) for item in items)
        if pk not in self._items:
            raise GoneSincePreview("分类科目已不存在（预览之后被删除），请重新上传文件")
        return self._items[pk]

    def catalog_codes(self, kind: str) -> list[str]:
        self.catalog_pk(kind, "")
        return sorted(self._catalog[kind])

    def catalog_years_of(self, kind: str, code: str) -> list[int]:
        """Other years whose catalog has the code (only asked for codes that are refused)."""
        return sorted(
            CatalogItem.objects.filter(kind=kind, code=code).exclude(fiscal_year=self.fiscal_year).values_list("fiscal_year__year", flat=True)
        )
