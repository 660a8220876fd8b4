"""Footer labels in the UI's language.

Textual reads a binding's description from the class's BINDINGS, in one language; each screen
calls ``localize_bindings`` when mounted so that its footer speaks the learner's language.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from rich.style import Style
from rich.text import Text
from textual.binding import BindingsMap
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widgets import Static

ZH = {
    "Study": "学习", "Practise": "练习", "Exam": "考试", "Browse": "浏览", "Stats": "统计",
    "Statistics": "统计", "Settings": "设置", "Help": "帮助", "Quit": "退出", "Back": "返回",
    "Again": "重来", "Hard": "困难", "Good": "良好", "Easy": "简单", "Hint": "提示",
    "Next step": "下一步", "All steps": "全部步骤", "Undo": "撤销", "Suspend": "暂停", "Bury": "搁置",
    "End": "结束", "Show": "翻面", "Submit / accept": "提交/接受", "Close": "关闭", "Refresh": "刷新",
    "Search": "搜索", "Details": "详情", "Suspend/unsuspend": "暂停/恢复", "Start": "开始",
    "Finish": "交卷", "Next": "下一题", "Previous": "上一题", "Save": "保存", "Sort": "排序",
    "Leave": "离开", "Yes": "是", "No": "否", "Next page": "下一页", "Previous page": "上一页",
    "Home": "回主页", "Next field": "下一项", "(Un)suspend": "暂停/恢复", "Reverse": "倒序",
    "Submit": "提交", "Accept": "接受建议", "Answer box": "答案框", "Commands": "命令",
}

PALETTE = {"en": "palette", "zh": "命令面板"}


def localize_bindings(node: DOMNode, lang: str) -> None:
    """Give ``node``'s own bindings their descriptions in ``lang`` (English is as written).

    Called again after a language change, it starts from the English originals.
    """
    english: BindingsMap = node.__dict__.setdefault("_english_bindings", node._bindings)
    if lang != "zh":
        node._bindings = english
    else:
        node._bindings = BindingsMap([replace(b, description=ZH.get(b.description, b.description))
                                      for group in english.key_to_bindings.values() for b in group])
    if node.is_attached:
        node.refresh_bindings()


class KeyFooter(Static):
    """The shown keys of the screen on one line, each clickable, as ``key label`` pairs.

    One Static rather than Textual's Footer (a widget per key): the keys change whenever the
    focus moves into or out of the answer box, and rebuilding the stock Footer then cost more
    than grading the answer and drawing the feedback together.
    """

    DEFAULT_CSS = """
    KeyFooter { dock: bottom; height: 1; background: $footer-background; color: $footer-foreground;
                text-wrap: nowrap; text-overflow: ellipsis; }
    """

    _shown: tuple | None = None

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self.bindings_changed)
        self.bindings_changed(self.screen)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def bindings_changed(self, screen: Screen) -> None:
        # The screen's own keys in the order its BINDINGS give (the primary action first), even
        # where Textual lists priority bindings (such as Ctrl+Z in an answer box) ahead of them;
        # a focused box's key for the same action (Enter: submit) takes that action's place.
        rank = {b.action: i for i, b in enumerate(b for group in screen._bindings.key_to_bindings.values()
                                                  for b in group)}
        ranked: list[tuple[int, int, Any]] = []
        actions: set[str] = set()
        active = screen.active_bindings  # computed on each read: every binding's check_action
        for node, binding, enabled, _tooltip in active.values():
            if not binding.show or binding.action in actions:
                continue
            actions.add(binding.action)
            ranked.append((rank.get(binding.action, len(rank)), len(ranked),
                           (self._target(node, binding.action), self.app.get_key_display(binding),
                            binding.description, enabled)))
        shown = [entry for *_, entry in sorted(ranked)]
        if self.app.ENABLE_COMMAND_PALETTE and self.app.COMMAND_PALETTE_BINDING in active:
            shown.append(("app.command_palette", "^p", PALETTE.get(self.app_lang(), "palette"), True))
        signature = tuple(shown)
        if signature == self._shown:
            return
        self._shown = signature
        self.render_keys()

    def on_resize(self) -> None:
        self.render_keys()

    def render_keys(self) -> None:
        """Roomy when the keys fit, tighter when they do not, then without the palette's key,
        then with the keys unpadded (reverse video still sets them apart), so that at 80 columns
        every key of Home's footer, Quit included, is in sight."""
        shown = list(self._shown or ())
        width = self.size.width or 80
        for pad, gap in ((" ", 2), (" ", 1), (" ", 1), ("", 1)):
            text = Text(no_wrap=True, overflow="ellipsis")
            for action, key, description, enabled in shown:
                style = Style(dim=not enabled, meta={"@click": action} if action and enabled else {})
                text.append(f"{pad}{key}{pad}", style=Style(bold=True, reverse=True) + style)
                text.append(f" {description}{' ' * gap}", style=style)
            if text.cell_len <= width:
                break
            if pad and gap == 1 and shown and shown[-1][0] == "app.command_palette":
                shown.pop()
        self.update(text, layout=False)  # docked, one line high: the keys never change its size

    def app_lang(self) -> str:
        settings = getattr(self.app, "settings", None)
        return getattr(settings, "lang", "en")

    def _target(self, node: DOMNode, action: str) -> str:
        """The action as a click runs it: clicks on this bar would otherwise look for it here."""
        if action.startswith(("app.", "screen.")):
            return action
        if node is self.app:
            return f"app.{action}"
        return f"screen.{action}" if node is self.screen else ""
