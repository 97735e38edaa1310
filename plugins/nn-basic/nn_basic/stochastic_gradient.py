"""StochasticGradient: torch/nn's trainer, one example at a time (not a module)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from nncore.plugin import Criterion, InputTypeError, Module, generator


class StochasticGradient:
    """Train ``module`` to minimise ``criterion`` by stochastic gradient descent over a dataset,
    one example at a time (torch/nn ``StochasticGradient``).

    ``train(dataset)`` runs epochs over ``dataset``, a sequence of ``(input, target)`` pairs
    (``len(dataset)`` and ``dataset[i]``, 0-based; an object with torch/nn's ``size()`` method
    works too).  For each example, in an order drawn once per ``train`` call from
    ``nncore.random`` (``shuffle_indices``, the default) or in order, it runs::

        error += criterion.forward(module.forward(input), target)
        module.backward_input(input, criterion.backward(module.output, target))
        module.acc_update_grad_parameters(input, criterion.grad_input, lr)

    then calls ``hook_example(trainer, example)``.  After an epoch, ``error`` is divided by the
    number of examples, ``hook_iteration(trainer, iteration, error)`` is called (``iteration``
    counts epochs from 1, as torch/nn does) and, with ``verbose``, the error is printed.  The
    learning rate of epoch ``i > 1`` is ``learning_rate / (1 + i * learning_rate_decay)``
    (torch/nn's schedule: the first epoch uses ``learning_rate``).  Training stops after
    ``max_iteration`` epochs (never, if it is 0 or less); ``train`` returns the last epoch's
    mean error.  The fields are torch/nn's in snake_case; ``current_learning_rate`` is the rate
    of the epoch under way.

    >>> import numpy as np
    >>> from nncore import nn
    >>> data = [(np.array([x]), np.array([2.0 * x])) for x in np.linspace(-1, 1, 8)]
    >>> trainer = StochasticGradient(nn.Linear(1, 1), nn.MSECriterion())
    >>> trainer.learning_rate, trainer.max_iteration, trainer.verbose = 0.1, 50, False
    >>> bool(trainer.train(data) < 1e-3)
    True
    """

    def __init__(self, module: Module, criterion: Criterion) -> None:
        if not isinstance(module, Module) or not isinstance(criterion, Criterion):
            raise InputTypeError(
                f"expected a Module and a Criterion, got {type(module).__name__} and "
                f"{type(criterion).__name__}"
            )
        self.learning_rate = 0.01
        self.learning_rate_decay = 0.0
        self.max_iteration = 25
        self.shuffle_indices = True
        self.module = module
        self.criterion = criterion
        self.verbose = True
        self.current_learning_rate = self.learning_rate
        self.hook_example: Callable[[StochasticGradient, Any], None] | None = None
        self.hook_iteration: Callable[[StochasticGradient, int, float], None] | None = None

    def train(self, dataset: Any) -> float:
        """Run the epochs over ``dataset``; return the mean error of the last one."""
        size = len(dataset) if hasattr(dataset, "__len__") else int(dataset.size())
        if size < 1:
            raise ValueError("expected a dataset with at least one example, got none")
        order = generator().permutation(size) if self.shuffle_indices else np.arange(size)
        module, criterion = self.module, self.criterion
        iteration, self.current_learning_rate = 1, self.learning_rate
        self._say("# StochasticGradient: training")
        while True:
            error = 0.0
            for index in order:
                example = dataset[int(index)]
                input, target = example[0], example[1]
                error += float(criterion.forward(module.forward(input), target))
                module.backward_input(input, criterion.backward(module.output, target))
                module.acc_update_grad_parameters(
                    input, criterion.grad_input, self.current_learning_rate
                )
                if self.hook_example is not None:
                    self.hook_example(self, example)
            error /= size
            if self.hook_iteration is not None:
                self.hook_iteration(self, iteration, error)
            self._say(f"# current error = {error}")
            iteration += 1
            self.current_learning_rate = self.learning_rate / (
                1 + iteration * self.learning_rate_decay
            )
            if 0 < self.max_iteration < iteration:
                self._say("# StochasticGradient: you have reached the maximum number of iterations")
                self._say(f"# training error = {error}")
                return error

    def _say(self, line: str) -> None:
        if self.verbose:
            print(line)

    def __repr__(self) -> str:
        return f"nn.StochasticGradient({self.module!r}, {self.criterion!r})"
