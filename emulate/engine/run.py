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
from emulate.engine.context import FrameContext
from emulate.engine.history import History, current_rows
from emulate.engine.money import prize_money
from emulate.engine.narrate import Narration, check_values
from emulate.engine.points import compute_points, has_points
from emulate.engine.quota import place, quota_size
from emulate.engine.result import DECISION_COLUMNS, Provenance, Result
from emulate.engine.titles import CompiledRules, compile_rules
from emulate.intake.model import Intake
from emulate.rules.model import RuleSet, Scope, Title

if TYPE_CHECKING:
    import pandas as pd


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


class _Round(Narration):
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
                        values=check_values(values, group, self.lang),
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
