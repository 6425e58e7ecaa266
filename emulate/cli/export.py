"""`emulate export`: the nomination lists (danh sách đề nghị khen thưởng) in the official
layout, as Word, Excel or CSV, from a results workbook or result JSON.

Exit codes (DESIGN §9): 0 written; 1 the results file cannot be read or the output cannot
be written; 2 bad options (unknown format, status, title, date; output over the input).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from emulate.cli.commands import DEFAULT_SIGNER_TITLE

if TYPE_CHECKING:
    from emulate.output.letterhead import Letterhead

FORMATS = ("docx", "xlsx", "csv")
USAGE_CODES = frozenset(
    {
        "EXPORT_STATUS",
        "EXPORT_TITLE",
        "EXPORT_SORT",
        "output-is-input",
        "output-is-folder",
        "output-no-folder",
    }
)

TEXTS = {
    "vi": {
        "format": "Định dạng {value!r} không hỗ trợ; dùng một trong: docx, xlsx, csv.",
        "no_format": "Không đoán được định dạng từ tên tệp {path}; thêm --format docx|xlsx|csv.",
        "suffix": "Tệp ra {path} có đuôi {suffix} nhưng định dạng là {fmt}; hãy sửa cho khớp.",
        "docx_only": "--to-trinh và --bien-ban chỉ dùng với định dạng docx.",
        "written": "Đã ghi {path}: {units} tập thể, {people} cá nhân.",
        "empty": "Cảnh báo: danh sách trống (không có quyết định nào có trạng thái {statuses}).",
    },
    "en": {
        "format": "Format {value!r} is not supported; use one of: docx, xlsx, csv.",
        "no_format": "Cannot tell the format of {path}; add --format docx|xlsx|csv.",
        "suffix": "The output {path} ends in {suffix} but the format is {fmt}; make them agree.",
        "docx_only": "--to-trinh and --bien-ban work with the docx format only.",
        "written": "Wrote {path}: {units} collectives, {people} individuals.",
        "empty": "Warning: the list is empty (no decision with status {statuses}).",
    },
}
DATE_EN = "Invalid date {value!r}; write it as day/month/year, e.g. 05/01/2026."


def _fail(message: str) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(2)


def _split(values: list[str]) -> list[str]:
    """`--title A,B --title C` → `[A, B, C]`."""
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _choose_format(fmt: str | None, output: Path, texts: dict[str, str]) -> str:
    suffix = output.suffix.lower().lstrip(".")
    if fmt is None:
        if suffix not in FORMATS:
            raise _fail(texts["no_format"].format(path=output))
        return suffix
    fmt = fmt.lower().lstrip(".")
    if fmt not in FORMATS:
        raise _fail(texts["format"].format(value=fmt))
    if suffix and suffix != fmt:
        raise _fail(texts["suffix"].format(path=output, suffix=output.suffix, fmt=fmt))
    return fmt


def run(
    results: Path,
    *,
    output: Path,
    fmt: str | None,
    titles: list[str],
    statuses: list[str],
    issuer: str,
    number: str,
    date: str | None,
    place: str,
    signer: str,
    signer_title: str,
    recipient: str,
    submission: bool,
    minutes: bool,
    lang: str,
) -> None:
    """`emulate export` (the options are in `emulate.cli.commands`)."""
    texts = TEXTS[lang]
    kind = _choose_format(fmt, output, texts)
    if (minutes or submission) and kind != "docx":
        raise _fail(texts["docx_only"])

    from emulate.diagnostics import EmulateError
    from emulate.output.letterhead import Letterhead, parse_date

    try:
        when = parse_date(date) if date is not None else None
    except ValueError as exc:
        raise _fail(str(exc) if lang == "vi" else DATE_EN.format(value=date)) from None
    head = Letterhead(
        issuer=issuer.strip(),
        number=number.strip(),
        date=when,
        place=place.strip(),
        signer=signer.strip(),
        signer_title=signer_title.strip() or DEFAULT_SIGNER_TITLE,
        recipient=recipient.strip(),
    )
    try:
        _run(
            results,
            output,
            kind,
            head,
            titles=_split(titles),
            statuses=_split(statuses or ["awarded"]),
            minutes=minutes,
            submission=submission,
            lang=lang,
        )
    except EmulateError as exc:
        for d in exc.diagnostics:
            typer.echo(d.render(lang), err=True)
        usage = any(d.code in USAGE_CODES for d in exc.diagnostics)
        raise typer.Exit(2 if usage else 1) from None


def _run(
    results: Path,
    output: Path,
    kind: str,
    head: Letterhead,
    *,
    titles: list[str],
    statuses: list[str],
    minutes: bool,
    submission: bool,
    lang: str,
) -> None:
    """Read, build, render, write; every failure is an `EmulateError`."""
    from emulate.output.files import write_atomic
    from emulate.output.nominations import build_nominations, two_digits
    from emulate.output.resultjson import load_result

    doc = load_result(results)
    nominations = build_nominations(doc, statuses=statuses, titles=titles or None)
    if kind == "docx":
        from emulate.output.docx_list import render_docx

        content = render_docx(nominations, head, minutes=minutes, submission=submission)
    elif kind == "xlsx":
        from emulate.output.xlsx_list import render_xlsx

        content = render_xlsx(nominations, head)
    else:
        from emulate.output.csv_list import render_csv

        content = render_csv(nominations)
    # Never over the results file, nor over a report the results were scored from.
    reports = [str(item.get("path")) for item in doc.get("inputs") or () if item.get("path")]
    write_atomic(output, content, inputs=[results, *reports])
    texts = TEXTS[lang]
    if not nominations.sections:
        typer.echo(texts["empty"].format(statuses=", ".join(nominations.statuses)), err=True)
    typer.echo(
        texts["written"].format(
            path=output,
            units=two_digits(nominations.units_count),
            people=two_digits(nominations.people_count),
        )
    )
