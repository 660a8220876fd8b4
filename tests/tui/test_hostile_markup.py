"""Content is text, everywhere in the TUI (issue 20, D1): a deck whose every learner-facing field
holds Rich/Textual markup, walked through every screen in both languages.

On each screen every widget but the key footer (whose keys are its own clickable actions) is
drawn to segments; the markup must show as the literal text it is, and no segment may carry an
``@click`` action or a link.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from rich.console import Console
from rich.text import Text
from textual.fuzzy import Matcher
from textual.geometry import Region
from textual.widgets import Input

from studyapp.core.settings import Settings
from studyapp.tui.app import HomeScreen, build_app
from studyapp.tui.keys import KeyFooter
from studyapp.tui.palette import highlighted
from studyapp.tui.stats_view import leeches_text, mistakes_text
from tests.tui.pilot import NOW, answer_anything, leave_answer_box, settle, type_answer

# Rich reads the first link, Textual the quoted one; `[/bold]` closes nothing (a MarkupError).
MARKUP = ("[/bold] [@click=app.quit]x[/] [link=https://example.com]y[/link] "
          "[link='https://example.com']z[/link] [b]")
CLICK = "[@click=app.quit]x[/]"
LANG_MARK = {"en": "EN", "zh": "中"}


def bilingual(what: str) -> str:
    """A YAML flow mapping whose texts are ``what`` and the markup, in both languages."""
    en, zh = (json.dumps(f"{mark} {what} {MARKUP}", ensure_ascii=False) for mark in LANG_MARK.values())
    return f"{{en: {en}, zh: {zh}}}"


def field(lang: str, what: str) -> str:
    """The text the deck gives field ``what`` in ``lang``."""
    return f"{LANG_MARK[lang]} {what} {MARKUP}"


def deck_folder(tmp_path: Path) -> Path:
    """A deck of a basic, a cloze and a choice card and two problem templates (a number and a
    matrix to type), every text of it markup; and a broken deck whose file name is markup."""
    folder = tmp_path / "decks"
    folder.mkdir()
    tag = json.dumps(MARKUP)
    (folder / "hostile.yaml").write_text(f"""id: hostile
title: {bilingual("Deck")}
description: {bilingual("about")}
cards:
  - id: h.basic
    type: basic
    front: {bilingual("front")}
    back: {bilingual("back")}
    explanation: {bilingual("why-basic")}
    tags: [{tag}]
  - id: h.cloze
    type: cloze
    text: {bilingual("cloze {{gap [b]|other}}")}
    explanation: {bilingual("why-cloze")}
  - id: h.choice
    type: choice
    question: {bilingual("question")}
    options:
      - {{text: {bilingual("right")}, correct: true}}
      - {{text: {bilingual("wrong")}}}
    explanation: {bilingual("why-choice")}
problems:
  - {{id: h.size, kind: conv_output_size, title: {bilingual("size")}, difficulty: 1, tags: [{tag}]}}
  - {{id: h.map, kind: conv2d, title: {bilingual("map")}, difficulty: 2}}
""", encoding="utf-8")
    (folder / "[b]broken [@click=app.quit]q.yaml").write_text(f"id: broken\ntitle: {tag}\n", encoding="utf-8")
    return folder


# --- what a screen shows --------------------------------------------------------------------
def rendered(screen) -> tuple[str, list[str]]:
    """Every widget of ``screen`` but the key footer drawn: its text, and each segment that
    carries an action or a link (none should)."""
    lines, hostile = [], []
    for widget in screen.query("*"):
        if isinstance(widget, KeyFooter) or not widget.outer_size.area:
            continue
        for strip in widget.render_lines(Region(0, 0, *widget.outer_size)):
            if strip.text.strip():
                lines.append(strip.text)
            for segment in strip:
                style = segment.style
                if style is not None and ((style.meta or {}).get("@click") or style.link):
                    hostile.append(f"{type(widget).__name__}: {segment.text!r} {style.meta} {style.link}")
    return "\n".join(lines), hostile


def squashed(text: str) -> str:
    return " ".join(text.split())


async def shows(pilot, *literals: str) -> str:
    """Assert that the screen shows each of ``literals`` as text, and nothing clickable."""
    await settle(pilot)
    text, hostile = rendered(pilot.app.screen)
    name = type(pilot.app.screen).__name__
    assert not hostile, f"{name}: {hostile}"
    for literal in literals:
        assert squashed(literal) in squashed(text), f"{name}: {literal!r} not shown in\n{text}"
    return text


# --- the walk ---------------------------------------------------------------------------------
async def study_every_kind(pilot, lang: str) -> None:
    """Each item with its question, then its feedback; a wrong typed answer on the cloze, an
    unreadable one and a hint on the problems."""
    await pilot.press("down", "enter")  # the deck, whose title the header shows
    screen = pilot.app.screen
    seen: dict[str, str] = {}  # item id -> kind
    while screen.item is not None and screen.item.id not in seen:  # once each; a hint brings one back
        item = screen.item
        kind = seen[item.id] = "problem" if item.problem is not None else item.card.type
        asked = {"basic": [field(lang, "front")], "cloze": [MARKUP],
                 "choice": [field(lang, "question"), field(lang, "right"), field(lang, "wrong")],
                 "problem": ["Deck [/bold] [@click=app"]}[kind]  # the prompt is the kind's; the title, cut
        await shows(pilot, *asked)
        if kind == "cloze":
            type_answer(screen, MARKUP)  # wrong: the feedback shows it as typed
            await pilot.press("enter")
        elif kind == "problem":
            type_answer(screen, MARKUP)  # unreadable: said, not graded
            await pilot.press("enter")
            await shows(pilot, *asked)
            screen.action_hint()
            await shows(pilot)
            await answer_anything(pilot, screen)
        else:
            await answer_anything(pilot, screen)
        told = {"basic": [field(lang, "back"), field(lang, "why-basic")],
                "cloze": [field(lang, "cloze gap [b]"), field(lang, "why-cloze")],
                "choice": [field(lang, "why-choice")], "problem": []}[kind]
        await shows(pilot, *told)
        await pilot.press("4")
    assert sorted(seen.values()) == ["basic", "choice", "cloze", "problem", "problem"]
    await leave_answer_box(pilot, screen)
    await pilot.press("escape")
    await shows(pilot)  # the summary
    await pilot.press("escape")


async def take_exam(pilot, lang: str) -> None:
    await pilot.press("e")
    setup = pilot.app.screen
    await shows(pilot, CLICK)  # the deck's line in the list, cut
    decks = setup.query_one("#exam-decks")
    decks.focus()
    decks.highlighted = None
    await pilot.press("down")
    await shows(pilot, field(lang, "Deck"))  # the highlighted deck's line under the lists
    seed = setup.query_one("#exam-seed", Input)
    seed.value = MARKUP
    await pilot.press("ctrl+s")
    await shows(pilot, CLICK)  # the seed refused, quoting what was typed
    seed.value = ""
    setup.query_one("#exam-count", Input).value = "2"
    await pilot.press("ctrl+s")
    await settle(pilot)
    exam = pilot.app.screen
    title = field(lang, exam.exam.problems[0].template.id.removeprefix("h."))
    await shows(pilot, title)
    box = exam.box()
    if isinstance(box, Input):
        box.value = MARKUP
    else:
        box.text = MARKUP
    await pilot.press("enter")  # unreadable: the reason under the box
    await shows(pilot, title)
    await pilot.press("ctrl+f")
    await shows(pilot)  # are you sure?
    await pilot.press("y")
    await settle(pilot)
    await shows(pilot, title, MARKUP)  # the result: the title and the answer as typed
    await pilot.press("escape")


async def browse_every_item(pilot, lang: str) -> None:
    await pilot.press("b")
    await settle(pilot)
    await pilot.press("down")  # from the search line into the table
    summaries = [f"{LANG_MARK[lang]} {what} [/bold] [@click=app.quit]x"  # the preview, cut
                 for what in ("front", "cloze gap [b]", "question", "size", "map")]
    details = [[field(lang, "back"), field(lang, "why-basic"), MARKUP], [field(lang, "why-cloze")],
               [field(lang, "right"), field(lang, "why-choice")], [field(lang, "size"), MARKUP],
               [field(lang, "map")]]
    for summary, detail in zip(summaries, details, strict=True):
        await shows(pilot, summary)  # the preview under the table
        await pilot.press("enter")
        await shows(pilot, field(lang, "Deck"), *detail)  # the item, with its answers from the store
        await pilot.press("escape")
        await pilot.press("down")
    pilot.app.screen.query_one("#search", Input).value = f'"{MARKUP}'  # an unclosed quote: refused
    await shows(pilot)
    await pilot.press("escape")


async def change_settings(pilot) -> None:
    await pilot.press("comma")
    screen = pilot.app.screen
    await shows(pilot, "[b]config [@click=app.quit]q.toml")
    box = screen.query_one("#new_per_day", Input)
    box.focus()
    box.value = MARKUP
    await pilot.press("enter")
    await shows(pilot, CLICK)  # what is wrong with the value, quoting it
    await pilot.press("escape")
    await shows(pilot, CLICK)  # "not saved: ...", a notification
    await pilot.press("escape")


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.asyncio
async def test_markup_in_a_deck_is_text_on_every_screen(tmp_path, lang):
    app = build_app(tmp_path / "p.sqlite3", Settings(timezone="UTC", lang=lang),
                    content=[deck_folder(tmp_path)], clock=lambda: NOW, seed=1,
                    config_file=tmp_path / "[b]config [@click=app.quit]q.toml")
    async with app.run_test(size=(100, 40)) as pilot:
        await shows(pilot, "[b]broken [@click=app.quit]q.yaml", CLICK)  # the notice and the title
        await study_every_kind(pilot, lang)
        await take_exam(pilot, lang)
        await browse_every_item(pilot, lang)
        await pilot.press("s")
        await shows(pilot, CLICK)  # the deck's line in the statistics
        await pilot.press("escape")
        await change_settings(pilot)
        await pilot.press("question_mark")
        await shows(pilot)
        await pilot.press("escape")
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"Deck", "space", "left_square_bracket", "slash", *"bold", "right_square_bracket")
        await shows(pilot, "[/bold]")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
    assert app.return_code in (None, 0)


def test_the_statistics_name_mistakes_and_leeches_as_text():
    fig = {"mistakes": {"total": 1, "top": [{"tag": MARKUP, "count": 1, "name": MARKUP, "item": MARKUP}]},
           "leeches": {"total": 1, "top": [{"lapses": 9, "title": MARKUP, "deck_title": MARKUP}]}}
    console = Console(width=400, file=io.StringIO())
    for text in (mistakes_text(fig, "en", 400), leeches_text(fig, "en", 400)):
        assert isinstance(text, Text) and MARKUP in text.plain
        assert not [s for s in console.render(text) if s.style and (s.style.meta or s.style.link)]


def test_a_palette_name_is_highlighted_as_text():
    name = highlighted(Matcher("bo"), MARKUP)
    assert name.plain == MARKUP and name.spans  # the matched letters are styled, nothing else
    assert all(span.style == Matcher("bo").match_style for span in name.spans)


@pytest.mark.asyncio
async def test_an_error_of_the_statistics_is_shown_as_text(tmp_path, monkeypatch):
    import studyapp.report.figures as figures

    def broken(*args, **kwargs):
        raise RuntimeError(MARKUP)

    monkeypatch.setattr(figures, "compute", broken)
    app = build_app(tmp_path / "p.sqlite3", Settings(timezone="UTC"), clock=lambda: NOW, seed=1,
                    config_file=tmp_path / "config.toml")
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("s")
        await shows(pilot, MARKUP)
