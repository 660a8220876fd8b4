"""The ``studyapp`` command line: it builds the parser from the commands (``studyapp.commands``, a
module each) and dispatches; with no arguments in a terminal it starts the study app.

Only argparse and the command modules are imported to parse, so ``studyapp --help`` stays instant;
each command imports the core (NumPy, YAML, content) when it runs, and the TUI is imported only
when it is started. Nothing in the package imports this module but ``__main__``.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from studyapp import __version__

if TYPE_CHECKING:
    import argparse

    from studyapp.commands.common import UsageError


def build_parser() -> argparse.ArgumentParser:
    # Here, not at the top: the study app's start in main() builds no parser and skips argparse
    # and the commands.
    import argparse

    from studyapp.commands import (
        completion,
        export,
        generate,
        grade,
        import_anki,
        kinds,
        locate,
        new_deck,
        optimize,
        report,
        schema,
        solve,
        validate,
    )

    class Parser(argparse.ArgumentParser):
        def error(self, message: str) -> None:  # type: ignore[override]
            self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")

    parser = Parser(prog="studyapp", description="Study the fundamentals of deep learning in the "
                    "terminal: flashcards,\ngenerated problems with worked solutions.",
                    epilog="examples:\n"
                    "  studyapp                                   # the study app (in a terminal)\n"
                    "  studyapp generate --kind softmax --seed 7  # ten problems, the answers at the end\n"
                    "  studyapp solve softmax --params '{\"logits\": [1, 2, 3]}'  # with a worked solution\n"
                    "  studyapp generate --help                   # a command's options and examples\n",
                    formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"studyapp {__version__}")
    parser.add_argument("--db", dest="top_db", type=Path, metavar="PATH",
                        help="progress database (default: under your data folder, or $STUDYAPP_HOME)")
    parser.add_argument("--content", dest="top_content", action="append", type=Path, metavar="PATH",
                        help="also read this deck file or folder in the study app, for this run "
                             "(repeatable)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for command in (generate, grade, solve, kinds, validate, schema, locate, new_deck, report, optimize,
                    export, import_anki, completion):
        command.add_parser(sub).set_defaults(run=command.run)
    return parser


def _run_tui(db: Path | None, content: list[Path] | None = None) -> int:
    """Start the study app (Textual is imported only here). The content and the database load
    after the first screen is drawn; a database that cannot be opened ends the app with one line."""
    from studyapp.config import load_settings
    from studyapp.paths import default_db_path

    settings, problems = load_settings()
    for problem in problems:
        print(f"studyapp: {problem}", file=sys.stderr)
    from studyapp.tui.app import build_app

    app = build_app(db or default_db_path(), settings, content=content, eager=False, user_decks=True)
    app.run()
    return app.return_code or 0


def _check_db(db: Path | bool | None) -> None:
    """Refuse a ``--db`` whose folder does not exist, before any command or the app runs, so that
    nothing is created there and no empty report is made from it."""
    from studyapp.commands.common import UsageError

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
    from studyapp.commands.common import UsageError

    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "db", None) is None:
        args.db = getattr(args, "top_db", None)
    try:
        _check_db(args.db)
    except UsageError as exc:
        return _usage_error(args.command, exc)
    if args.command is None:
        for path in args.top_content or ():
            if not path.exists():
                return _usage_error(None, UsageError(f"--content {path}: no such file or folder"))
        if not (sys.stdin.isatty() and sys.stdout.isatty()):
            parser.print_help()  # the study screens need a terminal
            return 0
        return _run_tui(args.db, args.top_content)
    import sqlite3

    try:
        return int(args.run(args) or 0)  # the ``run`` of the command's module
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
