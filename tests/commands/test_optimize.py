"""``studyapp optimize``: a fit to a simulated learner's year, kept only when it predicts better,
saved in the settings file and used for every studied item; --dry-run, --reset, --simulate, and the
refusals (too few reviews, no database, the optimizer missing), each one line."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import fsrs
import pytest

from studyapp.core import optimizer
from studyapp.core.scheduler import Scheduler
from studyapp.core.settings import Settings
from studyapp.paths import config_path
from tests.cli_run import run
from tests.commands.learner_db import in_review, learner_db

NOW = "2026-12-05T18:00:00+00:00"
# a learner who remembers far longer than FSRS's defaults assume, and forgets on a flatter curve
TRUE = list(fsrs.scheduler.DEFAULT_PARAMETERS)
TRUE[0:4] = [0.6, 3.0, 7.0, 20.0]
TRUE[20] = 0.3


@pytest.fixture(scope="module")
def year(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return learner_db(tmp_path_factory.mktemp("learner") / "progress.sqlite3", 150, 240, TRUE)


@pytest.fixture
def db(year: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "progress.sqlite3"
    copy.write_bytes(year.read_bytes())
    return copy


@pytest.fixture(autouse=True)
def fixed_now(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STUDYAPP_NOW", NOW)


def test_a_fit_that_predicts_better_is_saved_and_reschedules_every_studied_item(capsys, db):
    before = {i.item_id: i for i in in_review(db)}
    code, out, err = run(capsys, "optimize", "--db", str(db))
    assert code == 0, err
    assert "default parameters" in out and "fitted parameters" in out and out.count("log loss") == 2
    assert "predict your recall better" in out and "items' schedules changed" in out
    saved = tomllib.loads(config_path().read_text(encoding="utf-8"))["memory_model"]
    assert len(saved["parameters"]) == 21 and saved["fitted_at"] == NOW
    assert saved["log_loss_fitted"] < saved["log_loss_default"]
    # the learner's initial stabilities are far above the defaults: the fit found them higher
    assert all(saved["parameters"][i] > fsrs.scheduler.DEFAULT_PARAMETERS[i] for i in range(4))
    after = {i.item_id: i for i in in_review(db)}
    assert after.keys() == before.keys()
    # each item in review now has the stability its history gives under the saved parameters
    settings = Settings.from_dict({"memory_model": saved})[0]
    moved = [k for k in after if after[k].due != before[k].due]
    assert len(moved) > len(after) / 2
    scheduler = Scheduler(settings)
    for item in list(after.values())[:10]:
        days = scheduler.for_deck(item.deck)._next_interval(stability=item.stability)
        assert abs((item.due - item.last_review).days - days) <= max(2, days * 0.3)  # fuzz's range


def test_json_says_what_was_decided_with_both_figures(capsys, db):
    code, out, _ = run(capsys, "optimize", "--db", str(db), "--format", "json", "--per-deck")
    data = json.loads(out)
    assert code == 0 and data["schema"] == "studyapp.optimize/1"
    held = data["collection"]["held_out"]
    assert data["collection"]["kept"] is (held["fitted"]["log_loss"] < held["default"]["log_loss"])
    assert {d["deck"] for d in data["decks"]} == {"activations", "convolution"}
    for deck in data["decks"]:  # judged against the collection's parameters too
        assert "collection" in deck["held_out"] or deck.get("too_few")
    assert data["saved_to"] == str(config_path()) and data["items_rescheduled"] > 0


def test_dry_run_changes_nothing(capsys, db):
    before = db.read_bytes()
    code, out, _ = run(capsys, "optimize", "--db", str(db), "--dry-run")
    assert code == 0 and "--dry-run: nothing saved or changed." in out
    assert not config_path().exists() and db.read_bytes() == before


def test_reset_goes_back_to_the_defaults_and_recomputes(capsys, db):
    assert run(capsys, "optimize", "--db", str(db))[0] == 0
    fitted = {i.item_id: i.stability for i in in_review(db)}
    code, out, _ = run(capsys, "optimize", "--db", str(db), "--reset")
    assert code == 0 and "default parameters are in use again" in out
    assert "memory_model" not in tomllib.loads(config_path().read_text(encoding="utf-8"))
    reset = {i.item_id: i.stability for i in in_review(db)}
    assert sum(reset[k] != fitted[k] for k in reset) > len(reset) / 2


def test_too_few_reviews_are_refused_saying_how_many_more(capsys, tmp_path):
    small = learner_db(tmp_path / "small.sqlite3", 6, 40, TRUE)
    code, out, err = run(capsys, "optimize", "--db", str(small))
    assert code == 1 and out == "" and len(err.strip().splitlines()) == 1
    assert "needs 64" in err and "more are needed" in err and "Traceback" not in err
    assert not config_path().exists()
    code, _, err = run(capsys, "optimize", "--db", str(small), "--lang", "zh")
    assert code == 1 and "需要 64 次" in err


def test_no_database_is_one_line(capsys, tmp_path):
    code, _, err = run(capsys, "optimize", "--db", str(tmp_path / "none.sqlite3"))
    assert code == 2 and "no progress database" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "none.sqlite3").exists()


def test_the_optimizer_missing_leaves_everything_as_it_was(capsys, db, monkeypatch):
    def missing() -> None:
        raise optimizer.OptimizerUnavailable("the FSRS optimizer is not installed (test); install it")

    monkeypatch.setattr(optimizer, "rs", missing)
    before = db.read_bytes()
    code, out, err = run(capsys, "optimize", "--db", str(db))
    assert code == 1 and out == "" and err.strip() == \
        "studyapp optimize: the FSRS optimizer is not installed (test); install it"
    assert db.read_bytes() == before and not config_path().exists()


def test_simulate_shows_each_retention_and_marks_the_cheapest(capsys, db):
    code, out, _ = run(capsys, "optimize", "--db", str(db), "--simulate")
    rows = [line for line in out.splitlines() if line[:2] == "0."]
    assert code == 0 and [r[:4] for r in rows] == [f"{0.70 + i / 100:.2f}" for i in range(28)]
    assert sum("least time per item remembered" in r for r in rows) == 1
    assert [r[:4] for r in rows if "(now)" in r] == ["0.90"]
    code, out, _ = run(capsys, "optimize", "--db", str(db), "--simulate", "--format", "json")
    data = json.loads(out)
    assert data["schema"] == "studyapp.workload/1" and len(data["points"]) == 28
    assert data["items"] == 150 and 0.70 <= data["optimal_retention"] <= 0.97
    first, last = data["points"][0], data["points"][-1]
    assert last["reviews_per_day"] > first["reviews_per_day"]  # more retention, more reviews


def test_simulate_and_dry_run_do_not_go_together(capsys, db):
    code, _, err = run(capsys, "optimize", "--db", str(db), "--simulate", "--dry-run")
    assert code == 2 and "--dry-run go with a fit" in err


def test_the_readme_settings_example_of_a_fit_is_a_valid_entry():
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    block = readme.split("```toml\n[memory_model]\n", 1)[1].split("```", 1)[0]
    settings, errors = Settings.from_dict(tomllib.loads("[memory_model]\n" + block))
    fit = settings.memory_model.collection
    assert errors == [] and fit is not None and fit.log_loss_fitted < fit.log_loss_default


def test_every_json_field_is_documented(capsys, db):
    from tests.report.test_formats_doc import DOC, documented, paths

    outputs = [run(capsys, "optimize", "--db", str(db), "--format", "json", "--per-deck", "--dry-run"),
               run(capsys, "optimize", "--db", str(db), "--format", "json", "--simulate"),
               run(capsys, "optimize", "--db", str(db), "--format", "json", "--reset")]
    for code, out, _ in outputs:
        data = json.loads(out)
        assert code == 0 and f"`{data['schema']}`" in DOC
        missing = [p for p in paths(data) if not documented(p)]
        assert missing == [], missing


def test_simulate_with_nothing_to_study_costs_nothing_and_marks_no_retention(capsys, tmp_path):
    from studyapp.store.progress import Store

    empty = tmp_path / "empty.sqlite3"
    Store(empty).close()
    code, out, _ = run(capsys, "optimize", "--db", str(empty), "--simulate", "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["items"] == 0 and data["optimal_retention"] is None
    assert {p["minutes_per_day"] for p in data["points"]} == {0.0}
    code, out, _ = run(capsys, "optimize", "--db", str(empty), "--simulate")
    assert code == 0 and "least time" not in out
