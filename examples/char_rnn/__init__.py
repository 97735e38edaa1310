"""karpathy/char-rnn ported to nncore: multi-layer LSTM, GRU and RNN character-level language
models built with nngraph, trained with ``optim.rmsprop`` through clones in time, and sampled
with temperature and priming (``train.py``, ``sample.py``; see ``examples/README.md``)."""
