"""The report's "Memory model" section (``report.memory_section``): the parameters in use, their
fit, and the calibration chart, in JSON, HTML and Markdown, and without the optimizer.

The calibration is recomputed here without fsrs-rs: each scheduled review on a later day than the
item's review before it is predicted from the stability the scheduler logged before it
(``prev_state``), with FSRS-6's forgetting curve written out below.
"""

from __future__ import annotations

import json
import math
import re
import shutil
import sqlite3
import sys
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

import pytest
from fsrs.scheduler import DEFAULT_PARAMETERS

from studyapp.config import save_settings
from studyapp.core.memory_model import FittedParameters, MemoryModel, clip_parameters
from studyapp.core.settings import Settings
from studyapp.paths import config_path
from studyapp.report.report_md import md
from studyapp.store.readonly import connector, sampled_histories
from tests.cli_run import run
from tests.report.test_formats_doc import documented, paths
from tests.report.test_report import HOUR, NOW, ZONE, build_history, write_config

DAY_MS = 86_400_000
SVG = re.compile(r'<svg[^>]*class="chart calibration".*?</svg>', re.S)
FITTED = clip_parameters([w * 1.1 for w in DEFAULT_PARAMETERS])
DECK_FIT = clip_parameters([w * 0.9 for w in DEFAULT_PARAMETERS])


def fit(parameters: tuple[float, ...], reviews: int) -> FittedParameters:
    return FittedParameters(parameters=parameters, fitted_at="2025-05-01T10:00:00+00:00", reviews=reviews,
                            log_loss_default=0.3512, log_loss_fitted=0.3301, rmse_default=0.0521,
                            rmse_fitted=0.0311)


@pytest.fixture(autouse=True)
def fixed_now(monkeypatch: pytest.MonkeyPatch, isolated_home: Path) -> None:
    monkeypatch.setenv("STUDYAPP_NOW", NOW.isoformat())
    write_config()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("memory") / "progress.sqlite3"
    build_history(path, days=240)
    return path


@pytest.fixture
def db(built: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "progress.sqlite3"
    shutil.copyfile(built, copy)
    return copy


def report(capsys: pytest.CaptureFixture[str], db: Path, *argv: str) -> str:
    code, out, err = run(capsys, "report", "--db", str(db), *argv)
    assert code == 0, err
    assert "Traceback" not in err
    return out


def memory(capsys: pytest.CaptureFixture[str], db: Path, *argv: str) -> dict:
    return json.loads(report(capsys, db, "--format", "json", *argv))["memory_model"]


def expected_bins(db: Path, parameters: tuple[float, ...], deck: str | None = None) -> dict[int, list[float]]:
    """Bin (0–9) → [reviews, recalled, sum of predictions], from the log's own columns."""
    decay = parameters[20]
    factor = 0.9 ** (-1 / decay) - 1
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute("SELECT r.item_id, r.reviewed_at, r.rating, r.prev_state FROM reviews r "
                            "JOIN items i ON i.id = r.item_id WHERE r.mode = 'scheduled' AND (? IS NULL "
                            "OR i.deck = ?) ORDER BY r.item_id, r.reviewed_at, r.id", (deck, deck)).fetchall()
    finally:
        conn.close()
    before: dict[str, int] = {}
    bins: dict[int, list[float]] = defaultdict(lambda: [0, 0, 0.0])
    for item, at, rating, prev_state in rows:
        days = (at - before[item]) // DAY_MS if item in before else 0
        before[item] = at
        if days > 0:
            p = (1 + factor * days / json.loads(prev_state)["stability"]) ** -decay
            cell = bins[min(int(p * 10), 9)]
            cell[0] += 1
            cell[1] += rating > 1
            cell[2] += p
    return dict(bins)


def check_bins(bins: list[dict], exp: dict[int, list[float]]) -> None:
    """The report's bins are the recomputed ones: the same bins, counts, shares and predictions."""
    assert {round(b["low"] * 10) for b in bins} == set(exp)
    assert sum(b["count"] for b in bins) == sum(n for n, _, _ in exp.values())
    for b in bins:
        n, recalled, predicted = exp[round(b["low"] * 10)]
        assert b["count"] == n and b["high"] == pytest.approx(b["low"] + 0.1)
        assert b["actual"] == pytest.approx(recalled / n, abs=1e-4)  # the share rated above Again
        assert b["predicted"] == pytest.approx(predicted / n, abs=1e-4)


def test_default_parameters_and_the_calibration_recomputed(capsys: pytest.CaptureFixture[str],
                                                           db: Path) -> None:
    mem = memory(capsys, db)
    assert mem["fitted"] is False and mem["parameters"] == pytest.approx(list(DEFAULT_PARAMETERS))
    assert mem["fitted_at"] is None and mem["reviews"] is None and mem["held_out"] is None
    assert mem["decks"] == [] and mem["calibration_error"] is None
    check_bins(mem["calibration"], expected_bins(db, tuple(DEFAULT_PARAMETERS)))
    assert len(mem["calibration"]) >= 3 and sum(b["count"] for b in mem["calibration"]) > 200
    narrowed = memory(capsys, db, "--deck", "activations")["calibration"]
    check_bins(narrowed, expected_bins(db, tuple(DEFAULT_PARAMETERS), deck="activations"))
    assert sum(b["count"] for b in narrowed) < sum(b["count"] for b in mem["calibration"])
    # a small log is calibrated whole: every item, every scheduled review
    conn = sqlite3.connect(db)
    (scheduled,) = conn.execute("SELECT COUNT(*) FROM reviews WHERE mode = 'scheduled'").fetchone()
    conn.close()
    assert mem["calibration_sample"]["every"] == 1 and mem["calibration_sample"]["reviews"] == scheduled


def test_a_fit_in_the_settings_is_echoed_and_used(capsys: pytest.CaptureFixture[str], db: Path) -> None:
    default_bins = memory(capsys, db)["calibration"]
    model = MemoryModel(collection=fit(FITTED, 1234), decks={"convolution": fit(DECK_FIT, 321)})
    save_settings(Settings(timezone=ZONE, day_start_hour=HOUR, memory_model=model), config_path())
    mem = memory(capsys, db)
    assert mem["fitted"] is True and mem["parameters"] == list(FITTED)
    assert mem["fitted_at"] == "2025-05-01T10:00:00+00:00" and mem["reviews"] == 1234
    assert mem["held_out"] == {"default": {"log_loss": 0.3512, "rmse_bins": 0.0521},
                               "fitted": {"log_loss": 0.3301, "rmse_bins": 0.0311}}
    assert [p for p in paths(mem, "memory_model") if not documented(p)] == []  # docs/formats.md
    [deck] = mem["decks"]
    assert deck["deck"] == "convolution" and deck["parameters"] == list(DECK_FIT) and deck["reviews"] == 321
    # the same reviews, predicted with the parameters in use (each deck's own where it has them)
    assert sum(b["count"] for b in mem["calibration"]) == sum(b["count"] for b in default_bins)
    assert [b["predicted"] for b in mem["calibration"]] != [b["predicted"] for b in default_bins]
    # --deck narrows the decks listed and the reviews calibrated
    narrowed = memory(capsys, db, "--deck", "activations")
    assert narrowed["decks"] == [] and narrowed["parameters"] == list(FITTED)
    exp = expected_bins(db, tuple(DEFAULT_PARAMETERS), deck="activations")  # counts, whatever the parameters
    assert sum(b["count"] for b in narrowed["calibration"]) == sum(n for n, _, _ in exp.values())
    html = report(capsys, db, "--format", "html")
    assert "Fitted to you on 2025-05-01 from 1,234 reviews." in html
    assert "Held-out log loss 0.3301 (defaults 0.3512), RMSE 3.11% (defaults 5.21%)." in html
    assert html.count('<table class="params">') == 2 and f"{DECK_FIT[20]:.4f}" in html


def test_a_deck_of_its_own_is_calibrated_with_its_own_parameters(capsys: pytest.CaptureFixture[str],
                                                                 db: Path) -> None:
    before = {deck: memory(capsys, db, "--deck", deck)["calibration"]
              for deck in ("activations", "convolution")}
    model = MemoryModel(decks={"convolution": fit(DECK_FIT, 321)})  # the collection keeps the defaults
    save_settings(Settings(timezone=ZONE, day_start_hour=HOUR, memory_model=model), config_path())
    mem = memory(capsys, db)
    assert mem["fitted"] is False and [d["deck"] for d in mem["decks"]] == ["convolution"]
    assert memory(capsys, db, "--deck", "activations")["calibration"] == before["activations"]
    own = memory(capsys, db, "--deck", "convolution")["calibration"]
    assert sum(b["count"] for b in own) == sum(b["count"] for b in before["convolution"])
    assert [b["predicted"] for b in own] != [b["predicted"] for b in before["convolution"]]


def test_html_chart_words_and_markdown(capsys: pytest.CaptureFixture[str], db: Path) -> None:
    bins = memory(capsys, db)["calibration"]
    html = report(capsys, db, "--format", "html")
    assert "<script" not in html.lower() and html.count("<svg") == 7
    [chart] = SVG.findall(html)
    svg = ET.fromstring(chart)  # well-formed XML, in the SVG namespace
    ns = "{http://www.w3.org/2000/svg}"
    assert svg.tag == f"{ns}svg" and "href" not in chart
    circles = svg.findall(f".//{ns}circle")
    assert len(circles) == len(bins) + 1  # one per bin, one in the key
    radii = [float(c.get("r", 0)) for c in circles[:-1]]
    assert radii.index(max(radii)) == [b["count"] for b in bins].index(max(b["count"] for b in bins))
    diagonal = [line for line in svg.findall(f".//{ns}line") if line.get("class") == "diag"]
    assert diagonal and (diagonal[0].get("x1"), diagonal[0].get("y2")) == ("52", "12")  # (0 %, 100 %)
    assert ".chart .diag{" in html and "stroke-dasharray:6 4" in html  # dashed, not only another colour
    assert len(svg.findall(f".//{ns}title")) == 11  # the chart's, and one per tenth of the x axis
    assert "FSRS&#x27;s default parameters (not fitted to you yet)." in html
    assert all(f"<td>{w:.4f}</td>" in html for w in DEFAULT_PARAMETERS) and "<th>w20</th>" in html
    zh = report(capsys, db, "--format", "html", "--lang", "zh")
    assert "记忆模型" in zh and "FSRS 默认参数(尚未按你的记录拟合)。" in zh and "Memory model" not in zh
    ET.fromstring(SVG.findall(zh)[0])
    text = report(capsys, db, "--format", "md")
    section = text.split("## Memory model", 1)[1]
    assert "FSRS's default parameters (not fitted to you yet)." in section and "`w20` 0.1542" in section
    table = [line for line in section.splitlines() if re.match(r"\| \d+–\d+% \|", line)]
    assert len(table) == len(bins)
    assert f"| {bins[-1]['count']:,} |" in table[-1]


def test_without_the_optimizer_the_report_still_renders(capsys: pytest.CaptureFixture[str], db: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "fsrs_rs_python", None)  # import fails as when not installed
    mem = memory(capsys, db)
    assert mem["calibration"] is None and mem["calibration_sample"] is None
    line = mem["calibration_error"]
    assert line.startswith("the FSRS optimizer is not installed") and "\n" not in line
    assert mem["fitted"] is False and len(mem["parameters"]) == 21
    assert [p for p in paths(mem, "memory_model") if not documented(p)] == []
    html = report(capsys, db, "--format", "html")
    assert html.count("<svg") == 6 and "class=\"chart calibration\"" not in html
    assert "No calibration: the FSRS optimizer is not installed" in html
    assert "<td>0.2120</td>" in html
    text = report(capsys, db, "--format", "md", "--lang", "zh")
    assert f"无法校准:{md(line)}" in text and "FSRS 默认参数" in text


def test_a_large_log_is_sampled_one_item_in_every_k(db: Path) -> None:
    conn = connector(db)()
    try:
        (items,) = conn.execute("SELECT COUNT(*) FROM items").fetchone()
        (log_rows,) = conn.execute("SELECT COUNT(*) FROM reviews").fetchone()
        hists, every = sampled_histories(conn, (), most=100)
        assert every == math.ceil(log_rows / 100) > 1
        sampled = {i for (i,) in conn.execute("SELECT id FROM items WHERE rowid % ? = 0", (every,))}
        assert len(sampled) == items // every
        scheduled = conn.execute("SELECT item_id, reviewed_at, rating FROM reviews WHERE mode = 'scheduled' "
                                 "ORDER BY reviewed_at, id").fetchall()
    finally:
        conn.close()
    assert hists and {h.item_id for h in hists} <= sampled
    assert sorted((h.item_id, t, r) for h in hists for t, r in zip(h.times, h.ratings, strict=True)) == \
        sorted(row for row in scheduled if row[0] in sampled)
    for h in hists:
        assert h.times == sorted(h.times)
