"""A cache of the loaded content, so that a start-up does not parse and check every deck again.

Parsing the bundled YAML decks and checking them takes about 150 ms, most of a start-up's own
work; the cached library reads back in a few milliseconds. The cache is invisible:

- its key is every deck file's path, size and modification time (nanoseconds), the deck size
  limit, and the modification times of the code that loads and checks decks, so an edited deck
  (or an upgraded studyapp) is parsed again on the next start, never served stale;
- it is plain JSON data (tagged dataclasses), never code: reading it cannot run anything;
- a missing, unreadable, corrupt or foreign cache file is ignored and rebuilt, never an error;
  a cache that cannot be written (read-only home, full disk) is simply not written.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson

from studyapp.core.bilingual import Text
from studyapp.core.content import Card, ContentError, Deck, Option, ProblemTemplate
from studyapp.core.content_files import write_cache

_TYPES: dict[str, Any] = {t.__name__: t for t in (Card, ContentError, Deck, Option, ProblemTemplate)}


def _encode(value: Any) -> Any:
    if isinstance(value, Text):
        return {"$": "Text", "en": value.en, "zh": value.zh}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out: dict[str, Any] = {"$": type(value).__name__}
        for f in dataclasses.fields(value):
            out[f.name] = _encode(getattr(value, f.name))
        return out
    if isinstance(value, tuple):
        return {"$": "tuple", "items": [_encode(v) for v in value]}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        return {"$": "dict", "items": [[_encode(k), _encode(v)] for k, v in value.items()]}
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if not isinstance(value, dict):
        return value
    tag = value["$"]
    if tag == "Text":
        return Text(value["en"], value["zh"])
    if tag == "tuple":
        return tuple(_decode(v) for v in value["items"])
    if tag == "dict":
        return {_decode(k): _decode(v) for k, v in value["items"]}
    return _TYPES[tag](**{k: _decode(v) for k, v in value.items() if k != "$"})


def cached(path: Path | None, key: str, load: Callable[[], tuple[list[Deck], list[ContentError]]]
           ) -> tuple[list[Deck], list[ContentError]]:
    """``load()``'s decks and errors, read from the cache file at ``path`` when it holds ``key``;
    otherwise loaded and written there for the next time. ``path`` None: no cache."""
    if path is not None:
        try:
            data = orjson.loads(path.read_bytes())
            if isinstance(data, dict) and data.get("key") == key:
                return _decode(data["decks"]), _decode(data["errors"])
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            pass  # missing, corrupt or from another version: loaded again below
    decks, errors = load()
    if path is not None:
        write_cache(path, orjson.dumps({"key": key, "decks": _encode(decks), "errors": _encode(errors)}))
    return decks, errors
