"""The Word list, read back with python-docx, and rendered by LibreOffice when present."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

from emulate.output.docx_list import render_docx
from emulate.output.letterhead import MOTTO, NATION, Letterhead
from emulate.output.nominations import build_nominations
from tests.export_factory import HOSTILE, ResultBuilder, hostile, sample

HEAD = Letterhead(
    issuer="Sở Nội vụ tỉnh Hưng Yên",
    number="15/TTr-SNV",
    date=dt.date(2026, 1, 5),
    place="Hưng Yên",
    signer="Nguyễn Văn Mạnh",
    signer_title="Giám đốc",
)


@pytest.fixture(scope="module")
def docx_bytes() -> bytes:
    nominations = build_nominations(sample(), statuses=["awarded", "tie"])
    return render_docx(nominations, HEAD, minutes=True)


@pytest.fixture(scope="module")
def doc(docx_bytes: bytes) -> DocxDocument:
    return Document(io.BytesIO(docx_bytes))


def blocks(doc: DocxDocument) -> list[Paragraph | Table]:
    return list(doc.iter_inner_content())


def paragraphs(doc: DocxDocument) -> list[str]:
    return [b.text for b in blocks(doc) if isinstance(b, Paragraph) and b.text]


def tables(doc: DocxDocument) -> list[Table]:
    return [b for b in blocks(doc) if isinstance(b, Table)]


def rows(table: Table) -> list[list[str]]:
    out = []
    for row in table.rows:
        texts = []
        for cell in row.cells:
            if not texts or cell._tc is not getattr(texts[-1], "_tc", None):
                texts.append(cell)
        out.append([c.text for c in dict.fromkeys(texts)])
    return out


def test_page_a4_landscape_margins(doc: DocxDocument) -> None:
    section = doc.sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (297, 210)
    assert 20 <= round(section.top_margin.mm, 1) <= 25
    assert 20 <= round(section.bottom_margin.mm, 1) <= 25
    assert 30 <= round(section.left_margin.mm, 1) <= 35
    assert 15 <= round(section.right_margin.mm, 1) <= 20


def test_times_new_roman_everywhere(doc: DocxDocument) -> None:
    runs = list(doc.element.body.iter(qn("w:r")))
    for part in (doc.sections[0].header, doc.sections[0].first_page_header):
        runs += list(part._element.iter(qn("w:r")))
    assert len(runs) > 100
    for r in runs:
        fonts = r.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
        assert fonts is not None, r.xml
        for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            assert fonts.get(qn(attr)) == "Times New Roman"
    assert doc.styles["Normal"].font.name == "Times New Roman"


def test_letterhead_block(doc: DocxDocument) -> None:
    head = tables(doc)[0]
    left, right = head.rows[0].cells
    assert left.paragraphs[0].text == "SỞ NỘI VỤ TỈNH HƯNG YÊN"
    assert all(r.bold for r in left.paragraphs[0].runs)
    texts = [p.text for p in right.paragraphs]
    assert texts[0] == NATION and texts[1] == MOTTO
    assert "Hưng Yên, ngày 05 tháng 01 năm 2026" in texts
    dated = next(p for p in right.paragraphs if p.text.startswith("Hưng Yên"))
    assert all(r.italic for r in dated.runs)
    assert all(r.bold for p in right.paragraphs[:2] for r in p.runs)
    # The rule lines: an empty bordered paragraph under the issuer and under the motto.
    for cell in (left, right):
        assert any(p._p.find(f"{qn('w:pPr')}/{qn('w:pBdr')}") is not None for p in cell.paragraphs)
    borders = head._tbl.find(f"{qn('w:tblPr')}/{qn('w:tblBorders')}")
    assert head.style is None or head.style.name != "Table Grid"
    assert borders is None


def test_title_attachment_sections_totals_signature(doc: DocxDocument) -> None:
    texts = paragraphs(doc)
    assert texts[0] == "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG NĂM 2025"
    assert texts[1] == (
        "(Kèm theo Tờ trình số 15/TTr-SNV ngày 05 tháng 01 năm 2026 của Sở Nội vụ tỉnh Hưng Yên)"
    )
    order = [t for t in texts if t in ("I. TẬP THỂ", "II. CÁ NHÂN")]
    assert order == ["I. TẬP THỂ", "II. CÁ NHÂN"]
    assert "Tổng số: 03 tập thể, 12 cá nhân." in texts
    signature = tables(doc)[4].rows[0].cells[1].text
    assert "GIÁM ĐỐC" in signature and "Nguyễn Văn Mạnh" in signature
    assert "(Ký tên, đóng dấu)" in signature


def test_units_table(doc: DocxDocument) -> None:
    grid = rows(tables(doc)[1])
    assert grid[0] == [
        "STT",
        "Tên tập thể",
        "Đơn vị chủ quản, cụm/khối",
        "Danh hiệu, hình thức",
        "Thành tích",
        "Ghi chú",
    ]
    assert grid[1] == ["1. Danh hiệu “Tập thể lao động xuất sắc” (02)"]
    assert [r[1] for r in grid[2:4]] == ["Văn phòng Sở", "Thanh tra Sở"]
    assert grid[4] == ["2. Hình thức “Cờ thi đua của Ủy ban nhân dân tỉnh” (01)"]


def test_people_table_two_header_rows_repeat_and_order(doc: DocxDocument) -> None:
    table = tables(doc)[2]
    grid = rows(table)
    assert grid[0][:3] == ["STT", "Họ và tên", "Năm sinh"]
    assert grid[1][2:4] == ["Nam", "Nữ"]
    for row in table.rows[:2]:
        assert row._tr.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None
    assert table.rows[2]._tr.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is None
    assert grid[2] == ["1. Danh hiệu “Chiến sĩ thi đua cơ sở” (02)"]
    tie = grid[4]
    assert tie[1] == "Vũ Văn Bình" and tie[-1].startswith("Hội đồng quyết định")
    start = grid.index(["2. Danh hiệu “Lao động tiên tiến” (12)"])
    ldtt = grid[start + 1 : start + 13]
    assert [r[0] for r in ldtt] == [str(i) for i in range(1, 13)]
    assert [r[1] for r in ldtt][:9] == [
        "Hoàng Văn Yên",
        "Ngô Thị Xuân",
        "Nguyễn Văn An",
        "Lê Thị Ăn",
        "Trần Văn Ân",
        "Đỗ Thị Dung",
        "Phạm Văn Đào",
        "Vũ Văn Bình",
        "Nguyễn Thị Hòa",
    ]
    xuan = ldtt[1]
    assert xuan[2:4] == ["", "1980"]  # a woman: the year under Nữ
    assert ldtt[0][2:4] == ["1970", ""]


def test_money_table(doc: DocxDocument) -> None:
    grid = rows(tables(doc)[3])
    assert grid[0] == [
        "STT",
        "Danh hiệu, hình thức",
        "Số lượng",
        "Mức tiền (đồng)",
        "Thành tiền (đồng)",
    ]
    assert ["6", "Lao động tiên tiến", "12", "710.000", "8.520.000"] in grid
    assert grid[-1] == ["Tổng cộng", "10.860.000"]


def test_minutes_vote_columns(doc: DocxDocument) -> None:
    grid = rows(tables(doc)[5])
    assert grid[0][3:5] == ["Số phiếu đồng ý", "Tỷ lệ %"]
    assert len(grid) == 1 + 2 + 4 + 15


def test_page_numbers_top_centre_not_on_first_page(doc: DocxDocument) -> None:
    section = doc.sections[0]
    assert section.different_first_page_header_footer
    header = section.header._element
    field = header.find(f".//{qn('w:fldSimple')}")
    assert field is not None and field.get(qn("w:instr")).strip() == "PAGE"
    assert section.header.paragraphs[0].alignment == 1  # centre
    assert section.first_page_header._element.find(f".//{qn('w:fldSimple')}") is None


def test_hostile_text_is_inert() -> None:
    data = render_docx(build_nominations(hostile()), Letterhead())
    doc = Document(io.BytesIO(data))
    cells = [c.text for t in tables(doc) for row in t.rows for c in row.cells]
    assert HOSTILE in cells
    assert "Nguyễn\ufffd Văn\ufffd An" in cells
    body = doc.element.body
    assert body.find(f".//{qn('w:fldSimple')}") is None
    assert body.find(f".//{qn('w:instrText')}") is None
    assert body.find(f".//{qn('w:hyperlink')}") is None


def test_blank_letterhead_has_gaps_to_fill() -> None:
    doc = Document(io.BytesIO(render_docx(build_nominations(sample()), Letterhead())))
    texts = paragraphs(doc)
    assert "(Kèm theo Tờ trình số .../TTr-... ngày ... tháng ... năm ... của ...)" in texts
    right = tables(doc)[0].rows[0].cells[1]
    assert "..., ngày ... tháng ... năm ..." in right.text


def _pdf_text(path: Path, *args: str) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", *args, str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed")
def test_renders_in_libreoffice(docx_bytes: bytes, tmp_path: Path) -> None:
    source = tmp_path / "danh-sach.docx"
    source.write_bytes(docx_bytes)
    subprocess.run(
        [
            str(SOFFICE),
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        capture_output=True,
        check=True,
        timeout=180,
    )
    pdf = tmp_path / "danh-sach.pdf"
    assert pdf.is_file() and pdf.stat().st_size > 1000
    if shutil.which("pdftotext") is None:
        return
    text = _pdf_text(pdf)
    pages = text.split("\f")
    assert len([p for p in pages if p.strip()]) >= 3
    assert "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG NĂM 2025" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Tổng số: 03 tập thể, 12 cá nhân." in text
    assert "10.860.000" in text
    # Page numbers: "2" heads page 2, nothing numbers page 1.
    first_lines = [next((ln.strip() for ln in p.splitlines() if ln.strip()), "") for p in pages]
    assert first_lines[1] == "2"
    assert first_lines[0] != "1"
    assert "SỞ NỘI VỤ TỈNH HƯNG YÊN" in first_lines[0]


def test_file_properties_name_the_source(doc: DocxDocument) -> None:
    properties = doc.core_properties
    assert properties.title == "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG NĂM 2025"
    assert properties.author == "Sở Nội vụ tỉnh Hưng Yên"
    assert properties.comments.startswith("emulate 0.1.0; kết quả SHA-256 ")


def test_submission_draft_in_front_portrait_then_list_renumbered() -> None:
    head = Letterhead(
        issuer="Sở Nội vụ tỉnh Hưng Yên",
        number="15/TTr-SNV",
        recipient="Chủ tịch Ủy ban nhân dân tỉnh Hưng Yên",
        signer_title="Giám đốc",
    )
    nominations = build_nominations(sample(), statuses=["awarded", "tie"])
    doc = Document(io.BytesIO(render_docx(nominations, head, submission=True)))
    first, attached = doc.sections
    assert first.orientation == WD_ORIENT.PORTRAIT and round(first.page_width.mm) == 210
    assert attached.orientation == WD_ORIENT.LANDSCAPE
    assert attached._sectPr.find(qn("w:pgNumType")).get(qn("w:start")) == "1"
    assert attached.different_first_page_header_footer
    assert attached.header.is_linked_to_previous  # the same centred PAGE field
    texts = paragraphs(doc)
    assert texts[:3] == [
        "TỜ TRÌNH",
        "Về việc đề nghị khen thưởng năm 2025",
        "Kính gửi: Chủ tịch Ủy ban nhân dân tỉnh Hưng Yên",
    ]
    assert "Căn cứ Luật Thi đua, khen thưởng số 06/2022/QH15;" in texts
    assert "Căn cứ Nghị định số 152/2025/NĐ-CP;" in texts
    assert "- Danh hiệu “Lao động tiên tiến”: 12 cá nhân;" in texts
    assert "- Hình thức “Cờ thi đua của Ủy ban nhân dân tỉnh”: 01 tập thể;" in texts
    assert "Tổng kinh phí khen thưởng dự kiến: 10.860.000 đồng." in texts
    assert texts.index("TỜ TRÌNH") < texts.index("DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG NĂM 2025")
    number = tables(doc)[0].rows[0].cells[0].text
    assert "Số: 15/TTr-SNV" in number
    receivers = tables(doc)[1].rows[0].cells[0].text
    assert receivers.startswith("Nơi nhận:")


def test_empty_list_still_renders() -> None:
    b = ResultBuilder().unit("P01", "Văn phòng").decide("P01", "TTLDXS", "over_quota")
    doc = Document(io.BytesIO(render_docx(build_nominations(b.build()), Letterhead())))
    texts = paragraphs(doc)
    assert "Tổng số: 00 tập thể, 00 cá nhân." in texts
    assert not any(t.endswith("TẬP THỂ") or t.endswith("CÁ NHÂN") for t in texts)
