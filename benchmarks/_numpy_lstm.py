"""char-rnn's training iteration in bare numpy: the arithmetic of ``benchmarks/rnn.py``'s
network with no library around it, the floor a numpy-based implementation of the same
per-step computation can reach.

The network is ``rnn.TorchOps``'s (gates ``i, f, o, g`` in that order, ``i2h(x) + h2h(h)``,
a decoder and log-softmax, the mean ClassNLL of each step summed over the steps); forward and
backward through time are written out step by step, each product and elementwise pass done
once, in place where numpy allows.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def _sigmoid(x: np.ndarray) -> np.ndarray:
    e = np.exp(-x)
    e += 1
    return np.reciprocal(e, out=e)


class NumpyLSTM:
    """Parameters ``(w_i2h, b_i2h, w_h2h, b_h2h)`` per layer and ``(w_dec, b_dec)``, taken from
    a ``TorchOps`` network; :meth:`step` computes the loss and fills :attr:`grads`."""

    def __init__(self, torch_ops: Any, vocab: int, dtype: type) -> None:
        def array(tensor: Any) -> np.ndarray:
            return tensor.detach().numpy().astype(dtype)

        self.vocab, self.units, self.dtype = vocab, torch_ops.units, dtype
        self.layers = [
            [array(i2h.weight), array(i2h.bias), array(h2h.weight), array(h2h.bias)]
            for i2h, h2h in zip(torch_ops.i2h, torch_ops.h2h, strict=True)
        ]
        self.decoder = [array(torch_ops.decoder.weight), array(torch_ops.decoder.bias)]
        self.grads = [[np.zeros_like(p) for p in layer] for layer in self.layers]
        self.grads.append([np.zeros_like(p) for p in self.decoder])

    def step(self, x: np.ndarray, y: np.ndarray, clip: float) -> float:
        """Loss of the batch ``x`` (ids, ``(batch, steps)``) against ``y``, gradients clipped."""
        batch, steps = x.shape
        units, n_layers = self.units, len(self.layers)
        for group in self.grads:
            for g in group:
                g.fill(0)
        eye = np.eye(self.vocab, dtype=self.dtype)
        zeros = np.zeros((batch, units), self.dtype)
        c_prev, h_prev = [zeros] * n_layers, [zeros] * n_layers
        tape = []  # per step: the input of each layer, its gates, cells and outputs; log-probs
        loss = 0.0
        rows = np.arange(batch)
        w_dec, b_dec = self.decoder
        for t in range(steps):
            h_in = eye[x[:, t]]
            saved = []
            for layer, (w_i, b_i, w_h, b_h) in enumerate(self.layers):
                sums = h_in @ w_i.T
                sums += h_prev[layer] @ w_h.T
                sums += b_i
                sums += b_h
                gates = sums.reshape(batch, 4, units)
                ifo = _sigmoid(gates[:, :3])
                g = np.tanh(gates[:, 3])
                c = ifo[:, 1] * c_prev[layer]
                c += ifo[:, 0] * g
                tanh_c = np.tanh(c)
                h = ifo[:, 2] * tanh_c
                saved.append((h_in, h_prev[layer], c_prev[layer], ifo, g, tanh_c))
                c_prev[layer], h_prev[layer], h_in = c, h, h
            logits = h_in @ w_dec.T
            logits += b_dec
            logits -= logits.max(axis=1, keepdims=True)
            log_probs = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
            loss -= log_probs[rows, y[:, t]].mean()
            tape.append((saved, h_in, log_probs))
        dc_next = [zeros] * n_layers
        dh_next = [zeros] * n_layers
        for t in reversed(range(steps)):
            saved, top_h, log_probs = tape[t]
            d_logits = np.exp(log_probs)
            d_logits[rows, y[:, t]] -= 1
            d_logits /= batch
            self.grads[-1][0] += d_logits.T @ top_h
            self.grads[-1][1] += d_logits.sum(axis=0)
            dh = d_logits @ w_dec
            for layer in reversed(range(n_layers)):
                h_in, h_before, c_before, ifo, g, tanh_c = saved[layer]
                w_i, _, w_h, _ = self.layers[layer]
                dh = dh + dh_next[layer]
                dc = dh * ifo[:, 2] * (1 - tanh_c * tanh_c)
                dc += dc_next[layer]
                d_gates = np.empty((batch, 4, units), self.dtype)
                d_gates[:, 0] = dc * g
                d_gates[:, 1] = dc * c_before
                d_gates[:, 2] = dh * tanh_c
                d_gates[:, :3] *= ifo * (1 - ifo)
                d_gates[:, 3] = dc * ifo[:, 0] * (1 - g * g)
                d_sums = d_gates.reshape(batch, 4 * units)
                grads = self.grads[layer]
                grads[0] += d_sums.T @ h_in
                grads[2] += d_sums.T @ h_before
                bias = d_sums.sum(axis=0)
                grads[1] += bias
                grads[3] += bias
                dc_next[layer] = dc * ifo[:, 1]
                dh_next[layer] = d_sums @ w_h
                if layer:  # the one-hot characters need no gradient
                    dh = d_sums @ w_i
        for group in self.grads:
            for g in group:
                np.clip(g, -clip, clip, out=g)
        return float(loss)
