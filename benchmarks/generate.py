"""Deterministic generator of realistic report workbooks for the benchmarks.

    .venv/bin/python -m benchmarks.generate 10k 100k          # → benchmarks/data/<size>/
    .venv/bin/python -m benchmarks.generate 1m country --jobs 2

Each data set is a folder with:

- `tieu-chi.yaml`: the rule set. It `extends: vi-du-so` and only replaces the list of
  clusters (`Cụm, khối thi đua`), because the example province has two khối and a benchmark
  wants ~50 units per cluster (a province of 100k people has ~5,000 units in ~100 clusters).
- `bao-cao*.xlsx`: report workbooks in the layout `emulate template` writes for that rule set:
  sheets `Đơn vị`, `Cá nhân`, `Lịch sử` with the title block (rows 1–3), the header row 4
  (headers from `emulate.intake.layout.specs`, `*` on required columns), frozen panes, the
  `Hướng dẫn` sheet and the hidden `_emulate` stamp. Values only (no formulas), as a unit
  typing into the template would leave them: ids and names as text, levels as codes, choices
  by their label, booleans as Có/Không, numbers as numbers, some optional cells blank.
- `lich-su-*.xlsx`: only when five years of history do not fit in one sheet (1M people:
  5.25M history rows; a sheet holds 1,048,576) — history workbooks for `--history`.
- `manifest.json`: what the runner needs (files, counts, the command's arguments).

People: Vietnamese names (family + middle + given, by gender, family names weighted by
frequency), ~20 per unit (8–32), ~50 units per cluster, five previous years (2020–2024) of
levels and titles driven by a per-person "strength" so that streaks (CSTĐCS 2–3 years, HTXS
units) occur as they do in life. Seeded `random.Random`, no clock: the same command writes
byte-identical files (xlsxwriter's zip entries carry a fixed date; `created` is fixed here).

Sizes: `10k`, `100k`, `1m` (one province-like workbook each) and `country`: 25 provincial
workbooks of 100k people (2.5M). Written with xlsxwriter in `constant_memory` mode (rows
streamed, inline strings), ~100k rows/s per core; `--jobs` spreads files over processes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DATA = ROOT / "benchmarks" / "data"
BASE_RULES = "vi-du-so"
YEAR = 2025
HISTORY_YEARS = range(YEAR - 5, YEAR)
PEOPLE_PER_UNIT = 20
UNITS_PER_CLUSTER = 50
SHEET_ROWS = 1_048_576
HISTORY_FILE_ROWS = 1_000_000  # data rows per history workbook when it must be split
CREATED = dt.datetime(2026, 1, 1)  # workbook property: fixed, so files are reproducible
GENERATOR_VERSION = 1

SIZES: dict[str, tuple[int, int]] = {  # name → (files, people per file)
    "10k": (1, 10_000),
    "100k": (1, 100_000),
    "1m": (1, 1_000_000),
    "country": (25, 100_000),
}

PROVINCES = [
    "Hà Nội", "Hải Phòng", "Quảng Ninh", "Bắc Ninh", "Hưng Yên", "Ninh Bình", "Phú Thọ",
    "Thái Nguyên", "Lào Cai", "Tuyên Quang", "Thanh Hóa", "Nghệ An", "Hà Tĩnh", "Quảng Trị",
    "Huế", "Đà Nẵng", "Quảng Ngãi", "Gia Lai", "Đắk Lắk", "Khánh Hòa", "Lâm Đồng",
    "Đồng Nai", "Tây Ninh", "Thành phố Hồ Chí Minh", "Cần Thơ", "Vĩnh Long", "Đồng Tháp",
    "An Giang", "Cà Mau", "Sơn La", "Điện Biên", "Lai Châu", "Cao Bằng", "Lạng Sơn",
]  # fmt: skip

# Family names with rough frequencies (per cent); the rest share the remainder.
FAMILY = [
    ("Nguyễn", 38), ("Trần", 11), ("Lê", 9.5), ("Phạm", 7), ("Hoàng", 4), ("Huỳnh", 2),
    ("Phan", 4.5), ("Vũ", 3), ("Võ", 2), ("Đặng", 2), ("Bùi", 2), ("Đỗ", 1.4), ("Hồ", 1.3),
    ("Ngô", 1.3), ("Dương", 1), ("Lý", 0.5), ("Đinh", 1), ("Trương", 1), ("Lương", 0.5),
    ("Mai", 0.5), ("Trịnh", 0.5), ("Đoàn", 0.5), ("Lâm", 0.4), ("Tạ", 0.3), ("Hà", 0.5),
    ("Cao", 0.4), ("Chu", 0.3), ("Kiều", 0.2), ("Quách", 0.2), ("Thái", 0.2), ("Tô", 0.2),
]  # fmt: skip
MIDDLE = {
    "Nam": ["Văn", "Đức", "Minh", "Quang", "Hữu", "Công", "Thanh", "Xuân", "Đình", "Ngọc",
            "Tuấn", "Mạnh", "Quốc", "Trọng", "Hoàng", "Anh", "Bá", "Gia", "Duy", "Thế"],
    "Nữ": ["Thị", "Thu", "Ngọc", "Thanh", "Minh", "Thị Thu", "Thị Ngọc", "Hồng", "Phương",
           "Thị Thanh", "Thị Hồng", "Kim", "Bích", "Thùy", "Diệu", "Mỹ", "Hoài", "Khánh"],
}  # fmt: skip
GIVEN = {
    "Nam": ["An", "Bình", "Cường", "Dũng", "Đạt", "Hùng", "Hải", "Khánh", "Long", "Nam",
            "Phong", "Quân", "Sơn", "Thắng", "Tuấn", "Việt", "Ấn", "Đông", "Hiếu", "Trung",
            "Huy", "Hoàng", "Kiên", "Lâm", "Lộc", "Minh", "Nghĩa", "Phúc", "Tài", "Thành",
            "Thịnh", "Toàn", "Trí", "Vinh", "Vũ", "Đức", "Bảo", "Duy", "Khoa", "Tùng"],
    "Nữ": ["Anh", "Ánh", "Châu", "Dung", "Giang", "Hà", "Hạnh", "Hoa", "Hòa", "Hương", "Lan",
           "Linh", "Mai", "Ngân", "Nhung", "Phương", "Thảo", "Thủy", "Trang", "Yến", "Ân",
           "Chi", "Diệp", "Hằng", "Hiền", "Huyền", "Liên", "Loan", "Ly", "My", "Nga",
           "Ngọc", "Nhi", "Oanh", "Quyên", "Tâm", "Thúy", "Trinh", "Uyên", "Vân"],
}  # fmt: skip
UNIT_KINDS = ["Phòng", "Phòng", "Phòng", "Trung tâm", "Chi cục", "Ban", "Văn phòng", "Đội"]
UNIT_DOMAINS = [
    "Kế hoạch - Tài chính", "Tổ chức cán bộ", "Quản lý đầu tư", "Pháp chế", "Thanh tra",
    "Văn hóa - Gia đình", "Công nghệ thông tin", "Xúc tiến đầu tư", "Quản lý đất đai",
    "Hành chính - Tổng hợp", "Kinh tế - Hạ tầng", "Y tế dự phòng", "Giáo dục thường xuyên",
    "Lao động - Thương binh", "Nông nghiệp - Môi trường", "Quản lý thị trường", "Kiểm lâm",
    "Thủy lợi", "Dịch vụ công", "Khoa học - Công nghệ",
]  # fmt: skip
POSITIONS = ["Trưởng phòng", "Phó Trưởng phòng"]
STAFF = ["Chuyên viên", "Chuyên viên", "Chuyên viên chính", "Nhân viên", "Kế toán viên",
         "Thanh tra viên", "Cán sự"]  # fmt: skip
TITLE_NAMES = {
    "LDTT": "Lao động tiên tiến",
    "CSTDCS": "Chiến sĩ thi đua cơ sở",
    "TTLDTT": "Tập thể lao động tiên tiến",
    "TTLDXS": "Tập thể lao động xuất sắc",
}


# --------------------------------------------------------------------------- rule set


def rules_text(clusters: Sequence[str], label: str) -> str:
    """The benchmark rule set: `vi-du-so` with its own list of clusters."""
    lines = [
        "# Benchmark rule set (generated by benchmarks/generate.py; do not edit).",
        "format: emulate/1",
        f"extends: {BASE_RULES}",
        f'name: "Đo hiệu năng ({label}): bộ tiêu chí ví dụ vi-du-so với {len(clusters)} cụm"',
        f"year: {YEAR}",
        "units:",
        "  fields:",
        "    cluster:",
        "      values:",
    ]
    lines += [f'        - "{c}"' for c in clusters]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- the data


@dataclass(slots=True)
class Unit:
    id: str
    name: str
    cluster: str
    quality: float
    size: int


@dataclass(slots=True)
class Person:
    id: str
    strength: float


def _weighted(pairs: Sequence[tuple[str, float]]) -> tuple[list[str], list[float]]:
    names = [p[0] for p in pairs]
    cum: list[float] = []
    total = 0.0
    for _, w in pairs:
        total += w
        cum.append(total)
    return names, cum


FAMILY_NAMES, FAMILY_CUM = _weighted(FAMILY)


def _level(score: float) -> str:
    if score > 0.80:
        return "HTXS"
    if score > 0.36:
        return "HTT"
    if score > 0.12:
        return "HT"
    return "KHT"


def _sizes(rng: random.Random, n_people: int, n_units: int) -> list[int]:
    sizes = [rng.randint(8, 32) for _ in range(n_units)]
    diff = n_people - sum(sizes)
    while diff:
        i = rng.randrange(n_units)
        step = 1 if diff > 0 else -1
        if 6 <= sizes[i] + step <= 40:
            sizes[i] += step
            diff -= step
    return sizes


@dataclass
class Province:
    """One report workbook's worth of units and people (a Sở, a province)."""

    index: int
    prefix: str  # id prefix ("" for one province, "T07-" in the country set)
    label: str  # shown in cluster names in the country set
    n_people: int
    seed: int

    def clusters(self) -> list[str]:
        n_units = self.n_people // PEOPLE_PER_UNIT
        n = max(2, round(n_units / UNITS_PER_CLUSTER))
        suffix = f" - {self.label}" if self.label else ""
        width = len(str(n))
        return [f"Cụm thi đua số {k:0{width}d}{suffix}" for k in range(1, n + 1)]

    def units(self) -> list[Unit]:
        rng = random.Random(f"{self.seed}:units")
        n_units = self.n_people // PEOPLE_PER_UNIT
        sizes = _sizes(rng, self.n_people, n_units)
        clusters = self.clusters()
        out = []
        for i in range(n_units):
            kind, domain = rng.choice(UNIT_KINDS), rng.choice(UNIT_DOMAINS)
            out.append(
                Unit(
                    id=f"{self.prefix}DV{i + 1:05d}",
                    name=f"{kind} {domain} số {i + 1}",
                    cluster=clusters[i * len(clusters) // n_units],
                    quality=0.72 + 0.28 * rng.random() ** 0.6,
                    size=sizes[i],
                )
            )
        return out


# --------------------------------------------------------------------------- rows


def unit_rows(units: list[Unit], seed: int, keys: list[str], rules: Any) -> Iterator[list[Any]]:
    rng = random.Random(f"{seed}:unit-rows")
    items = [item for group in rules.units.score for item in group.items]
    for u in units:
        rec: dict[str, Any] = {
            "id": u.id,
            "name": u.name,
            "cluster": u.cluster,
            "solidarity": "Có" if rng.random() < 0.97 else "Không",
            "gk_nominated": "Có" if rng.random() < 0.1 else "Không",
        }
        for item in items:
            top = float(item.max)
            share = min(1.0, max(0.3, u.quality + rng.gauss(0, 0.05)))
            rec[f"item:{item.id}"] = round(top * share * 2) / 2
        r = rng.random()
        rec["bonus"] = float(rng.randint(1, 5)) if r < 0.1 else 0
        rec["penalty"] = rng.choice([0.5, 1.0, 2.0, 3.0]) if r > 0.95 else 0
        yield [rec.get(k) for k in keys]


def people_rows(
    units: list[Unit], province: Province, keys: list[str], people: list[Person]
) -> Iterator[list[Any]]:
    """The `Cá nhân` rows; fills `people` (id, strength) for the history."""
    rng = random.Random(f"{province.seed}:people")
    rnd, choice = rng.random, rng.choice
    n = 0
    for u in units:
        for j in range(u.size):
            n += 1
            pid = f"{province.prefix}CB{n:07d}"
            gender = "Nữ" if rnd() < 0.52 else "Nam"
            family = rng.choices(FAMILY_NAMES, cum_weights=FAMILY_CUM)[0]
            name = f"{family} {choice(MIDDLE[gender])} {choice(GIVEN[gender])}"
            strength = rnd()
            level = _level(0.55 * strength + 0.45 * rnd())
            good = level in ("HTXS", "HTT")
            if level == "HTXS":
                initiatives = choice((0, 1, 1, 1, 2, 3))
            else:
                initiatives = 1 if good and rnd() < 0.08 else 0
            scope = None
            if initiatives:
                r = rnd()
                scope = "cơ sở" if r < 0.8 else ("tỉnh" if r < 0.97 else "toàn quốc")
            r = rnd()
            months: float | None = 12 if r < 0.7 else None
            if r >= 0.95:
                months = choice((4, 5, 7.5, 9))
            r = rnd()
            discipline = None if r < 0.7 else "không"
            if r >= 0.98:
                discipline = choice(("khiển trách", "cảnh cáo"))
            r = rnd()
            movement = "Có" if r < 0.75 else (None if r < 0.97 else "Không")
            position = POSITIONS[j] if j < len(POSITIONS) else choice(STAFF)
            rec = {
                "id": pid,
                "name": name,
                "unit": u.id,
                "level": level,
                "gender": gender,
                "birth_year": rng.randint(1966, 2002),
                "position": position,
                "months": months,
                "initiatives": initiatives,
                "initiative_scope": scope,
                "movement": movement,
                "discipline": discipline,
                "gk_nominated": "Có" if good and rnd() < 0.15 else "Không",
            }
            people.append(Person(pid, strength))
            yield [rec.get(k) for k in keys]


def history_rows(
    people: Sequence[Person], units: Sequence[Unit], seed: int, chunk: int
) -> Iterator[list[Any]]:
    """Five previous years per person, then per unit: Mã, Năm, Xếp loại, Danh hiệu (ids or
    full names, separated by `,`)."""
    rng = random.Random(f"{seed}:history:{chunk}")
    rnd = rng.random
    for p in people:
        for year in HISTORY_YEARS:
            level = _level(0.55 * p.strength + 0.45 * rnd())
            titles = ""
            if level in ("HTXS", "HTT") and rnd() < 0.95:
                ldtt = "LDTT" if rnd() < 0.8 else TITLE_NAMES["LDTT"]
                titles = ldtt
                if level == "HTXS" and p.strength > 0.6 and rnd() < 0.55:
                    titles += ", CSTDCS"
                    if rnd() < 0.03:
                        titles += ", BK_TINH_CN"
            yield [p.id, year, level, titles]
    if units:
        for u in units:
            for year in HISTORY_YEARS:
                level = _level(0.3 + 0.7 * u.quality * (0.85 + 0.3 * rnd()) - 0.25)
                titles = ""
                if level == "HTXS":
                    titles = "TTLDXS" if rnd() < 0.7 else TITLE_NAMES["TTLDXS"]
                elif level == "HTT" and rnd() < 0.8:
                    titles = "TTLDTT"
                yield [u.id, year, level, titles]


# --------------------------------------------------------------------------- workbooks


def _headers(specs: Sequence[Any]) -> list[str]:
    """Header cells exactly as `emulate template` writes them (`*` on required columns)."""
    return [s.column.header + (" *" if s.column.required else "") for s in specs]


def _kinds(specs: Sequence[Any]) -> list[str]:
    numeric = ("integer", "number", "points", "percent")
    return ["n" if s.type.type in numeric else "s" for s in specs]


class _Book:
    """An xlsxwriter workbook in constant_memory mode, shaped like the template."""

    def __init__(self, path: Path, rules: Any) -> None:
        import xlsxwriter

        self.path = path
        self.rules = rules
        self.wb = xlsxwriter.Workbook(
            str(path), {"constant_memory": True, "strings_to_numbers": False}
        )
        self.wb.set_properties({"created": CREATED, "author": "benchmarks/generate.py"})
        self.head = self.wb.add_format(
            {"bold": True, "font_color": "#FFFFFF", "bg_color": "#1F4E78", "border": 1,
             "text_wrap": True, "valign": "vcenter", "align": "center"}
        )  # fmt: skip
        self.bold14 = self.wb.add_format({"bold": True, "font_size": 14})
        self.italic = self.wb.add_format({"italic": True})
        self.note = self.wb.add_format({"italic": True, "font_size": 9, "font_color": "#595959"})

    def sheet(
        self, name: str, title: str, specs: Sequence[Any], rows: Iterable[Sequence[Any]]
    ) -> int:
        from emulate.intake.template import FIRST_DATA_ROW, HEADER_ROW

        ws = self.wb.add_worksheet(name)
        headers = _headers(specs)
        for c, h in enumerate(headers):
            ws.set_column(c, c, min(max(10, len(h) // 2 + 4 if len(h) > 24 else len(h) + 4), 36))
        ws.write_string(0, 0, f"{title} NĂM {self.rules.year}", self.bold14)
        ws.write_string(1, 0, self.rules.name, self.italic)
        ws.write_string(
            2,
            0,
            f"Mỗi đối tượng một dòng, bắt đầu từ dòng {FIRST_DATA_ROW}; cột có dấu * là bắt "
            "buộc; xem sheet “Hướng dẫn”.",
            self.note,
        )
        ws.set_row(HEADER_ROW - 1, 48)
        for c, h in enumerate(headers):
            ws.write_string(HEADER_ROW - 1, c, h, self.head)
        ws.freeze_panes(HEADER_ROW, 0)
        writers: list[Callable[[int, int, Any], Any]] = [
            ws.write_number if k == "n" else ws.write_string for k in _kinds(specs)
        ]
        r = HEADER_ROW
        for row in rows:
            for c, v in enumerate(row):
                if v is not None and v != "":
                    writers[c](r, c, v)
            r += 1
        n = r - HEADER_ROW
        if r > SHEET_ROWS:
            raise ValueError(f"{name}: {n} rows do not fit in one sheet")
        return n

    def instructions(self, sheets: Sequence[tuple[str, Sequence[Any]]]) -> None:
        ws = self.wb.add_worksheet("Hướng dẫn")
        ws.write_string(0, 0, f"HƯỚNG DẪN ĐIỀN BÁO CÁO THI ĐUA, KHEN THƯỞNG NĂM {self.rules.year}")
        ws.write_row(3, 0, ("Sheet", "Cột", "Bắt buộc"))
        r = 4
        for sheet, specs in sheets:
            for s in specs:
                ws.write_row(r, 0, (sheet, s.column.header, "có" if s.column.required else ""))
                r += 1

    def stamp(self, source: str) -> None:
        from emulate.intake.layout import STAMP_SHEET
        from emulate.intake.template import rules_digest

        ws = self.wb.add_worksheet(STAMP_SHEET)
        for r, (k, v) in enumerate(
            (
                ("name", self.rules.name),
                ("year", self.rules.year),
                ("sha256", rules_digest(self.rules)),
                ("source", source),
                ("generator", "emulate template"),
            )
        ):
            ws.write(r, 0, k)
            ws.write(r, 1, v)
        ws.very_hidden()

    def close(self) -> None:
        self.wb.close()


def _load(rules_path: Path) -> Any:
    from emulate.rules.load import load_rules

    return load_rules(str(rules_path))


def write_province(task: dict[str, Any]) -> dict[str, Any]:
    """Write one report workbook (and its history workbooks when history is too long)."""
    from emulate.intake.layout import history_specs, specs

    started = time.perf_counter()
    rules = _load(Path(task["rules"]))
    province = Province(**task["province"])
    out = Path(task["path"])
    units = province.units()
    people: list[Person] = []
    unit_specs, people_specs, hist_specs = (
        specs(rules, "units"),
        specs(rules, "people"),
        history_specs(rules),
    )
    n_history = (len(units) + province.n_people) * len(HISTORY_YEARS)
    inline_history = n_history + 4 <= SHEET_ROWS
    book = _Book(out, rules)
    keys = [s.column.key for s in unit_specs]
    n_units = book.sheet(
        rules.units.sheet,
        "DANH SÁCH ĐƠN VỊ (TẬP THỂ)",
        unit_specs,
        unit_rows(units, province.seed, keys, rules),
    )
    keys = [s.column.key for s in people_specs]
    n_people = book.sheet(
        rules.people.sheet,
        "DANH SÁCH CÁ NHÂN",
        people_specs,
        people_rows(units, province, keys, people),
    )
    history_files: list[str] = []
    n_hist_rows = 0
    title = "THÀNH TÍCH CÁC NĂM TRƯỚC"
    if inline_history:
        n_hist_rows = book.sheet(
            rules.history.sheet, title, hist_specs, history_rows(people, units, province.seed, 0)
        )
    book.instructions(
        [(rules.units.sheet, unit_specs), (rules.people.sheet, people_specs),
         (rules.history.sheet, hist_specs)]
    )  # fmt: skip
    book.stamp(task["source"])
    book.close()
    if not inline_history:
        # People in files of HISTORY_FILE_ROWS rows, then the units in a file of their own.
        per_file = HISTORY_FILE_ROWS // len(HISTORY_YEARS)
        chunks: list[tuple[Sequence[Person], Sequence[Unit]]] = [
            (people[start : start + per_file], ()) for start in range(0, len(people), per_file)
        ]
        chunks.append(((), units))
        for chunk, (who, which) in enumerate(chunks):
            path = out.with_name(f"lich-su-{chunk + 1}.xlsx")
            hbook = _Book(path, rules)
            rows = history_rows(who, which, province.seed, chunk)
            n_hist_rows += hbook.sheet(rules.history.sheet, title, hist_specs, rows)
            hbook.stamp(task["source"])
            hbook.close()
            history_files.append(path.name)
    return {
        "report": out.name,
        "history": history_files,
        "units": n_units,
        "people": n_people,
        "history_rows": n_hist_rows,
        "seconds": round(time.perf_counter() - started, 1),
    }


def generate(name: str, *, jobs: int = 1, force: bool = False, root: Path = DATA) -> Path:
    """Write data set `name` into `root/name`; returns its folder. Skipped when up to date."""
    files, per_file = SIZES[name]
    folder = root / name
    manifest_path = folder / "manifest.json"
    if manifest_path.exists() and not force:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        if manifest.get("version") == GENERATOR_VERSION:
            return folder
    folder.mkdir(parents=True, exist_ok=True)
    country = files > 1
    provinces = [
        Province(
            index=i,
            prefix=f"T{i + 1:02d}-" if country else "",
            label=PROVINCES[i] if country else "",
            n_people=per_file,
            seed=hash_seed(name, i),
        )
        for i in range(files)
    ]
    clusters = [c for p in provinces for c in p.clusters()]
    rules_path = folder / "tieu-chi.yaml"
    rules_path.write_text(rules_text(clusters, name), encoding="utf-8")
    try:
        source = str(rules_path.relative_to(ROOT))
    except ValueError:
        source = str(rules_path)
    tasks = [
        {
            "rules": str(rules_path),
            "source": source,
            "province": {
                "index": p.index,
                "prefix": p.prefix,
                "label": p.label,
                "n_people": p.n_people,
                "seed": p.seed,
            },
            "path": str(
                folder / (f"bao-cao-{p.index + 1:02d}.xlsx" if country else "bao-cao.xlsx")
            ),
        }
        for p in provinces
    ]
    started = time.perf_counter()
    if jobs > 1 and len(tasks) > 1:
        import multiprocessing

        with multiprocessing.get_context("spawn").Pool(min(jobs, len(tasks))) as pool:
            done = pool.map(write_province, tasks, chunksize=1)
    else:
        done = [write_province(t) for t in tasks]
    manifest = {
        "version": GENERATOR_VERSION,
        "name": name,
        "rules": rules_path.name,
        "reports": [d["report"] for d in done],
        "history": [h for d in done for h in d["history"]],
        "units": sum(d["units"] for d in done),
        "people": sum(d["people"] for d in done),
        "history_rows": sum(d["history_rows"] for d in done),
        "clusters": len(clusters),
        "seconds": round(time.perf_counter() - started, 1),
    }
    manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    return folder


def hash_seed(name: str, index: int) -> int:
    """A stable seed per data set and file (not `hash()`, which PYTHONHASHSEED changes)."""
    import hashlib

    digest = hashlib.sha256(f"emulate-bench:{name}:{index}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sizes", nargs="+", choices=sorted(SIZES), help="data sets to write")
    parser.add_argument("--jobs", type=int, default=1, help="processes (country: per file)")
    parser.add_argument("--force", action="store_true", help="rewrite even if up to date")
    parser.add_argument("--out", type=Path, default=DATA, help="root folder (benchmarks/data)")
    args = parser.parse_args(argv)
    for name in args.sizes:
        t = time.perf_counter()
        folder = generate(name, jobs=args.jobs, force=args.force, root=args.out)
        print(f"{name}: {folder} ({time.perf_counter() - t:.1f} s)", flush=True)


if __name__ == "__main__":
    main()
