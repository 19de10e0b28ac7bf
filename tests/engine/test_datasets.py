"""Tests for engine.datasets: built-in data sets and loading .csv/.npy files."""

import re

import numpy as np
import pytest

from engine import datasets


# --- question and xor --------------------------------------------------------

def test_question_rows():
    X, Y = datasets.question()
    assert X.dtype == np.float64 and Y.dtype == np.float64
    np.testing.assert_array_equal(X, [[1, 1, 1, 1], [0, 0, 0, 0]])
    np.testing.assert_array_equal(Y, [[1, 1, 1], [0, 0, 0]])


def test_question_columns():
    X, Y = datasets.question(layout="columns")
    assert X.shape == (4, 2) and Y.shape == (3, 2)
    np.testing.assert_array_equal(X, [[1, 0]] * 4)
    np.testing.assert_array_equal(Y, [[1, 0]] * 3)


def test_xor_rows():
    X, Y = datasets.xor()
    assert X.dtype == np.float64 and Y.dtype == np.float64
    np.testing.assert_array_equal(X, [[0, 0], [0, 1], [1, 0], [1, 1]])
    np.testing.assert_array_equal(Y, [[0], [1], [1], [0]])


def test_xor_columns():
    X, Y = datasets.xor(layout="columns")
    np.testing.assert_array_equal(X, [[0, 0, 1, 1], [0, 1, 0, 1]])
    np.testing.assert_array_equal(Y, [[0, 1, 1, 0]])


@pytest.mark.parametrize("make", [datasets.question, datasets.xor])
def test_unknown_layout(make):
    with pytest.raises(ValueError, match=r"'rows', 'columns'.*'diagonal'"):
        make(layout="diagonal")


# --- spirals -----------------------------------------------------------------

def test_spirals_shape_and_onehot():
    X, Y = datasets.spirals(n_classes=3, m=300)
    assert X.shape == (300, 2) and Y.shape == (300, 3)
    assert X.dtype == np.float64 and Y.dtype == np.float64
    assert set(np.unique(Y)) == {0.0, 1.0}
    np.testing.assert_array_equal(Y.sum(axis=1), np.ones(300))
    np.testing.assert_array_equal(Y.sum(axis=0), [100, 100, 100])
    # Radii run from 0 to 1 along each arm.
    assert np.linalg.norm(X, axis=1).max() == pytest.approx(1.0)


def test_spirals_uneven_split_and_columns():
    X, Y = datasets.spirals(n_classes=4, m=10, layout="columns")
    assert X.shape == (2, 10) and Y.shape == (4, 10)
    np.testing.assert_array_equal(Y.sum(axis=1), [3, 3, 2, 2])


def test_spirals_reproducible():
    X1, Y1 = datasets.spirals(seed=7)
    X2, Y2 = datasets.spirals(seed=7)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(Y1, Y2)
    X3, _ = datasets.spirals(seed=8)
    assert not np.allclose(X1, X3)


def test_spirals_noise_free_points():
    # Arm j runs radius 0 -> 1 while the angle runs 4j -> 4(j + 1).
    X, Y = datasets.spirals(n_classes=2, m=4, noise=0.0)
    expected = [[0, 0], [np.sin(4), np.cos(4)], [0, 0], [np.sin(8), np.cos(8)]]
    np.testing.assert_allclose(X, expected, atol=1e-12)
    np.testing.assert_array_equal(Y, [[1, 0], [1, 0], [0, 1], [0, 1]])


def test_spirals_without_noise_is_seed_independent():
    X1, _ = datasets.spirals(seed=1, noise=0.0)
    X2, _ = datasets.spirals(seed=2, noise=0.0)
    np.testing.assert_array_equal(X1, X2)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"n_classes": 1}, r"n_classes must be an integer >= 2, got 1"),
        ({"n_classes": 2.5}, r"n_classes must be an integer >= 2, got 2\.5"),
        ({"m": 0}, r"m must be an integer >= 1, got 0"),
        ({"n_classes": 5, "m": 4}, r"m must be at least n_classes \(5\).*got m=4"),
        ({"noise": -0.1}, r"noise must be a number >= 0, got -0\.1"),
        ({"layout": "wide"}, r"'rows', 'columns'.*'wide'"),
    ],
)
def test_spirals_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        datasets.spirals(**kwargs)


# --- synthetic ---------------------------------------------------------------

@pytest.mark.parametrize("kind", ["binary", "onehot", "real"])
def test_synthetic_shapes(kind):
    X, Y = datasets.synthetic(5, 3, 40, kind=kind)
    assert X.shape == (40, 5) and Y.shape == (40, 3)
    assert X.dtype == np.float64 and Y.dtype == np.float64
    Xc, Yc = datasets.synthetic(5, 3, 40, kind=kind, layout="columns")
    np.testing.assert_array_equal(Xc, X.T)
    np.testing.assert_array_equal(Yc, Y.T)


def test_synthetic_binary_is_zero_one():
    _, Y = datasets.synthetic(4, 2, 200, kind="binary")
    assert set(np.unique(Y)) == {0.0, 1.0}


def test_synthetic_onehot_rows_sum_to_one():
    _, Y = datasets.synthetic(4, 3, 200, kind="onehot")
    assert set(np.unique(Y)) == {0.0, 1.0}
    np.testing.assert_array_equal(Y.sum(axis=1), np.ones(200))


def test_synthetic_real_is_not_labels():
    _, Y = datasets.synthetic(4, 2, 50, kind="real")
    assert len(np.unique(Y)) == Y.size


def test_synthetic_reproducible():
    X1, Y1 = datasets.synthetic(3, 2, 20, seed=3)
    X2, Y2 = datasets.synthetic(3, 2, 20, seed=3)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(Y1, Y2)
    X3, _ = datasets.synthetic(3, 2, 20, seed=4)
    assert not np.allclose(X1, X3)


@pytest.mark.parametrize(
    "args, kwargs, message",
    [
        ((0, 1, 5), {}, r"n_in must be an integer >= 1, got 0"),
        ((2, -1, 5), {}, r"n_out must be an integer >= 1, got -1"),
        ((2, 1, 3.0), {}, r"m must be an integer >= 1, got 3\.0"),
        ((2, 1, 5), {"kind": "ternary"}, r"'binary', 'onehot', 'real'.*'ternary'"),
    ],
)
def test_synthetic_rejects_bad_arguments(args, kwargs, message):
    with pytest.raises(ValueError, match=message):
        datasets.synthetic(*args, **kwargs)


# --- load: round trips -------------------------------------------------------

def test_load_csv(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("1,2,3\n\n4,5.5,-6e-1\n")
    data = datasets.load(path)
    assert data.dtype == np.float64
    np.testing.assert_array_equal(data, [[1, 2, 3], [4, 5.5, -0.6]])


def test_load_csv_with_header(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("x1,x2\n1,2\n3,4\n")
    np.testing.assert_array_equal(datasets.load(str(path)), [[1, 2], [3, 4]])


def test_load_csv_single_column(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("1\n2\n3\n")
    np.testing.assert_array_equal(datasets.load(path), [[1], [2], [3]])


def test_load_csv_parses_nan_and_inf(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("nan,inf\n-inf,1\n")
    data = datasets.load(path)
    assert np.isnan(data[0, 0])
    np.testing.assert_array_equal(data[:, 1], [np.inf, 1])
    assert data[1, 0] == -np.inf


def test_load_npy_2d(tmp_path):
    path = tmp_path / "data.npy"
    original = np.arange(6, dtype=np.int32).reshape(2, 3)
    np.save(path, original)
    data = datasets.load(path)
    assert data.dtype == np.float64
    np.testing.assert_array_equal(data, original)


def test_load_npy_1d_becomes_column(tmp_path):
    path = tmp_path / "data.npy"
    np.save(path, np.array([1.5, 2.5, 3.5]))
    np.testing.assert_array_equal(datasets.load(path), [[1.5], [2.5], [3.5]])


@pytest.mark.parametrize("text, cells", [
    ("x1,x2,x3\n\n1,2,3e-1\n-4,5.5,.25\n", [["1", "2", "3e-1"], ["-4", "5.5", ".25"]]),  # header, blank line
    ("\ufeff1,2\r\n3,4\r\n", [["1", "2"], ["3", "4"]]),  # a byte-order mark and Windows line ends
    ('1," 2 ",3\n4,5,6\n', [["1", " 2 ", "3"], ["4", "5", "6"]]),  # a quoted cell, spaces inside
    ("1,2\n   \n3,4\n,,\n5,6\n", [["1", "2"], ["3", "4"], ["5", "6"]]),  # lines NumPy's reader would not skip
    ("1_000,2\n3,4\n", [["1_000", "2"], ["3", "4"]]),  # float() reads underscores; NumPy's reader does not
    ("0.1,1e-320,-0.0,1.7976931348623157e308\n", [["0.1", "1e-320", "-0.0", "1.7976931348623157e308"]]),
], ids=["header", "bom-crlf", "quotes", "blank-looking-lines", "underscore", "extremes"])
def test_load_csv_reads_exactly_what_float_reads(tmp_path, text, cells):
    """Whichever reader handles the file, every value is, bit for bit, the float Python's float() makes of its cell."""
    path = tmp_path / "data.csv"
    path.write_bytes(text.encode("utf-8"))
    expected = np.array([[float(c) for c in row] for row in cells])
    data = datasets.load(path)
    assert data.shape == expected.shape
    assert data.tobytes() == expected.tobytes()


def test_load_large_csv_matches_numpy(tmp_path):
    path = tmp_path / "pixels.csv"
    pixels = np.random.default_rng(0).integers(0, 256, (500, 784)).astype(np.float64)
    path.write_text("\n".join(",".join(f"{v:g}" for v in row) for row in pixels))
    np.testing.assert_array_equal(datasets.load(path), pixels)


# --- load: errors ------------------------------------------------------------

def test_load_ragged_csv(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("1,2,3,4\n5,6,7,8\n9,10\n")
    with pytest.raises(ValueError, match=r"data\.csv: row 3 has 2 values but row 1 has 4"):
        datasets.load(path)


def test_load_ragged_csv_counts_file_lines(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("a,b\n1,2\n\n3\n")
    with pytest.raises(ValueError, match=r"row 4 has 1 values but row 2 has 2"):
        datasets.load(path)


def test_load_non_numeric_cell(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("1,2,3\n4,5,abc\n")
    with pytest.raises(ValueError, match=r"data\.csv: line 2, column 3: 'abc' is not a number"):
        datasets.load(path)


def test_load_bad_cell_deep_in_a_large_csv_is_found(tmp_path):
    path = tmp_path / "pixels.csv"
    lines = ["label," + ",".join(f"p{j}" for j in range(1, 50))]
    lines += [",".join(str((i * j) % 256) for j in range(50)) for i in range(3000)]
    cells = lines[2501].split(",")
    cells[6] = "12O"  # a letter O typed for a zero
    lines[2501] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(ValueError, match=r"pixels\.csv: line 2502, column 7: '12O' is not a number"):
        datasets.load(path)


def test_load_large_ragged_csv_names_the_row(tmp_path):
    path = tmp_path / "pixels.csv"
    lines = [",".join(["1"] * 20) for _ in range(2000)]
    lines[1500] = ",".join(["1"] * 19)
    path.write_text("\n".join(lines))
    with pytest.raises(ValueError, match=r"row 1501 has 19 values but row 1 has 20"):
        datasets.load(path)


def test_load_partly_numeric_first_line_is_not_a_header(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("x,2\n1,2\n")
    with pytest.raises(ValueError, match=r"line 1, column 1: 'x' is not a number"):
        datasets.load(path)


def test_load_object_npy(tmp_path):
    path = tmp_path / "data.npy"
    np.save(path, np.array([1, "a", None], dtype=object), allow_pickle=True)
    with pytest.raises(ValueError, match=r"data\.npy: expected a numeric array, got an object"):
        datasets.load(path)


def test_load_string_npy(tmp_path):
    path = tmp_path / "data.npy"
    np.save(path, np.array(["a", "bc"]))
    with pytest.raises(ValueError, match=r"data\.npy: expected a numeric array, got dtype <U2"):
        datasets.load(path)


def test_load_3d_npy(tmp_path):
    path = tmp_path / "data.npy"
    np.save(path, np.zeros((2, 3, 4)))
    with pytest.raises(ValueError, match=r"expected a 1-D or 2-D array, got shape \(2, 3, 4\)"):
        datasets.load(path)


@pytest.mark.parametrize("name", ["data.csv", "data.npy"])
def test_load_empty_file(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(b"")
    with pytest.raises(ValueError, match=re.escape(name) + r": the file is empty"):
        datasets.load(path)


def test_load_blank_csv_is_empty(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("\n  \n\n")
    with pytest.raises(ValueError, match=r"the file is empty"):
        datasets.load(path)


def test_load_header_only_csv(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("x1,x2\n")
    with pytest.raises(ValueError, match=r"got only a header line"):
        datasets.load(path)


def test_load_unknown_extension(tmp_path):
    path = tmp_path / "data.txt"
    path.write_text("1,2\n")
    with pytest.raises(ValueError, match=r"expected a '\.csv' or '\.npy' file, got '\.txt'"):
        datasets.load(path)


def test_load_missing_file(tmp_path):
    path = tmp_path / "missing.csv"
    with pytest.raises(FileNotFoundError, match=re.escape(str(path))):
        datasets.load(path)


# --- data as the app uses it ------------------------------------------------------


def test_batches_cover_every_example_once_an_epoch_in_a_fresh_order_each_epoch():
    X = np.arange(10.0).reshape(10, 1)
    batches = datasets.Batches(X, X * 2, 3, seed=5)
    epoch0 = np.concatenate([batches.indices(k) for k in range(3)])
    epoch1 = np.concatenate([batches.indices(k) for k in range(3, 6)])
    assert len(set(epoch0.tolist())) == 9 and len(set(epoch1.tolist())) == 9  # 3 whole batches, no repeats
    assert not np.array_equal(epoch0, epoch1)  # each epoch shuffles afresh
    Xb, Yb = batches.batch(4)
    assert Xb.shape == (3, 1) and np.array_equal(Yb, Xb * 2)  # X and Y rows stay paired
    assert np.array_equal(batches.batch(4)[0], datasets.Batches(X, X * 2, 3, seed=5).batch(4)[0])  # seeded


def test_batches_in_columns_cut_along_the_example_axis():
    X = np.arange(12.0).reshape(2, 6)  # 6 examples as columns
    Xb, Yb = datasets.Batches(X, X[:1], 4, seed=0, example_axis=1).batch(0)
    assert Xb.shape == (2, 4) and Yb.shape == (1, 4) and np.array_equal(Yb[0], Xb[0])


def test_a_batch_of_every_example_is_the_data_itself():
    X = np.ones((4, 2))
    batches = datasets.Batches(X, X, None)
    assert not batches.shuffled and batches.batch(7)[0] is X


@pytest.mark.parametrize("size", [0, -1, 5, 2.5, True])
def test_batch_sizes_outside_the_data_are_refused(size):
    with pytest.raises(ValueError, match=r"batch: expected a whole number from 1 to 4 \(the examples in the data\)"):
        datasets.Batches(np.ones((4, 2)), np.ones((4, 1)), size)


def test_class_labels_are_one_column_of_whole_numbers_from_zero():
    assert datasets.class_labels(np.array([[0.0], [2.0], [1.0]])).tolist() == [0, 2, 1]
    for Y in (np.array([[0.5], [1.0]]), np.array([[0.0, 1.0]]), np.array([[-1.0], [1.0]]), np.zeros((3, 1))):
        assert datasets.class_labels(Y) is None


def test_one_hot_rows_and_its_refusals():
    assert datasets.one_hot(np.array([2, 0])).tolist() == [[0, 0, 1], [1, 0, 0]]
    assert datasets.one_hot(np.array([1]), n_classes=3).tolist() == [[0, 1, 0]]
    with pytest.raises(ValueError, match="label 2 needs at least 3 classes; got 2"):
        datasets.one_hot(np.array([2]), n_classes=2)
    with pytest.raises(ValueError, match="whole-number class labels"):
        datasets.one_hot(np.array([0.5]))


def test_data_knows_which_sizes_fit_and_names_itself():
    data = datasets.named("xor")
    assert data.fits((2, 7, 1)) and not data.fits((2, 7, 2))
    assert data.sizes((5, 4)) == (2, 5, 4, 1)
    assert data.describe() == "xor (2 inputs, 1 output)"
    assert datasets.synthetic_data(5, 2, "softmax").name == "synthetic 5→2"
    with pytest.raises(ValueError, match="unknown dataset 'mnist'"):
        datasets.named("mnist")
