"""karpathy/char-rnn ported (examples/char_rnn): exact gradients through time for the three
models, training that learns, checkpoints, and sampling with temperature and priming."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

import nncore

EXAMPLES = Path(__file__).parents[1] / "examples"
sys.path.insert(0, str(EXAMPLES))

from char_rnn import sample as sample_script  # noqa: E402
from char_rnn import train as char_train  # noqa: E402
from char_rnn.checkpoint import load_checkpoint, save_checkpoint  # noqa: E402
from char_rnn.loader import CharSplitLMMinibatchLoader  # noqa: E402
from char_rnn.sample import sample  # noqa: E402


def options(tmp_path: Path, *more: str) -> object:
    return char_train.parse_options(["--checkpoint_dir", str(tmp_path / "cv"), *more])


def small_text(tmp_path: Path) -> str:
    folder = tmp_path / "data"
    folder.mkdir()
    rng = np.random.default_rng(0)
    (folder / "input.txt").write_text("".join(rng.choice(list("abcde"), 200)))
    return str(folder)


def test_the_loader_pairs_each_character_with_the_next(tmp_path):
    folder = tmp_path / "text"
    folder.mkdir()
    (folder / "input.txt").write_text("abcdefghijklmnopqrstuvwxyz")
    loader = CharSplitLMMinibatchLoader(folder, 2, 3, (0.5, 0.5, 0.0), verbose=False)
    # 26 characters cut to 24: two rows of 12 ids, split into 4 chunks of 3 columns
    assert loader.nbatches == 4 and loader.split_sizes == [2, 2, 0]
    x, y = loader.next_batch(0)
    np.testing.assert_array_equal(x, [[0, 1, 2], [12, 13, 14]])
    np.testing.assert_array_equal(y, [[1, 2, 3], [13, 14, 15]])
    loader.next_batch(0)
    x, _ = loader.next_batch(0)  # cycles back to the first training batch
    np.testing.assert_array_equal(x, [[0, 1, 2], [12, 13, 14]])
    x, y = loader.next_batch(1)  # validation starts after the training batches
    np.testing.assert_array_equal(x, [[6, 7, 8], [18, 19, 20]])
    loader.next_batch(1)
    _, y = loader.next_batch(1)
    loader.reset_batch_pointer(1, 0)
    _, y = loader.next_batch(1)
    np.testing.assert_array_equal(y[1], [22, 23, 0])  # the last target wraps round
    with pytest.raises(ValueError, match="split test, but this split has no data"):
        loader.next_batch(2)


@pytest.mark.parametrize("model", ["lstm", "gru", "rnn"])
def test_backpropagation_through_time_matches_finite_differences(tmp_path, model):
    opt = options(
        tmp_path, "--data_dir", small_text(tmp_path), "--model", model, "--rnn_size", "3",
        "--seq_length", "3", "--batch_size", "2", "--grad_clip", "1e9",
    )  # fmt: skip
    nncore.manual_seed(5)
    loader = CharSplitLMMinibatchLoader(opt.data_dir, 2, 3, (0.9, 0.1, 0.0), verbose=False)
    rnn = char_train.CharRNN(opt, loader)
    params = rnn.params
    params[...] = np.random.default_rng(6).uniform(-0.5, 0.5, params.size)

    def loss_on_first_batch() -> float:
        loader.reset_batch_pointer(0)
        rnn.init_state_global = rnn.init_state
        return rnn.feval(params)[0]

    loss_on_first_batch()
    analytic = rnn.grad_params.copy()
    numeric = np.zeros_like(analytic)
    for k in range(params.size):
        saved = params[k]
        params[k] = saved + 1e-6
        plus = loss_on_first_batch()
        params[k] = saved - 1e-6
        minus = loss_on_first_batch()
        params[k] = saved
        numeric[k] = (plus - minus) / 2e-6
    # the loss is the mean over the steps, the gradient that of their sum (as in train.lua)
    np.testing.assert_allclose(analytic, opt.seq_length * numeric, rtol=1e-5, atol=1e-8)


def test_lstm_forget_gate_biases_start_at_one_and_clones_train_the_flat_vector(tmp_path):
    opt = options(tmp_path, "--data_dir", small_text(tmp_path), "--rnn_size", "4")
    opt.seq_length, opt.batch_size = 3, 2
    loader = CharSplitLMMinibatchLoader(opt.data_dir, 2, 3, (0.9, 0.1, 0.0), verbose=False)
    rnn = char_train.CharRNN(opt, loader)
    graph = rnn.protos["rnn"]
    biases = [graph.get(n["module"]).bias for n in graph.config()["nodes"]
              if n["annotations"].get("name", "").startswith("i2h_")]  # fmt: skip
    assert len(biases) == 2
    for bias in biases:
        np.testing.assert_array_equal(bias[4:8], 1.0)
        assert np.abs(bias[:4]).max() <= 0.08 and np.abs(bias[8:]).max() <= 0.08
    for clone in rnn.clones["rnn"]:
        for p, g in zip(*clone.parameters(), strict=True):
            assert np.shares_memory(p, rnn.params) and np.shares_memory(g, rnn.grad_params)


@pytest.mark.parametrize("dtype", ["double", "float"])
def test_training_learns_the_text_and_saves_a_checkpoint(tmp_path, dtype, capsys):
    opt = options(
        tmp_path, "--rnn_size", "24", "--seq_length", "10", "--batch_size", "8",
        "--max_epochs", "0.1", "--learning_rate", "1e-2", "--print_every", "1000",
        "--learning_rate_decay", "0.5", "--learning_rate_decay_after", "0",
        *(["--float"] if dtype == "float" else []),
    )  # fmt: skip
    result = char_train.train(opt)
    losses = result["train_losses"]
    assert len(losses) == int(0.1 * 738)  # 738 training batches of 8 x 10 characters
    assert np.mean(losses[-10:]) < 0.8 * losses[0], losses
    rnn, info = load_checkpoint(result["checkpoint"])
    assert rnn.dtype == (np.float32 if dtype == "float" else np.float64)
    assert info["i"] == len(losses) and len(info["vocab"]) == 59
    assert info["val_loss"] == pytest.approx(list(result["val_losses"].values())[-1])
    assert "decayed learning rate" not in capsys.readouterr().out  # not a whole epoch yet


def test_learning_rate_decays_after_each_epoch(tmp_path, capsys):
    opt = options(
        tmp_path, "--data_dir", small_text(tmp_path), "--rnn_size", "4", "--seq_length", "5",
        "--batch_size", "4", "--max_epochs", "3", "--learning_rate", "0.01",
        "--learning_rate_decay", "0.5", "--learning_rate_decay_after", "2",
        "--print_every", "100",
    )  # fmt: skip
    char_train.train(opt)
    decays = [line for line in capsys.readouterr().out.splitlines() if "decayed" in line]
    # 200 characters: 10 batches of 4 x 5, 9 for training; decays at the ends of epochs 2, 3
    assert decays == [
        "decayed learning rate by a factor 0.5 to 0.005",
        "decayed learning rate by a factor 0.5 to 0.0025",
    ]


@pytest.fixture
def checkpoint(tmp_path):
    opt = options(tmp_path, "--rnn_size", "16", "--num_layers", "1", "--model", "gru")
    opt.seq_length = opt.batch_size = 4
    loader = CharSplitLMMinibatchLoader(opt.data_dir, 4, 4, (0.95, 0.05, 0), verbose=False)
    nncore.manual_seed(1)
    rnn = char_train.CharRNN(opt, loader)
    path = tmp_path / "model.nnc"
    save_checkpoint(path, rnn.protos["rnn"], {"opt": vars(opt), "vocab": loader.vocab_mapping})
    return path, loader.vocab_mapping


def test_sampling_writes_the_primetext_then_the_requested_length(checkpoint):
    path, vocab = checkpoint
    written: list[str] = []
    text = sample(path, length=40, primetext="MENENIUS:", write=written.append, verbose=0)
    assert text.startswith("MENENIUS:") and len(text) == 9 + 40
    assert set(text) <= set(vocab)
    assert "".join(written) == text + "\n"
    assert sample(path, 40, "MENENIUS:", write=len, verbose=0) == text  # same seed, same text
    assert sample(path, 40, "MENENIUS:", seed=7, write=len, verbose=0) != text


def test_a_cold_temperature_samples_the_most_likely_characters(checkpoint):
    path, _ = checkpoint
    greedy = sample(path, 30, "First", sample=0, write=len, verbose=0)
    cold = sample(path, 30, "First", temperature=1e-9, write=len, verbose=0)
    hot = sample(path, 30, "First", temperature=1e3, write=len, verbose=0)
    assert cold == greedy and hot != greedy
    with pytest.raises(ValueError, match=r"\['~'\] are not in the vocabulary"):
        sample(path, 3, "a~", write=len, verbose=0)


def test_the_sample_command_prints_only_the_text_when_quiet(checkpoint, capsys):
    path, _ = checkpoint
    sample_script.main([str(path), "--primetext", "First", "--length", "25", "--verbose", "0"])
    expected = sample(path, 25, "First", write=len, verbose=0)
    assert capsys.readouterr().out == expected + "\n"


def test_checkpoints_keep_the_parameters(checkpoint, tmp_path):
    path, _ = checkpoint
    rnn, info = load_checkpoint(path)
    again = tmp_path / "again.nnc"
    save_checkpoint(again, rnn, info)
    copy, _ = load_checkpoint(again)
    for a, b in zip(rnn.parameters()[0], copy.parameters()[0], strict=True):
        np.testing.assert_array_equal(a, b)
    assert info["opt"]["model"] == "gru" and np.abs(rnn.parameters()[0][0]).max() <= 0.08


def test_init_from_resumes_a_checkpoint_with_its_sizes(tmp_path, monkeypatch):
    first = options(
        tmp_path, "--model", "gru", "--rnn_size", "6", "--num_layers", "1", "--seq_length", "5",
        "--batch_size", "4", "--max_epochs", "0.01", "--savefile", "first",
    )  # fmt: skip
    saved = char_train.train(first)["checkpoint"]
    rnn, _ = load_checkpoint(saved)
    started_from = []

    class Recording(char_train.CharRNN):
        def __init__(self, *args: object) -> None:
            super().__init__(*args)
            started_from.append(self.params.copy())

    monkeypatch.setattr(char_train, "CharRNN", Recording)
    again = options(
        tmp_path, "--init_from", str(saved), "--rnn_size", "99", "--seq_length", "5",
        "--batch_size", "4", "--max_epochs", "0.01",
    )  # fmt: skip
    char_train.train(again)
    assert (again.model, again.rnn_size, again.num_layers) == ("gru", 6, 1)
    np.testing.assert_array_equal(started_from[0], np.concatenate(
        [p.ravel() for p in rnn.parameters()[0]]
    ))  # fmt: skip
    other = options(
        tmp_path, "--init_from", str(saved), "--data_dir", small_text(tmp_path),
        "--seq_length", "5", "--batch_size", "4",
    )  # fmt: skip
    with pytest.raises(ValueError, match="vocabulary for this dataset and the one in the saved"):
        char_train.train(other)


@pytest.mark.parametrize("model", ["lstm", "gru", "rnn"])
def test_dropout_acts_between_layers_in_training_only(model):
    from char_rnn.model import MODELS, state_per_layer

    nncore.manual_seed(8)
    net = MODELS[model](6, 5, 2, 0.5)
    assert len(net.find_modules("Dropout")[0]) == 2  # after layer 1 and before the decoder
    inputs = [np.array([1, 4, 2])] + [np.full((3, 5), 0.3)] * (2 * state_per_layer(model))
    net.evaluate()
    first = net.forward(inputs)[-1].copy()
    np.testing.assert_array_equal(net.forward(inputs)[-1], first)
    net.training()
    assert not np.array_equal(net.forward(inputs)[-1], net.forward(inputs)[-1].copy())
