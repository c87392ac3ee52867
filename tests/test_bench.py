"""bench: the per-model comparison prints build time, CPU time, peak memory and retrieval quality on one line."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from eig_qa import bench


def test_compare_models_prints_one_line_per_model(monkeypatch, capsys, tmp_path):
    models_seen = []

    def fake_child(code, env):
        models_seen.append(env["EIG_QA_MODEL"])
        return 12.5, 20.25, 800.0

    monkeypatch.setattr(bench, "_child", fake_child)
    monkeypatch.setattr(bench, "_retrieval_quality", lambda env: "tune hit@5 0.800 MRR 0.700")
    monkeypatch.setattr(bench, "DEV_QUESTIONS", tmp_path / "questions.jsonl")
    (tmp_path / "questions.jsonl").write_text("")
    bench.compare_models(["e5", "e5-onnx-int8"])
    lines = capsys.readouterr().out.splitlines()
    assert models_seen == ["e5", "e5-onnx-int8"]
    assert [line.split()[0] for line in lines] == ["e5", "e5-onnx-int8"]
    assert "12.5 s" in lines[0] and "20.2 s CPU" in lines[0] and "800 Mo" in lines[0] and "hit@5 0.800" in lines[0]


def test_without_dev_questions_the_comparison_says_so(monkeypatch, capsys, tmp_path):
    monkeypatch.setattr(bench, "_child", lambda code, env: (1.0, 1.0, 1.0))
    monkeypatch.setattr(bench, "DEV_QUESTIONS", tmp_path / "absent.jsonl")
    bench.compare_models(["minilm"])
    assert "questions de développement absentes" in capsys.readouterr().out


def test_each_child_reports_its_own_peak_memory():
    # From a small parent, as bench runs them: a forked child counts its parent's pages until it starts Python.
    code = ("import json, os; from eig_qa import bench; env = dict(os.environ); print(json.dumps([bench._child("
            "'block = bytearray(300_000_000); block[::4096] = bytes(len(block[::4096]))', env)[2], "
            "bench._child('pass', env)[2]]))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    big, small = json.loads(out.stdout)
    assert big > 250 > 100 > small


def test_a_failing_child_is_an_error():
    with pytest.raises(subprocess.CalledProcessError):
        bench._child("raise SystemExit(3)", dict(os.environ))
