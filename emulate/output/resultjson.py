"""The canonical result document `emulate-result/1` (docs/result-format.md).

`result_to_document` turns a `Result` into plain JSON data; `dumps_canonical` gives its bytes
(sorted keys, decimals as plain strings, NFC, no timestamps), so the same inputs give the same
bytes and the same SHA-256 whatever the row order, file order or hash seed. `load_result`
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
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from emulate.diagnostics import Diagnostic
from emulate.engine.explain import describe_quota
from emulate.resultdoc import CARRIER_MARK, FORMAT, SHEET, load_result, sniff

if TYPE_CHECKING:
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


def _points_columns(frame: pd.DataFrame) -> tuple[list[str], list[str]]:
    groups = [c for c in frame.columns if isinstance(c, str) and c.startswith("group:")]
    items = [c for c in frame.columns if isinstance(c, str) and c.startswith("item:")]
    return groups, items


def _column_of(frame: pd.DataFrame) -> Callable[[str], list[Any]]:
    """Column name → its values as `to_dict("records")` sees them (the last column of a
    duplicated name; None for every row when absent)."""
    position = {name: j for j, name in enumerate(frame.columns)}
    n = len(frame)

    def column(name: str) -> list[Any]:
        j = position.get(name)
        return [None] * n if j is None else frame.iloc[:, j].tolist()

    return column


# Types whose equal values always give equal JSON, so that conversions can be memoised by
# value within a type (1 == 1.0 == True must not share an entry). Not datetimes: equal
# instants in two time zones are equal values with different texts.
_MEMO_TYPES = frozenset({str, int, bool, Decimal, type(None)})
_NUMBERS = frozenset({int, bool, Decimal})


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


def _nfc_keys(keys: list[str]) -> bool:
    return all(isinstance(k, str) and unicodedata.is_normalized("NFC", k) for k in keys)


def _records(keys: list[str], columns: list[list[Any]], n: int) -> list[dict[str, Any]]:
    """One dict per row from converted columns (keys in this order, a repeated key keeping its
    first place and its last value), with keys as `to_json_value` leaves them."""
    rows = zip(*columns) if columns else ((),) * n  # columns of n values each
    records = [dict(zip(keys, row)) for row in rows]
    if not _nfc_keys(keys):
        records = [to_json_value(r) for r in records]
    return records


def _titles_json(titles: Any) -> list[str]:
    return [] if is_missing(titles) else [to_json_value(str(t)) for t in titles]


def _subjects(
    frame: pd.DataFrame, rules: RuleSet, scope: Literal["people", "units"]
) -> list[dict[str, Any]]:
    """One record per row: built-ins, declared fields, points, rank, titles; sorted by id.

    Built column by column (each distinct value of a column converted once), then zipped."""
    fields = [f for f in rules.fields(scope) if f in frame.columns]
    extra = ["unit_name"] if scope == "people" and "unit_name" in frame.columns else []
    has_points = bool(rules.subject(scope).score)
    groups, items = _points_columns(frame)
    column = _column_of(frame)
    n = len(frame)
    keys: list[str] = [*fields, *extra]
    columns = [convert_column(column(name)) for name in keys]
    if has_points:
        keys.append("score")
        columns.append(convert_column(column("score")))
        for key, prefix, names in (("groups", "group:", groups), ("items", "item:", items)):
            keys.append(key)
            inner = [name[len(prefix) :] for name in names]
            columns.append(_records(inner, [convert_column(column(c)) for c in names], n))
        for adj in ("bonus", "penalty"):
            if adj in frame.columns:
                keys.append(adj)
                columns.append(convert_column(column(adj)))
    if scope == "units":
        keys.append("rank")
        columns.append(convert_column(column("rank")))
    keys.append("titles")
    columns.append(convert_column(column("titles"), _titles_json))
    records = _records(keys, columns, n)
    records.sort(key=lambda r: str(r["id"]))
    return records


def _decisions(frame: pd.DataFrame, rules: RuleSet) -> list[dict[str, Any]]:
    from emulate.engine.result import DECISION_COLUMNS

    position = {tid: i for i, tid in enumerate(rules.titles)}
    column = _column_of(frame)
    columns: list[list[Any]] = []
    for c in DECISION_COLUMNS:
        converted = convert_column(column(c))
        if c in ("reasons", "tied_with"):
            converted = [v or [] for v in converted]
        elif c == "achievement":
            converted = ["" if v is None else v for v in converted]
        columns.append(converted)
    out = _records(list(DECISION_COLUMNS), columns, len(frame))
    # Sorted by (units first, title order, title, subject), the key taken column-wise; a
    # stable sort of the positions, so equal keys keep frame order as sorting records would.
    subjects, fors, titles = (
        columns[DECISION_COLUMNS.index(c)] for c in ("subject", "for", "title")
    )
    last = len(position)
    keys = list(
        zip(
            [f != "units" for f in fors],
            [position.get(t, last) for t in titles],
            map(str, titles),
            map(str, subjects),
        )
    )
    order = sorted(range(len(out)), key=keys.__getitem__)
    return [out[i] for i in order]


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


@_gc_paused
def result_to_document(result: Result, *, decisions: bool = True) -> dict[str, Any]:
    """The canonical document of a result (JSON data only: str, int, bool, None, list, dict);
    without `decisions`, its `decisions` list is left empty."""
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
        "units": [],
        "people": [],
        "decisions": [],
        "diagnostics": [d.as_dict(lang) for d in sorted_diagnostics(result.diagnostics)],
    }
    out = to_json_value(doc)
    # Built already as `to_json_value` leaves them: not walked a second time.
    out["units"] = _subjects(result.units, rules, "units")
    out["people"] = _subjects(result.people, rules, "people")
    if decisions:
        out["decisions"] = _decisions(result.decisions, rules)
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


class Fragment(str):
    """JSON text already in canonical form at its place in the document: `dumps_canonical`
    copies it as it is (see `emulate.output.canonical`)."""

    __slots__ = ()


class _Unusual(Exception):
    """A key `_encode` does not handle (not a str, or not NFC): use the general path."""


_escape = json.encoder.encode_basestring  # the C function when available (ensure_ascii=False)


def _encode(doc: dict[str, Any]) -> str:
    """`json.dumps(_canonical(doc), ensure_ascii=False, sort_keys=True, indent=1)` in one
    pass, without the pure-Python encoder `indent` forces: the same text, several times
    faster. Strings are escaped once per distinct value; the sorted keys of a dict and the
    text before each of its values once per set of keys (records share one)."""
    strings: dict[str, str] = {}
    shapes: list[dict[tuple[Any, ...], tuple[list[str], list[str]]]] = [{}]  # per level
    newline = ["\n"]  # per level: '\n' + indent
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
        elif cls is Fragment:
            append(v)
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

    encode(doc, 0)
    return "".join(parts)


@_gc_paused
def dumps_canonical(doc: Mapping[str, Any]) -> bytes:
    """UTF-8, sorted keys, indent 1, final newline (docs/result-format.md)."""
    try:
        text = _encode(dict(doc))
    except (_Unusual, TypeError):  # keys that are not NFC strings (or do not sort): the
        # general path, which normalises them first and fails where `json` fails
        text = json.dumps(
            _canonical(dict(doc)), ensure_ascii=False, sort_keys=True, indent=1, allow_nan=False
        )
    return (text + "\n").encode("utf-8")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# -- the workbook carrier -----------------------------------------------------------------


__all__ = ["CARRIER_MARK", "FORMAT", "SHEET", "load_result", "sniff"]
