"""``studyapp report --format revlog``: the scheduled reviews in the CSV layout FSRS tools read
(``report/revlog.py``, ``store/revlog.py``).

The history is made by driving ``StudySession`` on a fake clock through one card's whole life
(new, learning, review, relearning, review again), beside a practice answer, an answer undone and
an answer to a problem; the expected rows are written out by hand from that script.
"""

from __future__ import annotations

import csv
import hashlib
import io
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from studyapp.core.library import load_library
from studyapp.core.scheduler import AGAIN, GOOD, HARD
from studyapp.core.session import StudySession
from studyapp.core.settings import Settings
from studyapp.report.revlog import COLUMNS, card_id
from studyapp.store.progress import Store
from studyapp.store.readonly import connector
from studyapp.store.report_queries import Scope
from studyapp.store.revlog import revlog_count, revlog_rows
from tests.cli_run import run

NOW = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)
START = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
SETTINGS = Settings(timezone="UTC", day_start_hour=4, learning_steps_minutes=(1.0, 10.0),
                    relearning_steps_minutes=(10.0,))
DECK = """\
    id: demo
    title: {en: Demo, zh: 演示}
    cards:
      - id: demo.life
        type: basic
        front: {en: F, zh: 正}
        back: {en: B, zh: 反}
      - id: demo.practised
        type: basic
        front: {en: P, zh: 练}
        back: {en: Q, zh: 习}
    """
OTHER = """\
    id: other
    title: {en: Other, zh: 其他}
    cards:
      - id: other.card
        type: basic
        front: {en: O, zh: 他}
        back: {en: C, zh: 卡}
    """


class Clock:
    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now




@pytest.fixture(autouse=True)
def fixed_now(monkeypatch: pytest.MonkeyPatch, isolated_home: Path) -> None:
    monkeypatch.setenv("STUDYAPP_NOW", NOW.isoformat())


def study(store: Store, library, clock: Clock, item_id: str, rating: int, elapsed: int,
          mode: str = "scheduled") -> None:
    """Answer ``item_id`` where the session offers it next (it must be the one offered)."""
    session = StudySession(library, store, SETTINGS, clock, np.random.default_rng(0),
                           decks=["demo"], mode=mode)
    item = session.next()
    assert item is not None and item.id == item_id, (item and item.id, item_id)
    session.rate(item, rating, elapsed)
    session.finish()


def life_history(tmp_path: Path) -> tuple[Path, list[tuple[str, datetime, int, int, int]]]:
    """One card's life and the answers that must be left out; returns the database and the
    expected (item, time, rating, state before, duration) of each scheduled review."""
    (tmp_path / "demo.yaml").write_text(textwrap.dedent(DECK), encoding="utf-8")
    (tmp_path / "other.yaml").write_text(textwrap.dedent(OTHER), encoding="utf-8")
    library = load_library([tmp_path / "demo.yaml", tmp_path / "other.yaml"])
    path = tmp_path / "progress.sqlite3"
    store = Store(path)
    clock = Clock(START)
    expected = []
    # new -> learning: Good on a new card takes it to its second learning step (10 min)
    study(store, library, clock, "demo.life", GOOD, 4_000)
    expected.append(("demo.life", clock.now, GOOD, 0, 4_000))
    # the other new card of the deck, answered and then undone: no longer in the log
    session = StudySession(library, store, SETTINGS, clock, np.random.default_rng(0), decks=["demo"])
    item = session.next()
    assert item is not None and item.id == "demo.practised"
    session.rate(item, AGAIN, 9_000)
    session.undo()
    session.finish()
    # learning -> review: Good on the last learning step graduates it
    clock.now += timedelta(minutes=11)
    study(store, library, clock, "demo.life", GOOD, 3_000)
    expected.append(("demo.life", clock.now, GOOD, 1, 3_000))
    assert store.get("demo.life").state == 2
    # review -> relearning: Again once it is due
    clock.now = store.get("demo.life").due + timedelta(hours=1)
    study(store, library, clock, "demo.life", AGAIN, 6_000)
    expected.append(("demo.life", clock.now, AGAIN, 2, 6_000))
    assert store.get("demo.life").state == 3
    # relearning -> review
    clock.now += timedelta(minutes=11)
    study(store, library, clock, "demo.life", HARD, 7_000)
    expected.append(("demo.life", clock.now, HARD, 3, 7_000))
    # a practice answer: the schedule does not move, so it is left out
    clock.now += timedelta(minutes=5)
    practice = StudySession(library, store, SETTINGS, clock, np.random.default_rng(0), decks=["demo"],
                            mode="practice")
    item = practice.next()
    assert item is not None
    practice.rate(item, AGAIN, 5_000)
    practice.finish()
    # a card of another deck, for --deck
    clock.now += timedelta(minutes=1)
    other = StudySession(library, store, SETTINGS, clock, np.random.default_rng(0), decks=["other"])
    item = other.next()
    assert item is not None and item.id == "other.card"
    other.rate(item, GOOD, 2_500)
    other.finish()
    expected.append(("other.card", clock.now, GOOD, 0, 2_500))
    modes = [m for (m,) in store.conn.execute("SELECT mode FROM reviews ORDER BY id")]
    assert modes.count("practice") == 1 and len(modes) == len(expected) + 1  # the undone one is gone
    store.close()
    return path, expected


def as_row(item_id: str, t: datetime, rating: int, state: int, duration: int) -> list[int]:
    return [card_id(item_id), int(t.timestamp() * 1000), rating, state, duration]


def read_back(text: str) -> tuple[list[str], list[list[int]]]:
    """The CSV as the csv module reads it, every cell converted to an int (which must succeed)."""
    head, *body = list(csv.reader(io.StringIO(text)))
    return head, [[int(cell) for cell in row] for row in body]


# --- the tests ------------------------------------------------------------------------------------
def test_card_id_is_a_stable_63_bit_hash_of_the_item_id() -> None:
    for item_id in ("demo.life", "conv.output-size", "卷积", ""):
        digest = hashlib.blake2b(item_id.encode("utf-8"), digest_size=8).digest()
        assert card_id(item_id) == int.from_bytes(digest, "big") >> 1
        assert 0 <= card_id(item_id) < 2**63
    # pinned: a log written today must join one written by a later version on the same numbers
    assert (card_id("demo.life"), card_id("conv.output-size")) == (9141840259606187138, 7533164973512226294)
    assert len({card_id(f"item-{k}") for k in range(10_000)}) == 10_000


def test_revlog_is_the_scheduled_reviews_with_the_state_before(capsys: pytest.CaptureFixture[str],
                                                               tmp_path: Path) -> None:
    db, expected = life_history(tmp_path)
    code, out, err = run(capsys, "report", "--db", str(db), "--format", "revlog")
    assert code == 0 and "Traceback" not in err
    head, body = read_back(out)
    assert head == ["card_id", "review_time", "review_rating", "review_state", "review_duration"]
    assert tuple(head) == COLUMNS
    assert body == [as_row(*e) for e in expected]
    # new -> learning -> review -> relearning, each the state before the review
    assert [r[3] for r in body if r[0] == card_id("demo.life")] == [0, 1, 2, 3]
    assert card_id("demo.practised") not in {r[0] for r in body}  # undone, then only practised
    assert out.endswith("\r\n") and out.count("\r\n") == len(expected) + 1


def test_revlog_to_a_file_and_by_deck(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    db, expected = life_history(tmp_path)
    out = tmp_path / "revlog.csv"
    code, stdout, err = run(capsys, "report", "--db", str(db), "--format", "revlog", "--out", str(out))
    assert code == 0 and stdout == "" and "Traceback" not in err
    with out.open(encoding="utf-8", newline="") as handle:
        text = handle.read()
    assert read_back(text)[1] == [as_row(*e) for e in expected]
    code, _, err = run(capsys, "report", "--db", str(db), "--format", "revlog", "--out", str(out))
    assert code == 2 and "--force" in err  # never overwritten without --force
    code, stdout, _ = run(capsys, "report", "--db", str(db), "--format", "revlog", "--deck", "other")
    assert code == 0 and read_back(stdout)[1] == [as_row(*e) for e in expected if e[0] == "other.card"]
    since = (expected[-1][1] - timedelta(days=1)).date().isoformat()
    code, stdout, _ = run(capsys, "report", "--db", str(db), "--format", "revlog", "--since", since)
    kept = [as_row(*e) for e in expected if e[1].date().isoformat() >= since]
    assert code == 0 and read_back(stdout)[1] == kept and 0 < len(kept) < len(expected)


def test_the_count_for_the_progress_bar_is_the_rows_given(tmp_path: Path) -> None:
    db, expected = life_history(tmp_path)
    conn = connector(db)()
    try:
        for decks, n in (((), len(expected)), (("other",), 1), (("demo",), len(expected) - 1)):
            scope = Scope(now=NOW, zone=UTC, day_hour=4, decks=decks)
            assert revlog_count(conn, scope) == len(list(revlog_rows(conn, scope))) == n
    finally:
        conn.close()


@pytest.mark.parametrize("exists", [False, True])
def test_an_empty_history_is_the_header_only(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                             exists: bool) -> None:
    db = tmp_path / "progress.sqlite3"
    if exists:
        Store(db).close()
    code, out, err = run(capsys, "report", "--db", str(db), "--format", "revlog")
    assert code == 0 and "Traceback" not in err
    assert out == ",".join(COLUMNS) + "\r\n"
    assert db.exists() == exists  # a missing database is not created


def test_an_unknown_state_or_duration_is_an_empty_cell(capsys: pytest.CaptureFixture[str],
                                                       tmp_path: Path) -> None:
    """A row logged before schema 2 recorded the state before it: the cell is empty, not a guess."""
    db, expected = life_history(tmp_path)
    store = Store(db)
    store.conn.execute("UPDATE reviews SET prev_state = NULL, prev_code = NULL, duration_ms = NULL "
                       "WHERE id = (SELECT MIN(id) FROM reviews)")
    store.close()
    code, out, _ = run(capsys, "report", "--db", str(db), "--format", "revlog")
    first = list(csv.reader(io.StringIO(out)))[1]
    assert code == 0 and first[3:] == ["", ""]
    assert first[:3] == [str(v) for v in as_row(*expected[0])[:3]]


def test_help_ends_with_examples(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "report", "--help")
    assert code == 0
    tail = out.rstrip().splitlines()[-4:]
    assert tail[0] == "examples:"
    assert all(line.startswith("  studyapp report --format ") for line in tail[1:])
    assert "studyapp report --format revlog --out revlog.csv" in out
