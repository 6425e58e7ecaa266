"""The results workbook (DESIGN §8): summary with a native chart, units, people, nominations,
explanations, warnings, provenance, and the canonical JSON in the hidden sheet `_emulate`.

Written with xlsxwriter in constant-memory mode: rows are streamed in order, one at a time, so
a province's 100k people and their decisions fit. Styling is set once per column (number
formats, wrapping); only the cells that differ from their column (a text in a money column,
the bold totals) carry a format of their own. Strings are never turned into formulas, links or
numbers: a name such as `=HYPERLINK(...)` stays text (reliability F1); characters XML forbids
are stripped. No cell holds a formula: every figure is a computed value.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import math
import os
import platform
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING, Any, BinaryIO

import numpy as np

from emulate.diagnostics import Lang
from emulate.output import labels
from emulate.output.canonical import Canonical, write_canonical
from emulate.output.explain import full_basis
from emulate.output.files import write_atomic
from emulate.output.resultjson import (
    CARRIER_MARK,
    SHEET,
    is_missing,
    sorted_diagnostics,
)
from emulate.output.sheetxml import Lazy, Styled, Table, distinct_map, splice
from emulate.text import collation_key, name_sort_key

if TYPE_CHECKING:
    import pandas as pd
    from xlsxwriter.format import Format
    from xlsxwriter.worksheet import Worksheet

    from emulate.engine.result import Result
    from emulate.rules.model import FieldSpec, RuleSet

TIMEZONE = "Asia/Ho_Chi_Minh"
MAX_ROWS = 1_048_576  # Excel's rows per sheet; longer tables continue on "<name> (2)"
MAX_CELL = 32_767
SAMPLE = 2_000  # rows looked at to size the columns

# Text stays text: no formulas, links or numbers guessed from strings.
WRITER_OPTIONS = {
    "constant_memory": True,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}

SHEETS: dict[str, tuple[str, str]] = {
    "summary": ("Tổng hợp", "Summary"),
    "units": ("Đơn vị", "Units"),
    "people": ("Cá nhân", "People"),
    "nominations": ("Đề nghị", "Nominations"),
    "explanations": ("Giải trình", "Explanations"),
    "diagnostics": ("Cảnh báo", "Warnings"),
    "log": ("Nhật ký", "Log"),
}

WORDS: dict[str, tuple[str, str]] = {
    "code": ("Mã", "Code"),
    "title": ("Danh hiệu, hình thức khen thưởng", "Title or award"),
    "kind": ("Loại", "Kind"),
    "for": ("Đối tượng", "For"),
    "eligible": ("Đủ điều kiện", "Eligible"),
    "awarded": ("Đề nghị", "Recommended"),
    "tie": ("Bằng điểm (Hội đồng quyết định)", "Tied (council decides)"),
    "over_quota": ("Ngoài chỉ tiêu", "Over quota"),
    "superseded": ("Đã có hình thức cao hơn", "Superseded"),
    "places": ("Số suất", "Places"),
    "used": ("Suất đã dùng", "Places used"),
    "money": ("Tiền thưởng (đồng)", "Prize money (VND)"),
    "total": ("Tổng cộng", "Total"),
    "chart_unit": ("Đơn vị", "Unit"),
    "chart_title": ("Điểm của đơn vị theo cụm, khối thi đua", "Unit points by cluster"),
    "chart_title_leaders": (
        "Điểm của đơn vị dẫn đầu mỗi cụm, khối thi đua",
        "Points of the leading unit of each cluster",
    ),
    "chart_cluster": ("Cụm, khối", "Cluster"),
    "chart_leader": ("Điểm đơn vị dẫn đầu", "Leader's points"),
    "points": ("Điểm", "Points"),
    "unit_id": ("Mã đơn vị", "Unit ID"),
    "unit_name": ("Tên đơn vị", "Unit name"),
    "person_id": ("Mã cán bộ", "Person ID"),
    "person_name": ("Họ và tên", "Full name"),
    "bonus": ("Điểm thưởng", "Bonus"),
    "penalty": ("Điểm trừ", "Penalty"),
    "score": ("Tổng điểm", "Total points"),
    "rank": ("Hạng trong cụm", "Rank in cluster"),
    "level": ("Xếp loại", "Level"),
    "titles": ("Danh hiệu, khen thưởng được đề nghị", "Titles and awards recommended"),
    "no": ("STT", "No."),
    "subject_id": ("Mã", "ID"),
    "subject_name": ("Tên", "Name"),
    "affiliation": ("Đơn vị / Cụm", "Unit / cluster"),
    "status": ("Trạng thái", "Status"),
    "achievement": ("Thành tích", "Achievement"),
    "basis": ("Căn cứ", "Legal basis"),
    "q_rank": ("Hạng", "Rank"),
    "pool": ("Nhóm chỉ tiêu", "Quota pool"),
    "reasons": ("Lý do", "Reasons"),
    "severity": ("Mức độ", "Severity"),
    "where": ("Vị trí", "Where"),
    "message": ("Nội dung", "Message"),
    "item": ("Mục", "Item"),
    "value": ("Giá trị", "Value"),
    "sha": ("SHA-256", "SHA-256"),
    "tool": ("Công cụ", "Tool"),
    "rules": ("Bộ tiêu chí", "Rule set"),
    "rules_source": ("Nguồn bộ tiêu chí", "Rule set source"),
    "year": ("Năm đánh giá", "Evaluation year"),
    "lang": ("Ngôn ngữ", "Language"),
    "options": ("Tùy chọn", "Options"),
    "input": ("Tệp đầu vào", "Input file"),
    "json_sha": ("Kết quả (JSON chuẩn)", "Result (canonical JSON)"),
    "generated": ("Thời điểm tạo", "Generated at"),
    "environment": ("Môi trường", "Environment"),
    "counts": ("Số đơn vị / cá nhân / cảnh báo", "Units / people / diagnostics"),
    "explained": ("Giải trình", "Explanations"),
    "explained_all": (
        "Mọi quyết định, kể cả không đủ điều kiện",
        "Every decision, the ineligible ones too",
    ),
    "explained_some": (
        "Các quyết định đủ điều kiện (đề nghị, bằng điểm, ngoài chỉ tiêu, đã có hình thức cao "
        "hơn); lý do không đủ điều kiện: emulate explain MÃ <sổ kết quả này>",
        "Eligible decisions (recommended, tied, over quota, superseded); why someone is not "
        "eligible: emulate explain ID <this workbook>",
    ),
    "yes": ("Có", "Yes"),
    "no_": ("Không", "No"),
}

# Whole numbers (counts, ranks) keep Excel's General format: it shows them as they are.
FMT_MONEY = "#,##0"
FMT_POINTS = "0.00"
FMT_PERCENT = "0.00%"
FMT_DATE = "dd/mm/yyyy"

HEADER_COLOR = "#1F4E78"
HEADER_BORDER = "#9BA7B4"
CM = 360_000 / 9_525  # pixels per centimetre (EMU per cm / EMU per pixel)


def _w(key: str, lang: Lang) -> str:
    return labels.pick(WORDS[key], lang)


# -- cells --------------------------------------------------------------------------------


# What XML 1.0 cannot hold (C0 controls but tab and line breaks; U+FFFE/U+FFFF are
# non-characters).
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@lru_cache(maxsize=1 << 16)  # names, titles, statuses and reasons repeat a lot
def clean_text(value: str) -> str:
    """NFC, characters XML cannot hold removed, cut to Excel's cell limit."""
    text = value if unicodedata.is_normalized("NFC", value) else unicodedata.normalize("NFC", value)
    if _ILLEGAL.search(text):
        text = _ILLEGAL.sub("", text)
    return text if len(text) <= MAX_CELL // 2 else _fit(text)


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _fit(text: str) -> str:
    """Cut to Excel's limit, counted as Excel counts: in UTF-16 units (a character outside
    the BMP takes two)."""
    if _utf16_len(text) <= MAX_CELL:
        return text
    end = MAX_CELL - 1
    while (excess := _utf16_len(text[:end]) - (MAX_CELL - 1)) > 0:
        end -= excess
    return text[:end] + "…"


class _Rich(str):
    """Text that looks like rich-text XML (`<r>…</r>`): xlsxwriter would copy it into the
    file unescaped, so it is written as a two-run rich string instead (same text)."""

    __slots__ = ()


def _looks_rich(text: str) -> bool:
    return text.startswith("<r>") and text.endswith("</r>")


@lru_cache(maxsize=1 << 16)
def _text(value: str) -> str:
    text = clean_text(value)
    return _Rich(text) if _looks_rich(text) else text


@dataclass(frozen=True)
class Column:
    """A column of a table sheet: header, how values show, and its width bounds."""

    header: str
    fmt: str | None = None  # number format of numeric cells
    wrap: bool = False
    width: float | None = None  # fixed width; None: fitted to the content

    @property
    def style(self) -> _Style:
        """The style its cells take from the column."""
        return (self.fmt, self.wrap, False)


_Style = tuple[str | None, bool, bool]  # (number format, wrap, bold)
_PLAIN: _Style = (None, False, False)


class _Converter:
    """A column's values as the workbook shows them: numbers as numbers in the column's
    format, dates as dates, text always text (cleaned, `_Rich` when it looks like rich-text
    XML). A value whose style is the sheet column's goes in bare; any other carries its format
    (`text`, `number`, `date`: None when the column's own) in a `Styled`."""

    __slots__ = ("date", "number", "text")

    def __init__(self, text: Format | None, number: Format | None, date: Format | None):
        self.text, self.number, self.date = text, number, date

    def __call__(self, value: Any) -> Any:
        cls = value.__class__
        if cls is str:
            return self._text(value)
        if value is None:
            return None
        if cls is int:
            return self._number(value)
        if cls is Decimal or cls is float:
            value = float(value)  # written as "%.16g" either way, as Excel keeps it
            return self._number(value) if math.isfinite(value) else None
        if cls is bool:
            return self._text(str(value))
        if isinstance(value, dt.date):
            return value if self.date is None else Styled(value, self.date)
        if isinstance(value, str):
            return self._text(str(value))
        return self._number(value)

    def _text(self, value: str) -> Any:
        t = _text(value)
        return t if self.text is None else Styled(t, self.text)

    def _number(self, value: Any) -> Any:
        return value if self.number is None else Styled(value, self.number)

    def texts_as_is(self, texts: Sequence[str], joined: str) -> bool:
        """Whether these texts (`joined` by "\\n") come out unchanged and unstyled, checked
        together: NFC, XML-legal, not rich, at most half Excel's limit. The sheet writer then
        skips the value-by-value work (`sheetxml`)."""
        if self.text is not None or (texts and max(map(len, texts)) > MAX_CELL // 2):
            return False
        return (
            unicodedata.is_normalized("NFC", joined)
            and not _ILLEGAL.search(joined)
            and "<r>" not in joined
        )

    def numbers_as_is(self) -> bool:
        """Whether integers come out unchanged and unstyled."""
        return self.number is None


class _Book:
    """An xlsxwriter workbook and the helpers every sheet uses."""

    def __init__(self, target: str | os.PathLike[str] | BinaryIO) -> None:
        import xlsxwriter

        self.target = target
        # xlsxwriter writes the package (styles, small sheets, charts, big tables' headers)
        # here; `close` copies it to the target with the big tables' rows spliced in.
        self._package = io.BytesIO()
        self.wb = xlsxwriter.Workbook(self._package, WRITER_OPTIONS)
        self._tables: dict[str, Table] = {}
        self._formats: dict[_Style, Format] = {}
        self.header = self.wb.add_format(
            {
                "bold": True,
                "font_color": "#FFFFFF",
                "pattern": 1,
                "bg_color": HEADER_COLOR,
                "align": "center",
                "valign": "vcenter",
                "text_wrap": True,
                "border": 1,
                "border_color": HEADER_BORDER,
            }
        )
        self._run = self.wb.add_format()  # the second run of a `_Rich` text: default font

    def format(self, style: _Style) -> Format:
        """The format of a style; `_PLAIN` is Excel's default (it overrides a column's)."""
        if style not in self._formats:
            fmt, wrap, bold = style
            props: dict[str, Any] = {}
            if fmt:
                props["num_format"] = fmt
            if wrap:
                props.update(valign="top", text_wrap=True)
            if bold:
                props["bold"] = True
            self._formats[style] = self.wb.add_format(props)
        return self._formats[style]

    def converter(
        self, column: Column, *, bold: bool = False, under: _Style | None = None
    ) -> _Converter:
        """What to hand xlsxwriter for each value of `column` (in a sheet column styled
        `under`, by default the column's own style)."""
        under = column.style if under is None else under

        def own(style: _Style) -> Format | None:
            return None if style == under else self.format(style)

        return _Converter(
            text=own((None, column.wrap, bold)),
            number=own((column.fmt, False, bold)),
            date=own((column.fmt or FMT_DATE, False, bold)),
        )

    def sheet(self, name: str, widths: Sequence[float], styles: Sequence[_Style]) -> Worksheet:
        """A new sheet with its column widths and formats."""
        ws = self.wb.add_worksheet(name)
        ws.add_write_handler(Styled, _write_cell)
        ws.add_write_handler(_Rich, self._write_rich)
        for i, (width, style) in enumerate(zip(widths, styles, strict=True)):
            # In pixels: 7 per character, so the file holds exactly `width` characters. The
            # odd columns' millionth of a pixel (rounded away in the file) keeps each column
            # its own <col> entry: xlsxwriter would merge equal neighbours into one range,
            # whose width some readers (openpyxl) give only to the range's first column.
            fmt = None if style == _PLAIN else self.format(style)
            ws.set_column_pixels(i, i, width * 7 + (i % 2) * 1e-6, fmt)
        return ws

    def _write_rich(self, ws: Worksheet, row: int, col: int, token: str, fmt: Any = None):
        text = str(token)
        return ws.write_rich_string(
            row, col, text[:1], self._run, text[1:], *([fmt] if fmt is not None else [])
        )

    def header_row(self, ws: Worksheet, headers: Iterable[str], row: int = 0) -> None:
        ws.write_row(row, 0, [_text(h) for h in headers], self.header)

    def close(self) -> None:
        try:
            # Numbered now, so that styles.xml holds every format the spliced rows use.
            for fmt in self._formats.values():
                fmt._get_xf_index()
            self.wb.close()
        except BaseException:
            self.discard()
            raise
        self._package.seek(0)
        if isinstance(self.target, str | os.PathLike):
            with open(self.target, "wb") as handle:
                splice(self._package, handle, self._tables)
        else:
            splice(self._package, self.target, self._tables)

    def discard(self) -> None:
        """After a failure: remove the sheets' temporary row files (nothing is saved)."""
        for ws in self.wb.worksheets():
            handle = getattr(ws, "row_data_fh", None)
            name = getattr(ws, "row_data_filename", None)
            with contextlib.suppress(OSError):
                if handle is not None:
                    handle.close()
                if name:
                    os.unlink(name)

    def table(
        self,
        name: str,
        columns: Sequence[Column],
        data: Sequence[Sequence[Any]] | Lazy,
        *,
        freeze: str = "A2",
        sample: Sequence[Sequence[Any]] | None = None,
    ) -> list[Worksheet]:
        """A sheet (continued on "<name> (2)", ... past Excel's row limit) with a styled
        header, frozen panes, an autofilter and fitted widths, from the values of each column
        (`data`, column by column, or made as written). The widths fit the first rows, or
        `sample` (columns of values) when given. Returns the sheets."""
        lazy = isinstance(data, Lazy)
        n = data.n_rows if lazy else (len(data[0]) if data else 0)
        if sample is None:
            sample = data.fetch(0, min(n, SAMPLE)) if lazy else [d[:SAMPLE] for d in data]
        widths = _widths(columns, list(zip(*sample, strict=True)))
        converters = [self.converter(c) for c in columns]
        styles = [None if c.style == _PLAIN else self.format(c.style) for c in columns]
        per_sheet = MAX_ROWS - 1
        sheets = []
        for k, start in enumerate(range(0, max(n, 1), per_sheet), start=1):
            ws = self.sheet(name if k == 1 else f"{name} ({k})", widths, [c.style for c in columns])
            ws.freeze_panes(freeze)
            self.header_row(ws, (c.header for c in columns))
            stop = min(start + per_sheet, n)
            part = data.part(start, stop) if lazy else [d[start:stop] for d in data]
            self._tables[f"xl/worksheets/sheet{ws.index + 1}.xml"] = Table(
                part, styles, _xf_index, converters=converters
            )
            ws.autofilter(0, 0, stop - start, len(columns) - 1)
            sheets.append(ws)
        return sheets


def _xf_index(fmt: Format | None) -> int | None:
    """A format's number in styles.xml (given by xlsxwriter when the book is closed)."""
    return None if fmt is None else fmt._get_xf_index()


def _write_cell(ws: Worksheet, row: int, col: int, token: Styled, _fmt: Any = None) -> Any:
    return ws.write(row, col, token.value, token.style)


def _shown_length(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, str):
        return max((len(line) for line in value.split("\n")), default=0)
    if isinstance(value, Decimal | int | float):
        return len(f"{value:,.2f}") if not isinstance(value, int) else len(f"{value:,}")
    return len(str(value))


def _widths(columns: Sequence[Column], sample: Sequence[Sequence[Any]]) -> list[float]:
    """Widths that fit Vietnamese text: the longest value (or header word) plus padding,
    between 6 and 60 characters; wrapped columns get their fixed width."""
    widths = []
    for i, col in enumerate(columns):
        if col.width is not None:
            widths.append(col.width)
            continue
        longest_word = max((len(w) for w in col.header.split()), default=4)
        header = min(len(col.header), max(longest_word, 14))
        content = max((_shown_length(row[i]) for row in sample), default=0)
        widths.append(float(min(max(header, content, 4) + 2, 60)))
    return widths


def _by_column(rows: Sequence[Sequence[Any]], width: int) -> list[list[Any]]:
    """Rows turned into columns (`width` of them, even without rows)."""
    return [list(c) for c in zip(*rows, strict=True)] if rows else [[] for _ in range(width)]


# -- display values -----------------------------------------------------------------------


def _field_values(values: Iterable[Any], spec: FieldSpec, lang: Lang) -> list[Any]:
    """A declared field as an officer reads it: labels for choices, Có/Không, dates."""
    shown: dict[Any, str] = {}
    if spec.type == "choice":
        shown = {v: label for label, v in reversed(list(spec.choice_map().items()))}
    yes, no = _w("yes", lang), _w("no_", lang)

    def one(value: Any) -> Any:
        if is_missing(value):
            return None
        if hasattr(value, "item") and not isinstance(value, str):
            value = value.item()
        if spec.type == "boolean":
            return yes if bool(value) else no
        if spec.type == "choice":
            return shown.get(value, str(value))
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date | Decimal | int | float):
            return value
        return str(value)

    return distinct_map(one, values)


def _field_column(spec: FieldSpec) -> Column:
    fmt = {"percent": FMT_PERCENT, "date": FMT_DATE}.get(spec.type)
    return Column(spec.header, fmt=fmt)


def _title_names(titles: Iterable[Any], rules: RuleSet) -> list[str]:
    """Each subject's titles by name, `; `-separated ("" for none)."""
    memo: dict[Any, str] = {}

    def one(ids: Any) -> str:
        if not isinstance(ids, tuple | list):
            return ""
        key = tuple(ids)
        if key not in memo:
            memo[key] = "; ".join(
                rules.titles[t].name if t in rules.titles else str(t) for t in ids
            )
        return memo[key]

    return [one(t) for t in titles]


def _opt(value: Any) -> Any:
    if is_missing(value):
        return None
    return value.item() if hasattr(value, "item") and not isinstance(value, str) else value


_NATIVE = frozenset({str, int, bool, type(None)})  # values `_opt` returns as they are
_NA = frozenset({"NAType", "NaTType"})  # pandas' missing values, by type name (see is_missing)


def _opts(values: Iterable[Any]) -> list[Any]:
    """`_opt` of each value (missing → None, numpy scalars → Python), the usual kinds
    (points as `Decimal`, pandas' NA of an integer column) without a call each."""
    return [
        v
        if (kind := v.__class__) in _NATIVE or (kind is Decimal and not v.is_nan())
        else None
        if kind.__name__ in _NA
        else _opt(v)
        for v in values
    ]


def _values(frame: pd.DataFrame, key: str) -> list[Any]:
    """A column's values as Python objects; None throughout when the frame lacks it."""
    return frame[key].tolist() if key in frame.columns else [None] * len(frame)


def _take(values: Sequence[Any], order: Sequence[int]) -> list[Any]:
    return [values[i] for i in order]


def _values_at(frame: pd.DataFrame, key: str, rows: np.ndarray) -> list[Any]:
    """`_values` of the given rows only."""
    return frame[key].iloc[rows].tolist() if key in frame.columns else [None] * len(rows)


def _codes(values: Sequence[str], key: Callable[[str], Any] | None = None) -> np.ndarray:
    """Each value's place among the distinct values sorted by `key` (code points without
    one): small integers to sort rows by."""
    ranks = _rank_of(values, key)
    return np.fromiter(map(ranks.__getitem__, values), dtype=np.int64, count=len(values))


def _lexorder(*keys: np.ndarray) -> np.ndarray:
    """Row numbers sorted by `keys`, the first the most significant (stable)."""
    if not keys or not len(keys[0]):
        return np.zeros(0, dtype=np.intp)
    return np.lexsort(keys[::-1])


def _positions(titles: Sequence[Any], rules: RuleSet) -> np.ndarray:
    """Each title's place in the rule set (unknown titles last)."""
    import pandas as pd

    codes = pd.Categorical(titles, categories=list(rules.titles)).codes.astype(np.int64)
    codes[codes < 0] = len(rules.titles)
    return codes


class _Subjects:
    """The subjects of some (scope, id) rows, found once in their frames; `column` reads any
    of their columns."""

    def __init__(self, result: Result, scopes: np.ndarray, ids: np.ndarray) -> None:
        import pandas as pd

        self.n = len(ids)
        self.found: dict[str, tuple[pd.DataFrame, np.ndarray, np.ndarray]] = {}
        for scope, frame in (("units", result.units), ("people", result.people)):
            rows = scopes == scope
            if rows.any():
                index = pd.Index(frame["id"].astype(str).to_numpy(dtype=object))
                self.found[scope] = (frame, rows, index.get_indexer(ids[rows]))

    def column(self, names: dict[str, str]) -> np.ndarray:
        """Each row's value in the column `names[scope]` of its frame (None when missing, or
        when the frame has no such column)."""
        out = np.full(self.n, None, dtype=object)
        for scope, (frame, rows, found) in self.found.items():
            name = names.get(scope)
            if name is None or name not in frame.columns:
                continue
            values = frame[name].astype(object)
            values = values.where(values.notna(), None).to_numpy(dtype=object)
            out[rows] = np.where(found >= 0, values[found], None)
        return out


# -- sheets -------------------------------------------------------------------------------


def _summary(book: _Book, result: Result, lang: Lang) -> None:
    rules = result.rules
    summary = result.summary()
    columns = [
        Column(_w("code", lang)),
        Column(_w("title", lang)),
        Column(_w("kind", lang)),
        Column(_w("for", lang)),
        *(Column(_w(k, lang)) for k in ("eligible", "awarded", "tie", "over_quota")),
        Column(_w("superseded", lang)),
        Column(_w("places", lang)),
        Column(_w("used", lang)),
        Column(_w("money", lang), fmt=FMT_MONEY),
    ]
    rows: list[list[Any]] = []
    for rec in summary.to_dict("records"):
        title = rules.titles[rec["title"]]
        places = _opt(rec["places"])
        rows.append(
            [
                rec["title"],
                title.name,
                labels.pick(labels.KIND[title.kind], lang),
                labels.scope(title.for_, lang),
                rec["eligible"],
                rec["awarded"],
                rec["tie"],
                rec["over_quota"],
                rec["superseded"],
                places,
                rec["awarded"] if places is not None else None,
                rec["money"],
            ]
        )
    totals: list[Any] = [_w("total", lang), None, None, None]
    for i in range(4, len(columns)):
        values = [r[i] for r in rows if r[i] is not None]
        totals.append(sum(values) if values else None)

    chart_rows, clusters = _chart_rows(result)
    widths = _widths(columns, [*rows, totals])
    if chart_rows:  # unit names sit in column A below the table
        widths[0] = max(widths[0], _widths([Column("")], [[r[0]] for r in chart_rows])[0])
    styles = [c.style for c in columns]
    ws = book.sheet(labels.pick(SHEETS["summary"], lang), widths, styles)
    ws.freeze_panes("A2")
    book.header_row(ws, (c.header for c in columns))
    plain = [book.converter(c) for c in columns]
    bold = [book.converter(c, bold=True) for c in columns]
    for r, row in enumerate(rows, start=1):
        ws.write_row(r, 0, [f(v) for f, v in zip(plain, row, strict=True)])
    ws.write_row(len(rows) + 1, 0, [f(v) for f, v in zip(bold, totals, strict=True)])
    ws.autofilter(0, 0, len(rows), len(columns) - 1)
    if not chart_rows:
        return
    top = len(rows) + 3  # header row of the chart's data (0-based), after an empty row
    leaders = clusters == [LEADERS]
    if leaders:
        heads = [_w("chart_cluster", lang), _w("chart_leader", lang)]
    else:
        heads = [_w("chart_unit", lang), *clusters]
    book.header_row(ws, heads, top)
    points = Column("", fmt=FMT_POINTS)
    convert = [
        book.converter(points, under=styles[i] if i < len(styles) else _PLAIN)
        for i in range(1 + len(clusters))
    ]
    for r, row in enumerate(chart_rows, start=top + 1):
        ws.write_row(r, 0, [f(v) for f, v in zip(convert, row, strict=True)])
    bottom = top + len(chart_rows)

    name = ws.get_name()
    chart = book.wb.add_chart({"type": "bar"})  # horizontal: long unit names stay readable
    for i in range(1, 1 + len(clusters)):
        series: dict[str, Any] = {
            "name": [name, top, i],
            "categories": [name, top + 1, 0, bottom, 0],
            "values": [name, top + 1, i, bottom, i],
        }
        if i == 1:
            series["overlap"] = 100  # one bar per unit, coloured by its cluster
        chart.add_series(series)
    chart.set_title({"name": _w("chart_title_leaders" if leaders else "chart_title", lang)})
    chart.set_x_axis({"name": _w("points", lang)})  # a bar chart's x axis holds the values
    chart.set_y_axis({"reverse": True})  # first unit at the top
    chart.set_legend({"position": "bottom"})
    height = max(7.5, 0.6 * len(chart_rows) + 3)
    chart.set_size({"width": round(18 * CM), "height": round(height * CM)})
    ws.insert_chart(1, len(columns) + 1, chart)


CHART_UNITS = 300  # more units than this and the chart shows each cluster's leader instead
LEADERS = "\x00leaders"  # the one series of that chart (named in the result's language)


def _chart_rows(result: Result) -> tuple[list[list[Any]], list[str]]:
    """Units by cluster then rank: one row per unit, its points in its cluster's column. Past
    `CHART_UNITS` units (a province: thousands of bars, a hundred series), one row per
    cluster instead: the points of its first-ranked unit, labelled with the cluster."""
    units = result.units
    if "score" not in units.columns or not len(units):
        return [], []
    records = [r for r in units.to_dict("records") if not is_missing(r.get("score"))]
    if not records:
        return [], []
    has_cluster = "cluster" in units.columns
    cluster_of = [
        str(r["cluster"]) if has_cluster and not is_missing(r.get("cluster")) else ""
        for r in records
    ]
    clusters = sorted(set(cluster_of), key=collation_key) or [""]
    index = {c: i for i, c in enumerate(clusters)}
    order = sorted(
        range(len(records)),
        key=lambda i: (
            index[cluster_of[i]],
            _rank_key(records[i].get("rank")),
            str(records[i]["id"]),
        ),
    )
    labels_ = [c or "—" for c in clusters]
    if len(order) > CHART_UNITS:
        leaders: dict[str, dict[str, Any]] = {}
        for i in order:
            leaders.setdefault(cluster_of[i], records[i])
        rows = [[label, leaders[c]["score"]] for c, label in zip(clusters, labels_, strict=True)]
        return rows, [LEADERS]
    rows = []
    for i in order:
        cells: list[Any] = [None] * len(clusters)
        cells[index[cluster_of[i]]] = records[i]["score"]
        rows.append([str(records[i].get("name") or records[i]["id"]), *cells])
    return rows, labels_


def _rank_key(rank: Any) -> tuple[int, int]:
    return (1, 0) if is_missing(rank) else (0, int(rank))


def _points_columns(frame: pd.DataFrame, rules: RuleSet, scope: str, lang: Lang):
    spec = rules.subject(scope)  # type: ignore[arg-type]
    if not spec.score:
        return [], []
    cols, keys = [], []
    for group in spec.score:
        key = f"group:{group.id}"
        if key in frame.columns:
            cols.append(Column(f"{group.id}. {group.label}", fmt=FMT_POINTS))
            keys.append(key)
    for key in ("bonus", "penalty", "score"):
        if key in frame.columns:
            cols.append(Column(_w(key, lang), fmt=FMT_POINTS))
            keys.append(key)
    return cols, keys


def _units(book: _Book, result: Result, lang: Lang) -> None:
    rules, frame = result.rules, result.units
    declared = {k: s for k, s in rules.fields("units").items() if k not in ("id", "name", "level")}
    declared = {k: s for k, s in declared.items() if k in frame.columns}
    pcols, pkeys = _points_columns(frame, rules, "units", lang)
    columns = [
        Column(_w("unit_id", lang)),
        Column(_w("unit_name", lang)),
        *(_field_column(s) for s in declared.values()),
        *pcols,
        Column(_w("rank", lang)),
        Column(_w("level", lang)),
        Column(_w("titles", lang), wrap=True, width=40),
    ]
    ids, ranks = _values(frame, "id"), _values(frame, "rank")
    clusters = _values(frame, "cluster")
    order = sorted(
        range(len(frame)),
        key=lambda i: (
            collation_key(str(clusters[i] or "")) if "cluster" in declared else (),
            _rank_key(ranks[i]),
            str(ids[i]),
        ),
    )
    data = [
        _take(ids, order),
        _opts(_take(_values(frame, "name"), order)),
        *(_field_values(_take(_values(frame, k), order), s, lang) for k, s in declared.items()),
        *(_opts(_take(_values(frame, k), order)) for k in pkeys),
        _opts(_take(ranks, order)),
        _opts(_take(_values(frame, "level"), order)),
        _title_names(_take(_values(frame, "titles"), order), rules),
    ]
    book.table(labels.pick(SHEETS["units"], lang), columns, data, freeze="C2")


def _people(book: _Book, result: Result, lang: Lang) -> None:
    rules, frame = result.rules, result.people
    builtin = ("id", "name", "unit", "level")
    declared = {k: s for k, s in rules.fields("people").items() if k not in builtin}
    declared = {k: s for k, s in declared.items() if k in frame.columns}
    pcols, pkeys = _points_columns(frame, rules, "people", lang)
    columns = [
        Column(_w("person_id", lang)),
        Column(_w("person_name", lang)),
        Column(_w("unit_id", lang)),
        Column(_w("unit_name", lang)),
        Column(_w("level", lang)),
        *(_field_column(s) for s in declared.values()),
        *pcols,
        Column(_w("titles", lang), wrap=True, width=40),
    ]
    ids, names, units = _values(frame, "id"), _values(frame, "name"), _values(frame, "unit")
    order = _lexorder(
        _codes([str(u or "") for u in units]),
        _codes([str(n or "") for n in names], name_sort_key),
        _codes([str(i) for i in ids]),
    )

    def fetch(start: int, stop: int) -> list[list[Any]]:
        rows = order[start:stop]

        def at(key: str) -> list[Any]:
            return _values_at(frame, key, rows)

        return [
            at("id"),
            _opts(at("name")),
            _opts(at("unit")),
            _opts(at("unit_name")),
            _opts(at("level")),
            *(_field_values(at(k), s, lang) for k, s in declared.items()),
            *(_opts(at(k)) for k in pkeys),
            _title_names(at("titles"), rules),
        ]

    data = Lazy(len(order), fetch)
    book.table(labels.pick(SHEETS["people"], lang), columns, data, freeze="C2")


def _rank_of(values: Iterable[str], key: Callable[[str], Any] | None = None) -> dict[str, int]:
    """Each distinct value's place when sorted by `key` (equal keys, equal places; code
    points without one): sorting by these small integers is much faster than by the keys
    themselves, row after row."""
    if key is None:
        return {value: place for place, value in enumerate(sorted(set(values)))}
    ranks: dict[str, int] = {}
    previous: Any = object()
    place = -1
    for value in sorted(set(values), key=key):
        k = key(value)
        if k != previous:
            place, previous = place + 1, k
        ranks[value] = place
    return ranks


def _basis(rules: RuleSet) -> Callable[[Any], str | None]:
    """Each decision's legal basis spelled out (the same few citations, worked out once)."""
    memo: dict[str, str | None] = {}

    def one(basis: Any) -> str | None:
        if is_missing(basis):
            return None
        key = str(basis)
        if key not in memo:
            memo[key] = full_basis(key, rules.references)
        return memo[key]

    return one


def _title_label(rules: RuleSet) -> Callable[[Any], Any]:
    names = {tid: t.name for tid, t in rules.titles.items()}
    return lambda tid: names.get(tid, tid)


def _nominations(book: _Book, result: Result, lang: Lang) -> None:
    rules = result.rules
    d = result.decisions
    chosen = np.flatnonzero(d["status"].isin(["awarded", "tie"]).to_numpy())
    scopes = d["for"].iloc[chosen].to_numpy(dtype=object)
    titles = d["title"].iloc[chosen].to_numpy(dtype=object)
    ids = d["subject"].iloc[chosen].astype(str).to_numpy(dtype=object)
    units = scopes == "units"
    subjects = _Subjects(result, scopes, ids)
    names = subjects.column({"units": "name", "people": "name"})
    affiliation = subjects.column({"units": "cluster", "people": "unit"})
    # the order of the official lists: units, then people; titles before other awards, in
    # rule-set order; by cluster (units) or unit (people); units by name, people by given
    # name first; then id
    shown_names = [str(n or "") for n in names.tolist()]
    is_title = {tid for tid, t in rules.titles.items() if t.kind == "title"}
    order = _lexorder(
        ~units,
        np.fromiter((t not in is_title for t in titles), dtype=bool, count=len(titles)),
        _positions(titles, rules),
        _codes(["" if a is None else str(a) for a in affiliation.tolist()], collation_key),
        np.where(units, _codes(shown_names, collation_key), _codes(shown_names, name_sort_key)),
        _codes(ids.tolist()),
    )
    del shown_names
    columns = [
        Column(_w("no", lang)),
        Column(_w("for", lang)),
        Column(_w("title", lang)),
        Column(_w("subject_id", lang)),
        Column(_w("subject_name", lang)),
        Column(_w("affiliation", lang)),
        Column(_w("status", lang)),
        Column(_w("achievement", lang), wrap=True, width=45),
        Column(_w("basis", lang), wrap=True, width=40),
        Column(_w("money", lang), fmt=FMT_MONEY),
    ]
    # where: a unit's cluster; a person's unit by name (by id without one)
    where = subjects.column({"units": "cluster", "people": "unit_name"})
    named = np.fromiter(map(bool, where.tolist()), dtype=bool, count=len(where))
    where = np.where(units | named, where, affiliation)
    scope_label = {s: labels.scope(s, lang) for s in set(scopes.tolist())}
    status_label = {s: labels.status(s, lang) for s in ("awarded", "tie")}
    title_label = _title_label(rules)
    basis = _basis(rules)

    def fetch(start: int, stop: int) -> list[list[Any]]:
        rows = order[start:stop]
        at = chosen[rows]
        return [
            list(range(start + 1, stop + 1)),
            [scope_label[s] for s in scopes[rows].tolist()],
            [title_label(t) for t in titles[rows].tolist()],
            ids[rows].tolist(),
            _opts(names[rows].tolist()),
            _opts(where[rows].tolist()),
            [status_label[s] for s in _values_at(d, "status", at)],
            [v or None for v in _opts(_values_at(d, "achievement", at))],
            list(map(basis, _values_at(d, "basis", at))),
            _opts(_values_at(d, "money", at)),
        ]

    book.table(
        labels.pick(SHEETS["nominations"], lang), columns, Lazy(len(order), fetch), freeze="E2"
    )


def _explanations(book: _Book, result: Result, lang: Lang, every: bool) -> None:
    """One row per decision; without `every`, the decisions that need no explaining to the
    council (not eligible) are left out: they are most of the rows (people × titles) and
    `emulate explain` gives them from the hidden JSON, which holds every decision."""
    rules = result.rules
    d = result.decisions
    shown = np.arange(len(d)) if every else np.flatnonzero((d["status"] != "ineligible").to_numpy())
    scopes = d["for"].iloc[shown].to_numpy(dtype=object)
    titles = d["title"].iloc[shown].to_numpy(dtype=object)
    ids = d["subject"].iloc[shown].astype(str).to_numpy(dtype=object)
    order = _lexorder(scopes != "units", _positions(titles, rules), _codes(ids.tolist()))
    columns = [
        Column(_w("for", lang)),
        Column(_w("subject_id", lang)),
        Column(_w("subject_name", lang)),
        Column(_w("title", lang)),
        Column(_w("status", lang)),
        Column(_w("q_rank", lang)),
        Column(_w("places", lang)),
        Column(_w("pool", lang)),
        Column(_w("reasons", lang), wrap=True, width=80),
        Column(_w("basis", lang), wrap=True, width=40),
        Column(_w("money", lang), fmt=FMT_MONEY),
    ]
    names = _Subjects(result, scopes, ids).column({"units": "name", "people": "name"})
    joined: dict[Any, str | None] = {}

    def reasons(value: Any) -> str | None:
        if not isinstance(value, tuple | list):
            return None
        key = tuple(value)
        if key not in joined:
            joined[key] = "\n".join(str(x) for x in value)
        return joined[key]

    scope_label = {s: labels.scope(s, lang) for s in set(scopes.tolist())}
    status_label = {s: labels.status(s, lang) for s in set(d["status"].iloc[shown].tolist())}
    title_label = _title_label(rules)
    basis = _basis(rules)

    def fetch(start: int, stop: int) -> list[list[Any]]:
        rows = order[start:stop]
        at = shown[rows]
        return [
            [scope_label[s] for s in scopes[rows].tolist()],
            ids[rows].tolist(),
            _opts(names[rows].tolist()),
            [title_label(t) for t in titles[rows].tolist()],
            [status_label[s] for s in _values_at(d, "status", at)],
            _opts(_values_at(d, "rank", at)),
            _opts(_values_at(d, "places", at)),
            _opts(_values_at(d, "pool", at)),
            list(map(reasons, _values_at(d, "reasons", at))),
            list(map(basis, _values_at(d, "basis", at))),
            _opts(_values_at(d, "money", at)),
        ]

    book.table(
        labels.pick(SHEETS["explanations"], lang), columns, Lazy(len(order), fetch), freeze="D2"
    )


def _diagnostics(book: _Book, result: Result, lang: Lang) -> None:
    columns = [
        Column(_w("severity", lang)),
        Column(_w("code", lang)),
        Column(_w("where", lang)),
        Column(_w("message", lang), wrap=True, width=80),
    ]
    rows = [
        [
            labels.pick(labels.SEVERITY[d.severity.value], lang),
            d.code,
            str(d.where) or None,
            d.message(lang),
        ]
        for d in sorted_diagnostics(result.diagnostics)
    ]
    book.table(labels.pick(SHEETS["diagnostics"], lang), columns, _by_column(rows, len(columns)))


def _version(package: str) -> str:
    """An installed package's version, without importing it (openpyxl reads, but is not
    loaded to write)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:
        return "?"


def _log(
    book: _Book, result: Result, lang: Lang, later: _Later, now: dt.datetime, every: bool
) -> None:
    import pandas as pd

    prov = result.provenance
    rows: list[list[Any]] = [
        [_w("tool", lang), f"emulate {prov.tool_version}", None],
        [_w("rules", lang), prov.rules_name, prov.rules_sha256],
        [_w("rules_source", lang), prov.rules_source, None],
        [_w("year", lang), result.year, None],
        [_w("lang", lang), result.lang, None],
        [
            _w("options", lang),
            json.dumps(prov.options, ensure_ascii=False, sort_keys=True, default=str),
            None,
        ],
    ]
    for item in sorted(prov.inputs, key=lambda i: (i.path, i.sha256)):
        rows.append([_w("input", lang), item.path, item.sha256])
    json_row = [_w("json_sha", lang), None, None]  # its SHA-256 filled in when written
    rows += [
        json_row,
        [_w("explained", lang), _w("explained_all" if every else "explained_some", lang), None],
        [
            _w("counts", lang),
            f"{len(result.units)} / {len(result.people)} / {len(result.diagnostics)}",
            None,
        ],
        [_w("generated", lang), now.isoformat(timespec="seconds"), None],
        [
            _w("environment", lang),
            f"Python {platform.python_version()}; pandas {pd.__version__}; "
            f"openpyxl {_version('openpyxl')}; xlsxwriter {_version('xlsxwriter')}; "
            f"{platform.system()}",
            None,
        ],
    ]
    columns = [
        Column(_w("item", lang)),
        Column(_w("value", lang), wrap=True, width=60),
        Column(_w("sha", lang), width=68),
    ]

    def fetch(start: int, stop: int) -> list[list[Any]]:
        json_row[2] = later.get().sha256
        return _by_column(rows[start:stop], len(columns))

    book.table(
        labels.pick(SHEETS["log"], lang),
        columns,
        Lazy(len(rows), fetch),
        sample=_by_column(rows, len(columns)),  # the SHA's column has a width of its own
    )


def _carrier(book: _Book, later: _Later) -> None:
    """The hidden sheet: the canonical JSON, compressed (docs/result-format.md)."""
    ws = book.wb.add_worksheet(SHEET)
    ws.hide()

    def cells() -> Lazy:
        canonical = later.get()

        def fetch(start: int, stop: int) -> list[list[str]]:
            return [[CARRIER_MARK if i == 0 else canonical.cell(i - 1) for i in range(start, stop)]]

        return Lazy(1 + canonical.n_cells, fetch)

    book._tables[f"xl/worksheets/sheet{ws.index + 1}.xml"] = Table(cells, [None], _xf_index, 1)


# -- entry points -------------------------------------------------------------------------


def build_workbook(
    result: Result,
    target: str | os.PathLike[str] | BinaryIO,
    *,
    lang: Lang | None = None,
    canonical: Canonical | bytes | Callable[[], Canonical] | None = None,
    now: dt.datetime | None = None,
    every_decision: bool = False,
) -> None:
    """Write the results workbook to `target` (a path, or a binary file open for writing).
    `canonical`: the result JSON's `Canonical`, its bytes, or a function giving it (called
    last, once every other sheet is written); None: worked out here. `every_decision`:
    `Giải trình` explains the ineligible decisions too."""
    from zoneinfo import ZoneInfo

    lang = lang or result.lang
    now = now or dt.datetime.now(ZoneInfo(TIMEZONE))
    book = _Book(target)
    try:
        _summary(book, result, lang)
        _units(book, result, lang)
        _people(book, result, lang)
        _nominations(book, result, lang)
        _explanations(book, result, lang, every_decision)
        _diagnostics(book, result, lang)
        # Asked for only when its sheets are written, last: it may be written meanwhile.
        carried = _Later(result, canonical)
        _log(book, result, lang, carried, now, every_decision)
        _carrier(book, carried)
    except BaseException:
        book.discard()
        raise
    book.close()


class _Later:
    """The canonical JSON, worked out or waited for when first asked for."""

    def __init__(
        self, result: Result, canonical: Canonical | bytes | Callable[[], Canonical] | None
    ) -> None:
        self.result, self.source = result, canonical
        self.done: Canonical | None = None

    def get(self) -> Canonical:
        if self.done is None:
            source = self.source
            if source is None:
                self.done = write_canonical(self.result)
            elif isinstance(source, bytes):
                self.done = Canonical.of(source)
            else:
                self.done = source if isinstance(source, Canonical) else source()
        return self.done


def workbook_writer(
    result: Result,
    *,
    lang: Lang | None = None,
    canonical: Canonical | bytes | Callable[[], Canonical] | None = None,
    now: dt.datetime | None = None,
    every_decision: bool = False,
) -> Callable[[BinaryIO], None]:
    """A writer for `files.stage`: builds the workbook into the given file."""

    def write(handle: BinaryIO) -> None:
        build_workbook(
            result,
            handle,
            lang=lang,
            canonical=canonical,
            now=now,
            every_decision=every_decision,
        )

    return write


def write_results_workbook(
    result: Result,
    path: str | os.PathLike[str],
    *,
    lang: Lang | None = None,
    canonical: Canonical | bytes | Callable[[], Canonical] | None = None,
    inputs: Iterable[str | os.PathLike[str]] = (),
    now: dt.datetime | None = None,
    every_decision: bool = False,
) -> None:
    """Write the results workbook atomically, never over one of the result's inputs or
    `inputs`. `canonical` (of `write_canonical`, or the bytes of `dumps_canonical`) saves
    building the JSON twice."""
    protect = [*(i.path for i in result.provenance.inputs), *inputs]
    write_atomic(
        path,
        workbook_writer(
            result, lang=lang, canonical=canonical, now=now, every_decision=every_decision
        ),
        inputs=protect,
    )
