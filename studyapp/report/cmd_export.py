"""``studyapp export``: the concept cards as an Anki package (.apkg) or as CSV."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from studyapp.atomic import Refused
from studyapp.cli import UsageError


def run(args: argparse.Namespace) -> int:
    from studyapp.commands import check_out
    from studyapp.core.library import load_library
    from studyapp.report import anki

    out: Path = args.anki if args.anki is not None else args.csv
    check_out(out, args.force)
    if not out.parent.is_dir():
        raise UsageError(f"cannot write {out}: the folder {out.parent} does not exist")
    library = load_library(getattr(args, "content", None))
    for error in library.errors:
        print(f"studyapp: skipped: {error}", file=sys.stderr)
    known = [d.id for d in library.decks]
    wanted = list(dict.fromkeys(args.deck))
    for deck_id in wanted:
        if deck_id not in known:
            raise UsageError(f"unknown deck '{deck_id}' (known: {', '.join(known) or 'none'})")
    decks = [d for d in library.decks if not wanted or d.id in wanted]
    try:
        if args.anki is not None:
            package, counts = anki.build_package(decks, args.lang)
            anki.write_apkg(package, out, force=args.force)
            what = f"{counts['cards']} cards and {counts['problems']} problem examples"
        else:
            anki.write_csv(anki.csv_text(decks, args.lang), out, force=args.force)
            what = f"{sum(len(d.cards) for d in decks)} cards"
    except Refused as exc:  # a file or link that appeared meanwhile
        raise UsageError(str(exc)) from None
    except OSError as exc:
        raise UsageError(f"cannot write {out}: {exc.strerror or exc}") from None
    print(f"wrote {what} from {len(decks)} deck(s) to {out}")
    return 0
