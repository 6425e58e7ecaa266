"""Progress of long work: a bar on stderr when stderr is a terminal, nothing otherwise
(DESIGN §9); and `--jobs` reaching the reader."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import threading
from pathlib import Path
from types import SimpleNamespace

import pytest
from rich.console import Console
from typer.testing import CliRunner

from emulate.cli import app
from emulate.cli import check as check_cli
from emulate.cli import score as score_cli
from emulate.cli.progress import QUIET, Bar, Steps, progress
from tests.output_factory import make_result

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "bao-cao-so-2025.xlsx"
runner = CliRunner()


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class Recorder(Steps):
    def __init__(self) -> None:
        self.calls: list[tuple[str, ...]] = []

    def step(self, message: str) -> None:
        self.calls.append(("step", message))

    def files(self, done: int, total: int) -> None:
        self.calls.append(("files", f"{done}/{total}"))


def test_quiet_when_stderr_is_not_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")  # colours may be forced; the bar is not
    stream = io.StringIO()
    with progress(Console(file=stream)) as steps:
        steps.step("Đang đọc báo cáo…")
        steps.files(1, 2)
    assert steps is QUIET
    assert stream.getvalue() == ""


def test_bar_on_a_terminal() -> None:
    stream = Terminal()
    with progress(Console(file=stream, width=80)) as steps:
        assert isinstance(steps, Bar)
        steps.step("Đang đọc báo cáo…")
        steps.files(3, 10)
    shown = stream.getvalue()
    assert "Đang đọc báo cáo…" in shown and "3/10" in shown


@pytest.fixture
def fake_engine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[dict]:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bao-cao.xlsx").write_bytes(b"report")
    calls: list[dict] = []

    def decide(reports, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(kwargs)
        kwargs["steps"].step("Đang chấm điểm…")
        return make_result(lang=kwargs["lang"]), False

    monkeypatch.setattr(score_cli, "decide", decide)
    return calls


def test_score_under_the_test_runner_is_quiet_and_passes_jobs(fake_engine: list[dict]) -> None:
    result = runner.invoke(app, ["score", "bao-cao.xlsx", "--jobs", "3"])
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert fake_engine[0]["jobs"] == 3 and fake_engine[0]["steps"] is QUIET
    result = runner.invoke(app, ["score", "bao-cao.xlsx"])
    assert fake_engine[1]["jobs"] is None  # automatic


def test_jobs_must_be_positive(fake_engine: list[dict]) -> None:
    result = runner.invoke(app, ["score", "bao-cao.xlsx", "-j", "0"])
    assert result.exit_code == 2 and not fake_engine


def test_check_passes_jobs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen = {}

    def read(reports, rules, *, history, jobs, steps):  # type: ignore[no-untyped-def]
        seen.update(jobs=jobs, steps=steps)
        return SimpleNamespace(diagnostics=[], has_errors=False, people=[], units=[], history=[])

    rules = SimpleNamespace(name="Thử", year=2025)
    monkeypatch.setattr(check_cli, "resolve_rules", lambda spec, reports: (rules, False))
    monkeypatch.setattr(score_cli, "read", read)
    result = runner.invoke(app, ["check", str(tmp_path), "--jobs", "2"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert seen == {"jobs": 2, "steps": QUIET} and result.stderr == ""
    assert result.stdout == (
        "Bộ tiêu chí: Thử (2025)\n"
        "Không có lỗi: 0 cá nhân, 0 đơn vị, 0 dòng lịch sử.\n"
        "0 lỗi, 0 cảnh báo, 0 ghi chú.\n"
    )


def test_read_passes_jobs_and_counts_files(monkeypatch: pytest.MonkeyPatch) -> None:
    import emulate.intake.read as intake_read

    def read_reports(paths, rules, *, history=(), jobs=None, progress=None):  # type: ignore[no-untyped-def]
        for done in range(1, len(paths) + 1):
            progress(done, len(paths))
        return ("intake", list(paths), rules, list(history), jobs)

    monkeypatch.setattr(intake_read, "read_reports", read_reports)
    steps = Recorder()
    got = score_cli.read(
        [Path("a.xlsx"), Path("b.xlsx")], "rules", history=[Path("h.xlsx")], jobs=4, steps=steps
    )
    assert got == ("intake", [Path("a.xlsx"), Path("b.xlsx")], "rules", [Path("h.xlsx")], 4)
    assert steps.calls == [("files", "1/2"), ("files", "2/2")]


def run_score(tmp_path: Path, stderr: int) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "emulate", "score", str(EXAMPLE), "-o", str(tmp_path / "kq.xlsx")],
        stdout=subprocess.PIPE,
        stderr=stderr,
        cwd=tmp_path,
        env={**os.environ, "COLUMNS": "100"},
        check=False,
    )


def test_score_in_a_pipe_prints_no_progress(tmp_path: Path) -> None:
    proc = run_score(tmp_path, subprocess.PIPE)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == b""
    assert "Đã ghi" in proc.stdout.decode("utf-8")


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_score_on_a_terminal_shows_the_steps(tmp_path: Path) -> None:
    import pty

    master, slave = pty.openpty()
    chunks: list[bytes] = []

    def drain() -> None:  # a full terminal buffer would block the child
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        proc = run_score(tmp_path, slave)
    finally:
        os.close(slave)
        reader.join(timeout=10)
        os.close(master)
    assert proc.returncode == 0
    shown = b"".join(chunks).decode("utf-8", "replace")
    for message in ("Đang đọc bộ tiêu chí…", "Đang đọc báo cáo…", "Đang ghi kết quả…"):
        assert message in shown
    assert "Đã ghi" in proc.stdout.decode("utf-8")  # the product still goes to stdout
