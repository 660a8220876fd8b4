"""Issue 19, points 2 and 3: no template draws a trivial variant, and every template varies.

Every bundled template is drawn for 2,000 seeds. None may give a degenerate answer (defined in
``problem_sweep``, independently of the generators' own checks), and each must give at least 200
distinct answers, unless its YAML says in words why it cannot (``few_answers``, checked by the
loader). bench/problem_sweep.py prints the same figures as a table.
"""

from __future__ import annotations

import textwrap

import numpy as np
import pytest

from studyapp.core.content import VARIETY_DRAWS, VARIETY_FLOOR
from studyapp.core.kinds import KINDS, Knobs
from studyapp.core.library import load_library
from studyapp.core.problems import generate
from tests.core.problem_sweep import FLOOR, SEEDS, degeneracies, sweep

TEMPLATES = load_library().templates


def test_the_sweep_uses_the_floor_the_schema_documents():
    assert (FLOOR, SEEDS) == (VARIETY_FLOOR, VARIETY_DRAWS) == (200, 2_000)


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda t: t.id)
def test_no_degenerate_answer_and_enough_variety(template):
    result = sweep(template, SEEDS)
    assert not result.degenerate, (
        f"{template.id}: {len(result.degenerate)} of {SEEDS} seeds give a degenerate answer, e.g. "
        + "; ".join(f"seed {seed}: {', '.join(why)}"
                    for seed, why in list(result.degenerate.items())[:5]))
    if template.few_answers is None:
        assert result.distinct >= FLOOR, (
            f"{template.id}: only {result.distinct} distinct answers in {SEEDS} draws; widen its "
            f"params, or say why it cannot vary more in `few_answers:` in its YAML")
    else:  # a declared exception must still be one, or it hides a template that could be held
        assert result.distinct < FLOOR, (
            f"{template.id} gives {result.distinct} distinct answers: drop its `few_answers`")


def test_only_templates_that_cannot_vary_declare_few_answers():
    declared = {t.id for t in TEMPLATES if t.few_answers}
    assert declared == {"perc.logic-gate-table", "loss.one-hot-encode"}


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda t: t.id)
def test_a_redrawn_problem_is_the_same_for_the_same_seed(template):
    for seed in (0, 7, 1999, 2**40 + 3):
        assert generate(template, seed).to_dict("en") == generate(template, seed).to_dict("en")


# --- the sweep's own definition would catch the known cases --------------------------------------
@pytest.mark.parametrize("kind, params, answer, decimals, reason", [
    ("mlp_forward", {}, [0.0, 0.0], 4, "every number of the answer is 0"),
    ("backprop_step", {}, {"loss": 1.27e-08, "W1": [[0.5]]}, 5, "loss = 1.27e-08 is 0 at 5 decimals"),
    ("lr_schedule", {"schedule": "cosine", "epoch": 20, "total_epochs": 20}, 0.0, 6,
     "cosine schedule asked at (or past) its last epoch"),
    ("one_hot", {"mode": "predict", "probs": [0.4, 0.4, 0.2]}, 0, 0, "tie"),
    ("iou_nms", {"mode": "nms", "scores": [0.9, 0.9]}, [1, 0], 0, "same score"),
    ("activation", {"function": "relu", "x": 0.0, "derivative": True}, 0.0, 4, "kink"),
    ("prelu", {"x": 0.0, "a": 0.1}, {"f": 0.0, "df_dx": 0.1, "df_da": 0.0}, 4, "kink"),
    ("chain_rule", {"graph": "max_mul", "x": 2.0, "y": 2.0}, {"f": 2.0, "grad": [1, 1, 1]}, 4,
     "x = y"),
    ("maxout", {"W": [[1, 0], [0, 1]], "b": [0, 0], "x": [1, 1]}, {"output": 1, "piece": 0}, 4,
     "tie"),
])
def test_the_sweep_recognises_a_degenerate_answer(kind, params, answer, decimals, reason):
    found = degeneracies(kind, params, answer, decimals, KINDS[kind].exact)
    assert any(reason in why for why in found), found


@pytest.mark.parametrize("kind, answer", [
    ("yolo_grid", {"row": 0, "col": 0}),  # the top-left cell is a cell
    ("prelu", {"f": 2.0, "df_dx": 1.0, "df_da": 0.0}),  # ∂f/∂a = 0 for x > 0 is the lesson
    ("one_hot", [1, 0, 0]),
    ("batch_norm", {"mean": 1.5, "var": 2.0, "y": [0.0, 1.2, -1.2]}),  # a 0 inside a vector
])
def test_the_sweep_accepts_zeros_that_are_the_answer(kind, answer):
    params = {"x": 2.0, "a": 0.1, "mode": "encode"}
    assert degeneracies(kind, params, answer, 4, KINDS[kind].exact) == []


# --- the generators reject, and redraw from the same stream --------------------------------------
def draws(kind: str, specs: dict, count: int = 300) -> list[dict]:
    return [KINDS[kind].generate(Knobs(KINDS[kind], specs, np.random.default_rng(seed)))
            for seed in range(count)]


def test_relu_is_never_asked_where_it_is_0():
    for p in draws("activation", {"function": "relu", "derivative": [False, True],
                                  "x": [-2, -1, 0, 1.5]}):
        assert p["x"] == 1.5


def test_a_cosine_schedule_is_never_asked_at_its_last_epoch():
    epochs = {p["epoch"] for p in draws("lr_schedule", {"schedule": "cosine", "total_epochs": 4})}
    assert epochs == {0, 1, 2, 3}


def test_a_chain_with_a_cancelling_factor_is_redrawn():
    for p in draws("chain_rule", {"graph": "fanout", "values": [-1, 2]}):
        assert p["y"] == 2  # f = x·(y + 1) is 0 at y = −1


def test_a_relu_feature_map_of_zeros_is_redrawn():
    specs = {"input_size": 3, "kernel_size": 2, "stride": 1, "padding": 0, "activation": "relu",
             "values": [-1, 1], "weights": [1], "bias": 0}
    for p in draws("conv2d", specs, 100):  # a kernel of ones: each entry is a window's sum
        x = p["input"][0]
        sums = [x[i][j] + x[i][j + 1] + x[i + 1][j] + x[i + 1][j + 1] for i in (0, 1) for j in (0, 1)]
        assert max(sums) > 0


def test_a_backprop_step_already_on_target_is_redrawn():
    kind = KINDS["backprop_step"]
    for p in draws("backprop_step", {"inputs": 2, "hidden": 2, "outputs": 1}, 200):
        assert kind.solve(kind.complete(p)).answer["loss"] >= 0.00005


def test_a_mean_of_zero_is_redrawn_in_batch_norm():
    for p in draws("batch_norm", {"values": [-1, 1, 3], "batch": 2}):
        assert sum(p["x"]) != 0 and len(set(p["x"])) == 2


# --- few_answers is a field of the template, checked by the loader -------------------------------
DECK = """\
id: demo
title: {en: Demo, zh: 演示}
problems:
  - id: demo.gate
    kind: logic_gate
    difficulty: 1
    few_answers: %s
"""


def load(tmp_path, value):
    path = tmp_path / "demo.yaml"
    path.write_text(textwrap.dedent(DECK % value), encoding="utf-8")
    return load_library([path])


def test_few_answers_is_loaded_with_its_reason(tmp_path):
    library = load(tmp_path, '"only 16 truth tables exist for two inputs"')
    assert library.errors == []
    assert library.templates[0].few_answers == "only 16 truth tables exist for two inputs"


@pytest.mark.parametrize("value", ['""', "yes", '"few answers"', "true", "[a, b, c, d]"])
def test_few_answers_must_say_why_in_words(tmp_path, value):
    library = load(tmp_path, value)
    assert library.templates == []
    assert [e.line for e in library.errors] == [7]
    assert "few_answers" in library.errors[0].message
