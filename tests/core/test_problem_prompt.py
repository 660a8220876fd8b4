"""A problem's statement is whole and reads as a teacher would print it, in both languages."""

from __future__ import annotations

import re

import pytest

from studyapp.core.kinds.wording import plural, typeset_minus
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


# What a teacher would not print: "epoch(s)", "1 channels", `code` marks, "f (α = 0.2)(x)",
# doubled spaces, and a hyphen for a minus sign.
UNPRINTABLE = {
    "“(s)” for a plural": re.compile(r"[A-Za-z]\(s\)"),
    "a count of 1 with a plural noun": re.compile(
        r"(?<![\d.,])\b1 (channels|boxes|epochs|filters|columns|rows|rings|layers|units|samples|"
        r"batches|images|cells|pieces|steps|inputs|outputs|neurons|parameters|weights|gates|kernels|"
        r"iterations|updates|classes|values|items|problems|answers)\b"),
    "a backtick": re.compile("`"),
    "a function applied to a parenthesis: “)(”": re.compile(r"\)\("),
    "a doubled space": re.compile(r"\S  +\S"),
    "a hyphen-minus for a minus sign": re.compile(r"(?<![\w)\]}.])-(?=\.?\d)"),
}


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda t: t.id)
def test_prompts_read_as_printed(template):
    for seed in range(50):
        problem = generate(template, seed)
        for lang in ("en", "zh"):
            text = problem.prompt(lang)
            for what, pattern in UNPRINTABLE.items():
                hit = pattern.search(text)
                assert hit is None, (f"{template.id}@{seed} ({lang}) has {what}: "
                                     f"…{text[max(0, hit.start() - 30):hit.end() + 20]}…")


@pytest.mark.parametrize(("count", "expected"), [(1, "1 box"), (2, "2 boxes"), (0, "0 boxes")])
def test_plural_follows_the_count(count, expected):
    assert plural(count, "box", "boxes") == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("x = -1.5", "x = −1.5"), ("[[-1, 2], [3, -4]]", "[[−1, 2], [3, −4]]"), ("σ(-0.5)", "σ(−0.5)"),
    ("1e-08", "1e-08"), ("pages 2-3", "pages 2-3"), ("a - 1", "a − 1"), ("f(x)-1", "f(x)-1"),
    ("cross-correlate", "cross-correlate"), ("-2 is", "−2 is"),
])
def test_minus_signs_are_typeset_and_nothing_else(text, expected):
    assert typeset_minus(text) == expected


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda t: t.id)
def test_worked_solutions_count_in_words_too(template):
    """Step titles and notes: no “(s)” and no “1 columns” either."""
    checks = {k: UNPRINTABLE[k] for k in ("“(s)” for a plural", "a count of 1 with a plural noun")}
    for seed in range(20):
        for step in generate(template, seed).steps:
            for lang in ("en", "zh"):
                for text in (step.to_dict(lang)["title"], step.to_dict(lang).get("note") or ""):
                    for what, pattern in checks.items():
                        assert pattern.search(text) is None, f"{template.id}@{seed} ({lang}) {what}: {text}"
