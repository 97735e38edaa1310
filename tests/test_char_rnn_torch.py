"""One char-rnn LSTM training step (examples/char_rnn) against PyTorch's autograd of the same
network written in torch ops, with the same weights: the clipped gradients agree to 1e-10.

Runs where PyTorch is installed (``nox -s crosscheck``); torch is never a runtime dependency.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

import nncore

torch = pytest.importorskip("torch")

sys.path.insert(0, str(Path(__file__).parents[1] / "examples"))

from char_rnn import train as char_train  # noqa: E402
from char_rnn.loader import CharSplitLMMinibatchLoader  # noqa: E402


def linear_maps(graph: nncore.Module) -> dict[str, nncore.Module]:
    """``{"i2h_1": Linear, ..., "decoder": Linear}``: the modules of the annotated nodes."""
    found = {}
    for node in graph.config()["nodes"]:
        name = node["annotations"].get("name")
        if name is not None:
            found[name] = graph.get(node["module"])
    return found


def torch_loss(maps, x_ids, y_ids, vocab: int, rnn_size: int, layers: int):
    """The summed NLL over the steps of train.lua's forward pass, in torch ops."""
    tensors = {
        name: tuple(torch.tensor(a, requires_grad=True) for a in (m.weight, m.bias))
        for name, m in maps.items()
    }
    batch = x_ids.shape[1]
    state = [torch.zeros(batch, rnn_size, dtype=torch.float64) for _ in range(2 * layers)]
    total = torch.zeros((), dtype=torch.float64)
    for t in range(x_ids.shape[0]):
        x = torch.nn.functional.one_hot(torch.tensor(x_ids[t]), vocab).double()
        new_state = []
        for layer in range(1, layers + 1):
            prev_c, prev_h = state[2 * layer - 2], state[2 * layer - 1]
            wi, bi = tensors[f"i2h_{layer}"]
            wh, bh = tensors[f"h2h_{layer}"]
            sums = (x @ wi.T + bi + prev_h @ wh.T + bh).reshape(batch, 4, rnn_size)
            in_gate, forget_gate, out_gate = (torch.sigmoid(sums[:, k]) for k in range(3))
            in_transform = torch.tanh(sums[:, 3])
            next_c = forget_gate * prev_c + in_gate * in_transform
            next_h = out_gate * torch.tanh(next_c)
            new_state += [next_c, next_h]
            x = next_h
        state = new_state
        wd, bd = tensors["decoder"]
        log_probs = torch.log_softmax(x @ wd.T + bd, dim=1)
        total = total + torch.nn.functional.nll_loss(log_probs, torch.tensor(y_ids[t]))
    return total, tensors


def test_one_lstm_training_step_matches_autograd(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    rng = np.random.default_rng(0)
    (folder / "input.txt").write_text("".join(rng.choice(list("abcdefg"), 300)))
    opt = char_train.parse_options(
        ["--data_dir", str(folder), "--rnn_size", "8", "--seq_length", "5", "--batch_size", "3",
         "--grad_clip", "0.05", "--checkpoint_dir", str(tmp_path)]
    )  # fmt: skip
    nncore.manual_seed(4)
    loader = CharSplitLMMinibatchLoader(folder, 3, 5, (0.95, 0.05, 0.0), verbose=False)
    model = char_train.CharRNN(opt, loader)
    model.params[...] = rng.uniform(-0.5, 0.5, model.params.size)  # gates far from linear
    maps = linear_maps(model.protos["rnn"])
    assert sorted(maps) == ["decoder", "h2h_1", "h2h_2", "i2h_1", "i2h_2"]

    loss, grads = model.feval(model.params)
    x_ids, y_ids = loader.x_batches[0].T, loader.y_batches[0].T  # feval's batch, time first

    total, tensors = torch_loss(maps, x_ids, y_ids, loader.vocab_size, 8, 2)
    total.backward()
    assert loss == pytest.approx(total.item() / 5, rel=1e-12)
    # each Linear's gradients are views into the flat (clipped) gradient feval returned
    for name, module in maps.items():
        weight, bias = tensors[name]
        for ours, theirs in ((module.grad_weight, weight), (module.grad_bias, bias)):
            assert np.shares_memory(ours, grads)
            expected = theirs.grad.clamp(-0.05, 0.05).numpy()
            assert np.abs(ours - expected).max() <= 1e-10, name
    assert np.abs(grads).max() == pytest.approx(0.05)  # the clipping was reached
