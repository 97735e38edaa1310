"""The conformance kit: checks every nncore module must pass, for anyone who writes modules.

>>> from nncore.testing import Case
"""

from __future__ import annotations

from .case import Case

__all__ = ["Case"]
