"""nncore's call hooks (``Module.__call__``), which graph building relies on."""

from __future__ import annotations

import numpy as np
import pytest

import nncore._hooks
from nncore import nn
from nncore._hooks import NO_INPUT, register_call_hook


class Token:
    """A stand-in for another plugin's node type."""


@pytest.fixture
def hooks(monkeypatch):
    """A private copy of the hook list, so the hooks registered here do not outlive the test."""
    monkeypatch.setattr(nncore._hooks, "_call_hooks", list(nncore._hooks._call_hooks))
    calls = []

    def handler(module, input):
        calls.append((module, input))
        return "handled"

    register_call_hook((Token,), handler)
    register_call_hook((Token,), handler)  # registering twice changes nothing
    assert sum(h is handler for _, h in nncore._hooks._call_hooks) == 1
    return calls


def test_registered_types_go_to_the_handler(hooks):
    tanh = nn.Tanh()
    token = Token()
    assert tanh(token) == "handled" and tanh([np.ones(2), token]) == "handled"
    assert hooks == [(tanh, token), (tanh, [hooks[1][1][0], token])]


def test_arrays_and_other_values_still_run_forward(hooks):
    tanh = nn.Tanh()
    np.testing.assert_allclose(tanh(np.zeros(2)), np.zeros(2), rtol=0)
    np.testing.assert_allclose(nn.CAddTable()([np.ones(2), np.ones(2)]), 2 * np.ones(2), rtol=0)
    assert hooks == []


def test_a_call_without_input_reaches_the_first_handler(monkeypatch):
    monkeypatch.setattr(nncore._hooks, "_call_hooks", [])
    seen = []
    register_call_hook((Token,), lambda module, input: seen.append(input) or "made")
    monkeypatch.setattr(nncore.registry(), "_call_handlers_installed", True)
    assert nn.Identity()() == "made" and seen == [NO_INPUT]
