"""NNCORE_NO_EXTENSIONS=1 selects the numpy reference; the backend is reported without imports."""

from __future__ import annotations

import os
import subprocess
import sys

SCRIPT = """
import sys
import numpy as np
from nn_conv import _plugin
backend = _plugin.nncore_backend()
assert "nn_conv._kernels" not in sys.modules, "reporting the backend imported the extension"
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
print(backend, "|", _backend.ACTIVE, "|", "nn_conv._kernels" in sys.modules)
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
