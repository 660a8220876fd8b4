"""`studyapp validate` warns about learner-facing text that talks about its sources."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.cli_run import run

LINE = re.compile(r"^(?P<file>.+):(?P<line>\d+):(?P<col>\d+): (?P<message>.+)$")

TALKY = """\
id: talky
title: {en: Talky, zh: 多话}
cards:
  - id: talky.one
    type: basic
    front:
      en: Why does tanh converge faster, and what caveat do the notes add?
      zh: 为什么 tanh 收敛得快?这一结论有什么需要注意的地方?
    back:
      en: Its derivative is larger; set the random seed to compare runs fairly.
      zh: 它的导数更大;比较时先设定随机种子。
    explanation:
      en: The interval is (0, 1].
      zh: 某篇笔记写的是 (0, 1),其实是 (0, 1]。
    source: 002_notes.txt
"""




def test_source_talk_is_a_warning_and_keeps_exit_status_0(capsys: pytest.CaptureFixture[str],
                                                          tmp_path: Path) -> None:
    deck = tmp_path / "talky.yaml"
    deck.write_text(TALKY, encoding="utf-8")
    code, out, err = run(capsys, "validate", "--seeds", "1", str(deck))
    assert code == 0, out + err
    assert err == ""
    *warnings, summary = out.splitlines()
    found = [LINE.match(w) for w in warnings]
    assert all(found), warnings
    assert [(m["file"], int(m["line"]), int(m["col"])) for m in found] == [
        (str(deck), 7, 7), (str(deck), 14, 7)]
    assert all(m["message"].startswith("warning: card 'talky.one' ") for m in found)
    assert "front.en" in found[0]["message"] and '"the notes"' in found[0]["message"]
    assert "explanation.zh" in found[1]["message"] and '"某篇笔记"' in found[1]["message"]
    assert summary.startswith("ok: 1 decks, 1 cards")
    assert summary.endswith(", 2 warning(s)")


def test_warnings_are_counted_next_to_errors(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "talky.yaml").write_text(TALKY, encoding="utf-8")
    (tmp_path / "broken.yaml").write_text("id: broken\n", encoding="utf-8")
    code, out, err = run(capsys, "validate", "--seeds", "1", str(tmp_path))
    assert code == 1
    assert err.strip() == "1 error(s), 2 warning(s)"
    assert sum(": warning: " in line for line in out.splitlines()) == 2


def test_no_warnings_no_mention(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    deck = tmp_path / "quiet.yaml"
    deck.write_text(TALKY.replace("what caveat do the notes add", "what caveat applies")
                    .replace("某篇笔记写的是 (0, 1),其实是", "区间是"), encoding="utf-8")
    code, out, err = run(capsys, "validate", "--seeds", "1", str(deck))
    assert code == 0 and err == ""
    assert out.splitlines() == [out.strip()] and "warning" not in out
