"""Quota sizing (exhaustive over whole percents) and placement at the cut line."""

from decimal import Decimal

import pandas as pd
import pytest

from emulate.engine.quota import place, quota_size
from emulate.rules.model import Quota


@pytest.mark.parametrize("mode", ["down", "up", "nearest"])
def test_quota_size_is_exact_for_every_base_and_whole_percent(mode: str) -> None:
    wrong = []
    for percent in range(1, 101):
        quota = Quota(share=f"{percent}%", round=mode)
        for n in range(501):
            expected = {
                "down": n * percent // 100,
                "up": -(-n * percent // 100),
                "nearest": (2 * n * percent + 100) // 200,
            }[mode]
            if quota_size(n, quota) != expected:
                wrong.append((n, percent))
    assert wrong == []


def test_the_float_trap_is_avoided() -> None:
    # int(100 * 0.29) == 28 in floating point; the law means 29.
    assert quota_size(100, Quota(share="29%")) == 29


def test_at_least_applies_only_when_the_base_is_not_empty() -> None:
    quota = Quota(share="15%", at_least=1)
    assert quota_size(6, quota) == 1  # 0.9 → 0 → at least 1 (law.md §8 case 2)
    assert quota_size(20, quota) == 3  # 3.0
    assert quota_size(0, quota) == 0


def test_count_quota() -> None:
    assert quota_size(7, Quota(count=1)) == 1
    assert quota_size(0, Quota(count=2)) == 2  # no candidates: placement awards nobody


def _table(rows: list[tuple[str, str, object]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["id", "pool", "k0"]).set_index("id")
    frame["k0"] = frame["k0"].astype(object)
    return frame


def test_a_tie_across_the_cut_line_is_a_tie_for_all_of_it() -> None:
    table = _table(
        [
            ("A", "p", Decimal(95)),
            ("B", "p", Decimal(90)),
            ("C", "p", Decimal(90)),
            ("D", "p", Decimal(80)),
        ]
    )
    placed = place(table, ["k0"], pd.Series({"p": 2}))
    assert placed["status"].to_dict() == {"A": "awarded", "B": "tie", "C": "tie", "D": "over_quota"}
    assert placed["rank"].to_dict() == {"A": 1, "B": 2, "C": 2, "D": 4}


def test_a_tie_inside_the_quota_is_awarded() -> None:
    table = _table([("A", "p", 90), ("B", "p", 90), ("C", "p", 80)])
    placed = place(table, ["k0"], pd.Series({"p": 2}))
    assert placed["status"].to_dict() == {"A": "awarded", "B": "awarded", "C": "over_quota"}


def test_pools_are_independent_and_later_keys_break_ties() -> None:
    table = pd.DataFrame(
        {"pool": ["x", "x", "y", "y"], "k0": [1, 1, 5, 5], "k1": [0, 1, 1, 1]},
        index=["A", "B", "C", "D"],
    ).astype(object)
    placed = place(table, ["k0", "k1"], pd.Series({"x": 1, "y": 1}))
    assert placed["status"].to_dict() == {"A": "over_quota", "B": "awarded", "C": "tie", "D": "tie"}


def test_without_order_keys_everyone_is_equal() -> None:
    table = pd.DataFrame({"pool": ["p", "p", "p"]}, index=["A", "B", "C"])
    assert set(place(table, [], pd.Series({"p": 2}))["status"]) == {"tie"}
    assert set(place(table, [], pd.Series({"p": 3}))["status"]) == {"awarded"}
