"""The progress store's content sync and batch logging.

``Store.sync`` compares only the decks that changed since the last sync; every test here checks it
against ``full_sync``, the whole-table sync the store did before (kept here as the reference): the
same content on the same table must give the same rows, the same history and the same count.
"""

from __future__ import annotations

import random
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from studyapp.core.review_log import Review
from studyapp.core.scheduler import ItemState
from studyapp.store.progress import Store

T0 = datetime(2026, 1, 5, 9, tzinfo=UTC)
Row = tuple[str, str, str, tuple[str, ...]]


def full_sync(conn: sqlite3.Connection, items: list[Row]) -> int:
    """The reference: the whole content against the whole table (the store's sync until schema 4)."""
    items = sorted(items)
    conn.execute("BEGIN IMMEDIATE")
    before = conn.execute("SELECT COUNT(*) FROM items").fetchone()[0]
    aliased = [(i, d, a) for i, d, _, aliases in items for a in aliases]
    present = {r[0] for r in conn.execute("SELECT id FROM items")}
    for item_id, deck, alias in aliased:
        if alias in present and item_id not in present:
            conn.execute("UPDATE items SET id = ?, deck = ? WHERE id = ?", (item_id, deck, alias))
            conn.execute("UPDATE reviews SET item_id = ? WHERE item_id = ?", (item_id, alias))
            present.discard(alias)
            present.add(item_id)
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS ref (id TEXT PRIMARY KEY, deck TEXT, kind TEXT)")
    conn.execute("DELETE FROM temp.ref")
    conn.executemany("INSERT INTO temp.ref VALUES (?, ?, ?)", [i[:3] for i in items])
    conn.execute("INSERT OR IGNORE INTO items (id, deck, kind) SELECT id, deck, kind FROM temp.ref")
    conn.execute("UPDATE items SET deck = t.deck, kind = t.kind FROM temp.ref t "
                 "WHERE items.id = t.id AND (items.deck != t.deck OR items.kind != t.kind)")
    conn.execute("UPDATE items SET in_content = (id IN (SELECT id FROM temp.ref))")
    added = conn.execute("SELECT COUNT(*) FROM items").fetchone()[0] - before
    conn.execute("COMMIT")
    return int(added)


def state(conn: sqlite3.Connection) -> tuple[list[tuple], list[tuple]]:
    items = conn.execute("SELECT id, deck, kind, is_new, state, due, in_content FROM items "
                         "ORDER BY id").fetchall()
    reviews = conn.execute("SELECT id, item_id FROM reviews ORDER BY id").fetchall()
    return items, reviews


def answer(store: Store, item_id: str, at: datetime) -> None:
    before = store.get(item_id)
    assert before is not None
    after = ItemState(item_id, before.deck, before.kind, is_new=False, state=2, stability=3.0, difficulty=5.0,
                      due=at + timedelta(days=3), last_review=at)
    store.record(Review(item_id, at, 3, 1000, "scheduled"), before, after)


class Pair:
    """The store under test and a twin synced by ``full_sync``, given the same answers."""

    def __init__(self, folder: Path):
        self.store, self.twin = Store(folder / "store.sqlite3"), Store(folder / "twin.sqlite3")

    def sync(self, items: list[Row]) -> int:
        added = self.store.sync(items)
        assert added == full_sync(self.twin.conn, items)
        assert state(self.store.conn) == state(self.twin.conn)
        return added

    def answer(self, item_id: str, at: datetime) -> None:
        answer(self.store, item_id, at)
        answer(self.twin, item_id, at)

    def close(self) -> None:
        self.store.close()
        self.twin.close()


@pytest.fixture
def pair(tmp_path):
    p = Pair(tmp_path)
    yield p
    p.close()


def deck(name: str, n: int, kind: str = "card") -> list[Row]:
    return [(f"{name}.{k:03d}", name, kind, ()) for k in range(n)]


def test_each_kind_of_edit_gives_what_the_whole_sync_gives(pair):
    content = deck("a", 5) + deck("b", 4, "problem") + deck("c", 3)
    assert pair.sync(content) == 12
    for item_id in ("a.000", "a.001", "b.000", "c.002"):
        pair.answer(item_id, T0)
    edits = [
        lambda c: c + [("a.new", "a", "card", ())],  # added
        # renamed through aliases: the history moves
        lambda c: [("a.renamed", "a", "card", ("a.000",)) if r[0] == "a.000" else r for r in c],
        lambda c: [r for r in c if r[0] != "a.001"],  # gone: flagged, history kept
        lambda c: c + [("a.001", "a", "card", ())],  # back again
        lambda c: [("b.000", "c", "problem", ()) if r[0] == "b.000" else r for r in c],  # to another deck
        lambda c: [(i, d, "problem", a) if i == "c.002" else (i, d, k, a) for i, d, k, a in c],  # a new kind
        lambda c: [r for r in c if r[1] != "c"],  # a whole deck gone
        lambda c: c + deck("c", 3),  # and back
        lambda c: c + [("c.chain", "c", "card", ("a.renamed", "a.gone"))],  # a second rename of one item
        lambda c: [r for r in c if r[0] != "a.renamed"],
        lambda c: c + [("a.renamed", "b", "card", ())],  # an old id given again, elsewhere
    ]
    for k, edit in enumerate(edits):
        content = edit(content)
        pair.sync(content)
        pair.answer(content[k % len(content)][0], T0 + timedelta(hours=k + 1))
    items = {i: (d, k, flag) for i, d, k, _, _, _, flag in state(pair.store.conn)[0]}
    assert items["c.chain"][2] == 1 and "a.000" not in items and items["a.renamed"] == ("b", "card", 1)
    assert items["b.000"] == ("c", "problem", 0)  # went with deck c, history kept
    assert items["c.002"] == ("c", "card", 1)  # back as the card it was


def test_random_edits_give_what_the_whole_sync_gives(pair):
    rng = random.Random(14)
    content = deck("a", 30) + deck("b", 30, "problem") + deck("c", 30) + deck("d", 5)
    pair.sync(content)
    serial = 0
    for step in range(60):
        serial += 1
        content = content or deck("a", 10)  # every deck was dropped: a new one
        victim = rng.randrange(len(content))
        item_id, dk, kind, _ = content[victim]
        what = rng.randrange(6)
        if what == 0:
            content.append((f"n{serial}", rng.choice("abcde"), rng.choice(("card", "problem")), ()))
        elif what == 1:
            content[victim] = (f"{item_id}.r{serial}", dk, kind, (item_id,))
        elif what == 2:
            content.pop(victim)
        elif what == 3:
            content[victim] = (item_id, rng.choice("abcde"), kind, ())
        elif what == 4:
            content = [r for r in content if r[1] != dk]
        else:
            content[victim] = (item_id, dk, "problem" if kind == "card" else "card", ())
        pair.sync(content)
        if content:
            pair.answer(rng.choice(content)[0], T0 + timedelta(minutes=step))


def test_rows_written_outside_a_sync_are_flagged_at_the_next_change(pair):
    content = deck("a", 3) + deck("b", 3)
    pair.sync(content)
    for s in (pair.store, pair.twin):
        s.set_item(ItemState("stray", "a", "card"))  # not content: written by hand
        s.set_item(ItemState("elsewhere", "zzz", "card"))  # of a deck no content has
    pair.sync(content + [("b.new", "b", "card", ())])  # a change in another deck
    flags = dict(pair.store.conn.execute("SELECT id, in_content FROM items "
                                         "WHERE id IN ('stray', 'elsewhere')"))
    assert flags == {"stray": 0, "elsewhere": 0}


def test_only_the_changed_deck_is_written(tmp_path):
    store = Store(tmp_path / "p.sqlite3")
    content = deck("a", 2000) + deck("b", 2000) + deck("c", 2000)
    assert store.sync(content) == 6000
    assert store.sync(content) == 0  # unchanged: nothing read but the fingerprints
    store.conn.execute("CREATE TEMP TABLE written (id TEXT)")
    for event in ("INSERT", "UPDATE"):
        store.conn.execute(f"CREATE TEMP TRIGGER written_{event} AFTER {event} ON items "
                           "BEGIN INSERT INTO written VALUES (NEW.id); END")
    content = [("b.renamed", "b", "card", ("b.000",)) if r[0] == "b.000" else r for r in content]
    content.append(("c.new", "c", "card", ()))
    assert store.sync(content) == 1
    # the renamed row and the added one: not one of the 6,000 others
    assert sorted(store.conn.execute("SELECT id FROM written")) == [("b.renamed",), ("c.new",)]
    store.close()


def test_a_database_synced_with_one_fingerprint_is_synced_again_whole(tmp_path):
    """Before schema 4 ``meta`` held one fingerprint of the whole content: it is never taken for a
    deck's, so the first sync compares every deck."""
    store = Store(tmp_path / "p.sqlite3")
    content = deck("a", 3) + deck("b", 3)
    store.sync(content)
    store.conn.execute("UPDATE items SET in_content = 0 WHERE id = 'a.001'")
    store.conn.execute("UPDATE meta SET value = '9f86d081884c7d659a2feaa0c55ad015' WHERE key = 'content'")
    assert store.sync(content) == 0
    assert store.conn.execute("SELECT in_content FROM items WHERE id = 'a.001'").fetchone() == (1,)
    store.close()


def test_two_processes_syncing_changed_content_at_once(tmp_path):
    """The other process syncs the same edit between this one's fingerprint check and its write
    transaction: this one finds nothing left to do."""
    db = tmp_path / "progress.db"
    content = deck("a", 50) + deck("b", 50)
    mine, other = Store(db), Store(db)
    mine.sync(content)
    answer(mine, "a.007", T0)
    edited = [("a.seven", "a", "card", ("a.007",)) if r[0] == "a.007" else r for r in content]
    edited.append(("b.new", "b", "card", ()))
    real_transaction = mine.transaction
    raced = []

    def other_process_first():
        if not raced:
            raced.append(other.sync(edited))
        return real_transaction()

    mine.transaction = other_process_first
    try:
        assert mine.sync(edited) == 0 and raced == [1]
        assert mine.conn.execute("SELECT item_id FROM reviews").fetchall() == [("a.seven",)]
        assert mine.conn.execute("SELECT COUNT(*) FROM items WHERE in_content = 1").fetchone() == (101,)
    finally:
        mine.close()
        other.close()


def test_record_many_logs_all_or_nothing(tmp_path):
    store = Store(tmp_path / "p.sqlite3")
    store.sync(deck("a", 3))
    session = store.start_session(T0, "exam", ["a"])
    before = [store.get(f"a.{k:03d}") for k in range(3)]
    answers = [(Review(s.item_id, T0, 3 if k else 1, 500, "exam", session_id=session, correct=bool(k)), s)
               for k, s in enumerate(before)]
    ids = store.record_many(answers)
    assert len(ids) == 3 == len(set(ids))
    assert store.conn.execute("SELECT reviewed, correct, wrong FROM sessions").fetchall() == [(3, 2, 1)]
    store.conn.execute("CREATE TEMP TRIGGER no BEFORE INSERT ON reviews WHEN NEW.item_id = 'a.002' "
                       "BEGIN SELECT RAISE(ABORT, 'refused'); END")
    with pytest.raises(sqlite3.IntegrityError):
        store.record_many(answers)
    assert store.conn.execute("SELECT COUNT(*) FROM reviews").fetchone() == (3,)
    assert store.conn.execute("SELECT reviewed, correct, wrong FROM sessions").fetchall() == [(3, 2, 1)]
    assert [store.get(s.item_id) for s in before] == before  # no schedule touched
    store.close()
