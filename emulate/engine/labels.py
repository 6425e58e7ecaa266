"""Columns of a few distinct values repeated over many rows, held as codes.

The decisions frame has a row per (subject, title): tens of millions at country scale. Its
columns of labels (`for`, `title`, `status`, `basis`, `achievement`) take a few distinct
texts; as pandas categoricals they cost a byte or two per row instead of a pointer. The
categories are in Python's string order, so that sorting or grouping by such a column sees
the same order as by its texts.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd


def code_dtype(n: int) -> np.dtype:
    """The integer type pandas keeps the codes of `n` categories in."""
    import numpy as np

    for dtype in (np.int8, np.int16, np.int32):
        if n < np.iinfo(dtype).max:
            return np.dtype(dtype)
    return np.dtype(np.int64)


def labelled(codes: np.ndarray, table: Sequence[Any]) -> pd.Series:
    """Per row `table[codes[row]]` (every code valid; `table` may repeat a value): a
    categorical when every value is a string, else an object column."""
    import numpy as np
    import pandas as pd

    from emulate.engine.narrate import object_array_of

    if not all(isinstance(v, str) for v in table):
        return pd.Series(object_array_of(list(table))[codes], dtype=object, copy=False)
    texts = sorted(set(table))
    place = {text: i for i, text in enumerate(texts)}
    remap = np.array([place[v] for v in table], dtype=code_dtype(len(texts)))
    dtype = pd.CategoricalDtype(pd.Index(texts, dtype="str"))
    return pd.Series(pd.Categorical.from_codes(remap[codes], dtype=dtype), copy=False)
