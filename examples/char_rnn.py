"""karpathy/char-rnn's training loop, ported from Lua line by line.

The model is char-rnn's ``model/LSTM.lua`` (an nngraph gModule: ``OneHot`` input, one or more LSTM
layers, a ``LogSoftMax`` decoder); training follows ``train.lua``: flatten the parameters once
with ``get_parameters()``, make one clone of the network per time step sharing them
(``model_utils.clone_many_times``), run forward through time, backward through time, clip the
gradient and step.  The same idioms that trained wrongly without an error in earlier ports are
here: clones sharing parameters with a flattened prototype, a module that defines only
``update_output`` (``OneHot``), float32 conversion.

    python examples/char_rnn.py               # trains on a short text, prints the loss
    python examples/char_rnn.py --float       # the same in float32
"""

from __future__ import annotations

import argparse

import numpy as np

import nncore
from nncore import Module, nn

TEXT = (
    "the quick brown fox jumps over the lazy dog. " * 8
    + "a stitch in time saves nine. " * 8
    + "all that glitters is not gold. " * 8
)


class OneHot(Module):
    """char-rnn's ``util/OneHot.lua``: ids (0-based here) to one-hot rows.  It defines
    ``update_output`` only, as in Lua: nothing needs the gradient of the data."""

    accepts = "index"

    def __init__(self, output_size: int) -> None:
        super().__init__()
        self.output_size = output_size

    def update_output(self, input: np.ndarray) -> np.ndarray:
        out = np.zeros((len(input), self.output_size), dtype=self.dtype)
        out[np.arange(len(input)), input.astype(np.int64)] = 1
        return out


def lstm(input_size: int, rnn_size: int, n: int, dropout: float = 0.0) -> Module:
    """char-rnn's ``LSTM.lstm``: inputs ``[x, prev_c_1, prev_h_1, ...]``, outputs
    ``[next_c_1, next_h_1, ..., log_probs]``."""
    inputs = [nn.Identity()()]  # x
    for _ in range(n):
        inputs.append(nn.Identity()())  # prev_c[L]
        inputs.append(nn.Identity()())  # prev_h[L]
    outputs = []
    x = None
    for layer in range(n):
        prev_c, prev_h = inputs[2 * layer + 1], inputs[2 * layer + 2]
        if layer == 0:
            x, input_size_layer = OneHot(input_size)(inputs[0]), input_size
        else:
            x, input_size_layer = outputs[2 * layer - 1], rnn_size
            if dropout > 0:
                x = nn.Dropout(dropout)(x)
        i2h = nn.Linear(input_size_layer, 4 * rnn_size)(x).annotate(name=f"i2h_{layer}")
        h2h = nn.Linear(rnn_size, 4 * rnn_size)(prev_h).annotate(name=f"h2h_{layer}")
        all_input_sums = nn.CAddTable()([i2h, h2h])
        reshaped = nn.Reshape(4, rnn_size)(all_input_sums)
        n1, n2, n3, n4 = nn.SplitTable(1)(reshaped).split(4)
        in_gate = nn.Sigmoid()(n1)
        forget_gate = nn.Sigmoid()(n2)
        out_gate = nn.Sigmoid()(n3)
        in_transform = nn.Tanh()(n4)
        next_c = nn.CAddTable()(
            [nn.CMulTable()([forget_gate, prev_c]), nn.CMulTable()([in_gate, in_transform])]
        )
        next_h = nn.CMulTable()([out_gate, nn.Tanh()(next_c)])
        outputs += [next_c, next_h]
    top_h = outputs[-1]
    if dropout > 0:
        top_h = nn.Dropout(dropout)(top_h)
    proj = nn.Linear(rnn_size, input_size)(top_h).annotate(name="decoder")
    outputs.append(nn.LogSoftMax()(proj))
    return nn.gModule(inputs, outputs)


class CharRNN:
    """The prototype network and criterion, their flat parameters, and one clone per step."""

    def __init__(self, vocab: int, rnn_size: int, layers: int, steps: int, dtype=np.float64):
        self.rnn_size, self.layers, self.steps = rnn_size, layers, steps
        self.rnn = lstm(vocab, rnn_size, layers).type(dtype)
        self.criterion = nn.ClassNLLCriterion().type(dtype)
        self.params, self.grads = self.rnn.get_parameters()
        self.params[...] = nncore.random.generator().uniform(-0.08, 0.08, self.params.shape)
        # model_utils.clone_many_times: every clone shares weight, bias and their gradients
        self.clones = [self.rnn.clone("weight", "bias") for _ in range(steps)]
        self.criteria = [self.criterion.clone() for _ in range(steps)]

    def zero_state(self, batch: int) -> list[np.ndarray]:
        return [np.zeros((batch, self.rnn_size), self.params.dtype)] * (2 * self.layers)

    def loss_and_gradient(self, x: np.ndarray, y: np.ndarray) -> float:
        """train.lua's ``feval``: forward through time, backward through time (in ``grads``).

        Returns the loss averaged over the steps; ``grads`` is the gradient of their sum, as in
        train.lua, which leaves ``grad_params:div(opt.seq_length)`` out (RMSprop undoes it).
        """
        self.grads.fill(0)
        state = [self.zero_state(len(x))]
        predictions, inputs, loss = [], [], 0.0
        for t in range(self.steps):
            self.clones[t].training()
            inputs.append([x[:, t], *state[t]])
            out = self.clones[t].forward(inputs[t])
            state.append(out[:-1])
            predictions.append(out[-1])
            loss += self.criteria[t].forward(predictions[t], y[:, t])
        loss /= self.steps
        d_state = self.zero_state(len(x))
        for t in reversed(range(self.steps)):
            d_log_probs = self.criteria[t].backward(predictions[t], y[:, t])
            grads = self.clones[t].backward(inputs[t], [*d_state, d_log_probs])
            d_state = grads[1:]  # grads[0] is OneHot's input: no gradient there
        return loss


def batches(text: str, batch: int, steps: int) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """char-rnn's CharSplitLMMinibatchLoader, in short: ids, and the next character to predict."""
    vocab = sorted(set(text))
    ids = np.array([vocab.index(c) for c in text])
    n = (len(ids) - 1) // (batch * steps) * batch * steps
    x = ids[:n].reshape(batch, -1)
    y = ids[1 : n + 1].reshape(batch, -1)
    return x, y, vocab


def train(
    iterations: int = 60,
    rnn_size: int = 32,
    layers: int = 2,
    steps: int = 16,
    batch: int = 8,
    lr: float = 2e-2,
    grad_clip: float = 5.0,
    dtype=np.float64,
    seed: int = 123,
) -> list[float]:
    """Train on :data:`TEXT` with RMSprop as train.lua does; return the loss of each iteration."""
    nncore.manual_seed(seed)
    x, y, vocab = batches(TEXT, batch, steps)
    model = CharRNN(len(vocab), rnn_size, layers, steps, dtype)
    mean_square = np.zeros_like(model.params)
    losses = []
    for i in range(iterations):
        start = (i * steps) % (x.shape[1] - steps + 1)
        window = slice(start, start + steps)
        losses.append(model.loss_and_gradient(x[:, window], y[:, window]))
        np.clip(model.grads, -grad_clip, grad_clip, out=model.grads)
        # optim.rmsprop with alpha 0.95, epsilon 1e-8
        mean_square *= 0.95
        mean_square += 0.05 * model.grads**2
        model.params -= lr * model.grads / (np.sqrt(mean_square) + 1e-8)
    return losses


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=60)
    parser.add_argument("--float", action="store_true", help="train in float32")
    args = parser.parse_args()
    losses = train(args.iterations, dtype=np.float32 if args.float else np.float64)
    for i in range(0, len(losses), 10):
        print(f"iteration {i:3d}: loss {losses[i]:.3f}")
    print(f"iteration {len(losses) - 1:3d}: loss {losses[-1]:.3f}")


if __name__ == "__main__":
    main()
