"""The blank report workbook units fill in (`emulate template`, DESIGN §7).

Sheets `Đơn vị`, `Cá nhân`, `Lịch sử` (a title block, one styled header row, frozen panes,
dropdowns and number ranges), `Hướng dẫn` (what each column means), a hidden sheet of
dropdown lists and a hidden stamp of the rule set (name, year, SHA-256, source) that
`read_stamp` finds in returned files. The reader does not depend on this layout: it finds
the header row itself, so officers may add title rows or reorder columns.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from emulate.diagnostics import Catalogue, EmulateError, Where
from emulate.intake.grid import column_letter
from emulate.intake.layout import (
    INSTRUCTIONS_SHEET,
    LISTS_SHEET,
    STAMP_SHEET,
    Spec,
    history_specs,
    number_text,
    specs,
)
from emulate.rules.model import RuleSet, Scope

HEADER_ROW = 4
FIRST_DATA_ROW = HEADER_ROW + 1
VALIDATED_ROWS = 2000
_HEADER_FILL = "1F4E78"
_TYPES_VI = {
    "id": "mã (văn bản)",
    "text": "văn bản",
    "integer": "số nguyên",
    "number": "số",
    "points": "điểm (số)",
    "percent": "phần trăm",
    "boolean": "Có / Không",
    "date": "ngày (dd/mm/yyyy)",
    "choice": "chọn trong danh sách",
    "level": "mức xếp loại",
}

MESSAGES = Catalogue(
    {
        "output.locked": (
            "error",
            "Không ghi được {file}: file đang mở (thường là trong Excel); hãy đóng file rồi "
            "chạy lại.",
            "Cannot write {file}: the file is open (usually in Excel); close it and run again.",
        ),
        "output.failed": (
            "error",
            "Không ghi được {file} ({reason}); hãy kiểm tra thư mục và dung lượng đĩa.",
            "Cannot write {file} ({reason}); check the folder and the free disk space.",
        ),
        "output.is_input": (
            "error",
            "File kết quả {file} trùng với file đầu vào; hãy chọn tên khác.",
            "The output {file} is an input file; choose another name.",
        ),
        "output.not_xlsx": (
            "error",
            "Tên file mẫu {file} phải có đuôi .xlsx.",
            "The template file name {file} must end in .xlsx.",
        ),
    }
)


def rules_digest(rules: RuleSet) -> str:
    """The rule set's SHA-256: the loader's (of the file) or of its canonical JSON."""
    if rules.sha256:
        return rules.sha256
    return hashlib.sha256(rules.model_dump_json(by_alias=True).encode("utf-8")).hexdigest()


def _sheet_specs(rules: RuleSet) -> list[tuple[str, list[Spec]]]:
    return [
        (rules.units.sheet, specs(rules, "units")),
        (rules.people.sheet, specs(rules, "people")),
        (rules.history.sheet, history_specs(rules)),
    ]


def write_template(rules: RuleSet, path: str | Path, *, source: str | None = None) -> Path:
    """Write the blank report workbook for `rules` atomically; raises `EmulateError`."""
    from openpyxl import Workbook

    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise EmulateError(
            [MESSAGES.make("output.not_xlsx", Where(file=str(path)), file=str(path))]
        )
    src = source or rules.source
    if src and path.exists() and Path(src).exists() and os.path.samefile(src, path):
        raise EmulateError(
            [MESSAGES.make("output.is_input", Where(file=str(path)), file=str(path))]
        )
    wb = Workbook()
    wb.remove(wb.active)
    lists = wb.create_sheet(LISTS_SHEET)
    lists.sheet_state = "hidden"
    list_cols: dict[tuple[str, ...], str] = {}
    titles = {
        rules.units.sheet: "DANH SÁCH ĐƠN VỊ (TẬP THỂ)",
        rules.people.sheet: "DANH SÁCH CÁ NHÂN",
        rules.history.sheet: "THÀNH TÍCH CÁC NĂM TRƯỚC",
    }
    for sheet, columns in _sheet_specs(rules):
        ws = wb.create_sheet(sheet)
        _write_sheet(ws, rules, titles[sheet], columns, lists, list_cols)
    _instructions(wb.create_sheet(INSTRUCTIONS_SHEET), rules)
    wb.move_sheet(LISTS_SHEET, offset=len(wb.sheetnames))
    stamp = wb.create_sheet(STAMP_SHEET)
    stamp.sheet_state = "veryHidden"
    for row in (
        ("name", rules.name),
        ("year", rules.year),
        ("sha256", rules_digest(rules)),
        ("source", src or ""),
        ("generator", "emulate template"),
    ):
        stamp.append(row)
    wb.active = 0
    save_atomic(wb, path)
    return path


def _write_sheet(ws, rules: RuleSet, title: str, columns: list[Spec], lists, list_cols) -> None:  # type: ignore[no-untyped-def]
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.worksheet.datavalidation import DataValidation

    last = column_letter(max(len(columns) - 1, 0))
    ws["A1"] = f"{title} NĂM {rules.year}"
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = rules.name
    ws["A2"].font = Font(italic=True)
    ws["A3"] = (
        f"Mỗi đối tượng một dòng, bắt đầu từ dòng {FIRST_DATA_ROW}; cột có dấu * là bắt buộc; "
        "xem sheet “Hướng dẫn”."
    )
    ws["A3"].font = Font(italic=True, size=9, color="595959")
    if len(columns) > 1:
        ws.merge_cells(f"A1:{last}1")
    thin = Side(style="thin", color="808080")
    for i, spec in enumerate(columns):
        letter = column_letter(i)
        cell = ws.cell(
            row=HEADER_ROW,
            column=i + 1,
            value=spec.column.header + (" *" if spec.column.required else ""),
        )
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor=_HEADER_FILL)
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        ws.column_dimensions[letter].width = _width(spec)
        if spec.type.type in ("id", "text", "choice", "level"):
            ws.column_dimensions[letter].number_format = "@"
        elif spec.type.type == "date":
            ws.column_dimensions[letter].number_format = "dd/mm/yyyy"
        dv = _validation(spec, lists, list_cols, DataValidation)
        if dv is not None:
            dv.add(f"{letter}{FIRST_DATA_ROW}:{letter}{FIRST_DATA_ROW + VALIDATED_ROWS - 1}")
            ws.add_data_validation(dv)
    ws.row_dimensions[HEADER_ROW].height = 48
    ws.freeze_panes = f"A{FIRST_DATA_ROW}"


def _width(spec: Spec) -> float:
    header = len(spec.column.header)
    # Long headers wrap onto up to three lines; Vietnamese diacritics need a little room.
    return float(min(max(10, header // 2 + 4 if header > 24 else header + 4), 36))


def _list_range(values: Sequence[str], lists, list_cols) -> str:  # type: ignore[no-untyped-def]
    key = tuple(values)
    if key not in list_cols:
        col = column_letter(len(list_cols))
        for r, v in enumerate(values, start=1):
            cell = lists[f"{col}{r}"]
            cell.value = v
            cell.data_type = "s"
        list_cols[key] = f"'{LISTS_SHEET}'!${col}$1:${col}${len(values)}"
    return list_cols[key]


def _validation(spec: Spec, lists, list_cols, DataValidation):  # type: ignore[no-untyped-def]
    t = spec.type
    header = spec.column.header[:32]
    if t.type in ("choice", "level"):
        values = (
            [code for _, code in t.choices]
            if t.type == "level"
            else [label for label, _ in t.choices]
        )
        dv = DataValidation(
            type="list", formula1=f"={_list_range(values, lists, list_cols)}", allow_blank=True
        )
        dv.error = "Hãy chọn một giá trị trong danh sách."
    elif t.type == "boolean":
        dv = DataValidation(type="list", formula1='"Có,Không"', allow_blank=True)
        dv.error = "Hãy chọn Có hoặc Không."
    elif t.type in ("integer", "number", "points", "percent") and (
        t.low is not None or t.high is not None
    ):
        kind = "whole" if t.type == "integer" else "decimal"
        low, high = t.low, t.high
        if low is not None and high is not None:
            dv = DataValidation(
                type=kind,
                operator="between",
                formula1=str(low),
                formula2=str(high),
                allow_blank=True,
            )
            dv.error = f"Giá trị phải từ {number_text(low)} đến {number_text(high)}."
        elif low is not None:
            dv = DataValidation(
                type=kind, operator="greaterThanOrEqual", formula1=str(low), allow_blank=True
            )
            dv.error = f"Giá trị phải từ {number_text(low)} trở lên."
        else:
            assert high is not None
            dv = DataValidation(
                type=kind, operator="lessThanOrEqual", formula1=str(high), allow_blank=True
            )
            dv.error = f"Giá trị tối đa {number_text(high)}."
    else:
        return None
    dv.errorTitle = header
    dv.showErrorMessage = True
    return dv


def _describe(spec: Spec) -> str:
    t = spec.type
    parts: list[str] = []
    if t.type in ("choice", "level"):
        shown = (
            [f"{code} ({label})" for label, code in t.choices]
            if t.type == "level"
            else [label for label, _ in t.choices]
        )
        parts.append("; ".join(shown))
    if t.low is not None or t.high is not None:
        low = "" if t.low is None else number_text(t.low)
        high = "" if t.high is None else number_text(t.high)
        parts.append(
            f"từ {low} đến {high}" if low and high else (f"≥ {low}" if low else f"≤ {high}")
        )
    if spec.column.default:
        parts.append(f"để trống = {spec.column.default}")
    if spec.note:
        parts.append(spec.note)
    return ". ".join(parts)


def _instructions(ws, rules: RuleSet) -> None:  # type: ignore[no-untyped-def]
    from openpyxl.styles import Alignment, Font

    ws["A1"] = f"HƯỚNG DẪN ĐIỀN BÁO CÁO THI ĐUA, KHEN THƯỞNG NĂM {rules.year}"
    ws["A1"].font = Font(bold=True, size=14)
    lines = [
        "Điền mỗi đơn vị, mỗi cá nhân trên một dòng, không để dòng trống giữa các dòng; không xóa "
        "hay đổi tên dòng tiêu đề.",
        "Mã cán bộ, mã đơn vị là văn bản: giữ nguyên số 0 ở đầu. Điểm có thể ghi 8,5 hoặc 8.5.",
        "Sheet “Lịch sử”: mỗi dòng là một năm trước của một cá nhân hoặc đơn vị; cột “Danh hiệu” "
        "ghi mã hoặc tên danh hiệu, cách nhau bằng dấu phẩy (ví dụ: LDTT, CSTDCS).",
        "Không dùng công thức cho các ô dữ liệu, không dùng bảng mã TCVN3/VNI (chỉ dùng Unicode).",
    ]
    row = 3
    for line in lines:
        ws.cell(row=row, column=1, value=line)
        row += 1
    row += 1
    for i, head in enumerate(
        ("Sheet", "Cột", "Bắt buộc", "Kiểu", "Giá trị hợp lệ, ghi chú"), start=1
    ):
        ws.cell(row=row, column=i, value=head).font = Font(bold=True)
    for sheet, columns in _sheet_specs(rules):
        for spec in columns:
            row += 1
            values = (
                sheet,
                spec.column.header,
                "có" if spec.column.required else "",
                _TYPES_VI[spec.type.type],
                _describe(spec),
            )
            for i, v in enumerate(values, start=1):
                cell = ws.cell(row=row, column=i, value=v)
                cell.data_type = "s"
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    row += 2
    ws.cell(row=row, column=1, value="Danh hiệu (mã — tên)").font = Font(bold=True)
    for tid, title in rules.titles.items():
        row += 1
        ws.cell(row=row, column=1, value=tid).data_type = "s"
        ws.cell(row=row, column=2, value=title.name).data_type = "s"
    for letter, width in zip("ABCDE", (14, 40, 10, 18, 70), strict=True):
        ws.column_dimensions[letter].width = width


def save_atomic(wb: Any, path: Path) -> None:
    """Save to a temp file in the target's folder, fsync, then `os.replace`; a file Excel
    holds open gives the "close it in Excel" message."""
    folder = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=".~emulate-", suffix=".xlsx", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            wb.save(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except PermissionError:
        _discard(tmp)
        raise EmulateError(
            [MESSAGES.make("output.locked", Where(file=str(path)), file=str(path))]
        ) from None
    except OSError as exc:
        _discard(tmp)
        reason = exc.strerror or type(exc).__name__
        raise EmulateError(
            [MESSAGES.make("output.failed", Where(file=str(path)), file=str(path), reason=reason)]
        ) from None


def _discard(tmp: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(tmp)


def cell_value(spec: Spec, value: Any) -> Any:
    """What to type into a template cell for a typed value (the reader's inverse)."""
    if value is None:
        return None
    t = spec.type.type
    if t == "boolean":
        return "Có" if value else "Không"
    if t == "choice":
        labels = {v: label for label, v in reversed(spec.type.choices)}
        return labels.get(value, value)
    return value  # Decimal, int, str, date: openpyxl writes them exactly


def fill(
    template: str | Path,
    out: str | Path,
    rules: RuleSet,
    rows: Mapping[Scope | str, Sequence[Mapping[str, Any]]],
) -> Path:
    """Fill a template written by `write_template`: `rows["units" | "people" | "history"]` are
    dicts of typed values by column key (history: id, year, level, titles as text)."""
    from openpyxl import load_workbook

    wb = load_workbook(template)
    sheets = {
        "units": rules.units.sheet,
        "people": rules.people.sheet,
        "history": rules.history.sheet,
    }
    for scope, records in rows.items():
        columns = history_specs(rules) if scope == "history" else specs(rules, scope)  # type: ignore[arg-type]
        ws = wb[sheets[scope]]
        for r, record in enumerate(records, start=FIRST_DATA_ROW):
            for c, spec in enumerate(columns, start=1):
                if spec.column.key not in record:
                    continue
                value = cell_value(spec, record[spec.column.key])
                cell = ws.cell(row=r, column=c, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"
                elif isinstance(value, dt.date):
                    cell.number_format = "dd/mm/yyyy"
    path = Path(out)
    save_atomic(wb, path)
    return path
