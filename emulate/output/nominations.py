"""The nomination list (danh sách đề nghị khen thưởng) as ordered data, built from the
canonical result document (docs/result-format.md). The Word, Excel and CSV writers only lay
this model out; every decision about what is listed and in which order is taken here.

Order (law.md §7.1): section I. TẬP THỂ then II. CÁ NHÂN (Decree 152 Art 29.5: collective
before individual); within a section one group per title, titles (danh hiệu) before awards
(hình thức), each kind from the highest to the lowest (rule-set position); within a group the
keys of `rules.nominations.sort` (unit order, position with leaders first, given name, full
name, by Vietnamese collation) and finally the subject id, so the order never depends on the
row order of the inputs.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from emulate.diagnostics import Catalogue, EmulateError
from emulate.output.resultjson import FORMAT, dumps_canonical, sha256_hex

LISTABLE_STATUSES = ("awarded", "tie")
SORT_KEYS = ("unit", "position", "given_name", "name")
TIE_NOTE = "Hội đồng quyết định"

MESSAGES = Catalogue(
    {
        "EXPORT_FORMAT": (
            "error",
            "Tệp không phải kết quả của emulate (format {found!r}, cần 'emulate-result/1').",
            "Not an emulate result (format {found!r}, expected 'emulate-result/1').",
        ),
        "EXPORT_STATUS": (
            "error",
            "Trạng thái {status!r} không xuất được vào danh sách; chọn trong: {choices}.",
            "Status {status!r} cannot be listed; choose from: {choices}.",
        ),
        "EXPORT_TITLE": (
            "error",
            "Không có danh hiệu/hình thức {title!r} trong kết quả; có: {choices}.",
            "No title {title!r} in the result; known: {choices}.",
        ),
        "EXPORT_SORT": (
            "error",
            "Khóa sắp xếp {key!r} trong rules.nominations.sort không hợp lệ; dùng: {choices}.",
            "Unknown sort key {key!r} in rules.nominations.sort; use: {choices}.",
        ),
    }
)

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SPACES = re.compile(r"\s+")


def inert(text: object) -> str:
    """NFC text with every control character (other than tab and line breaks) shown as
    U+FFFD: Word and Excel files cannot hold them, and dropping them would be silent."""
    if text is None:
        return ""
    return _CONTROL.sub("\ufffd", unicodedata.normalize("NFC", str(text)))


def two_digits(n: int) -> str:
    """Counts in official lists are written with two digits: 03, 12, 105."""
    return f"{n:02d}"


def format_money(amount: Decimal | None) -> str:
    """`Decimal("7100000")` → `"7.100.000"` (Vietnamese grouping); None → `"-"`."""
    if amount is None:
        return "-"
    sign = "-" if amount < 0 else ""
    whole, _, frac = f"{abs(amount):f}".partition(".")
    groups = f"{int(whole):,}".replace(",", ".")
    frac = frac.rstrip("0")
    return f"{sign}{groups},{frac}" if frac else f"{sign}{groups}"


@dataclass(frozen=True, slots=True)
class Entry:
    """One row of the list: one (subject, title) decision."""

    subject: str
    name: str
    status: str
    title: str
    title_name: str
    # people: birth year under the right sex; units: both None
    born_male: str
    born_female: str
    # people: "Chức vụ, đơn vị"; units: managing body or cluster
    affiliation: str
    achievement: str
    note: str
    money: Decimal | None


@dataclass(frozen=True, slots=True)
class TitleGroup:
    title: str
    name: str
    kind: str  # "title" (danh hiệu thi đua) or "award" (hình thức khen thưởng)
    entries: tuple[Entry, ...]


@dataclass(frozen=True, slots=True)
class Section:
    scope: str  # "units" or "people"
    heading: str  # "TẬP THỂ" / "CÁ NHÂN" (the writers number the sections present)
    groups: tuple[TitleGroup, ...]

    @property
    def subjects(self) -> int:
        """Distinct subjects: a unit nominated for two titles is one tập thể."""
        return len({e.subject for g in self.groups for e in g.entries})


@dataclass(frozen=True, slots=True)
class MoneyLine:
    """Budget line: `count` decisions of `title` paying `amount` each (None: no prize)."""

    title: str
    name: str
    count: int
    amount: Decimal | None

    @property
    def total(self) -> Decimal:
        return (self.amount or Decimal(0)) * self.count


@dataclass(frozen=True, slots=True)
class NominationList:
    year: int
    sections: tuple[Section, ...]  # only the sections that have entries, units first
    money: tuple[MoneyLine, ...]
    statuses: tuple[str, ...]
    selected_titles: tuple[str, ...] | None  # None: all titles
    references: tuple[str, ...] = ()  # the rule set's legal references, for "Căn cứ ..."
    source: str = ""  # tool, result and rule-set hashes: written into file properties

    def numbered(self) -> tuple[tuple[str, Section], ...]:
        """Sections with the numerals they print under: `I. TẬP THỂ`, `II. CÁ NHÂN` (a
        list of individuals only numbers them `I.`)."""
        return tuple(zip(("I", "II"), self.sections, strict=False))

    @property
    def units_count(self) -> int:
        return sum(s.subjects for s in self.sections if s.scope == "units")

    @property
    def people_count(self) -> int:
        return sum(s.subjects for s in self.sections if s.scope == "people")

    @property
    def total_money(self) -> Decimal:
        return sum((m.total for m in self.money), Decimal(0))

    @property
    def has_ties(self) -> bool:
        return any(e.status == "tie" for s in self.sections for g in s.groups for e in g.entries)

    def totals_line(self) -> str:
        """`"Tổng số: 03 tập thể, 12 cá nhân"`."""
        return (
            f"Tổng số: {two_digits(self.units_count)} tập thể, "
            f"{two_digits(self.people_count)} cá nhân"
        )

    def heading(self) -> str:
        """`DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG NĂM 2025`, or for one selected title
        `DANH SÁCH ĐỀ NGHỊ TẶNG DANH HIỆU “LAO ĐỘNG TIÊN TIẾN” NĂM 2025`."""
        groups = {(g.title, g.name, g.kind) for s in self.sections for g in s.groups}
        if self.selected_titles is not None and len(self.selected_titles) == 1 and groups:
            _, name, kind = next(iter(groups))
            what = f"DANH HIỆU “{name.upper()}”" if kind == "title" else name.upper()
            return f"DANH SÁCH ĐỀ NGHỊ TẶNG {what} NĂM {self.year}"
        return f"DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG NĂM {self.year}"


def _fold(text: object) -> str:
    """Loose match of labels typed by people: NFC, case and spaces folded."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", str(text)).strip()).casefold()


def _birth_columns(person: Mapping[str, Any]) -> tuple[str, str, str]:
    """(male column, female column, extra note): the year goes under the person's sex;
    a year with an unknown sex goes to the note rather than being lost."""
    year = person.get("birth_year")
    if year is None or str(year).strip() == "":
        return "", "", ""
    year_text = str(year).strip()
    sex = _fold(person.get("gender") or "")
    if sex in ("male", "nam"):
        return year_text, "", ""
    if sex in ("female", "nữ", "nu"):
        return "", year_text, ""
    return "", "", f"Năm sinh {year_text} (chưa rõ giới tính)"


def _note(decision: Mapping[str, Any], extra: str) -> str:
    parts = []
    if decision.get("status") == "tie":
        rank, places = decision.get("rank"), decision.get("places")
        detail = f" (đồng hạng {rank}, {places} suất)" if rank and places else ""
        parts.append(TIE_NOTE + detail)
    if extra:
        parts.append(extra)
    return "; ".join(parts)


def _achievement(decision: Mapping[str, Any]) -> str:
    text = str(decision.get("achievement") or "").strip()
    if text:
        return text
    return "; ".join(str(r).strip() for r in decision.get("reasons") or () if str(r).strip())


def _check_options(
    doc: Mapping[str, Any], statuses: Sequence[str], titles: Sequence[str] | None
) -> None:
    problems = []
    found = doc.get("format")
    if found != FORMAT:
        problems.append(MESSAGES.make("EXPORT_FORMAT", found=found))
    for status in statuses:
        if status not in LISTABLE_STATUSES:
            problems.append(
                MESSAGES.make("EXPORT_STATUS", status=status, choices=", ".join(LISTABLE_STATUSES))
            )
    known = doc.get("titles") or {}
    for title in titles or ():
        if title not in known:
            problems.append(
                MESSAGES.make("EXPORT_TITLE", title=title, choices=", ".join(known) or "-")
            )
    for key in _sort_config(doc).get("sort") or ():
        if key not in SORT_KEYS:
            problems.append(MESSAGES.make("EXPORT_SORT", key=key, choices=", ".join(SORT_KEYS)))
    if problems:
        raise EmulateError(problems)


def _sort_config(doc: Mapping[str, Any]) -> Mapping[str, Any]:
    return (doc.get("rules") or {}).get("nominations") or {}


class _Orderer:
    """Builds the within-group sort key of a subject from `rules.nominations`."""

    def __init__(self, doc: Mapping[str, Any]) -> None:
        from emulate.text import collation_key, name_sort_key

        self._collate = collation_key
        self._given = name_sort_key
        config = _sort_config(doc)
        self.keys: tuple[str, ...] = tuple(config.get("sort") or SORT_KEYS)
        self._positions = {_fold(p): i for i, p in enumerate(config.get("positions") or ())}
        self._position_field = config.get("position_field") or "position"
        self._unit_order = {u["id"]: i for i, u in enumerate(doc.get("units") or ())}

    def position(self, person: Mapping[str, Any]) -> str:
        return str(person.get(self._position_field) or "").strip()

    def _unit_key(self, unit_id: str) -> tuple[int, str]:
        return (self._unit_order.get(unit_id, len(self._unit_order)), unit_id)

    def key(self, scope: str, record: Mapping[str, Any]) -> tuple[Any, ...]:
        name = str(record.get("name") or "")
        parts: list[Any] = []
        for key in self.keys:
            if key == "unit":
                unit = record["id"] if scope == "units" else str(record.get("unit") or "")
                parts.append(self._unit_key(unit))
            elif key == "position" and scope == "people":
                rank = self._positions.get(_fold(self.position(record)), len(self._positions))
                parts.append(rank)
            elif key == "given_name" and scope == "people":
                parts.append(self._given(name))
            elif key == "name":
                parts.append(self._collate(name))
        parts.append(str(record["id"]))
        return tuple(parts)


def _affiliation(scope: str, record: Mapping[str, Any], orderer: _Orderer) -> str:
    if scope == "units":
        return str(record.get("parent") or record.get("cluster") or "")
    unit = str(record.get("unit_name") or record.get("unit") or "")
    return ", ".join(p for p in (orderer.position(record), unit) if p)


def build_nominations(
    doc: Mapping[str, Any],
    *,
    statuses: Iterable[str] = ("awarded",),
    titles: Iterable[str] | None = None,
) -> NominationList:
    """The nomination list of a result document.

    `statuses`: which decisions are listed (`awarded`, and `tie` for the council, noted
    "Hội đồng quyết định"); `titles`: title ids to list (None: all). Raises `EmulateError`
    for a document that is not a result, an unknown status, title or sort key.
    """
    statuses = tuple(dict.fromkeys(statuses))
    selected = tuple(dict.fromkeys(titles)) if titles is not None else None
    _check_options(doc, statuses, selected)
    orderer = _Orderer(doc)
    title_info: Mapping[str, Mapping[str, Any]] = doc.get("titles") or {}
    records = {
        scope: {str(r["id"]): r for r in doc.get(scope) or ()} for scope in ("units", "people")
    }
    wanted = [
        d
        for d in doc.get("decisions") or ()
        if d.get("status") in statuses and (selected is None or d.get("title") in selected)
    ]

    def group_order(title_id: str) -> tuple[int, int, str]:
        info = title_info.get(title_id, {})
        kind_rank = 0 if info.get("kind", "title") == "title" else 1
        return (kind_rank, int(info.get("position", 0)), title_id)

    sections = []
    for scope, heading in (("units", "TẬP THỂ"), ("people", "CÁ NHÂN")):
        mine = [d for d in wanted if d.get("for") == scope]
        groups = []
        for title_id in sorted({d["title"] for d in mine}, key=group_order):
            info = title_info.get(title_id, {})
            rows = []
            for d in mine:
                if d["title"] != title_id:
                    continue
                record = records[scope].get(str(d["subject"]), {"id": str(d["subject"])})
                rows.append((orderer.key(scope, record), _entry(scope, d, record, info, orderer)))
            rows.sort(key=lambda pair: pair[0])
            groups.append(
                TitleGroup(
                    title=title_id,
                    name=inert(info.get("name") or title_id),
                    kind=str(info.get("kind") or "title"),
                    entries=tuple(entry for _, entry in rows),
                )
            )
        if groups:
            sections.append(Section(scope=scope, heading=heading, groups=tuple(groups)))
    rules = doc.get("rules") or {}
    return NominationList(
        year=int(doc.get("year") or rules.get("year") or 0),
        sections=tuple(sections),
        money=_money_lines(sections),
        statuses=statuses,
        selected_titles=selected,
        references=tuple(inert(text) for text in (rules.get("references") or {}).values()),
        source=_source(doc),
    )


def _source(doc: Mapping[str, Any]) -> str:
    """`emulate 0.1.0; kết quả SHA-256 …; tiêu chuẩn … SHA-256 …`: which result and rules a
    printed list came from (the result hash is the one `emulate score` prints)."""
    tool = doc.get("tool") or {}
    rules = doc.get("rules") or {}
    return inert(
        f"{tool.get('name', 'emulate')} {tool.get('version', '')}; "
        f"kết quả SHA-256 {sha256_hex(dumps_canonical(doc))}; "
        f"tiêu chuẩn “{rules.get('name', '')}” SHA-256 {rules.get('sha256', '')}"
    )


def _entry(
    scope: str,
    decision: Mapping[str, Any],
    record: Mapping[str, Any],
    info: Mapping[str, Any],
    orderer: _Orderer,
) -> Entry:
    male, female, extra = _birth_columns(record) if scope == "people" else ("", "", "")
    money = decision.get("money")
    return Entry(
        subject=inert(record["id"]),
        name=inert(record.get("name") or record["id"]),
        status=str(decision["status"]),
        title=str(decision["title"]),
        title_name=inert(info.get("name") or decision["title"]),
        born_male=male,
        born_female=female,
        affiliation=inert(_affiliation(scope, record, orderer)),
        achievement=inert(_achievement(decision)),
        note=inert(_note(decision, extra)),
        money=Decimal(str(money)) if money not in (None, "") else None,
    )


def _money_lines(sections: Iterable[Section]) -> tuple[MoneyLine, ...]:
    """One line per (title, amount), titles in list order, larger amounts first; amounts
    differ within a title when a lower title of the same period pays nothing (Decree 152
    Art 49.5)."""
    lines = []
    for section in sections:
        for group in section.groups:
            counts: dict[Decimal | None, int] = {}
            for e in group.entries:
                counts[e.money] = counts.get(e.money, 0) + 1
            amounts = sorted(counts, key=lambda a: (a is None, -(a or 0)))
            lines.extend(
                MoneyLine(title=group.title, name=group.name, count=counts[a], amount=a)
                for a in amounts
            )
    return tuple(lines)
