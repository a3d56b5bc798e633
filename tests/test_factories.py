"""Every factory builds a row that passes its model's own validation."""

from typing import Any

import pytest

from tests import factories

FACTORIES = [
    getattr(factories, name)
    for name in dir(factories)
    if name.endswith("Factory") and name not in {"DjangoModelFactory"}
]


@pytest.mark.parametrize("factory", FACTORIES, ids=lambda f: f.__name__)
def test_factory_builds_a_valid_row(factory: Any, db: Any) -> None:
    obj = factory()
    obj.full_clean(exclude=["password"])
    assert type(obj).objects.filter(pk=obj.pk).exists()
