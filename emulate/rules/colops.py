"""Column operations behind compiled conditions: exact numbers, comparisons where a missing
value gives False, and the aggregates over members, groups and history. Everything works on
whole columns (numpy/pandas); `Fraction`/`Decimal` cells are compared by numpy's object loops.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from emulate.rules.context import Share

if TYPE_CHECKING:
    import pandas as pd

    from emulate.rules.context import EvalContext


@dataclass(frozen=True)
class Value:
    kind: str  # bool | num | level | choice | text | str (a literal) | list
    series: Any  # pd.Series, or a Python scalar for literals
    field: str | None = None  # the choice field, for display and literal checks
    ordered: bool = False


@dataclass
class Env:
    ctx: EvalContext
    keys: pd.Series | None = None  # group scope: per row the group key
    groups: pd.Index | None = None  # group scope: the distinct keys, in order of appearance


def frac(v: Any) -> Any:
    if v is None:
        return None
    if isinstance(v, Decimal):
        return None if not v.is_finite() else Fraction(v)
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, int | Fraction):
        return v
    try:
        import pandas as pd

        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    return Fraction(v)


def as_num_series(s: pd.Series) -> pd.Series:
    """Exact numbers in an object Series, None for missing. `Decimal` cells stay `Decimal`:
    they compare exactly with `int` and `Fraction`; arithmetic converts them (`frac`)."""
    import pandas as pd

    if pd.api.types.is_float_dtype(s.dtype):  # not the contract, but never compare floats
        return s.astype(object).map(frac, na_action="ignore").where(s.notna(), None)
    return s.astype(object).where(s.notna(), None)


def bool_series(s: pd.Series) -> pd.Series:
    return s.fillna(False).astype(bool)


def series_like(env: Env, value: Any) -> pd.Series:
    import pandas as pd

    return pd.Series([value] * len(env.ctx.index), index=env.ctx.index, dtype=object)


def is_series(v: Any) -> bool:
    return hasattr(v, "index") and hasattr(v, "isna")


def zip_apply(fn: Callable[[Any, Any], Any], a: Any, b: Any) -> pd.Series:
    import pandas as pd

    index = a.index if is_series(a) else b.index
    av = (
        a.astype(object).where(a.notna(), None)
        if is_series(a)
        else pd.Series(a, index=index, dtype=object)
    )
    bv = (
        b.astype(object).where(b.notna(), None)
        if is_series(b)
        else pd.Series(b, index=index, dtype=object)
    )
    return pd.Series([fn(x, y) for x, y in zip(av, bv, strict=True)], index=index, dtype=object)


def positions(s: pd.Series, ordered: list[str], *, reverse: bool = False) -> pd.Series:
    """Position of each value in `ordered` (reversed: the first is the highest) as floats,
    NaN for missing or unknown values — one hash lookup per row, in C."""
    import numpy as np
    import pandas as pd

    idx = pd.Index(ordered).get_indexer(s.astype(object).to_numpy())
    out = (len(ordered) - 1 - idx) if reverse else idx
    return pd.Series(np.where(idx >= 0, out, np.nan), index=s.index)


def compare(op: Callable[[Any, Any], Any], a: Any, b: Any, env: Env) -> pd.Series:
    """Element-wise comparison; a missing operand gives False."""
    import numpy as np
    import pandas as pd

    if not is_series(a) and not is_series(b):
        value = a is not None and b is not None and bool(op(a, b))
        return pd.Series(value, index=env.ctx.index)
    index = a.index if is_series(a) else b.index
    mask = np.ones(len(index), dtype=bool)
    values = []
    for v in (a, b):
        if is_series(v):
            mask &= v.notna().to_numpy()
            arr = v.to_numpy()
            values.append(arr if arr.dtype.kind == "f" else v.astype(object).to_numpy())
        elif v is None:
            return pd.Series(False, index=index)
        else:
            values.append(v)
    out = np.zeros(len(index), dtype=bool)
    if mask.all():
        out[:] = np.asarray(op(values[0], values[1]), dtype=bool)
    elif mask.any():
        left = values[0][mask] if isinstance(values[0], np.ndarray) else values[0]
        right = values[1][mask] if isinstance(values[1], np.ndarray) else values[1]
        out[mask] = np.asarray(op(left, right), dtype=bool)
    return pd.Series(out, index=index)


def aggregate(
    fname: str, cond: pd.Series | None, keys: pd.Series, index: pd.Index, n: int
) -> Value:
    """count / share / size / all / any of the rows of each key, aligned to `index`."""
    import numpy as np
    import pandas as pd

    codes, uniques = pd.factorize(keys.to_numpy())
    valid = codes >= 0
    where = pd.Index(uniques).get_indexer(index)
    found = where >= 0

    def per_key(weights: Any) -> Any:
        totals = np.bincount(codes[valid], weights=weights, minlength=len(uniques))
        return np.where(found, totals[np.where(found, where, 0)] if len(uniques) else 0, 0)

    sizes = per_key(None).astype(np.int64)
    if fname == "size":
        return Value("num", pd.Series(sizes, index=index).astype(object))
    assert cond is not None
    flags = cond.fillna(False).astype(bool).to_numpy()
    counts = per_key(flags[valid].astype(np.int64)).astype(np.int64)
    if fname == "count":
        return Value("num", pd.Series(counts, index=index).astype(object))
    if fname == "all":
        return Value("bool", pd.Series(counts == sizes, index=index))
    if fname == "any":
        return Value("bool", pd.Series(counts > 0, index=index))
    shares = [Share(int(c), int(s)) if s else None for c, s in zip(counts, sizes, strict=True)]
    return Value("num", pd.Series(shares, index=index, dtype=object))


def history(
    fname: str,
    cond: pd.Series,
    subject: pd.Series,
    year: pd.Series,
    this_year: int,
    index: pd.Index,
    last: int | None,
) -> Value:
    """streak / years / ever over the history rows, per subject of `index`."""
    import pandas as pd

    frame = pd.DataFrame(
        {"s": subject.to_numpy(), "y": year.to_numpy(), "c": cond.fillna(False).to_numpy()}
    )
    frame = frame[frame["c"].astype(bool) & (frame["y"] <= this_year)]
    if fname == "ever":
        held = pd.Series(True, index=pd.Index(frame["s"].unique()))
        return Value("bool", held.reindex(index, fill_value=False).astype(bool))
    frame = frame.drop_duplicates(["s", "y"])
    if fname == "years":
        assert last is not None
        frame = frame[frame["y"] > this_year - last]
        counts = frame.groupby("s").size()
        return Value("num", counts.reindex(index, fill_value=0).astype(int).astype(object))
    # streak: years back from this one, all present: distance == position in the run
    frame = frame.assign(d=this_year - frame["y"]).sort_values(["s", "d"])
    frame = frame[frame["d"] == frame.groupby("s").cumcount()]
    counts = frame.groupby("s").size()
    return Value("num", counts.reindex(index, fill_value=0).astype(int).astype(object))
