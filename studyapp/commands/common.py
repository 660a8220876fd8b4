"""What the commands share: ``UsageError``, the ``--lang``, ``--out`` and ``--db`` options, the
progress database, names checked against what is known, and the content loaded for a command.

Imported when the parser is built, so only the standard library is imported at the top; the
store, the core and ``difflib`` are imported by the function that needs them.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing (3 ms of --help)
if TYPE_CHECKING:
    from studyapp.core.library import Library
    from studyapp.store.progress import Store


class UsageError(Exception):
    """Bad input: reported as one line on stderr with exit status 2."""


def add_options(parser: argparse.ArgumentParser, *, lang: bool = False, out: bool = False,
                content: bool = False) -> None:
    """The options commands share, after their own and in this order: ``--content PATH``,
    ``--lang`` (en or zh), ``--out FILE`` with ``--force``, and ``--db`` (which every command takes)."""
    if content:
        add_content_option(parser)
    if lang:
        parser.add_argument("--lang", choices=("en", "zh"), default="en",
                            help="language of prompts and solutions (default: en)")
    if out:
        parser.add_argument("--out", type=Path, metavar="FILE", help="write to FILE instead of stdout")
        parser.add_argument("--force", action="store_true",
                            help="allow --out to overwrite a file or replace a symbolic link (the link "
                                 "itself, not its target)")
    parser.add_argument("--db", type=Path, metavar="PATH",
                        help="progress database (default: under your data folder, or $STUDYAPP_HOME)")


def db_path(args: argparse.Namespace) -> Path:
    from studyapp.paths import default_db_path

    value = getattr(args, "db", None)
    return default_db_path() if value in (None, True) else Path(value)


def open_store(args: argparse.Namespace, readonly: bool = False) -> Store:
    """The progress store of ``--db``; ``readonly`` for commands that only read (nothing is
    written, a read-only file or disk is fine; an older schema is upgraded first, a write)."""
    from studyapp.store.db import OlderSchema, StoreError
    from studyapp.store.progress import Store

    try:
        if readonly:
            try:
                return Store(db_path(args), readonly=True)
            except OlderSchema:
                Store(db_path(args)).close()  # upgraded in place, as opening it to study would
                return Store(db_path(args), readonly=True)
        return Store(db_path(args))
    except StoreError as exc:
        raise UsageError(str(exc)) from None


def add_content_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--content", action="append", type=Path, metavar="PATH",
                        help="also read this deck file or folder, for this run (repeatable); the "
                             "bundled decks and your own ('studyapp locate') are always read")


def load_content(paths: list[Path] | None) -> Library:
    """The decks of a run: the bundled ones, the learner's own (the user deck folder) and those
    of ``paths`` (``--content``); a path that does not exist is a UsageError, and each deck that
    does not load is skipped with one line on stderr."""
    from studyapp.core.content_files import study_files
    from studyapp.core.library import load_library

    for path in paths or ():
        if not path.exists():  # one line, not a skipped deck followed by "no template matches"
            raise UsageError(f"{path}: no such file or folder")
    library = load_library(study_files(paths or ()))
    for error in library.errors:
        print(f"studyapp: skipped: {error}", file=sys.stderr)
    return library


def unknown(what: str, value: str, known: list[str]) -> None:
    """Refuse an unknown name, suggesting the close ones (similar, or starting with it); the full
    list only when none is close."""
    import difflib

    close = difflib.get_close_matches(value, known, n=3, cutoff=0.6)
    close += [name for name in known if value and name.startswith(value) and name not in close]
    if close:
        hint = f"did you mean {', '.join(close)}?"
    elif what == "kind":
        hint = "'studyapp kinds' lists them"
    else:
        hint = f"known: {', '.join(known) or 'none'}"
    raise UsageError(f"unknown {what} '{value}' ({hint})")
