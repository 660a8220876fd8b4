"""``studyapp validate``: check deck files (by default the decks a run reads: the bundled ones and
the learner's own, so that an id clash between them is found): schema, ids,
references, and that every problem template generates and solves for ``--seeds`` seeds; with
``--db``, also the progress that no deck defines any more. Exit status 1 on errors."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from studyapp.commands.common import UsageError, db_path, open_store

EXAMPLES = """\
examples:
  studyapp validate                              # the bundled decks and your own
  studyapp validate my-notes.yaml --seeds 200    # this file alone, its templates for 200 seeds
  studyapp validate --db                         # also progress that no deck defines any more
"""


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    val = sub.add_parser("validate", help="check decks: schema, ids, references, generation",
                         description="Check deck files (default: the bundled decks and your own, as "
                         "every command\nreads them; with PATHs, those files alone). Each error is "
                         "printed as\nFILE:LINE:COL: message; exit status 1 on errors.",
                         epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    val.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="deck files or folders")
    val.add_argument("--seeds", type=int, default=50, metavar="N",
                     help="seeds each problem template must generate and solve for (50)")
    val.add_argument("--db", type=Path, metavar="PATH", nargs="?", const=True,
                     help="also list progress whose card or template no deck defines any more "
                          "(the default database, or PATH)")
    return val


def run(args: argparse.Namespace) -> int:
    # The core (NumPy, YAML, every problem kind): imported when the command runs, not for --help.
    from collections import Counter

    from studyapp.core.check import check_generation
    from studyapp.core.library import load_library
    from studyapp.core.source_talk import check_source_talk

    if args.seeds < 0:
        raise UsageError(f"--seeds must be 0 or more (got {args.seeds})")
    from studyapp.core.content_files import study_files

    library = load_library(args.paths or study_files())
    errors = [*library.errors, *check_generation(library, args.seeds)]
    warnings = check_source_talk(deck.file for deck in library.decks)  # never change the status
    for error in [*errors, *warnings]:
        print(error)
    warned = f", {len(warnings)} warning(s)" if warnings else ""
    if args.db is not None and not db_path(args).exists():
        print(f"studyapp: no progress database at {db_path(args)}", file=sys.stderr)
    elif args.db is not None:
        store = open_store(args, readonly=True)
        known = {c.id for c in library.cards} | {t.id for t in library.templates}
        for item_id, reviews in store.orphans(known):
            print(f"{store.path}: orphaned progress: '{item_id}' ({reviews} reviews) is in no deck; "
                  "add its id to the 'aliases' of the card or template that replaced it")
        store.close()
    if errors:
        print(f"{len(errors)} error(s){warned}", file=sys.stderr)
        return 1
    cards = Counter(c.type for c in library.cards)
    kinds = {t.kind for t in library.templates}
    by_type = ", ".join(f"{cards[t]} {t}" for t in ("basic", "cloze", "choice"))
    print(f"ok: {len(library.decks)} decks, {sum(cards.values())} cards ({by_type}), "
          f"{len(library.templates)} problem templates, {len(kinds)} kinds{warned}")
    return 0
