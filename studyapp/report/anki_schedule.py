"""Our schedules and review log in Anki's terms, written into the collection of a package that
``report.anki`` has built (genanki writes every card as new and no review log).

For each card with a history: the ``cards`` columns ``type`` and ``queue`` (1 learning, 2 review,
3 relearning; queue 1 for a step due within a day, 3 for one due a day or more after the last
review, -1 when suspended), ``due`` (epoch seconds on queue 1, else the day number: days since the
collection's creation), ``ivl`` (days), ``factor`` (2500, Anki's starting ease: FSRS ignores it
and SM-2 starts from it), ``reps``, ``lapses``, ``left`` (learning steps to go) and the FSRS memory
state in ``data`` (``{"s", "d", "dr", "lrt"}``: stability, difficulty, desired retention, last
review in epoch seconds), which Anki 23.10 and later read. For each scheduled review a ``revlog``
row: id = review time in ms, ease = the rating, ivl and lastIvl (days, or negative seconds for a
learning step), factor (FSRS difficulty as Anki logs it: ``((d - 1) / 9 + 0.1) * 1000``), time
(ms, capped at Anki's default 60 s) and type (0 learning, 1 review, 2 relearning).

Day numbers: the collection is created at the start of the study day ``EPOCH_DAY`` (our day
hour, in the learner's zone) and says so (``rollover``, ``creationOffset``), so the day of every
due date is the day we count. Anki shifts day numbers to its own collection on import.

A cloze note is one of our items and one Anki card per gap: every card of the note gets the
item's schedule and review log (each answer in studyapp recalls every gap). A problem template's
history goes on its first example card (``anki.EXAMPLE_SEEDS[0]``); the other examples stay new.

This writes Anki's file, never our database (that is read by ``store.history_export``).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

from studyapp.core.days import day_start, local_zone, study_date
from studyapp.core.scheduler import LEARNING, RELEARNING, REVIEW, ItemState
from studyapp.core.settings import Settings
from studyapp.store.history_export import ItemHistory, LoggedReview

EPOCH_DAY = date(2014, 9, 19)  # the day genanki's collections are created on
START_EASE = 2500  # Anki's "starting ease" (permille), its default
MAX_TAKEN_MS = 60_000  # Anki's default "maximum answer seconds": longer answers are logged as 60 s
ANKI_TYPE = {LEARNING: 1, REVIEW: 2, RELEARNING: 3}
REVLOG_TYPE = {LEARNING: 0, REVIEW: 1, RELEARNING: 2}


@dataclass(frozen=True)
class AnkiDays:
    """Anki's day numbers for the learner's study days (``core.days``)."""

    zone: tzinfo
    hour: int

    @classmethod
    def of(cls, settings: Settings) -> AnkiDays:
        return cls(local_zone(settings.timezone), settings.day_start_hour)

    def created(self) -> datetime:
        return day_start(EPOCH_DAY, self.zone, self.hour)

    def number(self, t: datetime) -> int:
        return (study_date(t, self.zone, self.hour) - EPOCH_DAY).days


@dataclass(frozen=True)
class CardSchedule:
    """The scheduling columns of one Anki card."""

    type: int
    queue: int
    due: int
    ivl: int
    factor: int
    reps: int
    lapses: int
    left: int
    data: str


@dataclass(frozen=True)
class RevlogRow:
    id: int
    ease: int
    ivl: int
    last_ivl: int
    factor: int
    time: int
    type: int


def card_schedule(history: ItemHistory, days: AnkiDays, settings: Settings) -> CardSchedule:
    s = history.state
    assert s.due is not None and s.last_review is not None  # a studied item always has both
    kind = ANKI_TYPE[s.state]
    if s.state == REVIEW:
        queue, due, ivl, left = 2, days.number(s.due), max(1, round(s.interval_days())), 0
    else:
        steps = settings.learning_steps_minutes if s.state == LEARNING else settings.relearning_steps_minutes
        left = max(1, len(steps) - (s.step or 0))
        ivl = 0 if s.state == LEARNING else max(1, round(s.stability or 1))  # the interval it returns to
        if s.due - s.last_review < timedelta(days=1):
            queue, due = 1, int(s.due.timestamp())
        else:
            queue, due = 3, days.number(s.due)
    memory = {"s": round(s.stability, 4), "d": round(s.difficulty, 4)} \
        if s.stability is not None and s.difficulty is not None else {}
    data = {**memory, "dr": settings.desired_retention, "lrt": int(s.last_review.timestamp())}
    return CardSchedule(kind, -1 if s.suspended else queue, due, ivl, START_EASE, len(history.reviews),
                        s.lapses, left, json.dumps(data, separators=(",", ":")))


def revlog_rows(history: ItemHistory) -> list[RevlogRow]:
    """One row per scheduled review; the state after a review is the one the next review started
    from (the item's state now, after the last)."""
    afters = [r.before for r in history.reviews[1:]] + [history.state]
    return [_revlog_row(review, after, first=i == 0)
            for i, (review, after) in enumerate(zip(history.reviews, afters, strict=True))]


def _revlog_row(review: LoggedReview, after: ItemState | None, first: bool) -> RevlogRow:
    before = review.before
    if before is None:  # logged before schema 2 kept the state: a first review learns
        kind = 0 if first else 1
    else:
        kind = 0 if before.is_new else REVLOG_TYPE[before.state]
    factor = 0
    if after is not None and after.difficulty is not None:
        factor = round(((after.difficulty - 1) / 9 + 0.1) * 1000)
    return RevlogRow(id=int(review.reviewed_at.timestamp() * 1000), ease=review.rating,
                     ivl=_interval(after), last_ivl=_interval(before), factor=factor,
                     time=min(max(review.duration_ms or 0, 0), MAX_TAKEN_MS), type=kind)


def _interval(s: ItemState | None) -> int:
    """An interval as the revlog keeps it: days for a review, negative seconds for a step."""
    if s is None or s.is_new or s.due is None or s.last_review is None:
        return 0
    if s.state == REVIEW:
        return max(1, round(s.interval_days()))
    return -round((s.due - s.last_review).total_seconds())


def write_history(conn: sqlite3.Connection, histories: dict[str, ItemHistory], settings: Settings) -> int:
    """Schedule the cards of each note (by GUID) of ``histories`` and add their review log to the
    collection open on ``conn``; returns the number of revlog rows written."""
    days = AnkiDays.of(settings)
    _date_the_collection(conn, days)
    used: set[int] = set()
    written = 0
    for guid, history in histories.items():
        schedule = card_schedule(history, days, settings)
        rows = revlog_rows(history)
        card_ids = [cid for (cid,) in conn.execute(
            "SELECT c.id FROM cards c JOIN notes n ON n.id = c.nid WHERE n.guid = ? ORDER BY c.ord", (guid,))]
        for cid in card_ids:
            conn.execute("UPDATE cards SET type = ?, queue = ?, due = ?, ivl = ?, factor = ?, reps = ?, "
                         "lapses = ?, left = ?, data = ? WHERE id = ?",
                         (schedule.type, schedule.queue, schedule.due, schedule.ivl, schedule.factor,
                          schedule.reps, schedule.lapses, schedule.left, schedule.data, cid))
            for row in rows:
                conn.execute("INSERT INTO revlog (id, cid, usn, ease, ivl, lastIvl, factor, time, type) "
                             "VALUES (?, ?, -1, ?, ?, ?, ?, ?, ?)",
                             (_unique(row.id, used), cid, row.ease, row.ivl, row.last_ivl, row.factor,
                              row.time, row.type))
            written += len(rows)
    return written


def _unique(ms: int, used: set[int]) -> int:
    """A revlog id not used yet: Anki keeps one row per id, so two answers logged in the same
    millisecond (or the gaps of one cloze) are a millisecond apart."""
    while ms in used:
        ms += 1
    used.add(ms)
    return ms


def _date_the_collection(conn: sqlite3.Connection, days: AnkiDays) -> None:
    """The collection's creation time and day boundary, for the day numbers of ``days``; the v2
    scheduler (genanki's collection says nothing, which means v1, whose upgrade on import
    rewrites learning cards)."""
    created = days.created()
    (conf_text,) = conn.execute("SELECT conf FROM col").fetchone()
    conf = json.loads(conf_text)
    offset = created.astimezone(days.zone).utcoffset() or timedelta(0)
    conf.update(schedVer=2, rollover=days.hour, creationOffset=-int(offset.total_seconds() // 60))
    conn.execute("UPDATE col SET crt = ?, conf = ?", (int(created.timestamp()), json.dumps(conf)))
