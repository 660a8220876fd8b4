"""``studyapp schema``: what it prints is a JSON Schema of the draft it declares, and it says what
only ``studyapp validate`` checks (tests/core/test_schema_vs_validate.py holds it to the loader)."""

from __future__ import annotations

import json

import jsonschema
import pytest

from studyapp.cli import main


def printed_schema(capsys: pytest.CaptureFixture[str]) -> dict:
    assert main(["schema"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    return json.loads(out)


def test_the_printed_schema_is_valid_under_the_draft_it_declares(capsys) -> None:
    schema = printed_schema(capsys)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    validator = jsonschema.validators.validator_for(schema)
    assert validator is jsonschema.Draft202012Validator
    validator.check_schema(schema)  # raises SchemaError, naming the keyword, if it is not


def test_the_schema_says_what_only_validate_checks(capsys) -> None:
    description = printed_schema(capsys)["description"]
    assert "studyapp validate" in description
    for rule in ("unique", "related", "gaps", "min", "generates and solves"):
        assert rule in description, rule


def test_each_card_type_is_picked_by_its_type_not_tried_in_turn(capsys) -> None:
    card = printed_schema(capsys)["properties"]["cards"]["items"]
    assert "oneOf" not in card and "anyOf" not in card
    assert card["properties"]["type"] == {"enum": ["basic", "cloze", "choice"]}
    picked = {b["if"]["properties"]["type"]["const"]: b["then"] for b in card["allOf"] if "then" in b}
    assert {tag: then["title"] for tag, then in picked.items()} == {
        "basic": "basic card", "cloze": "cloze card", "choice": "choice card"}
    assert all(then["additionalProperties"] is False for then in picked.values())
