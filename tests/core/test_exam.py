"""The exam engine: the same set as `studyapp generate`, grading, logging, time, bad input."""

from __future__ import annotations

import json
import shlex
import sqlite3
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from studyapp.cli import main
from studyapp.core import exam as exam_module
from studyapp.core.exam import (
    Exam,
    ExamError,
    ExamSpec,
    UnreadableAnswer,
    answer_form,
    read_spec,
)
from studyapp.core.library import load_library
from studyapp.core.numfmt import format_answer
from studyapp.core.problems import exercise_set, select_templates
from studyapp.store.progress import Store

LIBRARY = load_library()
START = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def store(tmp_path: Path):
    s = Store(tmp_path / "p.sqlite3")
    yield s
    s.close()


def rows(store: Store, sql: str) -> list[tuple]:
    return store.conn.execute(sql).fetchall()


def as_json(problem) -> dict:
    return json.loads(json.dumps(problem.to_dict("en")))


@pytest.mark.parametrize("spec", [
    ExamSpec(count=7, seed=2026, decks=("convolution",)),
    ExamSpec(count=5, seed=11, kinds=("softmax", "conv_output_size")),
    ExamSpec(count=4, seed=3, decks=("convolution", "losses"), kinds=("conv_output_size", "softmax")),
    ExamSpec(count=6, seed=2**63 - 1),
])
def test_the_exam_is_the_set_generate_prints_for_the_same_seed(spec, capsys):
    exam = Exam.create(LIBRARY, spec, Clock())
    expected = exercise_set(select_templates(LIBRARY, spec.kinds, spec.decks), spec.count, spec.seed)
    assert [p.id for p in exam.problems] == [p.id for p in expected]
    assert main(shlex.split(spec.command())[1:] + ["--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["seed"] == spec.seed
    assert doc["problems"] == [as_json(p) for p in exam.problems]


def right_mistake_blank(exam: Exam) -> tuple[str, str, str]:
    """Answer problem 0 right, problem 1 with a known mistake (returned: its tag), leave 2 blank."""
    first, second = exam.problems[0], exam.problems[1]
    exam.answer(0, format_answer(first.answer, first.decimals))
    for mistake in second.kind.mistakes(second.params):
        typed = format_answer(mistake.answer, second.decimals)
        grade = second.grade(typed)
        if grade.mistake is not None and grade.mistake.tag == mistake.tag:
            exam.answer(1, typed)
            return format_answer(first.answer, first.decimals), typed, mistake.tag
    raise AssertionError("no diagnosable mistake for the second problem")


def test_finish_grades_diagnoses_and_logs_exam_rows_without_changing_schedules(store):
    clock = Clock()
    exam = Exam.create(LIBRARY, ExamSpec(count=3, seed=5, kinds=("conv_output_size",)), clock)
    right, wrong, tag = right_mistake_blank(exam)
    store.sync(LIBRARY.content_rows)
    # One template has a real schedule already: the exam must leave it as it is.
    state = store.get(exam.problems[0].template.id)
    store.set_item(replace(state, is_new=False, state=2, stability=12.5, difficulty=4.0,
                           due=START + timedelta(days=9), last_review=START - timedelta(days=3)))
    items_before = rows(store, "SELECT * FROM items ORDER BY id")
    clock.advance(60)
    seen: list[tuple[int, int]] = []
    result = exam.finish(store, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(1, 3), (2, 3), (3, 3)]

    assert (result.right, result.total, round(result.percent)) == (1, 3, 33)
    one, two, three = result.items
    assert one.correct and one.answer == right and one.expected == right
    assert not two.correct and two.mistake.tag == tag and two.steps == exam.problems[1].steps
    assert not three.correct and three.answer == "" and three.grade.message.en == "not answered"
    assert rows(store, "SELECT * FROM items ORDER BY id") == items_before
    logged = rows(store, "SELECT item_id, mode, seed, answer, correct, mistake, rating, session_id "
                         "FROM reviews ORDER BY id")
    session_id = logged[0][-1]
    assert logged == [
        (p.template.id, "exam", p.seed, answer, ok, mistake, rating, session_id)
        for p, answer, ok, mistake, rating in zip(exam.problems, (right, wrong, ""), (1, 0, 0),
                                                   (None, tag, None), (3, 1, 1), strict=True)]
    assert json.loads(rows(store, "SELECT result FROM reviews ORDER BY id")[1][0])["correct"] is False
    assert rows(store, "SELECT mode, reviewed, correct, wrong, ended_at IS NOT NULL FROM sessions") == [
        ("exam", 3, 1, 2, 1)]
    # Finishing again neither logs twice nor changes the result.
    assert exam.finish(store) is result
    assert len(rows(store, "SELECT id FROM reviews")) == 3
    with pytest.raises(ExamError, match="finished"):
        exam.answer(2, "4")


def test_answers_change_until_the_end_and_blank_clears(store):
    exam = Exam.create(LIBRARY, ExamSpec(count=2, seed=1), Clock())
    exam.answer(0, "1")
    exam.answer(0, "  2 ")
    exam.answer(1, "5")
    exam.answer(1, "   ")
    assert exam.unanswered() == [1]
    result = exam.finish(store)
    assert [item.answer for item in result.items] == ["2", ""]
    assert [r[0] for r in rows(store, "SELECT answer FROM reviews ORDER BY id")] == ["2", ""]


@pytest.mark.parametrize("text, en, zh", [
    ("abc", "'abc' is not a number", "不是数字"),
    ("1 2; 3 4", "got a 2×2 matrix", "实际为2×2 矩阵"),
    ("7", "got a single number", "实际为一个数"),
])
def test_entering_an_unreadable_answer_is_refused_but_kept(store, text, en, zh):
    exam = Exam.create(LIBRARY, ExamSpec(count=1, seed=1, kinds=("conv2d",)), Clock())
    rows_, cols = np.shape(exam.problems[0].answer)
    assert (rows_, cols) != (2, 2)
    with pytest.raises(UnreadableAnswer) as refused:
        exam.enter(0, text)
    shape = f"{rows_}×{cols} matrix"
    assert en in refused.value.message.en and f"expected a {shape}" in refused.value.message.en
    assert zh in refused.value.message.zh and f"应为{rows_}×{cols} 矩阵" in refused.value.message.zh
    assert exam.answers[0] == text and exam.unreadable_answers() == [0]  # kept, so nothing is lost
    exam.enter(0, "")  # a blank answer is not refused: the problem is unanswered
    assert exam.unanswered() == [0] and exam.unreadable_answers() == []
    right = format_answer(exam.problems[0].answer, 8)
    exam.enter(0, right.replace(";", "；"))  # read as the study session reads it, IME included
    assert exam.unreadable_answers() == [] and exam.finish(store).right == 1


def test_an_unreadable_answer_left_in_place_is_graded_wrong_at_the_end(store):
    exam = Exam.create(LIBRARY, ExamSpec(count=2, seed=4, kinds=("conv2d",)), Clock())
    exam.answer(1, "abc")  # typed, never entered: moving on keeps it as it is
    assert exam.unreadable_answers() == [1]
    result = exam.finish(store)
    assert [item.correct for item in result.items] == [False, False]
    assert rows(store, "SELECT answer, correct FROM reviews ORDER BY id") == [("", 0), ("abc", 0)]


def test_time_limit_and_time_per_problem_come_from_the_clock(store):
    clock = Clock()
    exam = Exam.create(LIBRARY, ExamSpec(count=3, seed=9, minutes=1.5), clock)
    assert exam.remaining() == timedelta(seconds=90)
    clock.advance(10)
    exam.show(1)
    clock.advance(25)
    exam.answer(1, "3")
    exam.show(0)
    assert exam.remaining() == timedelta(seconds=55) and not exam.time_up()
    clock.advance(56)
    assert exam.remaining() == timedelta(0) and exam.time_up()
    with pytest.raises(ExamError, match="time is up"):
        exam.answer(0, "1")
    result = exam.finish(store)
    assert result.timed_out and result.finished_at == START + timedelta(seconds=91)
    assert [item.seconds for item in result.items] == [66, 25, 0]
    assert [r[0] for r in rows(store, "SELECT duration_ms FROM reviews ORDER BY id")] == [66000, 25000, 0]
    assert Exam.create(LIBRARY, ExamSpec(count=1, seed=9), clock).remaining() is None


def test_a_store_failure_midway_loses_nothing_and_logs_nothing_twice(tmp_path, monkeypatch):
    class FlakyStore(Store):
        fail_at = 2  # the second batch

        def record_many(self, answers):
            self.fail_at -= 1
            if self.fail_at == 0:
                raise sqlite3.OperationalError("disk I/O error")
            return super().record_many(answers)

    monkeypatch.setattr(exam_module, "LOG_BATCH", 2)
    store = FlakyStore(tmp_path / "p.sqlite3")
    exam = Exam.create(LIBRARY, ExamSpec(count=5, seed=4), Clock())
    exam.answer(3, "7")
    seen: list[int] = []
    with pytest.raises(sqlite3.OperationalError):
        exam.finish(store, progress=lambda done, total: seen.append(done))
    assert exam.result is None and exam.logged == 2 and seen == [1, 2]
    result = exam.finish(store, progress=lambda done, total: seen.append(done))
    assert seen == [1, 2, 3, 4, 5]
    logged = rows(store, "SELECT item_id, seed, answer, session_id FROM reviews ORDER BY id")
    assert [(i, s, a) for i, s, a, _ in logged] == [
        (p.template.id, p.seed, "7" if n == 3 else "") for n, p in enumerate(exam.problems)]
    assert len({session for *_, session in logged}) == 1 and result.total == 5
    assert rows(store, "SELECT reviewed, correct + wrong FROM sessions") == [(5, 5)]
    store.close()


def test_a_failure_inside_a_batch_logs_none_of_it(tmp_path):
    """SQLite fails at the third answer of the batch: the two before it are not kept either, so
    finishing again logs each problem once, with the session's counters agreeing."""
    store = Store(tmp_path / "p.sqlite3")
    exam = Exam.create(LIBRARY, ExamSpec(count=4, seed=8), Clock())
    exam.answer(0, format_answer(exam.problems[0].answer, exam.problems[0].decimals))
    store.conn.execute("CREATE TEMP TRIGGER full_disk BEFORE INSERT ON reviews "
                       "WHEN (SELECT COUNT(*) FROM reviews) >= 2 BEGIN SELECT RAISE(ABORT, 'disk full'); END")
    with pytest.raises(sqlite3.Error, match="disk full"):
        exam.finish(store)
    assert exam.result is None and exam.logged == 0
    assert rows(store, "SELECT COUNT(*) FROM reviews") == [(0,)]
    assert rows(store, "SELECT reviewed, correct, wrong FROM sessions") == [(0, 0, 0)]
    store.conn.execute("DROP TRIGGER temp.full_disk")
    result = exam.finish(store)
    assert [r[0] for r in rows(store, "SELECT item_id FROM reviews ORDER BY id")] == [
        p.template.id for p in exam.problems]
    assert result.right >= 1
    assert rows(store, "SELECT reviewed, correct, wrong FROM sessions") == [
        (4, result.right, 4 - result.right)]
    store.close()


def test_a_long_exam_is_logged_in_a_few_transactions(tmp_path):
    """Finishing does not commit once per problem: 2,500 problems are three batches (and the
    session's start and end), whatever the disk's fsync costs."""
    class CountingStore(Store):
        transactions = 0

        def transaction(self):
            self.transactions += 1
            return super().transaction()

    store = CountingStore(tmp_path / "p.sqlite3")
    store.sync(LIBRARY.content_rows)
    exam = Exam.create(LIBRARY, ExamSpec(count=2500, seed=12), Clock())
    store.transactions = 0
    assert exam.finish(store).total == 2500
    assert store.transactions == 2 + 3
    assert rows(store, "SELECT COUNT(*), COUNT(DISTINCT session_id) FROM reviews") == [(2500, 1)]
    assert rows(store, "SELECT reviewed, wrong, ended_at IS NOT NULL FROM sessions") == [(2500, 2500, 1)]
    store.close()


@pytest.mark.parametrize(("count", "seed", "minutes", "words"), [
    ("0", "", "", ["count", "1 to 100000", "'0'"]),
    ("100001", "", "", ["count", "'100001'"]),
    ("ten", "", "", ["count", "'ten'"]),
    ("", "", "", ["count", "''"]),
    ("2.5", "", "", ["count", "'2.5'"]),
    ("5", "-1", "", ["seed", "'-1'"]),
    ("5", str(2**63), "", ["seed", str(2**63)]),
    ("5", "abc", "", ["seed", "'abc'"]),
    ("5", "1", "0", ["time limit", "'0'"]),
    ("5", "1", "-3", ["time limit", "'-3'"]),
    ("5", "1", "0.05", ["time limit", "0.1 to 1440", "'0.05'"]),
    ("5", "1", "soon", ["time limit", "'soon'"]),
    ("5", "1", "nan", ["time limit", "nan"]),
    ("5", "1", "inf", ["time limit", "inf"]),
    ("5", "1", "1441", ["time limit", "1441"]),
])
def test_each_bad_field_is_one_line_in_both_languages(count, seed, minutes, words):
    with pytest.raises(ExamError) as info:
        read_spec(count, seed, minutes, np.random.default_rng(0))
    message = info.value.message
    for word in words:
        assert word in message.en
    assert "\n" not in message.en and "\n" not in message.zh
    assert message.zh and message.zh != message.en


def test_good_fields_and_a_blank_seed_drawn_from_the_rng():
    spec = read_spec(" 12 ", "42", "2.5", np.random.default_rng(0), decks=["losses"], kinds=["softmax"])
    assert spec == ExamSpec(count=12, seed=42, minutes=2.5, decks=("losses",), kinds=("softmax",))
    drawn = [read_spec("3", "  ", "", np.random.default_rng(8)).seed for _ in range(2)]
    assert drawn[0] == drawn[1] and 0 <= drawn[0] < 2**32
    assert read_spec("3", "", "", np.random.default_rng(8)).minutes is None


def test_bad_selections_and_indexes():
    with pytest.raises(ExamError, match="unknown deck 'optics'") as info:
        Exam.create(LIBRARY, ExamSpec(count=3, seed=1, decks=("optics",)), Clock())
    assert "optics" in info.value.message.zh
    with pytest.raises(ExamError, match="no problem template matches"):
        Exam.create(LIBRARY, ExamSpec(count=3, seed=1, decks=("losses",), kinds=("conv2d",)), Clock())
    with pytest.raises(ExamError, match="count"):
        Exam.create(LIBRARY, ExamSpec(count=0, seed=1), Clock())
    exam = Exam.create(LIBRARY, ExamSpec(count=2, seed=1), Clock())
    with pytest.raises(ExamError, match="no problem 3"):
        exam.answer(2, "1")
    with pytest.raises(ExamError, match="no problem 0"):
        exam.show(-1)


def test_progress_is_reported_for_every_problem():
    seen: list[tuple[int, int]] = []
    Exam.create(LIBRARY, ExamSpec(count=4, seed=1), Clock(), progress=lambda done, total: seen.append(
        (done, total)))
    assert seen == [(1, 4), (2, 4), (3, 4), (4, 4)]


def test_answer_form_names_the_shape():
    assert answer_form(3.5) == ("a single number", "一个数")
    assert answer_form([1, 2, 3]).en == "a vector of 3"
    assert answer_form([[1, 2], [3, 4], [5, 6]]) == ("a 3×2 matrix", "3×2 矩阵")
    assert answer_form({"loss": 0.4, "grad": [1, 2]}).en == "loss: a single number; grad: a vector of 2"
