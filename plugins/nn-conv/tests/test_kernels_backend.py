"""NNCORE_NO_EXTENSIONS=1 selects the numpy twins; the backend is reported without imports."""

from __future__ import annotations

import os
import subprocess
import sys

SCRIPT = """
import sys
import numpy as np
from nn_conv import _plugin
from nn_conv._plugin import EXTENSIONS
backend = _plugin.nncore_backend()
compiled = [f"nn_conv.{name}" for name in EXTENSIONS]
assert not set(compiled) & set(sys.modules), "reporting the backend imported an extension"
from nn_conv import _backend
from nn_conv.spatial_convolution import SpatialConvolution
from nn_conv.lookup_table import LookupTable
out = SpatialConvolution(2, 3, 3, 3).forward(np.ones((2, 5, 5)))
assert out.shape == (3, 3, 3)
try:
    LookupTable(4, 2).forward(np.array([4]))
except IndexError:
    pass
else:
    raise AssertionError("no IndexError")
print(backend, "|", _backend.ACTIVE, "|", any(name in sys.modules for name in compiled))
"""


def run(no_extensions: bool) -> str:
    env = dict(os.environ)
    env.pop("NNCORE_NO_EXTENSIONS", None)
    if no_extensions:
        env["NNCORE_NO_EXTENSIONS"] = "1"
    done = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_no_extensions_selects_the_reference():
    reported, active, imported = run(True).split(" | ")
    assert reported.startswith("numpy reference")
    assert active == "numpy reference"
    assert imported == "False"


def test_default_reports_what_it_uses():
    reported, active, _ = run(False).split(" | ")
    assert reported == active or reported.startswith(active)


def test_an_extension_that_fails_to_import_selects_the_numpy_twins():
    script = """
import sys
sys.modules["nn_conv._pooling"] = None  # as if the extension were missing or broken
from nn_conv import _backend, _pooling_numpy
print(_backend.ACTIVE, "|", _backend.REASON, "|", _backend.max_pool2d is _pooling_numpy.max_pool2d,
      "|", _backend.team)
"""
    env = {k: v for k, v in os.environ.items() if k != "NNCORE_NO_EXTENSIONS"}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    active, reason, twin, team = done.stdout.strip().split(" | ")
    assert active == "numpy reference"
    assert reason.startswith("extension failed to import")
    assert twin == "True" and team == "None"
