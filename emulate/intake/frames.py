"""The typed frames of an `Intake` (DESIGN §3), from the columns of every sheet read.

A sheet's columns are kept as plain arrays (`SheetData`) as soon as they are coerced, so the
raw grid can go at once and reading many workbooks holds their columns, never their grids;
without pandas, so that a worker process reading files does not import it. The frames are
made once for all files, typed as the engine expects and compact:

- field columns: `Int64` for integers, `bool` (`boolean` when a value is missing) for
  booleans, `object` for the rest (`rules.context` gives the values' types);
- `_file` and `_sheet` are categoricals (a few names repeated over every row), `_row` is
  `int32` (a sheet has at most 1,048,576 rows);
- in history, `year` is `Int16` (`Int64` only if a year does not fit). `level` stays
  `object`: the engine puts it together with this year's levels for every history window,
  and a categorical would be turned back into objects each time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

META = ("_file", "_sheet", "_row")
# History columns → kind; `titles` stays the cell text until `checks.parse_titles`.
HISTORY_KINDS = {"id": "id", "year": "year", "level": "level", "titles": "text"}


@dataclass
class SheetData:
    """One sheet read: its columns (by key, aligned with `rows`), the Excel row number of
    each row, and the letter of each column found."""

    file: str
    sheet: str
    columns: dict[str, Sequence[Any]]
    rows: np.ndarray  # int32, 1-based
    letters: dict[str, str]

    def __len__(self) -> int:
        return len(self.rows)


def row_numbers(rows: Sequence[int]) -> np.ndarray:
    """Excel row numbers (1-based, int32) of 0-based sheet rows."""
    import numpy as np

    if len(rows) and rows[-1] - rows[0] + 1 == len(rows):  # one run of rows
        return np.arange(rows[0] + 1, rows[-1] + 2, dtype=np.int32)
    return np.asarray(rows, dtype=np.int32) + 1


def combine(sheets: Sequence[SheetData], kinds: dict[str, str]) -> pd.DataFrame:
    """One frame for all `sheets` in order: the columns of `kinds`, then `_file`, `_sheet`,
    `_row`; the index is 0..n-1. The sheets' columns are moved into it (taken out of them)."""
    import numpy as np
    import pandas as pd

    filled = [s for s in sheets if len(s)]
    data = {}
    for key, kind in kinds.items():  # each sheet's column is let go once in the frame's
        data[key] = _series(_joined([s.columns.pop(key) for s in filled]), kind)
    counts = [len(s) for s in filled]
    data["_file"] = _labels([s.file for s in filled], counts)
    data["_sheet"] = _labels([s.sheet for s in filled], counts)
    rows = [s.rows for s in filled]
    data["_row"] = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int32)
    return pd.DataFrame(data, copy=False)


def _joined(parts: list[Sequence[Any]]) -> np.ndarray:
    """The parts one after the other, as one object array (values are never unpacked)."""
    import numpy as np

    arrays = [
        p if isinstance(p, np.ndarray) else np.fromiter(p, dtype=object, count=len(p))
        for p in parts
    ]
    if len(arrays) == 1:
        return arrays[0]
    return np.concatenate(arrays) if arrays else np.zeros(0, dtype=object)


def _series(values: np.ndarray, kind: str) -> Any:
    import pandas as pd

    if kind == "integer":
        return _integers(values, "Int64")
    if kind == "year":
        return _integers(values, "Int16")
    if kind == "boolean":
        has_none = bool(pd.isna(values).any())
        return pd.Series(values, dtype="boolean" if has_none else bool)
    return pd.Series(values, dtype=object, copy=False)


def _integers(values: np.ndarray, dtype: str) -> Any:
    """A nullable integer series. Without a None numpy converts the values in one C call."""
    import numpy as np
    import pandas as pd

    try:
        return pd.Series(values.astype(np.dtype(dtype.lower())), dtype=dtype)
    except (TypeError, ValueError, OverflowError):  # a None, or out of range
        pass
    try:
        return pd.Series(values.tolist(), dtype=dtype)
    except (TypeError, ValueError, OverflowError):  # a year that does not fit in Int16
        return pd.Series(values.tolist(), dtype="Int64")


def _labels(names: list[str], counts: list[int]) -> Any:
    """A categorical repeating names[i] counts[i] times (categories in order of appearance)."""
    import numpy as np
    import pandas as pd

    categories = list(dict.fromkeys(names))
    position = {name: i for i, name in enumerate(categories)}
    codes = np.repeat(
        np.asarray([position[n] for n in names], dtype=np.int32),
        np.asarray(counts, dtype=np.int64),
    )
    dtype = pd.CategoricalDtype(pd.Index(categories, dtype=object))
    return pd.Categorical.from_codes(codes, dtype=dtype)
