"""What `score()` returns: the contract every output (terminal, workbook, JSON, nomination
lists, explain) is built from. Pure data; nothing here reads or writes files.

Frames
------
`units`: one row per unit — `id`, `name`, the declared unit fields (e.g. `cluster`), points
items `item:<id>`, group subtotals `group:<id>`, `bonus`, `penalty`, `score` (Decimal; None
when the rule set has no points table), `level` (final level code), `rank` (Int64: place in its
cluster by score, equal scores share a place; None without a points table), `titles` (tuple of
awarded title ids, rule-set order).

`people`: one row per person — `id`, `name`, `unit`, `unit_name`, `level`, declared fields,
`titles`.

`decisions`: one row per (subject, title) for every subject and every title of its scope,
sorted by (`for` units first, title order in the rule set, subject id):
  `subject` str · `for` "people"|"units" · `title` str · `status` one of STATUSES ·
  `rank` Int32 (place among the candidates of its quota pool by `order`; tied subjects share
  the place; None without quota or when not a candidate) · `places` Int32 (quota size of the
  pool; None without quota) · `pool` str|None (the `per` value) · `money` Decimal|None (paid
  for this decision after Decree 152 Art 49.5: a lower title in the same period pays 0) ·
  `reasons` tuple[str, ...] (in the result's language: each clause with the value seen and
  pass/fail, quota placement, pending ties, money) · `basis` str|None · `tied_with`
  tuple[str, ...] (the other subjects tied at the cut, for `tie`) · `achievement` str (one
  line for the "Thành tích" column of nomination lists, e.g. "03 năm liên tục CSTĐCS
  2023–2025"; "" when nothing to say).
  `for`, `title`, `status`, `achievement` and `basis` (when every title has one) are
  categoricals of their texts, categories in text order (`engine.labels`): a byte or two per
  row at country scale, where the frame has tens of millions of rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from emulate.diagnostics import Diagnostic, Lang
from emulate.intake.model import InputFile
from emulate.rules.model import STATUSES, RuleSet

if TYPE_CHECKING:
    import pandas as pd

DECISION_COLUMNS = (
    "subject",
    "for",
    "title",
    "status",
    "rank",
    "places",
    "pool",
    "money",
    "reasons",
    "basis",
    "tied_with",
    "achievement",
)


@dataclass(frozen=True)
class Provenance:
    tool_version: str
    rules_name: str
    rules_sha256: str
    rules_source: str | None
    year: int
    inputs: tuple[InputFile, ...]
    options: dict[str, Any] = field(default_factory=dict)


@dataclass
class Result:
    rules: RuleSet
    year: int
    lang: Lang
    units: pd.DataFrame
    people: pd.DataFrame
    decisions: pd.DataFrame
    diagnostics: list[Diagnostic]
    provenance: Provenance
    checks_failed: tuple[str, ...] = ()  # ids of `checks:` that did not hold somewhere

    def summary(self) -> pd.DataFrame:
        """Per title, in rule-set order: counts per status, places, prize money."""
        import numpy as np
        import pandas as pd

        d = self.decisions
        titles = list(self.rules.titles)
        title_code = pd.Categorical(d["title"], categories=titles).codes
        status_code = pd.Categorical(d["status"], categories=STATUSES).codes
        counts = np.bincount(
            title_code * len(STATUSES) + status_code, minlength=len(titles) * len(STATUSES)
        ).reshape(len(titles), len(STATUSES))
        placed = d["places"].notna().to_numpy()
        pools = d.loc[placed, ["title", "pool", "places"]].drop_duplicates(["title", "pool"])
        places = pools.groupby("title", sort=False)["places"].sum()
        money = dict.fromkeys(titles, Decimal(0))
        paid = d["money"].notna().to_numpy()
        for code, amount in zip(title_code[paid].tolist(), d["money"][paid].tolist(), strict=True):
            money[titles[code]] += amount
        rows = []
        for t, (tid, title) in enumerate(self.rules.titles.items()):
            row = {
                "title": tid,
                "name": title.name,
                "for": title.for_,
                "kind": title.kind,
                **{s: int(n) for s, n in zip(STATUSES, counts[t].tolist(), strict=True)},
                "places": int(places[tid]) if tid in places.index else None,
                "money": money[tid],
            }
            row["eligible"] = row["awarded"] + row["tie"] + row["over_quota"] + row["superseded"]
            rows.append(row)
        return pd.DataFrame(rows)

    def total_money(self) -> Decimal:
        return sum(self.decisions["money"].dropna().tolist(), Decimal(0))
