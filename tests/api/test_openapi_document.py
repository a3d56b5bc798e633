"""The OpenAPI document served at /api/v1/openapi.json is valid OpenAPI, as code generators require."""

import json
from typing import Any

from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator


def test_the_openapi_document_is_valid(client: Any, db: Any) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = json.loads(response.content)
    validator = (OpenAPIV31SpecValidator if document["openapi"].startswith("3.1") else OpenAPIV30SpecValidator)(
        document
    )
    errors = [f"{'/'.join(map(str, error.path))}: {error.message}" for error in validator.iter_errors()]
    assert errors == []


def test_parameter_examples_are_single_values(client: Any, db: Any) -> None:
    document = client.get("/api/v1/openapi.json").json()
    parameters = [
        parameter
        for item in document["paths"].values()
        for operation in item.values()
        for parameter in operation.get("parameters", [])
    ]
    assert parameters
    assert not [p["name"] for p in parameters if isinstance(p.get("examples"), list)]
