"""The canonical result document: shape, determinism, reading it back from JSON and from the
results workbook, refusing anything else."""

from __future__ import annotations

import base64
import dataclasses
import io
import json
import random
import unicodedata
import zlib
from decimal import Decimal

import pytest
from openpyxl import Workbook

from emulate.diagnostics import EmulateError
from emulate.output.canonical import Canonical
from emulate.output.files import write_atomic
from emulate.output.resultjson import (
    CHUNK,
    SHEET,
    dumps_canonical,
    load_result,
    plain_decimal,
    result_to_document,
    sha256_hex,
)
from emulate.output.workbook import write_results_workbook
from tests.output_factory import make_result


def test_document_shape():
    doc = result_to_document(make_result())
    assert doc["format"] == "emulate-result/1"
    assert doc["tool"] == {"name": "emulate", "version": "0.1.0"}
    assert doc["rules"]["money"] == {"base": "2340000", "round_up_to": "10000"}
    assert [i["path"] for i in doc["inputs"]] == ["bao-cao-p01.xlsx", "bao-cao-p02.xlsx"]
    assert doc["titles"]["CSTDCS"] == {
        "name": "Chiến sĩ thi đua cơ sở",
        "short": "CSTĐCS",
        "kind": "title",
        "for": "people",
        "position": 3,
        "basis": "L2022 Điều 23",
        "money": "1",
        "when": "LDTT and (level == HTXS or initiatives >= 1)",
        "quota": "15% của LĐTT, mỗi đơn vị, làm tròn xuống, tối thiểu 1",
    }
    p01 = doc["units"][0]
    assert p01 == {
        "id": "P01",
        "name": "Văn phòng Sở",
        "level": "HTXS",
        "cluster": "Khối 1",
        "solidarity": True,
        "score": "92.5",
        "groups": {"I": "48.5", "II": "42"},
        "items": {"1": "30", "2": "18.5", "3": "42"},
        "bonus": "2",
        "penalty": "0",
        "rank": 1,
        "titles": ["TTLDXS", "CO_TINH"],
    }
    assert doc["people"][0]["initiatives"] == 1 and doc["people"][0]["gender"] == "female"
    keys = [(d["for"], d["title"], d["subject"]) for d in doc["decisions"]]
    assert keys[0] == ("units", "TTLDXS", "P01") and keys[-1] == ("people", "LDTT", "CB006")
    tie = next(d for d in doc["decisions"] if d["subject"] == "CB003" and d["title"] == "CSTDCS")
    assert tie["status"] == "tie" and tie["tied_with"] == ["CB004"] and tie["money"] is None
    assert [d["where"] for d in doc["diagnostics"]] == [
        "bao-cao-p01.xlsx!Cá nhân!B9",
        "bao-cao-p01.xlsx!Cá nhân!F12",
        "bao-cao-p02.xlsx!Cá nhân!F9",
    ]
    json.dumps(doc)  # plain JSON data only


def test_canonical_bytes():
    data = dumps_canonical(result_to_document(make_result()))
    text = data.decode("utf-8")
    assert text.endswith("}\n") and text.startswith('{\n "decisions": [')
    assert '"money": "710000"' in text and "Điều" in text  # decimals as strings, no escapes
    assert len(sha256_hex(data)) == 64


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_same_result_in_any_order_gives_the_same_bytes(seed):
    reference = dumps_canonical(result_to_document(make_result()))
    assert dumps_canonical(result_to_document(make_result())) == reference
    assert dumps_canonical(result_to_document(make_result(seed=seed))) == reference


def test_text_is_nfc():
    result = make_result()
    decomposed = unicodedata.normalize("NFD", "Văn phòng Sở")
    result.units.loc[result.units["id"] == "P01", "name"] = decomposed
    doc = json.loads(dumps_canonical(result_to_document(result)))
    assert doc["units"][0]["name"] == unicodedata.normalize("NFC", decomposed)


@pytest.mark.parametrize(
    ("value", "text"),
    [("92.50", "92.5"), ("7.1E+5", "710000"), ("-0", "0"), ("0.000", "0"), ("1E-3", "0.001")],
)
def test_plain_decimal(value, text):
    assert plain_decimal(Decimal(value)) == text


def test_carrier_cells_hold_the_exact_bytes_within_excel_length():
    noise = random.Random(7).randbytes(90_000)  # incompressible: several cells
    canonical = ("a" * 70_000 + "𝕏" * 20_000 + "_x000D_ <r>").encode() + noise
    carried = Canonical.of(canonical)
    assert carried.sha256 == sha256_hex(canonical)
    assert len(carried.carrier) == 4  # 120,040 base64 characters
    assert all(len(p) <= CHUNK and p.isascii() for p in carried.carrier)
    assert zlib.decompress(base64.b64decode("".join(carried.carrier))) == canonical


def test_a_workbook_of_the_first_release_still_loads(tmp_path):
    """Before the carrier was compressed, A1, A2, ... held the JSON text itself."""
    doc = result_to_document(make_result())
    text = dumps_canonical(doc).decode()
    wb = Workbook()
    ws = wb.create_sheet(SHEET)
    ws.sheet_state = "hidden"
    for row, start in enumerate(range(0, len(text), CHUNK), start=1):
        ws.cell(row=row, column=1).value = text[start : start + CHUNK]
    wb.save(tmp_path / "cu.xlsx")
    assert load_result(tmp_path / "cu.xlsx") == doc


def test_round_trip_json(tmp_path):
    doc = result_to_document(make_result())
    path = tmp_path / "ket-qua.json"
    write_atomic(path, dumps_canonical(doc))
    assert load_result(path) == doc


def test_round_trip_workbook_over_many_cells(tmp_path):
    result = make_result()
    long = tuple("Lý do rất dài " * 300 + str(i) for i in range(20))
    result.decisions["reasons"] = [long] * len(result.decisions)
    doc = result_to_document(result)
    assert len(dumps_canonical(doc)) > 3 * CHUNK
    path = tmp_path / "ket-qua.xlsx"
    write_results_workbook(result, path)
    assert load_result(path) == doc


@pytest.mark.parametrize(
    "kind", ["text", "workbook", "stamped-report", "other-json", "missing", "broken-json"]
)
def test_refuses_what_is_not_a_result(tmp_path, kind):
    path = tmp_path / ("x.xlsx" if kind in ("workbook", "stamped-report") else "x.json")
    if kind == "text":
        path.write_text("Họ và tên,Mã\n", "utf-8")
    elif kind == "workbook":
        wb = Workbook()
        wb.active.title = "Cá nhân"
        wb.save(path)
    elif kind == "stamped-report":  # a report made by `emulate template` has a hidden stamp
        wb = Workbook()
        wb.active.title = "Đơn vị"
        stamp = wb.create_sheet("_emulate_stamp")
        stamp.append(["name", "Tiêu chuẩn"])
        stamp.append(["year", 2025])
        stamp.sheet_state = "veryHidden"
        wb.save(path)
    elif kind == "other-json":
        path.write_text('{"format": "emulate-result/9"}', "utf-8")
    elif kind == "broken-json":
        path.write_text('{"format": ', "utf-8")
    with pytest.raises(EmulateError) as info:
        load_result(path)
    code = info.value.diagnostics[0].code
    assert (
        code
        == {
            "text": "result-not-results",
            "workbook": "result-not-results-workbook",
            "stamped-report": "result-not-results-workbook",
            "other-json": "result-format",
            "missing": "result-missing",
            "broken-json": "result-damaged",
        }[kind]
    )


def test_options_and_inputs_come_from_provenance():
    result = make_result()
    result.provenance = dataclasses.replace(result.provenance, options={"keep_going": True})
    assert result_to_document(result)["options"] == {"keep_going": True}


@pytest.mark.parametrize("slice_rows", [1, 5, 50_000])
def test_streamed_json_is_byte_identical(monkeypatch, slice_rows):
    from emulate.output import canonical as streaming

    result = make_result()
    expected = dumps_canonical(result_to_document(result))
    # units, people and decisions in any row order, encoded a few at a time
    for scope in ("units", "people", "decisions"):
        frame = getattr(result, scope).sample(frac=1, random_state=3)
        setattr(result, scope, frame.reset_index(drop=True))
    result.diagnostics = result.diagnostics[::-1]
    monkeypatch.setattr(streaming, "SLICE", slice_rows)
    out = io.BytesIO()
    carried = streaming.write_canonical(result, out)
    assert out.getvalue() == expected
    assert carried == Canonical.of(expected)
    assert carried.sha256 == sha256_hex(expected)
