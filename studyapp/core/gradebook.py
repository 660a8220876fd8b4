"""A class's answers graded against its answer key: every problem made again from the seed the key
records and graded by the study app's own grader (the same tolerance, partial credit by part and
unreadable-answer rules), and every wrong answer diagnosed.

The key is the class set's ``answer-key.csv`` (``studyapp generate --students``); the answers come
from ``core.class_answers``. Each bad row or column is named in ``problems_found`` and left out;
the rest is graded. Text and content in, results out: no file is touched here.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from studyapp.core.bilingual import Text
from studyapp.core.class_answers import AnswersFile, normal_name
from studyapp.core.content import ProblemTemplate
from studyapp.core.numfmt import format_answer
from studyapp.core.problems import Problem, generate

KEY_COLUMNS = ("student", "seed", "problem", "id", "kind", "answer", "file")
STATUSES = ("right", "partial", "wrong", "unreadable", "blank", "not graded")


class KeyUnreadable(ValueError):
    """The answer key cannot be used at all; ``str()`` is one line."""


@dataclass(frozen=True)
class KeyProblem:
    student: str
    sheet_seed: int
    number: int
    problem_id: str  # template@seed
    kind: str
    answer: str  # as the key printed it
    file: str


@dataclass
class ProblemResult:
    number: int
    problem_id: str
    kind: str
    text: str  # what the student wrote ("" for a blank)
    status: str  # one of STATUSES
    score: float  # 0..1, partial credit by part
    expected: str
    message: Text | None = None  # the grader's words for a wrong or unreadable answer
    mistake: str | None = None  # the diagnosed mistake's tag
    explanation: Text | None = None
    step: int | None = None  # the worked-solution step where it goes wrong
    problem: Problem | None = field(default=None, repr=False)  # for the worked solution

    def to_dict(self, lang: str) -> dict[str, Any]:
        return {"problem": self.number, "id": self.problem_id, "kind": self.kind, "answer": self.text,
                "status": self.status, "score": round(self.score, 4), "expected": self.expected,
                "message": self.message.get(lang) if self.message else None,
                "mistake": self.mistake,
                "explanation": self.explanation.get(lang) if self.explanation else None, "step": self.step}


@dataclass
class StudentResult:
    name: str  # as the key names them
    file: str
    sheet_seed: int
    results: list[ProblemResult]
    absent: bool = False  # no answers in the file at all

    @property
    def total(self) -> float:
        return sum(r.score for r in self.results)

    @property
    def possible(self) -> int:
        return sum(r.status != "not graded" for r in self.results)

    @property
    def percent(self) -> float:
        return 100 * self.total / self.possible if self.possible else 0.0


@dataclass
class Gradebook:
    students: list[StudentResult]
    problems_found: list[Text]  # one line per bad row, column or key entry, in English and Chinese
    problem_count: int


def read_key(text: str) -> list[KeyProblem]:
    """The answer key's rows; raises KeyUnreadable for a key made by an incompatible version."""
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))
    if not rows or tuple(h.strip() for h in rows[0]) != KEY_COLUMNS:
        got = ",".join(rows[0])[:80] if rows else "an empty file"
        raise KeyUnreadable(f"the answer key's header is '{got}', expected '{','.join(KEY_COLUMNS)}': "
                            "a key made by another version of studyapp; make the sheets again")
    out = []
    for line, row in enumerate(rows[1:], 2):
        if not any(row):
            continue
        try:
            student, seed, number, problem_id, kind, answer, file = row
            out.append(KeyProblem(student, int(seed), int(number), problem_id, kind, answer, file))
        except ValueError:
            raise KeyUnreadable(f"answer key, line {line}: expected {len(KEY_COLUMNS)} columns with a "
                                f"whole-number seed and problem, got {','.join(row)[:80]!r}") from None
    if not out:
        raise KeyUnreadable("the answer key lists no problems")
    return out


def grade_class(key: list[KeyProblem], answers: AnswersFile,
                templates: dict[str, ProblemTemplate]) -> Gradebook:
    """Every student of ``key`` with each of their problems graded (absent ones too)."""
    found = list(answers.problems_found)
    sheets: dict[str, list[KeyProblem]] = {}
    for k in key:
        sheets.setdefault(k.student, []).append(k)
    by_name: dict[str, str] = {}
    for student, rows in sheets.items():
        by_name.setdefault(normal_name(student), student)
        by_name.setdefault(normal_name(PurePath(rows[0].file).stem), student)
    written = _match(answers, sheets, by_name, found)
    count = max(len(rows) for rows in sheets.values())
    _check_columns(answers, count, found)
    problems = _problems(key, templates, found)
    students = []
    for student, rows in sheets.items():
        mine = written.get(student)
        results = [_grade(k, problems.get(k.problem_id), (mine or {}).get(k.number, "")) for k in rows]
        students.append(StudentResult(student, rows[0].file, rows[0].sheet_seed, results,
                                      absent=mine is None))
    absent = [s.name for s in students if s.absent]
    if absent:
        names = ", ".join(absent[:8]) + (f" (+{len(absent) - 8})" if len(absent) > 8 else "")  # one line
        found.append(Text(f"no answers for {len(absent)} student(s), graded as absent: {names}",
                          f"{len(absent)} 名学生没有答案,按缺交计:{names}"))
    return Gradebook(students, found, count)


def _match(answers: AnswersFile, sheets: dict[str, list[KeyProblem]], by_name: dict[str, str],
           found: list[Text]) -> dict[str, dict[int, str]]:
    """Each key student's answers by problem number; unknown and repeated students named."""
    rows_of: dict[str, int] = {}
    unknown: set[str] = set()
    written: dict[str, dict[int, str]] = {}
    for student, line in answers.students:
        match = by_name.get(normal_name(student))
        if match is None:
            unknown.add(student)
            known = ", ".join(list(sheets)[:5]) + (" …" if len(sheets) > 5 else "")
            found.append(Text(f"line {line}: student '{student}' has no worksheet in the key (known: "
                              f"{known}); left out",
                              f"第 {line} 行:学生 '{student}' 在答案键中没有练习卷(已有:{known}),未计入"))
        elif match in rows_of and answers.layout == "wide":
            first = rows_of[match]
            found.append(Text(f"line {line}: student '{student}' already has answers on line {first}; "
                              "this row is left out",
                              f"第 {line} 行:学生 '{student}' 的答案已在第 {first} 行,该行未计入"))
        else:
            rows_of.setdefault(match, line)
    for a in answers.answers:
        match = by_name.get(normal_name(a.student))
        if match is None or (answers.layout == "wide" and a.row != rows_of.get(match)) or not a.text.strip():
            continue  # a blank is graded blank anyway; a row of blanks is a sheet not handed in (absent)
        mine = written.setdefault(match, {})
        if a.problem in mine and answers.layout == "long":
            found.append(Text(f"line {a.row}: a second answer of '{a.student}' to problem {a.problem}; "
                              "the first is kept",
                              f"第 {a.row} 行:'{a.student}' 对第 {a.problem} 题的第二个答案,保留第一个"))
            continue
        if a.problem > len(sheets[match]):
            continue  # named once per column by _check_columns
        mine[a.problem] = a.text
    return written


def _check_columns(answers: AnswersFile, count: int, found: list[Text]) -> None:
    for name in answers.problems:
        if int(name) > count:
            column = next((a.column for a in answers.answers if a.problem == int(name)), None)
            where = column if answers.layout == "wide" else 2
            found.append(Text(f"column {where}: problem {name} does not exist (the sheets have {count} "
                              "problems); left out",
                              f"第 {where} 列:没有第 {name} 题(练习卷共 {count} 题),未计入"))


def _problems(key: list[KeyProblem], templates: dict[str, ProblemTemplate],
              found: list[Text]) -> dict[str, Problem]:
    """Each problem of the key made again from its seed, checked against the key's answer: a
    template that is gone or changed since the sheets were made is named, its problems not graded."""
    out: dict[str, Problem] = {}
    missing: dict[str, int] = {}
    changed: dict[str, int] = {}
    for k in key:
        if k.problem_id in out:
            continue
        template_id, _, seed = k.problem_id.rpartition("@")
        template = templates.get(template_id)
        if template is None or not seed.isdigit():
            missing[template_id] = missing.get(template_id, 0) + 1
            continue
        problem = generate(template, int(seed))
        if format_answer(problem.answer, problem.decimals) != k.answer:
            changed[template_id] = changed.get(template_id, 0) + 1
            continue
        out[k.problem_id] = problem
    for template_id, n in missing.items():
        found.append(Text(f"answer key: template '{template_id}' is not in the content ({n} problem(s) "
                          "not graded); add its deck with --content",
                          f"答案键:题目模板 '{template_id}' 不在内容中({n} 道题未批改);"
                          "用 --content 加入它的卡组"))
    for template_id, n in changed.items():
        found.append(Text(f"answer key: template '{template_id}' gives other answers than when the sheets "
                          f"were made ({n} problem(s) not graded): its deck has changed since",
                          f"答案键:题目模板 '{template_id}' 的答案与出卷时不同({n} 道题未批改):"
                          "它的卡组已改动"))
    return out


def _grade(k: KeyProblem, problem: Problem | None, text: str) -> ProblemResult:
    result = ProblemResult(k.number, k.problem_id, k.kind, text, "not graded", 0.0, k.answer, problem=problem)
    if problem is None:
        return result
    if not text.strip():
        result.status = "blank"
        return result
    grade = problem.grade(text)
    result.message = grade.message
    if not grade.readable:
        result.status = "unreadable"
        return result
    result.score = 1.0 if grade.correct and not grade.coarse else float(grade.score)
    result.status = "right" if grade.correct and result.score >= 1 else \
        "partial" if result.score > 0 else "wrong"
    if grade.mistake is not None:
        result.mistake, result.explanation, result.step = grade.mistake.tag, grade.mistake.message, \
            grade.mistake.step
    return result
