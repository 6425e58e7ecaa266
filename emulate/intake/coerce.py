"""Typed values from raw cells, one explicit rule per field type (catalogue C).

Nothing is guessed silently: every failure is an error naming the cell, every normalisation
(a number stored as text, a decimal comma, a cleaned id) is a warning or a note. Normalisation
notes of one kind in one column are grouped into one diagnostic listing the cells, so that a
column of text numbers gives one line, not a thousand; errors are always one per cell.

Values follow `rules.context`: id/text/choice/level as `str`, date as `datetime.date`,
integer as `int`, number/percent as `Decimal` (percent as a fraction, `Decimal(repr(float))`
so no binary artefacts), boolean as `bool`; None when blank and optional without default.

A column is worked on whole, never a Python step per row where it can be helped: each
distinct value is converted once and numpy gives the rows their value; an id or text column
whose text `clean` would leave as it is (nearly all of them) is recognised on one join of its
cells; rows are visited one by one only when they have something to report, in row order, so
the diagnostics are those of a row-by-row reading.
"""

from __future__ import annotations

import datetime as dt
import difflib
import itertools
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from emulate.diagnostics import Catalogue, Diagnostic, Where
from emulate.intake.grid import Value
from emulate.text import clean_changed, fold, strip_diacritics

if TYPE_CHECKING:
    import numpy as np

MAX_CELLS_LISTED = 5

_INT_TEXT = re.compile(r"^[+-]?\d+$")
_INT_ZERO_FRACTION = re.compile(r"^([+-]?\d+)[.,]0+$")
_DEC_TEXT = re.compile(r"^([+-]?\d+)(?:([.,])(\d+))?$")
_BOTH_SEPARATORS = re.compile(r"^[+-]?\d{1,3}([.,]\d{3})+[.,]\d+$")
_PERCENT_TEXT = re.compile(r"^([+-]?\d+(?:[.,]\d+)?)\s*%$")
_DATE_TEXT = re.compile(r"^(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
TRUE_WORDS = frozenset({"có", "co", "x", "✓", "✔", "☑", "true", "đúng", "dung", "yes", "y", "1"})
FALSE_WORDS = frozenset({"không", "khong", "k", "false", "sai", "no", "n", "0"})
_EPOCH_1900 = dt.date(1899, 12, 30)
_EPOCH_1904 = dt.date(1904, 1, 1)

MESSAGES = Catalogue(
    {
        "cell.excel_error": (
            "error",
            "Ô {cell} (cột \u201c{header}\u201d) có lỗi Excel {value}; hãy sửa công thức hoặc "
            "nhập giá trị đúng.",
            "Cell {cell} (column \u201c{header}\u201d) holds the Excel error {value}; fix the "
            "formula or type the right value.",
        ),
        "cell.formula_no_value": (
            "error",
            "Ô {cell} (cột \u201c{header}\u201d) chứa công thức {value} nhưng chưa có giá trị "
            "tính sẵn; hãy mở file bằng Excel rồi Lưu lại (hoặc nhập giá trị thay cho công thức).",
            "Cell {cell} (column \u201c{header}\u201d) holds the formula {value} with no "
            "computed value; open the file in Excel and save it (or type the value instead).",
        ),
        "cell.required": (
            "error",
            "Ô {cell} (cột \u201c{header}\u201d) đang trống nhưng bắt buộc phải có; hãy nhập "
            "giá trị.",
            "Cell {cell} (column \u201c{header}\u201d) is empty but required; fill it in.",
        ),
        "cell.not_integer": (
            "error",
            "Ô {cell} (cột \u201c{header}\u201d) = \u201c{value}\u201d không phải số nguyên; hãy "
            "nhập số nguyên (ví dụ 2).",
            "Cell {cell} (column \u201c{header}\u201d) = \u201c{value}\u201d is not a whole "
            "number; type a whole number (e.g. 2).",
        ),
        "cell.not_number": (
            "error",
            "Ô {cell} (cột \u201c{header}\u201d) = \u201c{value}\u201d không phải số; hãy nhập "
            "số (ví dụ 8,5 hoặc 8.5).",
            "Cell {cell} (column \u201c{header}\u201d) = \u201c{value}\u201d is not a number; "
            "type a number (e.g. 8.5).",
        ),
        "cell.ambiguous_number": (
            "error",
            "Ô {cell} (cột \u201c{header}\u201d) = \u201c{value}\u201d không rõ dấu chấm/phẩy là "
            "phần thập phân hay phân cách hàng nghìn; hãy nhập lại dưới dạng số trong Excel.",
            "Cell {cell} (column \u201c{header}\u201d) = \u201c{value}\u201d: unclear whether the "
            "separator is decimal or thousands; type it as a number in Excel.",
        ),
        "cell.out_of_range": (
            "error",
            "Ô {cell} (cột \u201c{header}\u201d) = {value} nằm ngoài khoảng cho phép {low} – "
            "{high}; hãy sửa lại (điểm vượt mức tối đa không được tự cắt bớt).",
            "Cell {cell} (column \u201c{header}\u201d) = {value} is outside the allowed range "
            "{low} – {high}; correct it (points over the maximum are not capped silently).",
        ),
        "cell.bad_choice": (
            "error",
            "Ô {cell} (cột \u201c{header}\u201d) = \u201c{value}\u201d không thuộc danh sách "
            "cho phép ({allowed}); hãy chọn một giá trị trong danh sách{hint_vi}.",
            "Cell {cell} (column \u201c{header}\u201d) = \u201c{value}\u201d is not one of the "
            "allowed values ({allowed}); pick one from the list{hint_en}.",
        ),
        "cell.bad_boolean": (
            "error",
            "Ô {cell} (cột \u201c{header}\u201d) = \u201c{value}\u201d không hiểu là Có hay "
            "Không; hãy ghi \u201cCó\u201d hoặc \u201cKhông\u201d (hoặc x / để trống).",
            "Cell {cell} (column \u201c{header}\u201d) = \u201c{value}\u201d is neither yes nor "
            "no; write \u201cCó\u201d or \u201cKhông\u201d (or x / leave it blank).",
        ),
        "cell.bad_date": (
            "error",
            "Ô {cell} (cột \u201c{header}\u201d) = \u201c{value}\u201d không phải ngày hợp lệ; "
            "hãy ghi theo dạng ngày/tháng/năm (ví dụ 31/12/2025).",
            "Cell {cell} (column \u201c{header}\u201d) = \u201c{value}\u201d is not a valid date; "
            "write it as day/month/year (e.g. 31/12/2025).",
        ),
        "cell.month_first": (
            "error",
            "Ô {cell} (cột \u201c{header}\u201d) = \u201c{value}\u201d có vẻ ghi tháng/ngày/năm "
            "kiểu Mỹ; hãy ghi ngày/tháng/năm (ví dụ 31/12/2025).",
            "Cell {cell} (column \u201c{header}\u201d) = \u201c{value}\u201d looks like US "
            "month/day/year; write day/month/year (e.g. 31/12/2025).",
        ),
        "cell.wrong_type": (
            "error",
            "Ô {cell} (cột \u201c{header}\u201d) = \u201c{value}\u201d không đúng kiểu dữ liệu "
            "({expected_vi}); hãy sửa lại.",
            "Cell {cell} (column \u201c{header}\u201d) = \u201c{value}\u201d has the wrong kind "
            "of value ({expected_en}); correct it.",
        ),
        "cell.fractional_id": (
            "error",
            "Ô {cell} (cột \u201c{header}\u201d) = {value}: mã không thể là số thập phân; hãy "
            "nhập mã dưới dạng văn bản (định dạng ô Text).",
            "Cell {cell} (column \u201c{header}\u201d) = {value}: an id cannot be a fraction; "
            "type the id as text (cell format Text).",
        ),
        "note.text_number": (
            "warning",
            "Số lưu dạng văn bản ở cột \u201c{header}\u201d tại {cells_vi}: đã đọc như số.",
            "Numbers stored as text in column \u201c{header}\u201d at {cells_en}: read as numbers.",
        ),
        "note.decimal_comma": (
            "warning",
            "Dấu phẩy thập phân ở cột \u201c{header}\u201d tại {cells_vi} (ví dụ "
            "\u201c{value}\u201d): đã đọc như dấu chấm thập phân.",
            "Decimal comma in column \u201c{header}\u201d at {cells_en} (e.g. \u201c{value}\u201d):"
            " read as a decimal point.",
        ),
        "note.percent_scaled": (
            "warning",
            "Cột \u201c{header}\u201d tại {cells_vi} (ví dụ {value}) được hiểu là phần trăm "
            "({value}%); hãy kiểm tra.",
            "Column \u201c{header}\u201d at {cells_en} (e.g. {value}) read as a percentage "
            "({value}%); please check.",
        ),
        "note.id_cleaned": (
            "warning",
            "Mã ở cột \u201c{header}\u201d tại {cells_vi} có ký tự ẩn hoặc khoảng trắng thừa "
            "(ví dụ \u201c{value}\u201d): đã làm sạch; hãy sửa trong file gốc.",
            "Ids in column \u201c{header}\u201d at {cells_en} had invisible characters or extra "
            "spaces (e.g. \u201c{value}\u201d): cleaned; fix the source file.",
        ),
        "note.text_cleaned": (
            "info",
            "Văn bản ở cột \u201c{header}\u201d tại {cells_vi} đã được chuẩn hóa (Unicode dựng "
            "sẵn, ký tự ẩn, khoảng trắng thừa).",
            "Text in column \u201c{header}\u201d at {cells_en} was normalised (composed "
            "Unicode, invisible characters, extra spaces).",
        ),
        "note.number_id": (
            "info",
            "Mã ở cột \u201c{header}\u201d tại {cells_vi} là ô số: đã đọc thành văn bản (nếu mã "
            "có số 0 ở đầu, Excel đã làm mất; hãy định dạng cột là Text).",
            "Ids in column \u201c{header}\u201d at {cells_en} are number cells: read as text "
            "(leading zeros, if any, were lost by Excel; format the column as Text).",
        ),
        "note.loose_choice": (
            "warning",
            "Cột \u201c{header}\u201d tại {cells_vi}: \u201c{value}\u201d được hiểu là "
            "\u201c{label}\u201d (viết không dấu hoặc khác chữ hoa/thường).",
            "Column \u201c{header}\u201d at {cells_en}: \u201c{value}\u201d read as "
            "\u201c{label}\u201d (written without diacritics or in another case).",
        ),
        "note.date_text": (
            "warning",
            "Ngày lưu dạng văn bản hoặc số ở cột \u201c{header}\u201d tại {cells_vi}: đã đọc "
            "theo ngày/tháng/năm.",
            "Dates stored as text or numbers in column \u201c{header}\u201d at {cells_en}: read "
            "as day/month/year.",
        ),
    }
)

_EXPECTED = {
    "id": ("mã", "an id"),
    "text": ("văn bản", "text"),
    "integer": ("số nguyên", "a whole number"),
    "number": ("số", "a number"),
    "percent": ("phần trăm", "a percentage"),
    "boolean": ("Có/Không", "yes/no"),
    "date": ("ngày", "a date"),
    "choice": ("một giá trị trong danh sách", "a value from the list"),
    "level": ("mức xếp loại", "a rating level"),
}


class Bad(Exception):
    """A cell that cannot be coerced: the code and its message parameters."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


Note = tuple[str, dict[str, object]]


@dataclass(frozen=True)
class ColumnType:
    """How one column is coerced: a field type plus what the rule set says about it."""

    type: str  # FieldSpec type, or "points" for points items / bonus / penalty
    header: str
    required: bool = False
    default: Any = None
    low: Decimal | None = None
    high: Decimal | None = None
    choices: tuple[tuple[str, str], ...] = ()  # (label, stored value); levels: (label, code)
    date1904: bool = False


def _text_of(v: Value) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, dt.datetime):
        return v.strftime("%d/%m/%Y %H:%M") if v.time() != dt.time() else v.strftime("%d/%m/%Y")
    if isinstance(v, dt.date):
        return v.strftime("%d/%m/%Y")
    return str(v)


def _decimal_of_float(v: float) -> Decimal:
    if v != v or v in (float("inf"), float("-inf")):
        raise Bad("cell.not_number", value=str(v))
    return Decimal(int(v)) if v.is_integer() else Decimal(repr(v))


def _number(v: Value, col: ColumnType, notes: list[Note]) -> Decimal:
    if isinstance(v, bool):
        raise Bad("cell.wrong_type", value=_text_of(v))
    if isinstance(v, int | float):
        return _decimal_of_float(float(v)) if isinstance(v, float) else Decimal(v)
    if isinstance(v, dt.date | dt.time | dt.timedelta):
        raise Bad("cell.wrong_type", value=_text_of(v))
    text, _ = clean_changed(str(v))
    text = text.replace(" ", "")
    m = _DEC_TEXT.match(text)
    if not m:
        if _BOTH_SEPARATORS.match(text):
            raise Bad("cell.ambiguous_number", value=text)
        raise Bad("cell.not_number", value=text)
    whole, sep, frac = m.groups()
    if sep and len(frac) == 3 and (col.high is None or col.high >= 1000):
        raise Bad("cell.ambiguous_number", value=text)
    if sep == ",":
        notes.append(("note.decimal_comma", {"value": text}))
    else:
        notes.append(("note.text_number", {}))
    return Decimal(f"{whole}.{frac}" if sep else whole)


def _integer(v: Value, col: ColumnType, notes: list[Note]) -> int:
    if isinstance(v, float):
        if v.is_integer():
            return int(v)
        raise Bad("cell.not_integer", value=repr(v))
    if isinstance(v, bool) or not isinstance(v, str | int):
        raise Bad("cell.not_integer", value=_text_of(v))
    if isinstance(v, int):
        return v
    text = clean_changed(v)[0].replace(" ", "")
    m = _INT_ZERO_FRACTION.match(text)
    if _INT_TEXT.match(text) or m:
        notes.append(("note.text_number", {}))
        return int(m.group(1) if m else text)
    raise Bad("cell.not_integer", value=text)


def _percent(v: Value, col: ColumnType, notes: list[Note]) -> Decimal:
    if isinstance(v, str):
        m = _PERCENT_TEXT.match(clean_changed(v)[0].replace(" ", ""))
        if m:
            notes.append(("note.text_number", {}))
            return Decimal(m.group(1).replace(",", ".")) / 100
    value = _number(v, col, notes)
    if Decimal(1) < value <= Decimal(100):
        notes.append(("note.percent_scaled", {"value": str(value)}))
        return value / 100
    return value


def _id(v: Value, col: ColumnType, notes: list[Note]) -> str:
    if isinstance(v, float):
        if not v.is_integer():
            raise Bad("cell.fractional_id", value=repr(v))
        notes.append(("note.number_id", {}))
        return str(int(v))
    if isinstance(v, int) and not isinstance(v, bool):
        notes.append(("note.number_id", {}))
        return str(v)
    if not isinstance(v, str):
        raise Bad("cell.wrong_type", value=_text_of(v))
    text, changed = clean_changed(v)
    if changed:
        notes.append(("note.id_cleaned", {"value": v.strip() or text}))
    return text


def _text(v: Value, col: ColumnType, notes: list[Note]) -> str:
    if not isinstance(v, str):
        return _text_of(v)
    text, changed = clean_changed(v)
    if changed:
        notes.append(("note.text_cleaned", {}))
    return text


def _boolean(v: Value, col: ColumnType, notes: list[Note]) -> bool:
    if isinstance(v, bool):
        return v
    if isinstance(v, float) and v in (0.0, 1.0):
        return v == 1.0
    word = fold(_text_of(v))
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise Bad("cell.bad_boolean", value=_text_of(v))


def _date(v: Value, col: ColumnType, notes: list[Note]) -> dt.date:
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    if isinstance(v, float) and v.is_integer() and 1 <= v <= 2_958_465:
        notes.append(("note.date_text", {}))
        epoch = _EPOCH_1904 if col.date1904 else _EPOCH_1900
        return epoch + dt.timedelta(days=int(v))
    text = clean_changed(_text_of(v))[0]
    m = _DATE_TEXT.match(text)
    if m:
        day, month, year = (int(g) for g in m.groups())
        if month > 12 and day <= 12:
            raise Bad("cell.month_first", value=text)
    else:
        iso = _ISO_DATE.match(text)
        if not iso:
            raise Bad("cell.bad_date", value=text)
        year, month, day = (int(g) for g in iso.groups())
    try:
        result = dt.date(year, month, day)
    except ValueError:
        raise Bad("cell.bad_date", value=text) from None
    notes.append(("note.date_text", {}))
    return result


def _choice(v: Value, col: ColumnType, notes: list[Note]) -> str:
    text = clean_changed(_text_of(v))[0]
    folded = fold(text)
    for label, value in col.choices:
        if folded in (fold(label), fold(value)):
            return value
    bare = strip_diacritics(folded)
    for label, value in col.choices:
        if bare in (strip_diacritics(fold(label)), strip_diacritics(fold(value))):
            notes.append(("note.loose_choice", {"value": text, "label": label}))
            return value
    # Levels are listed by code (the template's dropdown), choices by label.
    index = 1 if col.type == "level" else 0
    labels = list(dict.fromkeys(pair[index] for pair in col.choices))
    names = {fold(x): pair[index] for pair in col.choices for x in pair[: index + 1]}
    near = difflib.get_close_matches(folded, list(names), n=1, cutoff=0.5)
    hint_vi = f" (có phải \u201c{names[near[0]]}\u201d?)" if near else ""
    hint_en = f" (did you mean \u201c{names[near[0]]}\u201d?)" if near else ""
    raise Bad(
        "cell.bad_choice", value=text, allowed=", ".join(labels), hint_vi=hint_vi, hint_en=hint_en
    )


_COERCERS: dict[str, Callable[[Value, ColumnType, list[Note]], Any]] = {
    "id": _id,
    "text": _text,
    "integer": _integer,
    "number": _number,
    "points": _number,
    "percent": _percent,
    "boolean": _boolean,
    "date": _date,
    "choice": _choice,
    "level": _choice,
}


def default_value(col: ColumnType) -> Any:
    """The column's default as a typed value (defaults in rule sets are already typed,
    except choice/level labels)."""
    d = col.default
    if d is None:
        return None
    if col.type in ("choice", "level"):
        return _choice(d, col, [])
    if col.type in ("number", "points", "percent") and not isinstance(d, Decimal):
        return Decimal(str(d))
    return d


def _in_range(value: Any, col: ColumnType) -> None:
    if (col.low is not None and value < col.low) or (col.high is not None and value > col.high):
        low = "" if col.low is None else _show(col.low)
        high = "" if col.high is None else _show(col.high)
        raise Bad("cell.out_of_range", value=_show(value), low=low, high=high)


def _show(d: Any) -> str:
    if isinstance(d, Decimal):
        text = format(d.normalize(), "f")
        return text
    return str(d)


_BLANK = (None, None)  # memo entry of a blank cell
# Cell value types that can be equal across types (1 == 1.0 == True): such columns are
# memoised per type, any other column with one memo for all its values.
_NUMBERS = frozenset({int, float, bool, Decimal})


def _convert(
    v: Value, fn: Callable[[Value, ColumnType, list[Note]], Any], col: ColumnType, checked: bool
) -> tuple[Any, list[Note] | Bad | None]:
    """One distinct raw value, converted once per column (memoised by the caller)."""
    if v == "" or v is None or (isinstance(v, str) and not clean_changed(v)[0]):
        return _BLANK
    notes: list[Note] = []
    try:
        value = fn(v, col, notes)
        if checked:
            _in_range(value, col)
    except Bad as bad:
        return None, bad
    return value, notes


SEP = "\x00"  # joins a column's text cells: no cell holds it once `clean` has seen it
# A superset of what `clean` removes or turns into a space (controls, NBSP-like spaces,
# invisible characters, every Unicode space) but the separator: joined text without them,
# without a space at an end, next to another or next to a separator, and in NFC, is text
# that `clean` leaves as it is, cell by cell.
_TOUCHY = re.compile(
    "[\x01-\x1f\x7f-\xa0\xad\u115f\u1160\u1680\u180e\u2000-\u200f\u2028-\u202f"
    "\u205f-\u206f\u3000\u3164\ufe00-\ufe0f\ufeff\uffa0]"
)
_SAMPLE = 1000  # first cells of a column that tell whether its values repeat


@dataclass
class Coerced:
    """A coerced column: its values, its problems, and its text cells (each distinct one at
    least once) joined by `SEP`, for the legacy-encoding check."""

    values: Sequence[Any]
    diagnostics: list[Diagnostic]
    texts: str


_PRINTABLE_ASCII = bytes(range(0x20, 0x7F))


def unchanged_by_clean(joined: str, count: int) -> bool:
    """Whether `clean` leaves each of the `count` texts joined by `SEP` as it is."""
    if joined.count(SEP) != count - 1:
        return False
    if joined.isascii():  # the common case: no control character but the separators?
        rest = joined.encode("ascii").translate(None, _PRINTABLE_ASCII)
        if len(rest) != count - 1:
            return False
    elif _TOUCHY.search(joined) or not unicodedata.is_normalized("NFC", joined):
        return False
    return not (
        "  " in joined
        or joined.startswith(" ")
        or joined.endswith(" ")
        or " " + SEP in joined
        or SEP + " " in joined
    )


def _texts_of(values: Sequence[Value]) -> str:
    return SEP.join(filter(str.__instancecheck__, values))


def _as_is_column(values: Sequence[Value]) -> Coerced | None:
    """An id or text column of text that `clean` leaves as it is, with no blank: each value
    is itself, decided for the whole column on one join (of the runs' values when values
    repeat the one above them). None otherwise."""
    if not values:
        return None
    runs = _runs(values)
    shown: Sequence[Value] = values if runs is None else runs[0][runs[1]].tolist()
    try:
        joined = SEP.join(shown)  # type: ignore[arg-type]
    except TypeError:  # a number, a date: not all text
        return None
    if (
        not joined
        or SEP + SEP in joined
        or joined.startswith(SEP)
        or joined.endswith(SEP)
        or not unchanged_by_clean(joined, len(shown))
    ):
        return None
    import numpy as np

    if runs is None:
        sample = values[:_SAMPLE]
        found = distinct_codes(values) if len(set(sample)) < len(sample) else None
        if found is None:  # no value seen twice: no sharing to gain
            return Coerced(joined.split(SEP), [], joined)  # copies, see `_fresh`
        codes, distinct = found
        table = np.empty(len(distinct), dtype=object)
        table[:] = distinct
        _fresh(table)
        return Coerced(table[codes], [], joined)
    array, starts = runs
    firsts = np.empty(len(starts), dtype=object)
    firsts[:] = joined.split(SEP)  # copies, see `_fresh`
    lengths = np.diff(np.append(starts, len(array)))
    return Coerced(firsts[np.repeat(np.arange(len(starts)), lengths)], [], joined)


def _fresh(values: np.ndarray) -> None:
    """Replace, in place, the text and dates among `values` by copies made now.

    A value kept from the grid keeps the allocator's block it sits in alive, and blocks are
    given back to the system only when empty: a few thousand values kept from a sheet of
    millions of cells would hold on to most of its memory after the sheet is gone. Copies
    made now lie together, and the grid's memory goes back when the sheet is done."""
    texts = [i for i, v in enumerate(values.tolist()) if v.__class__ is str]
    if texts:
        copies = SEP.join(values[texts].tolist()).split(SEP)
        if len(copies) == len(texts):  # else a text holds the separator: leave them
            values[texts] = copies
    for i, v in enumerate(values.tolist()):
        if v.__class__ is dt.date or v.__class__ is dt.datetime:
            values[i] = v.replace()


def _runs(values: Sequence[Value]) -> tuple[np.ndarray, np.ndarray] | None:
    """The values as an object array and where each run of equal values starts, when the
    values mostly repeat the one above them (history: five rows per person); else None.
    Taking each run's first object for the whole run keeps one object per person."""
    import numpy as np

    sample = values[:_SAMPLE]
    if sum(1 for a, b in itertools.pairwise(sample) if a != b) * 2 >= len(sample):
        return None
    array = np.fromiter(values, dtype=object, count=len(values))
    starts = np.flatnonzero(np.concatenate(([True], array[1:] != array[:-1])))
    return array, starts


def distinct_codes(values: Sequence[Value]) -> tuple[np.ndarray, list[Value]] | None:
    """Each value's position among the distinct values, and those values in order of first
    appearance: one dict lookup per value (a missing key takes the next number). None when
    a value cannot be hashed."""
    import numpy as np

    seen: defaultdict[Value, int] = defaultdict(itertools.count().__next__)
    try:
        codes = np.fromiter(map(seen.__getitem__, values), dtype=np.intp, count=len(values))
    except TypeError:  # an unhashable value
        return None
    return codes, list(seen)


_NO_NOTES: list[Note] = []  # shared, never appended to
Entry = tuple[Any, "list[Note] | Bad | None"]


def _as_is(distinct: list[Value]) -> list[Entry] | None:
    """The entries of an id or text column whose text `clean` leaves as it is (every value is
    itself, with no note; '' is blank); None when some value would change (then each value
    is converted on its own)."""
    texts = [v for v in distinct if v]
    if not unchanged_by_clean(SEP.join(texts), len(texts)):  # type: ignore[arg-type]
        return None
    return [(v, _NO_NOTES) if v else _BLANK for v in distinct]


def coerce_column(
    values: Sequence[Value],
    rows: Sequence[int],
    col: ColumnType,
    *,
    letter: str,
    file: str,
    sheet: str,
    errors: dict[int, str],
    formulas: dict[int, str],
) -> Coerced:
    """Coerce one column: `values` are the cells of the data rows `rows` (0-based); `errors`
    and `formulas` map rows to Excel error values and formulas without a cached value.

    Each distinct value is converted once; a row is looked at on its own only when its cell
    has something to report (an error, a note, a blank in a required column)."""
    if col.type in ("id", "text") and not errors and not formulas:
        as_is = _as_is_column(values)
        if as_is is not None:
            return as_is
    at = _Cells(col, default_value(col), letter, file, sheet, errors, formulas)
    fn = _COERCERS[col.type]
    found = distinct_codes(values)
    if found is None:
        return _by_type(values, rows, fn, at)
    codes, distinct = found
    classes = set(map(type, distinct))
    # A value equal to a key of another type (1.0 == True) shares its key: when a key is a
    # number, the types of all values decide.
    if classes & _NUMBERS and len(set(map(type, values)) & _NUMBERS) > 1:
        return _by_type(values, rows, fn, at)
    entries = _as_is(distinct) if classes == {str} and col.type in ("id", "text") else None
    if entries is None:
        entries = [_convert(v, fn, col, at.checked) for v in distinct]
    return _from_entries(codes, entries, rows, at, distinct)


@dataclass(frozen=True, slots=True)
class _Cells:
    """The column being coerced: its type, what a blank cell gives, and where its cells are,
    with the rows holding an Excel error value or a formula without a cached value."""

    col: ColumnType
    default: Any
    letter: str
    file: str
    sheet: str
    errors: dict[int, str]
    formulas: dict[int, str]

    @property
    def checked(self) -> bool:
        """Whether values are checked against the column's range."""
        return self.col.type in ("integer", "number", "points", "percent")

    def special(self, r: int) -> bool:
        """Whether row r holds an error value or a formula without a value."""
        return r in self.errors or r in self.formulas

    def cell(self, r: int) -> str:
        return f"{self.letter}{r + 1}"

    def where(self, cell: str) -> Where:
        return Where(file=self.file, sheet=self.sheet, cell=cell)


def _from_entries(
    codes: np.ndarray,
    entries: list[Entry],
    rows: Sequence[int],
    at: _Cells,
    distinct: list[Value],
) -> Coerced:
    """The column from its distinct values' entries: numpy gives each row its value; rows
    with something to report (an entry with a problem or a note, an error cell, a formula
    without value) are then visited in row order, as a loop over all rows would."""
    import numpy as np

    table = np.empty(len(entries), dtype=object)
    plain = np.zeros(len(entries), dtype=bool)
    blank_ok = at.default is not None or not at.col.required
    for i, (value, result) in enumerate(entries):
        if result is None:  # blank
            table[i], plain[i] = at.default, blank_ok
        elif result.__class__ is Bad:
            table[i] = None
        else:
            table[i], plain[i] = value, not result
    _fresh(table)
    out = table[codes]
    texts = _texts_of(distinct)
    attention = np.flatnonzero(~plain[codes]).tolist()
    if at.errors or at.formulas:
        special = {i for i, r in enumerate(rows) if at.special(r)}
        attention = sorted(special.union(attention))
    else:
        special = set()
    if not attention:
        return Coerced(out, [], texts)
    diags: list[Diagnostic] = []
    grouped: dict[str, list[tuple[str, dict[str, object]]]] = {}
    for i in attention:
        r = rows[i]
        if i in special:
            diags.append(_special(r, at))
            out[i] = None
        else:
            _report(r, entries[codes[i]], at, diags, grouped)
    diags.extend(_grouped(grouped, at))
    return Coerced(out, diags, texts)


def _by_type(
    values: Sequence[Value],
    rows: Sequence[int],
    fn: Callable[[Value, ColumnType, list[Note]], Any],
    at: _Cells,
) -> Coerced:
    """`coerce_column` with a memo per value type (1 == 1.0 == True must not share one)."""
    memos: dict[type, dict[Value, tuple[Any, list[Note] | Bad | None]]] = {}
    out: list[Any] = []
    diags: list[Diagnostic] = []
    grouped: dict[str, list[tuple[str, dict[str, object]]]] = {}
    special = bool(at.errors or at.formulas)
    for r, v in zip(rows, values, strict=True):
        if special and at.special(r):
            diags.append(_special(r, at))
            out.append(None)
            continue
        memo = memos.get(v.__class__)
        if memo is None:
            memo = memos[v.__class__] = {}
        hit = memo.get(v)
        if hit is None:
            hit = memo[v] = _convert(v, fn, at.col, at.checked)
        out.append(_report(r, hit, at, diags, grouped))
    diags.extend(_grouped(grouped, at))
    return Coerced(out, diags, _texts_of(values))


def _special(r: int, at: _Cells) -> Diagnostic:
    """An Excel error cell or a formula without a cached value."""
    code = "cell.excel_error" if r in at.errors else "cell.formula_no_value"
    value = at.errors.get(r) or at.formulas.get(r)
    cell = at.cell(r)
    return MESSAGES.make(code, at.where(cell), cell=cell, header=at.col.header, value=value)


def _report(
    r: int,
    hit: tuple[Any, list[Note] | Bad | None],
    at: _Cells,
    diags: list[Diagnostic],
    grouped: dict[str, list[tuple[str, dict[str, object]]]],
) -> Any:
    """The value of row r from its memo entry; its errors to `diags`, its notes to `grouped`."""
    value, result = hit
    col = at.col
    if result is None:  # blank
        if at.default is None and col.required:
            cell = at.cell(r)
            diags.append(
                MESSAGES.make("cell.required", at.where(cell), cell=cell, header=col.header)
            )
        return at.default
    if result.__class__ is Bad:
        cell = at.cell(r)
        bad: Bad = result  # type: ignore[assignment]
        diags.append(
            MESSAGES.make(
                bad.code, at.where(cell), cell=cell, header=col.header, **_expected(col, bad)
            )
        )
        return None
    if result:
        for code, params in result:  # type: ignore[union-attr]
            grouped.setdefault(code, []).append((at.cell(r), params))
    return value


def _grouped(
    grouped: dict[str, list[tuple[str, dict[str, object]]]], at: _Cells
) -> list[Diagnostic]:
    """One diagnostic per kind of note, listing its cells."""
    diags = []
    for code, hits in grouped.items():
        cells = [c for c, _ in hits]
        diags.append(
            MESSAGES.make(
                code,
                at.where(cells[0]),
                header=at.col.header,
                cells_vi=_cells(cells, "vi"),
                cells_en=_cells(cells, "en"),
                **hits[0][1],
            )
        )
    return diags


def _expected(col: ColumnType, bad: Bad) -> dict[str, object]:
    params = dict(bad.params)
    if bad.code == "cell.wrong_type":
        params["expected_vi"], params["expected_en"] = _EXPECTED[
            col.type if col.type != "points" else "number"
        ]
    return params


def _cells(cells: list[str], lang: str) -> str:
    shown = ", ".join(cells[:MAX_CELLS_LISTED])
    rest = len(cells) - MAX_CELLS_LISTED
    if rest <= 0:
        return shown
    return f"{shown} và {rest} ô khác" if lang == "vi" else f"{shown} and {rest} more"
