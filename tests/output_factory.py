"""A small, realistic `Result` built by hand, for the output tests (terminal, workbook, JSON,
explain) so they do not depend on the engine.

Four units in two clusters with points; six people; decisions in all five statuses including
a tie for the last CSTĐCS place of unit P02; prize money; a hostile name that must stay inert
in the workbook; diagnostics from two files.
"""

from __future__ import annotations

import random
from decimal import Decimal as D

import pandas as pd

from emulate.diagnostics import Diagnostic, Severity, Where
from emulate.engine.result import DECISION_COLUMNS, Provenance, Result
from emulate.intake.model import InputFile
from emulate.rules.model import (
    Adjustment,
    FieldSpec,
    Money,
    Quota,
    RuleSet,
    ScoreGroup,
    ScoreItem,
    SubjectSpec,
    Title,
)

HOSTILE = '=HYPERLINK("http://x","y")'


def make_rules() -> RuleSet:
    return RuleSet(
        name="Tiêu chuẩn thi đua thử nghiệm",
        year=2025,
        references={
            "L2022": "Luật Thi đua, khen thưởng số 06/2022/QH15",
            "ND152": "Nghị định số 152/2025/NĐ-CP",
        },
        levels={
            "HTXS": "Hoàn thành xuất sắc nhiệm vụ",
            "HTT": "Hoàn thành tốt nhiệm vụ",
            "HT": "Hoàn thành nhiệm vụ",
            "KHT": "Không hoàn thành nhiệm vụ",
        },
        people=SubjectSpec(
            sheet="Cá nhân",
            fields={
                "gender": FieldSpec(
                    header="Giới tính", type="choice", values={"Nam": "male", "Nữ": "female"}
                ),
                "initiatives": FieldSpec(
                    header="Số sáng kiến được công nhận", type="integer", default=0
                ),
            },
        ),
        units=SubjectSpec(
            sheet="Đơn vị",
            fields={
                "cluster": FieldSpec(header="Cụm, khối thi đua", type="text"),
                "solidarity": FieldSpec(header="Nội bộ đoàn kết", type="boolean", default=True),
            },
            score=(
                ScoreGroup(
                    id="I",
                    label="Thực hiện nhiệm vụ chuyên môn",
                    items=(
                        ScoreItem(id="1", label="Hoàn thành chỉ tiêu kế hoạch", max=D(30)),
                        ScoreItem(id="2", label="Tiến độ giải ngân", max=D(20)),
                    ),
                ),
                ScoreGroup(
                    id="II",
                    label="Cải cách hành chính, chuyển đổi số",
                    items=(ScoreItem(id="3", label="Chuyển đổi số", max=D(50)),),
                ),
            ),
            bonus=Adjustment(header="Điểm thưởng", max=D(20)),
            penalty=Adjustment(header="Điểm trừ"),
        ),
        titles={
            "TTLDXS": Title(
                name="Tập thể lao động xuất sắc",
                short="TTLĐXS",
                **{"for": "units"},
                when="level == HTXS",
                basis="L2022 Điều 27",
            ),
            "CO_TINH": Title(
                name="Cờ thi đua của Ủy ban nhân dân tỉnh",
                kind="award",
                **{"for": "units"},
                when="TTLDXS",
                quota=Quota(count=1, per="cluster"),
                order=("score",),
                basis="ND152 Điều 40",
            ),
            "BK_TINH_TT": Title(
                name="Bằng khen của Chủ tịch UBND tỉnh",
                kind="award",
                **{"for": "units"},
                when="level == HTXS",
                quota=Quota(count=1, per="cluster"),
                order=("score",),
            ),
            "CSTDCS": Title(
                name="Chiến sĩ thi đua cơ sở",
                short="CSTĐCS",
                **{"for": "people"},
                when="LDTT and (level == HTXS or initiatives >= 1)",
                quota=Quota(share="15%", of="LDTT", per="unit", at_least=1),
                order=("level", "initiatives", "female"),
                basis="L2022 Điều 23",
                money=D("1.0"),
            ),
            "LDTT": Title(
                name="Lao động tiên tiến",
                short="LĐTT",
                **{"for": "people"},
                when="level >= HTT",
                basis="L2022 Điều 24",
                money=D("0.3"),
            ),
        },
        one_of=(("CO_TINH", "BK_TINH_TT"),),
        money=Money(base=D(2340000)),
    )


UNITS = [
    # id, name, cluster, level, items (1, 2, 3), bonus, penalty, rank, titles
    ("P01", "Văn phòng Sở", "Khối 1", "HTXS", ("30", "18.5", "42"), "2", "0", 1,
     ("TTLDXS", "CO_TINH")),
    ("P02", "Phòng Kế hoạch - Tài chính", "Khối 1", "HTXS", ("28", "20", "40"), "0", "0", 2,
     ("TTLDXS", "BK_TINH_TT")),
    ("P03", "Thanh tra Sở", "Khối 2", "HTXS", ("27", "15", "43.25"), "0", "0.5", 1,
     ("TTLDXS", "CO_TINH")),
    ("P04", "Trung tâm Công nghệ thông tin", "Khối 2", "HTT", ("25", "15", "40"), "0", "0", 2,
     ()),
]  # fmt: skip

PEOPLE = [
    # id, name, unit, level, gender, initiatives, titles
    ("CB001", "Nguyễn Thị Hòa", "P01", "HTXS", "female", 1, ("CSTDCS", "LDTT")),
    ("CB002", "Trần Văn Bình", "P01", "HTT", "male", 0, ("LDTT",)),
    ("CB003", "Lê Thị Cúc", "P02", "HTXS", "female", 0, ("LDTT",)),
    ("CB004", "Phạm Thị Dung", "P02", "HTXS", "female", 0, ("LDTT",)),
    ("CB005", HOSTILE, "P03", "HT", "male", 0, ()),
    ("CB006", "Đỗ Minh\x07 Đức", "P04", "HTT", "male", 2, ("LDTT",)),
]

_OK, _NO = "✓", "✗"


def _d(subject, scope, title, status, *, rank=None, places=None, pool=None, money=None,
       reasons=(), basis=None, tied_with=(), achievement=""):  # fmt: skip
    return {
        "subject": subject,
        "for": scope,
        "title": title,
        "status": status,
        "rank": rank,
        "places": places,
        "pool": pool,
        "money": money,
        "reasons": tuple(reasons),
        "basis": basis,
        "tied_with": tuple(tied_with),
        "achievement": achievement,
    }


def _decisions() -> list[dict]:
    u, p = "units", "people"
    return [
        _d("P01", u, "TTLDXS", "awarded", reasons=(f"Xếp loại = HTXS (cần HTXS) {_OK}",),
           basis="L2022 Điều 27", achievement="Hoàn thành xuất sắc nhiệm vụ năm 2025"),
        _d("P02", u, "TTLDXS", "awarded", reasons=(f"Xếp loại = HTXS (cần HTXS) {_OK}",),
           basis="L2022 Điều 27"),
        _d("P03", u, "TTLDXS", "awarded", reasons=(f"Xếp loại = HTXS (cần HTXS) {_OK}",),
           basis="L2022 Điều 27"),
        _d("P04", u, "TTLDXS", "ineligible", reasons=(f"Xếp loại = HTT (cần HTXS) {_NO}",),
           basis="L2022 Điều 27"),
        _d("P01", u, "CO_TINH", "awarded", rank=1, places=1, pool="Khối 1",
           reasons=(f"TTLDXS {_OK}", "Hạng 1/1 suất (cụm Khối 1): trong chỉ tiêu"),
           basis="ND152 Điều 40", achievement="92,5 điểm, xếp thứ 1 Khối 1"),
        _d("P02", u, "CO_TINH", "over_quota", rank=2, places=1, pool="Khối 1",
           reasons=(f"TTLDXS {_OK}", "Hạng 2/1 suất (cụm Khối 1): ngoài chỉ tiêu"),
           basis="ND152 Điều 40"),
        _d("P03", u, "CO_TINH", "awarded", rank=1, places=1, pool="Khối 2",
           reasons=(f"TTLDXS {_OK}", "Hạng 1/1 suất (cụm Khối 2): trong chỉ tiêu"),
           basis="ND152 Điều 40"),
        _d("P04", u, "CO_TINH", "ineligible", reasons=(f"TTLDXS {_NO}",), basis="ND152 Điều 40"),
        _d("P01", u, "BK_TINH_TT", "superseded", rank=1, places=1, pool="Khối 1",
           reasons=("Đã được đề nghị Cờ thi đua của Ủy ban nhân dân tỉnh",)),
        _d("P02", u, "BK_TINH_TT", "awarded", rank=1, places=1, pool="Khối 1",
           reasons=(f"Xếp loại = HTXS {_OK}", "Hạng 1/1 suất (cụm Khối 1): trong chỉ tiêu")),
        _d("P03", u, "BK_TINH_TT", "superseded", rank=1, places=1, pool="Khối 2",
           reasons=("Đã được đề nghị Cờ thi đua của Ủy ban nhân dân tỉnh",)),
        _d("P04", u, "BK_TINH_TT", "ineligible", reasons=(f"Xếp loại = HTT {_NO}",)),
        _d("CB001", p, "CSTDCS", "awarded", rank=1, places=1, pool="P01", money=D(2340000),
           reasons=(f"LDTT {_OK}", f"Xếp loại = HTXS {_OK}",
                    "Hạng 1/1 suất (đơn vị P01): trong chỉ tiêu"),
           basis="L2022 Điều 23", achievement="01 sáng kiến cấp cơ sở"),
        _d("CB002", p, "CSTDCS", "ineligible", basis="L2022 Điều 23",
           reasons=(f"LDTT {_OK}", f"Xếp loại = HTT (cần HTXS) {_NO}",
                    f"Số sáng kiến = 0 (cần ≥ 1) {_NO}")),
        _d("CB003", p, "CSTDCS", "tie", rank=1, places=1, pool="P02", basis="L2022 Điều 23",
           tied_with=("CB004",),
           reasons=(f"LDTT {_OK}", f"Xếp loại = HTXS {_OK}",
                    "Hạng 1/1 suất (đơn vị P02), cùng thứ hạng với CB004: bằng nhau tại "
                    "ngưỡng chỉ tiêu, Hội đồng quyết định")),
        _d("CB004", p, "CSTDCS", "tie", rank=1, places=1, pool="P02", basis="L2022 Điều 23",
           tied_with=("CB003",),
           reasons=(f"LDTT {_OK}", f"Xếp loại = HTXS {_OK}",
                    "Hạng 1/1 suất (đơn vị P02), cùng thứ hạng với CB003: bằng nhau tại "
                    "ngưỡng chỉ tiêu, Hội đồng quyết định")),
        _d("CB005", p, "CSTDCS", "ineligible", basis="L2022 Điều 23",
           reasons=(f"LDTT {_NO}",)),
        _d("CB006", p, "CSTDCS", "awarded", rank=1, places=1, pool="P04", money=D(2340000),
           reasons=(f"LDTT {_OK}", f"Số sáng kiến = 2 (cần ≥ 1) {_OK}"),
           basis="L2022 Điều 23"),
        _d("CB001", p, "LDTT", "awarded", money=D(0), basis="L2022 Điều 24",
           reasons=(f"Xếp loại = HTXS (cần ≥ HTT) {_OK}",
                    "Không chi tiền thưởng LDTT: cùng kỳ đã chi cho danh hiệu cao hơn CSTDCS")),
        _d("CB002", p, "LDTT", "awarded", money=D(710000), basis="L2022 Điều 24",
           reasons=(f"Xếp loại = HTT (cần ≥ HTT) {_OK}",)),
        _d("CB003", p, "LDTT", "awarded", money=D(710000), basis="L2022 Điều 24",
           reasons=(f"Xếp loại = HTXS (cần ≥ HTT) {_OK}",)),
        _d("CB004", p, "LDTT", "awarded", money=D(710000), basis="L2022 Điều 24",
           reasons=(f"Xếp loại = HTXS (cần ≥ HTT) {_OK}",)),
        _d("CB005", p, "LDTT", "ineligible", basis="L2022 Điều 24",
           reasons=(f"Xếp loại = HT (cần ≥ HTT) {_NO}",)),
        _d("CB006", p, "LDTT", "awarded", money=D(0), basis="L2022 Điều 24",
           reasons=(f"Xếp loại = HTT (cần ≥ HTT) {_OK}",)),
    ]  # fmt: skip


def _diagnostics() -> list[Diagnostic]:
    return [
        Diagnostic(
            "blank-default",
            Severity.INFO,
            Where("bao-cao-p02.xlsx", "Cá nhân", "F9"),
            "Ô trống, lấy mặc định 0",
            "Blank cell, default 0 used",
        ),
        Diagnostic(
            "HTXS_CAP",
            Severity.WARNING,
            Where("bao-cao-p01.xlsx", "Cá nhân", "F12"),
            "Tỷ lệ HTXS vượt 20% số HTT của đơn vị P01",
            "HTXS share above 20% of HTT in unit P01",
        ),
        Diagnostic(
            "name-near-match",
            Severity.WARNING,
            Where("bao-cao-p01.xlsx", "Cá nhân", "B9"),
            "Tên gần giống CB004",
            "Name close to CB004",
        ),
    ]


def _frame(rows: list[dict], shuffle: random.Random | None, ints: tuple[str, ...]) -> pd.DataFrame:
    if shuffle is not None:
        rows = rows[:]
        shuffle.shuffle(rows)
    frame = pd.DataFrame(rows)
    if shuffle is not None:
        cols = list(frame.columns)
        shuffle.shuffle(cols)
        frame = frame[cols]
    for col in ints:
        frame[col] = frame[col].astype("Int64")
    return frame


def make_result(*, lang: str = "vi", seed: int | None = None) -> Result:
    """The fixture result; with `seed`, every row, column and diagnostic order is shuffled."""
    rng = random.Random(seed) if seed is not None else None
    units = []
    for uid, name, cluster, level, items, bonus, penalty, rank, titles in UNITS:
        i1, i2, i3 = (D(x) for x in items)
        score = i1 + i2 + i3 + D(bonus) - D(penalty)
        units.append(
            {
                "id": uid, "name": name, "cluster": cluster, "solidarity": True, "level": level,
                "item:1": i1, "item:2": i2, "item:3": i3, "group:I": i1 + i2, "group:II": i3,
                "bonus": D(bonus), "penalty": D(penalty), "score": score, "rank": rank,
                "titles": titles, "_file": "bao-cao.xlsx", "_row": 5,
            }
        )  # fmt: skip
    unit_names = {u[0]: u[1] for u in UNITS}
    people = [
        {"id": pid, "name": name, "unit": unit, "unit_name": unit_names[unit], "level": level,
         "gender": gender, "initiatives": n, "titles": titles}
        for pid, name, unit, level, gender, n, titles in PEOPLE
    ]  # fmt: skip
    diagnostics = _diagnostics()
    if rng is not None:
        rng.shuffle(diagnostics)
    return Result(
        rules=make_rules(),
        year=2025,
        lang=lang,  # type: ignore[arg-type]
        units=_frame(units, rng, ("rank",)),
        people=_frame(people, rng, ("initiatives",)),
        decisions=_frame(_decisions(), rng, ("rank", "places"))[list(DECISION_COLUMNS)],
        diagnostics=diagnostics,
        provenance=Provenance(
            tool_version="0.1.0",
            rules_name="Tiêu chuẩn thi đua thử nghiệm",
            rules_sha256="ab" * 32,
            rules_source="vi-du.yaml",
            year=2025,
            inputs=(
                InputFile("bao-cao-p02.xlsx", "cd" * 32),
                InputFile("bao-cao-p01.xlsx", "ef" * 32),
            ),
            options={"keep_going": False},
        ),
    )
