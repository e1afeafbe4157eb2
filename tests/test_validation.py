"""Bad input: one test per bad argument across the public API.

Every case expects ``ValueError`` and a message that names the argument, shows
the value received and says what was expected (STYLE.md: validate at the
boundary, once).
"""

import numpy as np
import pytest

from mlcore import MLP, Dropout, Linear, Value, activations, data, fit, gradcheck, init, losses, optim
from mlcore.regularization import EarlyStopping, l1_penalty, l2_grads, l2_penalty

NAN = float("nan")
INF = float("inf")


def _p():
    return [np.ones((2, 3)), np.zeros(2)]


def _forwarded_linear():
    layer = Linear(3, 2)
    layer.forward(np.ones((4, 3)))
    return layer


def _forwarded_mlp():
    model = MLP([3, 4, 2])
    model.forward(np.ones((5, 3)))
    return model


def _fit(**overrides):
    model = overrides.pop("model", None) or MLP([2, 3, 2], rng=0)
    args = dict(model=model, loss="cross_entropy", optimizer=optim.SGD(model.params(), lr=0.1),
                X=np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]), y=np.array([0, 1, 1, 0]),
                epochs=1, progress=False)
    args.update(overrides)
    return fit(args.pop("model"), args.pop("loss"), args.pop("optimizer"), args.pop("X"), args.pop("y"), **args)


X4 = np.ones((4, 3))
Z23 = np.array([[0.1, 0.2, 0.3], [1.0, -1.0, 0.0]])

CASES = [
    # ------------------------------------------------------------------ activations
    ("activation name", lambda: activations.get("sigmod"),
     r"unknown activation 'sigmod'; valid choices are 'sigmoid', 'tanh', 'relu', 'leaky_relu', 'elu'"),
    ("activation option", lambda: activations.get("leaky_relu", alpha=0.2),
     r"unknown option\(s\) \['alpha'\] for activation 'leaky_relu'; valid options are \['slope'\]"),
    ("leaky slope >= 1", lambda: activations.LeakyReLU(1.5), r"slope must be in \[0, 1\), got 1\.5"),
    ("leaky slope < 0", lambda: activations.get("leaky_relu", slope=-0.1),
     r"slope must be a non-negative number, got -0\.1"),
    ("elu alpha", lambda: activations.ELU(alpha=0), r"alpha must be a positive number, got 0"),
    ("activation z strings", lambda: activations.sigmoid(["a", "b"]), r"z must hold numbers"),
    ("softmax jacobian 2-D", lambda: activations.softmax.jacobian(np.ones((2, 3))),
     r"z must be 1-D, got shape \(2, 3\)"),
    ("softmax scalar", lambda: activations.softmax(3.0), r"softmax needs at least a 1-D array"),
    # ------------------------------------------------------------------ losses
    ("loss name", lambda: losses.get("cross_entropie"),
     r"unknown loss 'cross_entropie'; valid choices are 'mse', 'mae', 'huber', 'binary_cross_entropy'"),
    ("mse (N,1) vs (N,)", lambda: losses.mse(np.ones((4, 1)), np.ones(4)),
     r"y_hat has shape \(4, 1\) but y has shape \(4,\); they must match exactly"),
    ("mae (N,) vs (N,1)", lambda: losses.mae(np.ones(4), np.ones((4, 1))),
     r"y_hat has shape \(4,\) but y has shape \(4, 1\)"),
    ("huber shape", lambda: losses.huber.grad(np.ones((3, 2)), np.ones((2, 3))),
     r"y_hat has shape \(3, 2\) but y has shape \(2, 3\)"),
    ("mse y_hat NaN", lambda: losses.mse([1.0, NAN], [1.0, 2.0]),
     r"y_hat contains 1 NaN or inf value\(s\); expected finite numbers"),
    ("mse y inf", lambda: losses.mse([1.0, 2.0], [INF, -INF]), r"y contains 2 NaN or inf value\(s\)"),
    ("mse empty", lambda: losses.mse(np.ones(0), np.ones(0)), r"y_hat is empty"),
    ("mse y_hat strings", lambda: losses.mse(["a"], [1.0]), r"y_hat must hold numbers, got \['a'\]"),
    ("huber delta", lambda: losses.Huber(delta=0), r"delta must be a positive number, got 0"),
    ("hinge margin", lambda: losses.Hinge(margin=-1.0), r"margin must be a positive number, got -1\.0"),
    ("bce p > 1", lambda: losses.binary_cross_entropy([0.5, 1.2], [0.0, 1.0]),
     r"y_hat must hold probabilities in \[0, 1\], got values in \[0\.5, 1\.2\]; pass sigmoid\(logits\)"),
    ("bce p < 0", lambda: losses.binary_cross_entropy([-0.1, 0.5], [0.0, 1.0]),
     r"y_hat must hold probabilities in \[0, 1\], got values in \[-0\.1, 0\.5\]"),
    ("bce label 2", lambda: losses.binary_cross_entropy([0.5, 0.5], [0.0, 2.0]),
     r"y must hold labels in \[0, 1\], got values in \[0, 2\]"),
    ("bce shape", lambda: losses.binary_cross_entropy(np.full((3, 1), 0.5), np.zeros(3)),
     r"y_hat has shape \(3, 1\) but y has shape \(3,\)"),
    ("ce label too large", lambda: losses.cross_entropy(Z23, [0, 3]),
     r"y holds labels in \[0, 3\] but there are 3 classes; expected labels in \[0, 2\]"),
    ("ce label negative", lambda: losses.cross_entropy(Z23, [-1, 0]),
     r"y holds labels in \[-1, 0\] but there are 3 classes"),
    ("ce label not integer", lambda: losses.cross_entropy(Z23, [0.5, 1.0]),
     r"y must hold integer class labels, got dtype float64"),
    ("ce label bool", lambda: losses.cross_entropy(Z23, [True, False]), r"y must hold integer class labels"),
    ("ce label count", lambda: losses.cross_entropy(Z23, [0, 1, 2]),
     r"y must have shape \(2,\) to match 2 rows of scores, got \(3,\)"),
    ("ce one-hot shape", lambda: losses.cross_entropy(Z23, np.eye(4)[:2]),
     r"logits has shape \(2, 3\) but y \(one-hot\) has shape \(2, 4\)"),
    ("ce one-hot rows", lambda: losses.cross_entropy(Z23, [[1.0, 1.0, 0.0], [0.0, 0.0, 1.0]]),
     r"each row of y \(one-hot\) must sum to 1, got row sums in \[1, 2\]"),
    ("ce one-hot negative", lambda: losses.cross_entropy(Z23, [[1.5, -0.5, 0.0], [0.0, 0.0, 1.0]]),
     r"y \(one-hot\) must hold values in \[0, 1\]"),
    ("ce logits 3-D", lambda: losses.cross_entropy(np.ones((2, 2, 2)), [0, 1]),
     r"logits must be 1-D or 2-D, got shape \(2, 2, 2\)"),
    ("ce one class", lambda: losses.cross_entropy(np.ones((2, 1)), [0, 0]),
     r"logits must have shape \(N, K\) with N >= 1 and K >= 2 classes, got \(2, 1\)"),
    ("ce logits NaN", lambda: losses.cross_entropy([[NAN, 1.0]], [0]), r"logits contains 1 NaN or inf"),
    ("hinge label range", lambda: losses.hinge(Z23, [0, 5]), r"y holds labels in \[0, 5\] but there are 3 classes"),
    ("hinge labels 2-D", lambda: losses.hinge(Z23, np.eye(3)[:2]),
     r"y must be integer labels of shape \(2,\), got shape \(2, 3\)"),
    # ------------------------------------------------------------------ layers
    ("Linear n_in 0", lambda: Linear(0, 3), r"n_in must be a positive integer, got 0"),
    ("Linear n_out negative", lambda: Linear(3, -1), r"n_out must be a positive integer, got -1"),
    ("Linear n_in float", lambda: Linear(2.5, 3), r"n_in must be a positive integer, got 2\.5"),
    ("Linear dtype", lambda: Linear(2, 3, dtype=np.int32), r"dtype must be float32 or float64, got int32"),
    ("Linear init", lambda: Linear(2, 3, init="glorot"),
     r"unknown init 'glorot'; valid choices are 'zeros', 'small', 'xavier', 'he'"),
    ("Linear rng", lambda: Linear(2, 3, rng="seed"), r"rng must be None, an int seed or a numpy Generator, got 'seed'"),
    ("Linear X features", lambda: Linear(3, 2).forward(np.ones((4, 2))),
     r"X must have 3 features \(last axis\) for Linear\(3 -> 2\), got shape \(4, 2\)"),
    ("Linear X 3-D", lambda: Linear(3, 2).forward(np.ones((2, 2, 3))), r"X must be 1-D or 2-D, got shape \(2, 2, 3\)"),
    ("Linear X NaN", lambda: Linear(2, 2).forward([[NAN, 1.0]]), r"X contains 1 NaN or inf value\(s\)"),
    ("Linear grad_out shape", lambda: _forwarded_linear().backward(np.ones((4, 3))),
     r"grad_out must have shape \(4, 2\) \(the shape of the last forward output\), got \(4, 3\)"),
    ("Dropout p = 1", lambda: Dropout(1.0), r"p must be in \[0\.0, 1\.0\), got 1\.0"),
    ("Dropout p < 0", lambda: Dropout(-0.1), r"p must be in \[0\.0, 1\.0\), got -0\.1"),
    ("Dropout p NaN", lambda: Dropout(NAN), r"p must be a number in \[0\.0, 1\.0\), got nan"),
    ("Dropout grad_out shape", lambda: (lambda d: (d.forward(np.ones((2, 3))), d.backward(np.ones((3, 2)))))(
        Dropout(0.5)), r"grad_out has shape \(3, 2\) but the last forward input has shape \(2, 3\)"),
    # ------------------------------------------------------------------ MLP
    ("MLP one size", lambda: MLP([3]), r"sizes must list at least an input and an output width, got \[3\]"),
    ("MLP size 0", lambda: MLP([3, 0, 2]), r"sizes\[1\] must be a positive integer, got 0"),
    ("MLP sizes not a list", lambda: MLP(5), r"sizes must be a list of layer widths like \[2, 8, 1\], got 5"),
    ("MLP activation", lambda: MLP([2, 3], activation="sigmoidal"), r"unknown activation 'sigmoidal'"),
    ("MLP softmax hidden", lambda: MLP([2, 3, 2], activation="softmax"), r"activation must be elementwise"),
    ("MLP output", lambda: MLP([2, 3], output="probabilities"),
     r"unknown output 'probabilities'; valid choices are 'sigmoid', 'tanh'"),
    ("MLP dropout", lambda: MLP([2, 3, 2], dropout=1.0), r"dropout must be in \[0\.0, 1\.0\), got 1\.0"),
    ("MLP dtype", lambda: MLP([2, 3], dtype="float16"), r"dtype must be float32 or float64, got float16"),
    ("MLP init", lambda: MLP([2, 3], init="uniform"), r"unknown init 'uniform'"),
    ("MLP X features", lambda: MLP([3, 2]).forward(np.ones((4, 2))),
     r"X must have 3 features \(last axis\), got shape \(4, 2\)"),
    ("MLP X inf", lambda: MLP([2, 2]).forward([[INF, 0.0]]), r"X contains 1 NaN or inf value\(s\)"),
    ("MLP grad_out shape", lambda: _forwarded_mlp().backward(np.ones((5, 3))),
     r"grad_out must have the shape of the last output \(5, 2\), got \(5, 3\)"),
    ("MLP jacobian mode", lambda: MLP([3, 2]).jacobian(np.ones(3), mode="sideways"),
     r"mode must be 'forward' or 'reverse', got 'sideways'"),
    ("MLP jacobian x 2-D", lambda: MLP([3, 2]).jacobian(np.ones((1, 3))), r"x must be 1-D, got shape \(1, 3\)"),
    ("MLP jacobian x size", lambda: MLP([3, 2]).jacobian(np.ones(4)), r"x must have shape \(3,\), got \(4,\)"),
    ("MLP jvp v size", lambda: MLP([3, 2]).jvp(np.ones(3), np.ones(2)),
     r"v must have 3 entries \(last axis\), got shape \(2,\)"),
    ("MLP vjp u size", lambda: MLP([3, 2]).vjp(np.ones(3), np.ones(3)),
     r"u must have 2 entries \(last axis\), got shape \(3,\)"),
    ("MLP load_state", lambda: MLP([3, 2]).load_state([np.ones((3, 2)), np.ones(2)]),
     r"state does not match this network's parameter shapes"),
    # ------------------------------------------------------------------ autograd
    ("Value of Value", lambda: Value(Value(1.0)), r"data must be a number, got a Value"),
    ("Value of str", lambda: Value("1.0"), r"data must be a real number, got '1\.0'"),
    ("Value plus str", lambda: Value(1.0) + "x", r"cannot combine a Value with 'x'; expected a number or a Value"),
    ("Value log 0", lambda: Value(0.0).log(), r"log needs a positive argument, got 0\.0"),
    ("Value pow Value", lambda: Value(2.0) ** Value(2.0), r"exponent must be a plain number"),
    ("Value negative base", lambda: Value(-8.0) ** (1 / 3), r"a negative base -8\.0 needs an integer exponent"),
    # ------------------------------------------------------------------ optimisers
    ("SGD lr 0", lambda: optim.SGD(_p(), lr=0), r"lr must be a positive number, got 0"),
    ("SGD lr negative", lambda: optim.SGD(_p(), lr=-0.1), r"lr must be a positive number, got -0\.1"),
    ("SGD lr NaN", lambda: optim.SGD(_p(), lr=NAN), r"lr must be a positive number, got nan"),
    ("SGD lr str", lambda: optim.SGD(_p(), lr="0.1"), r"lr must be a positive number, got '0\.1'"),
    ("Adam lr 0", lambda: optim.Adam(_p(), lr=0.0), r"lr must be a positive number, got 0\.0"),
    ("SGD momentum 1", lambda: optim.SGD(_p(), lr=0.1, momentum=1.0), r"momentum must be in \[0\.0, 1\.0\), got 1\.0"),
    ("SGD momentum negative", lambda: optim.SGD(_p(), lr=0.1, momentum=-0.5),
     r"momentum must be in \[0\.0, 1\.0\), got -0\.5"),
    ("SGD nesterov no momentum", lambda: optim.SGD(_p(), lr=0.1, nesterov=True),
     r"nesterov=True needs momentum > 0 and dampening = 0"),
    ("SGD nesterov str", lambda: optim.SGD(_p(), lr=0.1, momentum=0.9, nesterov="yes"),
     r"nesterov must be True or False, got 'yes'"),
    ("SGD weight_decay", lambda: optim.SGD(_p(), lr=0.1, weight_decay=-1e-4),
     r"weight_decay must be a non-negative number, got -0\.0001"),
    ("SGD dampening", lambda: optim.SGD(_p(), lr=0.1, momentum=0.9, dampening=2),
     r"dampening must be in \[0\.0, 1\.0\], got 2"),
    ("SGD empty params", lambda: optim.SGD([], lr=0.1), r"params is empty; pass model\.params\(\)"),
    ("SGD params list", lambda: optim.SGD([[1.0, 2.0]], lr=0.1),
     r"params\[0\] must be a float32/float64 NumPy array, got list"),
    ("SGD params int", lambda: optim.SGD([np.arange(3)], lr=0.1), r"params\[0\] must be a float32/float64 NumPy array"),
    ("Adam beta1", lambda: optim.Adam(_p(), betas=(1.0, 0.999)), r"betas\[0\] must be in \[0\.0, 1\.0\), got 1\.0"),
    ("Adam beta2", lambda: optim.Adam(_p(), betas=(0.9, 1.5)), r"betas\[1\] must be in \[0\.0, 1\.0\), got 1\.5"),
    ("Adam beta negative", lambda: optim.Adam(_p(), betas=(-0.1, 0.999)), r"betas\[0\] must be in"),
    ("Adam betas not a pair", lambda: optim.Adam(_p(), betas=0.9), r"betas must be a pair \(beta1, beta2\), got 0\.9"),
    ("Adam eps", lambda: optim.Adam(_p(), eps=0), r"eps must be a positive number, got 0"),
    ("Adam amsgrad", lambda: optim.Adam(_p(), amsgrad=1), r"amsgrad must be True or False, got 1"),
    ("Adagrad lr_decay", lambda: optim.Adagrad(_p(), lr_decay=-0.1), r"lr_decay must be a non-negative number"),
    ("Adagrad accumulator", lambda: optim.Adagrad(_p(), initial_accumulator_value=-1),
     r"initial_accumulator_value must be a non-negative number, got -1"),
    ("RMSprop alpha", lambda: optim.RMSprop(_p(), alpha=1.0), r"alpha must be in \[0\.0, 1\.0\), got 1\.0"),
    ("RMSprop momentum", lambda: optim.RMSprop(_p(), momentum=1.2), r"momentum must be in \[0\.0, 1\.0\), got 1\.2"),
    ("RMSprop centered", lambda: optim.RMSprop(_p(), centered="no"), r"centered must be True or False, got 'no'"),
    ("step grads count", lambda: optim.SGD(_p(), lr=0.1).step([np.ones((2, 3))]),
     r"grads has 1 arrays but there are 2 parameters"),
    ("step grads shape", lambda: optim.SGD(_p(), lr=0.1).step([np.ones((3, 2)), np.ones(2)]),
     r"grads\[0\] has shape \(3, 2\) but params\[0\] has shape \(2, 3\)"),
    ("schedule optimizer", lambda: optim.StepDecay("sgd", step_size=2),
     r"optimizer must be an mlcore\.optim optimizer, got str"),
    ("InverseTimeDecay decay", lambda: optim.InverseTimeDecay(optim.SGD(_p(), lr=1), decay=0),
     r"decay must be a positive number, got 0"),
    ("StepDecay step_size", lambda: optim.StepDecay(optim.SGD(_p(), lr=1), step_size=0),
     r"step_size must be a positive integer, got 0"),
    ("StepDecay gamma", lambda: optim.StepDecay(optim.SGD(_p(), lr=1), step_size=2, gamma=0),
     r"gamma must be in \(0\.0, 1\.0\], got 0"),
    ("ExponentialDecay gamma", lambda: optim.ExponentialDecay(optim.SGD(_p(), lr=1), gamma=1.5),
     r"gamma must be in \(0\.0, 1\.0\], got 1\.5"),
    # ------------------------------------------------------------------ init
    ("init name", lambda: init.get("kaiming"), r"unknown init 'kaiming'; valid choices are 'zeros', 'small'"),
    ("init small scale", lambda: init.get("small", scale=0), r"scale must be a positive number, got 0"),
    ("init small option", lambda: init.get("small", std=0.1), r"unexpected init options \['std'\]"),
    ("init he option", lambda: init.get("he", gain=2), r"init 'he' takes no options, got \['gain'\]"),
    # ------------------------------------------------------------------ regularisation
    ("l2 lam", lambda: l2_penalty(_p(), -1.0), r"lam must be a non-negative number, got -1\.0"),
    ("l2 grads lam", lambda: l2_grads(_p(), NAN), r"lam must be a non-negative number, got nan"),
    ("l1 lam", lambda: l1_penalty(_p(), INF), r"lam must be a non-negative number, got inf"),
    ("EarlyStopping patience", lambda: EarlyStopping(patience=0), r"patience must be a positive integer, got 0"),
    ("EarlyStopping min_delta", lambda: EarlyStopping(min_delta=-0.1),
     r"min_delta must be a non-negative number, got -0\.1"),
    ("EarlyStopping monitor", lambda: EarlyStopping(monitor="accuracy"),
     r"monitor must be 'val_loss' or 'loss', got 'accuracy'"),
    ("EarlyStopping restore_best", lambda: EarlyStopping(restore_best="yes"),
     r"restore_best must be True or False, got 'yes'"),
    # ------------------------------------------------------------------ data
    ("xor n", lambda: data.xor(n=0), r"n must be a positive integer, got 0"),
    ("xor noise", lambda: data.xor(noise=-0.1), r"noise must be a non-negative number, got -0\.1"),
    ("xor rng", lambda: data.xor(rng=1.5), r"rng must be None, an int seed or a numpy Generator, got 1\.5"),
    ("moons n", lambda: data.moons(n=-3), r"n must be a positive integer, got -3"),
    ("spirals classes", lambda: data.spirals(classes=0), r"classes must be a positive integer, got 0"),
    ("spirals noise", lambda: data.spirals(noise=NAN), r"noise must be a non-negative number, got nan"),
    ("circles factor", lambda: data.circles(factor=1.0), r"factor must be in \(0\.0, 1\.0\), got 1\.0"),
    ("flight_delay n", lambda: data.flight_delay(n=2.0), r"n must be a positive integer, got 2\.0"),
    ("regression x_range order", lambda: data.regression_1d(x_range=(3.0, -3.0)),
     r"x_range must be \(low, high\) with low < high, got \(3\.0, -3\.0\)"),
    ("regression x_range pair", lambda: data.regression_1d(x_range=(1.0,)),
     r"x_range must be a pair \(low, high\), got \(1\.0,\)"),
    ("one_hot floats", lambda: data.one_hot([0, 1.5]), r"y must be a 1-D array of integer labels"),
    ("one_hot negative", lambda: data.one_hot([0, -1]), r"y must hold non-negative labels, got minimum -1"),
    ("one_hot num_classes small", lambda: data.one_hot([0, 3], num_classes=2),
     r"y holds label 3 but num_classes is 2; expected labels in \[0, 1\]"),
    ("one_hot num_classes 0", lambda: data.one_hot([0], num_classes=0), r"num_classes must be a positive integer"),
    ("split test_fraction", lambda: data.train_test_split(np.ones((10, 2)), np.ones(10), test_fraction=0),
     r"test_fraction must be in \(0\.0, 1\.0\), got 0"),
    ("split rows", lambda: data.train_test_split(np.ones((10, 2)), np.ones(9)),
     r"X has 10 rows but y has 9; they must match"),
    ("split empty", lambda: data.train_test_split(np.ones((10, 2)), np.ones(10), test_fraction=0.01),
     r"test_fraction=0\.01 leaves an empty split for 10 examples"),
    ("minibatches batch_size", lambda: data.minibatches(np.ones((5, 2)), np.ones(5), 0),
     r"batch_size must be a positive integer, got 0"),
    ("minibatches rows", lambda: data.minibatches(np.ones((5, 2)), np.ones(4), 2), r"X has 5 rows but y has 4"),
    ("standardize NaN", lambda: data.standardize(np.array([[1.0, NAN], [2.0, 3.0]])),
     r"X contains 1 NaN or inf value\(s\); expected finite numbers"),
    ("standardize 1-D", lambda: data.standardize(np.ones(4)), r"X must be 2-D, got shape \(4,\)"),
    ("standardize features", lambda: data.standardize(np.ones((3, 2)), np.ones((3, 3))),
     r"X has 3 features but the standardizer was fitted on 2"),
    # ------------------------------------------------------------------ gradcheck
    ("numerical_gradient h", lambda: gradcheck.numerical_gradient(np.sum, np.ones(2), h=0),
     r"h must be a positive number, got 0"),
    ("numerical_gradient x list", lambda: gradcheck.numerical_gradient(np.sum, [1.0, 2.0]),
     r"x must be a float NumPy array \(it is perturbed in place\), got list"),
    ("rel_error shapes", lambda: gradcheck.rel_error(np.ones(2), np.ones(3)),
     r"a has shape \(2,\) but b has shape \(3,\)"),
    # ------------------------------------------------------------------ fit
    ("fit epochs", lambda: _fit(epochs=0), r"epochs must be a positive integer, got 0"),
    ("fit loss", lambda: _fit(loss="crossentropy"), r"unknown loss 'crossentropy'; valid choices are 'mse'"),
    ("fit optimizer", lambda: _fit(optimizer="sgd"), r"optimizer must be an mlcore\.optim optimiser, got str"),
    ("fit X NaN", lambda: _fit(X=np.array([[0.0, NAN], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])),
     r"X contains 1 NaN or inf value\(s\)"),
    ("fit X 1-D", lambda: _fit(X=np.ones(4)), r"X must be 2-D, got shape \(4,\)"),
    ("fit y NaN", lambda: _fit(loss="mse", model=MLP([2, 1], rng=0), y=np.array([[0.0], [NAN], [1.0], [0.0]])),
     r"y contains 1 NaN or inf value\(s\)"),
    ("fit y rows", lambda: _fit(y=np.array([0, 1, 1])), r"X has 4 rows but y has shape \(3,\); they must match"),
    # the bad label is the last example: fit must report it before training, not mid-epoch
    ("fit y labels", lambda: _fit(y=np.array([0, 1, 1, 2])), r"y holds labels in \[0, 2\] but there are 2 classes"),
    ("fit y shape for mse", lambda: _fit(loss="mse", model=MLP([2, 1], rng=0), y=np.zeros(4)),
     r"y does not fit the loss mse for this model: the model outputs shape \(N, 1\) and y has shape \(4,\)"),
    ("fit batch_size", lambda: _fit(batch_size=0), r"batch_size must be a positive integer, got 0"),
    ("fit validation pair", lambda: _fit(validation=(np.ones((2, 2)),)), r"validation must be a pair \(X_val, y_val\)"),
    ("fit X_val NaN", lambda: _fit(validation=(np.full((2, 2), NAN), np.array([0, 1]))),
     r"X_val contains 4 NaN or inf value\(s\)"),
    ("fit callback", lambda: _fit(callbacks=[object()]), r"callback .* has no on_epoch_end\(epoch, history, model\)"),
    ("fit rng", lambda: _fit(rng="0"), r"rng must be None, an int seed or a numpy Generator, got '0'"),
]


@pytest.mark.parametrize("make, match", [pytest.param(make, match, id=name) for name, make, match in CASES])
def test_bad_argument_raises_value_error_naming_it(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_there_is_a_case_for_every_bad_input_kind():
    names = [name for name, _, _ in CASES]
    assert len(names) == len(set(names)) >= 40
