"""The CSV list: UTF-8 with BOM, one row per nominee, formula-looking text neutralised."""

from __future__ import annotations

import csv
import io

import pytest

from emulate.output.csv_list import HEADER, csv_safe, render_csv
from emulate.output.nominations import build_nominations
from tests.export_factory import HOSTILE, hostile, sample


def read(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_one_row_per_nominee_in_list_order() -> None:
    rows = read(render_csv(build_nominations(sample(), statuses=["awarded", "tie"])))
    assert rows[0] == list(HEADER)
    body = rows[1:]
    assert len(body) == 4 + 15
    assert [r[0] for r in body[:4]] == ["TẬP THỂ"] * 4
    assert {r[0] for r in body[4:]} == {"CÁ NHÂN"}
    ldtt = [r for r in body if r[2] == "LDTT"]
    assert [r[7] for r in ldtt[:5]] == [
        "Hoàng Văn Yên",
        "Ngô Thị Xuân",
        "Nguyễn Văn An",
        "Lê Thị Ăn",
        "Trần Văn Ân",
    ]
    assert [r[1] for r in ldtt] == [str(i) for i in range(1, 13)]
    assert ldtt[0][-1] == "710000"
    tie = next(r for r in body if r[5] == "Hội đồng quyết định")
    assert tie[6] == "CB08" and tie[-1] == ""
    xuan = next(r for r in ldtt if r[6] == "CB10")
    assert xuan[8:10] == ["", "1980"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+84 912", "'+84 912"),
        ("-5", "'-5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("\0x", "'\0x"),
        ("Nguyễn Văn An", "Nguyễn Văn An"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_csv_safe(text: str, expected: str) -> None:
    assert csv_safe(text) == expected


def test_hostile_text_is_inert() -> None:
    rows = read(render_csv(build_nominations(hostile())))
    cells = [c for r in rows[1:] for c in r]
    assert "'" + HOSTILE in cells
    assert HOSTILE not in cells
    assert "'@SUM(A1:A9)" in cells
    assert "'+84 912 345 678, " + HOSTILE in cells  # affiliation starts with the position
    assert "'-5 điểm trừ" in cells
    assert "thụt đầu dòng" in cells  # achievements are trimmed
    assert "Nguyễn\ufffd Văn\ufffd An" in cells
    assert not any(c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in cells)
