"""The columns of each report sheet as the rule set defines them: one source of truth for the
template (what to write) and the reader (what to look for, how to coerce it)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from emulate.intake.coerce import ColumnType
from emulate.intake.table import Column
from emulate.rules.model import FieldSpec, RuleSet, Scope, ScoreItem

STAMP_SHEET = "_emulate_stamp"
LISTS_SHEET = "_danh_sach"
INSTRUCTIONS_SHEET = "Hướng dẫn"
# Sheets `emulate template` writes that hold no report data.
OWN_SHEETS = frozenset({STAMP_SHEET, LISTS_SHEET, INSTRUCTIONS_SHEET})


@dataclass(frozen=True)
class Spec:
    """One column: how to find it and how to read it."""

    column: Column
    type: ColumnType
    note: str | None = None


def number_text(d: Decimal) -> str:
    """`Decimal` for people: no exponent, no trailing zeros, decimal comma (8,5)."""
    text = format(d.normalize(), "f")
    return text.replace(".", ",")


def item_header(item: ScoreItem) -> str:
    return item.header or f"{item.id}. {item.label} (tối đa {number_text(item.max)})"


def _field_spec(key: str, fs: FieldSpec, rules: RuleSet) -> Spec:
    if fs.type == "level":
        choices = tuple((label, code) for code, label in rules.levels.items())
    elif fs.type == "choice":
        choices = tuple(fs.choice_map().items())
    else:
        choices = ()
    default = fs.default
    shown = "" if default is None else str(default)
    if isinstance(default, bool):
        shown = "Có" if default else "Không"
    column = Column(
        key=key, header=fs.header, aliases=fs.aliases, required=fs.is_required, default=shown
    )
    ctype = ColumnType(
        type=fs.type,
        header=fs.header,
        required=fs.is_required,
        default=default,
        low=fs.min,
        high=fs.max,
        choices=choices,
    )
    return Spec(column, ctype, fs.note)


def _points(
    key: str,
    header: str,
    aliases: tuple[str, ...],
    low: Decimal,
    high: Decimal | None,
    default: Any,
) -> Spec:
    required = default is None
    shown = "" if default is None else number_text(Decimal(default))
    column = Column(key=key, header=header, aliases=aliases, required=required, default=shown)
    return Spec(
        column,
        ColumnType(
            type="points", header=header, required=required, default=default, low=low, high=high
        ),
    )


def specs(rules: RuleSet, scope: Scope) -> list[Spec]:
    """Fields (built-ins first), then points items, bonus and penalty."""
    out = [_field_spec(key, fs, rules) for key, fs in rules.fields(scope).items()]
    subject = rules.subject(scope)
    for group in subject.score:
        for item in group.items:
            header = item_header(item)
            aliases = (*item.aliases, f"{item.id}. {item.label}")
            out.append(
                _points(f"item:{item.id}", header, aliases, item.min, item.max, item.default)
            )
    for key, adj in (("bonus", subject.bonus), ("penalty", subject.penalty)):
        if adj is not None:
            out.append(_points(key, adj.header, adj.aliases, Decimal(0), adj.max, adj.default))
    return out


def history_specs(rules: RuleSet) -> list[Spec]:
    h = rules.history
    levels = tuple((label, code) for code, label in rules.levels.items())
    rows = [
        ("id", h.id_header, "id", True, ()),
        ("year", h.year_header, "integer", True, ()),
        ("level", h.level_header, "level", False, levels),
        ("titles", h.titles_header, "text", False, ()),
    ]
    return [
        Spec(
            Column(key=key, header=header, required=required),
            ColumnType(type=kind, header=header, required=required, choices=choices,
                       low=Decimal(1900) if key == "year" else None,
                       high=Decimal(2100) if key == "year" else None),
        )
        for key, header, kind, required, choices in rows
    ]  # fmt: skip
