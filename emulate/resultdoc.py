"""Reading a result document back (`emulate-result/1`, docs/result-format.md).

A result is a `--json` file or a results workbook, which carries the same canonical JSON in
the hidden sheet `_emulate`. This sits below `output` and `intake` because both read results:
`explain` and `export` take them as input, and `--history` accepts last years' results.
"""

from __future__ import annotations

import base64
import binascii
import json
import zipfile
import zlib
from pathlib import Path
from typing import Any, Literal

from emulate.diagnostics import Catalogue, EmulateError, Where

FORMAT = "emulate-result/1"
SHEET = "_emulate"  # hidden sheet of the results workbook holding the canonical JSON
# A1 of that sheet when the JSON below it is zlib-compressed and base64-encoded (since 0.2;
# before, the cells held the JSON text itself).
CARRIER_MARK = "emulate-result/1 zlib base64"

MESSAGES = Catalogue(
    {
        "result-missing": (
            "error",
            "Không tìm thấy tệp {path}.",
            "File {path} not found.",
        ),
        "result-not-results": (
            "error",
            "{path} không phải là tệp kết quả của emulate (tệp .json do `emulate score --json` "
            "ghi, hoặc sổ kết quả .xlsx do `emulate score` ghi).",
            "{path} is not an emulate results file (a .json written by `emulate score --json`, "
            "or a results workbook .xlsx written by `emulate score`).",
        ),
        "result-not-results-workbook": (
            "error",
            "{path} là sổ Excel nhưng không phải sổ kết quả của emulate (thiếu trang ẩn "
            "`_emulate`); đây có thể là báo cáo — hãy chạy `emulate score` trước.",
            "{path} is a workbook but not an emulate results workbook (no hidden `_emulate` "
            "sheet); it may be a report — run `emulate score` first.",
        ),
        "result-damaged": (
            "error",
            "Tệp kết quả {path} bị hỏng hoặc đã bị sửa: {reason}.",
            "The results file {path} is damaged or was edited: {reason}.",
        ),
        "result-format": (
            "error",
            "Tệp kết quả {path} có định dạng {found}, phiên bản này chỉ đọc {expected}.",
            "The results file {path} has format {found}; this version reads {expected}.",
        ),
    }
)


ResultKind = Literal["json", "results-workbook", "workbook", "other", "missing"]


def sniff(path: str | Path) -> ResultKind:
    """What `path` holds, by content: a result JSON, a results workbook, another workbook."""
    p = Path(path)
    if not p.is_file():
        return "missing"
    with p.open("rb") as f:
        head = f.read(8)
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(p) as z:
                book = z.read("xl/workbook.xml")
        except (zipfile.BadZipFile, KeyError, OSError):
            return "other"
        return "results-workbook" if f'name="{SHEET}"'.encode() in book else "workbook"
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        return "json"
    return "other"


def _workbook_text(p: Path) -> str:
    from openpyxl import load_workbook

    wb = load_workbook(p, read_only=True, data_only=True)
    try:
        ws = wb[SHEET]
        cells = [str(v) for (v,) in ws.iter_rows(min_col=1, max_col=1, values_only=True) if v]
    finally:
        wb.close()
    if cells and cells[0] == CARRIER_MARK:
        return zlib.decompress(base64.b64decode("".join(cells[1:]), validate=True)).decode("utf-8")
    return "".join(cells)


def load_result(path: str | Path) -> dict[str, Any]:
    """The result document of a `--json` file or a results workbook; `EmulateError` otherwise."""
    p = Path(path)
    where = Where(file=str(path))
    kind = sniff(p)
    if kind == "missing":
        raise EmulateError([MESSAGES.make("result-missing", where, path=path)])
    if kind == "workbook":
        raise EmulateError([MESSAGES.make("result-not-results-workbook", where, path=path)])
    if kind == "other":
        raise EmulateError([MESSAGES.make("result-not-results", where, path=path)])
    try:
        text = _workbook_text(p) if kind == "results-workbook" else p.read_text("utf-8-sig")
        doc = json.loads(text)
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, zlib.error, binascii.Error) as exc:
        raise EmulateError(
            [MESSAGES.make("result-damaged", where, path=path, reason=str(exc))]
        ) from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("format"), str):
        raise EmulateError([MESSAGES.make("result-not-results", where, path=path)])
    if doc["format"] != FORMAT:
        raise EmulateError(
            [MESSAGES.make("result-format", where, path=path, found=doc["format"], expected=FORMAT)]
        )
    return doc
