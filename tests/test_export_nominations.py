"""The nomination list model: what is listed, in which order, with which totals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from emulate.diagnostics import EmulateError
from emulate.output.letterhead import Letterhead, date_words, parse_date
from emulate.output.nominations import (
    NominationList,
    build_nominations,
    format_money,
    inert,
    two_digits,
)
from tests.export_factory import ResultBuilder, sample


def names(nl: NominationList, scope: str, title: str) -> list[str]:
    section = next(s for s in nl.sections if s.scope == scope)
    group = next(g for g in section.groups if g.title == title)
    return [e.name for e in group.entries]


def subjects(nl: NominationList, scope: str, title: str) -> list[str]:
    section = next(s for s in nl.sections if s.scope == scope)
    group = next(g for g in section.groups if g.title == title)
    return [e.subject for e in group.entries]


def test_sections_units_first_titles_before_awards_by_rank() -> None:
    nl = build_nominations(sample(), statuses=["awarded", "tie"])
    assert [s.heading for s in nl.sections] == ["TẬP THỂ", "CÁ NHÂN"]
    units, people = nl.sections
    # CO_TINH (award) ranks above TTLDXS in the rule set, but titles come first.
    assert [g.title for g in units.groups] == ["TTLDXS", "CO_TINH", "GK"]
    assert [g.title for g in people.groups] == ["CSTDCS", "LDTT", "BK_TINH"]
    assert [g.kind for g in people.groups] == ["title", "title", "award"]


def test_order_unit_then_leaders_then_vietnamese_collation() -> None:
    nl = build_nominations(sample())
    assert names(nl, "people", "LDTT") == [
        "Hoàng Văn Yên",  # P01, Giám đốc
        "Ngô Thị Xuân",  # P01, Phó Giám đốc
        "Nguyễn Văn An",  # P01 staff by given name: An < Ăn < Ân < Dung < Đào
        "Lê Thị Ăn",
        "Trần Văn Ân",
        "Đỗ Thị Dung",
        "Phạm Văn Đào",
        "Vũ Văn Bình",  # P02, Trưởng phòng before its staff
        "Nguyễn Thị Hòa",
        "Nguyễn Thị Hoà",
        "Bùi Văn Cường",  # P03
        "Đặng Văn Khoa",
    ]


@pytest.mark.parametrize(("first", "second"), [("Hòa", "Hoà"), ("Hoà", "Hòa")])
def test_tone_placement_collates_equal_then_falls_back_to_id(first: str, second: str) -> None:
    b = ResultBuilder().unit("P01", "Văn phòng")
    b.person("CB2", f"Nguyễn Thị {first}", "P01").person("CB1", f"Nguyễn Thị {second}", "P01")
    b.decide("CB2", "LDTT").decide("CB1", "LDTT")
    assert subjects(build_nominations(b.build()), "people", "LDTT") == ["CB1", "CB2"]


def test_letters_not_accents_abd() -> None:
    b = ResultBuilder(sort=["given_name"]).unit("P01", "Văn phòng")
    for i, name in enumerate(["Đào", "Ân", "Dung", "Ăn", "An", "Bình", "Anh"]):
        b.person(f"CB{i}", f"Lê Văn {name}", "P01").decide(f"CB{i}", "LDTT")
    got = [n.split()[-1] for n in names(build_nominations(b.build()), "people", "LDTT")]
    assert got == ["An", "Anh", "Ăn", "Ân", "Bình", "Dung", "Đào"]


def test_given_name_first_then_full_name() -> None:
    b = ResultBuilder(sort=["given_name", "name"]).unit("P01", "Văn phòng")
    b.person("CB1", "Trần Văn An", "P01").person("CB2", "Lê Văn An", "P01")
    b.person("CB3", "Ân Văn Bình", "P01")
    for pid in ("CB1", "CB2", "CB3"):
        b.decide(pid, "LDTT")
    assert names(build_nominations(b.build()), "people", "LDTT") == [
        "Lê Văn An",
        "Trần Văn An",
        "Ân Văn Bình",
    ]


def test_sort_is_configurable_name_only_ignores_units_and_positions() -> None:
    doc = sample()
    doc["rules"]["nominations"]["sort"] = ["name"]
    got = names(build_nominations(doc), "people", "LDTT")
    assert got[:3] == ["Bùi Văn Cường", "Đặng Văn Khoa", "Đỗ Thị Dung"]


def test_order_does_not_depend_on_input_order() -> None:
    doc = sample()
    before = build_nominations(doc)
    for key in ("units", "people", "decisions"):
        doc[key] = list(reversed(doc[key]))
    doc["units"].sort(key=lambda u: u["id"])  # unit order is the document's (id) order
    after = build_nominations(doc)
    assert (after.sections, after.money) == (before.sections, before.money)


def test_unknown_position_and_unit_go_last() -> None:
    b = ResultBuilder().unit("P01", "Văn phòng")
    b.person("CB1", "Lê Văn A", "P01", position="Tạp vụ")
    b.person("CB2", "Lê Văn B", "P01", position="  phó   giám ĐỐC ")
    b.person("CB3", "Lê Văn C", "P99", position="Giám đốc")
    for pid in ("CB1", "CB2", "CB3"):
        b.decide(pid, "LDTT")
    assert subjects(build_nominations(b.build()), "people", "LDTT") == ["CB2", "CB1", "CB3"]


def test_statuses_and_tie_note() -> None:
    awarded = build_nominations(sample())
    assert subjects(awarded, "people", "CSTDCS") == ["CB09"]
    both = build_nominations(sample(), statuses=["awarded", "tie"])
    tie = next(e for s in both.sections for g in s.groups for e in g.entries if e.status == "tie")
    assert tie.subject == "CB08"
    assert tie.note.startswith("Hội đồng quyết định")
    assert "đồng hạng 2, 1 suất" in tie.note
    assert both.has_ties and not awarded.has_ties


def test_title_selection_and_heading() -> None:
    nl = build_nominations(sample(), titles=["LDTT"])
    assert [s.scope for s in nl.sections] == ["people"]
    assert nl.heading() == "DANH SÁCH ĐỀ NGHỊ TẶNG DANH HIỆU “LAO ĐỘNG TIÊN TIẾN” NĂM 2025"
    award = build_nominations(sample(), titles=["CO_TINH"])
    assert award.heading() == (
        "DANH SÁCH ĐỀ NGHỊ TẶNG CỜ THI ĐUA CỦA ỦY BAN NHÂN DÂN TỈNH NĂM 2025"
    )
    assert build_nominations(sample()).heading() == "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG NĂM 2025"


def test_columns_birth_year_affiliation_achievement() -> None:
    nl = build_nominations(sample(), statuses=["awarded", "tie"])
    people = {
        e.subject: e for e in next(s for s in nl.sections if s.scope == "people").groups[1].entries
    }
    assert (people["CB02"].born_male, people["CB02"].born_female) == ("", "1990")
    assert (people["CB03"].born_male, people["CB03"].born_female) == ("1980", "")
    assert people["CB11"].born_male == people["CB11"].born_female == ""
    assert "Năm sinh 1982" in people["CB11"].note  # unknown sex: kept, not lost
    assert people["CB12"].born_male == people["CB12"].born_female == ""
    assert people["CB09"].affiliation == "Giám đốc, Văn phòng Sở"
    units = nl.sections[0]
    ttldxs = {e.subject: e for e in units.groups[0].entries}
    assert ttldxs["P03"].achievement == "Xếp loại HTXS.; 100% LĐTT."  # from the reasons
    assert ttldxs["P01"].affiliation == "Khối 1"
    assert units.groups[1].entries[0].achievement == "Dẫn đầu Khối 1"


def test_totals_count_distinct_subjects() -> None:
    nl = build_nominations(sample(), statuses=["awarded", "tie"])
    # P01 holds two lines (TTLDXS and Cờ); CB09 and CB10 two each.
    assert (nl.units_count, nl.people_count) == (3, 12)
    assert nl.totals_line() == "Tổng số: 03 tập thể, 12 cá nhân"


def test_money_table_per_title_and_amount() -> None:
    nl = build_nominations(sample(), statuses=["awarded", "tie"])
    lines = [(m.title, m.count, m.amount, m.total) for m in nl.money]
    assert ("LDTT", 12, Decimal("710000"), Decimal("8520000")) in lines
    assert ("CSTDCS", 1, Decimal("2340000"), Decimal("2340000")) in lines
    assert ("CSTDCS", 1, None, Decimal(0)) in lines  # the tie: no money decided
    assert [m.title for m in nl.money][:3] == ["TTLDXS", "CO_TINH", "GK"]
    assert nl.total_money == Decimal("10860000")


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"statuses": ["over_quota"]}, "EXPORT_STATUS"),
        ({"titles": ["NOPE"]}, "EXPORT_TITLE"),
    ],
)
def test_bad_options_are_diagnostics(kwargs: dict, code: str) -> None:
    with pytest.raises(EmulateError) as info:
        build_nominations(sample(), **kwargs)
    assert [d.code for d in info.value.diagnostics] == [code]
    assert info.value.diagnostics[0].message("vi")


def test_bad_sort_key_and_not_a_result() -> None:
    doc = sample()
    doc["rules"]["nominations"]["sort"] = ["surname"]
    with pytest.raises(EmulateError, match="surname"):
        build_nominations(doc)
    with pytest.raises(EmulateError, match="emulate-result/1"):
        build_nominations({"format": "other"})


def test_references_and_source() -> None:
    nl = build_nominations(sample())
    assert nl.references == (
        "Luật Thi đua, khen thưởng số 06/2022/QH15",
        "Nghị định số 152/2025/NĐ-CP",
    )
    assert nl.source.startswith("emulate 0.1.0; kết quả SHA-256 ")
    assert "0" * 64 in nl.source  # the rule set's hash
    assert build_nominations(sample()).source == nl.source


def test_empty_list() -> None:
    b = ResultBuilder().unit("P01", "Văn phòng").decide("P01", "TTLDXS", "over_quota")
    nl = build_nominations(b.build())
    assert nl.sections == () and nl.money == () and nl.total_money == 0
    assert nl.totals_line() == "Tổng số: 00 tập thể, 00 cá nhân"


def test_small_helpers() -> None:
    assert inert("a\x01b\x0bc\td") == "a\ufffdb\ufffdc\td"
    assert inert("Hoa\u0300") == "Hoà"
    assert inert(None) == ""
    assert format_money(Decimal("7100000")) == "7.100.000"
    assert format_money(Decimal("1234.50")) == "1.234,5"
    assert format_money(None) == "-"
    assert two_digits(3) == "03" and two_digits(105) == "105"


def test_dates_official_form() -> None:
    assert date_words(dt.date(2026, 1, 5)) == "ngày 05 tháng 01 năm 2026"
    assert date_words(dt.date(2025, 2, 28)) == "ngày 28 tháng 02 năm 2025"
    assert date_words(dt.date(2025, 12, 9)) == "ngày 09 tháng 12 năm 2025"
    assert date_words(dt.date(2025, 3, 15)) == "ngày 15 tháng 3 năm 2025"
    assert date_words(None) == "ngày ... tháng ... năm ..."
    assert parse_date("5/1/2026") == dt.date(2026, 1, 5)
    assert parse_date(" 05-01-2026 ") == dt.date(2026, 1, 5)
    for bad in ("31/02/2026", "2026-01-05", "hôm nay", ""):
        with pytest.raises(ValueError, match="ngày/tháng/năm"):
            parse_date(bad)
    head = Letterhead(
        issuer="Sở Nội vụ", number="15/TTr-SNV", date=dt.date(2026, 1, 5), place="Hưng Yên"
    )
    assert head.place_date() == "Hưng Yên, ngày 05 tháng 01 năm 2026"
    assert head.attachment() == (
        "(Kèm theo Tờ trình số 15/TTr-SNV ngày 05 tháng 01 năm 2026 của Sở Nội vụ)"
    )
    assert Letterhead().attachment() == (
        "(Kèm theo Tờ trình số .../TTr-... ngày ... tháng ... năm ... của ...)"
    )


def test_from_a_real_result_document() -> None:
    """The engine's `Result`, through `result_to_document`, lists and renders."""
    from emulate.output.csv_list import render_csv
    from emulate.output.docx_list import render_docx
    from emulate.output.resultjson import result_to_document
    from emulate.output.xlsx_list import render_xlsx
    from tests.output_factory import make_result

    nl = build_nominations(result_to_document(make_result()), statuses=["awarded", "tie"])
    assert [s.scope for s in nl.sections] == ["units", "people"]
    ties = [e for s in nl.sections for g in s.groups for e in g.entries if e.status == "tie"]
    assert ties and all(e.note.startswith("Hội đồng quyết định") for e in ties)
    for render in (render_docx, render_xlsx):
        assert render(nl, Letterhead())[:2] == b"PK"
    assert render_csv(nl).startswith(b"\xef\xbb\xbf")
