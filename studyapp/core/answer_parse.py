"""Reading numbers, vectors, matrices and labelled parts as people type them.

Nothing here evaluates the text: numbers are matched by a regular expression
and converted with ``float``. Every failure is a ``ParseError`` whose message
says what was expected.
"""

from __future__ import annotations

import math
import re
import unicodedata
from typing import Any

from studyapp.core.bilingual import T, Text

MAX_DEPTH = 3
MAX_LENGTH = 20_000

_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
NUMBER_RE = re.compile(rf"({_NUMBER})(?:\s*/\s*({_NUMBER}))?")
_TIMES_TEN = re.compile(r"\s*[×xX*]\s*10\s*\^?\s*\(?\s*([-+]?\d+)\s*\)?")
_SUPER = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_TIMES_TEN_SUPER = re.compile(rf"\s*[×xX*]\s*10([⁻⁺]?[{_SUPER}]+)")
_SUPER_TO_ASCII = str.maketrans(_SUPER + "⁻⁺", "0123456789-+")
_POWERS = re.compile(rf"[{_SUPER}₀₁₂₃₄₅₆₇₈₉]")
_LABEL = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\s*[:=]")
_MINUSES = dict.fromkeys(map(ord, "−–—﹣－‐"), "-")
# What a Chinese IME types that NFKC leaves alone: lenticular and tortoise-shell brackets,
# the ratio sign and the ideographic comma and full stop (NFKC already folds full-width
# digits, letters, ；：，（）［］ and the ideographic space).
_IME = str.maketrans({"【": "[", "】": "]", "〔": "[", "〕": "]", "〖": "[", "〗": "]",
                      "∶": ":", "、": ","})


class ParseError(ValueError):
    """Unreadable text; ``str()`` is the English message, ``zh`` the Chinese one."""

    def __init__(self, message: str, zh: str | None = None):
        super().__init__(message)
        self.zh = zh or message


def normalize(text: str) -> str:
    """Fold full-width forms, Unicode minus signs and Chinese punctuation to ASCII.

    ``1.2×10⁻³`` is read as ``1.2e-3``; any other superscript or subscript digit is
    refused, since NFKC would silently turn ``2²`` into ``22``.
    """
    text = _TIMES_TEN_SUPER.sub(lambda m: "e" + m.group(1).translate(_SUPER_TO_ASCII), text)
    power = _POWERS.search(text)
    if power:
        raise ParseError(f"'{power.group()}' is a power or index: type the value itself "
                         "(e.g. 4 for 2²; 1e-3 or 1×10^-3 for 10⁻³)",
                         f"'{power.group()}' 是上标或下标:请直接写出数值(如 2² 写 4,10⁻³ 写 1e-3)")
    text = unicodedata.normalize("NFKC", text).translate(_MINUSES).translate(_IME)
    text = re.sub(r"(?<=\d)。(?=\d)", ".", text)  # 0。5 is a slip for 0.5
    text = text.replace("。", " ")
    text = re.sub(r"\s*/\s*", "/", text)  # 1 / 4 is one fraction, not three tokens
    return _TIMES_TEN.sub(lambda m: f"e{m.group(1)}", text)


def parse_number(token: str) -> float:
    """One number: ``-3``, ``.5``, ``1.2E-3``, ``-1/8``."""
    match = NUMBER_RE.fullmatch(token.strip())
    if not match:
        raise ParseError(f"'{_clip(token)}' is not a number (expected e.g. 0.25, -1/8 or 1e-3)",
                         f"'{_clip(token)}' 不是数字(应为 0.25、-1/8 或 1e-3 这样的形式)")
    value = float(match.group(1))
    if match.group(2) is not None:
        den = float(match.group(2))
        if den == 0:
            raise ParseError(f"'{_clip(token)}' divides by zero", f"'{_clip(token)}' 除以了零")
        value = value / den
    if not math.isfinite(value):
        raise ParseError(f"'{_clip(token)}' is too large a number", f"'{_clip(token)}' 数值过大")
    return value


def _clip(text: str, width: int = 24) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _split_items(text: str) -> list[str]:
    return [t for t in re.split(r"[,\s]+", text.strip()) if t]


def _parse_flat(text: str) -> Any:
    """Numbers without brackets: rows split by ';' or new lines, entries by commas or spaces."""
    rows = [items for r in re.split(r"[;\n]", text) if (items := _split_items(r))]
    if not rows:
        raise ParseError("the answer is empty", "答案为空")
    values = [[parse_number(t) for t in row] for row in rows]
    if len(values) == 1:
        return values[0][0] if len(values[0]) == 1 else values[0]
    lengths = {len(r) for r in values}
    if len(lengths) > 1:
        shown = ", ".join(str(len(r)) for r in values)
        raise ParseError(f"the rows have different lengths ({shown})", f"各行长度不同({shown})")
    if lengths == {1}:
        return [r[0] for r in values]  # one number per line: a column vector
    return values


_TOKEN = re.compile(r"[^\S\n]*(?:([\[\]()])|([;\n])|(,)|([^\[\]();\n,\s]+))")
_CLOSING = {"[": "]", "(": ")"}


def _parse_bracketed(text: str) -> Any:
    tokens: list[tuple[str, str]] = []
    for m in _TOKEN.finditer(text):
        if m.group(1):
            tokens.append(("open" if m.group(1) in "[(" else "close", m.group(1)))
        elif m.group(2):
            tokens.append(("row", m.group(2)))
        elif m.group(4):
            tokens.append(("num", m.group(4)))
    pos = 0

    def parse_list(depth: int, opener: str) -> list[Any]:
        nonlocal pos
        if depth > MAX_DEPTH:
            raise ParseError(f"too deeply nested: at most {MAX_DEPTH} levels of brackets",
                             f"括号嵌套过深:最多 {MAX_DEPTH} 层")
        rows: list[list[Any]] = [[]]
        while pos < len(tokens):
            kind, tok = tokens[pos]
            pos += 1
            if kind == "close":
                if tok != _CLOSING[opener]:
                    raise ParseError(f"'{opener}' is closed by '{tok}'", f"'{opener}' 与 '{tok}' 不配对")
                return _join_rows([r for r in rows if r])
            if kind == "open":
                rows[-1].append(parse_list(depth + 1, tok))
            elif kind == "row":
                rows.append([])
            else:
                rows[-1].append(parse_number(tok))
        raise ParseError("a bracket is opened but never closed", "有括号没有闭合")

    items: list[Any] = []
    while pos < len(tokens):
        kind, tok = tokens[pos]
        pos += 1
        if kind == "open":
            items.append(parse_list(1, tok))
        elif kind == "close":
            raise ParseError("a bracket is closed that was never opened", "有多余的右括号")
        elif kind == "num":
            items.append(parse_number(tok))
        elif kind == "row" and items and isinstance(items[-1], float):
            raise ParseError("mix of bracketed rows and bare numbers", "带括号的行与单独的数字混在一起")
    if not items:
        raise ParseError("the answer is empty", "答案为空")
    value = items[0] if len(items) == 1 else items
    return _check_rectangular(value)


def _join_rows(rows: list[list[Any]]) -> list[Any]:
    """The items of one bracket whose rows were split by ';' or new lines.

    ``[1 2; 3 4]`` holds two rows of numbers (a matrix); ``[[1, 2];\n[3, 4]]`` holds
    rows that are already bracketed, so the separators only continue the list.
    """
    if len(rows) <= 1:
        return rows[0] if rows else []
    if all(isinstance(v, list) for row in rows for v in row):
        return [v for row in rows for v in row]
    if any(isinstance(v, list) for row in rows for v in row):
        raise ParseError("mix of numbers and bracketed rows at one level",
                         "同一层里既有数字又有带括号的行")
    return rows


def _shape(value: Any) -> tuple[int, ...]:
    """The shape of a rectangular nested list; ParseError names what is ragged."""
    if not isinstance(value, list):
        return ()
    if not value:
        raise ParseError("empty brackets: no numbers given", "括号里没有数字")
    shapes = [_shape(v) for v in value]
    if len(set(shapes)) > 1:
        depths = {len(s) for s in shapes}
        if len(depths) > 1:
            raise ParseError("mix of numbers and bracketed rows at one level",
                         "同一层里既有数字又有带括号的行")
        lengths = ", ".join(str(s[0]) for s in shapes)
        raise ParseError(f"the rows have different lengths ({lengths})", f"各行长度不同({lengths})")
    return (len(value), *shapes[0])


def _check_rectangular(value: Any) -> Any:
    _shape(value)
    return value


def too_long(text: str) -> Text:
    return T(f"the answer is too long ({len(text):,} characters; at most {MAX_LENGTH:,})",
             f"答案过长({len(text):,} 个字符;最多 {MAX_LENGTH:,} 个)")


def parse_value(text: str) -> Any:
    """A number, a vector (list) or a matrix (list of lists) from typed text."""
    if len(text) > MAX_LENGTH:
        message = too_long(text)
        raise ParseError(message.en, message.zh)
    text = normalize(text)
    if not text.strip():
        raise ParseError("the answer is empty", "答案为空")
    if re.search(r"[\[\]()]", text):
        return _parse_bracketed(text)
    return _parse_flat(text)


def typed_places(text: str) -> list[int | None]:
    """The decimal places each number of ``text`` was typed with, in the order ``parse_value``
    reads them (row by row): ``3.05`` 2, ``12`` 0, ``1.5e-3`` 4, ``305e-2`` 2; a fraction (``1/8``)
    is exact: None. For telling a right value given to fewer places than asked from a wrong one."""
    out: list[int | None] = []
    for match in NUMBER_RE.finditer(normalize(text)):
        if match.group(2) is not None:
            out.append(None)
            continue
        mantissa, _, exponent = match.group(1).lower().partition("e")
        places = len(mantissa.partition(".")[2]) - (int(exponent) if exponent else 0)
        out.append(max(places, 0))
    return out


def split_parts(text: str, keys: list[str]) -> dict[str, str]:
    """Labelled parts (``loss: 0.2; grad: [..]``) or, unlabelled, one per ';'-separated chunk."""
    text = normalize(text)
    labels = list(_LABEL.finditer(text))
    lookup = {k.lower(): k for k in keys}
    if not labels:
        chunks = _top_level_chunks(text)
        if len(chunks) == len(keys):
            return dict(zip(keys, chunks, strict=True))
        form = "; ".join(f"{k}: …" for k in keys)
        raise ParseError(f"label each part, e.g. {form}", f"请为每一部分加标签,如 {form}")
    if text[: labels[0].start()].strip(" ;,\n"):
        head = _clip(text[: labels[0].start()])
        raise ParseError(f"'{head}' comes before the first label", f"第一个标签前多了 '{head}'")
    parts: dict[str, str] = {}
    for index, match in enumerate(labels):
        name = match.group(1)
        key = lookup.get(name.lower())
        if key is None:
            raise ParseError(f"unknown part '{_clip(name)}' (expected {', '.join(keys)})",
                             f"未知的部分 '{_clip(name)}'(应为 {', '.join(keys)})")
        end = labels[index + 1].start() if index + 1 < len(labels) else len(text)
        chunk = text[match.end():end].strip().strip(";,").strip()
        if key in parts and parts[key] and chunk:
            raise ParseError(f"part '{key}' is given twice", f"部分 '{key}' 出现了两次")
        if chunk or key not in parts:  # a label left empty (a prefilled line) gives way
            parts[key] = chunk
    return parts


def tidy_parts(text: str, keys: list[str]) -> str:
    """A structured answer as it was read, one ``label: value`` per part in the order typed:
    what the review log keeps, without the editor's prefilled labels left empty or typed twice
    (``loss: loss: 0.1; W1: …`` followed by a bare ``W1:`` line). Unreadable text is kept as is."""
    try:
        parts = split_parts(text, keys)
    except ParseError:
        return text.strip()
    return "; ".join(f"{key}: {value}" for key, value in parts.items() if value) or text.strip()


def _top_level_chunks(text: str) -> list[str]:
    chunks, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch in "[(":
            depth += 1
        elif ch in "])":
            depth -= 1
        elif ch == ";" and depth == 0:
            chunks.append(text[start:i])
            start = i + 1
    chunks.append(text[start:])
    return [c.strip() for c in chunks if c.strip()]
