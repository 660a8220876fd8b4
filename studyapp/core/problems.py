"""Problems: a template and a seed become params, a prompt, an answer and a worked solution."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from studyapp.core.bilingual import T
from studyapp.core.content import ProblemTemplate
from studyapp.core.diagnosis import diagnose
from studyapp.core.grading import Grade, Tolerance, grade
from studyapp.core.kinds import KINDS, Kind, Knobs
from studyapp.core.steps import Step

if TYPE_CHECKING:
    from studyapp.core.library import Library

SEED_LIMIT = 2**63
MAX_COUNT = 100_000  # problems in one set: `studyapp generate --count`, worksheets, an exam


@dataclass(frozen=True)
class Problem:
    template: ProblemTemplate
    seed: int
    params: dict[str, Any]
    answer: Any
    steps: list[Step]

    @property
    def kind(self) -> Kind:
        return KINDS[self.template.kind]

    @property
    def id(self) -> str:
        return f"{self.template.id}@{self.seed}"

    @property
    def decimals(self) -> int:
        return self.template.decimals if self.template.decimals is not None else self.kind.decimals

    @property
    def tolerance(self) -> Tolerance:
        if self.template.tolerance is not None:
            return Tolerance(*self.template.tolerance)
        return default_tolerance(self.kind, self.decimals)

    def prompt(self, lang: str) -> str:
        return self.kind.prompt(self.params, lang, self.decimals)

    def grade(self, text: str) -> Grade:
        """The grade of typed text, naming the mistake behind a wrong answer when it can."""
        return grade_answer(self.kind, self.params, self.answer, text, self.tolerance)

    def to_dict(self, lang: str) -> dict[str, Any]:
        """The public exercise-set form; no timestamps, so equal seeds give equal bytes."""
        return {
            "id": self.id,
            "kind": self.template.kind,
            "topic": self.template.deck,
            "template": self.template.id,
            "difficulty": self.template.difficulty,
            "seed": self.seed,
            "decimals": self.decimals,
            "params": self.params,
            "prompt": self.prompt(lang),
            "answer": self.answer,
            "solution": [step.to_dict(lang) for step in self.steps],
        }


def default_tolerance(kind: Kind, decimals: int | None = None) -> Tolerance:
    if kind.tolerance is not None:
        return Tolerance(*kind.tolerance)
    return Tolerance.for_decimals(kind.decimals if decimals is None else decimals)


def grade_answer(kind: Kind, params: dict[str, Any], answer: Any, text: str, tol: Tolerance) -> Grade:
    """Grade ``text`` against ``answer``; a wrong answer that matches a known mistake names it.
    So does a value given to fewer places than asked that is exactly what a known mistake gives
    (1.5 for 1.4621, when forgetting a factor gives 1.5): that is the mistake, not a rounding."""
    result = grade(text, answer, tol, exact=kind.exact)
    if result.correct and not result.coarse:
        return result
    mistake = diagnose(result.values(), answer, kind.mistakes(params), tol, kind.exact)
    if mistake and result.correct:
        return replace(result, correct=False, score=0.0, coarse=0, mistake=mistake,
                       message=T("not the expected value", "数值不对"))
    return replace(result, mistake=mistake) if mistake else result


def generate(template: ProblemTemplate, seed: int) -> Problem:
    """The problem of ``template`` for ``seed``: a pure function of the two."""
    kind = KINDS[template.kind]
    # default_rng(seed)'s own bit generator, without the Generator around it: the draws
    # only read its raw stream, and building the wrapper would cost a third of the seeding.
    bits = np.random.PCG64(seed)
    params = kind.complete(kind.generate(Knobs(kind, template.knobs, bits)))
    solution = kind.solve(params)
    return Problem(template, seed, params, solution.answer, solution.steps)


def pick(templates: list[ProblemTemplate], count: int, seed: int) -> list[tuple[ProblemTemplate, int]]:
    """``count`` (template, problem seed) pairs, mixing templates evenly, from one set seed.

    Every template is used once before any is used twice, in an order the seed shuffles.
    """
    if not templates or count <= 0:
        return []
    rng = np.random.default_rng(seed)
    order: list[int] = []
    while len(order) < count:
        order.extend(int(i) for i in rng.permutation(len(templates)))
    seeds = rng.integers(0, 2**32, size=count)
    return [(templates[i], int(s)) for i, s in zip(order[:count], seeds, strict=True)]


def iter_exercise_set(templates: list[ProblemTemplate], count: int, seed: int) -> Iterator[Problem]:
    """The set's problems one by one, so a large set never has to be held in memory."""
    return (generate(t, s) for t, s in pick(templates, count, seed))


def exercise_set(templates: list[ProblemTemplate], count: int, seed: int) -> list[Problem]:
    return list(iter_exercise_set(templates, count, seed))


class SelectionError(ValueError):
    """An unknown kind or deck name in a template selection."""

    def __init__(self, what: str, value: str, known: list[str]):
        super().__init__(f"unknown {what} '{value}' (known: {', '.join(known)})")
        self.what, self.value, self.known = what, value, known


def select_templates(library: Library, kinds: Iterable[str] = (),
                     decks: Iterable[str] = ()) -> list[ProblemTemplate]:
    """The templates of any of ``kinds`` in any of ``decks`` (an empty filter keeps all), in
    content order: what ``studyapp generate --kind --topic`` and the exam draw their sets from,
    so that one seed gives one set in both. An unknown name raises ``SelectionError``; a
    selection that matches nothing is an empty list (each caller words that its own way)."""
    kinds, decks = list(kinds), list(decks)
    for kind in kinds:
        if kind not in KINDS:
            raise SelectionError("kind", kind, list(KINDS))
    deck_ids = sorted(d.id for d in library.decks)
    for deck in decks:
        if deck not in deck_ids:
            raise SelectionError("deck", deck, deck_ids)
    return [t for t in library.templates
            if (not kinds or t.kind in kinds) and (not decks or t.deck in decks)]
