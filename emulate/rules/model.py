"""The criteria file as validated, immutable data (format `emulate/1`, DESIGN §5).

These models are the contract between the loader (`rules.load`), the reader of reports
(`intake`) and the engine. They know nothing of YAML positions: the loader maps pydantic
error locations back to file:line:col.

Numbers are `Decimal` (the loader never produces floats); percentages are written `15%` in
the file and held as the fraction `Decimal("0.15")`.

No `from __future__ import annotations` here: pydantic would compile and evaluate every
annotation string when the classes are built, a fifth of what building them costs.
"""

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Any, Literal, Self

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

FORMAT = "emulate/1"

FieldType = Literal[
    "id", "text", "integer", "number", "percent", "boolean", "date", "choice", "level"
]
Scope = Literal["people", "units"]
Status = Literal["awarded", "tie", "over_quota", "superseded", "ineligible"]
STATUSES: tuple[Status, ...] = ("awarded", "tie", "over_quota", "superseded", "ineligible")

_PERCENT = re.compile(r"^\s*(-?\d+(?:[.,]\d+)?)\s*%\s*$")


def parse_percent(value: Any) -> Any:
    """`"15%"` → `Decimal("0.15")`; a plain number is taken as a fraction already."""
    if isinstance(value, str):
        m = _PERCENT.match(value)
        if m:
            return Decimal(m.group(1).replace(",", ".")) / 100
    return value


Percent = Annotated[Decimal, BeforeValidator(parse_percent)]


class Model(BaseModel):
    model_config = ConfigDict(
        extra="forbid", frozen=True, populate_by_name=True, arbitrary_types_allowed=True
    )


class FieldSpec(Model):
    """One column of a report sheet."""

    header: str
    type: FieldType = "text"
    aliases: tuple[str, ...] = ()
    # choice: a list of labels (value == label) or a label → value map; `ordered` makes
    # the values comparable by position (later is greater).
    values: tuple[str, ...] | dict[str, str] | None = None
    ordered: bool = False
    min: Decimal | None = None
    max: Decimal | None = None
    default: Any = None
    required: bool | None = None  # None: required unless a default is given
    note: str | None = None  # shown in the template's instructions

    @property
    def is_required(self) -> bool:
        return self.required if self.required is not None else self.default is None

    def choice_map(self) -> dict[str, str]:
        """Label → stored value, in declaration order."""
        if self.values is None:
            return {}
        if isinstance(self.values, dict):
            return dict(self.values)
        return {v: v for v in self.values}

    def choice_values(self) -> list[str]:
        """Stored values in declaration order (the order `ordered` compares by)."""
        return list(dict.fromkeys(self.choice_map().values()))


class ScoreItem(Model):
    id: str
    label: str
    max: Decimal
    min: Decimal = Decimal(0)
    header: str | None = None  # default: "<id>. <label> (tối đa <max>)"
    aliases: tuple[str, ...] = ()
    default: Decimal | None = None  # blank means error unless a default is given


class ScoreGroup(Model):
    id: str
    label: str
    items: tuple[ScoreItem, ...]

    @property
    def max(self) -> Decimal:
        return sum((i.max for i in self.items), Decimal(0))


class Adjustment(Model):
    """Bonus (điểm thưởng, added, capped at `max`) or penalty (điểm trừ, subtracted)."""

    header: str
    max: Decimal | None = None
    aliases: tuple[str, ...] = ()
    default: Decimal | None = Decimal(0)


class SubjectSpec(Model):
    """The `people:` or `units:` section: sheet, fields, points table, level bands."""

    sheet: str
    aliases: tuple[str, ...] = ()  # other accepted sheet names
    fields: dict[str, FieldSpec] = Field(default_factory=dict)
    score: tuple[ScoreGroup, ...] = ()
    bonus: Adjustment | None = None
    penalty: Adjustment | None = None
    bands: dict[str, str] = Field(default_factory=dict)  # level code → condition, first that holds


class HistorySpec(Model):
    sheet: str = "Lịch sử"
    aliases: tuple[str, ...] = ()
    id_header: str = "Mã"
    year_header: str = "Năm"
    level_header: str = "Xếp loại"
    titles_header: str = "Danh hiệu"


class Quota(Model):
    share: Percent | None = None  # of the base; in (0, 1]
    count: int | None = None  # or a fixed number of places
    of: str | None = None  # base: a title id or a condition; absent: the candidates
    per: str | None = None  # a field; absent: one pool for all
    round: Literal["down", "nearest", "up"] = "down"
    at_least: int | None = None  # minimum places when the base is not empty

    @model_validator(mode="after")
    def _one_of_share_or_count(self) -> Self:
        if (self.share is None) == (self.count is None):
            raise ValueError("quota needs exactly one of 'share' or 'count'")
        return self


class Title(Model):
    name: str
    short: str | None = None  # abbreviation used in lists and explanations, e.g. "CSTĐCS"
    kind: Literal["title", "award"] = "title"
    for_: Scope = Field(alias="for")
    when: str
    quota: Quota | None = None
    order: tuple[str, ...] = ()  # expressions, descending; "-expr" ascending
    basis: str | None = None  # "L2022 Điều 24": a reference key then free text
    money: Decimal | None = None  # × money.base
    window: Literal["since_last", "all"] = "since_last"
    note: str | None = None


class Check(Model):
    for_: Scope = Field(alias="for")
    per: tuple[str, ...] = ()
    require: str
    severity: Literal["error", "warning"] = "warning"
    basis: str | None = None
    message: str | None = None


class Money(Model):
    base: Decimal
    round_up_to: Decimal = Decimal(10000)
    currency: str = "đồng"


class Effective(Model):
    from_: dt.date | None = Field(default=None, alias="from")
    to: dt.date | None = None


class Nominations(Model):
    """How nomination lists are ordered (Decree 152 Art 29.5, then practice)."""

    sort: tuple[str, ...] = ("unit", "position", "given_name", "name")
    positions: tuple[str, ...] = ()  # position labels, leaders first
    position_field: str = "position"


class TestCase(Model):
    __test__ = False  # not a pytest class
    name: str
    year: int | None = None
    units: tuple[dict[str, Any], ...] = ()
    people: tuple[dict[str, Any], ...] = ()
    history: tuple[dict[str, Any], ...] = ()  # {id, year, level, titles: [ids]}
    expect: dict[str, tuple[str, ...]] = Field(default_factory=dict)  # exact awarded set
    status: dict[str, dict[str, Status]] = Field(default_factory=dict)  # subject → title → status
    money: dict[str, Decimal] = Field(default_factory=dict)  # subject → total prize money
    checks: tuple[str, ...] | None = None  # ids of checks expected to fire (None: not asserted)


PEOPLE_BUILTINS: dict[str, FieldSpec] = {
    "id": FieldSpec(header="Mã cán bộ", type="id", aliases=("Mã CB", "Mã số")),
    "name": FieldSpec(header="Họ và tên", type="text", aliases=("Họ tên",)),
    "unit": FieldSpec(header="Mã đơn vị", type="id"),
    "level": FieldSpec(header="Xếp loại", type="level", aliases=("Mức độ hoàn thành nhiệm vụ",)),
}
UNITS_BUILTINS: dict[str, FieldSpec] = {
    "id": FieldSpec(header="Mã đơn vị", type="id"),
    "name": FieldSpec(header="Tên đơn vị", type="text", aliases=("Đơn vị",)),
    "level": FieldSpec(header="Xếp loại", type="level", required=False),
}
BUILTIN_NAMES = frozenset({"id", "name", "unit", "level"})


class RuleSet(Model):
    format: Literal["emulate/1"] = FORMAT
    name: str
    year: int
    effective: Effective | None = None
    description: str | None = None
    references: dict[str, str] = Field(default_factory=dict)
    levels: dict[str, str]  # code → label, best first
    people: SubjectSpec = SubjectSpec(sheet="Cá nhân")
    units: SubjectSpec = SubjectSpec(sheet="Đơn vị")
    history: HistorySpec = HistorySpec()
    titles: dict[str, Title] = Field(default_factory=dict)  # rank order, highest first
    one_of: tuple[tuple[str, ...], ...] = ()
    money: Money | None = None
    checks: dict[str, Check] = Field(default_factory=dict)
    nominations: Nominations = Nominations()
    tests: tuple[TestCase, ...] = ()

    # Filled in by the loader, not written in files.
    source: str | None = Field(default=None, exclude=True)
    sha256: str | None = Field(default=None, exclude=True)

    def subject(self, scope: Scope) -> SubjectSpec:
        return self.people if scope == "people" else self.units

    def fields(self, scope: Scope) -> dict[str, FieldSpec]:
        """Built-in fields (possibly overridden by the file) then declared ones."""
        builtins = PEOPLE_BUILTINS if scope == "people" else UNITS_BUILTINS
        declared = self.subject(scope).fields
        merged = {k: declared.get(k, v) for k, v in builtins.items()}
        merged.update({k: v for k, v in declared.items() if k not in merged})
        return merged

    def level_rank(self, code: str) -> int:
        """Higher is better: the last level is 0."""
        codes = list(self.levels)
        return len(codes) - 1 - codes.index(code)

    def titles_for(self, scope: Scope) -> dict[str, Title]:
        return {k: t for k, t in self.titles.items() if t.for_ == scope}
