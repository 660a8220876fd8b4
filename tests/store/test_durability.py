"""The progress store keeps every acknowledged answer: under SIGKILL, with two writers at
once, across schema migrations, and it refuses files it must not touch.

The crash tests run real child processes (``sys.executable -c CHILD``) that study the bundled
content through ``StudySession`` and print one line per committed answer; the parent kills
them at random moments and then inspects the file with plain ``sqlite3``.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from studyapp.core.library import load_library
from studyapp.core.review_log import Review
from studyapp.core.scheduler import ItemState, Scheduler
from studyapp.core.settings import Settings
from studyapp.store import db as db_module
from studyapp.store import schema
from studyapp.store.db import APPLICATION_ID, StoreError
from studyapp.store.progress import Store

# A learner who never stops. argv: db path, mode (scheduled | practice), seed, how many answers
# (0 = forever), undo percentage, barrier (1: print "ready" and wait for a line on stdin before
# answering). Output, one line each, flushed:
#   "r <review id> <item id>"  after rate() returned: an acknowledged answer
#   "u <review id>"            before session.undo() of that answer
#   "U <review id>"            after the undo returned
CHILD = r"""
import sys
from datetime import UTC, datetime, timedelta

import numpy as np

from studyapp.core.library import load_library
from studyapp.core.review_log import Review
from studyapp.core.session import StudySession
from studyapp.core.settings import Settings
from studyapp.store.progress import Store

path, mode, seed, count, undo_pct, barrier = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), \
    int(sys.argv[5]), sys.argv[6] == "1"
library = load_library()
assert not library.errors, library.errors
store = Store(path)
last = store.conn.execute("SELECT MAX(reviewed_at) FROM reviews").fetchone()[0]
now = [datetime(2024, 3, 1, 9, tzinfo=UTC) if last is None
       else datetime.fromtimestamp(last // 60000 * 60, tz=UTC) + timedelta(days=1)]
rng = np.random.default_rng(seed)
settings = Settings(timezone="UTC")


def session():
    return StudySession(library, store, settings, lambda: now[0], np.random.default_rng(rng.integers(2**32)),
                        mode=mode)


s = session()
if barrier:
    print("ready", flush=True)
    sys.stdin.readline()
done = idle = 0
while count == 0 or done < count:
    item = s.next()
    if item is None:
        idle += 1
        now[0] += timedelta(hours=3)
        if mode == "practice" or idle % 8 == 0:
            s = session()
        continue
    idle = 0
    if item.card is not None and item.card.type == "choice":
        result = s.answer(item, chosen={int(rng.integers(len(item.card.options)))})
        text = None
    else:
        text = str(int(rng.integers(0, 3)))
        result = s.answer(item, text=text)
    if not result.readable:  # a random guess of another shape is not an answer
        text, result = None, None
    rating = int(rng.choice([1, 2, 3, 4], p=[0.3, 0.15, 0.4, 0.15]))
    out = s.rate(item, rating, int(rng.integers(500, 20000)), text, result)
    print("r", out.review_id, item.id, flush=True)
    done += 1
    now[0] += timedelta(minutes=int(rng.integers(1, 15)))
    if undo_pct and rng.integers(100) < undo_pct and s.undo_stack:
        review_id = s.undo_stack[-1].review_id
        print("u", review_id, flush=True)
        s.undo()
        print("U", review_id, flush=True)
store.close()
"""

ITEM_FIELDS = ("is_new", "state", "step", "stability", "difficulty", "due", "last_review", "lapses", "leech",
               "suspended", "buried_until")


class Child:
    """One child process; a thread collects its complete stdout lines."""

    def __init__(self, db: Path, mode: str, seed: int, count: int = 0, undo_pct: int = 0,
                 barrier: bool = False):
        self.stderr_file = db.parent / f"child-{mode}-{seed}.err"
        self._err = open(self.stderr_file, "wb")  # closed in finish()
        self.proc = subprocess.Popen([sys.executable, "-c", CHILD, str(db), mode, str(seed), str(count),
                                      str(undo_pct), "1" if barrier else "0"],
                                     stdin=subprocess.PIPE if barrier else None, stdout=subprocess.PIPE,
                                     stderr=self._err)
        self.lines: list[str] = []
        self.first = threading.Event()
        self.ready = threading.Event()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for raw in self.proc.stdout:
            if raw.endswith(b"\n"):  # a line cut by the kill was never acknowledged
                if raw == b"ready\n":
                    self.ready.set()
                    continue
                self.lines.append(raw.decode())
                if raw.startswith(b"r "):
                    self.first.set()
        self.first.set()
        self.ready.set()

    def go(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"go\n")
        self.proc.stdin.close()

    def finish(self, timeout: float = 60) -> int:
        rc = self.proc.wait(timeout=timeout)
        self.reader.join(timeout=10)
        self._err.close()
        return rc

    @property
    def stderr(self) -> str:
        return self.stderr_file.read_text(errors="replace")

    def acknowledged(self) -> set[int]:
        return {int(line.split()[1]) for line in self.lines if line.startswith("r ")}

    def replay(self, live: dict[int, str], dead: set[int]) -> int | None:
        """Apply this child's answers and undos, in order, to ``live`` (review id -> item id)
        and ``dead`` (ids undone and not reused since). Returns the id of an undo that was
        begun but never acknowledged (it may or may not have happened), else None."""
        pending = None
        for line in self.lines:
            tag, review_id, *rest = line.split()
            rid = int(review_id)
            if tag == "r":  # an id freed by an undo may be given again (no AUTOINCREMENT)
                live[rid] = rest[0]
                dead.discard(rid)
                pending = None
            elif tag == "u":
                assert rid in live
                pending = rid
            else:
                assert pending == rid
                del live[rid]
                dead.add(rid)
                pending = None
        return pending


@pytest.fixture
def spawn():
    """Start children; any still running when the test ends (it failed) are killed."""
    started: list[Child] = []

    def start(*args, **kwargs) -> Child:
        started.append(Child(*args, **kwargs))
        return started[-1]

    yield start
    for child in started:
        if child.proc.poll() is None:
            child.proc.kill()
            child.proc.wait(timeout=10)


def utc(value: int | None) -> datetime | None:
    return None if value is None else datetime.fromtimestamp(value / 1000, tz=UTC)


def ms(t: datetime | None) -> int | None:
    return None if t is None else int(t.timestamp() * 1000)


def check_consistent(db: Path) -> int:
    """Integrity, and the items, sessions and review log agreeing; returns the number of reviews."""
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA user_version").fetchone()[0] == schema.VERSION
        items = {row[0]: dict(zip(ITEM_FIELDS, row[1:], strict=True)) for row in conn.execute(
            f"SELECT id, {', '.join(ITEM_FIELDS)} FROM items")}
        last_scheduled: dict[str, tuple] = {}
        for review_id, item_id, reviewed_at, rating, prev in conn.execute(
                "SELECT id, item_id, reviewed_at, rating, prev_state FROM reviews "
                "WHERE mode = 'scheduled' ORDER BY id"):
            last_scheduled[item_id] = (review_id, reviewed_at, rating, prev)
        scheduler = Scheduler(Settings(timezone="UTC"))
        for item_id, row in items.items():
            if item_id not in last_scheduled:
                assert row["is_new"] == 1, f"{item_id} has no scheduled review but is not new: {row}"
                continue
            review_id, reviewed_at, rating, prev = last_scheduled[item_id]
            assert row["is_new"] == 0, f"{item_id}: scheduled review {review_id} is logged but item is new"
            # The row is exactly what the last logged scheduled review made of its state before.
            after = scheduler.review(ItemState.from_dict(json.loads(prev)), rating, utc(reviewed_at))
            expected = {"is_new": int(after.is_new), "state": after.state, "step": after.step,
                        "stability": after.stability, "difficulty": after.difficulty, "due": ms(after.due),
                        "last_review": ms(after.last_review), "lapses": after.lapses,
                        "leech": int(after.leech), "suspended": int(after.suspended),
                        "buried_until": ms(after.buried_until)}
            assert row == expected, f"{item_id} does not match its last scheduled review {review_id}"
        assert not set(last_scheduled) - set(items), "scheduled reviews of items that have no row"
        counters = conn.execute(
            "SELECT s.id, s.reviewed, s.correct, s.wrong, COUNT(r.id), "
            "COALESCE(SUM(COALESCE(r.correct, r.rating > 1)), 0), "
            "COALESCE(SUM(NOT COALESCE(r.correct, r.rating > 1)), 0) "
            "FROM sessions s LEFT JOIN reviews r ON r.session_id = s.id "
            "GROUP BY s.id").fetchall()
        for sid, reviewed, correct, wrong, n, n_correct, n_wrong in counters:
            assert (reviewed, correct, wrong) == (n, n_correct, n_wrong), f"session {sid} counters"
        return conn.execute("SELECT COUNT(*) FROM reviews").fetchone()[0]
    finally:
        conn.close()


def reviews_by_id(db: Path) -> dict[int, str]:
    conn = sqlite3.connect(db)
    try:
        return dict(conn.execute("SELECT id, item_id FROM reviews"))
    finally:
        conn.close()


# --- 1. SIGKILL at random moments ---------------------------------------------------------------

def test_acknowledged_answers_survive_sigkill(tmp_path, spawn):
    db = tmp_path / "progress.db"
    rnd = random.Random(20240301)
    live: dict[int, str] = {}  # acknowledged and not undone: review id -> item id
    dead: set[int] = set()  # acknowledged undos
    answered = undos = 0
    modes_seen = set()
    for round_no in range(15):
        mode = "practice" if round_no % 4 == 3 else "scheduled"
        child = spawn(db, mode, seed=round_no, undo_pct=10)
        assert child.first.wait(timeout=60), f"round {round_no}: no answer printed\n{child.stderr}"
        assert child.proc.poll() is None, f"round {round_no}: child ended early\n{child.stderr}"
        time.sleep(rnd.uniform(0.05, 0.6))
        child.proc.send_signal(signal.SIGKILL)
        assert child.finish() == -signal.SIGKILL, child.stderr
        assert "Traceback" not in child.stderr, child.stderr

        answered += len(child.acknowledged())
        undos += sum(line.startswith("U ") for line in child.lines)
        modes_seen.add(mode)
        pending = child.replay(live, dead)
        check_consistent(db)
        present = reviews_by_id(db)
        missing = {rid for rid, item_id in live.items() if rid != pending and present.get(rid) != item_id}
        assert not missing, f"round {round_no}: acknowledged answers lost: {sorted(missing)[:10]}"
        back = dead & set(present)
        # A freed id is given again to the next insert (max rowid + 1); the child may have been
        # killed after committing such an answer and before printing it: then it is the last row.
        assert back <= {max(present)}, f"round {round_no}: an acknowledged undo came back: {back}"
        dead -= back
        if pending is not None:  # settle it: the next child may reuse the id if it was freed
            if pending in present:
                dead.discard(pending)
            else:
                del live[pending]
                dead.add(pending)
    assert modes_seen == {"scheduled", "practice"}
    assert answered > 15 * 5  # the children really were answering when killed
    assert undos > 5, "undo was not exercised"


# --- 2. two writers at once --------------------------------------------------------------------

N = 150


def _run_pair(spawn, db: Path, modes: tuple[str, str]) -> None:
    children = [spawn(db, mode, seed=100 + i, count=N, barrier=True) for i, mode in enumerate(modes)]
    for child in children:
        assert child.ready.wait(timeout=60), child.stderr
    for child in children:  # both are open and synced; now both answer as fast as they can
        child.go()
    for child in children:
        rc = child.finish(timeout=120)
        assert "database is locked" not in child.stderr
        assert rc == 0, child.stderr
    acked = [child.acknowledged() for child in children]
    assert [len(a) for a in acked] == [N, N]
    assert not acked[0] & acked[1], "two answers got the same review id"
    assert acked[0] | acked[1] <= set(reviews_by_id(db))
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("SELECT COUNT(*) FROM reviews").fetchone()[0] == 2 * N
    finally:
        conn.close()


def _content_items() -> list[tuple[str, str, str, tuple[str, ...]]]:
    library = load_library()
    return ([(c.id, c.deck, "card", c.aliases) for c in library.cards]
            + [(t.id, t.deck, "problem", t.aliases) for t in library.templates])


def test_two_processes_write_at_once(tmp_path, spawn):
    db = tmp_path / "progress.db"
    store = Store(db)  # created, migrated and synced before the two start (see the race tests below)
    store.sync(_content_items())
    store.close()
    _run_pair(spawn, db, ("practice", "scheduled"))


def test_two_scheduled_processes_write_at_once(tmp_path, spawn):
    db = tmp_path / "progress.db"
    store = Store(db)
    store.sync(_content_items())
    store.close()
    _run_pair(spawn, db, ("scheduled", "scheduled"))


def test_two_processes_opening_a_new_file_at_once(tmp_path, monkeypatch):
    """The other process migrates between this one's version check and its BEGIN IMMEDIATE."""
    db = tmp_path / "progress.db"
    real_migrate = db_module.migrate
    raced = []

    def other_process_first(conn):
        if not raced:
            raced.append(conn.execute("PRAGMA user_version").fetchone()[0])
            other = sqlite3.connect(db, isolation_level=None)
            real_migrate(other)
            other.close()
        real_migrate(conn)

    monkeypatch.setattr(db_module, "migrate", other_process_first)
    store = Store(db)
    try:
        assert raced == [0]
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == schema.VERSION
    finally:
        store.close()


def test_two_processes_syncing_new_content_at_once(tmp_path):
    """The other process syncs between this one's read of the known ids and its BEGIN IMMEDIATE."""
    db = tmp_path / "progress.db"
    items = _content_items()
    mine, other = Store(db), Store(db)
    real_transaction = mine.transaction
    raced = []

    def other_process_first():
        if not raced:
            raced.append(other.sync(items))
        return real_transaction()

    mine.transaction = other_process_first
    try:
        added = mine.sync(items)
        assert raced == [len(items)] and added == 0
        assert mine.conn.execute("SELECT COUNT(*) FROM items").fetchone()[0] == len(items)
    finally:
        mine.close()
        other.close()


# --- 3. a database from a newer studyapp -------------------------------------------------------

def test_newer_database_is_refused_and_left_untouched(tmp_path):
    db = tmp_path / "progress.db"
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE future (x INTEGER)")
    conn.execute("INSERT INTO future VALUES (42)")
    conn.commit()
    conn.execute("PRAGMA user_version = 99")
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")  # a newer studyapp stamps its files
    conn.close()
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    files_before = sorted(p.name for p in tmp_path.iterdir())

    with pytest.raises(StoreError) as info:
        Store(db)
    message = str(info.value)
    assert "newer" in message and "99" in message

    assert hashlib.sha256(db.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == files_before  # no -wal, no -journal left
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    conn.close()


# --- 4. migration from version 1, and garbage ---------------------------------------------------

T0 = 1_700_000_000_000
DAY = 86_400_000
V1_REVIEW_COLUMNS = "id, item_id, reviewed_at, rating, duration_ms, mode, seed, answer, result, mistake"


def _v1_database(db: Path) -> list[tuple]:
    conn = sqlite3.connect(db)
    schema.create_version(conn, 1)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    conn.executemany(
        "INSERT INTO items (id, deck, kind, is_new, state, step, stability, difficulty, due, last_review) "
        "VALUES (?,?,?,?,?,?,?,?,?,?)",
        [("leechy", "deck-a", "card", 0, 3, 0, 0.4, 9.1, T0 + 20 * DAY, T0 + 19 * DAY),
         ("steady", "deck-a", "problem", 0, 2, None, 12.5, 4.2, T0 + 30 * DAY, T0 + 5 * DAY),
         ("fresh", "deck-b", "card", 1, 1, 0, None, None, None, None),
         ("practised", "deck-b", "card", 1, 1, 0, None, None, None, None)])
    reviews = [("leechy", T0, 3, "scheduled")]  # first review: an Again here would not be a lapse
    reviews += [("leechy", T0 + (i + 1) * DAY, 1, "scheduled") for i in range(9)]
    reviews += [("leechy", T0 + 10 * DAY + 1, 3, "scheduled"), ("leechy", T0 + 11 * DAY, 1, "practice")]
    reviews += [("steady", T0 + i * DAY, 1 if i == 0 else 3, "scheduled") for i in range(4)]
    reviews += [("practised", T0 + i * DAY, 1, "practice") for i in range(3)]
    for n, (item_id, at, rating, mode) in enumerate(reviews):
        conn.execute(f"INSERT INTO reviews ({V1_REVIEW_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?)",
                     (n + 1, item_id, at, rating, 1000 + n, mode, n if n % 2 else None, f"ans {n}",
                      json.dumps({"correct": rating > 1}), "sign" if rating == 1 else None))
    conn.commit()
    rows = conn.execute(f"SELECT {V1_REVIEW_COLUMNS} FROM reviews ORDER BY id").fetchall()
    conn.close()
    return rows


def test_version_1_database_is_migrated_with_lapses_backfilled(tmp_path):
    db = tmp_path / "progress.db"
    old_reviews = _v1_database(db)

    store = Store(db)
    try:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == schema.VERSION
        assert store.conn.execute(f"SELECT {V1_REVIEW_COLUMNS} FROM reviews ORDER BY id").fetchall() \
            == old_reviews
        assert store.conn.execute("SELECT COUNT(*) FROM reviews WHERE prev_state IS NOT NULL "
                                  "OR session_id IS NOT NULL").fetchone()[0] == 0
        lapses = dict(store.conn.execute("SELECT id, lapses FROM items"))
        assert lapses == {"leechy": 9, "steady": 0, "fresh": 0, "practised": 0}

        leechy = store.get("leechy")
        assert leechy is not None
        assert (leechy.lapses, leechy.leech, leechy.is_new, leechy.state) == (9, True, False, 3)
        assert (leechy.stability, leechy.difficulty) == (0.4, 9.1)
        assert leechy.due == utc(T0 + 20 * DAY) and leechy.last_review == utc(T0 + 19 * DAY)
        steady = store.get("steady")
        assert steady is not None and (steady.lapses, steady.leech, steady.is_new) == (0, False, False)
        fresh = store.get("fresh")
        assert fresh is not None and fresh.is_new and fresh.lapses == 0 and not fresh.leech
        assert {s.item_id for s in store.items()} == {"leechy", "steady", "fresh", "practised"}
        assert len(store.reviews()) == len(old_reviews)
        # The migrated file takes new sessions and answers, with undo.
        session_id = store.start_session(utc(T0 + 40 * DAY), "scheduled", None)
        after = replace(leechy, lapses=10, due=utc(T0 + 41 * DAY), last_review=utc(T0 + 40 * DAY))
        review_id = store.record(Review("leechy", utc(T0 + 40 * DAY), 1, 900, "scheduled",
                                        session_id=session_id), leechy, after)
        assert review_id > len(old_reviews)
        assert store.get("leechy") == after
        assert store.undo(review_id) == leechy
        assert store.get("leechy") == leechy
    finally:
        store.close()

    # Opening again is a no-op.
    store = Store(db)
    try:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == schema.VERSION
        assert store.get("leechy").lapses == 9
    finally:
        store.close()
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    conn.close()


@pytest.mark.parametrize("size", [4096, 100, 16])
def test_garbage_file_gives_store_error(tmp_path, size):
    db = tmp_path / "progress.db"
    data = random.Random(size).randbytes(size)
    assert not data.startswith(b"SQLite format 3")
    db.write_bytes(data)
    with pytest.raises(StoreError) as info:
        Store(db)
    assert str(db) in str(info.value)
    assert db.read_bytes() == data


def test_store_error_for_a_folder_that_cannot_be_created(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    with pytest.raises(StoreError):
        Store(blocker / "progress.db")
    assert os.path.isfile(blocker)


def test_two_windows_never_schedule_from_a_stale_state(tmp_path, spawn):
    """Two processes study the same decks at once (both meet the same new cards first). A rating
    is written only over the state its preview came from, so no two consecutive scheduled reviews
    of an item start from the same state: the later one starts from the earlier one's result."""
    db = tmp_path / "progress.db"
    store = Store(db)
    store.sync(_content_items())
    store.close()
    children = [spawn(db, "scheduled", seed=300 + i, count=300, barrier=True) for i in range(2)]
    for child in children:
        assert child.ready.wait(timeout=60), child.stderr
    for child in children:
        child.go()
    for child in children:
        assert child.finish(timeout=240) == 0, child.stderr
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute("SELECT item_id, prev_state FROM reviews WHERE mode = 'scheduled' "
                            "ORDER BY item_id, id").fetchall()
    finally:
        conn.close()
    assert len(rows) >= 500
    shared_items = {item for item, _ in rows if sum(1 for i, _ in rows if i == item) > 1}
    assert len(shared_items) > 20  # the two windows did answer the same items
    pairs = zip(rows, rows[1:], strict=False)
    stale = [(a, b) for (item_a, a), (item_b, b) in pairs if item_a == item_b and a == b]
    assert stale == []
