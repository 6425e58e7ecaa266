"""`emulate explain`: why a unit or person did or did not get each title, from the result
document (`resultjson.load_result` or `result_to_document`).

Subjects are found by id, else by name: tone placement does not matter (Hoà == Hòa, via
`text.match_key`) and a part of a name matches whole words ("Hòa" finds "Nguyễn Thị Hòa").
Several matches are returned for the caller to list; nothing here prints.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from emulate.diagnostics import Lang
from emulate.engine.explain import number as fmt_number
from emulate.output import labels
from emulate.text import match_key

TEXTS: dict[str, tuple[str, str]] = {
    "unit_head": ("Tập thể {id} · {name}", "Unit {id} · {name}"),
    "person_head": ("Cá nhân {id} · {name} · {unit}", "Person {id} · {name} · {unit}"),
    "unit_facts": (
        "{cluster}hạng {rank}, {score} điểm, xếp loại {level}",
        "{cluster}rank {rank}, {score} points, level {level}",
    ),
    "level_only": ("Xếp loại: {level}", "Level: {level}"),
    "run": ("Năm {year} · {rules}", "Year {year} · {rules}"),
    "condition": ("Điều kiện: {when}", "Condition: {when}"),
    "basis": ("Căn cứ: {basis}", "Legal basis: {basis}"),
    "blank": ("(trống)", "(blank)"),
}


def _t(key: str, lang: Lang, **params: Any) -> str:
    return labels.pick(TEXTS[key], lang).format(**params)


@dataclass(frozen=True)
class Subject:
    scope: str  # "units" | "people"
    id: str
    name: str
    record: Mapping[str, Any]

    def label(self) -> str:
        return f"{self.id} · {self.name}"


def _subjects(doc: Mapping[str, Any]) -> list[Subject]:
    return [
        Subject(scope, str(rec["id"]), str(rec.get("name") or ""), rec)
        for scope in ("units", "people")
        for rec in doc.get(scope, [])
    ]


def find_subjects(doc: Mapping[str, Any], query: str) -> list[Subject]:
    """Subjects whose id is `query` (case-insensitive), else whose name matches it."""
    subjects = _subjects(doc)
    wanted = query.strip().casefold()
    by_id = [s for s in subjects if s.id.casefold() == wanted]
    if by_id:
        return by_id
    key = match_key(query)
    if not key:
        return []
    exact = [s for s in subjects if match_key(s.name) == key]
    if exact:
        return exact
    padded = f" {key} "
    return [s for s in subjects if padded in f" {match_key(s.name)} "]


def find_title(doc: Mapping[str, Any], query: str) -> str | None:
    """A title id from its id, its short name or its name (tone placement ignored)."""
    titles: Mapping[str, Mapping[str, Any]] = doc.get("titles", {})
    wanted = query.strip().casefold()
    for tid in titles:
        if tid.casefold() == wanted:
            return tid
    key = match_key(query)
    for tid, title in titles.items():
        if key in (match_key(str(title.get("short") or "")), match_key(str(title.get("name")))):
            return tid
    return None


def full_basis(basis: str | None, references: Mapping[str, str]) -> str | None:
    """Each `;`-separated citation with its reference key spelled out: "L2022 Điều 24" →
    "Luật Thi đua, khen thưởng số 06/2022/QH15, Điều 24"."""
    if not basis:
        return None
    parts = []
    for part in basis.split(";"):
        head, _, rest = part.strip().partition(" ")
        if head in references:
            full = references[head]
            if rest:
                full += f" {rest}" if rest.startswith("(") else f", {rest}"
            parts.append(full)
        else:
            parts.append(part.strip())
    return "; ".join(p for p in parts if p)


def _level(doc: Mapping[str, Any], code: Any, lang: Lang) -> str:
    """ "HTXS (Hoàn thành xuất sắc nhiệm vụ)"; "(trống)" when blank."""
    if not code:
        return _t("blank", lang)
    label = doc.get("levels", {}).get(code)
    return f"{code} ({label})" if label else str(code)


def _header(doc: Mapping[str, Any], subject: Subject, lang: Lang) -> list[str]:
    rec = subject.record
    if subject.scope == "units":
        lines = [_t("unit_head", lang, id=subject.id, name=subject.name)]
        if rec.get("score") is not None:
            cluster = f"{rec['cluster']}, " if rec.get("cluster") else ""
            lines.append(
                _t(
                    "unit_facts",
                    lang,
                    cluster=cluster,
                    rank=rec.get("rank") if rec.get("rank") is not None else "—",
                    score=fmt_number(Decimal(rec["score"]), lang),
                    level=_level(doc, rec.get("level"), lang),
                )
            )
        elif rec.get("level"):
            lines.append(_t("level_only", lang, level=_level(doc, rec["level"], lang)))
    else:
        unit = rec.get("unit_name") or ""
        unit = f"{unit} ({rec['unit']})" if unit else str(rec.get("unit") or "")
        lines = [_t("person_head", lang, id=subject.id, name=subject.name, unit=unit)]
        if rec.get("level"):
            lines.append(_t("level_only", lang, level=_level(doc, rec["level"], lang)))
    lines.append(_t("run", lang, year=doc.get("year"), rules=doc.get("rules", {}).get("name")))
    return lines


def explain_lines(
    doc: Mapping[str, Any],
    subject: Subject,
    *,
    title: str | None = None,
    lang: Lang = "vi",
) -> list[str]:
    """The explanation of every title of the subject's scope (or only `title`), as lines."""
    titles: Mapping[str, Mapping[str, Any]] = doc.get("titles", {})
    references: Mapping[str, str] = doc.get("rules", {}).get("references", {})
    decisions = [
        d
        for d in doc.get("decisions", [])
        if d["for"] == subject.scope
        and str(d["subject"]) == subject.id
        and (title is None or d["title"] == title)
    ]
    lines = _header(doc, subject, lang)
    for d in decisions:
        info = titles.get(d["title"], {})
        short = info.get("short") or d["title"]
        lines.append("")
        lines.append(
            f"{info.get('name', d['title'])} ({short}): {labels.status(d['status'], lang)}"
        )
        if info.get("when"):
            lines.append("  " + _t("condition", lang, when=info["when"]))
        lines.extend(f"  - {reason}" for reason in d.get("reasons") or [])
        basis = full_basis(d.get("basis"), references)
        if basis:
            lines.append("  " + _t("basis", lang, basis=basis))
    return lines
