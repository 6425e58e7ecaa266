"""Atomic output files: temp + fsync + replace, never over an input, a clear message when
Excel holds the target open."""

from __future__ import annotations

import os

import pytest

from emulate.diagnostics import EmulateError
from emulate.output import files
from emulate.output.files import commit_all, ensure_distinct, stage, write_atomic


def _leftovers(folder) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]


def test_writes_bytes_and_leaves_no_temp(tmp_path):
    target = tmp_path / "ket-qua.json"
    write_atomic(target, b"{}\n")
    assert target.read_bytes() == b"{}\n"
    write_atomic(target, lambda f: f.write(b"[]\n"))
    assert target.read_bytes() == b"[]\n"
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize("spelling", ["same", "dotted", "symlink"])
def test_refuses_an_input(tmp_path, monkeypatch, spelling):
    report = tmp_path / "bao-cao.xlsx"
    report.write_bytes(b"input")
    monkeypatch.chdir(tmp_path)
    output = {
        "same": str(report),
        "dotted": os.path.join(".", "sub", "..", "bao-cao.xlsx"),
        "symlink": str(tmp_path / "link.xlsx"),
    }[spelling]
    (tmp_path / "sub").mkdir()
    if spelling == "symlink":
        if os.name != "posix":
            pytest.skip("symlinks need privileges on Windows")
        os.symlink(report, output)
    with pytest.raises(EmulateError) as info:
        write_atomic(output, b"results", inputs=["bao-cao.xlsx"])
    assert info.value.diagnostics[0].code == "output-is-input"
    assert "bao-cao.xlsx" in info.value.diagnostics[0].message_vi
    assert report.read_bytes() == b"input"


def test_refuses_a_reports_folder(tmp_path):
    folder = tmp_path / "bao-cao"
    folder.mkdir()
    with pytest.raises(EmulateError) as info:
        write_atomic(folder / "ket-qua.xlsx", b"x", inputs=[folder])
    assert info.value.diagnostics[0].code == "output-in-input-folder"
    write_atomic(tmp_path / "ket-qua.xlsx", b"x", inputs=[folder])  # beside it is fine


def test_refuses_two_outputs_on_one_file(tmp_path):
    with pytest.raises(EmulateError) as info:
        ensure_distinct([tmp_path / "a.xlsx", tmp_path / "." / "a.xlsx"])
    assert info.value.diagnostics[0].code == "output-same-twice"


def test_file_held_open_by_excel(tmp_path, monkeypatch):
    target = tmp_path / "ket-qua.xlsx"
    target.write_bytes(b"old")

    def locked(src, dst):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(files.os, "replace", locked)
    with pytest.raises(EmulateError) as info:
        write_atomic(target, b"new")
    d = info.value.diagnostics[0]
    assert d.code == "output-locked"
    assert "Hãy đóng tệp trong Excel rồi chạy lại" in d.message_vi
    assert "Close the file in Excel and run again" in d.message_en
    assert target.read_bytes() == b"old"
    assert _leftovers(tmp_path) == []


def test_a_failing_writer_leaves_the_target(tmp_path):
    target = tmp_path / "ket-qua.xlsx"
    target.write_bytes(b"old")

    def boom(handle):
        handle.write(b"half")
        raise ValueError("boom")

    with pytest.raises(ValueError):
        write_atomic(target, boom)
    assert target.read_bytes() == b"old"
    assert _leftovers(tmp_path) == []


def test_missing_folder(tmp_path):
    with pytest.raises(EmulateError) as info:
        write_atomic(tmp_path / "nope" / "ket-qua.xlsx", b"x")
    assert info.value.diagnostics[0].code == "output-no-folder"


def test_staged_files_commit_together(tmp_path):
    a, b = tmp_path / "a.xlsx", tmp_path / "b.json"
    staged = [stage(a, b"A"), stage(b, b"B")]
    assert not a.exists() and not b.exists()
    commit_all(staged)
    assert a.read_bytes() == b"A" and b.read_bytes() == b"B"
    assert _leftovers(tmp_path) == []


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_output_is_readable_like_any_new_file(tmp_path):
    umask = os.umask(0o022)
    try:
        write_atomic(tmp_path / "ket-qua.json", b"{}")
    finally:
        os.umask(umask)
    assert (tmp_path / "ket-qua.json").stat().st_mode & 0o777 == 0o644
