"""The browser's search line, in Anki's syntax, parsed into a query that matches items.

Terms are ANDed; ``or`` (``OR``) between terms and ``( )`` group; ``-term`` negates;
``"quoted phrase"`` keeps spaces, brackets and colons; ``\\x`` takes ``x`` literally.
Prefixes (see ``search_terms``): ``deck:`` ``is:`` ``kind:`` ``tag:`` ``id:`` ``prop:`` ``rated:``;
anything else is free text, matched case-insensitively against the item's id and its text in both languages.
``*`` is a wildcard everywhere. Pure: no SQL, no UI, the time comes in as arguments.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from studyapp.core.bilingual import Text
from studyapp.core.content import Card, ProblemTemplate
from studyapp.core.scheduler import ItemState
from studyapp.core.search_entry import Entry, Moment
from studyapp.core.search_terms import SearchFault, Term, Word, term

MAX_DEPTH = 50


# --- the parsed line: terms joined by these, each node the test of one entry at one moment ------
@dataclass(frozen=True)
class Everything:
    """The empty line: every item."""

    def __call__(self, e: Entry, m: Moment) -> bool:
        return True


@dataclass(frozen=True)
class AllOf:
    parts: tuple[Node, ...]

    def __call__(self, e: Entry, m: Moment) -> bool:
        return all(t(e, m) for t in self.parts)


@dataclass(frozen=True)
class AnyOf:
    parts: tuple[Node, ...]

    def __call__(self, e: Entry, m: Moment) -> bool:
        return any(t(e, m) for t in self.parts)


@dataclass(frozen=True)
class Not:
    part: Node

    def __call__(self, e: Entry, m: Moment) -> bool:
        return not self.part(e, m)


Node = Everything | AllOf | AnyOf | Not | Term


@dataclass(frozen=True)
class Query:
    """A parsed search line: ``test`` is its tree of nodes (``Everything`` for an empty line),
    callable as the test of one entry."""

    text: str
    test: Node

    def matches(self, entry: Entry, now: datetime, day_end: datetime) -> bool:
        return self.test(entry, Moment(now, day_end))

    def filter(self, entries: Iterable[Entry], now: datetime, day_end: datetime) -> list[Entry]:
        moment = Moment(now, day_end)
        return [e for e in entries if self.test(e, moment)]


@dataclass(frozen=True)
class SearchError:
    """Why a search line cannot be used: one line, saying what is wrong and what is expected."""

    message: Text  # in English and Chinese


def item_text(thing: Card | ProblemTemplate) -> str:
    """The searchable text of a card or template: its id and every text in both languages, each on
    one line with single spaces (as search phrases are), cloze gaps without their braces,
    case-folded. The browser's index reads it for every item (100,000 of them, at times)."""
    parts = [thing.id]
    if isinstance(thing, Card):
        texts = [thing.front, thing.back, thing.text, thing.question, thing.explanation,
                 *(o.text for o in thing.options)]
    else:
        from studyapp.core.kinds import KINDS

        kind = KINDS.get(thing.kind)
        parts.append(thing.kind)
        texts = [thing.title, kind.summary if kind else None]
    for text in texts:
        if text is not None:
            parts += (text.en, text.zh)
    # Each part on one line with single spaces, without the braces of cloze gaps: what
    # ``one_line`` makes of it. Mostly it is so already, and a few scans of all the parts at once
    # say so (instead of a split and a join a part): every whitespace character but the space is
    # unprintable (tests/core/test_search.py checks every code point), and the spaces joining the
    # parts show a part's leading or trailing space (or an empty part) as a double space. Braces
    # never span two parts: they go from the joined parts as from each part.
    spaced = " ".join(parts)
    gaps = "{{" in spaced or "}}" in spaced
    if gaps:
        spaced = spaced.replace("{{", "").replace("}}", "")
    if spaced.isprintable() and "  " not in spaced and spaced[:1] != " " and spaced[-1:] != " ":
        if not gaps:  # (a part at a time: the English ones are ASCII, which folds faster)
            return "\n".join([p.casefold() for p in parts])
        return "\n".join(parts).replace("{{", "").replace("}}", "").casefold()
    return "\n".join(one_line(p) for p in parts).casefold()


def one_line(part: str) -> str:
    """A part of ``item_text``: on one line with single spaces, cloze gaps without their braces."""
    return " ".join(part.replace("{{", "").replace("}}", "").split())


def entry_for(thing: Card | ProblemTemplate, state: ItemState | None,
              last_answered: datetime | None = None) -> Entry:
    """The entry of a card or template; ``state`` None (never stored) is a new item."""
    kind = "card" if isinstance(thing, Card) else "problem"
    return Entry(state or ItemState(thing.id, thing.deck, kind),
                 thing.type if isinstance(thing, Card) else thing.kind, item_text(thing),
                 tuple(tag.casefold() for tag in thing.tags), last_answered)


# --- reading the line ---------------------------------------------------------------------
def _tokens(line: str) -> list[str | Word]:
    """Split into "(", ")", "-" (negation) and words."""
    out: list[str | Word] = []
    i, n = 0, len(line)
    while i < n:
        c = line[i]
        if c.isspace():
            i += 1
        elif c in "()":
            out.append(c)
            i += 1
        elif c == "-" and i + 1 < n and not line[i + 1].isspace():
            out.append("-")
            i += 1
        elif c == "-":
            raise SearchFault("a lone '-' (expected a term right after it, as in -is:suspended)",
                              "单独的 '-'(后面应紧跟一个搜索条件,如 -is:suspended)")
        else:
            word: Word = []
            quoted = False
            while i < n and (quoted or not (line[i].isspace() or line[i] in "()")):
                c = line[i]
                if c == '"':
                    quoted = not quoted
                elif c == "\\" and i + 1 < n:
                    i += 1
                    word.append((line[i], "\\"))
                else:
                    word.append((c, '"' if quoted else " "))
                i += 1
            if quoted:
                raise SearchFault('unbalanced quote: a " has no closing " (expected "a quoted phrase")',
                                  '引号不成对:" 没有对应的结束 "(应为 "带引号的短语")')
            out.append(word)
    return out


def _unopened() -> SearchFault:
    return SearchFault("unbalanced parenthesis: a ')' has no opening '('", "括号不成对:')' 没有对应的 '('")


def _unclosed() -> SearchFault:
    return SearchFault("unbalanced parenthesis: a '(' has no closing ')'", "括号不成对:'(' 没有对应的 ')'")


def _keyword(token: str | Word | None) -> str | None:
    if isinstance(token, list) and all(how == " " for _, how in token):
        word = "".join(c for c, _ in token).casefold()
        return word if word in ("or", "and") else None
    return None


class _Parser:
    def __init__(self, tokens: list[str | Word], kinds: frozenset[str]):
        self.tokens, self.pos, self.kinds, self.depth = tokens, 0, kinds, 0

    def peek(self) -> str | Word | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def either(self) -> Node:
        options = [self.all_of()]
        while _keyword(self.peek()) == "or":
            self.pos += 1
            options.append(self.all_of())
        if len(options) == 1:
            return options[0]
        return AnyOf(tuple(options))

    def all_of(self) -> Node:
        tests: list[Node] = []
        while (token := self.peek()) is not None and token != ")" and _keyword(token) != "or":
            if _keyword(token) == "and":
                self.pos += 1
                after = self.peek()
                if not tests or after is None or after == ")" or _keyword(after) is not None:
                    raise SearchFault("'and' needs a term on each side", "'and' 两边都需要搜索条件")
                continue
            tests.append(self.one())
        if not tests:
            raise self._why_empty()
        if len(tests) == 1:
            return tests[0]
        return AllOf(tuple(tests))

    def _why_empty(self) -> SearchFault:
        token = self.peek()
        if _keyword(token) == "or" or (self.pos and _keyword(self.tokens[self.pos - 1]) == "or"):
            return SearchFault("'or' needs a term on each side", "'or' 两边都需要搜索条件")
        if token == ")" and self.depth == 0:
            return _unopened()
        if token is None:
            return _unclosed()
        return SearchFault("empty parentheses '()' (expected a term inside)",
                           "空括号 '()'(括号内应有搜索条件)")

    def one(self) -> Node:
        negations = 0
        while self.peek() == "-":
            negations += 1
            self.pos += 1
        token = self.peek()
        if token is None or token == ")" or _keyword(token) is not None:
            raise SearchFault("'-' must be followed by a term (as in -is:suspended)",
                              "'-' 后面应紧跟一个搜索条件(如 -is:suspended)")
        self.pos += 1
        if token == "(":
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise SearchFault(f"too many nested parentheses (expected at most {MAX_DEPTH})",
                                  f"括号嵌套过深(最多 {MAX_DEPTH} 层)")
            test: Node = self.either()
            if self.peek() != ")":
                raise _unclosed()
            self.pos += 1
            self.depth -= 1
        else:
            assert isinstance(token, list)
            test = term(token, self.kinds)
        return Not(test) if negations % 2 else test


def parse(line: str, kinds: Iterable[str] | None = None) -> Query | SearchError:
    """The query of a search line, or what is wrong with it. ``kinds``: the problem kinds
    ``kind:`` knows (default: every registered kind)."""
    if kinds is None:
        from studyapp.core.kinds import KINDS

        kinds = KINDS
    try:
        parser = _Parser(_tokens(line), frozenset(kinds))
        if parser.peek() is None:
            return Query(line, Everything())
        test = parser.either()
        if parser.peek() is not None:  # only a ')' stops the top level early
            raise _unopened()
    except SearchFault as bad:
        return SearchError(bad.text)
    return Query(line, test)
