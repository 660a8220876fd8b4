"""``studyapp export``: the concept cards as an Anki package (.apkg) or as CSV."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from studyapp.cli import UsageError


def _check_out(path: Path, force: bool) -> None:
    if path.is_dir():
        raise UsageError(f"{path} is a folder; expected a file name")
    if path.exists() and not force:
        raise UsageError(f"{path} already exists; pass --force to overwrite it")
    if not path.parent.is_dir():
        raise UsageError(f"cannot write {path}: the folder {path.parent} does not exist")


def run(args: argparse.Namespace) -> int:
    from studyapp.core.library import load_library
    from studyapp.report import anki

    out: Path = args.anki if args.anki is not None else args.csv
    _check_out(out, args.force)
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
            anki.write_apkg(package, out)
            what = f"{counts['cards']} cards and {counts['problems']} problem examples"
        else:
            anki.write_csv(anki.csv_text(decks, args.lang), out)
            what = f"{sum(len(d.cards) for d in decks)} cards"
    except OSError as exc:
        raise UsageError(f"cannot write {out}: {exc.strerror or exc}") from None
    print(f"wrote {what} from {len(decks)} deck(s) to {out}")
    return 0
