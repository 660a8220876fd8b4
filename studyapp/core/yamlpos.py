"""Safe YAML loading that remembers where every key came from.

Validation errors are reported as ``FILE:LINE:COL`` of the offending key, so
mappings and sequences are loaded as dict/list subclasses that carry the
positions of their keys and items. Only the safe loader is used: no YAML tag
can construct a Python object.
"""

from __future__ import annotations

from typing import Any

import yaml

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

Pos = tuple[int, int]


class PosDict(dict[Any, Any]):
    """A mapping with the 1-based (line, col) of itself and of each key."""

    pos: Pos = (1, 1)
    key_pos: dict[Any, Pos]

    def pos_of(self, key: Any) -> Pos:
        found: Pos = getattr(self, "key_pos", {}).get(key, self.pos)
        return found


class PosList(list[Any]):
    """A sequence with the 1-based (line, col) of itself and of each item."""

    pos: Pos = (1, 1)
    item_pos: list[Pos]

    def pos_of(self, index: int) -> Pos:
        items = getattr(self, "item_pos", [])
        return items[index] if 0 <= index < len(items) else self.pos


class YamlSyntaxError(ValueError):
    def __init__(self, message: str, pos: Pos):
        super().__init__(message)
        self.pos = pos


def _mark(node: yaml.Node) -> Pos:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    duplicates: list[tuple[str, Pos]]


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> PosDict:
    result = PosDict()
    result.pos = _mark(node)
    result.key_pos = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise YamlSyntaxError("a mapping key must be a plain value", _mark(key_node)) from None
        if key in result:
            loader.duplicates.append((f"duplicate key '{key}'", _mark(key_node)))
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_pos[key] = _mark(key_node)
    return result


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> PosList:
    result = PosList(loader.construct_object(child, deep=True) for child in node.value)
    result.pos = _mark(node)
    result.item_pos = [_mark(child) for child in node.value]
    return result


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
_Loader.add_constructor("tag:yaml.org,2002:seq", _construct_sequence)


def load(text: str) -> tuple[Any, list[tuple[str, Pos]]]:
    """Parse one YAML document; return it and the duplicate-key warnings.

    Raises YamlSyntaxError (with a position) when the text is not valid YAML.
    """
    loader = _Loader(text)
    loader.duplicates = []
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        pos = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise YamlSyntaxError(f"invalid YAML: {exc.problem or exc.context}", pos) from None
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(f"invalid YAML: {exc}", (1, 1)) from None
    finally:
        loader.dispose()
    return data, loader.duplicates
