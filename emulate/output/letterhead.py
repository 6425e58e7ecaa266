"""The parts of an official document around a list (Nghị định 30/2020, Phụ lục I): issuing
body, Quốc hiệu and Tiêu ngữ, place and date, the "Kèm theo Tờ trình" line, the signer.

Blanks the officer has not given are printed as dotted gaps to fill in by hand, never
guessed: the date in particular is never taken from the clock, so the same result and
options give the same document.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
GAP = "..."

_DATE = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$")


def parse_date(text: str) -> dt.date:
    """`"05/01/2026"` (dd/mm/yyyy; `.` or `-` also accepted) → a date.

    Raises `ValueError` with a Vietnamese message naming the expected form."""
    m = _DATE.match(text)
    if m:
        day, month, year = (int(g) for g in m.groups())
        try:
            return dt.date(year, month, day)
        except ValueError:
            pass
    raise ValueError(
        f"Ngày {text!r} không hợp lệ; viết theo dạng ngày/tháng/năm, ví dụ 05/01/2026."
    )


def date_words(date: dt.date | None) -> str:
    """`ngày 05 tháng 01 năm 2026`: a leading zero for days below 10 and for months 1 and 2
    (Nghị định 30/2020); the other months without. None → dotted blanks."""
    if date is None:
        return f"ngày {GAP} tháng {GAP} năm {GAP}"
    month = f"{date.month:02d}" if date.month <= 2 else str(date.month)
    return f"ngày {date.day:02d} tháng {month} năm {date.year}"


@dataclass(frozen=True, slots=True)
class Letterhead:
    issuer: str = ""  # the issuing body, e.g. "Sở Nội vụ tỉnh Hưng Yên"
    number: str = ""  # of the Tờ trình the list goes with, e.g. "15/TTr-SNV"
    date: dt.date | None = None
    place: str = ""  # e.g. "Hưng Yên"
    signer: str = ""  # name of the person who signs
    signer_title: str = "THỦ TRƯỞNG CƠ QUAN"  # chức danh, e.g. "GIÁM ĐỐC"
    recipient: str = ""  # "Kính gửi" of the Tờ trình, e.g. "Chủ tịch UBND tỉnh Hưng Yên"

    @property
    def issuer_caps(self) -> str:
        return self.issuer.upper() if self.issuer else GAP

    @property
    def number_or_gap(self) -> str:
        return self.number or f"{GAP}/TTr-{GAP}"

    def place_date(self) -> str:
        """`Hưng Yên, ngày 05 tháng 01 năm 2026`."""
        return f"{self.place or GAP}, {date_words(self.date)}"

    def attachment(self) -> str:
        """`(Kèm theo Tờ trình số 15/TTr-SNV ngày 05 tháng 01 năm 2026 của Sở Nội vụ)`."""
        return (
            f"(Kèm theo Tờ trình số {self.number_or_gap} {date_words(self.date)} "
            f"của {self.issuer or GAP})"
        )
