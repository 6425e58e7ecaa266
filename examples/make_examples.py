"""Write the example report workbooks (deterministic: seeded random, no clock).

    .venv/bin/python examples/make_examples.py

- `bao-cao-so-2025.xlsx`: a Sở with 10 units in two khối and ~120 people, filled into the
  template of the `vi-du-so` rule set, with five years of history (2020–2024) that make
  CSTĐCS streaks, a former Bằng khen tỉnh, and unit ratings for the Bằng khen chain. The
  points are chosen so that scoring is interesting: a tie at the top of Khối kinh tế, a tie
  decided by the women's-share preference in Khối văn hóa - xã hội, CSTĐCS quota cuts.
- `bao-cao-loi.xlsx`: a small "messy" report as officers really send them — title rows,
  merged two-level headers, columns in another order, a header without diacritics, text
  numbers, decimal commas, a total row, NBSP and NFD names, a signature block — with planted
  errors: an Excel error value, an unknown choice, a duplicate id, points over the maximum,
  and a formula saved without a computed value.
"""

from __future__ import annotations

import random
import sys
import unicodedata
from decimal import Decimal
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from emulate.intake.template import fill, write_template  # noqa: E402
from emulate.rules.load import load_rules  # noqa: E402

RULES = "vi-du-so"
YEAR = 2025
KINH_TE, VH_XH = "Khối kinh tế", "Khối văn hóa - xã hội"

# id, name, khối, points of items 1–8, bonus, penalty, solidarity, share of women wanted
UNITS: list[tuple[str, str, str, str, str, str, bool, float]] = [
    ("P01", "Phòng Kế hoạch - Tài chính", KINH_TE, "19 9.5 14 9 9 14 9 9", "2", "0", True, 0.45),
    ("P02", "Phòng Quản lý đầu tư", KINH_TE, "18.5 9 14 9.5 9 14.5 9 9", "2", "0", True, 0.40),
    ("P03", "Ban Quản lý dự án", KINH_TE, "17 8 13 8.5 8.5 13 8 8", "1", "0", True, 0.35),
    (
        "P04",
        "Trung tâm Xúc tiến đầu tư",
        KINH_TE,
        "19.5 9.5 14.5 9.5 9.5 14.5 7 7",
        "0",
        "0",
        True,
        0.5,
    ),
    ("P05", "Thanh tra Sở", KINH_TE, "15 7 11 7 8 12 6 6.5", "0", "3", True, 0.30),
    ("P06", "Văn phòng Sở", VH_XH, "19 9 14 9 9.5 14 9 9.5", "0", "0", True, 0.75),
    ("P07", "Phòng Tổ chức cán bộ", VH_XH, "19 9.5 14 9 9 14 9 9.5", "0", "0", True, 0.50),
    ("P08", "Trung tâm Công nghệ thông tin", VH_XH, "17 8.5 13 8.5 8 13 8 8", "1", "0", True, 0.25),
    ("P09", "Phòng Pháp chế", VH_XH, "15 7.5 12 8 8 12 8.5 8.5", "0", "0.5", True, 0.60),
    ("P10", "Phòng Văn hóa - Gia đình", VH_XH, "19 9.5 14 9 9.5 14 8.5 9", "0", "0", False, 0.65),
]
SIZES = [13, 14, 12, 11, 10, 14, 12, 12, 10, 12]

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng",
          "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Trương"]  # fmt: skip
MIDDLE = {
    "Nam": ["Văn", "Đức", "Minh", "Quang", "Hữu", "Công", "Thanh", "Xuân", "Đình"],
    "Nữ": ["Thị", "Thu", "Ngọc", "Thanh", "Minh", "Thị Thu", "Thị Ngọc", "Hồng", "Phương"],
}
GIVEN = {
    "Nam": ["An", "Bình", "Cường", "Dũng", "Đạt", "Hùng", "Hải", "Khánh", "Long", "Nam",
            "Phong", "Quân", "Sơn", "Thắng", "Tuấn", "Việt", "Ấn", "Đông", "Hiếu", "Trung"],
    "Nữ": ["Anh", "Ánh", "Châu", "Dung", "Giang", "Hà", "Hạnh", "Hoa", "Hòa", "Hương", "Lan",
           "Linh", "Mai", "Ngân", "Nhung", "Phương", "Thảo", "Thủy", "Trang", "Yến", "Ân"],
}  # fmt: skip
POSITIONS = ["Trưởng phòng", "Phó Trưởng phòng"]
STAFF = ["Chuyên viên", "Chuyên viên chính", "Nhân viên"]
ITEM_LABELS = [
    "Tỷ lệ giải ngân vốn đầu tư công so với kế hoạch được giao",
    "Tiến độ các dự án, công trình trọng điểm",
    "Tỷ lệ hồ sơ thủ tục hành chính xử lý trực tuyến toàn trình",
    "Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính",
    "Chỉ số hài lòng của người dân, doanh nghiệp",
    "Tỷ lệ hồ sơ giải quyết đúng hạn",
    "Sáng kiến, giải pháp được công nhận",
    "Mô hình mới được nhân rộng",
]


def _people(rng: random.Random) -> list[dict[str, Any]]:
    people: list[dict[str, Any]] = []
    seen: set[str] = set()
    n = 0
    for (uid, _name, _k, _p, _b, _pen, _s, women), size in zip(UNITS, SIZES, strict=True):
        for i in range(size):
            n += 1
            gender = "Nữ" if i < round(size * women) else "Nam"
            while True:
                family, middle = rng.choice(FAMILY), rng.choice(MIDDLE[gender])
                name = f"{family} {middle} {rng.choice(GIVEN[gender])}"
                if name not in seen:
                    break
            seen.add(name)
            people.append(
                {
                    "id": f"CB{n:04d}",
                    "name": name,
                    "unit": uid,
                    "level": "HTT",
                    "gender": "female" if gender == "Nữ" else "male",
                    "birth_year": rng.randint(1968, 2000),
                    "position": POSITIONS[i] if i < 2 else rng.choice(STAFF),
                    "months": Decimal(12),
                    "initiatives": 0,
                    "initiative_scope": "không có",
                    "movement": True,
                    "discipline": "không",
                    "gk_nominated": False,
                }
            )
    # Two namesakes in different units (different people, different ids).
    people[3]["name"] = people[40]["name"] = "Nguyễn Văn Hùng"
    people[3]["gender"] = people[40]["gender"] = "male"
    by_unit: dict[str, list[dict[str, Any]]] = {}
    for p in people:
        by_unit.setdefault(p["unit"], []).append(p)
    for uid, members in by_unit.items():
        # HTXS at most 20% of HTT (Decree 335): two in the large units, one elsewhere.
        for p in members[: 2 if len(members) >= 13 or uid == "P07" else 1]:
            p["level"] = "HTXS"
            p["initiatives"] = rng.choice([1, 1, 2])
            p["initiative_scope"] = "cơ sở"
        # Extra CSTĐCS candidates (HTT + an initiative): the 15% quota cuts them.
        for p in members[2:4]:
            p["initiatives"] = 1
            p["initiative_scope"] = "cơ sở"
        for p in members[2:]:
            p["gk_nominated"] = rng.random() < 0.2
        members[-1]["level"] = "HT" if uid not in ("P01", "P02", "P06", "P07") else "HTT"
    # Special cases.
    by_unit["P05"][-2]["level"] = "KHT"
    by_unit["P05"][-2]["discipline"] = "khiển trách"
    by_unit["P03"][-3]["months"] = Decimal(4)  # joined in September: not LĐTT
    by_unit["P08"][-3]["months"] = Decimal("6")  # maternity leave counts as service
    by_unit["P09"][-2]["movement"] = False
    # A tie at the CSTĐCS cut in P07: two HTXS with the same initiatives and gender.
    for p in by_unit["P07"][:2]:
        p["initiatives"] = 2
        p["gender"] = "female"
    by_unit["P01"][0]["initiative_scope"] = "tỉnh"  # a CSTĐ tỉnh candidate (3-year streak)
    by_unit["P01"][0]["initiatives"] = 2
    return people


def _history(people: list[dict[str, Any]], rng: random.Random) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    by_unit: dict[str, list[dict[str, Any]]] = {}
    for p in people:
        by_unit.setdefault(p["unit"], []).append(p)
    chains = {
        # CSTĐCS 2022–2024: with CSTĐCS 2025 and a provincial initiative → CSTĐ tỉnh.
        by_unit["P01"][0]["id"]: {2022: "CSTDCS", 2023: "CSTDCS", 2024: "CSTDCS"},
        # CSTĐCS 2024: with CSTĐCS 2025 → Bằng khen tỉnh.
        by_unit["P02"][0]["id"]: {2024: "CSTDCS"},
        by_unit["P06"][1]["id"]: {2024: "CSTDCS"},
        # BK tỉnh 2021, CSTĐCS 2021 and 2023, HTT+ every year → BK TTg if CSTĐCS 2025.
        by_unit["P07"][0]["id"]: {2021: "CSTDCS, BK_TINH_CN", 2023: "CSTDCS"},
        # A broken chain: CSTĐCS 2022 and 2024 only.
        by_unit["P04"][0]["id"]: {2022: "CSTDCS", 2024: "CSTDCS"},
    }
    names = {"LDTT": "Lao động tiên tiến", "CSTDCS": "Chiến sĩ thi đua cơ sở"}
    for p in people:
        for year in range(YEAR - 5, YEAR):
            chain = chains.get(p["id"], {}).get(year)
            level = "HTXS" if chain else rng.choice(["HTT", "HTT", "HTT", "HTXS", "HT"])
            if p["id"] in chains and level == "HT":
                level = "HTT"
            if level == "HT":
                titles = ""
            elif chain:
                titles = f"LDTT, {chain}"
            else:
                titles = names["LDTT"] if rng.random() < 0.5 else "LDTT"
            rows.append({"id": p["id"], "year": year, "level": level, "titles": titles})
    unit_levels = {"P01": "HTXS", "P02": "HTT", "P06": "HTXS", "P07": "HTXS", "P10": "HTXS"}
    for uid, *_ in UNITS:
        for year in range(YEAR - 5, YEAR):
            level = unit_levels.get(uid, "HTT") if year == YEAR - 1 else "HTT"
            titles = "Tập thể lao động xuất sắc" if level == "HTXS" else "TTLDTT"
            rows.append({"id": uid, "year": year, "level": level, "titles": titles})
    return rows


def _units() -> list[dict[str, Any]]:
    out = []
    for uid, name, khoi, points, bonus, penalty, solidarity, _w in UNITS:
        row: dict[str, Any] = {"id": uid, "name": name, "cluster": khoi, "solidarity": solidarity}
        row.update({f"item:{i}": Decimal(v) for i, v in enumerate(points.split(), start=1)})
        row["bonus"], row["penalty"] = Decimal(bonus), Decimal(penalty)
        row["gk_nominated"] = uid in ("P03", "P08")
        out.append(row)
    return out


def make_clean(out: Path) -> Path:
    rules = load_rules(RULES)
    rng = random.Random(YEAR)
    people = _people(rng)
    history = _history(people, rng)
    template = out.with_name(".mau-tam.xlsx")
    write_template(rules, template, source=RULES)
    try:
        return fill(template, out, rules, {"units": _units(), "people": people, "history": history})
    finally:
        template.unlink(missing_ok=True)


def make_messy(out: Path) -> Path:
    """Built cell by cell with openpyxl, as a unit's own workbook would look."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "Đơn vị"
    ws["A1"] = "UBND TỈNH MINH HỌA"
    ws["A2"] = "SỞ KẾ HOẠCH VÀ ĐẦU TƯ"
    ws["A3"] = "BẢNG TỔNG HỢP KẾT QUẢ CHẤM ĐIỂM THI ĐUA NĂM 2025"
    ws.merge_cells("A3:M3")
    ws["A3"].font = Font(bold=True)
    top = ["STT", "Mã đơn vị", "Tên đơn vị", "Cụm, khối thi đua", "Điểm chấm"]
    items = [f"{i}. {label}" for i, label in enumerate(ITEM_LABELS, start=1)]
    for c, text in enumerate(top, start=1):
        ws.cell(row=5, column=c, value=text)
    for c in range(1, 5):
        ws.merge_cells(start_row=5, start_column=c, end_row=6, end_column=c)
    ws.merge_cells(start_row=5, start_column=5, end_row=5, end_column=12)
    for c, text in enumerate(items, start=5):
        ws.cell(row=6, column=c, value=text)
    ws.cell(row=5, column=13, value="Điểm thưởng")
    ws.merge_cells(start_row=5, start_column=13, end_row=6, end_column=13)
    units = [
        (1, "P01", "Phòng Kế hoạch - Tài chính", KINH_TE, ["19", "9,5", 14, 9, 9, 14, 9, 9], 2),
        (2, "P02", "Phòng Quản lý đầu tư", KINH_TE, [18.5, 9, 14, "9.5", 9, 14.5, 9, 9], 2),
        (3, "P03", "Ban Quản lý dự án", KINH_TE, [21, 8, 13, 8.5, 8.5, 13, 8, 8], 1),  # 21 > 20
    ]
    r = 7
    for stt, uid, name, khoi, points, bonus in units:
        ws.cell(row=r, column=1, value=stt)
        ws.cell(row=r, column=2, value=uid)
        ws.cell(row=r, column=3, value=name)
        ws.cell(row=r, column=4, value=khoi)
        for c, v in enumerate(points, start=5):
            ws.cell(row=r, column=c, value=v)
        ws.cell(row=r, column=13, value=bonus)
        r += 1
    ws.cell(row=8, column=9, value="#REF!").data_type = "e"  # planted: an Excel error value
    ws.cell(row=r, column=1, value="Tổng cộng")
    ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=4)
    ws.cell(row=r, column=13, value="=SUM(M7:M9)")  # a total formula: skipped with its row

    ps = wb.create_sheet("Cá nhân")
    ps["A1"] = "SỞ KẾ HOẠCH VÀ ĐẦU TƯ"
    ps["A2"] = "DANH SÁCH CÁ NHÂN ĐỀ NGHỊ XÉT THI ĐUA NĂM 2025"
    head_top = ["STT", "Thông tin cán bộ", None, None, None, "Kết quả", None, None, None]
    head_low = [None, "Họ và tên", "Mã cán bộ", "Gioi tinh", "Mã đơn vị", "Xếp loại",
                "Số tháng công tác trong năm", "Số sáng kiến được công nhận",
                "Phạm vi ảnh hưởng của sáng kiến"]  # fmt: skip
    for c, (a, b) in enumerate(zip(head_top, head_low, strict=True), start=1):
        if a:
            ps.cell(row=4, column=c, value=a)
        if b:
            ps.cell(row=5, column=c, value=b)
    ps.merge_cells("A4:A5")
    ps.merge_cells("B4:E4")
    ps.merge_cells("F4:I4")
    nbsp = "\u00a0"
    nfd = unicodedata.normalize("NFD", "Trần Văn Đức")
    htt = "Hoàn thành tốt nhiệm vụ"
    people = [
        ("Nguyễn Thị Hòa" + nbsp, "CB0001", "Nữ", "P01", "HTXS", 12, 2, "cơ sở"),
        (nfd, "CB0002", "Nam", "P01", "HTT", "12", 0, None),
        ("Lê" + nbsp + "Thuỵ  Ánh", "CB0003", "nữ", "P01", htt, "7,5", 1, "cơ sở"),
        ("Phạm Minh Quân", "CB0004", "Nam", "P02", "HTXS", 12, 1, "cấp tỉnh"),  # planted: choice
        ("Hoàng Thị Ánh", "CB0002", "Nữ", "P02", "HTT", 12, 0, None),  # planted: duplicate id
        ("Vũ Đức Ấn", "CB0006", "Nam", "P03", "HT", 12, 0, None),
        ("Đặng Thu Hương", "CB0007", "Nữ", "P03", "HTT", None, 0, None),
    ]
    for i, row in enumerate(people, start=1):
        ps.cell(row=5 + i, column=1, value=i)
        for c, v in enumerate(row, start=2):
            if v is not None:
                ps.cell(row=5 + i, column=c, value=v)
    ps.cell(row=12, column=7, value="=12-0")  # planted: a formula with no computed value
    ps["A15"] = "Người lập biểu"
    ps["E15"] = "Thủ trưởng đơn vị"
    ps["E16"] = "(Ký, ghi rõ họ tên)"
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    return out


def main() -> None:
    print(make_clean(HERE / "bao-cao-so-2025.xlsx"))
    print(make_messy(HERE / "bao-cao-loi.xlsx"))


if __name__ == "__main__":
    main()
