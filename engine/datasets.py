"""Datasets: the question's data, xor, spirals, synthetic data, words, sequences, the shapes images, and loading
.csv/.npy files and images from .npz."""

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


SHAPE_CLASSES = ("horizontal bar", "vertical bar", "cross", "square")
IMAGE_LAYOUTS = ("rows", "channels_last")


def _image_layout(X, layout):
    """Images (m, C, H, W) laid out as the network reads them: as they are, or with the channels last."""
    if layout not in IMAGE_LAYOUTS:
        raise ValueError(f"layout must be one of 'rows', 'channels_last' for images; got {layout!r}")
    return X if layout == "rows" else np.ascontiguousarray(X.transpose(0, 2, 3, 1))


def shapes(m=200, seed=0, noise=0.1, layout="rows"):
    """8×8 one-channel images of a horizontal bar, a vertical bar, a cross or a square outline (the classes 0 to 3,
    in turn, shuffled), each at a seeded place and size, with Gaussian noise; X (m, 1, 8, 8) in the rows layout or
    (m, 8, 8, 1) with channels last, and one-hot Y (m, 4)."""
    _check_int("m", m, 1)
    if not noise >= 0:
        raise ValueError(f"noise must be a number >= 0, got {noise!r}")
    rng = np.random.default_rng(seed)
    labels = rng.permutation(np.arange(m) % len(SHAPE_CLASSES))
    X = np.zeros((m, 8, 8))
    for image, label in zip(X, labels):
        if label in (0, 1):  # a bar 4 to 7 pixels long
            length = rng.integers(4, 8)
            row, start = rng.integers(0, 8), rng.integers(0, 9 - length)
            bar = image if label == 0 else image.T
            bar[row, start:start + length] = 1.0
        elif label == 2:  # a cross with arms of 1 or 2 pixels
            arm = rng.integers(1, 3)
            r, c = rng.integers(arm, 8 - arm, size=2)
            image[r, c - arm:c + arm + 1] = 1.0
            image[r - arm:r + arm + 1, c] = 1.0
        else:  # the outline of a square of side 3 to 5
            side = rng.integers(3, 6)
            r, c = rng.integers(0, 9 - side, size=2)
            image[r:r + side, c:c + side] = 1.0
            image[r + 1:r + side - 1, c + 1:c + side - 1] = 0.0
    X += rng.normal(0.0, noise, X.shape)
    return _image_layout(X[:, None], layout), np.eye(len(SHAPE_CLASSES))[labels]


def load_images(path, layout="rows", n_classes=None):
    """Images and labels from an .npz file holding X (m, C, H, W) or (m, H, W, C) and integer labels y (m,).

    Which axis holds the channels is read from the sizes: the channels are the axis of at most 4 beside the image's
    sides. X comes back in `layout` as float64, and y one-hot, with n_classes columns (by default the largest
    label + 1).
    """
    path = Path(path)
    if path.suffix.lower() != ".npz":
        raise ValueError(f"{path}: expected an '.npz' file holding X and y, got {path.suffix or 'no extension'!r}")
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file")
    try:
        archive = np.load(path, allow_pickle=False)
    except (ValueError, OSError, EOFError) as error:
        raise ValueError(f"{path}: expected an .npz archive of arrays, could not read it ({error})") from None
    if not hasattr(archive, "files"):
        raise ValueError(f"{path}: expected an .npz archive holding X and y, got a single array")
    with archive:
        held = ", ".join(archive.files) or "nothing"
        for name, what in (("X", "the images, (m, C, H, W) or (m, H, W, C)"), ("y", "the integer labels, (m,)")):
            if name not in archive.files:
                raise ValueError(f"{path}: no array {name!r} ({what}); the file holds {held}")
        try:
            X, y = archive["X"], archive["y"]
        except ValueError:
            raise ValueError(f"{path}: expected numeric arrays X and y, got an object (pickled) array") from None
    if X.dtype.kind not in "biuf":
        raise ValueError(f"{path}: X must hold numbers, got dtype {X.dtype}")
    if X.ndim != 4:
        raise ValueError(f"{path}: X has shape {X.shape}, {X.ndim} dimension{'s' * (X.ndim != 1)}; expected 4, "
                         "(m, C, H, W) or (m, H, W, C)")
    if X.shape[0] == 0:
        raise ValueError(f"{path}: X has shape {X.shape}: no examples")
    first, last = X.shape[1] <= 4 < min(X.shape[2:]), X.shape[3] <= 4 < min(X.shape[1:3])
    if first == last:
        raise ValueError(f"{path}: X has shape {X.shape}, and the channels (at most 4) are not told apart from the "
                         "image's sides; expected (m, C, H, W) or (m, H, W, C) with C <= 4 < H, W")
    X = X.astype(np.float64) if first else np.ascontiguousarray(X.astype(np.float64).transpose(0, 3, 1, 2))
    if y.ndim != 1 or y.shape[0] != X.shape[0]:
        raise ValueError(f"{path}: y has shape {y.shape}; expected one label per image, ({X.shape[0]},)")
    if y.dtype.kind not in "biuf" or not np.all(y == np.round(y)):
        raise ValueError(f"{path}: y must hold whole-number class labels 0, 1, 2, ...; got dtype {y.dtype}")
    k = int(y.max()) + 1 if n_classes is None else n_classes
    outside = np.flatnonzero((y < 0) | (y >= k))
    if outside.size:
        i = int(outside[0])
        raise ValueError(f"{path}: y[{i}] = {y[i]:g} is out of range; labels must be 0 to {k - 1}"
                         + (f" for {k} classes" if n_classes is not None else ""))
    return _image_layout(X, layout), np.eye(k)[y.astype(np.intp)]


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

NAMED = ("question", "xor", "spirals", "words", "shapes", "remember", "reverse", "sort")
SEQUENCES = ("remember", "reverse", "sort")  # sequences whatever the network; words are sequences for a sequence stack
HIDDEN = {"question": (3,), "xor": (3,), "spirals": (16,), "words": (27,)}  # hidden sizes when the sizes follow
WORDS = Path(__file__).with_name("data") / "words.txt"  # 756 English words and names, one a line, a to z only
SYMBOLS = ".abcdefghijklmnopqrstuvwxyz"  # the 27-symbol vocabulary: "." starts and ends every word
CONTEXT = 3  # characters of context, as makemore's MLP reads them
SYNTHETIC_M = 4  # examples in synthetic data, unless a batch asks for more


class Data:
    """A dataset with examples as rows, and the name the app shows for it ("question", "X.csv", "synthetic 5→2")."""

    __slots__ = ("name", "X", "Y", "last")

    def __init__(self, name: str, X: np.ndarray, Y: np.ndarray, last: bool = False):
        self.name, self.X, self.Y = name, X, Y
        self.last = last  # sequences with one target each, the last step's: (m, V) for a many-to-one network

    def at_last_step(self) -> "Data":
        """Sequences answered once, at their last step: the same X, and each sequence's last target alone."""
        return Data(self.name, self.X, self.Y[:, -1, :], last=True) if self.Y.ndim == 3 else self

    @property
    def m(self) -> int:
        return self.X.shape[0]

    @property
    def n_in(self) -> int:
        """Inputs per example: an image's C·H·W numbers, as the network counts them."""
        return int(np.prod(self.X.shape[1:]))

    @property
    def image(self) -> tuple[int, ...] | None:
        """(C, H, W) for images (m, C, H, W); None for rows of features."""
        return tuple(self.X.shape[1:]) if self.X.ndim == 4 else None

    @property
    def sequence(self) -> tuple[int, ...] | None:
        """(T, D) for sequences (m, T, D), (T,) for sequences of ids (m, T): data with a target at every time step,
        or at the last step alone."""
        return tuple(self.X.shape[1:]) if self.Y.ndim == 3 or self.last else None

    @property
    def inputs(self) -> int | tuple[int, ...]:
        """One example's shape as a network's inputs= takes it: an image's or a sequence's, else its count."""
        return self.image or self.sequence or self.n_in

    @property
    def n_out(self) -> int:
        """Outputs per example, or per time step of a sequence."""
        return self.Y.shape[-1]

    def fits(self, sizes) -> bool:
        return sizes[0] == self.n_in and sizes[-1] == self.n_out

    def sizes(self, hidden=(3,)) -> tuple[int, ...]:
        """Layer sizes whose inputs and outputs are this data's."""
        return (self.n_in, *hidden, self.n_out)

    def describe(self) -> str:
        if self.sequence:
            what = "ids" if len(self.sequence) == 1 else "steps of"
            inputs = f"sequences of {self.sequence[0]} {what}{f' {self.sequence[1]}' if len(self.sequence) > 1 else ''}"
            when = "the last step" if self.last else "every step"
            return f"{self.name} ({inputs}, {self.n_out} output{'s' * (self.n_out != 1)} at {when})"
        inputs = f"images {self.image}" if self.image else f"{self.n_in} input{'s' * (self.n_in != 1)}"
        return f"{self.name} ({inputs}, {self.n_out} output{'s' * (self.n_out != 1)})"


def named(name: str, seed: int = 0, sequences: bool = False, T: int | None = None) -> Data:
    """One of the built-in datasets, examples as rows. With `sequences`, words are read as sequences of characters,
    the next one at every position; T, when given, is how long the sequences are."""
    if name == "words" and sequences:
        return Data("words", *word_sequences(read_words(WORDS), T or SEQUENCE_T))
    if name == "remember":
        return Data("remember", *remember(T=T or SEQUENCE_T, seed=seed))
    if name in SEQUENCE_TASKS:
        return Data(name, *symbol_task(name, m=256, T=T or SYMBOL_T, seed=seed))
    if name == "question":
        return Data("question", *question())
    if name == "xor":
        return Data("xor", *xor())
    if name == "spirals":
        return Data("spirals", *spirals(n_classes=3, m=300, seed=seed))
    if name == "words":
        return words()
    if name == "shapes":
        return Data("shapes", *shapes(m=200, seed=seed))
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
    return Data(data.name, data.X, one_hot(labels), data.last)


def laid_out(X: np.ndarray, Y: np.ndarray, layout) -> tuple[np.ndarray, np.ndarray]:
    """Data of examples as rows, laid out as the network's layout (engine.layouts.Layout) reads it: images with their
    channels last (the labels stay rows); in columns the features first, (n, m), or a sequence's (D, m, T) as
    deeplearning.ai writes (n_x, m, T_x)."""
    if layout.images:
        return np.ascontiguousarray(np.moveaxis(X, 1, -1)), Y
    if layout.example_axis == 0:
        return X, Y
    return np.ascontiguousarray(np.moveaxis(X, -1, 0)), np.ascontiguousarray(np.moveaxis(Y, -1, 0))


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


# ---- sequences: every position scored, for rnn and lstm --------------------------------------------------------

SEQUENCE_T = 16  # time steps of a sequence unless told otherwise


def _sequence_layout(X: np.ndarray, Y: np.ndarray, layout: str) -> tuple[np.ndarray, np.ndarray]:
    """(m, T, n) as CS231n, or (n, m, T) as deeplearning.ai; ids (m, T) stay as they are, for an embedding."""
    _check_layout(layout)
    if layout == "rows":
        return X, Y
    return (X if X.ndim == 2 else X.transpose(2, 0, 1)), Y.transpose(2, 0, 1)


def word_sequences(words: list[str], T: int = SEQUENCE_T) -> tuple[np.ndarray, np.ndarray]:
    """Each word as one sequence, the next character at every position: ".emma" reads X and "emma." is Y.

    X (m, T) holds ids 0 to 26 (27 symbols, "." first); Y (m, T, 27) the next character, one-hot. A shorter word
    is padded with ".", which then predicts "." (the sequence has ended); a longer one keeps its first T characters.
    """
    _check_int("T", T, 1)
    X = np.zeros((len(words), T), dtype=np.int64)
    labels = np.zeros((len(words), T), dtype=np.int64)
    for k, word in enumerate(words):
        ids = [SYMBOLS.index(ch) for ch in word]
        read, next_ = ([0] + ids)[:T], (ids + [0])[:T]
        X[k, :len(read)] = read
        labels[k, :len(next_)] = next_
    return X, np.eye(len(SYMBOLS))[labels]


def text_sequences(path, T: int = SEQUENCE_T) -> tuple[np.ndarray, np.ndarray, str]:
    """The user's own text file as sequences, as min-char-rnn reads it: consecutive pieces of T + 1 characters, each
    character predicting the next. Returns X (m, T) ids, Y (m, T, V) one-hot, and the V characters in id order."""
    _check_int("T", T, 1)
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file")
    raw = path.read_bytes()
    nul = raw.find(b"\0")
    if nul >= 0:
        raise ValueError(f"{path}: binary content (a NUL byte at offset {nul}); expected a text file")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw[:e.start].count(b"\n") + 1
        raise ValueError(f"{path}: line {line} is not UTF-8 text; expected a text file") from None
    m = (len(text) - 1) // T
    if m < 1:
        raise ValueError(f"{path}: {len(text)} characters; sequences of T = {T} need at least {T + 1}")
    chars = "".join(sorted(set(text)))
    ids = np.array([chars.index(ch) for ch in text[:m * T + 1]])
    X = np.stack([ids[k * T:(k + 1) * T] for k in range(m)])
    labels = np.stack([ids[k * T + 1:(k + 1) * T + 1] for k in range(m)])
    return X, np.eye(len(chars))[labels], chars


def remember(T: int = SEQUENCE_T, symbols: int = 4, m: int = 64, noise: float = 2.0, seed: int = 0,
             layout: str = "rows") -> tuple[np.ndarray, np.ndarray]:
    """"Remember the first symbol": a one-hot symbol at t = 0, then T − 1 steps of Gaussian noise (std `noise`),
    and at the last step the answer, that first symbol. Before it the targets are uniform, "no answer yet".

    X (m, T, symbols) and Y (m, T, symbols) in rows. What reaches the first step from the answer has come back
    through every step: an RNN's tanh saturates on the noise and its gradient vanishes; an LSTM's cell carries it.
    """
    _check_int("T", T, 2)
    _check_int("symbols", symbols, 2)
    _check_int("m", m, 1)
    if not (isinstance(noise, (int, float)) and np.isfinite(noise) and noise >= 0):
        raise ValueError(f"noise must be a number >= 0; got {noise!r}")
    rng = np.random.default_rng(seed)
    first = rng.integers(0, symbols, m)
    X = rng.normal(0.0, noise, (m, T, symbols))
    X[:, 0, :] = np.eye(symbols)[first]
    Y = np.full((m, T, symbols), 1.0 / symbols)
    Y[:, -1, :] = np.eye(symbols)[first]
    return _sequence_layout(X, Y, layout)
# ---- sequences: symbol tasks and a character-level language model, ids (m, T) with targets (m, T, V) ---------

ALPHABET = SYMBOLS  # makemore's 27 symbols: "." starts and ends every word
SEQUENCE_TASKS = ("reverse", "sort")
SYMBOL_T = 6  # symbols of a reverse or sort task unless told otherwise


def symbol_task(kind: str = "reverse", m: int = 64, T: int = 6, symbols: int = 10, seed: int = 0):
    """m random sequences of T symbols (ids 0..symbols-1) and, at every position, the symbol the reversed or sorted
    sequence has there: X (m, T) of ids, Y (m, T, symbols) one-hot. Each output position must look at the whole
    input, so the attention here is not causal."""
    if kind not in SEQUENCE_TASKS:
        raise ValueError(f"kind must be one of {', '.join(SEQUENCE_TASKS)}; got {kind!r}")
    _check_int("m", m, 1)
    _check_int("T", T, 2)
    _check_int("symbols", symbols, 2)
    X = np.random.default_rng(seed).integers(0, symbols, (m, T))
    target = X[:, ::-1] if kind == "reverse" else np.sort(X, axis=1)
    return X, np.eye(symbols)[target]


def char_sequences(words, T: int = 8):
    """A character-level language model's view of a word list: for ".emma.", the input ".emma" and, at every
    position, the next character "emma.", each cut or padded with "." to T characters. X (m, T) of ids into
    ALPHABET, Y (m, T, 27) one-hot; with a causal mask, position t sees only characters 0..t."""
    _check_int("T", T, 2)
    words = [w.strip().lower() for w in words]
    bad = next((w for w in words if not w or set(w) - set(ALPHABET[1:])), None)
    if bad is not None:
        raise ValueError(f"words must be lowercase letters a-z; got {bad!r}")
    return word_sequences(words, T)
