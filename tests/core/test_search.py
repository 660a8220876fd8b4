"""The browser's search line: Anki's syntax parsed into a query, and its one-line errors."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studyapp.core.bilingual import Text
from studyapp.core.content import Card
from studyapp.core.library import load_library
from studyapp.core.scheduler import LEARNING, RELEARNING, REVIEW, ItemState
from studyapp.core.search import Entry, Query, SearchError, entry_for, item_text, one_line, parse
from studyapp.core.search_terms import due_in_days

NOW = datetime(2026, 3, 2, 10, tzinfo=UTC)
DAY_END = datetime(2026, 3, 3, 4, tzinfo=UTC)  # the study day starts at 04:00 UTC
H, D = timedelta(hours=1), timedelta(days=1)


def entry(item_id: str, deck: str, type_: str, text: str = "", tags: tuple[str, ...] = (),
          last_answered: datetime | None = None, **state) -> Entry:
    kind = "card" if type_ in ("basic", "cloze", "choice") else "problem"
    return Entry(ItemState(item_id, deck, kind, **state), type_, f"{item_id}\n{text}", tags, last_answered)


ENTRIES = [
    entry("conv.new", "convolution", "cloze", "the stride s of a filter\n步幅", ("cnn",)),
    entry("conv.due", "convolution", "basic", "padding keeps the size", ("cnn", "padding"),
          is_new=False, state=REVIEW, due=NOW - 2 * D, last_review=NOW - 12 * D, stability=10.0,
          difficulty=7.0, lapses=1, last_answered=NOW - 12 * D),
    entry("conv.susp", "convolution", "choice", "which filter", is_new=False, state=REVIEW,
          due=NOW + H, last_review=NOW - 3 * D, stability=3.0, suspended=True),
    entry("act.learn", "activations", "activation", "value of the sigmoid", is_new=False, state=LEARNING,
          due=NOW + H / 2, last_review=NOW - H, stability=0.5, difficulty=5.0, last_answered=NOW - H),
    entry("act.relearn", "activations", "cloze", "tanh is zero-centred", is_new=False, state=RELEARNING,
          due=NOW + H / 6, last_review=NOW - H, lapses=3, leech=True),
    entry("loss.buried", "losses", "basic", "cross-entropy", is_new=False, state=REVIEW,
          due=NOW - D, last_review=NOW - 5 * D, buried_until=DAY_END),
    entry("loss.future", "losses", "softmax_cross_entropy", "softmax then cross-entropy", is_new=False,
          state=REVIEW, due=NOW + 30 * D, last_review=NOW - 5 * D, stability=40.0, difficulty=2.0,
          last_answered=NOW - 5 * D),
]
ALL = {e.state.item_id for e in ENTRIES}
CONV = {"conv.new", "conv.due", "conv.susp"}


def matching(line: str) -> set[str]:
    query = parse(line)
    assert isinstance(query, Query), query
    return {e.state.item_id for e in query.filter(ENTRIES, NOW, DAY_END)}


@pytest.mark.parametrize(("line", "expected"), [
    ("", ALL),
    ("   ", ALL),
    ("deck:convolution", CONV),
    ("DECK:Convolution", CONV),
    ("deck:conv*", CONV),
    ("deck:conv", set()),  # a deck id matches whole, unless a * says otherwise
    ("deck:*s", {"act.learn", "act.relearn", "loss.buried", "loss.future"}),
    ("is:new", {"conv.new"}),
    ("is:learn", {"act.learn", "act.relearn"}),
    ("is:review", {"conv.due", "conv.susp", "act.relearn", "loss.buried", "loss.future"}),
    # due before the day ends; neither suspended nor buried nor new
    ("is:due", {"conv.due", "act.learn", "act.relearn"}),
    ("is:suspended", {"conv.susp"}),
    ("is:leech", {"act.relearn"}),
    ("is:buried", {"loss.buried"}),
    ("deck:convolution is:new", {"conv.new"}),
    ("deck:convolution -is:new", {"conv.due", "conv.susp"}),
    ("-deck:convolution -deck:losses", {"act.learn", "act.relearn"}),
    ("kind:cloze", {"conv.new", "act.relearn"}),
    ("kind:problem", {"act.learn", "loss.future"}),
    ("kind:card", ALL - {"act.learn", "loss.future"}),
    ("kind:activation", {"act.learn"}),
    ("kind:softmax*", {"loss.future"}),
    ("stride", {"conv.new"}),
    ("STRIDE", {"conv.new"}),
    ("步幅", {"conv.new"}),
    ("conv.", CONV),  # the id is text too
    ('"stride s"', {"conv.new"}),
    ('"s stride"', set()),
    ('"stride    s"', {"conv.new"}),  # spaces in a phrase are spaces
    ("stride filter", {"conv.new"}),
    ("s*filter", {"conv.new"}),  # a * stays within one text: not the s of conv.susp + "which filter"
    ("cross-entropy", {"loss.buried", "loss.future"}),
    ("deck:losses or is:leech", {"act.relearn", "loss.buried", "loss.future"}),
    ("deck:losses OR is:leech", {"act.relearn", "loss.buried", "loss.future"}),
    ("is:new or is:suspended deck:convolution", {"conv.new", "conv.susp"}),
    ("-(deck:losses or deck:activations)", CONV),
    ("(deck:losses or deck:activations) -is:review", {"act.learn"}),
    ("deck:losses and is:buried", {"loss.buried"}),
    ("--is:new", {"conv.new"}),
    ("tag:cnn", {"conv.new", "conv.due"}),
    ("tag:pad*", {"conv.due"}),
    ("tag:none", ALL - {"conv.new", "conv.due"}),
    ("id:act.*", {"act.learn", "act.relearn"}),
    ("id:conv.due", {"conv.due"}),
    ("prop:ivl>=20", {"loss.future"}),
    ("prop:due<0", {"conv.due", "loss.buried"}),
    ("prop:due=0", {"conv.susp", "act.learn", "act.relearn"}),
    ("prop:due=28", set()),
    ("prop:due=30", {"loss.future"}),
    ("prop:lapses>=1", {"conv.due", "act.relearn"}),
    ("prop:lapses=0", ALL - {"conv.due", "act.relearn"}),
    ("prop:s>20", {"loss.future"}),
    ("prop:d>0.5", {"conv.due"}),  # difficulty 7 of 1..10 is 67 %
    ("prop:d<=0.5", {"act.learn", "loss.future"}),
    ("prop:d!=0.5", {"conv.due", "act.learn", "loss.future"}),
    ("rated:1", {"act.learn"}),
    ("rated:7", {"act.learn", "loss.future"}),
    ("rated:365", {"act.learn", "loss.future", "conv.due"}),
    (r"conv\.new", {"conv.new"}),
    (r"padding\ keeps", {"conv.due"}),
    ('"deck:convolution"', set()),  # a quoted colon is text, not a prefix
])
def test_queries_match_what_anki_would(line, expected):
    assert matching(line) == expected


@pytest.mark.parametrize(("line", "en", "zh"), [
    ("is:bogus", "unknown is:bogus (expected one of: new, learn, review, due, suspended, leech, buried)",
     "未知的 is:bogus"),
    ("foo:bar", "unknown search prefix 'foo:' (expected one of deck: is: kind:", "未知的搜索前缀 'foo:'"),
    ('"stride', 'unbalanced quote: a " has no closing "', "引号不成对"),
    ('deck:"conv', "unbalanced quote", "引号不成对"),
    ("(is:new", "unbalanced parenthesis: a '(' has no closing ')'", "括号不成对"),
    ("is:new)", "unbalanced parenthesis: a ')' has no opening '('", "括号不成对"),
    ("()", "empty parentheses '()'", "空括号"),
    ("is:new or", "'or' needs a term on each side", "'or' 两边"),
    ("or is:new", "'or' needs a term on each side", "'or' 两边"),
    ("is:new and", "'and' needs a term on each side", "'and' 两边"),
    ("a - b", "a lone '-'", "单独的 '-'"),
    ("a -", "a lone '-'", "单独的 '-'"),
    ("-)", "'-' must be followed by a term", "'-' 后面"),
    ("deck:", "deck: needs a value (as in deck:convolution", "deck: 后面需要一个值"),
    ("kind:nosuchkind", "unknown kind:nosuchkind (expected basic, cloze, choice, card, problem",
     "未知的 kind:nosuchkind"),
    ("prop:zz>1", "unknown prop:zz (expected one of: ivl, due, lapses, s, d", "未知的 prop:zz"),
    ("prop:ivl>x", "prop:ivl needs a comparison and a number", "prop:ivl 需要"),
    ("prop:ivl", "prop:ivl needs a comparison and a number", "prop:ivl 需要"),
    ("prop:s>nan", "prop:s needs a comparison and a number", "prop:s 需要"),
    ("rated:0", "rated:0 needs a number of days from 1 to 36500", "rated:0 需要"),
    ("rated:x", "rated:x needs a number of days", "rated:x 需要"),
    ("(" * 60 + "a" + ")" * 60, "too many nested parentheses", "括号嵌套过深"),
])
def test_bad_lines_say_what_is_wrong_and_what_is_expected(line, en, zh):
    error = parse(line)
    assert isinstance(error, SearchError)
    assert en in error.message.en and zh in error.message.zh


def test_a_message_shows_the_bad_part_on_one_line():
    error = parse("is:a\u2028b" + "x" * 100)
    assert isinstance(error, SearchError)
    assert len(error.message.en.splitlines()) == 1 and len(error.message.en) < 160


def test_kind_knows_the_kinds_it_is_given():
    assert isinstance(parse("kind:mykind", kinds=["mykind"]), Query)
    assert isinstance(parse("kind:conv2d", kinds=["mykind"]), SearchError)


# Pieces of the syntax, so that random lines reach the parser's corners (not only free text).
PIECES = st.sampled_from(["deck:", "is:", "kind:", "tag:", "id:", "prop:", "rated:", "foo:", "new", "due",
                          "conv*", "ivl>=", "d<", "3", "0.5", "(", ")", "-", '"', "\\", " ", "or", "and",
                          "OR", "*", ":", "步幅", "\n", "\t", "\u3000", "=", "!"])
LINES = st.one_of(st.text(max_size=60), st.lists(PIECES, max_size=25).map("".join))


@settings(max_examples=400, deadline=None)
@given(LINES)
def test_any_line_parses_or_gives_a_one_line_error(line):
    result = parse(line)
    if isinstance(result, SearchError):
        for message in result.message:
            assert message.strip() and len(message.splitlines()) == 1
    else:
        assert isinstance(result, Query)
        result.filter(ENTRIES, NOW, DAY_END)  # matching never raises either


def test_due_days_count_study_days_from_today():
    def state(due):
        return ItemState("x", "d", "card", is_new=False, state=REVIEW, due=due)

    assert due_in_days(state(DAY_END - H), DAY_END) == 0
    assert due_in_days(state(DAY_END), DAY_END) == 1
    assert due_in_days(state(DAY_END - D - H), DAY_END) == -1  # before 04:00 today: yesterday
    assert due_in_days(ItemState("x", "d", "card"), DAY_END) is None


def test_the_text_of_an_item_is_its_id_and_every_text_in_both_languages():
    library = load_library()
    cloze = next(c for c in library.cards if c.type == "cloze")
    choice = next(c for c in library.cards if c.type == "choice")
    template = library.templates[0]
    assert "{{" not in item_text(cloze) and cloze.id in item_text(cloze)
    for text in (cloze.text, choice.question, choice.options[-1].text):
        assert " ".join(text.en.split()).replace("{{", "").replace("}}", "").casefold() in (
            item_text(cloze) + item_text(choice))
    assert " ".join(choice.question.zh.split()).casefold() in item_text(choice)
    assert template.kind in item_text(template) and template.title.zh.casefold() in item_text(template)


def test_every_whitespace_but_the_space_is_unprintable():
    # item_text's quick check: a printable part with no double, leading or trailing space is
    # already on one line with single spaces.
    for code in range(0x110000):
        c = chr(code)
        if c.isspace() and c != " ":
            assert not c.isprintable(), hex(code)


def reference_text(card: Card) -> str:
    """item_text as it was written first: every part on one line, one at a time."""
    parts = [card.id]
    for text in (card.front, card.back, card.text, card.question, card.explanation,
                 *(o.text for o in card.options)):
        if text is not None:
            parts += [text.en, text.zh]
    return "\n".join(" ".join(p.replace("{{", "").replace("}}", "").split()).casefold() for p in parts)


TEXTS = st.lists(st.sampled_from(["a", "B", "ß", "Σ", "步", " ", "  ", "\n", "\t", "\u3000", "\xa0", "{", "}",
                                  "{{", "}}", "\x00", "\u2028", "İ"]), max_size=12).map("".join)


@settings(max_examples=400, deadline=None)
@given(TEXTS, TEXTS, TEXTS, TEXTS)
def test_item_text_reads_every_part_as_one_line(front_en, front_zh, back_en, back_zh):
    card = Card(id="x.1", deck="d", type="basic", front=Text(front_en, front_zh), back=Text(back_en, back_zh))
    assert item_text(card) == reference_text(card)
    assert one_line(front_en) == " ".join(front_en.replace("{{", "").replace("}}", "").split())


def test_item_text_of_every_bundled_card_is_the_reference_one():
    for card in load_library().cards:
        assert item_text(card) == reference_text(card)


def test_an_item_never_stored_is_new():
    library = load_library()
    card, template = library.cards[0], library.templates[0]
    fresh = entry_for(card, None)
    assert fresh.state.is_new and fresh.state.deck == card.deck and fresh.type == card.type
    problem = entry_for(template, None)
    assert problem.state.kind == "problem" and problem.type == template.kind
    stored = ItemState(card.id, card.deck, "card", is_new=False, state=REVIEW)
    assert entry_for(card, stored, NOW).state is stored and entry_for(card, stored, NOW).last_answered == NOW
