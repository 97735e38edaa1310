"""torch/demos' ``train-a-digit-classifier/train-on-mnist.lua`` on scikit-learn's digits.

    python examples/digit_classifier.py                     # the convnet, SGD, 3 epochs
    python examples/digit_classifier.py --model mlp --full --epochs 10
    python examples/digit_classifier.py --optimization LBFGS --max_iter 3

The demo trained a convnet, an MLP or a linear model on 32x32 MNIST digits with ``optim.sgd``
(or ``optim.lbfgs``), one minibatch at a time through a ``feval`` closure over the flat
parameters, optional L1/L2 penalties in ``feval``, and printed a ``ConfusionMatrix`` and logged
the accuracies after every pass over the training and the test sets.  This port does the same
on scikit-learn's 1797 8x8 digits (classes 0 to 9); the convnet's filter and pooling sizes are
scaled down to 8x8 images (see ``examples/README.md``).  Lua trained forever; ``--epochs`` stops.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

import numpy as np

import nncore
from nncore import Container, nn, optim

CLASSES = [str(digit) for digit in range(10)]
GEOMETRY = (8, 8)


def parse_options(argv: list[str] | None = None) -> argparse.Namespace:
    """The demo's ``lapp`` options (same names, snake_case, same defaults)."""
    cmd = argparse.ArgumentParser(description="train a digit classifier")
    cmd.add_argument("-s", "--save", default="logs", help="subdirectory to save logs")
    cmd.add_argument("-m", "--model", default="convnet", choices=["convnet", "mlp", "linear"])
    cmd.add_argument("-f", "--full", action="store_true", help="use the full dataset")
    cmd.add_argument("-o", "--optimization", default="SGD", choices=["SGD", "LBFGS"])
    cmd.add_argument("-r", "--learning_rate", type=float, default=0.05, help="for SGD only")
    cmd.add_argument("-b", "--batch_size", type=int, default=10, help="batch size")
    cmd.add_argument("--momentum", type=float, default=0.0, help="momentum, for SGD only")
    cmd.add_argument("-i", "--max_iter", type=int, default=3, help="iterations per batch, LBFGS")
    cmd.add_argument("--coef_l1", type=float, default=0.0, help="L1 penalty on the weights")
    cmd.add_argument("--coef_l2", type=float, default=0.0, help="L2 penalty on the weights")
    cmd.add_argument("--epochs", type=int, default=3, help="passes over the training set")
    cmd.add_argument("--seed", type=int, default=1, help="torch.manualSeed(1) in Lua")
    return cmd.parse_args(argv)


def build_model(kind: str) -> Container:
    """The demo's three models, without the final LogSoftMax (added after flattening)."""
    model = nn.Sequential()
    if kind == "convnet":
        # stage 1: filter bank -> squashing -> max pooling (Lua: 5x5 filters, 3x3 pooling)
        model.add(nn.SpatialConvolutionMM(1, 32, 3, 3))
        model.add(nn.Tanh())
        model.add(nn.SpatialMaxPooling(2, 2, 2, 2))
        # stage 2: filter bank -> squashing -> max pooling (Lua: 5x5 filters)
        model.add(nn.SpatialConvolutionMM(32, 64, 2, 2))
        model.add(nn.Tanh())
        model.add(nn.SpatialMaxPooling(2, 2, 2, 2))
        # stage 3: standard 2-layer MLP
        model.add(nn.Reshape(64 * 1 * 1))
        model.add(nn.Linear(64 * 1 * 1, 200))
        model.add(nn.Tanh())
        model.add(nn.Linear(200, len(CLASSES)))
    elif kind == "mlp":  # Lua: 1024 -> 2048 -> 10, twice the input wide
        model.add(nn.Reshape(64))
        model.add(nn.Linear(64, 128))
        model.add(nn.Tanh())
        model.add(nn.Linear(128, len(CLASSES)))
    else:
        model.add(nn.Reshape(64))
        model.add(nn.Linear(64, len(CLASSES)))
    return model


def load_datasets(full: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``(train_x, train_y, test_x, test_y)``: the first 1000 digits and the last 400 (all
    1397 and 400 with ``full``), as ``(n, 1, 8, 8)`` planes normalised with the training set's
    mean and standard deviation (``normalizeGlobal``)."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    images = digits.images.reshape(-1, 1, *GEOMETRY).astype(np.float64)
    n_train = len(images) - 400 if full else 1000
    train_x, test_x = images[:n_train], images[-400:]
    mean, std = train_x.mean(), train_x.std()
    return (
        (train_x - mean) / std,
        digits.target[:n_train],
        (test_x - mean) / std,
        digits.target[-400:],
    )


class Trainer:
    """The demo's globals (model, flat parameters, criterion, confusion matrix, loggers) and
    its ``train(dataset)`` and ``test(dataset)``."""

    def __init__(self, opt: argparse.Namespace) -> None:
        self.opt = opt
        nncore.manual_seed(opt.seed)
        self.model = build_model(opt.model)
        self.parameters, self.grad_parameters = self.model.get_parameters()
        self.model.add(nn.LogSoftMax())
        self.criterion = nn.ClassNLLCriterion()
        self.confusion = optim.ConfusionMatrix(CLASSES)
        self.train_logger = optim.Logger(Path(opt.save) / "train.log")
        self.test_logger = optim.Logger(Path(opt.save) / "test.log")
        self.optim_state: dict[str, Any] | None = None
        self.epoch = 1

    def train(self, inputs_all: np.ndarray, targets_all: np.ndarray) -> float:
        """One online epoch over the training set; returns its accuracy."""
        opt, model, criterion = self.opt, self.model, self.criterion
        params, grads = self.parameters, self.grad_parameters
        start = time.perf_counter()
        print("<trainer> on training set:")
        print(f"<trainer> online epoch # {self.epoch} [batch_size = {opt.batch_size}]")
        for t in range(0, len(inputs_all), opt.batch_size):
            # create mini batch
            inputs = inputs_all[t : t + opt.batch_size]
            targets = targets_all[t : t + opt.batch_size]

            def feval(x: np.ndarray, inputs: np.ndarray = inputs, targets: Any = targets) -> Any:
                if x is not params:  # get new parameters
                    params[...] = x
                grads.fill(0)  # reset gradients
                # evaluate function for complete mini batch
                outputs = model.forward(inputs)
                f = criterion.forward(outputs, targets)
                # estimate df/dW
                df_do = criterion.backward(outputs, targets)
                model.backward(inputs, df_do)
                # penalties (L1 and L2)
                if opt.coef_l1 != 0 or opt.coef_l2 != 0:
                    f += opt.coef_l1 * np.abs(params).sum()
                    f += opt.coef_l2 * float(params @ params) / 2
                    grads[...] += np.sign(params) * opt.coef_l1 + params * opt.coef_l2
                # update confusion
                self.confusion.batch_add(outputs, targets)
                return f, grads

            if opt.optimization == "LBFGS":
                self.optim_state = self.optim_state or {
                    "max_iter": opt.max_iter,
                    "line_search": optim.lswolfe,
                }
                optim.lbfgs(feval, params, self.optim_state)
            else:
                self.optim_state = self.optim_state or {
                    "learning_rate": opt.learning_rate,
                    "momentum": opt.momentum,
                    "learning_rate_decay": 5e-7,
                }
                optim.sgd(feval, params, self.optim_state)
        elapsed = (time.perf_counter() - start) / len(inputs_all)
        print(f"<trainer> time to learn 1 sample = {elapsed * 1000:.4f}ms")
        return self._report(self.train_logger, "% mean class accuracy (train set)")

    def test(self, inputs_all: np.ndarray, targets_all: np.ndarray) -> float:
        """One pass over the test set; returns its accuracy."""
        start = time.perf_counter()
        print("<trainer> on testing Set:")
        for t in range(0, len(inputs_all), self.opt.batch_size):
            inputs = inputs_all[t : t + self.opt.batch_size]
            preds = self.model.forward(inputs)  # test samples
            self.confusion.batch_add(preds, targets_all[t : t + self.opt.batch_size])
        elapsed = (time.perf_counter() - start) / len(inputs_all)
        print(f"<trainer> time to test 1 sample = {elapsed * 1000:.4f}ms")
        return self._report(self.test_logger, "% mean class accuracy (test set)")

    def close(self) -> None:
        """Close the log files."""
        self.train_logger.close()
        self.test_logger.close()

    def _report(self, logger: Any, name: str) -> float:
        """Print the confusion matrix, log its accuracy, and start counting afresh."""
        self.confusion.update_valids()
        print(self.confusion)
        accuracy = self.confusion.total_valid
        logger.add({name: accuracy * 100})
        self.confusion.zero()
        return accuracy


def main(argv: list[str] | None = None) -> list[tuple[float, float]]:
    """Train and test ``--epochs`` times; return the (train, test) accuracy of each epoch."""
    opt = parse_options(argv)
    train_x, train_y, test_x, test_y = load_datasets(opt.full)
    trainer = Trainer(opt)
    history = []
    for _ in range(opt.epochs):
        train_accuracy = trainer.train(train_x, train_y)
        history.append((train_accuracy, trainer.test(test_x, test_y)))
        trainer.epoch += 1
    trainer.close()
    return history


if __name__ == "__main__":
    main()
