"""char-rnn's ``sample.lua``: sample text from a checkpoint of a character-level model.

    cd examples
    python -m char_rnn.sample cv/lm_lstm_epoch1.00_2.4012.nnc --primetext "MENENIUS:" \\
        --length 300 --temperature 0.8

The network is run one character at a time from a zero state, first over ``primetext`` (its
characters are written out as they are fed), then ``length`` times over the character it chose:
the most likely one with ``--sample 0``, otherwise one drawn from the predicted distribution
sharpened (temperature below 1) or flattened (above 1) by the temperature.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np

import nncore

from .checkpoint import load_checkpoint
from .model import state_per_layer


def sample(
    model: str | Path,
    length: int = 2000,
    primetext: str = "",
    temperature: float = 1.0,
    sample: int = 1,
    seed: int = 123,
    write: Callable[[str], object] | None = None,
    verbose: int = 1,
) -> str:
    """Write ``primetext`` and ``length`` sampled characters with ``write`` (by default to
    standard output); return them."""
    write = write or sys.stdout.write
    gprint = print if verbose == 1 else _quiet  # gated print
    nncore.manual_seed(seed)
    generator = nncore.random.generator()
    rnn, checkpoint = load_checkpoint(model)
    rnn.evaluate()  # put in eval mode so that dropout works properly
    # initialize the vocabulary (and its inverted version)
    vocab: dict[str, int] = checkpoint["vocab"]
    ivocab = {i: c for c, i in vocab.items()}
    # initialize the rnn state to all zeros
    opt = checkpoint["opt"]
    gprint(f"creating an {opt['model']}...")
    h_init = np.zeros((1, opt["rnn_size"]), rnn.dtype)
    state_size = opt["num_layers"] * state_per_layer(opt["model"])
    current_state = [h_init.copy() for _ in range(state_size)]
    written: list[str] = []

    def emit(char: str) -> None:
        written.append(char)
        write(char)

    # do a few seeded timesteps
    if primetext:
        unknown = sorted(set(primetext) - set(vocab))
        if unknown:
            raise ValueError(f"primetext: characters {unknown} are not in the vocabulary")
        gprint(f"seeding with {primetext}")
        gprint("--------------------------")
        for c in primetext:
            prev_char = np.array([vocab[c]])
            emit(ivocab[int(prev_char[0])])
            lst = rnn.forward([prev_char, *current_state])
            # lst is [state_1, ..., state_N, output]: everything but the last piece
            current_state = lst[:state_size]
            prediction = lst[-1]  # the last element holds the log probabilities
    else:
        # fill with uniform probabilities over characters (? hmm)
        gprint("missing seed text, using uniform probability over first character")
        gprint("--------------------------")
        prediction = np.full((1, len(ivocab)), 1.0 / len(ivocab))
    # start sampling/argmaxing
    for _ in range(length):
        # log probabilities from the previous timestep
        if sample == 0:
            prev_char = prediction.argmax(1)  # use argmax
        else:  # use sampling
            scaled = prediction / temperature  # scale by temperature
            probs = np.exp(scaled - scaled.max()).ravel()  # shifted: exp cannot overflow
            probs /= probs.sum()  # renormalize so probs sum to one
            prev_char = np.array([generator.choice(len(probs), p=probs)])
        # forward the rnn for the next character
        lst = rnn.forward([prev_char, *current_state])
        current_state = lst[:state_size]
        prediction = lst[-1]
        emit(ivocab[int(prev_char[0])])
    write("\n")
    return "".join(written)


def _quiet(*_: object) -> None:
    """A ``print`` that prints nothing."""


def main(argv: list[str] | None = None) -> None:
    """``th sample.lua <model> [options]``."""
    cmd = argparse.ArgumentParser(description="Sample from a character-level language model")
    cmd.add_argument("model", help="model checkpoint to use for sampling")
    cmd.add_argument("--seed", type=int, default=123, help="random number generator's seed")
    cmd.add_argument("--sample", type=int, default=1, help="0: argmax; 1: sample each step")
    cmd.add_argument("--primetext", default="", help="prompt to seed the state with")
    cmd.add_argument("--length", type=int, default=2000, help="number of characters to sample")
    cmd.add_argument("--temperature", type=float, default=1.0, help="temperature of sampling")
    cmd.add_argument("--verbose", type=int, default=1, help="0: only print the sampled text")
    opt = cmd.parse_args(argv)
    sample(
        opt.model, opt.length, opt.primetext, opt.temperature, opt.sample, opt.seed,
        verbose=opt.verbose,
    )  # fmt: skip


if __name__ == "__main__":
    main()
