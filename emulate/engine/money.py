"""Prize money (Decree 152/2025 Art 49–54).

Each awarded decision with a `money` coefficient pays coefficient × base, rounded UP to the
next `round_up_to` (Art 49: 702,000 → 710,000). Several emulation titles (`kind: title`) of one
subject in the same period pay only the highest (Art 49.5); commendation forms (`kind: award`)
are paid on top (Art 49.7).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal
from typing import TYPE_CHECKING

from emulate.diagnostics import Lang
from emulate.engine import explain as ex
from emulate.rules.model import RuleSet

if TYPE_CHECKING:
    import numpy as np


def amount(coefficient: Decimal, base: Decimal, step: Decimal) -> Decimal:
    """coefficient × base rounded up to a multiple of `step`, exactly."""
    raw = coefficient * base
    return (raw / step).to_integral_value(rounding=ROUND_CEILING) * step


@dataclass(frozen=True)
class Payments:
    """Prize money of one title's decisions: per row a code into `amounts` / `notes`
    (-1: nothing due, no note)."""

    codes: np.ndarray
    amounts: list[Decimal]
    notes: list[str]


def prize_money(
    rules: RuleSet, scope_titles: list[str], awarded: dict[str, np.ndarray], lang: Lang
) -> dict[str, Payments]:
    """Money per decision of the titles of one scope (`awarded`: per title, who holds it).

    A subject's emulation titles (`kind: title`) pay only the highest amount (the earliest in
    rule-set order among equals); the others pay 0 with a note naming the one paid."""
    import numpy as np

    out: dict[str, Payments] = {}
    if rules.money is None:
        return out
    base, step = rules.money.base, rules.money.round_up_to
    coefficient = {
        tid: rules.titles[tid].money for tid in scope_titles if rules.titles[tid].money is not None
    }
    value_of = {tid: amount(c, base, step) for tid, c in coefficient.items()}
    label = {tid: t.short or t.name for tid, t in rules.titles.items()}
    position = {tid: i for i, tid in enumerate(rules.titles)}
    # the paid emulation title of each subject: highest amount first, then rule-set order
    ranked = sorted(
        (t for t in coefficient if rules.titles[t].kind == "title" and t in awarded),
        key=lambda t: (-value_of[t], position[t]),
    )
    n = len(next(iter(awarded.values()))) if awarded else 0
    best = np.full(n, -1, dtype=np.intp)
    for i, tid in enumerate(ranked):
        best[awarded[tid] & (best < 0)] = i
    for tid, c in coefficient.items():
        if tid not in awarded:
            continue
        full_note = ex.say(
            "money",
            lang,
            coef=ex.number(c, lang),
            base=ex.money(base, lang),
            raw=ex.money(c * base, lang),
            amount=ex.money(value_of[tid], lang),
        )
        codes = np.where(awarded[tid], 0, -1).astype(np.intp)
        amounts, notes = [value_of[tid]], [full_note]
        if rules.titles[tid].kind == "title":
            mine = ranked.index(tid)
            unpaid = awarded[tid] & (best != mine)
            if unpaid.any():
                zero = Decimal(0)
                for i, higher in enumerate(ranked):
                    if i == mine:
                        continue
                    rows = unpaid & (best == i)
                    if rows.any():
                        codes[rows] = len(amounts)
                        amounts.append(zero)
                        notes.append(
                            ex.say("money_none", lang, title=label[tid], higher=label[higher])
                        )
        out[tid] = Payments(codes, amounts, notes)
    return out
