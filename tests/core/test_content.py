"""Loading decks: the schema, every error with its line, cross-deck checks, the JSON Schema."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import jsonschema
import pytest
import yaml

from studyapp.core.check import check_generation
from studyapp.core.content import json_schema
from studyapp.core.library import load_library
from studyapp.paths import bundled_content_dir

CONTENT = bundled_content_dir()

GOOD = """\
id: demo
title: {en: Demo, zh: 演示}
cards:
  - id: demo.basic
    type: basic
    front: {en: Front, zh: 正面}
    back: {en: Back, zh: 背面}
    related: [demo.size]
  - id: demo.cloze
    type: cloze
    text: {en: "ReLU outputs {{0|zero}} for x < 0", zh: "ReLU 在 x < 0 时输出 {{0|零}}"}
  - id: demo.choice
    type: choice
    question: {en: Pick, zh: 选}
    options:
      - {text: {en: A, zh: 甲}, correct: true}
      - {text: {en: B, zh: 乙}}
problems:
  - id: demo.size
    kind: conv_output_size
    difficulty: 1
    params: {input_size: [5, 7], stride: 1, padding: {min: 0, max: 1}}
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_bundled_content_loads_without_errors():
    library = load_library()
    assert library.errors == []
    assert {d.id for d in library.decks} >= {"activations", "convolution", "losses", "training"}
    assert {t.kind for t in library.templates} >= {
        "activation", "softmax", "softmax_cross_entropy", "conv2d", "conv_output_size",
        "conv_param_count", "pool2d", "batch_norm", "backprop_step"}


def test_a_good_deck_builds_the_model(tmp_path):
    library = load_library([write(tmp_path, "demo.yaml", GOOD)])
    assert library.errors == []
    deck = library.decks[0]
    assert deck.title.get("zh") == "演示"
    cloze = deck.cards[1]
    assert cloze.gaps("en") == [["0", "zero"]] and cloze.gaps("zh") == [["0", "零"]]
    assert "[…1]" in cloze.masked("en")
    # one line to list a card by: the cloze filled with each gap's first answer, no braces left
    assert cloze.prompt_line("en") == "ReLU outputs 0 for x < 0"
    assert cloze.prompt_line("zh") == "ReLU 在 x < 0 时输出 0"
    assert deck.cards[0].prompt_line("zh") == "正面"
    assert deck.problems[0].knobs["padding"] == {"min": 0, "max": 1}
    assert deck.cards[2].options[0].correct and not deck.cards[2].options[1].correct


def test_every_error_is_reported_with_the_line_of_its_key(tmp_path):
    path = write(tmp_path, "bad.yaml", """\
        id: bad
        title: {en: Bad}
        cards:
          - id: bad.one
            type: basic
            front: {en: F, zh: 正}
            back: {en: B, zh: 反}
            colour: red
          - id: Bad One
            type: flash
          - id: bad.cloze
            type: cloze
            text: {en: "a {{b}} c {{d}}", zh: "甲 {{乙}}"}
        problems:
          - id: bad.p
            kind: conv2d
            difficulty: 4
            params: {strides: 2, padding: [-1, "x"]}
          - id: bad.q
            kind: warp_drive
            difficulty: 1
        """)
    library = load_library([path])
    assert library.decks == []
    found = {(e.line, e.message.split(":")[0]) for e in library.errors}
    lines = sorted(e.line for e in library.errors)
    messages = " | ".join(str(e) for e in library.errors)
    assert all(str(e).startswith(f"{path}:{e.line}:{e.col}: ") for e in library.errors)
    assert "title.zh is missing" in messages and 2 in lines
    assert "unknown key 'colour'" in messages and 8 in lines
    assert "'Bad One' is not valid" in messages and 9 in lines
    assert "type must be one of basic, cloze, choice" in messages and 10 in lines
    assert "en has 2 gap(s) but zh has 1" in messages and 13 in lines
    assert "difficulty must be from 1 to 3" in messages and 17 in lines
    assert "unknown knob 'strides'" in messages and 18 in lines
    assert "'x' is not valid (expected a whole number)" in messages
    assert "unknown kind 'warp_drive'" in messages and 20 in lines
    assert len(found) >= 9
    assert lines == [e.line for e in library.errors]  # in file order


def test_duplicate_keys_and_yaml_syntax_errors_have_positions(tmp_path):
    dup = write(tmp_path, "dup.yaml", "id: a\nid: b\ntitle: {en: A, zh: 甲}\n")
    broken = write(tmp_path, "broken.yaml", "id: x\ntitle: [unclosed\n")
    errors = load_library([dup, broken]).errors
    assert any(e.line == 2 and "duplicate key 'id'" in e.message for e in errors)
    assert any(e.file.endswith("broken.yaml") and "invalid YAML" in e.message for e in errors)


def test_python_tags_are_refused_not_executed(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr("os.system", lambda *a: calls.append(a))
    evil = write(tmp_path, "evil.yaml", "id: !!python/object/apply:os.system ['echo hi']\n")
    errors = load_library([evil]).errors
    assert calls == []
    assert len(errors) == 1 and "could not determine a constructor" in errors[0].message


def test_a_broken_deck_is_skipped_and_the_others_load(tmp_path):
    good = write(tmp_path, "good.yaml", GOOD)
    bad = write(tmp_path, "bad.yaml", "id: bad\ntitle: {en: Bad, zh: 坏}\ncards: 3\n")
    library = load_library([good, bad])
    assert [d.id for d in library.decks] == ["demo"]
    assert [e.file for e in library.errors] == [str(bad)]


def test_ids_are_unique_across_decks_and_related_ids_must_exist(tmp_path):
    write(tmp_path, "a.yaml", GOOD)
    write(tmp_path, "b.yaml", """\
        id: other
        title: {en: Other, zh: 其他}
        cards:
          - id: demo.basic
            type: basic
            front: {en: F, zh: 正}
            back: {en: B, zh: 反}
          - id: other.card
            type: basic
            front: {en: F, zh: 正}
            back: {en: B, zh: 反}
            related: [demo.size, no.such.id]
        """)
    library = load_library([tmp_path])
    messages = [str(e) for e in library.errors]
    first = next(i for i, line in enumerate(GOOD.splitlines(), 1) if "id: demo.basic" in line)
    assert any(m.startswith(f"{tmp_path / 'b.yaml'}:4:") and "id 'demo.basic' is already used in "
               f"{tmp_path / 'a.yaml'}:{first}" in m for m in messages), messages
    assert [d.id for d in library.decks] == ["demo"]  # the clashing deck is skipped


def test_related_to_an_unknown_id_is_an_error(tmp_path):
    deck = GOOD.replace("related: [demo.size]", "related: [demo.size, nowhere]")
    errors = load_library([write(tmp_path, "demo.yaml", deck)]).errors
    assert len(errors) == 1
    assert errors[0].line == 8 and "'nowhere', which no deck defines" in errors[0].message


def test_generation_check_names_the_template_that_fails(tmp_path):
    deck = GOOD.replace("params: {input_size: [5, 7], stride: 1, padding: {min: 0, max: 1}}",
                        "params: {input_size: 2, kernel_size: 7, padding: 0}")
    library = load_library([write(tmp_path, "demo.yaml", deck)])
    assert library.errors == []
    errors = check_generation(library, seeds=5)
    assert len(errors) == 1 and errors[0].line == 19 and "demo.size" in errors[0].message


def test_bundled_templates_generate_and_solve_for_fifty_seeds():
    assert check_generation(load_library(), seeds=50) == []


def test_shipped_json_schema_is_the_generated_one():
    shipped = json.loads((CONTENT / "deck.schema.json").read_text(encoding="utf-8"))
    assert shipped == json_schema(), "run: studyapp schema --out content/deck.schema.json --force"


@pytest.mark.parametrize("deck", sorted(CONTENT.glob("*.yaml")), ids=lambda p: p.name)
def test_every_bundled_deck_validates_against_the_json_schema(deck):
    data = yaml.safe_load(deck.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(json_schema()).validate(data)
    assert deck.read_text(encoding="utf-8").startswith("# yaml-language-server: $schema=")


def test_the_json_schema_rejects_what_the_loader_rejects():
    validator = jsonschema.Draft202012Validator(json_schema())
    deck = yaml.safe_load(GOOD)
    assert validator.is_valid(deck)
    for broken in ({**deck, "colour": 1}, {**deck, "title": {"en": "x"}},
                   {**deck, "problems": [{**deck["problems"][0], "params": {"strides": 1}}]},
                   {**deck, "problems": [{**deck["problems"][0], "kind": "nope"}]}):
        assert not validator.is_valid(broken)


def write_tolerance(tmp_path: Path, tolerance: str) -> Path:
    """A deck of one problem template with ``tolerance: <tolerance>`` on its line 7."""
    return write(tmp_path, "t.yaml", f"""\
        id: tdeck
        title: {{en: T, zh: T}}
        problems:
          - id: tdeck.out
            kind: conv_output_size
            difficulty: 1
            tolerance: {tolerance}
        """)


@pytest.mark.parametrize(("tolerance", "message"), [
    ("abc", "problems[0].tolerance must be a number above 0 or a mapping with abs and/or rel (got 'abc')"),
    ("{abs: x}", "problems[0].tolerance.abs must be a number 0 or more (got 'x')"),
    ("-1", "problems[0].tolerance must be above 0 (got -1)"),
    ("{rel: 0.1, foo: 1}", "problems[0].tolerance takes abs and/or rel (got foo)"),
    ("{}", "problems[0].tolerance takes abs and/or rel (got neither)"),
    ("{rel: .inf}", "problems[0].tolerance.rel must be a number 0 or more (got inf)"),
])
def test_a_bad_tolerance_is_one_error_at_its_line_never_a_crash(tmp_path, tolerance, message):
    write_tolerance(tmp_path, tolerance)
    library = load_library([tmp_path])
    assert [str(e) for e in library.errors] == [f"{tmp_path / 't.yaml'}:7:5: {message}"]


@pytest.mark.parametrize(("tolerance", "expected"), [("0.01", (0.01, 0.0)),
                                                     ("{abs: 0.001, rel: 0.01}", (0.001, 0.01))])
def test_a_good_tolerance_is_read_as_numbers(tmp_path, tolerance, expected):
    write_tolerance(tmp_path, tolerance)
    library = load_library([tmp_path])
    assert library.errors == [] and library.templates[0].tolerance == expected
