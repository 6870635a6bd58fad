"""The pages with scripts or layout styles work in Chromium under the Content-Security-Policy
(config/csp.py): no "Refused to …" violation in the console, and the scripts that moved to static files
still act (the indicator form's 二级指标 filter, the delete confirmation, the job progress bar)."""

import pytest
from django.urls import reverse

from tests.evaluations.seeds import load_seed_001

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def seed_001_projects(department, year_2020):
    return load_seed_001(department=department, year=year_2020)


def watch(page) -> list[str]:
    violations: list[str] = []
    page.on(
        "console",
        lambda message: violations.append(message.text) if "Content Security Policy" in message.text or "Refused to" in message.text else None,
    )
    page.on("pageerror", lambda error: violations.append(str(error)))
    return violations


def test_pages_have_no_policy_violations(page, live_server, login_as, accountant, seed_001_projects):
    violations = watch(page)
    page.goto(live_server.url + reverse("login"))
    assert "Content-Security-Policy" in {name.title(): value for name, value in page.request.get(live_server.url + reverse("login")).headers.items()}
    page.goto(live_server.url + reverse("disclosures:home"))
    login_as(page, accountant)
    filing = seed_001_projects[0].filing
    for url in (
        reverse("disclosures:filing_detail", args=[filing.pk]),
        reverse("disclosures:filing_import", args=[filing.pk]),
        f"/evaluations/projects/{seed_001_projects[0].pk}/targets/",
    ):
        page.goto(live_server.url + url)
        page.wait_for_load_state("networkidle")
    assert page.locator(".login-card").count() == 0
    assert not violations, violations


def test_indicator_form_and_delete_confirmation_run_from_static_scripts(page, live_server, login_as, accountant, seed_001_projects):
    violations = watch(page)
    login_as(page, accountant)
    project = seed_001_projects[0]
    page.goto(f"{live_server.url}/evaluations/projects/{project.pk}/targets/")
    page.select_option("#id_level1", "satisfaction")
    hidden = page.eval_on_selector_all("#id_level2 option", "options => options.filter(o => !o.hidden).map(o => o.value)")
    assert hidden == ["satisfaction"], hidden
    count = project.indicators.count()
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.locator("button[data-confirm]").first.click()
    page.wait_for_timeout(300)
    assert asked == ["删除该指标？"]
    assert project.indicators.count() == count, "dismissing the confirmation must not delete"
    assert not violations, violations


def test_login_page_layout_class_applies(page, live_server):
    violations = watch(page)
    page.goto(live_server.url + reverse("login"))
    assert page.eval_on_selector(".login-card", "e => getComputedStyle(e).maxWidth") == "420px"
    assert not violations, violations
