"""Column operations behind compiled conditions: exact numbers, comparisons where a missing
value gives False, and the aggregates over members, groups and history.

Everything works on whole numpy arrays aligned to the rows being evaluated:

- `bool`: a bool array, never missing;
- `num`: an `int64` array (no value missing) or an object array of exact numbers (`int`,
  `Decimal`, `Fraction`, `Share`) with None for missing;
- `level` / ordered `choice`: float positions (exact small integers), NaN for missing;
- unordered `choice` / `text`: an object array of values, None (or NaN) for missing.

Literals stay Python scalars. Object columns are compared value by distinct value (factorised
first), so a `Fraction` or `Decimal` comparison costs one hash per row, not one Python call.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from emulate.rules.context import Share

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from emulate.rules.context import EvalContext

# The streak / years bit sets hold one bit per year back from this one.
_BITS = 62


@dataclass(frozen=True)
class Value:
    kind: str  # bool | num | level | choice | text | str (a literal) | list
    data: Any  # a numpy array aligned to the rows, or a Python scalar for literals
    field: str | None = None  # the choice field, for display and literal checks
    ordered: bool = False


@dataclass
class Env:
    """One evaluation: the context, the group keys (checks) and a cache of what was computed.

    `cache` holds typed columns and the values of memoised nodes for this evaluation only, so
    that a clause and the value it shows in an explanation are computed once."""

    ctx: EvalContext
    keys: pd.Series | None = None  # group scope: per row the group key
    groups: pd.Index | None = None  # group scope: the distinct keys, in order of appearance
    cache: dict[Any, Any] = field(default_factory=dict)

    @property
    def n(self) -> int:
        """Rows of the values: the groups in group scope, else the context's rows."""
        n = self.cache.get("__n__")
        if n is None:
            n = len(self.groups) if self.groups is not None else len(self.ctx.index)
            self.cache["__n__"] = n
        return n

    def raw(self, name: str) -> Any:
        """The column as the context gives it."""
        if name.startswith("group:"):  # points of a group of the points table
            return self.ctx.group_score(name.removeprefix("group:"))
        return self.ctx.column(name)

    def typed(self, key: Any, name: str, build: Callable[[Any], np.ndarray]) -> np.ndarray:
        """`build(column)`, cached for this evaluation and, when the context keeps a store for
        `name` (a column that does not change during the round), across evaluations."""
        k = (key, name)
        hit = self.cache.get(k)
        if hit is not None:
            return hit
        typed = getattr(self.ctx, "typed_array", None)
        hit = typed(k, name, build) if typed is not None else build(self.raw(name))
        self.cache[k] = hit
        return hit

    def group_codes(self) -> np.ndarray:
        """Group scope: per row, the position of its key in `groups` (-1: none)."""
        import pandas as pd

        hit = self.cache.get("__group_codes__")
        if hit is None:
            assert self.keys is not None and self.groups is not None
            codes, uniques = pd.factorize(self.keys.to_numpy())
            where = pd.Index(uniques).get_indexer(self.groups)
            # row → position of its key in `groups`
            lookup = _inverse(where, len(uniques))
            hit = lookup[codes]
            hit[codes < 0] = -1
            self.cache["__group_codes__"] = hit
        return hit


def _inverse(where: np.ndarray, size: int) -> np.ndarray:
    """For a map position → code (-1: none), the map code → position (-1: none); one slot more
    so that code -1 reads -1."""
    import numpy as np

    out = np.full(size + 1, -1, dtype=np.intp)
    found = where >= 0
    out[where[found]] = np.flatnonzero(found)
    return out


# -- conversions of a column to a typed array ---------------------------------------------


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


def to_array(s: Any) -> np.ndarray:
    """The values of a Series or array as a numpy array (extension arrays as objects)."""
    import numpy as np

    if isinstance(s, np.ndarray):
        return s
    values = s.to_numpy() if hasattr(s, "to_numpy") else np.asarray(s)
    return values


def as_bool(s: Any) -> np.ndarray:
    """A bool array; missing values are False."""
    import numpy as np
    import pandas as pd

    if isinstance(s, np.ndarray):
        if s.dtype == bool:
            return s
        if s.dtype.kind == "O":
            missing = pd.isna(s)
            if missing.any():
                s = s.copy()
                s[missing] = False
        return s.astype(bool)
    if hasattr(s, "dtype") and s.dtype == bool:
        return s.to_numpy()
    try:
        return s.to_numpy(dtype=bool, na_value=False)
    except (TypeError, ValueError):
        return as_bool(np.asarray(s.astype(object).where(s.notna(), False)))


def as_num(s: Any) -> np.ndarray:
    """Exact numbers: an int64 array when nothing is missing (integers), else an object array
    with None for missing. `Decimal` cells stay `Decimal`: they compare exactly with `int` and
    `Fraction`; arithmetic converts them (`frac`)."""
    import numpy as np
    import pandas as pd

    if isinstance(s, np.ndarray):
        values = s
    elif s.dtype.kind in "iub" and not isinstance(s.dtype, np.dtype):  # nullable Int64 ...
        if s.hasnans:
            return s.to_numpy(dtype=object, na_value=None)
        values = s.to_numpy()
    else:
        values = s.to_numpy()
    kind = values.dtype.kind
    if kind in "iub":
        return values.astype(np.int64, copy=False)
    if kind == "f":  # not the contract, but never compare floats
        return np.array([None if v != v else frac(v) for v in values.tolist()] + [None])[:-1]
    if kind != "O":
        values = values.astype(object)
    missing = pd.isna(values)
    if missing.any():
        values = values.copy()
        values[missing] = None
    return values


def as_objects(s: Any) -> np.ndarray:
    """Text and unordered choices: an object array (missing as None or NaN)."""
    import numpy as np

    values = to_array(s)
    if values.dtype.kind != "O":
        values = values.astype(object)
    return np.asarray(values)


def positions(s: Any, ordered: list[str], *, reverse: bool = False) -> np.ndarray:
    """Position of each value in `ordered` (reversed: the first is the highest) as floats,
    NaN for missing or unknown values — one hash lookup per row, in C."""
    import numpy as np

    values = to_array(s)
    if len(values) < 64:  # a hash table of its own costs more than a few dict lookups
        where = {v: i for i, v in enumerate(ordered)}
        idx = np.array([where.get(v, -1) for v in values.tolist()], dtype=np.intp)
    else:
        if values.dtype.kind != "O":
            values = values.astype(object)
        idx = _index_of(tuple(ordered)).get_indexer(values)
    out = (len(ordered) - 1 - idx) if reverse else idx
    return np.where(idx >= 0, out, np.nan)


@functools.lru_cache(maxsize=64)
def _index_of(ordered: tuple[str, ...]) -> pd.Index:
    import pandas as pd

    return pd.Index(ordered, dtype=object)


def is_array(v: Any) -> bool:
    import numpy as np

    return isinstance(v, np.ndarray)


def full(n: int, value: Any) -> np.ndarray:
    """An object array of `n` times the same value."""
    import numpy as np

    out = np.empty(n, dtype=object)
    out.fill(value)
    return out


def missing_mask(v: np.ndarray) -> np.ndarray | None:
    """Where an array's values are missing (None when none can be)."""
    import numpy as np
    import pandas as pd

    if v.dtype.kind == "f":
        return np.isnan(v)
    if v.dtype.kind == "O":
        return pd.isna(v)
    return None


def factorize(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`pandas.factorize` (codes, -1 for missing; distinct values). An object array of
    fractions (shares) is grouped by object first: hashing a `Fraction` costs microseconds,
    and such arrays hold a few shared objects (`shares`)."""
    import numpy as np
    import pandas as pd

    n = len(values)
    if values.dtype.kind == "O" and n > 256 and isinstance(_first_present(values), Fraction):
        objects = values.tolist()
        ids = np.fromiter(map(id, objects), dtype=np.int64, count=n)
        by_object, distinct_ids = pd.factorize(ids)
        one = np.empty(len(distinct_ids), dtype=np.intp)
        one[by_object] = np.arange(n)
        codes, uniques = pd.factorize(values[one])
        return codes[by_object], uniques
    return pd.factorize(values)


def _first_present(values: np.ndarray) -> Any:
    """The first value that is not missing (None when all are)."""
    import numpy as np
    import pandas as pd

    for v in values[:64].tolist():
        if v is not None and not (isinstance(v, float) and v != v):
            return v
    present = np.flatnonzero(~pd.isna(values))
    return values[present[0]] if len(present) else None


def _op_on_distinct(op: Callable[[Any, Any], Any], arr: np.ndarray, other: Any, left: bool) -> Any:
    """`op` of an object array and a scalar, evaluated once per distinct value."""
    import numpy as np
    import pandas as pd

    if len(arr) < 64:  # grouping costs more than comparing a few values
        out = np.zeros(len(arr), dtype=bool)
        present = ~np.asarray(pd.isna(arr), dtype=bool)
        if present.any():
            values = arr[present]
            out[present] = np.asarray(op(values, other) if left else op(other, values), dtype=bool)
        return out
    codes, uniques = factorize(arr)
    out = np.zeros(len(arr), dtype=bool)
    if not len(uniques):
        return out
    got = np.asarray(op(uniques, other) if left else op(other, uniques), dtype=bool)
    valid = codes >= 0
    out[valid] = got[codes[valid]]
    return out


def compare(op: Callable[[Any, Any], Any], a: Any, b: Any, n: int) -> np.ndarray:
    """Element-wise comparison; a missing operand gives False."""
    import numpy as np

    a_arr, b_arr = is_array(a), is_array(b)
    if not a_arr and not b_arr:
        value = a is not None and b is not None and bool(op(a, b))
        return np.full(n, value, dtype=bool)
    if (not a_arr and a is None) or (not b_arr and b is None):
        return np.zeros(n, dtype=bool)
    if a_arr and not b_arr and a.dtype.kind == "O":
        return _op_on_distinct(op, a, b, left=True)
    if b_arr and not a_arr and b.dtype.kind == "O":
        return _op_on_distinct(op, b, a, left=False)
    mask: np.ndarray | None = None
    for v in (a, b):
        if is_array(v):
            m = missing_mask(v)
            if m is not None and m.any():
                mask = ~m if mask is None else mask & ~m
    if mask is None:
        return np.asarray(op(a, b), dtype=bool)
    out = np.zeros(n, dtype=bool)
    if mask.any():
        left = a[mask] if a_arr else a
        right = b[mask] if b_arr else b
        out[mask] = np.asarray(op(left, right), dtype=bool)
    return out


def zip_apply(fn: Callable[[Any, Any], Any], a: Any, b: Any, n: int) -> np.ndarray:
    """`fn` row by row (arithmetic on exact numbers); missing operands as None."""
    import numpy as np

    def values(v: Any) -> list[Any]:
        if not is_array(v):
            return [v] * n
        m = missing_mask(v)
        out = v.tolist()
        if m is not None and m.any():
            for i in np.flatnonzero(m).tolist():
                out[i] = None
        return out

    result = np.empty(n, dtype=object)
    result[:] = [fn(x, y) for x, y in zip(values(a), values(b), strict=True)]
    return result


# -- aggregates -----------------------------------------------------------------------------


def shares(counts: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """`Share(count, size)` per row (None where size is 0); one object per distinct pair."""
    import numpy as np
    import pandas as pd

    out = full(len(counts), None)
    some = sizes > 0
    if not some.any():
        return out
    c, s = counts[some].astype(np.int64), sizes[some].astype(np.int64)
    codes, uniques = pd.factorize(c * (int(s.max()) + 1) + s)
    first = np.empty(len(uniques), dtype=np.intp)
    first[codes[::-1]] = np.arange(len(codes) - 1, -1, -1)
    made = full(len(uniques), None)
    for j, i in enumerate(first.tolist()):
        made[j] = Share(int(c[i]), int(s[i]))
    out[some] = made[codes]
    return out


def key_positions(keys: Any, index: pd.Index) -> np.ndarray:
    """Per row, the position of its key in `index` (-1: none). Integer arrays are positions
    already (the engine passes them)."""
    import numpy as np

    if isinstance(keys, np.ndarray) and keys.dtype.kind in "iu":
        return keys
    if not index.is_unique:
        values = to_array(keys)
        return index.get_indexer(values.astype(object) if values.dtype.kind != "O" else values)
    return lookup(to_array(keys), index.to_numpy(dtype=object))


def lookup(keys: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """The position of each key among `ids` (distinct values), -1 when absent.

    One hash table over both (`ids` first, so that their codes are their positions):
    cheaper than `Index.get_indexer`, which builds its own and converts the keys first. Each
    run of equal keys (a history lists a subject's years together; people are listed unit
    by unit) is looked up once: at scale the lookups are bound by memory latency."""
    import numpy as np
    import pandas as pd

    n, m = len(ids), len(keys)
    if m < 64 and n < 1024:
        where = {v: i for i, v in enumerate(ids.tolist())}
        missing = np.asarray(pd.isna(keys), dtype=bool)
        found = [-1 if x else where.get(k, -1) for k, x in zip(keys.tolist(), missing, strict=True)]
        return np.array(found, dtype=np.intp)
    if keys.dtype.kind != "O":
        keys = keys.astype(object)
    if m >= 2:
        try:
            starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
        except TypeError:  # a value that cannot say whether it differs (pandas.NA)
            starts = np.arange(m)
        if len(starts) <= m // 2:
            found = lookup(keys[starts], ids)
            return np.repeat(found, np.diff(np.r_[starts, m]))
    codes, _ = pd.factorize(np.concatenate([ids.astype(object, copy=False), keys]))
    found = codes[n:]
    return np.where(found < n, found, -1).astype(np.intp)


def aggregate(fname: str, cond: np.ndarray | None, where: np.ndarray, n: int) -> Value:
    """count / share / size / all / any of the rows of each of `n` subjects; `where` gives
    per row the subject's position (-1: no subject)."""
    import numpy as np

    valid = where >= 0
    rows = where[valid]
    sizes = np.bincount(rows, minlength=n)[:n].astype(np.int64)
    if fname == "size":
        return Value("num", sizes)
    assert cond is not None
    counts = np.bincount(where[valid & cond], minlength=n)[:n].astype(np.int64)
    if fname == "count":
        return Value("num", counts)
    if fname == "all":
        return Value("bool", counts == sizes)
    if fname == "any":
        return Value("bool", counts > 0)
    return Value("num", shares(counts, sizes))


@dataclass(frozen=True)
class Years:
    """History rows as the history functions use them, prepared once per evaluation: the
    rows that count (a subject of the scope, not after this year), their subject's position,
    how many years back they lie and, when every row lies less than `_BITS` years back, the
    bit of that year."""

    keep: np.ndarray | None  # which history rows count (None: all)
    subject: np.ndarray
    back: np.ndarray
    bit: np.ndarray | None


def prepare_years(subject: np.ndarray, year: Any, this_year: int) -> Years:
    """`Years` of history rows (`subject`: positions, -1 for none; `year`: per row)."""
    import numpy as np

    values = year if isinstance(year, np.ndarray) and year.dtype.kind in "iu" else as_num(year)
    if values.dtype.kind == "O":  # a row without a year does not count
        values = np.array([this_year + 1 if y is None else int(y) for y in values.tolist()])
    back = this_year - values
    valid = (back >= 0) & (subject >= 0)
    keep = None if valid.all() else valid
    if keep is not None:
        subject, back = subject[keep], back[keep]
    bit = None
    if not len(back) or int(back.max()) < _BITS:
        bit = np.left_shift(np.uint64(1), back.astype(np.uint64))
    return Years(keep, subject, back, bit)


def history(fname: str, cond: np.ndarray, years: Years, n: int, last: int | None) -> Value:
    """streak / years / ever of `cond` over the history rows, per subject (`n` of them).

    Each subject's years with `cond` become a bit set (bit d: the year `d` years back), so a
    streak is the run of low bits that are set and `years(last=N)` counts the low N bits."""
    import numpy as np

    held = cond if years.keep is None else cond[years.keep]
    s = years.subject[held]
    if fname == "ever":
        out = np.zeros(n, dtype=bool)
        out[s] = True
        return Value("bool", out)
    back = years.back[held]
    bit = years.bit[held] if years.bit is not None else None
    if fname == "years":
        assert last is not None
        inside = back < last
        s, back = s[inside], back[inside]
        bit = bit[inside] if bit is not None else None
    if bit is None:
        return _history_slow(fname, s, back, n)
    bits = np.zeros(n, dtype=np.uint64)
    np.bitwise_or.at(bits, s, bit)
    if fname == "years":
        return Value("num", np.bitwise_count(bits).astype(np.int64))
    streak = np.zeros(n, dtype=np.int64)
    alive = (bits & np.uint64(1)).astype(bool)
    k = 0
    while alive.any():
        streak += alive
        k += 1
        alive &= ((bits >> np.uint64(k)) & np.uint64(1)).astype(bool)
    return Value("num", streak)


def _history_slow(fname: str, s: np.ndarray, back: np.ndarray, n: int) -> Value:
    """streak / years when some year lies too far back for a bit set: distinct years per
    subject, counted (years) or walked back from this year (streak)."""
    import numpy as np

    pairs = np.unique(np.stack([s.astype(np.int64), back]), axis=1)
    if fname == "years":
        return Value("num", np.bincount(pairs[0], minlength=n)[:n].astype(np.int64))
    # sorted by subject then distance: in a streak, distance == position within the subject
    start = np.r_[0, np.flatnonzero(np.diff(pairs[0])) + 1] if pairs.shape[1] else np.r_[0]
    first = np.zeros(pairs.shape[1], dtype=np.int64)
    if pairs.shape[1]:
        first[start] = start
        first = np.maximum.accumulate(first)
    inside = pairs[1] == np.arange(pairs.shape[1]) - first
    return Value("num", np.bincount(pairs[0][inside], minlength=n)[:n].astype(np.int64))
