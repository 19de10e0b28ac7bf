"""Datasets: the question's data, xor, spirals, synthetic data, and loading .csv/.npy files."""

import functools
import warnings
from pathlib import Path

import numpy as np

from engine.checks import is_whole

LAYOUTS = ("rows", "columns")
KINDS = ("binary", "onehot", "real")
EXTENSIONS = (".csv", ".npy")


def _check_layout(layout):
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of 'rows', 'columns'; got {layout!r}")


def _arrange(X, Y, layout):
    _check_layout(layout)
    return (X, Y) if layout == "rows" else (X.T, Y.T)


def _check_int(name, value, minimum):
    if not is_whole(value, minimum):
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")


def question(layout="rows"):
    """The question's data: 2 examples of 4 features, 3 labels each."""
    X = np.array([[1, 1, 1, 1], [0, 0, 0, 0]], dtype=np.float64)
    Y = np.array([[1, 1, 1], [0, 0, 0]], dtype=np.float64)
    return _arrange(X, Y, layout)


def xor(layout="rows"):
    """The four XOR examples: 2 inputs, 1 label."""
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float64)
    Y = np.array([[0], [1], [1], [0]], dtype=np.float64)
    return _arrange(X, Y, layout)


def spirals(n_classes=3, m=300, seed=0, noise=0.2, layout="rows"):
    """CS231n spirals: m points in 2-D spread over n_classes arms, one-hot labels."""
    _check_layout(layout)
    _check_int("n_classes", n_classes, 2)
    _check_int("m", m, 1)
    if m < n_classes:
        raise ValueError(f"m must be at least n_classes ({n_classes}) so every class has an example, got m={m}")
    if not noise >= 0:
        raise ValueError(f"noise must be a number >= 0, got {noise!r}")
    rng = np.random.default_rng(seed)
    X = np.empty((m, 2))
    labels = np.empty(m, dtype=np.intp)
    start = 0
    for j in range(n_classes):
        n = m // n_classes + (j < m % n_classes)
        radius = np.linspace(0.0, 1.0, n)
        theta = np.linspace(j * 4.0, (j + 1) * 4.0, n) + rng.normal(0.0, noise, n)
        X[start:start + n] = np.column_stack([radius * np.sin(theta), radius * np.cos(theta)])
        labels[start:start + n] = j
        start += n
    return _arrange(X, np.eye(n_classes)[labels], layout)


def synthetic(n_in, n_out, m, seed=0, kind="binary", layout="rows"):
    """Random X (m, n_in) with labels Y (m, n_out) from a random linear teacher."""
    _check_layout(layout)
    _check_int("n_in", n_in, 1)
    _check_int("n_out", n_out, 1)
    _check_int("m", m, 1)
    if kind not in KINDS:
        raise ValueError(f"kind must be one of 'binary', 'onehot', 'real'; got {kind!r}")
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((m, n_in))
    scores = X @ rng.standard_normal((n_in, n_out))
    if kind == "binary":
        Y = (scores > 0).astype(np.float64)
    elif kind == "onehot":
        Y = np.eye(n_out)[scores.argmax(axis=1)]
    else:
        Y = scores + rng.normal(0.0, 0.1, scores.shape)
    return _arrange(X, Y, layout)


def load(path):
    """A float64 2-D array from a .csv or .npy file; a 1-D array becomes one column."""
    suffix = Path(path).suffix.lower()
    if suffix not in EXTENSIONS:
        raise ValueError(f"{path}: expected a '.csv' or '.npy' file, got {suffix or 'no extension'!r}")
    if not Path(path).is_file():
        raise FileNotFoundError(f"{path}: no such file")
    data = _load_npy(path) if suffix == ".npy" else _load_csv(path)
    return data.reshape(-1, 1) if data.ndim == 1 else data


def _load_npy(path):
    try:
        data = np.load(path, allow_pickle=False)
    except EOFError:
        raise ValueError(f"{path}: the file is empty, expected a NumPy array") from None
    except ValueError as error:
        if "allow_pickle" in str(error):
            raise ValueError(f"{path}: expected a numeric array, got an object (pickled) array") from None
        raise ValueError(f"{path}: expected a .npy array file, could not read it ({error})") from None
    if not isinstance(data, np.ndarray):  # a .npz archive under a .npy name
        data.close()
        raise ValueError(f"{path}: expected a single .npy array, got an .npz archive")
    if data.dtype.kind not in "biuf":
        raise ValueError(f"{path}: expected a numeric array, got dtype {data.dtype}")
    if data.ndim not in (1, 2):
        raise ValueError(f"{path}: expected a 1-D or 2-D array, got shape {data.shape}")
    if data.size == 0:
        raise ValueError(f"{path}: expected some numbers, got an empty array of shape {data.shape}")
    return data.astype(np.float64)


def _is_number(cell):
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _load_csv(path):
    """NumPy's reader when the file is a plain table of numbers; otherwise the cell-by-cell reader says what is wrong."""
    header = _header_lines(path)
    if header is not None:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                return np.loadtxt(path, dtype=np.float64, delimiter=",", comments=None, quotechar='"',
                                  skiprows=header, ndmin=2, encoding="utf-8-sig")
        except (ValueError, UnicodeError, Warning):
            pass
    return _load_csv_by_cell(path)


def _header_lines(path):
    """How many lines precede the numbers (blank lines and a header), or None when no line of numbers follows."""
    import csv  # here and in _load_csv_by_cell: only CSV files need it, and the app starts without
    try:
        with open(path, newline="", encoding="utf-8-sig") as file:
            reader = csv.reader(file)
            for row in reader:
                if any(cell.strip() for cell in row):
                    if any(_is_number(cell) for cell in row):
                        return reader.line_num - 1
                    return reader.line_num  # a header: no cell of it is a number
    except (UnicodeError, csv.Error):
        return None
    return None


def _load_csv_by_cell(path):
    import csv
    try:
        with open(path, newline="", encoding="utf-8-sig") as file:
            reader = csv.reader(file)
            rows = [(reader.line_num, row) for row in reader if any(cell.strip() for cell in row)]
    except UnicodeDecodeError:
        raise ValueError(f"{path}: expected a UTF-8 text file, got undecodable bytes") from None
    if rows and not any(_is_number(cell) for cell in rows[0][1]):
        rows = rows[1:]  # a header: no cell of it is a number
        if not rows:
            raise ValueError(f"{path}: expected rows of numbers, got only a header line")
    if not rows:
        raise ValueError(f"{path}: the file is empty, expected rows of comma-separated numbers")
    first_line, first = rows[0]
    data = []
    for line, cells in rows:
        if len(cells) != len(first):
            raise ValueError(
                f"{path}: row {line} has {len(cells)} values but row {first_line} has {len(first)}"
            )
        for column, cell in enumerate(cells, start=1):
            if not _is_number(cell):
                raise ValueError(f"{path}: line {line}, column {column}: {cell.strip()!r} is not a number")
        data.append([float(cell) for cell in cells])
    return np.array(data, dtype=np.float64)


# ---- data as the app uses it: named, fitted to the sizes, one-hot, in mini-batches ----------------------------

NAMED = ("question", "xor", "spirals", "words")
HIDDEN = {"question": (3,), "xor": (3,), "spirals": (16,), "words": (27,)}  # hidden sizes when the sizes follow
WORDS = Path(__file__).with_name("data") / "words.txt"  # 756 English words and names, one a line, a to z only
SYMBOLS = ".abcdefghijklmnopqrstuvwxyz"  # the 27-symbol vocabulary: "." starts and ends every word
CONTEXT = 3  # characters of context, as makemore's MLP reads them
SYNTHETIC_M = 4  # examples in synthetic data, unless a batch asks for more


class Data:
    """A dataset with examples as rows, and the name the app shows for it ("question", "X.csv", "synthetic 5→2")."""

    __slots__ = ("name", "X", "Y")

    def __init__(self, name: str, X: np.ndarray, Y: np.ndarray):
        self.name, self.X, self.Y = name, X, Y

    @property
    def m(self) -> int:
        return self.X.shape[0]

    @property
    def n_in(self) -> int:
        return self.X.shape[1]

    @property
    def n_out(self) -> int:
        return self.Y.shape[1]

    def fits(self, sizes) -> bool:
        return sizes[0] == self.n_in and sizes[-1] == self.n_out

    def sizes(self, hidden=(3,)) -> tuple[int, ...]:
        """Layer sizes whose inputs and outputs are this data's."""
        return (self.n_in, *hidden, self.n_out)

    def describe(self) -> str:
        return f"{self.name} ({self.n_in} input{'s' * (self.n_in != 1)}, {self.n_out} output{'s' * (self.n_out != 1)})"


def named(name: str, seed: int = 0) -> Data:
    """One of the built-in datasets, examples as rows."""
    if name == "question":
        return Data("question", *question())
    if name == "xor":
        return Data("xor", *xor())
    if name == "spirals":
        return Data("spirals", *spirals(n_classes=3, m=300, seed=seed))
    if name == "words":
        return words()
    raise ValueError(f"unknown dataset {name!r}; expected one of {', '.join(NAMED)}")


def read_words(path) -> list[str]:
    """The words of a text file, one a line, in a to z; a ValueError naming the line of anything else."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file")
    raw = path.read_bytes()
    nul = raw.find(b"\0")
    if nul >= 0:
        raise ValueError(f"{path}: binary content (a NUL byte at offset {nul}); expected a text file of words, "
                         "one a line")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw[:e.start].count(b"\n") + 1
        raise ValueError(f"{path}: line {line} is not UTF-8 text; expected a text file of words, one a line") from None
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        word = line.strip()
        if not word:
            continue
        outside = next((ch for ch in word if ch not in SYMBOLS[1:]), None)
        if outside is not None:
            hint = f"; write it in lower case, {word.lower()!r}" if word.lower() != word else ""
            raise ValueError(f"{path}: line {number}, {word!r}: {outside!r} is outside the vocabulary of the 26 "
                             f"letters a to z (and '.', which ends a word){hint}")
        found.append(word)
    if not found:
        raise ValueError(f"{path}: the file holds no words; expected words of a to z, one a line")
    return found


def word_examples(words: list[str], context: int = CONTEXT) -> tuple[np.ndarray, np.ndarray]:
    """makemore's examples: each character of each word (and the "." that ends it) with the ids of the `context`
    characters before it. X (m, context) holds ids 0 to 26, as integers; Y (m, 27) the next character, one-hot."""
    X, labels = [], []
    for word in words:
        window = [0] * context
        for ch in word + ".":
            ix = SYMBOLS.index(ch)
            X.append(window)
            labels.append(ix)
            window = window[1:] + [ix]
    return np.array(X, dtype=np.int64), np.eye(len(SYMBOLS))[labels]


def words(path=None) -> Data:
    """The words shipped with stepprop, or a word list of the user's own, as next-character examples."""
    if path is None:
        return Data("words", *_shipped_words())
    return Data(Path(path).name, *word_examples(read_words(path)))


@functools.cache
def _shipped_words() -> tuple[np.ndarray, np.ndarray]:
    """The shipped list's examples, made once: every edit of a network on words would otherwise make them again."""
    X, Y = word_examples(read_words(WORDS))
    X.setflags(write=False)
    Y.setflags(write=False)
    return X, Y


def from_files(x_path, y_path) -> Data:
    """X and Y from two files with one example per row; named after the X file."""
    X, Y = load(x_path), load(y_path)
    if X.shape[0] != Y.shape[0]:
        raise ValueError(f"{x_path} has {X.shape[0]} rows but {y_path} has {Y.shape[0]}; "
                         "expected one row per example in both")
    return Data(Path(x_path).name, X, Y)


def synthetic_data(n_in: int, n_out: int, output: str, m: int = SYNTHETIC_M, seed: int = 0) -> Data:
    """Seeded synthetic data whose labels suit the output activation."""
    kind = {"softmax": "onehot", "identity": "real"}.get(output, "binary")
    return Data(f"synthetic {n_in}→{n_out}", *synthetic(n_in, n_out, m, seed=seed, kind=kind))


def class_labels(Y: np.ndarray) -> np.ndarray | None:
    """One column of whole numbers 0..k-1 with k >= 2, as integers; None when Y is anything else."""
    if Y.ndim != 2 or Y.shape[1] != 1:
        return None
    labels = Y[:, 0]
    if not np.all(labels == np.round(labels)) or labels.min() < 0 or labels.max() < 1:
        return None
    return labels.astype(np.intp)


def one_hot(labels: np.ndarray, n_classes: int | None = None) -> np.ndarray:
    """Whole-number class labels as one-hot rows: 2 of 3 classes becomes [0, 0, 1]."""
    labels = np.asarray(labels)
    if labels.ndim != 1 or labels.size == 0 or np.any(labels < 0) or np.any(labels != np.round(labels)):
        raise ValueError(f"expected a non-empty 1-D array of whole-number class labels >= 0; got {labels!r}")
    n = int(labels.max()) + 1 if n_classes is None else n_classes
    if labels.max() >= n:
        raise ValueError(f"label {int(labels.max())} needs at least {int(labels.max()) + 1} classes; got {n}")
    return np.eye(n)[labels.astype(np.intp)]


def for_output(data: Data, output: str) -> Data:
    """Softmax needs one-hot targets: one column of class labels 0, 1, 2, ... becomes one-hot."""
    if output != "softmax":
        return data
    labels = class_labels(data.Y)
    if labels is None:
        return data
    return Data(data.name, data.X, one_hot(labels))


class Batches:
    """Seeded, shuffled mini-batches: each epoch is a fresh permutation of the examples, cut into batches.

    batch(step) is the same for the same step and seed, so stepping back and forth is reproducible.
    """

    def __init__(self, X: np.ndarray, Y: np.ndarray, size: int | None, seed: int = 0, example_axis: int = 0):
        m = X.shape[example_axis]
        if size is not None and not (is_whole(size, 1) and size <= m):
            raise ValueError(f"batch: expected a whole number from 1 to {m} (the examples in the data); got {size!r}")
        self.X, self.Y, self.seed, self.axis = X, Y, seed, example_axis
        self.m = m
        self.size = m if size is None else int(size)
        self.per_epoch = self.m // self.size  # whole batches per epoch; a remainder waits for the next shuffle

    @property
    def shuffled(self) -> bool:
        return self.size < self.m

    def indices(self, step: int) -> np.ndarray:
        epoch, k = divmod(step, self.per_epoch)
        order = np.random.default_rng([self.seed, epoch]).permutation(self.m)
        return np.sort(order[k * self.size:(k + 1) * self.size])

    def batch(self, step: int) -> tuple[np.ndarray, np.ndarray]:
        if not self.shuffled:
            return self.X, self.Y
        i = self.indices(step)
        return (np.ascontiguousarray(np.take(self.X, i, axis=self.axis)),
                np.ascontiguousarray(np.take(self.Y, i, axis=self.axis)))
