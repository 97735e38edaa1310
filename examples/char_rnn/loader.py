"""char-rnn's ``util/CharSplitLMMinibatchLoader.lua``: a text as train/val/test minibatches.

The text is mapped to ids through its sorted set of characters (0-based here), cut so that it
divides into ``batch_size`` rows of whole ``seq_length`` chunks, and each chunk is paired with
the same chunk shifted by one character (the character to predict; the last one wraps round to
the first).  Lua cached the ids in ``vocab.t7``/``data.t7`` beside the text; the texts here are
small enough to read each time.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

SPLIT_NAMES = ("train", "val", "test")


def text_to_ids(text: str) -> tuple[np.ndarray, dict[str, int]]:
    """``text_to_tensor``: the ids of ``text``'s characters and the vocabulary ``{char: id}``,
    ids given in sorted character order."""
    vocab_mapping = {char: i for i, char in enumerate(sorted(set(text)))}
    data = np.array([vocab_mapping[c] for c in text], dtype=np.int64)
    return data, vocab_mapping


class CharSplitLMMinibatchLoader:
    """Minibatches ``(x, y)`` of shape ``(batch_size, seq_length)`` from ``data_dir/input.txt``.

    ``split_fractions`` is ``(train, val, test)``; split indices are 0 (train), 1 (val) and 2
    (test), where Lua counted from 1.
    """

    def __init__(
        self,
        data_dir: str | Path,
        batch_size: int,
        seq_length: int,
        split_fractions: tuple[float, float, float],
        verbose: bool = True,
    ) -> None:
        say = print if verbose else _quiet
        data, self.vocab_mapping = text_to_ids((Path(data_dir) / "input.txt").read_text())
        # cut off the end so that it divides evenly
        length = len(data)
        if length % (batch_size * seq_length) != 0:
            say("cutting off end of data so that the batches/sequences divide evenly")
            data = data[: batch_size * seq_length * (length // (batch_size * seq_length))]
        if len(data) == 0:
            raise ValueError(
                f"{data_dir}/input.txt: expected at least batch_size * seq_length = "
                f"{batch_size * seq_length} characters, got {length}"
            )
        self.vocab_size = len(self.vocab_mapping)
        self.batch_size, self.seq_length = batch_size, seq_length
        ydata = data.copy()
        ydata[:-1] = data[1:]
        ydata[-1] = data[0]
        nbatches = len(data) // (batch_size * seq_length)
        self.x_batches = np.split(data.reshape(batch_size, -1), nbatches, axis=1)
        self.y_batches = np.split(ydata.reshape(batch_size, -1), len(self.x_batches), axis=1)
        self.nbatches = len(self.x_batches)
        if self.nbatches < 50:  # lets try to be helpful here
            say(
                "WARNING: less than 50 batches in the data in total? Looks like very small "
                "dataset. You probably want to use smaller batch_size and/or seq_length."
            )
        for name, fraction in zip(SPLIT_NAMES, split_fractions, strict=True):
            if not 0 <= fraction <= 1:
                raise ValueError(f"bad split fraction {fraction} for {name}, not between 0 and 1")
        self.ntrain = int(self.nbatches * split_fractions[0])
        if split_fractions[2] == 0:  # the common case of no test set
            self.nval = self.nbatches - self.ntrain
            self.ntest = 0
        else:  # the rest goes to test, so that the sizes add up exactly
            self.nval = int(self.nbatches * split_fractions[1])
            self.ntest = self.nbatches - self.nval - self.ntrain
        self.split_sizes = [self.ntrain, self.nval, self.ntest]
        self.batch_ix = [-1, -1, -1]
        say(
            f"data load done. Number of data batches in train: {self.ntrain}, "
            f"val: {self.nval}, test: {self.ntest}"
        )

    def reset_batch_pointer(self, split_index: int, batch_index: int = -1) -> None:
        """The next :meth:`next_batch` of ``split_index`` returns batch ``batch_index + 1``."""
        self.batch_ix[split_index] = batch_index

    def next_batch(self, split_index: int) -> tuple[np.ndarray, np.ndarray]:
        """The next ``(x, y)`` of split ``split_index`` (0 train, 1 val, 2 test), cycling."""
        if self.split_sizes[split_index] == 0:
            raise ValueError(
                f"requested a batch for split {SPLIT_NAMES[split_index]}, but this split has "
                "no data"
            )
        self.batch_ix[split_index] += 1
        if self.batch_ix[split_index] >= self.split_sizes[split_index]:
            self.batch_ix[split_index] = 0  # cycle around to the beginning
        ix = self.batch_ix[split_index] + sum(self.split_sizes[:split_index])
        return self.x_batches[ix], self.y_batches[ix]


def _quiet(*_: object) -> None:
    """A ``print`` that prints nothing."""
