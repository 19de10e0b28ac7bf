"""Image data: the seeded shapes dataset, and the user's own images from an .npz file with clear refusals."""

import numpy as np
import pytest

from engine import Network, datasets

CONVNET = "conv 4 3 pad 1, relu, maxpool 2, flatten, linear 4, softmax"


def test_shapes_are_seeded_balanced_images_in_both_layouts():
    X, Y = datasets.shapes(m=40, seed=3)
    assert X.shape == (40, 1, 8, 8) and Y.shape == (40, 4)
    assert np.array_equal(Y.sum(axis=0), [10, 10, 10, 10])
    again, _ = datasets.shapes(m=40, seed=3)
    assert np.array_equal(X, again)
    assert not np.array_equal(X, datasets.shapes(m=40, seed=4)[0])
    last, Y_last = datasets.shapes(m=40, seed=3, layout="channels_last")
    assert last.shape == (40, 8, 8, 1)
    assert np.array_equal(last[..., 0], X[:, 0]) and np.array_equal(Y_last, Y)


def test_each_class_is_drawn_as_its_shape():
    X, Y = datasets.shapes(m=80, seed=0, noise=0.0)
    for image, label in zip(X[:, 0], Y.argmax(axis=1)):
        rows, cols = np.nonzero(image)
        if label == 0:  # horizontal bar
            assert len(set(rows)) == 1 and len(cols) >= 4
        elif label == 1:  # vertical bar
            assert len(set(cols)) == 1 and len(rows) >= 4
        elif label == 2:  # cross: one full row and one full column through its centre
            assert image.sum() in (5, 9)
        else:  # the outline of a square: its corners are set, its inside is empty
            r0, r1, c0, c1 = rows.min(), rows.max(), cols.min(), cols.max()
            assert r1 - r0 == c1 - c0 >= 2
            assert image[r0, c0] == image[r1, c1] == 1 and image[r0 + 1:r1, c0 + 1:c1].sum() == 0


def test_noise_is_what_it_says():
    X, _ = datasets.shapes(m=400, seed=0, noise=0.1)
    clean, _ = datasets.shapes(m=400, seed=0, noise=0.0)
    assert abs(np.std(X - clean) - 0.1) < 0.005
    with pytest.raises(ValueError, match="noise must be a number >= 0"):
        datasets.shapes(noise=-1)


@pytest.mark.parametrize("layout", ("rows", "channels_last"))
def test_the_small_convnet_learns_the_shapes(layout):
    X, Y = datasets.shapes(m=64, seed=0, layout=layout)
    net = Network(inputs=(1, 8, 8), layers=CONVNET, loss="ce", layout=layout, init="he")
    before = net.loss(X, Y)
    after = net.train(X, Y, lr=0.5, steps=150)
    assert after < 0.5 * before
    predicted = np.argmax([e.value for e in net.step(X, Y) if e.name == "A2"][0], axis=1)
    assert np.mean(predicted == Y.argmax(axis=1)) > 0.9


def save(tmp_path, **arrays):
    path = tmp_path / "images.npz"
    np.savez(path, **arrays)
    return path


@pytest.mark.parametrize("order", ("rows", "channels_last"))
@pytest.mark.parametrize("layout", ("rows", "channels_last"))
def test_own_images_load_in_either_order_into_either_layout(tmp_path, order, layout):
    X = np.random.default_rng(0).normal(size=(5, 3, 8, 6))
    y = np.array([0, 2, 1, 2, 0])
    stored = X if order == "rows" else X.transpose(0, 2, 3, 1)
    got, Y = datasets.load_images(save(tmp_path, X=stored, y=y), layout=layout)
    assert np.array_equal(got, X if layout == "rows" else X.transpose(0, 2, 3, 1))
    assert np.array_equal(Y, np.eye(3)[y])


@pytest.mark.parametrize("arrays, message", [
    (dict(X=np.zeros((2, 1, 8, 8))), "no array 'y' (the integer labels, (m,)); the file holds X"),
    (dict(images=np.zeros((2, 1, 8, 8)), y=np.zeros(2)), "no array 'X' (the images, (m, C, H, W) or (m, H, W, C)); "
                                                          "the file holds images, y"),
    (dict(X=np.zeros((2, 64)), y=np.zeros(2)), "X has shape (2, 64), 2 dimensions; expected 4, (m, C, H, W) or "
                                               "(m, H, W, C)"),
    (dict(X=np.zeros((2, 8, 8)), y=np.zeros(2)), "X has shape (2, 8, 8), 3 dimensions; expected 4"),
    (dict(X=np.zeros((2, 3, 8, 3)), y=np.zeros(2)), "the channels (at most 4) are not told apart"),
    (dict(X=np.zeros((2, 1, 8, 8)), y=np.array([0, -1])), "y[1] = -1 is out of range; labels must be 0 to 0"),
    (dict(X=np.zeros((2, 1, 8, 8)), y=np.array([0.0, 1.5])), "y must hold whole-number class labels"),
    (dict(X=np.zeros((2, 1, 8, 8)), y=np.array([0, 1, 1])), "y has shape (3,); expected one label per image, (2,)"),
])
def test_bad_files_say_what_is_wrong(tmp_path, arrays, message):
    with pytest.raises(ValueError) as e:
        datasets.load_images(save(tmp_path, **arrays))
    assert message in str(e.value)


def test_labels_past_the_classes_asked_for_are_refused(tmp_path):
    path = save(tmp_path, X=np.zeros((3, 1, 8, 8)), y=np.array([0, 4, 1]))
    with pytest.raises(ValueError, match=r"y\[1\] = 4 is out of range; labels must be 0 to 3 for 4 classes"):
        datasets.load_images(path, n_classes=4)


def test_files_that_are_not_an_npz_archive(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such file"):
        datasets.load_images(tmp_path / "missing.npz")
    with pytest.raises(ValueError, match="expected an '.npz' file holding X and y"):
        datasets.load_images(tmp_path / "images.npy")
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"not a zip")
    with pytest.raises(ValueError, match="expected an .npz archive"):
        datasets.load_images(bad)


@pytest.mark.parametrize("layout", ("rows", "channels_last"))
def test_the_small_convnet_preset_opens_with_its_data(layout):
    from engine.presets import preset
    net, X, Y = preset("small convnet on shapes", layout=layout, m=8)
    assert net.layers == CONVNET and net.layout_name == layout
    assert X.shape == ((8, 1, 8, 8) if layout == "rows" else (8, 8, 8, 1)) and Y.shape == (8, 4)
    assert np.isfinite(net.loss(X, Y))
    with pytest.raises(ValueError, match="unknown preset 'big'; the presets are 'question 4-3-3', .*'small convnet on shapes'"):
        preset("big")
