"""Seeded toy data sets and data utilities."""

import numpy as np
import pytest

from mlcore import data

GENERATORS = {
    "xor": (lambda **kw: data.xor(**kw), {0, 1}),
    "moons": (lambda **kw: data.moons(**kw), {0, 1}),
    "spirals": (lambda **kw: data.spirals(**kw), {0, 1, 2}),
    "spirals5": (lambda **kw: data.spirals(classes=5, **kw), {0, 1, 2, 3, 4}),
    "circles": (lambda **kw: data.circles(**kw), {0, 1}),
    "flight_delay": (lambda **kw: data.flight_delay(**kw), {0, 1}),
}


@pytest.mark.parametrize("name", list(GENERATORS))
@pytest.mark.parametrize("n", [10, 101])
def test_classification_sets_shapes_dtypes_and_labels(name, n):
    make, labels = GENERATORS[name]
    X, y = make(n=n)
    assert X.shape == (n, 2) and X.dtype == np.float64
    assert y.shape == (n,) and np.issubdtype(y.dtype, np.integer)
    assert set(np.unique(y)) <= labels
    assert np.all(np.isfinite(X))


@pytest.mark.parametrize("name", [k for k in GENERATORS if k != "flight_delay"])
def test_classification_sets_use_every_label(name):
    make, labels = GENERATORS[name]
    _, y = make(n=200)
    assert set(np.unique(y)) == labels


def test_flight_delay_has_both_classes_and_plausible_ranges():
    X, y = data.flight_delay(n=2000)
    assert set(np.unique(y)) == {0, 1}
    assert X[:, 0].min() >= -25 and X[:, 0].max() <= 95        # temperature, deg F
    assert X[:, 1].min() >= 0 and X[:, 1].max() <= 70          # wind speed, mph
    cold_and_windy = (X[:, 0] < 10) & (X[:, 1] > 40)
    mild_and_calm = (X[:, 0] > 50) & (X[:, 1] < 10)
    assert y[cold_and_windy].mean() > y[mild_and_calm].mean()


@pytest.mark.parametrize("name", list(GENERATORS))
def test_same_seed_same_data_different_seed_different_data(name):
    make, _ = GENERATORS[name]
    X1, y1 = make(n=50, rng=3)
    X2, y2 = make(n=50, rng=3)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    X3, _ = make(n=50, rng=4)
    assert not np.array_equal(X1, X3)
    # None means seed 0: reproducible by default
    np.testing.assert_array_equal(make(n=50)[0], make(n=50, rng=0)[0])
    np.testing.assert_array_equal(make(n=50)[0], make(n=50, rng=np.random.default_rng(0))[0])


def test_xor_without_noise_is_the_truth_table():
    X, y = data.xor(n=4, noise=0)
    np.testing.assert_array_equal(X, [[0, 0], [0, 1], [1, 0], [1, 1]])
    np.testing.assert_array_equal(y, [0, 1, 1, 0])
    for (a, b), label in zip(X, y):
        assert label == (int(a) ^ int(b))


def test_xor_blobs_sit_at_the_corners():
    X, y = data.xor(n=400, noise=0.1)
    corners = np.round(X).clip(0, 1)
    np.testing.assert_array_equal(y, (corners[:, 0] != corners[:, 1]).astype(int))


def test_circles_inner_radius_is_the_factor():
    X, y = data.circles(n=200, noise=0.0, factor=0.3)
    r = np.hypot(X[:, 0], X[:, 1])
    np.testing.assert_allclose(r[y == 0], 1.0, rtol=1e-12)
    np.testing.assert_allclose(r[y == 1], 0.3, rtol=1e-12)


def test_regression_1d():
    X, y = data.regression_1d(n=50, noise=0.0, x_range=(-2.0, 2.0))
    assert X.shape == (50, 1) and y.shape == (50,) and y.dtype == np.float64
    assert np.all(np.diff(X[:, 0]) >= 0) and X.min() >= -2 and X.max() <= 2
    np.testing.assert_allclose(y, np.sin(X[:, 0]) + 0.3 * X[:, 0], rtol=1e-14)
    np.testing.assert_array_equal(data.regression_1d(n=20, rng=1)[1], data.regression_1d(n=20, rng=1)[1])


def test_one_hot():
    out = data.one_hot(np.array([2, 0, 1, 2]))
    np.testing.assert_array_equal(out, [[0, 0, 1], [1, 0, 0], [0, 1, 0], [0, 0, 1]])
    assert out.dtype == np.float64
    assert data.one_hot([1, 0], num_classes=4).shape == (2, 4)
    np.testing.assert_array_equal(data.one_hot([1, 0], num_classes=4).argmax(axis=1), [1, 0])


def test_standardize_uses_training_statistics_only():
    X_train = np.array([[1.0, 10.0], [3.0, 30.0], [5.0, 20.0]])
    X_test = np.array([[3.0, 20.0], [7.0, 0.0]])
    Z_train, Z_test = data.standardize(X_train, X_test)
    np.testing.assert_allclose(Z_train.mean(axis=0), 0, atol=1e-15)
    np.testing.assert_allclose(Z_train.std(axis=0), 1, rtol=1e-14)
    # by hand: mean (3, 20), population std (sqrt(8/3), sqrt(200/3))
    std = np.array([np.sqrt(8 / 3), np.sqrt(200 / 3)])
    np.testing.assert_allclose(Z_test, (X_test - [3.0, 20.0]) / std, rtol=1e-14)
    assert not np.allclose(Z_test.mean(axis=0), 0)     # the test set is NOT re-centred
    # one argument returns one array
    assert isinstance(data.standardize(X_train), np.ndarray)


def test_standardizer_constant_feature_and_inverse():
    X = np.array([[1.0, 5.0], [2.0, 5.0], [3.0, 5.0]])
    s = data.Standardizer().fit(X)
    Z = s.transform(X)
    np.testing.assert_array_equal(Z[:, 1], 0.0)          # centred, not divided by 0
    np.testing.assert_allclose(s.inverse_transform(Z), X, rtol=1e-14)


def test_train_test_split_sizes_and_no_overlap():
    X = np.arange(40.0).reshape(20, 2)
    y = np.arange(20)
    X_train, X_test, y_train, y_test = data.train_test_split(X, y, test_fraction=0.25, rng=0)
    assert X_train.shape == (15, 2) and X_test.shape == (5, 2)
    assert y_train.shape == (15,) and y_test.shape == (5,)
    assert set(y_train) | set(y_test) == set(range(20))
    assert not set(y_train) & set(y_test)
    np.testing.assert_array_equal(X_train[:, 0], 2 * y_train)    # rows stay paired with labels
    np.testing.assert_array_equal(X_test[:, 0], 2 * y_test)
    again = data.train_test_split(X, y, test_fraction=0.25, rng=0)
    np.testing.assert_array_equal(again[3], y_test)


@pytest.mark.parametrize("n, batch_size", [(10, 3), (10, 5), (7, 10), (1, 1)])
@pytest.mark.parametrize("shuffle", [True, False])
def test_minibatches_cover_every_index_once_and_last_batch_is_smaller(n, batch_size, shuffle):
    X = np.arange(n, dtype=float)[:, None]
    y = np.arange(n)
    batches = list(data.minibatches(X, y, batch_size, shuffle=shuffle, rng=0))
    seen = np.concatenate([yb for _, yb in batches])
    assert sorted(seen) == list(range(n))
    sizes = [len(yb) for _, yb in batches]
    assert len(batches) == -(-n // batch_size)
    assert all(s == batch_size for s in sizes[:-1])
    assert sizes[-1] == (n % batch_size or batch_size)
    for Xb, yb in batches:
        np.testing.assert_array_equal(Xb[:, 0], yb)       # X and y shuffled together
    if not shuffle:
        np.testing.assert_array_equal(seen, np.arange(n))


def test_minibatches_reshuffle_from_a_shared_generator():
    X, y = np.zeros((50, 1)), np.arange(50)
    rng = np.random.default_rng(0)
    first = np.concatenate([yb for _, yb in data.minibatches(X, y, 10, rng=rng)])
    second = np.concatenate([yb for _, yb in data.minibatches(X, y, 10, rng=rng)])
    assert not np.array_equal(first, second)
    assert not np.array_equal(first, np.arange(50))


def test_flight_delay_example_is_the_lectures_table():
    ex = data.FLIGHT_DELAY_EXAMPLE
    np.testing.assert_array_equal(ex["X"], [[-20, 45], [80, 0], [4, 15], [45, 60]])
    np.testing.assert_array_equal(ex["p"], [0.05, 0.02, 0.96, 0.35])
    np.testing.assert_array_equal(ex["y"], [1, 0, 1, 1])
