"""How people type numbers, vectors, matrices and labelled parts: ``studyapp.core.answer_parse``."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from studyapp.core.answer_parse import MAX_DEPTH, MAX_LENGTH, ParseError, parse_value, split_parts
from studyapp.core.numfmt import format_value

# --- numbers -----------------------------------------------------------------------------------

NUMBERS = [
    ("0", 0.0),
    ("28", 28.0),
    ("-3", -3.0),
    ("+2", 2.0),
    ("0.25", 0.25),
    ("-0.25", -0.25),
    ("5.", 5.0),
    (".5", 0.5),
    ("-.5", -0.5),
    ("1e-3", 0.001),
    ("1E3", 1000.0),
    ("1e+5", 100000.0),
    ("1.2E-3", 0.0012),
    ("3/4", 0.75),
    ("-1/8", -0.125),
    ("3/-4", -0.75),
    ("1e-3/2", 0.0005),
    ("  0.25  ", 0.25),
    ("\t0.25\n", 0.25),
    ("０．２５", 0.25),  # full-width digits and point
    ("－０．５", -0.5),  # full-width minus
    ("0。5", 0.5),  # ideographic full stop between digits is a slip for a point
    ("−0.5", -0.5),  # U+2212 minus sign
    ("–0.5", -0.5),  # en dash
    ("2.5×10^-1", 0.25),
    ("2.5×10^(-1)", 0.25),
    ("2.5 × 10^-1", 0.25),
    ("2.5x10^-1", 0.25),
    ("2.5*10^-1", 0.25),
    ("2.5×10⁻¹", 0.25),  # superscript exponent
    ("1.5×10^3", 1500.0),
    ("1e-400", 0.0),  # underflows to zero: finite, so accepted
]


@pytest.mark.parametrize(("text", "expected"), NUMBERS)
def test_numbers_as_people_type_them(text: str, expected: float) -> None:
    value = parse_value(text)
    assert isinstance(value, float)
    assert value == pytest.approx(expected, rel=1e-12, abs=0.0)


# --- vectors -----------------------------------------------------------------------------------

VECTORS = [
    ("[1, 2, 3]", [1.0, 2.0, 3.0]),
    ("[1,2,3]", [1.0, 2.0, 3.0]),
    ("[1 2 3]", [1.0, 2.0, 3.0]),
    ("1 2 3", [1.0, 2.0, 3.0]),
    ("1,2,3", [1.0, 2.0, 3.0]),
    ("1, 2, 3", [1.0, 2.0, 3.0]),
    ("  1   2\t3 ", [1.0, 2.0, 3.0]),
    ("(1, 2)", [1.0, 2.0]),
    ("1，2，3", [1.0, 2.0, 3.0]),  # Chinese full-width comma
    ("1、2、3", [1.0, 2.0, 3.0]),  # Chinese enumeration comma
    ("[0.5、-1/4、1e-2]", [0.5, -0.25, 0.01]),
    ("[−1, −2]", [-1.0, -2.0]),
    ("［１，２］", [1.0, 2.0]),  # full-width brackets too
    ("1\n2\n3", [1.0, 2.0, 3.0]),  # one number per line: a column vector
    ("1; 2; 3", [1.0, 2.0, 3.0]),
    ("[2.5×10^-1, 1]", [0.25, 1.0]),
]


@pytest.mark.parametrize(("text", "expected"), VECTORS)
def test_vectors(text: str, expected: list[float]) -> None:
    assert parse_value(text) == expected


# --- matrices ----------------------------------------------------------------------------------

M22 = [[1.0, 2.0], [3.0, 4.0]]
MATRICES = [
    ("[[1,2],[3,4]]", M22),
    ("[[1, 2], [3, 4]]", M22),
    ("[[1 2] [3 4]]", M22),
    ("((1, 2), (3, 4))", M22),
    ("1 2; 3 4", M22),
    ("1, 2; 3, 4", M22),
    ("1 2\n3 4", M22),
    ("1 2\r\n3 4\n", M22),
    ("  1 2\n\n  3 4\n", M22),  # blank lines between rows are skipped
    ("[1 2; 3 4]", M22),
    ("[1, 2; 3, 4]", M22),
    ("[[1,2],\n [3,4]]", M22),
    ("[[1，2]，[3，4]]", M22),
    ("[[1,2,3]]", [[1.0, 2.0, 3.0]]),
    ("[1;2;3]", [[1.0], [2.0], [3.0]]),
    ("[[-1/2, .5], [1e-3, −2]]", [[-0.5, 0.5], [0.001, -2.0]]),
    ("[[[1, 2], [3, 4]], [[5, 6], [7, 8]]]",
     [[[1.0, 2.0], [3.0, 4.0]], [[5.0, 6.0], [7.0, 8.0]]]),  # three levels: C×H×W
]


@pytest.mark.parametrize(("text", "expected"), MATRICES)
def test_matrices(text: str, expected: list) -> None:
    assert parse_value(text) == expected


# --- errors ------------------------------------------------------------------------------------

ERRORS = [
    ("", "the answer is empty"),
    ("   ", "the answer is empty"),
    ("\n\t", "the answer is empty"),
    (";", "the answer is empty"),
    ("abc", "'abc' is not a number"),
    ("0.5a", "'0.5a' is not a number"),
    ("one half", "'one' is not a number"),
    ("1 2 x", "'x' is not a number"),
    ("nan", "'nan' is not a number"),
    ("NaN", "'NaN' is not a number"),
    ("inf", "'inf' is not a number"),
    ("-Infinity", "'-Infinity' is not a number"),
    ("0x10", "'0x10' is not a number"),
    ("1_000", "'1_000' is not a number"),
    ("1.2.3", "'1.2.3' is not a number"),
    ("--1", "'--1' is not a number"),
    ("1/2/3", "'1/2/3' is not a number"),
    ("1e999", "'1e999' is too large a number"),
    ("-1e999", "'-1e999' is too large a number"),
    ("1e308/1e-10", "too large a number"),
    ("1" * 400, "too large a number"),
    ("1/0", "'1/0' divides by zero"),
    ("0/0", "divides by zero"),
    ("[1, 1/0]", "'1/0' divides by zero"),
    ("[1, 2", "a bracket is opened but never closed"),
    ("[[1, 2], [3, 4]", "a bracket is opened but never closed"),
    ("1, 2]", "a bracket is closed that was never opened"),
    ("]", "a bracket is closed that was never opened"),
    ("[]", "empty brackets: no numbers given"),
    ("[[1, 2], []]", "empty brackets"),
    ("[[1, 2], [3]]", "the rows have different lengths (2, 1)"),
    ("1 2; 3", "the rows have different lengths (2, 1)"),
    ("1 2\n3 4 5", "the rows have different lengths (2, 3)"),
    ("[1 2; 3]", "the rows have different lengths (2, 1)"),
    ("[[1, 2], 3]", "mix of numbers and bracketed rows at one level"),
    ("[1 [2]]", "mix of numbers and bracketed rows at one level"),
    ("[[[[1]]]]", f"too deeply nested: at most {MAX_DEPTH} levels of brackets"),
    ("[" * 5000 + "1" + "]" * 5000, "too deeply nested"),
    ("(" * 50, "too deeply nested"),
    ("1 " * (MAX_LENGTH // 2 + 1),
     f"the answer is too long ({MAX_LENGTH + 2:,} characters; at most {MAX_LENGTH:,})"),
]


@pytest.mark.parametrize(("text", "message"), ERRORS, ids=[repr(t)[:24] for t, _ in ERRORS])
def test_errors_name_the_problem(text: str, message: str) -> None:
    with pytest.raises(ParseError) as info:
        parse_value(text)
    assert message in str(info.value)


def test_error_message_says_what_was_expected_and_clips_long_tokens() -> None:
    with pytest.raises(ParseError) as info:
        parse_value("x" * 200)
    text = str(info.value)
    assert "expected e.g. 0.25, -1/8 or 1e-3" in text
    assert len(text) < 120  # the bad token is clipped, not echoed in full
    assert "…" in text


def test_three_levels_is_the_limit() -> None:
    assert parse_value("[[[1]]]") == [[[1.0]]]


def test_parse_error_is_a_value_error() -> None:
    assert issubclass(ParseError, ValueError)


@pytest.mark.parametrize("text", [",", ", ,", ";,", "、", "，", "\t,\t"])
def test_only_separators_is_an_empty_answer(text: str) -> None:
    with pytest.raises(ParseError, match="empty"):
        parse_value(text)


@pytest.mark.parametrize("text", ["[[0]] [0]", "[[1, 2], [3, 4]] [5, 6]", "[[1], [[2]]]", "[1; [2]]"])
def test_brackets_of_different_depths_are_an_error(text: str) -> None:
    with pytest.raises(ParseError):
        parse_value(text)


@pytest.mark.parametrize("text", ["[1 2\n3 4]", "[1, 2\n 3, 4]", "[\n1 2\n3 4\n]", "(1 2 \n 3 4)"])
def test_new_line_inside_brackets_starts_a_row(text: str) -> None:
    assert parse_value(text) == M22


@pytest.mark.parametrize("text", ["1 / 4", "[1 / 4, 1/2]"])
def test_fraction_with_spaces(text: str) -> None:
    value = parse_value(text)
    assert (value if isinstance(value, float) else value[0]) == 0.25


@pytest.mark.parametrize("text", ["2²", "10³"])
def test_superscript_digits_are_not_read_as_more_digits(text: str) -> None:
    try:
        value = parse_value(text)
    except ParseError:
        return
    assert value == float(int(text[:-1]) ** {"²": 2, "³": 3}[text[-1]])


# --- labelled parts ----------------------------------------------------------------------------

KEYS = ["loss", "grad"]
PARTS = [
    ("loss: 0.5; grad: [1,2]", {"loss": "0.5", "grad": "[1,2]"}),
    ("loss=0.5; grad=[1,2]", {"loss": "0.5", "grad": "[1,2]"}),
    ("loss = 0.5, grad = 1 2", {"loss": "0.5", "grad": "1 2"}),
    ("LOSS: 0.5 Grad: [1,2]", {"loss": "0.5", "grad": "[1,2]"}),
    ("grad: [1,2]; loss: 0.5", {"grad": "[1,2]", "loss": "0.5"}),
    ("loss：0.5；grad：[1,2]", {"loss": "0.5", "grad": "[1,2]"}),  # full-width colon and semicolon
    ("loss: 0.5\ngrad: 1 2\n3 4", {"loss": "0.5", "grad": "1 2\n3 4"}),
    ("loss: 1e-3; grad: [2.5×10^-1, 1]", {"loss": "1e-3", "grad": "[2.5e-1, 1]"}),
    ("; loss: 1; grad: 2;", {"loss": "1", "grad": "2"}),
    ("loss: 0.5", {"loss": "0.5"}),  # a missing part is left out, not an error here
    ("0.5; [1,2]", {"loss": "0.5", "grad": "[1,2]"}),  # unlabelled, one per ';' in order
    ("0.5; [1;2]", {"loss": "0.5", "grad": "[1;2]"}),  # ';' inside brackets does not split
    ("0.5 ; [[1,2];[3,4]]", {"loss": "0.5", "grad": "[[1,2];[3,4]]"}),
]


@pytest.mark.parametrize(("text", "expected"), PARTS)
def test_split_parts(text: str, expected: dict[str, str]) -> None:
    assert split_parts(text, KEYS) == expected


def test_split_parts_keeps_the_callers_spelling_of_keys() -> None:
    assert split_parts("w1: 1; B1: 2", ["W1", "b1"]) == {"W1": "1", "b1": "2"}


PART_ERRORS = [
    ("foo: 1; grad: 2", "unknown part 'foo' (expected loss, grad)"),
    ("loss: 1; loss: 2", "part 'loss' is given twice"),
    ("Loss: 1; LOSS: 2", "part 'loss' is given twice"),
    ("0.5", "label each part, e.g. loss: …; grad: …"),
    ("0.5 [1,2]", "label each part"),
    ("0.5; [1,2]; 3", "label each part"),
    ("1 2 loss: 2", "'1 2' comes before the first label"),
]


@pytest.mark.parametrize(("text", "message"), PART_ERRORS)
def test_split_parts_errors(text: str, message: str) -> None:
    with pytest.raises(ParseError) as info:
        split_parts(text, KEYS)
    assert message in str(info.value)


# --- properties --------------------------------------------------------------------------------

def _check_parsed(value: object) -> None:
    """What parse_value returns: a finite float, or lists of lists … of finite floats."""
    if isinstance(value, list):
        for item in value:
            _check_parsed(item)
    else:
        assert type(value) is float and math.isfinite(value)


def _parse_or_parse_error(text: str) -> None:
    try:
        value = parse_value(text)
    except ParseError as exc:
        assert str(exc)  # every error says something
        return
    _check_parsed(value)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_parse_value_only_raises_parse_error_on_any_text(text: str) -> None:
    _parse_or_parse_error(text)


TYPED = "0123456789.,;:[]() \n\t-+eE/−×^x*，、。０－"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=TYPED, max_size=60))
@example("1e999 1")
@example("[[1,2],[3,4]")
@example("1/0")
@example("-.e")
def test_parse_value_only_raises_parse_error_on_number_like_text(text: str) -> None:
    _parse_or_parse_error(text)


def _bracket_tree(leaf: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.recursive(
        leaf,
        lambda inner: st.tuples(st.sampled_from(["[]", "()", "[)", "(]", "[", "]"]),
                                st.lists(inner, max_size=4),
                                st.sampled_from([",", " ", ";", "\n", ", "])).map(
            lambda t: t[0][0] + t[2].join(t[1]) + t[0][-1:] * (len(t[0]) == 2)),
        max_leaves=30,
    )


@settings(max_examples=300, deadline=None)
@given(_bracket_tree(st.sampled_from(["1", "-2.5", "1/0", "x", "", "1e999", ".5"])),
       st.integers(0, 60), st.integers(0, 60))
def test_parse_value_only_raises_parse_error_on_nested_brackets(body: str, opens: int,
                                                                closes: int) -> None:
    _parse_or_parse_error("[" * opens + body + "]" * closes)


# Round trip: what format_value prints, parse_value reads back as round(v, decimals).
FINITE = st.floats(allow_nan=False, allow_infinity=False, allow_subnormal=False)
MODERATE = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False, allow_subnormal=False)
DECIMALS = st.integers(0, 17)


def _rounded(value: object, decimals: int) -> object:
    if isinstance(value, list):
        return [_rounded(v, decimals) for v in value]
    return round(value, decimals)  # type: ignore[call-overload]


@settings(max_examples=300, deadline=None)
@given(FINITE, DECIMALS)
@example(0.5, 0)
@example(-0.00004, 4)
@example(1.7976931348623157e308, 4)
@example(0.1 + 0.2, 17)
def test_round_trip_number(value: float, decimals: int) -> None:
    text = format_value(value, decimals)
    assert parse_value(text) == round(value, decimals)


@settings(max_examples=200, deadline=None)
@given(st.lists(MODERATE, min_size=1, max_size=8), DECIMALS)
def test_round_trip_vector(values: list[float], decimals: int) -> None:
    parsed = parse_value(format_value(values, decimals))
    expected = _rounded(values, decimals)
    if len(values) == 1:  # "[x]" reads as a one-element list
        assert parsed in (expected, expected[0])
    else:
        assert parsed == expected


@st.composite
def matrices(draw: st.DrawFn) -> list[list[float]]:
    rows, cols = draw(st.integers(1, 5)), draw(st.integers(1, 5))
    return [[draw(MODERATE) for _ in range(cols)] for _ in range(rows)]


@settings(max_examples=200, deadline=None)
@given(matrices(), DECIMALS)
def test_round_trip_matrix(matrix: list[list[float]], decimals: int) -> None:
    parsed = parse_value(format_value(matrix, decimals))
    expected = np.array(_rounded(matrix, decimals))
    got = np.array(parsed, dtype=float)
    assert got.size == expected.size
    assert np.array_equal(got.reshape(expected.shape), expected)
    if len(matrix) > 1 and len(matrix[0]) > 1:
        assert got.shape == expected.shape


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(-10**6, 10**6), min_size=2, max_size=8), st.integers(0, 6))
def test_round_trip_on_a_decimal_grid_is_exact(steps: list[int], decimals: int) -> None:
    values = [s / 10**decimals for s in steps]
    assert parse_value(format_value(values, decimals)) == values
