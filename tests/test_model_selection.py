"""k-fold splits and cross-validation over a grid."""

import numpy as np
import pytest

from mlcore import MLP, fit, optim
from mlcore.model_selection import CVResult, cross_validate, grid_search_cv, kfold_indices
from mlcore.regularization import l2_grads, l2_penalty


@pytest.mark.parametrize("n,k", [(10, 2), (20, 5), (23, 5), (7, 7)])
def test_folds_partition_the_indices(n, k):
    splits = kfold_indices(n, k, rng=1)
    assert len(splits) == k
    vals = np.concatenate([va for _, va in splits])
    assert np.array_equal(np.sort(vals), np.arange(n))           # every index validated exactly once
    sizes = [va.size for _, va in splits]
    assert max(sizes) - min(sizes) <= 1
    for tr, va in splits:
        assert np.intersect1d(tr, va).size == 0
        assert tr.size + va.size == n


def test_folds_are_seeded_and_unshuffled_folds_are_blocks():
    a, b = kfold_indices(12, 3, rng=4), kfold_indices(12, 3, rng=4)
    assert all(np.array_equal(x[1], y[1]) for x, y in zip(a, b))
    blocks = kfold_indices(6, 3, shuffle=False)
    assert [list(va) for _, va in blocks] == [[0, 1], [2, 3], [4, 5]]


@pytest.mark.parametrize("n,k", [(5, 1), (5, 6), (0, 2)])
def test_bad_k_is_rejected(n, k):
    with pytest.raises(ValueError):
        kfold_indices(n, k)


def test_cross_validate_scores_each_fold_on_its_own_rows():
    X = np.arange(10.0)[:, None]
    y = np.arange(10.0)
    seen = []

    def score(Xtr, ytr, Xva, yva):
        assert np.intersect1d(Xtr[:, 0], Xva[:, 0]).size == 0
        seen.extend(Xva[:, 0])
        return float(np.mean(yva))                                  # the fold's own mean

    scores = cross_validate(score, X, y, k=5, rng=0)
    assert scores.shape == (5,)
    assert sorted(seen) == list(range(10))
    assert scores.mean() == pytest.approx(4.5)                      # equal folds: mean of means


def test_cross_validate_rejects_mismatched_rows_and_non_callables():
    with pytest.raises(ValueError):
        cross_validate(lambda *a: 0.0, np.zeros((4, 1)), np.zeros(5))
    with pytest.raises(ValueError):
        cross_validate(3, np.zeros((4, 1)), np.zeros(4))
    with pytest.raises(ValueError):
        grid_search_cv(lambda *a: 0.0, [], np.zeros((4, 1)), np.zeros(4))


def test_grid_search_picks_the_true_ridge_penalty_regime():
    # Closed-form ridge on a noisy linear problem with many useless features: a
    # moderate penalty must beat no penalty and a huge penalty in CV.
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 20))
    w = np.zeros(20)
    w[:2] = [2.0, -1.0]
    y = X @ w + 0.5 * rng.normal(size=30)

    def ridge(lam, Xtr, ytr, Xva, yva):
        coef = np.linalg.solve(Xtr.T @ Xtr + lam * np.eye(X.shape[1]), Xtr.T @ ytr)
        return float(np.mean((Xva @ coef - yva) ** 2))

    res = grid_search_cv(ridge, [0.0, 1.0, 10.0, 1e4], X, y, k=5, rng=0)
    assert isinstance(res, CVResult)
    assert res.scores.shape == (4, 5)
    assert res.best in (1.0, 10.0)
    assert res.mean[0] > res.mean[res.best_index] < res.mean[3]
    assert "<- chosen" in res.table("lam")
    # same folds for every value: rerunning one value alone reproduces its row
    again = cross_validate(lambda a, b, c, d: ridge(10.0, a, b, c, d), X, y, k=5, rng=0)
    assert np.allclose(again, res.scores[2])


def test_grid_search_with_an_mlp_and_weight_decay_runs_and_is_deterministic():
    rng = np.random.default_rng(1)
    X = rng.uniform(-2, 2, size=(16, 1))
    y = np.sin(X[:, 0]) + 0.3 * rng.normal(size=16)

    def score(lam, Xtr, ytr, Xva, yva):
        m = MLP([1, 8, 1], "tanh", rng=0)
        fit(m, "mse", optim.Adam(m.params(), lr=0.02), Xtr, ytr[:, None], epochs=30, progress=False,
            regularizer=lambda ps: (l2_penalty(ps, lam), l2_grads(ps, lam)))
        return float(np.mean((m(Xva)[:, 0] - yva) ** 2))

    a = grid_search_cv(score, [0.0, 0.1], X, y, k=4, rng=0)
    b = grid_search_cv(score, [0.0, 0.1], X, y, k=4, rng=0)
    assert np.array_equal(a.scores, b.scores)
    assert np.all(np.isfinite(a.scores)) and np.all(a.std >= 0)
