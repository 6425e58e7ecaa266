"""Page and column layout shared by the Word and Excel lists (Nghị định 30/2020 ranges)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class PageSetup:
    """A4 (landscape as given; the Tờ trình turns it to portrait) with margins inside the
    ranges of Nghị định 30/2020 (top and bottom 20–25, left 30–35, right 15–20 mm)."""

    top: float = 20
    bottom: float = 20
    left: float = 30
    right: float = 15
    width: float = 297
    height: float = 210


PAGE = PageSetup()

# Column widths in cm; each set adds up to the landscape text width (297 - 30 - 15 mm).
UNIT_COLUMNS = (
    ("STT", 1.5),
    ("Tên tập thể", 5.7),
    ("Đơn vị chủ quản, cụm/khối", 4.5),
    ("Danh hiệu, hình thức", 4.5),
    ("Thành tích", 6.0),
    ("Ghi chú", 3.0),
)
PEOPLE_COLUMNS = (
    ("STT", 1.5),
    ("Họ và tên", 4.3),
    ("Nam", 1.5),
    ("Nữ", 1.5),
    ("Chức vụ, đơn vị công tác", 5.0),
    ("Danh hiệu, hình thức", 3.6),
    ("Thành tích", 4.8),
    ("Ghi chú", 3.0),
)
MONEY_COLUMNS = (
    ("STT", 1.5),
    ("Danh hiệu, hình thức", 9.7),
    ("Số lượng", 3.0),
    ("Mức tiền (đồng)", 5.0),
    ("Thành tiền (đồng)", 6.0),
)
VOTE_COLUMNS = (
    ("STT", 1.5),
    ("Họ và tên / Tên tập thể", 6.7),
    ("Danh hiệu, hình thức", 6.0),
    ("Số phiếu đồng ý", 3.5),
    ("Tỷ lệ %", 3.0),
    ("Ghi chú", 4.5),
)
