"""`emulate validate` and `emulate criteria` on the command line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from emulate.cli import app
from emulate.rules.load import load_rules_text
from tests.test_rules_load import BASE, CASES

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str):
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def test_builtin_files_are_valid_and_their_tests_pass() -> None:
    result = run(
        "validate",
        str(ROOT / "criteria" / "national.yaml"),
        str(ROOT / "criteria" / "vi-du-so.yaml"),
        "--lang",
        "en",
    )
    assert result.exit_code == 0, result.output
    assert "national.yaml: valid (0 errors, 0 warnings)" in result.output
    assert "33/33 test cases passed." in result.output
    assert "All 2 files are valid." in result.output


def test_every_problem_of_every_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    text = CASES["unknown_name"].replace("year: 2025", "year: 2025\nyear: 2026")
    bad.write_text(text, encoding="utf-8")
    result = run("validate", "national", str(bad))
    assert result.exit_code == 1
    out = result.output
    assert "national: hợp lệ" in out
    assert f"{bad}: có lỗi (2 lỗi, 0 cảnh báo)" in out
    assert f"lỗi {bad}:4:1: khóa 'year' bị lặp (lần đầu ở dòng 3)" in out
    assert f"lỗi {bad}:18:29: tên 'initiative' không tồn tại trong điều kiện của LDTT" in out
    assert "Các ca kiểm thử không chạy vì tệp có lỗi." in out
    assert "1/2 tệp có lỗi hoặc ca kiểm thử không đạt." in out


def test_json_output(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(CASES["quota_per"], encoding="utf-8")
    result = run("validate", str(bad), "--json", "--lang", "en")
    assert result.exit_code == 1
    payload = json.loads(result.output)
    (entry,) = payload["files"]
    assert entry["ok"] is False
    assert entry["diagnostics"] == [
        {
            "code": "rules.quota_per",
            "severity": "error",
            "where": f"{bad}:19:28",
            "message": "'per: unti' of LDTT is not a field of people (did you mean 'unit'?)",
        }
    ]
    assert entry["tests"] == {"count": 0, "ran": False, "passed": 0, "failures": []}


def test_a_failing_embedded_test(tmp_path: Path) -> None:
    text = BASE + (
        "tests:\n"
        "  - name: sai cố ý\n"
        "    units: [{id: U}]\n"
        "    people: [{id: A, unit: U, level: HTT, gender: Nam}]\n"
        "    expect: {A: []}\n"
        "  - name: đúng\n"
        "    units: [{id: U}]\n"
        "    people: [{id: A, unit: U, level: HTT, gender: Nam}]\n"
        "    expect: {A: [LDTT]}\n"
    )
    load_rules_text(text, "t.yaml")  # the file itself is valid
    path = tmp_path / "t.yaml"
    path.write_text(text, encoding="utf-8")
    result = run("validate", str(path), "--lang", "en")
    assert result.exit_code == 1, result.output
    assert "1 test cases failed (1/2 passed):" in result.output
    assert "sai cố ý" in result.output


def test_warnings_do_not_fail(tmp_path: Path) -> None:
    path = tmp_path / "w.yaml"
    path.write_text(BASE.replace("references:\n", 'references:\n  X: "x"\n'), encoding="utf-8")
    result = run("validate", str(path), "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "valid (0 errors, 1 warnings)" in result.output
    assert "warning" in result.output and "reference 'X' is not cited by any basis" in result.output


def test_usage_errors() -> None:
    result = run("validate", "khong-co.yaml")
    assert result.exit_code == 2
    assert "Không tìm thấy tệp 'khong-co.yaml'" in result.output
    assert run("validate", "national", "--lang", "fr").exit_code == 2
    assert run("validate").exit_code == 2


def test_criteria_list_and_show(tmp_path: Path) -> None:
    result = run("criteria", "list")
    assert result.exit_code == 0
    assert "national" in result.output and "vi-du-so" in result.output
    assert "2025-07-01" in result.output
    shown = run("criteria", "show", "vi-du-so")
    assert shown.exit_code == 0
    rules = load_rules_text(shown.output, "show.yaml")
    assert [g.id for g in rules.units.score] == ["I", "II", "III", "IV"]
    assert rules.titles["LDTT"].basis == "L2022 Điều 24; ND152 Điều 4.5"
    assert run("criteria", "show", "khong-co").exit_code == 2
    bad = tmp_path / "bad.yaml"
    bad.write_text(CASES["title_cycle"], encoding="utf-8")
    result = run("criteria", "show", str(bad), "--lang", "en")
    assert result.exit_code == 1
    assert "titles depend on each other in a cycle: LDTT → CSTDCS → LDTT" in result.output


def test_help_imports_neither_pandas_nor_openpyxl() -> None:
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "emulate", "--help"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        check=True,
    )
    imported = {line.split("|")[-1].strip().split(".")[0] for line in proc.stderr.splitlines()}
    assert "emulate" in imported
    assert "pandas" not in imported
    assert "openpyxl" not in imported


def test_validating_a_file_without_tests_imports_neither_pandas_nor_numpy(tmp_path: Path) -> None:
    national = (ROOT / "criteria" / "national.yaml").read_text(encoding="utf-8")
    plain = tmp_path / "plain.yaml"
    plain.write_text(national[: national.index("\ntests:")] + "\n", encoding="utf-8")
    child = tmp_path / "child.yaml"
    child.write_text("format: emulate/1\nextends: plain.yaml\nyear: 2026\n", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "emulate", "validate", str(plain), str(child)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Không có ca kiểm thử." in proc.stdout
    imported = {line.split("|")[-1].strip().split(".")[0] for line in proc.stderr.splitlines()}
    assert "emulate" in imported
    assert "pandas" not in imported
    assert "numpy" not in imported
