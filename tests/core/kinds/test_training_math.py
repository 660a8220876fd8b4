"""minibatch, lr_schedule, l2_regularization, optimizer_step against independent computations."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from studyapp.core.kinds import Knobs
from studyapp.core.kinds.base import ParamError
from studyapp.core.kinds.l2_regularization import KIND as L2_REGULARIZATION
from studyapp.core.kinds.lr_schedule import KIND as LR_SCHEDULE
from studyapp.core.kinds.minibatch import KIND as MINIBATCH
from studyapp.core.kinds.optimizer_step import KIND as OPTIMIZER_STEP
from studyapp.core.numfmt import format_answer
from studyapp.core.problems import default_tolerance, grade_answer

KINDS_TRAINING_MATH = (MINIBATCH, LR_SCHEDULE, L2_REGULARIZATION, OPTIMIZER_STEP)  # in the registry's order
BY_NAME = {k.name: k for k in KINDS_TRAINING_MATH}


def gen(kind, seed, **knobs):
    return kind.generate(Knobs(kind, knobs, np.random.default_rng(seed)))


def test_seed_example_a_million_samples_in_batches_of_a_thousand():
    p = MINIBATCH.validate({"samples": 1_000_000, "batch_size": 1000, "epochs": 3})
    assert MINIBATCH.solve(p).answer == {"per_epoch": 1000, "total": 3000}


@pytest.mark.parametrize("seed", range(200))
def test_minibatch_counts_by_walking_through_the_data(seed):
    p = gen(MINIBATCH, seed)
    per_epoch, start = 0, 0
    while start < p["samples"]:
        end = start + p["batch_size"]
        if end <= p["samples"] or not p["drop_last"]:
            per_epoch += 1
        start = end
    assert MINIBATCH.solve(p).answer == {"per_epoch": per_epoch, "total": per_epoch * p["epochs"]}


def _lr_by_simulation(p):
    s, lr = p["schedule"], p["lr0"]
    if s == "step":
        for epoch in range(1, p["epoch"] + 1):
            if epoch % p["step_size"] == 0:
                lr *= p["factor"]
        return lr
    if s == "exponential":
        for _ in range(p["epoch"]):
            lr *= p["gamma"]
        return lr
    if s == "cosine":  # SGDR with no restart: the half-cosine from lr0 down to lr_min
        t, total = p["epoch"], p["total_epochs"]
        return p["lr_min"] + (lr - p["lr_min"]) * (math.cos(math.pi * t / total) + 1) / 2
    if s == "warmup":
        t, w, total = p["epoch"], p["warmup_epochs"], p["total_epochs"]
        rates = [lr * (i + 1) / w for i in range(w)]
        rates += [lr * (total - i) / (total - w) for i in range(w, total)]
        return rates[t]
    bad, best = 0, min(p["val_losses"][:1]) + 1
    for loss in p["val_losses"]:  # PyTorch ReduceLROnPlateau (mode=min, threshold 0, cooldown 0)
        bad = 0 if loss < best else bad + 1
        best = min(best, loss)
        if bad > p["patience"]:
            lr, bad = lr * p["factor"], 0
    return lr


@pytest.mark.parametrize("seed", range(300))
def test_lr_schedule_by_simulation(seed):
    p = LR_SCHEDULE.validate(json.loads(json.dumps(gen(LR_SCHEDULE, seed))))
    assert LR_SCHEDULE.solve(p).answer == pytest.approx(_lr_by_simulation(p), rel=1e-12, abs=1e-15)


@pytest.mark.parametrize("seed", range(200))
def test_l2_step_is_gradient_descent_on_the_penalised_loss(seed):
    kind = BY_NAME["l2_regularization"]
    p = gen(kind, seed)
    w = np.asarray(p["w"], dtype=float)

    def penalised(v):  # the data loss is linear around w with the given gradient
        return p["loss"] + np.dot(p["grad"], v - w) + p["lam"] / 2 * np.sum(v * v)

    h = 1e-6
    numeric = np.array([(penalised(w + h * e) - penalised(w - h * e)) / (2 * h) for e in np.eye(len(w))])
    answer = kind.solve(p).answer
    assert answer["penalized"] == pytest.approx(penalised(w))
    np.testing.assert_allclose(answer["w"], w - p["lr"] * numeric, rtol=1e-6, atol=1e-8)


def _adam_reference(p):
    m, v = np.array(p["m"], float), np.array(p["v"], float)
    g, w = np.array(p["grad"], float), np.array(p["w"], float)
    m = p["beta1"] * m + (1 - p["beta1"]) * g
    v = p["beta2"] * v + (1 - p["beta2"]) * g**2
    alpha_t = p["lr"] * math.sqrt(1 - p["beta2"] ** p["t"]) / (1 - p["beta1"] ** p["t"])
    # Kingma & Ba's efficient form (Algorithm 1, last lines), with ε̂ = ε·√(1 − β₂ᵗ)
    eps_hat = p["eps"] * math.sqrt(1 - p["beta2"] ** p["t"])
    return {"m": m, "v": v, "w": w - alpha_t * m / (np.sqrt(v) + eps_hat)}


@pytest.mark.parametrize("seed", range(300))
def test_optimizer_steps_against_reference_formulas(seed):
    p = OPTIMIZER_STEP.validate(json.loads(json.dumps(gen(OPTIMIZER_STEP, seed))))
    answer = OPTIMIZER_STEP.solve(p).answer
    w, g = np.array(p["w"], float), np.array(p["grad"], float)
    opt = p["optimizer"]
    if opt == "sgd":
        expected = {"w": w - p["lr"] * g}
    elif opt == "momentum":
        v = p["beta"] * np.array(p["v"]) + p["lr"] * g
        expected = {"v": v, "w": w - v}
    elif opt == "rmsprop":
        s = p["rho"] * np.array(p["s"]) + (1 - p["rho"]) * g * g
        expected = {"s": s, "w": w - p["lr"] * g / (np.sqrt(s) + p["eps"])}
    else:
        expected = _adam_reference(p)
    assert set(answer) == set(expected)
    for key in expected:
        np.testing.assert_allclose(answer[key], expected[key], rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("kind", KINDS_TRAINING_MATH, ids=lambda k: k.name)
def test_thousand_seed_sweep(kind):
    for seed in range(1000):
        p = kind.validate(json.loads(json.dumps(gen(kind, seed))))
        answer = kind.solve(p).answer
        values = np.asarray([v for x in (answer.values() if isinstance(answer, dict) else [answer])
                             for v in np.ravel(x)], dtype=float)
        assert np.all(np.isfinite(values))
        if kind.exact:
            assert all(float(v).is_integer() for v in values)


@pytest.mark.parametrize("kind", KINDS_TRAINING_MATH, ids=lambda k: k.name)
def test_every_mistake_is_diagnosed_and_the_right_answer_never(kind):
    tags = set()
    for seed in range(300):
        p = kind.validate(json.loads(json.dumps(gen(kind, seed))))
        right = kind.solve(p).answer
        tol = default_tolerance(kind)
        assert grade_answer(kind, p, right, format_answer(right, 12), tol).mistake is None
        for mistake in kind.mistakes(p):
            text = format_answer(mistake.answer, 12)
            if "nan" in text or grade_answer(kind, p, right, text, tol).correct:
                continue
            found = grade_answer(kind, p, right, text, tol).mistake
            assert found is not None, (mistake.tag, p)
            tags.add(found.tag)
    assert len(tags) >= 2


@pytest.mark.parametrize(("name", "params", "words"), [
    ("minibatch", {"samples": 0, "batch_size": 10, "epochs": 1}, "samples must be at least 1"),
    ("lr_schedule", {"schedule": "plateau", "lr0": 0.1}, "val_losses"),
    ("lr_schedule", {"schedule": "warmup", "lr0": 0.1, "warmup_epochs": 30, "total_epochs": 20},
     "warmup_epochs"),
    ("l2_regularization", {"loss": 1, "w": [1, 2], "grad": [1], "lam": 0.1, "lr": 0.1},
     "one value per weight"),
    ("optimizer_step", {"optimizer": "adam", "w": [1], "grad": [1], "lr": 0.1}, "needs its state 'm'"),
    ("optimizer_step", {"optimizer": "rmsprop", "w": [1], "grad": [1], "lr": 0.1, "s": [-1]},
     "cannot be negative"),
])
def test_bad_params_are_named(name, params, words):
    with pytest.raises(ParamError, match=words):
        BY_NAME[name].validate(params)
