"""What a compiled condition needs from whoever evaluates it (the engine, or a test).

The condition compiler (`rules.conditions`) turns a condition string into a function of an
`EvalContext`; the engine implements the context over its frames. Neither side knows the
other's internals: this protocol is the whole contract.

Value conventions of `column(name)` (one value per row of `index`, aligned to it):
- level fields: object Series of level codes (`"HTXS"`, ...) or None;
- choice fields: object Series of stored values (or None); `ordered` ones compare by position;
- number / percent fields and points (`score`, `group("I")`, `min_group_ratio`): object Series
  of `Decimal` (percent as a fraction) or None;
- integer fields: nullable `Int64`; boolean fields and title ids: `bool` (title ids: True
  when the subject holds the title — awarded this year, or, in history scope, held that year);
- text / id / date fields: object Series of `str` / `datetime.date` or None.
Missing values make a comparison false (never an error at evaluation time).

Optional fast path: a context may also offer `typed_array(key, name, build) -> ndarray`,
returning `build(column(name))` (or `build` of the values as an array), which it may keep
between evaluations when the column cannot change; `build` is element-wise. The engine's
contexts do, so that a column is converted (to positions, exact numbers, bools) once per round.
"""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING, Literal, Protocol

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

ContextScope = Literal["people", "units", "history"]


class EvalContext(Protocol):
    scope: ContextScope

    @property
    def index(self) -> pd.Index: ...

    def column(self, name: str) -> pd.Series:
        """A field, a title id, or a derived name (`score`, `female`, ...), per row."""
        ...

    def group_score(self, group_id: str) -> pd.Series:
        """Points of one group of the points table (`group("I")`), per row."""
        ...

    def members(self) -> tuple[EvalContext, pd.Series | np.ndarray]:
        """Units scope only: the people context and, per person row, its unit: an id (a value
        of this context's `index`) or, as an integer array, its position in the `index` (-1:
        none). `count/share/all/any/size` aggregate over it."""
        ...

    def history(
        self,
    ) -> tuple[EvalContext, pd.Series | np.ndarray, pd.Series | np.ndarray, int]:
        """People or units scope: a history-scope context with one row per (subject, year)
        inside the title's window — past years plus this year — then, per history row, the
        subject (a key of this context's `index`, or as an integer array its position) and
        the year, and this year. `streak/years/ever` aggregate over it; a year with no row
        breaks a streak."""
        ...


class Share(Fraction):
    """A share of members (`share(...)`, `female_share`): exact, and shown as a percentage."""

    __slots__ = ()
