"""The help screen: every key binding of every screen."""

from __future__ import annotations

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from studyapp.tui.keys import localize_bindings

KEYS = {
    "en": [
        ("Home", [("↑ ↓", "choose a deck"), ("Enter", "study it (or all decks)"),
                  ("p", "practise it ahead of schedule (no schedule changes)"), ("e", "exam"),
                  ("b", "browse every item"), ("s", "statistics"), (",", "settings"), ("?", "this help"),
                  ("Ctrl+P", "command palette (every action by name)"), ("q", "quit")]),
        ("Study", [("Space / Enter", "show the back of a card"), ("1–9", "pick choice options"),
                   ("Enter", "submit a typed answer or the chosen options; after the feedback, "
                             "accept the proposed rating"),
                   ("1 2 3 4", "rate Again / Hard / Good / Easy (each shows its next interval)"),
                   ("Escape", "leave the answer box; again: end the session with a summary"),
                   ("Tab", "back into the answer box"), ("h", "hint: the first step (rating at most Hard)"),
                   ("n / a", "after the answer: the next step of the worked solution / all steps"),
                   ("u", "undo the last answer"), ("s", "suspend the item"),
                   ("-", "bury it until tomorrow")]),
        ("Matrix answers", [("Enter", "next row; on the last row (or after a one-line answer): submit"),
                            ("↑ ↓ ← →", "move between rows and entries"),
                            ("Escape", "leave the editor (then h, u, s, - act as keys)")]),
        ("Answers", [("numbers", "3, -0.25, .5, 1e-3, 3/4"), ("vectors", "[1, 2, 3] or 1 2 3"),
                     ("matrices", "[[1, 2], [3, 4]] or 1 2; 3 4"),
                     ("parts", "loss: 0.42; grad: [0.1, -0.3]"), ("cloze gaps", "first; second")]),
    ],
    "zh": [
        ("主页", [("↑ ↓", "选择卡组"), ("回车", "学习该卡组(或全部)"), ("p", "提前练习(不改变复习计划)"),
                 ("e", "考试"), ("b", "浏览所有条目"), ("s", "统计"), (",", "设置"), ("?", "本帮助"),
                 ("Ctrl+P", "命令面板(按名称执行任何操作)"), ("q", "退出")]),
        ("学习", [("空格 / 回车", "显示卡片背面"), ("1–9", "选择选项"),
                 ("回车", "提交输入的答案或所选选项;看过反馈后接受建议的评分"),
                 ("1 2 3 4", "评分:重来 / 困难 / 良好 / 简单(各自显示下次间隔)"),
                 ("Esc", "离开答案框;再按一次结束学习并查看总结"), ("Tab", "回到答案框"),
                 ("h", "提示:解题第一步(评分最高为困难)"), ("u", "撤销上一个答案"),
                 ("n / a", "答题后:显示解题过程的下一步 / 全部步骤"),
                 ("s", "暂停该卡"), ("-", "搁置到明天")]),
        ("矩阵答案", [("回车", "换到下一行;在最后一行(或一行写完整个答案时)提交"),
                   ("↑ ↓ ← →", "在行和元素之间移动"), ("Esc", "离开编辑框(之后 h、u、s、- 作为按键)")]),
        ("答案格式", [("数字", "3、-0.25、.5、1e-3、3/4"), ("向量", "[1, 2, 3] 或 1 2 3"),
                   ("矩阵", "[[1, 2], [3, 4]] 或 1 2; 3 4"), ("多个部分", "loss: 0.42; grad: [0.1, -0.3]"),
                   ("填空", "第一空; 第二空")]),
    ],
}


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark", "close", "Close")]

    def __init__(self, lang: str):
        super().__init__()
        self.lang = lang

    def on_mount(self) -> None:
        localize_bindings(self, self.lang)

    def compose(self) -> ComposeResult:
        lines = []
        for section, keys in KEYS.get(self.lang, KEYS["en"]):
            lines.append(f"[b]{section}[/b]")
            # padded by cells, not characters: 回车 is four cells wide
            lines += [f"  [b]{key}{' ' * max(14 - cell_len(key), 1)}[/b] {what}" for key, what in keys]
            lines.append("")
        with VerticalScroll(id="help-box"):
            yield Static("\n".join(lines))

    def action_close(self) -> None:
        self.dismiss(None)
