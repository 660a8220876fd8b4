"""`studyapp export`: the Anki package (read back as the SQLite database it holds) and CSV."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import warnings
import zipfile
from pathlib import Path

import genanki
import pytest

from studyapp.cli import build_parser, main
from studyapp.commands.export import run
from studyapp.core.library import load_library
from studyapp.core.numfmt import grid
from studyapp.core.problems import generate
from studyapp.report import anki, anki_csv

DECK_A = """\
id: alpha
title: {en: "Alpha <deck>", zh: 甲组}
description: {en: "About <b>alpha</b>", zh: 关于甲}
cards:
  - id: a.basic
    type: basic
    front: {en: "What does <script>alert(1)</script> do?", zh: "<script>alert(2)</script> 做什么?"}
    back: {en: "Nothing & nothing", zh: 什么也不做}
    explanation: {en: It is escaped., zh: 它被转义了。}
    tags: [two words, web]
  - id: a.cloze-one
    type: cloze
    text: {en: "The answer is {{42}}.", zh: "答案是 {{42}}。"}
  - id: a.cloze-many
    type: cloze
    text:
      en: "σ(0) = {{0.5|1/2}}, range ({{0}}, {{1|one}})."
      zh: "σ(0) = {{0.5|1/2}},值域 ({{0|零}}, {{1}})。"
    explanation: {en: Sigmoid facts., zh: sigmoid 的性质。}
  - id: a.choice
    type: choice
    question: {en: Which are even?, zh: 哪些是偶数?}
    options:
      - {text: {en: two, zh: 二}, correct: true}
      - {text: {en: three, zh: 三}}
      - {text: {en: four, zh: 四}, correct: true}
    explanation: {en: Even numbers divide by 2., zh: 偶数能被 2 整除。}
problems:
  - id: a.feature-map
    kind: conv2d
    title: {en: Feature map, zh: 特征图}
    difficulty: 2
    params: {input_size: 4, kernel_size: 2}
    tags: [cnn]
"""

DECK_B = """\
id: beta
title: {en: Beta, zh: 乙组}
cards:
  - id: b.basic
    type: basic
    front: {en: Front B, zh: 正面乙}
    back: {en: Back B, zh: 背面乙}
"""

CARD_IDS = ["a.basic", "a.cloze-one", "a.cloze-many", "a.choice", "b.basic"]
PROBLEM_IDS = [f"a.feature-map@{seed}" for seed in anki.EXAMPLE_SEEDS]


@pytest.fixture
def content(tmp_path) -> list[Path]:
    folder = tmp_path / "decks"
    folder.mkdir()
    (folder / "alpha.yaml").write_text(DECK_A, encoding="utf-8")
    (folder / "beta.yaml").write_text(DECK_B, encoding="utf-8")
    assert not load_library([folder]).errors
    return [folder]


def export(content: list[Path] | None, *argv: str) -> int:
    """``studyapp export`` with the decks of ``content`` added (--content) and, unless the test
    names its own --deck, only those decks exported (the bundled ones are read too)."""
    extra = [arg for path in content or () for arg in ("--content", str(path))]
    if content is not None and "--deck" not in argv:
        extra += ["--deck", "alpha", "--deck", "beta"]
    return run(build_parser().parse_args(["export", *argv, *extra]))


def read_apkg(path: Path, tmp_path: Path) -> dict:
    with zipfile.ZipFile(path) as archive:
        db = tmp_path / f"{path.stem}.anki2"
        db.write_bytes(archive.read("collection.anki2"))
    conn = sqlite3.connect(db)
    models = json.loads(conn.execute("SELECT models FROM col").fetchone()[0])
    decks = json.loads(conn.execute("SELECT decks FROM col").fetchone()[0])
    notes = {}
    for guid, mid, flds, tags in conn.execute("SELECT guid, mid, flds, tags FROM notes"):
        notes[guid] = {"model": models[str(mid)]["name"], "fields": flds.split("\x1f"),
                       "tags": tags.split(), "flds": flds}
    card_decks = {did for (did,) in conn.execute("SELECT DISTINCT did FROM cards")}
    conn.close()
    return {"models": {int(k): v for k, v in models.items()}, "decks": {int(k): v for k, v in decks.items()},
            "notes": notes, "card_decks": card_decks}


def by_id(pkg: dict, item_id: str) -> dict:
    return pkg["notes"][genanki.guid_for("studyapp", item_id)]


# --- the package ------------------------------------------------------------------------------
def test_apkg_has_one_note_per_card_and_problem_example(content, tmp_path, capsys):
    out = tmp_path / "cards.apkg"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # genanki warns about unescaped HTML tags in fields
        assert export(content, "--anki", str(out)) == 0
    assert "5 cards and 3 problem examples from 2 deck(s)" in capsys.readouterr().out
    pkg = read_apkg(out, tmp_path)
    assert set(pkg["notes"]) == {genanki.guid_for("studyapp", i) for i in CARD_IDS + PROBLEM_IDS}
    names = {m["name"]: m for m in pkg["models"].values()}
    assert set(names) == {"studyapp Basic", "studyapp Cloze"}
    assert names["studyapp Cloze"]["type"] == 1 and names["studyapp Basic"]["type"] == 0
    assert [by_id(pkg, i)["model"] for i in CARD_IDS] == [
        "studyapp Basic", "studyapp Cloze", "studyapp Cloze", "studyapp Basic", "studyapp Basic"]
    assert {by_id(pkg, i)["model"] for i in PROBLEM_IDS} == {"studyapp Basic"}
    # One Anki deck per deck, with an id from the deck id and a name from its English title; the
    # Chinese title heads the description.
    alpha, beta = anki.stable_id("deck:alpha"), anki.stable_id("deck:beta")
    assert pkg["decks"][alpha]["name"] == "studyapp::Alpha <deck>"
    assert pkg["decks"][beta]["name"] == "studyapp::Beta"
    assert "&lt;b&gt;alpha&lt;/b&gt;" in pkg["decks"][alpha]["desc"]
    assert pkg["decks"][alpha]["desc"].startswith('<div lang="zh-Hans"><b>甲组</b></div>')
    assert pkg["card_decks"] == {alpha, beta}
    # Tags: ours without spaces, the deck id, the card type; problems are tagged as such.
    assert set(by_id(pkg, "a.basic")["tags"]) == {"two_words", "web", "studyapp::deck::alpha",
                                                 "studyapp::basic"}
    assert set(by_id(pkg, "a.feature-map@2")["tags"]) == {"cnn", "studyapp::deck::alpha",
                                                         "studyapp::problem"}


def test_deck_filter_keeps_only_the_named_decks(content, tmp_path):
    out = tmp_path / "beta.apkg"
    assert export(content, "--anki", str(out), "--deck", "beta", "--deck", "beta") == 0
    pkg = read_apkg(out, tmp_path)
    assert set(pkg["notes"]) == {genanki.guid_for("studyapp", "b.basic")}
    assert pkg["card_decks"] == {anki.stable_id("deck:beta")}


def test_bundled_export_is_stable_across_exports(tmp_path, capsys):
    first, second = tmp_path / "one.apkg", tmp_path / "two.apkg"
    assert main(["export", "--anki", str(first)]) == 0
    assert main(["export", "--anki", str(second)]) == 0
    one, two = read_apkg(first, tmp_path), read_apkg(second, tmp_path)
    library = load_library()
    expected = {genanki.guid_for("studyapp", c.id) for c in library.cards} | {
        genanki.guid_for("studyapp", f"{t.id}@{s}") for t in library.templates for s in anki.EXAMPLE_SEEDS}
    assert len(library.cards) > 100 and len(expected) == len(library.cards) + 3 * len(library.templates)
    assert set(one["notes"]) == expected
    assert one["notes"] == two["notes"]  # fields and tags too
    assert set(one["models"]) == set(two["models"]) and set(one["decks"]) == set(two["decks"])
    assert {m["name"] for m in one["models"].values()} == {"studyapp Basic", "studyapp Cloze"}
    assert len(one["decks"]) == len(library.decks) + 1  # and Anki's "Default"
    assert all("<script" not in n["flds"].lower() for n in one["notes"].values())


# --- cloze --------------------------------------------------------------------------------------
def test_cloze_one_gap_and_several_with_alternatives():
    assert anki.cloze_html("The answer is {{42}}.") == "The answer is {{c1::42}}."
    assert (anki.cloze_html("σ(0) = {{0.5|1/2}}, range ({{0}}, {{ 1 | one }}).")
            == "σ(0) = {{c1::0.5}}, range ({{c2::0}}, {{c3::1}}).")
    # Text around and inside the gaps is HTML; braces and "::" can never make a cloze.
    assert (anki.cloze_html("<i>{c9::x} }} {{a::b|c}} & {{<b>}}")
            == "&lt;i&gt;&#123;c9::x&#125; &#125;&#125; {{c1::a&#58;&#58;b}} &amp; {{c2::&lt;b&gt;}}")
    assert anki_csv.cloze_plain("{{0.5|1/2}} and {{x}}") == "{{c1::0.5}} and {{c2::x}}"


def test_cloze_note_in_both_languages_numbers_the_gaps_alike(content, tmp_path):
    out = tmp_path / "both.apkg"
    assert export(content, "--anki", str(out), "--lang", "both") == 0
    text, extra = by_id(read_apkg(out, tmp_path), "a.cloze-many")["fields"]
    assert "σ(0) = {{c1::0.5}}, range ({{c2::0}}, {{c3::1}})." in text
    assert "σ(0) = {{c1::0.5}},值域 ({{c2::0}}, {{c3::1}})。" in text
    assert text.index("range") < text.index("值域")
    # The alternatives Anki cannot check are listed on the back, with the explanation.
    assert "Also accepted" in extra and "1/2" in extra and "one" in extra and "零" in extra
    assert "Sigmoid facts." in extra and "sigmoid 的性质。" in extra


@pytest.mark.parametrize("lang", ["en", "zh", "both"])
def test_lang_chooses_the_text_of_every_field(content, tmp_path, lang):
    out = tmp_path / f"{lang}.apkg"
    assert export(content, "--anki", str(out), "--lang", lang) == 0
    pkg = read_apkg(out, tmp_path)
    basic, problem = by_id(pkg, "a.basic"), by_id(pkg, "a.feature-map@1")
    en_marks = ["Nothing &amp; nothing", "It is escaped."]
    zh_marks = ["什么也不做", "它被转义了。"]
    assert [m in basic["flds"] for m in en_marks] == [lang != "zh"] * 2
    assert [m in basic["flds"] for m in zh_marks] == [lang != "en"] * 2
    prompt = generate(load_library(content).templates[0], 1).prompt
    assert (prompt("en")[:30] in problem["flds"]) == (lang != "zh")
    assert (prompt("zh")[:12] in problem["flds"]) == (lang != "en")
    assert ("Worked solution" in problem["fields"][1]) == (lang != "zh")
    assert ("解题过程" in problem["fields"][1]) == (lang != "en")
    deck = pkg["decks"][anki.stable_id("deck:alpha")]
    assert deck["name"] == "studyapp::Alpha <deck>"  # the same in every language (issue 18)
    assert ("甲组" in deck["desc"]) == (lang != "en")


# --- choice, escaping, problems -------------------------------------------------------------------
def test_choice_note_lists_the_options_and_marks_the_right_ones(content, tmp_path):
    out = tmp_path / "en.apkg"
    assert export(content, "--anki", str(out), "--lang", "en") == 0
    front, back, explanation = by_id(read_apkg(out, tmp_path), "a.choice")["fields"]
    assert "Which are even?" in front
    assert [front.index(o) for o in ("<li>two</li>", "<li>three</li>", "<li>four</li>")] == sorted(
        front.index(o) for o in ("<li>two</li>", "<li>three</li>", "<li>four</li>"))
    assert "correct" not in front and "✓" not in front
    assert "Correct: A, C" in back
    assert "<li class=correct>✓ two</li>" in back and "<li class=correct>✓ four</li>" in back
    assert "<li class=wrong>three</li>" in back
    assert "Even numbers divide by 2." in explanation


def test_zh_labels_are_translated(content, tmp_path):
    out = tmp_path / "zh.apkg"
    assert export(content, "--anki", str(out), "--lang", "zh") == 0
    pkg = read_apkg(out, tmp_path)
    assert "正确答案: A, C" in by_id(pkg, "a.choice")["fields"][1]
    assert "也接受的答案" in by_id(pkg, "a.cloze-many")["fields"][1]
    problem = by_id(pkg, "a.feature-map@3")["fields"]
    assert "难度 ●●○" in problem[0] and "种子 3" in problem[0] and "答案:" in problem[1]
    assert not any(w in "".join(problem) for w in ("Answer", "Worked", "difficulty", "seed"))


def test_script_in_a_card_is_escaped(content, tmp_path):
    out = tmp_path / "both.apkg"
    assert export(content, "--anki", str(out)) == 0
    note = by_id(read_apkg(out, tmp_path), "a.basic")
    assert "<script" not in note["flds"]
    assert "What does &lt;script&gt;alert(1)&lt;/script&gt; do?" in note["fields"][0]
    assert "&lt;script&gt;alert(2)&lt;/script&gt; 做什么?" in note["fields"][0]


def test_problem_examples_carry_the_worked_solution(content, tmp_path):
    out = tmp_path / "en.apkg"
    assert export(content, "--anki", str(out), "--lang", "en") == 0
    pkg = read_apkg(out, tmp_path)
    template = load_library(content).templates[0]
    fronts = set()
    for seed in anki.EXAMPLE_SEEDS:
        problem = generate(template, seed)
        front, back, _ = by_id(pkg, problem.id)["fields"]
        fronts.add(front)
        assert f"seed {seed}" in front and "difficulty ●●○" in front
        # The input tensor as a monospace block, one grid per channel.
        rows = "\n".join(f"  {row}" for row in grid(problem.params["input"][0]))
        assert f"<pre>input =\n  [0]\n{rows}\nkernel =" in front
        assert "<b>Answer:</b><pre>" in back
        assert back.count("<li>") == len(problem.steps)
        for step in problem.steps:
            assert f"<li><b>{anki.esc(step.title.en)}</b>" in back
            assert all(anki.esc(line) in back for line in step.formula.splitlines())
    assert len(fronts) == len(anki.EXAMPLE_SEEDS)  # three different variants


def test_steps_html_escapes_and_lays_out_matrices():
    from studyapp.core.bilingual import Text
    from studyapp.core.steps import Step

    steps = [Step(Text("a <b> title", "标题"), formula="x < y & z", result=[[1.0, 2.0], [3.0, 40.0]]),
             Step(Text("sum", "和"), work="1 + 2", result=3.0, note=Text("a <note>", "注"))]
    html = anki.steps_html(steps, "en")
    assert "<b>a &lt;b&gt; title</b>" in html and "x &lt; y &amp; z" in html
    assert "⎡ 1   2 ⎤\n⎣ 3  40 ⎦" in html and "1 + 2\n= 3" in html and "<i>a &lt;note&gt;</i>" in html
    assert "a <b> title · 标题" not in anki.steps_html(steps, "both")
    assert "a &lt;b&gt; title · 标题" in anki.steps_html(steps, "both")


# --- CSV ---------------------------------------------------------------------------------------
def test_csv_round_trips_with_both_languages(content, tmp_path):
    out = tmp_path / "cards.csv"
    assert export(content, "--csv", str(out)) == 0
    raw = out.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8"), newline="")))
    assert rows[0] == ["id", "deck", "type", "front_en", "back_en", "front_zh", "back_zh", "tags"]
    table = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert list(table) == CARD_IDS  # cards only, in content order
    basic = table["a.basic"]
    # HTML escaped as in the package's fields (no <br>: line breaks stay, for spreadsheets)
    assert basic["front_en"] == "What does &lt;script&gt;alert(1)&lt;/script&gt; do?"
    assert basic["back_en"] == "Nothing &amp; nothing\n\nIt is escaped."
    assert basic["front_zh"] == "&lt;script&gt;alert(2)&lt;/script&gt; 做什么?"
    assert basic["tags"] == "two_words web studyapp::deck::alpha"
    cloze = table["a.cloze-many"]
    assert cloze["front_en"] == "σ(0) = {{c1::0.5}}, range ({{c2::0}}, {{c3::1}})."
    assert cloze["front_zh"] == "σ(0) = {{c1::0.5}},值域 ({{c2::0}}, {{c3::1}})。"
    assert cloze["back_zh"].startswith("也接受的答案: 0.5: 1/2; 0: 零")
    choice = table["a.choice"]
    assert choice["front_en"] == "Which are even?\nA. two\nB. three\nC. four"
    assert choice["back_en"] == "Correct: A, C\n✓ A. two\n✓ C. four\n\nEven numbers divide by 2."
    assert table["b.basic"]["deck"] == "beta" and table["b.basic"]["back_zh"] == "背面乙"


def test_csv_in_one_language(content, tmp_path):
    out = tmp_path / "zh.csv"
    assert export(content, "--csv", str(out), "--lang", "zh", "--deck", "beta") == 0
    with out.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    assert rows == [["id", "deck", "type", "front_zh", "back_zh", "tags"],
                    ["b.basic", "beta", "basic", "正面乙", "背面乙", "studyapp::deck::beta"]]


# --- errors --------------------------------------------------------------------------------------
def one_error_line(capsys) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    return err


def test_unknown_deck_is_one_line_and_writes_nothing(tmp_path, capsys):
    out = tmp_path / "x.apkg"
    assert main(["export", "--anki", str(out), "--deck", "convolution", "--deck", "nope"]) == 2
    assert "unknown deck 'nope'" in one_error_line(capsys)
    assert not out.exists()


@pytest.mark.parametrize("flag", ["--anki", "--csv"])
def test_existing_file_is_kept_without_force(tmp_path, capsys, flag):
    out = tmp_path / "out.file"
    out.write_text("mine", encoding="utf-8")
    assert main(["export", flag, str(out), "--deck", "convolution"]) == 2
    assert "already exists; pass --force" in one_error_line(capsys)
    assert out.read_text(encoding="utf-8") == "mine"
    assert main(["export", flag, str(out), "--deck", "convolution", "--force"]) == 0
    assert out.read_bytes() != b"mine"
    assert [p.name for p in tmp_path.iterdir()] == ["out.file"]  # no temporary file left


def test_folder_or_missing_folder_is_an_error(tmp_path, capsys):
    assert main(["export", "--anki", str(tmp_path)]) == 2
    assert "is a folder" in one_error_line(capsys)
    assert main(["export", "--csv", str(tmp_path / "no" / "such.csv")]) == 2
    assert "does not exist" in one_error_line(capsys)


def test_anki_or_csv_is_required_and_not_both(tmp_path, capsys):
    for argv in (["export"], ["export", "--anki", "a.apkg", "--csv", "a.csv"],
                 ["export", "--csv", "a.csv", "--lang", "fr"]):
        with pytest.raises(SystemExit) as exit_info:
            main(argv)
        assert exit_info.value.code == 2
        capsys.readouterr()
