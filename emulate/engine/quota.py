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

from emulate.rules.model import STATUSES, Quota

if TYPE_CHECKING:
    import numpy as np
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


# Status codes of the engine's arrays: positions in `rules.model.STATUSES`.
AWARDED, TIE, OVER_QUOTA, SUPERSEDED, INELIGIBLE = range(5)
assert STATUSES[AWARDED] == "awarded" and STATUSES[INELIGIBLE] == "ineligible"


def dense_ranks(values: np.ndarray, descending: bool = True) -> np.ndarray:
    """Sort-key values as dense integer ranks, higher is better (ascending keys reversed);
    blanks rank last (-1) either way. Distinct values are ordered exactly (Python comparisons
    of `Decimal`, `Fraction`, `int`), each once."""
    import numpy as np

    from emulate.rules.colops import factorize

    n = len(values)
    out = np.full(n, -1, dtype=np.int64)
    if not n:
        return out
    if values.dtype.kind in "iub":
        uniques, inverse = np.unique(values, return_inverse=True)
        ranks, k = inverse.astype(np.int64), len(uniques)
        valid = None
    elif values.dtype.kind == "f":
        valid = ~np.isnan(values)
        uniques, inverse = np.unique(values[valid], return_inverse=True)
        ranks, k = inverse.astype(np.int64), len(uniques)
    else:
        codes, uniques = factorize(values)
        valid = codes >= 0
        objects = uniques.tolist()
        order = sorted(range(len(objects)), key=objects.__getitem__)
        place_of = np.empty(len(objects), dtype=np.int64)
        place_of[order] = np.arange(len(objects))
        ranks, k = place_of[codes[valid]], len(objects)
    if not descending:
        ranks = k - 1 - ranks
    if valid is None:
        return ranks
    out[valid] = ranks
    return out


def place_arrays(
    pool: np.ndarray, keys: list[np.ndarray], sizes: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The placement of `m` candidates: `pool` (codes 0..p-1), integer sort `keys` (higher is
    better), `sizes` (places per pool code). Returns, per candidate in the given order, `rank`
    (first place of its group of equals within the pool, 1-based), `last` (last place of that
    group), `places`, `status` (AWARDED | TIE | OVER_QUOTA) and `group` (shared by equals)."""
    import numpy as np

    m = len(pool)
    if not m:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty, empty.astype(np.int8), empty
    order = np.lexsort((*tuple(-k for k in reversed(keys)), pool))
    sorted_pool = pool[order]
    new_pool = np.ones(m, dtype=bool)
    new_pool[1:] = sorted_pool[1:] != sorted_pool[:-1]
    fresh = new_pool.copy()
    for key in keys:
        ordered = key[order]
        fresh[1:] |= ordered[1:] != ordered[:-1]
    idx = np.arange(m)
    position = idx - np.maximum.accumulate(np.where(new_pool, idx, 0)) + 1
    group = np.cumsum(fresh) - 1
    starts = np.flatnonzero(fresh)
    ends = np.r_[starts[1:], m] - 1
    rank = position[starts][group]
    last = position[ends][group]
    cap = sizes[sorted_pool].astype(np.int64)
    status = np.full(m, OVER_QUOTA, dtype=np.int8)
    status[last <= cap] = AWARDED
    status[(rank <= cap) & (last > cap)] = TIE
    back = np.empty(m, dtype=np.intp)
    back[order] = idx
    return rank[back], last[back], cap[back], status[back], group[back]


def place(candidates: pd.DataFrame, keys: list[str], places: pd.Series) -> pd.DataFrame:
    """Rank `candidates` (columns `pool` and the sort `keys`, higher is better) within each
    pool and decide each one's status against the pool's `places` (indexed by pool).

    Returns a frame aligned to `candidates.index` with `rank` (first place of its group of
    equals, 1-based), `last` (last place of that group), `places`, `status`
    (awarded | tie | over_quota) and `group` (an id shared by subjects with equal keys).
    """
    import numpy as np
    import pandas as pd

    if candidates.empty:
        return pd.DataFrame(
            {"rank": [], "last": [], "places": [], "status": [], "group": []},
            index=candidates.index,
        )
    codes, pools = pd.factorize(candidates["pool"].to_numpy(dtype=object))
    sizes = places.reindex(pools).to_numpy(dtype=np.int64)
    ranked = [dense_ranks(candidates[k].to_numpy(dtype=object)) for k in keys]
    rank, last, cap, status, group = place_arrays(codes, ranked, sizes)
    names = np.array(STATUSES, dtype=object)
    return pd.DataFrame(
        {"rank": rank, "last": last, "places": cap, "status": names[status], "group": group},
        index=candidates.index,
    )
