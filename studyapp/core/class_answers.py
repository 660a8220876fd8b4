"""A class's answers as a teacher brings them: a CSV file typed by hand or exported from a
spreadsheet, read into (student, problem number, text as written) with every problem named by its
row and column.

Two layouts are read. Wide: a header ``student,1,2,…`` (the problem numbers), then a row per
student. Long: a header ``student,problem,answer``, then a row per answer. Both come UTF-8 with or
without a byte-order mark, separated by commas or semicolons (a spreadsheet in a locale with a
decimal comma writes semicolons), with Excel's quoting. Text only: no file is opened here.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass

from studyapp.core.bilingual import Text

LONG_HEADER = ("student", "problem", "answer")
MAX_ANSWER_CHARS = 2000  # longer than any answer; a cell past it is a paste gone wrong


class AnswersUnreadable(ValueError):
    """The file as a whole cannot be read as answers; ``str()`` is one line."""


@dataclass(frozen=True)
class Answer:
    student: str  # as written in the file (matched to the key later)
    problem: int  # 1-based, as numbered on the sheet
    text: str  # as the student wrote it; empty for a blank
    row: int  # the file's line number, for messages (the header is line 1)
    column: int  # 1-based column (the answer's cell)


@dataclass(frozen=True)
class AnswersFile:
    answers: list[Answer]
    students: list[tuple[str, int]]  # each student once, in file order, with their first row
    problems: list[str]  # every problem named anywhere, in order (for messages)
    layout: str  # "wide" or "long"
    problems_found: list[Text]  # one line per bad row or column; the rest is read


def normal_name(name: str) -> str:
    """A name as compared: width-folded (full-width letters typed in a Chinese IME), case-folded,
    runs of spaces made one."""
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


def read_answers(text: str) -> AnswersFile:
    """The answers in ``text``; raises AnswersUnreadable when it is not a CSV of answers at all."""
    text = text.removeprefix("\ufeff")
    if "\x00" in text:
        raise AnswersUnreadable("not a CSV text file (it holds binary data); save it from the "
                                "spreadsheet as CSV UTF-8")
    raw = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    rows = [(raw.line_num, [cell.strip() for cell in row]) for row in raw  # line_num: where the row ends
            if any(c.strip() for c in row)]
    if not rows:
        raise AnswersUnreadable("the answers file is empty; expected a header row 'student,1,2,…' "
                                "and a row per student")
    line, header = rows[0]
    names = [normal_name(h) for h in header]
    if tuple(names[:3]) == LONG_HEADER:
        return _long(rows[1:])
    if len(header) < 2 or not all(_number(h) for h in header[1:] if h):
        shown = ",".join(header[:6])[:80]
        raise AnswersUnreadable(f"line {line}: expected a header 'student,1,2,…' (problem numbers) or "
                                f"'student,problem,answer', got '{shown}'")
    return _wide(header, rows[1:])


def _delimiter(text: str) -> str:
    """A semicolon when the header row has more semicolons than commas outside quotes."""
    first = text.split("\n", 1)[0]
    return ";" if first.count(";") > first.count(",") else ","


def _number(cell: str) -> int | None:
    cell = unicodedata.normalize("NFKC", cell).strip().lstrip("#").removeprefix("Q").removeprefix("q")
    return int(cell) if cell.isdigit() and 0 < int(cell) <= 100_000 else None


def _wide(header: list[str], rows: list[tuple[int, list[str]]]) -> AnswersFile:
    problems_found: list[Text] = []
    columns: list[tuple[int, int]] = []  # (column index, problem number)
    seen: set[int] = set()
    for i, cell in enumerate(header[1:], 1):
        number = _number(cell)
        if not cell:
            continue
        if number is None or number in seen:
            problems_found.append(Text(
                f"line 1, column {i + 1}: '{cell}' is "
                f"{'a problem given twice' if number else 'not a problem number'}; that column is left out",
                f"第 1 行第 {i + 1} 列:'{cell}' {'是重复的题号' if number else '不是题号'},该列未计入"))
            continue
        seen.add(number)
        columns.append((i, number))
    answers: list[Answer] = []
    students: list[tuple[str, int]] = []
    for line, row in rows:
        student = row[0] if row else ""
        if not student:
            problems_found.append(Text(f"line {line}: no student in column 1; the row is left out",
                                       f"第 {line} 行:第 1 列没有学生,该行未计入"))
            continue
        students.append((student, line))
        extra = [c for c in row[len(header):] if c]
        if extra:
            problems_found.append(Text(f"line {line}: {len(extra)} cell(s) past the last problem column; "
                                       "left out",
                                       f"第 {line} 行:最后一个题号列之后还有 {len(extra)} 个单元格,未计入"))
        for i, number in columns:
            answers.append(Answer(student, number, _cell(row, i, line, problems_found), line, i + 1))
    return AnswersFile(answers, students, [str(n) for _, n in columns], "wide", problems_found)


def _long(rows: list[tuple[int, list[str]]]) -> AnswersFile:
    problems_found: list[Text] = []
    answers: list[Answer] = []
    students: dict[str, int] = {}
    numbers: list[int] = []
    for line, row in rows:
        student = row[0] if row else ""
        number = _number(row[1]) if len(row) > 1 else None
        if not student or number is None:
            cell = row[1] if len(row) > 1 else ""
            problems_found.append(
                Text(f"line {line}: no student in column 1; the row is left out",
                     f"第 {line} 行:第 1 列没有学生,该行未计入") if not student else
                Text(f"line {line}: '{cell}' in column 2 is not a problem number; the row is left out",
                     f"第 {line} 行:第 2 列的 '{cell}' 不是题号,该行未计入"))
            continue
        students.setdefault(student, line)
        if number not in numbers:
            numbers.append(number)
        answers.append(Answer(student, number, _cell(row, 2, line, problems_found), line, 3))
    return AnswersFile(answers, list(students.items()), [str(n) for n in sorted(numbers)], "long",
                       problems_found)


def _cell(row: list[str], i: int, line: int, problems_found: list[Text]) -> str:
    text = row[i] if i < len(row) else ""
    if len(text) > MAX_ANSWER_CHARS:
        problems_found.append(Text(f"line {line}, column {i + 1}: an answer of {len(text):,} characters "
                                   f"(at most {MAX_ANSWER_CHARS:,}); read as blank",
                                   f"第 {line} 行第 {i + 1} 列:答案有 {len(text):,} 个字符"
                                   f"(最多 {MAX_ANSWER_CHARS:,} 个),按空白处理"))
        return ""
    return text
