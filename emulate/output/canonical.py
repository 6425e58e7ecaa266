"""The canonical result JSON streamed: the bytes of `dumps_canonical(result_to_document(r))`
without ever holding them, nor a dict per record.

At a province the document is ~300 MB (one entry per (subject, title), people × titles of
them) and a dict per record costs more than its text; at country scale it is gigabytes. So
the lists that grow with the subjects (`units`, `people`, `decisions`, `diagnostics`) are
written as text a slice of rows at a time: the record layout shared with `result_to_document`
becomes one text before each value; a column's distinct values in the slice are encoded once,
with that text; the rows are then gathered from them by numpy and joined. The small rest of the
document goes through `dumps_canonical`. One pass feeds the `--json` file, the SHA-256 and the
compressed copy the results workbook carries in its hidden sheet.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import io
import json
import unicodedata
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, BinaryIO

from emulate.output.resultjson import (
    CHUNK,
    Column,
    Layout,
    decision_layout,
    decision_order,
    distinct_values,
    document_head,
    dumps_canonical,
    encode_at,
    sorted_diagnostics,
    subject_layout,
    subject_order,
    to_json_value,
)

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from emulate.engine.result import Result
    from emulate.rules.model import Scope

SLICE = 50_000  # records encoded at a time
RECORD_LEVEL = 2  # how deep each record sits: document → its list → the record
_escape = json.encoder.encode_basestring  # type: ignore[attr-defined]
_nfc = functools.partial(unicodedata.normalize, "NFC")


@dataclass(frozen=True)
class Canonical:
    """What the outputs keep of the canonical JSON: its SHA-256 and its zlib-compressed
    bytes, which the hidden sheet carries in base64 cells of `CHUNK` characters."""

    sha256: str
    packed: bytes

    @classmethod
    def of(cls, data: bytes) -> Canonical:
        """From the whole bytes (small results, tests)."""
        sink = _Sink(None)
        sink.write(data)
        return sink.close()

    @property
    def n_cells(self) -> int:
        return -(-len(self.packed) // _CELL_BYTES)

    def cell(self, i: int) -> str:
        """The `i`-th cell: base64 of its own `CHUNK` * 3/4 bytes, so the cells joined are
        the base64 of the whole; made when the sheet is written (at country scale the cells
        together are hundreds of MB)."""
        return base64.b64encode(self.packed[i * _CELL_BYTES : (i + 1) * _CELL_BYTES]).decode()

    @property
    def carrier(self) -> tuple[str, ...]:
        """Every cell (small results, tests)."""
        return tuple(self.cell(i) for i in range(self.n_cells))


_CELL_BYTES = CHUNK // 4 * 3  # base64 turns 3 bytes into 4 characters


def canonical_chunks(result: Result) -> Iterator[bytes]:
    """The canonical bytes of `result`, piece by piece."""
    streamed: dict[str, Callable[[], Iterator[bytes]]] = {  # in the document's (key) order
        "decisions": lambda: decisions_text(result),
        "diagnostics": lambda: diagnostics_text(result),
        "people": lambda: subjects_text(result, "people"),
        "units": lambda: subjects_text(result, "units"),
    }
    rest = dumps_canonical(document_head(result)).decode("utf-8")
    for key, pieces in streamed.items():
        # Only a key of the document itself follows a new line and one space: inside a
        # string a new line is escaped, and everything nested is indented further.
        head, rest = rest.split(f"\n {_escape(key)}: []", 1)
        yield f"{head}\n {_escape(key)}: ".encode()
        yield from pieces()
    yield rest.encode("utf-8")


def write_canonical(result: Result, handle: BinaryIO | None = None) -> Canonical:
    """Stream the canonical bytes into `handle` (None: nowhere) and return their SHA-256 and
    the hidden sheet's cells."""
    sink = _Sink(handle)
    for chunk in canonical_chunks(result):
        sink.write(chunk)
    return sink.close()


class _Sink:
    """Hash, compress and (optionally) write the bytes passing through."""

    def __init__(self, handle: BinaryIO | None) -> None:
        self.handle = handle
        self.hash = hashlib.sha256()
        self.zip = zlib.compressobj(3)  # 300 MB in 0.7 s, 35× smaller
        self.packed: list[bytes] = []

    def write(self, data: bytes) -> None:
        self.hash.update(data)
        self.packed.append(self.zip.compress(data))
        if self.handle is not None:
            self.handle.write(data)

    def close(self) -> Canonical:
        self.packed.append(self.zip.flush())
        packed = b"".join(self.packed)
        self.packed.clear()
        return Canonical(self.hash.hexdigest(), packed)


# -- the lists as text --------------------------------------------------------------------


def subjects_text(result: Result, scope: Scope) -> Iterator[bytes]:
    """The `units` or `people` list as `dumps_canonical(result_to_document(...))` writes it."""
    frame: pd.DataFrame = getattr(result, scope)
    layout = subject_layout(frame, result.rules, scope)
    return records_text(frame, layout, subject_order(frame, layout))


def decisions_text(result: Result) -> Iterator[bytes]:
    """The `decisions` list as `dumps_canonical(result_to_document(...))` writes it."""
    frame = result.decisions
    layout = decision_layout(frame)
    return records_text(frame, layout, decision_order(frame, result.rules, layout))


def diagnostics_text(result: Result) -> Iterator[bytes]:
    """The `diagnostics` list as `dumps_canonical(result_to_document(...))` writes it: a
    slice of records at a time through `encode_at`."""
    diagnostics = sorted_diagnostics(result.diagnostics)
    if not diagnostics:
        yield b"[]"
        return
    for start in range(0, len(diagnostics), SLICE):
        records = [d.as_dict(result.lang) for d in diagnostics[start : start + SLICE]]
        text = encode_at(records, RECORD_LEVEL - 1)
        items = text[1 : -len(_closing(RECORD_LEVEL - 1))]  # '\n  {…},\n  {…}'
        yield (("[" if start == 0 else ",") + items).encode()
    yield _closing(RECORD_LEVEL - 1).encode()


def _closing(level: int) -> str:
    return "\n" + " " * level + "]"


def records_text(frame: pd.DataFrame, layout: Layout, order: np.ndarray) -> Iterator[bytes]:
    """The records of the rows `order` lists, as the list `dumps_canonical` writes at
    `RECORD_LEVEL`: a slice of `SLICE` rows at a time."""
    if not len(order):
        yield b"[]"
        return
    # Every record starts with ',' + new line; the list's first drops the comma.
    befores, after = _texts_around(_layout_tokens(layout, RECORD_LEVEL), ",\n" + " " * RECORD_LEVEL)
    for start in range(0, len(order), SLICE):
        pieces = _slice_pieces(frame, order[start : start + SLICE], befores, after)
        # BytesIO.writelines: far fewer instructions per piece than bytes.join
        body = io.BytesIO()
        if start == 0:
            body.write(b"[" + pieces[0][1:])
            pieces = pieces[1:]
        body.writelines(pieces)
        yield body.getvalue()
    yield _closing(RECORD_LEVEL - 1).encode()


_Cell = tuple["np.ndarray", list[bytes]]  # each row's code (-1: the last text) and the texts


def _slice_pieces(
    frame: pd.DataFrame, rows: np.ndarray, befores: list[tuple[str, Column, int]], after: str
) -> list[bytes]:
    """The records of `rows` as UTF-8 pieces, row by row."""
    import numpy as np

    if not befores:  # records with no column at all: the same text each
        return [after.encode()] * len(rows)
    last = len(befores) - 1
    picked = _picked(rows)
    cells = [
        _cell(frame, picked, column, level, before, after if j == last else "")
        for j, (before, column, level) in enumerate(befores)
    ]
    cells = _merged(cells, len(rows))
    grid = np.empty((len(rows), len(cells)), dtype=object)
    for j, (codes, texts) in enumerate(cells):
        table = np.empty(len(texts), dtype=object)
        table[:] = texts
        grid[:, j] = table[codes]
    return grid.ravel().tolist()


def _picked(rows: np.ndarray) -> np.ndarray | slice:
    """`rows`, as a slice when they follow each other (the frame is already in order): then
    the columns are read in place, not copied object by object."""
    import numpy as np

    if rows[-1] - rows[0] == len(rows) - 1 and bool((np.diff(rows) == 1).all()):
        return slice(int(rows[0]), int(rows[-1]) + 1)
    return rows


def _cell(
    frame: pd.DataFrame,
    rows: np.ndarray | slice,
    column: Column,
    level: int,
    before: str,
    after: str,
) -> _Cell:
    """`before` + the value's text + `after`, UTF-8, of each distinct value of the column
    among `rows` (the last: a missing value), and each row's code."""
    codes, distinct = distinct_values(frame.iloc[rows, column.position])
    texts = _value_texts(distinct, column, level)
    texts.append(_json_text(column.convert(None), level))  # code -1: missing
    return codes, _utf8_each(texts, before, after)


def _merged(cells: list[_Cell], rows: int) -> list[_Cell]:
    """Neighbouring cells made one wherever their texts together stay few (at most an eighth
    of the rows): fewer, longer pieces for numpy to gather and the buffer to copy per row."""
    import pandas as pd

    limit = max(rows // 8, 1)
    out = [cells[0]]
    for codes, texts in cells[1:]:
        last_codes, last_texts = out[-1]
        width = len(texts)
        if len(last_texts) <= limit and width <= limit:
            both = (last_codes % len(last_texts)) * width + codes % width  # -1: the last
            pair_codes, pairs = pd.factorize(both)
            if len(pairs) <= limit:
                joined = [last_texts[p // width] + texts[p % width] for p in pairs.tolist()]
                out[-1] = (pair_codes, joined)
                continue
        out.append((codes, texts))
    return out


_Token = str | tuple[Column, int]  # text, or a column's value at that level


def _layout_tokens(layout: Layout, level: int) -> list[_Token]:
    """A record `level` deep as text and the values of its columns, in order; a column that
    is absent from the frame is a text like the rest (its one value)."""
    if not layout:
        return ["{}"]
    inner = "\n" + " " * (level + 1)
    tokens: list[_Token] = []
    for i, key in enumerate(sorted(layout)):
        tokens.append(("{" if i == 0 else ",") + f"{inner}{_escape(key)}: ")
        spec = layout[key]
        if not isinstance(spec, Column):
            tokens += _layout_tokens(spec, level + 1)
        elif spec.position is None:
            tokens.append(_json_text(spec.convert(None), level + 1))
        else:
            tokens.append((spec, level + 1))
    tokens.append("\n" + " " * level + "}")
    return tokens


def _texts_around(tokens: list[_Token], lead: str) -> tuple[list[tuple[str, Column, int]], str]:
    """The text before each column's value (after `lead`), with the column and its level;
    and the text after the last."""
    befores: list[tuple[str, Column, int]] = []
    text = lead
    for token in tokens:
        if isinstance(token, str):
            text += token
        else:
            befores.append((text, *token))
            text = ""
    return befores, text


def _value_texts(values: list[Any], column: Column, level: int) -> list[str]:
    """The JSON text of each value of `column`, `level` deep."""
    if column.convert is to_json_value and set(map(type, values)) <= {str}:
        return list(map(_escape, map(_nfc, values)))  # text: C functions only
    return [_json_text(column.convert(v), level) for v in values]


def _utf8_each(texts: list[str], before: str, after: str) -> list[bytes]:
    """`(before + text + after).encode()` of each text, in a few passes of C over them all: a
    NUL can separate them, as no JSON text holds one unescaped."""
    joined = "\x00".join(texts).replace("\x00", f"{after}\x00{before}")
    return f"{before}{joined}{after}".encode().split(b"\x00")


def _json_text(data: Any, level: int) -> str:
    """JSON data as `dumps_canonical` writes it `level` deep (the usual cases first)."""
    cls = data.__class__
    if cls is str:
        return _escape(_nfc(data))
    if data is None:
        return "null"
    if cls is list and data and all(x.__class__ is str for x in data):
        inner = "\n" + " " * (level + 1)
        return f"[{inner}{(',' + inner).join(map(_escape, map(_nfc, data)))}\n{' ' * level}]"
    return encode_at(data, level)
