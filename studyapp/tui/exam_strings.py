"""The words of every exam screen (set-up, exam, result) in English and Chinese."""

from __future__ import annotations

S = {
    "en": {
        "setup": "Exam · choose the problems", "decks": "Decks (none ticked: all)",
        "kinds": "Kinds (none ticked: all)", "count": "Problems", "seed": "Seed",
        "minutes": "Time limit (min)", "seed_blank": "blank: random", "minutes_blank": "blank: none",
        "start": "Start", "making": "Making the problems…",
        "no_templates": "No deck has problem templates: there is nothing to examine.",
        "exam": "Exam", "answered": "answered", "left": "left", "no_limit": "no time limit",
        "form": "Answer as", "box": "Your answer (Enter saves it and goes to the next problem)",
        "help": "Enter saves the answer and goes on. Nothing is graded before the end.",
        "last": "That was the last problem: ctrl+f finishes, ctrl+b goes back.",
        "unanswered": "{n} of {total} problems are unanswered.",
        "unreadable": "The answers to problems {numbers} cannot be read.",
        "count_wrong": "They will count as wrong. Finish anyway?",
        "leave": "Leave the exam? What you answered is graded and saved; unanswered problems count "
                 "as wrong.",
        "yes": "y / Enter: yes", "no": "n / Esc: no", "time_up": "Time is up: the exam is finished.",
        "saving": "Grading and saving your answers…", "save_failed": "Could not save the exam",
        "result": "Exam result", "score": "Score", "seed_used": "seed", "again": "The same problems again",
        "timed_out": "time ran out", "yours": "Your answer", "expected": "Right answer",
        "blank": "(no answer)", "mistake": "Likely mistake", "step": " (see step {n})",
        "solution": "Worked solution", "right": "✓ right", "wrong": "✗ wrong",
        "page": "problems {first}–{last} of {total}",
    },
    "zh": {
        "setup": "考试 · 选择题目", "decks": "卡组(不勾选即全部)", "kinds": "题型(不勾选即全部)",
        "count": "题数", "seed": "种子", "minutes": "限时(分钟)",
        "seed_blank": "留空则随机", "minutes_blank": "留空则不限时",
        "start": "开始", "making": "正在出题…",
        "no_templates": "没有任何卡组含有题目模板,无法考试。",
        "exam": "考试", "answered": "已答", "left": "剩余", "no_limit": "不限时",
        "form": "作答形式", "box": "你的答案(回车保存并进入下一题)",
        "help": "回车保存答案并进入下一题。交卷前不评分。",
        "last": "这是最后一题:ctrl+f 交卷,ctrl+b 返回上一题。",
        "unanswered": "共 {total} 题,有 {n} 题未作答。",
        "unreadable": "第 {numbers} 题的答案无法识别。",
        "count_wrong": "这些题将按错误计分。仍要交卷吗?",
        "leave": "离开考试吗?已作答的题目会评分并保存;未作答的按错误计分。",
        "yes": "y / 回车:是", "no": "n / Esc:否", "time_up": "时间到,考试已结束。",
        "saving": "正在评分并保存答案…", "save_failed": "无法保存考试结果",
        "result": "考试结果", "score": "得分", "seed_used": "种子", "again": "再出同一套题",
        "timed_out": "时间到", "yours": "你的答案", "expected": "正确答案",
        "blank": "(未作答)", "mistake": "可能的错误", "step": "(见第 {n} 步)",
        "solution": "解题过程", "right": "✓ 正确", "wrong": "✗ 错误",
        "page": "第 {first}–{last} 题,共 {total} 题",
    },
}

def t(lang: str, key: str) -> str:
    return S.get(lang, S["en"]).get(key, S["en"][key])
