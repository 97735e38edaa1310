"""nn-table's registration with nncore: each class's name and the module defining it.

Names and lazy references only: nothing here imports a layer.
"""

from __future__ import annotations

from nncore.plugin import ClassSpec, hookimpl, specs

CONTAINERS = {
    "ConcatTable": "concat_table",
    "MapTable": "map_table",
    "ParallelTable": "parallel_table",
}

MODULES = {
    "CAddTable": "c_add_table",
    "CAddTensorTable": "c_add_tensor_table",
    "CDivTable": "c_div_table",
    "CMaxTable": "c_max_table",
    "CMinTable": "c_min_table",
    "CMulTable": "c_mul_table",
    "CSubTable": "c_sub_table",
    "CriterionTable": "criterion_table",
    "FlattenTable": "flatten_table",
    "JoinTable": "join_table",
    "MixtureTable": "mixture_table",
    "NarrowTable": "narrow_table",
    "SelectTable": "select_table",
    "SplitTable": "split_table",
    "ZipTable": "zip_table",
    "ZipTableOneToMany": "zip_table_one_to_many",
    "CosineDistance": "cosine_distance",
    "DotProduct": "dot_product",
    "PairwiseDistance": "pairwise_distance",
}


@hookimpl
def nncore_classes() -> list[ClassSpec]:
    return specs("nn_table", "container", CONTAINERS) + specs("nn_table", "module", MODULES)
