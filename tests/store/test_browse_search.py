"""The browser's index answers every search exactly as the core's reference meaning does
(``Query.filter`` over ``Entry`` values): the same entries are put in a database and an index,
and the two answers are compared, on the search tests' table, on random lines of its grammar,
and on random schedules (half-day intervals, overdue days, a clock with microseconds)."""

from __future__ import annotations

import sqlite3
import threading
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studyapp.core.scheduler import LEARNING, RELEARNING, REVIEW, ItemState
from studyapp.core.search import Entry, Query, parse
from studyapp.store import browse_index
from studyapp.store.browse_index import BrowseIndex, Cancelled, IndexItem
from studyapp.store.browse_sql import Condition, glob_escape, timeless, within
from studyapp.store.progress import Store, ms
from tests.core.test_search import DAY_END, ENTRIES, LINES, NOW, PIECES


def NEVER() -> bool:  # noqa: N802 - a query nobody cancels
    return False


def build(path: Path, entries: list[Entry], stored: set[str] | None = None) -> BrowseIndex:
    """A database holding these entries' schedules (``stored``: only those ids; the others were
    never stored) and last answers, and an index over them in this order."""
    store = Store(path)
    for e in entries:
        if stored is None or e.state.item_id in stored:
            store.set_item(e.state)
            if e.last_answered is not None:
                store.conn.execute("INSERT INTO reviews (item_id, reviewed_at, rating, mode) "
                                   "VALUES (?, ?, 3, 'practice')", (e.state.item_id, ms(e.last_answered)))
    store.close()
    index = BrowseIndex(path)
    update(index, entries)
    index.fill_titles(lambda k: (e.text.casefold() for e in entries[k:]), NEVER)
    return index


def indexed(entries: list[Entry]):
    """``BrowseIndex.update``'s ``items_from`` of these entries."""
    return lambda k: ((IndexItem(e.state.item_id, e.state.deck, e.state.kind, e.type, e.tags,
                                 e.state.deck.title()), e.text) for e in entries[k:])


def update(index: BrowseIndex, entries: list[Entry], cancelled=NEVER) -> None:
    index.update(len(entries), indexed(entries), cancelled)


def sql_ids(index: BrowseIndex, entries: list[Entry], query: Query, now: datetime,
            day_end: datetime) -> list[str]:
    found = index.page(query, now, day_end, None, False, 0, 10**6, NEVER)
    assert index.count(query, now, day_end, NEVER) == len(found)
    return [entries[n].state.item_id for n in found]


def python_ids(entries: list[Entry], query: Query, now: datetime, day_end: datetime) -> list[str]:
    return [e.state.item_id for e in query.filter(entries, now, day_end)]


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    built = build(tmp_path_factory.mktemp("browse") / "p.sqlite3", ENTRIES)
    yield built
    built.close()


LINES_OF_THE_SEARCH_TESTS = [
    "", "deck:convolution", "DECK:Convolution", "deck:conv*", "deck:conv", "deck:*s", "is:new", "is:learn",
    "is:review", "is:due", "is:suspended", "is:leech", "is:buried", "deck:convolution -is:new",
    "-deck:convolution -deck:losses", "kind:cloze", "kind:problem", "kind:card", "kind:activation",
    "kind:softmax*", "stride", "STRIDE", "步幅", "conv.", '"stride s"', '"s stride"', '"stride    s"',
    "stride filter", "s*filter", "cross-entropy", "deck:losses or is:leech",
    "is:new or is:suspended deck:convolution", "-(deck:losses or deck:activations)",
    "(deck:losses or deck:activations) -is:review", "deck:losses and is:buried",
    "--is:new", "tag:cnn", "tag:pad*", "tag:none", "id:act.*", "id:conv.due", "prop:ivl>=20", "prop:due<0",
    "prop:due=0", "prop:due=28", "prop:due=30", "prop:lapses>=1", "prop:lapses=0", "prop:s>20", "prop:d>0.5",
    "prop:d<=0.5", "prop:d!=0.5", "rated:1", "rated:7", "rated:365", r"conv\.new", r"padding\ keeps",
    '"deck:convolution"', "-tag:none", "-prop:ivl>1", "-prop:s<1", "id:*", "tag:*", "s*", "*", '""',
]


@pytest.mark.parametrize("line", LINES_OF_THE_SEARCH_TESTS)
def test_the_index_finds_what_the_core_finds(index, line):
    query = parse(line)
    assert isinstance(query, Query)
    assert sql_ids(index, ENTRIES, query, NOW, DAY_END) == python_ids(ENTRIES, query, NOW, DAY_END)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(LINES)
def test_any_line_means_the_same_in_sql(index, line):
    query = parse(line)
    if isinstance(query, Query):
        assert sql_ids(index, ENTRIES, query, NOW, DAY_END) == python_ids(ENTRIES, query, NOW, DAY_END)


# --- random schedules -------------------------------------------------------------------------
T0 = datetime(2026, 3, 2, 4, tzinfo=UTC)
MS = st.integers(-40 * 86_400_000, 40 * 86_400_000).map(lambda v: T0 + timedelta(milliseconds=v))
HALF_DAYS = st.integers(-6, 80).map(lambda k: k * 43_200_000)  # intervals of whole and half days


@st.composite
def states(draw, n: int) -> ItemState:
    last = draw(st.none() | MS)
    offsets = HALF_DAYS | st.integers(-10**9, 10**10)
    due = draw(st.none() | st.builds(lambda t, d: t + timedelta(milliseconds=d), MS, offsets))
    if last is not None and due is not None and draw(st.booleans()):
        due = last + timedelta(milliseconds=draw(HALF_DAYS))
    return ItemState(f"it.{n}", draw(st.sampled_from(["convolution", "Losses", "ǅeck"])),
                     draw(st.sampled_from(["card", "problem"])), is_new=draw(st.booleans()),
                     state=draw(st.sampled_from([LEARNING, REVIEW, RELEARNING])),
                     stability=draw(st.none() | st.floats(0.01, 400)),
                     difficulty=draw(st.none() | st.floats(1, 10)), due=due, last_review=last,
                     lapses=draw(st.integers(0, 12)), leech=draw(st.booleans()),
                     suspended=draw(st.booleans()), buried_until=draw(st.none() | MS))


@st.composite
def libraries(draw) -> list[Entry]:
    out = []
    for n in range(draw(st.integers(1, 25))):
        kind = draw(st.sampled_from(["basic", "cloze", "conv2d"]))
        tags = draw(st.sampled_from([(), ("cnn",), ("cnn", "a*b")]))
        out.append(Entry(draw(states(n)), kind, f"it.{n}\nsome text", tags, draw(st.none() | MS)))
    return out


PROBES = ["is:due", "is:buried", "is:learn", "is:review", "is:new", "-is:new", "prop:ivl=0", "prop:ivl=1",
          "prop:ivl=2", "prop:ivl>=21", "prop:ivl!=3", "prop:due=0", "prop:due=-1", "prop:due<-3",
          "prop:due>=5", "prop:s>10", "prop:d<0.5", "prop:lapses>3", "rated:1", "rated:2", "rated:30",
          "deck:ǆeck", "deck:l*", "kind:card", "kind:conv2d", "tag:a*b", "tag:a\\*b", "tag:none",
          "-is:suspended is:due or is:leech"]


@settings(max_examples=60, deadline=None)
@given(libraries(), MS, st.integers(0, 999))
def test_random_schedules_mean_the_same_in_sql(tmp_path_factory, entries, now, micros):
    now = now + timedelta(microseconds=micros)  # the clock is finer than what is stored
    day_end = datetime(now.year, now.month, now.day, 4, tzinfo=UTC) + timedelta(days=1)
    index = build(tmp_path_factory.mktemp("random") / "p.sqlite3", entries)
    try:
        for line in PROBES:
            query = parse(line, kinds=["conv2d"])
            assert isinstance(query, Query), line
            assert sql_ids(index, entries, query, now, day_end) == python_ids(entries, query, now, day_end), \
                line
    finally:
        index.close()


def test_half_day_intervals_round_to_even_as_python_does(tmp_path):
    entries = []
    for k in range(12):  # 0, 0.5, 1, 1.5, ... days: round() gives 0, 0, 1, 2, 2, 2, 3, 4, ...
        state = ItemState(f"h{k}", "d", "card", is_new=False, state=REVIEW, last_review=NOW,
                          due=NOW + timedelta(hours=12 * k))
        entries.append(Entry(state, "basic", f"h{k}"))
    index = build(tmp_path / "p.sqlite3", entries)
    for v in range(7):
        query = parse(f"prop:ivl={v}")
        assert sql_ids(index, entries, query, NOW, DAY_END) == python_ids(entries, query, NOW, DAY_END)
        assert sql_ids(index, entries, query, NOW, DAY_END) == [f"h{k}" for k in range(12)
                                                                 if round(k / 2) == v]
    index.close()


def test_an_item_never_stored_is_new_in_its_content_deck(tmp_path):
    studied = ItemState("a", "d1", "card", is_new=False, state=REVIEW, due=NOW,
                        last_review=NOW - timedelta(days=3))
    entries = [Entry(studied, "basic", "a"),
               Entry(ItemState("b", "d2", "problem"), "conv2d", "b")]
    index = build(tmp_path / "p.sqlite3", entries, stored={"a"})
    for line in ("is:new", "deck:d2", "kind:problem", "prop:lapses=0", "-is:review", "rated:30"):
        query = parse(line, kinds=["conv2d"])
        assert sql_ids(index, entries, query, NOW, DAY_END) == python_ids(entries, query, NOW, DAY_END), line
    index.close()


def test_a_change_is_read_again_and_nothing_else_is(tmp_path):
    index = build(tmp_path / "p.sqlite3", ENTRIES)
    suspended = parse("is:suspended")
    assert sql_ids(index, ENTRIES, suspended, NOW, DAY_END) == ["conv.susp"]
    store = Store(tmp_path / "p.sqlite3")
    store.set_item(ItemState("conv.new", "convolution", "card", suspended=True))
    index.refresh("conv.new")  # the face says what it changed; the next query reads it
    assert sql_ids(index, ENTRIES, suspended, NOW, DAY_END) == ["conv.new", "conv.susp"]
    store.set_item(ItemState("act.learn", "activations", "problem", suspended=True))
    update(index, ENTRIES)  # another opening: the database changed, every schedule is read again
    assert sql_ids(index, ENTRIES, suspended, NOW, DAY_END) == ["conv.new", "conv.susp", "act.learn"]
    version = index.version
    update(index, ENTRIES, cancelled=lambda: True)  # nothing written since: nothing to read again
    assert index.version == version and index.complete.is_set()
    store.close()
    index.close()


def test_pages_come_in_order_and_a_cancelled_query_stops(tmp_path):
    index = build(tmp_path / "p.sqlite3", ENTRIES)
    everything = parse("")
    assert isinstance(everything, Query)
    pages = [index.page(everything, NOW, DAY_END, None, False, k, 3, NEVER) for k in range(0, 9, 3)]
    assert [n for page in pages for n in page] == list(range(len(ENTRIES)))
    last = len(ENTRIES) - 1
    assert index.page(everything, NOW, DAY_END, None, True, 0, 2, NEVER) == [last, last - 1]
    with pytest.raises(Cancelled):
        index.page(everything, NOW, DAY_END, None, False, 0, 3, lambda: True)
    index.close()
    with pytest.raises(Cancelled):
        index.count(everything, NOW, DAY_END, NEVER)


def test_the_index_is_kept_for_the_same_content_and_language(tmp_path):
    Store(tmp_path / "p.sqlite3").close()

    class Content:  # weak references need an object that can have them
        pass

    content, other = Content(), Content()
    first = BrowseIndex.shared(tmp_path / "p.sqlite3", content, "en")
    assert BrowseIndex.shared(tmp_path / "p.sqlite3", content, "en") is first
    second = BrowseIndex.shared(tmp_path / "p.sqlite3", content, "zh")
    assert second is not first and first.closed
    assert BrowseIndex.shared(tmp_path / "p.sqlite3", other, "zh") is not second and second.closed


def test_globs_are_escaped_and_only_the_index_connection_is_written(tmp_path):
    assert glob_escape("a*b?[c]") == "a[*]b[?][[]c]"
    path = tmp_path / "p.sqlite3"
    index = build(path, ENTRIES)
    index.close()
    with sqlite3.connect(path) as conn:  # the temporary tables never reach the database
        assert {name for (name,) in conn.execute("SELECT name FROM sqlite_master")} >= {"items", "reviews"}
        assert not conn.execute("SELECT name FROM sqlite_master WHERE name LIKE 'browse%'").fetchall()


@pytest.mark.parametrize("line", ["\x00", '"a\x00b"', "s*\x00", "deck:\x00", "id:conv.*\x00", "\ud800",
                                  "s*\ud800", "-\ud800", "deck:\ud800*"])
def test_what_sql_strings_cannot_hold_means_the_same(index, line):
    query = parse(line)
    assert isinstance(query, Query)
    assert sql_ids(index, ENTRIES, query, NOW, DAY_END) == python_ids(ENTRIES, query, NOW, DAY_END)


def test_a_build_stopped_early_is_resumed_where_it_stopped(tmp_path):
    Store(tmp_path / "p.sqlite3").close()
    entries = [Entry(ItemState(f"i{k}", "d", "card"), "basic", f"i{k}\ntext {k:05d}") for k in range(5_000)]
    index = BrowseIndex(tmp_path / "p.sqlite3")
    asked = []

    def items_from(k: int):
        asked.append(k)
        return indexed(entries)(k)

    index.update(len(entries), items_from, lambda: True)  # the screen closed after the first chunk
    assert not index.complete.is_set() and 0 < index.filled == index.fresh < len(entries)
    index.update(len(entries), items_from, NEVER)  # the next opening goes on from there
    assert asked[0] == 0 and 0 < asked[1] < len(entries) and index.complete.is_set()
    for k in (0, 2_345, 4_999):
        query = parse(f'"text {k:05d}"')
        assert isinstance(query, Query)
        assert sql_ids(index, entries, query, NOW, DAY_END) == [f"i{k}"]
    index.close()


# --- a query looks only at what the last count found, when that holds all it can find ----------
def node(line: str):
    query = parse(line)
    assert isinstance(query, Query), line
    return query.test


def test_which_queries_can_only_find_what_another_found():
    assert within(node("strid"), node("stri")) and within(node("stride"), node("stride"))
    assert within(node("stride -is:new"), node("strid")) and within(node("deck:a strid"), node("deck:a"))
    assert within(node("strid tag:cnn"), node("tag:cnn str"))
    assert not within(node("stri"), node("strid")) and not within(node("s*de"), node("stri"))
    assert not within(node("stride or deck:a"), node("stride")) and not within(node("stride"), node(""))
    assert not within(node("is:due stride"), node("is:due")) and not within(node("rated:2"), node("rated:2"))
    assert timeless(node("-(stride or is:new) prop:ivl>2")) and not timeless(node("a or prop:due>1"))


def test_a_line_typed_on_looks_only_at_what_the_last_count_found(tmp_path):
    index = build(tmp_path / "p.sqlite3", ENTRIES)
    first = parse("s")
    assert isinstance(first, Query)
    index.count(first, NOW, DAY_END, NEVER)
    for line in ("st", "str", "stri", "strid", "stride", "stride -is:new", "stride s -is:new"):
        query = parse(line)
        assert isinstance(query, Query)
        with index.lock:
            assert tables(index, query)[1] == "h.n", line  # read from the kept items
        assert sql_ids(index, ENTRIES, query, NOW, DAY_END) == python_ids(ENTRIES, query, NOW, DAY_END), line
    backwards = parse("strid")
    assert isinstance(backwards, Query)
    with index.lock:
        assert tables(index, backwards)[1] == "x.n"  # "stride s" found less than it can: every text
    index.close()


def tables(index: BrowseIndex, query: Query) -> tuple[str, str]:
    cond = Condition(query.test, NOW, DAY_END)
    return index._tables(query, cond, cond.needs)


@pytest.mark.parametrize(("line", "first"), [
    ("stride", "x"), ("-stride", "x"), ("stride or \"conv layer\"", "x"), ("s*e", "x"),
    ("deck:a stride", "b"), ("stride is:due", "b"), ("tag:cnn stride", "b"), ("kind:cloze", "b"),
    ("is:new", "b"), ("", "b")])
def test_a_search_of_words_only_reads_the_texts_first(tmp_path, line, first):
    """Words alone: the texts are scanned and tested as they are read, the items looked up for
    those that match; anything else is tested on the items first (it spares texts). The rows are
    the same either way (the tests above compare them with the core's)."""
    index = build(tmp_path / "p.sqlite3", ENTRIES)
    query = parse(line)
    assert isinstance(query, Query)
    cond = Condition(query.test, NOW, DAY_END)
    with index.lock:
        from_, n = index._tables(query, cond, cond.needs)
        plan = index.conn.execute(f"EXPLAIN QUERY PLAN SELECT b.n FROM {from_} WHERE {cond.sql} ORDER BY {n}",
                                  cond.args).fetchall()
    assert plan[0][3].split()[1] == first, plan  # the outer loop, in content order: no sort
    assert not any("TEMP B-TREE" in row[3] for row in plan), plan
    page = index.page(query, NOW, DAY_END, None, False, 0, 3, NEVER)
    assert page == [n for n, e in enumerate(ENTRIES) if query.filter([e], NOW, DAY_END)][:3]
    index.close()


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(LINES, st.lists(PIECES, max_size=6).map("".join))
def test_a_line_typed_on_means_the_same_in_sql(index, line, more):
    before, after = parse(line), parse(line + more)
    if isinstance(before, Query) and isinstance(after, Query):
        index.count(before, NOW, DAY_END, NEVER)
        assert sql_ids(index, ENTRIES, after, NOW, DAY_END) == python_ids(ENTRIES, after, NOW, DAY_END)


def test_what_a_count_kept_is_forgotten_when_an_item_changes(tmp_path):
    index = build(tmp_path / "p.sqlite3", ENTRIES)
    suspended = parse("is:suspended")
    assert isinstance(suspended, Query)
    assert sql_ids(index, ENTRIES, suspended, NOW, DAY_END) == ["conv.susp"]  # and kept
    store = Store(tmp_path / "p.sqlite3")
    store.set_item(ItemState("conv.new", "convolution", "card", suspended=True))
    index.refresh("conv.new")
    assert sql_ids(index, ENTRIES, suspended, NOW, DAY_END) == ["conv.new", "conv.susp"]
    store.set_item(ItemState("act.learn", "activations", "problem", suspended=True))
    update(index, ENTRIES)
    assert sql_ids(index, ENTRIES, suspended, NOW, DAY_END) == ["conv.new", "conv.susp", "act.learn"]
    store.close()
    index.close()


# --- a search typed while the index is built -----------------------------------------------------
@pytest.fixture(scope="module")
def database(tmp_path_factory):
    path = tmp_path_factory.mktemp("early") / "p.sqlite3"
    build(path, ENTRIES).close()
    return path


def page_while_built(index: BrowseIndex, entries: list[Entry], query: Query, offset: int,
                     limit: int) -> list[str]:
    """The page, asked in a thread of its own while this one completes the index."""
    out: list[list[int]] = []
    asking = threading.Thread(target=lambda: out.append(
        index.page(query, NOW, DAY_END, None, False, offset, limit, NEVER)))
    asking.start()
    update(index, entries)
    asking.join()
    return [entries[n].state.item_id for n in out[0]]


@pytest.mark.parametrize("line", LINES_OF_THE_SEARCH_TESTS)
def test_a_search_typed_while_the_index_is_built_finds_the_whole_index_page(database, monkeypatch, line):
    """In content order a page comes from the items already in when they hold it (no waiting for
    the rest), else once more are in; either way it is the page of the whole index."""
    monkeypatch.setattr(browse_index, "CHUNK", 2)
    query = parse(line)
    assert isinstance(query, Query)
    expected = python_ids(ENTRIES, query, NOW, DAY_END)
    position = {e.state.item_id: n for n, e in enumerate(ENTRIES)}
    for filled in (2, 4, 6):
        for offset, limit in ((0, 1), (0, 3), (1, 2)):
            index = BrowseIndex(database)
            update(index, ENTRIES, cancelled=lambda: index.filled >= filled)  # noqa: B023
            assert index.filled == index.fresh == filled and not index.complete.is_set()
            want = expected[offset:offset + limit]
            if sum(position[i] < filled for i in expected) >= offset + limit:
                guard = time.monotonic() + 60  # (a page that waited would be cancelled, not hang)
                found = index.page(query, NOW, DAY_END, None, False, offset, limit,
                                   lambda: time.monotonic() > guard)  # noqa: B023
                assert [ENTRIES[n].state.item_id for n in found] == want
                assert not index.complete.is_set()
            else:
                assert page_while_built(index, ENTRIES, query, offset, limit) == want
            index.close()


def test_a_search_while_the_schedules_are_read_again_sees_only_current_ones(tmp_path, monkeypatch):
    monkeypatch.setattr(browse_index, "CHUNK", 2)
    index = build(tmp_path / "p.sqlite3", ENTRIES)  # conv.susp (the third item) is suspended
    suspended = parse("is:suspended")
    assert isinstance(suspended, Query)
    store = Store(tmp_path / "p.sqlite3")
    store.set_item(replace(ENTRIES[2].state, suspended=False))
    store.set_item(replace(ENTRIES[3].state, suspended=True))
    store.close()
    update(index, ENTRIES, cancelled=lambda: index.fresh >= 2)  # the first two read again
    assert index.fresh == 2 and index.filled == len(ENTRIES) and not index.complete.is_set()
    assert page_while_built(index, ENTRIES, suspended, 0, 1) == ["act.learn"]  # not conv.susp
    assert sql_ids(index, ENTRIES, suspended, NOW, DAY_END) == ["act.learn"]
    index.close()


def test_a_count_and_a_sort_wait_for_every_item(database, monkeypatch):
    monkeypatch.setattr(browse_index, "CHUNK", 2)
    index = BrowseIndex(database)
    update(index, ENTRIES, cancelled=lambda: index.filled >= 2)
    everything = parse("")
    assert isinstance(everything, Query)
    counted: list[object] = []
    asking = threading.Thread(target=lambda: counted.extend([
        index.count(everything, NOW, DAY_END, NEVER),
        index.page(everything, NOW, DAY_END, "due", False, 0, 100, NEVER),
        index.page(everything, NOW, DAY_END, None, True, 0, 1, NEVER)]))
    asking.start()
    update(index, ENTRIES)  # (a count or sort of the first two items would be done before this)
    asking.join()
    due_order = sorted(range(len(ENTRIES)), key=lambda n: (ENTRIES[n].state.due is None, ENTRIES[n].state.due
                                                           or NOW))
    assert counted == [len(ENTRIES), due_order, [len(ENTRIES) - 1]]
    index.close()


@pytest.mark.parametrize("line", LINES_OF_THE_SEARCH_TESTS)
def test_a_search_while_the_schedules_are_read_again_finds_the_whole_index_page(tmp_path_factory, monkeypatch,
                                                                                 line):
    """After a commit the schedules are read again, a chunk at a time: a query that reads none
    (a word, an id, a tag) is answered from every item at once; one that reads them waits for
    them. Either way the page is the whole index's, as the core finds it."""
    monkeypatch.setattr(browse_index, "CHUNK", 2)
    query = parse(line)
    assert isinstance(query, Query)
    expected = python_ids(ENTRIES, query, NOW, DAY_END)[1:3]
    path = tmp_path_factory.mktemp("again") / "p.sqlite3"
    index = build(path, ENTRIES)
    store = Store(path)
    store.set_item(ENTRIES[0].state)  # (the same schedule: only the database's version changes)
    store.close()
    update(index, ENTRIES, cancelled=lambda: index.fresh >= 2)
    assert index.fresh == 2 and index.filled == len(ENTRIES) and not index.complete.is_set()
    if "state" in Condition(query.test, NOW, DAY_END).needs:
        assert page_while_built(index, ENTRIES, query, 1, 2) == expected
    else:
        guard = time.monotonic() + 60  # (a page that waited would be cancelled, not hang)
        found = index.page(query, NOW, DAY_END, None, False, 1, 2, lambda: time.monotonic() > guard)
        assert [ENTRIES[n].state.item_id for n in found] == expected
        assert index.fresh == 2  # not waited for
    index.close()


@pytest.mark.parametrize(("line", "state"), [
    ("stride", False), ("id:conv.*", False), ("tag:cnn", False), ("tag:none", False), ('"s stride"', False),
    ("deck:losses", True), ("kind:cloze", True), ("is:new", True), ("prop:ivl>1", True), ("rated:1", True),
    ("stride -is:new", True), ("stride or deck:losses", True)])
def test_a_condition_says_whether_it_reads_the_schedules(line, state):
    query = parse(line)
    assert isinstance(query, Query)
    assert ("state" in Condition(query.test, NOW, DAY_END).needs) is state
