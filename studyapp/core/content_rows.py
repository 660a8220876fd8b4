"""The content as the progress store keeps it: one row per item (id, deck, kind, former ids), and
each deck's fingerprint of those rows.

The store syncs its items table from these rows and remembers each deck's fingerprint; the content
summary (``core.deck_summary``) keeps the same fingerprints, so that a start can tell, without
loading the content, whether the store already matches it (and its counts can be read at once).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from studyapp.core.content import Card, ProblemTemplate

ContentRow = tuple[str, str, str, tuple[str, ...]]  # (id, deck, kind, aliases), as ``Store.sync`` takes
UNIT, RECORD = "\x1f", "\x1e"


def content_rows(cards: Iterable[Card], templates: Iterable[ProblemTemplate]) -> list[ContentRow]:
    out: list[ContentRow] = [(c.id, c.deck, "card", c.aliases) for c in cards]
    out += [(t.id, t.deck, "problem", t.aliases) for t in templates]
    return out


def by_deck(rows: Iterable[ContentRow]) -> dict[str, list[ContentRow]]:
    decks: dict[str, list[ContentRow]] = {}
    for row in rows:
        decks.setdefault(row[1], []).append(row)
    return decks


def fingerprint(rows: list[ContentRow]) -> str:
    """What a deck's content is, for telling whether it changed (ids are validated: no control
    characters, so the separators cannot be part of one)."""
    lines = [f"{item_id}{UNIT}{kind}{UNIT}{RECORD.join(aliases)}"
             for item_id, _, kind, aliases in sorted(rows)]
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def fingerprints(rows: Iterable[ContentRow]) -> dict[str, str]:
    """Each deck's fingerprint, as the store compares them at a sync."""
    return {deck: fingerprint(deck_rows) for deck, deck_rows in by_deck(rows).items()}
