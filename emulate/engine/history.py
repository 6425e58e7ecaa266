"""Past years, arranged for the history functions (`streak`, `years`, `ever`).

One row per (subject, year): the level of that year and, per title id, whether the subject
held it. This year's row is appended at evaluation time from this year's level and the titles
awarded so far. Windows restart after the subject last received the title being evaluated
(Decree 152 Art 33.7) unless the title says `window: all`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd


class History:
    """Past rows of one scope, indexed 0..n-1, with bool columns per title ever held."""

    def __init__(self, past: pd.DataFrame, title_ids: Iterable[str]) -> None:
        import pandas as pd

        self.past = past.reset_index(drop=True)
        titles = self.past["titles"] if "titles" in self.past else pd.Series([], dtype=object)
        exploded = titles.explode().dropna()
        for tid in title_ids:
            held = exploded[exploded == tid].index.unique()
            column = pd.Series(False, index=self.past.index)
            column[held] = True
            self.past[tid] = column

    @classmethod
    def for_scope(
        cls, history: pd.DataFrame, scope_ids: pd.Index, title_ids: Iterable[str], year: int
    ) -> History:
        import pandas as pd

        columns = ["id", "year", "level", "titles"]
        if history.empty:
            past = pd.DataFrame({c: pd.Series([], dtype=object) for c in columns})
        else:
            mask = history["id"].isin(scope_ids) & (history["year"] < year)
            past = history.loc[mask, columns]
        return cls(past, title_ids)

    def last_year_held(self, title_id: str) -> pd.Series:
        """Per subject, the last past year it held `title_id` (absent: never)."""
        held = self.past[self.past[title_id]]
        return held.groupby("id")["year"].max()

    def window(
        self,
        title_id: str | None,
        current: pd.DataFrame,
    ) -> pd.DataFrame:
        """Past rows inside the window of `title_id` (None: all) followed by `current`, this
        year's rows (columns `id`, `year`, `level` and one bool column per title)."""
        import pandas as pd

        past = self.past.drop(columns=["titles"])
        if title_id is not None and len(past):
            last = past["id"].map(self.last_year_held(title_id))
            past = past[last.isna() | (past["year"] > last)]
        rows = pd.concat([past, current[past.columns]], ignore_index=True)
        return rows


def current_rows(
    ids: pd.Index,
    level: pd.Series,
    year: int,
    held: dict[str, pd.Series],
    title_ids: Iterable[str],
) -> pd.DataFrame:
    """This year's history rows: level and the titles awarded so far."""
    import pandas as pd

    frame = pd.DataFrame({"id": ids, "year": year, "level": level.to_numpy()}, index=ids)
    for tid in title_ids:
        frame[tid] = held[tid].reindex(ids, fill_value=False).to_numpy() if tid in held else False
    return frame.reset_index(drop=True)
