"""``studyapp report``: a progress report from the review log (md, html, csv, json).

The clock is the real time, unless the environment variable ``STUDYAPP_NOW`` holds an ISO
timestamp (a naive one is UTC); only this module reads it, so that tests and examples can
fix "now". A database that does not exist gives an empty report and is not created; a --db whose
folder does not exist is refused before any command runs (``cli._check_db``).
"""

from __future__ import annotations

import argparse
import io
import os
import sqlite3
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

from studyapp import atomic
from studyapp.cli import UsageError
from studyapp.report import csv_safe

NOW_VARIABLE = "STUDYAPP_NOW"
CSV_COLUMNS = ("id", "item_id", "reviewed_at", "rating", "duration_ms", "mode", "seed", "answer", "result",
               "mistake", "prev_state", "session_id")
CSV_EXTRA = ("deck", "reviewed_at_utc", "study_day")


def now_from_env() -> datetime:
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
    if value is None:
        return None
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        raise UsageError(f"--since expects a date YYYY-MM-DD (got {value!r})") from None
    if not 1970 <= day.year <= 9000:
        raise UsageError(f"--since expects a date from 1970 on (got {value!r})")
    return day


class Progress:
    """A one-line progress bar on standard error, only when it is a terminal."""

    def __init__(self, label: str, stream: TextIO | None = None):
        self.stream = stream or sys.stderr
        self.label = label
        self.on = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        if not self.on or total <= 0:
            return
        width = 24
        filled = int(width * done / total)
        self.stream.write(f"\r{self.label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()


def connector(path: Path) -> Callable[[], sqlite3.Connection]:
    """Read-only connections to the database (each worker has its own; the statistics screen uses
    them too): nothing is written, and a read-only file or disk is fine."""
    from studyapp.store.db import connect_readonly

    def connect() -> sqlite3.Connection:
        conn = connect_readonly(path)
        _ensure_pow(conn)
        return conn

    return connect


def _memory() -> sqlite3.Connection:
    """An empty database with the current schema: the report of a database that does not exist."""
    from studyapp.store.db import connect

    conn = connect(":memory:")
    _ensure_pow(conn)
    return conn


def _ensure_pow(conn: sqlite3.Connection) -> None:
    """SQLite built without its math functions: provide pow() from Python."""
    try:
        conn.execute("SELECT pow(2, 0.5)").fetchone()
    except sqlite3.OperationalError:
        import math

        conn.create_function("pow", 2, math.pow, deterministic=True)


def _names(lang: str) -> Any:
    """Deck and item titles in ``lang``, read from the bundled decks with the safe loader of
    ``core.yamlpos`` (a third of the time of ``load_library``, which also validates); a deck
    that does not parse is left out (its ids are shown instead)."""
    from studyapp.core.content import GAP
    from studyapp.core.library import deck_files
    from studyapp.core.yamlpos import YamlSyntaxError, load
    from studyapp.paths import bundled_content_dir
    from studyapp.report.figures import Names

    names = Names()
    for path in deck_files([bundled_content_dir()]):
        try:
            raw, _ = load(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, YamlSyntaxError):
            continue
        if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
            continue
        names.decks[raw["id"]] = _pick(raw.get("title"), lang) or raw["id"]
        for card in raw.get("cards") or []:
            if isinstance(card, dict) and isinstance(card.get("id"), str):
                text = _pick(card.get("front"), lang) or _pick(card.get("question"), lang) or \
                    GAP.sub("[…]", _pick(card.get("text"), lang))
                names.items[card["id"]] = _short(text) or card["id"]
        for template in raw.get("problems") or []:
            if isinstance(template, dict) and isinstance(template.get("id"), str):
                names.items[template["id"]] = _short(_pick(template.get("title"), lang)) or template["id"]
    return names


def library_names(library: Any, lang: str) -> Any:
    """The same titles from content already loaded (a ``core.library.Library``): what the
    statistics screen shows, for the decks the app studies."""
    from studyapp.core.content import GAP
    from studyapp.report.figures import Names

    names = Names()
    for deck in library.decks:
        names.decks[deck.id] = deck.title.get(lang) or deck.id
        for card in deck.cards:
            text = card.front or card.question
            label = text.get(lang) if text else GAP.sub("[…]", card.text.get(lang) if card.text else "")
            names.items[card.id] = _short(label) or card.id
        for template in deck.problems:
            title = template.title.get(lang) if template.title else ""
            names.items[template.id] = _short(title) or template.id
    return names


def scope_for(settings: Any, now: datetime, since: date | None = None, decks: tuple[str, ...] = ()) -> Any:
    """The report's ``Scope`` under ``settings`` (a ``core.settings.Settings``): its time zone, day
    start and FSRS forgetting curve."""
    from studyapp.core.days import local_zone
    from studyapp.core.scheduler import Scheduler
    from studyapp.report.figures import Scope, curve_of

    factor, decay = curve_of(Scheduler(settings))
    return Scope(now=now, zone=local_zone(settings.timezone), day_hour=settings.day_start_hour, since=since,
                 decks=decks, factor=factor, decay=decay)


def _pick(value: object, lang: str) -> str:
    if isinstance(value, dict):
        value = value.get(lang) or value.get("en")
    return value if isinstance(value, str) else ""


def _short(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def run(args: argparse.Namespace) -> int:
    from studyapp.commands import check_out, db_path, open_store
    from studyapp.config import load_settings
    from studyapp.report.figures import compute

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
        connect = _memory
    names = None
    decks = tuple(dict.fromkeys(args.deck))
    if decks:
        names = _names(lang)
        conn = connect()
        try:
            known = set(names.decks) | {d for (d,) in conn.execute("SELECT DISTINCT deck FROM items")}
        finally:
            conn.close()
        for deck in decks:
            if deck not in known:
                raise UsageError(f"unknown deck '{deck}' (known: {', '.join(sorted(known)) or 'none'})")
    scope = scope_for(settings, now, since, decks)
    if args.format == "csv":
        return _csv(connect, scope, args)
    progress = Progress("studyapp report")
    try:
        fig = compute(connect, scope, names=names, workers=min(4, max(2, os.cpu_count() or 2)),
                      progress=progress, names_loader=None if names is not None else lambda: _names(lang))
    finally:
        progress.close()
    fig["lang"] = lang
    if args.format == "json":
        import json

        text = json.dumps(fig, ensure_ascii=False, indent=1) + "\n"
    elif args.format == "html":
        from studyapp.report.report_html import report_html

        text = report_html(fig, lang)
    else:
        from studyapp.report.report_md import report_markdown

        text = report_markdown(fig, lang)
    from studyapp.commands import emit

    emit(text, args.out, args.force)
    return 0


# --- the review log as CSV --------------------------------------------------------------------------
def csv_rows(conn: sqlite3.Connection, scope: Any) -> Iterator[tuple]:
    """The reviews in the report's scope, in id order: the table's columns, then the deck, the time
    in UTC and the study day."""
    from studyapp.core.days import day_start, study_date
    from studyapp.report.figures import _Days, _Query, ms

    today = study_date(scope.now, scope.zone, scope.day_hour)
    end = ms(day_start(today + timedelta(days=1), scope.zone, scope.day_hour))
    lo = ms(day_start(scope.since, scope.zone, scope.day_hour)) if scope.since else -(2**62)
    q = _Query(scope, lo, end)
    first = conn.execute("SELECT MIN(reviewed_at) FROM reviews WHERE reviewed_at >= ?", (lo,)).fetchone()[0]
    first_day = study_date(datetime.fromtimestamp(first / 1000, tz=UTC), scope.zone, scope.day_hour) \
        if first is not None else today
    days = _Days(min(first_day, today), today, scope.zone, scope.day_hour)
    labels = [d.isoformat() for d in days.dates]
    cols = ", ".join(f"r.{c}" for c in CSV_COLUMNS)
    cursor = conn.execute(
        f"SELECT {cols}, i.deck FROM reviews r LEFT JOIN items i ON i.id = r.item_id "
        f"WHERE r.reviewed_at >= :lo AND r.reviewed_at < :hi{q.item_sql.replace('item_id', 'r.item_id')} "
        "ORDER BY r.id", q.p())
    while True:
        batch = cursor.fetchmany(5000)
        if not batch:
            return
        for row in batch:
            t = datetime.fromtimestamp(row[2] / 1000, tz=UTC)
            k = days.index(row[2])
            yield (*row, t.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
                   labels[k] if 0 <= k < len(labels) else "")


def _csv(connect: Callable[[], sqlite3.Connection], scope: Any, args: argparse.Namespace) -> int:
    conn = connect()
    progress = Progress("studyapp report")
    try:
        total = conn.execute("SELECT COUNT(*) FROM reviews").fetchone()[0]
        if args.out is None:
            _write_csv(sys.stdout, conn, scope, progress, total)
        else:
            try:
                with atomic.replacing(args.out, force=args.force) as temp, \
                        open(temp, "w", encoding="utf-8", newline="") as handle:
                    _write_csv(handle, conn, scope, progress, total)
            except atomic.Refused as exc:  # a file or link that appeared meanwhile
                raise UsageError(str(exc)) from None
            except OSError as exc:
                raise UsageError(f"cannot write {args.out}: {exc.strerror or exc}") from None
    finally:
        progress.close()
        conn.close()
    return 0


def _write_csv(handle: TextIO, conn: sqlite3.Connection, scope: Any, progress: Progress, total: int) -> None:
    buffer = io.StringIO()
    writer = csv_safe.writer(buffer, lineterminator="\r\n")  # typed answers may start like formulas
    writer.writerow((*CSV_COLUMNS, *CSV_EXTRA))
    for n, row in enumerate(csv_rows(conn, scope), 1):
        writer.writerow(row)
        if n % 20_000 == 0:
            handle.write(buffer.getvalue())
            buffer.seek(0)
            buffer.truncate()
            progress(n, total)
    handle.write(buffer.getvalue())
