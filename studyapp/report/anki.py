"""The concept cards (and a few worked problem examples) for Anki: an .apkg package or CSV.

Every note's GUID comes from our id (``genanki.guid_for("studyapp", id)``), and the note
types and decks have ids derived from fixed strings, so importing a new export updates
the notes already in Anki instead of adding copies. Anki matches decks by name, so a deck's
name is its English title in every language (``deck_name``): an export in another language
updates the same deck. With a history, the cards carry their schedule and review log
(``anki_schedule``). Anki fields are HTML: every text from the content is escaped (braces too,
so that text can never open a cloze). The CSV export is ``report.anki_csv``.
"""

from __future__ import annotations

import hashlib
import html
import itertools
import re
import sqlite3
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import genanki

from studyapp import atomic
from studyapp.core.bilingual import Text
from studyapp.core.content import GAP, Card, Deck, ProblemTemplate
from studyapp.core.numfmt import PARAM_NAMES_ZH, depth, grid, num, vec
from studyapp.core.problems import Problem, generate
from studyapp.core.settings import Settings
from studyapp.core.steps import Step
from studyapp.report import anki_schedule
from studyapp.store.history_export import ItemHistory

NAMESPACE = "studyapp"
EXAMPLE_SEEDS = (1, 2, 3)  # the fixed variants of each problem template
PROBLEM_TAG = "studyapp::problem"
LANGS = ("en", "zh", "both")
HTML_LANG = {"en": "en", "zh": "zh-Hans"}

LABELS = {
    "en": {"answer": "Answer", "solution": "Worked solution",
           "correct": "Correct", "accepted": "Also accepted", "difficulty": "difficulty",
           "seed": "seed"},
    "zh": {"answer": "答案", "solution": "解题过程",
           "correct": "正确答案", "accepted": "也接受的答案", "difficulty": "难度",
           "seed": "种子"},
}

CSS = """\
.card { font-family: -apple-system, "Segoe UI", "Noto Sans", "Noto Sans CJK SC", "PingFang SC",
  sans-serif; font-size: 20px; line-height: 1.45; text-align: left; color: #1d1d1f;
  background-color: #fff; max-width: 46em; margin: 0 auto; }
.nightMode .card, .card.nightMode { color: #e8e8e8; background-color: #1e1e1e; }
[lang="zh-Hans"] { font-family: "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif; }
hr.lang { border: none; border-top: 1px dashed #bbb; margin: 0.6em 0; }
pre, code { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 0.85em; }
pre { background: rgba(127, 127, 127, 0.1); padding: 0.4em 0.6em; border-radius: 4px;
  overflow-x: auto; white-space: pre; }
.cloze { font-weight: bold; color: #0a5cc2; }
.nightMode .cloze { color: #7ab7ff; }
ol.options li { margin: 0.2em 0; }
li.correct { color: #1a7f37; font-weight: bold; }
li.wrong { color: #888; }
.explanation, .accepted { margin-top: 0.8em; font-size: 0.9em; color: #555; }
.nightMode .explanation, .nightMode .accepted { color: #aaa; }
.meta { font-size: 0.8em; color: #888; }
"""


def stable_id(name: str) -> int:
    """An Anki note-type or deck id from a fixed string: the same on every export."""
    digest = hashlib.sha256(f"{NAMESPACE}:{name}".encode()).digest()
    return (1 << 30) + int.from_bytes(digest[:8], "big") % (1 << 30)


def note_guid(item_id: str) -> str:
    return genanki.guid_for(NAMESPACE, item_id)


def basic_model() -> genanki.Model:
    return genanki.Model(
        stable_id("model:basic"), "studyapp Basic",
        fields=[{"name": "Front"}, {"name": "Back"}, {"name": "Explanation"}],
        templates=[{
            "name": "Card 1",
            "qfmt": "{{Front}}",
            "afmt": "{{FrontSide}}\n\n<hr id=answer>\n\n{{Back}}"
                    "{{#Explanation}}<div class=explanation>{{Explanation}}</div>{{/Explanation}}",
        }],
        css=CSS,
    )


def cloze_model() -> genanki.Model:
    return genanki.Model(
        stable_id("model:cloze"), "studyapp Cloze",
        fields=[{"name": "Text"}, {"name": "Explanation"}],
        templates=[{
            "name": "Cloze",
            "qfmt": "{{cloze:Text}}",
            "afmt": "{{cloze:Text}}"
                    "{{#Explanation}}<hr id=answer><div class=explanation>{{Explanation}}</div>"
                    "{{/Explanation}}",
        }],
        css=CSS,
        model_type=genanki.Model.CLOZE,
    )


# --- text -----------------------------------------------------------------------------------
CODE_SPAN = re.compile(r"`([^`\n]+)`")


def esc(text: str) -> str:
    """Content text as HTML: escaped (braces too), line breaks kept, `code` spans as <code>."""
    out = html.escape(text, quote=True).replace("{", "&#123;").replace("}", "&#125;")
    out = CODE_SPAN.sub(r"<code>\1</code>", out)
    return out.replace("\r\n", "\n").replace("\n", "<br>")


def cloze_html(text: str) -> str:
    """Our gaps ``{{answer|alt}}`` as Anki clozes ``{{c1::answer}}``, ``{{c2::…}}``; the rest escaped.

    A colon in an answer becomes ``&#58;`` so that ``::`` can never start a cloze hint.
    """
    out: list[str] = []
    last = 0
    for number, match in enumerate(GAP.finditer(text), 1):
        out.append(esc(text[last:match.start()]))
        answer = match.group(1).split("|")[0].strip()
        out.append(f"{{{{c{number}::{esc(answer).replace(':', '&#58;')}}}}}")
        last = match.end()
    out.append(esc(text[last:]))
    return "".join(out)


def _pick(text: Text, lang: str) -> str:
    """One line of text in ``lang``; with ``both``, ``en · zh`` (once when they are equal)."""
    if lang != "both":
        return esc(text.get(lang))
    return esc(text.en) if text.en == text.zh else f"{esc(text.en)} · {esc(text.zh)}"


def _plain_label(key: str, lang: str) -> str:
    return LABELS[lang][key] if lang != "both" else f"{LABELS['en'][key]}/{LABELS['zh'][key]}"


def _label(key: str, lang: str) -> str:
    return esc(_plain_label(key, lang))


def _blocks(lang: str, render: Callable[[str], str]) -> str:
    """``render(l)`` for one language, or for both (once when both render the same)."""
    if lang != "both":
        return f'<div lang="{HTML_LANG[lang]}">{render(lang)}</div>'
    en, zh = render("en"), render("zh")
    if en == zh:
        return f'<div lang="en">{en}</div>'
    return f'<div lang="en">{en}</div><hr class=lang><div lang="zh-Hans">{zh}</div>'


def anki_tags(deck_id: str, tags: Iterable[str], *extra: str) -> list[str]:
    """Our tags as Anki tags (no spaces), plus the deck id as ``studyapp::deck::<id>``."""
    out: list[str] = []
    for tag in (*tags, f"{NAMESPACE}::deck::{deck_id}", *extra):
        clean = re.sub(r"\s+", "_", tag.strip())
        if clean and clean not in out:
            out.append(clean)
    return out


def option_letter(index: int) -> str:
    """A, B, C, … as a choice card's options are lettered (numbers past Z)."""
    return chr(ord("A") + index) if index < 26 else str(index + 1)


# --- concept cards ----------------------------------------------------------------------------
def card_fields(card: Card, lang: str) -> list[str]:
    """The note fields of a card: [Front, Back, Explanation] or, for a cloze, [Text, Explanation]."""
    explanation = ""
    if card.explanation is not None:
        explanation = _blocks(lang, lambda lg: esc(card.explanation.get(lg)))  # type: ignore[union-attr]
    if card.type == "basic":
        assert card.front is not None and card.back is not None
        return [_blocks(lang, lambda lg: esc(card.front.get(lg))),  # type: ignore[union-attr]
                _blocks(lang, lambda lg: esc(card.back.get(lg))),  # type: ignore[union-attr]
                explanation]
    if card.type == "cloze":
        assert card.text is not None
        accepted = ""
        if lang == "both" and card.gaps("en") == card.gaps("zh"):
            accepted = _accepted_html(card, "en", "both")
        elif _has_alternatives(card):
            accepted = _blocks(lang, lambda lg: _accepted_html(card, lg, lg))
        accepted = f"<div class=accepted>{accepted}</div>" if accepted else ""
        extra = accepted + explanation
        return [_blocks(lang, lambda lg: cloze_html(card.text.get(lg))), extra]  # type: ignore[union-attr]
    if card.type == "choice":
        return [_blocks(lang, lambda lg: _choice_front(card, lg)),
                _blocks(lang, lambda lg: _choice_back(card, lg)), explanation]
    raise ValueError(f"unknown card type {card.type!r}")


def _has_alternatives(card: Card) -> bool:
    return any(len(gap) > 1 for lang in ("en", "zh") for gap in card.gaps(lang))


def _accepted_html(card: Card, lang: str, label_lang: str) -> str:
    """The alternatives our gaps accept beyond the first answer (Anki shows only the first)."""
    items = [f"<li><b>{esc(gap[0])}</b>: {esc(', '.join(gap[1:]))}</li>"
             for gap in card.gaps(lang) if len(gap) > 1]
    if not items:
        return ""
    return f"{_label('accepted', label_lang)}:<ul>{''.join(items)}</ul>"


def _choice_front(card: Card, lang: str) -> str:
    assert card.question is not None
    options = "".join(f"<li>{esc(o.text.get(lang))}</li>" for o in card.options)
    return f'{esc(card.question.get(lang))}<ol class=options type="A">{options}</ol>'


def _choice_back(card: Card, lang: str) -> str:
    letters = ", ".join(option_letter(i) for i, o in enumerate(card.options) if o.correct)
    items = "".join(
        f'<li class=correct>✓ {esc(o.text.get(lang))}</li>' if o.correct
        else f'<li class=wrong>{esc(o.text.get(lang))}</li>'
        for o in card.options)
    return (f"<b>{esc(LABELS[lang]['correct'])}: {letters}</b>"
            f'<ol class=options type="A">{items}</ol>')


# --- problem examples -------------------------------------------------------------------------
def _value_lines(value: Any, decimals: int, index: tuple[int, ...] = ()) -> list[str]:
    """A number, vector or matrix as text lines; higher tensors as matrices headed ``[i, j]``."""
    d = depth(value)
    if d >= 3:
        lines: list[str] = []
        for i, part in enumerate(value):
            if depth(part) == 2:
                lines.append("[" + ", ".join(str(n) for n in (*index, i)) + "]")
            lines += _value_lines(part, decimals, (*index, i))
        return lines
    if d == 2:
        return grid(value, decimals)
    if d == 1:
        return [vec(value, decimals)]
    return [num(value, decimals)]


def _pre(lines: list[str]) -> str:
    return "<pre>" + "\n".join(html.escape(line, quote=True) for line in lines) + "</pre>" if lines else ""


def _matrix_params(params: dict[str, Any], lang: str) -> str:
    """Matrix and tensor params as monospace blocks (vectors and numbers are in the prompt)."""
    lines: list[str] = []
    for name, value in params.items():
        if depth(value) >= 2:
            zh = PARAM_NAMES_ZH.get(name, name)
            label = name if lang == "en" or zh == name else zh if lang == "zh" else f"{name} · {zh}"
            lines += [f"{label} =", *(f"  {row}" for row in _value_lines(value, 4))]
    return _pre(lines)


def _answer_html(problem: Problem, lang: str) -> str:
    answer = problem.answer
    lines: list[str] = []
    if isinstance(answer, dict):
        for key, value in answer.items():
            value_lines = _value_lines(value, problem.decimals)
            if len(value_lines) == 1:
                lines.append(f"{key}: {value_lines[0]}")
            else:
                lines += [f"{key}:", *(f"  {row}" for row in value_lines)]
    else:
        lines = _value_lines(answer, problem.decimals)
    return f"<b>{_label('answer', lang)}:</b>{_pre(lines)}"


def steps_html(steps: list[Step], lang: str) -> str:
    """A worked solution as an HTML list: titles, then formula, work and result in monospace."""
    items: list[str] = []
    for step in steps:
        lines = [*step.formula.splitlines(), *step.work.splitlines()]
        result = step.result_lines()
        if len(result) == 1 and lines:
            lines.append(f"= {result[0]}")
        else:
            lines.extend(result)
        note = f"<div><i>{_pick(step.note, lang)}</i></div>" if step.note is not None else ""
        items.append(f"<li><b>{_pick(step.title, lang)}</b>{_pre(lines)}{note}</li>")
    return f"<ol class=steps>{''.join(items)}</ol>"


def problem_fields(problem: Problem, lang: str) -> list[str]:
    template = problem.template
    title = template.title or Text(template.kind, template.kind)
    stars = "●" * template.difficulty + "○" * (3 - template.difficulty)
    head = (f"<div class=meta><b>{_pick(title, lang)}</b> · {_label('difficulty', lang)} {stars}"
            f" · {_label('seed', lang)} {problem.seed}</div>")
    front = head + _blocks(lang, lambda lg: esc(problem.prompt(lg))) + _matrix_params(problem.params, lang)
    back = (_answer_html(problem, lang)
            + f"<div><b>{_label('solution', lang)}:</b></div>{steps_html(problem.steps, lang)}")
    return [front, back, ""]


def problem_examples(template: ProblemTemplate) -> list[Problem]:
    return [generate(template, seed) for seed in EXAMPLE_SEEDS]


# --- the package -------------------------------------------------------------------------------
def deck_name(deck: Deck) -> str:
    """The Anki deck of a deck: ``studyapp::`` and its English title, whatever ``--lang`` is, so
    that importing an export in another language fills the same deck (Anki matches decks by
    name) instead of leaving the old one empty. The Chinese title heads the description."""
    return f"{NAMESPACE}::" + " ".join(deck.title.en.replace("::", ": ").split())


def deck_description(deck: Deck, lang: str) -> str:
    """The deck's description in ``lang``, headed by its Chinese title (for zh and both, when it
    is not the English one of the name)."""
    head = ""
    if lang != "en" and deck.title.zh != deck.title.en:
        head = f'<div lang="{HTML_LANG["zh"]}"><b>{esc(deck.title.zh)}</b></div>'
    about = deck.description
    if about is None:
        return head
    return head + _blocks(lang, lambda lg: esc(about.get(lg)))


def exported_guids(decks: list[Deck]) -> dict[str, str | None]:
    """Every note GUID an export of ``decks`` writes -> the item whose history that note carries
    (None for a problem's other examples, which carry none): how an import recognises our own
    notes coming back from Anki."""
    out: dict[str, str | None] = {guid: item for item, guid in history_guids(decks).items()}
    for deck in decks:
        for template in deck.problems:
            for seed in EXAMPLE_SEEDS[1:]:
                out[note_guid(f"{template.id}@{seed}")] = None
    return out


def history_guids(decks: list[Deck]) -> dict[str, str]:
    """Which note carries the history of each item: a card's own note, and a problem template's
    first example (the other examples stay new)."""
    guids = {card.id: note_guid(card.id) for deck in decks for card in deck.cards}
    for deck in decks:
        for template in deck.problems:
            guids[template.id] = note_guid(f"{template.id}@{EXAMPLE_SEEDS[0]}")
    return guids


def build_package(decks: list[Deck], lang: str) -> tuple[genanki.Package, dict[str, int]]:
    """One Anki deck per deck: its cards, then ``EXAMPLE_SEEDS`` variants of each template.

    Returns the package and counts of ``cards`` and ``problems`` (notes of each sort).
    """
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}")
    basic, cloze = basic_model(), cloze_model()
    counts = {"cards": 0, "problems": 0}
    anki_decks = []
    for deck in decks:
        anki_deck = genanki.Deck(stable_id(f"deck:{deck.id}"), deck_name(deck), deck_description(deck, lang))
        for card in deck.cards:
            model = cloze if card.type == "cloze" else basic
            anki_deck.add_note(genanki.Note(
                model=model, fields=card_fields(card, lang), guid=note_guid(card.id),
                tags=anki_tags(deck.id, card.tags, f"{NAMESPACE}::{card.type}")))
            counts["cards"] += 1
        for template in deck.problems:
            for problem in problem_examples(template):
                anki_deck.add_note(genanki.Note(
                    model=basic, fields=problem_fields(problem, lang), guid=note_guid(problem.id),
                    tags=anki_tags(deck.id, template.tags, PROBLEM_TAG)))
                counts["problems"] += 1
        anki_decks.append(anki_deck)
    return genanki.Package(anki_decks), counts


def write_apkg(package: genanki.Package, path: Path, timestamp: float | None = None, *,
               force: bool = True, history: dict[str, ItemHistory] | None = None,
               settings: Settings | None = None) -> int:
    """Write ``package`` to ``path`` atomically (``studyapp.atomic``; an existing file or link is
    replaced only with ``force``); with ``history`` (by note GUID: ``history_guids``), those
    notes' cards carry their schedule and review log (``anki_schedule``). Returns the number of
    review log rows written.

    The timestamp is the notes' modification time: Anki updates an existing note from an
    import only when the import is newer, so it must not be fixed.
    (genanki's own ``write_to_file`` leaves its SQLite file behind in the temp folder.)
    A failure of the SQLite file it is built in (a full temporary folder) is an OSError.
    """
    stamp = time.time() if timestamp is None else timestamp
    written = 0
    with tempfile.TemporaryDirectory(prefix="studyapp-anki-") as tmp:
        db_file = Path(tmp) / "collection.anki2"
        try:
            conn = sqlite3.connect(db_file)
            try:
                package.write_to_db(conn.cursor(), stamp, itertools.count(int(stamp * 1000)))
                if history:
                    written = anki_schedule.write_history(conn, history, settings or Settings())
                conn.commit()
            finally:
                conn.close()
        except sqlite3.Error as exc:
            raise OSError(f"cannot build the package in {tmp}: {exc}") from exc
        atomic.write_with(path, lambda part: _zip(part, db_file), force=force)
    return written


def _zip(part: Path, db_file: Path) -> None:
    with zipfile.ZipFile(part, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.write(db_file, "collection.anki2")
        archive.writestr("media", "{}")
