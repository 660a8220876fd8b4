"""The installed `studyapp` in a real terminal (tmux), used the way a learner uses it.

Each test starts the console script on a fresh STUDYAPP_HOME on its own tmux server (``tmux -L``),
presses keys with ``send-keys``, reads the screen with ``capture-pane`` (polling until the expected
text shows, never sleeping blindly) and checks the database the app wrote. The order of the items
is fixed by the content (new items of a deck by id, cards and problems taking turns); the variant
of a problem and the order of a choice's options are random, so the tests read them off the screen
(and look the cards up in the content) instead of assuming them.
"""

from __future__ import annotations

import functools
import os
import re
import shlex
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from studyapp.core.library import load_library

BINARY = Path(sys.executable).parent / "studyapp"

pytestmark = [
    pytest.mark.skipif(shutil.which("tmux") is None,
                       reason="tmux not installed: these real-terminal tests need it"),
    pytest.mark.skipif(not BINARY.exists(), reason=f"no installed studyapp console script at {BINARY}"),
]

TIMEOUT = 10.0
CONVOLUTION, TRAINING = 4, 12  # rows on Home: 0 is All decks, then the decks in their order
TITLE = {CONVOLUTION: {"en": "Convolutional networks", "zh": "卷积神经网络"},
         TRAINING: {"en": "Forward propagation, backpr…", "zh": "前向传播、反向传播与训练"}}
LAST_DECK = {"en": "Forward propagation, backpr", "zh": "前向传播、反向传播与训练"}  # cut at 80 columns
RATING_BAR = "Enter = "  # the first line of the rating bar, in both languages
RIGHT = {"en": "✓ right", "zh": "✓ 正确"}
WRONG = {"en": "✗ wrong", "zh": "✗ 错误"}
RELATED = {"en": "↳ Related to the problem you missed", "zh": "↳ 与你刚才做错的题目相关"}
COMMANDS = {"en": "h hint · u undo · s suspend · - bury", "zh": "h 提示 · u 撤销 · s 暂停 · - 搁置"}
TYPING = {"en": "esc  Commands", "zh": "esc  命令"}  # the footer while the answer box has the focus
# The line under an item that waits for an answer says what kind of item it is.
KIND_HELP = {
    "en": {"choice": "Press the numbers of your choices", "basic": "Space or Enter shows the back",
           "cloze": "Type the missing words", "problem": "Expected: "},
    "zh": {"choice": "按数字键选择选项", "basic": "按空格或回车显示背面", "cloze": "输入空缺处的答案",
           "problem": "应为: "},
}
WRONG_NUMBER = "12345"  # readable everywhere, right nowhere


# --- the content, to recognise what is shown -----------------------------------------------------
@functools.cache
def cards() -> tuple[Any, ...]:
    return tuple(load_library().cards)


@functools.cache
def templates() -> dict[str, Any]:
    return {t.id: t for t in load_library().templates}


def squash(text: str) -> str:
    """Text without spaces, line breaks, code backticks and the block characters of borders and
    scroll bars, so that a paragraph matches however the terminal wrapped it."""
    return re.sub(r"[\s`\u2580-\u259f]+", "", text)


def shown_card(shown: str, kind: str, lang: str) -> Any:
    flat = squash(shown)
    for card in cards():
        if card.type != kind:
            continue
        text = card.masked(lang) if kind == "cloze" else (card.question if kind == "choice" else card.front)
        text = text if isinstance(text, str) else text.get(lang)
        if squash(text) in flat:
            return card
    raise AssertionError(f"no {kind} card of the content is on the screen:\n{shown}")


def option_order(shown: str, card: Any, lang: str) -> list[int]:
    """The content index of the option shown as 1, 2, … (the longest option text that fits)."""
    pieces = re.split(r"[□■](\d+)\.", squash(shown))
    order = []
    for block in pieces[2::2]:
        fits = [i for i, o in enumerate(card.options) if block.startswith(squash(o.text.get(lang)))]
        assert fits, f"an option of {card.id} is not on the screen:\n{shown}"
        order.append(max(fits, key=lambda i: len(card.options[i].text.get(lang))))
    return order


def right_numbers(shown: str, card: Any, lang: str) -> list[str]:
    return [str(n) for n, i in enumerate(option_order(shown, card, lang), 1) if card.options[i].correct]


def wrong_answer(shape_text: str) -> list[str]:
    """A readable wrong answer for the shape the help line asks for: one text per part."""
    def shape(text: str) -> tuple[int, ...]:
        text = text.strip()
        if text in ("a single number", "一个数"):
            return ()
        vector = re.fullmatch(r"a vector of (\d+)|长度为 (\d+) 的向量", text)
        if vector:
            return (int(vector.group(1) or vector.group(2)),)
        matrix = re.fullmatch(r"a ([\d×]+) matrix|([\d×]+) 矩阵", text)
        assert matrix, f"unknown shape {text!r}"
        return tuple(int(n) for n in (matrix.group(1) or matrix.group(2)).split("×"))

    def filled(dims: tuple[int, ...]) -> str:
        return WRONG_NUMBER if not dims else "[" + ", ".join(filled(dims[1:]) for _ in range(dims[0])) + "]"

    parts = shape_text.split("; ")
    if ": " in parts[0]:
        return [filled(shape(p.split(": ", 1)[1])) for p in parts]
    return [filled(shape(shape_text))]


# --- the terminal ----------------------------------------------------------------------------------
def terminal_env() -> dict[str, str]:
    """The environment for tmux, given explicitly: under pytest the process environment can hold
    COLUMNS=80 and LINES=24 that os.environ does not show (GNU readline exports them when it is
    loaded), and a tmux server started with them passes them on, so the app would draw 80x24
    whatever the size of the window."""
    return {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "TMUX")}


class Learner:
    """One studyapp in one tmux server of its own, and the keys a learner presses."""

    def __init__(self, tmp_path: Path, width: int, height: int, lang: str = "en"):
        self.lang = lang
        self.socket = f"sa{os.getpid()}-{tmp_path.name}"[:60]
        self.home = tmp_path / "home"
        located = subprocess.run([str(BINARY), "locate"], capture_output=True, text=True, check=True,
                                 env={**os.environ, "STUDYAPP_HOME": str(self.home)}).stdout
        paths = dict(re.findall(r"^(\w+):\s+(.*)$", located, re.M))
        self.database, config = Path(paths["database"]), Path(paths["config"])
        config.parent.mkdir(parents=True, exist_ok=True)
        config.write_text(f'lang = "{lang}"\nnew_per_day = 20\n', encoding="utf-8")
        # the pane outlives the app, so that a crash's traceback can be read
        command = (f"env STUDYAPP_HOME={shlex.quote(str(self.home))} {shlex.quote(str(BINARY))}; "
                   "echo \"[studyapp exited $?]\"; sleep 600")
        self.tmux("-f", "/dev/null", "new-session", "-d", "-s", "main", "-x", str(width), "-y", str(height),
                  command)
        self.socket_path = Path(self.tmux("display-message", "-p", "#{socket_path}").stdout.strip())

    def tmux(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=True,
                              env=terminal_env())

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True, env=terminal_env())
        self.socket_path.unlink(missing_ok=True)  # tmux leaves its socket file behind

    # seeing
    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "main").stdout

    def wait_until(self, ok: Callable[[str], Any], what: str, seconds: float = TIMEOUT) -> str:
        end = time.monotonic() + seconds
        while True:
            shown = self.screen()
            if ok(shown):
                return shown
            if time.monotonic() > end:
                raise AssertionError(f"{what} never came within {seconds} s; the screen:\n{shown}")
            time.sleep(0.05)

    def wait_for(self, *texts: str, seconds: float = TIMEOUT) -> str:
        """The screen once one of ``texts`` is on it."""
        return self.wait_until(lambda s: any(t in s for t in texts), " or ".join(map(repr, texts)), seconds)

    # pressing
    def press(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", "main", *keys)

    def type(self, text: str) -> None:
        self.tmux("send-keys", "-t", "main", "-l", "--", text)

    # the database
    def rows(self, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        if not self.database.exists():
            return []
        with sqlite3.connect(f"file:{self.database}?mode=ro", uri=True) as conn:
            return conn.execute(sql, args).fetchall()

    def reviews_of(self, item_id: str) -> list[tuple[Any, ...]]:
        return self.rows("SELECT mode, rating, correct, answer FROM reviews WHERE item_id = ? ORDER BY id",
                         item_id)

    # the screens
    def selected(self) -> str:
        """The row of Home's deck table under the cursor (the only row that starts in bold)."""
        lines = self.tmux("capture-pane", "-p", "-e", "-t", "main").stdout.splitlines()
        bold = [line for line in lines[3:] if line.startswith("\x1b[1m")]
        return re.sub(r"\x1b\[[0-9;]*m", "", bold[0]).strip() if bold else ""

    def open_deck(self, row: int) -> str:
        pattern = re.compile(re.escape(LAST_DECK[self.lang]) + r"\S*(?: \S+)*\s+\d+")
        self.wait_until(pattern.search, "Home with its decks counted")
        if row:
            self.press(*["Down"] * row)
            deck = TITLE[row][self.lang].rstrip("…")
            self.wait_until(lambda s: self.selected().startswith(deck), f"the cursor on {deck!r}", seconds=3)
        self.press("Enter")
        return self.wait_for(f" {TITLE[row][self.lang]} ")

    def kind(self, shown: str) -> str | None:
        """The kind of the item waiting for an answer on ``shown``; None when there is none."""
        if RATING_BAR in shown:
            return None
        bottom = "\n".join(shown.rstrip("\n").splitlines()[-4:])
        return next((k for k, text in KIND_HELP[self.lang].items() if text in bottom), None)

    def item(self, kind: str | None = None) -> tuple[str, str]:
        """Wait for an item to answer (of ``kind`` if given): its kind and the screen."""
        shown = self.wait_until(lambda s: self.kind(s) if kind is None else self.kind(s) == kind,
                                f"an item waiting for an answer ({kind or 'any kind'})")
        kind = self.kind(shown)
        assert kind is not None
        return kind, shown

    def shape_text(self, shown: str) -> str:
        lines = shown.rstrip("\n").splitlines()
        start = max(i for i, line in enumerate(lines) if KIND_HELP[self.lang]["problem"] in line)
        help_text = " ".join(line.strip() for line in lines[start:-1])  # the footer is the last line
        return help_text.split(KIND_HELP[self.lang]["problem"], 1)[1].split(" · ")[0]

    def graded(self) -> str:
        """After Enter on an answer: the screen with the verdict and the rating bar."""
        shown = self.wait_until(lambda s: RATING_BAR in s or "⚠" in s, "the verdict")
        assert "⚠" not in shown, f"the answer was not readable:\n{shown}"
        return shown

    def choose(self, *numbers: str) -> str:
        for number in numbers:
            self.press(number)
            self.wait_for(f"■ {number}.")
        self.press("Enter")
        return self.graded()

    def flip(self) -> str:
        self.press("Space")
        return self.wait_for(RATING_BAR)

    def answer_wrong(self, shown: str) -> str:
        """A problem answered with readable wrong numbers, one part per line of its box."""
        for part in wrong_answer(self.shape_text(shown)):
            self.type(part)
            self.press("Enter")
        shown = self.graded()
        assert WRONG[self.lang] in shown, shown
        return shown

    def rate(self, key: str = "Enter") -> None:
        self.press(key)
        self.wait_until(lambda s: RATING_BAR not in s, "the next screen after rating")

    def answer_any(self, kind: str, shown: str, rating: str = "Enter") -> None:
        """Answer the item shown somehow (a problem wrongly) and rate it."""
        if kind == "choice":
            self.choose("1")
        elif kind == "problem":
            self.answer_wrong(shown)
        else:
            self.flip()
        self.rate(rating)

    def conv2d_problem(self) -> str:
        """Open the convolution deck and answer what comes until a feature-map problem waits."""
        self.open_deck(CONVOLUTION)
        for _ in range(8):
            kind, shown = self.item()
            if kind == "problem" and "Givethefeaturemap" in squash(shown):
                return shown
            self.answer_any(kind, shown)
        raise AssertionError(f"no conv2d problem came up:\n{self.screen()}")

    def leave_box(self) -> str:
        self.press("Escape")
        return self.wait_for(COMMANDS[self.lang])

    def end_session(self) -> str:
        """Escape until the summary shows (a first Escape may only leave the answer box)."""
        self.press("Escape")
        shown = self.wait_for("answered", "已答", COMMANDS[self.lang])
        if "answered" not in shown and "已答" not in shown:
            self.press("Escape")
            shown = self.wait_for("answered", "已答")
        return shown


@pytest.fixture
def learner(tmp_path):
    started: list[Learner] = []

    def start(width: int = 120, height: int = 40, lang: str = "en") -> Learner:
        started.append(Learner(tmp_path, width, height, lang))
        return started[-1]

    yield start
    for one in started:
        one.close()


def timer(shown: str) -> int:
    minutes, seconds = re.search(r"⏱ (\d+):(\d\d)", shown).groups()  # type: ignore[union-attr]
    return int(minutes) * 60 + int(seconds)


# --- the tests -------------------------------------------------------------------------------------
def test_undo_shows_the_same_card_again_and_the_new_answer_is_scheduled(learner):
    app = learner()
    app.open_deck(TRAINING)
    kind, shown = app.item()
    assert kind == "choice", shown
    card = shown_card(shown, "choice", "en")
    order = option_order(shown, card, "en")
    assert RIGHT["en"] in app.choose(*right_numbers(shown, card, "en"))
    app.rate()
    kind, shown = app.item()  # the next item: the backprop problem, typing in its box
    assert kind == "problem" and TYPING["en"] in shown, shown
    assert [r[0] for r in app.reviews_of(card.id)] == ["scheduled"]

    app.press("C-z")  # undo from inside the answer box
    app.item("choice")
    shown = app.wait_for("Undone")  # the toast
    assert squash(card.question.en) in squash(shown), shown
    assert option_order(shown, card, "en") == order, f"the options came back in another order:\n{shown}"
    assert app.reviews_of(card.id) == [], "the undone answer is still in the log"
    assert app.rows("SELECT is_new FROM items WHERE id = ?", card.id) == [(1,)]

    assert RIGHT["en"] in app.choose(*right_numbers(shown, card, "en"))
    app.rate("3")
    kind, shown = app.item()  # the item the undo displaced still comes next
    assert kind == "problem" and "Answer as “loss:" in shown, shown
    assert app.reviews_of(card.id) == [("scheduled", 3, 1, None)]
    assert app.rows("SELECT is_new FROM items WHERE id = ?", card.id) == [(0,)]
    assert app.rows("SELECT COUNT(*) FROM reviews") == [(1,)]


def test_hint_tab_and_a_long_structured_answer_typed_on_one_line(learner):
    app = learner()
    app.open_deck(TRAINING)
    kind, shown = app.item()
    app.answer_any(kind, shown)
    kind, shown = app.item()
    assert kind == "problem" and "Answer as “loss:" in shown, shown  # a backprop_step problem

    app.leave_box()
    app.press("h")
    shown = app.wait_for("Hint:")
    assert "1. " in shown.split("Hint:", 1)[1], shown  # the first step of the worked solution
    app.wait_for(TYPING["en"])  # and the focus is back in the box
    app.press("Tab")
    typed = "loss: 0.13819; W1: [[1,2],[3,4]]; b1: [1,2]; W2: [[1,2],[3,4]]; b2: [1,-2]"
    app.type(typed)
    shown = app.wait_for(typed)
    assert "Suspended" not in shown and "Buried" not in shown, shown
    assert app.rows("SELECT id FROM items WHERE suspended != 0 OR buried_until IS NOT NULL") == []
    assert app.rows("SELECT COUNT(*) FROM reviews") == [(1,)]

    app.press("Enter")
    shown = app.graded()
    assert RIGHT["en"] in shown or WRONG["en"] in shown, shown
    app.rate()
    app.item()
    [(mode, rating, _, answer)] = app.reviews_of("train.backprop-step")
    assert mode == "scheduled" and typed in answer and rating <= 2  # a hint caps the rating at Hard
    assert app.rows("SELECT id FROM items WHERE suspended != 0 OR buried_until IS NOT NULL") == []


def test_space_flips_a_cloze_and_shows_the_missing_words(learner):
    app = learner(80, 24)
    app.open_deck(CONVOLUTION)
    kind, shown = app.item()
    assert kind == "cloze", shown
    card = shown_card(shown, "cloze", "en")
    assert "[…1]" in shown
    shown = app.flip()
    for gap in card.gaps("en"):
        assert squash(gap[0]) in squash(shown), f"{gap[0]!r} is not shown:\n{shown}"
    assert RIGHT["en"] not in shown and WRONG["en"] not in shown, shown  # flipped: rated by the learner
    app.rate("3")
    app.item()
    assert app.reviews_of(card.id) == [("scheduled", 3, None, None)]


def test_cloze_gaps_separated_by_a_full_width_semicolon(learner):
    app = learner()
    app.open_deck(CONVOLUTION)
    kind, shown = app.item()
    assert kind == "cloze", shown
    card = shown_card(shown, "cloze", "en")
    gaps = card.gaps("en")
    assert len(gaps) >= 2, f"{card.id} has one gap: nothing to separate"
    typed = "；".join(gap[0] for gap in gaps)
    app.type(typed)
    app.wait_for(typed)
    app.press("Enter")
    shown = app.graded()
    assert RIGHT["en"] in shown, shown
    app.rate()
    app.item()
    [(mode, _, correct, answer)] = app.reviews_of(card.id)
    assert (mode, correct, answer) == ("scheduled", 1, typed)


def test_an_unreadable_matrix_is_explained_and_not_graded(learner):
    app = learner(80, 24)
    shown = app.conv2d_problem()
    assert "matrix" in app.shape_text(shown), shown
    logged = app.rows("SELECT COUNT(*) FROM reviews")
    app.type("abc")
    app.press("Enter", "Enter")  # the next row, then Enter on an empty row submits
    shown = app.wait_for("⚠")
    assert "abc" in shown.split("⚠", 1)[1], f"the box lost the text:\n{shown}"
    assert RATING_BAR not in shown and RIGHT["en"] not in shown and WRONG["en"] not in shown, shown
    assert app.rows("SELECT COUNT(*) FROM reviews") == logged
    assert app.rows("SELECT COUNT(*) FROM reviews WHERE item_id LIKE 'conv.feature-map%'") == [(0,)]
    at = timer(shown)
    app.wait_until(lambda s: timer(s) > at, "the timer going on after the warning", seconds=4)


def test_a_missed_problem_brings_its_related_card_once(learner):
    app = learner()
    app.open_deck(CONVOLUTION)
    kind, shown = app.item()
    app.answer_any(kind, shown, "3")
    kind, shown = app.item()
    assert kind == "problem", shown
    app.answer_wrong(shown)
    app.rate()
    [(problem_id,)] = app.rows("SELECT item_id FROM reviews ORDER BY id DESC LIMIT 1")  # committed

    kind, shown = app.item()
    assert RELATED["en"] in shown, shown
    related = shown_card(shown, kind, "en")
    screens = [shown]
    app.answer_any(kind, shown, "3")
    # Go on past the related card's own place among the new cards; other problems are buried
    # (they are not failed), so that no other related card comes.
    for _ in range(6):
        kind, shown = app.item()
        screens.append(shown)
        if kind == "problem":
            app.leave_box()
            app.press("-")
            app.wait_until(lambda s: COMMANDS["en"] not in s, "the next item after burying")
        else:
            app.answer_any(kind, shown, "3")
    app.end_session()

    label = [s for s in screens if RELATED["en"] in s]
    assert len(label) == 1, "the related label came more than once:\n" + "\n----\n".join(label)
    text = related.masked("en") if related.type == "cloze" else (related.front or related.question).en
    assert sum(squash(text) in squash(s) for s in screens) == 1, "the related card came again"
    assert len(app.reviews_of(related.id)) == 1
    assert related.id in templates()[problem_id].related
    later = app.rows("SELECT COUNT(*) FROM reviews r JOIN items i ON i.id = r.item_id "
                     "WHERE i.kind = 'card' AND i.deck = 'convolution' AND r.item_id > ?", related.id)
    assert later[0][0] >= 1, "the session did not go past the related card's own place among the new"
    assert app.rows("SELECT COUNT(*) FROM items WHERE buried_until IS NOT NULL")[0][0] >= 1


def test_the_summary_matches_the_database(learner):
    app = learner(lang="zh")
    app.open_deck(TRAINING)
    kind, shown = app.item()
    assert kind == "choice", shown
    card = shown_card(shown, "choice", "zh")
    assert RIGHT["zh"] in app.choose(*right_numbers(shown, card, "zh"))
    app.rate("1")  # right, rated Again: counts as right (graded)
    kind, shown = app.item()
    assert kind == "problem", shown
    app.answer_wrong(shown)
    app.rate("3")  # wrong, rated Good: counts as wrong (graded)
    kind, shown = app.item()
    assert RELATED["zh"] in shown and kind == "basic", shown
    app.flip()
    app.rate("1")  # self-rated Again: wrong
    kind, shown = app.item()
    assert RELATED["zh"] in shown and kind in ("basic", "cloze"), shown
    app.flip()
    app.rate("3")  # self-rated Good: right
    shown = app.end_session()

    counted = re.search(r"(\d+) 已答 · (\d+) 正确 · (\d+) 错误 · (?:(\d+) 分 )?(\d+) 秒", shown)
    assert counted, shown
    answered, right, wrong = (int(n) for n in counted.groups()[:3])
    seconds = int(counted.group(4) or 0) * 60 + int(counted.group(5))
    assert (answered, right, wrong) == (4, 2, 2), shown
    [(session_id, reviewed, correct, wrong_db, ended)] = app.rows(
        "SELECT id, reviewed, correct, wrong, ended_at FROM sessions")
    assert (reviewed, correct, wrong_db) == (answered, right, wrong)
    assert ended is not None
    logged = app.rows("SELECT rating, correct, duration_ms FROM reviews WHERE session_id = ?", session_id)
    assert len(logged) == answered
    by_rule = [bool(c) if c is not None else r > 1 for r, c, _ in logged]
    assert (by_rule.count(True), by_rule.count(False)) == (right, wrong)
    assert sum(ms for _, _, ms in logged) // 1000 == seconds

    app.press("Escape")
    app.wait_for("全部卡组")
    app.press("q")
    app.wait_for("[studyapp exited 0]")


WINDOW_CAPTION = "The window on the input times the kernel"


def window_and_cell(shown: str) -> tuple[list[tuple[int, int]], str]:
    """Where the conv figure's brackets are (line, column), and the output cell it works out."""
    lines = shown.splitlines()
    start = max(i for i, line in enumerate(lines) if WINDOW_CAPTION in line)
    brackets = [(i - start, j) for i, line in enumerate(lines[start:], start)
                for j, ch in enumerate(line) if ch == "["]
    cells = re.findall(r"a\((\d+,\d+)\) =", "\n".join(lines[start:]))
    return brackets, cells[-1]


def test_n_walks_the_window_across_the_input_one_output_cell_at_a_time(learner):
    app = learner(100, 40)
    shown = app.conv2d_problem()
    shown = app.answer_wrong(shown)
    for _ in range(4):  # past the padding and the output size, to the first row of windows
        if WINDOW_CAPTION in shown:
            break
        app.press("n")
        before = shown
        shown = app.wait_until(lambda s, before=before: s != before, "the next step of the solution")
    shown = app.wait_for(WINDOW_CAPTION)
    brackets, cell = window_and_cell(shown)
    assert cell == "0,0", shown
    seen = [brackets]
    for want in ("0,1", "0,2"):
        if f"a({want}) =" not in shown:
            break  # a row of fewer cells
        app.press("n")
        shown = app.wait_until(lambda s, want=want: WINDOW_CAPTION in s and window_and_cell(s)[1] == want,
                               f"the window on output cell {want}")
        seen.append(window_and_cell(shown)[0])
    moved = all(a != b for a, b in zip(seen, seen[1:], strict=False))
    assert len(seen) >= 2 and moved, "the window did not move"
    # the window's left bracket moved right along the same input rows, by the stride
    first, second = ([j for i, j in s if i <= 3] for s in seen[:2])
    assert min(second) > min(first), seen
    app.rate()
    assert len(app.rows("SELECT * FROM reviews WHERE item_id LIKE 'conv.feature-map%'")) == 1
