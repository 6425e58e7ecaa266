"""Words the outputs share (terminal, workbook, explain), in Vietnamese and English."""

from __future__ import annotations

from emulate.diagnostics import Lang

STATUS: dict[str, tuple[str, str]] = {
    "awarded": ("Đề nghị", "Recommended"),
    "tie": ("Bằng điểm, Hội đồng quyết định", "Tie, the council decides"),
    "over_quota": ("Ngoài chỉ tiêu", "Over the quota"),
    "superseded": ("Đã có hình thức cao hơn", "Superseded by a higher one"),
    "ineligible": ("Không đủ điều kiện", "Not eligible"),
}
SCOPE: dict[str, tuple[str, str]] = {"units": ("Tập thể", "Unit"), "people": ("Cá nhân", "Person")}
KIND: dict[str, tuple[str, str]] = {
    "title": ("Danh hiệu thi đua", "Emulation title"),
    "award": ("Hình thức khen thưởng", "Commendation"),
}
SEVERITY: dict[str, tuple[str, str]] = {
    "error": ("Lỗi", "Error"),
    "warning": ("Cảnh báo", "Warning"),
    "info": ("Thông tin", "Info"),
}


def pick(pair: tuple[str, str], lang: Lang) -> str:
    return pair[0] if lang == "vi" else pair[1]


def status(code: str, lang: Lang) -> str:
    return pick(STATUS[code], lang) if code in STATUS else code


def scope(code: str, lang: Lang) -> str:
    return pick(SCOPE[code], lang) if code in SCOPE else code


def currency(lang: Lang) -> str:
    return "đồng" if lang == "vi" else "VND"
