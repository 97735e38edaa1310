"""Build nn-conv's Cython kernels (metadata lives in pyproject.toml).

OpenMP threads the data-movement loops when the compiler supports it; without it the same
code builds serially (``prange`` becomes a plain loop).
"""

import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np
from Cython.Build import cythonize
from setuptools import Extension, setup


def openmp_flags() -> list[str]:
    """``["-fopenmp"]`` if the C compiler accepts it, else ``[]`` (``NNCONV_NO_OPENMP=1``: off)."""
    if os.environ.get("NNCONV_NO_OPENMP") or sys.platform == "win32":
        return []
    compiler = os.environ.get("CC", "cc")
    if shutil.which(compiler.split()[0]) is None:
        return []
    with tempfile.TemporaryDirectory() as tmp:
        source = os.path.join(tmp, "probe.c")
        with open(source, "w") as handle:
            handle.write("#include <omp.h>\nint main(void) { return omp_get_max_threads() < 1; }\n")
        command = [*compiler.split(), "-fopenmp", source, "-o", os.path.join(tmp, "probe")]
        ok = subprocess.run(command, capture_output=True).returncode == 0
    return ["-fopenmp"] if ok else []


omp = openmp_flags()
extension = Extension(
    "nn_conv._kernels",
    ["nn_conv/_kernels.pyx"],
    include_dirs=[np.get_include()],
    define_macros=[("NPY_NO_DEPRECATED_API", "NPY_1_7_API_VERSION")],
    extra_compile_args=["-O3", *omp],
    extra_link_args=omp,
)
setup(ext_modules=cythonize([extension], language_level=3))
