"""The demo workflow step: two filings published with snapshots, one returned with comments; idempotent."""

import pytest
from django.contrib.auth.models import Group, Permission

from demo.workflow import advance_demo_workflow
from disclosures.models import DepartmentMembership, Filing, Project, ReviewComment
from tests.factories import DepartmentFactory
from tests.disclosures.seed003 import build_seed_003
from tests.disclosures.workflow_fixtures import make_clean

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_departments(django_user_model):
    group, _ = Group.objects.get_or_create(name="财政局审核人")
    group.permissions.add(*Permission.objects.filter(codename__in=["review_filing", "publish_filing"]))
    django_user_model.objects.create_user("shenhe", password="pw-Shenhe-123").groups.add(group)
    filings = []
    for i, name in enumerate(["茂县信访局", "茂县教育局", "茂县民政局"]):
        department = DepartmentFactory(code=f"80{i}", name=name)
        user = django_user_model.objects.create_user(f"kuaiji{i}", password="pw-Kuaiji-123")
        DepartmentMembership.objects.create(user=user, department=department)
        filing = build_seed_003(department=department, year=2019)
        make_clean(filing)
        filings.append(filing)
    return filings


def test_demo_reaches_two_published_and_one_returned(three_departments):
    counts = advance_demo_workflow(log=lambda message: None)

    assert counts == {"published": 2, "returned": 1}
    published = Filing.objects.filter(status=Filing.Status.PUBLISHED)
    assert published.count() == 2
    assert all(f.published_snapshot["key_figures"][0]["amount"] == "3823100.00" for f in published)
    returned = Filing.objects.get(status=Filing.Status.RETURNED)
    assert ReviewComment.objects.filter(filing=returned).count() == 2


def test_demo_step_is_idempotent(three_departments):
    advance_demo_workflow(log=lambda message: None)
    before = list(Filing.objects.order_by("pk").values_list("pk", "status"))
    assert advance_demo_workflow(log=lambda message: None) == {"published": 2, "returned": 1}
    assert list(Filing.objects.order_by("pk").values_list("pk", "status")) == before


def test_filings_with_check_errors_stay_drafts(three_departments):
    Project.objects.filter(filing=three_departments[0], code="XF-03").update(budget_amount=165000, actual_amount=165000)
    messages = []
    advance_demo_workflow(log=messages.append)
    three_departments[0].refresh_from_db()
    assert three_departments[0].status == Filing.Status.DRAFT
    assert any("保留为草稿" in m for m in messages)


def test_without_a_third_passing_draft_a_correction_is_returned(three_departments):
    three_departments[2].delete()
    advance_demo_workflow(log=lambda message: None)
    returned = Filing.objects.get(status=Filing.Status.RETURNED)
    assert returned.version == 2 and returned.supersedes.status == Filing.Status.PUBLISHED
    assert ReviewComment.objects.filter(filing=returned, target="整体").exists()
    assert Filing.objects.filter(status=Filing.Status.PUBLISHED).count() == 2


def test_projects_without_indicators_get_example_indicators(three_departments):
    from evaluations.models import Indicator

    Indicator.objects.filter(project__filing=three_departments[0]).delete()
    advance_demo_workflow(log=lambda message: None)
    three_departments[0].refresh_from_db()
    assert three_departments[0].status == Filing.Status.PUBLISHED
    levels = sorted(Indicator.objects.filter(project__filing=three_departments[0], project__code="XF-01").values_list("level1", flat=True))
    assert levels == ["effect", "output", "satisfaction"]


def test_load_demo_reaches_the_workflow_states(db, settings):
    import io

    from django.core.management import call_command

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    published = Filing.objects.filter(status=Filing.Status.PUBLISHED)
    assert published.count() >= 2 and all(f.published_snapshot for f in published)
    returned = Filing.objects.filter(status=Filing.Status.RETURNED)
    assert returned.count() >= 1 and ReviewComment.objects.filter(filing__in=returned).exists()
    assert "已公开" in out.getvalue()
