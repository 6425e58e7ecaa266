"""`emulate explain (REPORT...|RESULTS) SUBJECT`: why a unit or person did or did not get
each title of its scope, with the clauses, the quota placement, the legal basis, the money.

From a results workbook or result JSON (what `emulate score` wrote), or from reports, which
are scored on the spot exactly as `emulate score` would.

Exit codes: 0 explained; 1 no such subject, several matches (listed), unreadable results or
inputs with errors; 2 usage.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from emulate.cli.common import as_lang

if TYPE_CHECKING:
    from rich.console import Console

    from emulate.diagnostics import Lang

TEXTS: dict[str, tuple[str, str]] = {
    "args": (
        "Cần ít nhất một tệp (báo cáo, sổ kết quả hoặc JSON) và đối tượng cần giải trình.",
        "Give at least one file (reports, a results workbook or JSON) and the subject.",
    ),
    "criteria": (
        "--criteria chỉ dùng khi giải trình từ báo cáo, không dùng với tệp kết quả.",
        "--criteria applies to reports only, not to a results file.",
    ),
    "mixed": (
        "{path} là tệp kết quả; chỉ cho một tệp kết quả, hoặc chỉ các báo cáo.",
        "{path} is a results file; give one results file, or reports only.",
    ),
    "no_title": (
        "Không có danh hiệu/hình thức {title!r}; có: {known}.",
        "No title or award {title!r}; known: {known}.",
    ),
    "wrong_scope": (
        "{title} dành cho {scope}; {subject} không thuộc đối tượng này.",
        "{title} is for {scope}; {subject} is not.",
    ),
    "none": (
        "Không tìm thấy đơn vị hay cá nhân nào có mã hoặc tên {query!r}.",
        "No unit or person has the id or name {query!r}.",
    ),
    "several": (
        "Có {n} đối tượng khớp {query!r}; hãy chọn theo mã:",
        "{n} subjects match {query!r}; choose one by id:",
    ),
}


def _t(key: str, lang: Lang, **params: Any) -> str:
    vi, en = TEXTS[key]
    return (vi if lang == "vi" else en).format(**params)


def _usage(message: str) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(2)


def _document(
    paths: list[Path],
    *,
    criteria: str | None,
    year: int | None,
    history: list[Path],
    lang: Lang,
    err: Console,
) -> dict[str, Any]:
    """The result document: loaded from a results file, or scored from the reports (with a
    progress bar on a terminal)."""
    from emulate.cli.progress import progress
    from emulate.cli.score import decide
    from emulate.output.resultjson import load_result, result_to_document, sniff

    results = [p for p in paths if p.is_file() and sniff(p) in ("json", "results-workbook")]
    if results:
        if len(paths) > 1:
            raise _usage(_t("mixed", lang, path=results[0]))
        if criteria:
            raise _usage(_t("criteria", lang))
        return load_result(results[0])
    with progress(err) as steps:
        result, _ = decide(
            paths,
            criteria=criteria,
            year=year,
            history=history,
            lang=lang,
            keep_going=False,
            steps=steps,
        )
    return result_to_document(result)


def run(
    args: list[str],
    *,
    title: str | None,
    criteria: str | None,
    year: int | None,
    history: list[Path],
    lang: str,
) -> None:
    """`emulate explain` (the options are in `emulate.cli.commands`)."""
    from emulate.cli.score import InputErrors, consoles, fail

    lg = as_lang(lang)
    if len(args) < 2:
        raise _usage(_t("args", lg))
    *files, query = args

    from emulate.cli.check import render
    from emulate.diagnostics import EmulateError
    from emulate.output import labels
    from emulate.output.explain import explain_lines, find_subjects, find_title

    _, err = consoles()
    try:
        doc = _document(
            [Path(f) for f in files],
            criteria=criteria,
            year=year,
            history=history,
            lang=lg,
            err=err,
        )
    except InputErrors as exc:
        err.print(render(exc.diagnostics, lg))
        raise typer.Exit(1) from None
    except EmulateError as exc:
        raise fail(err, exc.diagnostics, lg) from None

    subjects = find_subjects(doc, query)
    if not subjects:
        typer.echo(_t("none", lg, query=query), err=True)
        raise typer.Exit(1)
    if len(subjects) > 1:
        typer.echo(_t("several", lg, n=len(subjects), query=query), err=True)
        for s in subjects:
            where = s.record.get("unit") or s.record.get("cluster") or ""
            tail = f" ({where})" if where else ""
            typer.echo(f"  {labels.scope(s.scope, lg)} {s.label()}{tail}", err=True)
        raise typer.Exit(1)
    subject = subjects[0]
    title_id = None
    if title is not None:
        title_id = find_title(doc, title)
        if title_id is None:
            known = ", ".join(doc.get("titles", {}))
            raise _usage(_t("no_title", lg, title=title, known=known))
        scope = doc["titles"][title_id]["for"]
        if scope != subject.scope:
            raise _usage(
                _t(
                    "wrong_scope",
                    lg,
                    title=title_id,
                    scope=labels.scope(scope, lg).lower(),
                    subject=subject.label(),
                )
            )
    for line in explain_lines(doc, subject, title=title_id, lang=lg):
        typer.echo(line)
