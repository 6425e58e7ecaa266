"""Big tables written straight as SpreadsheetML: the fast path of the results workbook.

xlsxwriter spends ~12 µs of Python per cell (a province's explanations are millions of
cells). Here a table's rows are rendered as `<row>`/`<c>` text column by column, each
distinct value escaped once, and spliced into the `<sheetData>` of the sheet xlsxwriter wrote
with its header, widths, styles, frozen panes and autofilter: the same cells xlsxwriter would
write (inline strings, `_xHHHH_` escaped, numbers as `%.16G`, dates as serial numbers), about
ten times faster. Everything else in the package (styles, charts, the workbook part) is
xlsxwriter's, copied as it is.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import queue
import re
import threading
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any

from xlsxwriter.utility import xl_col_to_name

ROWS_PER_CHUNK = 20_000  # rows rendered (and compressed) at a time: bounded memory

_ESCAPED = re.compile("(_x[0-9a-fA-F]{4}_)")  # literal escapes Excel would decode
_CONTROL = re.compile(r"([\x00-\x08\x0b-\x1f])")
_EPOCH = dt.datetime(1899, 12, 30)
_DIMENSION = re.compile(rb"<dimension ref=\"[^\"]*\"/>")


def escape_text(text: str) -> str:
    """A string as the text of `<t>`, as xlsxwriter escapes it: a literal `_xHHHH_` keeps its
    underscore escaped, control characters become `_xHHHH_`, `& < >` become entities."""
    if "_x" in text:
        text = _ESCAPED.sub(r"_x005F\1", text)
    if _CONTROL.search(text):
        text = _CONTROL.sub(lambda m: f"_x{ord(m.group(1)):04X}_", text)
    text = text.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def excel_serial(value: dt.date) -> float | None:
    """A date (or naive datetime) as Excel's 1900-system serial number; None before 1900."""
    if isinstance(value, dt.datetime):
        moment = value.replace(tzinfo=None)
    else:
        moment = dt.datetime(value.year, value.month, value.day)
    if moment.year < 1900:
        return None
    delta = moment - _EPOCH
    serial = delta.days + delta.seconds / 86_400 + delta.microseconds / 86_400e6
    return serial - 1 if serial < 61 else serial  # Excel's 29/02/1900 that never was


class Styled:
    """A value with a format of its own instead of its column's (an xlsxwriter `Format`)."""

    __slots__ = ("style", "value")

    def __init__(self, value: Any, style: Any) -> None:
        self.value = value
        self.style = style


def _style(xf: int | None) -> str:
    return "" if xf is None else f' s="{xf}"'


def _body(value: Any, xf: int | None) -> str | None:
    """The cell after its `r` attribute: `' s="3" t="inlineStr"><is><t>…</t></is></c>'`."""
    if value is None:
        return None
    if isinstance(value, str):
        space = ' xml:space="preserve"' if value[:1].isspace() or value[-1:].isspace() else ""
        return f'{_style(xf)} t="inlineStr"><is><t{space}>{escape_text(value)}</t></is></c>'
    if isinstance(value, bool):
        return f'{_style(xf)} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, dt.date):
        serial = excel_serial(value)
        return _body(value.isoformat() if serial is None else serial, xf)
    if hasattr(value, "item"):  # numpy scalars
        return _body(value.item(), xf)
    return f"{_style(xf)}><v>{value:.16G}</v></c>"


_NONE = object()


def distinct_map(fn: Callable[[Any], Any], values: Iterable[Any]) -> list[Any]:
    """`[fn(v) for v in values]`, calling `fn` once per distinct value (text is its own key;
    other values are keyed with their type, since 1 == 1.0 == True; unhashable ones are not
    memoised)."""
    texts: dict[str, Any] = {}
    others: dict[tuple[type, Any], Any] = {}
    out: list[Any] = []
    append = out.append
    for value in values:
        cls = value.__class__
        if cls is str:
            result = texts.get(value, _NONE)
            if result is _NONE:
                result = texts[value] = fn(value)
        else:
            key = (cls, value)
            try:
                result = others.get(key, _NONE)
                if result is _NONE:
                    result = others[key] = fn(value)
            except TypeError:  # unhashable
                result = fn(value)
        append(result)
    return out


@dataclass(frozen=True)
class Wrapped:
    """A column with a cell in every row, each cell's body `head + text + tail`: the rows'
    template holds the head and the tail, and the texts (or integers) go in as they are,
    with no string made per cell."""

    head: str
    texts: Sequence[str | int]
    tail: str

    def bodies(self) -> list[str]:
        return [f"{self.head}{text}{self.tail}" for text in self.texts]


def _bodies(
    values: Sequence[Any],
    xf: int | None,
    xf_of: Callable[[Any], int | None],
    convert: Callable[[Any], Any] | None,
) -> list[str] | Wrapped:
    """Each value's cell after its `r` attribute ("" for no cell), or the column `Wrapped`:
    `convert` (what the workbook shows for a value) and the XML worked out once per
    distinct value, or for the whole column at once when it allows (`_bulk_bodies`)."""
    bulk = _bulk_bodies(values, xf, convert) if values else []
    if bulk is not None:
        return bulk

    def body(value: Any) -> str:
        if convert is not None:
            value = convert(value)
        if value is None:
            return ""
        if value.__class__ is Styled:
            return _styled_body(value, xf_of)
        if isinstance(value, str) and value == "":  # xlsxwriter writes no cell for ""
            return ""
        return _body(value, xf) or ""

    return distinct_map(body, values)


# Text the bulk path leaves to the value-by-value one: `_xHHHH_` escapes (looked for
# separately, as "_x"), and blanks at a text's edge (xml:space) are the others.
_UNUSUAL = re.compile("[\x00-\x08\x0b-\x1f\ufffe\uffff]")
_ENTITIES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"))


def _bulk_bodies(
    values: Sequence[Any], xf: int | None, convert: Callable[[Any], Any] | None
) -> list[str] | Wrapped | None:
    """The bodies of a column of plain text or of integers (None, "": no cell), each
    distinct value's worked out in one pass over them all, without a call per value, and
    `Wrapped` when every row has a cell; None when the column needs the value-by-value path:
    other values, unusual text, or a converter that would change a value (it says so with
    `texts_as_is(texts, joined)` and `numbers_as_is()`)."""
    kinds = set(map(type, values))
    gaps = type(None) in kinds
    kinds.discard(type(None))
    if not kinds:
        return [""] * len(values)
    if kinds == {str}:
        return _text_bodies(values, xf, convert)
    if kinds == {int} and (convert is None or getattr(convert, "numbers_as_is", _never)()):
        numbers = [v for v in values if v is not None] if gaps else values
        if max(numbers) < 10**15 and min(numbers) > -(10**15):  # exact in %.16G
            head = f"{_style(xf)}><v>"
            if not gaps:
                return Wrapped(head, values, "</v></c>")
            return [f"{head}{v}</v></c>" if v is not None else "" for v in values]
    return None


def _text_bodies(
    values: Sequence[str | None], xf: int | None, convert: Callable[[Any], Any] | None
) -> list[str] | Wrapped | None:
    distinct = set(values)
    gaps = None in distinct or "" in distinct
    distinct.difference_update((None, ""))
    texts = list(distinct)
    joined = "\n".join(texts)
    if _UNUSUAL.search(joined) or "_x" in joined or _edge_blanks(texts):
        return None
    if convert is not None and not getattr(convert, "texts_as_is", _never)(texts, joined):
        return None
    shown = texts
    for char, entity in _ENTITIES:
        if char in joined:
            shown = [t.replace(char, entity) for t in shown]
    head, tail = f'{_style(xf)} t="inlineStr"><is><t>', "</t></is></c>"
    if not gaps:
        if shown is not texts:
            values = list(map(dict(zip(texts, shown, strict=True)).__getitem__, values))
        return Wrapped(head, values, tail)  # type: ignore[arg-type]  # no None among them
    bodies = {t: f"{head}{s}{tail}" for t, s in zip(texts, shown, strict=True)}
    bodies[None] = bodies[""] = ""
    return list(map(bodies.__getitem__, values))


def _never(*_: Any) -> bool:
    return False


def _edge_blanks(texts: Sequence[str]) -> bool:
    """Whether a text starts or ends with a blank (xlsxwriter adds xml:space then)."""
    edges = {t[0] for t in texts}
    edges.update(t[-1] for t in texts)
    return any(c.isspace() for c in edges)


def _styled_body(cell: Styled, xf_of: Callable[[Any], int | None]) -> str:
    xf = xf_of(cell.style)
    if cell.value is None or cell.value == "":  # a blank cell with its format, as xlsxwriter
        return _style(xf) + "/>"
    return _body(cell.value, xf) or ""


def _rows(
    columns: Sequence[list[str] | Wrapped], letters: Sequence[str], first_row: int, n: int
) -> str:
    """The `<row>` elements of the `n` rows from `first_row` on, from each column's cell
    bodies ("" for no cell) or `Wrapped` column. Each row is one `%`-template filled in,
    not a string per cell: at a province that is millions of strings fewer. A column with
    gaps gives its whole `<c>` (or nothing) to the template."""
    rows = list(map(str, range(first_row, first_row + n)))
    template = ['<row r="%s">']
    args: list[Sequence[str | int]] = [rows]
    for letter, column in zip(letters, columns, strict=True):
        if isinstance(column, Wrapped):
            head, tail = _literal(column.head), _literal(column.tail)
            template.append(f'<c r="{letter}%s"{head}%s{tail}')
            args += [rows, column.texts]
        elif "" in column:
            prefix = f'<c r="{letter}'
            template.append("%s")
            args.append(
                [f'{prefix}{row}"{body}' if body else "" for row, body in zip(rows, column)]
            )
        else:
            template.append(f'<c r="{letter}%s"%s')
            args += [rows, column]
    template.append("</row>")
    return "".join(map("".join(template).__mod__, zip(*args)))


def _literal(text: str) -> str:
    """`text` as it reads in a `%`-template."""
    return text.replace("%", "%%")


@dataclass(frozen=True)
class Lazy:
    """A table's values made a slice of rows at a time, as they are written: `fetch(start,
    stop)` gives the columns of rows start..stop. At country scale a sheet of millions of
    rows then never exists as lists of cells."""

    n_rows: int
    fetch: Callable[[int, int], Sequence[Sequence[Any]]]

    def part(self, start: int, stop: int) -> Lazy:
        """Rows start..stop of this table."""
        return Lazy(stop - start, lambda a, b: self.fetch(start + a, start + b))


@dataclass
class Table:
    """Rows of a sheet to splice: the values column by column (row `first_row` onwards,
    1-based) or a `Lazy` source of them, each column's format, and how a format gives its
    xf index (looked up when the rows are rendered, after the workbook has numbered its
    formats)."""

    columns: Sequence[Sequence[Any]] | Lazy | Callable[[], Lazy]
    styles: Sequence[Any]
    xf_of: Callable[[Any], int | None]
    first_row: int = 2
    converters: Sequence[Callable[[Any], Any] | None] | None = None  # value → what is shown

    def made(self) -> Table:
        """This table with `columns` made, when they are a function giving them: a table
        whose rows are only known late (the canonical JSON, written by another process
        meanwhile) is made when its part is reached, after the sheets before it."""
        if callable(self.columns):
            self.columns = self.columns()
        return self

    @property
    def n_rows(self) -> int:
        assert not callable(self.columns), "made() first"
        if isinstance(self.columns, Lazy):
            return self.columns.n_rows
        return len(self.columns[0]) if self.columns else 0

    def _slice(self, start: int, stop: int) -> Sequence[Sequence[Any]]:
        assert not callable(self.columns), "made() first"
        if isinstance(self.columns, Lazy):
            return self.columns.fetch(start, stop)
        return [values[start:stop] for values in self.columns]

    def chunks(self) -> Iterator[str]:
        """The `<row>` elements as text, `ROWS_PER_CHUNK` rows at a time."""
        n = self.n_rows
        converters = self.converters or [None] * len(self.styles)
        letters = [xl_col_to_name(j) for j in range(len(self.styles))]
        for start in range(0, n, ROWS_PER_CHUNK):
            stop = min(start + ROWS_PER_CHUNK, n)
            first = self.first_row + start
            bodies = [
                _bodies(values, self.xf_of(style), self.xf_of, convert)
                for values, style, convert in zip(
                    self._slice(start, stop), self.styles, converters, strict=True
                )
            ]
            yield _rows(bodies, letters, first, stop - start)

    def dimension(self) -> bytes:
        last_row = max(self.first_row + self.n_rows - 1, 1)
        return f'<dimension ref="A1:{xl_col_to_name(len(self.styles) - 1)}{last_row}"/>'.encode()


def splice(
    package: bytes | IO[bytes],
    target: IO[bytes],
    tables: dict[str, Table],
    *,
    compresslevel: int = 1,
) -> None:
    """Copy the xlsx `package` to `target`, the rows of `tables` (part name → table, e.g.
    `xl/worksheets/sheet3.xml`) inserted at the end of each part's `<sheetData>`. The rows
    are rendered here while `_Deflater` compresses and writes the previous ones."""
    with (
        zipfile.ZipFile(package) as source,
        zipfile.ZipFile(
            target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=compresslevel
        ) as out,
    ):
        deflater = _Deflater(out)
        try:
            for info in source.infolist():
                data = source.read(info)
                table = tables.get(info.filename)
                if table is None:
                    deflater.put("small", (_fresh(info, compresslevel), data))
                    continue
                table = table.made()
                head, tail = _around_rows(data, info.filename)
                deflater.put("open", _fresh(info, compresslevel))
                deflater.put("write", _DIMENSION.sub(table.dimension(), head, count=1))
                for chunk in table.chunks():
                    deflater.put("write", chunk.encode("utf-8"))
                deflater.put("write", tail)
                deflater.put("close")
        finally:
            deflater.finish()


class _Deflater:
    """Writes a zip on a thread of its own, in the order asked: zlib and the CRC let go of
    the GIL, so compressing one chunk overlaps rendering the next. A failure (a full disk)
    is raised in the asking thread at its next request."""

    def __init__(self, out: zipfile.ZipFile) -> None:
        self.out = out
        self.queue: queue.Queue[tuple[str, Any] | None] = queue.Queue(maxsize=4)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="emulate-deflate", daemon=True)
        self.thread.start()

    def put(self, op: str, arg: Any = None) -> None:
        if self.error is not None:
            raise self.error
        self.queue.put((op, arg))

    def finish(self) -> None:
        """Wait for everything asked to be written (or given up after a failure)."""
        self.queue.put(None)
        self.thread.join()
        if self.error is not None:
            raise self.error

    def _run(self) -> None:
        part = None
        try:
            while (item := self.queue.get()) is not None:
                op, arg = item
                if op == "open":
                    part = self.out.open(arg, "w", force_zip64=True)
                elif op == "write":
                    assert part is not None
                    part.write(arg)
                elif op == "close":
                    assert part is not None
                    part.close()
                    part = None
                else:
                    self.out.writestr(*arg)
        except BaseException as exc:
            self.error = exc
            while self.queue.get() is not None:  # never leave the asking thread blocked
                pass
        finally:
            if part is not None:
                with contextlib.suppress(Exception):
                    part.close()


def _fresh(info: zipfile.ZipInfo, level: int) -> zipfile.ZipInfo:
    """The entry's name and date, compressed by the target's settings."""
    fresh = zipfile.ZipInfo(info.filename, date_time=info.date_time)
    fresh.compress_type = zipfile.ZIP_DEFLATED
    fresh._compresslevel = level  # type: ignore[attr-defined]  # (`compress_level` from 3.13)
    fresh.external_attr = info.external_attr
    return fresh


def _around_rows(xml: bytes, name: str) -> tuple[bytes, bytes]:
    """The part split where the spliced rows go: before `</sheetData>` (or an empty
    `<sheetData/>` opened up)."""
    end = xml.rfind(b"</sheetData>")
    if end >= 0:
        return xml[:end], xml[end:]
    empty = xml.find(b"<sheetData/>")
    if empty < 0:
        raise ValueError(f"{name}: no <sheetData> to put rows in")
    return xml[:empty] + b"<sheetData>", b"</sheetData>" + xml[empty + len(b"<sheetData/>") :]
