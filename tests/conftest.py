"""Fixtures shared by the whole suite: a department with its accountant, another department, a reviewer.

Area-specific fixtures live in the conftest.py of each test folder.
"""

from contextlib import contextmanager
from unittest import mock

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import TestCase

from disclosures.models import Department, DepartmentMembership, FiscalYear, Unit


@pytest.fixture
def year_2019(db):
    return FiscalYear.objects.get_or_create(year=2019)[0]


@pytest.fixture
def year_2020(db):
    return FiscalYear.objects.get_or_create(year=2020)[0]


def make_department(code: str, name: str) -> Department:
    department = Department.objects.create(code=code, name=name)
    Unit.objects.create(department=department, code=f"{code}001", name=name, is_main=True)
    return department


@pytest.fixture
def department(db):
    return make_department("901", "测试县信访局")


@pytest.fixture
def other_department(db):
    return make_department("902", "测试县教育局")


@pytest.fixture
def accountant(db, django_user_model, department):
    user = django_user_model.objects.create_user("accountant", password="pw-Accountant-1", is_staff=True)
    DepartmentMembership.objects.create(user=user, department=department)
    return user


@pytest.fixture
def outsider(db, django_user_model, other_department):
    user = django_user_model.objects.create_user("outsider", password="pw-Outsider-1", is_staff=True)
    DepartmentMembership.objects.create(user=user, department=other_department)
    return user


@pytest.fixture
def reviewer(db, django_user_model):
    user = django_user_model.objects.create_user("reviewer", password="pw-Reviewer-1", is_staff=True)
    group, _ = Group.objects.get_or_create(name="财政局审核人")
    group.permissions.add(*Permission.objects.filter(codename__in=["review_filing", "publish_filing"]))
    user.groups.add(group)
    return user


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


@pytest.fixture
def demo(db, settings):
    """The demo data built from the four seeds (disclosures.demo.build_demo): a namespace with .maoxian,
    .shanhaiguan, .ziyang, .wangcheng (each with .department, .units, .filing, …), .years, .users, .passwords.
    Demo passwords are hashed with a fast hasher here (PBKDF2 for six users costs seconds per test)."""
    from disclosures.demo import build_demo

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *settings.PASSWORD_HASHERS]
    return build_demo()


#: The PDF that `publication_jobs_run` stores: rendering a real one costs seconds per publication.
STAND_IN_PDF = b"%PDF-1.4\n% stand-in rendered by tests.conftest.publication_jobs_run\n%%EOF\n"


@contextmanager
def publication_jobs_run():
    """Run, at the end of the block, the jobs its commits would send: above all the publication job that
    freezes a published filing's documents, without which the public does not see the publication.

    Tests run inside a transaction, where on-commit sends never happen. The jobs are the real ones but
    for the PDF renderer (STAND_IN_PDF); MEDIA_ROOT should be a temp folder.
    """
    from disclosures.services import generation

    with mock.patch.object(generation, "render_pdf", lambda html: STAND_IN_PDF), TestCase.captureOnCommitCallbacks(execute=True):
        yield
