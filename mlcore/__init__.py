"""mlcore: the small NumPy package behind *Neural Networks for Structured Data*.

Batch layout
------------
Examples are **rows**: a batch ``X`` has shape ``(N, D)`` (N examples, D
features). A dense layer holds ``W`` of shape ``(n_out, n_in)`` and ``b`` of
shape ``(n_out,)``, so that for one example x (a row of X) it computes

    z = W x + b                       (exactly the lectures' equation)

and for the whole batch ``Z = X @ W.T + b`` of shape ``(N, n_out)``. The
lectures stack examples as *columns* (Z = W X + B); the two layouts are
transposes of each other. Row k of W holds the weights *into* unit k, so
``W[k, j]`` is the lectures' w_kj: the weight to unit k from unit j.

Modules
-------
activations     sigmoid, tanh, relu, leaky_relu, elu, identity, softmax (each with .grad)
losses          mse, mae, huber, binary_cross_entropy, cross_entropy, hinge (each with .grad)
layers          Linear, ActivationLayer, Dropout
network         MLP (forward, backward, params, grads, jacobian, jvp, vjp)
autograd        Value: scalar reverse-mode autodiff that draws its graph
optim           SGD, Adagrad, RMSprop, Adam; InverseTimeDecay, StepDecay, ExponentialDecay
init            zeros, small, xavier, he
regularization  l2_penalty (biases included, as in the lectures), l1_penalty, EarlyStopping
data            xor, moons, spirals, circles, flight_delay, regression_1d, standardize, ...
gradcheck       centred finite differences and rel_error
symbolic        sympy helpers for the chapters' executable derivations
training        fit(model, loss, optimizer, X, y, epochs=...), LiveLoss (callback)
plot            figures several chapters share
explore         interactive explorers (widgets + static HTML)

Modules a chapter imports by name (``from mlcore import descent``):

approx          one-hidden-layer networks built to approximate f (universal approximation, Ch. 1)
descent         gradient descent on explicit functions, quadratics, stopping rules (Ch. 5)
backprop_cost   counting and timing finite-difference vs back-propagated gradients (Ch. 7)
autodiff_cost   jacfwd/jacrev, pass, multiply-add and memory counts of forward/reverse mode (Ch. 8)
batching        SGD regimes' loss curves, Hessians and condition numbers, signal variances (Ch. 9)
surfaces        the Rosenbrock function and optimizer trajectories on 2-D surfaces (Ch. 10)
model_selection k-fold splits and cross-validation (Ch. 11)
blocks          LayerNorm, Residual and DeepNet, for the remedies of vanishing gradients (Ch. 12)
recipes         the lectures' regression and classification recipes, metrics, repeated hold-out (Ch. 13)
"""

from . import (activations, autograd, data, gradcheck, init, layers, losses, network, optim, plot,
               regularization, symbolic, training)
from .autograd import Value
from .layers import ActivationLayer, Dropout, Linear
from .network import MLP
from .training import History, LiveLoss, TrainingDiverged, fit

__version__ = "0.1.0"

__all__ = ["activations", "autograd", "data", "gradcheck", "init", "layers", "losses", "network", "optim", "plot",
           "regularization", "symbolic", "training", "Value", "Linear", "ActivationLayer", "Dropout", "MLP",
           "fit", "History", "TrainingDiverged", "LiveLoss"]
