"""The canonical result document `emulate-result/1` (docs/result-format.md).

`result_to_document` turns a `Result` into plain JSON data; `dumps_canonical` gives its bytes
(sorted keys, decimals as plain strings, NFC, no timestamps), so the same inputs give the same
bytes and the same SHA-256 whatever the row order, file order or hash seed. What a record of
`units`, `people` or `decisions` holds and the order of the records (`subject_layout`,
`decision_layout`, `subject_order`, `decision_order`) are shared with
`emulate.output.canonical`, which writes the same bytes without building the records. `load_result`
(re-exported from `emulate.resultdoc`) reads the document back from a `--json` file or from the
hidden sheet of a results workbook; `emulate explain` and `emulate export` build on it.
"""

from __future__ import annotations

import datetime as dt
import functools
import gc
import hashlib
import json
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from emulate.diagnostics import Diagnostic
from emulate.engine.explain import describe_quota
from emulate.resultdoc import CARRIER_MARK, FORMAT, SHEET, load_result, sniff

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from emulate.engine.result import Result
    from emulate.rules.model import RuleSet

CHUNK = 32_000  # characters per cell of the hidden sheet (Excel's limit is 32,767)

# -- values -------------------------------------------------------------------------------

_F = TypeVar("_F", bound=Callable[..., Any])


def _gc_paused(fn: _F) -> _F:
    """Run `fn` with the cyclic garbage collector paused: building and writing the document
    allocates hundreds of thousands of acyclic dicts, lists and strings, and each full
    collection would walk every object of the result again (a third of the time at 10k
    people). What it builds is acyclic and freed by reference counting all the same; the
    collector resumes (and collects anything else) as soon as `fn` returns."""

    @functools.wraps(fn)
    def paused(*args: Any, **kwargs: Any) -> Any:
        if not gc.isenabled():
            return fn(*args, **kwargs)
        gc.disable()
        try:
            return fn(*args, **kwargs)
        finally:
            gc.enable()

    return paused  # type: ignore[return-value]


def plain_decimal(value: Decimal) -> str:
    """Plain notation without exponent or trailing zeros: 92.50 → "92.5", 7.1E+5 → "710000"."""
    if value == 0:
        return "0"
    return format(value.normalize(), "f")


def is_missing(value: Any) -> bool:
    """None, NaN, pandas NA / NaT (by type name: no pandas import on this hot path)."""
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    if isinstance(value, Decimal):
        return value.is_nan()
    return type(value).__name__ in ("NAType", "NaTType")


def to_json_value(value: Any) -> Any:
    """A frame value as JSON data (see the module docstring of docs/result-format.md)."""
    if value.__class__ is str:  # the usual case first
        return unicodedata.normalize("NFC", value)
    if is_missing(value):
        return None
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, bool):
        return value
    if isinstance(value, Decimal):
        return plain_decimal(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):  # a float integer column holding NaN; else stay exact
        if value.is_integer() and abs(value) < 2**53:
            return int(value)
        return plain_decimal(Decimal(repr(value)))
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(to_json_value(k)): to_json_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [to_json_value(v) for v in value]
        return sorted(items) if isinstance(value, (set, frozenset)) else items
    if hasattr(value, "item"):  # numpy scalars
        return to_json_value(value.item())
    if hasattr(value, "isoformat"):  # pandas Timestamp
        return value.isoformat()
    return unicodedata.normalize("NFC", str(value))


# -- the document -------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """A value of every record, from the frame's column at `position` (None: no such column,
    every value `convert(None)`), as JSON data by `convert`."""

    position: int | None
    convert: Callable[[Any], Any] = to_json_value


# What a record holds: key (as the document writes it) → its value, or a nested record.
Layout = dict[str, "Column | Layout"]


def _layout(entries: Iterable[tuple[Any, Column | Layout]]) -> Layout:
    """Keys as `to_json_value` leaves them; a repeated key keeps its last value, as a dict
    built from the pairs would."""
    return {str(to_json_value(key)): value for key, value in entries}


def _positions(frame: pd.DataFrame) -> dict[Any, int]:
    """Column name → position; a duplicated name is its last column, as `to_dict` sees it."""
    return {name: j for j, name in enumerate(frame.columns)}


def _titles_json(titles: Any) -> list[str]:
    return [] if is_missing(titles) else [to_json_value(str(t)) for t in titles]


def subject_layout(
    frame: pd.DataFrame, rules: RuleSet, scope: Literal["people", "units"]
) -> Layout:
    """A `units` or `people` record: built-ins, declared fields, points, rank, titles."""
    position = _positions(frame)

    def column(name: str, convert: Callable[[Any], Any] = to_json_value) -> Column:
        return Column(position.get(name), convert)

    entries: list[tuple[Any, Column | Layout]] = [
        (f, column(f)) for f in rules.fields(scope) if f in position
    ]
    if scope == "people" and "unit_name" in position:
        entries.append(("unit_name", column("unit_name")))
    if rules.subject(scope).score:
        entries.append(("score", column("score")))
        for key, prefix in (("groups", "group:"), ("items", "item:")):
            names = [c for c in frame.columns if isinstance(c, str) and c.startswith(prefix)]
            entries.append((key, _layout((c[len(prefix) :], column(c)) for c in names)))
        entries += [(adj, column(adj)) for adj in ("bonus", "penalty") if adj in position]
    if scope == "units":
        entries.append(("rank", column("rank")))
    entries.append(("titles", column("titles", _titles_json)))
    return _layout(entries)


def _list_or_empty(value: Any) -> Any:
    return to_json_value(value) or []


def _text_or_empty(value: Any) -> Any:
    converted = to_json_value(value)
    return "" if converted is None else converted


def decision_layout(frame: pd.DataFrame) -> Layout:
    """A `decisions` record: the decision columns; no reasons or tied subjects give [], no
    achievement ""."""
    from emulate.engine.result import DECISION_COLUMNS

    position = _positions(frame)
    special = {
        "reasons": _list_or_empty,
        "tied_with": _list_or_empty,
        "achievement": _text_or_empty,
    }
    return {c: Column(position.get(c), special.get(c, to_json_value)) for c in DECISION_COLUMNS}


# Types whose equal values always give equal JSON, so that conversions can be memoised by
# value within a type (1 == 1.0 == True must not share an entry). Not datetimes: equal
# instants in two time zones are equal values with different texts.
_MEMO_TYPES = frozenset({str, int, bool, Decimal, type(None)})
_NUMBERS = frozenset({int, bool, Decimal})
# Also safe to share by equality when found by pandas (NaN is missing there), dates with no
# time; tuples only of text (checked on the distinct values).
_SHAREABLE_NUMBERS = _NUMBERS | {float}
_SHAREABLE = _MEMO_TYPES | {float, dt.date, tuple}


def convert_column(values: list[Any], convert: Callable[[Any], Any] = to_json_value) -> list[Any]:
    """`convert` of every value, each distinct value converted once. Lists are copied per row
    so that no two records share one."""
    classes = set(map(type, values))
    if classes <= _MEMO_TYPES | {tuple} and len(classes & _NUMBERS) <= 1:
        # No two distinct values of different types are equal here: one memo for all.
        try:
            distinct = set(values)
        except TypeError:  # a signalling NaN cannot be hashed
            distinct = None
        if distinct is not None and (
            tuple not in classes
            or all(x.__class__ is str for t in distinct if t.__class__ is tuple for x in t)
        ):
            memo = {v: convert(v) for v in distinct}
            if any(r.__class__ is list for r in memo.values()):
                return [
                    r.copy() if r.__class__ is list else r for r in map(memo.__getitem__, values)
                ]
            return list(map(memo.__getitem__, values))
    memos: dict[type, dict[Any, Any]] = {}
    out: list[Any] = []
    append = out.append
    for v in values:
        cls = v.__class__
        if cls in _MEMO_TYPES or (cls is tuple and all(x.__class__ is str for x in v)):
            memo = memos.get(cls)
            if memo is None:
                memo = memos[cls] = {}
            try:
                hit = memo[v]
            except KeyError:
                hit = memo[v] = convert(v)
            except TypeError:  # a signalling NaN cannot be hashed
                hit = convert(v)
            append(hit.copy() if hit.__class__ is list else hit)
        else:
            append(convert(v))
    return out


def distinct_values(values: pd.Series) -> tuple[np.ndarray, list[Any]]:
    """Each value's code (-1: missing) and the distinct values the codes point to, found by
    pandas' hash table. Values share a code only where equal values are always written alike
    (see `_MEMO_TYPES`; floats and dates too, tuples of text); otherwise each row is a value
    of its own."""
    import numpy as np
    import pandas as pd

    dtype = values.dtype
    array: Any = values
    tuples = False
    if pd.api.types.is_object_dtype(dtype) or isinstance(dtype, pd.CategoricalDtype):
        array = values.to_numpy(dtype=object)
        classes = set(map(type, array.tolist()))
        missing = {type(pd.NA), type(pd.NaT)}
        if not classes <= _SHAREABLE | missing or len(classes & _SHAREABLE_NUMBERS) > 1:
            return np.arange(len(array)), array.tolist()
        tuples = tuple in classes
    elif pd.api.types.is_string_dtype(dtype):  # pandas hashes objects twice as fast
        array = values.to_numpy(dtype=object)
    try:
        codes, uniques = pd.factorize(array, use_na_sentinel=True)
    except TypeError:  # a signalling NaN cannot be hashed
        return np.arange(len(values)), values.tolist()
    distinct = uniques.tolist()
    if tuples and any(t.__class__ is tuple and not _all_text(t) for t in distinct):
        return np.arange(len(values)), values.tolist()
    return codes, distinct


def _all_text(values: tuple[Any, ...]) -> bool:
    return all(x.__class__ is str for x in values)


def _rank(frame: pd.DataFrame, column: Column | Layout, key: Callable[[Any], Any]) -> np.ndarray:
    """Each row's place among the sorted distinct `key`s of its column's JSON values; equal
    keys share a place."""
    import numpy as np

    if not isinstance(column, Column):
        raise TypeError(f"not a column: {column!r}")
    if column.position is None:
        return np.zeros(len(frame), dtype=np.int64)
    codes, distinct = distinct_values(frame.iloc[:, column.position])
    keys = [key(column.convert(v)) for v in distinct]
    keys.append(key(column.convert(None)))  # code -1: missing
    place = {k: i for i, k in enumerate(sorted(set(keys)))}
    return np.fromiter(map(place.__getitem__, keys), np.int64, len(keys))[codes]


def subject_order(frame: pd.DataFrame, layout: Layout) -> np.ndarray:
    """Row positions sorted as the document lists subjects: by id as text; ties keep frame
    order."""
    import numpy as np

    return np.argsort(_rank(frame, layout["id"], str), kind="stable")


def decision_order(frame: pd.DataFrame, rules: RuleSet, layout: Layout) -> np.ndarray:
    """Row positions sorted as the document lists decisions: units first, then by the
    title's place in the rule set, title id, subject id (as text); ties keep frame order."""
    import numpy as np

    place = {tid: i for i, tid in enumerate(rules.titles)}
    last = len(place)
    return np.lexsort(  # last key first; stable, so equal keys keep frame order
        (
            _rank(frame, layout["subject"], str),
            _rank(frame, layout["title"], lambda t: (place.get(t, last), str(t))),
            _rank(frame, layout["for"], lambda f: f != "units"),
        )
    )


def records(frame: pd.DataFrame, layout: Layout, rows: np.ndarray) -> list[dict[str, Any]]:
    """One dict per row position of `rows`, as `layout` says, built column by column (each
    distinct value of a column converted once)."""
    n = len(rows)

    def build(layout: Layout) -> list[dict[str, Any]]:
        columns = []
        for spec in layout.values():
            if isinstance(spec, Column):
                if spec.position is None:
                    values = [None] * n
                else:
                    values = frame.iloc[rows, spec.position].tolist()
                columns.append(convert_column(values, spec.convert))
            else:
                columns.append(build(spec))
        return (
            [dict(zip(layout, row)) for row in zip(*columns)] if columns else [{} for _ in range(n)]
        )

    return build(layout)


_CELL = re.compile(r"^([A-Z]+)(\d+)$")


def _diagnostic_key(d: Diagnostic) -> tuple[Any, ...]:
    """Place order (file, sheet, row, column, line), so file and row order do not matter."""
    w = d.where
    row, col = 0, ""
    m = _CELL.match(w.cell or "")
    if m:
        col, row = m.group(1), int(m.group(2))
    return (
        w.file or "",
        w.sheet or "",
        row,
        len(col),
        col,
        w.line or 0,
        w.col or 0,
        d.code,
        d.severity.value,
        d.message_vi,
    )


def sorted_diagnostics(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    return sorted(diagnostics, key=_diagnostic_key)


def document_head(result: Result) -> dict[str, Any]:
    """The canonical document without what grows with the subjects: its `units`, `people`,
    `decisions` and `diagnostics` lists are left empty (`emulate.output.canonical` streams
    them)."""
    from emulate import __version__

    rules = result.rules
    prov = result.provenance
    lang = result.lang
    money = None
    if rules.money is not None:
        money = {
            "base": plain_decimal(rules.money.base),
            "round_up_to": plain_decimal(rules.money.round_up_to),
        }
    titles = {
        tid: {
            "name": t.name,
            "short": t.short,
            "kind": t.kind,
            "for": t.for_,
            "position": i,
            "basis": t.basis,
            "money": to_json_value(t.money),
            "when": t.when,
            "quota": describe_quota(t.quota, rules, t.for_, lang) if t.quota else None,
        }
        for i, (tid, t) in enumerate(rules.titles.items())
    }
    doc = {
        "format": FORMAT,
        "tool": {"name": "emulate", "version": prov.tool_version or __version__},
        "year": result.year,
        "lang": lang,
        "rules": {
            "name": prov.rules_name,
            "sha256": prov.rules_sha256,
            "year": rules.year,
            "source": prov.rules_source,
            "references": dict(rules.references),
            "money": money,
            "nominations": {
                "sort": list(rules.nominations.sort),
                "positions": list(rules.nominations.positions),
                "position_field": rules.nominations.position_field,
            },
        },
        "inputs": sorted(
            ({"path": i.path, "sha256": i.sha256} for i in prov.inputs),
            key=lambda i: (i["path"], i["sha256"]),
        ),
        "options": to_json_value(prov.options),
        "levels": dict(rules.levels),
        "titles": titles,
    }
    return {**to_json_value(doc), "units": [], "people": [], "decisions": [], "diagnostics": []}


@_gc_paused
def result_to_document(result: Result) -> dict[str, Any]:
    """The canonical document of a result (JSON data only: str, int, bool, None, list, dict)."""
    out = document_head(result)
    for scope in ("units", "people"):
        frame = getattr(result, scope)
        layout = subject_layout(frame, result.rules, scope)
        out[scope] = records(frame, layout, subject_order(frame, layout))
    frame = result.decisions
    layout = decision_layout(frame)
    out["decisions"] = records(frame, layout, decision_order(frame, result.rules, layout))
    diagnostics = sorted_diagnostics(result.diagnostics)
    out["diagnostics"] = to_json_value([d.as_dict(result.lang) for d in diagnostics])
    return out


def _canonical(value: Any) -> Any:
    """NFC every string and key; decimals and the like as `to_json_value` does."""
    if isinstance(value, dict):
        return {_canonical(k): _canonical(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_canonical(v) for v in value]
    if isinstance(value, str | bool | int) or value is None:
        return unicodedata.normalize("NFC", value) if isinstance(value, str) else value
    return _canonical(to_json_value(value))


class _Unusual(Exception):
    """A key `_encode` does not handle (not a str, or not NFC): use the general path."""


_escape = json.encoder.encode_basestring  # the C function when available (ensure_ascii=False)


def _encode(value: Any, level: int = 0) -> str:
    """`json.dumps(_canonical(value), ensure_ascii=False, sort_keys=True, indent=1)` in one
    pass, without the pure-Python encoder `indent` forces: the same text, several times
    faster; `level` deep in a document, each new line indented by `level` more. Strings are
    escaped once per distinct value; the sorted keys of a dict and the text before each of
    its values once per set of keys (records share one)."""
    strings: dict[str, str] = {}
    # per level: '\n' + indent, and the shapes of dicts
    newline = ["\n" + " " * i for i in range(level + 1)]
    shapes: list[dict[tuple[Any, ...], tuple[list[str], list[str]]]] = [{} for _ in newline]
    parts: list[str] = []
    append = parts.append
    normalize = unicodedata.normalize

    def string(s: str) -> str:
        text = strings[s] = _escape(normalize("NFC", s))
        return text

    def shape(keys: tuple[Any, ...], level: int) -> tuple[list[str], list[str]]:
        """The keys in order and the text before each value: '{\\n' + indent + '"key": '
        for the first, ',\\n' + indent + '"key": ' for the others."""
        for k in keys:
            if not isinstance(k, str) or not unicodedata.is_normalized("NFC", k):
                raise _Unusual
        ordered = sorted(keys)
        texts = [f",{newline[level]}{_escape(k)}: " for k in ordered]
        texts[0] = "{" + texts[0][1:]
        found = shapes[level][keys] = (ordered, texts)
        return found

    def encode(v: Any, level: int) -> None:
        cls = v.__class__
        if cls is str:
            append(strings.get(v) or string(v))
        elif cls is dict or cls is list or cls is tuple:
            if not v:
                append("{}" if cls is dict else "[]")
                return
            inner = level + 1
            if inner == len(newline):
                newline.append(newline[-1] + " ")
                shapes.append({})
            if cls is dict:
                keys = tuple(v)
                ordered, texts = shapes[inner].get(keys) or shape(keys, inner)
                for k, text in zip(ordered, texts):
                    append(text)
                    x = v[k]
                    if x.__class__ is str:
                        append(strings.get(x) or string(x))
                    elif x is None:
                        append("null")
                    else:
                        encode(x, inner)
                append(newline[level] + "}")
            else:
                comma = "," + newline[inner]
                items = iter(v)
                append("[" + newline[inner])
                encode(next(items), inner)
                for x in items:
                    append(comma)
                    if x.__class__ is str:
                        append(strings.get(x) or string(x))
                    else:
                        encode(x, inner)
                append(newline[level] + "]")
        elif v is None:
            append("null")
        elif v is True:
            append("true")
        elif v is False:
            append("false")
        elif cls is int:
            append(int.__repr__(v))
        elif isinstance(v, str):  # a str subclass: its text, as `json` writes it
            append(_escape(normalize("NFC", v)))
        elif isinstance(v, int) and not isinstance(v, bool):
            append(int.__repr__(v))
        elif isinstance(v, dict):  # subclasses: as plain containers, as `_canonical` does
            encode({k: x for k, x in v.items()}, level)
        elif isinstance(v, list | tuple):
            encode([x for x in v], level)
        else:
            encode(_canonical(v), level)

    encode(value, level)
    return "".join(parts)


def encode_at(value: Any, level: int) -> str:
    """The text of `value` as `dumps_canonical` writes it `level` deep in a document."""
    try:
        return _encode(value, level)
    except (_Unusual, TypeError):  # keys that are not NFC strings (or do not sort): the
        # general path, which normalises them first and fails where `json` fails
        text = json.dumps(
            _canonical(value), ensure_ascii=False, sort_keys=True, indent=1, allow_nan=False
        )
        return text.replace("\n", "\n" + " " * level)


@_gc_paused
def dumps_canonical(doc: Mapping[str, Any]) -> bytes:
    """UTF-8, sorted keys, indent 1, final newline (docs/result-format.md)."""
    return (encode_at(dict(doc), 0) + "\n").encode("utf-8")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# -- the workbook carrier -----------------------------------------------------------------


__all__ = ["CARRIER_MARK", "FORMAT", "SHEET", "load_result", "sniff"]
