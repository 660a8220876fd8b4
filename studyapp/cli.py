"""The ``studyapp`` command line.

Only argparse is imported at start-up, so ``studyapp --help`` stays instant; each
command imports the core (NumPy, YAML, content) when it runs, and the TUI is
imported only when it is started.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from studyapp import __version__


class UsageError(Exception):
    """Bad input: reported as one line on stderr with exit status 2."""


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def _lang(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--lang", choices=("en", "zh"), default="en",
                        help="language of prompts and solutions (default: en)")


def _db(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", type=Path, metavar="PATH",
                        help="progress database (default: under your data folder, or $STUDYAPP_HOME)")


def _out(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, metavar="FILE", help="write to FILE instead of stdout")
    parser.add_argument("--force", action="store_true",
                        help="allow --out to overwrite a file or replace a symbolic link (the link "
                             "itself, not its target)")


def build_parser() -> Parser:
    parser = Parser(prog="studyapp", description="Study the fundamentals of deep learning in "
                    "the terminal: flashcards, generated problems with worked solutions.")
    parser.add_argument("--version", action="version", version=f"studyapp {__version__}")
    parser.add_argument("--db", dest="top_db", type=Path, metavar="PATH",
                        help="progress database (default: under your data folder, or $STUDYAPP_HOME)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)

    gen = sub.add_parser("generate", help="a randomized exercise set with an answer key",
                         description="Generate a randomized exercise set from the problem "
                         "templates (all of them by default, mixed).")
    gen.add_argument("--kind", action="append", default=[], metavar="K",
                     help="only problems of this kind (repeatable; see 'studyapp kinds')")
    gen.add_argument("--topic", action="append", default=[], metavar="DECK",
                     help="only problems of this deck id (repeatable)")
    gen.add_argument("--count", type=int, default=10, metavar="N", help="number of problems (10)")
    gen.add_argument("--seed", type=int, metavar="S",
                     help="seed of the set; the same seed gives the same set (default: random)")
    gen.add_argument("--format", choices=("md", "json", "html"),
                     help="output format: md (the default), json, or html, a printable worksheet "
                          "(the default for --students and --roster)")
    gen.add_argument("--students", type=int, metavar="N",
                     help="one worksheet per student (each with its own recorded seed) into --out DIR, "
                          "plus a combined answer key (CSV and HTML)")
    gen.add_argument("--roster", type=Path, metavar="FILE",
                     help="a text file with one student name per line (instead of --students)")
    gen.add_argument("--answers", choices=("end", "inline", "none"),
                     help="answer key at the end, after each problem, or none (end; none on the "
                          "students' sheets of --students and --roster, whose key is a separate file)")
    gen.add_argument("--content", action="append", type=Path, metavar="PATH",
                     help="deck file or folder to use instead of the bundled content (repeatable)")
    _lang(gen)
    _out(gen)
    _db(gen)

    solve = sub.add_parser("solve", help="solve your own numbers with a worked solution",
                           description="Solve a problem of KIND with the params you give.",
                           epilog="exit status: 0 when the --answer is right (or none is given), 1 when "
                           "it is wrong, 2 when it cannot be read as an answer (not a number, the "
                           "wrong shape or parts, empty: the reason goes to stderr) or on any other "
                           "usage error")
    solve.add_argument("kind", metavar="KIND", help="a problem kind (see 'studyapp kinds')")
    solve.add_argument("--params", required=True, metavar="JSON|@FILE",
                       help='the params as JSON, e.g. \'{"logits": [1, 2, 3]}\', or @file.json')
    solve.add_argument("--answer", metavar="TEXT",
                       help="grade this answer of yours and name the mistake behind a wrong one; "
                            "the exit status is then 0 if it is right, 1 if wrong, 2 if unreadable")
    solve.add_argument("--format", choices=("text", "md", "json"), default="text")
    solve.add_argument("--decimals", type=int, default=6, metavar="N",
                       help="decimals shown in the worked solution's answer (6)")
    _lang(solve)
    _out(solve)
    _db(solve)

    kinds = sub.add_parser("kinds", help="every problem kind with its params")
    kinds.add_argument("--format", choices=("text", "json", "md"), default="text",
                       help="md prints the reference of docs/kinds.md")
    _lang(kinds)
    _db(kinds)

    val = sub.add_parser("validate", help="check decks: schema, ids, references, generation",
                         description="Check deck files (default: the bundled content). Each "
                         "error is printed as FILE:LINE:COL: message; exit status 1 on errors.")
    val.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="deck files or folders")
    val.add_argument("--seeds", type=int, default=50, metavar="N",
                     help="seeds each problem template must generate and solve for (50)")
    val.add_argument("--db", type=Path, metavar="PATH", nargs="?", const=True,
                     help="also list progress whose card or template no deck defines any more "
                          "(the default database, or PATH)")

    schema = sub.add_parser("schema", help="print the JSON Schema of a deck file")
    _out(schema)
    _db(schema)

    locate = sub.add_parser("locate", help="print the paths in use: database, config, content")
    _db(locate)

    report = sub.add_parser("report", help="a progress report with charts (md, html, csv, json)",
                            description="A report of your progress from the review log.")
    report.add_argument("--format", choices=("md", "html", "csv", "json"), default="md")
    report.add_argument("--since", metavar="DATE", help="only reviews from this day on (YYYY-MM-DD)")
    report.add_argument("--deck", action="append", default=[], metavar="D",
                        help="only this deck (repeatable)")
    _lang(report)
    _out(report)
    _db(report)

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
    _db(export)
    return parser


def _run_tui(db: Path | None) -> int:
    """Start the study app (Textual is imported only here). The content and the database load
    after the first screen is drawn; a database that cannot be opened ends the app with one line."""
    from studyapp.config import load_settings
    from studyapp.paths import default_db_path

    settings, problems = load_settings()
    for problem in problems:
        print(f"studyapp: {problem}", file=sys.stderr)
    from studyapp.tui.app import build_app

    app = build_app(db or default_db_path(), settings, eager=False)
    app.run()
    return app.return_code or 0


def _check_db(db: Path | bool | None) -> None:
    """Refuse a ``--db`` whose folder does not exist, before any command or the app runs, so that
    nothing is created there and no empty report is made from it."""
    if isinstance(db, Path) and not db.parent.is_dir():
        problem = f"{db.parent} is not a folder" if db.parent.exists() else \
            f"the folder {db.parent} does not exist"
        raise UsageError(f"--db {db}: {problem}")


def _usage_error(command: str | None, exc: UsageError) -> int:
    print(f"studyapp{' ' + command if command else ''}: error: {exc}", file=sys.stderr)
    return 2


def main(argv: Sequence[str] | None = None) -> int:
    if not (sys.argv[1:] if argv is None else argv) and sys.stdin.isatty() and sys.stdout.isatty():
        # The everyday start: no parser to build, and no garbage collection while Textual and
        # the content are imported (the app turns it back on once loaded): Home draws sooner.
        import gc

        gc.disable()
        return _run_tui(None)
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "db", None) is None:
        args.db = getattr(args, "top_db", None)
    try:
        _check_db(args.db)
    except UsageError as exc:
        return _usage_error(args.command, exc)
    if args.command is None:
        if not (sys.stdin.isatty() and sys.stdout.isatty()):
            parser.print_help()  # the study screens need a terminal
            return 0
        return _run_tui(args.db)
    import sqlite3

    from studyapp import commands

    try:
        return int(getattr(commands, "cmd_" + args.command)(args) or 0)
    except UsageError as exc:
        return _usage_error(args.command, exc)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except sqlite3.Error as exc:  # a full disk, a locked or read-only database: say it in one line
        return _usage_error(args.command, UsageError(f"the progress database: {exc}"))
    except OSError as exc:  # a full disk or a vanished folder while writing a file
        where = f": {exc.filename}" if exc.filename else ""
        return _usage_error(args.command, UsageError(f"{exc.strerror or exc}{where}"))
