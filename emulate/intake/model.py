"""What reading reports produces: typed frames plus every diagnostic (DESIGN §3, §7)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from emulate.diagnostics import Diagnostic, Where

if TYPE_CHECKING:
    from collections.abc import Sequence

    import pandas as pd


@dataclass(frozen=True, slots=True)
class InputFile:
    path: str  # as given by the user (display form)
    sha256: str


@dataclass(frozen=True, slots=True)
class RuleStamp:
    """The hidden stamp `emulate template` writes: which rule set a workbook was made for."""

    name: str
    year: int
    sha256: str
    source: str | None = None  # built-in name or file the template came from


@dataclass
class Intake:
    """Typed frames, one row per unit / person / (subject, year) of history.

    Frame columns are field ids of the rule set (`id`, `name`, `unit`, `level`, declared
    fields), points items as `item:<item id>` plus `bonus` and `penalty` (units, and people
    when they have a points table); value types follow `rules.context` (integers `Int64`,
    booleans `bool` or `boolean`, the rest `object`). Every frame also has `_file`, `_sheet`
    (categoricals) and `_row` (Excel row number, `int32`) so later stages can name the cell;
    `where()` turns a row and a column into a `Where`. The index is 0..n-1.

    history: columns `id`, `year` (`Int16`), `level` (code or None), `titles` (tuple of title
    ids), `_file`, `_sheet`, `_row`.
    """

    units: pd.DataFrame
    people: pd.DataFrame
    history: pd.DataFrame
    diagnostics: list[Diagnostic] = field(default_factory=list)
    inputs: list[InputFile] = field(default_factory=list)
    stamp: RuleStamp | None = None
    # (file, sheet) → {column key → Excel column letter}
    columns: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)

    @property
    def has_errors(self) -> bool:
        return any(d.is_error for d in self.diagnostics)

    def where(self, frame: pd.DataFrame, position: int, column: str | None = None) -> Where:
        return self.wheres(frame, [position], column)[0]

    def wheres(
        self, frame: pd.DataFrame, positions: Sequence[int], column: str | None = None
    ) -> list[Where]:
        """The cells (of `column`, or the rows) the rows at `positions` of a frame read from
        the reports came from; each place column read once, not a row at a time."""
        rows = frame.iloc[list(positions)]
        files = [str(f) for f in rows["_file"].tolist()]
        sheets = [str(s) for s in rows["_sheet"].tolist()]
        places = []
        for file, sheet, number in zip(files, sheets, rows["_row"].tolist(), strict=True):
            letter = self.columns.get((file, sheet), {}).get(column or "", "")
            places.append(
                Where(file=file, sheet=sheet, cell=f"{letter}{int(number)}" if letter else None)
            )
        return places
