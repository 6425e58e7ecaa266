"""The raw grid of a worksheet, read fast and without type guessing.

python-calamine gives the values (str, float, bool, date, datetime; '' for an empty cell).
What it cannot tell — Excel error cells (it returns '' for `#REF!`), formulas saved without a
cached value (also ''), hidden rows and columns — is found in the sheet's XML inside the zip.
Each of them needs a byte that plain cells hardly have (an error value starts with `#`, a
formula element holds an `f`, a hidden row or column says `hidden="`): the XML is inflated a
piece at a time and each piece is searched for them at memchr speed, so a sheet with none
costs little more than inflating and never sits whole in memory next to its grid. Only a
sheet with one of them is read whole and scanned with `bytes.find`. Workbook structure
(sheet → XML part, sheet visibility, the 1904 date system) comes from `workbook.xml` parsed
with defusedxml.
"""

from __future__ import annotations

import contextlib
import itertools
import posixpath
import re
import struct
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from defusedxml import ElementTree

from emulate.diagnostics import Catalogue, Diagnostic, Where

_NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_NS_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_CELL_REF = re.compile(rb'\br="([A-Z]{1,3})([0-9]{1,7})"')
_ATTR = re.compile(rb'\b(\w+)="([^"]*)"')
_ROOT = re.compile(rb"<(\w+:)?worksheet\b")

MESSAGES = Catalogue(
    {
        "workbook.unreadable": (
            "error",
            "Không đọc được nội dung file {file} ({reason}); hãy mở bằng Excel, lưu lại rồi "
            "gửi lại.",
            "Cannot read the contents of {file} ({reason}); open it in Excel, save it and send "
            "it again.",
        ),
    }
)

Cell = tuple[int, int]  # 0-based (row, column)
Value = str | float | int | bool | object  # calamine's values: str, float, bool, date, ...


def column_letter(col: int) -> str:
    """0-based column index → Excel letters (0 → A, 27 → AB)."""
    letters = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_index(letters: str | bytes) -> int:
    if isinstance(letters, bytes):
        letters = letters.decode("ascii")
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def cell_name(cell: Cell) -> str:
    return f"{column_letter(cell[1])}{cell[0] + 1}"


@dataclass(frozen=True, slots=True)
class SheetInfo:
    name: str
    part: str | None  # path of the sheet XML inside the zip
    hidden: bool


@dataclass
class Grid:
    """One sheet: `rows[r][c]` with r, c 0-based from A1 ('' = empty), and what values hide."""

    sheet: str
    rows: list[list[Value]]
    merged: list[tuple[Cell, Cell]] = field(default_factory=list)
    hidden_rows: frozenset[int] = frozenset()
    hidden_cols: frozenset[int] = frozenset()
    errors: dict[Cell, str] = field(default_factory=dict)  # Excel error values (#REF!, ...)
    formulas: dict[Cell, str] = field(default_factory=dict)  # formulas with no cached value

    def value(self, r: int, c: int) -> Value:
        row = self.rows[r] if r < len(self.rows) else ()
        return row[c] if c < len(row) else ""


class Workbook:
    """An open workbook: sheet names, visibility, date system; grids on demand."""

    def __init__(self, path: Path, display: str) -> None:
        from python_calamine import CalamineWorkbook

        self.path = path
        self.display = display
        self._zip = zipfile.ZipFile(path)
        self.date1904, self.sheets = _structure(self._zip)
        self._cal = CalamineWorkbook.from_path(str(path))
        # Names as calamine knows them (it decodes the same workbook.xml).
        self.sheet_names: list[str] = list(self._cal.sheet_names)
        for name in self.sheet_names:
            self.sheets.setdefault(name, SheetInfo(name, None, False))

    def close(self) -> None:
        self._zip.close()
        self._cal.close()

    def xml_size(self, name: str) -> int:
        """Bytes of the sheet's XML once inflated (0 when unknown): reading a sheet costs
        about as much as its XML is long."""
        part = self.sheets[name].part
        return self._zip.getinfo(part).file_size if part else 0

    def grid(self, name: str) -> Grid:
        """The sheet's values and what they hide. The XML is inflated a piece at a time and
        only looked at; it is read whole and parsed only when it holds one of the markers."""
        sheet = self._cal.get_sheet_by_name(name)
        merged = [((a[0], a[1]), (b[0], b[1])) for a, b in (sheet.merged_cell_ranges or ())]
        rows = sheet.to_python(skip_empty_area=False)
        del sheet  # calamine's own copy of the cells
        part = self.sheets[name].part
        found = _Found()
        if part:
            with contextlib.closing(_inflated(self._zip, part)) as pieces:
                hides = _might_hide(pieces)
            if hides:
                found = _scan_xml(self._zip.read(part))
        return Grid(
            sheet=name,
            rows=rows,
            merged=merged,
            hidden_rows=found.hidden_rows,
            hidden_cols=found.hidden_cols,
            errors=found.errors,
            formulas=found.formulas,
        )


def open_workbook(path: Path, display: str) -> tuple[Workbook | None, list[Diagnostic]]:
    """Open a sniffed xlsx/xlsm; a damaged one gives a diagnostic, never an exception."""
    try:
        return Workbook(path, display), []
    except BaseException as exc:  # calamine raises pyo3 PanicException (a BaseException)
        if isinstance(exc, (KeyboardInterrupt, SystemExit, MemoryError)):
            raise
        reason = f"{type(exc).__name__}: {exc}"[:200]
        where = Where(file=display)
        return None, [MESSAGES.make("workbook.unreadable", where, file=display, reason=reason)]


def _structure(archive: zipfile.ZipFile) -> tuple[bool, dict[str, SheetInfo]]:
    root = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    props = root.find(f"{{{_NS_MAIN}}}workbookPr")
    date1904 = props is not None and props.get("date1904", "0").lower() in ("1", "true")
    targets: dict[str, str] = {}
    try:
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except KeyError:
        rels = None
    if rels is not None:
        for rel in rels.iter(f"{{{_NS_PKG}}}Relationship"):
            target = rel.get("Target", "")
            target = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
            targets[rel.get("Id", "")] = posixpath.normpath(target)
    names = set(archive.namelist())
    sheets: dict[str, SheetInfo] = {}
    for node in root.iter(f"{{{_NS_MAIN}}}sheet"):
        name = node.get("name", "")
        part = targets.get(node.get(f"{{{_NS_REL}}}id", ""))
        hidden = node.get("state", "visible") in ("hidden", "veryHidden")
        sheets[name] = SheetInfo(name, part if part in names else None, hidden)
    return date1904, sheets


@dataclass
class _Found:
    """What a sheet's XML says that its values do not."""

    errors: dict[Cell, str] = field(default_factory=dict)
    formulas: dict[Cell, str] = field(default_factory=dict)
    hidden_rows: frozenset[int] = frozenset()
    hidden_cols: frozenset[int] = frozenset()


_CHUNK = 1 << 20  # inflated bytes looked at at a time
_OVERLAP = 64  # bytes kept from the previous piece: a marker may straddle two


def _inflated(archive: zipfile.ZipFile, part: str) -> Iterator[bytes]:
    """The part's bytes, a piece at a time. A deflated part is inflated from its raw bytes
    (its CRC is left to calamine, which has read the same part); others through zipfile."""
    info = archive.getinfo(part)
    if info.compress_type != zipfile.ZIP_DEFLATED or info.flag_bits & 0x1 or not archive.filename:
        with archive.open(info) as stream:
            yield from iter(lambda: stream.read(_CHUNK), b"")
        return
    with open(archive.filename, "rb") as raw:
        raw.seek(info.header_offset)
        head = raw.read(30)
        if len(head) < 30 or head[:4] != b"PK\x03\x04":
            raise zipfile.BadZipFile(f"bad local header for {part}")
        name_length, extra_length = struct.unpack("<HH", head[26:30])
        raw.seek(info.header_offset + 30 + name_length + extra_length)
        inflate = zlib.decompressobj(-zlib.MAX_WBITS)
        left = info.compress_size
        while left > 0:
            data = raw.read(min(left, _CHUNK // 8))
            if not data:
                raise zipfile.BadZipFile(f"{part} is truncated")
            left -= len(data)
            while data:
                yield inflate.decompress(data, _CHUNK)
                data = inflate.unconsumed_tail
        yield inflate.flush()


def _might_hide(pieces: Iterable[bytes]) -> bool:
    """Whether the XML may hold an error value ("#"), a formula element or `hidden="`:
    memchr-speed checks of each piece, nothing parsed. False means `_scan_xml` finds nothing."""
    pieces = iter(pieces)
    head = b""
    for piece in pieces:  # the root element, to know the namespace prefix of "<f"
        head += piece
        if len(head) >= 4096:
            break
    m = _ROOT.search(head, 0, 4096)
    f_open = b"<" + ((m.group(1) or b"") if m else b"") + b"f"
    if len(f_open) > _OVERLAP // 2:
        return True  # an odd prefix: let the full scan decide
    tail = b""
    for piece in itertools.chain((head,), pieces):
        seam = tail + piece[:_OVERLAP]  # a marker cut between the previous piece and this one
        for part in (piece, seam):
            if b"#" in part or b'hidden="' in part or _formula_elements(part, f_open):
                return True
        tail = piece[-_OVERLAP:] if len(piece) >= _OVERLAP else (tail + piece)[-_OVERLAP:]
    return False


def _tag_start(xml: bytes, pos: int) -> int:
    return xml.rfind(b"<", 0, pos)


def _cell_at(xml: bytes, start: int) -> Cell | None:
    end = xml.find(b">", start)
    m = _CELL_REF.search(xml, start, end)
    if not m:
        return None
    return int(m.group(2)) - 1, column_index(m.group(1))


def _scan_xml(xml: bytes) -> _Found:
    """Find error cells, formulas without cached values and hidden rows/columns."""
    m = _ROOT.search(xml, 0, 4096)
    prefix = (m.group(1) or b"") if m else b""
    cell_open = b"<" + prefix + b"c"
    found = _Found()
    # An error value always starts with "#" (#REF!, #N/A, ...; calamine refuses others), so
    # without a "#" anywhere there is no error cell to look for.
    if b"#" in xml:
        found.errors = _errors(xml, prefix, cell_open)
    found.formulas = _formulas(xml, prefix, cell_open)
    if b'hidden="' in xml:
        found.hidden_rows, found.hidden_cols = _hidden(xml, prefix)
    return found


def _errors(xml: bytes, prefix: bytes, cell_open: bytes) -> dict[Cell, str]:
    errors: dict[Cell, str] = {}
    markers = (b' t="e"', b" t='e'") if b"'" in xml else (b' t="e"',)
    for marker in markers:
        pos = xml.find(marker)
        while pos != -1:
            start = _tag_start(xml, pos)
            if xml.startswith(cell_open, start):
                cell = _cell_at(xml, start)
                v = xml.find(b"<" + prefix + b"v>", pos)
                close = xml.find(b"</" + prefix + b"c>", pos)
                if cell is not None and v != -1 and (close == -1 or v < close):
                    end = xml.find(b"<", v + 1)
                    errors[cell] = xml[v + len(prefix) + 3 : end].decode("utf-8", "replace")
            pos = xml.find(marker, pos + 1)
    return errors


_F_PROBES = 64  # "f"s looked at one by one before searching for the element itself


def _formula_elements(xml: bytes, f_open: bytes) -> list[int]:
    """Where `f_open` ("<f", "<x:f") starts an element, in order.

    Sheet data rarely holds an "f" (tags have none and Vietnamese has no letter f), so the
    first "f"s are visited with memchr; a sheet with many (English text, real formulas)
    switches to searching for `f_open` itself from the first "f" not yet visited."""
    out: list[int] = []
    back = len(f_open) - 1
    q = xml.find(b"f")
    probes = 0
    while q != -1 and probes < _F_PROBES:
        if q >= back and xml.startswith(f_open, q - back):
            out.append(q - back)
        q = xml.find(b"f", q + 1)
        probes += 1
    if q != -1:
        pos = xml.find(f_open, q - back)
        while pos != -1:
            out.append(pos)
            pos = xml.find(f_open, pos + 1)
    after = len(f_open)
    return [p for p in out if xml[p + after : p + after + 1] in (b">", b" ", b"/")]


def _formulas(xml: bytes, prefix: bytes, cell_open: bytes) -> dict[Cell, str]:
    formulas: dict[Cell, str] = {}
    for pos in _formula_elements(xml, b"<" + prefix + b"f"):
        _formula(xml, pos, prefix, cell_open, formulas)
    return formulas


def _hidden(xml: bytes, prefix: bytes) -> tuple[frozenset[int], frozenset[int]]:
    hidden_rows: set[int] = set()
    hidden_cols: set[int] = set()
    pos = xml.find(b'hidden="')
    while pos != -1:
        value = pos + 8
        if xml.startswith(b'1"', value) or xml.startswith(b'true"', value):
            start = _tag_start(xml, pos)
            tag = xml[start + 1 + len(prefix) : start + 5 + len(prefix)]
            attrs = dict(_ATTR.findall(xml[start : xml.find(b">", start)]))
            if tag.startswith(b"row") and b"r" in attrs and attrs[b"r"].isdigit():
                hidden_rows.add(int(attrs[b"r"]) - 1)
            elif tag.startswith(b"col") and attrs.get(b"min", b"").isdigit():
                lo, hi = int(attrs[b"min"]), int(attrs.get(b"max", attrs[b"min"]) or 0)
                hidden_cols.update(range(lo - 1, min(hi, lo + 1000)))
        pos = xml.find(b'hidden="', pos + 1)
    return frozenset(hidden_rows), frozenset(hidden_cols)


def _formula(xml: bytes, pos: int, prefix: bytes, cell_open: bytes, out: dict[Cell, str]) -> None:
    start = xml.rfind(cell_open, 0, pos)
    if start == -1:
        return
    cell = _cell_at(xml, start)
    if cell is None:
        return
    head_end = xml.find(b">", start)
    cell_type = dict(_ATTR.findall(xml[start:head_end])).get(b"t", b"n")
    close = xml.find(b"</" + prefix + b"c>", pos)
    body = xml[pos : close if close != -1 else pos + 4096]
    f_end = body.find(b"</" + prefix + b"f>")
    text = body[body.find(b">") + 1 : f_end] if f_end != -1 else b""
    v = body.find(b"<" + prefix + b"v>")
    if v != -1:
        v_end = body.find(b"<", v + 1)
        if v_end > v + len(prefix) + 3 or cell_type == b"str":
            return  # a cached value (an empty string result is a value)
    if not text:
        text = b"\xe2\x80\xa6"  # a shared formula: its text lives in another cell
    formula = text.decode("utf-8", "replace").replace("&amp;", "&").replace("&lt;", "<")
    out[cell] = "=" + formula.replace("&gt;", ">").replace("&quot;", '"')
