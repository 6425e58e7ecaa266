"""Finding the table in a sheet: the header band, the columns, the data rows (catalogue B).

Officers put title blocks above the table, merge two-level headers, reorder and rename
columns, add a total row and sign below it. The header band is the one (1–3 rows, within the
first `SCAN_ROWS` rows) whose cells match the most expected headers; merged header cells are
filled from their top-left cell and the levels joined ("Điểm chấm › 1. Chỉ tiêu"). Headers
match after `text.fold`, with or without diacritics, by alias, and with a trailing
"(tối đa 30)" or "(*)" ignored.
"""

from __future__ import annotations

import bisect
import difflib
import itertools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from operator import itemgetter

from emulate.diagnostics import Catalogue, Diagnostic, Where
from emulate.intake.grid import Grid, Value, cell_name, column_letter
from emulate.text import fold, strip_diacritics

SCAN_ROWS = 30
MAX_DEPTH = 3
LEVEL_SEP = " › "

_TRAILER = re.compile(r"\s*(\(\s*\*\s*\)|\*|:)\s*$")
_PAREN = re.compile(r"\s*\([^()]*\)\s*$")
_TOTAL = re.compile(r"^(tổng cộng|tổng số|tổng|cộng)\b")
_COLUMN_NUMBER = re.compile(r"^\(?(\d{1,3})\)?$")

MESSAGES = Catalogue(
    {
        "table.no_header": (
            "error",
            "Không tìm thấy dòng tiêu đề của bảng trong {rows} dòng đầu; cần các cột: "
            "{expected}. Hãy dùng mẫu của `emulate template` hoặc sửa tên cột.",
            "No header row found in the first {rows} rows; expected columns: {expected}. Use "
            "the `emulate template` workbook or fix the column names.",
        ),
        "table.missing_column": (
            "error",
            "Thiếu cột bắt buộc \u201c{header}\u201d (dòng tiêu đề {row}); các cột gần giống tìm "
            "thấy: {closest}. Hãy thêm cột hoặc sửa tên cột cho đúng.",
            "Missing required column \u201c{header}\u201d (header row {row}); closest headers "
            "found: {closest}. Add the column or fix its name.",
        ),
        "table.optional_missing": (
            "info",
            "Không có cột \u201c{header}\u201d; dùng giá trị mặc định {default} cho mọi dòng.",
            "No column \u201c{header}\u201d; the default {default} is used for every row.",
        ),
        "table.optional_absent": (
            "info",
            "Không có cột \u201c{header}\u201d (không bắt buộc): để trống cho mọi dòng.",
            "No column \u201c{header}\u201d (optional): left blank for every row.",
        ),
        "table.duplicate_column": (
            "error",
            "Cột {first} và cột {second} cùng là \u201c{header}\u201d; hãy xóa hoặc đổi tên một "
            "cột.",
            "Columns {first} and {second} are both \u201c{header}\u201d; delete or rename one.",
        ),
        "table.unknown_columns": (
            "info",
            "Các cột không dùng đến (bỏ qua): {columns}.",
            "Columns not used (ignored): {columns}.",
        ),
        "table.total_row": (
            "info",
            "Dòng {row} là dòng tổng (\u201c{label}\u201d), không phải dữ liệu: đã bỏ qua.",
            "Row {row} is a total row (\u201c{label}\u201d), not data: skipped.",
        ),
        "table.column_numbers": (
            "info",
            "Dòng {row} là dòng đánh số cột, đã bỏ qua.",
            "Row {row} numbers the columns: skipped.",
        ),
        "table.data_after_gap": (
            "error",
            "Bảng dừng ở dòng trống {gap} nhưng dòng {row} lại có dữ liệu; hãy xóa dòng trống "
            "(nếu là cùng bảng) hoặc chuyển dữ liệu thừa sang sheet khác.",
            "The table stops at empty row {gap} but row {row} has data again; delete the empty "
            "row (if it is the same table) or move the extra data to another sheet.",
        ),
        "table.after_table": (
            "info",
            "Nội dung bên dưới bảng (từ dòng {row}, ví dụ \u201c{text}\u201d) không phải dữ liệu: "
            "đã bỏ qua.",
            "Text below the table (from row {row}, e.g. \u201c{text}\u201d) is not data: ignored.",
        ),
        "table.hidden_rows": (
            "warning",
            "Các dòng đang bị ẩn: {rows}; dữ liệu của chúng vẫn được đọc. Hãy bỏ ẩn "
            "(Unhide) để kiểm tra, xóa các dòng không thuộc báo cáo.",
            "Hidden rows: {rows}; their data is read. Unhide them to check, and delete rows "
            "that do not belong to the report.",
        ),
        "table.hidden_columns": (
            "warning",
            "Cột {columns} đang bị ẩn nhưng vẫn được đọc; hãy bỏ ẩn để kiểm tra.",
            "Columns {columns} are hidden but read; unhide them to check.",
        ),
        "table.empty": (
            "warning",
            "Bảng không có dòng dữ liệu nào dưới dòng tiêu đề {row}.",
            "The table has no data rows below header row {row}.",
        ),
    }
)


@dataclass(frozen=True, slots=True)
class Column:
    """A column the reader looks for."""

    key: str
    header: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    default: str = ""  # shown when the column is missing


@dataclass
class Table:
    """A located table: `columns` maps keys to 0-based column indexes; `rows` are the 0-based
    indexes of data rows (total and column-number rows excluded)."""

    grid: Grid
    header_row: int  # 0-based, last row of the header band
    columns: dict[str, int]
    rows: list[int]
    headers: dict[int, str] = field(default_factory=dict)  # column → header text as found
    _fill: dict[tuple[int, int], Value] = field(default_factory=dict)
    block: Block | None = None  # the rows below the header, column by column

    def column(self, c: int) -> list[tuple[int, Value]]:
        """(row, value) of column c for every data row, merged ranges filled."""
        grid_rows, fill = self.grid.rows, self._fill
        if not fill:
            try:  # calamine grids are rectangular: the fast path
                return [(r, grid_rows[r][c]) for r in self.rows]
            except IndexError:
                pass
        out = []
        for r in self.rows:
            row = grid_rows[r]
            v = row[c] if c < len(row) else ""
            if v == "" and fill:
                v = fill.get((r, c), v)
            out.append((r, v))
        return out

    def values(self, c: int) -> list[Value]:
        """The values of column c for every data row (`rows`), merged ranges filled."""
        grid_rows, rows = self.grid.rows, self.rows
        if not self._fill and rows:
            first, last = rows[0], rows[-1]
            try:  # calamine grids are rectangular: the fast path
                if last - first + 1 == len(rows):  # contiguous (no total row in between)
                    return list(map(itemgetter(c), grid_rows[first : last + 1]))
                return list(map(itemgetter(c), map(grid_rows.__getitem__, rows)))
            except IndexError:
                pass
        return [v for _, v in self.column(c)]

    def value(self, r: int, c: int) -> Value:
        v = self.grid.value(r, c)
        if v == "" and self._fill:
            return self._fill.get((r, c), v)
        return v

    @property
    def merged_below(self) -> bool:
        """Whether merged ranges fill cells below the header (values need `values`)."""
        return bool(self._fill)


MAX_BLOCK_WIDTH = 1024


@dataclass
class Block:
    """The rows of a sheet from `base` on (those below the header), column by column:
    transposed once, C-level, so that a column is read without a Python step per row."""

    base: int
    columns: list[tuple[Value, ...]]

    def values(self, table: Table, c: int) -> Sequence[Value]:
        """The raw values of column c for the table's data rows (no merge filling)."""
        rows, base = table.rows, self.base
        if not rows:
            return ()
        column = self.columns[c]
        start, stop = rows[0] - base, rows[-1] + 1 - base
        if len(rows) == stop - start:
            return column[start:stop]
        return [column[r - base] for r in rows]

    def cells(self, c: int, start: int, stop: int) -> Sequence[Value]:
        """Column c of rows start..stop - 1 (0-based sheet rows, all below the header)."""
        return self.columns[c][start - self.base : stop - self.base]


def block_of(grid: Grid, base: int) -> Block | None:
    """Rows `base`.. of the grid column by column, or None when they are not all of one
    width (calamine's grids are rectangular) or too wide to transpose cheaply."""
    rows = grid.rows[base:]
    if not rows:
        return Block(base, [])
    width = len(rows[0])
    if width > MAX_BLOCK_WIDTH or set(map(len, rows)) != {width}:
        return None
    return Block(base, list(zip(*rows)) if width else [])


def canon(text: str) -> str:
    """A header as compared: folded, with a trailing "*", "(*)" or ":" removed."""
    return _TRAILER.sub("", fold(text))


@lru_cache(maxsize=1 << 14)
def _keys(text: str) -> tuple[str, ...]:
    """The forms of a header text to look up, by tier. Cached: the header search reads the
    same cells in many candidate bands."""
    base = canon(text)
    short = _PAREN.sub("", base)
    if short and short != base:
        return (base, strip_diacritics(base), short, strip_diacritics(short))
    return (base, strip_diacritics(base))


def _lookup(columns: Sequence[Column]) -> list[dict[str, str | None]]:
    """Tiers of canonical text → key: exact, then without diacritics, then without a
    trailing parenthesis. A text two keys share is ambiguous (None) in its tier."""
    tiers: list[dict[str, str | None]] = [{}, {}, {}, {}]
    for col in columns:
        for text in (col.header, *col.aliases):
            for tier, k in zip(tiers, _keys(text), strict=False):
                if k and tier.get(k, col.key) != col.key:
                    tier[k] = None
                else:
                    tier.setdefault(k, col.key)
    return tiers


def _match(text: str, tiers: list[dict[str, str | None]]) -> str | None:
    if not text:
        return None
    candidates = _keys(text)
    for tier in tiers:
        for k in candidates:
            if k in tier:
                return tier[k]
    return None


def _text(v: Value) -> str:
    if isinstance(v, str):
        return v
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return "" if v is None else str(v)


def _used_width(row: list[Value]) -> int:
    """Columns up to the last filled cell (formatted empty columns can reach XFD)."""
    for c in range(len(row) - 1, -1, -1):
        if row[c] != "":
            return c + 1
    return 0


def _merge_fill(grid: Grid) -> dict[tuple[int, int], Value]:
    fill: dict[tuple[int, int], Value] = {}
    for (r1, c1), (r2, c2) in grid.merged:
        if (r2 - r1 + 1) * (c2 - c1 + 1) > 100_000:
            continue  # a merge over a whole area is formatting, not a value
        top = grid.value(r1, c1)
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                if (r, c) != (r1, c1):
                    fill[(r, c)] = top
    return fill


def _band_texts(grid: Grid, fill: dict, first: int, depth: int, width: int) -> list[str]:
    texts = []
    for c in range(width):
        levels: list[str] = []
        for r in range(first, first + depth):
            v = grid.value(r, c)
            if v == "":
                v = fill.get((r, c), "")
            t = _text(v).strip()
            if t and (not levels or fold(levels[-1]) != fold(t)):
                levels.append(t)
        texts.append(LEVEL_SEP.join(levels))
    return texts


def _match_band(texts: list[str], tiers) -> dict[int, str]:  # type: ignore[no-untyped-def]
    found: dict[int, str] = {}
    for c, text in enumerate(texts):
        if not text:
            continue
        key = _match(text, tiers)
        if key is None and LEVEL_SEP in text:
            key = _match(text.rsplit(LEVEL_SEP, 1)[1], tiers)
        if key is not None:
            found[c] = key
    return found


def _band_end(grid: Grid, first: int, last: int) -> int:
    """The last row of the header band: a header cell merged down over the rows below (the
    single-level columns of a two-level header) takes those rows into the band, even when the
    rule set expects no header in them — they are never data."""
    for (r1, _), (r2, _) in grid.merged:
        if first <= r1 <= last < r2 <= last + MAX_DEPTH:
            last = r2
    return last


def locate(
    grid: Grid, columns: Sequence[Column], *, file: str
) -> tuple[Table | None, list[Diagnostic]]:
    """Find the header band and the data rows of `grid`; every finding is a diagnostic."""
    diags: list[Diagnostic] = []
    sheet = grid.sheet

    def at(cell: str | None = None) -> Where:
        return Where(file=file, sheet=sheet, cell=cell)

    tiers = _lookup(columns)
    fill = _merge_fill(grid)
    width = max((_used_width(r) for r in grid.rows[: SCAN_ROWS + MAX_DEPTH]), default=0)
    best: tuple[int, int, int] | None = None  # (score, -end, -depth)
    best_band: tuple[int, int, list[str], dict[int, str]] | None = None
    for first in range(min(SCAN_ROWS, len(grid.rows))):
        for depth in range(1, MAX_DEPTH + 1):
            if first + depth > len(grid.rows):
                break
            texts = _band_texts(grid, fill, first, depth, width)
            found = _match_band(texts, tiers)
            score = len(set(found.values()))
            rank = (score, -(first + depth), -depth)
            if score and (best is None or rank > best):
                best, best_band = rank, (first, depth, texts, found)
    expected = ", ".join(f"\u201c{c.header}\u201d" for c in columns if c.required)
    if best_band is None:
        diags.append(MESSAGES.make("table.no_header", at("A1"), rows=SCAN_ROWS, expected=expected))
        return None, diags
    first, depth, texts, found = best_band
    header_row = _band_end(grid, first, first + depth - 1)
    mapping: dict[str, int] = {}
    for c, key in sorted(found.items()):
        if key in mapping:
            diags.append(
                MESSAGES.make(
                    "table.duplicate_column",
                    at(cell_name((header_row, c))),
                    first=column_letter(mapping[key]),
                    second=column_letter(c),
                    header=texts[c],
                )
            )
            continue
        mapping[key] = c
    unmatched = [c for c, t in enumerate(texts) if t and c not in found]
    header_cell = f"A{header_row + 1}"
    for col in columns:
        if col.key in mapping:
            continue
        if col.required:
            near = difflib.get_close_matches(
                canon(col.header), [canon(texts[c]) for c in unmatched], n=3, cutoff=0.4
            )
            by_canon = {canon(texts[c]): c for c in unmatched}
            closest = (
                ", ".join(
                    f"\u201c{texts[by_canon[n]]}\u201d ({column_letter(by_canon[n])})" for n in near
                )
                or "(không có)"
            )
            diags.append(
                MESSAGES.make(
                    "table.missing_column",
                    at(header_cell),
                    header=col.header,
                    row=header_row + 1,
                    closest=closest,
                )
            )
        else:
            code = "table.optional_missing" if col.default else "table.optional_absent"
            diags.append(
                MESSAGES.make(code, at(header_cell), header=col.header, default=col.default)
            )
    if unmatched:
        listed = ", ".join(f"{column_letter(c)} \u201c{texts[c]}\u201d" for c in unmatched[:8])
        if len(unmatched) > 8:
            listed += f" (+{len(unmatched) - 8})"
        diags.append(MESSAGES.make("table.unknown_columns", at(header_cell), columns=listed))
    table = Table(
        grid=grid, header_row=header_row, columns=mapping, rows=[], headers=dict(enumerate(texts))
    )
    table._fill = {k: v for k, v in fill.items() if k[0] > header_row}
    table.block = block_of(grid, header_row + 1)
    _data_rows(table, file, diags)
    hidden = [c for c in mapping.values() if c in grid.hidden_cols]
    if hidden:
        diags.append(
            MESSAGES.make(
                "table.hidden_columns",
                at(f"{column_letter(hidden[0])}{header_row + 1}"),
                columns=", ".join(column_letter(c) for c in hidden),
            )
        )
    return table, diags


def _row_empty(table: Table, r: int) -> bool:
    grid = table.grid
    row = grid.rows[r]
    width = len(row)
    if row.count("") != width:  # some v != "" (one C-level pass)
        return False
    return not any(
        (r, c) in grid.errors or (r, c) in grid.formulas or table._fill.get((r, c), "") != ""
        for c in range(width)
    )


def _row_text(table: Table, r: int) -> str:
    return next((_text(v) for v in table.grid.rows[r] if _text(v).strip()), "")


def _data_rows(table: Table, file: str, diags: list[Diagnostic]) -> None:
    grid = table.grid
    sheet = grid.sheet
    id_col = table.columns.get("id")
    matched = list(table.columns.values())
    n = len(grid.rows)
    r = table.header_row + 1
    if r < n and _is_column_numbers(grid.rows[r]):
        diags.append(
            MESSAGES.make("table.column_numbers", Where(file, sheet, f"A{r + 1}"), row=r + 1)
        )
        r += 1
    hidden: list[int] = []
    hidden_sorted = sorted(grid.hidden_rows)
    # Rows whose id cell holds an id (not blank, not text with diacritics) are data rows, and
    # they are nearly all of them: they are taken in runs; only the rows between the runs are
    # looked at one by one (empty? a total row?).
    others = _unplain_rows(table, r, id_col)
    following = next(others, n)
    while r < n:
        if r < following:
            table.rows.extend(range(r, following))
            lo = bisect.bisect_left(hidden_sorted, r)
            hi = bisect.bisect_left(hidden_sorted, following)
            hidden.extend(h + 1 for h in hidden_sorted[lo:hi])
            r = following
            continue
        following = next(others, n)
        if _row_empty(table, r):
            break
        label = _total_label(table, r, id_col)
        if label is not None:
            diags.append(
                MESSAGES.make(
                    "table.total_row", Where(file, sheet, f"A{r + 1}"), row=r + 1, label=label
                )
            )
        else:
            table.rows.append(r)
            if r in grid.hidden_rows:
                hidden.append(r + 1)
        r += 1
    gap = r
    for later in range(gap + 1, n):
        if _row_empty(table, later):
            continue
        filled = sum(1 for c in matched if table.value(later, c) != "" or (later, c) in grid.errors)
        # A signature block fills a cell or two; a row of data fills most columns.
        code = (
            "table.data_after_gap"
            if filled >= max(2, (len(matched) + 1) // 2)
            else "table.after_table"
        )
        where = Where(file, sheet, f"A{later + 1}")
        if code == "table.data_after_gap":
            diags.append(MESSAGES.make(code, where, gap=gap + 1, row=later + 1))
        else:
            diags.append(
                MESSAGES.make(code, where, row=later + 1, text=_row_text(table, later)[:60])
            )
        break
    if hidden:
        shown = ", ".join(map(str, hidden[:20])) + (
            f" (+{len(hidden) - 20})" if len(hidden) > 20 else ""
        )
        diags.append(
            MESSAGES.make("table.hidden_rows", Where(file, sheet, f"A{hidden[0]}"), rows=shown)
        )
    if not table.rows:
        diags.append(
            MESSAGES.make(
                "table.empty",
                Where(file, sheet, f"A{table.header_row + 1}"),
                row=table.header_row + 1,
            )
        )


def _plain_id(v: Value) -> bool:
    """An id cell that makes its row a data row without looking further: filled, and not
    text with diacritics (total labels like "Tổng cộng" have them)."""
    return v != "" and (not isinstance(v, str) or v.isascii())


def _unplain_rows(table: Table, start: int, id_col: int | None) -> Iterator[int]:
    """The rows from `start` on, in order, whose id cell is not `_plain_id`: every row when
    there is no id column. Runs of plain rows are skipped with C-level scans of the column."""
    rows, block = table.grid.rows, table.block
    n = len(rows)
    if id_col is None:
        yield from range(start, n)
        return
    if block is not None and id_col < len(block.columns):
        ids: Sequence[Value] = block.cells(id_col, start, n)
    else:
        try:
            ids = list(map(itemgetter(id_col), rows[start:]))
        except IndexError:  # a short row: look at each row
            for r in range(start, n):
                row = rows[r]
                if id_col >= len(row) or not _plain_id(row[id_col]):
                    yield r
            return
    i = 0
    while i < len(ids):
        try:
            blank = ids.index("", i)
        except ValueError:
            blank = len(ids)
        yield from (start + j for j in _non_ascii(ids, i, blank))
        if blank < len(ids):
            yield start + blank
        i = blank + 1


def _non_ascii(ids: Sequence[Value], lo: int, hi: int) -> Iterator[int]:
    """Positions in ids[lo:hi] of text with non-ASCII characters."""
    part = ids[lo:hi]
    try:
        joined = "".join(part)
    except TypeError:  # numbers, dates: only the text matters
        joined = "".join(filter(str.__instancecheck__, part))
    if joined.isascii():
        return
    for j, v in enumerate(part, start=lo):
        if isinstance(v, str) and not v.isascii():
            yield j


def _is_column_numbers(row: list[Value]) -> bool:
    numbers = []
    for v in row:
        if v == "":
            continue
        m = _COLUMN_NUMBER.match(_text(v).strip())
        if not m:
            return False
        numbers.append(int(m.group(1)))
    return len(numbers) >= 3 and all(b == a + 1 for a, b in itertools.pairwise(numbers))


def _total_label(table: Table, r: int, id_col: int | None) -> str | None:
    """The total label of row r ("Tổng cộng", "Cộng", "Tổng số"), if it is a total row: the
    label is among its first three filled cells and the id column holds nothing else."""
    row = table.grid.rows[r]
    if id_col is not None and id_col < len(row):
        in_id = row[id_col]
        if in_id != "" and (not isinstance(in_id, str) or in_id.isascii()):
            return None  # the common case: a data row with its id (labels have diacritics)
    seen = 0
    for v in row:
        if v == "":
            continue
        text = _text(v)
        if isinstance(v, str) and _TOTAL.match(fold(text)):
            in_id = "" if id_col is None else table.value(r, id_col)
            if in_id == "" or (isinstance(in_id, str) and fold(in_id) == fold(text)):
                return text.strip()
            return None
        seen += 1
        if seen >= 3:
            return None
    return None
