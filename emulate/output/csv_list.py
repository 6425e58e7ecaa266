"""The nomination list as CSV: one row per (nominee, title) with its section and title, for
mail merges and other tools. UTF-8 with a BOM so Excel on Windows reads the Vietnamese.

Text cells that a spreadsheet would take for a formula (first character `= + - @`, tab, CR
or NUL) get a leading apostrophe (OWASP ASVS 1.2.10, CWE-1236); numeric columns (STT, money)
are written as plain digits and never escaped. The Word and Excel lists are the official
outputs; this escape is the price of a format that has no types.
"""

from __future__ import annotations

import csv
import io

from emulate.output.nominations import NominationList

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\0")

HEADER = (
    "Phần",
    "STT",
    "Mã danh hiệu",
    "Danh hiệu, hình thức",
    "Loại",
    "Trạng thái",
    "Mã",
    "Họ và tên / Tên tập thể",
    "Năm sinh (Nam)",
    "Năm sinh (Nữ)",
    "Chức vụ, đơn vị / Đơn vị chủ quản",
    "Thành tích",
    "Ghi chú",
    "Tiền thưởng (đồng)",
)
STATUS_LABELS = {"awarded": "Đề nghị", "tie": "Hội đồng quyết định"}


def csv_safe(text: str) -> str:
    """`=1+1` → `'=1+1`: inert in Excel, LibreOffice and Google Sheets."""
    return "'" + text if text.startswith(FORMULA_START) else text


def render_csv(nominations: NominationList) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for section in nominations.sections:
        for group in section.groups:
            kind = "Danh hiệu thi đua" if group.kind == "title" else "Hình thức khen thưởng"
            for stt, e in enumerate(group.entries, start=1):
                texts = (
                    section.heading,
                    group.title,
                    group.name,
                    kind,
                    STATUS_LABELS.get(e.status, e.status),
                    e.subject,
                    e.name,
                    e.born_male,
                    e.born_female,
                    e.affiliation,
                    e.achievement,
                    e.note,
                )
                safe = [csv_safe(t) for t in texts]
                money = "" if e.money is None else f"{e.money:f}"
                writer.writerow([safe[0], stt, *safe[1:], money])
    return out.getvalue().encode("utf-8-sig")
