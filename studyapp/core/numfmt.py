"""Numbers, vectors and matrices as a person reads and types them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

SUPERSCRIPTS = str.maketrans("0123456789-+()n", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺⁽⁾ⁿ")
SUBSCRIPTS = str.maketrans("0123456789-+()", "₀₁₂₃₄₅₆₇₈₉₋₊₍₎")


def sup(text: object) -> str:
    if type(text) is int and 0 <= text < 100:
        return _SUP_INTS[text]
    return str(text).translate(SUPERSCRIPTS)


def sub(text: object) -> str:
    if type(text) is int and 0 <= text < 100:  # indexes, in every worked solution
        return _SUB_INTS[text]
    return str(text).translate(SUBSCRIPTS)


_SUP_INTS = [str(i).translate(SUPERSCRIPTS) for i in range(100)]
_SUB_INTS = [str(i).translate(SUBSCRIPTS) for i in range(100)]


def small(x: float) -> str:
    """A small constant as print writes it: ``1e-05`` as ``10⁻⁵``, ``2.5e-08`` as ``2.5 × 10⁻⁸``,
    ``0.001`` as ``0.001`` (for ε and the like; the shortest form that gives the value back)."""
    text = f"{x:g}"
    if "e" not in text:
        return text
    mantissa, exponent = text.split("e")
    power = "10" + sup(int(exponent))
    return power if mantissa == "1" else f"{mantissa} × {power}"


def num(x: float, decimals: int = 4) -> str:
    """``x`` rounded to ``decimals`` places, without trailing zeros (``0.5``, ``-2``, ``0.1235``)."""
    if type(x) is float:  # a memo per number of decimals: worked solutions repeat their numbers
        texts = _NUM_MEMO.get(decimals)
        if texts is None:
            texts = _NUM_MEMO[decimals] = {}
        text = texts.get(x)
        if text is None:
            if len(texts) >= 50_000:  # bounded
                texts.clear()
            text = texts[x] = _format_float(x, decimals)
        return text
    if type(x) is int:
        return str(x)
    if isinstance(x, bool):
        return str(x).lower()
    if isinstance(x, int):
        return str(x)
    return num(float(x), decimals)


def _format_float(x: float, decimals: int) -> str:
    if -1e16 < x < 1e16:  # the usual case first (NaN fails every comparison)
        text = _FIXED[decimals] % x if decimals < 16 else f"{x:.{decimals}f}"
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        return "0" if text == "-0" else text
    if x != x or x in (_INF, -_INF):
        return str(x)
    return repr(x)  # floats this large are whole numbers; the shortest exact form, 1e+20


_NUM_MEMO: dict[int, dict[float, str]] = {}  # decimals → number → text
_PAREN_MEMO: dict[int, dict[float, str]] = {}
_FIXED = [f"%.{d}f" for d in range(16)]
_INF = float("inf")


def paren(x: float, decimals: int = 4) -> str:
    """A number ready to stand after an operator: negatives in parentheses."""
    if type(x) is float:  # remembered as ``num`` remembers: the most used formatting of all
        texts = _PAREN_MEMO.get(decimals)
        if texts is None:
            texts = _PAREN_MEMO[decimals] = {}
        text = texts.get(x)
        if text is None:
            if len(texts) >= 50_000:  # bounded
                texts.clear()
            text = num(x, decimals)
            text = texts[x] = f"({text})" if text[0] == "-" else text
        return text
    text = num(x, decimals)
    return f"({text})" if text[0] == "-" else text


def vec(values: Sequence[float], decimals: int = 4) -> str:
    return "[" + ", ".join([num(v, decimals) for v in values]) + "]"


def grid(matrix: Sequence[Sequence[float]], decimals: int = 4) -> list[str]:
    """A matrix as right-aligned columns inside brackets, one line per row."""
    # str() for the whole numbers most grids hold: every JSON exercise set draws its grids
    cells = [[str(v) if type(v) is int else num(v, decimals) for v in row] for row in matrix]
    if not cells or not cells[0]:
        return ["[ ]"]
    widths = [max(map(len, column)) for column in zip(*cells, strict=True)]
    body = ["  ".join([c.rjust(w) for c, w in zip(row, widths, strict=True)]) for row in cells]
    if len(body) == 1:
        return [f"[ {body[0]} ]"]
    lines = [f"⎡ {body[0]} ⎤"]
    lines += [f"⎢ {line} ⎥" for line in body[1:-1]]
    lines.append(f"⎣ {body[-1]} ⎦")
    return lines


def depth(value: Any) -> int:
    """0 for a number, 1 for a vector, 2 for a matrix, 3 for a stack of matrices."""
    d = 0
    while isinstance(value, list | tuple) and value:
        d += 1
        value = value[0]
    return d


def format_value(value: Any, decimals: int = 4) -> str:
    """One-line form of a number, vector or matrix that the answer parser reads back."""
    if isinstance(value, list | tuple):
        if value and isinstance(value[0], list | tuple) and value[0]:  # depth(value) >= 2
            return "[" + ", ".join([format_value(row, decimals) for row in value]) + "]"
        return vec(value, decimals)
    return num(value, decimals)


def format_answer(answer: Any, decimals: int = 4) -> str:
    """An answer as a learner would type it; labelled parts for structured answers."""
    if isinstance(answer, dict):
        return "; ".join([f"{k}: {format_value(v, decimals)}" for k, v in answer.items()])
    return format_value(answer, decimals)


def shape_text(shape: tuple[int, ...]) -> str:
    if not shape:
        return "a single number"
    if len(shape) == 1:
        return f"a vector of {shape[0]}"
    return "a " + "×".join([str(s) for s in shape]) + " matrix"


def shape_zh(shape: tuple[int, ...]) -> str:
    if not shape:
        return "一个数"
    if len(shape) == 1:
        return f"长度为 {shape[0]} 的向量"
    return "×".join(map(str, shape)) + " 矩阵"


# Names of tensor params as a Chinese reader expects them (others, such as W1, are symbols).
PARAM_NAMES_ZH = {"input": "输入", "kernel": "卷积核", "kernels": "卷积核", "boxes": "边框",
                  "features": "特征", "centers": "特征中心"}
_PLANE = {"en": ("channel", "filter"), "zh": ("通道", "filter")}


def tensor_grids(params: dict[str, Any], lang: str = "en", decimals: int = 4) -> list[str]:
    """Every matrix and tensor param as aligned grids: a matrix as one grid, a stack of them
    per channel, a bank of filters per filter and channel (vectors fit in the prompt)."""
    channel, bank = _PLANE.get(lang, _PLANE["en"])
    lines: list[str] = []
    for name, value in params.items():
        d = depth(value)
        if d == 2:
            body = grid(value, decimals)
        elif d == 3:
            body = [line for i, plane in enumerate(value)
                    for line in (f"[{channel} {i}]", *grid(plane, decimals))]
        elif d == 4:
            body = [line for k, planes in enumerate(value) for i, plane in enumerate(planes)
                    for line in (f"[{bank} {k}, {channel} {i}]", *grid(plane, decimals))]
        else:
            continue
        label = PARAM_NAMES_ZH.get(name, name) if lang == "zh" else name
        lines.append(f"{label} =")
        lines += [f"  {row}" for row in body]
    return lines
