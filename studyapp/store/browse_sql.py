"""A parsed search line (``core.search``) as a SQL condition over the browser's index tables
(``browse_index``), and a sort column as its ORDER BY. Pure: text and parameters, no connection.

The meaning is the core's, exactly: every term is written so that it is 0 or 1 for every row
(never NULL), and the numbers are computed as Python computes them (times in whole microseconds,
Python's rounding of half intervals to even, its floor of negative days). Where SQL cannot say
it alone, a wildcard (``*`` matches within one line of the text, a whole value matches case-
folded), GLOB narrows the rows and a Python function of the connection (``studyapp_search``,
``studyapp_fullmatch``: ``browse_index`` registers them) decides. The tables, by alias: ``b``
the items in content order (``b.n``), ``s`` their stored schedules, ``x`` their search text
(joined only when a condition ``needs`` "text"), ``ti`` their sort titles (only when sorting by
them), ``browse_tags`` their tags.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from studyapp.core.scheduler import MATURE_DAYS
from studyapp.core.search import AllOf, AnyOf, Everything, Node, Not
from studyapp.core.search_terms import Field as FieldTerm
from studyapp.core.search_terms import FreeText, Is, Pattern, Prop, Rated, Tag, Term

DAY_US = 86_400_000_000
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# The interval in days of a row of browse_state, as ``ItemState.interval_days``.
IVL = "(CASE WHEN due IS NULL OR last_review IS NULL THEN 0.0 ELSE (due - last_review) / 86400000.0 END)"


def floor(x: str) -> str:
    """SQL for ``math.floor`` of the REAL ``x`` (CAST truncates toward zero)."""
    return f"(CAST({x} AS INTEGER) - ({x} < CAST({x} AS INTEGER)))"


def round_half_even(x: str) -> str:
    f = floor(x)
    return (f"(CASE WHEN {x} - {f} > 0.5 THEN {f} + 1 WHEN {x} - {f} < 0.5 THEN {f} "
            f"ELSE {f} + ({f} & 1) END)")


# Computed once per row when the schedules are read (``browse_index``), as columns of ``s``:
# ``prop:ivl``'s interval (Python's ``round``: half to even), and the state column's order
# (``browse_rows.STATE_ORDER``: new, learning, relearning, young, mature, as ``ItemState.label``).
IVL_ROUND = round_half_even(IVL)
STATE_RANK = (f"(CASE WHEN is_new THEN 0 WHEN state = 2 THEN (CASE WHEN {IVL} >= {MATURE_DAYS} "
              "THEN 4 ELSE 3 END) WHEN state = 3 THEN 2 ELSE 1 END)")
# Sort column -> its keys, as ``browse_rows.SORT_KEYS`` compares them (None last, then the value).
SORT_SQL: dict[str, tuple[str, ...]] = {
    "deck": ("(CASE WHEN b.deck_key != '' THEN b.deck_key ELSE s.deck_cf END)", "s.deck"),
    "kind": ("b.type",),
    "text": ("ti.title_key",),
    "state": ("s.rank",),
    "due": ("(s.due IS NULL)", "COALESCE(s.due, 0)"),
    "stab": ("(s.stability IS NULL)", "COALESCE(s.stability, 0.0)"),
    "diff": ("(s.difficulty IS NULL)", "COALESCE(s.difficulty, 0.0)"),
    "lapses": ("s.lapses",),
    "last": ("(s.last_rating IS NULL)", "COALESCE(s.last_rating, 0)"),
}
SORT_NEEDS = {"text": "title", "last": "last"}  # sort columns that need more than items and schedules


def micros(t: datetime) -> int:
    """Whole microseconds since the epoch: Python compares datetimes to the microsecond."""
    return (t - EPOCH) // timedelta(microseconds=1)


def _utf8(text: str) -> bool:
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True


def glob_escape(text: str) -> str:
    return "".join({"[": "[[]", "*": "[*]", "?": "[?]"}.get(c, c) for c in text)


_STATE_COLUMN = re.compile(r"\bs\.")  # a column of the schedules, ``s`` (``browse_tables``)
_NOT_TEXT = re.compile(r"\b[bst]\.")  # a column of the items, schedules or tags


class Condition:
    """The SQL of one parsed line at one moment: ``sql`` with ``args``, numbered parameters (``?1``,
    ``?2``, …: one may be used more than once); ``needs`` says which lazily built parts of the
    index it reads ("text"; "state": the stored schedules, ``s``, read again at each opening);
    ``text_only``: whether it reads the search text and nothing else (words only)."""

    def __init__(self, node: Node, now: datetime, day_end: datetime):
        self.now, self.day_end, self.day_start = micros(now), micros(day_end), micros(day_end) - DAY_US
        self.args: list[object] = []
        self.needs: set[str] = set()
        self.sql = self.node(node)
        if _STATE_COLUMN.search(self.sql):  # (the values are parameters: only our SQL is searched)
            self.needs.add("state")
        self.text_only = "text" in self.needs and not _NOT_TEXT.search(self.sql)

    def arg(self, value: object) -> str:
        """A parameter: its placeholder (more may be added after the condition, see ``Query``)."""
        self.args.append(value)
        return f"?{len(self.args)}"

    def node(self, node: Node) -> str:
        if isinstance(node, Everything):
            return "1"
        if isinstance(node, AllOf):
            return "(" + " AND ".join(self.node(p) for p in node.parts) + ")"
        if isinstance(node, AnyOf):
            return "(" + " OR ".join(self.node(p) for p in node.parts) + ")"
        if isinstance(node, Not):
            return f"(NOT COALESCE({self.node(node.part)}, 0))"
        return self.term(node)

    def term(self, term: Term) -> str:
        if isinstance(term, FreeText):
            self.needs.add("text")
            return self.match("x.text", term.pattern)
        if isinstance(term, FieldTerm):
            if term.name == "kind":
                return f"({self.match('b.type_cf', term.pattern)} OR {self.match('s.kind_cf', term.pattern)})"
            return self.match("s.deck_cf" if term.name == "deck" else "b.id_cf", term.pattern)
        if isinstance(term, Tag):
            if term.pattern is None:
                return "(b.ntags = 0)"
            return f"(b.n IN (SELECT t.n FROM browse_tags t WHERE {self.match('t.tag', term.pattern)}))"
        if isinstance(term, Is):
            return self.is_(term.value)
        if isinstance(term, Prop):
            return self.prop(term)
        assert isinstance(term, Rated)
        since = self.day_start - (term.days - 1) * DAY_US
        return f"(s.last_at IS NOT NULL AND s.last_at * 1000 >= {self.arg(since)})"

    def match(self, column: str, pattern: Pattern) -> str:
        """``column`` (already case-folded) against ``pattern``, as ``Pattern.__call__`` decides.
        GLOB (faster than instr) reads its pattern as a C string: one with a NUL in it is left to
        instr and Python. A piece that is not UTF-8 (a lone surrogate) is in nothing stored."""
        if not all(p.isascii() or _utf8(p) for p in pattern.parts):
            return "(0)"
        nul = any("\0" in p for p in pattern.parts)
        parts = [glob_escape(p) for p in pattern.parts]
        if len(parts) == 1 and pattern.whole:
            return f"({column} = {self.arg(pattern.parts[0])})"
        if len(parts) == 1:
            if nul:
                return f"(instr({column}, {self.arg(pattern.parts[0])}) > 0)"
            return f"({column} GLOB {self.arg('*' + parts[0] + '*')})"
        glob = "*".join(parts) if pattern.whole else "*" + "*".join(parts) + "*"
        function = "studyapp_fullmatch" if pattern.whole else "studyapp_search"
        check = f"{function}({self.arg(pattern.regex.pattern)}, {column})"
        return f"({check})" if nul else f"({column} GLOB {self.arg(glob)} AND {check})"

    def buried(self) -> str:
        return f"(s.buried_until IS NOT NULL AND {self.arg(self.now)} < s.buried_until * 1000)"

    def is_(self, value: str) -> str:
        if value == "new":
            return "(s.is_new)"
        if value == "learn":
            return "(NOT s.is_new AND s.state IN (1, 3))"
        if value == "review":
            return "(NOT s.is_new AND s.state IN (2, 3))"
        if value == "due":
            return (f"(NOT s.is_new AND NOT s.suspended AND s.due IS NOT NULL AND s.due * 1000 < "
                    f"{self.arg(self.day_end)} AND NOT {self.buried()})")
        if value in ("suspended", "leech"):
            return f"(s.{value})"
        return self.buried()

    def prop(self, prop: Prop) -> str:
        if prop.name == "lapses":
            value, known = "s.lapses", "1"
        elif prop.name == "ivl":
            value, known = "s.ivl", "NOT s.is_new"
        elif prop.name == "due":
            value = floor(f"((s.due * 1000 - {self.arg(self.day_start)}) / {DAY_US}.0)")
            known = "NOT s.is_new AND s.due IS NOT NULL"
        elif prop.name == "s":
            value, known = "s.stability", "NOT s.is_new AND s.stability IS NOT NULL"
        else:
            value, known = "((s.difficulty - 1) / 9.0)", "NOT s.is_new AND s.difficulty IS NOT NULL"
        return f"({known} AND {value} {prop.op} {self.arg(prop.limit)})"


def order_by(sort_col: str | None, descending: bool, n: str = "b.n") -> str:
    """ORDER BY of the browser's order: content order (``n``: the content position of the table
    the rows are read in the order of), or a column's keys with content order among equals
    (Python's stable sort, also when reversed)."""
    if sort_col is None:
        return f"{n} DESC" if descending else n
    way = " DESC" if descending else ""
    return ", ".join(key + way for key in SORT_SQL[sort_col]) + f", {n}"


# --- which earlier answer a query can look in ---------------------------------------------------
def timeless(node: Node) -> bool:
    """Whether ``node`` matches the same items whatever the time (the schedules the same)."""
    if isinstance(node, AllOf | AnyOf):
        return all(timeless(p) for p in node.parts)
    if isinstance(node, Not):
        return timeless(node.part)
    if isinstance(node, Is):
        return node.value not in ("due", "buried")
    if isinstance(node, Prop):
        return node.name != "due"
    return not isinstance(node, Rated)


def _conjuncts(node: Node) -> tuple[Node, ...]:
    return node.parts if isinstance(node, AllOf) else (node,)


def _implies(a: Node, b: Node) -> bool:
    """Whether every item ``a`` matches, ``b`` matches (both at the same time); False when unsure. Free
    text without a wildcard implies every piece of it (the line typed on: "strid" implies "stri")."""
    if a == b:
        return True
    return (isinstance(a, FreeText) and isinstance(b, FreeText) and len(a.pattern.parts) == 1
            and len(b.pattern.parts) == 1 and b.pattern.parts[0] in a.pattern.parts[0])


def within(new: Node, old: Node) -> bool:
    """Whether every item ``new`` matches, ``old`` (timeless) matches too: each of the terms
    ``old`` ANDs is implied by one of ``new``'s. Then the items ``old`` found are all ``new`` can
    find, and a search looks at those only (``browse_index``). False when unsure, and for
    ``Everything`` (nothing to gain)."""
    if isinstance(old, Everything) or not timeless(old):
        return False
    news = _conjuncts(new)
    return all(any(_implies(a, b) for a in news) for b in _conjuncts(old))
