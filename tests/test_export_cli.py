"""`emulate export` through the command line: formats, options, exit codes, no tracebacks."""

from __future__ import annotations

import ast
import csv
import io
import json
from pathlib import Path

import pytest
from docx import Document
from openpyxl import Workbook, load_workbook
from typer.testing import CliRunner, Result

import emulate.cli.export as export_cli
from emulate.cli import app
from emulate.output.canonical import Canonical
from emulate.output.resultjson import CARRIER_MARK, SHEET
from tests.export_factory import HOSTILE, hostile, sample, write_json

runner = CliRunner()
OPTIONS = ["--issuer", "Sở Nội vụ tỉnh Hưng Yên", "--date", "05/01/2026", "--place", "Hưng Yên"]


@pytest.fixture
def results(tmp_path: Path) -> Path:
    return write_json(sample(), tmp_path / "ket-qua.json")


def results_workbook(doc: dict, path: Path) -> Path:
    """A results workbook as `emulate score` writes it: the document in a hidden sheet."""
    wb = Workbook()
    wb.active.title = "Tổng hợp"
    ws = wb.create_sheet(SHEET)
    ws.sheet_state = "hidden"
    text = json.dumps(doc, ensure_ascii=False, sort_keys=True)
    for row, piece in enumerate([CARRIER_MARK, *Canonical.of(text.encode()).carrier], start=1):
        ws.cell(row=row, column=1).value = piece
    wb.save(path)
    return path


def invoke(*args: str | Path) -> Result:
    return runner.invoke(app, ["export", *map(str, args)])


@pytest.mark.parametrize("fmt", ["docx", "xlsx", "csv"])
def test_writes_each_format(results: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"danh-sach.{fmt}"
    result = invoke(results, "--format", fmt, "-o", out, "--status", "awarded,tie", *OPTIONS)
    assert result.exit_code == 0, result.output
    assert "03 tập thể, 12 cá nhân" in result.stdout
    assert out.is_file()
    assert not list(tmp_path.glob(".*.tmp"))  # no temp file left behind


def test_format_from_suffix_and_title_filter(results: Path, tmp_path: Path) -> None:
    out = tmp_path / "ldtt.docx"
    result = invoke(results, "-o", out, "--title", "LDTT", "--date", "5/1/2026")
    assert result.exit_code == 0, result.output
    texts = [p.text for p in Document(str(out)).paragraphs]
    assert "DANH SÁCH ĐỀ NGHỊ TẶNG DANH HIỆU “LAO ĐỘNG TIÊN TIẾN” NĂM 2025" in texts
    assert "II. CÁ NHÂN" not in texts and "I. CÁ NHÂN" in texts


def test_reads_results_workbook(tmp_path: Path) -> None:
    source = results_workbook(sample(), tmp_path / "ket-qua.xlsx")
    out = tmp_path / "ds.csv"
    result = invoke(source, "-o", out, "--title", "CSTDCS,LDTT", "--status", "tie")
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(out.read_text("utf-8-sig"))))
    assert [r[6] for r in rows[1:]] == ["CB08"]


def test_minutes_table_in_docx(results: Path, tmp_path: Path) -> None:
    out = tmp_path / "ds.docx"
    assert invoke(results, "-o", out, "--bien-ban").exit_code == 0
    headers = [c.text for t in Document(str(out)).tables for c in t.rows[0].cells]
    assert "Số phiếu đồng ý" in headers and "Tỷ lệ %" in headers


def test_hostile_names_in_every_format(tmp_path: Path) -> None:
    source = write_json(hostile(), tmp_path / "kq.json")
    for fmt in ("docx", "xlsx", "csv"):
        out = tmp_path / f"ds.{fmt}"
        result = invoke(source, "-o", out)
        assert result.exit_code == 0, result.output
    cells = {c.value: c for ws in load_workbook(tmp_path / "ds.xlsx") for r in ws for c in r}
    assert cells[HOSTILE].data_type == "s"
    docx_cells = [
        c.text for t in Document(str(tmp_path / "ds.docx")).tables for r in t.rows for c in r.cells
    ]
    assert HOSTILE in docx_cells
    rows = csv.reader(io.StringIO((tmp_path / "ds.csv").read_text("utf-8-sig")))
    assert "'" + HOSTILE in [c for r in rows for c in r]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--status", "over_quota"], "over_quota"),
        (["--title", "KHONG_CO"], "KHONG_CO"),
        (["--date", "31/02/2026"], "ngày/tháng/năm"),
        (["--date", "2026-01-05"], "05/01/2026"),
        (["--format", "pdf"], "pdf"),
        (["--format", "xlsx"], ".docx"),
        (["--lang", "fr"], "vi hoặc en"),
    ],
)
def test_bad_options_exit_2(results: Path, tmp_path: Path, args: list[str], message: str) -> None:
    out = tmp_path / "ds.docx"
    result = invoke(results, "-o", out, *args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert not out.exists()


def test_english_messages(results: Path, tmp_path: Path) -> None:
    result = invoke(results, "-o", tmp_path / "ds.docx", "--date", "hôm nay", "--lang", "en")
    assert result.exit_code == 2 and "day/month/year" in result.stderr
    result = invoke(results, "-o", tmp_path / "ds.docx", "--title", "X", "--lang", "en")
    assert result.exit_code == 2 and "No title 'X'" in result.stderr


@pytest.mark.parametrize("flag", ["--bien-ban", "--to-trinh"])
def test_docx_only_flags(results: Path, tmp_path: Path, flag: str) -> None:
    result = invoke(results, "-o", tmp_path / "ds.csv", flag)
    assert result.exit_code == 2 and "docx" in result.stderr


def test_submission_draft(results: Path, tmp_path: Path) -> None:
    out = tmp_path / "to-trinh.docx"
    result = invoke(results, "-o", out, "--to-trinh", "--recipient", "Chủ tịch UBND tỉnh", *OPTIONS)
    assert result.exit_code == 0, result.output
    texts = [p.text for p in Document(str(out)).paragraphs]
    assert "TỜ TRÌNH" in texts and "Kính gửi: Chủ tịch UBND tỉnh" in texts


def test_unknown_suffix_needs_format(results: Path, tmp_path: Path) -> None:
    result = invoke(results, "-o", tmp_path / "danh-sach")
    assert result.exit_code == 2 and "--format" in result.stderr
    assert invoke(results, "-o", tmp_path / "danh-sach", "-f", "csv").exit_code == 0


def test_never_writes_over_the_input(tmp_path: Path) -> None:
    source = results_workbook(sample(), tmp_path / "ket-qua.xlsx")
    before = source.read_bytes()
    result = invoke(source, "-o", source)
    assert result.exit_code == 2
    assert "đầu vào" in result.stderr
    assert source.read_bytes() == before


@pytest.mark.parametrize("content", [None, "không phải JSON", '{"format": "khác"}'])
def test_unreadable_results_exit_1(tmp_path: Path, content: str | None) -> None:
    source = tmp_path / "kq.json"
    if content is not None:
        source.write_text(content, "utf-8")
    result = invoke(source, "-o", tmp_path / "ds.docx")
    assert result.exit_code == 1, result.output
    assert "kq.json" in result.stderr
    assert "Traceback" not in result.output


def test_empty_list_warns(tmp_path: Path) -> None:
    doc = sample()
    doc["decisions"] = [d for d in doc["decisions"] if d["status"] != "awarded"]
    source = write_json(doc, tmp_path / "kq.json")
    result = invoke(source, "-o", tmp_path / "ds.xlsx")
    assert result.exit_code == 0
    assert "trống" in result.stderr


def test_cli_module_imports_only_typer_and_stdlib() -> None:
    tree = ast.parse(Path(export_cli.__file__).read_text("utf-8"))
    top = {
        (node.module if isinstance(node, ast.ImportFrom) else node.names[0].name).split(".")[0]
        for node in tree.body
        if isinstance(node, ast.Import | ast.ImportFrom)
    }
    # `emulate` here is the CLI's shared options (typer + the standard library); that nothing
    # heavy is imported at start-up is asserted for the whole app in test_cli_score.py.
    assert top <= {"__future__", "pathlib", "typing", "typer", "emulate"}


def test_never_writes_over_a_scored_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    report = tmp_path / "bao-cao.xlsx"  # the factory's result names it as its input
    report.write_bytes(b"report")
    source = write_json(sample(), tmp_path / "kq.json")
    result = invoke(source, "-o", "bao-cao.xlsx")
    assert result.exit_code == 2 and "bao-cao.xlsx" in result.stderr
    assert report.read_bytes() == b"report"
