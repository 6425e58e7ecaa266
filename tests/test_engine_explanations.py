"""Exact explanations for worked cases of the national rule set (law.md §8)."""

from __future__ import annotations

import pytest

from emulate.engine.run import score
from emulate.engine.testcases import case_intake
from emulate.rules.load import load_rules


@pytest.fixture(scope="module")
def national():
    return load_rules("national")


def _decision(rules, case_name: str, subject: str, title: str, lang: str = "vi"):
    (case,) = [c for c in rules.tests if c.name.startswith(case_name)]
    result = score(rules, case_intake(rules, case), year=case.year, lang=lang)
    d = result.decisions
    (row,) = d[(d["subject"] == subject) & (d["title"] == title)].to_dict("records")
    return row


def test_quota_cut_is_explained_with_rank_places_and_rule(national) -> None:
    row = _decision(national, "2. CSTĐCS: 20 LĐTT", "B04", "CSTDCS")
    assert row["status"] == "over_quota"
    assert (row["rank"], row["places"], row["pool"]) == (4, 3, "D1")
    assert row["reasons"] == (
        "✓ LDTT",
        "✓ level == HTXS or initiatives >= 1",
        "Hạng 4/3 suất (đơn vị D1): ngoài chỉ tiêu; Chỉ tiêu: 15% của LĐTT, mỗi đơn vị, "
        "làm tròn xuống, tối thiểu 1; cơ sở tính 20 → 3 suất",
    )


def test_lower_title_of_the_same_period_pays_nothing(national) -> None:
    row = _decision(national, "2. CSTĐCS: 20 LĐTT", "B01", "LDTT")
    assert row["money"] == 0
    assert row["reasons"][-1] == (
        "Không chi tiền thưởng LĐTT: cùng kỳ đã chi cho danh hiệu cao hơn CSTĐCS "
        "(NĐ 152/2025 Điều 49.5)"
    )
    paid = _decision(national, "2. CSTĐCS: 20 LĐTT", "B01", "CSTDCS")
    assert paid["money"] == 2340000
    assert paid["reasons"][-1] == (
        "Tiền thưởng: 1 × 2.340.000 = 2.340.000 → làm tròn lên 2.340.000 đồng"
    )


def test_ineligible_lists_only_the_failed_clauses_with_the_share_seen(national) -> None:
    row = _decision(national, "3. TTLĐXS: 6 LĐTT (60%)", "P1", "TTLDXS")
    assert row["status"] == "ineligible"
    assert row["reasons"] == ("✗ share(LDTT) >= 70% [60%]",)


def test_chain_titles_carry_the_achievement_line(national) -> None:
    row = _decision(national, "5. CSTĐ tỉnh: CSTĐCS 2023, 2024, 2025", "A1", "CSTD_TINH")
    assert row["status"] == "awarded"
    assert row["achievement"] == (
        "Hoàn thành xuất sắc nhiệm vụ năm 2025; 03 năm liên tục CSTĐCS 2023–2025"
    )
    superseded = _decision(national, "5. CSTĐ tỉnh: CSTĐCS 2023, 2024, 2025", "A1", "BK_TINH_CN")
    assert superseded["status"] == "superseded"
    assert superseded["reasons"][-1] == (
        "Đã được đề nghị CSTĐ tỉnh (hình thức cao hơn cùng nhóm; một thành tích chỉ một hình "
        "thức khen thưởng)"
    )


def test_window_restarts_after_the_last_award(national) -> None:
    row = _decision(national, "5. CSTĐ tỉnh: đã được CSTĐ tỉnh năm 2023", "A1", "CSTD_TINH")
    assert row["status"] == "ineligible"
    assert row["reasons"][0] == "✗ streak(CSTDCS) >= 3 [2]"


def test_english_explanations(national) -> None:
    row = _decision(national, "2. CSTĐCS: 20 LĐTT", "B04", "CSTDCS", lang="en")
    assert row["reasons"][-1] == (
        "Rank 4 of 3 places (unit D1): over the quota; Quota: 15% of LĐTT, per unit, "
        "rounded down, at least 1; base 20 → 3 places"
    )
