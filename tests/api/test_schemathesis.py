"""schemathesis over the WHOLE open-data API: every operation, valid and invalid inputs, with the demo data.

Checks: ALL of schemathesis's registered checks (`schemathesis.checks.CHECKS`): no server error, every status code,
content type, header and body as documented, schema-invalid requests refused, schema-valid requests accepted (never
400/422), unsupported methods, authentication and resource checks.
Deterministic: hypothesis is derandomized (fixed seed derived from each test), no example database, and few
examples per operation so the run stays well under 3 minutes on 2 cores. Writes carry a valid operator token,
so request bodies get through authentication and are checked by the real services and validation.

The figures (operations, cases, failures) are printed at the end (`pytest -s` shows them) and kept in
`LAST_RUN` for the report.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import pytest
import schemathesis
import schemathesis.specs.openapi.checks  # registers the OpenAPI checks in schemathesis.checks.CHECKS
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable

from mosprom.core.api_auth import api_token_create
from mosprom.wsgi import application

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "12"))
MODES = (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE)
CHECKS = list(schemathesis.checks.CHECKS.get_all())
LAST_RUN: dict[str, Any] = {}


def _describe(error: BaseException) -> str:
    """The first lines of each failure schemathesis found (enough to see what and where)."""
    text = " ".join(str(error).split())
    return text[:1500]


def _run_operation(operation: Any, mode: Any, headers: dict[str, str], on_case: Callable[[], None]) -> None:
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],  # no shrinking: a failure is reported as found
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        on_case()
        response = case.call(headers=headers)
        case.validate_response(response, checks=CHECKS, headers=headers)

    run()


@pytest.fixture
def _keep_connection() -> Any:
    """Calling the WSGI application directly fires request_finished, which would close the test's connection
    (and its transaction); Django's own test client switches that off in the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db(transaction=False)
@pytest.mark.usefixtures("_keep_connection")
def test_whole_api_has_no_server_errors_and_matches_its_schema(operator: Any, capsys: Any) -> None:
    call_command("load_demo", verbosity=0)
    _token, raw = api_token_create(user=operator, name="schemathesis")
    headers = {"Authorization": f"Bearer {raw}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)

    operations = []
    for result in schema.get_all_operations():
        operations.append(result.ok())
    assert operations, "the schema lists no operation"

    cases = 0
    failures: list[str] = []
    unsatisfiable: list[str] = []

    def count() -> None:
        nonlocal cases
        cases += 1

    for operation in operations:
        for mode in MODES:
            try:
                _run_operation(operation, mode, headers, count)
            except (KeyboardInterrupt, SystemExit):
                raise
            except Unsatisfiable:
                # nothing in this operation can be made invalid (no query, a free-text path parameter): no case
                unsatisfiable.append(f"{operation.method.upper()} {operation.path}")
            except BaseException as error:
                failures.append(f"{operation.method.upper()} {operation.path} [{mode.value}]: {_describe(error)}")

    LAST_RUN.update(operations=len(operations), cases=cases, failures=len(failures))
    with capsys.disabled():
        print(f"\nschemathesis: {len(operations)} operations, {cases} cases, {len(failures)} failures")
    assert not failures, "\n\n".join(failures)
