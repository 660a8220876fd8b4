"""Learner-facing text must not talk about the notes the decks were written from."""

from __future__ import annotations

from pathlib import Path

import pytest

from studyapp.core.library import deck_files
from studyapp.core.source_talk import check_source_talk, deck_source_talk, learner_texts, source_talk
from studyapp.core.yamlpos import load
from studyapp.paths import bundled_content_dir


@pytest.mark.parametrize(("text", "word"), [
    ("The seed's formula is garbled.", "The seed's"),
    ("The range is (0, 1), not [−1, 1] as one seed says.", "one seed"),
    ("Fine-tuning (beyond the seeds) continues training.", "the seeds"),
    ("These steps go beyond this seed.", "this seed"),
    ("One note says sigmoid outputs are all positive.", "One note"),
    ("The notes stress that the weights matter.", "The notes"),
    ("Why is tanh faster, and what caveat do the notes add?", "the notes"),
    ("As the study notes put it, depth helps.", "study notes"),
    ("Some course notes call it invalid.", "course notes"),
    ("Beyond the seeds: note 001 only names Adam.", "note 001"),
    ("The SELU note's formula is lost.", "note's"),
    ("种子笔记中的公式排版错乱。", "种子笔记"),
    ("某篇笔记说输出在 [−1, 1] 内。", "某篇笔记"),
    ("笔记强调梯度与权重有关。", "笔记"),
    ("此卡超出种子的范围。", "种子"),
    ("有些课程讲义把这种设置称为不合法。", "讲义"),
    ("参考资料中写错了。", "资料"),
    ("原文如此。", "原文"),
])
def test_phrasings_that_talk_about_the_sources_are_flagged(text: str, word: str) -> None:
    assert word in source_talk(text)


@pytest.mark.parametrize("text", [
    "Set the random seed before generating the worksheet.",
    "set the seed to 42 so that the run can be repeated",
    "The same seed always gives the same set of problems.",
    "The seed value is printed with the result; the seed of the random generator is 64 bits.",
    "A random seed's only job is to make runs repeatable.",
    "Note that the interval is open.",
    "Learners take notes while they study.",
    "设定随机种子后,同一套题可以重现。",
    "随机数种子与种子值都会打印出来。",
    "ReLU(x) = max(0, x);写成 max(x) 是常见的笔误。",
    "A common mistake is to write tanh′ = −tanh²(x); the derivative is 1 − tanh²(x).",
])
def test_legitimate_text_is_not_flagged(text: str) -> None:
    assert source_talk(text) == []


def test_overlapping_matches_are_one_phrase_and_repeats_are_named_once() -> None:
    assert source_talk("The seed's formula; the seed's range; one note.") == ["The seed's", "one note"]


DECK = """\
id: talky
title: {en: The notes on activations, zh: 激活函数}
description: {en: Activations., zh: 笔记中的激活函数。}
cards:
  - id: t.basic
    type: basic
    front:
      en: What caveat do the notes add?
      zh: 这一结论有什么需要注意的地方?
    back: {en: Set the random seed first., zh: 先设定随机种子。}
    explanation:
      en: Weights matter too.
      zh: 某篇笔记说权重也有关系。
    source: 000_the_notes.txt
  - id: t.cloze
    type: cloze
    text:
      en: "One note calls it one-sided {{suppression}}."
      zh: "它称为单侧{{抑制}}。"
  - id: t.choice
    type: choice
    question: {en: Which is right?, zh: 哪个对?}
    options:
      - text: {en: This one, zh: 这个}
        correct: true
      - text: {en: Only the seeds leave it out, zh: 只是笔记省略了}
problems:
  - id: t.tpl
    kind: softmax
    difficulty: 1
    title: {en: Softmax as in the notes, zh: Softmax}
"""


def test_every_learner_facing_field_is_checked_and_source_is_not() -> None:
    data, _ = load(DECK)
    fields = {(owner, where) for owner, where, _, _ in learner_texts(data)}
    assert {("deck 'talky'", "title.en"), ("deck 'talky'", "description.zh"),
            ("card 't.basic'", "front.en"), ("card 't.basic'", "back.zh"),
            ("card 't.basic'", "explanation.zh"), ("card 't.cloze'", "text.en"),
            ("card 't.choice'", "question.en"), ("card 't.choice'", "options[1].text.zh"),
            ("problem template 't.tpl'", "title.en")} <= fields
    assert not any("source" in where for _, where in fields)


def test_warnings_name_the_file_line_column_owner_field_and_word() -> None:
    data, _ = load(DECK)
    warnings = deck_source_talk("talky.yaml", data)
    found = [(w.line, w.col, w.message.split(" talks about")[0]) for w in warnings]
    assert found == [
        (2, 9, "warning: deck 'talky' title.en"),
        (3, 33, "warning: deck 'talky' description.zh"),
        (8, 7, "warning: card 't.basic' front.en"),
        (13, 7, "warning: card 't.basic' explanation.zh"),
        (18, 7, "warning: card 't.cloze' text.en"),
        (26, 16, "warning: card 't.choice' options[1].text.en"),
        (26, 49, "warning: card 't.choice' options[1].text.zh"),
        (31, 13, "warning: problem template 't.tpl' title.en"),
    ]
    assert all(str(w).startswith(f"talky.yaml:{w.line}:{w.col}: warning: ") for w in warnings)
    assert '("the notes")' in warnings[2].message
    assert '("某篇笔记")' in warnings[3].message
    assert '("the seeds")' in warnings[5].message


def test_unreadable_and_broken_files_are_left_to_the_loader(tmp_path: Path) -> None:
    (tmp_path / "syntax.yaml").write_text("id: x\ntitle: {en: a, zh: b\n", encoding="utf-8")
    assert check_source_talk([tmp_path / "syntax.yaml", tmp_path / "missing.yaml"]) == []


def test_a_deck_file_is_checked_from_disk(tmp_path: Path) -> None:
    path = tmp_path / "talky.yaml"
    path.write_text(DECK, encoding="utf-8")
    assert len(check_source_talk([path])) == 8


def test_the_bundled_content_does_not_talk_about_its_sources() -> None:
    warnings = check_source_talk(deck_files([bundled_content_dir()]))
    assert warnings == [], "\n".join(map(str, warnings))
