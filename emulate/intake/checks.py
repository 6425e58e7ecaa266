"""Checks across rows and files once every sheet is read (catalogue A12, C10, C12, C13) and
the history sheet's titles (names or ids) resolved against the rule set."""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from emulate.diagnostics import Catalogue, Diagnostic, Where
from emulate.intake.coerce import SEP, distinct_codes, unchanged_by_clean
from emulate.rules.model import RuleSet
from emulate.text import clean, fold, match_key, strip_diacritics

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from emulate.intake.model import Intake

_SPLIT = re.compile(r"[,;\n]")
_ABBREVIATIONS = (
    (re.compile(r"\buy ban nhan dan\b"), "ubnd"),
    (re.compile(r"\bchinh phu\b"), "cp"),
)

MESSAGES = Catalogue(
    {
        "id.duplicate": (
            "error",
            "Mã \u201c{id}\u201d ở {here} trùng với {first}; mỗi {what_vi} chỉ được báo cáo một "
            "lần, hãy xóa dòng thừa hoặc sửa mã.",
            "Id \u201c{id}\u201d at {here} duplicates {first}; each {what_en} is reported once: "
            "delete the extra row or fix the id.",
        ),
        "id.two_names": (
            "error",
            "Mã \u201c{id}\u201d ở {here} mang tên \u201c{name}\u201d nhưng ở {first} là "
            "\u201c{first_name}\u201d; một mã chỉ thuộc một {what_vi}, hãy sửa mã hoặc tên.",
            "Id \u201c{id}\u201d at {here} is named \u201c{name}\u201d but "
            "\u201c{first_name}\u201d at {first}; one id belongs to one {what_en}: fix the id "
            "or the name.",
        ),
        "id.zero_padding": (
            "error",
            "Mã \u201c{id}\u201d ở {here} và \u201c{other}\u201d ở {first} chỉ khác số 0 ở đầu "
            "(có thể Excel đã làm mất số 0); hãy định dạng cột mã là Text và nhập lại mã đúng.",
            "Ids \u201c{id}\u201d at {here} and \u201c{other}\u201d at {first} differ only in "
            "leading zeros (Excel may have dropped them); format the id column as Text and type "
            "the right ids.",
        ),
        "name.namesake": (
            "warning",
            "\u201c{name}\u201d có {count} mã khác nhau ({ids}); nếu là cùng một người thì đang "
            "bị báo cáo hai lần, nếu là người trùng tên thì bỏ qua cảnh báo này.",
            "\u201c{name}\u201d has {count} different ids ({ids}); if they are one person they "
            "are reported twice, if namesakes ignore this warning.",
        ),
        "unit.unknown": (
            "error",
            "Mã đơn vị \u201c{unit}\u201d ({count} người, đầu tiên ở {here}) không có trong sheet "
            "\u201c{sheet}\u201d{hint_vi}; hãy thêm đơn vị đó hoặc sửa mã.",
            "Unit id \u201c{unit}\u201d ({count} people, first at {here}) is not in sheet "
            "\u201c{sheet}\u201d{hint_en}; add the unit or fix the id.",
        ),
        "unit.no_people": (
            "warning",
            "Đơn vị \u201c{unit}\u201d không có ai trong sheet \u201c{sheet}\u201d; các tiêu chí "
            "theo tỷ lệ cá nhân của đơn vị sẽ không đạt.",
            "Unit \u201c{unit}\u201d has nobody in sheet \u201c{sheet}\u201d; member-share "
            "conditions will not hold.",
        ),
        "history.unknown_title": (
            "error",
            "Ô {cell}: không nhận ra danh hiệu \u201c{value}\u201d{hint_vi}; hãy ghi mã (ví dụ "
            "{example}) hoặc tên đầy đủ, cách nhau bằng dấu phẩy.",
            "Cell {cell}: unknown title \u201c{value}\u201d{hint_en}; write the id (e.g. "
            "{example}) or the full name, separated by commas.",
        ),
        "history.duplicate": (
            "error",
            "Lịch sử của \u201c{id}\u201d năm {year} có hai dòng: {here} và {first}; hãy gộp "
            "thành một dòng.",
            "History of \u201c{id}\u201d for {year} has two rows: {here} and {first}; merge them "
            "into one.",
        ),
        "history.future": (
            "warning",
            "Ô {cell}: năm {year} không trước năm đánh giá {current}; sheet lịch sử chỉ ghi các "
            "năm trước.",
            "Cell {cell}: year {year} is not before the evaluation year {current}; the history "
            "sheet holds earlier years only.",
        ),
        "history.unknown_id": (
            "warning",
            "Lịch sử có mã \u201c{id}\u201d ({here}) không có trong báo cáo năm nay; dòng này "
            "không được dùng.",
            "History has id \u201c{id}\u201d ({here}) which is not in this year's reports; the "
            "row is not used.",
        ),
    }
)

_WHAT = {"people": ("cán bộ", "person"), "units": ("đơn vị", "unit")}


@dataclass
class Codes:
    """A column factorised: per row the position of its value among `values` (in order of
    first appearance; None is a value like any other). Made once for the history ids and
    shared by the checks that need them."""

    codes: np.ndarray
    values: list[Any]

    @classmethod
    def of(cls, column: pd.Series, *, few: bool = False) -> Codes:
        """`few`: the column has few distinct values (a dict in cache beats pandas' hash
        table, which for text also makes each value's UTF-8 copy). Otherwise runs of equal
        values (a person's history rows) are factorised once per run."""
        import numpy as np
        import pandas as pd

        cells = column.to_numpy(dtype=object)
        if not len(cells):
            return cls(np.zeros(0, dtype=np.intp), [])
        if few:
            found = distinct_codes(cells.tolist())
            if found is not None:
                return cls(*found)
        starts = np.flatnonzero(np.concatenate(([True], cells[1:] != cells[:-1])))
        run_codes, values = pd.factorize(cells[starts], use_na_sentinel=False)
        codes = np.repeat(run_codes, np.diff(np.append(starts, len(cells))))
        missing = pd.isna(values)  # pandas gives None back as NaN
        return cls(codes, [None if gone else v for v, gone in zip(values.tolist(), missing)])


class _Places:
    """`Intake.where` for one frame, from its `_file`/`_sheet`/`_row` columns taken once, on
    the first call (a row lookup through `iloc` per diagnostic costs ~0.3 ms)."""

    def __init__(self, intake: Intake, frame: pd.DataFrame) -> None:
        self.columns = intake.columns
        self.frame = frame
        self.files: list[Any] = []
        self.letters: dict[tuple[Any, Any, str | None], str] = {}

    def __call__(self, position: int, column: str | None = None) -> Where:
        if not self.files:
            self.files = self.frame["_file"].tolist()
            self.sheets = self.frame["_sheet"].tolist()
            self.rows = self.frame["_row"].tolist()
        file, sheet = self.files[position], self.sheets[position]
        letter = self.letters.get((file, sheet, column))
        if letter is None:
            known = self.columns.get((str(file), str(sheet)), {})
            letter = self.letters[(file, sheet, column)] = known.get(column or "", "")
        cell = f"{letter}{int(self.rows[position])}" if letter else None
        return Where(file=str(file), sheet=str(sheet), cell=cell)


def _title_key(text: str) -> str:
    key = strip_diacritics(fold(text))
    for pattern, short in _ABBREVIATIONS:
        key = pattern.sub(short, key)
    return key


def _title_table(rules: RuleSet, scope: str | None) -> dict[str, str | None]:
    table: dict[str, str | None] = {}
    for tid, title in rules.titles.items():
        if scope is not None and title.for_ != scope:
            continue
        for text in (tid, title.name, title.short):
            if not text:
                continue
            key = _title_key(text)
            table[key] = tid if table.get(key, tid) == tid else None
    return table


def parse_titles(
    frame: pd.DataFrame,
    rules: RuleSet,
    scopes: dict[str, str],
    columns: dict,
    ids: Codes | None = None,
) -> tuple[Sequence[tuple[str, ...]], list[Diagnostic]]:
    """Turn each `Danh hiệu` cell into a tuple of title ids (the subject's scope first).

    Cells repeat a lot: each distinct (scope, text) is parsed once and the rows take their
    result by code; only rows with a part not recognised are visited, in row order. `ids`
    is `Codes.of(frame["id"])` when the caller has it."""
    import numpy as np

    if not len(frame):
        return [], []
    kinds: list[str | None] = [None, "people", "units"]
    tables = [_title_table(rules, scope) for scope in kinds]
    texts = Codes.of(frame["titles"], few=True)
    parsed = [[_parse_cell(text, table) for text in texts.values] for table in tables]
    if parsed[0] == parsed[1] == parsed[2]:  # no text reads differently in another scope
        pairs, inverse = parsed[0], texts.codes
    else:
        ids = ids or Codes.of(frame["id"])
        number = {"people": 1, "units": 2}
        scope_of = np.fromiter(
            (number.get(scopes.get(v), 0) for v in ids.values), dtype=np.intp, count=len(ids.values)
        )
        codes, inverse = np.unique(
            scope_of[ids.codes] * len(texts.values) + texts.codes, return_inverse=True
        )
        pairs = [
            parsed[scope][text]
            for scope, text in (divmod(c, len(texts.values)) for c in codes.tolist())
        ]
    titles = np.empty(len(pairs), dtype=object)
    for i, (held, _) in enumerate(pairs):
        titles[i] = held
    bad = np.asarray([bool(parts) for _, parts in pairs], dtype=bool)
    diags: list[Diagnostic] = []
    for pos in np.flatnonzero(bad[inverse]).tolist():
        file, sheet = str(frame["_file"].iat[pos]), str(frame["_sheet"].iat[pos])
        letter = columns.get((file, sheet), {}).get("titles", "")
        where = Where(file, sheet, f"{letter}{frame['_row'].iat[pos]}")
        for part in pairs[inverse[pos]][1]:
            diags.append(_unknown_title(rules, where, part))
    return titles[inverse], diags


def _unknown_title(rules: RuleSet, where: Where, part: str) -> Diagnostic:
    names = [t.name for t in rules.titles.values()] + list(rules.titles)
    near = difflib.get_close_matches(
        _title_key(part), [_title_key(n) for n in names], n=1, cutoff=0.6
    )
    by_key = {_title_key(n): n for n in names}
    hint = by_key[near[0]] if near else None
    return MESSAGES.make(
        "history.unknown_title",
        where,
        cell=where.cell,
        value=part,
        example=next(iter(rules.titles), "LDTT"),
        hint_vi=f" (có phải \u201c{hint}\u201d?)" if hint else "",
        hint_en=f" (did you mean \u201c{hint}\u201d?)" if hint else "",
    )


def _parse_cell(text: Any, table: dict[str, str | None]) -> tuple[tuple[str, ...], list[str]]:
    """The title ids of one cell (each once, in order) and the parts not recognised."""
    ids: list[str] = []
    unknown: list[str] = []
    for part in _SPLIT.split(text or ""):
        part = clean(part)
        if not part:
            continue
        tid = table.get(_title_key(part))
        if tid is None:
            unknown.append(part)
        elif tid not in ids:
            ids.append(tid)
    return tuple(ids), unknown


def _duplicates(frame: pd.DataFrame, intake: Intake, scope: str) -> list[Diagnostic]:
    diags: list[Diagnostic] = []
    what_vi, what_en = _WHAT[scope]
    ids = frame["id"]
    where = _Places(intake, frame)
    dup = ids.notna() & ids.duplicated(keep=False)
    first_at: dict[str, int] = {}
    for pos in [int(i) for i in dup.to_numpy().nonzero()[0]]:
        key = ids.iat[pos]
        if key not in first_at:
            first_at[key] = pos
            continue
        first = first_at[key]
        here_w, first_w = where(pos, "id"), where(first, "id")
        name, first_name = frame["name"].iat[pos], frame["name"].iat[first]
        two_names = name and first_name and match_key(name) != match_key(first_name)
        code = "id.two_names" if two_names else "id.duplicate"
        diags.append(
            MESSAGES.make(
                code, here_w, id=key, here=str(here_w), first=str(first_w), name=name,
                first_name=first_name, what_vi=what_vi, what_en=what_en,
            )
        )  # fmt: skip
    by_number: dict[int, tuple[str, int]] = {}
    for pos, key in enumerate(ids.tolist()):
        if not isinstance(key, str) or not key.isdigit():
            continue
        number = int(key)
        seen = by_number.setdefault(number, (key, pos))
        if seen[0] != key:
            here_w, first_w = where(pos, "id"), where(seen[1], "id")
            diags.append(
                MESSAGES.make(
                    "id.zero_padding",
                    here_w,
                    id=key,
                    other=seen[0],
                    here=str(here_w),
                    first=str(first_w),
                )
            )
    return diags


def _namesakes(people: pd.DataFrame, intake: Intake) -> list[Diagnostic]:
    """One warning per name (tone placement aside) that several ids carry, at its first row."""
    import numpy as np

    names, ids = people["name"].tolist(), people["id"].tolist()
    found = distinct_codes(names)
    if found is None:  # cannot happen with text names
        return []
    codes, spelled = found
    order = np.argsort(codes, kind="stable")  # positions grouped by exact name, in order
    bounds = [0, *np.cumsum(np.bincount(codes, minlength=len(spelled))).tolist()]
    valid = [i for i, name in enumerate(spelled) if isinstance(name, str) and name]
    groups: dict[str, list[int]] = {}  # match key → exact names, keys in order of first row
    for i, key in zip(valid, _name_keys([spelled[i] for i in valid]), strict=True):
        groups.setdefault(key, []).append(i)
    ids_by_name = np.asarray(ids, dtype=object)[order]
    where = _Places(intake, people)
    diags: list[Diagnostic] = []
    for members in groups.values():
        if len(members) == 1:
            lo, hi = bounds[members[0]], bounds[members[0] + 1]
            if hi - lo < 2:
                continue
            first, carried = int(order[lo]), ids_by_name[lo:hi].tolist()
        else:  # spellings of one name: their rows in order
            positions = sorted(
                p for i in members for p in order[bounds[i] : bounds[i + 1]].tolist()
            )
            first, carried = positions[0], [ids[p] for p in positions]
        distinct = [i for i in dict.fromkeys(carried) if i]
        if len(distinct) > 1:
            diags.append(
                MESSAGES.make(
                    "name.namesake", where(first, "name"),
                    name=names[first], count=len(distinct), ids=", ".join(distinct),
                )
            )  # fmt: skip
    return diags


# ASCII and the Vietnamese letters (and the separator): `casefold` and NFC commute on them,
# so a name's match key is its words' keys joined, and words repeat far more than names.
_VIETNAMESE_NAMES = re.compile(
    "[\x00 -~\u00c0-\u00ff\u0102\u0103\u0110\u0111\u0128\u0129\u0168\u0169\u01a0"
    "\u01a1\u01af\u01b0\u1ea0-\u1ef9]*"
)


def _name_keys(names: list[str]) -> list[str]:
    """`match_key` of each name; a word at a time (`match_key` caches each word's key) when
    every name is clean Vietnamese text."""
    joined = SEP.join(names)
    if not names or not unchanged_by_clean(joined, len(names)):
        return list(map(match_key, names))
    if not _VIETNAMESE_NAMES.fullmatch(joined):
        return list(map(match_key, names))
    return [" ".join(map(match_key, name.split(" "))) for name in joined.casefold().split(SEP)]


def _units(intake: Intake, rules: RuleSet) -> list[Diagnostic]:
    diags: list[Diagnostic] = []
    units, people = intake.units, intake.people
    unit_ids, unit_of = units["id"].tolist(), people["unit"].tolist()
    known = {u for u in unit_ids if u}
    names: dict[str, str] = {}  # unit names by match key, made for the first unknown unit
    first: dict[str, int] = {}
    count: dict[str, int] = {}
    for pos, unit in enumerate(unit_of):
        if unit and unit not in known:
            first.setdefault(unit, pos)
            count[unit] = count.get(unit, 0) + 1
    people_at = _Places(intake, people)
    for unit, pos in first.items():
        where = people_at(pos, "unit")
        if not names:
            names = {
                match_key(n): u for n, u in zip(units["name"], units["id"], strict=True) if n and u
            }
        if match_key(unit) in names:
            suggestion = names[match_key(unit)]
        else:
            near = difflib.get_close_matches(unit, sorted(known), n=1, cutoff=0.6)
            suggestion = near[0] if near else None
        diags.append(
            MESSAGES.make(
                "unit.unknown", where, unit=unit, count=count[unit], here=str(where),
                sheet=rules.units.sheet,
                hint_vi=f" (có phải mã \u201c{suggestion}\u201d?)" if suggestion else "",
                hint_en=f" (did you mean \u201c{suggestion}\u201d?)" if suggestion else "",
            )
        )  # fmt: skip
    staffed = {u for u in unit_of if u}
    if len(people):
        units_at = _Places(intake, units)
        for pos, unit in enumerate(unit_ids):
            if unit and unit not in staffed:
                where = units_at(pos, "id")
                diags.append(
                    MESSAGES.make("unit.no_people", where, unit=unit, sheet=rules.people.sheet)
                )
    return diags


def _history(intake: Intake, rules: RuleSet, ids: Codes | None = None) -> list[Diagnostic]:
    """Years not before this one, (id, year) twice, ids not in this year's reports: found with
    column operations, then reported row by row in row order as a loop over rows would."""
    import numpy as np

    h = intake.history
    if not len(h):
        return []
    ids = ids or Codes.of(h["id"])
    at = _Places(intake, h)
    named = np.fromiter((v is not None for v in ids.values), dtype=bool, count=len(ids.values))
    valid = named[ids.codes] & h["year"].notna().to_numpy()
    years = h["year"].to_numpy(dtype=np.int64, na_value=0)
    current = rules.year
    events: list[tuple[int, int, Diagnostic]] = []  # (row position, order in the row, ...)
    for pos in np.flatnonzero(valid & (years >= current)).tolist():
        where = at(pos, "year")
        year = int(years[pos])
        diag = MESSAGES.make("history.future", where, cell=where.cell, year=year, current=current)
        events.append((pos, 0, diag))
    events += _history_duplicates(ids, years, valid, at)
    if len(intake.people) or len(intake.units):
        known = {*intake.people["id"].tolist(), *intake.units["id"].tolist()}
        unknown = np.fromiter(
            (v not in known for v in ids.values), dtype=bool, count=len(ids.values)
        )
        rows = np.flatnonzero(valid & unknown[ids.codes])
        _, firsts = np.unique(ids.codes[rows], return_index=True)
        for pos in np.sort(rows[firsts]).tolist():
            here = at(pos, "id")
            subject = ids.values[ids.codes[pos]]
            diag = MESSAGES.make("history.unknown_id", here, id=subject, here=str(here))
            events.append((pos, 2, diag))
    events.sort(key=lambda e: (e[0], e[1]))
    return [diag for _, _, diag in events]


def _history_duplicates(
    ids: Codes, years: np.ndarray, valid: np.ndarray, at: _Places
) -> list[tuple[int, int, Diagnostic]]:
    """Rows whose (id, year) an earlier row already has, each with that first row."""
    import numpy as np
    import pandas as pd

    rows = np.flatnonzero(valid)
    if not len(rows):
        return []
    low = int(years[rows].min())
    span = int(years[rows].max()) - low + 1
    key = ids.codes[rows].astype(np.int64) * span + (years[rows] - low)
    again = pd.Series(key).duplicated().to_numpy()
    if not again.any():
        return []
    firsts = ~again & np.isin(key, key[again])
    first_of = dict(zip(key[firsts].tolist(), rows[firsts].tolist(), strict=True))
    out = []
    for k, pos in zip(key[again].tolist(), rows[again].tolist(), strict=True):
        first, here = at(first_of[k], "id"), at(pos, "id")
        diag = MESSAGES.make(
            "history.duplicate",
            here,
            id=ids.values[ids.codes[pos]],
            year=int(years[pos]),
            here=str(here),
            first=str(first),
        )
        out.append((pos, 1, diag))
    return out


def cross_check(
    intake: Intake, rules: RuleSet, history_ids: Codes | None = None
) -> list[Diagnostic]:
    """Duplicates, conflicting names, unknown units, history consistency. `history_ids` is
    `Codes.of(intake.history["id"])` when the caller has it."""
    diags: list[Diagnostic] = []
    diags += _duplicates(intake.units, intake, "units")
    diags += _duplicates(intake.people, intake, "people")
    diags += _namesakes(intake.people, intake)
    diags += _units(intake, rules)
    diags += _history(intake, rules, history_ids)
    return diags


def scopes_of(intake: Intake) -> dict[str, str]:
    """Subject id → "people" / "units" (people win if an id is both)."""
    out = dict.fromkeys(intake.units["id"].tolist(), "units")
    out.update(dict.fromkeys(intake.people["id"].tolist(), "people"))
    out.pop(None, None)
    out.pop("", None)
    return out
