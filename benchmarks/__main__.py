"""Benchmark runner: `emulate score` side by side with the I/O floor, a naive pandas script,
the engine alone, and start-up — in one run, printed as one table with targets.

    .venv/bin/python -m benchmarks                       # 10k and 100k, everything
    .venv/bin/python -m benchmarks --sizes 10k --repeat 3
    .venv/bin/python -m benchmarks --sizes 1m --country --skip naive

Every figure comes from a fresh process, with emulate's modules compiled beforehand as an
installed package has them (`compile_bytecode`). Wall time is what a user waits; CPU time
(user + system, from `os.wait4` or `time.process_time`) is printed next to it because on a
shared machine wall time also measures the neighbours — ratios are judged on both. Peak
memory is given twice: the measured command's `ru_maxrss` (from `wait4`: its largest process,
so one measured command's peak never leaks into another's figure), and the sampled peak of
all its processes' PSS together (`TreeMemory`: a forked child's shared pages counted once).
Medians over `--repeat` runs. Results also go to
`benchmarks/data/results.json`.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.generate import DATA, ROOT, SIZES, generate

PY = str(Path(sys.executable))
EMULATE = str(Path(sys.executable).with_name("emulate"))
STARTUP_RUNS = 10
# The smallest typer app with rich help: what `--help` costs in typer itself.
TYPER_APP = (
    "import typer\n"
    "app = typer.Typer()\n"
    "@app.command()\n"
    "def score(): pass\n"
    "@app.command()\n"
    "def validate(): pass\n"
    "app()"
)
# The same app's `validate` taking one file argument: what typer itself costs to run a
# command with an argument (typer >= 0.25 coerces arguments with pydantic).
TYPER_ARG_APP = (
    "from pathlib import Path\n"
    "import typer\n"
    "app = typer.Typer()\n"
    "@app.command()\n"
    "def score(): pass\n"
    "@app.command()\n"
    "def validate(criteria: list[Path]): pass\n"
    "app()"
)


@dataclass
class Run:
    wall: float
    cpu: float
    rss_mib: float
    rc: int
    stdout: str = ""
    stderr: str = ""
    tree_mib: float = 0.0  # peak PSS of the process and its descendants (sampled)


class TreeMemory(threading.Thread):
    """The peak memory of a process and all its descendants together, as proportional set
    size (PSS, from /proc/PID/smaps_rollup) sampled every `interval` seconds. `ru_maxrss`
    is one process's peak and counts the pages a forked child shares with its parent in
    both; PSS shares them out, so the sum is what the machine really holds. Linux only
    (0 elsewhere); a peak shorter than the interval can be missed."""

    def __init__(self, pid: int, interval: float = 0.25) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval, self.peak = pid, interval, 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            self.peak = max(self.peak, sum(map(_pss, _descendants(self.pid))))
            self._stop_event.wait(self.interval)

    def stop(self) -> float:
        self._stop_event.set()
        self.join()
        return self.peak / 2**20


def _descendants(root: int) -> list[int]:
    """`root` and every process under it (from the parent ids in /proc/*/stat)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc") if os.path.isdir("/proc") else []:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                parent = int(stat.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(parent, []).append(int(entry))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += children.get(pid, [])
    return found


def _pss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


@dataclass
class Row:
    size: str
    what: str
    measured: str
    target: str = ""
    verdict: str = ""


@dataclass
class Report:
    rows: list[Row] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict)
    commands: list[str] = field(default_factory=list)

    def add(self, size: str, what: str, measured: str, target: str = "", verdict: str = "") -> None:
        self.rows.append(Row(size, what, measured, target, verdict))
        print(f"  [{size}] {what}: {measured}  {target} {verdict}", flush=True)


def run_measured(
    cmd: list[str], *, timeout: float | None = None, env: dict[str, str] | None = None
) -> Run:
    """Like `run`, but reaps the child with `os.wait4` to get its own rusage."""
    import tempfile

    with (
        tempfile.TemporaryFile("w+", encoding="utf-8") as out,
        tempfile.TemporaryFile("w+", encoding="utf-8") as err,
    ):
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=err, env=env)
        tree = TreeMemory(proc.pid)
        tree.start()
        if timeout is None:
            _, status, usage = os.wait4(proc.pid, 0)
        else:
            deadline = started + timeout
            while True:
                pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
                if pid:
                    break
                if time.perf_counter() > deadline:
                    proc.kill()
                    _, status, usage = os.wait4(proc.pid, 0)
                    break
                time.sleep(0.05)
        wall = time.perf_counter() - started
        tree_mib = tree.stop()
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Run(
            wall=wall,
            cpu=usage.ru_utime + usage.ru_stime,
            rss_mib=usage.ru_maxrss / 1024,
            rc=proc.returncode,
            stdout=out.read(),
            stderr=err.read(),
            tree_mib=tree_mib,
        )


def median_run(cmd: list[str], repeat: int, timeout: float | None = None) -> Run:
    runs = [run_measured(cmd, timeout=timeout) for _ in range(repeat)]
    return Run(
        wall=statistics.median(r.wall for r in runs),
        cpu=statistics.median(r.cpu for r in runs),
        rss_mib=max(r.rss_mib for r in runs),
        tree_mib=max(r.tree_mib for r in runs),
        rc=max(r.rc for r in runs),
        stdout=runs[-1].stdout,
        stderr=runs[-1].stderr,
    )


def probe(args: list[str], timeout: float | None = None) -> tuple[dict[str, Any], Run]:
    r = run_measured([PY, "-m", "benchmarks.probes", *args], timeout=timeout)
    lines = [ln for ln in r.stdout.splitlines() if ln.startswith("{")]
    if r.rc != 0 or not lines:
        raise RuntimeError(f"probe {args[0]} failed (rc={r.rc}): {r.stderr[-2000:]}")
    return json.loads(lines[-1]), r


def ratio_verdict(value: float, limit: float, *, at_most: bool) -> str:
    ok = value <= limit if at_most else value >= limit
    return "PASS" if ok else "MISS"


def fmt_s(x: float) -> str:
    return f"{x:.2f} s" if x < 100 else f"{x:.0f} s"


def data_set(name: str, jobs: int) -> tuple[Path, dict[str, Any]]:
    folder = generate(name, jobs=jobs)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    return folder, manifest


def rel(p: Path) -> str:
    return str(p.relative_to(ROOT))


def bench_size(name: str, args: argparse.Namespace, rep: Report) -> None:
    folder, man = data_set(name, args.jobs)
    reports = [rel(folder / f) for f in man["reports"]]
    history = [rel(folder / f) for f in man["history"]]
    rules = rel(folder / man["rules"])
    out_dir = folder / "out"
    out_dir.mkdir(exist_ok=True)
    results_xlsx = out_dir / "ket-qua.xlsx"
    n = man["people"]
    print(f"\n== {name}: {n:,} people, {man['units']:,} units, {man['clusters']:,} clusters, "
          f"{man['history_rows']:,} history rows in {len(reports)} report(s)"
          f"{f' + {len(history)} history file(s)' if history else ''}", flush=True)  # fmt: skip
    raw: dict[str, Any] = {"people": n, "units": man["units"]}
    rep.raw[name] = raw
    skip = set(args.skip)
    timeout = args.timeout

    score_cmd = [EMULATE, "score", *reports]
    if history:
        score_cmd += ["--history", *history]
    score_cmd += ["-c", rules, "-o", rel(results_xlsx), "--json", rel(out_dir / "ket-qua.json")]
    e2e: Run | None = None
    if "e2e" not in skip:
        rep.commands.append(shlex.join(["emulate", *score_cmd[1:]]))
        e2e = median_run(score_cmd, args.repeat, timeout)
        raw["e2e"] = {
            "wall": e2e.wall,
            "cpu": e2e.cpu,
            "rss_mib": e2e.rss_mib,
            "tree_pss_mib": e2e.tree_mib,
            "rc": e2e.rc,
        }
        if e2e.rc != 0:
            rep.add(name, "emulate score", f"FAILED rc={e2e.rc}: {e2e.stderr.strip()[-300:]}")
            e2e = None
        else:
            rep.add(
                name,
                "emulate score end to end",
                f"{fmt_s(e2e.wall)} wall, {fmt_s(e2e.cpu)} CPU, peak {e2e.rss_mib:,.0f} MiB"
                f" (largest process), {e2e.tree_mib:,.0f} MiB (all processes, PSS)",
            )
    if "floor" not in skip and e2e is not None:
        read, _ = probe(["floor-read", *reports, *history], timeout)
        write, _ = probe(["floor-write", rel(results_xlsx), rel(out_dir / "floor.xlsx")], timeout)
        floor_wall, floor_cpu = read["wall"] + write["wall"], read["cpu"] + write["cpu"]
        raw["floor"] = {"read": read, "write": write}
        rep.add(
            name,
            "I/O floor (calamine read + fastest write of the same output rows)",
            f"{fmt_s(floor_wall)} wall ({fmt_s(read['wall'])} + {fmt_s(write['wall'])}), "
            f"{fmt_s(floor_cpu)} CPU; {write['rows']:,} rows written by {write['writer']} "
            f"(xlsxwriter {fmt_s(write['writers']['xlsxwriter']['cpu'])} CPU, "
            f"sheetxml {fmt_s(write['writers']['sheetxml']['cpu'])} CPU)",
        )
        w, c = e2e.wall / floor_wall, e2e.cpu / floor_cpu
        raw["floor_ratio"] = {"wall": w, "cpu": c}
        rep.add(
            name,
            "emulate score ÷ I/O floor",
            f"{w:.1f}× wall, {c:.1f}× CPU",
            "target ≤ 1.5×",
            f"{ratio_verdict(w, 1.5, at_most=True)} (wall) / "
            f"{ratio_verdict(c, 1.5, at_most=True)} (CPU)",
        )
    if "naive" not in skip:
        naive_cmd = [PY, "-m", "benchmarks.naive", *reports]
        if history:
            naive_cmd += ["--history", *history]
        naive_cmd += ["-o", rel(out_dir / "naive.xlsx")]
        rep.commands.append(shlex.join(["python", *naive_cmd[1:]]))
        naive = run_measured(naive_cmd, timeout=timeout)
        raw["naive"] = {"wall": naive.wall, "cpu": naive.cpu, "rss_mib": naive.rss_mib,
                        "rc": naive.rc, "stdout": naive.stdout.strip()}  # fmt: skip
        if naive.rc != 0:
            rep.add(name, "naive pandas script", f"FAILED rc={naive.rc}: {naive.stderr[-300:]}")
        else:
            rep.add(
                name,
                "naive pandas script (read_excel + iterrows/apply + to_excel)",
                f"{fmt_s(naive.wall)} wall, {fmt_s(naive.cpu)} CPU, peak "
                f"{naive.rss_mib:,.0f} MiB [{naive.stdout.strip()}]",
            )
            if e2e is not None:
                w, c = naive.wall / e2e.wall, naive.cpu / e2e.cpu
                raw["naive_ratio"] = {"wall": w, "cpu": c}
                rep.add(
                    name,
                    "naive ÷ emulate score (speed-up)",
                    f"{w:.2f}× wall, {c:.2f}× CPU",
                    "target ≥ 10×",
                    f"{ratio_verdict(w, 10, at_most=False)} (wall) / "
                    f"{ratio_verdict(c, 10, at_most=False)} (CPU)",
                )
    if "stages" not in skip:
        stages_args = ["stages", rules, *reports, *(["--history", *history] if history else [])]
        st, _ = probe(stages_args, timeout)
        raw["stages"] = st
        rep.add(
            name,
            "stages in one process (wall / CPU)",
            f"rules {st['load_rules']:.2f} s · read {fmt_s(st['read'])} / "
            f"{fmt_s(st['read_cpu'])} · score {fmt_s(st['score'])} / {fmt_s(st['score_cpu'])} · "
            f"JSON {fmt_s(st.get('json', float('nan')))} / "
            f"{fmt_s(st.get('json_cpu', float('nan')))} ({st.get('json_mib', 0):.0f} MiB) · "
            f"workbook {fmt_s(st['write_xlsx'])} / {fmt_s(st['write_xlsx_cpu'])} · "
            f"peak {st['maxrss_mib']:,.0f} MiB",
        )
        total_wall = st["read"] + st["score"] + st.get("json", 0) + st["write_xlsx"]
        total_cpu = st["read_cpu"] + st["score_cpu"] + st.get("json_cpu", 0) + st["write_xlsx_cpu"]
        share_w, share_c = st["score"] / total_wall, st["score_cpu"] / total_cpu
        raw["score_share"] = {"wall": share_w, "cpu": share_c}
        target = "target < 10% at 1M" if name in ("1m", "country") else "(target < 10% at 1M)"
        verdict = ""
        if name in ("1m", "country"):
            verdict = (
                f"{ratio_verdict(share_w, 0.10, at_most=True)} (wall) / "
                f"{ratio_verdict(share_c, 0.10, at_most=True)} (CPU)"
            )
        rep.add(
            name,
            "engine share of end to end (score ÷ read+score+JSON+workbook)",
            f"{share_w:.0%} wall, {share_c:.0%} CPU",
            target,
            verdict,
        )
        per = st["score_cpu"] / st["people"] * 1e6
        raw["score_us_per_person"] = per
        rep.add(name, "engine CPU per person", f"{per:.0f} µs")
    if "e2e" not in skip and e2e is not None and name == "country":
        # judged on the larger: one process's exact peak, or all processes' sampled PSS
        gib = max(e2e.rss_mib, e2e.tree_mib) / 1024
        rep.add(
            name,
            "country scale peak memory (largest process; all processes, PSS)",
            f"{gib:.2f} GiB ({e2e.rss_mib / 1024:.2f}; {e2e.tree_mib / 1024:.2f})",
            "target < 6 GiB",
            ratio_verdict(gib, 6, at_most=True),
        )


def without_test_cases(source: Path) -> tuple[Path, int]:
    """A copy of a criteria file without its `tests:` (under benchmarks/data), and how many
    there were: validating it is start-up and loading, without running the engine on the
    worked cases."""
    import yaml

    target = DATA / "startup" / f"{source.stem}-khong-ca-kiem-thu.yaml"
    document = yaml.safe_load(source.read_text(encoding="utf-8"))
    cases = document.pop("tests", None) or []
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), "utf-8")
    return target, len(cases)


def compile_bytecode() -> None:
    """Compile emulate's modules, as an install from a wheel does (pip compiles them when it
    installs). Without it, on a machine that sets PYTHONDONTWRITEBYTECODE (this one does)
    every measured run would compile the package's sources again (~0.2 s a start); the
    start-up table keeps one such run as a reference."""
    import compileall

    compileall.compile_dir(ROOT / "emulate", quiet=1)


NO_BYTECODE = " (no compiled modules: sources compiled at start)"


def bench_startup(args: argparse.Namespace, rep: Report) -> None:
    import tempfile

    untested, n_cases = without_test_cases(ROOT / "criteria" / "national.yaml")
    # a copy of the package without its compiled modules, none saved (reference)
    bare = Path(tempfile.mkdtemp(prefix="emulate-no-pyc-"))
    shutil.copytree(ROOT / "emulate", bare / "emulate", ignore=shutil.ignore_patterns("*.pyc"))
    shutil.copytree(ROOT / "criteria", bare / "criteria")
    uncached = {**os.environ, "PYTHONPATH": str(bare), "PYTHONDONTWRITEBYTECODE": "1"}
    cmds = {
        "python -c 'import typer, rich'": [PY, "-c", "import typer, rich"],
        "two-command typer app --help": [PY, "-c", TYPER_APP, "--help"],
        "the same app's `validate FILE` (no work)": [
            PY, "-c", TYPER_ARG_APP, "validate", "criteria/national.yaml"
        ],
        "emulate --help": [EMULATE, "--help"],
        "emulate validate criteria/national.yaml": [EMULATE, "validate", "criteria/national.yaml"],
        f"emulate validate {rel(untested)} (its {n_cases} test cases left out)": [
            EMULATE, "validate", rel(untested)
        ],
        f"emulate validate criteria/national.yaml{NO_BYTECODE}": [
            EMULATE, "validate", "criteria/national.yaml"
        ],
    }  # fmt: skip
    runs: dict[str, list[Run]] = {k: [] for k in cmds}
    for _ in range(args.startup_runs):  # interleaved, so the neighbours' noise is shared
        for key, cmd in cmds.items():
            runs[key].append(run_measured(cmd, env=uncached if NO_BYTECODE in key else None))
    med = {k: (statistics.median(r.wall for r in v), statistics.median(r.cpu for r in v))
           for k, v in runs.items()}  # fmt: skip
    rep.raw["startup"] = {k: {"wall": w, "cpu": c, "rc": max(r.rc for r in runs[k])}
                          for k, (w, c) in med.items()}  # fmt: skip
    base_w, base_c = med["python -c 'import typer, rich'"]
    n = args.startup_runs
    rep.add("start-up", f"python -c 'import typer, rich' (median of {n})",
            f"{base_w * 1000:.0f} ms wall, {base_c * 1000:.0f} ms CPU")  # fmt: skip
    for key in list(cmds)[1:]:
        w, c = med[key]
        rc = max(r.rc for r in runs[key])
        rep.add(
            "start-up",
            f"{key} (median of {n}, exit {rc})",
            f"{w * 1000:.0f} ms wall ({w / base_w:.2f}×), "
            f"{c * 1000:.0f} ms CPU ({c / base_c:.2f}×)",
            *(
                (
                    "target ≤ 2×",
                    f"{ratio_verdict(w / base_w, 2, at_most=True)} (wall) / "
                    f"{ratio_verdict(c / base_c, 2, at_most=True)} (CPU)",
                )
                if key.startswith("emulate") and NO_BYTECODE not in key
                else ("(reference)", "")
            ),
        )


def print_table(rep: Report, argv: list[str]) -> str:
    lines = [
        f"emulate benchmarks — {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} — "
        f"{platform.python_implementation()} {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the end",
        "command: " + shlex.join(["python", "-m", "benchmarks", *argv]),
        "",
        "| size | measure | measured | target | verdict |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| {r.size} | {r.what} | {r.measured} | {r.target} | {r.verdict} |" for r in rep.rows
    ]
    if rep.commands:
        lines += ["", "commands measured:"] + [f"    {c}" for c in rep.commands]
    text = "\n".join(lines)
    print("\n" + text)
    return text


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--sizes", default="10k,100k", help="comma-separated: 10k,100k,1m")
    parser.add_argument("--country", action="store_true", help="also 25 × 100k workbooks")
    parser.add_argument("--repeat", type=int, default=1, help="runs of emulate score per size")
    parser.add_argument(
        "--skip", default="", help="comma-separated: e2e,floor,naive,stages,startup"
    )
    parser.add_argument("--startup-runs", type=int, default=STARTUP_RUNS)
    parser.add_argument("--jobs", type=int, default=2, help="processes for generating data")
    parser.add_argument("--timeout", type=float, default=None, help="seconds per command")
    parser.add_argument("--results", type=Path, default=DATA / "results.json")
    args = parser.parse_args(argv)
    args.skip = [s for s in args.skip.split(",") if s]
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    if args.country:
        sizes.append("country")
    for s in sizes:
        if s not in SIZES:
            parser.error(f"unknown size {s!r}; choose from {', '.join(SIZES)}")
    rep = Report()
    compile_bytecode()
    if "startup" not in args.skip:
        print("== start-up", flush=True)
        bench_startup(args, rep)
    for s in sizes:
        bench_size(s, args, rep)
    text = print_table(rep, argv)
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(
        json.dumps({"table": text, "raw": rep.raw, "argv": argv}, ensure_ascii=False, indent=2),
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
