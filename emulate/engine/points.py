"""The points table (bảng chấm điểm): group subtotals, bonus, penalty, total — exact.

Items arrive as `Decimal` (or None when blank and the rule set gives no default; intake has
already reported that as an error). A subject with a missing item has no score: conditions on
`score` then fail, visibly, instead of counting the blank as zero.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from emulate.rules.model import SubjectSpec

if TYPE_CHECKING:
    import pandas as pd

ZERO = Decimal(0)


def _exact_sum(frame: pd.DataFrame, columns: list[str]) -> pd.Series:
    """Sum object columns of Decimals; None where any addend is missing."""
    import pandas as pd

    total = pd.Series([ZERO] * len(frame), index=frame.index, dtype=object)
    missing = pd.Series(False, index=frame.index)
    for column in columns:
        values = (
            frame[column]
            if column in frame.columns
            else pd.Series([None] * len(frame), index=frame.index, dtype=object)
        )
        absent = values.isna()
        missing |= absent
        total = total + values.where(~absent, ZERO)
    total[missing] = None
    return total


def has_points(spec: SubjectSpec) -> bool:
    return bool(spec.score)


def compute_points(frame: pd.DataFrame, spec: SubjectSpec) -> pd.DataFrame:
    """Add `group:<id>`, `bonus`, `penalty`, `score`, `min_group_ratio` to a copy of `frame`.

    The bonus is capped at its `max` (the cap is the rule: extra bonus points do not count);
    `bonus_capped` records where that happened so the explanation can say so.
    """
    import pandas as pd

    out = frame.copy()
    ratios: list[pd.Series] = []
    groups: list[str] = []
    for group in spec.score:
        column = f"group:{group.id}"
        out[column] = _exact_sum(frame, [f"item:{item.id}" for item in group.items])
        groups.append(column)
        ratios.append(_divide(out[column], group.max))
    base = _exact_sum(out, groups)

    bonus = _adjustment(frame, "bonus", spec.bonus is not None)
    out["bonus_capped"] = False
    if spec.bonus is not None and spec.bonus.max is not None:
        cap = spec.bonus.max
        over = bonus.gt(cap).astype(bool)
        out["bonus_capped"] = over
        bonus = bonus.where(~over, cap)
    penalty = _adjustment(frame, "penalty", spec.penalty is not None)
    out["bonus"] = bonus
    out["penalty"] = penalty
    parts = pd.DataFrame({"base": base, "bonus": bonus, "penalty": _divide(penalty, Decimal(-1))})
    out["score"] = _exact_sum(parts, ["base", "bonus", "penalty"])
    if ratios:
        ratio_frame = pd.concat(ratios, axis=1)
        has_missing = ratio_frame.isna().any(axis=1)
        lowest = ratio_frame.where(~ratio_frame.isna(), Decimal("Infinity")).min(axis=1)
        out["min_group_ratio"] = lowest.astype(object).where(~has_missing, None)
    else:
        out["min_group_ratio"] = None
    return out


def _adjustment(frame: pd.DataFrame, column: str, declared: bool) -> pd.Series:
    import pandas as pd

    if declared and column in frame.columns:
        return frame[column].astype(object)
    return pd.Series([ZERO] * len(frame), index=frame.index, dtype=object)


def _divide(values: pd.Series, by: Decimal) -> pd.Series:
    """Exact division of an object column of Decimals, keeping None."""
    absent = values.isna()
    quotient = values.where(~absent, ZERO) / by
    return quotient.where(~absent, None).astype(object)
