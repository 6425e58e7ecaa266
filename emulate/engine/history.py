"""Past years, arranged for the history functions (`streak`, `years`, `ever`).

One row per (subject, year) before the year being decided: the subject's position among the
scope's subjects, the year, the level of that year and, per title id, whether the subject held
it. This year's rows are appended at evaluation time from this year's level and the titles
awarded so far (`engine.context.HistoryContext`). Windows restart after the subject last
received the title being evaluated (Decree 152 Art 33.7) unless the title says `window: all`.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd


class History:
    """Past rows of one scope as arrays: `subject` (positions, int32), `year` (int32),
    `level`, and one bool array per title of the scope."""

    def __init__(
        self,
        subject: np.ndarray,
        year: np.ndarray,
        level: np.ndarray,
        held: dict[str, np.ndarray],
        n_subjects: int,
    ) -> None:
        self.subject = subject
        self.year = year
        self.level = level
        self.held = held
        self.n_subjects = n_subjects
        self._typed: dict[Hashable, np.ndarray] = {}
        self._windows: dict[str, np.ndarray | None] = {}

    @classmethod
    def for_scope(
        cls, history: pd.DataFrame, scope_ids: pd.Index, title_ids: Iterable[str], year: int
    ) -> History:
        """The rows of `history` (columns `id`, `year`, `level`, `titles`) of the subjects in
        `scope_ids` before `year`."""
        import numpy as np

        titles = list(title_ids)
        if history.empty or "id" not in history.columns:
            empty = np.zeros(0, dtype=np.int32)
            held = {t: np.zeros(0, dtype=bool) for t in titles}
            return cls(empty, empty, np.zeros(0, dtype=object), held, len(scope_ids))
        subject = _positions(history["id"].to_numpy(dtype=object), scope_ids)
        years = history["year"]
        known = years.notna().to_numpy()
        year_values = years.to_numpy(dtype=np.int64, na_value=year)  # a blank year: not past
        keep = (subject >= 0) & known & (year_values < year)
        level = (
            history["level"].to_numpy(dtype=object)[keep]
            if "level" in history.columns
            else np.full(int(keep.sum()), None, dtype=object)
        )
        held = _held_titles(
            history["titles"].to_numpy(dtype=object)[keep] if "titles" in history else None,
            titles,
            int(keep.sum()),
        )
        return cls(
            subject[keep].astype(np.int32),
            year_values[keep].astype(np.int32),
            level,
            held,
            len(scope_ids),
        )

    def raw(self, name: str) -> np.ndarray:
        import numpy as np

        if name == "level":
            return self.level
        held = self.held.get(name)
        if held is not None:
            return held
        return np.zeros(len(self.subject), dtype=bool)

    def typed(self, key: Hashable, name: str, build: Callable[[Any], np.ndarray]) -> np.ndarray:
        """`build` of a column of the past rows, once for the round."""
        hit = self._typed.get(key)
        if hit is None:
            hit = self._typed[key] = build(self.raw(name))
        return hit

    def window(self, title_id: str | None) -> np.ndarray | None:
        """Which past rows lie inside the window of `title_id` (after the last year the
        subject held it); None when every row does."""
        import numpy as np

        if title_id is None or not len(self.subject):
            return None
        if title_id in self._windows:
            return self._windows[title_id]
        held = self.held.get(title_id)
        mask = None
        if held is not None and held.any():
            last = np.full(self.n_subjects, np.iinfo(np.int64).min, dtype=np.int64)
            np.maximum.at(last, self.subject[held], self.year[held])
            mask = self.year > last[self.subject]
            if mask.all():
                mask = None
        self._windows[title_id] = mask
        return mask


def _held_titles(values: np.ndarray | None, titles: list[str], n: int) -> dict[str, np.ndarray]:
    """Per title, which rows list it; each distinct list of titles is looked at once."""
    import numpy as np
    import pandas as pd

    if values is None or not n:
        return {t: np.zeros(n, dtype=bool) for t in titles}
    try:
        codes, uniques = pd.factorize(values)
    except TypeError:  # unhashable cells (lists): as tuples
        hashable = np.empty(len(values), dtype=object)
        for i, v in enumerate(values.tolist()):
            hashable[i] = tuple(v) if isinstance(v, list) else v
        codes, uniques = pd.factorize(hashable)
    members = [
        {u} if isinstance(u, str) else set(u) if isinstance(u, Iterable) else {u}
        for u in uniques.tolist()
    ]
    out = {}
    for t in titles:
        table = np.array([t in m for m in members] + [False], dtype=bool)
        out[t] = table[codes]  # code -1 (blank) reads the last entry: False
    return out


def _positions(ids: np.ndarray, index: pd.Index) -> np.ndarray:
    """The position of each id in `index` (distinct; -1: none)."""
    from emulate.rules.colops import lookup

    return lookup(ids, index.to_numpy(dtype=object))
