"""The canonical result document `emulate-result/1` (docs/result-format.md).

`result_to_document` turns a `Result` into plain JSON data; `dumps_canonical` gives its bytes
(sorted keys, decimals as plain strings, NFC, no timestamps), so the same inputs give the same
bytes and the same SHA-256 whatever the row order, file order or hash seed. `load_result`
(re-exported from `emulate.resultdoc`) reads the document back from a `--json` file or from the
hidden sheet of a results workbook; `emulate explain` and `emulate export` build on it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import re
import unicodedata
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from emulate.diagnostics import Diagnostic
from emulate.engine.explain import describe_quota
from emulate.resultdoc import FORMAT, SHEET, load_result, sniff

if TYPE_CHECKING:
    import pandas as pd

    from emulate.engine.result import Result
    from emulate.rules.model import RuleSet

CHUNK = 32_000  # characters per cell of the hidden sheet (Excel's limit is 32,767)

# -- values -------------------------------------------------------------------------------


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


def _subjects(
    frame: pd.DataFrame, rules: RuleSet, scope: Literal["people", "units"]
) -> list[dict[str, Any]]:
    """One record per row: built-ins, declared fields, points, rank, titles; sorted by id."""
    fields = [f for f in rules.fields(scope) if f in frame.columns]
    extra = ["unit_name"] if scope == "people" and "unit_name" in frame.columns else []
    has_points = bool(rules.subject(scope).score)
    groups, items = _points_columns(frame)
    records = []
    for row in frame.to_dict("records"):
        rec: dict[str, Any] = {name: to_json_value(row.get(name)) for name in [*fields, *extra]}
        if has_points:
            rec["score"] = to_json_value(row.get("score"))
            rec["groups"] = {c[len("group:") :]: to_json_value(row.get(c)) for c in groups}
            rec["items"] = {c[len("item:") :]: to_json_value(row.get(c)) for c in items}
            for adj in ("bonus", "penalty"):
                if adj in frame.columns:
                    rec[adj] = to_json_value(row.get(adj))
        if scope == "units":
            rec["rank"] = to_json_value(row.get("rank"))
        titles = row.get("titles")
        rec["titles"] = [] if is_missing(titles) else [str(t) for t in titles]
        records.append(rec)
    records.sort(key=lambda r: str(r["id"]))
    return records


def _decisions(frame: pd.DataFrame, rules: RuleSet) -> list[dict[str, Any]]:
    from emulate.engine.result import DECISION_COLUMNS

    position = {tid: i for i, tid in enumerate(rules.titles)}
    out = []
    for row in frame.to_dict("records"):
        rec = {c: to_json_value(row.get(c)) for c in DECISION_COLUMNS}
        for listed in ("reasons", "tied_with"):
            rec[listed] = rec[listed] or []
        if rec["achievement"] is None:
            rec["achievement"] = ""
        out.append(rec)
    out.sort(
        key=lambda d: (
            d["for"] != "units",
            position.get(d["title"], len(position)),
            str(d["title"]),
            str(d["subject"]),
        )
    )
    return out


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


def result_to_document(result: Result) -> dict[str, Any]:
    """The canonical document of a result (JSON data only: str, int, bool, None, list, dict)."""
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
        "units": _subjects(result.units, rules, "units"),
        "people": _subjects(result.people, rules, "people"),
        "decisions": _decisions(result.decisions, rules),
        "diagnostics": [d.as_dict(lang) for d in sorted_diagnostics(result.diagnostics)],
    }
    return to_json_value(doc)


def _canonical(value: Any) -> Any:
    """NFC every string and key; decimals and the like as `to_json_value` does."""
    if isinstance(value, dict):
        return {_canonical(k): _canonical(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_canonical(v) for v in value]
    if isinstance(value, str | bool | int) or value is None:
        return unicodedata.normalize("NFC", value) if isinstance(value, str) else value
    return _canonical(to_json_value(value))


def dumps_canonical(doc: Mapping[str, Any]) -> bytes:
    """UTF-8, sorted keys, indent 1, final newline (docs/result-format.md)."""
    text = json.dumps(
        _canonical(dict(doc)), ensure_ascii=False, sort_keys=True, indent=1, allow_nan=False
    )
    return (text + "\n").encode("utf-8")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# -- the workbook carrier -----------------------------------------------------------------


def split_cells(text: str, size: int = CHUNK) -> list[str]:
    """Pieces of at most `size` UTF-16 code units (how Excel counts a cell's length)."""
    pieces: list[str] = []
    start = 0
    while start < len(text):
        end = min(start + size, len(text))
        # A character outside the BMP counts twice in Excel: shrink the rare piece with some.
        while (excess := len(text[start:end].encode("utf-16-le")) // 2 - size) > 0:
            end -= excess
        pieces.append(text[start:end])
        start = end
    return pieces


__all__ = ["FORMAT", "SHEET", "load_result", "sniff"]
