"""A small in-memory `EvalContext` for condition tests (not the engine's)."""

from __future__ import annotations

import pandas as pd


class FakeContext:
    """Columns from a frame; `members` and `history` from other frames.

    people frame: indexed by person id, with a `unit` column; history frame: columns `id`,
    `year`, `level` and one bool column per title held that year.
    """

    def __init__(
        self,
        scope: str,
        frame: pd.DataFrame,
        *,
        people: pd.DataFrame | None = None,
        history: pd.DataFrame | None = None,
        year: int = 2025,
    ) -> None:
        self.scope = scope
        self.frame = frame
        self._people = people
        self._history = history
        self.year = year

    @property
    def index(self) -> pd.Index:
        return self.frame.index

    def column(self, name: str) -> pd.Series:
        if name in self.frame.columns:
            return self.frame[name]
        return pd.Series(False, index=self.frame.index)

    def group_score(self, group_id: str) -> pd.Series:
        return self.frame[f"group:{group_id}"]

    def members(self) -> tuple[FakeContext, pd.Series]:
        assert self._people is not None
        return FakeContext("people", self._people), self._people["unit"]

    def history(self) -> tuple[FakeContext, pd.Series, pd.Series, int]:
        assert self._history is not None
        h = self._history.reset_index(drop=True)
        return FakeContext("history", h), h["id"], h["year"], self.year
