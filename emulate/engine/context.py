"""The engine's side of `rules.context.EvalContext`: names resolved over the engine's frames.

Besides the protocol (`column`, which returns Series), the contexts offer `typed_array`, the
fast path compiled conditions use: a column already converted (to positions, exact numbers,
bools) as a numpy array, cached for the whole round when the column cannot change (every field;
not the titles, which are decided one after the other).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Any

from emulate.rules.context import ContextScope, EvalContext

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from emulate.engine.history import History

Build = Callable[[Any], "np.ndarray"]


class FrameContext:
    """A context over one frame indexed by subject id (sorted).

    `held` maps title ids to bool arrays (aligned to the frame's rows) of what is awarded so
    far; `dynamic` names the titles of the scope (held or not yet decided: never cached);
    `store` keeps converted columns across the round (None: no cache). `members` and `history`
    are provided by the engine when the scope has them; the keys they return are positions
    (integer arrays) into this context's rows.
    """

    def __init__(
        self,
        scope: ContextScope,
        frame: pd.DataFrame,
        held: dict[str, np.ndarray],
        *,
        dynamic: frozenset[str] = frozenset(),
        store: dict[Hashable, Any] | None = None,
        members: Callable[[], tuple[EvalContext, np.ndarray]] | None = None,
        history: Callable[[], tuple[EvalContext, np.ndarray, np.ndarray, int]] | None = None,
    ) -> None:
        self.scope: ContextScope = scope
        self._frame = frame
        self._held = held
        self._dynamic = dynamic
        self._store = store
        self._members = members
        self._history = history

    @property
    def index(self) -> pd.Index:
        return self._frame.index

    def raw(self, name: str) -> Any:
        """A name's values: a frame column (Series) or an array (titles, derived names)."""
        import numpy as np

        held = self._held.get(name)
        if held is not None:
            return held
        if name in self._dynamic:  # a title nobody holds (yet)
            return np.zeros(len(self._frame.index), dtype=bool)
        frame = self._frame
        if name in frame.columns:
            if self._store is None:
                return frame[name]
            column = self._store.get(name)  # the Series, kept: taking it is not free
            if column is None:
                column = self._store[name] = frame[name]
            return column
        if name == "female" and "gender" in frame.columns:
            return frame["gender"].eq("female").to_numpy(dtype=bool, na_value=False)
        if name == "female_share" and self._members is not None:
            from emulate.rules.colops import aggregate

            people, where = self._members()
            female = people.column("female").to_numpy(dtype=bool, na_value=False)
            return aggregate("share", female, where, len(frame.index)).data
        # A history column with no row, a name the frame does not have: all False.
        return np.zeros(len(frame.index), dtype=bool)

    def column(self, name: str) -> pd.Series:
        import pandas as pd

        values = self.raw(name)
        if isinstance(values, pd.Series):
            return values
        return pd.Series(values, index=self.index)

    def typed_array(self, key: Hashable, name: str, build: Build) -> np.ndarray:
        """`build(raw(name))`, kept for the round unless `name` is a title."""
        store = self._store
        if store is None or name in self._held or name in self._dynamic:
            return build(self.raw(name))
        hit = store.get(key)
        if hit is None:
            hit = store[key] = build(self.raw(name))
        return hit

    def group_score(self, group_id: str) -> pd.Series:
        return self._frame[f"group:{group_id}"]

    def members(self) -> tuple[EvalContext, np.ndarray]:
        if self._members is None:
            raise LookupError(f"no members in {self.scope} scope")
        return self._members()

    def history(self) -> tuple[EvalContext, np.ndarray, np.ndarray, int]:
        if self._history is None:
            raise LookupError(f"no history in {self.scope} scope")
        return self._history()


class HistoryContext:
    """History scope: the past rows of the subjects inside a title's window (`mask` over
    `past`'s rows; None: all), followed by this year's row of every subject, whose level and
    titles come from `current` (the subjects' context)."""

    scope: ContextScope = "history"

    def __init__(
        self, past: History, mask: np.ndarray | None, current: FrameContext, n_current: int
    ) -> None:
        import pandas as pd

        self._past = past
        self._mask = mask
        self._current = current
        n_past = int(mask.sum()) if mask is not None else len(past.subject)
        self._index = pd.RangeIndex(n_past + n_current)

    @property
    def index(self) -> pd.Index:
        return self._index

    def _current_raw(self, name: str) -> Any:
        import numpy as np

        if name == "level":
            frame = self._current._frame
            if "level" in frame.columns:
                return frame["level"]
            return np.full(len(frame.index), None, dtype=object)
        return self._current.raw(name)

    def column(self, name: str) -> pd.Series:
        import numpy as np
        import pandas as pd

        past = self._past.raw(name)
        if self._mask is not None:
            past = past[self._mask]
        current = self._current_raw(name)
        current = current.to_numpy() if hasattr(current, "to_numpy") else current
        return pd.Series(np.concatenate([past, current]), index=self._index)

    def typed_array(self, key: Hashable, name: str, build: Build) -> np.ndarray:
        """The conversion is element-wise: the past part is converted once for the round."""
        import numpy as np

        past = self._past.typed(key, name, build)
        if self._mask is not None:
            past = past[self._mask]
        current = self._current.typed_array(key, name, build)
        return np.concatenate([past, current])

    def group_score(self, group_id: str) -> pd.Series:
        raise LookupError("no points in history scope")

    def members(self) -> tuple[EvalContext, np.ndarray]:
        raise LookupError("no members in history scope")

    def history(self) -> tuple[EvalContext, np.ndarray, np.ndarray, int]:
        raise LookupError("no history in history scope")
