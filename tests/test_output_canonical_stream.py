"""The streamed canonical JSON (`emulate.output.canonical`) against the whole document: the
same bytes whatever the slice size, row and column order, awkward values or empty lists, and
no dict per record on the way."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
import math
import unicodedata
from decimal import Decimal as D

import pandas as pd
import pytest

from emulate.diagnostics import Diagnostic, Severity, Where
from emulate.output import canonical as streaming
from emulate.output import resultjson
from emulate.output.canonical import Canonical, canonical_chunks, write_canonical
from emulate.output.resultjson import dumps_canonical, result_to_document, sha256_hex
from emulate.rules.model import FieldSpec
from tests.output_factory import make_result

NFD = unicodedata.normalize("NFD", "Nguyễn Thị Hòa")
ESCAPES = 'ngoặc "kép" \\ gạch chéo\nxuống dòng\ttab \x07 \x00 \u2028 𝕏 </script>'
SLICES = [1, 2, 5, 50_000]


def _with_fields(result, scope: str, **fields: FieldSpec) -> None:
    subject = getattr(result.rules, scope)
    subject = subject.model_copy(update={"fields": {**subject.fields, **fields}})
    result.rules = result.rules.model_copy(update={scope: subject})


def _people(result) -> pd.DataFrame:
    """Six more people: unit P04 has them all, P05 (below) none; duplicated ids, missing and
    mixed values of every kind."""
    extra = pd.DataFrame(
        {
            "id": ["CB010", "CB007", "CB007", "CB008", "CB009", "CB011"],
            "name": [NFD, ESCAPES, "Lê Văn Em", "", None, "Hoàng  Văn  Giáp"],
            "unit": ["P04"] * 6,
            "unit_name": ["Trung tâm Công nghệ thông tin"] * 6,
            "level": ["HTT", "HTXS", None, "HT", "KHT", float("nan")],
            "gender": ["female", "male", "male", pd.NA, "female", None],
            "initiatives": pd.array([0, 3, None, 1, 0, None], dtype="Int64"),
            "titles": [(), ("LDTT",), None, ("CSTDCS", "LDTT"), (NFD,), ()],
        }
    )
    people = pd.concat([result.people, extra], ignore_index=True)
    people["initiatives"] = people["initiatives"].astype("Int64")
    n = len(people)
    # declared fields of awkward types
    people["months"] = [D("12"), D("12.50"), D("7.1E+1"), None, D("NaN"), D("-0")] * (n // 6)
    people["birthday"] = [dt.date(1980, 1, 2), None, dt.date(1999, 12, 31)] * (n // 3)
    people["ratio"] = [1.0, 2.5, float("nan"), -0.0, 1e20, 0.1] * (n // 6)
    people["mixed"] = [1, True, "1", 1.0, D(1), None] * (n // 6)  # equal, written apart
    people["codes"] = [(1,), (True,), ("a", "b"), (), None, ("a", "b")] * (n // 6)
    instant = pd.Timestamp("2025-01-01 07:00", tz="Asia/Ho_Chi_Minh")
    seen = [instant, instant.tz_convert("UTC"), dt.datetime(2025, 1, 1), None] * (n // 4)
    people["seen"] = pd.Series(seen, dtype=object)  # equal instants, written apart
    people["team"] = pd.Categorical(["Tổ 1", "Tổ 2", None] * (n // 3))
    people["note"] = pd.array([ESCAPES, None, "ổn"] * (n // 3), dtype="str")
    people["flag"] = [True, False] * (n // 2)
    people[NFD] = ["khóa NFD"] * n  # a declared field whose name is not NFC
    return people


def awkward_result(seed: int | None = None):
    """The fixture result with everything a report may bring."""
    result = make_result(seed=seed)
    _with_fields(
        result,
        "people",
        months=FieldSpec(header="Số tháng", type="number"),
        birthday=FieldSpec(header="Ngày sinh", type="date"),
        ratio=FieldSpec(header="Tỷ lệ"),
        mixed=FieldSpec(header="Hỗn hợp"),
        codes=FieldSpec(header="Mã"),
        seen=FieldSpec(header="Thời điểm"),
        team=FieldSpec(header="Tổ"),
        note=FieldSpec(header="Ghi chú"),
        flag=FieldSpec(header="Cờ", type="boolean"),
        titles=FieldSpec(header="Danh hiệu"),  # overridden by the record's own `titles`
        **{NFD: FieldSpec(header="Tên NFD")},
    )
    result.people = _people(result)
    units = result.units
    no_people = units.iloc[[0]].assign(
        id="P05", name=f"Phòng {ESCAPES}", rank=pd.NA, titles=None, score=None
    )
    no_people["item:1"] = D("NaN")
    result.units = pd.concat([units, no_people], ignore_index=True)
    result.units["rank"] = result.units["rank"].astype("Int64")
    decisions = result.decisions
    odd = decisions.iloc[[0, 1, 2]].assign(
        subject=["CB007", "CB007", NFD],
        **{"for": "people"},
        title="LDTT",
        reasons=[None, (ESCAPES, NFD), ()],
        tied_with=[None, ("CB007",), ()],
        achievement=[None, ESCAPES, ""],
        money=[D("710000.00"), None, D("NaN")],
        pool=[None, "P04", float("nan")],
    )
    result.decisions = pd.concat([decisions, odd], ignore_index=True)
    for column in ("rank", "places"):
        result.decisions[column] = result.decisions[column].astype("Int64")
    result.diagnostics = result.diagnostics + [
        Diagnostic(
            f"code-{i}",
            Severity.WARNING,
            Where(f"bao-cao-{i % 3}.xlsx", "Cá nhân", f"B{i}"),
            f"{ESCAPES} {i}",
            "english",
        )
        for i in range(12)
    ]
    name = 'Tiêu chuẩn\n "people": [] "decisions": []'  # as a key would be, but escaped
    result.provenance = dataclasses.replace(result.provenance, rules_name=name)
    return result


def _stream(result) -> bytes:
    out = io.BytesIO()
    carried = write_canonical(result, out)
    data = out.getvalue()
    assert carried == Canonical.of(data)
    return data


@pytest.mark.parametrize("slice_rows", SLICES)
@pytest.mark.parametrize("seed", [None, 4])
def test_awkward_values_stream_byte_identical(monkeypatch, slice_rows, seed):
    result = awkward_result(seed)
    expected = dumps_canonical(result_to_document(result))
    monkeypatch.setattr(streaming, "SLICE", slice_rows)
    assert _stream(result) == expected


def test_the_awkward_document_is_what_json_writes():
    """An independent check of both: the standard library's encoder on the same data."""
    result = awkward_result()
    doc = result_to_document(result)
    text = json.dumps(doc, ensure_ascii=False, sort_keys=True, indent=1) + "\n"
    assert _stream(result) == text.encode()
    person = next(p for p in doc["people"] if p["name"] == ESCAPES)
    assert person[unicodedata.normalize("NFC", NFD)] == "khóa NFD"
    assert person["titles"] == ["LDTT"] and person["months"] == "12.5"
    assert [p["mixed"] for p in doc["people"][:6]] == [1, True, "1", 1, "1", None]
    unit = next(u for u in doc["units"] if u["id"] == "P05")
    assert unit["rank"] is None and unit["titles"] == [] and unit["items"]["1"] is None


@pytest.mark.parametrize("slice_rows", [1, 3, 50_000])
@pytest.mark.parametrize("seed", [1, 2])
def test_rows_in_any_order(monkeypatch, slice_rows, seed):
    """Rows out of order are gathered from all over the frame (in order, read in place)."""
    result = awkward_result()
    for scope in ("people", "units", "decisions"):
        frame = getattr(result, scope).sample(frac=1, random_state=seed)
        setattr(result, scope, frame.reset_index(drop=True))
    expected = dumps_canonical(result_to_document(result))
    monkeypatch.setattr(streaming, "SLICE", slice_rows)
    assert _stream(result) == expected


@pytest.mark.parametrize("empty", ["people", "units", "decisions", "diagnostics", "all"])
def test_empty_lists(empty):
    result = make_result()
    for scope in ("people", "units", "decisions") if empty == "all" else (empty,):
        if scope == "diagnostics":
            result.diagnostics = []
        else:
            setattr(result, scope, getattr(result, scope).iloc[0:0])
    if empty == "all":
        result.diagnostics = []
    expected = dumps_canonical(result_to_document(result))
    assert _stream(result) == expected
    for scope in ("people", "units", "decisions", "diagnostics") if empty == "all" else (empty,):
        assert f'\n "{scope}": [],\n'.encode() in expected


def test_absent_columns_are_written_as_their_one_value(monkeypatch):
    result = make_result()
    result.decisions = result.decisions.drop(columns=["achievement", "reasons"])
    result.people = result.people.drop(columns=["unit_name"])
    result.units = result.units.drop(columns=["rank", "titles", "group:II"])
    doc = result_to_document(result)
    assert doc["decisions"][0]["achievement"] == "" and doc["decisions"][0]["reasons"] == []
    assert doc["units"][0]["rank"] is None and doc["units"][0]["groups"] == {"I": "48.5"}
    monkeypatch.setattr(streaming, "SLICE", 2)
    assert _stream(result) == dumps_canonical(doc)


def test_records_with_no_column_at_all(monkeypatch):
    """A record whose every value comes from an absent column is one text repeated."""
    result = make_result()
    result.decisions = result.decisions[["subject", "for", "title"]].iloc[:3]
    frame = result.decisions
    layout = {"a": resultjson.Column(None), "b": {"c": resultjson.Column(None, lambda v: [])}}
    order = resultjson.decision_order(frame, result.rules, resultjson.decision_layout(frame))
    monkeypatch.setattr(streaming, "SLICE", 2)
    text = b"".join(streaming.records_text(frame, layout, order))
    record = '{\n   "a": null,\n   "b": {\n    "c": []\n   }\n  }'
    assert text.decode() == "[\n  " + ",\n  ".join([record] * 3) + "\n ]"


def test_streaming_builds_no_record_dicts(monkeypatch):
    result = awkward_result()
    expected = dumps_canonical(result_to_document(result))

    def refused(*args, **kwargs):
        raise AssertionError("a dict per record")

    monkeypatch.setattr(resultjson, "records", refused)
    monkeypatch.setattr(streaming, "SLICE", 5)
    chunks = list(canonical_chunks(result))
    assert b"".join(chunks) == expected
    # per list: the text before it, its slices of five and its end; then the document's end
    sizes = [len(result.decisions), len(result.diagnostics), len(result.people)]
    sizes.append(len(result.units))
    assert len(chunks) == sum(1 + math.ceil(n / 5) + 1 for n in sizes) + 1


def test_sha_of_the_stream_is_the_documents():
    result = awkward_result()
    expected = dumps_canonical(result_to_document(result))
    assert write_canonical(result).sha256 == sha256_hex(expected)


@pytest.mark.parametrize("slice_rows", [7, 50_000])
def test_equal_ids_keep_frame_order(monkeypatch, slice_rows):
    """As a stable sort of the records would: enough rows for numpy's unstable sorts."""
    result = make_result()
    names = [f"Người {i:02d}" for i in range(60)]
    people = result.people.iloc[[i % 6 for i in range(60)]].assign(name=names)
    people["id"] = [f"CB{i % 3}" for i in range(60)]
    result.people = people.reset_index(drop=True)
    doc = result_to_document(result)
    listed = [p["name"] for p in doc["people"]]
    assert listed == [n for k in range(3) for i, n in enumerate(names) if i % 3 == k]
    monkeypatch.setattr(streaming, "SLICE", slice_rows)
    assert _stream(result) == dumps_canonical(doc)
