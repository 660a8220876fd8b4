"""The concept cards as CSV, for Anki's import or a spreadsheet: a row per card with its front and
back in each language. Content text escapes the same characters as the package's HTML fields
(``csv_escape``), so no card text becomes markup in Anki, and no cell is a formula
(``report.csv_safe``); the file is written atomically (``studyapp.atomic``)."""

from __future__ import annotations

import html
import io
import itertools
import re
from pathlib import Path

from studyapp import atomic
from studyapp.core.content import GAP, Card, Deck
from studyapp.report import csv_safe
from studyapp.report.anki import LABELS, anki_tags, option_letter


def cloze_plain(text: str) -> str:
    """The same conversion for CSV: escaped as ``csv_escape`` does (no ``<br>`` or ``<code>``)."""
    count = itertools.count(1)

    def gap(match: re.Match[str]) -> str:
        return f"{{{{c{next(count)}::{match.group(1).split('|')[0].strip().replace(':', '&#58;')}}}}}"

    return GAP.sub(gap, csv_escape(text))  # escaping leaves the braces of the gaps alone


def csv_escape(text: str) -> str:
    """Content text for a CSV field: ``&``, ``<`` and ``>`` escaped as in the package's fields, so a
    tool that reads the fields as HTML (Anki's import) shows the text as written and no card text
    becomes markup; quotes and line breaks stay as they are, for the spreadsheet."""
    return html.escape(text, quote=False)


def _plain_fields(card: Card, lang: str) -> tuple[str, str]:
    """Front and back of a card in ``lang`` (en or zh) for CSV: text with line breaks, every
    piece of content escaped by ``csv_escape``."""
    explanation = csv_escape(card.explanation.get(lang)) if card.explanation is not None else ""
    labels = LABELS[lang]
    if card.type == "basic":
        assert card.front is not None and card.back is not None
        front, back = csv_escape(card.front.get(lang)), csv_escape(card.back.get(lang))
    elif card.type == "cloze":
        assert card.text is not None
        front = cloze_plain(card.text.get(lang))
        accepted = "; ".join(f"{gap[0]}: {', '.join(gap[1:])}" for gap in card.gaps(lang) if len(gap) > 1)
        back = f"{labels['accepted']}: {csv_escape(accepted)}" if accepted else ""
    else:
        assert card.question is not None
        options = [csv_escape(o.text.get(lang)) for o in card.options]
        front = "\n".join([csv_escape(card.question.get(lang)),
                           *(f"{option_letter(i)}. {text}" for i, text in enumerate(options))])
        right = [i for i, o in enumerate(card.options) if o.correct]
        back = "\n".join([f"{labels['correct']}: " + ", ".join(option_letter(i) for i in right),
                          *(f"✓ {option_letter(i)}. {options[i]}" for i in right)])
    return front, "\n\n".join(part for part in (back, explanation) if part)


def csv_text(decks: list[Deck], lang: str) -> str:
    """The concept cards as CSV with a header row: id, deck, type, front/back per language, tags;
    no cell a spreadsheet would run as a formula (``csv_safe``)."""
    langs = ("en", "zh") if lang == "both" else (lang,)
    buffer = io.StringIO()
    writer = csv_safe.writer(buffer)
    writer.writerow(["id", "deck", "type", *(f"{side}_{lg}" for lg in langs for side in ("front", "back")),
                     "tags"])
    for deck in decks:
        for card in deck.cards:
            texts = [part for lg in langs for part in _plain_fields(card, lg)]
            writer.writerow([card.id, deck.id, card.type, *texts, " ".join(anki_tags(deck.id, card.tags))])
    return buffer.getvalue()


def write_csv(text: str, path: Path, *, force: bool = True) -> None:
    atomic.write_text(path, text, force=force, newline="")
