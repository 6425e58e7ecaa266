"""The results workbook (DESIGN §8): summary with a native chart, units, people, nominations,
explanations, warnings, provenance, and the canonical JSON in the hidden sheet `_emulate`.

Written with openpyxl in write-only mode (rows streamed, constant memory), so a province's
100k people and their decisions fit. Every text cell is forced to type `s` (an inline string):
a name such as `=HYPERLINK(...)` stays text, never a formula (reliability F1); characters XML
forbids are stripped. No cell holds a formula: every figure is a computed value.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
import platform
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING, Any, BinaryIO

from emulate.diagnostics import Lang
from emulate.output import labels
from emulate.output.explain import full_basis
from emulate.output.files import write_atomic
from emulate.output.resultjson import (
    SHEET,
    dumps_canonical,
    is_missing,
    result_to_document,
    sha256_hex,
    sorted_diagnostics,
    split_cells,
)
from emulate.text import collation_key, name_sort_key

if TYPE_CHECKING:
    import pandas as pd
    from openpyxl.workbook import Workbook

    from emulate.engine.result import Result
    from emulate.rules.model import FieldSpec, RuleSet

TIMEZONE = "Asia/Ho_Chi_Minh"
MAX_ROWS = 1_048_576  # Excel's rows per sheet; longer tables continue on "<name> (2)"
MAX_CELL = 32_767
SAMPLE = 2_000  # rows looked at to size the columns

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
    "yes": ("Có", "Yes"),
    "no_": ("Không", "No"),
}

# Whole numbers (counts, ranks) keep Excel's General format: it shows them as they are, and
# unstyled cells are much cheaper to write.
FMT_MONEY = "#,##0"
FMT_POINTS = "0.00"
FMT_PERCENT = "0.00%"
FMT_DATE = "dd/mm/yyyy"


def _w(key: str, lang: Lang) -> str:
    return labels.pick(WORDS[key], lang)


# -- cells --------------------------------------------------------------------------------


# What XML 1.0 cannot hold (openpyxl raises on the C0 controls; U+FFFE/U+FFFF are
# non-characters).
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@lru_cache(maxsize=1 << 16)  # names, titles, statuses and reasons repeat a lot
def clean_text(value: str) -> str:
    """NFC, characters XML cannot hold removed, cut to Excel's cell limit."""
    text = value if unicodedata.is_normalized("NFC", value) else unicodedata.normalize("NFC", value)
    if _ILLEGAL.search(text):
        text = _ILLEGAL.sub("", text)
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"


@dataclass(frozen=True)
class Column:
    """A column of a table sheet: header, how values show, and its width bounds."""

    header: str
    fmt: str | None = None  # number format of numeric cells
    wrap: bool = False
    width: float | None = None  # fixed width; None: fitted to the content


class _Styles:
    """Shared style objects (openpyxl deduplicates them into the stylesheet)."""

    def __init__(self) -> None:
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

        thin = Side(style="thin", color="9BA7B4")
        self.header_font = Font(bold=True, color="FFFFFF")
        self.header_fill = PatternFill("solid", fgColor="1F4E78")
        self.header_align = Alignment(horizontal="center", vertical="center", wrap_text=True)
        self.header_border = Border(left=thin, right=thin, top=thin, bottom=thin)
        self.bold = Font(bold=True)
        self.wrap = Alignment(vertical="top", wrap_text=True)


class _Book:
    """A write-only workbook and the helpers every sheet uses."""

    def __init__(self) -> None:
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.cell.cell import ERROR_CODES

        self.wb: Workbook = Workbook(write_only=True)
        self._cell = WriteOnlyCell
        self._error_codes = frozenset(ERROR_CODES)
        self._styles: dict[tuple[str | None, bool, bool], Any] = {}
        self.styles = _Styles()

    def cell(self, ws: Any, value: Any, column: Column | None = None, *, bold: bool = False):
        """A value for `ws.append`: numbers as numbers in the column's format, text always
        text. Plain values go in bare (openpyxl then reuses one cell object); styled cells
        copy a style built once, as openpyxl's per-cell style setters are slow."""
        if value is None:
            return None
        if isinstance(value, bool):
            value = str(value)
        fmt, wrap = None, False
        if isinstance(value, str):
            value = clean_text(value)
            wrap = column is not None and column.wrap
            inert = not (value.startswith("=") or value in self._error_codes)
            if inert and not wrap and not bold:
                return value  # openpyxl stores it as a string
        else:
            if isinstance(value, Decimal):
                value = int(value) if value == value.to_integral_value() else value
            if column is not None and column.fmt:
                fmt = column.fmt
            elif isinstance(value, dt.date):
                fmt = FMT_DATE
            if fmt is None and not bold:
                return value
        c = self._cell(ws, value=value)
        if isinstance(value, str):
            c.data_type = "s"  # never a formula or an error code, whatever the text
        c._style = copy.copy(self._style(ws, fmt, wrap, bold))
        return c

    def _style(self, ws: Any, fmt: str | None, wrap: bool, bold: bool) -> Any:
        key = (fmt, wrap, bold)
        if key not in self._styles:
            proto = self._cell(ws, value=None)
            if fmt:
                proto.number_format = fmt
            if wrap:
                proto.alignment = self.styles.wrap
            if bold:
                proto.font = self.styles.bold
            self._styles[key] = proto._style
        return self._styles[key]

    def raw_text(self, ws: Any, text: str):
        """A text cell exactly as given (the JSON carrier: already clean, never re-normalised)."""
        c = self._cell(ws, value=None)
        c.value, c.data_type = text, "s"
        return c

    def header_cell(self, ws: Any, text: str):
        s = self.styles
        c = self.raw_text(ws, clean_text(text))
        c.font, c.fill, c.alignment, c.border = (
            s.header_font,
            s.header_fill,
            s.header_align,
            s.header_border,
        )
        return c

    def table(
        self,
        name: str,
        columns: Sequence[Column],
        rows: Iterable[Sequence[Any]],
        *,
        freeze: str = "A2",
    ) -> list[Any]:
        """A sheet (continued on "<name> (2)", ... past Excel's row limit) with a styled
        header, frozen panes, an autofilter and fitted widths. Returns the sheets."""
        rows = list(rows)
        per_sheet = MAX_ROWS - 1
        chunks = [rows[i : i + per_sheet] for i in range(0, len(rows), per_sheet)] or [[]]
        sheets = []
        widths = _widths(columns, rows[:SAMPLE])
        for n, chunk in enumerate(chunks, start=1):
            ws = self.wb.create_sheet(name if n == 1 else f"{name} ({n})")
            _prepare(ws, widths, freeze)
            ws.append([self.header_cell(ws, c.header) for c in columns])
            for row in chunk:
                ws.append([self.cell(ws, v, col) for v, col in zip(row, columns, strict=True)])
            ws.auto_filter.ref = f"A1:{_letter(len(columns))}{len(chunk) + 1}"
            sheets.append(ws)
        return sheets


def _letter(n: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(n)


def _prepare(ws: Any, widths: Sequence[float], freeze: str | None) -> None:
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[_letter(i)].width = width
    if freeze:
        ws.freeze_panes = freeze


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


# -- display values -----------------------------------------------------------------------


def _field_value(value: Any, spec: FieldSpec, lang: Lang) -> Any:
    """A declared field as an officer reads it: labels for choices, Có/Không, dates."""
    if is_missing(value):
        return None
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if spec.type == "boolean":
        return _w("yes" if bool(value) else "no_", lang)
    if spec.type == "choice":
        shown = {v: label for label, v in reversed(list(spec.choice_map().items()))}
        return shown.get(value, str(value))
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date | Decimal | int | float):
        return value
    return str(value)


def _field_column(spec: FieldSpec) -> Column:
    fmt = {"percent": FMT_PERCENT, "date": FMT_DATE}.get(spec.type)
    return Column(spec.header, fmt=fmt)


def _title_names(titles: Any, rules: RuleSet) -> str:
    if not isinstance(titles, tuple | list):
        return ""
    return "; ".join(rules.titles[t].name if t in rules.titles else str(t) for t in titles)


def _opt(value: Any) -> Any:
    if is_missing(value):
        return None
    return value.item() if hasattr(value, "item") and not isinstance(value, str) else value


# -- sheets -------------------------------------------------------------------------------


def _summary(book: _Book, result: Result, lang: Lang) -> None:
    from openpyxl.chart import BarChart, Reference

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
    ws = book.wb.create_sheet(labels.pick(SHEETS["summary"], lang))
    _prepare(ws, widths, "A2")
    ws.append([book.header_cell(ws, c.header) for c in columns])
    for row in rows:
        ws.append([book.cell(ws, v, c) for v, c in zip(row, columns, strict=True)])
    ws.append([book.cell(ws, v, c, bold=True) for v, c in zip(totals, columns, strict=True)])
    ws.auto_filter.ref = f"A1:{_letter(len(columns))}{len(rows) + 1}"
    if not chart_rows:
        return
    ws.append([])
    top = len(rows) + 4  # header row of the chart's data
    ws.append([book.header_cell(ws, h) for h in [_w("chart_unit", lang), *clusters]])
    for row in chart_rows:
        ws.append([book.cell(ws, v, Column("", fmt=FMT_POINTS)) for v in row])
    bottom = top + len(chart_rows)

    chart = BarChart()
    chart.type = "bar"  # horizontal: long Vietnamese unit names stay readable
    chart.grouping = "clustered"
    chart.overlap = 100  # one bar per unit, coloured by its cluster
    chart.title = _w("chart_title", lang)
    chart.y_axis.title = _w("points", lang)
    data = Reference(ws, min_col=2, max_col=1 + len(clusters), min_row=top, max_row=bottom)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=top + 1, max_row=bottom))
    chart.x_axis.scaling.orientation = "maxMin"  # first unit at the top
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.legend.position = "b"
    chart.width = 18
    chart.height = max(7.5, 0.6 * len(chart_rows) + 3)
    ws.add_chart(chart, f"{_letter(len(columns) + 2)}2")


def _chart_rows(result: Result) -> tuple[list[list[Any]], list[str]]:
    """Units by cluster then rank: one row per unit, its points in its cluster's column."""
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
    order = sorted(
        range(len(records)),
        key=lambda i: (
            clusters.index(cluster_of[i]),
            _rank_key(records[i].get("rank")),
            str(records[i]["id"]),
        ),
    )
    rows = []
    for i in order:
        cells: list[Any] = [None] * len(clusters)
        cells[clusters.index(cluster_of[i])] = records[i]["score"]
        rows.append([str(records[i].get("name") or records[i]["id"]), *cells])
    labels_ = [c or "—" for c in clusters]
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
    records = frame.to_dict("records")
    records.sort(
        key=lambda r: (
            collation_key(str(r.get("cluster") or "")) if "cluster" in declared else (),
            _rank_key(r.get("rank")),
            str(r["id"]),
        )
    )
    rows = [
        [
            r["id"],
            _opt(r.get("name")),
            *(_field_value(r.get(k), s, lang) for k, s in declared.items()),
            *(_opt(r.get(k)) for k in pkeys),
            _opt(r.get("rank")),
            _opt(r.get("level")),
            _title_names(r.get("titles"), rules),
        ]
        for r in records
    ]
    book.table(labels.pick(SHEETS["units"], lang), columns, rows, freeze="C2")


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
    records = frame.to_dict("records")
    records.sort(
        key=lambda r: (
            str(r.get("unit") or ""),
            name_sort_key(str(r.get("name") or "")),
            str(r["id"]),
        )
    )
    rows = [
        [
            r["id"],
            _opt(r.get("name")),
            _opt(r.get("unit")),
            _opt(r.get("unit_name")),
            _opt(r.get("level")),
            *(_field_value(r.get(k), s, lang) for k, s in declared.items()),
            *(_opt(r.get(k)) for k in pkeys),
            _title_names(r.get("titles"), rules),
        ]
        for r in records
    ]
    book.table(labels.pick(SHEETS["people"], lang), columns, rows, freeze="C2")


def _subjects(result: Result) -> dict[tuple[str, str], dict[str, Any]]:
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for scope, frame in (("units", result.units), ("people", result.people)):
        cols = [c for c in ("id", "name", "cluster", "unit", "unit_name") if c in frame.columns]
        for r in frame[cols].to_dict("records"):
            out[(scope, str(r["id"]))] = r
    return out


def _basis(basis: Any, rules: RuleSet) -> str | None:
    return None if is_missing(basis) else full_basis(str(basis), rules.references)


def _nominations(book: _Book, result: Result, lang: Lang) -> None:
    rules = result.rules
    position = {tid: i for i, tid in enumerate(rules.titles)}
    subjects = _subjects(result)
    d = result.decisions
    chosen = d[d["status"].isin(["awarded", "tie"])].to_dict("records")

    def affiliation(scope: str, rec: dict[str, Any]) -> str:
        key = "cluster" if scope == "units" else "unit"
        return "" if is_missing(rec.get(key)) else str(rec.get(key))

    def order(dec: dict[str, Any]) -> tuple[Any, ...]:
        scope, title = dec["for"], rules.titles.get(dec["title"])
        rec = subjects.get((scope, str(dec["subject"])), {})
        return (
            scope != "units",
            title is None or title.kind != "title",
            position.get(dec["title"], len(position)),
            collation_key(affiliation(scope, rec)),
            # units by their name; people by given name first, the official order
            (collation_key if scope == "units" else name_sort_key)(str(rec.get("name") or "")),
            str(dec["subject"]),
        )

    chosen.sort(key=order)
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
    rows = []
    for n, dec in enumerate(chosen, start=1):
        scope = dec["for"]
        rec = subjects.get((scope, str(dec["subject"])), {})
        where = rec.get("cluster") if scope == "units" else rec.get("unit_name") or rec.get("unit")
        title = rules.titles.get(dec["title"])
        rows.append(
            [
                n,
                labels.scope(scope, lang),
                title.name if title else dec["title"],
                dec["subject"],
                _opt(rec.get("name")),
                _opt(where),
                labels.status(dec["status"], lang),
                _opt(dec.get("achievement")) or None,
                _basis(dec.get("basis"), rules),
                _opt(dec.get("money")),
            ]
        )
    book.table(labels.pick(SHEETS["nominations"], lang), columns, rows, freeze="E2")


def _explanations(book: _Book, result: Result, lang: Lang) -> None:
    rules = result.rules
    position = {tid: i for i, tid in enumerate(rules.titles)}
    subjects = _subjects(result)
    records = result.decisions.to_dict("records")
    records.sort(
        key=lambda r: (
            r["for"] != "units",
            position.get(r["title"], len(position)),
            str(r["subject"]),
        )
    )
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
    rows = []
    for dec in records:
        rec = subjects.get((dec["for"], str(dec["subject"])), {})
        title = rules.titles.get(dec["title"])
        reasons = dec.get("reasons")
        rows.append(
            [
                labels.scope(dec["for"], lang),
                dec["subject"],
                _opt(rec.get("name")),
                title.name if title else dec["title"],
                labels.status(dec["status"], lang),
                _opt(dec.get("rank")),
                _opt(dec.get("places")),
                _opt(dec.get("pool")),
                "\n".join(str(x) for x in reasons) if isinstance(reasons, tuple | list) else None,
                _basis(dec.get("basis"), rules),
                _opt(dec.get("money")),
            ]
        )
    book.table(labels.pick(SHEETS["explanations"], lang), columns, rows, freeze="D2")


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
    book.table(labels.pick(SHEETS["diagnostics"], lang), columns, rows)


def _log(book: _Book, result: Result, lang: Lang, json_sha: str, now: dt.datetime) -> None:
    import openpyxl
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
    rows += [
        [_w("json_sha", lang), None, json_sha],
        [
            _w("counts", lang),
            f"{len(result.units)} / {len(result.people)} / {len(result.diagnostics)}",
            None,
        ],
        [_w("generated", lang), now.isoformat(timespec="seconds"), None],
        [
            _w("environment", lang),
            f"Python {platform.python_version()}; pandas {pd.__version__}; "
            f"openpyxl {openpyxl.__version__}; {platform.system()}",
            None,
        ],
    ]
    columns = [
        Column(_w("item", lang)),
        Column(_w("value", lang), wrap=True, width=60),
        Column(_w("sha", lang), width=68),
    ]
    book.table(labels.pick(SHEETS["log"], lang), columns, rows)


def _carrier(book: _Book, canonical: bytes) -> None:
    ws = book.wb.create_sheet(SHEET)
    ws.sheet_state = "hidden"
    for piece in split_cells(canonical.decode("utf-8")):
        ws.append([book.raw_text(ws, piece)])


# -- entry points -------------------------------------------------------------------------


def build_workbook(
    result: Result,
    *,
    lang: Lang | None = None,
    canonical: bytes | None = None,
    now: dt.datetime | None = None,
) -> Workbook:
    """The results workbook in memory (write-only: save it once)."""
    from zoneinfo import ZoneInfo

    lang = lang or result.lang
    if canonical is None:
        canonical = dumps_canonical(result_to_document(result))
    now = now or dt.datetime.now(ZoneInfo(TIMEZONE))
    book = _Book()
    _summary(book, result, lang)
    _units(book, result, lang)
    _people(book, result, lang)
    _nominations(book, result, lang)
    _explanations(book, result, lang)
    _diagnostics(book, result, lang)
    _log(book, result, lang, sha256_hex(canonical), now)
    _carrier(book, canonical)
    return book.wb


def workbook_writer(
    result: Result,
    *,
    lang: Lang | None = None,
    canonical: bytes | None = None,
    now: dt.datetime | None = None,
) -> Callable[[BinaryIO], None]:
    """A writer for `files.stage`: builds the workbook and saves it to the given file."""

    def write(handle: BinaryIO) -> None:
        build_workbook(result, lang=lang, canonical=canonical, now=now).save(handle)

    return write


def write_results_workbook(
    result: Result,
    path: str | os.PathLike[str],
    *,
    lang: Lang | None = None,
    canonical: bytes | None = None,
    inputs: Iterable[str | os.PathLike[str]] = (),
    now: dt.datetime | None = None,
) -> None:
    """Write the results workbook atomically, never over one of the result's inputs or
    `inputs`. `canonical` (the bytes of `dumps_canonical`) saves building the JSON twice."""
    protect = [*(i.path for i in result.provenance.inputs), *inputs]
    write_atomic(
        path, workbook_writer(result, lang=lang, canonical=canonical, now=now), inputs=protect
    )
