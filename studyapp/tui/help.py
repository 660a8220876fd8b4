"""The help screen: every key binding of every screen."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
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
        ("Exam", [("Ctrl+S", "set-up: start (none ticked = every deck)"),
                  ("Space / Tab", "tick / next field"),
                  ("Enter", "save the answer, next problem"), ("Ctrl+N / PgDn", "next problem"),
                  ("Ctrl+B / PgUp", "previous problem"), ("Ctrl+F", "finish (asks if some are unanswered)"),
                  ("Escape", "leave: asks, then scores and logs what was answered"),
                  ("n / p", "result: next / previous page")]),
        ("Browse", [("type", "search: deck:ID is:new|learn|review|due|suspended|leech|buried kind:K tag:T "
                             "prop:ivl>10 -term \"a phrase\" a or b"),
                    ("Enter / ↓", "into the table; on a row: details and review history"),
                    ("s", "suspend / unsuspend"), ("o / r", "sort by the next column / reverse"),
                    ("/", "back to the search line"), ("Escape", "back")]),
        ("Statistics", [("r", "recompute"), ("↑ ↓ PgUp PgDn", "scroll"), ("Escape", "back")]),
        ("Settings", [("Tab", "next field"), ("Enter", "save the value in a box (a list saves when chosen)"),
                      ("Escape", "back (a box not yet saved is saved first)")]),
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
        ("考试", [("Ctrl+S", "设置页:开始(不勾选=全部卡组)"), ("空格 / Tab", "勾选 / 下一栏"),
                 ("回车", "保存答案并进入下一题"), ("Ctrl+N / PgDn", "下一题"), ("Ctrl+B / PgUp", "上一题"),
                 ("Ctrl+F", "交卷(有未答题时先确认)"), ("Esc", "离开:确认后评分并记录已答部分"),
                 ("n / p", "结果页:下一页 / 上一页")]),
        ("浏览", [("输入", "搜索:deck:ID is:new|learn|review|due|suspended|leech|buried kind:K tag:T "
                          "prop:ivl>10 -取反 \"短语\" a or b"),
                 ("回车 / ↓", "进入表格;在某行上:详情与复习记录"), ("s", "暂停 / 恢复"),
                 ("o / r", "按下一列排序 / 倒序"), ("/", "回到搜索框"), ("Esc", "返回")]),
        ("统计", [("r", "重新计算"), ("↑ ↓ PgUp PgDn", "滚动"), ("Esc", "返回")]),
        ("设置", [("Tab", "下一项"), ("回车", "保存输入框中的值(下拉列表选中即保存)"),
                 ("Esc", "返回(未保存的输入框先保存)")]),
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
        text = Text()
        for section, keys in KEYS.get(self.lang, KEYS["en"]):
            text.append(f"{section}\n", style="bold")
            for key, what in keys:
                # padded by cells, not characters: 回车 is four cells wide
                text.append(f"  {key}{' ' * max(14 - cell_len(key), 1)}", style="bold")
                text.append(f" {what}\n")
            text.append("\n")
        with VerticalScroll(id="help-box"):
            yield Static(text)

    def action_close(self) -> None:
        self.dismiss(None)
