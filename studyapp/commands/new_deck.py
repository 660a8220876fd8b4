"""``studyapp new-deck ID``: a commented starter deck in the user deck folder, to edit.

The deck loads as written (one card of each type and one problem template), so the learner sees
it on Home at once and changes it from there. The folder gets a copy of the deck schema, which
the deck's first line names, so that an editor with YAML support checks the file as it is typed.
"""

from __future__ import annotations

import argparse
import re

from studyapp.commands.common import UsageError, add_options

EXAMPLES = """\
examples:
  studyapp new-deck my-notes                      # writes my-notes.yaml in your deck folder
  studyapp new-deck rnn --title "Recurrent nets"  # with its title
  studyapp locate                                 # where your deck folder is
"""

STARTER = """\
# yaml-language-server: $schema=deck.schema.json
# Your deck "{id}". Every text has an English (en) and a Chinese (zh) version; write the same
# text in both if you study in one language. Ids are lower-case letters, digits, '.', '_' and
# '-', unique across all decks; your progress is kept by id, so do not change an id once you
# have studied its card. Check the file with: studyapp validate {path}
# Changes show on Home the next time you go back to it.
id: {id}
title:
  en: {title}
  zh: {title}
description:
  en: What this deck is about, in a sentence.
  zh: 用一句话说明这个卡组的内容。
cards:
  # basic: a question and its answer; you rate yourself after seeing the answer.
  - id: {id}.example-basic
    type: basic
    front:
      en: What does ReLU output for a negative input?
      zh: ReLU 对负输入输出什么?
    back:
      en: "0: ReLU(x) = max(0, x)."
      zh: "0:ReLU(x) = max(0, x)。"
    tags: [example]
  # cloze: each {{{{gap}}}} is typed; alternatives after '|' are accepted too.
  - id: {id}.example-cloze
    type: cloze
    text:
      en: "The sigmoid maps every real number into the interval ({{{{0}}}}, {{{{1}}}})."
      zh: "sigmoid 把任意实数映射到区间 ({{{{0}}}}, {{{{1}}}}) 内。"
    related: [{id}.example-basic]
  # choice: one or more options are correct.
  - id: {id}.example-choice
    type: choice
    question:
      en: Which of these activations are zero-centred?
      zh: 以下哪些激活函数的输出以 0 为中心?
    options:
      - text: {{en: tanh, zh: tanh}}
        correct: true
      - text: {{en: sigmoid, zh: sigmoid}}
      - text: {{en: ReLU, zh: ReLU}}
problems:
  # A problem template: a fresh variant with its worked solution each time it is reviewed.
  # 'studyapp kinds' lists the kinds and their parameters.
  - id: {id}.example-output-size
    kind: conv_output_size
    title: {{en: Output size of a convolution, zh: 卷积的输出尺寸}}
    difficulty: 1
    related: [{id}.example-basic]
"""


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    new = sub.add_parser("new-deck", help="write a commented starter deck into your deck folder",
                         description="Write ID.yaml, a commented starter deck (one card of each "
                         "type and one problem template), into your deck folder ('studyapp "
                         "locate'), where every command and the study app read it.",
                         epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    new.add_argument("id", metavar="ID", help="the deck's id, also its file name (e.g. my-notes)")
    new.add_argument("--title", help="the deck's title (default: the id)")
    add_options(new)
    return new


def run(args: argparse.Namespace) -> int:
    import shutil

    from studyapp.core.content import ID_PATTERN
    from studyapp.core.content_files import study_files
    from studyapp.core.library import load_library
    from studyapp.paths import bundled_content_dir, user_decks_dir

    if not re.fullmatch(ID_PATTERN, args.id):
        raise UsageError(f"'{args.id}' is not a deck id (expected lower-case letters, digits, '.', "
                         "'_' and '-', starting with a letter or digit)")
    folder = user_decks_dir()
    path = folder / f"{args.id}.yaml"
    if path.exists():
        raise UsageError(f"{path} already exists (edit it, or choose another id)")
    taken = {d.id: d.file for d in load_library(study_files()).decks}
    if args.id in taken:
        raise UsageError(f"the deck id '{args.id}' is already used by {taken[args.id]} (choose another id)")
    title = (args.title or args.id).strip()
    if not title or "\n" in title:
        raise UsageError("--title must be one line of text")
    folder.mkdir(parents=True, exist_ok=True)
    schema = folder / "deck.schema.json"
    shutil.copyfile(bundled_content_dir() / "deck.schema.json", schema)  # kept current: the app's own
    path.write_text(STARTER.format(id=args.id, title=_yaml_scalar(title), path=path), encoding="utf-8")
    print(f"wrote {path}")
    print("edit it, then check it with: studyapp validate " + str(path))
    return 0


def _yaml_scalar(text: str) -> str:
    """``text`` as a YAML scalar that reads back as itself (quoted as JSON, which YAML reads)."""
    import json

    return json.dumps(text, ensure_ascii=False)
