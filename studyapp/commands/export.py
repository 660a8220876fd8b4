"""``studyapp export``: the concept cards (and example problems) as an Anki package (.apkg) or as
CSV, rendered by ``report.anki``; with ``--with-history``, the package also carries each studied
card's schedule and review log (read by ``store.history_export``, written by
``report.anki_schedule``), so that a learner moving to Anki keeps their schedule.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from studyapp.commands.common import UsageError, add_options, db_path, load_content

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing (as commands.common)
if TYPE_CHECKING:
    from studyapp.core.content import Deck
    from studyapp.core.settings import Settings
    from studyapp.store.history_export import ItemHistory

EXAMPLES = """\
examples:
  studyapp export --anki cards.apkg                      # every deck, English and Chinese
  studyapp export --anki cards.apkg --with-history       # with your schedule and review log
  studyapp export --csv cards.csv --lang en --deck activations
"""


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    export = sub.add_parser("export", help="export the cards as an Anki package or CSV",
                            description="Export the concept cards (and example problems) for Anki.",
                            epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    target = export.add_mutually_exclusive_group(required=True)
    target.add_argument("--anki", type=Path, metavar="FILE.apkg", help="write an Anki package")
    target.add_argument("--csv", type=Path, metavar="FILE", help="write the cards as CSV")
    export.add_argument("--deck", action="append", default=[], metavar="D",
                        help="only this deck (repeatable)")
    export.add_argument("--lang", choices=("en", "zh", "both"), default="both",
                        help="language of the exported text (both); Anki deck names are the "
                             "English titles in every language")
    export.add_argument("--with-history", action="store_true",
                        help="with --anki: also the schedule and review log of the cards you have "
                             "studied (from --db); import it in Anki with 'Import any learning "
                             "progress' ticked")
    export.add_argument("--force", action="store_true",
                        help="allow overwriting the file or replacing a symbolic link (the link itself, "
                             "not its target)")
    add_options(export, content=True)
    return export


def run(args: argparse.Namespace) -> int:
    # The content (YAML) and genanki: imported when the command runs, not for --help.
    from studyapp.atomic import Refused
    from studyapp.commands.output import check_out
    from studyapp.report import anki

    out: Path = args.anki if args.anki is not None else args.csv
    if args.with_history and args.anki is None:
        raise UsageError("--with-history needs --anki FILE.apkg (a CSV has no review log)")
    check_out(out, args.force)
    if not out.parent.is_dir():
        raise UsageError(f"cannot write {out}: the folder {out.parent} does not exist")
    library = load_content(args.content)
    known = [d.id for d in library.decks]
    wanted = list(dict.fromkeys(args.deck))
    for deck_id in wanted:
        if deck_id not in known:
            raise UsageError(f"unknown deck '{deck_id}' (known: {', '.join(known) or 'none'})")
    decks = [d for d in library.decks if not wanted or d.id in wanted]
    history, settings = _history(args, decks) if args.with_history else ({}, None)  # before the work
    try:
        if args.anki is not None:
            package, counts = anki.build_package(decks, args.lang)
            rows = anki.write_apkg(package, out, force=args.force, history=history, settings=settings)
            what = f"{counts['cards']} cards and {counts['problems']} problem examples"
            if args.with_history:
                what += f", with the schedule of {len(history)} studied item(s) and {rows} review log row(s),"
        else:
            from studyapp.report import anki_csv

            anki_csv.write_csv(anki_csv.csv_text(decks, args.lang), out, force=args.force)
            what = f"{sum(len(d.cards) for d in decks)} cards"
    except Refused as exc:  # a file or link that appeared meanwhile
        raise UsageError(str(exc)) from None
    except OSError as exc:
        raise UsageError(f"cannot write {out}: {exc.strerror or exc}") from None
    print(f"wrote {what} from {len(decks)} deck(s) to {out}")
    return 0


def _history(args: argparse.Namespace, decks: list[Deck]) -> tuple[dict[str, ItemHistory], Settings | None]:
    """The history of the exported decks' items by note GUID, and the settings that say what a
    study day is; a database that is missing or unreadable is one UsageError line."""
    from studyapp.config import load_settings
    from studyapp.report.anki import history_guids
    from studyapp.store.db import StoreError
    from studyapp.store.history_export import read_history

    guids = history_guids(decks)
    try:
        by_item = read_history(db_path(args), guids)
    except StoreError as exc:
        raise UsageError(str(exc)) from None
    settings, problems = load_settings()
    for problem in problems:
        print(f"studyapp: {problem}", file=sys.stderr)
    return {guids[item_id]: history for item_id, history in by_item.items()}, settings
