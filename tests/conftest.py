"""Fixtures shared by the whole suite: a department with its accountant, another department, a reviewer.

Area-specific fixtures live in the conftest.py of each test folder. The data-entry and workflow
fixtures of tests/disclosures are used across folders (hardening, evaluations), so they are loaded as
plugins here; their plain helpers (`item`, `publish`, `make_clean`, …) are imported by name.
"""

import copy
from contextlib import contextmanager
from unittest import mock

import pytest
from django.db import transaction
from django.test import TestCase

from demo.build import build_demo
from disclosures.models import FiscalYear
from tests.factories import AccountantFactory, DepartmentFactory, ReviewerFactory

pytest_plugins = ["tests.disclosures.entry_fixtures", "tests.disclosures.workflow_fixtures"]


@pytest.fixture
def year_2019(db):
    return FiscalYear.objects.get_or_create(year=2019)[0]


@pytest.fixture
def year_2020(db):
    return FiscalYear.objects.get_or_create(year=2020)[0]


@pytest.fixture
def department(db):
    return DepartmentFactory(code="901", name="测试县信访局")


@pytest.fixture
def other_department(db):
    return DepartmentFactory(code="902", name="测试县教育局")


@pytest.fixture
def accountant(db, department):
    return AccountantFactory(username="accountant", password="pw-Accountant-1", department=department)


@pytest.fixture
def outsider(db, other_department):
    return AccountantFactory(username="outsider", password="pw-Outsider-1", department=other_department)


@pytest.fixture
def reviewer(db):
    return ReviewerFactory(username="reviewer", password="pw-Reviewer-1")


@pytest.fixture(autouse=True)
def celery_eager(request):
    """Run tasks in-process even when CELERY_BROKER_URL points at Redis (as in CI's PostgreSQL run).

    Only tests marked `celery_worker` talk to a real worker. Celery reads Django's settings once, so
    override_settings would not reach it: the app's configuration is switched directly.
    """
    if request.node.get_closest_marker("celery_worker"):
        yield
        return
    from config.celery import app

    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = saved


@pytest.fixture(autouse=True)
def public_stamp_fresh():
    """The public data's stamp kept in the public cache belongs to the previous test's database."""
    from disclosures.public_stamp import public_stamp_invalidate

    public_stamp_invalidate()


@pytest.fixture
def demo(db):
    """The demo data built from the four seeds (demo.build.build_demo): a namespace with .maoxian,
    .shanhaiguan, .ziyang, .wangcheng (each with .department, .units, .filing, …), .years, .users, .passwords.
    (Passwords hash fast: config.settings_test uses the MD5 hasher.)"""
    return build_demo()


@pytest.fixture(scope="module")
def demo_built_once(django_db_setup, django_db_blocker):
    """build_demo once for a whole test module, inside a transaction rolled back after its last test.
    Only for modules whose every database test uses it (through `demo_of_module`): a test of the module
    that ran after it without it would see the demo's rows. Never with live_server or transactional_db."""
    with django_db_blocker.unblock(), transaction.atomic():
        demo = build_demo()
        yield demo
        transaction.set_rollback(True)


@pytest.fixture
def demo_of_module(demo_built_once, db):
    """The module's demo for one test: the test runs in a savepoint of the module's transaction
    (pytest-django's `db`) and gets its own copy of the objects, so what it changes does not last."""
    return copy.deepcopy(demo_built_once)


#: The PDF that `publication_jobs_run` stores: rendering a real one costs seconds per publication.
STAND_IN_PDF = b"%PDF-1.4\n% stand-in rendered by tests.conftest.publication_jobs_run\n%%EOF\n"


@contextmanager
def publication_jobs_run():
    """Run, at the end of the block, the jobs its commits would send: above all the publication job that
    freezes a published filing's documents, without which the public does not see the publication.

    Tests run inside a transaction, where on-commit sends never happen. The jobs are the real ones but
    for the PDF renderer (STAND_IN_PDF); MEDIA_ROOT should be a temp folder.
    """
    from config.celery import app
    from disclosures.services import generation

    # In-process even where the suite runs with a broker (CI's PostgreSQL run): a module-scoped fixture
    # that uses this is set up before the per-test `celery_eager` fixture switches Celery over.
    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        with mock.patch.object(generation, "render_pdf", lambda html: STAND_IN_PDF), TestCase.captureOnCommitCallbacks(execute=True):
            yield
    finally:
        app.conf.task_always_eager = saved
