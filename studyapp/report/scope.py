"""What a progress report covers and what it calls things: the ``Scope`` under the settings (time
zone, day start, forgetting curve), and the titles of decks and items in the report's language,
from the deck files (``deck_names``) or from content already loaded (``library_names``, what
the statistics screen shows).

Used by ``studyapp report`` and by the statistics screen; no printing, no SQL.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from studyapp.report.figures import Names, Scope, curve_of

if TYPE_CHECKING:
    from pathlib import Path

    from studyapp.core.library import Library
    from studyapp.core.settings import Settings


def deck_names(lang: str, files: list[Path]) -> Names:
    """Deck and item titles in ``lang``, read from the deck ``files`` (the bundled decks and the
    learner's own: ``core.content_files.study_files``) with the safe loader of ``core.yamlpos``
    (a third of the time of ``load_library``, which also validates); a deck that does not parse
    is left out (its ids are shown instead)."""
    from studyapp.core.content import GAP
    from studyapp.core.yamlpos import YamlSyntaxError, load

    names = Names()
    for path in files:
        try:
            raw, _ = load(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, YamlSyntaxError):
            continue
        if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
            continue
        names.decks[raw["id"]] = _pick(raw.get("title"), lang) or raw["id"]
        for card in raw.get("cards") or []:
            if isinstance(card, dict) and isinstance(card.get("id"), str):
                text = _pick(card.get("front"), lang) or _pick(card.get("question"), lang) or \
                    GAP.sub("[…]", _pick(card.get("text"), lang))
                names.items[card["id"]] = _short(text) or card["id"]
        for template in raw.get("problems") or []:
            if isinstance(template, dict) and isinstance(template.get("id"), str):
                names.items[template["id"]] = _short(_pick(template.get("title"), lang)) or template["id"]
    return names


def library_names(library: Library, lang: str) -> Names:
    """The same titles from content already loaded (a ``core.library.Library``): what the
    statistics screen shows, for the decks the app studies."""
    from studyapp.core.content import GAP

    names = Names()
    for deck in library.decks:
        names.decks[deck.id] = deck.title.get(lang) or deck.id
        for card in deck.cards:
            text = card.front or card.question
            label = text.get(lang) if text else GAP.sub("[…]", card.text.get(lang) if card.text else "")
            names.items[card.id] = _short(label) or card.id
        for template in deck.problems:
            title = template.title.get(lang) if template.title else ""
            names.items[template.id] = _short(title) or template.id
    return names


def scope_for(settings: Settings, now: datetime, since: date | None = None,
              decks: tuple[str, ...] = ()) -> Scope:
    """The report's ``Scope`` under ``settings`` (a ``core.settings.Settings``): its time zone, day
    start and FSRS forgetting curve."""
    from studyapp.core.days import local_zone
    from studyapp.core.scheduler import Scheduler

    factor, decay = curve_of(Scheduler(settings))
    return Scope(now=now, zone=local_zone(settings.timezone), day_hour=settings.day_start_hour, since=since,
                 decks=decks, factor=factor, decay=decay)


def _pick(value: object, lang: str) -> str:
    if isinstance(value, dict):
        value = value.get(lang) or value.get("en")
    return value if isinstance(value, str) else ""


def _short(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
