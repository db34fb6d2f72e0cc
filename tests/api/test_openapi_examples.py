"""The examples API users see in the OpenAPI are valid requests: against the published schema and the models."""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema import Draft202012Validator
from pydantic import BaseModel

from api.config import Settings
from api.main import create_app
from api.routes.decisions import DecisionIn
from api.routes.evaluate import EvaluateStored
from api.routes.events import SubscriptionIn
from api.routes.recommendations import BatchRequest, RecommendOne
from assign.db import make_engine
from assign.schemas import Case

REQUEST_MODELS: list[type[BaseModel]] = [Case, RecommendOne, EvaluateStored, BatchRequest, DecisionIn, SubscriptionIn]


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    engine = make_engine("sqlite://")
    try:
        return create_app(Settings(database_url="sqlite://"), engine=engine).openapi()
    finally:
        engine.dispose()


def test_the_main_request_bodies_carry_examples(spec: dict[str, Any]) -> None:
    schemas = spec["components"]["schemas"]
    assert [m.__name__ for m in REQUEST_MODELS if not schemas[m.__name__].get("examples")] == []


def test_every_published_example_validates_against_its_schema(spec: dict[str, Any]) -> None:
    checked = 0
    for name, schema in spec["components"]["schemas"].items():
        validator = Draft202012Validator({**schema, "components": spec["components"]})
        for example in schema.get("examples", []):
            errors = [e.message for e in validator.iter_errors(example)]
            assert errors == [], (name, example)
            checked += 1
    assert checked >= len(REQUEST_MODELS)


def test_every_field_example_validates_against_its_field(spec: dict[str, Any]) -> None:
    checked = 0
    for name, schema in spec["components"]["schemas"].items():
        for field, prop in schema.get("properties", {}).items():
            validator = Draft202012Validator({**prop, "components": spec["components"]})
            for example in prop.get("examples", []):
                assert [e.message for e in validator.iter_errors(example)] == [], (name, field, example)
                checked += 1
    assert checked > 0


@pytest.mark.parametrize("model", REQUEST_MODELS, ids=lambda m: m.__name__)
def test_every_example_is_accepted_by_its_model(model: type[BaseModel]) -> None:
    extra = model.model_config.get("json_schema_extra")
    assert isinstance(extra, dict) and extra.get("examples")
    examples = extra["examples"]
    assert isinstance(examples, list)
    for example in examples:
        model.model_validate(example)


def test_the_schema_check_rejects_a_bad_example(spec: dict[str, Any]) -> None:
    schema = spec["components"]["schemas"]["DecisionIn"]
    validator = Draft202012Validator({**schema, "components": spec["components"]})
    assert list(validator.iter_errors({"recommendation_id": 1, "action": "approve", "reason": "x"}))


# Routes whose JSON response is still a free-form object: a generated client cannot type them.
# The composition-layer rebuild (issue 16) gave the console views their response models: none left.
UNTYPED_RESPONSES: set[str] = set()


def _typed(schema: dict[str, Any] | None) -> bool:
    return schema is not None and ("$ref" in schema or "$ref" in schema.get("items", {}))


def test_every_json_response_is_a_named_model(spec: dict[str, Any]) -> None:
    untyped = set()
    for operations in spec["paths"].values():
        for op in operations.values():
            for status, response in op["responses"].items():
                content = response.get("content", {})
                if status.startswith("2") and "application/json" in content:
                    if not _typed(content["application/json"].get("schema")):
                        untyped.add(op["operationId"])
    assert untyped == UNTYPED_RESPONSES  # a new untyped route fails; so does a typed one still listed
