import pytest

from tests.disclosures.seed003 import build_seed_003


@pytest.fixture
def maoxian_2019(db):
    """茂县信访局 2019 部门决算 (seed 003) as lines."""
    return build_seed_003()
