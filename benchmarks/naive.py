"""The script an agency's IT person would write for the same job, as a baseline.

    .venv/bin/python -m benchmarks.naive REPORT.xlsx... [--history H.xlsx...] -o naive.xlsx

`pandas.read_excel` (default engine, openpyxl) of the three sheets with hard-coded headers,
then row-by-row Python (`apply`, `iterrows`, loops over members) for: unit points totals,
group ratios and level bands; LĐTT; CSTĐCS with the 15% quota per unit (of LĐTT, rounded
down, at least 1, ordered by level, initiatives, women first — the cut simply takes the first
k, ties are not detected); Bằng khen tỉnh (CSTĐCS two years running, from the history
sheet); TTLĐXS / TTLĐTT by looping over each unit's members; cluster ranking by score with
Cờ thi đua for the first TTLĐXS and Bằng khen for the next HTXS unit. Writes `Đơn vị`,
`Cá nhân` (same rows as `emulate score`'s sheets) and `Đề nghị` with `DataFrame.to_excel`.

It is deliberately not clever, and it skips what `emulate` does on top: checking every cell,
diagnostics, ties at the cut, every other title, explanations, JSON, provenance.
"""

from __future__ import annotations

import argparse
import re
import time

import pandas as pd

UNITS_SHEET, PEOPLE_SHEET, HISTORY_SHEET = "Đơn vị", "Cá nhân", "Lịch sử"
HEADER_ROW = 3  # 0-based: the template's header is on row 4
LEVEL_RANK = {"HTXS": 3, "HTT": 2, "HT": 1, "KHT": 0}
GROUPS = {"I": ["1", "2"], "II": ["3", "4"], "III": ["5", "6"], "IV": ["7", "8"]}
ITEM = re.compile(r"^(\d+)\. .*\(tối đa (\d+(?:,\d+)?)\)$")
MAX_ROWS = 1_000_000


def clean_columns(df: pd.DataFrame) -> pd.DataFrame:
    df.columns = [str(c).removesuffix(" *").strip() for c in df.columns]
    return df


def read(reports: list[str], history: list[str]) -> tuple[pd.DataFrame, ...]:
    units, people, hist = [], [], []
    for path in reports:
        sheets = pd.read_excel(path, sheet_name=None, header=HEADER_ROW, dtype={})
        units.append(clean_columns(sheets[UNITS_SHEET]))
        people.append(clean_columns(sheets[PEOPLE_SHEET]))
        if HISTORY_SHEET in sheets:
            hist.append(clean_columns(sheets[HISTORY_SHEET]))
    for path in history:
        hist.append(clean_columns(pd.read_excel(path, sheet_name=HISTORY_SHEET, header=HEADER_ROW)))
    return (
        pd.concat(units, ignore_index=True),
        pd.concat(people, ignore_index=True),
        pd.concat(hist, ignore_index=True) if hist else pd.DataFrame(),
    )


def unit_points(units: pd.DataFrame) -> pd.DataFrame:
    items: dict[str, tuple[str, float]] = {}
    for col in units.columns:
        m = ITEM.match(col)
        if m:
            items[m.group(1)] = (col, float(m.group(2).replace(",", ".")))

    def total(row: pd.Series) -> float:
        s = 0.0
        for col, _ in items.values():
            v = row[col]
            s += 0.0 if pd.isna(v) else float(v)
        bonus = 0.0 if pd.isna(row["Điểm thưởng"]) else min(float(row["Điểm thưởng"]), 10.0)
        penalty = 0.0 if pd.isna(row["Điểm trừ"]) else float(row["Điểm trừ"])
        return round(s + bonus - penalty, 6)

    def min_ratio(row: pd.Series) -> float:
        ratios = []
        for ids in GROUPS.values():
            got = sum(float(row[items[i][0]]) for i in ids)
            top = sum(items[i][1] for i in ids)
            ratios.append(got / top)
        return min(ratios)

    units["Tổng điểm"] = units.apply(total, axis=1)
    units["_min_ratio"] = units.apply(min_ratio, axis=1)

    def band(row: pd.Series) -> str:
        if row["Tổng điểm"] >= 90 and row["_min_ratio"] >= 0.85:
            return "HTXS"
        if row["Tổng điểm"] >= 80 and row["_min_ratio"] >= 0.80:
            return "HTT"
        if row["Tổng điểm"] >= 70:
            return "HT"
        return "KHT"

    units["Xếp loại"] = units.apply(band, axis=1)
    return units


def people_titles(people: pd.DataFrame, history: pd.DataFrame) -> pd.DataFrame:
    def ldtt(row: pd.Series) -> bool:
        months = (
            12.0
            if pd.isna(row["Số tháng công tác trong năm"])
            else float(row["Số tháng công tác trong năm"])
        )
        movement = row["Tham gia phong trào thi đua"] != "Không"
        return LEVEL_RANK.get(row["Xếp loại"], 0) >= 2 and movement and months >= 6

    people["LDTT"] = people.apply(ldtt, axis=1)
    people["CSTDCS"] = False
    # CSTĐCS: 15% of the unit's LĐTT, rounded down, at least one.
    for _unit, members in people.groupby("Mã đơn vị", sort=False):
        n_ldtt = int(members["LDTT"].sum())
        if n_ldtt == 0:
            continue
        places = max(1, n_ldtt * 15 // 100)
        candidates = []
        for idx, row in members.iterrows():
            initiatives = (
                0
                if pd.isna(row["Số sáng kiến được công nhận"])
                else int(row["Số sáng kiến được công nhận"])
            )
            if row["LDTT"] and (row["Xếp loại"] == "HTXS" or initiatives >= 1):
                key = (LEVEL_RANK[row["Xếp loại"]], initiatives, row["Giới tính"] == "Nữ")
                candidates.append((key, idx))
        candidates.sort(key=lambda c: c[0], reverse=True)
        for _, idx in candidates[:places]:
            people.at[idx, "CSTDCS"] = True
    # Bằng khen tỉnh: CSTĐCS this year and last year (from the history sheet).
    cstdcs_last_year: set[str] = set()
    if len(history):
        last = history["Năm"].max()
        for _, row in history.iterrows():
            titles = str(row["Danh hiệu"]) if not pd.isna(row["Danh hiệu"]) else ""
            if row["Năm"] == last and ("CSTDCS" in titles or "Chiến sĩ thi đua cơ sở" in titles):
                cstdcs_last_year.add(str(row["Mã"]))
    people["BK_TINH_CN"] = people.apply(
        lambda r: bool(r["CSTDCS"]) and str(r["Mã cán bộ"]) in cstdcs_last_year, axis=1
    )

    def names(row: pd.Series) -> str:
        out = []
        if row["BK_TINH_CN"]:
            out.append("Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh")
        if row["CSTDCS"]:
            out.append("Chiến sĩ thi đua cơ sở")
        if row["LDTT"]:
            out.append("Lao động tiên tiến")
        return "; ".join(out)

    people["Danh hiệu, khen thưởng được đề nghị"] = people.apply(names, axis=1)
    return people


def unit_titles(units: pd.DataFrame, people: pd.DataFrame) -> pd.DataFrame:
    members: dict[str, list[pd.Series]] = {}
    for _, row in people.iterrows():
        members.setdefault(str(row["Mã đơn vị"]), []).append(row)
    xs, tt = [], []
    for _, unit in units.iterrows():
        rows = members.get(str(unit["Mã đơn vị"]), [])
        n = len(rows)
        n_ldtt = sum(1 for r in rows if r["LDTT"])
        n_cstdcs = sum(1 for r in rows if r["CSTDCS"])
        all_ht = all(LEVEL_RANK.get(r["Xếp loại"], 0) >= 1 for r in rows)
        share = n_ldtt / n if n else 0.0
        solid = unit["Nội bộ đoàn kết"] != "Không"
        is_xs = unit["Xếp loại"] == "HTXS" and all_ht and share >= 0.7 and n_cstdcs >= 1 and solid
        is_tt = not is_xs and LEVEL_RANK[unit["Xếp loại"]] >= 2 and share > 0.5 and solid
        xs.append(is_xs)
        tt.append(is_tt)
    units["TTLDXS"] = xs
    units["TTLDTT"] = tt
    # Cluster ranking by score; Cờ to the first TTLĐXS, Bằng khen to the next HTXS unit.
    units["Hạng trong cụm"] = 0
    units["CO_TINH"] = False
    units["BK_TINH_TT"] = False
    for _cluster, group in units.groupby("Cụm, khối thi đua", sort=False):
        ordered = group.sort_values("Tổng điểm", ascending=False)
        flag_given = bk_given = False
        for rank, (idx, row) in enumerate(ordered.iterrows(), start=1):
            units.at[idx, "Hạng trong cụm"] = rank
            if not flag_given and row["TTLDXS"]:
                units.at[idx, "CO_TINH"] = True
                flag_given = True
            elif not bk_given and row["Xếp loại"] == "HTXS" and row["Nội bộ đoàn kết"] != "Không":
                units.at[idx, "BK_TINH_TT"] = True
                bk_given = True

    def names(row: pd.Series) -> str:
        out = []
        if row["CO_TINH"]:
            out.append("Cờ thi đua của Ủy ban nhân dân tỉnh")
        if row["BK_TINH_TT"]:
            out.append("Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh (tập thể)")
        if row["TTLDXS"]:
            out.append("Tập thể lao động xuất sắc")
        if row["TTLDTT"]:
            out.append("Tập thể lao động tiên tiến")
        return "; ".join(out)

    units["Danh hiệu, khen thưởng được đề nghị"] = units.apply(names, axis=1)
    return units


def nominations(units: pd.DataFrame, people: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for _, u in units.iterrows():
        for t in str(u["Danh hiệu, khen thưởng được đề nghị"]).split("; "):
            if t:
                rows.append(("Tập thể", t, u["Mã đơn vị"], u["Tên đơn vị"], u["Cụm, khối thi đua"]))
    for _, p in people.iterrows():
        for t in str(p["Danh hiệu, khen thưởng được đề nghị"]).split("; "):
            if t:
                rows.append(("Cá nhân", t, p["Mã cán bộ"], p["Họ và tên"], p["Mã đơn vị"]))
    return pd.DataFrame(rows, columns=["Đối tượng", "Danh hiệu", "Mã", "Tên", "Đơn vị / Cụm"])


def write(path: str, units: pd.DataFrame, people: pd.DataFrame, noms: pd.DataFrame) -> None:
    units = units.drop(columns=["_min_ratio"])
    with pd.ExcelWriter(path) as writer:
        units.to_excel(writer, sheet_name=UNITS_SHEET, index=False)
        people.to_excel(writer, sheet_name=PEOPLE_SHEET, index=False)
        for i, start in enumerate(range(0, max(len(noms), 1), MAX_ROWS)):
            name = "Đề nghị" if i == 0 else f"Đề nghị ({i + 1})"
            noms.iloc[start : start + MAX_ROWS].to_excel(writer, sheet_name=name, index=False)


def run(reports: list[str], history: list[str], out: str) -> dict[str, float | int]:
    times: dict[str, float | int] = {}
    t = time.perf_counter()
    units, people, hist = read(reports, history)
    times["read"] = time.perf_counter() - t
    t = time.perf_counter()
    units = unit_points(units)
    people = people_titles(people, hist)
    units = unit_titles(units, people)
    noms = nominations(units, people)
    times["score"] = time.perf_counter() - t
    t = time.perf_counter()
    write(out, units, people, noms)
    times["write"] = time.perf_counter() - t
    times.update(units=len(units), people=len(people), nominations=len(noms))
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description="naive pandas baseline")
    parser.add_argument("reports", nargs="+")
    parser.add_argument("--history", nargs="*", default=[])
    parser.add_argument("-o", "--output", required=True)
    args = parser.parse_args()
    times = run(args.reports, args.history, args.output)
    shown = (f"{k}={v:.2f}" if isinstance(v, float) else f"{k}={v}" for k, v in times.items())
    print(" ".join(shown))


if __name__ == "__main__":
    main()
