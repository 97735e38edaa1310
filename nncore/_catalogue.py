"""Which distribution provides which torch/nn name: what nncore knows about plugins it cannot see.

The registry answers from installed plugins; this table lets ``nn.JoinTable`` say
``pip install nn-table`` when nn-table is absent, tells the scaffold which import names are
taken, gives torch/nn's names their meaning (see ``_names``) and lists nncore's own
distributions.  It is generated from the plugins' registrations: ``python -m nncore.cli.catalogue``
rewrites ``nncore/_catalogue_table.py``; a test checks that it names nothing they do not register.
"""

from __future__ import annotations

from ._catalogue_table import PROVIDERS

#: nncore's own plugin distributions, in the order their tables were written
DISTRIBUTIONS: tuple[str, ...] = tuple(PROVIDERS)

#: ``{class name: distribution}`` for every class of nncore's own plugins
KNOWN_PROVIDERS: dict[str, str] = {
    name: distribution for distribution, names in PROVIDERS.items() for name in names
}
