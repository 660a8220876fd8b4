"""A graded class as data: the ``studyapp.gradebook/1`` JSON document and ``gradebook.csv`` (one row
per student: total, percent and each problem's score, for a spreadsheet or a learning-management
system). Every field is in docs/formats.md."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from studyapp.core.gradebook import Gradebook
from studyapp.core.item_analysis import ClassMistake, ItemStats
from studyapp.report import csv_safe

SCHEMA = "studyapp.gradebook/1"


def gradebook_dict(book: Gradebook, items: Sequence[ItemStats], kinds: Sequence[ItemStats],
                   mistakes: Sequence[ClassMistake], lang: str) -> dict[str, Any]:
    present = [s for s in book.students if not s.absent]
    mean = sum(s.percent for s in present) / len(present) if present else None
    return {
        "schema": SCHEMA, "lang": lang, "problems": book.problem_count,
        "class": {"students": len(book.students), "absent": len(book.students) - len(present),
                  "mean_percent": None if mean is None else round(mean, 2)},
        "students": [{"student": s.name, "file": s.file, "seed": s.sheet_seed, "absent": s.absent,
                      "total": round(s.total, 4), "possible": s.possible, "percent": round(s.percent, 2),
                      "answers": [r.to_dict(lang) for r in s.results]} for s in book.students],
        "items": [{"problem": int(i.label), **i.to_dict()} for i in items],
        "kinds": [{"kind": k.label, **k.to_dict()} for k in kinds],
        "mistakes": [{"tag": m.tag, "explanation": m.explanation.get(lang), "students": len(m.students),
                      "names": m.students, "problems": m.problems, "kinds": m.kinds, "example": m.example,
                      "example_expected": m.example_expected, "related": m.related} for m in mistakes],
        "problems_found": [line.get(lang) for line in book.problems_found],
    }


def gradebook_csv(book: Gradebook) -> str:
    """student, total, possible, percent, absent, then problem 1…N with each score (0–1, empty when
    not graded); UTF-8 with a byte-order mark added by the writer, so a spreadsheet reads it right."""
    out = io.StringIO()
    w = csv_safe.writer(out, lineterminator="\r\n")
    w.writerow(["student", "total", "possible", "percent", "absent",
                *[str(n) for n in range(1, book.problem_count + 1)]])
    for s in book.students:
        scores = {r.number: ("" if r.status == "not graded" else _number(r.score)) for r in s.results}
        w.writerow([s.name, _number(s.total), s.possible, f"{s.percent:.1f}", "yes" if s.absent else "",
                    *[scores.get(n, "") for n in range(1, book.problem_count + 1)]])
    return "\ufeff" + out.getvalue()


def _number(x: float) -> str:
    return f"{x:.4f}".rstrip("0").rstrip(".") or "0"
