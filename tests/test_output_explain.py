"""`explain` on the result document: finding subjects and titles, the exact lines."""

from __future__ import annotations

import pytest

from emulate.output.explain import explain_lines, find_subjects, find_title, full_basis
from emulate.output.resultjson import result_to_document
from tests.output_factory import make_result


@pytest.fixture(scope="module")
def doc():
    return result_to_document(make_result())


@pytest.mark.parametrize(
    ("query", "ids"),
    [
        ("CB003", ["CB003"]),
        ("cb003", ["CB003"]),
        ("p01", ["P01"]),
        ("Nguyễn Thị Hoà", ["CB001"]),  # tone placement differs from the report's "Hòa"
        ("  nguyễn thị hòa ", ["CB001"]),
        ("Hòa", ["CB001"]),  # a whole word of the name
        ("Thị", ["CB001", "CB003", "CB004"]),
        ("Thanh tra Sở", ["P03"]),
        ("Hoa", []),  # tones matter
        ("Nobody", []),
    ],
)
def test_find_subjects(doc, query, ids):
    assert [s.id for s in find_subjects(doc, query)] == ids


def test_find_title(doc):
    assert find_title(doc, "cstdcs") == "CSTDCS"
    assert find_title(doc, "CSTĐCS") == "CSTDCS"
    assert find_title(doc, "Lao động tiên tiến") == "LDTT"
    assert find_title(doc, "nope") is None


def test_full_basis():
    refs = {"L2022": "Luật Thi đua, khen thưởng số 06/2022/QH15"}
    assert full_basis("L2022 Điều 24", refs) == "Luật Thi đua, khen thưởng số 06/2022/QH15, Điều 24"
    assert full_basis("L2022", refs) == "Luật Thi đua, khen thưởng số 06/2022/QH15"
    assert full_basis("NĐ 335/2025", refs) == "NĐ 335/2025"
    assert full_basis(None, refs) is None
    refs["KH"] = "Kế hoạch thi đua năm 2023"
    assert full_basis("L2022 Điều 26; KH (01 Cờ mỗi khối)", refs) == (
        "Luật Thi đua, khen thưởng số 06/2022/QH15, Điều 26; "
        "Kế hoạch thi đua năm 2023 (01 Cờ mỗi khối)"
    )


def test_tie(doc):
    (subject,) = find_subjects(doc, "CB003")
    assert explain_lines(doc, subject, title="CSTDCS") == [
        "Cá nhân CB003 · Lê Thị Cúc · Phòng Kế hoạch - Tài chính (P02)",
        "Xếp loại: HTXS (Hoàn thành xuất sắc nhiệm vụ)",
        "Năm 2025 · Tiêu chuẩn thi đua thử nghiệm",
        "",
        "Chiến sĩ thi đua cơ sở (CSTĐCS): Bằng điểm, Hội đồng quyết định",
        "  Điều kiện: LDTT and (level == HTXS or initiatives >= 1)",
        "  - LDTT ✓",
        "  - Xếp loại = HTXS ✓",
        "  - Hạng 1/1 suất (đơn vị P02), cùng thứ hạng với CB004: bằng nhau tại ngưỡng chỉ "
        "tiêu, Hội đồng quyết định",
        "  Căn cứ: Luật Thi đua, khen thưởng số 06/2022/QH15, Điều 23",
    ]


def test_ineligible_in_english(doc):
    (subject,) = find_subjects(doc, "CB002")
    assert explain_lines(doc, subject, title="CSTDCS", lang="en")[3:] == [
        "",
        "Chiến sĩ thi đua cơ sở (CSTĐCS): Not eligible",
        "  Condition: LDTT and (level == HTXS or initiatives >= 1)",
        "  - LDTT ✓",
        "  - Xếp loại = HTT (cần HTXS) ✗",
        "  - Số sáng kiến = 0 (cần ≥ 1) ✗",
        "  Legal basis: Luật Thi đua, khen thưởng số 06/2022/QH15, Điều 23",
    ]


def test_every_title_of_the_scope(doc):
    (subject,) = find_subjects(doc, "CB001")
    lines = explain_lines(doc, subject)
    assert [line for line in lines if line and not line.startswith(" ")][3:] == [
        "Chiến sĩ thi đua cơ sở (CSTĐCS): Đề nghị",
        "Lao động tiên tiến (LĐTT): Đề nghị",
    ]


def test_unit_header(doc):
    (subject,) = find_subjects(doc, "P02")
    assert explain_lines(doc, subject, title="CO_TINH")[:2] == [
        "Tập thể P02 · Phòng Kế hoạch - Tài chính",
        "Khối 1, hạng 2, 88 điểm, xếp loại HTXS (Hoàn thành xuất sắc nhiệm vụ)",
    ]
