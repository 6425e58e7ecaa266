"""The sentences of a round: reasons per decision, quota placement lines, pending ties,
the "Thành tích" line. Mixed into the round (`engine.run._Round`), whose state it reads:
`rules`, `lang`, `year`, `frames`, `statuses`, `compiled`, `unit_ranks`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from emulate.diagnostics import Lang
from emulate.engine import explain as ex
from emulate.rules.model import Title

if TYPE_CHECKING:
    import pandas as pd

    from emulate.rules.conditions import ClauseResult


class Narration:
    """Explanations, built column-wise over a title's subjects."""

    def _quota_lines(
        self,
        title: Title,
        placed: pd.DataFrame,
        pools: pd.Series,
        tied_with: list[tuple[str, ...]],
        base: pd.Series,
    ) -> list[str]:
        """ "Hạng 5/4 suất (đơn vị P01): ngoài chỉ tiêu; Chỉ tiêu: ..." per candidate."""
        lang = self.lang
        quota = title.quota
        assert quota is not None
        label = ex.per_label(quota.per, self.rules, title.for_, lang) if quota.per else ""
        rule = ex.describe_quota(quota, self.rules, title.for_, lang)
        keys = {"awarded": "in_quota", "over_quota": "over_quota", "tie": "tie"}
        frame = self.frames[title.for_]
        names = frame["name"] if "name" in frame.columns else None
        lines = []
        for status, rank, places, pool, others in zip(
            placed["status"], placed["rank"], placed["places"], pools, tied_with
        ):
            where = ex.say("pool", lang, per=label, value=pool) if quota.per else ""
            line = ex.say(
                keys[status],
                lang,
                rank=rank,
                places=places,
                pool=where,
                others=", ".join(f"{o} {names[o]}" if names is not None else o for o in others),
            )
            size = int(base.get(pool, 0))
            lines.append(
                f"{line}; {ex.say('quota_rule', lang, rule=rule, base=size, places=places)}"
            )
        return lines

    # -- explanations --------------------------------------------------------------------

    def _reasons(
        self,
        tid: str,
        title: Title,
        clauses: list[ClauseResult],
        status: pd.Series,
        superseded_by: pd.Series,
        quota_lines: pd.Series,
    ) -> pd.Series:
        import numpy as np
        import pandas as pd

        lang = self.lang
        index = status.index
        ineligible = status.eq("ineligible").to_numpy()
        # Lines are built column-wise on object arrays ("" = no line), then split once.
        lines: list[np.ndarray] = []
        for clause in clauses:
            passed = clause.passed.reindex(index, fill_value=False).astype(bool).to_numpy()
            seen = _display_column(clause.seen, index, lang)
            mark = np.where(passed, f"{ex.say('pass', lang)} {clause.text}", "")
            mark = np.where(passed, mark, f"{ex.say('fail', lang)} {clause.text}").astype(object)
            with_seen = np.where(seen == "", mark, mark + " [" + seen + "]")
            # an ineligible decision lists only the clauses that failed
            lines.append(np.where(passed & ineligible, "", with_seen).astype(object))
        higher = superseded_by.map(
            {t: ex.say("superseded", lang, higher=self._title_label(t)) for t in self.rules.titles}
        )
        lines.append(higher.where(higher.notna(), "").to_numpy(dtype=object))
        lines.append(quota_lines.to_numpy(dtype=object))
        lines.append(np.array([n or "" for n in self._pending(tid, title, index)], dtype=object))
        joined = np.full(len(index), "", dtype=object)
        for line in lines:
            both = (joined != "") & (line != "")
            joined = np.where(both, joined + "\n" + line, joined + line)
        reasons = [tuple(text.split("\n")) if text else () for text in joined]
        return pd.Series(reasons, index=index, dtype=object)

    def _pending(self, tid: str, title: Title, index: pd.Index) -> list[str | None]:
        """Notes on decisions that hang on a tie of a title this one depends on."""
        scope = title.for_
        notes: list[str | None] = [None] * len(index)
        deps = self.compiled.when[tid].titles
        for dep in sorted(deps):
            if dep not in self.rules.titles:
                continue
            dep_scope = self.rules.titles[dep].for_
            dep_status = self.statuses[dep_scope].get(dep)
            if dep_status is None:
                continue
            if dep_scope == scope:
                tied = dep_status.reindex(index).eq("tie").to_numpy()
                for i in range(len(index)):
                    if tied[i]:
                        note = ex.say("pending", self.lang, title=self._title_label(dep))
                        notes[i] = note if notes[i] is None else f"{notes[i]}; {note}"
            elif scope == "units" and dep_scope == "people":
                people = self.frames["people"]
                tied_people = dep_status[dep_status.eq("tie")].index
                if not len(tied_people):
                    continue
                by_unit = people.loc[tied_people, "unit"].groupby(people.loc[tied_people, "unit"])
                who = {u: ", ".join(sorted(g.index)) for u, g in by_unit}
                for i, unit in enumerate(index):
                    if unit in who:
                        note = ex.say(
                            "pending_members",
                            self.lang,
                            title=self._title_label(dep),
                            who=who[unit],
                        )
                        notes[i] = note if notes[i] is None else f"{notes[i]}; {note}"
        return notes

    def _title_label(self, tid: str) -> str:
        title = self.rules.titles[tid]
        return title.short or title.name

    def _achievement(
        self, tid: str, title: Title, clauses: list[ClauseResult], status: pd.Series
    ) -> pd.Series:
        """One line for the "Thành tích" column, only where the decision is awarded or tied:
        the unit's points and place, or the person's level; then a consecutive-years chain
        ("03 năm liên tục CSTĐCS 2023–2025") when the condition counts one."""
        import pandas as pd

        lang = self.lang
        frame = self.frames[title.for_]
        shown = status.index[status.isin(["awarded", "tie"])]
        out = pd.Series("", index=status.index, dtype=object)
        if not len(shown):
            return out
        parts: list[pd.Series] = []
        if title.for_ == "units" and "score" in frame.columns:
            parts.append(self._points_text(frame.loc[shown]))
        elif "level" in frame.columns:
            said = {
                code: ex.say("achievement_level", lang, level=label, year=self.year)
                for code, label in self.rules.levels.items()
            }
            parts.append(frame.loc[shown, "level"].map(said).fillna("").astype(object))
        streak = next(
            (c for c in clauses if c.text.startswith("streak(") and c.seen is not None), None
        )
        if streak is not None:
            inner = streak.text[len("streak(") :].split(")")[0]
            what = self._title_label(inner) if inner in self.rules.titles else inner
            years = pd.to_numeric(streak.seen.reindex(shown), errors="coerce").fillna(0)
            said = {
                n: ex.say(
                    "achievement_streak",
                    lang,
                    n=n,
                    what=what,
                    start=self.year - n + 1,
                    end=self.year,
                )
                for n in {int(v) for v in years if v > 0}
            }
            parts.append(years.astype(int).map(said).fillna("").astype(object))
        for part in parts:
            current = out[shown]
            glue = current.where(current.eq("") | part.eq(""), current + "; ")
            out[shown] = glue + part
        return out

    def _points_text(self, units: pd.DataFrame) -> pd.Series:
        """ "94,5 điểm, xếp thứ 1 Khối kinh tế" per unit with a score."""
        import pandas as pd

        texts = []
        for sid, value in units["score"].items():
            rank = self.unit_ranks.get(sid)
            cluster = units.at[sid, "cluster"] if "cluster" in units.columns else None
            where = f" {cluster}" if cluster else ""
            texts.append(
                ""
                if value is None or rank is None
                else ex.say(
                    "achievement_points",
                    self.lang,
                    score=ex.number(value, self.lang),
                    rank=rank,
                    where=where,
                )
            )
        return pd.Series(texts, index=units.index, dtype=object)


def _display_column(seen: pd.Series | None, index: pd.Index, lang: Lang) -> Any:
    """The values a clause saw, as display strings (an object array; "" when none).

    Each distinct value is rendered once, then mapped: the distinct values are few.
    """
    import numpy as np

    if seen is None:
        return np.full(len(index), "", dtype=object)
    values = seen.reindex(index).astype(object)
    missing = values.isna().to_numpy()
    present = values[~missing]
    shown = {v: ex.display(v, lang) for v in present.unique()}
    out = np.full(len(index), ex.display(None, lang), dtype=object)
    out[~missing] = present.map(shown).to_numpy(dtype=object)
    return out


def check_values(values: Any, group: Any, lang: Lang) -> str:
    """The left / right values a check saw for one group, as text."""
    if values is None:
        return ""
    parts = []
    for side in values:
        series = getattr(side, "seen", side)
        try:
            parts.append(ex.display(series.get(group), lang))
        except AttributeError:
            continue
    return " / ".join(parts)
