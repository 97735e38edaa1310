"""Build nn-conv's Cython kernels (metadata lives in pyproject.toml).

One extension module per kernel family (``nn_conv/<family>.pyx``, its numpy twin beside it in
``<family>_numpy.py``), and ``_team``, the threads that share the per-example kernels' calls
and the layers' split calls (``nn_conv._threads``).  The kernels are serial and release the
GIL, so no OpenMP runtime is needed.
"""

from pathlib import Path

import numpy as np
from Cython.Build import cythonize
from setuptools import Extension, setup

extensions = [
    Extension(
        f"nn_conv.{source.stem}",
        [f"nn_conv/{source.name}"],
        include_dirs=[np.get_include()],
        define_macros=[("NPY_NO_DEPRECATED_API", "NPY_1_7_API_VERSION")],
        extra_compile_args=["-O3"],
    )
    for source in sorted(Path(__file__).parent.joinpath("nn_conv").glob("*.pyx"))
]
setup(ext_modules=cythonize(extensions, language_level=3))
