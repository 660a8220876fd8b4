"""``studyapp report``: a progress report from the review log (md, html, json), or the log itself
as CSV (``csv``: every answer; ``revlog``: the scheduled reviews in the layout FSRS tools read).

The clock is the real time, unless the environment variable ``STUDYAPP_NOW`` holds an ISO
timestamp (a naive one is UTC); only this module reads it, so that tests and examples can
fix "now". A database that does not exist gives an empty report and is not created; a --db whose
folder does not exist is refused before any command runs (``cli.py``).

The figures are computed by ``report.figures`` from the store's read-only queries (the memory
model's section under the settings' ``memory_model``) and laid out by ``report.report_md`` and
``report_html``; the CSV is the review log (``store.readonly.csv_rows``),
the revlog its scheduled reviews (``store.revlog``, laid out by ``report.revlog``). Every field of
every format is in docs/formats.md.
"""

from __future__ import annotations

import argparse
import io
import os
import sys

from studyapp.commands.common import UsageError, add_options, db_path, open_store

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing (3 ms of --help)
if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Callable, Iterable
    from datetime import date, datetime
    from typing import Any, TextIO

    from studyapp.commands.progress import Progress
    from studyapp.report.figures import Scope

NOW_VARIABLE = "STUDYAPP_NOW"
FORMATS = ("md", "html", "csv", "json", "revlog")
EXAMPLES = """formats: md and html are for reading; json has every figure; csv is every answer logged;
revlog is the scheduled reviews as FSRS tools read them (card_id, review_time, review_rating,
review_state, review_duration). Every field is described in docs/formats.md.

examples:
  studyapp report --format html --out progress.html
  studyapp report --format json --since 2025-01-01 --deck convolution
  studyapp report --format revlog --out revlog.csv   # for the FSRS optimizer"""


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    report = sub.add_parser("report", help="a progress report with charts (md, html, json), or the "
                            "review log (csv, revlog)",
                            description="A report of your progress from the review log.",
                            epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    report.add_argument("--format", choices=FORMATS, default="md",
                        help="md (the default), html, json, csv (every answer) or revlog (the "
                             "scheduled reviews for FSRS tools)")
    report.add_argument("--since", metavar="DATE", help="only reviews from this day on (YYYY-MM-DD)")
    report.add_argument("--deck", action="append", default=[], metavar="D",
                        help="only this deck (repeatable)")
    add_options(report, content=True, lang=True, out=True)
    return report


def run(args: argparse.Namespace) -> int:
    # The store, the figures and the settings: imported when the command runs, not for --help.
    from studyapp.commands.output import check_out, emit
    from studyapp.config import load_settings
    from studyapp.core.content_files import study_files
    from studyapp.report.figures import compute
    from studyapp.report.scope import deck_names, scope_for
    from studyapp.store.readonly import connector, empty, item_decks

    now = now_from_env()
    since = _since(args.since)
    lang = args.lang
    settings, problems = load_settings()
    for problem in problems:
        print(f"studyapp: {problem}", file=sys.stderr)
    if args.out is not None:  # fail before the work, as emit() would after it
        check_out(args.out, args.force)
    path = db_path(args)
    if path.exists():
        open_store(args, readonly=True).close()  # refuses another program's file or a newer schema
        connect = connector(path)
    else:
        print(f"studyapp report: no progress database at {path}; the report is empty", file=sys.stderr)
        connect = empty
    for extra in args.content or ():
        if not extra.exists():
            raise UsageError(f"{extra}: no such file or folder")
    files = study_files(args.content or ())  # the titles of the bundled decks and the learner's own
    names = None
    decks = tuple(dict.fromkeys(args.deck))
    if decks:
        names = deck_names(lang, files)
        conn = connect()
        try:
            known = set(names.decks) | item_decks(conn)
        finally:
            conn.close()
        for deck in decks:
            if deck not in known:
                raise UsageError(f"unknown deck '{deck}' (known: {', '.join(sorted(known)) or 'none'})")
    scope = scope_for(settings, now, since, decks)
    if args.format in ("csv", "revlog"):
        return _csv(connect, scope, args, _write_revlog if args.format == "revlog" else _write_csv)
    from studyapp.commands.progress import Progress

    progress = Progress("studyapp report")
    try:
        fig = compute(connect, scope, names=names, workers=min(4, max(2, os.cpu_count() or 2)),
                      progress=progress, memory=settings.memory_model,
                      names_loader=None if names is not None else lambda: deck_names(lang, files))
    finally:
        progress.close()
    fig["lang"] = lang
    emit(_render(fig, args.format, lang), args.out, args.force)
    return 0


def _render(fig: dict, fmt: str, lang: str) -> str:
    """The report in ``fmt``; each renderer is imported for its own format only."""
    if fmt == "json":
        import json

        return json.dumps(fig, ensure_ascii=False, indent=1) + "\n"
    if fmt == "html":
        from studyapp.report.report_html import report_html

        return report_html(fig, lang)
    from studyapp.report.report_md import report_markdown

    return report_markdown(fig, lang)


def now_from_env() -> datetime:
    from datetime import UTC, datetime

    value = os.environ.get(NOW_VARIABLE, "").strip()
    if not value:
        return datetime.now(UTC)
    try:
        t = datetime.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{NOW_VARIABLE} must be an ISO timestamp such as 2025-06-01T10:00:00+00:00 "
                         f"(got {value!r})") from None
    return t.replace(tzinfo=UTC) if t.tzinfo is None else t.astimezone(UTC)


def _since(value: str | None) -> date | None:
    from datetime import date

    if value is None:
        return None
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        raise UsageError(f"--since expects a date YYYY-MM-DD (got {value!r})") from None
    if not 1970 <= day.year <= 9000:
        raise UsageError(f"--since expects a date from 1970 on (got {value!r})")
    return day


# --- the review log as CSV ---------------------------------------------------------------------------
def _csv(connect: Callable[[], sqlite3.Connection], scope: Scope, args: argparse.Namespace,
         write: Callable[[TextIO, sqlite3.Connection, Scope, Progress], None]) -> int:
    """A log as CSV (``write``: ``_write_csv`` or ``_write_revlog``) to stdout or, atomically, to --out."""
    from studyapp import atomic

    conn = connect()
    from studyapp.commands.progress import Progress

    progress = Progress("studyapp report")
    try:
        if args.out is None:
            write(sys.stdout, conn, scope, progress)
        else:
            try:
                with atomic.replacing(args.out, force=args.force) as temp, \
                        open(temp, "w", encoding="utf-8", newline="") as handle:
                    write(handle, conn, scope, progress)
            except atomic.Refused as exc:  # a file or link that appeared meanwhile
                raise UsageError(str(exc)) from None
            except OSError as exc:
                raise UsageError(f"cannot write {args.out}: {exc.strerror or exc}") from None
    finally:
        progress.close()
        conn.close()
    return 0


def _write_csv(handle: TextIO, conn: sqlite3.Connection, scope: Scope, progress: Progress) -> None:
    from studyapp.report import csv_safe
    from studyapp.store.readonly import CSV_COLUMNS, CSV_EXTRA, csv_rows, review_count

    buffer = io.StringIO()
    writer = csv_safe.writer(buffer, lineterminator="\r\n")  # typed answers may start like formulas
    _write_rows(handle, buffer, writer, (*CSV_COLUMNS, *CSV_EXTRA), csv_rows(conn, scope), progress,
                review_count(conn))


def _write_revlog(handle: TextIO, conn: sqlite3.Connection, scope: Scope, progress: Progress) -> None:
    import csv

    from studyapp.report.revlog import COLUMNS, revlog_records
    from studyapp.store.revlog import revlog_count, revlog_rows

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")  # numbers only: nothing a spreadsheet would run
    total = revlog_count(conn, scope) if progress.on else 0
    _write_rows(handle, buffer, writer, COLUMNS, revlog_records(revlog_rows(conn, scope)), progress, total)


def _write_rows(handle: TextIO, buffer: io.StringIO, writer: Any, head: tuple, rows: Iterable[tuple],
                progress: Progress, total: int) -> None:
    """The header and ``rows`` through ``writer`` into ``buffer``, handed to ``handle`` every
    20,000 rows (a million-row log is never held whole)."""
    writer.writerow(head)
    for n, row in enumerate(rows, 1):
        writer.writerow(row)
        if n % 20_000 == 0:
            handle.write(buffer.getvalue())
            buffer.seek(0)
            buffer.truncate()
            progress(n, total)
    handle.write(buffer.getvalue())
