"""What a graded class says about the problems and about what the class misunderstood.

Per problem number (and per kind across the problems): the share of students right (classical
difficulty), discrimination (the point-biserial correlation of the problem's score with the rest of
the sheet, and the upper-minus-lower group difference, groups the top and bottom 27 % by total), mean
partial credit and the unreadable and blank counts, with flags for a problem nearly everyone missed
or nearly everyone got. Then the diagnosed mistakes across the class, ranked by how many students
made each, with an example answer and the concept cards that teach against it. Absent students and
problems not graded are left out of every figure.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from studyapp.core.bilingual import Text
from studyapp.core.gradebook import Gradebook, ProblemResult, StudentResult

MISSED = 0.2  # at most this share right: nearly everyone missed it
EASY = 0.9  # at least this share right: nearly everyone got it
GROUP = 0.27  # upper and lower groups for discrimination (Kelley's 27 %)


@dataclass(frozen=True)
class ItemStats:
    label: str  # a problem number, or a kind
    answered: int  # students graded on it (absent students left out)
    right: float  # share right (difficulty)
    mean_score: float  # mean partial credit
    point_biserial: float | None  # None: no spread to correlate
    upper_lower: float | None  # share right in the upper group minus the lower group
    unreadable: int
    blank: int

    @property
    def flag(self) -> str | None:
        if self.answered == 0:
            return None
        return "missed" if self.right <= MISSED else "easy" if self.right >= EASY else None

    def to_dict(self) -> dict[str, Any]:
        return {"answered": self.answered, "right": round(self.right, 4),
                "mean_score": round(self.mean_score, 4),
                "point_biserial": None if self.point_biserial is None else round(self.point_biserial, 4),
                "upper_lower": None if self.upper_lower is None else round(self.upper_lower, 4),
                "unreadable": self.unreadable, "blank": self.blank, "flag": self.flag}


@dataclass
class ClassMistake:
    tag: str
    explanation: Text
    students: list[str] = field(default_factory=list)
    problems: list[int] = field(default_factory=list)  # problem numbers where it was made
    kinds: list[str] = field(default_factory=list)
    example: str = ""  # one answer that made it, as written
    example_expected: str = ""
    related: list[str] = field(default_factory=list)  # concept card ids that teach against it


def graded(students: Sequence[StudentResult]) -> list[StudentResult]:
    return [s for s in students if not s.absent]


def item_stats(book: Gradebook) -> list[ItemStats]:
    """One entry per problem number, in order."""
    present = graded(book.students)
    return [_stats(str(n), [(s, r) for s in present for r in s.results
                            if r.number == n and r.status != "not graded"])
            for n in range(1, book.problem_count + 1)]


def kind_stats(book: Gradebook) -> list[ItemStats]:
    """One entry per kind, across every problem of that kind, hardest first."""
    by_kind: dict[str, list[tuple[StudentResult, ProblemResult]]] = {}
    for s in graded(book.students):
        for r in s.results:
            if r.status != "not graded":
                by_kind.setdefault(r.kind, []).append((s, r))
    return sorted((_stats(kind, pairs) for kind, pairs in by_kind.items()), key=lambda k: (k.right, k.label))


def _stats(label: str, pairs: list[tuple[StudentResult, ProblemResult]]) -> ItemStats:
    n = len(pairs)
    if n == 0:
        return ItemStats(label, 0, 0.0, 0.0, None, None, 0, 0)
    scores = [r.score for _, r in pairs]
    rights = [1.0 if r.status == "right" else 0.0 for _, r in pairs]
    rest = [s.total - r.score for s, r in pairs]  # the sheet without this problem
    ranked = sorted(range(n), key=lambda i: rest[i])
    size = max(1, round(GROUP * n))
    upper_lower = (sum(rights[i] for i in ranked[-size:]) - sum(rights[i] for i in ranked[:size])) / size \
        if n >= 4 else None
    unreadable = sum(r.status == "unreadable" for _, r in pairs)
    blank = sum(r.status == "blank" for _, r in pairs)
    return ItemStats(label, n, sum(rights) / n, sum(scores) / n, _correlation(scores, rest), upper_lower,
                     unreadable, blank)


def _correlation(x: list[float], y: list[float]) -> float | None:
    """Pearson's r (with a 0/1 ``x``, the point-biserial); None when either has no spread."""
    n = len(x)
    if n < 3:
        return None
    mx, my = sum(x) / n, sum(y) / n
    sxy = sum((a - mx) * (b - my) for a, b in zip(x, y, strict=True))
    sxx, syy = sum((a - mx) ** 2 for a in x), sum((b - my) ** 2 for b in y)
    return sxy / math.sqrt(sxx * syy) if sxx > 0 and syy > 0 else None


def class_mistakes(book: Gradebook, related: Callable[[str], Sequence[str]]) -> list[ClassMistake]:
    """The diagnosed mistakes, most students first; ``related(problem_id)`` gives the concept cards
    a problem's template lists in ``related``."""
    found: dict[str, ClassMistake] = {}
    for s in graded(book.students):
        for r in s.results:
            if r.mistake is None or r.explanation is None:
                continue
            m = found.setdefault(r.mistake, ClassMistake(r.mistake, r.explanation, example=r.text,
                                                         example_expected=r.expected))
            if s.name not in m.students:
                m.students.append(s.name)
            if r.number not in m.problems:
                m.problems.append(r.number)
            if r.kind not in m.kinds:
                m.kinds.append(r.kind)
            for card in related(r.problem_id):
                if card not in m.related:
                    m.related.append(card)
    return sorted(found.values(), key=lambda m: (-len(m.students), m.tag))
