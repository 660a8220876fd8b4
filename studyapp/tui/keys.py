"""Footer labels in the UI's language.

Textual reads a binding's description from the class's BINDINGS, in one language; each screen
calls ``localize_bindings`` when mounted so that its footer speaks the learner's language.
"""

from __future__ import annotations

from dataclasses import replace

from textual.binding import BindingsMap
from textual.dom import DOMNode

ZH = {
    "Study": "学习", "Practise": "练习", "Exam": "考试", "Browse": "浏览", "Stats": "统计",
    "Statistics": "统计", "Settings": "设置", "Help": "帮助", "Quit": "退出", "Back": "返回",
    "Again": "重来", "Hard": "困难", "Good": "良好", "Easy": "简单", "Hint": "提示",
    "Next step": "下一步", "All steps": "全部步骤", "Undo": "撤销", "Suspend": "暂停", "Bury": "搁置",
    "End": "结束", "Show": "翻面", "Submit / accept": "提交/接受", "Close": "关闭", "Refresh": "刷新",
    "Search": "搜索", "Details": "详情", "Suspend/unsuspend": "暂停/恢复", "Start": "开始",
    "Finish": "交卷", "Next": "下一题", "Previous": "上一题", "Save": "保存", "Sort": "排序",
}


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
