"""The content model: decks of concept cards and problem templates, loaded from YAML.

``DECK`` describes a deck file once; it both validates the YAML (every error
with its line and column) and generates the JSON Schema shipped for editors.
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from studyapp.core.bilingual import Text
from studyapp.core.content_files import MAX_DECK_BYTES
from studyapp.core.kinds import KINDS
from studyapp.core.kinds.base import Kind
from studyapp.core.schema import (
    Bilingual,
    Bool,
    Const,
    Errors,
    Int,
    ListOf,
    Obj,
    Raw,
    Str,
    Tagged,
)
from studyapp.core.yamlpos import Pos, PosDict, YamlSyntaxError, load

ID_PATTERN = r"[a-z0-9][a-z0-9_.-]*"
ID = Str(pattern=ID_PATTERN, hint="lower-case letters, digits, '.', '_' and '-'",
         description="Stable id; progress is keyed on it, so never change it (use aliases)")
IDS = ListOf(item=ID)
GAP = re.compile(r"\{\{(.*?)\}\}")
# Every problem template gives at least this many distinct answers in this many draws, or says
# why it cannot in `few_answers` (tests/core/test_problem_sweep.py holds it to that).
VARIETY_FLOOR, VARIETY_DRAWS = 200, 2_000

COMMON = {
    "id": (ID, True),
    "explanation": (Bilingual(description="Why the answer is right"), False),
    "source": (Str(description="The seed file the card comes from, by file name"), False),
    "tags": (ListOf(item=Str()), False),
    "related": (ListOf(item=ID, description="Ids of related cards and problem templates"), False),
    "aliases": (ListOf(item=ID, description="Former ids whose history moves to this one"), False),
}
OPTION = Obj(fields={"text": (Bilingual(), True), "correct": (Bool(), False)})
# What the loader's own checks of a cloze and a choice (in _check_deck) say, for editors too.
CLOZE_TEXT = Bilingual(description="Sentence with gaps {{answer|alternative}}; both languages "
                                   "need the same gaps", text_pattern=GAP.pattern,
                       text_hint="a cloze needs at least one {{gap}}")
ONE_CORRECT = {"allOf": [{  # its own subschema: VS Code's errorMessage is for this rule alone
    "contains": {"type": "object", "properties": {"correct": {"const": True}},
                 "required": ["correct"]},
    "errorMessage": "mark at least one option correct: true"}]}
CARD = Tagged(key="type", noun="card", variants={
    "basic": Obj(fields={"type": (Const(value="basic"), True), **COMMON,
                         "front": (Bilingual(), True), "back": (Bilingual(), True)},
                 description="A question on the front, its answer on the back"),
    "cloze": Obj(fields={"type": (Const(value="cloze"), True), **COMMON,
                         "text": (CLOZE_TEXT, True)},
                 description="A sentence whose gaps the learner fills in"),
    "choice": Obj(fields={"type": (Const(value="choice"), True), **COMMON,
                          "question": (Bilingual(), True),
                          "options": (ListOf(item=OPTION, min_items=2, json_extra=ONE_CORRECT,
                                              description="At least two options, at least one "
                                                          "with correct: true"), True)},
                  description="A question and options, one or more of them correct"),
})
TOLERANCE_JSON = {"oneOf": [
    {"type": "number", "exclusiveMinimum": 0},
    {"type": "object", "properties": {"abs": {"type": "number", "minimum": 0},
                                      "rel": {"type": "number", "minimum": 0}},
     "additionalProperties": False, "minProperties": 1},
]}


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


@dataclass(frozen=True, kw_only=True)
class ToleranceField(Raw):
    """``tolerance``: a positive number (absolute), or ``{abs, rel}`` with at least one of them,
    each a number 0 or more; the loader reads it as numbers, so anything else is reported here."""

    def check(self, value: Any, where: str, pos: Pos, errors: Errors) -> None:
        if _number(value):
            if value <= 0:
                errors.append((pos, f"{where} must be above 0 (got {value})"))
            return
        if not isinstance(value, dict):
            errors.append((pos, f"{where} must be a number above 0 or a mapping with abs and/or rel "
                                f"(got {value!r})"))
            return
        wrong = [k for k in value if k not in ("abs", "rel")]
        if wrong or not value:
            got = ", ".join(map(str, wrong)) or "neither"
            errors.append((pos, f"{where} takes abs and/or rel (got {got})"))
        for key in ("abs", "rel"):
            if key in value and not (_number(value[key]) and value[key] >= 0):
                errors.append((pos, f"{where}.{key} must be a number 0 or more (got {value[key]!r})"))


FEW_ANSWERS = Str(
    pattern=r"\s*\S+(?:\s+\S+){3,}\s*", hint="say in words why (at least four words)",
    description=f"Why this template cannot give {VARIETY_FLOOR} distinct answers in "
                f"{VARIETY_DRAWS:,} draws (a truth table has few answers by nature; then its "
                "questions vary). Without it, the variety test holds the template to that floor")
TEMPLATE = Obj(fields={
    "id": (ID, True),
    "kind": (Str(description="A solver kind; see `studyapp kinds`"), True),
    "title": (Bilingual(), False),
    "difficulty": (Int(minimum=1, maximum=3), True),
    "params": (Raw(json={"type": ["object", "null"]},
                   description="Generator knobs: a fixed value, a list to choose from, "
                               "or a range {min, max, step}"), False),
    "decimals": (Int(minimum=0, maximum=9, description="Decimals the prompt asks for"), False),
    "tolerance": (ToleranceField(json=TOLERANCE_JSON, description="Absolute tolerance, or {abs, rel}"),
                  False),
    "few_answers": (FEW_ANSWERS, False),
    "related": COMMON["related"], "tags": COMMON["tags"], "source": COMMON["source"],
    "aliases": COMMON["aliases"],
})
DECK = Obj(fields={
    "id": (ID, True),
    "title": (Bilingual(), True),
    "description": (Bilingual(), False),
    "cards": (ListOf(item=CARD), False),
    "problems": (ListOf(item=TEMPLATE), False),
})


@dataclass(frozen=True)
class ContentError:
    file: str
    line: int
    col: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}: {self.message}"


@dataclass(frozen=True, kw_only=True)
class Option:
    text: Text
    correct: bool


@dataclass(frozen=True, kw_only=True)
class Card:
    id: str
    deck: str
    type: str  # basic | cloze | choice
    front: Text | None = None  # basic
    back: Text | None = None  # basic
    text: Text | None = None  # cloze, with {{gaps}}
    question: Text | None = None  # choice
    options: tuple[Option, ...] = ()  # choice
    explanation: Text | None = None
    source: str | None = None
    tags: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()

    def gaps(self, lang: str) -> list[list[str]]:
        """Accepted answers of each cloze gap: ``{{0|zero}}`` → ``["0", "zero"]``."""
        assert self.text is not None
        return [[alt.strip() for alt in g.split("|")] for g in GAP.findall(self.text.get(lang))]

    def masked(self, lang: str) -> str:
        assert self.text is not None
        count = iter(range(1, 1000))
        return GAP.sub(lambda _: f"[…{next(count)}]", self.text.get(lang))

    def prompt_line(self, lang: str) -> str:
        """What the card asks, on one line with single spaces: a front, a question, or a cloze text
        with each gap's first answer in place (as a list of cards to go over shows it)."""
        asked = self.front or self.question
        if asked is not None:
            line = asked.get(lang)
        elif self.text is not None:
            line = "".join(piece for piece, _ in self.filled(lang))
        else:
            return self.id
        return " ".join(line.split())

    def filled(self, lang: str) -> list[tuple[str, bool]]:
        """The cloze text with each gap's first answer in place, as (text, is_gap) pieces, so
        that a face can show the card filled in with the answers highlighted."""
        assert self.text is not None
        pieces: list[tuple[str, bool]] = []
        for i, piece in enumerate(GAP.split(self.text.get(lang))):
            if i % 2:
                pieces.append((piece.split("|")[0].strip(), True))
            elif piece:
                pieces.append((piece, False))
        return pieces


@dataclass(frozen=True, kw_only=True)
class ProblemTemplate:
    id: str
    deck: str
    kind: str
    difficulty: int
    knobs: dict[str, Any]
    title: Text | None = None
    decimals: int | None = None
    tolerance: tuple[float, float] | None = None  # (abs, rel)
    few_answers: str | None = None  # why it gives fewer than VARIETY_FLOOR distinct answers
    related: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    source: str | None = None
    aliases: tuple[str, ...] = ()
    pos: tuple[int, int] = field(default=(1, 1), compare=False)  # where the id is written


@dataclass(frozen=True, kw_only=True)
class Deck:
    id: str
    title: Text
    file: str
    description: Text | None = None
    cards: tuple[Card, ...] = ()
    problems: tuple[ProblemTemplate, ...] = ()


def _text(value: Any) -> Text | None:
    return Text.from_dict(value) if isinstance(value, dict) else None


def _tuple(value: Any) -> tuple[str, ...]:
    return tuple(value or ())


# --- knobs --------------------------------------------------------------------------------
def _knob_value_ok(knob_type: str, choices: tuple[str, ...], v: Any) -> bool:
    if knob_type == "bool":
        return isinstance(v, bool)
    if knob_type == "choice":
        return v in choices
    if isinstance(v, bool) or not isinstance(v, int | float):
        return False
    return knob_type == "number" or float(v).is_integer()


def check_knobs(kind: Kind, params: Any, where: str, pos: Pos, errors: Errors) -> None:
    if params is None:
        return
    if not isinstance(params, dict):
        errors.append((pos, f"{where}.params must be a mapping of generator knobs"))
        return
    for name, spec in params.items():
        kpos = params.pos_of(name) if isinstance(params, PosDict) else pos
        knob = kind.knob_index.get(name)
        if knob is None:
            errors.append((kpos, f"{where}.params: unknown knob '{name}' for kind '{kind.name}' "
                           f"(expected one of: {', '.join(kind.knob_index)})"))
            continue
        what = f"{where}.params.{name}"
        if isinstance(spec, dict):
            if knob.type not in ("int", "number") or set(spec) - {"min", "max", "step"} or not (
                {"min", "max"} <= set(spec)
            ):
                errors.append((kpos, f"{what} must be a value, a list, or {{min, max, step}}"))
                continue
            if not all(_knob_value_ok(knob.type, (), spec[k]) for k in spec):
                errors.append((kpos, f"{what}: min, max and step must be {knob.type}s"))
            elif spec["min"] > spec["max"]:
                errors.append((kpos, f"{what}: min {spec['min']} is above max {spec['max']}"))
            elif spec.get("step", 1) <= 0:
                errors.append((kpos, f"{what}: step must be positive"))
            continue
        values = spec if isinstance(spec, list) else [spec]
        if not values:
            errors.append((kpos, f"{what} is an empty list"))
        for v in values:
            if not _knob_value_ok(knob.type, knob.choices, v):
                expected = {"choice": ", ".join(knob.choices), "bool": "true or false",
                            "int": "a whole number", "number": "a number"}[knob.type]
                errors.append((kpos, f"{what}: {v!r} is not valid (expected {expected})"))


def knob_schema(kind: Kind) -> dict[str, Any]:
    props: dict[str, Any] = {}
    for knob in kind.knobs:
        if knob.type == "choice":
            one: dict[str, Any] = {"enum": list(knob.choices)}
        elif knob.type == "bool":
            one = {"type": "boolean"}
        else:
            one = {"type": "integer" if knob.type == "int" else "number"}
        alts: list[dict[str, Any]] = [one, {"type": "array", "items": one, "minItems": 1}]
        if knob.type in ("int", "number"):
            alts.append({"type": "object", "required": ["min", "max"], "additionalProperties": False,
                         "properties": {"min": one, "max": one,
                                        "step": {**one, "exclusiveMinimum": 0}}})
        props[knob.name] = {"description": knob.doc, "anyOf": alts}
    return {"type": ["object", "null"], "properties": props, "additionalProperties": False}


# What `validate` checks that no JSON Schema can, said in the schema's description.
NOT_IN_SCHEMA = (
    "Checked here: every key, type, id pattern and required text (both en and zh) that "
    "`studyapp validate` checks in one deck. Only `studyapp validate` checks the rest: ids unique "
    "across every deck and `related` pointing at ids that exist, a cloze's gaps the same "
    "in en and zh and none empty, a knob range's min not above its max, a whole number written "
    "as 1.0, duplicate keys, and that every problem template generates and solves.")


def json_schema() -> dict[str, Any]:
    """The JSON Schema of a deck file, generated from ``DECK`` and the kind registry."""
    schema = DECK.schema()
    template = schema["properties"]["problems"]["items"]
    template["properties"]["kind"] = {"enum": list(KINDS), "description": "A solver kind; see "
                                      "`studyapp kinds`"}
    template["allOf"] = [
        {"if": {"properties": {"kind": {"const": name}}, "required": ["kind"]},
         "then": {"title": f"{name} problem", "properties": {"params": knob_schema(kind)}}}
        for name, kind in KINDS.items()
    ]
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": "https://studyapp.invalid/deck.schema.json",
            "title": "studyapp deck", **schema, "description": NOT_IN_SCHEMA}


# --- loading ------------------------------------------------------------------------------
def _items(data: dict[str, Any], key: str) -> list[Any]:
    value = data.get(key)
    return value if isinstance(value, list) else []


def _check_deck(data: Any, errors: Errors) -> None:
    DECK.check(data, "", (1, 1), errors)
    if not isinstance(data, dict):
        return
    for index, card in enumerate(_items(data, "cards")):
        if not isinstance(card, PosDict) or card.get("type") != "cloze":
            continue
        text = card.get("text")
        if not isinstance(text, PosDict) or not all(isinstance(text.get(x), str) for x in ("en", "zh")):
            continue
        counts = {lang: len(GAP.findall(text[lang])) for lang in ("en", "zh")}
        where = f"cards[{index}]"
        if counts["en"] == 0:
            errors.append((card.pos_of("text"), f"{where}: a cloze needs at least one {{{{gap}}}}"))
        elif counts["en"] != counts["zh"]:
            errors.append((card.pos_of("text"), f"{where}: en has {counts['en']} gap(s) but zh "
                           f"has {counts['zh']}; both languages need the same gaps"))
        for lang in ("en", "zh"):
            if any(not alt.strip() for g in GAP.findall(text[lang]) for alt in g.split("|")):
                errors.append((text.pos_of(lang), f"{where}.text.{lang}: a gap has an empty answer"))
    for index, card in enumerate(_items(data, "cards")):
        if isinstance(card, PosDict) and card.get("type") == "choice":
            opts = card.get("options")
            if isinstance(opts, list) and not any(isinstance(o, dict) and o.get("correct") is True
                                                  for o in opts):
                errors.append((card.pos_of("options"),
                               f"cards[{index}].options: mark at least one option correct: true"))
    for index, tpl in enumerate(_items(data, "problems")):
        if not isinstance(tpl, PosDict) or not isinstance(tpl.get("kind"), str):
            continue
        kind = KINDS.get(tpl["kind"])
        where = f"problems[{index}]"
        if kind is None:
            errors.append((tpl.pos_of("kind"), f"{where}.kind: unknown kind '{tpl['kind']}' "
                           f"(known: {', '.join(KINDS)})"))
        else:
            check_knobs(kind, tpl.get("params"), where, tpl.pos_of("params"), errors)


def _build_deck(data: dict[str, Any], file: str) -> Deck:
    deck_id = data["id"]
    cards = []
    for c in data.get("cards") or []:
        cards.append(Card(
            id=c["id"], deck=deck_id, type=c["type"], front=_text(c.get("front")),
            back=_text(c.get("back")), text=_text(c.get("text")), question=_text(c.get("question")),
            options=tuple(Option(text=Text.from_dict(o["text"]), correct=bool(o.get("correct")))
                          for o in c.get("options") or ()),
            explanation=_text(c.get("explanation")), source=c.get("source"),
            tags=_tuple(c.get("tags")), related=_tuple(c.get("related")),
            aliases=_tuple(c.get("aliases")),
        ))
    problems = []
    for t in data.get("problems") or []:
        tol = t.get("tolerance")
        if isinstance(tol, int | float):
            tol = (float(tol), 0.0)
        elif isinstance(tol, dict):
            tol = (float(tol.get("abs", 0.0)), float(tol.get("rel", 0.0)))
        problems.append(ProblemTemplate(
            id=t["id"], deck=deck_id, kind=t["kind"], difficulty=t["difficulty"],
            knobs=dict(t.get("params") or {}), title=_text(t.get("title")),
            decimals=t.get("decimals"), tolerance=tol, few_answers=t.get("few_answers"),
            related=_tuple(t.get("related")),
            tags=_tuple(t.get("tags")), source=t.get("source"), aliases=_tuple(t.get("aliases")),
            pos=t.pos_of("id"),
        ))
    return Deck(id=deck_id, title=Text.from_dict(data["title"]), file=file,
                description=_text(data.get("description")), cards=tuple(cards),
                problems=tuple(problems))


def load_deck(path: Path, max_bytes: float = MAX_DECK_BYTES,
              limit_hint: str = "") -> tuple[Deck | None, list[ContentError], Any]:
    """One deck file: the deck (None when it has errors), its errors, and the raw data.

    A file over ``max_bytes`` is refused before it is parsed (``limit_hint`` says how to raise
    the limit); bytes that are not UTF-8 are reported at their line and column.
    """
    file = str(path)
    try:
        data_bytes, size = _read_at_most(path, max_bytes)
    except OSError as exc:
        return None, [ContentError(file, 1, 1, f"cannot read the file: {exc.strerror or exc}")], None
    if size > max_bytes:
        mb = math.ceil(size / 10_000) / 100  # rounded up: never shown equal to the limit
        hint = f"; split it, or {limit_hint}" if limit_hint else "; split it"
        return None, [ContentError(file, 1, 1, f"the file is {mb:g} MB, over the limit of "
                                   f"{max_bytes / 1e6:g} MB for a deck{hint}")], None
    try:
        text = data_bytes.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, [_not_utf8(file, data_bytes, exc)], None
    try:
        data, duplicates = load(text)
    except YamlSyntaxError as exc:
        return None, [ContentError(file, exc.pos[0], exc.pos[1], str(exc))], None
    found: Errors = [(pos, msg) for msg, pos in duplicates]
    _check_deck(data, found)
    errors = [ContentError(file, line, col, msg) for (line, col), msg in sorted(found)]
    if errors:
        return None, errors, data
    return _build_deck(data, file), [], data


def _read_at_most(path: Path, max_bytes: float) -> tuple[bytes, int]:
    """The file's bytes and its size; past ``max_bytes`` only the size is right (a file that grows
    meanwhile, or one with no end such as a device, is never read whole)."""
    with path.open("rb") as handle:
        if math.isinf(max_bytes):
            data = handle.read()
            return data, len(data)
        data = handle.read(int(max_bytes) + 1)
        if len(data) <= max_bytes:
            return data, len(data)
        stat = os.fstat(handle.fileno())
        return b"", max(stat.st_size, len(data))


def _not_utf8(file: str, data: bytes, exc: UnicodeDecodeError) -> ContentError:
    """Where the first byte that is not UTF-8 is, as a line and a column counted in characters
    (as YAML's own errors are), not as a byte offset."""
    start = data.rfind(b"\n", 0, exc.start) + 1
    line = data.count(b"\n", 0, exc.start) + 1
    col = len(data[start:exc.start].decode("utf-8", errors="replace")) + 1
    return ContentError(file, line, col, f"not UTF-8 text at byte 0x{data[exc.start]:02x} ({exc.reason}); "
                        "save the file as UTF-8")
