"""Every factory of the cabinet builds a row that passes its model's own validation."""

from typing import Any

import pytest

from . import factories

FACTORIES = [getattr(factories, n) for n in dir(factories) if n.endswith("Factory") and n != "DjangoModelFactory"]
FACTORIES = [f for f in FACTORIES if f.__module__ == factories.__name__]


@pytest.mark.parametrize("factory", FACTORIES, ids=lambda f: f.__name__)
def test_factory_builds_a_valid_row(factory: Any, db: Any) -> None:
    obj = factory()
    obj.full_clean()
    assert type(obj).objects.filter(pk=obj.pk).exists()
