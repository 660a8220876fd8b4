"""All decks together: loading a content folder (each file within the size limit), cross-deck
checks, look-ups."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from studyapp.core.content import Card, ContentError, Deck, ProblemTemplate, load_deck
from studyapp.core.content_files import (
    MAX_DECK_VARIABLE,
    cache_key,
    cache_paths,
    content_files,
    deck_files,
    max_deck_bytes,
)
from studyapp.core.content_rows import ContentRow, content_rows, fingerprints
from studyapp.core.yamlpos import PosDict, PosList

__all__ = ["MAX_DECK_VARIABLE", "Library", "deck_files", "load_library", "max_deck_bytes"]


@dataclass
class Library:
    """The decks as loaded; not changed afterwards (the look-ups below are computed once, since a
    session is started many times a day from one library of up to 100,000 items)."""

    decks: list[Deck] = field(default_factory=list)
    errors: list[ContentError] = field(default_factory=list)

    @property
    def cards(self) -> list[Card]:
        return [c for d in self.decks for c in d.cards]

    @property
    def templates(self) -> list[ProblemTemplate]:
        return [t for d in self.decks for t in d.problems]

    @cached_property
    def cards_by_id(self) -> dict[str, Card]:
        return {c.id: c for c in self.cards}

    @cached_property
    def templates_by_id(self) -> dict[str, ProblemTemplate]:
        return {t.id: t for t in self.templates}

    @cached_property
    def content_rows(self) -> list[ContentRow]:
        """Every card and template as the store's ``sync`` takes them."""
        return content_rows(self.cards, self.templates)

    @cached_property
    def fingerprints(self) -> dict[str, str]:
        """Each deck's fingerprint of its rows, as the store compares them at a sync."""
        return fingerprints(self.content_rows)

    def deck(self, deck_id: str) -> Deck | None:
        return next((d for d in self.decks if d.id == deck_id), None)


def _id_positions(raw: Any) -> list[tuple[str, tuple[int, int]]]:
    """Every card/template id of a raw deck with where it is written, repeats included."""
    out: list[tuple[str, tuple[int, int]]] = []
    if isinstance(raw, dict):
        for section in ("cards", "problems"):
            items = raw.get(section)
            for item in items if isinstance(items, list) else []:
                if isinstance(item, PosDict) and isinstance(item.get("id"), str):
                    out.append((item["id"], item.pos_of("id")))
    return out


def _related_positions(raw: Any) -> list[tuple[str, str, tuple[int, int]]]:
    """(owner id, referenced id, position) of every ``related`` entry."""
    out = []
    if isinstance(raw, dict):
        for section in ("cards", "problems"):
            items = raw.get(section)
            for item in items if isinstance(items, list) else []:
                related = item.get("related") if isinstance(item, dict) else None
                if isinstance(related, PosList):
                    for index, ref in enumerate(related):
                        if isinstance(ref, str):
                            out.append((item.get("id"), ref, related.pos_of(index)))
    return out


def _where(first: tuple[str, int], file: str) -> str:
    """Where an id was first written, for the message about its second use in ``file``: both
    places are named, so a clash between a bundled and a user deck can be found from either."""
    return f"earlier in this file (line {first[1]})" if first[0] == file else f"in {first[0]}:{first[1]}"


def load_library(paths: Iterable[Path] | None = None) -> Library:
    """Load every deck; a broken deck is reported in ``errors`` and skipped.

    Ids and ``related`` references are checked on every file that parses, broken or
    not, so one run reports every error. A file over ``max_deck_bytes()`` is refused unread.
    """
    from studyapp.core.content_cache import cached
    from studyapp.core.deck_summary import read_summary, summarise, write_summary

    files = content_files(paths)
    max_bytes = max_deck_bytes()
    key = cache_key(files, max_bytes)
    cache_file, summary_file = cache_paths(files)
    decks, errors = cached(cache_file, key, lambda: _load(files, max_bytes))
    if read_summary(summary_file, key) is None:  # what the next start shows before loading all this
        write_summary(summary_file, key, summarise(decks, errors))
    return Library(decks=decks, errors=errors)


def _load(files: list[Path], max_bytes: float) -> tuple[list[Deck], list[ContentError]]:
    """Parse and check every deck file (what the cache keeps)."""
    library = Library()
    hint = f"set {MAX_DECK_VARIABLE} to a larger number of megabytes"
    loaded: list[tuple[str, Deck | None, Any]] = []
    for path in files:
        if not path.exists():
            library.errors.append(ContentError(str(path), 1, 1, "no such file or folder"))
            continue
        deck, errors, raw = load_deck(path, max_bytes, hint)
        library.errors.extend(errors)
        loaded.append((str(path), deck, raw))
    first_use: dict[str, tuple[str, int]] = {}  # id -> where it is first written (file, line)
    deck_ids: dict[str, tuple[str, int]] = {}
    broken: set[str] = set()
    for file, _deck, raw in loaded:
        if isinstance(raw, PosDict) and isinstance(raw.get("id"), str):
            pos = raw.pos_of("id")
            if raw["id"] in deck_ids:
                where = _where(deck_ids[raw["id"]], file)
                library.errors.append(ContentError(file, pos[0], pos[1],
                                                   f"deck id '{raw['id']}' is already used in {where}"))
                broken.add(file)
            deck_ids.setdefault(raw["id"], (file, pos[0]))
        for item_id, pos in _id_positions(raw):
            if item_id in first_use:
                library.errors.append(ContentError(file, pos[0], pos[1], f"id '{item_id}' is already used "
                                                   f"{_where(first_use[item_id], file)}"))
                broken.add(file)
            first_use.setdefault(item_id, (file, pos[0]))
    for file, _, raw in loaded:
        for owner, ref, pos in _related_positions(raw):
            if ref not in first_use:
                library.errors.append(ContentError(file, *pos, f"'{owner}' is related to '{ref}', "
                                                   "which no deck defines"))
    library.errors.sort(key=lambda e: (files.index(Path(e.file)) if Path(e.file) in files else -1,
                                       e.line, e.col))
    library.decks = [deck for file, deck, _ in loaded if deck is not None and file not in broken]
    return library.decks, library.errors
