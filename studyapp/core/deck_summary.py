"""What Home needs of the content before the content itself is loaded: each deck's id and title,
the load errors as they are shown, and each deck's fingerprint as the store syncs it.

It is written beside the content cache with the same key whenever the content is loaded, and read
at start-up before NumPy and the kinds are imported: Home can then show the decks with today's
counts in its first frame. It is never trusted when stale (another key) or unreadable (None, and
the start waits for the content as before), and it is plain JSON data, never code.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from studyapp.core.bilingual import Text
from studyapp.core.content_files import write_cache

if TYPE_CHECKING:
    from studyapp.core.content import ContentError, Deck


@dataclass(frozen=True)
class DeckTitle:
    id: str
    title: Text


@dataclass(frozen=True)
class ContentSummary:
    decks: tuple[DeckTitle, ...]
    errors: tuple[str, ...]  # as Home shows them: FILE:LINE:COL: message
    fingerprints: dict[str, str]  # deck id -> fingerprint of its rows (``core.content_rows``)


def summarise(decks: Iterable[Deck], errors: Iterable[ContentError]) -> ContentSummary:
    from studyapp.core.content_rows import content_rows, fingerprints  # hashlib: not needed to read

    decks = list(decks)
    rows = content_rows([c for d in decks for c in d.cards], [t for d in decks for t in d.problems])
    return ContentSummary(decks=tuple(DeckTitle(d.id, d.title) for d in decks),
                          errors=tuple(str(e) for e in errors), fingerprints=fingerprints(rows))


def write_summary(path: Path, key: str, summary: ContentSummary) -> None:
    write_cache(path, json.dumps({
        "key": key, "errors": list(summary.errors), "fingerprints": summary.fingerprints,
        "decks": [{"id": d.id, "en": d.title.en, "zh": d.title.zh} for d in summary.decks]},
        ensure_ascii=False).encode())


def read_summary(path: Path, key: str) -> ContentSummary | None:
    """The summary at ``path`` when it was written for ``key``; None when missing, stale or not
    one (a corrupt file is simply not used)."""
    try:
        data = json.loads(path.read_bytes())  # the standard library's: orjson would cost the start 2 ms
        if not isinstance(data, dict) or data.get("key") != key:
            return None
        decks = tuple(DeckTitle(str(d["id"]), Text(str(d["en"]), str(d["zh"]))) for d in data["decks"])
        errors = tuple(str(e) for e in data["errors"])
        prints = {str(k): str(v) for k, v in dict(data["fingerprints"]).items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return None
    return ContentSummary(decks=decks, errors=errors, fingerprints=prints)
