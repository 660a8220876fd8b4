"""The problem sweep: for a template, how many distinct answers 2,000 seeds give and which seeds
give a degenerate one. Used by tests/core/test_problem_sweep.py and bench/problem_sweep.py.

"Degenerate" is defined here, from the params and the answer, independently of the generators
(which reject such draws with their own code): a test that reused the generators' checks could
not catch a generator that forgot one.

- every number of the answer is 0 at the asked decimals (an all-zero output);
- a number that is not 0 but rounds to 0 at the asked decimals (its digits are lost);
- a scalar answer, or a scalar part of a structured answer, that is exactly 0 by a triviality
  the kind names below (a schedule at its last epoch, a loss of 0, …);
- a tie the statement does not address (argmax, NMS scores, maxout pieces);
- a derivative asked at a kink (ReLU, leaky ReLU, PReLU, max at x = y, ELU/SELU at 0).

A distinct answer is the answer rounded to the asked decimals (what a learner sees).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

SEEDS = 2_000
FLOOR = 200  # distinct answers a template must reach in SEEDS draws, unless its YAML says why not


def leaves(value: Any) -> Iterator[float]:
    """Every number in a (nested) answer."""
    if isinstance(value, dict):
        for v in value.values():
            yield from leaves(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from leaves(v)
    elif isinstance(value, bool):
        yield float(value)
    elif isinstance(value, int | float):
        yield float(value)


def rounded(value: Any, decimals: int) -> Any:
    """The answer as a learner reads it: every number at the asked decimals, −0 as 0."""
    if isinstance(value, dict):
        return {k: rounded(v, decimals) for k, v in sorted(value.items())}
    if isinstance(value, list | tuple):
        return [rounded(v, decimals) for v in value]
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return round(float(value), decimals) + 0.0
    return value


def answer_key(answer: Any, decimals: int) -> str:
    return json.dumps(rounded(answer, decimals), sort_keys=True)


def scalar_parts(answer: Any) -> Iterator[tuple[str, float]]:
    """The answer itself when it is one number, or each part of a structured answer that is."""
    if isinstance(answer, dict):
        for name, v in answer.items():
            if isinstance(v, int | float) and not isinstance(v, bool):
                yield name, float(v)
    elif isinstance(answer, int | float) and not isinstance(answer, bool):
        yield "answer", float(answer)


def _generic(kind: str, answer: Any, decimals: int) -> list[str]:
    out = []
    zero_ok = ZERO_PARTS.get(kind, ())
    if isinstance(answer, dict):
        numbers = list(leaves([v for k, v in answer.items() if k not in zero_ok]))
    else:
        numbers = list(leaves(answer))
    if numbers and all(round(v, decimals) == 0 for v in numbers):
        out.append("every number of the answer is 0")
    for name, v in scalar_parts(answer):
        if round(v, decimals) == 0 and name not in zero_ok:
            out.append(f"{name} = {v!r} is 0 at {decimals} decimals")
    return out


# --- the kinds' own trivialities: (params, answer) -> reasons ------------------------------------
def _activation(p: dict[str, Any], a: Any) -> list[str]:
    f, x = p["function"], p["x"]
    out = []
    if p["derivative"] and x == 0 and f in ("relu", "leaky_relu", "elu", "selu"):
        alpha = p.get("alpha")
        if f not in ("leaky_relu", "elu") or alpha is None or alpha != 1.0:
            out.append(f"derivative of {f} at its kink x = 0")
    if x == 0 and not p["derivative"] and f in ("relu", "leaky_relu", "elu", "selu", "tanh"):
        out.append(f"{f}(0) = 0 by definition")
    return out


def _prelu(p: dict[str, Any], a: Any) -> list[str]:
    return ["PReLU derivative at its kink x = 0"] if p["x"] == 0 else []


def _sigmoid_tanh(p: dict[str, Any], a: Any) -> list[str]:
    return ["tanh(0) = 0 by definition"] if p["x"] == 0 and p["mode"] == "value" else []


def _lr_schedule(p: dict[str, Any], a: Any) -> list[str]:
    out = []
    if a == 0:
        out.append(f"the {p['schedule']} schedule is 0 at epoch {p['epoch']}")
    if p["schedule"] == "cosine" and p["epoch"] >= p["total_epochs"]:
        out.append("cosine schedule asked at (or past) its last epoch: lr_min by definition")
    return out


def _one_hot(p: dict[str, Any], a: Any) -> list[str]:
    if p.get("mode") == "predict":
        probs = p["probs"]
        if probs.count(max(probs)) > 1:
            return ["two classes tie for the largest probability"]
    return []


def _iou_nms(p: dict[str, Any], a: Any) -> list[str]:
    if p.get("mode") == "nms":
        scores = p["scores"]
        if len(set(scores)) < len(scores):
            return ["two boxes have the same score: the NMS order is not defined"]
    return []


def _maxout(p: dict[str, Any], a: Any) -> list[str]:
    z = [sum(w * x for w, x in zip(row, p["x"], strict=True)) + b
         for row, b in zip(p["W"], p["b"], strict=True)]
    top = max(z)
    if sum(1 for v in z if abs(v - top) < 1e-9) > 1:
        return ["two maxout pieces tie at the maximum"]
    return []


def _chain_rule(p: dict[str, Any], a: Any) -> list[str]:
    if p["graph"] == "max_mul" and p["x"] == p["y"]:
        return ["max(x, y) differentiated at x = y"]
    return []


def _residual(p: dict[str, Any], a: Any) -> list[str]:
    u = [sum(w * x for w, x in zip(row, p["x"], strict=True)) for row in p["W1"]]
    return ["relu' asked at u = 0"] if any(abs(v) < 1e-12 for v in u) else []


KIND_RULES: dict[str, Callable[[dict[str, Any], Any], list[str]]] = {
    "activation": _activation,
    "prelu": _prelu,
    "sigmoid_tanh_identity": _sigmoid_tanh,
    "lr_schedule": _lr_schedule,
    "one_hot": _one_hot,
    "iou_nms": _iou_nms,
    "maxout": _maxout,
    "chain_rule": _chain_rule,
    "residual_block": _residual,
}

# Answers that are 0 because that is what the question teaches, not by accident: a truth table,
# a class label, a box NMS drops. The generic zero checks do not apply to these kinds.
ZERO_IS_CONTENT = {
    "logic_gate": "a truth table's outputs are 0 and 1",
    "one_hot": "a one-hot vector is 0 but for one entry, and class 0 is a class",
    "iou_nms": "NMS keeps (1) or drops (0) each box",
    "perceptron": "z = 0 is the tie the prompt's strict > settles, and the output is 0 or 1",
}
# Scalar parts of structured answers that may be 0 by what they are.
ZERO_PARTS = {
    "yolo_grid": ("row", "col"),  # cell indices count from 0
    "maxout": ("piece",),  # the winning piece's index; 0 is the first
    "prelu": ("df_da",),  # ∂f/∂a = 0 for x > 0 is one of the two cases the question teaches
}


def degeneracies(kind: str, params: dict[str, Any], answer: Any, decimals: int,
                 exact: bool) -> list[str]:
    """Why this problem is trivial, if it is."""
    out = [] if kind in ZERO_IS_CONTENT else _generic(kind, answer, decimals)
    rule = KIND_RULES.get(kind)
    return out + (rule(params, answer) if rule else [])


@dataclass
class Sweep:
    template: str
    kind: str
    distinct: int = 0
    degenerate: dict[int, list[str]] = field(default_factory=dict)  # seed -> reasons


def sweep(template: Any, seeds: int = SEEDS) -> Sweep:
    """Draw ``seeds`` problems of ``template`` (seeds 0, 1, …) and judge each answer."""
    from studyapp.core.kinds import KINDS
    from studyapp.core.problems import generate

    kind = KINDS[template.kind]
    decimals = template.decimals if template.decimals is not None else kind.decimals
    result = Sweep(template.id, template.kind)
    keys = set()
    for seed in range(seeds):
        problem = generate(template, seed)
        keys.add(answer_key(problem.answer, decimals))
        reasons = degeneracies(template.kind, problem.params, problem.answer, decimals, kind.exact)
        if reasons:
            result.degenerate[seed] = reasons
    result.distinct = len(keys)
    return result
