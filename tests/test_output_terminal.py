"""The terminal summary and the diagnostics table, rendered to text."""

from __future__ import annotations

import io

from rich.console import Console

from emulate.output.terminal import render_summary
from tests.output_factory import make_result


def _text(renderable, width: int = 120) -> str:
    console = Console(width=width, record=True, file=io.StringIO())
    console.print(renderable, crop=False)
    return console.export_text()


def test_summary_vi():
    text = _text(render_summary(make_result(), json_sha256="f" * 64))
    assert "Kết quả thi đua, khen thưởng năm 2025 — Tiêu chuẩn thi đua thử nghiệm" in text
    assert "4 đơn vị, 6 cá nhân" in text
    lines = text.splitlines()
    row = next(line for line in lines if line.strip().startswith("CSTĐCS"))
    assert row.split() == ["CSTĐCS", "4", "2", "2", "0", "3", "4.680.000"]
    # collectives first, each scope under its heading row
    heads = [line.strip() for line in lines]
    assert heads.index("Tập thể") < heads.index("Cá nhân") < lines.index(row)
    assert "Xếp hạng Khối 1" in text and "Xếp hạng Khối 2" in text
    p03 = next(line for line in text.splitlines() if "Thanh tra Sở" in line)
    assert "84,75" in p03 and "TTLĐXS, CO_TINH" in p03
    assert "Cần Hội đồng quyết định: bằng điểm tại ngưỡng chỉ tiêu" in text
    assert "CB003 Lê Thị Cúc; CB004 Phạm Thị Dung" in text
    assert "Tổng tiền thưởng: 6.810.000 đồng (chưa tính các trường hợp bằng điểm)" in text
    assert "0 lỗi, 2 cảnh báo, 1 thông tin" in text
    assert "bao-cao-p01.xlsx!Cá nhân!F12: Tỷ lệ HTXS vượt 20% số HTT của đơn vị P01" in text
    assert f"SHA-256 của kết quả (JSON): {'f' * 64}" in text


def test_summary_fits_80_columns_without_cutting_figures():
    text = _text(render_summary(make_result(), json_sha256="f" * 64), width=80)
    lines = text.splitlines()
    assert max(len(line) for line in lines[:-1]) <= 80
    assert "4.680.000" in text and "2.130.000" in text
    assert lines[-1] == f"SHA-256 của kết quả (JSON): {'f' * 64}"  # one unbroken line


def test_summary_en():
    text = _text(render_summary(make_result(lang="en"), lang="en"))
    assert "Emulation and commendation results 2025" in text
    assert "For the council: ties at a quota's cut line" in text
    assert "Total prize money: 6,810,000 VND (ties not included)" in text
    assert "Ranking Khối 1" in text


def test_summary_caps_long_rankings():
    text = _text(render_summary(make_result(), units_per_cluster=1))
    assert text.count("… và 1 đơn vị khác (xem sổ kết quả)") == 2


def test_many_clusters_show_each_leader_and_ties_are_capped():
    text = _text(render_summary(make_result(), clusters_shown=1, tie_pools_shown=0))
    assert "Xếp hạng Khối 1" not in text
    assert "Xếp hạng: 2 cụm, khối thi đua (đơn vị dẫn đầu mỗi cụm)" in text
    leaders = [line.split() for line in text.splitlines() if line.startswith(" Khối")]
    assert leaders == [
        ["Khối", "1", "2", "P01", "Văn", "phòng", "Sở", "92,5", "TTLĐXS,", "CO_TINH"],
        ["Khối", "2", "2", "P03", "Thanh", "tra", "Sở", "84,75", "TTLĐXS,", "CO_TINH"],
    ]
    assert "Xếp hạng đầy đủ của từng cụm: trang Đơn vị của sổ kết quả" in text
    assert "CB003 Lê Thị Cúc" not in text
    assert "… và 1 nhóm khác (xem trang Đề nghị của sổ kết quả)" in text
