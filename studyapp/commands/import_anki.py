"""``studyapp import FILE.apkg|FILE.colpkg``: Anki notes as decks in the user deck folder, and
Anki's review log as our history, each item's schedule recomputed from it.

Read without Anki (``store.anki_package``); mapped by ``core.anki_mapping`` (which note type
becomes which card, the ids, which card's reviews count); written as one deck file per Anki deck
(``core.anki_deck_file``); then the decks are loaded, the store synced, and the reviews replayed
into it in one transaction (``store.history_import``). A file that is no Anki package is one
line and exit status 2; a note, deck or review-log row that cannot be imported is one line on
stderr each, the rest is imported, and the exit status is 1.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from studyapp.commands.common import UsageError, add_options

if TYPE_CHECKING:
    from studyapp.core.anki_mapping import ImportPlan, ReviewPlan
    from studyapp.core.anki_model import AnkiCollection
    from studyapp.core.library import Library

EXAMPLES = """\
examples:
  studyapp import ~/Downloads/Deep.apkg          # one deck per Anki deck, with your review history
  studyapp import collection.colpkg --dry-run    # what would be imported; nothing is written
  studyapp import Deep.apkg --deck-id deep-anki  # every note into one deck, deep-anki
"""
MAX_ROW_LINES = 20  # review-log rows named one by one; a .colpkg keeps those of deleted cards


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    imp = sub.add_parser("import", help="import an Anki package (.apkg, .colpkg) with its review history",
                         description="Write the notes of an Anki package as decks in your deck folder "
                         "('studyapp locate'; one deck per Anki deck) and add its review log to your "
                         "history, each card's schedule recomputed from it. Importing the package again "
                         "updates those decks and adds only the new reviews. Exit status: 0, 1 when "
                         "something was skipped (one line each), 2 when the file cannot be read.",
                         epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    imp.add_argument("file", type=Path, metavar="FILE", help="an Anki package: .apkg or .colpkg")
    imp.add_argument("--deck-id", metavar="ID", help="put every note in this one deck (default: one "
                     "deck per Anki deck, its id made from the deck's name)")
    imp.add_argument("--dry-run", action="store_true", help="say what would be imported; write nothing")
    add_options(imp)
    return imp


def run(args: argparse.Namespace) -> int:
    from studyapp.commands.common import load_content
    from studyapp.core.anki_mapping import known_ids, plan_import, plan_reviews
    from studyapp.core.content import ID_PATTERN
    from studyapp.store.anki_package import AnkiPackageError, read_package

    if args.deck_id is not None and not re.fullmatch(ID_PATTERN, args.deck_id):
        raise UsageError(f"--deck-id '{args.deck_id}' is not a deck id (expected lower-case letters, "
                         "digits, '.', '_' and '-', starting with a letter or digit)")
    try:
        col = read_package(args.file)
    except AnkiPackageError as exc:
        raise UsageError(str(exc)) from None
    from studyapp.report.anki import exported_guids

    library = load_content(None)
    plan = plan_import(col, args.deck_id, known_ids(c.id for c in library.cards),
                       exported_guids(library.decks))
    own = plan.own_items & _library_items(library)  # our own notes, back from Anki
    folder = _folder()
    removed = _drop_clashes(plan, library, folder)
    _summary(args.file.name, col, plan)
    verb = "would write" if args.dry_run else "wrote"
    for deck in plan.decks.values():
        gone = f"; {_plural(removed[deck.id], 'card', 'cards')} no longer in the package removed (their " \
            "history is kept)" if removed.get(deck.id) else ""
        cards = _plural(len(deck.cards), "card", "cards")
        print(f'deck {deck.id} (Anki "{deck.title}"): {cards}, {verb} '
              f"{folder / (deck.id + '.yaml')}{gone}")
    if args.dry_run:
        reviews = plan_reviews(col, plan, {c.id for d in plan.decks.values() for c in d.cards} | own)
        print(f"reviews: {len(reviews.reviews)} in the log for these cards would be replayed (those "
              "already in your history are skipped)" + _left_out(reviews))
        return _problems(plan.problems + reviews.problems)
    kept, library = _write(args.file.name, plan, folder)
    reviews = plan_reviews(col, plan, kept | own)
    _import_history(args, library, reviews)
    return _problems(plan.problems + reviews.problems)


def _library_items(library: Library) -> set[str]:
    return {c.id for c in library.cards} | {t.id for t in library.templates}


def _folder() -> Path:
    from studyapp.paths import user_decks_dir

    return user_decks_dir()


def _summary(name: str, col: AnkiCollection, plan: ImportPlan) -> None:
    types = ", ".join(f"{t} {n}" for t, n in sorted(plan.notes_per_type.items()))
    counts = [_plural(len(col.cards), "card", "cards"),
              _plural(len(col.revlog), "review-log row", "review-log rows"),
              _plural(len(col.media), "media file", "media files")]
    print(f"read {name}: {_plural(len(col.notes), 'note', 'notes')} ({types or 'none'}), {', '.join(counts)}")
    for nt, count in sorted(plan.other_types.items()):
        print(f'note type "{nt}" is not one studyapp knows: its first field is the front, the other '
              f"fields the back ({_plural(count, 'note', 'notes')})")
    if plan.media:
        print(f"media skipped (studyapp shows no images or sounds): {', '.join(sorted(plan.media))}")
    if plan.own_notes:
        print(f"{_plural(plan.own_notes, 'note comes', 'notes come')} from a studyapp export: no deck "
              "is written for them, and their reviews in Anki are added to those cards' history")
    if plan.hints_dropped:
        print(f"cloze hints dropped (studyapp's gaps have none): {plan.hints_dropped}")


def _drop_clashes(plan: ImportPlan, library: Library, folder: Path) -> dict[str, int]:
    """Take out of ``plan`` the decks and cards whose ids another deck file already defines (one
    problem line each, naming both); returns, per deck kept, how many of its cards in the file
    we wrote before are no longer in the package. A card in a file this import rewrites is no
    clash: the note moved to another Anki deck, and its id (and history) moves with it."""
    from studyapp.core.anki_deck_file import written_by_import

    targets = {}
    for deck_id, deck in list(plan.decks.items()):
        target = (folder / f"{deck_id}.yaml").resolve()
        existing = library.deck(deck_id)
        if target.is_file() and not written_by_import(target.read_text(encoding="utf-8", errors="replace")):
            problem = f"{target} exists and was not written by studyapp import"
        elif existing is not None and Path(existing.file).resolve() != target:
            problem = f"the deck id '{deck_id}' is already used by {existing.file}"
        else:
            targets[deck_id] = target
            continue
        plan.problems.append(f'Anki deck "{deck.title}": {problem} (pass --deck-id with another id)')
        del plan.decks[deck_id]
    owner = {c.id: d.file for d in library.decks for c in d.cards}
    owner.update({t.id: d.file for d in library.decks for t in d.problems})
    rewritten = set(targets.values())
    for deck_id, deck in list(plan.decks.items()):
        for card in list(deck.cards):
            file = owner.get(card.id)
            if file is not None and Path(file).resolve() not in rewritten:
                plan.problems.append(f"{plan.note_of_item[card.id]}: the card id '{card.id}' is already "
                                     f"defined in {file} (this import writes {targets[deck_id]})")
                deck.cards.remove(card)
        if not deck.cards:
            del plan.decks[deck_id]
    planned = {c.id for deck in plan.decks.values() for c in deck.cards}
    return {deck_id: len({c.id for c in existing.cards} - planned) for deck_id in plan.decks
            if (existing := library.deck(deck_id)) is not None}


def _write(name: str, plan: ImportPlan, folder: Path) -> tuple[set[str], Library]:
    """Write the decks and load every deck again: the ids of the cards that loaded from the decks
    written, and the library (which the store is then synced with)."""
    from studyapp import atomic
    from studyapp.commands.common import load_content
    from studyapp.core.anki_deck_file import deck_text

    folder.mkdir(parents=True, exist_ok=True)
    for deck in plan.decks.values():
        atomic.write_text(folder / f"{deck.id}.yaml", deck_text(deck, name), force=True)
    library = load_content(None)
    kept: set[str] = set()
    for deck_id in plan.decks:
        loaded = library.deck(deck_id)
        if loaded is None:
            plan.problems.append(f"deck {deck_id}: the deck written does not load (see above); its reviews "
                                 "are not imported")
        else:
            kept.update(c.id for c in loaded.cards)
    return kept, library


def _import_history(args: argparse.Namespace, library: Library, reviews: ReviewPlan) -> None:
    from studyapp.commands.common import open_store
    from studyapp.config import load_settings
    from studyapp.core.scheduler import Scheduler
    from studyapp.store.history_import import import_reviews

    settings, problems = load_settings()
    for problem in problems:
        print(f"studyapp: {problem}", file=sys.stderr)
    store = open_store(args)
    try:
        store.sync(library.content_rows, library.fingerprints)
        done = import_reviews(store, reviews.reviews, Scheduler(settings))
    finally:
        store.close()
    print(f"reviews: {done.imported} imported, {done.items} cards' schedules recomputed from them, "
          f"{done.already} already in your history" + _left_out(reviews))
    if done.missing:  # not expected: every item was synced just before
        print(f"studyapp import: skipped: the reviews of {', '.join(done.missing)} (not in the progress "
              "database)", file=sys.stderr)


def _left_out(reviews: ReviewPlan) -> str:
    parts = []
    if reviews.other_cards:
        parts.append(f"{_plural(reviews.other_cards, 'review', 'reviews')} of a note's other cards "
                     "(reversed cards, other cloze gaps, other problem examples)")
    if reviews.skipped_items:
        parts.append(f"{_plural(reviews.skipped_items, 'review', 'reviews')} of cards skipped above")
    if reviews.manual:
        parts.append(_plural(reviews.manual, "manual reschedule", "manual reschedules"))
    return "; left out: " + ", ".join(parts) if parts else ""


def _plural(count: int, one: str, many: str) -> str:
    # core.kinds.wording has the same, but importing it here would load every kind (and NumPy)
    # when the parser is built for --help.
    return f"{count} {one if count == 1 else many}"


def _problems(problems: list[str]) -> int:
    rows = [p for p in problems if p.startswith("review log row")]
    others = [p for p in problems if not p.startswith("review log row")]
    for problem in others + rows[:MAX_ROW_LINES]:
        print(f"studyapp import: skipped: {problem}", file=sys.stderr)
    if len(rows) > MAX_ROW_LINES:
        print(f"studyapp import: skipped: {len(rows) - MAX_ROW_LINES} more review log rows like these",
              file=sys.stderr)
    return 1 if problems else 0
