"""char-rnn's ``train.lua``: train a character-level multi-layer RNN on text data.

    cd examples
    python -m char_rnn.train                      # LSTM on data/tinyshakespeare
    python -m char_rnn.train --model gru --rnn_size 64 --max_epochs 2
    python -m char_rnn.sample cv/lm_lstm_epoch2.00_1.9876.nnc --length 200

The options keep train.lua's names and defaults, less the GPU ones (``--float`` converts the
networks to float32 where Lua shipped them to the GPU with ``:cuda()``).  As in Lua, one
prototype network is built (LSTM, GRU or RNN), its parameters flattened into one vector
(``combine_all_parameters``), initialised uniformly in [-0.08, 0.08] (forget-gate biases 1),
and cloned once per time step (``clone_many_times``); ``feval`` runs forward and backward
through time over a minibatch and clips the gradient, ``optim.rmsprop`` steps, the learning
rate decays once per epoch after ``learning_rate_decay_after`` epochs, and a checkpoint is
saved every ``eval_val_every`` iterations with the validation loss.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

import numpy as np

import nncore
from nncore import nn, optim
from nncore.model_utils import clone_many_times, combine_all_parameters

from .checkpoint import load_checkpoint, save_checkpoint
from .loader import CharSplitLMMinibatchLoader
from .model import MODELS, state_per_layer

DATA_DIR = Path(__file__).parent / "data" / "tinyshakespeare"


def parse_options(argv: list[str] | None = None) -> argparse.Namespace:
    """train.lua's ``cmd:option`` list (the same names and defaults)."""
    cmd = argparse.ArgumentParser(description="Train a character-level language model")
    # data
    cmd.add_argument("--data_dir", default=str(DATA_DIR), help="directory of input.txt")
    # model params
    cmd.add_argument("--rnn_size", type=int, default=128, help="size of LSTM internal state")
    cmd.add_argument("--num_layers", type=int, default=2, help="number of layers in the LSTM")
    cmd.add_argument("--model", default="lstm", choices=sorted(MODELS), help="lstm, gru or rnn")
    # optimization
    cmd.add_argument("--learning_rate", type=float, default=2e-3, help="learning rate")
    cmd.add_argument("--learning_rate_decay", type=float, default=0.97)
    cmd.add_argument(
        "--learning_rate_decay_after",
        type=float,
        default=10,
        help="in number of epochs, when to start decaying the learning rate",
    )
    cmd.add_argument("--decay_rate", type=float, default=0.95, help="decay rate for rmsprop")
    cmd.add_argument("--dropout", type=float, default=0.0, help="dropout after each layer")
    cmd.add_argument("--seq_length", type=int, default=50, help="timesteps to unroll for")
    cmd.add_argument("--batch_size", type=int, default=50, help="sequences trained in parallel")
    cmd.add_argument("--max_epochs", type=float, default=50, help="passes through the data")
    cmd.add_argument("--grad_clip", type=float, default=5.0, help="clip gradients at this value")
    cmd.add_argument("--train_frac", type=float, default=0.95, help="fraction for training")
    cmd.add_argument("--val_frac", type=float, default=0.05, help="fraction for validation")
    cmd.add_argument("--init_from", default="", help="initialize from this checkpoint")
    # bookkeeping
    cmd.add_argument("--seed", type=int, default=123, help="random number generator seed")
    cmd.add_argument("--print_every", type=int, default=1, help="steps between loss prints")
    cmd.add_argument("--eval_val_every", type=int, default=1000, help="steps between evals")
    cmd.add_argument("--checkpoint_dir", default="cv", help="where checkpoints are written")
    cmd.add_argument("--savefile", default="lstm", help="checkpoint file name stem")
    # in place of gpuid/opencl
    cmd.add_argument("--float", action="store_true", help="train in float32")
    return cmd.parse_args(argv)


class CharRNN:
    """The prototypes (``rnn``, ``criterion``), their flat parameters, their clones in time,
    and train.lua's ``feval`` and ``eval_split`` over ``loader``."""

    def __init__(
        self,
        opt: argparse.Namespace,
        loader: CharSplitLMMinibatchLoader,
        protos: dict[str, Any] | None = None,
    ) -> None:
        self.opt, self.loader = opt, loader
        do_random_init = protos is None
        if protos is None:
            print(f"creating an {opt.model} with {opt.num_layers} layers")
            build = MODELS[opt.model]
            protos = {
                "rnn": build(loader.vocab_size, opt.rnn_size, opt.num_layers, opt.dropout),
                "criterion": nn.ClassNLLCriterion(),
            }
        self.protos = protos
        dtype = np.float32 if opt.float else np.float64
        for proto in protos.values():
            proto.type(dtype)
        # the initial state of the cell/hidden states
        h_init = np.zeros((opt.batch_size, opt.rnn_size), dtype)
        self.init_state = [
            h_init.copy() for _ in range(opt.num_layers * state_per_layer(opt.model))
        ]
        # put the above things into one flattened parameters vector
        self.params, self.grad_params = combine_all_parameters(protos["rnn"])
        if do_random_init:
            self.params[...] = nncore.random.generator().uniform(-0.08, 0.08, self.params.size)
        if opt.model == "lstm":
            self.set_forget_gate_biases(1.0)
        print(f"number of parameters in the model: {self.params.size}")
        # make a bunch of clones after flattening, as that reallocates memory
        self.clones = {}
        for name, proto in protos.items():
            print(f"cloning {name}")
            self.clones[name] = clone_many_times(proto, opt.seq_length)
        self.init_state_global = [s.copy() for s in self.init_state]

    def set_forget_gate_biases(self, value: float) -> None:
        """Initialise the LSTM forget gates with slightly higher biases to encourage
        remembering in the beginning (the ``i2h_L`` nodes; the gates are, in order, i, f, o,
        g, so f is the second block)."""
        rnn, size = self.protos["rnn"], self.opt.rnn_size
        for layer_idx in range(1, self.opt.num_layers + 1):
            for node in rnn.config()["nodes"]:  # the graph's forward nodes
                if node["annotations"].get("name") == f"i2h_{layer_idx}":
                    print(f"setting forget gate biases to 1 in LSTM layer {layer_idx}")
                    rnn.children()[node["module"]].bias[size : 2 * size] = value

    def eval_split(self, split_index: int, max_batches: int | None = None) -> float:
        """The loss over an entire split (0 train, 1 val, 2 test), carrying the state over."""
        print(f"evaluating loss over split index {split_index}")
        n = self.loader.split_sizes[split_index]
        if max_batches is not None:
            n = min(max_batches, n)
        self.loader.reset_batch_pointer(split_index)
        loss = 0.0
        rnn_state = self.init_state
        for i in range(n):
            x, y = self.loader.next_batch(split_index)
            x, y = x.T, y.T  # time first, for faster indexing
            for t in range(self.opt.seq_length):
                clone = self.clones["rnn"][t].evaluate()  # for dropout proper functioning
                lst = clone.forward([x[t], *rnn_state])
                rnn_state = lst[:-1]
                loss += self.clones["criterion"][t].forward(lst[-1], y[t])
            print(f"{i + 1}/{n}...")
        return loss / self.opt.seq_length / n

    def feval(self, x: np.ndarray) -> tuple[float, np.ndarray]:
        """Forward and backward through time over the next training batch; the loss (averaged
        over the steps) and the clipped gradient of its sum (as in Lua, which leaves
        ``grad_params:div(opt.seq_length)`` out: rmsprop undoes it)."""
        if x is not self.params:
            self.params[...] = x
        self.grad_params.fill(0)
        rnn, criterion, steps = self.clones["rnn"], self.clones["criterion"], self.opt.seq_length
        # get minibatch
        x_ids, y_ids = self.loader.next_batch(0)
        x_ids, y_ids = x_ids.T, y_ids.T
        # forward pass
        rnn_state = [self.init_state_global]
        predictions, loss = [], 0.0
        for t in range(steps):
            rnn[t].training()  # make sure we are in correct mode (this is cheap, sets flag)
            lst = rnn[t].forward([x_ids[t], *rnn_state[t]])
            rnn_state.append(lst[:-1])  # the state, without the output
            predictions.append(lst[-1])  # the last element is the prediction
            loss += criterion[t].forward(predictions[t], y_ids[t])
        loss /= steps
        # backward pass: the gradient at the last step has no influence from the future
        drnn_state = [np.zeros_like(s) for s in self.init_state]
        for t in reversed(range(steps)):
            doutput_t = criterion[t].backward(predictions[t], y_ids[t])
            dlst = rnn[t].backward([x_ids[t], *rnn_state[t]], [*drnn_state, doutput_t])
            drnn_state = dlst[1:]  # dlst[0] is the gradient on x, which we do not need
        # transfer the final state to the initial state (BPTT)
        self.init_state_global = rnn_state[-1]
        # clip the gradient element-wise
        np.clip(self.grad_params, -self.opt.grad_clip, self.opt.grad_clip, out=self.grad_params)
        return float(loss), self.grad_params


def train(opt: argparse.Namespace) -> dict[str, Any]:
    """train.lua's main loop; returns the training losses, the validation losses (by
    iteration) and the path of the last checkpoint."""
    nncore.manual_seed(opt.seed)
    # train / val / test split for data, in fractions
    test_frac = max(0.0, 1 - (opt.train_frac + opt.val_frac))
    split_sizes = (opt.train_frac, opt.val_frac, test_frac)
    loader = CharSplitLMMinibatchLoader(opt.data_dir, opt.batch_size, opt.seq_length, split_sizes)
    vocab = loader.vocab_mapping
    print(f"vocab size: {loader.vocab_size}")
    Path(opt.checkpoint_dir).mkdir(parents=True, exist_ok=True)
    protos = None
    if opt.init_from:
        print(f"loading a model from checkpoint {opt.init_from}")
        rnn, checkpoint = load_checkpoint(opt.init_from)
        if checkpoint["vocab"] != vocab:  # make sure the vocabs are the same
            raise ValueError(
                "error, the character vocabulary for this dataset and the one in the saved "
                "checkpoint are not the same. This is trouble."
            )
        saved = checkpoint["opt"]
        print(
            f"overwriting rnn_size={saved['rnn_size']}, num_layers={saved['num_layers']}, "
            f"model={saved['model']} based on the checkpoint."
        )
        opt.rnn_size, opt.num_layers, opt.model = (
            saved["rnn_size"],
            saved["num_layers"],
            saved["model"],
        )
        protos = {"rnn": rnn, "criterion": nn.ClassNLLCriterion()}
    model = CharRNN(opt, loader, protos)
    params, grad_params = model.params, model.grad_params

    # start optimization here
    train_losses: list[float] = []
    val_losses: dict[int, float] = {}
    optim_state: dict[str, Any] = {"learning_rate": opt.learning_rate, "alpha": opt.decay_rate}
    iterations = int(opt.max_epochs * loader.ntrain)
    loss0 = None
    savefile = None
    for i in range(1, iterations + 1):
        epoch = i / loader.ntrain
        timer = time.perf_counter()
        _, loss = optim.rmsprop(model.feval, params, optim_state)
        elapsed = time.perf_counter() - timer
        train_loss = loss[0]  # the loss is inside a list, pop it
        train_losses.append(train_loss)
        # exponential learning rate decay
        if i % loader.ntrain == 0 and opt.learning_rate_decay < 1:
            if epoch >= opt.learning_rate_decay_after:
                decay_factor = opt.learning_rate_decay
                optim_state["learning_rate"] *= decay_factor
                rate = optim_state["learning_rate"]
                print(f"decayed learning rate by a factor {decay_factor} to {rate}")
        # every now and then or on the last iteration
        if i % opt.eval_val_every == 0 or i == iterations:
            val_loss = model.eval_split(1)  # 1 = validation
            val_losses[i] = val_loss
            savefile = Path(opt.checkpoint_dir) / (
                f"lm_{opt.savefile}_epoch{epoch:.2f}_{val_loss:.4f}.nnc"
            )
            print(f"saving checkpoint to {savefile}")
            info = {
                "opt": vars(opt),
                "train_losses": train_losses,
                "val_loss": val_loss,
                # a saved dict's keys are strings (Lua's table had the iterations as keys)
                "val_losses": {str(k): v for k, v in val_losses.items()},
                "i": i,
                "epoch": epoch,
                "vocab": vocab,
            }
            save_checkpoint(savefile, model.protos["rnn"], info)
        if i % opt.print_every == 0:
            ratio = np.linalg.norm(grad_params) / np.linalg.norm(params)
            print(
                f"{i}/{iterations} (epoch {epoch:.3f}), train_loss = {train_loss:6.8f}, "
                f"grad/param norm = {ratio:6.4e}, time/batch = {elapsed:.4f}s"
            )
        # handle early stopping if things are going really bad
        if train_loss != train_loss:
            print("loss is NaN.  This usually indicates a bug.")
            break  # halt
        if loss0 is None:
            loss0 = train_loss
        if train_loss > loss0 * 3:
            print("loss is exploding, aborting.")
            break  # halt
    return {"train_losses": train_losses, "val_losses": val_losses, "checkpoint": savefile}


def main(argv: list[str] | None = None) -> None:
    """``th train.lua [options]``."""
    train(parse_options(argv))


if __name__ == "__main__":
    main()
