"""UI strings in English and Simplified Chinese."""

from __future__ import annotations

STRINGS = {
    "en": {
        "title": "studyapp", "decks": "Decks", "deck": "Deck", "new": "New", "learning": "Learning",
        "due": "Due", "all_decks": "All decks", "today": "Today", "done": "done", "left": "left",
        "study": "Study", "practice": "Practise", "quit": "Quit", "show": "Show answer",
        "again": "Again", "hard": "Hard", "good": "Good", "easy": "Easy", "submit": "Submit",
        "answer_here": "Type your answer and press Enter", "right": "✓ right", "wrong": "✗ wrong",
        "expected": "Expected", "yours": "Yours", "mistake": "Likely mistake", "solution": "Worked solution",
        "hint": "Hint", "undo": "Undo", "suspend": "Suspend", "bury": "Bury", "end": "End session",
        "nothing": "Nothing more to study now. Press Escape for the summary.",
        "summary": "Session summary", "answered": "answered", "correct": "right", "incorrect": "wrong",
        "due_tomorrow": "due tomorrow", "back_home": "Press Escape or Enter to go back.",
        "rate": "Rate: 1 Again · 2 Hard · 3 Good · 4 Easy (Enter accepts the proposal)",
        "choose": "Press the numbers of your choices, then Enter", "flip": "Space or Enter shows the back",
        "cloze_hint": "Type the missing word(s) (separate gaps with ;) and Enter, or Space to flip",
        "leech": "This item is now a leech: it keeps slipping. Consider rewording it or suspending it.",
        "broken": "A deck could not be loaded", "shape": "Expected", "undone": "Undone",
        "suspended": "Suspended", "buried": "Buried until tomorrow", "proposed": "proposed",
        "keys": "h hint · u undo · s suspend · - bury · Tab back to the answer · Esc end the session",
    },
    "zh": {
        "title": "studyapp", "decks": "卡组", "deck": "卡组", "new": "新卡", "learning": "学习中",
        "due": "待复习", "all_decks": "全部卡组", "today": "今天", "done": "已完成", "left": "剩余",
        "study": "学习", "practice": "练习", "quit": "退出", "show": "显示答案",
        "again": "重来", "hard": "困难", "good": "良好", "easy": "简单", "submit": "提交",
        "answer_here": "输入答案后按回车", "right": "✓ 正确", "wrong": "✗ 错误",
        "expected": "正确答案", "yours": "你的答案", "mistake": "可能的错误", "solution": "解题过程",
        "hint": "提示", "undo": "撤销", "suspend": "暂停", "bury": "搁置", "end": "结束",
        "nothing": "现在没有要学的内容了。按 Esc 查看总结。",
        "summary": "本次学习总结", "answered": "已答", "correct": "正确", "incorrect": "错误",
        "due_tomorrow": "明天到期", "back_home": "按 Esc 或回车返回。",
        "rate": "评分:1 重来 · 2 困难 · 3 良好 · 4 简单(回车接受建议)",
        "choose": "按数字键选择选项,然后回车", "flip": "按空格或回车显示背面",
        "cloze_hint": "输入空缺处的答案(多个空用 ; 分隔)后回车,或按空格翻面",
        "leech": "这张卡已成为「顽固卡」(leech):总是忘。可以考虑改写或暂停它。",
        "broken": "有卡组无法加载", "shape": "应为", "undone": "已撤销",
        "suspended": "已暂停", "buried": "已搁置到明天", "proposed": "建议",
        "keys": "h 提示 · u 撤销 · s 暂停 · - 搁置 · Tab 回到答案框 · Esc 结束学习",
    },
}


def tr(lang: str, key: str) -> str:
    return STRINGS.get(lang, STRINGS["en"]).get(key, STRINGS["en"][key])
