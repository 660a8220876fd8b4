"""Every encoded mistake is recognised when a learner makes it, and a right answer never is."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from studyapp.core.diagnosis import matches
from studyapp.core.kinds import KINDS, Knobs
from studyapp.core.library import load_library
from studyapp.core.numfmt import format_answer
from studyapp.core.problems import generate

TEMPLATES = load_library().templates
KIND_TEMPLATES = {t.kind: t for t in TEMPLATES}


def _problems(kind_name: str, seeds: int, **knobs):
    kind = KINDS[kind_name]
    template = KIND_TEMPLATES.get(kind_name)
    for seed in range(seeds):
        if knobs or template is None:
            params = kind.generate(Knobs(kind, knobs, np.random.default_rng(seed)))
            yield kind, params, kind.solve(params).answer
        else:
            problem = generate(template, seed)
            yield kind, problem.params, problem.answer


@pytest.mark.parametrize("kind_name", sorted(KINDS))
def test_every_kind_encodes_at_least_two_mistakes(kind_name):
    tags = set()
    for kind, params, _ in _problems(kind_name, 80):
        tags |= {m.tag for m in kind.mistakes(params)}
    assert len(tags) >= 2, tags


@pytest.mark.parametrize("kind_name", sorted(KINDS))
def test_a_mistaken_answer_is_diagnosed_and_the_right_one_never(kind_name):
    template = KIND_TEMPLATES[kind_name]
    diagnosed = Counter()
    for seed in range(60):
        problem = generate(template, seed)
        right = problem.grade(format_answer(problem.answer, 12))
        assert right.correct and right.mistake is None
        for mistake in problem.kind.mistakes(problem.params):
            if matches(mistake.answer, problem.answer, problem.tolerance, problem.kind.exact):
                continue  # this mistake happens to give the right answer for these numbers
            if not np.all(np.isfinite(np.asarray(_flat(mistake.answer), dtype=float))):
                continue
            grade = problem.grade(format_answer(mistake.answer, 12))
            assert not grade.correct
            assert grade.mistake is not None, (mistake.tag, problem.params)
            # an earlier mistake with the same answer may be named instead; it must give that answer
            assert matches(mistake.answer, grade.mistake.answer, problem.tolerance, problem.kind.exact)
            diagnosed[grade.mistake.tag] += 1
    assert diagnosed, f"no mistake of {kind_name} was ever diagnosed"


def _flat(value):
    if isinstance(value, dict):
        return [x for v in value.values() for x in _flat(v)]
    if isinstance(value, list):
        return [x for v in value for x in _flat(v)]
    return [value]


def test_seed_example_tanh_error_is_named():
    kind = KINDS["activation"]
    params = kind.validate({"function": "tanh", "x": 0.5, "derivative": True})
    template = KIND_TEMPLATES["activation"]
    from studyapp.core.problems import Problem

    problem = Problem(template, 0, params, kind.solve(params).answer, [])
    grade = problem.grade(format_answer(-np.tanh(0.5) ** 2, 4))
    assert grade.mistake.tag == "act.tanh_minus_tanh_squared"
    assert "1 − tanh²" in grade.mistake.message.en and "常见" in grade.mistake.message.zh


def test_conv_output_size_mistakes_by_hand():
    from studyapp.core.problems import Problem

    kind = KINDS["conv_output_size"]
    params = {"input_size": 7, "kernel_size": 3, "padding": 1, "stride": 2}
    problem = Problem(KIND_TEMPLATES["conv_output_size"], 0, params, kind.solve(params).answer, [])
    assert problem.answer == 4
    assert problem.grade("3").mistake.tag == "conv.forgot_plus_one"
    assert problem.grade("3").mistake is not None
    assert problem.grade("5").mistake is None  # wrong, but no known mistake gives 5
    assert problem.grade("4").mistake is None
