"""studyapp solve --answer: grade your own answer and name the mistake behind it."""

from __future__ import annotations

import json

import pytest

from studyapp.cli import main

CONV = '{"input_size": 7, "kernel_size": 3, "padding": 1, "stride": 2}'


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_wrong_answer_names_its_mistake(capsys):
    code, out, _ = run(capsys, "solve", "conv_output_size", "--params", CONV, "--answer", "3")
    assert code == 1
    assert out.startswith("✗ wrong")
    assert "[conv.forgot_plus_one]" in out and "see step 1" in out
    assert "Answer: 4" in out


def test_json_verdict(capsys):
    code, out, _ = run(capsys, "solve", "conv_output_size", "--params", CONV, "--answer", "3",
                       "--format", "json")
    doc = json.loads(out)
    assert code == 1
    assert (doc["correct"], doc["score"], doc["answer"]) == (False, 0.0, 4)
    assert doc["mistake"]["tag"] == "conv.forgot_plus_one" and doc["mistake"]["message"]
    assert doc["solution"][0]["result"] == 4


def test_a_right_answer_has_no_mistake(capsys):
    code, out, _ = run(capsys, "solve", "conv_output_size", "--params", CONV, "--answer", "4",
                       "--format", "json")
    doc = json.loads(out)
    assert code == 0 and doc["correct"] is True and doc["mistake"] is None


def test_structured_answer_in_chinese(capsys):
    params = '{"logits": [2, 1, 0.1], "target": 0}'
    code, out, _ = run(capsys, "solve", "softmax_cross_entropy", "--params", params, "--lang", "zh",
                       "--answer", "loss: 0.4170; grad: [0.6590, 0.2424, 0.0986]")
    assert code == 1 and "✗ 不对" in out and "[sce.grad_forgot_onehot]" in out and "答案" in out


def test_an_unreadable_answer_is_explained_not_a_traceback(capsys):
    code, out, err = run(capsys, "solve", "softmax", "--params", '{"logits": [1, 2]}', "--answer", "[1, 2")
    assert code == 2 and out == "" and "Traceback" not in err
    assert err.count("\n") == 1 and "bracket" in err and "expected a vector of 2" in err


SOFTPLUS = '{"function": "softplus", "x": 3, "derivative": false}'  # 3.048587, asked to 4 places


def test_solve_grades_to_the_places_asked(capsys):
    code, out, _ = run(capsys, "solve", "activation", "--params", SOFTPLUS, "--answer", "3.0485")
    assert code == 0 and out.startswith("✓ right")  # cut to 4 places
    code, out, _ = run(capsys, "solve", "activation", "--params", SOFTPLUS, "--answer", "3.06")
    assert code == 1 and out.startswith("✗ wrong")  # no 0.5 % of slack
    code, out, _ = run(capsys, "solve", "activation", "--params", SOFTPLUS, "--answer", "3.05",
                       "--lang", "zh")
    assert code == 0 and out.startswith("◐ 部分正确(得分 50%): 数值正确;请保留 4 位小数")
    code, out, _ = run(capsys, "solve", "activation", "--params", SOFTPLUS, "--answer", "3.05",
                       "--format", "json")
    doc = json.loads(out)
    assert (doc["correct"], doc["score"]) == (True, 0.5)
    assert doc["message"] == "right value; give it to 4 decimal places"


@pytest.mark.parametrize(("bias", "answer", "tag"), [
    (False, 5 * 5 * 512 * 160 + 160, "conv.params_added_bias"),  # biases counted for a layer without
    (True, 5 * 5 * 512 * 160, "conv.params_forgot_bias"),
    (False, 5 * 5 * 160, "conv.params_forgot_channels"),
])
def test_conv_parameter_count_names_the_bias_mistake_either_way(capsys, bias, answer, tag):
    params = json.dumps({"kernel_size": 5, "in_channels": 512, "filters": 160, "bias": bias})
    code, out, _ = run(capsys, "solve", "conv_param_count", "--params", params, "--answer", str(answer))
    assert code == 1 and f"[{tag}]" in out
