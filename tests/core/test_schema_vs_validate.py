"""The deck JSON Schema (``studyapp schema``) against ``studyapp validate``, on a broken deck per rule.

Each file in ``broken_decks/`` is a deck with one fault. Its header says what ``validate`` reports
(``# validate: ...``) and either what the schema's best match reports, as an editor would show it
(``# schema: PATH (WHOSE RULES): ...``, WHOSE RULES the card type or problem kind written) or why
no JSON Schema can see the fault (``# schema misses: ...``). Of the 59 decks ``validate`` rejects,
the schema rejects 50: all but cross-deck ids, relations between two values (gap counts, a range's
min and max), the loader's scan of a cloze's gaps, 1.0 written for a whole number, duplicate keys,
invalid YAML and the solver's check. The bundled decks all pass the schema: see
``test_every_bundled_deck_validates_against_the_json_schema`` in test_content.py.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from jsonschema.exceptions import ValidationError, best_match

from studyapp.core.check import check_generation
from studyapp.core.content import json_schema
from studyapp.core.library import load_library

BROKEN = Path(__file__).parent / "broken_decks"
FIXTURES = sorted(BROKEN.glob("*.yaml"))
SCHEMA = json_schema()
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)
SCHEMA_CATCHES_AT_LEAST = 50  # of the fixtures validate rejects; only ever raise it
EXPECTED = re.compile(r"# schema: (?P<path>/\S*?)(?: \((?P<whose>[^)]+)\))?: (?P<message>.+)")


def header(path: Path, what: str) -> str:
    """The text after ``# <what>`` in the fixture's header."""
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith(f"# {what}"):
            return line
    raise AssertionError(f"{path.name} has no '# {what}' line")


def structural(path: Path) -> bool:
    return not header(path, "schema").startswith("# schema misses:")


def whose_rules(error: ValidationError) -> str | None:
    """The title of the innermost card type or problem kind branch the error came from."""
    node: Any = SCHEMA
    found = None
    for step in error.absolute_schema_path:
        node = node[step]
        if isinstance(node, dict) and isinstance(node.get("title"), str):
            found = node["title"]
    return found


def schema_errors(path: Path) -> list[ValidationError]:
    """What the schema says of the deck, as an editor parses it (no error: not YAML at all)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError:
        return []
    return list(VALIDATOR.iter_errors(data))


def pointer(error: ValidationError) -> str:
    return "/" + "/".join(str(step) for step in error.absolute_path)


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_validate_rejects_every_broken_deck_with_its_message(path: Path) -> None:
    library = load_library([path])
    messages = [str(e) for e in [*library.errors, *check_generation(library, seeds=5)]]
    expected = header(path, "validate:").removeprefix("# validate: ")
    assert any(expected in m for m in messages), messages


@pytest.mark.parametrize("path", [p for p in FIXTURES if structural(p)], ids=lambda p: p.stem)
def test_schema_names_the_fault_and_whose_rule_it_breaks(path: Path) -> None:
    expected = EXPECTED.fullmatch(header(path, "schema:"))
    assert expected, f"{path.name}: the '# schema:' line must read '# schema: PATH (WHOSE): TEXT'"
    error = best_match(schema_errors(path))
    assert error is not None, f"the schema accepts {path.name}"
    got = (pointer(error), whose_rules(error), error.message)
    assert got[:2] == (expected["path"], expected["whose"]), got
    assert expected["message"] in error.message, got


@pytest.mark.parametrize("path", [p for p in FIXTURES if not structural(p)], ids=lambda p: p.stem)
def test_schema_misses_only_what_no_schema_can_see(path: Path) -> None:
    # When this fails the schema has learned a rule: give the fixture a '# schema:' line.
    assert schema_errors(path) == []


def test_the_schema_catches_at_least_the_floor_of_what_validate_catches() -> None:
    caught = [p.stem for p in FIXTURES if schema_errors(p)]
    assert len(FIXTURES) == 59
    assert len(caught) >= SCHEMA_CATCHES_AT_LEAST, caught
    assert sorted(caught) == sorted(p.stem for p in FIXTURES if structural(p))


CARDS = {
    "basic": {"front": {"en": "F", "zh": "正"}, "back": {"en": "B", "zh": "反"}},
    "cloze": {"text": {"en": "a {{b}}", "zh": "甲 {{乙}}"}},
    "choice": {"question": {"en": "Q", "zh": "问"},
               "options": [{"text": {"en": "A", "zh": "甲"}, "correct": True},
                           {"text": {"en": "B", "zh": "乙"}}]},
}


def deck_of(card: dict[str, Any]) -> dict[str, Any]:
    return {"id": "demo", "title": {"en": "Demo", "zh": "演示"}, "cards": [card]}


@pytest.mark.parametrize("written", CARDS)
@pytest.mark.parametrize("keys_of", CARDS)
def test_the_message_is_about_the_card_type_written(written: str, keys_of: str) -> None:
    """A card of type ``written`` with the keys of ``keys_of``: the fault named is a key
    ``written`` needs or one it must not have, never one of another type's (the undiscriminated
    oneOf said "'text' is a required property" of a basic card)."""
    card = {"id": "demo.card", "type": written, **CARDS[keys_of]}
    errors = list(VALIDATOR.iter_errors(deck_of(card)))
    if written == keys_of:
        assert errors == []
        return
    error = best_match(errors)
    assert whose_rules(error) == f"{written} card", error.message
    named = set(re.findall(r"'(\w+)'", error.message))
    mine, theirs = set(CARDS[written]), set(CARDS[keys_of]) - set(CARDS[written])
    if error.validator == "required":
        assert named <= mine, error.message
    else:
        assert error.validator == "additionalProperties" and named <= theirs, error.message


def test_a_card_of_no_known_type_still_has_its_shared_keys_checked() -> None:
    card = {"id": "Not An Id", "type": "flash", "explanation": {"en": "why"}}
    faults = {(pointer(e), e.validator) for e in VALIDATOR.iter_errors(deck_of(card))}
    assert faults == {("/cards/0/type", "enum"), ("/cards/0/id", "pattern"),
                      ("/cards/0/explanation", "required")}


def test_what_the_loader_accepts_the_schema_accepts(tmp_path: Path) -> None:
    # Edges of the loader's rules: empty params, a ranged knob without step, text with spaces.
    deck = ("id: demo\ntitle: {en: ' Demo ', zh: 演示}\nproblems:\n  - id: demo.size\n"
            "    kind: conv_output_size\n    difficulty: 3\n    params:\n"
            "  - id: demo.other\n    kind: conv_output_size\n    difficulty: 1\n"
            "    params: {stride: {min: 1, max: 1}, padding: [0, 1], exact: true}\n"
            "    tolerance: {rel: 0.01}\ncards:\n  - id: demo.c\n    type: cloze\n"
            "    text: {en: 'x {{a|b}} y {{c}}', zh: '甲 {{a}} 乙 {{c|d}}'}\n")
    path = tmp_path / "edge.yaml"
    path.write_text(deck, encoding="utf-8")
    assert load_library([path]).errors == []
    assert list(VALIDATOR.iter_errors(yaml.safe_load(deck))) == []


def test_the_id_pattern_is_the_loaders() -> None:
    from studyapp.core.content import ID_PATTERN

    id_schema = SCHEMA["properties"]["id"]
    assert ID_PATTERN in id_schema["pattern"]
    for value, ok in (("demo", True), ("a.b-c_d9", True), ("Demo", False), ("-a", False),
                      ("demo\n", False), ("", False)):
        assert VALIDATOR.evolve(schema=id_schema).is_valid(value) is ok, value
        assert (re.fullmatch(ID_PATTERN, value) is not None) is ok, value
