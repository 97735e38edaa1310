"""``python -m nncore.cli``: the ``nncore`` command."""

from . import main

raise SystemExit(main())
