"""Quota sizes and placement at the cut line.

Sizes use exact rational arithmetic (`int(100 * 0.29) == 28` is the bug to avoid). Placement
ranks candidates within their pool by the title's `order` keys; subjects with equal keys share
a place, and when such a group straddles the cut line every member of it gets `tie` — the
council decides, never row order, name or id.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import TYPE_CHECKING

from emulate.rules.model import Quota

if TYPE_CHECKING:
    import pandas as pd


def quota_size(base: int, quota: Quota) -> int:
    """Places for a pool whose base (the `of` count, or the candidates) is `base`."""
    if quota.count is not None:
        places = quota.count
    else:
        assert quota.share is not None  # the model guarantees one of share / count
        exact = Fraction(quota.share) * base
        if quota.round == "down":
            places = math.floor(exact)
        elif quota.round == "up":
            places = math.ceil(exact)
        else:  # nearest, halves up: 2.5 → 3
            places = math.floor(exact + Fraction(1, 2))
    if quota.at_least is not None and base > 0:
        places = max(places, quota.at_least)
    return places


def place(candidates: pd.DataFrame, keys: list[str], places: pd.Series) -> pd.DataFrame:
    """Rank `candidates` (columns `pool` and the sort `keys`, higher is better) within each
    pool and decide each one's status against the pool's `places` (indexed by pool).

    Returns a frame aligned to `candidates.index` with `rank` (first place of its group of
    equals, 1-based), `last` (last place of that group), `places`, `status`
    (awarded | tie | over_quota) and `group` (an id shared by subjects with equal keys).
    """
    import pandas as pd

    if candidates.empty:
        return pd.DataFrame(
            {"rank": [], "last": [], "places": [], "status": [], "group": []},
            index=candidates.index,
        )
    ordered = candidates.sort_values(["pool", *keys], ascending=[True] + [False] * len(keys))
    fresh = ordered["pool"].ne(ordered["pool"].shift())
    for key in keys:
        fresh |= ordered[key].ne(ordered[key].shift())
    group = fresh.cumsum()
    position = ordered.groupby("pool", sort=False).cumcount() + 1
    rank = position.groupby(group).transform("min")
    last = position.groupby(group).transform("max")
    cap = ordered["pool"].map(places).astype("int64")
    status = pd.Series("over_quota", index=ordered.index, dtype=object)
    status[last <= cap] = "awarded"
    status[(rank <= cap) & (last > cap)] = "tie"
    out = pd.DataFrame(
        {"rank": rank, "last": last, "places": cap, "status": status, "group": group}
    )
    return out.loc[candidates.index]
