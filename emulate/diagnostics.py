"""Problems as data: every finding is a `Diagnostic` with a code, a severity, a place and a
message in Vietnamese and English.

Modules declare their messages once in a `Catalogue` (code → severity, Vietnamese template,
English template) and create diagnostics with `catalogue.make(code, where, **params)`. Nothing
here prints; the CLI renders diagnostics in the language the user asked for.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

Lang = Literal["vi", "en"]


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, slots=True)
class Where:
    """A place a user can go to: a cell of a workbook or a line:col of a text file."""

    file: str | None = None
    sheet: str | None = None
    cell: str | None = None  # Excel address, e.g. "F12"
    line: int | None = None  # 1-based
    col: int | None = None  # 1-based

    def __str__(self) -> str:
        parts: list[str] = []
        if self.file:
            parts.append(self.file)
        if self.sheet:
            parts.append(self.sheet)
        if self.cell:
            parts.append(self.cell)
        text = "!".join(parts)
        if self.line is not None:
            text += f":{self.line}"
            if self.col is not None:
                text += f":{self.col}"
        return text


@dataclass(frozen=True, slots=True)
class Diagnostic:
    code: str
    severity: Severity
    where: Where
    message_vi: str
    message_en: str

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def message(self, lang: Lang = "vi") -> str:
        return self.message_vi if lang == "vi" else self.message_en

    def render(self, lang: Lang = "vi") -> str:
        where = str(self.where)
        return f"{where}: {self.message(lang)}" if where else self.message(lang)

    def as_dict(self, lang: Lang = "vi") -> dict[str, str]:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "where": str(self.where),
            "message": self.message(lang),
        }


@dataclass(frozen=True, slots=True)
class Message:
    severity: Severity
    vi: str
    en: str


class Catalogue:
    """The messages of one module, keyed by code. Templates use `str.format` fields."""

    def __init__(self, entries: Mapping[str, tuple[str, str, str]]) -> None:
        self._entries = {
            code: Message(Severity(sev), vi, en) for code, (sev, vi, en) in entries.items()
        }

    def __contains__(self, code: str) -> bool:
        return code in self._entries

    def codes(self) -> list[str]:
        return sorted(self._entries)

    def make(
        self,
        code: str,
        where: Where | None = None,
        *,
        severity: Severity | str | None = None,
        **params: object,
    ) -> Diagnostic:
        entry = self._entries[code]
        return Diagnostic(
            code=code,
            severity=Severity(severity) if severity is not None else entry.severity,
            where=where or Where(),
            message_vi=entry.vi.format(**params),
            message_en=entry.en.format(**params),
        )


@dataclass
class Diagnostics:
    """An ordered collection of diagnostics; collect everything, decide at the end."""

    items: list[Diagnostic] = field(default_factory=list)

    def add(self, diagnostic: Diagnostic) -> None:
        self.items.append(diagnostic)

    def extend(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.items.extend(diagnostics)

    def __iter__(self) -> Iterator[Diagnostic]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.is_error]

    @property
    def has_errors(self) -> bool:
        return any(d.is_error for d in self.items)


class EmulateError(Exception):
    """Raised by the library when it cannot produce a result; carries the diagnostics."""

    def __init__(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.diagnostics = list(diagnostics)
        super().__init__("; ".join(d.render("en") for d in self.diagnostics))
