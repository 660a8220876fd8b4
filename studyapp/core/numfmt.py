"""Numbers, vectors and matrices as a person reads and types them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
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
    if type(x) is float:  # from the memo: worked solutions repeat their numbers
        return _NUM_MEMO[decimals][x]
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


class _Texts(dict[float, str]):
    """Float → its text at one number of decimals, formatted the first time it is asked for.

    A dict whose ``__missing__`` formats: a number already seen costs one subscript, which is
    cheaper than ``get`` and a test (num and paren run some 25 times per problem). Bounded.
    """

    def __init__(self, decimals: int, text: Callable[[float, int], str]):
        super().__init__()
        self.decimals, self.text = decimals, text

    def __missing__(self, x: float) -> str:
        if len(self) >= 50_000:
            self.clear()
        text = self[x] = self.text(x, self.decimals)
        return text


class _Memos(dict[int, _Texts]):
    """Decimals → that many decimals' ``_Texts``, made when first asked for."""

    def __init__(self, text: Callable[[float, int], str]):
        super().__init__()
        self.text = text

    def __missing__(self, decimals: int) -> _Texts:
        texts = self[decimals] = _Texts(decimals, self.text)
        return texts


def _parenthesised(x: float, decimals: int) -> str:
    text = _NUM_MEMO[decimals][x]
    return f"({text})" if text[0] == "-" else text


_NUM_MEMO = _Memos(_format_float)  # decimals → number → text
_PAREN_MEMO = _Memos(_parenthesised)
_FIXED = [f"%.{d}f" for d in range(16)]
_INF = float("inf")


def paren(x: float, decimals: int = 4) -> str:
    """A number ready to stand after an operator: negatives in parentheses."""
    if type(x) is float:  # from its memo, as ``num``: the most used formatting of all
        return _PAREN_MEMO[decimals][x]
    text = num(x, decimals)
    return f"({text})" if text[0] == "-" else text


def vec(values: Sequence[float], decimals: int = 4) -> str:
    return "[" + ", ".join([num(v, decimals) for v in values]) + "]"


def grid(matrix: Sequence[Sequence[float]], decimals: int = 4) -> list[str]:
    """A matrix as right-aligned columns inside brackets, one line per row."""
    return _grid(matrix, decimals, "")


def _grid(matrix: Sequence[Sequence[float]], decimals: int, indent: str) -> list[str]:
    """``grid``, each line after ``indent``: tensor_grids indents its grids as it makes them."""
    # str() for the whole numbers most grids hold: every JSON exercise set draws its grids
    cells = [[str(v) if type(v) is int else num(v, decimals) for v in row] for row in matrix]
    if not cells or not cells[0]:
        return [f"{indent}[ ]"]
    # One str.format per row, its format (the columns' widths) made once per shape of widths:
    # a right-aligned field is what rjust gives, and a row costs one call instead of one a cell.
    widths = tuple([max(map(len, column)) for column in zip(*cells, strict=True)])
    row = _ROW_FORMATS.get(widths)
    if row is None:
        if len(_ROW_FORMATS) >= 10_000:  # bounded
            _ROW_FORMATS.clear()
        row = _ROW_FORMATS[widths] = "  ".join([f"{{:>{w}}}" for w in widths]).format
    if len(cells) == 1:
        return [f"{indent}[ {row(*cells[0])} ]"]
    lines = [f"{indent}⎡ {row(*cells[0])} ⎤"]
    lines += [f"{indent}⎢ {row(*middle)} ⎥" for middle in cells[1:-1]]
    lines.append(f"{indent}⎣ {row(*cells[-1])} ⎦")
    return lines


_ROW_FORMATS: dict[tuple[int, ...], Callable[..., str]] = {}  # column widths → row formatter


# (list, tuple) built once: ``list | tuple`` written in a test makes a new union at every call
_SEQUENCES = (list, tuple)


def depth(value: Any) -> int:
    """0 for a number, 1 for a vector, 2 for a matrix, 3 for a stack of matrices."""
    d = 0
    while isinstance(value, _SEQUENCES) and value:
        d += 1
        value = value[0]
    return d


def format_value(value: Any, decimals: int = 4) -> str:
    """One-line form of a number, vector or matrix that the answer parser reads back."""
    if isinstance(value, _SEQUENCES):
        if value and isinstance(value[0], _SEQUENCES) and value[0]:  # depth(value) >= 2
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
        # numbers and vectors (most params) are passed over before ``depth`` is asked
        if not isinstance(value, _SEQUENCES) or not value or not isinstance(value[0], _SEQUENCES):
            continue
        d = depth(value)
        if d == 2:
            body = _grid(value, decimals, "  ")
        elif d == 3:
            body = [line for i, plane in enumerate(value)
                    for line in (f"  [{channel} {i}]", *_grid(plane, decimals, "  "))]
        elif d == 4:
            body = [line for k, planes in enumerate(value) for i, plane in enumerate(planes)
                    for line in (f"  [{bank} {k}, {channel} {i}]", *_grid(plane, decimals, "  "))]
        else:
            continue
        lines.append(f"{PARAM_NAMES_ZH.get(name, name) if lang == 'zh' else name} =")
        lines += body
    return lines
