"""Build nn-conv's Cython kernels (metadata lives in pyproject.toml).

One extension module per kernel family (``nn_conv/<family>.pyx``, its numpy twin beside it in
``<family>_numpy.py``), and ``_team``, the threads that share the per-example kernels' calls
and the layers' split calls (``nn_conv._threads``).  The kernels are serial and release the
GIL, so no OpenMP runtime is needed.

The extensions link against the C library only (BLAS comes from scipy at run time, through
``scipy.linalg.cython_blas``), so the run-time library path that some Python builds add to every
extension's link line (``-Wl,-rpath,<the interpreter's lib directory>``, e.g. pyenv's) is left out:
it would point wheels at a folder of the build machine.
"""

from pathlib import Path

import numpy as np
from Cython.Build import cythonize
from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext


class BuildExtWithoutRpath(build_ext):
    """``build_ext`` without the interpreter's ``-Wl,-rpath,...`` on the link line, compiling
    the extensions in parallel (one per core) unless ``--parallel`` says otherwise."""

    def finalize_options(self) -> None:
        super().finalize_options()
        if not self.parallel:
            self.parallel = True  # as many as os.cpu_count()

    def build_extensions(self) -> None:
        for attribute in ("linker_so", "linker_so_cxx"):
            linker = getattr(self.compiler, attribute, None)
            if isinstance(linker, list):
                kept = [arg for arg in linker if not arg.startswith(("-Wl,-rpath", "-Wl,-R"))]
                setattr(self.compiler, attribute, kept)
        super().build_extensions()


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
setup(
    ext_modules=cythonize(extensions, language_level=3),
    cmdclass={"build_ext": BuildExtWithoutRpath},
)
