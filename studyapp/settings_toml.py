"""The text of a settings file, edited the way a person would edit it (see ``studyapp.config``):
only the settings that changed are rewritten, each on its own line where the user wrote it, every
other line kept; the edited text is parsed back and, should it not mean the new settings, the file
is written out whole from the merged values. Text in, text out: no file is touched here.
"""

from __future__ import annotations

import re
import tomllib
from datetime import date, datetime, time
from typing import Any

from studyapp.core.settings import Settings

TABLES = ("deck_limits", "memory_model")  # the settings that are tables of their own
HEADER = "# studyapp settings: every key is optional (see the README, \"Settings\").\n"
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_ESCAPES = {i: f"\\u{i:04X}" for i in (*range(0x20), 0x7F)} | {
    0x08: "\\b", 0x09: "\\t", 0x0A: "\\n", 0x0C: "\\f", 0x0D: "\\r", 0x22: '\\"', 0x5C: "\\\\"}


def settings_toml(settings: Settings, old_text: str = "") -> str:
    """The text of a settings file that holds ``settings``, edited from ``old_text``.

    Raises tomllib.TOMLDecodeError when ``old_text`` is not valid TOML.
    """
    old = tomllib.loads(old_text)
    if not old_text.strip():
        old_text = HEADER
    before = Settings.from_dict(old)[0].to_dict()  # what the old file meant, bad values at defaults
    changed = {k: v for k, v in settings.to_dict().items() if v != before[k]}
    text = _edit(old_text, changed)
    if _means(text, settings, old):
        return text
    merged = {**old, **{k: _tidy(k, v) for k, v in changed.items()}}
    return toml_document(merged)


def _means(text: str, settings: Settings, old: dict[str, Any]) -> bool:
    """Whether ``text`` reads back as ``settings`` with the old file's unknown keys intact."""
    try:
        new = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return False
    known = set(Settings().to_dict())
    unknown = {k: v for k, v in new.items() if k not in known}
    return Settings.from_dict(new)[0] == settings and unknown == {k: v for k, v in old.items()
                                                                    if k not in known}


def _tidy(key: str, value: Any) -> Any:
    """Whole minutes are written as integers: ``[1, 10]`` rather than ``[1.0, 10.0]``."""
    if key.endswith("_minutes"):
        return [int(x) if float(x).is_integer() else x for x in value]
    return value


# --- editing the text ----------------------------------------------------------------------------
def _statements(text: str) -> list[str]:
    """The text cut into its smallest runs of whole lines that are valid TOML on their own.

    Each is one key/value (a multi-line array or string included), one table header, or one
    comment or blank line; joined, they give back ``text`` exactly.
    """
    lines = re.findall(r"[^\n]*\n|[^\n]+$", text)
    out, start = [], 0
    while start < len(lines):
        end = start + 1
        while end < len(lines) and not _parses("".join(lines[start:end])):
            end += 1
        out.append("".join(lines[start:end]))
        start = end
    return out


def _parses(text: str) -> bool:
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return False
    return True


def _edit(text: str, changed: dict[str, Any]) -> str:
    statements = _statements(text)
    owner: list[str | None] = []  # the top-level key each statement sets (None: comment or blank)
    table: str | None = None  # the top-level key of the table section we are in
    for statement in statements:
        data = tomllib.loads(statement)
        if statement.lstrip().startswith("["):
            table = next(iter(data))
            owner.append(table)
        else:
            owner.append(table if table is not None or not data else next(iter(data)))
    newline = "\r\n" if "\r\n" in text else "\n"
    if statements and not statements[-1].endswith("\n"):
        statements[-1] += newline
    root_end = next((i for i, s in enumerate(statements) if s.lstrip().startswith("[")), len(statements))
    for key, value in changed.items():
        if key in TABLES:
            continue
        line = f"{key} = {toml_value(_tidy(key, value))}"
        spots = [i for i, o in enumerate(owner) if o == key]
        if spots and spots[0] < root_end:
            statements[spots[0]] = _keep_comment(statements[spots[0]], line) + newline
            spots = spots[1:]
        else:
            at = _insertion_point(statements, owner, root_end)
            added = [line + newline]
            if at < len(statements) and statements[at].strip():  # the first key above a table
                added.append(newline)
            statements[at:at] = added
            owner[at:at] = [key, None][:len(added)]
            root_end += len(added)
            spots = [i + len(added) * (i >= at) for i in spots]
        _drop(statements, spots)  # any other definition (a table of that name); the check catches misses
    for key in (k for k in TABLES if k in changed):
        spots = [i for i, o in enumerate(owner) if o == key]
        headers = [i for i in spots if statements[i].lstrip().startswith("[")]
        _drop(statements, spots)
        if headers and changed[key]:  # written anew where its first header was: comments above it stay
            statements[headers[0]] = toml_document({key: changed[key]}).replace("\n", newline)
            continue
        text = "".join(statements)  # a new table (or one written as dotted keys) goes at the end
        text = text.rstrip("\r\n") + newline if text.strip() else ""  # no blank lines left at the end
        if changed[key]:
            gap = newline if text.strip() else ""
            text += gap + toml_document({key: changed[key]}).replace("\n", newline)
        statements, owner = [text], [None]
    return "".join(statements)


def _drop(statements: list[str], spots: list[int]) -> None:
    """Empty the statements at ``spots``, except comments: they mean nothing and may matter to someone."""
    for i in spots:
        if tomllib.loads(statements[i]):
            statements[i] = ""


def _insertion_point(statements: list[str], owner: list[str | None], root_end: int) -> int:
    """After the last top-level key, else above the first table (and the comments just above it)."""
    keys = [i for i in range(root_end) if owner[i] is not None]
    if keys:
        return keys[-1] + 1
    at = root_end
    while at > 0 and statements[at - 1].lstrip().startswith("#") and root_end < len(statements):
        at -= 1
    return at


def _keep_comment(statement: str, line: str) -> str:
    """``line`` in place of ``statement``, with the statement's trailing comment in the same column."""
    indent = re.match(r"[ \t]*", statement).group()  # type: ignore[union-attr]
    body = statement.rstrip("\r\n")
    meaning = tomllib.loads(statement)
    last_line = body.rfind("\n") + 1
    for at in (m.start() for m in re.finditer("#", body[last_line:])):
        cut = last_line + at
        if _parses(body[:cut]) and tomllib.loads(body[:cut]) == meaning:
            column = at
            comment = body[cut:]
            lead = indent + line
            return (lead.ljust(column) if len(lead) < column else lead + "  ") + comment
    return indent + line


# --- writing TOML --------------------------------------------------------------------------------
def toml_key(key: str) -> str:
    return key if _BARE_KEY.fullmatch(key) else toml_string(key)


def toml_string(text: str) -> str:
    return '"' + text.translate(_ESCAPES) + '"'


def toml_value(value: Any) -> str:
    """One TOML value: tables inside are written inline."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value) if value == value else "nan"  # repr: shortest text that reads back exactly
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{toml_key(k)} = {toml_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")


def toml_document(data: dict[str, Any], path: tuple[str, ...] = ()) -> str:
    """A whole document: plain keys first, then each table as a ``[a.b]`` section."""
    lines = [f"{toml_key(k)} = {toml_value(v)}\n" for k, v in data.items() if not isinstance(v, dict)]
    for key, value in data.items():
        if isinstance(value, dict):
            inner = path + (key,)
            # a table holding only tables needs no header of its own
            if not value or any(not isinstance(v, dict) for v in value.values()):
                lines.append(f"\n[{'.'.join(map(toml_key, inner))}]\n")
            lines.append(toml_document(value, inner))
    return "".join(lines) if path else "".join(lines).lstrip("\n")
