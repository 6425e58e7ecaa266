"""What a file really is, judged by its bytes, before any parser sees it (catalogue A1–A8).

Every input is hashed here (SHA-256). A file that is not a workbook we can read gets one
Vietnamese message naming the file and saying what to do; the zip container of a workbook is
checked against size and inflation limits before anything inflates it.
"""

from __future__ import annotations

import hashlib
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from emulate.diagnostics import Catalogue, Diagnostic, Where

MAX_FILE_BYTES = 300 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 2 * 1024 * 1024 * 1024
MAX_RATIO = 200  # per zip member larger than RATIO_FLOOR bytes once inflated
RATIO_FLOOR = 1024 * 1024
MAX_MEMBERS = 10_000

Kind = Literal["xlsx", "xlsm"]

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"
_SAVE_AS = (
    "hãy mở file bằng Excel, chọn Lưu thành (Save As) kiểu Excel Workbook (*.xlsx) rồi gửi lại"
)
_SAVE_AS_EN = "open it in Excel, Save As 'Excel Workbook (*.xlsx)' and send it again"

MESSAGES = Catalogue(
    {
        "file.missing": (
            "error",
            "Không tìm thấy file {file}; hãy kiểm tra lại đường dẫn.",
            "File {file} not found; check the path.",
        ),
        "file.unreadable": (
            "error",
            "Không đọc được file {file} ({reason}); hãy kiểm tra quyền truy cập file.",
            "Cannot read file {file} ({reason}); check the file permissions.",
        ),
        "file.lock": (
            "error",
            "{file} là file khóa tạm của Excel (tên bắt đầu bằng ~$), không phải báo cáo; "
            "hãy đóng Excel rồi chọn file báo cáo thật.",
            "{file} is Excel's temporary lock file (name starts with ~$), not a report; "
            "close Excel and pick the real report file.",
        ),
        "file.empty": (
            "error",
            "File {file} rỗng (0 byte); hãy đề nghị đơn vị gửi lại báo cáo.",
            "File {file} is empty (0 bytes); ask the unit to send the report again.",
        ),
        "file.too_big": (
            "error",
            "File {file} quá lớn ({size} MB, tối đa {limit} MB); hãy tách báo cáo thành nhiều "
            "file.",
            "File {file} is too big ({size} MB, at most {limit} MB); split the report into "
            "several files.",
        ),
        "file.xls": (
            "error",
            "File {file} là định dạng Excel cũ (.xls); " + _SAVE_AS + ".",
            "File {file} is in the old Excel format (.xls); " + _SAVE_AS_EN + ".",
        ),
        "file.encrypted": (
            "error",
            "File {file} có đặt mật khẩu; hãy mở bằng Excel, gỡ mật khẩu (File › Info › "
            "Protect Workbook › Encrypt with Password, xóa mật khẩu), lưu lại rồi gửi lại. "
            "emulate không bao giờ hỏi hay lưu mật khẩu.",
            "File {file} is password-protected; open it in Excel, remove the password (File › "
            "Info › Protect Workbook › Encrypt with Password, clear it), save and send it "
            "again. emulate never asks for or stores passwords.",
        ),
        "file.html": (
            "error",
            "File {file} thực chất là trang HTML (thường do phần mềm trên web xuất ra), không "
            "phải file Excel; " + _SAVE_AS + ".",
            "File {file} is really an HTML page (usually exported by a web system), not an "
            "Excel file; " + _SAVE_AS_EN + ".",
        ),
        "file.xml2003": (
            "error",
            "File {file} là bảng tính XML 2003, không phải file Excel (.xlsx); " + _SAVE_AS + ".",
            "File {file} is an XML 2003 spreadsheet, not an Excel file (.xlsx); "
            + _SAVE_AS_EN
            + ".",
        ),
        "file.text": (
            "error",
            "File {file} là file văn bản (CSV/TXT) bị đổi tên, không phải file Excel; "
            "hãy mở bằng Excel rồi Lưu thành (Save As) kiểu Excel Workbook (*.xlsx).",
            "File {file} is a text file (CSV/TXT) renamed, not an Excel file; open it in Excel "
            "and Save As 'Excel Workbook (*.xlsx)'.",
        ),
        "file.ods": (
            "error",
            "File {file} là bảng tính OpenDocument (.ods); hãy mở bằng LibreOffice hoặc Excel "
            "rồi lưu thành kiểu Excel 2007-365 (.xlsx).",
            "File {file} is an OpenDocument spreadsheet (.ods); open it in LibreOffice or "
            "Excel and save it as Excel 2007-365 (.xlsx).",
        ),
        "file.xlsb": (
            "error",
            "File {file} là Excel nhị phân (.xlsb); " + _SAVE_AS + ".",
            "File {file} is a binary Excel workbook (.xlsb); " + _SAVE_AS_EN + ".",
        ),
        "file.unknown": (
            "error",
            "File {file} không phải file Excel (.xlsx) mà emulate đọc được; " + _SAVE_AS + ".",
            "File {file} is not an Excel workbook (.xlsx) emulate can read; " + _SAVE_AS_EN + ".",
        ),
        "file.corrupt": (
            "error",
            "File {file} bị hỏng hoặc chưa tải về hết ({reason}); hãy đề nghị đơn vị gửi lại.",
            "File {file} is damaged or incompletely downloaded ({reason}); ask the unit to send "
            "it again.",
        ),
        "file.bomb": (
            "error",
            "File {file} có cấu trúc bất thường ({reason}) và bị từ chối để bảo vệ máy; hãy mở "
            "bằng Excel, lưu lại thành file mới rồi gửi lại.",
            "File {file} has an abnormal structure ({reason}) and was refused to protect the "
            "machine; open it in Excel, save it as a new file and send it again.",
        ),
        "file.macro": (
            "warning",
            "File {file} có macro (.xlsm); macro không được chạy, chỉ dữ liệu được đọc.",
            "File {file} contains macros (.xlsm); macros are not run, only the data is read.",
        ),
    }
)


@dataclass
class Sniffed:
    """A file's verdict: `kind` is None when it cannot be read (see `diagnostics`)."""

    path: Path
    display: str
    sha256: str | None = None
    kind: Kind | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}"


def sniff(path: str | Path, display: str | None = None) -> Sniffed:
    """Hash the file and decide what it is; never raises for a bad file."""
    path = Path(path)
    shown = display or str(path)
    out = Sniffed(path=path, display=shown)
    where = Where(file=shown)

    def fail(code: str, **params: object) -> Sniffed:
        out.diagnostics.append(MESSAGES.make(code, where, file=shown, **params))
        return out

    if path.name.startswith("~$"):
        return fail("file.lock")
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return fail("file.too_big", size=_mb(size), limit=_mb(MAX_FILE_BYTES))
        data = path.read_bytes()
    except FileNotFoundError:
        return fail("file.missing")
    except OSError as exc:
        return fail("file.unreadable", reason=exc.strerror or type(exc).__name__)
    out.sha256 = hashlib.sha256(data).hexdigest()
    if not data:
        return fail("file.empty")
    if data.startswith(_OLE2):
        if "EncryptedPackage".encode("utf-16-le") in data:
            return fail("file.encrypted")
        return fail("file.xls")
    if data.startswith(_ZIP):
        return _sniff_zip(out, fail)
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<html", b"<!doctype html", b"<table", b"<meta", b"<head")):
        return fail("file.html")
    if head.startswith(b"<?xml"):
        return fail("file.html" if b"<html" in head else "file.xml2003")
    if _is_text(data[:4096]):
        return fail("file.text")
    return fail("file.unknown")


def _is_text(sample: bytes) -> bool:
    if b"\x00" in sample and not sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    for encoding in ("utf-8", "utf-16", "cp1258"):
        try:
            sample.decode(encoding)
        except UnicodeDecodeError:
            continue
        return True
    return False


def _sniff_zip(out: Sniffed, fail) -> Sniffed:  # type: ignore[no-untyped-def]
    try:
        with zipfile.ZipFile(out.path) as archive:
            infos = archive.infolist()
            names = {i.filename for i in infos}
            if "mimetype" in names and archive.read("mimetype").startswith(
                b"application/vnd.oasis.opendocument"
            ):
                return fail("file.ods")
    except Exception as exc:  # untrusted bytes: zipfile, zlib and struct all raise their own
        return fail("file.corrupt", reason=str(exc) or type(exc).__name__)
    if len(infos) > MAX_MEMBERS:
        return fail("file.bomb", reason=f"{len(infos)} thành phần")
    total = sum(i.file_size for i in infos)
    if total > MAX_UNCOMPRESSED_BYTES:
        return fail("file.bomb", reason=f"giải nén ra {_mb(total)} MB")
    for info in infos:
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            return fail(
                "file.bomb",
                reason=f"{info.filename} nén {info.file_size // max(info.compress_size, 1)} lần",
            )
    if "[Content_Types].xml" not in names:
        return fail("file.corrupt", reason="thiếu [Content_Types].xml")
    if "xl/workbook.bin" in names:
        return fail("file.xlsb")
    if "xl/workbook.xml" not in names:
        return fail("file.unknown")
    out.kind = "xlsm" if "xl/vbaProject.bin" in names else "xlsx"
    if out.kind == "xlsm":
        out.diagnostics.append(
            MESSAGES.make("file.macro", Where(file=out.display), file=out.display)
        )
    return out
