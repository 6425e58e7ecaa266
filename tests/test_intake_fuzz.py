"""Byte-level fuzz of the reader: truncated, flipped and inflated workbooks give diagnostics,
never an exception, in bounded time and memory (inputs-and-reliability.md §3.1.6)."""

from __future__ import annotations

import io
import random
import resource
import time
import zipfile
from pathlib import Path

import pytest

from emulate.intake.read import read_reports
from tests.intake_support import make_rules, write_filled

SECONDS_PER_FILE = 5.0
EXTRA_RSS_MB = 400


@pytest.fixture(scope="module")
def seed_bytes(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return write_filled(tmp_path_factory.mktemp("seed")).read_bytes()


def _mutations(data: bytes, rng: random.Random) -> list[bytes]:
    out: list[bytes] = []
    for _ in range(12):  # truncations
        out.append(data[: rng.randrange(len(data))])
    for _ in range(12):  # random byte flips in the container
        b = bytearray(data)
        for _ in range(rng.randint(1, 8)):
            b[rng.randrange(len(b))] = rng.randrange(256)
        out.append(bytes(b))
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        parts = {i.filename: z.read(i.filename) for i in z.infolist()}
    xml_parts = [n for n in parts if n.endswith(".xml") or n.endswith(".rels")]
    for _ in range(24):  # flips and cuts inside the XML, re-zipped: reaches the parsers
        name = rng.choice(xml_parts)
        xml = bytearray(parts[name])
        if rng.random() < 0.5:
            for _ in range(rng.randint(1, 6)):
                xml[rng.randrange(len(xml))] = rng.choice(b'<>"=/ &#x0123456789abcdefAZ\xc3\xff')
        else:
            xml = xml[: rng.randrange(len(xml))]
        out.append(_zip({**parts, name: bytes(xml)}))
    # Inflation: a huge sheet, a missing part, a member repeated.
    out.append(
        _zip({**parts, "xl/worksheets/sheet2.xml": b"<a>" + b" " * (50 * 1024 * 1024) + b"</a>"})
    )
    out.append(_zip({k: v for k, v in parts.items() if k != "xl/workbook.xml"}))
    out.append(_zip({k: v for k, v in parts.items() if not k.startswith("xl/worksheets/")}))
    out.append(data + data)
    return out


def _zip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, body in parts.items():
            z.writestr(name, body)
    return buffer.getvalue()


def test_mutated_workbooks_only_give_diagnostics(seed_bytes: bytes, tmp_path: Path) -> None:
    rules = make_rules()
    rng = random.Random(20251128)
    start_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    for i, blob in enumerate(_mutations(seed_bytes, rng)):
        path = tmp_path / f"m{i}.xlsx"
        path.write_bytes(blob)
        began = time.perf_counter()
        intake = read_reports([path], rules)  # must not raise
        assert time.perf_counter() - began < SECONDS_PER_FILE, i
        for d in intake.diagnostics:
            assert d.message_vi and d.message_en and d.where.file == str(path), (i, d)
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - start_rss
    assert grown < EXTRA_RSS_MB
