"""Every figure of the progress report, computed from the store as plain data.

``compute`` returns one JSON-ready dict; the renderers (Markdown, HTML, JSON) only lay it out.
Nothing here reads the clock, the settings file or the content: the caller passes ``now`` (UTC),
the study-day rules and, optionally, the library's titles.

Definitions (every one of them is what the tests recompute independently):

- The scope is the reviews from the start of the ``--since`` study day (or the first review) to
  the end of today's study day, of the items of the ``--deck`` decks (or all).
- Items by state are a snapshot of ``items`` now, for the items the content still has
  (``in_content``): suspended first, then new, learning, young / mature (a Review-state item
  whose interval ``due - last_review`` is under / at least 21 days), relearning.
- True retention: among the scheduled reviews of the window of an item in the Review state
  (``prev_code`` 2), the share of answers other than Again (rating > 1);
  young and mature by the interval the item had before the review. Windows are today's study
  day and the last 7, 30 and 365 study days, today included.
- Mastery of a deck: the mean FSRS retrievability now (``Scheduler.retrievability``: new items
  count 0) over its items that are not suspended; ``recall`` is the same mean over the studied
  ones only. Problem accuracy: the share of ``result.correct`` among the graded answers to the
  deck's problem templates.
- Mistakes: the ``mistake`` tags of the answers to problem templates, most frequent first, each
  with the most recent answer typed for it.
- The memory model (when ``compute`` is given one): the parameters in use and a calibration of
  them on the learner's reviews (``report.memory_section``).

The review log can hold a million rows. The work is split into SQL queries that run in parallel
on their own read-only connections (SQLite releases the GIL while it steps); the log is read in
chunks of ids, each reading every row once, with several counters packed into one integer sum
(fields wide enough that they cannot carry into each other). The state before each review and
whether a graded answer was right are plain columns (schema version 3: ``prev_code``,
``prev_ivl``, ``correct``), so no row's JSON is parsed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from studyapp.core.days import day_start, study_date
from studyapp.report.memory_section import memory_figures
from studyapp.store.report_queries import (
    CHUNK,
    STABILITY_EDGES,
    TOP_LEECHES,
    Pool,
    Query,
    Scope,
    StudyDays,
    chunk_counts,
    day_counts,
    forecast,
    item_figures,
    ms,
    problem_answers,
    recent_days,
    recent_sessions,
    retention_counts,
    review_span,
)

if TYPE_CHECKING:
    import sqlite3

    from studyapp.core.memory_model import MemoryModel

__all__ = ["Names", "Scope", "StudyDays", "Query", "TOP_LEECHES", "compute", "curve_of", "ms"]


SCHEMA = "studyapp.report/1"
STATES = ("new", "learning", "young", "mature", "relearning", "suspended")
CATEGORIES = ("new", "learning", "review", "relearning", "practice", "unknown")
WINDOWS = (("today", 1), ("week", 7), ("month", 30), ("year", 365))
HEATMAP_DAYS = 365
RECENT_DAYS = 30
FORECAST_DAYS = 30
TOP_MISTAKES = 10



@dataclass
class Names:
    """Titles from the content, in the report's language (ids are shown where there are none)."""

    decks: dict[str, str] = field(default_factory=dict)
    items: dict[str, str] = field(default_factory=dict)


def curve_of(scheduler: Any) -> tuple[float, float]:
    """(factor, decay) of the forgetting curve a ``studyapp.core.scheduler.Scheduler`` uses."""
    f = scheduler.fsrs
    decay = getattr(f, "_DECAY", None)
    if decay is None:
        decay = -float(f.parameters[20])
    factor = getattr(f, "_FACTOR", None)
    if factor is None:
        factor = 0.9 ** (1 / decay) - 1
    return float(factor), float(decay)


def iso_day(d: date) -> str:
    return d.isoformat()


def _rate(passed: int, total: int) -> float | None:
    return passed / total if total else None


def _bucket_size(starts: Iterable[int]) -> int:
    """The largest of 15 min, 1 min, 1 s that divides every day boundary (all zones: 15 min)."""
    starts = list(starts)
    for size in (900_000, 60_000, 1000, 1):
        if all(s % size == 0 for s in starts):
            return size
    return 1


def compute(connect: Callable[[], sqlite3.Connection], scope: Scope, *, names: Names | None = None,
            workers: int = 2, progress: Callable[[int, int], None] | None = None,
            names_loader: Callable[[], Names] | None = None,
            memory: MemoryModel | None = None) -> dict[str, Any]:
    """Every figure of the report. ``connect`` opens a read connection (called once per worker);
    ``names_loader`` (e.g. loading the content) runs in this thread while the queries run; with
    ``memory`` (the settings' memory model) the result has a ``memory_model`` section too."""
    now = scope.now.astimezone(UTC)
    zone, hour = scope.zone, scope.day_hour
    today = study_date(now, zone, hour)
    today_end = ms(day_start(today + timedelta(days=1), zone, hour))
    since_ms = ms(day_start(scope.since, zone, hour)) if scope.since else None
    main = connect()
    try:
        first_t, min_id, max_id = review_span(main, since_ms)
    finally:
        main.close()
    lo = since_ms if since_ms is not None else (first_t if first_t is not None else today_end)
    first_day = study_date(datetime.fromtimestamp(lo / 1000, tz=UTC), zone, hour) if first_t is not None \
        else today
    first_day = min(first_day, today - timedelta(days=HEATMAP_DAYS - 1))
    days = StudyDays(first_day, today, zone, hour)
    q = Query(scope, lo, today_end)
    future = StudyDays(today, today + timedelta(days=FORECAST_DAYS - 1), zone, hour)
    first_recent = len(days.dates) - RECENT_DAYS
    bucket = _bucket_size(future.starts)

    pool = Pool(connect, workers)
    jobs: dict[str, Any] = {}
    try:
        # The longest queries first (the memory model's calibration reads and replays a sample of
        # histories: ~0.2 s on a million reviews); then the review log in chunks of ids (time spent,
        # and retention in the year's band before the month), the month's, the week's and today's
        # bands, the rest.
        if memory is not None:
            jobs["memory"] = pool.submit(memory_figures, memory, scope.decks)
        jobs["problems"] = pool.submit(problem_answers, q)
        bounds = {name: max(ms(day_start(today - timedelta(days=n - 1), zone, hour)), lo)
                  for name, n in WINDOWS}
        band_year = (bounds["year"], max(bounds["month"], bounds["year"]))
        jobs["items"] = pool.submit(item_figures, q, scope)
        chunks = []
        if min_id is not None and max_id is not None:
            for first in range(min_id, max_id + 1, CHUNK):
                chunks.append(pool.submit(chunk_counts, q, first, first + CHUNK, *band_year))
        band = retention_counts
        jobs["ret_m"] = pool.submit(band, q, bounds["month"], max(bounds["week"], bounds["month"]))
        jobs["ret_w"] = pool.submit(band, q, bounds["week"], max(bounds["today"], bounds["week"]))
        jobs["ret_t"] = pool.submit(retention_counts, q, bounds["today"], today_end)
        jobs["recent"] = pool.submit(recent_days, q, days, first_recent)
        jobs["days"] = pool.submit(day_counts, q, days)
        jobs["forecast"] = pool.submit(forecast, q, future.starts[-1], bucket)
        jobs["sessions"] = pool.submit(recent_sessions, q)
        loaded = names_loader() if names_loader is not None else None
        names = loaded or names or Names()
        results: dict[str, Any] = {}
        total = len(chunks) + len(jobs)
        time_ms, year = 0, [0, 0, 0, 0]
        for done, job in enumerate(chunks, 1):
            spent, counters = job.result()
            time_ms += spent
            year = [a + b for a, b in zip(year, counters, strict=True)]
            if progress is not None:
                progress(done, total)
        results["time"], results["ret_y"] = time_ms, tuple(year)
        for done, (key, job) in enumerate(jobs.items(), len(chunks) + 1):
            results[key] = job.result()
            if progress is not None:
                progress(done, total)
    finally:
        pool.close()
    fig = _assemble(results, scope, now, today, days, future, bucket, names, first_t is not None)
    if memory is not None:
        fig["memory_model"] = results["memory"]
    return fig


def _assemble(res: dict[str, Any], scope: Scope, now: datetime, today: date, days: StudyDays,
              future: StudyDays, bucket: int, names: Names, any_reviews: bool) -> dict[str, Any]:
    counts = res["days"]
    dates = days.dates
    studied = [i for i, n in enumerate(counts) if n]
    # streaks: runs of consecutive study days with reviews
    longest = run = 0
    for n in counts:
        run = run + 1 if n else 0
        longest = max(longest, run)
    current = 0
    k = len(counts) - 1
    if k >= 0 and counts[k] == 0:
        k -= 1  # today not studied yet: the streak up to yesterday still stands
    while k >= 0 and counts[k]:
        current += 1
        k -= 1

    # items
    state_total = dict.fromkeys(STATES, 0)
    per_deck: dict[str, dict[str, Any]] = {}
    for deck, label, n, r in res["items"]["states"]:
        state_total[label] += n
        d = per_deck.setdefault(deck, {"states": dict.fromkeys(STATES, 0), "r": 0.0})
        d["states"][label] += n
        if label != "suspended":
            d["r"] += r or 0.0
    # problems: accuracy per deck, mistakes per tag
    problem_rows, item_deck = res["problems"]
    acc: dict[str, list[int]] = {}
    mistakes: dict[str, dict[str, Any]] = {}
    for item_id, tag, n, graded, right, last_id, answer, at in problem_rows:
        a = acc.setdefault(item_deck[item_id], [0, 0])
        a[0] += graded
        a[1] += int(right or 0)
        if tag is not None:
            m = mistakes.setdefault(tag, {"tag": tag, "count": 0, "last_id": -1})
            m["count"] += n
            if last_id > m["last_id"]:
                m.update(last_id=last_id, example=answer, item_id=item_id,
                         item=names.items.get(item_id, item_id),
                         at=datetime.fromtimestamp(at / 1000, tz=UTC).isoformat())
    listed = set(scope.decks) if scope.decks else set(names.decks)  # decks not studied yet show too
    deck_ids = sorted({str(d) for d in set(per_deck) | set(acc) | listed},
                      key=lambda d: ((names.decks.get(d) or d).lower(), d))
    decks_out = []
    for deck in deck_ids:
        d = per_deck.get(deck, {"states": dict.fromkeys(STATES, 0), "r": 0.0})
        s = d["states"]
        active = sum(s.values()) - s["suspended"]
        studied_items = active - s["new"]
        graded, right = acc.get(deck, [0, 0])
        decks_out.append({
            "id": deck, "title": names.decks.get(deck, deck), "items": sum(s.values()), "states": s,
            "studied": studied_items, "mastery": d["r"] / active if active else None,
            "recall": d["r"] / studied_items if studied_items else None,
            "problem_answers": graded, "problem_right": right, "problem_accuracy": _rate(right, graded)})
    top = sorted(mistakes.values(), key=lambda m: (-m["count"], m["tag"]))
    for m in top:
        del m["last_id"]

    # retention: bands are disjoint; windows are nested (today ⊂ week ⊂ month ⊂ year)
    bands = {"today": [res["ret_t"]], "week": [res["ret_w"]], "month": [res["ret_m"]],
             "year": [res["ret_y"]]}
    retention = {}
    acc_n = acc_mn = acc_yp = acc_mp = 0
    for name, _ in WINDOWS:
        for n, mn, yp, mp in bands[name]:
            acc_n, acc_mn, acc_yp, acc_mp = acc_n + n, acc_mn + mn, acc_yp + yp, acc_mp + mp
        yn = acc_n - acc_mn
        retention[name] = {
            "young": {"reviews": yn, "passed": acc_yp, "rate": _rate(acc_yp, yn)},
            "mature": {"reviews": acc_mn, "passed": acc_mp, "rate": _rate(acc_mp, acc_mn)},
            "all": {"reviews": acc_n, "passed": acc_yp + acc_mp, "rate": _rate(acc_yp + acc_mp, acc_n)}}

    # the last 30 days by kind of review
    first_recent = len(dates) - RECENT_DAYS
    recent = [{"date": iso_day(dates[k]), "reviews": 0, "time_ms": 0, **dict.fromkeys(CATEGORIES, 0)}
              for k in range(first_recent, len(dates))]
    for k, n, spent, practice, new, learning, review, relearning in res["recent"]:
        row = recent[k - first_recent]
        row.update(reviews=n, time_ms=spent, practice=practice, new=new, learning=learning, review=review,
                   relearning=relearning, unknown=n - practice - new - learning - review - relearning)

    # forecast: overdue items count on today
    forecast = [{"date": iso_day(d), "due": 0, "reviews": 0, "learning": 0} for d in future.dates]
    overdue = 0
    for t, is_review, n in res["forecast"]:
        k = max(future.index(t * bucket), 0)
        if t * bucket < future.starts[0]:
            overdue += n
        if k < len(forecast):
            forecast[k]["due"] += n
            forecast[k]["reviews" if is_review else "learning"] += n

    bins = dict(res["items"]["bins"])
    edges = (0, *STABILITY_EDGES)
    stability = [{"from_days": edges[k], "to_days": STABILITY_EDGES[k] if k < len(STABILITY_EDGES) else None,
                  "items": bins.get(k, 0)} for k in range(len(edges))]
    leeches = [{"id": i, "deck": d, "deck_title": names.decks.get(d, d), "kind": kind,
                "title": names.items.get(i, i), "lapses": lapses, "state": label}
               for i, d, kind, lapses, label in res["items"]["leeches"]]
    heat = [{"date": iso_day(dates[k]), "reviews": counts[k]}
            for k in range(len(dates) - HEATMAP_DAYS, len(dates))]
    return {
        "schema": SCHEMA,
        "generated_at": now.isoformat(),
        "today": iso_day(today),
        "scope": {"since": iso_day(scope.since) if scope.since else None, "decks": list(scope.decks),
                  "day_start_hour": scope.day_hour,
                  "timezone": getattr(scope.zone, "key", None) or str(scope.zone)},
        "summary": {
            "items": {**state_total, "total": sum(state_total.values())},
            "reviews": sum(counts), "time_ms": res["time"],
            "days_studied": len(studied),
            "streak_current": current, "streak_longest": longest,
            "first_day": iso_day(dates[studied[0]]) if studied else None,
            "last_day": iso_day(dates[studied[-1]]) if studied else None,
            "reviews_today": counts[-1] if counts else 0,
            "leeches": res["items"]["n_leeches"], "overdue": overdue,
            "empty": not any_reviews or not sum(counts),
        },
        "retention": retention,
        "decks": decks_out,
        "mistakes": {"total": sum(m["count"] for m in top), "top": top[:TOP_MISTAKES]},
        "leeches": {"total": res["items"]["n_leeches"], "top": leeches},
        "sessions": res["sessions"],
        "heatmap": heat,
        "per_day": recent,
        "forecast": forecast,
        "stability": stability,
    }

