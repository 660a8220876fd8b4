"""A small declarative schema: one description checks decks and emits JSON Schema.

The loader validates YAML with these nodes (collecting every error with the
line and column of the offending key), and ``json_schema`` turns the same
nodes into the JSON Schema shipped for editors. The two cannot drift apart.

A rule the loader checks in code of its own (a cloze's gaps, a choice's correct option) is
stated for editors with ``json_extra``; tests/core/test_schema_vs_validate.py holds the schema
to the loader on a broken deck for every rule. A tagged mapping (a card by its ``type``) becomes
an ``if``/``then`` per tag, so an editor reports the missing or extra key of the type written,
not of whichever variant it tried last.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from studyapp.core.yamlpos import Pos, PosDict, PosList

Errors = list[tuple[Pos, str]]
NOT_BLANK = r"\S"  # searched, not matched whole: some character is not a space
BLANK_MESSAGE = "empty: write the text (not only spaces)"


def whole(pattern: str) -> str:
    """``pattern`` as JSON Schema's ``pattern`` (a search) that matches only the whole string, as
    ``re.fullmatch`` does: Python's ``$`` also matches before a last newline, ECMA's does not."""
    return rf"^(?:{pattern})$(?!\n)"


def _pos_in(container: Any, key: Any, default: Pos) -> Pos:
    return container.pos_of(key) if isinstance(container, PosDict | PosList) else default


def _what(value: Any) -> str:
    """What a YAML value is, for a message: never the value itself, which may be huge."""
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list):
        return f"a list of {len(value)} items"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, date | datetime):
        return "a date"
    return f"a {type(value).__name__}"


@dataclass(frozen=True)
class Node:
    description: str = ""
    # JSON Schema keywords for a rule the loader checks elsewhere, so that editors see it too
    json_extra: dict[str, Any] = field(default_factory=dict)

    def check(self, value: Any, where: str, pos: Pos, errors: Errors) -> None:
        raise NotImplementedError

    def schema(self) -> dict[str, Any]:
        raise NotImplementedError

    def _with_doc(self, out: dict[str, Any]) -> dict[str, Any]:
        if self.description:
            out["description"] = self.description
        return {**out, **self.json_extra}


@dataclass(frozen=True)
class Str(Node):
    pattern: str | None = None
    hint: str = ""

    def check(self, value: Any, where: str, pos: Pos, errors: Errors) -> None:
        if not isinstance(value, str) or not value.strip():
            errors.append((pos, f"{where} must be a non-empty string"))
        elif self.pattern and not re.fullmatch(self.pattern, value):
            errors.append((pos, f"{where} '{value}' is not valid ({self.hint or self.pattern})"))

    def schema(self) -> dict[str, Any]:
        # Every pattern we give needs a character that is not a space, as the loader does.
        out: dict[str, Any] = {"type": "string", "minLength": 1,
                               "pattern": whole(self.pattern) if self.pattern else NOT_BLANK}
        out["patternErrorMessage"] = (  # VS Code's own keyword, in the loader's words
            f"not valid ({self.hint or self.pattern})" if self.pattern else BLANK_MESSAGE)
        return self._with_doc(out)


@dataclass(frozen=True)
class Int(Node):
    minimum: int | None = None
    maximum: int | None = None

    def check(self, value: Any, where: str, pos: Pos, errors: Errors) -> None:
        if not isinstance(value, int) or isinstance(value, bool):
            errors.append((pos, f"{where} must be a whole number"))
        elif (self.minimum is not None and value < self.minimum) or (
            self.maximum is not None and value > self.maximum
        ):
            errors.append((pos, f"{where} must be from {self.minimum} to {self.maximum} (got {value})"))

    def schema(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "integer"}
        if self.minimum is not None:
            out["minimum"] = self.minimum
        if self.maximum is not None:
            out["maximum"] = self.maximum
        return self._with_doc(out)


@dataclass(frozen=True)
class Num(Node):
    minimum: float | None = None

    def check(self, value: Any, where: str, pos: Pos, errors: Errors) -> None:
        if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value):
            errors.append((pos, f"{where} must be a number"))
        elif self.minimum is not None and value < self.minimum:
            errors.append((pos, f"{where} must be at least {self.minimum} (got {value})"))

    def schema(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "number"}
        if self.minimum is not None:
            out["minimum"] = self.minimum
        return self._with_doc(out)


@dataclass(frozen=True)
class Bool(Node):
    def check(self, value: Any, where: str, pos: Pos, errors: Errors) -> None:
        if not isinstance(value, bool):
            errors.append((pos, f"{where} must be true or false"))

    def schema(self) -> dict[str, Any]:
        return self._with_doc({"type": "boolean"})


@dataclass(frozen=True)
class Bilingual(Node):
    """Learner-facing text: a mapping with both ``en`` and ``zh``."""

    # For the JSON Schema only: what each text must contain (searched), when the loader checks
    # more of it in code of its own (a cloze's gaps); said by ``text_hint`` in an editor.
    text_pattern: str = ""
    text_hint: str = ""

    def check(self, value: Any, where: str, pos: Pos, errors: Errors) -> None:
        if not isinstance(value, dict):
            errors.append((pos, f"{where} must be a mapping with 'en' and 'zh' texts"))
            return
        for lang in ("en", "zh"):
            text = value.get(lang)
            if text is not None and not isinstance(text, str):
                # a YAML alias too: `en: *big` stands for the whole (perhaps huge) value it names
                errors.append((_pos_in(value, lang, pos), f"{where}.{lang} is not a text but "
                               f"{_what(text)}; write the text itself, in quotes if need be"))
            elif text is None or not text.strip():
                what = "empty" if lang in value else "missing"
                errors.append((_pos_in(value, lang, pos), f"{where}.{lang} is {what} "
                               "(every text needs both English 'en' and Chinese 'zh')"))
        for key in value:
            if key not in ("en", "zh"):
                errors.append((_pos_in(value, key, pos), f"{where}: unknown language '{key}' "
                               "(expected en and zh)"))

    def schema(self) -> dict[str, Any]:
        text = {"type": "string", "minLength": 1, "pattern": self.text_pattern or NOT_BLANK,
                "patternErrorMessage": self.text_hint or BLANK_MESSAGE}  # VS Code's own keyword
        return self._with_doc({"type": "object", "properties": {"en": text, "zh": text},
                               "required": ["en", "zh"], "additionalProperties": False})


@dataclass(frozen=True)
class ListOf(Node):
    item: Node = field(default_factory=Node)
    min_items: int = 0

    def check(self, value: Any, where: str, pos: Pos, errors: Errors) -> None:
        if not isinstance(value, list):
            errors.append((pos, f"{where} must be a list"))
            return
        if len(value) < self.min_items:
            errors.append((pos, f"{where} needs at least {self.min_items} item(s)"))
        for index, item in enumerate(value):
            self.item.check(item, f"{where}[{index}]", _pos_in(value, index, pos), errors)

    def schema(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "array", "items": self.item.schema()}
        if self.min_items:
            out["minItems"] = self.min_items
        return self._with_doc(out)


@dataclass(frozen=True)
class Obj(Node):
    fields: dict[str, tuple[Node, bool]] = field(default_factory=dict)  # name -> (node, required)
    open: bool = False  # accept keys not listed (checked elsewhere)

    def check(self, value: Any, where: str, pos: Pos, errors: Errors) -> None:
        if not isinstance(value, dict):
            errors.append((pos, f"{where} must be a mapping"))
            return
        for name, (node, required) in self.fields.items():
            if name in value:
                node.check(value[name], f"{where}.{name}" if where else name,
                           _pos_in(value, name, pos), errors)
            elif required:
                errors.append((pos, f"{where or 'deck'}: missing required key '{name}'"))
        if not self.open:
            for key in value:
                if key not in self.fields:
                    errors.append((_pos_in(value, key, pos), f"{where or 'deck'}: unknown key "
                                   f"'{key}' (expected one of: {', '.join(self.fields)})"))

    def schema(self) -> dict[str, Any]:
        return self._with_doc({
            "type": "object",
            "properties": {name: node.schema() for name, (node, _) in self.fields.items()},
            "required": [name for name, (_, req) in self.fields.items() if req],
            "additionalProperties": self.open,
        })


@dataclass(frozen=True)
class Tagged(Node):
    """A mapping whose ``key`` (e.g. ``type``) picks which Obj describes it; ``noun`` names what
    it is ("card"), for the title an editor shows beside each of its messages ("basic card")."""

    key: str = "type"
    variants: dict[str, Obj] = field(default_factory=dict)
    noun: str = "mapping"

    def check(self, value: Any, where: str, pos: Pos, errors: Errors) -> None:
        if not isinstance(value, dict):
            errors.append((pos, f"{where} must be a mapping"))
            return
        tag = value.get(self.key)
        if tag not in self.variants:
            errors.append((_pos_in(value, self.key, pos), f"{where}.{self.key} must be one of "
                           f"{', '.join(self.variants)} (got {tag!r})"))
            # Still check the fields every variant shares, so one slip does not hide others.
            for name, node in self._shared().items():
                if name in value:
                    node.check(value[name], f"{where}.{name}", _pos_in(value, name, pos), errors)
            return
        self.variants[tag].check(value, where, pos, errors)

    def schema(self) -> dict[str, Any]:
        # One if/then per tag, not a oneOf: a validator then reports what the variant written
        # lacks or has too many, where a oneOf reports every variant's faults (or none).
        tags = list(self.variants)
        picked = [{"if": {"properties": {self.key: {"const": tag}}, "required": [self.key]},
                   "then": {"title": f"{tag} {self.noun}", **variant.schema()}}
                  for tag, variant in self.variants.items()]
        unknown = {"if": {"properties": {self.key: {"enum": tags}}, "required": [self.key]},
                   "else": {"properties": {name: node.schema()
                                           for name, node in self._shared().items()}}}
        return self._with_doc({"type": "object", "required": [self.key],
                               "properties": {self.key: {"enum": tags}},
                               "allOf": [*picked, unknown]})

    def _shared(self) -> dict[str, Node]:
        """The fields every variant has (but the tag), as the first variant describes them."""
        shared = set.intersection(*(set(v.fields) for v in self.variants.values())) - {self.key}
        first = next(iter(self.variants.values()))
        return {name: first.fields[name][0] for name in sorted(shared)}


@dataclass(frozen=True)
class Const(Node):
    value: str = ""

    def check(self, value: Any, where: str, pos: Pos, errors: Errors) -> None:
        if value != self.value:
            errors.append((pos, f"{where} must be '{self.value}'"))

    def schema(self) -> dict[str, Any]:
        return self._with_doc({"const": self.value})


@dataclass(frozen=True)
class Raw(Node):
    """A value checked by other code; its JSON Schema is given as is."""

    json: dict[str, Any] = field(default_factory=dict)

    def check(self, value: Any, where: str, pos: Pos, errors: Errors) -> None:
        return None

    def schema(self) -> dict[str, Any]:
        return self._with_doc(dict(self.json))
