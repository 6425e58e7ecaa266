"""The engine's side of `rules.context.EvalContext`: names resolved over the engine's frames."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from emulate.rules.context import ContextScope, EvalContext, Share

if TYPE_CHECKING:
    import pandas as pd


class FrameContext:
    """A context over one frame indexed by subject id (or by row, in history scope).

    `held` maps title ids to bool Series (indexed like the frame) of what is awarded so far;
    `members` and `history` are provided by the engine when the scope has them.
    """

    def __init__(
        self,
        scope: ContextScope,
        frame: pd.DataFrame,
        held: dict[str, pd.Series],
        *,
        members: Callable[[], tuple[EvalContext, pd.Series]] | None = None,
        history: Callable[[], tuple[EvalContext, pd.Series, pd.Series, int]] | None = None,
    ) -> None:
        self.scope: ContextScope = scope
        self._frame = frame
        self._held = held
        self._members = members
        self._history = history

    @property
    def index(self) -> pd.Index:
        return self._frame.index

    def column(self, name: str) -> pd.Series:
        import pandas as pd

        if name in self._held:
            return self._held[name].reindex(self.index, fill_value=False).astype(bool)
        if name in self._frame.columns:
            return self._frame[name]
        if name == "female" and "gender" in self._frame.columns:
            return self._frame["gender"].eq("female")
        if name == "female_share" and self._members is not None:
            people, keys = self._members()
            female = people.column("female").astype(bool)
            counts = female.groupby(keys.to_numpy()).agg(["sum", "size"])
            shares = [Share(int(a), int(b)) for a, b in zip(counts["sum"], counts["size"])]
            share = pd.Series(shares, index=counts.index, dtype=object)
            return share.reindex(self.index).astype(object).where(lambda s: s.notna(), None)
        # A title nobody holds (yet), or a history column with no row: all False.
        return pd.Series(False, index=self.index)

    def group_score(self, group_id: str) -> pd.Series:
        return self._frame[f"group:{group_id}"]

    def members(self) -> tuple[EvalContext, pd.Series]:
        if self._members is None:
            raise LookupError(f"no members in {self.scope} scope")
        return self._members()

    def history(self) -> tuple[EvalContext, pd.Series, pd.Series, int]:
        if self._history is None:
            raise LookupError(f"no history in {self.scope} scope")
        return self._history()
