"""Prize money (Decree 152/2025 Art 49–54).

Each awarded decision with a `money` coefficient pays coefficient × base, rounded UP to the
next `round_up_to` (Art 49: 702,000 → 710,000). Several emulation titles (`kind: title`) of one
subject in the same period pay only the highest (Art 49.5); commendation forms (`kind: award`)
are paid on top (Art 49.7).
"""

from __future__ import annotations

from decimal import ROUND_CEILING, Decimal
from typing import TYPE_CHECKING

from emulate.diagnostics import Lang
from emulate.engine import explain as ex
from emulate.rules.model import RuleSet

if TYPE_CHECKING:
    import pandas as pd


def amount(coefficient: Decimal, base: Decimal, step: Decimal) -> Decimal:
    """coefficient × base rounded up to a multiple of `step`, exactly."""
    raw = coefficient * base
    return (raw / step).to_integral_value(rounding=ROUND_CEILING) * step


def prize_money(rules: RuleSet, decisions: pd.DataFrame, lang: Lang) -> tuple[pd.Series, pd.Series]:
    """Money per decision row (None when nothing is due) and a note per row (None: none)."""
    import pandas as pd

    money = pd.Series([None] * len(decisions.index), index=decisions.index, dtype=object)
    notes = pd.Series([None] * len(decisions.index), index=decisions.index, dtype=object)
    if rules.money is None:
        return money, notes
    base, step = rules.money.base, rules.money.round_up_to
    coefficient = {tid: t.money for tid, t in rules.titles.items() if t.money is not None}
    value_of = {tid: amount(c, base, step) for tid, c in coefficient.items()}
    label = {tid: t.short or t.name for tid, t in rules.titles.items()}
    position = {tid: i for i, tid in enumerate(rules.titles)}
    paid = decisions.loc[
        decisions["status"].eq("awarded") & decisions["title"].isin(coefficient),
        ["for", "subject", "title"],
    ].copy()
    paid["value"] = paid["title"].map(value_of)
    paid["position"] = paid["title"].map(position)
    is_title = paid["title"].map(lambda t: rules.titles[t].kind == "title").astype(bool)
    titles = paid[is_title].sort_values(
        ["for", "subject", "value", "position"], ascending=[True, True, False, True]
    )
    best = titles.drop_duplicates(["for", "subject"])
    unpaid = titles.index.difference(best.index)
    money[paid.index] = paid["value"]
    money[unpaid] = Decimal(0)
    full_note = {
        tid: ex.say(
            "money",
            lang,
            coef=ex.number(c, lang),
            base=ex.money(base, lang),
            raw=ex.money(c * base, lang),
            amount=ex.money(value_of[tid], lang),
        )
        for tid, c in coefficient.items()
    }
    notes[paid.index] = paid["title"].map(full_note)
    if len(unpaid):
        higher = best.set_index(["for", "subject"])["title"]
        keys = pd.MultiIndex.from_frame(titles.loc[unpaid, ["for", "subject"]])
        pairs = zip(titles.loc[unpaid, "title"], higher.reindex(keys).to_numpy())
        notes[unpaid] = [
            ex.say("money_none", lang, title=label[t], higher=label[h]) for t, h in pairs
        ]
    return money, notes
