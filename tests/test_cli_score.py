"""`emulate score` on the command line. The engine is replaced by the hand-made result here;
the end-to-end run on the example report is at the bottom."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from emulate.cli import app
from emulate.cli import score as score_cli
from emulate.diagnostics import Diagnostic, EmulateError, Severity, Where
from emulate.output.resultjson import dumps_canonical, load_result, result_to_document, sha256_hex
from tests.output_factory import make_result

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "bao-cao-so-2025.xlsx"


@pytest.fixture
def fake_engine(tmp_path, monkeypatch):
    """Reports in a temp folder; `decide` returns the fixture result."""
    monkeypatch.chdir(tmp_path)
    for name in ("bao-cao-p01.xlsx", "bao-cao-p02.xlsx"):
        (tmp_path / name).write_bytes(b"report " + name.encode())
    calls = []

    def decide(reports, **kwargs):
        calls.append((list(reports), kwargs))
        return make_result(lang=kwargs["lang"]), False

    monkeypatch.setattr(score_cli, "decide", decide)
    return calls


def run(*args: str):
    return CliRunner().invoke(app, list(args))


def test_writes_workbook_and_json(tmp_path, fake_engine):
    res = run("score", "bao-cao-p01.xlsx", "bao-cao-p02.xlsx", "--json", "ket-qua.json")
    assert res.exit_code == 0, res.output
    doc = load_result(tmp_path / "ket-qua.json")
    sha = sha256_hex(dumps_canonical(result_to_document(make_result())))
    assert (tmp_path / "ket-qua.json").read_bytes() == dumps_canonical(doc)
    assert f"SHA-256 của kết quả (JSON): {sha}" in res.stdout
    assert "Đã ghi ket-qua.xlsx" in res.stdout and "Đã ghi ket-qua.json" in res.stdout
    assert load_result(tmp_path / "ket-qua.xlsx") == doc
    assert load_workbook(tmp_path / "ket-qua.xlsx").sheetnames[0] == "Tổng hợp"
    (reports, kwargs) = fake_engine[0]
    assert reports == [Path("bao-cao-p01.xlsx"), Path("bao-cao-p02.xlsx")]
    assert kwargs["criteria"] is None and kwargs["keep_going"] is False
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_options_reach_the_pipeline(tmp_path, fake_engine):
    res = run(
        "score", "bao-cao-p01.xlsx", "-c", "national", "--year", "2025",
        "--history", "lich-su.xlsx", "-o", "kq.xlsx", "--lang", "en", "--keep-going",
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    _, kwargs = fake_engine[0]
    assert kwargs["criteria"] == "national" and kwargs["year"] == 2025
    assert kwargs["history"] == [Path("lich-su.xlsx")] and kwargs["keep_going"] is True
    assert "Total prize money: 6,810,000 VND" in res.stdout
    assert load_workbook(tmp_path / "kq.xlsx").sheetnames[0] == "Summary"


@pytest.mark.parametrize(("flag", "rows"), [((), 1 + 18), (("--explain-all",), 1 + 24)])
def test_explanations_of_eligible_decisions_unless_all_asked(tmp_path, fake_engine, flag, rows):
    res = run("score", "bao-cao-p01.xlsx", *flag)
    assert res.exit_code == 0, res.output
    sheet = load_workbook(tmp_path / "ket-qua.xlsx")["Giải trình"]
    assert sheet.max_row == rows
    assert len(load_result(tmp_path / "ket-qua.xlsx")["decisions"]) == 24  # the JSON: all


@pytest.mark.parametrize("output", ["bao-cao-p01.xlsx", "./bao-cao-p02.xlsx"])
def test_never_writes_over_an_input(tmp_path, fake_engine, output):
    res = run("score", "bao-cao-p01.xlsx", "bao-cao-p02.xlsx", "-o", output)
    assert res.exit_code == 2
    assert "Không ghi kết quả đè lên tệp đầu vào" in res.stderr
    assert (tmp_path / "bao-cao-p01.xlsx").read_bytes() == b"report bao-cao-p01.xlsx"
    assert not fake_engine  # refused before any work


def test_json_and_workbook_on_one_path(fake_engine):
    res = run("score", "bao-cao-p01.xlsx", "-o", "kq.xlsx", "--json", "kq.xlsx")
    assert res.exit_code == 2


def test_input_errors_write_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    bad = Diagnostic(
        "input.bad_number",
        Severity.ERROR,
        Where("bao-cao.xlsx", "Đơn vị", "D7"),
        "Ô D7 không phải là số: 'mười'",
        "Cell D7 is not a number: 'mười'",
    )

    def decide(reports, **kwargs):
        raise score_cli.InputErrors([bad])

    monkeypatch.setattr(score_cli, "decide", decide)
    res = run("score", "bao-cao.xlsx", "--json", "kq.json")
    assert res.exit_code == 1
    assert "Ô D7 không phải là số" in res.stderr and "Đơn vị!D7" in res.stderr
    assert "không ghi kết quả" in res.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_rules_that_do_not_load(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    problem = Diagnostic(
        "rules.file_missing", Severity.ERROR, Where("x.yaml"), "Không có tệp x.yaml", "No x.yaml"
    )

    def decide(reports, **kwargs):
        raise EmulateError([problem])

    monkeypatch.setattr(score_cli, "decide", decide)
    res = run("score", "bao-cao.xlsx", "-c", "x.yaml")
    assert res.exit_code == 1 and "Không có tệp x.yaml" in res.stderr
    assert "Traceback" not in res.output


def test_bad_language_is_usage(fake_engine):
    res = run("score", "bao-cao-p01.xlsx", "--lang", "fr")
    assert res.exit_code == 2


def test_help_does_not_import_pandas():
    import subprocess
    import sys

    code = (
        "import sys; from emulate.cli import app\n"
        "assert 'pandas' not in sys.modules and 'openpyxl' not in sys.modules, sorted(sys.modules)"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_the_command_exits_at_once_with_everything_said_and_written(tmp_path):
    """`main` leaves without the interpreter's teardown: the piped output is whole, the
    files are there and the exit codes are kept."""
    import subprocess
    import sys

    out, js = tmp_path / "ket-qua.xlsx", tmp_path / "ket-qua.json"
    done = subprocess.run(
        [sys.executable, "-m", "emulate", "score", str(EXAMPLE), "-o", str(out), "--json", str(js)],
        capture_output=True, text=True, encoding="utf-8", cwd=ROOT, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-2:] == [f"Đã ghi {out}", f"Đã ghi {js}"]
    assert sha256_hex(js.read_bytes()) in done.stdout
    assert load_result(out) == json.loads(js.read_bytes())
    usage = subprocess.run(
        [sys.executable, "-m", "emulate", "score", str(EXAMPLE), "-o", str(EXAMPLE)],
        capture_output=True, text=True, encoding="utf-8", cwd=ROOT, check=False,
    )  # fmt: skip
    assert usage.returncode == 2
    assert "Không ghi kết quả đè lên" in usage.stderr, usage.stderr


def test_end_to_end_on_the_example(tmp_path):
    out, js = tmp_path / "ket-qua.xlsx", tmp_path / "ket-qua.json"
    res = run("score", str(EXAMPLE), "-o", str(out), "--json", str(js))
    assert res.exit_code == 0, res.output
    doc = json.loads(js.read_bytes())
    assert doc["format"] == "emulate-result/1" and doc["decisions"]
    assert load_result(out) == doc
    sha = sha256_hex(js.read_bytes())
    assert sha in res.stdout
    again = tmp_path / "again.json"
    assert (
        run("score", str(EXAMPLE), "-o", str(tmp_path / "b.xlsx"), "--json", str(again)).exit_code
        == 0
    )
    assert again.read_bytes() == js.read_bytes()
