"""docs/formats.md stays true to the outputs: every field that ``report --format json|csv|revlog``,
``generate --format json``, ``solve --format json`` and ``kinds --format json`` writes is
documented there (by its full path, as the document writes it), and so is each version string."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from studyapp.cli import main
from studyapp.report import figures, revlog, worksheet
from studyapp.store.readonly import CSV_COLUMNS, CSV_EXTRA
from tests.report.test_report import NOW, build_history, write_config

DOC = (Path(__file__).resolve().parents[2] / "docs" / "formats.md").read_text(encoding="utf-8")
# Values whose shape is the kind's own (params, answers): documented as a whole, not inside.
OPAQUE = {"problems[].params", "problems[].answer", "problems[].solution[].result", "params", "answer",
          "marks", "solution[].result", "[].params[].default", "[].knobs[].default", "scope.decks"}


def paths(value: Any, path: str = "") -> Iterator[str]:
    """Every leaf of a JSON document as a dotted path, ``[]`` standing for any array element."""
    if path in OPAQUE:
        yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from paths(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list) and any(isinstance(v, dict | list) for v in value):
        for item in value:
            yield from paths(item, f"{path}[]")
    else:
        yield path


def documented(path: str) -> bool:
    """Whether the document has a table row for ``path`` (a report's retention windows and
    groups under their placeholders, a deck's six states in one row, solve's steps as generate's)."""
    path = re.sub(r"^retention\.\w+\.\w+\.", "retention.<window>.<group>.", path)
    path = re.sub(r"^decks\[\]\.states\.\w+$", "decks[].states.new", path)
    path = re.sub(r"^solution\[\]\.", "problems[].solution[].", path)
    path = re.sub(r"^(kinds\[\]\.knobs\[\]\.default)\..+$", r"\1", path)  # a range {min, max, step}
    return f"\n| `{path}` |" in DOC or f"\n| `{path}` …" in DOC


def output(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    try:
        main(list(argv))
    except SystemExit as exc:
        assert exc.code in (0, 1, None), capsys.readouterr().err
    return capsys.readouterr().out


def test_every_report_field_and_column_is_documented(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STUDYAPP_NOW", NOW.isoformat())
    write_config()
    db = tmp_path / "progress.sqlite3"
    build_history(db, days=40)
    fig = json.loads(output(capsys, "report", "--db", str(db), "--format", "json"))
    assert fig["mistakes"]["top"] and fig["leeches"]["top"] and fig["sessions"]  # every list has rows
    found = set(paths(fig))
    assert len(found) > 90
    assert [p for p in sorted(found) if not documented(p)] == []
    for fmt, columns in (("csv", (*CSV_COLUMNS, *CSV_EXTRA)), ("revlog", revlog.COLUMNS)):
        head = next(csv.reader(io.StringIO(output(capsys, "report", "--db", str(db), "--format", fmt))))
        assert tuple(head) == columns
        section = DOC.split(f"## `studyapp report --format {fmt}`", 1)[1].split("\n## ", 1)[0]
        assert [c for c in head if f"\n| `{c}` |" not in section] == []


def test_every_generate_solve_and_kinds_field_is_documented(capsys: pytest.CaptureFixture[str]) -> None:
    found = set(paths(json.loads(output(capsys, "generate", "--format", "json", "--count", "300",
                                        "--seed", "1"))))
    assert "problems[].solution[].note" in found  # 300 problems show every optional step field
    solved = json.loads(output(capsys, "solve", "conv_output_size", "--format", "json", "--answer", "4",
                               "--params", '{"input_size": 7, "kernel_size": 3, "stride": 1, "padding": 0}'))
    assert solved["mistake"] is not None
    found |= set(paths(solved))
    found |= set(paths(json.loads(output(capsys, "kinds", "--format", "json"))))
    assert "kinds[].params[].choices" in found and "kinds[].params[].required" in found
    assert [p for p in sorted(found) if not documented(p)] == []
    assert solved["schema"] == "studyapp.solution/1"


def test_every_version_string_is_documented() -> None:
    for version in (figures.SCHEMA, worksheet.SCHEMA, revlog.FORMAT, "studyapp.solution/1",
                    "studyapp.kinds/1"):
        assert f"`{version}`" in DOC
    assert "(`studyapp.revlog/1`)" in DOC and revlog.FORMAT == "studyapp.revlog/1"
