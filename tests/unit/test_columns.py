"""Codes of string columns, computed in Arrow: the same as pandas would give."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from speechlens.columns import factorize, positions_in

CELLS = [
    ["terrorism", "cybercrime", "terrorism", None, "human-rights"],
    ["only"],
    [None, None],
    [],
    ["Éire", "eire", "Éire"],  # no folding of case or accents
]


@pytest.mark.parametrize("cells", CELLS)
@pytest.mark.parametrize("dtype", ["str", object])
def test_factorize_numbers_cells_as_pandas_does(cells, dtype):
    column = pd.Series(cells, dtype=dtype)
    codes, uniques = factorize(column)
    expected_codes, expected_uniques = pd.factorize(column.to_numpy(dtype=object))
    np.testing.assert_array_equal(codes, expected_codes)
    assert uniques == list(expected_uniques)
    assert codes.dtype == np.int64


@pytest.mark.parametrize(
    ("cells", "values", "expected"),
    [
        (["b", "a", "c", None, "a"], ["a", "b"], [1, 0, -1, -1, 0]),
        (["a"], [], [-1]),
        ([], ["a"], []),
    ],
)
@pytest.mark.parametrize("dtype", ["str", object])
def test_positions_in_gives_each_cells_place_or_minus_one(cells, values, expected, dtype):
    positions = positions_in(pd.Series(cells, dtype=dtype), values)
    np.testing.assert_array_equal(positions, np.array(expected, dtype=np.int64))
    assert positions.dtype == np.int64
