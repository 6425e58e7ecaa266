"""The sentences of a round: reasons per decision, quota placement lines, pending ties,
the "Thành tích" line. Mixed into the round (`engine.run._Round`), whose state it reads:
`rules`, `lang`, `year`, `frames`, `n`, `statuses`, `compiled`, `unit_ranks`, `unit_of`,
`title_ids`.

Explanations are highly repetitive: at a province's scale most of a title's decisions say one
of a few dozen things. So each decision's explanation is a code — the combination of what it
says (each clause passed or failed with the value seen, the title superseding it, its quota
line, pending ties, its money note) — and each distinct combination is turned into its tuple of
sentences once; every decision with that code shares that one tuple.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from emulate.diagnostics import Lang
from emulate.engine import explain as ex
from emulate.engine.quota import AWARDED, INELIGIBLE, OVER_QUOTA, TIE
from emulate.rules.model import Scope, Title

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from emulate.rules.conditions import ClauseArrays


def object_array(n: int, value: Any) -> np.ndarray:
    """An object array of `n` times `value` (a tuple stays one element)."""
    import numpy as np

    out = np.empty(n, dtype=object)
    out.fill(value)
    return out


def combine(parts: list[np.ndarray], n: int) -> tuple[np.ndarray, np.ndarray]:
    """Rows with equal values in every one of `parts` (integer arrays, -1 allowed) get one
    code: returns per row its code (0..k-1) and, per code, one row that has it."""
    import numpy as np

    key = np.zeros(n, dtype=np.int64)
    size = 1
    for part in parts:
        shifted = part.astype(np.int64) + 1
        m = int(shifted.max()) + 1 if n else 1
        if size * m >= 2**62:
            key, size = _dense(key, size)
        key = key * m + shifted
        size *= m
    codes, k = _dense(key, size)
    first = np.zeros(k, dtype=np.intp)
    first[codes] = np.arange(n)
    return codes, first


def _dense(key: np.ndarray, size: int) -> tuple[np.ndarray, int]:
    """Codes 0..k-1 for the distinct values of `key` (all in 0..size-1)."""
    import numpy as np
    import pandas as pd

    n = len(key)
    if size <= max(4 * n, 1 << 16):
        present = np.zeros(size, dtype=bool)
        present[key] = True
        lookup = np.cumsum(present) - 1
        return lookup[key].astype(np.intp), int(lookup[-1]) + 1 if size else 0
    codes, uniques = pd.factorize(key)
    return codes.astype(np.intp), len(uniques)


def _intern(table: list[tuple[str, ...]], interned: dict[Any, Any]) -> np.ndarray:
    out = object_array(len(table), None)
    for j, t in enumerate(table):
        out[j] = interned.setdefault(t, t)
    return out


@dataclass
class Texts:
    """One text per decision: a code into `table` (-1: "")."""

    codes: np.ndarray
    table: list[str]


@dataclass
class Reasons:
    """A title's explanations: per decision a code into `table` (tuples of sentences)."""

    codes: np.ndarray
    table: list[tuple[str, ...]]

    def write(self, out: np.ndarray, interned: dict[Any, Any]) -> None:
        """The reasons per decision (shared tuples)."""
        import numpy as np

        np.take(_intern(self.table, interned), self.codes, out=out, mode="wrap")

    def write_with_notes(
        self,
        out: np.ndarray,
        note_codes: np.ndarray,
        notes: list[str],
        interned: dict[Any, Any],
    ) -> None:
        """The reasons per decision, each followed by its note (`note_codes`, -1: none)."""
        codes, first = combine([self.codes, note_codes], len(self.codes))
        table = []
        for row in first.tolist():
            reasons = self.table[self.codes[row]]
            note = int(note_codes[row])
            table.append((*reasons, notes[note]) if note >= 0 and notes[note] else reasons)
        import numpy as np

        np.take(_intern(table, interned), codes, out=out, mode="wrap")


class Narration:
    """Explanations, built per distinct combination over a title's subjects."""

    rules: Any
    lang: Lang
    year: int
    frames: dict[Scope, pd.DataFrame]
    n: dict[Scope, int]
    statuses: dict[Scope, dict[str, np.ndarray]]
    compiled: Any
    unit_ranks: dict[str, int]
    unit_of: np.ndarray
    title_ids: list[str]
    _names: dict[Scope, np.ndarray | None]  # the subjects' names, per scope
    _bases: dict[Scope, tuple[np.ndarray, list[str]] | None]  # `_achievement_base`, per scope

    def _name_array(self, scope: Scope) -> np.ndarray | None:
        if scope not in self._names:
            frame = self.frames[scope]
            self._names[scope] = (
                frame["name"].to_numpy(dtype=object) if "name" in frame.columns else None
            )
        return self._names[scope]

    def _quota_lines(
        self,
        title: Title,
        rank: np.ndarray,
        places: np.ndarray,
        status: np.ndarray,
        pool_of: np.ndarray,
        pool_names: list[str],
        base: np.ndarray,
        others: dict[int, tuple[int, ...]],
    ) -> tuple[np.ndarray, list[str]]:
        """ "Hạng 5/4 suất (đơn vị P01): ngoài chỉ tiêu; Chỉ tiêu: ..." per candidate: a code
        per candidate and the line of each code. `others`: per tied candidate, the rows of
        the subjects tied with it."""
        import numpy as np

        lang = self.lang
        quota = title.quota
        assert quota is not None
        label = ex.per_label(quota.per, self.rules, title.for_, lang) if quota.per else ""
        rule = ex.describe_quota(quota, self.rules, title.for_, lang)
        template = {
            AWARDED: ex.TEXT["in_quota"][lang],
            OVER_QUOTA: ex.TEXT["over_quota"][lang],
            TIE: ex.TEXT["tie"][lang],
        }
        ids = self.frames[title.for_].index.to_numpy(dtype=object)
        names = self._name_array(title.for_)
        m = len(status)
        tie_row = np.where(status == TIE, np.arange(m), -1)
        codes, first = combine([status, rank, pool_of, tie_row], m)
        # per pool (places and base are the pool's): "(đơn vị P01)" and the quota rule
        said: dict[int, tuple[str, str]] = {}
        lines = []
        for i, st, r, p, cap in zip(
            first.tolist(),
            status[first].tolist(),
            rank[first].tolist(),
            pool_of[first].tolist(),
            places[first].tolist(),
            strict=True,
        ):
            pool_said = said.get(p)
            if pool_said is None:
                where = ex.say("pool", lang, per=label, value=pool_names[p]) if quota.per else ""
                size = int(base[p])
                rule_said = ex.say("quota_rule", lang, rule=rule, base=size, places=cap)
                pool_said = said[p] = (where, rule_said)
            mates = others.get(i)
            tied = ""
            if mates:
                tied = ", ".join(
                    f"{ids[o]} {names[o]}" if names is not None else str(ids[o]) for o in mates
                )
            line = template[st].format(rank=r, places=cap, pool=pool_said[0], others=tied)
            lines.append(f"{line}; {pool_said[1]}")
        return codes, lines

    # -- explanations --------------------------------------------------------------------

    def _reasons(
        self,
        tid: str,
        title: Title,
        clauses: list[ClauseArrays],
        status: np.ndarray,
        superseded_by: np.ndarray,
        placed: Any,
        candidates: np.ndarray,
    ) -> Reasons:
        """Each clause with the value seen (an ineligible decision lists only the clauses
        that failed), the higher title that superseded it, the quota line, pending ties."""
        import numpy as np

        lang = self.lang
        n = len(status)
        ineligible = status == INELIGIBLE
        parts: list[np.ndarray] = []
        shown: list[list[str] | None] = []
        for clause in clauses:
            passed = clause.passed
            if clause.seen is None:
                code = passed.astype(np.int64)
                shown.append(None)
            else:
                seen_codes, texts = _seen_codes(clause, lang)
                code = 2 * (seen_codes.astype(np.int64) + 1) + passed
                shown.append(texts)
            parts.append(np.where(passed & ineligible, -1, code))
        parts.append(superseded_by)
        quota_lines: list[str] = []
        if placed is not None:
            assert placed.lines is not None
            line_codes, quota_lines = placed.lines
            quota = np.full(n, -1, dtype=np.intp)
            quota[candidates] = line_codes
            parts.append(quota)
        pending = self._pending(tid, title, n)
        if pending is not None:
            parts.append(pending[0])
        codes, first = combine(parts, n)
        # the parts at one row of each code, as Python ints
        at = [part[first].tolist() for part in parts]
        ok, ko = ex.say("pass", lang), ex.say("fail", lang)
        said: list[dict[int, str]] = [{} for _ in clauses]

        def clause_line(i: int, c: int) -> str:
            line = said[i].get(c)
            if line is None:
                line = f"{ok if c & 1 else ko} {clauses[i].text}"
                texts = shown[i]
                if texts is not None:
                    seen = texts[(c >> 1) - 1]
                    if seen != "":
                        line = f"{line} [{seen}]"
                said[i][c] = line
            return line

        superseded = {
            p: ex.say("superseded", lang, higher=self._title_label(t))
            for p, t in enumerate(self.title_ids)
        }
        extra = [
            (len(clauses), superseded),
            *([(len(clauses) + 1, quota_lines)] if placed is not None else []),
            *([(len(parts) - 1, pending[1])] if pending is not None else []),
        ]
        table: list[tuple[str, ...]] = []
        for j in range(len(first)):
            lines = [clause_line(i, at[i][j]) for i in range(len(clauses)) if at[i][j] >= 0]
            for i, texts in extra:
                c = at[i][j]
                if c >= 0:
                    lines.append(texts[c])
            if any("\n" in line for line in lines):  # a value or a name on several lines
                text = "\n".join(line for line in lines if line)
                table.append(tuple(text.split("\n")) if text else ())
            else:
                table.append(tuple(line for line in lines if line))
        return Reasons(codes.astype(np.int32), table)

    def _pending(self, tid: str, title: Title, n: int) -> tuple[np.ndarray, list[str]] | None:
        """Notes on decisions that hang on a tie of a title this one depends on: per
        subject a code into the notes (-1: none); None when no decision hangs."""
        import numpy as np
        import pandas as pd

        scope = title.for_
        notes: np.ndarray | None = None

        def add(rows: list[int], texts: list[str]) -> None:
            nonlocal notes
            if notes is None:
                notes = object_array(n, None)
            for i, note in zip(rows, texts, strict=True):
                notes[i] = note if notes[i] is None else f"{notes[i]}; {note}"

        deps = self.compiled.when[tid].titles
        for dep in sorted(deps):
            if dep not in self.rules.titles:
                continue
            dep_scope = self.rules.titles[dep].for_
            dep_status = self.statuses[dep_scope].get(dep)
            if dep_status is None:
                continue
            tied = np.flatnonzero(dep_status == TIE)
            if not len(tied):
                continue
            if dep_scope == scope:
                note = ex.say("pending", self.lang, title=self._title_label(dep))
                add(tied.tolist(), [note] * len(tied))
            elif scope == "units" and dep_scope == "people":
                ids = self.frames["people"].index.to_numpy(dtype=object)
                who: dict[int, list[str]] = {}
                for person, unit in zip(tied.tolist(), self.unit_of[tied].tolist(), strict=True):
                    if unit >= 0:
                        who.setdefault(unit, []).append(ids[person])
                units = sorted(who)
                add(
                    units,
                    [
                        ex.say(
                            "pending_members",
                            self.lang,
                            title=self._title_label(dep),
                            who=", ".join(sorted(who[u])),
                        )
                        for u in units
                    ],
                )
        if notes is None:
            return None
        codes, uniques = pd.factorize(notes)
        return codes, uniques.tolist()

    def _title_label(self, tid: str) -> str:
        title = self.rules.titles[tid]
        return title.short or title.name

    def _achievement(
        self, tid: str, title: Title, clauses: list[ClauseArrays], status: np.ndarray
    ) -> Texts:
        """One line for the "Thành tích" column, only where the decision is awarded or tied:
        the unit's points and place, or the person's level; then a consecutive-years chain
        ("03 năm liên tục CSTĐCS 2023–2025") when the condition counts one."""
        import numpy as np
        import pandas as pd

        lang = self.lang
        n = len(status)
        out = Texts(np.full(n, -1, dtype=np.int32), [])
        rows = np.flatnonzero((status == AWARDED) | (status == TIE))
        if not len(rows):
            return out
        parts: list[np.ndarray] = []
        texts: list[list[str]] = []
        base = self._achievement_base(title.for_)
        if base is not None:
            parts.append(base[0][rows])
            texts.append(base[1])
        streak = next(
            (c for c in clauses if c.text.startswith("streak(") and c.seen is not None), None
        )
        if streak is not None and streak.seen is not None:
            inner = streak.text[len("streak(") :].split(")")[0]
            what = self._title_label(inner) if inner in self.rules.titles else inner
            years = pd.to_numeric(pd.Series(streak.seen[rows]), errors="coerce").fillna(0)
            said = sorted({int(v) for v in years.tolist() if v > 0})
            count = years.astype(int).to_numpy()
            known = np.isin(count, said)
            parts.append(np.where(known, np.searchsorted(said, count), -1))
            texts.append(
                [
                    ex.say(
                        "achievement_streak",
                        lang,
                        n=k,
                        what=what,
                        start=self.year - k + 1,
                        end=self.year,
                    )
                    for k in said
                ]
            )
        if not parts:
            return out
        codes, first = combine(parts, len(rows))
        for row in first.tolist():
            said_parts = [t[int(p[row])] for p, t in zip(parts, texts, strict=True) if p[row] >= 0]
            out.table.append("; ".join(s for s in said_parts if s))
        out.codes[rows] = codes
        return out

    def _achievement_base(self, scope: Scope) -> tuple[np.ndarray, list[str]] | None:
        """Per subject a code into the first part of its achievement line: a unit's points
        and place, or a level "Hoàn thành xuất sắc nhiệm vụ năm 2025"."""
        import numpy as np
        import pandas as pd

        cache = self._bases
        if scope in cache:
            return cache[scope]
        frame = self.frames[scope]
        got: tuple[np.ndarray, list[str]] | None = None
        if scope == "units" and "score" in frame.columns:
            got = np.arange(len(frame.index), dtype=np.intp), self._points_text(frame)
        elif "level" in frame.columns:
            said = {
                code: ex.say("achievement_level", self.lang, level=label, year=self.year)
                for code, label in self.rules.levels.items()
            }
            codes, uniques = pd.factorize(frame["level"].to_numpy(dtype=object))
            table = [said.get(u, "") for u in uniques.tolist()]
            got = codes.astype(np.intp), table
        cache[scope] = got
        return got

    def _points_text(self, units: pd.DataFrame) -> list[str]:
        """ "94,5 điểm, xếp thứ 1 Khối kinh tế" per unit with a score (each distinct score,
        place and cluster said once)."""
        import numpy as np

        from emulate.rules.colops import factorize

        n = len(units.index)
        ranks = np.array([self.unit_ranks.get(sid, -1) for sid in units.index.tolist()])
        score_codes, scores = factorize(units["score"].to_numpy(dtype=object))
        parts = [score_codes, ranks]
        cluster = np.full(n, None, dtype=object)
        if "cluster" in units.columns:
            cluster = units["cluster"].to_numpy(dtype=object)
            cluster_codes, _ = factorize(cluster)
            parts += [cluster_codes, np.equal(cluster, None).astype(np.int8)]  # None or NaN
        codes, first = combine(parts, n)
        said = []
        for row in first.tolist():
            value = score_codes[row]
            rank = int(ranks[row])
            where = f" {cluster[row]}" if cluster[row] else ""
            said.append(
                ""
                if value < 0 or rank < 0
                else ex.say(
                    "achievement_points",
                    self.lang,
                    score=ex.number(scores[value], self.lang),
                    rank=rank,
                    where=where,
                )
            )
        return [said[c] for c in codes.tolist()]


def object_array_of(values: list[Any]) -> np.ndarray:
    """An object array holding exactly these values (tuples stay elements)."""
    out = object_array(len(values), None)
    for i, v in enumerate(values):
        out[i] = v
    return out


def _seen_codes(clause: ClauseArrays, lang: Lang) -> tuple[np.ndarray, list[str]]:
    """The values a clause saw: per row a code (-1: blank) and each distinct value as
    displayed, the blank last (so that code -1 reads it)."""
    from emulate.rules.colops import factorize

    if clause.seen_coded is not None:
        codes, values = clause.seen_coded
    else:
        assert clause.seen is not None
        codes, uniques = factorize(clause.seen)
        values = uniques.tolist()
    texts = [ex.display(v, lang) for v in values]
    texts.append(ex.display(None, lang))
    return codes, texts


def check_values(values: Any, group: Any, lang: Lang) -> str:
    """The left / right values a check saw for one group, as text."""
    if values is None:
        return ""
    parts = []
    for side in values:
        series = getattr(side, "seen", side)
        try:
            parts.append(ex.display(series.get(group), lang))  # a Series or a dict
        except AttributeError:  # a literal side
            continue
    return " / ".join(parts)
