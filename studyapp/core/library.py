"""All decks together: loading a content folder, cross-deck checks, look-ups."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from studyapp.core.content import Card, ContentError, Deck, ProblemTemplate, load_deck
from studyapp.paths import bundled_content_dir

DECK_SUFFIXES = (".yaml", ".yml")


@dataclass
class Library:
    decks: list[Deck] = field(default_factory=list)
    errors: list[ContentError] = field(default_factory=list)

    @property
    def cards(self) -> list[Card]:
        return [c for d in self.decks for c in d.cards]

    @property
    def templates(self) -> list[ProblemTemplate]:
        return [t for d in self.decks for t in d.problems]

    def deck(self, deck_id: str) -> Deck | None:
        return next((d for d in self.decks if d.id == deck_id), None)


def deck_files(paths: Iterable[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.suffix in DECK_SUFFIXES))
        else:
            files.append(path)
    return files


def _id_positions(raw: Any) -> dict[str, tuple[int, int]]:
    """Where each card/template id of a raw deck is written."""
    out: dict[str, tuple[int, int]] = {}
    if isinstance(raw, dict):
        for section in ("cards", "problems"):
            for item in raw.get(section) or []:
                if isinstance(item, dict) and isinstance(item.get("id"), str):
                    out[item["id"]] = item.pos_of("id")
    return out


def _related_positions(raw: Any) -> list[tuple[str, str, tuple[int, int]]]:
    """(owner id, referenced id, position) of every ``related`` entry."""
    out = []
    if isinstance(raw, dict):
        for section in ("cards", "problems"):
            for item in raw.get(section) or []:
                related = item.get("related") if isinstance(item, dict) else None
                if isinstance(related, list):
                    for index, ref in enumerate(related):
                        out.append((item.get("id"), ref, related.pos_of(index)))
    return out


def load_library(paths: Iterable[Path] | None = None) -> Library:
    """Load every deck; a broken deck is reported in ``errors`` and skipped."""
    files = deck_files([bundled_content_dir()] if paths is None else paths)
    library = Library()
    raws: list[tuple[Deck, Any]] = []
    for path in files:
        if not path.exists():
            library.errors.append(ContentError(str(path), 1, 1, "no such file or folder"))
            continue
        deck, errors, raw = load_deck(path)
        library.errors.extend(errors)
        if deck is not None:
            raws.append((deck, raw))
    seen: dict[str, str] = {}
    for deck, raw in raws:
        positions = _id_positions(raw)
        if deck.id in {d.id for d in library.decks}:
            library.errors.append(ContentError(deck.file, *raw.pos_of("id"),
                                               f"deck id '{deck.id}' is used by another deck"))
            continue
        dup = False
        for item_id, pos in positions.items():
            if item_id in seen:
                library.errors.append(ContentError(deck.file, *pos, f"id '{item_id}' is already "
                                                   f"used in {seen[item_id]}"))
                dup = True
        if dup:
            continue
        for item_id in positions:
            seen[item_id] = deck.file
        library.decks.append(deck)
    known = set(seen)
    for deck, raw in raws:
        if deck not in library.decks:
            continue
        for owner, ref, pos in _related_positions(raw):
            if ref not in known:
                library.errors.append(ContentError(deck.file, *pos, f"'{owner}' is related to "
                                                   f"'{ref}', which no deck defines"))
    return library
