"""Build nn-conv's Cython kernels (metadata lives in pyproject.toml).

The kernels are serial and release the GIL; the layers split large batches across threads
themselves (``nn_conv._threads``), so no OpenMP runtime is needed.
"""

import numpy as np
from Cython.Build import cythonize
from setuptools import Extension, setup

extension = Extension(
    "nn_conv._kernels",
    ["nn_conv/_kernels.pyx"],
    include_dirs=[np.get_include()],
    define_macros=[("NPY_NO_DEPRECATED_API", "NPY_1_7_API_VERSION")],
    extra_compile_args=["-O3"],
)
setup(ext_modules=cythonize([extension], language_level=3))
