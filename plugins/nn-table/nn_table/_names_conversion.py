"""nn-table's conversion layers: {ClassName: module file}."""

NAMES: dict[str, str] = {
    "CriterionTable": "criterion_table",
    "FlattenTable": "flatten_table",
    "JoinTable": "join_table",
    "MixtureTable": "mixture_table",
    "NarrowTable": "narrow_table",
    "SelectTable": "select_table",
    "SplitTable": "split_table",
    "ZipTable": "zip_table",
    "ZipTableOneToMany": "zip_table_one_to_many",
}
