"""An Anki collection as our decks: which note becomes which card, under which stable id, and
which review of the log belongs to which of our items.

- Basic, "Basic (and reversed card)", "Basic (optional reversed card)" and "Basic (type in the
  answer)" notes become ``basic`` cards: the first field is the front, the second the back. One
  item per note; its history is that of the note's first card (template 1): the reversed card asks
  another question, and its reviews are counted but not imported.
- A Cloze note becomes one ``cloze`` card per c-number, as Anki makes one card per c-number: the
  card of c2 asks the c2 gaps, the other answers are shown as text (``anki_text.cloze_card``), and
  it takes the reviews of Anki's card for c2. "Back Extra" becomes the explanation.
- Any other note type becomes a ``basic`` card: the first field is the front, the others the back
  (each as "Field: text"), with a comment in the deck and a line in the output saying so.

Ids: ``anki.<deck id>.<GUID in base32>`` (lower-case letters and digits, so valid for every GUID,
without two GUIDs that differ in case meeting), ``-c<N>`` added for a cloze's c-number. An id
already in the decks for that GUID is kept (``known_ids``), so that a re-import, even to another
deck, updates the card instead of adding a copy. Each note goes into the deck of its first card
(the original deck of a card in a filtered deck).
"""

from __future__ import annotations

import base64
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from studyapp.core.anki_model import AnkiCard, AnkiCollection, Note, NoteType, RevlogRow
from studyapp.core.anki_text import cloze_card, cloze_numbers, html_to_text
from studyapp.core.review_log import Review

BASIC_TYPES = frozenset({"Basic", "Basic (and reversed card)", "Basic (optional reversed card)",
                         "Basic (type in the answer)"})
RENAMED = re.compile(r"-[0-9a-f]{5}$")  # the suffix Anki gives a note type renamed on an import clash
EMPTY_GAP = re.compile(r"\{\{\s*\}\}")


@dataclass
class PlannedCard:
    id: str
    entry: dict[str, Any]  # the card as written in the deck file
    comment: str | None = None


@dataclass
class PlannedDeck:
    id: str
    title: str
    cards: list[PlannedCard] = field(default_factory=list)


@dataclass
class ImportPlan:
    decks: dict[str, PlannedDeck] = field(default_factory=dict)
    item_of_card: dict[int, str] = field(default_factory=dict)  # Anki card id -> our item id
    note_of_item: dict[str, str] = field(default_factory=dict)  # our item id -> its note, named
    problems: list[str] = field(default_factory=list)  # one line each: what was skipped and why
    notes_per_type: Counter[str] = field(default_factory=Counter)
    other_types: Counter[str] = field(default_factory=Counter)  # mapped by the first-field rule
    media: set[str] = field(default_factory=set)  # images and sounds removed from the texts
    hints_dropped: int = 0
    own_notes: int = 0  # notes an export of ours made: no deck written, their reviews come home
    own_items: set[str] = field(default_factory=set)  # the items those notes' reviews go to


@dataclass
class ReviewPlan:
    reviews: list[Review] = field(default_factory=list)
    manual: int = 0  # ease 0: a reschedule, not a review
    other_cards: int = 0  # reviews of cards whose note is imported as another card's item
    skipped_items: int = 0  # reviews of items not imported (their note or deck was skipped)
    problems: list[str] = field(default_factory=list)


def safe_guid(guid: str) -> str:
    return base64.b32encode(guid.encode("utf-8")).decode("ascii").rstrip("=").lower()


def known_ids(ids: Iterable[str]) -> dict[str, str]:
    """Safe GUID -> base id of the imported ids among ``ids`` (``anki.<deck>.<guid>[-cN]``): the
    mapping that keeps a note's id when it is imported again, whatever deck it is in then."""
    out = {}
    for item_id in ids:
        if item_id.startswith("anki.") and item_id.count(".") >= 2:
            head, last = item_id.rsplit(".", 1)
            key = last.split("-c", 1)[0]  # base32 has no '-': what follows is a c-number
            out[key] = f"{head}.{key}"
    return out


def deck_slug(name: str, anki_id: int) -> str:
    """A deck id from an Anki deck name: ``Deep::Nets`` -> ``deep.nets``; ``anki-<id>`` when
    nothing of the name is a letter or digit we can use (a name in Chinese, say)."""
    levels = [re.sub(r"[^a-z0-9]+", "-", level.lower()).strip("-") for level in name.split("::")]
    slug = ".".join(level for level in levels if level)
    return slug if slug else f"anki-{anki_id}"


def plan_import(col: AnkiCollection, deck_id: str | None, known_ids: dict[str, str],
                own: dict[str, str | None] | None = None) -> ImportPlan:
    """The decks and cards of ``col``; ``deck_id`` puts every note in that one deck;
    ``known_ids``: safe GUID -> the base id it already has in the decks; ``own``: GUID -> item
    of the notes our export writes (``report.anki.exported_guids``): such a note is that item
    coming back from Anki (no deck written; its first card's reviews go to the item; None: a
    problem's other example, which carries no history)."""
    plan = ImportPlan()
    cards_of: dict[int, list[AnkiCard]] = {}
    for card in sorted(col.cards, key=lambda c: c.ord):
        cards_of.setdefault(card.note_id, []).append(card)
    for note in col.notes:
        nt = col.notetypes.get(note.notetype_id)
        cards = cards_of.get(note.id, [])
        if nt is None:
            plan.problems.append(f"{note_name(note)}: its note type ({note.notetype_id}) is not in "
                                 "the package")
            continue
        if not cards:
            plan.problems.append(f"{note_name(note)}, {nt.name}: it has no cards in the package")
            continue
        plan.notes_per_type[nt.name] += 1
        if own is not None and note.guid in own:
            plan.own_notes += 1
            item = own[note.guid]
            if item is not None:
                plan.item_of_card[cards[0].id] = item  # a cloze's other gap cards log the same reviews
                plan.note_of_item[item] = note_name(note)
                plan.own_items.add(item)
            continue
        anki_deck = cards[0].deck_id
        deck_name = col.decks.get(anki_deck, f"deck {anki_deck}")
        target = deck_id or deck_slug(deck_name, anki_deck)
        deck = plan.decks.setdefault(target, PlannedDeck(target, deck_id or deck_name))
        base = known_ids.get(safe_guid(note.guid)) or f"anki.{target}.{safe_guid(note.guid)}"
        texts = []
        for html in note.fields:
            text, media = html_to_text(html)
            texts.append(text)
            plan.media.update(media)
        if nt.is_cloze:
            planned = _cloze_cards(plan, note, nt, texts, base, cards)
        else:
            planned = _basic_card(plan, note, nt, texts, base, cards)
        for made in planned:
            made.entry["tags"] = list(note.tags) if note.tags else None
            made.entry = {k: v for k, v in made.entry.items() if v is not None}
            plan.note_of_item[made.id] = note_name(note)
        deck.cards.extend(planned)
    for target in [d for d, deck in plan.decks.items() if not deck.cards]:
        del plan.decks[target]
    return plan


def note_name(note: Note) -> str:
    """A note as a line names it: its id, which Anki's browser finds (``nid:123``), and the start
    of its first field."""
    words = " ".join(html_to_text(note.fields[0])[0].split()) if note.fields else ""
    start = f'"{words[:40]}…"' if len(words) > 40 else f'"{words}"'
    return f"note nid:{note.id} ({start})" if words else f"note nid:{note.id}"


def _both(text: str) -> dict[str, str]:
    return {"en": text, "zh": text}


def _basic_card(plan: ImportPlan, note: Note, nt: NoteType, texts: list[str], base: str,
                cards: list[AnkiCard]) -> list[PlannedCard]:
    stock = RENAMED.sub("", nt.name) in BASIC_TYPES
    front = texts[0] if texts else ""
    if stock:
        back = texts[1] if len(texts) > 1 else ""
    else:
        back = "\n\n".join(f"{name}: {text}" for name, text in zip(nt.fields[1:], texts[1:], strict=False)
                           if text)
    what = f"{note_name(note)}, {nt.name}"
    if not front or not back:
        side = "front" if not front else "back"
        plan.problems.append(f"{what}: the {side} is empty once images and sounds are removed")
        return []
    comment = None
    if not stock:
        plan.other_types[nt.name] += 1
        comment = (f'Anki note type "{nt.name}" is not one studyapp knows: its first field is the '
                   "front, the other fields the back")
    plan.item_of_card[cards[0].id] = base
    return [PlannedCard(base, {"id": base, "type": "basic", "front": _both(front), "back": _both(back)},
                        comment)]


def _cloze_cards(plan: ImportPlan, note: Note, nt: NoteType, texts: list[str], base: str,
                 cards: list[AnkiCard]) -> list[PlannedCard]:
    text = texts[0] if texts else ""
    what = f"{note_name(note)}, {nt.name}"
    if "image-occlusion:" in text:
        plan.problems.append(f"{what}: an image occlusion cannot be mapped (its question is an image)")
        return []
    numbers = cloze_numbers(text)
    if not numbers:
        plan.problems.append(f"{what}: no cloze gap ({{{{c1::...}}}}) in its text")
        return []
    extra = texts[1] if len(texts) > 1 and texts[1] else None
    card_of = {card.ord + 1: card for card in cards}
    out = []
    for number in numbers:
        ours, hints = cloze_card(text, number)
        if EMPTY_GAP.search(ours):
            plan.problems.append(f"{what}: c{number} has an empty answer")
            continue
        plan.hints_dropped += hints
        item = f"{base}-c{number}"
        if number in card_of:
            plan.item_of_card[card_of[number].id] = item
        out.append(PlannedCard(item, {"id": item, "type": "cloze", "text": _both(ours),
                                      "explanation": _both(extra) if extra else None}))
    return out


def plan_reviews(col: AnkiCollection, plan: ImportPlan, kept: set[str]) -> ReviewPlan:
    """The reviews of the log for the items in ``kept``, in time order; a row naming a card the
    package does not have, or with an ease that is no rating, is one problem line each."""
    out = ReviewPlan()
    card_ids = {card.id for card in col.cards}
    for row in sorted(col.revlog, key=lambda r: r.id):
        if row.ease == 0:
            out.manual += 1
        elif row.card_id not in card_ids:
            out.problems.append(f"review log row {row.id}: card {row.card_id} is not in the package")
        elif not 1 <= row.ease <= 4:
            out.problems.append(f"review log row {row.id}: ease {row.ease} is not a rating (1-4)")
        elif row.card_id not in plan.item_of_card:
            out.other_cards += 1
        elif plan.item_of_card[row.card_id] not in kept:
            out.skipped_items += 1
        else:
            out.reviews.append(_review(row, plan.item_of_card[row.card_id]))
    return out


def _review(row: RevlogRow, item_id: str) -> Review:
    return Review(item_id=item_id, reviewed_at=datetime.fromtimestamp(row.id / 1000, tz=UTC),
                  rating=row.ease, duration_ms=max(int(row.duration_ms), 0), mode="scheduled")
