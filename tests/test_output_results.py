"""Writing both outputs: the JSON in a forked child or here, the same bytes either way;
nothing committed when either fails."""

from __future__ import annotations

import datetime as dt
import sys

import pytest
from openpyxl import load_workbook

from emulate.diagnostics import EmulateError
from emulate.output import results as results_module
from emulate.output.resultjson import dumps_canonical, load_result, result_to_document, sha256_hex
from emulate.output.results import write_results
from tests.output_factory import make_result

NOW = dt.datetime(2025, 12, 31, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=7)))
FORK = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fork: Linux only")


def _cells(path):
    return {
        ws.title: [list(r) for r in ws.iter_rows(values_only=True)]
        for ws in load_workbook(path).worksheets
    }


@pytest.mark.parametrize("parallel", [pytest.param(True, marks=FORK), False])
def test_both_outputs_hold_the_canonical_result(tmp_path, parallel):
    result = make_result()
    expected = dumps_canonical(result_to_document(result))
    carried = write_results(
        result, tmp_path / "kq.xlsx", tmp_path / "kq.json", now=NOW, parallel=parallel
    )
    assert (tmp_path / "kq.json").read_bytes() == expected
    assert carried.sha256 == sha256_hex(expected)
    assert load_result(tmp_path / "kq.xlsx") == result_to_document(result)
    log = {r[0]: r[1:] for r in _cells(tmp_path / "kq.xlsx")["Nhật ký"]}
    assert log["Kết quả (JSON chuẩn)"] == [None, sha256_hex(expected)]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kq.json", "kq.xlsx"]  # no temp left


@FORK
def test_forked_and_serial_workbooks_are_the_same(tmp_path):
    result = make_result()
    write_results(result, tmp_path / "a.xlsx", now=NOW, parallel=True)
    write_results(result, tmp_path / "b.xlsx", now=NOW, parallel=False)
    assert _cells(tmp_path / "a.xlsx") == _cells(tmp_path / "b.xlsx")


@pytest.mark.parametrize("parallel", [pytest.param(True, marks=FORK), False])
def test_a_failed_json_leaves_both_targets_untouched(tmp_path, monkeypatch, parallel):
    (tmp_path / "kq.xlsx").write_bytes(b"old workbook")

    def full_disk(result, handle=None):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(results_module, "write_canonical", full_disk)
    with pytest.raises(EmulateError) as caught:
        write_results(
            make_result(), tmp_path / "kq.xlsx", tmp_path / "kq.json", now=NOW, parallel=parallel
        )
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.code == "output-failed"
    assert "No space left on device" in diagnostic.message("vi")
    assert (tmp_path / "kq.xlsx").read_bytes() == b"old workbook"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kq.xlsx"]


@pytest.mark.parametrize(
    ("resident", "available", "forks"),
    [
        (1 << 30, 8 << 30, True),  # room for a full copy and the headroom
        (4 << 30, 5 << 30, False),  # a copy would leave less than the headroom
        (0, 0, False),  # memory unknown: never risk it
    ],
)
def test_the_json_child_is_forked_only_when_a_full_copy_fits(
    monkeypatch, resident, available, forks
):
    results = results_module
    monkeypatch.setattr(results.sys, "platform", "linux")
    monkeypatch.setattr(results.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(results, "_memory", lambda: (resident, available))
    assert results._forks() is forks


def test_one_core_never_forks(monkeypatch):
    results = results_module
    monkeypatch.setattr(results.os, "cpu_count", lambda: 1)
    monkeypatch.setattr(results, "_memory", lambda: (0, 64 << 30))
    assert results._forks() is False


def test_memory_is_read_from_proc():
    resident, available = results_module._memory()
    if sys.platform.startswith("linux"):
        assert 0 < resident < available * 4
