"""An exam: a fixed set of generated problems, answered without feedback and graded at the end.

The problems are exactly those of ``studyapp generate --seed S --count N [--kind K] [--topic D]``
(``exercise_set(select_templates(...), N, S)``), so a printed set and the exam agree. Answers
can be changed until the exam finishes; finishing grades every problem and logs one review per
problem with mode "exam" (a thousand per transaction), never touching a schedule. Time comes only
from the injected clock.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

import numpy as np

from studyapp.core.bilingual import T, Text
from studyapp.core.grading import Grade
from studyapp.core.library import Library
from studyapp.core.numfmt import format_answer, shape_text, shape_zh
from studyapp.core.problems import (
    MAX_COUNT,
    SEED_LIMIT,
    Problem,
    SelectionError,
    iter_exercise_set,
    select_templates,
)
from studyapp.core.review_log import Review
from studyapp.core.scheduler import AGAIN, GOOD, ItemState
from studyapp.core.steps import Step

MAX_MINUTES = 24 * 60
RANDOM_SEEDS = 2**32  # a blank seed draws from [0, 2^32), as `generate` does without --seed
LOG_BATCH = 1000  # problems logged per transaction when an exam finishes


class ExamError(ValueError):
    """A bad exam setting or action, said in one line in both languages."""

    def __init__(self, message: Text):
        super().__init__(message.en)
        self.message = message


class UnreadableAnswer(ExamError):
    """An answer that cannot be read as one of the expected form: kept, but not accepted."""


class ExamStore(Protocol):
    """What finishing needs from the store (``studyapp.store.progress.Store``)."""

    def sync(self, items: Any, prints: dict[str, str] | None = None) -> int: ...
    def get(self, item_id: str) -> ItemState | None: ...
    def record_many(self, answers: Sequence[tuple[Review, ItemState]]) -> list[int]: ...
    def start_session(self, now: datetime, mode: str, decks: list[str] | None) -> int: ...
    def end_session(self, session_id: int, now: datetime) -> None: ...


@dataclass(frozen=True)
class ExamSpec:
    count: int
    seed: int
    minutes: float | None = None  # the time limit; None: no limit
    decks: tuple[str, ...] = ()  # empty: every deck
    kinds: tuple[str, ...] = ()  # empty: every kind

    def command(self, lang: str = "en") -> str:
        """The command that prints this exam's problems (with an answer key)."""
        words = ["studyapp generate", f"--seed {self.seed}", f"--count {self.count}"]
        words += [f"--topic {d}" for d in self.decks] + [f"--kind {k}" for k in self.kinds]
        return " ".join(words + (["--lang zh"] if lang == "zh" else []))


def _count_error(got: object) -> ExamError:
    return ExamError(T(f"count must be a whole number from 1 to {MAX_COUNT} (got '{got}')",
                       f"题数应为 1 到 {MAX_COUNT} 之间的整数(输入的是「{got}」)"))


def _seed_error(got: object) -> ExamError:
    return ExamError(T(f"seed must be a whole number from 0 to 2^63 − 1, or blank for a random one "
                       f"(got '{got}')",
                       f"种子应为 0 到 2^63 − 1 之间的整数,留空则随机(输入的是「{got}」)"))


def _minutes_error(got: object) -> ExamError:
    return ExamError(T(f"time limit must be minutes from 0.1 to {MAX_MINUTES}, or blank for none "
                       f"(got '{got}')",
                       f"限时应为 0.1 到 {MAX_MINUTES} 之间的分钟数,留空则不限时(输入的是「{got}」)"))


def _whole(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None


def read_spec(count: str, seed: str, minutes: str, rng: np.random.Generator,
              decks: Iterable[str] = (), kinds: Iterable[str] = ()) -> ExamSpec:
    """The spec from the setup form's text fields. A blank seed is drawn from ``rng``; a blank
    time limit means none. The first bad field raises ``ExamError`` quoting what was typed."""
    count, seed, minutes = count.strip(), seed.strip(), minutes.strip()
    n = _whole(count)
    if n is None or not 1 <= n <= MAX_COUNT:
        raise _count_error(count)
    s = _whole(seed) if seed else int(rng.integers(RANDOM_SEEDS))
    if s is None or not 0 <= s < SEED_LIMIT:
        raise _seed_error(seed)
    limit: float | None = None
    if minutes:
        try:
            limit = float(minutes)
        except ValueError:
            raise _minutes_error(minutes) from None
        if not _minutes_ok(limit):
            raise _minutes_error(minutes)
    return ExamSpec(count=n, seed=s, minutes=limit, decks=tuple(decks), kinds=tuple(kinds))


def check_spec(spec: ExamSpec) -> None:
    if not 1 <= spec.count <= MAX_COUNT:
        raise _count_error(spec.count)
    if not 0 <= spec.seed < SEED_LIMIT:
        raise _seed_error(spec.seed)
    if spec.minutes is not None and not _minutes_ok(spec.minutes):
        raise _minutes_error(spec.minutes)


def _minutes_ok(minutes: float) -> bool:
    return math.isfinite(minutes) and 0.1 <= minutes <= MAX_MINUTES


def answer_form(answer: Any) -> Text:
    """What shape the answer has ("a 3×3 matrix"; labelled parts for a structured answer)."""
    if isinstance(answer, dict):
        parts = [(k, _form(v)) for k, v in answer.items()]
        return T("; ".join(f"{k}: {f.en}" for k, f in parts), ";".join(f"{k}:{f.zh}" for k, f in parts))
    return _form(answer)


def _form(value: Any) -> Text:
    shape = tuple(np.shape(value))
    return T(shape_text(shape), shape_zh(shape))


@dataclass(frozen=True)
class ExamItem:
    """One graded problem of a finished exam."""

    number: int  # 1-based
    problem: Problem
    answer: str  # what was typed; "" when left blank
    grade: Grade
    seconds: float  # time spent on it

    @property
    def correct(self) -> bool:
        return self.grade.correct

    @property
    def expected(self) -> str:
        return format_answer(self.problem.answer, self.problem.decimals)

    @property
    def marks(self) -> Any:
        return {k: g.marks for k, g in self.grade.parts.items()} if self.grade.parts else self.grade.marks

    @property
    def mistake(self) -> Any:
        return self.grade.mistake

    @property
    def steps(self) -> list[Step]:
        return self.problem.steps

    def prompt(self, lang: str) -> str:
        return self.problem.prompt(lang)


@dataclass(frozen=True)
class ExamResult:
    spec: ExamSpec
    items: list[ExamItem]
    started_at: datetime
    finished_at: datetime
    timed_out: bool

    @property
    def right(self) -> int:
        return sum(item.correct for item in self.items)

    @property
    def total(self) -> int:
        return len(self.items)

    @property
    def percent(self) -> float:
        return 100.0 * self.right / self.total if self.total else 0.0


NOT_ANSWERED = Grade(False, 0.0, T("not answered", "未作答"))


@dataclass(eq=False)  # one sitting of an exam: equal only to itself
class Exam:
    """Build with ``Exam.create``; answer by index; ``finish`` grades and logs once."""

    library: Library
    spec: ExamSpec
    clock: Callable[[], datetime]
    problems: list[Problem]
    started_at: datetime
    answers: list[str] = field(default_factory=list)
    answered_at: list[datetime | None] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    current: int = 0
    shown_since: datetime | None = None
    result: ExamResult | None = None
    logged: int = 0  # problems already logged; a failed finish resumes after them
    session_id: int | None = None  # the store's session row, written when finishing starts

    @classmethod
    def create(cls, library: Library, spec: ExamSpec, clock: Callable[[], datetime],
               progress: Callable[[int, int], None] | None = None) -> Exam:
        """The exam of ``spec``; ``progress(done, total)`` is called after each problem is made.
        The clock starts when the last problem is ready."""
        check_spec(spec)
        try:
            templates = select_templates(library, spec.kinds, spec.decks)
        except SelectionError as exc:
            raise ExamError(T(str(exc), f"未知的{'题型' if exc.what == 'kind' else '卡组'}"
                                        f"「{exc.value}」(可选:{', '.join(exc.known)})")) from None
        if not templates:
            raise ExamError(T("no problem template matches the chosen decks and kinds",
                              "所选的卡组和题型中没有题目模板"))
        problems: list[Problem] = []
        for problem in iter_exercise_set(templates, spec.count, spec.seed):
            problems.append(problem)
            if progress is not None:
                progress(len(problems), spec.count)
        n = len(problems)
        now = clock()
        return cls(library, spec, clock, problems, now, [""] * n, [None] * n, [0.0] * n, 0, now)

    # --- answering ----------------------------------------------------------------------
    def remaining(self) -> timedelta | None:
        """Time left (never negative), or None without a time limit."""
        if self.spec.minutes is None:
            return None
        left = timedelta(minutes=self.spec.minutes) - (self.clock() - self.started_at)
        return max(left, timedelta(0))

    def time_up(self) -> bool:
        left = self.remaining()
        return left is not None and left <= timedelta(0)

    def show(self, index: int) -> None:
        """The learner now looks at problem ``index``: the time since the last call goes to the
        problem shown until now."""
        self._check_index(index)
        self._account(self.clock())
        self.current = index

    def answer(self, index: int, text: str) -> None:
        """Set (or change, or clear with blank text) the answer to problem ``index``."""
        self._check_index(index)
        if self.result is not None or self.session_id is not None:  # finished, or being logged
            raise ExamError(T("the exam is finished; answers can no longer change",
                              "考试已结束,答案不能再修改"))
        if self.time_up():
            raise ExamError(T("time is up; answers can no longer change", "时间到,答案不能再修改"))
        self.answers[index] = text.strip()
        self.answered_at[index] = self.clock() if text.strip() else None

    def enter(self, index: int, text: str) -> None:
        """The learner enters an answer (Enter): it is kept as typed, and refused with
        ``UnreadableAnswer`` saying what is wrong and what form is expected when it cannot be
        read (not a number, another shape, parts that cannot be told apart), as a study session
        refuses it. A blank answer is accepted: the problem stays unanswered."""
        self.answer(index, text)
        reason = self.unreadable(index)
        if reason is not None:
            raise UnreadableAnswer(reason)

    def unreadable(self, index: int) -> Text | None:
        """Why the kept answer to problem ``index`` cannot be read, or None (readable or blank)."""
        text = self.answers[index]
        if not text:
            return None
        grade = self.problems[index].grade(text)
        return None if grade.readable else grade.message  # it says what is expected

    def unreadable_answers(self) -> list[int]:
        """The problems whose kept answers cannot be read; finishing grades them wrong."""
        return [i for i in range(len(self.problems)) if self.unreadable(i) is not None]

    def unanswered(self) -> list[int]:
        return [i for i, text in enumerate(self.answers) if not text]

    def _check_index(self, index: int) -> None:
        if not 0 <= index < len(self.problems):
            raise ExamError(T(f"no problem {index + 1} (the exam has {len(self.problems)})",
                              f"没有第 {index + 1} 题(共 {len(self.problems)} 题)"))

    def _account(self, now: datetime) -> None:
        if self.shown_since is not None:
            self.seconds[self.current] += max((now - self.shown_since).total_seconds(), 0.0)
        self.shown_since = now

    # --- finishing ----------------------------------------------------------------------
    def finish(self, store: ExamStore, progress: Callable[[int, int], None] | None = None) -> ExamResult:
        """Grade every problem (a blank one is wrong) and log each as a review with mode "exam"
        and no new schedule, ``LOG_BATCH`` problems per transaction (each batch logged whole or
        not at all); ``progress(logged, total)`` follows each logged problem. Finishing again
        returns the same result; after a store error, finishing again logs only what was not
        logged yet."""
        if self.result is not None:
            return self.result
        now = self.clock()
        if self.shown_since is not None:
            self._account(now)
            self.shown_since = None
        items = [ExamItem(i + 1, p, self.answers[i], p.grade(self.answers[i]) if self.answers[i]
                          else NOT_ANSWERED, self.seconds[i]) for i, p in enumerate(self.problems)]
        store.sync(self.library.content_rows, self.library.fingerprints)
        decks = sorted({p.template.deck for p in self.problems})
        if self.session_id is None:
            self.session_id = store.start_session(self.started_at, "exam", decks)
        states: dict[str, ItemState] = {}  # each template's state: an exam changes none
        while self.logged < len(items):
            batch = items[self.logged:self.logged + LOG_BATCH]
            store.record_many([(self._review(item, now, self.session_id), self._before(store, item, states))
                               for item in batch])
            first, self.logged = self.logged, self.logged + len(batch)
            if progress is not None:
                for done in range(first + 1, self.logged + 1):
                    progress(done, len(items))
        store.end_session(self.session_id, now)
        self.result = ExamResult(self.spec, items, self.started_at, now, self.time_up())
        return self.result

    def _review(self, item: ExamItem, now: datetime, session_id: int) -> Review:
        payload = json.dumps({"correct": item.correct, "score": item.grade.score, "marks": item.marks})
        return Review(
            item_id=item.problem.template.id, reviewed_at=self.answered_at[item.number - 1] or now,
            rating=GOOD if item.correct else AGAIN, duration_ms=int(item.seconds * 1000), mode="exam",
            seed=item.problem.seed, answer=item.answer, result=payload,
            mistake=getattr(item.mistake, "tag", None), session_id=session_id, correct=item.correct)

    @staticmethod
    def _before(store: ExamStore, item: ExamItem, states: dict[str, ItemState]) -> ItemState:
        template = item.problem.template
        if template.id not in states:
            states[template.id] = store.get(template.id) or ItemState(template.id, template.deck, "problem")
        return states[template.id]
