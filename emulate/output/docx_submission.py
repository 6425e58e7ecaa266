"""A draft Tờ trình (Mẫu 01) in front of the nomination list: the officer completes and
signs it. Decree 152 Art 33.11 asks for the legal basis, what is proposed, the opinions of
related agencies and the appraisal opinion; the first two come from the result (the rule
set's references, the counts per title, the prize money), the last two are left as gaps.
"""

from __future__ import annotations

from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm
from docx.text.paragraph import Paragraph

from emulate.output.docx_common import letterhead, para, signature
from emulate.output.letterhead import GAP, Letterhead
from emulate.output.nominations import NominationList, format_money, two_digits

RECIPIENTS = ("- Như trên;", "- Lưu: VT, TĐKT.")


def _body(doc: DocxDocument, text: str, *, italic: bool = False) -> Paragraph:
    paragraph = para(doc, text, italic=italic, size=14, before=6)
    paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    paragraph.paragraph_format.first_line_indent = Cm(1)
    return paragraph


def write_submission(
    doc: DocxDocument, nominations: NominationList, head: Letterhead, width_cm: float
) -> None:
    year = nominations.year
    recipient = head.recipient or GAP
    issuer = head.issuer or GAP
    letterhead(doc, head, width_cm, number=True)
    para(doc, "TỜ TRÌNH", bold=True, size=14, align="center", before=18)
    para(doc, f"Về việc đề nghị khen thưởng năm {year}", bold=True, size=14, align="center")
    para(doc, f"Kính gửi: {recipient}", size=14, align="center", before=12, after=12)
    for reference in nominations.references:
        _body(doc, f"Căn cứ {reference};", italic=True)
    _body(
        doc,
        f"Căn cứ kết quả bình xét thi đua, khen thưởng năm {year} của Hội đồng Thi đua - "
        f"Khen thưởng {issuer},",
        italic=True,
    )
    _body(
        doc,
        f"{issuer} kính trình {recipient} xem xét, khen thưởng cho "
        f"{two_digits(nominations.units_count)} tập thể và "
        f"{two_digits(nominations.people_count)} cá nhân đã có thành tích trong năm {year}, "
        "cụ thể như sau:",
    )
    for section in nominations.sections:
        who = "tập thể" if section.scope == "units" else "cá nhân"
        for group in section.groups:
            kind = "Danh hiệu" if group.kind == "title" else "Hình thức"
            _body(doc, f"- {kind} “{group.name}”: {two_digits(len(group.entries))} {who};")
    _body(doc, f"Tổng kinh phí khen thưởng dự kiến: {format_money(nominations.total_money)} đồng.")
    if nominations.has_ties:
        _body(doc, "Các trường hợp đồng hạng tại ngưỡng chỉ tiêu do Hội đồng xem xét, quyết định.")
    _body(doc, f"Ý kiến của các cơ quan có liên quan: {GAP}")
    _body(doc, f"Ý kiến thẩm định: {GAP}")
    _body(doc, "(Có danh sách kèm theo)", italic=True)
    _body(doc, f"Kính trình {recipient} xem xét, quyết định./.")
    signature(doc, head, width_cm, RECIPIENTS)
