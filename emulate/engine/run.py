"""`score(rules, intake) -> Result`: the whole year-end decision, as a pure function.

Steps: points and level bands → titles in dependency order (condition on whole frames, one_of,
quota placement) → prize money → checks → explanations. No files, no clock, no randomness:
the same inputs give the same result whatever the row order.

Inside, every subject of a scope has a position (subjects sorted by id) and every per-subject
value is a numpy array over those positions: conditions, statuses, ranks. Explanations are
built once per distinct combination of what they say (clause outcomes, values seen, quota
placement, notes) and shared by every decision that says the same (`engine.narrate`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from emulate import __version__
from emulate.diagnostics import Catalogue, Diagnostic, Lang, Where
from emulate.engine.context import FrameContext, HistoryContext
from emulate.engine.history import History
from emulate.engine.labels import code_dtype, labelled
from emulate.engine.money import Payments, prize_money
from emulate.engine.narrate import (
    Narration,
    Reasons,
    Texts,
    check_values,
    combine,
    object_array,
    object_array_of,
)
from emulate.engine.points import compute_points, has_points
from emulate.engine.quota import (
    AWARDED,
    INELIGIBLE,
    SUPERSEDED,
    TIE,
    dense_ranks,
    place_arrays,
    quota_size,
)
from emulate.engine.titles import CompiledRules, compile_rules
from emulate.intake.model import Intake
from emulate.rules.colops import lookup
from emulate.rules.model import STATUSES, RuleSet, Scope, Title

if TYPE_CHECKING:
    from collections.abc import Hashable

    import numpy as np
    import pandas as pd

    from emulate.engine.result import Result
    from emulate.rules.context import EvalContext


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
    """The decisions of one title, as arrays over the subjects of its scope."""

    status: np.ndarray  # int8 codes into STATUSES
    rank: np.ndarray | None  # int64, -1 = none (None: no candidate was placed)
    places: np.ndarray | None  # int64, -1 = none
    pool: np.ndarray | None  # object (the `per` values); None: no pool
    tied_with: np.ndarray | None  # object tuples; None: all ()
    reasons: Reasons
    achievement: Texts


def score(
    rules: RuleSet,
    intake: Intake,
    *,
    year: int | None = None,
    lang: Lang = "vi",
    options: dict[str, Any] | None = None,
    compiled: CompiledRules | None = None,
    explain: bool = True,
) -> Result:
    """Decide every title for every subject. Pure: reads nothing, writes nothing.

    `compiled`: the rules compiled once (`compile_rules`) for many rounds. `explain=False`
    leaves the explanations out (every decision's `reasons` is `()` and its `achievement`
    ""), for callers that only look at statuses and money, such as the rule file's tests."""
    round_ = _Round(
        rules, intake, year or rules.year, lang, compiled or compile_rules(rules), explain
    )
    return round_.run(options or {})


class _Round(Narration):
    def __init__(
        self,
        rules: RuleSet,
        intake: Intake,
        year: int,
        lang: Lang,
        compiled: CompiledRules,
        explain: bool = True,
    ) -> None:
        self.explain = explain
        self.rules = rules
        self.intake = intake
        self.year = year
        self.lang: Lang = lang
        self.compiled = compiled
        self.diagnostics: list[Diagnostic] = []
        self.titles_of: dict[Scope, list[str]] = {s: list(rules.titles_for(s)) for s in SCOPES}
        self.frames: dict[Scope, pd.DataFrame] = {
            "units": self._subjects(intake.units, "units"),
            "people": self._subjects(intake.people, "people"),
        }
        self.n: dict[Scope, int] = {s: len(self.frames[s].index) for s in SCOPES}
        self.held: dict[Scope, dict[str, np.ndarray]] = {"units": {}, "people": {}}
        self.statuses: dict[Scope, dict[str, np.ndarray]] = {"units": {}, "people": {}}
        self.store: dict[Scope, dict[Hashable, np.ndarray]] = {"units": {}, "people": {}}
        self.history = self._history(intake.history)
        self.unit_of = self._unit_of()
        self.records: dict[str, _TitleRecord] = {}
        self.checks_failed: list[str] = []
        self.ranks: pd.Series | None = None  # units' place in their cluster, after bands
        self.unit_ranks: dict[str, int] = {}
        self.position = {tid: i for i, tid in enumerate(rules.titles)}
        self.title_ids = list(rules.titles)
        self.interned: dict[tuple[str, ...], tuple[str, ...]] = {}
        self.sizes: dict[tuple[str, int], int] = {}
        self._names: dict[Scope, np.ndarray | None] = {}
        self._bases: dict[Scope, tuple[np.ndarray, list[str]] | None] = {}

    # -- input ---------------------------------------------------------------------------

    def _subjects(self, frame: pd.DataFrame, scope: Scope) -> pd.DataFrame:
        """The subjects sorted by id, the first row of a duplicated id kept (the others are
        reported), with the points table computed."""
        import numpy as np
        import pandas as pd

        index = frame.index
        if not (isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1):
            frame = frame.reset_index(drop=True)  # labels are positions (already, from intake)
        if "id" not in frame.columns:
            return pd.DataFrame({"id": pd.Series([], dtype=object)}).set_index("id", drop=False)
        ids = frame["id"].tolist()
        try:
            # Python's sort is stable (the first of equal ids stays first) and adaptive:
            # reports list subjects in runs already in order.
            order = np.array(sorted(range(len(ids)), key=ids.__getitem__), dtype=np.intp)
        except TypeError:  # a blank or non-text id: pandas' order, blanks last
            order = None
        if order is not None:
            ordered = np.array(ids, dtype=object)[order] if ids else np.zeros(0, dtype=object)
            repeat = np.zeros(len(ids), dtype=bool)
            repeat[1:] = ordered[1:] == ordered[:-1]
            duplicated = np.sort(order[repeat])
        else:
            duplicated = np.flatnonzero(frame["id"].duplicated().to_numpy())
        for position in duplicated.tolist():
            where = self.intake.where(frame, position, "id") if "_row" in frame else Where()
            self.diagnostics.append(
                MESSAGES.make("engine.duplicate_subject", where, id=frame.at[position, "id"])
            )
        if order is not None:
            keep = order[~repeat]
            if len(keep) != len(ids) or (np.diff(keep) != 1).any():
                frame = frame.take(keep)
            frame = frame.set_index(frame["id"].to_numpy())
        else:
            frame = frame.drop(index=duplicated)
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

    def _unit_of(self) -> np.ndarray:
        """Per person, the position of their unit among the units (-1: not a known unit)."""
        import numpy as np

        people = self.frames["people"]
        if "unit" not in people.columns:
            return np.full(self.n["people"], -1, dtype=np.intp)
        units = self.frames["units"].index
        return lookup(people["unit"].to_numpy(dtype=object), units.to_numpy(dtype=object))

    # -- contexts ------------------------------------------------------------------------

    def context(self, scope: Scope, title_id: str | None = None) -> FrameContext:
        ctx: FrameContext
        members = None
        if scope == "units":

            def members() -> tuple[EvalContext, np.ndarray]:
                return self.context("people"), self.unit_of

        def history() -> tuple[EvalContext, np.ndarray, np.ndarray, int]:
            import numpy as np

            window = title_id
            if title_id is not None and self.rules.titles[title_id].window == "all":
                window = None
            past = self.history[scope]
            mask = past.window(window)
            n = self.n[scope]
            hctx = HistoryContext(past, mask, ctx, n)
            subject, years = past.subject, past.year
            if mask is not None:
                subject, years = subject[mask], years[mask]
            subject = np.concatenate([subject, np.arange(n, dtype=subject.dtype)])
            years = np.concatenate([years, np.full(n, self.year, dtype=years.dtype)])
            return hctx, subject, years, self.year

        ctx = FrameContext(
            scope,
            self.frames[scope],
            self.held[scope],
            dynamic=frozenset(self.titles_of[scope]),
            store=self.store[scope],
            members=members,
            history=history,
        )
        return ctx

    # -- the round -----------------------------------------------------------------------

    def decide(self, *, ranks: bool = True) -> None:
        """Bands, places in clusters, then every title in dependency order.

        `ranks=False` leaves out the places in clusters: only the result's units frame and the
        explanations show them, and a rule file's test case reads neither."""
        for scope in SCOPES:
            self._apply_bands(scope)
        if ranks:
            self.ranks = self._ranks()
            self.unit_ranks = {k: int(v) for k, v in self.ranks.dropna().items()}
        for tid in self.compiled.sequence:
            self._decide(tid)

    def run(self, options: dict[str, Any]) -> Result:
        from emulate.engine.result import Provenance, Result  # not needed by `outcome`

        self.decide()
        self._checks()
        self._let_go()
        decisions = self._decisions()
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

    def _let_go(self) -> None:
        """Drop what only deciding uses (past years, converted columns, explanation caches)
        before the decisions frame, the largest of the result, is built."""
        self.history = {}
        self.store = {"units": {}, "people": {}}
        self.statuses = {"units": {}, "people": {}}
        self._names = {}
        self._bases = {}

    def _apply_bands(self, scope: Scope) -> None:
        bands = self.compiled.bands.get(scope) or []
        if not bands:
            return
        import numpy as np
        import pandas as pd

        frame = self.frames[scope]
        ctx = self.context(scope)
        level = object_array(len(frame.index), None)
        unset = np.ones(len(frame.index), dtype=bool)
        for code, condition in bands:
            hit = condition.evaluate_array(ctx) & unset
            level[hit] = code
            unset &= ~hit
        level_series = pd.Series(level, index=frame.index, dtype=object)
        if "level" in frame.columns:
            reported = frame["level"]
            differs = reported.notna() & level_series.notna() & reported.ne(level_series)
            for sid in frame.index[differs]:
                self.diagnostics.append(
                    MESSAGES.make(
                        "engine.band_differs",
                        self._where(scope, sid, "level"),
                        id=sid,
                        reported=reported[sid],
                        computed=level_series[sid],
                    )
                )
        frame = frame.copy(deep=False)
        frame["level"] = level_series
        self.frames[scope] = frame
        self.store[scope] = {}  # the level changed: converted columns are stale

    def _where(self, scope: Scope, subject: str, column: str | None = None) -> Where:
        frame = self.frames[scope]
        if "_file" not in frame.columns:
            return Where()
        position = frame.index.get_loc(subject)
        return self.intake.where(frame, int(position), column)

    def _wheres(self, scope: Scope, rows: list[int], column: str | None = None) -> list[Where]:
        """The places of many subjects (rows of the scope's frame)."""
        frame = self.frames[scope]
        if "_file" not in frame.columns:
            return [Where() for _ in rows]
        return self.intake.wheres(frame, rows, column)

    def _decide(self, tid: str) -> None:
        import numpy as np

        title = self.rules.titles[tid]
        scope = title.for_
        n = self.n[scope]
        ctx = self.context(scope, tid)
        when = self.compiled.when[tid]
        if self.explain:
            clauses = when.explain_arrays(ctx)
            passed = [c.passed for c in clauses]
        else:  # the values each clause saw are only shown
            clauses, passed = [], when.passed_arrays(ctx)
        eligible = np.ones(n, dtype=bool)
        for clause_passed in passed:
            eligible &= clause_passed

        superseded_by = np.full(n, -1, dtype=np.intp)  # position of the higher title
        for group in self.rules.one_of:
            if tid not in group:
                continue
            for higher in group[: group.index(tid)]:
                got = self.held[scope].get(higher)
                if got is not None:
                    superseded_by[got & (superseded_by < 0)] = self.position[higher]
        superseded = eligible & (superseded_by >= 0)
        candidates = eligible & ~superseded

        status = np.full(n, INELIGIBLE, dtype=np.int8)
        status[superseded] = SUPERSEDED
        placed: _Placed | None = None
        pool = None
        if title.quota is None:
            status[candidates] = AWARDED
        else:
            placed = self._place(tid, title, ctx, candidates)
            if placed is not None:
                status[candidates] = placed.status
            if title.quota.per and title.quota.per in self.frames[scope].columns:
                pool = self.frames[scope][title.quota.per].to_numpy(dtype=object)

        self.held[scope][tid] = status == AWARDED
        self.statuses[scope][tid] = status
        if self.explain:
            reasons = self._reasons(tid, title, clauses, status, superseded_by, placed, candidates)
            achievement = self._achievement(tid, title, clauses, status)
        else:
            reasons = Reasons(np.zeros(n, dtype=np.int32), [()])
            achievement = Texts(np.full(n, -1, dtype=np.int32), [])
        rank = places = tied_with = None
        if placed is not None:
            rank = np.full(n, -1, dtype=np.int64)
            places = np.full(n, -1, dtype=np.int64)
            rank[candidates] = placed.rank
            places[candidates] = placed.places
            tied_with = placed.tied_with
        self.records[tid] = _TitleRecord(
            status=status,
            rank=rank,
            places=places,
            pool=pool,
            tied_with=tied_with,
            reasons=reasons,
            achievement=achievement,
        )

    def _place(
        self, tid: str, title: Title, ctx: FrameContext, candidates: np.ndarray
    ) -> _Placed | None:
        """Quota placement of the candidates; None when there are none."""
        import numpy as np
        import pandas as pd

        quota = title.quota
        assert quota is not None
        scope = title.for_
        frame = self.frames[scope]
        n = self.n[scope]
        if not candidates.any():
            return None
        if quota.per and quota.per in frame.columns:
            raw = frame[quota.per].to_numpy(dtype=object)
            codes, uniques = pd.factorize(raw)
            # the pool is the value as text (a blank is the pool ""): equal texts, one pool
            texts = ["" if pd.isna(u) else str(u) for u in uniques.tolist()] + [NO_POOL]
            pool_codes, pool_names = pd.factorize(np.array(texts, dtype=object))
            pools = pool_codes[codes]  # code -1 (blank) reads the last entry
            pool_names = pool_names.tolist()
        else:
            pools = np.zeros(n, dtype=np.intp)
            pool_names = [NO_POOL]
        if quota.of is None:
            in_base = candidates
        elif quota.of in self.rules.titles:
            in_base = self.held[scope].get(quota.of, np.zeros(n, dtype=bool))
        else:
            in_base = self.compiled.quota_base[tid].evaluate_array(ctx)
        base = np.bincount(pools[in_base], minlength=len(pool_names))
        sizes = np.zeros(len(pool_names), dtype=np.int64)
        for p in np.unique(pools[candidates]).tolist():
            sizes[p] = self._quota_size(tid, int(base[p]))
        keys = [
            dense_ranks(key.expression.evaluate_array(ctx)[candidates], key.descending)
            for key in self.compiled.order[tid]
        ]
        pool_of = pools[candidates]
        rank, _, cap, status, group = place_arrays(pool_of, keys, sizes)
        rows = np.flatnonzero(candidates)
        tied_with = None
        tie = status == TIE
        others: dict[int, tuple[int, ...]] = {}  # per tied candidate, the rows tied with it
        if tie.any():
            ids = frame.index.to_numpy(dtype=object)
            members: dict[int, list[int]] = {}
            for i, g in zip(np.flatnonzero(tie).tolist(), group[tie].tolist(), strict=True):
                members.setdefault(g, []).append(i)
            tied_with = object_array(n, ())
            for same in members.values():
                for i in same:
                    mates = tuple(int(rows[j]) for j in same if j != i)
                    tied_with[rows[i]] = tuple(ids[m] for m in mates)
                    others[i] = mates
        lines = None
        if self.explain:
            lines = self._quota_lines(title, rank, cap, status, pool_of, pool_names, base, others)
        return _Placed(status, rank, cap, tied_with, lines)

    def _quota_size(self, tid: str, base: int) -> int:
        key = (tid, base)
        size = self.sizes.get(key)
        if size is None:
            quota = self.rules.titles[tid].quota
            assert quota is not None
            size = self.sizes[key] = quota_size(base, quota)
        return size

    def _ranks(self) -> pd.Series:
        """Units' place in their cluster by score; equal scores share a place. A unit without
        a score, or without a cluster, has none."""
        import numpy as np
        import pandas as pd

        frame = self.frames["units"]
        ranks = pd.Series(pd.NA, index=frame.index, dtype="Int64")
        if "score" not in frame.columns:
            return ranks
        cluster = frame["cluster"] if "cluster" in frame.columns else None
        pools = cluster.astype(str) if cluster is not None else pd.Series("", index=frame.index)
        codes, _ = pd.factorize(pools.to_numpy(dtype=object))
        scored = frame["score"].notna().to_numpy() & (codes >= 0)
        if not scored.any():
            return ranks
        score = frame["score"].to_numpy(dtype=object)[scored]  # exact Decimal order
        rank, *_ = place_arrays(
            codes[scored], [dense_ranks(score)], np.zeros(int(codes.max()) + 1, dtype=np.int64)
        )
        values = np.zeros(len(frame.index), dtype=np.int64)
        values[scored] = rank
        return pd.Series(pd.arrays.IntegerArray(values, ~scored), index=frame.index)

    # -- money, checks, output -----------------------------------------------------------

    def _decisions(self) -> pd.DataFrame:
        """One row per (subject, title): units' titles first, each scope in rule-set order.

        Columns are filled title by title into arrays of the final length (no per-title
        frames, no concatenation): at country scale the frame has tens of millions of rows."""
        import numpy as np
        import pandas as pd

        from emulate.engine.result import DECISION_COLUMNS

        order = [
            t
            for scope in SCOPES
            for t in self.rules.titles
            if t in self.records and self.rules.titles[t].for_ == scope and self.n[scope]
        ]
        if not order:
            return pd.DataFrame({c: [] for c in DECISION_COLUMNS})
        payments = self._payments()
        pools_are_text = all(
            self.records[t].pool is not None
            and pd.api.types.infer_dtype(self.records[t].pool, skipna=False) == "string"
            for t in order
        )
        total = sum(self.n[self.rules.titles[t].for_] for t in order)
        columns: dict[str, Any] = {
            c: np.empty(total, dtype=object)
            for c in ("subject", "pool", "money", "reasons", "tied_with")
        }
        # Labels as codes: per title into `order` (title, basis) and SCOPES, the status
        # codes as decided, the achievements into `texts` (0: "").
        title_code = np.empty(total, dtype=code_dtype(len(order)))
        status = np.empty(total, dtype=np.int8)
        achievement = np.empty(total, dtype=np.int32)
        texts = [""]
        rank = np.full(total, -1, dtype=np.int32)
        places = np.full(total, -1, dtype=np.int32)
        start = 0
        for i, tid in enumerate(order):
            title = self.rules.titles[tid]
            scope = title.for_
            record = self.records[tid]
            stop = start + self.n[scope]
            part = slice(start, stop)
            columns["subject"][part] = self.frames[scope].index.to_numpy(dtype=object)
            title_code[part] = i
            said = record.achievement.codes
            achievement[part] = np.where(said >= 0, said + len(texts), 0)
            texts += record.achievement.table
            status[part] = record.status
            if record.rank is not None and record.places is not None:
                rank[part] = record.rank
                places[part] = record.places
            columns["pool"][part] = record.pool if record.pool is not None else None
            if record.tied_with is not None:
                columns["tied_with"][part] = record.tied_with
            else:
                columns["tied_with"][part].fill(())
            paid = payments.get(tid)
            if paid is None or not self.explain:
                record.reasons.write(columns["reasons"][part], self.interned)
            else:
                record.reasons.write_with_notes(
                    columns["reasons"][part], paid.codes, paid.notes, self.interned
                )
            if paid is None:
                columns["money"][part] = None
            else:
                amounts = object_array_of([*paid.amounts, None])  # code -1: None
                np.take(amounts, paid.codes, out=columns["money"][part], mode="wrap")
            del self.records[tid]  # written: its arrays can go
            start = stop
        record = None
        subjects_are_text = all(
            pd.api.types.infer_dtype(self.frames[s].index, skipna=False) == "string"
            for s in {self.rules.titles[t].for_ for t in order}
        )
        scopes = [self.rules.titles[t].for_ for t in order]
        frame: dict[str, Any] = {
            "subject": _text_column(columns.pop("subject"), subjects_are_text),
            "for": labelled(title_code, scopes),
            "title": labelled(title_code, order),
            "status": labelled(status, STATUSES),
            "rank": pd.arrays.IntegerArray(rank, rank < 0),
            "places": pd.arrays.IntegerArray(places, places < 0),
            "pool": _text_column(columns.pop("pool"), pools_are_text),
            "money": _objects(columns.pop("money")),
            "reasons": _objects(columns.pop("reasons")),
            "basis": labelled(title_code, [self.rules.titles[t].basis for t in order]),
            "tied_with": _objects(columns.pop("tied_with")),
            "achievement": labelled(achievement, texts),
        }
        return pd.DataFrame(frame, copy=False)[list(DECISION_COLUMNS)]

    def _payments(self) -> dict[str, Payments]:
        payments: dict[str, Payments] = {}
        for scope in SCOPES:
            decided = [t for t in self.titles_of[scope] if t in self.records]
            awarded = {t: self.held[scope][t] for t in decided}
            payments.update(prize_money(self.rules, decided, awarded, self.lang))
        return payments

    def outcome(self) -> Outcome:
        """What a rule file's test case looks at, read from the decided round: no frames."""
        import numpy as np

        self.decide(ranks=self.explain)
        self._checks()
        payments = self._payments()
        status: dict[tuple[str, str], str] = {}
        awarded: dict[str, list[str]] = {}
        money: dict[str, Decimal] = {}
        for scope in SCOPES:
            ids = self.frames[scope].index.tolist()
            for tid in self.rules.titles:
                record = self.records.get(tid)
                if record is None or self.rules.titles[tid].for_ != scope:
                    continue
                for sid, code in zip(ids, record.status.tolist(), strict=True):
                    status.setdefault((sid, tid), STATUSES[code])
                    if code == AWARDED:
                        awarded.setdefault(sid, []).append(tid)
                paid = payments.get(tid)
                if paid is not None:
                    for row in np.flatnonzero(paid.codes >= 0).tolist():
                        sid = ids[row]
                        money[sid] = money.get(sid, Decimal(0)) + paid.amounts[paid.codes[row]]
        return Outcome(status, awarded, money, tuple(self.checks_failed))

    def _checks(self) -> None:
        import numpy as np
        import pandas as pd

        for cid, check in self.rules.checks.items():
            scope = check.for_
            frame = self.frames[scope]
            if frame.empty:
                continue
            keys = _group_keys(frame, check.per)
            compiled = self.compiled.checks[cid]
            ctx = self.context(scope)
            held, values = compiled.run(ctx, keys)
            basis = f" ({check.basis})" if check.basis else ""
            failing = held.index[~held.to_numpy(dtype=bool)]
            if not len(failing):
                continue
            self.checks_failed.append(cid)
            codes, uniques = pd.factorize(keys.to_numpy(dtype=object))
            first = np.full(len(uniques), len(codes), dtype=np.intp)
            np.minimum.at(first, codes, np.arange(len(codes)))
            first_of = dict(zip(uniques.tolist(), first.tolist(), strict=True))
            failing_rows = [first_of[group] for group in failing]
            wheres = self._wheres(scope, failing_rows)
            values = tuple(
                dict(zip(side.index.tolist(), side.tolist(), strict=True))
                if isinstance(side, pd.Series)
                else side
                for side in values
            )
            for group, where in zip(failing, wheres, strict=True):
                self.diagnostics.append(
                    MESSAGES.make(
                        "engine.check_failed",
                        where,
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
        import numpy as np

        frame = self.frames[scope].copy(deep=False)
        held = self.held[scope]
        order = [t for t in self.titles_of[scope] if t in held]
        n = self.n[scope]
        if order:
            codes, first = combine([held[t].astype(np.int8) for t in order], n)
            table = object_array(len(first), ())
            for j, row in enumerate(first.tolist()):
                table[j] = tuple(t for t in order if held[t][row])
            frame["titles"] = table[codes]
        else:
            frame["titles"] = object_array(n, ())
        if scope == "units":
            frame["rank"] = self.ranks
        else:
            units = self.frames["units"]
            names = units["name"] if "name" in units.columns else units.index.to_series()
            frame["unit_name"] = frame["unit"].map(names) if "unit" in frame else None
        return frame.reset_index(drop=True)


@dataclass(frozen=True)
class Outcome:
    """The decisions as a rule file's test case reads them (`engine.testcases.compare`)."""

    status: dict[tuple[str, str], str]  # (subject, title) → status
    awarded: dict[str, list[str]]  # subject → the titles it is awarded
    money: dict[str, Decimal]  # subject → its prize money in total (absent: none)
    checks_failed: tuple[str, ...]

    @classmethod
    def of(cls, result: Result) -> Outcome:
        d = result.decisions
        status: dict[tuple[str, str], str] = {}
        awarded: dict[str, list[str]] = {}
        money: dict[str, Decimal] = {}
        for sid, tid, st, paid in zip(
            d["subject"].tolist(),
            d["title"].tolist(),
            d["status"].tolist(),
            d["money"].tolist(),
            strict=True,
        ):
            status.setdefault((sid, tid), st)
            if st == "awarded":
                awarded.setdefault(sid, []).append(tid)
            if paid is not None:
                money[sid] = money.get(sid, Decimal(0)) + paid
        return cls(status, awarded, money, tuple(result.checks_failed))


def outcome(
    rules: RuleSet, intake: Intake, *, year: int | None = None, compiled: CompiledRules
) -> Outcome:
    """Decide as `score` does (without explanations) and return only what a test case of the
    rule file looks at: statuses, prize money, the checks that fired."""
    round_ = _Round(rules, intake, year or rules.year, "vi", compiled, explain=False)
    return round_.outcome()


@dataclass
class _Placed:
    """Quota placement, per candidate (in subject order)."""

    status: np.ndarray
    rank: np.ndarray
    places: np.ndarray
    tied_with: np.ndarray | None  # per subject of the scope; None: nobody tied
    lines: tuple[np.ndarray, list[str]] | None  # per candidate a code into the quota lines


def _group_keys(frame: pd.DataFrame, per: tuple[str, ...]) -> pd.Series:
    """Per row the group of a check: its `per` values as text, joined by " / " (a blank is
    ""; no `per`: one group ""). Blanks are replaced in the values' array, not by the Series'
    `where`, whose cost on the small frames of a rule file's test cases is most of a check's."""
    import numpy as np
    import pandas as pd

    keys = pd.Series("", index=frame.index, dtype=object)
    for i, name in enumerate(per):
        values = frame[name].to_numpy(dtype=object)
        part = pd.Series(np.where(pd.isna(values), "", values), index=frame.index, dtype="str")
        keys = part if i == 0 else keys + " / " + part
    return keys


def _text_column(values: np.ndarray, text: bool = True) -> pd.Series:
    """Strings in pandas' text dtype (as pandas infers a column of strings), when `text`
    (every value is a string); else the values as objects (None stays None)."""
    import pandas as pd

    if text:
        return pd.Series(values, dtype=pd.api.types.pandas_dtype("str"), copy=False)
    return _objects(values)


def _objects(values: np.ndarray) -> pd.Series:
    """An object column that pandas must not infer as text."""
    import pandas as pd

    return pd.Series(values, dtype=object, copy=False)
