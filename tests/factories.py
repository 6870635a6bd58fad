"""factory_boy factories of the objects many tests build: departments with their main unit, users of
each role, filings and background jobs. Fixtures (tests/conftest.py) and tests call these instead of
repeating the model calls."""

from __future__ import annotations

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission

from disclosures.models import Department, DepartmentMembership, Filing, FiscalYear, Unit
from jobs.models import Job

REVIEWER_GROUP = "财政局审核人"


class DepartmentFactory(factory.django.DjangoModelFactory):
    """A department and its main unit (code + "001"), as the admin creates them."""

    class Meta:
        model = Department

    code = factory.Sequence(lambda n: f"{700 + n}")
    name = factory.Sequence(lambda n: f"测试部门{n}")

    @factory.post_generation
    def main_unit(self, create, extracted, **kwargs):
        if create:
            Unit.objects.create(department=self, code=f"{self.code}001", name=self.name, is_main=True)


class UserFactory(factory.django.DjangoModelFactory):
    """A staff user whose password is `<username>-pw` (hashed with the tests' fast hasher)."""

    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    is_staff = True
    password = factory.PostGenerationMethodCall("set_password", "pw-Test-1")

    @factory.post_generation
    def saved(self, create, extracted, **kwargs):
        if create:
            self.save()


class AccountantFactory(UserFactory):
    """A department accountant: a user with a DepartmentMembership."""

    @factory.post_generation
    def department(self, create, extracted, **kwargs):
        if create:
            DepartmentMembership.objects.create(user=self, department=extracted or DepartmentFactory())


class ReviewerFactory(UserFactory):
    """A bureau reviewer: in the 财政局审核人 group, which may review and publish."""

    @factory.post_generation
    def reviewer_group(self, create, extracted, **kwargs):
        if create:
            group, _ = Group.objects.get_or_create(name=REVIEWER_GROUP)
            group.permissions.add(*Permission.objects.filter(codename__in=["review_filing", "publish_filing"]))
            self.groups.add(group)


class FilingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Filing

    department = factory.SubFactory(DepartmentFactory)
    fiscal_year = factory.LazyFunction(lambda: FiscalYear.objects.get_or_create(year=2020)[0])
    kind = Filing.Kind.BUDGET


class JobFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Job

    kind = Job.Kind.PING
