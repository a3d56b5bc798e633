"""schemathesis over the company API with a real company token and ALL of schemathesis's checks: no 5xx, every answer
as documented, invalid requests refused and valid ones accepted. `SCHEMATHESIS_COMPANY_EXAMPLES` (default 6)."""

from __future__ import annotations

import os
from typing import Any

import pytest
import schemathesis
import schemathesis.specs.openapi.checks  # registers the OpenAPI checks in schemathesis.checks.CHECKS
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable

from mosprom.companies import services
from mosprom.wsgi import application

CHECKS = list(schemathesis.checks.CHECKS.get_all())
EXAMPLES = int(os.environ.get("SCHEMATHESIS_COMPANY_EXAMPLES", "6"))
MODES = (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE)


@pytest.fixture
def _keep_connection() -> Any:
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
@pytest.mark.usefixtures("_keep_connection")
def test_company_api_matches_its_schema(rep_a: Any, org_a: Any, submitted: Any) -> None:
    _token, raw = services.company_token_create(actor=rep_a, organisation=org_a, name="schemathesis")
    headers = {"Authorization": f"Bearer {raw}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    operations = [r.ok() for r in schema.get_all_operations()]
    operations = [op for op in operations if op.path.startswith("/api/v1/company")]
    assert len(operations) >= 12
    failures: list[str] = []
    for operation in operations:
        for mode in MODES:

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=EXAMPLES,
                derandomize=True,
                database=None,
                deadline=None,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            def run(case: Any) -> None:
                response = case.call(headers=headers)
                case.validate_response(response, checks=CHECKS, headers=headers)

            try:
                run()
            except Unsatisfiable:
                continue
            except Exception as error:
                failures.append(f"{operation.method.upper()} {operation.path} [{mode.value}]: {str(error)[:600]}")
    assert not failures, "\n\n".join(failures)
