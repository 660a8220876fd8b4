"""Generation is a pure function of (template, seed): same seed, same problem; new seed, new numbers."""

from __future__ import annotations

import json
import math

import numpy as np
import orjson
import pytest

from studyapp.core import problems
from studyapp.core.kinds import KINDS, Knobs
from studyapp.core.library import load_library
from studyapp.core.problems import ProblemStream, exercise_set, generate, iter_exercise_set, pick
from studyapp.report.worksheet import exercise_set_json, exercise_set_json_parts

TEMPLATES = load_library().templates


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda t: t.id)
def test_same_seed_same_problem(template):
    a, b = generate(template, 7), generate(template, 7)
    assert a.params == b.params
    assert a.to_dict("en") == b.to_dict("en")
    assert a.to_dict("zh")["prompt"] != a.to_dict("en")["prompt"]


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda t: t.id)
def test_different_seeds_give_different_problems(template):
    distinct = {json.dumps(generate(template, seed).params, sort_keys=True) for seed in range(30)}
    assert len(distinct) >= 10


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda t: t.id)
def test_generated_params_are_valid_hand_sized_and_answers_finite(template):
    kind = KINDS[template.kind]
    for seed in range(60):
        problem = generate(template, seed)
        assert kind.validate(json.loads(json.dumps(problem.params))) is not None
        flat = np.asarray(_numbers(problem.answer), dtype=float)
        assert np.all(np.isfinite(flat))
        constants = {"eps", "beta2"}  # ε = 1e-5, β₂ = 0.999: standard constants, not numbers to work with
        shown = {k: v for k, v in problem.params.items() if k not in constants}
        for value in _numbers(shown):
            assert value == round(value, 2), "inputs must have at most two decimals"


def _numbers(value):
    if isinstance(value, dict):
        return [n for v in value.values() for n in _numbers(v)]
    if isinstance(value, list):
        return [n for v in value for n in _numbers(v)]
    return [value] if isinstance(value, int | float) and not isinstance(value, bool) else []


def test_relu_family_never_asks_for_a_derivative_at_a_kink():
    template = next(t for t in TEMPLATES if t.kind == "activation")
    for seed in range(300):
        p = generate(template, seed).params
        if p["derivative"] and p["function"] in ("relu", "leaky_relu", "selu"):
            assert p["x"] != 0


def test_golden_problem_pins_the_random_stream():
    """A changed NumPy stream or generator would silently change every printed worksheet."""
    template = next(t for t in TEMPLATES if t.id == "conv.feature-map")
    p = generate(template, 2024).params
    assert p == generate(template, 2024).params
    golden = {"stride": p["stride"], "padding": p["padding"], "first_row": p["input"][0][0]}
    assert golden == GOLDEN_CONV


GOLDEN_CONV = {"stride": 1, "padding": 0, "first_row": [2, 0, 0, 2, 2]}


def test_pick_uses_every_template_before_repeating_one():
    chosen = pick(TEMPLATES, len(TEMPLATES), 3)
    assert sorted(t.id for t, _ in chosen) == sorted(t.id for t in TEMPLATES)
    assert pick(TEMPLATES, 25, 3) == pick(TEMPLATES, 25, 3)
    assert pick(TEMPLATES, 25, 3) != pick(TEMPLATES, 25, 4)


def test_exercise_set_json_is_byte_identical_for_a_seed():
    one = exercise_set_json(exercise_set(TEMPLATES, 15, 99), 99, "en")
    two = exercise_set_json(exercise_set(TEMPLATES, 15, 99), 99, "en")
    assert one == two
    doc = json.loads(one)
    assert doc["schema"] == "studyapp.exercise-set/1" and doc["seed"] == 99
    assert all(set(p) >= {"id", "kind", "topic", "template", "difficulty", "params", "prompt",
                          "answer", "solution"} for p in doc["problems"])
    assert one != exercise_set_json(exercise_set(TEMPLATES, 15, 100), 100, "en")


def reference_json(problems_: list, seed: int, lang: str) -> bytes:
    """The exercise-set JSON written the plain way, to compare the fast writer with."""
    head = orjson.dumps({"schema": "studyapp.exercise-set/1", "seed": seed, "lang": lang})
    rows = b",\n".join(orjson.dumps(p.to_dict(lang)) for p in problems_)
    return head[:-1] + b',"problems":[\n' + rows + b"\n]}\n"


@pytest.mark.parametrize("count", [0, 1, 5, 15, 16, 17, 120])
def test_a_set_is_its_problems_generated_one_by_one(count, monkeypatch):
    monkeypatch.setattr(problems, "BATCH", 7)  # several batches, made kind by kind
    want = [generate(t, s) for t, s in pick(TEMPLATES, count, 42)]
    assert list(iter_exercise_set(TEMPLATES, count, 42)) == want
    assert list(iter_exercise_set(TEMPLATES, count, 42).each(lambda p: p)) == want
    for lang in ("en", "zh"):
        text = reference_json(want, 42, lang)
        assert exercise_set_json(iter_exercise_set(TEMPLATES, count, 42), 42, lang) == text
        assert exercise_set_json(want, 42, lang) == text
        assert exercise_set_json(iter(want), 42, lang) == text


def test_the_json_is_made_as_it_is_written(monkeypatch):
    """A large set is written piece by piece: asking for the first rows makes only their batch."""
    monkeypatch.setattr(problems, "BATCH", 7)
    want = [p.id for p in exercise_set(TEMPLATES, 100, 8)]
    stream = iter_exercise_set(TEMPLATES, 100, 8)
    parts = exercise_set_json_parts(stream, 8, "en")
    head, first_separator, first_row = next(parts), next(parts), next(parts)
    assert head.startswith(b'{"schema":') and first_separator == b""
    assert json.loads(first_row)["id"] == want[0]
    assert next(stream).id == want[7]  # one batch made, the rest not yet
    rest = json.loads(b"".join([head, first_row, *parts]))["problems"]
    assert [p["id"] for p in rest] == want[:7] + want[8:]


def test_a_stream_taken_in_part_gives_the_rest_in_order():
    stream = iter_exercise_set(TEMPLATES, 30, 5)
    assert isinstance(stream, ProblemStream)
    first = [next(stream) for _ in range(4)]
    rest = list(stream.each(lambda p: p.id))
    assert [p.id for p in first] + rest == [p.id for p in exercise_set(TEMPLATES, 30, 5)]
    assert list(stream) == [] and list(stream.each(lambda p: p)) == []


def test_json_answers_are_unrounded_float64():
    template = next(t for t in TEMPLATES if t.kind == "softmax")
    problem = generate(template, 1)
    doc = json.loads(exercise_set_json([problem], 1, "en"))
    assert doc["problems"][0]["answer"] == problem.answer
    assert any(len(repr(v)) > 12 for v in problem.answer)
    assert math.isclose(sum(problem.answer), 1.0)


FOUNDATION = ("activation", "softmax", "softmax_cross_entropy", "conv2d", "conv_output_size",
              "conv_param_count", "pool2d", "batch_norm", "backprop_step")


@pytest.mark.parametrize("kind_name", FOUNDATION)
def test_thousand_seed_sweep_of_the_foundation_kinds(kind_name):
    """Default knobs: valid params, finite answers, whole sizes, no undefined point."""
    kind = KINDS[kind_name]
    for seed in range(1000):
        params = kind.complete(kind.generate(Knobs(kind, {}, np.random.default_rng(seed))))
        params = kind.validate(json.loads(json.dumps(params)))  # raises on an undefined point
        flat = np.asarray(_numbers(kind.solve(params).answer), dtype=float)
        assert np.all(np.isfinite(flat)), (seed, params)
        if kind.exact:
            assert all(float(v).is_integer() for v in flat)
