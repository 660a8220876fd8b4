"""Grading typed answers: ``studyapp.core.grading``."""

from __future__ import annotations

import re
import warnings
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from studyapp.core.grading import DEFAULT_REL, Grade, Tolerance, grade, grade_value
from studyapp.core.library import load_library
from studyapp.core.numfmt import format_answer
from studyapp.core.problems import generate

CJK = re.compile(r"[\u4e00-\u9fff]")
T2 = Tolerance.for_decimals(2)
T4 = Tolerance.for_decimals(4)


# --- the tolerance rule: graded to the decimal places asked ------------------------------------

def test_tolerance_for_decimals_is_one_unit_in_the_last_place() -> None:
    assert (T2.abs, T2.rel, T2.decimals) == (pytest.approx(0.01), 0.0, 2)
    assert T4.abs == pytest.approx(0.0001)
    assert Tolerance(0.1, DEFAULT_REL).decimals is None  # a template's own (abs, rel): no places asked


@pytest.mark.parametrize(("text", "expected", "tol", "right"), [
    # softplus(3) = 3.048587 asked to 4 places: the rounded and the cut answer, one unit either way
    ("3.0486", 3.048587, T4, True),
    ("3.0485", 3.048587, T4, True),
    ("3.0487", 3.048587, T4, True),
    ("3.048587", 3.048587, T4, True),  # more precise, and within
    ("3.0488", 3.048587, T4, False),
    ("3.0484", 3.048587, T4, False),
    ("-3.0485", -3.048587, T4, True),
    ("3.0485", -3.048587, T4, False),  # the sign counts
    ("0.1234", 0.1234, T2, True),
    ("0.12", 0.1234, T2, True),
    ("0.11", 0.1234, T2, True),
    ("0.14", 0.1234, T2, False),
    ("-0.004", 0.0, T2, True),
    ("0.011", 0.0, T2, False),
    # no 0.5 % of slack for large values any more: 100.4 is not 100.0000
    ("100.4", 100.0, T4, False),
    ("100.0001", 100.0, T4, True),
    ("1e6", 1.004e6, T4, False),
    # fractions and the other ways of typing are read before comparing
    ("1/8", 0.125, T4, True),
    ("−0.125", -0.125, T4, True),
    ("1.25×10^-1", 0.125, T4, True),
    ("０．１２５", 0.125, T4, True),
    ("0.125", 0.125, T4, True),  # fewer places, but the exact value: nothing is missing
])
def test_an_answer_is_right_within_one_unit_of_the_places_asked(text: str, expected: float,
                                                                tol: Tolerance, right: bool) -> None:
    g = grade(text, expected, tol)
    assert g.correct is right
    assert g.score == (1.0 if right else 0.0)
    assert g.marks is right


@pytest.mark.parametrize(("text", "expected"), [
    ("3.05", 3.048587),  # rounded to 2 places
    ("3.04", 3.048587),  # cut to 2 places
    ("3.0", 3.048587),
    ("3.049", 3.048587),
    ("-0.04", -0.0374),
    ("0.04", 0.0374),
])
def test_a_right_value_to_fewer_places_than_asked_is_half_right(text: str, expected: float) -> None:
    g = grade(text, expected, T4)
    assert (g.correct, g.score, g.coarse, g.marks) == (True, 0.5, 1, True)
    assert g.message.en == "right value; give it to 4 decimal places"
    assert g.message.zh == "数值正确;请保留 4 位小数"


@pytest.mark.parametrize(("text", "expected"), [
    ("3.06", 3.048587),  # neither rounded nor cut
    ("3", 3.048587),  # a whole number gives no place at all
    ("0.0", 0.0374),  # nothing of the value
    ("0", 0.0374),
    ("0.03", -0.0374),
])
def test_a_wrong_value_to_fewer_places_is_wrong(text: str, expected: float) -> None:
    g = grade(text, expected, T4)
    assert (g.correct, g.score, g.coarse) == (False, 0.0, 0)


def test_fewer_places_count_per_entry_and_per_part() -> None:
    g = grade("[3.05, 0.5, 9]", [3.048587, 0.5, 1.0], T4)
    assert (g.correct, g.score, g.coarse, g.marks) == (False, pytest.approx(1.5 / 3), 1, [True, True, False])
    g = grade("loss: 3.05; grad: [0.25, -0.25]", {"loss": 3.048587, "grad": [0.25, -0.25]}, T4)
    assert (g.correct, g.score, g.coarse) == (True, 0.75, 1)
    assert g.message.en == "right values; give them to 4 decimal places"


def test_a_template_tolerance_keeps_the_relative_rule() -> None:
    tol = Tolerance(0.0001, DEFAULT_REL)
    assert grade("100.4", 100.0, tol).correct
    assert not grade("100.6", 100.0, tol).correct
    assert grade("3.05", 3.048587, tol).coarse == 0  # no places asked: nothing is "too few"


def test_wrong_number_message() -> None:
    g = grade("0.7", 0.5, T4)
    assert (g.correct, g.score) == (False, 0.0)
    assert g.message.en == "not the expected value"
    assert g.message.zh == "数值不对"
    assert g.value == 0.7


def test_correct_message_and_value() -> None:
    g = grade(" 0.5 ", 0.5, T4)
    assert g == Grade(True, 1.0, g.message, value=0.5, marks=True)
    assert (g.message.en, g.message.zh) == ("correct", "正确")


# --- exact answers -----------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "right"), [
    ("28", True), ("28.0", True), (" 28 ", True), ("2.8e1", True), ("56/2", True), ("[28]", True),
    ("28.5", False), ("27.9", False), ("28.0000001", False), ("29", False), ("-28", False),
])
def test_exact_integers(text: str, right: bool) -> None:
    assert grade(text, 28, T4, exact=True).correct is right


def test_exact_ignores_the_tolerance() -> None:
    loose = Tolerance(abs=10.0, rel=1.0)
    assert grade("28.5", 28, loose).correct  # within the tolerance …
    assert not grade("28.5", 28, loose, exact=True).correct  # … but not exact


# --- shapes ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected", "en", "zh"), [
    ("[1, 2]", [1.0, 2.0, 3.0], "expected a vector of 3, got a vector of 2", "应为长度为 3 的向量"),
    ("1 2 3 4", [[1.0, 2.0], [3.0, 4.0]], "expected a 2×2 matrix, got a vector of 4", "应为2×2 矩阵"),
    ("[[1, 2, 3]]", [[1.0, 2.0], [3.0, 4.0]], "expected a 2×2 matrix, got a 1×3 matrix", "2×2 矩阵"),
    ("[[1,2,3],[4,5,6]]", [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], "expected a 3×2 matrix, got a 2×3",
     "应为3×2 矩阵"),
    ("1 2", 0.5, "expected a single number, got a vector of 2", "应为一个数"),
    ("[[1,2],[3,4]]", 1.0, "expected a single number, got a 2×2 matrix", "应为一个数"),
])
def test_wrong_shape_names_the_expected_shape(text: str, expected: Any, en: str, zh: str) -> None:
    g = grade(text, expected, T4)
    assert (g.correct, g.score, g.marks) == (False, 0.0, None)
    assert en in g.message.en
    assert zh in g.message.zh
    assert g.value is not None  # the text was read, only its shape is wrong


@pytest.mark.parametrize(("text", "expected"), [
    ("[1, 2, 3]", [[1.0, 2.0, 3.0]]),  # a row typed flat
    ("1 2 3", [[1.0], [2.0], [3.0]]),  # a column typed as a row
    ("1; 2; 3", [[1.0], [2.0], [3.0]]),
    ("1\n2\n3", [1.0, 2.0, 3.0]),
    ("[[1], [2], [3]]", [1.0, 2.0, 3.0]),
    ("[[1, 2, 3]]", [1.0, 2.0, 3.0]),
    ("[0.5]", 0.5),
    ("0.5", [0.5]),
])
def test_row_and_column_vectors_are_interchangeable(text: str, expected: Any) -> None:
    g = grade(text, expected, T4)
    assert g.correct, g.message.en


@pytest.mark.parametrize(("text", "expected"), [
    ("[[1, 2], [3, 4]]", [1.0, 2.0, 3.0, 4.0]),
    ("[[0.1, 0.2, 0.3], [0.1, 0.2, 0.1]]", [0.1, 0.2, 0.3, 0.1, 0.2, 0.1]),
])
def test_a_matrix_is_not_a_vector(text: str, expected: list[float]) -> None:
    g = grade(text, expected, T4)
    assert not g.correct
    assert "expected a vector of" in g.message.en


def test_parse_error_message_says_what_was_wrong_and_what_was_expected() -> None:
    g = grade("0.5x", [1.0, 2.0], T4)
    assert (g.correct, g.score, g.value, g.marks) == (False, 0.0, None, None)
    assert "'0.5x' is not a number" in g.message.en
    assert g.message.en.endswith("expected a vector of 2")
    assert g.message.zh.endswith("应为长度为 2 的向量")
    g = grade("", [[1.0]], T4)
    assert "the answer is empty" in g.message.en and "1×1 matrix" in g.message.en


def test_text_that_is_not_a_string() -> None:
    g = grade(None, 1.0, T4)  # type: ignore[arg-type]
    assert not g.correct and g.message.en == "the answer must be text" and CJK.search(g.message.zh)


# --- partial credit ----------------------------------------------------------------------------

def test_vector_partial_credit() -> None:
    g = grade("[1, 2, 9]", [1.0, 2.0, 3.0], T4)
    assert not g.correct
    assert g.score == pytest.approx(2 / 3)
    assert g.marks == [True, True, False]
    assert g.value == [1.0, 2.0, 9.0]
    assert g.message.en == "1 of 3 entries wrong"
    assert g.message.zh == "3 个元素中有 1 个不对"


def test_matrix_partial_credit() -> None:
    g = grade("[[1, 0], [3, 5]]", [[1.0, 2.0], [3.0, 4.0]], T4)
    assert g.score == pytest.approx(0.5)
    assert g.marks == [[True, False], [True, False]]
    assert g.message.en == "2 of 4 entries wrong"
    assert g.message.zh == "4 个元素中有 2 个不对"


def test_all_wrong_vector_scores_zero_with_marks() -> None:
    g = grade("9 9", [1.0, 2.0], T4)
    assert (g.correct, g.score, g.marks) == (False, 0.0, [False, False])


def test_all_right_vector_marks_every_entry() -> None:
    g = grade("1,2;3,4", [[1.0, 2.0], [3.0, 4.0]], T4)
    assert g.correct and g.score == 1.0 and g.marks == [[True, True], [True, True]]


def test_tolerance_applies_per_entry() -> None:
    # 100.00005 is within a unit of the 4th place of 100; 0.1236 is not within one of 0.1234
    g = grade("[100.00005, 0.1236]", [100.0, 0.1234], T4)
    assert g.marks == [True, False]


def test_grade_value_is_grade_for_plain_answers() -> None:
    assert grade_value("1 2", [1.0, 2.0], T4) == grade("1 2", [1.0, 2.0], T4)
    assert grade_value("3", 28, T4, exact=True) == grade("3", 28, T4, exact=True)


# --- structured answers ------------------------------------------------------------------------

ANSWER = {"loss": 0.5, "grad": [0.25, -0.25]}


@pytest.mark.parametrize("text", [
    "loss: 0.5; grad: [0.25, -0.25]",
    "grad: [0.25, -0.25]; loss: 0.5",
    "LOSS = 1/2, Grad = 1/4 -1/4",
    "loss：0.5；grad：[0.25，−0.25]",
    "0.5; [0.25, -0.25]",  # unlabelled, in order
    "loss: 0.50004\ngrad: 0.25 -0.25",
])
def test_structured_answer_correct(text: str) -> None:
    g = grade(text, ANSWER, T4)
    assert g.correct, g.message.en
    assert g.score == 1.0
    assert set(g.parts) == {"loss", "grad"}
    assert all(p.correct for p in g.parts.values())


def test_structured_answer_partial_credit_per_part() -> None:
    g = grade("loss: 0.5; grad: [0.25, 1]", ANSWER, T4)
    assert not g.correct
    assert g.parts["loss"].correct
    assert g.parts["grad"].score == 0.5 and g.parts["grad"].marks == [True, False]
    assert g.score == pytest.approx(0.5)  # parts score by part: 1 of 2 parts right
    assert g.message.en == "1 of 2 parts wrong (grad: 1 of 2 entries wrong)"
    assert g.message.zh == "2 个部分中有 1 个不对(grad:2 个元素中有 1 个不对)"


def test_unlabelled_parts_are_graded_in_order() -> None:
    g = grade("0.7; [0.25, -0.25]", ANSWER, T4)
    assert not g.parts["loss"].correct and g.parts["grad"].correct
    assert g.score == pytest.approx(0.5)
    assert g.message.en == "1 of 2 parts wrong (loss: not the expected value)"


def test_a_missing_part_scores_zero() -> None:
    g = grade("grad: [0.25, -0.25]", ANSWER, T4)
    assert not g.correct
    assert g.parts["loss"].score == 0.0 and not g.parts["loss"].correct
    assert g.parts["grad"].correct
    assert g.score == pytest.approx(0.5)
    assert g.message.en == "1 of 2 parts wrong (loss: missing)"
    assert g.message.zh == "2 个部分中有 1 个不对(loss:缺少)"


def test_every_wrong_part_is_named_in_both_languages() -> None:
    g = grade("loss: 9; grad: [0.25, 3]", ANSWER, T4)
    assert g.score == 0.0 and g.readable
    assert g.message.en == "2 of 2 parts wrong (loss: not the expected value; grad: 1 of 2 entries wrong)"
    assert g.message.zh.startswith("2 个部分中有 2 个不对(loss:数值不对; grad:2 个元素中有 1 个不对")


def test_a_part_of_another_shape_makes_the_answer_unreadable() -> None:
    g = grade("loss: 9; grad: [1, 2, 3]", ANSWER, T4)
    assert not g.readable
    assert g.message.en == "grad: expected a vector of 2, got a vector of 3"


def test_unreadable_part_reports_the_parse_error() -> None:
    g = grade("loss: half; grad: [0.25, -0.25]", ANSWER, T4)
    assert not g.readable and g.score == 0.0
    assert "loss: 'half' is not a number" in g.message.en
    assert "应为一个数" in g.message.zh


@pytest.mark.parametrize(("text", "message"), [
    ("loss: 0.5; foo: 1", "unknown part 'foo' (expected loss, grad)"),
    ("loss: 0.5; loss: 0.5", "part 'loss' is given twice"),
    ("0.5 [0.25, -0.25]", "label each part, e.g. loss: …; grad: …"),
])
def test_parts_that_cannot_be_split_score_zero(text: str, message: str) -> None:
    g = grade(text, ANSWER, T4)
    assert (g.correct, g.score, g.parts) == (False, 0.0, {})
    assert message in g.message.en


@pytest.mark.parametrize("text", ["loss: 0.5; foo: 1", "loss: 1; loss: 1", "0.5 [0.25, -0.25]"])
def test_split_errors_have_a_chinese_message(text: str) -> None:
    assert CJK.search(grade(text, ANSWER, T4).message.zh)


def test_exact_structured_answer() -> None:
    expected = {"out": 3, "params": 28}
    assert grade("out: 3; params: 28", expected, T4, exact=True).correct
    assert not grade("out: 3; params: 28.5", expected, T4, exact=True).correct


# --- grade never raises ------------------------------------------------------------------------

EXPECTED_FORMS = [
    0.5,
    28,
    [0.1, 0.2, 0.7],
    [[1.0, -2.0], [0.5, 3.0]],
    [[1.0], [2.0]],
    {"loss": 0.5, "grad": [0.25, -0.25]},
    {"mean": 1.0, "var": 2.0, "y": [0.1, -0.1]},
    {"loss": 0.1, "W1": [[0.1, 0.2], [0.3, 0.4]], "b1": [0.1, 0.2]},
]


def _check_grade(g: Grade) -> None:
    assert isinstance(g, Grade)
    assert isinstance(g.correct, bool)
    assert 0.0 <= g.score <= 1.0
    if g.coarse:  # right values to fewer places than asked: right, with partial credit
        assert g.correct is (g.score >= 0.5) and g.score < 1.0 or not g.correct
    else:
        assert g.correct == (g.score == 1.0)
    assert isinstance(g.message.en, str) and g.message.en
    assert isinstance(g.message.zh, str) and g.message.zh


def _grade_everything(text: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # overflow of 1e308 − (−1e308) is fine
        for expected in EXPECTED_FORMS:
            _check_grade(grade(text, expected, T4))
            _check_grade(grade(text, expected, T4, exact=True))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
@example("")
@example("nan")
@example("inf; -inf")
@example("loss: nan; grad: [inf, 1]")
def test_grade_never_raises_on_any_text(text: str) -> None:
    _grade_everything(text)


NUMBERISH = "0123456789.,;:= \n-+eE/−×^x，、。naif"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=NUMBERISH, max_size=60))
def test_grade_never_raises_on_number_like_text(text: str) -> None:
    _grade_everything(text)


_BIG = st.sampled_from(["1e308", "-1e308", "1.7976931348623157e308", "1e309", "-1e999", "1e-320",
                        "9" * 400, "NaN", "-inf", "Infinity", "1/0", "0/0", "1e308/1e-308"])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(_BIG, st.floats().map(repr)), min_size=1, max_size=6),
       st.sampled_from([" ", ", ", "; ", "\n"]), st.sampled_from(["{}", "[{}]", "[[{}]]", "loss: {}"]))
def test_grade_never_raises_on_huge_and_non_finite_numbers(numbers: list[str], sep: str,
                                                            frame: str) -> None:
    _grade_everything(frame.format(sep.join(numbers)))


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 300), st.integers(0, 300), st.sampled_from(["1", "1, 2", "1 2; 3 4", "", "x"]),
       st.sampled_from(["[]", "()", "[)"]))
def test_grade_never_raises_on_deeply_nested_brackets(opens: int, closes: int, body: str,
                                                      pair: str) -> None:
    _grade_everything(pair[0] * opens + body + pair[1] * closes)


@settings(max_examples=200, deadline=None)
@given(st.recursive(st.sampled_from(["1", "-2.5", "x", ""]),
                    lambda inner: st.tuples(st.lists(inner, max_size=3), st.sampled_from([",", " ", ";"]))
                    .map(lambda t: "[" + t[1].join(t[0]) + "]"), max_leaves=12),
       st.lists(st.sampled_from(["[1]", "[[1]]", "1"]), max_size=2))
@example("[[0]]", ["[0]"])
def test_grade_never_raises_on_bracketed_text(body: str, more: list[str]) -> None:
    _grade_everything(" ".join([body, *more]))


# --- a formatted answer grades as correct ------------------------------------------------------

FINITE = st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_subnormal=False)
KEYS = ["loss", "grad", "mean", "var", "y", "W1", "b1", "W2", "b2"]


@st.composite
def values(draw: st.DrawFn) -> Any:
    form = draw(st.sampled_from(["number", "int", "vector", "matrix"]))
    if form == "number":
        return draw(FINITE)
    if form == "int":
        return draw(st.integers(-10**9, 10**9))
    if form == "vector":
        return draw(st.lists(FINITE, min_size=1, max_size=6))
    rows, cols = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    return [[draw(FINITE) for _ in range(cols)] for _ in range(rows)]


@st.composite
def answers(draw: st.DrawFn) -> Any:
    if draw(st.booleans()):
        return draw(values())
    keys = draw(st.lists(st.sampled_from(KEYS), min_size=1, max_size=4, unique=True))
    return {k: draw(values()) for k in keys}


def _plus_one(answer: Any) -> Any:
    if isinstance(answer, dict):
        return {k: _plus_one(v) for k, v in answer.items()}
    if isinstance(answer, list):
        return [_plus_one(v) for v in answer]
    return answer + 1


@settings(max_examples=300, deadline=None)
@given(answers(), st.integers(0, 9))
@example(0.5, 0)
@example(0.00005, 4)
@example(-0.123456789, 9)
@example({"loss": 0.298371109, "W2": [[0.35891648, 0.408666186], [0.511301270, 0.561370121]]}, 5)
def test_formatted_answer_grades_as_correct(answer: Any, decimals: int) -> None:
    g = grade(format_answer(answer, decimals), answer, Tolerance.for_decimals(decimals))
    assert g.correct, (format_answer(answer, decimals), g.message.en)
    assert g.score == 1.0


@settings(max_examples=200, deadline=None)
@given(answers(), st.integers(2, 9))
def test_answer_off_by_one_everywhere_grades_as_wrong(answer: Any, decimals: int) -> None:
    wrong = _plus_one(answer)
    g = grade(format_answer(wrong, decimals), answer, Tolerance.for_decimals(decimals))
    assert not g.correct
    assert g.score == 0.0


# --- real problems -----------------------------------------------------------------------------

LIBRARY = load_library()
SEEDS = [0, 1, 2, 7, 42, 1234, 2**31 + 5, 2**63 - 1]


def test_the_bundled_content_has_templates_of_every_kind() -> None:
    assert not LIBRARY.errors
    from studyapp.core.kinds import KINDS

    assert {t.kind for t in LIBRARY.templates} == set(KINDS)


@pytest.mark.parametrize("template", LIBRARY.templates, ids=lambda t: t.id)
def test_real_problems_grade_their_own_answer(template: Any) -> None:
    for seed in SEEDS:
        problem = generate(template, seed)
        text = format_answer(problem.answer, problem.decimals)
        g = problem.grade(text)
        assert g.correct, (seed, text, g.message.en)
        assert g.score == 1.0
        wrong = problem.grade(format_answer(_plus_one(problem.answer), problem.decimals))
        assert not wrong.correct, (seed, text)
        assert wrong.score == 0.0
        # the worked solution's Chinese message exists for every grade
        assert wrong.message.zh and CJK.search(wrong.message.zh)


@pytest.mark.parametrize("text", ["abc", "[1, 2", "]", "1/0", "1e999", "2²", "", "[[1], [[2]]]",
                                  "[1)", "1 2; 3"])
def test_unreadable_answers_are_explained_in_chinese_too(text: str) -> None:
    message = grade(text, [[1.0, 2.0], [3.0, 4.0]], T4).message
    assert CJK.search(message.zh)
    assert "expected" not in message.zh and "bracket" not in message.zh
