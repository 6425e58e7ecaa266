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
    import numpy as np
    import pandas as pd

ZERO = Decimal(0)


def _values(frame: pd.DataFrame, column: str) -> tuple[np.ndarray, np.ndarray]:
    """A column's values with blanks as ZERO, and where the blanks are (an absent column is
    blank everywhere)."""
    import numpy as np
    import pandas as pd

    n = len(frame.index)
    if column not in frame.columns:
        return np.full(n, ZERO, dtype=object), np.ones(n, dtype=bool)
    values = frame[column].to_numpy(dtype=object)
    absent = np.asarray(pd.isna(values), dtype=bool)
    if absent.any():
        values = np.where(absent, ZERO, values)
    return values, absent


def _sum(parts: list[tuple[np.ndarray, np.ndarray]], n: int) -> tuple[np.ndarray, np.ndarray]:
    """Exact sum of Decimal arrays (from ZERO, in order); missing where any addend is."""
    import numpy as np

    total = np.full(n, ZERO, dtype=object)
    missing = np.zeros(n, dtype=bool)
    for values, absent in parts:
        total = total + values
        missing |= absent
    return total, missing


def _column(values: np.ndarray, missing: np.ndarray) -> pd.Series:
    import numpy as np
    import pandas as pd

    return pd.Series(np.where(missing, None, values), dtype=object)


def has_points(spec: SubjectSpec) -> bool:
    return bool(spec.score)


def compute_points(frame: pd.DataFrame, spec: SubjectSpec) -> pd.DataFrame:
    """Add `group:<id>`, `bonus`, `penalty`, `score`, `min_group_ratio` to a copy of `frame`.

    The bonus is capped at its `max` (the cap is the rule: extra bonus points do not count);
    `bonus_capped` records where that happened so the explanation can say so.
    """
    import functools

    import numpy as np

    n = len(frame.index)
    new: dict[str, object] = {}
    groups: list[tuple[np.ndarray, np.ndarray]] = []
    ratios: list[tuple[np.ndarray, np.ndarray]] = []
    for group in spec.score:
        total, missing = _sum([_values(frame, f"item:{item.id}") for item in group.items], n)
        new[f"group:{group.id}"] = _column(total, missing)
        groups.append((total, missing))
        ratios.append((total / group.max, missing))
    base = _sum(groups, n)

    bonus, bonus_absent = _adjustment(frame, "bonus", spec.bonus is not None)
    capped = np.zeros(n, dtype=bool)
    if spec.bonus is not None and spec.bonus.max is not None:
        cap = spec.bonus.max
        present = ~bonus_absent
        capped[present] = np.asarray(bonus[present] > cap, dtype=bool)
        bonus = np.where(capped, cap, bonus)
    penalty, penalty_absent = _adjustment(frame, "penalty", spec.penalty is not None)
    new["bonus_capped"] = capped
    new["bonus"] = _column(bonus, bonus_absent)
    new["penalty"] = _column(penalty, penalty_absent)
    score = _sum([base, (bonus, bonus_absent), (penalty / Decimal(-1), penalty_absent)], n)
    new["score"] = _column(*score)
    if ratios:
        infinity = Decimal("Infinity")
        lowest = functools.reduce(np.minimum, [np.where(m, infinity, r) for r, m in ratios])
        has_missing = functools.reduce(np.logical_or, [m for _, m in ratios])
        new["min_group_ratio"] = _column(lowest, has_missing)
    else:
        new["min_group_ratio"] = None
    out = frame.copy(deep=False)
    for name, values in new.items():
        if hasattr(values, "index"):
            values.index = frame.index  # type: ignore[union-attr]
        out[name] = values
    return out


def _adjustment(frame: pd.DataFrame, column: str, declared: bool) -> tuple[np.ndarray, np.ndarray]:
    import numpy as np

    if declared and column in frame.columns:
        return _values(frame, column)
    n = len(frame.index)
    return np.full(n, ZERO, dtype=object), np.zeros(n, dtype=bool)
