"""`emulate explain` on the command line: from a result JSON, a results workbook, reports."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from emulate.cli import app
from emulate.cli import score as score_cli
from emulate.output.files import write_atomic
from emulate.output.resultjson import dumps_canonical, result_to_document
from emulate.output.workbook import write_results_workbook
from tests.output_factory import make_result

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "bao-cao-so-2025.xlsx"

TIE = """\
Cá nhân CB004 · Phạm Thị Dung · Phòng Kế hoạch - Tài chính (P02)
Xếp loại: HTXS (Hoàn thành xuất sắc nhiệm vụ)
Năm 2025 · Tiêu chuẩn thi đua thử nghiệm

Chiến sĩ thi đua cơ sở (CSTĐCS): Bằng điểm, Hội đồng quyết định
  Điều kiện: LDTT and (level == HTXS or initiatives >= 1)
  - LDTT ✓
  - Xếp loại = HTXS ✓
  - Hạng 1/1 suất (đơn vị P02), cùng thứ hạng với CB003: bằng nhau tại ngưỡng chỉ tiêu, \
Hội đồng quyết định
  Căn cứ: Luật Thi đua, khen thưởng số 06/2022/QH15, Điều 23
"""

INELIGIBLE = """\
Cá nhân CB005 · =HYPERLINK("http://x","y") · Thanh tra Sở (P03)
Xếp loại: HT (Hoàn thành nhiệm vụ)
Năm 2025 · Tiêu chuẩn thi đua thử nghiệm

Chiến sĩ thi đua cơ sở (CSTĐCS): Không đủ điều kiện
  Điều kiện: LDTT and (level == HTXS or initiatives >= 1)
  - LDTT ✗
  Căn cứ: Luật Thi đua, khen thưởng số 06/2022/QH15, Điều 23

Lao động tiên tiến (LĐTT): Không đủ điều kiện
  Điều kiện: level >= HTT
  - Xếp loại = HT (cần ≥ HTT) ✗
  Căn cứ: Luật Thi đua, khen thưởng số 06/2022/QH15, Điều 24
"""


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    folder = tmp_path_factory.mktemp("explain")
    result = make_result()
    write_atomic(folder / "ket-qua.json", dumps_canonical(result_to_document(result)))
    write_results_workbook(result, folder / "ket-qua.xlsx")
    return folder


def run(*args: str):
    return CliRunner().invoke(app, ["explain", *args])


@pytest.mark.parametrize("name", ["ket-qua.json", "ket-qua.xlsx"])
def test_tie(results, name):
    res = run(str(results / name), "CB004", "--title", "CSTĐCS")
    assert res.exit_code == 0, res.output
    assert res.stdout == TIE


def test_ineligible_every_title_by_name(results):
    res = run(str(results / "ket-qua.json"), '=HYPERLINK("http://x","y")')
    assert res.exit_code == 0, res.output
    assert res.stdout == INELIGIBLE


def test_several_matches_are_listed(results):
    res = run(str(results / "ket-qua.json"), "Thị")
    assert res.exit_code == 1
    assert res.stderr.splitlines() == [
        "Có 3 đối tượng khớp 'Thị'; hãy chọn theo mã:",
        "  Cá nhân CB001 · Nguyễn Thị Hòa (P01)",
        "  Cá nhân CB003 · Lê Thị Cúc (P02)",
        "  Cá nhân CB004 · Phạm Thị Dung (P02)",
    ]


def test_name_with_other_tone_placement(results):
    res = run(str(results / "ket-qua.json"), "nguyễn thị hoà", "-t", "LDTT", "--lang", "en")
    assert res.exit_code == 0, res.output
    assert res.stdout.splitlines()[0] == "Person CB001 · Nguyễn Thị Hòa · Văn phòng Sở (P01)"
    assert "Lao động tiên tiến (LĐTT): Recommended" in res.stdout
    assert "cùng kỳ đã chi cho danh hiệu cao hơn CSTDCS" in res.stdout


def test_no_such_subject(results):
    res = run(str(results / "ket-qua.json"), "CB999")
    assert res.exit_code == 1 and "CB999" in res.stderr


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["CB001", "--title", "NOPE"], "NOPE"),
        (["CB001", "--title", "TTLDXS"], "TTLDXS"),  # a unit title for a person
        (["CB001", "--criteria", "national"], "--criteria"),
    ],
)
def test_usage_errors(results, args, words):
    res = run(str(results / "ket-qua.json"), *args)
    assert res.exit_code == 2 and words in res.stderr


def test_needs_a_file_and_a_subject():
    assert run("CB001").exit_code == 2


def test_a_report_goes_through_the_engine(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bao-cao.xlsx").write_bytes(b"PK\x03\x04 not a results workbook")
    seen = []

    def decide(reports, **kwargs):
        seen.append((reports, kwargs))
        return make_result(), False

    monkeypatch.setattr(score_cli, "decide", decide)
    res = run("bao-cao.xlsx", "P02", "-t", "CO_TINH", "-c", "vi-du.yaml", "--year", "2025")
    assert res.exit_code == 0, res.output
    assert "Cờ thi đua của Ủy ban nhân dân tỉnh (CO_TINH): Ngoài chỉ tiêu" in res.stdout
    assert seen[0][0] == [Path("bao-cao.xlsx")]
    assert seen[0][1]["criteria"] == "vi-du.yaml" and seen[0][1]["year"] == 2025


def test_not_a_results_file(tmp_path):
    path = tmp_path / "ghi-chu.json"
    path.write_text('{"format": "khác"}', "utf-8")
    res = run(str(path), "CB001")
    assert res.exit_code == 1 and "emulate-result/1" in res.stderr


@pytest.mark.skipif(not EXAMPLE.exists(), reason="the example report is not built yet")
def test_end_to_end_from_reports_and_from_the_workbook(tmp_path):
    out = tmp_path / "ket-qua.xlsx"
    assert CliRunner().invoke(app, ["score", str(EXAMPLE), "-o", str(out)]).exit_code == 0
    from_reports = run(str(EXAMPLE), "P01")
    from_results = run(str(out), "P01")
    assert from_reports.exit_code == 0, from_reports.output
    assert from_results.stdout == from_reports.stdout
    assert from_results.stdout.startswith("Tập thể P01 · ")
