"""Naming the mistake behind a wrong answer.

Each kind lists its usual mistakes as alternative computations (``Kind.mistakes``). When a
wrong answer matches one of them within the tolerance, and not the right answer, the
grade names it: a stable tag (``conv.forgot_plus_one``), an explanation in both languages,
and the worked-solution step where the computation goes wrong.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from studyapp.core.bilingual import Text


@dataclass(frozen=True)
class Mistake:
    tag: str
    message: Text
    answer: Any  # what the mistaken computation gives, shaped like the right answer
    step: int | None = None  # index of the worked-solution step where it goes wrong

    def to_dict(self, lang: str) -> dict[str, Any]:
        return {"tag": self.tag, "message": self.message.get(lang), "step": self.step}


def _close(got: Any, expected: Any, tol: Any, exact: bool) -> bool:
    try:
        a = np.asarray(got, dtype=float)
        b = np.asarray(expected, dtype=float)
    except (TypeError, ValueError):
        return False
    if a.size != b.size:
        return False
    a = a.reshape(b.shape)
    if exact:
        return bool(np.all(a == b))
    return bool(np.all(tol.close(a, b)))


def matches(values: Any, expected: Any, tol: Any, exact: bool) -> bool:
    """Whether parsed ``values`` (a value, or a dict of parts) equal ``expected``."""
    if isinstance(expected, dict):
        if not isinstance(values, dict) or set(values) != set(expected):
            return False
        return all(_close(values[k], expected[k], tol, exact) for k in expected)
    return values is not None and _close(values, expected, tol, exact)


def diagnose(values: Any, right: Any, mistakes: list[Mistake], tol: Any, exact: bool) -> Mistake | None:
    """The first mistake whose answer the learner gave, unless it is also the right one."""
    if values is None or matches(values, right, tol, exact):
        return None
    for mistake in mistakes:
        if matches(values, mistake.answer, tol, exact):
            return mistake
    return None
