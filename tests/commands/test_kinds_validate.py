"""``studyapp kinds`` lists what can be generated; ``studyapp validate`` names every error of a deck
with its file, line and column; ``studyapp schema`` is the JSON Schema the decks are checked with."""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import pytest
import yaml

from studyapp.core.kinds import KINDS
from studyapp.paths import bundled_content_dir
from tests.cli_run import assert_usage_error, run

CJK = re.compile(r"[\u4e00-\u9fff]")
ERROR_LINE = re.compile(r"^(?P<file>.+):(?P<line>\d+):(?P<col>\d+): (?P<message>.+)$")
ALL_KINDS = set(KINDS)  # every registered kind
PROBLEM_KEYS = {"id", "kind", "topic", "template", "difficulty", "params", "prompt", "answer", "solution"}

# --- kinds -------------------------------------------------------------------------------------

def test_kinds_text(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "kinds")
    assert code == 0 and err == ""
    names = {line.split(":")[0] for line in out.splitlines() if line and not line.startswith(" ")}
    assert names == ALL_KINDS == set(KINDS)
    assert re.search(r"^    logits +vector ", out, re.M)


def test_kinds_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "kinds", "--format", "json")
    assert code == 0
    whole = json.loads(out)
    assert whole["schema"] == "studyapp.kinds/1"
    doc = whole["kinds"]
    assert [k["kind"] for k in doc] == list(KINDS)
    assert {k["kind"] for k in doc} == ALL_KINDS
    by_name = {k["kind"]: k for k in doc}
    for kind in doc:
        assert kind["summary"] and kind["params"] and isinstance(kind["answer_decimals"], int)
        for param in kind["params"]:
            assert {"name", "type", "doc"} <= set(param)
            assert ("required" in param) != ("default" in param)
    softmax = {p["name"]: p for p in by_name["softmax"]["params"]}
    assert softmax["logits"] == {"name": "logits", "type": "vector", "doc": "the logits z", "required": True}
    conv = {p["name"]: p for p in by_name["conv2d"]["params"]}
    assert conv["stride"]["default"] == 1 and "required" not in conv["stride"]
    assert conv["activation"]["choices"] == ["identity", "relu"]
    assert {n["name"] for n in by_name["backprop_step"]["knobs"]} >= {"inputs", "hidden", "lr"}


def test_kinds_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "kinds", "--format", "json", "--lang", "zh")
    assert code == 0
    assert all(CJK.search(k["summary"]) for k in json.loads(out)["kinds"])


# --- validate ----------------------------------------------------------------------------------

def test_validate_bundled_content(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "validate", "--seeds", "20")
    assert code == 0, out + err
    assert err == ""
    lines = out.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("ok: ")
    assert re.fullmatch(r"ok: \d+ decks, \d+ cards \(\d+ basic, \d+ cloze, \d+ choice\), "
                        r"\d+ problem templates, \d+ kinds", lines[0])


def test_validate_bundled_content_by_path(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "validate", "--seeds", "1", str(bundled_content_dir()))
    assert code == 0 and out.startswith("ok: ")


BROKEN = """\
id: broken
title:
  en: Broken deck
  zh: 坏的
bogus: 1
cards:
  - id: b.one
    type: basic
    front:
      en: Front without Chinese
    back:
      en: Back
      zh: 背面
    related: [b.nowhere]
  - id: b.one
    type: basic
    front: {en: F, zh: 正}
    back: {en: B, zh: 反}
problems:
  - id: b.tpl
    kind: softmax
    difficulty: 1
    params:
      nosuchknob: 3
"""


def validate_errors(capsys: pytest.CaptureFixture[str], *paths: Path) -> list[tuple[str, int, int, str]]:
    code, out, err = run(capsys, "validate", "--seeds", "2", *map(str, paths))
    assert code == 1, out + err
    assert "Traceback" not in err
    errors = []
    for line in out.splitlines():
        match = ERROR_LINE.match(line)
        assert match, f"not FILE:LINE:COL: message: {line!r}"
        errors.append((match["file"], int(match["line"]), int(match["col"]), match["message"]))
    assert err.strip() == f"{len(errors)} error(s)"
    return errors


def _line_of(errors: list[tuple[str, int, int, str]], needle: str) -> int:
    found = [e for e in errors if needle in e[3]]
    assert len(found) == 1, (needle, errors)
    return found[0][1]


def test_validate_reports_every_schema_error_with_its_line(capsys: pytest.CaptureFixture[str],
                                                           tmp_path: Path) -> None:
    deck = tmp_path / "broken.yaml"
    deck.write_text(BROKEN, encoding="utf-8")
    errors = validate_errors(capsys, tmp_path)
    assert {e[0] for e in errors} == {str(deck)}
    assert [e[1:3] for e in errors if "unknown key 'bogus'" in e[3]] == [(5, 1)]
    assert _line_of(errors, "cards[0].front.zh is missing") in (9, 10)
    assert _line_of(errors, "unknown knob 'nosuchknob'") == 24
    assert len(errors) >= 3


def test_validate_reports_every_error_of_a_broken_deck(capsys: pytest.CaptureFixture[str],
                                                       tmp_path: Path) -> None:
    (tmp_path / "broken.yaml").write_text(BROKEN, encoding="utf-8")
    errors = validate_errors(capsys, tmp_path)
    assert _line_of(errors, "b.nowhere") == 14
    assert _line_of(errors, "id 'b.one' is already used") == 15


SCHEMA_OK = """\
id: dup
title: {en: Duplicates, zh: 重复}
cards:
  - id: d.one
    type: basic
    front: {en: F, zh: 正}
    back: {en: B, zh: 反}
    related: [d.two, d.nowhere]
  - id: d.two
    type: basic
    front: {en: F, zh: 正}
    back: {en: B, zh: 反}
"""


def test_validate_reports_unknown_related_ids(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "dup.yaml").write_text(SCHEMA_OK, encoding="utf-8")
    errors = validate_errors(capsys, tmp_path)
    assert len(errors) == 1
    assert errors[0][1:3] == (8, 22)  # the position of 'd.nowhere' in the list
    assert "'d.one' is related to 'd.nowhere', which no deck defines" in errors[0][3]


def test_validate_reports_ids_used_by_two_decks(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(SCHEMA_OK.replace(", d.nowhere", ""), encoding="utf-8")
    (tmp_path / "b.yaml").write_text(textwrap.dedent("""\
        id: other
        title: {en: Other, zh: 其他}
        cards:
          - type: basic
            front: {en: F, zh: 正}
            back: {en: B, zh: 反}
            id: d.two
        """), encoding="utf-8")
    errors = validate_errors(capsys, tmp_path)
    assert len(errors) == 1
    assert errors[0][0].endswith("b.yaml")
    assert errors[0][1] == 7
    assert "id 'd.two' is already used in" in errors[0][3]


REPEATED_ID = """\
id: rep
title: {en: Repeated, zh: 重复}
cards:
  - id: r.one
    type: basic
    front: {en: F, zh: 正}
    back: {en: B, zh: 反}
  - id: r.one
    type: basic
    front: {en: G, zh: 反}
    back: {en: C, zh: 正}
"""


def test_validate_reports_an_id_repeated_in_one_deck(capsys: pytest.CaptureFixture[str],
                                                     tmp_path: Path) -> None:
    (tmp_path / "rep.yaml").write_text(REPEATED_ID, encoding="utf-8")
    errors = validate_errors(capsys, tmp_path)
    assert [e[1] for e in errors if "r.one" in e[3]] == [8]


def test_validate_reports_duplicate_yaml_keys_and_bad_values(capsys: pytest.CaptureFixture[str],
                                                             tmp_path: Path) -> None:
    (tmp_path / "keys.yaml").write_text(textwrap.dedent("""\
        id: keys
        title: {en: Keys, zh: 键}
        problems:
          - id: k.one
            kind: softmax
            difficulty: 4
            kind: softmax
          - id: k.two
            kind: no_such_kind
            difficulty: 1
        """), encoding="utf-8")
    errors = validate_errors(capsys, tmp_path)
    assert _line_of(errors, "duplicate key 'kind'") == 7
    assert _line_of(errors, "difficulty") == 6
    assert _line_of(errors, "unknown kind 'no_such_kind'") == 9


def test_validate_reports_invalid_yaml_with_its_position(capsys: pytest.CaptureFixture[str],
                                                         tmp_path: Path) -> None:
    (tmp_path / "syntax.yaml").write_text("id: x\ntitle: {en: a, zh: b\ncards: []\n", encoding="utf-8")
    errors = validate_errors(capsys, tmp_path)
    assert len(errors) == 1
    assert errors[0][3].startswith("invalid YAML")
    assert errors[0][1] in (2, 3)


def test_validate_refuses_python_tags(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    marker = tmp_path / "executed"
    (tmp_path / "evil.yaml").write_text(
        f'id: !!python/object/apply:os.system ["touch {marker}"]\n'
        "title: !!python/object:builtins.object {}\n", encoding="utf-8")
    errors = validate_errors(capsys, tmp_path)
    assert len(errors) == 1
    assert errors[0][1:3] == (1, 5)
    assert "python/object" in errors[0][3]
    assert not marker.exists()


def test_validate_missing_path(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    missing = tmp_path / "gone.yaml"
    errors = validate_errors(capsys, missing)
    assert errors == [(str(missing), 1, 1, "no such file or folder")]


def test_validate_template_that_cannot_generate(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "gen.yaml").write_text(textwrap.dedent("""\
        id: gen
        title: {en: Gen, zh: 生成}
        problems:
          - id: g.bn
            kind: batch_norm
            difficulty: 1
            params: {batch: 1}
        """), encoding="utf-8")
    errors = validate_errors(capsys, tmp_path)
    assert len(errors) == 1
    assert errors[0][:3] == (str(tmp_path / "gen.yaml"), 4, 5)
    assert "template 'g.bn': seed 0 generates unusable params" in errors[0][3]


def test_validate_negative_seeds(capsys: pytest.CaptureFixture[str]) -> None:
    assert_usage_error(run(capsys, "validate", "--seeds", "-1"), "--seeds", "-1")


# --- schema ------------------------------------------------------------------------------------

def test_schema(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "schema")
    assert code == 0 and err == ""
    schema = json.loads(out)
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert schema["type"] == "object"
    assert {"id", "title", "cards", "problems"} <= set(schema["properties"])


def test_schema_accepts_bundled_decks_refuses_broken(capsys: pytest.CaptureFixture[str]) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    code, out, _ = run(capsys, "schema")
    schema = json.loads(out)
    validator = jsonschema.Draft202012Validator(schema)
    decks = sorted(bundled_content_dir().glob("*.yaml"))
    assert decks
    for path in decks:
        errors = list(validator.iter_errors(yaml.safe_load(path.read_text(encoding="utf-8"))))
        assert not errors, (path.name, [e.message for e in errors[:3]])
    assert list(validator.iter_errors(yaml.safe_load(BROKEN)))


def test_schema_out(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "deck.schema.json"
    assert run(capsys, "schema", "--out", str(target))[:2] == (0, "")
    assert "$schema" in json.loads(target.read_text(encoding="utf-8"))
    assert_usage_error(run(capsys, "schema", "--out", str(target)), "already exists")
