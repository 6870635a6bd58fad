"""Permission matrix: every URL pattern of the project and every admin changelist/change page, for four
users — an accountant of the object's own department (maoxian), an accountant of another department
(wangcheng), a reviewer (shenhe) and an anonymous visitor — on the demo data.

The URL patterns are walked from the URLconf; a route without an entry in ROUTES fails the test, so a
new page cannot be added without deciding who may see it. Expected outcomes:
- own accountant: 200 for the department's own objects (405 where the route takes POST only);
- other department's accountant: 404 (or 403), never the object;
- reviewer: 200 (405 on POST-only routes), except the department's own editing pages of targets
  (OWNED_WRITE: a reviewer reads the data but does not edit a department's targets → 403);
- anonymous: redirect to the login page, except the public site and the JSON API (200);
and every POST without a CSRF token is rejected with 403.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.contrib import admin
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from disclosures.models import Filing, FilingDocument, Notification, Project, PublicationDocument
from jobs.models import Job
from disclosures.selectors.snapshot import build_snapshot
from disclosures.tables import compute_tables
from disclosures.tables.xlsx import render_workbook
from evaluations import services as evaluation_services
from evaluations.models import DepartmentTarget, Indicator, IndicatorResult, SelfEvaluation


@pytest.fixture
def demo(demo_of_module):
    """The demo built once for this module (tests/conftest.py: demo_built_once); each test in a savepoint of it."""
    return demo_of_module


pytestmark = pytest.mark.django_db

PUBLIC, OWNED, OWNED_WRITE, REVIEWER, LOGGED_IN, AUTH = "public", "owned", "owned_write", "reviewer", "logged_in", "auth"
#: A route that answers 404 to everyone (the JSON API's catch-all for unknown paths).
NOT_FOUND = "not_found"
#: A public route that redirects everyone (a year's data folder → the year's overview page).
PUBLIC_REDIRECT = "public_redirect"
#: The JSON API's search: without its required query parameter it answers 422 with a JSON error, to everyone.
NEEDS_QUERY = "needs_query"
#: An owned route that sends its own department's users back to the filing (a download whose token expired).
OWNED_REDIRECT = "owned_redirect"
#: A page for department accountants only (新建填报): reviewers are refused with 403.
ACCOUNTANT = "accountant"
#: A logged-in user's own object that redirects (a message opens its link); another user's answers 404.
OWN_MESSAGE = "own_message"
#: Redirects every logged-in user (the landing page after login sends each role to its page).
LOGGED_IN_REDIRECT = "logged_in_redirect"
USERS = ("own", "other", "reviewer", "anonymous")


@dataclass
class Side:
    """The objects of one department that the routes point at."""

    filing: Filing
    project: Project
    evaluation: SelfEvaluation
    indicator: Indicator
    result: IndicatorResult
    target: DepartmentTarget
    job: Job


def _side(department, filing, user) -> Side:
    project = filing.projects.order_by("order", "pk").first() or Project.objects.create(filing=filing, code="PM-1", name="矩阵项目")
    indicator = project.indicators.first() or Indicator.objects.create(
        project=project, level1="output", level2="quantity", name="数量", comparator="ge", target_value=1
    )
    evaluation = SelfEvaluation.objects.filter(project=project).first() or evaluation_services.evaluation_start(owner=project, user=user)
    result = evaluation.results.first() or IndicatorResult.objects.create(evaluation=evaluation, indicator=indicator)
    target = DepartmentTarget.objects.filter(department=department).first() or DepartmentTarget.objects.create(
        department=department, fiscal_year=filing.fiscal_year
    )
    job = Job.objects.create(kind=Job.Kind.PING, filing=filing)
    FilingDocument.objects.create(filing=filing, format="xlsx", file=ContentFile(b"PK\x03\x04", name="m.xlsx"), size=4)
    return Side(filing, project, evaluation, indicator, result, target, job)


@pytest.fixture
def world(demo, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    own = _side(demo.maoxian.department, demo.maoxian.filing, demo.users["maoxian"])
    other = _side(demo.wangcheng.department, demo.wangcheng.filing, demo.users["wangcheng"])
    published = demo.ziyang.filing
    now = timezone.now()
    Filing.objects.filter(pk=published.pk).update(
        status=Filing.Status.PUBLISHED,
        approved_at=now,
        published_at=now,
        published_snapshot=build_snapshot(filing=published, published_at=now),
    )
    workbook = render_workbook(compute_tables(filing=published))
    FilingDocument.objects.create(filing=published, format="xlsx", file=ContentFile(workbook, name="p.xlsx"), size=1)
    # the public sees a publication once its frozen documents exist
    PublicationDocument.objects.create(filing=published, format="xlsx", file=ContentFile(workbook, name="p.xlsx"), size=len(workbook), sha256="")
    message = Notification.objects.create(recipient=demo.users["maoxian"], filing=own.filing, kind="returned", title="矩阵消息", link="/workspace/")
    other_message = Notification.objects.create(
        recipient=demo.users["wangcheng"], filing=other.filing, kind="returned", title="矩阵外部门消息", link="/workspace/"
    )
    return {"demo": demo, "own": own, "other": other, "published": published, "message": message, "other_message": other_message}


# url name → (category, kwargs(side, world)). Owned routes point at `side`'s objects.
ROUTES = {
    "disclosures:home": (PUBLIC, lambda s, w: {}),
    "disclosures:public_home": (PUBLIC, lambda s, w: {}),
    "disclosures:public_year": (PUBLIC, lambda s, w: {"year": w["published"].fiscal_year.year}),
    "disclosures:public_filing": (PUBLIC, lambda s, w: {"pk": w["published"].pk}),
    "disclosures:public_document": (PUBLIC, lambda s, w: {"pk": w["published"].pk, "format": "xlsx"}),
    "disclosures:public_table_xlsx": (PUBLIC, lambda s, w: {"pk": w["published"].pk, "number": 1}),
    "disclosures:api_years": (PUBLIC, lambda s, w: {}),
    "disclosures:api_filings": (PUBLIC, lambda s, w: {}),
    "disclosures:api_filing": (PUBLIC, lambda s, w: {"pk": w["published"].pk}),
    "opendata:home": (PUBLIC, lambda s, w: {}),
    "opendata:search": (PUBLIC, lambda s, w: {}),
    "opendata:overview": (PUBLIC, lambda s, w: {"year": w["published"].fiscal_year.year}),
    "opendata:overview_csv": (PUBLIC, lambda s, w: {"year": w["published"].fiscal_year.year, "table": "departments"}),
    "opendata:department": (PUBLIC, lambda s, w: {"code": w["published"].department.code}),
    "opendata:department_csv": (PUBLIC, lambda s, w: {"code": w["published"].department.code, "table": "series"}),
    "opendata:data_index": (PUBLIC_REDIRECT, lambda s, w: {"year": w["published"].fiscal_year.year}),
    "opendata:data_csv": (PUBLIC, lambda s, w: {"year": w["published"].fiscal_year.year}),
    "opendata:data_xlsx": (PUBLIC, lambda s, w: {"year": w["published"].fiscal_year.year}),
    "opendata:data_package": (PUBLIC, lambda s, w: {"year": w["published"].fiscal_year.year}),
    "opendata:api_docs": (PUBLIC, lambda s, w: {}),
    "favicon": (PUBLIC_REDIRECT, lambda s, w: {}),
    "api_v1:api-root": (NOT_FOUND, lambda s, w: {}),
    "api_v1:openapi-json": (PUBLIC, lambda s, w: {}),
    "api_v1:years": (PUBLIC, lambda s, w: {}),
    "api_v1:filings": (PUBLIC, lambda s, w: {}),
    "api_v1:filing": (PUBLIC, lambda s, w: {"filing_id": w["published"].pk}),
    "api_v1:overview": (PUBLIC, lambda s, w: {"year": w["published"].fiscal_year.year}),
    "api_v1:department": (PUBLIC, lambda s, w: {"department": w["published"].department.code}),
    "api_v1:search": (NEEDS_QUERY, lambda s, w: {}),
    "api_v1_not_found": (NOT_FOUND, lambda s, w: {"rest": "no-such-endpoint/"}),
    "disclosures:workspace": (LOGGED_IN, lambda s, w: {}),
    "disclosures:landing": (LOGGED_IN_REDIRECT, lambda s, w: {}),
    "disclosures:filing_new": (ACCOUNTANT, lambda s, w: {}),
    "disclosures:notifications": (LOGGED_IN, lambda s, w: {}),
    "disclosures:notifications_read": (LOGGED_IN, lambda s, w: {}),
    "disclosures:notification_open": (OWN_MESSAGE, lambda s, w: {"pk": w["message"].pk}),
    "disclosures:bureau_create_missing": (REVIEWER, lambda s, w: {"year": s.filing.fiscal_year.year}),
    "disclosures:filing_detail": (OWNED, lambda s, w: {"pk": s.filing.pk}),
    "disclosures:filing_import": (OWNED, lambda s, w: {"pk": s.filing.pk}),
    "disclosures:filing_import_errors": (OWNED_REDIRECT, lambda s, w: {"pk": s.filing.pk, "token": "expired"}),
    "disclosures:filing_amount_unit": (OWNED_WRITE, lambda s, w: {"pk": s.filing.pk}),
    "disclosures:line_editor_home": (OWNED, lambda s, w: {"pk": s.filing.pk}),
    "disclosures:line_editor": (OWNED, lambda s, w: {"pk": s.filing.pk, "sheet": "expense"}),
    "disclosures:three_public_form": (OWNED, lambda s, w: {"pk": s.filing.pk}),
    "disclosures:line_totals": (OWNED, lambda s, w: {"pk": s.filing.pk, "sheet": "expense"}),
    "disclosures:catalog_lookup": (OWNED, lambda s, w: {"pk": s.filing.pk}),
    "disclosures:line_row_add": (OWNED, lambda s, w: {"pk": s.filing.pk, "sheet": "expense"}),
    "disclosures:line_row": (OWNED, lambda s, w: {"pk": s.filing.pk, "sheet": "expense", "row": s.filing.expense_lines.first().pk}),
    "disclosures:line_row_delete": (OWNED, lambda s, w: {"pk": s.filing.pk, "sheet": "expense", "row": s.filing.expense_lines.first().pk}),
    "disclosures:line_paste": (OWNED, lambda s, w: {"pk": s.filing.pk, "sheet": "expense"}),
    "disclosures:import_template": (OWNED, lambda s, w: {"pk": s.filing.pk, "kind": "expense"}),
    "disclosures:filing_text": (OWNED, lambda s, w: {"pk": s.filing.pk}),
    "disclosures:filing_checks": (OWNED, lambda s, w: {"pk": s.filing.pk}),
    "disclosures:filing_submit": (OWNED, lambda s, w: {"pk": s.filing.pk}),
    "disclosures:filing_correct": (OWNED, lambda s, w: {"pk": s.filing.pk}),
    "disclosures:filing_documents": (OWNED, lambda s, w: {"pk": s.filing.pk}),
    "disclosures:document_download": (OWNED, lambda s, w: {"pk": s.filing.pk, "format": "xlsx"}),
    "jobs:job_status": (OWNED, lambda s, w: {"pk": s.job.pk}),
    "jobs:jobs_progress": (LOGGED_IN, lambda s, w: {}),
    "disclosures:bureau_dashboard": (REVIEWER, lambda s, w: {}),
    "disclosures:bureau_filing": (REVIEWER, lambda s, w: {"pk": s.filing.pk}),
    "disclosures:bureau_filing_action": (REVIEWER, lambda s, w: {"pk": s.filing.pk, "action": "return"}),
    "disclosures:bureau_bulk": (REVIEWER, lambda s, w: {}),
    "disclosures:year_generate": (REVIEWER, lambda s, w: {"year": s.filing.fiscal_year.year}),
    "disclosures:year_publish": (REVIEWER, lambda s, w: {"year": s.filing.fiscal_year.year}),
    "evaluations:index": (LOGGED_IN, lambda s, w: {}),
    "evaluations:department_target_create": (LOGGED_IN, lambda s, w: {}),
    "evaluations:targets": (OWNED, lambda s, w: {"kind": "projects", "pk": s.project.pk}),
    "evaluations:targets_import": (OWNED_WRITE, lambda s, w: {"kind": "projects", "pk": s.project.pk}),
    "evaluations:targets_template": (LOGGED_IN, lambda s, w: {}),
    "evaluations:indicator_edit": (OWNED_WRITE, lambda s, w: {"pk": s.indicator.pk}),
    "evaluations:indicator_delete": (OWNED, lambda s, w: {"pk": s.indicator.pk}),
    "evaluations:evaluation_start": (OWNED, lambda s, w: {"kind": "projects", "pk": s.project.pk}),
    "evaluations:evaluation": (OWNED, lambda s, w: {"pk": s.evaluation.pk}),
    "evaluations:evaluation_score": (OWNED, lambda s, w: {"pk": s.evaluation.pk}),
    "evaluations:result_adjust": (REVIEWER, lambda s, w: {"pk": s.result.pk}),
    "evaluations:project_form": (OWNED, lambda s, w: {"pk": s.project.pk, "fmt": "xlsx"}),
    "evaluations:evaluation_form": (OWNED, lambda s, w: {"pk": s.evaluation.pk, "form": "self-evaluation", "fmt": "xlsx"}),
    "evaluations:county": (REVIEWER, lambda s, w: {"year": s.filing.fiscal_year.year}),
    "evaluations:county_export": (REVIEWER, lambda s, w: {"year": s.filing.fiscal_year.year}),
    "evaluations:county_score": (REVIEWER, lambda s, w: {"year": s.filing.fiscal_year.year}),
    "login": (AUTH, lambda s, w: {}),
    "logout": (AUTH, lambda s, w: {}),
    "password_change": (LOGGED_IN, lambda s, w: {}),
    "password_change_done": (LOGGED_IN, lambda s, w: {}),
    "password_reset": (AUTH, lambda s, w: {}),
    "password_reset_done": (AUTH, lambda s, w: {}),
    "password_reset_confirm": (AUTH, lambda s, w: {"uidb64": "MQ", "token": "set-password"}),
    "password_reset_complete": (AUTH, lambda s, w: {}),
}


def project_url_names() -> set[str]:
    """Every named route outside the admin, with its namespace."""
    names: set[str] = set()

    def walk(patterns, namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.app_name == "admin" or pattern.namespace == "admin":
                    continue
                child = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, child)
            elif isinstance(pattern, URLPattern):
                if pattern.name:
                    names.add(f"{namespace}{pattern.name}")
                else:
                    raise AssertionError(f"unnamed route {pattern.pattern}: name it so the matrix can classify it")

    walk(get_resolver().url_patterns, "")
    return names


def test_every_route_is_classified():
    routes = project_url_names()
    missing = sorted(routes - set(ROUTES))
    assert not missing, f"routes without a permission-matrix entry: {missing}"


def client_for(world, who: str, *, csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    users = world["demo"].users
    user = {"own": users["maoxian"], "other": users["wangcheng"], "reviewer": users["shenhe"]}.get(who)
    if user is not None:
        client.force_login(user)
    return client


def expected(category: str, who: str, post_only: bool) -> set[int]:
    if category == PUBLIC:
        return {200}
    if category == NOT_FOUND:
        return {404}
    if category == PUBLIC_REDIRECT:
        return {302}
    if category == NEEDS_QUERY:
        return {422}
    if category == AUTH:
        return {200, 302, 405}
    if post_only:
        # The method is checked before anything is looked up: a GET learns nothing (405), or anonymous
        # visitors are sent to log in first.
        return {302, 405} if who == "anonymous" else {405}
    if who == "anonymous":
        return {302}
    if category == LOGGED_IN:
        return {200}
    if category == LOGGED_IN_REDIRECT:
        return {302}
    if category == ACCOUNTANT:
        return {403} if who == "reviewer" else {200}
    if category == OWN_MESSAGE:
        return {302} if who == "own" else {404}
    if category == OWNED:
        return {200} if who in ("own", "reviewer") else {403, 404}
    if category == OWNED_REDIRECT:
        return {302} if who in ("own", "reviewer") else {403, 404}
    if category == OWNED_WRITE:
        return {200} if who == "own" else {403, 404}
    if category == REVIEWER:
        return {200} if who == "reviewer" else {403, 404}
    raise AssertionError(category)


# Routes that only accept POST (a GET answers 405 to whoever may use them).
POST_ONLY = {
    "disclosures:filing_correct",
    "disclosures:filing_amount_unit",
    "disclosures:line_row_add",
    "disclosures:line_row",
    "disclosures:line_row_delete",
    "disclosures:line_paste",
    "evaluations:indicator_delete",
    "evaluations:evaluation_start",
    "evaluations:evaluation_score",
    "evaluations:result_adjust",
    "evaluations:county_score",
    "evaluations:department_target_create",
    "disclosures:bureau_bulk",
    "disclosures:bureau_filing_action",
    "disclosures:bureau_create_missing",
    "disclosures:notifications_read",
    "logout",
}


@pytest.mark.parametrize("who", USERS)
def test_get_matrix(world, who):
    client = client_for(world, who)
    failures = []
    for name in sorted(project_url_names()):
        category, kwargs = ROUTES[name]
        path = reverse(name, kwargs=kwargs(world["own"], world))
        response = client.get(path)
        want = expected(category, who, name in POST_ONLY)
        if response.status_code not in want:
            failures.append(f"{who} GET {path} ({name}): {response.status_code}, expected {sorted(want)}")
        elif who == "anonymous" and response.status_code == 302 and category not in (PUBLIC, PUBLIC_REDIRECT, AUTH):
            if "/accounts/login/" not in response["Location"]:
                failures.append(f"anonymous GET {path}: redirected to {response['Location']}, not the login page")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("who", ["other", "anonymous"])
def test_post_to_another_departments_objects_is_refused(world, who):
    """POST (with a valid CSRF path: the test client skips the check) on the own department's objects by
    another department's accountant or an anonymous visitor: refused, and the filing is unchanged."""
    client = client_for(world, who)
    own = world["own"]
    before = Filing.objects.get(pk=own.filing.pk).status
    failures = []
    for name in sorted(project_url_names()):
        category, kwargs = ROUTES[name]
        if category not in (OWNED, OWNED_WRITE, REVIEWER):
            continue
        path = reverse(name, kwargs=kwargs(own, world))
        response = client.post(path, {"comment": "x", "note": "x", "reason": "x"})
        if who == "anonymous":
            # sent to log in, or refused by the method check of a GET-only page before anything is read
            refused = response.status_code == 405 or (response.status_code == 302 and "/accounts/login/" in response.get("Location", ""))
        else:
            refused = response.status_code in (403, 404, 405)
        if not refused:
            failures.append(f"{who} POST {path} ({name}): {response.status_code}")
    assert Filing.objects.get(pk=own.filing.pk).status == before
    assert Indicator.objects.filter(pk=own.indicator.pk).exists()
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("who", USERS)
def test_post_without_csrf_token_is_rejected(world, who):
    client = client_for(world, who, csrf=True)
    failures = []
    for name in sorted(project_url_names()):
        category, kwargs = ROUTES[name]
        path = reverse(name, kwargs=kwargs(world["own"], world))
        response = client.post(path, {"x": "1"})
        to_login = response.status_code == 302 and "/accounts/login/" in response.get("Location", "")
        # the read-only JSON API (django-ninja, CSRF-exempt) answers any POST with 405 before anything runs
        read_only_api = name.startswith("api_v1:") and response.status_code == 405
        # filing_import checks the login before its (inner) CSRF check, so an anonymous POST is sent to log in
        if response.status_code != 403 and not (who == "anonymous" and to_login) and not read_only_api:
            failures.append(f"{who} POST {path} without CSRF token: {response.status_code}")
    assert not failures, "\n".join(failures)


# --- admin ----------------------------------------------------------------------------------------


def _own_and_other(model, world):
    """An object of the own department and one of the other department, where the model has one."""
    own, other = world["own"], world["other"]
    by_model = {
        "filing": (own.filing, other.filing),
        "project": (own.project, other.project),
        "expenseline": (own.filing.expense_lines.first(), other.filing.expense_lines.first()),
        "incomeline": (own.filing.income_lines.first(), other.filing.income_lines.first()),
        "indicator": (own.indicator, other.indicator),
        "selfevaluation": (own.evaluation, other.evaluation),
        "departmenttarget": (own.target, other.target),
        "unit": (own.filing.department.units.first(), other.filing.department.units.first()),
        "department": (own.filing.department, other.filing.department),
        "notification": (world["message"], world["other_message"]),
    }
    return by_model.get(model._meta.model_name, (None, None))


@pytest.mark.parametrize("who", USERS)
def test_admin_matrix(world, who):
    client = client_for(world, who)
    failures = []
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        changelist = reverse("admin:{}_{}_changelist".format(*info))
        response = client.get(changelist)
        if who == "anonymous":
            if response.status_code != 302 or "/admin/login/" not in response["Location"]:
                failures.append(f"anonymous {changelist}: {response.status_code}")
            continue
        if response.status_code not in (200, 403):
            failures.append(f"{who} {changelist}: {response.status_code}")
        own_object, other_object = _own_and_other(model, world)
        if who in ("own", "other") and other_object is not None and own_object is not None:
            # the accountant of `who` looks at the OTHER department's object
            foreign = other_object if who == "own" else own_object
            path = reverse("admin:{}_{}_change".format(*info), args=[foreign.pk])
            response = client.get(path)
            body = response.content.decode(errors="replace") if response.status_code == 200 else ""
            if response.status_code == 200 and str(foreign) in body:
                failures.append(f"{who} sees another department's {model._meta.model_name} at {path}")
            elif response.status_code not in (302, 403, 404, 200):
                failures.append(f"{who} {path}: {response.status_code}")
            if response.status_code == 302 and "/admin/login/" in response["Location"]:
                failures.append(f"{who} {path}: sent to login although logged in")
        if who == "own" and own_object is not None:
            path = reverse("admin:{}_{}_change".format(*info), args=[own_object.pk])
            response = client.get(path)
            if response.status_code not in (200, 403):
                failures.append(f"own {path}: {response.status_code}")
    assert not failures, "\n".join(failures)
