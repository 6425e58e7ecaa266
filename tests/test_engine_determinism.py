"""The same inputs give the same result JSON, byte for byte, whatever the hash seed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

EXAMPLE = Path(__file__).parent.parent / "examples" / "bao-cao-so-2025.xlsx"


def _score(tmp_path: Path, seed: str) -> bytes:
    out = tmp_path / seed
    out.mkdir()
    env = dict(os.environ, PYTHONHASHSEED=seed)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "emulate",
            "score",
            str(EXAMPLE),
            "-o",
            str(out / "ket-qua.xlsx"),
            "--json",
            str(out / "ket-qua.json"),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return (out / "ket-qua.json").read_bytes()


def test_result_json_does_not_depend_on_the_hash_seed(tmp_path: Path) -> None:
    first = _score(tmp_path, "0")
    second = _score(tmp_path, "4242")
    assert first == second
    assert b'"format": "emulate-result/1"' in first
