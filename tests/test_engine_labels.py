"""Label columns of the decisions frame held as codes (`engine.labels`)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from emulate.engine.labels import code_dtype, labelled


def test_texts_become_a_categorical_in_text_order() -> None:
    column = labelled(np.array([0, 1, 2, 0], dtype=np.int8), ["people", "units", "people"])
    assert isinstance(column.dtype, pd.CategoricalDtype)
    assert column.tolist() == ["people", "units", "people", "people"]
    assert column.cat.categories.tolist() == ["people", "units"]  # a repeated value: one
    assert column.cat.codes.dtype == np.int8


def test_grouping_and_sorting_see_the_texts_order() -> None:
    column = labelled(np.array([0, 1, 2], dtype=np.int8), ["b", "c", "a"])
    frame = pd.DataFrame({"k": column, "v": [1, 2, 3]})
    assert frame.groupby("k")["v"].sum().index.tolist() == ["a", "b", "c"]
    assert frame.sort_values("k")["v"].tolist() == [3, 1, 2]


def test_a_value_that_is_not_text_keeps_objects() -> None:
    column = labelled(np.array([1, 0, 1]), ["x", None])
    assert column.dtype == object
    assert column.tolist() == [None, "x", None]


def test_code_dtype_follows_the_number_of_categories() -> None:
    assert code_dtype(5) == np.int8
    assert code_dtype(200) == np.int16
    assert code_dtype(40_000) == np.int32
