"""A deliberately naive second scorer (plain loops, `fractions.Fraction`, no pandas) for one
family of rule sets, used to check the engine on generated cases (Koopman & Plasmeijer).

The family: people titles T1 (a gate) and T2 (T1 plus initiatives, with a share quota of T1
per unit, ordered by level, initiatives, female); unit titles U1 (level and share of T1
members), and U2 / U3 (one_of, one place per cluster each, ordered by level then the female
preference), U2 also needing a member with T2.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

LEVELS = ["HTXS", "HTT", "HT", "KHT"]


def quality(level: str) -> int:
    return len(LEVELS) - 1 - LEVELS.index(level)


@dataclass(frozen=True)
class Params:
    t1_level: str
    t1_initiatives: int
    t2_initiatives: int
    t2_share: int  # percent
    t2_round: str
    t2_at_least: int | None
    u1_level: str
    u1_share: int  # percent, "share(T1) >= u1_share%"
    u2_places: int
    u3_places: int


def rules_document(p: Params) -> dict[str, Any]:
    quota: dict[str, Any] = {
        "share": f"{p.t2_share}%",
        "of": "T1",
        "per": "unit",
        "round": p.t2_round,
    }
    if p.t2_at_least is not None:
        quota["at_least"] = p.t2_at_least
    return {
        "name": "generated",
        "year": 2025,
        "levels": {code: code for code in LEVELS},
        "people": {
            "sheet": "Cá nhân",
            "fields": {
                "gender": {
                    "header": "Giới tính",
                    "type": "choice",
                    "values": {"Nam": "male", "Nữ": "female"},
                },
                "initiatives": {"header": "Sáng kiến", "type": "integer", "default": 0},
            },
        },
        "units": {
            "sheet": "Đơn vị",
            "fields": {"cluster": {"header": "Cụm", "type": "text"}},
        },
        "titles": {
            "U2": {
                "name": "U2",
                "for": "units",
                "when": "U1 and count(T2) >= 1",
                "quota": {"count": p.u2_places, "per": "cluster"},
                "order": ["level", "female_share >= 70%"],
            },
            "U3": {
                "name": "U3",
                "for": "units",
                "when": "U1",
                "quota": {"count": p.u3_places, "per": "cluster"},
                "order": ["level"],
            },
            "U1": {
                "name": "U1",
                "for": "units",
                "when": f"level >= {p.u1_level} and share(T1) >= {p.u1_share}%",
            },
            "T2": {
                "name": "T2",
                "for": "people",
                "when": f"T1 and initiatives >= {p.t2_initiatives}",
                "quota": quota,
                "order": ["level", "initiatives", "female"],
            },
            "T1": {
                "name": "T1",
                "for": "people",
                "when": f"level >= {p.t1_level} and initiatives >= {p.t1_initiatives}",
            },
        },
        "one_of": [["U2", "U3"]],
    }


def _places(base: int, share: int, mode: str, at_least: int | None) -> int:
    exact = Fraction(share, 100) * base
    places = {
        "down": math.floor(exact),
        "up": math.ceil(exact),
        "nearest": math.floor(exact + Fraction(1, 2)),
    }[mode]
    if at_least is not None and base > 0:
        places = max(places, at_least)
    return places


def _placement(candidates: list[tuple[str, tuple]], places: int) -> dict[str, str]:
    """Status of each candidate: a group of equal keys straddling the cut is a tie."""
    out = {}
    for sid, key in candidates:
        better = sum(1 for _, other in candidates if other > key)
        equal = sum(1 for _, other in candidates if other == key)
        first, last = better + 1, better + equal
        if last <= places:
            out[sid] = "awarded"
        elif first <= places:
            out[sid] = "tie"
        else:
            out[sid] = "over_quota"
    return out


def reference_statuses(
    p: Params, units: list[dict[str, Any]], people: list[dict[str, Any]]
) -> dict[tuple[str, str], str]:
    """(subject, title) → status, by plain loops."""
    status: dict[tuple[str, str], str] = {}
    t1 = {
        x["id"]: quality(x["level"]) >= quality(p.t1_level) and x["initiatives"] >= p.t1_initiatives
        for x in people
    }
    for x in people:
        status[(x["id"], "T1")] = "awarded" if t1[x["id"]] else "ineligible"
    by_unit: dict[str, list[dict[str, Any]]] = {}
    for x in people:
        by_unit.setdefault(x["unit"], []).append(x)
    t2_awarded = set()
    for members in by_unit.values():
        eligible = [x for x in members if t1[x["id"]] and x["initiatives"] >= p.t2_initiatives]
        base = sum(1 for x in members if t1[x["id"]])
        places = _places(base, p.t2_share, p.t2_round, p.t2_at_least)
        keyed = [
            (x["id"], (quality(x["level"]), x["initiatives"], int(x["gender"] == "Nữ")))
            for x in eligible
        ]
        placed = _placement(keyed, places)
        for x in members:
            s = placed.get(x["id"], "ineligible")
            status[(x["id"], "T2")] = s
            if s == "awarded":
                t2_awarded.add(x["id"])
    u1 = {}
    for u in units:
        members = by_unit.get(u["id"], [])
        share = Fraction(sum(1 for x in members if t1[x["id"]]), len(members)) if members else None
        u1[u["id"]] = (
            quality(u["level"]) >= quality(p.u1_level)
            and share is not None
            and share >= Fraction(p.u1_share, 100)
        )
        status[(u["id"], "U1")] = "awarded" if u1[u["id"]] else "ineligible"
    clusters: dict[str, list[dict[str, Any]]] = {}
    for u in units:
        clusters.setdefault(u["cluster"], []).append(u)

    def female_share_high(u: dict[str, Any]) -> int:
        members = by_unit.get(u["id"], [])
        if not members:
            return 0  # `female_share >= 70%` is false when there is nobody to count
        return int(
            Fraction(sum(1 for x in members if x["gender"] == "Nữ"), len(members))
            >= Fraction(7, 10)
        )

    u2_awarded = set()
    for members in clusters.values():
        eligible = [
            u
            for u in members
            if u1[u["id"]] and any(x["id"] in t2_awarded for x in by_unit.get(u["id"], []))
        ]
        placed = _placement(
            [(u["id"], (quality(u["level"]), female_share_high(u))) for u in eligible], p.u2_places
        )
        for u in members:
            s = placed.get(u["id"], "ineligible")
            status[(u["id"], "U2")] = s
            if s == "awarded":
                u2_awarded.add(u["id"])
        eligible3 = [u for u in members if u1[u["id"]]]
        candidates = [u for u in eligible3 if u["id"] not in u2_awarded]
        placed3 = _placement([(u["id"], (quality(u["level"]),)) for u in candidates], p.u3_places)
        for u in members:
            if u["id"] in u2_awarded and u1[u["id"]]:
                status[(u["id"], "U3")] = "superseded"
            else:
                status[(u["id"], "U3")] = placed3.get(u["id"], "ineligible")
    return status
