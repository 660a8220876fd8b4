"""``studyapp report``: every format on an empty history and on a year of history.

The year is made by driving ``StudySession`` with a fake clock and a learner model (cards
recalled with the forgetting curve's odds, problems answered right, with a known mistake, or
with nonsense), in Asia/Shanghai with days starting at 04:00. Every figure of the JSON report
is then recomputed here from the raw rows with plain Python (``ItemState``, ``Scheduler``,
``study_date``), not with the report's SQL.
"""

from __future__ import annotations

import csv
import io
import json
import random
import re
import shutil
import sqlite3
import struct
import subprocess
import zlib
from collections import Counter
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from studyapp.commands.progress import Progress
from studyapp.core.days import day_start, local_zone, study_date
from studyapp.core.library import Library, load_library
from studyapp.core.numfmt import format_answer
from studyapp.core.review_log import Review
from studyapp.core.scheduler import REVIEW, ItemState, Scheduler
from studyapp.core.session import StudySession
from studyapp.core.settings import Settings
from studyapp.paths import config_path
from studyapp.report import figures
from studyapp.report.report_html import report_html
from studyapp.report.report_md import md, sparkline
from studyapp.store.progress import Store
from studyapp.store.readonly import CSV_COLUMNS
from tests.cli_run import run
from tests.report import browser

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)  # 20:00 in Shanghai
ZONE = "Asia/Shanghai"
HOUR = 4
SETTINGS = Settings(timezone=ZONE, day_start_hour=HOUR, new_per_day=3, leech_threshold=3)
XSS = "<script>alert(1)</script>"
FORMATS = ("md", "html", "csv", "json")
CJK = re.compile(r"[\u4e00-\u9fff]")


# --- helpers ---------------------------------------------------------------------------------------


def report(capsys: pytest.CaptureFixture[str], db: Path, *argv: str) -> str:
    code, out, err = run(capsys, "report", "--db", str(db), *argv)
    assert code == 0, err
    assert "Traceback" not in err
    return out


def write_config() -> None:
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'timezone = "{ZONE}"\nday_start_hour = {HOUR}\n', encoding="utf-8")


@pytest.fixture(autouse=True)
def fixed_now(monkeypatch: pytest.MonkeyPatch, isolated_home: Path) -> None:
    monkeypatch.setenv("STUDYAPP_NOW", NOW.isoformat())
    write_config()


class Clock:
    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def small_library() -> Library:
    decks = [replace(d, cards=d.cards[:20]) for d in load_library().decks
             if d.id in ("convolution", "activations")]
    return Library(decks=decks)


def build_history(path: Path, days: int = 365, seed: int = 3) -> None:
    """A year of study through StudySession, ending on the evening before NOW's study day."""
    rng = random.Random(seed)
    library = small_library()
    store = Store(path)
    store.conn.execute("PRAGMA synchronous = OFF")  # a test fixture: speed over durability
    scheduler = Scheduler(SETTINGS)
    ease = {}
    clock = Clock(NOW)
    for day in range(days, 0, -1):
        if rng.random() < 0.12:
            continue
        # between 02:00 and 23:00 in Shanghai: some sessions belong to the previous study day
        clock.now = NOW - timedelta(days=day) + timedelta(minutes=rng.randrange(-18 * 60, 3 * 60))
        mode = "practice" if rng.random() < 0.03 else "scheduled"
        session = StudySession(library, store, SETTINGS, clock, np.random.default_rng(seed * 1000 + day),
                               mode=mode)
        for _ in range(10 if mode == "practice" else 80):
            item = session.next()
            if item is None:
                break
            elapsed = rng.randrange(2_000, 60_000)
            e = ease.setdefault(item.id, rng.choice([0.7, 1.0, 1.0, 1.3, 3.0]))
            recall = 0.85 if item.state.is_new or item.state.state != REVIEW else \
                scheduler.retrievability(item.state, clock.now) ** e
            if item.problem is not None:
                problem = item.problem
                u = rng.random() ** 0.5  # problems are harder than cards
                mistakes = problem.kind.mistakes(problem.params)
                if u < recall:
                    text = format_answer(problem.answer, problem.decimals)
                elif mistakes and u < recall + (1 - recall) * 0.7:
                    text = format_answer(rng.choice(mistakes).answer, problem.decimals)
                else:
                    text = rng.choice(["0", "12", "-1", "don't know | <b>?</b>"])
                result = session.answer(item, text, elapsed_ms=elapsed)
                if not result.readable:  # not an answer: the learner types a rough one instead
                    text = format_answer(problem.answer, 0)
                    result = session.answer(item, text, elapsed_ms=elapsed)
                rating = result.proposed or (3 if result.correct else 1)
                session.rate(item, rating, elapsed_ms=elapsed, answer=text, result=result)
            else:
                rating = 1 if rng.random() > recall else rng.choice([2, 3, 3, 3, 4])
                typed = "don't know | <b>?</b>" if rating == 1 else None  # CSV and HTML must keep it
                session.rate(item, rating, elapsed_ms=elapsed, answer=typed)
            clock.now += timedelta(milliseconds=elapsed + 1500)
            if rng.random() < 0.01:
                session.undo()
        session.finish()
    store.close()


@pytest.fixture(scope="module")
def year_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("year") / "year.sqlite3"
    build_history(path)
    return path


@pytest.fixture
def db(year_db: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "progress.sqlite3"
    shutil.copyfile(year_db, copy)
    return copy


def rows(db: Path, sql: str, args: tuple = ()) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


# --- the figures, recomputed from the raw rows ----------------------------------------------------
def utc(t: int) -> datetime:
    return datetime.fromtimestamp(t / 1000, tz=UTC)


def expected(db: Path, since: date | None = None, decks: tuple[str, ...] = ()) -> dict[str, Any]:
    zone = local_zone(ZONE)
    today = study_date(NOW, zone, HOUR)
    end = day_start(today + timedelta(days=1), zone, HOUR)
    lo = day_start(since, zone, HOUR) if since else datetime(1970, 1, 2, tzinfo=UTC)
    store = Store(db)
    states = {s.item_id: s for s in store.items()}
    meta = {i: (d, k, bool(c), bool(le)) for i, d, k, c, le in
            rows(db, "SELECT id, deck, kind, in_content, leech FROM items")}
    store.close()
    log = [r for r in rows(db, "SELECT id, item_id, reviewed_at, rating, duration_ms, mode, answer, result, "
                               "mistake, prev_state FROM reviews ORDER BY id")
           if lo <= utc(r[2]) < end and (not decks or meta[r[1]][0] in decks)]
    per_day = Counter(study_date(utc(r[2]), zone, HOUR) for r in log)
    # streaks
    longest = run_ = 0
    d = min(per_day, default=today)
    while d <= today:
        run_ = run_ + 1 if per_day[d] else 0
        longest = max(longest, run_)
        d += timedelta(days=1)
    current, d = 0, today if per_day[today] else today - timedelta(days=1)
    while per_day[d]:
        current, d = current + 1, d - timedelta(days=1)
    # retention
    retention = {}
    for name, n in (("today", 1), ("week", 7), ("month", 30), ("year", 365)):
        start = max(day_start(today - timedelta(days=n - 1), zone, HOUR), lo)
        young, mature = [0, 0], [0, 0]
        for r in log:
            if utc(r[2]) < start or r[5] != "scheduled" or r[9] is None:
                continue
            prev = ItemState.from_dict(json.loads(r[9]))
            if prev.is_new or prev.state != REVIEW:
                continue
            bucket = mature if prev.interval_days() >= 21 else young
            bucket[0] += 1
            bucket[1] += r[3] > 1
        retention[name] = {"young": young, "mature": mature}
    # items
    scheduler = Scheduler(SETTINGS)
    labels: Counter[str] = Counter()
    by_deck: dict[str, dict[str, Any]] = {}
    for item_id, s in states.items():
        deck, _, in_content, _ = meta[item_id]
        if not in_content or decks and deck not in decks:
            continue
        label = "suspended" if s.suspended else s.label(NOW)
        labels[label] += 1
        d_ = by_deck.setdefault(deck, {"r": [], "studied": [], "items": 0})
        d_["items"] += 1
        if not s.suspended:
            r = scheduler.retrievability(s, NOW)
            d_["r"].append(r)
            if not s.is_new:
                d_["studied"].append(r)
    accuracy: dict[str, list[int]] = {}
    mistakes: Counter[str] = Counter()
    example: dict[str, tuple[int, str]] = {}
    for r in log:
        if meta[r[1]][1] != "problem" or r[7] is None:
            continue
        correct = json.loads(r[7]).get("correct")
        a = accuracy.setdefault(meta[r[1]][0], [0, 0])
        if isinstance(correct, bool):
            a[0] += 1
            a[1] += correct
        if r[8] is not None:
            mistakes[r[8]] += 1
            if r[0] > example.get(r[8], (-1, ""))[0]:
                example[r[8]] = (r[0], r[6])
    # the last 30 days by kind of review
    recent: dict[date, Counter[str]] = {today - timedelta(days=k): Counter() for k in range(30)}
    for r in log:
        day = study_date(utc(r[2]), zone, HOUR)
        if day not in recent:
            continue
        if r[9] is None:
            cat = "unknown"
        elif r[5] != "scheduled":
            cat = "practice"
        else:
            prev = json.loads(r[9])
            cat = "new" if prev["is_new"] else {1: "learning", 2: "review", 3: "relearning"}[prev["state"]]
        recent[day][cat] += 1
        recent[day]["time"] += r[4]
    # due forecast and stability
    forecast: Counter[int] = Counter()
    overdue = 0
    bins: Counter[int] = Counter()
    edges = figures.STABILITY_EDGES
    for item_id, s in states.items():
        deck, _, in_content, _ = meta[item_id]
        if not in_content or s.is_new or s.suspended or decks and deck not in decks:
            continue
        if s.due is not None:
            k = (study_date(s.due, zone, HOUR) - today).days
            overdue += s.due < day_start(today, zone, HOUR)
            if k < 30:
                forecast[max(k, 0)] += 1
        if s.stability is not None:
            bins[next((k for k, e in enumerate(edges) if s.stability < e), len(edges))] += 1
    leeches = sorted(((-states[i].lapses, i) for i, (d, _, c, le) in meta.items()
                      if le and c and (not decks or d in decks)))
    return {"reviews": len(log), "time": sum(r[4] or 0 for r in log), "per_day": per_day,
            "days_studied": len(per_day), "streak_current": current, "streak_longest": longest,
            "retention": retention, "labels": labels, "by_deck": by_deck, "accuracy": accuracy,
            "mistakes": mistakes, "example": example, "recent": recent, "forecast": forecast,
            "overdue": overdue, "bins": bins, "leeches": leeches, "today": today}


def check_figures(fig: dict[str, Any], exp: dict[str, Any]) -> None:
    s = fig["summary"]
    assert s["reviews"] == exp["reviews"] > 0
    assert s["time_ms"] == exp["time"]
    assert s["days_studied"] == exp["days_studied"]
    assert (s["streak_current"], s["streak_longest"]) == (exp["streak_current"], exp["streak_longest"])
    assert fig["today"] == exp["today"].isoformat()
    for state in figures.STATES:
        assert s["items"][state] == exp["labels"][state], state
    for name in ("today", "week", "month", "year"):
        got, want = fig["retention"][name], exp["retention"][name]
        for cls in ("young", "mature"):
            assert (got[cls]["reviews"], got[cls]["passed"]) == tuple(want[cls]), (name, cls)
            rate = want[cls][1] / want[cls][0] if want[cls][0] else None
            assert got[cls]["rate"] == pytest.approx(rate)
        assert got["all"]["reviews"] == want["young"][0] + want["mature"][0]
    assert fig["retention"]["year"]["mature"]["reviews"] > 0  # the year reaches mature intervals
    decks = {d["id"]: d for d in fig["decks"]}
    for deck, want in exp["by_deck"].items():
        got = decks[deck]
        assert got["items"] == want["items"]
        assert got["mastery"] == pytest.approx(sum(want["r"]) / len(want["r"]))
        assert got["recall"] == pytest.approx(sum(want["studied"]) / len(want["studied"]))
        graded, right = exp["accuracy"].get(deck, [0, 0])
        assert (got["problem_answers"], got["problem_right"]) == (graded, right)
    assert {d for d, v in decks.items() if v["items"]} == set(exp["by_deck"])
    top = fig["mistakes"]["top"]
    assert fig["mistakes"]["total"] == sum(exp["mistakes"].values())
    ranked = sorted(exp["mistakes"].items(), key=lambda kv: (-kv[1], kv[0]))
    assert [(m["tag"], m["count"]) for m in top] == ranked[:figures.TOP_MISTAKES]
    for m in top:
        assert m["example"] == exp["example"][m["tag"]][1]
    assert fig["leeches"]["total"] == len(exp["leeches"])
    assert [x["id"] for x in fig["leeches"]["top"]] == [i for _, i in exp["leeches"]][:figures.TOP_LEECHES]
    heat = fig["heatmap"]
    assert len(heat) == 365 and heat[-1]["date"] == exp["today"].isoformat()
    for h in heat:
        assert h["reviews"] == exp["per_day"][date.fromisoformat(h["date"])], h
    assert sum(h["reviews"] for h in heat) == sum(n for d, n in exp["per_day"].items()
                                                    if d > exp["today"] - timedelta(days=365))
    assert len(fig["per_day"]) == 30
    for row in fig["per_day"]:
        want = exp["recent"][date.fromisoformat(row["date"])]
        for cat in figures.CATEGORIES:
            assert row[cat] == want[cat], (row, want)
        assert row["time_ms"] == want["time"]
        assert row["reviews"] == sum(want[c] for c in figures.CATEGORIES)
    assert [f["due"] for f in fig["forecast"]] == [exp["forecast"][k] for k in range(30)]
    assert s["overdue"] == exp["overdue"]
    bins = range(len(figures.STABILITY_EDGES) + 1)
    assert [b["items"] for b in fig["stability"]] == [exp["bins"][k] for k in bins]


# --- the tests ------------------------------------------------------------------------------------
def test_record_writes_the_columns_the_report_counts_on(tmp_path: Path) -> None:
    """prev_code, prev_ivl and correct agree with the JSON state and result beside them."""
    store = Store(tmp_path / "p.sqlite3")
    t = datetime(2025, 1, 1, 8, 30, 15, 123000, tzinfo=UTC)
    before = ItemState("a|b \"c\"", "d", "card", is_new=False, state=REVIEW, step=None, stability=30.5,
                       difficulty=5.0, due=t + timedelta(days=25), last_review=t, lapses=12, leech=True,
                       buried_until=t + timedelta(days=1))
    store.record(Review("a|b \"c\"", t + timedelta(days=25), 3, 1000, "scheduled", correct=False,
                        result='{"correct": false}'), before, None)
    store.record(Review("n", t, 1, 1000, "scheduled"), ItemState("n", "d", "card"), None)
    (code, ivl, correct), (new_code, new_ivl, new_correct) = rows(
        store.path, "SELECT prev_code, prev_ivl, correct FROM reviews ORDER BY id")
    assert (code, correct) == (REVIEW, 0) and ivl == pytest.approx(25.0)
    assert (new_code, new_ivl, new_correct) == (0, None, None)
    store.close()


def test_a_version_2_log_is_migrated_into_the_report_columns(capsys: pytest.CaptureFixture[str],
                                                            tmp_path: Path) -> None:
    """Rows written before schema 3 get prev_code and prev_ivl from their JSON on upgrade."""
    db = tmp_path / "j.sqlite3"
    store = Store(db)
    t = NOW - timedelta(hours=30)
    for k, days in enumerate((30, 5)):  # a mature and a young Review-state item, both answered Good
        before = ItemState(f"i{k}", "convolution", "card", is_new=False, state=REVIEW, step=None,
                           stability=float(days), difficulty=5.0, due=t, last_review=t - timedelta(days=days))
        store.record(Review(f"i{k}", t, 3, 1000, "scheduled"), before, None)
    # Back to version 2: drop what version 3 added, as an older studyapp would have left it.
    store.conn.execute("DROP INDEX items_buried")  # and what versions 5 and 4 added
    store.conn.execute("DROP INDEX reviews_answers")
    store.conn.execute("DROP INDEX reviews_session")
    store.conn.execute("DROP INDEX reviews_retention")
    for column in ("prev_code", "prev_ivl", "correct"):
        store.conn.execute(f"ALTER TABLE reviews DROP COLUMN {column}")
    store.conn.execute("PRAGMA user_version = 2")
    store.close()
    Store(db).close()  # upgrades
    fig = json.loads(report(capsys, db, "--format", "json"))
    week = fig["retention"]["week"]
    assert (week["mature"]["reviews"], week["mature"]["passed"], week["young"]["reviews"]) == (1, 1, 1)
    assert sum(d["review"] for d in fig["per_day"]) == 2


@pytest.mark.parametrize("fmt", FORMATS)
def test_missing_database_gives_an_empty_report_and_is_not_created(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, fmt: str) -> None:
    missing = tmp_path / "progress.sqlite3"
    code, out, err = run(capsys, "report", "--db", str(missing), "--format", fmt)
    assert code == 0 and "no progress database" in err and "Traceback" not in err
    assert not missing.exists()
    check_empty(out, fmt)


@pytest.mark.parametrize("fmt", FORMATS)
def test_fresh_database_gives_an_empty_report(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                              fmt: str) -> None:
    fresh = tmp_path / "fresh.sqlite3"
    Store(fresh).close()
    check_empty(report(capsys, fresh, "--format", fmt), fmt)


def check_empty(out: str, fmt: str) -> None:
    if fmt == "json":
        fig = json.loads(out)
        assert fig["schema"] == "studyapp.report/1" and fig["summary"]["empty"] is True
        assert fig["summary"]["reviews"] == fig["summary"]["days_studied"] == fig["summary"]["time_ms"] == 0
        assert fig["retention"]["year"]["all"] == {"reviews": 0, "passed": 0, "rate": None}
        assert len(fig["heatmap"]) == 365 and not any(h["reviews"] for h in fig["heatmap"])
        assert len(fig["forecast"]) == 30 and fig["mistakes"]["top"] == [] and fig["leeches"]["top"] == []
        assert {d["id"] for d in fig["decks"]} == {d.id for d in load_library().decks}  # decks yet to study
    elif fmt == "csv":
        assert list(csv.reader(io.StringIO(out))) == [[*CSV_COLUMNS, "deck", "reviewed_at_utc", "study_day"]]
    else:
        assert "No reviews yet" in out
        if fmt == "html":
            assert out.count("<svg") == 6
        else:
            assert "## True retention" in out and "| Last 7 days | — (0/0) |" in out


def test_json_figures_equal_the_review_log_recomputed(capsys: pytest.CaptureFixture[str], db: Path) -> None:
    fig = json.loads(report(capsys, db, "--format", "json"))
    assert fig["schema"] == "studyapp.report/1" and fig["summary"]["empty"] is False
    check_figures(fig, expected(db))
    assert fig["mistakes"]["total"] > 10 and fig["leeches"]["total"] > 0
    # some answers were given before 04:00, so they belong to the study day before
    zone = local_zone(ZONE)
    assert any(utc(t).astimezone(zone).hour < HOUR for (t,) in rows(db, "SELECT reviewed_at FROM reviews"))


def test_since_and_deck_narrow_every_figure(capsys: pytest.CaptureFixture[str], db: Path) -> None:
    since = date(2025, 3, 1)
    fig = json.loads(report(capsys, db, "--format", "json", "--since", since.isoformat(),
                            "--deck", "convolution"))
    exp = expected(db, since=since, decks=("convolution",))
    check_figures(fig, exp)
    assert [d["id"] for d in fig["decks"]] == ["convolution"]
    assert fig["scope"] == {"since": "2025-03-01", "decks": ["convolution"], "day_start_hour": 4,
                            "timezone": ZONE}
    assert fig["summary"]["first_day"] >= "2025-03-01"


def test_every_format_on_a_year(capsys: pytest.CaptureFixture[str], db: Path) -> None:
    fig = json.loads(report(capsys, db, "--format", "json"))
    text = report(capsys, db, "--format", "md")
    for title in ("# Progress report", "## Summary", "## True retention", "## Decks",
                  "## Most frequent mistakes", "## Leeches", "## Reviews over the past year",
                  "## Reviews per day", "## Due in the next 30 days", "## Stability of studied items"):
        assert title in text
    assert f"| Reviews | {fig['summary']['reviews']:,} |" in text
    assert re.search(r"`[▁▂▃▄▅▆▇█]{30}`", text)  # sparklines: 30 days of reviews, of the forecast
    for m in fig["mistakes"]["top"]:
        assert md(m["tag"]) in text
    html = report(capsys, db, "--format", "html")
    assert html.count("<svg") == 7  # six charts and the calibration and "<script" not in html
    assert f"{fig['summary']['reviews']:,}" in html
    zh = report(capsys, db, "--format", "md", "--lang", "zh")
    assert "# 学习报告" in zh and "## 真实保留率" in zh and "Progress report" not in zh
    zh_html = report(capsys, db, "--format", "html", "--lang", "zh")
    assert 'lang="zh-Hans"' in zh_html and "掌握度" in zh_html and "Mastery" not in zh_html
    assert len(CJK.findall(zh_html)) > 200


def test_csv_is_the_reviews_table(capsys: pytest.CaptureFixture[str], db: Path, tmp_path: Path) -> None:
    out = tmp_path / "log.csv"
    report(capsys, db, "--format", "csv", "--out", str(out))
    with out.open(encoding="utf-8", newline="") as handle:
        got = list(csv.reader(handle))
    head, body = got[0], got[1:]
    assert head[:len(CSV_COLUMNS)] == list(CSV_COLUMNS)
    table = rows(db, f"SELECT {', '.join(CSV_COLUMNS)} FROM reviews ORDER BY id")
    assert len(body) == len(table) > 500
    assert [r[:len(CSV_COLUMNS)] for r in body] == [["" if v is None else str(v) for v in r] for r in table]
    decks = dict(rows(db, "SELECT id, deck FROM items"))
    zone = local_zone(ZONE)
    for r in body[::50]:
        t = utc(int(r[2]))
        assert r[len(CSV_COLUMNS)] == decks[r[1]]
        assert datetime.fromisoformat(r[len(CSV_COLUMNS) + 1].replace("Z", "+00:00")) == t
        assert r[len(CSV_COLUMNS) + 2] == study_date(t, zone, HOUR).isoformat()
    # answers with separators and quotes survive
    assert any("|" in r[7] for r in body)
    code, _, err = run(capsys, "report", "--db", str(db), "--format", "csv", "--out", str(out))
    assert code == 2 and "--force" in err


def xss_db(path: Path) -> Path:
    """A deck id (shown as the title of a deck the content does not have) and answers with HTML."""
    store = Store(path)
    t = NOW - timedelta(days=2)
    item = ItemState(XSS, XSS, "problem")
    s = Scheduler(SETTINGS)
    after = s.review(item, 1, t)
    result = json.dumps({"correct": False, "score": 0.0, "marks": None})
    store.record(Review(XSS, t, 1, 5000, "scheduled", seed=1, answer=XSS, result=result, mistake=XSS),
                 item, after)
    later = t + timedelta(minutes=1)
    store.record(Review(XSS, later, 1, 5000, "scheduled", seed=2, answer="a|b<i>", result=result,
                        mistake="m|x"), after, s.review(after, 1, later))
    store.conn.execute("UPDATE items SET leech = 1, lapses = 9")
    store.close()
    return path


def test_html_and_markdown_escape_content_and_answers(capsys: pytest.CaptureFixture[str],
                                                      tmp_path: Path) -> None:
    db = xss_db(tmp_path / "x.sqlite3")
    html = report(capsys, db, "--format", "html")
    assert "<script" not in html.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 4  # deck, answer, mistake, leech, charts
    assert "a|b&lt;i&gt;" in html
    text = report(capsys, db, "--format", "md")
    assert "<script" not in text and "&lt;script&gt;alert\\(1\\)&lt;/script&gt;" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text and "a\\|b&lt;i&gt;" in text
    # a title from the content goes through the same escaping
    fig = json.loads(report(capsys, db, "--format", "json"))
    fig["decks"][0]["title"] = f'Deck "{XSS}" & more'
    page = report_html(fig, "en")
    assert "<script" not in page
    assert "Deck &quot;&lt;script&gt;alert(1)&lt;/script&gt;&quot; &amp; more" in page
    # with --deck, an unknown deck is refused but this one is known from the items table
    code, out, err = run(capsys, "report", "--db", str(db), "--format", "json", "--deck", XSS)
    assert code == 0 and json.loads(out)["summary"]["reviews"] == 2


def test_bad_input_is_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                               monkeypatch: pytest.MonkeyPatch) -> None:
    fresh = tmp_path / "f.sqlite3"
    Store(fresh).close()
    (tmp_path / "exists.md").write_text("keep", encoding="utf-8")
    cases = [
        (["--since", "last week"], "--since"),
        (["--since", "2025-02-30"], "--since"),
        (["--since", "0001-01-01"], "from 1970 on"),
        (["--deck", "nope"], "unknown deck 'nope'"),
        (["--out", str(tmp_path / "exists.md")], "--force"),
        (["--out", str(tmp_path)], "folder"),
    ]
    for argv, words in cases:
        code, out, err = run(capsys, "report", "--db", str(fresh), *argv)
        assert code == 2 and out == "", (argv, err)
        assert len(err.splitlines()) == 1 and err.startswith("studyapp report: error: ") and words in err, err
    assert (tmp_path / "exists.md").read_text(encoding="utf-8") == "keep"
    monkeypatch.setenv("STUDYAPP_NOW", "tomorrow")
    code, _, err = run(capsys, "report", "--db", str(fresh))
    assert code == 2 and "STUDYAPP_NOW" in err and len(err.splitlines()) == 1


def test_study_days_follow_the_local_day_start(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """03:59 and 04:01 in Shanghai are two study days; a legacy review (no prev_state) is counted
    in the activity, but not in retention."""
    db = tmp_path / "d.sqlite3"
    store = Store(db)
    zone = local_zone(ZONE)
    day = date(2025, 5, 30)
    item = ItemState("c1", "convolution", "card")
    for hh, mm in ((3, 59), (4, 1)):
        t = datetime(day.year, day.month, day.day, hh, mm, tzinfo=zone).astimezone(UTC)
        store.record(Review("c1", t, 3, 60_000, "scheduled"), item, None)
    store.conn.execute("UPDATE reviews SET prev_state = NULL, prev_code = NULL WHERE id = 1")
    store.close()
    fig = json.loads(report(capsys, db, "--format", "json"))
    heat = {h["date"]: h["reviews"] for h in fig["heatmap"] if h["reviews"]}
    assert heat == {"2025-05-29": 1, "2025-05-30": 1}
    s = fig["summary"]
    assert (s["days_studied"], s["streak_longest"], s["streak_current"], s["time_ms"]) == (2, 2, 0, 120_000)
    recent = {d["date"]: d for d in fig["per_day"]}
    assert recent["2025-05-29"]["unknown"] == 1 and recent["2025-05-30"]["new"] == 1
    assert fig["retention"]["year"]["all"]["reviews"] == 0


def test_retention_today_is_the_current_study_day(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """A review one minute before today's 04:00 counts for the week, not for today."""
    db = tmp_path / "t.sqlite3"
    store = Store(db)
    zone = local_zone(ZONE)
    start = day_start(study_date(NOW, zone, HOUR), zone, HOUR)
    answers = [("m1", 30, start + timedelta(minutes=1), 3), ("y1", 5, start + timedelta(hours=2), 1),
               ("y2", 5, start - timedelta(minutes=1), 3), ("m2", 40, start - timedelta(days=3), 1)]
    for name, days, t, rating in answers:
        before = ItemState(name, "convolution", "card", is_new=False, state=REVIEW, step=None,
                           stability=float(days), difficulty=5.0, due=t, last_review=t - timedelta(days=days))
        store.record(Review(name, t, rating, 1000, "scheduled"), before, None)
    store.close()
    ret = json.loads(report(capsys, db, "--format", "json"))["retention"]
    counts = {w: {c: (ret[w][c]["reviews"], ret[w][c]["passed"]) for c in ("young", "mature", "all")}
              for w in ("today", "week")}
    assert counts["today"] == {"young": (1, 0), "mature": (1, 1), "all": (2, 1)}
    assert counts["week"] == {"young": (2, 1), "mature": (2, 1), "all": (4, 2)}
    assert ret["today"]["young"]["rate"] == 0.0 and ret["today"]["mature"]["rate"] == 1.0


def test_forecast_days_follow_the_local_day_start(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    db = tmp_path / "f.sqlite3"
    store = Store(db)
    zone = local_zone(ZONE)
    today = study_date(NOW, zone, HOUR)
    tomorrow = day_start(today + timedelta(days=1), zone, HOUR)
    due = {"late": NOW - timedelta(days=3), "today": tomorrow - timedelta(milliseconds=1),
           "tomorrow": tomorrow, "in2": tomorrow + timedelta(days=1, minutes=10),
           "far": tomorrow + timedelta(days=40)}
    for name, t in due.items():
        store.set_item(ItemState(name, "convolution", "card", is_new=False, state=REVIEW, step=None,
                                 stability=3.0, difficulty=5.0, due=t, last_review=t - timedelta(days=3)))
    store.close()
    fig = json.loads(report(capsys, db, "--format", "json"))
    assert [f["due"] for f in fig["forecast"][:4]] == [2, 1, 1, 0]
    assert sum(f["due"] for f in fig["forecast"]) == 4 and fig["summary"]["overdue"] == 1


def test_progress_bar_only_on_a_terminal(capsys: pytest.CaptureFixture[str], db: Path) -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    tty = Tty()
    bar = Progress("studyapp report", tty)
    bar(3, 4)
    bar.close()
    assert "[##################......] 3/4" in tty.getvalue()
    quiet = io.StringIO()
    Progress("x", quiet)(1, 2)
    assert quiet.getvalue() == ""
    code, _, err = run(capsys, "report", "--db", str(db), "--format", "json")
    assert code == 0 and err == ""  # stderr is not a terminal here: no bar


def test_sparkline() -> None:
    assert sparkline([0, 1, 2, 4, 8]) == "▁▂▃▅█"
    assert sparkline([0, 0]) == "▁▁" and sparkline([]) == ""


# --- in a real browser ----------------------------------------------------------------------------
def chromium(page: Path, tmp_path: Path, *action: str) -> subprocess.CompletedProcess[str]:
    profile = tmp_path / f"profile-{len(list(tmp_path.glob('profile-*')))}"
    return browser.chromium(page, profile, "--window-size=1000,1400", *action, what="the report")


class Svgs(HTMLParser):
    """Each <svg> of a page and the shapes and texts inside it."""

    def __init__(self) -> None:
        super().__init__()
        self.charts: list[Counter[str]] = []
        self.depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "svg":
            self.charts.append(Counter())
            self.depth += 1
        elif self.depth:
            self.charts[-1][tag] += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "svg":
            self.depth -= 1


def top_colours(data: bytes, lines: int) -> int:
    """Distinct colours in the first ``lines`` rows of a PNG."""
    width, bpp, rows = browser.png_rows(data)
    return len({row[x:x + 3] for row in rows[:lines] for x in range(0, width * bpp, bpp * 2)})


def blank_png(width: int, height: int) -> bytes:
    """A white PNG of that size, compressed the usual way: what a blank screenshot weighs."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    raw = (b"\x00" + b"\xff" * (width * 4)) * height
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b""))


def test_html_report_in_headless_chromium(capsys: pytest.CaptureFixture[str], db: Path,
                                          tmp_path: Path) -> None:
    if shutil.which("chromium") is None:
        pytest.skip("chromium not installed: cannot open the report in a browser")
    page = tmp_path / "report.html"
    report(capsys, db, "--format", "html", "--out", str(page))
    # the check itself works: a console error is logged as a CONSOLE line
    bad = tmp_path / "bad.html"
    bad.write_text('<!DOCTYPE html><p>x</p><script>console.error("boom")</script>', encoding="utf-8")
    assert "CONSOLE" in chromium(bad, tmp_path, "--dump-dom").stderr

    dom = chromium(page, tmp_path, "--dump-dom")
    assert "CONSOLE" not in dom.stderr, dom.stderr[-2000:]
    svgs = Svgs()
    svgs.feed(dom.stdout)
    assert len(svgs.charts) == 7, [dict(c) for c in svgs.charts]
    for chart in svgs.charts:
        assert chart["rect"] >= 10 and chart["text"] >= 3, chart
    assert max(c["rect"] for c in svgs.charts) >= 365  # the heatmap's days

    png = tmp_path / "shot.png"
    shot = chromium(page, tmp_path, f"--screenshot={png}")
    assert "CONSOLE" not in shot.stderr, shot.stderr[-2000:]
    data = png.read_bytes()
    width, _, rows = browser.png_rows(data)
    assert len(data) > 10 * len(blank_png(width, len(rows)))
    assert top_colours(data, 120) > 20  # title, tiles and text, not a blank page
