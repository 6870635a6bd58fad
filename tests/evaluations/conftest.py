"""Fixtures of the evaluation tests: seed 001's projects and seed 002's department self-evaluation."""

import pytest

from tests.factories import DepartmentFactory

from .seeds import load_seed_001, load_seed_002


@pytest.fixture
def seed_001_projects(department, year_2020):
    """Seed 001's five projects, filed by the `department` fixture (so `accountant` owns them)."""
    return load_seed_001(department=department, year=year_2020)


@pytest.fixture
def seed_002_evaluation(department, year_2020):
    return load_seed_002(department=department, year=year_2020)


@pytest.fixture
def other_projects(other_department, year_2020):
    return load_seed_001(department=other_department, year=year_2020)


@pytest.fixture
def wangcheng(db, year_2020):
    return DepartmentFactory(code="903", name="长沙市望城区信访局")
