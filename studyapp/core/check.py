"""Deep checks of content: every template generates and solves, for many seeds."""

from __future__ import annotations

import math
from typing import Any

from studyapp.core.content import ContentError
from studyapp.core.kinds import KINDS, ParamError
from studyapp.core.library import Library
from studyapp.core.problems import generate

CHECK_SEEDS = 50


def finite(value: Any) -> bool:
    """True when every number of an answer (number, list, dict of parts) is finite."""
    if isinstance(value, dict):
        return all(finite(v) for v in value.values())
    if isinstance(value, list):
        return all(finite(v) for v in value)
    return isinstance(value, int | float) and math.isfinite(value)


def check_generation(library: Library, seeds: int = CHECK_SEEDS) -> list[ContentError]:
    """One error per template that fails to generate valid params or a finite answer."""
    errors = []
    for deck in library.decks:
        for template in deck.problems:
            kind = KINDS[template.kind]
            for seed in range(seeds):
                try:
                    problem = generate(template, seed)
                    kind.validate(problem.params)
                    problem.prompt("en")
                    problem.prompt("zh")
                except ParamError as exc:
                    message = f"seed {seed} generates unusable params: {exc}"
                except (ValueError, ArithmeticError, IndexError, KeyError, TypeError) as exc:
                    message = f"seed {seed} fails to generate or solve: {type(exc).__name__}: {exc}"
                else:
                    if finite(problem.answer):
                        continue
                    message = f"seed {seed} gives a non-finite answer"
                errors.append(ContentError(deck.file, *template.pos,
                                           f"template '{template.id}': {message}"))
                break
    return errors
