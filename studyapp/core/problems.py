"""Problems: a template and a seed become params, a prompt, an answer and a worked solution."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np

from studyapp.core.bilingual import T
from studyapp.core.content import ProblemTemplate
from studyapp.core.diagnosis import diagnose
from studyapp.core.grading import Grade, Tolerance, grade
from studyapp.core.kinds import KINDS, Kind, Knobs
from studyapp.core.kinds.rawbits import RawBits, seed_states
from studyapp.core.kinds.wording import typeset_minus
from studyapp.core.numfmt import tensor_grids
from studyapp.core.steps import Step

if TYPE_CHECKING:
    from studyapp.core.library import Library

SEED_LIMIT = 2**63
MAX_COUNT = 100_000  # problems in one set: `studyapp generate --count`, worksheets, an exam
# ProblemStream.each makes this many problems before it hands out their results: the longer the
# runs of one kind, the faster, and a batch keeps only its results (JSON rows), not its problems.
BATCH = 10_000
R = TypeVar("R")


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
        """The statement; its matrices and tensors are shown beside it (``tensor_grids``)."""
        return typeset_minus(self.kind.prompt(self.params, lang, self.decimals))

    def full_prompt(self, lang: str) -> str:
        """The statement with every matrix and tensor it needs as text grids below it: the
        whole problem for a reader that shows nothing else (the JSON ``prompt``)."""
        return _with_grids(self.prompt(lang), self.params, lang)

    def grade(self, text: str) -> Grade:
        """The grade of typed text, naming the mistake behind a wrong answer when it can."""
        return grade_answer(self.kind, self.params, self.answer, text, self.tolerance)

    def to_dict(self, lang: str) -> dict[str, Any]:
        """The public exercise-set form; no timestamps, so equal seeds give equal bytes."""
        template = self.template  # the properties inlined: this runs for every problem of a set
        kind = KINDS[template.kind]
        decimals = template.decimals if template.decimals is not None else kind.decimals
        return {
            "id": f"{template.id}@{self.seed}",
            "kind": template.kind,
            "topic": template.deck,
            "template": template.id,
            "difficulty": template.difficulty,
            "seed": self.seed,
            "decimals": decimals,
            "params": self.params,
            "prompt": _with_grids(typeset_minus(kind.prompt(self.params, lang, decimals)), self.params, lang),
            "answer": self.answer,
            "solution": [step.to_dict(lang) for step in self.steps],
        }


def _with_grids(prompt: str, params: dict[str, Any], lang: str) -> str:
    grids = tensor_grids(params, lang)
    return "\n".join([prompt, "", *grids]) if grids else prompt  # prompt, a blank line, the grids


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
    # default_rng(seed)'s own bit generator, without the Generator around it: the draws
    # only read its raw stream, and building the wrapper would cost a third of the seeding.
    return _generate(template, seed, np.random.PCG64(seed))


def _generate(template: ProblemTemplate, seed: int, bits: np.random.PCG64 | RawBits) -> Problem:
    kind = KINDS[template.kind]
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
        order.extend(rng.permutation(len(templates)).tolist())
    seeds = rng.integers(0, 2**32, size=count).tolist()
    return [(templates[i], s) for i, s in zip(order[:count], seeds, strict=True)]


def iter_exercise_set(templates: list[ProblemTemplate], count: int, seed: int) -> ProblemStream:
    """The set's problems one by one, so a large set never has to be held in memory."""
    pairs = pick(templates, count, seed)
    return ProblemStream(pairs, seed_states([s for _, s in pairs]))


class ProblemStream(Iterator[Problem]):
    """A set's problems, the same as ``generate(t, s)`` gives, made as they are asked for.

    Two things make a large set faster: every problem's PCG64 is seeded in one pass over the set
    (``rawbits``: building a PCG64 per problem would cost 15 µs), and ``each`` makes the problems
    kind by kind, handing the results out in set order (a set mixes its kinds evenly, and going
    from kind to kind keeps the processor's caches cold: made in order, a set takes a fifth longer).
    """

    def __init__(self, pairs: list[tuple[ProblemTemplate, int]], states: list[tuple[int, int]]):
        self._pairs, self._states, self._next = pairs, states, 0

    def __next__(self) -> Problem:
        if self._next >= len(self._pairs):
            raise StopIteration
        self._next += 1
        return self._make(self._next - 1)

    def each(self, fn: Callable[[Problem], R]) -> Iterator[R]:
        """``fn`` of every problem not yet taken, in set order; each problem lives only in its call."""
        pairs, states = self._pairs, self._states
        kinds = [template.kind for template, _ in pairs]
        while self._next < len(pairs):
            batch = range(self._next, min(self._next + BATCH, len(pairs)))
            self._next = batch.stop
            done = {}
            for i in sorted(batch, key=kinds.__getitem__):
                template, seed = pairs[i]
                done[i] = fn(_generate(template, seed, RawBits(seed, states[i])))
            yield from (done[i] for i in batch)

    def _make(self, index: int) -> Problem:
        template, seed = self._pairs[index]
        return _generate(template, seed, RawBits(seed, self._states[index]))


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
