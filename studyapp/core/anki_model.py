"""What an Anki package holds, as plain values: note types, decks, notes, cards and the review log.

The store's package reader (``store.anki_package``) fills these from the collection's SQLite file;
the mapping to our decks (``core.anki_mapping``) reads them. Nothing here knows about files.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NoteType:
    id: int
    name: str
    is_cloze: bool  # Anki's cloze kind (its cards are numbered by the note's c-numbers)
    fields: tuple[str, ...]  # field names, in order


@dataclass(frozen=True)
class Note:
    id: int
    guid: str  # stable across exports of the same note: our card ids are derived from it
    notetype_id: int
    tags: tuple[str, ...]
    fields: tuple[str, ...]  # HTML, in the note type's field order


@dataclass(frozen=True)
class AnkiCard:
    id: int
    note_id: int
    deck_id: int  # the home deck (a card in a filtered deck counts in its original deck)
    ord: int  # template number; for a cloze, the c-number less one


@dataclass(frozen=True)
class RevlogRow:
    id: int  # the review's time, epoch milliseconds
    card_id: int
    ease: int  # 1-4 (Again..Easy); 0 for a manual reschedule, which is no review
    duration_ms: int
    type: int  # 0 learn, 1 review, 2 relearn, 3 filtered, 4 manual, 5 rescheduled


@dataclass(frozen=True)
class AnkiCollection:
    schema: int  # the collection's ``col.ver``
    notetypes: dict[int, NoteType]
    decks: dict[int, str]  # id -> full name, levels joined with "::"
    notes: list[Note]
    cards: list[AnkiCard]
    revlog: list[RevlogRow]
    media: tuple[str, ...]  # the media files the package lists
