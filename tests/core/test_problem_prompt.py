"""A problem's statement is whole and reads as a teacher would print it, in both languages."""

from __future__ import annotations

import re

import pytest

from studyapp.core.library import load_library
from studyapp.core.problems import generate

TEMPLATES = load_library().templates
NUMBER = re.compile(r"[-−]?\d+(?:\.\d+)?")


def rows_of(value):
    """The innermost lists (the rows) of a matrix or tensor param."""
    if value and isinstance(value[0], list):
        for inner in value:
            yield from rows_of(inner)
    else:
        yield value


def tokens(text: str) -> list[float]:
    return [float(t.replace("−", "-")) for t in NUMBER.findall(text)]


def holds_row(found: list[float], row: list[float]) -> bool:
    n = len(row)
    return any(found[i:i + n] == [float(x) for x in row] for i in range(len(found) - n + 1))


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda t: t.id)
def test_the_json_prompt_holds_every_matrix_row_of_the_problem(template):
    for seed in range(10):
        problem = generate(template, seed)
        for lang in ("en", "zh"):
            prompt = problem.to_dict(lang)["prompt"]
            assert prompt == problem.full_prompt(lang)
            found = tokens(prompt)
            for name, value in problem.params.items():
                if isinstance(value, list) and value and isinstance(value[0], list):
                    for row in rows_of(value):
                        assert holds_row(found, row), f"{template.id}@{seed} {lang}: {name} row {row}"


def test_conv_prompts_name_input_and_kernel_in_the_json():
    kinds = {"conv2d", "pool2d", "conv2d_multi"}
    templates = [t for t in TEMPLATES if t.kind in kinds]
    assert {t.kind for t in templates} == kinds
    for template in templates:
        problem = generate(template, 1)
        assert problem.prompt("en") in problem.full_prompt("en")
        assert len(problem.full_prompt("en").splitlines()) > len(problem.prompt("en").splitlines()) + 2
