"""Checks across rows and files once every sheet is read (catalogue A12, C10, C12, C13) and
the history sheet's titles (names or ids) resolved against the rule set."""

from __future__ import annotations

import difflib
import re
from typing import TYPE_CHECKING, Any

from emulate.diagnostics import Catalogue, Diagnostic, Where
from emulate.rules.model import RuleSet
from emulate.text import clean, fold, match_key, strip_diacritics

if TYPE_CHECKING:
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


class _Places:
    """`Intake.where` for one frame, from its `_file`/`_sheet`/`_row` columns taken once
    (a row lookup through `iloc` per diagnostic costs ~0.3 ms)."""

    def __init__(self, intake: Intake, frame: pd.DataFrame) -> None:
        self.columns = intake.columns
        self.files = frame["_file"].tolist()
        self.sheets = frame["_sheet"].tolist()
        self.rows = frame["_row"].tolist()

    def __call__(self, position: int, column: str | None = None) -> Where:
        file, sheet = str(self.files[position]), str(self.sheets[position])
        letter = self.columns.get((file, sheet), {}).get(column or "", "")
        row = self.rows[position]
        return Where(file=file, sheet=sheet, cell=f"{letter}{int(row)}" if letter else None)


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
    frame: pd.DataFrame, rules: RuleSet, scopes: dict[str, str], columns: dict
) -> tuple[list[tuple[str, ...]], list[Diagnostic]]:
    """Turn each `Danh hiệu` cell into a tuple of title ids (the subject's scope first)."""
    tables = {scope: _title_table(rules, scope) for scope in ("people", "units", None)}
    diags: list[Diagnostic] = []
    out: list[tuple[str, ...]] = []
    example = next(iter(rules.titles), "LDTT")
    # (scope, cell text) → (title ids, parts not recognised): cells repeat a lot.
    parsed: dict[tuple[str | None, Any], tuple[tuple[str, ...], list[str]]] = {}
    for subject, text, file, sheet, row in zip(
        frame["id"], frame["titles"], frame["_file"], frame["_sheet"], frame["_row"], strict=True
    ):
        scope = scopes.get(subject)
        hit = parsed.get((scope, text))
        if hit is None:
            hit = parsed[(scope, text)] = _parse_cell(text, tables[scope])
        ids, unknown = hit
        for part in unknown:
            letter = columns.get((file, sheet), {}).get("titles", "")
            cell = f"{letter}{row}"
            names = [t.name for t in rules.titles.values()] + list(rules.titles)
            near = difflib.get_close_matches(
                _title_key(part), [_title_key(n) for n in names], n=1, cutoff=0.6
            )
            by_key = {_title_key(n): n for n in names}
            hint = by_key[near[0]] if near else None
            diags.append(
                MESSAGES.make(
                    "history.unknown_title",
                    Where(file, sheet, cell),
                    cell=cell,
                    value=part,
                    example=example,
                    hint_vi=f" (có phải \u201c{hint}\u201d?)" if hint else "",
                    hint_en=f" (did you mean \u201c{hint}\u201d?)" if hint else "",
                )
            )
        out.append(ids)
    return out, diags


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
    for pos, key in enumerate(ids):
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
    diags: list[Diagnostic] = []
    names, ids = people["name"].tolist(), people["id"].tolist()
    where = _Places(intake, people)
    groups: dict[str, list[int]] = {}
    for pos, name in enumerate(names):
        if isinstance(name, str) and name:
            groups.setdefault(match_key(name), []).append(pos)
    for positions in groups.values():
        if len(positions) < 2:
            continue
        distinct = list(dict.fromkeys(ids[p] for p in positions if ids[p]))
        if len(distinct) > 1:
            first = positions[0]
            diags.append(
                MESSAGES.make(
                    "name.namesake", where(first, "name"),
                    name=names[first], count=len(distinct), ids=", ".join(distinct),
                )
            )  # fmt: skip
    return diags


def _units(intake: Intake, rules: RuleSet) -> list[Diagnostic]:
    diags: list[Diagnostic] = []
    units, people = intake.units, intake.people
    known = {u for u in units["id"] if u}
    names = {match_key(n): u for n, u in zip(units["name"], units["id"], strict=True) if n and u}
    first: dict[str, int] = {}
    count: dict[str, int] = {}
    for pos, unit in enumerate(people["unit"]):
        if unit and unit not in known:
            first.setdefault(unit, pos)
            count[unit] = count.get(unit, 0) + 1
    people_at = _Places(intake, people)
    for unit, pos in first.items():
        where = people_at(pos, "unit")
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
    staffed = {u for u in people["unit"] if u}
    if len(people):
        units_at = _Places(intake, units)
        for pos, unit in enumerate(units["id"]):
            if unit and unit not in staffed:
                where = units_at(pos, "id")
                diags.append(
                    MESSAGES.make("unit.no_people", where, unit=unit, sheet=rules.people.sheet)
                )
    return diags


def _history(intake: Intake, rules: RuleSet) -> list[Diagnostic]:
    diags: list[Diagnostic] = []
    h = intake.history
    at = _Places(intake, h)
    known = {*intake.people["id"], *intake.units["id"]}
    seen: dict[tuple[Any, Any], int] = {}
    unknown_reported: set[str] = set()
    na = _pd().NA
    check_known = bool(len(intake.people) or len(intake.units))
    current = rules.year
    for pos, (subject, year) in enumerate(zip(h["id"], h["year"], strict=True)):
        if subject is None or year is None or year is na:
            continue
        year = int(year)
        if year >= current:
            where = at(pos, "year")
            diags.append(
                MESSAGES.make("history.future", where, cell=where.cell, year=year, current=current)
            )
        key = (subject, year)
        if key in seen:
            first = at(seen[key], "id")
            here = at(pos, "id")
            diags.append(
                MESSAGES.make(
                    "history.duplicate",
                    here,
                    id=subject,
                    year=year,
                    here=str(here),
                    first=str(first),
                )
            )
        else:
            seen[key] = pos
        if check_known and subject not in known and subject not in unknown_reported:
            unknown_reported.add(subject)
            here = at(pos, "id")
            diags.append(MESSAGES.make("history.unknown_id", here, id=subject, here=str(here)))
    return diags


def _pd() -> Any:
    import pandas as pd

    return pd


def cross_check(intake: Intake, rules: RuleSet) -> list[Diagnostic]:
    """Duplicates, conflicting names, unknown units, history consistency."""
    diags: list[Diagnostic] = []
    diags += _duplicates(intake.units, intake, "units")
    diags += _duplicates(intake.people, intake, "people")
    diags += _namesakes(intake.people, intake)
    diags += _units(intake, rules)
    diags += _history(intake, rules)
    return diags


def scopes_of(intake: Intake) -> dict[str, str]:
    """Subject id → "people" / "units" (people win if an id is both)."""
    out = {u: "units" for u in intake.units["id"] if u}
    out.update({p: "people" for p in intake.people["id"] if p})
    return out
