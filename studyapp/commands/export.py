"""``studyapp export``: the concept cards (and example problems) as an Anki package (.apkg) or as
CSV, rendered by ``report.anki``."""

from __future__ import annotations

import argparse
from pathlib import Path

from studyapp.commands.common import UsageError, add_options, load_content


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    export = sub.add_parser("export", help="export the cards as an Anki package or CSV",
                            description="Export the concept cards (and example problems) for Anki.")
    target = export.add_mutually_exclusive_group(required=True)
    target.add_argument("--anki", type=Path, metavar="FILE.apkg", help="write an Anki package")
    target.add_argument("--csv", type=Path, metavar="FILE", help="write the cards as CSV")
    export.add_argument("--deck", action="append", default=[], metavar="D",
                        help="only this deck (repeatable)")
    export.add_argument("--lang", choices=("en", "zh", "both"), default="both",
                        help="language of the exported text (both)")
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
