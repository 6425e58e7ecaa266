"""`emulate validate FILE...`: every problem of every criteria file, then the `tests:` written
inside each one.

Exit codes: 0 every file is valid and its tests pass (warnings allowed); 1 a file has errors
or a test fails; 2 usage (a file that does not exist, an unknown language).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import typer

from emulate.cli.common import as_lang, say

if TYPE_CHECKING:
    from rich.console import Console

    from emulate.diagnostics import Diagnostic, Lang

TEXTS: dict[str, tuple[str, str]] = {
    "missing": (
        "Không tìm thấy tệp '{path}' (bộ dựng sẵn: {builtins}).",
        "No such file '{path}' (built-in rule sets: {builtins}).",
    ),
    "ok": ("hợp lệ", "valid"),
    "bad": ("có lỗi", "has errors"),
    "counts": ("{errors} lỗi, {warnings} cảnh báo", "{errors} errors, {warnings} warnings"),
    "tests_none": ("Không có ca kiểm thử.", "No test cases."),
    "tests_ok": ("{passed}/{n} ca kiểm thử đạt.", "{passed}/{n} test cases passed."),
    "tests_failed": (
        "{failed} ca kiểm thử không đạt ({passed}/{n} đạt):",
        "{failed} test cases failed ({passed}/{n} passed):",
    ),
    "tests_skipped": (
        "Các ca kiểm thử không chạy vì tệp có lỗi.",
        "Test cases not run because the file has errors.",
    ),
    "summary_ok": ("Tất cả {n} tệp hợp lệ.", "All {n} files are valid."),
    "summary_bad": (
        "{bad}/{n} tệp có lỗi hoặc ca kiểm thử không đạt.",
        "{bad}/{n} files have errors or failing tests.",
    ),
}

SEVERITY = {
    "error": ("lỗi", "error"),
    "warning": ("cảnh báo", "warning"),
    "info": ("ghi chú", "info"),
}


def text(key: str, lang: Lang, **params: Any) -> str:
    return say(TEXTS, key, lang, **params)


def run(files: list[str], *, lang: str, as_json: bool) -> None:
    """`emulate validate` (the options are in `emulate.cli.commands`)."""
    import json
    from pathlib import Path

    from emulate.rules.load import builtin_names

    lng = as_lang(lang)
    builtins = builtin_names()
    missing = [f for f in files if f not in builtins and not Path(f).is_file()]
    if missing:
        for f in missing:
            typer.echo(text("missing", lng, path=f, builtins=", ".join(builtins)), err=True)
        raise typer.Exit(2)

    reports = [_validate_one(f) for f in files]
    if as_json:
        payload = {"files": [_as_json(r, lng) for r in reports]}
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2, sort_keys=True))
    else:
        _render(reports, lng)
    raise typer.Exit(1 if any(not r["ok"] for r in reports) else 0)


def _validate_one(spec: str) -> dict[str, Any]:
    from emulate.engine.testcases import run_rule_tests
    from emulate.rules.load import check_rules

    rules, diags = check_rules(spec)
    report: dict[str, Any] = {
        "file": spec,
        "diagnostics": diags,
        "tests": None,
        "n_tests": 0 if rules is None else len(rules.tests),
    }
    if rules is not None and rules.tests:
        report["tests"] = run_rule_tests(rules)
    errors = [d for d in diags if d.is_error]
    failures = report["tests"].failures if report["tests"] is not None else []
    report["ok"] = rules is not None and not errors and not failures
    return report


def _as_json(report: dict[str, Any], lang: Lang) -> dict[str, Any]:
    tests = report["tests"]
    return {
        "file": report["file"],
        "ok": report["ok"],
        "diagnostics": [d.as_dict(lang) for d in report["diagnostics"]],
        "tests": {
            "count": report["n_tests"],
            "ran": tests is not None,
            "passed": tests.passed if tests else 0,
            "failures": [d.as_dict(lang) for d in tests.failures] if tests else [],
        },
    }


def _render(reports: list[dict[str, Any]], lang: Lang) -> None:
    from rich.console import Console

    console = Console(highlight=False, soft_wrap=True)
    for r in reports:
        diags: list[Diagnostic] = r["diagnostics"]
        errors = sum(d.is_error for d in diags)
        warnings = len(diags) - errors
        status = "[green]" + text("ok", lang) if r["ok"] else "[red]" + text("bad", lang)
        counts = text("counts", lang, errors=errors, warnings=warnings)
        console.print(f"[bold]{_escape(r['file'])}[/bold]: {status}[/] ({counts})")
        for d in diags:
            _print_diag(console, d, lang)
        tests = r["tests"]
        n = r["n_tests"]
        if errors:
            console.print("  " + text("tests_skipped", lang))
        elif tests is None:
            console.print("  " + text("tests_none", lang))
        elif tests.failures:
            failed = n - tests.passed
            console.print(
                "  [red]" + text("tests_failed", lang, failed=failed, passed=tests.passed, n=n)
            )
            for d in tests.failures:
                _print_diag(console, d, lang)
        else:
            console.print("  [green]" + text("tests_ok", lang, passed=tests.passed, n=n) + "[/]")
    bad = sum(not r["ok"] for r in reports)
    if bad:
        console.print("[red]" + text("summary_bad", lang, bad=bad, n=len(reports)) + "[/]")
    else:
        console.print("[green]" + text("summary_ok", lang, n=len(reports)) + "[/]")


def _print_diag(console: Console, d: Diagnostic, lang: Lang) -> None:
    colour = {"error": "red", "warning": "yellow"}.get(d.severity.value, "cyan")
    label = SEVERITY[d.severity.value][0 if lang == "vi" else 1]
    where = str(d.where)
    place = f"{_escape(where)}: " if where else ""
    console.print(f"  [{colour}]{label}[/] {place}{_escape(d.message(lang))}")


def _escape(value: str) -> str:
    from rich.markup import escape

    return escape(value)
