"""`score(rules, intake) -> Result`: the whole year-end decision, as a pure function.

Steps: points and level bands → titles in dependency order (condition on whole frames, one_of,
quota placement) → prize money → checks → explanations. No files, no clock, no randomness:
the same inputs give the same result whatever the row order.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from emulate import __version__
from emulate.diagnostics import Catalogue, Diagnostic, Lang, Where
from emulate.engine import explain as ex
from emulate.engine.context import FrameContext
from emulate.engine.history import History, current_rows
from emulate.engine.money import prize_money
from emulate.engine.points import compute_points, has_points
from emulate.engine.quota import place, quota_size
from emulate.engine.result import DECISION_COLUMNS, Provenance, Result
from emulate.engine.titles import CompiledRules, compile_rules
from emulate.intake.model import Intake
from emulate.rules.model import RuleSet, Scope, Title

if TYPE_CHECKING:
    import pandas as pd

    from emulate.rules.conditions import ClauseResult

SCOPES: tuple[Scope, ...] = ("units", "people")
NO_POOL = ""

MESSAGES = Catalogue(
    {
        "engine.band_differs": (
            "warning",
            "Đơn vị {id}: xếp loại ghi trong báo cáo là {reported} nhưng theo bảng điểm là "
            "{computed}; dùng {computed}. Hãy kiểm tra lại điểm hoặc xếp loại.",
            "Unit {id}: the report says {reported} but the points bands give {computed}; "
            "{computed} is used. Check the points or the level.",
        ),
        "engine.history_future": (
            "warning",
            "Lịch sử có {count} dòng của năm {year} trở về sau; các dòng này không được dùng "
            "(năm đang xét lấy từ báo cáo).",
            "The history has {count} rows for {year} or later; they are not used (the year "
            "being decided comes from the report).",
        ),
        "engine.check_failed": (
            "warning",
            "Kiểm tra {check}{basis} không đạt ở {group}: {require} ({values}).{message}",
            "Check {check}{basis} fails for {group}: {require} ({values}).{message}",
        ),
        "engine.duplicate_subject": (
            "error",
            "Mã {id} xuất hiện nhiều lần; chỉ dòng đầu tiên được dùng. Hãy sửa mã trùng.",
            "Id {id} appears more than once; only the first row is used. Fix the duplicate.",
        ),
    }
)


@dataclass
class _TitleRecord:
    status: pd.Series
    frame: pd.DataFrame  # the decision rows of this title (before money)


def score(
    rules: RuleSet,
    intake: Intake,
    *,
    year: int | None = None,
    lang: Lang = "vi",
    options: dict[str, Any] | None = None,
    compiled: CompiledRules | None = None,
) -> Result:
    """Decide every title for every subject. Pure: reads nothing, writes nothing."""
    round_ = _Round(rules, intake, year or rules.year, lang, compiled or compile_rules(rules))
    return round_.run(options or {})


class _Round:
    def __init__(
        self, rules: RuleSet, intake: Intake, year: int, lang: Lang, compiled: CompiledRules
    ) -> None:
        self.rules = rules
        self.intake = intake
        self.year = year
        self.lang: Lang = lang
        self.compiled = compiled
        self.diagnostics: list[Diagnostic] = []
        self.frames: dict[Scope, pd.DataFrame] = {
            "units": self._subjects(intake.units, "units"),
            "people": self._subjects(intake.people, "people"),
        }
        self.held: dict[Scope, dict[str, pd.Series]] = {"units": {}, "people": {}}
        self.statuses: dict[Scope, dict[str, pd.Series]] = {"units": {}, "people": {}}
        self.titles_of: dict[Scope, list[str]] = {s: list(rules.titles_for(s)) for s in SCOPES}
        self.history = self._history(intake.history)
        self.records: dict[str, _TitleRecord] = {}
        self.checks_failed: list[str] = []
        self.ranks: pd.Series | None = None  # units' place in their cluster, after bands
        self.unit_ranks: dict[str, int] = {}

    # -- input ---------------------------------------------------------------------------

    def _subjects(self, frame: pd.DataFrame, scope: Scope) -> pd.DataFrame:
        frame = frame.reset_index(drop=True)
        if "id" not in frame.columns:
            import pandas as pd

            return pd.DataFrame({"id": pd.Series([], dtype=object)}).set_index("id", drop=False)
        duplicated = frame["id"].duplicated()
        for position in frame.index[duplicated]:
            where = self.intake.where(frame, int(position), "id") if "_row" in frame else Where()
            self.diagnostics.append(
                MESSAGES.make("engine.duplicate_subject", where, id=frame.at[position, "id"])
            )
        frame = frame[~duplicated]
        frame = frame.set_index(frame["id"].to_numpy()).sort_index()
        spec = self.rules.subject(scope)
        if has_points(spec):
            frame = compute_points(frame, spec)
        return frame

    def _history(self, history: pd.DataFrame) -> dict[Scope, History]:
        if len(history) and "year" in history.columns:
            future = history["year"] >= self.year
            if future.any():
                self.diagnostics.append(
                    MESSAGES.make("engine.history_future", count=int(future.sum()), year=self.year)
                )
        return {
            s: History.for_scope(history, self.frames[s].index, self.titles_of[s], self.year)
            for s in SCOPES
        }

    # -- contexts ------------------------------------------------------------------------

    def context(self, scope: Scope, title_id: str | None = None) -> FrameContext:
        frame = self.frames[scope]
        members = None
        if scope == "units":
            people = self.frames["people"]

            def members() -> tuple[FrameContext, pd.Series]:
                known = people[people["unit"].isin(frame.index)] if "unit" in people else people
                return self.context("people"), known["unit"].reindex(people.index)

        def history() -> tuple[FrameContext, pd.Series, pd.Series, int]:
            window = title_id
            if title_id is not None and self.rules.titles[title_id].window == "all":
                window = None
            current = current_rows(
                frame.index,
                frame["level"] if "level" in frame else frame["id"].map(lambda _: None),
                self.year,
                self.held[scope],
                self.titles_of[scope],
            )
            rows = self.history[scope].window(window, current)
            ctx = FrameContext("history", rows, {})
            return ctx, rows["id"], rows["year"], self.year

        return FrameContext(scope, frame, self.held[scope], members=members, history=history)

    # -- the round -----------------------------------------------------------------------

    def run(self, options: dict[str, Any]) -> Result:
        for scope in SCOPES:
            self._apply_bands(scope)
        self.ranks = self._ranks()
        self.unit_ranks = {k: int(v) for k, v in self.ranks.dropna().items()}
        for tid in self.compiled.sequence:
            self._decide(tid)
        decisions = self._decisions()
        self._checks()
        return Result(
            rules=self.rules,
            year=self.year,
            lang=self.lang,
            units=self._subject_output("units"),
            people=self._subject_output("people"),
            decisions=decisions,
            diagnostics=[*self.intake.diagnostics, *self.diagnostics],
            provenance=Provenance(
                tool_version=__version__,
                rules_name=self.rules.name,
                rules_sha256=self.rules.sha256 or "",
                rules_source=self.rules.source,
                year=self.year,
                inputs=tuple(self.intake.inputs),
                options=dict(options),
            ),
            checks_failed=tuple(self.checks_failed),
        )

    def _apply_bands(self, scope: Scope) -> None:
        bands = self.compiled.bands.get(scope) or []
        if not bands:
            return
        import pandas as pd

        frame = self.frames[scope]
        ctx = self.context(scope)
        level = pd.Series([None] * len(frame.index), index=frame.index, dtype=object)
        for code, condition in bands:
            hit = condition.evaluate(ctx).reindex(frame.index, fill_value=False).astype(bool)
            level[hit & level.isna()] = code
        if "level" in frame.columns:
            reported = frame["level"]
            differs = reported.notna() & level.notna() & reported.ne(level)
            for sid in frame.index[differs]:
                self.diagnostics.append(
                    MESSAGES.make(
                        "engine.band_differs",
                        self._where(scope, sid, "level"),
                        id=sid,
                        reported=reported[sid],
                        computed=level[sid],
                    )
                )
        frame = frame.copy()
        frame["level"] = level
        self.frames[scope] = frame

    def _where(self, scope: Scope, subject: str, column: str | None = None) -> Where:
        frame = self.frames[scope]
        if "_file" not in frame.columns:
            return Where()
        position = frame.index.get_loc(subject)
        return self.intake.where(frame, int(position), column)

    def _decide(self, tid: str) -> None:
        import pandas as pd

        title = self.rules.titles[tid]
        scope = title.for_
        frame = self.frames[scope]
        ctx = self.context(scope, tid)
        clauses = self.compiled.when[tid].explain(ctx)
        eligible = pd.Series(True, index=frame.index)
        for clause in clauses:
            eligible &= clause.passed.reindex(frame.index, fill_value=False).astype(bool)

        superseded_by = pd.Series([None] * len(frame.index), index=frame.index, dtype=object)
        for group in self.rules.one_of:
            if tid not in group:
                continue
            for higher in group[: group.index(tid)]:
                got = self.held[scope].get(higher)
                if got is not None:
                    superseded_by[
                        got.reindex(frame.index, fill_value=False) & superseded_by.isna()
                    ] = higher
        superseded = eligible & superseded_by.notna()
        candidates = eligible & ~superseded

        status = pd.Series("ineligible", index=frame.index, dtype=object)
        status[superseded] = "superseded"
        rank = pd.Series(pd.NA, index=frame.index, dtype="Int64")
        places = pd.Series(pd.NA, index=frame.index, dtype="Int64")
        pool = pd.Series([None] * len(frame.index), index=frame.index, dtype=object)
        tied_with = pd.Series([()] * len(frame), index=frame.index, dtype=object)
        quota_lines = pd.Series("", index=frame.index, dtype=object)
        if title.quota is None:
            status[candidates] = "awarded"
        else:
            placed = self._place(tid, title, ctx, candidates)
            if placed is not None:
                status[placed.index] = placed["status"]
                rank[placed.index] = placed["rank"].astype("int64")
                places[placed.index] = placed["places"].astype("int64")
                tied_with[placed.index] = placed["tied_with"]
                quota_lines[placed.index] = placed["line"]
            if title.quota.per:
                pool = frame[title.quota.per].astype(object) if title.quota.per in frame else pool

        self.held[scope][tid] = status.eq("awarded")
        self.statuses[scope][tid] = status
        reasons = self._reasons(tid, title, clauses, status, superseded_by, quota_lines)
        decisions = pd.DataFrame(
            {
                "subject": frame.index.to_numpy(),
                "for": scope,
                "title": tid,
                "status": status.to_numpy(),
                "rank": rank.to_numpy(),
                "places": places.to_numpy(),
                "pool": pool.to_numpy(),
                "reasons": reasons.to_numpy(),
                "basis": title.basis,
                "tied_with": tied_with.to_numpy(),
                "achievement": self._achievement(tid, title, clauses, status).to_numpy(),
            }
        )
        decisions["rank"] = decisions["rank"].astype("Int64")
        decisions["places"] = decisions["places"].astype("Int64")
        self.records[tid] = _TitleRecord(status=status, frame=decisions)

    def _place(
        self, tid: str, title: Title, ctx: FrameContext, candidates: pd.Series
    ) -> pd.DataFrame | None:
        """Quota placement of the candidates; None when there are none."""
        import pandas as pd

        quota = title.quota
        assert quota is not None
        frame = self.frames[title.for_]
        if not candidates.any():
            return None
        if quota.per and quota.per in frame.columns:
            pools = frame[quota.per].astype(object).where(frame[quota.per].notna(), NO_POOL)
            pools = pools.astype(str)
        else:
            pools = pd.Series(NO_POOL, index=frame.index, dtype=object)
        if quota.of is None:
            in_base = candidates
        elif quota.of in self.rules.titles:
            in_base = self.held[title.for_].get(quota.of, pd.Series(False, index=frame.index))
            in_base = in_base.reindex(frame.index, fill_value=False).astype(bool)
        else:
            in_base = (
                self.compiled.quota_base[tid].evaluate(ctx).reindex(frame.index, fill_value=False)
            )
        base = in_base.astype(int).groupby(pools).sum()
        used = pools[candidates].unique()
        sizes = pd.Series({p: quota_size(int(base.get(p, 0)), quota) for p in used}, dtype="int64")
        table = pd.DataFrame({"pool": pools[candidates]})
        keys = []
        for i, key in enumerate(self.compiled.order[tid]):
            column = f"k{i}"
            table[column] = _sortable(key.expression.evaluate(ctx), key.descending)[candidates]
            keys.append(column)
        placed = place(table, keys, sizes)
        groups = placed.groupby("group").groups
        tie_members = {g: list(idx) for g, idx in groups.items()}
        tied_with = [
            tuple(s for s in tie_members[g] if s != sid) if st == "tie" else ()
            for sid, g, st in zip(placed.index, placed["group"], placed["status"])
        ]
        placed["tied_with"] = pd.Series(tied_with, index=placed.index, dtype=object)
        placed["line"] = self._quota_lines(title, placed, table["pool"], tied_with, base)
        return placed

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

    def _ranks(self) -> pd.Series:
        """Units' place in their cluster by score; equal scores share a place."""
        import pandas as pd

        frame = self.frames["units"]
        ranks = pd.Series(pd.NA, index=frame.index, dtype="Int64")
        if "score" not in frame.columns:
            return ranks
        cluster = frame["cluster"] if "cluster" in frame.columns else None
        pools = cluster.astype(str) if cluster is not None else pd.Series("", index=frame.index)
        scored = frame["score"].notna()
        for _, members in frame[scored].groupby(pools[scored], sort=True):
            values = sorted(members["score"], reverse=True)  # exact Decimal order
            first: dict[Decimal, int] = {}
            for place_, value in enumerate(values, start=1):
                first.setdefault(value, place_)
            ranks[members.index] = members["score"].map(first).astype("int64")
        return ranks

    # -- money, checks, output -----------------------------------------------------------

    def _decisions(self) -> pd.DataFrame:
        import pandas as pd

        ordered = [self.records[t].frame for t in self.rules.titles if t in self.records]
        units_first = [f for f in ordered if len(f) and f["for"].iat[0] == "units"] + [
            f for f in ordered if len(f) and f["for"].iat[0] == "people"
        ]
        if not units_first:
            return pd.DataFrame({c: [] for c in DECISION_COLUMNS})
        decisions = pd.concat(units_first, ignore_index=True)
        money, notes = prize_money(self.rules, decisions, self.lang)
        decisions["money"] = money
        decisions["reasons"] = [
            r + ((n,) if n else ()) for r, n in zip(decisions["reasons"], notes)
        ]
        return decisions[list(DECISION_COLUMNS)]

    def _checks(self) -> None:
        import pandas as pd

        for cid, check in self.rules.checks.items():
            scope = check.for_
            frame = self.frames[scope]
            if frame.empty:
                continue
            keys = pd.Series("", index=frame.index, dtype=object)
            for i, name in enumerate(check.per):
                part = frame[name].astype(object).where(frame[name].notna(), "").astype(str)
                keys = part if i == 0 else keys + " / " + part
            compiled = self.compiled.checks[cid]
            ctx = self.context(scope)
            held = compiled.evaluate(ctx, keys)
            values = compiled.explain(ctx, keys)
            basis = f" ({check.basis})" if check.basis else ""
            failing = held.index[~held.astype(bool)]
            if len(failing):
                self.checks_failed.append(cid)
            first_of = pd.Series(keys.index, index=keys.to_numpy()).groupby(level=0).first()
            for group in failing:
                first = first_of[group]
                self.diagnostics.append(
                    MESSAGES.make(
                        "engine.check_failed",
                        self._where(scope, first),
                        severity=check.severity,
                        check=cid,
                        basis=basis,
                        group=f"{', '.join(check.per)} = {group}" if check.per else "—",
                        require=check.require,
                        values=_check_values(values, group, self.lang),
                        message=f" {check.message}" if check.message else "",
                    )
                )

    def _subject_output(self, scope: Scope) -> pd.DataFrame:
        frame = self.frames[scope].copy()
        held = self.held[scope]
        order = [t for t in self.titles_of[scope] if t in held]
        awarded = [held[t].reindex(frame.index, fill_value=False).to_numpy() for t in order]
        frame["titles"] = (
            [tuple(t for t, flags in zip(order, row) if flags) for row in zip(*awarded)]
            if awarded
            else [()] * len(frame)
        )
        if scope == "units":
            frame["rank"] = self.ranks
        else:
            units = self.frames["units"]
            names = units["name"] if "name" in units.columns else units.index.to_series()
            frame["unit_name"] = frame["unit"].map(names) if "unit" in frame else None
        return frame.reset_index(drop=True)


def _sortable(values: pd.Series, descending: bool) -> pd.Series:
    """Order-key values as exact numbers, higher is better; blanks rank last."""
    if values.dtype == bool or str(values.dtype) == "boolean":
        values = values.astype("Int64")
    numbers = values.astype(object)
    missing = numbers.isna()
    numbers = numbers.where(~missing, 0)
    if not descending:
        numbers = -numbers
    return numbers.where(~missing, Decimal("-Infinity")).astype(object)


def _isna(value: Any) -> bool:
    """True for None, NaN and pd.NA; False for anything that is not a missing scalar."""
    import pandas as pd

    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


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


def _check_values(values: Any, group: Any, lang: Lang) -> str:
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
