"""Result documents (`emulate-result/1`, docs/result-format.md) built by hand for the export
tests: no engine needed, every field the lists use is under the test's control."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

# Rule-set order is rank order, highest first. Awards sit between titles on purpose: the
# lists must still put every title (danh hiệu) before every award (hình thức).
TITLES: dict[str, dict[str, Any]] = {
    "CSTDCS": {"name": "Chiến sĩ thi đua cơ sở", "kind": "title", "for": "people", "money": "1"},
    "CO_TINH": {"name": "Cờ thi đua của Ủy ban nhân dân tỉnh", "kind": "award", "for": "units"},
    "LDTT": {"name": "Lao động tiên tiến", "kind": "title", "for": "people", "money": "0.3"},
    "BK_TINH": {"name": "Bằng khen của Chủ tịch UBND tỉnh", "kind": "award", "for": "people"},
    "TTLDXS": {"name": "Tập thể lao động xuất sắc", "kind": "title", "for": "units"},
    "GK": {"name": "Giấy khen của Giám đốc Sở", "kind": "award", "for": "units"},
}

POSITIONS = ["Giám đốc", "Phó Giám đốc", "Chánh Văn phòng", "Trưởng phòng", "Chuyên viên"]


class ResultBuilder:
    """Collects units, people and decisions; `build()` returns the canonical document."""

    def __init__(self, year: int = 2025, sort: list[str] | None = None) -> None:
        self.year = year
        self.sort = sort
        self.units: list[dict[str, Any]] = []
        self.people: list[dict[str, Any]] = []
        self.decisions: list[dict[str, Any]] = []

    def unit(self, id: str, name: str, cluster: str = "Khối 1") -> ResultBuilder:
        self.units.append({"id": id, "name": name, "cluster": cluster, "level": "HTXS"})
        return self

    def person(
        self,
        id: str,
        name: str,
        unit: str,
        *,
        position: str | None = "Chuyên viên",
        gender: str | None = "male",
        birth_year: int | None = 1980,
    ) -> ResultBuilder:
        unit_name = next((u["name"] for u in self.units if u["id"] == unit), None)
        self.people.append(
            {
                "id": id,
                "name": name,
                "unit": unit,
                "unit_name": unit_name,
                "level": "HTT",
                "position": position,
                "gender": gender,
                "birth_year": birth_year,
            }
        )
        return self

    def decide(
        self,
        subject: str,
        title: str,
        status: str = "awarded",
        *,
        money: str | None = None,
        achievement: str = "",
        reasons: tuple[str, ...] = ("Đủ điều kiện.",),
        rank: int | None = None,
        places: int | None = None,
    ) -> ResultBuilder:
        self.decisions.append(
            {
                "subject": subject,
                "for": TITLES[title]["for"],
                "title": title,
                "status": status,
                "rank": rank,
                "places": places,
                "pool": None,
                "money": money,
                "reasons": list(reasons),
                "basis": None,
                "tied_with": [],
                "achievement": achievement,
            }
        )
        return self

    def build(self) -> dict[str, Any]:
        nominations: dict[str, Any] = {"positions": POSITIONS, "position_field": "position"}
        if self.sort is not None:
            nominations["sort"] = self.sort
        titles = {
            tid: {**info, "short": None, "position": i, "basis": None, "when": "true"}
            for i, (tid, info) in enumerate(TITLES.items())
        }
        positions = {tid: i for i, tid in enumerate(TITLES)}
        decisions = sorted(
            self.decisions,
            key=lambda d: (d["for"] != "units", positions[d["title"]], d["subject"]),
        )
        return {
            "format": "emulate-result/1",
            "tool": {"name": "emulate", "version": "0.1.0"},
            "year": self.year,
            "lang": "vi",
            "rules": {
                "name": "Thử nghiệm",
                "sha256": "0" * 64,
                "year": self.year,
                "source": None,
                "references": {
                    "L2022": "Luật Thi đua, khen thưởng số 06/2022/QH15",
                    "ND152": "Nghị định số 152/2025/NĐ-CP",
                },
                "money": {"base": "2340000", "round_up_to": "10000"},
                "nominations": nominations,
            },
            "inputs": [{"path": "bao-cao.xlsx", "sha256": "1" * 64}],
            "options": {},
            "levels": {"HTXS": "Hoàn thành xuất sắc nhiệm vụ", "HTT": "Hoàn thành tốt nhiệm vụ"},
            "titles": titles,
            "units": sorted(self.units, key=lambda u: u["id"]),
            "people": sorted(self.people, key=lambda p: p["id"]),
            "decisions": decisions,
            "diagnostics": [],
        }


HOSTILE = '=HYPERLINK("http://x","y")'


def sample() -> dict[str, Any]:
    """Three units and a dozen people: names that differ only by tone placement or by
    ă/â/đ, leaders among staff, awarded and tied decisions of both kinds, prize money."""
    b = ResultBuilder()
    b.unit("P01", "Văn phòng Sở").unit("P02", "Phòng Tổ chức cán bộ", "Khối 2")
    b.unit("P03", "Thanh tra Sở", "Khối 2")
    b.person("CB01", "Trần Văn Ân", "P01")
    b.person("CB02", "Lê Thị Ăn", "P01", gender="female", birth_year=1990)
    b.person("CB03", "Nguyễn Văn An", "P01")
    b.person("CB04", "Phạm Văn Đào", "P01")
    b.person("CB05", "Đỗ Thị Dung", "P01", gender="female", birth_year=1985)
    b.person("CB06", "Nguyễn Thị Hòa", "P02", gender="female")
    b.person("CB07", "Nguyễn Thị Hoà", "P02", gender="female")
    b.person("CB08", "Vũ Văn Bình", "P02", position="Trưởng phòng", birth_year=1975)
    b.person("CB09", "Hoàng Văn Yên", "P01", position="Giám đốc", birth_year=1970)
    b.person("CB10", "Ngô Thị Xuân", "P01", position="Phó Giám đốc", gender="female")
    b.person("CB11", "Bùi Văn Cường", "P03", gender=None, birth_year=1982)
    b.person("CB12", "Đặng Văn Khoa", "P03", birth_year=None)
    for pid in [f"CB{i:02d}" for i in range(1, 13)]:
        b.decide(pid, "LDTT", money="710000")
    b.decide("CB09", "CSTDCS", money="2340000", achievement="02 năm liên tục LĐTT 2024–2025")
    b.decide("CB08", "CSTDCS", "tie", money=None, rank=2, places=1)
    b.decide("CB11", "CSTDCS", "over_quota")
    b.decide("CB10", "BK_TINH")
    b.decide("P03", "TTLDXS", reasons=("Xếp loại HTXS.", "100% LĐTT."))
    b.decide("P01", "TTLDXS")
    b.decide("P02", "TTLDXS", "ineligible")
    b.decide("P01", "CO_TINH", achievement="Dẫn đầu Khối 1")
    b.decide("P02", "GK")
    return b.build()


def write_json(doc: dict[str, Any], path: Path) -> Path:
    path.write_text(json.dumps(doc, ensure_ascii=False, sort_keys=True, indent=1) + "\n", "utf-8")
    return path


def hostile() -> dict[str, Any]:
    """Names and texts that a spreadsheet would run or a Word file cannot hold."""
    b = ResultBuilder()
    b.unit("P01", HOSTILE)
    b.person("CB01", "Nguyễn\x01 Văn\x0b An", "P01")
    b.person("CB02", "@SUM(A1:A9)", "P01", position="+84 912 345 678")
    b.decide("P01", "TTLDXS", achievement="-5 điểm trừ")
    b.decide("CB01", "LDTT", money="710000", achievement="\tthụt đầu dòng")
    b.decide("CB02", "LDTT", money="710000", achievement=HOSTILE)
    return b.build()
